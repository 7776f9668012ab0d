/*
 * Unit tests for diff.h: baseline pairs built as directories in
 * LCMP_TMPDIR from baselines/municipal with edits applied here (jansson),
 * compared control by control and profile by profile, and the impact on
 * the three example declarations at 2026-11-27, asserted control by
 * control.
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

#include <jansson.h>

#include "libcompliance.h"

/* An edit of one file of the tree: its relative path and its JSON. */
typedef void (*patch_fn)(const char *path, json_t *doc);

static const char *source_dir(void)
{
    const char *s = getenv("LCMP_SOURCE_DIR");
    return s != NULL ? s : "..";
}

/* An existing directory (a re-run in the same LCMP_TMPDIR). */
static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void make_dir(const char *path)
{
    assert_true(mkdir(path, 0755) == 0 || is_dir(path));
}

static void copy_file(const char *src_root,
                      const char *dst_root,
                      const char *rel,
                      patch_fn patch)
{
    char src[1024], dst[1024];
    json_error_t jerr;
    json_t *doc;

    snprintf(src, sizeof(src), "%s/%s", src_root, rel);
    snprintf(dst, sizeof(dst), "%s/%s", dst_root, rel);
    doc = json_load_file(src, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(doc);
    if (patch != NULL) {
        patch(rel, doc);
    }
    assert_int_equal(
        json_dump_file(doc, dst, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
    json_decref(doc);
}

/* Copy baselines/municipal to LCMP_TMPDIR/<name>, applying `patch`. */
static void build_tree(char *out, size_t size, const char *name, patch_fn patch)
{
    const char *tmp = getenv("LCMP_TMPDIR");
    char src[1024], sub[1100], rel[256];
    json_error_t jerr;
    json_t *manifest;
    size_t i;

    snprintf(src, sizeof(src), "%s/baselines/municipal", source_dir());
    snprintf(out, size, "%s/%s", tmp != NULL ? tmp : "/tmp", name);
    make_dir(out);
    snprintf(sub, sizeof(sub), "%s/controls", out);
    make_dir(sub);
    snprintf(sub, sizeof(sub), "%s/profiles", out);
    make_dir(sub);
    copy_file(src, out, "baseline.json", patch);
    snprintf(sub, sizeof(sub), "%s/baseline.json", src);
    manifest = json_load_file(sub, 0, &jerr);
    assert_non_null(manifest);
    for (i = 0; i < json_array_size(json_object_get(manifest, "families")); i++)
    {
        json_t *f = json_array_get(json_object_get(manifest, "families"), i);
        snprintf(rel,
                 sizeof(rel),
                 "controls/%s.json",
                 json_string_value(json_object_get(f, "id")));
        copy_file(src, out, rel, patch);
    }
    for (i = 0; i < json_array_size(json_object_get(manifest, "profiles")); i++)
    {
        snprintf(rel,
                 sizeof(rel),
                 "profiles/%s.json",
                 json_string_value(
                     json_array_get(json_object_get(manifest, "profiles"), i)));
        copy_file(src, out, rel, patch);
    }
    json_decref(manifest);
}

/*
 * Edits
 */

static json_t *control(json_t *doc, const char *id)
{
    json_t *cs = json_object_get(doc, "controls");
    size_t i;

    for (i = 0; i < json_array_size(cs); i++) {
        json_t *c = json_array_get(cs, i);
        if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0) {
            return c;
        }
    }
    return NULL;
}

static void remove_id(json_t *arr, const char *id)
{
    size_t i;

    for (i = 0; i < json_array_size(arr); i++) {
        json_t *v = json_array_get(arr, i);
        const char *s = json_is_string(v)
                            ? json_string_value(v)
                            : json_string_value(json_object_get(v, "id"));
        if (strcmp(s, id) == 0) {
            json_array_remove(arr, i);
            return;
        }
    }
    fail_msg("no '%s' to remove", id);
}

static json_t *include_ids(json_t *doc)
{
    return json_object_get(json_object_get(doc, "include"), "ids");
}

/* GOV-04 max_age_months 24 -> 12 in basic only */
static void tighten_param(const char *path, json_t *doc)
{
    if (strcmp(path, "profiles/basic.json") == 0) {
        json_t *p = json_object_get(json_object_get(doc, "params"), "GOV-04");
        json_object_set_new(p, "max_age_months", json_integer(12));
    }
}

/* GOV-05 moved from important to basic */
static void move_profile(const char *path, json_t *doc)
{
    if (strcmp(path, "profiles/important.json") == 0) {
        remove_id(include_ids(doc), "GOV-05");
    } else if (strcmp(path, "profiles/basic.json") == 0) {
        json_array_append_new(include_ids(doc), json_string("GOV-05"));
    }
}

static void rename_control(const char *path, json_t *doc)
{
    if (strcmp(path, "controls/awareness.json") == 0) {
        json_object_set_new(control(doc, "AWR-01"),
                            "title",
                            json_string("Training for every new staff member"));
    }
}

/* SUP-04 removed from the baseline (and from basic, which named it) */
static void remove_control(const char *path, json_t *doc)
{
    if (strcmp(path, "controls/suppliers.json") == 0) {
        remove_id(json_object_get(doc, "controls"), "SUP-04");
    } else if (strcmp(path, "profiles/basic.json") == 0) {
        remove_id(include_ids(doc), "SUP-04");
    }
}

/* GOV-02: reporting to the general director no longer counts */
static void change_rule(const char *path, json_t *doc)
{
    if (strcmp(path, "controls/governance.json") == 0) {
        json_t *rule =
            json_array_get(json_object_get(control(doc, "GOV-02"), "rules"), 1);
        json_t *values = json_array();
        json_array_append_new(values, json_string("college"));
        json_array_append_new(values, json_string("mayor"));
        json_object_set_new(rule, "values", values);
    }
}

/* AWR-03 moved from the awareness family to the suppliers family */
static void move_family(const char *path, json_t *doc)
{
    static json_t *moved; /* only within one build_tree() call */

    if (strcmp(path, "controls/awareness.json") == 0) {
        moved = json_incref(control(doc, "AWR-03"));
        remove_id(json_object_get(doc, "controls"), "AWR-03");
    } else if (strcmp(path, "controls/suppliers.json") == 0) {
        assert_non_null(moved);
        json_array_append_new(json_object_get(doc, "controls"), moved);
        moved = NULL;
    }
}

static void all_edits(const char *path, json_t *doc)
{
    tighten_param(path, doc);
    move_profile(path, doc);
    rename_control(path, doc);
    remove_control(path, doc);
    change_rule(path, doc);
}

/*
 * Fixtures
 */

typedef struct pair {
    lcmp_baseline *old_b;
    lcmp_baseline *new_b;
    lcmp_diff *diff;
} pair;

static void load(lcmp_baseline **out, const char *dir)
{
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_baseline_load_dir(out, dir, NULL, &err);
    if (rc != 0) {
        fail_msg("%s: %s %s", dir, err.pointer, err.message);
    }
}

static void make_pair(pair *p, const char *name, patch_fn patch)
{
    char old_dir[1024], new_dir[1024], new_name[128];
    lcmp_error err;

    snprintf(new_name, sizeof(new_name), "%s-new", name);
    snprintf(old_dir, sizeof(old_dir), "%s/baselines/municipal", source_dir());
    build_tree(new_dir, sizeof(new_dir), new_name, patch);
    load(&p->old_b, old_dir);
    load(&p->new_b, new_dir);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_diff_baselines(&p->diff, p->old_b, p->new_b, &err),
                     0);
}

static void free_pair(pair *p)
{
    lcmp_diff_free(p->diff);
    lcmp_baseline_free(p->old_b);
    lcmp_baseline_free(p->new_b);
}

/* The profile changes of `profile`, one line each, for exact asserts:
 * "+GOV-05<important", "-SUP-04<", "~GOV-04 max_age_months 24->12". */
static void
profile_lines(char *out, size_t size, const lcmp_diff *d, const char *profile)
{
    size_t i, len = 0;

    out[0] = '\0';
    for (i = 0; i < lcmp_diff_profile_change_count(d); i++) {
        const lcmp_profile_change *pc = lcmp_diff_profile_change(d, i);
        if (strcmp(pc->profile, profile) != 0) {
            continue;
        }
        switch (pc->change) {
        case LCMP_PCHANGE_REQUIRED:
            len += (size_t)snprintf(out + len,
                                    size - len,
                                    "+%s<%s;",
                                    pc->control,
                                    pc->other_profile ? pc->other_profile : "");
            break;
        case LCMP_PCHANGE_NOT_REQUIRED:
            len += (size_t)snprintf(out + len,
                                    size - len,
                                    "-%s>%s;",
                                    pc->control,
                                    pc->other_profile ? pc->other_profile : "");
            break;
        case LCMP_PCHANGE_PARAM:
            len += (size_t)snprintf(out + len,
                                    size - len,
                                    "~%s %s %s->%s;",
                                    pc->control,
                                    pc->param,
                                    pc->old_value ? pc->old_value : "-",
                                    pc->new_value ? pc->new_value : "-");
            break;
        default:
            len += (size_t)snprintf(
                out + len, size - len, "profile %d;", (int)pc->change);
            break;
        }
        assert_true(len < size);
    }
}

/*
 * Baseline diffs
 */

static void test_diff__identical_trees_have_no_changes(void **state)
{
    pair p = {NULL, NULL, NULL};

    (void)state;
    make_pair(&p, "same", NULL);
    assert_false(lcmp_diff_has_changes(p.diff));
    assert_int_equal(lcmp_diff_control_count(p.diff), 0);
    assert_int_equal(lcmp_diff_profile_change_count(p.diff), 0);
    free_pair(&p);
}

static void test_diff__parameter_tightened_in_one_profile(void **state)
{
    pair p = {NULL, NULL, NULL};
    char lines[512];

    (void)state;
    make_pair(&p, "param", tighten_param);
    assert_true(lcmp_diff_has_changes(p.diff));
    assert_int_equal(lcmp_diff_control_count(p.diff), 0);
    profile_lines(lines, sizeof(lines), p.diff, "basic");
    assert_string_equal(lines, "~GOV-04 max_age_months 24->12;");
    /* important already had 12; essential inherits it */
    profile_lines(lines, sizeof(lines), p.diff, "important");
    assert_string_equal(lines, "");
    profile_lines(lines, sizeof(lines), p.diff, "essential");
    assert_string_equal(lines, "");
    assert_int_equal(lcmp_diff_profile_change_count(p.diff), 1);
    free_pair(&p);
}

static void test_diff__control_moved_between_profiles(void **state)
{
    pair p = {NULL, NULL, NULL};
    char lines[512];

    (void)state;
    make_pair(&p, "moved", move_profile);
    assert_int_equal(lcmp_diff_control_count(p.diff), 0);
    profile_lines(lines, sizeof(lines), p.diff, "basic");
    assert_string_equal(lines, "+GOV-05<important;");
    /* important extends basic: it still selects GOV-05 */
    profile_lines(lines, sizeof(lines), p.diff, "important");
    assert_string_equal(lines, "");
    assert_int_equal(lcmp_diff_profile_change_count(p.diff), 1);
    free_pair(&p);
}

static void test_diff__renamed_control_is_changed_title(void **state)
{
    pair p = {NULL, NULL, NULL};
    const lcmp_control_change *c;

    (void)state;
    make_pair(&p, "renamed", rename_control);
    assert_int_equal(lcmp_diff_control_count(p.diff), 1);
    c = lcmp_diff_control(p.diff, 0);
    assert_string_equal(c->control, "AWR-01");
    assert_int_equal(c->change, LCMP_CHANGE_CHANGED);
    assert_int_equal(c->aspects, LCMP_ASPECT_TITLE);
    assert_string_equal(c->old_title, "Training for new staff");
    assert_string_equal(c->new_title, "Training for every new staff member");
    assert_int_equal(lcmp_diff_profile_change_count(p.diff), 0);
    free_pair(&p);
}

static void test_diff__removed_control_leaves_every_profile(void **state)
{
    pair p = {NULL, NULL, NULL};
    const lcmp_control_change *c;
    char lines[512];

    (void)state;
    make_pair(&p, "removed", remove_control);
    assert_int_equal(lcmp_diff_control_count(p.diff), 1);
    c = lcmp_diff_control(p.diff, 0);
    assert_string_equal(c->control, "SUP-04");
    assert_int_equal(c->change, LCMP_CHANGE_REMOVED);
    assert_int_equal(c->aspects, 0);
    assert_string_equal(c->old_family, "suppliers");
    assert_null(c->new_title);
    profile_lines(lines, sizeof(lines), p.diff, "basic");
    assert_string_equal(lines, "-SUP-04>;");
    profile_lines(lines, sizeof(lines), p.diff, "important");
    assert_string_equal(lines, "-SUP-04>;");
    profile_lines(lines, sizeof(lines), p.diff, "essential");
    assert_string_equal(lines, "-SUP-04>;");
    free_pair(&p);
}

static void test_diff__changed_rule_is_changed_rules(void **state)
{
    pair p = {NULL, NULL, NULL};
    const lcmp_control_change *c;

    (void)state;
    make_pair(&p, "rule", change_rule);
    assert_int_equal(lcmp_diff_control_count(p.diff), 1);
    c = lcmp_diff_control(p.diff, 0);
    assert_string_equal(c->control, "GOV-02");
    assert_int_equal(c->aspects, LCMP_ASPECT_RULES);
    assert_string_equal(lcmp_aspect_name(c->aspects), "rules");
    assert_int_equal(lcmp_diff_profile_change_count(p.diff), 0);
    free_pair(&p);
}

static void test_diff__control_moved_to_another_family(void **state)
{
    pair p = {NULL, NULL, NULL};
    const lcmp_control_change *c;

    (void)state;
    make_pair(&p, "family", move_family);
    assert_int_equal(lcmp_diff_control_count(p.diff), 1);
    c = lcmp_diff_control(p.diff, 0);
    assert_string_equal(c->control, "AWR-03");
    assert_int_equal(c->change, LCMP_CHANGE_CHANGED);
    assert_int_equal(c->aspects, LCMP_ASPECT_FAMILY);
    assert_string_equal(c->old_family, "awareness");
    assert_string_equal(c->new_family, "suppliers");
    free_pair(&p);
}

static void test_diff__order_is_new_then_removed(void **state)
{
    pair p = {NULL, NULL, NULL};
    char lines[512];

    (void)state;
    make_pair(&p, "all", all_edits);
    assert_int_equal(lcmp_diff_control_count(p.diff), 3);
    assert_string_equal(lcmp_diff_control(p.diff, 0)->control, "GOV-02");
    assert_string_equal(lcmp_diff_control(p.diff, 1)->control, "AWR-01");
    assert_string_equal(lcmp_diff_control(p.diff, 2)->control, "SUP-04");
    assert_int_equal(lcmp_diff_control(p.diff, 2)->change, LCMP_CHANGE_REMOVED);
    profile_lines(lines, sizeof(lines), p.diff, "basic");
    assert_string_equal(lines,
                        "~GOV-04 max_age_months 24->12;+GOV-05<important;"
                        "-SUP-04>;");
    /* the profiles come in manifest order */
    assert_string_equal(lcmp_diff_profile_change(p.diff, 0)->profile, "basic");
    assert_string_equal(lcmp_diff_profile_change(
                            p.diff, lcmp_diff_profile_change_count(p.diff) - 1)
                            ->profile,
                        "essential");
    assert_null(lcmp_diff_control(p.diff, 3));
    assert_null(lcmp_diff_profile_change(p.diff, 99));
    free_pair(&p);
}

static void test_diff__json_has_schema_and_typed_values(void **state)
{
    pair p = {NULL, NULL, NULL};
    lcmp_buf buf = LCMP_BUF_INIT;
    json_error_t jerr;
    json_t *doc, *basic, *param;

    (void)state;
    make_pair(&p, "json", all_edits);
    assert_int_equal(
        lcmp_diff_to_json(&buf, p.diff, NULL, "v2026.1", "v2026.2", 0, NULL),
        0);
    doc = json_loadb(buf.ptr, buf.size, JSON_REJECT_DUPLICATES, &jerr);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "schema")),
                        "lcmp.diff/v1");
    assert_true(json_is_true(json_object_get(doc, "changed")));
    assert_true(json_is_null(json_object_get(doc, "impact")));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(doc, "old"), "name")),
        "v2026.1");
    basic = json_array_get(json_object_get(doc, "profiles"), 0);
    assert_string_equal(json_string_value(json_object_get(basic, "id")),
                        "basic");
    param = json_array_get(json_object_get(basic, "params"), 0);
    assert_int_equal(json_integer_value(json_object_get(param, "old")), 24);
    assert_int_equal(json_integer_value(json_object_get(param, "new")), 12);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(basic, "newly_required"), 0),
            "from")),
        "important");
    json_decref(doc);
    lcmp_buf_dispose(&buf);
    free_pair(&p);
}

/*
 * Impact on the example declarations
 */

typedef struct want {
    const char *control;
    lcmp_impact_t kind;
    int old_state; /* -1: not evaluated */
    int new_state;
    const char *first_reason; /* NULL: none */
} want;

static void check_impact(const char *example, const want *w, size_t nw)
{
    pair p = {NULL, NULL, NULL};
    lcmp_declaration *decl = NULL;
    lcmp_impact *im = NULL;
    lcmp_error err;
    char path[1024];
    int64_t at;
    size_t i;

    make_pair(&p, example, all_edits);
    snprintf(path, sizeof(path), "%s/examples/%s.json", source_dir(), example);
    assert_int_equal(lcmp_declaration_load_file(&decl, path, NULL, NULL), 0);
    assert_int_equal(lcmp_time_parse(&at, "2026-11-27", NULL), 0);
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_impact_evaluate(&im, p.old_b, p.new_b, decl, NULL, at, NULL, &err),
        0);
    assert_int_equal(lcmp_impact_count(im), nw);
    for (i = 0; i < nw; i++) {
        const lcmp_impact_item *it = lcmp_impact_get(im, i);
        assert_string_equal(it->control, w[i].control);
        assert_int_equal(it->kind, w[i].kind);
        assert_int_equal(it->has_old, w[i].old_state >= 0);
        if (w[i].old_state >= 0) {
            assert_int_equal(it->old_state, w[i].old_state);
        }
        assert_int_equal(it->has_new, w[i].new_state >= 0);
        if (w[i].new_state >= 0) {
            assert_int_equal(it->new_state, w[i].new_state);
        }
        if (w[i].first_reason == NULL) {
            assert_int_equal(it->nreasons, 0);
        } else {
            assert_true(it->nreasons > 0);
            assert_string_equal(lcmp_reason_name(it->reasons[0].code),
                                w[i].first_reason);
        }
    }
    /* each example loses a compliant control: GOV-02 */
    assert_true(lcmp_result_summary(lcmp_impact_new(im))->compliant <
                lcmp_result_summary(lcmp_impact_old(im))->compliant);
    assert_int_equal(lcmp_impact_evaluated_at(im), at);
    lcmp_impact_free(im);
    lcmp_declaration_free(decl);
    free_pair(&p);
}

/* Expected by reading the example declarations: GOV-02 reports to the
 * general director in all three; Kleinbeek has not implemented GOV-04 in
 * either release and declares no GOV-05; Zonnedaal's risk analysis of
 * 2025-05-19 is fresh under 24 months and stale under 12; Havenburg
 * (important) already had 12 months and GOV-05, and marked SUP-04 not
 * applicable. */
static void test_diff__impact_small_municipality(void **state)
{
    static const want w[] = {
        {"GOV-02",
         LCMP_IMPACT_NEWLY_FAILING,
         LCMP_STATE_COMPLIANT,
         LCMP_STATE_NON_COMPLIANT,
         "fact_out_of_range"},
        {"GOV-05",
         LCMP_IMPACT_NEWLY_REQUIRED,
         -1,
         LCMP_STATE_UNDECLARED,
         "undeclared"},
        {"SUP-04",
         LCMP_IMPACT_NO_LONGER_REQUIRED,
         LCMP_STATE_NON_COMPLIANT,
         -1,
         NULL},
    };

    (void)state;
    check_impact("small-municipality", w, 3);
}

static void test_diff__impact_medium_municipality(void **state)
{
    static const want w[] = {
        {"GOV-02",
         LCMP_IMPACT_NEWLY_FAILING,
         LCMP_STATE_COMPLIANT,
         LCMP_STATE_NON_COMPLIANT,
         "fact_out_of_range"},
        {"GOV-04",
         LCMP_IMPACT_NEWLY_FAILING,
         LCMP_STATE_COMPLIANT,
         LCMP_STATE_NON_COMPLIANT,
         "stale"},
        {"GOV-05",
         LCMP_IMPACT_NEWLY_REQUIRED,
         -1,
         LCMP_STATE_UNDECLARED,
         "undeclared"},
        {"SUP-04",
         LCMP_IMPACT_NO_LONGER_REQUIRED,
         LCMP_STATE_COMPLIANT,
         -1,
         NULL},
    };

    (void)state;
    check_impact("medium-municipality", w, 4);
}

static void test_diff__impact_large_municipality(void **state)
{
    static const want w[] = {
        {"GOV-02",
         LCMP_IMPACT_NEWLY_FAILING,
         LCMP_STATE_COMPLIANT,
         LCMP_STATE_NON_COMPLIANT,
         "fact_out_of_range"},
        {"SUP-04",
         LCMP_IMPACT_NO_LONGER_REQUIRED,
         LCMP_STATE_NOT_APPLICABLE,
         -1,
         NULL},
    };

    (void)state;
    check_impact("large-municipality", w, 2);
}

static void test_diff__impact_profile_missing_is_not_found(void **state)
{
    pair p = {NULL, NULL, NULL};
    lcmp_declaration *decl = NULL;
    lcmp_impact *im = NULL;
    lcmp_error err;
    char path[1024];

    (void)state;
    make_pair(&p, "noprofile", NULL);
    snprintf(path,
             sizeof(path),
             "%s/examples/small-municipality.json",
             source_dir());
    assert_int_equal(lcmp_declaration_load_file(&decl, path, NULL, NULL), 0);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_impact_evaluate(
                         &im, p.old_b, p.new_b, decl, "premium", 0, NULL, &err),
                     LCMP_ENOTFOUND);
    assert_null(im);
    assert_string_equal(err.message,
                        "profile 'premium' is not in the old baseline");
    lcmp_declaration_free(decl);
    free_pair(&p);
}

static void test_diff__statements_must_be_verified(void **state)
{
    lcmp_statement_diff *sd = (lcmp_statement_diff *)1;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_statement_diff_new(&sd,
                                             NULL,
                                             (const uint8_t *)"{}",
                                             2,
                                             NULL,
                                             (const uint8_t *)"{}",
                                             2,
                                             &err),
                     LCMP_EVERIFY);
    assert_null(sd);
    assert_string_equal(err.message, "the old statement did not verify");
}

static void test_diff__names_are_stable(void **state)
{
    (void)state;
    assert_string_equal(lcmp_impact_name(LCMP_IMPACT_NEWLY_FAILING),
                        "newly_failing");
    assert_string_equal(lcmp_impact_name(LCMP_IMPACT_NO_LONGER_REQUIRED),
                        "no_longer_required");
    assert_null(lcmp_impact_name((lcmp_impact_t)99));
    assert_string_equal(lcmp_move_name(LCMP_MOVE_REGRESSED), "regressed");
    assert_string_equal(lcmp_aspect_name(LCMP_ASPECT_MAPPINGS), "mappings");
    assert_null(lcmp_aspect_name(LCMP_ASPECT_TITLE | LCMP_ASPECT_RULES));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_diff__identical_trees_have_no_changes),
        cmocka_unit_test(test_diff__parameter_tightened_in_one_profile),
        cmocka_unit_test(test_diff__control_moved_between_profiles),
        cmocka_unit_test(test_diff__renamed_control_is_changed_title),
        cmocka_unit_test(test_diff__removed_control_leaves_every_profile),
        cmocka_unit_test(test_diff__changed_rule_is_changed_rules),
        cmocka_unit_test(test_diff__control_moved_to_another_family),
        cmocka_unit_test(test_diff__order_is_new_then_removed),
        cmocka_unit_test(test_diff__json_has_schema_and_typed_values),
        cmocka_unit_test(test_diff__impact_small_municipality),
        cmocka_unit_test(test_diff__impact_medium_municipality),
        cmocka_unit_test(test_diff__impact_large_municipality),
        cmocka_unit_test(test_diff__impact_profile_missing_is_not_found),
        cmocka_unit_test(test_diff__statements_must_be_verified),
        cmocka_unit_test(test_diff__names_are_stable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
