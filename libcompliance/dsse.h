/*
 * DSSE envelopes (internal): strict parsing, the pre-authentication
 * encoding (PAE) and writing. secure-systems-lab/dsse v1.0.2; research/
 * signing-and-sync.md §1.
 */
#ifndef LCMP_DSSE_H
#define LCMP_DSSE_H

#include "libcompliance/common.h"

/* At most this many signatures per envelope (more is LCMP_ELIMIT). */
#define LCMP__DSSE_MAX_SIGNATURES 16
/* At most this many payload bytes (after base64 decoding). */
#define LCMP__DSSE_MAX_PAYLOAD ((size_t)16 * 1024 * 1024)
/* The envelope itself: the payload in base64 plus the signatures. */
#define LCMP__DSSE_MAX_ENVELOPE ((size_t)24 * 1024 * 1024)
/* Longest keyid and signature text kept, in bytes. */
#define LCMP__DSSE_MAX_KEYID 512
#define LCMP__DSSE_MAX_SIG   1024

typedef struct lcmp__dsse_sig {
    const char *keyid;   /* borrowed from the envelope; "" when absent */
    const char *sig_b64; /* borrowed: the text as found */
    uint8_t *sig;        /* decoded, owned */
    size_t siglen;
} lcmp__dsse_sig;

typedef struct lcmp__dsse {
    char *strings;           /* the strings below point here (owned) */
    const char *payload_b64; /* borrowed: the text as found */
    uint8_t *payload;        /* decoded, owned, NUL-terminated */
    size_t payload_len;
    const char *payload_type; /* borrowed; may hold any UTF-8 */
    size_t payload_type_len;  /* in bytes */
    lcmp__dsse_sig sigs[LCMP__DSSE_MAX_SIGNATURES];
    size_t nsigs;
} lcmp__dsse;

/*
 * Parse an envelope strictly (jscan.h): JSON without duplicate keys,
 * `payload`,
 * `payloadType` and `signatures` (1 to 16 entries, each with a non-empty
 * `sig` and an optional `keyid`) of the right types, base64 standard or
 * URL-safe (padded or not); unknown members are ignored, as DSSE asks.
 * LCMP_EPARSE (with a JSON pointer) or LCMP_ELIMIT on failure.
 */
int lcmp__dsse_parse(lcmp__dsse **out,
                     const uint8_t *buf,
                     size_t len,
                     const char *source,
                     lcmp_error *err);
void lcmp__dsse_free(lcmp__dsse *env);

/*
 * PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
 * LEN the decimal byte length. 0 or LCMP_ENOMEM.
 */
int lcmp__dsse_pae(lcmp_buf *out,
                   const char *type,
                   size_t typelen,
                   const uint8_t *body,
                   size_t len);

/* Base64, standard or URL-safe alphabet (not mixed), with or without
 * padding; canonical only. 0 or LCMP_EPARSE / LCMP_ENOMEM. */
int lcmp__base64_decode_any(lcmp_buf *out, const char *in, size_t len);
/* The same, 4 characters at a time only (never in 16-character blocks):
 * for tests and fuzzing, which check that both ways agree. */
int lcmp__base64_decode_scalar(lcmp_buf *out, const char *in, size_t len);

/*
 * Write an envelope: compact JSON with sorted keys and a final newline.
 * `keyids` and `sigs` (base64 texts) have `n` entries each.
 */
int lcmp__dsse_write(lcmp_buf *out,
                     const char *payload_b64,
                     const char *payload_type,
                     size_t payload_type_len,
                     const char *const *keyids,
                     const char *const *sigs,
                     size_t n,
                     lcmp_error *err);

#endif
