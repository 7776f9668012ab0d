/*
 * Strict JSON input: limits checked before jansson sees the bytes, then
 * jansson with duplicate keys refused; typed getters that report RFC 6901
 * pointers.
 *
 * jansson already refuses invalid UTF-8, "\u0000" (without
 * JSON_ALLOW_NUL) and trailing garbage. Its nesting limit is a compile-time
 * constant (2048), so depth is checked here first with a single pass that
 * also yields the line and column of the offending bracket.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"

int lcmp_load_options_init(lcmp_load_options *opts, unsigned int version)
{
    if (opts == NULL || version != LCMP_LOAD_OPTIONS_VERSION) {
        return LCMP_EINVALID;
    }
    memset(opts, 0, sizeof(*opts));
    opts->version = version;
    return 0;
}

int lcmp__json_limits_from(lcmp__json_limits *out,
                           const lcmp_load_options *opts,
                           lcmp_error *err)
{
    out->max_size = LCMP__DEFAULT_MAX_FILE_SIZE;
    out->max_depth = LCMP__DEFAULT_MAX_DEPTH;
    if (opts == NULL) {
        return 0;
    }
    if (opts->version != LCMP_LOAD_OPTIONS_VERSION) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "unknown load options version %u",
                               opts->version);
    }
    if (opts->max_file_size != 0) {
        out->max_size = opts->max_file_size;
    }
    if (opts->max_depth != 0) {
        out->max_depth = opts->max_depth;
    }
    return 0;
}

/* Line and column (in characters, as jansson counts them) of offset `at`. */
static void position(const uint8_t *buf, size_t at, int *line, int *col)
{
    size_t i;

    *line = 1;
    *col = 0;
    for (i = 0; i <= at; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 0;
        } else if ((buf[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/*
 * One pass over the bytes that only looks at brackets outside strings: a
 * benchmark showed the byte-by-byte version with position tracking cost a
 * third of the library's overhead over jansson, so the position is only
 * worked out when the limit is hit.
 */
static int check_depth(const uint8_t *buf,
                       size_t len,
                       unsigned int max,
                       const char *source,
                       lcmp_error *err)
{
    unsigned int depth = 0;
    size_t i = 0;

    while (i < len) {
        uint8_t c = buf[i];

        if (c == '"') {
            /* skip the string: only an escape or its end matter */
            for (i++; i < len && buf[i] != '"'; i++) {
                if (buf[i] == '\\') {
                    i++;
                }
            }
        } else if (c == '[' || c == '{') {
            if (++depth > max) {
                int line, col;

                position(buf, i, &line, &col);
                lcmp__error_set(err,
                                LCMP_ELIMIT,
                                source,
                                NULL,
                                "nesting deeper than %u levels",
                                max);
                if (err != NULL) {
                    err->line = line;
                    err->column = col;
                }
                return LCMP_ELIMIT;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        i++;
    }
    return 0;
}

int lcmp__json_parse(json_t **out,
                     const uint8_t *buf,
                     size_t len,
                     const char *source,
                     const lcmp__json_limits *lim,
                     lcmp_error *err)
{
    lcmp__json_limits def = {LCMP__DEFAULT_MAX_FILE_SIZE,
                             LCMP__DEFAULT_MAX_DEPTH};
    json_error_t jerr;
    json_t *root;
    int rc;

    *out = NULL;
    if (source == NULL) {
        source = "<string>";
    }
    if (lim == NULL) {
        lim = &def;
    }
    if (buf == NULL && len > 0) {
        return lcmp__error_set(
            err, LCMP_EINVALID, source, NULL, "no input buffer");
    }
    if (len > lim->max_size) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               source,
                               NULL,
                               "file is larger than %zu bytes",
                               lim->max_size);
    }
    rc = check_depth(buf, len, lim->max_depth, source, err);
    if (rc < 0) {
        return rc;
    }
    root = json_loadb((const char *)(buf != NULL ? buf : (const uint8_t *)""),
                      len,
                      JSON_REJECT_DUPLICATES,
                      &jerr);
    if (root == NULL) {
        char text[JSON_ERROR_TEXT_LENGTH];

        memcpy(text, jerr.text, sizeof(text));
        text[sizeof(text) - 1] = '\0';
        /* lower case as in our own messages, but keep "NUL byte ..." */
        if (text[0] >= 'A' && text[0] <= 'Z' &&
            !(text[1] >= 'A' && text[1] <= 'Z')) {
            text[0] = (char)(text[0] - 'A' + 'a');
        }
        lcmp__error_set(err, LCMP_EPARSE, source, NULL, "%s", text);
        if (err != NULL) {
            err->line = jerr.line;
            err->column = jerr.column;
        }
        return LCMP_EPARSE;
    }
    *out = root;
    return 0;
}

int lcmp__json_load_file(json_t **out,
                         const char *path,
                         const lcmp__json_limits *lim,
                         lcmp_error *err)
{
    lcmp__json_limits def = {LCMP__DEFAULT_MAX_FILE_SIZE,
                             LCMP__DEFAULT_MAX_DEPTH};
    lcmp_buf buf = LCMP_BUF_INIT;
    int rc;

    *out = NULL;
    if (lim == NULL) {
        lim = &def;
    }
    rc = lcmp__file_read(&buf, path, lim->max_size, err);
    if (rc == 0) {
        rc = lcmp__json_parse(
            out, (const uint8_t *)buf.ptr, buf.size, path, lim, err);
    }
    lcmp_buf_dispose(&buf);
    return rc;
}

void lcmp__jpath_init(lcmp__jpath *p, const char *source, lcmp_error *err)
{
    p->source = source != NULL ? source : "<string>";
    p->ptr[0] = '\0';
    p->len = 0;
    p->err = err;
}

static void jpath_append(lcmp__jpath *p, const char *s, size_t n)
{
    /* a pointer that does not fit keeps its head; it is still unique
     * enough to find the place, and the buffer never overflows */
    if (n > sizeof(p->ptr) - 1 - p->len) {
        n = sizeof(p->ptr) - 1 - p->len;
    }
    memcpy(p->ptr + p->len, s, n);
    p->len += n;
    p->ptr[p->len] = '\0';
}

size_t lcmp__jpath_push(lcmp__jpath *p, const char *key)
{
    size_t old = p->len;
    const char *k;

    jpath_append(p, "/", 1);
    for (k = key; *k != '\0'; k++) {
        if (*k == '~') {
            jpath_append(p, "~0", 2);
        } else if (*k == '/') {
            jpath_append(p, "~1", 2);
        } else {
            jpath_append(p, k, 1);
        }
    }
    return old;
}

size_t lcmp__jpath_push_index(lcmp__jpath *p, size_t i)
{
    char num[32];
    int n = snprintf(num, sizeof(num), "/%zu", i);
    size_t old = p->len;

    jpath_append(p, num, (size_t)n);
    return old;
}

void lcmp__jpath_pop(lcmp__jpath *p, size_t len)
{
    if (len <= p->len) {
        p->len = len;
        p->ptr[len] = '\0';
    }
}

int lcmp__jpath_error(lcmp__jpath *p, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    code = lcmp__error_vset(p->err, code, p->source, p->ptr, fmt, ap);
    va_end(ap);
    return code;
}

int lcmp__jpath_error_at(lcmp__jpath *p,
                         const char *key,
                         int code,
                         const char *fmt,
                         ...)
{
    size_t old = lcmp__jpath_push(p, key);
    va_list ap;

    va_start(ap, fmt);
    code = lcmp__error_vset(p->err, code, p->source, p->ptr, fmt, ap);
    va_end(ap);
    lcmp__jpath_pop(p, old);
    return code;
}

const char *lcmp__json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    default:
        return "an unknown value";
    }
}

/* 1: may start and continue an identifier; 2: may only continue one */
#define ID_CLASS(c)                                              \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || \
             ((c) >= '0' && (c) <= '9')                          \
         ? 1                                                     \
     : (c) == '.' || (c) == '_' || (c) == '-' ? 2                \
                                              : 0)
#define ID_4(c) \
    ID_CLASS(c), ID_CLASS((c) + 1), ID_CLASS((c) + 2), ID_CLASS((c) + 3)
#define ID_16(c) ID_4(c), ID_4((c) + 4), ID_4((c) + 8), ID_4((c) + 12)
#define ID_64(c) ID_16(c), ID_16((c) + 16), ID_16((c) + 32), ID_16((c) + 48)

static const uint8_t id_class[256] = {ID_64(0),
                                      ID_64(64),
                                      ID_64(128),
                                      ID_64(192)};

int lcmp__is_identifier(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t i;

    if (s == NULL || id_class[p[0]] != 1) {
        return 0;
    }
    for (i = 1; p[i] != '\0'; i++) {
        if (i >= 64 || id_class[p[i]] == 0) {
            return 0;
        }
    }
    return 1;
}

int lcmp__json_expect_object(const json_t *v,
                             const char *const *allowed,
                             lcmp__jpath *p)
{
    const char *key;
    json_t *value;

    if (!json_is_object(v)) {
        return lcmp__jpath_error(p,
                                 LCMP_EPARSE,
                                 "expected an object, got %s",
                                 lcmp__json_type_name(v));
    }
    if (allowed == NULL) {
        return 0;
    }
    json_object_foreach ((json_t *)v, key, value) {
        size_t i;

        for (i = 0; allowed[i] != NULL; i++) {
            if (strcmp(allowed[i], key) == 0) {
                break;
            }
        }
        if (allowed[i] == NULL) {
            return lcmp__jpath_error_at(
                p, key, LCMP_EPARSE, "unknown member '%s'", key);
        }
    }
    return 0;
}

/* The member, NULL when absent; `rc` receives an error when required. */
static json_t *member(int *rc,
                      const json_t *obj,
                      const char *key,
                      int required,
                      lcmp__jpath *p)
{
    json_t *v = json_object_get(obj, key);

    *rc = 0;
    if (v == NULL && required) {
        *rc = lcmp__jpath_error(p, LCMP_EPARSE, "missing member '%s'", key);
    }
    return v;
}

static int
wrong_type(const json_t *v, const char *key, const char *want, lcmp__jpath *p)
{
    return lcmp__jpath_error_at(p,
                                key,
                                LCMP_EPARSE,
                                "expected %s, got %s",
                                want,
                                lcmp__json_type_name(v));
}

int lcmp__json_get_string(const char **out,
                          const json_t *obj,
                          const char *key,
                          int required,
                          lcmp__jpath *p)
{
    int rc;
    json_t *v = member(&rc, obj, key, required, p);

    if (v == NULL) {
        return rc;
    }
    if (!json_is_string(v)) {
        return wrong_type(v, key, "a string", p);
    }
    *out = json_string_value(v);
    return 0;
}

int lcmp__json_get_id(const char **out,
                      const json_t *obj,
                      const char *key,
                      int required,
                      lcmp__jpath *p)
{
    const char *s = NULL;
    int rc = lcmp__json_get_string(&s, obj, key, required, p);

    if (rc < 0 || s == NULL) {
        return rc;
    }
    if (!lcmp__is_identifier(s)) {
        return lcmp__jpath_error_at(
            p, key, LCMP_EPARSE, "invalid identifier '%s'", s);
    }
    *out = s;
    return 0;
}

int lcmp__json_get_bool(int *out,
                        const json_t *obj,
                        const char *key,
                        int required,
                        lcmp__jpath *p)
{
    int rc;
    json_t *v = member(&rc, obj, key, required, p);

    if (v == NULL) {
        return rc;
    }
    if (!json_is_boolean(v)) {
        return wrong_type(v, key, "a boolean", p);
    }
    *out = json_is_true(v);
    return 0;
}

int lcmp__json_get_int(int64_t *out,
                       const json_t *obj,
                       const char *key,
                       int required,
                       lcmp__jpath *p)
{
    int rc;
    json_t *v = member(&rc, obj, key, required, p);

    if (v == NULL) {
        return rc;
    }
    if (!json_is_integer(v)) {
        return wrong_type(v, key, "an integer", p);
    }
    *out = (int64_t)json_integer_value(v);
    return 0;
}

int lcmp__json_get_number(double *out,
                          const json_t *obj,
                          const char *key,
                          int required,
                          lcmp__jpath *p)
{
    int rc;
    json_t *v = member(&rc, obj, key, required, p);

    if (v == NULL) {
        return rc;
    }
    if (!json_is_number(v)) {
        return wrong_type(v, key, "a number", p);
    }
    *out = json_number_value(v);
    return 0;
}

int lcmp__json_get_date(int32_t *out,
                        const json_t *obj,
                        const char *key,
                        int required,
                        lcmp__jpath *p)
{
    const char *s = NULL;
    int rc = lcmp__json_get_string(&s, obj, key, required, p);

    if (rc < 0 || s == NULL) {
        return rc;
    }
    if (lcmp__date_parse(out, s) < 0) {
        return lcmp__jpath_error_at(
            p, key, LCMP_EPARSE, "invalid date '%s': expected YYYY-MM-DD", s);
    }
    return 0;
}

int lcmp__json_get_array(json_t **out,
                         const json_t *obj,
                         const char *key,
                         int required,
                         lcmp__jpath *p)
{
    int rc;
    json_t *v = member(&rc, obj, key, required, p);

    if (v == NULL) {
        return rc;
    }
    if (!json_is_array(v)) {
        return wrong_type(v, key, "an array", p);
    }
    *out = v;
    return 0;
}

int lcmp__json_get_object(json_t **out,
                          const json_t *obj,
                          const char *key,
                          int required,
                          lcmp__jpath *p)
{
    int rc;
    json_t *v = member(&rc, obj, key, required, p);

    if (v == NULL) {
        return rc;
    }
    if (!json_is_object(v)) {
        return wrong_type(v, key, "an object", p);
    }
    *out = v;
    return 0;
}

typedef struct {
    const char *s;
    size_t i;
} entry;

static int entry_cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int c = strcmp(x->s, y->s);

    if (c != 0) {
        return c;
    }
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Refuse a repeated string, naming its second occurrence: O(n log n), as
 * profiles may list thousands of ids. */
static int check_unique(const char **list, size_t n, lcmp__jpath *p)
{
    entry *sorted;
    size_t i, dup = SIZE_MAX;
    char idx[32];

    if (n < 2) {
        return 0;
    }
    sorted = malloc(n * sizeof(*sorted));
    if (sorted == NULL) {
        return lcmp__jpath_error(p, LCMP_ENOMEM, "out of memory");
    }
    for (i = 0; i < n; i++) {
        sorted[i].s = list[i];
        sorted[i].i = i;
    }
    qsort(sorted, n, sizeof(*sorted), entry_cmp);
    for (i = 1; i < n; i++) {
        if (strcmp(sorted[i - 1].s, sorted[i].s) == 0 && sorted[i].i < dup) {
            dup = sorted[i].i;
        }
    }
    free(sorted);
    if (dup == SIZE_MAX) {
        return 0;
    }
    snprintf(idx, sizeof(idx), "%zu", dup);
    return lcmp__jpath_error_at(
        p, idx, LCMP_EPARSE, "duplicate entry '%s'", list[dup]);
}

int lcmp__json_get_strings(const char ***out,
                           size_t *count,
                           const json_t *obj,
                           const char *key,
                           int required,
                           int ids,
                           lcmp__jpath *p)
{
    json_t *arr = NULL;
    const char **list = NULL;
    size_t i, n, old;
    int rc;

    *count = 0;
    rc = lcmp__json_get_array(&arr, obj, key, required, p);
    if (rc < 0 || arr == NULL) {
        return rc;
    }
    n = json_array_size(arr);
    list = calloc(n > 0 ? n : 1, sizeof(*list));
    if (list == NULL) {
        return lcmp__jpath_error(p, LCMP_ENOMEM, "out of memory");
    }
    old = lcmp__jpath_push(p, key);
    for (i = 0; i < n; i++) {
        json_t *v = json_array_get(arr, i);
        char idx[32];

        snprintf(idx, sizeof(idx), "%zu", i);
        if (!json_is_string(v)) {
            rc = lcmp__jpath_error_at(p,
                                      idx,
                                      LCMP_EPARSE,
                                      "expected a string, got %s",
                                      lcmp__json_type_name(v));
            goto fail;
        }
        list[i] = json_string_value(v);
        if (ids && !lcmp__is_identifier(list[i])) {
            rc = lcmp__jpath_error_at(
                p, idx, LCMP_EPARSE, "invalid identifier '%s'", list[i]);
            goto fail;
        }
    }
    rc = check_unique(list, n, p);
    if (rc < 0) {
        goto fail;
    }
    lcmp__jpath_pop(p, old);
    *out = list;
    *count = n;
    return 0;
fail:
    lcmp__jpath_pop(p, old);
    free(list);
    return rc;
}
