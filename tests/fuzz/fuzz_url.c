/*
 * libFuzzer harness for the URL module (C5).  Whatever the bytes, the
 * parser either refuses them with a printable reason naming a rule, or
 * accepts them with a known platform and target and a canonical URL
 * that is https, printable, and parses back to exactly the same fields.
 * A broken promise aborts, which libFuzzer reports as a crash.
 *
 * `make fuzz` builds this with clang -fsanitize=fuzzer,address,undefined
 * and runs it on a copy of tests/fuzz/corpus/url; make check replays the
 * corpus through tests/helpers/fuzzreplay_url.c, which includes this file.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "url.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX (4 * IPP_URL_MAX)	/* longer inputs say nothing new */

/* The input's name, when the replay program knows it. */
static const char *fuzz_input;

#define CHECK(c) do { \
	if (!(c)) { \
		fprintf(stderr, "fuzz_url: %s%s%s:%d: failed: %s\n", \
		    fuzz_input ? fuzz_input : "", fuzz_input ? ": " : "", \
		    __FILE__, __LINE__, #c); \
		abort(); \
	} \
} while (0)

/* Printable ASCII only: nothing that could steer a terminal or a TSV. */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f)
			return 0;
	return 1;
}

static void
check_accepted(const struct ipp_url *u)
{
	struct ipp_url again;
	const char *s;
	char *err = NULL;
	int digits;

	CHECK(ipp_url_platform_valid(u->platform, u->region));
	CHECK(strcmp(u->target, "listing") == 0 ||
	    strcmp(u->target, "storefront") == 0);
	if (strcmp(u->target, "storefront") == 0)
		CHECK(ipp_url_storefront_allowed(u->platform));
	CHECK(u->id[0] != '\0');
	for (s = u->id, digits = 1; *s != '\0'; s++) {
		CHECK((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-');
		digits &= *s >= '0' && *s <= '9';
	}
	/* A listing's id is a number with no zeros in front, so that one
	 * listing has one id; a shop's name may be all digits. */
	if (strcmp(u->target, "listing") == 0)
		CHECK(digits && u->id[0] != '0');
	CHECK(strncmp(u->canonical, "https://", 8) == 0);
	for (s = u->canonical; *s != '\0'; s++)
		CHECK(*s > 0x20 && *s < 0x7f && strchr("\"'<>\\`", *s) == NULL);
	CHECK(strstr(u->canonical, u->id) != NULL);
	/* Idempotence: the canonical URL is its own canonical form. */
	CHECK(ipp_url_parse(u->canonical, &again, &err) == IPP_OK);
	CHECK(err == NULL);
	CHECK(memcmp(&again, u, sizeof(again)) == 0);
}

static void
check_refused(int rc, const struct ipp_url *u, const char *err)
{
	CHECK(rc == IPP_EREFUSED);
	CHECK(err != NULL);
	CHECK(strstr(err, "(rule C") != NULL);
	CHECK(strlen(err) < 600);
	CHECK(printable(err));
	CHECK(u->canonical[0] == '\0' && u->platform[0] == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipp_url u;
	char *text, *err = NULL;
	int rc;

	if (size > FUZZ_MAX)
		size = FUZZ_MAX;
	/* The API takes a C string: the URL ends at the first NUL. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = ipp_url_parse(text, &u, &err);
	if (rc == IPP_OK) {
		CHECK(err == NULL);
		check_accepted(&u);
	} else {
		check_refused(rc, &u, err);
		/* Without errp, the same verdict. */
		CHECK(ipp_url_parse(text, &u, NULL) == rc);
	}
	free(err);
	free(text);
	return 0;
}
