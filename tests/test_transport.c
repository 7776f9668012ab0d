/*
 * Tests for libcompliance/transport.c: the libgit2 callbacks of a sync.
 *
 * Certificates are made at test time with the OpenSSL API (a CA, a second
 * CA, leaves for IP:127.0.0.1/DNS:localhost, for another name, for client
 * use only, an expired one) and handed to the certificate callback the way
 * libgit2 does (DER leaf, `valid` flag, host). Host keys use a fixed
 * SHA-256 whose fingerprint text is written out literally. Then the
 * callbacks run inside real libgit2 transfers: a file:// fetch for the
 * byte cap and progress, and an HTTPS fetch against `openssl s_server` on
 * a loopback port for the certificate check (libgit2's mbedTLS handshake,
 * its `valid` flag and its handling of our verdict).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/credential.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "transport.h"

/* The fingerprint of the bytes 0x00..0x1f, as ssh-keygen -l prints it. */
#define FP_0_31 "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
/* The fingerprint of 32 bytes 0xff. */
#define FP_FF "SHA256://////////////////////////////////////////8"

typedef struct pki {
    char dir[512];
    char ca_path[600];       /* the CA that signs the leaves */
    char other_ca_path[600]; /* an unrelated CA */
    char leaf_pem[600];      /* leaf for IP:127.0.0.1,DNS:localhost */
    char leaf_key[600];
    int64_t now;
    EVP_PKEY *ca_key, *other_key, *leaf_key_pkey;
    X509 *ca, *other_ca;
    X509 *leaf;          /* IP:127.0.0.1, DNS:localhost, serverAuth */
    X509 *leaf_other;    /* DNS:other.example */
    X509 *leaf_client;   /* right names, clientAuth only */
    X509 *leaf_expired;  /* right names, expired 10 days ago */
    X509 *leaf_by_other; /* right names, signed by the other CA */
} pki;

/* libgit2's _INIT macros leave members out (-Wmissing-field-initializers) */
static git_remote_callbacks callbacks_init(void)
{
    git_remote_callbacks cbs;

    assert_int_equal(
        git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION), 0);
    return cbs;
}

/*
 * Making certificates
 */

static EVP_PKEY *make_key(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");

    assert_non_null(k);
    return k;
}

/*
 * A certificate for `key` named `cn`, signed by `issuer`/`issuer_key`
 * (self-signed when NULL), valid from `from_days` to `to_days` relative to
 * now, with the extensions in `exts` ({nid, value} pairs, nid 0 ends).
 */
typedef struct ext {
    int nid;
    const char *value;
} ext;

static X509 *make_cert(const char *cn,
                       EVP_PKEY *key,
                       X509 *issuer,
                       EVP_PKEY *issuer_key,
                       long from_days,
                       long to_days,
                       const ext *exts)
{
    X509 *x = X509_new();
    X509_NAME *name;
    X509V3_CTX ctx;
    unsigned char serial[8];
    BIGNUM *bn;
    size_t i;

    assert_non_null(x);
    assert_int_equal(X509_set_version(x, 2), 1);
    assert_int_equal(RAND_bytes(serial, sizeof(serial)), 1);
    serial[0] &= 0x7f;
    bn = BN_bin2bn(serial, sizeof(serial), NULL);
    assert_non_null(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)));
    BN_free(bn);
    assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), from_days * 86400));
    assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), to_days * 86400));
    assert_int_equal(X509_set_pubkey(x, key), 1);
    name = X509_get_subject_name(x);
    assert_int_equal(
        X509_NAME_add_entry_by_txt(
            name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0),
        1);
    assert_int_equal(
        X509_set_issuer_name(
            x, issuer != NULL ? X509_get_subject_name(issuer) : name),
        1);
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
    for (i = 0; exts[i].nid != 0; i++) {
        X509_EXTENSION *e =
            X509V3_EXT_conf_nid(NULL, &ctx, exts[i].nid, exts[i].value);
        assert_non_null(e);
        assert_int_equal(X509_add_ext(x, e, -1), 1);
        X509_EXTENSION_free(e);
    }
    assert_true(
        X509_sign(x, issuer_key != NULL ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

static X509 *make_ca(const char *cn, EVP_PKEY *key)
{
    static const ext exts[] = {
        {NID_basic_constraints, "critical,CA:TRUE"},
        {NID_key_usage, "critical,keyCertSign,cRLSign"},
        {NID_subject_key_identifier, "hash"},
        {0, NULL},
    };

    return make_cert(cn, key, NULL, NULL, -1, 30, exts);
}

static X509 *make_leaf(const char *san,
                       const char *eku,
                       X509 *ca,
                       EVP_PKEY *ca_key,
                       EVP_PKEY *key,
                       long from_days,
                       long to_days)
{
    const ext exts[] = {
        {NID_basic_constraints, "CA:FALSE"},
        {NID_key_usage, "critical,digitalSignature"},
        {NID_ext_key_usage, eku},
        {NID_subject_alt_name, san},
        {0, NULL},
    };

    return make_cert("test leaf", key, ca, ca_key, from_days, to_days, exts);
}

static void write_pem_cert(const char *path, X509 *x)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(PEM_write_X509(f, x), 1);
    assert_int_equal(fclose(f), 0);
}

static void write_pem_key(const char *path, EVP_PKEY *k)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
    assert_int_equal(fclose(f), 0);
}

static int setup_pki(void **state)
{
    pki *p = calloc(1, sizeof(*p));
    const char *tmp = getenv("LCMP_TMPDIR");
    EVP_PKEY *spare;

    assert_non_null(p);
    if (tmp != NULL && tmp[0] != '\0') {
        snprintf(p->dir, sizeof(p->dir), "%s/transport", tmp);
        mkdir(tmp, 0700);
        if (mkdir(p->dir, 0700) != 0 && errno != EEXIST) {
            fail_msg("cannot create %s", p->dir);
        }
    } else {
        snprintf(p->dir, sizeof(p->dir), "/tmp/lcmp-transport-XXXXXX");
        assert_non_null(mkdtemp(p->dir));
    }
    p->now = (int64_t)time(NULL);

    p->ca_key = make_key();
    p->other_key = make_key();
    p->leaf_key_pkey = make_key();
    spare = make_key();
    p->ca = make_ca("transport test CA", p->ca_key);
    p->other_ca = make_ca("another CA", p->other_key);
    p->leaf = make_leaf("IP:127.0.0.1,DNS:localhost",
                        "serverAuth",
                        p->ca,
                        p->ca_key,
                        p->leaf_key_pkey,
                        -1,
                        20);
    p->leaf_other = make_leaf(
        "DNS:other.example", "serverAuth", p->ca, p->ca_key, spare, -1, 20);
    p->leaf_client = make_leaf("IP:127.0.0.1,DNS:localhost",
                               "clientAuth",
                               p->ca,
                               p->ca_key,
                               spare,
                               -1,
                               20);
    p->leaf_expired = make_leaf("IP:127.0.0.1,DNS:localhost",
                                "serverAuth",
                                p->ca,
                                p->ca_key,
                                spare,
                                -1,
                                -10);
    /* same subject/issuer names as a real leaf, wrong signer */
    p->leaf_by_other = make_leaf("IP:127.0.0.1,DNS:localhost",
                                 "serverAuth",
                                 p->other_ca,
                                 p->other_key,
                                 spare,
                                 -1,
                                 20);
    EVP_PKEY_free(spare);

    snprintf(p->ca_path, sizeof(p->ca_path), "%s/ca.pem", p->dir);
    snprintf(
        p->other_ca_path, sizeof(p->other_ca_path), "%s/other-ca.pem", p->dir);
    snprintf(p->leaf_pem, sizeof(p->leaf_pem), "%s/leaf.pem", p->dir);
    snprintf(p->leaf_key, sizeof(p->leaf_key), "%s/leaf.key", p->dir);
    write_pem_cert(p->ca_path, p->ca);
    write_pem_cert(p->other_ca_path, p->other_ca);
    write_pem_cert(p->leaf_pem, p->leaf);
    write_pem_key(p->leaf_key, p->leaf_key_pkey);

    assert_true(git_libgit2_init() > 0);
    *state = p;
    return 0;
}

static int teardown_pki(void **state)
{
    pki *p = *state;

    X509_free(p->ca);
    X509_free(p->other_ca);
    X509_free(p->leaf);
    X509_free(p->leaf_other);
    X509_free(p->leaf_client);
    X509_free(p->leaf_expired);
    X509_free(p->leaf_by_other);
    EVP_PKEY_free(p->ca_key);
    EVP_PKEY_free(p->other_key);
    EVP_PKEY_free(p->leaf_key_pkey);
    free(p);
    git_libgit2_shutdown();
    return 0;
}

/*
 * Calling the callbacks as libgit2 does
 */

static int
x509_check(lcmp__transport *t, X509 *leaf, int valid, const char *host)
{
    git_remote_callbacks cbs = callbacks_init();
    unsigned char *der = NULL;
    git_cert_x509 cert;
    int len, rc;

    len = i2d_X509(leaf, &der);
    assert_true(len > 0);
    cert.parent.cert_type = GIT_CERT_X509;
    cert.data = der;
    cert.len = (size_t)len;
    lcmp__transport_callbacks(&cbs, t);
    assert_ptr_equal(cbs.payload, t);
    rc = cbs.certificate_check(&cert.parent, valid, host, cbs.payload);
    OPENSSL_free(der);
    return rc;
}

static int hostkey_check(lcmp__transport *t,
                         const unsigned char hash[32],
                         git_cert_ssh_t type,
                         int valid)
{
    git_remote_callbacks cbs = callbacks_init();
    git_cert_hostkey cert;

    memset(&cert, 0, sizeof(cert));
    cert.parent.cert_type = GIT_CERT_HOSTKEY_LIBSSH2;
    cert.type = type;
    memcpy(cert.hash_sha256, hash, 32);
    cert.raw_type = GIT_CERT_SSH_RAW_TYPE_KEY_ED25519;
    lcmp__transport_callbacks(&cbs, t);
    return cbs.certificate_check(&cert.parent, valid, "127.0.0.1", cbs.payload);
}

static void hash_0_31(unsigned char out[32])
{
    int i;

    for (i = 0; i < 32; i++) {
        out[i] = (unsigned char)i;
    }
}

/*
 * HTTPS certificates with a CA file
 */

static void test_transport__x509_accepts_ip_signed_by_ca(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;

    o.ca_file = p->ca_path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    /* libgit2 (mbedTLS) says invalid: unknown CA; we verify ourselves */
    assert_int_equal(x509_check(&t, p->leaf, 0, "127.0.0.1"), 0);
    assert_int_equal(t.code, 0);
    assert_string_equal(t.message, "");
    /* a second connection is checked again, same verdict */
    assert_int_equal(x509_check(&t, p->leaf, 0, "127.0.0.1"), 0);
    lcmp__transport_dispose(&t);
}

static void test_transport__x509_accepts_dns_name(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;

    o.ca_file = p->ca_path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 0, "localhost"), 0);
    assert_int_equal(x509_check(&t, p->leaf, 1, "LOCALHOST"), 0);
    assert_int_equal(t.code, 0);
    lcmp__transport_dispose(&t);
}

static void test_transport__x509_rejects_wrong_ca(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;
    char want[800];

    o.ca_file = p->other_ca_path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 0, "127.0.0.1"), -1);
    assert_int_equal(t.code, LCMP_EGIT);
    snprintf(want,
             sizeof(want),
             "certificate for 127.0.0.1 is not signed by the CA in %s",
             p->other_ca_path);
    assert_string_equal(t.message, want);
    lcmp__transport_dispose(&t);

    /* a leaf with the right names signed by another CA */
    o.ca_file = p->ca_path;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf_by_other, 0, "127.0.0.1"), -1);
    snprintf(want,
             sizeof(want),
             "certificate for 127.0.0.1 is not signed by the CA in %s",
             p->ca_path);
    assert_string_equal(t.message, want);
    lcmp__transport_dispose(&t);

    /* the CA certificate itself presented as the server's */
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->other_ca, 0, "127.0.0.1"), -1);
    assert_int_equal(t.code, LCMP_EGIT);
    lcmp__transport_dispose(&t);
}

static void test_transport__x509_rejects_name_mismatch(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;

    o.ca_file = p->ca_path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf_other, 0, "127.0.0.1"), -1);
    assert_int_equal(t.code, LCMP_EGIT);
    assert_string_equal(
        t.message,
        "certificate for 127.0.0.1 is issued to other.example (name mismatch)");
    lcmp__transport_dispose(&t);

    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 0, "127.0.0.2"), -1);
    assert_string_equal(t.message,
                        "certificate for 127.0.0.2 is issued to 127.0.0.1, "
                        "localhost (name mismatch)");
    lcmp__transport_dispose(&t);

    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 0, "evil.localhost"), -1);
    assert_string_equal(t.message,
                        "certificate for evil.localhost is issued to "
                        "127.0.0.1, localhost (name mismatch)");
    lcmp__transport_dispose(&t);
}

/* libgit2's `valid` never makes an unverified certificate acceptable */
static void test_transport__x509_valid_flag_never_accepts(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;

    o.ca_file = p->other_ca_path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 1, "127.0.0.1"), -1);
    lcmp__transport_dispose(&t);

    o.ca_file = p->ca_path;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf_other, 1, "127.0.0.1"), -1);
    lcmp__transport_dispose(&t);

    /* without a CA file: libgit2's verdict, never our acceptance */
    o.ca_file = NULL;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 1, "127.0.0.1"), GIT_PASSTHROUGH);
    assert_int_equal(t.code, 0);
    assert_int_equal(x509_check(&t, p->leaf, 0, "127.0.0.1"), GIT_PASSTHROUGH);
    /* and the refusal gets a precise reason */
    assert_int_equal(t.code, LCMP_EGIT);
    assert_string_equal(t.message,
                        "certificate for 127.0.0.1 is not signed by a CA "
                        "this system trusts (a private CA needs a CA file)");
    lcmp__transport_dispose(&t);
}

static void test_transport__x509_rejects_expired(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;

    o.ca_file = p->ca_path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf_expired, 0, "127.0.0.1"), -1);
    assert_string_equal(t.message,
                        "certificate for 127.0.0.1 is invalid: certificate has "
                        "expired");
    lcmp__transport_dispose(&t);

    /* the caller's clock decides, not the machine's: 25 days on, the
     * 20-day leaf has expired */
    o.now = p->now + 25 * 86400;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 0, "127.0.0.1"), -1);
    assert_string_equal(t.message,
                        "certificate for 127.0.0.1 is invalid: certificate has "
                        "expired");
    lcmp__transport_dispose(&t);
}

static void test_transport__x509_rejects_client_certificate(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;

    o.ca_file = p->ca_path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf_client, 0, "127.0.0.1"), -1);
    assert_string_equal(t.message,
                        "certificate for 127.0.0.1 is invalid: unsuitable "
                        "certificate purpose");
    lcmp__transport_dispose(&t);
}

static void test_transport__x509_rejects_garbage(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    git_remote_callbacks cbs = callbacks_init();
    lcmp__transport t;
    unsigned char junk[64];
    unsigned char *der = NULL, *buf;
    git_cert_x509 cert;
    int len;

    o.ca_file = p->ca_path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    memset(junk, 0x30, sizeof(junk));
    cert.parent.cert_type = GIT_CERT_X509;
    cert.data = junk;
    cert.len = sizeof(junk);
    assert_int_equal(cbs.certificate_check(&cert.parent, 1, "127.0.0.1", &t),
                     -1);
    assert_string_equal(t.message,
                        "certificate for 127.0.0.1 cannot be parsed");
    lcmp__transport_dispose(&t);

    /* a valid certificate followed by extra bytes */
    len = i2d_X509(p->leaf, &der);
    assert_true(len > 0);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    memcpy(buf, der, (size_t)len);
    buf[len] = 0;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    cert.data = buf;
    cert.len = (size_t)len + 1;
    assert_int_equal(cbs.certificate_check(&cert.parent, 1, "127.0.0.1", &t),
                     -1);
    assert_string_equal(t.message,
                        "certificate for 127.0.0.1 cannot be parsed");
    lcmp__transport_dispose(&t);
    free(buf);
    OPENSSL_free(der);
}

static void test_transport__x509_bad_ca_file(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;
    char path[700], want[900];
    FILE *f;

    snprintf(path, sizeof(path), "%s/missing.pem", p->dir);
    o.ca_file = path;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 1, "127.0.0.1"), -1);
    assert_int_equal(t.code, LCMP_EINVALID);
    snprintf(want,
             sizeof(want),
             "cannot read CA file %s: No such file or directory",
             path);
    assert_string_equal(t.message, want);
    lcmp__transport_dispose(&t);

    snprintf(path, sizeof(path), "%s/empty.pem", p->dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("not a certificate\n", f);
    fclose(f);
    lcmp__transport_init(&t, &o);
    assert_int_equal(x509_check(&t, p->leaf, 1, "127.0.0.1"), -1);
    assert_int_equal(t.code, LCMP_EINVALID);
    snprintf(want,
             sizeof(want),
             "CA file %s holds no usable certificate: no certificate or crl "
             "found",
             path);
    assert_string_equal(t.message, want);
    lcmp__transport_dispose(&t);
}

/*
 * SSH host keys
 */

static void test_transport__hostkey_pinned_match(void **state)
{
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;
    unsigned char h[32];

    (void)state;
    hash_0_31(h);
    o.host_key = FP_0_31;
    lcmp__transport_init(&t, &o);
    assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA256, 0), 0);
    assert_int_equal(hostkey_check(&t,
                                   h,
                                   GIT_CERT_SSH_SHA256 | GIT_CERT_SSH_MD5 |
                                       GIT_CERT_SSH_SHA1 | GIT_CERT_SSH_RAW,
                                   1),
                     0);
    assert_int_equal(t.code, 0);
    lcmp__transport_dispose(&t);

    /* a trailing '=' (padded base64) is the same fingerprint */
    o.host_key = FP_0_31 "=";
    lcmp__transport_init(&t, &o);
    assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA256, 0), 0);
    lcmp__transport_dispose(&t);
}

static void test_transport__hostkey_pinned_mismatch(void **state)
{
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;
    unsigned char h[32];

    (void)state;
    hash_0_31(h);
    o.host_key = FP_FF;
    lcmp__transport_init(&t, &o);
    /* known_hosts said valid: the pin still decides */
    assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA256, 1), -1);
    assert_int_equal(t.code, LCMP_EGIT);
    assert_string_equal(t.message,
                        "host key " FP_0_31 " of 127.0.0.1 does not match the "
                        "pinned " FP_FF);
    lcmp__transport_dispose(&t);

    /* one bit off */
    h[31] ^= 1;
    o.host_key = FP_0_31;
    lcmp__transport_init(&t, &o);
    assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA256, 0), -1);
    lcmp__transport_dispose(&t);

    /* no SHA-256 from libssh2: nothing to compare, refused */
    hash_0_31(h);
    lcmp__transport_init(&t, &o);
    assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA1, 1), -1);
    assert_string_equal(t.message,
                        "host key of 127.0.0.1 has no SHA-256 fingerprint to "
                        "compare");
    lcmp__transport_dispose(&t);
}

static void test_transport__hostkey_bad_pin(void **state)
{
    static const char *const bad[] = {
        "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh", /* short */
        "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A",
        "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9", /* bits */
        "SHA256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh-",
        "sha256:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "MD5:00:01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f",
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
        "",
    };
    unsigned char h[32];
    size_t i;

    (void)state;
    hash_0_31(h);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
        lcmp__transport t;
        char want[300];

        o.host_key = bad[i];
        lcmp__transport_init(&t, &o);
        assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA256, 1), -1);
        assert_int_equal(t.code, LCMP_EINVALID);
        snprintf(want,
                 sizeof(want),
                 "pinned host key '%s' is not a fingerprint like "
                 "SHA256:<43 base64 characters>",
                 bad[i]);
        assert_string_equal(t.message, want);
        lcmp__transport_dispose(&t);
    }
}

static void test_transport__hostkey_unpinned_passes_through(void **state)
{
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;
    unsigned char h[32];

    (void)state;
    hash_0_31(h);
    lcmp__transport_init(&t, &o);
    assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA256, 1),
                     GIT_PASSTHROUGH);
    assert_int_equal(t.code, 0);
    assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA256, 0),
                     GIT_PASSTHROUGH);
    assert_string_equal(t.message,
                        "host key " FP_0_31 " of 127.0.0.1 is unknown (not "
                        "pinned, not in ~/.ssh/known_hosts)");
    lcmp__transport_dispose(&t);
}

/* A certificate type we cannot inspect is never accepted with a CA file */
static void test_transport__unknown_cert_type(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    git_remote_callbacks cbs = callbacks_init();
    lcmp__transport t;
    git_cert cert;

    cert.cert_type = GIT_CERT_STRARRAY;
    o.ca_file = p->ca_path;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(cbs.certificate_check(&cert, 1, "h", &t), -1);
    lcmp__transport_dispose(&t);

    o.ca_file = NULL;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(cbs.certificate_check(&cert, 0, "h", &t), GIT_PASSTHROUGH);
    lcmp__transport_dispose(&t);
}

/*
 * Credentials
 */

static void write_key_file(const char *path, mode_t mode)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs("-----BEGIN OPENSSH PRIVATE KEY-----\nnot used\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_transport__credentials_key_once(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    git_remote_callbacks cbs = callbacks_init();
    lcmp__transport t;
    git_credential *cred = NULL;
    char key[700], want[900];

    snprintf(key, sizeof(key), "%s/id_ok", p->dir);
    write_key_file(key, 0600);
    o.ssh_key = key;
    o.ssh_user = "bob";
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);

    /* no user in the URL: libgit2 asks for one first */
    assert_int_equal(
        cbs.credentials(&cred, "ssh://h/r", NULL, GIT_CREDENTIAL_USERNAME, &t),
        0);
    assert_non_null(cred);
    assert_int_equal(cred->credtype, GIT_CREDENTIAL_USERNAME);
    assert_string_equal(git_credential_get_username(cred), "bob");
    git_credential_free(cred);
    cred = NULL;

    /* the URL's user wins */
    assert_int_equal(cbs.credentials(&cred,
                                     "ssh://alice@h/r",
                                     "alice",
                                     GIT_CREDENTIAL_SSH_KEY |
                                         GIT_CREDENTIAL_SSH_CUSTOM |
                                         GIT_CREDENTIAL_SSH_MEMORY,
                                     &t),
                     0);
    assert_non_null(cred);
    assert_int_equal(cred->credtype, GIT_CREDENTIAL_SSH_KEY);
    assert_string_equal(git_credential_get_username(cred), "alice");
    git_credential_free(cred);
    cred = NULL;

    /* asked again: the server refused the key; no second try */
    assert_int_equal(
        cbs.credentials(
            &cred, "ssh://alice@h/r", "alice", GIT_CREDENTIAL_SSH_KEY, &t),
        -1);
    assert_null(cred);
    assert_int_equal(t.code, LCMP_EGIT);
    snprintf(want,
             sizeof(want),
             "ssh authentication failed for user 'alice' with key '%s'",
             key);
    assert_string_equal(t.message, want);
    lcmp__transport_dispose(&t);
}

static void test_transport__credentials_default_user(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    git_remote_callbacks cbs = callbacks_init();
    lcmp__transport t;
    git_credential *cred = NULL;
    char key[700];

    snprintf(key, sizeof(key), "%s/id_ok2", p->dir);
    write_key_file(key, 0400);
    o.ssh_key = key;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(
        cbs.credentials(&cred, "ssh://h/r", NULL, GIT_CREDENTIAL_USERNAME, &t),
        0);
    assert_string_equal(git_credential_get_username(cred), "git");
    git_credential_free(cred);
    lcmp__transport_dispose(&t);
}

static void test_transport__credentials_refuse_open_key(void **state)
{
    static const mode_t modes[] = {0644, 0640, 0604, 0610, 0666};
    pki *p = *state;
    char key[700], want[900];
    size_t i;

    snprintf(key, sizeof(key), "%s/id_open", p->dir);
    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
        git_remote_callbacks cbs = callbacks_init();
        lcmp__transport t;
        git_credential *cred = NULL;

        write_key_file(key, modes[i]);
        o.ssh_key = key;
        lcmp__transport_init(&t, &o);
        lcmp__transport_callbacks(&cbs, &t);
        assert_int_equal(
            cbs.credentials(
                &cred, "ssh://git@h/r", "git", GIT_CREDENTIAL_SSH_KEY, &t),
            -1);
        assert_null(cred);
        assert_int_equal(t.code, LCMP_EINVALID);
        snprintf(want,
                 sizeof(want),
                 "key file %s is readable by others (mode %04o): chmod 600",
                 key,
                 (unsigned int)modes[i]);
        assert_string_equal(t.message, want);
        lcmp__transport_dispose(&t);
    }
}

static void test_transport__credentials_refusals(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    git_remote_callbacks cbs = callbacks_init();
    lcmp__transport t;
    git_credential *cred = NULL;
    char key[700], want[900];

    /* no key given */
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(
        cbs.credentials(
            &cred, "ssh://git@h/r", "git", GIT_CREDENTIAL_SSH_KEY, &t),
        -1);
    assert_string_equal(t.message,
                        "the server wants an SSH key for user "
                        "'git' and none is given");
    lcmp__transport_dispose(&t);

    /* a missing key file */
    snprintf(key, sizeof(key), "%s/no-such-key", p->dir);
    o.ssh_key = key;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(
        cbs.credentials(
            &cred, "ssh://git@h/r", "git", GIT_CREDENTIAL_SSH_KEY, &t),
        -1);
    snprintf(want,
             sizeof(want),
             "cannot read key file %s: No such file or directory",
             key);
    assert_string_equal(t.message, want);
    lcmp__transport_dispose(&t);

    /* a directory */
    o.ssh_key = p->dir;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(
        cbs.credentials(
            &cred, "ssh://git@h/r", "git", GIT_CREDENTIAL_SSH_KEY, &t),
        -1);
    snprintf(want, sizeof(want), "key file %s is not a regular file", p->dir);
    assert_string_equal(t.message, want);
    lcmp__transport_dispose(&t);

    /* HTTP authentication: not supported, refused */
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(
        cbs.credentials(
            &cred, "https://h/r", NULL, GIT_CREDENTIAL_USERPASS_PLAINTEXT, &t),
        -1);
    assert_null(cred);
    assert_int_equal(t.code, LCMP_EGIT);
    assert_string_equal(t.message,
                        "the server asks for a user name and password, "
                        "which are not supported (use an SSH key or a "
                        "public remote)");
    lcmp__transport_dispose(&t);
}

/*
 * Transfer cap and progress
 */

typedef struct progress_log {
    int calls;
    uint64_t bytes;
    size_t objects, total;
} progress_log;

static void log_progress(uint64_t received_bytes,
                         size_t received_objects,
                         size_t total_objects,
                         void *payload)
{
    progress_log *l = payload;

    l->calls++;
    l->bytes = received_bytes;
    l->objects = received_objects;
    l->total = total_objects;
}

static void test_transport__cap(void **state)
{
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    git_remote_callbacks cbs = callbacks_init();
    git_indexer_progress s;
    progress_log log = {0, 0, 0, 0};
    lcmp__transport t;

    (void)state;
    o.max_bytes = 1000;
    o.progress = log_progress;
    o.progress_payload = &log;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    memset(&s, 0, sizeof(s));
    s.received_bytes = 1000;
    s.received_objects = 3;
    s.total_objects = 9;
    assert_int_equal(cbs.transfer_progress(&s, &t), 0);
    assert_int_equal(log.calls, 1);
    assert_int_equal(log.bytes, 1000);
    assert_int_equal(log.objects, 3);
    assert_int_equal(log.total, 9);
    assert_int_equal(t.code, 0);

    s.received_bytes = 1001;
    assert_int_equal(cbs.transfer_progress(&s, &t), -1);
    assert_int_equal(log.calls, 1);
    assert_int_equal(t.code, LCMP_ELIMIT);
    assert_string_equal(t.message,
                        "transfer exceeded the limit of 1000 "
                        "bytes (--max-bytes)");
    lcmp__transport_dispose(&t);

    /* 0 means the default cap */
    o.max_bytes = 0;
    o.progress = NULL;
    lcmp__transport_init(&t, &o);
    assert_true(t.max_bytes == LCMP_SYNC_DEFAULT_MAX_BYTES);
    s.received_bytes = (size_t)LCMP_SYNC_DEFAULT_MAX_BYTES;
    assert_int_equal(cbs.transfer_progress(&s, &t), 0);
    s.received_bytes++;
    assert_int_equal(cbs.transfer_progress(&s, &t), -1);
    lcmp__transport_dispose(&t);
}

/*
 * Errors
 */

static void test_transport__error_messages(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    git_remote_callbacks cbs = callbacks_init();
    git_indexer_progress s;
    git_credential *cred = NULL;
    lcmp__transport t;
    lcmp_error err;
    char key[700], want[900];

    /* libgit2's message, first letter lowered; the URL is the source */
    lcmp__transport_init(&t, &o);
    git_error_set_str(GIT_ERROR_NET,
                      "Failed to connect to 127.0.0.1: Connection refused");
    assert_int_equal(
        lcmp__transport_error(&t, -1, "git://127.0.0.1:9/b.git", &err),
        LCMP_EGIT);
    assert_int_equal(err.code, LCMP_EGIT);
    assert_string_equal(err.source, "git://127.0.0.1:9/b.git");
    assert_string_equal(err.message,
                        "failed to connect to 127.0.0.1: Connection refused");

    /* "SSL ..." keeps its capitals */
    git_error_set_str(GIT_ERROR_SSL, "SSL error: x");
    assert_int_equal(lcmp__transport_error(&t, -1, "https://h/r", &err),
                     LCMP_EGIT);
    assert_string_equal(err.message, "SSL error: x");

    /* no libgit2 error at all */
    git_error_clear();
    assert_int_equal(lcmp__transport_error(&t, -17, "https://h/r", &err),
                     LCMP_EGIT);
    assert_string_equal(err.message,
                        "git operation failed (libgit2 error -17)");
    lcmp__transport_dispose(&t);

    /* a recorded refusal wins over libgit2's text; the password goes */
    o.max_bytes = 10;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    memset(&s, 0, sizeof(s));
    s.received_bytes = 11;
    assert_int_equal(cbs.transfer_progress(&s, &t), -1);
    git_error_set_str(GIT_ERROR_CALLBACK, "indexer progress callback");
    assert_int_equal(lcmp__transport_error(
                         &t, -1, "https://ann:s3cret@h:8443/r.git?x=1", &err),
                     LCMP_ELIMIT);
    assert_string_equal(err.source, "https://ann@h:8443/r.git?x=1");
    assert_string_equal(err.message,
                        "transfer exceeded the limit of 10 bytes "
                        "(--max-bytes)");
    assert_null(strstr(err.source, "s3cret"));
    lcmp__transport_dispose(&t);

    /* a key the server refused, then libssh2's misleading text */
    snprintf(key, sizeof(key), "%s/id_err", p->dir);
    write_key_file(key, 0600);
    o.max_bytes = 0;
    o.ssh_key = key;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(
        cbs.credentials(
            &cred, "ssh://root@h/r", "root", GIT_CREDENTIAL_SSH_KEY, &t),
        0);
    git_credential_free(cred);
    git_error_set_str(GIT_ERROR_SSH,
                      "Failed to retrieve list of SSH authentication "
                      "methods: Failed getting response");
    assert_int_equal(
        lcmp__transport_error(&t, GIT_EAUTH, "ssh://root@h/r", &err),
        LCMP_EGIT);
    snprintf(want,
             sizeof(want),
             "ssh authentication failed for user 'root' with key '%s'",
             key);
    assert_string_equal(err.message, want);
    /* a key libssh2 cannot load: its reason is kept */
    git_error_set_str(GIT_ERROR_SSH,
                      "Failed to authenticate SSH session: Unable to "
                      "extract public key from private key file");
    assert_int_equal(lcmp__transport_error(&t, -1, "ssh://root@h/r", &err),
                     LCMP_EGIT);
    snprintf(want,
             sizeof(want),
             "ssh authentication failed for user 'root' with key '%s': "
             "failed to authenticate SSH session: Unable to extract public "
             "key from private key file",
             key);
    assert_string_equal(err.message, want);
    lcmp__transport_dispose(&t);
    git_error_clear();

    /* NULL err is allowed */
    lcmp__transport_init(&t, &o);
    assert_int_equal(lcmp__transport_error(&t, -1, NULL, NULL), LCMP_EGIT);
    lcmp__transport_dispose(&t);
}

/* NULL options are the defaults */
static void test_transport__null_options(void **state)
{
    pki *p = *state;
    git_remote_callbacks cbs = callbacks_init();
    git_credential *cred = NULL;
    lcmp__transport t;
    unsigned char h[32];

    hash_0_31(h);
    lcmp__transport_init(&t, NULL);
    assert_true(t.max_bytes == LCMP_SYNC_DEFAULT_MAX_BYTES);
    assert_int_equal(x509_check(&t, p->leaf, 1, "127.0.0.1"), GIT_PASSTHROUGH);
    assert_int_equal(hostkey_check(&t, h, GIT_CERT_SSH_SHA256, 1),
                     GIT_PASSTHROUGH);
    lcmp__transport_callbacks(&cbs, &t);
    assert_int_equal(
        cbs.credentials(&cred, "ssh://h/r", NULL, GIT_CREDENTIAL_SSH_KEY, &t),
        -1);
    assert_string_equal(t.message,
                        "the server wants an SSH key for user 'git' and "
                        "none is given");
    lcmp__transport_dispose(&t);
}

/*
 * Real libgit2 transfers
 */

/* A bare repository at `path` with one commit holding `size` random bytes. */
static void make_repo(const char *path, size_t size)
{
    git_repository *repo = NULL;
    git_treebuilder *tb = NULL;
    git_signature *sig = NULL;
    git_tree *tree = NULL;
    git_oid blob, tree_id, commit;
    unsigned char *data = malloc(size);

    assert_non_null(data);
    assert_int_equal(RAND_bytes(data, (int)size), 1);
    assert_int_equal(git_repository_init(&repo, path, 1), 0);
    assert_int_equal(git_blob_create_from_buffer(&blob, repo, data, size), 0);
    assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
    assert_int_equal(
        git_treebuilder_insert(NULL, tb, "data.bin", &blob, GIT_FILEMODE_BLOB),
        0);
    assert_int_equal(git_treebuilder_write(&tree_id, tb), 0);
    assert_int_equal(git_tree_lookup(&tree, repo, &tree_id), 0);
    assert_int_equal(
        git_signature_new(&sig, "Test", "test@example.org", 1767225600, 0), 0);
    assert_int_equal(git_commit_create(&commit,
                                       repo,
                                       "refs/heads/main",
                                       sig,
                                       sig,
                                       NULL,
                                       "one commit\n",
                                       tree,
                                       0,
                                       NULL),
                     0);
    assert_int_equal(git_repository_set_head(repo, "refs/heads/main"), 0);
    git_signature_free(sig);
    git_tree_free(tree);
    git_treebuilder_free(tb);
    git_repository_free(repo);
    free(data);
}

/* Fetch `url` into a new bare repository at `dest` the way lcmp_sync does:
 * an anonymous remote (no configuration written, no url.*.insteadOf
 * rewriting) with the callbacks of `t` (or those in `cbs` when not NULL).
 * Skipping insteadOf also avoids a leak in libgit2 1.5, whose config
 * glob leaks a pcre2 match block per config entry that does not match. */
static int fetch_with(const char *url,
                      const char *dest,
                      lcmp__transport *t,
                      const git_remote_callbacks *cbs)
{
    git_fetch_options fo;
    git_remote_create_options ro;
    git_repository *repo = NULL;
    git_remote *remote = NULL;
    char *spec = "+refs/heads/*:refs/lcmp/heads/*";
    git_strarray specs = {&spec, 1};
    int rc;

    assert_int_equal(git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION), 0);
    if (cbs != NULL) {
        fo.callbacks = *cbs;
    } else {
        lcmp__transport_callbacks(&fo.callbacks, t);
    }
    assert_int_equal(git_repository_init(&repo, dest, 1), 0);
    assert_int_equal(
        git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION),
        0);
    ro.repository = repo;
    ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
    assert_int_equal(git_remote_create_with_opts(&remote, url, &ro), 0);
    rc = git_remote_fetch(remote, &specs, &fo, NULL);
    git_remote_free(remote);
    git_repository_free(repo);
    return rc;
}

static void test_transport__fetch_cap_and_progress(void **state)
{
    pki *p = *state;
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    progress_log log = {0, 0, 0, 0};
    lcmp__transport t;
    lcmp_error err;
    char src[700], url[800], dest[700];
    int rc;

    snprintf(src, sizeof(src), "%s/src.git", p->dir);
    snprintf(url, sizeof(url), "file://%s", src);
    make_repo(src, 64 * 1024);

    /* 64 KiB of random data cannot fit in 1000 bytes */
    o.max_bytes = 1000;
    lcmp__transport_init(&t, &o);
    snprintf(dest, sizeof(dest), "%s/capped.git", p->dir);
    rc = fetch_with(url, dest, &t, NULL);
    assert_true(rc < 0);
    assert_int_equal(lcmp__transport_error(&t, rc, url, &err), LCMP_ELIMIT);
    assert_string_equal(err.message,
                        "transfer exceeded the limit of 1000 "
                        "bytes (--max-bytes)");
    assert_string_equal(err.source, url);
    assert_true(t.received_bytes > 1000);
    lcmp__transport_dispose(&t);

    /* the default cap lets it through, and progress is reported */
    o.max_bytes = 0;
    o.progress = log_progress;
    o.progress_payload = &log;
    lcmp__transport_init(&t, &o);
    snprintf(dest, sizeof(dest), "%s/full.git", p->dir);
    assert_int_equal(fetch_with(url, dest, &t, NULL), 0);
    assert_int_equal(t.code, 0);
    assert_true(log.calls > 0);
    assert_true(log.bytes >= 64 * 1024);
    assert_int_equal(log.total, 3); /* blob, tree, commit */
    assert_int_equal(log.objects, 3);
    assert_true(t.received_bytes == log.bytes);
    lcmp__transport_dispose(&t);
}

/* Counts certificate checks and remembers the verdict. */
typedef struct probe {
    git_transport_certificate_check_cb inner;
    lcmp__transport *t;
    int calls;
    int valid;
    int rc;
} probe;

static int
probe_check(git_cert *cert, int valid, const char *host, void *payload)
{
    probe *pr = payload;

    pr->calls++;
    pr->valid = valid;
    pr->rc = pr->inner(cert, valid, host, pr->t);
    return pr->rc;
}

/*
 * `openssl s_server -www` for one connection on a free loopback port: a
 * real TLS server with our leaf. It answers HTTP with a status page, so
 * a fetch gets past the certificate check and then fails on the content.
 */
static pid_t start_tls_server(const pki *p, int *port)
{
    int fds[2];
    pid_t pid;
    char line[256];
    size_t used = 0;
    int waited = 0;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(fds[1], STDOUT_FILENO);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDERR_FILENO);
        }
        close(fds[0]);
        close(fds[1]);
        execlp("openssl",
               "openssl",
               "s_server",
               "-accept",
               "127.0.0.1:0",
               "-cert",
               p->leaf_pem,
               "-key",
               p->leaf_key,
               "-www",
               "-naccept",
               "1",
               (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    /* "ACCEPT 127.0.0.1:PORT" once it listens */
    *port = 0;
    while (*port == 0 && waited < 100) {
        struct pollfd pfd = {fds[0], POLLIN, 0};
        ssize_t n;
        char *nl, *colon;

        if (poll(&pfd, 1, 100) <= 0) {
            waited++;
            continue;
        }
        n = read(fds[0], line + used, sizeof(line) - 1 - used);
        if (n <= 0) {
            break;
        }
        used += (size_t)n;
        line[used] = '\0';
        while ((nl = strchr(line, '\n')) != NULL) {
            *nl = '\0';
            if (strncmp(line, "ACCEPT ", 7) == 0 &&
                (colon = strrchr(line, ':')) != NULL) {
                *port = (int)strtol(colon + 1, NULL, 10);
            }
            memmove(line, nl + 1, strlen(nl + 1) + 1);
            used = strlen(line);
        }
        if (used == sizeof(line) - 1) {
            used = 0;
        }
    }
    close(fds[0]);
    if (*port == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("openssl s_server did not start (is openssl installed?)");
    }
    return pid;
}

static void stop_tls_server(pid_t pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

/* Clone https://HOST:PORT/r.git with `ca_file`; fills the probe. */
static int https_fetch(const pki *p,
                       const char *host,
                       const char *ca_file,
                       probe *pr,
                       lcmp_error *err)
{
    lcmp_sync_options o = LCMP_SYNC_OPTIONS_INIT;
    git_remote_callbacks cbs = callbacks_init();
    lcmp__transport t;
    char url[300], dest[700];
    pid_t pid;
    int port, rc;

    pid = start_tls_server(p, &port);
    snprintf(url, sizeof(url), "https://%s:%d/r.git", host, port);
    snprintf(dest, sizeof(dest), "%s/https-%d.git", p->dir, port);
    o.ca_file = ca_file;
    o.now = p->now;
    lcmp__transport_init(&t, &o);
    lcmp__transport_callbacks(&cbs, &t);
    memset(pr, 0, sizeof(*pr));
    pr->inner = cbs.certificate_check;
    pr->t = &t;
    cbs.certificate_check = probe_check;
    cbs.payload = pr;
    cbs.credentials = NULL;
    cbs.transfer_progress = NULL;
    rc = fetch_with(url, dest, &t, &cbs);
    assert_true(rc < 0); /* s_server is no Git server */
    (void)lcmp__transport_error(&t, rc, url, err);
    lcmp__transport_dispose(&t);
    stop_tls_server(pid);
    return rc;
}

static void test_transport__https_fetch_checks_certificate(void **state)
{
    pki *p = *state;
    probe pr;
    lcmp_error err;
    char want[800];
    int rc;

    /* our CA: accepted although mbedTLS did not know it (valid 0); the
     * fetch then fails on s_server's HTML, not on the certificate */
    rc = https_fetch(p, "127.0.0.1", p->ca_path, &pr, &err);
    assert_int_equal(pr.calls, 1);
    assert_int_equal(pr.valid, 0);
    assert_int_equal(pr.rc, 0);
    assert_int_not_equal(rc, GIT_ECERTIFICATE);
    assert_null(strstr(err.message, "certificate"));

    rc = https_fetch(p, "localhost", p->ca_path, &pr, &err);
    assert_int_equal(pr.calls, 1);
    assert_int_equal(pr.rc, 0);
    assert_null(strstr(err.message, "certificate"));

    /* another CA: refused with our reason */
    rc = https_fetch(p, "127.0.0.1", p->other_ca_path, &pr, &err);
    assert_int_equal(pr.calls, 1);
    assert_int_equal(pr.rc, -1);
    assert_true(rc < 0);
    assert_int_equal(err.code, LCMP_EGIT);
    snprintf(want,
             sizeof(want),
             "certificate for 127.0.0.1 is not signed by the CA in %s",
             p->other_ca_path);
    assert_string_equal(err.message, want);

    /* no CA file: libgit2's verdict (system CAs) stands: refused */
    rc = https_fetch(p, "localhost", NULL, &pr, &err);
    assert_int_equal(pr.calls, 1);
    assert_int_equal(pr.rc, GIT_PASSTHROUGH);
    assert_int_equal(rc, GIT_ECERTIFICATE);
    assert_string_equal(err.message,
                        "certificate for localhost is not signed by a CA "
                        "this system trusts (a private CA needs a CA file)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transport__x509_accepts_ip_signed_by_ca),
        cmocka_unit_test(test_transport__x509_accepts_dns_name),
        cmocka_unit_test(test_transport__x509_rejects_wrong_ca),
        cmocka_unit_test(test_transport__x509_rejects_name_mismatch),
        cmocka_unit_test(test_transport__x509_valid_flag_never_accepts),
        cmocka_unit_test(test_transport__x509_rejects_expired),
        cmocka_unit_test(test_transport__x509_rejects_client_certificate),
        cmocka_unit_test(test_transport__x509_rejects_garbage),
        cmocka_unit_test(test_transport__x509_bad_ca_file),
        cmocka_unit_test(test_transport__hostkey_pinned_match),
        cmocka_unit_test(test_transport__hostkey_pinned_mismatch),
        cmocka_unit_test(test_transport__hostkey_bad_pin),
        cmocka_unit_test(test_transport__hostkey_unpinned_passes_through),
        cmocka_unit_test(test_transport__unknown_cert_type),
        cmocka_unit_test(test_transport__credentials_key_once),
        cmocka_unit_test(test_transport__credentials_default_user),
        cmocka_unit_test(test_transport__credentials_refuse_open_key),
        cmocka_unit_test(test_transport__credentials_refusals),
        cmocka_unit_test(test_transport__cap),
        cmocka_unit_test(test_transport__error_messages),
        cmocka_unit_test(test_transport__null_options),
        cmocka_unit_test(test_transport__fetch_cap_and_progress),
        cmocka_unit_test(test_transport__https_fetch_checks_certificate),
    };

    return cmocka_run_group_tests(tests, setup_pki, teardown_pki);
}
