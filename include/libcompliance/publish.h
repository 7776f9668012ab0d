/*
 * libcompliance: publishing signed statements to a statements repository.
 *
 * lcmp_publish() verifies a statement (lcmp_verify(); an invalid one is
 * never published) and commits it as `statements/<org>/<release>.json`
 * on the `main` branch of a Git repository, then pushes that branch. The
 * path is built only from the VERIFIED organisation id and release tag, so
 * a statement of organisation A can only ever add or replace a file under
 * `statements/A/`; nothing else in the tree changes.
 *
 * The work happens in a private bare repository under the cache directory
 * (`<cache>/publish.git`): the remote's `main` is fetched, a new tree is
 * built from its tip's tree with tree builders (no checkout, no index),
 * a commit with that tip as its only parent (a root commit when the remote
 * has no `main` yet) is made and pushed. When another publisher pushed in
 * between (non-fast-forward), the commit is rebuilt on the new tip and
 * pushed again, up to `max_attempts` times, with a small randomised
 * backoff. The network callbacks (certificates, host keys, byte cap) are
 * those of lcmp_sync().
 */
#ifndef LIBCOMPLIANCE_PUBLISH_H
#define LIBCOMPLIANCE_PUBLISH_H

#include "common.h"
#include "statement.h"
#include "sync.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Attempts when lcmp_publish_options.max_attempts is 0. */
#define LCMP_PUBLISH_DEFAULT_ATTEMPTS 10u
/** The most attempts accepted. */
#define LCMP_PUBLISH_MAX_ATTEMPTS 100u
/** The private repository's directory inside the cache directory. */
#define LCMP_PUBLISH_REPO_DIR "publish.git"

/** Options of lcmp_publish(). */
typedef struct lcmp_publish_options {
    unsigned int version;
    /** The statements repository: URL or local path; required. */
    const char *remote;
    /** Cache directory; NULL means LCMP_SYNC_DEFAULT_CACHE. The private
     *  repository is <cache_dir>/publish.git. */
    const char *cache_dir;
    /** How the statement is verified (keyring and release are
     *  required); lcmp_publish() refuses a statement that is not valid. */
    const lcmp_verify_options *verify;
    /** "Now": verification time and commit time, seconds since the
     *  epoch. */
    int64_t now;
    /** Push attempts; 0 means LCMP_PUBLISH_DEFAULT_ATTEMPTS. */
    unsigned int max_attempts;
    /** Network settings (ca_file, ssh_key, ssh_user, host_key,
     *  max_bytes; other members are ignored), or NULL for the
     *  defaults. */
    const lcmp_sync_options *network;
} lcmp_publish_options;

#define LCMP_PUBLISH_OPTIONS_VERSION 1
#define LCMP_PUBLISH_OPTIONS_INIT                                  \
    {                                                              \
        LCMP_PUBLISH_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, NULL \
    }

/** Initialise publish options; LCMP_EINVALID for an unknown version. */
LCMP_EXTERN int lcmp_publish_options_init(lcmp_publish_options *opts,
                                          unsigned int version);

/** What lcmp_publish() did. */
typedef struct lcmp_publish_summary {
    /** The path in the repository: statements/<org>/<release>.json. */
    char path[256];
    /** The commit now at the tip of main (40 hex digits). */
    char commit[41];
    /** The remote's main already held exactly these bytes there: nothing
     *  was pushed. */
    bool unchanged;
    /** An earlier statement at the same path was replaced. */
    bool replaced;
    /** Push attempts made (0 when unchanged). */
    unsigned int attempts;
} lcmp_publish_summary;

/**
 * Verify `envelope` and publish it (see the top of this file).
 *
 * @param[out] summary what was done; may be NULL
 * @param envelope the statement's envelope bytes (published as they are)
 * @param len their length
 * @param opts options (remote and verify are required)
 * @param err optional error; for an invalid statement its message is
 *        "invalid statement: STEP: REASON" for the first failed step
 * @return 0; LCMP_EVERIFY (the statement is not valid); LCMP_EPARSE or
 *         LCMP_ELIMIT
 *         (malformed envelope); LCMP_EINVALID (bad options, or the
 *         remote's tree has a file where a directory belongs); LCMP_EIO
 *         (the cache directory); LCMP_EGIT (Git or network failure, or
 *         the push still refused after every attempt);
 *         LCMP_ENOMEM; an error the release callback returned
 */
LCMP_EXTERN LCMP_WARN_UNUSED int lcmp_publish(lcmp_publish_summary *summary,
                                              const uint8_t *envelope,
                                              size_t len,
                                              const lcmp_publish_options *opts,
                                              lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
