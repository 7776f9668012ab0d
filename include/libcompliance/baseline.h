/*
 * libcompliance: baselines (manifest, controls, profiles) and resolved
 * profiles. Format: docs/formats.md §1.
 */
#ifndef LIBCOMPLIANCE_BASELINE_H
#define LIBCOMPLIANCE_BASELINE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Limits for reading JSON input; zero members mean the defaults. */
typedef struct lcmp_load_options {
    unsigned int version;
    size_t max_file_size;   /**< bytes per file; default 16 MiB */
    unsigned int max_depth; /**< nesting levels; default 64 */
} lcmp_load_options;

#define LCMP_LOAD_OPTIONS_VERSION 1
#define LCMP_LOAD_OPTIONS_INIT          \
    {                                   \
        LCMP_LOAD_OPTIONS_VERSION, 0, 0 \
    }

/**
 * Initialise load options to the defaults.
 *
 * @return 0 or LCMP_EINVALID for an unknown version
 */
LCMP_EXTERN int lcmp_load_options_init(lcmp_load_options *opts,
                                       unsigned int version);

/**
 * Where a baseline's files come from: a directory, a Git tree, memory.
 *
 * `read` fills `out` with the whole file at `path` (relative, '/'-separated,
 * e.g. "controls/governance.json"); it returns 0, LCMP_ENOTFOUND when the
 * file does not exist, LCMP_ELIMIT when it is larger than `max_size`, or
 * another code, filling `err`. `source` writes the name used in error
 * messages for `path` (e.g. "baselines/x/controls/governance.json" or
 * "<git:v2026.1:controls/governance.json>").
 */
typedef struct lcmp_reader {
    int (*read)(lcmp_buf *out,
                const char *path,
                size_t max_size,
                void *payload,
                lcmp_error *err);
    void (*source)(char *out, size_t size, const char *path, void *payload);
    void *payload;
} lcmp_reader;

/** A loaded, immutable baseline; safe to read from many threads. */
typedef struct lcmp_baseline lcmp_baseline;

/**
 * Load a baseline, stopping at the first problem.
 *
 * @param[out] out the baseline; free with lcmp_baseline_free()
 * @param reader where the files come from
 * @param opts limits, or NULL for the defaults
 * @param err optional error: file, JSON pointer, message
 * @return 0, LCMP_EPARSE (malformed), LCMP_EINVALID (inconsistent),
 *         LCMP_ENOTFOUND, LCMP_ELIMIT or LCMP_EIO
 */
LCMP_EXTERN int lcmp_baseline_load(lcmp_baseline **out,
                                   const lcmp_reader *reader,
                                   const lcmp_load_options *opts,
                                   lcmp_error *err);

/** lcmp_baseline_load() on a directory of the file system. */
LCMP_EXTERN int lcmp_baseline_load_dir(lcmp_baseline **out,
                                       const char *dir,
                                       const lcmp_load_options *opts,
                                       lcmp_error *err);

/** Free a baseline; NULL-safe. Resolved profiles must be freed first. */
LCMP_EXTERN void lcmp_baseline_free(lcmp_baseline *baseline);

/** The baseline's id (borrowed). */
LCMP_EXTERN const char *lcmp_baseline_id(const lcmp_baseline *baseline);
/** The baseline's title (borrowed). */
LCMP_EXTERN const char *lcmp_baseline_title(const lcmp_baseline *baseline);
/** The baseline's publisher (borrowed). */
LCMP_EXTERN const char *lcmp_baseline_publisher(const lcmp_baseline *baseline);
/** Number of controls in the baseline. */
LCMP_EXTERN size_t lcmp_baseline_control_count(const lcmp_baseline *baseline);
/** Number of profiles in the baseline. */
LCMP_EXTERN size_t lcmp_baseline_profile_count(const lcmp_baseline *baseline);
/** The id of profile `i` in manifest order (borrowed), NULL if out of range. */
LCMP_EXTERN const char *lcmp_baseline_profile_id(const lcmp_baseline *baseline,
                                                 size_t i);
/** Number of headline controls named by the manifest. */
LCMP_EXTERN size_t lcmp_baseline_headline_count(const lcmp_baseline *baseline);
/** Headline control id `i` (borrowed), NULL if out of range. */
LCMP_EXTERN const char *lcmp_baseline_headline(const lcmp_baseline *baseline,
                                               size_t i);

/** All problems found in a baseline tree by lcmp_baseline_validate(). */
typedef struct lcmp_problems lcmp_problems;

/**
 * Lint a baseline tree and collect every problem found, each with its file
 * and JSON pointer (the first problem of each control, profile and file).
 *
 * @param[out] out the problems (possibly none); free with
 *             lcmp_problems_free()
 * @return 0 when the tree could be examined (even with problems), or an
 *         error such as LCMP_ENOMEM; a missing directory or manifest is a
 *         problem, not an error
 */
LCMP_EXTERN int lcmp_baseline_validate(lcmp_problems **out,
                                       const lcmp_reader *reader,
                                       const lcmp_load_options *opts,
                                       lcmp_error *err);

/** lcmp_baseline_validate() on a directory of the file system. */
LCMP_EXTERN int lcmp_baseline_validate_dir(lcmp_problems **out,
                                           const char *dir,
                                           const lcmp_load_options *opts,
                                           lcmp_error *err);

/** Number of problems. */
LCMP_EXTERN size_t lcmp_problems_count(const lcmp_problems *problems);
/** Problem `i` (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_error *lcmp_problems_get(const lcmp_problems *problems,
                                                size_t i);
/** Free a problem list; NULL-safe. */
LCMP_EXTERN void lcmp_problems_free(lcmp_problems *problems);

/**
 * A profile resolved against its baseline: the selected controls in baseline
 * order with their effective parameter values. It borrows the baseline,
 * which must outlive it.
 */
typedef struct lcmp_profile lcmp_profile;

/**
 * Resolve a profile (extends, include, exclude, params).
 *
 * @param[out] out the resolved profile; free with lcmp_profile_free()
 * @param baseline the baseline
 * @param id the profile's id
 * @return 0, LCMP_ENOTFOUND (no such profile) or LCMP_EINVALID
 */
LCMP_EXTERN int lcmp_profile_resolve(lcmp_profile **out,
                                     const lcmp_baseline *baseline,
                                     const char *id,
                                     lcmp_error *err);

/** Free a resolved profile; NULL-safe. */
LCMP_EXTERN void lcmp_profile_free(lcmp_profile *profile);
/** The profile's id (borrowed). */
LCMP_EXTERN const char *lcmp_profile_id(const lcmp_profile *profile);
/** The profile's title (borrowed). */
LCMP_EXTERN const char *lcmp_profile_title(const lcmp_profile *profile);
/** Number of controls the profile selects. */
LCMP_EXTERN size_t lcmp_profile_control_count(const lcmp_profile *profile);
/** Id of selected control `i` (borrowed), NULL if out of range. */
LCMP_EXTERN const char *lcmp_profile_control_id(const lcmp_profile *profile,
                                                size_t i);
/** The baseline the profile was resolved from (borrowed). */
LCMP_EXTERN const lcmp_baseline *
lcmp_profile_baseline(const lcmp_profile *profile);

#ifdef __cplusplus
}
#endif

#endif
