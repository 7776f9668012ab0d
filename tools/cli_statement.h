/*
 * The `compliance` program: what keygen, attest, verify and countersign
 * share: passphrases, private keys, whole input files and the synced
 * cache.
 *
 * A passphrase comes from an environment variable the user names
 * (--passphrase-env VAR) or from the terminal without echo
 * (--passphrase-prompt); never from argv, where other users could read
 * it. Buffers that held one are wiped.
 */
#ifndef COMPLIANCE_CLI_STATEMENT_H
#define COMPLIANCE_CLI_STATEMENT_H

#include "cli.h"

/** Where a passphrase comes from (both NULL/false: nowhere). */
typedef struct cli_passphrase {
    const char *env; /**< --passphrase-env VAR */
    bool prompt;     /**< --passphrase-prompt */
} cli_passphrase;

/** The largest passphrase accepted, in bytes. */
#define CLI_PASSPHRASE_MAX 1024

/*
 * Read a passphrase into `buf` (NUL-terminated). With `confirm`, a prompt
 * asks twice. Returns 0, or an exit code after a one-line message (unset
 * or empty variable, no terminal, mismatch). The caller wipes `buf`.
 */
int cli_passphrase_read(char buf[CLI_PASSPHRASE_MAX + 1],
                        const cli_passphrase *from,
                        bool confirm);

/*
 * Load the private key at `path`, asking for its passphrase (from `from`)
 * only when it is encrypted. Returns 0 or an exit code after a one-line
 * message; an encrypted key without a passphrase source says how to give
 * one.
 */
int cli_load_key(lcmp_key **out, const char *path, const cli_passphrase *from);

/*
 * Read a whole input file of at most `max` bytes into a new malloc'd,
 * NUL-terminated buffer. `what` names it in messages ("declaration").
 * Returns 0 or an exit code after a message.
 */
int cli_read_file(char **out,
                  size_t *len,
                  const char *path,
                  size_t max,
                  const char *what);

/*
 * Open the synced cache in `dir` (NULL: .compliance) and find `tag` (NULL:
 * the current release), loading its baseline when `baseline_out` is not
 * NULL. A release that is not verified is refused (exit 1). Returns 0 or
 * an exit code after a message.
 */
int cli_cache_release(lcmp_cache **cache_out,
                      lcmp_release_info *release_out,
                      lcmp_baseline **baseline_out,
                      const char *dir,
                      const char *tag);

/** Where verification takes its trust and releases from. */
typedef struct cli_trust {
    const char *cache;    /**< --cache DIR (NULL: .compliance) */
    const char *signers;  /**< --signers FILE */
    const char *auditors; /**< --auditors FILE */
} cli_trust;

/*
 * Verify the envelope `env` (read from `path`) at `at` with the trust of
 * `t`, re-evaluating `declaration` when not NULL. A malformed envelope or
 * trust file, a missing cache: an exit code after a message. Otherwise 0
 * with *out set, valid or not.
 */
int cli_verify(lcmp_verification **out,
               const char *path,
               const char *env,
               size_t len,
               const cli_trust *t,
               const char *declaration,
               int64_t at,
               uint32_t flags);

/*
 * The one-line refusal for an invalid statement: "compliance: PATH:
 * invalid statement: STEP: REASON" for the first failed step. Returns
 * CLI_EXIT_NO.
 */
int cli_refuse_invalid(const char *path, const lcmp_verification *v);

/* Largest envelope read: a 16 MiB payload in base64 and signatures. */
#define CLI_MAX_ENVELOPE ((size_t)24 * 1024 * 1024)
/* Largest declaration or trust file read. */
#define CLI_MAX_INPUT ((size_t)16 * 1024 * 1024)

#endif
