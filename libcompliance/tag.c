/*
 * Raw Git tag objects: strict header parsing, git's signature split (the
 * last line starting with an armour header), message trailers, and the
 * release version names (vYYYY.N, vMAJOR.MINOR.PATCH).
 *
 * Invariants: nothing is allocated; every pointer in lcmp__tag borrows
 * from the input; the payload is exactly the bytes before the signature,
 * which is what `git tag -s` signed. The signature block is never
 * interpreted here beyond its first line.
 */
#include <string.h>

#include "tag.h"
#include "util.h"

/* git's armour headers (gpg-interface.c); matched with starts_with. */
static const struct {
    const char *header;
    lcmp__tag_sig_t kind;
} armours[] = {
    {"-----BEGIN SSH SIGNATURE-----", LCMP__TAG_SIG_SSH},
    {"-----BEGIN PGP SIGNATURE-----", LCMP__TAG_SIG_PGP},
    {"-----BEGIN PGP MESSAGE-----", LCMP__TAG_SIG_PGP},
    {"-----BEGIN SIGNED MESSAGE-----", LCMP__TAG_SIG_PGP},
};

static lcmp__tag_sig_t armour_at(const char *p, size_t left)
{
    size_t i, n;

    for (i = 0; i < sizeof(armours) / sizeof(armours[0]); i++) {
        n = strlen(armours[i].header);
        if (left >= n && memcmp(p, armours[i].header, n) == 0) {
            return armours[i].kind;
        }
    }
    return LCMP__TAG_SIG_NONE;
}

/*
 * One header line "key value\n" at *pos: the value must be non-empty and
 * the line must end with LF. Returns the value's length, or -1.
 */
static int header(const char **value,
                  size_t *value_len,
                  const char *buf,
                  size_t len,
                  size_t *pos,
                  const char *key)
{
    size_t klen = strlen(key), start = *pos;
    const char *eol;

    if (len - start < klen + 1 || memcmp(buf + start, key, klen) != 0 ||
        buf[start + klen] != ' ')
    {
        return -1;
    }
    start += klen + 1;
    eol = memchr(buf + start, '\n', len - start);
    if (eol == NULL || eol == buf + start) {
        return -1;
    }
    *value = buf + start;
    *value_len = (size_t)(eol - (buf + start));
    *pos = (size_t)(eol - buf) + 1;
    return 0;
}

static int is_lower_hex(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

static int ascii_ieq(const char *a, size_t alen, const char *b)
{
    size_t i;

    if (alen != strlen(b)) {
        return 0;
    }
    for (i = 0; i < alen; i++) {
        char c = a[i];

        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* "Key: value" with Key = [A-Za-z0-9-]+ and a non-empty value. */
static int trailer_line(const char *line, size_t n, size_t *key_len)
{
    size_t i = 0;

    while (i < n && ((line[i] >= 'A' && line[i] <= 'Z') ||
                     (line[i] >= 'a' && line[i] <= 'z') ||
                     (line[i] >= '0' && line[i] <= '9') || line[i] == '-'))
    {
        i++;
    }
    if (i == 0 || i + 2 > n || line[i] != ':' || line[i + 1] != ' ' ||
        i + 2 == n) {
        return 0;
    }
    *key_len = i;
    return 1;
}

/*
 * The trailers of the message's last paragraph. The message's first
 * paragraph (the subject) is never a trailer block.
 */
static int parse_trailers(lcmp__tag *t, const char *source, lcmp_error *err)
{
    const char *msg = t->message;
    size_t len = t->message_len, start = 0, i, n, key_len = 0;
    const char *p, *end, *next;
    char date[16];
    int32_t days;

    /* drop trailing newlines */
    while (len > 0 && msg[len - 1] == '\n') {
        len--;
    }
    /* the last paragraph starts after the last blank line */
    for (i = 0; i + 1 < len; i++) {
        if (msg[i] == '\n' && msg[i + 1] == '\n') {
            start = i + 2;
        }
    }
    if (start == 0) {
        return 0; /* one paragraph: a subject, no trailers */
    }
    /* every line must be a trailer, else it is no trailer block */
    for (p = msg + start, end = msg + len; p < end; p = next) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));

        n = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);
        next = eol != NULL ? eol + 1 : end;
        if (!trailer_line(p, n, &key_len)) {
            return 0;
        }
    }
    for (p = msg + start, end = msg + len; p < end; p = next) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));

        n = eol != NULL ? (size_t)(eol - p) : (size_t)(end - p);
        next = eol != NULL ? eol + 1 : end;
        (void)trailer_line(p, n, &key_len);
        if (!ascii_ieq(p, key_len, "expires")) {
            continue;
        }
        if (t->has_expires) {
            return lcmp__error_set(err,
                                   LCMP_EPARSE,
                                   source,
                                   NULL,
                                   "more than one 'Expires' trailer");
        }
        if (n - key_len - 2 != 10) {
            return lcmp__error_set(err,
                                   LCMP_EPARSE,
                                   source,
                                   NULL,
                                   "'Expires' trailer is not a date "
                                   "(YYYY-MM-DD)");
        }
        memcpy(date, p + key_len + 2, 10);
        date[10] = '\0';
        if (lcmp__date_parse(&days, date) < 0) {
            return lcmp__error_set(err,
                                   LCMP_EPARSE,
                                   source,
                                   NULL,
                                   "'Expires' trailer '%s' is not a date "
                                   "(YYYY-MM-DD)",
                                   date);
        }
        t->has_expires = 1;
        t->expires = days;
    }
    return 0;
}

int lcmp__tag_parse(lcmp__tag *out,
                    const uint8_t *buf,
                    size_t len,
                    const char *source,
                    lcmp_error *err)
{
    static const char *const types[] = {"commit", "tree", "blob", "tag"};
    const char *s = (const char *)buf, *v;
    size_t pos = 0, vlen, i, line, sigpos;
    lcmp__tag t;
    int ok;

    if (out == NULL || (buf == NULL && len > 0)) {
        return lcmp__error_set(
            err, LCMP_EINVALID, source, NULL, "invalid argument");
    }
    memset(out, 0, sizeof(*out));
    memset(&t, 0, sizeof(t));
    if (len > LCMP__TAG_MAX_SIZE) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               source,
                               NULL,
                               "tag object of %zu bytes is larger than %zu",
                               len,
                               LCMP__TAG_MAX_SIZE);
    }
    if (len > 0 && memchr(buf, '\0', len) != NULL) {
        return lcmp__error_set(
            err, LCMP_EPARSE, source, NULL, "tag object contains a NUL byte");
    }

    if (header(&v, &vlen, s, len, &pos, "object") < 0 || vlen != 40 ||
        !is_lower_hex(v, 40))
    {
        return lcmp__error_set(err,
                               LCMP_EPARSE,
                               source,
                               NULL,
                               "tag object: bad or missing 'object' header");
    }
    memcpy(t.object, v, 40);
    t.object[40] = '\0';

    if (header(&v, &vlen, s, len, &pos, "type") < 0) {
        return lcmp__error_set(err,
                               LCMP_EPARSE,
                               source,
                               NULL,
                               "tag object: bad or missing 'type' header");
    }
    ok = 0;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (vlen == strlen(types[i]) && memcmp(v, types[i], vlen) == 0) {
            memcpy(t.type, v, vlen);
            t.type[vlen] = '\0';
            ok = 1;
        }
    }
    if (!ok) {
        return lcmp__error_set(
            err, LCMP_EPARSE, source, NULL, "tag object: unknown type");
    }

    if (header(&v, &vlen, s, len, &pos, "tag") < 0) {
        return lcmp__error_set(err,
                               LCMP_EPARSE,
                               source,
                               NULL,
                               "tag object: bad or missing 'tag' header");
    }
    if (vlen > LCMP__TAG_NAME_MAX) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               source,
                               NULL,
                               "tag object: tag name longer than %d bytes",
                               LCMP__TAG_NAME_MAX);
    }
    for (i = 0; i < vlen; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c <= 0x20 || c >= 0x7f) {
            return lcmp__error_set(err,
                                   LCMP_EPARSE,
                                   source,
                                   NULL,
                                   "tag object: tag name has a space or "
                                   "a non-printable character");
        }
    }
    memcpy(t.name, v, vlen);
    t.name[vlen] = '\0';

    if (header(&t.tagger, &t.tagger_len, s, len, &pos, "tagger") < 0) {
        return lcmp__error_set(err,
                               LCMP_EPARSE,
                               source,
                               NULL,
                               "tag object: bad or missing 'tagger' header");
    }

    /* the headers end with a blank line, or the object ends there */
    if (pos < len) {
        if (s[pos] != '\n') {
            return lcmp__error_set(err,
                                   LCMP_EPARSE,
                                   source,
                                   NULL,
                                   "tag object: unexpected header after "
                                   "'tagger'");
        }
        pos++;
    }

    /* git's split: the last line of the message starting with an armour */
    sigpos = len;
    for (line = pos; line < len;) {
        const char *eol = memchr(s + line, '\n', len - line);

        if (armour_at(s + line, len - line) != LCMP__TAG_SIG_NONE) {
            sigpos = line;
        }
        line = eol != NULL ? (size_t)(eol - s) + 1 : len;
    }
    t.message = s + pos;
    t.message_len = sigpos - pos;
    t.payload = buf;
    t.payload_len = sigpos;
    if (sigpos < len) {
        t.sig_kind = armour_at(s + sigpos, len - sigpos);
        t.signature = s + sigpos;
        t.signature_len = len - sigpos;
    }

    if (parse_trailers(&t, source, err) < 0) {
        return LCMP_EPARSE;
    }
    *out = t;
    return 0;
}

/* Decimal without leading zeros, below 10^9; advances *p. */
static int number(uint32_t *out, const char **p)
{
    const char *s = *p;
    uint32_t v = 0;
    size_t n = 0;

    if (*s < '0' || *s > '9') {
        return 0;
    }
    if (*s == '0' && s[1] >= '0' && s[1] <= '9') {
        return 0;
    }
    while (*s >= '0' && *s <= '9') {
        if (++n > 9) {
            return 0;
        }
        v = v * 10 + (uint32_t)(*s - '0');
        s++;
    }
    *out = v;
    *p = s;
    return 1;
}

int lcmp__release_name_parse(uint32_t parts[3], const char *name)
{
    const char *p;
    uint32_t v[3] = {0, 0, 0};
    size_t n = 0, len;

    if (name == NULL || name[0] != 'v') {
        return 0;
    }
    len = strlen(name);
    if (len > LCMP_TAG_NAME_MAX) {
        return 0;
    }
    p = name + 1;
    for (;;) {
        if (n == 3 || !number(&v[n], &p)) {
            return 0;
        }
        n++;
        if (*p == '\0') {
            break;
        }
        if (*p != '.') {
            return 0;
        }
        p++;
    }
    if (n == 2) {
        /* vYYYY.N: a four-digit year and a release number from 1 */
        if (v[0] < 1000 || v[0] > 9999 || v[1] < 1) {
            return 0;
        }
    } else if (n != 3) {
        return 0;
    }
    if (parts != NULL) {
        memcpy(parts, v, sizeof(v));
    }
    return 1;
}

int lcmp__release_name_cmp(const char *a, const char *b)
{
    uint32_t pa[3] = {0, 0, 0}, pb[3] = {0, 0, 0};
    size_t i;

    (void)lcmp__release_name_parse(pa, a);
    (void)lcmp__release_name_parse(pb, b);
    for (i = 0; i < 3; i++) {
        if (pa[i] != pb[i]) {
            return pa[i] < pb[i] ? -1 : 1;
        }
    }
    return strcmp(a, b);
}
