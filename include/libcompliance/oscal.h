/*
 * libcompliance: OSCAL interoperability (docs/oscal.md). OSCAL 1.x JSON
 * catalogs and profiles in (resolved per NIST's profile resolution
 * specification, loaded into the same model as native baselines), the
 * resolved catalog and assessment results out.
 */
#ifndef LIBCOMPLIANCE_OSCAL_H
#define LIBCOMPLIANCE_OSCAL_H

#include "common.h"
#include "baseline.h"
#include "evaluate.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Read the document an import names from a local file instead.
 *
 * `href` is compared byte for byte with an import's `href` (e.g.
 * "#84cbf061-eb87-4ec1-8112-1f529232e907" or "../catalog.xml") and with the
 * `href` of each `rlink` of a back-matter resource that an import names by
 * "#uuid". `path` is used as given: relative to the current directory, or,
 * in a baseline tree, to the tree's root.
 */
typedef struct lcmp_oscal_href {
    const char *href;
    const char *path;
} lcmp_oscal_href;

/**
 * Called for conditions that the OSCAL specification says must not stop
 * resolution (a set-parameters or alter for something the profile does not
 * select, an add whose by-id names nothing, a remove that matches nothing).
 * `warning` is borrowed for the duration of the call.
 */
typedef void (*lcmp_oscal_warn_fn)(const lcmp_error *warning, void *payload);

/** Options of the OSCAL functions; zero members mean the defaults. */
typedef struct lcmp_oscal_options {
    unsigned int version;
    size_t max_file_size;         /**< bytes per document; default 16 MiB */
    unsigned int max_depth;       /**< JSON nesting levels; default 64 */
    unsigned int max_imports;     /**< profile import chain; default 32 */
    const lcmp_oscal_href *hrefs; /**< import redirections, or NULL */
    size_t nhrefs;
    /** lcmp_oscal_load_*: the baseline's id; default: from the file name */
    const char *baseline_id;
    /** lcmp_oscal_load_*: the profile's id; default: from the file name
     * (lcmp_oscal_load_catalog: "all") */
    const char *profile_id;
    /** Resolution: metadata.last-modified of the resolved catalog, seconds
     * since the epoch; 0: the newest last-modified of the inputs, so that
     * the same inputs always give the same bytes */
    int64_t last_modified;
    lcmp_oscal_warn_fn warn; /**< warnings, or NULL to drop them */
    void *warn_payload;
} lcmp_oscal_options;

#define LCMP_OSCAL_OPTIONS_VERSION 1
#define LCMP_OSCAL_OPTIONS_INIT                                            \
    {                                                                      \
        LCMP_OSCAL_OPTIONS_VERSION, 0, 0, 0, NULL, 0, NULL, NULL, 0, NULL, \
            NULL                                                           \
    }

/**
 * Initialise OSCAL options to the defaults.
 *
 * @return 0 or LCMP_EINVALID for an unknown version
 */
LCMP_EXTERN int lcmp_oscal_options_init(lcmp_oscal_options *opts,
                                        unsigned int version);

/** Flags of the OSCAL writers. */
#define LCMP_OSCAL_F_COMPACT (1u << 0) /**< no indentation */

/**
 * Resolve an OSCAL profile into its resolved profile catalog (OSCAL JSON).
 *
 * Imports are read from local files: a relative `href` relative to the
 * importing document, a `#uuid` through the rlinks of that back-matter
 * resource, an `href` naming an XML or YAML document as the JSON document
 * beside it (same name, `.json`), and `opts->hrefs` first. The output is
 * deterministic: the same inputs give the same bytes (its uuid is derived
 * from the inputs' SHA-256, its last-modified is the newest of theirs).
 *
 * @param[out] out the resolved catalog, JSON ending with a newline
 * @param profile_path the profile (a catalog is accepted too and written
 *        back as it is, re-serialised)
 * @param opts options, or NULL
 * @param flags LCMP_OSCAL_F_*
 * @param err optional error: the file and JSON pointer of the problem
 *        (for an import: of the import's href)
 * @return 0, LCMP_EPARSE (malformed), LCMP_EINVALID (unknown control,
 *         cycle, unsupported directive, bad href), LCMP_ENOTFOUND (an
 *         import does not exist), LCMP_ELIMIT or LCMP_EIO
 */
LCMP_EXTERN int lcmp_oscal_resolve(lcmp_buf *out,
                                   const char *profile_path,
                                   const lcmp_oscal_options *opts,
                                   uint32_t flags,
                                   lcmp_error *err);

/**
 * Load an OSCAL catalog as a baseline: groups become families, controls
 * (enhancements included, after their parent) become controls without
 * facts or rules, parameters become string parameters. The baseline has
 * one profile, `opts->profile_id` or "all", that selects every control
 * that is not withdrawn.
 *
 * @param[out] out the baseline; free with lcmp_baseline_free()
 * @return as lcmp_oscal_resolve()
 */
LCMP_EXTERN int lcmp_oscal_load_catalog(lcmp_baseline **out,
                                        const char *catalog_path,
                                        const lcmp_oscal_options *opts,
                                        lcmp_error *err);

/**
 * Resolve an OSCAL profile and load its resolved catalog as a baseline:
 * its controls are the resolved controls, with the parameter values and
 * alterations of the profile, and its one profile (`opts->profile_id` or
 * the file name) selects them all, so that lcmp_profile_resolve() on it
 * gives the OSCAL profile.
 *
 * @param[out] out the baseline; free with lcmp_baseline_free()
 * @return as lcmp_oscal_resolve()
 */
LCMP_EXTERN int lcmp_oscal_load_profile(lcmp_baseline **out,
                                        const char *profile_path,
                                        const lcmp_oscal_options *opts,
                                        lcmp_error *err);

/**
 * Serialise an evaluation result as an OSCAL assessment-results document:
 * one finding per control of the profile (target status satisfied or
 * not-satisfied), an observation per reason, a risk with status
 * deviation-approved per valid exception. Deterministic: the uuids are
 * derived from the result's content, the times are the evaluation time.
 * Mapping: docs/oscal.md.
 *
 * @param[out] out JSON text, ending with a newline
 * @param result the result
 * @param flags LCMP_OSCAL_F_*
 * @return 0, LCMP_ENOMEM or LCMP_ECRYPTO (hashing failed)
 */
LCMP_EXTERN int lcmp_result_to_oscal(lcmp_buf *out,
                                     const lcmp_result *result,
                                     uint32_t flags,
                                     lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
