/*
 * Tests for libcompliance/template.c: the exact output for a small
 * hand-built profile, placeholders, argument refusals, and that the
 * template of every profile of the sample baseline (baselines/municipal,
 * found through LCMP_SOURCE_DIR) loads as a declaration.
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
#include "util.h"

/*
 * A small baseline and profile built by hand, independent of the baseline
 * loader: GOV-04 has one fact of every type and needs evidence, GOV-05 is
 * not selected, BCM-01 has no facts and needs no evidence.
 */
static const char *levels[] = {"low", "high"};

static lcmp__fact gov04_facts[] = {
    {"approved_on", LCMP__T_DATE, NULL, NULL, 0, 0, 0, 0, 0},
    {"covers_critical_services", LCMP__T_BOOLEAN, NULL, NULL, 0, 0, 0, 0, 0},
    {"level", LCMP__T_ENUM, NULL, levels, 2, 0, 0, 0, 0},
    {"reviews", LCMP__T_INTEGER, NULL, NULL, 0, 1, 0, 1, 0},
    {"coverage", LCMP__T_PERCENT, NULL, NULL, 0, 1, 1, 0, 100},
    {"scope", LCMP__T_STRING, NULL, NULL, 0, 0, 0, 0, 0},
};

static lcmp__fact bcm01_facts[] = {
    {"tested_on", LCMP__T_DATE, NULL, NULL, 0, 0, 0, 0, 0},
};

static lcmp__control small_controls[3];
static lcmp_baseline small_baseline;
static size_t small_selected[] = {0, 2};
static lcmp_profile small_profile;
static lcmp_profile empty_profile;

static int setup_small(void **state)
{
    (void)state;
    memset(small_controls, 0, sizeof(small_controls));
    small_controls[0].id = "GOV-04";
    small_controls[0].facts = gov04_facts;
    small_controls[0].nfacts = sizeof(gov04_facts) / sizeof(gov04_facts[0]);
    small_controls[0].evidence_min = 1;
    small_controls[1].id = "GOV-05";
    small_controls[2].id = "BCM-01";
    small_controls[2].facts = bcm01_facts;
    small_controls[2].nfacts = 1;
    memset(&small_baseline, 0, sizeof(small_baseline));
    small_baseline.id = "test-basis";
    small_baseline.controls = small_controls;
    small_baseline.ncontrols = 3;
    memset(&small_profile, 0, sizeof(small_profile));
    small_profile.baseline = &small_baseline;
    small_profile.id = "basic";
    small_profile.controls = small_selected;
    small_profile.ncontrols = 2;
    memset(&empty_profile, 0, sizeof(empty_profile));
    empty_profile.baseline = &small_baseline;
    empty_profile.id = "none";
    return 0;
}

static const char small_expected[] =
    "{\n"
    "  \"schema\": \"lcmp.declaration/v1\",\n"
    "  \"organisation\": {\n"
    "    \"id\": \"your-org-id\",\n"
    "    \"name\": \"Your organisation name\"\n"
    "  },\n"
    "  \"baseline\": \"test-basis\",\n"
    "  \"profile\": \"basic\",\n"
    "  \"controls\": {\n"
    "    \"GOV-04\": {\n"
    "      \"status\": \"not_implemented\",\n"
    "      \"facts\": {\n"
    "        \"approved_on\": \"YYYY-MM-DD\",\n"
    "        \"covers_critical_services\": false,\n"
    "        \"level\": \"low\",\n"
    "        \"reviews\": 0,\n"
    "        \"coverage\": 0,\n"
    "        \"scope\": \"\"\n"
    "      },\n"
    "      \"evidence\": [],\n"
    "      \"owner\": \"\",\n"
    "      \"note\": \"\"\n"
    "    },\n"
    "    \"BCM-01\": {\n"
    "      \"status\": \"not_implemented\",\n"
    "      \"facts\": {\n"
    "        \"tested_on\": \"YYYY-MM-DD\"\n"
    "      },\n"
    "      \"owner\": \"\",\n"
    "      \"note\": \"\"\n"
    "    }\n"
    "  },\n"
    "  \"exceptions\": []\n"
    "}\n";

static lcmp_declaration *load_template(const lcmp_buf *buf)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;

    lcmp_error_clear(&err);
    if (lcmp_declaration_load_buffer(&d,
                                     (const uint8_t *)buf->ptr,
                                     buf->size,
                                     "<template>",
                                     NULL,
                                     &err) != 0)
    {
        print_error("%s: %s: %s\n", err.source, err.pointer, err.message);
    }
    assert_non_null(d);
    return d;
}

static void test_template__writes_placeholders(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_template_write(&buf, &small_profile, NULL, NULL, &err), 0);
    assert_string_equal(buf.ptr, small_expected);
    assert_int_equal(buf.size, strlen(small_expected));
    lcmp_buf_dispose(&buf);
}

static void test_template__loads_as_declaration(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_declaration *d;
    const lcmp__decl_control *c;

    (void)state;
    assert_int_equal(
        lcmp_template_write(&buf, &small_profile, NULL, NULL, NULL), 0);
    d = load_template(&buf);
    assert_string_equal(lcmp_declaration_org_id(d), "your-org-id");
    assert_string_equal(lcmp_declaration_org_name(d), "Your organisation name");
    assert_string_equal(lcmp_declaration_baseline(d), "test-basis");
    assert_string_equal(lcmp_declaration_profile(d), "basic");
    assert_int_equal(lcmp_declaration_control_count(d), 2);
    assert_string_equal(d->controls[0].id, "GOV-04");
    assert_string_equal(d->controls[1].id, "BCM-01");
    c = lcmp__declaration_find(d, "GOV-04");
    assert_int_equal(c->status, LCMP__STATUS_NOT_IMPLEMENTED);
    assert_int_equal(json_object_size(c->facts), 6);
    assert_int_equal(c->nevidence, 0);
    assert_string_equal(c->owner, "");
    assert_string_equal(c->note, "");
    assert_null(lcmp__declaration_find(d, "GOV-05"));
    assert_int_equal(d->nexceptions, 0);
    lcmp_declaration_free(d);
    lcmp_buf_dispose(&buf);
}

static void test_template__fills_organisation(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_declaration *d;

    (void)state;
    assert_int_equal(lcmp_template_write(&buf,
                                         &small_profile,
                                         "gem-zonnedaal",
                                         "Gemeente Zo\xc3\xab \"Noord\"",
                                         NULL),
                     0);
    assert_non_null(strstr(buf.ptr,
                           "    \"id\": \"gem-zonnedaal\",\n"
                           "    \"name\": \"Gemeente Zo\xc3\xab "
                           "\\\"Noord\\\"\"\n"));
    d = load_template(&buf);
    assert_string_equal(lcmp_declaration_org_id(d), "gem-zonnedaal");
    assert_string_equal(lcmp_declaration_org_name(d),
                        "Gemeente Zo\xc3\xab \"Noord\"");
    lcmp_declaration_free(d);
    lcmp_buf_dispose(&buf);
}

static void test_template__is_deterministic(void **state)
{
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT;

    (void)state;
    assert_int_equal(lcmp_template_write(&a, &small_profile, "x", "X", NULL),
                     0);
    /* writing into a used buffer replaces its content */
    assert_int_equal(lcmp__buf_puts(&b, "old content"), 0);
    assert_int_equal(lcmp_template_write(&b, &small_profile, "x", "X", NULL),
                     0);
    assert_int_equal(a.size, b.size);
    assert_string_equal(a.ptr, b.ptr);
    assert_int_equal(a.ptr[a.size - 1], '\n');
    assert_int_not_equal(a.ptr[a.size - 2], '\n');
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
}

static void test_template__writes_empty_profile(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_declaration *d;

    (void)state;
    assert_int_equal(
        lcmp_template_write(&buf, &empty_profile, NULL, NULL, NULL), 0);
    assert_non_null(strstr(buf.ptr, "  \"controls\": {},\n"));
    d = load_template(&buf);
    assert_int_equal(lcmp_declaration_control_count(d), 0);
    lcmp_declaration_free(d);
    lcmp_buf_dispose(&buf);
}

static void test_template__refuses_missing_arguments(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_template_write(NULL, &small_profile, NULL, NULL, &err),
        LCMP_EINVALID);
    assert_int_equal(err.code, LCMP_EINVALID);
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "no output buffer or profile"));
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_template_write(&buf, NULL, NULL, NULL, &err),
                     LCMP_EINVALID);
    assert_non_null(strstr(err.message, "no output buffer or profile"));
    assert_null(buf.ptr);
}

static void test_template__refuses_invalid_organisation_id(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_template_write(&buf, &small_profile, "gem x", NULL, &err),
        LCMP_EINVALID);
    assert_int_equal(err.code, LCMP_EINVALID);
    assert_string_equal(err.pointer, "");
    assert_non_null(strstr(err.message, "invalid organisation id 'gem x'"));
    assert_int_equal(lcmp_template_write(&buf, &small_profile, "", NULL, &err),
                     LCMP_EINVALID);
    assert_null(buf.ptr);
}

static void test_template__refuses_organisation_name_not_utf8(void **state)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_template_write(
                         &buf, &small_profile, NULL, "Gemeente Zo\xeb", &err),
                     LCMP_EINVALID);
    assert_int_equal(err.code, LCMP_EINVALID);
    assert_non_null(
        strstr(err.message, "the organisation name is not valid UTF-8"));
    assert_null(buf.ptr);
}

/*
 * The sample baseline
 */

static lcmp_baseline *load_municipal(void)
{
    const char *src = getenv("LCMP_SOURCE_DIR");
    lcmp_baseline *b = NULL;
    lcmp_error err;
    char dir[1024];

    snprintf(dir,
             sizeof(dir),
             "%s/baselines/municipal",
             src != NULL && src[0] != '\0' ? src : "..");
    lcmp_error_clear(&err);
    if (lcmp_baseline_load_dir(&b, dir, NULL, &err) != 0) {
        print_error("%s: %s: %s\n", err.source, err.pointer, err.message);
    }
    assert_non_null(b);
    return b;
}

static void test_template__every_municipal_profile_loads(void **state)
{
    lcmp_baseline *b = load_municipal();
    size_t i, k;

    (void)state;
    assert_true(lcmp_baseline_profile_count(b) > 0);
    for (i = 0; i < lcmp_baseline_profile_count(b); i++) {
        const char *id = lcmp_baseline_profile_id(b, i);
        lcmp_profile *p = NULL;
        lcmp_buf buf = LCMP_BUF_INIT;
        lcmp_declaration *d;
        lcmp_error err;

        lcmp_error_clear(&err);
        assert_int_equal(lcmp_profile_resolve(&p, b, id, &err), 0);
        assert_int_equal(
            lcmp_template_write(
                &buf, p, "gem-zonnedaal", "Gemeente Zonnedaal", &err),
            0);
        assert_int_equal(buf.ptr[buf.size - 1], '\n');
        d = load_template(&buf);
        assert_string_equal(lcmp_declaration_baseline(d), lcmp_baseline_id(b));
        assert_string_equal(lcmp_declaration_profile(d), id);
        assert_int_equal(lcmp_declaration_control_count(d),
                         lcmp_profile_control_count(p));
        for (k = 0; k < lcmp_profile_control_count(p); k++) {
            const lcmp__control *c = &b->controls[p->controls[k]];
            const lcmp__decl_control *dc = &d->controls[k];

            /* baseline order, every fact, evidence when required */
            assert_string_equal(dc->id, lcmp_profile_control_id(p, k));
            assert_int_equal(dc->status, LCMP__STATUS_NOT_IMPLEMENTED);
            assert_int_equal(
                dc->facts != NULL ? json_object_size(dc->facts) : 0, c->nfacts);
            assert_int_equal(dc->nevidence, 0);
        }
        lcmp_declaration_free(d);
        lcmp_buf_dispose(&buf);
        lcmp_profile_free(p);
    }
    lcmp_baseline_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_template__writes_placeholders, setup_small),
        cmocka_unit_test_setup(test_template__loads_as_declaration,
                               setup_small),
        cmocka_unit_test_setup(test_template__fills_organisation, setup_small),
        cmocka_unit_test_setup(test_template__is_deterministic, setup_small),
        cmocka_unit_test_setup(test_template__writes_empty_profile,
                               setup_small),
        cmocka_unit_test_setup(test_template__refuses_missing_arguments,
                               setup_small),
        cmocka_unit_test_setup(test_template__refuses_invalid_organisation_id,
                               setup_small),
        cmocka_unit_test_setup(
            test_template__refuses_organisation_name_not_utf8, setup_small),
        cmocka_unit_test(test_template__every_municipal_profile_loads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
