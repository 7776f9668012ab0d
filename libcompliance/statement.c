/*
 * Compliance statements: the in-toto Statement v1 that `attest` signs and
 * `verify` reads back (docs/formats.md "Compliance statements").
 *
 * Invariants: the predicate is built from an evaluation result only —
 * organisation, baseline and release, the declaration's digest, times,
 * tool, summary, per-control states with reason codes (never messages,
 * which quote declared facts) and the exceptions used; the bytes are
 * deterministic (jansson JSON_COMPACT | JSON_SORT_KEYS, integers only, no
 * reals). Reading is strict: duplicate keys, unknown members, wrong types,
 * non-canonical times and subjects that disagree with the predicate are
 * refused, each with a JSON pointer into the payload.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "jscan.h"
#include "json.h"
#include "stmt.h"
#include "util.h"

#define SECONDS_PER_DAY 86400

int lcmp_attest_options_init(lcmp_attest_options *opts, unsigned int version)
{
    if (opts == NULL || version != LCMP_ATTEST_OPTIONS_VERSION) {
        return LCMP_EINVALID;
    }
    memset(opts, 0, sizeof(*opts));
    opts->version = version;
    return 0;
}

int lcmp__is_git_oid(const char *s)
{
    size_t i, n;

    if (s == NULL) {
        return 0;
    }
    n = strlen(s);
    if (n != 40 && n != 64) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return 1;
}

/*
 * Building
 */

static json_t *counts_json(const lcmp_counts *c)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                     "controls",
                     (json_int_t)c->controls,
                     "compliant",
                     (json_int_t)c->compliant,
                     "non_compliant",
                     (json_int_t)c->non_compliant,
                     "excepted",
                     (json_int_t)c->excepted,
                     "not_applicable",
                     (json_int_t)c->not_applicable,
                     "undeclared",
                     (json_int_t)c->undeclared,
                     "score",
                     (json_int_t)c->score);
}

static json_t *control_json(const lcmp_control_result *cr)
{
    json_t *o, *reasons = NULL;
    size_t i;

    o = json_pack("{s:s, s:s, s:s}",
                  "control",
                  cr->control,
                  "family",
                  cr->family != NULL ? cr->family : "",
                  "state",
                  lcmp_state_name(cr->state));
    if (o == NULL) {
        return NULL;
    }
    if (cr->state == LCMP_STATE_EXCEPTED &&
        json_object_set_new(o,
                            "original_state",
                            json_string(lcmp_state_name(cr->original_state))) !=
            0)
    {
        goto fail;
    }
    if (cr->nreasons == 0) {
        return o;
    }
    reasons = json_array();
    if (reasons == NULL || json_object_set_new(o, "reasons", reasons) != 0) {
        goto fail;
    }
    for (i = 0; i < cr->nreasons; i++) {
        const char *name = lcmp_reason_name(cr->reasons[i].code);
        if (name == NULL ||
            json_array_append_new(reasons, json_string(name)) != 0) {
            goto fail;
        }
    }
    return o;

fail:
    json_decref(o);
    return NULL;
}

/* The parts of the predicate that follow from the evaluation alone. */
typedef struct predicate_parts {
    json_t *organisation;
    json_t *summary;
    json_t *results;
    json_t *exceptions;
} predicate_parts;

static void parts_dispose(predicate_parts *parts)
{
    json_decref(parts->organisation);
    json_decref(parts->summary);
    json_decref(parts->results);
    json_decref(parts->exceptions);
    memset(parts, 0, sizeof(*parts));
}

static int parts_build(predicate_parts *out, const lcmp_result *result)
{
    const lcmp_declaration *decl = lcmp_result_declaration(result);
    size_t i, n = lcmp_result_control_count(result);

    memset(out, 0, sizeof(*out));
    out->organisation = json_pack("{s:s, s:s}",
                                  "id",
                                  lcmp_declaration_org_id(decl),
                                  "name",
                                  lcmp_declaration_org_name(decl));
    out->summary = counts_json(lcmp_result_summary(result));
    out->results = json_array();
    out->exceptions = json_array();
    if (out->organisation == NULL || out->summary == NULL ||
        out->results == NULL || out->exceptions == NULL)
    {
        goto fail;
    }
    for (i = 0; i < n; i++) {
        const lcmp_control_result *cr = lcmp_result_control(result, i);

        if (json_array_append_new(out->results, control_json(cr)) != 0) {
            goto fail;
        }
        if (cr->state == LCMP_STATE_EXCEPTED &&
            json_array_append_new(out->exceptions,
                                  json_pack("{s:s, s:s, s:s}",
                                            "control",
                                            cr->control,
                                            "approved_by",
                                            cr->exception_approved_by != NULL
                                                ? cr->exception_approved_by
                                                : "",
                                            "expires",
                                            cr->exception_expires != NULL
                                                ? cr->exception_expires
                                                : "")) != 0)
        {
            goto fail;
        }
    }
    return 0;

fail:
    parts_dispose(out);
    return LCMP_ENOMEM;
}

int lcmp_statement_build(lcmp_buf *out,
                         const lcmp_result *result,
                         const uint8_t *declaration,
                         size_t declaration_len,
                         const lcmp_release_info *release,
                         const lcmp_attest_options *opts,
                         lcmp_error *err)
{
    predicate_parts parts = {NULL, NULL, NULL, NULL};
    const lcmp_profile *profile;
    const lcmp_baseline *baseline;
    unsigned int days = LCMP_ATTEST_DEFAULT_VALID_DAYS;
    uint8_t md[SHA256_DIGEST_LENGTH];
    char sha[2 * SHA256_DIGEST_LENGTH + 1], evaluated[21], until[21];
    json_t *doc = NULL;
    char *text = NULL;
    int64_t at;
    int rc = LCMP_ENOMEM;

    if (out == NULL || result == NULL || declaration == NULL || release == NULL)
    {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "a statement needs a result, the "
                               "declaration's bytes and a release");
    }
    if (release->tag == NULL || release->tag[0] == '\0' ||
        !lcmp__is_git_oid(release->tag_id) ||
        !lcmp__is_git_oid(release->commit_id))
    {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "the release needs a tag name and the tag "
                               "and commit object ids");
    }
    if (opts != NULL) {
        if (opts->version != LCMP_ATTEST_OPTIONS_VERSION) {
            return lcmp__error_set(err,
                                   LCMP_EINVALID,
                                   NULL,
                                   NULL,
                                   "unknown attest options version %u",
                                   opts->version);
        }
        if (opts->valid_days > LCMP_ATTEST_MAX_VALID_DAYS) {
            return lcmp__error_set(err,
                                   LCMP_EINVALID,
                                   NULL,
                                   NULL,
                                   "a statement is valid for at most %u "
                                   "days",
                                   LCMP_ATTEST_MAX_VALID_DAYS);
        }
        if (opts->valid_days != 0) {
            days = opts->valid_days;
        }
    }
    lcmp__buf_clear(out);
    profile = lcmp_result_profile(result);
    baseline = lcmp_profile_baseline(profile);
    at = lcmp_result_evaluated_at(result);
    SHA256(declaration, declaration_len, md);
    lcmp__hex(sha, md, sizeof(md));
    lcmp_time_format(evaluated, at);
    lcmp_time_format(until, at + (int64_t)days * SECONDS_PER_DAY);

    if (parts_build(&parts, result) < 0) {
        goto done;
    }
    doc = json_pack(
        "{s:s, s:s, s:[{s:s, s:{s:s}}, {s:s, s:{s:s, s:s}}], s:{"
        "s:O, s:{s:s, s:s, s:s, s:s, s:s}, s:{s:s}, s:s, s:s, s:{s:s, s:s},"
        " s:O, s:O, s:O}}",
        "_type",
        LCMP_STATEMENT_TYPE,
        "predicateType",
        LCMP_STATEMENT_PREDICATE_TYPE,
        "subject",
        "name",
        "declaration",
        "digest",
        "sha256",
        sha,
        "name",
        "baseline",
        "digest",
        "gitCommit",
        release->commit_id,
        "gitTag",
        release->tag_id,
        "predicate",
        "organisation",
        parts.organisation,
        "baseline",
        "id",
        lcmp_baseline_id(baseline),
        "release",
        release->tag,
        "tag_id",
        release->tag_id,
        "commit_id",
        release->commit_id,
        "profile",
        lcmp_profile_id(profile),
        "declaration",
        "sha256",
        sha,
        "evaluated_at",
        evaluated,
        "valid_until",
        until,
        "tool",
        "name",
        "libcompliance",
        "version",
        LCMP_VERSION,
        "summary",
        parts.summary,
        "results",
        parts.results,
        "exceptions",
        parts.exceptions);
    if (doc == NULL) {
        goto done;
    }
    text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    if (text == NULL || lcmp__buf_puts(out, text) < 0) {
        goto done;
    }
    rc = 0;

done:
    free(text);
    json_decref(doc);
    parts_dispose(&parts);
    if (rc < 0) {
        lcmp__buf_clear(out);
        return lcmp__error_set(err, rc, NULL, NULL, "out of memory");
    }
    return 0;
}

int lcmp_attest(lcmp_buf *envelope_out,
                lcmp_buf *payload_out,
                const lcmp_result *result,
                const uint8_t *declaration,
                size_t declaration_len,
                const lcmp_release_info *release,
                const lcmp_key *key,
                const lcmp_attest_options *opts,
                lcmp_error *err)
{
    lcmp_buf payload = LCMP_BUF_INIT;
    int rc;

    if (envelope_out == NULL || key == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "attesting needs a key and an output");
    }
    rc = lcmp_statement_build(
        &payload, result, declaration, declaration_len, release, opts, err);
    if (rc == 0) {
        rc = lcmp_envelope_sign(envelope_out,
                                (const uint8_t *)payload.ptr,
                                payload.size,
                                LCMP_STATEMENT_PAYLOAD_TYPE,
                                key,
                                err);
    }
    if (rc == 0 && payload_out != NULL) {
        lcmp_buf_dispose(payload_out);
        *payload_out = payload;
        payload.ptr = NULL;
    }
    lcmp_buf_dispose(&payload);
    return rc;
}

/*
 * Reading (jscan.h: one pass per part, no tree)
 */

void lcmp__statement_free(lcmp__statement *st)
{
    if (st == NULL) {
        return;
    }
    free(st->results);
    free(st->reasons);
    free(st->exceptions);
    free(st->strings);
    free(st);
}

/* A required string member; `check` validates it (NULL: any string). */
static int get_string(const char **out,
                      lcmp__jscan *js,
                      int (*check)(const char *),
                      const char *what)
{
    size_t len;
    int rc = lcmp__jscan_string(js, out, &len);

    if (rc == 0 && check != NULL && !check(*out)) {
        rc = lcmp__jscan_error(js, LCMP_EPARSE, "'%s' is not %s", *out, what);
    }
    return rc;
}

static int is_sha256(const char *s)
{
    uint8_t md[32];

    return lcmp__sha256_parse(md, s) == 0;
}

static int is_date(const char *s)
{
    int32_t d;

    return lcmp__date_parse(&d, s) == 0;
}

static int is_nonempty(const char *s)
{
    return s[0] != '\0';
}

/* A time written exactly as lcmp_time_format() writes it. */
static int get_time(int64_t *out, lcmp__jscan *js)
{
    const char *text = NULL;
    char again[21];
    int rc = lcmp__jscan_string(js, &text, NULL);

    if (rc < 0) {
        return rc;
    }
    if (lcmp_time_parse(out, text, NULL) < 0 ||
        (lcmp_time_format(again, *out), strcmp(again, text) != 0))
    {
        return lcmp__jscan_error(js,
                                 LCMP_EPARSE,
                                 "'%s' is not a time like "
                                 "2026-11-27T09:00:00Z",
                                 text);
    }
    return 0;
}

static int get_count(size_t *out, lcmp__jscan *js, int64_t max)
{
    int64_t v = 0;
    int rc = lcmp__jscan_int(js, &v);

    if (rc < 0) {
        return rc;
    }
    if (v < 0 || v > max) {
        return lcmp__jscan_error(js,
                                 LCMP_EPARSE,
                                 "%lld is out of range (0 to %lld)",
                                 (long long)v,
                                 (long long)max);
    }
    *out = (size_t)v;
    return 0;
}

/* The index of `key` in the NULL-terminated `names`, or of the NULL. */
static size_t find_name(const char *const *names, const char *key)
{
    size_t i;

    /* names are short: compared here, byte by byte, not by a call each */
    for (i = 0; names[i] != NULL; i++) {
        const char *a = names[i], *b = key;
        while (*a != '\0' && *a == *b) {
            a++;
            b++;
        }
        if (*a == *b) {
            break;
        }
    }
    return i;
}

/*
 * An object whose members are all named in `names` (at most 32), each
 * read by `member(i, js, payload)`; unknown and repeated members are
 * refused, and after the closing brace so is a missing one.
 */
typedef int (*member_fn)(size_t i, lcmp__jscan *js, void *payload);

static int read_object(lcmp__jscan *js,
                       const char *const *names,
                       uint32_t optional,
                       member_fn member,
                       void *payload)
{
    const char *key;
    uint32_t seen = 0;
    size_t i;
    int rc;

    if ((rc = lcmp__jscan_object(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_member(js, &key)) == 1) {
        i = find_name(names, key);
        if (names[i] == NULL) {
            return lcmp__jscan_error(
                js, LCMP_EPARSE, "unknown member '%s'", key);
        }
        if ((rc = lcmp__jscan_seen(js, &seen, (uint32_t)1 << i, key)) < 0 ||
            (rc = member(i, js, payload)) < 0)
        {
            return rc;
        }
    }
    if (rc < 0) {
        return rc;
    }
    for (i = 0; names[i] != NULL; i++) {
        if ((seen & ((uint32_t)1 << i)) == 0 &&
            (optional & ((uint32_t)1 << i)) == 0) {
            return lcmp__jscan_error(
                js, LCMP_EPARSE, "missing member '%s'", names[i]);
        }
    }
    return 0;
}

/* Growing the arrays of a statement. */
static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
    void *p;
    size_t n;

    if (need <= *cap) {
        return 0;
    }
    n = *cap < 64 ? 64 : *cap * 2; /* a baseline has tens of controls */
    while (n < need) {
        n *= 2;
    }
    p = realloc(*arr, n * size);
    if (p == NULL) {
        return LCMP_ENOMEM;
    }
    *arr = p;
    *cap = n;
    return 0;
}

typedef struct reader {
    lcmp__statement *st;
    size_t results_cap, reasons_cap, exceptions_cap;
    lcmp__stmt_result *r;    /* the result being read */
    size_t first_reason;     /* its first reason in st->reasons */
    lcmp__stmt_exception *e; /* the exception being read */
} reader;

static int oom(lcmp__jscan *js)
{
    return lcmp__jscan_error(js, LCMP_ENOMEM, "out of memory");
}

/* One of lcmp_state_name()'s names (statements with every state are read
 * back in tests/test_statement.c and tests/test_verify.c). */
/* State names in lcmp_state_t order. */
static const char *const state_names[] = {"compliant",
                                          "non_compliant",
                                          "excepted",
                                          "not_applicable",
                                          "undeclared",
                                          NULL};

static int known_state(const char *name)
{
    return state_names[find_name(state_names, name)] != NULL;
}

static int result_member(size_t i, lcmp__jscan *js, void *payload)
{
    reader *rd = payload;
    lcmp__stmt_result *r = rd->r;
    const char *code;
    int rc;

    switch (i) {
    case 0:
        return get_string(&r->control, js, lcmp__is_identifier, "a control id");
    case 1:
        return get_string(&r->family, js, NULL, NULL);
    case 2:
        if ((rc = get_string(&r->state, js, NULL, NULL)) < 0) {
            return rc;
        }
        r->state_code = (lcmp_state_t)find_name(state_names, r->state);
        if (state_names[r->state_code] == NULL) {
            return lcmp__jscan_error(
                js, LCMP_EPARSE, "'%s' is not a known state", r->state);
        }
        return 0;
    case 3:
        return get_string(&r->original_state, js, known_state, "a known state");
    default:
        break;
    }
    if ((rc = lcmp__jscan_array(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_element(js)) == 1) {
        if ((rc = get_string(&code,
                             js,
                             lcmp__is_identifier,
                             "a reason code such as 'stale'")) < 0)
        {
            return rc;
        }
        if (grow((void **)&rd->st->reasons,
                 &rd->reasons_cap,
                 rd->st->nreasons + 1,
                 sizeof(*rd->st->reasons)) < 0)
        {
            return oom(js);
        }
        rd->st->reasons[rd->st->nreasons++] = code;
        r->nreasons++;
    }
    if (rc == 0 && r->nreasons == 0) {
        rc = lcmp__jscan_error(
            js, LCMP_EPARSE, "an empty list of reasons is left out");
    }
    return rc;
}

/*
 * One result laid out as lcmp_statement_build() lays it out, with no
 * whitespace and plain ASCII strings:
 *   {"control":C,"family":F[,"original_state":O][,"reasons":[R,...]],
 *    "state":S}
 * 1 when it is read so, making the checks result_member() makes; 0 with
 * nothing consumed or kept when the text differs in any way, and then
 * read_results() reads the same text the general way, which accepts it or
 * refuses it with the proper message. Every text read here would be read
 * the same way there: this only saves the general reader's work on the
 * documents our writer makes (a report reads thousands of them).
 */
#define LIT(js, s) lcmp__jscan_lit(js, s, sizeof(s) - 1)

/* A result's state and the end of its object, `"compliant"}` and the like:
 * 1, with the state set (its name is the static one, not a copy), or 0
 * with nothing consumed. The first letters tell the five names apart. */
static int state_fast(lcmp__jscan *js, lcmp__stmt_result *r)
{
    /* clang-format off */
#define STATE_LIT(s) {s, sizeof(s) - 1}
    static const struct {
        const char *text;
        size_t len;
    } lits[] = {STATE_LIT("\"compliant\"}"),
                STATE_LIT("\"non_compliant\"}"),
                STATE_LIT("\"excepted\"}"),
                STATE_LIT("\"not_applicable\"}"),
                STATE_LIT("\"undeclared\"}")};
    /* clang-format on */
#undef STATE_LIT
    size_t i;

    if (js->end - js->p < 4) {
        return 0;
    }
    switch (js->p[1]) {
    case 'c':
        i = LCMP_STATE_COMPLIANT;
        break;
    case 'e':
        i = LCMP_STATE_EXCEPTED;
        break;
    case 'u':
        i = LCMP_STATE_UNDECLARED;
        break;
    case 'n':
        i = js->p[3] == 'n' ? LCMP_STATE_NON_COMPLIANT
                            : LCMP_STATE_NOT_APPLICABLE;
        break;
    default:
        return 0;
    }
    if (!lcmp__jscan_lit(js, lits[i].text, lits[i].len)) {
        return 0;
    }
    r->state = state_names[i];
    r->state_code = (lcmp_state_t)i;
    return 1;
}

static int result_fast(reader *rd, lcmp__jscan *js)
{
    lcmp__statement *st = rd->st;
    lcmp__stmt_result *r = rd->r;
    lcmp__jscan_mark at = lcmp__jscan_here(js);
    size_t first = st->nreasons;
    const char *code;

    /* the result object and its reasons array, within the depth limit */
    if (js->depth + 2 > js->max_depth || !LIT(js, "{\"control\":") ||
        !lcmp__jscan_plain_string(js, &r->control) ||
        !lcmp__is_identifier(r->control) || !LIT(js, ",\"family\":") ||
        !lcmp__jscan_plain_string(js, &r->family))
    {
        goto differs;
    }
    if (LIT(js, ",\"original_state\":") &&
        (!lcmp__jscan_plain_string(js, &r->original_state) ||
         !known_state(r->original_state)))
    {
        goto differs;
    }
    if (LIT(js, ",\"reasons\":[")) {
        do {
            if (!lcmp__jscan_plain_string(js, &code) ||
                !lcmp__is_identifier(code) ||
                grow((void **)&st->reasons,
                     &rd->reasons_cap,
                     st->nreasons + 1,
                     sizeof(*st->reasons)) < 0)
            {
                goto differs;
            }
            st->reasons[st->nreasons++] = code;
        } while (LIT(js, ","));
        if (!LIT(js, "]")) {
            goto differs;
        }
    }
    if (!LIT(js, ",\"state\":") || !state_fast(js, r)) {
        goto differs;
    }
    return 1;

differs:
    lcmp__jscan_back(js, at);
    st->nreasons = first;
    memset(r, 0, sizeof(*r));
    r->reasons = NULL;
    return 0;
}

#undef LIT

static int read_results(reader *rd, lcmp__jscan *js)
{
    static const char *const names[] = {
        "control", "family", "state", "original_state", "reasons", NULL};
    lcmp__statement *st = rd->st;
    size_t i, k = 0;
    int rc;

    if ((rc = lcmp__jscan_array(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_element(js)) == 1) {
        if (grow((void **)&st->results,
                 &rd->results_cap,
                 st->nresults + 1,
                 sizeof(*st->results)) < 0)
        {
            return oom(js);
        }
        rd->r = &st->results[st->nresults++];
        memset(rd->r, 0, sizeof(*rd->r));
        rd->r->reasons = NULL;
        /* reasons are linked to their result once the array stops moving:
         * until then `reasons` holds the index of the first one */
        rd->first_reason = st->nreasons;
        if (!result_fast(rd, js) &&
            (rc = read_object(
                 js, names, 1u << 3 | 1u << 4, result_member, rd)) < 0)
        {
            return rc;
        }
        if ((rd->r->original_state != NULL) !=
            (rd->r->state_code == LCMP_STATE_EXCEPTED))
        {
            return lcmp__jscan_error(js,
                                     LCMP_EPARSE,
                                     "original_state goes with state "
                                     "'excepted' only");
        }
        rd->r->nreasons = st->nreasons - rd->first_reason;
    }
    if (rc < 0) {
        return rc;
    }
    for (i = 0; i < st->nresults; i++) {
        st->results[i].reasons =
            st->results[i].nreasons > 0 ? st->reasons + k : NULL;
        k += st->results[i].nreasons;
    }
    return 0;
}

static int exception_member(size_t i, lcmp__jscan *js, void *payload)
{
    lcmp__stmt_exception *e = ((reader *)payload)->e;

    switch (i) {
    case 0:
        return get_string(&e->control, js, lcmp__is_identifier, "a control id");
    case 1:
        return get_string(&e->approved_by, js, NULL, NULL);
    default:
        return get_string(&e->expires, js, is_date, "a date (YYYY-MM-DD)");
    }
}

static int read_exceptions(reader *rd, lcmp__jscan *js)
{
    static const char *const names[] = {
        "control", "approved_by", "expires", NULL};
    lcmp__statement *st = rd->st;
    int rc;

    if ((rc = lcmp__jscan_array(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_element(js)) == 1) {
        if (grow((void **)&st->exceptions,
                 &rd->exceptions_cap,
                 st->nexceptions + 1,
                 sizeof(*st->exceptions)) < 0)
        {
            return oom(js);
        }
        rd->e = &st->exceptions[st->nexceptions++];
        if ((rc = read_object(js, names, 0, exception_member, rd)) < 0) {
            return rc;
        }
    }
    return rc;
}

static int organisation_member(size_t i, lcmp__jscan *js, void *payload)
{
    lcmp_statement_info *in = payload;

    return i == 0 ? get_string(&in->organisation_id,
                               js,
                               lcmp__is_identifier,
                               "an organisation id")
                  : get_string(&in->organisation_name, js, NULL, NULL);
}

static int baseline_member(size_t i, lcmp__jscan *js, void *payload)
{
    lcmp_statement_info *in = payload;

    switch (i) {
    case 0:
        return get_string(
            &in->baseline_id, js, lcmp__is_identifier, "a baseline id");
    case 1:
        return get_string(&in->release, js, is_nonempty, "a release tag");
    case 2:
        return get_string(&in->tag_id,
                          js,
                          lcmp__is_git_oid,
                          "a Git object id (40 or 64 lowercase hex digits)");
    case 3:
        return get_string(&in->commit_id,
                          js,
                          lcmp__is_git_oid,
                          "a Git object id (40 or 64 lowercase hex digits)");
    default:
        return get_string(
            &in->profile, js, lcmp__is_identifier, "a profile id");
    }
}

static int declaration_member(size_t i, lcmp__jscan *js, void *payload)
{
    lcmp_statement_info *in = payload;

    (void)i;
    return get_string(&in->declaration_sha256,
                      js,
                      is_sha256,
                      "a sha256 (64 lowercase hex digits)");
}

static int tool_member(size_t i, lcmp__jscan *js, void *payload)
{
    lcmp_statement_info *in = payload;

    return get_string(
        i == 0 ? &in->tool_name : &in->tool_version, js, NULL, NULL);
}

static int summary_member(size_t i, lcmp__jscan *js, void *payload)
{
    lcmp_counts *c = payload;
    const int64_t big = (int64_t)1 << 40;
    size_t *fields[] = {&c->controls,
                        &c->compliant,
                        &c->non_compliant,
                        &c->excepted,
                        &c->not_applicable,
                        &c->undeclared};
    size_t score = 0;
    int rc;

    if (i < 6) {
        return get_count(fields[i], js, big);
    }
    rc = get_count(&score, js, 100);
    c->score = (unsigned int)score;
    return rc;
}

static int predicate_member(size_t i, lcmp__jscan *js, void *payload)
{
    static const char *const organisation[] = {"id", "name", NULL};
    static const char *const baseline[] = {
        "id", "release", "tag_id", "commit_id", "profile", NULL};
    static const char *const declaration[] = {"sha256", NULL};
    static const char *const tool[] = {"name", "version", NULL};
    static const char *const summary[] = {"controls",
                                          "compliant",
                                          "non_compliant",
                                          "excepted",
                                          "not_applicable",
                                          "undeclared",
                                          "score",
                                          NULL};
    reader *rd = payload;
    lcmp_statement_info *in = &rd->st->info;

    switch (i) {
    case 0:
        return read_object(js, organisation, 0, organisation_member, in);
    case 1:
        return read_object(js, baseline, 0, baseline_member, in);
    case 2:
        return read_object(js, declaration, 0, declaration_member, in);
    case 3:
        return get_time(&in->evaluated_at, js);
    case 4:
        if (get_time(&in->valid_until, js) < 0) {
            return LCMP_EPARSE;
        }
        /* the members are read in any order: compared at the end */
        return 0;
    case 5:
        return read_object(js, tool, 0, tool_member, in);
    case 6:
        return read_object(js, summary, 0, summary_member, &in->summary);
    case 7:
        return read_results(rd, js);
    default:
        return read_exceptions(rd, js);
    }
}

/* A digest member that must repeat the predicate's value. */
typedef struct digest_check {
    const char *const *names;
    const char *want[2];
    const char *what[2];
} digest_check;

static int digest_member(size_t i, lcmp__jscan *js, void *payload)
{
    const digest_check *dc = payload;
    const char *v = NULL;
    int rc = lcmp__jscan_string(js, &v, NULL);

    if (rc == 0 && strcmp(v, dc->want[i]) != 0) {
        rc = lcmp__jscan_error(js,
                               LCMP_EPARSE,
                               "%s is '%s', expected '%s'",
                               dc->what[i],
                               v,
                               dc->want[i]);
    }
    return rc;
}

static int subject_member(size_t i, lcmp__jscan *js, void *payload)
{
    const char *name;

    if (i == 0) {
        return lcmp__jscan_string(js, &name, NULL);
    }
    return read_object(
        js, ((const digest_check *)payload)->names, 0, digest_member, payload);
}

static int read_subjects(const lcmp_statement_info *in, lcmp__jscan *js)
{
    static const char *const names[] = {"name", "digest", NULL};
    static const char *const decl[] = {"sha256", NULL};
    static const char *const git[] = {"gitCommit", "gitTag", NULL};
    digest_check dc[2] = {{decl,
                           {in->declaration_sha256, NULL},
                           {"the declaration subject's sha256", NULL}},
                          {git,
                           {in->commit_id, in->tag_id},
                           {"the baseline subject's gitCommit",
                            "the baseline subject's gitTag"}}};
    size_t n = 0;
    int rc;

    if ((rc = lcmp__jscan_array(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_element(js)) == 1) {
        if (n == 2) {
            return lcmp__jscan_error(js,
                                     LCMP_EPARSE,
                                     "expected 2 subjects (declaration, "
                                     "baseline release)");
        }
        if ((rc = read_object(js, names, 1u << 0, subject_member, &dc[n])) < 0)
        {
            return rc;
        }
        n++;
    }
    if (rc == 0 && n != 2) {
        rc = lcmp__jscan_error(js,
                               LCMP_EPARSE,
                               "expected 2 subjects (declaration, baseline "
                               "release), got %zu",
                               n);
    }
    return rc;
}

/*
 * The first pass reads the whole document: its syntax, the two type URIs,
 * and where the predicate and the subjects start. A member that is not
 * allowed is remembered, not refused yet: the syntax of the rest is
 * checked first, so that a payload that is not even strict JSON always
 * says so.
 */
typedef struct top {
    const char *type;
    const char *predicate_type;
    const uint8_t *predicate;
    const uint8_t *subject;
    const char *unknown; /* the first unknown member */
} top;

static int read_top(top *t, lcmp__jscan *js)
{
    static const char *const names[] = {
        "_type", "predicateType", "predicate", "subject", NULL};
    const char *key;
    uint32_t seen = 0;
    size_t i;
    int rc;

    if ((rc = lcmp__jscan_object(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_member(js, &key)) == 1) {
        i = find_name(names, key);
        if (names[i] == NULL) {
            if (t->unknown == NULL) {
                t->unknown = key;
            }
            rc = lcmp__jscan_skip(js);
        } else if ((rc = lcmp__jscan_seen(js, &seen, (uint32_t)1 << i, key)) ==
                   0) {
            if (i == 0) {
                rc = lcmp__jscan_string(js, &t->type, NULL);
            } else if (i == 1) {
                rc = lcmp__jscan_string(js, &t->predicate_type, NULL);
            } else {
                (void)lcmp__jscan_peek(js); /* past the whitespace */
                if (i == 2) {
                    t->predicate = js->p;
                } else {
                    t->subject = js->p;
                }
                rc = lcmp__jscan_skip(js);
            }
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc < 0 || (rc = lcmp__jscan_finish(js)) < 0) {
        return rc;
    }
    for (i = 0; names[i] != NULL; i++) {
        if ((seen & ((uint32_t)1 << i)) == 0) {
            return lcmp__jscan_error(
                js, LCMP_EPARSE, "missing member '%s'", names[i]);
        }
    }
    return 0;
}

/* Re-read a top-level member's value at `at`, named `key` in pointers. */
static void rewind_to(lcmp__jscan *js, const uint8_t *at, const char *key)
{
    js->p = at;
    js->depth = 1;
    js->level[1].any = 1;
    js->level[1].key = key;
}

static int
expect_type(lcmp__jscan *js, const char *key, const char *got, const char *want)
{
    if (strcmp(got, want) == 0) {
        return 0;
    }
    js->depth = 1;
    js->level[1].any = 1;
    js->level[1].key = key;
    return lcmp__jscan_error(
        js, LCMP_EPARSE, "%s is '%s', expected '%s'", key, got, want);
}

/*
 * The careful reading: two passes, so that the type URIs are judged before
 * anything else and a payload that is not strict JSON says so first. It
 * gives every refusal its proper message.
 */
static int parse_careful(lcmp__statement *st, lcmp__jscan *js)
{
    static const char *const pred[] = {"organisation",
                                       "baseline",
                                       "declaration",
                                       "evaluated_at",
                                       "valid_until",
                                       "tool",
                                       "summary",
                                       "results",
                                       "exceptions",
                                       NULL};
    top t = {NULL, NULL, NULL, NULL, NULL};
    reader rd;
    int rc;

    memset(&rd, 0, sizeof(rd));
    rd.st = st;
    if ((rc = read_top(&t, js)) < 0 ||
        (rc = expect_type(js, "_type", t.type, LCMP_STATEMENT_TYPE)) < 0 ||
        (rc = expect_type(js,
                          "predicateType",
                          t.predicate_type,
                          LCMP_STATEMENT_PREDICATE_TYPE)) < 0)
    {
        return rc;
    }
    if (t.unknown != NULL) {
        rewind_to(js, js->p, t.unknown);
        return lcmp__jscan_error(
            js, LCMP_EPARSE, "unknown member '%s'", t.unknown);
    }
    rewind_to(js, t.predicate, "predicate");
    if ((rc = read_object(js, pred, 0, predicate_member, &rd)) < 0) {
        return rc;
    }
    if (st->info.valid_until < st->info.evaluated_at) {
        rewind_to(js, t.predicate, "predicate");
        js->depth = 2;
        js->level[2].any = 1;
        js->level[2].key = "valid_until";
        return lcmp__jscan_error(
            js, LCMP_EPARSE, "valid_until is before evaluated_at");
    }
    rewind_to(js, t.subject, "subject");
    return read_subjects(&st->info, js);
}

/*
 * The fast reading of a valid statement: one pass in document order (the
 * order our writer uses: _type, predicate, predicateType, subject). Any
 * failure — or subjects before the predicate — sends the caller to
 * parse_careful(), which accepts exactly the same documents and says why
 * this one is refused.
 */
static int parse_fast(lcmp__statement *st, lcmp__jscan *js)
{
    static const char *const pred[] = {"organisation",
                                       "baseline",
                                       "declaration",
                                       "evaluated_at",
                                       "valid_until",
                                       "tool",
                                       "summary",
                                       "results",
                                       "exceptions",
                                       NULL};
    const char *key, *type = NULL, *ptype = NULL;
    uint32_t seen = 0;
    reader rd;
    int rc;

    memset(&rd, 0, sizeof(rd));
    rd.st = st;
    if ((rc = lcmp__jscan_object(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_member(js, &key)) == 1) {
        if (strcmp(key, "_type") == 0 && (seen & 1) == 0) {
            seen |= 1;
            rc = lcmp__jscan_string(js, &type, NULL);
        } else if (strcmp(key, "predicateType") == 0 && (seen & 2) == 0) {
            seen |= 2;
            rc = lcmp__jscan_string(js, &ptype, NULL);
        } else if (strcmp(key, "predicate") == 0 && (seen & 4) == 0) {
            seen |= 4;
            rc = read_object(js, pred, 0, predicate_member, &rd);
        } else if (strcmp(key, "subject") == 0 && seen == 7) {
            seen |= 8;
            rc = read_subjects(&st->info, js);
        } else {
            rc = LCMP_EPARSE;
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc < 0 || (rc = lcmp__jscan_finish(js)) < 0) {
        return rc;
    }
    if (seen != 15 || strcmp(type, LCMP_STATEMENT_TYPE) != 0 ||
        strcmp(ptype, LCMP_STATEMENT_PREDICATE_TYPE) != 0 ||
        st->info.valid_until < st->info.evaluated_at)
    {
        return LCMP_EPARSE;
    }
    return 0;
}

static void statement_reset(lcmp__statement *st)
{
    free(st->results);
    free(st->reasons);
    free(st->exceptions);
    memset(st, 0, sizeof(*st));
}

int lcmp__statement_parse(lcmp__statement **out,
                          const uint8_t *buf,
                          size_t len,
                          const char *source,
                          lcmp_error *err)
{
    lcmp__statement *st = NULL;
    lcmp__jscan js;
    int rc;

    *out = NULL;
    if (source == NULL) {
        source = "<payload>";
    }
    if (len > LCMP__DEFAULT_MAX_FILE_SIZE) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               source,
                               NULL,
                               "file is larger than %zu bytes",
                               LCMP__DEFAULT_MAX_FILE_SIZE);
    }
    /* the fast pass reports nothing: the careful one does */
    rc = lcmp__jscan_init(&js, buf, len, source, LCMP__DEFAULT_MAX_DEPTH, NULL);
    if (rc < 0) {
        return lcmp__error_set(err, rc, source, NULL, "out of memory");
    }
    st = calloc(1, sizeof(*st));
    if (st == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
        goto done;
    }
    rc = parse_fast(st, &js);
    if (rc < 0 && rc != LCMP_ENOMEM) {
        statement_reset(st);
        js.p = js.start;
        js.depth = 0;
        js.used = 0;
        js.err = err;
        rc = parse_careful(st, &js);
    } else if (rc == LCMP_ENOMEM) {
        rc = lcmp__error_set(err, rc, source, NULL, "out of memory");
    }
    if (rc < 0) {
        goto done;
    }
    st->strings = lcmp__jscan_take_strings(&js);
    *out = st;
    st = NULL;

done:
    lcmp__statement_free(st);
    lcmp__jscan_dispose(&js);
    return rc;
}
