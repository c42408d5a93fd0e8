#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "member.h"
#include "report.h"
#include "score.h"
#include "banned.h"

#define TREND_WEEKS 26

/* The URL states, in the order of the charts, with their colours. */
static const struct {
	const char	*name;
	const char	*colour;
} states[] = {
	{ "removed", "#2e7d32" },
	{ "rejected", "#c62828" },
	{ "restored", "#ef6c00" },
	{ "withdrawn", "#757575" },
	{ "submitted", "#90a4ae" },
	{ "pending-counter", "#fbc02d" },
	{ "countered", "#8e24aa" },
	{ "counter-rejected", "#5c6bc0" },
};
#define NSTATES (sizeof(states) / sizeof(states[0]))

static const char style[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif;color:#1b1f23;background:#f4f6f8}"
    "main{max-width:960px;margin:0 auto;padding:16px}"
    "header{background:#1e3a5f;color:#fff;padding:20px 16px;"
    "border-radius:10px;margin-bottom:16px}"
    "header h1{margin:0 0 4px;font-size:1.5em}"
    "header p{margin:0;opacity:.85}"
    "section{background:#fff;border-radius:10px;padding:16px;"
    "margin-bottom:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}"
    "h2{margin:0 0 10px;font-size:1.15em}"
    ".cards{display:flex;flex-wrap:wrap;gap:16px}"
    ".card{flex:1 1 260px;border:1px solid #e1e4e8;border-radius:8px;"
    "padding:12px}"
    ".big{font-size:2.2em;font-weight:700;margin:0}"
    ".ok{color:#2e7d32}.bad{color:#c62828}.muted{color:#6a737d}"
    ".badge{display:inline-block;padding:2px 10px;border-radius:12px;"
    "font-weight:600;color:#fff}"
    ".badge.ok{background:#2e7d32;color:#fff}"
    ".badge.bad{background:#c62828;color:#fff}"
    ".scroll{overflow-x:auto}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}"
    "th,td{text-align:right;padding:6px 8px;border-bottom:1px solid #eaecef;"
    "white-space:nowrap}"
    "th:first-child,td:first-child{text-align:left}"
    "tr.weak td{background:#fdecea}"
    "table.kv td{white-space:normal}"
    "svg{display:block;width:100%;height:auto}"
    ".legend span{display:inline-block;margin:2px 10px 2px 0;"
    "font-size:.85em}"
    ".legend i{display:inline-block;width:12px;height:12px;"
    "border-radius:2px;margin-right:4px;vertical-align:-1px}"
    "ul{margin:6px 0;padding-left:20px}"
    "footer{color:#6a737d;font-size:.85em;text-align:center;"
    "padding:8px 0 24px}";

/* Writes text with &, <, >, " and ' escaped. */
static void
esc(FILE *fp, const char *text)
{
	const char *p;

	if (text == NULL)
		return;
	for (p = text; *p != '\0'; p++)
		switch (*p) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*p, fp); break;
		}
}

/* A rate in tenths as "92.3 %", or "none" (nothing to count). */
static void
rate(FILE *fp, long tenths)
{
	char buf[24];

	if (tenths < 0)
		fputs("\xe2\x80\x94", fp);
	else
		fprintf(fp, "%s\xc2\xa0%%", ipp_score_rate_text(tenths, buf));
}

static void
head(FILE *fp, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>", fp);
	esc(fp, title);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n",
	    style);
}

static void
foot(FILE *fp, const char *now)
{
	fprintf(fp, "<footer>Written by ipp-score report at %s. The rules "
	    "are in ipp-rules(7); the figures as TSV come from "
	    "<code>ipp-score show</code>.</footer>\n</main>\n</body>\n"
	    "</html>\n", now);
}

/*
 * A horizontal gauge: the rate's bar on a 0-100 % scale and the
 * threshold's mark.
 */
static void
gauge(FILE *fp, const char *id, long tenths, long threshold_pct, int ok)
{
	double w = tenths < 0 ? 0 : tenths / 1000.0 * 300;
	double t = threshold_pct * 3.0;

	fprintf(fp, "<svg id=\"%s\" viewBox=\"0 0 320 46\" role=\"img\" "
	    "aria-label=\"rate against its threshold\">"
	    "<rect x=\"10\" y=\"8\" width=\"300\" height=\"18\" rx=\"4\" "
	    "fill=\"#e1e4e8\"/>"
	    "<rect class=\"bar\" x=\"10\" y=\"8\" width=\"%.1f\" height=\"18\" "
	    "rx=\"4\" fill=\"%s\"/>"
	    "<line x1=\"%.1f\" y1=\"2\" x2=\"%.1f\" y2=\"32\" stroke=\"#1b1f23\" "
	    "stroke-width=\"2\"/>"
	    "<text x=\"%.1f\" y=\"44\" font-size=\"11\" text-anchor=\"middle\" "
	    "fill=\"#1b1f23\">%ld %%</text>", id, w,
	    ok ? "#2e7d32" : "#c62828", 10 + t, 10 + t, 10 + t, threshold_pct);
	/* The scale's ends, where the threshold's label leaves room. */
	if (t > 36)
		fputs("<text x=\"10\" y=\"44\" font-size=\"11\" "
		    "fill=\"#6a737d\">0</text>", fp);
	if (t < 256)
		fputs("<text x=\"310\" y=\"44\" font-size=\"11\" "
		    "text-anchor=\"end\" fill=\"#6a737d\">100</text>", fp);
	fputs("</svg>\n", fp);
}

static int
owner_of(struct ipp_store *s, int64_t id, char **owner, char **errp)
{
	static const char sql[] = "SELECT COALESCE(owner_name, email)"
	    " FROM accounts WHERE account_id = ?";
	struct ipp_stmt *st;
	int rc;

	*owner = NULL;
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	if (ipp_stmt_step(st) == IPP_STMT_ROW)
		*owner = ipp_store_column_dup(st, 0);
	ipp_stmt_reset(st);
	return *owner == NULL ? ipp_error(errp, IPP_ENOTFOUND,
	    "no account %lld", (long long)id) : IPP_OK;
}

static void
rates_section(FILE *fp, const struct ipp_score_scope *all,
    const struct ipp_score_settings *c)
{
	const struct ipp_score_figures *w = &all->f[0], *a = &all->f[1];
	long dw = ipp_score_decided(w), da = ipp_score_decided(a);
	long sw = ipp_score_tenths(w->removed, dw);
	long cw = w->counters ? ipp_score_tenths(w->counters_succeeded,
	    w->counters) : 0;
	int ok1 = ipp_score_success_ok(w, c), ok2 = ipp_score_counter_ok(w, c);

	fprintf(fp, "<section id=\"rates\">\n<h2>The rates against their "
	    "thresholds (last %ld days)</h2>\n<div class=\"cards\">\n",
	    c->window_days);
	fprintf(fp, "<div class=\"card\"><h3>Takedown success (G1)</h3>"
	    "<p class=\"big %s\" id=\"success-rate\">", ok1 ? "ok" : "bad");
	rate(fp, sw);
	fputs("</p>", fp);
	gauge(fp, "success-gauge", sw, c->success_min_pct, ok1);
	fprintf(fp, "<p>%ld removed of %ld decided; needs at least %ld %%. "
	    "All time: ", w->removed, dw, c->success_min_pct);
	rate(fp, ipp_score_tenths(a->removed, da));
	fprintf(fp, " (%ld of %ld).</p></div>\n", a->removed, da);
	fprintf(fp, "<div class=\"card\"><h3>Counter-notice success "
	    "(G2)</h3><p class=\"big %s\" id=\"counter-rate\">",
	    ok2 ? "ok" : "bad");
	rate(fp, cw);
	fputs("</p>", fp);
	gauge(fp, "counter-gauge", cw, c->counter_max_pct, ok2);
	fprintf(fp, "<p>%ld of %ld counters succeeded; must stay below %ld "
	    "%%. All time: ", w->counters_succeeded, w->counters,
	    c->counter_max_pct);
	rate(fp, a->counters ? ipp_score_tenths(a->counters_succeeded,
	    a->counters) : 0);
	fprintf(fp, " (%ld of %ld).</p></div>\n</div>\n</section>\n",
	    a->counters_succeeded, a->counters);
}

static void
membership_section(FILE *fp, const struct ipp_member_state *m,
    const struct ipp_score_settings *c)
{
	unsigned f = m->failing;
	char *why;

	if (m->member)
		f &= ~IPP_MEMBER_WAIT;
	fputs("<section id=\"membership\">\n<h2>Good Faith membership "
	    "(G3, G5)</h2>\n<p>", fp);
	if (m->member)
		fprintf(fp, "<span class=\"badge ok\" id=\"member\">Member"
		    "</span> since %s.", m->enrolled_at);
	else
		fprintf(fp, "<span class=\"badge bad\" id=\"member\">Not a "
		    "member</span>%s", f == 0 ? " \xe2\x80\x94 every "
		    "requirement holds: <code>ipp-score enrol</code> enrols." :
		    "");
	fputs("</p>\n", fp);
	if (f != 0) {
		struct ipp_member_state copy = *m;

		copy.failing = f;
		fprintf(fp, "<p>%s:</p>\n<ul id=\"blocking\">", m->member ?
		    "Requirements that fail now" : "What blocks membership");
		if ((why = ipp_member_failing_text(&copy, c)) != NULL) {
			char *p = why, *semi;

			while (p != NULL && *p != '\0') {
				if ((semi = strstr(p, "; ")) != NULL)
					*semi = '\0';
				fputs("<li>", fp);
				esc(fp, p);
				fputs("</li>", fp);
				p = semi ? semi + 2 : NULL;
			}
			free(why);
		}
		fputs("</ul>\n", fp);
	}
	fputs("<table class=\"kv\"><tbody>", fp);
	fputs("<tr><td>Declaration signed</td><td>", fp);
	if (m->declared_version[0])
		fprintf(fp, "version %s, %s", m->declared_version,
		    m->declared_at);
	else
		fputs("no", fp);
	fputs("</td></tr>", fp);
	if (m->ended_at[0]) {
		fprintf(fp, "<tr><td>Last membership</td><td>%s to %s</td>"
		    "</tr><tr><td>Ended because</td><td>", m->enrolled_at,
		    m->ended_at);
		esc(fp, m->end_reason);
		fprintf(fp, "</td></tr><tr><td>May enrol again from</td>"
		    "<td>%s</td></tr>", m->rejoin_after);
	}
	fputs("</tbody></table>\n<p class=\"muted\">Benefits while a member: "
	    "half the processing targets (C10) and no minimum supplement for "
	    "counterfeit reasons (C7).</p>\n</section>\n", fp);
}

static void
projection_section(FILE *fp, const struct ipp_score_scope *all,
    const struct ipp_score_settings *c)
{
	const struct ipp_score_figures *w = &all->f[0], *a = &all->f[1];
	long nw = ipp_score_needed(w->removed, ipp_score_decided(w) -
	    w->removed, c->success_min_pct);
	long na = ipp_score_needed(a->removed, ipp_score_decided(a) -
	    a->removed, c->success_min_pct);

	fprintf(fp, "<section id=\"projection\">\n<h2>Projection (G4)</h2>\n"
	    "<p>Accepted takedowns still needed to reach %ld %%: "
	    "<strong id=\"needed\">%ld</strong> over the last %ld days, "
	    "%ld over all time. Each rejected, restored or withdrawn URL "
	    "costs %ld accepted ones; <code>ipp-score what-if --rejected "
	    "N</code> shows what a batch would cost.</p>\n</section>\n",
	    c->success_min_pct, nw, c->window_days, na,
	    c->success_min_pct < 100 ? c->success_min_pct /
	    (100 - c->success_min_pct) : 0);
}

struct platform_row {
	char	name[32];
	long	count[NSTATES];
	long	total;
	long	complaints;
};

static int
platforms_section(struct ipp_store *s, FILE *fp, int64_t id, char **errp)
{
	static const char sql[] = "SELECT c.platform, u.state, count(*)"
	    " FROM complaint_urls u JOIN complaints c"
	    " ON c.complaint_id = u.complaint_id WHERE u.account_id = ?"
	    " GROUP BY c.platform, u.state ORDER BY c.platform";
	static const char complaints_sql[] = "SELECT platform, count(*)"
	    " FROM complaints WHERE account_id = ? GROUP BY platform";
	struct platform_row rows[16];
	struct ipp_stmt *st;
	const char *p, *state;
	size_t n = 0, i, j;
	long max = 0;
	double x, wd;
	int rc;

	memset(rows, 0, sizeof(rows));
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		p = ipp_stmt_text(st, 0);
		state = ipp_stmt_text(st, 1);
		if (n == 0 || strcmp(rows[n - 1].name, p) != 0) {
			if (n == sizeof(rows) / sizeof(rows[0]))
				continue;
			snprintf(rows[n++].name, sizeof(rows[0].name), "%s", p);
		}
		for (j = 0; j < NSTATES; j++)
			if (strcmp(states[j].name, state) == 0) {
				rows[n - 1].count[j] += ipp_stmt_int(st,
				    2);
				rows[n - 1].total += ipp_stmt_int(st,
				    2);
			}
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot count the URLs");
	if ((rc = ipp_store_stmt(s, complaints_sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW)
		for (i = 0; i < n; i++)
			if (strcmp(rows[i].name, ipp_stmt_text(st, 0)) == 0)
				rows[i].complaints = ipp_stmt_int(st,
				    1);
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot count the complaints");
	fputs("<section id=\"platforms\">\n<h2>URLs by state per platform"
	    "</h2>\n", fp);
	if (n == 0) {
		fputs("<p class=\"muted\">No complaints filed yet.</p>\n"
		    "</section>\n", fp);
		return IPP_OK;
	}
	for (i = 0; i < n; i++)
		if (rows[i].total > max)
			max = rows[i].total;
	fprintf(fp, "<svg id=\"platform-chart\" viewBox=\"0 0 420 %zu\" "
	    "role=\"img\" aria-label=\"URLs by state per platform\">",
	    n * 34 + 6);
	for (i = 0; i < n; i++) {
		fprintf(fp, "<text x=\"0\" y=\"%zu\" font-size=\"13\" "
		    "fill=\"#1b1f23\">%s</text>", i * 34 + 22, rows[i].name);
		x = 96;
		for (j = 0; j < NSTATES; j++) {
			if (rows[i].count[j] == 0)
				continue;
			wd = (double)rows[i].count[j] / (double)max * 280;
			fprintf(fp, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" "
			    "height=\"24\" fill=\"%s\"><title>%s: %ld</title>"
			    "</rect>", x, i * 34 + 6, wd, states[j].colour,
			    states[j].name, rows[i].count[j]);
			x += wd;
		}
		fprintf(fp, "<text x=\"%.1f\" y=\"%zu\" font-size=\"12\" "
		    "fill=\"#6a737d\">%ld</text>", x + 6, i * 34 + 22,
		    rows[i].total);
	}
	fputs("</svg>\n<p class=\"legend\">", fp);
	for (j = 0; j < NSTATES; j++)
		fprintf(fp, "<span><i style=\"background:%s\"></i>%s</span>",
		    states[j].colour, states[j].name);
	fputs("</p>\n<div class=\"scroll\"><table id=\"platform-table\">"
	    "<thead><tr><th>platform</th><th>complaints</th><th>URLs</th>",
	    fp);
	for (j = 0; j < NSTATES; j++)
		fprintf(fp, "<th>%s</th>", states[j].name);
	fputs("</tr></thead><tbody>", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "<tr><td>%s</td><td>%ld</td><td>%ld</td>",
		    rows[i].name, rows[i].complaints, rows[i].total);
		for (j = 0; j < NSTATES; j++)
			fprintf(fp, "<td>%ld</td>", rows[i].count[j]);
		fputs("</tr>", fp);
	}
	fputs("</tbody></table></div>\n</section>\n", fp);
	return IPP_OK;
}

static void
scope_row(FILE *fp, const char *label, const struct ipp_score_scope *sc,
    const struct ipp_score_settings *c, int flag)
{
	const struct ipp_score_figures *w = &sc->f[0], *a = &sc->f[1];
	int weak = !ipp_score_success_ok(w, c) || !ipp_score_counter_ok(w, c);

	fprintf(fp, "<tr%s><td>", flag && weak ? " class=\"weak\"" : "");
	esc(fp, label);
	if (flag && weak)
		fputs(" <strong class=\"bad\">weak</strong>", fp);
	fprintf(fp, "</td><td>%ld</td><td>", ipp_score_decided(w));
	rate(fp, ipp_score_tenths(w->removed, ipp_score_decided(w)));
	fputs("</td><td>", fp);
	rate(fp, w->counters ? ipp_score_tenths(w->counters_succeeded,
	    w->counters) : 0);
	fprintf(fp, "</td><td>%ld</td><td>", ipp_score_decided(a));
	rate(fp, ipp_score_tenths(a->removed, ipp_score_decided(a)));
	fputs("</td></tr>", fp);
}

static void
scopes_table(FILE *fp, const char *id, const char *title, const char *kind,
    const struct ipp_score_scope *v, size_t n,
    const struct ipp_score_settings *c)
{
	size_t i, k = strlen(kind), rows = 0;

	fprintf(fp, "<section id=\"%s\">\n<h2>%s</h2>\n", id, title);
	for (i = 0; i < n; i++)
		rows += strncmp(v[i].name, kind, k) == 0;
	if (rows == 0) {
		fputs("<p class=\"muted\">Nothing decided yet.</p>\n"
		    "</section>\n", fp);
		return;
	}
	fprintf(fp, "<div class=\"scroll\"><table><thead><tr><th>%s</th>"
	    "<th>decided, %ldd</th><th>success</th><th>counters won</th>"
	    "<th>decided, all</th><th>success, all</th></tr></thead><tbody>",
	    kind[0] == 'r' ? "reason code" : "platform", c->window_days);
	for (i = 0; i < n; i++)
		if (strncmp(v[i].name, kind, k) == 0)
			scope_row(fp, v[i].name + k, &v[i], c, 1);
	fputs("</tbody></table></div>\n", fp);
	if (kind[0] == 'r')
		fprintf(fp, "<p class=\"muted\">A reason code is weak when "
		    "its rates over the last %ld days miss a threshold: a "
		    "warning, membership rests on the overall figures.</p>\n",
		    c->window_days);
	fputs("</section>\n", fp);
}

static int
iprs_section(struct ipp_store *s, FILE *fp, int64_t id, char **errp)
{
	static const char sql[] = "SELECT label, COALESCE(fail_reason, ''),"
	    " failures, state FROM iprs WHERE account_id = ? AND failures > 0"
	    " ORDER BY ipr_id";
	struct ipp_stmt *st;
	long total = 0, rows = 0;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	fputs("<section id=\"iprs\">\n<h2>IPR verification failures (I7)"
	    "</h2>\n<ul>", fp);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		rows++;
		total += ipp_stmt_int(st, 2);
		fputs("<li>", fp);
		esc(fp, ipp_stmt_text(st, 0));
		fprintf(fp, ": failed %lld time%s, now %s", (long long)
		    ipp_stmt_int(st, 2), ipp_stmt_int(st, 2) ==
		    1 ? "" : "s", ipp_stmt_text(st, 3));
		if (*ipp_stmt_text(st, 1) != '\0') {
			fputs(" (", fp);
			esc(fp, ipp_stmt_text(st, 1));
			fputs(")", fp);
		}
		fputs("</li>", fp);
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read IPRs");
	fprintf(fp, "</ul>\n<p id=\"ipr-failures\">%ld failure%s in all.</p>\n"
	    "</section>\n", total, total == 1 ? "" : "s");
	return IPP_OK;
}

static int
abusive_section(struct ipp_store *s, FILE *fp, int64_t id, char **errp)
{
	static const char sql[] = "SELECT c.complaint_id, k.at, k.reason"
	    " FROM complaints c JOIN complaint_marks k"
	    " ON k.complaint_id = c.complaint_id WHERE c.account_id = ?"
	    " AND k.action = 'mark' AND k.mark_id = (SELECT max(mark_id)"
	    " FROM complaint_marks WHERE complaint_id = c.complaint_id)"
	    " ORDER BY c.complaint_id";
	struct ipp_stmt *st;
	long n = 0;
	int rc;

	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	ipp_stmt_bind_int(st, 1, id);
	fputs("<section id=\"abusive\">\n<h2>Abusive marks (H3, G3)</h2>\n"
	    "<ul>", fp);
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		n++;
		fprintf(fp, "<li class=\"bad\">complaint %lld, marked %s: ",
		    (long long)ipp_stmt_int(st, 0),
		    ipp_stmt_text(st, 1));
		esc(fp, ipp_stmt_text(st, 2));
		fputs("</li>", fp);
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read marks");
	fprintf(fp, "</ul>\n<p id=\"abusive-count\">%s</p>\n</section>\n",
	    n == 0 ? "No complaint is marked abusive." : "Each unrevoked mark "
	    "keeps the account out of the program (G3).");
	return IPP_OK;
}

/* Points of a polyline through the rates that exist (y of -1: none). */
static void
polyline(FILE *fp, const double *y, size_t n, const char *colour,
    const char *id)
{
	size_t i;
	int open = 0;

	for (i = 0; i < n; i++) {
		if (y[i] < 0) {
			if (open)
				fputs("\"/>", fp);
			open = 0;
			continue;
		}
		if (!open)
			fprintf(fp, "<polyline class=\"%s\" fill=\"none\" "
			    "stroke=\"%s\" stroke-width=\"2.5\" points=\"", id,
			    colour);
		fprintf(fp, "%s%.1f,%.1f", open ? " " : "",
		    36 + (n > 1 ? 374.0 * (double)i / (double)(n - 1) : 0),
		    20 + (100 - y[i]) * 1.8);
		open = 1;
	}
	if (open)
		fputs("\"/>", fp);
	for (i = 0; i < n; i++)
		if (y[i] >= 0)
			fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
			    "fill=\"%s\"/>", 36 + (n > 1 ? 374.0 * (double)i /
			    (double)(n - 1) : 0), 20 + (100 - y[i]) * 1.8,
			    colour);
}

static int
trend_section(struct ipp_store *s, FILE *fp, int64_t id, const char *at,
    const struct ipp_score_settings *c, char **errp)
{
	double success[TREND_WEEKS], counter[TREND_WEEKS];
	char first[IPP_TIME_LEN + 1], point[IPP_TIME_LEN + 1];
	char since[IPP_TIME_LEN + 1];
	struct ipp_score_figures f;
	int64_t t;
	int i, k, rc, y;

	if (ipp_clock_parse(at, &t) != 0)
		return ipp_score_since(at, 0, since, errp);
	for (i = 0; i < TREND_WEEKS; i++) {
		ipp_clock_format(t - (int64_t)(TREND_WEEKS - 1 - i) * 7 * 86400,
		    point);
		if (i == 0)
			memcpy(first, point, sizeof(first));
		if ((rc = ipp_score_since(point, c->window_days, since,
		    errp)) != IPP_OK ||
		    (rc = ipp_score_account(s, id, since, point, &f, errp)) !=
		    IPP_OK)
			return rc;
		k = (int)ipp_score_tenths(f.removed, ipp_score_decided(&f));
		success[i] = k < 0 ? -1 : k / 10.0;
		counter[i] = f.counters ? ipp_score_tenths(f.counters_succeeded,
		    f.counters) / 10.0 : 0;
	}
	fprintf(fp, "<section id=\"trend\">\n<h2>Trend: the %ld-day rates, "
	    "week by week</h2>\n<svg id=\"trend-chart\" viewBox=\"0 0 420 "
	    "230\" role=\"img\" aria-label=\"weekly rates\">", c->window_days);
	for (y = 0; y <= 100; y += 25)
		fprintf(fp, "<line x1=\"36\" y1=\"%.1f\" x2=\"410\" "
		    "y2=\"%.1f\" stroke=\"#eaecef\"/><text x=\"30\" y=\"%.1f\" "
		    "font-size=\"11\" text-anchor=\"end\" fill=\"#6a737d\">%d"
		    "</text>", 20 + (100 - y) * 1.8, 20 + (100 - y) * 1.8,
		    24 + (100 - y) * 1.8, y);
	fprintf(fp, "<line x1=\"36\" y1=\"%.1f\" x2=\"410\" y2=\"%.1f\" "
	    "stroke=\"#2e7d32\" stroke-dasharray=\"6 4\"/>",
	    20 + (100 - c->success_min_pct) * 1.8,
	    20 + (100 - c->success_min_pct) * 1.8);
	fprintf(fp, "<line x1=\"36\" y1=\"%.1f\" x2=\"410\" y2=\"%.1f\" "
	    "stroke=\"#ef6c00\" stroke-dasharray=\"6 4\"/>",
	    20 + (100 - c->counter_max_pct) * 1.8,
	    20 + (100 - c->counter_max_pct) * 1.8);
	polyline(fp, success, TREND_WEEKS, "#1e3a5f", "success-line");
	polyline(fp, counter, TREND_WEEKS, "#ef6c00", "counter-line");
	fprintf(fp, "<text x=\"36\" y=\"222\" font-size=\"11\" "
	    "fill=\"#6a737d\">%.10s</text><text x=\"410\" y=\"222\" "
	    "font-size=\"11\" text-anchor=\"end\" fill=\"#6a737d\">%.10s"
	    "</text></svg>\n<p class=\"legend\"><span><i style=\"background:"
	    "#1e3a5f\"></i>takedown success</span><span><i style=\""
	    "background:#ef6c00\"></i>counter-notice success</span><span>"
	    "dashed: the thresholds (%ld %%, %ld %%)</span></p>\n"
	    "</section>\n", first, at, c->success_min_pct, c->counter_max_pct);
	return IPP_OK;
}

static int
account_report(struct ipp_store *s, int64_t id, const char *at,
    const char *now, FILE *fp, char **errp)
{
	struct ipp_score_settings c;
	struct ipp_member_state m;
	struct ipp_score_scope *v = NULL;
	char *owner = NULL, *title = NULL;
	size_t n = 0;
	int rc;

	if ((rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = owner_of(s, id, &owner, errp)) != IPP_OK)
		return rc;
	if ((rc = ipp_score_scopes(s, id, at, &v, &n, errp)) != IPP_OK ||
	    (rc = ipp_member_state(s, id, now, &m, errp)) != IPP_OK)
		goto done;
	if ((title = ipp_strdup_printf("Good Faith report: account %lld",
	    (long long)id)) == NULL) {
		rc = ipp_error(errp, IPP_ESYS, "out of memory");
		goto done;
	}
	head(fp, title);
	fprintf(fp, "<header><h1>Good Faith report</h1><p>Account %lld, ",
	    (long long)id);
	esc(fp, owner);
	fprintf(fp, " \xc2\xb7 figures at %s</p></header>\n", at);
	rates_section(fp, &v[0], &c);
	membership_section(fp, &m, &c);
	projection_section(fp, &v[0], &c);
	if ((rc = platforms_section(s, fp, id, errp)) != IPP_OK)
		goto done;
	scopes_table(fp, "reasons", "Reason codes (the weak ones flagged)",
	    "reason:", v, n, &c);
	scopes_table(fp, "platform-rates", "Rates per platform", "platform:",
	    v, n, &c);
	if ((rc = iprs_section(s, fp, id, errp)) != IPP_OK ||
	    (rc = abusive_section(s, fp, id, errp)) != IPP_OK ||
	    (rc = trend_section(s, fp, id, at, &c, errp)) != IPP_OK)
		goto done;
	foot(fp, now);
done:
	ipp_score_scopes_free(v, n);
	free(owner);
	free(title);
	return rc;
}

static int
all_report(struct ipp_store *s, const char *at, const char *now, FILE *fp,
    char **errp)
{
	static const char sql[] = "SELECT account_id, COALESCE(owner_name,"
	    " email) FROM accounts WHERE role = 'account'"
	    " ORDER BY account_id";
	struct ipp_score_settings c;
	struct ipp_member_state m;
	char since[IPP_TIME_LEN + 1], names[96];
	struct ipp_stmt *st;
	long members = 0, accounts = 0, d;
	int64_t id;
	char *owner;
	int rc;

	if ((rc = ipp_score_settings(s, &c, errp)) != IPP_OK ||
	    (rc = ipp_score_since(at, c.window_days, since, errp)) != IPP_OK)
		return rc;
	head(fp, "Good Faith report: every account");
	fprintf(fp, "<header><h1>Good Faith report</h1><p>Every account "
	    "\xc2\xb7 figures at %s</p></header>\n<section id=\"accounts\">"
	    "<h2>Accounts</h2><div class=\"scroll\"><table><thead><tr>"
	    "<th>account</th><th>owner</th><th>decided, %ldd</th>"
	    "<th>success</th><th>counters won</th><th>needed</th>"
	    "<th>member</th><th>failing</th></tr></thead><tbody>", at,
	    c.window_days);
	/* Each account's state is read with the statement open: collect. */
	if ((rc = ipp_store_stmt(s, sql, &st, errp)) != IPP_OK)
		return rc;
	while ((rc = ipp_stmt_step(st)) == IPP_STMT_ROW) {
		id = ipp_stmt_int(st, 0);
		if ((owner = ipp_store_column_dup(st, 1)) == NULL) {
			ipp_stmt_reset(st);
			return ipp_error(errp, IPP_ESYS, "out of memory");
		}
		if ((rc = ipp_member_state(s, id, now, &m, errp)) != IPP_OK) {
			free(owner);
			ipp_stmt_reset(st);
			return rc;
		}
		/* The figures at `at`, not now. */
		if ((rc = ipp_score_account(s, id, since, at, &m.window,
		    errp)) != IPP_OK) {
			free(owner);
			ipp_stmt_reset(st);
			return rc;
		}
		accounts++;
		members += m.member;
		if (m.member)
			m.failing &= ~IPP_MEMBER_WAIT;
		ipp_member_failing_names(m.failing, names, sizeof(names));
		d = ipp_score_decided(&m.window);
		fprintf(fp, "<tr><td>%lld</td><td>", (long long)id);
		esc(fp, owner);
		fprintf(fp, "</td><td>%ld</td><td>", d);
		rate(fp, ipp_score_tenths(m.window.removed, d));
		fputs("</td><td>", fp);
		rate(fp, m.window.counters ? ipp_score_tenths(
		    m.window.counters_succeeded, m.window.counters) : 0);
		fprintf(fp, "</td><td>%ld</td><td>%s</td><td>%s</td></tr>",
		    ipp_score_needed(m.window.removed, d - m.window.removed,
		    c.success_min_pct), m.member ? "yes" : "no",
		    names[0] ? names : "\xe2\x80\x94");
		free(owner);
	}
	ipp_stmt_reset(st);
	if (rc != IPP_STMT_DONE)
		return ipp_store_fail(s, errp, "cannot read accounts");
	fprintf(fp, "</tbody></table></div><p id=\"members\">%ld of %ld "
	    "account%s %s Good Faith member%s.</p></section>\n", members,
	    accounts, accounts == 1 ? "" : "s", members == 1 ? "is a" : "are",
	    members == 1 ? "" : "s");
	foot(fp, now);
	return IPP_OK;
}

int
ipp_report_write(struct ipp_store *s, int64_t account_id, const char *at,
    FILE *fp, char **errp)
{
	char now[IPP_TIME_LEN + 1];
	int rc;

	if ((rc = ipp_clock_now_text(now, errp)) != IPP_OK)
		return rc;
	rc = account_id > 0 ? account_report(s, account_id, at, now, fp,
	    errp) : all_report(s, at, now, fp, errp);
	if (rc == IPP_OK && ferror(fp))
		rc = ipp_error(errp, IPP_ESYS, "cannot write the report");
	return rc;
}
