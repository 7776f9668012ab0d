/*
 * Internal helpers shared by every module: filling errors, growing
 * buffers, calendar dates. Never exported.
 */
#ifndef LCMP_UTIL_H
#define LCMP_UTIL_H

#include <stdarg.h>

#include "libcompliance/common.h"

#if defined(__GNUC__)
#define LCMP__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LCMP__PRINTF(f, a)
#endif

/*
 * Fill `err` (if not NULL) and return `code`. `source` and `pointer` may be
 * NULL. Line and column are set to -1. The message is one line: newlines
 * and control characters are replaced by spaces.
 */
int lcmp__error_set(lcmp_error *err,
                    int code,
                    const char *source,
                    const char *pointer,
                    const char *fmt,
                    ...) LCMP__PRINTF(5, 6);
int lcmp__error_vset(lcmp_error *err,
                     int code,
                     const char *source,
                     const char *pointer,
                     const char *fmt,
                     va_list ap) LCMP__PRINTF(5, 0);

/* printf into out[size] as error messages are: cut on a character
 * boundary, control characters as spaces, invalid UTF-8 as '?'. */
void lcmp__vformat_text(char *out, size_t size, const char *fmt, va_list ap)
    LCMP__PRINTF(3, 0);

/* Copy `src` into `dst` of `size`, left-truncating with "..." if too long. */
void lcmp__strlcpy_left(char *dst, size_t size, const char *src);

/* Buffers. All return 0 or LCMP_ENOMEM; on failure the buffer is kept. */
int lcmp__buf_grow(lcmp_buf *buf, size_t need);
int lcmp__buf_put(lcmp_buf *buf, const char *data, size_t len);
int lcmp__buf_puts(lcmp_buf *buf, const char *s);
int lcmp__buf_printf(lcmp_buf *buf, const char *fmt, ...) LCMP__PRINTF(2, 3);
void lcmp__buf_clear(lcmp_buf *buf);

/* Duplicate a string; NULL on allocation failure (or when s is NULL). */
char *lcmp__strdup(const char *s);
/* printf into a new string; NULL on failure. */
char *lcmp__aprintf(const char *fmt, ...) LCMP__PRINTF(1, 2);

/*
 * Calendar dates as days since 1970-01-01 (proleptic Gregorian, UTC).
 * lcmp__date_parse accepts exactly "YYYY-MM-DD" with a valid day (years
 * 1000-9999); returns 0 or LCMP_EINVALID.
 */
int lcmp__date_parse(int32_t *out, const char *s);
void lcmp__date_format(char out[11], int32_t days);
int32_t lcmp__days_from_civil(int64_t y, unsigned m, unsigned d);
void lcmp__civil_from_days(int32_t days, int64_t *y, unsigned *m, unsigned *d);
/* Add calendar months; a day past the end of the target month is clamped. */
int32_t lcmp__date_add_months(int32_t days, int32_t months);
/* The calendar date (UTC) of a time. */
int32_t lcmp__date_of_time(int64_t t);

/* Lowercase hex of `len` bytes into `out` (2*len+1 bytes). */
void lcmp__hex(char *out, const uint8_t *in, size_t len);
/* Parse exactly 64 lowercase hex digits; 0 or LCMP_EINVALID. */
int lcmp__sha256_parse(uint8_t out[32], const char *hex);

/* Read a whole file, refusing more than max_size bytes (LCMP_ELIMIT). */
int lcmp__file_read(lcmp_buf *out,
                    const char *path,
                    size_t max_size,
                    lcmp_error *err);

/* The same for `name` relative to the open directory `dirfd` (AT_FDCWD
 * for the working directory), `shown` naming it in errors. With
 * LCMP__READ_REGULAR only a regular file is read: a symbolic link is not
 * followed (LCMP_EINVALID) and anything else is refused without waiting
 * on it (a FIFO, a device: LCMP_EINVALID). */
#define LCMP__READ_REGULAR 1u
int lcmp__file_readat(lcmp_buf *out,
                      int dirfd,
                      const char *name,
                      const char *shown,
                      unsigned int flags,
                      size_t max_size,
                      lcmp_error *err);

/*
 * A directory's entries, read from a descriptor open on it, which stays
 * the caller's to close: lcmp__dir_begin() (0, or -1 with errno set),
 * lcmp__dir_next() until it returns 0 (1 with the entry's name and d_type,
 * DT_UNKNOWN or 0 where the system gives none; -1 with errno set), then
 * lcmp__dir_end(). The names live until the next call. See dirlist.c.
 */
typedef struct lcmp__dir {
    int fd;
    size_t pos, len;
    void *stream;       /* a DIR, where getdents64() is not used */
    uint64_t buf[1024]; /* 8 KiB, aligned for struct dirent64 */
} lcmp__dir;
int lcmp__dir_begin(lcmp__dir *d, int fd);
int lcmp__dir_next(lcmp__dir *d, const char **name, int *type);
void lcmp__dir_end(lcmp__dir *d);

#define LCMP__DEFAULT_MAX_FILE_SIZE ((size_t)16 * 1024 * 1024)
#define LCMP__DEFAULT_MAX_DEPTH     64u

#endif
