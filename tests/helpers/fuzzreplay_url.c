/*
 * fuzzreplay_url: feeds every file of the given directories (or the
 * given files) to the URL fuzz target's LLVMFuzzerTestOneInput, the
 * same entry point libFuzzer calls, so that make check proves the
 * corpus (tests/fuzz/corpus/url) without clang.  A broken promise
 * aborts; a file that cannot be read exits 2.
 * Usage: fuzzreplay_url DIR|FILE...
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "curl_dl.h"

#include "../fuzz/fuzz_url.c"

static int
replay_file(const char *path, size_t *n)
{
	unsigned char *buf;
	size_t len;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "fuzzreplay_url: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if ((buf = malloc(FUZZ_MAX + 1)) == NULL) {
		fclose(fp);
		fprintf(stderr, "fuzzreplay_url: out of memory\n");
		return -1;
	}
	len = fread(buf, 1, FUZZ_MAX + 1, fp);
	if (ferror(fp)) {
		fprintf(stderr, "fuzzreplay_url: %s: read error\n", path);
		rc = -1;
	} else {
		fuzz_input = path;
		LLVMFuzzerTestOneInput(buf, len);
		fuzz_input = NULL;
		(*n)++;
	}
	free(buf);
	fclose(fp);
	return rc;
}

static int
replay(const char *path, size_t *n)
{
	struct dirent **names;
	struct stat st;
	char file[4096];
	int i, count, rc = 0;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "fuzzreplay_url: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path, n);
	/* In name order, so that a failure is the same on every run. */
	if ((count = scandir(path, &names, NULL, alphasort)) == -1) {
		fprintf(stderr, "fuzzreplay_url: %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < count; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		if (rc == 0 && names[i]->d_name[0] != '.' &&
		    stat(file, &st) == 0 && S_ISREG(st.st_mode))
			rc = replay_file(file, n);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	size_t n = 0;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: fuzzreplay_url DIR|FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (replay(argv[i], &n) != 0) {
			ipp_curl_unload();
			return 2;
		}
	ipp_curl_unload();
	if (n == 0) {
		fprintf(stderr, "fuzzreplay_url: no input found\n");
		return 2;
	}
	printf("fuzzreplay_url: %zu inputs replayed\n", n);
	return 0;
}
