/*
 * The compliance statement (internal): reading a statement back with a
 * strict schema, shared by statement.c and verify.c. Format:
 * docs/formats.md, "Compliance statements".
 */
#ifndef LCMP_STMT_H
#define LCMP_STMT_H

#include "libcompliance/statement.h"

/* One control's signed result (strings borrowed from the statement). */
typedef struct lcmp__stmt_result {
    const char *control;
    const char *family;
    const char *state;
    lcmp_state_t state_code;    /* the same, as a value */
    const char *original_state; /* NULL unless state is "excepted" */
    const char **reasons;       /* reason codes, in order */
    size_t nreasons;
} lcmp__stmt_result;

/* One exception used. */
typedef struct lcmp__stmt_exception {
    const char *control;
    const char *approved_by;
    const char *expires; /* "YYYY-MM-DD" */
} lcmp__stmt_exception;

/* A statement read back: what it says. */
typedef struct lcmp__statement {
    char *strings; /* every string below points here (owned), but a
                    * result's state may be lcmp_state_name()'s own */
    lcmp_statement_info info;
    lcmp__stmt_result *results;
    size_t nresults;
    const char **reasons; /* all results' reasons, result after result */
    size_t nreasons;
    lcmp__stmt_exception *exceptions;
    size_t nexceptions;
} lcmp__statement;

/*
 * Read a payload as a statement, strictly (jscan.h): `_type` first, then
 * predicateType, then the predicate and the subjects (which must repeat
 * the predicate's digests), every member known, no duplicates.
 * LCMP_EPARSE (or LCMP_ELIMIT) with a JSON pointer into the payload; syntax
 * errors also with line and column.
 */
int lcmp__statement_parse(lcmp__statement **out,
                          const uint8_t *buf,
                          size_t len,
                          const char *source,
                          lcmp_error *err);

void lcmp__statement_free(lcmp__statement *st);

/* lcmp_verify() for a caller that reads the reasons of failed steps only
 * (the report, thousands of times): a step that passes, and a signature
 * that verifies, says just "ok". The outcome is the same. */
int lcmp__verify_terse(lcmp_verification **out,
                       const uint8_t *envelope,
                       size_t len,
                       int64_t at,
                       const lcmp_verify_options *opts,
                       lcmp_error *err);

/* The statement a verification parsed from the verified payload bytes
 * (borrowed; NULL when verification did not get that far). Saves callers
 * such as report and diff a second parse. */
const lcmp__statement *lcmp__verification_parsed(const lcmp_verification *v);

/* Whether `s` is a Git object id: 40 or 64 lowercase hex digits. */
int lcmp__is_git_oid(const char *s);

#endif
