/*
 * libcompliance: the sector-wide report over many signed statements.
 *
 * A report verifies every statement it is given (lcmp_verify(), on a small
 * pool of threads), keeps per organisation only its latest valid statement
 * (by evaluated_at) as a compact summary, and aggregates per control and
 * per family the share of organisations that are compliant, excepted, not
 * compliant, not applicable or undeclared; the baseline's headline
 * controls come first. Organisations that are expected (the principals of
 * trust/statement_signers) but have no valid statement are listed as
 * missing, invalid (with the failed step's reason) or expired. Memory
 * grows with the number of organisations and controls, never with the
 * number of statements. Outputs: text, JSON (`lcmp.report/v1`,
 * docs/formats.md "Report"), CSV, Markdown and one self-contained HTML
 * page.
 */
#ifndef LIBCOMPLIANCE_REPORT_H
#define LIBCOMPLIANCE_REPORT_H

#include "common.h"
#include "baseline.h"
#include "statement.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options of lcmp_report_new(). */
typedef struct lcmp_report_options {
    unsigned int version;
    /** The trusted keys; required. */
    const lcmp_keyring *keyring;
    /** Where releases are looked up (e.g. lcmp_release_from_cache());
     *  required; called from several threads at once, so it must only
     *  read (lcmp_release_from_cache() does). */
    lcmp_release_fn release;
    void *release_payload;
    /** The baseline whose headline controls come first, or NULL. */
    const lcmp_baseline *baseline;
    /** Organisation ids expected to have a statement, or NULL. */
    const char *const *expected;
    size_t expected_count;
    /** The verification time ("now"), seconds since the epoch. */
    int64_t at;
    /** Verifying threads; 0 = one per online CPU (at most 64). */
    unsigned int threads;
} lcmp_report_options;

#define LCMP_REPORT_OPTIONS_VERSION 1
#define LCMP_REPORT_OPTIONS_INIT                                           \
    {                                                                      \
        LCMP_REPORT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 \
    }

/** Initialise report options; LCMP_EINVALID for an unknown version. */
LCMP_EXTERN int lcmp_report_options_init(lcmp_report_options *opts,
                                         unsigned int version);

/** A report being built. One thread at a time. */
typedef struct lcmp_report lcmp_report;

/**
 * Start a report. The options' keyring, baseline and expected ids are
 * borrowed and must outlive the report.
 *
 * @param[out] out the report; free with lcmp_report_free()
 * @return 0, LCMP_EINVALID (bad options) or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_report_new(lcmp_report **out,
                                const lcmp_report_options *opts,
                                lcmp_error *err);

/** Free a report; NULL-safe. */
LCMP_EXTERN void lcmp_report_free(lcmp_report *report);

/**
 * Verify one statement in the calling thread and merge it. A statement
 * that does not verify (even one whose envelope is malformed) is not an
 * error: it is recorded as invalid.
 *
 * @param source its name in the report (e.g. the path); required
 * @return 0 or LCMP_ENOMEM; or an error the release callback returned
 */
LCMP_EXTERN int lcmp_report_add(lcmp_report *report,
                                const uint8_t *envelope,
                                size_t len,
                                const char *source,
                                lcmp_error *err);

/**
 * Read and add statement files on the report's threads. A file that
 * cannot be read is recorded as invalid.
 *
 * @return 0, LCMP_EINVALID (a NULL argument or path), LCMP_ENOMEM, or an
 *         error the release callback returned
 */
LCMP_EXTERN int lcmp_report_add_files(lcmp_report *report,
                                      const char *const *paths,
                                      size_t count,
                                      lcmp_error *err);

/**
 * Add every regular `*.json` file of `dir` and of its subdirectories (as
 * in a statements repository: statements/<org>/<release>.json), on the
 * report's threads, which list directories and verify files as they go.
 * Names starting with '.' and symbolic links are skipped, and so are
 * directories more than 8 levels below `dir`. The order files are read
 * in does not change the report.
 *
 * @return 0, LCMP_ENOTFOUND or LCMP_EIO (the directory cannot be read),
 *         LCMP_ENOMEM, or an error the release callback returned
 */
LCMP_EXTERN int
lcmp_report_add_dir(lcmp_report *report, const char *dir, lcmp_error *err);

/**
 * Verify and add statements held in memory, on the report's threads, as
 * lcmp_report_add() does for each. The buffers are only read and need to
 * live only during the call.
 *
 * @param bufs the envelopes' bytes (`count` non-NULL pointers)
 * @param lens their lengths
 * @param sources their names in the report (non-NULL)
 * @return 0, LCMP_EINVALID (a NULL argument), LCMP_ENOMEM, or an error
 *         the release callback returned
 */
LCMP_EXTERN int lcmp_report_add_buffers(lcmp_report *report,
                                        const uint8_t *const *bufs,
                                        const size_t *lens,
                                        const char *const *sources,
                                        size_t count,
                                        lcmp_error *err);

/** The private repository's directory inside the cache directory that
 *  `compliance report --repo` uses. */
#define LCMP_REPORT_REPO_DIR "report.git"

/** Options of lcmp_report_add_repo(): the network settings. */
typedef struct lcmp_report_repo_options {
    unsigned int version;
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
} lcmp_report_repo_options;

#define LCMP_REPORT_REPO_OPTIONS_VERSION 1
#define LCMP_REPORT_REPO_OPTIONS_INIT                               \
    {                                                               \
        LCMP_REPORT_REPO_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL \
    }

/** Initialise repository options; LCMP_EINVALID for an unknown version. */
LCMP_EXTERN int lcmp_report_repo_options_init(lcmp_report_repo_options *opts,
                                              unsigned int version);

/**
 * Fetch the `main` branch of a statements repository and add every
 * statement under its `statements/` tree.
 *
 * The branch is fetched into the private bare repository `work_dir`
 * (created when missing) under a private reference; the commit read is
 * the one the remote advertises for refs/heads/main, never a local ref.
 * Files are read from tree objects (no checkout): every regular blob
 * whose name ends in `.json`, at most 8 directories below `statements/`,
 * is verified as "<repo:statements/ORG/RELEASE.json>" on the report's
 * threads while the next ones are read. Symbolic links, submodules,
 * blobs over 16 MiB, paths that are not plain names and directories
 * nested deeper are not read: each is recorded as a refused statement
 * with the reason. Other files (e.g. a README) are ignored. A repository
 * without `statements/` adds nothing.
 *
 * @param url the statements repository: URL or local path
 * @param work_dir the private bare repository (e.g. <cache>/report.git)
 * @param opts network settings, or NULL for the defaults
 * @return 0; LCMP_EINVALID (bad arguments, or `statements` is not a
 *         directory); LCMP_ENOTFOUND (the remote has no main branch);
 *         LCMP_ELIMIT (the byte cap); LCMP_EGIT (Git or network failure);
 *         LCMP_ENOMEM; or an error the release callback returned
 */
LCMP_EXTERN int lcmp_report_add_repo(lcmp_report *report,
                                     const char *url,
                                     const char *work_dir,
                                     const lcmp_report_repo_options *opts,
                                     lcmp_error *err);

/** What the report knows about an organisation. Values are stable. */
typedef enum {
    LCMP_ORG_VALID = 0,   /**< a valid statement */
    LCMP_ORG_INVALID = 1, /**< only statements that do not verify */
    LCMP_ORG_EXPIRED = 2, /**< only statements past valid_until */
    LCMP_ORG_MISSING = 3  /**< expected, but no statement at all */
} lcmp_org_status_t;

/** One organisation (borrowed from its report). */
typedef struct lcmp_report_org {
    const char *id;
    const char *name; /**< "" when unknown */
    lcmp_org_status_t status;
    const char *reason;   /**< why not valid ("" when valid) */
    const char *source;   /**< the statement counted or refused, or "" */
    const char *release;  /**< "" when unknown */
    const char *profile;  /**< "" when unknown */
    int64_t evaluated_at; /**< 0 when unknown */
    int64_t valid_until;  /**< 0 when unknown */
    lcmp_counts summary;  /**< the statement's own summary (valid only) */
} lcmp_report_org;

/** Aggregated states of one control or family. */
typedef struct lcmp_report_row {
    const char *id;     /**< control or family id */
    const char *family; /**< the control's family (the id for families) */
    bool headline;      /**< a headline control of the baseline */
    /** Counts per lcmp_state_t, over organisations with a valid
     *  statement (for a family: over organisations times controls). */
    size_t counts[5];
    size_t total; /**< sum of counts */
} lcmp_report_row;

/**
 * Compute the aggregates after the last add. Adding again afterwards is
 * allowed; call this again before reading.
 *
 * @return 0 or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_report_finish(lcmp_report *report, lcmp_error *err);

/** Number of statements seen. */
LCMP_EXTERN size_t lcmp_report_statement_count(const lcmp_report *report);
/** Number of organisations (valid, invalid, expired, missing). */
LCMP_EXTERN size_t lcmp_report_org_count(const lcmp_report *report);
/** Organisation `i`, sorted by id (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_report_org *lcmp_report_org_at(const lcmp_report *report,
                                                      size_t i);
/** Number of controls aggregated. */
LCMP_EXTERN size_t lcmp_report_control_count(const lcmp_report *report);
/** Control `i`: headline controls in manifest order, then by family and
 *  id (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_report_row *
lcmp_report_control_at(const lcmp_report *report, size_t i);
/** Number of families aggregated. */
LCMP_EXTERN size_t lcmp_report_family_count(const lcmp_report *report);
/** Family `i`, sorted by id (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_report_row *
lcmp_report_family_at(const lcmp_report *report, size_t i);
/** Number of refused statements no organisation can be named for (their
 *  signature does not verify with any trusted key, or unreadable). */
LCMP_EXTERN size_t lcmp_report_unattributed_count(const lcmp_report *report);

/** Output formats of lcmp_report_render(). Values are stable. */
typedef enum {
    LCMP_REPORT_TEXT = 0,
    LCMP_REPORT_JSON = 1, /**< lcmp.report/v1 */
    LCMP_REPORT_CSV = 2,  /**< RFC 4180, one row per control */
    LCMP_REPORT_MARKDOWN = 3,
    LCMP_REPORT_HTML = 4 /**< one self-contained page, inline SVG */
} lcmp_report_format_t;

/**
 * Render a finished report (lcmp_report_finish()).
 *
 * @param[out] out the document
 * @return 0, LCMP_EINVALID (unknown format) or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_report_render(lcmp_buf *out,
                                   const lcmp_report *report,
                                   lcmp_report_format_t format,
                                   lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
