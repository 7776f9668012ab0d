/*
 * Signing keys: generation, PKCS#8 PEM files (optionally encrypted), their
 * OpenSSH public form and fingerprint, and the raw signature primitives
 * statements use.
 *
 * Invariants: a key file is never read when its group or others may read
 * or write it, and never written except through a fresh 0600 temporary
 * file linked into place (an existing file is never replaced). Private
 * material passes only through OpenSSL's secure-memory BIOs and buffers
 * that are wiped with OPENSSL_cleanse() before they are freed; nothing
 * secret ever reaches an error message. Only Ed25519 and ECDSA P-256 keys
 * are accepted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "keys.h"
#include "util.h"

/* A PEM private key is a few hundred bytes; anything larger is not one. */
#define KEY_FILE_MAX (64 * 1024)

const char *lcmp__ossl_reason(char *buf, size_t size)
{
    unsigned long e = ERR_peek_last_error();

    if (e == 0) {
        snprintf(buf, size, "unknown OpenSSL error");
    } else {
        ERR_error_string_n(e, buf, size);
    }
    ERR_clear_error();
    return buf;
}

static int crypto_error(lcmp_error *err, const char *source, const char *what)
{
    char reason[256];

    return lcmp__error_set(err,
                           LCMP_ECRYPTO,
                           source,
                           NULL,
                           "%s: %s",
                           what,
                           lcmp__ossl_reason(reason, sizeof(reason)));
}

/*
 * RFC 4251 writers
 */

int lcmp__wire_put_u32(lcmp_buf *b, uint32_t v)
{
    char be[4];

    be[0] = (char)(v >> 24);
    be[1] = (char)(v >> 16);
    be[2] = (char)(v >> 8);
    be[3] = (char)v;
    return lcmp__buf_put(b, be, 4);
}

int lcmp__wire_put_string(lcmp_buf *b, const void *p, size_t len)
{
    if (len > UINT32_MAX) {
        return LCMP_ENOMEM;
    }
    if (lcmp__wire_put_u32(b, (uint32_t)len) < 0 ||
        (len > 0 && lcmp__buf_put(b, p, len) < 0))
    {
        return LCMP_ENOMEM;
    }
    return 0;
}

int lcmp__wire_put_mpint(lcmp_buf *b, const uint8_t *p, size_t len)
{
    int pad;

    while (len > 0 && p[0] == 0) {
        p++;
        len--;
    }
    pad = len > 0 && (p[0] & 0x80) != 0;
    if (lcmp__wire_put_u32(b, (uint32_t)(len + (size_t)pad)) < 0 ||
        (pad && lcmp__buf_put(b, "", 1) < 0) ||
        (len > 0 && lcmp__buf_put(b, (const char *)p, len) < 0))
    {
        return LCMP_ENOMEM;
    }
    return 0;
}

/*
 * Making an lcmp_key from an EVP_PKEY
 */

/* The OpenSSH public-key blob (RFC 8709 / RFC 5656) of a private key. */
static int public_blob(lcmp_buf *out,
                       EVP_PKEY *pkey,
                       lcmp_key_type_t type,
                       lcmp_error *err)
{
    uint8_t pub[133];
    size_t len = sizeof(pub);

    if (type == LCMP_KEY_ED25519) {
        len = 32;
        if (EVP_PKEY_get_raw_public_key(pkey, pub, &len) != 1 || len != 32) {
            return crypto_error(err, NULL, "cannot read the Ed25519 key");
        }
        if (lcmp__wire_put_string(out, "ssh-ed25519", 11) < 0 ||
            lcmp__wire_put_string(out, pub, 32) < 0)
        {
            return lcmp__error_set(
                err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        }
        return 0;
    }
    if (EVP_PKEY_get_octet_string_param(
            pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, sizeof(pub), &len) !=
            1 ||
        len != 65 || pub[0] != 0x04)
    {
        return crypto_error(err, NULL, "cannot read the ECDSA key");
    }
    if (lcmp__wire_put_string(out, "ecdsa-sha2-nistp256", 19) < 0 ||
        lcmp__wire_put_string(out, "nistp256", 8) < 0 ||
        lcmp__wire_put_string(out, pub, 65) < 0)
    {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    return 0;
}

/* Whether `pkey` is a key we sign with; sets *type. */
static int supported_type(lcmp_key_type_t *type, EVP_PKEY *pkey)
{
    char group[64];
    size_t glen = 0;

    if (EVP_PKEY_is_a(pkey, "ED25519")) {
        *type = LCMP_KEY_ED25519;
        return 1;
    }
    if (EVP_PKEY_is_a(pkey, "EC") &&
        EVP_PKEY_get_utf8_string_param(
            pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &glen) ==
            1 &&
        strcmp(group, "prime256v1") == 0)
    {
        *type = LCMP_KEY_ECDSA_P256;
        return 1;
    }
    return 0;
}

/* Wrap `pkey` (taken over, freed on failure) into a new lcmp_key. */
static int key_from_pkey(lcmp_key **out,
                         EVP_PKEY *pkey,
                         const char *source,
                         lcmp_error *err)
{
    lcmp_key *key = NULL;
    lcmp_buf blob = LCMP_BUF_INIT;
    lcmp_key_type_t type;
    int rc = LCMP_ERROR;

    *out = NULL;
    if (!supported_type(&type, pkey)) {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             source,
                             NULL,
                             "unsupported key type (expected Ed25519 or "
                             "ECDSA P-256)");
        goto done;
    }
    key = calloc(1, sizeof(*key));
    if (key == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
        goto done;
    }
    key->type = type;
    rc = public_blob(&blob, pkey, type, err);
    if (rc < 0) {
        goto done;
    }
    rc = lcmp__sshkey_from_blob(
        &key->pub, (const uint8_t *)blob.ptr, blob.size, err);
    if (rc < 0) {
        goto done;
    }
    lcmp__sshkey_fingerprint(key->fingerprint, key->pub);
    key->pkey = pkey;
    pkey = NULL;
    *out = key;
    key = NULL;
    rc = 0;

done:
    lcmp_buf_dispose(&blob);
    lcmp_key_free(key);
    EVP_PKEY_free(pkey);
    return rc;
}

int lcmp_key_generate(lcmp_key **out, lcmp_key_type_t type, lcmp_error *err)
{
    EVP_PKEY *pkey = NULL;

    if (out == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no output for the key");
    }
    *out = NULL;
    switch (type) {
    case LCMP_KEY_ED25519:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        break;
    case LCMP_KEY_ECDSA_P256:
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        break;
    default:
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "unknown key type %d", (int)type);
    }
    if (pkey == NULL) {
        return crypto_error(err, NULL, "cannot generate a key");
    }
    return key_from_pkey(out, pkey, NULL, err);
}

void lcmp_key_free(lcmp_key *key)
{
    if (key == NULL) {
        return;
    }
    /* EVP_PKEY_free clears the private key's memory itself. */
    EVP_PKEY_free(key->pkey);
    lcmp__sshkey_free(key->pub);
    OPENSSL_cleanse(key, sizeof(*key));
    free(key);
}

lcmp_key_type_t lcmp_key_type(const lcmp_key *key)
{
    return key->type;
}

const char *lcmp_key_fingerprint(const lcmp_key *key)
{
    return key->fingerprint;
}

int lcmp_key_public_openssh(lcmp_buf *out, const lcmp_key *key, lcmp_error *err)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    int rc;

    if (out == NULL || key == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no key or no output");
    }
    lcmp__buf_clear(out);
    rc = lcmp__base64_encode(&b64, key->pub->blob, key->pub->bloblen);
    if (rc == 0) {
        rc = lcmp__buf_printf(
            out, "%s %s", lcmp__sshkey_type_name(key->pub), b64.ptr);
    }
    lcmp_buf_dispose(&b64);
    if (rc < 0) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    return 0;
}

/*
 * Files
 */

/* A key file: mode 0600, written atomically, never over an existing file. */
static int write_private_file(const char *path,
                              const char *data,
                              size_t len,
                              lcmp_error *err)
{
    int rc = lcmp_file_write_atomic(path, data, len, 0600, 0, err);

    if (rc == LCMP_EINVALID && err != NULL &&
        strcmp(err->message, "already exists") == 0)
    {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             path,
                             NULL,
                             "already exists (a key is never overwritten)");
    }
    return rc;
}

int lcmp_key_save(const lcmp_key *key,
                  const char *path,
                  const char *passphrase,
                  lcmp_error *err)
{
    const EVP_CIPHER *cipher = NULL;
    BUF_MEM *mem = NULL;
    BIO *bio = NULL;
    size_t passlen = 0;
    int rc = LCMP_ERROR;

    if (key == NULL || path == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, path, NULL, "no key or no path");
    }
    if (passphrase != NULL) {
        passlen = strlen(passphrase);
        if (passlen == 0 || passlen > 1024) {
            return lcmp__error_set(err,
                                   LCMP_EINVALID,
                                   path,
                                   NULL,
                                   "the passphrase must have 1 to 1024 "
                                   "bytes");
        }
        cipher = EVP_aes_256_cbc();
    }
    /* A secure-memory BIO wipes every buffer it grows or frees. */
    bio = BIO_new(BIO_s_secmem());
    if (bio == NULL) {
        rc = crypto_error(err, path, "cannot allocate");
        goto done;
    }
    if (PEM_write_bio_PKCS8PrivateKey(
            bio, key->pkey, cipher, passphrase, (int)passlen, NULL, NULL) !=
            1 ||
        BIO_get_mem_ptr(bio, &mem) != 1 || mem == NULL)
    {
        rc = crypto_error(err, path, "cannot encode the key");
        goto done;
    }
    rc = write_private_file(path, mem->data, mem->length, err);

done:
    BIO_free(bio);
    return rc;
}

/* Hands OpenSSL the passphrase, remembering that one was asked for. */
typedef struct pass_ctx {
    lcmp_passphrase_fn fn;
    void *payload;
    int asked;
} pass_ctx;

static int pem_passphrase(char *buf, int size, int rwflag, void *u)
{
    pass_ctx *c = u;
    int n;

    (void)rwflag;
    c->asked = 1;
    if (c->fn == NULL || size <= 0) {
        return -1;
    }
    n = c->fn(buf, (size_t)size, c->payload);
    if (n < 0 || n > size) {
        OPENSSL_cleanse(buf, (size_t)size);
        return -1;
    }
    return n;
}

/* Read a key file of at most KEY_FILE_MAX bytes after checking its mode. */
static int
read_key_file(uint8_t **out, size_t *outlen, const char *path, lcmp_error *err)
{
    uint8_t *buf = NULL;
    struct stat st;
    size_t len = 0;
    int fd, rc = LCMP_ERROR;

    *out = NULL;
    *outlen = 0;
    fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        return lcmp__error_set(err,
                               errno == ENOENT ? LCMP_ENOTFOUND : LCMP_EIO,
                               path,
                               NULL,
                               "cannot open the key file: %s",
                               strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        rc = lcmp__error_set(
            err, LCMP_EIO, path, NULL, "cannot stat: %s", strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = lcmp__error_set(
            err, LCMP_EINVALID, path, NULL, "the key is not a regular file");
        goto done;
    }
    if ((st.st_mode & 0077) != 0) {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             path,
                             NULL,
                             "key file is %s by others (mode %04o): "
                             "chmod 600",
                             (st.st_mode & 0044) != 0 ? "readable" : "writable",
                             (unsigned)(st.st_mode & 07777));
        goto done;
    }
    buf = malloc(KEY_FILE_MAX + 1);
    if (buf == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
        goto done;
    }
    for (;;) {
        ssize_t n = read(fd, buf + len, KEY_FILE_MAX + 1 - len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            rc = lcmp__error_set(
                err, LCMP_EIO, path, NULL, "cannot read: %s", strerror(errno));
            goto done;
        }
        if (n == 0) {
            break;
        }
        len += (size_t)n;
        if (len > KEY_FILE_MAX) {
            rc = lcmp__error_set(err,
                                 LCMP_EPARSE,
                                 path,
                                 NULL,
                                 "not a private key (larger than %d bytes)",
                                 KEY_FILE_MAX);
            goto done;
        }
    }
    *out = buf;
    *outlen = len;
    buf = NULL;
    rc = 0;

done:
    if (buf != NULL) {
        OPENSSL_cleanse(buf, KEY_FILE_MAX + 1);
        free(buf);
    }
    close(fd);
    return rc;
}

int lcmp_key_load(lcmp_key **out,
                  const char *path,
                  lcmp_passphrase_fn passphrase,
                  void *payload,
                  lcmp_error *err)
{
    static const char openssh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
    pass_ctx pass = {passphrase, payload, 0};
    EVP_PKEY *pkey = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    BIO *bio = NULL;
    int rc;

    if (out == NULL || path == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, path, NULL, "no key file or no output");
    }
    *out = NULL;
    rc = read_key_file(&data, &len, path, err);
    if (rc < 0) {
        return rc;
    }
    bio = BIO_new_mem_buf(data, (int)len);
    if (bio == NULL) {
        rc = crypto_error(err, path, "cannot allocate");
        goto done;
    }
    pkey = PEM_read_bio_PrivateKey(bio, NULL, pem_passphrase, &pass);
    if (pkey == NULL) {
        ERR_clear_error();
        if (pass.asked && passphrase == NULL) {
            rc = lcmp__error_set(err,
                                 LCMP_EINVALID,
                                 path,
                                 NULL,
                                 "the key is encrypted: a passphrase is "
                                 "needed");
        } else if (pass.asked) {
            rc = lcmp__error_set(err,
                                 LCMP_EINVALID,
                                 path,
                                 NULL,
                                 "wrong passphrase, or a damaged key");
        } else if (len >= sizeof(openssh) - 1 &&
                   memcmp(data, openssh, sizeof(openssh) - 1) == 0)
        {
            rc = lcmp__error_set(err,
                                 LCMP_EPARSE,
                                 path,
                                 NULL,
                                 "an OpenSSH private key: a PKCS#8 PEM key "
                                 "is needed ('compliance keygen' writes "
                                 "one)");
        } else {
            rc = lcmp__error_set(
                err, LCMP_EPARSE, path, NULL, "not a PEM private key");
        }
        goto done;
    }
    rc = key_from_pkey(out, pkey, path, err);

done:
    BIO_free(bio);
    OPENSSL_cleanse(data, len);
    free(data);
    return rc;
}

/*
 * Signatures
 */

int lcmp__key_sign(lcmp_buf *sig,
                   const lcmp_key *key,
                   const uint8_t *msg,
                   size_t len,
                   lcmp_error *err)
{
    const char *md = key->type == LCMP_KEY_ED25519 ? NULL : "SHA256";
    EVP_MD_CTX *ctx = NULL;
    size_t siglen;
    int max, rc = LCMP_ERROR;

    lcmp__buf_clear(sig);
    max = EVP_PKEY_get_size(key->pkey);
    if (max <= 0 || lcmp__buf_grow(sig, (size_t)max + 1) < 0) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    siglen = (size_t)max;
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL ||
        EVP_DigestSignInit_ex(ctx, NULL, md, NULL, NULL, key->pkey, NULL) !=
            1 ||
        EVP_DigestSign(ctx, (unsigned char *)sig->ptr, &siglen, msg, len) != 1)
    {
        rc = crypto_error(err, NULL, "cannot sign");
        goto done;
    }
    sig->size = siglen;
    sig->ptr[siglen] = '\0';
    rc = 0;

done:
    EVP_MD_CTX_free(ctx);
    return rc;
}

/* 1 valid, 0 invalid, LCMP_ECRYPTO when no context could be made. */
static int digest_verify(EVP_PKEY *pkey,
                         const char *md,
                         const uint8_t *sig,
                         size_t siglen,
                         const uint8_t *msg,
                         size_t len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok;

    if (ctx == NULL) {
        return LCMP_ECRYPTO;
    }
    ok = EVP_DigestVerifyInit_ex(ctx, NULL, md, NULL, NULL, pkey, NULL) == 1 &&
         EVP_DigestVerify(ctx, sig, siglen, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        ERR_clear_error();
    }
    return ok;
}

/* DER of a raw r||s P-256 signature; 0 or a negative code. */
static int raw_to_der(uint8_t **der, int *derlen, const uint8_t raw[64])
{
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(raw, 32, NULL), *sv = BN_bin2bn(raw + 32, 32, NULL);
    int rc = LCMP_ECRYPTO;

    *der = NULL;
    if (s == NULL || r == NULL || sv == NULL || ECDSA_SIG_set0(s, r, sv) != 1) {
        BN_free(r);
        BN_free(sv);
        goto done;
    }
    *derlen = i2d_ECDSA_SIG(s, der);
    if (*derlen > 0) {
        rc = 0;
    }

done:
    ECDSA_SIG_free(s);
    return rc;
}

int lcmp__sshkey_verify(const lcmp__sshkey *key,
                        const uint8_t *sig,
                        size_t siglen,
                        const uint8_t *msg,
                        size_t len)
{
    uint8_t *der = NULL;
    int derlen = 0, rc;

    switch (key->type) {
    case LCMP__SSHKEY_ED25519:
        return siglen == 64
                   ? digest_verify(key->pkey, NULL, sig, siglen, msg, len)
                   : 0;
    case LCMP__SSHKEY_ECDSA_P256:
        /* DER as sigstore writes it (OpenSSL insists on strict DER) ... */
        rc = digest_verify(key->pkey, "SHA256", sig, siglen, msg, len);
        if (rc != 0 || siglen != 64) {
            return rc;
        }
        /* ... or raw r||s as the DSSE document's own test vector. */
        rc = raw_to_der(&der, &derlen, sig);
        if (rc == 0) {
            rc = digest_verify(
                key->pkey, "SHA256", der, (size_t)derlen, msg, len);
        }
        OPENSSL_free(der);
        return rc;
    default:
        return 0;
    }
}
