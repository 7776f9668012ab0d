/*
 * The report over a statements repository (lcmp_report_add_repo(),
 * include/libcompliance/report.h): fetch its main branch into a private
 * bare repository and verify every statement of the fetched tree.
 *
 * Invariants:
 *  - The commit read is the one the remote advertises for refs/heads/main
 *    in this very connection (git_remote_ls); the private ref
 *    refs/lcmp-report/main is written only as a hint for the next
 *    negotiation and is never read as the remote's state, so whatever the
 *    work directory holds cannot choose what is reported.
 *  - Files are read from tree objects, never from a checkout: only regular
 *    blobs (modes 100644, 100755) named *.json under statements/, at most
 *    MAX_DEPTH directories deep, each at most MAX_BLOB bytes (checked from
 *    the object header before the blob is read). Symbolic links,
 *    submodules, blobs too large, names that are not plain path components
 *    and directories nested too deep are never followed: each is recorded
 *    in the report as a refused statement with its reason, so the reader
 *    sees it. Names starting with '.' are skipped, as lcmp_report_add_dir()
 *    skips hidden files.
 *  - Each blob read is handed to a feed (lcmp__report_feed_add(), rpt.h)
 *    and verified on the report's threads while the next ones are read;
 *    the feed keeps what waits bounded (in number and bytes) by verifying
 *    on this thread too, so the memory held does not grow with the
 *    repository.
 *  - The network callbacks (certificates, host keys, byte cap) are those
 *    of lcmp_sync() (transport.h); nothing process-wide is set.
 */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gittree.h"
#include "rpt.h"
#include "transport.h"
#include "util.h"

#define MAIN_REF     "refs/heads/main"
#define PRIVATE_REF  "refs/lcmp-report/main"
#define MAX_DEPTH    8u
#define MAX_BLOB     ((size_t)16 * 1024 * 1024)
#define MAX_PATH_LEN 1024

int lcmp_report_repo_options_init(lcmp_report_repo_options *opts,
                                  unsigned int version)
{
    static const lcmp_report_repo_options init = LCMP_REPORT_REPO_OPTIONS_INIT;

    if (opts == NULL || version != LCMP_REPORT_REPO_OPTIONS_VERSION) {
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

/* The walk's state. */
typedef struct walk {
    lcmp_report *r;
    git_repository *repo;
    git_odb *odb;
    lcmp__report_feed *feed; /* where blobs read go to be verified */
} walk;

/* "<repo:PATH>", with bytes that could not be shown as they are (control
 * characters) replaced by '?'. NULL when out of memory. */
static char *source_of(const char *path)
{
    char *s = lcmp__aprintf("<repo:%s>", path);
    size_t i;

    for (i = 0; s != NULL && s[i] != '\0'; i++) {
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f) {
            s[i] = '?';
        }
    }
    return s;
}

/* Record `path` as a refused statement: it is shown, never read. */
static int
refuse(walk *w, const char *path, const char *reason, lcmp_error *err)
{
    lcmp__rpt_entry e;
    char *source = source_of(path);
    int rc;

    if (source == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
    }
    memset(&e, 0, sizeof(e));
    e.source = source;
    e.status = LCMP_ORG_INVALID;
    e.reason = reason;
    e.info = NULL;
    rc = lcmp__report_merge(w->r, &e, err);
    free(source);
    return rc;
}

/* A plain path component: no '/', '\\' or control character, not "." or
 * "..", not empty. */
static bool plain_name(const char *name)
{
    size_t i;

    if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        return false;
    }
    for (i = 0; name[i] != '\0'; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') {
            return false;
        }
    }
    return true;
}

static bool ends_with_json(const char *name)
{
    size_t n = strlen(name);

    return n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Read one regular blob and hand it over (or refuse it when too large). */
static int
add_blob(walk *w, const git_tree_entry *te, const char *path, lcmp_error *err)
{
    git_blob *blob = NULL;
    git_object_t type;
    size_t size;
    uint8_t *copy = NULL;
    char *source = NULL;
    int rc;

    if (git_odb_read_header(&size, &type, w->odb, git_tree_entry_id(te)) < 0 ||
        type != GIT_OBJECT_BLOB)
    {
        return git_fail(err, path, "cannot read a blob");
    }
    if (size > MAX_BLOB) {
        return refuse(w, path, "larger than 16 MiB: not read", err);
    }
    if (git_blob_lookup(&blob, w->repo, git_tree_entry_id(te)) < 0) {
        return git_fail(err, path, "cannot read a blob");
    }
    size = (size_t)git_blob_rawsize(blob);
    copy = malloc(size != 0 ? size : 1);
    source = source_of(path);
    if (copy == NULL || source == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
        goto done;
    }
    if (size != 0) {
        memcpy(copy, git_blob_rawcontent(blob), size);
    }
    git_blob_free(blob);
    blob = NULL;
    /* the feed takes both, whatever it returns */
    rc = lcmp__report_feed_add(w->feed, copy, size, source, err);
    copy = NULL;
    source = NULL;
done:
    free(copy);
    free(source);
    git_blob_free(blob);
    return rc;
}

/*
 * The entries of `tree` (at `path`, `depth` directories below
 * statements/): its own files first, then its subdirectories, each in the
 * tree's (sorted) order, as lcmp_report_add_dir() does.
 */
static int walk_tree(walk *w,
                     const git_tree *tree,
                     const char *path,
                     unsigned int depth,
                     lcmp_error *err)
{
    size_t n = git_tree_entrycount(tree), i;
    unsigned int pass;
    int rc = 0;

    for (pass = 0; rc == 0 && pass < 2; pass++) {
        for (i = 0; rc == 0 && i < n; i++) {
            const git_tree_entry *te = git_tree_entry_byindex(tree, i);
            const char *name = git_tree_entry_name(te);
            git_filemode_t mode = git_tree_entry_filemode(te);
            git_tree *sub = NULL;
            char *child;

            if (name[0] == '.' && plain_name(name)) {
                continue; /* hidden files, as in a directory */
            }
            if ((mode == GIT_FILEMODE_TREE) != (pass == 1)) {
                continue;
            }
            child = lcmp__aprintf("%s/%s", path, name);
            if (child == NULL) {
                return lcmp__error_set(
                    err, LCMP_ENOMEM, path, NULL, "out of memory");
            }
            if (!plain_name(name) || lcmp__gittree_check_path(child) < 0) {
                rc = refuse(w, child, "invalid path: not read", err);
            } else if (strlen(child) > MAX_PATH_LEN) {
                rc = refuse(w, child, "path too long: not read", err);
            } else if (mode == GIT_FILEMODE_LINK) {
                rc = refuse(w, child, "a symbolic link: not read", err);
            } else if (mode == GIT_FILEMODE_COMMIT) {
                rc = refuse(w, child, "a submodule: not read", err);
            } else if (mode == GIT_FILEMODE_TREE) {
                if (depth + 1 > MAX_DEPTH) {
                    rc = refuse(w,
                                child,
                                "nested deeper than 8 directories: not read",
                                err);
                } else if (git_tree_lookup(
                               &sub, w->repo, git_tree_entry_id(te)) < 0) {
                    rc = git_fail(err, child, "cannot read a tree");
                } else {
                    rc = walk_tree(w, sub, child, depth + 1, err);
                }
                git_tree_free(sub);
            } else if (mode == GIT_FILEMODE_BLOB ||
                       mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
                if (ends_with_json(name)) {
                    rc = add_blob(w, te, child, err);
                }
            } else if (ends_with_json(name)) {
                rc = refuse(w, child, "not a regular file: not read", err);
            }
            free(child);
        }
    }
    return rc;
}

/* Open the private bare repository, creating it when missing. */
static int
open_work(git_repository **out, const char *work_dir, lcmp_error *err)
{
    int grc = git_repository_open_bare(out, work_dir);

    if (grc == GIT_ENOTFOUND) {
        grc = git_repository_init(out, work_dir, 1);
    }
    if (grc < 0) {
        return git_fail(err, work_dir, "cannot open the report repository");
    }
    return 0;
}

/*
 * The commit the remote advertises for its main branch (*tip), its
 * objects downloaded into `repo` when missing.
 */
static int fetch_main(git_oid *tip,
                      git_repository *repo,
                      const char *url,
                      lcmp__transport *t,
                      lcmp_error *err)
{
    const git_remote_head **heads = NULL;
    git_remote_create_options ropts;
    git_remote_callbacks cbs;
    git_fetch_options fo;
    git_remote *remote = NULL;
    git_odb *odb = NULL;
    git_reference *ref = NULL;
    char *spec[1] = {"+" MAIN_REF ":" PRIVATE_REF};
    git_strarray specs = {spec, 1};
    bool found = false;
    size_t n = 0, i;
    int grc, rc = LCMP_ERROR;

    if (git_remote_create_options_init(&ropts,
                                       GIT_REMOTE_CREATE_OPTIONS_VERSION) < 0 ||
        git_remote_init_callbacks(&cbs, GIT_REMOTE_CALLBACKS_VERSION) < 0 ||
        git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION) < 0)
    {
        return git_fail(err, url, "cannot set up the transfer");
    }
    /* an anonymous remote: nothing is written to the repository's config */
    ropts.repository = repo;
    ropts.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
                  GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
    if (git_remote_create_with_opts(&remote, url, &ropts) < 0) {
        rc = git_fail(err, url, "invalid remote");
        goto done;
    }
    lcmp__transport_callbacks(&cbs, t);
    grc = git_remote_connect(remote, GIT_DIRECTION_FETCH, &cbs, NULL, NULL);
    if (grc < 0) {
        rc = lcmp__transport_error(t, grc, url, err);
        goto done;
    }
    if (git_remote_ls(&heads, &n, remote) < 0) {
        rc = git_fail(err, url, "cannot list the remote's references");
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (strcmp(heads[i]->name, MAIN_REF) == 0) {
            git_oid_cpy(tip, &heads[i]->oid);
            found = true;
            break;
        }
    }
    if (!found) {
        rc = lcmp__error_set(err,
                             LCMP_ENOTFOUND,
                             url,
                             NULL,
                             "the statements repository has no main branch");
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
            rc = lcmp__transport_error(t, grc, url, err);
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
    if (git_reference_create(&ref, repo, PRIVATE_REF, tip, 1, NULL) < 0) {
        rc = git_fail(err, url, "cannot record the fetched commit");
        goto done;
    }
    rc = 0;
done:
    git_reference_free(ref);
    git_odb_free(odb);
    if (remote != NULL) {
        git_remote_disconnect(remote);
        git_remote_free(remote);
    }
    return rc;
}

int lcmp_report_add_repo(lcmp_report *r,
                         const char *url,
                         const char *work_dir,
                         const lcmp_report_repo_options *opts,
                         lcmp_error *err)
{
    lcmp_sync_options net = LCMP_SYNC_OPTIONS_INIT;
    lcmp__transport t;
    git_repository *repo = NULL;
    git_commit *commit = NULL;
    git_tree *root = NULL, *stmts = NULL;
    const git_tree_entry *te;
    walk *w = NULL;
    git_oid tip;
    int inited = 0, transport_ready = 0, rc = LCMP_ERROR;

    if (r == NULL || url == NULL || url[0] == '\0' || work_dir == NULL ||
        work_dir[0] == '\0' ||
        (opts != NULL && opts->version != LCMP_REPORT_REPO_OPTIONS_VERSION))
    {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no report, repository URL or work directory "
                               "given, or unknown options version");
    }
    if (opts != NULL) {
        net.max_bytes = opts->max_bytes;
        net.ca_file = opts->ca_file;
        net.ssh_key = opts->ssh_key;
        net.ssh_user = opts->ssh_user;
        net.host_key = opts->host_key;
    }
    net.remote = url;
    w = calloc(1, sizeof(*w));
    if (w == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, url, NULL, "out of memory");
    }
    if (git_libgit2_init() < 0) {
        rc = git_fail(err, NULL, "cannot initialise libgit2");
        goto done;
    }
    inited = 1;
    lcmp__transport_init(&t, &net);
    transport_ready = 1;
    if ((rc = open_work(&repo, work_dir, err)) < 0 ||
        (rc = fetch_main(&tip, repo, url, &t, err)) < 0)
    {
        goto done;
    }
    if (git_commit_lookup(&commit, repo, &tip) < 0 ||
        git_commit_tree(&root, commit) < 0)
    {
        rc = git_fail(err, url, "the remote's main is not a commit");
        goto done;
    }
    te = git_tree_entry_byname(root, "statements");
    if (te == NULL) {
        rc = 0; /* nothing published yet */
        goto done;
    }
    if (git_tree_entry_filemode(te) != GIT_FILEMODE_TREE) {
        rc = lcmp__error_set(
            err, LCMP_EINVALID, "<repo:statements>", NULL, "not a directory");
        goto done;
    }
    if (git_tree_lookup(&stmts, repo, git_tree_entry_id(te)) < 0) {
        rc = git_fail(err, "<repo:statements>", "cannot read a tree");
        goto done;
    }
    if (git_repository_odb(&w->odb, repo) < 0) {
        rc = git_fail(err, work_dir, "cannot open the object database");
        goto done;
    }
    w->r = r;
    w->repo = repo;
    if ((rc = lcmp__report_feed_start(&w->feed, r, err)) < 0) {
        goto done;
    }
    rc = walk_tree(w, stmts, "statements", 0, err);
    {
        /* everything handed over is verified (or the feed stopped) */
        lcmp_error e;
        int frc = lcmp__report_feed_finish(w->feed, &e);
        w->feed = NULL;
        if (rc == 0 && frc < 0) {
            rc = frc;
            if (err != NULL) {
                *err = e;
            }
        }
    }

done:
    if (w != NULL) {
        lcmp__report_feed_finish(w->feed, NULL);
        git_odb_free(w->odb);
        free(w);
    }
    git_tree_free(stmts);
    git_tree_free(root);
    git_commit_free(commit);
    git_repository_free(repo);
    if (transport_ready) {
        lcmp__transport_dispose(&t);
    }
    if (inited) {
        git_libgit2_shutdown();
    }
    return rc;
}
