/*
 * Tests for libcompliance/declaration.c: loading a declaration
 * (docs/formats.md §2), every refusal with its code, pointer and message,
 * lookups by control id and the size of input it must handle.
 *
 * Inputs are in tests/data/declaration/ (the test runs with cwd = tests/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

#define DATA "data/declaration/"

static int32_t date(const char *s)
{
    int32_t d = 0;

    assert_int_equal(lcmp__date_parse(&d, s), 0);
    return d;
}

static lcmp_declaration *load_ok(const char *path)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    lcmp_error_clear(&err);
    if (lcmp_declaration_load_file(&d, path, NULL, &err) != 0) {
        print_error("%s: %s: %s\n", err.source, err.pointer, err.message);
    }
    assert_non_null(d);
    return d;
}

static lcmp_declaration *load_string(const char *json, lcmp_error *err)
{
    lcmp_declaration *d = NULL;
    int rc = lcmp_declaration_load_buffer(
        &d, (const uint8_t *)json, strlen(json), NULL, NULL, err);

    assert_true(rc == 0 ? d != NULL : d == NULL);
    return d;
}

/* Load tests/data/declaration/invalid/<name>.json and check the refusal. */
static void
refuse(const char *name, int code, const char *pointer, const char *message)
{
    char path[256];
    lcmp_declaration *d = NULL;
    lcmp_error err;
    int rc;

    snprintf(path, sizeof(path), DATA "invalid/%s.json", name);
    lcmp_error_clear(&err);
    rc = lcmp_declaration_load_file(&d, path, NULL, &err);
    if (rc != code || strcmp(err.pointer, pointer) != 0 ||
        strstr(err.message, message) == NULL)
    {
        print_error("%s: got %d %s: %s\n", name, rc, err.pointer, err.message);
    }
    assert_int_equal(rc, code);
    assert_null(d);
    assert_int_equal(err.code, code);
    assert_string_equal(err.source, path);
    assert_string_equal(err.pointer, pointer);
    assert_non_null(strstr(err.message, message));
}

/*
 * Loading
 */

static void test_declaration__loads_example(void **state)
{
    lcmp_declaration *d = load_ok(DATA "valid.json");
    const lcmp__decl_control *c;
    const lcmp__exception *e;
    static const char *const order[] = {
        "GOV-04", "BCM-01", "NET-02", "AWR-01", "IAM-03"};
    size_t i;

    (void)state;
    assert_string_equal(lcmp_declaration_org_id(d), "gem-zonnedaal");
    assert_string_equal(lcmp_declaration_org_name(d), "Gemeente Zonnedaal");
    assert_string_equal(lcmp_declaration_baseline(d), "interlokaal-basis");
    assert_string_equal(lcmp_declaration_profile(d), "basic");
    assert_int_equal(lcmp_declaration_control_count(d), 5);
    for (i = 0; i < 5; i++) {
        assert_string_equal(d->controls[i].id, order[i]);
        assert_int_equal(d->controls[i].index, i);
    }

    c = lcmp__declaration_find(d, "GOV-04");
    assert_ptr_equal(c, &d->controls[0]);
    assert_int_equal(c->status, LCMP__STATUS_IMPLEMENTED);
    assert_false(c->has_target_date);
    assert_null(c->justification);
    assert_string_equal(c->owner, "ICT coordinator");
    assert_string_equal(c->note, "approved by the college on 10 March");
    assert_non_null(c->facts);
    assert_int_equal(json_object_size(c->facts), 4);
    assert_true(
        json_is_true(json_object_get(c->facts, "covers_critical_services")));
    assert_int_equal(c->nevidence, 2);
    assert_string_equal(c->evidence[0].uri, "dms://risk/2025-ra.pdf");
    assert_true(c->evidence[0].has_sha256);
    assert_int_equal(c->evidence[0].sha256[0], 0x9f);
    assert_int_equal(c->evidence[0].sha256[31], 0x08);
    assert_true(c->evidence[0].has_date);
    assert_int_equal(c->evidence[0].date, date("2025-03-10"));
    assert_string_equal(c->evidence[1].uri, "reports/board-minutes.pdf");
    assert_false(c->evidence[1].has_sha256);
    assert_false(c->evidence[1].has_date);

    c = lcmp__declaration_find(d, "BCM-01");
    assert_int_equal(c->status, LCMP__STATUS_PLANNED);
    assert_true(c->has_target_date);
    assert_int_equal(c->target_date, date("2027-03-31"));
    assert_null(c->facts);
    assert_int_equal(c->nevidence, 0);
    assert_null(c->owner);

    c = lcmp__declaration_find(d, "NET-02");
    assert_int_equal(c->status, LCMP__STATUS_NOT_APPLICABLE);
    assert_string_equal(c->justification,
                        "no own network; the association hosts all systems");
    assert_int_equal(lcmp__declaration_find(d, "AWR-01")->status,
                     LCMP__STATUS_PARTIAL);
    c = lcmp__declaration_find(d, "IAM-03");
    assert_int_equal(c->status, LCMP__STATUS_NOT_IMPLEMENTED);
    assert_string_equal(c->owner, "");
    assert_null(lcmp__declaration_find(d, "VUL-03"));
    assert_null(lcmp__declaration_find(d, "gov-04"));

    assert_int_equal(d->nexceptions, 2);
    e = lcmp__declaration_exception(d, "VUL-03");
    assert_ptr_equal(e, &d->exceptions[0]);
    assert_int_equal(e->index, 0);
    assert_int_equal(e->expires, date("2026-06-30"));
    assert_string_equal(e->approved_by,
                        "college of mayor and aldermen, decision 2026/114");
    assert_string_equal(e->compensating, "isolated VLAN, no internet access");
    e = lcmp__declaration_exception(d, "AWR-01");
    assert_ptr_equal(e, &d->exceptions[1]);
    assert_int_equal(e->index, 1);
    assert_null(e->compensating);
    assert_null(lcmp__declaration_exception(d, "GOV-04"));
    lcmp_declaration_free(d);
}

static void test_declaration__loads_minimal(void **state)
{
    lcmp_declaration *d = load_ok(DATA "minimal.json");

    (void)state;
    assert_string_equal(lcmp_declaration_org_id(d), "org.1");
    assert_string_equal(lcmp_declaration_org_name(d),
                        "Gemeente Zo\xc3\xab \xe2\x80\x93 Noord");
    assert_null(lcmp_declaration_baseline(d));
    assert_null(lcmp_declaration_profile(d));
    assert_int_equal(lcmp_declaration_control_count(d), 0);
    assert_int_equal(d->nexceptions, 0);
    assert_null(lcmp__declaration_find(d, "GOV-01"));
    assert_null(lcmp__declaration_exception(d, "GOV-01"));
    lcmp_declaration_free(d);
}

static void test_declaration__loads_from_buffer(void **state)
{
    static const char json[] =
        "{\"schema\":\"lcmp.declaration/v1\","
        "\"organisation\":{\"id\":\"o\",\"name\":\"\"},"
        "\"controls\":{\"A\":{\"status\":\"implemented\","
        "\"facts\":{},\"evidence\":[]}},\"exceptions\":[]}";
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    d = load_string(json, &err);
    assert_non_null(d);
    assert_string_equal(lcmp_declaration_org_name(d), "");
    assert_int_equal(lcmp_declaration_control_count(d), 1);
    assert_non_null(lcmp__declaration_find(d, "A")->facts);
    assert_int_equal(lcmp__declaration_find(d, "A")->nevidence, 0);
    lcmp_declaration_free(d);
}

static void test_declaration__getters_and_free_accept_null(void **state)
{
    (void)state;
    lcmp_declaration_free(NULL);
    assert_null(lcmp_declaration_org_id(NULL));
    assert_null(lcmp_declaration_org_name(NULL));
    assert_null(lcmp_declaration_profile(NULL));
    assert_null(lcmp_declaration_baseline(NULL));
    assert_int_equal(lcmp_declaration_control_count(NULL), 0);
    assert_null(lcmp__declaration_find(NULL, "A"));
    assert_null(lcmp__declaration_exception(NULL, "A"));
}

/* 10,000 controls in reverse order and 5,000 exceptions: loading is
 * O(n log n) and every lookup finds its own entry. */
static void test_declaration__large_declaration(void **state)
{
    const size_t n = 10000, nexc = 5000;
    lcmp_buf json = LCMP_BUF_INIT;
    lcmp_declaration *d = NULL;
    lcmp_error err;
    size_t i;

    (void)state;
    assert_int_equal(lcmp__buf_puts(&json,
                                    "{\"schema\":\"lcmp.declaration/"
                                    "v1\",\"organisation\":{\"id\":"
                                    "\"o\",\"name\":\"O\"},"
                                    "\"controls\":{"),
                     0);
    for (i = 0; i < n; i++) {
        assert_int_equal(lcmp__buf_printf(&json,
                                          "%s\"C-%05zu\":{\"status\":"
                                          "\"implemented\",\"facts\":{\"n\":"
                                          "%zu},\"evidence\":[{\"uri\":"
                                          "\"e%zu\"}]}",
                                          i > 0 ? "," : "",
                                          n - 1 - i,
                                          i,
                                          i),
                         0);
    }
    assert_int_equal(lcmp__buf_puts(&json, "},\"exceptions\":["), 0);
    for (i = 0; i < nexc; i++) {
        assert_int_equal(
            lcmp__buf_printf(&json,
                             "%s{\"control\":\"C-%05zu\",\"justification\":"
                             "\"j\",\"approved_by\":\"a\",\"expires\":"
                             "\"2030-01-01\"}",
                             i > 0 ? "," : "",
                             (i * 7919) % n),
            0);
    }
    assert_int_equal(lcmp__buf_puts(&json, "]}"), 0);

    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_declaration_load_buffer(
            &d, (const uint8_t *)json.ptr, json.size, "big.json", NULL, &err),
        0);
    assert_int_equal(lcmp_declaration_control_count(d), n);
    for (i = 0; i < n; i++) {
        char id[16];
        const lcmp__decl_control *c;

        snprintf(id, sizeof(id), "C-%05zu", i);
        c = lcmp__declaration_find(d, id);
        assert_non_null(c);
        assert_string_equal(c->id, id);
        assert_int_equal(c->index, n - 1 - i);
        assert_int_equal(c->nevidence, 1);
    }
    for (i = 0; i < nexc; i++) {
        char id[16];
        const lcmp__exception *e;

        snprintf(id, sizeof(id), "C-%05zu", (i * 7919) % n);
        e = lcmp__declaration_exception(d, id);
        assert_non_null(e);
        assert_int_equal(e->index, i);
    }
    lcmp_declaration_free(d);
    lcmp_buf_dispose(&json);
}

/*
 * Refusals: arguments, limits and syntax
 */

static void test_declaration__refuses_null_out(void **state)
{
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_declaration_load_buffer(
                         NULL, (const uint8_t *)"{}", 2, NULL, NULL, &err),
                     LCMP_EINVALID);
    assert_int_equal(err.code, LCMP_EINVALID);
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "no output pointer"));
    assert_int_equal(
        lcmp_declaration_load_file(NULL, DATA "valid.json", NULL, &err),
        LCMP_EINVALID);
    assert_int_equal(
        lcmp_declaration_load_buffer(NULL, NULL, 0, NULL, NULL, NULL),
        LCMP_EINVALID);
}

static void test_declaration__refuses_null_buffer(void **state)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_declaration_load_buffer(&d, NULL, 5, "in.json", NULL, &err),
        LCMP_EINVALID);
    assert_null(d);
    assert_string_equal(err.source, "in.json");
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "no input buffer"));
}

static void test_declaration__refuses_unknown_options_version(void **state)
{
    lcmp_load_options opts = LCMP_LOAD_OPTIONS_INIT;
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    opts.version = 99;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_declaration_load_buffer(
                         &d, (const uint8_t *)"{}", 2, NULL, &opts, &err),
                     LCMP_EINVALID);
    assert_null(d);
    assert_int_equal(err.code, LCMP_EINVALID);
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "unknown load options version 99"));
    assert_int_equal(
        lcmp_declaration_load_file(&d, DATA "valid.json", &opts, &err),
        LCMP_EINVALID);
    assert_null(d);
}

static void test_declaration__refuses_missing_file(void **state)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_declaration_load_file(&d, DATA "no-such.json", NULL, &err),
        LCMP_ENOTFOUND);
    assert_null(d);
    assert_int_equal(err.code, LCMP_ENOTFOUND);
    assert_string_equal(err.source, DATA "no-such.json");
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "cannot open"));
}

static void test_declaration__refuses_unreadable_file(void **state)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    /* a directory opens but cannot be read */
    assert_int_equal(lcmp_declaration_load_file(&d, DATA, NULL, &err),
                     LCMP_EIO);
    assert_null(d);
    assert_int_equal(err.code, LCMP_EIO);
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "cannot read"));
}

static void test_declaration__refuses_file_over_size_limit(void **state)
{
    lcmp_load_options opts = LCMP_LOAD_OPTIONS_INIT;
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    opts.max_file_size = 100;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_declaration_load_file(&d, DATA "valid.json", &opts, &err),
        LCMP_ELIMIT);
    assert_null(d);
    assert_int_equal(err.code, LCMP_ELIMIT);
    assert_string_equal(err.source, DATA "valid.json");
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "larger than 100 bytes"));

    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_declaration_load_buffer(&d,
                                     (const uint8_t *)"{}                     ",
                                     23,
                                     NULL,
                                     &opts,
                                     &err),
        LCMP_EPARSE); /* under the limit: size is fine */
    opts.max_file_size = 22;
    assert_int_equal(
        lcmp_declaration_load_buffer(&d,
                                     (const uint8_t *)"{}                     ",
                                     23,
                                     NULL,
                                     &opts,
                                     &err),
        LCMP_ELIMIT);
    assert_string_equal(err.source, "<string>");
}

static void test_declaration__refuses_nesting_over_depth_limit(void **state)
{
    lcmp_load_options opts = LCMP_LOAD_OPTIONS_INIT;
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    /* valid.json nests 5 levels: root, controls, GOV-04, evidence, item;
     * the first bracket past 3 levels is the "facts" object */
    opts.max_depth = 3;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_declaration_load_file(&d, DATA "valid.json", &opts, &err),
        LCMP_ELIMIT);
    assert_null(d);
    assert_int_equal(err.code, LCMP_ELIMIT);
    assert_string_equal(err.pointer, "");
    assert_int_equal(err.line, 9);
    assert_int_equal(err.column, 16);
    assert_non_null(strstr(err.message, "nesting deeper than 3 levels"));
    opts.max_depth = 4;
    assert_int_equal(
        lcmp_declaration_load_file(&d, DATA "valid.json", &opts, &err),
        LCMP_ELIMIT);
    assert_int_equal(err.line, 12);
    assert_int_equal(err.column, 9);
    opts.max_depth = 5;
    assert_int_equal(
        lcmp_declaration_load_file(&d, DATA "valid.json", &opts, &err), 0);
    lcmp_declaration_free(d);
}

static void test_declaration__refuses_syntax_error(void **state)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_declaration_load_file(
            &d, DATA "invalid/syntax_trailing_comma.json", NULL, &err),
        LCMP_EPARSE);
    assert_null(d);
    assert_int_equal(err.code, LCMP_EPARSE);
    assert_string_equal(err.pointer, "");
    assert_int_equal(err.line, 6);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.message, "string or '}' expected"));
}

static void test_declaration__refuses_empty_input(void **state)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_declaration_load_file(&d, DATA "invalid/empty.json", NULL, &err),
        LCMP_EPARSE);
    assert_null(d);
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "'[' or '{' expected"));
}

static void test_declaration__refuses_trailing_garbage(void **state)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_declaration_load_file(
                         &d, DATA "invalid/trailing_garbage.json", NULL, &err),
                     LCMP_EPARSE);
    assert_null(d);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "end of file expected"));
}

static void test_declaration__refuses_duplicate_control(void **state)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_declaration_load_file(
                         &d, DATA "invalid/duplicate_control.json", NULL, &err),
                     LCMP_EPARSE);
    assert_null(d);
    assert_string_equal(err.pointer, "");
    assert_int_equal(err.line, 6);
    assert_non_null(strstr(err.message, "duplicate object key"));
}

/*
 * Refusals: the document's members, one test per error path
 */

static void test_declaration__refuses_non_object(void **state)
{
    (void)state;
    refuse("root_array", LCMP_EPARSE, "", "expected an object, got an array");
}

static void test_declaration__refuses_unknown_member(void **state)
{
    (void)state;
    refuse("unknown_member", LCMP_EPARSE, "/extra", "unknown member 'extra'");
}

static void test_declaration__refuses_missing_schema(void **state)
{
    (void)state;
    refuse("schema_missing", LCMP_EPARSE, "", "missing member 'schema'");
}

static void test_declaration__refuses_schema_of_wrong_type(void **state)
{
    (void)state;
    refuse("schema_type",
           LCMP_EPARSE,
           "/schema",
           "expected a string, got an integer");
}

static void test_declaration__refuses_other_schema(void **state)
{
    (void)state;
    refuse("schema_value",
           LCMP_EPARSE,
           "/schema",
           "unsupported schema 'lcmp.declaration/v2': expected "
           "'lcmp.declaration/v1'");
}

static void test_declaration__refuses_missing_organisation(void **state)
{
    (void)state;
    refuse("org_missing", LCMP_EPARSE, "", "missing member 'organisation'");
}

static void test_declaration__refuses_organisation_of_wrong_type(void **state)
{
    (void)state;
    refuse("org_type",
           LCMP_EPARSE,
           "/organisation",
           "expected an object, got a string");
}

static void test_declaration__refuses_unknown_organisation_member(void **state)
{
    (void)state;
    refuse("org_unknown_member",
           LCMP_EPARSE,
           "/organisation/email",
           "unknown member 'email'");
}

static void test_declaration__refuses_missing_organisation_id(void **state)
{
    (void)state;
    refuse(
        "org_id_missing", LCMP_EPARSE, "/organisation", "missing member 'id'");
}

static void test_declaration__refuses_invalid_organisation_id(void **state)
{
    (void)state;
    refuse("org_id_invalid",
           LCMP_EPARSE,
           "/organisation/id",
           "invalid identifier 'gem x'");
}

static void test_declaration__refuses_missing_organisation_name(void **state)
{
    (void)state;
    refuse("org_name_missing",
           LCMP_EPARSE,
           "/organisation",
           "missing member 'name'");
}

static void
test_declaration__refuses_organisation_name_of_wrong_type(void **state)
{
    (void)state;
    refuse("org_name_type",
           LCMP_EPARSE,
           "/organisation/name",
           "expected a string, got null");
}

static void test_declaration__refuses_invalid_baseline(void **state)
{
    (void)state;
    refuse("baseline_invalid",
           LCMP_EPARSE,
           "/baseline",
           "invalid identifier '-basis'");
}

static void test_declaration__refuses_profile_of_wrong_type(void **state)
{
    (void)state;
    refuse("profile_type",
           LCMP_EPARSE,
           "/profile",
           "expected a string, got an array");
}

static void test_declaration__refuses_missing_controls(void **state)
{
    (void)state;
    refuse("controls_missing", LCMP_EPARSE, "", "missing member 'controls'");
}

static void test_declaration__refuses_controls_of_wrong_type(void **state)
{
    (void)state;
    refuse("controls_type",
           LCMP_EPARSE,
           "/controls",
           "expected an object, got an array");
}

static void test_declaration__refuses_invalid_control_id(void **state)
{
    (void)state;
    refuse("control_id_invalid",
           LCMP_EPARSE,
           "/controls/GOV 02",
           "invalid control id 'GOV 02'");
    /* the pointer escapes '/' and '~' (RFC 6901) */
    refuse("control_id_slash",
           LCMP_EPARSE,
           "/controls/a~1b~0c",
           "invalid control id 'a/b~c'");
}

static void test_declaration__refuses_control_of_wrong_type(void **state)
{
    (void)state;
    refuse("control_type",
           LCMP_EPARSE,
           "/controls/GOV-01",
           "expected an object, got a string");
}

static void test_declaration__refuses_unknown_control_member(void **state)
{
    (void)state;
    refuse("control_unknown_member",
           LCMP_EPARSE,
           "/controls/GOV-01/state",
           "unknown member 'state'");
}

static void test_declaration__refuses_missing_status(void **state)
{
    (void)state;
    refuse("status_missing",
           LCMP_EPARSE,
           "/controls/GOV-01",
           "missing member 'status'");
}

static void test_declaration__refuses_status_of_wrong_type(void **state)
{
    (void)state;
    refuse("status_type",
           LCMP_EPARSE,
           "/controls/GOV-01/status",
           "expected a string, got a boolean");
}

static void test_declaration__refuses_unknown_status(void **state)
{
    (void)state;
    refuse("status_unknown",
           LCMP_EPARSE,
           "/controls/GOV-01/status",
           "unknown status 'done'");
}

static void test_declaration__refuses_planned_without_target_date(void **state)
{
    (void)state;
    refuse("planned_no_target",
           LCMP_EPARSE,
           "/controls/GOV-01",
           "missing member 'target_date'");
}

static void test_declaration__refuses_invalid_target_date(void **state)
{
    (void)state;
    refuse("target_date_invalid",
           LCMP_EPARSE,
           "/controls/GOV-01/target_date",
           "invalid date '2027-02-30': expected YYYY-MM-DD");
    refuse("target_date_type",
           LCMP_EPARSE,
           "/controls/GOV-01/target_date",
           "expected a string, got an integer");
}

static void test_declaration__refuses_target_date_unless_planned(void **state)
{
    (void)state;
    refuse("target_date_not_planned",
           LCMP_EPARSE,
           "/controls/GOV-01/target_date",
           "target_date is only allowed with status 'planned', not "
           "'implemented'");
}

static void
test_declaration__refuses_not_applicable_without_justification(void **state)
{
    (void)state;
    refuse("na_no_justification",
           LCMP_EPARSE,
           "/controls/GOV-01",
           "missing member 'justification'");
}

static void test_declaration__refuses_empty_justification(void **state)
{
    (void)state;
    refuse("na_empty_justification",
           LCMP_EPARSE,
           "/controls/GOV-01/justification",
           "empty justification");
}

static void test_declaration__refuses_justification_of_wrong_type(void **state)
{
    (void)state;
    refuse("na_justification_type",
           LCMP_EPARSE,
           "/controls/GOV-01/justification",
           "expected a string, got an integer");
}

static void
test_declaration__refuses_justification_unless_not_applicable(void **state)
{
    (void)state;
    refuse("justification_not_na",
           LCMP_EPARSE,
           "/controls/GOV-01/justification",
           "justification is only allowed with status 'not_applicable', not "
           "'partial'");
}

static void test_declaration__refuses_facts_of_wrong_type(void **state)
{
    (void)state;
    refuse("facts_type",
           LCMP_EPARSE,
           "/controls/GOV-01/facts",
           "expected an object, got an array");
}

static void test_declaration__refuses_invalid_fact_name(void **state)
{
    (void)state;
    refuse("fact_name_invalid",
           LCMP_EPARSE,
           "/controls/GOV-01/facts/bad name",
           "invalid fact name 'bad name'");
}

static void test_declaration__refuses_fact_values_not_scalar(void **state)
{
    (void)state;
    refuse("fact_array",
           LCMP_EPARSE,
           "/controls/GOV-01/facts/list",
           "expected a string, number or boolean, got an array");
    refuse("fact_object",
           LCMP_EPARSE,
           "/controls/GOV-01/facts/obj",
           "expected a string, number or boolean, got an object");
    refuse("fact_null",
           LCMP_EPARSE,
           "/controls/GOV-01/facts/nothing",
           "expected a string, number or boolean, got null");
}

static void test_declaration__refuses_evidence_of_wrong_type(void **state)
{
    (void)state;
    refuse("evidence_type",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence",
           "expected an array, got an object");
}

static void test_declaration__refuses_evidence_item_of_wrong_type(void **state)
{
    (void)state;
    refuse("evidence_item_type",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0",
           "expected an object, got a string");
}

static void test_declaration__refuses_unknown_evidence_member(void **state)
{
    (void)state;
    refuse("evidence_unknown_member",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/size",
           "unknown member 'size'");
}

static void test_declaration__refuses_evidence_without_uri(void **state)
{
    (void)state;
    refuse("evidence_uri_missing",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/1",
           "missing member 'uri'");
}

static void test_declaration__refuses_empty_evidence_uri(void **state)
{
    (void)state;
    refuse("evidence_uri_empty",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/uri",
           "empty uri");
}

static void test_declaration__refuses_evidence_uri_of_wrong_type(void **state)
{
    (void)state;
    refuse("evidence_uri_type",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/uri",
           "expected a string, got an integer");
}

static void test_declaration__refuses_invalid_sha256(void **state)
{
    (void)state;
    refuse("evidence_sha256_upper",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/sha256",
           "invalid sha256 '9F86D081");
    refuse("evidence_sha256_upper",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/sha256",
           "expected 64 lowercase hex digits");
    refuse("evidence_sha256_short",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/sha256",
           "invalid sha256");
    refuse("evidence_sha256_long",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/sha256",
           "invalid sha256");
    refuse("evidence_sha256_type",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/sha256",
           "expected a string, got null");
}

static void test_declaration__refuses_invalid_evidence_date(void **state)
{
    (void)state;
    refuse("evidence_date_invalid",
           LCMP_EPARSE,
           "/controls/GOV-01/evidence/0/date",
           "invalid date '2025-3-10'");
}

static void test_declaration__refuses_owner_and_note_of_wrong_type(void **state)
{
    (void)state;
    refuse("owner_type",
           LCMP_EPARSE,
           "/controls/GOV-01/owner",
           "expected a string, got an integer");
    refuse("note_type",
           LCMP_EPARSE,
           "/controls/GOV-01/note",
           "expected a string, got a boolean");
}

static void test_declaration__refuses_exceptions_of_wrong_type(void **state)
{
    (void)state;
    refuse("exceptions_type",
           LCMP_EPARSE,
           "/exceptions",
           "expected an array, got an object");
}

static void test_declaration__refuses_exception_of_wrong_type(void **state)
{
    (void)state;
    refuse("exception_type",
           LCMP_EPARSE,
           "/exceptions/0",
           "expected an object, got a string");
}

static void test_declaration__refuses_unknown_exception_member(void **state)
{
    (void)state;
    refuse("exception_unknown_member",
           LCMP_EPARSE,
           "/exceptions/0/reason",
           "unknown member 'reason'");
}

static void test_declaration__refuses_exception_without_control(void **state)
{
    (void)state;
    refuse("exception_control_missing",
           LCMP_EPARSE,
           "/exceptions/0",
           "missing member 'control'");
}

static void test_declaration__refuses_exception_invalid_control(void **state)
{
    (void)state;
    refuse("exception_control_invalid",
           LCMP_EPARSE,
           "/exceptions/0/control",
           "invalid identifier 'GOV 01'");
}

static void test_declaration__refuses_exception_justification(void **state)
{
    (void)state;
    refuse("exception_justification_missing",
           LCMP_EPARSE,
           "/exceptions/0",
           "missing member 'justification'");
    refuse("exception_justification_empty",
           LCMP_EPARSE,
           "/exceptions/0/justification",
           "empty justification");
}

static void test_declaration__refuses_exception_approved_by(void **state)
{
    (void)state;
    refuse("exception_approved_by_missing",
           LCMP_EPARSE,
           "/exceptions/0",
           "missing member 'approved_by'");
    refuse("exception_approved_by_empty",
           LCMP_EPARSE,
           "/exceptions/1/approved_by",
           "empty approved_by");
    refuse("exception_approved_by_type",
           LCMP_EPARSE,
           "/exceptions/0/approved_by",
           "expected a string, got an array");
}

static void test_declaration__refuses_exception_expires(void **state)
{
    (void)state;
    refuse("exception_expires_missing",
           LCMP_EPARSE,
           "/exceptions/1",
           "missing member 'expires'");
    refuse("exception_expires_invalid",
           LCMP_EPARSE,
           "/exceptions/0/expires",
           "invalid date '2026-06-31'");
}

static void
test_declaration__refuses_exception_compensating_of_wrong_type(void **state)
{
    (void)state;
    refuse("exception_compensating_type",
           LCMP_EPARSE,
           "/exceptions/0/compensating",
           "expected a string, got an integer");
}

static void test_declaration__refuses_second_exception_for_control(void **state)
{
    (void)state;
    /* B, A, C, C, A, B: the earliest second one is /exceptions/3 */
    refuse("exception_duplicate",
           LCMP_EINVALID,
           "/exceptions/3",
           "second exception for control 'C' (the first is /exceptions/2)");
}

static void test_declaration__error_is_optional(void **state)
{
    lcmp_declaration *d = NULL;

    (void)state;
    assert_int_equal(
        lcmp_declaration_load_file(
            &d, DATA "invalid/exception_duplicate.json", NULL, NULL),
        LCMP_EINVALID);
    assert_null(d);
    assert_int_equal(lcmp_declaration_load_file(
                         &d, DATA "invalid/status_unknown.json", NULL, NULL),
                     LCMP_EPARSE);
    assert_null(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_declaration__loads_example),
        cmocka_unit_test(test_declaration__loads_minimal),
        cmocka_unit_test(test_declaration__loads_from_buffer),
        cmocka_unit_test(test_declaration__getters_and_free_accept_null),
        cmocka_unit_test(test_declaration__large_declaration),
        cmocka_unit_test(test_declaration__refuses_null_out),
        cmocka_unit_test(test_declaration__refuses_null_buffer),
        cmocka_unit_test(test_declaration__refuses_unknown_options_version),
        cmocka_unit_test(test_declaration__refuses_missing_file),
        cmocka_unit_test(test_declaration__refuses_unreadable_file),
        cmocka_unit_test(test_declaration__refuses_file_over_size_limit),
        cmocka_unit_test(test_declaration__refuses_nesting_over_depth_limit),
        cmocka_unit_test(test_declaration__refuses_syntax_error),
        cmocka_unit_test(test_declaration__refuses_empty_input),
        cmocka_unit_test(test_declaration__refuses_trailing_garbage),
        cmocka_unit_test(test_declaration__refuses_duplicate_control),
        cmocka_unit_test(test_declaration__refuses_non_object),
        cmocka_unit_test(test_declaration__refuses_unknown_member),
        cmocka_unit_test(test_declaration__refuses_missing_schema),
        cmocka_unit_test(test_declaration__refuses_schema_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_other_schema),
        cmocka_unit_test(test_declaration__refuses_missing_organisation),
        cmocka_unit_test(test_declaration__refuses_organisation_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_unknown_organisation_member),
        cmocka_unit_test(test_declaration__refuses_missing_organisation_id),
        cmocka_unit_test(test_declaration__refuses_invalid_organisation_id),
        cmocka_unit_test(test_declaration__refuses_missing_organisation_name),
        cmocka_unit_test(
            test_declaration__refuses_organisation_name_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_invalid_baseline),
        cmocka_unit_test(test_declaration__refuses_profile_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_missing_controls),
        cmocka_unit_test(test_declaration__refuses_controls_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_invalid_control_id),
        cmocka_unit_test(test_declaration__refuses_control_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_unknown_control_member),
        cmocka_unit_test(test_declaration__refuses_missing_status),
        cmocka_unit_test(test_declaration__refuses_status_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_unknown_status),
        cmocka_unit_test(test_declaration__refuses_planned_without_target_date),
        cmocka_unit_test(test_declaration__refuses_invalid_target_date),
        cmocka_unit_test(test_declaration__refuses_target_date_unless_planned),
        cmocka_unit_test(
            test_declaration__refuses_not_applicable_without_justification),
        cmocka_unit_test(test_declaration__refuses_empty_justification),
        cmocka_unit_test(test_declaration__refuses_justification_of_wrong_type),
        cmocka_unit_test(
            test_declaration__refuses_justification_unless_not_applicable),
        cmocka_unit_test(test_declaration__refuses_facts_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_invalid_fact_name),
        cmocka_unit_test(test_declaration__refuses_fact_values_not_scalar),
        cmocka_unit_test(test_declaration__refuses_evidence_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_evidence_item_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_unknown_evidence_member),
        cmocka_unit_test(test_declaration__refuses_evidence_without_uri),
        cmocka_unit_test(test_declaration__refuses_empty_evidence_uri),
        cmocka_unit_test(test_declaration__refuses_evidence_uri_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_invalid_sha256),
        cmocka_unit_test(test_declaration__refuses_invalid_evidence_date),
        cmocka_unit_test(
            test_declaration__refuses_owner_and_note_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_exceptions_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_exception_of_wrong_type),
        cmocka_unit_test(test_declaration__refuses_unknown_exception_member),
        cmocka_unit_test(test_declaration__refuses_exception_without_control),
        cmocka_unit_test(test_declaration__refuses_exception_invalid_control),
        cmocka_unit_test(test_declaration__refuses_exception_justification),
        cmocka_unit_test(test_declaration__refuses_exception_approved_by),
        cmocka_unit_test(test_declaration__refuses_exception_expires),
        cmocka_unit_test(
            test_declaration__refuses_exception_compensating_of_wrong_type),
        cmocka_unit_test(
            test_declaration__refuses_second_exception_for_control),
        cmocka_unit_test(test_declaration__error_is_optional),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
