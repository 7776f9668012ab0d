/*
 * A strict, allocation-light JSON reader for the two documents that are
 * read on the verification hot path: DSSE envelopes and statements
 * (internal).
 *
 * jansson lexes about 16 ns per byte and builds a tree; verifying a
 * statement read both the envelope and the payload that way and spent
 * twice the signature check on it. This reader walks the text once, in
 * the order the schema code asks for values, and never builds a tree.
 * It is exactly as strict as lcmp__json_parse() for what it reads: RFC 8259
 * syntax, an object or array at the top, valid UTF-8 (RFC 3629), no
 * control characters in strings, escapes decoded (surrogate pairs joined,
 * lone surrogates and \u0000 refused), integers that fit in 64 bits,
 * nothing after the value, a depth limit. Duplicate keys are refused by
 * the schema code, which knows every member it accepts (see
 * lcmp__jscan_seen()); values skipped with lcmp__jscan_skip() are checked
 * for syntax only.
 *
 * Strings are copied, unescaped and NUL-terminated, into one buffer the
 * scanner allocates once (the input never needs more); they stay valid
 * until lcmp__jscan_take_strings() hands the buffer over or
 * lcmp__jscan_dispose() frees it.
 *
 * Errors: syntax errors carry line and column; every error carries the
 * RFC 6901 pointer of the value being read.
 */
#ifndef LCMP_JSCAN_H
#define LCMP_JSCAN_H

#include <stdarg.h>
#include <string.h>

#include "libcompliance/common.h"
#include "util.h"

#define LCMP__JSCAN_MAX_DEPTH 64

/* What the next value is (lcmp__jscan_peek()). */
typedef enum {
    LCMP__JS_OBJECT,
    LCMP__JS_ARRAY,
    LCMP__JS_STRING,
    LCMP__JS_INTEGER,
    LCMP__JS_REAL,
    LCMP__JS_BOOLEAN,
    LCMP__JS_NULL,
    LCMP__JS_INVALID
} lcmp__js_type;

typedef struct lcmp__jscan {
    const uint8_t *start;
    const uint8_t *p;
    const uint8_t *end;
    const char *source;
    lcmp_error *err;
    unsigned int depth; /* open containers */
    unsigned int max_depth;
    /* per open container: whether a value was read yet, and where the
     * reader is (the member's key, or the element's index) */
    struct {
        int any;
        const char *key; /* NULL in an array */
        size_t index;
    } level[LCMP__JSCAN_MAX_DEPTH + 1];
    char *strings; /* unescaped strings, NUL-terminated */
    size_t used;
    size_t cap;
} lcmp__jscan;

/* Start reading `len` bytes; 0 or LCMP_ENOMEM / LCMP_ELIMIT (depth). */
int lcmp__jscan_init(lcmp__jscan *js,
                     const uint8_t *buf,
                     size_t len,
                     const char *source,
                     unsigned int max_depth,
                     lcmp_error *err);
void lcmp__jscan_dispose(lcmp__jscan *js);
/* The strings buffer, now the caller's (free()); NULL if none. */
char *lcmp__jscan_take_strings(lcmp__jscan *js);

/* The type of the next value (whitespace skipped), without reading it. */
lcmp__js_type lcmp__jscan_peek(lcmp__jscan *js);
/* "an object", "a string", ... for messages. */
const char *lcmp__jscan_type_name(lcmp__js_type t);

/*
 * Containers. _object()/_array() read the opening bracket (a wrong type is
 * "expected an object, got a string"). _member() returns 1 with *key set
 * after reading `"key":`, 0 after reading the closing brace; _element()
 * returns 1 when a value follows, 0 after the closing bracket. Errors are
 * negative codes.
 */
int lcmp__jscan_object(lcmp__jscan *js);
int lcmp__jscan_member(lcmp__jscan *js, const char **key);
int lcmp__jscan_array(lcmp__jscan *js);
int lcmp__jscan_element(lcmp__jscan *js);

/* Scalars; a wrong type is an error naming both types. */
int lcmp__jscan_string(lcmp__jscan *js, const char **out, size_t *len);
int lcmp__jscan_int(lcmp__jscan *js, int64_t *out);
/* Any value, checked for syntax (not for duplicate keys); its strings
 * are not kept. */
int lcmp__jscan_skip(lcmp__jscan *js);
/* After the top-level value: only whitespace may remain. */
int lcmp__jscan_finish(lcmp__jscan *js);

/*
 * Duplicate keys: `seen` is a bit mask of the members of the current
 * object already read, `bit` the member's; a repeated member is a syntax
 * error (with line and column) at its pointer ("duplicate object key
 * 'x'"). 0 or LCMP_EPARSE.
 */
int lcmp__jscan_seen(lcmp__jscan *js,
                     uint32_t *seen,
                     uint32_t bit,
                     const char *key);

/*
 * Reading text laid out exactly as a known writer lays it out, without
 * the general machinery (for the many small objects of one shape in a
 * statement's results). These never report an error: when the text
 * differs, they return 0 and the caller goes back to a mark taken before
 * and reads the same text the general way, which accepts or refuses it
 * with its own message. Going back also gives back the strings kept since.
 */
typedef struct lcmp__jscan_mark {
    const uint8_t *p;
    size_t used;
} lcmp__jscan_mark;

lcmp__jscan_mark lcmp__jscan_here(const lcmp__jscan *js);
void lcmp__jscan_back(lcmp__jscan *js, lcmp__jscan_mark at);
/* 1, and past it, when the text goes on with the `len` bytes of `lit`
 * (inline: with a constant `len` the compiler compares in place). */
static inline int lcmp__jscan_lit(lcmp__jscan *js, const char *lit, size_t len)
{
    if ((size_t)(js->end - js->p) < len || memcmp(js->p, lit, len) != 0) {
        return 0;
    }
    js->p += len;
    return 1;
}
/* 1 with the bytes up to the next '"' kept as a string (*out, *len), not
 * checked nor unescaped, when a string follows: for a caller that checks
 * every byte itself (base64 admits none that JSON escapes) and goes back
 * to its mark when one does not pass. */
int lcmp__jscan_quoted(lcmp__jscan *js, const char **out, size_t *len);
/* 1 with the string kept (*out, NUL-terminated) when a string of plain
 * ASCII (0x20-0x7F, no '\\') follows, else 0 and nothing read. */
int lcmp__jscan_plain_string(lcmp__jscan *js, const char **out);

/* An error at the current pointer (syntax errors: with line/column). */
int lcmp__jscan_error(lcmp__jscan *js, int code, const char *fmt, ...)
    LCMP__PRINTF(3, 4);

#endif
