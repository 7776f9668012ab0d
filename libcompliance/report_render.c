/*
 * Rendering a finished report: text, JSON (lcmp.report/v1), CSV (RFC
 * 4180), Markdown and one self-contained HTML page with inline SVG bars.
 *
 * Invariants: every text that comes from a statement (organisation ids and
 * names, sources, reasons, release and profile names) is escaped for the
 * output at hand: HTML-escaped in the page, quoted in CSV, pipe-escaped and
 * flattened in Markdown, control characters replaced in text. The HTML
 * page loads nothing: no script, no external stylesheet, font or image,
 * and the renderer writes no URL of its own. Percentages are integers,
 * rounded half up, so that every output shows the same numbers.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rpt.h"
#include "util.h"

static const char *const state_keys[5] = {"compliant",
                                          "non_compliant",
                                          "excepted",
                                          "not_applicable",
                                          "undeclared"};
static const char *const state_words[5] = {"compliant",
                                           "not compliant",
                                           "excepted",
                                           "not applicable",
                                           "undeclared"};
static const char *const status_names[4] = {"valid",
                                            "invalid",
                                            "expired",
                                            "missing"};

/* Rounded half-up percentage of n out of total (0 when total is 0). */
static unsigned pct(size_t n, size_t total)
{
    if (total == 0) {
        return 0;
    }
    return (unsigned)((n * 200 + total) / (total * 2));
}

typedef struct tally {
    size_t by[4];
    size_t expected;
} tally;

static void count_orgs(tally *t, const lcmp_report *r)
{
    size_t i;

    memset(t, 0, sizeof(*t));
    for (i = 0; i < r->norgs; i++) {
        t->by[r->orgs[i]->pub.status]++;
        if (r->orgs[i]->expected) {
            t->expected++;
        }
    }
}

/* Text: control characters (and DEL) become spaces. */
static int put_plain(lcmp_buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (lcmp__buf_put(b, c < 0x20 || c == 0x7f ? " " : s, 1) != 0) {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

static int put_html(lcmp_buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        const char *rep = NULL;
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                rep = " ";
            }
            break;
        }
        if (rep != NULL ? lcmp__buf_puts(b, rep) : lcmp__buf_put(b, s, 1)) {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* RFC 4180: quoted when it holds a comma, quote, CR or LF (or starts with
 * a space); quotes doubled. */
static int put_csv(lcmp_buf *b, const char *s)
{
    int rc = 0;

    if (strpbrk(s, ",\"\r\n") == NULL && s[0] != ' ') {
        return lcmp__buf_puts(b, s);
    }
    rc |= lcmp__buf_put(b, "\"", 1);
    for (; *s != '\0'; s++) {
        rc |= lcmp__buf_put(b, s, 1);
        if (*s == '"') {
            rc |= lcmp__buf_put(b, "\"", 1);
        }
    }
    rc |= lcmp__buf_put(b, "\"", 1);
    return rc != 0 ? LCMP_ENOMEM : 0;
}

/* Markdown table cell: pipes and backslashes escaped, HTML-significant
 * characters escaped, control characters flattened. */
static int put_md(lcmp_buf *b, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        int rc;
        if (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`' ||
            c == '[' || c == ']')
        {
            char esc[2] = {'\\', (char)c};
            rc = lcmp__buf_put(b, esc, 2);
        } else if (c == '<') {
            rc = lcmp__buf_puts(b, "&lt;");
        } else if (c == '>') {
            rc = lcmp__buf_puts(b, "&gt;");
        } else if (c == '&') {
            rc = lcmp__buf_puts(b, "&amp;");
        } else if (c < 0x20 || c == 0x7f) {
            rc = lcmp__buf_put(b, " ", 1);
        } else {
            rc = lcmp__buf_put(b, s, 1);
        }
        if (rc != 0) {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

static const char *org_label(const lcmp_report_org *o)
{
    return o->name[0] != '\0' ? o->name : o->id;
}

/*
 * Text
 */

static int text_row(lcmp_buf *b, const lcmp_report_row *row, bool family)
{
    int rc = 0;

    rc |= lcmp__buf_printf(b, "  %-16s ", row->id);
    if (!family) {
        rc |= lcmp__buf_printf(b, "%-16s ", row->family);
    }
    rc |= lcmp__buf_printf(
        b,
        "compliant %3u%% (%zu/%zu)  excepted %3u%%  not compliant %3u%%  "
        "not applicable %3u%%  undeclared %3u%%\n",
        pct(row->counts[LCMP_STATE_COMPLIANT], row->total),
        row->counts[LCMP_STATE_COMPLIANT],
        row->total,
        pct(row->counts[LCMP_STATE_EXCEPTED], row->total),
        pct(row->counts[LCMP_STATE_NON_COMPLIANT], row->total),
        pct(row->counts[LCMP_STATE_NOT_APPLICABLE], row->total),
        pct(row->counts[LCMP_STATE_UNDECLARED], row->total));
    return rc != 0 ? LCMP_ENOMEM : 0;
}

static int render_text(lcmp_buf *b, const lcmp_report *r)
{
    char at[21];
    tally t;
    size_t i;
    int rc = 0;
    bool any = false;

    count_orgs(&t, r);
    lcmp_time_format(at, r->opts.at);
    rc |= lcmp__buf_printf(
        b,
        "Compliance report, verified at %s: %zu statements; organisations: "
        "%zu valid, %zu invalid, %zu expired, %zu missing\n",
        at,
        r->statements,
        t.by[LCMP_ORG_VALID],
        t.by[LCMP_ORG_INVALID],
        t.by[LCMP_ORG_EXPIRED],
        t.by[LCMP_ORG_MISSING]);
    for (i = 0; i < r->nrows && r->rows[i].headline; i++) {
        if (i == 0) {
            rc |= lcmp__buf_puts(b, "\nHeadline controls\n");
        }
        rc |= text_row(b, &r->rows[i], false);
    }
    rc |= lcmp__buf_puts(b, "\nControls\n");
    for (i = 0; i < r->nrows; i++) {
        rc |= text_row(b, &r->rows[i], false);
    }
    rc |= lcmp__buf_puts(b, "\nFamilies\n");
    for (i = 0; i < r->nfamilies; i++) {
        rc |= text_row(b, &r->families[i], true);
    }
    rc |= lcmp__buf_puts(b, "\nOrganisations\n");
    for (i = 0; i < r->norgs; i++) {
        const lcmp_report_org *o = &r->orgs[i]->pub;
        rc |= lcmp__buf_printf(b, "  %-8s ", status_names[o->status]);
        rc |= put_plain(b, o->id);
        if (o->name[0] != '\0') {
            rc |= lcmp__buf_puts(b, " (");
            rc |= put_plain(b, o->name);
            rc |= lcmp__buf_puts(b, ")");
        }
        if (o->status == LCMP_ORG_VALID) {
            char when[21];
            lcmp_time_format(when, o->evaluated_at);
            rc |= lcmp__buf_printf(b, ": release ");
            rc |= put_plain(b, o->release);
            rc |= lcmp__buf_printf(b,
                                   ", evaluated at %s, %zu of %zu "
                                   "compliant, score %u%%",
                                   when,
                                   o->summary.compliant,
                                   o->summary.controls,
                                   o->summary.score);
        } else {
            rc |= lcmp__buf_puts(b, ": ");
            rc |= put_plain(b, o->reason);
        }
        if (o->source[0] != '\0') {
            rc |= lcmp__buf_puts(b, " [");
            rc |= put_plain(b, o->source);
            rc |= lcmp__buf_puts(b, "]");
        }
        rc |= lcmp__buf_puts(b, "\n");
    }
    for (i = 0; i < r->nrefused; i++) {
        if (!any) {
            rc |= lcmp__buf_puts(b,
                                 "\nStatements refused without an "
                                 "organisation\n");
            any = true;
        }
        rc |= lcmp__buf_puts(b, "  ");
        rc |= put_plain(b, r->refused[i].source);
        rc |= lcmp__buf_puts(b, ": ");
        rc |= put_plain(b, r->refused[i].reason);
        rc |= lcmp__buf_puts(b, "\n");
    }
    return rc != 0 ? LCMP_ENOMEM : 0;
}

/*
 * JSON
 */

static int obj_set(json_t *o, const char *k, json_t *v)
{
    return v == NULL || json_object_set_new(o, k, v) != 0 ? -1 : 0;
}

static json_t *row_json(const lcmp_report_row *row, bool family)
{
    json_t *o = json_object(), *p = json_object();
    int rc = 0, s;

    if (o == NULL || p == NULL) {
        json_decref(o);
        json_decref(p);
        return NULL;
    }
    rc |= obj_set(o, "id", json_string(row->id));
    if (!family) {
        rc |= obj_set(o, "family", json_string(row->family));
        rc |= obj_set(o, "headline", json_boolean(row->headline));
    }
    rc |= obj_set(o, "total", json_integer((json_int_t)row->total));
    for (s = 0; s < 5; s++) {
        rc |=
            obj_set(o, state_keys[s], json_integer((json_int_t)row->counts[s]));
        rc |= obj_set(
            p, state_keys[s], json_integer(pct(row->counts[s], row->total)));
    }
    rc |= obj_set(o, "percent", p);
    if (rc != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *time_json(int64_t t)
{
    char s[21];

    if (t == 0) {
        return json_null();
    }
    lcmp_time_format(s, t);
    return json_string(s);
}

static json_t *org_json(const lcmp_report_org *o)
{
    json_t *j = json_object();
    int rc = 0;

    if (j == NULL) {
        return NULL;
    }
    rc |= obj_set(j, "id", json_string(o->id));
    rc |= obj_set(j, "name", json_string(o->name));
    rc |= obj_set(j, "status", json_string(status_names[o->status]));
    rc |= obj_set(j, "reason", json_string(o->reason));
    rc |= obj_set(j, "source", json_string(o->source));
    rc |= obj_set(j, "release", json_string(o->release));
    rc |= obj_set(j, "profile", json_string(o->profile));
    rc |= obj_set(j, "evaluated_at", time_json(o->evaluated_at));
    rc |= obj_set(j, "valid_until", time_json(o->valid_until));
    if (o->status == LCMP_ORG_VALID) {
        rc |= obj_set(
            j, "controls", json_integer((json_int_t)o->summary.controls));
        rc |= obj_set(
            j, "compliant", json_integer((json_int_t)o->summary.compliant));
        rc |= obj_set(j, "score", json_integer(o->summary.score));
    }
    if (rc != 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static int render_json(lcmp_buf *b, const lcmp_report *r)
{
    json_t *root = json_object(), *a, *c = json_object(), *hl, *x;
    const lcmp_baseline *bl = r->opts.baseline;
    char *text = NULL;
    tally t;
    size_t i;
    int rc = 0;

    count_orgs(&t, r);
    if (root == NULL || c == NULL) {
        json_decref(root);
        json_decref(c);
        return LCMP_ENOMEM;
    }
    rc |= obj_set(root, "schema", json_string("lcmp.report/v1"));
    rc |= obj_set(root, "verified_at", time_json(r->opts.at));
    rc |= obj_set(root,
                  "baseline",
                  bl != NULL ? json_string(lcmp_baseline_id(bl)) : json_null());
    rc |= obj_set(root, "statements", json_integer((json_int_t)r->statements));
    rc |= obj_set(c, "expected", json_integer((json_int_t)t.expected));
    for (i = 0; i < 4; i++) {
        rc |= obj_set(c, status_names[i], json_integer((json_int_t)t.by[i]));
    }
    rc |= obj_set(root, "organisation_counts", c);
    hl = json_array();
    for (i = 0; hl != NULL && i < r->nrows && r->rows[i].headline; i++) {
        rc |= json_array_append_new(hl, json_string(r->rows[i].id));
    }
    rc |= obj_set(root, "headline", hl);
    a = json_array();
    for (i = 0; a != NULL && i < r->nrows; i++) {
        x = row_json(&r->rows[i], false);
        rc |= x == NULL || json_array_append_new(a, x) != 0;
    }
    rc |= obj_set(root, "controls", a);
    a = json_array();
    for (i = 0; a != NULL && i < r->nfamilies; i++) {
        x = row_json(&r->families[i], true);
        rc |= x == NULL || json_array_append_new(a, x) != 0;
    }
    rc |= obj_set(root, "families", a);
    a = json_array();
    for (i = 0; a != NULL && i < r->norgs; i++) {
        x = org_json(&r->orgs[i]->pub);
        rc |= x == NULL || json_array_append_new(a, x) != 0;
    }
    rc |= obj_set(root, "organisations", a);
    a = json_array();
    for (i = 0; a != NULL && i < r->nrefused; i++) {
        x = json_object();
        rc |= x == NULL ||
              obj_set(x, "source", json_string(r->refused[i].source)) != 0 ||
              obj_set(x, "reason", json_string(r->refused[i].reason)) != 0 ||
              json_array_append_new(a, x) != 0;
    }
    rc |= obj_set(root, "unattributed", a);
    if (rc == 0) {
        text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    }
    json_decref(root);
    if (text == NULL) {
        return LCMP_ENOMEM;
    }
    rc = lcmp__buf_puts(b, text);
    rc |= lcmp__buf_puts(b, "\n");
    free(text);
    return rc != 0 ? LCMP_ENOMEM : 0;
}

/*
 * CSV: one header, a row per control, family and organisation.
 */

static int csv_counts(lcmp_buf *b, const lcmp_report_row *row)
{
    return lcmp__buf_printf(
        b,
        "%zu,%zu,%zu,%zu,%zu,%zu,%u,%u,%u",
        row->total,
        row->counts[LCMP_STATE_COMPLIANT],
        row->counts[LCMP_STATE_EXCEPTED],
        row->counts[LCMP_STATE_NON_COMPLIANT],
        row->counts[LCMP_STATE_NOT_APPLICABLE],
        row->counts[LCMP_STATE_UNDECLARED],
        pct(row->counts[LCMP_STATE_COMPLIANT], row->total),
        pct(row->counts[LCMP_STATE_EXCEPTED], row->total),
        pct(row->counts[LCMP_STATE_NON_COMPLIANT], row->total));
}

static int render_csv(lcmp_buf *b, const lcmp_report *r)
{
    size_t i;
    int rc = 0;

    rc |=
        lcmp__buf_puts(b,
                       "section,id,family,headline,total,compliant,excepted,"
                       "non_compliant,not_applicable,undeclared,compliant_pct,"
                       "excepted_pct,non_compliant_pct,status,name,reason\r\n");
    for (i = 0; i < r->nrows; i++) {
        const lcmp_report_row *row = &r->rows[i];
        rc |= lcmp__buf_puts(b, "control,");
        rc |= put_csv(b, row->id);
        rc |= lcmp__buf_puts(b, ",");
        rc |= put_csv(b, row->family);
        rc |= lcmp__buf_puts(b, row->headline ? ",yes," : ",no,");
        rc |= csv_counts(b, row);
        rc |= lcmp__buf_puts(b, ",,,\r\n");
    }
    for (i = 0; i < r->nfamilies; i++) {
        rc |= lcmp__buf_puts(b, "family,");
        rc |= put_csv(b, r->families[i].id);
        rc |= lcmp__buf_puts(b, ",");
        rc |= put_csv(b, r->families[i].id);
        rc |= lcmp__buf_puts(b, ",,");
        rc |= csv_counts(b, &r->families[i]);
        rc |= lcmp__buf_puts(b, ",,,\r\n");
    }
    for (i = 0; i < r->norgs; i++) {
        const lcmp_report_org *o = &r->orgs[i]->pub;
        rc |= lcmp__buf_puts(b, "organisation,");
        rc |= put_csv(b, o->id);
        rc |= lcmp__buf_puts(b, ",,,,,,,,,,,,");
        rc |= lcmp__buf_printf(b, "%s,", status_names[o->status]);
        rc |= put_csv(b, o->name);
        rc |= lcmp__buf_puts(b, ",");
        rc |= put_csv(b, o->reason);
        rc |= lcmp__buf_puts(b, "\r\n");
    }
    for (i = 0; i < r->nrefused; i++) {
        rc |= lcmp__buf_puts(b, "refused,");
        rc |= put_csv(b, r->refused[i].source);
        rc |= lcmp__buf_puts(b, ",,,,,,,,,,,,invalid,,");
        rc |= put_csv(b, r->refused[i].reason);
        rc |= lcmp__buf_puts(b, "\r\n");
    }
    return rc != 0 ? LCMP_ENOMEM : 0;
}

/*
 * Markdown
 */

static int
md_rows(lcmp_buf *b, const lcmp_report_row *rows, size_t n, bool family)
{
    size_t i;
    int rc = 0;

    rc |= lcmp__buf_puts(b, family ? "| family " : "| control | family ");
    rc |= lcmp__buf_puts(b,
                         "| compliant | excepted | not compliant | "
                         "not applicable | undeclared | organisations |\n");
    rc |= lcmp__buf_puts(b, family ? "| --- " : "| --- | --- ");
    rc |= lcmp__buf_puts(b, "| ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (i = 0; i < n; i++) {
        const lcmp_report_row *row = &rows[i];
        rc |= lcmp__buf_puts(b, "| ");
        rc |= put_md(b, row->id);
        if (!family) {
            rc |= lcmp__buf_puts(b, " | ");
            rc |= put_md(b, row->family);
        }
        rc |= lcmp__buf_printf(
            b,
            " | %u%% | %u%% | %u%% | %u%% | %u%% | %zu |\n",
            pct(row->counts[LCMP_STATE_COMPLIANT], row->total),
            pct(row->counts[LCMP_STATE_EXCEPTED], row->total),
            pct(row->counts[LCMP_STATE_NON_COMPLIANT], row->total),
            pct(row->counts[LCMP_STATE_NOT_APPLICABLE], row->total),
            pct(row->counts[LCMP_STATE_UNDECLARED], row->total),
            row->total);
    }
    return rc != 0 ? LCMP_ENOMEM : 0;
}

static int render_md(lcmp_buf *b, const lcmp_report *r)
{
    char at[21];
    size_t i, nhead = 0;
    tally t;
    int rc = 0;

    count_orgs(&t, r);
    lcmp_time_format(at, r->opts.at);
    while (nhead < r->nrows && r->rows[nhead].headline) {
        nhead++;
    }
    rc |= lcmp__buf_printf(
        b,
        "# Compliance report\n\nVerified at %s: %zu statements; "
        "organisations: %zu valid, %zu invalid, %zu expired, %zu "
        "missing.\n\n",
        at,
        r->statements,
        t.by[LCMP_ORG_VALID],
        t.by[LCMP_ORG_INVALID],
        t.by[LCMP_ORG_EXPIRED],
        t.by[LCMP_ORG_MISSING]);
    if (nhead != 0) {
        rc |= lcmp__buf_puts(b, "## Headline controls\n\n");
        rc |= md_rows(b, r->rows, nhead, false);
        rc |= lcmp__buf_puts(b, "\n");
    }
    rc |= lcmp__buf_puts(b, "## Controls\n\n");
    rc |= md_rows(b, r->rows, r->nrows, false);
    rc |= lcmp__buf_puts(b, "\n## Families\n\n");
    rc |= md_rows(b, r->families, r->nfamilies, true);
    rc |= lcmp__buf_puts(b,
                         "\n## Organisations\n\n| organisation | name | "
                         "status | release | score | reason |\n"
                         "| --- | --- | --- | --- | ---: | --- |\n");
    for (i = 0; i < r->norgs; i++) {
        const lcmp_report_org *o = &r->orgs[i]->pub;
        rc |= lcmp__buf_puts(b, "| ");
        rc |= put_md(b, o->id);
        rc |= lcmp__buf_puts(b, " | ");
        rc |= put_md(b, o->name);
        rc |= lcmp__buf_printf(b, " | %s | ", status_names[o->status]);
        rc |= put_md(b, o->release);
        if (o->status == LCMP_ORG_VALID) {
            rc |= lcmp__buf_printf(b, " | %u%% | ", o->summary.score);
        } else {
            rc |= lcmp__buf_puts(b, " |  | ");
        }
        rc |= put_md(b, o->reason);
        rc |= lcmp__buf_puts(b, " |\n");
    }
    if (r->nrefused != 0) {
        rc |= lcmp__buf_puts(b,
                             "\n## Statements refused without an "
                             "organisation\n\n| statement | reason |\n"
                             "| --- | --- |\n");
        for (i = 0; i < r->nrefused; i++) {
            rc |= lcmp__buf_puts(b, "| ");
            rc |= put_md(b, r->refused[i].source);
            rc |= lcmp__buf_puts(b, " | ");
            rc |= put_md(b, r->refused[i].reason);
            rc |= lcmp__buf_puts(b, " |\n");
        }
    }
    return rc != 0 ? LCMP_ENOMEM : 0;
}

/*
 * HTML: one page, inline <style> (with print rules) and inline <svg>
 * stacked bars; colours are also told apart by a legend and by the
 * numbers next to each bar, so the page reads in black and white.
 */

static const char *const bar_colors[5] = {"#2e7d32",
                                          "#c62828",
                                          "#1565c0",
                                          "#9e9e9e",
                                          "#e0e0e0"};
/* Stacking order: compliant, excepted, not compliant, n/a, undeclared. */
static const int bar_order[5] = {LCMP_STATE_COMPLIANT,
                                 LCMP_STATE_EXCEPTED,
                                 LCMP_STATE_NON_COMPLIANT,
                                 LCMP_STATE_NOT_APPLICABLE,
                                 LCMP_STATE_UNDECLARED};

#define BAR_W   600
#define BAR_H   22
#define LABEL_W 150

static int
svg_bars(lcmp_buf *b, const lcmp_report_row *rows, size_t n, const char *title)
{
    size_t i;
    int rc = 0, k;
    unsigned h = (unsigned)(n * (BAR_H + 8) + 8);

    rc |= lcmp__buf_printf(b,
                           "<svg class=\"chart\" role=\"img\" width=\"%d\" "
                           "height=\"%u\" viewBox=\"0 0 %d %u\"><title>",
                           LABEL_W + BAR_W + 120,
                           h,
                           LABEL_W + BAR_W + 120,
                           h);
    rc |= put_html(b, title);
    rc |= lcmp__buf_puts(b, "</title>\n");
    for (i = 0; i < n; i++) {
        const lcmp_report_row *row = &rows[i];
        unsigned y = (unsigned)(8 + i * (BAR_H + 8));
        double x = LABEL_W;
        rc |= lcmp__buf_printf(b,
                               "<text x=\"%d\" y=\"%u\" "
                               "text-anchor=\"end\">",
                               LABEL_W - 8,
                               y + BAR_H - 6);
        rc |= put_html(b, row->id);
        rc |= lcmp__buf_puts(b, "</text>");
        rc |= lcmp__buf_printf(b,
                               "<rect x=\"%d\" y=\"%u\" width=\"%d\" "
                               "height=\"%d\" fill=\"#ffffff\" "
                               "stroke=\"#555555\"/>",
                               LABEL_W,
                               y,
                               BAR_W,
                               BAR_H);
        for (k = 0; k < 5 && row->total != 0; k++) {
            int s = bar_order[k];
            double w =
                (double)BAR_W * (double)row->counts[s] / (double)row->total;
            if (row->counts[s] == 0) {
                continue;
            }
            rc |= lcmp__buf_printf(b,
                                   "<rect x=\"%.1f\" y=\"%u\" "
                                   "width=\"%.1f\" height=\"%d\" "
                                   "fill=\"%s\"><title>%s %zu of "
                                   "%zu</title></rect>",
                                   x,
                                   y,
                                   w,
                                   BAR_H,
                                   bar_colors[s],
                                   state_words[s],
                                   row->counts[s],
                                   row->total);
            x += w;
        }
        rc |=
            lcmp__buf_printf(b,
                             "<text x=\"%d\" y=\"%u\">%u%% of %zu</text>\n",
                             LABEL_W + BAR_W + 8,
                             y + BAR_H - 6,
                             pct(row->counts[LCMP_STATE_COMPLIANT], row->total),
                             row->total);
    }
    rc |= lcmp__buf_puts(b, "</svg>\n");
    return rc != 0 ? LCMP_ENOMEM : 0;
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n"
    "<title>Compliance report</title>\n<style>\n"
    "body{font-family:sans-serif;margin:2em;color:#111;max-width:60em}\n"
    "h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:0.5em 0}\n"
    "td,th{border:1px solid #999;padding:0.2em 0.5em;text-align:left}\n"
    "td.n{text-align:right}\n"
    ".chart{display:block;max-width:100%;height:auto}\n"
    ".chart text{font-size:13px;font-family:sans-serif}\n"
    ".legend span{display:inline-block;margin-right:1.2em}\n"
    ".legend i{display:inline-block;width:0.9em;height:0.9em;"
    "margin-right:0.3em;border:1px solid #555}\n"
    ".valid{color:#2e7d32}.invalid,.expired,.missing{color:#c62828}\n"
    "@media print{body{margin:0;max-width:none}"
    "h2{break-after:avoid}.chart,tr{break-inside:avoid}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"
    "</style>\n</head>\n<body>\n";

static int
html_table(lcmp_buf *b, const lcmp_report_row *rows, size_t n, bool family)
{
    size_t i;
    int rc = 0;

    rc |= lcmp__buf_puts(b,
                         family ? "<table><tr><th>family</th>"
                                : "<table><tr><th>control</th>"
                                  "<th>family</th>");
    rc |= lcmp__buf_puts(b,
                         "<th>compliant</th><th>excepted</th><th>not "
                         "compliant</th><th>not applicable</th>"
                         "<th>undeclared</th><th>counted</th></tr>\n");
    for (i = 0; i < n; i++) {
        const lcmp_report_row *row = &rows[i];
        rc |= lcmp__buf_puts(b, "<tr><td>");
        rc |= put_html(b, row->id);
        if (!family) {
            rc |= lcmp__buf_puts(b, "</td><td>");
            rc |= put_html(b, row->family);
        }
        rc |= lcmp__buf_printf(
            b,
            "</td><td class=\"n\">%u%%</td><td class=\"n\">%u%%</td>"
            "<td class=\"n\">%u%%</td><td class=\"n\">%u%%</td>"
            "<td class=\"n\">%u%%</td><td class=\"n\">%zu</td></tr>\n",
            pct(row->counts[LCMP_STATE_COMPLIANT], row->total),
            pct(row->counts[LCMP_STATE_EXCEPTED], row->total),
            pct(row->counts[LCMP_STATE_NON_COMPLIANT], row->total),
            pct(row->counts[LCMP_STATE_NOT_APPLICABLE], row->total),
            pct(row->counts[LCMP_STATE_UNDECLARED], row->total),
            row->total);
    }
    rc |= lcmp__buf_puts(b, "</table>\n");
    return rc != 0 ? LCMP_ENOMEM : 0;
}

static int render_html(lcmp_buf *b, const lcmp_report *r)
{
    const lcmp_baseline *bl = r->opts.baseline;
    char at[21];
    size_t i, nhead = 0;
    tally t;
    int rc = 0, k;

    count_orgs(&t, r);
    lcmp_time_format(at, r->opts.at);
    while (nhead < r->nrows && r->rows[nhead].headline) {
        nhead++;
    }
    rc |= lcmp__buf_puts(b, html_head);
    rc |= lcmp__buf_puts(b, "<h1>Compliance report");
    if (bl != NULL) {
        rc |= lcmp__buf_puts(b, ": ");
        rc |= put_html(b, lcmp_baseline_title(bl));
    }
    rc |= lcmp__buf_printf(
        b,
        "</h1>\n<p>Verified at %s: %zu statements. Organisations: "
        "<span class=\"valid\">%zu valid</span>, %zu invalid, %zu expired, "
        "%zu missing.</p>\n<p class=\"legend\">",
        at,
        r->statements,
        t.by[LCMP_ORG_VALID],
        t.by[LCMP_ORG_INVALID],
        t.by[LCMP_ORG_EXPIRED],
        t.by[LCMP_ORG_MISSING]);
    for (k = 0; k < 5; k++) {
        rc |= lcmp__buf_printf(b,
                               "<span><i style=\"background:%s\"></i>%s"
                               "</span>",
                               bar_colors[bar_order[k]],
                               state_words[bar_order[k]]);
    }
    rc |= lcmp__buf_puts(b, "</p>\n");
    if (nhead != 0) {
        rc |= lcmp__buf_puts(b, "<h2>Headline controls</h2>\n");
        rc |= svg_bars(b, r->rows, nhead, "Headline controls");
    }
    rc |= lcmp__buf_puts(b, "<h2>Families</h2>\n");
    rc |= svg_bars(b, r->families, r->nfamilies, "Families");
    rc |= html_table(b, r->families, r->nfamilies, true);
    rc |= lcmp__buf_puts(b, "<h2>Controls</h2>\n");
    rc |= svg_bars(b, r->rows, r->nrows, "Controls");
    rc |= html_table(b, r->rows, r->nrows, false);
    rc |= lcmp__buf_puts(b,
                         "<h2>Organisations</h2>\n<table><tr><th>"
                         "organisation</th><th>name</th><th>status</th>"
                         "<th>release</th><th>score</th><th>reason</th>"
                         "</tr>\n");
    for (i = 0; i < r->norgs; i++) {
        const lcmp_report_org *o = &r->orgs[i]->pub;
        rc |= lcmp__buf_puts(b, "<tr><td>");
        rc |= put_html(b, o->id);
        rc |= lcmp__buf_puts(b, "</td><td>");
        rc |= put_html(b, org_label(o));
        rc |= lcmp__buf_printf(b,
                               "</td><td class=\"%s\">%s</td><td>",
                               status_names[o->status],
                               status_names[o->status]);
        rc |= put_html(b, o->release);
        if (o->status == LCMP_ORG_VALID) {
            rc |= lcmp__buf_printf(
                b, "</td><td class=\"n\">%u%%", o->summary.score);
        } else {
            rc |= lcmp__buf_puts(b, "</td><td class=\"n\">");
        }
        rc |= lcmp__buf_puts(b, "</td><td>");
        rc |= put_html(b, o->reason);
        rc |= lcmp__buf_puts(b, "</td></tr>\n");
    }
    rc |= lcmp__buf_puts(b, "</table>\n");
    if (r->nrefused != 0) {
        rc |= lcmp__buf_puts(b,
                             "<h2>Statements refused without an "
                             "organisation</h2>\n<table><tr><th>"
                             "statement</th><th>reason</th></tr>\n");
        for (i = 0; i < r->nrefused; i++) {
            rc |= lcmp__buf_puts(b, "<tr><td>");
            rc |= put_html(b, r->refused[i].source);
            rc |= lcmp__buf_puts(b, "</td><td>");
            rc |= put_html(b, r->refused[i].reason);
            rc |= lcmp__buf_puts(b, "</td></tr>\n");
        }
        rc |= lcmp__buf_puts(b, "</table>\n");
    }
    rc |= lcmp__buf_puts(b, "</body>\n</html>\n");
    return rc != 0 ? LCMP_ENOMEM : 0;
}

int lcmp_report_render(lcmp_buf *out,
                       const lcmp_report *r,
                       lcmp_report_format_t format,
                       lcmp_error *err)
{
    lcmp_buf b = LCMP_BUF_INIT;
    int rc;

    if (out == NULL || r == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no output or report given");
    }
    switch (format) {
    case LCMP_REPORT_TEXT:
        rc = render_text(&b, r);
        break;
    case LCMP_REPORT_JSON:
        rc = render_json(&b, r);
        break;
    case LCMP_REPORT_CSV:
        rc = render_csv(&b, r);
        break;
    case LCMP_REPORT_MARKDOWN:
        rc = render_md(&b, r);
        break;
    case LCMP_REPORT_HTML:
        rc = render_html(&b, r);
        break;
    default:
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "unknown report format %d",
                               (int)format);
    }
    if (rc < 0) {
        lcmp_buf_dispose(&b);
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    lcmp_buf_dispose(out);
    *out = b;
    return 0;
}
