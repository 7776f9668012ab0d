/*
 * The internal, immutable models: baseline, resolved profile, declaration.
 *
 * Loaders keep the parsed jansson documents alive for the lifetime of the
 * model, and every `const char *` here is borrowed from those documents (or
 * from memory the model owns): nothing is copied twice. Once loaded, a
 * model is never modified, so many threads may read it.
 */
#ifndef LCMP_MODEL_H
#define LCMP_MODEL_H

#include <jansson.h>

#include "libcompliance.h"

typedef enum {
    LCMP__T_DATE,
    LCMP__T_INTEGER,
    LCMP__T_PERCENT,
    LCMP__T_BOOLEAN,
    LCMP__T_ENUM,
    LCMP__T_STRING
} lcmp__type;

/* "date", "integer", ...; and the reverse (-1 when unknown). */
const char *lcmp__type_name(lcmp__type t);
int lcmp__type_from_name(const char *name);

/* A typed value: u.i for integer, u.num for percent, u.b for boolean,
 * u.date (days since the epoch) for date, u.s for enum and string. */
typedef struct lcmp__value {
    lcmp__type type;
    union {
        int64_t i;
        double num;
        int b;
        int32_t date;
        const char *s;
    } u;
} lcmp__value;

typedef struct lcmp__param {
    const char *name;
    lcmp__type type; /* never DATE */
    lcmp__value def;
    int has_min, has_max;
    double min, max;
    const char **values; /* enum: allowed values */
    size_t nvalues;
    const char *unit; /* NULL, "days" or "months" */
    const char *description;
} lcmp__param;

typedef struct lcmp__fact {
    const char *name;
    lcmp__type type;
    const char *description;
    const char **values; /* enum */
    size_t nvalues;
    int has_min, has_max;
    double min, max;
} lcmp__fact;

typedef enum {
    LCMP__OP_EQ,
    LCMP__OP_NE,
    LCMP__OP_LT,
    LCMP__OP_LE,
    LCMP__OP_GT,
    LCMP__OP_GE,
    LCMP__OP_IN,
    LCMP__OP_MAX_AGE
} lcmp__op;

typedef enum { LCMP__UNIT_NONE, LCMP__UNIT_DAYS, LCMP__UNIT_MONTHS } lcmp__unit;

typedef struct lcmp__rule {
    lcmp__op op;
    size_t fact;         /* index into the control's facts */
    int has_param;       /* operand is a parameter of the control */
    size_t param;        /* index into the control's params */
    lcmp__value value;   /* literal operand (not for IN) */
    const char **values; /* IN */
    size_t nvalues;
    lcmp__unit unit; /* MAX_AGE */
} lcmp__rule;

typedef struct lcmp__mapping {
    const char *framework;
    const char **ids;
    size_t nids;
} lcmp__mapping;

typedef struct lcmp__control {
    const char *id;
    const char *title;
    const char *description;
    size_t family; /* index into baseline->families */
    lcmp__param *params;
    size_t nparams;
    lcmp__fact *facts;
    size_t nfacts;
    lcmp__rule *rules;
    size_t nrules;
    int64_t evidence_min;
    int evidence_sha256;
    int allow_na;
    lcmp__mapping *mappings;
    size_t nmappings;
} lcmp__control;

typedef struct lcmp__family {
    const char *id;
    const char *title;
    size_t first; /* its controls are controls[first, first + count) */
    size_t count;
} lcmp__family;

typedef struct lcmp__param_set {
    size_t control; /* index into baseline->controls */
    size_t param;   /* index into that control's params */
    lcmp__value value;
} lcmp__param_set;

typedef struct lcmp__profile_def {
    const char *id;
    const char *title;
    const char **extends;
    size_t nextends;
    const char **include_ids;
    size_t ninclude_ids;
    const char **include_families;
    size_t ninclude_families;
    const char **exclude_ids;
    size_t nexclude_ids;
    lcmp__param_set *params;
    size_t nparams;
} lcmp__profile_def;

struct lcmp_baseline {
    json_t **docs; /* parsed documents the strings point into */
    size_t ndocs;
    const char *id;
    const char *title;
    const char *publisher;
    const char *description;
    lcmp__family *families;
    size_t nfamilies;
    lcmp__control *controls; /* baseline order: family, then file order */
    size_t ncontrols;
    size_t *by_id; /* control indices sorted by id (strcmp) */
    lcmp__profile_def *profiles;
    size_t nprofiles;
    const char **headline;
    size_t nheadline;
};

/* Index of the control with this id, or SIZE_MAX. O(log n). */
size_t lcmp__baseline_find(const lcmp_baseline *b, const char *id);
/* Index of the profile with this id in b->profiles, or SIZE_MAX. O(log n). */
size_t lcmp__baseline_find_profile(const lcmp_baseline *b, const char *id);

/*
 * For builders of a baseline other than baseline.c (the OSCAL importer):
 * lcmp__baseline_new() gives an empty baseline that lcmp_baseline_free()
 * frees; lcmp__baseline_alloc() gives zeroed memory that lives exactly as
 * long as the baseline (NULL on failure); lcmp__baseline_keep() makes the
 * baseline hold a reference to a document its strings point into;
 * lcmp__baseline_index() builds by_id and the profile index once controls
 * and profiles are filled in (LCMP_EINVALID on a duplicate control or
 * profile id, naming it in err).
 */
lcmp_baseline *lcmp__baseline_new(void);
void *lcmp__baseline_alloc(lcmp_baseline *b, size_t n, size_t size);
int lcmp__baseline_keep(lcmp_baseline *b, json_t *doc);
int lcmp__baseline_index(lcmp_baseline *b, lcmp_error *err);

struct lcmp_profile {
    const lcmp_baseline *baseline;
    const char *id;
    const char *title;
    size_t *controls; /* indices into baseline->controls, baseline order */
    size_t ncontrols;
    /* Effective parameter values: values[offsets[k] + p] is parameter p of
     * controls[k]. */
    lcmp__value *values;
    size_t *offsets;
};

/* Effective value of parameter `param` of the profile's k-th control. */
const lcmp__value *
lcmp__profile_param(const lcmp_profile *p, size_t k, size_t param);

typedef enum {
    LCMP__STATUS_IMPLEMENTED,
    LCMP__STATUS_PARTIAL,
    LCMP__STATUS_PLANNED,
    LCMP__STATUS_NOT_IMPLEMENTED,
    LCMP__STATUS_NOT_APPLICABLE
} lcmp__status;

typedef struct lcmp__evidence {
    const char *uri;
    int has_sha256;
    uint8_t sha256[32];
    int has_date;
    int32_t date;
} lcmp__evidence;

typedef struct lcmp__decl_control {
    const char *id;
    size_t index; /* position in the declaration's "controls" member */
    lcmp__status status;
    int has_target_date;
    int32_t target_date;
    const char *justification;
    const char *owner;
    const char *note;
    const json_t *facts; /* borrowed object or NULL; judged at evaluation */
    lcmp__evidence *evidence;
    size_t nevidence;
} lcmp__decl_control;

typedef struct lcmp__exception {
    const char *control;
    const char *justification;
    const char *approved_by;
    const char *compensating;
    int32_t expires;
    size_t index; /* position in "exceptions" */
} lcmp__exception;

struct lcmp_declaration {
    json_t *doc;
    const char *org_id;
    const char *org_name;
    const char *baseline;
    const char *profile;
    lcmp__decl_control *controls; /* file order */
    size_t ncontrols;
    size_t *by_id; /* indices sorted by id */
    lcmp__exception *exceptions;
    size_t nexceptions;
    /* exception indices sorted by control id (the loader stores them in
     * the same allocation as by_id, right after the control indices) */
    size_t *exceptions_by_id;
};

/* Lookups by control id; NULL when absent. O(log n). */
const lcmp__decl_control *lcmp__declaration_find(const lcmp_declaration *d,
                                                 const char *id);
const lcmp__exception *lcmp__declaration_exception(const lcmp_declaration *d,
                                                   const char *id);

#endif
