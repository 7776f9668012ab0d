/*
 * Tests for libcompliance/dsse.c: PAE byte for byte, strict envelope
 * parsing, base64 in both alphabets, the DSSE document's official ECDSA
 * vector (raw r||s) and the Ed25519 cases of research/signing-and-sync.md
 * §1.2 (RFC 8032 TEST 1 and TEST 2 keys). The Ed25519 signatures below
 * were made with the `openssl pkeyutl -sign -rawin` command over PAE bytes
 * built by hand, not by the code under test; case 1 is the research note's
 * published vector.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "dsse.h"
#include "keys.h"

/* RFC 8032 §7.1 TEST 1 and TEST 2 public keys, as OpenSSH keys. */
#define K1         \
    "ssh-ed25519 " \
    "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
#define K2         \
    "ssh-ed25519 " \
    "AAAAC3NzaC1lZDI1NTE5AAAAID1AF8PoQ4lakrcKp00bfrycmCzPLsSWjMDNVfEq9GYM"

#define INTOTO   "application/vnd.in-toto+json"
#define BODY     "{\"_type\":\"https://in-toto.io/Statement/v1\"}"
#define BODY_B64 "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEifQ=="
/* Case 1: TEST 1 key over PAE(INTOTO, BODY) (research §1.2). */
#define SIG1_K1                                                               \
    "2WAfaHm5jluo0w+0rk8uVkluELJYWjSmU9x7EUzx+AyteDGJ4/nqyJXfmAUVFIAoQafWm7A" \
    "xBZNw5M9ixNHiCA=="
/* TEST 2 key over the same PAE. */
#define SIG1_K2                                                               \
    "c1+67/aT0yqEpwx8PsVY3MLHsj9D0CZ014/Fv/QlG59P+9CobUZ7xECJ/V3USG0Ob9CiE5L" \
    "jReEZUzNF2l7eBw=="
/* TEST 1 over PAE(INTOTO, fb ff bf 3e 3f), URL-safe. */
#define SIG_URL_K1                                                            \
    "P-_KHICeR7tI6S_YyejJTRtrXhcQyQ2LYPaL8h90KjC9qN8HU_svOQ6TuDOT1HIrsGW886D" \
    "bWNWcCmX5twLrAw=="
/* TEST 1 over PAE("application/vnd.exämple+json", BODY). */
#define SIG_EX_K1                                                             \
    "xmSk/ug66ysT7ayhkCIjhAq42zgZXSsEWuzUaNL7w2eGAdF/NU6/fRXPtmfN+5DNSAs5/i2" \
    "lUnHjbbjPsu0tAw=="
/* TEST 1 over PAE(INTOTO, ""). */
#define SIG_EMPTY_K1                                                          \
    "gSggCAaTLTYyRH6FIDBem6meyIynsYy8RTHVzwx9tnTb7Bg/1jMWnuVgI/gffqmbsC2VX5/" \
    "jHfkkDqsj7CDbDg=="
/* TEST 1 over PAE("", BODY). */
#define SIG_NOTYPE_K1                                                         \
    "iC3q/+3Rm0+lpAJRueDmDh15PnwCfxKmS0NAfKsbv+zgulXQC/WM9trc+j1XEqlwDIg/vf/" \
    "uNfebeD6sxInrDg=="

/* protocol.md's vector: ECDSA P-256, RFC 6979, X and Y from the document. */
#define ECDSA_KEY                                                             \
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGfNOQ93qjWcsIwiNfZ" \
    "SJwSTqe2DKwq8wB9wlUwDkNI4DHgr1U4mkSWkT0Qzr/FDLOlOErynOqZ6yAzqEmCN33Q="
#define ECDSA_ENVELOPE                                                        \
    "{\"payload\": \"aGVsbG8gd29ybGQ=\",\n"                                   \
    " \"payloadType\": \"http://example.com/HelloWorld\",\n"                  \
    " \"signatures\": [{\"sig\": "                                            \
    "\"A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAr" \
    "iEGAHTVeCUjW2JIZA==\"}]}"

static lcmp__dsse *parse_ok(const char *text)
{
    lcmp__dsse *env = NULL;
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__dsse_parse(
            &env, (const uint8_t *)text, strlen(text), "e.json", &err),
        0);
    assert_non_null(env);
    return env;
}

static void parse_fails(const char *text,
                        int code,
                        const char *pointer,
                        const char *message)
{
    lcmp__dsse *env = NULL;
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__dsse_parse(
            &env, (const uint8_t *)text, strlen(text), "e.json", &err),
        code);
    assert_null(env);
    assert_int_equal(err.code, code);
    assert_string_equal(err.source, "e.json");
    assert_string_equal(err.pointer, pointer);
    assert_non_null(strstr(err.message, message));
}

/* Whether signature `i` of `text` verifies with OpenSSH key `key`. */
static int
sig_verifies(const char *text, size_t i, const char *type, const char *b64)
{
    lcmp__sshkey *key = NULL;
    lcmp__dsse *env = parse_ok(text);
    lcmp_buf pae = LCMP_BUF_INIT;
    int rc;

    assert_int_equal(lcmp__sshkey_from_text(&key, type, b64, NULL), 0);
    assert_int_equal(lcmp__dsse_pae(&pae,
                                    env->payload_type,
                                    env->payload_type_len,
                                    env->payload,
                                    env->payload_len),
                     0);
    assert_true(i < env->nsigs);
    rc = lcmp__sshkey_verify(key,
                             env->sigs[i].sig,
                             env->sigs[i].siglen,
                             (const uint8_t *)pae.ptr,
                             pae.size);
    lcmp_buf_dispose(&pae);
    lcmp__sshkey_free(key);
    lcmp__dsse_free(env);
    return rc;
}

/* An envelope with one or two signatures (keyid "" when NULL). */
static char *envelope(const char *payload,
                      const char *type,
                      const char *keyid1,
                      const char *sig1,
                      const char *keyid2,
                      const char *sig2)
{
    char *text = malloc(4096);

    assert_non_null(text);
    if (sig2 == NULL) {
        snprintf(text,
                 4096,
                 "{\"payload\":\"%s\",\"payloadType\":\"%s\","
                 "\"signatures\":[{\"keyid\":\"%s\",\"sig\":\"%s\"}]}",
                 payload,
                 type,
                 keyid1 != NULL ? keyid1 : "",
                 sig1);
    } else {
        snprintf(text,
                 4096,
                 "{\"payload\":\"%s\",\"payloadType\":\"%s\","
                 "\"signatures\":[{\"keyid\":\"%s\",\"sig\":\"%s\"},"
                 "{\"keyid\":\"%s\",\"sig\":\"%s\"}]}",
                 payload,
                 type,
                 keyid1 != NULL ? keyid1 : "",
                 sig1,
                 keyid2 != NULL ? keyid2 : "",
                 sig2);
    }
    return text;
}

static int no_release(lcmp_release_info *out,
                      lcmp_baseline **baseline_out,
                      const char *tag,
                      void *payload,
                      lcmp_error *err)
{
    (void)out;
    (void)baseline_out;
    (void)tag;
    (void)payload;
    (void)err;
    fail_msg("the release is looked up only for a valid statement");
    return LCMP_ENOTFOUND;
}

/* lcmp_verify() with K1 and K2 as statement keys. */
static lcmp_verification *verify(const char *text)
{
    static const char signers[] = "k1@test " K1 "\nk2@test " K2 "\n";
    lcmp_verify_options opts = LCMP_VERIFY_OPTIONS_INIT;
    lcmp_verification *v = NULL;
    lcmp_keyring *kr = NULL;
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(lcmp_keyring_load(&kr,
                                       (const uint8_t *)signers,
                                       strlen(signers),
                                       "signers",
                                       NULL,
                                       0,
                                       NULL,
                                       &err),
                     0);
    opts.keyring = kr;
    opts.release = no_release;
    assert_int_equal(
        lcmp_verify(&v, (const uint8_t *)text, strlen(text), 0, &opts, &err),
        0);
    lcmp_keyring_free(kr);
    assert_non_null(v);
    assert_false(lcmp_verification_valid(v));
    return v;
}

static lcmp_vstatus_t status(const lcmp_verification *v, lcmp_vstep_t s)
{
    return lcmp_verification_step(v, s)->status;
}

static const char *reason(const lcmp_verification *v, lcmp_vstep_t s)
{
    return lcmp_verification_step(v, s)->reason;
}

/*
 * PAE
 */

static void test_dsse__pae_official_vector(void **state)
{
    static const char want[] =
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world";
    lcmp_buf pae = LCMP_BUF_INIT;

    (void)state;
    assert_int_equal(lcmp__dsse_pae(&pae,
                                    "http://example.com/HelloWorld",
                                    29,
                                    (const uint8_t *)"hello world",
                                    11),
                     0);
    assert_int_equal(pae.size, sizeof(want) - 1);
    assert_memory_equal(pae.ptr, want, sizeof(want) - 1);
    lcmp_buf_dispose(&pae);
}

/* The lengths in decimal at every number of digits, as printf writes
 * them, with the type and body after them byte for byte. */
static void test_dsse__pae_lengths_in_decimal(void **state)
{
    static const size_t lens[] = {0, 1, 9, 10, 99, 100, 999, 1000, 65536};
    lcmp_buf pae = LCMP_BUF_INIT;
    char *type = malloc(65537), *body = malloc(65537), want[128];
    size_t i, j, head;

    (void)state;
    assert_non_null(type);
    assert_non_null(body);
    memset(type, 't', 65536);
    memset(body, 'b', 65536);
    for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        for (j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
            size_t tl = lens[i], bl = lens[j];
            assert_int_equal(
                lcmp__dsse_pae(&pae, type, tl, (const uint8_t *)body, bl), 0);
            snprintf(want, sizeof(want), "DSSEv1 %zu ", tl);
            head = strlen(want);
            assert_int_equal(pae.size,
                             head + tl + 1 +
                                 (size_t)snprintf(NULL, 0, "%zu", bl) + 1 + bl);
            assert_memory_equal(pae.ptr, want, head);
            assert_true(tl == 0 || memcmp(pae.ptr + head, type, tl) == 0);
            snprintf(want, sizeof(want), " %zu ", bl);
            assert_memory_equal(pae.ptr + head + tl, want, strlen(want));
            assert_true(bl == 0 ||
                        memcmp(pae.ptr + pae.size - bl, body, bl) == 0);
            assert_int_equal(pae.ptr[pae.size], '\0');
        }
    }
    free(type);
    free(body);
    lcmp_buf_dispose(&pae);
}

static void test_dsse__pae_empty_body_keeps_its_space(void **state)
{
    static const char want[] = "DSSEv1 28 application/vnd.in-toto+json 0 ";
    lcmp_buf pae = LCMP_BUF_INIT;

    (void)state;
    assert_int_equal(lcmp__dsse_pae(&pae, INTOTO, 28, NULL, 0), 0);
    assert_int_equal(pae.size, sizeof(want) - 1);
    assert_memory_equal(pae.ptr, want, sizeof(want) - 1);
    assert_int_equal((unsigned char)pae.ptr[pae.size - 1], 0x20);
    lcmp_buf_dispose(&pae);
}

static void test_dsse__pae_counts_bytes_not_characters(void **state)
{
    static const char type[] = "application/vnd.ex\xc3\xa4mple+json";
    static const char want[] =
        "DSSEv1 29 application/vnd.ex\xc3\xa4mple+json 43 " BODY;
    lcmp_buf pae = LCMP_BUF_INIT;

    (void)state;
    assert_int_equal(sizeof(type) - 1, 29);
    assert_int_equal(
        lcmp__dsse_pae(
            &pae, type, sizeof(type) - 1, (const uint8_t *)BODY, strlen(BODY)),
        0);
    assert_int_equal(pae.size, sizeof(want) - 1);
    assert_memory_equal(pae.ptr, want, sizeof(want) - 1);
    lcmp_buf_dispose(&pae);
}

/*
 * The official ECDSA vector
 */

static void test_dsse__official_ecdsa_vector_raw_rs(void **state)
{
    lcmp__dsse *env;

    (void)state;
    env = parse_ok(ECDSA_ENVELOPE);
    assert_int_equal(env->payload_len, 11);
    assert_memory_equal(env->payload, "hello world", 11);
    assert_int_equal(env->nsigs, 1);
    assert_string_equal(env->sigs[0].keyid, "");
    assert_int_equal(env->sigs[0].siglen, 64);
    lcmp__dsse_free(env);
    assert_int_equal(
        sig_verifies(ECDSA_ENVELOPE, 0, "ecdsa-sha2-nistp256", ECDSA_KEY), 1);
}

static void test_dsse__official_ecdsa_vector_fails_when_altered(void **state)
{
    char *text = strdup(ECDSA_ENVELOPE);
    char *p;

    (void)state;
    assert_non_null(text);
    /* "hello world" -> "hello worle" */
    p = strstr(text, "aGVsbG8gd29ybGQ=");
    assert_non_null(p);
    memcpy(p, "aGVsbG8gd29ybGU=", 16);
    assert_int_equal(sig_verifies(text, 0, "ecdsa-sha2-nistp256", ECDSA_KEY),
                     0);
    free(text);
}

/* The same signature re-encoded as DER (as sigstore writes ECDSA) by
 * OpenSSL's ECDSA_SIG encoder also verifies. */
static void test_dsse__ecdsa_der_signature_accepted(void **state)
{
    lcmp__sshkey *key = NULL;
    lcmp__dsse *env = parse_ok(ECDSA_ENVELOPE);
    lcmp_buf pae = LCMP_BUF_INIT;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    unsigned char *der = NULL;
    int derlen;

    (void)state;
    assert_non_null(sig);
    assert_int_equal(ECDSA_SIG_set0(sig,
                                    BN_bin2bn(env->sigs[0].sig, 32, NULL),
                                    BN_bin2bn(env->sigs[0].sig + 32, 32, NULL)),
                     1);
    derlen = i2d_ECDSA_SIG(sig, &der);
    assert_true(derlen > 64);
    assert_int_equal(
        lcmp__sshkey_from_text(&key, "ecdsa-sha2-nistp256", ECDSA_KEY, NULL),
        0);
    assert_int_equal(lcmp__dsse_pae(&pae,
                                    env->payload_type,
                                    env->payload_type_len,
                                    env->payload,
                                    env->payload_len),
                     0);
    assert_int_equal(
        lcmp__sshkey_verify(
            key, der, (size_t)derlen, (const uint8_t *)pae.ptr, pae.size),
        1);
    der[derlen - 1] ^= 1;
    assert_int_equal(
        lcmp__sshkey_verify(
            key, der, (size_t)derlen, (const uint8_t *)pae.ptr, pae.size),
        0);
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
    lcmp_buf_dispose(&pae);
    lcmp__sshkey_free(key);
    lcmp__dsse_free(env);
}

/*
 * The Ed25519 cases, through lcmp_verify()
 */

static void test_dsse__ed25519_single_signature(void **state)
{
    char *text = envelope(BODY_B64, INTOTO, NULL, SIG1_K1, NULL, NULL);
    lcmp_verification *v = verify(text);
    const lcmp_verify_signature *s;

    (void)state;
    assert_int_equal(status(v, LCMP_VSTEP_ENVELOPE), LCMP_VSTATUS_OK);
    assert_int_equal(status(v, LCMP_VSTEP_SIGNATURE), LCMP_VSTATUS_OK);
    assert_string_equal(reason(v, LCMP_VSTEP_SIGNATURE),
                        "1 of 1 signatures verify with a trusted key");
    assert_int_equal(status(v, LCMP_VSTEP_PAYLOAD_TYPE), LCMP_VSTATUS_OK);
    assert_int_equal(status(v, LCMP_VSTEP_PAYLOAD), LCMP_VSTATUS_OK);
    /* a bare Statement is not a compliance statement */
    assert_int_equal(status(v, LCMP_VSTEP_STATEMENT), LCMP_VSTATUS_FAILED);
    assert_non_null(strstr(reason(v, LCMP_VSTEP_STATEMENT), "predicateType"));
    assert_int_equal(status(v, LCMP_VSTEP_SIGNER), LCMP_VSTATUS_SKIPPED);
    assert_null(lcmp_verification_statement(v));
    s = lcmp_verification_signature(v, 0);
    assert_true(s->verified);
    assert_string_equal(s->fingerprint,
                        "SHA256:"
                        "bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8");
    lcmp_verification_free(v);
    free(text);
}

static void test_dsse__url_safe_base64_accepted(void **state)
{
    char *padded = envelope("-_-_Pj8=", INTOTO, NULL, SIG_URL_K1, NULL, NULL);
    char *bare = envelope("-_-_Pj8", INTOTO, NULL, SIG_URL_K1, NULL, NULL);
    lcmp__dsse *env = parse_ok(bare);
    lcmp_verification *v;

    (void)state;
    assert_int_equal(env->payload_len, 5);
    assert_memory_equal(env->payload, "\xfb\xff\xbf\x3e\x3f", 5);
    lcmp__dsse_free(env);
    assert_int_equal(sig_verifies(padded, 0, "ssh-ed25519", K1 + 12), 1);
    assert_int_equal(sig_verifies(bare, 0, "ssh-ed25519", K1 + 12), 1);
    v = verify(padded);
    assert_int_equal(status(v, LCMP_VSTEP_SIGNATURE), LCMP_VSTATUS_OK);
    /* the payload itself is not JSON */
    assert_int_equal(status(v, LCMP_VSTEP_PAYLOAD), LCMP_VSTATUS_FAILED);
    lcmp_verification_free(v);
    free(padded);
    free(bare);
}

static void test_dsse__swapped_payload_type_rejected(void **state)
{
    char *text = envelope(
        BODY_B64, "http://example.com/HelloWorld", NULL, SIG1_K1, NULL, NULL);
    lcmp_verification *v = verify(text);

    (void)state;
    assert_int_equal(status(v, LCMP_VSTEP_SIGNATURE), LCMP_VSTATUS_FAILED);
    assert_string_equal(reason(v, LCMP_VSTEP_SIGNATURE),
                        "none of the 1 signatures verifies with a trusted "
                        "key");
    assert_int_equal(status(v, LCMP_VSTEP_PAYLOAD_TYPE), LCMP_VSTATUS_SKIPPED);
    assert_false(lcmp_verification_signature(v, 0)->verified);
    lcmp_verification_free(v);
    free(text);
}

static void
test_dsse__non_ascii_payload_type_signed_by_byte_length(void **state)
{
    char *text = envelope(BODY_B64,
                          "application/vnd.ex\xc3\xa4mple+json",
                          NULL,
                          SIG_EX_K1,
                          NULL,
                          NULL);
    lcmp_verification *v = verify(text);

    (void)state;
    /* the signature holds; the type is simply not ours */
    assert_int_equal(status(v, LCMP_VSTEP_SIGNATURE), LCMP_VSTATUS_OK);
    assert_int_equal(status(v, LCMP_VSTEP_PAYLOAD_TYPE), LCMP_VSTATUS_FAILED);
    assert_string_equal(reason(v, LCMP_VSTEP_PAYLOAD_TYPE),
                        "payloadType is 'application/vnd.ex\xc3\xa4mple+json'"
                        ", expected 'application/vnd.in-toto+json'");
    assert_int_equal(status(v, LCMP_VSTEP_PAYLOAD), LCMP_VSTATUS_SKIPPED);
    lcmp_verification_free(v);
    free(text);
}

static void test_dsse__empty_payload(void **state)
{
    char *text = envelope("", INTOTO, NULL, SIG_EMPTY_K1, NULL, NULL);
    lcmp_verification *v = verify(text);

    (void)state;
    assert_int_equal(status(v, LCMP_VSTEP_SIGNATURE), LCMP_VSTATUS_OK);
    assert_int_equal(status(v, LCMP_VSTEP_PAYLOAD), LCMP_VSTATUS_FAILED);
    lcmp_verification_free(v);
    free(text);
}

static void test_dsse__empty_payload_type_rejected(void **state)
{
    char *text = envelope(BODY_B64, "", NULL, SIG_NOTYPE_K1, NULL, NULL);
    lcmp_verification *v = verify(text);

    (void)state;
    assert_int_equal(status(v, LCMP_VSTEP_SIGNATURE), LCMP_VSTATUS_OK);
    assert_int_equal(status(v, LCMP_VSTEP_PAYLOAD_TYPE), LCMP_VSTATUS_FAILED);
    lcmp_verification_free(v);
    free(text);
}

static void test_dsse__two_keys_count_twice(void **state)
{
    char *text = envelope(BODY_B64, INTOTO, NULL, SIG1_K1, NULL, SIG1_K2);
    lcmp_verification *v = verify(text);

    (void)state;
    assert_string_equal(reason(v, LCMP_VSTEP_SIGNATURE),
                        "2 of 2 signatures verify with a trusted key");
    assert_true(lcmp_verification_signature(v, 0)->verified);
    assert_true(lcmp_verification_signature(v, 1)->verified);
    assert_string_not_equal(lcmp_verification_signature(v, 0)->fingerprint,
                            lcmp_verification_signature(v, 1)->fingerprint);
    lcmp_verification_free(v);
    free(text);
}

static void test_dsse__one_key_twice_counts_once(void **state)
{
    char *text = envelope(BODY_B64, INTOTO, NULL, SIG1_K1, NULL, SIG1_K1);
    lcmp_verification *v = verify(text);
    const lcmp_verify_signature *s;

    (void)state;
    assert_string_equal(reason(v, LCMP_VSTEP_SIGNATURE),
                        "1 of 2 signatures verify with a trusted key");
    s = lcmp_verification_signature(v, 1);
    assert_true(s->verified);
    assert_string_equal(s->reason, "the same key as signature 0");
    lcmp_verification_free(v);
    free(text);
}

static void test_dsse__keyid_only_filters(void **state)
{
    static const char fp1[] =
        "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8";
    char *right = envelope(BODY_B64, INTOTO, fp1, SIG1_K1, NULL, NULL);
    char *other =
        envelope(BODY_B64, INTOTO, "SHA256:nosuchkey", SIG1_K1, NULL, NULL);
    lcmp_verification *v = verify(right);

    (void)state;
    assert_int_equal(status(v, LCMP_VSTEP_SIGNATURE), LCMP_VSTATUS_OK);
    assert_string_equal(lcmp_verification_signature(v, 0)->keyid, fp1);
    lcmp_verification_free(v);
    /* a keyid naming no trusted key: no key is tried */
    v = verify(other);
    assert_int_equal(status(v, LCMP_VSTEP_SIGNATURE), LCMP_VSTATUS_FAILED);
    assert_string_equal(lcmp_verification_signature(v, 0)->reason,
                        "no trusted key with this keyid verifies it");
    lcmp_verification_free(v);
    free(right);
    free(other);
}

/*
 * Strict parsing
 */

static void test_dsse__duplicate_keys_refused(void **state)
{
    (void)state;
    parse_fails("{\"payload\":\"\",\"payloadType\":\"a\",\"payloadType\":\"b\","
                "\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/payloadType",
                "duplicate object key 'payloadType'");
    parse_fails("{\"payload\":\"\",\"payloadType\":\"a\",\"x\":1,\"x\":2,"
                "\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/x",
                "duplicate object key 'x'");
    parse_fails("{\"payload\":\"\",\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"AA==\",\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/signatures/0/sig",
                "duplicate object key 'sig'");
}

static void test_dsse__required_members(void **state)
{
    (void)state;
    parse_fails("{\"payloadType\":\"a\",\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "",
                "missing member 'payload'");
    parse_fails("{\"payload\":\"\",\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "",
                "missing member 'payloadType'");
    parse_fails("{\"payload\":\"\",\"payloadType\":\"a\"}",
                LCMP_EPARSE,
                "",
                "missing member 'signatures'");
    parse_fails("{\"payload\":\"\",\"payloadType\":\"a\",\"signatures\":[]}",
                LCMP_EPARSE,
                "/signatures",
                "no signatures");
    parse_fails("{\"payload\":\"\",\"payloadType\":\"a\","
                "\"signatures\":[{\"keyid\":\"x\"}]}",
                LCMP_EPARSE,
                "/signatures/0",
                "missing member 'sig'");
    parse_fails("{\"payload\":\"\",\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"\"}]}",
                LCMP_EPARSE,
                "/signatures/0/sig",
                "empty signature");
    parse_fails("{\"payload\":1,\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/payload",
                "expected a string");
    parse_fails("[]", LCMP_EPARSE, "", "an object");
}

static void test_dsse__unknown_members_ignored(void **state)
{
    lcmp__dsse *env;

    (void)state;
    env = parse_ok("{\"payload\":\"\",\"payloadType\":\"a\",\"x\":[1],"
                   "\"signatures\":[{\"sig\":\"AA==\",\"extension\":{}}]}");
    assert_int_equal(env->nsigs, 1);
    lcmp__dsse_free(env);
}

static void test_dsse__signatures_capped_at_16(void **state)
{
    char text[2048];
    size_t used, i;

    (void)state;
    used = (size_t)snprintf(text,
                            sizeof(text),
                            "{\"payload\":\"\",\"payloadType\":\"a\","
                            "\"signatures\":[");
    for (i = 0; i < 17; i++) {
        used += (size_t)snprintf(text + used,
                                 sizeof(text) - used,
                                 "%s{\"sig\":\"AA==\"}",
                                 i > 0 ? "," : "");
    }
    snprintf(text + used, sizeof(text) - used, "]}");
    parse_fails(text, LCMP_ELIMIT, "/signatures/16", "more than 16");
}

static void test_dsse__bad_base64_refused(void **state)
{
    (void)state;
    /* the two alphabets mixed */
    parse_fails("{\"payload\":\"ab+_\",\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/payload",
                "not base64");
    parse_fails("{\"payload\":\"a\",\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/payload",
                "not base64");
    parse_fails("{\"payload\":\"\",\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"A A=\"}]}",
                LCMP_EPARSE,
                "/signatures/0/sig",
                "not base64");
    /* non-canonical: unused bits set */
    parse_fails("{\"payload\":\"AB==\",\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/payload",
                "not base64");
}

static void test_dsse__base64_both_alphabets(void **state)
{
    lcmp_buf out = LCMP_BUF_INIT;

    (void)state;
    assert_int_equal(lcmp__base64_decode_any(&out, "+/+/Pj8=", 8), 0);
    assert_memory_equal(out.ptr, "\xfb\xff\xbf\x3e\x3f", 5);
    assert_int_equal(lcmp__base64_decode_any(&out, "-_-_Pj8", 7), 0);
    assert_int_equal(out.size, 5);
    assert_memory_equal(out.ptr, "\xfb\xff\xbf\x3e\x3f", 5);
    assert_int_equal(lcmp__base64_decode_any(&out, "aGk", 3), 0);
    assert_string_equal(out.ptr, "hi");
    assert_int_equal(lcmp__base64_decode_any(&out, "aGk=x", 5), LCMP_EPARSE);
    assert_int_equal(lcmp__base64_decode_any(&out, "aG=", 3), LCMP_EPARSE);
    assert_int_equal(lcmp__base64_decode_any(&out, "", 0), 0);
    assert_int_equal(out.size, 0);
    lcmp_buf_dispose(&out);
}

/* Decode `text` both ways (in 16-character blocks where the CPU can, and
 * 4 characters at a time): the same code, and the same bytes. */
static int decode_both(lcmp_buf *out, const char *text, size_t n)
{
    lcmp_buf scalar = LCMP_BUF_INIT;
    int rc = lcmp__base64_decode_any(out, text, n);

    assert_int_equal(lcmp__base64_decode_scalar(&scalar, text, n), rc);
    if (rc == 0) {
        assert_int_equal(out->size, scalar.size);
        assert_memory_equal(out->ptr, scalar.ptr, scalar.size);
    }
    lcmp_buf_dispose(&scalar);
    return rc;
}

/* A character of either alphabet. */
static int is_base64_char(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '-' ||
           c == '_';
}

/* Every length up to 3 groups past a few lines, against OpenSSL's encoder,
 * in both alphabets, padded and not; and every byte that is not base64 at
 * every place of a group is refused. */
static void test_dsse__base64_matches_openssl(void **state)
{
    unsigned char raw[200], text[300];
    lcmp_buf out = LCMP_BUF_INIT;
    size_t len, i, n;
    int c, at;

    (void)state;
    for (i = 0; i < sizeof(raw); i++) {
        raw[i] = (unsigned char)(i * 151u + 7u);
    }
    for (len = 0; len <= sizeof(raw); len++) {
        n = (size_t)EVP_EncodeBlock(text, raw, (int)len);
        assert_int_equal(decode_both(&out, (const char *)text, n), 0);
        assert_int_equal(out.size, len);
        assert_memory_equal(out.ptr, raw, len);
        while (n > 0 && text[n - 1] == '=') {
            n--;
        }
        for (i = 0; i < n; i++) {
            text[i] = text[i] == '+' ? '-' : text[i] == '/' ? '_' : text[i];
        }
        assert_int_equal(decode_both(&out, (const char *)text, n), 0);
        assert_int_equal(out.size, len);
        assert_memory_equal(out.ptr, raw, len);
    }
    for (c = 0; c < 256; c++) {
        int ok = is_base64_char(c);
        for (at = 0; at < 8; at++) {
            char group[9] = "QUJDREVG"; /* "ABCDEF" */
            group[at] = (char)c;
            assert_int_equal(decode_both(&out, group, 8), ok ? 0 : LCMP_EPARSE);
        }
    }
    lcmp_buf_dispose(&out);
}

/* The block decoder hands a block to the scalar loop at the first
 * character it does not take: every byte value at every place of a
 * 64-character text decodes as it does 4 characters at a time (and is
 * refused when it is not base64), as does a text that mixes the two
 * alphabets at any two places, or ends with padding early. */
static void test_dsse__base64_blocks_match_scalar(void **state)
{
    unsigned char raw[48], text[72];
    lcmp_buf out = LCMP_BUF_INIT;
    size_t i, j, n;
    int c, ok;

    (void)state;
    for (i = 0; i < sizeof(raw); i++) {
        raw[i] = (unsigned char)(i * 29u + 101u);
    }
    n = (size_t)EVP_EncodeBlock(text, raw, (int)sizeof(raw));
    assert_int_equal(n, 64);
    assert_int_equal(decode_both(&out, (const char *)text, n), 0);
    assert_memory_equal(out.ptr, raw, sizeof(raw));
    for (c = 0; c < 256; c++) {
        ok = is_base64_char(c);
        for (i = 0; i < n; i++) {
            unsigned char keep = text[i];
            int mixed;
            text[i] = (unsigned char)c;
            /* a URL-safe character among standard ones is refused */
            mixed = (c == '-' || c == '_') && (memchr(text, '+', n) != NULL ||
                                               memchr(text, '/', n) != NULL);
            assert_int_equal(decode_both(&out, (const char *)text, n),
                             ok && !mixed ? 0 : LCMP_EPARSE);
            text[i] = keep;
        }
    }
    /* '+' at i and '-' at j: refused wherever they are */
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            unsigned char ki = text[i], kj = text[j];
            if (i == j) {
                continue;
            }
            text[i] = '+';
            text[j] = '-';
            assert_int_equal(decode_both(&out, (const char *)text, n),
                             LCMP_EPARSE);
            text[i] = '/';
            text[j] = '_';
            assert_int_equal(decode_both(&out, (const char *)text, n),
                             LCMP_EPARSE);
            text[i] = ki;
            text[j] = kj;
        }
    }
    /* each alphabet alone, all 64 characters, in blocks: what OpenSSL
     * decodes from the standard one */
    {
        const char *all[2] = {
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"};
        unsigned char want[48];
        assert_int_equal(
            EVP_DecodeBlock(want, (const unsigned char *)all[0], 64), 48);
        for (i = 0; i < 2; i++) {
            assert_int_equal(decode_both(&out, all[i], 64), 0);
            assert_int_equal(out.size, 48);
            assert_memory_equal(out.ptr, want, 48);
        }
    }
    /* padding anywhere but in the last two places is refused (there, it
     * depends on the bits left over: both ways agree) */
    for (i = 0; i < n; i++) {
        unsigned char keep = text[i];
        int rc;
        text[i] = '=';
        rc = decode_both(&out, (const char *)text, n);
        if (i < n - 2) {
            assert_int_equal(rc, LCMP_EPARSE);
        }
        text[i] = keep;
    }
    lcmp_buf_dispose(&out);
}

/* A payload is decoded from its JSON string: escaped characters (legal
 * JSON, if odd in base64) read the same as plain ones; a raw control
 * character or a quote ends or breaks it as JSON says. */
static void test_dsse__payload_json_escapes(void **state)
{
    lcmp__dsse *env;

    (void)state;
    env = parse_ok("{\"payload\":\"+\\/+\\u002fPj8=\",\"payloadType\":\"a\","
                   "\"signatures\":[{\"sig\":\"AA==\"}]}");
    assert_int_equal(env->payload_len, 5);
    assert_memory_equal(env->payload, "\xfb\xff\xbf\x3e\x3f", 5);
    assert_string_equal(env->payload_b64, "+/+/Pj8=");
    lcmp__dsse_free(env);
    env = parse_ok("{\"payload\":\"+/+/Pj8=\",\"payloadType\":\"a\","
                   "\"signatures\":[{\"sig\":\"AA==\"}]}");
    assert_int_equal(env->payload_len, 5);
    assert_memory_equal(env->payload, "\xfb\xff\xbf\x3e\x3f", 5);
    assert_string_equal(env->payload_b64, "+/+/Pj8=");
    lcmp__dsse_free(env);
    parse_fails("{\"payload\":\"aGk\\\"=\",\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/payload",
                "not base64");
    parse_fails("{\"payload\":\"aG\nk=\",\"payloadType\":\"a\","
                "\"signatures\":[{\"sig\":\"AA==\"}]}",
                LCMP_EPARSE,
                "/payload",
                "control character");
    parse_fails("{\"payload\":\"aGk",
                LCMP_EPARSE,
                "/payload",
                "unexpected end of input in a string");
}

static void test_dsse__payload_capped_at_16_mib(void **state)
{
    size_t n = (LCMP__DSSE_MAX_PAYLOAD + 3) / 3 * 4;
    const char head[] = "{\"payload\":\"";
    const char tail[] = "\",\"payloadType\":\"a\","
                        "\"signatures\":[{\"sig\":\"AA==\"}]}";
    size_t len = sizeof(head) - 1 + n + sizeof(tail) - 1;
    char *text = malloc(len + 1);

    (void)state;
    assert_non_null(text);
    memcpy(text, head, sizeof(head) - 1);
    memset(text + sizeof(head) - 1, 'A', n);
    memcpy(text + sizeof(head) - 1 + n, tail, sizeof(tail));
    parse_fails(text, LCMP_ELIMIT, "/payload", "larger than 16777216 bytes");
    free(text);
}

/*
 * Writing
 */

static void test_dsse__countersign_keeps_payload_and_signatures(void **state)
{
    /* URL-safe, unpadded payload and a foreign signature stay as found */
    char *text = envelope("-_-_Pj8", INTOTO, "theirs", SIG_URL_K1, NULL, NULL);
    lcmp_buf out = LCMP_BUF_INIT, again = LCMP_BUF_INIT;
    lcmp_key *key = NULL;
    lcmp__dsse *env;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_key_generate(&key, LCMP_KEY_ECDSA_P256, &err), 0);
    assert_int_equal(
        lcmp_countersign(&out, (const uint8_t *)text, strlen(text), key, &err),
        0);
    assert_non_null(strstr(out.ptr, "\"payload\":\"-_-_Pj8\""));
    assert_non_null(
        strstr(out.ptr, "\"keyid\":\"theirs\",\"sig\":\"" SIG_URL_K1 "\""));
    env = parse_ok(out.ptr);
    assert_int_equal(env->nsigs, 2);
    assert_string_equal(env->sigs[1].keyid, lcmp_key_fingerprint(key));
    lcmp__dsse_free(env);
    assert_int_equal(sig_verifies(out.ptr, 0, "ssh-ed25519", K1 + 12), 1);
    /* the same key twice is refused */
    assert_int_equal(
        lcmp_countersign(&again, (const uint8_t *)out.ptr, out.size, key, &err),
        LCMP_EINVALID);
    assert_non_null(strstr(err.message, "already signed by this key"));
    lcmp_buf_dispose(&out);
    lcmp_buf_dispose(&again);
    lcmp_key_free(key);
    free(text);
}

static void test_dsse__sign_writes_a_parsable_envelope(void **state)
{
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_key *key = NULL;
    lcmp__dsse *env;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_key_generate(&key, LCMP_KEY_ED25519, &err), 0);
    assert_int_equal(
        lcmp_envelope_sign(
            &out, (const uint8_t *)BODY, strlen(BODY), INTOTO, key, &err),
        0);
    assert_int_equal(out.ptr[out.size - 1], '\n');
    env = parse_ok(out.ptr);
    assert_string_equal(env->payload_b64, BODY_B64);
    assert_string_equal(env->payload_type, INTOTO);
    assert_int_equal(env->nsigs, 1);
    assert_int_equal(env->sigs[0].siglen, 64);
    assert_string_equal(env->sigs[0].keyid, lcmp_key_fingerprint(key));
    lcmp__dsse_free(env);
    lcmp_buf_dispose(&out);
    lcmp_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dsse__pae_official_vector),
        cmocka_unit_test(test_dsse__pae_lengths_in_decimal),
        cmocka_unit_test(test_dsse__pae_empty_body_keeps_its_space),
        cmocka_unit_test(test_dsse__pae_counts_bytes_not_characters),
        cmocka_unit_test(test_dsse__official_ecdsa_vector_raw_rs),
        cmocka_unit_test(test_dsse__official_ecdsa_vector_fails_when_altered),
        cmocka_unit_test(test_dsse__ecdsa_der_signature_accepted),
        cmocka_unit_test(test_dsse__ed25519_single_signature),
        cmocka_unit_test(test_dsse__url_safe_base64_accepted),
        cmocka_unit_test(test_dsse__swapped_payload_type_rejected),
        cmocka_unit_test(
            test_dsse__non_ascii_payload_type_signed_by_byte_length),
        cmocka_unit_test(test_dsse__empty_payload),
        cmocka_unit_test(test_dsse__empty_payload_type_rejected),
        cmocka_unit_test(test_dsse__two_keys_count_twice),
        cmocka_unit_test(test_dsse__one_key_twice_counts_once),
        cmocka_unit_test(test_dsse__keyid_only_filters),
        cmocka_unit_test(test_dsse__duplicate_keys_refused),
        cmocka_unit_test(test_dsse__required_members),
        cmocka_unit_test(test_dsse__unknown_members_ignored),
        cmocka_unit_test(test_dsse__signatures_capped_at_16),
        cmocka_unit_test(test_dsse__bad_base64_refused),
        cmocka_unit_test(test_dsse__base64_both_alphabets),
        cmocka_unit_test(test_dsse__base64_matches_openssl),
        cmocka_unit_test(test_dsse__base64_blocks_match_scalar),
        cmocka_unit_test(test_dsse__payload_json_escapes),
        cmocka_unit_test(test_dsse__payload_capped_at_16_mib),
        cmocka_unit_test(test_dsse__countersign_keeps_payload_and_signatures),
        cmocka_unit_test(test_dsse__sign_writes_a_parsable_envelope),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
