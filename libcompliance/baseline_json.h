/*
 * The JSON of a loaded baseline's controls (internal), for comparing two
 * releases control by control.
 */
#ifndef LCMP_BASELINE_JSON_H
#define LCMP_BASELINE_JSON_H

#include <jansson.h>

#include "libcompliance/baseline.h"

/* A new object mapping each control id to its JSON (as in its family
 * file); json_decref when done. 0 or LCMP_ENOMEM. */
int lcmp__baseline_controls_json(json_t **out,
                                 const lcmp_baseline *b,
                                 lcmp_error *err);

/* Controls added, changed (any difference in their JSON) and removed
 * between two baselines, by control id. 0 or LCMP_ENOMEM. */
int lcmp__baseline_compare(size_t *added,
                           size_t *changed,
                           size_t *removed,
                           const lcmp_baseline *old_b,
                           const lcmp_baseline *new_b,
                           lcmp_error *err);

#endif
