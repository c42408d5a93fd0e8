/* fuzzreplay_url: the URL fuzz target over its corpus (fuzzreplay.h). */
#define FUZZ_NAME "fuzzreplay_url"
#include "../fuzz/fuzz_url.c"
#include "curl_dl.h"
#define FUZZ_AT_EXIT()	ipp_curl_unload()
#include "fuzzreplay.h"
