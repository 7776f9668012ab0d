/*
 * Tests for the Git tree reader: a repository built with the real `git`
 * command holding the sample baseline plus a symlink, a submodule entry,
 * an executable file and a large blob.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "gittree.h"
#include "util.h"

typedef struct fixture {
    char dir[512];
    git_repository *repo;
    git_oid commit;
    lcmp__gittree *tree;
    lcmp_reader reader;
} fixture;

static int run(const char *fmt, ...) LCMP__PRINTF(1, 2);
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

static int setup_repo(void **state)
{
    const char *tmp = getenv("LCMP_TMPDIR");
    const char *src = getenv("LCMP_SOURCE_DIR");
    fixture *f = calloc(1, sizeof(*f));
    git_object *head = NULL;
    lcmp_error err;

    assert_non_null(f);
    assert_non_null(src);
    snprintf(
        f->dir, sizeof(f->dir), "%s/gittree-repo", tmp != NULL ? tmp : "/tmp");
    assert_int_equal(
        run("set -e; rm -rf '%s'; mkdir -p '%s'; cd '%s';"
            "git init -q .; cp -R '%s/baselines/municipal/.' .;"
            "ln -s baseline.json link.json;"
            "mkdir -p dir; echo '{}' > dir/x.json; ln -s ../baseline.json "
            "dir/up.json; ln -s dir dirlink;"
            "printf '#!/bin/sh\\n' > run.sh; chmod 755 run.sh;"
            "head -c 70000 /dev/zero | tr '\\0' ' ' > big.json;"
            "git add -A;"
            "git update-index --add --cacheinfo "
            "160000,0123456789abcdef0123456789abcdef01234567,sub;"
            "git -c user.name=T -c user.email=t@e commit -q -m base",
            f->dir,
            f->dir,
            f->dir,
            src),
        0);
    git_libgit2_init();
    assert_int_equal(git_repository_open(&f->repo, f->dir), 0);
    assert_int_equal(git_revparse_single(&head, f->repo, "HEAD"), 0);
    git_oid_cpy(&f->commit, git_object_id(head));
    git_object_free(head);
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__gittree_open(&f->tree, f->repo, &f->commit, "v2026.1", &err), 0);
    lcmp__gittree_reader(&f->reader, f->tree);
    *state = f;
    return 0;
}

static int teardown_repo(void **state)
{
    fixture *f = *state;

    lcmp__gittree_free(f->tree);
    git_repository_free(f->repo);
    git_libgit2_shutdown();
    free(f);
    return 0;
}

static int
rd(fixture *f, lcmp_buf *out, const char *path, size_t max, lcmp_error *err)
{
    lcmp_error_clear(err);
    return f->reader.read(out, path, max, f->reader.payload, err);
}

static void test_gittree__reads_regular_file(void **state)
{
    fixture *f = *state;
    lcmp_buf b = LCMP_BUF_INIT;
    lcmp_buf disk = LCMP_BUF_INIT;
    lcmp_error err;
    char path[700];

    assert_int_equal(rd(f, &b, "controls/backups.json", 1 << 20, &err), 0);
    snprintf(path,
             sizeof(path),
             "%s/baselines/municipal/controls/backups.json",
             getenv("LCMP_SOURCE_DIR"));
    assert_int_equal(lcmp__file_read(&disk, path, 1 << 20, &err), 0);
    assert_int_equal(b.size, disk.size);
    assert_memory_equal(b.ptr, disk.ptr, b.size);
    lcmp_buf_dispose(&b);
    lcmp_buf_dispose(&disk);
}

static void test_gittree__reads_executable(void **state)
{
    fixture *f = *state;
    lcmp_buf b = LCMP_BUF_INIT;
    lcmp_error err;

    assert_int_equal(rd(f, &b, "run.sh", 100, &err), 0);
    assert_string_equal(b.ptr, "#!/bin/sh\n");
    lcmp_buf_dispose(&b);
}

static void expect(fixture *f,
                   const char *path,
                   size_t max,
                   int code,
                   const char *source,
                   const char *message)
{
    lcmp_buf b = LCMP_BUF_INIT;
    lcmp_error err;

    assert_int_equal(rd(f, &b, path, max, &err), code);
    assert_string_equal(err.source, source);
    assert_string_equal(err.message, message);
    lcmp_buf_dispose(&b);
}

static void test_gittree__symlink_refused(void **state)
{
    expect(*state,
           "link.json",
           1 << 20,
           LCMP_EINVALID,
           "<git:v2026.1:link.json>",
           "is a symbolic link (only regular files are read from a "
           "release)");
}

static void test_gittree__symlink_in_subdir_refused(void **state)
{
    expect(*state,
           "dir/up.json",
           1 << 20,
           LCMP_EINVALID,
           "<git:v2026.1:dir/up.json>",
           "is a symbolic link (only regular files are read from a "
           "release)");
}

static void test_gittree__symlinked_directory_refused(void **state)
{
    expect(*state,
           "dirlink/x.json",
           1 << 20,
           LCMP_EINVALID,
           "<git:v2026.1:dirlink/x.json>",
           "is a symbolic link (only regular files are read from a "
           "release)");
}

static void test_gittree__submodule_refused(void **state)
{
    expect(*state,
           "sub",
           1 << 20,
           LCMP_EINVALID,
           "<git:v2026.1:sub>",
           "is a submodule (only regular files are read from a release)");
}

static void test_gittree__directory_refused(void **state)
{
    expect(*state,
           "controls",
           1 << 20,
           LCMP_EINVALID,
           "<git:v2026.1:controls>",
           "is a directory, not a file");
}

static void test_gittree__missing_file(void **state)
{
    expect(*state,
           "controls/nope.json",
           1 << 20,
           LCMP_ENOTFOUND,
           "<git:v2026.1:controls/nope.json>",
           "no such file in the release");
    expect(*state,
           "run.sh/x",
           1 << 20,
           LCMP_ENOTFOUND,
           "<git:v2026.1:run.sh/x>",
           "no such file in the release");
}

static void test_gittree__bad_paths_refused(void **state)
{
    const char *bad[] = {"../baseline.json",
                         "controls/../baseline.json",
                         "/baseline.json",
                         "./baseline.json",
                         "controls//x.json",
                         "controls/",
                         "",
                         "controls\\x.json"};
    size_t i;
    lcmp_buf b = LCMP_BUF_INIT;
    lcmp_error err;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(rd(*state, &b, bad[i], 1 << 20, &err), LCMP_EINVALID);
        assert_string_equal(err.message,
                            "invalid path in a release (absolute, empty or "
                            "'..' component)");
    }
    assert_int_equal(lcmp__gittree_check_path("a/b.c/..x"), 0);
    lcmp_buf_dispose(&b);
}

static void test_gittree__blob_size_limit(void **state)
{
    fixture *f = *state;
    lcmp_buf b = LCMP_BUF_INIT;
    lcmp_error err;

    expect(f,
           "big.json",
           69999,
           LCMP_ELIMIT,
           "<git:v2026.1:big.json>",
           "file of 70000 bytes is larger than 69999");
    assert_int_equal(rd(f, &b, "big.json", 70000, &err), 0);
    assert_int_equal(b.size, 70000);
    lcmp_buf_dispose(&b);
}

static void test_gittree__loads_baseline(void **state)
{
    fixture *f = *state;
    lcmp_baseline *bl = NULL;
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(lcmp_baseline_load(&bl, &f->reader, NULL, &err), 0);
    assert_string_equal(lcmp_baseline_id(bl), "interlokaal-basis");
    assert_int_equal(lcmp_baseline_control_count(bl), 54);
    lcmp_baseline_free(bl);
}

static void test_gittree__unknown_commit(void **state)
{
    fixture *f = *state;
    lcmp__gittree *t = NULL;
    git_oid oid;
    lcmp_error err;

    git_oid_fromstr(&oid, "0123456789abcdef0123456789abcdef01234567");
    lcmp_error_clear(&err);
    assert_int_equal(lcmp__gittree_open(&t, f->repo, &oid, "v9.9.9", &err),
                     LCMP_ENOTFOUND);
    assert_string_equal(err.source, "<git:v9.9.9>");
    assert_null(t);
}

static void test_gittree__check_refuses_symlink_anywhere(void **state)
{
    fixture *f = *state;
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(lcmp__gittree_check(f->tree, 1 << 20, 1000, &err),
                     LCMP_EINVALID);
    assert_string_equal(err.source, "<git:v2026.1:dir/up.json>");
    assert_string_equal(err.message,
                        "is a symbolic link (only regular files are read "
                        "from a release)");
}

static void test_gittree__check_blob_size_from_header(void **state)
{
    fixture *f = *state;
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(lcmp__gittree_check(f->tree, 100, 1000, &err),
                     LCMP_ELIMIT);
    assert_string_equal(err.source, "<git:v2026.1:baseline.json>");
    assert_non_null(strstr(err.message, "is larger than 100"));
}

static void test_gittree__check_entry_limit(void **state)
{
    fixture *f = *state;
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(lcmp__gittree_check(f->tree, 1 << 20, 2, &err),
                     LCMP_ELIMIT);
    assert_string_equal(err.message,
                        "the release has more than 2 files and directories");
}

static void test_gittree__check_clean_tree(void **state)
{
    fixture *f = *state;
    git_repository *repo = NULL;
    git_object *head = NULL;
    lcmp__gittree *t = NULL;
    char dir[600];
    lcmp_error err;

    snprintf(dir, sizeof(dir), "%s-clean", f->dir);
    assert_int_equal(
        run("set -e; rm -rf '%s'; mkdir -p '%s'; cd '%s'; git init -q .;"
            "cp -R '%s/baselines/municipal/.' .; chmod 755 baseline.json;"
            "git add -A; git -c user.name=T -c user.email=t@e commit -q -m c",
            dir,
            dir,
            dir,
            getenv("LCMP_SOURCE_DIR")),
        0);
    assert_int_equal(git_repository_open(&repo, dir), 0);
    assert_int_equal(git_revparse_single(&head, repo, "HEAD"), 0);
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__gittree_open(&t, repo, git_object_id(head), "v1.0.0", &err), 0);
    assert_int_equal(lcmp__gittree_check(t, 1 << 20, 1000, &err), 0);
    lcmp__gittree_free(t);
    git_object_free(head);
    git_repository_free(repo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gittree__reads_regular_file),
        cmocka_unit_test(test_gittree__reads_executable),
        cmocka_unit_test(test_gittree__symlink_refused),
        cmocka_unit_test(test_gittree__symlink_in_subdir_refused),
        cmocka_unit_test(test_gittree__symlinked_directory_refused),
        cmocka_unit_test(test_gittree__submodule_refused),
        cmocka_unit_test(test_gittree__directory_refused),
        cmocka_unit_test(test_gittree__missing_file),
        cmocka_unit_test(test_gittree__bad_paths_refused),
        cmocka_unit_test(test_gittree__blob_size_limit),
        cmocka_unit_test(test_gittree__loads_baseline),
        cmocka_unit_test(test_gittree__unknown_commit),
        cmocka_unit_test(test_gittree__check_refuses_symlink_anywhere),
        cmocka_unit_test(test_gittree__check_blob_size_from_header),
        cmocka_unit_test(test_gittree__check_entry_limit),
        cmocka_unit_test(test_gittree__check_clean_tree),
    };

    return cmocka_run_group_tests(tests, setup_repo, teardown_repo);
}
