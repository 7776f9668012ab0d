/*
 * libcompliance: evaluation of a declaration against a resolved profile,
 * and its results. Semantics: docs/formats.md §3.
 *
 * Evaluation is a pure function of (profile, declaration, time): it reads
 * no clock and does no I/O of its own (evidence files are only looked at
 * through the caller's callback).
 */
#ifndef LIBCOMPLIANCE_EVALUATE_H
#define LIBCOMPLIANCE_EVALUATE_H

#include "common.h"
#include "baseline.h"
#include "declaration.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The state of one control. Values are stable. */
typedef enum {
    LCMP_STATE_COMPLIANT = 0,
    LCMP_STATE_NON_COMPLIANT = 1,
    LCMP_STATE_EXCEPTED = 2,
    LCMP_STATE_NOT_APPLICABLE = 3,
    LCMP_STATE_UNDECLARED = 4
} lcmp_state_t;

/** Why a control is not compliant. Values are stable, append-only. */
typedef enum {
    LCMP_REASON_STATUS_NOT_IMPLEMENTED = 0,
    LCMP_REASON_STATUS_PARTIAL = 1,
    LCMP_REASON_STATUS_PLANNED = 2,
    LCMP_REASON_PLAN_OVERDUE = 3,
    LCMP_REASON_NOT_APPLICABLE_REFUSED = 4,
    LCMP_REASON_FACT_MISSING = 5,
    LCMP_REASON_FACT_INVALID = 6,
    LCMP_REASON_FACT_OUT_OF_RANGE = 7,
    LCMP_REASON_STALE = 8,
    LCMP_REASON_FACT_IN_FUTURE = 9,
    LCMP_REASON_EVIDENCE_MISSING = 10,
    LCMP_REASON_EVIDENCE_DIGEST_MISSING = 11,
    LCMP_REASON_EVIDENCE_DIGEST_MISMATCH = 12,
    LCMP_REASON_EVIDENCE_UNREADABLE = 13,
    LCMP_REASON_EXCEPTION_EXPIRED = 14,
    LCMP_REASON_UNDECLARED = 15
} lcmp_reason_t;

/** The stable name of a state ("compliant", ...), or NULL if unknown. */
LCMP_EXTERN const char *lcmp_state_name(lcmp_state_t state);
/** The stable name of a reason ("stale", ...), or NULL if unknown. */
LCMP_EXTERN const char *lcmp_reason_name(lcmp_reason_t reason);

/**
 * Looks up a local evidence file for `uri` and computes its SHA-256.
 *
 * @return 0, LCMP_ENOTFOUND when there is no such file, or another code
 *         when it cannot be read
 */
typedef int (*lcmp_evidence_fn)(uint8_t sha256_out[32],
                                const char *uri,
                                void *payload);

/**
 * A ready-made lcmp_evidence_fn that looks evidence up in a local directory
 * (`payload` is the directory path, a `const char *`).
 *
 * A relative path without a scheme (`reports/restore-2026.pdf`) is taken
 * under the directory; for a URI with a scheme (`https://dms/x/ra.pdf`,
 * `file:///srv/ra.pdf`) the last path segment is. Absolute paths, `..`
 * segments and symbolic links are never followed out of the directory
 * (they count as missing). Files larger than 1 GiB are refused.
 */
LCMP_EXTERN int
lcmp_evidence_from_dir(uint8_t sha256_out[32], const char *uri, void *payload);

/** Evaluation options; zero members are the defaults. */
typedef struct lcmp_evaluate_options {
    unsigned int version;
    /** When set, every evidence item with a digest is checked with it. */
    lcmp_evidence_fn evidence;
    void *evidence_payload;
} lcmp_evaluate_options;

#define LCMP_EVALUATE_OPTIONS_VERSION 1
#define LCMP_EVALUATE_OPTIONS_INIT                \
    {                                             \
        LCMP_EVALUATE_OPTIONS_VERSION, NULL, NULL \
    }

/** Initialise evaluation options; LCMP_EINVALID for an unknown version. */
LCMP_EXTERN int lcmp_evaluate_options_init(lcmp_evaluate_options *opts,
                                           unsigned int version);

/** One reason a control is not compliant. */
typedef struct lcmp_reason {
    lcmp_reason_t code;
    const char *pointer; /**< RFC 6901 pointer into the declaration */
    const char *message; /**< one line, for people */
} lcmp_reason;

/** The result for one control (borrowed from its lcmp_result). */
typedef struct lcmp_control_result {
    const char *control;
    const char *family; /**< family id */
    const char *title;
    lcmp_state_t state;
    /** The state before an exception applied; equals `state` otherwise. */
    lcmp_state_t original_state;
    const lcmp_reason *reasons;
    size_t nreasons;
    /** Index of the exception in the declaration, or -1 if none. */
    int exception;
    bool exception_expired;
    const char *exception_approved_by; /**< NULL without an exception */
    const char *exception_expires;     /**< "YYYY-MM-DD" or NULL */
} lcmp_control_result;

/** Counts of states and the score (0-100). */
typedef struct lcmp_counts {
    size_t controls;
    size_t compliant;
    size_t non_compliant;
    size_t excepted;
    size_t not_applicable;
    size_t undeclared;
    unsigned int score;
} lcmp_counts;

/** Counts for one family (borrowed from its lcmp_result). */
typedef struct lcmp_family_result {
    const char *id;
    const char *title;
    lcmp_counts counts;
} lcmp_family_result;

/** A warning about the declaration, e.g. an unknown control id. */
typedef struct lcmp_warning {
    const char *code; /**< "unknown_control", "not_in_profile", ... */
    const char *pointer;
    const char *message;
} lcmp_warning;

/** The immutable result of one evaluation. */
typedef struct lcmp_result lcmp_result;

/**
 * Evaluate a declaration against a resolved profile at time `at`.
 *
 * A control that fails is a finding in the result, not an error.
 *
 * @param[out] out the result; free with lcmp_result_free()
 * @param profile the resolved profile (the result borrows it and its
 *        baseline: both must outlive the result)
 * @param declaration the declaration (it must outlive the result)
 * @param at evaluation time, seconds since the epoch
 * @param opts options, or NULL
 * @return 0, LCMP_EINVALID (e.g. the declaration names another baseline)
 *         or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_evaluate(lcmp_result **out,
                              const lcmp_profile *profile,
                              const lcmp_declaration *declaration,
                              int64_t at,
                              const lcmp_evaluate_options *opts,
                              lcmp_error *err);

/** Free a result; NULL-safe. */
LCMP_EXTERN void lcmp_result_free(lcmp_result *result);

/** Counts over the whole profile (borrowed). */
LCMP_EXTERN const lcmp_counts *lcmp_result_summary(const lcmp_result *result);
/** Whether any control is non_compliant or undeclared. */
LCMP_EXTERN bool lcmp_result_has_gaps(const lcmp_result *result);
/** Evaluation time, seconds since the epoch. */
LCMP_EXTERN int64_t lcmp_result_evaluated_at(const lcmp_result *result);
/** Number of controls evaluated (the profile's controls). */
LCMP_EXTERN size_t lcmp_result_control_count(const lcmp_result *result);
/** Result of control `i` in baseline order (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_control_result *
lcmp_result_control(const lcmp_result *result, size_t i);
/** Number of families with at least one selected control. */
LCMP_EXTERN size_t lcmp_result_family_count(const lcmp_result *result);
/** Counts of family `i` in manifest order (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_family_result *
lcmp_result_family(const lcmp_result *result, size_t i);
/** Number of warnings. */
LCMP_EXTERN size_t lcmp_result_warning_count(const lcmp_result *result);
/** Warning `i` (borrowed), NULL if out of range. */
LCMP_EXTERN const lcmp_warning *lcmp_result_warning(const lcmp_result *result,
                                                    size_t i);
/** The profile that was evaluated (borrowed). */
LCMP_EXTERN const lcmp_profile *lcmp_result_profile(const lcmp_result *result);
/** The declaration that was evaluated (borrowed). */
LCMP_EXTERN const lcmp_declaration *
lcmp_result_declaration(const lcmp_result *result);

/** Flags for lcmp_result_to_json(). */
#define LCMP_RESULT_JSON_F_COMPACT (1u << 0) /**< no indentation */

/**
 * Serialise a result as `lcmp.results/v1` JSON (docs/formats.md §3.1).
 *
 * @param[out] out the JSON text, ending with a newline
 * @return 0 or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_result_to_json(lcmp_buf *out,
                                    const lcmp_result *result,
                                    uint32_t flags,
                                    lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
