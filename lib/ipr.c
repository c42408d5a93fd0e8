#include <ctype.h>
#include <search.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "clock.h"
#include "country.h"
#include "doc.h"
#include "err.h"
#include "ipr.h"
#include "mail.h"
#include "records.h"
#include "banned.h"

/* The kinds of IPR that differ in what they need: bits of a mask. */
enum shape {
	TM = 1 << 0,	/* trademark (I2) */
	CR = 1 << 1,	/* registered copyright (I4) */
	CU = 1 << 2,	/* unregistered copyright (I4) */
	PT = 1 << 3,	/* patent (I5) */
	OT = 1 << 4,	/* other right (I6) */
	ALL = TM | CR | CU | PT | OT,
};

/* A text field of an IPR: where it lives, who needs it, who may have it. */
struct field_rule {
	const char	*name;		/* column and option name */
	size_t		 offset;	/* in struct ipp_ipr_input */
	unsigned	 required;	/* shapes that must give it */
	unsigned	 allowed;	/* shapes that may give it */
};

#define IN(f) offsetof(struct ipp_ipr_input, f)

static const struct field_rule fields[] = {
	{ "name", IN(name), TM, ALL },
	{ "number", IN(number), TM | CR | PT, TM | CR | PT | OT },
	{ "registrant", IN(registrant), TM, ALL },
	{ "jurisdiction", IN(jurisdiction), TM | CR | PT, TM | CR | PT | OT },
	{ "expires", IN(expires), TM | PT, TM | CR | PT | OT },
	{ "classes", IN(classes), TM, TM },
	{ "brand", IN(brand), TM, ALL },
	{ "status", IN(status), 0, TM },
	{ "kind", IN(kind), PT, PT },
	{ "description", IN(description), OT, ALL },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* Which documents each shape needs (I2-I6) and may carry (I3). */
static const struct {
	const char	*name;		/* ipr_documents.role */
	unsigned	 required;	/* shapes that must give it */
	unsigned	 allowed;	/* shapes that may give it */
} doc_rules[IPP_IPR_NDOCS] = {
	[IPP_IPR_CERTIFICATE] = { "certificate", TM | CR | PT, TM | CR | PT | OT },
	[IPP_IPR_STATEMENT] = { "statement", CU, CU },
	[IPP_IPR_EVALUATION_REPORT] = { "evaluation_report", PT, PT },
	[IPP_IPR_BASIS] = { "basis", OT, OT },
	[IPP_IPR_RENEWED] = { "renewed", 0, ALL },
	[IPP_IPR_ASSIGNED] = { "assigned", 0, ALL },
	[IPP_IPR_ALTERED] = { "altered", 0, ALL },
	[IPP_IPR_AUTHORIZATION] = { "authorization", 0, ALL },
};

/* I3's questions: the answer's name and the role of its document. */
static const struct {
	const char		*name;	/* iprs column, record column */
	enum ipp_ipr_doc	 role;	/* the document a yes needs */
} questions[IPP_IPR_NQUESTIONS] = {
	[IPP_IPR_WAS_RENEWED] = { "was_renewed", IPP_IPR_RENEWED },
	[IPP_IPR_WAS_ASSIGNED] = { "was_assigned", IPP_IPR_ASSIGNED },
	[IPP_IPR_WAS_ALTERED] = { "was_altered", IPP_IPR_ALTERED },
};

const char *const ipp_ipr_columns[] = {
	"ipr_id", "account_id", "label", "type", "state", "registered",
	"name", "number", "registrant", "jurisdiction", "expires", "classes",
	"brand", "kind", "description", "was_renewed", "was_assigned",
	"was_altered", "fail_reason", "failures", "created_at", "updated_at",
};
const size_t ipp_ipr_ncolumns =
    sizeof(ipp_ipr_columns) / sizeof(ipp_ipr_columns[0]);

/* Expired rights show as such (I7); ?1 is today's date. */
#define IPR_SELECT "SELECT ipr_id, account_id, label, type," \
	" CASE WHEN state <> 'failed' AND expires IS NOT NULL" \
	"  AND expires < ?1 THEN 'expired' ELSE state END AS state," \
	" registered, name, number, registrant, jurisdiction, expires," \
	" classes, brand, kind, description, was_renewed, was_assigned," \
	" was_altered, fail_reason, failures, created_at, updated_at" \
	" FROM iprs"

const char *
ipp_ipr_doc_name(enum ipp_ipr_doc role)
{
	return role < IPP_IPR_NDOCS ? doc_rules[role].name : NULL;
}

const char *
ipp_ipr_question_name(enum ipp_ipr_question q)
{
	return q < IPP_IPR_NQUESTIONS ? questions[q].name : NULL;
}

/* A checked IPR, every text owned, ready to store. */
struct record {
	unsigned	 shape;			/* enum shape bit */
	char		*text[NFIELDS];		/* normalised fields */
	char		*type;			/* I1 type */
	char		*label;			/* I8 label */
	char		*paths[IPP_IPR_NDOCS];	/* given document files */
	char		*doc_names[IPP_IPR_NDOCS];	/* their base names */
	struct ipp_doc	 docs[IPP_IPR_NDOCS];	/* stored content */
	int		 has_doc[IPP_IPR_NDOCS];	/* role present */
	int		 new_doc[IPP_IPR_NDOCS];	/* given now, to store */
	int		 drop_doc[IPP_IPR_NDOCS];	/* on file, answered no */
	int		 yes[IPP_IPR_NQUESTIONS];	/* I3's answers */
	int		*recorded[IPP_IPR_NDOCS];	/* import: document row
							 * written already */
};

static void
record_free(struct record *r)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		free(r->text[i]);
	for (i = 0; i < IPP_IPR_NDOCS; i++) {
		free(r->paths[i]);
		free(r->doc_names[i]);
	}
	free(r->type);
	free(r->label);
	memset(r, 0, sizeof(*r));
}

static int
field_index(const char *name)
{
	size_t i;

	/* The first letter first: the import asks a dozen times a row. */
	for (i = 0; i < NFIELDS; i++)
		if (fields[i].name[0] == name[0] &&
		    strcmp(fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* A record's field by name. */
#define T(r, f) ((r)->text[field_index(f)])

static const char *
shape_rule(unsigned shape)
{
	switch (shape) {
	case TM: return "I2";
	case CR: case CU: return "I4";
	case PT: return "I5";
	default: return "I6";
	}
}

static const char *
shape_name(unsigned shape)
{
	switch (shape) {
	case TM: return "a trademark";
	case CR: return "a registered copyright";
	case CU: return "an unregistered copyright";
	case PT: return "a patent";
	default: return "another right";
	}
}

/* Copies s without surrounding white space; NULL for NULL or blank. */
static char *
trimmed(const char *s)
{
	const char *end;

	if (s == NULL)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	return end > s ? strndup(s, (size_t)(end - s)) : NULL;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return 1;
	return 0;
}

static int
type_shape(const char *type, int unregistered, unsigned *shape, char **errp)
{
	if (type == NULL)
		return ipp_error(errp, IPP_EREFUSED, "type: missing: "
		    "trademark, copyright, patent or other (rule I1)");
	if (strcmp(type, "trademark") == 0)
		*shape = TM;
	else if (strcmp(type, "copyright") == 0)
		*shape = unregistered ? CU : CR;
	else if (strcmp(type, "patent") == 0)
		*shape = PT;
	else if (strcmp(type, "other") == 0)
		*shape = OT;
	else
		return ipp_error(errp, IPP_EREFUSED, "type: '%s' is not "
		    "trademark, copyright, patent or other (rule I1)", type);
	if (unregistered && *shape != CU)
		return ipp_error(errp, IPP_EREFUSED, "unregistered: only a "
		    "copyright may be unregistered (rules I2, I4)");
	return IPP_OK;
}

static int
compare_ints(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* "25; 9,9" -> "9,25": Nice classes 1-45, sorted, each once (I2). */
static int
normalise_classes(char **value, char **errp)
{
	int classes[45], n = 0, i;
	char *p = *value, *end, out[45 * 3 + 1];
	size_t len = 0;
	long c;

	while (*p != '\0') {
		if (*p == ',' || *p == ';' || *p == ' ') {
			p++;
			continue;
		}
		c = strtol(p, &end, 10);
		if (end == p || c < 1 || c > 45 || (*end != '\0' &&
		    *end != ',' && *end != ';' && *end != ' '))
			return ipp_error(errp, IPP_EREFUSED, "classes: '%s' is "
			    "not a list of Nice classes 1-45 (rule I2)", *value);
		for (i = 0; i < n && classes[i] != (int)c; i++)
			;
		if (i == n)
			classes[n++] = (int)c;
		p = end;
	}
	if (n == 0)
		return ipp_error(errp, IPP_EREFUSED, "classes: a trademark "
		    "needs at least one Nice class 1-45 (rule I2)");
	qsort(classes, (size_t)n, sizeof(int), compare_ints);
	/* 1-45: one or two digits each (snprintf cost a row 1 us). */
	for (i = 0; i < n; i++) {
		if (i > 0)
			out[len++] = ',';
		if (classes[i] >= 10)
			out[len++] = (char)('0' + classes[i] / 10);
		out[len++] = (char)('0' + classes[i] % 10);
	}
	out[len] = '\0';
	free(*value);
	return (*value = strdup(out)) != NULL ? IPP_OK :
	    ipp_error(errp, IPP_ESYS, "out of memory");
}

static int
check_value(const char *name, char **value, const char *today,
    const char *rule, char **errp)
{
	char *v = *value, *p;
	int64_t t;

	if (strlen(v) > 500)
		return ipp_error(errp, IPP_EREFUSED, "%s: longer than 500 "
		    "bytes (rule %s)", name, rule);
	if (has_control(v))
		return ipp_error(errp, IPP_EREFUSED, "%s: has a control "
		    "character such as a tab or line break (rule %s)", name,
		    rule);
	if (strcmp(name, "jurisdiction") == 0) {
		for (p = v; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		if (ipp_country_name(v) == NULL)
			return ipp_error(errp, IPP_EREFUSED, "jurisdiction: "
			    "'%s' is not an ISO 3166-1 alpha-2 country code "
			    "(rule I2)", v);
	} else if (strcmp(name, "expires") == 0) {
		if (strlen(v) != 10 || ipp_clock_parse(v, &t) != 0)
			return ipp_error(errp, IPP_EREFUSED, "expires: '%s' is "
			    "not a date YYYY-MM-DD (rule %s)", v, rule);
		if (strcmp(v, today) < 0)
			return ipp_error(errp, IPP_EREFUSED, "expires: the right "
			    "expired on %s and can back no complaint (rule I7)",
			    v);
	} else if (strcmp(name, "classes") == 0) {
		return normalise_classes(value, errp);
	} else if (strcmp(name, "status") == 0) {
		if (strcmp(v, "pending") == 0 || strcmp(v, "application") == 0)
			return ipp_error(errp, IPP_EREFUSED, "status: a pending "
			    "trademark application is refused: only a registered "
			    "trademark can be uploaded (rule I2)");
		if (strcmp(v, "registered") != 0)
			return ipp_error(errp, IPP_EREFUSED, "status: '%s' is "
			    "not registered or pending (rule I2)", v);
	} else if (strcmp(name, "kind") == 0) {
		if (strcmp(v, "invention") != 0 &&
		    strcmp(v, "utility-model") != 0 && strcmp(v, "design") != 0)
			return ipp_error(errp, IPP_EREFUSED, "kind: '%s' is not "
			    "invention, utility-model or design (rule I5)", v);
	}
	return IPP_OK;
}

static int
check_label(const char *label, char **errp)
{
	const char *p;

	if (strlen(label) > 100)
		return ipp_error(errp, IPP_EREFUSED, "label: longer than 100 "
		    "bytes (rule I8)");
	if (has_control(label))
		return ipp_error(errp, IPP_EREFUSED, "label: has a control "
		    "character such as a tab or line break (rule I8)");
	for (p = label; *p >= '0' && *p <= '9'; p++)
		;
	if (*p == '\0')
		return ipp_error(errp, IPP_EREFUSED, "label: '%s' is all "
		    "digits, which reads as an IPR id (rule I8)", label);
	return IPP_OK;
}

/*
 * I3: one question's answer, yes or no (NULL: yes when its document is
 * on file).  A yes needs the document; a no with a new one is refused,
 * and a no drops the one on file.
 */
static int
answer(const char *given, enum ipp_ipr_question q, struct record *r,
    char **errp)
{
	enum ipp_ipr_doc role = questions[q].role;
	const char *doc = doc_rules[role].name;
	char *v = trimmed(given);
	int yes;

	if (v == NULL)
		yes = r->has_doc[role];
	else if (strcasecmp(v, "yes") == 0)
		yes = 1;
	else if (strcasecmp(v, "no") == 0)
		yes = 0;
	else {
		yes = ipp_error(errp, IPP_EREFUSED, "%s: '%s' is not yes or no "
		    "(rule I3)", questions[q].name, v);
		free(v);
		return yes;
	}
	free(v);
	if (yes && !r->has_doc[role])
		return ipp_error(errp, IPP_EREFUSED, "%s: yes needs the %s "
		    "document (rule I3)", questions[q].name, doc);
	if (!yes && r->new_doc[role])
		return ipp_error(errp, IPP_EREFUSED, "%s: no, yet the %s document "
		    "is given: a document says yes (rule I3)", questions[q].name,
		    doc);
	if (!yes && r->has_doc[role]) {
		r->drop_doc[role] = 1;
		r->has_doc[role] = 0;
	}
	r->yes[q] = yes;
	return IPP_OK;
}

/*
 * Builds a record from user input: trims, checks each value, and checks
 * that the IPR's shape has what it needs and nothing it cannot have.
 * have_docs marks roles already stored (edit).
 */
static int
build_record(const struct ipp_ipr_input *in, const int *have_docs,
    const char *today, struct record *r, char **errp)
{
	const char *const *given;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	r->type = trimmed(in->type);
	if ((rc = type_shape(r->type, in->unregistered, &r->shape, errp)))
		return rc;
	for (i = 0; i < NFIELDS; i++) {
		given = (const char *const *)((const char *)in + fields[i].offset);
		r->text[i] = trimmed(*given);
		if (r->text[i] == NULL) {
			if (fields[i].required & r->shape)
				return ipp_error(errp, IPP_EREFUSED, "%s: required "
				    "for %s (rule %s)", fields[i].name,
				    shape_name(r->shape), shape_rule(r->shape));
			continue;
		}
		if (!(fields[i].allowed & r->shape))
			return ipp_error(errp, IPP_EREFUSED, "%s: %s has no %s "
			    "(rule %s)", fields[i].name, shape_name(r->shape),
			    fields[i].name, shape_rule(r->shape));
		if ((rc = check_value(fields[i].name, &r->text[i], today,
		    shape_rule(r->shape), errp)))
			return rc;
	}
	if ((r->label = trimmed(in->label)) != NULL &&
	    (rc = check_label(r->label, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < IPP_IPR_NDOCS; i++) {
		r->paths[i] = trimmed(in->docs[i]);
		r->new_doc[i] = r->paths[i] != NULL;
		r->has_doc[i] = r->new_doc[i] || (have_docs && have_docs[i]);
		if (r->new_doc[i] && !(doc_rules[i].allowed & r->shape))
			return ipp_error(errp, IPP_EREFUSED, "%s: %s has no %s "
			    "document (rule %s)", doc_rules[i].name,
			    shape_name(r->shape), doc_rules[i].name,
			    shape_rule(r->shape));
		if (!r->has_doc[i] && (doc_rules[i].required & r->shape))
			return ipp_error(errp, IPP_EREFUSED, "%s: the %s document "
			    "is required for %s (rule %s)", doc_rules[i].name,
			    doc_rules[i].name, shape_name(r->shape),
			    shape_rule(r->shape));
		if (r->new_doc[i] && (r->doc_names[i] =
		    strdup(ipp_doc_name(r->paths[i]))) == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	for (i = 0; i < IPP_IPR_NQUESTIONS; i++)
		if ((rc = answer(in->answers[i], (enum ipp_ipr_question)i, r,
		    errp)) != IPP_OK)
			return rc;
	return IPP_OK;
}

/* Names compare by letters and words: case and spacing do not count. */
static int
same_name(const char *a, const char *b)
{
	for (;;) {
		while (isspace((unsigned char)*a))
			a++;
		while (isspace((unsigned char)*b))
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++, b++;
	}
}

/*
 * I3: an agent, or a right registered to someone else, needs authority.
 * For a right holder, the recorded assignment of the right (to the
 * account's owner, its document on file) is that authority.
 */
static int
check_authorization(const struct record *r,
    const struct ipp_account_profile *p, char **errp)
{
	const char *registrant = r->text[field_index("registrant")];

	if (r->has_doc[IPP_IPR_AUTHORIZATION])
		return IPP_OK;
	if (strcmp(p->category, "agent") == 0)
		return ipp_error(errp, IPP_EREFUSED, "authorization: an agent "
		    "account needs the authorisation to enforce the IPR "
		    "(rule I3)");
	if (registrant != NULL && (p->owner_name == NULL ||
	    !same_name(registrant, p->owner_name)) &&
	    !r->yes[IPP_IPR_WAS_ASSIGNED])
		return ipp_error(errp, IPP_EREFUSED, "authorization: the "
		    "registrant '%s' is not the account's owner '%s': the "
		    "authorisation to enforce the IPR is required, or the "
		    "record of its assignment to the owner (was_assigned yes, "
		    "with the assigned document) (rule I3)",
		    registrant, p->owner_name ? p->owner_name : "");
	return IPP_OK;
}

/* 1 when the account has an IPR (other than exclude) with this label. */
static int
label_taken(struct ipp_store *s, int64_t account, const char *label,
    int64_t exclude, int64_t *taken, char **errp)
{
	static const char sql[] = "SELECT 1 FROM iprs WHERE account_id = ?"
	    " AND label = ? AND ipr_id <> ?";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account);
	ipp_stmt_bind_static(st, 2, label);
	ipp_stmt_bind_int(st, 3, exclude);
	return ipp_store_first_int(s, st, taken, "cannot read IPR labels",
	    errp);
}

/*
 * The strings of parts (NULLs skipped) joined in a new string: the
 * import builds two a row, and a printf format costs ten times more.
 */
static char *
joined(const char *const *parts, size_t n)
{
	size_t len = 0, i, k;
	char *out, *p;

	for (i = 0; i < n; i++)
		len += parts[i] ? strlen(parts[i]) : 0;
	if ((p = out = malloc(len + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (parts[i] == NULL)
			continue;
		k = strlen(parts[i]);
		memcpy(p, parts[i], k);
		p += k;
	}
	*p = '\0';
	return out;
}

/* The default label (I8), a new string: type/jurisdiction/number/brand. */
static char *
default_label(const struct record *r)
{
	const char *jur = r->text[field_index("jurisdiction")];
	const char *num = r->text[field_index("number")];
	const char *brand = r->text[field_index("brand")];
	const char *name = r->text[field_index("name")];
	const char *parts[7];

	parts[0] = r->shape == CU ? "copyright/unregistered" : r->type;
	parts[1] = jur ? "/" : NULL;
	parts[2] = jur;
	parts[3] = num ? "/" : NULL;
	parts[4] = num;
	parts[5] = (brand || name) ? "/" : NULL;
	parts[6] = brand ? brand : name;
	return joined(parts, 7);
}

/*
 * The label (I8): the given one must be free; the default is built from
 * type, jurisdiction, number and brand, with "#2", "#3" ... on a clash.
 */
static int
settle_label(struct ipp_store *s, int64_t account, struct record *r,
    int64_t exclude, char **errp)
{
	char *base, *label;
	int64_t taken;
	int rc, n;

	if (r->label != NULL) {
		if ((rc = label_taken(s, account, r->label, exclude, &taken,
		    errp)) != IPP_OK)
			return rc;
		if (taken)
			return ipp_error(errp, IPP_EREFUSED, "label: '%s' is "
			    "taken by another IPR of the account (rule I8)",
			    r->label);
		return IPP_OK;
	}
	if ((base = default_label(r)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	for (n = 1, label = strdup(base); label != NULL; n++) {
		if ((rc = label_taken(s, account, label, exclude, &taken,
		    errp)) != IPP_OK)
			break;
		if (!taken)
			break;
		free(label);
		label = ipp_strdup_printf("%s#%d", base, n + 1);
	}
	free(base);
	if (label == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if (rc != IPP_OK) {
		free(label);
		return rc;
	}
	r->label = label;
	return IPP_OK;
}

/* The same registration number and jurisdiction twice is refused. */
static int
check_number_free(struct ipp_store *s, int64_t account,
    const struct record *r, int64_t exclude, int64_t imported_after,
    char **errp)
{
	/* Two forms, so that both use the (account, jurisdiction, number)
	 * index: a COALESCE around the column would scan every row. */
	static const char with_sql[] = "SELECT ipr_id, label FROM iprs"
	    " WHERE account_id = ? AND jurisdiction = ? AND number = ?"
	    " AND ipr_id <> ?";
	static const char without_sql[] = "SELECT ipr_id, label FROM iprs"
	    " WHERE account_id = ? AND jurisdiction IS NULL AND number = ?"
	    " AND ipr_id <> ?";
	const char *jur = T(r, "jurisdiction");
	const char *num = T(r, "number");
	struct ipp_stmt *st;
	int rc, i = 1;

	if (num == NULL)
		return IPP_OK;
	if ((rc = ipp_store_stmt(s, jur ? with_sql : without_sql, &st, errp)))
		return rc;
	ipp_stmt_bind_int(st, i++, account);
	if (jur != NULL)
		ipp_stmt_bind_static(st, i++, jur);
	ipp_stmt_bind_static(st, i++, num);
	ipp_stmt_bind_int(st, i, exclude);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW &&
	    ipp_stmt_int(st, 0) > imported_after) {
		rc = ipp_error(errp, IPP_EREFUSED, "number: %s %s appears twice "
		    "in this file (rule I8)", jur ? jur : "", num);
		ipp_stmt_reset(st);
		return rc;
	}
	if (rc == IPP_STMT_ROW) {
		rc = ipp_error(errp, IPP_EREFUSED, "number: %s %s is already "
		    "IPR %lld '%s' (rule I8)", jur ? jur : "", num,
		    (long long)ipp_stmt_int(st, 0),
		    ipp_stmt_text(st, 1));
		ipp_stmt_reset(st);
		return rc;
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read IPR numbers");
	return IPP_OK;
}

/* Documents go to docs/ before the transaction that names them (D1). */
static int
store_docs(struct ipp_store *s, struct record *r, char **errp)
{
	int rc;
	size_t i;

	for (i = 0; i < IPP_IPR_NDOCS; i++) {
		if (!r->new_doc[i])
			continue;
		if ((rc = ipp_doc_store(s, r->paths[i], &r->docs[i], errp)))
			return ipp_error_prefix(errp, rc, "%s", doc_rules[i].name);
	}
	return IPP_OK;
}

static int
add_event(struct ipp_store *s, int64_t ipr_id, int64_t actor,
    const char *action, const char *detail, const char *now, char **errp)
{
	static const char sql[] = "INSERT INTO ipr_events (ipr_id, actor_id,"
	    " action, detail, at) VALUES (?, ?, ?, ?, ?)";

	return ipp_store_run(s, sql, "cannot record the IPR event", errp,
	    "iittt", ipr_id, actor, action, detail, now);
}

static int
save_docs(struct ipp_store *s, int64_t ipr_id, const struct record *r,
    const char *now, char **errp)
{
	static const char sql[] = "INSERT INTO ipr_documents (ipr_id, role,"
	    " sha256, name) VALUES (?, ?, ?, ?) ON CONFLICT (ipr_id, role)"
	    " DO UPDATE SET sha256 = excluded.sha256, name = excluded.name";
	static const char drop_sql[] = "DELETE FROM ipr_documents"
	    " WHERE ipr_id = ? AND role = ?";
	size_t i;
	int rc;

	for (i = 0; i < IPP_IPR_NDOCS; i++) {
		/* I3 answered no: its document goes (the file stays in
		 * docs/, as every unreferenced one does). */
		if (r->drop_doc[i] && (rc = ipp_store_run(s, drop_sql,
		    "cannot drop an IPR document", errp, "it", ipr_id,
		    doc_rules[i].name)) != IPP_OK)
			return rc;
		if (!r->new_doc[i])
			continue;
		/* An import's shared papers: their documents row once. */
		if (r->recorded[i] == NULL || !*r->recorded[i])
			rc = ipp_doc_record(s, &r->docs[i], now, errp);
		else
			rc = IPP_OK;
		if (rc == IPP_OK && r->recorded[i] != NULL)
			*r->recorded[i] = 1;
		if (rc != IPP_OK ||
		    (rc = ipp_store_run(s, sql, "cannot save an IPR document",
		    errp, "itts", ipr_id, doc_rules[i].name, r->docs[i].sha256,
		    r->doc_names[i])) != IPP_OK)
			return rc;
	}
	return IPP_OK;
}

/* A record's answer to an I3 question as stored. */
#define YES_NO(r, q) ((r)->yes[q] ? "yes" : "no")

/* A checked IPR's row, pending; its id into *id. */
static int
insert_iprs_row(struct ipp_store *s, int64_t account, const struct record *r,
    const char *now, int64_t *id, char **errp)
{
	static const char sql[] = "INSERT INTO iprs (account_id, label, type,"
	    " state, registered, name, number, registrant, jurisdiction,"
	    " expires, classes, brand, kind, description, was_renewed,"
	    " was_assigned, was_altered, created_at, updated_at)"
	    " VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?)";
	int rc;

	rc = ipp_store_run(s, sql, "cannot save the IPR", errp,
	    "ittitttttttttttttt", account, r->label, r->type,
	    (int64_t)(r->shape != CU), T(r, "name"), T(r, "number"),
	    T(r, "registrant"), T(r, "jurisdiction"), T(r, "expires"),
	    T(r, "classes"), T(r, "brand"), T(r, "kind"), T(r, "description"),
	    YES_NO(r, IPP_IPR_WAS_RENEWED), YES_NO(r, IPP_IPR_WAS_ASSIGNED),
	    YES_NO(r, IPP_IPR_WAS_ALTERED), now, now);
	if (rc == IPP_OK)
		*id = ipp_store_last_id(s);
	return rc;
}

static int
insert_record(struct ipp_store *s, int64_t account, int64_t actor,
    const struct record *r, const char *now, int64_t *id, char **errp)
{
	int rc;

	if ((rc = insert_iprs_row(s, account, r, now, id, errp)) != IPP_OK)
		return rc;
	if ((rc = save_docs(s, *id, r, now, errp)) != IPP_OK)
		return rc;
	return add_event(s, *id, actor, "submitted", NULL, now, errp);
}

static int
today_and_now(char today[11], char now[IPP_TIME_LEN + 1], char **errp)
{
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK)
		return rc;
	memcpy(today, now, 10);
	today[10] = '\0';
	return IPP_OK;
}

/* Every check that needs the store, then the documents to docs/. */
static int
settle(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_account_profile *p, struct record *r, int64_t exclude,
    char **errp)
{
	int rc;

	if ((rc = check_authorization(r, p, errp)) != IPP_OK ||
	    (rc = settle_label(s, who->account_id, r, exclude, errp)) ||
	    (rc = check_number_free(s, who->account_id, r, exclude, INT64_MAX,
	    errp)))
		return rc;
	return store_docs(s, r, errp);
}

int
ipp_ipr_add(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_ipr_input *in, int64_t *ipr_id, char **errp)
{
	struct ipp_account_profile p;
	struct record r;
	char today[11], now[IPP_TIME_LEN + 1];
	int rc;

	if ((rc = ipp_account_require_verified(who, errp)) != IPP_OK ||
	    (rc = today_and_now(today, now, errp)) != IPP_OK)
		return rc;
	if ((rc = build_record(in, NULL, today, &r, errp)) != IPP_OK) {
		record_free(&r);
		return rc;
	}
	if ((rc = ipp_account_profile(s, who->account_id, &p, errp)) != IPP_OK) {
		record_free(&r);
		return rc;
	}
	rc = settle(s, who, &p, &r, 0, errp);
	ipp_account_profile_free(&p);
	if (rc == IPP_OK && (rc = ipp_store_begin(s, errp)) == IPP_OK) {
		rc = insert_record(s, who->account_id, who->account_id, &r, now,
		    ipr_id, errp);
		if (rc == IPP_OK)
			rc = ipp_store_commit(s, errp);
		else
			ipp_store_rollback(s);
	}
	record_free(&r);
	return rc;
}

/* A stored IPR as input strings, for edit; owned copies. */
struct stored {
	int64_t		 account_id;	/* owner */
	char		 state[16];	/* pending verified failed */
	int		 registered;	/* 0: unregistered copyright */
	char		*type;		/* I1 type */
	char		*label;		/* I8 label */
	char		*text[NFIELDS];	/* stored fields */
	int		 has_doc[IPP_IPR_NDOCS];	/* roles on file */
	char		 answers[IPP_IPR_NQUESTIONS][4];	/* yes no (I3) */
	char		*contact;	/* the owner's contact email */
};

static void
stored_free(struct stored *st)
{
	size_t i;

	free(st->type);
	free(st->label);
	free(st->contact);
	for (i = 0; i < NFIELDS; i++)
		free(st->text[i]);
	memset(st, 0, sizeof(*st));
}

static int
load_docs(struct ipp_store *s, int64_t id, struct stored *out, char **errp)
{
	static const char sql[] = "SELECT role FROM ipr_documents"
	    " WHERE ipr_id = ?";
	struct ipp_stmt *st;
	size_t i;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW)
		for (i = 0; i < IPP_IPR_NDOCS; i++)
			if (strcmp(ipp_stmt_text(st, 0),
			    doc_rules[i].name) == 0)
				out->has_doc[i] = 1;
	ipp_stmt_reset(st);
	return rc == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read IPR documents");
}

/*
 * Loads an IPR visible to the caller: its own, or any for a handler.
 * Another account's IPR does not exist to the caller.
 */
static int
load(struct ipp_store *s, const struct ipp_auth *who, int64_t id,
    struct stored *out, char **errp)
{
	static const char sql[] = "SELECT i.account_id, i.state, i.registered,"
	    " i.type, i.label, i.name, i.number, i.registrant, i.jurisdiction,"
	    " i.expires, i.classes, i.brand, i.kind, i.description,"
	    " a.contact_email, i.was_renewed, i.was_assigned, i.was_altered"
	    " FROM iprs i JOIN accounts a"
	    " ON a.account_id = i.account_id WHERE i.ipr_id = ?";
	static const char *const order[] = { "name", "number", "registrant",
		"jurisdiction", "expires", "classes", "brand", "kind",
		"description" };
	struct ipp_stmt *st;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	if ((rc = ipp_stmt_step(st)) != IPP_STMT_ROW || (who->role !=
	    IPP_ROLE_HANDLER && ipp_stmt_int(st, 0) !=
	    who->account_id)) {
		ipp_stmt_reset(st);
		if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
			return ipp_store_fail(s, errp, "cannot read the IPR");
		return ipp_error(errp, IPP_ENOTFOUND, "no IPR %lld",
		    (long long)id);
	}
	out->account_id = ipp_stmt_int(st, 0);
	snprintf(out->state, sizeof(out->state), "%s",
	    ipp_stmt_text(st, 1));
	out->registered = (int)ipp_stmt_int(st, 2);
	out->type = ipp_store_column_dup(st, 3);
	out->label = ipp_store_column_dup(st, 4);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		out->text[field_index(order[i])] =
		    ipp_store_column_dup(st, 5 + (int)i);
	out->contact = ipp_store_column_dup(st, 14);
	for (i = 0; i < IPP_IPR_NQUESTIONS; i++)
		snprintf(out->answers[i], sizeof(out->answers[i]), "%s",
		    ipp_stmt_text(st, 15 + (int)i));
	ipp_stmt_reset(st);
	return load_docs(s, id, out, errp);
}

/* The stored values, overlaid by what the edit gives. */
static void
overlay(const struct stored *old, const struct ipp_ipr_input *in,
    struct ipp_ipr_input *merged)
{
	const char **slot;
	size_t i;

	*merged = *in;
	merged->type = old->type;
	merged->unregistered = !old->registered;
	if (merged->label == NULL)
		merged->label = old->label;
	for (i = 0; i < NFIELDS; i++) {
		slot = (const char **)((char *)merged + fields[i].offset);
		if (*slot == NULL)
			*slot = old->text[i];
	}
	/* An answer not given stays, unless a document given says yes. */
	for (i = 0; i < IPP_IPR_NQUESTIONS; i++)
		if (merged->answers[i] == NULL &&
		    merged->docs[questions[i].role] == NULL)
			merged->answers[i] = old->answers[i];
}

static int
update_record(struct ipp_store *s, int64_t id, int64_t actor,
    const struct record *r, const char *now, char **errp)
{
	static const char sql[] = "UPDATE iprs SET label = ?, name = ?,"
	    " number = ?, registrant = ?, jurisdiction = ?, expires = ?,"
	    " classes = ?, brand = ?, kind = ?, description = ?,"
	    " was_renewed = ?, was_assigned = ?, was_altered = ?,"
	    " updated_at = ? WHERE ipr_id = ? AND state IN ('pending', 'failed')";
	int rc;

	rc = ipp_store_run(s, sql, "cannot change the IPR", errp,
	    "tttttttttttttti", r->label, T(r, "name"), T(r, "number"),
	    T(r, "registrant"), T(r, "jurisdiction"), T(r, "expires"),
	    T(r, "classes"), T(r, "brand"), T(r, "kind"), T(r, "description"),
	    YES_NO(r, IPP_IPR_WAS_RENEWED), YES_NO(r, IPP_IPR_WAS_ASSIGNED),
	    YES_NO(r, IPP_IPR_WAS_ALTERED), now, id);
	if (rc != IPP_OK)
		return rc;
	if (ipp_store_changes(s) != 1)
		return ipp_error(errp, IPP_EREFUSED, "IPR %lld was decided "
		    "meanwhile: only a pending or failed IPR can be edited "
		    "(rule I7)", (long long)id);
	if ((rc = save_docs(s, id, r, now, errp)) != IPP_OK)
		return rc;
	return add_event(s, id, actor, "edited", NULL, now, errp);
}

int
ipp_ipr_edit(struct ipp_store *s, const struct ipp_auth *who, int64_t id,
    const struct ipp_ipr_input *in, char **errp)
{
	struct ipp_account_profile p;
	struct ipp_ipr_input merged;
	struct stored old;
	struct record r;
	char today[11], now[IPP_TIME_LEN + 1];
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = ipp_account_require_verified(who, errp)) != IPP_OK ||
	    (rc = today_and_now(today, now, errp)) != IPP_OK)
		return rc;
	if (in->type != NULL || in->unregistered)
		return ipp_error(errp, IPP_EUSAGE, "the type of an IPR cannot "
		    "change: add a new one (rule I1)");
	if ((rc = load(s, who, id, &old, errp)) != IPP_OK)
		goto out;
	if (strcmp(old.state, "verified") == 0) {
		rc = ipp_error(errp, IPP_EREFUSED, "IPR %lld is verified: only "
		    "a pending or failed IPR can be edited (rule I7)",
		    (long long)id);
		goto out;
	}
	overlay(&old, in, &merged);
	if ((rc = build_record(&merged, old.has_doc, today, &r, errp)) ||
	    (rc = ipp_account_profile(s, who->account_id, &p, errp)))
		goto out;
	rc = settle(s, who, &p, &r, id, errp);
	ipp_account_profile_free(&p);
	if (rc == IPP_OK && (rc = ipp_store_begin(s, errp)) == IPP_OK) {
		if ((rc = update_record(s, id, who->account_id, &r, now,
		    errp)) == IPP_OK)
			rc = ipp_store_commit(s, errp);
		else
			ipp_store_rollback(s);
	}
out:
	record_free(&r);
	stored_free(&old);
	return rc;
}

static int
set_state(struct ipp_store *s, int64_t id, int64_t actor, const char *from,
    const char *to, const char *reason, const char *now, char **errp)
{
	static const char sql[] = "UPDATE iprs SET state = ?1,"
	    " fail_reason = ?2, updated_at = ?3,"
	    " failures = failures + CASE WHEN ?1 = 'failed' THEN 1 ELSE 0 END"
	    " WHERE ipr_id = ?4 AND state = ?5";
	int rc;

	if ((rc = ipp_store_run(s, sql, "cannot change the IPR's state", errp,
	    "tttit", to, reason, now, id, from)) != IPP_OK)
		return rc;
	if (ipp_store_changes(s) != 1)
		return ipp_error(errp, IPP_EREFUSED, "IPR %lld is not %s "
		    "(rule I7)", (long long)id, from);
	return add_event(s, id, actor, to, reason, now, errp);
}

static int
mail_decision(struct ipp_store *s, const struct stored *ipr, int64_t id,
    int verify, const char *reason, char **errp)
{
	char *subject, *body;
	int rc;

	subject = ipp_strdup_printf("IPR %lld %s", (long long)id,
	    verify ? "verified" : "failed verification");
	if (verify)
		body = ipp_strdup_printf("Your %s '%s' (IPR %lld) was verified "
		    "by a case handler (rule I7).\n\nIt can now back "
		    "complaints until it expires.\n", ipr->type, ipr->label,
		    (long long)id);
	else
		body = ipp_strdup_printf("Your %s '%s' (IPR %lld) failed "
		    "verification (rule I7).\n\nReason: %s\n\nCorrect it with "
		    "'ipp-ipr edit %lld' and send it back with "
		    "'ipp-ipr resubmit %lld'.\n", ipr->type, ipr->label,
		    (long long)id, reason, (long long)id, (long long)id);
	rc = subject && body ? ipp_mail_send(s, ipr->contact, subject, body,
	    errp) : ipp_error(errp, IPP_ESYS, "out of memory");
	free(subject);
	free(body);
	return rc;
}

/*
 * Loads, checks the state, moves it: one short transaction, which with
 * tell also queues the decision's mail to the owner (N3).
 */
static int
move(struct ipp_store *s, const struct ipp_auth *who, int64_t id,
    const char *from, const char *to, const char *reason, int tell,
    struct stored *old, char **errp)
{
	char now[IPP_TIME_LEN + 1];
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK ||
	    (rc = ipp_store_begin(s, errp)) != IPP_OK)
		return rc;
	if ((rc = load(s, who, id, old, errp)) == IPP_OK &&
	    strcmp(old->state, from) != 0)
		rc = ipp_error(errp, IPP_EREFUSED, "IPR %lld is %s, not %s "
		    "(rule I7)", (long long)id, old->state, from);
	if (rc == IPP_OK)
		rc = set_state(s, id, who->account_id, from, to, reason, now,
		    errp);
	if (rc == IPP_OK && tell)
		rc = mail_decision(s, old, id, strcmp(to, "verified") == 0,
		    reason, errp);
	if (rc == IPP_OK)
		return ipp_store_commit(s, errp);
	ipp_store_rollback(s);
	return rc;
}

int
ipp_ipr_resubmit(struct ipp_store *s, const struct ipp_auth *who, int64_t id,
    char **errp)
{
	struct stored old;
	int rc;

	if ((rc = ipp_account_require_verified(who, errp)) != IPP_OK)
		return rc;
	rc = move(s, who, id, "failed", "pending", NULL, 0, &old, errp);
	stored_free(&old);
	return rc;
}

int
ipp_ipr_check_decision(int verify, const char *reason, char **errp)
{
	if (!verify && (reason == NULL || *reason == '\0'))
		return ipp_error(errp, IPP_EUSAGE,
		    "a failed verification needs a reason (rule I7)");
	return IPP_OK;
}

int
ipp_ipr_decide(struct ipp_store *s, const struct ipp_auth *who, int64_t id,
    int verify, const char *reason, char **errp)
{
	struct stored old;
	int rc;

	if (who->role != IPP_ROLE_HANDLER)
		return ipp_error(errp, IPP_EAUTH,
		    "only a case handler may verify IPRs");
	if ((rc = ipp_ipr_check_decision(verify, reason, errp)) != IPP_OK)
		return rc;
	rc = move(s, who, id, "pending", verify ? "verified" : "failed",
	    verify ? NULL : reason, 1, &old, errp);
	stored_free(&old);
	return rc;
}

int
ipp_ipr_resolve(struct ipp_store *s, const struct ipp_auth *who,
    const char *text, int64_t *id, char **errp)
{
	static const char sql[] = "SELECT ipr_id FROM iprs"
	    " WHERE account_id = ? AND label = ?";
	struct ipp_stmt *st;
	const char *p;
	int rc;

	for (p = text; *p >= '0' && *p <= '9'; p++)
		;
	if (*text != '\0' && *p == '\0') {
		*id = strtoll(text, NULL, 10);
		return IPP_OK;
	}
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, who->account_id);
	ipp_stmt_bind_static(st, 2, text);
	rc = ipp_stmt_step(st);
	*id = rc == IPP_STMT_ROW ? ipp_stmt_int(st, 0) : 0;
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read IPR labels");
	if (*id == 0)
		return ipp_error(errp, IPP_ENOTFOUND, "no IPR labelled '%s' "
		    "(rule I8)", text);
	return IPP_OK;
}

static int
check_filter(const struct ipp_ipr_filter *f, char **errp)
{
	static const char *const states[] = { "pending", "verified", "failed",
		"expired", NULL };
	static const char *const types[] = { "trademark", "copyright",
		"patent", "other", NULL };
	const char *const *p;

	if (f->state != NULL) {
		for (p = states; *p != NULL && strcmp(*p, f->state) != 0; p++)
			;
		if (*p == NULL)
			return ipp_error(errp, IPP_EUSAGE, "no IPR state '%s': "
			    "pending, verified, failed or expired (rule I7)",
			    f->state);
	}
	if (f->type != NULL) {
		for (p = types; *p != NULL && strcmp(*p, f->type) != 0; p++)
			;
		if (*p == NULL)
			return ipp_error(errp, IPP_EUSAGE, "no IPR type '%s': "
			    "trademark, copyright, patent or other (rule I1)",
			    f->type);
	}
	return IPP_OK;
}

int
ipp_ipr_list(struct ipp_store *s, const struct ipp_auth *who,
    const struct ipp_ipr_filter *f, struct ipp_tsv_writer *w, long *count,
    char **errp)
{
	/* ?1 today, ?2 account or NULL (handler), ?3 state, ?4 type,
	 * ?5 last day of the expiry window or NULL. */
	static const char sql[] = "SELECT * FROM (" IPR_SELECT
	    " WHERE (?2 IS NULL OR account_id = ?2)"
	    " AND (?4 IS NULL OR type = ?4) AND (?7 IS NULL OR ipr_id = ?7)"
	    " AND (?5 IS NULL OR (expires IS NOT NULL AND expires <= ?5))) AS v"
	    " WHERE (?3 IS NULL OR v.state = ?3)"
	    " ORDER BY CASE WHEN ?6 = 1 THEN v.created_at END, v.ipr_id";
	char today[11], now[IPP_TIME_LEN + 1], until[IPP_TIME_LEN + 1];
	struct ipp_stmt *st;
	int64_t t;
	int rc;

	if ((rc = check_filter(f, errp)) != IPP_OK ||
	    (rc = today_and_now(today, now, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_text(st, 1, today);
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 2, who->account_id);
	ipp_stmt_bind_text(st, 3, f->queue ? "pending" : f->state);
	ipp_stmt_bind_text(st, 4, f->type);
	if (f->expiring_days > 0) {
		ipp_clock_parse(today, &t);
		ipp_clock_format(t + (int64_t)f->expiring_days * 86400, until);
		until[10] = '\0';
		ipp_stmt_bind_text(st, 5, until);
		if (f->state == NULL)	/* expiring soon: not yet expired */
			ipp_stmt_bind_text(st, 3, "verified");
	}
	ipp_stmt_bind_int(st, 6, f->queue);
	if (f->ipr_id > 0)
		ipp_stmt_bind_int(st, 7, f->ipr_id);
	return ipp_store_write_matches(s, st, w, count, errp);
}

int
ipp_ipr_failure_count(struct ipp_store *s, const struct ipp_auth *who,
    long *count, char **errp)
{
	static const char sql[] = "SELECT COALESCE(SUM(failures), 0) FROM iprs"
	    " WHERE ?1 IS NULL OR account_id = ?1";
	struct ipp_stmt *st;
	int64_t n;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 1, who->account_id);
	rc = ipp_store_first_int(s, st, &n, "cannot count IPR failures",
	    errp);
	*count = (long)n;
	return rc;
}

static int
show_pair(struct ipp_tsv_writer *w, const char *field, const char *value,
    char **errp)
{
	ipp_tsv_write_field(w, field);
	ipp_tsv_write_field(w, value);
	return ipp_tsv_end_row(w, errp);
}

/* Runs sql bound to id and writes "prefix.<col0>" -> the rest, joined. */
static int
show_related(struct ipp_store *s, const char *sql, int64_t id,
    const char *prefix, struct ipp_tsv_writer *w, char **errp)
{
	char field[64], *value;
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		snprintf(field, sizeof(field), "%s.%s", prefix,
		    ipp_stmt_text(st, 0));
		value = ipp_strdup_printf("%s", ipp_stmt_text(st, 1));
		rc = value ? show_pair(w, field, value, errp) :
		    ipp_error(errp, IPP_ESYS, "out of memory");
		free(value);
		if (rc != IPP_OK) {
			ipp_stmt_reset(st);
			return rc;
		}
	}
	ipp_stmt_reset(st);
	return rc == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(s, errp, "cannot read the IPR");
}

int
ipp_ipr_show(struct ipp_store *s, const struct ipp_auth *who, int64_t id,
    struct ipp_tsv_writer *w, char **errp)
{
	static const char sql[] = IPR_SELECT " WHERE ipr_id = ?2"
	    " AND (?3 IS NULL OR account_id = ?3)";
	static const char docs_sql[] = "SELECT role, sha256 || ' ' || name"
	    " FROM ipr_documents WHERE ipr_id = ? ORDER BY role";
	static const char events_sql[] = "SELECT event_id, at || ' ' || action"
	    " || ' by ' || actor_id || COALESCE(': ' || detail, '')"
	    " FROM ipr_events WHERE ipr_id = ? ORDER BY event_id";
	char today[11], now[IPP_TIME_LEN + 1];
	struct ipp_stmt *st;
	size_t i;
	int rc;

	if ((rc = today_and_now(today, now, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_text(st, 1, today);
	ipp_stmt_bind_int(st, 2, id);
	if (who->role != IPP_ROLE_HANDLER)
		ipp_stmt_bind_int(st, 3, who->account_id);
	if ((rc = ipp_stmt_step(st)) != IPP_STMT_ROW) {
		ipp_stmt_reset(st);
		return rc == IPP_STMT_DONE ? ipp_error(errp, IPP_ENOTFOUND,
		    "no IPR %lld", (long long)id) :
		    ipp_store_fail(s, errp, "cannot read the IPR");
	}
	for (i = 0, rc = IPP_OK; i < ipp_ipr_ncolumns && rc == IPP_OK; i++)
		rc = show_pair(w, ipp_ipr_columns[i],
		    ipp_stmt_text(st, (int)i), errp);
	ipp_stmt_reset(st);
	if (rc == IPP_OK)
		rc = show_related(s, docs_sql, id, "document", w, errp);
	if (rc == IPP_OK)
		rc = show_related(s, events_sql, id, "event", w, errp);
	return rc;
}

/* A document read once per import, whatever the number of rows citing it. */
struct cached_doc {
	char		*path;		/* key: the resolved path */
	int		 status;	/* IPP_OK, or why it was refused */
	char		*err;		/* the refusal's text */
	struct ipp_doc	 doc;		/* the stored content */
	int		 recorded;	/* its documents row, this import */
};

static int
compare_cached(const void *a, const void *b)
{
	return strcmp(((const struct cached_doc *)a)->path,
	    ((const struct cached_doc *)b)->path);
}

static void
free_cached(void *p)
{
	struct cached_doc *c = p;

	free(c->path);
	free(c->err);
	free(c);
}


/*
 * Rows an import writes BATCH_ROWS at a time, in one INSERT each: the
 * documents and the "submitted" event of the IPRs it stored.  Nothing
 * the import checks reads them, and they go in before the commit.
 */
#define BATCH_ROWS	50

struct batch_doc {
	int64_t		 ipr_id;
	const char	*role;			/* doc_rules[].name */
	char		 sha256[IPP_SECRET_HEX];
	char		*name;			/* owned */
};

struct import {
	struct ipp_store	*s;		/* the store */
	const struct ipp_auth	*who;		/* the importing account */
	struct ipp_account_profile profile;	/* its category and owner */
	struct ipp_records	*in;		/* the rows */
	const char		*basedir;	/* documents are relative to it */
	char			 today[11];	/* for expiry checks */
	char			 now[IPP_TIME_LEN + 1];	/* stored times */
	int			 col[NFIELDS];	/* field columns, -1 absent */
	int			 doc_col[IPP_IPR_NDOCS];	/* document columns */
	int			 type_col, label_col, unregistered_col;
	int			 answer_col[IPP_IPR_NQUESTIONS];	/* I3 */
	void			*docs;		/* tree of struct cached_doc */
	int64_t			 last_before;	/* highest ipr_id before it */
	struct ipp_tsv_writer	*rejects;	/* --partial output, lazily */
	FILE			*rejects_fp;	/* where it goes */
	int64_t			 events[BATCH_ROWS];	/* IPRs stored */
	size_t			 nevents;
	struct batch_doc	 docs_out[BATCH_ROWS];	/* their documents */
	size_t			 ndocs_out;
	/* Without --partial: checked rows waiting for one INSERT. */
	struct record		 pend[BATCH_ROWS];
	unsigned long		 pend_line[BATCH_ROWS];
	int			 pend_default[BATCH_ROWS];	/* its label */
	size_t			 npend;
	int64_t			 last_id;	/* highest ipr_id so far */
	int64_t			 last_id_next;	/* ... once the batch is in */
	ipp_ipr_reject_fn	*on_reject;
	void			*arg;
	struct ipp_ipr_import_result *res;
};

static int
cached_doc_store(struct import *im, const char *path, struct ipp_doc *doc,
    int **recorded, char **errp)
{
	struct cached_doc key = { .path = (char *)path }, *c, **found;

	found = tfind(&key, &im->docs, compare_cached);
	if (found == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    (c->path = strdup(path)) == NULL) {
			free(c);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
		c->status = ipp_doc_store(im->s, path, &c->doc, &c->err);
		if (tsearch(c, &im->docs, compare_cached) == NULL) {
			free_cached(c);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
	} else
		c = *found;
	if (c->status != IPP_OK)
		return ipp_error(errp, c->status, "%s", c->err ? c->err : "");
	*doc = c->doc;
	*recorded = &c->recorded;
	return IPP_OK;
}

static const char *
column_value(const struct import *im, int col)
{
	return col >= 0 ? ipp_records_field(im->in, (size_t)col) : NULL;
}

static int
parse_yes_no(const char *v, int *yes, char **errp)
{
	if (v == NULL || *v == '\0' || strcasecmp(v, "no") == 0 ||
	    strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*yes = 0;
	else if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		*yes = 1;
	else
		return ipp_error(errp, IPP_EREFUSED, "unregistered: '%s' is "
		    "not yes or no (rule I4)", v);
	return IPP_OK;
}

/* Reads the current row into a record and checks it, docs included. */
static int
check_row(struct import *im, struct record *r, char **errp)
{
	struct ipp_ipr_input in;
	char *paths[IPP_IPR_NDOCS] = { NULL };
	const char *v, *parts[3] = { NULL, "/", NULL };
	size_t i;
	int rc;

	memset(&in, 0, sizeof(in));
	memset(r, 0, sizeof(*r));
	in.type = column_value(im, im->type_col);
	in.label = column_value(im, im->label_col);
	if ((rc = parse_yes_no(column_value(im, im->unregistered_col),
	    &in.unregistered, errp)) != IPP_OK)
		return rc;
	for (i = 0; i < NFIELDS; i++)
		*(const char **)((char *)&in + fields[i].offset) =
		    column_value(im, im->col[i]);
	for (i = 0; i < IPP_IPR_NDOCS; i++) {
		if ((v = column_value(im, im->doc_col[i])) == NULL || *v == '\0')
			continue;
		parts[0] = im->basedir;
		parts[2] = v;
		paths[i] = *v == '/' ? strdup(v) : joined(parts, 3);
		in.docs[i] = paths[i];
	}
	for (i = 0; i < IPP_IPR_NQUESTIONS; i++)
		in.answers[i] = column_value(im, im->answer_col[i]);
	rc = build_record(&in, NULL, im->today, r, errp);
	for (i = 0; i < IPP_IPR_NDOCS; i++)
		free(paths[i]);
	if (rc == IPP_OK)
		rc = check_authorization(r, &im->profile, errp);
	/* The label and the number (I8) are import_record's. */
	for (i = 0; i < IPP_IPR_NDOCS && rc == IPP_OK; i++)
		if (r->new_doc[i] && (rc = cached_doc_store(im, r->paths[i],
		    &r->docs[i], &r->recorded[i], errp)) != IPP_OK)
			rc = ipp_error_prefix(errp, rc, "%s", doc_rules[i].name);
	return rc;
}

static int
write_reject(struct import *im, const char *message, char **errp)
{
	const char **names;
	size_t n = ipp_records_ncolumns(im->in), i, k;
	int rc, error_col = ipp_records_column(im->in, "error");

	if (im->rejects == NULL) {
		if ((names = calloc(n + 1, sizeof(*names))) == NULL)
			return ipp_error(errp, IPP_ESYS, "out of memory");
		for (i = k = 0; i < n; i++)
			if ((int)i != error_col)
				names[k++] = ipp_records_column_name(im->in, i);
		names[k++] = "error";
		rc = ipp_tsv_writer_open(&im->rejects, im->rejects_fp, names, k,
		    errp);
		free(names);
		if (rc != IPP_OK)
			return rc;
	}
	for (i = 0; i < n; i++)
		if ((int)i != error_col)
			ipp_tsv_write_field(im->rejects,
			    ipp_records_field(im->in, i));
	ipp_tsv_write_field(im->rejects, message);
	return ipp_tsv_end_row(im->rejects, errp);
}

static void
map_columns(struct import *im)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		im->col[i] = ipp_records_column(im->in, fields[i].name);
	if (im->col[field_index("classes")] < 0)
		im->col[field_index("classes")] =
		    ipp_records_column(im->in, "class");
	for (i = 0; i < IPP_IPR_NDOCS; i++)
		im->doc_col[i] = ipp_records_column(im->in, doc_rules[i].name);
	im->type_col = ipp_records_column(im->in, "type");
	im->label_col = ipp_records_column(im->in, "label");
	im->unregistered_col = ipp_records_column(im->in, "unregistered");
	for (i = 0; i < IPP_IPR_NQUESTIONS; i++)
		im->answer_col[i] = ipp_records_column(im->in,
		    questions[i].name);
}

/* INSERT sql for BATCH_ROWS rows of "(" row ")": per row its own
 * parameters, width of them, from ?first up (those below are shared).
 * Built once into buf; its address keys the statement cache. */
static const char *
batch_sql(char *buf, size_t size, const char *head, const char *row,
    int first, int width, const char *tail)
{
	size_t len;
	int i, k, n;

	if (buf[0] != '\0')
		return buf;
	len = (size_t)snprintf(buf, size, "%s VALUES", head);
	for (i = 0; i < BATCH_ROWS && len < size; i++) {
		len += (size_t)snprintf(buf + len, size - len, "%s(",
		    i ? ", " : " ");
		/* row: '#' is the row's next parameter, the rest verbatim */
		for (k = 0, n = 0; row[k] != '\0' && len < size; k++)
			len += row[k] == '#' ? (size_t)snprintf(buf + len,
			    size - len, "?%d", first + width * i + n++) :
			    (size_t)snprintf(buf + len, size - len, "%c",
			    row[k]);
		if (len < size)
			len += (size_t)snprintf(buf + len, size - len, ")");
	}
	if (len < size)
		snprintf(buf + len, size - len, "%s", tail);
	return buf;
}

static const char events_head[] = "INSERT INTO ipr_events (ipr_id,"
    " actor_id, action, detail, at)";
static const char docs_head[] = "INSERT INTO ipr_documents (ipr_id, role,"
    " sha256, name)";

/* Writes the waiting events: BATCH_ROWS in one statement, fewer one by
 * one. */
static int
flush_events(struct import *im, char **errp)
{
	static char sql[sizeof(events_head) + BATCH_ROWS * 48];
	struct ipp_stmt *st;
	size_t i;
	int rc;

	if (im->nevents == BATCH_ROWS) {
		if ((rc = ipp_store_stmt(im->s, batch_sql(sql, sizeof(sql),
		    events_head, "#, ?1, 'submitted', NULL, ?2", 3, 1, ""), &st,
		    errp)) != IPP_OK)
			return rc;
		ipp_stmt_bind_int(st, 1, im->who->account_id);
		ipp_stmt_bind_static(st, 2, im->now);
		for (i = 0; i < BATCH_ROWS; i++)
			ipp_stmt_bind_int(st, 3 + (int)i, im->events[i]);
		rc = ipp_stmt_step(st);
		ipp_stmt_reset(st);
		im->nevents = 0;
		return rc == IPP_STMT_DONE ? IPP_OK : ipp_store_fail(im->s,
		    errp, "cannot record the IPR event");
	}
	for (i = 0; i < im->nevents; i++)
		if ((rc = add_event(im->s, im->events[i], im->who->account_id,
		    "submitted", NULL, im->now, errp)) != IPP_OK)
			return rc;
	im->nevents = 0;
	return IPP_OK;
}

static void
forget_docs(struct import *im)
{
	size_t i;

	for (i = 0; i < im->ndocs_out; i++)
		free(im->docs_out[i].name);
	im->ndocs_out = 0;
}

/* Writes the waiting document rows as flush_events does the events. */
static int
flush_docs(struct import *im, char **errp)
{
	static char sql[sizeof(docs_head) + BATCH_ROWS * 48];
	static const char one_sql[] = "INSERT INTO ipr_documents (ipr_id,"
	    " role, sha256, name) VALUES (?, ?, ?, ?)";
	const struct batch_doc *d = im->docs_out;
	struct ipp_stmt *st;
	size_t i;
	int rc = IPP_OK;

	if (im->ndocs_out == BATCH_ROWS) {
		if ((rc = ipp_store_stmt(im->s, batch_sql(sql, sizeof(sql),
		    docs_head, "#, #, #, #", 1, 4, ""), &st, errp)) != IPP_OK) {
			forget_docs(im);
			return rc;
		}
		for (i = 0; i < BATCH_ROWS; i++) {
			ipp_stmt_bind_int(st, 1 + 4 * (int)i, d[i].ipr_id);
			ipp_stmt_bind_static(st, 2 + 4 * (int)i, d[i].role);
			ipp_stmt_bind_static(st, 3 + 4 * (int)i, d[i].sha256);
			ipp_stmt_bind_static(st, 4 + 4 * (int)i, d[i].name);
		}
		rc = ipp_stmt_step(st) == IPP_STMT_DONE ? IPP_OK :
		    ipp_store_fail(im->s, errp, "cannot save an IPR document");
		ipp_stmt_reset(st);
	} else
		for (i = 0; i < im->ndocs_out && rc == IPP_OK; i++)
			rc = ipp_store_run(im->s, one_sql, "cannot save an IPR "
			    "document", errp, "itts", d[i].ipr_id, d[i].role,
			    d[i].sha256, d[i].name);
	forget_docs(im);
	return rc;
}

/*
 * Stores a checked new IPR: its row now, so that the rows after it see
 * its label and number (I8); its documents and event into the batches.
 * The label and number are checked by the store's unique indexes, in the
 * INSERT itself (a failed one writes nothing): only when one reports a
 * clash are they looked up, to say which IPR holds them (I8) or to find
 * the default label's free "#N".  A number without a jurisdiction is
 * looked up first: the index takes two NULL jurisdictions as different.
 * IPP_EREFUSED says why in *why.
 */
static int record_stored(struct import *, struct record *, int64_t,
    char **);

static int
import_record(struct import *im, struct record *r, char **why,
    char **errp)
{
	int64_t id = 0;
	int rc, defaulted = r->label == NULL;

	if (defaulted && (r->label = default_label(r)) == NULL)
		return ipp_error(errp, IPP_ESYS, "out of memory");
	if (T(r, "number") != NULL && T(r, "jurisdiction") == NULL &&
	    (rc = check_number_free(im->s, im->who->account_id, r, 0,
	    im->last_before, why)) != IPP_OK)
		return rc;
	if ((rc = insert_iprs_row(im->s, im->who->account_id, r, im->now,
	    &id, errp)) != IPP_OK) {
		if (!ipp_store_unique_failed(im->s))
			return rc;
		free(*errp);
		*errp = NULL;
		if (defaulted) {
			free(r->label);
			r->label = NULL;
		}
		/* Rows stored earlier in this import are in the transaction
		 * too. */
		if ((rc = settle_label(im->s, im->who->account_id, r, 0,
		    why)) != IPP_OK || (rc = check_number_free(im->s,
		    im->who->account_id, r, 0, im->last_before, why)) != IPP_OK)
			return rc;
		if ((rc = insert_iprs_row(im->s, im->who->account_id, r,
		    im->now, &id, errp)) != IPP_OK)
			return rc;
	}
	if (id > im->last_id)
		im->last_id = id;
	return record_stored(im, r, id, errp);
}

/* The stored IPR id's documents and event go into the batches. */
static int
record_stored(struct import *im, struct record *r, int64_t id, char **errp)
{
	struct batch_doc *d;
	size_t i;
	int rc;

	for (i = 0; i < IPP_IPR_NDOCS; i++) {
		if (!r->new_doc[i])
			continue;
		/* An import's shared papers: their documents row once. */
		if (r->recorded[i] == NULL || !*r->recorded[i]) {
			if ((rc = ipp_doc_record(im->s, &r->docs[i], im->now,
			    errp)) != IPP_OK)
				return rc;
			if (r->recorded[i] != NULL)
				*r->recorded[i] = 1;
		}
		d = &im->docs_out[im->ndocs_out++];
		d->ipr_id = id;
		d->role = doc_rules[i].name;
		memcpy(d->sha256, r->docs[i].sha256, sizeof(d->sha256));
		d->name = r->doc_names[i];	/* taken from the record */
		r->doc_names[i] = NULL;
		if (im->ndocs_out == BATCH_ROWS &&
		    (rc = flush_docs(im, errp)) != IPP_OK)
			return rc;
	}
	im->events[im->nevents++] = id;
	if (im->nevents == BATCH_ROWS)
		return flush_events(im, errp);
	return IPP_OK;
}

/* A row the batch may take: a number without a jurisdiction is looked
 * up first (import_record), which must see the rows before it. */
static int
batchable(const struct record *r)
{
	return T(r, "number") == NULL || T(r, "jurisdiction") != NULL;
}

static void
forget_pending(struct import *im, size_t from)
{
	size_t i;

	for (i = from; i < im->npend; i++)
		record_free(&im->pend[i]);
	im->npend = 0;
}

/*
 * The ids of the batch just inserted into ids[], by their labels (unique
 * to the account): the account's rows above the highest id before it.
 * (RETURNING would say, but in SQLite it costs more than the INSERT.)
 */
static int
pending_ids(struct import *im, int64_t *ids, char **errp)
{
	/* "+account_id": the ids' range, not the account's index (all of
	 * its IPRs). */
	static const char sql[] = "SELECT ipr_id, label FROM iprs"
	    " WHERE ipr_id > ? AND +account_id = ? ORDER BY ipr_id";
	struct ipp_stmt *st;
	const char *label;
	size_t k, next = 0, found = 0;
	int rc;

	if ((rc = ipp_store_stmt(im->s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, im->last_id);
	ipp_stmt_bind_int(st, 2, im->who->account_id);
	for (k = 0; k < BATCH_ROWS; k++)
		ids[k] = 0;
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		if ((label = ipp_stmt_text(st, 1)) == NULL)
			continue;
		/* In order, as a rule: the next row is the one. */
		k = next < BATCH_ROWS && ids[next] == 0 &&
		    strcmp(im->pend[next].label, label) == 0 ? next : 0;
		for (; k < BATCH_ROWS && (ids[k] != 0 ||
		    strcmp(im->pend[k].label, label) != 0); k++)
			;
		if (k == BATCH_ROWS)
			continue;	/* another's, committed meanwhile */
		ids[k] = ipp_stmt_int(st, 0);
		if (ids[k] > im->last_id_next)
			im->last_id_next = ids[k];
		next = k + 1;
		found++;
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(im->s, errp, "cannot read IPRs");
	if (found != BATCH_ROWS)
		return ipp_error(errp, IPP_ESTORE, "cannot find the IPRs just "
		    "saved");
	return IPP_OK;
}

/*
 * The waiting rows in one INSERT (pending_ids reads their ids).  A clash
 * anywhere takes the whole statement back: IPP_ESTORE, and
 * ipp_store_unique_failed says so.
 */
static int
insert_pending(struct import *im, char **errp)
{
	static const char head[] = "INSERT INTO iprs (account_id, label,"
	    " type, state, registered, name, number, registrant,"
	    " jurisdiction, expires, classes, brand, kind, description,"
	    " was_renewed, was_assigned, was_altered, created_at,"
	    " updated_at)";
	static char sql[sizeof(head) + BATCH_ROWS * 160];
	const struct record *r;
	struct ipp_stmt *st;
	size_t i;
	int rc, p;

	if ((rc = ipp_store_stmt(im->s, batch_sql(sql, sizeof(sql), head,
	    "?1, #, #, 'pending', #, #, #, #, #, #, #, #, #, #, #, #, #, ?2,"
	    " ?2", 3, 15, ""), &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, im->who->account_id);
	ipp_stmt_bind_static(st, 2, im->now);
	for (i = 0; i < BATCH_ROWS; i++) {
		r = &im->pend[i];
		p = 3 + 15 * (int)i;
		ipp_stmt_bind_static(st, p++, r->label);
		ipp_stmt_bind_static(st, p++, r->type);
		ipp_stmt_bind_int(st, p++, (int64_t)(r->shape != CU));
		ipp_stmt_bind_static(st, p++, T(r, "name"));
		ipp_stmt_bind_static(st, p++, T(r, "number"));
		ipp_stmt_bind_static(st, p++, T(r, "registrant"));
		ipp_stmt_bind_static(st, p++, T(r, "jurisdiction"));
		ipp_stmt_bind_static(st, p++, T(r, "expires"));
		ipp_stmt_bind_static(st, p++, T(r, "classes"));
		ipp_stmt_bind_static(st, p++, T(r, "brand"));
		ipp_stmt_bind_static(st, p++, T(r, "kind"));
		ipp_stmt_bind_static(st, p++, T(r, "description"));
		ipp_stmt_bind_static(st, p++, YES_NO(r, IPP_IPR_WAS_RENEWED));
		ipp_stmt_bind_static(st, p++, YES_NO(r, IPP_IPR_WAS_ASSIGNED));
		ipp_stmt_bind_static(st, p, YES_NO(r, IPP_IPR_WAS_ALTERED));
	}
	rc = ipp_stmt_step(st) == IPP_STMT_DONE ? IPP_OK :
	    ipp_store_fail(im->s, errp, "cannot save the IPRs");
	ipp_stmt_reset(st);
	return rc;
}

/*
 * Stores the waiting rows: BATCH_ROWS in one INSERT.  Fewer, or a batch
 * whose INSERT an index refused (a label or number taken, I8), go one
 * by one through import_record, each refusal reported by its line.
 */
static int
flush_pending(struct import *im, char **errp)
{
	int64_t ids[BATCH_ROWS];
	char *why;
	size_t i;
	int rc = IPP_OK;

	if (im->npend == BATCH_ROWS) {
		im->last_id_next = im->last_id;
		if ((rc = insert_pending(im, errp)) == IPP_OK) {
			/* Stored: a failure now is not an index's refusal. */
			if ((rc = pending_ids(im, ids, errp)) != IPP_OK) {
				forget_pending(im, 0);
				return rc;
			}
			im->last_id = im->last_id_next;
			for (i = 0; i < im->npend && rc == IPP_OK; i++) {
				rc = record_stored(im, &im->pend[i], ids[i],
				    errp);
				im->res->stored++;
			}
			forget_pending(im, 0);
			return rc;
		}
		if (!ipp_store_unique_failed(im->s)) {
			forget_pending(im, 0);
			return rc;
		}
		free(*errp);
		*errp = NULL;
		rc = IPP_OK;
	}
	for (i = 0; i < im->npend; i++) {
		if (im->pend_default[i]) {
			free(im->pend[i].label);
			im->pend[i].label = NULL;
		}
		why = NULL;
		if ((rc = import_record(im, &im->pend[i], &why, errp)) ==
		    IPP_OK) {
			record_free(&im->pend[i]);
			im->res->stored++;
			continue;
		}
		record_free(&im->pend[i]);
		if (why == NULL)
			break;		/* the store failed: errp says how */
		if (rc == IPP_ESYS || rc == IPP_ESTORE) {
			free(*errp);
			*errp = why;
			break;
		}
		im->res->refused++;
		if (im->on_reject != NULL)
			im->on_reject(im->arg, ipp_records_name(im->in),
			    im->pend_line[i], why);
		free(why);
		rc = IPP_OK;
	}
	forget_pending(im, i < im->npend ? i + 1 : im->npend);
	return rc;
}

/* Takes the checked row r (emptying it) into the batch. */
static int
add_pending(struct import *im, struct record *r, char **errp)
{
	size_t n = im->npend;

	im->pend_default[n] = r->label == NULL;
	if (r->label == NULL && (r->label = default_label(r)) == NULL) {
		record_free(r);
		return ipp_error(errp, IPP_ESYS, "out of memory");
	}
	im->pend[n] = *r;
	memset(r, 0, sizeof(*r));
	im->pend_line[n] = ipp_records_line(im->in);
	if (++im->npend == BATCH_ROWS)
		return flush_pending(im, errp);
	return IPP_OK;
}

/*
 * Reads, checks and stores every row inside the caller's transaction, so
 * that later rows see earlier ones (labels, numbers) and the caller can
 * still roll everything back.
 */
static int
import_rows(struct import *im, int partial, ipp_ipr_reject_fn *on_reject,
    void *arg, struct ipp_ipr_import_result *res, char **errp)
{
	struct record r;
	char *why = NULL;
	int rc, rc2;

	im->on_reject = on_reject;
	im->arg = arg;
	im->res = res;
	im->last_id = im->last_before;
	while ((rc = ipp_records_next(im->in, errp)) == 1) {
		res->rows++;
		rc = check_row(im, &r, &why);
		/* Without --partial, checked rows wait for one INSERT; with
		 * it, its rejects are written as each row is read. */
		if (rc == IPP_OK && !partial && batchable(&r)) {
			if ((rc = add_pending(im, &r, errp)) != IPP_OK)
				break;
			continue;
		}
		/* The rows before it first: refusals in the file's order. */
		if (!partial && (rc2 = flush_pending(im, errp)) != IPP_OK) {
			record_free(&r);
			rc = rc2;
			break;
		}
		if (rc == IPP_OK &&
		    (rc = import_record(im, &r, &why, errp)) == IPP_OK) {
			record_free(&r);
			res->stored++;
			continue;
		}
		if (rc != IPP_OK && why == NULL) {
			/* The store failed: errp says how. */
			record_free(&r);
			break;
		}
		record_free(&r);
		if (rc == IPP_ESYS || rc == IPP_ESTORE) {
			free(*errp);
			*errp = why;
			return rc;
		}
		res->refused++;
		if (on_reject != NULL)
			on_reject(arg, ipp_records_name(im->in),
			    ipp_records_line(im->in), why ? why : "refused");
		if (partial && im->rejects_fp != NULL &&
		    (rc = write_reject(im, why ? why : "refused", errp)))
			break;
		free(why);
		why = NULL;
	}
	free(why);
	if (rc < 0)
		return rc;
	if (rc == IPP_OK && (rc = flush_pending(im, errp)) == IPP_OK &&
	    (rc = flush_docs(im, errp)) == IPP_OK)
		rc = flush_events(im, errp);
	return rc;
}

static void
import_release(struct import *im)
{
	forget_pending(im, 0);
	forget_docs(im);
	tdestroy(im->docs, free_cached);
	ipp_records_close(im->in);
	ipp_account_profile_free(&im->profile);
}

/* The import's one foreign key not made by itself: the account. */
static int
account_there(struct ipp_store *s, int64_t account, char **errp)
{
	static const char sql[] = "SELECT EXISTS (SELECT 1 FROM accounts"
	    " WHERE account_id = ?)";
	struct ipp_stmt *st;
	int64_t there;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, account);
	if ((rc = ipp_store_first_int(s, st, &there, "cannot read accounts",
	    errp)) != IPP_OK)
		return rc;
	return there ? IPP_OK : ipp_error(errp, IPP_ESTORE, "account %lld "
	    "is gone from the store", (long long)account);
}

/* Rows above this id were stored by the import under way. */
static int
last_ipr_id(struct ipp_store *s, int64_t *id, char **errp)
{
	static const char sql[] = "SELECT COALESCE(MAX(ipr_id), 0) FROM iprs";
	struct ipp_stmt *st;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	return ipp_store_first_int(s, st, id, "cannot read IPRs", errp);
}

int
ipp_ipr_import(struct ipp_store *s, const struct ipp_auth *who, FILE *fp,
    const char *name, const char *basedir, int partial, FILE *rejects,
    ipp_ipr_reject_fn *on_reject, void *arg,
    struct ipp_ipr_import_result *res, char **errp)
{
	struct import im;
	int rc, rc2;

	memset(&im, 0, sizeof(im));
	memset(res, 0, sizeof(*res));
	im.s = s;
	im.who = who;
	im.basedir = basedir;
	im.rejects_fp = rejects;
	if ((rc = ipp_account_require_verified(who, errp)) != IPP_OK ||
	    (rc = today_and_now(im.today, im.now, errp)) != IPP_OK ||
	    (rc = ipp_account_profile(s, who->account_id, &im.profile, errp)))
		return rc;
	if ((rc = ipp_records_open(&im.in, fp, name, errp)) != IPP_OK) {
		ipp_account_profile_free(&im.profile);
		return rc;
	}
	map_columns(&im);
	if (im.type_col < 0)
		rc = ipp_error(errp, IPP_EINPUT, "%s:1: missing column 'type' "
		    "(rule I1)", name);
	/*
	 * One transaction: an import is stored whole, or not at all.  Its
	 * foreign keys are checked once (the account, by account_there),
	 * not once a row: each row's documents, papers and event point at
	 * the IPR just inserted and at rows the import wrote before it.
	 */
	/* The statement journal of each multi-row INSERT in memory, not in
	 * a temporary file: a few pages at a time. */
	if (rc == IPP_OK && (rc = ipp_store_exec(s, "PRAGMA foreign_keys ="
	    " OFF; PRAGMA temp_store = MEMORY", errp)) == IPP_OK &&
	    (rc = ipp_store_begin(s, errp)) == IPP_OK) {
		if ((rc = account_there(s, who->account_id, errp)) == IPP_OK &&
		    (rc = last_ipr_id(s, &im.last_before, errp)) == IPP_OK)
			rc = import_rows(&im, partial, on_reject, arg, res,
			    errp);
		if (rc == IPP_OK && res->refused > 0 && !partial) {
			res->stored = 0;
			rc = ipp_error(errp, IPP_EREFUSED, "%s: %ld of %ld rows "
			    "refused: nothing stored (store the good rows with "
			    "--partial)", name, res->refused, res->rows);
		}
		if (rc == IPP_OK)
			rc = ipp_store_commit(s, errp);
		else
			ipp_store_rollback(s);
		if (rc != IPP_OK && rc != IPP_EREFUSED)
			res->stored = 0;
	}
	/* Outside the transaction, where it takes effect. */
	if (ipp_store_exec(s, "PRAGMA foreign_keys = ON; PRAGMA temp_store ="
	    " DEFAULT", rc == IPP_OK ? errp : NULL) != IPP_OK && rc == IPP_OK)
		rc = IPP_ESTORE;
	if (rc == IPP_OK && res->refused > 0)
		rc = ipp_error(errp, IPP_EREFUSED, "%s: %ld of %ld rows "
		    "refused; %ld stored", name, res->refused, res->rows,
		    res->stored);
	if (im.rejects != NULL && (rc2 = ipp_tsv_writer_close(im.rejects,
	    rc == IPP_OK || rc == IPP_EREFUSED ? errp : NULL)) != IPP_OK &&
	    (rc == IPP_OK || rc == IPP_EREFUSED))
		rc = rc2;
	import_release(&im);
	return rc;
}

int
ipp_ipr_backing(struct ipp_store *s, const struct ipp_auth *who,
    const char *id_or_label, struct ipp_ipr_backing *b, char **errp)
{
	static const char sql[] = "SELECT type, registered, jurisdiction,"
	    " expires, state, account_id, kind FROM iprs WHERE ipr_id = ?";
	char today[11], now[IPP_TIME_LEN + 1], expires[11] = "", state[16];
	struct ipp_stmt *st;
	int rc, own = 0;

	memset(b, 0, sizeof(*b));
	if ((rc = ipp_ipr_resolve(s, who, id_or_label, &b->ipr_id, errp)) ==
	    IPP_ENOTFOUND)
		return ipp_error(errp, IPP_EREFUSED, "no IPR '%s' of the "
		    "account (rule I7)", id_or_label);
	if (rc != IPP_OK ||
	    (rc = today_and_now(today, now, errp)) != IPP_OK ||
	    (rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, b->ipr_id);
	if ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		snprintf(b->type, sizeof(b->type), "%s",
		    ipp_stmt_text(st, 0));
		b->registered = (int)ipp_stmt_int(st, 1);
		if (!ipp_stmt_is_null(st, 2))
			snprintf(b->jurisdiction, sizeof(b->jurisdiction), "%s",
			    ipp_stmt_text(st, 2));
		if (!ipp_stmt_is_null(st, 3))
			snprintf(expires, sizeof(expires), "%s",
			    ipp_stmt_text(st, 3));
		snprintf(state, sizeof(state), "%s",
		    ipp_stmt_text(st, 4));
		own = ipp_stmt_int(st, 5) == who->account_id;
		if (!ipp_stmt_is_null(st, 6))
			snprintf(b->kind, sizeof(b->kind), "%s",
			    ipp_stmt_text(st, 6));
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_ROW && rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read the IPR");
	if (rc == IPP_STMT_DONE || !own)
		return ipp_error(errp, IPP_EREFUSED, "no IPR '%s' of the account "
		    "(rule I7)", id_or_label);
	if (strcmp(state, "verified") != 0)
		return ipp_error(errp, IPP_EREFUSED, "IPR %lld is %s: only a "
		    "verified IPR can back a complaint (rule I7)",
		    (long long)b->ipr_id, state);
	if (expires[0] != '\0' && strcmp(expires, today) < 0)
		return ipp_error(errp, IPP_EREFUSED, "IPR %lld expired on %s "
		    "and can back no complaint (rule I7)", (long long)b->ipr_id,
		    expires);
	return IPP_OK;
}
