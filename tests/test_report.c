/*
 * Unit tests of the report: aggregation over hand-made verified results
 * (lcmp__report_merge), latest-per-organisation selection, the listing of
 * missing/invalid/expired organisations, CSV quoting and HTML escaping,
 * and which files a directory walk reads (lcmp_report_add_dir()).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rpt.h"
#include "util.h"

static int no_release(lcmp_release_info *out,
                      lcmp_baseline **baseline_out,
                      const char *tag,
                      void *payload,
                      lcmp_error *err)
{
    (void)out;
    (void)baseline_out;
    (void)tag;
    (void)payload;
    (void)err;
    return LCMP_ENOTFOUND;
}

typedef struct fixture {
    lcmp_keyring *keyring;
    lcmp_report *report;
} fixture;

static const char *const expected_orgs[] = {"gem-a",
                                            "gem-b",
                                            "gem-c",
                                            "gem-d",
                                            "gem-e"};

static int setup_report(void **state)
{
    static fixture f;
    lcmp_report_options o = LCMP_REPORT_OPTIONS_INIT;
    lcmp_key *key = NULL;
    lcmp_buf pub = LCMP_BUF_INIT, line = LCMP_BUF_INIT;

    memset(&f, 0, sizeof(f));
    assert_int_equal(lcmp_key_generate(&key, LCMP_KEY_ED25519, NULL), 0);
    assert_int_equal(lcmp_key_public_openssh(&pub, key, NULL), 0);
    assert_int_equal(lcmp__buf_printf(&line, "gem-a %s\n", pub.ptr), 0);
    assert_int_equal(lcmp_keyring_load(&f.keyring,
                                       (const uint8_t *)line.ptr,
                                       line.size,
                                       NULL,
                                       NULL,
                                       0,
                                       NULL,
                                       NULL),
                     0);
    o.keyring = f.keyring;
    o.release = no_release;
    o.expected = expected_orgs;
    o.expected_count = 5;
    o.at = 1800000000;
    o.threads = 2;
    assert_int_equal(lcmp_report_new(&f.report, &o, NULL), 0);
    lcmp_buf_dispose(&pub);
    lcmp_buf_dispose(&line);
    lcmp_key_free(key);
    *state = &f;
    return 0;
}

static int teardown_report(void **state)
{
    fixture *f = *state;

    lcmp_report_free(f->report);
    lcmp_keyring_free(f->keyring);
    return 0;
}

static lcmp_statement_info
info_of(const char *org, const char *name, int64_t at)
{
    lcmp_statement_info in;

    memset(&in, 0, sizeof(in));
    in.organisation_id = org;
    in.organisation_name = name;
    in.release = "v2026.1";
    in.profile = "basic";
    in.evaluated_at = at;
    in.valid_until = at + 86400;
    in.summary.controls = 2;
    return in;
}

/* Merge a valid statement of `org` with the `n` results given. */
static void merge_results(lcmp_report *r,
                          const char *org,
                          const char *name,
                          int64_t at,
                          const char *source,
                          const lcmp__rpt_result *res,
                          size_t n)
{
    lcmp_statement_info in = info_of(org, name, at);
    lcmp__rpt_entry e;

    memset(&e, 0, sizeof(e));
    e.source = source;
    e.status = LCMP_ORG_VALID;
    e.info = &in;
    e.results = res;
    e.nresults = n;
    assert_int_equal(lcmp__report_merge(r, &e, NULL), 0);
}

static void merge_valid(lcmp_report *r,
                        const char *org,
                        const char *name,
                        int64_t at,
                        const char *source,
                        lcmp_state_t s1,
                        lcmp_state_t s2)
{
    const lcmp__rpt_result res[2] = {{"GOV-03", "governance", s1},
                                     {"BCM-01", "continuity", s2}};

    merge_results(r, org, name, at, source, res, 2);
}

static void merge_bad(lcmp_report *r,
                      const char *org,
                      lcmp_org_status_t st,
                      const char *reason,
                      const char *source)
{
    lcmp_statement_info in = info_of(org, "", 1700000000);
    lcmp__rpt_entry e;

    memset(&e, 0, sizeof(e));
    e.source = source;
    e.status = st;
    e.reason = reason;
    e.info = org != NULL ? &in : NULL;
    assert_int_equal(lcmp__report_merge(r, &e, NULL), 0);
}

static const lcmp_report_row *control(const lcmp_report *r, const char *id)
{
    size_t i;

    for (i = 0; i < lcmp_report_control_count(r); i++) {
        if (strcmp(lcmp_report_control_at(r, i)->id, id) == 0) {
            return lcmp_report_control_at(r, i);
        }
    }
    fail_msg("no control %s", id);
    return NULL;
}

static const lcmp_report_org *org(const lcmp_report *r, const char *id)
{
    size_t i;

    for (i = 0; i < lcmp_report_org_count(r); i++) {
        if (strcmp(lcmp_report_org_at(r, i)->id, id) == 0) {
            return lcmp_report_org_at(r, i);
        }
    }
    fail_msg("no organisation %s", id);
    return NULL;
}

/* More results in one statement than the merge handles without
 * allocating (128): every one still counts, in the order given. */
static void test_report__many_results_in_one_statement(void **state)
{
    fixture *f = *state;
    lcmp_statement_info in = info_of("gem-a", "A", 100);
    lcmp__rpt_result res[300];
    char ids[300][16];
    lcmp__rpt_entry e;
    size_t i;

    for (i = 0; i < 300; i++) {
        snprintf(ids[i], sizeof(ids[i]), "C-%03zu", i);
        res[i].control = ids[i];
        res[i].family = i % 2 == 0 ? "even" : "odd";
        res[i].state = (lcmp_state_t)(i % 5);
    }
    memset(&e, 0, sizeof(e));
    e.source = "a.json";
    e.status = LCMP_ORG_VALID;
    e.info = &in;
    e.results = res;
    e.nresults = 300;
    assert_int_equal(lcmp__report_merge(f->report, &e, NULL), 0);
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    assert_int_equal(lcmp_report_control_count(f->report), 300);
    for (i = 0; i < 300; i++) {
        const lcmp_report_row *c = control(f->report, ids[i]);
        assert_int_equal(c->total, 1);
        assert_int_equal(c->counts[i % 5], 1);
        assert_string_equal(c->family, i % 2 == 0 ? "even" : "odd");
    }
}

static void test_report__aggregates_shares(void **state)
{
    fixture *f = *state;
    const lcmp_report_row *gov, *bcm;
    size_t i;

    merge_valid(f->report,
                "gem-a",
                "A",
                100,
                "a.json",
                LCMP_STATE_COMPLIANT,
                LCMP_STATE_NON_COMPLIANT);
    merge_valid(f->report,
                "gem-b",
                "B",
                100,
                "b.json",
                LCMP_STATE_COMPLIANT,
                LCMP_STATE_EXCEPTED);
    merge_valid(f->report,
                "gem-c",
                "C",
                100,
                "c.json",
                LCMP_STATE_NON_COMPLIANT,
                LCMP_STATE_NOT_APPLICABLE);
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    gov = control(f->report, "GOV-03");
    assert_int_equal(gov->total, 3);
    assert_int_equal(gov->counts[LCMP_STATE_COMPLIANT], 2);
    assert_int_equal(gov->counts[LCMP_STATE_NON_COMPLIANT], 1);
    bcm = control(f->report, "BCM-01");
    assert_int_equal(bcm->counts[LCMP_STATE_EXCEPTED], 1);
    assert_int_equal(bcm->counts[LCMP_STATE_NOT_APPLICABLE], 1);
    assert_int_equal(bcm->counts[LCMP_STATE_NON_COMPLIANT], 1);
    /* families sorted by id: continuity, governance */
    assert_int_equal(lcmp_report_family_count(f->report), 2);
    assert_string_equal(lcmp_report_family_at(f->report, 0)->id, "continuity");
    assert_int_equal(lcmp_report_family_at(f->report, 1)->counts[0], 2);
    /* no baseline: no headline; controls by family then id */
    assert_string_equal(lcmp_report_control_at(f->report, 0)->id, "BCM-01");
    for (i = 0; i < lcmp_report_control_count(f->report); i++) {
        assert_false(lcmp_report_control_at(f->report, i)->headline);
    }
    assert_int_equal(lcmp_report_statement_count(f->report), 3);
}

/* Statements list their controls in any order and may differ (a merge
 * tries the previous statement's order first): each state still counts
 * for its own control, and a control first seen without a family takes
 * the first family given later. */
static void test_report__results_in_other_orders(void **state)
{
    fixture *f = *state;
    const lcmp__rpt_result a[] = {
        {"GOV-03", "governance", LCMP_STATE_COMPLIANT},
        {"BCM-01", "", LCMP_STATE_EXCEPTED}};
    const lcmp__rpt_result b[] = {
        {"GOV-03", "governance", LCMP_STATE_NOT_APPLICABLE},
        {"BCM-01", "continuity", LCMP_STATE_NON_COMPLIANT}};
    const lcmp__rpt_result c[] = {
        {"BCM-01", "", LCMP_STATE_COMPLIANT},
        {"GOV-03", "governance", LCMP_STATE_UNDECLARED},
        {"INC-01", "incidents", LCMP_STATE_COMPLIANT}};
    const lcmp__rpt_result d[] = {
        {"INC-01", "incidents", LCMP_STATE_EXCEPTED},
        {"GOV-03", "governance", LCMP_STATE_COMPLIANT}};
    const lcmp_report_row *gov, *bcm, *inc;

    merge_results(f->report, "gem-a", "A", 100, "a.json", a, 2);
    merge_results(f->report, "gem-b", "B", 100, "b.json", b, 2);
    merge_results(f->report, "gem-c", "C", 100, "c.json", c, 3);
    merge_results(f->report, "gem-d", "D", 100, "d.json", d, 2);
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    gov = control(f->report, "GOV-03");
    assert_int_equal(gov->total, 4);
    assert_int_equal(gov->counts[LCMP_STATE_COMPLIANT], 2);
    assert_int_equal(gov->counts[LCMP_STATE_NOT_APPLICABLE], 1);
    assert_int_equal(gov->counts[LCMP_STATE_UNDECLARED], 1);
    bcm = control(f->report, "BCM-01");
    assert_string_equal(bcm->family, "continuity");
    assert_int_equal(bcm->total, 3);
    assert_int_equal(bcm->counts[LCMP_STATE_EXCEPTED], 1);
    assert_int_equal(bcm->counts[LCMP_STATE_NON_COMPLIANT], 1);
    assert_int_equal(bcm->counts[LCMP_STATE_COMPLIANT], 1);
    inc = control(f->report, "INC-01");
    assert_int_equal(inc->total, 2);
    assert_int_equal(inc->counts[LCMP_STATE_COMPLIANT], 1);
    assert_int_equal(inc->counts[LCMP_STATE_EXCEPTED], 1);
    assert_int_equal(lcmp_report_control_count(f->report), 3);
}

static void test_report__latest_valid_per_org(void **state)
{
    fixture *f = *state;
    const lcmp_report_row *gov;

    merge_valid(f->report,
                "gem-a",
                "A new",
                200,
                "z-new.json",
                LCMP_STATE_COMPLIANT,
                LCMP_STATE_COMPLIANT);
    merge_valid(f->report,
                "gem-a",
                "A old",
                100,
                "a-old.json",
                LCMP_STATE_NON_COMPLIANT,
                LCMP_STATE_NON_COMPLIANT);
    /* an invalid statement never replaces a valid one, newer or not */
    merge_bad(f->report, "gem-a", LCMP_ORG_INVALID, "signature: bad", "x.json");
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    assert_int_equal(org(f->report, "gem-a")->status, LCMP_ORG_VALID);
    assert_string_equal(org(f->report, "gem-a")->source, "z-new.json");
    assert_string_equal(org(f->report, "gem-a")->name, "A new");
    gov = control(f->report, "GOV-03");
    assert_int_equal(gov->total, 1);
    assert_int_equal(gov->counts[LCMP_STATE_COMPLIANT], 1);
    assert_int_equal(lcmp_report_statement_count(f->report), 3);
}

/* A newer statement without an organisation name keeps the name an
 * older one gave; its other strings replace the older ones. */
static void test_report__name_kept_when_a_newer_statement_has_none(void **state)
{
    fixture *f = *state;
    const lcmp_report_org *o;

    merge_valid(f->report,
                "gem-a",
                "Gemeente A",
                100,
                "old.json",
                LCMP_STATE_COMPLIANT,
                LCMP_STATE_COMPLIANT);
    merge_valid(f->report,
                "gem-a",
                "",
                200,
                "new.json",
                LCMP_STATE_NON_COMPLIANT,
                LCMP_STATE_COMPLIANT);
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    o = org(f->report, "gem-a");
    assert_string_equal(o->name, "Gemeente A");
    assert_string_equal(o->source, "new.json");
    assert_string_equal(o->release, "v2026.1");
    assert_string_equal(o->profile, "basic");
    assert_string_equal(o->reason, "");
    assert_int_equal(o->evaluated_at, 200);
}

static void test_report__lists_missing_invalid_expired(void **state)
{
    fixture *f = *state;

    merge_valid(f->report,
                "gem-a",
                "A",
                100,
                "a.json",
                LCMP_STATE_COMPLIANT,
                LCMP_STATE_COMPLIANT);
    merge_bad(f->report,
              "gem-b",
              LCMP_ORG_INVALID,
              "signer: not registered",
              "b.json");
    merge_bad(f->report,
              "gem-c",
              LCMP_ORG_EXPIRED,
              "freshness: expired: valid until x",
              "c.json");
    merge_bad(
        f->report, NULL, LCMP_ORG_INVALID, "envelope: not json", "junk.json");
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    assert_int_equal(lcmp_report_org_count(f->report), 5);
    assert_int_equal(org(f->report, "gem-b")->status, LCMP_ORG_INVALID);
    assert_string_equal(org(f->report, "gem-b")->reason,
                        "signer: not registered");
    assert_int_equal(org(f->report, "gem-c")->status, LCMP_ORG_EXPIRED);
    assert_int_equal(org(f->report, "gem-d")->status, LCMP_ORG_MISSING);
    assert_string_equal(org(f->report, "gem-d")->reason, "no statement");
    assert_int_equal(org(f->report, "gem-e")->status, LCMP_ORG_MISSING);
    assert_int_equal(lcmp_report_unattributed_count(f->report), 1);
    /* sorted by id */
    assert_string_equal(lcmp_report_org_at(f->report, 0)->id, "gem-a");
    assert_string_equal(lcmp_report_org_at(f->report, 4)->id, "gem-e");
    /* only the valid statement is counted in the aggregates */
    assert_int_equal(control(f->report, "GOV-03")->total, 1);
}

static void test_report__csv_quotes_rfc4180(void **state)
{
    fixture *f = *state;
    lcmp_buf out = LCMP_BUF_INIT;

    merge_valid(f->report,
                "gem-a",
                "Gemeente \"A\", Noord\nZuid",
                100,
                "a.json",
                LCMP_STATE_COMPLIANT,
                LCMP_STATE_COMPLIANT);
    merge_bad(f->report, "gem-b", LCMP_ORG_INVALID, "signer: a, b", "b.json");
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    assert_int_equal(lcmp_report_render(&out, f->report, LCMP_REPORT_CSV, NULL),
                     0);
    assert_non_null(strstr(out.ptr,
                           ",valid,\"Gemeente \"\"A\"\", "
                           "Noord\nZuid\",\r\n"));
    assert_non_null(strstr(out.ptr, ",invalid,,\"signer: a, b\"\r\n"));
    assert_non_null(strstr(out.ptr,
                           "control,GOV-03,governance,no,1,1,0,0,"
                           "0,0,100,0,0,,,\r\n"));
    lcmp_buf_dispose(&out);
}

static void test_report__html_escapes_statement_text(void **state)
{
    fixture *f = *state;
    lcmp_buf out = LCMP_BUF_INIT;

    merge_valid(f->report,
                "gem-a",
                "<script>alert('x')</script> & co",
                100,
                "a.json",
                LCMP_STATE_COMPLIANT,
                LCMP_STATE_NON_COMPLIANT);
    merge_bad(f->report,
              "gem-b",
              LCMP_ORG_INVALID,
              "signer: <img src=\"http://x\">",
              "b.json");
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    assert_int_equal(
        lcmp_report_render(&out, f->report, LCMP_REPORT_HTML, NULL), 0);
    assert_null(strstr(out.ptr, "<script"));
    assert_null(strstr(out.ptr, "<img"));
    assert_non_null(strstr(out.ptr,
                           "&lt;script&gt;alert(&#39;x&#39;)"
                           "&lt;/script&gt; &amp; co"));
    assert_non_null(strstr(out.ptr, "signer: &lt;img src=&quot;"));
    assert_non_null(strstr(out.ptr, "<svg class=\"chart\""));
    assert_non_null(strstr(out.ptr, "@media print"));
    lcmp_buf_dispose(&out);
}

static void test_report__json_counts(void **state)
{
    fixture *f = *state;
    lcmp_buf out = LCMP_BUF_INIT;

    merge_valid(f->report,
                "gem-a",
                "A",
                100,
                "a.json",
                LCMP_STATE_COMPLIANT,
                LCMP_STATE_COMPLIANT);
    merge_valid(f->report,
                "gem-b",
                "B",
                100,
                "b.json",
                LCMP_STATE_NON_COMPLIANT,
                LCMP_STATE_COMPLIANT);
    merge_valid(f->report,
                "gem-c",
                "C",
                100,
                "c.json",
                LCMP_STATE_NON_COMPLIANT,
                LCMP_STATE_COMPLIANT);
    assert_int_equal(lcmp_report_finish(f->report, NULL), 0);
    assert_int_equal(
        lcmp_report_render(&out, f->report, LCMP_REPORT_JSON, NULL), 0);
    assert_non_null(strstr(out.ptr, "\"schema\": \"lcmp.report/v1\""));
    /* 1 of 3 is 33%, 2 of 3 is 67% (rounded half up) */
    assert_non_null(strstr(out.ptr, "\"compliant\": 33,\n"));
    assert_non_null(strstr(out.ptr, "\"non_compliant\": 67,\n"));
    assert_non_null(strstr(out.ptr, "\"missing\": 2"));
    lcmp_buf_dispose(&out);
}

static void test_report__rejects_bad_options(void **state)
{
    lcmp_report_options o = LCMP_REPORT_OPTIONS_INIT;
    lcmp_report *r = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(lcmp_report_new(&r, &o, &err), LCMP_EINVALID);
    assert_null(r);
    assert_int_equal(lcmp_report_options_init(&o, 99), LCMP_EINVALID);
}

/*
 * Directory walks. Every file here is an invalid envelope, so each file
 * the walk reads shows up among the refused statements by its path.
 */

static void put_file(const char *path)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs("{\"not\": \"an envelope\"}\n", f);
    assert_int_equal(fclose(f), 0);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The finished report of a walk over `root` on `threads` threads keeping
 * at most `open_dirs` directories open, trusting no key (so every file
 * read is refused); its keyring in *kr, to free after the report. */
static lcmp_report *walk_report(const char *root,
                                unsigned threads,
                                unsigned open_dirs,
                                lcmp_keyring **kr)
{
    lcmp_report_options o = LCMP_REPORT_OPTIONS_INIT;
    lcmp_report *r = NULL;
    lcmp_error err;

    assert_int_equal(lcmp_keyring_load(
                         kr, (const uint8_t *)"", 0, NULL, NULL, 0, NULL, NULL),
                     0);
    o.keyring = *kr;
    o.release = no_release;
    o.at = 1800000000;
    o.threads = threads;
    assert_int_equal(lcmp_report_new(&r, &o, NULL), 0);
    lcmp_error_clear(&err);
    assert_int_equal(open_dirs == 64
                         ? lcmp_report_add_dir(r, root, &err)
                         : lcmp__report_add_dir(r, root, open_dirs, &err),
                     0);
    assert_int_equal(lcmp_report_finish(r, NULL), 0);
    return r;
}

/* Walk `root` as walk_report() does; the refused sources, one per line,
 * in sorted order (the report sorts them when it finishes). */
static char *
walk_refused(const char *root, unsigned threads, unsigned open_dirs)
{
    lcmp_keyring *kr = NULL;
    lcmp_report *r = walk_report(root, threads, open_dirs, &kr);
    lcmp_buf out = LCMP_BUF_INIT;
    size_t i;

    assert_int_equal(lcmp_report_statement_count(r), r->nrefused);
    for (i = 0; i < r->nrefused; i++) {
        /* read, and refused for what it holds: not "unreadable: ..." */
        assert_int_equal(strncmp(r->refused[i].reason, "envelope: ", 10), 0);
        assert_int_equal(lcmp__buf_printf(&out, "%s\n", r->refused[i].source),
                         0);
    }
    lcmp_report_free(r);
    lcmp_keyring_free(kr);
    return out.ptr != NULL ? out.ptr : lcmp__strdup("");
}

static void test_report__dir_walk_reads_what_it_should(void **state)
{
    static const char levels[] = "/d1/d2/d3/d4/d5/d6/d7/d8/d9";
    const char *t = getenv("LCMP_TMPDIR");
    char root[1024], p[2048], *want[500], *got;
    lcmp_buf expect = LCMP_BUF_INIT;
    size_t nwant = 0, i;
    unsigned threads;
    int d;

    (void)state;
    assert_non_null(t);
    snprintf(root, sizeof(root), "%s/walk", t);
    assert_int_equal(mkdir(root, 0755), 0);
#define MKDIR(...)                           \
    do {                                     \
        snprintf(p, sizeof(p), __VA_ARGS__); \
        assert_int_equal(mkdir(p, 0755), 0); \
    } while (0)
#define PUT(...)                             \
    do {                                     \
        snprintf(p, sizeof(p), __VA_ARGS__); \
        put_file(p);                         \
    } while (0)
#define WANT(...)                        \
    do {                                 \
        PUT(__VA_ARGS__);                \
        want[nwant++] = lcmp__strdup(p); \
    } while (0)
    /* an organisation per directory, more than a thread pool's worth */
    for (d = 0; d < 300; d++) {
        MKDIR("%s/gem-%03d", root, d);
        WANT("%s/gem-%03d/v2026.1.json", root, d);
    }
    WANT("%s/top.json", root);
    WANT("%s/gem-007/older.json", root);
    /* files pushed for other workers (past 16 in a directory), in chunks
     * of 32 and with a few left over */
    for (d = 0; d < 20; d++) {
        WANT("%s/gem-010/v%d.json", root, d);
    }
    MKDIR("%s/bulk", root);
    for (d = 0; d < 75; d++) {
        WANT("%s/bulk/s%02d.json", root, d);
    }
    /* a directory inside an organisation's directory is walked too */
    MKDIR("%s/gem-007/archive", root);
    WANT("%s/gem-007/archive/v2025.2.json", root);
    /* depth: directories down to 8 levels below the root are listed */
    for (d = 1; d <= 9; d++) {
        MKDIR("%s%.*s", root, 3 * d, levels);
    }
    WANT("%s%.*s/deep.json", root, 3 * 8, levels);
    PUT("%s%.*s/too-deep.json", root, 3 * 9, levels);
    /* not read: other names, hidden entries, symbolic links */
    PUT("%s/notes.txt", root);
    PUT("%s/.hidden.json", root);
    MKDIR("%s/.git", root);
    PUT("%s/.git/in-git.json", root);
    snprintf(p, sizeof(p), "%s/link.json", root);
    assert_int_equal(symlink("top.json", p), 0);
    snprintf(p, sizeof(p), "%s/linked-dir", root);
    assert_int_equal(symlink("gem-001", p), 0);
#undef WANT
#undef PUT
#undef MKDIR

    qsort(want, nwant, sizeof(*want), cmp_cstr);
    for (i = 0; i < nwant; i++) {
        assert_int_equal(lcmp__buf_printf(&expect, "%s\n", want[i]), 0);
        free(want[i]);
    }
    for (threads = 1; threads <= 4; threads++) {
        /* directories open for their entries: as many as it needs (64),
         * none (every entry by its whole path), and just one */
        static const unsigned open_dirs[] = {64, 0, 1};
        for (i = 0; i < 3; i++) {
            got = walk_refused(root, threads, open_dirs[i]);
            assert_string_equal(got, expect.ptr);
            free(got);
        }
    }
    lcmp_buf_dispose(&expect);
}

/*
 * Workers read up to a batch of statements before verifying them. Over a
 * tree large enough for batches on any number of threads, with files that
 * cannot be read (larger than a statement may be: a sparse file) and one
 * larger than a batch's bytes: every file is counted once, each with the
 * reason of its own read or verification.
 */
static void test_report__dir_walk_batches(void **state)
{
    const char *t = getenv("LCMP_TMPDIR");
    char root[1024], p[2048], block[1024];
    size_t i, envelope, unreadable;
    unsigned threads;
    FILE *f;
    int d, fd;

    (void)state;
    assert_non_null(t);
    snprintf(root, sizeof(root), "%s/batches", t);
    assert_int_equal(mkdir(root, 0755), 0);
    for (d = 0; d < 150; d++) {
        snprintf(p, sizeof(p), "%s/gem-%03d", root, d);
        assert_int_equal(mkdir(p, 0755), 0);
        snprintf(p, sizeof(p), "%s/gem-%03d/v2026.1.json", root, d);
        put_file(p);
        if (d % 50 == 7) {
            /* 24 MiB and one byte: refused before anything is read */
            snprintf(p, sizeof(p), "%s/gem-%03d/huge.json", root, d);
            fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            assert_true(fd >= 0);
            assert_int_equal(ftruncate(fd, (off_t)24 * 1024 * 1024 + 1), 0);
            assert_int_equal(close(fd), 0);
        }
    }
    /* 1.5 MiB of text: read, then refused as an envelope */
    snprintf(p, sizeof(p), "%s/gem-042/large.json", root);
    memset(block, 'x', sizeof(block));
    f = fopen(p, "w");
    assert_non_null(f);
    for (i = 0; i < 1536; i++) {
        assert_int_equal(fwrite(block, 1, sizeof(block), f), sizeof(block));
    }
    assert_int_equal(fclose(f), 0);

    for (threads = 1; threads <= 4; threads++) {
        lcmp_keyring *kr = NULL;
        lcmp_report *r = walk_report(root, threads, 64, &kr);

        assert_int_equal(lcmp_report_statement_count(r), 154);
        assert_int_equal(r->nrefused, 154);
        envelope = unreadable = 0;
        for (i = 0; i < r->nrefused; i++) {
            const char *why = r->refused[i].reason;
            if (i > 0) {
                /* sorted, so a file counted twice would sit next to itself */
                assert_true(
                    strcmp(r->refused[i - 1].source, r->refused[i].source) < 0);
            }
            if (strstr(r->refused[i].source, "/huge.json") != NULL) {
                assert_string_equal(
                    why, "unreadable: file is larger than 25165824 bytes");
                unreadable++;
            } else {
                assert_int_equal(strncmp(why, "envelope: ", 10), 0);
                envelope++;
            }
        }
        assert_int_equal(unreadable, 3);
        assert_int_equal(envelope, 151);
        lcmp_report_free(r);
        lcmp_keyring_free(kr);
    }
}

/* Statements handed over one at a time (as report --repo does): every one
 * is verified whatever the number of threads, including when the caller
 * has to verify some itself because too many wait. */
static void test_report__feed_verifies_everything(void **state)
{
    lcmp_report_options o = LCMP_REPORT_OPTIONS_INIT;
    lcmp_keyring *kr = NULL;
    lcmp__report_feed *feed = NULL;
    lcmp_report *r = NULL;
    lcmp_error err;
    unsigned threads;
    size_t i;
    char want[32];

    (void)state;
    assert_int_equal(
        lcmp_keyring_load(
            &kr, (const uint8_t *)"", 0, NULL, NULL, 0, NULL, NULL),
        0);
    for (threads = 1; threads <= 4; threads++) {
        o.keyring = kr;
        o.release = no_release;
        o.threads = threads;
        assert_int_equal(lcmp_report_new(&r, &o, NULL), 0);
        lcmp_error_clear(&err);
        assert_int_equal(lcmp__report_feed_start(&feed, r, &err), 0);
        for (i = 0; i < 300; i++) {
            const char text[] = "{\"not\": \"an envelope\"}";
            uint8_t *bytes = malloc(sizeof(text));
            char *source = malloc(32);
            assert_non_null(bytes);
            assert_non_null(source);
            memcpy(bytes, text, sizeof(text));
            snprintf(source, 32, "<repo:s/%03zu.json>", i);
            assert_int_equal(lcmp__report_feed_add(
                                 feed, bytes, sizeof(text) - 1, source, &err),
                             0);
            /* what waits stays bounded: the caller verifies the excess */
            assert_true(lcmp__report_feed_waiting(feed) <= 4 * threads);
        }
        assert_int_equal(
            lcmp__report_feed_add(feed, NULL, 0, lcmp__strdup("x"), &err),
            LCMP_EINVALID);
        assert_int_equal(lcmp__report_feed_finish(feed, &err), 0);
        assert_int_equal(lcmp_report_finish(r, NULL), 0);
        assert_int_equal(lcmp_report_statement_count(r), 300);
        assert_int_equal(r->nrefused, 300);
        for (i = 0; i < 300; i++) {
            /* sorted by source when the report finished */
            snprintf(want, sizeof(want), "<repo:s/%03zu.json>", i);
            assert_string_equal(r->refused[i].source, want);
            assert_int_equal(strncmp(r->refused[i].reason, "envelope: ", 10),
                             0);
        }
        lcmp_report_free(r);
        r = NULL;
    }
    lcmp_keyring_free(kr);
}

/* A release lookup that fails for another reason than "not there" (here:
 * the cache cannot be read) aborts verification, and so the feed. */
static int failing_release(lcmp_release_info *out,
                           lcmp_baseline **baseline,
                           const char *tag,
                           void *payload,
                           lcmp_error *err)
{
    (void)out;
    (void)baseline;
    (void)tag;
    (void)payload;
    return lcmp__error_set(
        err, LCMP_EIO, "cache", NULL, "the cache cannot be read");
}

/* A statement whose signature verifies, for the key `key` of the
 * organisation the example declaration names (gem-kleinbeek). */
static void signed_statement(lcmp_buf *env, const lcmp_key *key)
{
    static const lcmp_release_info release = {
        "v2026.1",
        "1111111111111111111111111111111111111111",
        "2222222222222222222222222222222222222222",
        "",
        0,
        0,
        true,
        true};
    const char *src = getenv("LCMP_SOURCE_DIR");
    lcmp_baseline *b = NULL;
    lcmp_profile *p = NULL;
    lcmp_declaration *d = NULL;
    lcmp_result *res = NULL;
    lcmp_buf decl = LCMP_BUF_INIT;
    char path[1024];
    int64_t t;

    assert_non_null(src);
    snprintf(path, sizeof(path), "%s/baselines/municipal", src);
    assert_int_equal(lcmp_baseline_load_dir(&b, path, NULL, NULL), 0);
    snprintf(path, sizeof(path), "%s/examples/small-municipality.json", src);
    assert_int_equal(lcmp__file_read(&decl, path, 1 << 20, NULL), 0);
    assert_int_equal(
        lcmp_declaration_load_buffer(
            &d, (const uint8_t *)decl.ptr, decl.size, path, NULL, NULL),
        0);
    assert_int_equal(
        lcmp_profile_resolve(&p, b, lcmp_declaration_profile(d), NULL), 0);
    assert_int_equal(lcmp_time_parse(&t, "2026-11-27T09:00:00Z", NULL), 0);
    assert_int_equal(lcmp_evaluate(&res, p, d, t, NULL, NULL), 0);
    assert_int_equal(lcmp_attest(env,
                                 NULL,
                                 res,
                                 (const uint8_t *)decl.ptr,
                                 decl.size,
                                 &release,
                                 key,
                                 NULL,
                                 NULL),
                     0);
    lcmp_result_free(res);
    lcmp_declaration_free(d);
    lcmp_profile_free(p);
    lcmp_baseline_free(b);
    lcmp_buf_dispose(&decl);
}

/* A fatal error while verifying stops the feed: every later add, and the
 * finish, return it with its message. */
static void test_report__feed_stops_on_a_fatal_error(void **state)
{
    lcmp_report_options o = LCMP_REPORT_OPTIONS_INIT;
    lcmp_buf env = LCMP_BUF_INIT, pub = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp__report_feed *feed = NULL;
    lcmp_keyring *kr = NULL;
    lcmp_report *r = NULL;
    lcmp_key *key = NULL;
    lcmp_error err;
    int rc, first = 0, i;

    (void)state;
    assert_int_equal(lcmp_key_generate(&key, LCMP_KEY_ED25519, NULL), 0);
    assert_int_equal(lcmp_key_public_openssh(&pub, key, NULL), 0);
    assert_int_equal(lcmp__buf_printf(&line, "gem-kleinbeek %s\n", pub.ptr), 0);
    assert_int_equal(lcmp_keyring_load(&kr,
                                       (const uint8_t *)line.ptr,
                                       line.size,
                                       NULL,
                                       NULL,
                                       0,
                                       NULL,
                                       NULL),
                     0);
    signed_statement(&env, key);
    o.keyring = kr;
    o.release = failing_release;
    o.at = 1795770000 + 86400;
    o.threads = 2;
    assert_int_equal(lcmp_report_new(&r, &o, NULL), 0);
    assert_int_equal(lcmp__report_feed_start(&feed, r, NULL), 0);
    for (i = 0; i < 40; i++) {
        uint8_t *copy = malloc(env.size);
        assert_non_null(copy);
        memcpy(copy, env.ptr, env.size);
        lcmp_error_clear(&err);
        rc = lcmp__report_feed_add(
            feed, copy, env.size, lcmp__strdup("s.json"), &err);
        if (first != 0) {
            assert_int_equal(rc, LCMP_EIO); /* once stopped, stopped */
        }
        if (rc != 0) {
            assert_int_equal(rc, LCMP_EIO);
            assert_string_equal(err.message, "the cache cannot be read");
            first = rc;
        }
    }
    lcmp_error_clear(&err);
    assert_int_equal(lcmp__report_feed_finish(feed, &err), LCMP_EIO);
    assert_string_equal(err.message, "the cache cannot be read");
    lcmp_report_free(r);
    lcmp_keyring_free(kr);
    lcmp_key_free(key);
    lcmp_buf_dispose(&env);
    lcmp_buf_dispose(&pub);
    lcmp_buf_dispose(&line);
}

/* Statements in the caller's memory: each verified once, on any number
 * of threads, and the caller's buffers left as they were. */
static void test_report__add_buffers(void **state)
{
    static const char text[] = "{\"not\": \"an envelope\"}";
    lcmp_report_options o = LCMP_REPORT_OPTIONS_INIT;
    const uint8_t *bufs[100];
    const char *sources[100];
    size_t lens[100], i;
    char names[100][16];
    lcmp_keyring *kr = NULL;
    lcmp_report *r = NULL;
    lcmp_error err;
    unsigned threads;

    (void)state;
    assert_int_equal(
        lcmp_keyring_load(
            &kr, (const uint8_t *)"", 0, NULL, NULL, 0, NULL, NULL),
        0);
    for (i = 0; i < 100; i++) {
        snprintf(names[i], sizeof(names[i]), "b%02zu.json", i);
        bufs[i] = (const uint8_t *)text;
        lens[i] = sizeof(text) - 1;
        sources[i] = names[i];
    }
    for (threads = 1; threads <= 3; threads++) {
        o.keyring = kr;
        o.release = no_release;
        o.threads = threads;
        assert_int_equal(lcmp_report_new(&r, &o, NULL), 0);
        lcmp_error_clear(&err);
        assert_int_equal(
            lcmp_report_add_buffers(r, bufs, lens, sources, 100, &err), 0);
        assert_int_equal(lcmp_report_finish(r, NULL), 0);
        assert_int_equal(lcmp_report_statement_count(r), 100);
        for (i = 0; i < 100; i++) {
            assert_string_equal(r->refused[i].source, names[i]);
        }
        /* refused before anything is read */
        sources[1] = NULL;
        assert_int_equal(
            lcmp_report_add_buffers(r, bufs, lens, sources, 100, &err),
            LCMP_EINVALID);
        assert_string_equal(err.message, "statement 1 has no bytes or source");
        sources[1] = names[1];
        assert_int_equal(
            lcmp_report_add_buffers(NULL, bufs, lens, sources, 100, &err),
            LCMP_EINVALID);
        assert_int_equal(lcmp_report_statement_count(r), 100);
        lcmp_report_free(r);
    }
    assert_string_equal((const char *)bufs[0], text);
    lcmp_keyring_free(kr);
}

static void test_report__dir_walk_refusals(void **state)
{
    const char *t = getenv("LCMP_TMPDIR");
    lcmp_report_options o = LCMP_REPORT_OPTIONS_INIT;
    lcmp_keyring *kr = NULL;
    lcmp_report *r = NULL;
    char path[1024];
    lcmp_error err;

    (void)state;
    assert_non_null(t);
    assert_int_equal(
        lcmp_keyring_load(
            &kr, (const uint8_t *)"", 0, NULL, NULL, 0, NULL, NULL),
        0);
    o.keyring = kr;
    o.release = no_release;
    assert_int_equal(lcmp_report_new(&r, &o, NULL), 0);
    snprintf(path, sizeof(path), "%s/no-such-dir", t);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_report_add_dir(r, path, &err), LCMP_ENOTFOUND);
    assert_string_equal(err.source, path);
    assert_string_equal(err.message,
                        "cannot read the directory: No such file or directory");
    assert_int_equal(lcmp_report_add_dir(NULL, path, &err), LCMP_EINVALID);
    assert_int_equal(lcmp_report_add_dir(r, NULL, &err), LCMP_EINVALID);
    {
        const char *paths[] = {path, NULL};
        assert_int_equal(lcmp_report_add_files(r, paths, 2, &err),
                         LCMP_EINVALID);
        assert_string_equal(err.message, "path 1 is NULL");
    }
    assert_int_equal(lcmp_report_statement_count(r), 0);
    lcmp_report_free(r);
    lcmp_keyring_free(kr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_report__aggregates_shares, setup_report, teardown_report),
        cmocka_unit_test_setup_teardown(test_report__results_in_other_orders,
                                        setup_report,
                                        teardown_report),
        cmocka_unit_test_setup_teardown(
            test_report__many_results_in_one_statement,
            setup_report,
            teardown_report),
        cmocka_unit_test_setup_teardown(
            test_report__latest_valid_per_org, setup_report, teardown_report),
        cmocka_unit_test_setup_teardown(
            test_report__name_kept_when_a_newer_statement_has_none,
            setup_report,
            teardown_report),
        cmocka_unit_test_setup_teardown(
            test_report__lists_missing_invalid_expired,
            setup_report,
            teardown_report),
        cmocka_unit_test_setup_teardown(
            test_report__csv_quotes_rfc4180, setup_report, teardown_report),
        cmocka_unit_test_setup_teardown(
            test_report__html_escapes_statement_text,
            setup_report,
            teardown_report),
        cmocka_unit_test_setup_teardown(
            test_report__json_counts, setup_report, teardown_report),
        cmocka_unit_test(test_report__rejects_bad_options),
        cmocka_unit_test(test_report__dir_walk_reads_what_it_should),
        cmocka_unit_test(test_report__dir_walk_refusals),
        cmocka_unit_test(test_report__dir_walk_batches),
        cmocka_unit_test(test_report__add_buffers),
        cmocka_unit_test(test_report__feed_verifies_everything),
        cmocka_unit_test(test_report__feed_stops_on_a_fatal_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
