/*
 * Tests for lcmp_sync and the cache API against repositories built with
 * the real `git` command and tags signed by `git tag -s` (gpg.format=ssh):
 * the summary, the first-seen verification time, expiry against the
 * caller's clock, options, and the cache's view of the releases.
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

#include "libcompliance.h"
#include "util.h"

/* 2026-11-28T00:00:00Z and friends */
#define T_2026_11_28 INT64_C(1795824000)
#define T_2027_07_01 INT64_C(1814400000)
#define T_2030_01_01 INT64_C(1893456000)

static char tmp[512];
static char src[512];

static int run(const char *fmt, ...) LCMP__PRINTF(1, 2);
static int run(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

#define GIT                                                   \
    "HOME='%s' GIT_CONFIG_NOSYSTEM=1 git -c user.name=A "     \
    "-c user.email=release@assoc -c init.defaultBranch=main " \
    "-c gpg.format=ssh "

/* A fresh repository `name` with the sample baseline, and keys. */
static void fresh(const char *name)
{
    assert_int_equal(run("set -e; cd '%s'; rm -rf '%s' '%s-cache'; " GIT
                         "init -q '%s';"
                         "cp -R '%s/baselines/municipal/.' '%s/'; cd '%s';" GIT
                         "add -A;" GIT "commit -q -m base",
                         tmp,
                         name,
                         name,
                         tmp,
                         name,
                         src,
                         name,
                         name,
                         tmp,
                         tmp),
                     0);
}

static void
sign(const char *repo, const char *tag, const char *key, const char *msg)
{
    assert_int_equal(run("set -e; cd '%s/%s';" GIT
                         "-c user.signingkey='%s/%s.pub' tag -s '%s' -m '%s'",
                         tmp,
                         repo,
                         tmp,
                         tmp,
                         key,
                         tag,
                         msg),
                     0);
}

static int setup_keys(void **state)
{
    const char *t = getenv("LCMP_TMPDIR");
    const char *s = getenv("LCMP_SOURCE_DIR");

    (void)state;
    if (s == NULL) {
        return -1;
    }
    snprintf(tmp, sizeof(tmp), "%s/sync", t != NULL ? t : "/tmp");
    snprintf(src, sizeof(src), "%s", s);
    /* "later" is vouched for until 2027-01-01 only */
    if (run("set -e; rm -rf '%s'; mkdir -p '%s'; cd '%s';"
            "ssh-keygen -q -t ed25519 -N '' -C r -f release;"
            "ssh-keygen -q -t ed25519 -N '' -C l -f later;"
            "echo \"release@assoc namespaces=\\\"git\\\" $(cut -d' ' -f1,2 "
            "release.pub)\" > signers;"
            "echo \"later@assoc namespaces=\\\"git\\\",valid-before="
            "\\\"20270101\\\" $(cut -d' ' -f1,2 later.pub)\" >> signers",
            tmp,
            tmp,
            tmp) != 0)
    {
        return -1;
    }
    return 0;
}

static void options(lcmp_sync_options *o,
                    const char *repo,
                    char *remote,
                    char *cache,
                    char *signers,
                    int64_t now)
{
    assert_int_equal(lcmp_sync_options_init(o, LCMP_SYNC_OPTIONS_VERSION), 0);
    snprintf(remote, 600, "%s/%s", tmp, repo);
    snprintf(cache, 600, "%s/%s-cache", tmp, repo);
    snprintf(signers, 600, "%s/signers", tmp);
    o->remote = remote;
    o->cache_dir = cache;
    o->release_signers = signers;
    o->now = now;
}

typedef struct seen {
    uint64_t bytes;
    size_t calls;
} seen;

static void
on_progress(uint64_t bytes, size_t received, size_t total, void *payload)
{
    seen *s = payload;

    (void)received;
    (void)total;
    s->bytes = bytes;
    s->calls++;
}

static void test_sync__summary_and_cache(void **state)
{
    char remote[600], cache[600], signers[600];
    lcmp_sync_options o;
    lcmp_sync_summary sum;
    lcmp_cache *c = NULL;
    lcmp_release_info info;
    lcmp_baseline *b = NULL;
    lcmp_error err;
    seen progress = {0, 0};

    (void)state;
    fresh("summary");
    sign("summary", "v2026.1", "release", "Release\n\nExpires: 2027-06-30");
    options(&o, "summary", remote, cache, signers, T_2026_11_28);
    o.progress = on_progress;
    o.progress_payload = &progress;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    assert_string_equal(sum.current, "v2026.1");
    assert_string_equal(sum.previous, "");
    assert_int_equal(sum.new_releases, 1);
    assert_int_equal(sum.releases, 1);
    assert_int_equal(strlen(sum.current_commit), 40);
    assert_true(sum.received_bytes > 0);
    assert_true(progress.calls > 0);
    assert_int_equal(progress.bytes, sum.received_bytes);

    /* rename one control (added + removed) and retitle another */
    assert_int_equal(
        run("set -e; cd '%s/summary'; sed -i 's/\"AWR-01\"/\"AWR-91\"/g' "
            "controls/*.json profiles/*.json baseline.json;"
            "sed -i 's/\"Refresher training\"/\"Boards\"/' "
            "controls/awareness.json;" GIT "commit -q -a -m next",
            tmp,
            tmp),
        0);
    sign("summary", "v2026.2", "release", "Release 2");
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    assert_string_equal(sum.current, "v2026.2");
    assert_string_equal(sum.previous, "v2026.1");
    assert_int_equal(sum.new_releases, 1);
    assert_int_equal(sum.releases, 2);
    assert_int_equal(sum.controls_added, 1);
    assert_int_equal(sum.controls_removed, 1);
    assert_int_equal(sum.controls_changed, 1);

    /* a no-op sync downloads nothing */
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    assert_int_equal(sum.new_releases, 0);
    assert_int_equal(sum.received_bytes, 0);
    assert_string_equal(sum.previous, "v2026.2");

    assert_int_equal(lcmp_cache_open(&c, cache, &err), 0);
    assert_string_equal(lcmp_cache_current(c), "v2026.2");
    assert_int_equal(lcmp_cache_release_count(c), 2);
    assert_int_equal(lcmp_cache_release(&info, c, 0), 0);
    assert_string_equal(info.tag, "v2026.1");
    assert_string_equal(info.signer, "release@assoc");
    assert_int_equal(info.first_seen, T_2026_11_28);
    assert_int_equal(info.expires, INT64_C(1814313600)); /* 2027-06-30 */
    assert_true(info.verified);
    assert_false(info.current);
    assert_int_equal(lcmp_cache_release(&info, c, 1), 0);
    assert_string_equal(info.tag, "v2026.2");
    assert_int_equal(info.expires, 0);
    assert_true(info.current);
    assert_int_equal(lcmp_cache_release(&info, c, 2), LCMP_ENOTFOUND);

    assert_int_equal(lcmp_cache_load_baseline(&b, c, NULL, NULL, &err), 0);
    assert_int_equal(lcmp_baseline_control_count(b), 54);
    lcmp_baseline_free(b);
    assert_int_equal(lcmp_cache_load_baseline(&b, c, "v2026.1", NULL, &err), 0);
    lcmp_baseline_free(b);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_cache_load_baseline(&b, c, "v2026.3", NULL, &err),
                     LCMP_ENOTFOUND);
    assert_string_equal(err.source, "v2026.3");
    assert_null(b);
    lcmp_cache_free(c);
}

static void test_sync__key_checked_at_first_seen(void **state)
{
    char remote[600], cache[600], signers[600];
    lcmp_sync_options o;
    lcmp_sync_summary sum;
    lcmp_error err;

    (void)state;
    fresh("firstseen");
    sign("firstseen", "v2026.1", "later", "Release");
    /* first seen while the key is valid */
    options(&o, "firstseen", remote, cache, signers, T_2026_11_28);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    /* years later the known release still verifies at its first-seen
     * time, whatever the tagger date says */
    o.now = T_2030_01_01;
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    assert_string_equal(sum.current, "v2026.1");
    /* a new tag by the retired key is checked at now and refused */
    sign("firstseen", "v2026.2", "later", "Release 2");
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EVERIFY);
    assert_string_equal(err.source, "v2026.2");
    assert_non_null(strstr(err.message, "signature refused: key SHA256:"));
    assert_non_null(strstr(err.message, "is not valid after"));
    assert_string_equal(sum.current, "");
}

static void test_sync__expiry_against_callers_clock(void **state)
{
    char remote[600], cache[600], signers[600];
    lcmp_sync_options o;
    lcmp_sync_summary sum;
    lcmp_error err;
    struct stat st;
    char path[700];

    (void)state;
    fresh("expiry");
    sign("expiry", "v2026.1", "release", "Release\n\nExpires: 2027-06-30");
    options(&o, "expiry", remote, cache, signers, T_2027_07_01);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EVERIFY);
    assert_string_equal(err.source, "v2026.1");
    assert_string_equal(err.message,
                        "release expired on 2027-06-30 (Expires trailer): "
                        "refused, the remote may be frozen");
    /* nothing recorded */
    snprintf(path, sizeof(path), "%s/state.json", cache);
    assert_int_not_equal(stat(path, &st), 0);
    /* the day before it expires it is accepted */
    options(&o, "expiry", remote, cache, signers, INT64_C(1814313600) - 1);
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    /* and a later no-op sync refuses the now-expired current release */
    o.now = INT64_C(1814313600);
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EVERIFY);
}

static void test_sync__rollback_and_downgrade(void **state)
{
    char remote[600], cache[600], signers[600];
    lcmp_sync_options o;
    lcmp_sync_summary sum;
    lcmp_error err;

    (void)state;
    fresh("rollback");
    sign("rollback", "v2026.1", "release", "One");
    sign("rollback", "v2026.2", "release", "Two");
    options(&o, "rollback", remote, cache, signers, T_2026_11_28);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    assert_string_equal(sum.current, "v2026.2");
    assert_int_equal(sum.new_releases, 2);
    assert_int_equal(
        run("cd '%s/rollback' && git tag -d v2026.2 >/dev/null", tmp), 0);
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EVERIFY);
    assert_string_equal(err.source, "v2026.1");
    assert_string_equal(err.message,
                        "older than the current release "
                        "v2026.2: rollback refused "
                        "(--allow-downgrade accepts it)");
    o.allow_downgrade = true;
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    assert_string_equal(sum.current, "v2026.1");
    assert_string_equal(sum.previous, "v2026.2");
    assert_int_equal(sum.controls_changed, 0);
    /* a remote with no release at all is refused too */
    assert_int_equal(
        run("cd '%s/rollback' && git tag -d v2026.1 >/dev/null", tmp), 0);
    o.allow_downgrade = false;
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EVERIFY);
    assert_string_equal(err.message,
                        "the remote offers no release any more "
                        "(rollback or freeze refused)");
}

static void test_sync__bad_options(void **state)
{
    char remote[600], cache[600], signers[600];
    lcmp_sync_options o;
    lcmp_sync_summary sum;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sync(&sum, NULL, &err), LCMP_EINVALID);
    options(&o, "none", remote, cache, signers, T_2026_11_28);
    o.release_signers = NULL;
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EINVALID);
    assert_string_equal(err.message,
                        "no release-signers file given (it "
                        "must be pinned out of band)");
    options(&o, "none", remote, cache, signers, 0);
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EINVALID);
    assert_string_equal(err.message, "no current time given");
    options(&o, "none", remote, cache, signers, T_2026_11_28);
    o.remote = "";
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EINVALID);
    options(&o, "none", remote, cache, signers, T_2026_11_28);
    o.version = 99;
    assert_int_equal(lcmp_sync(&sum, &o, &err), LCMP_EINVALID);
    assert_int_equal(lcmp_sync_options_init(&o, 99), LCMP_EINVALID);
}

/* lcmp_cache_read_file: the trust files of the current and of a named
 * release, read from tree objects after the ref/state re-check */
static void test_sync__read_file(void **state)
{
    char remote[600], cache[600], signers[600];
    lcmp_sync_options o;
    lcmp_sync_summary sum;
    lcmp_cache *c = NULL;
    lcmp_buf buf = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    fresh("readfile");
    assert_int_equal(run("set -e; cd '%s/readfile'; mkdir trust;"
                         "printf 'one@org ssh-ed25519 AAAA-one\\n' > "
                         "trust/statement_signers;" GIT "add -A;" GIT
                         "commit -q -m trust",
                         tmp,
                         tmp,
                         tmp),
                     0);
    sign("readfile", "v2026.1", "release", "One");
    assert_int_equal(run("set -e; cd '%s/readfile';"
                         "printf 'two@org ssh-ed25519 AAAA-two\\n' > "
                         "trust/statement_signers;" GIT "commit -q -a -m two",
                         tmp,
                         tmp),
                     0);
    sign("readfile", "v2026.2", "release", "Two");
    options(&o, "readfile", remote, cache, signers, T_2026_11_28);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sync(&sum, &o, &err), 0);
    assert_string_equal(sum.current, "v2026.2");
    assert_int_equal(lcmp_cache_open(&c, cache, &err), 0);

    /* the current (newest verified) release */
    assert_int_equal(
        lcmp_cache_read_file(&buf, c, NULL, "trust/statement_signers", 0, &err),
        0);
    assert_string_equal(buf.ptr, "two@org ssh-ed25519 AAAA-two\n");
    assert_int_equal(buf.size, strlen("two@org ssh-ed25519 AAAA-two\n"));
    /* a named release */
    assert_int_equal(
        lcmp_cache_read_file(
            &buf, c, "v2026.1", "trust/statement_signers", 0, &err),
        0);
    assert_string_equal(buf.ptr, "one@org ssh-ed25519 AAAA-one\n");
    /* the size cap, from the object header */
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_cache_read_file(&buf, c, NULL, "trust/statement_signers", 5, &err),
        LCMP_ELIMIT);
    /* a missing file, a missing release */
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_cache_read_file(&buf, c, NULL, "trust/auditors", 0, &err),
        LCMP_ENOTFOUND);
    assert_string_equal(err.source, "<git:v2026.2:trust/auditors>");
    assert_string_equal(err.message, "no such file in the release");
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_cache_read_file(
            &buf, c, "v2026.9", "trust/statement_signers", 0, &err),
        LCMP_ENOTFOUND);
    assert_string_equal(err.source, "v2026.9");
    /* paths that could leave the tree are refused before any lookup */
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_cache_read_file(&buf, c, NULL, "trust/../baseline.json", 0, &err),
        LCMP_EINVALID);
    assert_string_equal(err.message,
                        "invalid path in a release (absolute, empty or '..' "
                        "component)");
    assert_int_equal(
        lcmp_cache_read_file(&buf, c, NULL, "../state.json", 0, &err),
        LCMP_EINVALID);
    assert_int_equal(
        lcmp_cache_read_file(&buf, c, NULL, "/etc/passwd", 0, &err),
        LCMP_EINVALID);
    /* a directory is not a file */
    assert_int_equal(lcmp_cache_read_file(&buf, c, NULL, "trust", 0, &err),
                     LCMP_EINVALID);
    assert_int_equal(lcmp_cache_read_file(&buf, NULL, NULL, "trust", 0, &err),
                     LCMP_EINVALID);
    lcmp_cache_free(c);
    c = NULL;

    /* the current release's ref moved to another tag object: the cache no
     * longer matches its state file, nothing is read */
    assert_int_equal(run("set -e; cd '%s/repo.git'; git update-ref "
                         "refs/lcmp/releases/v2026.2 "
                         "refs/lcmp/releases/v2026.1",
                         cache),
                     0);
    assert_int_equal(lcmp_cache_open(&c, cache, &err), 0);
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_cache_read_file(&buf, c, NULL, "trust/statement_signers", 0, &err),
        LCMP_EVERIFY);
    assert_string_equal(err.source, "v2026.2");
    assert_non_null(strstr(err.message, "the cache's ref names tag object"));
    /* the other release is untouched */
    assert_int_equal(
        lcmp_cache_read_file(
            &buf, c, "v2026.1", "trust/statement_signers", 0, &err),
        0);
    lcmp_buf_dispose(&buf);
    lcmp_cache_free(c);
}

static void test_sync__cache_not_synced(void **state)
{
    lcmp_cache *c = NULL;
    lcmp_error err;
    char dir[600];

    (void)state;
    snprintf(dir, sizeof(dir), "%s/never-synced", tmp);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_cache_open(&c, dir, &err), LCMP_ENOTFOUND);
    assert_string_equal(err.source, dir);
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sync__summary_and_cache),
        cmocka_unit_test(test_sync__key_checked_at_first_seen),
        cmocka_unit_test(test_sync__expiry_against_callers_clock),
        cmocka_unit_test(test_sync__rollback_and_downgrade),
        cmocka_unit_test(test_sync__bad_options),
        cmocka_unit_test(test_sync__read_file),
        cmocka_unit_test(test_sync__cache_not_synced),
    };

    return cmocka_run_group_tests(tests, setup_keys, NULL);
}
