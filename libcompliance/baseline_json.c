/*
 * The JSON of a loaded baseline's controls, for comparing two releases.
 *
 * Invariant: a loaded baseline keeps every parsed document alive (model.h),
 * so a control's JSON is found again in its family document by id; the
 * loader has already refused duplicate ids, so the map is exact.
 */
#include <string.h>

#include "baseline_json.h"
#include "model.h"
#include "util.h"

int lcmp__baseline_controls_json(json_t **out,
                                 const lcmp_baseline *b,
                                 lcmp_error *err)
{
    json_t *map = json_object();
    size_t i, j;

    *out = NULL;
    if (map == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    for (i = 0; i < b->ndocs; i++) {
        const json_t *doc = b->docs[i];
        const json_t *schema = json_object_get(doc, "schema");
        const json_t *controls = json_object_get(doc, "controls");

        if (!json_is_string(schema) ||
            strcmp(json_string_value(schema), "lcmp.controls/v1") != 0 ||
            !json_is_array(controls))
        {
            continue;
        }
        for (j = 0; j < json_array_size(controls); j++) {
            json_t *c = json_array_get(controls, j);
            const json_t *id = json_object_get(c, "id");

            if (!json_is_string(id)) {
                continue;
            }
            if (json_object_set(map, json_string_value(id), c) < 0) {
                json_decref(map);
                return lcmp__error_set(
                    err, LCMP_ENOMEM, NULL, NULL, "out of memory");
            }
        }
    }
    *out = map;
    return 0;
}

int lcmp__baseline_compare(size_t *added,
                           size_t *changed,
                           size_t *removed,
                           const lcmp_baseline *old_b,
                           const lcmp_baseline *new_b,
                           lcmp_error *err)
{
    json_t *a = NULL, *b = NULL, *v;
    const char *key;
    int rc;

    *added = *changed = *removed = 0;
    if ((rc = lcmp__baseline_controls_json(&a, old_b, err)) < 0 ||
        (rc = lcmp__baseline_controls_json(&b, new_b, err)) < 0)
    {
        goto done;
    }
    json_object_foreach (a, key, v) {
        const json_t *w = json_object_get(b, key);

        if (w == NULL) {
            (*removed)++;
        } else if (!json_equal(v, w)) {
            (*changed)++;
        }
    }
    json_object_foreach (b, key, v) {
        if (json_object_get(a, key) == NULL) {
            (*added)++;
        }
    }
    rc = 0;
done:
    json_decref(a);
    json_decref(b);
    return rc;
}
