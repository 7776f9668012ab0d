/*
 * Verifying one release tag.
 *
 * Invariants: the tag object is read raw from the object database and
 * parsed by our own strict parser (libgit2 1.5 has no tag signature API
 * and git_tag_message() includes the signature); the signed payload is
 * exactly the bytes before the last armour line; the only trust root is
 * the pinned signers list; the time a key must be valid at is chosen by
 * the caller (first-seen), never taken from the signer-chosen tagger date.
 */
#include <stdio.h>
#include <string.h>

#include "release.h"
#include "tag.h"
#include "util.h"

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

int lcmp__release_verify(lcmp__release *out,
                         git_repository *repo,
                         const char *name,
                         const git_oid *oid,
                         const lcmp_signers *signers,
                         int64_t at,
                         lcmp_error *err)
{
    git_odb *odb = NULL;
    git_odb_object *obj = NULL;
    lcmp_buf principal = LCMP_BUF_INIT, fp = LCMP_BUF_INIT;
    lcmp_error inner;
    lcmp__tag tag;
    git_oid target;
    git_object_t type;
    size_t size;
    int rc = LCMP_ERROR, grc;

    memset(out, 0, sizeof(*out));
    if (strlen(name) > LCMP_TAG_NAME_MAX) {
        return lcmp__error_set(
            err, LCMP_EVERIFY, name, NULL, "tag name too long");
    }
    memcpy(out->tag, name, strlen(name) + 1);
    git_oid_tostr(out->tag_id, sizeof(out->tag_id), oid);

    if (git_repository_odb(&odb, repo) < 0) {
        rc = git_fail(err, name, "cannot open the object database");
        goto done;
    }
    grc = git_odb_read_header(&size, &type, odb, oid);
    if (grc < 0) {
        rc = git_fail(err, name, "cannot read the tag object");
        goto done;
    }
    if (type != GIT_OBJECT_TAG) {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             name,
                             NULL,
                             "lightweight tag (it names a %s): a release "
                             "must be an annotated tag signed with an SSH "
                             "key",
                             git_object_type2string(type));
        goto done;
    }
    if (size > LCMP__TAG_MAX_SIZE) {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             name,
                             NULL,
                             "tag object of %zu bytes is too large",
                             size);
        goto done;
    }
    if (git_odb_read(&obj, odb, oid) < 0) {
        rc = git_fail(err, name, "cannot read the tag object");
        goto done;
    }
    lcmp_error_clear(&inner);
    if (lcmp__tag_parse(&tag,
                        git_odb_object_data(obj),
                        git_odb_object_size(obj),
                        name,
                        &inner) < 0)
    {
        rc = lcmp__error_set(
            err, LCMP_EVERIFY, name, NULL, "malformed tag: %s", inner.message);
        goto done;
    }
    if (strcmp(tag.name, name) != 0) {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             name,
                             NULL,
                             "the tag object is named '%s', not '%s' like "
                             "its ref",
                             tag.name,
                             name);
        goto done;
    }
    if (strcmp(tag.type, "commit") != 0) {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             name,
                             NULL,
                             "the tag points to a %s, not a commit",
                             tag.type);
        goto done;
    }
    /* the header's claim is checked against the object itself */
    if (git_oid_fromstr(&target, tag.object) < 0) {
        rc = lcmp__error_set(
            err, LCMP_EVERIFY, name, NULL, "malformed tag: bad object id");
        goto done;
    }
    grc = git_odb_read_header(&size, &type, odb, &target);
    if (grc < 0) {
        rc = git_fail(err, name, "cannot read the tagged commit");
        goto done;
    }
    if (type != GIT_OBJECT_COMMIT) {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             name,
                             NULL,
                             "the tag claims a commit but names a %s",
                             git_object_type2string(type));
        goto done;
    }
    memcpy(out->commit_id, tag.object, 41);

    if (tag.sig_kind == LCMP__TAG_SIG_NONE) {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             name,
                             NULL,
                             "unsigned tag: a release must be signed with "
                             "an SSH key (git tag -s, gpg.format=ssh)");
        goto done;
    }
    if (tag.sig_kind != LCMP__TAG_SIG_SSH) {
        rc = lcmp__error_set(err,
                             LCMP_EVERIFY,
                             name,
                             NULL,
                             "not an SSH signature (PGP or X.509): a release "
                             "must be signed with gpg.format=ssh");
        goto done;
    }
    lcmp_error_clear(&inner);
    rc = lcmp_sshsig_verify(&principal,
                            &fp,
                            signers,
                            tag.signature,
                            tag.signature_len,
                            tag.payload,
                            tag.payload_len,
                            "git",
                            NULL,
                            at,
                            &inner);
    if (rc < 0) {
        rc = lcmp__error_set(err,
                             rc == LCMP_ENOMEM ? LCMP_ENOMEM : LCMP_EVERIFY,
                             name,
                             NULL,
                             "signature refused: %s",
                             inner.message);
        goto done;
    }
    lcmp__strlcpy_left(out->signer,
                       sizeof(out->signer),
                       principal.ptr != NULL ? principal.ptr : "");
    lcmp__strlcpy_left(out->fingerprint,
                       sizeof(out->fingerprint),
                       fp.ptr != NULL ? fp.ptr : "");
    out->has_expires = tag.has_expires;
    out->expires = tag.expires;
    rc = 0;
done:
    lcmp_buf_dispose(&principal);
    lcmp_buf_dispose(&fp);
    git_odb_object_free(obj);
    git_odb_free(odb);
    return rc;
}
