/*
 * Tests of OSCAL interoperability (libcompliance/oscal*.c).
 *
 * Against NIST's own data (LCMP_OSCAL_DIR, default ../shared/anchors/oscal;
 * tests that need it report themselves skipped, saying why, when it is
 * absent): resolving the SP 800-53 rev5 5.0.1 LOW, MODERATE and HIGH
 * profiles gives exactly NIST's resolved catalogs' controls, order,
 * parameters, groups and back-matter; the 5.1.1 profiles (imported by
 * "#uuid") give the control ids of NIST's 5.1.1 resolved catalogs.
 *
 * Everywhere, on the fixtures of tests/data/oscal (written by hand; the
 * expected values below are too): selection, merge as-is / flat /
 * use-first, set-parameters, alters, chained profiles, import by uuid,
 * pruning, determinism, warnings, refusals with their file and JSON
 * pointer, OSCAL as baselines (directly and through a manifest) and
 * assessment results.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model.h"
#include "oscal.h"
#include "util.h"

#define NIST_511_UUID "#84cbf061-eb87-4ec1-8112-1f529232e907"

static const char *source_dir(void)
{
    const char *dir = getenv("LCMP_SOURCE_DIR");

    return dir != NULL && dir[0] != '\0' ? dir : "..";
}

/* tests/data/oscal/<name> */
static void fixture(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/tests/data/oscal/%s", source_dir(), name);
}

static int file_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A file of the NIST anchors, or NULL (with a printed reason) when the
 * data is absent. */
static const char *nist_file(char *out, size_t size, const char *rel)
{
    const char *dir = getenv("LCMP_OSCAL_DIR");

    if (dir == NULL || dir[0] == '\0') {
        dir = "../../shared/anchors/oscal";
    }
    snprintf(out, size, "%s/%s", dir, rel);
    if (!file_exists(out)) {
        print_message("skipped: NIST OSCAL data not found: %s (set "
                      "LCMP_OSCAL_DIR)\n",
                      out);
        return NULL;
    }
    return out;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Resolve and parse; fails the test on an error. */
static json_t *
resolve(const char *path, const lcmp_oscal_options *opts, lcmp_buf *text)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;
    json_error_t jerr;
    json_t *doc;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_oscal_resolve(&buf, path, opts, 0, &err);
    if (rc != 0) {
        print_message("%s: %s: %s\n", err.source, err.pointer, err.message);
    }
    assert_int_equal(rc, 0);
    assert_non_null(buf.ptr);
    assert_int_equal(buf.ptr[buf.size - 1], '\n');
    doc = json_loadb(buf.ptr, buf.size, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(doc);
    if (text != NULL) {
        *text = buf;
    } else {
        lcmp_buf_dispose(&buf);
    }
    return doc;
}

static json_t *resolve_fixture(const char *name, const lcmp_oscal_options *opts)
{
    char path[1024];

    fixture(path, sizeof(path), name);
    return resolve(path, opts, NULL);
}

/* Control ids of a catalog in document order (controls, then groups). */
static void collect(json_t *ids, const json_t *holder)
{
    const json_t *v;
    size_t k;

    json_array_foreach (json_object_get(holder, "controls"), k, v) {
        json_array_append_new(
            ids, json_string(json_string_value(json_object_get(v, "id"))));
        collect(ids, v);
    }
    json_array_foreach (json_object_get(holder, "groups"), k, v) {
        collect(ids, v);
    }
}

static json_t *ids_of(const json_t *doc)
{
    json_t *ids = json_array();

    collect(ids, json_object_get(doc, "catalog"));
    return ids;
}

/* "a,b,c" as a JSON array of strings. */
static json_t *list(const char *csv)
{
    json_t *a = json_array();
    const char *s = csv;

    while (*s != '\0') {
        size_t n = strcspn(s, ",");
        char item[128];

        snprintf(item, sizeof(item), "%.*s", (int)n, s);
        json_array_append_new(a, json_string(item));
        s += n;
        if (*s == ',') {
            s++;
        }
    }
    return a;
}

static void assert_ids(const json_t *doc, const char *csv)
{
    json_t *got = ids_of(doc), *want = list(csv);
    char *g = json_dumps(got, JSON_COMPACT);

    if (!json_equal(got, want)) {
        print_message("ids: %s, want %s\n", g, csv);
    }
    free(g);
    assert_true(json_equal(got, want));
    json_decref(got);
    json_decref(want);
}

/* The control with this id anywhere in a catalog document, or NULL. */
static const json_t *find_in(const json_t *holder, const char *id)
{
    const json_t *v, *hit;
    size_t k;

    json_array_foreach (json_object_get(holder, "controls"), k, v) {
        const char *cid = json_string_value(json_object_get(v, "id"));

        if (cid != NULL && strcmp(cid, id) == 0) {
            return v;
        }
        if ((hit = find_in(v, id)) != NULL) {
            return hit;
        }
    }
    json_array_foreach (json_object_get(holder, "groups"), k, v) {
        if ((hit = find_in(v, id)) != NULL) {
            return hit;
        }
    }
    return NULL;
}

static const json_t *control(const json_t *doc, const char *id)
{
    const json_t *c = find_in(json_object_get(doc, "catalog"), id);

    assert_non_null(c);
    return c;
}

/* values[0] of parameter `pid` of control `cid` (NULL without values). */
static const char *
param_value(const json_t *doc, const char *cid, const char *pid)
{
    const json_t *v;
    size_t k;

    json_array_foreach (json_object_get(control(doc, cid), "params"), k, v) {
        if (strcmp(json_string_value(json_object_get(v, "id")), pid) == 0) {
            return json_string_value(
                json_array_get(json_object_get(v, "values"), 0));
        }
    }
    fail_msg("no parameter %s in %s", pid, cid);
    return NULL;
}

static const char *str_at(const json_t *doc, const char *path)
{
    /* a tiny subset of JSON pointers: "/a/b/0/c" */
    const json_t *v = doc;
    char seg[128];
    const char *s = path;

    while (*s == '/') {
        size_t n = strcspn(s + 1, "/");

        snprintf(seg, sizeof(seg), "%.*s", (int)n, s + 1);
        if (json_is_array(v)) {
            v = json_array_get(v, (size_t)strtoul(seg, NULL, 10));
        } else {
            v = json_object_get(v, seg);
        }
        s += n + 1;
    }
    return json_string_value(v);
}

static int is_uuid5(const char *s)
{
    size_t i;

    if (s == NULL || strlen(s) != 36 || s[14] != '5' ||
        strchr("89ab", s[19]) == NULL)
    {
        return 0;
    }
    for (i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : strchr("0123456789abcdef", s[i]) == NULL) {
            return 0;
        }
    }
    return 1;
}

/*
 * NIST SP 800-53 rev5.
 */

static void nist_501(const char *level)
{
    char profile[1024], resolved[1024], rel[256];
    json_t *mine, *nist, *mine_ids, *nist_ids, *a, *b;
    json_error_t jerr;
    size_t i, nparams = 0;

    snprintf(rel,
             sizeof(rel),
             "sp800-53-rev5.0.1/NIST_SP-800-53_rev5_%s-baseline_profile.json",
             level);
    if (nist_file(profile, sizeof(profile), rel) == NULL) {
        skip();
    }
    snprintf(rel,
             sizeof(rel),
             "sp800-53-rev5.0.1/"
             "NIST_SP-800-53_rev5_%s-baseline-resolved-profile_catalog.json",
             level);
    if (nist_file(resolved, sizeof(resolved), rel) == NULL) {
        skip();
    }
    mine = resolve(profile, NULL, NULL);
    nist = json_load_file(resolved, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(nist);

    /* the same controls in the same order */
    mine_ids = ids_of(mine);
    nist_ids = ids_of(nist);
    assert_int_equal(json_array_size(mine_ids), json_array_size(nist_ids));
    for (i = 0; i < json_array_size(nist_ids); i++) {
        assert_string_equal(json_string_value(json_array_get(mine_ids, i)),
                            json_string_value(json_array_get(nist_ids, i)));
    }
    /* with the same parameters and values */
    for (i = 0; i < json_array_size(nist_ids); i++) {
        const char *id = json_string_value(json_array_get(nist_ids, i));

        a = json_object_get(control(mine, id), "params");
        b = json_object_get(control(nist, id), "params");
        assert_true(json_equal(a, b) || (a == NULL && b == NULL));
        nparams += json_array_size(b);
    }
    assert_true(nparams > 0);
    /* everything else of the controls and groups, and the back-matter */
    assert_true(json_equal(
        json_object_get(json_object_get(mine, "catalog"), "groups"),
        json_object_get(json_object_get(nist, "catalog"), "groups")));
    assert_true(json_equal(
        json_object_get(json_object_get(mine, "catalog"), "back-matter"),
        json_object_get(json_object_get(nist, "catalog"), "back-matter")));
    /* the metadata is the profile's, with our resolution marks */
    assert_string_equal(str_at(mine, "/catalog/metadata/title"),
                        str_at(nist, "/catalog/metadata/title"));
    assert_string_equal(str_at(mine, "/catalog/metadata/props/0/name"),
                        "resolution-tool");
    assert_string_equal(str_at(mine, "/catalog/metadata/links/0/rel"),
                        "source-profile");
    assert_true(is_uuid5(str_at(mine, "/catalog/uuid")));
    json_decref(mine_ids);
    json_decref(nist_ids);
    json_decref(mine);
    json_decref(nist);
}

static void test_oscal__nist_501_low(void **state)
{
    (void)state;
    nist_501("LOW");
}

static void test_oscal__nist_501_moderate(void **state)
{
    (void)state;
    nist_501("MODERATE");
}

static void test_oscal__nist_501_high(void **state)
{
    (void)state;
    nist_501("HIGH");
}

/*
 * The 5.1.1 profiles import the catalog by "#uuid", a back-matter resource
 * whose rlinks point at the upstream tree. The 5.1.1 catalog is not in the
 * anchors (too large); when absent, the 5.0.1 catalog stands in (the
 * baselines' selections are identical), mapped through the href map.
 */
static void nist_511(const char *level, const char *resolved_name)
{
    char profile[1024], resolved[1024], catalog[1024], rel[256];
    lcmp_oscal_options opts = LCMP_OSCAL_OPTIONS_INIT;
    lcmp_oscal_href map;
    json_t *mine, *nist, *a, *b;
    json_error_t jerr;
    const char *dir = getenv("LCMP_OSCAL_DIR");

    snprintf(rel,
             sizeof(rel),
             "sp800-53-rev5.1.1/NIST_SP-800-53_rev5_%s-baseline_profile.json",
             level);
    if (nist_file(profile, sizeof(profile), rel) == NULL) {
        skip();
    }
    snprintf(rel, sizeof(rel), "sp800-53-rev5.1.1/%s", resolved_name);
    if (nist_file(resolved, sizeof(resolved), rel) == NULL) {
        skip();
    }
    snprintf(catalog,
             sizeof(catalog),
             "%s/sp800-53-rev5.1.1/NIST_SP-800-53_rev5_catalog.json",
             dir != NULL && dir[0] != '\0' ? dir
                                           : "../../shared/anchors/oscal");
    if (!file_exists(catalog)) {
        print_message("note: no 5.1.1 catalog in the anchors: the 5.0.1 "
                      "catalog stands in for it\n");
        if (nist_file(catalog,
                      sizeof(catalog),
                      "sp800-53-rev5.0.1/NIST_SP-800-53_rev5_catalog.json") ==
            NULL)
        {
            skip();
        }
    }
    map.href = NIST_511_UUID;
    map.path = catalog;
    opts.hrefs = &map;
    opts.nhrefs = 1;
    mine = resolve(profile, &opts, NULL);
    nist = json_load_file(resolved, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(nist);
    a = ids_of(mine);
    b = ids_of(nist);
    assert_true(json_array_size(b) > 100);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    json_decref(mine);
    json_decref(nist);
}

static void test_oscal__nist_511_low(void **state)
{
    (void)state;
    nist_511("LOW",
             "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json");
}

static void test_oscal__nist_511_moderate(void **state)
{
    (void)state;
    nist_511("MODERATE",
             "NIST_SP-800-53_rev5_MODERATE-baseline-resolved-profile_"
             "catalog.json");
}

static void test_oscal__nist_511_high(void **state)
{
    (void)state;
    nist_511("HIGH",
             "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-"
             "min.json");
}

/* Without the map, the uuid import follows the JSON rlink, which is not
 * there: an error at the import, naming the file it looked for. */
static void test_oscal__nist_511_uuid_import_followed(void **state)
{
    char profile[1024];
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_error err;
    int rc;

    (void)state;
    if (nist_file(profile,
                  sizeof(profile),
                  "sp800-53-rev5.1.1/"
                  "NIST_SP-800-53_rev5_LOW-baseline_profile.json") == NULL)
    {
        skip();
    }
    rc = lcmp_oscal_resolve(&out, profile, NULL, 0, &err);
    assert_int_equal(rc, LCMP_ENOTFOUND);
    assert_true(ends_with(err.source, "LOW-baseline_profile.json"));
    assert_string_equal(err.pointer, "/profile/imports/0/href");
    assert_non_null(strstr(err.message, NIST_511_UUID));
    assert_non_null(
        strstr(err.message,
               "nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json"));
    assert_null(out.ptr);
}

static void test_oscal__nist_deterministic(void **state)
{
    char profile[1024];
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT;
    json_t *x, *y;

    (void)state;
    if (nist_file(profile,
                  sizeof(profile),
                  "sp800-53-rev5.0.1/"
                  "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json") == NULL)
    {
        skip();
    }
    x = resolve(profile, NULL, &a);
    y = resolve(profile, NULL, &b);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.ptr, b.ptr, a.size);
    /* last-modified is the newest input's, not the clock */
    assert_string_equal(str_at(x, "/catalog/metadata/last-modified"),
                        "2021-06-08T17:57:34Z");
    json_decref(x);
    json_decref(y);
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
}

/*
 * Fixtures: resolution.
 */

static void test_oscal__asis(void **state)
{
    json_t *doc = resolve_fixture("profile-asis.json", NULL);
    const json_t *a1, *v;
    size_t k;

    (void)state;
    /* with-ids a-1 and a-2.1 (whose parent a-2 comes along), matching
     * b-*, b-2 excluded; group c kept for its keep=always */
    assert_ids(doc, "a-1,a-2,a-2.1,b-1");
    assert_string_equal(str_at(doc, "/catalog/groups/0/id"), "a");
    assert_string_equal(str_at(doc, "/catalog/groups/1/id"), "b");
    assert_string_equal(str_at(doc, "/catalog/groups/2/id"), "c");
    assert_null(json_object_get(
        json_array_get(
            json_object_get(json_object_get(doc, "catalog"), "groups"), 2),
        "groups"));
    assert_string_equal(
        str_at(doc, "/catalog/groups/0/controls/1/controls/0/id"), "a-2.1");
    /* set-parameters */
    assert_string_equal(param_value(doc, "a-1", "a-1_prm_1"), "monthly");
    assert_string_equal(param_value(doc, "a-1", "a-1_prm_2"), "digital");
    a1 = control(doc, "a-1");
    json_array_foreach (json_object_get(a1, "params"), k, v) {
        assert_null(json_object_get(v, "select")); /* replaced by values */
    }
    /* alters: guidance removed, prop added at the end, part after a.1 */
    assert_int_equal(json_array_size(json_object_get(a1, "parts")), 1);
    assert_string_equal(str_at(a1, "/props/0/name"), "label");
    assert_string_equal(str_at(a1, "/props/1/name"), "priority");
    assert_string_equal(str_at(a1, "/parts/0/parts/0/id"), "a-1_smt.a");
    assert_string_equal(str_at(a1, "/parts/0/parts/1/id"), "a-1_smt.a2");
    assert_string_equal(str_at(a1, "/parts/0/parts/2/id"), "a-1_smt.b");
    /* the source documents are not changed by the alters */
    assert_string_equal(str_at(control(doc, "a-2"), "/props/0/name"), "label");
    /* loose-1 is referenced by b-1, loose-2 by nothing */
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(doc, "catalog"), "params")),
                     1);
    assert_string_equal(str_at(doc, "/catalog/params/0/id"), "loose-1");
    /* back-matter: the referenced resource and the keep=always one */
    assert_string_equal(str_at(doc, "/catalog/back-matter/resources/0/uuid"),
                        "11111111-1111-4111-8111-111111111111");
    assert_string_equal(str_at(doc, "/catalog/back-matter/resources/1/uuid"),
                        "33333333-3333-4333-8333-333333333333");
    assert_null(str_at(doc, "/catalog/back-matter/resources/2/uuid"));
    /* metadata */
    assert_string_equal(str_at(doc, "/catalog/metadata/title"),
                        "As-is profile");
    assert_string_equal(str_at(doc, "/catalog/metadata/last-modified"),
                        "2025-02-01T00:00:00Z");
    assert_string_equal(str_at(doc, "/catalog/metadata/props/0/value"),
                        "libcompliance " LCMP_VERSION);
    assert_string_equal(str_at(doc, "/catalog/metadata/links/0/href"),
                        "profile-asis.json");
    assert_true(is_uuid5(str_at(doc, "/catalog/uuid")));
    json_decref(doc);
}

static void test_oscal__flat(void **state)
{
    json_t *doc = resolve_fixture("profile-flat.json", NULL);
    const json_t *cat = json_object_get(doc, "catalog");

    (void)state;
    /* include-all minus a-2 (its enhancements move up) and c* */
    assert_ids(doc, "a-1,a-2.1,a-2.2,b-1,b-2");
    assert_null(json_object_get(cat, "groups"));
    assert_int_equal(json_array_size(json_object_get(cat, "controls")), 5);
    assert_string_equal(param_value(doc, "a-1", "a-1_prm_1"), "yearly");
    /* b-2 now references the second resource */
    assert_string_equal(str_at(doc, "/catalog/back-matter/resources/1/uuid"),
                        "22222222-2222-4222-8222-222222222222");
    json_decref(doc);
}

static void test_oscal__chained_profiles(void **state)
{
    json_t *doc = resolve_fixture("profile-chain.json", NULL);

    (void)state;
    /* profile-asis resolved first, then b-1 excluded */
    assert_ids(doc, "a-1,a-2,a-2.1");
    assert_string_equal(param_value(doc, "a-1", "a-1_prm_1"), "monthly");
    assert_string_equal(param_value(doc, "a-2.1", "a-2.1_prm_1"),
                        "a directory service");
    /* without b-1, loose-1 is referenced no more */
    assert_null(json_object_get(json_object_get(doc, "catalog"), "params"));
    assert_string_equal(str_at(doc, "/catalog/metadata/last-modified"),
                        "2025-04-01T00:00:00Z");
    json_decref(doc);
}

static void test_oscal__import_by_uuid_and_xml_name(void **state)
{
    json_t *doc = resolve_fixture("profile-uuid.json", NULL);

    (void)state;
    /* "#c000...04" -> rlink catalog.xml -> catalog.json; with children */
    assert_ids(doc, "a-2,a-2.1,a-2.2");
    json_decref(doc);
}

static void test_oscal__use_first(void **state)
{
    json_t *doc = resolve_fixture("profile-usefirst.json", NULL);

    (void)state;
    assert_ids(doc, "a-1,b-1");
    assert_string_equal(str_at(control(doc, "a-1"), "/title"),
                        "Policy (other edition)");
    /* both catalogs bring loose-1: once in the output */
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(doc, "catalog"), "params")),
                     1);
    assert_string_equal(str_at(doc, "/catalog/metadata/last-modified"),
                        "2025-03-01T00:00:00Z");
    json_decref(doc);
}

static void test_oscal__deterministic(void **state)
{
    char path[1024];
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT, c = LCMP_BUF_INIT;
    lcmp_oscal_options opts = LCMP_OSCAL_OPTIONS_INIT;
    json_t *x, *y, *z;

    (void)state;
    fixture(path, sizeof(path), "profile-chain.json");
    x = resolve(path, NULL, &a);
    y = resolve(path, NULL, &b);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.ptr, b.ptr, a.size);
    /* another input, another uuid; a given time is used as given */
    fixture(path, sizeof(path), "profile-asis.json");
    opts.last_modified = 1795762800; /* 2026-11-27T07:00:00Z */
    z = resolve(path, &opts, &c);
    assert_string_not_equal(str_at(x, "/catalog/uuid"),
                            str_at(z, "/catalog/uuid"));
    assert_string_equal(str_at(z, "/catalog/metadata/last-modified"),
                        "2026-11-27T07:00:00Z");
    json_decref(x);
    json_decref(y);
    json_decref(z);
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
    lcmp_buf_dispose(&c);
}

typedef struct warnings {
    char pointers[8][256];
    char messages[8][256];
    size_t n;
} warnings;

static void collect_warning(const lcmp_error *w, void *payload)
{
    warnings *ws = payload;

    if (ws->n < 8) {
        snprintf(ws->pointers[ws->n], 256, "%s", w->pointer);
        snprintf(ws->messages[ws->n], 256, "%s", w->message);
        ws->n++;
    }
}

static void test_oscal__warnings(void **state)
{
    lcmp_oscal_options opts = LCMP_OSCAL_OPTIONS_INIT;
    warnings ws;
    json_t *doc;

    (void)state;
    memset(&ws, 0, sizeof(ws));
    opts.warn = collect_warning;
    opts.warn_payload = &ws;
    doc = resolve_fixture("profile-warn.json", &opts);
    assert_ids(doc, "a-1");
    assert_int_equal(ws.n, 5);
    assert_string_equal(ws.pointers[0],
                        "/profile/imports/0/exclude-controls/0/with-ids/0");
    assert_non_null(strstr(ws.messages[0], "'zz-1'"));
    assert_string_equal(ws.pointers[1], "/profile/modify/set-parameters/0");
    assert_non_null(strstr(ws.messages[1], "'zz_prm'"));
    assert_string_equal(ws.pointers[2], "/profile/modify/alters/0");
    assert_non_null(strstr(ws.messages[2], "'b-2' is not selected"));
    assert_string_equal(ws.pointers[3], "/profile/modify/alters/1/removes/0");
    assert_non_null(strstr(ws.messages[3], "matches nothing"));
    assert_string_equal(ws.pointers[4], "/profile/modify/alters/1/adds/0");
    assert_non_null(strstr(ws.messages[4], "'nope'"));
    json_decref(doc);
}

/*
 * Refusals: code, file, JSON pointer, message.
 */

static void refused(const char *name,
                    int code,
                    const char *source_suffix,
                    const char *pointer,
                    const char *message_part)
{
    char path[1024];
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_error err;
    int rc;

    fixture(path, sizeof(path), name);
    lcmp_error_clear(&err);
    rc = lcmp_oscal_resolve(&out, path, NULL, 0, &err);
    if (rc != code || strstr(err.message, message_part) == NULL) {
        print_message("%s: %d %s: %s: %s\n",
                      name,
                      rc,
                      err.source,
                      err.pointer,
                      err.message);
    }
    assert_int_equal(rc, code);
    assert_int_equal(err.code, code);
    assert_true(ends_with(err.source, source_suffix));
    assert_string_equal(err.pointer, pointer);
    assert_non_null(strstr(err.message, message_part));
    assert_null(out.ptr);
}

static void test_oscal__refuses_cycle(void **state)
{
    (void)state;
    /* a imports b, which imports a: found while resolving b */
    refused("bad-cycle-a.json",
            LCMP_EINVALID,
            "tests/data/oscal/bad-cycle-b.json",
            "/profile/imports/0/href",
            "import cycle: ");
    refused("bad-cycle-a.json",
            LCMP_EINVALID,
            "bad-cycle-b.json",
            "/profile/imports/0/href",
            "bad-cycle-a.json -> ");
}

static void test_oscal__refuses_missing_import(void **state)
{
    (void)state;
    refused("bad-missing.json",
            LCMP_ENOTFOUND,
            "tests/data/oscal/bad-missing.json",
            "/profile/imports/1/href",
            "import 'no-such-catalog.json'");
}

static void test_oscal__refuses_bad_hrefs(void **state)
{
    (void)state;
    refused("bad-url.json",
            LCMP_EINVALID,
            "bad-url.json",
            "/profile/imports/0/href",
            "'https://example.org/catalog.json' is a URL");
    refused("bad-uuid.json",
            LCMP_EINVALID,
            "bad-uuid.json",
            "/profile/imports/0/href",
            "no back-matter resource with uuid "
            "'d0000000-0000-4000-8000-00000000ffff'");
}

static void test_oscal__refuses_unknown_merge(void **state)
{
    (void)state;
    refused("bad-custom.json",
            LCMP_EINVALID,
            "bad-custom.json",
            "/profile/merge/custom",
            "merge directive 'custom' is not supported");
    refused("bad-combine.json",
            LCMP_EINVALID,
            "bad-combine.json",
            "/profile/merge/combine/method",
            "merge combine method 'merge' is not supported");
    refused("bad-directive.json",
            LCMP_EPARSE,
            "bad-directive.json",
            "/profile/merge/flatten",
            "unknown member 'flatten'");
}

static void test_oscal__refuses_unknown_control(void **state)
{
    (void)state;
    refused("bad-control.json",
            LCMP_EINVALID,
            "bad-control.json",
            "/profile/imports/0/include-controls/0/with-ids/1",
            "unknown control 'zz-9'");
}

static void test_oscal__refuses_conflicting_duplicates(void **state)
{
    (void)state;
    refused("bad-keep.json",
            LCMP_EINVALID,
            "bad-keep.json",
            "/profile/imports/1",
            "control 'a-1' is imported again with other content");
}

static void test_oscal__refuses_non_oscal(void **state)
{
    char path[1024];
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    snprintf(path,
             sizeof(path),
             "%s/baselines/municipal/baseline.json",
             source_dir());
    assert_int_equal(lcmp_oscal_resolve(&out, path, NULL, 0, &err),
                     LCMP_EPARSE);
    assert_true(ends_with(err.source, "baseline.json"));
    assert_string_equal(err.pointer, "/schema");
    assert_non_null(strstr(err.message, "not an OSCAL catalog or profile"));
}

static void test_oscal__normalise(void **state)
{
    char *s;

    (void)state;
    s = lcmp__oscal_normalise("a/./b/../c.json", 1);
    assert_string_equal(s, "a/c.json");
    free(s);
    s = lcmp__oscal_normalise("../../x/y/../z.json", 0);
    assert_string_equal(s, "../../x/z.json");
    free(s);
    s = lcmp__oscal_normalise("/r/a/../../../b", 0);
    assert_string_equal(s, "/b");
    free(s);
    assert_null(lcmp__oscal_normalise("a/../../b.json", 1));
    assert_null(lcmp__oscal_normalise("/etc/passwd", 1));
}

/*
 * OSCAL as baselines.
 */

static void test_oscal__load_catalog(void **state)
{
    char path[1024];
    lcmp_baseline *b = NULL;
    lcmp_profile *p = NULL;
    lcmp_error err;
    size_t c;

    (void)state;
    fixture(path, sizeof(path), "catalog.json");
    assert_int_equal(lcmp_oscal_load_catalog(&b, path, NULL, &err), 0);
    assert_string_equal(lcmp_baseline_id(b), "catalog");
    assert_string_equal(lcmp_baseline_title(b), "ABC catalog");
    assert_string_equal(lcmp_baseline_publisher(b), "ABC Standards Body");
    assert_int_equal(lcmp_baseline_control_count(b), 7);
    /* families: groups with controls of their own, in document order */
    assert_int_equal(b->nfamilies, 3);
    assert_string_equal(b->families[0].id, "a");
    assert_string_equal(b->families[1].id, "b");
    assert_string_equal(b->families[2].id, "c1");
    assert_string_equal(b->families[2].title, "Group C1");
    c = lcmp__baseline_find(b, "a-1");
    assert_int_not_equal(c, SIZE_MAX);
    assert_string_equal(b->controls[c].title, "Policy");
    assert_string_equal(b->controls[c].description,
                        "Maintain a policy:\n"
                        "a. review it yearly;\n"
                        "b. keep it on [select one or more of: paper; "
                        "digital].");
    assert_int_equal(b->controls[c].nparams, 2);
    assert_string_equal(b->controls[c].params[0].name, "a-1_prm_1");
    assert_int_equal(b->controls[c].params[0].type, LCMP__T_STRING);
    assert_string_equal(b->controls[c].params[0].def.u.s, "yearly");
    assert_string_equal(b->controls[c].params[0].description, "frequency");
    assert_string_equal(b->controls[c].params[1].def.u.s, "");
    assert_string_equal(b->controls[c].params[1].description,
                        "select one or more of: paper; digital");
    assert_int_equal(b->controls[c].nfacts, 0);
    assert_int_equal(b->controls[c].nrules, 0);
    assert_int_equal(b->controls[c].evidence_min, 0);
    assert_true(b->controls[c].allow_na);
    c = lcmp__baseline_find(b, "b-1");
    assert_string_equal(b->controls[c].description,
                        "Back up with loose value.");
    c = lcmp__baseline_find(b, "a-2.1");
    assert_string_equal(b->controls[c].description,
                        "Use [Assignment: mechanisms].");
    c = lcmp__baseline_find(b, "a-2.2");
    assert_string_equal(b->controls[c].description,
                        "Withdrawn: incorporated into a-2.1");
    /* profile "all": every control that is not withdrawn */
    assert_int_equal(lcmp_profile_resolve(&p, b, "all", &err), 0);
    assert_int_equal(lcmp_profile_control_count(p), 6);
    assert_string_equal(lcmp_profile_control_id(p, 0), "a-1");
    assert_string_equal(lcmp_profile_control_id(p, 2), "a-2.1");
    assert_string_equal(lcmp_profile_control_id(p, 5), "c-1");
    lcmp_profile_free(p);
    lcmp_baseline_free(b);
}

static void test_oscal__load_profile(void **state)
{
    char path[1024];
    lcmp_oscal_options opts = LCMP_OSCAL_OPTIONS_INIT;
    lcmp_baseline *b = NULL;
    lcmp_profile *p = NULL;
    lcmp_error err;

    (void)state;
    fixture(path, sizeof(path), "profile-asis.json");
    assert_int_equal(lcmp_oscal_load_profile(&b, path, NULL, &err), 0);
    assert_string_equal(lcmp_baseline_id(b), "profile-asis");
    assert_int_equal(lcmp_baseline_profile_count(b), 1);
    assert_string_equal(lcmp_baseline_profile_id(b, 0), "profile-asis");
    assert_int_equal(lcmp_profile_resolve(&p, b, "profile-asis", &err), 0);
    assert_int_equal(lcmp_profile_control_count(p), 4);
    assert_string_equal(lcmp_profile_control_id(p, 0), "a-1");
    assert_string_equal(lcmp_profile_control_id(p, 1), "a-2");
    assert_string_equal(lcmp_profile_control_id(p, 2), "a-2.1");
    assert_string_equal(lcmp_profile_control_id(p, 3), "b-1");
    /* the profile's values */
    assert_string_equal(lcmp__profile_param(p, 0, 0)->u.s, "monthly");
    assert_string_equal(lcmp_profile_title(p), "As-is profile");
    lcmp_profile_free(p);
    lcmp_baseline_free(b);

    /* ids given by the caller; a catalog is not a profile */
    opts.baseline_id = "abc";
    opts.profile_id = "basic";
    assert_int_equal(lcmp_oscal_load_profile(&b, path, &opts, &err), 0);
    assert_string_equal(lcmp_baseline_id(b), "abc");
    assert_string_equal(lcmp_baseline_profile_id(b, 0), "basic");
    lcmp_baseline_free(b);
    fixture(path, sizeof(path), "catalog.json");
    assert_int_equal(lcmp_oscal_load_profile(&b, path, NULL, &err),
                     LCMP_EINVALID);
    assert_null(b);
    assert_non_null(strstr(err.message, "not an OSCAL profile"));
}

static void test_oscal__load_nist_profile(void **state)
{
    char profile[1024];
    lcmp_baseline *b = NULL;
    lcmp_profile *p = NULL;
    lcmp_error err;
    size_t c;

    (void)state;
    if (nist_file(profile,
                  sizeof(profile),
                  "sp800-53-rev5.0.1/"
                  "NIST_SP-800-53_rev5_MODERATE-baseline_profile.json") == NULL)
    {
        skip();
    }
    assert_int_equal(lcmp_oscal_load_profile(&b, profile, NULL, &err), 0);
    assert_int_equal(lcmp_baseline_control_count(b), 287);
    assert_int_equal(b->nfamilies, 18);
    assert_string_equal(b->families[0].id, "ac");
    assert_string_equal(b->families[0].title, "Access Control");
    assert_int_equal(
        lcmp_profile_resolve(
            &p, b, "NIST_SP-800-53_rev5_MODERATE-baseline_profile", &err),
        0);
    assert_int_equal(lcmp_profile_control_count(p), 287);
    assert_string_equal(lcmp_profile_control_id(p, 0), "ac-1");
    c = lcmp__baseline_find(b, "ac-2.1");
    assert_int_not_equal(c, SIZE_MAX);
    assert_string_equal(b->controls[c].title,
                        "Automated System Account Management");
    lcmp_profile_free(p);
    lcmp_baseline_free(b);
}

/* A reader for a directory of the source tree. */
static void dir_source(char *out, size_t size, const char *path, void *payload)
{
    snprintf(out, size, "%s/%s", (const char *)payload, path);
}

static int dir_read(lcmp_buf *out,
                    const char *path,
                    size_t max_size,
                    void *payload,
                    lcmp_error *err)
{
    char full[2048];

    assert_null(strstr(path, ".."));
    assert_true(path[0] != '/');
    dir_source(full, sizeof(full), path, payload);
    return lcmp__file_read(out, full, max_size, err);
}

static lcmp_baseline *load_tree(void)
{
    static char dir[1024];
    lcmp_reader reader;
    lcmp_baseline *b = NULL;
    lcmp_error err;
    int rc;

    snprintf(dir, sizeof(dir), "%s/tests/data/oscal/tree", source_dir());
    reader.read = dir_read;
    reader.source = dir_source;
    reader.payload = dir;
    lcmp_error_clear(&err);
    rc = lcmp__oscal_baseline_probe(&b, &reader, NULL, &err);
    if (rc != 1) {
        print_message("%s: %s: %s\n", err.source, err.pointer, err.message);
    }
    assert_int_equal(rc, 1);
    assert_non_null(b);
    return b;
}

static void test_oscal__manifest(void **state)
{
    char dir[1024];
    lcmp_baseline *b = load_tree(), *native = NULL;
    lcmp_profile *p = NULL;
    lcmp_reader reader;
    lcmp_error err;

    (void)state;
    assert_string_equal(lcmp_baseline_id(b), "abc");
    assert_string_equal(lcmp_baseline_title(b), "ABC baseline from OSCAL");
    assert_int_equal(lcmp_baseline_control_count(b), 7);
    assert_int_equal(lcmp_baseline_headline_count(b), 1);
    assert_int_equal(lcmp_baseline_profile_count(b), 2);
    assert_string_equal(lcmp_baseline_profile_id(b, 0), "basic");
    assert_string_equal(lcmp_baseline_profile_id(b, 1), "strict");

    assert_int_equal(lcmp_profile_resolve(&p, b, "basic", &err), 0);
    assert_int_equal(lcmp_profile_control_count(p), 2);
    assert_string_equal(lcmp_profile_control_id(p, 0), "a-1");
    assert_string_equal(lcmp_profile_control_id(p, 1), "b-1");
    assert_string_equal(lcmp__profile_param(p, 0, 0)->u.s, "yearly");
    assert_string_equal(lcmp_profile_title(p), "Basic");
    lcmp_profile_free(p);

    /* strict: imported through the manifest's href map, a-2.2 excluded,
     * its own value for a-1_prm_1 */
    assert_int_equal(lcmp_profile_resolve(&p, b, "strict", &err), 0);
    assert_int_equal(lcmp_profile_control_count(p), 6);
    assert_string_equal(lcmp_profile_control_id(p, 3), "b-1");
    assert_string_equal(lcmp_profile_control_id(p, 5), "c-1");
    assert_string_equal(lcmp__profile_param(p, 0, 0)->u.s, "monthly");
    lcmp_profile_free(p);
    lcmp_baseline_free(b);

    /* a native manifest is left to the native loader */
    snprintf(dir, sizeof(dir), "%s/baselines/municipal", source_dir());
    reader.read = dir_read;
    reader.source = dir_source;
    reader.payload = dir;
    assert_int_equal(lcmp__oscal_baseline_probe(&native, &reader, NULL, &err),
                     0);
    assert_null(native);
}

/* Manifest refusals, on manifests given in memory over the fixture tree. */
static void manifest_refused(const char *text,
                             int code,
                             const char *source_suffix,
                             const char *pointer,
                             const char *message_part)
{
    char dir[1024];
    lcmp_reader reader;
    lcmp_baseline *b = NULL;
    lcmp_error err;
    json_error_t jerr;
    json_t *m = json_loads(text, 0, &jerr);
    int rc;

    assert_non_null(m);
    snprintf(dir, sizeof(dir), "%s/tests/data/oscal/tree", source_dir());
    reader.read = dir_read;
    reader.source = dir_source;
    reader.payload = dir;
    lcmp_error_clear(&err);
    rc = lcmp__oscal_baseline_from_manifest(
        &b, &reader, m, "manifest.json", NULL, &err);
    if (rc != code || strcmp(err.pointer, pointer) != 0) {
        print_message(
            "%d %s: %s: %s\n", rc, err.source, err.pointer, err.message);
    }
    assert_int_equal(rc, code);
    assert_null(b);
    assert_true(ends_with(err.source, source_suffix));
    assert_string_equal(err.pointer, pointer);
    assert_non_null(strstr(err.message, message_part));
    json_decref(m);
}

#define HEAD                                                           \
    "{\"schema\":\"lcmp.baseline/v1\",\"id\":\"abc\",\"title\":\"T\"," \
    "\"publisher\":\"P\","

static void test_oscal__manifest_refusals(void **state)
{
    (void)state;
    manifest_refused(HEAD "\"oscal\":{\"catalog\":\"../catalog.json\","
                          "\"profiles\":{\"x\":\"oscal/basic.json\"}}}",
                     LCMP_EINVALID,
                     "manifest.json",
                     "/oscal/catalog",
                     "not inside the baseline tree");
    manifest_refused(HEAD "\"oscal\":{\"catalog\":\"oscal/nothing.json\","
                          "\"profiles\":{\"x\":\"oscal/basic.json\"}}}",
                     LCMP_ENOTFOUND,
                     "manifest.json",
                     "/oscal/catalog",
                     "'oscal/nothing.json'");
    manifest_refused(HEAD "\"oscal\":{\"catalog\":\"oscal/basic.json\","
                          "\"profiles\":{\"x\":\"oscal/basic.json\"}}}",
                     LCMP_EINVALID,
                     "manifest.json",
                     "/oscal/catalog",
                     "is an OSCAL profile, expected a catalog");
    manifest_refused(HEAD "\"oscal\":{\"catalog\":\"oscal/catalog.json\","
                          "\"profiles\":{}}}",
                     LCMP_EPARSE,
                     "manifest.json",
                     "/oscal/profiles",
                     "expected at least 1 profile");
    manifest_refused(HEAD "\"oscal\":{\"catalog\":\"oscal/catalog.json\","
                          "\"profiles\":{\"x\":\"oscal/basic.json\"},"
                          "\"extra\":1}}",
                     LCMP_EPARSE,
                     "manifest.json",
                     "/oscal/extra",
                     "unknown member 'extra'");
    /* strict.json imports an https href that only the manifest maps: the
     * error is at that import */
    manifest_refused(HEAD "\"oscal\":{\"catalog\":\"oscal/catalog.json\","
                          "\"profiles\":{\"x\":\"oscal/strict.json\"}}}",
                     LCMP_EINVALID,
                     "tests/data/oscal/tree/oscal/strict.json",
                     "/profile/imports/0/href",
                     "is a URL");
    /* a profile selecting what the manifest's catalog lacks */
    manifest_refused(HEAD "\"oscal\":{\"catalog\":\"oscal/catalog.json\","
                          "\"profiles\":{\"x\":\"oscal/other.json\"}}}",
                     LCMP_EINVALID,
                     "manifest.json",
                     "/oscal/profiles/x",
                     "selects control 'z-1', which is not in the catalog "
                     "'oscal/catalog.json'");
    manifest_refused(HEAD "\"headline\":[\"a-1\",\"zz-1\"],"
                          "\"oscal\":{\"catalog\":\"oscal/catalog.json\","
                          "\"profiles\":{\"x\":\"oscal/basic.json\"}}}",
                     LCMP_EINVALID,
                     "manifest.json",
                     "/headline/1",
                     "unknown control 'zz-1'");
    manifest_refused(HEAD "\"families\":[],"
                          "\"oscal\":{\"catalog\":\"oscal/catalog.json\","
                          "\"profiles\":{\"x\":\"oscal/basic.json\"}}}",
                     LCMP_EPARSE,
                     "manifest.json",
                     "/families",
                     "unknown member 'families'");
}

/*
 * Assessment results.
 */

static const char declaration[] =
    "{\"schema\":\"lcmp.declaration/v1\","
    "\"organisation\":{\"id\":\"gem-x\",\"name\":\"Gemeente X\"},"
    "\"baseline\":\"abc\",\"profile\":\"strict\","
    "\"controls\":{"
    "\"a-1\":{\"status\":\"implemented\"},"
    "\"a-2\":{\"status\":\"partial\"},"
    "\"a-2.1\":{\"status\":\"planned\",\"target_date\":\"2027-06-30\"},"
    "\"b-1\":{\"status\":\"not_applicable\",\"justification\":\"no data\"}"
    "},"
    "\"exceptions\":[{\"control\":\"a-2\",\"justification\":\"legacy\","
    "\"approved_by\":\"the college\",\"expires\":\"2027-01-31\"}]}";

/* Evaluate `text` against profile "strict" of the tree; OSCAL out. */
static json_t *results(const char *text, lcmp_buf *out)
{
    lcmp_baseline *b = load_tree();
    lcmp_profile *p = NULL;
    lcmp_declaration *d = NULL;
    lcmp_result *r = NULL;
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;
    json_error_t jerr;
    json_t *doc;
    int64_t at;

    assert_int_equal(lcmp_time_parse(&at, "2026-11-27T09:00:00Z", NULL), 0);
    assert_int_equal(lcmp_profile_resolve(&p, b, "strict", &err), 0);
    assert_int_equal(
        lcmp_declaration_load_buffer(
            &d, (const uint8_t *)text, strlen(text), "decl.json", NULL, &err),
        0);
    assert_int_equal(lcmp_evaluate(&r, p, d, at, NULL, &err), 0);
    assert_int_equal(lcmp_result_to_oscal(&buf, r, 0, &err), 0);
    doc = json_loadb(buf.ptr, buf.size, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(doc);
    if (out != NULL) {
        *out = buf;
    } else {
        lcmp_buf_dispose(&buf);
    }
    lcmp_result_free(r);
    lcmp_declaration_free(d);
    lcmp_profile_free(p);
    lcmp_baseline_free(b);
    return doc;
}

/* The finding of a control. */
static const json_t *finding_of(const json_t *doc, const char *id)
{
    const json_t *f;
    size_t k;

    json_array_foreach (
        json_object_get(
            json_array_get(
                json_object_get(json_object_get(doc, "assessment-results"),
                                "results"),
                0),
            "findings"),
        k,
        f)
    {
        if (strcmp(str_at(f, "/target/target-id"), id) == 0) {
            return f;
        }
    }
    fail_msg("no finding for %s", id);
    return NULL;
}

static void assert_status(const json_t *doc,
                          const char *id,
                          const char *state,
                          const char *reason,
                          const char *ours)
{
    const json_t *f = finding_of(doc, id);

    assert_string_equal(str_at(f, "/target/type"), "objective-id");
    assert_string_equal(str_at(f, "/target/status/state"), state);
    assert_string_equal(str_at(f, "/target/status/reason"), reason);
    assert_string_equal(str_at(f, "/props/0/name"), "state");
    assert_string_equal(str_at(f, "/props/0/ns"), "urn:libcompliance:oscal");
    assert_string_equal(str_at(f, "/props/0/value"), ours);
    assert_true(is_uuid5(str_at(f, "/uuid")));
}

/* The observation a finding relates to first. */
static const json_t *observation_of(const json_t *doc, const json_t *f)
{
    const char *uuid = str_at(f, "/related-observations/0/observation-uuid");
    const json_t *o;
    size_t k;

    assert_non_null(uuid);
    json_array_foreach (
        json_object_get(
            json_array_get(
                json_object_get(json_object_get(doc, "assessment-results"),
                                "results"),
                0),
            "observations"),
        k,
        o)
    {
        if (strcmp(str_at(o, "/uuid"), uuid) == 0) {
            return o;
        }
    }
    fail_msg("no observation %s", uuid);
    return NULL;
}

static void test_oscal__results(void **state)
{
    json_t *doc = results(declaration, NULL);
    const json_t *ar = json_object_get(doc, "assessment-results"), *f, *o;
    const char *ap;

    (void)state;
    /* the frame the model requires */
    assert_true(is_uuid5(str_at(ar, "/uuid")));
    assert_string_equal(str_at(ar, "/metadata/last-modified"),
                        "2026-11-27T09:00:00Z");
    assert_string_equal(str_at(ar, "/metadata/oscal-version"), "1.1.2");
    assert_non_null(str_at(ar, "/metadata/title"));
    assert_non_null(str_at(ar, "/metadata/version"));
    assert_string_equal(str_at(ar, "/metadata/parties/0/short-name"), "gem-x");
    ap = str_at(ar, "/import-ap/href");
    assert_non_null(ap);
    assert_int_equal(ap[0], '#');
    assert_string_equal(ap + 1, str_at(ar, "/back-matter/resources/0/uuid"));
    assert_string_equal(str_at(ar, "/results/0/start"), "2026-11-27T09:00:00Z");
    assert_non_null(str_at(ar, "/results/0/description"));
    /* reviewed-controls: the profile's six controls, in order */
    assert_string_equal(
        str_at(ar,
               "/results/0/reviewed-controls/control-selections/0/"
               "include-controls/0/control-id"),
        "a-1");
    assert_string_equal(
        str_at(ar,
               "/results/0/reviewed-controls/control-selections/0/"
               "include-controls/5/control-id"),
        "c-1");
    assert_int_equal(
        json_array_size(json_object_get(
            json_array_get(json_object_get(ar, "results"), 0), "findings")),
        6);
    /* states */
    assert_status(doc, "a-1", "satisfied", "pass", "compliant");
    assert_null(
        json_object_get(finding_of(doc, "a-1"), "related-observations"));
    assert_status(doc, "b-1", "satisfied", "other", "not_applicable");
    assert_string_equal(
        str_at(finding_of(doc, "b-1"), "/target/implementation-status/state"),
        "not-applicable");
    assert_status(doc, "a-2.1", "not-satisfied", "fail", "non_compliant");
    o = observation_of(doc, finding_of(doc, "a-2.1"));
    assert_string_equal(str_at(o, "/props/0/name"), "reason");
    assert_string_equal(str_at(o, "/props/0/value"), "status_planned");
    assert_string_equal(str_at(o, "/props/1/value"), "/controls/a-2.1/status");
    assert_string_equal(str_at(o, "/methods/0"), "EXAMINE");
    assert_string_equal(str_at(o, "/collected"), "2026-11-27T09:00:00Z");
    assert_status(doc, "b-2", "not-satisfied", "other", "undeclared");
    o = observation_of(doc, finding_of(doc, "b-2"));
    assert_string_equal(str_at(o, "/props/0/value"), "undeclared");
    /* the exception: a risk, deviation approved until its expiry */
    f = finding_of(doc, "a-2");
    assert_status(doc, "a-2", "not-satisfied", "other", "excepted");
    assert_string_equal(str_at(f, "/props/1/name"), "original-state");
    assert_string_equal(str_at(f, "/props/1/value"), "non_compliant");
    assert_string_equal(str_at(f, "/related-risks/0/risk-uuid"),
                        str_at(ar, "/results/0/risks/0/uuid"));
    assert_string_equal(str_at(ar, "/results/0/risks/0/status"),
                        "deviation-approved");
    assert_string_equal(str_at(ar, "/results/0/risks/0/deadline"),
                        "2027-01-31T23:59:59Z");
    assert_non_null(str_at(ar, "/results/0/risks/0/statement"));
    json_decref(doc);
}

static void test_oscal__results_deterministic(void **state)
{
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT, c = LCMP_BUF_INIT;
    char *other = lcmp__strdup(declaration);
    json_t *x, *y, *z;

    (void)state;
    x = results(declaration, &a);
    y = results(declaration, &b);
    assert_int_equal(a.size, b.size);
    assert_memory_equal(a.ptr, b.ptr, a.size);
    /* another result (a-1 declared partial), other uuids */
    memcpy(strstr(other, "\"implemented\""), "\"partial\"    ", 13);
    z = results(other, &c);
    assert_string_not_equal(str_at(x, "/assessment-results/uuid"),
                            str_at(z, "/assessment-results/uuid"));
    assert_status(z, "a-1", "not-satisfied", "fail", "non_compliant");
    json_decref(x);
    json_decref(y);
    json_decref(z);
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
    lcmp_buf_dispose(&c);
    free(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_oscal__nist_501_low),
        cmocka_unit_test(test_oscal__nist_501_moderate),
        cmocka_unit_test(test_oscal__nist_501_high),
        cmocka_unit_test(test_oscal__nist_511_low),
        cmocka_unit_test(test_oscal__nist_511_moderate),
        cmocka_unit_test(test_oscal__nist_511_high),
        cmocka_unit_test(test_oscal__nist_511_uuid_import_followed),
        cmocka_unit_test(test_oscal__nist_deterministic),
        cmocka_unit_test(test_oscal__asis),
        cmocka_unit_test(test_oscal__flat),
        cmocka_unit_test(test_oscal__chained_profiles),
        cmocka_unit_test(test_oscal__import_by_uuid_and_xml_name),
        cmocka_unit_test(test_oscal__use_first),
        cmocka_unit_test(test_oscal__deterministic),
        cmocka_unit_test(test_oscal__warnings),
        cmocka_unit_test(test_oscal__refuses_cycle),
        cmocka_unit_test(test_oscal__refuses_missing_import),
        cmocka_unit_test(test_oscal__refuses_bad_hrefs),
        cmocka_unit_test(test_oscal__refuses_unknown_merge),
        cmocka_unit_test(test_oscal__refuses_unknown_control),
        cmocka_unit_test(test_oscal__refuses_conflicting_duplicates),
        cmocka_unit_test(test_oscal__refuses_non_oscal),
        cmocka_unit_test(test_oscal__normalise),
        cmocka_unit_test(test_oscal__load_catalog),
        cmocka_unit_test(test_oscal__load_profile),
        cmocka_unit_test(test_oscal__load_nist_profile),
        cmocka_unit_test(test_oscal__manifest),
        cmocka_unit_test(test_oscal__manifest_refusals),
        cmocka_unit_test(test_oscal__results),
        cmocka_unit_test(test_oscal__results_deterministic),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
