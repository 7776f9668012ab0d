/*
 * Tests of the rule engine (libcompliance/evaluate.c): every state, every
 * reason code with its pointer and message, the rule operators, parameter
 * overrides by profile, calendar arithmetic of max_age, exceptions,
 * warnings and scores.
 *
 * Inputs: the small baseline tests/data/evaluate/baseline (profiles basic,
 * important, optional) and the declarations next to it, loaded with the
 * public loaders. Unless a test says otherwise it evaluates at
 * 2026-11-27T09:00:00Z.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcompliance.h"

#define NOW "2026-11-27T09:00:00Z"

typedef struct fixture {
    lcmp_baseline *baseline;
    lcmp_profile *profile;
    lcmp_declaration *decl;
    lcmp_result *result;
} fixture;

static void data_path(char *out, size_t size, const char *name)
{
    const char *src = getenv("LCMP_SOURCE_DIR");

    if (src != NULL && src[0] != '\0') {
        snprintf(out, size, "%s/tests/data/evaluate/%s", src, name);
    } else {
        snprintf(out, size, "data/evaluate/%s", name);
    }
}

static void fail_with(const char *what, int rc, const lcmp_error *err)
{
    char line[1024];

    lcmp_error_format(line, sizeof(line), err);
    fail_msg("%s: %d: %s", what, rc, line);
}

static int setup_fixture(void **state)
{
    fixture *fx = calloc(1, sizeof(*fx));
    char path[1024];
    lcmp_error err;
    int rc;

    if (fx == NULL) {
        return -1;
    }
    data_path(path, sizeof(path), "baseline");
    rc = lcmp_baseline_load_dir(&fx->baseline, path, NULL, &err);
    if (rc != 0) {
        char line[1024];

        lcmp_error_format(line, sizeof(line), &err);
        print_error("loading %s: %s\n", path, line);
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static void release(fixture *fx)
{
    lcmp_result_free(fx->result);
    lcmp_declaration_free(fx->decl);
    lcmp_profile_free(fx->profile);
    fx->result = NULL;
    fx->decl = NULL;
    fx->profile = NULL;
}

static int teardown_fixture(void **state)
{
    fixture *fx = *state;

    release(fx);
    lcmp_baseline_free(fx->baseline);
    free(fx);
    return 0;
}

/* Evaluate declaration file `decl` under `profile` at `at` (RFC 3339). */
static const lcmp_result *eval_opts(fixture *fx,
                                    const char *profile,
                                    const char *decl,
                                    const char *at,
                                    const lcmp_evaluate_options *opts)
{
    char path[1024];
    lcmp_error err;
    int64_t t;
    int rc;

    release(fx);
    rc = lcmp_profile_resolve(&fx->profile, fx->baseline, profile, &err);
    if (rc != 0) {
        fail_with("resolving profile", rc, &err);
    }
    data_path(path, sizeof(path), decl);
    rc = lcmp_declaration_load_file(&fx->decl, path, NULL, &err);
    if (rc != 0) {
        fail_with("loading declaration", rc, &err);
    }
    assert_int_equal(lcmp_time_parse(&t, at, NULL), 0);
    rc = lcmp_evaluate(&fx->result, fx->profile, fx->decl, t, opts, &err);
    if (rc != 0) {
        fail_with("evaluating", rc, &err);
    }
    assert_non_null(fx->result);
    return fx->result;
}

static const lcmp_result *
eval(fixture *fx, const char *profile, const char *decl, const char *at)
{
    return eval_opts(fx, profile, decl, at, NULL);
}

static const lcmp_control_result *control(const lcmp_result *r, const char *id)
{
    size_t i;

    for (i = 0; i < lcmp_result_control_count(r); i++) {
        const lcmp_control_result *cr = lcmp_result_control(r, i);

        if (strcmp(cr->control, id) == 0) {
            return cr;
        }
    }
    fail_msg("no result for control %s", id);
    return NULL;
}

static void assert_reason(const lcmp_control_result *cr,
                          size_t i,
                          lcmp_reason_t code,
                          const char *pointer,
                          const char *message)
{
    const lcmp_reason *r;

    if (i >= cr->nreasons) {
        fail_msg("%s: reason %zu of %zu", cr->control, i, cr->nreasons);
    }
    r = &cr->reasons[i];
    if (r->code != code) {
        fail_msg("%s: reason %zu is %s (%s), expected %s",
                 cr->control,
                 i,
                 lcmp_reason_name(r->code),
                 r->message,
                 lcmp_reason_name(code));
    }
    assert_string_equal(r->pointer, pointer);
    if (strstr(r->message, message) == NULL) {
        fail_msg("%s: message '%s' does not contain '%s'",
                 cr->control,
                 r->message,
                 message);
    }
}

/* The only reason of a control in state `state`. */
static void assert_one(const lcmp_result *r,
                       const char *id,
                       lcmp_state_t state,
                       lcmp_reason_t code,
                       const char *pointer,
                       const char *message)
{
    const lcmp_control_result *cr = control(r, id);

    assert_string_equal(lcmp_state_name(cr->state), lcmp_state_name(state));
    assert_int_equal(cr->nreasons, 1);
    assert_reason(cr, 0, code, pointer, message);
}

static void assert_compliant(const lcmp_result *r, const char *id)
{
    const lcmp_control_result *cr = control(r, id);

    if (cr->state != LCMP_STATE_COMPLIANT) {
        fail_msg("%s is %s: %s",
                 id,
                 lcmp_state_name(cr->state),
                 cr->nreasons > 0 ? cr->reasons[0].message : "");
    }
    assert_int_equal(cr->nreasons, 0);
    assert_null(cr->reasons);
}

static size_t reasons_at(const lcmp_control_result *cr, const char *pointer)
{
    size_t i, n = 0;

    for (i = 0; i < cr->nreasons; i++) {
        n += strcmp(cr->reasons[i].pointer, pointer) == 0;
    }
    return n;
}

static void test_evaluate__compliant(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-ops.json", NOW);
    const lcmp_control_result *cr = control(r, "GOV-01");

    assert_compliant(r, "GOV-01");
    assert_int_equal(cr->original_state, LCMP_STATE_COMPLIANT);
    assert_int_equal(cr->exception, -1);
    assert_null(cr->exception_approved_by);
    assert_null(cr->exception_expires);
    assert_false(cr->exception_expired);
    assert_string_equal(cr->family, "gov");
    assert_string_equal(cr->title, "Security policy");
    assert_compliant(r, "GOV-02");
    assert_compliant(r, "GOV-03");
    assert_compliant(r, "OPS-01");
    assert_compliant(r, "OPS-02");
}

static void test_evaluate__results_in_baseline_order(void **state)
{
    static const char *const basic[] = {"GOV-01",
                                        "GOV-02",
                                        "GOV-03",
                                        "GOV-04",
                                        "GOV-05",
                                        "OPS-01",
                                        "OPS-02",
                                        "OPS-03",
                                        "OPS-04"};
    fixture *fx = *state;
    const lcmp_result *r = eval(fx, "basic", "decl-states.json", NOW);
    size_t i;

    assert_int_equal(lcmp_result_control_count(r), 9);
    for (i = 0; i < 9; i++) {
        assert_string_equal(lcmp_result_control(r, i)->control, basic[i]);
    }
    assert_null(lcmp_result_control(r, 9));
    assert_ptr_equal(lcmp_result_profile(r), fx->profile);
    assert_ptr_equal(lcmp_result_declaration(r), fx->decl);

    r = eval(fx, "important", "decl-states.json", NOW);
    assert_int_equal(lcmp_result_control_count(r), 10);
    assert_string_equal(lcmp_result_control(r, 9)->control, "MSC-01");
    assert_string_equal(lcmp_result_control(r, 9)->family, "misc");
}

static void test_evaluate__status_reasons(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-states.json", NOW);

    assert_one(r,
               "GOV-02",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_STATUS_PARTIAL,
               "/controls/GOV-02/status",
               "declared partially implemented");
    assert_one(r,
               "GOV-03",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_STATUS_NOT_IMPLEMENTED,
               "/controls/GOV-03/status",
               "declared not implemented");
    assert_one(r,
               "GOV-04",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_STATUS_PLANNED,
               "/controls/GOV-04/status",
               "planned for 2027-03-31");
    assert_one(r,
               "OPS-01",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_PLAN_OVERDUE,
               "/controls/OPS-01/target_date",
               "plan was due 2026-01-31");
    assert_one(r,
               "OPS-02",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_NOT_APPLICABLE_REFUSED,
               "/controls/OPS-02/status",
               "declared not applicable, which the control does not allow");
}

static void test_evaluate__not_applicable(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-states.json", NOW);
    const lcmp_control_result *cr = control(r, "GOV-05");

    assert_int_equal(cr->state, LCMP_STATE_NOT_APPLICABLE);
    assert_int_equal(cr->original_state, LCMP_STATE_NOT_APPLICABLE);
    assert_int_equal(cr->nreasons, 0);
}

static void test_evaluate__undeclared(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-ops.json", NOW);

    assert_one(r,
               "OPS-03",
               LCMP_STATE_UNDECLARED,
               LCMP_REASON_UNDECLARED,
               "/controls/OPS-03",
               "not declared");
    assert_one(r,
               "GOV-05",
               LCMP_STATE_UNDECLARED,
               LCMP_REASON_UNDECLARED,
               "/controls/GOV-05",
               "not declared");
    assert_true(lcmp_result_has_gaps(r));
}

static void test_evaluate__planned_boundary(void **state)
{
    const lcmp_result *r =
        eval(*state, "basic", "decl-states.json", "2027-03-31T23:59:59Z");

    assert_one(r,
               "GOV-04",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_STATUS_PLANNED,
               "/controls/GOV-04/status",
               "planned for 2027-03-31");
    r = eval(*state, "basic", "decl-states.json", "2027-04-01T00:00:00Z");
    assert_one(r,
               "GOV-04",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_PLAN_OVERDUE,
               "/controls/GOV-04/target_date",
               "plan was due 2027-03-31");
}

static void test_evaluate__excepted(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-states.json", NOW);
    const lcmp_control_result *cr = control(r, "OPS-04");

    assert_int_equal(cr->state, LCMP_STATE_EXCEPTED);
    assert_int_equal(cr->original_state, LCMP_STATE_NON_COMPLIANT);
    assert_int_equal(cr->nreasons, 1);
    assert_reason(cr,
                  0,
                  LCMP_REASON_STATUS_PARTIAL,
                  "/controls/OPS-04/status",
                  "declared partially implemented");
    assert_int_equal(cr->exception, 0);
    assert_string_equal(cr->exception_approved_by,
                        "college, decision 2026/114");
    assert_string_equal(cr->exception_expires, "2026-12-31");
    assert_false(cr->exception_expired);
}

static void test_evaluate__exception_boundary_day(void **state)
{
    const lcmp_result *r =
        eval(*state, "basic", "decl-states.json", "2026-12-31T23:59:59Z");
    const lcmp_control_result *cr = control(r, "OPS-04");

    /* valid through the whole day it expires */
    assert_int_equal(cr->state, LCMP_STATE_EXCEPTED);
    assert_false(cr->exception_expired);

    r = eval(*state, "basic", "decl-states.json", "2027-01-01T00:00:00Z");
    cr = control(r, "OPS-04");
    assert_int_equal(cr->state, LCMP_STATE_NON_COMPLIANT);
    assert_int_equal(cr->original_state, LCMP_STATE_NON_COMPLIANT);
    assert_true(cr->exception_expired);
    assert_int_equal(cr->exception, 0);
    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_STATUS_PARTIAL,
                  "/controls/OPS-04/status",
                  "declared partially implemented");
    assert_reason(cr,
                  1,
                  LCMP_REASON_EXCEPTION_EXPIRED,
                  "/exceptions/0/expires",
                  "exception expired on 2026-12-31");
}

static void test_evaluate__exception_expired_undeclared(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-states.json", NOW);
    const lcmp_control_result *cr = control(r, "OPS-03");

    assert_int_equal(cr->state, LCMP_STATE_UNDECLARED);
    assert_true(cr->exception_expired);
    assert_int_equal(cr->exception, 2);
    assert_string_equal(cr->exception_expires, "2026-06-30");
    assert_string_equal(cr->exception_approved_by, "director");
    /* table order: exception_expired before undeclared */
    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_EXCEPTION_EXPIRED,
                  "/exceptions/2/expires",
                  "exception expired on 2026-06-30");
    assert_reason(
        cr, 1, LCMP_REASON_UNDECLARED, "/controls/OPS-03", "not declared");
}

static void test_evaluate__exception_unused(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-states.json", NOW);
    const lcmp_control_result *cr = control(r, "GOV-01");
    const lcmp_warning *w;

    /* a compliant control keeps its state; the exception is still shown */
    assert_compliant(r, "GOV-01");
    assert_int_equal(cr->exception, 1);
    assert_string_equal(cr->exception_expires, "2027-12-31");
    assert_false(cr->exception_expired);
    w = lcmp_result_warning(r, 2);
    assert_non_null(w);
    assert_string_equal(w->code, "exception_unused");
    assert_string_equal(w->pointer, "/exceptions/1");
    assert_non_null(strstr(w->message, "'GOV-01'"));
    assert_non_null(strstr(w->message, "compliant"));
}

static void test_evaluate__warnings(void **state)
{
    static const struct {
        const char *code, *pointer, *message;
    } want[] = {
        {"unknown_control",
         "/controls/XYZ-99",
         "control 'XYZ-99' is not in baseline 'eval-test'"},
        {"not_in_profile",
         "/controls/MSC-01",
         "control 'MSC-01' is not selected by profile 'basic'"},
        {"exception_unused", "/exceptions/1", "control is compliant"},
        {"unknown_exception",
         "/exceptions/3/control",
         "'NOPE-01', which is not in baseline 'eval-test'"},
        {"unknown_exception",
         "/exceptions/4/control",
         "'MSC-01', which profile 'basic' does not select"},
        {"exception_unused", "/exceptions/5", "control is not applicable"},
    };
    const lcmp_result *r = eval(*state, "basic", "decl-states.json", NOW);
    size_t i;

    assert_int_equal(lcmp_result_warning_count(r), 6);
    for (i = 0; i < 6; i++) {
        const lcmp_warning *w = lcmp_result_warning(r, i);

        assert_string_equal(w->code, want[i].code);
        assert_string_equal(w->pointer, want[i].pointer);
        if (strstr(w->message, want[i].message) == NULL) {
            fail_msg(
                "warning %zu: '%s' lacks '%s'", i, w->message, want[i].message);
        }
    }
    assert_null(lcmp_result_warning(r, 6));

    /* under important, MSC-01 is selected: no warning, and its exception
     * covers nothing that needs it (not applicable) */
    r = eval(*state, "important", "decl-states.json", NOW);
    assert_int_equal(lcmp_result_warning_count(r), 5);
    assert_string_equal(lcmp_result_warning(r, 0)->code, "unknown_control");
    assert_string_equal(lcmp_result_warning(r, 3)->pointer, "/exceptions/4");
    assert_string_equal(lcmp_result_warning(r, 3)->code, "exception_unused");
}

static void assert_counts(const lcmp_counts *c,
                          size_t controls,
                          size_t compliant,
                          size_t non_compliant,
                          size_t excepted,
                          size_t not_applicable,
                          size_t undeclared,
                          unsigned int score)
{
    assert_int_equal(c->controls, controls);
    assert_int_equal(c->compliant, compliant);
    assert_int_equal(c->non_compliant, non_compliant);
    assert_int_equal(c->excepted, excepted);
    assert_int_equal(c->not_applicable, not_applicable);
    assert_int_equal(c->undeclared, undeclared);
    assert_int_equal(c->score, score);
}

static void test_evaluate__counts_and_score(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-states.json", NOW);
    const lcmp_family_result *f;

    /* floor(100 * (1 + 1) / (9 - 1)) = 25 */
    assert_counts(lcmp_result_summary(r), 9, 1, 5, 1, 1, 1, 25);
    assert_true(lcmp_result_has_gaps(r));
    assert_int_equal(lcmp_result_family_count(r), 2);
    f = lcmp_result_family(r, 0);
    assert_string_equal(f->id, "gov");
    assert_string_equal(f->title, "Governance");
    /* floor(100 * 1 / 4) */
    assert_counts(&f->counts, 5, 1, 3, 0, 1, 0, 25);
    f = lcmp_result_family(r, 1);
    assert_string_equal(f->id, "ops");
    assert_counts(&f->counts, 4, 0, 2, 1, 0, 1, 25);
    assert_null(lcmp_result_family(r, 2));

    /* important adds the misc family and MSC-01 (not applicable) */
    r = eval(*state, "important", "decl-states.json", NOW);
    assert_int_equal(lcmp_result_family_count(r), 3);
    assert_string_equal(lcmp_result_family(r, 2)->id, "misc");
    assert_counts(&lcmp_result_family(r, 2)->counts, 1, 0, 0, 0, 1, 0, 100);
    /* floor(100 * 2 / 8) */
    assert_counts(lcmp_result_summary(r), 10, 1, 5, 1, 2, 1, 25);

    /* 5 of 9 compliant, 4 undeclared: floor(55.5) */
    r = eval(*state, "basic", "decl-ops.json", NOW);
    assert_counts(lcmp_result_summary(r), 9, 5, 0, 0, 0, 4, 55);
}

static void test_evaluate__all_not_applicable(void **state)
{
    const lcmp_result *r = eval(*state, "optional", "decl-na.json", NOW);

    assert_counts(lcmp_result_summary(r), 2, 0, 0, 0, 2, 0, 100);
    assert_false(lcmp_result_has_gaps(r));
    assert_int_equal(lcmp_result_family_count(r), 2);
    assert_string_equal(lcmp_result_family(r, 0)->id, "gov");
    assert_counts(&lcmp_result_family(r, 0)->counts, 1, 0, 0, 0, 1, 0, 100);
    assert_string_equal(lcmp_result_family(r, 1)->id, "misc");
    assert_int_equal(lcmp_result_warning_count(r), 0);
}

static void test_evaluate__baseline_mismatch(void **state)
{
    fixture *fx = *state;
    /* any non-NULL value: it must come back NULL */
    lcmp_result *out = (lcmp_result *)&out;
    char path[1024];
    lcmp_error err;

    release(fx);
    assert_int_equal(
        lcmp_profile_resolve(&fx->profile, fx->baseline, "basic", NULL), 0);
    data_path(path, sizeof(path), "decl-other-baseline.json");
    assert_int_equal(lcmp_declaration_load_file(&fx->decl, path, NULL, NULL),
                     0);
    assert_int_equal(lcmp_evaluate(&out, fx->profile, fx->decl, 0, NULL, &err),
                     LCMP_EINVALID);
    assert_null(out);
    assert_int_equal(err.code, LCMP_EINVALID);
    assert_string_equal(err.pointer, "/baseline");
    assert_non_null(strstr(err.message, "'other-baseline'"));
    assert_non_null(strstr(err.message, "'eval-test'"));
}

static void test_evaluate__fact_missing_once_per_fact(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-missing.json", NOW);
    const lcmp_control_result *cr = control(r, "OPS-02");

    /* kept_as feeds two rules but is reported once */
    assert_int_equal(cr->state, LCMP_STATE_NON_COMPLIANT);
    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_MISSING,
                  "/controls/OPS-02/facts/kept_as",
                  "'kept_as' is not declared");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_MISSING,
                  "/controls/OPS-02/facts/owner",
                  "'owner' is not declared");

    cr = control(r, "GOV-04");
    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_MISSING,
                  "/controls/GOV-04/facts/reviewed_on",
                  "'reviewed_on' is not declared");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_MISSING,
                  "/controls/GOV-04/facts/tested_on",
                  "'tested_on' is not declared");
}

static void test_evaluate__fact_invalid(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-facts.json", NOW);
    const lcmp_control_result *cr = control(r, "GOV-02");

    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_INVALID,
                  "/controls/GOV-02/facts/officer_appointed",
                  "'officer_appointed' must be true or false, got 'yes'");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/GOV-02/facts/reports_to",
                  "'reports_to' is 'it_manager', must be one of 'college', "
                  "'director'");

    cr = control(r, "OPS-02");
    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_INVALID,
                  "/controls/OPS-02/facts/kept_as",
                  "'kept_as' must be one of 'none', 'paper', 'digital', got "
                  "'digital-ish'");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_INVALID,
                  "/controls/OPS-02/facts/owner",
                  "'owner' must be a string, got 5");

    r = eval(*state, "basic", "decl-missing.json", NOW);
    assert_one(r,
               "GOV-03",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_FACT_INVALID,
               "/controls/GOV-03/facts/mfa_coverage_pct",
               "'mfa_coverage_pct' must be a percentage (a number from 0 to "
               "100), got 120");
}

static void test_evaluate__fact_in_future(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-facts.json", NOW);
    const lcmp_control_result *cr = control(r, "GOV-04");

    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_INVALID,
                  "/controls/GOV-04/facts/tested_on",
                  "'tested_on' must be a date (YYYY-MM-DD), got '31 Jan'");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_IN_FUTURE,
                  "/controls/GOV-04/facts/reviewed_on",
                  "'reviewed_on' is 2026-12-01, after the evaluation date "
                  "2026-11-27");

    /* a date after the evaluation date is never stale */
    r = eval(*state, "basic", "decl-age.json", "2025-12-31T23:59:59Z");
    cr = control(r, "GOV-04");
    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_IN_FUTURE,
                  "/controls/GOV-04/facts/reviewed_on",
                  "is 2026-01-01");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_IN_FUTURE,
                  "/controls/GOV-04/facts/tested_on",
                  "is 2026-01-31");

    /* the evaluation day itself is not in the future */
    r = eval(*state, "basic", "decl-age.json", "2026-01-31T00:00:00Z");
    assert_compliant(r, "GOV-04");
}

static void test_evaluate__reason_order(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-facts.json", NOW);
    const lcmp_control_result *cr = control(r, "OPS-01");

    /* table order; within a code: fact checks, then rules in order */
    assert_int_equal(cr->state, LCMP_STATE_NON_COMPLIANT);
    assert_int_equal(cr->nreasons, 6);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_MISSING,
                  "/controls/OPS-01/facts/a",
                  "'a' is not declared");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_INVALID,
                  "/controls/OPS-01/facts/c",
                  "'c' must be an integer, got 10.5");
    assert_reason(cr,
                  2,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/e",
                  "'e' is 2000, must be at most 1000");
    assert_reason(cr,
                  3,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/b",
                  "'b' is 0, must not be 0");
    assert_reason(cr,
                  4,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/d",
                  "'d' is 11, must be at most 10 (param 'limit')");
    assert_reason(cr,
                  5,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/f",
                  "'f' is 9, must be at least 10");
}

static void test_evaluate__stale_and_evidence(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-facts.json", NOW);
    const lcmp_control_result *cr = control(r, "GOV-01");

    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  0,
                  LCMP_REASON_STALE,
                  "/controls/GOV-01/facts/approved_on",
                  "'approved_on' is 2025-06-01, older than 12 months");
    assert_reason(cr,
                  1,
                  LCMP_REASON_EVIDENCE_DIGEST_MISSING,
                  "/controls/GOV-01/evidence/0",
                  "evidence item 0 ('a.pdf') has no sha256");
    assert_one(r,
               "OPS-03",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_EVIDENCE_MISSING,
               "/controls/OPS-03/evidence",
               "2 evidence items required, 0 given");
    assert_one(r,
               "GOV-03",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_FACT_OUT_OF_RANGE,
               "/controls/GOV-03/facts/mfa_coverage_pct",
               "'mfa_coverage_pct' is 80, must be at least 90 (param "
               "'coverage_pct')");
    /* implemented without rules or evidence requirements */
    assert_compliant(r, "OPS-04");
}

static void test_evaluate__ops_fail(void **state)
{
    const lcmp_result *r = eval(*state, "basic", "decl-ops-fail.json", NOW);
    const lcmp_control_result *cr = control(r, "OPS-01");

    assert_int_equal(cr->nreasons, 6);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/a",
                  "'a' is 4, must be 5");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/b",
                  "'b' is 0, must not be 0");
    assert_reason(cr,
                  2,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/c",
                  "'c' is 10, must be less than 10");
    assert_reason(cr,
                  3,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/d",
                  "'d' is 11, must be at most 10 (param 'limit')");
    assert_reason(cr,
                  4,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/e",
                  "'e' is 10, must be more than 10");
    assert_reason(cr,
                  5,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-01/facts/f",
                  "'f' is 9, must be at least 10");

    cr = control(r, "OPS-02");
    assert_int_equal(cr->nreasons, 3);
    assert_reason(cr,
                  0,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-02/facts/kept_as",
                  "'kept_as' is 'none', must not be 'none'");
    assert_reason(cr,
                  1,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-02/facts/kept_as",
                  "'kept_as' is 'none', must be one of 'paper', 'digital'");
    assert_reason(cr,
                  2,
                  LCMP_REASON_FACT_OUT_OF_RANGE,
                  "/controls/OPS-02/facts/owner",
                  "'owner' is 'bob', must be 'ciso'");

    assert_one(r,
               "GOV-02",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_FACT_OUT_OF_RANGE,
               "/controls/GOV-02/facts/officer_appointed",
               "'officer_appointed' is false, must be true");
    /* a real percent against an integer parameter: 99.5 >= 90 */
    assert_compliant(r, "GOV-03");
    r = eval(*state, "important", "decl-ops-fail.json", NOW);
    assert_one(r,
               "GOV-03",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_FACT_OUT_OF_RANGE,
               "/controls/GOV-03/facts/mfa_coverage_pct",
               "'mfa_coverage_pct' is 99.5, must be at least 100 (param "
               "'coverage_pct')");
}

static void test_evaluate__param_from_profile(void **state)
{
    /* the same declaration: compliant under basic (12 months, 90%),
     * stale and short under important (6 months, 100%) */
    const lcmp_result *r = eval(*state, "basic", "decl-ops.json", NOW);

    assert_compliant(r, "GOV-01");
    assert_compliant(r, "GOV-03");
    r = eval(*state, "important", "decl-ops.json", NOW);
    assert_one(r,
               "GOV-01",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_STALE,
               "/controls/GOV-01/facts/approved_on",
               "'approved_on' is 2026-03-01, older than 6 months");
    assert_one(r,
               "GOV-03",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_FACT_OUT_OF_RANGE,
               "/controls/GOV-03/facts/mfa_coverage_pct",
               "'mfa_coverage_pct' is 90, must be at least 100 (param "
               "'coverage_pct')");
}

static void test_evaluate__max_age_days_boundary(void **state)
{
    /* reviewed_on 2026-01-01 + 30 days = 2026-01-31 */
    const lcmp_result *r =
        eval(*state, "basic", "decl-age.json", "2026-01-31T23:59:59Z");

    assert_compliant(r, "GOV-04");
    r = eval(*state, "basic", "decl-age.json", "2026-02-01T00:00:00Z");
    assert_one(r,
               "GOV-04",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_STALE,
               "/controls/GOV-04/facts/reviewed_on",
               "'reviewed_on' is 2026-01-01, older than 30 days");
}

static void test_evaluate__max_age_months_clamped(void **state)
{
    /* tested_on 2026-01-31 + 1 month = 2026-02-28 (end of month) */
    const lcmp_result *r =
        eval(*state, "basic", "decl-age.json", "2026-02-28T12:00:00Z");
    const lcmp_control_result *cr = control(r, "GOV-04");

    assert_int_equal(reasons_at(cr, "/controls/GOV-04/facts/tested_on"), 0);
    r = eval(*state, "basic", "decl-age.json", "2026-03-01T00:00:00Z");
    cr = control(r, "GOV-04");
    assert_int_equal(cr->nreasons, 2);
    assert_reason(cr,
                  1,
                  LCMP_REASON_STALE,
                  "/controls/GOV-04/facts/tested_on",
                  "'tested_on' is 2026-01-31, older than 1 month");
}

static void test_evaluate__max_age_leap_year(void **state)
{
    /* 2024-01-31 + 1 month = 2024-02-29; 2024-02-01 + 30 days = 03-02 */
    const lcmp_result *r =
        eval(*state, "basic", "decl-age-leap.json", "2024-02-29T23:00:00Z");

    assert_compliant(r, "GOV-04");
    r = eval(*state, "basic", "decl-age-leap.json", "2024-03-01T00:00:00Z");
    assert_one(r,
               "GOV-04",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_STALE,
               "/controls/GOV-04/facts/tested_on",
               "'tested_on' is 2024-01-31, older than 1 month");
    r = eval(*state, "basic", "decl-age-leap.json", "2024-03-03T00:00:00Z");
    assert_int_equal(control(r, "GOV-04")->nreasons, 2);
}

typedef struct fake_evidence {
    int calls;
} fake_evidence;

static int fake_lookup(uint8_t sha256_out[32], const char *uri, void *payload)
{
    static const char good[] =
        "c82fc52c78bf8154d4dd7d8766c422ab151052d72098d72ded237aafcd78e4e0";
    fake_evidence *fe = payload;
    size_t i;

    fe->calls++;
    if (strcmp(uri, "gone.pdf") == 0) {
        return LCMP_ENOTFOUND;
    }
    if (strcmp(uri, "locked.pdf") == 0) {
        return LCMP_EIO;
    }
    for (i = 0; i < 32; i++) {
        unsigned int b;

        sscanf(good + 2 * i, "%2x", &b);
        sha256_out[i] = (uint8_t)b;
    }
    if (strcmp(uri, "bad.pdf") == 0) {
        sha256_out[31] ^= 1;
    }
    return 0;
}

static void test_evaluate__evidence_callback(void **state)
{
    lcmp_evaluate_options opts;
    fake_evidence fe = {0};
    const lcmp_result *r;
    const lcmp_control_result *cr;

    assert_int_equal(
        lcmp_evaluate_options_init(&opts, LCMP_EVALUATE_OPTIONS_VERSION), 0);
    opts.evidence = fake_lookup;
    opts.evidence_payload = &fe;
    r = eval_opts(*state, "basic", "decl-evidence.json", NOW, &opts);
    cr = control(r, "OPS-03");
    assert_int_equal(fe.calls, 4);
    assert_int_equal(cr->state, LCMP_STATE_NON_COMPLIANT);
    assert_int_equal(cr->nreasons, 4);
    assert_reason(cr,
                  0,
                  LCMP_REASON_EVIDENCE_DIGEST_MISSING,
                  "/controls/OPS-03/evidence/1",
                  "evidence item 1 ('nodigest.pdf') has no sha256");
    assert_reason(
        cr,
        1,
        LCMP_REASON_EVIDENCE_DIGEST_MISMATCH,
        "/controls/OPS-03/evidence/2/sha256",
        "sha256 of 'bad.pdf' is "
        "c82fc52c78bf8154d4dd7d8766c422ab151052d72098d72ded237aafcd78e4e1"
        ", declared "
        "c82fc52c78bf8154d4dd7d8766c422ab151052d72098d72ded237aafcd78e4e0");
    assert_reason(cr,
                  2,
                  LCMP_REASON_EVIDENCE_UNREADABLE,
                  "/controls/OPS-03/evidence/3/uri",
                  "evidence 'gone.pdf' not found");
    assert_reason(cr,
                  3,
                  LCMP_REASON_EVIDENCE_UNREADABLE,
                  "/controls/OPS-03/evidence/4/uri",
                  "evidence 'locked.pdf' cannot be read");

    /* without a callback only the declaration itself is judged */
    r = eval(*state, "basic", "decl-evidence.json", NOW);
    assert_one(r,
               "OPS-03",
               LCMP_STATE_NON_COMPLIANT,
               LCMP_REASON_EVIDENCE_DIGEST_MISSING,
               "/controls/OPS-03/evidence/1",
               "has no sha256");
}

static void test_evaluate__repeatable(void **state)
{
    fixture *fx = *state;
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT;
    lcmp_result *again = NULL;
    int64_t t;

    eval(fx, "basic", "decl-facts.json", NOW);
    assert_int_equal(lcmp_time_parse(&t, NOW, NULL), 0);
    assert_int_equal(lcmp_result_evaluated_at(fx->result), t);
    assert_int_equal(
        lcmp_evaluate(&again, fx->profile, fx->decl, t, NULL, NULL), 0);
    assert_int_equal(lcmp_result_to_json(&a, fx->result, 0, NULL), 0);
    assert_int_equal(lcmp_result_to_json(&b, again, 0, NULL), 0);
    assert_string_equal(a.ptr, b.ptr);
    lcmp_result_free(again);
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
}

static void test_evaluate__invalid_arguments(void **state)
{
    fixture *fx = *state;
    lcmp_evaluate_options opts = LCMP_EVALUATE_OPTIONS_INIT;
    lcmp_result *out = NULL;
    lcmp_error err;

    eval(fx, "basic", "decl-ops.json", NOW);
    assert_int_equal(lcmp_evaluate_options_init(&opts, 99), LCMP_EINVALID);
    assert_int_equal(lcmp_evaluate_options_init(NULL, 1), LCMP_EINVALID);
    assert_int_equal(lcmp_evaluate(NULL, fx->profile, fx->decl, 0, NULL, &err),
                     LCMP_EINVALID);
    assert_int_equal(lcmp_evaluate(&out, NULL, fx->decl, 0, NULL, &err),
                     LCMP_EINVALID);
    assert_non_null(strstr(err.message, "profile"));
    assert_int_equal(lcmp_evaluate(&out, fx->profile, NULL, 0, NULL, &err),
                     LCMP_EINVALID);
    assert_non_null(strstr(err.message, "declaration"));
    opts.version = 99;
    assert_int_equal(lcmp_evaluate(&out, fx->profile, fx->decl, 0, &opts, &err),
                     LCMP_EINVALID);
    assert_non_null(strstr(err.message, "version"));
    assert_null(out);
    lcmp_result_free(NULL);
    assert_null(lcmp_result_summary(NULL));
    assert_int_equal(lcmp_result_control_count(NULL), 0);
    assert_false(lcmp_result_has_gaps(NULL));
}

static void test_evaluate__names(void **state)
{
    static const char *const states[] = {"compliant",
                                         "non_compliant",
                                         "excepted",
                                         "not_applicable",
                                         "undeclared"};
    static const char *const reasons[] = {"status_not_implemented",
                                          "status_partial",
                                          "status_planned",
                                          "plan_overdue",
                                          "not_applicable_refused",
                                          "fact_missing",
                                          "fact_invalid",
                                          "fact_out_of_range",
                                          "stale",
                                          "fact_in_future",
                                          "evidence_missing",
                                          "evidence_digest_missing",
                                          "evidence_digest_mismatch",
                                          "evidence_unreadable",
                                          "exception_expired",
                                          "undeclared"};
    int i;

    (void)state;
    for (i = 0; i < 5; i++) {
        assert_string_equal(lcmp_state_name((lcmp_state_t)i), states[i]);
    }
    assert_null(lcmp_state_name((lcmp_state_t)5));
    for (i = 0; i < 16; i++) {
        assert_string_equal(lcmp_reason_name((lcmp_reason_t)i), reasons[i]);
    }
    assert_null(lcmp_reason_name((lcmp_reason_t)16));
}

#define T(name)                      \
    cmocka_unit_test_setup_teardown( \
        test_evaluate__##name, setup_fixture, teardown_fixture)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(compliant),
        T(results_in_baseline_order),
        T(status_reasons),
        T(not_applicable),
        T(undeclared),
        T(planned_boundary),
        T(excepted),
        T(exception_boundary_day),
        T(exception_expired_undeclared),
        T(exception_unused),
        T(warnings),
        T(counts_and_score),
        T(all_not_applicable),
        T(baseline_mismatch),
        T(fact_missing_once_per_fact),
        T(fact_invalid),
        T(fact_in_future),
        T(reason_order),
        T(stale_and_evidence),
        T(ops_fail),
        T(param_from_profile),
        T(max_age_days_boundary),
        T(max_age_months_clamped),
        T(max_age_leap_year),
        T(evidence_callback),
        T(repeatable),
        T(invalid_arguments),
        cmocka_unit_test(test_evaluate__names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
