/*
 * libcompliance: fetching signed baseline releases into a local cache and
 * reading them back.
 *
 * A release is an annotated tag `vYYYY.N` or `vMAJOR.MINOR.PATCH` signed
 * with an SSH key (`git tag -s`, gpg.format=ssh) whose key is listed in a
 * release-signers file (allowed_signers format) that the caller pinned out
 * of band. The cache is a bare Git repository plus a state file
 * (`state.json`) recording every release seen; files are only ever read
 * from tree objects, never from a checkout. Formats: docs/formats.md.
 */
#ifndef LIBCOMPLIANCE_SYNC_H
#define LIBCOMPLIANCE_SYNC_H

#include "common.h"
#include "baseline.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Progress of a transfer: bytes and objects received so far, and the
 * number of objects the remote announced. Called from inside lcmp_sync();
 * it must not call back into the library.
 */
typedef void (*lcmp_sync_progress_cb)(uint64_t received_bytes,
                                      size_t received_objects,
                                      size_t total_objects,
                                      void *payload);

/** The default cap on the bytes one sync may receive: 512 MiB. */
#define LCMP_SYNC_DEFAULT_MAX_BYTES ((uint64_t)512 * 1024 * 1024)

/** Default cache directory, relative to the current directory. */
#define LCMP_SYNC_DEFAULT_CACHE ".compliance"

/**
 * Options of lcmp_sync(). Strings are borrowed for the duration of the
 * call; NULL members mean "not set".
 */
typedef struct lcmp_sync_options {
    unsigned int version;
    /** URL or path of the association's repository (required). */
    const char *remote;
    /** Cache directory; NULL means LCMP_SYNC_DEFAULT_CACHE. */
    const char *cache_dir;
    /** Path of the pinned release-signers file (required): the only trust
     *  root. It is never taken from the repository. */
    const char *release_signers;
    /** Accept a release older than the current one (explicit downgrade). */
    bool allow_downgrade;
    /** The current time, seconds since the epoch (required, > 0): the
     *  caller reads the clock, the library never does. */
    int64_t now;
    /** Cap on the bytes received; 0 means LCMP_SYNC_DEFAULT_MAX_BYTES. */
    uint64_t max_bytes;
    /** HTTPS: a PEM file of CA certificates to trust instead of the
     *  system's, checked per remote. */
    const char *ca_file;
    /** SSH: private key file for authentication (mode 0600 or stricter). */
    const char *ssh_key;
    /** SSH: user name when the URL has none; NULL means "git". */
    const char *ssh_user;
    /** SSH: the remote's pinned host key fingerprint, "SHA256:<base64>". */
    const char *host_key;
    /** Optional progress callback and its payload. */
    lcmp_sync_progress_cb progress;
    void *progress_payload;
    /** Limits for loading the releases' baselines (blob size, depth);
     *  NULL means the defaults. */
    const lcmp_load_options *load;
} lcmp_sync_options;

#define LCMP_SYNC_OPTIONS_VERSION 1
#define LCMP_SYNC_OPTIONS_INIT                                                \
    {                                                                         \
        LCMP_SYNC_OPTIONS_VERSION, NULL, NULL, NULL, false, 0, 0, NULL, NULL, \
            NULL, NULL, NULL, NULL, NULL                                      \
    }

/**
 * Initialise sync options to the defaults.
 *
 * @return 0 or LCMP_EINVALID for an unknown version
 */
LCMP_EXTERN int lcmp_sync_options_init(lcmp_sync_options *opts,
                                       unsigned int version);

/** Longest tag name accepted, in bytes (without the NUL). */
#define LCMP_TAG_NAME_MAX 63

/**
 * What a sync did, filled by lcmp_sync(). Plain caller-owned data.
 *
 * `current` is the release now current ("" if none), `previous` the one
 * that was current before the sync ("" if none). When both are set and
 * differ, the `controls_*` counts compare their baselines by control id:
 * added, removed, and changed (any difference in a control's JSON).
 */
typedef struct lcmp_sync_summary {
    char current[LCMP_TAG_NAME_MAX + 1];
    char current_commit[41];
    char previous[LCMP_TAG_NAME_MAX + 1];
    /** Releases seen for the first time in this sync. */
    size_t new_releases;
    /** Releases known in total after the sync. */
    size_t releases;
    size_t controls_added;
    size_t controls_changed;
    size_t controls_removed;
    /** Bytes received from the remote. */
    uint64_t received_bytes;
} lcmp_sync_summary;

/**
 * Fetch the release tags of a remote into the cache, verify every release
 * and make the newest verified one current.
 *
 * Tags matching the release pattern are fetched into a private namespace
 * and compared with the state file; local refs are never trusted. The sync
 * is refused as a whole, before anything is recorded, when a release tag
 * is unsigned, lightweight, signed by a key the release-signers file does
 * not vouch for (namespace "git", at the time the tag was first seen),
 * names another tag than its ref, does not point to a commit, has moved
 * since it was first seen, when the newest release is expired ("Expires:"
 * trailer) or older than the current one (unless `allow_downgrade`). The
 * state file is then replaced atomically.
 *
 * @param[out] summary optional: what changed
 * @param opts the options (remote, release_signers and now are required)
 * @param err optional error; for refusals `source` is the tag name
 * @return 0; LCMP_EVERIFY (a release refused: the answer is "no");
 *         LCMP_EINVALID or LCMP_EPARSE (bad options, bad signers or state
 *         file); LCMP_ELIMIT (transfer or blob size cap); LCMP_EGIT or
 *         LCMP_EIO (network, Git, file system)
 */
LCMP_EXTERN LCMP_WARN_UNUSED int lcmp_sync(lcmp_sync_summary *summary,
                                           const lcmp_sync_options *opts,
                                           lcmp_error *err);

/** An opened cache: its state file and its bare repository. */
typedef struct lcmp_cache lcmp_cache;

/**
 * Open a cache directory written by lcmp_sync().
 *
 * @param[out] out the cache; free with lcmp_cache_free()
 * @param dir the cache directory; NULL means LCMP_SYNC_DEFAULT_CACHE
 * @return 0, LCMP_ENOTFOUND (no cache there: never synced), LCMP_EPARSE
 *         (malformed state file) or LCMP_EGIT
 */
LCMP_EXTERN int
lcmp_cache_open(lcmp_cache **out, const char *dir, lcmp_error *err);

/** Close a cache; NULL-safe. */
LCMP_EXTERN void lcmp_cache_free(lcmp_cache *cache);

/** One release recorded in the cache. Strings are borrowed from it. */
typedef struct lcmp_release_info {
    const char *tag;       /**< e.g. "v2026.1" */
    const char *tag_id;    /**< tag object id, 40 hex digits */
    const char *commit_id; /**< commit id, 40 hex digits */
    const char *signer;    /**< principal that signed it ("" if unknown) */
    int64_t first_seen;    /**< when this cache first saw the tag */
    int64_t expires;       /**< "Expires:" trailer (00:00 UTC), 0 = none */
    bool verified;         /**< signature verified when recorded */
    bool current;          /**< the current release */
} lcmp_release_info;

/** Number of releases recorded, oldest version first. */
LCMP_EXTERN size_t lcmp_cache_release_count(const lcmp_cache *cache);

/**
 * Release `i` in version order.
 *
 * @return 0 or LCMP_ENOTFOUND when out of range
 */
LCMP_EXTERN int
lcmp_cache_release(lcmp_release_info *out, const lcmp_cache *cache, size_t i);

/** The current release's tag name (borrowed), NULL if none. */
LCMP_EXTERN const char *lcmp_cache_current(const lcmp_cache *cache);

/**
 * Load the baseline of a recorded release from the cache's object
 * database, by the tag object id recorded in the state file (the cache's
 * ref must still match it). Only regular files are read; symlinks,
 * submodules and oversized blobs are refused. Error sources are named
 * "<git:TAG:path>".
 *
 * @param[out] out the baseline; free with lcmp_baseline_free()
 * @param cache the cache
 * @param tag a recorded release, or NULL for the current one
 * @param opts limits, or NULL for the defaults
 * @return 0; LCMP_ENOTFOUND (no such release, or none current);
 *         LCMP_EVERIFY (the ref no longer matches the state);
 *         or an error of lcmp_baseline_load()
 */
LCMP_EXTERN int lcmp_cache_load_baseline(lcmp_baseline **out,
                                         const lcmp_cache *cache,
                                         const char *tag,
                                         const lcmp_load_options *opts,
                                         lcmp_error *err);

/** Trust files a baseline release carries (DESIGN §3.1, §3.6). */
#define LCMP_TRUST_STATEMENT_SIGNERS "trust/statement_signers"
#define LCMP_TRUST_AUDITORS          "trust/auditors"

/**
 * Read one file of a recorded release from the cache's object database,
 * after the same checks as lcmp_cache_load_baseline(): the release is
 * recorded and verified, its ref still names the recorded tag object and
 * that tag object still names the recorded commit. The file is read from
 * the commit's tree, never from a checkout; only a regular file is read.
 *
 * This is how statement verification gets its trust files
 * (LCMP_TRUST_STATEMENT_SIGNERS, LCMP_TRUST_AUDITORS) from the newest
 * verified release.
 *
 * @param[out] out the file's bytes (NUL-terminated); the caller disposes
 *             of it with lcmp_buf_dispose(), also after an error
 * @param cache the cache
 * @param tag a recorded release, or NULL for the current (newest
 *        verified) release
 * @param path a relative path inside the release, e.g.
 *        "trust/statement_signers"; empty, absolute, "." or ".."
 *        components and backslashes are refused (LCMP_EINVALID)
 * @param max_size largest file accepted in bytes (LCMP_ELIMIT beyond it);
 *        0 means the default (16 MiB)
 * @param err optional error; `source` is "<git:TAG:path>" for a file
 * @return 0; LCMP_ENOTFOUND (no such file, no such release, or none
 *         current); LCMP_EVERIFY (the cache does not match its state
 *         file); LCMP_EINVALID (bad path, symlink or submodule);
 *         LCMP_ELIMIT; LCMP_EGIT
 */
LCMP_EXTERN int lcmp_cache_read_file(lcmp_buf *out,
                                     const lcmp_cache *cache,
                                     const char *tag,
                                     const char *path,
                                     size_t max_size,
                                     lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
