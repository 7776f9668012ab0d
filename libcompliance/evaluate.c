/*
 * The rule engine: lcmp_evaluate() judges a declaration against a resolved
 * profile at a given time (docs/formats.md §3).
 *
 * It is pure: no clock, no I/O except through the caller's evidence
 * callback, no global state. The result borrows strings from the profile,
 * its baseline and the declaration; everything it makes itself (pointers,
 * messages, dates) lives in the result's arena. One pass over the profile's
 * controls, O(log n) lookups, so 10,000 controls cost about as much as
 * reading them.
 *
 * Decisions where docs/formats.md is silent:
 * - Dates are calendar dates in UTC: "today" is lcmp__date_of_time(at).
 * - `planned` is status_planned when target_date >= today, else
 *   plan_overdue (due today is not overdue). Pointers: status_* and
 *   not_applicable_refused point at /controls/<ID>/status, plan_overdue at
 *   /controls/<ID>/target_date, undeclared at /controls/<ID>.
 * - For an implemented control every declared fact the control defines is
 *   judged first (type and form: fact_invalid; the fact's own min/max:
 *   fact_out_of_range), whether or not a rule uses it; declared facts the
 *   control does not define are ignored. Then the rules run in order. A
 *   fact gets at most one fact_missing, fact_invalid or fact_in_future
 *   however many rules use it, and rules on a fact that is missing,
 *   invalid or outside its own range are not evaluated (the fact's reason
 *   says it all). Each failing rule gives its own reason.
 * - Percent facts are JSON numbers from 0 to 100; anything else is
 *   fact_invalid. Integer facts must be JSON integers (5.0 is invalid).
 * - max_age: D fresh iff today <= D + N days or D + N calendar months
 *   (clamped to the end of the month); D > today is fact_in_future, not
 *   stale. A rule without a unit counts days.
 * - Evidence: evidence_missing points at /controls/<ID>/evidence,
 *   evidence_digest_missing at the item (/controls/<ID>/evidence/<i>),
 *   evidence_digest_mismatch at its sha256, evidence_unreadable at its
 *   uri. With a callback, every item that declares a digest is checked,
 *   whether or not the control requires digests.
 * - Reasons of one control are sorted by code in table order, stably, so
 *   two reasons with the same code keep fact / rule / item order; an
 *   undeclared control with an expired exception lists exception_expired
 *   before undeclared.
 * - Exceptions: an exception is valid when expires >= today. Exception
 *   details (and whether it has expired) are filled in for every control
 *   that has one, whatever its state. exception_expired points at
 *   /exceptions/<i>/expires.
 * - Warnings come in declaration order: first the declared controls
 *   (unknown_control, not_in_profile at /controls/<ID>), then the
 *   exceptions (unknown_exception at /exceptions/<i>/control,
 *   exception_unused at /exceptions/<i>).
 * - Families: counted per manifest family, only those with at least one
 *   selected control are listed.
 * - A declaration naming another baseline is LCMP_EINVALID at "/baseline";
 *   a declaration naming another profile is not checked here (the caller
 *   chooses the profile).
 */
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "model.h"
#include "result.h"
#include "json.h"

const char *lcmp_state_name(lcmp_state_t state)
{
    switch (state) {
    case LCMP_STATE_COMPLIANT:
        return "compliant";
    case LCMP_STATE_NON_COMPLIANT:
        return "non_compliant";
    case LCMP_STATE_EXCEPTED:
        return "excepted";
    case LCMP_STATE_NOT_APPLICABLE:
        return "not_applicable";
    case LCMP_STATE_UNDECLARED:
        return "undeclared";
    }
    return NULL;
}

const char *lcmp_reason_name(lcmp_reason_t reason)
{
    switch (reason) {
    case LCMP_REASON_STATUS_NOT_IMPLEMENTED:
        return "status_not_implemented";
    case LCMP_REASON_STATUS_PARTIAL:
        return "status_partial";
    case LCMP_REASON_STATUS_PLANNED:
        return "status_planned";
    case LCMP_REASON_PLAN_OVERDUE:
        return "plan_overdue";
    case LCMP_REASON_NOT_APPLICABLE_REFUSED:
        return "not_applicable_refused";
    case LCMP_REASON_FACT_MISSING:
        return "fact_missing";
    case LCMP_REASON_FACT_INVALID:
        return "fact_invalid";
    case LCMP_REASON_FACT_OUT_OF_RANGE:
        return "fact_out_of_range";
    case LCMP_REASON_STALE:
        return "stale";
    case LCMP_REASON_FACT_IN_FUTURE:
        return "fact_in_future";
    case LCMP_REASON_EVIDENCE_MISSING:
        return "evidence_missing";
    case LCMP_REASON_EVIDENCE_DIGEST_MISSING:
        return "evidence_digest_missing";
    case LCMP_REASON_EVIDENCE_DIGEST_MISMATCH:
        return "evidence_digest_mismatch";
    case LCMP_REASON_EVIDENCE_UNREADABLE:
        return "evidence_unreadable";
    case LCMP_REASON_EXCEPTION_EXPIRED:
        return "exception_expired";
    case LCMP_REASON_UNDECLARED:
        return "undeclared";
    }
    return NULL;
}

int lcmp_evaluate_options_init(lcmp_evaluate_options *opts,
                               unsigned int version)
{
    if (opts == NULL || version != LCMP_EVALUATE_OPTIONS_VERSION) {
        return LCMP_EINVALID;
    }
    memset(opts, 0, sizeof(*opts));
    opts->version = version;
    return 0;
}

/* What is known about fact i of the control being evaluated. */
enum {
    FACT_ABSENT = 0,  /* not declared, fact_missing not yet given */
    FACT_OK = 1,      /* declared and well-formed: value in ev.fval[i] */
    FACT_REPORTED = 2 /* missing, invalid or out of range: already said */
};
#define FACT_FUTURE_SAID 4 /* flag: fact_in_future already given */

/* The state of one evaluation. */
typedef struct ev {
    lcmp_result *res;
    const lcmp_profile *profile;
    const lcmp_baseline *baseline;
    const lcmp_declaration *decl;
    lcmp_evidence_fn evidence;
    void *evidence_payload;
    int32_t today;
    char today_text[11];
    size_t areasons;
    size_t awarnings;
    lcmp_buf scratch; /* pointers are built here, then copied to the arena */
    unsigned char *fstate; /* per fact of the current control */
    lcmp__value *fval;
    size_t afacts;
} ev;

/* Quoted values in messages are cut to this many bytes of content. */
#define QUOTE_MAX 64
#define QUOTE_LEN (QUOTE_MAX + 8)
#define LIST_LEN  256

/*
 * 'text' for a message: control characters become spaces (messages are one
 * line) and long text is cut at a UTF-8 character boundary with "...".
 */
static const char *quote(char out[QUOTE_LEN], const char *s)
{
    size_t len = strlen(s), n = len, i;
    int cut = 0;

    if (n > QUOTE_MAX) {
        n = QUOTE_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
            n--;
        }
        cut = 1;
    }
    out[0] = '\'';
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        out[i + 1] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    n++;
    if (cut) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n++] = '\'';
    out[n] = '\0';
    return out;
}

/* 'a', 'b', 'c' — cut with ", ..." when it gets long. */
static const char *
quote_list(char out[LIST_LEN], const char *const *values, size_t n)
{
    char q[QUOTE_LEN];
    size_t len = 0, i;

    out[0] = '\0';
    for (i = 0; i < n; i++) {
        size_t ql;

        quote(q, values[i]);
        ql = strlen(q);
        if (len + ql + 2 + 5 >= LIST_LEN) {
            memcpy(out + len, ", ...", 6);
            break;
        }
        if (i > 0) {
            memcpy(out + len, ", ", 2);
            len += 2;
        }
        memcpy(out + len, q, ql + 1);
        len += ql;
    }
    return out;
}

static const char *format_number(char out[QUOTE_LEN], double d)
{
    snprintf(out, QUOTE_LEN, "%.15g", d);
    return out;
}

/* A typed value as a message shows it: dates and numbers bare, text
 * quoted. */
static const char *format_value(char out[QUOTE_LEN], const lcmp__value *v)
{
    switch (v->type) {
    case LCMP__T_DATE:
        lcmp__date_format(out, v->u.date);
        break;
    case LCMP__T_INTEGER:
        snprintf(out, QUOTE_LEN, "%lld", (long long)v->u.i);
        break;
    case LCMP__T_PERCENT:
        format_number(out, v->u.num);
        break;
    case LCMP__T_BOOLEAN:
        snprintf(out, QUOTE_LEN, "%s", v->u.b ? "true" : "false");
        break;
    case LCMP__T_ENUM:
    case LCMP__T_STRING:
        quote(out, v->u.s != NULL ? v->u.s : "");
        break;
    }
    return out;
}

/* A declared JSON value as a message shows it. */
static const char *format_json(char out[QUOTE_LEN], const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return quote(out, json_string_value(v));
    case JSON_INTEGER:
        snprintf(out, QUOTE_LEN, "%lld", (long long)json_integer_value(v));
        return out;
    case JSON_REAL:
        return format_number(out, json_real_value(v));
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    default:
        return lcmp__json_type_name(v);
    }
}

#define PTR_END ((const char *)NULL)

/*
 * An RFC 6901 pointer made of the reference tokens given (each escaped, the
 * list ends with PTR_END), copied into the result's arena; NULL when out of
 * memory.
 */
static const char *make_pointer(ev *e, ...)
{
    const char *tok;
    va_list ap;
    int rc = 0;

    lcmp__buf_clear(&e->scratch);
    va_start(ap, e);
    while (rc == 0 && (tok = va_arg(ap, const char *)) != NULL) {
        const char *special;

        rc = lcmp__buf_put(&e->scratch, "/", 1);
        while (rc == 0 && (special = strpbrk(tok, "~/")) != NULL) {
            rc = lcmp__buf_put(&e->scratch, tok, (size_t)(special - tok));
            if (rc == 0) {
                rc = lcmp__buf_put(
                    &e->scratch, *special == '~' ? "~0" : "~1", 2);
            }
            tok = special + 1;
        }
        if (rc == 0) {
            rc = lcmp__buf_puts(&e->scratch, tok);
        }
    }
    va_end(ap);
    if (rc < 0) {
        return NULL;
    }
    return lcmp__arena_strndup(&e->res->arena, e->scratch.ptr, e->scratch.size);
}

static int
add_reason(ev *e, lcmp_reason_t code, const char *pointer, const char *fmt, ...)
    LCMP__PRINTF(4, 5);

/* Append a reason to the current control; 0 or LCMP_ENOMEM. */
static int
add_reason(ev *e, lcmp_reason_t code, const char *pointer, const char *fmt, ...)
{
    lcmp_result *res = e->res;
    lcmp_reason *r;
    va_list ap;
    char *msg;

    if (pointer == NULL) {
        return LCMP_ENOMEM;
    }
    if (res->nreasons == e->areasons) {
        size_t n = e->areasons * 2 + 16;
        lcmp_reason *p;

        if (n > SIZE_MAX / sizeof(*p)) {
            return LCMP_ENOMEM;
        }
        p = realloc(res->reasons, n * sizeof(*p));
        if (p == NULL) {
            return LCMP_ENOMEM;
        }
        res->reasons = p;
        e->areasons = n;
    }
    va_start(ap, fmt);
    msg = lcmp__arena_vprintf(&res->arena, fmt, ap);
    va_end(ap);
    if (msg == NULL) {
        return LCMP_ENOMEM;
    }
    r = &res->reasons[res->nreasons++];
    r->code = code;
    r->pointer = pointer;
    r->message = msg;
    return 0;
}

static int
add_warning(ev *e, const char *code, const char *pointer, const char *fmt, ...)
    LCMP__PRINTF(4, 5);

static int
add_warning(ev *e, const char *code, const char *pointer, const char *fmt, ...)
{
    lcmp_result *res = e->res;
    lcmp_warning *w;
    va_list ap;
    char *msg;

    if (pointer == NULL) {
        return LCMP_ENOMEM;
    }
    if (res->nwarnings == e->awarnings) {
        size_t n = e->awarnings * 2 + 8;
        lcmp_warning *p;

        if (n > SIZE_MAX / sizeof(*p)) {
            return LCMP_ENOMEM;
        }
        p = realloc(res->warnings, n * sizeof(*p));
        if (p == NULL) {
            return LCMP_ENOMEM;
        }
        res->warnings = p;
        e->awarnings = n;
    }
    va_start(ap, fmt);
    msg = lcmp__arena_vprintf(&res->arena, fmt, ap);
    va_end(ap);
    if (msg == NULL) {
        return LCMP_ENOMEM;
    }
    w = &res->warnings[res->nwarnings++];
    w->code = code;
    w->pointer = pointer;
    w->message = msg;
    return 0;
}

static const char *
fact_pointer(ev *e, const lcmp__control *c, const lcmp__fact *f)
{
    return make_pointer(e, "controls", c->id, "facts", f->name, PTR_END);
}

static int is_number(const lcmp__value *v)
{
    return v->type == LCMP__T_INTEGER || v->type == LCMP__T_PERCENT;
}

static int is_text(const lcmp__value *v)
{
    return v->type == LCMP__T_ENUM || v->type == LCMP__T_STRING;
}

static double as_double(const lcmp__value *v)
{
    return v->type == LCMP__T_INTEGER ? (double)v->u.i : v->u.num;
}

/* -1, 0, 1; integers compare exactly, anything with a percent as double. */
static int compare_numbers(const lcmp__value *a, const lcmp__value *b)
{
    double x, y;

    if (a->type == LCMP__T_INTEGER && b->type == LCMP__T_INTEGER) {
        return (a->u.i > b->u.i) - (a->u.i < b->u.i);
    }
    x = as_double(a);
    y = as_double(b);
    return (x > y) - (x < y);
}

/*
 * Type a declared fact against the baseline (fact_invalid) and check the
 * fact's own bounds (fact_out_of_range). Sets e->fstate[i] and e->fval[i].
 */
static int judge_fact(ev *e, const lcmp__control *c, size_t i, const json_t *v)
{
    const lcmp__fact *f = &c->facts[i];
    lcmp__value *val = &e->fval[i];
    char got[QUOTE_LEN], lim[QUOTE_LEN], list[LIST_LEN];
    const char *expected = NULL;
    double x;
    size_t k;

    val->type = f->type;
    switch (f->type) {
    case LCMP__T_DATE:
        if (!json_is_string(v) ||
            lcmp__date_parse(&val->u.date, json_string_value(v)) < 0)
        {
            expected = "a date (YYYY-MM-DD)";
        }
        break;
    case LCMP__T_INTEGER:
        if (json_is_integer(v)) {
            val->u.i = json_integer_value(v);
        } else {
            expected = "an integer";
        }
        break;
    case LCMP__T_PERCENT:
        /* an integral percent keeps its exact integer value */
        if (json_is_integer(v)) {
            val->type = LCMP__T_INTEGER;
            val->u.i = json_integer_value(v);
        } else if (json_is_real(v)) {
            val->u.num = json_real_value(v);
        }
        if (!json_is_number(v) || as_double(val) < 0 || as_double(val) > 100) {
            expected = "a percentage (a number from 0 to 100)";
        }
        break;
    case LCMP__T_BOOLEAN:
        if (json_is_boolean(v)) {
            val->u.b = json_is_true(v);
        } else {
            expected = "true or false";
        }
        break;
    case LCMP__T_ENUM:
        if (json_is_string(v)) {
            val->u.s = json_string_value(v);
            for (k = 0; k < f->nvalues; k++) {
                if (strcmp(val->u.s, f->values[k]) == 0) {
                    break;
                }
            }
            if (k < f->nvalues) {
                break;
            }
        }
        e->fstate[i] = FACT_REPORTED;
        return add_reason(e,
                          LCMP_REASON_FACT_INVALID,
                          fact_pointer(e, c, f),
                          "'%s' must be one of %s, got %s",
                          f->name,
                          quote_list(list, f->values, f->nvalues),
                          format_json(got, v));
    case LCMP__T_STRING:
        if (json_is_string(v)) {
            val->u.s = json_string_value(v);
        } else {
            expected = "a string";
        }
        break;
    }
    if (expected != NULL) {
        e->fstate[i] = FACT_REPORTED;
        return add_reason(e,
                          LCMP_REASON_FACT_INVALID,
                          fact_pointer(e, c, f),
                          "'%s' must be %s, got %s",
                          f->name,
                          expected,
                          format_json(got, v));
    }
    e->fstate[i] = FACT_OK;
    if (!is_number(val)) {
        return 0;
    }
    x = as_double(val);
    if ((f->has_min && x < f->min) || (f->has_max && x > f->max)) {
        int low = f->has_min && x < f->min;

        e->fstate[i] = FACT_REPORTED;
        return add_reason(e,
                          LCMP_REASON_FACT_OUT_OF_RANGE,
                          fact_pointer(e, c, f),
                          "'%s' is %s, must be %s %s",
                          f->name,
                          format_value(got, val),
                          low ? "at least" : "at most",
                          format_number(lim, low ? f->min : f->max));
    }
    return 0;
}

static int eval_max_age(ev *e,
                        const lcmp__control *c,
                        const lcmp__rule *r,
                        const lcmp__value *fv,
                        const lcmp__value *operand)
{
    const lcmp__fact *f = &c->facts[r->fact];
    char date[QUOTE_LEN];
    int64_t n, limit;
    int months = r->unit == LCMP__UNIT_MONTHS;

    if (fv->u.date > e->today) {
        if (e->fstate[r->fact] & FACT_FUTURE_SAID) {
            return 0;
        }
        e->fstate[r->fact] |= FACT_FUTURE_SAID;
        return add_reason(e,
                          LCMP_REASON_FACT_IN_FUTURE,
                          fact_pointer(e, c, f),
                          "'%s' is %s, after the evaluation date %s",
                          f->name,
                          format_value(date, fv),
                          e->today_text);
    }
    n = operand->type == LCMP__T_INTEGER ? operand->u.i
                                         : (int64_t)operand->u.num;
    /* Dates lie in years 1000-9999: beyond a million days or months every
     * date is fresh (or, negative, stale); clamping keeps int32 safe. */
    if (n > 1000000) {
        n = 1000000;
    } else if (n < -1000000) {
        n = -1000000;
    }
    limit = months ? lcmp__date_add_months(fv->u.date, (int32_t)n)
                   : (int64_t)fv->u.date + n;
    if (e->today <= limit) {
        return 0;
    }
    return add_reason(e,
                      LCMP_REASON_STALE,
                      fact_pointer(e, c, f),
                      "'%s' is %s, older than %lld %s%s",
                      f->name,
                      format_value(date, fv),
                      (long long)n,
                      months ? "month" : "day",
                      n == 1 ? "" : "s");
}

/* Evaluate rule `r` of the profile's k-th control `c` on a good fact. */
static int
eval_rule(ev *e, size_t k, const lcmp__control *c, const lcmp__rule *r)
{
    const lcmp__fact *f = &c->facts[r->fact];
    const lcmp__value *fv = &e->fval[r->fact];
    const lcmp__value *operand = &r->value;
    const char *param = NULL;
    const char *must = NULL;
    char have[QUOTE_LEN], want[QUOTE_LEN], list[LIST_LEN], suffix[96] = "";
    int holds = 0, comparable = 1, cmp;
    size_t i;

    if (r->has_param) {
        operand = lcmp__profile_param(e->profile, k, r->param);
        assert(operand != NULL);
        param = c->params[r->param].name;
        snprintf(suffix, sizeof(suffix), " (param '%s')", param);
    }
    switch (r->op) {
    case LCMP__OP_EQ:
    case LCMP__OP_NE:
        if (is_number(fv) && is_number(operand)) {
            holds = compare_numbers(fv, operand) == 0;
        } else if (is_text(fv) && is_text(operand)) {
            holds = strcmp(fv->u.s, operand->u.s) == 0;
        } else if (fv->type == LCMP__T_BOOLEAN &&
                   operand->type == LCMP__T_BOOLEAN) {
            holds = !fv->u.b == !operand->u.b;
        } else if (fv->type == LCMP__T_DATE && operand->type == LCMP__T_DATE) {
            holds = fv->u.date == operand->u.date;
        } else {
            comparable = 0;
        }
        if (r->op == LCMP__OP_NE) {
            holds = !holds;
            must = "must not be";
        } else {
            must = "must be";
        }
        break;
    case LCMP__OP_LT:
    case LCMP__OP_LE:
    case LCMP__OP_GT:
    case LCMP__OP_GE:
        if (!is_number(fv) || !is_number(operand)) {
            comparable = 0;
            break;
        }
        cmp = compare_numbers(fv, operand);
        if (r->op == LCMP__OP_LT) {
            holds = cmp < 0;
            must = "must be less than";
        } else if (r->op == LCMP__OP_LE) {
            holds = cmp <= 0;
            must = "must be at most";
        } else if (r->op == LCMP__OP_GT) {
            holds = cmp > 0;
            must = "must be more than";
        } else {
            holds = cmp >= 0;
            must = "must be at least";
        }
        break;
    case LCMP__OP_IN:
        if (!is_text(fv)) {
            comparable = 0;
            break;
        }
        for (i = 0; i < r->nvalues && !holds; i++) {
            holds = strcmp(fv->u.s, r->values[i]) == 0;
        }
        if (!holds) {
            return add_reason(e,
                              LCMP_REASON_FACT_OUT_OF_RANGE,
                              fact_pointer(e, c, f),
                              "'%s' is %s, must be one of %s",
                              f->name,
                              format_value(have, fv),
                              quote_list(list, r->values, r->nvalues));
        }
        return 0;
    case LCMP__OP_MAX_AGE:
        if (fv->type != LCMP__T_DATE || !is_number(operand)) {
            comparable = 0;
            break;
        }
        return eval_max_age(e, c, r, fv, operand);
    }
    if (!comparable) {
        /* the baseline loader checks operand types; never trust blindly */
        return add_reason(e,
                          LCMP_REASON_FACT_OUT_OF_RANGE,
                          fact_pointer(e, c, f),
                          "'%s' is %s, which the rule cannot compare",
                          f->name,
                          format_value(have, fv));
    }
    if (holds) {
        return 0;
    }
    return add_reason(e,
                      LCMP_REASON_FACT_OUT_OF_RANGE,
                      fact_pointer(e, c, f),
                      "'%s' is %s, %s %s%s",
                      f->name,
                      format_value(have, fv),
                      must,
                      format_value(want, operand),
                      suffix);
}

static int grow_fact_scratch(ev *e, size_t n)
{
    unsigned char *s;
    lcmp__value *v;

    if (n <= e->afacts) {
        return 0;
    }
    s = realloc(e->fstate, n);
    if (s == NULL) {
        return LCMP_ENOMEM;
    }
    e->fstate = s;
    v = realloc(e->fval, n * sizeof(*v));
    if (v == NULL) {
        return LCMP_ENOMEM;
    }
    e->fval = v;
    e->afacts = n;
    return 0;
}

static int
eval_evidence(ev *e, const lcmp__control *c, const lcmp__decl_control *dc)
{
    char idx[24], q[QUOTE_LEN], have[65], want[65];
    uint8_t digest[32];
    size_t i;
    int rc;

    if ((int64_t)dc->nevidence < c->evidence_min) {
        rc = add_reason(e,
                        LCMP_REASON_EVIDENCE_MISSING,
                        make_pointer(e, "controls", c->id, "evidence", PTR_END),
                        "%lld evidence item%s required, %zu given",
                        (long long)c->evidence_min,
                        c->evidence_min == 1 ? "" : "s",
                        dc->nevidence);
        if (rc < 0) {
            return rc;
        }
    }
    for (i = 0; c->evidence_sha256 && i < dc->nevidence; i++) {
        if (dc->evidence[i].has_sha256) {
            continue;
        }
        snprintf(idx, sizeof(idx), "%zu", i);
        rc = add_reason(
            e,
            LCMP_REASON_EVIDENCE_DIGEST_MISSING,
            make_pointer(e, "controls", c->id, "evidence", idx, PTR_END),
            "evidence item %zu (%s) has no sha256",
            i,
            quote(q, dc->evidence[i].uri));
        if (rc < 0) {
            return rc;
        }
    }
    for (i = 0; e->evidence != NULL && i < dc->nevidence; i++) {
        const lcmp__evidence *item = &dc->evidence[i];

        if (!item->has_sha256) {
            continue;
        }
        snprintf(idx, sizeof(idx), "%zu", i);
        rc = e->evidence(digest, item->uri, e->evidence_payload);
        if (rc == LCMP_ENOTFOUND) {
            rc = add_reason(
                e,
                LCMP_REASON_EVIDENCE_UNREADABLE,
                make_pointer(
                    e, "controls", c->id, "evidence", idx, "uri", PTR_END),
                "evidence %s not found",
                quote(q, item->uri));
        } else if (rc != 0) {
            rc = add_reason(
                e,
                LCMP_REASON_EVIDENCE_UNREADABLE,
                make_pointer(
                    e, "controls", c->id, "evidence", idx, "uri", PTR_END),
                "evidence %s cannot be read: %s",
                quote(q, item->uri),
                lcmp_strerror(rc));
        } else if (CRYPTO_memcmp(digest, item->sha256, 32) != 0) {
            lcmp__hex(have, digest, 32);
            lcmp__hex(want, item->sha256, 32);
            rc = add_reason(
                e,
                LCMP_REASON_EVIDENCE_DIGEST_MISMATCH,
                make_pointer(
                    e, "controls", c->id, "evidence", idx, "sha256", PTR_END),
                "sha256 of %s is %s, declared %s",
                quote(q, item->uri),
                have,
                want);
        }
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

/* Facts, rules and evidence of an implemented control. */
static int eval_implemented(ev *e,
                            size_t k,
                            const lcmp__control *c,
                            const lcmp__decl_control *dc)
{
    const lcmp__fact *f;
    size_t i;
    int rc;

    if ((rc = grow_fact_scratch(e, c->nfacts)) < 0) {
        return rc;
    }
    for (i = 0; i < c->nfacts; i++) {
        const json_t *v = dc->facts != NULL
                              ? json_object_get(dc->facts, c->facts[i].name)
                              : NULL;

        e->fstate[i] = FACT_ABSENT;
        if (v != NULL && (rc = judge_fact(e, c, i, v)) < 0) {
            return rc;
        }
    }
    for (i = 0; i < c->nrules; i++) {
        const lcmp__rule *r = &c->rules[i];

        assert(r->fact < c->nfacts);
        f = &c->facts[r->fact];
        switch (e->fstate[r->fact] & 3) {
        case FACT_ABSENT:
            e->fstate[r->fact] = FACT_REPORTED;
            rc = add_reason(e,
                            LCMP_REASON_FACT_MISSING,
                            fact_pointer(e, c, f),
                            "'%s' is not declared",
                            f->name);
            break;
        case FACT_OK:
            rc = eval_rule(e, k, c, r);
            break;
        default:
            rc = 0;
            break;
        }
        if (rc < 0) {
            return rc;
        }
    }
    return eval_evidence(e, c, dc);
}

/* The state and reasons of the profile's k-th control, before exceptions. */
static int
eval_control(ev *e, size_t k, const lcmp__control *c, lcmp_control_result *cr)
{
    const lcmp__decl_control *dc = lcmp__declaration_find(e->decl, c->id);
    char date[11];
    size_t first;
    int rc;

    if (dc == NULL) {
        cr->state = LCMP_STATE_UNDECLARED;
        return add_reason(e,
                          LCMP_REASON_UNDECLARED,
                          make_pointer(e, "controls", c->id, PTR_END),
                          "not declared");
    }
    cr->state = LCMP_STATE_NON_COMPLIANT;
    switch (dc->status) {
    case LCMP__STATUS_IMPLEMENTED:
        break;
    case LCMP__STATUS_NOT_IMPLEMENTED:
        return add_reason(e,
                          LCMP_REASON_STATUS_NOT_IMPLEMENTED,
                          make_pointer(e, "controls", c->id, "status", PTR_END),
                          "declared not implemented");
    case LCMP__STATUS_PARTIAL:
        return add_reason(e,
                          LCMP_REASON_STATUS_PARTIAL,
                          make_pointer(e, "controls", c->id, "status", PTR_END),
                          "declared partially implemented");
    case LCMP__STATUS_PLANNED:
        if (!dc->has_target_date) {
            return add_reason(
                e,
                LCMP_REASON_STATUS_PLANNED,
                make_pointer(e, "controls", c->id, "status", PTR_END),
                "planned");
        }
        lcmp__date_format(date, dc->target_date);
        if (dc->target_date >= e->today) {
            return add_reason(
                e,
                LCMP_REASON_STATUS_PLANNED,
                make_pointer(e, "controls", c->id, "status", PTR_END),
                "planned for %s",
                date);
        }
        return add_reason(
            e,
            LCMP_REASON_PLAN_OVERDUE,
            make_pointer(e, "controls", c->id, "target_date", PTR_END),
            "plan was due %s",
            date);
    case LCMP__STATUS_NOT_APPLICABLE:
        if (c->allow_na) {
            cr->state = LCMP_STATE_NOT_APPLICABLE;
            return 0;
        }
        return add_reason(e,
                          LCMP_REASON_NOT_APPLICABLE_REFUSED,
                          make_pointer(e, "controls", c->id, "status", PTR_END),
                          "declared not applicable, which the control does "
                          "not allow");
    }
    first = e->res->nreasons;
    if ((rc = eval_implemented(e, k, c, dc)) < 0) {
        return rc;
    }
    if (e->res->nreasons == first) {
        cr->state = LCMP_STATE_COMPLIANT;
    }
    return 0;
}

static int
apply_exception(ev *e, const lcmp__control *c, lcmp_control_result *cr)
{
    const lcmp__exception *x = lcmp__declaration_exception(e->decl, c->id);
    char idx[24], *expires;

    if (x == NULL) {
        return 0;
    }
    expires = lcmp__arena_strndup(&e->res->arena, "0000-00-00", 10);
    if (expires == NULL) {
        return LCMP_ENOMEM;
    }
    lcmp__date_format(expires, x->expires);
    cr->exception = x->index > (size_t)INT_MAX ? -1 : (int)x->index;
    cr->exception_approved_by = x->approved_by;
    cr->exception_expires = expires;
    cr->exception_expired = x->expires < e->today;
    if (cr->state != LCMP_STATE_NON_COMPLIANT &&
        cr->state != LCMP_STATE_UNDECLARED) {
        return 0;
    }
    if (!cr->exception_expired) {
        cr->state = LCMP_STATE_EXCEPTED;
        return 0;
    }
    snprintf(idx, sizeof(idx), "%zu", x->index);
    return add_reason(e,
                      LCMP_REASON_EXCEPTION_EXPIRED,
                      make_pointer(e, "exceptions", idx, "expires", PTR_END),
                      "exception expired on %s",
                      expires);
}

/* Stable insertion sort of a control's few reasons into table order. */
static void sort_reasons(lcmp_reason *r, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        lcmp_reason tmp = r[i];

        for (j = i; j > 0 && r[j - 1].code > tmp.code; j--) {
            r[j] = r[j - 1];
        }
        r[j] = tmp;
    }
}

static void count_state(lcmp_counts *n, lcmp_state_t state)
{
    n->controls++;
    switch (state) {
    case LCMP_STATE_COMPLIANT:
        n->compliant++;
        break;
    case LCMP_STATE_NON_COMPLIANT:
        n->non_compliant++;
        break;
    case LCMP_STATE_EXCEPTED:
        n->excepted++;
        break;
    case LCMP_STATE_NOT_APPLICABLE:
        n->not_applicable++;
        break;
    case LCMP_STATE_UNDECLARED:
        n->undeclared++;
        break;
    }
}

/* unknown_control, not_in_profile, unknown_exception, exception_unused. */
static int add_warnings(ev *e, const size_t *selected)
{
    const lcmp_declaration *d = e->decl;
    const lcmp_baseline *b = e->baseline;
    char q[QUOTE_LEN], idx[24];
    size_t i, bi;
    int rc = 0;

    for (i = 0; i < d->ncontrols && rc == 0; i++) {
        const char *id = d->controls[i].id;

        bi = lcmp__baseline_find(b, id);
        if (bi == SIZE_MAX) {
            rc = add_warning(e,
                             "unknown_control",
                             make_pointer(e, "controls", id, PTR_END),
                             "control %s is not in baseline '%s'",
                             quote(q, id),
                             b->id);
        } else if (selected[bi] == SIZE_MAX) {
            rc = add_warning(e,
                             "not_in_profile",
                             make_pointer(e, "controls", id, PTR_END),
                             "control %s is not selected by profile '%s'",
                             quote(q, id),
                             e->profile->id);
        }
    }
    for (i = 0; i < d->nexceptions && rc == 0; i++) {
        const lcmp__exception *x = &d->exceptions[i];
        const lcmp_control_result *cr;

        snprintf(idx, sizeof(idx), "%zu", x->index);
        bi = lcmp__baseline_find(b, x->control);
        if (bi == SIZE_MAX) {
            rc = add_warning(
                e,
                "unknown_exception",
                make_pointer(e, "exceptions", idx, "control", PTR_END),
                "exception for control %s, which is not in "
                "baseline '%s'",
                quote(q, x->control),
                b->id);
            continue;
        }
        if (selected[bi] == SIZE_MAX) {
            rc = add_warning(
                e,
                "unknown_exception",
                make_pointer(e, "exceptions", idx, "control", PTR_END),
                "exception for control %s, which profile '%s' "
                "does not select",
                quote(q, x->control),
                e->profile->id);
            continue;
        }
        cr = &e->res->controls[selected[bi]];
        if (cr->state == LCMP_STATE_COMPLIANT ||
            cr->state == LCMP_STATE_NOT_APPLICABLE) {
            rc = add_warning(e,
                             "exception_unused",
                             make_pointer(e, "exceptions", idx, PTR_END),
                             "exception for control %s is not needed: the "
                             "control is %s",
                             quote(q, x->control),
                             cr->state == LCMP_STATE_COMPLIANT
                                 ? "compliant"
                                 : "not applicable");
        }
    }
    return rc;
}

/* Counts per family (manifest order, non-empty only) and in total. */
static int count_results(ev *e)
{
    lcmp_result *res = e->res;
    const lcmp_baseline *b = e->baseline;
    size_t i, n = 0;

    res->families =
        calloc(b->nfamilies > 0 ? b->nfamilies : 1, sizeof(*res->families));
    if (res->families == NULL) {
        return LCMP_ENOMEM;
    }
    for (i = 0; i < res->ncontrols; i++) {
        const lcmp__control *c = &b->controls[e->profile->controls[i]];

        assert(c->family < b->nfamilies);
        count_state(&res->families[c->family].counts, res->controls[i].state);
        count_state(&res->summary, res->controls[i].state);
    }
    for (i = 0; i < b->nfamilies; i++) {
        if (res->families[i].counts.controls == 0) {
            continue;
        }
        res->families[n].counts = res->families[i].counts;
        res->families[n].counts.score =
            lcmp__counts_score(&res->families[n].counts);
        res->families[n].id = b->families[i].id;
        res->families[n].title = b->families[i].title;
        n++;
    }
    res->nfamilies = n;
    res->summary.score = lcmp__counts_score(&res->summary);
    return 0;
}

int lcmp_evaluate(lcmp_result **out,
                  const lcmp_profile *profile,
                  const lcmp_declaration *declaration,
                  int64_t at,
                  const lcmp_evaluate_options *opts,
                  lcmp_error *err)
{
    lcmp_result *res = NULL;
    size_t *selected = NULL;
    ev e;
    size_t k, off;
    int rc = LCMP_ERROR;

    memset(&e, 0, sizeof(e));
    if (out == NULL || profile == NULL || declaration == NULL ||
        profile->baseline == NULL)
    {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             NULL,
                             NULL,
                             "no %s given",
                             out == NULL           ? "result"
                             : declaration == NULL ? "declaration"
                                                   : "profile");
        goto done;
    }
    *out = NULL;
    if (opts != NULL && opts->version != LCMP_EVALUATE_OPTIONS_VERSION) {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             NULL,
                             NULL,
                             "unknown evaluate options version %u",
                             opts->version);
        goto done;
    }
    if (declaration->baseline != NULL &&
        strcmp(declaration->baseline, profile->baseline->id) != 0)
    {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             NULL,
                             "/baseline",
                             "declaration is for baseline '%s', not '%s'",
                             declaration->baseline,
                             profile->baseline->id);
        goto done;
    }

    e.profile = profile;
    e.baseline = profile->baseline;
    e.decl = declaration;
    e.today = lcmp__date_of_time(at);
    lcmp__date_format(e.today_text, e.today);
    if (opts != NULL) {
        e.evidence = opts->evidence;
        e.evidence_payload = opts->evidence_payload;
    }

    res = calloc(1, sizeof(*res));
    if (res == NULL) {
        goto nomem;
    }
    e.res = res;
    res->profile = profile;
    res->declaration = declaration;
    res->evaluated_at = at;
    res->ncontrols = profile->ncontrols;
    res->controls =
        calloc(res->ncontrols > 0 ? res->ncontrols : 1, sizeof(*res->controls));
    selected = malloc((e.baseline->ncontrols > 0 ? e.baseline->ncontrols : 1) *
                      sizeof(*selected));
    if (res->controls == NULL || selected == NULL) {
        goto nomem;
    }
    for (k = 0; k < e.baseline->ncontrols; k++) {
        selected[k] = SIZE_MAX;
    }

    for (k = 0; k < profile->ncontrols; k++) {
        const lcmp__control *c = &e.baseline->controls[profile->controls[k]];
        lcmp_control_result *cr = &res->controls[k];
        size_t first = res->nreasons;

        selected[profile->controls[k]] = k;
        cr->control = c->id;
        cr->family = e.baseline->families[c->family].id;
        cr->title = c->title;
        cr->exception = -1;
        if ((rc = eval_control(&e, k, c, cr)) < 0) {
            goto fail;
        }
        cr->original_state = cr->state;
        if ((rc = apply_exception(&e, c, cr)) < 0) {
            goto fail;
        }
        cr->nreasons = res->nreasons - first;
        sort_reasons(res->reasons + first, cr->nreasons);
    }
    /* the reasons array has stopped moving: point each control at its
     * slice */
    for (k = 0, off = 0; k < res->ncontrols; k++) {
        res->controls[k].reasons =
            res->controls[k].nreasons > 0 ? res->reasons + off : NULL;
        off += res->controls[k].nreasons;
    }
    if ((rc = add_warnings(&e, selected)) < 0 || (rc = count_results(&e)) < 0) {
        goto fail;
    }
    *out = res;
    res = NULL;
    rc = 0;
    goto done;

nomem:
    rc = LCMP_ENOMEM;
fail:
    rc = lcmp__error_set(err, rc, NULL, NULL, "out of memory");
done:
    lcmp_result_free(res);
    free(selected);
    free(e.fstate);
    free(e.fval);
    lcmp_buf_dispose(&e.scratch);
    return rc;
}
