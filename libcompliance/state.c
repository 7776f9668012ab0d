/*
 * The sync state file: strict loading, serialisation and atomic writes.
 *
 * Invariants: releases are kept in version order (oldest first) with
 * unique tag names; `current` is "" or names one of them; ids are 40
 * lowercase hex digits. The file is replaced atomically (temporary file,
 * fsync, rename, fsync of the directory), never edited in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json.h"
#include "state.h"
#include "tag.h"
#include "util.h"

void lcmp__state_init(lcmp__state *st)
{
    memset(st, 0, sizeof(*st));
}

void lcmp__state_dispose(lcmp__state *st)
{
    if (st == NULL) {
        return;
    }
    free(st->releases);
    free(st->remote);
    memset(st, 0, sizeof(*st));
}

lcmp__state_release *lcmp__state_find(const lcmp__state *st, const char *tag)
{
    size_t i;

    for (i = 0; i < st->count; i++) {
        if (strcmp(st->releases[i].tag, tag) == 0) {
            return &st->releases[i];
        }
    }
    return NULL;
}

int lcmp__state_add(lcmp__state *st,
                    const lcmp__state_release *r,
                    lcmp_error *err)
{
    size_t i;

    if (!lcmp__release_name_parse(NULL, r->tag)) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "'%s' is not a release name",
                               r->tag);
    }
    if (lcmp__state_find(st, r->tag) != NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "release '%s' is already recorded",
                               r->tag);
    }
    if (st->count >= LCMP__STATE_MAX_RELEASES) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               NULL,
                               NULL,
                               "more than %d releases",
                               LCMP__STATE_MAX_RELEASES);
    }
    if (st->count == st->alloc) {
        size_t n = st->alloc ? st->alloc * 2 : 8;
        lcmp__state_release *p = realloc(st->releases, n * sizeof(*p));

        if (p == NULL) {
            return lcmp__error_set(
                err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        }
        st->releases = p;
        st->alloc = n;
    }
    i = st->count;
    while (i > 0 && lcmp__release_name_cmp(st->releases[i - 1].tag, r->tag) > 0)
    {
        st->releases[i] = st->releases[i - 1];
        i--;
    }
    st->releases[i] = *r;
    st->count++;
    return 0;
}

int lcmp__state_set_remote(lcmp__state *st, const char *remote, lcmp_error *err)
{
    char *copy = NULL;

    if (remote != NULL && (copy = lcmp__strdup(remote)) == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    free(st->remote);
    st->remote = copy;
    return 0;
}

static int is_oid(const char *s)
{
    size_t i;

    for (i = 0; i < 40; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return s[40] == '\0';
}

static int
get_oid(char out[41], const json_t *obj, const char *key, lcmp__jpath *p)
{
    const char *s = NULL;
    int rc = lcmp__json_get_string(&s, obj, key, 1, p);

    if (rc < 0) {
        return rc;
    }
    if (!is_oid(s)) {
        return lcmp__jpath_error_at(p,
                                    key,
                                    LCMP_EPARSE,
                                    "expected a 40-digit lowercase hex "
                                    "object id");
    }
    memcpy(out, s, 41);
    return 0;
}

static int parse_release(lcmp__state *st, const json_t *v, lcmp__jpath *p)
{
    static const char *const allowed[] = {"tag",
                                          "tag_id",
                                          "commit_id",
                                          "first_seen",
                                          "verified",
                                          "signer",
                                          "expires",
                                          NULL};
    lcmp__state_release r;
    const char *s = NULL;
    int verified = 0, rc;

    memset(&r, 0, sizeof(r));
    if ((rc = lcmp__json_expect_object(v, allowed, p)) < 0) {
        return rc;
    }
    if ((rc = lcmp__json_get_string(&s, v, "tag", 1, p)) < 0) {
        return rc;
    }
    if (!lcmp__release_name_parse(NULL, s)) {
        return lcmp__jpath_error_at(p,
                                    "tag",
                                    LCMP_EPARSE,
                                    "'%s' is not a release name "
                                    "(vYYYY.N or vMAJOR.MINOR.PATCH)",
                                    s);
    }
    memcpy(r.tag, s, strlen(s) + 1);
    if (lcmp__state_find(st, r.tag) != NULL) {
        return lcmp__jpath_error_at(
            p, "tag", LCMP_EPARSE, "duplicate release '%s'", r.tag);
    }
    if ((rc = get_oid(r.tag_id, v, "tag_id", p)) < 0 ||
        (rc = get_oid(r.commit_id, v, "commit_id", p)) < 0)
    {
        return rc;
    }
    s = NULL;
    if ((rc = lcmp__json_get_string(&s, v, "first_seen", 1, p)) < 0) {
        return rc;
    }
    if (lcmp_time_parse(&r.first_seen, s, NULL) < 0) {
        return lcmp__jpath_error_at(
            p, "first_seen", LCMP_EPARSE, "expected an RFC 3339 time");
    }
    if ((rc = lcmp__json_get_bool(&verified, v, "verified", 1, p)) < 0) {
        return rc;
    }
    r.verified = verified;
    s = NULL;
    if ((rc = lcmp__json_get_string(&s, v, "signer", 0, p)) < 0) {
        return rc;
    }
    if (s != NULL) {
        if (strlen(s) >= sizeof(r.signer)) {
            return lcmp__jpath_error_at(p,
                                        "signer",
                                        LCMP_EPARSE,
                                        "longer than %zu bytes",
                                        sizeof(r.signer) - 1);
        }
        memcpy(r.signer, s, strlen(s) + 1);
    }
    if ((rc = lcmp__json_get_date(&r.expires, v, "expires", 0, p)) < 0) {
        return rc;
    }
    r.has_expires = json_object_get(v, "expires") != NULL;
    return lcmp__state_add(st, &r, p->err) < 0 ? LCMP_EPARSE : 0;
}

int lcmp__state_parse(lcmp__state *st,
                      const uint8_t *buf,
                      size_t len,
                      const char *source,
                      lcmp_error *err)
{
    static const char *const allowed[] = {
        "schema", "remote", "current", "releases", NULL};
    lcmp__json_limits lim = {LCMP__STATE_MAX_SIZE, 8};
    json_t *doc = NULL, *arr = NULL;
    const char *s = NULL;
    lcmp__jpath p;
    size_t i, mark;
    int rc = LCMP_ERROR;

    lcmp__state_init(st);
    lcmp__jpath_init(&p, source, err);
    rc = lcmp__json_parse(&doc, buf, len, source, &lim, err);
    if (rc < 0) {
        goto done;
    }
    if ((rc = lcmp__json_expect_object(doc, allowed, &p)) < 0) {
        goto done;
    }
    if ((rc = lcmp__json_get_string(&s, doc, "schema", 1, &p)) < 0) {
        goto done;
    }
    if (strcmp(s, LCMP__STATE_SCHEMA) != 0) {
        rc = lcmp__jpath_error_at(&p,
                                  "schema",
                                  LCMP_EPARSE,
                                  "unknown schema '%s' (expected '%s')",
                                  s,
                                  LCMP__STATE_SCHEMA);
        goto done;
    }
    s = NULL;
    if ((rc = lcmp__json_get_string(&s, doc, "remote", 0, &p)) < 0) {
        goto done;
    }
    if (s != NULL && (rc = lcmp__state_set_remote(st, s, err)) < 0) {
        goto done;
    }
    if ((rc = lcmp__json_get_array(&arr, doc, "releases", 1, &p)) < 0) {
        goto done;
    }
    if (json_array_size(arr) > LCMP__STATE_MAX_RELEASES) {
        rc = lcmp__jpath_error_at(&p,
                                  "releases",
                                  LCMP_ELIMIT,
                                  "more than %d releases",
                                  LCMP__STATE_MAX_RELEASES);
        goto done;
    }
    mark = lcmp__jpath_push(&p, "releases");
    for (i = 0; i < json_array_size(arr); i++) {
        size_t m = lcmp__jpath_push_index(&p, i);

        if ((rc = parse_release(st, json_array_get(arr, i), &p)) < 0) {
            goto done;
        }
        lcmp__jpath_pop(&p, m);
    }
    lcmp__jpath_pop(&p, mark);
    s = NULL;
    if ((rc = lcmp__json_get_string(&s, doc, "current", 0, &p)) < 0) {
        goto done;
    }
    if (s != NULL) {
        if (lcmp__state_find(st, s) == NULL) {
            rc = lcmp__jpath_error_at(&p,
                                      "current",
                                      LCMP_EPARSE,
                                      "current release '%s' is not among "
                                      "the releases",
                                      s);
            goto done;
        }
        memcpy(st->current, s, strlen(s) + 1);
    }
    rc = 0;
done:
    json_decref(doc);
    if (rc < 0) {
        lcmp__state_dispose(st);
    }
    return rc;
}

int lcmp__state_load(lcmp__state *st, const char *path, lcmp_error *err)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    int rc;

    lcmp__state_init(st);
    rc = lcmp__file_read(&buf, path, LCMP__STATE_MAX_SIZE, err);
    if (rc == 0) {
        rc = lcmp__state_parse(
            st, (const uint8_t *)buf.ptr, buf.size, path, err);
    }
    lcmp_buf_dispose(&buf);
    return rc;
}

static int set_new(json_t *obj, const char *key, json_t *v)
{
    return v == NULL ? -1 : json_object_set_new(obj, key, v);
}

int lcmp__state_to_json(lcmp_buf *out, const lcmp__state *st, lcmp_error *err)
{
    json_t *doc = NULL, *arr = NULL, *r = NULL;
    char *text = NULL;
    char when[21], date[11];
    size_t i;
    int bad = 0, rc = LCMP_ERROR;

    doc = json_object();
    arr = json_array();
    if (doc == NULL || arr == NULL) {
        json_decref(arr);
        goto oom;
    }
    bad |= set_new(doc, "schema", json_string(LCMP__STATE_SCHEMA));
    if (st->remote != NULL) {
        bad |= set_new(doc, "remote", json_string(st->remote));
    }
    if (st->current[0] != '\0') {
        bad |= set_new(doc, "current", json_string(st->current));
    }
    bad |= set_new(doc, "releases", arr);
    for (i = 0; i < st->count && !bad; i++) {
        const lcmp__state_release *x = &st->releases[i];

        r = json_object();
        if (r == NULL || json_array_append_new(arr, r) < 0) {
            goto oom;
        }
        lcmp_time_format(when, x->first_seen);
        bad |= set_new(r, "tag", json_string(x->tag));
        bad |= set_new(r, "tag_id", json_string(x->tag_id));
        bad |= set_new(r, "commit_id", json_string(x->commit_id));
        bad |= set_new(r, "first_seen", json_string(when));
        bad |= set_new(r, "verified", json_boolean(x->verified));
        if (x->signer[0] != '\0') {
            bad |= set_new(r, "signer", json_string(x->signer));
        }
        if (x->has_expires) {
            lcmp__date_format(date, x->expires);
            bad |= set_new(r, "expires", json_string(date));
        }
    }
    if (bad) {
        goto oom;
    }
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL) {
        goto oom;
    }
    lcmp__buf_clear(out);
    if (lcmp__buf_puts(out, text) < 0 || lcmp__buf_puts(out, "\n") < 0) {
        goto oom;
    }
    rc = 0;
    goto done;
oom:
    rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
done:
    free(text);
    json_decref(doc);
    return rc;
}

int lcmp__state_save(const lcmp__state *st, const char *path, lcmp_error *err)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    int rc;

    rc = lcmp__state_to_json(&buf, st, err);
    if (rc == 0) {
        rc = lcmp_file_write_atomic(
            path, buf.ptr, buf.size, 0644, LCMP_WRITE_F_REPLACE, err);
    }
    lcmp_buf_dispose(&buf);
    return rc;
}
