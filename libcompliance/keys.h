/*
 * Signing keys (internal): the layout of lcmp_key, RFC 4251 writers, and
 * the raw sign/verify primitives DSSE and SSHSIG signing share.
 */
#ifndef LCMP_KEYS_H
#define LCMP_KEYS_H

#include <openssl/evp.h>

#include "libcompliance/statement.h"
#include "sshkey.h"

struct lcmp_key {
    lcmp_key_type_t type;
    EVP_PKEY *pkey;    /* the private key */
    lcmp__sshkey *pub; /* its public half as an OpenSSH key (owned) */
    char fingerprint[64];
};

/* RFC 4251 writers; each returns 0 or LCMP_ENOMEM. */
int lcmp__wire_put_u32(lcmp_buf *b, uint32_t v);
int lcmp__wire_put_string(lcmp_buf *b, const void *p, size_t len);
/* An mpint from an unsigned big-endian magnitude (leading zeros
 * stripped, a 00 prepended when the top bit is set). */
int lcmp__wire_put_mpint(lcmp_buf *b, const uint8_t *p, size_t len);

/*
 * Sign `msg`: Ed25519 over the message itself (one-shot); ECDSA P-256
 * over its SHA-256, DER-encoded. 0 or LCMP_ECRYPTO / LCMP_ENOMEM.
 */
int lcmp__key_sign(lcmp_buf *sig,
                   const lcmp_key *key,
                   const uint8_t *msg,
                   size_t len,
                   lcmp_error *err);

/*
 * Check a signature over `msg` with a public key, as DSSE signs: Ed25519
 * (64 bytes) or ECDSA P-256 with SHA-256, DER or raw r||s (64 bytes).
 * Other key types never verify. Returns 1 valid, 0 invalid, LCMP_ECRYPTO
 * when the backend fails.
 */
int lcmp__sshkey_verify(const lcmp__sshkey *key,
                        const uint8_t *sig,
                        size_t siglen,
                        const uint8_t *msg,
                        size_t len);

/* Text of the newest OpenSSL error (or a fallback); clears the queue. */
const char *lcmp__ossl_reason(char *buf, size_t size);

#endif
