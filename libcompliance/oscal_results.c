/*
 * Evaluation results as an OSCAL assessment-results document
 * (oscal_assessment-results_metaschema, OSCAL 1.1.2; mapping in
 * docs/oscal.md).
 *
 * One result holds the whole evaluation: reviewed-controls lists every
 * control of the profile; each control gets one finding whose target
 * (type objective-id, target-id the control id) has status satisfied or
 * not-satisfied with reason pass, fail or other; each reason of a control
 * that is not compliant becomes an observation the finding relates to; a
 * valid exception becomes a risk with status deviation-approved and the
 * exception's expiry as deadline. The exact libcompliance state and reason
 * codes travel as props in our namespace, so that nothing is lost.
 * import-ap, which the model requires, points to a back-matter resource
 * that names the baseline profile (libcompliance has no separate
 * assessment plan).
 *
 * Deterministic: the times are the evaluation time (no clock is read), and
 * every uuid is a name-based (version 5) uuid of the SHA-256 of the
 * result's own lcmp.results/v1 JSON and the object's role, so the same
 * result always gives the same bytes and different results different
 * uuids.
 */
#include <stdlib.h>
#include <string.h>

#include "oscal.h"

typedef struct writer {
    const lcmp_result *result;
    char seed[65];
    lcmp_error *err;
} writer;

static int uuid_of(writer *w, char out[37], const char *fmt, ...)
    LCMP__PRINTF(3, 4);

/* The uuid of the object named by fmt (e.g. "finding/%s"). */
static int uuid_of(writer *w, char out[37], const char *fmt, ...)
{
    char name[512];
    int n;
    va_list ap;

    n = snprintf(name, sizeof(name), "lcmp:assessment-results:%s/", w->seed);
    va_start(ap, fmt);
    if (n > 0 && (size_t)n < sizeof(name)) {
        vsnprintf(name + n, sizeof(name) - (size_t)n, fmt, ap);
    }
    va_end(ap);
    return lcmp__oscal_uuid(out, name, strlen(name), w->err);
}

/* A prop in our namespace. */
static json_t *prop(const char *name, const char *value)
{
    return json_pack(
        "{ssssss}", "name", name, "ns", LCMP__OSCAL_NS, "value", value);
}

static int push(json_t *array, json_t *v)
{
    return v != NULL && json_array_append_new(array, v) == 0 ? 0 : LCMP_ENOMEM;
}

static int put(json_t *obj, const char *key, json_t *v)
{
    return v != NULL && json_object_set_new(obj, key, v) == 0 ? 0 : LCMP_ENOMEM;
}

/* target.status of a state: satisfied/not-satisfied and pass/fail/other. */
static void status_of(lcmp_state_t s, const char **state, const char **reason)
{
    switch (s) {
    case LCMP_STATE_COMPLIANT:
        *state = "satisfied";
        *reason = "pass";
        break;
    case LCMP_STATE_NOT_APPLICABLE:
        *state = "satisfied";
        *reason = "other";
        break;
    case LCMP_STATE_NON_COMPLIANT:
        *state = "not-satisfied";
        *reason = "fail";
        break;
    default: /* excepted, undeclared */
        *state = "not-satisfied";
        *reason = "other";
        break;
    }
}

static const char *state_words(lcmp_state_t s)
{
    switch (s) {
    case LCMP_STATE_COMPLIANT:
        return "Compliant";
    case LCMP_STATE_NON_COMPLIANT:
        return "Not compliant";
    case LCMP_STATE_EXCEPTED:
        return "Excepted: not compliant, with a valid, approved exception";
    case LCMP_STATE_NOT_APPLICABLE:
        return "Not applicable";
    default:
        return "Undeclared: the declaration does not mention this control";
    }
}

/* The observations of control i's reasons, their uuids into `rel`. */
static int observations(writer *w,
                        json_t *obs,
                        json_t *rel,
                        const lcmp_control_result *c,
                        const char *when)
{
    size_t k;
    char uuid[37], title[256];
    int rc;

    for (k = 0; k < c->nreasons; k++) {
        const lcmp_reason *r = &c->reasons[k];
        const char *code = lcmp_reason_name(r->code);
        json_t *o, *props;

        if (code == NULL) {
            code = "unknown";
        }
        rc = uuid_of(w, uuid, "observation/%s/%zu", c->control, k);
        if (rc < 0) {
            return rc;
        }
        props = json_array();
        if (props == NULL || push(props, prop("reason", code)) != 0 ||
            (r->pointer != NULL && r->pointer[0] != '\0' &&
             push(props, prop("declaration-pointer", r->pointer)) != 0))
        {
            json_decref(props);
            return LCMP_ENOMEM;
        }
        snprintf(title, sizeof(title), "%s: %s", c->control, code);
        o = json_pack("{sssssssos[s]s[s]ss}",
                      "uuid",
                      uuid,
                      "title",
                      title,
                      "description",
                      r->message != NULL && r->message[0] != '\0' ? r->message
                                                                  : code,
                      "props",
                      props,
                      "methods",
                      "EXAMINE",
                      "types",
                      "control-objective",
                      "collected",
                      when);
        if (o == NULL) {
            return LCMP_ENOMEM;
        }
        if (push(obs, o) != 0 ||
            push(rel, json_pack("{ss}", "observation-uuid", uuid)) != 0)
        {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* A risk with status deviation-approved for an excepted control. */
static int exception_risk(writer *w,
                          json_t *risks,
                          char uuid[37],
                          const lcmp_control_result *c)
{
    char desc[512], deadline[32], title[160];
    json_t *r, *props;
    int rc;

    rc = uuid_of(w, uuid, "risk/%s", c->control);
    if (rc < 0) {
        return rc;
    }
    snprintf(desc,
             sizeof(desc),
             "Control %s is not met (%s); the organisation's exception, "
             "approved by %s, accepts it until %s.",
             c->control,
             lcmp_state_name(c->original_state) != NULL
                 ? lcmp_state_name(c->original_state)
                 : "unknown",
             c->exception_approved_by != NULL ? c->exception_approved_by
                                              : "(not named)",
             c->exception_expires != NULL ? c->exception_expires : "(no date)");
    props = json_array();
    if (props == NULL ||
        (c->exception_approved_by != NULL &&
         push(props, prop("approved-by", c->exception_approved_by)) != 0))
    {
        json_decref(props);
        return LCMP_ENOMEM;
    }
    snprintf(title, sizeof(title), "Approved exception for %s", c->control);
    r = json_pack("{sssssssssoss}",
                  "uuid",
                  uuid,
                  "title",
                  title,
                  "description",
                  desc,
                  "statement",
                  desc,
                  "props",
                  props,
                  "status",
                  "deviation-approved");
    if (r == NULL) {
        return LCMP_ENOMEM;
    }
    if (json_array_size(props) == 0) {
        json_object_del(r, "props");
    }
    if (c->exception_expires != NULL) {
        /* valid through the expiry date */
        snprintf(
            deadline, sizeof(deadline), "%sT23:59:59Z", c->exception_expires);
        if (put(r, "deadline", json_string(deadline)) != 0) {
            json_decref(r);
            return LCMP_ENOMEM;
        }
    }
    return push(risks, r);
}

/* One finding per control, with its observations and risk. */
static int finding(writer *w,
                   json_t *findings,
                   json_t *obs,
                   json_t *risks,
                   const lcmp_control_result *c,
                   const char *when)
{
    const char *state, *reason, *name = lcmp_state_name(c->state);
    json_t *f = NULL, *props = NULL, *target = NULL, *rel = NULL;
    lcmp_buf desc = LCMP_BUF_INIT;
    char uuid[37], risk[37], title[320];
    size_t k;
    int rc = LCMP_ENOMEM;

    status_of(c->state, &state, &reason);
    rc = uuid_of(w, uuid, "finding/%s", c->control);
    if (rc < 0) {
        return rc;
    }
    rc = LCMP_ENOMEM;
    rel = json_array();
    props = json_array();
    if (rel == NULL || props == NULL ||
        push(props, prop("state", name != NULL ? name : "unknown")) != 0 ||
        (c->original_state != c->state &&
         push(props,
              prop("original-state",
                   lcmp_state_name(c->original_state) != NULL
                       ? lcmp_state_name(c->original_state)
                       : "unknown")) != 0) ||
        (c->family != NULL && push(props, prop("family", c->family)) != 0))
    {
        goto done;
    }
    if (lcmp__buf_puts(&desc, state_words(c->state)) != 0) {
        goto done;
    }
    for (k = 0; k < c->nreasons; k++) {
        const char *m = c->reasons[k].message;
        const char *code = lcmp_reason_name(c->reasons[k].code);

        if (lcmp__buf_printf(&desc,
                             "%s%s",
                             k == 0 ? ": " : "; ",
                             m != NULL && m[0] != '\0' ? m
                             : code != NULL            ? code
                                                       : "unknown") != 0)
        {
            goto done;
        }
    }
    if (lcmp__buf_puts(&desc, ".") != 0) {
        goto done;
    }
    rc = observations(w, obs, rel, c, when);
    if (rc < 0) {
        goto done;
    }
    rc = LCMP_ENOMEM;
    target = json_pack("{sssss{ssss}}",
                       "type",
                       "objective-id",
                       "target-id",
                       c->control,
                       "status",
                       "state",
                       state,
                       "reason",
                       reason);
    if (target == NULL ||
        (c->state == LCMP_STATE_NOT_APPLICABLE &&
         put(target,
             "implementation-status",
             json_pack("{ss}", "state", "not-applicable")) != 0))
    {
        goto done;
    }
    snprintf(title,
             sizeof(title),
             "%s: %s",
             c->control,
             c->title != NULL ? c->title : "");
    f = json_pack("{sssssssOsO}",
                  "uuid",
                  uuid,
                  "title",
                  title,
                  "description",
                  desc.ptr,
                  "props",
                  props,
                  "target",
                  target);
    if (f == NULL) {
        goto done;
    }
    if (json_array_size(rel) > 0 &&
        json_object_set(f, "related-observations", rel) != 0)
    {
        goto done;
    }
    if (c->state == LCMP_STATE_EXCEPTED) {
        rc = exception_risk(w, risks, risk, c);
        if (rc < 0) {
            goto done;
        }
        rc = LCMP_ENOMEM;
        if (put(f, "related-risks", json_pack("[{ss}]", "risk-uuid", risk)) !=
            0) {
            goto done;
        }
    }
    rc = push(findings, f);
    f = NULL;
done:
    json_decref(f);
    json_decref(props);
    json_decref(target);
    json_decref(rel);
    lcmp_buf_dispose(&desc);
    return rc;
}

static int build(writer *w, json_t **out)
{
    const lcmp_result *res = w->result;
    const lcmp_profile *prof = lcmp_result_profile(res);
    const lcmp_baseline *base = lcmp_profile_baseline(prof);
    const lcmp_declaration *decl = lcmp_result_declaration(res);
    const lcmp_counts *sum = lcmp_result_summary(res);
    json_t *doc = NULL, *obs = NULL, *risks = NULL, *findings = NULL;
    json_t *sel = NULL, *result = NULL, *props = NULL, *meta = NULL;
    json_t *resource = NULL;
    char when[21], u_doc[37], u_res[37], u_ap[37], u_party[37];
    char num[32], text[768];
    size_t i, n = lcmp_result_control_count(res);
    int rc;

    lcmp_time_format(when, lcmp_result_evaluated_at(res));
    rc = uuid_of(w, u_doc, "document");
    if (rc == 0) {
        rc = uuid_of(w, u_res, "result");
    }
    if (rc == 0) {
        rc = uuid_of(w, u_ap, "assessment-plan");
    }
    if (rc == 0) {
        rc = uuid_of(w, u_party, "party/%s", lcmp_declaration_org_id(decl));
    }
    if (rc < 0) {
        return rc;
    }
    rc = LCMP_ENOMEM;
    obs = json_array();
    risks = json_array();
    findings = json_array();
    sel = json_array();
    props = json_array();
    if (obs == NULL || risks == NULL || findings == NULL || sel == NULL ||
        props == NULL)
    {
        goto done;
    }
    for (i = 0; i < n; i++) {
        const lcmp_control_result *c = lcmp_result_control(res, i);

        if (push(sel, json_pack("{ss}", "control-id", c->control)) != 0) {
            goto done;
        }
        rc = finding(w, findings, obs, risks, c, when);
        if (rc < 0) {
            goto done;
        }
        rc = LCMP_ENOMEM;
    }
    if (push(props, prop("baseline", lcmp_baseline_id(base))) != 0 ||
        push(props, prop("profile", lcmp_profile_id(prof))) != 0)
    {
        goto done;
    }
    snprintf(num, sizeof(num), "%u", sum->score);
    if (push(props, prop("score", num)) != 0) {
        goto done;
    }
    snprintf(text,
             sizeof(text),
             "The declaration of %s (%s) evaluated by libcompliance %s "
             "against profile '%s' of baseline '%s': %zu of %zu controls "
             "compliant, %zu not compliant, %zu excepted, %zu not "
             "applicable, %zu undeclared; score %u%%.",
             lcmp_declaration_org_name(decl),
             lcmp_declaration_org_id(decl),
             LCMP_VERSION,
             lcmp_profile_id(prof),
             lcmp_baseline_id(base),
             sum->compliant,
             sum->controls,
             sum->non_compliant,
             sum->excepted,
             sum->not_applicable,
             sum->undeclared,
             sum->score);
    result = json_pack("{sssssssssssOs{s[{sO}]}}",
                       "uuid",
                       u_res,
                       "title",
                       "Compliance check",
                       "description",
                       text,
                       "start",
                       when,
                       "end",
                       when,
                       "props",
                       props,
                       "reviewed-controls",
                       "control-selections",
                       "include-controls",
                       sel);
    if (result == NULL ||
        (json_array_size(obs) > 0 &&
         json_object_set(result, "observations", obs) != 0) ||
        (json_array_size(risks) > 0 &&
         json_object_set(result, "risks", risks) != 0) ||
        (json_array_size(findings) > 0 &&
         json_object_set(result, "findings", findings) != 0))
    {
        goto done;
    }
    snprintf(text,
             sizeof(text),
             "Compliance of %s with %s, profile %s",
             lcmp_declaration_org_name(decl),
             lcmp_baseline_title(base),
             lcmp_profile_title(prof) != NULL ? lcmp_profile_title(prof)
                                              : lcmp_profile_id(prof));
    meta = json_pack("{sssssssss[{ssssssss}]}",
                     "title",
                     text,
                     "last-modified",
                     when,
                     "version",
                     when,
                     "oscal-version",
                     LCMP__OSCAL_VERSION,
                     "parties",
                     "uuid",
                     u_party,
                     "type",
                     "organization",
                     "name",
                     lcmp_declaration_org_name(decl),
                     "short-name",
                     lcmp_declaration_org_id(decl));
    snprintf(text,
             sizeof(text),
             "There is no separate assessment plan: the plan is profile "
             "'%s' of baseline '%s' (%s), against which libcompliance "
             "evaluates the organisation's declaration.",
             lcmp_profile_id(prof),
             lcmp_baseline_id(base),
             lcmp_baseline_title(base));
    resource = json_pack("{sssssss[oo]}",
                         "uuid",
                         u_ap,
                         "title",
                         "Assessment plan",
                         "description",
                         text,
                         "props",
                         prop("baseline", lcmp_baseline_id(base)),
                         prop("profile", lcmp_profile_id(prof)));
    if (meta == NULL || resource == NULL) {
        goto done;
    }
    {
        char href[40];

        snprintf(href, sizeof(href), "#%s", u_ap);
        doc = json_pack("{s{sssOs{ss}s[O]s{s[O]}}}",
                        "assessment-results",
                        "uuid",
                        u_doc,
                        "metadata",
                        meta,
                        "import-ap",
                        "href",
                        href,
                        "results",
                        result,
                        "back-matter",
                        "resources",
                        resource);
    }
    if (doc == NULL) {
        goto done;
    }
    *out = doc;
    rc = 0;
done:
    json_decref(obs);
    json_decref(risks);
    json_decref(findings);
    json_decref(sel);
    json_decref(props);
    json_decref(result);
    json_decref(meta);
    json_decref(resource);
    return rc;
}

int lcmp_result_to_oscal(lcmp_buf *out,
                         const lcmp_result *result,
                         uint32_t flags,
                         lcmp_error *err)
{
    lcmp_buf json = LCMP_BUF_INIT;
    json_t *doc = NULL;
    uint8_t digest[32];
    writer w;
    int rc;

    if (out == NULL || result == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no %s given",
                               out == NULL ? "output" : "result");
    }
    memset(&w, 0, sizeof(w));
    w.result = result;
    w.err = err;
    rc = lcmp_result_to_json(&json, result, LCMP_RESULT_JSON_F_COMPACT, err);
    if (rc == 0) {
        rc = lcmp__oscal_sha256(digest, json.ptr, json.size, err);
    }
    if (rc < 0) {
        goto done;
    }
    lcmp__hex(w.seed, digest, 32);
    rc = build(&w, &doc);
    if (rc == LCMP_ENOMEM) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    if (rc == 0) {
        rc = lcmp__oscal_dump(out, doc, flags, err);
    }
done:
    json_decref(doc);
    lcmp_buf_dispose(&json);
    return rc;
}
