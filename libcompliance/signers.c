/*
 * allowed_signers files (ssh-keygen(1) "ALLOWED SIGNERS"; openssh-portable
 * sshsig.c check_allowed_keys_line, match.c match_pattern_list) and the
 * lookup lcmp__signers_find().
 *
 * Differences from ssh-keygen, each on purpose:
 *  - a malformed line refuses the whole file (ssh-keygen logs and skips
 *    it): a trust file that does not mean what it says must not load;
 *  - options other than namespaces, valid-after and valid-before (e.g.
 *    cert-authority) are refused, never ignored;
 *  - a time without `Z` is UTC, not the process's local time zone;
 *  - quoted principals and empty pattern-list elements are refused.
 *
 * Invariants: a loaded lcmp_signers is immutable; every entry holds a key
 * that parsed (supported type, valid point or modulus); lookups go
 * through `by_key`, the entries ordered by key blob and then by line, so
 * a key finds its entries by binary search in the order the file lists
 * them (a report checks thousands of statements against thousands of
 * keys).
 */
#include <stdlib.h>
#include <string.h>

#include "sshsig.h"
#include "util.h"

#define MAX_FILE    ((size_t)1024 * 1024)
#define MAX_LINE    ((size_t)8 * 1024)
#define MAX_ENTRIES ((size_t)10000)

typedef struct signer {
    char *principals; /* pattern-list */
    char *namespaces; /* pattern-list, NULL = any namespace */
    int has_after, has_before;
    int64_t after, before; /* inclusive bounds, seconds since the epoch */
    lcmp__sshkey *key;
    int line;
} signer;

struct lcmp_signers {
    signer *entries;
    const signer **by_key; /* entries by (key blob, position) */
    size_t count;
    char *source;
};

/*
 * Patterns (OpenSSH match.c): `*` any run, `?` any one byte; a list is
 * comma-separated and a matching `!pattern` rejects whatever else matched.
 */

/* Glob match of s[0..slen) against p[0..plen), iterative with one
 * backtrack point, so O(slen * plen) at worst. */
static int match_pattern(const char *s, size_t slen, const char *p, size_t plen)
{
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;

    while (si < slen) {
        if (pi < plen && p[pi] == '*') {
            star_p = pi++;
            star_s = si;
        } else if (pi < plen && (p[pi] == '?' || p[pi] == s[si])) {
            pi++;
            si++;
        } else if (star_p != (size_t)-1) {
            pi = star_p + 1;
            si = ++star_s;
        } else {
            return 0;
        }
    }
    while (pi < plen && p[pi] == '*') {
        pi++;
    }
    return pi == plen;
}

/* 1 when a positive pattern matches and no negated one does, -1 when a
 * negated pattern matches, else 0 (match_pattern_list()). */
static int match_list(const char *s, const char *list)
{
    size_t slen = strlen(s);
    int positive = 0;

    while (*list != '\0') {
        const char *comma = strchr(list, ',');
        size_t n = comma != NULL ? (size_t)(comma - list) : strlen(list);
        int negated = *list == '!';

        if (match_pattern(s, slen, list + negated, n - (size_t)negated)) {
            if (negated) {
                return -1;
            }
            positive = 1;
        }
        list += n;
        if (*list == ',') {
            list++;
        }
    }
    return positive;
}

/* A pattern-list with no empty (or bare "!") element. */
static int list_valid(const char *list)
{
    const char *p = list;

    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);

        if (n == 0 || (n == 1 && *p == '!')) {
            return 0;
        }
        if (comma == NULL) {
            return 1;
        }
        p = comma + 1;
    }
}

/*
 * Loading
 */

static void signer_dispose(signer *e)
{
    free(e->principals);
    free(e->namespaces);
    lcmp__sshkey_free(e->key);
}

void lcmp_signers_free(lcmp_signers *signers)
{
    size_t i;

    if (signers == NULL) {
        return;
    }
    for (i = 0; i < signers->count; i++) {
        signer_dispose(&signers->entries[i]);
    }
    free(signers->entries);
    free((void *)signers->by_key);
    free(signers->source);
    free(signers);
}

size_t lcmp_signers_count(const lcmp_signers *signers)
{
    return signers != NULL ? signers->count : 0;
}

/* Fill `err` for line `line` of `source`. */
static int line_error(lcmp_error *err,
                      int code,
                      const char *source,
                      int line,
                      const char *fmt,
                      ...) LCMP__PRINTF(5, 6);

static int line_error(lcmp_error *err,
                      int code,
                      const char *source,
                      int line,
                      const char *fmt,
                      ...)
{
    va_list ap;

    va_start(ap, fmt);
    code = lcmp__error_vset(err, code, source, NULL, fmt, ap);
    va_end(ap);
    if (err != NULL) {
        err->line = line;
    }
    return code;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Case-insensitive comparison of s[0..n) with the lower-case `word`. */
static int word_is(const char *s, size_t n, const char *word)
{
    size_t i;

    if (n != strlen(word)) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (lower((unsigned char)s[i]) != word[i]) {
            return 0;
        }
    }
    return 1;
}

/* Copy at most 64 bytes of s[0..n) for a message. */
static void shown(char out[72], const char *s, size_t n)
{
    if (n > 64) {
        memcpy(out, s, 64);
        memcpy(out + 64, "...", 4);
    } else {
        memcpy(out, s, n);
        out[n] = '\0';
    }
}

/* Whether a field names a key type (rather than options): every OpenSSH
 * key type starts like one of these, and no option does. */
static int looks_like_key_type(const char *s, size_t n)
{
    static const char *const prefixes[] = {
        "ssh-", "ecdsa-", "sk-", "rsa-", NULL};
    size_t i;

    for (i = 0; prefixes[i] != NULL; i++) {
        size_t k = strlen(prefixes[i]);

        if (n >= k && memcmp(s, prefixes[i], k) == 0) {
            return 1;
        }
    }
    return 0;
}

static int digits_at(const char *s, size_t n, unsigned *out)
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

/* "YYYYMMDD[Z]" or "YYYYMMDDHHMM[SS][Z]", always UTC. */
static int parse_time(int64_t *out, const char *s)
{
    static const unsigned mdays[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    unsigned y, mo, d, h = 0, mi = 0, sec = 0, dim;

    if (n > 0 && s[n - 1] == 'Z') {
        n--;
    }
    if (n != 8 && n != 12 && n != 14) {
        return -1;
    }
    if (digits_at(s, 4, &y) < 0 || digits_at(s + 4, 2, &mo) < 0 ||
        digits_at(s + 6, 2, &d) < 0 ||
        (n >= 12 &&
         (digits_at(s + 8, 2, &h) < 0 || digits_at(s + 10, 2, &mi) < 0)) ||
        (n == 14 && digits_at(s + 12, 2, &sec) < 0))
    {
        return -1;
    }
    if (y < 1 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) {
        return -1;
    }
    dim = mdays[mo - 1];
    if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        dim = 29;
    }
    if (d < 1 || d > dim) {
        return -1;
    }
    *out = (int64_t)lcmp__days_from_civil(y, mo, d) * 86400 +
           (int64_t)h * 3600 + (int64_t)mi * 60 + sec;
    return 0;
}

/*
 * A quoted option value starting at *pp (after '='): `"…"` with `\"` for
 * a quote, as OpenSSH's opt_dequote(). NULL when not quoted or when
 * unterminated; *pp is left after the closing quote.
 */
static char *dequote(const char **pp)
{
    const char *p = *pp;
    char *v, *q;

    if (*p != '"') {
        return NULL;
    }
    p++;
    v = q = malloc(strlen(p) + 1);
    if (v == NULL) {
        return NULL;
    }
    for (; *p != '\0' && *p != '"'; p++) {
        if (*p == '\\' && p[1] == '"') {
            p++;
        }
        *q++ = *p;
    }
    if (*p != '"') {
        free(v);
        return NULL;
    }
    *q = '\0';
    *pp = p + 1;
    return v;
}

/* Parse the options field `opts` (NUL-terminated) into `e`. */
static int parse_options(signer *e,
                         const char *opts,
                         const char *source,
                         int line,
                         lcmp_error *err)
{
    static const char *const names[] = {
        "namespaces", "valid-after", "valid-before"};
    const char *p = opts;
    char name[72], *value = NULL;
    int seen[3] = {0, 0, 0};
    int rc = LCMP_ERROR;

    for (;;) {
        const char *start = p;
        size_t n, k;

        while (*p != '\0' && *p != '=' && *p != ',') {
            p++;
        }
        n = (size_t)(p - start);
        shown(name, start, n);
        for (k = 0; k < 3 && !word_is(start, n, names[k]); k++) {
        }
        if (n == 0) {
            rc = line_error(err, LCMP_EPARSE, source, line, "empty option");
            goto done;
        }
        if (k == 3) {
            rc = line_error(err,
                            LCMP_EPARSE,
                            source,
                            line,
                            "unsupported option '%s'",
                            name);
            goto done;
        }
        if (seen[k]) {
            rc = line_error(err,
                            LCMP_EPARSE,
                            source,
                            line,
                            "repeated option '%s'",
                            names[k]);
            goto done;
        }
        seen[k] = 1;
        if (*p != '=') {
            rc = line_error(err,
                            LCMP_EPARSE,
                            source,
                            line,
                            "option '%s' needs a quoted value",
                            names[k]);
            goto done;
        }
        p++;
        value = dequote(&p);
        if (value == NULL) {
            rc = line_error(err,
                            LCMP_EPARSE,
                            source,
                            line,
                            "option '%s' needs a quoted value",
                            names[k]);
            goto done;
        }
        if (k == 0) {
            if (!list_valid(value)) {
                rc = line_error(err,
                                LCMP_EPARSE,
                                source,
                                line,
                                "empty pattern in namespaces \"%s\"",
                                value);
                goto done;
            }
            e->namespaces = value;
            value = NULL;
        } else {
            int64_t t;

            if (parse_time(&t, value) < 0) {
                rc = line_error(err,
                                LCMP_EPARSE,
                                source,
                                line,
                                "invalid %s time '%s' (want "
                                "YYYYMMDD[HHMM[SS]][Z])",
                                names[k],
                                value);
                goto done;
            }
            if (k == 1) {
                e->after = t;
                e->has_after = 1;
            } else {
                e->before = t;
                e->has_before = 1;
            }
            free(value);
            value = NULL;
        }
        if (*p == '\0') {
            break;
        }
        if (*p != ',') {
            rc = line_error(err,
                            LCMP_EPARSE,
                            source,
                            line,
                            "unexpected text after option '%s'",
                            names[k]);
            goto done;
        }
        p++;
    }
    if (e->has_after && e->has_before && e->before <= e->after) {
        rc = line_error(err,
                        LCMP_EPARSE,
                        source,
                        line,
                        "valid-before is not later than valid-after");
        goto done;
    }
    rc = 0;
done:
    free(value);
    return rc;
}

/* The end of a field starting at p: the first blank outside quotes, or
 * NULL for an unterminated quote (sshkey_advance_past_options()). */
static char *field_end(char *p, int quotes)
{
    int quoted = 0;

    for (; *p != '\0' && (quoted || !is_blank(*p)); p++) {
        if (quotes && *p == '\\' && p[1] == '"') {
            p++;
        } else if (quotes && *p == '"') {
            quoted = !quoted;
        }
    }
    return quoted ? NULL : p;
}

/* Cut the field at p (ending at `end`) and skip the blanks after it. */
static char *cut(char *end)
{
    if (*end != '\0') {
        *end++ = '\0';
    }
    while (is_blank(*end)) {
        end++;
    }
    return end;
}

/*
 * One line (NUL-terminated, writable, without its line end). *got is set
 * when the line holds an entry.
 */
static int parse_line(signer *e,
                      int *got,
                      char *text,
                      const char *source,
                      int line,
                      lcmp_error *err)
{
    char *p = text, *end, *principals, *opts = NULL, *type, *b64;
    char name[72];
    int rc = LCMP_ERROR;

    *got = 0;
    while (is_blank(*p)) {
        p++;
    }
    if (*p == '\0' || *p == '#') {
        return 0;
    }
    principals = p;
    end = field_end(p, 0);
    p = cut(end);
    if (strchr(principals, '"') != NULL) {
        return line_error(err,
                          LCMP_EPARSE,
                          source,
                          line,
                          "quoted principals are not supported");
    }
    if (!list_valid(principals)) {
        return line_error(err,
                          LCMP_EPARSE,
                          source,
                          line,
                          "empty pattern in principals '%s'",
                          principals);
    }
    if (*p == '\0') {
        return line_error(err, LCMP_EPARSE, source, line, "missing key");
    }
    end = field_end(p, 1);
    if (end == NULL) {
        return line_error(
            err, LCMP_EPARSE, source, line, "unterminated quote in options");
    }
    if (!looks_like_key_type(p, (size_t)(end - p))) {
        opts = p;
        p = cut(end);
        end = field_end(p, 0);
    }
    type = p;
    p = cut(end);
    if (*type == '\0') {
        return line_error(err, LCMP_EPARSE, source, line, "missing key");
    }
    if (strcmp(type, "ssh-ed25519") != 0 &&
        strcmp(type, "ecdsa-sha2-nistp256") != 0 &&
        strcmp(type, "ssh-rsa") != 0)
    {
        shown(name, type, strlen(type));
        return line_error(
            err, LCMP_EPARSE, source, line, "unsupported key type '%s'", name);
    }
    b64 = p;
    end = field_end(p, 0);
    (void)cut(end); /* the rest is a comment */
    if (*b64 == '\0') {
        return line_error(
            err, LCMP_EPARSE, source, line, "missing %s key data", type);
    }

    memset(e, 0, sizeof(*e));
    e->line = line;
    rc = lcmp__sshkey_from_text(&e->key, type, b64, err);
    if (rc < 0) {
        if (err != NULL) {
            /* keep the key parser's message, add where */
            lcmp__strlcpy_left(err->source, sizeof(err->source), source);
            err->line = line;
        }
        goto done;
    }
    if (opts != NULL) {
        rc = parse_options(e, opts, source, line, err);
        if (rc < 0) {
            goto done;
        }
    }
    e->principals = lcmp__strdup(principals);
    if (e->principals == NULL) {
        rc = line_error(err, LCMP_ENOMEM, source, line, "out of memory");
        goto done;
    }
    *got = 1;
    rc = 0;
done:
    if (rc < 0) {
        signer_dispose(e);
        memset(e, 0, sizeof(*e));
    }
    return rc;
}

/* Length of the well-formed UTF-8 character at s[0..n), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char lo = 0x80, hi = 0xbf;
    size_t k, i;

    if (s[0] < 0x80) {
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        k = 2;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        k = 3;
        lo = s[0] == 0xe0 ? 0xa0 : 0x80;
        hi = s[0] == 0xed ? 0x9f : 0xbf;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        k = 4;
        lo = s[0] == 0xf0 ? 0x90 : 0x80;
        hi = s[0] == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (n < k || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (i = 2; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
    }
    return k;
}

/* Check a line's bytes: UTF-8, no control characters but tab. */
static int check_text(const char *s,
                      size_t n,
                      const char *source,
                      int line,
                      lcmp_error *err)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;

    while (i < n) {
        size_t k = utf8_len(u + i, n - i);

        if (k == 0) {
            return line_error(err, LCMP_EPARSE, source, line, "invalid UTF-8");
        }
        if (k == 1 && ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)) {
            return line_error(err,
                              LCMP_EPARSE,
                              source,
                              line,
                              "control character 0x%02x",
                              u[i]);
        }
        i += k;
    }
    return 0;
}

/* Key blobs ordered by length, then bytes. */
static int cmp_key(const lcmp__sshkey *a, const lcmp__sshkey *b)
{
    if (a->bloblen != b->bloblen) {
        return a->bloblen < b->bloblen ? -1 : 1;
    }
    return memcmp(a->blob, b->blob, a->bloblen);
}

static int cmp_by_key(const void *x, const void *y)
{
    const signer *a = *(const signer *const *)x, *b = *(const signer *const *)y;
    int c = cmp_key(a->key, b->key);

    if (c != 0) {
        return c;
    }
    return a < b ? -1 : a > b; /* the file's order among equal keys */
}

static int index_by_key(lcmp_signers *s)
{
    size_t i;

    if (s->count == 0) {
        return 0;
    }
    s->by_key = malloc(s->count * sizeof(*s->by_key));
    if (s->by_key == NULL) {
        return LCMP_ENOMEM;
    }
    for (i = 0; i < s->count; i++) {
        s->by_key[i] = &s->entries[i];
    }
    qsort((void *)s->by_key, s->count, sizeof(*s->by_key), cmp_by_key);
    return 0;
}

int lcmp_signers_load_buffer(lcmp_signers **out,
                             const uint8_t *buf,
                             size_t len,
                             const char *source,
                             lcmp_error *err)
{
    lcmp_signers *s = NULL;
    const char *p = (const char *)buf, *stop;
    char *text = NULL;
    int line = 0, rc = LCMP_ERROR;

    if (out == NULL || (buf == NULL && len > 0)) {
        return lcmp__error_set(
            err, LCMP_EINVALID, source, NULL, "no allowed signers text given");
    }
    *out = NULL;
    if (source == NULL) {
        source = "<string>";
    }
    if (len > MAX_FILE) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               source,
                               NULL,
                               "allowed signers file is larger than %zu "
                               "bytes",
                               MAX_FILE);
    }
    s = calloc(1, sizeof(*s));
    text = malloc(MAX_LINE + 1);
    if (s == NULL || text == NULL || (s->source = lcmp__strdup(source)) == NULL)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
        goto done;
    }
    stop = p != NULL ? p + len : p;
    while (p != stop) {
        const char *nl = memchr(p, '\n', (size_t)(stop - p));
        const char *eol = nl != NULL ? nl : stop;
        size_t n = (size_t)(eol - p);
        signer e;
        int got;

        line++;
        if (n > 0 && p[n - 1] == '\r') {
            n--; /* CRLF */
        }
        if (n > MAX_LINE) {
            rc = line_error(err,
                            LCMP_ELIMIT,
                            source,
                            line,
                            "line is longer than %zu bytes",
                            MAX_LINE);
            goto done;
        }
        rc = check_text(p, n, source, line, err);
        if (rc < 0) {
            goto done;
        }
        memcpy(text, p, n);
        text[n] = '\0';
        rc = parse_line(&e, &got, text, source, line, err);
        if (rc < 0) {
            goto done;
        }
        if (got) {
            if (s->count == MAX_ENTRIES) {
                signer_dispose(&e);
                rc = line_error(err,
                                LCMP_ELIMIT,
                                source,
                                line,
                                "more than %zu allowed signers",
                                MAX_ENTRIES);
                goto done;
            }
            if (s->count % 64 == 0) {
                signer *grown =
                    realloc(s->entries, (s->count + 64) * sizeof(*grown));

                if (grown == NULL) {
                    signer_dispose(&e);
                    rc = lcmp__error_set(
                        err, LCMP_ENOMEM, source, NULL, "out of memory");
                    goto done;
                }
                s->entries = grown;
            }
            s->entries[s->count++] = e;
        }
        p = nl != NULL ? nl + 1 : stop;
    }
    if (index_by_key(s) < 0) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
        goto done;
    }
    *out = s;
    s = NULL;
    rc = 0;
done:
    free(text);
    lcmp_signers_free(s);
    return rc;
}

int lcmp_signers_load_file(lcmp_signers **out,
                           const char *path,
                           lcmp_error *err)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    int rc = LCMP_ERROR;

    if (out == NULL || path == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, path, NULL, "no allowed signers file given");
    }
    *out = NULL;
    rc = lcmp__file_read(&buf, path, MAX_FILE, err);
    if (rc < 0) {
        goto done;
    }
    rc = lcmp_signers_load_buffer(
        out, (const uint8_t *)buf.ptr, buf.size, path, err);
done:
    lcmp_buf_dispose(&buf);
    return rc;
}

const lcmp__sshkey *lcmp__signers_key(const lcmp_signers *signers, size_t i)
{
    return signers != NULL && i < signers->count ? signers->entries[i].key
                                                 : NULL;
}

/*
 * Lookup
 */

enum { REACHED_KEY = 1, REACHED_PRINCIPAL, REACHED_NAMESPACE };

int lcmp__signers_find(const char **principal_out,
                       const lcmp_signers *signers,
                       const lcmp__sshkey *key,
                       const char *principal,
                       const char *ns,
                       int64_t at,
                       lcmp_error *err)
{
    const signer *best = NULL;
    int reached = 0;
    char fp[64], when[21];
    size_t i, lo = 0, hi;

    if (principal_out == NULL || signers == NULL || key == NULL || ns == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no signers, key or namespace given");
    }
    *principal_out = NULL;
    /* the first entry whose key is not below `key` */
    hi = signers->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_key(signers->by_key[mid]->key, key) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (i = lo; i < signers->count; i++) {
        const signer *e = signers->by_key[i];
        int stage = REACHED_KEY;

        if (cmp_key(e->key, key) != 0) {
            break; /* past the entries of this key */
        }
        if (principal == NULL || match_list(principal, e->principals) == 1) {
            stage = REACHED_PRINCIPAL;
            if (e->namespaces == NULL || match_list(ns, e->namespaces) == 1) {
                stage = REACHED_NAMESPACE;
                if ((!e->has_after || at >= e->after) &&
                    (!e->has_before || at <= e->before)) {
                    *principal_out = e->principals;
                    return 0;
                }
            }
        }
        if (stage > reached) {
            reached = stage;
            best = e;
        }
    }

    lcmp__sshkey_fingerprint(fp, key);
    switch (reached) {
    case 0:
        return lcmp__error_set(err,
                               LCMP_EVERIFY,
                               signers->source,
                               NULL,
                               "key %s is not in allowed signers",
                               fp);
    case REACHED_KEY:
        return lcmp__error_set(err,
                               LCMP_EVERIFY,
                               signers->source,
                               NULL,
                               "key %s is not registered for principal "
                               "'%s'",
                               fp,
                               principal);
    case REACHED_PRINCIPAL:
        return lcmp__error_set(err,
                               LCMP_EVERIFY,
                               signers->source,
                               NULL,
                               "key %s is not allowed for namespace '%s'",
                               fp,
                               ns);
    default:
        break;
    }
    if (best->has_after && at < best->after) {
        lcmp_time_format(when, best->after);
        return lcmp__error_set(err,
                               LCMP_EVERIFY,
                               signers->source,
                               NULL,
                               "key %s is not valid before %s for "
                               "principal '%s'",
                               fp,
                               when,
                               principal != NULL ? principal
                                                 : best->principals);
    }
    lcmp_time_format(when, best->before);
    return lcmp__error_set(err,
                           LCMP_EVERIFY,
                           signers->source,
                           NULL,
                           "key %s is not valid after %s for principal '%s'",
                           fp,
                           when,
                           principal != NULL ? principal : best->principals);
}
