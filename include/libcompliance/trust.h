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
 * `principals [options] keytype base64 [comment]` per line; blank lines
 * and lines starting with `#` are skipped. `principals` is a
 * comma-separated pattern-list (`*`, `?`, `!` negation; a matching
 * negated pattern wins). Supported options (case-insensitive, values in
 * double quotes): `namespaces="…"` (a pattern-list), `valid-after="…"`,
 * `valid-before="…"` (`YYYYMMDD[HHMM[SS]][Z]`, both bounds inclusive).
 * Key types: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa (>= 2048 bits).
 *
 * Unlike ssh-keygen, a time without `Z` is taken as UTC (ssh-keygen uses
 * the local time zone; a library must not depend on the process's), and a
 * malformed line refuses the whole file instead of being skipped: any
 * other option (e.g. `cert-authority`), a repeated option, valid-before
 * not after valid-after, an unsupported key type or malformed base64.
 * Immutable once loaded; may be read from several threads.
 */
typedef struct lcmp_signers lcmp_signers;

/**
 * Parse allowed_signers text.
 *
 * @param[out] out the signers; free with lcmp_signers_free()
 * @param buf the text
 * @param len its length (at most 1 MiB)
 * @param source name used in errors (path), or NULL for "<string>"
 * @return 0, LCMP_EPARSE (with err->line set and a message such as
 *         "unsupported option 'cert-authority'") or LCMP_ELIMIT (more
 *         than 1 MiB, a line longer than 8 KiB, more than 10,000 entries)
 */
LCMP_EXTERN int lcmp_signers_load_buffer(lcmp_signers **out,
                                         const uint8_t *buf,
                                         size_t len,
                                         const char *source,
                                         lcmp_error *err);

/** lcmp_signers_load_buffer() on a file. */
LCMP_EXTERN int
lcmp_signers_load_file(lcmp_signers **out, const char *path, lcmp_error *err);

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
 * rsa-sha2-256/512 signatures; hash sha256 or sha512. Legacy ssh-rsa
 * (SHA-1) and FIDO (sk-*) signatures are refused. The first entry that
 * matches key, principal, namespace and time vouches.
 *
 * @param[out] principal_out optional: `principal` when given, else the
 *         whole principals field of the entry that vouches
 * @param[out] fingerprint_out optional: the key's "SHA256:…" fingerprint
 *         (as `ssh-keygen -l` prints it), set as soon as the signature
 *         parses, so also when the key is not trusted
 * @param at the time the key must be valid at, seconds since the epoch
 * @return 0 when valid and trusted; LCMP_EVERIFY (bad signature, wrong
 *         namespace, unknown key, outside the validity window, principal
 *         mismatch) or LCMP_EPARSE (malformed signature), each with a
 *         message saying which; LCMP_EINVALID for a NULL argument
 */
LCMP_EXTERN LCMP_WARN_UNUSED int lcmp_sshsig_verify(lcmp_buf *principal_out,
                                                    lcmp_buf *fingerprint_out,
                                                    const lcmp_signers *signers,
                                                    const char *armored,
                                                    size_t armored_len,
                                                    const uint8_t *msg,
                                                    size_t msg_len,
                                                    const char *ns,
                                                    const char *principal,
                                                    int64_t at,
                                                    lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
