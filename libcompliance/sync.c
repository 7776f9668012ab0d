/*
 * `compliance sync`: fetching signed release tags into a bare cache
 * repository, verifying them, and reading releases back from the cache.
 *
 * Cache layout: <cache>/repo.git (bare repository), <cache>/state.json
 * (state.c), <cache>/lock (held with a POSIX record lock during a sync).
 *
 * Invariants:
 *  - Local refs are never trusted. The remote's advertisement (git_remote_ls)
 *    gives each release tag's object id; it is compared with the state file
 *    before anything is fetched, and verification reads objects by that id.
 *    Fetched tags land in the private namespace refs/lcmp/remote-tags/
 *    (explicit refspecs, which libgit2 overwrites silently: informational
 *    only); verified releases get refs/lcmp/releases/<tag>, which
 *    lcmp_cache_load_baseline() re-checks against the state file.
 *  - Everything is verified before anything is recorded: a refused sync
 *    leaves the state file as it was. The state file is replaced atomically.
 *  - A key must be vouched for at the time the cache first saw the tag (now,
 *    for a new tag), never at the signer-chosen tagger date.
 *  - Files are read from tree objects only (gittree.c), never checked out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "libcompliance/sync.h"
#include "libcompliance/trust.h"
#include "baseline_json.h"
#include "gittree.h"
#include "release.h"
#include "state.h"
#include "tag.h"
#include "transport.h"
#include "util.h"

#define REPO_DIR         "repo.git"
#define LOCK_FILE        "lock"
#define RELEASE_REFS     "refs/lcmp/releases/"
#define REMOTE_TAG_REFS  "refs/lcmp/remote-tags/"
#define MAX_ADVERTISED   10000
#define MAX_TREE_ENTRIES 100000

struct lcmp_cache {
    char *dir;
    git_repository *repo;
    lcmp__state state;
};

int lcmp_sync_options_init(lcmp_sync_options *opts, unsigned int version)
{
    lcmp_sync_options init = LCMP_SYNC_OPTIONS_INIT;

    if (opts == NULL || version != LCMP_SYNC_OPTIONS_VERSION) {
        return LCMP_EINVALID;
    }
    *opts = init;
    return 0;
}

static int git_fail(lcmp_error *err, const char *source, const char *what)
{
    const git_error *e = git_error_last();

    return lcmp__error_set(err,
                           LCMP_EGIT,
                           source,
                           NULL,
                           "%s: %s",
                           what,
                           e != NULL && e->message != NULL ? e->message
                                                           : "unknown error");
}

static char *path_join(const char *dir, const char *name)
{
    return lcmp__aprintf("%s/%s", dir, name);
}

/* One release tag the remote advertises. */
typedef struct advertised {
    char name[LCMP_TAG_NAME_MAX + 1];
    git_oid oid;
    lcmp__release rel;
    int is_new;
} advertised;

static int cmp_advertised(const void *a, const void *b)
{
    return lcmp__release_name_cmp(((const advertised *)a)->name,
                                  ((const advertised *)b)->name);
}

/* Hold an exclusive lock on <cache>/lock for the duration of the sync. */
static int lock_cache(int *fd_out, const char *dir, lcmp_error *err)
{
    char *path = path_join(dir, LOCK_FILE);
    struct flock fl;
    int fd, rc = LCMP_ERROR;

    *fd_out = -1;
    if (path == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, dir, NULL, "out of memory");
    }
    fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        rc = lcmp__error_set(
            err, LCMP_EIO, path, NULL, "cannot open: %s", strerror(errno));
        goto done;
    }
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        rc = lcmp__error_set(
            err, LCMP_EIO, dir, NULL, "the cache is in use by another sync");
        close(fd);
        goto done;
    }
    *fd_out = fd;
    rc = 0;
done:
    free(path);
    return rc;
}

static int
open_repo(git_repository **out, const char *dir, int create, lcmp_error *err)
{
    char *path = path_join(dir, REPO_DIR);
    int grc, rc = LCMP_ERROR;

    *out = NULL;
    if (path == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, dir, NULL, "out of memory");
    }
    grc = git_repository_open_bare(out, path);
    if (grc == GIT_ENOTFOUND && create) {
        grc = git_repository_init(out, path, 1);
    }
    if (grc == GIT_ENOTFOUND) {
        rc = lcmp__error_set(err,
                             LCMP_ENOTFOUND,
                             path,
                             NULL,
                             "no cache repository (run 'compliance sync')");
        goto done;
    }
    if (grc < 0) {
        rc = git_fail(err, path, "cannot open the cache repository");
        goto done;
    }
    rc = 0;
done:
    free(path);
    return rc;
}

/* The release tags of the remote's advertisement, in version order. */
static int list_releases(advertised **out,
                         size_t *count,
                         git_remote *remote,
                         const char *url,
                         lcmp_error *err)
{
    const git_remote_head **heads = NULL;
    advertised *list = NULL;
    size_t n = 0, i, k = 0;

    *out = NULL;
    *count = 0;
    if (git_remote_ls(&heads, &n, remote) < 0) {
        return git_fail(err, url, "cannot list the remote's references");
    }
    for (i = 0; i < n; i++) {
        const char *name = heads[i]->name;

        if (strncmp(name, "refs/tags/", 10) != 0 ||
            !lcmp__release_name_parse(NULL, name + 10))
        {
            continue; /* not a release (peeled "^{}" entries included) */
        }
        if (k == MAX_ADVERTISED) {
            free(list);
            return lcmp__error_set(err,
                                   LCMP_ELIMIT,
                                   url,
                                   NULL,
                                   "the remote advertises more than %d "
                                   "release tags",
                                   MAX_ADVERTISED);
        }
        if (k % 64 == 0) {
            advertised *p = realloc(list, (k + 64) * sizeof(*p));

            if (p == NULL) {
                free(list);
                return lcmp__error_set(
                    err, LCMP_ENOMEM, url, NULL, "out of memory");
            }
            list = p;
        }
        memset(&list[k], 0, sizeof(list[k]));
        memcpy(list[k].name, name + 10, strlen(name + 10) + 1);
        git_oid_cpy(&list[k].oid, &heads[i]->oid);
        k++;
    }
    if (k > 1) {
        qsort(list, k, sizeof(*list), cmp_advertised);
    }
    *out = list;
    *count = k;
    return 0;
}

/* Fetch the tags whose objects the cache lacks, by explicit refspecs. */
static int fetch_missing(git_remote *remote,
                         git_repository *repo,
                         const advertised *list,
                         size_t count,
                         const git_remote_callbacks *cbs,
                         lcmp__transport *t,
                         const char *url,
                         lcmp_error *err)
{
    git_fetch_options fo;
    git_strarray specs = {NULL, 0};
    git_odb *odb = NULL;
    size_t i;
    int grc, rc = LCMP_ERROR;

    if (git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION) < 0 ||
        git_repository_odb(&odb, repo) < 0)
    {
        return git_fail(err, url, "cannot open the object database");
    }
    specs.strings = calloc(count > 0 ? count : 1, sizeof(char *));
    if (specs.strings == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, url, NULL, "out of memory");
        goto done;
    }
    for (i = 0; i < count; i++) {
        if (git_odb_exists(odb, &list[i].oid)) {
            continue;
        }
        specs.strings[specs.count] = lcmp__aprintf(
            "+refs/tags/%s:" REMOTE_TAG_REFS "%s", list[i].name, list[i].name);
        if (specs.strings[specs.count] == NULL) {
            rc = lcmp__error_set(err, LCMP_ENOMEM, url, NULL, "out of memory");
            goto done;
        }
        specs.count++;
    }
    if (specs.count == 0) {
        rc = 0; /* a no-op sync: nothing to download */
        goto done;
    }
    fo.callbacks = *cbs;
    fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    fo.update_fetchhead = 0;
    fo.prune = GIT_FETCH_NO_PRUNE;
    grc = git_remote_fetch(remote, &specs, &fo, "compliance sync");
    if (grc < 0) {
        rc = lcmp__transport_error(t, grc, url, err);
        goto done;
    }
    rc = 0;
done:
    if (specs.strings != NULL) {
        for (i = 0; i < specs.count; i++) {
            free(specs.strings[i]);
        }
        free(specs.strings);
    }
    git_odb_free(odb);
    return rc;
}

/* Load the baseline of a commit in the cache. */
static int load_release_baseline(lcmp_baseline **out,
                                 git_repository *repo,
                                 const char *tag,
                                 const char *commit_hex,
                                 const lcmp_load_options *load,
                                 lcmp_error *err)
{
    lcmp__gittree *tree = NULL;
    lcmp_reader reader;
    git_oid commit;
    int rc;

    *out = NULL;
    if (git_oid_fromstr(&commit, commit_hex) < 0) {
        return lcmp__error_set(err, LCMP_EINVALID, tag, NULL, "bad commit id");
    }
    rc = lcmp__gittree_open(&tree, repo, &commit, tag, err);
    if (rc < 0) {
        return rc;
    }
    lcmp__gittree_reader(&reader, tree);
    rc = lcmp_baseline_load(out, &reader, load, err);
    lcmp__gittree_free(tree);
    return rc;
}

/* Check the tree of a release in the cache (gittree.c). */
static int check_release_tree(git_repository *repo,
                              const char *tag,
                              const char *commit_hex,
                              const lcmp_load_options *load,
                              lcmp_error *err)
{
    lcmp__gittree *tree = NULL;
    git_oid commit;
    size_t max_size = LCMP__DEFAULT_MAX_FILE_SIZE;
    int rc;

    if (load != NULL && load->max_file_size > 0) {
        max_size = load->max_file_size;
    }
    if (git_oid_fromstr(&commit, commit_hex) < 0) {
        return lcmp__error_set(err, LCMP_EINVALID, tag, NULL, "bad commit id");
    }
    rc = lcmp__gittree_open(&tree, repo, &commit, tag, err);
    if (rc == 0) {
        rc = lcmp__gittree_check(tree, max_size, MAX_TREE_ENTRIES, err);
    }
    lcmp__gittree_free(tree);
    return rc;
}

static int64_t day_start(int32_t days)
{
    return (int64_t)days * 86400;
}

static int write_release_refs(git_repository *repo,
                              const advertised *list,
                              size_t count,
                              lcmp_error *err)
{
    git_reference *ref = NULL;
    char name[sizeof(RELEASE_REFS) + LCMP_TAG_NAME_MAX + 1];
    size_t i;

    for (i = 0; i < count; i++) {
        snprintf(name, sizeof(name), RELEASE_REFS "%s", list[i].name);
        if (git_reference_create(&ref,
                                 repo,
                                 name,
                                 &list[i].oid,
                                 1,
                                 "compliance sync: verified release") < 0)
        {
            return git_fail(err, list[i].name, "cannot record the release");
        }
        git_reference_free(ref);
        ref = NULL;
    }
    return 0;
}

static int check_options(const lcmp_sync_options *opts, lcmp_error *err)
{
    if (opts == NULL || opts->version != LCMP_SYNC_OPTIONS_VERSION) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "sync options missing or of an unknown "
                               "version");
    }
    if (opts->remote == NULL || opts->remote[0] == '\0') {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no remote given");
    }
    if (opts->release_signers == NULL || opts->release_signers[0] == '\0') {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no release-signers file given (it must be "
                               "pinned out of band)");
    }
    if (opts->now <= 0) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no current time given");
    }
    if (opts->cache_dir != NULL && opts->cache_dir[0] == '\0') {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "empty cache directory name");
    }
    return 0;
}

int lcmp_sync(lcmp_sync_summary *summary,
              const lcmp_sync_options *opts,
              lcmp_error *err)
{
    lcmp_signers *signers = NULL;
    git_repository *repo = NULL;
    git_remote *remote = NULL;
    git_remote_callbacks cbs;
    git_remote_create_options ropts;
    lcmp__transport t;
    lcmp__state st;
    advertised *list = NULL;
    lcmp_baseline *cur_b = NULL, *prev_b = NULL;
    lcmp_sync_summary sum;
    const char *dir, *url;
    char *state_path = NULL;
    char previous[LCMP_TAG_NAME_MAX + 1];
    advertised *newest = NULL;
    size_t count = 0, i;
    int lock_fd = -1, inited = 0, transport_ready = 0, changed, grc;
    int rc = LCMP_ERROR;

    lcmp__state_init(&st);
    memset(&sum, 0, sizeof(sum));
    if (summary != NULL) {
        memset(summary, 0, sizeof(*summary));
    }
    if ((rc = check_options(opts, err)) < 0) {
        return rc;
    }
    dir = opts->cache_dir != NULL ? opts->cache_dir : LCMP_SYNC_DEFAULT_CACHE;
    url = opts->remote;

    if (git_libgit2_init() < 0) {
        return git_fail(err, NULL, "cannot initialise libgit2");
    }
    inited = 1;

    /* the only trust root, read before touching anything */
    rc = lcmp_signers_load_file(&signers, opts->release_signers, err);
    if (rc < 0) {
        goto done;
    }
    if (lcmp_signers_count(signers) == 0) {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             opts->release_signers,
                             NULL,
                             "no keys in the release-signers file");
        goto done;
    }

    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        rc = lcmp__error_set(err,
                             LCMP_EIO,
                             dir,
                             NULL,
                             "cannot create the cache directory: %s",
                             strerror(errno));
        goto done;
    }
    if ((rc = lock_cache(&lock_fd, dir, err)) < 0) {
        goto done;
    }
    state_path = path_join(dir, LCMP__STATE_FILE);
    if (state_path == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, dir, NULL, "out of memory");
        goto done;
    }
    rc = lcmp__state_load(&st, state_path, err);
    if (rc == LCMP_ENOTFOUND) {
        lcmp_error_clear(err);
        lcmp__state_init(&st);
    } else if (rc < 0) {
        goto done;
    }
    memcpy(previous, st.current, sizeof(previous));
    if ((rc = open_repo(&repo, dir, 1, err)) < 0) {
        goto done;
    }

    /* connect and read the advertisement */
    lcmp__transport_init(&t, opts);
    transport_ready = 1;
    if (git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION) < 0) {
        rc = git_fail(err, url, "cannot set up the transfer");
        goto done;
    }
    lcmp__transport_callbacks(&cbs, &t);
    /* anonymous, and no url.*.insteadOf rewriting from any Git config:
     * the URL given is the URL used (this also avoids a leak in libgit2
     * 1.5's regex matching of config entries) */
    if (git_remote_create_options_init(&ropts,
                                       GIT_REMOTE_CREATE_OPTIONS_VERSION) < 0)
    {
        rc = git_fail(err, url, "invalid remote");
        goto done;
    }
    ropts.repository = repo;
    ropts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
                  GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
    if (git_remote_create_with_opts(&remote, url, &ropts) < 0) {
        rc = git_fail(err, url, "invalid remote");
        goto done;
    }
    grc = git_remote_connect(remote, GIT_DIRECTION_FETCH, &cbs, NULL, NULL);
    if (grc < 0) {
        rc = lcmp__transport_error(&t, grc, url, err);
        goto done;
    }
    if ((rc = list_releases(&list, &count, remote, url, err)) < 0) {
        goto done;
    }

    /* a known tag that names another object now has moved: refuse before
     * fetching anything */
    for (i = 0; i < count; i++) {
        const lcmp__state_release *known = lcmp__state_find(&st, list[i].name);
        char hex[41];

        git_oid_tostr(hex, sizeof(hex), &list[i].oid);
        list[i].is_new = known == NULL;
        if (known != NULL && strcmp(known->tag_id, hex) != 0) {
            char when[21];

            lcmp_time_format(when, known->first_seen);
            rc = lcmp__error_set(err,
                                 LCMP_EVERIFY,
                                 list[i].name,
                                 NULL,
                                 "tag moved: it named tag object %.12s when "
                                 "first seen (%s), the remote now has %.12s",
                                 known->tag_id,
                                 when,
                                 hex);
            goto done;
        }
    }
    if (count == 0) {
        if (st.current[0] != '\0') {
            rc = lcmp__error_set(err,
                                 LCMP_EVERIFY,
                                 st.current,
                                 NULL,
                                 "the remote offers no release any more "
                                 "(rollback or freeze refused)");
        } else {
            rc = lcmp__error_set(err,
                                 LCMP_ENOTFOUND,
                                 url,
                                 NULL,
                                 "no release tags (vYYYY.N or "
                                 "vMAJOR.MINOR.PATCH) on the remote");
        }
        goto done;
    }

    if ((rc = fetch_missing(remote, repo, list, count, &cbs, &t, url, err)) < 0)
    {
        goto done;
    }
    sum.received_bytes = t.received_bytes;
    git_remote_disconnect(remote);

    /* verify every release the remote offers, each at its first-seen time */
    for (i = 0; i < count; i++) {
        const lcmp__state_release *known = lcmp__state_find(&st, list[i].name);
        int64_t at = known != NULL ? known->first_seen : opts->now;

        rc = lcmp__release_verify(
            &list[i].rel, repo, list[i].name, &list[i].oid, signers, at, err);
        if (rc < 0) {
            goto done;
        }
        if (known != NULL &&
            strcmp(known->commit_id, list[i].rel.commit_id) != 0) {
            rc = lcmp__error_set(err,
                                 LCMP_EVERIFY,
                                 list[i].name,
                                 NULL,
                                 "tag moved: it names another commit than "
                                 "when first seen");
            goto done;
        }
    }

    /* the newest release becomes current: no rollback, no expired one */
    newest = &list[count - 1];
    if (st.current[0] != '\0' &&
        lcmp__release_name_cmp(newest->name, st.current) < 0 &&
        !opts->allow_downgrade)
    {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             newest->name,
                             NULL,
                             "older than the current release %s: rollback "
                             "refused (--allow-downgrade accepts it)",
                             st.current);
        goto done;
    }
    if (newest->rel.has_expires && opts->now >= day_start(newest->rel.expires))
    {
        char date[11];

        lcmp__date_format(date, newest->rel.expires);
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             newest->name,
                             NULL,
                             "release expired on %s (Expires trailer): "
                             "refused, the remote may be frozen",
                             date);
        goto done;
    }

    /* the tree of the release that becomes current must hold only
     * regular files within the size limit (checked from tree entries and
     * object headers, nothing is read); an unchanged current release was
     * checked when it became current; releases are loaded when used */
    changed = strcmp(previous, newest->name) != 0;
    if (newest->is_new || changed) {
        rc = check_release_tree(
            repo, newest->name, newest->rel.commit_id, opts->load, err);
        if (rc < 0) {
            goto done;
        }
    }
    /* what changed since the previous release, control by control */
    if (previous[0] != '\0' && changed) {
        const lcmp__state_release *p = lcmp__state_find(&st, previous);

        rc = load_release_baseline(
            &cur_b, repo, newest->name, newest->rel.commit_id, opts->load, err);
        if (rc < 0) {
            goto done;
        }
        rc = load_release_baseline(
            &prev_b, repo, previous, p->commit_id, opts->load, err);
        if (rc < 0) {
            goto done;
        }
        rc = lcmp__baseline_compare(&sum.controls_added,
                                    &sum.controls_changed,
                                    &sum.controls_removed,
                                    prev_b,
                                    cur_b,
                                    err);
        if (rc < 0) {
            goto done;
        }
    }

    /* all verified: record */
    for (i = 0; i < count; i++) {
        lcmp__state_release r;

        if (!list[i].is_new) {
            continue;
        }
        memset(&r, 0, sizeof(r));
        memcpy(r.tag, list[i].name, sizeof(r.tag));
        memcpy(r.tag_id, list[i].rel.tag_id, sizeof(r.tag_id));
        memcpy(r.commit_id, list[i].rel.commit_id, sizeof(r.commit_id));
        memcpy(r.signer, list[i].rel.signer, sizeof(r.signer));
        r.first_seen = opts->now;
        r.has_expires = list[i].rel.has_expires;
        r.expires = list[i].rel.expires;
        r.verified = 1;
        if ((rc = lcmp__state_add(&st, &r, err)) < 0) {
            goto done;
        }
        sum.new_releases++;
    }
    /* a sync that changed nothing writes nothing */
    if (sum.new_releases > 0 || changed || st.remote == NULL ||
        strcmp(st.remote, url) != 0)
    {
        memcpy(st.current, newest->name, sizeof(st.current));
        if ((rc = lcmp__state_set_remote(&st, url, err)) < 0) {
            goto done;
        }
        if ((rc = write_release_refs(repo, list, count, err)) < 0) {
            goto done;
        }
        if ((rc = lcmp__state_save(&st, state_path, err)) < 0) {
            goto done;
        }
    }

    memcpy(sum.current, newest->name, sizeof(sum.current));
    memcpy(
        sum.current_commit, newest->rel.commit_id, sizeof(sum.current_commit));
    memcpy(sum.previous, previous, sizeof(sum.previous));
    sum.releases = st.count;
    if (summary != NULL) {
        *summary = sum;
    }
    rc = 0;
done:
    lcmp_baseline_free(cur_b);
    lcmp_baseline_free(prev_b);
    free(list);
    if (remote != NULL) {
        git_remote_disconnect(remote);
        git_remote_free(remote);
    }
    if (transport_ready) {
        lcmp__transport_dispose(&t);
    }
    git_repository_free(repo);
    if (lock_fd >= 0) {
        close(lock_fd);
    }
    free(state_path);
    lcmp__state_dispose(&st);
    lcmp_signers_free(signers);
    if (inited) {
        git_libgit2_shutdown();
    }
    return rc;
}

/*
 * The cache
 */

int lcmp_cache_open(lcmp_cache **out, const char *dir, lcmp_error *err)
{
    lcmp_cache *c = NULL;
    char *state_path = NULL;
    int rc = LCMP_ERROR, inited = 0;

    if (out == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "invalid argument");
    }
    *out = NULL;
    if (dir == NULL) {
        dir = LCMP_SYNC_DEFAULT_CACHE;
    }
    if (git_libgit2_init() < 0) {
        return git_fail(err, dir, "cannot initialise libgit2");
    }
    inited = 1;
    c = calloc(1, sizeof(*c));
    state_path = path_join(dir, LCMP__STATE_FILE);
    if (c == NULL || state_path == NULL || (c->dir = lcmp__strdup(dir)) == NULL)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, dir, NULL, "out of memory");
        goto done;
    }
    lcmp__state_init(&c->state);
    rc = lcmp__state_load(&c->state, state_path, err);
    if (rc == LCMP_ENOTFOUND) {
        rc = lcmp__error_set(err,
                             LCMP_ENOTFOUND,
                             dir,
                             NULL,
                             "no synced releases here (run 'compliance "
                             "sync' first)");
        goto done;
    }
    if (rc < 0) {
        goto done;
    }
    if ((rc = open_repo(&c->repo, dir, 0, err)) < 0) {
        goto done;
    }
    *out = c;
    c = NULL;
    inited = 0; /* the cache owns the reference now */
    rc = 0;
done:
    free(state_path);
    if (c != NULL) {
        git_repository_free(c->repo);
        lcmp__state_dispose(&c->state);
        free(c->dir);
        free(c);
    }
    if (inited) {
        git_libgit2_shutdown();
    }
    return rc;
}

void lcmp_cache_free(lcmp_cache *cache)
{
    if (cache == NULL) {
        return;
    }
    git_repository_free(cache->repo);
    lcmp__state_dispose(&cache->state);
    free(cache->dir);
    free(cache);
    git_libgit2_shutdown();
}

size_t lcmp_cache_release_count(const lcmp_cache *cache)
{
    return cache != NULL ? cache->state.count : 0;
}

int lcmp_cache_release(lcmp_release_info *out,
                       const lcmp_cache *cache,
                       size_t i)
{
    const lcmp__state_release *r;

    if (out == NULL || cache == NULL || i >= cache->state.count) {
        return LCMP_ENOTFOUND;
    }
    r = &cache->state.releases[i];
    memset(out, 0, sizeof(*out));
    out->tag = r->tag;
    out->tag_id = r->tag_id;
    out->commit_id = r->commit_id;
    out->signer = r->signer;
    out->first_seen = r->first_seen;
    out->expires = r->has_expires ? day_start(r->expires) : 0;
    out->verified = r->verified != 0;
    out->current = strcmp(r->tag, cache->state.current) == 0;
    return 0;
}

const char *lcmp_cache_current(const lcmp_cache *cache)
{
    if (cache == NULL || cache->state.current[0] == '\0') {
        return NULL;
    }
    return cache->state.current;
}

/*
 * Find a recorded, verified release (NULL: the current one) and re-check
 * that the cache's ref still names the tag object the state file recorded
 * and that this tag object still names the recorded commit.
 */
static int checked_release(const lcmp__state_release **out,
                           const lcmp_cache *cache,
                           const char *tag,
                           lcmp_error *err)
{
    const lcmp__state_release *r;
    char refname[sizeof(RELEASE_REFS) + LCMP_TAG_NAME_MAX + 1];
    char hex[41];
    git_oid oid;
    git_odb *odb = NULL;
    git_odb_object *obj = NULL;
    lcmp__tag parsed;
    lcmp_error inner;
    int grc, rc = LCMP_ERROR;

    *out = NULL;
    if (tag == NULL) {
        if (cache->state.current[0] == '\0') {
            return lcmp__error_set(
                err, LCMP_ENOTFOUND, cache->dir, NULL, "no current release");
        }
        tag = cache->state.current;
    }
    r = lcmp__state_find(&cache->state, tag);
    if (r == NULL) {
        return lcmp__error_set(err,
                               LCMP_ENOTFOUND,
                               tag,
                               NULL,
                               "no such release in the cache (see "
                               "'compliance releases')");
    }
    if (!r->verified) {
        return lcmp__error_set(
            err, LCMP_EVERIFY, tag, NULL, "release was not verified");
    }
    /* the ref must still name the object the state recorded */
    snprintf(refname, sizeof(refname), RELEASE_REFS "%s", r->tag);
    grc = git_reference_name_to_id(&oid, cache->repo, refname);
    if (grc < 0) {
        return lcmp__error_set(err,
                               LCMP_EVERIFY,
                               tag,
                               NULL,
                               "the cache has no ref for this release");
    }
    git_oid_tostr(hex, sizeof(hex), &oid);
    if (strcmp(hex, r->tag_id) != 0) {
        return lcmp__error_set(err,
                               LCMP_EVERIFY,
                               tag,
                               NULL,
                               "the cache's ref names tag object %.12s, the "
                               "state file %.12s",
                               hex,
                               r->tag_id);
    }
    /* and the tag object must still name the recorded commit */
    if (git_repository_odb(&odb, cache->repo) < 0 ||
        git_odb_read(&obj, odb, &oid) < 0)
    {
        rc = git_fail(err, tag, "cannot read the tag object");
        goto done;
    }
    lcmp_error_clear(&inner);
    if (git_odb_object_type(obj) != GIT_OBJECT_TAG ||
        lcmp__tag_parse(&parsed,
                        git_odb_object_data(obj),
                        git_odb_object_size(obj),
                        tag,
                        &inner) < 0 ||
        strcmp(parsed.object, r->commit_id) != 0 ||
        strcmp(parsed.name, r->tag) != 0)
    {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             tag,
                             NULL,
                             "the tag object does not match the state file");
        goto done;
    }
    *out = r;
    rc = 0;
done:
    git_odb_object_free(obj);
    git_odb_free(odb);
    return rc;
}

int lcmp_cache_load_baseline(lcmp_baseline **out,
                             const lcmp_cache *cache,
                             const char *tag,
                             const lcmp_load_options *opts,
                             lcmp_error *err)
{
    const lcmp__state_release *r = NULL;
    int rc;

    if (out == NULL || cache == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "invalid argument");
    }
    *out = NULL;
    if ((rc = checked_release(&r, cache, tag, err)) < 0) {
        return rc;
    }
    return load_release_baseline(
        out, cache->repo, r->tag, r->commit_id, opts, err);
}

int lcmp_cache_read_file(lcmp_buf *out,
                         const lcmp_cache *cache,
                         const char *tag,
                         const char *path,
                         size_t max_size,
                         lcmp_error *err)
{
    const lcmp__state_release *r = NULL;
    lcmp__gittree *tree = NULL;
    lcmp_reader reader;
    git_oid commit;
    int rc = LCMP_ERROR;

    if (out == NULL || cache == NULL || path == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "invalid argument");
    }
    /* refuse a bad path before looking at the cache */
    if (lcmp__gittree_check_path(path) < 0) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               path,
                               NULL,
                               "invalid path in a release (absolute, empty "
                               "or '..' component)");
    }
    if (max_size == 0) {
        max_size = LCMP__DEFAULT_MAX_FILE_SIZE;
    }
    if ((rc = checked_release(&r, cache, tag, err)) < 0) {
        return rc;
    }
    if (git_oid_fromstr(&commit, r->commit_id) < 0) {
        return lcmp__error_set(
            err, LCMP_EINVALID, r->tag, NULL, "bad commit id");
    }
    if ((rc = lcmp__gittree_open(&tree, cache->repo, &commit, r->tag, err)) < 0)
    {
        return rc;
    }
    lcmp__gittree_reader(&reader, tree);
    rc = reader.read(out, path, max_size, reader.payload, err);
    lcmp__gittree_free(tree);
    return rc;
}
