/*
 * Listing a directory from a descriptor (util.h's lcmp__dir).
 *
 * With glibc 2.30 or later, getdents64() into the lcmp__dir's own 8 KiB:
 * fdopendir() would add an fstat, an fcntl and a 32 KiB allocation to
 * every directory, two of the six system calls a report spends on a
 * directory per organisation. Elsewhere (and with LCMP_PORTABLE_READDIR,
 * which make test's ASan build sets so that both ways are tested) through
 * a DIR stream on a duplicate descriptor, so that the caller's descriptor
 * stays the caller's either way.
 */
/* glibc declares getdents64() only with GNU's features, dirent's d_type
 * only with its default ones */
#define _DEFAULT_SOURCE 1
#ifdef __linux__
#define _GNU_SOURCE 1
#endif
#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include "util.h"

#if defined(__GLIBC__) && !defined(LCMP_PORTABLE_READDIR) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30))
#define GETDENTS 1
#endif

int lcmp__dir_begin(lcmp__dir *d, int fd)
{
    d->fd = fd;
    d->pos = d->len = 0;
    d->stream = NULL;
#ifndef GETDENTS
    {
        int copy = dup(fd);

        d->stream = copy >= 0 ? fdopendir(copy) : NULL;
        if (d->stream == NULL) {
            int e = errno;
            if (copy >= 0) {
                close(copy);
            }
            errno = e;
            return -1;
        }
    }
#endif
    return 0;
}

int lcmp__dir_next(lcmp__dir *d, const char **name, int *type)
{
#ifdef GETDENTS
    const struct dirent64 *de;

    if (d->pos >= d->len) {
        ssize_t n;
        do {
            n = getdents64(d->fd, d->buf, sizeof(d->buf));
        } while (n < 0 && errno == EINTR);
        if (n <= 0) {
            return n == 0 ? 0 : -1;
        }
        d->len = (size_t)n;
        d->pos = 0;
    }
    de = (const struct dirent64 *)(const void *)((const char *)d->buf + d->pos);
    if (de->d_reclen == 0 || de->d_reclen > d->len - d->pos) {
        errno = EIO; /* not what the kernel writes: stop, do not loop */
        return -1;
    }
    d->pos += de->d_reclen;
    *name = de->d_name;
    *type = de->d_type;
    return 1;
#else
    struct dirent *de;

    errno = 0;
    de = readdir(d->stream);
    if (de == NULL) {
        return errno == 0 ? 0 : -1;
    }
    *name = de->d_name;
#ifdef DT_UNKNOWN
    *type = de->d_type;
#else
    *type = 0;
#endif
    return 1;
#endif
}

void lcmp__dir_end(lcmp__dir *d)
{
    if (d->stream != NULL) {
        closedir(d->stream);
        d->stream = NULL;
    }
}
