/*
 * Differences between two baselines, their impact on one declaration, and
 * the comparison of two verified statements (include/libcompliance/diff.h).
 *
 * Invariants: controls are compared on the loaded model, member by member
 * (so OSCAL-loaded baselines compare the same way as JSON trees), and
 * parameters and facts by name, not by position; a resolved profile lists
 * control indices in ascending (baseline) order, which is what makes the
 * membership tests binary searches. Every list comes out in the NEW
 * baseline's order, then what only OLD has in OLD's order. Nothing here
 * reads a clock or a file.
 */
#include <stdlib.h>
#include <string.h>

#include "libcompliance/diff.h"
#include "dsse.h"
#include "model.h"
#include "stmt.h"
#include "util.h"

/*
 * Small helpers
 */

static int oom(lcmp_error *err)
{
    return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
}

static int str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return strcmp(a, b) == 0;
}

/* Grow `*arr` (of `*n` elements of `size`) by one zeroed element. */
static void *push(void *arr_ptr, size_t *n, size_t *cap, size_t size)
{
    void **arr = arr_ptr;
    char *p;

    if (*n == *cap) {
        size_t ncap = *cap == 0 ? 16 : *cap * 2;
        void *q = realloc(*arr, ncap * size);
        if (q == NULL) {
            return NULL;
        }
        *arr = q;
        *cap = ncap;
    }
    p = (char *)*arr + *n * size;
    memset(p, 0, size);
    (*n)++;
    return p;
}

static const char *family_id(const lcmp_baseline *b, const lcmp__control *c)
{
    return c->family < b->nfamilies ? b->families[c->family].id : NULL;
}

static int value_eq(const lcmp__value *a, const lcmp__value *b)
{
    if (a->type != b->type) {
        return 0;
    }
    switch (a->type) {
    case LCMP__T_INTEGER:
        return a->u.i == b->u.i;
    case LCMP__T_PERCENT:
        return a->u.num == b->u.num;
    case LCMP__T_BOOLEAN:
        return (a->u.b != 0) == (b->u.b != 0);
    case LCMP__T_DATE:
        return a->u.date == b->u.date;
    default:
        return str_eq(a->u.s, b->u.s);
    }
}

static int strings_eq(const char **a, size_t na, const char **b, size_t nb)
{
    size_t i;

    if (na != nb) {
        return 0;
    }
    for (i = 0; i < na; i++) {
        if (!str_eq(a[i], b[i])) {
            return 0;
        }
    }
    return 1;
}

static int bounds_eq(int ha, double a, int hb, double b)
{
    return ha == hb && (!ha || a == b);
}

static size_t find_param(const lcmp__control *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->nparams; i++) {
        if (strcmp(c->params[i].name, name) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

static size_t find_fact(const lcmp__control *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->nfacts; i++) {
        if (strcmp(c->facts[i].name, name) == 0) {
            return i;
        }
    }
    return SIZE_MAX;
}

static int param_eq(const lcmp__param *a, const lcmp__param *b)
{
    return a->type == b->type && value_eq(&a->def, &b->def) &&
           bounds_eq(a->has_min, a->min, b->has_min, b->min) &&
           bounds_eq(a->has_max, a->max, b->has_max, b->max) &&
           strings_eq(a->values, a->nvalues, b->values, b->nvalues) &&
           str_eq(a->unit, b->unit) && str_eq(a->description, b->description);
}

static int params_eq(const lcmp__control *a, const lcmp__control *b)
{
    size_t i, j;

    if (a->nparams != b->nparams) {
        return 0;
    }
    for (i = 0; i < a->nparams; i++) {
        j = find_param(b, a->params[i].name);
        if (j == SIZE_MAX || !param_eq(&a->params[i], &b->params[j])) {
            return 0;
        }
    }
    return 1;
}

static int facts_eq(const lcmp__control *a, const lcmp__control *b)
{
    size_t i, j;

    if (a->nfacts != b->nfacts) {
        return 0;
    }
    for (i = 0; i < a->nfacts; i++) {
        const lcmp__fact *x = &a->facts[i], *y;
        j = find_fact(b, x->name);
        if (j == SIZE_MAX) {
            return 0;
        }
        y = &b->facts[j];
        if (x->type != y->type || !str_eq(x->description, y->description) ||
            !strings_eq(x->values, x->nvalues, y->values, y->nvalues) ||
            !bounds_eq(x->has_min, x->min, y->has_min, y->min) ||
            !bounds_eq(x->has_max, x->max, y->has_max, y->max))
        {
            return 0;
        }
    }
    return 1;
}

/* Rules in order; facts and parameters by name. */
static int rules_eq(const lcmp__control *a, const lcmp__control *b)
{
    size_t i;

    if (a->nrules != b->nrules) {
        return 0;
    }
    for (i = 0; i < a->nrules; i++) {
        const lcmp__rule *x = &a->rules[i], *y = &b->rules[i];
        if (x->op != y->op || x->has_param != y->has_param ||
            x->unit != y->unit ||
            !str_eq(a->facts[x->fact].name, b->facts[y->fact].name) ||
            !strings_eq(x->values, x->nvalues, y->values, y->nvalues))
        {
            return 0;
        }
        if (x->has_param) {
            if (!str_eq(a->params[x->param].name, b->params[y->param].name)) {
                return 0;
            }
        } else if (x->op != LCMP__OP_IN && !value_eq(&x->value, &y->value)) {
            return 0;
        }
    }
    return 1;
}

static int mappings_eq(const lcmp__control *a, const lcmp__control *b)
{
    size_t i;

    if (a->nmappings != b->nmappings) {
        return 0;
    }
    for (i = 0; i < a->nmappings; i++) {
        const lcmp__mapping *x = &a->mappings[i], *y = &b->mappings[i];
        if (!str_eq(x->framework, y->framework) ||
            !strings_eq(x->ids, x->nids, y->ids, y->nids))
        {
            return 0;
        }
    }
    return 1;
}

static uint32_t control_aspects(const lcmp_baseline *ob,
                                const lcmp__control *o,
                                const lcmp_baseline *nb,
                                const lcmp__control *n)
{
    uint32_t a = 0;

    if (!str_eq(o->title, n->title)) {
        a |= LCMP_ASPECT_TITLE;
    }
    if (!str_eq(o->description, n->description)) {
        a |= LCMP_ASPECT_DESCRIPTION;
    }
    if (!str_eq(family_id(ob, o), family_id(nb, n))) {
        a |= LCMP_ASPECT_FAMILY;
    }
    if (!params_eq(o, n)) {
        a |= LCMP_ASPECT_PARAMS;
    }
    if (!facts_eq(o, n)) {
        a |= LCMP_ASPECT_FACTS;
    }
    if (!rules_eq(o, n)) {
        a |= LCMP_ASPECT_RULES;
    }
    if (o->evidence_min != n->evidence_min ||
        (o->evidence_sha256 != 0) != (n->evidence_sha256 != 0))
    {
        a |= LCMP_ASPECT_EVIDENCE;
    }
    if ((o->allow_na != 0) != (n->allow_na != 0)) {
        a |= LCMP_ASPECT_NOT_APPLICABLE;
    }
    if (!mappings_eq(o, n)) {
        a |= LCMP_ASPECT_MAPPINGS;
    }
    return a;
}

static const char *const aspect_names[LCMP_ASPECT_COUNT] = {
    "title",
    "description",
    "family",
    "params",
    "facts",
    "rules",
    "evidence",
    "not_applicable",
    "mappings",
};

const char *lcmp_aspect_name(uint32_t aspect)
{
    size_t i;

    for (i = 0; i < LCMP_ASPECT_COUNT; i++) {
        if (aspect == (1u << i)) {
            return aspect_names[i];
        }
    }
    return NULL;
}

/*
 * Baseline diff
 */

typedef struct pchange {
    lcmp_profile_change pub;
    int has_old, has_new;
    lcmp__value old_value, new_value;
} pchange;

struct lcmp_diff {
    const lcmp_baseline *old_b;
    const lcmp_baseline *new_b;
    lcmp_control_change *controls;
    size_t ncontrols, ccap;
    pchange *pchanges;
    size_t npchanges, pcap;
    lcmp_profile_change *pub; /* pchanges' public parts, once complete */
    char **strings;           /* owned texts of parameter values */
    size_t nstrings, scap;
    lcmp_profile **old_p; /* every profile of OLD, manifest order */
    lcmp_profile **new_p;
};

void lcmp_diff_free(lcmp_diff *diff)
{
    size_t i;

    if (diff == NULL) {
        return;
    }
    for (i = 0; i < diff->nstrings; i++) {
        free(diff->strings[i]);
    }
    if (diff->old_p != NULL) {
        for (i = 0; i < diff->old_b->nprofiles; i++) {
            lcmp_profile_free(diff->old_p[i]);
        }
    }
    if (diff->new_p != NULL) {
        for (i = 0; i < diff->new_b->nprofiles; i++) {
            lcmp_profile_free(diff->new_p[i]);
        }
    }
    free(diff->old_p);
    free(diff->new_p);
    free(diff->strings);
    free(diff->controls);
    free(diff->pchanges);
    free(diff->pub);
    free(diff);
}

/* Resolve every profile of `b` in manifest order. */
static int
resolve_all(lcmp_profile ***out, const lcmp_baseline *b, lcmp_error *err)
{
    size_t i, n = lcmp_baseline_profile_count(b);
    int rc;

    *out = calloc(n > 0 ? n : 1, sizeof(**out));
    if (*out == NULL) {
        return oom(err);
    }
    for (i = 0; i < n; i++) {
        rc = lcmp_profile_resolve(
            &(*out)[i], b, lcmp_baseline_profile_id(b, i), err);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

/* Position of baseline control `idx` in a resolved profile, or SIZE_MAX. */
static size_t profile_pos(const lcmp_profile *p, size_t idx)
{
    size_t lo = 0, hi = p->ncontrols;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->controls[mid] == idx) {
            return mid;
        }
        if (p->controls[mid] < idx) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return SIZE_MAX;
}

/* Position of control `id` in profile `p` (of baseline `b`), or SIZE_MAX. */
static size_t profile_find(const lcmp_profile *p, const char *id)
{
    size_t idx;

    if (p == NULL) {
        return SIZE_MAX;
    }
    idx = lcmp__baseline_find(p->baseline, id);
    return idx == SIZE_MAX ? SIZE_MAX : profile_pos(p, idx);
}

static lcmp_profile *
profile_by_id(lcmp_profile **ps, const lcmp_baseline *b, const char *id)
{
    size_t i;

    for (i = 0; i < b->nprofiles; i++) {
        if (strcmp(lcmp_baseline_profile_id(b, i), id) == 0) {
            return ps[i];
        }
    }
    return NULL;
}

/* The first profile (manifest order) selecting control `id`, or NULL;
 * `skip` is left out. */
static const char *first_selecting(lcmp_profile **ps,
                                   const lcmp_baseline *b,
                                   const char *id,
                                   const char *skip)
{
    size_t i;

    for (i = 0; i < b->nprofiles; i++) {
        const char *pid = lcmp_baseline_profile_id(b, i);
        if (!str_eq(pid, skip) && profile_find(ps[i], id) != SIZE_MAX) {
            return pid;
        }
    }
    return NULL;
}

static char *value_text(const lcmp__value *v)
{
    char date[11];

    switch (v->type) {
    case LCMP__T_INTEGER:
        return lcmp__aprintf("%lld", (long long)v->u.i);
    case LCMP__T_PERCENT:
        return lcmp__aprintf("%g", v->u.num);
    case LCMP__T_BOOLEAN:
        return lcmp__strdup(v->u.b ? "true" : "false");
    case LCMP__T_DATE:
        lcmp__date_format(date, v->u.date);
        return lcmp__strdup(date);
    default:
        return lcmp__strdup(v->u.s != NULL ? v->u.s : "");
    }
}

static int keep_text(lcmp_diff *d, const char **out, const lcmp__value *v)
{
    char *s = value_text(v), **slot;

    if (s == NULL) {
        return LCMP_ENOMEM;
    }
    slot = push(&d->strings, &d->nstrings, &d->scap, sizeof(*slot));
    if (slot == NULL) {
        free(s);
        return LCMP_ENOMEM;
    }
    *slot = s;
    *out = s;
    return 0;
}

static pchange *add_pchange(lcmp_diff *d,
                            const char *profile,
                            lcmp_pchange_t kind,
                            const char *control)
{
    pchange *pc = push(&d->pchanges, &d->npchanges, &d->pcap, sizeof(*pc));

    if (pc != NULL) {
        pc->pub.profile = profile;
        pc->pub.change = kind;
        pc->pub.control = control;
    }
    return pc;
}

static int add_param_change(lcmp_diff *d,
                            const char *profile,
                            const char *control,
                            const char *param,
                            const lcmp__value *ov,
                            const lcmp__value *nv)
{
    pchange *pc = add_pchange(d, profile, LCMP_PCHANGE_PARAM, control);

    if (pc == NULL) {
        return LCMP_ENOMEM;
    }
    pc->pub.param = param;
    if (ov != NULL) {
        pc->has_old = 1;
        pc->old_value = *ov;
        if (keep_text(d, &pc->pub.old_value, ov) < 0) {
            return LCMP_ENOMEM;
        }
    }
    if (nv != NULL) {
        pc->has_new = 1;
        pc->new_value = *nv;
        if (keep_text(d, &pc->pub.new_value, nv) < 0) {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* Effective parameter values of one control selected by both profiles. */
static int compare_params(lcmp_diff *d,
                          const char *pid,
                          const lcmp_profile *op,
                          size_t ok,
                          const lcmp_profile *np,
                          size_t nk)
{
    const lcmp__control *oc = &op->baseline->controls[op->controls[ok]];
    const lcmp__control *nc = &np->baseline->controls[np->controls[nk]];
    size_t i, j;

    for (i = 0; i < nc->nparams; i++) {
        const lcmp__value *nv = lcmp__profile_param(np, nk, i);
        const lcmp__value *ov = NULL;
        j = find_param(oc, nc->params[i].name);
        if (j != SIZE_MAX) {
            ov = lcmp__profile_param(op, ok, j);
        }
        if (ov != NULL && nv != NULL && value_eq(ov, nv)) {
            continue;
        }
        if (add_param_change(d, pid, nc->id, nc->params[i].name, ov, nv) < 0) {
            return LCMP_ENOMEM;
        }
    }
    for (j = 0; j < oc->nparams; j++) {
        if (find_param(nc, oc->params[j].name) != SIZE_MAX) {
            continue;
        }
        if (add_param_change(d,
                             pid,
                             nc->id,
                             oc->params[j].name,
                             lcmp__profile_param(op, ok, j),
                             NULL) < 0)
        {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

static int compare_profile(lcmp_diff *d,
                           const char *pid,
                           const lcmp_profile *op,
                           const lcmp_profile *np)
{
    size_t k, pos;
    pchange *pc;

    for (k = 0; k < np->ncontrols; k++) {
        const char *id = np->baseline->controls[np->controls[k]].id;
        pos = profile_find(op, id);
        if (pos == SIZE_MAX) {
            pc = add_pchange(d, pid, LCMP_PCHANGE_REQUIRED, id);
            if (pc == NULL) {
                return LCMP_ENOMEM;
            }
            pc->pub.other_profile =
                first_selecting(d->old_p, d->old_b, id, pid);
        } else if (compare_params(d, pid, op, pos, np, k) < 0) {
            return LCMP_ENOMEM;
        }
    }
    for (k = 0; k < op->ncontrols; k++) {
        const char *id = op->baseline->controls[op->controls[k]].id;
        if (profile_find(np, id) != SIZE_MAX) {
            continue;
        }
        pc = add_pchange(d, pid, LCMP_PCHANGE_NOT_REQUIRED, id);
        if (pc == NULL) {
            return LCMP_ENOMEM;
        }
        pc->pub.other_profile = first_selecting(d->new_p, d->new_b, id, pid);
    }
    return 0;
}

static int compare_controls(lcmp_diff *d)
{
    const lcmp_baseline *ob = d->old_b, *nb = d->new_b;
    lcmp_control_change *cc;
    size_t i, j;

    for (i = 0; i < nb->ncontrols; i++) {
        const lcmp__control *n = &nb->controls[i];
        uint32_t aspects = 0;
        j = lcmp__baseline_find(ob, n->id);
        if (j != SIZE_MAX) {
            aspects = control_aspects(ob, &ob->controls[j], nb, n);
            if (aspects == 0) {
                continue;
            }
        }
        cc = push(&d->controls, &d->ncontrols, &d->ccap, sizeof(*cc));
        if (cc == NULL) {
            return LCMP_ENOMEM;
        }
        cc->control = n->id;
        cc->change = j == SIZE_MAX ? LCMP_CHANGE_ADDED : LCMP_CHANGE_CHANGED;
        cc->aspects = aspects;
        cc->new_title = n->title;
        cc->new_family = family_id(nb, n);
        if (j != SIZE_MAX) {
            cc->old_title = ob->controls[j].title;
            cc->old_family = family_id(ob, &ob->controls[j]);
        }
    }
    for (i = 0; i < ob->ncontrols; i++) {
        const lcmp__control *o = &ob->controls[i];
        if (lcmp__baseline_find(nb, o->id) != SIZE_MAX) {
            continue;
        }
        cc = push(&d->controls, &d->ncontrols, &d->ccap, sizeof(*cc));
        if (cc == NULL) {
            return LCMP_ENOMEM;
        }
        cc->control = o->id;
        cc->change = LCMP_CHANGE_REMOVED;
        cc->old_title = o->title;
        cc->old_family = family_id(ob, o);
    }
    return 0;
}

int lcmp_diff_baselines(lcmp_diff **out,
                        const lcmp_baseline *old_b,
                        const lcmp_baseline *new_b,
                        lcmp_error *err)
{
    lcmp_diff *d = NULL;
    size_t i;
    int rc = LCMP_ERROR;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || old_b == NULL || new_b == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "missing argument to diff");
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return oom(err);
    }
    d->old_b = old_b;
    d->new_b = new_b;
    if ((rc = resolve_all(&d->old_p, old_b, err)) < 0 ||
        (rc = resolve_all(&d->new_p, new_b, err)) < 0)
    {
        goto done;
    }
    if (compare_controls(d) < 0) {
        rc = oom(err);
        goto done;
    }
    for (i = 0; i < new_b->nprofiles; i++) {
        const char *pid = lcmp_baseline_profile_id(new_b, i);
        lcmp_profile *op = profile_by_id(d->old_p, old_b, pid);
        if (op == NULL) {
            if (add_pchange(d, pid, LCMP_PCHANGE_PROFILE_ADDED, NULL) == NULL) {
                rc = oom(err);
                goto done;
            }
        } else if (compare_profile(d, pid, op, d->new_p[i]) < 0) {
            rc = oom(err);
            goto done;
        }
    }
    for (i = 0; i < old_b->nprofiles; i++) {
        const char *pid = lcmp_baseline_profile_id(old_b, i);
        if (profile_by_id(d->new_p, new_b, pid) == NULL &&
            add_pchange(d, pid, LCMP_PCHANGE_PROFILE_REMOVED, NULL) == NULL)
        {
            rc = oom(err);
            goto done;
        }
    }
    d->pub = calloc(d->npchanges > 0 ? d->npchanges : 1, sizeof(*d->pub));
    if (d->pub == NULL) {
        rc = oom(err);
        goto done;
    }
    for (i = 0; i < d->npchanges; i++) {
        d->pub[i] = d->pchanges[i].pub;
    }
    *out = d;
    d = NULL;
    rc = 0;

done:
    lcmp_diff_free(d);
    return rc;
}

bool lcmp_diff_has_changes(const lcmp_diff *diff)
{
    return diff != NULL && (diff->ncontrols > 0 || diff->npchanges > 0);
}

size_t lcmp_diff_control_count(const lcmp_diff *diff)
{
    return diff != NULL ? diff->ncontrols : 0;
}

const lcmp_control_change *lcmp_diff_control(const lcmp_diff *diff, size_t i)
{
    return diff != NULL && i < diff->ncontrols ? &diff->controls[i] : NULL;
}

size_t lcmp_diff_profile_change_count(const lcmp_diff *diff)
{
    return diff != NULL ? diff->npchanges : 0;
}

const lcmp_profile_change *lcmp_diff_profile_change(const lcmp_diff *diff,
                                                    size_t i)
{
    return diff != NULL && i < diff->npchanges ? &diff->pub[i] : NULL;
}

/*
 * Impact on a declaration
 */

struct lcmp_impact {
    lcmp_profile *old_p;
    lcmp_profile *new_p;
    lcmp_result *old_r;
    lcmp_result *new_r;
    const lcmp_declaration *decl;
    int64_t at;
    lcmp_impact_item *items;
    size_t nitems, cap;
};

static const char *const impact_names[] = {
    "newly_failing",
    "newly_required",
    "changed",
    "newly_passing",
    "no_longer_required",
};

const char *lcmp_impact_name(lcmp_impact_t kind)
{
    if ((size_t)kind >= sizeof(impact_names) / sizeof(impact_names[0])) {
        return NULL;
    }
    return impact_names[kind];
}

static int failing(lcmp_state_t s)
{
    return s == LCMP_STATE_NON_COMPLIANT || s == LCMP_STATE_UNDECLARED;
}

static int same_result(const lcmp_control_result *a,
                       const lcmp_control_result *b)
{
    size_t i;

    if (a->state != b->state || a->original_state != b->original_state ||
        a->nreasons != b->nreasons)
    {
        return 0;
    }
    for (i = 0; i < a->nreasons; i++) {
        if (a->reasons[i].code != b->reasons[i].code ||
            !str_eq(a->reasons[i].pointer, b->reasons[i].pointer))
        {
            return 0;
        }
    }
    return 1;
}

void lcmp_impact_free(lcmp_impact *impact)
{
    if (impact == NULL) {
        return;
    }
    lcmp_result_free(impact->old_r);
    lcmp_result_free(impact->new_r);
    lcmp_profile_free(impact->old_p);
    lcmp_profile_free(impact->new_p);
    free(impact->items);
    free(impact);
}

static int resolve_side(lcmp_profile **out,
                        const lcmp_baseline *b,
                        const char *id,
                        const char *side,
                        lcmp_error *err)
{
    if (lcmp__baseline_find_profile(b, id) == SIZE_MAX) {
        return lcmp__error_set(err,
                               LCMP_ENOTFOUND,
                               NULL,
                               NULL,
                               "profile '%s' is not in the %s baseline",
                               id,
                               side);
    }
    return lcmp_profile_resolve(out, b, id, err);
}

static lcmp_impact_item *add_item(lcmp_impact *im,
                                  const lcmp_control_result *o,
                                  const lcmp_control_result *n,
                                  lcmp_impact_t kind)
{
    lcmp_impact_item *it = push(&im->items, &im->nitems, &im->cap, sizeof(*it));

    if (it == NULL) {
        return NULL;
    }
    it->kind = kind;
    it->control = n != NULL ? n->control : o->control;
    it->title = n != NULL ? n->title : o->title;
    if (o != NULL) {
        it->has_old = true;
        it->old_state = o->state;
    }
    if (n != NULL) {
        it->has_new = true;
        it->new_state = n->state;
        it->reasons = n->reasons;
        it->nreasons = n->nreasons;
    }
    return it;
}

int lcmp_impact_evaluate(lcmp_impact **out,
                         const lcmp_baseline *old_b,
                         const lcmp_baseline *new_b,
                         const lcmp_declaration *declaration,
                         const char *profile,
                         int64_t at,
                         const lcmp_evaluate_options *opts,
                         lcmp_error *err)
{
    lcmp_impact *im = NULL;
    size_t i, n;
    int rc = LCMP_ERROR;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || old_b == NULL || new_b == NULL || declaration == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "missing argument to impact");
    }
    if (profile == NULL) {
        profile = lcmp_declaration_profile(declaration);
    }
    if (profile == NULL) {
        return lcmp__error_set(err,
                               LCMP_ENOTFOUND,
                               NULL,
                               NULL,
                               "no profile: the declaration names none");
    }
    im = calloc(1, sizeof(*im));
    if (im == NULL) {
        return oom(err);
    }
    im->decl = declaration;
    im->at = at;
    if ((rc = resolve_side(&im->old_p, old_b, profile, "old", err)) < 0 ||
        (rc = resolve_side(&im->new_p, new_b, profile, "new", err)) < 0 ||
        (rc = lcmp_evaluate(
             &im->old_r, im->old_p, declaration, at, opts, err)) < 0 ||
        (rc = lcmp_evaluate(
             &im->new_r, im->new_p, declaration, at, opts, err)) < 0)
    {
        goto done;
    }

    n = lcmp_result_control_count(im->new_r);
    for (i = 0; i < n; i++) {
        const lcmp_control_result *nr = lcmp_result_control(im->new_r, i);
        size_t pos = profile_find(im->old_p, nr->control);
        const lcmp_control_result *orr =
            pos == SIZE_MAX ? NULL : lcmp_result_control(im->old_r, pos);
        lcmp_impact_t kind;

        if (orr == NULL) {
            kind = LCMP_IMPACT_NEWLY_REQUIRED;
        } else if (same_result(orr, nr)) {
            continue;
        } else if (!failing(orr->state) && failing(nr->state)) {
            kind = LCMP_IMPACT_NEWLY_FAILING;
        } else if (failing(orr->state) && !failing(nr->state)) {
            kind = LCMP_IMPACT_NEWLY_PASSING;
        } else {
            kind = LCMP_IMPACT_CHANGED;
        }
        if (add_item(im, orr, nr, kind) == NULL) {
            rc = oom(err);
            goto done;
        }
    }
    n = lcmp_result_control_count(im->old_r);
    for (i = 0; i < n; i++) {
        const lcmp_control_result *orr = lcmp_result_control(im->old_r, i);
        if (profile_find(im->new_p, orr->control) == SIZE_MAX &&
            add_item(im, orr, NULL, LCMP_IMPACT_NO_LONGER_REQUIRED) == NULL)
        {
            rc = oom(err);
            goto done;
        }
    }
    *out = im;
    im = NULL;
    rc = 0;

done:
    lcmp_impact_free(im);
    return rc;
}

const char *lcmp_impact_profile(const lcmp_impact *impact)
{
    return impact != NULL ? lcmp_profile_id(impact->new_p) : NULL;
}

int64_t lcmp_impact_evaluated_at(const lcmp_impact *impact)
{
    return impact != NULL ? impact->at : 0;
}

const lcmp_result *lcmp_impact_old(const lcmp_impact *impact)
{
    return impact != NULL ? impact->old_r : NULL;
}

const lcmp_result *lcmp_impact_new(const lcmp_impact *impact)
{
    return impact != NULL ? impact->new_r : NULL;
}

size_t lcmp_impact_count(const lcmp_impact *impact)
{
    return impact != NULL ? impact->nitems : 0;
}

const lcmp_impact_item *lcmp_impact_get(const lcmp_impact *impact, size_t i)
{
    return impact != NULL && i < impact->nitems ? &impact->items[i] : NULL;
}

/*
 * JSON (lcmp.diff/v1)
 */

/* Set a member, taking the value's reference; 0 or -1. */
static int jset(json_t *obj, const char *key, json_t *v)
{
    return v == NULL ? -1 : json_object_set_new(obj, key, v);
}

static json_t *jstr_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static int jappend(json_t *arr, json_t *v)
{
    return v == NULL ? -1 : json_array_append_new(arr, v);
}

static json_t *json_value(int has, const lcmp__value *v)
{
    if (!has) {
        return json_null();
    }
    switch (v->type) {
    case LCMP__T_INTEGER:
        return json_integer((json_int_t)v->u.i);
    case LCMP__T_PERCENT:
        return json_real(v->u.num);
    case LCMP__T_BOOLEAN:
        return json_boolean(v->u.b);
    case LCMP__T_DATE: {
        char date[11];
        lcmp__date_format(date, v->u.date);
        return json_string(date);
    }
    default:
        return json_string(v->u.s != NULL ? v->u.s : "");
    }
}

static json_t *side_json(const char *name, const lcmp_baseline *b)
{
    json_t *o = json_object();

    if (o == NULL || jset(o, "name", jstr_or_null(name)) < 0 ||
        jset(o, "baseline", json_string(lcmp_baseline_id(b))) < 0 ||
        jset(o, "controls", json_integer((json_int_t)b->ncontrols)) < 0)
    {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *control_side(const char *title, const char *family)
{
    json_t *o;

    if (title == NULL) {
        return json_null();
    }
    o = json_object();
    if (o == NULL || jset(o, "title", json_string(title)) < 0 ||
        jset(o, "family", jstr_or_null(family)) < 0)
    {
        json_decref(o);
        return NULL;
    }
    return o;
}

static const char *const change_names[] = {"added", "removed", "changed"};

static json_t *controls_json(const lcmp_diff *d)
{
    json_t *arr = json_array();
    size_t i, k;

    if (arr == NULL) {
        return NULL;
    }
    for (i = 0; i < d->ncontrols; i++) {
        const lcmp_control_change *c = &d->controls[i];
        json_t *o = json_object(), *aspects = json_array();
        int bad = o == NULL || aspects == NULL;

        for (k = 0; !bad && k < LCMP_ASPECT_COUNT; k++) {
            if ((c->aspects & (1u << k)) != 0) {
                bad = jappend(aspects, json_string(aspect_names[k])) < 0;
            }
        }
        if (bad || jset(o, "id", json_string(c->control)) < 0 ||
            jset(o, "change", json_string(change_names[c->change])) < 0 ||
            json_object_set(o, "aspects", aspects) < 0 ||
            jset(o, "old", control_side(c->old_title, c->old_family)) < 0 ||
            jset(o, "new", control_side(c->new_title, c->new_family)) < 0)
        {
            bad = 1;
        }
        json_decref(aspects);
        if (bad) {
            json_decref(o);
        }
        if (bad || jappend(arr, o) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* One profile's entry: its change and the lists of its changes. */
static json_t *profile_json(const lcmp_diff *d, const char *pid)
{
    json_t *o = json_object(), *req = json_array(), *notreq = json_array();
    json_t *params = json_array();
    const char *change = "unchanged";
    size_t i;
    int bad = o == NULL || req == NULL || notreq == NULL || params == NULL;

    for (i = 0; !bad && i < d->npchanges; i++) {
        const pchange *pc = &d->pchanges[i];
        json_t *e, *dest = params;
        if (strcmp(pc->pub.profile, pid) != 0) {
            continue;
        }
        if (pc->pub.change == LCMP_PCHANGE_PROFILE_ADDED) {
            change = "added";
            continue;
        }
        if (pc->pub.change == LCMP_PCHANGE_PROFILE_REMOVED) {
            change = "removed";
            continue;
        }
        change = "changed";
        e = json_object();
        bad = e == NULL || jset(e, "control", json_string(pc->pub.control)) < 0;
        if (!bad && pc->pub.change == LCMP_PCHANGE_REQUIRED) {
            bad = jset(e, "from", jstr_or_null(pc->pub.other_profile)) < 0;
            dest = req;
        } else if (!bad && pc->pub.change == LCMP_PCHANGE_NOT_REQUIRED) {
            bad = jset(e, "to", jstr_or_null(pc->pub.other_profile)) < 0;
            dest = notreq;
        } else if (!bad) {
            bad = jset(e, "param", json_string(pc->pub.param)) < 0 ||
                  jset(e, "old", json_value(pc->has_old, &pc->old_value)) < 0 ||
                  jset(e, "new", json_value(pc->has_new, &pc->new_value)) < 0;
            dest = params;
        }
        if (bad) {
            json_decref(e);
        } else {
            bad = jappend(dest, e) < 0;
        }
    }
    if (!bad) {
        bad = jset(o, "id", json_string(pid)) < 0 ||
              jset(o, "change", json_string(change)) < 0;
    }
    if (bad || json_object_set(o, "newly_required", req) < 0 ||
        json_object_set(o, "no_longer_required", notreq) < 0 ||
        json_object_set(o, "params", params) < 0)
    {
        json_decref(o);
        o = NULL;
    }
    json_decref(req);
    json_decref(notreq);
    json_decref(params);
    return o;
}

static json_t *profiles_json(const lcmp_diff *d)
{
    json_t *arr = json_array();
    size_t i;

    if (arr == NULL) {
        return NULL;
    }
    for (i = 0; i < d->new_b->nprofiles; i++) {
        if (jappend(arr,
                    profile_json(d, lcmp_baseline_profile_id(d->new_b, i))) < 0)
        {
            json_decref(arr);
            return NULL;
        }
    }
    for (i = 0; i < d->old_b->nprofiles; i++) {
        const char *pid = lcmp_baseline_profile_id(d->old_b, i);
        if (lcmp__baseline_find_profile(d->new_b, pid) == SIZE_MAX &&
            jappend(arr, profile_json(d, pid)) < 0)
        {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *counts_json(const lcmp_counts *c)
{
    json_t *o = json_object();

    if (o == NULL ||
        jset(o, "controls", json_integer((json_int_t)c->controls)) < 0 ||
        jset(o, "compliant", json_integer((json_int_t)c->compliant)) < 0 ||
        jset(o, "non_compliant", json_integer((json_int_t)c->non_compliant)) <
            0 ||
        jset(o, "excepted", json_integer((json_int_t)c->excepted)) < 0 ||
        jset(o, "not_applicable", json_integer((json_int_t)c->not_applicable)) <
            0 ||
        jset(o, "undeclared", json_integer((json_int_t)c->undeclared)) < 0 ||
        jset(o, "score", json_integer((json_int_t)c->score)) < 0)
    {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *reasons_json(const lcmp_reason *r, size_t n)
{
    json_t *arr = json_array();
    size_t i;

    for (i = 0; arr != NULL && i < n; i++) {
        json_t *o = json_object();
        if (o == NULL ||
            jset(o, "code", json_string(lcmp_reason_name(r[i].code))) < 0 ||
            jset(o, "pointer", json_string(r[i].pointer ? r[i].pointer : "")) <
                0 ||
            jset(o, "message", json_string(r[i].message ? r[i].message : "")) <
                0)
        {
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
        if (jappend(arr, o) < 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *impact_json(const lcmp_impact *im)
{
    json_t *o = json_object(), *org = json_object(), *arr = json_array();
    char when[21];
    size_t i;
    int bad = o == NULL || org == NULL || arr == NULL;

    lcmp_time_format(when, im->at);
    for (i = 0; !bad && i < im->nitems; i++) {
        const lcmp_impact_item *it = &im->items[i];
        json_t *e = json_object();
        bad = e == NULL || jset(e, "id", json_string(it->control)) < 0 ||
              jset(e, "title", json_string(it->title)) < 0 ||
              jset(e, "impact", json_string(lcmp_impact_name(it->kind))) < 0 ||
              jset(e,
                   "old_state",
                   it->has_old ? json_string(lcmp_state_name(it->old_state))
                               : json_null()) < 0 ||
              jset(e,
                   "new_state",
                   it->has_new ? json_string(lcmp_state_name(it->new_state))
                               : json_null()) < 0 ||
              jset(e, "reasons", reasons_json(it->reasons, it->nreasons)) < 0;
        if (bad) {
            json_decref(e);
        } else {
            bad = jappend(arr, e) < 0;
        }
    }
    if (!bad) {
        bad = jset(org, "id", json_string(lcmp_declaration_org_id(im->decl))) <
                  0 ||
              jset(org,
                   "name",
                   json_string(lcmp_declaration_org_name(im->decl))) < 0 ||
              json_object_set(o, "organisation", org) < 0 ||
              jset(o, "profile", json_string(lcmp_impact_profile(im))) < 0 ||
              jset(o, "evaluated_at", json_string(when)) < 0 ||
              jset(o,
                   "old_summary",
                   counts_json(lcmp_result_summary(im->old_r))) < 0 ||
              jset(o,
                   "new_summary",
                   counts_json(lcmp_result_summary(im->new_r))) < 0 ||
              json_object_set(o, "controls", arr) < 0;
    }
    json_decref(org);
    json_decref(arr);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int dump(lcmp_buf *out, json_t *doc, uint32_t compact, lcmp_error *err)
{
    char *text = json_dumps(
        doc, JSON_PRESERVE_ORDER | (compact ? JSON_COMPACT : JSON_INDENT(2)));
    int rc;

    if (text == NULL) {
        return oom(err);
    }
    lcmp__buf_clear(out);
    rc = lcmp__buf_puts(out, text);
    if (rc == 0) {
        rc = lcmp__buf_puts(out, "\n");
    }
    free(text);
    return rc < 0 ? oom(err) : 0;
}

int lcmp_diff_to_json(lcmp_buf *out,
                      const lcmp_diff *diff,
                      const lcmp_impact *impact,
                      const char *old_name,
                      const char *new_name,
                      uint32_t flags,
                      lcmp_error *err)
{
    json_t *doc = NULL;
    int rc;

    if (out == NULL || diff == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "missing argument to diff json");
    }
    doc = json_object();
    if (doc == NULL || jset(doc, "schema", json_string("lcmp.diff/v1")) < 0 ||
        jset(doc, "old", side_json(old_name, diff->old_b)) < 0 ||
        jset(doc, "new", side_json(new_name, diff->new_b)) < 0 ||
        jset(doc, "changed", json_boolean(lcmp_diff_has_changes(diff))) < 0 ||
        jset(doc, "controls", controls_json(diff)) < 0 ||
        jset(doc, "profiles", profiles_json(diff)) < 0 ||
        jset(doc,
             "impact",
             impact != NULL ? impact_json(impact) : json_null()) < 0)
    {
        json_decref(doc);
        return oom(err);
    }
    rc = dump(out, doc, flags & LCMP_DIFF_JSON_F_COMPACT, err);
    json_decref(doc);
    return rc;
}

/*
 * Two statements
 */

struct lcmp_statement_diff {
    lcmp__statement *old_st;
    lcmp__statement *new_st;
    lcmp_statement_move *moves;
    size_t nmoves, cap;
    size_t tally[5];
};

static const char *const move_names[] = {"improved",
                                         "regressed",
                                         "unchanged",
                                         "added",
                                         "removed"};

const char *lcmp_move_name(lcmp_move_t move)
{
    if ((size_t)move >= sizeof(move_names) / sizeof(move_names[0])) {
        return NULL;
    }
    return move_names[move];
}

/* compliant = not applicable > excepted > non-compliant = undeclared */
static int state_rank(const char *s)
{
    if (strcmp(s, "compliant") == 0 || strcmp(s, "not_applicable") == 0) {
        return 2;
    }
    return strcmp(s, "excepted") == 0 ? 1 : 0;
}

void lcmp_statement_diff_free(lcmp_statement_diff *diff)
{
    if (diff == NULL) {
        return;
    }
    lcmp__statement_free(diff->old_st);
    lcmp__statement_free(diff->new_st);
    free(diff->moves);
    free(diff);
}

/*
 * Read the statement of an envelope that `v` verified. The envelope's one
 * payload is what was verified; that these are the bytes `v` came from is
 * checked against what `v` says.
 */
static int read_verified(lcmp__statement **out,
                         const lcmp_verification *v,
                         const uint8_t *env,
                         size_t len,
                         const char *which,
                         lcmp_error *err)
{
    const lcmp_statement_info *vi = NULL;
    lcmp__dsse *dsse = NULL;
    const lcmp_statement_info *si;
    int rc;

    *out = NULL;
    if (v != NULL && lcmp_verification_valid(v)) {
        vi = lcmp_verification_statement(v);
    }
    if (env == NULL || vi == NULL) {
        return lcmp__error_set(err,
                               LCMP_EVERIFY,
                               NULL,
                               NULL,
                               "the %s statement did not verify",
                               which);
    }
    rc = lcmp__dsse_parse(&dsse, env, len, NULL, err);
    if (rc < 0) {
        goto done;
    }
    rc =
        lcmp__statement_parse(out, dsse->payload, dsse->payload_len, NULL, err);
    if (rc < 0) {
        goto done;
    }
    si = &(*out)->info;
    if (!str_eq(si->organisation_id, vi->organisation_id) ||
        !str_eq(si->declaration_sha256, vi->declaration_sha256) ||
        !str_eq(si->commit_id, vi->commit_id) ||
        si->evaluated_at != vi->evaluated_at)
    {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             NULL,
                             NULL,
                             "the %s statement's bytes are not the ones "
                             "verified",
                             which);
        goto done;
    }
    rc = 0;

done:
    if (rc < 0) {
        lcmp__statement_free(*out);
        *out = NULL;
    }
    lcmp__dsse_free(dsse);
    return rc;
}

static const lcmp__stmt_result *stmt_find(const lcmp__statement *st,
                                          const char *control)
{
    size_t i;

    for (i = 0; i < st->nresults; i++) {
        if (strcmp(st->results[i].control, control) == 0) {
            return &st->results[i];
        }
    }
    return NULL;
}

static int add_move(lcmp_statement_diff *d,
                    const lcmp__stmt_result *o,
                    const lcmp__stmt_result *n)
{
    lcmp_statement_move *m = push(&d->moves, &d->nmoves, &d->cap, sizeof(*m));

    if (m == NULL) {
        return LCMP_ENOMEM;
    }
    m->control = n != NULL ? n->control : o->control;
    m->family = n != NULL ? n->family : o->family;
    m->old_state = o != NULL ? o->state : NULL;
    m->new_state = n != NULL ? n->state : NULL;
    if (o == NULL) {
        m->move = LCMP_MOVE_ADDED;
    } else if (n == NULL) {
        m->move = LCMP_MOVE_REMOVED;
    } else if (state_rank(n->state) > state_rank(o->state)) {
        m->move = LCMP_MOVE_IMPROVED;
    } else if (state_rank(n->state) < state_rank(o->state)) {
        m->move = LCMP_MOVE_REGRESSED;
    } else {
        m->move = LCMP_MOVE_UNCHANGED;
    }
    d->tally[m->move]++;
    return 0;
}

int lcmp_statement_diff_new(lcmp_statement_diff **out,
                            const lcmp_verification *old_v,
                            const uint8_t *old_env,
                            size_t old_len,
                            const lcmp_verification *new_v,
                            const uint8_t *new_env,
                            size_t new_len,
                            lcmp_error *err)
{
    lcmp_statement_diff *d = NULL;
    size_t i;
    int rc = LCMP_ERROR;

    if (out == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "missing argument to diff");
    }
    *out = NULL;
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        return oom(err);
    }
    if ((rc = read_verified(&d->old_st, old_v, old_env, old_len, "old", err)) <
            0 ||
        (rc = read_verified(&d->new_st, new_v, new_env, new_len, "new", err)) <
            0)
    {
        goto done;
    }
    if (!str_eq(d->old_st->info.organisation_id,
                d->new_st->info.organisation_id)) {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             NULL,
                             NULL,
                             "statements are for different organisations: "
                             "'%s' and '%s'",
                             d->old_st->info.organisation_id,
                             d->new_st->info.organisation_id);
        goto done;
    }
    for (i = 0; i < d->new_st->nresults; i++) {
        const lcmp__stmt_result *n = &d->new_st->results[i];
        if (add_move(d, stmt_find(d->old_st, n->control), n) < 0) {
            rc = oom(err);
            goto done;
        }
    }
    for (i = 0; i < d->old_st->nresults; i++) {
        const lcmp__stmt_result *o = &d->old_st->results[i];
        if (stmt_find(d->new_st, o->control) == NULL &&
            add_move(d, o, NULL) < 0) {
            rc = oom(err);
            goto done;
        }
    }
    *out = d;
    d = NULL;
    rc = 0;

done:
    lcmp_statement_diff_free(d);
    return rc;
}

const lcmp_statement_info *
lcmp_statement_diff_old(const lcmp_statement_diff *diff)
{
    return diff != NULL ? &diff->old_st->info : NULL;
}

const lcmp_statement_info *
lcmp_statement_diff_new_info(const lcmp_statement_diff *diff)
{
    return diff != NULL ? &diff->new_st->info : NULL;
}

size_t lcmp_statement_diff_count(const lcmp_statement_diff *diff)
{
    return diff != NULL ? diff->nmoves : 0;
}

const lcmp_statement_move *
lcmp_statement_diff_get(const lcmp_statement_diff *diff, size_t i)
{
    return diff != NULL && i < diff->nmoves ? &diff->moves[i] : NULL;
}

size_t lcmp_statement_diff_tally(const lcmp_statement_diff *diff,
                                 lcmp_move_t move)
{
    if (diff == NULL || (size_t)move >= 5) {
        return 0;
    }
    return diff->tally[move];
}

static json_t *statement_side(const lcmp_statement_info *si)
{
    json_t *o = json_object();
    char when[21];

    lcmp_time_format(when, si->evaluated_at);
    if (o == NULL || jset(o, "release", json_string(si->release)) < 0 ||
        jset(o, "commit", json_string(si->commit_id)) < 0 ||
        jset(o, "profile", json_string(si->profile)) < 0 ||
        jset(o, "evaluated_at", json_string(when)) < 0 ||
        jset(o, "declaration_sha256", json_string(si->declaration_sha256)) <
            0 ||
        jset(o, "summary", counts_json(&si->summary)) < 0)
    {
        json_decref(o);
        return NULL;
    }
    return o;
}

int lcmp_statement_diff_to_json(lcmp_buf *out,
                                const lcmp_statement_diff *diff,
                                uint32_t flags,
                                lcmp_error *err)
{
    const lcmp_statement_info *a, *b;
    json_t *doc = NULL, *org = NULL, *tally = NULL, *arr = NULL;
    size_t i;
    int rc, bad;

    if (out == NULL || diff == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "missing argument to diff json");
    }
    a = &diff->old_st->info;
    b = &diff->new_st->info;
    doc = json_object();
    org = json_object();
    tally = json_object();
    arr = json_array();
    bad = doc == NULL || org == NULL || tally == NULL || arr == NULL;
    for (i = 0; !bad && i < 5; i++) {
        bad = jset(tally,
                   move_names[i],
                   json_integer((json_int_t)diff->tally[i])) < 0;
    }
    for (i = 0; !bad && i < diff->nmoves; i++) {
        const lcmp_statement_move *m = &diff->moves[i];
        json_t *e = json_object();
        bad = e == NULL || jset(e, "id", json_string(m->control)) < 0 ||
              jset(e, "family", json_string(m->family)) < 0 ||
              jset(e, "move", json_string(move_names[m->move])) < 0 ||
              jset(e, "old_state", jstr_or_null(m->old_state)) < 0 ||
              jset(e, "new_state", jstr_or_null(m->new_state)) < 0;
        if (bad) {
            json_decref(e);
        } else {
            bad = jappend(arr, e) < 0;
        }
    }
    if (!bad) {
        bad = jset(org, "id", json_string(b->organisation_id)) < 0 ||
              jset(org, "name", json_string(b->organisation_name)) < 0 ||
              jset(doc, "schema", json_string("lcmp.statement-diff/v1")) < 0 ||
              json_object_set(doc, "organisation", org) < 0 ||
              jset(doc, "old", statement_side(a)) < 0 ||
              jset(doc, "new", statement_side(b)) < 0 ||
              jset(doc,
                   "score_change",
                   json_integer((json_int_t)b->summary.score -
                                (json_int_t)a->summary.score)) < 0 ||
              json_object_set(doc, "tally", tally) < 0 ||
              json_object_set(doc, "controls", arr) < 0;
    }
    json_decref(org);
    json_decref(tally);
    json_decref(arr);
    if (bad) {
        json_decref(doc);
        return oom(err);
    }
    rc = dump(out, doc, flags & LCMP_DIFF_JSON_F_COMPACT, err);
    json_decref(doc);
    return rc;
}
