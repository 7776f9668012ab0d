/*
 * OpenSSH signatures (openssh-portable PROTOCOL.sshsig, as ssh-keygen -Y
 * sign writes them) verified with OpenSSL, and lcmp_sshsig_verify(), which
 * adds the allowed_signers check of signers.c.
 *
 * Invariants: the armour and the blob are parsed strictly (BEGIN line at
 * offset 0, version 1, a non-empty namespace, hash sha256 or sha512, a
 * signature type that belongs to the key type, no trailing data anywhere)
 * before any cryptography runs; the signed data is rebuilt from the
 * namespace the caller expects, never taken from the signature; the
 * embedded key is untrusted until lcmp__signers_find() vouches for it.
 * Only public keys are handled here: nothing needs wiping.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "sshsig.h"
#include "util.h"

#define BEGIN_LINE "-----BEGIN SSH SIGNATURE-----"
#define END_LINE   "-----END SSH SIGNATURE-----"
#define MAGIC      "SSHSIG"
#define MAGIC_LEN  6

/* An RSA-16384 signature armours to under 6 KiB. */
#define MAX_ARMORED ((size_t)64 * 1024)

void lcmp__sshsig_free(lcmp__sshsig *sig)
{
    if (sig == NULL) {
        return;
    }
    lcmp__sshkey_free(sig->key);
    free(sig->sig);
    free(sig);
}

static int malformed(lcmp_error *err, const char *what)
{
    return lcmp__error_set(
        err, LCMP_EPARSE, NULL, NULL, "malformed SSH signature: %s", what);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The position of `needle` in `hay`, or NULL (the text may hold NULs). */
static const char *find(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle), i;

    for (i = 0; n <= len && i <= len - n; i++) {
        if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

/* Strip the armour: the BEGIN line at offset 0 (LF or CRLF), base64 in any
 * wrapping, "\n" + the END line, then nothing but whitespace. */
static int
dearmor(lcmp_buf *blob, const char *text, size_t len, lcmp_error *err)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    const char *p, *end, *stop = text + len;
    int rc = LCMP_ERROR;

    if (len > MAX_ARMORED) {
        return lcmp__error_set(err,
                               LCMP_EPARSE,
                               NULL,
                               NULL,
                               "SSH signature is larger than %zu bytes",
                               MAX_ARMORED);
    }
    if (len < sizeof(BEGIN_LINE) - 1 ||
        memcmp(text, BEGIN_LINE, sizeof(BEGIN_LINE) - 1) != 0)
    {
        return malformed(err, "no '" BEGIN_LINE "' line");
    }
    p = text + sizeof(BEGIN_LINE) - 1;
    if (stop - p >= 2 && p[0] == '\r' && p[1] == '\n') {
        p += 2;
    } else if (stop - p >= 1 && p[0] == '\n') {
        p += 1;
    } else {
        return malformed(err, "no line end after the BEGIN line");
    }
    end = find(p, (size_t)(stop - p), "\n" END_LINE);
    if (end == NULL) {
        return malformed(err, "no '" END_LINE "' line");
    }
    for (; p < end; p++) {
        if (!is_space(*p) && lcmp__buf_put(&b64, p, 1) < 0) {
            rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
            goto done;
        }
    }
    for (p = end + sizeof(END_LINE); p < stop; p++) {
        if (!is_space(*p)) {
            rc = malformed(err, "text after the END line");
            goto done;
        }
    }
    rc = lcmp__base64_decode(blob, b64.ptr != NULL ? b64.ptr : "", b64.size);
    if (rc == LCMP_ENOMEM) {
        rc = lcmp__error_set(err, rc, NULL, NULL, "out of memory");
        goto done;
    }
    if (rc < 0) {
        rc = malformed(err, "invalid base64");
        goto done;
    }
    rc = 0;
done:
    lcmp_buf_dispose(&b64);
    return rc;
}

/* Whether a string read from the wire equals the C string `want`. */
static int str_eq(const uint8_t *s, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

/* ECDSA sigbytes: mpint r, mpint s, nothing else; each at most 32 bytes
 * (P-256) and not zero. */
static int ecdsa_rs(const uint8_t **r,
                    size_t *rlen,
                    const uint8_t **s,
                    size_t *slen,
                    const uint8_t *sig,
                    size_t siglen)
{
    lcmp__sshbuf b = {sig, siglen};
    const uint8_t *p[2];
    size_t n[2];
    int i;

    for (i = 0; i < 2; i++) {
        if (lcmp__sshbuf_string(&p[i], &n[i], &b) < 0 || n[i] == 0 ||
            (p[i][0] & 0x80) != 0)
        {
            return LCMP_EPARSE;
        }
        if (p[i][0] == 0) {
            if (n[i] == 1 || (p[i][1] & 0x80) == 0) {
                return LCMP_EPARSE;
            }
            p[i]++;
            n[i]--;
        }
        if (n[i] > 32) {
            return LCMP_EPARSE;
        }
    }
    if (b.len != 0) {
        return LCMP_EPARSE;
    }
    *r = p[0];
    *rlen = n[0];
    *s = p[1];
    *slen = n[1];
    return 0;
}

/* Check the inner signature blob against the key type; fills sigtype,
 * sig and siglen. */
static int
parse_inner(lcmp__sshsig *sig, const uint8_t *in, size_t inlen, lcmp_error *err)
{
    lcmp__sshbuf b = {in, inlen};
    const uint8_t *type, *bytes, *r, *s;
    size_t tlen, blen, rlen, slen;
    const char *want = NULL;

    if (lcmp__sshbuf_string(&type, &tlen, &b) < 0 ||
        lcmp__sshbuf_string(&bytes, &blen, &b) < 0)
    {
        return malformed(err, "truncated signature");
    }
    if (b.len != 0) {
        return malformed(err, "trailing data after the signature bytes");
    }
    switch (sig->key->type) {
    case LCMP__SSHKEY_ED25519:
        want = "ssh-ed25519";
        if (str_eq(type, tlen, want) && blen != 64) {
            return malformed(err, "an Ed25519 signature has 64 bytes");
        }
        break;
    case LCMP__SSHKEY_ECDSA_P256:
        want = "ecdsa-sha2-nistp256";
        if (str_eq(type, tlen, want) &&
            ecdsa_rs(&r, &rlen, &s, &slen, bytes, blen) < 0) {
            return malformed(err, "invalid ECDSA r and s");
        }
        break;
    case LCMP__SSHKEY_RSA:
        if (str_eq(type, tlen, "ssh-rsa")) {
            return lcmp__error_set(err,
                                   LCMP_EPARSE,
                                   NULL,
                                   NULL,
                                   "legacy ssh-rsa (SHA-1) signatures are "
                                   "refused; sign with rsa-sha2-256 or "
                                   "rsa-sha2-512");
        }
        want = str_eq(type, tlen, "rsa-sha2-256") ? "rsa-sha2-256"
                                                  : "rsa-sha2-512";
        if (str_eq(type, tlen, want) &&
            (blen == 0 || blen > (size_t)EVP_PKEY_get_size(sig->key->pkey)))
        {
            return malformed(err,
                             "RSA signature empty or longer than the "
                             "key");
        }
        break;
    }
    if (want == NULL || !str_eq(type, tlen, want)) {
        return lcmp__error_set(err,
                               LCMP_EPARSE,
                               NULL,
                               NULL,
                               "malformed SSH signature: signature type "
                               "does not match the %s key",
                               lcmp__sshkey_type_name(sig->key));
    }
    memcpy(sig->sigtype, want, strlen(want) + 1);
    sig->sig = malloc(blen > 0 ? blen : 1);
    if (sig->sig == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    memcpy(sig->sig, bytes, blen);
    sig->siglen = blen;
    return 0;
}

int lcmp__sshsig_parse(lcmp__sshsig **out,
                       const char *armored,
                       size_t len,
                       lcmp_error *err)
{
    lcmp_buf blob = LCMP_BUF_INIT;
    lcmp__sshsig *sig = NULL;
    lcmp__sshbuf b, kb;
    const uint8_t *pk, *ns, *reserved, *hash, *inner, *ktype;
    size_t pklen, nslen, rlen, hlen, ilen, ktlen;
    uint32_t version;
    int rc = LCMP_ERROR;

    if (out == NULL || (armored == NULL && len > 0)) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no signature given");
    }
    *out = NULL;
    rc = dearmor(&blob, armored != NULL ? armored : "", len, err);
    if (rc < 0) {
        goto done;
    }
    b.p = (const uint8_t *)blob.ptr;
    b.len = blob.size;
    if (b.len < MAGIC_LEN || memcmp(b.p, MAGIC, MAGIC_LEN) != 0) {
        rc = malformed(err, "no SSHSIG preamble");
        goto done;
    }
    b.p += MAGIC_LEN;
    b.len -= MAGIC_LEN;
    if (lcmp__sshbuf_u32(&version, &b) < 0) {
        rc = malformed(err, "truncated");
        goto done;
    }
    if (version != 1) {
        rc = lcmp__error_set(err,
                             LCMP_EPARSE,
                             NULL,
                             NULL,
                             "unsupported SSH signature version %lu",
                             (unsigned long)version);
        goto done;
    }
    if (lcmp__sshbuf_string(&pk, &pklen, &b) < 0 ||
        lcmp__sshbuf_string(&ns, &nslen, &b) < 0 ||
        lcmp__sshbuf_string(&reserved, &rlen, &b) < 0 ||
        lcmp__sshbuf_string(&hash, &hlen, &b) < 0 ||
        lcmp__sshbuf_string(&inner, &ilen, &b) < 0)
    {
        rc = malformed(err, "truncated");
        goto done;
    }
    if (b.len != 0) {
        rc = malformed(err, "trailing data after the signature");
        goto done;
    }
    /* the reserved field is ignored, as PROTOCOL.sshsig asks */
    (void)reserved;
    (void)rlen;
    if (nslen == 0) {
        rc = malformed(err, "empty namespace");
        goto done;
    }
    if (nslen >= sizeof(sig->ns) || memchr(ns, '\0', nslen) != NULL) {
        rc = malformed(err, "namespace too long or with a NUL byte");
        goto done;
    }
    sig = calloc(1, sizeof(*sig));
    if (sig == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    memcpy(sig->ns, ns, nslen);
    sig->ns[nslen] = '\0';
    if (hlen == 6 && memcmp(hash, "sha256", 6) == 0) {
        sig->sha512 = 0;
    } else if (hlen == 6 && memcmp(hash, "sha512", 6) == 0) {
        sig->sha512 = 1;
    } else {
        rc = malformed(err, "hash algorithm is neither sha256 nor sha512");
        goto done;
    }
    kb.p = pk;
    kb.len = pklen;
    if (lcmp__sshbuf_string(&ktype, &ktlen, &kb) == 0 && ktlen >= 3 &&
        memcmp(ktype, "sk-", 3) == 0)
    {
        rc = lcmp__error_set(err,
                             LCMP_EPARSE,
                             NULL,
                             NULL,
                             "FIDO security-key (sk-*) signatures are not "
                             "supported");
        goto done;
    }
    rc = lcmp__sshkey_from_blob(&sig->key, pk, pklen, err);
    if (rc < 0) {
        goto done;
    }
    rc = parse_inner(sig, inner, ilen, err);
    if (rc < 0) {
        goto done;
    }
    *out = sig;
    sig = NULL;
    rc = 0;
done:
    lcmp__sshsig_free(sig);
    lcmp_buf_dispose(&blob);
    return rc;
}

static void put_u32(uint8_t *p, size_t n)
{
    p[0] = (uint8_t)(n >> 24);
    p[1] = (uint8_t)(n >> 16);
    p[2] = (uint8_t)(n >> 8);
    p[3] = (uint8_t)n;
}

/* Append an RFC 4251 string; the caller sized `out`. */
static size_t put_string(uint8_t *out, const void *s, size_t n)
{
    put_u32(out, n);
    memcpy(out + 4, s, n);
    return 4 + n;
}

/* The ECDSA signature as DER (what OpenSSL verifies); OPENSSL_free it. */
static int ecdsa_der(unsigned char **der, int *derlen, const lcmp__sshsig *sig)
{
    const uint8_t *r, *s;
    size_t rlen, slen;
    ECDSA_SIG *es = NULL;
    BIGNUM *br = NULL, *bs = NULL;
    int rc = LCMP_ECRYPTO;

    if (ecdsa_rs(&r, &rlen, &s, &slen, sig->sig, sig->siglen) < 0) {
        return LCMP_EVERIFY; /* parse refused it already */
    }
    es = ECDSA_SIG_new();
    br = BN_bin2bn(r, (int)rlen, NULL);
    bs = BN_bin2bn(s, (int)slen, NULL);
    if (es == NULL || br == NULL || bs == NULL ||
        ECDSA_SIG_set0(es, br, bs) != 1) {
        goto done;
    }
    br = bs = NULL; /* owned by es now */
    *der = NULL;
    *derlen = i2d_ECDSA_SIG(es, der);
    if (*derlen <= 0) {
        goto done;
    }
    rc = 0;
done:
    BN_free(br);
    BN_free(bs);
    ECDSA_SIG_free(es);
    return rc;
}

int lcmp__sshsig_check(const lcmp__sshsig *sig,
                       const uint8_t *msg,
                       size_t len,
                       const char *ns,
                       lcmp_error *err)
{
    /* "SSHSIG" string(ns) string("") string(hash) string(H(msg)) */
    uint8_t data[MAGIC_LEN + 4 + 255 + 4 + 4 + 6 + 4 + EVP_MAX_MD_SIZE];
    uint8_t md[EVP_MAX_MD_SIZE], *padded = NULL;
    unsigned char *der = NULL;
    const unsigned char *vsig;
    const char *hash = NULL;
    unsigned int mdlen = 0;
    size_t n = 0, vlen;
    EVP_MD_CTX *ctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    char fp[64];
    int derlen = 0, ok, rc = LCMP_ERROR;

    if (sig == NULL || ns == NULL || (msg == NULL && len > 0)) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no signature, message or namespace given");
    }
    lcmp__sshkey_fingerprint(fp, sig->key);
    if (strcmp(sig->ns, ns) != 0) {
        return lcmp__error_set(err,
                               LCMP_EVERIFY,
                               NULL,
                               NULL,
                               "signature is for namespace '%s', not '%s'",
                               sig->ns,
                               ns);
    }
    if (EVP_Digest(msg != NULL ? msg : (const uint8_t *)"",
                   len,
                   md,
                   &mdlen,
                   sig->sha512 ? EVP_sha512() : EVP_sha256(),
                   NULL) != 1)
    {
        rc = lcmp__error_set(
            err, LCMP_ECRYPTO, NULL, NULL, "cannot hash the message");
        goto done;
    }
    memcpy(data, MAGIC, MAGIC_LEN);
    n = MAGIC_LEN;
    n += put_string(data + n, sig->ns, strlen(sig->ns));
    n += put_string(data + n, "", 0);
    n += put_string(data + n, sig->sha512 ? "sha512" : "sha256", 6);
    n += put_string(data + n, md, mdlen);

    vsig = sig->sig;
    vlen = sig->siglen;
    switch (sig->key->type) {
    case LCMP__SSHKEY_ED25519:
        hash = NULL; /* Ed25519 signs the data itself */
        break;
    case LCMP__SSHKEY_ECDSA_P256:
        hash = "SHA256";
        rc = ecdsa_der(&der, &derlen, sig);
        if (rc == LCMP_EVERIFY) {
            goto bad;
        }
        if (rc < 0) {
            rc = lcmp__error_set(err,
                                 LCMP_ECRYPTO,
                                 NULL,
                                 NULL,
                                 "cannot encode the ECDSA signature");
            goto done;
        }
        vsig = der;
        vlen = (size_t)derlen;
        break;
    case LCMP__SSHKEY_RSA: {
        size_t modlen = (size_t)EVP_PKEY_get_size(sig->key->pkey);

        hash = strcmp(sig->sigtype, "rsa-sha2-256") == 0 ? "SHA256" : "SHA512";
        if (vlen == 0 || vlen > modlen) {
            goto bad;
        }
        /* OpenSSH left-pads a short signature with zeros; so do we */
        if (vlen < modlen) {
            padded = calloc(1, modlen);
            if (padded == NULL) {
                rc = lcmp__error_set(
                    err, LCMP_ENOMEM, NULL, NULL, "out of memory");
                goto done;
            }
            memcpy(padded + modlen - vlen, vsig, vlen);
            vsig = padded;
            vlen = modlen;
        }
        break;
    }
    }
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL ||
        EVP_DigestVerifyInit_ex(
            ctx, &pctx, hash, NULL, NULL, sig->key->pkey, NULL) != 1)
    {
        rc = lcmp__error_set(err,
                             LCMP_ECRYPTO,
                             NULL,
                             NULL,
                             "cannot set up verification with the %s key",
                             lcmp__sshkey_type_name(sig->key));
        goto done;
    }
    if (sig->key->type == LCMP__SSHKEY_RSA &&
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
    {
        rc = lcmp__error_set(
            err, LCMP_ECRYPTO, NULL, NULL, "cannot select PKCS#1 v1.5 padding");
        goto done;
    }
    ok = EVP_DigestVerify(ctx, vsig, vlen, data, n);
    if (ok != 1) {
        goto bad;
    }
    rc = 0;
    goto done;
bad:
    rc = lcmp__error_set(err,
                         LCMP_EVERIFY,
                         NULL,
                         NULL,
                         "bad signature by %s key %s",
                         lcmp__sshkey_type_name(sig->key),
                         fp);
done:
    /* leave no errors of ours in this thread's OpenSSL queue */
    ERR_clear_error();
    EVP_MD_CTX_free(ctx);
    OPENSSL_free(der);
    free(padded);
    return rc;
}

int lcmp_sshsig_verify(lcmp_buf *principal_out,
                       lcmp_buf *fingerprint_out,
                       const lcmp_signers *signers,
                       const char *armored,
                       size_t armored_len,
                       const uint8_t *msg,
                       size_t msg_len,
                       const char *ns,
                       const char *principal,
                       int64_t at,
                       lcmp_error *err)
{
    lcmp__sshsig *sig = NULL;
    const char *found = NULL;
    char fp[64];
    int rc = LCMP_ERROR;

    if (signers == NULL || armored == NULL || ns == NULL ||
        (msg == NULL && msg_len > 0))
    {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no signers, signature, message or "
                               "namespace given");
    }
    if (principal_out != NULL) {
        lcmp__buf_clear(principal_out);
    }
    if (fingerprint_out != NULL) {
        lcmp__buf_clear(fingerprint_out);
    }
    rc = lcmp__sshsig_parse(&sig, armored, armored_len, err);
    if (rc < 0) {
        goto done;
    }
    lcmp__sshkey_fingerprint(fp, sig->key);
    if (fingerprint_out != NULL && lcmp__buf_puts(fingerprint_out, fp) < 0) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    rc = lcmp__sshsig_check(sig, msg, msg_len, ns, err);
    if (rc < 0) {
        goto done;
    }
    rc = lcmp__signers_find(&found, signers, sig->key, principal, ns, at, err);
    if (rc < 0) {
        goto done;
    }
    if (principal_out != NULL &&
        lcmp__buf_puts(principal_out, principal != NULL ? principal : found) <
            0)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    rc = 0;
done:
    lcmp__sshsig_free(sig);
    return rc;
}
