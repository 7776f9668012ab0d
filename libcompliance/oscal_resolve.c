/*
 * OSCAL profile resolution (NIST's profile resolution specification,
 * usnistgov/OSCAL src/specifications/profile-resolution): a profile and the
 * catalogs and profiles it imports become one resolved profile catalog.
 *
 * Import: each import selects from the catalog its document stands for (an
 * imported profile is resolved first, recursively; a cycle is an error).
 * A control is selected when it is included (include-all, with-ids,
 * matching globs, with-child-controls) or has a selected descendant, and is
 * not excluded: exclusion wins over any inclusion.
 * Merge: combine `keep` (default) or `use-first`; structuring `as-is`
 * (groups and nesting reproduced, a control whose parent is not selected
 * moves up to the nearest selected ancestor or group) or `flat` (the
 * default: groups dropped, nesting of controls kept, as the specification's
 * conformance outputs show). `custom` and the deprecated combine `merge`
 * are refused.
 * Modify: set-parameters, then alters (removes, then adds), on the output.
 * Final: back-matter from the imports then the profile, pruned to the
 * resources referenced as "#uuid"; loose parameters pruned to the referenced
 * ones; metadata from the profile with prop resolution-tool and link
 * source-profile; deterministic uuid and last-modified.
 *
 * Invariants: the output tree shares unmodified values with the source
 * documents (jansson reference counts); everything it changes is copied
 * first (a control's content is deep-copied once before its first change),
 * so the cached documents are never modified. Cost: O(n log n) per import
 * in the controls of its catalog (sorting, lookups by bsearch); `matching`
 * costs O(n) per pattern.
 *
 * Deviations from the specification, all documented in docs/oscal.md:
 * a with-ids naming a control the catalog lacks is an error (a warning when
 * excluding); under `keep`, a control imported twice counts once when both
 * copies are identical, and is an error otherwise (the specification allows
 * an error); `values` and `select` replace each other in set-parameters,
 * so that the output stays valid.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "oscal.h"

#define TOOL_NAME "libcompliance " LCMP_VERSION

#define SEL_SELF 1u /* the control is selected */
#define SEL_DESC 2u /* a descendant of the control is selected */

/* One import: its document, the catalog it stands for, the selection. */
typedef struct import {
    lcmp__oscal_doc *src;
    json_t *catalog;
    lcmp__oscal_index *ix;
    unsigned char *sel;
    size_t pos; /* index in the profile's imports */
} import;

/* A control id already in the output (for merge combine). */
typedef struct seen {
    const char *id;
    const json_t *obj;
} seen;

/* Something in the output that holds parameters. */
typedef struct owner {
    json_t *obj;
    const char *id; /* controls only */
    int is_control;
    int copied; /* its content is private to the output */
} owner;

typedef struct oparam {
    const char *id;
    size_t owner;
} oparam;

typedef struct resolver {
    lcmp__oscal_ctx *ctx;
    lcmp__oscal_doc *doc;
    lcmp__jpath p;
    import *imps;
    size_t nimps;
    int as_is;
    int use_first;
    seen *seen;
    size_t nseen;
    /* output */
    json_t *params;   /* loose parameters */
    json_t *controls; /* top-level controls */
    json_t *groups;
    /* emission state */
    const import *cur;
    size_t next; /* next control in pre-order */
    /* output index for modify */
    owner *owners;
    size_t nowners, aowners;
    oparam *oparams;
    size_t noparams, aoparams;
    size_t *octls; /* owner indices of controls sorted by id */
    size_t noctls;
    /* strings the output references: "#x" fragments and inserted params */
    const char **refs;
    size_t *reflen;
    size_t nrefs, arefs;
    const char **set_ids; /* param ids set-parameters names */
    size_t nset_ids;
} resolver;

/* qsort and bsearch, which must not see a NULL array even when empty. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1) {
        qsort(base, n, size, cmp);
    }
}

static void *find(const void *key,
                  const void *base,
                  size_t n,
                  size_t size,
                  int (*cmp)(const void *, const void *))
{
    return n > 0 ? bsearch(key, base, n, size, cmp) : NULL;
}

static int no_memory(resolver *r)
{
    return lcmp__error_set(
        r->ctx->err, LCMP_ENOMEM, r->doc->source, NULL, "out of memory");
}

static const char *get_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int str_eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Set obj[key] to a new string; 0 or LCMP_ENOMEM. */
static int set_string(json_t *obj, const char *key, const char *s)
{
    json_t *v = json_string(s);

    if (v == NULL || json_object_set_new(obj, key, v) != 0) {
        return LCMP_ENOMEM;
    }
    return 0;
}

/*
 * Rebuild `obj` with its members in `order` first (those present), then
 * the others in their original order. `obj` must be private to the output.
 */
static int reorder(json_t *obj, const char *const *order)
{
    json_t *tmp = json_object(), *v;
    const char *key;
    size_t i;
    int rc = LCMP_ENOMEM;

    if (tmp == NULL) {
        return LCMP_ENOMEM;
    }
    for (i = 0; order[i] != NULL; i++) {
        v = json_object_get(obj, order[i]);
        if (v != NULL && json_object_set(tmp, order[i], v) != 0) {
            goto done;
        }
    }
    json_object_foreach (obj, key, v) {
        if (json_object_get(tmp, key) == NULL &&
            json_object_set(tmp, key, v) != 0) {
            goto done;
        }
    }
    if (json_object_clear(obj) != 0 || json_object_update(obj, tmp) != 0) {
        goto done;
    }
    rc = 0;
done:
    json_decref(tmp);
    return rc;
}

static const char *const control_order[] = {"id",
                                            "class",
                                            "title",
                                            "params",
                                            "props",
                                            "links",
                                            "parts",
                                            "controls",
                                            NULL};
static const char *const part_order[] = {"id",
                                         "name",
                                         "ns",
                                         "class",
                                         "title",
                                         "props",
                                         "prose",
                                         "parts",
                                         "links",
                                         NULL};
static const char *const param_order[] = {"id",
                                          "class",
                                          "depends-on",
                                          "props",
                                          "links",
                                          "label",
                                          "usage",
                                          "constraints",
                                          "guidelines",
                                          "values",
                                          "select",
                                          "remarks",
                                          NULL};
static const char *const group_order[] = {"id",
                                          "class",
                                          "title",
                                          "params",
                                          "props",
                                          "links",
                                          "parts",
                                          "groups",
                                          "controls",
                                          NULL};
static const char *const catalog_order[] =
    {"uuid", "metadata", "params", "controls", "groups", "back-matter", NULL};
static const char *const metadata_order[] = {"title",
                                             "published",
                                             "last-modified",
                                             "version",
                                             "oscal-version",
                                             "revisions",
                                             "document-ids",
                                             "props",
                                             "links",
                                             "roles",
                                             "locations",
                                             "parties",
                                             "responsible-parties",
                                             "actions",
                                             "remarks",
                                             NULL};

/*
 * Import phase: selection.
 */

/* Mark control i, and with `children` its descendants. */
static void
mark(unsigned char *m, const lcmp__oscal_index *ix, size_t i, int children)
{
    m[i] = 1;
    if (children && ix->ctls[i].end > i + 1) {
        memset(m + i + 1, 1, ix->ctls[i].end - i - 1);
    }
}

/* One select-control-by-id object of include-controls / exclude-controls
 * (p at it). */
static int apply_selector(resolver *r,
                          const import *im,
                          unsigned char *m,
                          const json_t *s,
                          int include)
{
    static const char *const allowed[] = {
        "with-child-controls", "with-ids", "matching", NULL};
    static const char *const match_allowed[] = {"pattern", NULL};
    const lcmp__oscal_index *ix = im->ix;
    const char *wcc = NULL, *id, *pattern;
    json_t *ids = NULL, *matching = NULL, *v;
    int children = 0, rc;
    size_t k, i, old, kold;

    rc = lcmp__json_expect_object(s, allowed, &r->p);
    if (rc == 0) {
        rc = lcmp__json_get_string(&wcc, s, "with-child-controls", 0, &r->p);
    }
    if (rc == 0 && wcc != NULL) {
        if (strcmp(wcc, "yes") == 0) {
            children = 1;
        } else if (strcmp(wcc, "no") != 0) {
            rc = lcmp__jpath_error_at(&r->p,
                                      "with-child-controls",
                                      LCMP_EPARSE,
                                      "expected 'yes' or 'no', got '%s'",
                                      wcc);
        }
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(&ids, s, "with-ids", 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(&matching, s, "matching", 0, &r->p);
    }
    if (rc < 0) {
        return rc;
    }
    old = lcmp__jpath_push(&r->p, "with-ids");
    json_array_foreach (ids, k, v) {
        kold = lcmp__jpath_push_index(&r->p, k);
        id = json_string_value(v);
        if (id == NULL) {
            return lcmp__jpath_error(&r->p,
                                     LCMP_EPARSE,
                                     "expected a string, got %s",
                                     lcmp__json_type_name(v));
        }
        i = lcmp__oscal_find_control(ix, id);
        if (i == SIZE_MAX && include) {
            return lcmp__jpath_error(&r->p,
                                     LCMP_EINVALID,
                                     "unknown control '%s' (not in '%s')",
                                     id,
                                     im->src->path);
        }
        if (i == SIZE_MAX) {
            lcmp__oscal_warn(r->ctx,
                             r->p.source,
                             r->p.ptr,
                             "excluded control '%s' is not in '%s'",
                             id,
                             im->src->path);
        } else {
            mark(m, ix, i, children);
        }
        lcmp__jpath_pop(&r->p, kold);
    }
    lcmp__jpath_pop(&r->p, old);
    old = lcmp__jpath_push(&r->p, "matching");
    json_array_foreach (matching, k, v) {
        kold = lcmp__jpath_push_index(&r->p, k);
        pattern = NULL;
        rc = lcmp__json_expect_object(v, match_allowed, &r->p);
        if (rc == 0) {
            rc = lcmp__json_get_string(&pattern, v, "pattern", 0, &r->p);
        }
        if (rc < 0) {
            return rc;
        }
        if (pattern == NULL) {
            /* the specification: a matching without pattern matches
             * nothing */
            lcmp__oscal_warn(
                r->ctx, r->p.source, r->p.ptr, "matching without a pattern");
        } else {
            for (i = 0; i < ix->nctls; i++) {
                if (fnmatch(pattern, ix->ctls[i].id, 0) == 0) {
                    mark(m, ix, i, children);
                }
            }
        }
        lcmp__jpath_pop(&r->p, kold);
    }
    lcmp__jpath_pop(&r->p, old);
    return 0;
}

/* include-controls / exclude-controls (an array of selectors). */
static int apply_selectors(resolver *r,
                           const import *im,
                           unsigned char *m,
                           const json_t *list,
                           const char *key)
{
    size_t k, old = lcmp__jpath_push(&r->p, key), kold;
    json_t *s;
    int rc = 0;

    json_array_foreach (list, k, s) {
        kold = lcmp__jpath_push_index(&r->p, k);
        rc = apply_selector(r, im, m, s, key[0] == 'i');
        lcmp__jpath_pop(&r->p, kold);
        if (rc < 0) {
            break;
        }
    }
    lcmp__jpath_pop(&r->p, old);
    return rc;
}

/* The selection of import `im` (p at the import). */
static int select_controls(resolver *r, import *im, const json_t *imp)
{
    const lcmp__oscal_index *ix = im->ix;
    size_t n = ix->nctls, i;
    unsigned char *incl = NULL, *excl = NULL;
    json_t *all = NULL, *inc = NULL, *exc = NULL;
    int rc;

    rc = lcmp__json_get_object(&all, imp, "include-all", 0, &r->p);
    if (rc == 0) {
        rc = lcmp__json_get_array(&inc, imp, "include-controls", 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(&exc, imp, "exclude-controls", 0, &r->p);
    }
    if (rc < 0) {
        return rc;
    }
    if (all != NULL && inc != NULL) {
        return lcmp__jpath_error_at(&r->p,
                                    "include-controls",
                                    LCMP_EPARSE,
                                    "an import has include-all or "
                                    "include-controls, not both");
    }
    if (all == NULL && inc == NULL && exc == NULL) {
        return lcmp__jpath_error(&r->p,
                                 LCMP_EPARSE,
                                 "the import selects nothing: expected "
                                 "include-all or include-controls");
    }
    im->sel = calloc(n > 0 ? n : 1, 1);
    incl = calloc(n > 0 ? n : 1, 1);
    excl = calloc(n > 0 ? n : 1, 1);
    if (im->sel == NULL || incl == NULL || excl == NULL) {
        rc = no_memory(r);
        goto done;
    }
    if (all != NULL) {
        if (json_object_size(all) != 0) {
            const char *key = json_object_iter_key(json_object_iter(all));

            rc = lcmp__jpath_error_at(
                &r->p, "include-all", LCMP_EPARSE, "unknown member '%s'", key);
            goto done;
        }
        memset(incl, 1, n);
    } else if (inc == NULL) {
        /* only exclusions: the specification assumes include-all */
        memset(incl, 1, n);
    } else {
        rc = apply_selectors(r, im, incl, inc, "include-controls");
        if (rc < 0) {
            goto done;
        }
    }
    if (exc != NULL) {
        rc = apply_selectors(r, im, excl, exc, "exclude-controls");
        if (rc < 0) {
            goto done;
        }
    }
    /* Bottom-up (pre-order reversed: children before parents): a control
     * is selected when included or an ancestor of a selected control, and
     * not excluded. */
    for (i = n; i-- > 0;) {
        if (!excl[i] && (incl[i] || (im->sel[i] & SEL_DESC))) {
            im->sel[i] |= SEL_SELF;
        }
        if (im->sel[i] != 0 && ix->ctls[i].parent != SIZE_MAX) {
            im->sel[ix->ctls[i].parent] |= SEL_DESC;
        }
    }
    rc = 0;
done:
    free(incl);
    free(excl);
    return rc;
}

/*
 * Merge phase.
 */

static int seen_cmp(const void *a, const void *b)
{
    return strcmp(((const seen *)a)->id, ((const seen *)b)->id);
}

/*
 * Before import k is emitted: controls already taken from earlier imports
 * are dropped (use-first; under keep only when identical, else an error).
 */
static int combine(resolver *r, import *im)
{
    const lcmp__oscal_index *ix = im->ix;
    size_t i;

    for (i = 0; i < ix->nctls && r->nseen > 0; i++) {
        seen key, *hit;

        if (!(im->sel[i] & SEL_SELF)) {
            continue;
        }
        key.id = ix->ctls[i].id;
        hit = find(&key, r->seen, r->nseen, sizeof(*r->seen), seen_cmp);
        if (hit == NULL) {
            continue;
        }
        if (!r->use_first && !json_equal((json_t *)hit->obj, ix->ctls[i].obj)) {
            char where[64];

            snprintf(where, sizeof(where), "/profile/imports/%zu", im->pos);
            return lcmp__error_set(r->ctx->err,
                                   LCMP_EINVALID,
                                   r->doc->source,
                                   where,
                                   "control '%s' is imported again with "
                                   "other content (merge combine 'keep'; "
                                   "'use-first' keeps the first)",
                                   key.id);
        }
        im->sel[i] &= (unsigned char)~SEL_SELF;
    }
    return 0;
}

/* After import k is emitted: remember its controls. */
static int remember(resolver *r, const import *im)
{
    const lcmp__oscal_index *ix = im->ix;
    size_t i, n = 0;
    seen *grown;

    for (i = 0; i < ix->nctls; i++) {
        n += (im->sel[i] & SEL_SELF) != 0;
    }
    grown = realloc(r->seen, (r->nseen + n + 1) * sizeof(*grown));
    if (grown == NULL) {
        return no_memory(r);
    }
    r->seen = grown;
    for (i = 0; i < ix->nctls; i++) {
        if (im->sel[i] & SEL_SELF) {
            r->seen[r->nseen].id = ix->ctls[i].id;
            r->seen[r->nseen].obj = ix->ctls[i].obj;
            r->nseen++;
        }
    }
    sort(r->seen, r->nseen, sizeof(*r->seen), seen_cmp);
    return 0;
}

/* A new object with the members of `src` except `skip1` and `skip2`. */
static json_t *
copy_except(const json_t *src, const char *skip1, const char *skip2)
{
    json_t *copy = json_object(), *v;
    const char *key;

    if (copy == NULL) {
        return NULL;
    }
    json_object_foreach ((json_t *)src, key, v) {
        if (str_eq(key, skip1) || str_eq(key, skip2)) {
            continue;
        }
        if (json_object_set(copy, key, v) != 0) {
            json_decref(copy);
            return NULL;
        }
    }
    return copy;
}

/*
 * Emit the selected controls of array `src` (controls of the current
 * import, visited in the pre-order of its index) into `out`. A control
 * that is not selected gives way to its selected descendants.
 */
static int emit_controls(resolver *r, json_t *out, const json_t *src)
{
    const lcmp__oscal_index *ix = r->cur->ix;
    const unsigned char *sel = r->cur->sel;
    size_t k;
    json_t *c;
    int rc;

    json_array_foreach (src, k, c) {
        size_t i = r->next;
        json_t *copy, *kids;

        if (i >= ix->nctls || ix->ctls[i].obj != c) {
            return lcmp__error_set(r->ctx->err,
                                   LCMP_ERROR,
                                   r->doc->source,
                                   NULL,
                                   "internal error: catalog changed during "
                                   "resolution");
        }
        if (!(sel[i] & (SEL_SELF | SEL_DESC))) {
            r->next = ix->ctls[i].end;
            continue;
        }
        r->next = i + 1;
        if (!(sel[i] & SEL_SELF)) {
            rc = emit_controls(r, out, json_object_get(c, "controls"));
            if (rc < 0) {
                return rc;
            }
            continue;
        }
        copy = copy_except(c, "controls", NULL);
        kids = json_array();
        if (copy == NULL || kids == NULL) {
            json_decref(copy);
            json_decref(kids);
            return no_memory(r);
        }
        rc = emit_controls(r, kids, json_object_get(c, "controls"));
        if (rc == 0 && json_array_size(kids) > 0) {
            rc = json_object_set(copy, "controls", kids) == 0 ? 0 : LCMP_ENOMEM;
        }
        json_decref(kids);
        if (rc == 0 && json_array_append_new(out, copy) != 0) {
            rc = LCMP_ENOMEM;
            copy = NULL;
        }
        if (rc < 0) {
            json_decref(copy);
            return rc == LCMP_ENOMEM ? no_memory(r) : rc;
        }
    }
    return 0;
}

/* Append to `dst` (created in obj[key] if needed) the items of `items`. */
static int append_items(json_t *obj, const char *key, const json_t *items)
{
    json_t *dst = json_object_get(obj, key);

    if (json_array_size(items) == 0) {
        return 0;
    }
    if (dst == NULL) {
        dst = json_array();
        if (dst == NULL || json_object_set_new(obj, key, dst) != 0) {
            return LCMP_ENOMEM;
        }
    }
    return json_array_extend(dst, (json_t *)items) == 0 ? 0 : LCMP_ENOMEM;
}

/* Add group `g` (new, private) to `list`, merging it into a group with
 * the same id that an earlier import brought. Takes `g`. */
static int add_group(json_t *list, json_t *g)
{
    const char *id = get_str(g, "id");
    json_t *other, *sub;
    size_t k, j;
    int rc = 0;

    if (id != NULL) {
        json_array_foreach (list, k, other) {
            if (!str_eq(get_str(other, "id"), id)) {
                continue;
            }
            rc =
                append_items(other, "controls", json_object_get(g, "controls"));
            json_array_foreach (json_object_get(g, "groups"), j, sub) {
                json_t *subs = json_object_get(other, "groups");

                if (rc < 0) {
                    break;
                }
                if (subs == NULL) {
                    subs = json_array();
                    if (subs == NULL ||
                        json_object_set_new(other, "groups", subs) != 0) {
                        rc = LCMP_ENOMEM;
                        break;
                    }
                }
                rc = add_group(subs, json_incref(sub));
            }
            json_decref(g);
            if (rc == 0) {
                rc = reorder(other, group_order);
            }
            return rc;
        }
    }
    return json_array_append_new(list, g) == 0 ? 0 : LCMP_ENOMEM;
}

/* as-is: emit group `g` (and its subgroups) of the current import into
 * *out (NULL when nothing of it is kept). */
static int emit_group(resolver *r, json_t **out, const json_t *g)
{
    json_t *copy = NULL, *kids = NULL, *subs = NULL, *sg, *got;
    size_t k;
    int rc = LCMP_ENOMEM;

    *out = NULL;
    copy = copy_except(g, "controls", "groups");
    kids = json_array();
    subs = json_array();
    if (copy == NULL || kids == NULL || subs == NULL) {
        rc = no_memory(r);
        goto done;
    }
    rc = emit_controls(r, kids, json_object_get(g, "controls"));
    if (rc < 0) {
        goto done;
    }
    json_array_foreach (json_object_get(g, "groups"), k, sg) {
        rc = emit_group(r, &got, sg);
        if (rc == 0 && got != NULL) {
            rc = add_group(subs, got);
        }
        if (rc < 0) {
            goto done;
        }
    }
    if (json_array_size(kids) == 0 && json_array_size(subs) == 0 &&
        !lcmp__oscal_has_prop(g, "keep", "always"))
    {
        rc = 0;
        goto done;
    }
    if ((json_array_size(subs) > 0 &&
         json_object_set(copy, "groups", subs) != 0) ||
        (json_array_size(kids) > 0 &&
         json_object_set(copy, "controls", kids) != 0) ||
        reorder(copy, group_order) != 0)
    {
        rc = no_memory(r);
        goto done;
    }
    *out = copy;
    copy = NULL;
    rc = 0;
done:
    json_decref(copy);
    json_decref(kids);
    json_decref(subs);
    return rc == LCMP_ENOMEM ? no_memory(r) : rc;
}

/* flat: the controls of `g` and its subgroups, in document order; group
 * parameters become loose parameters. */
static int emit_flat_group(resolver *r, const json_t *g)
{
    json_t *sg;
    size_t k;
    int rc;

    json_array_foreach (json_object_get(g, "params"), k, sg) {
        if (json_array_append(r->params, sg) != 0) {
            return no_memory(r);
        }
    }
    rc = emit_controls(r, r->controls, json_object_get(g, "controls"));
    json_array_foreach (json_object_get(g, "groups"), k, sg) {
        if (rc < 0) {
            break;
        }
        rc = emit_flat_group(r, sg);
    }
    return rc;
}

static int emit_import(resolver *r, const import *im)
{
    json_t *g, *got;
    size_t k;
    int rc;

    r->cur = im;
    r->next = 0;
    json_array_foreach (json_object_get(im->catalog, "params"), k, g) {
        if (json_array_append(r->params, g) != 0) {
            return no_memory(r);
        }
    }
    rc =
        emit_controls(r, r->controls, json_object_get(im->catalog, "controls"));
    json_array_foreach (json_object_get(im->catalog, "groups"), k, g) {
        if (rc < 0) {
            break;
        }
        if (r->as_is) {
            rc = emit_group(r, &got, g);
            if (rc == 0 && got != NULL && add_group(r->groups, got) != 0) {
                rc = no_memory(r);
            }
        } else {
            rc = emit_flat_group(r, g);
        }
    }
    return rc;
}

/* merge (p at the profile). */
static int read_merge(resolver *r, const json_t *profile)
{
    static const char *const allowed[] = {
        "combine", "flat", "as-is", "custom", NULL};
    static const char *const combine_allowed[] = {"method", NULL};
    json_t *merge = NULL, *combine_obj = NULL, *flat = NULL;
    const char *method = NULL;
    int as_is = 0, rc;
    size_t old;

    rc = lcmp__json_get_object(&merge, profile, "merge", 0, &r->p);
    if (rc < 0 || merge == NULL) {
        return rc;
    }
    old = lcmp__jpath_push(&r->p, "merge");
    rc = lcmp__json_expect_object(merge, allowed, &r->p);
    if (rc == 0 && json_object_get(merge, "custom") != NULL) {
        rc = lcmp__jpath_error_at(&r->p,
                                  "custom",
                                  LCMP_EINVALID,
                                  "merge directive 'custom' is not "
                                  "supported (use 'as-is' or 'flat')");
    }
    if (rc == 0) {
        rc = lcmp__json_get_object(&combine_obj, merge, "combine", 0, &r->p);
    }
    if (rc == 0 && combine_obj != NULL) {
        size_t cold = lcmp__jpath_push(&r->p, "combine");

        rc = lcmp__json_expect_object(combine_obj, combine_allowed, &r->p);
        if (rc == 0) {
            rc =
                lcmp__json_get_string(&method, combine_obj, "method", 0, &r->p);
        }
        if (rc == 0 && method != NULL) {
            if (strcmp(method, "use-first") == 0) {
                r->use_first = 1;
            } else if (strcmp(method, "keep") != 0) {
                rc = lcmp__jpath_error_at(
                    &r->p,
                    "method",
                    LCMP_EINVALID,
                    "merge combine method '%s' is not supported (use "
                    "'use-first' or 'keep')",
                    method);
            }
        }
        lcmp__jpath_pop(&r->p, cold);
    }
    if (rc == 0) {
        rc = lcmp__json_get_object(&flat, merge, "flat", 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_bool(&as_is, merge, "as-is", 0, &r->p);
    }
    if (rc == 0 && flat != NULL && json_object_size(flat) != 0) {
        rc = lcmp__jpath_error_at(&r->p,
                                  "flat",
                                  LCMP_EPARSE,
                                  "unknown member '%s'",
                                  json_object_iter_key(json_object_iter(flat)));
    }
    if (rc == 0 && flat != NULL && as_is) {
        rc = lcmp__jpath_error(&r->p,
                               LCMP_EINVALID,
                               "merge has more than one structuring "
                               "directive ('flat' and 'as-is')");
    }
    r->as_is = as_is;
    lcmp__jpath_pop(&r->p, old);
    return rc;
}

/*
 * Modify phase.
 */

static int add_owner(resolver *r, json_t *obj, int is_control)
{
    if (r->nowners == r->aowners) {
        size_t n = r->aowners ? 2 * r->aowners : 64;
        owner *grown = realloc(r->owners, n * sizeof(*grown));

        if (grown == NULL) {
            return no_memory(r);
        }
        r->owners = grown;
        r->aowners = n;
    }
    r->owners[r->nowners].obj = obj;
    r->owners[r->nowners].id = is_control ? get_str(obj, "id") : NULL;
    r->owners[r->nowners].is_control = is_control;
    r->owners[r->nowners].copied = 0;
    r->nowners++;
    return 0;
}

static int add_oparams(resolver *r, const json_t *params, size_t o)
{
    json_t *v;
    size_t k;

    json_array_foreach (params, k, v) {
        const char *id = get_str(v, "id");

        if (id == NULL) {
            continue;
        }
        if (r->noparams == r->aoparams) {
            size_t n = r->aoparams ? 2 * r->aoparams : 256;
            oparam *grown = realloc(r->oparams, n * sizeof(*grown));

            if (grown == NULL) {
                return no_memory(r);
            }
            r->oparams = grown;
            r->aoparams = n;
        }
        r->oparams[r->noparams].id = id;
        r->oparams[r->noparams].owner = o;
        r->noparams++;
    }
    return 0;
}

static int index_controls(resolver *r, json_t *controls)
{
    json_t *c;
    size_t k;
    int rc = 0;

    json_array_foreach (controls, k, c) {
        rc = add_owner(r, c, 1);
        if (rc == 0) {
            rc = add_oparams(r, json_object_get(c, "params"), r->nowners - 1);
        }
        if (rc == 0) {
            rc = index_controls(r, json_object_get(c, "controls"));
        }
        if (rc < 0) {
            break;
        }
    }
    return rc;
}

static int index_groups(resolver *r, json_t *groups)
{
    json_t *g;
    size_t k;
    int rc = 0;

    json_array_foreach (groups, k, g) {
        rc = add_owner(r, g, 0);
        if (rc == 0) {
            rc = add_oparams(r, json_object_get(g, "params"), r->nowners - 1);
        }
        if (rc == 0) {
            rc = index_controls(r, json_object_get(g, "controls"));
        }
        if (rc == 0) {
            rc = index_groups(r, json_object_get(g, "groups"));
        }
        if (rc < 0) {
            break;
        }
    }
    return rc;
}

static int oparam_cmp(const void *a, const void *b)
{
    return strcmp(((const oparam *)a)->id, ((const oparam *)b)->id);
}

/* Controls sorted by id: an array of owner indices; compared through a
 * pointer to the owners array stored in front of the keys. */
typedef struct octl_key {
    const char *id;
    size_t owner;
} octl_key;

static int octl_cmp(const void *a, const void *b)
{
    return strcmp(((const octl_key *)a)->id, ((const octl_key *)b)->id);
}

/* Index the output: holders of parameters (the catalog, groups,
 * controls), parameters and controls by id. */
static int
index_output(resolver *r, json_t *catalog, octl_key **ctls, size_t *nctls)
{
    size_t i, n = 0;
    int rc;

    rc = add_owner(r, catalog, 0);
    if (rc == 0) {
        rc = add_oparams(r, json_object_get(catalog, "params"), 0);
    }
    if (rc == 0) {
        rc = index_controls(r, json_object_get(catalog, "controls"));
    }
    if (rc == 0) {
        rc = index_groups(r, json_object_get(catalog, "groups"));
    }
    if (rc < 0) {
        return rc;
    }
    sort(r->oparams, r->noparams, sizeof(*r->oparams), oparam_cmp);
    *ctls = malloc((r->nowners + 1) * sizeof(**ctls));
    if (*ctls == NULL) {
        return no_memory(r);
    }
    for (i = 0; i < r->nowners; i++) {
        if (r->owners[i].is_control && r->owners[i].id != NULL) {
            (*ctls)[n].id = r->owners[i].id;
            (*ctls)[n].owner = i;
            n++;
        }
    }
    sort(*ctls, n, sizeof(**ctls), octl_cmp);
    *nctls = n;
    return 0;
}

/* Make the content of owner o private to the output before a change. */
static int privatise(resolver *r, size_t o)
{
    owner *w = &r->owners[o];
    json_t *tmp, *v;
    const char *key;

    if (w->copied) {
        return 0;
    }
    tmp = json_object();
    if (tmp == NULL) {
        return no_memory(r);
    }
    json_object_foreach (w->obj, key, v) {
        /* a control's children are owners of their own */
        json_t *c = str_eq(key, "controls") || str_eq(key, "groups")
                        ? json_incref(v)
                        : json_deep_copy(v);

        if (c == NULL || json_object_set_new(tmp, key, c) != 0) {
            json_decref(tmp);
            return no_memory(r);
        }
    }
    if (json_object_update(w->obj, tmp) != 0) {
        json_decref(tmp);
        return no_memory(r);
    }
    json_decref(tmp);
    w->copied = 1;
    return 0;
}

/* Index of the item with member id == `id` in array `a`, or SIZE_MAX. */
static size_t find_by_id(const json_t *a, const char *id)
{
    size_t k;
    json_t *v;

    json_array_foreach (a, k, v) {
        if (str_eq(get_str(v, "id"), id)) {
            return k;
        }
    }
    return SIZE_MAX;
}

/* Append `items` to obj[key]; an item with the uuid of an existing one
 * replaces it (props and links are identified by uuid when they have one). */
static int add_or_replace(json_t *obj, const char *key, const json_t *items)
{
    json_t *dst = json_object_get(obj, key), *v, *w;
    size_t k, j;

    if (dst == NULL) {
        dst = json_array();
        if (dst == NULL || json_object_set_new(obj, key, dst) != 0) {
            return LCMP_ENOMEM;
        }
    }
    json_array_foreach (items, k, v) {
        const char *uuid = get_str(v, "uuid");
        int replaced = 0;

        json_array_foreach (dst, j, w) {
            if (uuid != NULL && str_eq(get_str(w, "uuid"), uuid)) {
                if (json_array_set(dst, j, v) != 0) {
                    return LCMP_ENOMEM;
                }
                replaced = 1;
                break;
            }
        }
        if (!replaced && json_array_append(dst, v) != 0) {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* One set-parameters entry (p at it). */
static int set_parameter(resolver *r, const json_t *sp)
{
    static const char *const allowed[] = {"param-id",
                                          "class",
                                          "depends-on",
                                          "props",
                                          "links",
                                          "label",
                                          "usage",
                                          "constraints",
                                          "guidelines",
                                          "values",
                                          "select",
                                          NULL};
    static const char *const replaced[] = {
        "class", "depends-on", "label", "usage", NULL};
    static const char *const added[] = {
        "props", "links", "constraints", "guidelines", NULL};
    const char *id = NULL;
    oparam key, *hit;
    json_t *params, *prm, *v;
    size_t i, k;
    int rc;

    rc = lcmp__json_expect_object(sp, allowed, &r->p);
    if (rc == 0) {
        rc = lcmp__json_get_string(&id, sp, "param-id", 1, &r->p);
    }
    for (i = 0; rc == 0 && added[i] != NULL; i++) {
        rc = lcmp__json_get_array(&v, sp, added[i], 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(&v, sp, "values", 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_object(&v, sp, "select", 0, &r->p);
    }
    if (rc == 0 && json_object_get(sp, "values") != NULL &&
        json_object_get(sp, "select") != NULL)
    {
        rc = lcmp__jpath_error(
            &r->p, LCMP_EPARSE, "a parameter has values or select, not both");
    }
    if (rc < 0) {
        return rc;
    }
    key.id = id;
    hit = find(&key, r->oparams, r->noparams, sizeof(*r->oparams), oparam_cmp);
    if (hit == NULL) {
        lcmp__oscal_warn(r->ctx,
                         r->p.source,
                         r->p.ptr,
                         "set-parameters: parameter '%s' is in none of the "
                         "selected controls",
                         id);
        return 0;
    }
    rc = privatise(r, hit->owner);
    if (rc < 0) {
        return rc;
    }
    params = json_object_get(r->owners[hit->owner].obj, "params");
    k = find_by_id(params, id);
    prm = json_array_get(params, k);
    if (prm == NULL) {
        return no_memory(r);
    }
    for (i = 0; replaced[i] != NULL; i++) {
        v = json_object_get(sp, replaced[i]);
        if (v != NULL && json_object_set(prm, replaced[i], v) != 0) {
            return no_memory(r);
        }
    }
    if ((v = json_object_get(sp, "values")) != NULL) {
        if (json_object_set(prm, "values", v) != 0) {
            return no_memory(r);
        }
        json_object_del(prm, "select");
    }
    if ((v = json_object_get(sp, "select")) != NULL) {
        if (json_object_set(prm, "select", v) != 0) {
            return no_memory(r);
        }
        json_object_del(prm, "values");
    }
    for (i = 0; added[i] != NULL; i++) {
        v = json_object_get(sp, added[i]);
        if (v != NULL && add_or_replace(prm, added[i], v) != 0) {
            return no_memory(r);
        }
    }
    if (reorder(prm, param_order) != 0) {
        return no_memory(r);
    }
    /* a parameter a profile sets is never pruned */
    {
        const char **grown =
            realloc(r->set_ids, (r->nset_ids + 1) * sizeof(*r->set_ids));

        if (grown == NULL) {
            return no_memory(r);
        }
        r->set_ids = grown;
        r->set_ids[r->nset_ids++] = id;
    }
    return 0;
}

/* The criteria of a remove. */
typedef struct criteria {
    const char *name, *klass, *id, *item, *ns;
} criteria;

static int matches(const json_t *v, const char *item, const criteria *c)
{
    const char *ns = get_str(v, "ns");

    if (ns == NULL && (str_eq(item, "prop") || str_eq(item, "part"))) {
        ns = LCMP__OSCAL_NIST_NS;
    }
    return (c->name == NULL || str_eq(get_str(v, "name"), c->name)) &&
           (c->klass == NULL || str_eq(get_str(v, "class"), c->klass)) &&
           (c->id == NULL || str_eq(get_str(v, "id"), c->id)) &&
           (c->item == NULL || str_eq(item, c->item)) &&
           (c->ns == NULL || str_eq(ns, c->ns));
}

/* Remove what matches `c` from obj (a control, part or parameter, all
 * private), recursively except into child controls; *count is the number
 * of objects removed. */
static int remove_in(json_t *obj, const criteria *c, size_t *count)
{
    static const char *const keys[] = {"params", "props", "links", "parts"};
    static const char *const items[] = {"param", "prop", "link", "part"};
    size_t i, k;

    for (i = 0; i < 4; i++) {
        json_t *a = json_object_get(obj, keys[i]);

        if (!json_is_array(a)) {
            continue;
        }
        for (k = json_array_size(a); k-- > 0;) {
            json_t *v = json_array_get(a, k);

            if (matches(v, items[i], c)) {
                if (json_array_remove(a, k) != 0) {
                    return LCMP_ENOMEM;
                }
                (*count)++;
            } else if (json_is_object(v) && remove_in(v, c, count) != 0) {
                return LCMP_ENOMEM;
            }
        }
        if (json_array_size(a) == 0) {
            json_object_del(obj, keys[i]);
        }
    }
    return 0;
}

/* One remove (p at it). */
static int apply_remove(resolver *r, json_t *ctl, const json_t *rm)
{
    /* OSCAL 1.1 names, then the 1.0 names they replaced */
    static const char *const allowed[] = {"by-name",
                                          "by-class",
                                          "by-id",
                                          "by-item-name",
                                          "by-ns",
                                          "name-ref",
                                          "class-ref",
                                          "id-ref",
                                          "item-name",
                                          "ns-ref",
                                          NULL};
    const char **slots[5];
    criteria c;
    size_t i, count = 0;
    int rc;

    memset(&c, 0, sizeof(c));
    slots[0] = &c.name;
    slots[1] = &c.klass;
    slots[2] = &c.id;
    slots[3] = &c.item;
    slots[4] = &c.ns;
    rc = lcmp__json_expect_object(rm, allowed, &r->p);
    for (i = 0; rc == 0 && i < 10; i++) {
        const char *v = NULL;

        rc = lcmp__json_get_string(&v, rm, allowed[i], 0, &r->p);
        if (v != NULL) {
            *slots[i % 5] = v;
        }
    }
    if (rc < 0) {
        return rc;
    }
    if (json_object_size(rm) == 0) {
        return lcmp__jpath_error(&r->p,
                                 LCMP_EPARSE,
                                 "a remove needs at least one of by-name, "
                                 "by-class, by-id, by-item-name, by-ns");
    }
    if (remove_in(ctl, &c, &count) != 0) {
        return no_memory(r);
    }
    if (count == 0) {
        lcmp__oscal_warn(r->ctx,
                         r->p.source,
                         r->p.ptr,
                         "remove matches nothing in control '%s'",
                         get_str(ctl, "id"));
    }
    return 0;
}

/* Where an add's by-id points inside a control. */
typedef struct target {
    json_t *obj;       /* the part or parameter */
    json_t *container; /* the object whose array holds it */
    const char *key;   /* "parts" or "params" */
    size_t index;
} target;

static int find_part(target *t, json_t *container, const char *id)
{
    json_t *parts = json_object_get(container, "parts"), *v;
    size_t k;

    json_array_foreach (parts, k, v) {
        if (str_eq(get_str(v, "id"), id)) {
            t->obj = v;
            t->container = container;
            t->key = "parts";
            t->index = k;
            return 1;
        }
        if (find_part(t, v, id)) {
            return 1;
        }
    }
    return 0;
}

/* Insert the items of `items` into obj[key] at `at` (SIZE_MAX: the end). */
static int
insert_items(json_t *obj, const char *key, const json_t *items, size_t at)
{
    json_t *dst = json_object_get(obj, key), *v;
    size_t k;

    if (json_array_size(items) == 0) {
        return 0;
    }
    if (dst == NULL) {
        dst = json_array();
        if (dst == NULL || json_object_set_new(obj, key, dst) != 0) {
            return LCMP_ENOMEM;
        }
    }
    if (at > json_array_size(dst)) {
        at = json_array_size(dst);
    }
    json_array_foreach (items, k, v) {
        if (json_array_insert(dst, at + k, v) != 0) {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* One add (p at it). */
static int apply_add(resolver *r, json_t *ctl, const json_t *add)
{
    static const char *const allowed[] = {"position",
                                          "by-id",
                                          "title",
                                          "params",
                                          "props",
                                          "links",
                                          "parts",
                                          NULL};
    static const char *const kinds[] = {"params", "props", "links", "parts"};
    const char *position = "ending", *by_id = NULL, *title = NULL;
    int start;
    target t;
    size_t i;
    json_t *v;
    int rc;

    rc = lcmp__json_expect_object(add, allowed, &r->p);
    if (rc == 0) {
        rc = lcmp__json_get_string(&position, add, "position", 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_string(&by_id, add, "by-id", 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_string(&title, add, "title", 0, &r->p);
    }
    for (i = 0; rc == 0 && i < 4; i++) {
        rc = lcmp__json_get_array(&v, add, kinds[i], 0, &r->p);
    }
    if (rc < 0) {
        return rc;
    }
    if (!str_eq(position, "before") && !str_eq(position, "after") &&
        !str_eq(position, "starting") && !str_eq(position, "ending"))
    {
        return lcmp__jpath_error_at(&r->p,
                                    "position",
                                    LCMP_EPARSE,
                                    "unknown position '%s' (expected before, "
                                    "after, starting or ending)",
                                    position);
    }
    start = str_eq(position, "before") || str_eq(position, "starting");
    if (by_id == NULL) {
        /* bound to the control: before/after count as starting/ending */
        for (i = 0; i < 4; i++) {
            if (insert_items(ctl,
                             kinds[i],
                             json_object_get(add, kinds[i]),
                             start ? 0 : SIZE_MAX) != 0)
            {
                return no_memory(r);
            }
        }
        if (title != NULL && set_string(ctl, "title", title) != 0) {
            return no_memory(r);
        }
        return reorder(ctl, control_order) == 0 ? 0 : no_memory(r);
    }
    memset(&t, 0, sizeof(t));
    i = find_by_id(json_object_get(ctl, "params"), by_id);
    if (i != SIZE_MAX) {
        t.obj = json_array_get(json_object_get(ctl, "params"), i);
        t.container = ctl;
        t.key = "params";
        t.index = i;
    } else if (!find_part(&t, ctl, by_id)) {
        lcmp__oscal_warn(r->ctx,
                         r->p.source,
                         r->p.ptr,
                         "add: nothing with id '%s' in control '%s' (the "
                         "add is inoperative)",
                         by_id,
                         get_str(ctl, "id"));
        return 0;
    }
    if (str_eq(position, "starting") || str_eq(position, "ending")) {
        /* inside the target */
        for (i = 0; i < 4; i++) {
            const json_t *items = json_object_get(add, kinds[i]);

            if (json_array_size(items) == 0) {
                continue;
            }
            if (i == 0 || (i == 3 && str_eq(t.key, "params"))) {
                lcmp__oscal_warn(r->ctx,
                                 r->p.source,
                                 r->p.ptr,
                                 "add: %s cannot go inside '%s'",
                                 kinds[i],
                                 by_id);
                continue;
            }
            if (insert_items(t.obj, kinds[i], items, start ? 0 : SIZE_MAX) != 0)
            {
                return no_memory(r);
            }
        }
        if (title != NULL && str_eq(t.key, "parts") &&
            set_string(t.obj, "title", title) != 0)
        {
            return no_memory(r);
        }
        rc = reorder(t.obj, str_eq(t.key, "parts") ? part_order : param_order);
    } else {
        /* beside the target, in its container */
        for (i = 0; i < 4; i++) {
            const json_t *items = json_object_get(add, kinds[i]);
            size_t at;

            if (str_eq(kinds[i], t.key)) {
                at = start ? t.index : t.index + 1;
            } else {
                at = start ? 0 : SIZE_MAX;
            }
            if (insert_items(t.container, kinds[i], items, at) != 0) {
                return no_memory(r);
            }
        }
        rc = reorder(t.container,
                     t.container == ctl ? control_order : part_order);
    }
    return rc == 0 ? 0 : no_memory(r);
}

/* One alter (p at it). */
static int apply_alter(resolver *r,
                       const octl_key *ctls,
                       size_t nctls,
                       const json_t *alter)
{
    static const char *const allowed[] = {
        "control-id", "removes", "adds", NULL};
    const char *id = NULL;
    json_t *removes = NULL, *adds = NULL, *v, *ctl;
    octl_key key, *hit;
    size_t k, old, kold;
    int rc;

    rc = lcmp__json_expect_object(alter, allowed, &r->p);
    if (rc == 0) {
        rc = lcmp__json_get_string(&id, alter, "control-id", 1, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(&removes, alter, "removes", 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(&adds, alter, "adds", 0, &r->p);
    }
    if (rc < 0) {
        return rc;
    }
    key.id = id;
    hit = find(&key, ctls, nctls, sizeof(*ctls), octl_cmp);
    if (hit == NULL) {
        lcmp__oscal_warn(r->ctx,
                         r->p.source,
                         r->p.ptr,
                         "alter: control '%s' is not selected",
                         id);
        return 0;
    }
    rc = privatise(r, hit->owner);
    if (rc < 0) {
        return rc;
    }
    ctl = r->owners[hit->owner].obj;
    old = lcmp__jpath_push(&r->p, "removes");
    json_array_foreach (removes, k, v) {
        kold = lcmp__jpath_push_index(&r->p, k);
        rc = apply_remove(r, ctl, v);
        lcmp__jpath_pop(&r->p, kold);
        if (rc < 0) {
            return rc;
        }
    }
    lcmp__jpath_pop(&r->p, old);
    old = lcmp__jpath_push(&r->p, "adds");
    json_array_foreach (adds, k, v) {
        kold = lcmp__jpath_push_index(&r->p, k);
        rc = apply_add(r, ctl, v);
        lcmp__jpath_pop(&r->p, kold);
        if (rc < 0) {
            return rc;
        }
    }
    lcmp__jpath_pop(&r->p, old);
    return 0;
}

/* modify (p at the profile), on the output catalog object. */
static int modify(resolver *r, const json_t *profile, json_t *catalog)
{
    static const char *const allowed[] = {"set-parameters", "alters", NULL};
    json_t *mod = NULL, *sets = NULL, *alters = NULL, *v;
    octl_key *ctls = NULL;
    size_t nctls = 0, k, old, kold;
    int rc;

    rc = lcmp__json_get_object(&mod, profile, "modify", 0, &r->p);
    if (rc < 0 || mod == NULL) {
        return rc;
    }
    old = lcmp__jpath_push(&r->p, "modify");
    rc = lcmp__json_expect_object(mod, allowed, &r->p);
    if (rc == 0) {
        rc = lcmp__json_get_array(&sets, mod, "set-parameters", 0, &r->p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(&alters, mod, "alters", 0, &r->p);
    }
    if (rc == 0) {
        rc = index_output(r, catalog, &ctls, &nctls);
    }
    if (rc == 0) {
        size_t sold = lcmp__jpath_push(&r->p, "set-parameters");

        json_array_foreach (sets, k, v) {
            kold = lcmp__jpath_push_index(&r->p, k);
            rc = set_parameter(r, v);
            lcmp__jpath_pop(&r->p, kold);
            if (rc < 0) {
                break;
            }
        }
        lcmp__jpath_pop(&r->p, sold);
    }
    if (rc == 0) {
        size_t aold = lcmp__jpath_push(&r->p, "alters");

        json_array_foreach (alters, k, v) {
            kold = lcmp__jpath_push_index(&r->p, k);
            rc = apply_alter(r, ctls, nctls, v);
            lcmp__jpath_pop(&r->p, kold);
            if (rc < 0) {
                break;
            }
        }
        lcmp__jpath_pop(&r->p, aold);
    }
    lcmp__jpath_pop(&r->p, old);
    free(ctls);
    return rc;
}

/*
 * Final operations: references, back-matter, loose parameters, metadata.
 */

static int add_ref(resolver *r, const char *s, size_t len)
{
    if (r->nrefs == r->arefs) {
        size_t n = r->arefs ? 2 * r->arefs : 256;
        const char **g1 = realloc(r->refs, n * sizeof(*g1));

        if (g1 == NULL) {
            return LCMP_ENOMEM;
        }
        r->refs = g1;
        {
            size_t *g2 = realloc(r->reflen, n * sizeof(*g2));

            if (g2 == NULL) {
                return LCMP_ENOMEM;
            }
            r->reflen = g2;
        }
        r->arefs = n;
    }
    r->refs[r->nrefs] = s;
    r->reflen[r->nrefs] = len;
    r->nrefs++;
    return 0;
}

static int id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* The references in one string: "#id" fragments and
 * "{{ insert: param, id }}". */
static int scan_string(resolver *r, const char *s)
{
    const char *q;

    for (q = strchr(s, '#'); q != NULL; q = strchr(q + 1, '#')) {
        size_t n = 0;

        while (id_char(q[1 + n])) {
            n++;
        }
        if (n > 0 && add_ref(r, q + 1, n) != 0) {
            return LCMP_ENOMEM;
        }
    }
    for (q = strstr(s, "insert: param,"); q != NULL;
         q = strstr(q + 1, "insert: param,"))
    {
        const char *id = q + strlen("insert: param,");
        size_t n = 0;

        while (*id == ' ') {
            id++;
        }
        while (id_char(id[n])) {
            n++;
        }
        if (n > 0 && add_ref(r, id, n) != 0) {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

static int scan(resolver *r, const json_t *v)
{
    const char *key;
    json_t *m;
    size_t k;

    if (json_is_string(v)) {
        return scan_string(r, json_string_value(v));
    }
    if (json_is_object(v)) {
        json_object_foreach ((json_t *)v, key, m) {
            if (scan(r, m) != 0) {
                return LCMP_ENOMEM;
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach (v, k, m) {
            if (scan(r, m) != 0) {
                return LCMP_ENOMEM;
            }
        }
    }
    return 0;
}

/* Sort the references (by content) so that lookups can bsearch. */
typedef struct ref {
    const char *s;
    size_t len;
} ref;

static int ref_cmp(const void *a, const void *b)
{
    const ref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);

    if (c != 0) {
        return c;
    }
    return x->len < y->len ? -1 : x->len > y->len;
}

static int referenced(const ref *refs, size_t n, const char *id)
{
    ref key;

    if (id == NULL) {
        return 0;
    }
    key.s = id;
    key.len = strlen(id);
    return find(&key, refs, n, sizeof(*refs), ref_cmp) != NULL;
}

/* A back-matter resource on its way to the output. */
typedef struct res {
    const char *uuid;
    json_t *obj;
    size_t order;
    int keep;
    int drop;
} res;

static int res_uuid_cmp(const void *a, const void *b)
{
    const res *x = a, *y = b;
    int c = strcmp(x->uuid, y->uuid);

    if (c != 0) {
        return c;
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

static int res_order_cmp(const void *a, const void *b)
{
    const res *x = a, *y = b;

    return x->order < y->order ? -1 : x->order > y->order;
}

static int
collect_resources(res **list, size_t *n, size_t *alloc, const json_t *holder)
{
    json_t *bm = json_object_get(holder, "back-matter"), *v;
    size_t k;

    json_array_foreach (json_object_get(bm, "resources"), k, v) {
        const char *uuid = get_str(v, "uuid");

        if (uuid == NULL) {
            continue;
        }
        if (*n == *alloc) {
            size_t na = *alloc ? 2 * *alloc : 256;
            res *grown = realloc(*list, na * sizeof(*grown));

            if (grown == NULL) {
                return LCMP_ENOMEM;
            }
            *list = grown;
            *alloc = na;
        }
        (*list)[*n].uuid = uuid;
        (*list)[*n].obj = v;
        (*list)[*n].order = *n;
        (*list)[*n].keep = lcmp__oscal_has_prop(v, "keep", "always");
        (*list)[*n].drop = 0;
        (*n)++;
    }
    return 0;
}

/*
 * The output's back-matter: resources of the imports in order, then the
 * profile's; a later resource with the same uuid replaces an earlier one
 * unless only the earlier is marked keep=always; kept when referenced as
 * "#uuid" from the output or marked keep=always.
 */
static int
back_matter(resolver *r, json_t *catalog, const ref *refs, size_t nrefs)
{
    res *list = NULL;
    size_t n = 0, alloc = 0, i, j;
    json_t *out = NULL, *bm = NULL;
    int rc = LCMP_ENOMEM;

    for (i = 0; i < r->nimps; i++) {
        if (collect_resources(&list, &n, &alloc, r->imps[i].catalog) != 0) {
            goto done;
        }
    }
    if (collect_resources(&list, &n, &alloc, r->doc->body) != 0) {
        goto done;
    }
    if (n == 0) {
        rc = 0;
        goto done;
    }
    sort(list, n, sizeof(*list), res_uuid_cmp);
    for (i = 0; i < n; i = j) {
        size_t win = i, x;

        /* a later resource replaces an earlier one, except that one marked
         * keep=always yields only to another so marked */
        for (j = i + 1; j < n && strcmp(list[j].uuid, list[i].uuid) == 0; j++) {
            if (!list[win].keep || list[j].keep) {
                win = j;
            }
        }
        for (x = i; x < j; x++) {
            list[x].drop = x != win;
        }
        if (!list[win].keep && !referenced(refs, nrefs, list[win].uuid)) {
            list[win].drop = 1;
        }
    }
    sort(list, n, sizeof(*list), res_order_cmp);
    out = json_array();
    if (out == NULL) {
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (!list[i].drop && json_array_append(out, list[i].obj) != 0) {
            goto done;
        }
    }
    if (json_array_size(out) > 0) {
        bm = json_pack("{sO}", "resources", out);
        if (bm == NULL || json_object_set_new(catalog, "back-matter", bm) != 0)
        {
            goto done;
        }
    }
    rc = 0;
done:
    json_decref(out);
    free(list);
    return rc == 0 ? 0 : no_memory(r);
}

static int str_ptr_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Loose parameters: kept when referenced, set by the profile, or marked
 * keep=always. */
static int
prune_params(resolver *r, json_t *catalog, const ref *refs, size_t nrefs)
{
    json_t *kept = json_array(), *v;
    size_t k;

    if (kept == NULL) {
        return no_memory(r);
    }
    sort(r->set_ids, r->nset_ids, sizeof(*r->set_ids), str_ptr_cmp);
    json_array_foreach (json_object_get(catalog, "params"), k, v) {
        const char *id = get_str(v, "id");
        json_t *w;
        size_t j;
        int dup = 0;

        /* the same catalog imported twice brings its loose parameters
         * twice: the first stays */
        json_array_foreach (kept, j, w) {
            dup |= id != NULL && str_eq(get_str(w, "id"), id);
        }
        if (dup) {
            continue;
        }
        if (referenced(refs, nrefs, id) ||
            lcmp__oscal_has_prop(v, "keep", "always") ||
            (id != NULL && find(&id,
                                r->set_ids,
                                r->nset_ids,
                                sizeof(*r->set_ids),
                                str_ptr_cmp) != NULL))
        {
            if (json_array_append(kept, v) != 0) {
                json_decref(kept);
                return no_memory(r);
            }
        }
    }
    if (json_array_size(kept) == 0) {
        json_object_del(catalog, "params");
        json_decref(kept);
        return 0;
    }
    return json_object_set_new(catalog, "params", kept) == 0 ? 0 : no_memory(r);
}

/* "1.1.2" > "1.0.0": numeric comparison of the dot-separated numbers. */
static int version_cmp(const char *a, const char *b)
{
    while (*a != '\0' || *b != '\0') {
        unsigned long x = strtoul(a, (char **)&a, 10);
        unsigned long y = strtoul(b, (char **)&b, 10);

        if (x != y) {
            return x < y ? -1 : 1;
        }
        a += *a == '.';
        b += *b == '.';
        if ((*a != '\0' && (*a < '0' || *a > '9')) ||
            (*b != '\0' && (*b < '0' || *b > '9')))
        {
            return strcmp(a, b);
        }
    }
    return 0;
}

/* The file name part of a path, percent-encoded as a URI reference. */
static char *href_of(const char *path)
{
    const char *base = strrchr(path, '/');
    static const char safe[] = "-._~!$&'()*+,;=:@";
    lcmp_buf b = LCMP_BUF_INIT;
    const unsigned char *c;

    base = base != NULL ? base + 1 : path;
    if (lcmp__buf_puts(&b, "") != 0) {
        return NULL;
    }
    for (c = (const unsigned char *)base; *c != '\0'; c++) {
        int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                 (*c >= '0' && *c <= '9') || strchr(safe, *c) != NULL;

        if ((ok ? lcmp__buf_put(&b, (const char *)c, 1)
                : lcmp__buf_printf(&b, "%%%02X", *c)) != 0)
        {
            lcmp_buf_dispose(&b);
            return NULL;
        }
    }
    return b.ptr;
}

/* The newest last-modified of the profile and the catalogs it imports. */
static int last_modified(resolver *r, char out[21], const json_t *meta)
{
    const char *text = get_str(meta, "last-modified");
    int64_t t = 0, u;
    size_t i;

    if (r->ctx->last_modified != 0) {
        lcmp_time_format(out, r->ctx->last_modified);
        return 0;
    }
    if (text == NULL || lcmp_time_parse(&t, text, NULL) != 0) {
        return lcmp__error_set(r->ctx->err,
                               LCMP_EPARSE,
                               r->doc->source,
                               "/profile/metadata/last-modified",
                               "invalid last-modified '%s': expected RFC "
                               "3339",
                               text != NULL ? text : "");
    }
    for (i = 0; i < r->nimps; i++) {
        const json_t *m = json_object_get(r->imps[i].catalog, "metadata");

        text = get_str(m, "last-modified");
        if (text != NULL && lcmp_time_parse(&u, text, NULL) == 0 && u > t) {
            t = u;
        }
    }
    lcmp_time_format(out, t);
    return 0;
}

/* The output's metadata: the profile's, with last-modified, oscal-version,
 * prop resolution-tool and link source-profile. */
static int metadata(resolver *r, json_t **out)
{
    const json_t *src = json_object_get(r->doc->body, "metadata");
    const char *version = get_str(src, "oscal-version");
    json_t *meta = NULL, *props = NULL, *links = NULL, *v;
    char when[21], *href = NULL;
    size_t i;
    int rc;

    rc = last_modified(r, when, src);
    if (rc < 0) {
        return rc;
    }
    for (i = 0; i < r->nimps; i++) {
        const char *iv = get_str(
            json_object_get(r->imps[i].catalog, "metadata"), "oscal-version");

        if (iv != NULL && version != NULL && version_cmp(iv, version) > 0) {
            version = iv;
        }
    }
    rc = LCMP_ENOMEM;
    meta = copy_except(src, NULL, NULL);
    props = json_deep_copy(json_object_get(src, "props"));
    links = json_deep_copy(json_object_get(src, "links"));
    if (props == NULL) {
        props = json_array();
    }
    if (links == NULL) {
        links = json_array();
    }
    href = href_of(r->doc->path);
    if (meta == NULL || props == NULL || links == NULL || href == NULL) {
        goto done;
    }
    v = json_pack("{ssss}", "name", "resolution-tool", "value", TOOL_NAME);
    if (v == NULL || json_array_append_new(props, v) != 0) {
        goto done;
    }
    v = json_pack("{ssss}", "href", href, "rel", "source-profile");
    if (v == NULL || json_array_append_new(links, v) != 0) {
        goto done;
    }
    if (set_string(meta, "last-modified", when) != 0 ||
        (version != NULL && set_string(meta, "oscal-version", version) != 0) ||
        json_object_set(meta, "props", props) != 0 ||
        json_object_set(meta, "links", links) != 0 ||
        reorder(meta, metadata_order) != 0)
    {
        goto done;
    }
    *out = meta;
    meta = NULL;
    rc = 0;
done:
    json_decref(meta);
    json_decref(props);
    json_decref(links);
    free(href);
    return rc == 0 ? 0 : no_memory(r);
}

/* uuid of the output: from the inputs (the profile's bytes, then per
 * import the bytes or the resolved uuid of what it imports). */
static int output_uuid(resolver *r)
{
    lcmp_buf name = LCMP_BUF_INIT;
    char hex[65];
    size_t i;
    int rc;

    lcmp__hex(hex, r->doc->sha256, 32);
    rc = lcmp__buf_printf(&name, "lcmp:resolved-catalog:%s", hex);
    for (i = 0; rc == 0 && i < r->nimps; i++) {
        const lcmp__oscal_doc *d = r->imps[i].src;

        lcmp__hex(hex, d->sha256, 32);
        rc = lcmp__buf_printf(&name,
                              "|%s%s%s",
                              hex,
                              d->profile ? ":" : "",
                              d->profile ? d->uuid : "");
    }
    if (rc != 0) {
        lcmp_buf_dispose(&name);
        return no_memory(r);
    }
    rc = lcmp__oscal_uuid(r->doc->uuid, name.ptr, name.size, r->ctx->err);
    lcmp_buf_dispose(&name);
    return rc;
}

/* An import cycle: the chain of documents being resolved, from `again`
 * down to the current profile, then `again`. */
static int cycle_error(resolver *r, const lcmp__oscal_doc *again)
{
    lcmp__oscal_ctx *ctx = r->ctx;
    char msg[256];
    size_t len, i = 0;

    while (i < ctx->depth && ctx->chain[i] != again) {
        i++;
    }
    len = (size_t)snprintf(msg, sizeof(msg), "import cycle: ");
    for (; i < ctx->depth && len < sizeof(msg); i++) {
        len += (size_t)snprintf(
            msg + len, sizeof(msg) - len, "%s -> ", ctx->chain[i]->path);
    }
    if (len < sizeof(msg)) {
        snprintf(msg + len, sizeof(msg) - len, "%s", again->path);
    }
    return lcmp__jpath_error(&r->p, LCMP_EINVALID, "%s", msg);
}

/* Import phase for import k (p at the import). */
static int read_import(resolver *r, import *im, const json_t *imp)
{
    static const char *const allowed[] = {
        "href", "include-all", "include-controls", "exclude-controls", NULL};
    const char *href = NULL;
    char *path = NULL;
    size_t old;
    int rc;

    rc = lcmp__json_expect_object(imp, allowed, &r->p);
    if (rc == 0) {
        rc = lcmp__json_get_string(&href, imp, "href", 1, &r->p);
    }
    if (rc < 0) {
        return rc;
    }
    old = lcmp__jpath_push(&r->p, "href");
    rc = lcmp__oscal_import_path(&path, r->ctx, r->doc, href, &r->p);
    if (rc == 0) {
        rc = lcmp__oscal_open(&im->src, r->ctx, path);
        /* a document that cannot be read is reported at the import that
         * names it; one that is malformed, at its own problem */
        if (rc == LCMP_ENOTFOUND || rc == LCMP_EIO) {
            char why[256] = "cannot read";

            if (r->ctx->err != NULL) {
                snprintf(why, sizeof(why), "%s", r->ctx->err->message);
            }
            rc = lcmp__jpath_error(&r->p,
                                   rc,
                                   "import '%s'%s%s%s: %s",
                                   href,
                                   strcmp(href, path) != 0 ? " (read as '" : "",
                                   strcmp(href, path) != 0 ? path : "",
                                   strcmp(href, path) != 0 ? "')" : "",
                                   why);
        }
    }
    if (rc == 0 && im->src->busy) {
        rc = cycle_error(r, im->src);
    }
    if (rc == 0 && im->src->profile && r->ctx->depth >= r->ctx->max_imports) {
        rc = lcmp__jpath_error(&r->p,
                               LCMP_ELIMIT,
                               "profiles import each other more than %u "
                               "levels deep",
                               r->ctx->max_imports);
    }
    if (rc == 0) {
        rc = lcmp__oscal_catalog_of(&im->catalog, &im->ix, r->ctx, im->src);
    }
    lcmp__jpath_pop(&r->p, old);
    free(path);
    if (rc == 0) {
        rc = select_controls(r, im, imp);
    }
    return rc;
}

static void resolver_dispose(resolver *r)
{
    size_t i;

    for (i = 0; i < r->nimps; i++) {
        free(r->imps[i].sel);
    }
    free(r->imps);
    free(r->seen);
    json_decref(r->params);
    json_decref(r->controls);
    json_decref(r->groups);
    free(r->owners);
    free(r->oparams);
    free(r->refs);
    free(r->reflen);
    free(r->set_ids);
}

int lcmp__oscal_resolve_profile(lcmp__oscal_ctx *ctx, lcmp__oscal_doc *doc)
{
    static const char *const allowed[] = {
        "uuid", "metadata", "imports", "merge", "modify", "back-matter", NULL};
    resolver r;
    json_t *imports = NULL, *catalog = NULL, *meta = NULL, *imp, *root;
    ref *refs = NULL;
    size_t k, old, i;
    int rc;

    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.doc = doc;
    lcmp__jpath_init(&r.p, doc->source, ctx->err);
    old = lcmp__jpath_push(&r.p, "profile");
    doc->busy = 1;
    ctx->chain[ctx->depth++] = doc;
    rc = lcmp__json_expect_object(doc->body, allowed, &r.p);
    if (rc == 0) {
        rc = lcmp__json_get_array(&imports, doc->body, "imports", 1, &r.p);
    }
    if (rc == 0 && json_array_size(imports) == 0) {
        rc = lcmp__jpath_error_at(
            &r.p, "imports", LCMP_EPARSE, "expected at least 1 import");
    }
    if (rc == 0) {
        rc = read_merge(&r, doc->body);
    }
    if (rc < 0) {
        goto done;
    }
    r.imps = calloc(json_array_size(imports), sizeof(*r.imps));
    r.params = json_array();
    r.controls = json_array();
    r.groups = json_array();
    if (r.imps == NULL || r.params == NULL || r.controls == NULL ||
        r.groups == NULL)
    {
        rc = no_memory(&r);
        goto done;
    }
    json_array_foreach (imports, k, imp) {
        size_t iold = lcmp__jpath_push(&r.p, "imports");

        lcmp__jpath_push_index(&r.p, k);
        r.imps[k].pos = k;
        r.nimps = k + 1;
        rc = read_import(&r, &r.imps[k], imp);
        lcmp__jpath_pop(&r.p, iold);
        if (rc < 0) {
            goto done;
        }
    }
    for (i = 0; i < r.nimps; i++) {
        rc = combine(&r, &r.imps[i]);
        if (rc == 0) {
            rc = emit_import(&r, &r.imps[i]);
        }
        if (rc == 0 && r.nimps > 1) {
            rc = remember(&r, &r.imps[i]);
        }
        if (rc < 0) {
            goto done;
        }
    }
    catalog = json_object();
    if (catalog == NULL ||
        (json_array_size(r.params) > 0 &&
         json_object_set(catalog, "params", r.params) != 0) ||
        (json_array_size(r.controls) > 0 &&
         json_object_set(catalog, "controls", r.controls) != 0) ||
        (json_array_size(r.groups) > 0 &&
         json_object_set(catalog, "groups", r.groups) != 0))
    {
        rc = no_memory(&r);
        goto done;
    }
    rc = modify(&r, doc->body, catalog);
    if (rc < 0) {
        goto done;
    }
    rc = metadata(&r, &meta);
    if (rc < 0) {
        goto done;
    }
    if (json_object_set_new(catalog, "metadata", meta) != 0) {
        rc = no_memory(&r);
        goto done;
    }
    /* references from everything but the back-matter (not yet there) */
    if (scan(&r, catalog) != 0) {
        rc = no_memory(&r);
        goto done;
    }
    refs = malloc((r.nrefs + 1) * sizeof(*refs));
    if (refs == NULL) {
        rc = no_memory(&r);
        goto done;
    }
    for (i = 0; i < r.nrefs; i++) {
        refs[i].s = r.refs[i];
        refs[i].len = r.reflen[i];
    }
    sort(refs, r.nrefs, sizeof(*refs), ref_cmp);
    rc = prune_params(&r, catalog, refs, r.nrefs);
    if (rc == 0) {
        rc = back_matter(&r, catalog, refs, r.nrefs);
    }
    if (rc == 0) {
        rc = output_uuid(&r);
    }
    if (rc < 0) {
        goto done;
    }
    if (set_string(catalog, "uuid", doc->uuid) != 0 ||
        reorder(catalog, catalog_order) != 0)
    {
        rc = no_memory(&r);
        goto done;
    }
    root = json_object();
    if (root == NULL || json_object_set(root, "catalog", catalog) != 0) {
        json_decref(root);
        rc = no_memory(&r);
        goto done;
    }
    doc->resolved = root;
    rc = 0;
done:
    lcmp__jpath_pop(&r.p, old);
    ctx->depth--;
    doc->busy = 0;
    json_decref(catalog);
    free(refs);
    resolver_dispose(&r);
    return rc;
}
