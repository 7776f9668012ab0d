/*
 * Tests of lcmp_evidence_from_dir() (libcompliance/evidence.c): digests of
 * files under a directory, URI to path mapping, and that nothing outside
 * the directory is ever read ('..', absolute paths, symbolic links); then
 * the callback at work inside lcmp_evaluate().
 *
 * Each test builds its own tree in a fresh directory under $LCMP_TMPDIR
 * (or /tmp):
 *   outside.pdf                 "secret\n"
 *   ev/policy.pdf               "policy\n"
 *   ev/empty.pdf                ""
 *   ev/reports/restore.pdf      "restore\n"
 *   ev/link.pdf -> ../outside.pdf, ev/up -> .., ev/pipe (a FIFO)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcompliance.h"

#define NOW "2026-11-27T09:00:00Z"

#define SHA_POLICY \
    "c82fc52c78bf8154d4dd7d8766c422ab151052d72098d72ded237aafcd78e4e0"
#define SHA_RESTORE \
    "60c5195bba2a08a8f2519193766ce493171eaa6b23388a1857ca2d41f7e3f85d"
#define SHA_EMPTY \
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef struct fixture {
    char root[512];
    char dir[600];
} fixture;

static void path_in(char *out, size_t size, const fixture *fx, const char *name)
{
    snprintf(out, size, "%s/%s", fx->root, name);
}

static void write_file(const fixture *fx, const char *name, const char *text)
{
    char path[1024];
    FILE *f;

    path_in(path, sizeof(path), fx, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static int teardown_tree(void **state);

static int setup_tree(void **state)
{
    const char *tmp = getenv("LCMP_TMPDIR");
    fixture *fx = calloc(1, sizeof(*fx));
    char path[1024];

    if (fx == NULL) {
        return -1;
    }
    if (tmp == NULL || tmp[0] == '\0') {
        tmp = "/tmp";
    }
    mkdir(tmp, 0700);
    snprintf(fx->root, sizeof(fx->root), "%s/evidence-XXXXXX", tmp);
    if (mkdtemp(fx->root) == NULL) {
        free(fx);
        return -1;
    }
    snprintf(fx->dir, sizeof(fx->dir), "%s/ev", fx->root);
    path_in(path, sizeof(path), fx, "ev");
    mkdir(path, 0700);
    path_in(path, sizeof(path), fx, "ev/reports");
    mkdir(path, 0700);
    write_file(fx, "outside.pdf", "secret\n");
    write_file(fx, "ev/policy.pdf", "policy\n");
    write_file(fx, "ev/empty.pdf", "");
    write_file(fx, "ev/reports/restore.pdf", "restore\n");
    path_in(path, sizeof(path), fx, "ev/link.pdf");
    if (symlink("../outside.pdf", path) != 0) {
        goto fail;
    }
    path_in(path, sizeof(path), fx, "ev/up");
    if (symlink("..", path) != 0) {
        goto fail;
    }
    path_in(path, sizeof(path), fx, "ev/pipe");
    if (mkfifo(path, 0600) != 0) {
        goto fail;
    }
    *state = fx;
    return 0;
fail:
    *state = fx;
    teardown_tree(state);
    return -1;
}

static int teardown_tree(void **state)
{
    static const char *const names[] = {"ev/reports/restore.pdf",
                                        "ev/policy.pdf",
                                        "ev/empty.pdf",
                                        "ev/link.pdf",
                                        "ev/up",
                                        "ev/pipe",
                                        "ev/big.pdf",
                                        "outside.pdf",
                                        NULL};
    fixture *fx = *state;
    char path[1024];
    size_t i;

    for (i = 0; names[i] != NULL; i++) {
        path_in(path, sizeof(path), fx, names[i]);
        unlink(path);
    }
    path_in(path, sizeof(path), fx, "ev/reports");
    rmdir(path);
    rmdir(fx->dir);
    rmdir(fx->root);
    free(fx);
    return 0;
}

static void hex(char out[65], const uint8_t d[32])
{
    size_t i;

    for (i = 0; i < 32; i++) {
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    }
}

/* lcmp_evidence_from_dir() on `uri`; the digest (hex) when it returns 0. */
static int lookup(fixture *fx, const char *uri, char digest[65])
{
    uint8_t d[32];
    int rc = lcmp_evidence_from_dir(d, uri, fx->dir);

    digest[0] = '\0';
    if (rc == 0) {
        hex(digest, d);
    }
    return rc;
}

static void assert_digest(fixture *fx, const char *uri, const char *want)
{
    char got[65];
    int rc = lookup(fx, uri, got);

    if (rc != 0) {
        fail_msg("'%s': %s", uri, lcmp_strerror(rc));
    }
    assert_string_equal(got, want);
}

static void assert_missing(fixture *fx, const char *uri)
{
    char got[65];
    int rc = lookup(fx, uri, got);

    if (rc != LCMP_ENOTFOUND) {
        fail_msg("'%s': expected not found, got %d", uri, rc);
    }
}

static void test_evidence__match(void **state)
{
    assert_digest(*state, "policy.pdf", SHA_POLICY);
    assert_digest(*state, "empty.pdf", SHA_EMPTY);
    assert_digest(*state, "./policy.pdf", SHA_POLICY);
}

static void test_evidence__nested_path(void **state)
{
    assert_digest(*state, "reports/restore.pdf", SHA_RESTORE);
    assert_digest(*state, "reports//restore.pdf", SHA_RESTORE);
}

static void test_evidence__scheme_uri_last_segment(void **state)
{
    assert_digest(*state, "dms://risk/2025/policy.pdf", SHA_POLICY);
    assert_digest(*state, "file:///srv/evidence/policy.pdf", SHA_POLICY);
    assert_digest(
        *state, "https://dms.example/x/policy.pdf?v=2#page=3", SHA_POLICY);
    assert_digest(*state, "https://dms.example/x/pol%69cy.pdf", SHA_POLICY);
    /* only the last segment counts: no directories from a URI */
    assert_missing(*state, "https://dms.example/reports/");
    assert_missing(*state, "dms://x/..");
    assert_missing(*state, "dms://x/..%2Foutside.pdf");
    assert_missing(*state, "dms://x/bad%2");
}

static void test_evidence__missing(void **state)
{
    assert_missing(*state, "nope.pdf");
    assert_missing(*state, "reports/nope.pdf");
    assert_missing(*state, "policy.pdf/x");
    assert_missing(*state, "");
}

static void test_evidence__dotdot_refused(void **state)
{
    assert_missing(*state, "../outside.pdf");
    /* refused even when it would land inside the directory again */
    assert_missing(*state, "reports/../policy.pdf");
    assert_missing(*state, "..");
}

static void test_evidence__absolute_refused(void **state)
{
    fixture *fx = *state;
    char abs[1024];

    snprintf(abs, sizeof(abs), "%s/policy.pdf", fx->dir);
    assert_missing(fx, abs);
    assert_missing(fx, "/etc/hostname");
}

static void test_evidence__symlink_refused(void **state)
{
    assert_missing(*state, "link.pdf");
    assert_missing(*state, "up/outside.pdf");
    assert_missing(*state, "up/ev/policy.pdf");
    assert_missing(*state, "dms://x/link.pdf");
}

static void test_evidence__not_a_regular_file(void **state)
{
    /* a FIFO must not block the lookup */
    assert_missing(*state, "pipe");
    assert_missing(*state, "reports");
}

static void test_evidence__too_large(void **state)
{
    fixture *fx = *state;
    char path[1024], got[65];
    int fd;

    path_in(path, sizeof(path), fx, "ev/big.pdf");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    /* sparse: costs no disk space */
    assert_int_equal(ftruncate(fd, ((off_t)1 << 30) + 1), 0);
    close(fd);
    assert_int_equal(lookup(fx, "big.pdf", got), LCMP_ELIMIT);
}

static void test_evidence__invalid_arguments(void **state)
{
    fixture *fx = *state;
    uint8_t d[32];

    assert_int_equal(lcmp_evidence_from_dir(d, NULL, fx->dir), LCMP_EINVALID);
    assert_int_equal(lcmp_evidence_from_dir(d, "policy.pdf", NULL),
                     LCMP_EINVALID);
    assert_int_equal(lcmp_evidence_from_dir(NULL, "policy.pdf", fx->dir),
                     LCMP_EINVALID);
    assert_int_equal(lcmp_evidence_from_dir(d, "policy.pdf", "/nonexistent/x"),
                     LCMP_ENOTFOUND);
}

/* The callback inside an evaluation: match, mismatch, missing, symlink. */
static void test_evidence__evaluate_with_dir(void **state)
{
    static const char decl[] =
        "{\"schema\": \"lcmp.declaration/v1\",\n"
        " \"organisation\": {\"id\": \"gem-test\", \"name\": \"Test\"},\n"
        " \"controls\": {\"OPS-03\": {\"status\": \"implemented\",\n"
        "  \"evidence\": [\n"
        "   {\"uri\": \"dms://backup/policy.pdf\", \"sha256\": \"" SHA_POLICY
        "\"},\n"
        "   {\"uri\": \"reports/restore.pdf\", \"sha256\": \"" SHA_POLICY
        "\"},\n"
        "   {\"uri\": \"missing.pdf\", \"sha256\": \"" SHA_POLICY "\"},\n"
        "   {\"uri\": \"link.pdf\", \"sha256\": \"" SHA_POLICY "\"}]},\n"
        "  \"OPS-04\": {\"status\": \"implemented\",\n"
        "  \"evidence\": [{\"uri\": \"policy.pdf\", \"sha256\": \"" SHA_POLICY
        "\"}]}}}\n";
    fixture *fx = *state;
    lcmp_evaluate_options opts = LCMP_EVALUATE_OPTIONS_INIT;
    lcmp_baseline *baseline = NULL;
    lcmp_profile *profile = NULL;
    lcmp_declaration *d = NULL;
    lcmp_result *result = NULL;
    const lcmp_control_result *cr = NULL;
    const char *src = getenv("LCMP_SOURCE_DIR");
    char path[1024];
    int64_t t;
    size_t i;

    snprintf(path,
             sizeof(path),
             "%s/tests/data/evaluate/baseline",
             src != NULL && src[0] != '\0' ? src : "..");
    assert_int_equal(lcmp_baseline_load_dir(&baseline, path, NULL, NULL), 0);
    assert_int_equal(lcmp_profile_resolve(&profile, baseline, "basic", NULL),
                     0);
    assert_int_equal(
        lcmp_declaration_load_buffer(
            &d, (const uint8_t *)decl, strlen(decl), "<string>", NULL, NULL),
        0);
    assert_int_equal(lcmp_time_parse(&t, NOW, NULL), 0);
    opts.evidence = lcmp_evidence_from_dir;
    opts.evidence_payload = fx->dir;
    assert_int_equal(lcmp_evaluate(&result, profile, d, t, &opts, NULL), 0);

    for (i = 0; i < lcmp_result_control_count(result); i++) {
        if (strcmp(lcmp_result_control(result, i)->control, "OPS-03") == 0) {
            cr = lcmp_result_control(result, i);
        }
        if (strcmp(lcmp_result_control(result, i)->control, "OPS-04") == 0) {
            assert_int_equal(lcmp_result_control(result, i)->state,
                             LCMP_STATE_COMPLIANT);
        }
    }
    assert_non_null(cr);
    assert_int_equal(cr->state, LCMP_STATE_NON_COMPLIANT);
    assert_int_equal(cr->nreasons, 3);
    assert_int_equal(cr->reasons[0].code, LCMP_REASON_EVIDENCE_DIGEST_MISMATCH);
    assert_string_equal(cr->reasons[0].pointer,
                        "/controls/OPS-03/evidence/1/sha256");
    assert_non_null(
        strstr(cr->reasons[0].message, "sha256 of 'reports/restore.pdf' is "));
    assert_int_equal(cr->reasons[1].code, LCMP_REASON_EVIDENCE_UNREADABLE);
    assert_string_equal(cr->reasons[1].pointer,
                        "/controls/OPS-03/evidence/2/uri");
    assert_non_null(
        strstr(cr->reasons[1].message, "evidence 'missing.pdf' not found"));
    assert_int_equal(cr->reasons[2].code, LCMP_REASON_EVIDENCE_UNREADABLE);
    assert_string_equal(cr->reasons[2].pointer,
                        "/controls/OPS-03/evidence/3/uri");
    assert_non_null(
        strstr(cr->reasons[2].message, "evidence 'link.pdf' not found"));

    lcmp_result_free(result);
    lcmp_declaration_free(d);
    lcmp_profile_free(profile);
    lcmp_baseline_free(baseline);
}

#define T(name)                      \
    cmocka_unit_test_setup_teardown( \
        test_evidence__##name, setup_tree, teardown_tree)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(match),
        T(nested_path),
        T(scheme_uri_last_segment),
        T(missing),
        T(dotdot_refused),
        T(absolute_refused),
        T(symlink_refused),
        T(not_a_regular_file),
        T(too_large),
        T(invalid_arguments),
        T(evaluate_with_dir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
