/*
 * libcompliance: what changed between two baselines (releases or
 * directories), what that means for one declaration, and what changed
 * between two signed statements of the same organisation. Format of the
 * JSON: docs/formats.md "Differences (lcmp.diff/v1)".
 *
 * Every comparison is a pure function of its inputs: no clock, no I/O.
 * Order is deterministic: the NEW baseline's order, then what was removed
 * in the OLD baseline's order.
 */
#ifndef LIBCOMPLIANCE_DIFF_H
#define LIBCOMPLIANCE_DIFF_H

#include "common.h"
#include "baseline.h"
#include "declaration.h"
#include "evaluate.h"
#include "statement.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a control changed between two baselines. Values are stable. */
typedef enum {
    LCMP_CHANGE_ADDED = 0,   /**< only in NEW */
    LCMP_CHANGE_REMOVED = 1, /**< only in OLD */
    LCMP_CHANGE_CHANGED = 2  /**< in both, with different content */
} lcmp_change_t;

/** What differs in a changed control (lcmp_control_change.aspects). */
#define LCMP_ASPECT_TITLE          (1u << 0)
#define LCMP_ASPECT_DESCRIPTION    (1u << 1)
#define LCMP_ASPECT_FAMILY         (1u << 2)
#define LCMP_ASPECT_PARAMS         (1u << 3) /**< parameter definitions */
#define LCMP_ASPECT_FACTS          (1u << 4)
#define LCMP_ASPECT_RULES          (1u << 5)
#define LCMP_ASPECT_EVIDENCE       (1u << 6)
#define LCMP_ASPECT_NOT_APPLICABLE (1u << 7)
#define LCMP_ASPECT_MAPPINGS       (1u << 8)
/** Number of LCMP_ASPECT_* bits. */
#define LCMP_ASPECT_COUNT 9

/**
 * The stable name of one aspect bit ("title", "description", "family",
 * "params", "facts", "rules", "evidence", "not_applicable", "mappings"),
 * or NULL if `aspect` is not exactly one known bit.
 */
LCMP_EXTERN const char *lcmp_aspect_name(uint32_t aspect);

/** One control that differs (borrowed from its lcmp_diff). */
typedef struct lcmp_control_change {
    const char *control;
    lcmp_change_t change;
    /** LCMP_ASPECT_* bits; 0 unless `change` is LCMP_CHANGE_CHANGED. */
    uint32_t aspects;
    const char *old_title;  /**< NULL when added */
    const char *new_title;  /**< NULL when removed */
    const char *old_family; /**< family id; NULL when added */
    const char *new_family; /**< family id; NULL when removed */
} lcmp_control_change;

/** How one profile changed. Values are stable. */
typedef enum {
    /** The control is selected in NEW, not in OLD. */
    LCMP_PCHANGE_REQUIRED = 0,
    /** The control was selected in OLD, not in NEW. */
    LCMP_PCHANGE_NOT_REQUIRED = 1,
    /** An effective parameter value differs. */
    LCMP_PCHANGE_PARAM = 2,
    /** The whole profile is new (no per-control entries follow). */
    LCMP_PCHANGE_PROFILE_ADDED = 3,
    /** The whole profile is gone (no per-control entries follow). */
    LCMP_PCHANGE_PROFILE_REMOVED = 4
} lcmp_pchange_t;

/** One change of one profile (borrowed from its lcmp_diff). */
typedef struct lcmp_profile_change {
    const char *profile;
    lcmp_pchange_t change;
    const char *control; /**< NULL for PROFILE_ADDED/REMOVED */
    /**
     * REQUIRED: the first OLD profile (manifest order) that selected the
     * control (the control moved from there), or NULL. NOT_REQUIRED: the
     * first NEW profile that selects it (it moved there), or NULL.
     */
    const char *other_profile;
    /** PARAM: the parameter's name; NULL otherwise. */
    const char *param;
    /** PARAM: the values as text ("24", "true", "90.5", "weekly"); NULL
     *  when the parameter does not exist on that side. */
    const char *old_value;
    const char *new_value;
} lcmp_profile_change;

/** The differences between two baselines. Immutable once made. */
typedef struct lcmp_diff lcmp_diff;

/**
 * Compare two baselines control by control and profile by profile.
 *
 * Controls are compared member by member (a renamed control, same id and
 * new title, is "changed: title"; a control moved to another family is
 * "changed: family"). Every profile of either baseline is resolved on its
 * side and compared: selected controls and effective parameter values.
 *
 * @param[out] out the differences; free with lcmp_diff_free(). It borrows
 *        both baselines, which must outlive it.
 * @param old_b the OLD baseline
 * @param new_b the NEW baseline
 * @return 0, LCMP_EINVALID (a profile does not resolve) or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_diff_baselines(lcmp_diff **out,
                                    const lcmp_baseline *old_b,
                                    const lcmp_baseline *new_b,
                                    lcmp_error *err);

/** Free a diff; NULL-safe. */
LCMP_EXTERN void lcmp_diff_free(lcmp_diff *diff);

/** Whether the two baselines differ in any control or profile. */
LCMP_EXTERN bool lcmp_diff_has_changes(const lcmp_diff *diff);

/** Number of controls added, removed or changed. */
LCMP_EXTERN size_t lcmp_diff_control_count(const lcmp_diff *diff);
/** Control change `i` (NEW order, then removed in OLD order), or NULL. */
LCMP_EXTERN const lcmp_control_change *lcmp_diff_control(const lcmp_diff *diff,
                                                         size_t i);

/** Number of profile changes. */
LCMP_EXTERN size_t lcmp_diff_profile_change_count(const lcmp_diff *diff);
/**
 * Profile change `i`, or NULL: grouped by profile (NEW manifest order,
 * then removed profiles in OLD order); within a profile the NEW baseline's
 * control order, then controls no longer selected in OLD order.
 */
LCMP_EXTERN const lcmp_profile_change *
lcmp_diff_profile_change(const lcmp_diff *diff, size_t i);

/*
 * Impact on a declaration
 */

/** How one control's result changes for a declaration. Values are stable. */
typedef enum {
    /** Passing in OLD (compliant, excepted, not applicable), failing in
     *  NEW (non-compliant or undeclared). */
    LCMP_IMPACT_NEWLY_FAILING = 0,
    /** Selected in NEW only (new control or new in the profile). */
    LCMP_IMPACT_NEWLY_REQUIRED = 1,
    /** Failing in both, or passing in both, with another state or other
     *  reasons. */
    LCMP_IMPACT_CHANGED = 2,
    /** Failing in OLD, passing in NEW. */
    LCMP_IMPACT_NEWLY_PASSING = 3,
    /** Selected in OLD only. */
    LCMP_IMPACT_NO_LONGER_REQUIRED = 4
} lcmp_impact_t;

/** The stable name of an impact ("newly_failing", ...), or NULL. */
LCMP_EXTERN const char *lcmp_impact_name(lcmp_impact_t kind);

/** One control whose result changes (borrowed from its lcmp_impact). */
typedef struct lcmp_impact_item {
    const char *control;
    const char *title; /**< NEW title; OLD title when no longer required */
    lcmp_impact_t kind;
    bool has_old; /**< evaluated against OLD */
    lcmp_state_t old_state;
    bool has_new; /**< evaluated against NEW */
    lcmp_state_t new_state;
    /** The NEW reasons (none when not evaluated against NEW). */
    const lcmp_reason *reasons;
    size_t nreasons;
} lcmp_impact_item;

/** The impact of a new baseline on one declaration. Immutable. */
typedef struct lcmp_impact lcmp_impact;

/**
 * Evaluate a declaration against the same profile of OLD and NEW at the
 * same time and list every control whose result changes.
 *
 * @param[out] out the impact; free with lcmp_impact_free(). It borrows the
 *        baselines and the declaration, which must outlive it.
 * @param old_b the OLD baseline
 * @param new_b the NEW baseline
 * @param declaration the declaration
 * @param profile the profile id, or NULL for the declaration's own
 * @param at the evaluation time, seconds since the epoch
 * @param opts evaluation options, or NULL
 * @return 0; LCMP_ENOTFOUND (no profile given, or it is missing from one
 *         baseline, named in `err`); LCMP_EINVALID; LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_impact_evaluate(lcmp_impact **out,
                                     const lcmp_baseline *old_b,
                                     const lcmp_baseline *new_b,
                                     const lcmp_declaration *declaration,
                                     const char *profile,
                                     int64_t at,
                                     const lcmp_evaluate_options *opts,
                                     lcmp_error *err);

/** Free an impact; NULL-safe. */
LCMP_EXTERN void lcmp_impact_free(lcmp_impact *impact);
/** The profile evaluated (borrowed). */
LCMP_EXTERN const char *lcmp_impact_profile(const lcmp_impact *impact);
/** The evaluation time. */
LCMP_EXTERN int64_t lcmp_impact_evaluated_at(const lcmp_impact *impact);
/** The result against OLD (borrowed). */
LCMP_EXTERN const lcmp_result *lcmp_impact_old(const lcmp_impact *impact);
/** The result against NEW (borrowed). */
LCMP_EXTERN const lcmp_result *lcmp_impact_new(const lcmp_impact *impact);
/** Number of controls whose result changes. */
LCMP_EXTERN size_t lcmp_impact_count(const lcmp_impact *impact);
/** Item `i` (NEW baseline order, then OLD-only controls), or NULL. */
LCMP_EXTERN const lcmp_impact_item *lcmp_impact_get(const lcmp_impact *impact,
                                                    size_t i);

/** Flags for lcmp_diff_to_json(). */
#define LCMP_DIFF_JSON_F_COMPACT (1u << 0) /**< no indentation */

/**
 * Serialise a diff, and optionally an impact, as `lcmp.diff/v1` JSON.
 *
 * @param[out] out the JSON text, ending with a newline
 * @param diff the differences
 * @param impact the impact on a declaration, or NULL
 * @param old_name what OLD was (a tag or a directory), or NULL
 * @param new_name what NEW was, or NULL
 * @param flags LCMP_DIFF_JSON_F_*
 * @return 0 or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_diff_to_json(lcmp_buf *out,
                                  const lcmp_diff *diff,
                                  const lcmp_impact *impact,
                                  const char *old_name,
                                  const char *new_name,
                                  uint32_t flags,
                                  lcmp_error *err);

/*
 * Two statements of one organisation
 */

/** How one control's signed result moved. Values are stable. */
typedef enum {
    LCMP_MOVE_IMPROVED = 0,  /**< to a better state */
    LCMP_MOVE_REGRESSED = 1, /**< to a worse state */
    LCMP_MOVE_UNCHANGED = 2, /**< same state */
    LCMP_MOVE_ADDED = 3,     /**< only in the NEW statement */
    LCMP_MOVE_REMOVED = 4    /**< only in the OLD statement */
} lcmp_move_t;

/** The stable name of a move ("improved", ...), or NULL. */
LCMP_EXTERN const char *lcmp_move_name(lcmp_move_t move);

/** One control of two statements (borrowed from its lcmp_statement_diff). */
typedef struct lcmp_statement_move {
    const char *control;
    const char *family;
    lcmp_move_t move;
    /** Stable state names ("compliant", ...); NULL on the missing side. */
    const char *old_state;
    const char *new_state;
} lcmp_statement_move;

/** The comparison of two verified statements. Immutable. */
typedef struct lcmp_statement_diff lcmp_statement_diff;

/**
 * Compare two statements that verified (lcmp_verify()), given with the
 * envelope bytes they were verified from.
 *
 * States are ranked compliant = not applicable > excepted > non-compliant
 * = undeclared; a control that moves up is improved, down regressed.
 *
 * @param[out] out the comparison; free with lcmp_statement_diff_free()
 * @param old_v the OLD statement's verification (must be valid)
 * @param old_env the bytes it was verified from
 * @param old_len their length
 * @param new_v the NEW statement's verification (must be valid)
 * @param new_env the bytes it was verified from
 * @param new_len their length
 * @return 0; LCMP_EVERIFY (a verification is not valid, or the bytes are
 *         not the ones it verified); LCMP_EINVALID (the statements are for
 *         different organisations); LCMP_EPARSE; LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_statement_diff_new(lcmp_statement_diff **out,
                                        const lcmp_verification *old_v,
                                        const uint8_t *old_env,
                                        size_t old_len,
                                        const lcmp_verification *new_v,
                                        const uint8_t *new_env,
                                        size_t new_len,
                                        lcmp_error *err);

/** Free a statement comparison; NULL-safe. */
LCMP_EXTERN void lcmp_statement_diff_free(lcmp_statement_diff *diff);
/** What the OLD statement says (borrowed). */
LCMP_EXTERN const lcmp_statement_info *
lcmp_statement_diff_old(const lcmp_statement_diff *diff);
/** What the NEW statement says (borrowed). */
LCMP_EXTERN const lcmp_statement_info *
lcmp_statement_diff_new_info(const lcmp_statement_diff *diff);
/** Number of controls compared (both statements' controls). */
LCMP_EXTERN size_t lcmp_statement_diff_count(const lcmp_statement_diff *diff);
/** Control `i` (NEW statement order, then OLD-only ones), or NULL. */
LCMP_EXTERN const lcmp_statement_move *
lcmp_statement_diff_get(const lcmp_statement_diff *diff, size_t i);
/** Number of controls with this move. */
LCMP_EXTERN size_t lcmp_statement_diff_tally(const lcmp_statement_diff *diff,
                                             lcmp_move_t move);

/**
 * Serialise a statement comparison as `lcmp.statement-diff/v1` JSON.
 *
 * @param[out] out the JSON text, ending with a newline
 * @return 0 or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_statement_diff_to_json(lcmp_buf *out,
                                            const lcmp_statement_diff *diff,
                                            uint32_t flags,
                                            lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
