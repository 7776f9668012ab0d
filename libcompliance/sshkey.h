/*
 * OpenSSH public keys and the RFC 4251 wire format (internal).
 */
#ifndef LCMP_SSHKEY_H
#define LCMP_SSHKEY_H

#include <openssl/evp.h>

#include "libcompliance/common.h"

/* Reading RFC 4251 data: every read checks the remaining length. */
typedef struct lcmp__sshbuf {
    const uint8_t *p;
    size_t len;
} lcmp__sshbuf;

int lcmp__sshbuf_u32(uint32_t *out, lcmp__sshbuf *b);
/* A `string`: *out points into the buffer (not NUL-terminated). */
int lcmp__sshbuf_string(const uint8_t **out, size_t *len, lcmp__sshbuf *b);
/* A `string` that must equal `want` exactly. */
int lcmp__sshbuf_expect(lcmp__sshbuf *b, const char *want);

typedef enum {
    LCMP__SSHKEY_ED25519,
    LCMP__SSHKEY_ECDSA_P256,
    LCMP__SSHKEY_RSA
} lcmp__sshkey_type;

typedef struct lcmp__sshkey {
    lcmp__sshkey_type type;
    EVP_PKEY *pkey;
    uint8_t *blob; /* the wire blob, owned */
    size_t bloblen;
} lcmp__sshkey;

/* Parse a public-key wire blob (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa
 * with a modulus of at least 2048 bits). LCMP_EPARSE for anything else. */
int lcmp__sshkey_from_blob(lcmp__sshkey **out,
                           const uint8_t *blob,
                           size_t len,
                           lcmp_error *err);
/* Parse "keytype base64" as in authorized_keys / allowed_signers; the
 * type named must match the blob's. */
int lcmp__sshkey_from_text(lcmp__sshkey **out,
                           const char *type,
                           const char *b64,
                           lcmp_error *err);
void lcmp__sshkey_free(lcmp__sshkey *key);
/* Same key (blob comparison). */
int lcmp__sshkey_equal(const lcmp__sshkey *a, const lcmp__sshkey *b);
/* "SHA256:" + unpadded base64 of SHA-256(blob), as ssh-keygen -l prints. */
void lcmp__sshkey_fingerprint(char out[64], const lcmp__sshkey *key);
/* "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa". */
const char *lcmp__sshkey_type_name(const lcmp__sshkey *key);

/* Base64 (RFC 4648), standard alphabet; whitespace is not allowed. The
 * decoder returns the exact length (padding accounted for). */
int lcmp__base64_decode(lcmp_buf *out, const char *in, size_t len);
int lcmp__base64_encode(lcmp_buf *out, const uint8_t *in, size_t len);

#endif
