/*
 * The sync state file `state.json` in the cache directory (internal):
 * every release seen, with its tag object id, commit id and first-seen
 * time, and the current release. Format: docs/formats.md ("Sync state").
 */
#ifndef LCMP_STATE_H
#define LCMP_STATE_H

#include "libcompliance/common.h"
#include "libcompliance/sync.h"

#define LCMP__STATE_SCHEMA       "lcmp.sync-state/v1"
#define LCMP__STATE_FILE         "state.json"
#define LCMP__STATE_MAX_SIZE     ((size_t)4 * 1024 * 1024)
#define LCMP__STATE_MAX_RELEASES 10000

typedef struct lcmp__state_release {
    char tag[LCMP_TAG_NAME_MAX + 1];
    char tag_id[41];
    char commit_id[41];
    char signer[256];
    int64_t first_seen;
    int has_expires;
    int32_t expires; /* days since 1970-01-01 */
    int verified;
} lcmp__state_release;

typedef struct lcmp__state {
    lcmp__state_release *releases; /* in version order, oldest first */
    size_t count;
    size_t alloc;
    char current[LCMP_TAG_NAME_MAX + 1]; /* "" when none */
    char *remote;                        /* informational, may be NULL */
} lcmp__state;

void lcmp__state_init(lcmp__state *st);
void lcmp__state_dispose(lcmp__state *st);

/* Parse state JSON strictly (schema, members, types, release names, ids,
 * times, no duplicate tags, current among the releases). */
int lcmp__state_parse(lcmp__state *st,
                      const uint8_t *buf,
                      size_t len,
                      const char *source,
                      lcmp_error *err);
/* Load a state file; LCMP_ENOTFOUND when it does not exist. */
int lcmp__state_load(lcmp__state *st, const char *path, lcmp_error *err);
/* Serialise (stable member order, 2-space indent, final newline). */
int lcmp__state_to_json(lcmp_buf *out, const lcmp__state *st, lcmp_error *err);
/* Write a state file atomically (lcmp_file_write_atomic). */
int lcmp__state_save(const lcmp__state *st, const char *path, lcmp_error *err);

/* The release named `tag`, or NULL. */
lcmp__state_release *lcmp__state_find(const lcmp__state *st, const char *tag);
/* Add a release (copied), keeping version order; LCMP_EINVALID if the
 * tag is already there or is not a release name. */
int lcmp__state_add(lcmp__state *st,
                    const lcmp__state_release *r,
                    lcmp_error *err);
/* Set the remote (copied); 0 or LCMP_ENOMEM. */
int lcmp__state_set_remote(lcmp__state *st,
                           const char *remote,
                           lcmp_error *err);

#endif
