/* fuzzreplay_csv: the CSV fuzz target over its corpus (fuzzreplay.h). */
#define FUZZ_NAME "fuzzreplay_csv"
#include "../fuzz/fuzz_csv.c"
#include "fuzzreplay.h"
