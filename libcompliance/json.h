/*
 * Strict JSON loading and typed access with RFC 6901 pointers in errors.
 *
 * Every input document goes through lcmp__json_parse(): size and depth
 * limits, duplicate keys, invalid UTF-8 and NUL refused. Loaders then walk
 * the tree with an lcmp__jpath, which tracks where they are so that every
 * error names the file and the JSON pointer.
 */
#ifndef LCMP_JSON_H
#define LCMP_JSON_H

#include <jansson.h>

#include "libcompliance/common.h"
#include "libcompliance/baseline.h"
#include "util.h"

typedef struct lcmp__json_limits {
    size_t max_size;
    unsigned int max_depth;
} lcmp__json_limits;

/* Limits from public load options (NULL or zero members: defaults). */
int lcmp__json_limits_from(lcmp__json_limits *out,
                           const lcmp_load_options *opts,
                           lcmp_error *err);

/*
 * Parse `len` bytes strictly into a new reference (json_decref when done).
 * Syntax errors set line and column; limit errors return LCMP_ELIMIT.
 */
int lcmp__json_parse(json_t **out,
                     const uint8_t *buf,
                     size_t len,
                     const char *source,
                     const lcmp__json_limits *lim,
                     lcmp_error *err);

/* Read a file and parse it (LCMP_EIO / LCMP_ENOTFOUND if unreadable). */
int lcmp__json_load_file(json_t **out,
                         const char *path,
                         const lcmp__json_limits *lim,
                         lcmp_error *err);

#define LCMP__JPATH_MAX 512

/*
 * Where a loader is: the source name and the current JSON pointer. Errors
 * raised through it go to `err` (which may be NULL).
 */
typedef struct lcmp__jpath {
    const char *source;
    char ptr[LCMP__JPATH_MAX];
    size_t len;
    lcmp_error *err;
} lcmp__jpath;

void lcmp__jpath_init(lcmp__jpath *p, const char *source, lcmp_error *err);
/* Append "/key" (escaped per RFC 6901); returns the length to pop back to. */
size_t lcmp__jpath_push(lcmp__jpath *p, const char *key);
/* Append "/i". */
size_t lcmp__jpath_push_index(lcmp__jpath *p, size_t i);
void lcmp__jpath_pop(lcmp__jpath *p, size_t len);

/* Raise an error at the current pointer; returns `code`. */
int lcmp__jpath_error(lcmp__jpath *p, int code, const char *fmt, ...)
    LCMP__PRINTF(3, 4);
/* Raise an error at the current pointer + "/key"; returns `code`. */
int lcmp__jpath_error_at(lcmp__jpath *p,
                         const char *key,
                         int code,
                         const char *fmt,
                         ...) LCMP__PRINTF(4, 5);

/* "an object", "a string", "an integer", "a number", ... */
const char *lcmp__json_type_name(const json_t *v);

/* Whether `s` matches [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
int lcmp__is_identifier(const char *s);

/*
 * Check that `v` is an object whose members are all in `allowed` (a
 * NULL-terminated list); the first unknown member is an error at its own
 * pointer: "unknown member 'x'". LCMP_EPARSE on failure.
 */
int lcmp__json_expect_object(const json_t *v,
                             const char *const *allowed,
                             lcmp__jpath *p);

/*
 * Typed getters for member `key` of object `obj`. When the member is absent:
 * with `required` an error at the object ("missing member 'key'"), without,
 * *out is left untouched and 0 is returned. A member of the wrong type is an
 * error at the member's pointer: "expected a string, got an integer".
 * Strings are borrowed from the tree. All errors are LCMP_EPARSE.
 */
int lcmp__json_get_string(const char **out,
                          const json_t *obj,
                          const char *key,
                          int required,
                          lcmp__jpath *p);
/* A non-empty string matching lcmp__is_identifier(). */
int lcmp__json_get_id(const char **out,
                      const json_t *obj,
                      const char *key,
                      int required,
                      lcmp__jpath *p);
int lcmp__json_get_bool(int *out,
                        const json_t *obj,
                        const char *key,
                        int required,
                        lcmp__jpath *p);
int lcmp__json_get_int(int64_t *out,
                       const json_t *obj,
                       const char *key,
                       int required,
                       lcmp__jpath *p);
/* An integer or real. */
int lcmp__json_get_number(double *out,
                          const json_t *obj,
                          const char *key,
                          int required,
                          lcmp__jpath *p);
/* A "YYYY-MM-DD" string. */
int lcmp__json_get_date(int32_t *out,
                        const json_t *obj,
                        const char *key,
                        int required,
                        lcmp__jpath *p);
int lcmp__json_get_array(json_t **out,
                         const json_t *obj,
                         const char *key,
                         int required,
                         lcmp__jpath *p);
int lcmp__json_get_object(json_t **out,
                          const json_t *obj,
                          const char *key,
                          int required,
                          lcmp__jpath *p);
/*
 * An array of identifiers (or of strings when `ids` is 0) as a new
 * malloc'd array of borrowed pointers (free() only the array). Duplicate
 * entries are refused. *count receives the length.
 */
int lcmp__json_get_strings(const char ***out,
                           size_t *count,
                           const json_t *obj,
                           const char *key,
                           int required,
                           int ids,
                           lcmp__jpath *p);

#endif
