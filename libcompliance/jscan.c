/*
 * The strict JSON reader of jscan.h.
 *
 * Invariants: `p` never passes `end`; every byte of a string is checked
 * (control characters, UTF-8 per RFC 3629) before it is kept; the strings
 * kept need at most the input's length plus one byte, because every
 * string's copy (unescaped, plus its NUL) is no longer than its quoted
 * source and no source string is kept twice (a reader that goes back in
 * the input, as statement.c's careful pass does, reads again only what it
 * skipped, which gave its strings back), and the buffer has 8 bytes more
 * for the copies made 8 bytes at a time; a container is entered only below
 * `max_depth`, so the recursion in lcmp__jscan_skip() is bounded.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

static int is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(lcmp__jscan *js)
{
    while (js->p < js->end && is_ws(*js->p)) {
        js->p++;
    }
}

int lcmp__jscan_init(lcmp__jscan *js,
                     const uint8_t *buf,
                     size_t len,
                     const char *source,
                     unsigned int max_depth,
                     lcmp_error *err)
{
    memset(js, 0, sizeof(*js));
    js->start = js->p = buf != NULL ? buf : (const uint8_t *)"";
    js->end = js->start + (buf != NULL ? len : 0);
    js->source = source;
    js->err = err;
    js->max_depth =
        max_depth < LCMP__JSCAN_MAX_DEPTH ? max_depth : LCMP__JSCAN_MAX_DEPTH;
    js->cap = len + 1 + 8; /* see the invariants above */
    js->strings = malloc(js->cap);
    if (js->strings == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
    }
    return 0;
}

void lcmp__jscan_dispose(lcmp__jscan *js)
{
    free(js->strings);
    js->strings = NULL;
}

char *lcmp__jscan_take_strings(lcmp__jscan *js)
{
    char *s = js->strings;

    js->strings = NULL;
    return s;
}

/*
 * Errors
 */

/* The RFC 6901 pointer of where the reader is. */
static void pointer(char *out, size_t size, const lcmp__jscan *js)
{
    size_t used = 0;
    unsigned int d;

    out[0] = '\0';
    for (d = 1; d <= js->depth && used + 1 < size; d++) {
        const char *k = js->level[d].key;
        int n;

        if (!js->level[d].any) {
            break;
        }
        if (k == NULL) {
            n = snprintf(out + used, size - used, "/%zu", js->level[d].index);
            used += n > 0 ? (size_t)n : 0;
            continue;
        }
        out[used++] = '/';
        for (; *k != '\0' && used + 3 < size; k++) {
            if (*k == '~' || *k == '/') {
                out[used++] = '~';
                out[used++] = *k == '~' ? '0' : '1';
            } else {
                out[used++] = *k;
            }
        }
        out[used] = '\0';
    }
    if (used >= size) {
        out[size - 1] = '\0';
    }
}

static int
verror(lcmp__jscan *js, int code, int position, const char *fmt, va_list ap)
    LCMP__PRINTF(4, 0);

static int
verror(lcmp__jscan *js, int code, int position, const char *fmt, va_list ap)
{
    char ptr[1024];
    const uint8_t *q;
    int line = 1, column = 0;

    pointer(ptr, sizeof(ptr), js);
    lcmp__error_vset(js->err, code, js->source, ptr, fmt, ap);
    if (position && js->err != NULL) {
        /* columns count characters, as jansson's do */
        for (q = js->start; q < js->p; q++) {
            if (*q == '\n') {
                line++;
                column = 0;
            } else if ((*q & 0xC0) != 0x80) {
                column++;
            }
        }
        js->err->line = line;
        js->err->column = column + 1;
    }
    return code;
}

int lcmp__jscan_error(lcmp__jscan *js, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(js, code, 0, fmt, ap);
    va_end(ap);
    return code;
}

static int syntax(lcmp__jscan *js, const char *fmt, ...) LCMP__PRINTF(2, 3);

static int syntax(lcmp__jscan *js, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    verror(js, LCMP_EPARSE, 1, fmt, ap);
    va_end(ap);
    return LCMP_EPARSE;
}

static int depth_limit(lcmp__jscan *js, ...)
{
    va_list ap;

    va_start(ap, js);
    verror(js, LCMP_ELIMIT, 1, "nesting deeper than %u levels", ap);
    va_end(ap);
    return LCMP_ELIMIT;
}

int lcmp__jscan_seen(lcmp__jscan *js,
                     uint32_t *seen,
                     uint32_t bit,
                     const char *key)
{
    if ((*seen & bit) != 0) {
        /* strict JSON refuses it: a syntax error, with its position */
        return syntax(js, "duplicate object key '%s'", key);
    }
    *seen |= bit;
    return 0;
}

/*
 * Values
 */

/* The extent of a number at p (RFC 8259 grammar); 0 or LCMP_EPARSE. */
static int scan_number(lcmp__jscan *js, const uint8_t **e, int *real)
{
    const uint8_t *q = js->p, *end = js->end;

    *real = 0;
    if (q < end && *q == '-') {
        q++;
    }
    if (q < end && *q == '0') {
        q++;
    } else if (q < end && *q >= '1' && *q <= '9') {
        while (q < end && *q >= '0' && *q <= '9') {
            q++;
        }
    } else {
        return syntax(js, "invalid number");
    }
    if (q < end && *q == '.') {
        *real = 1;
        q++;
        if (q == end || *q < '0' || *q > '9') {
            return syntax(js, "invalid number");
        }
        while (q < end && *q >= '0' && *q <= '9') {
            q++;
        }
    }
    if (q < end && (*q == 'e' || *q == 'E')) {
        *real = 1;
        q++;
        if (q < end && (*q == '+' || *q == '-')) {
            q++;
        }
        if (q == end || *q < '0' || *q > '9') {
            return syntax(js, "invalid number");
        }
        while (q < end && *q >= '0' && *q <= '9') {
            q++;
        }
    }
    *e = q;
    return 0;
}

lcmp__js_type lcmp__jscan_peek(lcmp__jscan *js)
{
    const uint8_t *e;
    int real;

    skip_ws(js);
    if (js->p == js->end) {
        return LCMP__JS_INVALID;
    }
    switch (*js->p) {
    case '{':
        return LCMP__JS_OBJECT;
    case '[':
        return LCMP__JS_ARRAY;
    case '"':
        return LCMP__JS_STRING;
    case 't':
    case 'f':
        return LCMP__JS_BOOLEAN;
    case 'n':
        return LCMP__JS_NULL;
    default:
        break;
    }
    if (*js->p == '-' || (*js->p >= '0' && *js->p <= '9')) {
        lcmp_error *saved = js->err;
        int rc;

        js->err = NULL; /* only looking */
        rc = scan_number(js, &e, &real);
        js->err = saved;
        if (rc == 0) {
            return real ? LCMP__JS_REAL : LCMP__JS_INTEGER;
        }
    }
    return LCMP__JS_INVALID;
}

const char *lcmp__jscan_type_name(lcmp__js_type t)
{
    switch (t) {
    case LCMP__JS_OBJECT:
        return "an object";
    case LCMP__JS_ARRAY:
        return "an array";
    case LCMP__JS_STRING:
        return "a string";
    case LCMP__JS_INTEGER:
        return "an integer";
    case LCMP__JS_REAL:
        return "a real";
    case LCMP__JS_BOOLEAN:
        return "a boolean";
    case LCMP__JS_NULL:
        return "null";
    default:
        return "an invalid value";
    }
}

/* The next value is not of type `want`: a syntax or a type error. */
static int wrong_type(lcmp__jscan *js, lcmp__js_type want)
{
    lcmp__js_type got = lcmp__jscan_peek(js);

    if (got == LCMP__JS_INVALID) {
        return syntax(js,
                      js->p == js->end ? "unexpected end of input"
                      : *js->p == '-' || (*js->p >= '0' && *js->p <= '9')
                          ? "invalid number"
                          : "invalid JSON value");
    }
    if (js->depth == 0 && got != LCMP__JS_OBJECT && got != LCMP__JS_ARRAY) {
        return syntax(js, "'[' or '{' expected");
    }
    return lcmp__jscan_error(js,
                             LCMP_EPARSE,
                             "expected %s, got %s",
                             lcmp__jscan_type_name(want),
                             lcmp__jscan_type_name(got));
}

static int open_container(lcmp__jscan *js, lcmp__js_type t)
{
    if (lcmp__jscan_peek(js) != t) {
        return wrong_type(js, t);
    }
    if (js->depth >= js->max_depth) {
        return depth_limit(js, js->max_depth);
    }
    js->p++;
    js->depth++;
    js->level[js->depth].any = 0;
    js->level[js->depth].key = NULL;
    js->level[js->depth].index = 0;
    return 0;
}

int lcmp__jscan_object(lcmp__jscan *js)
{
    return open_container(js, LCMP__JS_OBJECT);
}

int lcmp__jscan_array(lcmp__jscan *js)
{
    return open_container(js, LCMP__JS_ARRAY);
}

/* Append the UTF-8 form of code point `cp` (never 0, never a surrogate). */
static char *put_utf8(char *d, uint32_t cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xC0 | cp >> 6);
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xE0 | cp >> 12);
        *d++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *d++ = (char)(0xF0 | cp >> 18);
        *d++ = (char)(0x80 | (cp >> 12 & 0x3F));
        *d++ = (char)(0x80 | (cp >> 6 & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    }
    return d;
}

static int hex4(lcmp__jscan *js, uint32_t *out)
{
    uint32_t v = 0;
    int i;

    if (js->end - js->p < 4) {
        return syntax(js, "invalid \\u escape");
    }
    for (i = 0; i < 4; i++) {
        uint8_t c = js->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') {
            v |= (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            v |= (uint32_t)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            v |= (uint32_t)(c - 'A' + 10);
        } else {
            return syntax(js, "invalid \\u escape");
        }
    }
    js->p += 4;
    *out = v;
    return 0;
}

/* An escape after the backslash; appends to *d. */
static int escape(lcmp__jscan *js, char **d)
{
    uint32_t cp, lo;
    uint8_t c;

    if (js->p == js->end) {
        return syntax(js, "unexpected end of input in a string");
    }
    c = *js->p++;
    switch (c) {
    case '"':
    case '\\':
    case '/':
        *(*d)++ = (char)c;
        return 0;
    case 'b':
        *(*d)++ = '\b';
        return 0;
    case 'f':
        *(*d)++ = '\f';
        return 0;
    case 'n':
        *(*d)++ = '\n';
        return 0;
    case 'r':
        *(*d)++ = '\r';
        return 0;
    case 't':
        *(*d)++ = '\t';
        return 0;
    case 'u':
        break;
    default:
        js->p--;
        return syntax(
            js, "invalid escape '\\%c'", c >= 0x20 && c < 0x7f ? (char)c : '?');
    }
    if (hex4(js, &cp) < 0) {
        return LCMP_EPARSE;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return syntax(js, "invalid Unicode '\\u%04X'", (unsigned)cp);
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (js->end - js->p < 2 || js->p[0] != '\\' || js->p[1] != 'u') {
            return syntax(js, "invalid Unicode '\\u%04X'", (unsigned)cp);
        }
        js->p += 2;
        if (hex4(js, &lo) < 0) {
            return LCMP_EPARSE;
        }
        if (lo < 0xDC00 || lo > 0xDFFF) {
            return syntax(js,
                          "invalid Unicode '\\u%04X\\u%04X'",
                          (unsigned)cp,
                          (unsigned)lo);
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp == 0) {
        return syntax(js, "\\u0000 is not allowed");
    }
    *d = put_utf8(*d, cp);
    return 0;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), 0 if none. */
static size_t utf8_len(const uint8_t *p, const uint8_t *end)
{
    uint8_t c = p[0], lo = 0x80, hi = 0xBF;
    size_t n, i;

    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (i = 2; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    return n;
}

/* Bytes that stand for themselves in a string: 0x20-0x7F but '"', '\'. */
/* clang-format off */
static const uint8_t plain[256] = {
    ['\x20'] = 1, ['\x21'] = 1, ['\x23'] = 1, ['\x24'] = 1, ['\x25'] = 1,
    ['\x26'] = 1, ['\x27'] = 1, ['\x28'] = 1, ['\x29'] = 1, ['\x2a'] = 1,
    ['\x2b'] = 1, ['\x2c'] = 1, ['\x2d'] = 1, ['\x2e'] = 1, ['\x2f'] = 1,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, [':'] = 1, [';'] = 1,
    ['<'] = 1, ['='] = 1, ['>'] = 1, ['?'] = 1, ['@'] = 1, ['A'] = 1,
    ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1,
    ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1,
    ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1,
    ['Z'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1, ['{'] = 1, ['|'] = 1, ['}'] = 1, ['~'] = 1,
    ['\x7f'] = 1,
};
/* clang-format on */

/* The 8 bytes at p as a number, the first byte lowest (on any machine). */
static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
           (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
           (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

/*
 * Bit 7 of each byte of the result is set when that byte of v is not one
 * plain[] accepts below 0x80: '"', '\\', a control character (< 0x20) or
 * non-ASCII (>= 0x80). Each test is the "some byte is zero / below n" bit
 * trick; its borrows only run towards the high bytes, so the lowest set
 * bit is exact even when a higher one is not: it marks the first byte
 * (as load_le64() reads them) that ends a run of plain ones.
 */
static uint64_t special8(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t quote = v ^ (ones * '"'), slash = v ^ (ones * '\\');

    return (v | ((v - ones * 0x20) & ~v) | ((quote - ones) & ~quote) |
            ((slash - ones) & ~slash)) &
           highs;
}

/* How many bytes come before the one that special8()'s `m` (not 0) marks. */
static size_t plain_before(uint64_t m)
{
#if defined(__GNUC__)
    return (size_t)__builtin_ctzll(m) >> 3;
#else
    size_t n = 0;
    while ((m & 0x80) == 0) {
        m >>= 8;
        n++;
    }
    return n;
#endif
}

/*
 * A string at p (the opening quote). With `copy`, it is unescaped into the
 * strings buffer (*out, *len); without, it is only checked.
 *
 * Plain bytes go eight at a time, copied whole before they are looked at:
 * bytes copied past the end of the run are overwritten by what follows or
 * never read. The copy stays inside the buffer: the strings kept, this one
 * with its NUL included, fit in the input's length plus one, so this one
 * is written from at most that length on, and the buffer has 8 more.
 */
static int scan_string(lcmp__jscan *js, int copy, const char **out, size_t *len)
{
    char *dst = js->strings + js->used, *start = dst, tmp[8], *t;
    const uint8_t *p = js->p + 1, *end = js->end;
    uint64_t m;
    size_t n;

    for (;;) {
        /* (in locals: stores through dst cannot change them) */
        while (end - p >= 8) {
            if (copy) {
                memcpy(dst, p, 8);
            }
            m = special8(load_le64(p));
            if (m != 0) {
                n = plain_before(m);
                p += n;
                dst += copy ? n : 0;
                goto special;
            }
            p += 8;
            dst += copy ? 8 : 0;
        }
        while (p < end && plain[*p]) {
            if (copy) {
                *dst++ = (char)*p;
            }
            p++;
        }
special:
        js->p = p;
        if (p == end) {
            return syntax(js, "unexpected end of input in a string");
        }
        if (*p == '"') {
            js->p = p + 1;
            break;
        }
        if (*p == '\\') {
            js->p = p + 1;
            t = copy ? dst : tmp;
            if (escape(js, &t) < 0) {
                return LCMP_EPARSE;
            }
            dst = copy ? t : dst;
            p = js->p;
        } else if (*p < 0x20) {
            return syntax(js, "control character 0x%02x in a string", *p);
        } else {
            n = utf8_len(p, end);
            if (n == 0) {
                return syntax(js, "invalid UTF-8 in a string");
            }
            if (copy) {
                memcpy(dst, p, n);
                dst += n;
            }
            p += n;
        }
    }
    if (copy) {
        *dst = '\0';
        *out = start;
        *len = (size_t)(dst - start);
        js->used += *len + 1;
    }
    return 0;
}

lcmp__jscan_mark lcmp__jscan_here(const lcmp__jscan *js)
{
    lcmp__jscan_mark at;

    at.p = js->p;
    at.used = js->used;
    return at;
}

void lcmp__jscan_back(lcmp__jscan *js, lcmp__jscan_mark at)
{
    js->p = at.p;
    js->used = at.used;
}

int lcmp__jscan_quoted(lcmp__jscan *js, const char **out, size_t *len)
{
    char *dst = js->strings + js->used;
    const uint8_t *q;
    size_t n;

    if (lcmp__jscan_peek(js) != LCMP__JS_STRING) {
        return 0;
    }
    q = memchr(js->p + 1, '"', (size_t)(js->end - js->p - 1));
    if (q == NULL) {
        return 0;
    }
    /* source bytes, so within the strings' bound (see the invariants) */
    n = (size_t)(q - js->p - 1);
    memcpy(dst, js->p + 1, n);
    dst[n] = '\0';
    js->used += n + 1;
    js->p = q + 1;
    *out = dst;
    *len = n;
    return 1;
}

/* (copying 8 bytes at a time as scan_string() does, for the same reason
 * within the same bounds) */
int lcmp__jscan_plain_string(lcmp__jscan *js, const char **out)
{
    const uint8_t *p = js->p + 1, *q = p, *end = js->end;
    char *dst = js->strings + js->used;
    uint64_t m = 0;
    size_t n;

    if (js->p == end || *js->p != '"') {
        return 0;
    }
    while (end - q >= 8) {
        memcpy(dst + (q - p), q, 8);
        if ((m = special8(load_le64(q))) != 0) {
            q += plain_before(m);
            break;
        }
        q += 8;
    }
    if (m == 0) {
        while (q < end && plain[*q]) {
            dst[q - p] = (char)*q;
            q++;
        }
    }
    if (q == end || *q != '"') {
        return 0; /* an escape, a control character, non-ASCII, the end */
    }
    n = (size_t)(q - p);
    dst[n] = '\0';
    js->used += n + 1;
    js->p = q + 1;
    *out = dst;
    return 1;
}

static int read_string(lcmp__jscan *js, const char **out, size_t *len)
{
    return scan_string(js, 1, out, len);
}

int lcmp__jscan_string(lcmp__jscan *js, const char **out, size_t *len)
{
    size_t ignored;

    if (lcmp__jscan_peek(js) != LCMP__JS_STRING) {
        return wrong_type(js, LCMP__JS_STRING);
    }
    return read_string(js, out, len != NULL ? len : &ignored);
}

int lcmp__jscan_int(lcmp__jscan *js, int64_t *out)
{
    const uint8_t *e, *q;
    uint64_t v = 0, limit;
    int real, neg;

    if (lcmp__jscan_peek(js) != LCMP__JS_INTEGER) {
        return wrong_type(js, LCMP__JS_INTEGER);
    }
    if (scan_number(js, &e, &real) < 0) {
        return LCMP_EPARSE;
    }
    q = js->p;
    neg = *q == '-';
    q += neg;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; q < e; q++) {
        uint64_t digit = (uint64_t)(*q - '0');
        if (v > (limit - digit) / 10) {
            return syntax(js, "too big integer");
        }
        v = v * 10 + digit;
    }
    js->p = e;
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v)
               : (int64_t)v;
    return 0;
}

static int literal(lcmp__jscan *js, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(js->end - js->p) < n || memcmp(js->p, word, n) != 0) {
        return syntax(js, "invalid JSON value");
    }
    js->p += n;
    return 0;
}

/* A real must not overflow a double (jansson refuses that too). */
static int check_real(lcmp__jscan *js, const uint8_t *e)
{
    char small[64], *buf = small;
    size_t n = (size_t)(e - js->p);
    double v;
    int overflow;

    if (n >= sizeof(small)) {
        buf = malloc(n + 1);
        if (buf == NULL) {
            return lcmp__jscan_error(js, LCMP_ENOMEM, "out of memory");
        }
    }
    memcpy(buf, js->p, n);
    buf[n] = '\0';
    errno = 0;
    v = strtod(buf, NULL);
    overflow = errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL);
    if (buf != small) {
        free(buf);
    }
    if (overflow) {
        return syntax(js, "real number overflow");
    }
    js->p = e;
    return 0;
}

static int skip_value(lcmp__jscan *js);

int lcmp__jscan_skip(lcmp__jscan *js)
{
    /* nothing read while skipping is kept: its strings are given back */
    size_t mark = js->used;
    int rc = skip_value(js);

    if (rc == 0) {
        js->used = mark;
    }
    return rc;
}

static int skip_value(lcmp__jscan *js)
{
    const uint8_t *e;
    const char *s;
    int64_t i;
    int rc, real;

    switch (lcmp__jscan_peek(js)) {
    case LCMP__JS_OBJECT:
        if ((rc = lcmp__jscan_object(js)) < 0) {
            return rc;
        }
        while ((rc = lcmp__jscan_member(js, &s)) == 1) {
            if ((rc = skip_value(js)) < 0) {
                return rc;
            }
        }
        return rc;
    case LCMP__JS_ARRAY:
        if ((rc = lcmp__jscan_array(js)) < 0) {
            return rc;
        }
        while ((rc = lcmp__jscan_element(js)) == 1) {
            if ((rc = skip_value(js)) < 0) {
                return rc;
            }
        }
        return rc;
    default:
        break;
    }
    if (js->depth == 0) {
        return wrong_type(js, LCMP__JS_OBJECT);
    }
    switch (lcmp__jscan_peek(js)) {
    case LCMP__JS_STRING:
        return scan_string(js, 0, NULL, NULL);
    case LCMP__JS_INTEGER:
        return lcmp__jscan_int(js, &i);
    case LCMP__JS_REAL:
        if (scan_number(js, &e, &real) < 0) {
            return LCMP_EPARSE;
        }
        return check_real(js, e);
    case LCMP__JS_BOOLEAN:
        return literal(js, *js->p == 't' ? "true" : "false");
    case LCMP__JS_NULL:
        return literal(js, "null");
    default:
        return wrong_type(js, LCMP__JS_OBJECT);
    }
}

int lcmp__jscan_member(lcmp__jscan *js, const char **key)
{
    size_t len;
    int any;

    skip_ws(js);
    if (js->p == js->end) {
        return syntax(js, "unexpected end of input");
    }
    any = js->level[js->depth].any;
    if (*js->p == '}') {
        js->p++;
        js->depth--;
        return 0;
    }
    if (any) {
        if (*js->p != ',') {
            return syntax(js, "',' or '}' expected");
        }
        js->p++;
        skip_ws(js);
    }
    if (js->p == js->end || *js->p != '"') {
        return syntax(
            js, any ? "string expected after ','" : "string or '}' expected");
    }
    if (read_string(js, key, &len) < 0) {
        return LCMP_EPARSE;
    }
    skip_ws(js);
    if (js->p == js->end || *js->p != ':') {
        return syntax(js, "':' expected");
    }
    js->p++;
    js->level[js->depth].any = 1;
    js->level[js->depth].key = *key;
    return 1;
}

int lcmp__jscan_element(lcmp__jscan *js)
{
    int any;

    skip_ws(js);
    if (js->p == js->end) {
        return syntax(js, "unexpected end of input");
    }
    any = js->level[js->depth].any;
    if (*js->p == ']') {
        js->p++;
        js->depth--;
        return 0;
    }
    if (any) {
        if (*js->p != ',') {
            return syntax(js, "',' or ']' expected");
        }
        js->p++;
        skip_ws(js);
        if (js->p < js->end && *js->p == ']') {
            return syntax(js, "value expected after ','");
        }
        js->level[js->depth].index++;
    }
    js->level[js->depth].any = 1;
    return 1;
}

int lcmp__jscan_finish(lcmp__jscan *js)
{
    skip_ws(js);
    if (js->p != js->end) {
        return syntax(js, "end of file expected");
    }
    return 0;
}
