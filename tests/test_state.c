/*
 * Tests for the sync state file: strict loading with JSON pointers,
 * version order, round trip and atomic replacement.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state.h"
#include "util.h"

#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"

static int parse(lcmp__state *st, const char *text, lcmp_error *err)
{
    lcmp_error_clear(err);
    return lcmp__state_parse(
        st, (const uint8_t *)text, strlen(text), "state.json", err);
}

static const char good[] =
    "{\"schema\": \"lcmp.sync-state/v1\", \"remote\": \"file:///x\","
    " \"current\": \"v2026.2\", \"releases\": ["
    "{\"tag\": \"v2026.2\", \"tag_id\": \"" OID_A "\", \"commit_id\": \"" OID_B
    "\", \"first_seen\": \"2026-11-28T10:00:00Z\", \"verified\": true,"
    " \"signer\": \"release@assoc\", \"expires\": \"2027-06-30\"},"
    "{\"tag\": \"v2026.1\", \"tag_id\": \"" OID_B "\", \"commit_id\": \"" OID_A
    "\", \"first_seen\": \"2026-01-01T00:00:00Z\", \"verified\": true}]}";

static void test_state__parse_good(void **state)
{
    lcmp__state st;
    lcmp_error err;
    lcmp__state_release *r;

    (void)state;
    assert_int_equal(parse(&st, good, &err), 0);
    assert_int_equal(st.count, 2);
    /* version order, whatever the file's order */
    assert_string_equal(st.releases[0].tag, "v2026.1");
    assert_string_equal(st.releases[1].tag, "v2026.2");
    assert_string_equal(st.current, "v2026.2");
    assert_string_equal(st.remote, "file:///x");
    r = lcmp__state_find(&st, "v2026.2");
    assert_non_null(r);
    assert_string_equal(r->tag_id, OID_A);
    assert_string_equal(r->commit_id, OID_B);
    assert_string_equal(r->signer, "release@assoc");
    assert_int_equal(r->first_seen, 1795860000);
    assert_int_equal(r->has_expires, 1);
    assert_int_equal(r->expires, lcmp__days_from_civil(2027, 6, 30));
    assert_int_equal(lcmp__state_find(&st, "v2026.1")->has_expires, 0);
    assert_null(lcmp__state_find(&st, "v2026.3"));
    lcmp__state_dispose(&st);
}

static void expect_error(const char *text,
                         int code,
                         const char *pointer,
                         const char *message)
{
    lcmp__state st;
    lcmp_error err;

    assert_int_equal(parse(&st, text, &err), code);
    assert_string_equal(err.source, "state.json");
    assert_string_equal(err.pointer, pointer);
    assert_string_equal(err.message, message);
    assert_null(st.releases);
}

static void test_state__unknown_member(void **state)
{
    (void)state;
    expect_error("{\"schema\": \"lcmp.sync-state/v1\", \"releases\": [],"
                 " \"extra\": 1}",
                 LCMP_EPARSE,
                 "/extra",
                 "unknown member 'extra'");
}

static void test_state__wrong_schema(void **state)
{
    (void)state;
    expect_error("{\"schema\": \"lcmp.sync-state/v2\", \"releases\": []}",
                 LCMP_EPARSE,
                 "/schema",
                 "unknown schema 'lcmp.sync-state/v2' (expected "
                 "'lcmp.sync-state/v1')");
}

static void test_state__bad_oid(void **state)
{
    (void)state;
    expect_error("{\"schema\": \"lcmp.sync-state/v1\", \"releases\": ["
                 "{\"tag\": \"v1.0.0\", \"tag_id\": \"" OID_A
                 "\", \"commit_id\": \"ABCD\", \"first_seen\": "
                 "\"2026-01-01\", \"verified\": true}]}",
                 LCMP_EPARSE,
                 "/releases/0/commit_id",
                 "expected a 40-digit lowercase hex object id");
}

static void test_state__duplicate_release(void **state)
{
    (void)state;
    expect_error("{\"schema\": \"lcmp.sync-state/v1\", \"releases\": ["
                 "{\"tag\": \"v1.0.0\", \"tag_id\": \"" OID_A
                 "\", \"commit_id\": \"" OID_B "\", \"first_seen\": "
                 "\"2026-01-01\", \"verified\": true},"
                 "{\"tag\": \"v1.0.0\", \"tag_id\": \"" OID_B
                 "\", \"commit_id\": \"" OID_B "\", \"first_seen\": "
                 "\"2026-01-01\", \"verified\": true}]}",
                 LCMP_EPARSE,
                 "/releases/1/tag",
                 "duplicate release 'v1.0.0'");
}

static void test_state__not_a_release_name(void **state)
{
    (void)state;
    expect_error("{\"schema\": \"lcmp.sync-state/v1\", \"releases\": ["
                 "{\"tag\": \"main\", \"tag_id\": \"" OID_A
                 "\", \"commit_id\": \"" OID_B "\", \"first_seen\": "
                 "\"2026-01-01\", \"verified\": true}]}",
                 LCMP_EPARSE,
                 "/releases/0/tag",
                 "'main' is not a release name (vYYYY.N or "
                 "vMAJOR.MINOR.PATCH)");
}

static void test_state__current_unknown(void **state)
{
    (void)state;
    expect_error("{\"schema\": \"lcmp.sync-state/v1\", \"releases\": [],"
                 " \"current\": \"v2026.1\"}",
                 LCMP_EPARSE,
                 "/current",
                 "current release 'v2026.1' is not among the releases");
}

static void test_state__wrong_type(void **state)
{
    (void)state;
    expect_error("{\"schema\": \"lcmp.sync-state/v1\", \"releases\": ["
                 "{\"tag\": \"v1.0.0\", \"tag_id\": \"" OID_A
                 "\", \"commit_id\": \"" OID_B "\", \"first_seen\": "
                 "\"2026-01-01\", \"verified\": \"yes\"}]}",
                 LCMP_EPARSE,
                 "/releases/0/verified",
                 "expected a boolean, got a string");
}

static void test_state__duplicate_key(void **state)
{
    lcmp__state st;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&st,
                           "{\"schema\": \"lcmp.sync-state/v1\", "
                           "\"releases\": [], \"releases\": []}",
                           &err),
                     LCMP_EPARSE);
    assert_true(err.line > 0);
}

static void test_state__round_trip(void **state)
{
    lcmp__state st, st2;
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    assert_int_equal(parse(&st, good, &err), 0);
    assert_int_equal(lcmp__state_to_json(&a, &st, &err), 0);
    assert_int_equal(
        lcmp__state_parse(&st2, (const uint8_t *)a.ptr, a.size, "x", &err), 0);
    assert_int_equal(lcmp__state_to_json(&b, &st2, &err), 0);
    assert_string_equal(a.ptr, b.ptr);
    assert_non_null(strstr(a.ptr, "\"first_seen\": \"2026-11-28T10:00:00Z\""));
    assert_non_null(strstr(a.ptr, "\"expires\": \"2027-06-30\""));
    /* oldest first */
    assert_true(strstr(a.ptr, "v2026.1") < strstr(a.ptr, "\"tag\": \"v2026.2"));
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
    lcmp__state_dispose(&st);
    lcmp__state_dispose(&st2);
}

static void test_state__add_keeps_order(void **state)
{
    lcmp__state st;
    lcmp__state_release r;
    lcmp_error err;
    const char *names[] = {"v2026.10", "v2026.2", "v2025.1", "v2026.9"};
    size_t i;

    (void)state;
    lcmp__state_init(&st);
    memset(&r, 0, sizeof(r));
    for (i = 0; i < 4; i++) {
        memcpy(r.tag, names[i], strlen(names[i]) + 1);
        assert_int_equal(lcmp__state_add(&st, &r, &err), 0);
    }
    assert_int_equal(lcmp__state_add(&st, &r, &err), LCMP_EINVALID);
    memcpy(r.tag, "latest", 7);
    assert_int_equal(lcmp__state_add(&st, &r, &err), LCMP_EINVALID);
    assert_string_equal(st.releases[0].tag, "v2025.1");
    assert_string_equal(st.releases[1].tag, "v2026.2");
    assert_string_equal(st.releases[2].tag, "v2026.9");
    assert_string_equal(st.releases[3].tag, "v2026.10");
    lcmp__state_dispose(&st);
}

static void test_state__save_and_load(void **state)
{
    const char *tmpdir = getenv("LCMP_TMPDIR");
    char dir[512], path[600];
    lcmp__state st, st2;
    lcmp_error err;
    DIR *d;
    struct dirent *e;
    struct stat sb;
    int entries = 0;

    (void)state;
    snprintf(
        dir, sizeof(dir), "%s/state-save", tmpdir != NULL ? tmpdir : "/tmp");
    mkdir(dir, 0755);
    snprintf(path, sizeof(path), "%s/state.json", dir);
    remove(path);
    assert_int_equal(lcmp__state_load(&st2, path, &err), LCMP_ENOTFOUND);
    assert_int_equal(parse(&st, good, &err), 0);
    assert_int_equal(lcmp__state_save(&st, path, &err), 0);
    /* replaced, not appended */
    assert_int_equal(lcmp__state_save(&st, path, &err), 0);
    assert_int_equal(lcmp__state_load(&st2, path, &err), 0);
    assert_int_equal(st2.count, 2);
    assert_string_equal(st2.current, "v2026.2");
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    /* no temporary file left behind */
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            entries++;
            assert_string_equal(e->d_name, "state.json");
        }
    }
    closedir(d);
    assert_int_equal(entries, 1);
    lcmp__state_dispose(&st);
    lcmp__state_dispose(&st2);
}

static void test_state__save_into_missing_dir(void **state)
{
    lcmp__state st;
    lcmp_error err;

    (void)state;
    lcmp__state_init(&st);
    lcmp_error_clear(&err);
    /* a missing directory is "not found", as for every file we read */
    assert_int_equal(lcmp__state_save(&st, "/nonexistent-dir/state.json", &err),
                     LCMP_ENOTFOUND);
    assert_string_equal(err.source, "/nonexistent-dir/state.json");
    assert_non_null(strstr(err.message, "cannot create a temporary file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state__parse_good),
        cmocka_unit_test(test_state__unknown_member),
        cmocka_unit_test(test_state__wrong_schema),
        cmocka_unit_test(test_state__bad_oid),
        cmocka_unit_test(test_state__duplicate_release),
        cmocka_unit_test(test_state__not_a_release_name),
        cmocka_unit_test(test_state__current_unknown),
        cmocka_unit_test(test_state__wrong_type),
        cmocka_unit_test(test_state__duplicate_key),
        cmocka_unit_test(test_state__round_trip),
        cmocka_unit_test(test_state__add_keeps_order),
        cmocka_unit_test(test_state__save_and_load),
        cmocka_unit_test(test_state__save_into_missing_dir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
