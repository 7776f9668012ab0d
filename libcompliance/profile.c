/*
 * Profile resolution (docs/formats.md §1.3): extends, include, exclude and
 * params turned into the selected controls, in baseline order, with their
 * effective parameter values.
 *
 * Every profile reachable from the one asked for is resolved once, the
 * extended ones first (an iterative depth-first search, so that no chain of
 * profiles can exhaust the stack), into two arrays: a mark per control and,
 * per parameter of the baseline, the value that wins (NULL: the default).
 * A profile starts from the union of its extended profiles in order (a
 * later one's values override an earlier one's), adds its includes, removes
 * its excludes (exclusion wins) and applies its own params last. Cost:
 * O(r * (controls + parameters)) for r reachable profiles; no list scans
 * except over the manifest's families, which are few.
 *
 * The loader has already refused unknown references and cycles. They are
 * checked again here, so that a model built by other means can neither loop
 * nor index out of bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

typedef struct resolver {
    const lcmp_baseline *b;
    size_t *poff;              /* per control: its first parameter */
    size_t nvals;              /* parameters of the whole baseline */
    unsigned char **sel;       /* per profile: a mark per control */
    const lcmp__value ***vals; /* per profile: the winning values */
    unsigned char *state;      /* 0 new, 1 on the stack, 2 resolved */
    lcmp_error *err;
} resolver;

static int no_memory(resolver *r)
{
    return lcmp__error_set(r->err, LCMP_ENOMEM, NULL, NULL, "out of memory");
}

static size_t find_family(const lcmp_baseline *b, const char *id)
{
    size_t f;

    for (f = 0; f < b->nfamilies; f++) {
        if (strcmp(b->families[f].id, id) == 0) {
            return f;
        }
    }
    return SIZE_MAX;
}

static int
unknown_control(resolver *r, const lcmp__profile_def *pd, const char *id)
{
    return lcmp__error_set(r->err,
                           LCMP_EINVALID,
                           NULL,
                           NULL,
                           "unknown control '%s' in profile '%s'",
                           id,
                           pd->id);
}

/* Resolve profile q, whose extended profiles are resolved already. */
static int resolve_one(resolver *r, size_t q)
{
    const lcmp_baseline *b = r->b;
    const lcmp__profile_def *pd = &b->profiles[q];
    size_t nc = b->ncontrols, i, c, e;
    unsigned char *sel;
    const lcmp__value **vals;

    sel = calloc(nc > 0 ? nc : 1, 1);
    vals = calloc(r->nvals > 0 ? r->nvals : 1, sizeof(*vals));
    r->sel[q] = sel;
    r->vals[q] = vals;
    if (sel == NULL || vals == NULL) {
        return no_memory(r);
    }
    for (e = 0; e < pd->nextends; e++) {
        size_t x = lcmp__baseline_find_profile(b, pd->extends[e]);

        for (c = 0; c < nc; c++) {
            sel[c] |= r->sel[x][c];
        }
        for (i = 0; i < r->nvals; i++) {
            if (r->vals[x][i] != NULL) {
                vals[i] = r->vals[x][i];
            }
        }
    }
    for (i = 0; i < pd->ninclude_ids; i++) {
        c = lcmp__baseline_find(b, pd->include_ids[i]);
        if (c == SIZE_MAX) {
            return unknown_control(r, pd, pd->include_ids[i]);
        }
        sel[c] = 1;
    }
    for (i = 0; i < pd->ninclude_families; i++) {
        size_t f = find_family(b, pd->include_families[i]);

        if (f == SIZE_MAX || b->families[f].first > nc ||
            b->families[f].count > nc - b->families[f].first)
        {
            return lcmp__error_set(r->err,
                                   LCMP_EINVALID,
                                   NULL,
                                   NULL,
                                   "unknown family '%s' in profile '%s'",
                                   pd->include_families[i],
                                   pd->id);
        }
        memset(sel + b->families[f].first, 1, b->families[f].count);
    }
    for (i = 0; i < pd->nexclude_ids; i++) {
        c = lcmp__baseline_find(b, pd->exclude_ids[i]);
        if (c == SIZE_MAX) {
            return unknown_control(r, pd, pd->exclude_ids[i]);
        }
        sel[c] = 0;
    }
    for (i = 0; i < pd->nparams; i++) {
        const lcmp__param_set *ps = &pd->params[i];

        if (ps->control >= nc || ps->param >= b->controls[ps->control].nparams)
        {
            return lcmp__error_set(r->err,
                                   LCMP_EINVALID,
                                   NULL,
                                   NULL,
                                   "unknown parameter in profile '%s'",
                                   pd->id);
        }
        vals[r->poff[ps->control] + ps->param] = &ps->value;
    }
    return 0;
}

/* The cycle through v that the search found on its stack[0..depth). */
static int cycle(resolver *r, const size_t *stack, size_t depth, size_t v)
{
    const lcmp_baseline *b = r->b;
    char msg[200];
    size_t at, k, len;

    for (at = 0; stack[at] != v; at++) {
    }
    len = (size_t)snprintf(
        msg, sizeof(msg), "profile '%s' extends itself", b->profiles[v].id);
    for (k = at + 1; k < depth && len < sizeof(msg); k++) {
        len += (size_t)snprintf(msg + len,
                                sizeof(msg) - len,
                                "%s'%s'",
                                k == at + 1 ? " through " : ", ",
                                b->profiles[stack[k]].id);
    }
    return lcmp__error_set(r->err, LCMP_EINVALID, NULL, NULL, "%s", msg);
}

/* Resolve `start` and every profile it extends, extended ones first. */
static int resolve_from(resolver *r, size_t start)
{
    const lcmp_baseline *b = r->b;
    size_t np = b->nprofiles, depth = 1, *stack = NULL, *next = NULL;
    int rc = 0;

    stack = malloc(np * sizeof(*stack));
    next = calloc(np, sizeof(*next));
    if (stack == NULL || next == NULL) {
        rc = no_memory(r);
        goto done;
    }
    stack[0] = start;
    r->state[start] = 1;
    while (depth > 0) {
        size_t u = stack[depth - 1], v;
        const lcmp__profile_def *pd = &b->profiles[u];

        if (next[u] == pd->nextends) {
            rc = resolve_one(r, u);
            if (rc < 0) {
                goto done;
            }
            r->state[u] = 2;
            depth--;
            continue;
        }
        v = lcmp__baseline_find_profile(b, pd->extends[next[u]++]);
        if (v == SIZE_MAX) {
            rc = lcmp__error_set(r->err,
                                 LCMP_EINVALID,
                                 NULL,
                                 NULL,
                                 "profile '%s' extends unknown profile '%s'",
                                 pd->id,
                                 pd->extends[next[u] - 1]);
            goto done;
        }
        if (r->state[v] == 1) {
            rc = cycle(r, stack, depth, v);
            goto done;
        }
        if (r->state[v] == 0) {
            r->state[v] = 1;
            stack[depth++] = v;
        }
    }
done:
    free(stack);
    free(next);
    return rc;
}

/* The resolved profile from the marks and values of profile q. */
static int build(lcmp_profile **out, resolver *r, size_t q)
{
    const lcmp_baseline *b = r->b;
    const unsigned char *sel = r->sel[q];
    const lcmp__value *const *vals = r->vals[q];
    lcmp_profile *prof = NULL;
    size_t c, j, k = 0, n = 0, nv = 0;
    int rc = LCMP_ERROR;

    for (c = 0; c < b->ncontrols; c++) {
        if (sel[c]) {
            n++;
            nv += b->controls[c].nparams;
        }
    }
    prof = calloc(1, sizeof(*prof));
    if (prof == NULL) {
        rc = no_memory(r);
        goto done;
    }
    prof->controls = malloc((n > 0 ? n : 1) * sizeof(*prof->controls));
    prof->offsets = malloc((n > 0 ? n : 1) * sizeof(*prof->offsets));
    prof->values = malloc((nv > 0 ? nv : 1) * sizeof(*prof->values));
    if (prof->controls == NULL || prof->offsets == NULL || prof->values == NULL)
    {
        rc = no_memory(r);
        goto done;
    }
    prof->baseline = b;
    prof->id = b->profiles[q].id;
    prof->title = b->profiles[q].title;
    nv = 0;
    for (c = 0; c < b->ncontrols; c++) {
        const lcmp__control *ctl = &b->controls[c];

        if (!sel[c]) {
            continue;
        }
        prof->controls[k] = c;
        prof->offsets[k] = nv;
        for (j = 0; j < ctl->nparams; j++) {
            const lcmp__value *v = vals[r->poff[c] + j];

            prof->values[nv + j] = v != NULL ? *v : ctl->params[j].def;
        }
        nv += ctl->nparams;
        k++;
    }
    prof->ncontrols = n;
    *out = prof;
    prof = NULL;
    rc = 0;
done:
    lcmp_profile_free(prof);
    return rc;
}

int lcmp_profile_resolve(lcmp_profile **out,
                         const lcmp_baseline *baseline,
                         const char *id,
                         lcmp_error *err)
{
    resolver r;
    size_t q, c, np = 0;
    int rc = LCMP_ERROR;

    memset(&r, 0, sizeof(r));
    r.err = err;
    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || baseline == NULL || id == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no %s given",
                               out == NULL        ? "output"
                               : baseline == NULL ? "baseline"
                                                  : "profile id");
    }
    r.b = baseline;
    np = baseline->nprofiles;
    q = lcmp__baseline_find_profile(baseline, id);
    if (q == SIZE_MAX) {
        return lcmp__error_set(
            err, LCMP_ENOTFOUND, NULL, NULL, "unknown profile '%s'", id);
    }
    r.poff = malloc((baseline->ncontrols + 1) * sizeof(*r.poff));
    r.sel = calloc(np, sizeof(*r.sel));
    r.vals = calloc(np, sizeof(*r.vals));
    r.state = calloc(np, 1);
    if (r.poff == NULL || r.sel == NULL || r.vals == NULL || r.state == NULL) {
        rc = no_memory(&r);
        goto done;
    }
    for (c = 0; c < baseline->ncontrols; c++) {
        r.poff[c] = r.nvals;
        r.nvals += baseline->controls[c].nparams;
    }
    r.poff[c] = r.nvals;
    rc = resolve_from(&r, q);
    if (rc == 0) {
        rc = build(out, &r, q);
    }
done:
    for (c = 0; c < np && r.sel != NULL && r.vals != NULL; c++) {
        free(r.sel[c]);
        free(r.vals[c]);
    }
    free(r.poff);
    free(r.sel);
    free(r.vals);
    free(r.state);
    return rc;
}

const lcmp__value *
lcmp__profile_param(const lcmp_profile *p, size_t k, size_t param)
{
    if (p == NULL || k >= p->ncontrols ||
        param >= p->baseline->controls[p->controls[k]].nparams)
    {
        return NULL;
    }
    return &p->values[p->offsets[k] + param];
}

void lcmp_profile_free(lcmp_profile *profile)
{
    if (profile == NULL) {
        return;
    }
    free(profile->controls);
    free(profile->offsets);
    free(profile->values);
    free(profile);
}

const char *lcmp_profile_id(const lcmp_profile *profile)
{
    return profile != NULL ? profile->id : NULL;
}

const char *lcmp_profile_title(const lcmp_profile *profile)
{
    return profile != NULL ? profile->title : NULL;
}

size_t lcmp_profile_control_count(const lcmp_profile *profile)
{
    return profile != NULL ? profile->ncontrols : 0;
}

const char *lcmp_profile_control_id(const lcmp_profile *profile, size_t i)
{
    if (profile == NULL || i >= profile->ncontrols) {
        return NULL;
    }
    return profile->baseline->controls[profile->controls[i]].id;
}

const lcmp_baseline *lcmp_profile_baseline(const lcmp_profile *profile)
{
    return profile != NULL ? profile->baseline : NULL;
}
