/*
 * libcompliance: signing keys and signed compliance statements.
 *
 * A statement is an in-toto Statement v1 whose predicate holds the results
 * of one evaluation (never the declaration's facts or evidence), inside a
 * DSSE envelope signed over PAE(payloadType, payload) — the exact payload
 * bytes, never a canonical form. The municipality signs it; an auditor
 * countersigns by adding a signature to the same envelope. Formats:
 * docs/formats.md "Compliance statements"; verification order: DESIGN.md
 * §3.6.
 */
#ifndef LIBCOMPLIANCE_STATEMENT_H
#define LIBCOMPLIANCE_STATEMENT_H

#include "common.h"
#include "baseline.h"
#include "evaluate.h"
#include "sync.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The DSSE payloadType of a statement. */
#define LCMP_STATEMENT_PAYLOAD_TYPE "application/vnd.in-toto+json"
/** The in-toto Statement `_type`. */
#define LCMP_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
/** The predicateType of a compliance statement (versioned URN). */
#define LCMP_STATEMENT_PREDICATE_TYPE \
    "urn:libcompliance:compliance-statement:v1"
/** The allowed_signers namespace statement keys must be registered for. */
#define LCMP_STATEMENT_NAMESPACE "compliance-statement"

/*
 * Keys
 */

/** A private signing key (and its public half). Immutable once made. */
typedef struct lcmp_key lcmp_key;

/** Key types. Values are stable. */
typedef enum {
    LCMP_KEY_ED25519 = 0,   /**< Ed25519 (the default) */
    LCMP_KEY_ECDSA_P256 = 1 /**< ECDSA on NIST P-256 with SHA-256 */
} lcmp_key_type_t;

/**
 * Supplies the passphrase of an encrypted key.
 *
 * Write at most `size` bytes into `buf` (no NUL needed) and return their
 * number, or a negative value to give up. The library wipes `buf` after
 * use.
 */
typedef int (*lcmp_passphrase_fn)(char *buf, size_t size, void *payload);

/**
 * Generate a new key.
 *
 * @param[out] out the key; free with lcmp_key_free()
 * @param type LCMP_KEY_ED25519 or LCMP_KEY_ECDSA_P256
 * @return 0, LCMP_EINVALID (unknown type) or LCMP_ECRYPTO
 */
LCMP_EXTERN int
lcmp_key_generate(lcmp_key **out, lcmp_key_type_t type, lcmp_error *err);

/**
 * Write a private key as PKCS#8 PEM, atomically (temporary file in the
 * same directory, fsync, link into place) and with mode 0600. An existing
 * file is never overwritten.
 *
 * @param key the key
 * @param path where to write it
 * @param passphrase when not NULL (and not empty), the key is encrypted
 *        under this passphrase (PKCS#8 PBES2: PBKDF2 and AES-256-CBC)
 * @return 0; LCMP_EINVALID (the file exists, empty passphrase);
 *         LCMP_EIO; LCMP_ECRYPTO
 */
LCMP_EXTERN int lcmp_key_save(const lcmp_key *key,
                              const char *path,
                              const char *passphrase,
                              lcmp_error *err);

/**
 * Read a private key written by lcmp_key_save() (or any PEM private key
 * OpenSSL reads, if it is Ed25519 or ECDSA P-256).
 *
 * A file that is readable or writable by its group or by others is
 * refused before it is read, as ssh does.
 *
 * @param[out] out the key; free with lcmp_key_free()
 * @param path the key file
 * @param passphrase asked only when the key is encrypted; may be NULL
 * @param payload passed to `passphrase`
 * @return 0; LCMP_ENOTFOUND; LCMP_EINVALID (mode too open, encrypted key
 *         without or with a wrong passphrase, unsupported key type);
 *         LCMP_EPARSE (not a PEM private key); LCMP_EIO
 */
LCMP_EXTERN int lcmp_key_load(lcmp_key **out,
                              const char *path,
                              lcmp_passphrase_fn passphrase,
                              void *payload,
                              lcmp_error *err);

/** Free a key, wiping its private material; NULL-safe. */
LCMP_EXTERN void lcmp_key_free(lcmp_key *key);

/** The key's type. */
LCMP_EXTERN lcmp_key_type_t lcmp_key_type(const lcmp_key *key);

/**
 * The OpenSSH fingerprint of the public key, "SHA256:<base64>" as
 * `ssh-keygen -l` prints it; also the DSSE keyid (borrowed from the key).
 */
LCMP_EXTERN const char *lcmp_key_fingerprint(const lcmp_key *key);

/**
 * The public key in OpenSSH form: "ssh-ed25519 AAAA…" or
 * "ecdsa-sha2-nistp256 AAAA…" (no comment, no newline).
 *
 * @return 0 or LCMP_ENOMEM
 */
LCMP_EXTERN int
lcmp_key_public_openssh(lcmp_buf *out, const lcmp_key *key, lcmp_error *err);

/**
 * Sign `msg` as `ssh-keygen -Y sign -n NS` does: an armoured OpenSSH
 * signature (SSHSIG, hash sha512), so that
 * `ssh-keygen -Y verify -f allowed_signers -I ID -n NS -s FILE < msg`
 * checks it.
 *
 * @param[out] out the armoured signature, ending with a newline
 * @return 0, LCMP_EINVALID (empty namespace) or LCMP_ECRYPTO
 */
LCMP_EXTERN int lcmp_key_sshsig(lcmp_buf *out,
                                const lcmp_key *key,
                                const uint8_t *msg,
                                size_t len,
                                const char *ns,
                                lcmp_error *err);

/*
 * Statements
 */

/** Options of lcmp_statement_build() and lcmp_attest(). */
typedef struct lcmp_attest_options {
    unsigned int version;
    /** Days the statement stays valid after its evaluation time; 0 means
     *  LCMP_ATTEST_DEFAULT_VALID_DAYS. */
    unsigned int valid_days;
} lcmp_attest_options;

#define LCMP_ATTEST_OPTIONS_VERSION 1
#define LCMP_ATTEST_OPTIONS_INIT       \
    {                                  \
        LCMP_ATTEST_OPTIONS_VERSION, 0 \
    }

/** Initialise attest options; LCMP_EINVALID for an unknown version. */
LCMP_EXTERN int lcmp_attest_options_init(lcmp_attest_options *opts,
                                         unsigned int version);

/** Validity of a statement when lcmp_attest_options.valid_days is 0. */
#define LCMP_ATTEST_DEFAULT_VALID_DAYS 365u
/** Longest validity lcmp_attest_options.valid_days accepts (10 years). */
#define LCMP_ATTEST_MAX_VALID_DAYS 3660u

/**
 * Build the statement (the DSSE payload) for an evaluation result.
 *
 * Subjects: the declaration (`sha256` of `declaration`, the exact bytes
 * the result's declaration was loaded from) and the baseline release
 * (`gitCommit`, `gitTag`). The predicate holds organisation, baseline,
 * profile, declaration digest, evaluation time, validity, tool, summary,
 * per-control states with reason codes, and the exceptions used. The
 * bytes are deterministic: compact JSON, sorted keys, integers only.
 *
 * @param[out] out the payload (no trailing newline)
 * @param result the evaluation result
 * @param declaration the declaration file's bytes
 * @param declaration_len their length
 * @param release the release the result's baseline was loaded from
 *        (tag, tag_id and commit_id are used)
 * @param opts options, or NULL for the defaults
 * @return 0, LCMP_EINVALID or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_statement_build(lcmp_buf *out,
                                     const lcmp_result *result,
                                     const uint8_t *declaration,
                                     size_t declaration_len,
                                     const lcmp_release_info *release,
                                     const lcmp_attest_options *opts,
                                     lcmp_error *err);

/**
 * Sign a payload into a new DSSE envelope with one signature over
 * PAE(payload_type, payload). Ed25519 signatures are 64 bytes; ECDSA
 * signatures are DER. The keyid is lcmp_key_fingerprint().
 *
 * @param[out] out the envelope JSON, ending with a newline
 * @return 0, LCMP_EINVALID, LCMP_ELIMIT (payload over 16 MiB) or
 *         LCMP_ECRYPTO
 */
LCMP_EXTERN int lcmp_envelope_sign(lcmp_buf *out,
                                   const uint8_t *payload,
                                   size_t len,
                                   const char *payload_type,
                                   const lcmp_key *key,
                                   lcmp_error *err);

/**
 * lcmp_statement_build() and lcmp_envelope_sign() in one call.
 *
 * @param[out] envelope_out the signed envelope
 * @param[out] payload_out optional: the payload bytes that were signed
 */
LCMP_EXTERN int lcmp_attest(lcmp_buf *envelope_out,
                            lcmp_buf *payload_out,
                            const lcmp_result *result,
                            const uint8_t *declaration,
                            size_t declaration_len,
                            const lcmp_release_info *release,
                            const lcmp_key *key,
                            const lcmp_attest_options *opts,
                            lcmp_error *err);

/**
 * Add a signature by `key` to an existing envelope. The payload and the
 * existing signatures are kept byte for byte; only the `signatures` array
 * grows. This does not verify anything: verify first (lcmp_verify()).
 *
 * @param[out] out the new envelope JSON, ending with a newline
 * @return 0; LCMP_EPARSE or LCMP_ELIMIT (malformed envelope, 16
 *         signatures already); LCMP_EINVALID (the key signed it already);
 *         LCMP_ECRYPTO
 */
LCMP_EXTERN int lcmp_countersign(lcmp_buf *out,
                                 const uint8_t *envelope,
                                 size_t len,
                                 const lcmp_key *key,
                                 lcmp_error *err);

/*
 * Verification
 */

/**
 * Looks up a release for verification: fills `out` (strings borrowed from
 * whatever `payload` holds, valid until lcmp_verify() returns) and, when
 * `baseline_out` is not NULL, loads the release's baseline (lcmp_verify()
 * frees it).
 *
 * @return 0; LCMP_ENOTFOUND (no such release) or LCMP_EVERIFY (the cache
 *         no longer matches its state): the release step fails; any other
 *         code aborts the verification with that error
 */
typedef int (*lcmp_release_fn)(lcmp_release_info *out,
                               lcmp_baseline **baseline_out,
                               const char *tag,
                               void *payload,
                               lcmp_error *err);

/**
 * A ready-made lcmp_release_fn over a synced cache (`payload` is the
 * `lcmp_cache *`): releases recorded by lcmp_sync(), baselines read from
 * the cache's object database.
 */
LCMP_EXTERN int lcmp_release_from_cache(lcmp_release_info *out,
                                        lcmp_baseline **baseline_out,
                                        const char *tag,
                                        void *payload,
                                        lcmp_error *err);

/**
 * The keys a verifier trusts: the municipalities' statement keys
 * (allowed_signers, principal = organisation id) and the auditors' keys
 * (allowed_signers, principal = the auditor). Both come from the newest
 * verified baseline release (trust/statement_signers, trust/auditors) or
 * from files the caller names. Immutable once loaded; safe to share
 * between threads.
 */
typedef struct lcmp_keyring lcmp_keyring;

/**
 * Load a keyring from allowed_signers texts.
 *
 * @param[out] out the keyring; free with lcmp_keyring_free()
 * @param signers the statement signers' text (required)
 * @param signers_len its length
 * @param signers_source its name in errors (e.g. the path), or NULL
 * @param auditors the auditors' text, or NULL for none
 * @param auditors_len its length
 * @param auditors_source its name in errors, or NULL
 * @return 0, LCMP_EPARSE or LCMP_ELIMIT (a malformed file), LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_keyring_load(lcmp_keyring **out,
                                  const uint8_t *signers,
                                  size_t signers_len,
                                  const char *signers_source,
                                  const uint8_t *auditors,
                                  size_t auditors_len,
                                  const char *auditors_source,
                                  lcmp_error *err);

/** Free a keyring; NULL-safe. */
LCMP_EXTERN void lcmp_keyring_free(lcmp_keyring *keyring);

/** Flags of lcmp_verify_options. */
#define LCMP_VERIFY_F_REQUIRE_AUDITOR (1u << 0) /**< an auditor must sign */

/** Options of lcmp_verify(). */
typedef struct lcmp_verify_options {
    unsigned int version;
    uint32_t flags; /**< LCMP_VERIFY_F_* */
    /** The trusted keys; required. */
    const lcmp_keyring *keyring;
    /** Where releases are looked up; required. */
    lcmp_release_fn release;
    void *release_payload;
    /** The declaration's bytes, to check its digest and re-evaluate it;
     *  NULL to skip both steps. */
    const uint8_t *declaration;
    size_t declaration_len;
    /** Name of the declaration in messages (e.g. its path), or NULL. */
    const char *declaration_source;
    /** Name of the envelope in errors (e.g. its path), or NULL. */
    const char *envelope_source;
} lcmp_verify_options;

#define LCMP_VERIFY_OPTIONS_VERSION 1
#define LCMP_VERIFY_OPTIONS_INIT                                              \
    {                                                                         \
        LCMP_VERIFY_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL \
    }

/** Initialise verify options; LCMP_EINVALID for an unknown version. */
LCMP_EXTERN int lcmp_verify_options_init(lcmp_verify_options *opts,
                                         unsigned int version);

/** The steps of a verification, in the order they run. Values are stable. */
typedef enum {
    LCMP_VSTEP_ENVELOPE = 0,     /**< the envelope parses strictly */
    LCMP_VSTEP_SIGNATURE = 1,    /**< a signature verifies with a trusted key */
    LCMP_VSTEP_PAYLOAD_TYPE = 2, /**< payloadType is in-toto's */
    LCMP_VSTEP_PAYLOAD = 3,      /**< the signed bytes parse strictly */
    LCMP_VSTEP_STATEMENT = 4,    /**< `_type` and predicateType */
    LCMP_VSTEP_SIGNER = 5,       /**< key registered for the organisation */
    LCMP_VSTEP_AUDITOR = 6,      /**< an auditor countersigned */
    LCMP_VSTEP_RELEASE = 7,      /**< release verified in the cache */
    LCMP_VSTEP_DECLARATION = 8,  /**< declaration digest matches */
    LCMP_VSTEP_EVALUATION = 9,   /**< re-evaluation gives the results */
    LCMP_VSTEP_FRESHNESS = 10    /**< not past valid_until */
} lcmp_vstep_t;

/** Number of steps (LCMP_VSTEP_*). */
#define LCMP_VSTEP_COUNT 11

/** Outcome of one step. Values are stable. */
typedef enum {
    LCMP_VSTATUS_OK = 0,
    LCMP_VSTATUS_FAILED = 1,
    /** Not run: an earlier step it depends on failed, or its input was
     *  not given (no declaration, no auditor required). */
    LCMP_VSTATUS_SKIPPED = 2
} lcmp_vstatus_t;

/** One step of a verification (borrowed from its lcmp_verification). */
typedef struct lcmp_verify_step {
    lcmp_vstep_t step;
    const char *name; /**< "envelope", "signature", ... (stable) */
    lcmp_vstatus_t status;
    const char *reason; /**< one line, for people; never NULL */
} lcmp_verify_step;

/** The role a signature was verified in. Values are stable. */
typedef enum {
    LCMP_ROLE_NONE = 0,         /**< no trusted key verifies it */
    LCMP_ROLE_ORGANISATION = 1, /**< the municipality's statement key */
    LCMP_ROLE_AUDITOR = 2       /**< an auditor's key */
} lcmp_role_t;

/** One signature of the envelope (borrowed from its lcmp_verification). */
typedef struct lcmp_verify_signature {
    const char *keyid;       /**< as in the envelope ("" if none) */
    bool verified;           /**< a trusted key verifies it */
    const char *fingerprint; /**< that key's "SHA256:…", or "" */
    lcmp_role_t role;        /**< the role it counts in */
    const char *principal;   /**< who: organisation or auditor id, or "" */
    const char *reason;      /**< why it counts or not; never NULL */
} lcmp_verify_signature;

/** What a verified statement says (borrowed from its lcmp_verification). */
typedef struct lcmp_statement_info {
    const char *organisation_id;
    const char *organisation_name;
    const char *baseline_id;
    const char *release;   /**< release tag */
    const char *tag_id;    /**< the gitTag subject */
    const char *commit_id; /**< the gitCommit subject */
    const char *profile;
    const char *declaration_sha256;
    int64_t evaluated_at;
    int64_t valid_until;
    const char *tool_name;
    const char *tool_version;
    lcmp_counts summary;
} lcmp_statement_info;

/** The outcome of lcmp_verify(): every step with its reason. */
typedef struct lcmp_verification lcmp_verification;

/**
 * Verify a statement in the order of DESIGN.md §3.6: parse the envelope
 * strictly; verify its signatures against the trusted keys (the keyid only
 * orders the candidates); check payloadType; parse the verified bytes
 * strictly; check `_type` and predicateType; the signer's key must be
 * registered for the statement's organisation, for namespace
 * "compliance-statement", at the statement's evaluation time; the
 * release must be a verified release with the same tag and commit ids;
 * with a declaration, its sha256 must match and re-evaluating it at
 * `evaluated_at` must give exactly the signed results; finally the
 * statement must not be past `valid_until` at `at`.
 *
 * A statement that fails a check is not an error: the call returns 0 and
 * the result says which steps failed and why. There is no way to skip a
 * step.
 *
 * @param[out] out the verification; free with lcmp_verification_free()
 * @param envelope the envelope's bytes
 * @param len their length
 * @param at the verification time ("now"), seconds since the epoch
 * @param opts options (keyring and release are required)
 * @return 0 (see lcmp_verification_valid()); LCMP_EPARSE or LCMP_ELIMIT
 *         (malformed envelope); LCMP_EINVALID (bad options); LCMP_ENOMEM;
 *         an error the release callback returned
 */
LCMP_EXTERN LCMP_WARN_UNUSED int lcmp_verify(lcmp_verification **out,
                                             const uint8_t *envelope,
                                             size_t len,
                                             int64_t at,
                                             const lcmp_verify_options *opts,
                                             lcmp_error *err);

/** Free a verification; NULL-safe. */
LCMP_EXTERN void lcmp_verification_free(lcmp_verification *v);

/** Whether every step passed (skipped steps are fine, failed ones not). */
LCMP_EXTERN bool lcmp_verification_valid(const lcmp_verification *v);

/** Step `step` (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_verify_step *
lcmp_verification_step(const lcmp_verification *v, lcmp_vstep_t step);

/** Number of signatures in the envelope. */
LCMP_EXTERN size_t
lcmp_verification_signature_count(const lcmp_verification *v);

/** Signature `i` in envelope order (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_verify_signature *
lcmp_verification_signature(const lcmp_verification *v, size_t i);

/**
 * What the statement says (borrowed), or NULL when the payload was not
 * verified and parsed (its content is then not to be trusted at all).
 */
LCMP_EXTERN const lcmp_statement_info *
lcmp_verification_statement(const lcmp_verification *v);

/**
 * Serialise a verification as `lcmp.verification/v1` JSON
 * (docs/formats.md "Verification output").
 *
 * @param[out] out JSON text, ending with a newline
 * @return 0 or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_verification_to_json(lcmp_buf *out,
                                          const lcmp_verification *v,
                                          lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
