/*
 * Tests for libcompliance/sshkey.c: base64 (RFC 4648 §10 vectors and
 * strictness), the RFC 4251 reader, public-key blobs of the three
 * supported types (static keys made by ssh-keygen, fingerprints compared
 * with `ssh-keygen -lf` at test time) and the refusals: small RSA keys,
 * other key types, type mismatches, bad points, malformed encodings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sshkey.h"
#include "util.h"

#define KEYS "data/sshsig/keys/"

static void assert_contains(const char *s, const char *part)
{
    if (strstr(s, part) == NULL) {
        fail_msg("'%s' does not contain '%s'", s, part);
    }
}

/* A public key file's type and base64 fields (NUL-terminated copies). */
static void read_pub(char *type, size_t tsize, lcmp_buf *b64, const char *path)
{
    lcmp_buf text = LCMP_BUF_INIT;
    lcmp_error err;
    char *sp, *sp2;

    lcmp_error_clear(&err);
    assert_int_equal(lcmp__file_read(&text, path, 1 << 16, &err), 0);
    sp = strchr(text.ptr, ' ');
    assert_non_null(sp);
    assert_true((size_t)(sp - text.ptr) < tsize);
    memcpy(type, text.ptr, (size_t)(sp - text.ptr));
    type[sp - text.ptr] = '\0';
    sp2 = strchr(sp + 1, ' ');
    assert_non_null(sp2);
    lcmp__buf_clear(b64);
    assert_int_equal(lcmp__buf_put(b64, sp + 1, (size_t)(sp2 - sp - 1)), 0);
    lcmp_buf_dispose(&text);
}

static lcmp__sshkey *key_of(const char *path)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    lcmp__sshkey *key = NULL;
    lcmp_error err;
    char type[64];

    read_pub(type, sizeof(type), &b64, path);
    lcmp_error_clear(&err);
    if (lcmp__sshkey_from_text(&key, type, b64.ptr, &err) != 0) {
        fail_msg("%s: %s", path, err.message);
    }
    lcmp_buf_dispose(&b64);
    return key;
}

/* ssh-keygen -lf's fingerprint of a public key file. */
static void keygen_fingerprint(char out[64], const char *path)
{
    char cmd[2048], line[512], *sp;
    FILE *p;
    size_t n;

    snprintf(cmd, sizeof(cmd), "ssh-keygen -lf '%s'", path);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(line, sizeof(line), p));
    assert_int_equal(pclose(p), 0);
    sp = strchr(line, ' ');
    assert_non_null(sp);
    n = strcspn(sp + 1, " ");
    assert_true(n < 64);
    memcpy(out, sp + 1, n);
    out[n] = '\0';
}

/*
 * Base64
 */

static void test_sshkey__base64_rfc4648_vectors(void **state)
{
    static const char *const v[][2] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    lcmp_buf b = LCMP_BUF_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        assert_int_equal(
            lcmp__base64_encode(&b, (const uint8_t *)v[i][0], strlen(v[i][0])),
            0);
        assert_string_equal(b.ptr, v[i][1]);
        assert_int_equal(lcmp__base64_decode(&b, v[i][1], strlen(v[i][1])), 0);
        assert_int_equal(b.size, strlen(v[i][0]));
        assert_memory_equal(b.ptr, v[i][0], b.size);
    }
    /* all 256 byte values and the two non-alphanumeric characters */
    assert_int_equal(lcmp__base64_decode(&b, "+/8A", 4), 0);
    assert_int_equal(b.size, 3);
    assert_memory_equal(b.ptr, "\xfb\xff\x00", 3);
    lcmp_buf_dispose(&b);
}

static void test_sshkey__base64_strict(void **state)
{
    static const char *const bad[] = {
        "Zg=",      /* length */
        "Zg",       /* no padding */
        "Zh==",     /* non-zero bits left over */
        "Zm9=",     /* same with one '=' */
        "Z===",     /* three '=' */
        "=Zg=",     /* '=' first */
        "Zg==Zg==", /* padding in the middle */
        "Zm9v Zg=", /* whitespace */
        "Zm9v\nZg==",
        "-_-_", /* URL-safe alphabet */
        "Zm9\0",
    };
    lcmp_buf b = LCMP_BUF_INIT;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t len = i == sizeof(bad) / sizeof(bad[0]) - 1 ? 4 : strlen(bad[i]);

        if (lcmp__base64_decode(&b, bad[i], len) != LCMP_EPARSE) {
            fail_msg("accepted '%s'", bad[i]);
        }
    }
    lcmp_buf_dispose(&b);
}

/*
 * RFC 4251 reader
 */

static void test_sshkey__sshbuf_reads_check_length(void **state)
{
    static const uint8_t data[] = {0, 0, 0, 3, 'a', 'b', 'c', 0, 0, 0, 9, 'x'};
    lcmp__sshbuf b = {data, sizeof(data)};
    const uint8_t *s;
    size_t n;
    uint32_t v;

    (void)state;
    assert_int_equal(lcmp__sshbuf_expect(&b, "abd"), LCMP_EPARSE);
    assert_int_equal(lcmp__sshbuf_expect(&b, "ab"), LCMP_EPARSE);
    assert_int_equal(b.len, sizeof(data)); /* unchanged on failure */
    assert_int_equal(lcmp__sshbuf_expect(&b, "abc"), 0);
    assert_int_equal(b.len, 5);
    /* a length past the end */
    assert_int_equal(lcmp__sshbuf_string(&s, &n, &b), LCMP_EPARSE);
    assert_int_equal(b.len, 5);
    assert_int_equal(lcmp__sshbuf_u32(&v, &b), 0);
    assert_int_equal(v, 9);
    assert_int_equal(lcmp__sshbuf_u32(&v, &b), LCMP_EPARSE);
    b.len = 0;
    assert_int_equal(lcmp__sshbuf_string(&s, &n, &b), LCMP_EPARSE);
}

/*
 * Keys
 */

static void test_sshkey__supported_keys_and_fingerprints(void **state)
{
    static const struct {
        const char *file, *type;
        lcmp__sshkey_type t;
    } cases[] = {
        {KEYS "ed25519.pub", "ssh-ed25519", LCMP__SSHKEY_ED25519},
        {KEYS "ed25519b.pub", "ssh-ed25519", LCMP__SSHKEY_ED25519},
        {KEYS "ecdsa.pub", "ecdsa-sha2-nistp256", LCMP__SSHKEY_ECDSA_P256},
        {KEYS "rsa3072.pub", "ssh-rsa", LCMP__SSHKEY_RSA},
        {"data/sshsig/rfc8032.pub", "ssh-ed25519", LCMP__SSHKEY_ED25519},
    };
    char fp[64], want[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lcmp__sshkey *key = key_of(cases[i].file);

        assert_int_equal(key->type, cases[i].t);
        assert_string_equal(lcmp__sshkey_type_name(key), cases[i].type);
        assert_non_null(key->pkey);
        lcmp__sshkey_fingerprint(fp, key);
        keygen_fingerprint(want, cases[i].file);
        assert_string_equal(fp, want);
        lcmp__sshkey_free(key);
    }
}

static void test_sshkey__rfc8032_key_bytes(void **state)
{
    static const uint8_t pk[32] = {
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe,
        0xd3, 0xc9, 0x64, 0x07, 0x3a, 0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6,
        0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
    lcmp__sshkey *key = key_of("data/sshsig/rfc8032.pub");
    uint8_t raw[32];
    size_t len = sizeof(raw);

    (void)state;
    /* RFC 8032 §7.1 TEST 1 public key, as OpenSSL sees it */
    assert_int_equal(EVP_PKEY_get_raw_public_key(key->pkey, raw, &len), 1);
    assert_int_equal(len, 32);
    assert_memory_equal(raw, pk, 32);
    assert_int_equal(key->bloblen, 4 + 11 + 4 + 32);
    lcmp__sshkey_free(key);
}

static void test_sshkey__equal(void **state)
{
    lcmp__sshkey *a = key_of(KEYS "ed25519.pub");
    lcmp__sshkey *a2 = key_of(KEYS "ed25519.pub");
    lcmp__sshkey *b = key_of(KEYS "ed25519b.pub");

    (void)state;
    assert_true(lcmp__sshkey_equal(a, a2));
    assert_false(lcmp__sshkey_equal(a, b));
    assert_false(lcmp__sshkey_equal(a, NULL));
    lcmp__sshkey_free(a);
    lcmp__sshkey_free(a2);
    lcmp__sshkey_free(b);
    lcmp__sshkey_free(NULL);
}

static void test_sshkey__unsupported_keys(void **state)
{
    static const struct {
        const char *file, *msg;
    } cases[] = {
        {KEYS "rsa1024.pub", "RSA key has 1024 bits, fewer than 2048"},
        {KEYS "ecdsa384.pub", "unsupported key type 'ecdsa-sha2-nistp384'"},
        {KEYS "dsa.pub", "unsupported key type 'ssh-dss'"},
    };
    lcmp_buf b64 = LCMP_BUF_INIT;
    lcmp__sshkey *key = NULL;
    lcmp_error err;
    char type[64];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        read_pub(type, sizeof(type), &b64, cases[i].file);
        lcmp_error_clear(&err);
        assert_int_equal(lcmp__sshkey_from_text(&key, type, b64.ptr, &err),
                         LCMP_EPARSE);
        assert_null(key);
        assert_string_equal(err.message, cases[i].msg);
    }
    lcmp_buf_dispose(&b64);
}

static void test_sshkey__type_must_match_blob(void **state)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    lcmp__sshkey *key = NULL;
    lcmp_error err;
    char type[64];

    (void)state;
    read_pub(type, sizeof(type), &b64, KEYS "ed25519.pub");
    lcmp_error_clear(&err);
    assert_int_equal(lcmp__sshkey_from_text(&key, "ssh-rsa", b64.ptr, &err),
                     LCMP_EPARSE);
    assert_null(key);
    assert_string_equal(err.message,
                        "key type 'ssh-rsa' does not match its ssh-ed25519 "
                        "blob");
    assert_int_equal(
        lcmp__sshkey_from_text(
            &key, "ssh-ed25519", "AAAAC3NzaC1lZDI1NTE5AAAAI!", &err),
        LCMP_EPARSE);
    assert_string_equal(err.message, "malformed base64 in the ssh-ed25519 key");
    lcmp_buf_dispose(&b64);
}

/* Decode a public key file's blob into `blob`. */
static void blob_of(lcmp_buf *blob, const char *path)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    char type[64];

    read_pub(type, sizeof(type), &b64, path);
    assert_int_equal(lcmp__base64_decode(blob, b64.ptr, b64.size), 0);
    lcmp_buf_dispose(&b64);
}

static int from_blob(lcmp_error *err, const lcmp_buf *blob)
{
    lcmp__sshkey *key = NULL;
    int rc;

    lcmp_error_clear(err);
    rc = lcmp__sshkey_from_blob(
        &key, (const uint8_t *)blob->ptr, blob->size, err);
    assert_true(rc == 0 ? key != NULL : key == NULL && err->code == rc);
    lcmp__sshkey_free(key);
    return rc;
}

static void test_sshkey__malformed_blobs(void **state)
{
    const char *files[] = {
        KEYS "ed25519.pub", KEYS "ecdsa.pub", KEYS "rsa3072.pub"};
    lcmp_buf blob = LCMP_BUF_INIT;
    lcmp_error err;
    size_t i, n, full;

    (void)state;
    for (i = 0; i < 3; i++) {
        blob_of(&blob, files[i]);
        full = blob.size;
        assert_int_equal(from_blob(&err, &blob), 0);
        /* every truncation */
        for (n = 0; n < full; n++) {
            blob.size = n;
            assert_int_equal(from_blob(&err, &blob), LCMP_EPARSE);
        }
        /* trailing data */
        blob.size = full;
        assert_int_equal(lcmp__buf_put(&blob, "\0", 1), 0);
        assert_int_equal(from_blob(&err, &blob), LCMP_EPARSE);
        assert_contains(err.message, "trailing data after the");
    }
    lcmp_buf_dispose(&blob);
}

static void test_sshkey__ecdsa_point_not_on_curve(void **state)
{
    lcmp_buf blob = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    blob_of(&blob, KEYS "ecdsa.pub");
    /* type(4+19) curve(4+8) Q(4+65): flip the last byte of Y */
    assert_int_equal(blob.size, 104);
    blob.ptr[103] ^= 0x01;
    assert_int_equal(from_blob(&err, &blob), LCMP_EPARSE);
    assert_contains(err.message, "invalid EC public key");
    /* a compressed point is not what OpenSSH writes */
    blob_of(&blob, KEYS "ecdsa.pub");
    blob.ptr[39] = 0x02;
    assert_int_equal(from_blob(&err, &blob), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "malformed ecdsa-sha2-nistp256 public key");
    lcmp_buf_dispose(&blob);
}

static void test_sshkey__rsa_mpint_encoding(void **state)
{
    lcmp_buf blob = LCMP_BUF_INIT, bad = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    blob_of(&blob, KEYS "rsa3072.pub");
    /* string "ssh-rsa" (11), mpint e = 00 00 00 03 01 00 01 */
    assert_memory_equal(blob.ptr + 11, "\0\0\0\3\1\0\1", 7);

    /* e with a needless leading zero */
    assert_int_equal(lcmp__buf_put(&bad, blob.ptr, 11), 0);
    assert_int_equal(lcmp__buf_put(&bad, "\0\0\0\4\0\1\0\1", 8), 0);
    assert_int_equal(lcmp__buf_put(&bad, blob.ptr + 18, blob.size - 18), 0);
    assert_int_equal(from_blob(&err, &bad), LCMP_EPARSE);
    assert_string_equal(err.message, "malformed ssh-rsa public key");

    /* a negative e */
    lcmp__buf_clear(&bad);
    assert_int_equal(lcmp__buf_put(&bad, blob.ptr, 11), 0);
    assert_int_equal(lcmp__buf_put(&bad, "\0\0\0\3\x81\0\1", 7), 0);
    assert_int_equal(lcmp__buf_put(&bad, blob.ptr + 18, blob.size - 18), 0);
    assert_int_equal(from_blob(&err, &bad), LCMP_EPARSE);

    /* an even e */
    lcmp__buf_clear(&bad);
    assert_int_equal(lcmp__buf_put(&bad, blob.ptr, 11), 0);
    assert_int_equal(lcmp__buf_put(&bad, "\0\0\0\3\1\0\2", 7), 0);
    assert_int_equal(lcmp__buf_put(&bad, blob.ptr + 18, blob.size - 18), 0);
    assert_int_equal(from_blob(&err, &bad), LCMP_EPARSE);
    assert_string_equal(err.message, "invalid RSA public exponent");
    lcmp_buf_dispose(&blob);
    lcmp_buf_dispose(&bad);
}

static void test_sshkey__ed25519_key_length(void **state)
{
    static const uint8_t short_key[] = {
        0,   0,   0,  11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5',
        '1', '9', 0,  0,  0,   31,  1,   2,   3,   4,   5,   6,   7,
        8,   9,   10, 11, 12,  13,  14,  15,  16,  17,  18,  19,  20,
        21,  22,  23, 24, 25,  26,  27,  28,  29,  30,  31};
    lcmp__sshkey *key = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__sshkey_from_blob(&key, short_key, sizeof(short_key), &err),
        LCMP_EPARSE);
    assert_string_equal(err.message, "malformed ssh-ed25519 public key");
    assert_int_equal(lcmp__sshkey_from_blob(&key, NULL, 0, &err), LCMP_EPARSE);
    assert_int_equal(lcmp__sshkey_from_blob(NULL, short_key, 4, &err),
                     LCMP_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sshkey__base64_rfc4648_vectors),
        cmocka_unit_test(test_sshkey__base64_strict),
        cmocka_unit_test(test_sshkey__sshbuf_reads_check_length),
        cmocka_unit_test(test_sshkey__supported_keys_and_fingerprints),
        cmocka_unit_test(test_sshkey__rfc8032_key_bytes),
        cmocka_unit_test(test_sshkey__equal),
        cmocka_unit_test(test_sshkey__unsupported_keys),
        cmocka_unit_test(test_sshkey__type_must_match_blob),
        cmocka_unit_test(test_sshkey__malformed_blobs),
        cmocka_unit_test(test_sshkey__ecdsa_point_not_on_curve),
        cmocka_unit_test(test_sshkey__rsa_mpint_encoding),
        cmocka_unit_test(test_sshkey__ed25519_key_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
