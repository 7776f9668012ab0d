/*
 * Tests of profile resolution (libcompliance/profile.c) on the sample
 * baselines/municipal and on tests/data/baseline/valid, whose five profiles
 * cover extends chains, two extended profiles, include by id and family,
 * exclusion and parameter overrides.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static lcmp_baseline *load(const char *rel)
{
    const char *root = getenv("LCMP_SOURCE_DIR");
    lcmp_baseline *b = NULL;
    lcmp_error err;
    char dir[1024];

    snprintf(dir,
             sizeof(dir),
             "%s/%s",
             root != NULL && root[0] != '\0' ? root : "..",
             rel);
    if (lcmp_baseline_load_dir(&b, dir, NULL, &err) != 0) {
        fail_msg("%s: %s: %s", err.source, err.pointer, err.message);
    }
    return b;
}

static lcmp_profile *resolve(const lcmp_baseline *b, const char *id)
{
    lcmp_profile *p = NULL;
    lcmp_error err;

    if (lcmp_profile_resolve(&p, b, id, &err) != 0) {
        fail_msg("%s: %s", id, err.message);
    }
    return p;
}

/* Position of a control in the profile, or SIZE_MAX. */
static size_t position(const lcmp_profile *p, const char *id)
{
    size_t k;

    for (k = 0; k < lcmp_profile_control_count(p); k++) {
        if (strcmp(lcmp_profile_control_id(p, k), id) == 0) {
            return k;
        }
    }
    return SIZE_MAX;
}

/* The effective value of a parameter of a selected control. */
static const lcmp__value *
param(const lcmp_profile *p, const char *control, const char *name)
{
    const lcmp__control *c;
    size_t k = position(p, control), i;

    assert_int_not_equal(k, SIZE_MAX);
    c = &p->baseline->controls[p->controls[k]];
    for (i = 0; i < c->nparams; i++) {
        if (strcmp(c->params[i].name, name) == 0) {
            return lcmp__profile_param(p, k, i);
        }
    }
    fail_msg("control %s has no parameter %s", control, name);
    return NULL;
}

static void
check_controls(const lcmp_profile *p, const char *const *ids, size_t n)
{
    size_t k;

    assert_int_equal(lcmp_profile_control_count(p), n);
    for (k = 0; k < n; k++) {
        assert_string_equal(lcmp_profile_control_id(p, k), ids[k]);
    }
    assert_null(lcmp_profile_control_id(p, n));
}

static void test_profile__resolves_municipal_levels_cumulatively(void **state)
{
    static const char *const levels[] = {"basic", "important", "essential"};
    lcmp_baseline *b = load("baselines/municipal");
    lcmp_profile *p[3];
    size_t i, k;

    (void)state;
    for (i = 0; i < 3; i++) {
        p[i] = resolve(b, levels[i]);
        assert_string_equal(lcmp_profile_id(p[i]), levels[i]);
        assert_ptr_equal(lcmp_profile_baseline(p[i]), b);
        assert_true(lcmp_profile_control_count(p[i]) > 0);
        assert_true(lcmp_profile_control_count(p[i]) <= 54);
        for (k = 1; k < p[i]->ncontrols; k++) {
            assert_true(p[i]->controls[k - 1] < p[i]->controls[k]);
        }
    }
    /* basic ⊂ important ⊂ essential */
    for (i = 1; i < 3; i++) {
        assert_true(lcmp_profile_control_count(p[i - 1]) <
                    lcmp_profile_control_count(p[i]));
        for (k = 0; k < lcmp_profile_control_count(p[i - 1]); k++) {
            assert_int_not_equal(
                position(p[i], lcmp_profile_control_id(p[i - 1], k)), SIZE_MAX);
        }
    }
    /* stricter parameters at higher levels, inherited when not set */
    assert_int_equal(param(p[0], "GOV-04", "max_age_months")->u.i, 24);
    assert_int_equal(param(p[1], "GOV-04", "max_age_months")->u.i, 12);
    assert_int_equal(param(p[2], "GOV-04", "max_age_months")->u.i, 12);
    assert_int_equal(param(p[0], "VUL-02", "max_days")->u.i, 7);
    assert_int_equal(param(p[2], "VUL-02", "max_days")->u.i, 3);
    for (i = 0; i < 3; i++) {
        lcmp_profile_free(p[i]);
    }
    lcmp_baseline_free(b);
}

static void test_profile__resolves_extends_include_exclude(void **state)
{
    static const char *const low[] = {"A-01", "A-02", "B-01"};
    static const char *const mid[] = {
        "A-01", "A-02", "B-01", "B-02", "G-01", "G-02"};
    static const char *const high[] = {
        "A-01", "A-02", "A-03", "B-01", "B-02", "B-03", "G-01"};
    static const char *const side[] = {"A-02", "G-02"};
    static const char *const combo[] = {
        "A-02", "A-03", "B-01", "B-02", "B-03", "G-01", "G-02"};
    lcmp_baseline *b = load("tests/data/baseline/valid");
    lcmp_profile *p;

    (void)state;
    p = resolve(b, "low");
    check_controls(p, low, 3);
    assert_string_equal(lcmp_profile_title(p), "Low");
    lcmp_profile_free(p);

    /* an extended profile plus a whole family */
    p = resolve(b, "mid");
    check_controls(p, mid, 6);
    lcmp_profile_free(p);

    /* excluding a control the extended profile selected */
    p = resolve(b, "high");
    check_controls(p, high, 7);
    lcmp_profile_free(p);

    p = resolve(b, "side");
    check_controls(p, side, 2);
    lcmp_profile_free(p);

    /* combo extends high and side: G-02, excluded by high, comes back with
     * side; B-01, excluded by side, stays with high; A-01, included and
     * excluded by combo itself, is out (exclusion wins) */
    p = resolve(b, "combo");
    check_controls(p, combo, 7);
    lcmp_profile_free(p);
    lcmp_baseline_free(b);
}

static void test_profile__overrides_inherited_params(void **state)
{
    lcmp_baseline *b = load("tests/data/baseline/valid");
    lcmp_profile *p;

    (void)state;
    p = resolve(b, "low");
    assert_int_equal(param(p, "A-02", "max_age_months")->u.i, 24);
    assert_true(param(p, "A-02", "coverage")->u.num == 80);
    assert_string_equal(param(p, "A-02", "level")->u.s, "a");
    assert_true(param(p, "B-01", "enforce")->u.b);
    lcmp_profile_free(p);

    p = resolve(b, "mid");
    assert_int_equal(param(p, "A-02", "max_age_months")->u.i, 12);
    assert_int_equal(param(p, "A-02", "coverage")->type, LCMP__T_PERCENT);
    assert_true(param(p, "A-02", "coverage")->u.num == 90);
    assert_string_equal(param(p, "B-02", "owner")->u.s, "ict");
    lcmp_profile_free(p);

    p = resolve(b, "high");
    assert_int_equal(param(p, "A-02", "max_age_months")->u.i, 12);
    assert_true(param(p, "A-02", "coverage")->u.num == 90);
    assert_string_equal(param(p, "A-02", "level")->u.s, "b");
    assert_int_equal(param(p, "A-03", "limit")->u.i, 50);
    lcmp_profile_free(p);

    /* the later of two extended profiles wins; values it does not set stay
     * those of the earlier one */
    p = resolve(b, "combo");
    assert_int_equal(param(p, "A-02", "max_age_months")->u.i, 6);
    assert_true(param(p, "A-02", "coverage")->u.num == 90);
    assert_string_equal(param(p, "A-02", "level")->u.s, "b");
    assert_int_equal(param(p, "A-03", "limit")->u.i, 50);
    lcmp_profile_free(p);
    lcmp_baseline_free(b);
}

static void test_profile__refuses_unknown_profiles(void **state)
{
    lcmp_baseline *b = load("tests/data/baseline/valid");
    lcmp_profile *p = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(lcmp_profile_resolve(&p, b, "nope", &err), LCMP_ENOTFOUND);
    assert_string_equal(err.message, "unknown profile 'nope'");
    assert_null(p);
    assert_int_equal(lcmp_profile_resolve(&p, b, "", NULL), LCMP_ENOTFOUND);
    lcmp_baseline_free(b);
}

static void test_profile__refuses_bad_arguments(void **state)
{
    lcmp_baseline *b = load("tests/data/baseline/valid");
    lcmp_profile *p = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(lcmp_profile_resolve(NULL, b, "low", &err), LCMP_EINVALID);
    assert_string_equal(err.message, "no output given");
    assert_int_equal(lcmp_profile_resolve(&p, NULL, "low", &err),
                     LCMP_EINVALID);
    assert_string_equal(err.message, "no baseline given");
    assert_int_equal(lcmp_profile_resolve(&p, b, NULL, &err), LCMP_EINVALID);
    assert_string_equal(err.message, "no profile id given");
    assert_null(p);

    lcmp_profile_free(NULL);
    assert_null(lcmp_profile_id(NULL));
    assert_null(lcmp_profile_title(NULL));
    assert_int_equal(lcmp_profile_control_count(NULL), 0);
    assert_null(lcmp_profile_control_id(NULL, 0));
    assert_null(lcmp_profile_baseline(NULL));
    assert_null(lcmp__profile_param(NULL, 0, 0));

    p = resolve(b, "low");
    assert_non_null(lcmp__profile_param(p, 1, 2));
    assert_null(lcmp__profile_param(p, 1, 3));
    assert_null(lcmp__profile_param(p, 0, 0));
    assert_null(lcmp__profile_param(p, 3, 0));
    lcmp_profile_free(p);
    lcmp_baseline_free(b);
}

static void test_profile__checks_references_again(void **state)
{
    static const char *to_high[] = {"high"};
    static const char *to_none[] = {"none"};
    static const char *bad_ids[] = {"Z-99"};
    static const char *bad_families[] = {"delta"};
    lcmp_baseline *b = load("tests/data/baseline/valid");
    lcmp__profile_def *low = &b->profiles[0], saved = *low;
    lcmp_profile *p = NULL;
    lcmp_error err;

    (void)state;
    /* a model made by other means than the loader: low -> high -> mid ->
     * low is a cycle */
    low->extends = to_high;
    low->nextends = 1;
    assert_int_equal(lcmp_profile_resolve(&p, b, "low", &err), LCMP_EINVALID);
    assert_string_equal(err.message,
                        "profile 'low' extends itself through 'high', 'mid'");
    assert_int_equal(lcmp_profile_resolve(&p, b, "high", &err), LCMP_EINVALID);
    assert_string_equal(err.message,
                        "profile 'high' extends itself through 'mid', 'low'");
    p = resolve(b, "side");
    lcmp_profile_free(p);
    p = NULL;

    low->extends = to_none;
    assert_int_equal(lcmp_profile_resolve(&p, b, "mid", &err), LCMP_EINVALID);
    assert_string_equal(err.message,
                        "profile 'low' extends unknown profile 'none'");
    *low = saved;

    low->include_ids = bad_ids;
    assert_int_equal(lcmp_profile_resolve(&p, b, "low", &err), LCMP_EINVALID);
    assert_string_equal(err.message, "unknown control 'Z-99' in profile 'low'");
    *low = saved;

    low->exclude_ids = bad_ids;
    low->nexclude_ids = 1;
    assert_int_equal(lcmp_profile_resolve(&p, b, "low", &err), LCMP_EINVALID);
    *low = saved;

    low->include_families = bad_families;
    low->ninclude_families = 1;
    assert_int_equal(lcmp_profile_resolve(&p, b, "low", &err), LCMP_EINVALID);
    assert_string_equal(err.message, "unknown family 'delta' in profile 'low'");
    *low = saved;

    low->params[0].param = 7;
    assert_int_equal(lcmp_profile_resolve(&p, b, "low", &err), LCMP_EINVALID);
    assert_string_equal(err.message, "unknown parameter in profile 'low'");
    assert_null(p);
    low->params[0].param = 0;
    p = resolve(b, "low");
    lcmp_profile_free(p);
    lcmp_baseline_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_profile__resolves_municipal_levels_cumulatively),
        cmocka_unit_test(test_profile__resolves_extends_include_exclude),
        cmocka_unit_test(test_profile__overrides_inherited_params),
        cmocka_unit_test(test_profile__refuses_unknown_profiles),
        cmocka_unit_test(test_profile__refuses_bad_arguments),
        cmocka_unit_test(test_profile__checks_references_again),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
