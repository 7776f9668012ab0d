/*
 * Reading a baseline from a commit's tree in a Git object database
 * (internal): an lcmp_reader that never touches a working tree.
 */
#ifndef LCMP_GITTREE_H
#define LCMP_GITTREE_H

#include <git2.h>

#include "libcompliance/baseline.h"

typedef struct lcmp__gittree lcmp__gittree;

/*
 * Open the tree of commit `commit_id` in `repo` (borrowed: it must outlive
 * the tree). `rev` names the release in error sources ("<git:REV:path>").
 *
 * @return 0, LCMP_ENOTFOUND (no such commit) or LCMP_EGIT
 */
int lcmp__gittree_open(lcmp__gittree **out,
                       git_repository *repo,
                       const git_oid *commit_id,
                       const char *rev,
                       lcmp_error *err);
void lcmp__gittree_free(lcmp__gittree *t);

/*
 * A reader over the tree. Only regular blobs (modes 100644 and 100755)
 * are read; symlinks, submodules and directories are refused
 * (LCMP_EINVALID), paths with "", "." or ".." components, a leading '/'
 * or a backslash are refused (LCMP_EINVALID), and a blob larger than the
 * reader's max_size is refused from its header before it is read
 * (LCMP_ELIMIT).
 */
void lcmp__gittree_reader(lcmp_reader *out, lcmp__gittree *t);

/*
 * Check a whole release tree without reading its files: every entry must
 * be a directory or a regular blob of at most `max_size` bytes (from the
 * object header), with a valid name; symlinks and submodules anywhere are
 * refused (LCMP_EINVALID), as are more than `max_entries` entries
 * (LCMP_ELIMIT). Errors name "<git:REV:path>".
 */
int lcmp__gittree_check(lcmp__gittree *t,
                        size_t max_size,
                        size_t max_entries,
                        lcmp_error *err);

/* Check a relative path as above; 0 or LCMP_EINVALID. */
int lcmp__gittree_check_path(const char *path);

#endif
