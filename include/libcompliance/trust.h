/*
 * libcompliance: OpenSSH signatures (SSHSIG) and allowed_signers files.
 *
 * Releases are git tags signed with `git tag -s` (gpg.format=ssh) and
 * municipalities' statement keys are registered in allowed_signers files;
 * both are checked here with OpenSSL, never by running ssh-keygen.
 */
#ifndef LIBCOMPLIANCE_TRUST_H
#define LIBCOMPLIANCE_TRUST_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * A parsed allowed_signers file (ssh-keygen(1), "ALLOWED SIGNERS"):
 * `principals [options] keytype base64 [comment]` per line. Supported
 * options: `namespaces="…"`, `valid-after="…"`, `valid-before="…"`; any
 * other option (e.g. `cert-authority`) is refused with its line, never
 * ignored. Immutable once loaded.
 */
typedef struct lcmp_signers lcmp_signers;

/**
 * Parse allowed_signers text.
 *
 * @param[out] out the signers; free with lcmp_signers_free()
 * @param buf the text
 * @param len its length (at most 1 MiB)
 * @param source name used in errors (path), or NULL
 * @return 0, LCMP_EPARSE (with err->line set) or LCMP_ELIMIT
 */
LCMP_EXTERN int lcmp_signers_load_buffer(lcmp_signers **out,
                                         const uint8_t *buf, size_t len,
                                         const char *source, lcmp_error *err);

/** lcmp_signers_load_buffer() on a file. */
LCMP_EXTERN int lcmp_signers_load_file(lcmp_signers **out, const char *path,
                                       lcmp_error *err);

/** Free signers; NULL-safe. */
LCMP_EXTERN void lcmp_signers_free(lcmp_signers *signers);

/** Number of entries (lines with a key). */
LCMP_EXTERN size_t lcmp_signers_count(const lcmp_signers *signers);

/**
 * Verify an armoured OpenSSH signature (`-----BEGIN SSH SIGNATURE-----`)
 * over `msg` for namespace `ns`, and check that `signers` vouches for the
 * signing key for that namespace at time `at` (and, when `principal` is
 * not NULL, for that principal).
 *
 * Supported keys: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa with
 * rsa-sha2-256/512 signatures; hash sha256 or sha512.
 *
 * @param[out] principal_out optional: the first matching principal
 * @param[out] fingerprint_out optional: the key's "SHA256:…" fingerprint
 * @return 0 when valid and trusted; LCMP_EVERIFY (bad signature, wrong
 *         namespace, unknown key, outside the validity window, principal
 *         mismatch) or LCMP_EPARSE (malformed signature), each with a
 *         message saying which
 */
LCMP_EXTERN LCMP_WARN_UNUSED int
lcmp_sshsig_verify(lcmp_buf *principal_out, lcmp_buf *fingerprint_out,
                   const lcmp_signers *signers, const char *armored,
                   size_t armored_len, const uint8_t *msg, size_t msg_len,
                   const char *ns, const char *principal, int64_t at,
                   lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
