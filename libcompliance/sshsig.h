/*
 * OpenSSH signatures (PROTOCOL.sshsig) and allowed_signers (internal).
 */
#ifndef LCMP_SSHSIG_H
#define LCMP_SSHSIG_H

#include "libcompliance/trust.h"
#include "sshkey.h"

typedef struct lcmp__sshsig {
    lcmp__sshkey *key; /* embedded, untrusted until a signer vouches */
    char ns[256];
    int sha512; /* hash algorithm: 1 sha512, 0 sha256 */
    char sigtype[32];
    uint8_t *sig; /* inner signature bytes */
    size_t siglen;
} lcmp__sshsig;

/* Parse the armoured form (LF or CRLF, any wrapping). Strict: preamble,
 * version 1, no trailing data. */
int lcmp__sshsig_parse(lcmp__sshsig **out,
                       const char *armored,
                       size_t len,
                       lcmp_error *err);
void lcmp__sshsig_free(lcmp__sshsig *sig);
/* Cryptographic check only: namespace must equal `ns`; the key is not
 * checked against any trust list. 0 or LCMP_EVERIFY. */
int lcmp__sshsig_check(const lcmp__sshsig *sig,
                       const uint8_t *msg,
                       size_t len,
                       const char *ns,
                       lcmp_error *err);

/* The first entry of `signers` whose key equals `key`, whose principals
 * match `principal` (any when NULL), whose namespaces allow `ns` and whose
 * validity window contains `at`. 0 with *principal_out set to that entry's
 * whole principals field (borrowed from `signers`), or LCMP_EVERIFY saying
 * why the entry that got furthest (key, principal, namespace, time)
 * failed. */
int lcmp__signers_find(const char **principal_out,
                       const lcmp_signers *signers,
                       const lcmp__sshkey *key,
                       const char *principal,
                       const char *ns,
                       int64_t at,
                       lcmp_error *err);

/* The key of entry `i` (0 <= i < lcmp_signers_count()), borrowed from
 * `signers`; NULL when out of range. For callers that verify other
 * signatures (DSSE) with the keys of an allowed_signers file. */
const lcmp__sshkey *lcmp__signers_key(const lcmp_signers *signers, size_t i);

#endif
