/*
 * OpenSSH signatures (SSHSIG, PROTOCOL.sshsig) made with our own keys, so
 * that a statement's payload can be checked with stock
 * `ssh-keygen -Y verify`. Verification lives in sshsig.c.
 *
 * Layout (research/signing-and-sync.md §2): the signed data is
 *   "SSHSIG" | string namespace | string "" | string "sha512" |
 *   string SHA-512(message)
 * and the armoured blob is
 *   "SSHSIG" | uint32 1 | string public key | string namespace |
 *   string "" | string "sha512" | string signature
 * where the signature is `string type | string bytes`: Ed25519's 64 raw
 * bytes, or for ECDSA P-256 `mpint r | mpint s` over SHA-256 of the signed
 * data. The base64 is wrapped at 70 columns, as ssh-keygen writes it.
 */
#include <string.h>

#include <openssl/ec.h>
#include <openssl/sha.h>

#include "keys.h"
#include "util.h"

#define SSHSIG_WRAP 70

/* The inner signature bytes for `key`'s type, from lcmp__key_sign()'s. */
static int ssh_signature(lcmp_buf *out,
                         const lcmp_key *key,
                         const lcmp_buf *raw,
                         lcmp_error *err)
{
    const unsigned char *p = (const unsigned char *)raw->ptr;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG *sig = NULL;
    lcmp_buf inner = LCMP_BUF_INIT;
    uint8_t rb[32], sb[32];
    int rc = LCMP_ERROR;

    if (key->type == LCMP_KEY_ED25519) {
        if (lcmp__wire_put_string(out, "ssh-ed25519", 11) < 0 ||
            lcmp__wire_put_string(out, raw->ptr, raw->size) < 0)
        {
            return lcmp__error_set(
                err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        }
        return 0;
    }
    sig = d2i_ECDSA_SIG(NULL, &p, (long)raw->size);
    if (sig == NULL) {
        rc = lcmp__error_set(
            err, LCMP_ECRYPTO, NULL, NULL, "cannot decode an ECDSA signature");
        goto done;
    }
    ECDSA_SIG_get0(sig, &r, &s);
    if (BN_bn2binpad(r, rb, sizeof(rb)) < 0 ||
        BN_bn2binpad(s, sb, sizeof(sb)) < 0) {
        rc = lcmp__error_set(
            err, LCMP_ECRYPTO, NULL, NULL, "cannot encode an ECDSA signature");
        goto done;
    }
    if (lcmp__wire_put_mpint(&inner, rb, sizeof(rb)) < 0 ||
        lcmp__wire_put_mpint(&inner, sb, sizeof(sb)) < 0 ||
        lcmp__wire_put_string(out, "ecdsa-sha2-nistp256", 19) < 0 ||
        lcmp__wire_put_string(out, inner.ptr, inner.size) < 0)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    rc = 0;

done:
    ECDSA_SIG_free(sig);
    lcmp_buf_dispose(&inner);
    return rc;
}

/* Armour: header, base64 wrapped at 70 columns, footer. */
static int armour(lcmp_buf *out, const lcmp_buf *blob)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    size_t i;
    int rc = LCMP_ENOMEM;

    if (lcmp__base64_encode(&b64, (const uint8_t *)blob->ptr, blob->size) < 0 ||
        lcmp__buf_puts(out, "-----BEGIN SSH SIGNATURE-----\n") < 0)
    {
        goto done;
    }
    for (i = 0; i < b64.size; i += SSHSIG_WRAP) {
        size_t n = b64.size - i < SSHSIG_WRAP ? b64.size - i : SSHSIG_WRAP;
        if (lcmp__buf_put(out, b64.ptr + i, n) < 0 ||
            lcmp__buf_put(out, "\n", 1) < 0) {
            goto done;
        }
    }
    if (lcmp__buf_puts(out, "-----END SSH SIGNATURE-----\n") < 0) {
        goto done;
    }
    rc = 0;

done:
    lcmp_buf_dispose(&b64);
    return rc;
}

int lcmp_key_sshsig(lcmp_buf *out,
                    const lcmp_key *key,
                    const uint8_t *msg,
                    size_t len,
                    const char *ns,
                    lcmp_error *err)
{
    lcmp_buf data = LCMP_BUF_INIT, raw = LCMP_BUF_INIT;
    lcmp_buf sig = LCMP_BUF_INIT, blob = LCMP_BUF_INIT;
    uint8_t h[SHA512_DIGEST_LENGTH];
    size_t nslen;
    int rc = LCMP_ERROR;

    if (out == NULL || key == NULL || (msg == NULL && len > 0) || ns == NULL ||
        ns[0] == '\0')
    {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "an SSH signature needs a key, a message and "
                               "a namespace");
    }
    lcmp__buf_clear(out);
    nslen = strlen(ns);
    SHA512(msg != NULL ? msg : (const uint8_t *)"", len, h);
    if (lcmp__buf_put(&data, "SSHSIG", 6) < 0 ||
        lcmp__wire_put_string(&data, ns, nslen) < 0 ||
        lcmp__wire_put_string(&data, "", 0) < 0 ||
        lcmp__wire_put_string(&data, "sha512", 6) < 0 ||
        lcmp__wire_put_string(&data, h, sizeof(h)) < 0)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    rc = lcmp__key_sign(&raw, key, (const uint8_t *)data.ptr, data.size, err);
    if (rc < 0) {
        goto done;
    }
    rc = ssh_signature(&sig, key, &raw, err);
    if (rc < 0) {
        goto done;
    }
    if (lcmp__buf_put(&blob, "SSHSIG", 6) < 0 ||
        lcmp__wire_put_u32(&blob, 1) < 0 ||
        lcmp__wire_put_string(&blob, key->pub->blob, key->pub->bloblen) < 0 ||
        lcmp__wire_put_string(&blob, ns, nslen) < 0 ||
        lcmp__wire_put_string(&blob, "", 0) < 0 ||
        lcmp__wire_put_string(&blob, "sha512", 6) < 0 ||
        lcmp__wire_put_string(&blob, sig.ptr, sig.size) < 0 ||
        armour(out, &blob) < 0)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    rc = 0;

done:
    lcmp_buf_dispose(&data);
    lcmp_buf_dispose(&raw);
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&blob);
    return rc;
}
