/*
 * Tests for libcompliance/statement.c: the statement built from a real
 * evaluation (sample baseline and example declarations), its determinism,
 * what it must not contain, and the strict reader's refusals, each with
 * its JSON pointer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "stmt.h"
#include "util.h"

#define TAG_ID    "1111111111111111111111111111111111111111"
#define COMMIT_ID "2222222222222222222222222222222222222222"

typedef struct fixture {
    lcmp_baseline *baseline;
    lcmp_profile *profile;
    lcmp_declaration *decl;
    lcmp_result *result;
    lcmp_buf bytes; /* the declaration file */
    char decl_path[512];
} fixture;

static const lcmp_release_info release =
    {"v2026.1", TAG_ID, COMMIT_ID, "", 0, 0, true, true};

static void fixture_load(fixture *f, const char *example, const char *at)
{
    const char *src = getenv("LCMP_SOURCE_DIR");
    char dir[512];
    lcmp_error err;
    int64_t t;

    memset(f, 0, sizeof(*f));
    if (src == NULL) {
        src = "..";
    }
    snprintf(dir, sizeof(dir), "%s/baselines/municipal", src);
    snprintf(
        f->decl_path, sizeof(f->decl_path), "%s/examples/%s", src, example);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_baseline_load_dir(&f->baseline, dir, NULL, &err), 0);
    assert_int_equal(lcmp__file_read(&f->bytes, f->decl_path, 1 << 24, &err),
                     0);
    assert_int_equal(lcmp_declaration_load_buffer(&f->decl,
                                                  (const uint8_t *)f->bytes.ptr,
                                                  f->bytes.size,
                                                  f->decl_path,
                                                  NULL,
                                                  &err),
                     0);
    assert_int_equal(
        lcmp_profile_resolve(
            &f->profile, f->baseline, lcmp_declaration_profile(f->decl), &err),
        0);
    assert_int_equal(lcmp_time_parse(&t, at, &err), 0);
    assert_int_equal(
        lcmp_evaluate(&f->result, f->profile, f->decl, t, NULL, &err), 0);
}

static void fixture_free(fixture *f)
{
    lcmp_result_free(f->result);
    lcmp_profile_free(f->profile);
    lcmp_declaration_free(f->decl);
    lcmp_baseline_free(f->baseline);
    lcmp_buf_dispose(&f->bytes);
}

static void
build(lcmp_buf *out, const fixture *f, const lcmp_attest_options *opts)
{
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(lcmp_statement_build(out,
                                          f->result,
                                          (const uint8_t *)f->bytes.ptr,
                                          f->bytes.size,
                                          &release,
                                          opts,
                                          &err),
                     0);
}

/* The first line of a shell command's output. */
static void run(char *out, size_t size, const char *cmd)
{
    FILE *p = popen(cmd, "r");

    assert_non_null(p);
    assert_non_null(fgets(out, (int)size, p));
    out[strcspn(out, "\n")] = '\0';
    assert_int_equal(pclose(p), 0);
}

static void test_statement__reads_back_what_it_signs(void **state)
{
    lcmp_buf payload = LCMP_BUF_INIT;
    lcmp__statement *st = NULL;
    char cmd[1024], sha[128];
    lcmp_error err;
    fixture f;

    (void)state;
    fixture_load(&f, "small-municipality.json", "2026-11-27T09:00:00Z");
    build(&payload, &f, NULL);
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__statement_parse(
            &st, (const uint8_t *)payload.ptr, payload.size, "p", &err),
        0);
    assert_string_equal(st->info.organisation_id, "gem-kleinbeek");
    assert_string_equal(st->info.organisation_name, "Gemeente Kleinbeek");
    assert_string_equal(st->info.baseline_id, "interlokaal-basis");
    assert_string_equal(st->info.release, "v2026.1");
    assert_string_equal(st->info.tag_id, TAG_ID);
    assert_string_equal(st->info.commit_id, COMMIT_ID);
    assert_string_equal(st->info.profile, "basic");
    assert_string_equal(st->info.tool_name, "libcompliance");
    assert_string_equal(st->info.tool_version, LCMP_VERSION);
    assert_int_equal(st->info.evaluated_at, 1795770000); /* 2026-11-27T09Z */
    assert_int_equal(st->info.valid_until - st->info.evaluated_at, 365 * 86400);
    /* the summary check prints: 7 of 34 compliant, 20 non-compliant, 0
     * excepted, 1 not applicable, 6 undeclared, score 21% */
    assert_int_equal(st->info.summary.controls, 34);
    assert_int_equal(st->info.summary.compliant, 7);
    assert_int_equal(st->info.summary.non_compliant, 20);
    assert_int_equal(st->info.summary.not_applicable, 1);
    assert_int_equal(st->info.summary.undeclared, 6);
    assert_int_equal(st->info.summary.score, 21);
    /* the declaration subject is the file's sha256, as sha256sum sees it */
    snprintf(cmd, sizeof(cmd), "sha256sum '%s' | cut -d' ' -f1", f.decl_path);
    run(sha, sizeof(sha), cmd);
    assert_string_equal(st->info.declaration_sha256, sha);
    assert_int_equal(st->nresults, 34);
    assert_string_equal(st->results[0].control, "GOV-01");
    assert_string_equal(st->results[0].state, "non_compliant");
    /* as `compliance check --format json` reports GOV-01 */
    assert_int_equal(st->results[0].nreasons, 2);
    assert_string_equal(st->results[0].reasons[0], "stale");
    assert_string_equal(st->results[0].reasons[1], "evidence_digest_missing");
    lcmp__statement_free(st);
    lcmp_buf_dispose(&payload);
    fixture_free(&f);
}

static void test_statement__bytes_are_deterministic(void **state)
{
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT;
    fixture f, g;

    (void)state;
    fixture_load(&f, "large-municipality.json", "2026-11-27");
    fixture_load(&g, "large-municipality.json", "2026-11-27");
    build(&a, &f, NULL);
    build(&b, &g, NULL);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.ptr, b.ptr, a.size);
    /* compact, keys sorted: the text starts with the smallest key */
    assert_memory_equal(a.ptr,
                        "{\"_type\":\"https://in-toto.io/Statement/v1\","
                        "\"predicate\":{\"baseline\":",
                        66);
    assert_null(strchr(a.ptr, '\n'));
    assert_null(strstr(a.ptr, "\": "));
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
    fixture_free(&f);
    fixture_free(&g);
}

static int has_real(const json_t *v)
{
    const char *key;
    json_t *item;
    size_t i;

    if (json_is_real(v)) {
        return 1;
    }
    if (json_is_object(v)) {
        json_object_foreach ((json_t *)v, key, item) {
            if (has_real(item)) {
                return 1;
            }
        }
    }
    if (json_is_array(v)) {
        json_array_foreach (v, i, item) {
            if (has_real(item)) {
                return 1;
            }
        }
    }
    return 0;
}

/* No facts, evidence, notes, owners or reason messages leave the
 * declaration; exceptions used are named with approver and expiry. */
static void test_statement__holds_results_never_facts(void **state)
{
    static const char *const private_texts[] = {
        "dms://",           /* evidence URIs */
        "f034db8478bcb194", /* an evidence digest */
        "2021-05-20",       /* a fact value and evidence date */
        "never reviewed",   /* a note */
        "ICT coordinator",  /* an owner */
        "older than",       /* a reason message quoting a fact */
        "isolated segment", /* a compensating measure */
        "justification",
    };
    lcmp_buf payload = LCMP_BUF_INIT;
    json_t *doc, *exc, *results, *r;
    fixture f, g;
    size_t i;

    (void)state;
    fixture_load(&f, "small-municipality.json", "2026-11-27");
    build(&payload, &f, NULL);
    for (i = 0; i < 6; i++) {
        assert_null(strstr(payload.ptr, private_texts[i]));
    }
    lcmp_buf_dispose(&payload);

    fixture_load(&g, "large-municipality.json", "2026-11-27");
    build(&payload, &g, NULL);
    assert_null(strstr(payload.ptr, "dms://"));
    assert_null(strstr(payload.ptr, private_texts[6]));
    assert_null(strstr(payload.ptr, private_texts[7]));
    doc = json_loads(payload.ptr, 0, NULL);
    assert_non_null(doc);
    assert_false(has_real(doc));
    exc = json_object_get(json_object_get(doc, "predicate"), "exceptions");
    assert_int_equal(json_array_size(exc), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(exc, 0), "control")),
        "IAM-02");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(exc, 0), "expires")),
        "2027-06-30");
    results = json_object_get(json_object_get(doc, "predicate"), "results");
    json_array_foreach (results, i, r) {
        const char *id = json_string_value(json_object_get(r, "control"));
        const char *s = json_string_value(json_object_get(r, "state"));
        if (strcmp(id, "IAM-02") == 0) {
            assert_string_equal(s, "excepted");
            assert_string_equal(
                json_string_value(json_object_get(r, "original_state")),
                "non_compliant");
        }
        if (strcmp(id, "AWR-03") == 0) {
            assert_string_equal(s, "non_compliant");
            assert_string_equal(json_string_value(json_array_get(
                                    json_object_get(r, "reasons"), 0)),
                                "plan_overdue");
        }
    }
    json_decref(doc);
    lcmp_buf_dispose(&payload);
    fixture_free(&f);
    fixture_free(&g);
}

static void test_statement__valid_days(void **state)
{
    lcmp_attest_options opts = LCMP_ATTEST_OPTIONS_INIT;
    lcmp_buf payload = LCMP_BUF_INIT;
    lcmp__statement *st = NULL;
    lcmp_error err;
    fixture f;

    (void)state;
    fixture_load(&f, "small-municipality.json", "2026-11-27");
    opts.valid_days = 30;
    build(&payload, &f, &opts);
    assert_int_equal(
        lcmp__statement_parse(
            &st, (const uint8_t *)payload.ptr, payload.size, "p", &err),
        0);
    assert_int_equal(st->info.valid_until - st->info.evaluated_at, 30 * 86400);
    lcmp__statement_free(st);
    opts.valid_days = LCMP_ATTEST_MAX_VALID_DAYS + 1;
    assert_int_equal(lcmp_statement_build(&payload,
                                          f.result,
                                          (const uint8_t *)f.bytes.ptr,
                                          f.bytes.size,
                                          &release,
                                          &opts,
                                          &err),
                     LCMP_EINVALID);
    opts.version = 99;
    assert_int_equal(lcmp_statement_build(&payload,
                                          f.result,
                                          (const uint8_t *)f.bytes.ptr,
                                          f.bytes.size,
                                          &release,
                                          &opts,
                                          &err),
                     LCMP_EINVALID);
    lcmp_buf_dispose(&payload);
    fixture_free(&f);
}

static void test_statement__release_must_name_objects(void **state)
{
    lcmp_release_info bad = release;
    lcmp_buf payload = LCMP_BUF_INIT;
    lcmp_error err;
    fixture f;

    (void)state;
    fixture_load(&f, "small-municipality.json", "2026-11-27");
    bad.tag_id = "v2026.1";
    assert_int_equal(lcmp_statement_build(&payload,
                                          f.result,
                                          (const uint8_t *)f.bytes.ptr,
                                          f.bytes.size,
                                          &bad,
                                          NULL,
                                          &err),
                     LCMP_EINVALID);
    bad = release;
    bad.commit_id = "2222222222222222222222222222222222222222X";
    assert_int_equal(lcmp_statement_build(&payload,
                                          f.result,
                                          (const uint8_t *)f.bytes.ptr,
                                          f.bytes.size,
                                          &bad,
                                          NULL,
                                          &err),
                     LCMP_EINVALID);
    bad = release;
    bad.tag = "";
    assert_int_equal(lcmp_statement_build(&payload,
                                          f.result,
                                          (const uint8_t *)f.bytes.ptr,
                                          f.bytes.size,
                                          &bad,
                                          NULL,
                                          &err),
                     LCMP_EINVALID);
    lcmp_buf_dispose(&payload);
    fixture_free(&f);
}

/* Change one member of a good statement (JSON pointer to the parent, key,
 * new value; NULL value deletes) and expect a refusal at `pointer`, both
 * in the writer's compact layout (which the reader takes a short way for
 * results) and indented (which it reads the general way). */
static void refuse(const char *parent,
                   const char *key,
                   json_t *value,
                   const char *pointer,
                   const char *message)
{
    lcmp_buf payload = LCMP_BUF_INIT;
    lcmp__statement *st = NULL;
    json_t *doc, *obj;
    lcmp_error err;
    char *text;
    fixture f;
    const char *seg;
    int layout;

    fixture_load(&f, "large-municipality.json", "2026-11-27");
    build(&payload, &f, NULL);
    doc = json_loads(payload.ptr, 0, NULL);
    assert_non_null(doc);
    obj = doc;
    for (seg = parent; *seg == '/';) {
        char name[64];
        size_t n = strcspn(seg + 1, "/");
        memcpy(name, seg + 1, n);
        name[n] = '\0';
        obj = json_is_array(obj) ? json_array_get(obj, (size_t)atoi(name))
                                 : json_object_get(obj, name);
        assert_non_null(obj);
        seg += n + 1;
    }
    if (value == NULL) {
        assert_int_equal(json_object_del(obj, key), 0);
    } else if (json_is_array(obj)) {
        assert_int_equal(json_array_set_new(obj, (size_t)atoi(key), value), 0);
    } else {
        assert_int_equal(json_object_set_new(obj, key, value), 0);
    }
    for (layout = 0; layout < 2; layout++) {
        text = json_dumps(doc, layout == 0 ? JSON_COMPACT : JSON_INDENT(2));
        lcmp_error_clear(&err);
        assert_int_equal(
            lcmp__statement_parse(
                &st, (const uint8_t *)text, strlen(text), "payload", &err),
            LCMP_EPARSE);
        assert_null(st);
        assert_string_equal(err.source, "payload");
        assert_string_equal(err.pointer, pointer);
        assert_non_null(strstr(err.message, message));
        free(text);
    }
    json_decref(doc);
    lcmp_buf_dispose(&payload);
    fixture_free(&f);
}

static void test_statement__reader_refusals(void **state)
{
    (void)state;
    refuse("",
           "_type",
           json_string("https://in-toto.io/Statement/v0.1"),
           "/_type",
           "_type is 'https://in-toto.io/Statement/v0.1'");
    refuse("",
           "predicateType",
           json_string("https://slsa.dev/provenance/v1"),
           "/predicateType",
           "expected 'urn:libcompliance:");
    refuse("", "extra", json_true(), "/extra", "unknown member 'extra'");
    refuse("/predicate",
           "facts",
           json_object(),
           "/predicate/facts",
           "unknown member 'facts'");
    refuse("/predicate",
           "summary",
           NULL,
           "/predicate",
           "missing member 'summary'");
    refuse("/predicate/summary",
           "score",
           json_integer(101),
           "/predicate/summary/score",
           "out of range");
    refuse("/predicate/summary",
           "score",
           json_real(92.0),
           "/predicate/summary/score",
           "expected an integer");
    refuse("/predicate",
           "evaluated_at",
           json_string("2026-11-27"),
           "/predicate/evaluated_at",
           "not a time like");
    refuse("/predicate",
           "valid_until",
           json_string("2020-01-01T00:00:00Z"),
           "/predicate/valid_until",
           "before evaluated_at");
    refuse("/predicate/results/0",
           "state",
           json_string("fine"),
           "/predicate/results/0/state",
           "'fine' is not a known state");
    refuse("/predicate/results/0",
           "original_state",
           json_string("non_compliant"),
           "/predicate/results/0",
           "original_state goes with state 'excepted' only");
    /* each member of a result, as the short way reads them too */
    refuse("/predicate/results/3",
           "control",
           json_string("GOV 01"),
           "/predicate/results/3/control",
           "'GOV 01' is not a control id");
    refuse("/predicate/results/3",
           "family",
           json_integer(1),
           "/predicate/results/3/family",
           "expected a string");
    refuse("/predicate/results/3",
           "reasons",
           json_array(),
           "/predicate/results/3/reasons",
           "an empty list of reasons is left out");
    refuse("/predicate/results/3",
           "reasons",
           json_pack("[ss]", "stale", "Not A Code"),
           "/predicate/results/3/reasons/1",
           "'Not A Code' is not a reason code");
    /* IAM-02 is excepted: its original_state stays where the writer put it */
    refuse("/predicate/results/22",
           "original_state",
           json_string("later"),
           "/predicate/results/22/original_state",
           "'later' is not a known state");
    refuse("/predicate/results/3",
           "note",
           json_string("x"),
           "/predicate/results/3/note",
           "unknown member 'note'");
    refuse("/predicate/results/3",
           "state",
           NULL,
           "/predicate/results/3",
           "missing member 'state'");
    refuse("/predicate/baseline",
           "commit_id",
           json_string("abc"),
           "/predicate/baseline/commit_id",
           "not a Git object id");
    refuse("/predicate/declaration",
           "sha256",
           json_string("00"),
           "/predicate/declaration/sha256",
           "not a sha256");
    refuse("/subject/0/digest",
           "sha256",
           json_string("0000000000000000000000000000000000000000000000000000"
                       "000000000000"),
           "/subject/0/digest/sha256",
           "the declaration subject's sha256");
    refuse("/subject/1/digest",
           "gitTag",
           json_string("3333333333333333333333333333333333333333"),
           "/subject/1/digest/gitTag",
           "the baseline subject's gitTag");
    refuse(
        "/subject", "1", json_string("x"), "/subject/1", "expected an object");
}

/* Results read the same whichever way the reader takes: the writer's
 * compact text (the short way), the same document indented, and with its
 * strings escaped or not ASCII (the general way). */
static void test_statement__results_read_the_same_every_way(void **state)
{
    lcmp_buf payload = LCMP_BUF_INIT;
    lcmp__statement *st[4] = {NULL, NULL, NULL, NULL};
    json_t *doc, *results, *r;
    char *text[4];
    lcmp_error err;
    size_t i, k, j;
    fixture f;

    (void)state;
    fixture_load(&f, "large-municipality.json", "2026-11-27");
    build(&payload, &f, NULL);
    doc = json_loads(payload.ptr, 0, NULL);
    assert_non_null(doc);
    text[0] = lcmp__strdup(payload.ptr);
    text[1] = json_dumps(doc, JSON_INDENT(2));
    /* an escaped character in every family (the same text decoded) */
    results = json_object_get(json_object_get(doc, "predicate"), "results");
    text[2] = json_dumps(doc, JSON_COMPACT | JSON_ESCAPE_SLASH);
    json_array_foreach (results, i, r) {
        json_object_set_new(r, "family", json_string("gouvernance/\xc3\xa9"));
    }
    text[3] = json_dumps(doc, JSON_COMPACT);
    assert_non_null(strstr(text[0], "{\"control\":"));
    for (k = 0; k < 4; k++) {
        assert_non_null(text[k]);
        lcmp_error_clear(&err);
        assert_int_equal(
            lcmp__statement_parse(
                &st[k], (const uint8_t *)text[k], strlen(text[k]), "p", &err),
            0);
        assert_int_equal(st[k]->nresults, st[0]->nresults);
        assert_int_equal(st[k]->nreasons, st[0]->nreasons);
    }
    assert_true(st[0]->nresults > 30);
    for (i = 0; i < st[0]->nresults; i++) {
        const lcmp__stmt_result *a = &st[0]->results[i];
        for (k = 1; k < 4; k++) {
            const lcmp__stmt_result *b = &st[k]->results[i];
            assert_string_equal(a->control, b->control);
            assert_string_equal(b->family,
                                k == 3 ? "gouvernance/\xc3\xa9" : a->family);
            assert_string_equal(a->state, b->state);
            assert_int_equal(a->state_code, b->state_code);
            assert_int_equal(a->original_state == NULL,
                             b->original_state == NULL);
            if (a->original_state != NULL) {
                assert_string_equal(a->original_state, b->original_state);
            }
            assert_int_equal(a->nreasons, b->nreasons);
            for (j = 0; j < a->nreasons; j++) {
                assert_string_equal(a->reasons[j], b->reasons[j]);
            }
        }
    }
    for (k = 0; k < 4; k++) {
        lcmp__statement_free(st[k]);
        free(text[k]);
    }
    json_decref(doc);
    lcmp_buf_dispose(&payload);
    fixture_free(&f);
}

static void test_statement__duplicate_keys_refused(void **state)
{
    static const char text[] =
        "{\"_type\":\"https://in-toto.io/Statement/v1\","
        "\"predicateType\":\"a\",\"predicateType\":\"b\"}";
    lcmp__statement *st = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__statement_parse(
            &st, (const uint8_t *)text, sizeof(text) - 1, "p", &err),
        LCMP_EPARSE);
    assert_non_null(strstr(err.message, "duplicate"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statement__reads_back_what_it_signs),
        cmocka_unit_test(test_statement__bytes_are_deterministic),
        cmocka_unit_test(test_statement__holds_results_never_facts),
        cmocka_unit_test(test_statement__valid_days),
        cmocka_unit_test(test_statement__release_must_name_objects),
        cmocka_unit_test(test_statement__reader_refusals),
        cmocka_unit_test(test_statement__results_read_the_same_every_way),
        cmocka_unit_test(test_statement__duplicate_keys_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
