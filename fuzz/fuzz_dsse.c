/*
 * libFuzzer target for libcompliance/dsse.c and verify.c: parse the input
 * as a DSSE envelope and, when it parses, check the model's invariants,
 * rebuild its PAE, and run the whole verification against a fixed keyring
 * (RFC 8032 TEST 1 as a statement key) and a release lookup that knows one
 * release, so that every step's code runs on hostile input.
 *
 * Besides the sanitizers it checks the error contract: a failure returns
 * the code it stores and leaves no object; a verification names every
 * step with a reason. The input is also decoded as base64 in 16-character
 * blocks and 4 characters at a time, which must agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dsse.h"
#include "stmt.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char signers[] =
    "gem-kleinbeek namespaces=\"compliance-statement\" ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea\n";

static int one_release(lcmp_release_info *out,
                       lcmp_baseline **baseline_out,
                       const char *tag,
                       void *payload,
                       lcmp_error *err)
{
    (void)payload;
    (void)baseline_out;
    if (strcmp(tag, "v2026.1") != 0) {
        return lcmp__error_set(err, LCMP_ENOTFOUND, NULL, NULL, "unknown");
    }
    memset(out, 0, sizeof(*out));
    out->tag = "v2026.1";
    out->tag_id = "1111111111111111111111111111111111111111";
    out->commit_id = "2222222222222222222222222222222222222222";
    out->verified = true;
    return 0;
}

static void check_envelope(const lcmp__dsse *env)
{
    lcmp_buf pae = LCMP_BUF_INIT;
    size_t i;

    if (env->nsigs < 1 || env->nsigs > LCMP__DSSE_MAX_SIGNATURES ||
        env->payload == NULL || env->payload_len > LCMP__DSSE_MAX_PAYLOAD ||
        env->payload_type == NULL || env->payload_b64 == NULL)
    {
        abort();
    }
    for (i = 0; i < env->nsigs; i++) {
        if (env->sigs[i].sig == NULL || env->sigs[i].siglen == 0 ||
            env->sigs[i].keyid == NULL)
        {
            abort();
        }
    }
    if (lcmp__dsse_pae(&pae,
                       env->payload_type,
                       env->payload_type_len,
                       env->payload,
                       env->payload_len) != 0 ||
        pae.size < env->payload_len + env->payload_type_len + 10 ||
        memcmp(pae.ptr, "DSSEv1 ", 7) != 0)
    {
        abort();
    }
    lcmp_buf_dispose(&pae);
}

static void check_verification(const lcmp_verification *v)
{
    int s;

    for (s = 0; s < LCMP_VSTEP_COUNT; s++) {
        const lcmp_verify_step *step =
            lcmp_verification_step(v, (lcmp_vstep_t)s);
        if (step == NULL || step->reason == NULL || step->reason[0] == '\0') {
            abort();
        }
    }
    /* nothing unverified is ever shown as the statement */
    if (lcmp_verification_statement(v) != NULL &&
        lcmp_verification_step(v, LCMP_VSTEP_SIGNATURE)->status !=
            LCMP_VSTATUS_OK)
    {
        abort();
    }
}

/* The input as base64 text: decoded in 16-character blocks (where the CPU
 * can) and 4 characters at a time, with the same outcome and bytes. */
static void check_base64(const uint8_t *data, size_t size)
{
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT;
    int ra = lcmp__base64_decode_any(&a, (const char *)data, size);
    int rb = lcmp__base64_decode_scalar(&b, (const char *)data, size);

    if (ra != rb ||
        (ra == 0 && (a.size != b.size ||
                     (a.size > 0 && memcmp(a.ptr, b.ptr, a.size) != 0))))
    {
        abort();
    }
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp_verify_options opts = LCMP_VERIFY_OPTIONS_INIT;
    lcmp_verification *v = NULL;
    lcmp_keyring *kr = NULL;
    lcmp__dsse *env = NULL;
    lcmp_buf json = LCMP_BUF_INIT;
    lcmp_error err;
    int rc;

    check_base64(data, size);
    lcmp_error_clear(&err);
    rc = lcmp__dsse_parse(&env, data, size, "fuzz.json", &err);
    if ((rc == 0) != (env != NULL) ||
        (rc != 0 && (err.code != rc || err.message[0] == '\0')))
    {
        abort();
    }
    if (env != NULL) {
        check_envelope(env);
    }
    lcmp__dsse_free(env);

    if (lcmp_keyring_load(&kr,
                          (const uint8_t *)signers,
                          sizeof(signers) - 1,
                          "signers",
                          NULL,
                          0,
                          NULL,
                          &err) != 0)
    {
        abort();
    }
    opts.keyring = kr;
    opts.release = one_release;
    rc = lcmp_verify(&v, data, size, 1795770000, &opts, &err);
    if ((rc == 0) != (v != NULL)) {
        abort();
    }
    if (v != NULL) {
        check_verification(v);
        if (lcmp_verification_to_json(&json, v, &err) != 0) {
            abort();
        }
    }
    lcmp_buf_dispose(&json);
    lcmp_verification_free(v);
    lcmp_keyring_free(kr);
    return 0;
}
