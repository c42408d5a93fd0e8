/* fuzzreplay_tsv: the TSV fuzz target over its corpus (fuzzreplay.h). */
#define FUZZ_NAME "fuzzreplay_tsv"
#include "../fuzz/fuzz_tsv.c"
#include "fuzzreplay.h"
