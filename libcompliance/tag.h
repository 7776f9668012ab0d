/*
 * Raw Git tag objects (internal): headers, message, signature, trailers,
 * and release version names.
 *
 * A tag object is `object <hex>\ntype <t>\ntag <name>\ntagger <id>\n`,
 * a blank line and the message. `git tag -s` appends the signature armour
 * after the message; git splits at the LAST line starting with a known
 * armour header (gpg-interface.c parse_signed_buffer), and so do we.
 */
#ifndef LCMP_TAG_H
#define LCMP_TAG_H

#include "libcompliance/common.h"
#include "libcompliance/sync.h"

/* Largest tag object accepted. */
#define LCMP__TAG_MAX_SIZE ((size_t)1024 * 1024)
/* Longest tag name (tag header) accepted. */
#define LCMP__TAG_NAME_MAX 255

typedef enum {
    LCMP__TAG_SIG_NONE = 0,
    LCMP__TAG_SIG_SSH,
    LCMP__TAG_SIG_PGP, /* PGP signature or message, or X.509 (S/MIME) */
} lcmp__tag_sig_t;

/*
 * A parsed tag. Every pointer borrows from the parsed buffer; nothing is
 * allocated, so there is nothing to free.
 */
typedef struct lcmp__tag {
    char object[41]; /* target id, lowercase hex */
    char type[8];    /* commit, tree, blob or tag */
    char name[LCMP__TAG_NAME_MAX + 1];
    const char *tagger; /* the tagger line's value */
    size_t tagger_len;
    const char *message; /* message without the signature */
    size_t message_len;
    const uint8_t *payload; /* the signed bytes: everything */
    size_t payload_len;     /* before the signature */
    lcmp__tag_sig_t sig_kind;
    const char *signature; /* armour to the end, or NULL */
    size_t signature_len;
    int has_expires;
    int32_t expires; /* "Expires:" trailer, days */
} lcmp__tag;

/*
 * Parse a raw tag object strictly: the four headers in order (no others),
 * no NUL byte, at most LCMP__TAG_MAX_SIZE bytes, a 40-hex object id, a
 * known type, a tag name of printable ASCII without spaces. The message's
 * last paragraph (not the subject) is a trailer block when each of its
 * lines is `Key: value`; an `Expires` trailer (key case-insensitive) must
 * be a YYYY-MM-DD date and appear once.
 *
 * @return 0, LCMP_EPARSE or LCMP_ELIMIT; `source` names the tag in errors
 */
int lcmp__tag_parse(lcmp__tag *out,
                    const uint8_t *buf,
                    size_t len,
                    const char *source,
                    lcmp_error *err);

/*
 * Release version names: "vYYYY.N" (year 1000-9999, N >= 1) or
 * "vMAJOR.MINOR.PATCH", decimal without leading zeros, each part below
 * 10^9, at most LCMP_TAG_NAME_MAX bytes. Parts go to `parts`
 * (YYYY.N -> {YYYY, N, 0}).
 *
 * @return 1 when `name` is a release name, 0 otherwise
 */
int lcmp__release_name_parse(uint32_t parts[3], const char *name);

/* Order of two release names (both valid): <0, 0, >0 like strcmp. Equal
 * versions spelled differently (v1.2 is not valid) cannot occur, but
 * vYYYY.N and vYYYY.N.0 compare by name as a tie-break. */
int lcmp__release_name_cmp(const char *a, const char *b);

#endif
