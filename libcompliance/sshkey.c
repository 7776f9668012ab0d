/*
 * OpenSSH public keys: the RFC 4251 wire format, key blobs (RFC 4253
 * ssh-rsa, RFC 5656 ecdsa-sha2-nistp256, RFC 8709 ssh-ed25519) turned into
 * OpenSSL EVP_PKEYs, fingerprints as `ssh-keygen -l` prints them, and a
 * strict base64 (RFC 4648) codec.
 *
 * Invariants: every read checks the remaining length before touching a
 * byte; a blob is accepted only when it is consumed exactly; mpints are
 * positive and minimally encoded (as OpenSSH's sshbuf_get_bignum2 wants);
 * an EC point is checked to lie on the curve; an RSA modulus has 2048 to
 * 16384 bits. The base64 decoder accepts only the canonical encoding
 * (padding present, unused bits zero), so one blob has one text form.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>

#include "sshkey.h"
#include "util.h"

/* OpenSSH refuses larger RSA keys (SSHBUF_MAX_BIGNUM); so do we. */
#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 16384

/*
 * RFC 4251 reader
 */

int lcmp__sshbuf_u32(uint32_t *out, lcmp__sshbuf *b)
{
    if (b->len < 4) {
        return LCMP_EPARSE;
    }
    *out = (uint32_t)b->p[0] << 24 | (uint32_t)b->p[1] << 16 |
           (uint32_t)b->p[2] << 8 | (uint32_t)b->p[3];
    b->p += 4;
    b->len -= 4;
    return 0;
}

int lcmp__sshbuf_string(const uint8_t **out, size_t *len, lcmp__sshbuf *b)
{
    lcmp__sshbuf tmp = *b;
    uint32_t n;

    if (lcmp__sshbuf_u32(&n, &tmp) < 0 || n > tmp.len) {
        return LCMP_EPARSE;
    }
    *out = tmp.p;
    *len = n;
    b->p = tmp.p + n;
    b->len = tmp.len - n;
    return 0;
}

int lcmp__sshbuf_expect(lcmp__sshbuf *b, const char *want)
{
    lcmp__sshbuf tmp = *b;
    const uint8_t *s;
    size_t n;

    if (lcmp__sshbuf_string(&s, &n, &tmp) < 0 || n != strlen(want) ||
        memcmp(s, want, n) != 0)
    {
        return LCMP_EPARSE;
    }
    *b = tmp;
    return 0;
}

/*
 * An `mpint` that must be positive (or zero) and minimally encoded; *out
 * points at the magnitude without the sign byte.
 */
static int sshbuf_mpint(const uint8_t **out, size_t *len, lcmp__sshbuf *b)
{
    lcmp__sshbuf tmp = *b;
    const uint8_t *p;
    size_t n;

    if (lcmp__sshbuf_string(&p, &n, &tmp) < 0) {
        return LCMP_EPARSE;
    }
    if (n > 0 && (p[0] & 0x80) != 0) {
        return LCMP_EPARSE; /* negative */
    }
    if (n > 0 && p[0] == 0) {
        if (n == 1 || (p[1] & 0x80) == 0) {
            return LCMP_EPARSE; /* a needless leading zero */
        }
        p++;
        n--;
    }
    *out = p;
    *len = n;
    *b = tmp;
    return 0;
}

/* Whether a string read from the wire equals the C string `want`. */
static int str_is(const uint8_t *s, size_t n, const char *want)
{
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

/* The key type named by a blob, printable for messages. */
static void quote_type(char out[48], const uint8_t *s, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n && k + 4 < 48; i++) {
        out[k++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
    }
    if (i < n) {
        out[k++] = '.';
        out[k++] = '.';
        out[k++] = '.';
    }
    out[k] = '\0';
}

/* The first OpenSSL error's reason, for messages; clears the queue. */
static const char *ossl_reason(void)
{
    unsigned long e = ERR_get_error();
    const char *r = e != 0 ? ERR_reason_error_string(e) : NULL;

    ERR_clear_error();
    return r != NULL ? r : "unknown error";
}

/* Import a public key from OpenSSL parameters; 0, LCMP_EPARSE or
 * LCMP_ECRYPTO. */
static int pkey_fromdata(EVP_PKEY **out,
                         const char *alg,
                         OSSL_PARAM_BLD *bld,
                         int check,
                         lcmp_error *err)
{
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL, *cctx = NULL;
    EVP_PKEY *pkey = NULL;
    int rc = LCMP_ERROR;

    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, alg, NULL);
    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1) {
        rc = lcmp__error_set(err,
                             LCMP_ECRYPTO,
                             NULL,
                             NULL,
                             "cannot set up an %s key: %s",
                             alg,
                             ossl_reason());
        goto done;
    }
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
        rc = lcmp__error_set(err,
                             LCMP_EPARSE,
                             NULL,
                             NULL,
                             "invalid %s public key: %s",
                             alg,
                             ossl_reason());
        goto done;
    }
    if (check) {
        cctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (cctx == NULL || EVP_PKEY_public_check_quick(cctx) != 1) {
            rc = lcmp__error_set(err,
                                 LCMP_EPARSE,
                                 NULL,
                                 NULL,
                                 "invalid %s public key: %s",
                                 alg,
                                 ossl_reason());
            goto done;
        }
    }
    *out = pkey;
    pkey = NULL;
    rc = 0;
done:
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(cctx);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return rc;
}

static int ed25519_from(EVP_PKEY **out, lcmp__sshbuf *b, lcmp_error *err)
{
    const uint8_t *pk;
    size_t n;

    if (lcmp__sshbuf_string(&pk, &n, b) < 0 || n != 32) {
        return lcmp__error_set(
            err, LCMP_EPARSE, NULL, NULL, "malformed ssh-ed25519 public key");
    }
    *out = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pk, n);
    if (*out == NULL) {
        return lcmp__error_set(err,
                               LCMP_ECRYPTO,
                               NULL,
                               NULL,
                               "cannot make an Ed25519 key: %s",
                               ossl_reason());
    }
    return 0;
}

static int p256_from(EVP_PKEY **out, lcmp__sshbuf *b, lcmp_error *err)
{
    OSSL_PARAM_BLD *bld = NULL;
    const uint8_t *q;
    size_t n;
    int rc = LCMP_ERROR;

    /* RFC 5656 §3.1: the curve name again, then an uncompressed point
     * (OpenSSH neither writes nor reads compressed ones) */
    if (lcmp__sshbuf_expect(b, "nistp256") < 0 ||
        lcmp__sshbuf_string(&q, &n, b) < 0 || n != 65 || q[0] != 0x04)
    {
        return lcmp__error_set(err,
                               LCMP_EPARSE,
                               NULL,
                               NULL,
                               "malformed ecdsa-sha2-nistp256 public key");
    }
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        OSSL_PARAM_BLD_push_utf8_string(
            bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, q, n) !=
            1)
    {
        rc = lcmp__error_set(err,
                             LCMP_ECRYPTO,
                             NULL,
                             NULL,
                             "cannot set up an EC key: %s",
                             ossl_reason());
        goto done;
    }
    rc = pkey_fromdata(out, "EC", bld, 1, err);
done:
    OSSL_PARAM_BLD_free(bld);
    return rc;
}

static int rsa_from(EVP_PKEY **out, lcmp__sshbuf *b, lcmp_error *err)
{
    OSSL_PARAM_BLD *bld = NULL;
    BIGNUM *e = NULL, *n = NULL;
    const uint8_t *ep, *np;
    size_t elen, nlen;
    int bits, rc = LCMP_ERROR;

    if (sshbuf_mpint(&ep, &elen, b) < 0 || sshbuf_mpint(&np, &nlen, b) < 0) {
        return lcmp__error_set(
            err, LCMP_EPARSE, NULL, NULL, "malformed ssh-rsa public key");
    }
    if (nlen > RSA_MAX_BITS / 8) {
        return lcmp__error_set(err,
                               LCMP_EPARSE,
                               NULL,
                               NULL,
                               "RSA key is larger than %d bits",
                               RSA_MAX_BITS);
    }
    /* e odd, at least 3 and shorter than n: anything else is no RSA key
     * a real generator makes */
    if (elen == 0 || elen >= nlen || (ep[elen - 1] & 1) == 0 ||
        (elen == 1 && ep[0] < 3))
    {
        return lcmp__error_set(
            err, LCMP_EPARSE, NULL, NULL, "invalid RSA public exponent");
    }
    e = BN_bin2bn(ep, (int)elen, NULL);
    n = BN_bin2bn(np, (int)nlen, NULL);
    if (e == NULL || n == NULL) {
        rc = lcmp__error_set(err,
                             LCMP_ECRYPTO,
                             NULL,
                             NULL,
                             "cannot set up an RSA key: %s",
                             ossl_reason());
        goto done;
    }
    bits = BN_num_bits(n);
    if (bits < RSA_MIN_BITS) {
        rc = lcmp__error_set(err,
                             LCMP_EPARSE,
                             NULL,
                             NULL,
                             "RSA key has %d bits, fewer than %d",
                             bits,
                             RSA_MIN_BITS);
        goto done;
    }
    if (!BN_is_odd(n)) {
        rc = lcmp__error_set(
            err, LCMP_EPARSE, NULL, NULL, "invalid RSA modulus");
        goto done;
    }
    bld = OSSL_PARAM_BLD_new();
    if (bld == NULL ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1)
    {
        rc = lcmp__error_set(err,
                             LCMP_ECRYPTO,
                             NULL,
                             NULL,
                             "cannot set up an RSA key: %s",
                             ossl_reason());
        goto done;
    }
    rc = pkey_fromdata(out, "RSA", bld, 0, err);
done:
    OSSL_PARAM_BLD_free(bld);
    BN_free(e);
    BN_free(n);
    return rc;
}

int lcmp__sshkey_from_blob(lcmp__sshkey **out,
                           const uint8_t *blob,
                           size_t len,
                           lcmp_error *err)
{
    lcmp__sshkey *key = NULL;
    lcmp__sshbuf b = {blob, len};
    const uint8_t *type;
    size_t tlen;
    char shown[48];
    int rc = LCMP_ERROR;

    if (out == NULL || (blob == NULL && len > 0)) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no key blob given");
    }
    *out = NULL;
    if (lcmp__sshbuf_string(&type, &tlen, &b) < 0) {
        return lcmp__error_set(
            err, LCMP_EPARSE, NULL, NULL, "malformed public key");
    }
    key = calloc(1, sizeof(*key));
    if (key == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    if (str_is(type, tlen, "ssh-ed25519")) {
        key->type = LCMP__SSHKEY_ED25519;
        rc = ed25519_from(&key->pkey, &b, err);
    } else if (str_is(type, tlen, "ecdsa-sha2-nistp256")) {
        key->type = LCMP__SSHKEY_ECDSA_P256;
        rc = p256_from(&key->pkey, &b, err);
    } else if (str_is(type, tlen, "ssh-rsa")) {
        key->type = LCMP__SSHKEY_RSA;
        rc = rsa_from(&key->pkey, &b, err);
    } else {
        quote_type(shown, type, tlen);
        rc = lcmp__error_set(
            err, LCMP_EPARSE, NULL, NULL, "unsupported key type '%s'", shown);
    }
    if (rc < 0) {
        goto done;
    }
    if (b.len != 0) {
        rc = lcmp__error_set(err,
                             LCMP_EPARSE,
                             NULL,
                             NULL,
                             "trailing data after the %s public key",
                             lcmp__sshkey_type_name(key));
        goto done;
    }
    key->blob = malloc(len);
    if (key->blob == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    memcpy(key->blob, blob, len);
    key->bloblen = len;
    *out = key;
    key = NULL;
    rc = 0;
done:
    lcmp__sshkey_free(key);
    return rc;
}

int lcmp__sshkey_from_text(lcmp__sshkey **out,
                           const char *type,
                           const char *b64,
                           lcmp_error *err)
{
    lcmp_buf blob = LCMP_BUF_INIT;
    lcmp__sshkey *key = NULL;
    int rc = LCMP_ERROR;

    if (out == NULL || type == NULL || b64 == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no key text given");
    }
    *out = NULL;
    rc = lcmp__base64_decode(&blob, b64, strlen(b64));
    if (rc == LCMP_ENOMEM) {
        rc = lcmp__error_set(err, rc, NULL, NULL, "out of memory");
        goto done;
    }
    if (rc < 0) {
        rc = lcmp__error_set(err,
                             LCMP_EPARSE,
                             NULL,
                             NULL,
                             "malformed base64 in the %s key",
                             type);
        goto done;
    }
    rc =
        lcmp__sshkey_from_blob(&key, (const uint8_t *)blob.ptr, blob.size, err);
    if (rc < 0) {
        goto done;
    }
    if (strcmp(type, lcmp__sshkey_type_name(key)) != 0) {
        rc = lcmp__error_set(err,
                             LCMP_EPARSE,
                             NULL,
                             NULL,
                             "key type '%s' does not match its %s blob",
                             type,
                             lcmp__sshkey_type_name(key));
        goto done;
    }
    *out = key;
    key = NULL;
    rc = 0;
done:
    lcmp__sshkey_free(key);
    lcmp_buf_dispose(&blob);
    return rc;
}

void lcmp__sshkey_free(lcmp__sshkey *key)
{
    if (key == NULL) {
        return;
    }
    EVP_PKEY_free(key->pkey);
    free(key->blob);
    free(key);
}

int lcmp__sshkey_equal(const lcmp__sshkey *a, const lcmp__sshkey *b)
{
    return a != NULL && b != NULL && a->bloblen == b->bloblen &&
           memcmp(a->blob, b->blob, a->bloblen) == 0;
}

void lcmp__sshkey_fingerprint(char out[64], const lcmp__sshkey *key)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t md[SHA256_DIGEST_LENGTH];
    size_t i, k;

    SHA256(key->blob, key->bloblen, md);
    memcpy(out, "SHA256:", 7);
    k = 7;
    /* base64 without padding, as sshkey_fingerprint_raw() prints it */
    for (i = 0; i + 3 <= sizeof(md); i += 3) {
        uint32_t v =
            (uint32_t)md[i] << 16 | (uint32_t)md[i + 1] << 8 | md[i + 2];

        out[k++] = alphabet[v >> 18 & 63];
        out[k++] = alphabet[v >> 12 & 63];
        out[k++] = alphabet[v >> 6 & 63];
        out[k++] = alphabet[v & 63];
    }
    /* 32 = 30 + 2: two bytes remain, three characters */
    {
        uint32_t v = (uint32_t)md[30] << 16 | (uint32_t)md[31] << 8;

        out[k++] = alphabet[v >> 18 & 63];
        out[k++] = alphabet[v >> 12 & 63];
        out[k++] = alphabet[v >> 6 & 63];
    }
    out[k] = '\0';
}

const char *lcmp__sshkey_type_name(const lcmp__sshkey *key)
{
    switch (key->type) {
    case LCMP__SSHKEY_ED25519:
        return "ssh-ed25519";
    case LCMP__SSHKEY_ECDSA_P256:
        return "ecdsa-sha2-nistp256";
    case LCMP__SSHKEY_RSA:
        return "ssh-rsa";
    }
    return "unknown";
}

/*
 * Base64
 */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

int lcmp__base64_decode(lcmp_buf *out, const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i, pad = 0;
    uint8_t *p;

    lcmp__buf_clear(out);
    if (len % 4 != 0) {
        return LCMP_EPARSE;
    }
    if (len > 0 && s[len - 1] == '=') {
        pad = len > 1 && s[len - 2] == '=' ? 2 : 1;
    }
    if (lcmp__buf_grow(out, len / 4 * 3 + 1) < 0) {
        return LCMP_ENOMEM;
    }
    p = (uint8_t *)out->ptr;
    for (i = 0; i < len; i += 4) {
        int last = i + 4 == len;
        int v[4], k;
        uint32_t w;

        for (k = 0; k < 4; k++) {
            v[k] = last && k >= 4 - (int)pad ? 0 : b64_value(s[i + k]);
            if (v[k] < 0) {
                return LCMP_EPARSE; /* includes '=' in the middle */
            }
        }
        w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
            (uint32_t)v[3];
        *p++ = (uint8_t)(w >> 16);
        if (!last || pad < 2) {
            *p++ = (uint8_t)(w >> 8);
        }
        if (!last || pad < 1) {
            *p++ = (uint8_t)w;
        }
        /* canonical form only: the bits padding leaves over are zero */
        if (last &&
            ((pad == 2 && (w & 0xffff) != 0) || (pad == 1 && (w & 0xff) != 0)))
        {
            lcmp__buf_clear(out);
            return LCMP_EPARSE;
        }
    }
    out->size = (size_t)(p - (uint8_t *)out->ptr);
    out->ptr[out->size] = '\0';
    return 0;
}

int lcmp__base64_encode(lcmp_buf *out, const uint8_t *in, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i, need;
    char *p;

    lcmp__buf_clear(out);
    if (len > (SIZE_MAX - 1) / 4 * 3 - 2) {
        return LCMP_ENOMEM;
    }
    need = (len + 2) / 3 * 4;
    if (lcmp__buf_grow(out, need + 1) < 0) {
        return LCMP_ENOMEM;
    }
    p = out->ptr;
    for (i = 0; i < len; i += 3) {
        size_t left = len - i;
        uint32_t w = (uint32_t)in[i] << 16;

        if (left > 1) {
            w |= (uint32_t)in[i + 1] << 8;
        }
        if (left > 2) {
            w |= in[i + 2];
        }
        *p++ = alphabet[w >> 18 & 63];
        *p++ = alphabet[w >> 12 & 63];
        *p++ = left > 1 ? alphabet[w >> 6 & 63] : '=';
        *p++ = left > 2 ? alphabet[w & 63] : '=';
    }
    out->size = need;
    out->ptr[need] = '\0';
    return 0;
}
