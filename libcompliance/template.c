/*
 * The ready-to-fill declaration (`compliance template`): every control of a
 * resolved profile, in baseline order, with status "not_implemented" and a
 * placeholder for each fact.
 *
 * Invariants: the output is a valid declaration (docs/formats.md §2) that
 * lcmp_declaration_load_buffer() accepts, and it is deterministic: members
 * in the order written here, two-space indentation, a final newline.
 *
 * Placeholders are chosen so that the template loads but never passes
 * evaluation by accident once someone marks a control implemented without
 * filling it in: a date fact gets the string "YYYY-MM-DD", which is a
 * string (so the declaration loads) but not a date (so evaluation reports
 * fact_invalid). Numbers are 0, booleans false, strings empty and an enum
 * gets its first allowed value (the only value of the right type that is
 * certain to exist). An evidence list is written, empty, when the control
 * requires evidence: an example item would need a uri and a digest that
 * the loader would refuse when left empty.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "model.h"

#define PLACEHOLDER_ORG_ID   "your-org-id"
#define PLACEHOLDER_ORG_NAME "Your organisation name"
#define PLACEHOLDER_DATE     "YYYY-MM-DD"

static json_t *fact_placeholder(const lcmp__fact *f)
{
    switch (f->type) {
    case LCMP__T_DATE:
        return json_string(PLACEHOLDER_DATE);
    case LCMP__T_INTEGER:
    case LCMP__T_PERCENT:
        return json_integer(0);
    case LCMP__T_BOOLEAN:
        return json_false();
    case LCMP__T_ENUM:
        return json_string(f->nvalues > 0 ? f->values[0] : "");
    case LCMP__T_STRING:
    default:
        return json_string("");
    }
}

/* One control's entry; NULL when out of memory. */
static json_t *control_entry(const lcmp__control *c)
{
    json_t *entry = json_object(), *facts = NULL;
    int bad = entry == NULL;
    size_t i;

    bad |= json_object_set_new(
               entry, "status", json_string("not_implemented")) < 0;
    if (c->nfacts > 0) {
        facts = json_object();
        for (i = 0; i < c->nfacts && facts != NULL; i++) {
            bad |= json_object_set_new(facts,
                                       c->facts[i].name,
                                       fact_placeholder(&c->facts[i])) < 0;
        }
        bad |= json_object_set_new(entry, "facts", facts) < 0;
    }
    if (c->evidence_min > 0) {
        bad |= json_object_set_new(entry, "evidence", json_array()) < 0;
    }
    bad |= json_object_set_new(entry, "owner", json_string("")) < 0;
    bad |= json_object_set_new(entry, "note", json_string("")) < 0;
    if (bad) {
        json_decref(entry);
        return NULL;
    }
    return entry;
}

/* A new string for `s`: EINVALID when it is not UTF-8, else ENOMEM. */
static int
utf8_string(json_t **out, const char *s, const char *what, lcmp_error *err)
{
    json_t *probe;

    *out = json_string(s);
    if (*out != NULL) {
        return 0;
    }
    probe = json_string_nocheck(s);
    if (probe == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    json_decref(probe);
    return lcmp__error_set(
        err, LCMP_EINVALID, NULL, NULL, "%s is not valid UTF-8", what);
}

int lcmp_template_write(lcmp_buf *out,
                        const lcmp_profile *profile,
                        const char *org_id,
                        const char *org_name,
                        lcmp_error *err)
{
    const lcmp_baseline *b;
    json_t *root = NULL, *org = NULL, *name = NULL, *controls = NULL;
    char *text = NULL;
    size_t k;
    int bad, rc = LCMP_ERROR;

    if (out == NULL || profile == NULL || profile->baseline == NULL) {
        rc = lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no output buffer or profile");
        goto done;
    }
    b = profile->baseline;
    if (org_id == NULL) {
        org_id = PLACEHOLDER_ORG_ID;
    }
    if (!lcmp__is_identifier(org_id)) {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             NULL,
                             NULL,
                             "invalid organisation id '%s'",
                             org_id);
        goto done;
    }
    rc = utf8_string(&name,
                     org_name != NULL ? org_name : PLACEHOLDER_ORG_NAME,
                     "the organisation name",
                     err);
    if (rc < 0) {
        goto done;
    }

    root = json_object();
    org = json_object();
    controls = json_object();
    bad = root == NULL || org == NULL || controls == NULL;
    bad |= json_object_set_new(
               root, "schema", json_string("lcmp.declaration/v1")) < 0;
    bad |= json_object_set_new(org, "id", json_string(org_id)) < 0;
    bad |= json_object_set_new(org, "name", name) < 0;
    name = NULL;
    bad |= json_object_set(root, "organisation", org) < 0;
    bad |= json_object_set_new(root, "baseline", json_string(b->id)) < 0;
    bad |= json_object_set_new(root, "profile", json_string(profile->id)) < 0;
    for (k = 0; k < profile->ncontrols && !bad; k++) {
        const lcmp__control *c = &b->controls[profile->controls[k]];

        bad |= json_object_set_new(controls, c->id, control_entry(c)) < 0;
    }
    bad |= json_object_set(root, "controls", controls) < 0;
    bad |= json_object_set_new(root, "exceptions", json_array()) < 0;
    if (!bad) {
        text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    }
    lcmp__buf_clear(out);
    if (text == NULL || lcmp__buf_puts(out, text) < 0 ||
        lcmp__buf_puts(out, "\n") < 0)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    rc = 0;
done:
    free(text);
    json_decref(name);
    json_decref(controls);
    json_decref(org);
    json_decref(root);
    return rc;
}
