/*
 * libcompliance: common definitions shared by every module.
 *
 * Error codes, the caller-owned error object, the output buffer and time
 * helpers. This header includes only <stddef.h>, <stdint.h> and <stdbool.h>.
 */
#ifndef LIBCOMPLIANCE_COMMON_H
#define LIBCOMPLIANCE_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(LCMP_BUILDING_LIBRARY) && defined(__GNUC__)
#define LCMP_EXTERN __attribute__((visibility("default")))
#else
#define LCMP_EXTERN
#endif

#if defined(__GNUC__)
#define LCMP_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define LCMP_WARN_UNUSED
#endif

/** The library's version as a string, e.g. "0.1.0". */
#define LCMP_VERSION       "0.1.0"
#define LCMP_VERSION_MAJOR 0
#define LCMP_VERSION_MINOR 1
#define LCMP_VERSION_PATCH 0

/**
 * Error codes returned by fallible functions (0 means success).
 *
 * Codes are append-only: they are never renumbered or reused.
 */
typedef enum {
    LCMP_OK = 0,
    LCMP_ERROR = -1,     /**< generic error */
    LCMP_EINVALID = -2,  /**< invalid argument or invalid content */
    LCMP_ENOTFOUND = -3, /**< a file, object or id does not exist */
    LCMP_EPARSE = -4,    /**< malformed input (syntax or schema) */
    LCMP_EIO = -5,       /**< reading or writing failed */
    LCMP_EGIT = -6,      /**< a Git operation failed */
    LCMP_ECRYPTO = -7,   /**< the crypto backend failed */
    LCMP_ELIMIT = -8,    /**< a size, depth or count limit was exceeded */
    LCMP_ENOMEM = -9,    /**< out of memory */
    LCMP_EVERIFY = -10   /**< a signature, trust or freshness check failed */
} lcmp_error_code;

/**
 * A caller-owned error, filled by the innermost failing call.
 *
 * Put it on the stack and pass its address as the last argument; NULL is
 * allowed when the caller does not want details. It never allocates.
 * `source` is a file path, `<string>` or `<git:REV:path>`; `pointer` is an
 * RFC 6901 JSON pointer into that source (empty when not applicable);
 * `line` and `column` are 1-based and only set for syntax errors (-1
 * otherwise). Long values are left-truncated with "...".
 */
typedef struct lcmp_error {
    int code;
    int line;
    int column;
    char source[256];
    char pointer[256];
    char message[256];
} lcmp_error;

/** Reset an error to "no error" (code 0, empty strings, line/column -1). */
LCMP_EXTERN void lcmp_error_clear(lcmp_error *err);

/**
 * Format an error as one line: "SOURCE:LINE:COLUMN: POINTER: MESSAGE",
 * leaving out the parts that are unknown.
 *
 * @param[out] out buffer to write to (always NUL-terminated if size > 0)
 * @param size size of `out`
 * @param err the error
 * @return the length the full line has (like snprintf)
 */
LCMP_EXTERN size_t lcmp_error_format(char *out,
                                     size_t size,
                                     const lcmp_error *err);

/**
 * Overwrite `len` bytes at `p` with zeros in a way the compiler may not
 * optimise away; for passphrases and other secrets the caller holds.
 */
LCMP_EXTERN void lcmp_wipe(void *p, size_t len);

/** lcmp_file_write_atomic(): replace an existing file (else refused). */
#define LCMP_WRITE_F_REPLACE (1u << 0)

/**
 * Write a file so that it is never seen half-written: a temporary file in
 * the same directory with `mode`, fsync, then moved into place, and the
 * directory synced. Without LCMP_WRITE_F_REPLACE an existing file is
 * refused, also when it appears during the write (link(2) never replaces).
 *
 * @return 0; LCMP_EINVALID ("already exists", a directory, no file name);
 *         LCMP_ENOTFOUND (no such directory); LCMP_EIO
 */
LCMP_EXTERN int lcmp_file_write_atomic(const char *path,
                                       const void *data,
                                       size_t len,
                                       unsigned int mode,
                                       uint32_t flags,
                                       lcmp_error *err);

/** Static, human-readable text for an error code. */
LCMP_EXTERN const char *lcmp_strerror(int code);

/**
 * A growable byte buffer the library fills for the caller.
 *
 * Initialise with LCMP_BUF_INIT; release with lcmp_buf_dispose(). `ptr` is
 * always NUL-terminated when not NULL; `size` excludes the terminator.
 */
typedef struct lcmp_buf {
    char *ptr;
    size_t size;
    size_t asize;
} lcmp_buf;

#define LCMP_BUF_INIT \
    {                 \
        NULL, 0, 0    \
    }

/** Free the memory of a buffer and reset it; NULL-safe. */
LCMP_EXTERN void lcmp_buf_dispose(lcmp_buf *buf);

/**
 * Parse a time given as RFC 3339 (`2026-11-27T09:00:00Z`, offsets allowed)
 * or as a date (`2026-11-27`, meaning 00:00 UTC).
 *
 * @param[out] out seconds since 1970-01-01T00:00:00Z
 * @param text the text to parse (NUL-terminated)
 * @param err optional error
 * @return 0 or LCMP_EINVALID
 */
LCMP_EXTERN int
lcmp_time_parse(int64_t *out, const char *text, lcmp_error *err);

/**
 * Format a time as RFC 3339 in UTC (`2026-11-27T09:00:00Z`).
 *
 * @param[out] out at least 21 bytes
 * @param t seconds since the epoch
 */
LCMP_EXTERN void lcmp_time_format(char out[21], int64_t t);

#ifdef __cplusplus
}
#endif

#endif
