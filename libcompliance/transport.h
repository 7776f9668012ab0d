/*
 * Network transports (internal): the libgit2 remote callbacks that lcmp_sync
 * installs for git://, https:// and ssh:// remotes.
 *
 *  - certificate_check: HTTPS leaf certificates are verified with OpenSSL
 *    against the caller's CA file (per remote, never through the
 *    process-wide git_libgit2_opts); SSH host keys against a pinned
 *    "SHA256:<base64>" fingerprint. Without a CA file or pinned key,
 *    libgit2's own verdict stands (system CAs, ~/.ssh/known_hosts). An
 *    unverified certificate is never accepted.
 *  - credentials: SSH key authentication with one private key file (mode
 *    0600 or stricter), tried once.
 *  - transfer_progress: counts received bytes, cancels the transfer past
 *    the byte cap and forwards progress to the caller's callback.
 *
 * A callback that refuses records why in the transport; lcmp__transport_error
 * turns the failed libgit2 call into an lcmp_error with that message.
 *
 * libssh2 (through libgit2 1.5) reads $HOME/.ssh/known_hosts even when the
 * host key is pinned and fails when HOME is unset: a program using ssh://
 * remotes must run with HOME set (an empty or missing directory is fine).
 * The library never sets it.
 */
#ifndef LCMP_TRANSPORT_H
#define LCMP_TRANSPORT_H

#include <git2.h>

#include "libcompliance/common.h"
#include "libcompliance/sync.h"

struct x509_store_st; /* OpenSSL's X509_STORE */

/*
 * The callbacks' state for one sync. Initialise with lcmp__transport_init,
 * release with lcmp__transport_dispose. `opts` and its strings are borrowed
 * and must outlive the transport. One transport serves one thread.
 */
typedef struct lcmp__transport {
    const lcmp_sync_options *opts;
    /* cap on the bytes of one transfer (opts->max_bytes or the default) */
    uint64_t max_bytes;
    /* bytes received by the latest transfer */
    uint64_t received_bytes;
    /* calls of the credentials callback that handed out the SSH key */
    unsigned int key_attempts;
    /* the user name the SSH key was offered for */
    char ssh_user[128];
    /* the CA store loaded from opts->ca_file, on first use */
    struct x509_store_st *ca_store;
    /* why a callback refused (code 0: nothing recorded) */
    int code;
    char message[256];
} lcmp__transport;

/* Set up `t` for the options (which must outlive it; NULL: defaults). */
void lcmp__transport_init(lcmp__transport *t, const lcmp_sync_options *opts);

/*
 * Fill certificate_check, credentials, transfer_progress and payload of
 * `cbs` (already initialised with git_remote_init_callbacks); other members
 * are left alone.
 */
void lcmp__transport_callbacks(git_remote_callbacks *cbs, lcmp__transport *t);

/*
 * Turn a failed libgit2 call (gitrc < 0) into an error: the message a
 * callback recorded, else libgit2's last error, else the code. `url` (its
 * password, if any, left out) becomes err->source. Returns the code:
 * LCMP_EGIT, or what the callback recorded (LCMP_ELIMIT for the byte cap,
 * LCMP_EINVALID for a bad key file, CA file or pinned fingerprint).
 */
int lcmp__transport_error(lcmp__transport *t,
                          int gitrc,
                          const char *url,
                          lcmp_error *err);

/* Release what the transport holds; `t` may be reused after init. */
void lcmp__transport_dispose(lcmp__transport *t);

#endif
