/*
 * Tests for the raw tag parser: header order, git's signature split (the
 * last armour line), trailers, limits and release version names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tag.h"
#include "util.h"

#define HDR                                             \
    "object 0123456789abcdef0123456789abcdef01234567\n" \
    "type commit\n"                                     \
    "tag v2026.1\n"                                     \
    "tagger Release <release@assoc> 1764288000 +0000\n"

#define SSHSIG                                       \
    "-----BEGIN SSH SIGNATURE-----\n"                \
    "U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg\n" \
    "-----END SSH SIGNATURE-----\n"

static int parse(lcmp__tag *t, const char *text, lcmp_error *err)
{
    lcmp_error_clear(err);
    return lcmp__tag_parse(
        t, (const uint8_t *)text, strlen(text), "v2026.1", err);
}

static void test_tag__signed_ssh_split(void **state)
{
    const char *text = HDR "\nRelease 2026.1\n\nExpires: 2027-06-30\n" SSHSIG;
    const char *payload = HDR "\nRelease 2026.1\n\nExpires: 2027-06-30\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_string_equal(t.object, "0123456789abcdef0123456789abcdef01234567");
    assert_string_equal(t.type, "commit");
    assert_string_equal(t.name, "v2026.1");
    assert_int_equal(t.tagger_len,
                     strlen("Release <release@assoc> 1764288000 +0000"));
    assert_int_equal(t.sig_kind, LCMP__TAG_SIG_SSH);
    assert_int_equal(t.payload_len, strlen(payload));
    assert_memory_equal(t.payload, payload, strlen(payload));
    assert_int_equal(t.signature_len, strlen(SSHSIG));
    assert_memory_equal(t.signature, SSHSIG, strlen(SSHSIG));
    assert_int_equal(t.has_expires, 1);
    assert_int_equal(t.expires, lcmp__days_from_civil(2027, 6, 30));
    assert_int_equal(t.message_len,
                     strlen("Release 2026.1\n\nExpires: 2027-06-30\n"));
}

static void test_tag__last_armour_line_wins(void **state)
{
    /* a copied signature inside the message is part of the payload */
    const char *text = HDR "\nRelease\n\n" SSHSIG "\nmore\n" SSHSIG;
    const char *payload = HDR "\nRelease\n\n" SSHSIG "\nmore\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_int_equal(t.payload_len, strlen(payload));
    assert_int_equal(t.signature_len, strlen(SSHSIG));
    assert_int_equal(t.sig_kind, LCMP__TAG_SIG_SSH);
}

static void test_tag__pgp_recognised(void **state)
{
    const char *text = HDR "\nRelease\n"
                           "-----BEGIN PGP SIGNATURE-----\n\nabc\n"
                           "-----END PGP SIGNATURE-----\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_int_equal(t.sig_kind, LCMP__TAG_SIG_PGP);
    assert_int_equal(t.payload_len, strlen(HDR "\nRelease\n"));
}

static void test_tag__pgp_after_ssh_is_pgp(void **state)
{
    /* git's rule: the last armour decides, whatever its kind */
    const char *text =
        HDR "\nRelease\n" SSHSIG "-----BEGIN PGP SIGNATURE-----\nx\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_int_equal(t.sig_kind, LCMP__TAG_SIG_PGP);
}

static void test_tag__unsigned(void **state)
{
    const char *text = HDR "\nRelease 2026.1\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_int_equal(t.sig_kind, LCMP__TAG_SIG_NONE);
    assert_null(t.signature);
    assert_int_equal(t.payload_len, strlen(text));
    assert_int_equal(t.has_expires, 0);
}

static void test_tag__armour_mid_line_is_not_a_split(void **state)
{
    const char *text = HDR "\nsee  -----BEGIN SSH SIGNATURE-----\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_int_equal(t.sig_kind, LCMP__TAG_SIG_NONE);
}

static void test_tag__no_message(void **state)
{
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, HDR, &err), 0);
    assert_int_equal(t.message_len, 0);
}

static void test_tag__missing_tagger(void **state)
{
    const char *text = "object 0123456789abcdef0123456789abcdef01234567\n"
                       "type commit\n"
                       "tag v2026.1\n"
                       "\nRelease\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "tag object: bad or missing 'tagger' header");
    assert_string_equal(err.source, "v2026.1");
}

static void test_tag__headers_out_of_order(void **state)
{
    const char *text = "type commit\n"
                       "object 0123456789abcdef0123456789abcdef01234567\n"
                       "tag v2026.1\n"
                       "tagger R <r@a> 1 +0000\n\nx\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "tag object: bad or missing 'object' header");
}

static void test_tag__extra_header(void **state)
{
    const char *text = HDR "gpgsig -----BEGIN SSH SIGNATURE-----\n\nx\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "tag object: unexpected header after 'tagger'");
}

static void test_tag__bad_object_id(void **state)
{
    const char *text = "object 0123456789ABCDEF0123456789abcdef01234567\n"
                       "type commit\ntag v1.0.0\ntagger R <r@a> 1 +0000\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "tag object: bad or missing 'object' header");
}

static void test_tag__unknown_type(void **state)
{
    const char *text = "object 0123456789abcdef0123456789abcdef01234567\n"
                       "type commits\ntag v1.0.0\ntagger R <r@a> 1 +0000\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message, "tag object: unknown type");
}

static void test_tag__tree_type_parsed(void **state)
{
    const char *text = "object 0123456789abcdef0123456789abcdef01234567\n"
                       "type tree\ntag v1.0.0\ntagger R <r@a> 1 +0000\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_string_equal(t.type, "tree");
    assert_string_equal(t.name, "v1.0.0");
}

static void test_tag__name_with_control_char(void **state)
{
    const char *text = "object 0123456789abcdef0123456789abcdef01234567\n"
                       "type commit\ntag v1\x1b[0m\ntagger R <r@a> 1 +0000\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "tag object: tag name has a space or "
                        "a non-printable character");
}

static void test_tag__nul_refused(void **state)
{
    const char text[] = HDR "\nRel\0ease\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__tag_parse(&t, (const uint8_t *)text, sizeof(text) - 1, "x", &err),
        LCMP_EPARSE);
    assert_string_equal(err.message, "tag object contains a NUL byte");
}

static void test_tag__too_large(void **state)
{
    size_t n = LCMP__TAG_MAX_SIZE + 1;
    uint8_t *big = malloc(n);
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_non_null(big);
    memset(big, 'a', n);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp__tag_parse(&t, big, n, "x", &err), LCMP_ELIMIT);
    free(big);
}

static void test_tag__expires_bad_date(void **state)
{
    const char *text = HDR "\nRelease\n\nExpires: 2027-02-30\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "'Expires' trailer '2027-02-30' is not "
                        "a date (YYYY-MM-DD)");
}

static void test_tag__expires_not_a_date(void **state)
{
    const char *text = HDR "\nRelease\n\nexpires: never\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "'Expires' trailer is not a date (YYYY-MM-DD)");
}

static void test_tag__expires_twice(void **state)
{
    const char *text =
        HDR "\nRelease\n\nExpires: 2027-06-30\nExpires: 2099-01-01\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), LCMP_EPARSE);
    assert_string_equal(err.message, "more than one 'Expires' trailer");
}

static void test_tag__expires_with_other_trailers(void **state)
{
    const char *text = HDR "\nRelease\n\nbody text\n\nReviewed-by: A <a@b>\n"
                           "EXPIRES: 2028-01-31\n" SSHSIG;
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_int_equal(t.has_expires, 1);
    assert_int_equal(t.expires, lcmp__days_from_civil(2028, 1, 31));
}

static void test_tag__expires_in_subject_is_not_a_trailer(void **state)
{
    const char *text = HDR "\nExpires: 2020-01-01\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_int_equal(t.has_expires, 0);
}

static void test_tag__expires_in_prose_is_not_a_trailer(void **state)
{
    /* the last paragraph has a line that is no trailer */
    const char *text = HDR "\nRelease\n\nExpires: 2020-01-01\nsee above\n";
    lcmp__tag t;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&t, text, &err), 0);
    assert_int_equal(t.has_expires, 0);
}

static void test_tag__release_names(void **state)
{
    uint32_t v[3];

    (void)state;
    assert_int_equal(lcmp__release_name_parse(v, "v2026.1"), 1);
    assert_int_equal(v[0], 2026);
    assert_int_equal(v[1], 1);
    assert_int_equal(v[2], 0);
    assert_int_equal(lcmp__release_name_parse(v, "v1.2.3"), 1);
    assert_int_equal(v[2], 3);
    assert_int_equal(lcmp__release_name_parse(v, "v0.0.0"), 1);
    assert_int_equal(lcmp__release_name_parse(v, "v2026.10"), 1);
    assert_int_equal(v[1], 10);
    assert_int_equal(lcmp__release_name_parse(NULL, "v2026.0"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v226.1"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v2026.01"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "2026.1"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v2026"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v1.2.3.4"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v1.2.3-rc1"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v1..3"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v1.2."), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v1.2.3^{}"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, "v1234567890.1.1"), 0);
    assert_int_equal(lcmp__release_name_parse(NULL, ""), 0);
}

static void test_tag__release_order(void **state)
{
    (void)state;
    assert_true(lcmp__release_name_cmp("v2026.1", "v2026.2") < 0);
    assert_true(lcmp__release_name_cmp("v2026.10", "v2026.9") > 0);
    assert_true(lcmp__release_name_cmp("v2027.1", "v2026.9") > 0);
    assert_true(lcmp__release_name_cmp("v1.10.0", "v1.9.9") > 0);
    assert_int_equal(lcmp__release_name_cmp("v1.2.3", "v1.2.3"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tag__signed_ssh_split),
        cmocka_unit_test(test_tag__last_armour_line_wins),
        cmocka_unit_test(test_tag__pgp_recognised),
        cmocka_unit_test(test_tag__pgp_after_ssh_is_pgp),
        cmocka_unit_test(test_tag__unsigned),
        cmocka_unit_test(test_tag__armour_mid_line_is_not_a_split),
        cmocka_unit_test(test_tag__no_message),
        cmocka_unit_test(test_tag__missing_tagger),
        cmocka_unit_test(test_tag__headers_out_of_order),
        cmocka_unit_test(test_tag__extra_header),
        cmocka_unit_test(test_tag__bad_object_id),
        cmocka_unit_test(test_tag__unknown_type),
        cmocka_unit_test(test_tag__tree_type_parsed),
        cmocka_unit_test(test_tag__name_with_control_char),
        cmocka_unit_test(test_tag__nul_refused),
        cmocka_unit_test(test_tag__too_large),
        cmocka_unit_test(test_tag__expires_bad_date),
        cmocka_unit_test(test_tag__expires_not_a_date),
        cmocka_unit_test(test_tag__expires_twice),
        cmocka_unit_test(test_tag__expires_with_other_trailers),
        cmocka_unit_test(test_tag__expires_in_subject_is_not_a_trailer),
        cmocka_unit_test(test_tag__expires_in_prose_is_not_a_trailer),
        cmocka_unit_test(test_tag__release_names),
        cmocka_unit_test(test_tag__release_order),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
