/*
 * Tests for libcompliance/json.c: strict parsing (size and depth limits,
 * duplicate keys, invalid UTF-8, NUL, trailing garbage, syntax errors with
 * line and column), RFC 6901 pointers, the typed getters' messages and
 * pointers, and identifiers.
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

static int parse(json_t **out,
                 const char *text,
                 const lcmp__json_limits *lim,
                 lcmp_error *err)
{
    lcmp_error_clear(err);
    return lcmp__json_parse(
        out, (const uint8_t *)text, strlen(text), "in.json", lim, err);
}

/* Parse `text`, expecting a syntax error at line:column. */
static void
refuse_syntax(const char *text, int line, int column, const char *message)
{
    json_t *root = NULL;
    lcmp_error err;

    assert_int_equal(parse(&root, text, NULL, &err), LCMP_EPARSE);
    if (strstr(err.message, message) == NULL || err.line != line ||
        err.column != column)
    {
        print_error("%d:%d: %s\n", err.line, err.column, err.message);
    }
    assert_null(root);
    assert_int_equal(err.code, LCMP_EPARSE);
    assert_string_equal(err.source, "in.json");
    assert_string_equal(err.pointer, "");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    assert_non_null(strstr(err.message, message));
}

/* `depth` nested arrays around a 1. */
static char *nested(unsigned int depth)
{
    char *s = malloc(2 * (size_t)depth + 2);
    unsigned int i;

    assert_non_null(s);
    for (i = 0; i < depth; i++) {
        s[i] = '[';
        s[depth + 1 + i] = ']';
    }
    s[depth] = '1';
    s[2 * depth + 1] = '\0';
    return s;
}

/*
 * Options and limits
 */

static void test_json__load_options_init(void **state)
{
    lcmp_load_options opts;

    (void)state;
    memset(&opts, 0xff, sizeof(opts));
    assert_int_equal(lcmp_load_options_init(&opts, LCMP_LOAD_OPTIONS_VERSION),
                     0);
    assert_int_equal(opts.version, LCMP_LOAD_OPTIONS_VERSION);
    assert_int_equal(opts.max_file_size, 0);
    assert_int_equal(opts.max_depth, 0);
    assert_int_equal(lcmp_load_options_init(&opts, 2), LCMP_EINVALID);
    assert_int_equal(lcmp_load_options_init(NULL, 1), LCMP_EINVALID);
}

static void test_json__limits_from_options(void **state)
{
    lcmp_load_options opts = LCMP_LOAD_OPTIONS_INIT;
    lcmp__json_limits lim;
    lcmp_error err;

    (void)state;
    assert_int_equal(lcmp__json_limits_from(&lim, NULL, NULL), 0);
    assert_int_equal(lim.max_size, 16 * 1024 * 1024);
    assert_int_equal(lim.max_depth, 64);
    assert_int_equal(lcmp__json_limits_from(&lim, &opts, NULL), 0);
    assert_int_equal(lim.max_size, 16 * 1024 * 1024);
    assert_int_equal(lim.max_depth, 64);
    opts.max_file_size = 10;
    opts.max_depth = 3;
    assert_int_equal(lcmp__json_limits_from(&lim, &opts, NULL), 0);
    assert_int_equal(lim.max_size, 10);
    assert_int_equal(lim.max_depth, 3);
    opts.version = 0;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp__json_limits_from(&lim, &opts, &err), LCMP_EINVALID);
    assert_int_equal(err.code, LCMP_EINVALID);
    assert_string_equal(err.message, "unknown load options version 0");
}

static void test_json__parses_valid_document(void **state)
{
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&root,
                           " {\"a\": [1, 2.5, \"x\xc3\xa9\", true, "
                           "null, {}]}\n",
                           NULL,
                           &err),
                     0);
    assert_true(json_is_object(root));
    assert_int_equal(json_array_size(json_object_get(root, "a")), 6);
    json_decref(root);
    /* a document may be any value, the loaders check for objects */
    assert_int_equal(parse(&root, "[]", NULL, &err), 0);
    json_decref(root);
}

static void test_json__refuses_over_size_limit(void **state)
{
    lcmp__json_limits lim = {10, 64};
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&root, "{\"a\": 123}", &lim, &err), 0);
    json_decref(root);
    assert_int_equal(parse(&root, "{\"a\": 1234}", &lim, &err), LCMP_ELIMIT);
    assert_null(root);
    assert_int_equal(err.code, LCMP_ELIMIT);
    assert_string_equal(err.source, "in.json");
    assert_string_equal(err.pointer, "");
    assert_int_equal(err.line, -1);
    assert_string_equal(err.message, "file is larger than 10 bytes");
}

static void test_json__default_depth_is_64(void **state)
{
    char *ok = nested(64), *deep = nested(65);
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&root, ok, NULL, &err), 0);
    json_decref(root);
    assert_int_equal(parse(&root, deep, NULL, &err), LCMP_ELIMIT);
    assert_null(root);
    assert_int_equal(err.code, LCMP_ELIMIT);
    assert_string_equal(err.source, "in.json");
    assert_string_equal(err.pointer, "");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 65);
    assert_string_equal(err.message, "nesting deeper than 64 levels");
    free(ok);
    free(deep);
}

/* Far deeper than jansson's own limit (2048): still our clean refusal. */
static void test_json__refuses_very_deep_nesting(void **state)
{
    char *deep = nested(100000);
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&root, deep, NULL, &err), LCMP_ELIMIT);
    assert_int_equal(err.column, 65);
    free(deep);
}

static void test_json__depth_limit_reports_line_and_column(void **state)
{
    lcmp__json_limits lim = {1024, 2};
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    /* brackets inside strings, escaped quotes included, do not count */
    assert_int_equal(parse(&root,
                           "{\n  \"a\": \"[[[{{{\\\"[[\",\n"
                           "  \"b\": [1, 2],\n  \"c\": {\"d\": [3]}\n}",
                           &lim,
                           &err),
                     LCMP_ELIMIT);
    assert_null(root);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 14);
    assert_string_equal(err.message, "nesting deeper than 2 levels");
}

/* Columns count characters, as in jansson's syntax errors. */
static void test_json__depth_column_counts_characters(void **state)
{
    lcmp__json_limits lim = {1024, 2};
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(
        parse(&root, "{\"\xc3\xa9\xe2\x82\xac\": [[1]]}", &lim, &err),
        LCMP_ELIMIT);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 9);
    /* the same place as jansson reports for a syntax error there */
    refuse_syntax("{\"\xc3\xa9\xe2\x82\xac\": ]", 1, 8, "unexpected token");
}

/*
 * Strictness
 */

static void test_json__refuses_duplicate_keys(void **state)
{
    (void)state;
    refuse_syntax(
        "{\n  \"a\": 1,\n  \"a\": 2\n}", 3, 5, "duplicate object key");
    refuse_syntax(
        "{\"x\": {\"b\": 1, \"b\": 1}}", 1, 18, "duplicate object key");
}

static void test_json__refuses_invalid_utf8(void **state)
{
    (void)state;
    refuse_syntax("{\"a\": \"\xff\"}", 1, 7, "unable to decode byte 0xff");
    refuse_syntax("{\"a\": \"\xc3\"}", 1, 7, "unable to decode byte 0xc3");
    /* overlong encoding of '/' */
    refuse_syntax("{\"a\": \"\xc0\xaf\"}", 1, 7, "unable to decode byte");
    /* a lone surrogate, encoded */
    refuse_syntax("{\"a\": \"\xed\xa0\x80\"}", 1, 7, "unable to decode byte");
}

static void test_json__refuses_nul(void **state)
{
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    refuse_syntax("{\"a\": \"x\\u0000y\"}",
                  1,
                  16,
                  "\\u0000 is not allowed without JSON_ALLOW_NUL");
    refuse_syntax(
        "{\"\\u0000\": 1}", 1, 9, "NUL byte in object key not supported");
    /* a raw NUL byte ends nothing: the buffer length counts */
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__json_parse(
            &root, (const uint8_t *)"{\"a\": \"\0\"}", 11, NULL, NULL, &err),
        LCMP_EPARSE);
    assert_null(root);
    assert_string_equal(err.source, "<string>");
}

static void test_json__refuses_trailing_garbage(void **state)
{
    (void)state;
    refuse_syntax("{\"a\": 1} x", 1, 10, "end of file expected near 'x'");
    refuse_syntax("{}\n{}", 2, 1, "end of file expected");
}

static void test_json__syntax_error_line_and_column(void **state)
{
    (void)state;
    refuse_syntax("{\n  \"a\": tru\n}", 2, 10, "invalid token near 'tru'");
    refuse_syntax("{\n  \"a\": 1,\n}", 3, 1, "string or '}' expected");
    refuse_syntax("", 1, 0, "'[' or '{' expected near end of file");
    refuse_syntax("{\"a\": 1", 1, 7, "'}' expected near end of file");
    /* jansson's capital letters are lowered (house style) */
    refuse_syntax("{\"a\": \"x\ny\"}", 1, 8, "unexpected newline");
}

/* jansson quotes the bytes near an error, here half of an 'é'. */
static void test_json__syntax_error_message_is_utf8(void **state)
{
    (void)state;
    refuse_syntax("[\"\\\xc3\xa9\"]", 1, 4, "invalid escape near '\"\\?'");
}

static void test_json__refuses_null_buffer(void **state)
{
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp__json_parse(&root, NULL, 3, "x", NULL, &err),
                     LCMP_EINVALID);
    assert_string_equal(err.message, "no input buffer");
    assert_int_equal(lcmp__json_parse(&root, NULL, 0, "x", NULL, &err),
                     LCMP_EPARSE);
    assert_null(root);
}

static void test_json__load_file(void **state)
{
    lcmp__json_limits lim = {64, 64};
    json_t *root = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp__json_load_file(
                         &root, "data/declaration/minimal.json", NULL, &err),
                     0);
    assert_true(json_is_object(root));
    json_decref(root);
    assert_int_equal(lcmp__json_load_file(
                         &root, "data/declaration/minimal.json", &lim, &err),
                     LCMP_ELIMIT);
    assert_null(root);
    assert_string_equal(err.source, "data/declaration/minimal.json");
    assert_int_equal(lcmp__json_load_file(&root, "data/none.json", NULL, &err),
                     LCMP_ENOTFOUND);
    assert_string_equal(err.source, "data/none.json");
    assert_int_equal(
        lcmp__json_load_file(
            &root, "data/declaration/invalid/empty.json", NULL, &err),
        LCMP_EPARSE);
    assert_string_equal(err.source, "data/declaration/invalid/empty.json");
}

/*
 * Pointers
 */

static void test_json__pointer_escapes(void **state)
{
    lcmp__jpath p;
    size_t a, b, c;

    (void)state;
    lcmp__jpath_init(&p, NULL, NULL);
    assert_string_equal(p.source, "<string>");
    assert_string_equal(p.ptr, "");
    a = lcmp__jpath_push(&p, "controls");
    assert_int_equal(a, 0);
    b = lcmp__jpath_push(&p, "a/b~c~1");
    assert_string_equal(p.ptr, "/controls/a~1b~0c~01");
    c = lcmp__jpath_push_index(&p, 12);
    assert_string_equal(p.ptr, "/controls/a~1b~0c~01/12");
    lcmp__jpath_push(&p, "");
    assert_string_equal(p.ptr, "/controls/a~1b~0c~01/12/");
    lcmp__jpath_pop(&p, c);
    assert_string_equal(p.ptr, "/controls/a~1b~0c~01");
    lcmp__jpath_pop(&p, b);
    assert_string_equal(p.ptr, "/controls");
    lcmp__jpath_pop(&p, 999);
    assert_string_equal(p.ptr, "/controls");
    lcmp__jpath_pop(&p, a);
    assert_string_equal(p.ptr, "");
    assert_int_equal(p.len, 0);
}

static void test_json__pointer_overflow_is_safe(void **state)
{
    char key[700];
    lcmp__jpath p;
    lcmp_error err;
    size_t old, i;

    (void)state;
    lcmp__jpath_init(&p, "in.json", &err);
    /* one ASCII byte first, so that the cut falls inside a character */
    key[0] = 'k';
    for (i = 1; i + 2 < sizeof(key); i += 2) {
        key[i] = '\xc3';
        key[i + 1] = '\xa9';
    }
    key[i] = '\0';
    old = lcmp__jpath_push(&p, "a");
    lcmp__jpath_push(&p, key);
    lcmp__jpath_push(&p, "~~~~");
    assert_int_equal(p.len, sizeof(p.ptr) - 1);
    assert_int_equal(strlen(p.ptr), sizeof(p.ptr) - 1);
    lcmp__jpath_error(&p, LCMP_EPARSE, "x");
    assert_int_equal(strlen(err.pointer), sizeof(err.pointer) - 3);
    assert_memory_equal(err.pointer, "...", 3);
    /* the cut character is dropped: the pointer stays UTF-8 */
    assert_memory_equal(err.pointer + strlen(err.pointer) - 2, "\xc3\xa9", 2);
    lcmp__jpath_pop(&p, old);
    assert_string_equal(p.ptr, "");
}

static void test_json__errors_at_pointer(void **state)
{
    lcmp__jpath p;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    lcmp__jpath_init(&p, "src.json", &err);
    lcmp__jpath_push(&p, "controls");
    assert_int_equal(lcmp__jpath_error(&p, LCMP_EPARSE, "bad %d", 1),
                     LCMP_EPARSE);
    assert_string_equal(err.source, "src.json");
    assert_string_equal(err.pointer, "/controls");
    assert_string_equal(err.message, "bad 1");
    assert_int_equal(err.line, -1);
    assert_int_equal(lcmp__jpath_error_at(&p, "x/y", LCMP_EINVALID, "worse"),
                     LCMP_EINVALID);
    assert_string_equal(err.pointer, "/controls/x~1y");
    assert_string_equal(err.message, "worse");
    assert_string_equal(p.ptr, "/controls");
    /* no error object: only the code */
    lcmp__jpath_init(&p, "src.json", NULL);
    assert_int_equal(lcmp__jpath_error(&p, LCMP_ELIMIT, "x"), LCMP_ELIMIT);
    assert_int_equal(lcmp__jpath_error_at(&p, "k", LCMP_ELIMIT, "x"),
                     LCMP_ELIMIT);
}

/*
 * Types, identifiers, objects
 */

static void test_json__type_names(void **state)
{
    json_t *v[8];
    static const char *const names[] = {"an object",
                                        "an array",
                                        "a string",
                                        "an integer",
                                        "a number",
                                        "a boolean",
                                        "a boolean",
                                        "null"};
    size_t i;

    (void)state;
    v[0] = json_object();
    v[1] = json_array();
    v[2] = json_string("s");
    v[3] = json_integer(1);
    v[4] = json_real(1.5);
    v[5] = json_true();
    v[6] = json_false();
    v[7] = json_null();
    for (i = 0; i < 8; i++) {
        assert_string_equal(lcmp__json_type_name(v[i]), names[i]);
        json_decref(v[i]);
    }
}

static void test_json__is_identifier(void **state)
{
    static const char *const good[] = {
        "a",
        "Z",
        "0",
        "GOV-04",
        "a.b_c-d",
        "interlokaal-basis",
        "9-._",
        "0123456789012345678901234567890123456789012345678901234567890123",
    };
    static const char *const bad[] = {
        "",
        "-a",
        ".a",
        "_a",
        "a b",
        "a/b",
        "a~b",
        "a:b",
        "gov\n",
        "\xc3\xa9",
        "a\xc3\xa9",
        "a+",
        " a",
        "a ",
        "01234567890123456789012345678901234567890123456789012345678901234",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(lcmp__is_identifier(good[i]));
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (lcmp__is_identifier(bad[i])) {
            print_error("accepted '%s'\n", bad[i]);
        }
        assert_false(lcmp__is_identifier(bad[i]));
    }
    assert_false(lcmp__is_identifier(NULL));
    /* every byte value first, and after a letter: letters and digits
     * anywhere, '.' '_' '-' only after the first character */
    for (i = 1; i < 256; i++) {
        int c = (int)i;
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9');
        int inner = alnum || c == '.' || c == '_' || c == '-';
        char first[2] = {(char)c, '\0'}, second[3] = {'a', (char)c, '\0'};
        assert_int_equal(lcmp__is_identifier(first), alnum);
        assert_int_equal(lcmp__is_identifier(second), inner);
    }
}

/* Getters run on this document, at the pointer "/obj". */
static const char doc_text[] =
    "{\"s\": \"text\", \"e\": \"\", \"id\": \"GOV-04\", \"badid\": \"a b\","
    " \"i\": 42, \"big\": -9007199254740993, \"r\": 2.5, \"t\": true,"
    " \"f\": false, \"n\": null, \"a\": [\"x\", \"y\"], \"o\": {},"
    " \"d\": \"2024-02-29\", \"bd\": \"2023-02-29\","
    " \"ids\": [\"a\", \"b.c\"], \"dup\": [\"a\", \"b\", \"a\", \"b\"],"
    " \"mixed\": [\"a\", 1], \"badids\": [\"ok\", \"not ok\"],"
    " \"empty\": [], \"k/~\": 1}";

typedef struct {
    json_t *doc;
    lcmp__jpath p;
    lcmp_error err;
} getter_fixture;

static int setup_getters(void **state)
{
    getter_fixture *f = calloc(1, sizeof(*f));
    json_error_t jerr;

    assert_non_null(f);
    f->doc = json_loads(doc_text, 0, &jerr);
    assert_non_null(f->doc);
    lcmp_error_clear(&f->err);
    lcmp__jpath_init(&f->p, "doc.json", &f->err);
    lcmp__jpath_push(&f->p, "obj");
    *state = f;
    return 0;
}

static int teardown_getters(void **state)
{
    getter_fixture *f = *state;

    json_decref(f->doc);
    free(f);
    return 0;
}

/* Check the last error: code EPARSE, pointer and exact message. */
static void
check_error(getter_fixture *f, int rc, const char *pointer, const char *message)
{
    assert_int_equal(rc, LCMP_EPARSE);
    assert_int_equal(f->err.code, LCMP_EPARSE);
    assert_string_equal(f->err.source, "doc.json");
    assert_string_equal(f->err.pointer, pointer);
    assert_string_equal(f->err.message, message);
    /* the path is back where it was */
    assert_string_equal(f->p.ptr, "/obj");
}

static void test_json__get_string(void **state)
{
    getter_fixture *f = *state;
    const char *s = "untouched";

    assert_int_equal(lcmp__json_get_string(&s, f->doc, "s", 1, &f->p), 0);
    assert_string_equal(s, "text");
    assert_int_equal(lcmp__json_get_string(&s, f->doc, "e", 1, &f->p), 0);
    assert_string_equal(s, "");
    s = "untouched";
    assert_int_equal(lcmp__json_get_string(&s, f->doc, "zz", 0, &f->p), 0);
    assert_string_equal(s, "untouched");
    check_error(f,
                lcmp__json_get_string(&s, f->doc, "zz", 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_string(&s, f->doc, "i", 0, &f->p),
                "/obj/i",
                "expected a string, got an integer");
    check_error(f,
                lcmp__json_get_string(&s, f->doc, "n", 1, &f->p),
                "/obj/n",
                "expected a string, got null");
    check_error(f,
                lcmp__json_get_string(&s, f->doc, "k/~", 1, &f->p),
                "/obj/k~1~0",
                "expected a string, got an integer");
    assert_string_equal(s, "untouched");
}

static void test_json__get_id(void **state)
{
    getter_fixture *f = *state;
    const char *s = "untouched";

    assert_int_equal(lcmp__json_get_id(&s, f->doc, "id", 1, &f->p), 0);
    assert_string_equal(s, "GOV-04");
    s = "untouched";
    assert_int_equal(lcmp__json_get_id(&s, f->doc, "zz", 0, &f->p), 0);
    check_error(f,
                lcmp__json_get_id(&s, f->doc, "zz", 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_id(&s, f->doc, "badid", 1, &f->p),
                "/obj/badid",
                "invalid identifier 'a b'");
    check_error(f,
                lcmp__json_get_id(&s, f->doc, "e", 1, &f->p),
                "/obj/e",
                "invalid identifier ''");
    check_error(f,
                lcmp__json_get_id(&s, f->doc, "a", 1, &f->p),
                "/obj/a",
                "expected a string, got an array");
    assert_string_equal(s, "untouched");
}

static void test_json__get_bool(void **state)
{
    getter_fixture *f = *state;
    int b = 7;

    assert_int_equal(lcmp__json_get_bool(&b, f->doc, "t", 1, &f->p), 0);
    assert_int_equal(b, 1);
    assert_int_equal(lcmp__json_get_bool(&b, f->doc, "f", 1, &f->p), 0);
    assert_int_equal(b, 0);
    b = 7;
    assert_int_equal(lcmp__json_get_bool(&b, f->doc, "zz", 0, &f->p), 0);
    assert_int_equal(b, 7);
    check_error(f,
                lcmp__json_get_bool(&b, f->doc, "zz", 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_bool(&b, f->doc, "s", 1, &f->p),
                "/obj/s",
                "expected a boolean, got a string");
    check_error(f,
                lcmp__json_get_bool(&b, f->doc, "i", 1, &f->p),
                "/obj/i",
                "expected a boolean, got an integer");
    assert_int_equal(b, 7);
}

static void test_json__get_int(void **state)
{
    getter_fixture *f = *state;
    int64_t i = 7;

    assert_int_equal(lcmp__json_get_int(&i, f->doc, "i", 1, &f->p), 0);
    assert_int_equal(i, 42);
    assert_int_equal(lcmp__json_get_int(&i, f->doc, "big", 1, &f->p), 0);
    assert_true(i == INT64_C(-9007199254740993));
    i = 7;
    assert_int_equal(lcmp__json_get_int(&i, f->doc, "zz", 0, &f->p), 0);
    assert_int_equal(i, 7);
    check_error(f,
                lcmp__json_get_int(&i, f->doc, "zz", 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_int(&i, f->doc, "r", 1, &f->p),
                "/obj/r",
                "expected an integer, got a number");
    check_error(f,
                lcmp__json_get_int(&i, f->doc, "t", 1, &f->p),
                "/obj/t",
                "expected an integer, got a boolean");
    assert_int_equal(i, 7);
}

static void test_json__get_number(void **state)
{
    getter_fixture *f = *state;
    double d = 7;

    assert_int_equal(lcmp__json_get_number(&d, f->doc, "r", 1, &f->p), 0);
    assert_true(d == 2.5);
    assert_int_equal(lcmp__json_get_number(&d, f->doc, "i", 1, &f->p), 0);
    assert_true(d == 42.0);
    d = 7;
    assert_int_equal(lcmp__json_get_number(&d, f->doc, "zz", 0, &f->p), 0);
    assert_true(d == 7);
    check_error(f,
                lcmp__json_get_number(&d, f->doc, "zz", 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_number(&d, f->doc, "s", 1, &f->p),
                "/obj/s",
                "expected a number, got a string");
    assert_true(d == 7);
}

static void test_json__get_date(void **state)
{
    getter_fixture *f = *state;
    int32_t d = 7;

    assert_int_equal(lcmp__json_get_date(&d, f->doc, "d", 1, &f->p), 0);
    assert_int_equal(d, 19782);
    d = 7;
    assert_int_equal(lcmp__json_get_date(&d, f->doc, "zz", 0, &f->p), 0);
    assert_int_equal(d, 7);
    check_error(f,
                lcmp__json_get_date(&d, f->doc, "zz", 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_date(&d, f->doc, "bd", 1, &f->p),
                "/obj/bd",
                "invalid date '2023-02-29': expected YYYY-MM-DD");
    check_error(f,
                lcmp__json_get_date(&d, f->doc, "i", 1, &f->p),
                "/obj/i",
                "expected a string, got an integer");
    assert_int_equal(d, 7);
}

static void test_json__get_array(void **state)
{
    getter_fixture *f = *state;
    json_t *v = NULL;

    assert_int_equal(lcmp__json_get_array(&v, f->doc, "a", 1, &f->p), 0);
    assert_ptr_equal(v, json_object_get(f->doc, "a"));
    v = NULL;
    assert_int_equal(lcmp__json_get_array(&v, f->doc, "zz", 0, &f->p), 0);
    assert_null(v);
    check_error(f,
                lcmp__json_get_array(&v, f->doc, "zz", 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_array(&v, f->doc, "o", 1, &f->p),
                "/obj/o",
                "expected an array, got an object");
    assert_null(v);
}

static void test_json__get_object(void **state)
{
    getter_fixture *f = *state;
    json_t *v = NULL;

    assert_int_equal(lcmp__json_get_object(&v, f->doc, "o", 1, &f->p), 0);
    assert_ptr_equal(v, json_object_get(f->doc, "o"));
    v = NULL;
    assert_int_equal(lcmp__json_get_object(&v, f->doc, "zz", 0, &f->p), 0);
    assert_null(v);
    check_error(f,
                lcmp__json_get_object(&v, f->doc, "zz", 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_object(&v, f->doc, "a", 1, &f->p),
                "/obj/a",
                "expected an object, got an array");
    assert_null(v);
}

static void test_json__get_strings(void **state)
{
    getter_fixture *f = *state;
    const char **list = NULL;
    size_t n = 99;

    assert_int_equal(
        lcmp__json_get_strings(&list, &n, f->doc, "ids", 1, 1, &f->p), 0);
    assert_int_equal(n, 2);
    assert_string_equal(list[0], "a");
    assert_string_equal(list[1], "b.c");
    free(list);
    list = NULL;
    assert_int_equal(
        lcmp__json_get_strings(&list, &n, f->doc, "empty", 1, 1, &f->p), 0);
    assert_int_equal(n, 0);
    assert_non_null(list);
    free(list);
    list = NULL;
    /* plain strings need not be identifiers */
    assert_int_equal(
        lcmp__json_get_strings(&list, &n, f->doc, "badids", 1, 0, &f->p), 0);
    assert_int_equal(n, 2);
    free(list);
    list = NULL;
    n = 99;
    assert_int_equal(
        lcmp__json_get_strings(&list, &n, f->doc, "zz", 0, 1, &f->p), 0);
    assert_null(list);
    assert_int_equal(n, 0);
    check_error(f,
                lcmp__json_get_strings(&list, &n, f->doc, "zz", 1, 1, &f->p),
                "/obj",
                "missing member 'zz'");
    check_error(f,
                lcmp__json_get_strings(&list, &n, f->doc, "o", 1, 1, &f->p),
                "/obj/o",
                "expected an array, got an object");
    check_error(f,
                lcmp__json_get_strings(&list, &n, f->doc, "mixed", 1, 0, &f->p),
                "/obj/mixed/1",
                "expected a string, got an integer");
    check_error(
        f,
        lcmp__json_get_strings(&list, &n, f->doc, "badids", 1, 1, &f->p),
        "/obj/badids/1",
        "invalid identifier 'not ok'");
    /* the first repeat in document order is named */
    check_error(f,
                lcmp__json_get_strings(&list, &n, f->doc, "dup", 1, 0, &f->p),
                "/obj/dup/2",
                "duplicate entry 'a'");
    assert_null(list);
    assert_int_equal(n, 0);
}

static void test_json__expect_object(void **state)
{
    getter_fixture *f = *state;
    static const char *const allowed[] = {"a", "o", NULL};
    static const char *const all[] = {
        "s",   "e",   "id",    "badid",  "i",     "big", "r",
        "t",   "f",   "n",     "a",      "o",     "d",   "bd",
        "ids", "dup", "mixed", "badids", "empty", "k/~", NULL};
    json_t *o = json_object_get(f->doc, "o");

    assert_int_equal(lcmp__json_expect_object(f->doc, all, &f->p), 0);
    assert_int_equal(lcmp__json_expect_object(f->doc, NULL, &f->p), 0);
    assert_int_equal(lcmp__json_expect_object(o, allowed, &f->p), 0);
    check_error(f,
                lcmp__json_expect_object(f->doc, allowed, &f->p),
                "/obj/s",
                "unknown member 's'");
    check_error(
        f,
        lcmp__json_expect_object(json_object_get(f->doc, "a"), allowed, &f->p),
        "/obj",
        "expected an object, got an array");
    check_error(
        f,
        lcmp__json_expect_object(json_object_get(f->doc, "n"), NULL, &f->p),
        "/obj",
        "expected an object, got null");
}

static void test_json__expect_object_escapes_unknown_key(void **state)
{
    static const char *const allowed[] = {"a", NULL};
    json_t *doc = json_pack("{s:i, s:i}", "a", 1, "x/y~z", 2);
    lcmp__jpath p;
    lcmp_error err;

    (void)state;
    assert_non_null(doc);
    lcmp_error_clear(&err);
    lcmp__jpath_init(&p, NULL, &err);
    assert_int_equal(lcmp__json_expect_object(doc, allowed, &p), LCMP_EPARSE);
    assert_string_equal(err.source, "<string>");
    assert_string_equal(err.pointer, "/x~1y~0z");
    assert_string_equal(err.message, "unknown member 'x/y~z'");
    json_decref(doc);
}

#define GETTER_TEST(name) \
    cmocka_unit_test_setup_teardown(name, setup_getters, teardown_getters)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json__load_options_init),
        cmocka_unit_test(test_json__limits_from_options),
        cmocka_unit_test(test_json__parses_valid_document),
        cmocka_unit_test(test_json__refuses_over_size_limit),
        cmocka_unit_test(test_json__default_depth_is_64),
        cmocka_unit_test(test_json__refuses_very_deep_nesting),
        cmocka_unit_test(test_json__depth_limit_reports_line_and_column),
        cmocka_unit_test(test_json__depth_column_counts_characters),
        cmocka_unit_test(test_json__refuses_duplicate_keys),
        cmocka_unit_test(test_json__refuses_invalid_utf8),
        cmocka_unit_test(test_json__refuses_nul),
        cmocka_unit_test(test_json__refuses_trailing_garbage),
        cmocka_unit_test(test_json__syntax_error_line_and_column),
        cmocka_unit_test(test_json__syntax_error_message_is_utf8),
        cmocka_unit_test(test_json__refuses_null_buffer),
        cmocka_unit_test(test_json__load_file),
        cmocka_unit_test(test_json__pointer_escapes),
        cmocka_unit_test(test_json__pointer_overflow_is_safe),
        cmocka_unit_test(test_json__errors_at_pointer),
        cmocka_unit_test(test_json__type_names),
        cmocka_unit_test(test_json__is_identifier),
        GETTER_TEST(test_json__get_string),
        GETTER_TEST(test_json__get_id),
        GETTER_TEST(test_json__get_bool),
        GETTER_TEST(test_json__get_int),
        GETTER_TEST(test_json__get_number),
        GETTER_TEST(test_json__get_date),
        GETTER_TEST(test_json__get_array),
        GETTER_TEST(test_json__get_object),
        GETTER_TEST(test_json__get_strings),
        GETTER_TEST(test_json__expect_object),
        cmocka_unit_test(test_json__expect_object_escapes_unknown_key),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
