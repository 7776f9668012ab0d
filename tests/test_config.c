/*
 * Tests for compliance.json: known keys, refusals with JSON pointers,
 * missing file, max_fetch_bytes forms.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcompliance/config.h"
#include "util.h"

static char path[600];

static int load_text(lcmp_config **cfg, const char *text, lcmp_error *err)
{
    const char *tmp = getenv("LCMP_TMPDIR");
    FILE *f;

    snprintf(path,
             sizeof(path),
             "%s/compliance-test.json",
             tmp != NULL ? tmp : "/tmp");
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    lcmp_error_clear(err);
    return lcmp_config_load(cfg, path, NULL, err);
}

static void test_config__all_keys(void **state)
{
    lcmp_config *cfg = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(
        load_text(&cfg,
                  "{\"remote\": \"https://example.org/b.git\", \"cache\": "
                  "\"c\", \"release_signers\": \"rs\", \"organisation\": "
                  "\"gem-x\", \"profile\": \"basic\", \"declaration\": "
                  "\"d.json\", \"key\": \"k\", \"baseline\": \"b\", "
                  "\"ca_file\": \"ca.pem\", \"ssh_key\": \"id\", "
                  "\"host_key\": \"SHA256:abc\", \"max_fetch_bytes\": 1000}",
                  &err),
        0);
    assert_string_equal(lcmp_config_get(cfg, "remote"),
                        "https://example.org/b.git");
    assert_string_equal(lcmp_config_get(cfg, "cache"), "c");
    assert_string_equal(lcmp_config_get(cfg, "release_signers"), "rs");
    assert_string_equal(lcmp_config_get(cfg, "organisation"), "gem-x");
    assert_string_equal(lcmp_config_get(cfg, "profile"), "basic");
    assert_string_equal(lcmp_config_get(cfg, "declaration"), "d.json");
    assert_string_equal(lcmp_config_get(cfg, "key"), "k");
    assert_string_equal(lcmp_config_get(cfg, "baseline"), "b");
    assert_string_equal(lcmp_config_get(cfg, "ca_file"), "ca.pem");
    assert_string_equal(lcmp_config_get(cfg, "ssh_key"), "id");
    assert_string_equal(lcmp_config_get(cfg, "host_key"), "SHA256:abc");
    assert_string_equal(lcmp_config_get(cfg, "max_fetch_bytes"), "1000");
    assert_null(lcmp_config_get(cfg, "nope"));
    assert_string_equal(lcmp_config_path(cfg), path);
    lcmp_config_free(cfg);
}

static void test_config__unset_keys_are_null(void **state)
{
    lcmp_config *cfg = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(load_text(&cfg, "{\"profile\": \"basic\"}", &err), 0);
    assert_null(lcmp_config_get(cfg, "remote"));
    assert_string_equal(lcmp_config_get(cfg, "profile"), "basic");
    assert_null(lcmp_config_get(NULL, "profile"));
    lcmp_config_free(cfg);
}

static void expect_refused(const char *text,
                           int code,
                           const char *pointer,
                           const char *message)
{
    lcmp_config *cfg = NULL;
    lcmp_error err;

    assert_int_equal(load_text(&cfg, text, &err), code);
    assert_null(cfg);
    assert_string_equal(err.source, path);
    assert_string_equal(err.pointer, pointer);
    assert_string_equal(err.message, message);
}

static void test_config__unknown_key(void **state)
{
    (void)state;
    expect_refused("{\"remote\": \"x\", \"remtoe\": \"y\"}",
                   LCMP_EPARSE,
                   "/remtoe",
                   "unknown member 'remtoe'");
}

static void test_config__wrong_type(void **state)
{
    (void)state;
    expect_refused("{\"cache\": 5}",
                   LCMP_EPARSE,
                   "/cache",
                   "expected a string, got an integer");
}

static void test_config__empty_value(void **state)
{
    (void)state;
    expect_refused("{\"remote\": \"\"}", LCMP_EPARSE, "/remote", "empty value");
}

static void test_config__bad_byte_count(void **state)
{
    (void)state;
    expect_refused("{\"max_fetch_bytes\": \"12k\"}",
                   LCMP_EPARSE,
                   "/max_fetch_bytes",
                   "expected a positive number of bytes");
    expect_refused("{\"max_fetch_bytes\": -1}",
                   LCMP_EPARSE,
                   "/max_fetch_bytes",
                   "expected a positive number of bytes");
    expect_refused("{\"max_fetch_bytes\": 1.5}",
                   LCMP_EPARSE,
                   "/max_fetch_bytes",
                   "expected an integer, got a number");
}

static void test_config__byte_count_as_string(void **state)
{
    lcmp_config *cfg = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(load_text(&cfg, "{\"max_fetch_bytes\": \"2048\"}", &err),
                     0);
    assert_string_equal(lcmp_config_get(cfg, "max_fetch_bytes"), "2048");
    lcmp_config_free(cfg);
}

static void test_config__not_an_object(void **state)
{
    lcmp_config *cfg = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(load_text(&cfg, "[\"remote\"]", &err), LCMP_EPARSE);
    assert_null(cfg);
}

static void test_config__duplicate_key(void **state)
{
    lcmp_config *cfg = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(
        load_text(&cfg, "{\"remote\": \"a\", \"remote\": \"b\"}", &err),
        LCMP_EPARSE);
    assert_true(err.line >= 1);
    assert_null(cfg);
}

static void test_config__missing_file(void **state)
{
    lcmp_config *cfg = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_config_load(&cfg, "/nonexistent/compliance.json", NULL, &err),
        LCMP_ENOTFOUND);
    assert_null(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config__all_keys),
        cmocka_unit_test(test_config__unset_keys_are_null),
        cmocka_unit_test(test_config__unknown_key),
        cmocka_unit_test(test_config__wrong_type),
        cmocka_unit_test(test_config__empty_value),
        cmocka_unit_test(test_config__bad_byte_count),
        cmocka_unit_test(test_config__byte_count_as_string),
        cmocka_unit_test(test_config__not_an_object),
        cmocka_unit_test(test_config__duplicate_key),
        cmocka_unit_test(test_config__missing_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
