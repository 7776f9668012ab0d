/*
 * lcmp_evidence_from_dir(): the ready-made evidence callback that hashes
 * local copies of evidence files (SHA-256, OpenSSL EVP). The only file I/O
 * of evaluation happens here, and only when the caller asks for it.
 *
 * An evidence URI names a file under one directory and never anything
 * outside it:
 * - a relative path without a scheme ("reports/restore-2026.pdf") is taken
 *   as is; absolute paths and ".." segments are refused;
 * - for a URI with a scheme ("https://dms/x/ra.pdf", "file:///srv/ra.pdf")
 *   only the last path segment is used (query and fragment dropped,
 *   %XX decoded; a decoded '/' or NUL is refused);
 * - the path is walked one component at a time with openat(O_NOFOLLOW), so
 *   a symbolic link anywhere below the directory is never followed (the
 *   directory itself may be one), and there is no window between checking
 *   a path and opening it;
 * - the final component must be a regular file (opened O_NONBLOCK so a
 *   FIFO cannot block) of at most 1 GiB.
 * Everything refused counts as missing (LCMP_ENOTFOUND), as the header
 * promises; a file that exists but cannot be read is LCMP_EIO, one that is
 * too large LCMP_ELIMIT, a failing crypto backend LCMP_ECRYPTO.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"
#include "libcompliance/evaluate.h"

#define EVIDENCE_MAX_SIZE ((int64_t)1 << 30)
#define EVIDENCE_MAX_PATH 4096

/* Whether `uri` starts with an RFC 3986 scheme: ALPHA *(ALPHA/DIGIT/+-.) ":" */
static const char *after_scheme(const char *uri)
{
    const char *p = uri;

    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
        return NULL;
    }
    for (p++; *p != '\0'; p++) {
        if (*p == ':') {
            return p + 1;
        }
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))
        {
            return NULL;
        }
    }
    return NULL;
}

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * The relative path `uri` names under the directory, written to `out`;
 * LCMP_ENOTFOUND when it may not be used.
 */
static int evidence_path(char out[EVIDENCE_MAX_PATH], const char *uri)
{
    const char *rest = after_scheme(uri), *seg, *end;
    size_t n = 0;

    if (rest != NULL) {
        end = rest + strcspn(rest, "?#");
        seg = end;
        while (seg > rest && seg[-1] != '/') {
            seg--;
        }
        for (; seg < end; seg++) {
            int hi, lo;
            char c = *seg;

            if (c == '%') {
                if (end - seg < 3 || (hi = hexdigit(seg[1])) < 0 ||
                    (lo = hexdigit(seg[2])) < 0) {
                    return LCMP_ENOTFOUND;
                }
                c = (char)(hi << 4 | lo);
                seg += 2;
                if (c == '/' || c == '\0') {
                    return LCMP_ENOTFOUND;
                }
            }
            if (n + 1 >= EVIDENCE_MAX_PATH) {
                return LCMP_ENOTFOUND;
            }
            out[n++] = c;
        }
        out[n] = '\0';
        if (n == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0) {
            return LCMP_ENOTFOUND;
        }
        return 0;
    }
    n = strlen(uri);
    if (n == 0 || n >= EVIDENCE_MAX_PATH || uri[0] == '/') {
        return LCMP_ENOTFOUND;
    }
    memcpy(out, uri, n + 1);
    return 0;
}

static int errno_code(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
    case ELOOP:
    case ENAMETOOLONG:
        return LCMP_ENOTFOUND;
    default:
        return LCMP_EIO;
    }
}

/*
 * Open `path` (relative, '/'-separated) under the directory `dirfd`
 * without following any symbolic link and without '..'; returns an fd or
 * a negative code.
 */
static int open_beneath(int dirfd, char *path)
{
    char *seg = path, *slash;
    int fd = dirfd, next, rc = LCMP_ENOTFOUND;

    for (;;) {
        slash = strchr(seg, '/');
        if (slash != NULL) {
            *slash = '\0';
        }
        if (strcmp(seg, "..") == 0) {
            rc = LCMP_ENOTFOUND;
            goto done;
        }
        if (seg[0] == '\0' || strcmp(seg, ".") == 0) {
            /* "a//b" and "./a": nothing to open */
            if (slash == NULL) {
                rc = LCMP_ENOTFOUND;
                goto done;
            }
            seg = slash + 1;
            continue;
        }
        if (slash == NULL) {
            next =
                openat(fd, seg, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        } else {
            next = openat(
                fd, seg, O_RDONLY | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
        }
        if (next < 0) {
            rc = errno_code(errno);
            goto done;
        }
        if (fd != dirfd) {
            close(fd);
        }
        fd = next;
        if (slash == NULL) {
            rc = fd;
            fd = dirfd;
            goto done;
        }
        seg = slash + 1;
    }
done:
    if (fd != dirfd) {
        close(fd);
    }
    return rc;
}

int lcmp_evidence_from_dir(uint8_t sha256_out[32],
                           const char *uri,
                           void *payload)
{
    const char *dir = payload;
    char path[EVIDENCE_MAX_PATH];
    unsigned char chunk[65536];
    EVP_MD_CTX *md = NULL;
    struct stat st;
    int64_t total = 0;
    unsigned int mdlen = 0;
    int dirfd = -1, fd = -1, rc = LCMP_ERROR;
    ssize_t n;

    if (sha256_out == NULL || uri == NULL || dir == NULL) {
        rc = LCMP_EINVALID;
        goto done;
    }
    if ((rc = evidence_path(path, uri)) < 0) {
        goto done;
    }
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        rc = errno_code(errno);
        goto done;
    }
    fd = open_beneath(dirfd, path);
    if (fd < 0) {
        rc = fd;
        goto done;
    }
    if (fstat(fd, &st) < 0) {
        rc = LCMP_EIO;
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = LCMP_ENOTFOUND;
        goto done;
    }
    if ((int64_t)st.st_size > EVIDENCE_MAX_SIZE) {
        rc = LCMP_ELIMIT;
        goto done;
    }
    md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        rc = LCMP_ECRYPTO;
        goto done;
    }
    for (;;) {
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (n < 0) {
            rc = LCMP_EIO;
            goto done;
        }
        if (n == 0) {
            break;
        }
        /* the file may grow while it is read */
        total += n;
        if (total > EVIDENCE_MAX_SIZE) {
            rc = LCMP_ELIMIT;
            goto done;
        }
        if (EVP_DigestUpdate(md, chunk, (size_t)n) != 1) {
            rc = LCMP_ECRYPTO;
            goto done;
        }
    }
    if (EVP_DigestFinal_ex(md, sha256_out, &mdlen) != 1 || mdlen != 32) {
        rc = LCMP_ECRYPTO;
        goto done;
    }
    rc = 0;
done:
    EVP_MD_CTX_free(md);
    if (fd >= 0) {
        close(fd);
    }
    if (dirfd >= 0) {
        close(dirfd);
    }
    return rc;
}
