/*
 * Unit tests for lib/reason.c: the reason catalog (C4) as a new store
 * seeds it, looked up, listed and replaced.  Catalogs to load are made
 * from the store's own listing, edited by column name, so that they have
 * whatever columns the catalog has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reason.h"
#include "tsv.h"
#include "fixtures.h"
#include "banned.h"

/* The catalog as `ipp-complain reasons` lists it, malloc'd. */
static char *
catalog(struct fx *fx, const char *ipr_type, const char *target)
{
	struct ipp_tsv_writer *w;
	char *out = NULL, *err = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);

	assert_non_null(fp);
	fx_assert_ok(ipp_tsv_writer_open(&w, fp, ipp_reason_columns,
	    ipp_reason_ncolumns, &err), err);
	fx_assert_ok(ipp_reason_list(fx->store, ipr_type, target, w, &err),
	    err);
	fx_assert_ok(ipp_tsv_writer_close(w, &err), err);
	fclose(fp);
	free(err);
	return out;
}

/* Loads text as the file "cat.tsv"; the status, the message in *errp. */
static int
load(struct fx *fx, const char *text, char **errp)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(fp);
	rc = ipp_reason_load(fx->store, fp, "cat.tsv", errp);
	fclose(fp);
	return rc;
}

/* Data rows of a TSV text (lines after the header). */
static int
rows(const char *text)
{
	int n = -1;

	for (; *text != '\0'; text++)
		if (*text == '\n')
			n++;
	return n;
}

/* The index of column name in text's header; fails when absent. */
static int
column(const char *text, const char *name)
{
	size_t len = strlen(name);
	const char *p = text;
	int i = 0;

	for (;;) {
		if (strncmp(p, name, len) == 0 &&
		    (p[len] == '\t' || p[len] == '\n'))
			return i;
		p += strcspn(p, "\t\n");
		if (*p != '\t')
			fail_msg("no column '%s' in '%.80s'", name, text);
		p++;
		i++;
	}
}

/*
 * text with the row whose code is code edited: its column col set to
 * value, or the row dropped when value is NULL.  Malloc'd; frees text.
 */
static char *
edit(char *text, const char *code, const char *col, const char *value)
{
	int want = column(text, col), i;
	char *line, *start, *end, *out;
	size_t clen = strlen(code);

	for (line = strchr(text, '\n') + 1; *line != '\0';
	    line = strchr(line, '\n') + 1)
		if (strncmp(line, code, clen) == 0 && line[clen] == '\t')
			break;
	if (*line == '\0')
		fail_msg("no code '%s' in the catalog", code);
	if (value == NULL) {
		end = strchr(line, '\n') + 1;
		out = ipp_strdup_printf("%.*s%s", (int)(line - text), text,
		    end);
	} else {
		for (start = line, i = 0; i < want; i++)
			start += strcspn(start, "\t") + 1;
		end = start + strcspn(start, "\t\n");
		out = ipp_strdup_printf("%.*s%s%s", (int)(start - text), text,
		    value, end);
	}
	assert_non_null(out);
	free(text);
	return out;
}

static void
test_seeded_catalog(void **state)
{
	struct fx *fx = *state;
	char *all = catalog(fx, NULL, NULL);
	struct ipp_reason r;
	char *err = NULL;

	/* Every row of lib/reasons.tsv, and no other. */
	assert_int_equal(rows(all), rows(ipp_reasons_tsv));
	assert_true(rows(all) > 0);
	fx_assert_ok(ipp_reason_get(fx->store, "tm-counterfeit-goods", &r,
	    &err), err);
	assert_string_equal(r.code, "tm-counterfeit-goods");
	assert_string_equal(r.ipr_type, "trademark");
	assert_string_equal(r.target, "listing");
	assert_string_equal(r.priority, "high");
	fx_assert_ok(ipp_reason_get(fx->store, "tm-store-name-logo", &r,
	    &err), err);
	assert_string_equal(r.target, "storefront");
	assert_string_equal(r.priority, "normal");
	fx_assert_ok(ipp_reason_get(fx->store, "pt-design", &r, &err), err);
	assert_string_equal(r.ipr_type, "patent");
	free(all);
	free(err);
}

/* High priority is for counterfeiting, and only for it (C4, C10). */
static void
test_counterfeit_codes_are_high(void **state)
{
	struct fx *fx = *state;
	char *all = catalog(fx, NULL, NULL), *line, code[64];
	int pcol = column(all, "priority"), i, high = 0;
	const char *f;

	for (line = strchr(all, '\n') + 1; *line != '\0';
	    line = strchr(line, '\n') + 1) {
		snprintf(code, sizeof(code), "%.*s", (int)strcspn(line, "\t"),
		    line);
		for (f = line, i = 0; i < pcol; i++)
			f += strcspn(f, "\t") + 1;
		if (strncmp(f, "high", 4) == 0) {
			high++;
			if (strstr(code, "counterfeit") == NULL)
				fail_msg("'%s' is high priority", code);
		} else if (strstr(code, "counterfeit") != NULL)
			fail_msg("'%s' is not high priority", code);
	}
	assert_int_equal(high, 2);
	free(all);
}

static void
test_unknown_code(void **state)
{
	struct fx *fx = *state;
	struct ipp_reason r;
	char *err = NULL;

	assert_int_equal(ipp_reason_get(fx->store, "tm-no-such-thing", &r,
	    &err), IPP_EREFUSED);
	fx_assert_contains(err, "no reason code 'tm-no-such-thing'");
	fx_assert_contains(err, "rule C4");
	assert_int_equal(ipp_reason_get(fx->store, "", &r, &err),
	    IPP_EREFUSED);
	free(err);
}

static void
test_list_filters_and_order(void **state)
{
	struct fx *fx = *state;
	char *shop = catalog(fx, "trademark", "storefront");
	char *tm = catalog(fx, "trademark", NULL);
	char *listing = catalog(fx, NULL, "listing");
	char *shops = catalog(fx, NULL, "storefront");
	char *all = catalog(fx, NULL, NULL);
	char *prev = NULL, *line, *key;
	int tcol = column(all, "ipr_type"), gcol = column(all, "target");
	int i;
	const char *f;

	assert_int_equal(rows(shop), 1);
	fx_assert_contains(shop, "\ntm-store-name-logo\t");
	assert_int_equal(strstr(tm, "\tcopyright\t") == NULL, 1);
	fx_assert_contains(tm, "\ntm-counterfeit-goods\t");
	assert_int_equal(strstr(listing, "\tstorefront\t") == NULL, 1);
	assert_int_equal(rows(listing) + rows(shops), rows(all));
	/* By type, target and code, so two listings compare with diff. */
	for (line = strchr(all, '\n') + 1; *line != '\0';
	    line = strchr(line, '\n') + 1) {
		const char *t, *g;
		for (t = line, i = 0; i < tcol; i++)
			t += strcspn(t, "\t") + 1;
		for (g = line, i = 0; i < gcol; i++)
			g += strcspn(g, "\t") + 1;
		f = line;
		key = ipp_strdup_printf("%.*s %.*s %.*s",
		    (int)strcspn(t, "\t\n"), t, (int)strcspn(g, "\t\n"), g,
		    (int)strcspn(f, "\t"), f);
		assert_non_null(key);
		if (prev != NULL && strcmp(prev, key) >= 0)
			fail_msg("'%s' before '%s'", prev, key);
		free(prev);
		prev = key;
	}
	free(prev);
	free(shop);
	free(tm);
	free(listing);
	free(shops);
	free(all);
}

/* The catalog listed loads back as itself. */
static void
test_load_round_trip(void **state)
{
	struct fx *fx = *state;
	char *before = catalog(fx, NULL, NULL), *after, *err = NULL;

	fx_assert_ok(load(fx, before, &err), err);
	after = catalog(fx, NULL, NULL);
	assert_string_equal(after, before);
	free(before);
	free(after);
	free(err);
}

/* A load drops what the file lacks, adds what is new, updates labels. */
static void
test_load_replaces(void **state)
{
	struct fx *fx = *state;
	char *text = catalog(fx, NULL, NULL), *err = NULL, *after, *row;
	struct ipp_reason r;
	const char *images;
	size_t len;

	text = edit(text, "cr-copied-text", "code", NULL);
	text = edit(text, "tm-mark-in-text", "label", "Mark in the title");
	/* A new code: the row of tm-mark-in-images, renamed, appended. */
	images = strstr(text, "\ntm-mark-in-images\t") + 1;
	len = strcspn(images, "\n") - strlen("tm-mark-in-images");
	row = ipp_strdup_printf("%stm-mark-in-domain%.*s\n", text, (int)len,
	    images + strlen("tm-mark-in-images"));
	assert_non_null(row);
	free(text);
	text = row;
	fx_assert_ok(load(fx, text, &err), err);
	assert_int_equal(ipp_reason_get(fx->store, "cr-copied-text", &r,
	    &err), IPP_EREFUSED);
	fx_assert_ok(ipp_reason_get(fx->store, "tm-mark-in-domain", &r, &err),
	    err);
	assert_string_equal(r.ipr_type, "trademark");
	after = catalog(fx, NULL, NULL);
	fx_assert_contains(after, "\ntm-mark-in-text\t");
	fx_assert_contains(after, "\tMark in the title\t");
	assert_int_equal(rows(after), rows(ipp_reasons_tsv));
	free(after);
	free(text);
	free(err);
}

/* Each malformed catalog is refused with its line; nothing changes. */
static void
test_load_refusals(void **state)
{
	static const struct {
		const char *column, *value, *message;
	} bad[] = {
		{ "code", "TM_Mark", "code: 'TM_Mark' is not [a-z0-9-]+ (rule C4)" },
		{ "code", "", "code: '' is not [a-z0-9-]+ (rule C4)" },
		{ "ipr_type", "design", "ipr_type: not trademark, copyright, patent or other (rule C4)" },
		{ "target", "shop", "target: not listing or storefront (rule C4)" },
		{ "label", "", "label: empty (rule C4)" },
		{ "priority", "urgent", "priority: not high or normal (rule C4)" },
	};
	struct fx *fx = *state;
	char *before = catalog(fx, NULL, NULL), *text, *after, *err = NULL;
	char *where;
	const char *p;
	int line = 1;
	size_t i;

	/* The shipped catalog, its row tm-mark-in-text made bad. */
	for (p = ipp_reasons_tsv; strncmp(p, "tm-mark-in-text\t", 16) != 0;
	    p = strchr(p, '\n') + 1)
		line++;
	where = ipp_strdup_printf("cat.tsv:%d: ", line);
	assert_non_null(where);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		text = strdup(ipp_reasons_tsv);
		assert_non_null(text);
		text = edit(text, "tm-mark-in-text", bad[i].column,
		    bad[i].value);
		assert_int_equal(load(fx, text, &err), IPP_EINPUT);
		fx_assert_contains(err, where);
		fx_assert_contains(err, bad[i].message);
		after = catalog(fx, NULL, NULL);
		assert_string_equal(after, before);
		free(after);
		free(text);
	}
	free(where);
	free(before);
	free(err);
}

/* A catalog without rows, or without a column, is not a catalog. */
static void
test_load_empty_or_short(void **state)
{
	struct fx *fx = *state;
	char *before = catalog(fx, NULL, NULL), *header, *after, *err = NULL;

	header = ipp_strdup_printf("%.*s", (int)(strchr(before, '\n') -
	    before + 1), before);
	assert_non_null(header);
	assert_int_equal(load(fx, header, &err), IPP_EINPUT);
	fx_assert_contains(err, "cat.tsv: an empty catalog (rule C4)");
	assert_int_equal(load(fx, "code\tipr_type\ttarget\n"
	    "tm-x\ttrademark\tlisting\n", &err), IPP_EINPUT);
	fx_assert_contains(err, "label");
	assert_int_equal(load(fx, "", &err), IPP_EINPUT);
	after = catalog(fx, NULL, NULL);
	assert_string_equal(after, before);
	free(after);
	free(header);
	free(before);
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)
		T(test_seeded_catalog),
		T(test_counterfeit_codes_are_high),
		T(test_unknown_code),
		T(test_list_filters_and_order),
		T(test_load_round_trip),
		T(test_load_replaces),
		T(test_load_refusals),
		T(test_load_empty_or_short),
#undef T
	};

	return cmocka_run_group_tests_name("reason", tests, NULL, NULL);
}
