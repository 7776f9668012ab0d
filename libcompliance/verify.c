/*
 * Verifying compliance statements (DESIGN.md §3.6), and the keyring of
 * trusted statement and auditor keys.
 *
 * Order, failing closed: the envelope parses strictly (else an error, not
 * a verification); a signature verifies with a trusted key (the keyid only
 * filters which keys are tried); payloadType; the verified bytes parse
 * strictly; `_type`, predicateType and the schema. Until these pass
 * nothing in the payload is looked at, and if one fails the rest is
 * skipped. Then each policy step runs and reports on its own: the signer's
 * key is registered for the statement's organisation (namespace
 * "compliance-statement", at `evaluated_at`); an auditor countersigned
 * (reported; required with LCMP_VERIFY_F_REQUIRE_AUDITOR); the release is
 * a verified release with the same tag and commit ids; with a declaration,
 * its sha256 matches and re-evaluating it gives exactly the signed
 * results; the statement is not past `valid_until`. The statement is valid
 * when no step failed. Nothing can switch a step off.
 *
 * Invariants: the payload that is parsed is the very buffer whose PAE was
 * verified (never re-read from the envelope); a key vouches for a
 * signature only through lcmp__signers_find() on the loaded
 * allowed_signers, and the keys tried are that file's own parsed keys
 * (lcmp__signers_key()); every reason is one line of valid UTF-8.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "dsse.h"
#include "keys.h"
#include "sshsig.h"
#include "stmt.h"
#include "util.h"

#define REASON_MAX 256

/*
 * Keyring
 */

typedef struct ring_key {
    const lcmp__sshkey *key; /* borrowed from the key set's signers */
    char fp[64];
} ring_key;

typedef struct key_set {
    lcmp_signers *signers;
    ring_key *keys; /* the keys of `signers` that can sign statements,
                       ordered by fingerprint for lookups by keyid */
    size_t nkeys;
} key_set;

struct lcmp_keyring {
    key_set signers;
    key_set auditors;
};

static void key_set_dispose(key_set *ks)
{
    free(ks->keys);
    lcmp_signers_free(ks->signers);
    memset(ks, 0, sizeof(*ks));
}

void lcmp_keyring_free(lcmp_keyring *keyring)
{
    if (keyring == NULL) {
        return;
    }
    key_set_dispose(&keyring->signers);
    key_set_dispose(&keyring->auditors);
    free(keyring);
}

static int cmp_ring_key(const void *a, const void *b)
{
    return strcmp(((const ring_key *)a)->fp, ((const ring_key *)b)->fp);
}

/* The statement-capable keys (Ed25519, ECDSA P-256) of an allowed_signers
 * text, one per entry, borrowed from the loaded signers. */
static int key_set_load(key_set *ks,
                        const uint8_t *text,
                        size_t len,
                        const char *source,
                        lcmp_error *err)
{
    size_t i, n;
    int rc;

    rc = lcmp_signers_load_buffer(&ks->signers, text, len, source, err);
    if (rc < 0) {
        return rc;
    }
    n = lcmp_signers_count(ks->signers);
    if (n == 0) {
        return 0;
    }
    ks->keys = calloc(n, sizeof(*ks->keys));
    if (ks->keys == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
    }
    for (i = 0; i < n; i++) {
        const lcmp__sshkey *key = lcmp__signers_key(ks->signers, i);

        if (key == NULL || (key->type != LCMP__SSHKEY_ED25519 &&
                            key->type != LCMP__SSHKEY_ECDSA_P256))
        {
            continue;
        }
        ks->keys[ks->nkeys].key = key;
        lcmp__sshkey_fingerprint(ks->keys[ks->nkeys].fp, key);
        ks->nkeys++;
    }
    qsort(ks->keys, ks->nkeys, sizeof(*ks->keys), cmp_ring_key);
    return 0;
}

int lcmp_keyring_load(lcmp_keyring **out,
                      const uint8_t *signers,
                      size_t signers_len,
                      const char *signers_source,
                      const uint8_t *auditors,
                      size_t auditors_len,
                      const char *auditors_source,
                      lcmp_error *err)
{
    lcmp_keyring *kr;
    int rc;

    if (out == NULL || signers == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "a keyring needs the statement signers");
    }
    *out = NULL;
    kr = calloc(1, sizeof(*kr));
    if (kr == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    rc = key_set_load(&kr->signers, signers, signers_len, signers_source, err);
    if (rc == 0 && auditors != NULL) {
        rc = key_set_load(
            &kr->auditors, auditors, auditors_len, auditors_source, err);
    }
    if (rc < 0) {
        lcmp_keyring_free(kr);
        return rc;
    }
    *out = kr;
    return 0;
}

/*
 * The verification object
 */

static const char *const step_names[LCMP_VSTEP_COUNT] = {"envelope",
                                                         "signature",
                                                         "payload_type",
                                                         "payload",
                                                         "statement",
                                                         "signer",
                                                         "auditor",
                                                         "release",
                                                         "declaration",
                                                         "evaluation",
                                                         "freshness"};

struct lcmp_verification {
    lcmp_verify_step steps[LCMP_VSTEP_COUNT];
    lcmp_verify_signature sigs[LCMP__DSSE_MAX_SIGNATURES];
    const lcmp__sshkey *sig_keys[LCMP__DSSE_MAX_SIGNATURES];
    size_t nsigs;
    lcmp__statement *st;
    bool terse; /* steps that pass say "ok" (lcmp__verify_terse()) */
    /* Text buffers, from here on not zeroed: each is written before a
     * step or signature points to it. */
    char reasons[LCMP_VSTEP_COUNT][REASON_MAX];
    char keyids[LCMP__DSSE_MAX_SIGNATURES][LCMP__DSSE_MAX_KEYID + 1];
    char fps[LCMP__DSSE_MAX_SIGNATURES][64];
    char principals[LCMP__DSSE_MAX_SIGNATURES][REASON_MAX];
    char sig_reasons[LCMP__DSSE_MAX_SIGNATURES][REASON_MAX];
};

const lcmp__statement *lcmp__verification_parsed(const lcmp_verification *v)
{
    return v != NULL ? v->st : NULL;
}

/* Format one line of valid UTF-8 into `out` (through lcmp_error, which
 * scrubs control characters and cuts on a character boundary). */
static void vformat(char out[REASON_MAX], const char *fmt, va_list ap)
    LCMP__PRINTF(2, 0);

static void vformat(char out[REASON_MAX], const char *fmt, va_list ap)
{
    lcmp__vformat_text(out, REASON_MAX, fmt, ap);
}

static void format(char out[REASON_MAX], const char *fmt, ...)
    LCMP__PRINTF(2, 3);

static void format(char out[REASON_MAX], const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vformat(out, fmt, ap);
    va_end(ap);
}

static void set_step(lcmp_verification *v,
                     lcmp_vstep_t s,
                     lcmp_vstatus_t status,
                     const char *fmt,
                     ...) LCMP__PRINTF(4, 5);

static void set_step(lcmp_verification *v,
                     lcmp_vstep_t s,
                     lcmp_vstatus_t status,
                     const char *fmt,
                     ...)
{
    va_list ap;

    v->steps[s].status = status;
    if (v->terse && status == LCMP_VSTATUS_OK) {
        v->steps[s].reason = "ok";
        return;
    }
    va_start(ap, fmt);
    vformat(v->reasons[s], fmt, ap);
    va_end(ap);
    v->steps[s].reason = v->reasons[s];
}

/* A reason that is fixed text (no formatting on the hot path). */
static void set_step_text(lcmp_verification *v,
                          lcmp_vstep_t s,
                          lcmp_vstatus_t status,
                          const char *text)
{
    v->steps[s].status = status;
    v->steps[s].reason = text;
}

/* "FILE:LINE:COL: POINTER: MESSAGE" of a nested error, as a reason. */
static void set_step_error(lcmp_verification *v,
                           lcmp_vstep_t s,
                           const char *prefix,
                           const lcmp_error *e)
{
    char line[1024];

    lcmp_error_format(line, sizeof(line), e);
    set_step(v, s, LCMP_VSTATUS_FAILED, "%s%s", prefix, line);
}

static lcmp_verification *verification_new(void)
{
    lcmp_verification *v = malloc(sizeof(*v));
    size_t i;

    if (v == NULL) {
        return NULL;
    }
    memset(v, 0, offsetof(lcmp_verification, reasons));
    for (i = 0; i < LCMP_VSTEP_COUNT; i++) {
        v->steps[i].step = (lcmp_vstep_t)i;
        v->steps[i].name = step_names[i];
        v->steps[i].status = LCMP_VSTATUS_SKIPPED;
        v->steps[i].reason = "not run: an earlier step failed";
    }
    return v;
}

void lcmp_verification_free(lcmp_verification *v)
{
    if (v == NULL) {
        return;
    }
    lcmp__statement_free(v->st);
    free(v);
}

bool lcmp_verification_valid(const lcmp_verification *v)
{
    size_t i;

    for (i = 0; i < LCMP_VSTEP_COUNT; i++) {
        if (v->steps[i].status == LCMP_VSTATUS_FAILED) {
            return false;
        }
    }
    /* The structural steps must have run, not merely not failed. */
    return v->steps[LCMP_VSTEP_STATEMENT].status == LCMP_VSTATUS_OK &&
           v->steps[LCMP_VSTEP_SIGNER].status == LCMP_VSTATUS_OK &&
           v->steps[LCMP_VSTEP_RELEASE].status == LCMP_VSTATUS_OK &&
           v->steps[LCMP_VSTEP_FRESHNESS].status == LCMP_VSTATUS_OK;
}

const lcmp_verify_step *lcmp_verification_step(const lcmp_verification *v,
                                               lcmp_vstep_t step)
{
    if ((unsigned)step >= LCMP_VSTEP_COUNT) {
        return NULL;
    }
    return &v->steps[step];
}

size_t lcmp_verification_signature_count(const lcmp_verification *v)
{
    return v->nsigs;
}

const lcmp_verify_signature *
lcmp_verification_signature(const lcmp_verification *v, size_t i)
{
    return i < v->nsigs ? &v->sigs[i] : NULL;
}

const lcmp_statement_info *
lcmp_verification_statement(const lcmp_verification *v)
{
    return v->st != NULL ? &v->st->info : NULL;
}

int lcmp_verify_options_init(lcmp_verify_options *opts, unsigned int version)
{
    if (opts == NULL || version != LCMP_VERIFY_OPTIONS_VERSION) {
        return LCMP_EINVALID;
    }
    memset(opts, 0, sizeof(*opts));
    opts->version = version;
    return 0;
}

/*
 * Steps
 */

/* The first key of `ks` whose fingerprint the keyid names (any key when
 * the keyid is empty) that verifies `sig` over `pae`; 1 found, 0 none,
 * LCMP_ECRYPTO. */
static int find_verifying_key(const ring_key **out,
                              const key_set *ks,
                              const lcmp__dsse_sig *sig,
                              const lcmp_buf *pae)
{
    size_t i = 0, lo = 0, hi = ks->nkeys;
    int rc;

    if (sig->keyid[0] != '\0') {
        /* a keyid names one fingerprint: only keys with that one */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(ks->keys[mid].fp, sig->keyid) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        i = lo;
    }
    for (; i < ks->nkeys; i++) {
        if (sig->keyid[0] != '\0' && strcmp(ks->keys[i].fp, sig->keyid) != 0) {
            break;
        }
        rc = lcmp__sshkey_verify(ks->keys[i].key,
                                 sig->sig,
                                 sig->siglen,
                                 (const uint8_t *)pae->ptr,
                                 pae->size);
        if (rc != 0) {
            *out = rc == 1 ? &ks->keys[i] : NULL;
            return rc;
        }
    }
    return 0;
}

/* Step 2: each signature against the trusted keys. 0 or LCMP_E*. */
static int check_signatures(lcmp_verification *v,
                            const lcmp__dsse *env,
                            const lcmp_keyring *kr,
                            lcmp_error *err)
{
    lcmp_buf pae = LCMP_BUF_INIT;
    size_t i, j, verified = 0;
    int rc;

    rc = lcmp__dsse_pae(&pae,
                        env->payload_type,
                        env->payload_type_len,
                        env->payload,
                        env->payload_len);
    if (rc < 0) {
        return lcmp__error_set(err, rc, NULL, NULL, "out of memory");
    }
    v->nsigs = env->nsigs;
    for (i = 0; i < env->nsigs; i++) {
        const lcmp__dsse_sig *s = &env->sigs[i];
        const ring_key *key = NULL;
        lcmp_verify_signature *out = &v->sigs[i];

        /* the parser bounds a keyid at LCMP__DSSE_MAX_KEYID bytes */
        memcpy(v->keyids[i], s->keyid, strlen(s->keyid) + 1);
        v->fps[i][0] = '\0';
        v->principals[i][0] = '\0';
        out->keyid = v->keyids[i];
        out->fingerprint = v->fps[i];
        out->principal = v->principals[i];
        rc = find_verifying_key(&key, &kr->signers, s, &pae);
        if (rc == 0) {
            rc = find_verifying_key(&key, &kr->auditors, s, &pae);
        }
        if (rc < 0) {
            rc = lcmp__error_set(
                err, rc, NULL, NULL, "cannot check signature %zu", i);
            goto done;
        }
        if (rc == 0) {
            out->reason = s->keyid[0] != '\0'
                              ? "no trusted key with this keyid verifies it"
                              : "no trusted key verifies it";
            continue;
        }
        for (j = 0; j < i; j++) {
            if (lcmp__sshkey_equal(v->sig_keys[j], key->key)) {
                break;
            }
        }
        out->verified = true;
        memcpy(v->fps[i], key->fp, sizeof(v->fps[i]));
        out->reason = "verifies with a trusted key";
        if (j < i) {
            /* One key counts once, however often it signed. */
            format(v->sig_reasons[i], "the same key as signature %zu", j);
            out->reason = v->sig_reasons[i];
            continue;
        }
        v->sig_keys[i] = key->key;
        verified++;
    }
    if (verified == 0) {
        set_step(v,
                 LCMP_VSTEP_SIGNATURE,
                 LCMP_VSTATUS_FAILED,
                 "none of the %zu signatures verifies with a trusted key",
                 env->nsigs);
    } else {
        set_step(v,
                 LCMP_VSTEP_SIGNATURE,
                 LCMP_VSTATUS_OK,
                 "%zu of %zu signatures verify with a trusted key",
                 verified,
                 env->nsigs);
    }
    rc = 0;

done:
    lcmp_buf_dispose(&pae);
    return rc;
}

/* Steps 6 and 7: who signed, in which role, at the statement's time. */
static void
check_roles(lcmp_verification *v, const lcmp_keyring *kr, uint32_t flags)
{
    const lcmp_statement_info *in = &v->st->info;
    const char *principal = NULL;
    char first_reason[REASON_MAX] = "";
    size_t i, org = SIZE_MAX, auditor = SIZE_MAX;
    lcmp_error e;

    for (i = 0; i < v->nsigs; i++) {
        const lcmp__sshkey *key = v->sig_keys[i];

        if (key == NULL) {
            continue;
        }
        lcmp_error_clear(&e);
        if (lcmp__signers_find(&principal,
                               kr->signers.signers,
                               key,
                               in->organisation_id,
                               LCMP_STATEMENT_NAMESPACE,
                               in->evaluated_at,
                               &e) == 0)
        {
            v->sigs[i].role = LCMP_ROLE_ORGANISATION;
            v->sigs[i].reason = "ok";
            if (!v->terse) {
                format(v->principals[i], "%s", in->organisation_id);
                format(v->sig_reasons[i],
                       "statement key of '%s'",
                       in->organisation_id);
                v->sigs[i].reason = v->sig_reasons[i];
            }
            org = org == SIZE_MAX ? i : org;
            continue;
        }
        if (first_reason[0] == '\0') {
            format(first_reason, "%s", e.message);
        }
        format(v->sig_reasons[i], "%s", e.message);
        v->sigs[i].reason = v->sig_reasons[i];
        if (kr->auditors.signers == NULL) {
            continue;
        }
        lcmp_error_clear(&e);
        if (lcmp__signers_find(&principal,
                               kr->auditors.signers,
                               key,
                               NULL,
                               LCMP_STATEMENT_NAMESPACE,
                               in->evaluated_at,
                               &e) == 0)
        {
            v->sigs[i].role = LCMP_ROLE_AUDITOR;
            format(v->principals[i], "%s", principal);
            format(v->sig_reasons[i], "auditor '%s'", principal);
            auditor = auditor == SIZE_MAX ? i : auditor;
        } else if (lcmp_signers_count(kr->auditors.signers) > 0 &&
                   strstr(e.message, "is not in allowed signers") == NULL)
        {
            /* A key the auditors file knows: its reason is the telling
             * one. */
            format(v->sig_reasons[i], "%s", e.message);
        }
    }

    if (org != SIZE_MAX) {
        set_step(v,
                 LCMP_VSTEP_SIGNER,
                 LCMP_VSTATUS_OK,
                 "signed by '%s' with key %s",
                 in->organisation_id,
                 v->fps[org]);
    } else if (first_reason[0] != '\0' && auditor == SIZE_MAX) {
        set_step(v, LCMP_VSTEP_SIGNER, LCMP_VSTATUS_FAILED, "%s", first_reason);
    } else {
        set_step(v,
                 LCMP_VSTEP_SIGNER,
                 LCMP_VSTATUS_FAILED,
                 "no signature by a key registered for organisation '%s'",
                 in->organisation_id);
    }
    if (auditor != SIZE_MAX) {
        set_step(v,
                 LCMP_VSTEP_AUDITOR,
                 LCMP_VSTATUS_OK,
                 "countersigned by auditor '%s' with key %s",
                 v->principals[auditor],
                 v->fps[auditor]);
    } else if ((flags & LCMP_VERIFY_F_REQUIRE_AUDITOR) != 0) {
        set_step(v,
                 LCMP_VSTEP_AUDITOR,
                 LCMP_VSTATUS_FAILED,
                 "no signature by a registered auditor, and one is "
                 "required");
    } else {
        set_step_text(v,
                      LCMP_VSTEP_AUDITOR,
                      LCMP_VSTATUS_SKIPPED,
                      "no auditor's signature (not required)");
    }
}

/* Step 8; *baseline_out is loaded when wanted and the release checks out.
 * 0, or an error of the release callback that aborts verification. */
static int check_release(lcmp_verification *v,
                         lcmp_baseline **baseline_out,
                         const lcmp_verify_options *opts,
                         lcmp_error *err)
{
    const lcmp_statement_info *in = &v->st->info;
    lcmp_release_info ri;
    lcmp_baseline *baseline = NULL;
    lcmp_error e;
    int rc;

    memset(&ri, 0, sizeof(ri));
    lcmp_error_clear(&e);
    rc = opts->release(&ri,
                       baseline_out != NULL ? &baseline : NULL,
                       in->release,
                       opts->release_payload,
                       &e);
    if (rc == LCMP_ENOTFOUND || rc == LCMP_EVERIFY) {
        lcmp_baseline_free(baseline);
        if (e.message[0] == '\0') {
            format(e.message, "release '%s' is not in the cache", in->release);
        }
        set_step(v, LCMP_VSTEP_RELEASE, LCMP_VSTATUS_FAILED, "%s", e.message);
        return 0;
    }
    if (rc < 0) {
        lcmp_baseline_free(baseline);
        if (err != NULL) {
            *err = e;
        }
        return rc;
    }
    if (!ri.verified) {
        set_step(v,
                 LCMP_VSTEP_RELEASE,
                 LCMP_VSTATUS_FAILED,
                 "release '%s' is in the cache but not verified",
                 in->release);
    } else if (ri.tag_id == NULL || strcmp(ri.tag_id, in->tag_id) != 0) {
        set_step(v,
                 LCMP_VSTEP_RELEASE,
                 LCMP_VSTATUS_FAILED,
                 "release '%s' is tag object %s in the cache, the statement "
                 "names %s",
                 in->release,
                 ri.tag_id != NULL ? ri.tag_id : "(none)",
                 in->tag_id);
    } else if (ri.commit_id == NULL || strcmp(ri.commit_id, in->commit_id) != 0)
    {
        set_step(v,
                 LCMP_VSTEP_RELEASE,
                 LCMP_VSTATUS_FAILED,
                 "release '%s' is commit %s in the cache, the statement "
                 "names %s",
                 in->release,
                 ri.commit_id != NULL ? ri.commit_id : "(none)",
                 in->commit_id);
    } else {
        set_step(v,
                 LCMP_VSTEP_RELEASE,
                 LCMP_VSTATUS_OK,
                 "release '%s' (commit %.12s) is a verified release in the "
                 "cache",
                 in->release,
                 in->commit_id);
        if (baseline_out != NULL) {
            *baseline_out = baseline;
            baseline = NULL;
        }
    }
    lcmp_baseline_free(baseline);
    return 0;
}

/* Step 9: 1 when the digest matches. */
static int check_declaration(lcmp_verification *v,
                             const lcmp_verify_options *opts)
{
    uint8_t md[SHA256_DIGEST_LENGTH], want[SHA256_DIGEST_LENGTH];
    char hex[2 * SHA256_DIGEST_LENGTH + 1];

    SHA256(opts->declaration, opts->declaration_len, md);
    if (lcmp__sha256_parse(want, v->st->info.declaration_sha256) < 0 ||
        CRYPTO_memcmp(md, want, sizeof(md)) != 0)
    {
        lcmp__hex(hex, md, sizeof(md));
        set_step(v,
                 LCMP_VSTEP_DECLARATION,
                 LCMP_VSTATUS_FAILED,
                 "the declaration's sha256 is %s, the statement signs %s",
                 hex,
                 v->st->info.declaration_sha256);
        return 0;
    }
    set_step(v,
             LCMP_VSTEP_DECLARATION,
             LCMP_VSTATUS_OK,
             "the declaration's sha256 matches (%.16s…)",
             v->st->info.declaration_sha256);
    return 1;
}

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* Whether the signed result `r` says what the re-evaluation `cr` says. */
static int same_result(const lcmp__stmt_result *r,
                       const lcmp_control_result *cr)
{
    size_t i;

    if (strcmp(r->family, or_empty(cr->family)) != 0 ||
        strcmp(r->state, lcmp_state_name(cr->state)) != 0 ||
        r->nreasons != cr->nreasons)
    {
        return 0;
    }
    if (cr->state == LCMP_STATE_EXCEPTED
            ? r->original_state == NULL ||
                  strcmp(r->original_state,
                         lcmp_state_name(cr->original_state)) != 0
            : r->original_state != NULL)
    {
        return 0;
    }
    for (i = 0; i < r->nreasons; i++) {
        if (strcmp(r->reasons[i],
                   or_empty(lcmp_reason_name(cr->reasons[i].code))) != 0) {
            return 0;
        }
    }
    return 1;
}

static int same_counts(const lcmp_counts *a, const lcmp_counts *b)
{
    return a->controls == b->controls && a->compliant == b->compliant &&
           a->non_compliant == b->non_compliant && a->excepted == b->excepted &&
           a->not_applicable == b->not_applicable &&
           a->undeclared == b->undeclared && a->score == b->score;
}

/* The exceptions used: the excepted controls, in order. */
static int same_exceptions(const lcmp__statement *st, const lcmp_result *now)
{
    size_t i, k = 0, n = lcmp_result_control_count(now);

    for (i = 0; i < n; i++) {
        const lcmp_control_result *cr = lcmp_result_control(now, i);
        const lcmp__stmt_exception *e;

        if (cr->state != LCMP_STATE_EXCEPTED) {
            continue;
        }
        if (k == st->nexceptions) {
            return 0;
        }
        e = &st->exceptions[k++];
        if (strcmp(e->control, cr->control) != 0 ||
            strcmp(e->approved_by, or_empty(cr->exception_approved_by)) != 0 ||
            strcmp(e->expires, or_empty(cr->exception_expires)) != 0)
        {
            return 0;
        }
    }
    return k == st->nexceptions;
}

/* Say where signed and re-evaluated results first differ; 1 if equal. */
static int compare_results(lcmp_verification *v, const lcmp_result *now)
{
    const lcmp__statement *st = v->st;
    const lcmp_declaration *decl = lcmp_result_declaration(now);
    size_t i, n = lcmp_result_control_count(now);

    if (strcmp(st->info.organisation_id, lcmp_declaration_org_id(decl)) != 0 ||
        strcmp(st->info.organisation_name, lcmp_declaration_org_name(decl)) !=
            0)
    {
        set_step(v,
                 LCMP_VSTEP_EVALUATION,
                 LCMP_VSTATUS_FAILED,
                 "the declaration is organisation '%s', the statement "
                 "'%s'",
                 lcmp_declaration_org_id(decl),
                 st->info.organisation_id);
        return 0;
    }
    if (st->nresults != n) {
        set_step(v,
                 LCMP_VSTEP_EVALUATION,
                 LCMP_VSTATUS_FAILED,
                 "the statement lists %zu controls, re-evaluation gives %zu",
                 st->nresults,
                 n);
        return 0;
    }
    for (i = 0; i < n; i++) {
        const lcmp__stmt_result *r = &st->results[i];
        const lcmp_control_result *cr = lcmp_result_control(now, i);

        if (strcmp(r->control, cr->control) != 0) {
            set_step(v,
                     LCMP_VSTEP_EVALUATION,
                     LCMP_VSTATUS_FAILED,
                     "result %zu is control '%s' in the statement, '%s' on "
                     "re-evaluation",
                     i,
                     r->control,
                     cr->control);
            return 0;
        }
        if (same_result(r, cr)) {
            continue;
        }
        if (strcmp(r->state, lcmp_state_name(cr->state)) != 0) {
            set_step(v,
                     LCMP_VSTEP_EVALUATION,
                     LCMP_VSTATUS_FAILED,
                     "control %s is '%s' in the statement, '%s' on "
                     "re-evaluation",
                     r->control,
                     r->state,
                     lcmp_state_name(cr->state));
        } else {
            set_step(v,
                     LCMP_VSTEP_EVALUATION,
                     LCMP_VSTATUS_FAILED,
                     "control %s has other reasons or details in the "
                     "statement than on re-evaluation",
                     r->control);
        }
        return 0;
    }
    if (!same_counts(&st->info.summary, lcmp_result_summary(now))) {
        set_step(v,
                 LCMP_VSTEP_EVALUATION,
                 LCMP_VSTATUS_FAILED,
                 "the statement's summary (score %u) differs from "
                 "re-evaluation (score %u)",
                 st->info.summary.score,
                 lcmp_result_summary(now)->score);
        return 0;
    }
    if (!same_exceptions(st, now)) {
        set_step(v,
                 LCMP_VSTEP_EVALUATION,
                 LCMP_VSTATUS_FAILED,
                 "%s",
                 "the statement's exceptions differ from re-evaluation");
        return 0;
    }
    return 1;
}

/* Step 10: re-evaluate the declaration at the statement's time. */
static void check_evaluation(lcmp_verification *v,
                             const lcmp_baseline *b,
                             const lcmp_verify_options *opts)
{
    const lcmp_statement_info *in = &v->st->info;
    lcmp_declaration *decl = NULL;
    lcmp_profile *profile = NULL;
    lcmp_result *result = NULL;
    char when[21];
    lcmp_error e;

    lcmp_error_clear(&e);
    if (lcmp_declaration_load_buffer(&decl,
                                     opts->declaration,
                                     opts->declaration_len,
                                     opts->declaration_source,
                                     NULL,
                                     &e) < 0)
    {
        set_step_error(v, LCMP_VSTEP_EVALUATION, "the declaration: ", &e);
        goto done;
    }
    if (strcmp(lcmp_baseline_id(b), in->baseline_id) != 0) {
        set_step(v,
                 LCMP_VSTEP_EVALUATION,
                 LCMP_VSTATUS_FAILED,
                 "release '%s' holds baseline '%s', the statement names "
                 "'%s'",
                 in->release,
                 lcmp_baseline_id(b),
                 in->baseline_id);
        goto done;
    }
    if (lcmp_profile_resolve(&profile, b, in->profile, &e) < 0) {
        set_step_error(v, LCMP_VSTEP_EVALUATION, "the profile: ", &e);
        goto done;
    }
    if (lcmp_evaluate(&result, profile, decl, in->evaluated_at, NULL, &e) < 0) {
        set_step_error(v, LCMP_VSTEP_EVALUATION, "re-evaluation: ", &e);
        goto done;
    }
    if (compare_results(v, result)) {
        lcmp_time_format(when, in->evaluated_at);
        set_step(v,
                 LCMP_VSTEP_EVALUATION,
                 LCMP_VSTATUS_OK,
                 "re-evaluating the declaration at %s gives the signed "
                 "results (%zu controls, score %u%%)",
                 when,
                 v->st->nresults,
                 in->summary.score);
    }

done:
    lcmp_result_free(result);
    lcmp_profile_free(profile);
    lcmp_declaration_free(decl);
}

static void check_freshness(lcmp_verification *v, int64_t at)
{
    char until[21], now[21];

    if (v->terse && at <= v->st->info.valid_until) {
        set_step_text(v, LCMP_VSTEP_FRESHNESS, LCMP_VSTATUS_OK, "ok");
        return;
    }
    lcmp_time_format(until, v->st->info.valid_until);
    lcmp_time_format(now, at);
    if (at > v->st->info.valid_until) {
        set_step(v,
                 LCMP_VSTEP_FRESHNESS,
                 LCMP_VSTATUS_FAILED,
                 "expired: valid until %s, verified at %s",
                 until,
                 now);
    } else {
        set_step(
            v, LCMP_VSTEP_FRESHNESS, LCMP_VSTATUS_OK, "valid until %s", until);
    }
}

/* Steps 3 to 5; 1 when the statement can be looked at. */
static int
check_payload(lcmp_verification *v, const lcmp__dsse *env, lcmp_error *err)
{
    static const char type[] = LCMP_STATEMENT_PAYLOAD_TYPE;
    lcmp_error e;
    int rc;

    if (env->payload_type_len != sizeof(type) - 1 ||
        memcmp(env->payload_type, type, sizeof(type) - 1) != 0)
    {
        set_step(v,
                 LCMP_VSTEP_PAYLOAD_TYPE,
                 LCMP_VSTATUS_FAILED,
                 "payloadType is '%s', expected '%s'",
                 env->payload_type,
                 type);
        return 0;
    }
    set_step_text(v,
                  LCMP_VSTEP_PAYLOAD_TYPE,
                  LCMP_VSTATUS_OK,
                  LCMP_STATEMENT_PAYLOAD_TYPE);

    /* the very bytes whose signature verified */
    lcmp_error_clear(&e);
    rc = lcmp__statement_parse(
        &v->st, env->payload, env->payload_len, "payload", &e);
    if (rc == LCMP_ENOMEM) {
        *err = e;
        return rc;
    }
    if (rc < 0 && e.line >= 1) {
        /* not strict JSON: syntax, duplicate keys, UTF-8, limits */
        set_step_error(v, LCMP_VSTEP_PAYLOAD, "", &e);
        return 0;
    }
    set_step(v,
             LCMP_VSTEP_PAYLOAD,
             LCMP_VSTATUS_OK,
             "%zu signed bytes of strict JSON",
             env->payload_len);
    if (rc < 0) {
        set_step_error(v, LCMP_VSTEP_STATEMENT, "", &e);
        return 0;
    }
    set_step_text(
        v,
        LCMP_VSTEP_STATEMENT,
        LCMP_VSTATUS_OK,
        "in-toto Statement v1, predicate " LCMP_STATEMENT_PREDICATE_TYPE);
    return 1;
}

static int verify(lcmp_verification **out,
                  const uint8_t *envelope,
                  size_t len,
                  int64_t at,
                  const lcmp_verify_options *opts,
                  bool terse,
                  lcmp_error *err)
{
    lcmp_verification *v = NULL;
    lcmp__dsse *env = NULL;
    lcmp_baseline *baseline = NULL;
    int want, rc;

    if (out == NULL || envelope == NULL || opts == NULL ||
        opts->version != LCMP_VERIFY_OPTIONS_VERSION || opts->keyring == NULL ||
        opts->release == NULL)
    {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "verification needs an envelope, a keyring "
                               "and a release lookup");
    }
    *out = NULL;
    rc = lcmp__dsse_parse(&env, envelope, len, opts->envelope_source, err);
    if (rc < 0) {
        return rc;
    }
    v = verification_new();
    if (v == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    v->terse = terse;
    set_step(v,
             LCMP_VSTEP_ENVELOPE,
             LCMP_VSTATUS_OK,
             "DSSE envelope with %zu signature%s, %zu payload bytes",
             env->nsigs,
             env->nsigs == 1 ? "" : "s",
             env->payload_len);

    rc = check_signatures(v, env, opts->keyring, err);
    if (rc < 0 || v->steps[LCMP_VSTEP_SIGNATURE].status != LCMP_VSTATUS_OK) {
        goto finish;
    }
    rc = check_payload(v, env, err);
    if (rc <= 0) {
        goto finish;
    }

    check_roles(v, opts->keyring, opts->flags);
    want = opts->declaration != NULL;
    rc = check_release(v, want ? &baseline : NULL, opts, err);
    if (rc < 0) {
        goto finish;
    }
    if (!want) {
        set_step_text(v,
                      LCMP_VSTEP_DECLARATION,
                      LCMP_VSTATUS_SKIPPED,
                      "no declaration given");
        set_step_text(v,
                      LCMP_VSTEP_EVALUATION,
                      LCMP_VSTATUS_SKIPPED,
                      "no declaration given");
    } else if (check_declaration(v, opts) && baseline != NULL) {
        check_evaluation(v, baseline, opts);
    } else {
        set_step(v,
                 LCMP_VSTEP_EVALUATION,
                 LCMP_VSTATUS_SKIPPED,
                 "not run: the %s step failed",
                 baseline == NULL ? "release" : "declaration");
    }
    check_freshness(v, at);
    rc = 0;

finish:
    if (rc == 0) {
        *out = v;
        v = NULL;
    }

done:
    lcmp_baseline_free(baseline);
    lcmp_verification_free(v);
    lcmp__dsse_free(env);
    return rc;
}

int lcmp_verify(lcmp_verification **out,
                const uint8_t *envelope,
                size_t len,
                int64_t at,
                const lcmp_verify_options *opts,
                lcmp_error *err)
{
    return verify(out, envelope, len, at, opts, false, err);
}

int lcmp__verify_terse(lcmp_verification **out,
                       const uint8_t *envelope,
                       size_t len,
                       int64_t at,
                       const lcmp_verify_options *opts,
                       lcmp_error *err)
{
    return verify(out, envelope, len, at, opts, true, err);
}

/*
 * Releases from a synced cache
 */

int lcmp_release_from_cache(lcmp_release_info *out,
                            lcmp_baseline **baseline_out,
                            const char *tag,
                            void *payload,
                            lcmp_error *err)
{
    const lcmp_cache *cache = payload;
    size_t i, n;

    if (out == NULL || tag == NULL || cache == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no cache or no release given");
    }
    n = lcmp_cache_release_count(cache);
    for (i = 0; i < n; i++) {
        if (lcmp_cache_release(out, cache, i) == 0 &&
            strcmp(out->tag, tag) == 0) {
            break;
        }
    }
    if (i == n) {
        memset(out, 0, sizeof(*out));
        return lcmp__error_set(err,
                               LCMP_ENOTFOUND,
                               NULL,
                               NULL,
                               "release '%s' is not in the cache (never "
                               "synced, or not a release of this baseline)",
                               tag);
    }
    if (baseline_out == NULL || !out->verified) {
        return 0;
    }
    return lcmp_cache_load_baseline(baseline_out, cache, tag, NULL, err);
}

/*
 * JSON
 */

static const char *status_name(lcmp_vstatus_t s)
{
    switch (s) {
    case LCMP_VSTATUS_OK:
        return "ok";
    case LCMP_VSTATUS_FAILED:
        return "failed";
    default:
        return "skipped";
    }
}

static const char *role_name(lcmp_role_t r)
{
    switch (r) {
    case LCMP_ROLE_ORGANISATION:
        return "organisation";
    case LCMP_ROLE_AUDITOR:
        return "auditor";
    default:
        return "none";
    }
}

static json_t *statement_json(const lcmp_statement_info *in)
{
    char evaluated[21], until[21];

    lcmp_time_format(evaluated, in->evaluated_at);
    lcmp_time_format(until, in->valid_until);
    return json_pack(
        "{s:{s:s, s:s}, s:{s:s, s:s, s:s, s:s, s:s}, s:{s:s}, s:s, s:s,"
        " s:{s:s, s:s}, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
        "organisation",
        "id",
        in->organisation_id,
        "name",
        in->organisation_name,
        "baseline",
        "id",
        in->baseline_id,
        "release",
        in->release,
        "tag_id",
        in->tag_id,
        "commit_id",
        in->commit_id,
        "profile",
        in->profile,
        "declaration",
        "sha256",
        in->declaration_sha256,
        "evaluated_at",
        evaluated,
        "valid_until",
        until,
        "tool",
        "name",
        in->tool_name,
        "version",
        in->tool_version,
        "summary",
        "controls",
        (json_int_t)in->summary.controls,
        "compliant",
        (json_int_t)in->summary.compliant,
        "non_compliant",
        (json_int_t)in->summary.non_compliant,
        "excepted",
        (json_int_t)in->summary.excepted,
        "not_applicable",
        (json_int_t)in->summary.not_applicable,
        "undeclared",
        (json_int_t)in->summary.undeclared,
        "score",
        (json_int_t)in->summary.score);
}

int lcmp_verification_to_json(lcmp_buf *out,
                              const lcmp_verification *v,
                              lcmp_error *err)
{
    json_t *doc = NULL, *steps, *sigs, *st;
    char *text = NULL;
    size_t i;
    int rc = LCMP_ENOMEM;

    if (out == NULL || v == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no verification or no output");
    }
    lcmp__buf_clear(out);
    steps = json_array();
    sigs = json_array();
    st = v->st != NULL ? statement_json(&v->st->info) : json_null();
    doc = json_pack("{s:s, s:b, s:o, s:o, s:o}",
                    "schema",
                    "lcmp.verification/v1",
                    "valid",
                    lcmp_verification_valid(v),
                    "steps",
                    steps,
                    "signatures",
                    sigs,
                    "statement",
                    st);
    if (doc == NULL) {
        goto done;
    }
    for (i = 0; i < LCMP_VSTEP_COUNT; i++) {
        const lcmp_verify_step *s = &v->steps[i];
        if (json_array_append_new(steps,
                                  json_pack("{s:s, s:s, s:s}",
                                            "step",
                                            s->name,
                                            "status",
                                            status_name(s->status),
                                            "reason",
                                            s->reason)) != 0)
        {
            goto done;
        }
    }
    for (i = 0; i < v->nsigs; i++) {
        const lcmp_verify_signature *s = &v->sigs[i];
        if (json_array_append_new(
                sigs,
                json_pack("{s:I, s:s, s:b, s:s, s:s, s:s, s:s}",
                          "index",
                          (json_int_t)i,
                          "keyid",
                          s->keyid,
                          "verified",
                          s->verified,
                          "fingerprint",
                          s->fingerprint,
                          "role",
                          role_name(s->role),
                          "principal",
                          s->principal,
                          "reason",
                          s->reason)) != 0)
        {
            goto done;
        }
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL || lcmp__buf_puts(out, text) < 0 ||
        lcmp__buf_put(out, "\n", 1) < 0)
    {
        goto done;
    }
    rc = 0;

done:
    free(text);
    json_decref(doc);
    if (rc < 0) {
        lcmp__buf_clear(out);
        return lcmp__error_set(err, rc, NULL, NULL, "out of memory");
    }
    return 0;
}
