/*
 * Tests for libcompliance/jscan.c, the strict JSON reader of the
 * verification hot path: what it accepts and decodes, every refusal with
 * its position or pointer, limits. fuzz/fuzz_jscan.c checks it against
 * jansson on generated input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "jscan.h"

/* Validate a whole document with lcmp__jscan_skip(); the return code. */
static int validate(const char *text, size_t len, lcmp_error *err)
{
    lcmp__jscan js;
    int rc;

    lcmp_error_clear(err);
    assert_int_equal(
        lcmp__jscan_init(&js, (const uint8_t *)text, len, "t", 4, err), 0);
    rc = lcmp__jscan_skip(&js);
    if (rc == 0) {
        assert_int_equal(js.used, 0); /* skipping keeps nothing */
        rc = lcmp__jscan_finish(&js);
    }
    lcmp__jscan_dispose(&js);
    return rc;
}

static void
refused(const char *text, size_t len, int line, int column, const char *message)
{
    lcmp_error err;

    if (validate(text, len, &err) == 0) {
        fail_msg("accepted: %s", text);
    }
    if (err.code != LCMP_EPARSE || strcmp(err.source, "t") != 0 ||
        err.line != line || err.column != column ||
        strstr(err.message, message) == NULL)
    {
        fail_msg("%s: got %d:%d '%s', want %d:%d '%s'",
                 text,
                 err.line,
                 err.column,
                 err.message,
                 line,
                 column,
                 message);
    }
}

#define REFUSED(text, line, col, msg) \
    refused(text, sizeof(text) - 1, line, col, msg)

static void test_jscan__accepts_json(void **state)
{
    static const char *const ok[] = {
        "{}",
        "[]",
        " \t\r\n[ 1 , -0 , 0.5 , -1.5e-3 , 2E+10 , 1e-400 ] ",
        "{\"a\":[true,false,null,{\"b\":\"c\"}],\"d\":\"\"}",
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"]",
        "[\"h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"]",
        "[9223372036854775807,-9223372036854775808]",
        "[[[[]]]]",
    };
    lcmp_error err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        if (validate(ok[i], strlen(ok[i]), &err) != 0) {
            fail_msg("refused %s: %s", ok[i], err.message);
        }
    }
}

static void test_jscan__syntax_errors_say_where(void **state)
{
    (void)state;
    REFUSED("{\n  \"a\": tru\n}", 2, 8, "invalid JSON value");
    REFUSED("[1,]", 1, 4, "value expected after ','");
    REFUSED("{\"a\":1,}", 1, 8, "string expected after ','");
    REFUSED("{\"a\" 1}", 1, 6, "':' expected");
    REFUSED("[1 2]", 1, 4, "',' or ']' expected");
    REFUSED("[01]", 1, 3, "',' or ']' expected");
    REFUSED("[1.]", 1, 2, "invalid number");
    REFUSED("[-]", 1, 2, "invalid number");
    REFUSED("\"top\"", 1, 1, "'[' or '{' expected");
    REFUSED("[] []", 1, 4, "end of file expected");
    REFUSED("", 1, 1, "unexpected end of input");
    REFUSED("[\"abc", 1, 6, "unexpected end of input in a string");
    REFUSED("[9223372036854775808]", 1, 2, "too big integer");
    REFUSED("[1e400]", 1, 2, "real number overflow");
    REFUSED("[NaN]", 1, 2, "invalid JSON value");
    REFUSED("\xef\xbb\xbf[]", 1, 1, "invalid JSON value");
}

static void test_jscan__strings_are_strict(void **state)
{
    (void)state;
    REFUSED("[\"a\tb\"]", 1, 4, "control character 0x09 in a string");
    REFUSED("[\"\\u0000\"]", 1, 9, "\\u0000 is not allowed");
    REFUSED("[\"\\ud800\"]", 1, 9, "invalid Unicode '\\uD800'");
    REFUSED("[\"\\udc00\"]", 1, 9, "invalid Unicode '\\uDC00'");
    REFUSED("[\"\\ud800\\u0041\"]", 1, 15, "invalid Unicode");
    REFUSED("[\"\\x\"]", 1, 4, "invalid escape '\\x'");
    REFUSED("[\"\\u12\"]", 1, 5, "invalid \\u escape");
    /* overlong, surrogate, out of range, truncated, bare continuation */
    REFUSED("[\"\xc0\x80\"]", 1, 3, "invalid UTF-8 in a string");
    REFUSED("[\"\xed\xa0\x80\"]", 1, 3, "invalid UTF-8 in a string");
    REFUSED("[\"\xf5\x80\x80\x80\"]", 1, 3, "invalid UTF-8 in a string");
    REFUSED("[\"\xe2\x82\"]", 1, 3, "invalid UTF-8 in a string");
    REFUSED("[\"\x80\"]", 1, 3, "invalid UTF-8 in a string");
    refused("[\"a\0b\"]", 7, 1, 4, "control character 0x00");
}

static void test_jscan__decodes_strings(void **state)
{
    static const char text[] =
        "{\"k\\u00e9y\":\"a\\n\\u20ac\\ud83d\\ude00\\/\"}";
    const char *key, *value;
    lcmp__jscan js;
    size_t len;
    lcmp_error err;

    (void)state;
    assert_int_equal(
        lcmp__jscan_init(
            &js, (const uint8_t *)text, sizeof(text) - 1, "t", 4, &err),
        0);
    assert_int_equal(lcmp__jscan_object(&js), 0);
    assert_int_equal(lcmp__jscan_member(&js, &key), 1);
    assert_string_equal(key, "k\xc3\xa9y");
    assert_int_equal(lcmp__jscan_string(&js, &value, &len), 0);
    assert_string_equal(value, "a\n\xe2\x82\xac\xf0\x9f\x98\x80/");
    assert_int_equal(len, 10);
    assert_int_equal(lcmp__jscan_member(&js, &key), 0);
    assert_int_equal(lcmp__jscan_finish(&js), 0);
    assert_true(js.used <= js.cap);
    lcmp__jscan_dispose(&js);
}

/* Strings are scanned eight bytes at a time: a byte that ends the plain
 * run must be seen at every offset of a long run, in and across words. */
static void test_jscan__special_byte_at_every_offset(void **state)
{
    char text[64], want[64];
    const char *value;
    lcmp__jscan js;
    lcmp_error err;
    size_t k, len;

    (void)state;
    for (k = 0; k < 20; k++) {
        /* ["aaa...<special>...aaa"], 24 'a' around the special byte */
        static const char *const specials[] = {
            "\\n", "\xc3\xa9", "\x7f", "\\\"", "\t", "\x80", "\x1f"};
        size_t j;

        for (j = 0; j < sizeof(specials) / sizeof(specials[0]); j++) {
            int n = snprintf(text,
                             sizeof(text),
                             "[\"%.*s%s%.*s\"]",
                             (int)k,
                             "aaaaaaaaaaaaaaaaaaaaaaaa",
                             specials[j],
                             (int)(24 - k),
                             "aaaaaaaaaaaaaaaaaaaaaaaa");
            assert_true(n > 0 && (size_t)n < sizeof(text));
            if (j >= 4) {
                /* refused where the byte is: column 3 + k */
                refused(text,
                        (size_t)n,
                        1,
                        (int)(3 + k),
                        j == 5 ? "invalid UTF-8" : "control character");
                continue;
            }
            snprintf(want,
                     sizeof(want),
                     "%.*s%s%.*s",
                     (int)k,
                     "aaaaaaaaaaaaaaaaaaaaaaaa",
                     j == 0   ? "\n"
                     : j == 3 ? "\""
                              : specials[j],
                     (int)(24 - k),
                     "aaaaaaaaaaaaaaaaaaaaaaaa");
            assert_int_equal(
                lcmp__jscan_init(
                    &js, (const uint8_t *)text, (size_t)n, "t", 4, &err),
                0);
            assert_int_equal(lcmp__jscan_array(&js), 0);
            assert_int_equal(lcmp__jscan_element(&js), 1);
            assert_int_equal(lcmp__jscan_string(&js, &value, &len), 0);
            assert_string_equal(value, want);
            assert_int_equal(len, strlen(want));
            assert_int_equal(lcmp__jscan_element(&js), 0);
            assert_int_equal(lcmp__jscan_finish(&js), 0);
            lcmp__jscan_dispose(&js);
        }
    }
}

static void test_jscan__type_errors_name_the_pointer(void **state)
{
    static const char text[] = "{\"a~/b\":[\"x\", 7]}";
    const char *key, *s;
    lcmp__jscan js;
    int64_t i;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__jscan_init(
            &js, (const uint8_t *)text, sizeof(text) - 1, "t", 4, &err),
        0);
    assert_int_equal(lcmp__jscan_object(&js), 0);
    assert_int_equal(lcmp__jscan_member(&js, &key), 1);
    assert_int_equal(lcmp__jscan_array(&js), 0);
    assert_int_equal(lcmp__jscan_element(&js), 1);
    assert_int_equal(lcmp__jscan_int(&js, &i), LCMP_EPARSE);
    assert_string_equal(err.pointer, "/a~0~1b/0");
    assert_string_equal(err.message, "expected an integer, got a string");
    assert_int_equal(err.line, -1);
    assert_int_equal(lcmp__jscan_string(&js, &s, NULL), 0);
    assert_int_equal(lcmp__jscan_element(&js), 1);
    assert_int_equal(lcmp__jscan_string(&js, &s, NULL), LCMP_EPARSE);
    assert_string_equal(err.pointer, "/a~0~1b/1");
    assert_string_equal(err.message, "expected a string, got an integer");
    lcmp__jscan_dispose(&js);
}

static void test_jscan__duplicates_are_refused_where_they_are(void **state)
{
    static const char text[] = "{\"a\":1,\n\"a\":2}";
    const char *key;
    uint32_t seen = 0;
    lcmp__jscan js;
    int64_t i;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__jscan_init(
            &js, (const uint8_t *)text, sizeof(text) - 1, "t", 4, &err),
        0);
    assert_int_equal(lcmp__jscan_object(&js), 0);
    assert_int_equal(lcmp__jscan_member(&js, &key), 1);
    assert_int_equal(lcmp__jscan_seen(&js, &seen, 1, key), 0);
    assert_int_equal(lcmp__jscan_int(&js, &i), 0);
    assert_int_equal(lcmp__jscan_member(&js, &key), 1);
    assert_int_equal(lcmp__jscan_seen(&js, &seen, 1, key), LCMP_EPARSE);
    assert_string_equal(err.pointer, "/a");
    assert_string_equal(err.message, "duplicate object key 'a'");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 5);
    lcmp__jscan_dispose(&js);
}

static void test_jscan__depth_limit(void **state)
{
    lcmp_error err;

    (void)state;
    assert_int_equal(validate("[[[[1]]]]", 9, &err), 0);
    assert_int_equal(validate("[[[[[1]]]]]", 11, &err), LCMP_ELIMIT);
    assert_string_equal(err.message, "nesting deeper than 4 levels");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 5);
    assert_string_equal(err.pointer, "/0/0/0/0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jscan__accepts_json),
        cmocka_unit_test(test_jscan__syntax_errors_say_where),
        cmocka_unit_test(test_jscan__strings_are_strict),
        cmocka_unit_test(test_jscan__decodes_strings),
        cmocka_unit_test(test_jscan__special_byte_at_every_offset),
        cmocka_unit_test(test_jscan__type_errors_name_the_pointer),
        cmocka_unit_test(test_jscan__duplicates_are_refused_where_they_are),
        cmocka_unit_test(test_jscan__depth_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
