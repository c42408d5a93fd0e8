/*
 * The body of the fuzzreplay_* helpers (issue 12): each includes its
 * fuzz target's source, defines FUZZ_NAME, then this.  Feeds every file
 * of the given directories (or the given files) to the target's
 * LLVMFuzzerTestOneInput, the entry point libFuzzer calls, so that make
 * check proves the corpus without clang.  A broken promise aborts; a
 * file that cannot be read exits 2.  A helper may define FUZZ_AT_EXIT()
 * for what its target loaded (the URL one unloads libcurl).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>

#ifndef FUZZ_AT_EXIT
#define FUZZ_AT_EXIT()	do { } while (0)
#endif

static int
replay_file(const char *path, size_t *n)
{
	unsigned char *buf;
	size_t len;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", FUZZ_NAME, path,
		    strerror(errno));
		return -1;
	}
	if ((buf = malloc(FUZZ_MAX + 1)) == NULL) {
		fclose(fp);
		fprintf(stderr, "%s: out of memory\n", FUZZ_NAME);
		return -1;
	}
	len = fread(buf, 1, FUZZ_MAX + 1, fp);
	if (ferror(fp)) {
		fprintf(stderr, "%s: %s: read error\n", FUZZ_NAME, path);
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
		fprintf(stderr, "%s: %s: %s\n", FUZZ_NAME, path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path, n);
	/* In name order, so that a failure is the same on every run. */
	if ((count = scandir(path, &names, NULL, alphasort)) == -1) {
		fprintf(stderr, "%s: %s: %s\n", FUZZ_NAME, path,
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
		fprintf(stderr, "usage: %s DIR|FILE...\n", FUZZ_NAME);
		return 2;
	}
	for (i = 1; i < argc; i++)
		if (replay(argv[i], &n) != 0) {
			FUZZ_AT_EXIT();
			return 2;
		}
	FUZZ_AT_EXIT();
	if (n == 0) {
		fprintf(stderr, "%s: no input found\n", FUZZ_NAME);
		return 2;
	}
	printf("%s: %zu inputs replayed\n", FUZZ_NAME, n);
	return 0;
}
