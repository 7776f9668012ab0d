/*
 * Baselines (docs/formats.md §1): the manifest, the controls of each family
 * and the profile definitions, read strictly through an lcmp_reader into
 * the model of model.h; lcmp_baseline_validate(), which reads the same way
 * but collects problems instead of stopping at the first; and the reader
 * for a directory.
 *
 * Invariants of a loaded baseline: every string is borrowed from the parsed
 * documents in `docs`, which live exactly as long as the baseline; every
 * array of the model comes from one arena owned by the baseline (a few
 * large blocks, not one allocation per control); control ids are unique
 * and `by_id` is sorted by strcmp; every reference (rule to fact and
 * parameter, headline, profile extends/include/exclude/params) has been
 * checked, and the extends graph has no cycle, so every profile resolves.
 *
 * Cost: O(n log n) in the number of controls: one sort gives the id index
 * and finds duplicates, every reference is a bsearch. Facts, parameters and
 * enum values are found by a linear scan inside their control, which has a
 * handful of each.
 *
 * Codes: LCMP_EPARSE when a file does not follow the format on its own
 * (syntax, types, unknown or missing members, unknown keywords),
 * LCMP_EINVALID when values contradict each other or the rest of the tree
 * (unknown references, duplicates, bounds, cycles, names that differ from
 * file names), LCMP_ENOTFOUND for a missing file.
 *
 * Validation reports the first problem of each file, control and profile,
 * and goes on with the next one. A control or profile with a problem is
 * left out; references to it are then not reported again.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "model.h"
#include "oscal.h"

#define SCHEMA_BASELINE "lcmp.baseline/v1"
#define SCHEMA_CONTROLS "lcmp.controls/v1"
#define SCHEMA_PROFILE  "lcmp.profile/v1"

#define ARENA_ALIGN   _Alignof(max_align_t)
#define ARENA_FIRST   ((size_t)8 * 1024)
#define ARENA_LARGEST ((size_t)1024 * 1024)

/* Loading goes on after a problem that validation has recorded. */
#define GO_ON 0
/* Validation recorded a problem after which nothing more can be read. */
#define STOP 1

/* Indexed by lcmp__type. */
static const char *const type_names[] =
    {"date", "integer", "percent", "boolean", "enum", "string"};

/* Indexed by lcmp__op. */
static const char *const op_names[] =
    {"eq", "ne", "lt", "le", "gt", "ge", "in", "max_age"};

typedef struct block {
    struct block *next;
    size_t size;
    size_t used;
    max_align_t data[];
} block;

/* The baseline with what only this file needs; `pub` must stay first. */
typedef struct baseline_impl {
    struct lcmp_baseline pub;
    block *mem;
    size_t next_block;
    size_t *profiles_by_id; /* profile indices sorted by id */
} baseline_impl;

struct lcmp_problems {
    lcmp_error *items;
    size_t count;
    size_t alloc;
};

/* One loading or validation run. */
typedef struct loader {
    const lcmp_reader *reader;
    lcmp__json_limits lim;
    baseline_impl *bi;
    lcmp_problems *problems; /* validation: problems go here */
    lcmp_error err;          /* the current problem */
    size_t *pos;             /* per control: its index in its file */
    size_t *families_by_id;  /* family indices sorted by id */
    /* Validation only: ids of controls left out for a problem, sorted
     * once all controls are read; `incomplete` when some control could not
     * even be named, so that no reference can be judged unknown. */
    const char **broken;
    size_t nbroken, abroken;
    int incomplete;
    int manifest_bad;
} loader;

/* A sort key: a string and the index it belongs to. */
typedef struct keyed {
    const char *s;
    size_t i;
} keyed;

const char *lcmp__type_name(lcmp__type t)
{
    if ((size_t)t >= sizeof(type_names) / sizeof(type_names[0])) {
        return "unknown";
    }
    return type_names[t];
}

int lcmp__type_from_name(const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < sizeof(type_names) / sizeof(type_names[0]);
         i++) {
        if (strcmp(type_names[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

/*
 * Arena: zeroed memory that lives as long as the baseline. Blocks double
 * from 8 KiB to 1 MiB; a request larger than half a block gets a block of
 * its own behind the current one, which stays in use.
 */
static void *arena_alloc(baseline_impl *bi, size_t size)
{
    block *b = bi->mem, *nb;
    size_t need, bsize;
    void *p;

    if (size > SIZE_MAX - ARENA_ALIGN - sizeof(block)) {
        return NULL;
    }
    need = size == 0 ? ARENA_ALIGN
                     : (size + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    if (b != NULL && b->size - b->used >= need) {
        p = (char *)b->data + b->used;
        b->used += need;
        return p;
    }
    if (bi->next_block == 0) {
        bi->next_block = ARENA_FIRST;
    }
    bsize = need > bi->next_block / 2 ? need : bi->next_block;
    nb = calloc(1, sizeof(block) + bsize);
    if (nb == NULL) {
        return NULL;
    }
    nb->size = bsize;
    nb->used = need;
    if (bsize == need && b != NULL) {
        nb->next = b->next;
        b->next = nb;
        return nb->data;
    }
    nb->next = b;
    bi->mem = nb;
    if (bi->next_block < ARENA_LARGEST) {
        bi->next_block *= 2;
    }
    return nb->data;
}

static void *arena_array(baseline_impl *bi, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        return NULL;
    }
    return arena_alloc(bi, n * size);
}

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->s, y->s);

    if (c != 0) {
        return c;
    }
    return x->i < y->i ? -1 : x->i > y->i;
}

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;

    return x < y ? -1 : x > y;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Sort `n` keys and write their indices to `order`; when `dups` is not
 * NULL, it receives the indices of the second and later occurrences of a
 * string, in ascending order, and *ndups their count.
 */
static void
sort_keys(size_t *order, keyed *keys, size_t n, size_t *dups, size_t *ndups)
{
    size_t i, nd = 0;

    qsort(keys, n, sizeof(*keys), keyed_cmp);
    for (i = 0; i < n; i++) {
        order[i] = keys[i].i;
        if (dups != NULL && i > 0 && strcmp(keys[i - 1].s, keys[i].s) == 0) {
            dups[nd++] = keys[i].i;
        }
    }
    if (dups != NULL) {
        qsort(dups, nd, sizeof(*dups), size_cmp);
        *ndups = nd;
    }
}

/* bsearch in an index of `n` indices sorted by the id at each index. */
static size_t index_find(const size_t *index,
                         size_t n,
                         const char *id,
                         const void *base,
                         size_t stride)
{
    size_t lo = 0, hi = n;

    if (id == NULL) {
        return SIZE_MAX;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s =
            *(const char *const *)((const char *)base + index[mid] * stride);
        int c = strcmp(id, s);

        if (c == 0) {
            return index[mid];
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return SIZE_MAX;
}

size_t lcmp__baseline_find(const lcmp_baseline *b, const char *id)
{
    if (b == NULL || b->by_id == NULL) {
        return SIZE_MAX;
    }
    return index_find(
        b->by_id, b->ncontrols, id, b->controls, sizeof(b->controls[0]));
}

size_t lcmp__baseline_find_profile(const lcmp_baseline *b, const char *id)
{
    const baseline_impl *bi = (const baseline_impl *)b;

    if (b == NULL || bi->profiles_by_id == NULL) {
        return SIZE_MAX;
    }
    return index_find(bi->profiles_by_id,
                      b->nprofiles,
                      id,
                      b->profiles,
                      sizeof(b->profiles[0]));
}

static size_t find_family(const loader *ld, const char *id)
{
    const lcmp_baseline *b = &ld->bi->pub;

    return index_find(ld->families_by_id,
                      b->nfamilies,
                      id,
                      b->families,
                      sizeof(b->families[0]));
}

/* Whether `s` is one of `n` strings; lists here are a handful long. */
static int in_list(const char *s, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(s, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * Problems. A problem is in ld->err; loading stops at it, validation
 * records it and goes on (unless memory ran out). Returns the code to stop
 * with, or GO_ON.
 */
static int problem(loader *ld, int rc)
{
    lcmp_problems *pr = ld->problems;

    if (pr == NULL || rc == LCMP_ENOMEM) {
        return rc;
    }
    if (pr->count == pr->alloc) {
        size_t alloc = pr->alloc < 8 ? 8 : pr->alloc * 2;
        lcmp_error *items = realloc(pr->items, alloc * sizeof(*items));

        if (items == NULL) {
            return lcmp__error_set(
                &ld->err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        }
        pr->items = items;
        pr->alloc = alloc;
    }
    pr->items[pr->count++] = ld->err;
    return GO_ON;
}

/* A problem after which validation cannot read further. */
static int problem_stop(loader *ld, int rc)
{
    rc = problem(ld, rc);
    return rc < 0 ? rc : STOP;
}

static int no_memory(loader *ld, const lcmp__jpath *p)
{
    return lcmp__error_set(&ld->err,
                           LCMP_ENOMEM,
                           p != NULL ? p->source : NULL,
                           NULL,
                           "out of memory");
}

/*
 * Whether an unknown control id is a consequence of an earlier problem
 * (validation only): then it is not reported again.
 */
static int known_broken(const loader *ld, const char *id)
{
    if (ld->problems == NULL) {
        return 0;
    }
    if (ld->incomplete) {
        return 1;
    }
    return ld->nbroken > 0 &&
           bsearch(
               &id, ld->broken, ld->nbroken, sizeof(*ld->broken), str_cmp) !=
               NULL;
}

static int remember_broken(loader *ld, const char *id)
{
    if (ld->problems == NULL) {
        return 0;
    }
    if (id == NULL) {
        ld->incomplete = 1;
        return 0;
    }
    if (ld->nbroken == ld->abroken) {
        size_t alloc = ld->abroken < 16 ? 16 : ld->abroken * 2;
        const char **list = realloc(ld->broken, alloc * sizeof(*list));

        if (list == NULL) {
            return no_memory(ld, NULL);
        }
        ld->broken = list;
        ld->abroken = alloc;
    }
    ld->broken[ld->nbroken++] = id;
    return 0;
}

static void
source_name(char *out, size_t size, const loader *ld, const char *path)
{
    if (ld->reader->source != NULL) {
        ld->reader->source(out, size, path, ld->reader->payload);
    } else {
        lcmp__strlcpy_left(out, size, path);
    }
}

/*
 * Read and parse `path`. A missing file is reported at `at` in the manifest
 * when `at` is not NULL; other failures are the reader's or the parser's
 * errors. The document is kept in the baseline's docs once they exist (the
 * manifest, read first, says how many there will be).
 */
static int read_doc(json_t **out,
                    loader *ld,
                    const char *path,
                    const char *what,
                    const char *at)
{
    lcmp_baseline *b = &ld->bi->pub;
    lcmp_buf buf = LCMP_BUF_INIT;
    char src[256];
    int rc;

    *out = NULL;
    source_name(src, sizeof(src), ld, path);
    lcmp_error_clear(&ld->err);
    rc = ld->reader->read(
        &buf, path, ld->lim.max_size, ld->reader->payload, &ld->err);
    if (rc < 0) {
        if (rc == LCMP_ENOTFOUND && at != NULL) {
            char msrc[256];

            source_name(msrc, sizeof(msrc), ld, "baseline.json");
            rc = lcmp__error_set(&ld->err,
                                 LCMP_ENOTFOUND,
                                 msrc,
                                 at,
                                 "%s file '%s' not found",
                                 what,
                                 path);
        } else if (ld->err.code == 0) {
            rc = lcmp__error_set(
                &ld->err, rc, src, NULL, "cannot read %s", path);
        }
        goto done;
    }
    rc = lcmp__json_parse(
        out, (const uint8_t *)buf.ptr, buf.size, src, &ld->lim, &ld->err);
    if (rc < 0) {
        goto done;
    }
    if (b->docs != NULL) {
        b->docs[b->ndocs++] = *out;
    }
done:
    lcmp_buf_dispose(&buf);
    return rc;
}

/* The document is an object with exactly this schema. */
static int expect_schema(const json_t *doc, const char *schema, lcmp__jpath *p)
{
    const char *s = NULL;
    int rc;

    if (!json_is_object(doc)) {
        return lcmp__jpath_error(p,
                                 LCMP_EPARSE,
                                 "expected an object, got %s",
                                 lcmp__json_type_name(doc));
    }
    rc = lcmp__json_get_string(&s, doc, "schema", 1, p);
    if (rc < 0) {
        return rc;
    }
    if (strcmp(s, schema) != 0) {
        return lcmp__jpath_error_at(p,
                                    "schema",
                                    LCMP_EPARSE,
                                    "unsupported schema '%s', expected '%s'",
                                    s,
                                    schema);
    }
    return 0;
}

/* lcmp__json_get_strings() into the arena; `min` is the least length. */
static int get_strings(loader *ld,
                       const char ***out,
                       size_t *count,
                       const json_t *obj,
                       const char *key,
                       int required,
                       int ids,
                       size_t min,
                       lcmp__jpath *p)
{
    const char **list = NULL;
    size_t n = 0;
    int rc;

    rc = lcmp__json_get_strings(&list, &n, obj, key, required, ids, p);
    if (rc < 0 || list == NULL) {
        goto done;
    }
    if (n < min) {
        rc = lcmp__jpath_error_at(p,
                                  key,
                                  LCMP_EPARSE,
                                  "expected at least %zu %s",
                                  min,
                                  min == 1 ? "entry" : "entries");
        goto done;
    }
    *out = arena_array(ld->bi, n, sizeof(*list));
    if (*out == NULL) {
        rc = no_memory(ld, p);
        goto done;
    }
    if (n > 0) {
        memcpy(*out, list, n * sizeof(*list));
    }
    *count = n;
done:
    free(list);
    return rc;
}

/* Print a number as the JSON it came from would show it. */
static void format_number(char out[32], double x)
{
    if (x > -1e15 && x < 1e15 && x == (double)(int64_t)x) {
        snprintf(out, 32, "%" PRId64, (int64_t)x);
    } else {
        snprintf(out, 32, "%g", x);
    }
}

static double numeric(const lcmp__value *v)
{
    return v->type == LCMP__T_INTEGER ? (double)v->u.i : v->u.num;
}

/* Read the JSON value at p's pointer as a value of type `t`. */
static int
read_value(lcmp__value *out, lcmp__type t, const json_t *v, lcmp__jpath *p)
{
    const char *want = NULL;

    out->type = t;
    switch (t) {
    case LCMP__T_INTEGER:
        if (!json_is_integer(v)) {
            want = "an integer";
            break;
        }
        out->u.i = (int64_t)json_integer_value(v);
        return 0;
    case LCMP__T_PERCENT:
        if (!json_is_number(v)) {
            want = "a number";
            break;
        }
        out->u.num = json_number_value(v);
        if (!(out->u.num >= 0 && out->u.num <= 100)) {
            char num[32];

            format_number(num, out->u.num);
            return lcmp__jpath_error(
                p, LCMP_EINVALID, "percent %s is not between 0 and 100", num);
        }
        return 0;
    case LCMP__T_BOOLEAN:
        if (!json_is_boolean(v)) {
            want = "a boolean";
            break;
        }
        out->u.b = json_is_true(v);
        return 0;
    case LCMP__T_DATE:
        if (!json_is_string(v)) {
            want = "a date";
            break;
        }
        if (lcmp__date_parse(&out->u.date, json_string_value(v)) < 0) {
            return lcmp__jpath_error(p,
                                     LCMP_EPARSE,
                                     "invalid date '%s': expected YYYY-MM-DD",
                                     json_string_value(v));
        }
        return 0;
    case LCMP__T_ENUM:
    case LCMP__T_STRING:
        if (!json_is_string(v)) {
            want = "a string";
            break;
        }
        out->u.s = json_string_value(v);
        return 0;
    }
    return lcmp__jpath_error(p,
                             LCMP_EPARSE,
                             "expected %s, got %s",
                             want != NULL ? want : "a value",
                             lcmp__json_type_name(v));
}

/* What a parameter or fact allows beyond its type. */
typedef struct domain {
    int has_min, has_max;
    double min, max;
    const char **values;
    size_t nvalues;
} domain;

/* `v` (at p's pointer) lies within the domain. */
static int check_value(const lcmp__value *v, const domain *d, lcmp__jpath *p)
{
    char num[32], bound[32];

    if (v->type == LCMP__T_INTEGER || v->type == LCMP__T_PERCENT) {
        double x = numeric(v);

        if (d->has_min && x < d->min) {
            format_number(num, x);
            format_number(bound, d->min);
            return lcmp__jpath_error(
                p, LCMP_EINVALID, "%s is below the minimum %s", num, bound);
        }
        if (d->has_max && x > d->max) {
            format_number(num, x);
            format_number(bound, d->max);
            return lcmp__jpath_error(
                p, LCMP_EINVALID, "%s is above the maximum %s", num, bound);
        }
    }
    if (v->type == LCMP__T_ENUM && !in_list(v->u.s, d->values, d->nvalues)) {
        return lcmp__jpath_error(
            p, LCMP_EINVALID, "'%s' is not one of the allowed values", v->u.s);
    }
    return 0;
}

/* Member `key` of `obj`, read as type `t` and checked against `d`. */
static int get_value(lcmp__value *out,
                     int *present,
                     lcmp__type t,
                     const domain *d,
                     const json_t *obj,
                     const char *key,
                     lcmp__jpath *p)
{
    const json_t *v = json_object_get(obj, key);
    size_t old;
    int rc;

    *present = v != NULL;
    if (v == NULL) {
        return 0;
    }
    old = lcmp__jpath_push(p, key);
    rc = read_value(out, t, v, p);
    if (rc == 0 && d != NULL) {
        rc = check_value(out, d, p);
    }
    lcmp__jpath_pop(p, old);
    return rc;
}

static int get_type(lcmp__type *out, const json_t *obj, lcmp__jpath *p)
{
    const char *name = NULL;
    int rc, t;

    rc = lcmp__json_get_string(&name, obj, "type", 1, p);
    if (rc < 0) {
        return rc;
    }
    t = lcmp__type_from_name(name);
    if (t < 0) {
        return lcmp__jpath_error_at(
            p, "type", LCMP_EPARSE, "unknown type '%s'", name);
    }
    *out = (lcmp__type)t;
    return 0;
}

/*
 * The members of a parameter or fact that depend on its type: `min` and
 * `max` (integer and percent), `values` (enum, where it is required).
 */
static int load_domain(domain *d,
                       loader *ld,
                       lcmp__type t,
                       const json_t *v,
                       lcmp__jpath *p)
{
    static const char *const bounds[] = {"min", "max"};
    int numeric_type = t == LCMP__T_INTEGER || t == LCMP__T_PERCENT;
    lcmp__value lo, hi;
    size_t i;
    int rc;

    memset(d, 0, sizeof(*d));
    for (i = 0; i < 2; i++) {
        if (!numeric_type && json_object_get(v, bounds[i]) != NULL) {
            return lcmp__jpath_error_at(
                p,
                bounds[i],
                LCMP_EPARSE,
                "'%s' is only allowed for integer and percent",
                bounds[i]);
        }
    }
    if (t != LCMP__T_ENUM && json_object_get(v, "values") != NULL) {
        return lcmp__jpath_error_at(
            p, "values", LCMP_EPARSE, "'values' is only allowed for enum");
    }
    if (numeric_type) {
        rc = get_value(&lo, &d->has_min, t, NULL, v, "min", p);
        if (rc < 0) {
            return rc;
        }
        rc = get_value(&hi, &d->has_max, t, NULL, v, "max", p);
        if (rc < 0) {
            return rc;
        }
        d->min = d->has_min ? numeric(&lo) : 0;
        d->max = d->has_max ? numeric(&hi) : 0;
        if (d->has_min && d->has_max && d->max < d->min) {
            char a[32], b[32];

            format_number(a, d->max);
            format_number(b, d->min);
            return lcmp__jpath_error_at(p,
                                        "max",
                                        LCMP_EINVALID,
                                        "maximum %s is below the minimum %s",
                                        a,
                                        b);
        }
    }
    if (t == LCMP__T_ENUM) {
        return get_strings(
            ld, &d->values, &d->nvalues, v, "values", 1, 0, 1, p);
    }
    return 0;
}

/* p is at the parameter. */
static int load_param(lcmp__param *pm,
                      loader *ld,
                      const char *name,
                      const json_t *v,
                      lcmp__jpath *p)
{
    static const char *const allowed[] = {
        "type", "default", "min", "max", "values", "unit", "description", NULL};
    domain d;
    int rc, present = 0;

    pm->name = name;
    if (!lcmp__is_identifier(name)) {
        return lcmp__jpath_error(
            p, LCMP_EPARSE, "invalid parameter name '%s'", name);
    }
    rc = lcmp__json_expect_object(v, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = get_type(&pm->type, v, p);
    if (rc < 0) {
        return rc;
    }
    if (pm->type == LCMP__T_DATE) {
        return lcmp__jpath_error_at(
            p, "type", LCMP_EPARSE, "a parameter cannot be of type 'date'");
    }
    rc = load_domain(&d, ld, pm->type, v, p);
    if (rc < 0) {
        return rc;
    }
    pm->has_min = d.has_min;
    pm->has_max = d.has_max;
    pm->min = d.min;
    pm->max = d.max;
    pm->values = d.values;
    pm->nvalues = d.nvalues;
    rc = lcmp__json_get_string(&pm->unit, v, "unit", 0, p);
    if (rc < 0) {
        return rc;
    }
    if (pm->unit != NULL && strcmp(pm->unit, "days") != 0 &&
        strcmp(pm->unit, "months") != 0)
    {
        return lcmp__jpath_error_at(p,
                                    "unit",
                                    LCMP_EPARSE,
                                    "unknown unit '%s', expected 'days' or "
                                    "'months'",
                                    pm->unit);
    }
    rc = lcmp__json_get_string(&pm->description, v, "description", 0, p);
    if (rc < 0) {
        return rc;
    }
    rc = get_value(&pm->def, &present, pm->type, &d, v, "default", p);
    if (rc == 0 && !present) {
        rc = lcmp__jpath_error(p, LCMP_EPARSE, "missing member 'default'");
    }
    return rc;
}

/* p is at the fact. */
static int load_fact(lcmp__fact *f,
                     loader *ld,
                     const char *name,
                     const json_t *v,
                     lcmp__jpath *p)
{
    static const char *const allowed[] = {
        "type", "description", "values", "min", "max", NULL};
    domain d;
    int rc;

    f->name = name;
    if (!lcmp__is_identifier(name)) {
        return lcmp__jpath_error(
            p, LCMP_EPARSE, "invalid fact name '%s'", name);
    }
    rc = lcmp__json_expect_object(v, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = get_type(&f->type, v, p);
    if (rc < 0) {
        return rc;
    }
    rc = load_domain(&d, ld, f->type, v, p);
    if (rc < 0) {
        return rc;
    }
    f->has_min = d.has_min;
    f->has_max = d.has_max;
    f->min = d.min;
    f->max = d.max;
    f->values = d.values;
    f->nvalues = d.nvalues;
    return lcmp__json_get_string(&f->description, v, "description", 0, p);
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

static int is_numeric(lcmp__type t)
{
    return t == LCMP__T_INTEGER || t == LCMP__T_PERCENT;
}

/* Whether operator `op` applies to a fact of type `t`. */
static int op_applies(lcmp__op op, lcmp__type t)
{
    switch (op) {
    case LCMP__OP_EQ:
    case LCMP__OP_NE:
        return t != LCMP__T_DATE;
    case LCMP__OP_LT:
    case LCMP__OP_LE:
    case LCMP__OP_GT:
    case LCMP__OP_GE:
        return is_numeric(t);
    case LCMP__OP_IN:
        return t == LCMP__T_ENUM || t == LCMP__T_STRING;
    case LCMP__OP_MAX_AGE:
        return t == LCMP__T_DATE;
    }
    return 0;
}

/* The members a rule may have besides fact and op, per operator. */
static int rule_members(const json_t *v, lcmp__op op, lcmp__jpath *p)
{
    const char *key;
    json_t *m;

    json_object_foreach ((json_t *)v, key, m) {
        int ok = 1;

        if (strcmp(key, "values") == 0) {
            ok = op == LCMP__OP_IN;
        } else if (strcmp(key, "unit") == 0) {
            ok = op == LCMP__OP_MAX_AGE;
        } else if (strcmp(key, "value") == 0 || strcmp(key, "param") == 0) {
            ok = op != LCMP__OP_IN;
        }
        if (!ok) {
            return lcmp__jpath_error_at(p,
                                        key,
                                        LCMP_EPARSE,
                                        "'%s' is not allowed with operator "
                                        "'%s'",
                                        key,
                                        op_names[op]);
        }
    }
    return 0;
}

/* The operand of a rule other than `in`: `value` or `param`. */
static int load_operand(lcmp__rule *r,
                        const lcmp__control *c,
                        const json_t *v,
                        lcmp__jpath *p)
{
    const lcmp__fact *f = &c->facts[r->fact];
    const json_t *value = json_object_get(v, "value");
    const char *param = NULL;
    int rc;

    rc = lcmp__json_get_string(&param, v, "param", 0, p);
    if (rc < 0) {
        return rc;
    }
    if (value != NULL && param != NULL) {
        return lcmp__jpath_error(
            p, LCMP_EPARSE, "a rule takes 'value' or 'param', not both");
    }
    if (value == NULL && param == NULL) {
        return lcmp__jpath_error(p,
                                 LCMP_EPARSE,
                                 "a rule with operator '%s' needs 'value' or "
                                 "'param'",
                                 op_names[r->op]);
    }
    if (param != NULL) {
        const lcmp__param *pm;
        int fits;

        r->param = find_param(c, param);
        if (r->param == SIZE_MAX) {
            return lcmp__jpath_error_at(p,
                                        "param",
                                        LCMP_EINVALID,
                                        "unknown parameter '%s' in rule",
                                        param);
        }
        r->has_param = 1;
        pm = &c->params[r->param];
        if (r->op == LCMP__OP_MAX_AGE) {
            fits = pm->type == LCMP__T_INTEGER;
        } else {
            fits = pm->type == f->type ||
                   (is_numeric(pm->type) && is_numeric(f->type));
        }
        if (!fits) {
            return lcmp__jpath_error_at(
                p,
                "param",
                LCMP_EINVALID,
                "parameter '%s' is %s, which does not fit %s fact '%s'",
                param,
                lcmp__type_name(pm->type),
                lcmp__type_name(f->type),
                f->name);
        }
        if (r->op == LCMP__OP_MAX_AGE && pm->unit != NULL &&
            strcmp(pm->unit, r->unit == LCMP__UNIT_DAYS ? "days" : "months") !=
                0)
        {
            return lcmp__jpath_error_at(
                p,
                "unit",
                LCMP_EINVALID,
                "rule unit differs from unit '%s' of parameter '%s'",
                pm->unit,
                param);
        }
        return 0;
    }
    if (r->op == LCMP__OP_MAX_AGE) {
        int present;

        rc = get_value(
            &r->value, &present, LCMP__T_INTEGER, NULL, v, "value", p);
        if (rc == 0 && r->value.u.i <= 0) {
            rc = lcmp__jpath_error_at(p,
                                      "value",
                                      LCMP_EINVALID,
                                      "expected a positive number of %s, "
                                      "got %" PRId64,
                                      r->unit == LCMP__UNIT_DAYS ? "days"
                                                                 : "months",
                                      r->value.u.i);
        }
        return rc;
    }
    {
        domain d = {0, 0, 0, 0, f->values, f->nvalues};
        int present;

        return get_value(&r->value, &present, f->type, &d, v, "value", p);
    }
}

/* p is at the rule. */
static int load_rule(lcmp__rule *r,
                     loader *ld,
                     const lcmp__control *c,
                     const json_t *v,
                     lcmp__jpath *p)
{
    static const char *const allowed[] = {
        "fact", "op", "value", "param", "values", "unit", NULL};
    const char *fact = NULL, *op = NULL, *unit = NULL;
    const lcmp__fact *f;
    size_t i, old;
    int rc;

    rc = lcmp__json_expect_object(v, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_string(&fact, v, "fact", 1, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_string(&op, v, "op", 1, p);
    if (rc < 0) {
        return rc;
    }
    r->fact = find_fact(c, fact);
    if (r->fact == SIZE_MAX) {
        return lcmp__jpath_error_at(
            p, "fact", LCMP_EINVALID, "unknown fact '%s' in rule", fact);
    }
    f = &c->facts[r->fact];
    for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++) {
        if (strcmp(op, op_names[i]) == 0) {
            break;
        }
    }
    if (i == sizeof(op_names) / sizeof(op_names[0])) {
        return lcmp__jpath_error_at(
            p, "op", LCMP_EPARSE, "unknown operator '%s'", op);
    }
    r->op = (lcmp__op)i;
    if (!op_applies(r->op, f->type)) {
        return lcmp__jpath_error_at(p,
                                    "op",
                                    LCMP_EINVALID,
                                    "operator '%s' does not apply to %s fact "
                                    "'%s'",
                                    op,
                                    lcmp__type_name(f->type),
                                    fact);
    }
    rc = rule_members(v, r->op, p);
    if (rc < 0) {
        return rc;
    }
    if (r->op == LCMP__OP_MAX_AGE) {
        rc = lcmp__json_get_string(&unit, v, "unit", 1, p);
        if (rc < 0) {
            return rc;
        }
        if (strcmp(unit, "days") == 0) {
            r->unit = LCMP__UNIT_DAYS;
        } else if (strcmp(unit, "months") == 0) {
            r->unit = LCMP__UNIT_MONTHS;
        } else {
            return lcmp__jpath_error_at(p,
                                        "unit",
                                        LCMP_EPARSE,
                                        "unknown unit '%s', expected 'days' "
                                        "or 'months'",
                                        unit);
        }
    }
    if (r->op != LCMP__OP_IN) {
        return load_operand(r, c, v, p);
    }
    rc = get_strings(ld, &r->values, &r->nvalues, v, "values", 1, 0, 1, p);
    if (rc < 0 || f->type != LCMP__T_ENUM) {
        return rc;
    }
    for (i = 0; i < r->nvalues; i++) {
        if (!in_list(r->values[i], f->values, f->nvalues)) {
            old = lcmp__jpath_push(p, "values");
            lcmp__jpath_push_index(p, i);
            rc = lcmp__jpath_error(p,
                                   LCMP_EINVALID,
                                   "'%s' is not a value of fact '%s'",
                                   r->values[i],
                                   fact);
            lcmp__jpath_pop(p, old);
            return rc;
        }
    }
    return 0;
}

/* p is at the control's "evidence". */
static int load_evidence(lcmp__control *c, const json_t *v, lcmp__jpath *p)
{
    static const char *const allowed[] = {"min", "sha256", NULL};
    int rc;

    rc = lcmp__json_expect_object(v, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_int(&c->evidence_min, v, "min", 0, p);
    if (rc < 0) {
        return rc;
    }
    if (c->evidence_min < 0) {
        return lcmp__jpath_error_at(p,
                                    "min",
                                    LCMP_EINVALID,
                                    "expected a number >= 0, got %" PRId64,
                                    c->evidence_min);
    }
    return lcmp__json_get_bool(&c->evidence_sha256, v, "sha256", 0, p);
}

/* p is at the control's "mappings". */
static int
load_mappings(lcmp__control *c, loader *ld, const json_t *v, lcmp__jpath *p)
{
    const char *key;
    json_t *ids;
    size_t n = 0;
    int rc;

    c->mappings =
        arena_array(ld->bi, json_object_size(v), sizeof(*c->mappings));
    if (c->mappings == NULL) {
        return no_memory(ld, p);
    }
    json_object_foreach ((json_t *)v, key, ids) {
        lcmp__mapping *m = &c->mappings[n++];

        if (!lcmp__is_identifier(key)) {
            return lcmp__jpath_error_at(
                p, key, LCMP_EPARSE, "invalid framework name '%s'", key);
        }
        m->framework = key;
        rc = get_strings(ld, &m->ids, &m->nids, v, key, 1, 0, 1, p);
        if (rc < 0) {
            return rc;
        }
        c->nmappings = n;
    }
    return 0;
}

static int
load_params(lcmp__control *c, loader *ld, const json_t *v, lcmp__jpath *p)
{
    json_t *obj = NULL, *def;
    const char *name;
    size_t old, pold;
    int rc;

    rc = lcmp__json_get_object(&obj, v, "params", 0, p);
    if (rc < 0 || obj == NULL) {
        return rc;
    }
    c->params = arena_array(ld->bi, json_object_size(obj), sizeof(*c->params));
    if (c->params == NULL) {
        return no_memory(ld, p);
    }
    old = lcmp__jpath_push(p, "params");
    json_object_foreach (obj, name, def) {
        pold = lcmp__jpath_push(p, name);
        rc = load_param(&c->params[c->nparams++], ld, name, def, p);
        lcmp__jpath_pop(p, pold);
        if (rc < 0) {
            break;
        }
    }
    lcmp__jpath_pop(p, old);
    return rc;
}

static int
load_facts(lcmp__control *c, loader *ld, const json_t *v, lcmp__jpath *p)
{
    json_t *obj = NULL, *def;
    const char *name;
    size_t old, pold;
    int rc;

    rc = lcmp__json_get_object(&obj, v, "facts", 0, p);
    if (rc < 0 || obj == NULL) {
        return rc;
    }
    c->facts = arena_array(ld->bi, json_object_size(obj), sizeof(*c->facts));
    if (c->facts == NULL) {
        return no_memory(ld, p);
    }
    old = lcmp__jpath_push(p, "facts");
    json_object_foreach (obj, name, def) {
        pold = lcmp__jpath_push(p, name);
        rc = load_fact(&c->facts[c->nfacts++], ld, name, def, p);
        lcmp__jpath_pop(p, pold);
        if (rc < 0) {
            break;
        }
    }
    lcmp__jpath_pop(p, old);
    return rc;
}

/* p is at the control. */
static int load_control(lcmp__control *c,
                        loader *ld,
                        size_t family,
                        const json_t *v,
                        lcmp__jpath *p)
{
    static const char *const allowed[] = {"id",
                                          "title",
                                          "description",
                                          "params",
                                          "facts",
                                          "rules",
                                          "not_applicable",
                                          "evidence",
                                          "mappings",
                                          NULL};
    json_t *rules = NULL, *obj = NULL;
    size_t i, old;
    int rc;

    c->family = family;
    if (json_is_object(v)) {
        /* the id first, so that a later problem still names the control */
        rc = lcmp__json_get_id(&c->id, v, "id", 1, p);
        if (rc < 0) {
            return rc;
        }
    }
    rc = lcmp__json_expect_object(v, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_string(&c->title, v, "title", 1, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_string(&c->description, v, "description", 1, p);
    if (rc < 0) {
        return rc;
    }
    rc = load_params(c, ld, v, p);
    if (rc < 0) {
        return rc;
    }
    rc = load_facts(c, ld, v, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_array(&rules, v, "rules", 0, p);
    if (rc < 0) {
        return rc;
    }
    if (rules != NULL) {
        c->rules =
            arena_array(ld->bi, json_array_size(rules), sizeof(*c->rules));
        if (c->rules == NULL) {
            return no_memory(ld, p);
        }
        old = lcmp__jpath_push(p, "rules");
        for (i = 0; i < json_array_size(rules) && rc == 0; i++) {
            size_t rold = lcmp__jpath_push_index(p, i);

            rc = load_rule(&c->rules[i], ld, c, json_array_get(rules, i), p);
            c->nrules = i + 1;
            lcmp__jpath_pop(p, rold);
        }
        lcmp__jpath_pop(p, old);
        if (rc < 0) {
            return rc;
        }
    }
    rc = lcmp__json_get_bool(&c->allow_na, v, "not_applicable", 0, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_object(&obj, v, "evidence", 0, p);
    if (rc == 0 && obj != NULL) {
        old = lcmp__jpath_push(p, "evidence");
        rc = load_evidence(c, obj, p);
        lcmp__jpath_pop(p, old);
    }
    if (rc < 0) {
        return rc;
    }
    obj = NULL;
    rc = lcmp__json_get_object(&obj, v, "mappings", 0, p);
    if (rc == 0 && obj != NULL) {
        old = lcmp__jpath_push(p, "mappings");
        rc = load_mappings(c, ld, obj, p);
        lcmp__jpath_pop(p, old);
    }
    return rc;
}

/*
 * The manifest's frame: what the rest of the tree depends on (schema,
 * members, families, profiles). A problem here stops validation.
 */
static int manifest_frame(loader *ld, const json_t *doc, lcmp__jpath *p)
{
    static const char *const allowed[] = {"schema",
                                          "id",
                                          "title",
                                          "publisher",
                                          "description",
                                          "families",
                                          "profiles",
                                          "headline",
                                          NULL};
    static const char *const family_allowed[] = {"id", "title", NULL};
    lcmp_baseline *b = &ld->bi->pub;
    const char **profiles = NULL;
    json_t *families = NULL;
    keyed *keys = NULL;
    size_t i, n, ndups = 0, *dups = NULL;
    int rc;

    rc = expect_schema(doc, SCHEMA_BASELINE, p);
    if (rc < 0) {
        goto done;
    }
    rc = lcmp__json_expect_object(doc, allowed, p);
    if (rc < 0) {
        goto done;
    }
    rc = lcmp__json_get_array(&families, doc, "families", 1, p);
    if (rc < 0) {
        goto done;
    }
    n = json_array_size(families);
    if (n == 0) {
        rc = lcmp__jpath_error_at(
            p, "families", LCMP_EPARSE, "expected at least 1 family");
        goto done;
    }
    b->families = arena_array(ld->bi, n, sizeof(*b->families));
    ld->families_by_id = arena_array(ld->bi, n, sizeof(size_t));
    keys = malloc(n * sizeof(*keys));
    dups = malloc(n * sizeof(*dups));
    if (b->families == NULL || ld->families_by_id == NULL || keys == NULL ||
        dups == NULL)
    {
        rc = no_memory(ld, p);
        goto done;
    }
    for (i = 0; i < n; i++) {
        const json_t *f = json_array_get(families, i);
        size_t old = lcmp__jpath_push(p, "families");

        lcmp__jpath_push_index(p, i);
        rc = lcmp__json_expect_object(f, family_allowed, p);
        if (rc == 0) {
            rc = lcmp__json_get_id(&b->families[i].id, f, "id", 1, p);
        }
        if (rc == 0) {
            rc = lcmp__json_get_string(&b->families[i].title, f, "title", 1, p);
        }
        lcmp__jpath_pop(p, old);
        if (rc < 0) {
            goto done;
        }
        keys[i].s = b->families[i].id;
        keys[i].i = i;
    }
    b->nfamilies = n;
    sort_keys(ld->families_by_id, keys, n, dups, &ndups);
    if (ndups > 0) {
        char where[64];

        snprintf(where, sizeof(where), "/families/%zu/id", dups[0]);
        rc = lcmp__error_set(&ld->err,
                             LCMP_EINVALID,
                             p->source,
                             where,
                             "duplicate family '%s'",
                             b->families[dups[0]].id);
        goto done;
    }
    rc = get_strings(ld, &profiles, &n, doc, "profiles", 1, 1, 1, p);
    if (rc < 0) {
        goto done;
    }
    free(keys);
    keys = malloc(n * sizeof(*keys));
    b->profiles = arena_array(ld->bi, n, sizeof(*b->profiles));
    ld->bi->profiles_by_id = arena_array(ld->bi, n, sizeof(size_t));
    if (keys == NULL || b->profiles == NULL || ld->bi->profiles_by_id == NULL) {
        rc = no_memory(ld, p);
        goto done;
    }
    for (i = 0; i < n; i++) {
        b->profiles[i].id = profiles[i];
        keys[i].s = profiles[i];
        keys[i].i = i;
    }
    b->nprofiles = n;
    sort_keys(ld->bi->profiles_by_id, keys, n, NULL, NULL);
done:
    free(keys);
    free(dups);
    return rc;
}

/* The rest of the manifest; validation goes on after a problem here. */
static int manifest_rest(loader *ld, const json_t *doc, lcmp__jpath *p)
{
    lcmp_baseline *b = &ld->bi->pub;
    int rc;

    rc = lcmp__json_get_id(&b->id, doc, "id", 1, p);
    if (rc == 0) {
        rc = lcmp__json_get_string(&b->title, doc, "title", 1, p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_string(&b->publisher, doc, "publisher", 1, p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_string(&b->description, doc, "description", 0, p);
    }
    if (rc == 0) {
        rc = get_strings(
            ld, &b->headline, &b->nheadline, doc, "headline", 0, 1, 0, p);
    }
    return rc;
}

static int load_manifest(loader *ld)
{
    lcmp_baseline *b = &ld->bi->pub;
    json_t *doc = NULL;
    lcmp__jpath p;
    char src[256];
    int rc;

    rc = read_doc(&doc, ld, "baseline.json", NULL, NULL);
    if (rc < 0) {
        return problem_stop(ld, rc);
    }
    source_name(src, sizeof(src), ld, "baseline.json");
    lcmp__jpath_init(&p, src, &ld->err);
    rc = manifest_frame(ld, doc, &p);
    if (rc == 0) {
        b->docs = arena_array(
            ld->bi, 1 + b->nfamilies + b->nprofiles, sizeof(*b->docs));
        if (b->docs == NULL) {
            rc = no_memory(ld, NULL);
        }
    }
    if (rc < 0) {
        json_decref(doc);
        return problem_stop(ld, rc);
    }
    b->docs[b->ndocs++] = doc;
    rc = manifest_rest(ld, doc, &p);
    if (rc < 0) {
        ld->manifest_bad = 1;
        return problem(ld, rc);
    }
    return 0;
}

/* The frame of a controls file: schema, members, family, controls. */
static int controls_frame(json_t **controls,
                          const json_t *doc,
                          const char *family,
                          lcmp__jpath *p)
{
    static const char *const allowed[] = {"schema", "family", "controls", NULL};
    const char *name = NULL;
    int rc;

    rc = expect_schema(doc, SCHEMA_CONTROLS, p);
    if (rc == 0) {
        rc = lcmp__json_expect_object(doc, allowed, p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_id(&name, doc, "family", 1, p);
    }
    if (rc == 0 && strcmp(name, family) != 0) {
        rc = lcmp__jpath_error_at(p,
                                  "family",
                                  LCMP_EINVALID,
                                  "family '%s' does not match file name "
                                  "'%s.json'",
                                  name,
                                  family);
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(controls, doc, "controls", 1, p);
    }
    return rc;
}

/* Read every controls file; then place all controls in one array. */
static int load_controls(loader *ld)
{
    lcmp_baseline *b = &ld->bi->pub;
    json_t **arrays = NULL;
    size_t f, i, total = 0;
    lcmp__jpath p;
    char path[128], src[256], at[64];
    int rc = 0;

    arrays = calloc(b->nfamilies, sizeof(*arrays));
    if (arrays == NULL) {
        rc = no_memory(ld, NULL);
        goto done;
    }
    for (f = 0; f < b->nfamilies; f++) {
        json_t *doc = NULL;

        snprintf(path, sizeof(path), "controls/%s.json", b->families[f].id);
        snprintf(at, sizeof(at), "/families/%zu/id", f);
        source_name(src, sizeof(src), ld, path);
        lcmp__jpath_init(&p, src, &ld->err);
        rc = read_doc(&doc, ld, path, "controls", at);
        if (rc == 0) {
            rc = controls_frame(&arrays[f], doc, b->families[f].id, &p);
        }
        if (rc < 0) {
            arrays[f] = NULL;
            ld->incomplete = 1;
            rc = problem(ld, rc);
            if (rc < 0) {
                goto done;
            }
            continue;
        }
        total += json_array_size(arrays[f]);
    }
    b->controls = arena_array(ld->bi, total, sizeof(*b->controls));
    ld->pos = malloc((total > 0 ? total : 1) * sizeof(*ld->pos));
    if (b->controls == NULL || ld->pos == NULL) {
        rc = no_memory(ld, NULL);
        goto done;
    }
    for (f = 0; f < b->nfamilies; f++) {
        size_t n = json_array_size(arrays[f]);

        b->families[f].first = b->ncontrols;
        snprintf(path, sizeof(path), "controls/%s.json", b->families[f].id);
        source_name(src, sizeof(src), ld, path);
        lcmp__jpath_init(&p, src, &ld->err);
        lcmp__jpath_push(&p, "controls");
        for (i = 0; i < n; i++) {
            lcmp__control *c = &b->controls[b->ncontrols];
            size_t old = lcmp__jpath_push_index(&p, i);

            rc = load_control(c, ld, f, json_array_get(arrays[f], i), &p);
            lcmp__jpath_pop(&p, old);
            if (rc < 0) {
                rc = problem(ld, rc);
                if (rc == 0) {
                    rc = remember_broken(ld, c->id);
                }
                memset(c, 0, sizeof(*c));
                if (rc < 0) {
                    goto done;
                }
                continue;
            }
            ld->pos[b->ncontrols++] = i;
        }
        b->families[f].count = b->ncontrols - b->families[f].first;
    }
    if (ld->nbroken > 1) {
        qsort(ld->broken, ld->nbroken, sizeof(*ld->broken), str_cmp);
    }
done:
    free(arrays);
    return rc;
}

/* The id index, and a problem for each second use of an id. */
static int index_controls(loader *ld)
{
    lcmp_baseline *b = &ld->bi->pub;
    keyed *keys = NULL;
    size_t i, n = b->ncontrols, ndups = 0, *dups = NULL;
    int rc = 0;

    b->by_id = arena_array(ld->bi, n, sizeof(*b->by_id));
    keys = malloc((n > 0 ? n : 1) * sizeof(*keys));
    dups = malloc((n > 0 ? n : 1) * sizeof(*dups));
    if (b->by_id == NULL || keys == NULL || dups == NULL) {
        rc = no_memory(ld, NULL);
        goto done;
    }
    for (i = 0; i < n; i++) {
        keys[i].s = b->controls[i].id;
        keys[i].i = i;
    }
    sort_keys(b->by_id, keys, n, dups, &ndups);
    for (i = 0; i < ndups; i++) {
        const lcmp__control *c = &b->controls[dups[i]];
        char path[128], src[256], where[64];

        snprintf(
            path, sizeof(path), "controls/%s.json", b->families[c->family].id);
        source_name(src, sizeof(src), ld, path);
        snprintf(where, sizeof(where), "/controls/%zu/id", ld->pos[dups[i]]);
        rc = problem(ld,
                     lcmp__error_set(&ld->err,
                                     LCMP_EINVALID,
                                     src,
                                     where,
                                     "duplicate control id '%s'",
                                     c->id));
        if (rc < 0) {
            goto done;
        }
    }
done:
    free(keys);
    free(dups);
    return rc;
}

static int check_headline(loader *ld)
{
    const lcmp_baseline *b = &ld->bi->pub;
    char src[256], where[64];
    size_t i;

    for (i = 0; i < b->nheadline; i++) {
        if (lcmp__baseline_find(b, b->headline[i]) == SIZE_MAX &&
            !known_broken(ld, b->headline[i]))
        {
            source_name(src, sizeof(src), ld, "baseline.json");
            snprintf(where, sizeof(where), "/headline/%zu", i);
            return problem(ld,
                           lcmp__error_set(&ld->err,
                                           LCMP_EINVALID,
                                           src,
                                           where,
                                           "unknown control '%s'",
                                           b->headline[i]));
        }
    }
    return 0;
}

/*
 * Check a list of control ids (p at the list). In validation, ids of
 * controls left out for their own problem are dropped silently.
 */
static int
check_control_ids(loader *ld, const char **ids, size_t *n, lcmp__jpath *p)
{
    const lcmp_baseline *b = &ld->bi->pub;
    size_t i, kept = 0;

    for (i = 0; i < *n; i++) {
        if (lcmp__baseline_find(b, ids[i]) == SIZE_MAX) {
            size_t old;
            int rc;

            if (known_broken(ld, ids[i])) {
                continue;
            }
            old = lcmp__jpath_push_index(p, i);
            rc = lcmp__jpath_error(
                p, LCMP_EINVALID, "unknown control '%s'", ids[i]);
            lcmp__jpath_pop(p, old);
            return rc;
        }
        ids[kept++] = ids[i];
    }
    *n = kept;
    return 0;
}

/* include / exclude (p at the member). */
static int load_selection(lcmp__profile_def *pd,
                          loader *ld,
                          const json_t *v,
                          int include,
                          lcmp__jpath *p)
{
    static const char *const inc_allowed[] = {"ids", "families", NULL};
    static const char *const exc_allowed[] = {"ids", NULL};
    const char ***ids = include ? &pd->include_ids : &pd->exclude_ids;
    size_t *nids = include ? &pd->ninclude_ids : &pd->nexclude_ids;
    size_t i, old;
    int rc;

    rc = lcmp__json_expect_object(v, include ? inc_allowed : exc_allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = get_strings(ld, ids, nids, v, "ids", 0, 1, 0, p);
    if (rc < 0) {
        return rc;
    }
    old = lcmp__jpath_push(p, "ids");
    rc = check_control_ids(ld, *ids, nids, p);
    lcmp__jpath_pop(p, old);
    if (rc < 0 || !include) {
        return rc;
    }
    rc = get_strings(ld,
                     &pd->include_families,
                     &pd->ninclude_families,
                     v,
                     "families",
                     0,
                     1,
                     0,
                     p);
    if (rc < 0) {
        return rc;
    }
    for (i = 0; i < pd->ninclude_families; i++) {
        if (find_family(ld, pd->include_families[i]) == SIZE_MAX) {
            old = lcmp__jpath_push(p, "families");
            lcmp__jpath_push_index(p, i);
            rc = lcmp__jpath_error(p,
                                   LCMP_EINVALID,
                                   "unknown family '%s'",
                                   pd->include_families[i]);
            lcmp__jpath_pop(p, old);
            return rc;
        }
    }
    return 0;
}

/* One parameter value of a profile (p at it). */
static int load_param_value(lcmp__param_set *ps,
                            const lcmp__control *c,
                            const char *name,
                            const json_t *v,
                            lcmp__jpath *p)
{
    const lcmp__param *pm;
    domain d;
    int rc;

    ps->param = find_param(c, name);
    if (ps->param == SIZE_MAX) {
        return lcmp__jpath_error(p,
                                 LCMP_EINVALID,
                                 "unknown parameter '%s' of control '%s'",
                                 name,
                                 c->id);
    }
    pm = &c->params[ps->param];
    d.has_min = pm->has_min;
    d.has_max = pm->has_max;
    d.min = pm->min;
    d.max = pm->max;
    d.values = pm->values;
    d.nvalues = pm->nvalues;
    rc = read_value(&ps->value, pm->type, v, p);
    if (rc == 0) {
        rc = check_value(&ps->value, &d, p);
    }
    return rc;
}

/* "params": control id → parameter name → value (p at the member). */
static int load_profile_params(lcmp__profile_def *pd,
                               loader *ld,
                               const json_t *v,
                               lcmp__jpath *p)
{
    const lcmp_baseline *b = &ld->bi->pub;
    const char *id, *name;
    json_t *set, *value;
    size_t total = 0, old, pold;
    int rc = 0;

    json_object_foreach ((json_t *)v, id, set) {
        if (!json_is_object(set)) {
            return lcmp__jpath_error_at(p,
                                        id,
                                        LCMP_EPARSE,
                                        "expected an object, got %s",
                                        lcmp__json_type_name(set));
        }
        total += json_object_size(set);
    }
    pd->params = arena_array(ld->bi, total, sizeof(*pd->params));
    if (pd->params == NULL) {
        return no_memory(ld, p);
    }
    json_object_foreach ((json_t *)v, id, set) {
        size_t c = lcmp__baseline_find(b, id);

        if (c == SIZE_MAX) {
            if (known_broken(ld, id)) {
                continue;
            }
            return lcmp__jpath_error_at(
                p, id, LCMP_EINVALID, "unknown control '%s'", id);
        }
        old = lcmp__jpath_push(p, id);
        json_object_foreach (set, name, value) {
            lcmp__param_set *ps = &pd->params[pd->nparams];

            ps->control = c;
            pold = lcmp__jpath_push(p, name);
            rc = load_param_value(ps, &b->controls[c], name, value, p);
            lcmp__jpath_pop(p, pold);
            if (rc < 0) {
                break;
            }
            pd->nparams++;
        }
        lcmp__jpath_pop(p, old);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

/* Profile file `i` of the manifest (p at its root). */
static int load_profile(lcmp__profile_def *pd,
                        loader *ld,
                        const json_t *doc,
                        lcmp__jpath *p)
{
    static const char *const allowed[] = {"schema",
                                          "id",
                                          "title",
                                          "extends",
                                          "include",
                                          "exclude",
                                          "params",
                                          NULL};
    static const char *const parts[] = {"include", "exclude", "params"};
    const lcmp_baseline *b = &ld->bi->pub;
    const char *id = NULL;
    size_t i, old;
    int rc;

    rc = expect_schema(doc, SCHEMA_PROFILE, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_expect_object(doc, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_id(&id, doc, "id", 1, p);
    if (rc < 0) {
        return rc;
    }
    if (strcmp(id, pd->id) != 0) {
        return lcmp__jpath_error_at(p,
                                    "id",
                                    LCMP_EINVALID,
                                    "profile id '%s' does not match file "
                                    "name '%s.json'",
                                    id,
                                    pd->id);
    }
    rc = lcmp__json_get_string(&pd->title, doc, "title", 1, p);
    if (rc < 0) {
        return rc;
    }
    rc = get_strings(
        ld, &pd->extends, &pd->nextends, doc, "extends", 0, 1, 0, p);
    if (rc < 0) {
        return rc;
    }
    for (i = 0; i < pd->nextends; i++) {
        if (lcmp__baseline_find_profile(b, pd->extends[i]) == SIZE_MAX) {
            old = lcmp__jpath_push(p, "extends");
            lcmp__jpath_push_index(p, i);
            rc = lcmp__jpath_error(
                p, LCMP_EINVALID, "unknown profile '%s'", pd->extends[i]);
            lcmp__jpath_pop(p, old);
            return rc;
        }
    }
    for (i = 0; i < 3; i++) {
        json_t *v = NULL;

        rc = lcmp__json_get_object(&v, doc, parts[i], 0, p);
        if (rc < 0) {
            return rc;
        }
        if (v == NULL) {
            continue;
        }
        old = lcmp__jpath_push(p, parts[i]);
        if (i < 2) {
            rc = load_selection(pd, ld, v, i == 0, p);
        } else {
            rc = load_profile_params(pd, ld, v, p);
        }
        lcmp__jpath_pop(p, old);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

/*
 * Refuse cycles in the extends graph: an iterative depth-first search from
 * each profile in manifest order. A cycle is reported at the extends entry
 * of its first profile that leads into it, naming the profiles on the way.
 * Profiles with a problem of their own have no extends here (`bad`).
 */
static int check_cycles(loader *ld, unsigned char *bad)
{
    const lcmp_baseline *b = &ld->bi->pub;
    size_t np = b->nprofiles, s, depth, *stack = NULL, *next = NULL;
    unsigned char *state = NULL; /* 0 new, 1 on the stack, 2 done */
    int rc = 0;

    stack = malloc((np > 0 ? np : 1) * sizeof(*stack));
    next = calloc(np > 0 ? np : 1, sizeof(*next));
    state = calloc(np > 0 ? np : 1, 1);
    if (stack == NULL || next == NULL || state == NULL) {
        rc = no_memory(ld, NULL);
        goto done;
    }
    for (s = 0; s < np; s++) {
        if (state[s] != 0) {
            continue;
        }
        stack[0] = s;
        state[s] = 1;
        depth = 1;
        while (depth > 0) {
            size_t u = stack[depth - 1], v, k, at;
            const lcmp__profile_def *pd = &b->profiles[u];
            char msg[200], src[256], path[128], where[64];
            size_t len;

            if (bad[u] || next[u] >= pd->nextends) {
                state[u] = 2;
                depth--;
                continue;
            }
            v = lcmp__baseline_find_profile(b, pd->extends[next[u]++]);
            if (state[v] == 0) {
                state[v] = 1;
                stack[depth++] = v;
                continue;
            }
            if (state[v] == 2 || bad[v]) {
                continue;
            }
            /* v is on the stack: the cycle is v ... u, v */
            for (at = 0; stack[at] != v; at++) {
            }
            len = (size_t)snprintf(msg,
                                   sizeof(msg),
                                   "profile '%s' extends itself",
                                   b->profiles[v].id);
            for (k = at + 1; k < depth && len < sizeof(msg); k++) {
                len += (size_t)snprintf(msg + len,
                                        sizeof(msg) - len,
                                        "%s'%s'",
                                        k == at + 1 ? " through " : ", ",
                                        b->profiles[stack[k]].id);
            }
            snprintf(path, sizeof(path), "profiles/%s.json", b->profiles[v].id);
            source_name(src, sizeof(src), ld, path);
            snprintf(where, sizeof(where), "/extends/%zu", next[v] - 1);
            rc = problem(ld,
                         lcmp__error_set(
                             &ld->err, LCMP_EINVALID, src, where, "%s", msg));
            if (rc < 0) {
                goto done;
            }
            bad[v] = 1;
        }
    }
done:
    free(stack);
    free(next);
    free(state);
    return rc;
}

static int load_profiles(loader *ld)
{
    lcmp_baseline *b = &ld->bi->pub;
    unsigned char *bad = NULL;
    char path[128], src[256], at[64];
    size_t i;
    int rc = 0;

    bad = calloc(b->nprofiles > 0 ? b->nprofiles : 1, 1);
    if (bad == NULL) {
        rc = no_memory(ld, NULL);
        goto done;
    }
    for (i = 0; i < b->nprofiles; i++) {
        lcmp__profile_def *pd = &b->profiles[i];
        const char *id = pd->id;
        json_t *doc = NULL;
        lcmp__jpath p;

        snprintf(path, sizeof(path), "profiles/%s.json", id);
        snprintf(at, sizeof(at), "/profiles/%zu", i);
        source_name(src, sizeof(src), ld, path);
        lcmp__jpath_init(&p, src, &ld->err);
        rc = read_doc(&doc, ld, path, "profile", at);
        if (rc == 0) {
            rc = load_profile(pd, ld, doc, &p);
        }
        if (rc < 0) {
            rc = problem(ld, rc);
            memset(pd, 0, sizeof(*pd));
            pd->id = id;
            bad[i] = 1;
            if (rc < 0) {
                goto done;
            }
        }
    }
    rc = check_cycles(ld, bad);
done:
    free(bad);
    return rc;
}

void lcmp_baseline_free(lcmp_baseline *baseline)
{
    baseline_impl *bi = (baseline_impl *)baseline;
    block *b, *next;
    size_t i;

    if (baseline == NULL) {
        return;
    }
    for (i = 0; i < baseline->ndocs; i++) {
        json_decref(baseline->docs[i]);
    }
    for (b = bi->mem; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(bi);
}

lcmp_baseline *lcmp__baseline_new(void)
{
    baseline_impl *bi = calloc(1, sizeof(*bi));

    return bi != NULL ? &bi->pub : NULL;
}

void *lcmp__baseline_alloc(lcmp_baseline *b, size_t n, size_t size)
{
    return arena_array((baseline_impl *)b, n, size);
}

int lcmp__baseline_keep(lcmp_baseline *b, json_t *doc)
{
    json_t **docs;

    /* grows by copying into the arena: builders keep few documents */
    docs = arena_array((baseline_impl *)b, b->ndocs + 1, sizeof(*docs));
    if (docs == NULL) {
        return LCMP_ENOMEM;
    }
    if (b->ndocs > 0) {
        memcpy(docs, b->docs, b->ndocs * sizeof(*docs));
    }
    docs[b->ndocs++] = json_incref(doc);
    b->docs = docs;
    return 0;
}

/* Sorted index of `n` ids found at `base` with `stride`; a repeated id is
 * an error naming it. */
static int build_index(size_t **out,
                       lcmp_baseline *b,
                       const void *base,
                       size_t n,
                       size_t stride,
                       const char *what,
                       lcmp_error *err)
{
    keyed *keys = malloc((n > 0 ? n : 1) * sizeof(*keys));
    size_t i, *index = arena_array((baseline_impl *)b, n, sizeof(*index));
    int rc = 0;

    if (keys == NULL || index == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    for (i = 0; i < n; i++) {
        keys[i].s = *(const char *const *)((const char *)base + i * stride);
        keys[i].i = i;
    }
    sort_keys(index, keys, n, NULL, NULL);
    for (i = 1; i < n; i++) {
        const char *prev =
            *(const char *const *)((const char *)base + index[i - 1] * stride);
        const char *cur =
            *(const char *const *)((const char *)base + index[i] * stride);
        if (strcmp(prev, cur) == 0) {
            rc = lcmp__error_set(err,
                                 LCMP_EINVALID,
                                 NULL,
                                 NULL,
                                 "duplicate %s id '%s'",
                                 what,
                                 cur);
            goto done;
        }
    }
    *out = index;
done:
    free(keys);
    return rc;
}

int lcmp__baseline_index(lcmp_baseline *b, lcmp_error *err)
{
    baseline_impl *bi = (baseline_impl *)b;
    int rc;

    rc = build_index(&b->by_id,
                     b,
                     b->controls,
                     b->ncontrols,
                     sizeof(b->controls[0]),
                     "control",
                     err);
    if (rc == 0) {
        rc = build_index(&bi->profiles_by_id,
                         b,
                         b->profiles,
                         b->nprofiles,
                         sizeof(b->profiles[0]),
                         "profile",
                         err);
    }
    return rc;
}

/* Load or validate (ld->problems set) the tree behind ld->reader. */
static int load_tree(loader *ld)
{
    int rc;

    rc = load_manifest(ld);
    if (rc != 0) {
        return rc;
    }
    rc = load_controls(ld);
    if (rc == 0) {
        rc = index_controls(ld);
    }
    if (rc == 0 && !ld->manifest_bad) {
        rc = check_headline(ld);
    }
    if (rc == 0) {
        rc = load_profiles(ld);
    }
    return rc;
}

static int run(lcmp_baseline **out,
               lcmp_problems *problems,
               const lcmp_reader *reader,
               const lcmp_load_options *opts,
               lcmp_error *err)
{
    loader ld;
    int rc;

    memset(&ld, 0, sizeof(ld));
    lcmp_error_clear(&ld.err);
    ld.reader = reader;
    ld.problems = problems;
    rc = lcmp__json_limits_from(&ld.lim, opts, &ld.err);
    if (rc < 0) {
        goto done;
    }
    ld.bi = calloc(1, sizeof(*ld.bi));
    if (ld.bi == NULL) {
        rc = no_memory(&ld, NULL);
        goto done;
    }
    rc = load_tree(&ld);
    if (rc > 0) {
        rc = 0; /* validation stopped at a recorded problem */
    }
    if (rc == 0 && out != NULL) {
        *out = &ld.bi->pub;
        ld.bi = NULL;
    }
done:
    if (rc < 0 && err != NULL) {
        *err = ld.err;
    }
    lcmp_baseline_free(ld.bi != NULL ? &ld.bi->pub : NULL);
    free(ld.pos);
    free(ld.broken);
    return rc;
}

int lcmp_baseline_load(lcmp_baseline **out,
                       const lcmp_reader *reader,
                       const lcmp_load_options *opts,
                       lcmp_error *err)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || reader == NULL || reader->read == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no %s given",
                               out == NULL ? "output" : "reader");
    }
    {
        /* a manifest with an "oscal" member: the baseline comes from OSCAL
         * files (libcompliance/oscal.c) */
        int orc = lcmp__oscal_baseline_probe(out, reader, opts, err);

        if (orc != 0) {
            return orc < 0 ? orc : 0;
        }
    }
    return run(out, NULL, reader, opts, err);
}

int lcmp_baseline_validate(lcmp_problems **out,
                           const lcmp_reader *reader,
                           const lcmp_load_options *opts,
                           lcmp_error *err)
{
    lcmp_problems *problems = NULL;
    int rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || reader == NULL || reader->read == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no %s given",
                               out == NULL ? "output" : "reader");
    }
    problems = calloc(1, sizeof(*problems));
    if (problems == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    {
        /* an OSCAL manifest: loading it is validating it (one problem) */
        lcmp_baseline *ob = NULL;
        lcmp_error oerr;

        lcmp_error_clear(&oerr);
        rc = lcmp__oscal_baseline_probe(&ob, reader, opts, &oerr);
        lcmp_baseline_free(ob);
        if (rc < 0 && (rc == LCMP_ENOMEM || rc == LCMP_EIO ||
                       rc == LCMP_ECRYPTO || rc == LCMP_ERROR))
        {
            lcmp_problems_free(problems);
            if (err != NULL) {
                *err = oerr;
            }
            return rc;
        }
        if (rc != 0) {
            if (rc < 0) {
                problems->items = malloc(sizeof(*problems->items));
                if (problems->items == NULL) {
                    lcmp_problems_free(problems);
                    return lcmp__error_set(
                        err, LCMP_ENOMEM, NULL, NULL, "out of memory");
                }
                problems->items[0] = oerr;
                problems->count = problems->alloc = 1;
            }
            *out = problems;
            return 0;
        }
    }
    rc = run(NULL, problems, reader, opts, err);
    if (rc < 0) {
        lcmp_problems_free(problems);
        return rc;
    }
    *out = problems;
    return 0;
}

size_t lcmp_problems_count(const lcmp_problems *problems)
{
    return problems != NULL ? problems->count : 0;
}

const lcmp_error *lcmp_problems_get(const lcmp_problems *problems, size_t i)
{
    if (problems == NULL || i >= problems->count) {
        return NULL;
    }
    return &problems->items[i];
}

void lcmp_problems_free(lcmp_problems *problems)
{
    if (problems == NULL) {
        return;
    }
    free(problems->items);
    free(problems);
}

/*
 * The directory reader. Paths come from the loader, built from checked
 * identifiers, but the reader refuses absolute paths and "." or ".."
 * segments on its own so that it can never leave its directory.
 */
static int safe_path(const char *path)
{
    const char *seg = path;

    if (path[0] == '\0' || path[0] == '/') {
        return 0;
    }
    while (*seg != '\0') {
        size_t len = strcspn(seg, "/");

        if (len == 0 || (len == 1 && seg[0] == '.') ||
            (len == 2 && seg[0] == '.' && seg[1] == '.') ||
            memchr(seg, '\\', len) != NULL)
        {
            return 0;
        }
        seg += len;
        if (*seg == '/') {
            seg++;
            if (*seg == '\0') {
                return 0;
            }
        }
    }
    return 1;
}

static char *dir_join(const char *dir, const char *path)
{
    size_t len = strlen(dir);
    int slash = len > 0 && dir[len - 1] == '/';

    return lcmp__aprintf("%s%s%s", dir, slash ? "" : "/", path);
}

static void dir_source(char *out, size_t size, const char *path, void *payload)
{
    char *full = dir_join(payload, path);

    lcmp__strlcpy_left(out, size, full != NULL ? full : path);
    free(full);
}

static int dir_read(lcmp_buf *out,
                    const char *path,
                    size_t max_size,
                    void *payload,
                    lcmp_error *err)
{
    char *full = NULL;
    int rc;

    if (path == NULL || !safe_path(path)) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               path,
                               NULL,
                               "refusing path '%s' outside the baseline",
                               path != NULL ? path : "");
    }
    full = dir_join(payload, path);
    if (full == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
    }
    rc = lcmp__file_read(out, full, max_size, err);
    free(full);
    return rc;
}

int lcmp_baseline_load_dir(lcmp_baseline **out,
                           const char *dir,
                           const lcmp_load_options *opts,
                           lcmp_error *err)
{
    lcmp_reader reader;

    if (out != NULL) {
        *out = NULL;
    }
    if (dir == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no directory given");
    }
    reader.read = dir_read;
    reader.source = dir_source;
    reader.payload = (void *)(uintptr_t)dir;
    return lcmp_baseline_load(out, &reader, opts, err);
}

int lcmp_baseline_validate_dir(lcmp_problems **out,
                               const char *dir,
                               const lcmp_load_options *opts,
                               lcmp_error *err)
{
    lcmp_reader reader;

    if (out != NULL) {
        *out = NULL;
    }
    if (dir == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no directory given");
    }
    reader.read = dir_read;
    reader.source = dir_source;
    reader.payload = (void *)(uintptr_t)dir;
    return lcmp_baseline_validate(out, &reader, opts, err);
}

const char *lcmp_baseline_id(const lcmp_baseline *baseline)
{
    return baseline != NULL ? baseline->id : NULL;
}

const char *lcmp_baseline_title(const lcmp_baseline *baseline)
{
    return baseline != NULL ? baseline->title : NULL;
}

const char *lcmp_baseline_publisher(const lcmp_baseline *baseline)
{
    return baseline != NULL ? baseline->publisher : NULL;
}

size_t lcmp_baseline_control_count(const lcmp_baseline *baseline)
{
    return baseline != NULL ? baseline->ncontrols : 0;
}

size_t lcmp_baseline_profile_count(const lcmp_baseline *baseline)
{
    return baseline != NULL ? baseline->nprofiles : 0;
}

const char *lcmp_baseline_profile_id(const lcmp_baseline *baseline, size_t i)
{
    if (baseline == NULL || i >= baseline->nprofiles) {
        return NULL;
    }
    return baseline->profiles[i].id;
}

size_t lcmp_baseline_headline_count(const lcmp_baseline *baseline)
{
    return baseline != NULL ? baseline->nheadline : 0;
}

const char *lcmp_baseline_headline(const lcmp_baseline *baseline, size_t i)
{
    if (baseline == NULL || i >= baseline->nheadline) {
        return NULL;
    }
    return baseline->headline[i];
}
