/* fuzzreplay_calendar: the calendar fuzz target over its corpus (fuzzreplay.h). */
#define FUZZ_NAME "fuzzreplay_calendar"
#include "../fuzz/fuzz_calendar.c"
#include "fuzzreplay.h"
