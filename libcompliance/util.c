/*
 * Errors, buffers, calendar dates and small file helpers.
 *
 * Invariants: an lcmp_error is never allocated and always NUL-terminated
 * after lcmp__error_set(); a buffer's ptr is NUL-terminated whenever it is
 * not NULL. Date arithmetic is proleptic Gregorian in UTC (Howard
 * Hinnant's civil-date algorithms), so it needs no time zone or clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "util.h"

void lcmp_error_clear(lcmp_error *err)
{
    if (err == NULL) {
        return;
    }
    memset(err, 0, sizeof(*err));
    err->line = -1;
    err->column = -1;
}

void lcmp__strlcpy_left(char *dst, size_t size, const char *src)
{
    const char *tail;
    size_t len;

    if (size == 0) {
        return;
    }
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    len = strlen(src);
    if (len < size) {
        memcpy(dst, src, len + 1);
        return;
    }
    /* keep the end, which names the innermost file or member; start on a
     * character boundary so that the text stays valid UTF-8 */
    tail = src + len - (size <= 4 ? size - 1 : size - 4);
    while (((unsigned char)*tail & 0xC0) == 0x80) {
        tail++;
    }
    if (size <= 4) {
        memcpy(dst, tail, strlen(tail) + 1);
        return;
    }
    memcpy(dst, "...", 3);
    memcpy(dst + 3, tail, strlen(tail) + 1);
}

/* Drop a UTF-8 character that a cut at the end of `s` left incomplete. */
static void utf8_trim_end(char *s)
{
    size_t len = strlen(s), i = len;
    unsigned char lead;
    size_t need;

    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) {
        i--;
    }
    if (i == 0) {
        return;
    }
    lead = (unsigned char)s[i - 1];
    need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (i - 1) < need) {
        s[i - 1] = '\0';
    }
}

/* Length of the well-formed UTF-8 character at `s` (RFC 3629), 0 if none. */
static size_t utf8_char(const unsigned char *s)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n, i;

    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        lo = s[0] == 0xE0 ? 0xA0 : 0x80; /* no overlong forms */
        hi = s[0] == 0xED ? 0x9F : 0xBF; /* no surrogates */
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        lo = s[0] == 0xF0 ? 0x90 : 0x80;
        hi = s[0] == 0xF4 ? 0x8F : 0xBF; /* nothing past U+10FFFF */
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (i = 2; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    return n;
}

/*
 * Make `s` valid UTF-8 (errors are written into JSON): a byte that starts
 * no well-formed character becomes '?'. jansson quotes the bytes "near"
 * a syntax error, which may be half a character; paths may be anything.
 */
static void utf8_scrub(char *s)
{
    unsigned char *p = (unsigned char *)s;

    while (*p != '\0') {
        size_t n = utf8_char(p);

        if (n == 0) {
            *p++ = '?';
        } else {
            p += n;
        }
    }
}

void lcmp__vformat_text(char *out, size_t size, const char *fmt, va_list ap)
{
    char *c;

    if (vsnprintf(out, size, fmt, ap) >= (int)size) {
        utf8_trim_end(out);
    }
    for (c = out; *c != '\0'; c++) {
        if ((unsigned char)*c < 0x20 || *c == 0x7f) {
            *c = ' ';
        }
    }
    utf8_scrub(out);
}

int lcmp__error_vset(lcmp_error *err,
                     int code,
                     const char *source,
                     const char *pointer,
                     const char *fmt,
                     va_list ap)
{
    if (err == NULL) {
        return code;
    }
    lcmp_error_clear(err);
    err->code = code;
    lcmp__strlcpy_left(err->source, sizeof(err->source), source);
    lcmp__strlcpy_left(err->pointer, sizeof(err->pointer), pointer);
    /* a pointer that outgrew its lcmp__jpath lost its end, maybe mid-way
     * through a character */
    utf8_trim_end(err->pointer);
    lcmp__vformat_text(err->message, sizeof(err->message), fmt, ap);
    utf8_scrub(err->source);
    utf8_scrub(err->pointer);
    return code;
}

int lcmp__error_set(lcmp_error *err,
                    int code,
                    const char *source,
                    const char *pointer,
                    const char *fmt,
                    ...)
{
    va_list ap;

    va_start(ap, fmt);
    code = lcmp__error_vset(err, code, source, pointer, fmt, ap);
    va_end(ap);
    return code;
}

size_t lcmp_error_format(char *out, size_t size, const lcmp_error *err)
{
    char pos[64] = "";
    int n;

    if (err == NULL) {
        n = snprintf(out, size, "no error");
        return n < 0 ? 0 : (size_t)n;
    }
    if (err->line > 0) {
        if (err->column > 0) {
            snprintf(pos, sizeof(pos), ":%d:%d", err->line, err->column);
        } else {
            snprintf(pos, sizeof(pos), ":%d", err->line);
        }
    }
    n = snprintf(out,
                 size,
                 "%s%s%s%s%s%s",
                 err->source,
                 pos,
                 err->source[0] != '\0' || pos[0] != '\0' ? ": " : "",
                 err->pointer,
                 err->pointer[0] != '\0' ? ": " : "",
                 err->message[0] != '\0' ? err->message
                                         : lcmp_strerror(err->code));
    return n < 0 ? 0 : (size_t)n;
}

const char *lcmp_strerror(int code)
{
    switch (code) {
    case LCMP_OK:
        return "no error";
    case LCMP_ERROR:
        return "error";
    case LCMP_EINVALID:
        return "invalid argument or content";
    case LCMP_ENOTFOUND:
        return "not found";
    case LCMP_EPARSE:
        return "malformed input";
    case LCMP_EIO:
        return "input/output error";
    case LCMP_EGIT:
        return "git error";
    case LCMP_ECRYPTO:
        return "crypto error";
    case LCMP_ELIMIT:
        return "limit exceeded";
    case LCMP_ENOMEM:
        return "out of memory";
    case LCMP_EVERIFY:
        return "verification failed";
    default:
        return "unknown error";
    }
}

void lcmp_wipe(void *p, size_t len)
{
    if (p != NULL && len > 0) {
        OPENSSL_cleanse(p, len);
    }
}

void lcmp_buf_dispose(lcmp_buf *buf)
{
    if (buf == NULL) {
        return;
    }
    free(buf->ptr);
    buf->ptr = NULL;
    buf->size = 0;
    buf->asize = 0;
}

void lcmp__buf_clear(lcmp_buf *buf)
{
    buf->size = 0;
    if (buf->ptr != NULL) {
        buf->ptr[0] = '\0';
    }
}

int lcmp__buf_grow(lcmp_buf *buf, size_t need)
{
    size_t asize;
    char *p;

    if (need < buf->asize) {
        return 0;
    }
    asize = buf->asize < 64 ? 64 : buf->asize;
    while (asize <= need) {
        if (asize > SIZE_MAX / 2) {
            return LCMP_ENOMEM;
        }
        asize *= 2;
    }
    p = realloc(buf->ptr, asize);
    if (p == NULL) {
        return LCMP_ENOMEM;
    }
    if (buf->ptr == NULL) {
        p[0] = '\0';
    }
    buf->ptr = p;
    buf->asize = asize;
    return 0;
}

int lcmp__buf_put(lcmp_buf *buf, const char *data, size_t len)
{
    if (len > SIZE_MAX - buf->size - 1) {
        return LCMP_ENOMEM;
    }
    if (lcmp__buf_grow(buf, buf->size + len + 1) < 0) {
        return LCMP_ENOMEM;
    }
    if (len > 0) {
        memcpy(buf->ptr + buf->size, data, len);
    }
    buf->size += len;
    buf->ptr[buf->size] = '\0';
    return 0;
}

int lcmp__buf_puts(lcmp_buf *buf, const char *s)
{
    return lcmp__buf_put(buf, s, strlen(s));
}

int lcmp__buf_printf(lcmp_buf *buf, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || lcmp__buf_grow(buf, buf->size + (size_t)n + 1) < 0) {
        return LCMP_ENOMEM;
    }
    va_start(ap, fmt);
    vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->size += (size_t)n;
    return 0;
}

char *lcmp__strdup(const char *s)
{
    size_t len;
    char *d;

    if (s == NULL) {
        return NULL;
    }
    len = strlen(s);
    d = malloc(len + 1);
    if (d != NULL) {
        memcpy(d, s, len + 1);
    }
    return d;
}

char *lcmp__aprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NULL;
    }
    s = malloc((size_t)n + 1);
    if (s == NULL) {
        return NULL;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int32_t lcmp__days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + doe - 719468);
}

void lcmp__civil_from_days(int32_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = (int64_t)days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;

    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static unsigned days_in_month(int64_t y, unsigned m)
{
    static const unsigned mdays[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : mdays[m - 1];
}

static int digits(const char *s, size_t n, unsigned *out)
{
    size_t i;
    unsigned v = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static int parse_ymd(const char *s, int64_t *y, unsigned *m, unsigned *d)
{
    unsigned yy;

    if (digits(s, 4, &yy) < 0 || s[4] != '-' || digits(s + 5, 2, m) < 0 ||
        s[7] != '-' || digits(s + 8, 2, d) < 0)
    {
        return -1;
    }
    if (yy < 1000 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(yy, *m))
    {
        return -1;
    }
    *y = yy;
    return 0;
}

int lcmp__date_parse(int32_t *out, const char *s)
{
    int64_t y;
    unsigned m, d;

    if (s == NULL || strlen(s) != 10 || parse_ymd(s, &y, &m, &d) < 0) {
        return LCMP_EINVALID;
    }
    *out = lcmp__days_from_civil(y, m, d);
    return 0;
}

/* Write `n` decimal digits of `v` (modulo 10^n) at `out`. */
static void put_digits(char *out, unsigned long long v, int n)
{
    while (n-- > 0) {
        out[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

void lcmp__date_format(char out[11], int32_t days)
{
    int64_t y;
    unsigned m, d;

    lcmp__civil_from_days(days, &y, &m, &d);
    put_digits(out, (unsigned long long)(y < 0 ? 0 : y), 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = '\0';
}

int32_t lcmp__date_add_months(int32_t days, int32_t months)
{
    int64_t y, total;
    unsigned m, d, dim;

    lcmp__civil_from_days(days, &y, &m, &d);
    total = y * 12 + (int64_t)(m - 1) + months;
    y = (total >= 0 ? total : total - 11) / 12;
    m = (unsigned)(total - y * 12) + 1;
    dim = days_in_month(y, m);
    return lcmp__days_from_civil(y, m, d > dim ? dim : d);
}

int32_t lcmp__date_of_time(int64_t t)
{
    return (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

int lcmp_time_parse(int64_t *out, const char *text, lcmp_error *err)
{
    int64_t y, t;
    unsigned m, d, hh, mm, ss, oh, om;
    const char *p;
    size_t len;

    if (out == NULL || text == NULL) {
        return lcmp__error_set(err, LCMP_EINVALID, NULL, NULL, "no time given");
    }
    len = strlen(text);
    if (len < 10 || parse_ymd(text, &y, &m, &d) < 0) {
        goto bad;
    }
    t = (int64_t)lcmp__days_from_civil(y, m, d) * 86400;
    if (len == 10) {
        *out = t;
        return 0;
    }
    p = text + 10;
    if ((*p != 'T' && *p != 't') || len < 20 || digits(p + 1, 2, &hh) < 0 ||
        p[3] != ':' || digits(p + 4, 2, &mm) < 0 || p[6] != ':' ||
        digits(p + 7, 2, &ss) < 0 || hh > 23 || mm > 59 || ss > 60)
    {
        goto bad;
    }
    /* a leap second is read as the last second of its minute */
    t += (int64_t)hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss);
    p += 9;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') {
            goto bad;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        *out = t;
        return 0;
    }
    if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
        digits(p + 1, 2, &oh) == 0 && p[3] == ':' &&
        digits(p + 4, 2, &om) == 0 && oh <= 23 && om <= 59)
    {
        int64_t off = (int64_t)oh * 3600 + om * 60;
        *out = *p == '+' ? t - off : t + off;
        return 0;
    }
bad:
    return lcmp__error_set(err,
                           LCMP_EINVALID,
                           NULL,
                           NULL,
                           "invalid time '%s': expected RFC 3339 "
                           "(2026-11-27T09:00:00Z) or a date (2026-11-27)",
                           text);
}

void lcmp_time_format(char out[21], int64_t t)
{
    int32_t days = lcmp__date_of_time(t);
    unsigned long long secs = (unsigned long long)(t - (int64_t)days * 86400);

    lcmp__date_format(out, days);
    out[10] = 'T';
    put_digits(out + 11, secs / 3600, 2);
    out[13] = ':';
    put_digits(out + 14, secs / 60 % 60, 2);
    out[16] = ':';
    put_digits(out + 17, secs % 60, 2);
    out[19] = 'Z';
    out[20] = '\0';
}

void lcmp__hex(char *out, const uint8_t *in, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

int lcmp__sha256_parse(uint8_t out[32], const char *hex)
{
    size_t i;

    if (hex == NULL || strlen(hex) != 64) {
        return LCMP_EINVALID;
    }
    for (i = 0; i < 32; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return LCMP_EINVALID;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static int too_large(lcmp_error *err, const char *path, size_t max_size)
{
    return lcmp__error_set(err,
                           LCMP_ELIMIT,
                           path,
                           NULL,
                           "file is larger than %zu bytes",
                           max_size);
}

int lcmp__file_read(lcmp_buf *out,
                    const char *path,
                    size_t max_size,
                    lcmp_error *err)
{
    return lcmp__file_readat(out, AT_FDCWD, path, path, 0, max_size, err);
}

int lcmp__file_readat(lcmp_buf *out,
                      int dirfd,
                      const char *name,
                      const char *shown,
                      unsigned int flags,
                      size_t max_size,
                      lcmp_error *err)
{
    struct stat st;
    size_t want, known = SIZE_MAX;
    int fd, oflags = O_RDONLY | O_CLOEXEC, rc = LCMP_ERROR;

    lcmp__buf_clear(out);
    if ((flags & LCMP__READ_REGULAR) != 0) {
        /* no link followed, no wait for a writer on a FIFO */
        oflags |= O_NOFOLLOW | O_NONBLOCK;
    }
    do {
        fd = openat(dirfd, name, oflags);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int code = errno == ENOENT ? LCMP_ENOTFOUND : LCMP_EIO;
        if ((flags & LCMP__READ_REGULAR) != 0 && errno == ELOOP) {
            return lcmp__error_set(err,
                                   LCMP_EINVALID,
                                   shown,
                                   NULL,
                                   "is a symbolic link (not followed)");
        }
        return lcmp__error_set(
            err, code, shown, NULL, "cannot open: %s", strerror(errno));
    }
    /* A regular file is read as the size fstat gives (as git reads
     * objects): one buffer, and no read just to see the end. Anything else
     * (a pipe) grows the buffer as it comes. One byte more than the limit
     * tells "too large" from "exactly the limit". */
    want = 4096;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0) {
        if ((uint64_t)st.st_size > max_size) {
            rc = too_large(err, shown, max_size);
            goto done;
        }
        want = known = (size_t)st.st_size;
    } else if ((flags & LCMP__READ_REGULAR) != 0) {
        rc = lcmp__error_set(
            err, LCMP_EINVALID, shown, NULL, "is not a regular file");
        goto done;
    }
    for (;;) {
        ssize_t n;

        if (out->size > max_size) {
            rc = too_large(err, shown, max_size);
            goto done;
        }
        if (out->size + 1 >= out->asize &&
            lcmp__buf_grow(out, out->size + (want > 0 ? want : 1) + 1) < 0)
        {
            rc =
                lcmp__error_set(err, LCMP_ENOMEM, shown, NULL, "out of memory");
            goto done;
        }
        want = out->asize - out->size - 1;
        if (want > max_size + 1 - out->size) {
            want = max_size + 1 - out->size;
        }
        n = read(fd, out->ptr + out->size, want);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = lcmp__error_set(
                err, LCMP_EIO, shown, NULL, "cannot read: %s", strerror(errno));
            goto done;
        }
        if (n == 0) {
            break;
        }
        out->size += (size_t)n;
        out->ptr[out->size] = '\0';
        if (out->size == known) {
            break;
        }
    }
    rc = 0;
done:
    close(fd);
    return rc;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

int lcmp_file_write_atomic(const char *path,
                           const void *data,
                           size_t len,
                           unsigned int mode,
                           uint32_t flags,
                           lcmp_error *err)
{
    const char *slash, *base;
    char *dir = NULL, *tmp = NULL;
    struct stat st;
    int fd = -1, dfd, rc = LCMP_EIO, placed = 0;

    if (path == NULL || (data == NULL && len > 0)) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no file or no data to write");
    }
    slash = strrchr(path, '/');
    base = slash != NULL ? slash + 1 : path;
    if (base[0] == '\0') {
        return lcmp__error_set(
            err, LCMP_EINVALID, path, NULL, "not a file name");
    }
    if (lstat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            return lcmp__error_set(
                err, LCMP_EINVALID, path, NULL, "is a directory");
        }
        if (!(flags & LCMP_WRITE_F_REPLACE)) {
            return lcmp__error_set(
                err, LCMP_EINVALID, path, NULL, "already exists");
        }
    }
    dir = slash == NULL   ? lcmp__strdup(".")
          : slash == path ? lcmp__strdup("/")
                          : lcmp__aprintf("%.*s", (int)(slash - path), path);
    tmp = dir != NULL ? lcmp__aprintf("%s/.%s.tmp-XXXXXX", dir, base) : NULL;
    if (tmp == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
        goto done;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;

        rc = lcmp__error_set(err,
                             e == ENOENT || e == ENOTDIR ? LCMP_ENOTFOUND
                                                         : LCMP_EIO,
                             path,
                             NULL,
                             "cannot create a temporary file: %s",
                             strerror(e));
        tmp[0] = '\0';
        goto done;
    }
    if (fchmod(fd, (mode_t)mode) != 0 ||
        write_all(fd, (const uint8_t *)data, len) != 0 || fsync(fd) != 0)
    {
        rc = lcmp__error_set(
            err, LCMP_EIO, path, NULL, "cannot write: %s", strerror(errno));
        goto done;
    }
    if (close(fd) != 0) {
        fd = -1;
        rc = lcmp__error_set(
            err, LCMP_EIO, path, NULL, "cannot write: %s", strerror(errno));
        goto done;
    }
    fd = -1;
    if (flags & LCMP_WRITE_F_REPLACE) {
        if (rename(tmp, path) != 0) {
            rc = lcmp__error_set(err,
                                 LCMP_EIO,
                                 path,
                                 NULL,
                                 "cannot rename into place: %s",
                                 strerror(errno));
            goto done;
        }
        placed = 1;
    } else if (link(tmp, path) != 0) {
        /* link() never replaces: a file that appeared meanwhile stays */
        int e = errno;

        rc = lcmp__error_set(err,
                             e == EEXIST ? LCMP_EINVALID : LCMP_EIO,
                             path,
                             NULL,
                             "%s",
                             e == EEXIST ? "already exists" : strerror(e));
        goto done;
    }
    dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        /* a file system that cannot sync a directory still has the data */
        (void)fsync(dfd);
        close(dfd);
    }
    rc = 0;
done:
    if (fd >= 0) {
        close(fd);
    }
    if (tmp != NULL && tmp[0] != '\0' && !placed) {
        unlink(tmp);
    }
    free(tmp);
    free(dir);
    return rc;
}
