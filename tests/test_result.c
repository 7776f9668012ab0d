/*
 * Tests of evaluation results (libcompliance/result.c): the getters and the
 * `lcmp.results/v1` JSON of docs/formats.md §3.1, parsed back with jansson.
 *
 * Inputs: tests/data/evaluate (the baseline and declarations shared with
 * test_evaluate.c), evaluated at 2026-11-27T09:00:00Z.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "libcompliance.h"

#define NOW "2026-11-27T09:00:00Z"

typedef struct fixture {
    lcmp_baseline *baseline;
    lcmp_profile *profile;
    lcmp_declaration *decl;
    lcmp_result *result;
    lcmp_buf json;
    json_t *doc;
} fixture;

static void data_path(char *out, size_t size, const char *name)
{
    const char *src = getenv("LCMP_SOURCE_DIR");

    if (src != NULL && src[0] != '\0') {
        snprintf(out, size, "%s/tests/data/evaluate/%s", src, name);
    } else {
        snprintf(out, size, "data/evaluate/%s", name);
    }
}

static int setup_fixture(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));
    char path[1024];

    if (fx == NULL) {
        return -1;
    }
    data_path(path, sizeof(path), "baseline");
    if (lcmp_baseline_load_dir(&fx->baseline, path, NULL, NULL) != 0) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown_fixture(void **state)
{
    fixture *fx = *state;

    json_decref(fx->doc);
    lcmp_buf_dispose(&fx->json);
    lcmp_result_free(fx->result);
    lcmp_declaration_free(fx->decl);
    lcmp_profile_free(fx->profile);
    lcmp_baseline_free(fx->baseline);
    free(fx);
    return 0;
}

/* Evaluate, serialise with `flags` and parse the JSON back. */
static json_t *
to_json(fixture *fx, const char *profile, const char *decl, uint32_t flags)
{
    char path[1024], line[1024];
    json_error_t jerr;
    lcmp_error err;
    int64_t t;
    int rc;

    assert_int_equal(
        lcmp_profile_resolve(&fx->profile, fx->baseline, profile, NULL), 0);
    data_path(path, sizeof(path), decl);
    rc = lcmp_declaration_load_file(&fx->decl, path, NULL, &err);
    if (rc != 0) {
        lcmp_error_format(line, sizeof(line), &err);
        fail_msg("%s", line);
    }
    assert_int_equal(lcmp_time_parse(&t, NOW, NULL), 0);
    assert_int_equal(
        lcmp_evaluate(&fx->result, fx->profile, fx->decl, t, NULL, NULL), 0);
    assert_int_equal(lcmp_result_to_json(&fx->json, fx->result, flags, &err),
                     0);
    assert_non_null(fx->json.ptr);
    assert_int_equal(strlen(fx->json.ptr), fx->json.size);
    assert_true(fx->json.size > 0 && fx->json.ptr[fx->json.size - 1] == '\n');
    fx->doc =
        json_loadb(fx->json.ptr, fx->json.size, JSON_REJECT_DUPLICATES, &jerr);
    if (fx->doc == NULL) {
        fail_msg("%d:%d: %s", jerr.line, jerr.column, jerr.text);
    }
    return fx->doc;
}

static const char *str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_string(v)) {
        fail_msg("member '%s' is not a string", key);
    }
    return json_string_value(v);
}

static json_int_t num(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    if (!json_is_integer(v)) {
        fail_msg("member '%s' is not an integer", key);
    }
    return json_integer_value(v);
}

/* The members of `obj` are exactly `keys`, in that order. */
static void assert_members(const json_t *obj, const char *const *keys, size_t n)
{
    const char *key;
    json_t *v;
    size_t i = 0;

    assert_true(json_is_object(obj));
    json_object_foreach ((json_t *)obj, key, v) {
        (void)v;
        if (i >= n || strcmp(key, keys[i]) != 0) {
            fail_msg("member %zu is '%s', expected '%s'",
                     i,
                     key,
                     i < n ? keys[i] : "(none)");
        }
        i++;
    }
    assert_int_equal(i, n);
}

static const json_t *result_of(const json_t *doc, const char *id)
{
    const json_t *results = json_object_get(doc, "results");
    size_t i;

    for (i = 0; i < json_array_size(results); i++) {
        const json_t *r = json_array_get(results, i);

        if (strcmp(str(r, "control"), id) == 0) {
            return r;
        }
    }
    fail_msg("no result for %s", id);
    return NULL;
}

static void test_result__to_json_round_trip(void **state)
{
    static const char *const top[] = {"schema",
                                      "tool",
                                      "baseline",
                                      "organisation",
                                      "evaluated_at",
                                      "summary",
                                      "families",
                                      "results",
                                      "warnings"};
    static const char *const counts[] = {"controls",
                                         "compliant",
                                         "non_compliant",
                                         "excepted",
                                         "not_applicable",
                                         "undeclared",
                                         "score"};
    fixture *fx = *state;
    const json_t *doc = to_json(fx, "basic", "decl-states.json", 0);
    const json_t *o, *r, *x;

    assert_members(doc, top, 9);
    assert_string_equal(str(doc, "schema"), "lcmp.results/v1");
    o = json_object_get(doc, "tool");
    assert_string_equal(str(o, "name"), "libcompliance");
    assert_string_equal(str(o, "version"), LCMP_VERSION);
    o = json_object_get(doc, "baseline");
    assert_string_equal(str(o, "id"), "eval-test");
    assert_string_equal(str(o, "profile"), "basic");
    o = json_object_get(doc, "organisation");
    assert_string_equal(str(o, "id"), "gem-test");
    assert_string_equal(str(o, "name"), "Gemeente Test");
    assert_string_equal(str(doc, "evaluated_at"), "2026-11-27T09:00:00Z");

    o = json_object_get(doc, "summary");
    assert_members(o, counts, 7);
    assert_int_equal(num(o, "controls"), 9);
    assert_int_equal(num(o, "compliant"), 1);
    assert_int_equal(num(o, "non_compliant"), 5);
    assert_int_equal(num(o, "excepted"), 1);
    assert_int_equal(num(o, "not_applicable"), 1);
    assert_int_equal(num(o, "undeclared"), 1);
    assert_int_equal(num(o, "score"), 25);

    o = json_object_get(doc, "families");
    assert_int_equal(json_array_size(o), 2);
    o = json_array_get(o, 1);
    assert_string_equal(str(o, "id"), "ops");
    assert_string_equal(str(o, "title"), "Operations");
    assert_int_equal(num(o, "controls"), 4);
    assert_int_equal(num(o, "excepted"), 1);
    assert_int_equal(num(o, "score"), 25);

    assert_int_equal(json_array_size(json_object_get(doc, "results")), 9);
    assert_string_equal(
        str(json_array_get(json_object_get(doc, "results"), 0), "control"),
        "GOV-01");

    /* excepted: original state and reasons stay visible */
    r = result_of(doc, "OPS-04");
    assert_string_equal(str(r, "family"), "ops");
    assert_string_equal(str(r, "title"), "Reachable");
    assert_string_equal(str(r, "state"), "excepted");
    assert_string_equal(str(r, "original_state"), "non_compliant");
    o = json_array_get(json_object_get(r, "reasons"), 0);
    assert_string_equal(str(o, "code"), "status_partial");
    assert_string_equal(str(o, "pointer"), "/controls/OPS-04/status");
    assert_string_equal(str(o, "message"), "declared partially implemented");
    x = json_object_get(r, "exception");
    assert_int_equal(num(x, "index"), 0);
    assert_string_equal(str(x, "approved_by"), "college, decision 2026/114");
    assert_string_equal(str(x, "expires"), "2026-12-31");
    assert_true(json_is_false(json_object_get(x, "expired")));

    /* expired exception on an undeclared control */
    r = result_of(doc, "OPS-03");
    assert_string_equal(str(r, "state"), "undeclared");
    assert_null(json_object_get(r, "original_state"));
    o = json_object_get(r, "reasons");
    assert_int_equal(json_array_size(o), 2);
    assert_string_equal(str(json_array_get(o, 0), "code"), "exception_expired");
    assert_string_equal(str(json_array_get(o, 0), "pointer"),
                        "/exceptions/2/expires");
    assert_string_equal(str(json_array_get(o, 1), "code"), "undeclared");
    x = json_object_get(r, "exception");
    assert_int_equal(num(x, "index"), 2);
    assert_true(json_is_true(json_object_get(x, "expired")));

    /* compliant: empty reasons, no exception member without one */
    r = result_of(doc, "GOV-05");
    assert_string_equal(str(r, "state"), "not_applicable");
    assert_int_equal(json_array_size(json_object_get(r, "reasons")), 0);
    r = result_of(doc, "GOV-02");
    assert_null(json_object_get(r, "exception"));

    o = json_object_get(doc, "warnings");
    assert_int_equal(json_array_size(o), 6);
    assert_string_equal(str(json_array_get(o, 0), "code"), "unknown_control");
    assert_string_equal(str(json_array_get(o, 0), "pointer"),
                        "/controls/XYZ-99");
    assert_non_null(strstr(str(json_array_get(o, 0), "message"), "XYZ-99"));
}

static void test_result__only_documented_members(void **state)
{
    static const char *const plain[] = {
        "control", "family", "title", "state", "reasons"};
    static const char *const with_exc[] = {
        "control", "family", "title", "state", "reasons", "exception"};
    static const char *const excepted[] = {"control",
                                           "family",
                                           "title",
                                           "state",
                                           "original_state",
                                           "reasons",
                                           "exception"};
    static const char *const reason[] = {"code", "pointer", "message"};
    static const char *const exc[] = {
        "index", "approved_by", "expires", "expired"};
    fixture *fx = *state;
    const json_t *doc = to_json(fx, "basic", "decl-states.json", 0);
    const json_t *results = json_object_get(doc, "results");
    size_t i, j;

    for (i = 0; i < json_array_size(results); i++) {
        const json_t *r = json_array_get(results, i);
        const json_t *reasons = json_object_get(r, "reasons");

        if (strcmp(str(r, "state"), "excepted") == 0) {
            assert_members(r, excepted, 7);
        } else if (json_object_get(r, "exception") != NULL) {
            assert_members(r, with_exc, 6);
        } else {
            assert_members(r, plain, 5);
        }
        if (json_object_get(r, "exception") != NULL) {
            assert_members(json_object_get(r, "exception"), exc, 4);
        }
        for (j = 0; j < json_array_size(reasons); j++) {
            assert_members(json_array_get(reasons, j), reason, 3);
        }
    }
    for (i = 0; i < json_array_size(json_object_get(doc, "warnings")); i++) {
        assert_members(
            json_array_get(json_object_get(doc, "warnings"), i), reason, 3);
    }
}

/* Our writer and jansson's json_dumps() agree byte for byte. */
static void test_result__same_bytes_as_jansson(void **state)
{
    fixture *fx = *state;
    const json_t *doc = to_json(fx, "basic", "decl-states.json", 0);
    lcmp_buf compact = LCMP_BUF_INIT;
    char *dumped;

    dumped = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    assert_non_null(dumped);
    assert_int_equal(strlen(dumped) + 1, fx->json.size);
    assert_memory_equal(dumped, fx->json.ptr, strlen(dumped));
    free(dumped);

    assert_int_equal(
        lcmp_result_to_json(
            &compact, fx->result, LCMP_RESULT_JSON_F_COMPACT, NULL),
        0);
    dumped = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_non_null(dumped);
    assert_int_equal(strlen(dumped) + 1, compact.size);
    assert_memory_equal(dumped, compact.ptr, strlen(dumped));
    assert_null(memchr(compact.ptr, '\n', compact.size - 1));
    free(dumped);
    lcmp_buf_dispose(&compact);
}

static void test_result__escaping(void **state)
{
    fixture *fx = *state;
    const json_t *doc = to_json(fx, "basic", "decl-escape.json", 0);
    const json_t *r, *reason;
    const char *msg;
    char *dumped;

    assert_string_equal(str(json_object_get(doc, "organisation"), "name"),
                        "Gemeente \"Test\" \\ Zo\xc3\xab\tnoord");
    r = result_of(doc, "OPS-04");
    assert_string_equal(str(json_object_get(r, "exception"), "approved_by"),
                        "college \"B&W\"\x01\n/\xc3\xa9");
    /* a long declared value is cut on a character boundary, and control
     * characters never reach a message */
    r = result_of(doc, "OPS-02");
    reason = json_array_get(json_object_get(r, "reasons"), 0);
    msg = str(reason, "message");
    assert_non_null(strstr(msg, "\xc3\xa9...', must be 'ciso'"));
    assert_null(strchr(msg, '\x01'));

    dumped = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    assert_non_null(dumped);
    assert_string_equal(fx->json.ptr + fx->json.size - 1, "\n");
    assert_memory_equal(dumped, fx->json.ptr, strlen(dumped));
    free(dumped);
}

static void test_result__empty_warnings_present(void **state)
{
    fixture *fx = *state;
    const json_t *doc = to_json(fx, "basic", "decl-ops.json", 0);

    assert_true(json_is_array(json_object_get(doc, "warnings")));
    assert_int_equal(json_array_size(json_object_get(doc, "warnings")), 0);
    assert_int_equal(lcmp_result_warning_count(fx->result), 0);
    assert_null(lcmp_result_warning(fx->result, 0));
}

static void test_result__invalid_arguments(void **state)
{
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    assert_int_equal(lcmp_result_to_json(&out, NULL, 0, &err), LCMP_EINVALID);
    assert_int_equal(err.code, LCMP_EINVALID);
    assert_null(out.ptr);
    assert_int_equal(lcmp_result_family_count(NULL), 0);
    assert_null(lcmp_result_family(NULL, 0));
    assert_null(lcmp_result_control(NULL, 0));
    assert_int_equal(lcmp_result_warning_count(NULL), 0);
    assert_null(lcmp_result_profile(NULL));
    assert_null(lcmp_result_declaration(NULL));
    assert_int_equal(lcmp_result_evaluated_at(NULL), 0);
}

#define T(name)                      \
    cmocka_unit_test_setup_teardown( \
        test_result__##name, setup_fixture, teardown_fixture)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(to_json_round_trip),
        T(only_documented_members),
        T(same_bytes_as_jansson),
        T(escaping),
        T(empty_warnings_present),
        cmocka_unit_test(test_result__invalid_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
