/*
 * An lcmp_reader over a commit's tree, reading blobs straight from the
 * object database: no checkout, so no path on disk and no symlink is ever
 * followed.
 *
 * Invariants: each path component is looked up by name in the tree it
 * belongs to (never with a path lookup that could interpret ".."); every
 * entry on the way must be a tree and the last one a regular blob; a
 * blob's size comes from its header before its content is inflated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gittree.h"
#include "util.h"

struct lcmp__gittree {
    git_repository *repo; /* borrowed */
    git_tree *tree;
    char rev[128];
};

int lcmp__gittree_check_path(const char *path)
{
    const char *p = path, *slash;
    size_t n;

    if (path == NULL || path[0] == '\0' || path[0] == '/' ||
        strchr(path, '\\') != NULL)
    {
        return LCMP_EINVALID;
    }
    for (;;) {
        slash = strchr(p, '/');
        n = slash != NULL ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.')) {
            return LCMP_EINVALID;
        }
        if (slash == NULL) {
            return 0;
        }
        p = slash + 1;
    }
}

static void source_name(char *out, size_t size, const char *path, void *payload)
{
    const lcmp__gittree *t = payload;
    char tmp[1024];

    snprintf(tmp, sizeof(tmp), "<git:%s:%s>", t->rev, path);
    lcmp__strlcpy_left(out, size, tmp);
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

/* Refuse an entry that is not of the wanted kind, naming what it is. */
static int kind_error(lcmp_error *err, const char *src, git_filemode_t mode)
{
    const char *what;

    switch (mode) {
    case GIT_FILEMODE_LINK:
        what = "is a symbolic link (only regular files are read from a "
               "release)";
        break;
    case GIT_FILEMODE_COMMIT:
        what = "is a submodule (only regular files are read from a release)";
        break;
    case GIT_FILEMODE_TREE:
        what = "is a directory, not a file";
        break;
    default:
        what = "is not a regular file";
        break;
    }
    return lcmp__error_set(err, LCMP_EINVALID, src, NULL, "%s", what);
}

static int tree_read(lcmp_buf *out,
                     const char *path,
                     size_t max_size,
                     void *payload,
                     lcmp_error *err)
{
    lcmp__gittree *t = payload;
    git_tree *sub = NULL;
    const git_tree *cur = t->tree;
    const git_tree_entry *e = NULL;
    git_odb *odb = NULL;
    git_odb_object *obj = NULL;
    git_object_t type;
    git_filemode_t mode;
    size_t size;
    char src[256], comp[256];
    const char *p = path, *slash;
    size_t n;
    int rc = LCMP_ERROR;

    source_name(src, sizeof(src), path != NULL ? path : "", t);
    lcmp__buf_clear(out);
    if (lcmp__gittree_check_path(path) < 0) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               src,
                               NULL,
                               "invalid path in a release (absolute, empty "
                               "or '..' component)");
    }
    for (;;) {
        slash = strchr(p, '/');
        n = slash != NULL ? (size_t)(slash - p) : strlen(p);
        if (n >= sizeof(comp)) {
            rc = lcmp__error_set(
                err, LCMP_ELIMIT, src, NULL, "path component too long");
            goto done;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        e = git_tree_entry_byname(cur, comp);
        if (e == NULL) {
            rc = lcmp__error_set(
                err, LCMP_ENOTFOUND, src, NULL, "no such file in the release");
            goto done;
        }
        mode = git_tree_entry_filemode(e);
        if (slash == NULL) {
            break;
        }
        if (mode != GIT_FILEMODE_TREE) {
            rc = mode == GIT_FILEMODE_BLOB ||
                         mode == GIT_FILEMODE_BLOB_EXECUTABLE
                     ? lcmp__error_set(err,
                                       LCMP_ENOTFOUND,
                                       src,
                                       NULL,
                                       "no such file in the release")
                     : kind_error(err, src, mode);
            goto done;
        }
        git_tree_free(sub);
        sub = NULL;
        if (git_tree_lookup(&sub, t->repo, git_tree_entry_id(e)) < 0) {
            rc = git_fail(err, src, "cannot read tree");
            goto done;
        }
        cur = sub;
        p = slash + 1;
    }
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
        rc = kind_error(err, src, mode);
        goto done;
    }
    if (git_repository_odb(&odb, t->repo) < 0) {
        rc = git_fail(err, src, "cannot open the object database");
        goto done;
    }
    /* the size from the object header, before inflating the content */
    if (git_odb_read_header(&size, &type, odb, git_tree_entry_id(e)) < 0) {
        rc = git_fail(err, src, "cannot read blob");
        goto done;
    }
    if (type != GIT_OBJECT_BLOB) {
        rc = lcmp__error_set(
            err, LCMP_EINVALID, src, NULL, "tree entry is not a blob");
        goto done;
    }
    if (size > max_size) {
        rc = lcmp__error_set(err,
                             LCMP_ELIMIT,
                             src,
                             NULL,
                             "file of %zu bytes is larger than %zu",
                             size,
                             max_size);
        goto done;
    }
    if (git_odb_read(&obj, odb, git_tree_entry_id(e)) < 0) {
        rc = git_fail(err, src, "cannot read blob");
        goto done;
    }
    if (git_odb_object_size(obj) != size) {
        rc = lcmp__error_set(
            err, LCMP_EGIT, src, NULL, "blob size does not match its header");
        goto done;
    }
    if (lcmp__buf_put(out, git_odb_object_data(obj), size) < 0 ||
        (out->ptr == NULL && lcmp__buf_grow(out, 1) < 0))
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, src, NULL, "out of memory");
        goto done;
    }
    rc = 0;
done:
    git_odb_object_free(obj);
    git_odb_free(odb);
    git_tree_free(sub);
    return rc;
}

typedef struct walk_state {
    lcmp__gittree *t;
    git_odb *odb;
    size_t max_size;
    size_t max_entries;
    size_t entries;
    lcmp_error *err;
    int rc;
} walk_state;

static int walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
    walk_state *w = payload;
    git_filemode_t mode = git_tree_entry_filemode(e);
    const char *name = git_tree_entry_name(e);
    char path[600], src[256];
    git_object_t type;
    size_t size;

    snprintf(path, sizeof(path), "%s%s", root, name);
    source_name(src, sizeof(src), path, w->t);
    if (++w->entries > w->max_entries) {
        w->rc = lcmp__error_set(w->err,
                                LCMP_ELIMIT,
                                src,
                                NULL,
                                "the release has more than %zu files and "
                                "directories",
                                w->max_entries);
        return -1;
    }
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        strchr(name, '\\') != NULL || name[0] == '\0')
    {
        w->rc = lcmp__error_set(
            w->err, LCMP_EINVALID, src, NULL, "invalid file name in a release");
        return -1;
    }
    if (mode == GIT_FILEMODE_TREE) {
        return 0;
    }
    if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
        w->rc = kind_error(w->err, src, mode);
        return -1;
    }
    if (git_odb_read_header(&size, &type, w->odb, git_tree_entry_id(e)) < 0) {
        w->rc = git_fail(w->err, src, "cannot read blob");
        return -1;
    }
    if (size > w->max_size) {
        w->rc = lcmp__error_set(w->err,
                                LCMP_ELIMIT,
                                src,
                                NULL,
                                "file of %zu bytes is larger than %zu",
                                size,
                                w->max_size);
        return -1;
    }
    return 0;
}

int lcmp__gittree_check(lcmp__gittree *t,
                        size_t max_size,
                        size_t max_entries,
                        lcmp_error *err)
{
    walk_state w;
    char src[200];
    int grc;

    memset(&w, 0, sizeof(w));
    w.t = t;
    w.max_size = max_size;
    w.max_entries = max_entries;
    w.err = err;
    snprintf(src, sizeof(src), "<git:%s>", t->rev);
    if (git_repository_odb(&w.odb, t->repo) < 0) {
        return git_fail(err, src, "cannot open the object database");
    }
    grc = git_tree_walk(t->tree, GIT_TREEWALK_PRE, walk_cb, &w);
    git_odb_free(w.odb);
    if (w.rc < 0) {
        return w.rc;
    }
    if (grc < 0) {
        return git_fail(err, src, "cannot read the release tree");
    }
    return 0;
}

int lcmp__gittree_open(lcmp__gittree **out,
                       git_repository *repo,
                       const git_oid *commit_id,
                       const char *rev,
                       lcmp_error *err)
{
    lcmp__gittree *t = NULL;
    git_commit *commit = NULL;
    char src[200];
    int rc = LCMP_ERROR, grc;

    *out = NULL;
    snprintf(src, sizeof(src), "<git:%s>", rev != NULL ? rev : "?");
    t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, src, NULL, "out of memory");
    }
    t->repo = repo;
    lcmp__strlcpy_left(t->rev, sizeof(t->rev), rev != NULL ? rev : "?");
    grc = git_commit_lookup(&commit, repo, commit_id);
    if (grc == GIT_ENOTFOUND) {
        rc = lcmp__error_set(
            err, LCMP_ENOTFOUND, src, NULL, "commit not in the cache");
        goto done;
    }
    if (grc < 0) {
        rc = git_fail(err, src, "cannot read commit");
        goto done;
    }
    if (git_commit_tree(&t->tree, commit) < 0) {
        rc = git_fail(err, src, "cannot read the commit's tree");
        goto done;
    }
    *out = t;
    t = NULL;
    rc = 0;
done:
    git_commit_free(commit);
    lcmp__gittree_free(t);
    return rc;
}

void lcmp__gittree_free(lcmp__gittree *t)
{
    if (t == NULL) {
        return;
    }
    git_tree_free(t->tree);
    free(t);
}

void lcmp__gittree_reader(lcmp_reader *out, lcmp__gittree *t)
{
    out->read = tree_read;
    out->source = source_name;
    out->payload = t;
}
