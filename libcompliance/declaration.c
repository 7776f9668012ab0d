/*
 * Declarations (docs/formats.md §2): strict loading into the model of
 * model.h and lookups by control id. Facts are only checked for their JSON
 * type here; they are judged against a baseline at evaluation.
 *
 * Invariants: the parsed document lives exactly as long as the declaration
 * and every string of the model is borrowed from it. `controls` is in file
 * order with controls[i].index == i; `exceptions` is in file order with
 * exceptions[i].index == i. `by_id` holds the control indices sorted by id
 * and `exceptions_by_id` the exception indices sorted by control id; both
 * live in one allocation (by_id's). Ids are unique in both halves:
 * JSON_REJECT_DUPLICATES refuses a repeated control and the loader a second
 * exception for one control. Loading is O(n log n), lookups O(log n).
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "model.h"

#define SCHEMA "lcmp.declaration/v1"

/* Indexed by lcmp__status. */
static const char *const status_names[] = {"implemented",
                                           "partial",
                                           "planned",
                                           "not_implemented",
                                           "not_applicable"};

typedef struct {
    const char *id;
    size_t i;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->id, y->id);

    if (c != 0) {
        return c;
    }
    return x->i < y->i ? -1 : x->i > y->i;
}

static int get_nonempty(const char **out,
                        const json_t *obj,
                        const char *key,
                        lcmp__jpath *p)
{
    const char *s = NULL;
    int rc = lcmp__json_get_string(&s, obj, key, 1, p);

    if (rc < 0) {
        return rc;
    }
    if (s[0] == '\0') {
        return lcmp__jpath_error_at(p, key, LCMP_EPARSE, "empty %s", key);
    }
    *out = s;
    return 0;
}

static int load_evidence(lcmp__evidence *e, const json_t *v, lcmp__jpath *p)
{
    static const char *const allowed[] = {"uri", "sha256", "date", NULL};
    const char *sha = NULL;
    int rc;

    rc = lcmp__json_expect_object(v, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = get_nonempty(&e->uri, v, "uri", p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_string(&sha, v, "sha256", 0, p);
    if (rc < 0) {
        return rc;
    }
    if (sha != NULL) {
        if (lcmp__sha256_parse(e->sha256, sha) < 0) {
            return lcmp__jpath_error_at(
                p,
                "sha256",
                LCMP_EPARSE,
                "invalid sha256 '%s': expected 64 lowercase hex digits",
                sha);
        }
        e->has_sha256 = 1;
    }
    rc = lcmp__json_get_date(&e->date, v, "date", 0, p);
    if (rc < 0) {
        return rc;
    }
    e->has_date = json_object_get(v, "date") != NULL;
    return 0;
}

static int load_facts(const json_t *facts, lcmp__jpath *p)
{
    const char *name;
    json_t *value;
    int rc = 0;

    json_object_foreach ((json_t *)facts, name, value) {
        size_t old = lcmp__jpath_push(p, name);

        if (!lcmp__is_identifier(name)) {
            rc = lcmp__jpath_error(
                p, LCMP_EPARSE, "invalid fact name '%s'", name);
        } else if (!json_is_string(value) && !json_is_number(value) &&
                   !json_is_boolean(value))
        {
            rc = lcmp__jpath_error(p,
                                   LCMP_EPARSE,
                                   "expected a string, number or boolean, "
                                   "got %s",
                                   lcmp__json_type_name(value));
        }
        lcmp__jpath_pop(p, old);
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

static int load_control(lcmp__decl_control *c, const json_t *v, lcmp__jpath *p)
{
    static const char *const allowed[] = {"status",
                                          "target_date",
                                          "justification",
                                          "facts",
                                          "evidence",
                                          "owner",
                                          "note",
                                          NULL};
    const char *status = NULL;
    json_t *facts = NULL, *evidence = NULL;
    size_t i, n, old;
    int rc;

    rc = lcmp__json_expect_object(v, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_string(&status, v, "status", 1, p);
    if (rc < 0) {
        return rc;
    }
    for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
        if (strcmp(status, status_names[i]) == 0) {
            break;
        }
    }
    if (i == sizeof(status_names) / sizeof(status_names[0])) {
        return lcmp__jpath_error_at(
            p, "status", LCMP_EPARSE, "unknown status '%s'", status);
    }
    c->status = (lcmp__status)i;

    if (c->status == LCMP__STATUS_PLANNED) {
        rc = lcmp__json_get_date(&c->target_date, v, "target_date", 1, p);
        if (rc < 0) {
            return rc;
        }
        c->has_target_date = 1;
    } else if (json_object_get(v, "target_date") != NULL) {
        return lcmp__jpath_error_at(p,
                                    "target_date",
                                    LCMP_EPARSE,
                                    "target_date is only allowed with "
                                    "status 'planned', not '%s'",
                                    status);
    }

    if (c->status == LCMP__STATUS_NOT_APPLICABLE) {
        rc = get_nonempty(&c->justification, v, "justification", p);
        if (rc < 0) {
            return rc;
        }
    } else if (json_object_get(v, "justification") != NULL) {
        return lcmp__jpath_error_at(p,
                                    "justification",
                                    LCMP_EPARSE,
                                    "justification is only allowed with "
                                    "status 'not_applicable', not '%s'",
                                    status);
    }

    rc = lcmp__json_get_object(&facts, v, "facts", 0, p);
    if (rc < 0) {
        return rc;
    }
    if (facts != NULL) {
        old = lcmp__jpath_push(p, "facts");
        rc = load_facts(facts, p);
        lcmp__jpath_pop(p, old);
        if (rc < 0) {
            return rc;
        }
        c->facts = facts;
    }

    rc = lcmp__json_get_array(&evidence, v, "evidence", 0, p);
    if (rc < 0) {
        return rc;
    }
    n = evidence != NULL ? json_array_size(evidence) : 0;
    if (n > 0) {
        c->evidence = calloc(n, sizeof(*c->evidence));
        if (c->evidence == NULL) {
            return lcmp__jpath_error(p, LCMP_ENOMEM, "out of memory");
        }
        c->nevidence = n;
        old = lcmp__jpath_push(p, "evidence");
        for (i = 0; i < n && rc == 0; i++) {
            size_t item = lcmp__jpath_push_index(p, i);

            rc = load_evidence(&c->evidence[i], json_array_get(evidence, i), p);
            lcmp__jpath_pop(p, item);
        }
        lcmp__jpath_pop(p, old);
        if (rc < 0) {
            return rc;
        }
    }

    rc = lcmp__json_get_string(&c->owner, v, "owner", 0, p);
    if (rc < 0) {
        return rc;
    }
    return lcmp__json_get_string(&c->note, v, "note", 0, p);
}

static int
load_controls(lcmp_declaration *d, const json_t *controls, lcmp__jpath *p)
{
    const char *id;
    json_t *value;
    size_t n = json_object_size(controls), i = 0;
    int rc = 0;

    d->controls = calloc(n > 0 ? n : 1, sizeof(*d->controls));
    if (d->controls == NULL) {
        return lcmp__jpath_error(p, LCMP_ENOMEM, "out of memory");
    }
    /* jansson iterates an object in insertion order, i.e. file order */
    json_object_foreach ((json_t *)controls, id, value) {
        lcmp__decl_control *c = &d->controls[i];
        size_t old = lcmp__jpath_push(p, id);

        /* counted before loading, so that free() sees its evidence */
        d->ncontrols = i + 1;
        c->id = id;
        c->index = i;
        if (!lcmp__is_identifier(id)) {
            rc = lcmp__jpath_error(
                p, LCMP_EPARSE, "invalid control id '%s'", id);
        } else {
            rc = load_control(c, value, p);
        }
        lcmp__jpath_pop(p, old);
        if (rc < 0) {
            return rc;
        }
        i++;
    }
    return 0;
}

static int load_exception(lcmp__exception *e, const json_t *v, lcmp__jpath *p)
{
    static const char *const allowed[] = {"control",
                                          "justification",
                                          "approved_by",
                                          "expires",
                                          "compensating",
                                          NULL};
    int rc;

    rc = lcmp__json_expect_object(v, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_id(&e->control, v, "control", 1, p);
    if (rc < 0) {
        return rc;
    }
    rc = get_nonempty(&e->justification, v, "justification", p);
    if (rc < 0) {
        return rc;
    }
    rc = get_nonempty(&e->approved_by, v, "approved_by", p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_date(&e->expires, v, "expires", 1, p);
    if (rc < 0) {
        return rc;
    }
    return lcmp__json_get_string(&e->compensating, v, "compensating", 0, p);
}

static int
load_exceptions(lcmp_declaration *d, const json_t *arr, lcmp__jpath *p)
{
    size_t i, n = json_array_size(arr), old;
    int rc = 0;

    d->exceptions = calloc(n > 0 ? n : 1, sizeof(*d->exceptions));
    if (d->exceptions == NULL) {
        return lcmp__jpath_error(p, LCMP_ENOMEM, "out of memory");
    }
    d->nexceptions = n;
    old = lcmp__jpath_push(p, "exceptions");
    for (i = 0; i < n && rc == 0; i++) {
        size_t item = lcmp__jpath_push_index(p, i);

        d->exceptions[i].index = i;
        rc = load_exception(&d->exceptions[i], json_array_get(arr, i), p);
        lcmp__jpath_pop(p, item);
    }
    lcmp__jpath_pop(p, old);
    return rc;
}

/*
 * Fill d->by_id: the sorted control index, then the sorted exception index.
 * A second exception for a control is refused at its own pointer (the
 * earliest such one, whatever the sort order).
 */
static int build_index(lcmp_declaration *d, lcmp__jpath *p)
{
    keyed *tmp = NULL;
    size_t i, n = d->ncontrols + d->nexceptions;
    size_t dup = SIZE_MAX, first = 0, run = 0;
    int rc = LCMP_ERROR;

    d->by_id = calloc(n > 0 ? n : 1, sizeof(*d->by_id));
    tmp = calloc(n > 0 ? n : 1, sizeof(*tmp));
    if (d->by_id == NULL || tmp == NULL) {
        rc = lcmp__jpath_error(p, LCMP_ENOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < d->ncontrols; i++) {
        tmp[i].id = d->controls[i].id;
        tmp[i].i = i;
    }
    qsort(tmp, d->ncontrols, sizeof(*tmp), keyed_cmp);
    for (i = 0; i < d->ncontrols; i++) {
        d->by_id[i] = tmp[i].i;
    }

    d->exceptions_by_id = d->by_id + d->ncontrols;
    for (i = 0; i < d->nexceptions; i++) {
        tmp[i].id = d->exceptions[i].control;
        tmp[i].i = i;
    }
    qsort(tmp, d->nexceptions, sizeof(*tmp), keyed_cmp);
    for (i = 0; i < d->nexceptions; i++) {
        d->exceptions_by_id[i] = tmp[i].i;
        if (i == 0 || strcmp(tmp[i - 1].id, tmp[i].id) != 0) {
            run = i;
        } else if (tmp[i].i < dup) {
            /* within a run of equal ids the file order is kept */
            dup = tmp[i].i;
            first = tmp[run].i;
        }
    }
    if (dup != SIZE_MAX) {
        size_t old = lcmp__jpath_push(p, "exceptions");

        lcmp__jpath_push_index(p, dup);
        rc = lcmp__jpath_error(p,
                               LCMP_EINVALID,
                               "second exception for control '%s' (the "
                               "first is /exceptions/%zu)",
                               d->exceptions[dup].control,
                               first);
        lcmp__jpath_pop(p, old);
        goto done;
    }
    rc = 0;
done:
    free(tmp);
    return rc;
}

static int load_root(lcmp_declaration *d, const json_t *root, lcmp__jpath *p)
{
    static const char *const allowed[] = {"schema",
                                          "organisation",
                                          "baseline",
                                          "profile",
                                          "controls",
                                          "exceptions",
                                          NULL};
    static const char *const org_allowed[] = {"id", "name", NULL};
    const char *schema = NULL;
    json_t *org = NULL, *controls = NULL, *exceptions = NULL;
    size_t old;
    int rc;

    rc = lcmp__json_expect_object(root, allowed, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_string(&schema, root, "schema", 1, p);
    if (rc < 0) {
        return rc;
    }
    if (strcmp(schema, SCHEMA) != 0) {
        return lcmp__jpath_error_at(p,
                                    "schema",
                                    LCMP_EPARSE,
                                    "unsupported schema '%s': expected "
                                    "'" SCHEMA "'",
                                    schema);
    }

    rc = lcmp__json_get_object(&org, root, "organisation", 1, p);
    if (rc < 0) {
        return rc;
    }
    old = lcmp__jpath_push(p, "organisation");
    rc = lcmp__json_expect_object(org, org_allowed, p);
    if (rc == 0) {
        rc = lcmp__json_get_id(&d->org_id, org, "id", 1, p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_string(&d->org_name, org, "name", 1, p);
    }
    lcmp__jpath_pop(p, old);
    if (rc < 0) {
        return rc;
    }

    rc = lcmp__json_get_id(&d->baseline, root, "baseline", 0, p);
    if (rc < 0) {
        return rc;
    }
    rc = lcmp__json_get_id(&d->profile, root, "profile", 0, p);
    if (rc < 0) {
        return rc;
    }

    rc = lcmp__json_get_object(&controls, root, "controls", 1, p);
    if (rc < 0) {
        return rc;
    }
    old = lcmp__jpath_push(p, "controls");
    rc = load_controls(d, controls, p);
    lcmp__jpath_pop(p, old);
    if (rc < 0) {
        return rc;
    }

    rc = lcmp__json_get_array(&exceptions, root, "exceptions", 0, p);
    if (rc < 0) {
        return rc;
    }
    if (exceptions != NULL) {
        rc = load_exceptions(d, exceptions, p);
        if (rc < 0) {
            return rc;
        }
    }
    return build_index(d, p);
}

int lcmp_declaration_load_buffer(lcmp_declaration **out,
                                 const uint8_t *buf,
                                 size_t len,
                                 const char *source,
                                 const lcmp_load_options *opts,
                                 lcmp_error *err)
{
    lcmp_declaration *d = NULL;
    lcmp__json_limits lim;
    lcmp__jpath p;
    int rc = LCMP_ERROR;

    if (out == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, source, NULL, "no output pointer");
    }
    *out = NULL;
    if (source == NULL) {
        source = "<string>";
    }
    rc = lcmp__json_limits_from(&lim, opts, err);
    if (rc < 0) {
        goto done;
    }
    d = calloc(1, sizeof(*d));
    if (d == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
        goto done;
    }
    rc = lcmp__json_parse(&d->doc, buf, len, source, &lim, err);
    if (rc < 0) {
        goto done;
    }
    lcmp__jpath_init(&p, source, err);
    rc = load_root(d, d->doc, &p);
    if (rc < 0) {
        goto done;
    }
    *out = d;
    d = NULL;
    rc = 0;
done:
    lcmp_declaration_free(d);
    return rc;
}

int lcmp_declaration_load_file(lcmp_declaration **out,
                               const char *path,
                               const lcmp_load_options *opts,
                               lcmp_error *err)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp__json_limits lim;
    int rc = LCMP_ERROR;

    if (out == NULL || path == NULL) {
        rc = lcmp__error_set(
            err, LCMP_EINVALID, path, NULL, "no output pointer or path");
        goto done;
    }
    *out = NULL;
    rc = lcmp__json_limits_from(&lim, opts, err);
    if (rc < 0) {
        goto done;
    }
    rc = lcmp__file_read(&buf, path, lim.max_size, err);
    if (rc < 0) {
        goto done;
    }
    rc = lcmp_declaration_load_buffer(
        out, (const uint8_t *)buf.ptr, buf.size, path, opts, err);
done:
    lcmp_buf_dispose(&buf);
    return rc;
}

void lcmp_declaration_free(lcmp_declaration *declaration)
{
    size_t i;

    if (declaration == NULL) {
        return;
    }
    for (i = 0; i < declaration->ncontrols; i++) {
        free(declaration->controls[i].evidence);
    }
    free(declaration->controls);
    free(declaration->by_id);
    free(declaration->exceptions);
    json_decref(declaration->doc);
    free(declaration);
}

const char *lcmp_declaration_org_id(const lcmp_declaration *declaration)
{
    return declaration != NULL ? declaration->org_id : NULL;
}

const char *lcmp_declaration_org_name(const lcmp_declaration *declaration)
{
    return declaration != NULL ? declaration->org_name : NULL;
}

const char *lcmp_declaration_profile(const lcmp_declaration *declaration)
{
    return declaration != NULL ? declaration->profile : NULL;
}

const char *lcmp_declaration_baseline(const lcmp_declaration *declaration)
{
    return declaration != NULL ? declaration->baseline : NULL;
}

size_t lcmp_declaration_control_count(const lcmp_declaration *declaration)
{
    return declaration != NULL ? declaration->ncontrols : 0;
}

const lcmp__decl_control *lcmp__declaration_find(const lcmp_declaration *d,
                                                 const char *id)
{
    size_t lo = 0, hi;

    if (d == NULL || id == NULL) {
        return NULL;
    }
    hi = d->ncontrols;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const lcmp__decl_control *c = &d->controls[d->by_id[mid]];
        int cmp = strcmp(id, c->id);

        if (cmp == 0) {
            return c;
        }
        if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}

const lcmp__exception *lcmp__declaration_exception(const lcmp_declaration *d,
                                                   const char *id)
{
    const size_t *index;
    size_t lo = 0, hi;

    if (d == NULL || id == NULL || d->exceptions_by_id == NULL) {
        return NULL;
    }
    index = d->exceptions_by_id;
    hi = d->nexceptions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const lcmp__exception *e = &d->exceptions[index[mid]];
        int cmp = strcmp(id, e->control);

        if (cmp == 0) {
            return e;
        }
        if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return NULL;
}
