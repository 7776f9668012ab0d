/*
 * Publishing a verified statement to a statements repository
 * (include/libcompliance/publish.h).
 *
 *  - The statement is verified first; the path statements/<org>/<release>
 *    .json is built from the verified organisation id and release tag only,
 *    after checking both are plain identifiers (no '/', no "..").
 *  - Work happens in <cache>/publish.git (bare, private). The remote's main
 *    is read from its advertisement (git_remote_ls) and its objects are
 *    downloaded; local refs are only a negotiation hint (refs/publish/main),
 *    never the truth about the remote.
 *  - The new tree is built with git_treebuilder from the tip's tree: the
 *    root, `statements` and `statements/<org>` trees are rewritten, every
 *    other entry is kept as it is (same object ids).
 *  - A push the remote (or libgit2's fast-forward check) refuses is
 *    retried on the new tip after a small randomised backoff.
 *  - libgit2's local transport updates the target's ref without a
 *    compare-and-swap, so for a remote that is a local path the push is
 *    serialised with an fcntl lock on <remote>/compliance-publish.lock
 *    (git receive-pack, behind git daemon, ssh or https, compares and
 *    swaps by itself).
 */
#include "libcompliance/publish.h"

#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"
#include "util.h"

#define MAIN_REF         "refs/heads/main"
#define HINT_REF         "refs/publish/main"
#define LOCK_FILE        "publish.lock"
#define REMOTE_LOCK_FILE "compliance-publish.lock"
#define AUTHOR_EMAIL     "publish@compliance.invalid"

int lcmp_publish_options_init(lcmp_publish_options *opts, unsigned int version)
{
    static const lcmp_publish_options init = LCMP_PUBLISH_OPTIONS_INIT;

    if (opts == NULL || version != LCMP_PUBLISH_OPTIONS_VERSION) {
        return LCMP_EINVALID;
    }
    *opts = init;
    return 0;
}

/* The callbacks' payload: the transport first (its callbacks cast the
 * payload to lcmp__transport *), then what the push reports. */
typedef struct pub_remote {
    lcmp__transport t;
    bool rejected;
    char status[200];
} pub_remote;

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

/* A path component made only of [A-Za-z0-9._-], starting with a letter or
 * digit, without "..", at most `max` bytes. */
static bool safe_component(const char *s, size_t max)
{
    size_t i, n = strlen(s);

    if (n == 0 || n > max || strstr(s, "..") != NULL) {
        return false;
    }
    for (i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) {
            return false;
        }
    }
    return true;
}

static int
push_update_reference(const char *refname, const char *status, void *payload)
{
    pub_remote *r = payload;

    (void)refname;
    if (status != NULL) {
        r->rejected = true;
        snprintf(r->status, sizeof(r->status), "%s", status);
    }
    return 0;
}

/* Exclusive fcntl lock on `path` (created if missing), waiting for it. */
static int lock_file(int *fd_out, const char *path, lcmp_error *err)
{
    struct flock fl;
    int fd;

    *fd_out = -1;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return lcmp__error_set(
            err, LCMP_EIO, path, NULL, "cannot open: %s", strerror(errno));
    }
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    while (fcntl(fd, F_SETLKW, &fl) != 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return lcmp__error_set(
                err, LCMP_EIO, path, NULL, "cannot lock: %s", strerror(e));
        }
    }
    *fd_out = fd;
    return 0;
}

/* The directory of a remote that is a local repository, or NULL. */
static char *local_remote_dir(const char *url)
{
    struct stat st;

    if (strncmp(url, "file://", 7) == 0) {
        return lcmp__strdup(url + 7);
    }
    if (strstr(url, "://") == NULL && stat(url, &st) == 0 &&
        S_ISDIR(st.st_mode)) {
        return lcmp__strdup(url);
    }
    return NULL;
}

/* Sleep a little before attempt `attempt` (>= 2): 20 ms per earlier
 * attempt plus up to 80 ms at random, so that racing publishers spread. */
static void backoff(unsigned int attempt)
{
    unsigned char r = 0;
    long ms;
    struct timespec ts;

    if (RAND_bytes(&r, 1) != 1) {
        r = (unsigned char)(getpid() & 0xff);
    }
    ms = 20L * (long)(attempt > 10 ? 10 : attempt - 1) + (long)(r % 81);
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/*
 * Read the remote's main (*has_tip, *tip) and download its objects when
 * the private repository lacks them.
 */
static int fetch_tip(bool *has_tip,
                     git_oid *tip,
                     git_repository *repo,
                     git_remote *remote,
                     pub_remote *r,
                     const char *url,
                     lcmp_error *err)
{
    const git_remote_head **heads = NULL;
    git_remote_callbacks cbs;
    git_fetch_options fo;
    git_odb *odb = NULL;
    git_reference *ref = NULL;
    char *spec[1] = {MAIN_REF ":" HINT_REF};
    git_strarray specs = {spec, 1};
    size_t n = 0, i;
    int grc, rc = LCMP_ERROR;

    *has_tip = false;
    if (git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION) < 0 ||
        git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION) < 0)
    {
        return git_fail(err, url, "cannot set up the transfer");
    }
    lcmp__transport_callbacks(&cbs, &r->t);
    cbs.payload = r;
    grc = git_remote_connect(remote, GIT_DIRECTION_FETCH, &cbs, NULL, NULL);
    if (grc < 0) {
        rc = lcmp__transport_error(&r->t, grc, url, err);
        goto done;
    }
    if (git_remote_ls(&heads, &n, remote) < 0) {
        rc = git_fail(err, url, "cannot list the remote's references");
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (strcmp(heads[i]->name, MAIN_REF) == 0) {
            git_oid_cpy(tip, &heads[i]->oid);
            *has_tip = true;
            break;
        }
    }
    if (!*has_tip) {
        rc = 0; /* an empty remote: the first commit is a root commit */
        goto done;
    }
    if (git_repository_odb(&odb, repo) < 0) {
        rc = git_fail(err, url, "cannot open the object database");
        goto done;
    }
    if (!git_odb_exists(odb, tip)) {
        fo.callbacks = cbs;
        fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
        fo.update_fetchhead = 0;
        grc = git_remote_download(remote, &specs, &fo);
        if (grc < 0) {
            rc = lcmp__transport_error(&r->t, grc, url, err);
            goto done;
        }
        if (!git_odb_exists(odb, tip)) {
            rc = lcmp__error_set(err,
                                 LCMP_EGIT,
                                 url,
                                 NULL,
                                 "the remote did not send its main branch");
            goto done;
        }
    }
    /* a hint for the next negotiation, never read as the remote's state */
    if (git_reference_create(&ref, repo, HINT_REF, tip, 1, NULL) < 0) {
        rc = git_fail(err, url, "cannot record the fetched tip");
        goto done;
    }
    rc = 0;
done:
    git_reference_free(ref);
    git_odb_free(odb);
    git_remote_disconnect(remote);
    return rc;
}

/* The subtree `name` of `tree` (NULL tree or no such entry: *out NULL);
 * an entry that is not a tree is refused. */
static int subtree(git_tree **out,
                   git_repository *repo,
                   const git_tree *tree,
                   const char *name,
                   const char *path,
                   lcmp_error *err)
{
    const git_tree_entry *e;

    *out = NULL;
    if (tree == NULL || (e = git_tree_entry_byname(tree, name)) == NULL) {
        return 0;
    }
    if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               path,
                               NULL,
                               "the statements repository has a file where "
                               "a directory belongs");
    }
    if (git_tree_lookup(out, repo, git_tree_entry_id(e)) < 0) {
        return git_fail(err, path, "cannot read a tree");
    }
    return 0;
}

/* `base` with `name` set to `oid` (mode `mode`), written as a new tree. */
static int tree_with(git_oid *out,
                     git_repository *repo,
                     const git_tree *base,
                     const char *name,
                     const git_oid *oid,
                     git_filemode_t mode,
                     lcmp_error *err)
{
    git_treebuilder *tb = NULL;
    int rc = 0;

    if (git_treebuilder_new(&tb, repo, base) < 0 ||
        git_treebuilder_insert(NULL, tb, name, oid, mode) < 0 ||
        git_treebuilder_write(out, tb) < 0)
    {
        rc = git_fail(err, name, "cannot build the tree");
    }
    git_treebuilder_free(tb);
    return rc;
}

/*
 * The new root tree: `base` (NULL for none) with statements/<org>/<file>
 * set to `blob`. *unchanged when the file already holds exactly that blob;
 * *replaced when it held another.
 */
static int build_tree(git_oid *out,
                      bool *unchanged,
                      bool *replaced,
                      git_repository *repo,
                      const git_tree *base,
                      const char *org,
                      const char *file,
                      const git_oid *blob,
                      const char *path,
                      lcmp_error *err)
{
    git_tree *stmts = NULL, *orgt = NULL;
    const git_tree_entry *e;
    git_oid org_oid, stmts_oid;
    int rc;

    *unchanged = false;
    *replaced = false;
    if ((rc = subtree(&stmts, repo, base, "statements", path, err)) < 0 ||
        (rc = subtree(&orgt, repo, stmts, org, path, err)) < 0)
    {
        goto done;
    }
    if (orgt != NULL && (e = git_tree_entry_byname(orgt, file)) != NULL) {
        if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
            rc = lcmp__error_set(err,
                                 LCMP_EINVALID,
                                 path,
                                 NULL,
                                 "the statements repository has a directory "
                                 "where the statement belongs");
            goto done;
        }
        if (git_oid_equal(git_tree_entry_id(e), blob) &&
            git_tree_entry_filemode(e) == GIT_FILEMODE_BLOB)
        {
            *unchanged = true;
            rc = 0;
            goto done;
        }
        *replaced = true;
    }
    if ((rc = tree_with(
             &org_oid, repo, orgt, file, blob, GIT_FILEMODE_BLOB, err)) < 0 ||
        (rc = tree_with(
             &stmts_oid, repo, stmts, org, &org_oid, GIT_FILEMODE_TREE, err)) <
            0 ||
        (rc = tree_with(out,
                        repo,
                        base,
                        "statements",
                        &stmts_oid,
                        GIT_FILEMODE_TREE,
                        err)) < 0)
    {
        goto done;
    }
    rc = 0;
done:
    git_tree_free(orgt);
    git_tree_free(stmts);
    return rc;
}

/* The first failed step as an LCMP_EVERIFY error. */
static int
refuse_invalid(const lcmp_verification *v, const char *source, lcmp_error *err)
{
    int s;

    for (s = 0; s < LCMP_VSTEP_COUNT; s++) {
        const lcmp_verify_step *step =
            lcmp_verification_step(v, (lcmp_vstep_t)s);
        if (step != NULL && step->status == LCMP_VSTATUS_FAILED) {
            return lcmp__error_set(err,
                                   LCMP_EVERIFY,
                                   source,
                                   NULL,
                                   "invalid statement: %s: %s",
                                   step->name,
                                   step->reason);
        }
    }
    return lcmp__error_set(
        err, LCMP_EVERIFY, source, NULL, "invalid statement");
}

static int open_repo(git_repository **out, const char *dir, lcmp_error *err)
{
    char *path = lcmp__aprintf("%s/%s", dir, LCMP_PUBLISH_REPO_DIR);
    int grc, rc = 0;

    *out = NULL;
    if (path == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, dir, NULL, "out of memory");
    }
    grc = git_repository_open_bare(out, path);
    if (grc == GIT_ENOTFOUND) {
        grc = git_repository_init(out, path, 1);
    }
    if (grc < 0) {
        rc = git_fail(err, path, "cannot open the publish repository");
    }
    free(path);
    return rc;
}

int lcmp_publish(lcmp_publish_summary *summary,
                 const uint8_t *envelope,
                 size_t len,
                 const lcmp_publish_options *opts,
                 lcmp_error *err)
{
    lcmp_publish_summary sum;
    lcmp_verification *v = NULL;
    const lcmp_statement_info *info;
    git_repository *repo = NULL;
    git_remote *remote = NULL;
    git_remote_create_options ropts;
    git_signature *sig = NULL;
    git_commit *parent = NULL;
    git_tree *base = NULL, *tree = NULL;
    git_reference *ref = NULL;
    pub_remote r;
    const char *dir, *url, *source;
    char *lock_path = NULL, *remote_dir = NULL, *remote_lock = NULL;
    char *author = NULL, *message = NULL, *file = NULL;
    char evaluated[21];
    git_oid blob, tip, tree_oid, commit_oid;
    bool has_tip;
    unsigned int attempts, attempt;
    int lock_fd = -1, remote_fd = -1, inited = 0, transport_ready = 0, grc;
    int rc = LCMP_ERROR;

    memset(&sum, 0, sizeof(sum));
    if (summary != NULL) {
        memset(summary, 0, sizeof(*summary));
    }
    if (opts == NULL || opts->version != LCMP_PUBLISH_OPTIONS_VERSION ||
        opts->remote == NULL || opts->remote[0] == '\0' ||
        opts->verify == NULL || envelope == NULL ||
        opts->max_attempts > LCMP_PUBLISH_MAX_ATTEMPTS)
    {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "invalid publish options");
    }
    dir = opts->cache_dir != NULL ? opts->cache_dir : LCMP_SYNC_DEFAULT_CACHE;
    url = opts->remote;
    source = opts->verify->envelope_source;
    attempts = opts->max_attempts != 0 ? opts->max_attempts
                                       : LCMP_PUBLISH_DEFAULT_ATTEMPTS;

    /* verify first: nothing is touched for an invalid statement */
    rc = lcmp_verify(&v, envelope, len, opts->now, opts->verify, err);
    if (rc < 0) {
        goto done;
    }
    if (!lcmp_verification_valid(v) ||
        (info = lcmp_verification_statement(v)) == NULL)
    {
        rc = refuse_invalid(v, source, err);
        goto done;
    }
    if (!safe_component(info->organisation_id, 64) ||
        !safe_component(info->release, LCMP_TAG_NAME_MAX))
    {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             source,
                             NULL,
                             "organisation id or release tag cannot name a "
                             "file");
        goto done;
    }
    file = lcmp__aprintf("%s.json", info->release);
    author = lcmp__aprintf("compliance publish %s", info->organisation_id);
    lcmp_time_format(evaluated, info->evaluated_at);
    message = lcmp__aprintf("Publish the statement of %s for %s\n\n"
                            "Evaluated at %s.\n",
                            info->organisation_id,
                            info->release,
                            evaluated);
    lock_path = lcmp__aprintf("%s/%s", dir, LOCK_FILE);
    if (file == NULL || author == NULL || message == NULL || lock_path == NULL)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    snprintf(sum.path,
             sizeof(sum.path),
             "statements/%s/%s",
             info->organisation_id,
             file);

    if (git_libgit2_init() < 0) {
        rc = git_fail(err, NULL, "cannot initialise libgit2");
        goto done;
    }
    inited = 1;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        rc = lcmp__error_set(err,
                             LCMP_EIO,
                             dir,
                             NULL,
                             "cannot create the cache directory: %s",
                             strerror(errno));
        goto done;
    }
    /* one publish at a time per cache */
    if ((rc = lock_file(&lock_fd, lock_path, err)) < 0) {
        goto done;
    }
    if ((rc = open_repo(&repo, dir, err)) < 0) {
        goto done;
    }
    if (git_blob_create_from_buffer(&blob, repo, envelope, len) < 0) {
        rc = git_fail(err, dir, "cannot store the statement");
        goto done;
    }
    if (git_signature_new(&sig, author, AUTHOR_EMAIL, opts->now, 0) < 0) {
        rc = git_fail(err, NULL, "cannot make the commit's author");
        goto done;
    }

    memset(&r, 0, sizeof(r));
    lcmp__transport_init(&r.t, opts->network);
    transport_ready = 1;
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
    remote_dir = local_remote_dir(url);
    if (remote_dir != NULL) {
        remote_lock = lcmp__aprintf("%s/%s", remote_dir, REMOTE_LOCK_FILE);
        if (remote_lock == NULL) {
            rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
            goto done;
        }
    }

    for (attempt = 1; attempt <= attempts; attempt++) {
        const git_commit *parents[1];
        git_push_options po;
        char *spec[1] = {MAIN_REF ":" MAIN_REF};
        git_strarray specs = {spec, 1};
        bool unchanged, replaced;

        if (attempt > 1) {
            backoff(attempt);
        }
        git_commit_free(parent);
        parent = NULL;
        git_tree_free(base);
        base = NULL;
        if ((rc = fetch_tip(&has_tip, &tip, repo, remote, &r, url, err)) < 0) {
            goto done;
        }
        if (has_tip) {
            if (git_commit_lookup(&parent, repo, &tip) < 0 ||
                git_commit_tree(&base, parent) < 0)
            {
                rc = git_fail(err, url, "the remote's main is not a commit");
                goto done;
            }
        }
        rc = build_tree(&tree_oid,
                        &unchanged,
                        &replaced,
                        repo,
                        base,
                        info->organisation_id,
                        file,
                        &blob,
                        sum.path,
                        err);
        if (rc < 0) {
            goto done;
        }
        if (unchanged) {
            sum.unchanged = true;
            git_oid_tostr(sum.commit, sizeof(sum.commit), &tip);
            rc = 0;
            goto done;
        }
        sum.replaced = replaced;
        git_tree_free(tree);
        tree = NULL;
        if (git_tree_lookup(&tree, repo, &tree_oid) < 0) {
            rc = git_fail(err, url, "cannot read the new tree");
            goto done;
        }
        parents[0] = parent;
        if (git_commit_create(&commit_oid,
                              repo,
                              NULL,
                              sig,
                              sig,
                              NULL,
                              message,
                              tree,
                              has_tip ? 1 : 0,
                              parents) < 0)
        {
            rc = git_fail(err, url, "cannot make the commit");
            goto done;
        }
        git_reference_free(ref);
        ref = NULL;
        if (git_reference_create(&ref, repo, MAIN_REF, &commit_oid, 1, NULL) <
            0) {
            rc = git_fail(err, url, "cannot record the commit");
            goto done;
        }

        if (git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION) < 0) {
            rc = git_fail(err, url, "cannot set up the push");
            goto done;
        }
        lcmp__transport_callbacks(&po.callbacks, &r.t);
        po.callbacks.push_update_reference = push_update_reference;
        po.callbacks.payload = &r;
        r.rejected = false;
        r.status[0] = '\0';
        if (remote_lock != NULL &&
            (rc = lock_file(&remote_fd, remote_lock, err)) < 0) {
            goto done;
        }
        sum.attempts = attempt;
        grc = git_remote_push(remote, &specs, &po);
        git_remote_disconnect(remote);
        if (remote_fd >= 0) {
            close(remote_fd);
            remote_fd = -1;
        }
        if (grc == GIT_ENONFASTFORWARD) {
            snprintf(r.status, sizeof(r.status), "%s", "non-fast-forward");
            continue; /* another publisher was first: rebuild on its tip */
        }
        if (grc < 0) {
            rc = lcmp__transport_error(&r.t, grc, url, err);
            goto done;
        }
        if (r.rejected) {
            continue;
        }
        git_oid_tostr(sum.commit, sizeof(sum.commit), &commit_oid);
        rc = 0;
        goto done;
    }
    rc = lcmp__error_set(err,
                         LCMP_EGIT,
                         url,
                         NULL,
                         "push refused %u times, last: %s",
                         attempts,
                         r.status[0] != '\0' ? r.status : "rejected");

done:
    if (rc == 0 && summary != NULL) {
        *summary = sum;
    }
    git_reference_free(ref);
    git_tree_free(tree);
    git_tree_free(base);
    git_commit_free(parent);
    git_signature_free(sig);
    if (remote != NULL) {
        git_remote_disconnect(remote);
        git_remote_free(remote);
    }
    if (transport_ready) {
        lcmp__transport_dispose(&r.t);
    }
    git_repository_free(repo);
    if (remote_fd >= 0) {
        close(remote_fd);
    }
    if (lock_fd >= 0) {
        close(lock_fd);
    }
    if (inited) {
        git_libgit2_shutdown();
    }
    free(remote_lock);
    free(remote_dir);
    free(lock_path);
    free(message);
    free(author);
    free(file);
    lcmp_verification_free(v);
    return rc;
}
