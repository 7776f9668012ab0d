/*
 * Tests for libcompliance/util.c: calendar dates, RFC 3339 times, errors
 * and their formatting, buffers, hex and SHA-256 digests, reading files,
 * listing directories.
 */
#define _DEFAULT_SOURCE 1 /* dirent's DT_* */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Whether `s` is well-formed UTF-8 (no truncated sequence). */
static int utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        int n = *p < 0x80 ? 0 : *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : 1;

        if (*p >= 0x80 && *p < 0xc0) {
            return 0;
        }
        for (p++; n > 0; n--, p++) {
            if ((*p & 0xc0) != 0x80) {
                return 0;
            }
        }
    }
    return 1;
}

static int32_t days(const char *s)
{
    int32_t d = 0;

    assert_int_equal(lcmp__date_parse(&d, s), 0);
    return d;
}

static const char *fmt_date(char out[11], int32_t d)
{
    lcmp__date_format(out, d);
    return out;
}

/*
 * Dates
 */

static void test_util__date_parse_valid(void **state)
{
    static const struct {
        const char *text;
        int32_t days;
    } cases[] = {
        {"1970-01-01", 0},
        {"1969-12-31", -1},
        {"2000-03-01", 11017},
        {"2024-02-29", 19782},
        {"2000-02-29", 11016},
        {"1000-01-01", -354285},
        {"9999-12-31", 2932896},
        {"2025-12-31", 20453},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int32_t d = 12345;

        assert_int_equal(lcmp__date_parse(&d, cases[i].text), 0);
        assert_int_equal(d, cases[i].days);
    }
}

static void test_util__date_parse_invalid(void **state)
{
    static const char *const cases[] = {
        "2023-02-29",
        "1900-02-29",
        "2025-04-31",
        "2025-13-01",
        "2025-00-10",
        "2025-01-00",
        "2025-01-32",
        "2025-1-01",
        "2025-01-1",
        "20250101",
        "2025/01/01",
        "2025-01-01 ",
        " 2025-01-01",
        "2025-01-01T00:00:00Z",
        "0999-12-31",
        "+025-01-01",
        "abcd-01-01",
        "2025-0a-01",
        "",
        "2025-01-0\xc3\xa9",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int32_t d = 12345;

        if (lcmp__date_parse(&d, cases[i]) != LCMP_EINVALID) {
            print_error("accepted '%s'\n", cases[i]);
        }
        assert_int_equal(lcmp__date_parse(&d, cases[i]), LCMP_EINVALID);
        assert_int_equal(d, 12345);
    }
    assert_int_equal(lcmp__date_parse(&(int32_t){0}, NULL), LCMP_EINVALID);
}

static void test_util__date_format(void **state)
{
    char out[11];

    (void)state;
    assert_string_equal(fmt_date(out, 0), "1970-01-01");
    assert_string_equal(fmt_date(out, -1), "1969-12-31");
    assert_string_equal(fmt_date(out, 19782), "2024-02-29");
    assert_string_equal(fmt_date(out, 2932896), "9999-12-31");
    assert_string_equal(fmt_date(out, -354285), "1000-01-01");
}

static void test_util__date_add_months_clamps(void **state)
{
    static const struct {
        const char *from;
        int32_t months;
        const char *to;
    } cases[] = {
        {"2025-01-31", 1, "2025-02-28"},      {"2024-01-31", 1, "2024-02-29"},
        {"2025-01-31", 2, "2025-03-31"},      {"2025-01-30", 3, "2025-04-30"},
        {"2025-05-31", 1, "2025-06-30"},      {"2024-02-29", 12, "2025-02-28"},
        {"2024-02-29", 48, "2028-02-29"},     {"2025-11-15", 2, "2026-01-15"},
        {"2025-12-31", 1, "2026-01-31"},      {"2025-05-31", 25, "2027-06-30"},
        {"2025-03-10", 0, "2025-03-10"},      {"2025-03-31", -1, "2025-02-28"},
        {"2024-03-31", -1, "2024-02-29"},     {"2025-01-15", -1, "2024-12-15"},
        {"2025-01-15", -13, "2023-12-15"},    {"2025-01-15", -24, "2023-01-15"},
        {"1970-01-31", -1, "1969-12-31"},     {"1970-03-31", -13, "1969-02-28"},
        {"2000-01-01", -12000, "1000-01-01"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char out[11];

        lcmp__date_format(
            out, lcmp__date_add_months(days(cases[i].from), cases[i].months));
        if (strcmp(out, cases[i].to) != 0) {
            print_error(
                "%s %+d: got %s\n", cases[i].from, cases[i].months, out);
        }
        assert_string_equal(out, cases[i].to);
    }
}

/* Every day from about 770 BC to AD 10,000: the two conversions invert
 * each other, and consecutive days are consecutive calendar dates. */
static void test_util__civil_days_round_trip(void **state)
{
    int64_t py;
    unsigned pm, pd;
    int32_t d;

    (void)state;
    lcmp__civil_from_days(-1000001, &py, &pm, &pd);
    for (d = -1000000; d <= 3000000; d++) {
        int64_t y;
        unsigned m, dd;

        lcmp__civil_from_days(d, &y, &m, &dd);
        assert_true(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
        assert_int_equal(lcmp__days_from_civil(y, m, dd), d);
        if (dd == 1) {
            assert_true((m == 1 && pm == 12 && y == py + 1) ||
                        (m == pm + 1 && y == py));
        } else {
            assert_true(y == py && m == pm && dd == pd + 1);
        }
        py = y;
        pm = m;
        pd = dd;
    }
    assert_int_equal(lcmp__days_from_civil(1970, 1, 1), 0);
    assert_int_equal(lcmp__days_from_civil(0, 3, 1), -719468);
    assert_int_equal(lcmp__days_from_civil(-1, 12, 31), -719529);
}

static void test_util__date_of_time(void **state)
{
    (void)state;
    assert_int_equal(lcmp__date_of_time(0), 0);
    assert_int_equal(lcmp__date_of_time(86399), 0);
    assert_int_equal(lcmp__date_of_time(86400), 1);
    assert_int_equal(lcmp__date_of_time(-1), -1);
    assert_int_equal(lcmp__date_of_time(-86400), -1);
    assert_int_equal(lcmp__date_of_time(-86401), -2);
    assert_int_equal(lcmp__date_of_time(1795770000), days("2026-11-27"));
}

/*
 * Times
 */

static void test_util__time_parse_rfc3339(void **state)
{
    static const struct {
        const char *text;
        int64_t t;
    } cases[] = {
        {"2026-11-27T09:00:00Z", 1795770000},
        {"2026-11-27t09:00:00z", 1795770000},
        {"2026-11-27T10:00:00+01:00", 1795770000},
        {"2026-11-27T08:30:00-00:30", 1795770000},
        {"2026-11-28T08:59:00+23:59", 1795770000},
        {"2026-11-27T09:00:00.5Z", 1795770000},
        {"2026-11-27T09:00:00.123456789+00:00", 1795770000},
        {"2026-11-27", 1795737600},
        {"1970-01-01T00:00:00Z", 0},
        {"1970-01-01T00:59:59+01:00", -1},
        {"1969-12-31", -86400},
        {"2016-12-31T23:59:60Z", 1483228799},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = 7;
        lcmp_error err;

        lcmp_error_clear(&err);
        if (lcmp_time_parse(&t, cases[i].text, &err) != 0) {
            print_error("refused '%s': %s\n", cases[i].text, err.message);
        }
        assert_int_equal(lcmp_time_parse(&t, cases[i].text, NULL), 0);
        assert_int_equal(t, cases[i].t);
    }
}

static void test_util__time_parse_refusals(void **state)
{
    static const char *const cases[] = {
        "",
        "2026-11-27T09:00:00",
        "2026-11-27 09:00:00Z",
        "2026-11-27T24:00:00Z",
        "2026-11-27T09:60:00Z",
        "2026-11-27T09:00:61Z",
        "2026-11-27T9:00:00Z",
        "2026-11-27T09:00Z",
        "2026-11-27T09:00:00.Z",
        "2026-11-27T09:00:00,5Z",
        "2026-11-27T09:00:00+0100",
        "2026-11-27T09:00:00+01",
        "2026-11-27T09:00:00+24:00",
        "2026-11-27T09:00:00+01:60",
        "2026-11-27T09:00:00Zjunk",
        "2026-11-27T09:00:00+01:00 ",
        "2026-11-27Z",
        "2026-11-27T",
        "2026-02-30T00:00:00Z",
        "0999-01-01",
        "26-11-27",
        "now",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = 7;
        lcmp_error err;

        lcmp_error_clear(&err);
        if (lcmp_time_parse(&t, cases[i], &err) != LCMP_EINVALID) {
            print_error("accepted '%s'\n", cases[i]);
        }
        assert_int_equal(lcmp_time_parse(&t, cases[i], &err), LCMP_EINVALID);
        assert_int_equal(t, 7);
        assert_int_equal(err.code, LCMP_EINVALID);
        assert_string_equal(err.pointer, "");
        assert_non_null(strstr(err.message, "invalid time '"));
        assert_non_null(strstr(err.message, "expected RFC 3339"));
    }
}

static void test_util__time_parse_refuses_null(void **state)
{
    int64_t t = 7;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_time_parse(&t, NULL, &err), LCMP_EINVALID);
    assert_string_equal(err.message, "no time given");
    assert_int_equal(lcmp_time_parse(NULL, "2026-11-27", &err), LCMP_EINVALID);
    assert_int_equal(t, 7);
}

static void test_util__time_format(void **state)
{
    static const int64_t round[] = {0,
                                    1,
                                    -1,
                                    86399,
                                    86400,
                                    -86400,
                                    -86401,
                                    951782400,
                                    1795770000,
                                    4102444799,
                                    -30610224000};
    char out[21];
    size_t i;

    (void)state;
    lcmp_time_format(out, 0);
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    lcmp_time_format(out, -1);
    assert_string_equal(out, "1969-12-31T23:59:59Z");
    lcmp_time_format(out, 1795770000);
    assert_string_equal(out, "2026-11-27T09:00:00Z");
    lcmp_time_format(out, 951782400);
    assert_string_equal(out, "2000-02-29T00:00:00Z");
    for (i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
        int64_t t = 0;

        lcmp_time_format(out, round[i]);
        assert_int_equal(strlen(out), 20);
        assert_int_equal(lcmp_time_parse(&t, out, NULL), 0);
        assert_int_equal(t, round[i]);
    }
}

/*
 * Errors
 */

static void test_util__error_clear(void **state)
{
    lcmp_error err;

    (void)state;
    memset(&err, 'x', sizeof(err));
    lcmp_error_clear(&err);
    assert_int_equal(err.code, 0);
    assert_int_equal(err.line, -1);
    assert_int_equal(err.column, -1);
    assert_string_equal(err.source, "");
    assert_string_equal(err.pointer, "");
    assert_string_equal(err.message, "");
    lcmp_error_clear(NULL);
}

static void test_util__error_set(void **state)
{
    lcmp_error err;

    (void)state;
    memset(&err, 'x', sizeof(err));
    assert_int_equal(lcmp__error_set(&err,
                                     LCMP_EPARSE,
                                     "a.json",
                                     "/x/0",
                                     "bad value '%s'\non line %d",
                                     "v",
                                     3),
                     LCMP_EPARSE);
    assert_int_equal(err.code, LCMP_EPARSE);
    assert_int_equal(err.line, -1);
    assert_int_equal(err.column, -1);
    assert_string_equal(err.source, "a.json");
    assert_string_equal(err.pointer, "/x/0");
    /* one line: control characters become spaces */
    assert_string_equal(err.message, "bad value 'v' on line 3");
    assert_int_equal(lcmp__error_set(&err, LCMP_EIO, NULL, NULL, "x\t\x7fy"),
                     LCMP_EIO);
    assert_string_equal(err.source, "");
    assert_string_equal(err.pointer, "");
    assert_string_equal(err.message, "x  y");
    assert_int_equal(lcmp__error_set(NULL, LCMP_ELIMIT, "s", "p", "m"),
                     LCMP_ELIMIT);
}

static void test_util__error_truncates_left(void **state)
{
    char longer[600];
    lcmp_error err;

    (void)state;
    memset(longer, 'a', sizeof(longer));
    memcpy(longer + sizeof(longer) - 11, "/tail.json", 11);
    lcmp__error_set(&err, LCMP_EIO, longer, longer, "%s", longer);
    assert_int_equal(strlen(err.source), sizeof(err.source) - 1);
    assert_memory_equal(err.source, "...aaa", 6);
    assert_string_equal(err.source + strlen(err.source) - 10, "/tail.json");
    assert_int_equal(strlen(err.pointer), sizeof(err.pointer) - 1);
    assert_memory_equal(err.pointer, "...", 3);
    /* the message is cut on the right, like snprintf */
    assert_int_equal(strlen(err.message), sizeof(err.message) - 1);
    assert_memory_equal(err.message, "aaa", 3);
}

/* A cut never leaves half a UTF-8 character at either end. */
static void test_util__error_truncation_keeps_utf8(void **state)
{
    char text[700];
    lcmp_error err;
    size_t i, shift;

    (void)state;
    for (shift = 0; shift < 4; shift++) {
        size_t len = shift;

        memset(text, 0, sizeof(text));
        memset(text, 'a', shift);
        for (i = 0; i < 200; i++) {
            /* U+00E9 (2 bytes), U+20AC (3 bytes), U+1F600 (4 bytes) */
            const char *c = i % 3 == 0   ? "\xc3\xa9"
                            : i % 3 == 1 ? "\xe2\x82\xac"
                                         : "\xf0\x9f\x98\x80";

            memcpy(text + len, c, strlen(c));
            len += strlen(c);
        }
        lcmp__error_set(&err, LCMP_EPARSE, text, text, "%s", text);
        assert_true(utf8_valid(err.source));
        assert_true(utf8_valid(err.pointer));
        assert_true(utf8_valid(err.message));
        assert_true(strlen(err.source) > 240);
        assert_true(strlen(err.message) > 240);
        assert_memory_equal(err.source, "...", 3);
    }
}

/* Whatever the input, the error's text is UTF-8 (it is written to JSON). */
static void test_util__error_scrubs_invalid_utf8(void **state)
{
    lcmp_error err;

    (void)state;
    lcmp__error_set(
        &err, LCMP_EPARSE, "dir\xff/a.json", "/\xc3", "near '%s'", "\"\\\xdd");
    assert_string_equal(err.source, "dir?/a.json");
    /* a pointer's last character, cut short, is dropped */
    assert_string_equal(err.pointer, "/");
    assert_string_equal(err.message, "near '\"\\?'");
    /* overlong forms, surrogates and code points past U+10FFFF */
    lcmp__error_set(&err,
                    LCMP_EPARSE,
                    NULL,
                    NULL,
                    "%s",
                    "a\xc0\xaf b\xed\xa0\x80 c\xf4\x90\x80\x80 d\xe0\x80\x80");
    assert_string_equal(err.message, "a?? b??? c???? d???");
    /* well-formed characters are kept */
    lcmp__error_set(&err,
                    LCMP_EPARSE,
                    NULL,
                    NULL,
                    "%s",
                    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\x9f\xbf");
    assert_string_equal(err.message,
                        "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\x9f\xbf");
}

static void test_util__strlcpy_left(void **state)
{
    char out[8];

    (void)state;
    lcmp__strlcpy_left(out, sizeof(out), "short");
    assert_string_equal(out, "short");
    lcmp__strlcpy_left(out, sizeof(out), "1234567");
    assert_string_equal(out, "1234567");
    lcmp__strlcpy_left(out, sizeof(out), "12345678");
    assert_string_equal(out, "...5678");
    lcmp__strlcpy_left(out, sizeof(out), NULL);
    assert_string_equal(out, "");
    lcmp__strlcpy_left(out, 4, "abcdef");
    assert_string_equal(out, "def");
    lcmp__strlcpy_left(out, 1, "abcdef");
    assert_string_equal(out, "");
    out[0] = 'z';
    lcmp__strlcpy_left(out, 0, "abcdef");
    assert_int_equal(out[0], 'z');
}

static lcmp_error make_error(const char *source,
                             int line,
                             int column,
                             const char *pointer,
                             const char *message)
{
    lcmp_error err;

    lcmp_error_clear(&err);
    err.code = LCMP_EPARSE;
    err.line = line;
    err.column = column;
    snprintf(err.source, sizeof(err.source), "%s", source);
    snprintf(err.pointer, sizeof(err.pointer), "%s", pointer);
    snprintf(err.message, sizeof(err.message), "%s", message);
    return err;
}

static void test_util__error_format(void **state)
{
    static const struct {
        const char *source;
        int line, column;
        const char *pointer, *message, *expected;
    } cases[] = {
        {"a.json", 3, 7, "", "x", "a.json:3:7: x"},
        {"a.json", 3, -1, "", "x", "a.json:3: x"},
        {"a.json", -1, -1, "/c/0", "bad", "a.json: /c/0: bad"},
        {"a.json", 2, 5, "/c", "bad", "a.json:2:5: /c: bad"},
        {"a.json", -1, -1, "", "bad", "a.json: bad"},
        {"", -1, -1, "/c", "bad", "/c: bad"},
        {"", -1, -1, "", "bad", "bad"},
        {"a.json", -1, -1, "", "", "a.json: malformed input"},
    };
    char out[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lcmp_error err = make_error(cases[i].source,
                                    cases[i].line,
                                    cases[i].column,
                                    cases[i].pointer,
                                    cases[i].message);

        assert_int_equal(lcmp_error_format(out, sizeof(out), &err),
                         strlen(cases[i].expected));
        assert_string_equal(out, cases[i].expected);
    }
    assert_int_equal(lcmp_error_format(out, sizeof(out), NULL), 8);
    assert_string_equal(out, "no error");
}

static void test_util__error_format_truncates(void **state)
{
    lcmp_error err = make_error("a.json", 3, 7, "/c", "bad");
    char out[6];

    (void)state;
    /* like snprintf: the full length, a NUL-terminated prefix */
    assert_int_equal(lcmp_error_format(out, sizeof(out), &err), 19);
    assert_string_equal(out, "a.jso");
    assert_int_equal(lcmp_error_format(NULL, 0, &err), 19);
    out[0] = 'z';
    assert_int_equal(lcmp_error_format(out, 0, &err), 19);
    assert_int_equal(out[0], 'z');
}

static void test_util__strerror(void **state)
{
    static const int codes[] = {
        LCMP_OK,
        LCMP_ERROR,
        LCMP_EINVALID,
        LCMP_ENOTFOUND,
        LCMP_EPARSE,
        LCMP_EIO,
        LCMP_EGIT,
        LCMP_ECRYPTO,
        LCMP_ELIMIT,
        LCMP_ENOMEM,
    };
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *s = lcmp_strerror(codes[i]);

        assert_non_null(s);
        assert_true(s[0] >= 'a' && s[0] <= 'z');
        assert_string_not_equal(s, "unknown error");
        for (j = 0; j < i; j++) {
            assert_string_not_equal(s, lcmp_strerror(codes[j]));
        }
    }
    assert_string_equal(lcmp_strerror(LCMP_OK), "no error");
    assert_string_equal(lcmp_strerror(-100), "unknown error");
    assert_string_equal(lcmp_strerror(1), "unknown error");
}

/*
 * Buffers and strings
 */

static void test_util__buf_put_and_printf(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    size_t i;

    (void)state;
    assert_int_equal(lcmp__buf_put(&buf, NULL, 0), 0);
    assert_non_null(buf.ptr);
    assert_string_equal(buf.ptr, "");
    assert_int_equal(buf.size, 0);
    assert_int_equal(lcmp__buf_puts(&buf, "abc"), 0);
    assert_int_equal(lcmp__buf_put(&buf, "defgh", 2), 0);
    assert_int_equal(lcmp__buf_printf(&buf, "-%d-%s", 42, "x"), 0);
    assert_string_equal(buf.ptr, "abcde-42-x");
    assert_int_equal(buf.size, 10);
    assert_true(buf.asize > buf.size);
    for (i = 0; i < 1000; i++) {
        assert_int_equal(lcmp__buf_printf(&buf, "%04zu", i), 0);
    }
    assert_int_equal(buf.size, 4010);
    assert_int_equal(strlen(buf.ptr), 4010);
    assert_memory_equal(buf.ptr + 4006, "0999", 4);
    assert_true(buf.asize > buf.size);
    lcmp__buf_clear(&buf);
    assert_int_equal(buf.size, 0);
    assert_string_equal(buf.ptr, "");
    assert_int_equal(lcmp__buf_printf(&buf, "%s", ""), 0);
    assert_string_equal(buf.ptr, "");
    lcmp_buf_dispose(&buf);
    assert_null(buf.ptr);
    assert_int_equal(buf.size, 0);
    assert_int_equal(buf.asize, 0);
    lcmp_buf_dispose(&buf);
    lcmp_buf_dispose(NULL);
}

static void test_util__buf_grow(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;

    (void)state;
    assert_int_equal(lcmp__buf_grow(&buf, 1000), 0);
    assert_true(buf.asize > 1000);
    assert_string_equal(buf.ptr, "");
    assert_int_equal(lcmp__buf_grow(&buf, 10), 0);
    assert_true(buf.asize > 1000);
    assert_int_equal(lcmp__buf_grow(&buf, SIZE_MAX), LCMP_ENOMEM);
    assert_int_equal(lcmp__buf_put(&buf, "x", SIZE_MAX), LCMP_ENOMEM);
    assert_string_equal(buf.ptr, "");
    lcmp_buf_dispose(&buf);
}

static void test_util__strdup_and_aprintf(void **state)
{
    char *s;

    (void)state;
    s = lcmp__strdup("hello");
    assert_string_equal(s, "hello");
    free(s);
    assert_null(lcmp__strdup(NULL));
    s = lcmp__aprintf("%s-%03d", "GOV", 4);
    assert_string_equal(s, "GOV-004");
    free(s);
    s = lcmp__aprintf("%s", "");
    assert_string_equal(s, "");
    free(s);
}

/*
 * Hex and digests
 */

static void test_util__hex_and_sha256_parse(void **state)
{
    static const char digest[] =
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    uint8_t bytes[32], none[32];
    char hex[65];

    (void)state;
    assert_int_equal(lcmp__sha256_parse(bytes, digest), 0);
    assert_int_equal(bytes[0], 0x9f);
    assert_int_equal(bytes[1], 0x86);
    assert_int_equal(bytes[31], 0x08);
    lcmp__hex(hex, bytes, 32);
    assert_string_equal(hex, digest);
    lcmp__hex(hex, bytes, 0);
    assert_string_equal(hex, "");

    memset(none, 0, sizeof(none));
    assert_int_equal(
        lcmp__sha256_parse(none,
                           "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B8"
                           "22CD15D6C15B0F00A08"),
        LCMP_EINVALID);
    assert_int_equal(
        lcmp__sha256_parse(none,
                           "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b8"
                           "22cd15d6c15b0f00a0"),
        LCMP_EINVALID);
    assert_int_equal(
        lcmp__sha256_parse(none,
                           "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b8"
                           "22cd15d6c15b0f00a080"),
        LCMP_EINVALID);
    assert_int_equal(
        lcmp__sha256_parse(none,
                           "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b8"
                           "22cd15d6c15b0f00a0g"),
        LCMP_EINVALID);
    assert_int_equal(
        lcmp__sha256_parse(none,
                           " 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b"
                           "822cd15d6c15b0f00a0"),
        LCMP_EINVALID);
    assert_int_equal(lcmp__sha256_parse(none, ""), LCMP_EINVALID);
    assert_int_equal(lcmp__sha256_parse(none, NULL), LCMP_EINVALID);
}

/*
 * Files (cwd is tests/)
 */

static void test_util__file_read(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__file_read(&buf, "data/declaration/minimal.json", 1000, &err), 0);
    assert_int_equal(strlen(buf.ptr), buf.size);
    assert_memory_equal(buf.ptr, "{\n  \"schema\"", 12);

    /* exactly at the limit is fine, one byte more is not */
    assert_int_equal(
        lcmp__file_read(&buf, "data/declaration/minimal.json", buf.size, &err),
        0);
    assert_int_equal(
        lcmp__file_read(
            &buf, "data/declaration/minimal.json", buf.size - 1, &err),
        LCMP_ELIMIT);
    assert_int_equal(err.code, LCMP_ELIMIT);
    assert_string_equal(err.source, "data/declaration/minimal.json");
    assert_non_null(strstr(err.message, "file is larger than"));

    lcmp_error_clear(&err);
    assert_int_equal(lcmp__file_read(&buf,
                                     "data/declaration/invalid/"
                                     "empty.json",
                                     10,
                                     &err),
                     0);
    assert_non_null(buf.ptr);
    assert_int_equal(buf.size, 0);
    assert_string_equal(buf.ptr, "");

    assert_int_equal(lcmp__file_read(&buf, "data/no/such/file", 10, &err),
                     LCMP_ENOTFOUND);
    assert_string_equal(err.source, "data/no/such/file");
    assert_non_null(strstr(err.message, "cannot open"));
    lcmp_buf_dispose(&buf);
}

/* Fill a pipe with n bytes (less than its buffer) and close it: a file
 * whose size is not known in advance. The path names its read end. */
static int pipe_with(char path[64], size_t n)
{
    static char data[60000];
    int fds[2];

    assert_true(n <= sizeof(data));
    memset(data, 'x', sizeof(data));
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], data, n), (ssize_t)n);
    assert_int_equal(close(fds[1]), 0);
    snprintf(path, 64, "/dev/fd/%d", fds[0]);
    return fds[0];
}

static void test_util__file_read_unknown_size(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;
    char path[64];
    int fd;

    (void)state;
    lcmp_error_clear(&err);
    fd = pipe_with(path, 60000);
    assert_int_equal(lcmp__file_read(&buf, path, 60000, &err), 0);
    assert_int_equal(buf.size, 60000);
    assert_int_equal(strlen(buf.ptr), 60000);
    close(fd);

    fd = pipe_with(path, 60000);
    assert_int_equal(lcmp__file_read(&buf, path, 59999, &err), LCMP_ELIMIT);
    assert_non_null(strstr(err.message, "file is larger than 59999 bytes"));
    close(fd);

    fd = pipe_with(path, 0);
    assert_int_equal(lcmp__file_read(&buf, path, 10, &err), 0);
    assert_int_equal(buf.size, 0);
    assert_string_equal(buf.ptr, "");
    close(fd);
    lcmp_buf_dispose(&buf);
}

/* What a directory walk reads: a regular file by its name in an open
 * directory; a symbolic link is not followed and a FIFO is refused at
 * once (nothing waits for a writer). */
static void test_util__file_readat_regular_only(void **state)
{
    const char *t = getenv("LCMP_TMPDIR");
    lcmp_buf buf = LCMP_BUF_INIT;
    char dir[1024], path[1100];
    lcmp_error err;
    int fd;

    (void)state;
    assert_non_null(t);
    snprintf(dir, sizeof(dir), "%s/readat", t);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/s.json", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{}\n", 3), 3);
    assert_int_equal(close(fd), 0);
    snprintf(path, sizeof(path), "%s/link.json", dir);
    assert_int_equal(symlink("s.json", path), 0);
    snprintf(path, sizeof(path), "%s/fifo.json", dir);
    assert_int_equal(mkfifo(path, 0644), 0);

    fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__file_readat(
            &buf, fd, "s.json", "shown/s.json", LCMP__READ_REGULAR, 100, &err),
        0);
    assert_string_equal(buf.ptr, "{}\n");
    assert_int_equal(
        lcmp__file_readat(
            &buf, fd, "s.json", "shown/s.json", LCMP__READ_REGULAR, 2, &err),
        LCMP_ELIMIT);
    assert_string_equal(err.source, "shown/s.json");
    assert_int_equal(lcmp__file_readat(&buf,
                                       fd,
                                       "link.json",
                                       "shown/link.json",
                                       LCMP__READ_REGULAR,
                                       100,
                                       &err),
                     LCMP_EINVALID);
    assert_string_equal(err.source, "shown/link.json");
    assert_string_equal(err.message, "is a symbolic link (not followed)");
    assert_int_equal(lcmp__file_readat(&buf,
                                       fd,
                                       "fifo.json",
                                       "shown/fifo.json",
                                       LCMP__READ_REGULAR,
                                       100,
                                       &err),
                     LCMP_EINVALID);
    assert_string_equal(err.message, "is not a regular file");
    assert_int_equal(
        lcmp__file_readat(
            &buf, fd, "none.json", "shown/none.json", 0, 100, &err),
        LCMP_ENOTFOUND);
    /* without the flag, as lcmp__file_read(): the link is followed */
    assert_int_equal(
        lcmp__file_readat(&buf, fd, "link.json", "l", 0, 100, &err), 0);
    assert_string_equal(buf.ptr, "{}\n");
    assert_int_equal(close(fd), 0);
    lcmp_buf_dispose(&buf);
}

/* A directory listed through lcmp__dir: every entry once, across more
 * than one 8 KiB read, with its type where the system gives one; the
 * caller's descriptor stays open and usable; a file is not listed. */
static void test_util__dir_lists_every_entry(void **state)
{
    enum { FILES = 700 };
    const char *t = getenv("LCMP_TMPDIR");
    static unsigned char seen[FILES];
    char dir[1024], path[1100];
    int fd, got, type, i, files = 0, others = 0;
    const char *name;
    struct stat st;
    lcmp__dir d;

    (void)state;
    assert_non_null(t);
    snprintf(dir, sizeof(dir), "%s/dirlist", t);
    assert_int_equal(mkdir(dir, 0755), 0);
    for (i = 0; i < FILES; i++) {
        snprintf(path, sizeof(path), "%s/statement-%04d.json", dir, i);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        assert_true(fd >= 0);
        assert_int_equal(close(fd), 0);
    }
    snprintf(path, sizeof(path), "%s/sub", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/link", dir);
    assert_int_equal(symlink("sub", path), 0);

    fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(lcmp__dir_begin(&d, fd), 0);
    while ((got = lcmp__dir_next(&d, &name, &type)) == 1) {
        if (strncmp(name, "statement-", 10) == 0) {
            i = atoi(name + 10);
            assert_true(i >= 0 && i < FILES);
            assert_int_equal(seen[i], 0);
            seen[i] = 1;
            assert_true(type == DT_REG || type == DT_UNKNOWN);
            files++;
        } else if (strcmp(name, "sub") == 0) {
            assert_true(type == DT_DIR || type == DT_UNKNOWN);
            others++;
        } else if (strcmp(name, "link") == 0) {
            assert_true(type == DT_LNK || type == DT_UNKNOWN);
            others++;
        } else {
            assert_true(strcmp(name, ".") == 0 || strcmp(name, "..") == 0);
        }
    }
    assert_int_equal(got, 0);
    assert_int_equal(files, FILES);
    assert_int_equal(others, 2);
    lcmp__dir_end(&d);
    assert_int_equal(fstat(fd, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(close(fd), 0);

    /* a regular file: refused at the start or at the first entry */
    snprintf(path, sizeof(path), "%s/statement-0000.json", dir);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    errno = 0;
    if (lcmp__dir_begin(&d, fd) == 0) {
        assert_int_equal(lcmp__dir_next(&d, &name, &type), -1);
        lcmp__dir_end(&d);
    }
    assert_int_equal(errno, ENOTDIR);
    assert_int_equal(close(fd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util__date_parse_valid),
        cmocka_unit_test(test_util__date_parse_invalid),
        cmocka_unit_test(test_util__date_format),
        cmocka_unit_test(test_util__date_add_months_clamps),
        cmocka_unit_test(test_util__civil_days_round_trip),
        cmocka_unit_test(test_util__date_of_time),
        cmocka_unit_test(test_util__time_parse_rfc3339),
        cmocka_unit_test(test_util__time_parse_refusals),
        cmocka_unit_test(test_util__time_parse_refuses_null),
        cmocka_unit_test(test_util__time_format),
        cmocka_unit_test(test_util__error_clear),
        cmocka_unit_test(test_util__error_set),
        cmocka_unit_test(test_util__error_truncates_left),
        cmocka_unit_test(test_util__error_truncation_keeps_utf8),
        cmocka_unit_test(test_util__error_scrubs_invalid_utf8),
        cmocka_unit_test(test_util__strlcpy_left),
        cmocka_unit_test(test_util__error_format),
        cmocka_unit_test(test_util__error_format_truncates),
        cmocka_unit_test(test_util__strerror),
        cmocka_unit_test(test_util__buf_put_and_printf),
        cmocka_unit_test(test_util__buf_grow),
        cmocka_unit_test(test_util__strdup_and_aprintf),
        cmocka_unit_test(test_util__hex_and_sha256_parse),
        cmocka_unit_test(test_util__file_read),
        cmocka_unit_test(test_util__file_read_unknown_size),
        cmocka_unit_test(test_util__file_readat_regular_only),
        cmocka_unit_test(test_util__dir_lists_every_entry),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
