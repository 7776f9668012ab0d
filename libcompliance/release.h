/*
 * Verifying one release tag (internal): the raw tag object from the object
 * database, split with git's rule, its SSH signature checked against the
 * pinned release signers.
 */
#ifndef LCMP_RELEASE_H
#define LCMP_RELEASE_H

#include <git2.h>

#include "libcompliance/common.h"
#include "libcompliance/sync.h"
#include "libcompliance/trust.h"

typedef struct lcmp__release {
    char tag[LCMP_TAG_NAME_MAX + 1];
    char tag_id[41];
    char commit_id[41];
    char signer[256];     /* principal vouching for the key */
    char fingerprint[64]; /* "SHA256:…" of the signing key */
    int has_expires;
    int32_t expires; /* "Expires:" trailer, days since the epoch */
} lcmp__release;

/*
 * Verify the release `name` whose ref refs/tags/<name> names object `oid`:
 * the object is an annotated tag (read raw with git_odb_read, never with
 * git_tag_message), its `tag` header equals `name`, its target is a
 * commit present in the object database, and its SSH signature over the
 * payload verifies for namespace "git" with a key that `signers` vouches
 * for at time `at` (the tag's first-seen time, not its tagger date). The
 * expiry is reported, not checked.
 *
 * @return 0; LCMP_EVERIFY (refused, err->source = name, err->message says
 *         why); LCMP_EGIT (object missing or unreadable)
 */
int lcmp__release_verify(lcmp__release *out,
                         git_repository *repo,
                         const char *name,
                         const git_oid *oid,
                         const lcmp_signers *signers,
                         int64_t at,
                         lcmp_error *err);

#endif
