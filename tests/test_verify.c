/*
 * Tests for libcompliance/verify.c: a statement made from a real
 * evaluation (sample baseline, example declaration) and keys generated
 * here, verified in the order of DESIGN.md §3.6; every refusal has its own
 * step and reason; countersigning, roles, the JSON form, and errors that
 * abort verification.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sshkey.h"
#include "stmt.h"
#include "util.h"

#define TAG_ID    "1111111111111111111111111111111111111111"
#define COMMIT_ID "2222222222222222222222222222222222222222"
#define ORG       "gem-kleinbeek"

/* What the fake cache knows. */
typedef struct cache {
    const char *tag;
    const char *tag_id;
    const char *commit_id;
    bool verified;
    int fail; /* a code to return instead */
    char dir[512];
} cache;

static int fake_release(lcmp_release_info *out,
                        lcmp_baseline **baseline_out,
                        const char *tag,
                        void *payload,
                        lcmp_error *err)
{
    cache *c = payload;

    if (c->fail != 0) {
        return lcmp__error_set(err, c->fail, "cache", NULL, "cache broken");
    }
    if (strcmp(tag, c->tag) != 0) {
        return lcmp__error_set(err,
                               LCMP_ENOTFOUND,
                               NULL,
                               NULL,
                               "release '%s' is not in the cache",
                               tag);
    }
    memset(out, 0, sizeof(*out));
    out->tag = c->tag;
    out->tag_id = c->tag_id;
    out->commit_id = c->commit_id;
    out->verified = c->verified;
    if (baseline_out != NULL) {
        return lcmp_baseline_load_dir(baseline_out, c->dir, NULL, err);
    }
    return 0;
}

typedef struct world {
    lcmp_key *org;     /* registered for ORG */
    lcmp_key *other;   /* registered for another organisation */
    lcmp_key *auditor; /* in the auditors file */
    lcmp_buf decl;     /* the declaration's bytes */
    lcmp_buf payload;  /* the statement */
    lcmp_buf envelope; /* signed by `org` */
    cache cache;
    char signers[4096];
    char auditors[2048];
} world;

static world w;

static void pub(char *out, size_t size, const lcmp_key *key)
{
    lcmp_buf b = LCMP_BUF_INIT;

    assert_int_equal(lcmp_key_public_openssh(&b, key, NULL), 0);
    snprintf(out, size, "%s", b.ptr);
    lcmp_buf_dispose(&b);
}

static int setup(void **state)
{
    const char *src = getenv("LCMP_SOURCE_DIR");
    lcmp_release_info ri = {"v2026.1", TAG_ID, COMMIT_ID, "", 0, 0, true, true};
    lcmp_baseline *b = NULL;
    lcmp_profile *p = NULL;
    lcmp_declaration *d = NULL;
    lcmp_result *r = NULL;
    char path[600], k1[256], k2[256], k3[256];
    lcmp_error err;
    int64_t at;

    (void)state;
    memset(&w, 0, sizeof(w));
    if (src == NULL) {
        src = "..";
    }
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_key_generate(&w.org, LCMP_KEY_ED25519, &err), 0);
    assert_int_equal(lcmp_key_generate(&w.other, LCMP_KEY_ED25519, &err), 0);
    assert_int_equal(lcmp_key_generate(&w.auditor, LCMP_KEY_ECDSA_P256, &err),
                     0);
    pub(k1, sizeof(k1), w.org);
    pub(k2, sizeof(k2), w.other);
    pub(k3, sizeof(k3), w.auditor);
    snprintf(w.signers,
             sizeof(w.signers),
             "# statement keys\n" ORG " namespaces=\"compliance-statement\" "
             "%s\ngem-elders namespaces=\"compliance-statement\" %s\n",
             k1,
             k2);
    snprintf(w.auditors,
             sizeof(w.auditors),
             "audit-bureau namespaces=\"compliance-statement\" %s\n",
             k3);

    w.cache.tag = "v2026.1";
    w.cache.tag_id = TAG_ID;
    w.cache.commit_id = COMMIT_ID;
    w.cache.verified = true;
    snprintf(w.cache.dir, sizeof(w.cache.dir), "%s/baselines/municipal", src);
    snprintf(path, sizeof(path), "%s/examples/small-municipality.json", src);

    assert_int_equal(lcmp__file_read(&w.decl, path, 1 << 24, &err), 0);
    assert_int_equal(lcmp_baseline_load_dir(&b, w.cache.dir, NULL, &err), 0);
    assert_int_equal(
        lcmp_declaration_load_buffer(
            &d, (const uint8_t *)w.decl.ptr, w.decl.size, path, NULL, &err),
        0);
    assert_int_equal(lcmp_profile_resolve(&p, b, "basic", &err), 0);
    assert_int_equal(lcmp_time_parse(&at, "2026-11-27T09:00:00Z", &err), 0);
    assert_int_equal(lcmp_evaluate(&r, p, d, at, NULL, &err), 0);
    assert_int_equal(lcmp_attest(&w.envelope,
                                 &w.payload,
                                 r,
                                 (const uint8_t *)w.decl.ptr,
                                 w.decl.size,
                                 &ri,
                                 w.org,
                                 NULL,
                                 &err),
                     0);
    lcmp_result_free(r);
    lcmp_profile_free(p);
    lcmp_declaration_free(d);
    lcmp_baseline_free(b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    lcmp_key_free(w.org);
    lcmp_key_free(w.other);
    lcmp_key_free(w.auditor);
    lcmp_buf_dispose(&w.decl);
    lcmp_buf_dispose(&w.payload);
    lcmp_buf_dispose(&w.envelope);
    return 0;
}

/* Verify `env` at `at` with the world's trust (`signers` may replace the
 * statement signers); with the declaration when `decl`. */
static lcmp_verification *verify_with(const char *env,
                                      const char *signers,
                                      bool decl,
                                      const char *at,
                                      uint32_t flags)
{
    lcmp_verify_options opts = LCMP_VERIFY_OPTIONS_INIT;
    lcmp_verification *v = NULL;
    lcmp_keyring *kr = NULL;
    lcmp_error err;
    int64_t t;

    if (signers == NULL) {
        signers = w.signers;
    }
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_keyring_load(&kr,
                                       (const uint8_t *)signers,
                                       strlen(signers),
                                       "statement_signers",
                                       (const uint8_t *)w.auditors,
                                       strlen(w.auditors),
                                       "auditors",
                                       &err),
                     0);
    assert_int_equal(lcmp_time_parse(&t, at, &err), 0);
    opts.flags = flags;
    opts.keyring = kr;
    opts.release = fake_release;
    opts.release_payload = &w.cache;
    if (decl) {
        opts.declaration = (const uint8_t *)w.decl.ptr;
        opts.declaration_len = w.decl.size;
        opts.declaration_source = "decl.json";
    }
    assert_int_equal(
        lcmp_verify(&v, (const uint8_t *)env, strlen(env), t, &opts, &err), 0);
    assert_non_null(v);
    /* the report's terse verification: the same outcome, step by step,
     * and the same reasons for every step that does not pass */
    {
        lcmp_verification *q = NULL;
        size_t i;
        assert_int_equal(
            lcmp__verify_terse(
                &q, (const uint8_t *)env, strlen(env), t, &opts, &err),
            0);
        assert_int_equal(lcmp_verification_valid(q),
                         lcmp_verification_valid(v));
        for (i = 0; i < LCMP_VSTEP_COUNT; i++) {
            const lcmp_verify_step *a = lcmp_verification_step(v, i);
            const lcmp_verify_step *b = lcmp_verification_step(q, i);
            assert_int_equal(a->status, b->status);
            if (a->status == LCMP_VSTATUS_OK) {
                /* fixed texts cost nothing and stay */
                assert_true(strcmp(b->reason, "ok") == 0 ||
                            strcmp(b->reason, a->reason) == 0);
            } else {
                assert_string_equal(a->reason, b->reason);
            }
        }
        assert_int_equal(lcmp_verification_signature_count(v),
                         lcmp_verification_signature_count(q));
        for (i = 0; i < lcmp_verification_signature_count(v); i++) {
            const lcmp_verify_signature *a = lcmp_verification_signature(v, i);
            const lcmp_verify_signature *b = lcmp_verification_signature(q, i);
            assert_int_equal(a->verified, b->verified);
            assert_int_equal(a->role, b->role);
        }
        lcmp_verification_free(q);
    }
    lcmp_keyring_free(kr);
    return v;
}

static lcmp_verification *verify(const char *env, bool decl)
{
    return verify_with(env, NULL, decl, "2026-12-01", 0);
}

static void expect(const lcmp_verification *v,
                   lcmp_vstep_t s,
                   lcmp_vstatus_t status,
                   const char *reason_part)
{
    const lcmp_verify_step *step = lcmp_verification_step(v, s);

    if (step->status != status ||
        (reason_part != NULL && strstr(step->reason, reason_part) == NULL))
    {
        fail_msg("step %s: status %d, reason '%s'; expected %d with '%s'",
                 step->name,
                 (int)step->status,
                 step->reason,
                 (int)status,
                 reason_part != NULL ? reason_part : "");
    }
}

/* The world's payload changed by `edit` and signed by `key`. */
static char *resign(const char *payload, const lcmp_key *key)
{
    lcmp_buf env = LCMP_BUF_INIT;
    lcmp_error err;
    char *copy;

    assert_int_equal(lcmp_envelope_sign(&env,
                                        (const uint8_t *)payload,
                                        strlen(payload),
                                        LCMP_STATEMENT_PAYLOAD_TYPE,
                                        key,
                                        &err),
                     0);
    copy = strdup(env.ptr);
    lcmp_buf_dispose(&env);
    return copy;
}

/* The payload with the first occurrence of `from` replaced by `to`. */
static char *edit(const char *from, const char *to)
{
    const char *at = strstr(w.payload.ptr, from);
    size_t head, len = w.payload.size - strlen(from) + strlen(to);
    char *out = malloc(len + 1);

    assert_non_null(at);
    assert_non_null(out);
    head = (size_t)(at - w.payload.ptr);
    memcpy(out, w.payload.ptr, head);
    memcpy(out + head, to, strlen(to));
    memcpy(out + head + strlen(to),
           at + strlen(from),
           strlen(at + strlen(from)) + 1);
    return out;
}

static void test_verify__valid_statement_passes_every_step(void **state)
{
    lcmp_verification *v = verify(w.envelope.ptr, true);
    const lcmp_statement_info *in;
    const lcmp_verify_signature *s;

    (void)state;
    expect(v, LCMP_VSTEP_ENVELOPE, LCMP_VSTATUS_OK, "1 signature");
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_OK, "1 of 1");
    expect(v, LCMP_VSTEP_PAYLOAD_TYPE, LCMP_VSTATUS_OK, NULL);
    expect(v, LCMP_VSTEP_PAYLOAD, LCMP_VSTATUS_OK, NULL);
    expect(v, LCMP_VSTEP_STATEMENT, LCMP_VSTATUS_OK, NULL);
    expect(v, LCMP_VSTEP_SIGNER, LCMP_VSTATUS_OK, "signed by '" ORG "'");
    expect(v, LCMP_VSTEP_AUDITOR, LCMP_VSTATUS_SKIPPED, "not required");
    expect(v, LCMP_VSTEP_RELEASE, LCMP_VSTATUS_OK, "v2026.1");
    expect(v, LCMP_VSTEP_DECLARATION, LCMP_VSTATUS_OK, NULL);
    expect(v,
           LCMP_VSTEP_EVALUATION,
           LCMP_VSTATUS_OK,
           "gives the signed results (34 controls, score 21%)");
    expect(v,
           LCMP_VSTEP_FRESHNESS,
           LCMP_VSTATUS_OK,
           "valid until 2027-11-27T09:00:00Z");
    assert_true(lcmp_verification_valid(v));
    in = lcmp_verification_statement(v);
    assert_non_null(in);
    assert_string_equal(in->organisation_id, ORG);
    assert_string_equal(in->release, "v2026.1");
    s = lcmp_verification_signature(v, 0);
    assert_int_equal(s->role, LCMP_ROLE_ORGANISATION);
    assert_string_equal(s->principal, ORG);
    assert_string_equal(s->fingerprint, lcmp_key_fingerprint(w.org));
    assert_string_equal(s->keyid, lcmp_key_fingerprint(w.org));
    lcmp_verification_free(v);
}

static void test_verify__without_declaration_skips_its_steps(void **state)
{
    lcmp_verification *v = verify(w.envelope.ptr, false);

    (void)state;
    expect(v,
           LCMP_VSTEP_DECLARATION,
           LCMP_VSTATUS_SKIPPED,
           "no declaration given");
    expect(v, LCMP_VSTEP_EVALUATION, LCMP_VSTATUS_SKIPPED, NULL);
    assert_true(lcmp_verification_valid(v));
    lcmp_verification_free(v);
}

static void test_verify__flipped_payload_byte(void **state)
{
    lcmp_buf b64 = LCMP_BUF_INIT, bytes = LCMP_BUF_INIT;
    char *env = strdup(w.envelope.ptr), *p, *q;
    lcmp_verification *v;

    (void)state;
    /* decode the payload, flip one bit, encode it back in place */
    p = strstr(env, "\"payload\":\"") + 11;
    q = strchr(p, '"');
    assert_int_equal(lcmp__base64_decode(&bytes, p, (size_t)(q - p)), 0);
    bytes.ptr[100] ^= 0x01;
    assert_int_equal(
        lcmp__base64_encode(&b64, (const uint8_t *)bytes.ptr, bytes.size), 0);
    assert_int_equal(b64.size, (size_t)(q - p));
    memcpy(p, b64.ptr, b64.size);
    v = verify(env, true);
    expect(v,
           LCMP_VSTEP_SIGNATURE,
           LCMP_VSTATUS_FAILED,
           "none of the 1 signatures verifies with a trusted key");
    expect(v, LCMP_VSTEP_PAYLOAD, LCMP_VSTATUS_SKIPPED, NULL);
    assert_null(lcmp_verification_statement(v));
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);
    lcmp_buf_dispose(&b64);
    lcmp_buf_dispose(&bytes);
    free(env);
}

static void test_verify__changed_payload_type(void **state)
{
    char *env = strdup(w.envelope.ptr), *p;
    lcmp_verification *v;

    (void)state;
    p = strstr(env, "application/vnd.in-toto+json");
    assert_non_null(p);
    memcpy(p, "application/vnd.in-toto+jsox", 28);
    v = verify(env, false);
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_FAILED, NULL);
    lcmp_verification_free(v);
    free(env);
}

static void test_verify__key_of_another_organisation(void **state)
{
    char *env = resign(w.payload.ptr, w.other);
    lcmp_verification *v = verify(env, true);

    (void)state;
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_OK, NULL);
    expect(v,
           LCMP_VSTEP_SIGNER,
           LCMP_VSTATUS_FAILED,
           "is not registered for principal '" ORG "'");
    /* the other steps still report */
    expect(v, LCMP_VSTEP_EVALUATION, LCMP_VSTATUS_OK, NULL);
    assert_int_equal(lcmp_verification_signature(v, 0)->role, LCMP_ROLE_NONE);
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);
    free(env);
}

/* A keyring of many keys, the organisation's registered twice (for
 * another principal first): each signature finds its key by keyid and
 * the organisation's entry among that key's; another organisation's key,
 * found the same way, is not the organisation's; a keyid no key has
 * finds nothing. */
static void test_verify__many_keys_found_by_keyid(void **state)
{
    enum { N = 40 };
    lcmp_key *keys[N];
    lcmp_buf signers = LCMP_BUF_INIT;
    lcmp_verification *v;
    lcmp_error err;
    char k[256], *env, *fp;
    size_t i;

    (void)state;
    lcmp_error_clear(&err);
    for (i = 0; i < N; i++) {
        assert_int_equal(lcmp_key_generate(&keys[i], LCMP_KEY_ED25519, &err),
                         0);
        pub(k, sizeof(k), keys[i]);
        assert_int_equal(
            lcmp__buf_printf(&signers,
                             "gem-%02zu namespaces=\"compliance-statement\" "
                             "%s\n",
                             i,
                             k),
            0);
        if (i == 5 || i == 30) {
            pub(k, sizeof(k), w.org);
            assert_int_equal(
                lcmp__buf_printf(&signers,
                                 "%s namespaces=\"compliance-statement\" %s\n",
                                 i == 5 ? "gem-twin" : ORG,
                                 k),
                0);
        }
    }
    v = verify_with(w.envelope.ptr, signers.ptr, true, "2026-12-01", 0);
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_OK, NULL);
    expect(v, LCMP_VSTEP_SIGNER, LCMP_VSTATUS_OK, "signed by '" ORG "'");
    assert_true(lcmp_verification_valid(v));
    lcmp_verification_free(v);

    env = resign(w.payload.ptr, keys[17]);
    v = verify_with(env, signers.ptr, true, "2026-12-01", 0);
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_OK, NULL);
    expect(v,
           LCMP_VSTEP_SIGNER,
           LCMP_VSTATUS_FAILED,
           "is not registered for principal '" ORG "'");
    lcmp_verification_free(v);

    /* the same envelope with a keyid that is no key's */
    fp = strstr(env, "\"keyid\":\"SHA256:");
    assert_non_null(fp);
    fp += strlen("\"keyid\":\"SHA256:");
    fp[0] = fp[0] == 'A' ? 'B' : 'A';
    v = verify_with(env, signers.ptr, true, "2026-12-01", 0);
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_FAILED, NULL);
    assert_string_equal(lcmp_verification_signature(v, 0)->reason,
                        "no trusted key with this keyid verifies it");
    lcmp_verification_free(v);
    free(env);
    for (i = 0; i < N; i++) {
        lcmp_key_free(keys[i]);
    }
    lcmp_buf_dispose(&signers);
}

static void test_verify__key_outside_its_validity(void **state)
{
    char signers[4096], k1[256];
    lcmp_verification *v;

    (void)state;
    pub(k1, sizeof(k1), w.org);
    /* retired before the statement was made */
    snprintf(signers,
             sizeof(signers),
             ORG " namespaces=\"compliance-statement\",valid-before="
                 "\"20260101\" %s\n",
             k1);
    v = verify_with(w.envelope.ptr, signers, false, "2026-12-01", 0);
    expect(v, LCMP_VSTEP_SIGNER, LCMP_VSTATUS_FAILED, "valid");
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);
    /* retired after it: still vouches for this statement */
    snprintf(signers,
             sizeof(signers),
             ORG " namespaces=\"compliance-statement\",valid-before="
                 "\"20261231\" %s\n",
             k1);
    v = verify_with(w.envelope.ptr, signers, false, "2027-03-01", 0);
    expect(v, LCMP_VSTEP_SIGNER, LCMP_VSTATUS_OK, NULL);
    assert_true(lcmp_verification_valid(v));
    lcmp_verification_free(v);
}

static void test_verify__key_for_another_namespace(void **state)
{
    char signers[4096], k1[256];
    lcmp_verification *v;

    (void)state;
    pub(k1, sizeof(k1), w.org);
    snprintf(signers, sizeof(signers), ORG " namespaces=\"git\" %s\n", k1);
    v = verify_with(w.envelope.ptr, signers, false, "2026-12-01", 0);
    expect(v, LCMP_VSTEP_SIGNER, LCMP_VSTATUS_FAILED, "namespace");
    lcmp_verification_free(v);
    /* a key removed from the signers does not verify at all */
    v = verify_with(w.envelope.ptr, "# revoked\n", false, "2026-12-01", 0);
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_FAILED, NULL);
    lcmp_verification_free(v);
}

static void test_verify__unknown_release(void **state)
{
    lcmp_verification *v;

    (void)state;
    w.cache.tag = "v2025.9";
    v = verify(w.envelope.ptr, true);
    w.cache.tag = "v2026.1";
    expect(v,
           LCMP_VSTEP_RELEASE,
           LCMP_VSTATUS_FAILED,
           "release 'v2026.1' is not in the cache");
    expect(v,
           LCMP_VSTEP_EVALUATION,
           LCMP_VSTATUS_SKIPPED,
           "the release step failed");
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);
}

static void test_verify__release_that_moved_or_is_unverified(void **state)
{
    lcmp_verification *v;

    (void)state;
    w.cache.tag_id = "4444444444444444444444444444444444444444";
    v = verify(w.envelope.ptr, false);
    w.cache.tag_id = TAG_ID;
    expect(v,
           LCMP_VSTEP_RELEASE,
           LCMP_VSTATUS_FAILED,
           "is tag object 4444444444444444444444444444444444444444 in the "
           "cache");
    lcmp_verification_free(v);
    w.cache.commit_id = "5555555555555555555555555555555555555555";
    v = verify(w.envelope.ptr, false);
    w.cache.commit_id = COMMIT_ID;
    expect(v, LCMP_VSTEP_RELEASE, LCMP_VSTATUS_FAILED, "is commit 5555");
    lcmp_verification_free(v);
    w.cache.verified = false;
    v = verify(w.envelope.ptr, false);
    w.cache.verified = true;
    expect(v, LCMP_VSTEP_RELEASE, LCMP_VSTATUS_FAILED, "not verified");
    lcmp_verification_free(v);
}

static void test_verify__declaration_digest_mismatch(void **state)
{
    lcmp_verification *v;

    (void)state;
    w.decl.ptr[w.decl.size - 1] = ' '; /* the final newline */
    v = verify(w.envelope.ptr, true);
    w.decl.ptr[w.decl.size - 1] = '\n';
    expect(v,
           LCMP_VSTEP_DECLARATION,
           LCMP_VSTATUS_FAILED,
           "the declaration's sha256 is ");
    expect(v,
           LCMP_VSTEP_EVALUATION,
           LCMP_VSTATUS_SKIPPED,
           "the declaration step failed");
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);
}

/* A valid key signs results the declaration does not give. */
static void test_verify__edited_results_resigned(void **state)
{
    char *payload = edit("\"control\":\"GOV-04\",\"family\":\"governance\","
                         "\"reasons\":[\"status_not_implemented\"],"
                         "\"state\":\"non_compliant\"",
                         "\"control\":\"GOV-04\",\"family\":\"governance\","
                         "\"state\":\"compliant\"");
    char *env = resign(payload, w.org);
    lcmp_verification *v = verify(env, true);

    (void)state;
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_OK, NULL);
    expect(v, LCMP_VSTEP_SIGNER, LCMP_VSTATUS_OK, NULL);
    expect(v, LCMP_VSTEP_DECLARATION, LCMP_VSTATUS_OK, NULL);
    expect(v,
           LCMP_VSTEP_EVALUATION,
           LCMP_VSTATUS_FAILED,
           "control GOV-04 is 'compliant' in the statement, 'non_compliant' "
           "on re-evaluation");
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);
    /* without the declaration nobody can tell */
    v = verify(env, false);
    assert_true(lcmp_verification_valid(v));
    lcmp_verification_free(v);
    free(env);
    free(payload);
}

static void test_verify__edited_summary_resigned(void **state)
{
    char *payload = edit("\"score\":21", "\"score\":91");
    char *env = resign(payload, w.org);
    lcmp_verification *v = verify(env, true);

    (void)state;
    expect(v,
           LCMP_VSTEP_EVALUATION,
           LCMP_VSTATUS_FAILED,
           "summary (score 91) differs from re-evaluation (score 21)");
    lcmp_verification_free(v);
    free(env);
    free(payload);
}

static void test_verify__expired_statement(void **state)
{
    lcmp_verification *v;

    (void)state;
    v = verify_with(w.envelope.ptr, NULL, true, "2027-11-27T09:00:00Z", 0);
    expect(v, LCMP_VSTEP_FRESHNESS, LCMP_VSTATUS_OK, NULL);
    lcmp_verification_free(v);
    v = verify_with(w.envelope.ptr, NULL, true, "2027-11-27T09:00:01Z", 0);
    expect(v,
           LCMP_VSTEP_FRESHNESS,
           LCMP_VSTATUS_FAILED,
           "expired: valid until 2027-11-27T09:00:00Z, verified at "
           "2027-11-27T09:00:01Z");
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);
}

static void test_verify__duplicate_keys_in_signed_payload(void **state)
{
    char *payload = edit("{\"_type\"", "{\"predicateType\":\"x\",\"_type\"");
    char *env = resign(payload, w.org);
    lcmp_verification *v = verify(env, true);

    (void)state;
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_OK, NULL);
    expect(v, LCMP_VSTEP_PAYLOAD, LCMP_VSTATUS_FAILED, "duplicate");
    expect(v, LCMP_VSTEP_STATEMENT, LCMP_VSTATUS_SKIPPED, NULL);
    assert_null(lcmp_verification_statement(v));
    lcmp_verification_free(v);
    free(env);
    free(payload);
}

static void test_verify__countersigned_by_an_auditor(void **state)
{
    lcmp_buf two = LCMP_BUF_INIT;
    lcmp_verification *v;
    const lcmp_verify_signature *s;
    lcmp_error err;

    (void)state;
    v = verify_with(w.envelope.ptr,
                    NULL,
                    true,
                    "2026-12-01",
                    LCMP_VERIFY_F_REQUIRE_AUDITOR);
    expect(v,
           LCMP_VSTEP_AUDITOR,
           LCMP_VSTATUS_FAILED,
           "no signature by a registered auditor, and one is required");
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);

    assert_int_equal(lcmp_countersign(&two,
                                      (const uint8_t *)w.envelope.ptr,
                                      w.envelope.size,
                                      w.auditor,
                                      &err),
                     0);
    v = verify_with(
        two.ptr, NULL, true, "2026-12-01", LCMP_VERIFY_F_REQUIRE_AUDITOR);
    expect(v, LCMP_VSTEP_SIGNATURE, LCMP_VSTATUS_OK, "2 of 2");
    expect(v, LCMP_VSTEP_SIGNER, LCMP_VSTATUS_OK, NULL);
    expect(v,
           LCMP_VSTEP_AUDITOR,
           LCMP_VSTATUS_OK,
           "countersigned by auditor 'audit-bureau'");
    assert_true(lcmp_verification_valid(v));
    s = lcmp_verification_signature(v, 1);
    assert_int_equal(s->role, LCMP_ROLE_AUDITOR);
    assert_string_equal(s->principal, "audit-bureau");
    assert_string_equal(s->fingerprint, lcmp_key_fingerprint(w.auditor));
    lcmp_verification_free(v);
    lcmp_buf_dispose(&two);
}

static void test_verify__auditor_alone_is_not_the_organisation(void **state)
{
    char *env = resign(w.payload.ptr, w.auditor);
    lcmp_verification *v = verify(env, false);

    (void)state;
    expect(v,
           LCMP_VSTEP_SIGNER,
           LCMP_VSTATUS_FAILED,
           "no signature by a key registered for organisation '" ORG "'");
    expect(v, LCMP_VSTEP_AUDITOR, LCMP_VSTATUS_OK, NULL);
    assert_false(lcmp_verification_valid(v));
    lcmp_verification_free(v);
    free(env);
}

static void test_verify__json_form(void **state)
{
    lcmp_verification *v = verify(w.envelope.ptr, true);
    lcmp_buf out = LCMP_BUF_INIT;
    json_t *doc, *steps;
    lcmp_error err;

    (void)state;
    assert_int_equal(lcmp_verification_to_json(&out, v, &err), 0);
    doc = json_loads(out.ptr, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "schema")),
                        "lcmp.verification/v1");
    assert_true(json_is_true(json_object_get(doc, "valid")));
    steps = json_object_get(doc, "steps");
    assert_int_equal(json_array_size(steps), LCMP_VSTEP_COUNT);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(steps, 9), "step")),
        "evaluation");
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(steps, 9), "status")),
        "ok");
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(doc, "signatures"), 0), "role")),
        "organisation");
    assert_string_equal(
        json_string_value(json_object_get(
            json_object_get(json_object_get(doc, "statement"), "organisation"),
            "id")),
        ORG);
    json_decref(doc);
    lcmp_buf_dispose(&out);
    lcmp_verification_free(v);
}

static void test_verify__errors_abort(void **state)
{
    lcmp_verify_options opts = LCMP_VERIFY_OPTIONS_INIT;
    lcmp_verification *v = NULL;
    lcmp_keyring *kr = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_keyring_load(&kr,
                                       (const uint8_t *)w.signers,
                                       strlen(w.signers),
                                       "s",
                                       NULL,
                                       0,
                                       NULL,
                                       &err),
                     0);
    /* no keyring, no release lookup */
    assert_int_equal(lcmp_verify(&v,
                                 (const uint8_t *)w.envelope.ptr,
                                 w.envelope.size,
                                 0,
                                 &opts,
                                 &err),
                     LCMP_EINVALID);
    opts.keyring = kr;
    opts.release = fake_release;
    opts.release_payload = &w.cache;
    /* a malformed envelope is an error, not a verification */
    assert_int_equal(
        lcmp_verify(&v, (const uint8_t *)"{\"payload\":1}", 13, 0, &opts, &err),
        LCMP_EPARSE);
    assert_null(v);
    /* the cache failing is an error too */
    w.cache.fail = LCMP_EIO;
    assert_int_equal(lcmp_verify(&v,
                                 (const uint8_t *)w.envelope.ptr,
                                 w.envelope.size,
                                 0,
                                 &opts,
                                 &err),
                     LCMP_EIO);
    w.cache.fail = 0;
    assert_null(v);
    assert_string_equal(err.message, "cache broken");
    lcmp_keyring_free(kr);
}

static void test_verify__keyring_refuses_a_malformed_file(void **state)
{
    static const char bad[] = "gem-x cert-authority ssh-ed25519 AAAA\n";
    lcmp_keyring *kr = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_keyring_load(&kr,
                                       (const uint8_t *)bad,
                                       sizeof(bad) - 1,
                                       "statement_signers",
                                       NULL,
                                       0,
                                       NULL,
                                       &err),
                     LCMP_EPARSE);
    assert_null(kr);
    assert_string_equal(err.source, "statement_signers");
    assert_int_equal(lcmp_keyring_load(&kr,
                                       (const uint8_t *)w.signers,
                                       strlen(w.signers),
                                       "s",
                                       (const uint8_t *)bad,
                                       sizeof(bad) - 1,
                                       "auditors",
                                       &err),
                     LCMP_EPARSE);
    assert_string_equal(err.source, "auditors");
    assert_null(kr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify__valid_statement_passes_every_step),
        cmocka_unit_test(test_verify__without_declaration_skips_its_steps),
        cmocka_unit_test(test_verify__flipped_payload_byte),
        cmocka_unit_test(test_verify__changed_payload_type),
        cmocka_unit_test(test_verify__key_of_another_organisation),
        cmocka_unit_test(test_verify__many_keys_found_by_keyid),
        cmocka_unit_test(test_verify__key_outside_its_validity),
        cmocka_unit_test(test_verify__key_for_another_namespace),
        cmocka_unit_test(test_verify__unknown_release),
        cmocka_unit_test(test_verify__release_that_moved_or_is_unverified),
        cmocka_unit_test(test_verify__declaration_digest_mismatch),
        cmocka_unit_test(test_verify__edited_results_resigned),
        cmocka_unit_test(test_verify__edited_summary_resigned),
        cmocka_unit_test(test_verify__expired_statement),
        cmocka_unit_test(test_verify__duplicate_keys_in_signed_payload),
        cmocka_unit_test(test_verify__countersigned_by_an_auditor),
        cmocka_unit_test(test_verify__auditor_alone_is_not_the_organisation),
        cmocka_unit_test(test_verify__json_form),
        cmocka_unit_test(test_verify__errors_abort),
        cmocka_unit_test(test_verify__keyring_refuses_a_malformed_file),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
