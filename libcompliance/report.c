/*
 * The sector-wide report: verify many statements on a small thread pool
 * and aggregate the latest valid statement of each organisation.
 *
 * Invariants: every statement goes through lcmp_verify() with the
 * report's keyring and release lookup, nothing is counted that did not
 * verify; per-control results are those lcmp_verify() read from the very
 * payload whose signature verified, merged only for a statement that
 * replaces its organisation's summary; each worker owns its verification
 * objects (and so its OpenSSL contexts) and its batch of read buffers; the
 * shared mutable state is the report, changed under its `lock` by
 * lcmp__report_merge(), and a pool's queue of work under the pool's own
 * lock. Memory is per organisation and per control, never per statement:
 * a statement's bytes are let go of as soon as it is merged (a worker holds
 * at most WALK_BATCH statements read and not yet verified, and keeps their
 * buffers for the next ones up to 64 KiB each).
 */
/* glibc declares dirent's d_type (DT_*) only with its default features;
 * where d_type is missing, entry_kind() falls back to fstatat(). */
#define _DEFAULT_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsse.h"
#include "rpt.h"
#include "stmt.h"
#include "util.h"

/* Largest statement file read: a 16 MiB payload in base64 + signatures. */
#define MAX_ENVELOPE ((size_t)24 * 1024 * 1024)
#define MAX_THREADS  64u

int lcmp_report_options_init(lcmp_report_options *opts, unsigned int version)
{
    lcmp_report_options init = LCMP_REPORT_OPTIONS_INIT;

    if (opts == NULL || version != LCMP_REPORT_OPTIONS_VERSION) {
        return LCMP_EINVALID;
    }
    *opts = init;
    return 0;
}

/*
 * Hash tables (open addressing, FNV-1a): organisation id -> index,
 * control id -> index.
 */

static size_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;

    while (*s != '\0') {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

static int index_rebuild(size_t **slots,
                         size_t *nslots,
                         size_t want,
                         const char *(*key)(const lcmp_report *, size_t),
                         const lcmp_report *r,
                         size_t count)
{
    size_t n = 64, i, *t;

    while (n < want * 2) {
        n *= 2;
    }
    t = calloc(n, sizeof(*t));
    if (t == NULL) {
        return LCMP_ENOMEM;
    }
    for (i = 0; i < count; i++) {
        size_t h = hash_str(key(r, i)) & (n - 1);
        while (t[h] != 0) {
            h = (h + 1) & (n - 1);
        }
        t[h] = i + 1;
    }
    free(*slots);
    *slots = t;
    *nslots = n;
    return 0;
}

static const char *org_key(const lcmp_report *r, size_t i)
{
    return r->orgs[i]->id;
}

static const char *control_key(const lcmp_report *r, size_t i)
{
    return r->controls[i].id;
}

/* Index + 1 of `id`, or 0. */
static size_t index_find(const size_t *slots,
                         size_t nslots,
                         const char *id,
                         const char *(*key)(const lcmp_report *, size_t),
                         const lcmp_report *r)
{
    size_t h;

    if (nslots == 0) {
        return 0;
    }
    h = hash_str(id) & (nslots - 1);
    while (slots[h] != 0) {
        if (strcmp(key(r, slots[h] - 1), id) == 0) {
            return slots[h];
        }
        h = (h + 1) & (nslots - 1);
    }
    return 0;
}

static int set_str(char **dst, const char *src)
{
    char *s = lcmp__strdup(src != NULL ? src : "");

    if (s == NULL) {
        return LCMP_ENOMEM;
    }
    free(*dst);
    *dst = s;
    return 0;
}

static void org_sync_pub(lcmp__rpt_org *o)
{
    o->pub.id = o->id;
    o->pub.name = o->name;
    o->pub.reason = o->reason;
    o->pub.source = o->source;
    o->pub.release = o->release;
    o->pub.profile = o->profile;
}

static void org_free(lcmp__rpt_org *o)
{
    if (o == NULL) {
        return;
    }
    free(o->id);
    free(o->text);
    free(o->states);
    free(o);
}

/* The organisation `id`, added (missing) if new; NULL when out of memory. */
static lcmp__rpt_org *org_get(lcmp_report *r, const char *id)
{
    size_t at = index_find(r->org_index, r->org_slots, id, org_key, r);
    lcmp__rpt_org *o;

    if (at != 0) {
        return r->orgs[at - 1];
    }
    if (r->norgs == r->aorgs) {
        size_t n = r->aorgs != 0 ? r->aorgs * 2 : 16;
        lcmp__rpt_org **p = realloc(r->orgs, n * sizeof(*p));
        if (p == NULL) {
            return NULL;
        }
        r->orgs = p;
        r->aorgs = n;
    }
    o = calloc(1, sizeof(*o));
    if (o == NULL || set_str(&o->id, id) != 0) {
        org_free(o);
        return NULL;
    }
    o->name = o->source = o->release = o->profile = "";
    o->reason = "no statement";
    o->pub.status = LCMP_ORG_MISSING;
    org_sync_pub(o);
    r->orgs[r->norgs++] = o;
    if (r->norgs * 2 > r->org_slots) {
        if (index_rebuild(
                &r->org_index, &r->org_slots, r->norgs, org_key, r, r->norgs) !=
            0)
        {
            r->norgs--;
            org_free(o);
            return NULL;
        }
    } else {
        size_t h = hash_str(id) & (r->org_slots - 1);
        while (r->org_index[h] != 0) {
            h = (h + 1) & (r->org_slots - 1);
        }
        r->org_index[h] = r->norgs;
    }
    return o;
}

/* Index of control `id` (added if new), or (size_t)-1 when out of memory. */
static size_t control_get(lcmp_report *r, const char *id, const char *family)
{
    size_t at =
        index_find(r->control_index, r->control_slots, id, control_key, r);
    lcmp__rpt_control *c;

    if (at != 0) {
        c = &r->controls[at - 1];
        if (c->family[0] == '\0' && family != NULL && family[0] != '\0') {
            if (set_str(&c->family, family) != 0) {
                return (size_t)-1;
            }
        }
        return at - 1;
    }
    if (r->ncontrols == r->acontrols) {
        size_t n = r->acontrols != 0 ? r->acontrols * 2 : 64;
        lcmp__rpt_control *p = realloc(r->controls, n * sizeof(*p));
        if (p == NULL) {
            return (size_t)-1;
        }
        r->controls = p;
        r->acontrols = n;
    }
    c = &r->controls[r->ncontrols];
    c->id = NULL;
    c->family = NULL;
    if (set_str(&c->id, id) != 0 || set_str(&c->family, family) != 0) {
        free(c->id);
        free(c->family);
        return (size_t)-1;
    }
    r->ncontrols++;
    if (index_rebuild(&r->control_index,
                      &r->control_slots,
                      r->ncontrols,
                      control_key,
                      r,
                      r->ncontrols) != 0)
    {
        r->ncontrols--;
        free(c->id);
        free(c->family);
        return (size_t)-1;
    }
    return r->ncontrols - 1;
}

int lcmp_report_new(lcmp_report **out,
                    const lcmp_report_options *opts,
                    lcmp_error *err)
{
    lcmp_report *r = NULL;
    size_t i;
    int rc = LCMP_ERROR;

    if (out == NULL || opts == NULL ||
        opts->version != LCMP_REPORT_OPTIONS_VERSION || opts->keyring == NULL ||
        opts->release == NULL ||
        (opts->expected == NULL && opts->expected_count != 0))
    {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "a report needs a keyring and a release "
                               "lookup");
    }
    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    r->opts = *opts;
    if (pthread_mutex_init(&r->lock, NULL) != 0) {
        free(r);
        return lcmp__error_set(
            err, LCMP_ERROR, NULL, NULL, "cannot create a mutex");
    }
    for (i = 0; i < opts->expected_count; i++) {
        lcmp__rpt_org *o = org_get(r, opts->expected[i]);
        if (o == NULL) {
            rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
            goto done;
        }
        o->expected = true;
    }
    *out = r;
    r = NULL;
    rc = 0;

done:
    lcmp_report_free(r);
    return rc;
}

static void rows_free(lcmp_report *r)
{
    size_t i;

    free(r->rows);
    r->rows = NULL;
    r->nrows = 0;
    for (i = 0; i < r->nfamilies; i++) {
        free(r->family_ids[i]);
    }
    free(r->family_ids);
    free(r->families);
    r->family_ids = NULL;
    r->families = NULL;
    r->nfamilies = 0;
}

void lcmp_report_free(lcmp_report *r)
{
    size_t i;

    if (r == NULL) {
        return;
    }
    rows_free(r);
    for (i = 0; i < r->norgs; i++) {
        org_free(r->orgs[i]);
    }
    free(r->orgs);
    free(r->org_index);
    for (i = 0; i < r->ncontrols; i++) {
        free(r->controls[i].id);
        free(r->controls[i].family);
    }
    free(r->controls);
    free(r->control_index);
    free(r->last);
    for (i = 0; i < r->nrefused; i++) {
        free(r->refused[i].source);
        free(r->refused[i].reason);
    }
    free(r->refused);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/*
 * Merging
 */

/* Whether a statement (time t, source s) is preferred over what `o`
 * holds: later evaluation time, or the same time and a smaller source. */
static bool newer(const lcmp__rpt_org *o, int64_t t, const char *s)
{
    if (o->pub.evaluated_at != t) {
        return t > o->pub.evaluated_at;
    }
    return strcmp(s, o->source) < 0;
}

bool lcmp__report_wants(lcmp_report *r,
                        const lcmp_statement_info *info,
                        const char *source)
{
    size_t at;
    bool wants = true;

    pthread_mutex_lock(&r->lock);
    at = index_find(
        r->org_index, r->org_slots, info->organisation_id, org_key, r);
    if (at != 0) {
        const lcmp__rpt_org *o = r->orgs[at - 1];
        wants = o->pub.status != LCMP_ORG_VALID ||
                newer(o, info->evaluated_at, source);
    }
    pthread_mutex_unlock(&r->lock);
    return wants;
}

static int add_refused(lcmp_report *r, const char *source, const char *reason)
{
    lcmp__rpt_refused *x;

    if (r->nrefused == r->arefused) {
        size_t n = r->arefused != 0 ? r->arefused * 2 : 8;
        lcmp__rpt_refused *p = realloc(r->refused, n * sizeof(*p));
        if (p == NULL) {
            return LCMP_ENOMEM;
        }
        r->refused = p;
        r->arefused = n;
    }
    x = &r->refused[r->nrefused];
    x->source = lcmp__strdup(source);
    x->reason = lcmp__strdup(reason);
    if (x->source == NULL || x->reason == NULL) {
        free(x->source);
        free(x->reason);
        return LCMP_ENOMEM;
    }
    r->nrefused++;
    return 0;
}

/* An organisation's strings from the statement counted for it, in one
 * block (one allocation per statement merged, not five); the name stays
 * when the statement gives none. */
static int set_org(lcmp__rpt_org *o, const lcmp__rpt_entry *e)
{
    const lcmp_statement_info *in = e->info;
    const char *v[5];
    const char **at[5];
    size_t len[5], total = 0, i;
    char *text, *p;

    v[0] = in->organisation_name != NULL && in->organisation_name[0] != '\0'
               ? in->organisation_name
               : o->name;
    v[1] = e->status == LCMP_ORG_VALID || e->reason == NULL ? "" : e->reason;
    v[2] = e->source != NULL ? e->source : "";
    v[3] = in->release != NULL ? in->release : "";
    v[4] = in->profile != NULL ? in->profile : "";
    at[0] = &o->name;
    at[1] = &o->reason;
    at[2] = &o->source;
    at[3] = &o->release;
    at[4] = &o->profile;
    for (i = 0; i < 5; i++) {
        len[i] = strlen(v[i]);
        total += len[i] + 1;
    }
    text = malloc(total);
    if (text == NULL) {
        return LCMP_ENOMEM;
    }
    for (i = 0, p = text; i < 5; i++) {
        memcpy(p, v[i], len[i] + 1); /* v[0] may be in the old block */
        *at[i] = p;
        p += len[i] + 1;
    }
    free(o->text);
    o->text = text;
    o->pub.status = e->status;
    o->pub.evaluated_at = in->evaluated_at;
    o->pub.valid_until = in->valid_until;
    memset(&o->pub.summary, 0, sizeof(o->pub.summary));
    if (e->status == LCMP_ORG_VALID) {
        o->pub.summary = in->summary;
    }
    org_sync_pub(o);
    return 0;
}

/* Results of one statement handled without allocating, at most. */
#define MERGE_ON_STACK 128

/* Keep the controls of a statement's results, in order, for the next
 * merge to try first (a hint only: not kept when out of memory). */
static void remember_order(lcmp_report *r, const size_t *idx, size_t n)
{
    if (n > r->alast) {
        size_t *p = realloc(r->last, n * sizeof(*p));
        if (p == NULL) {
            r->nlast = 0;
            return;
        }
        r->last = p;
        r->alast = n;
    }
    memcpy(r->last, idx, n * sizeof(*idx));
    r->nlast = n;
}

static int merge_locked(lcmp_report *r, const lcmp__rpt_entry *e)
{
    lcmp__rpt_org *o;
    size_t i, *idx = NULL, on_stack[MERGE_ON_STACK];
    uint8_t *states;
    int rc;

    r->statements++;
    if (e->info == NULL) {
        return add_refused(r, e->source, e->reason != NULL ? e->reason : "");
    }
    o = org_get(r, e->info->organisation_id);
    if (o == NULL) {
        return LCMP_ENOMEM;
    }
    if (e->status != LCMP_ORG_VALID) {
        if (o->pub.status == LCMP_ORG_VALID ||
            (o->pub.status != LCMP_ORG_MISSING &&
             !newer(o, e->info->evaluated_at, e->source)))
        {
            return 0;
        }
        free(o->states);
        o->states = NULL;
        o->nstates = 0;
        return set_org(o, e);
    }
    if (o->pub.status == LCMP_ORG_VALID &&
        !newer(o, e->info->evaluated_at, e->source))
    {
        return 0;
    }
    idx = e->nresults <= MERGE_ON_STACK ? on_stack
                                        : malloc(e->nresults * sizeof(*idx));
    if (idx == NULL) {
        return LCMP_ENOMEM;
    }
    for (i = 0; i < e->nresults; i++) {
        const lcmp__rpt_result *res = &e->results[i];
        size_t h = i < r->nlast ? r->last[i] : SIZE_MAX;

        if (h < r->ncontrols && strcmp(r->controls[h].id, res->control) == 0 &&
            (r->controls[h].family[0] != '\0' || res->family == NULL ||
             res->family[0] == '\0'))
        {
            idx[i] = h; /* as control_get() would find it */
            continue;
        }
        idx[i] = control_get(r, res->control, res->family);
        if (idx[i] == (size_t)-1) {
            if (idx != on_stack) {
                free(idx);
            }
            return LCMP_ENOMEM;
        }
    }
    remember_order(r, idx, e->nresults);
    states = malloc(r->ncontrols != 0 ? r->ncontrols : 1);
    if (states == NULL) {
        if (idx != on_stack) {
            free(idx);
        }
        return LCMP_ENOMEM;
    }
    memset(states, LCMP__RPT_ABSENT, r->ncontrols);
    for (i = 0; i < e->nresults; i++) {
        states[idx[i]] = (uint8_t)e->results[i].state;
    }
    if (idx != on_stack) {
        free(idx);
    }
    rc = set_org(o, e);
    if (rc < 0) {
        free(states);
        return rc;
    }
    free(o->states);
    o->states = states;
    o->nstates = r->ncontrols;
    return 0;
}

int lcmp__report_merge(lcmp_report *r,
                       const lcmp__rpt_entry *e,
                       lcmp_error *err)
{
    int rc;

    pthread_mutex_lock(&r->lock);
    rc = merge_locked(r, e);
    pthread_mutex_unlock(&r->lock);
    if (rc < 0) {
        return lcmp__error_set(err, rc, e->source, NULL, "out of memory");
    }
    return 0;
}

/*
 * Verifying one statement
 */

/* The per-control results of a verified envelope, merged. */
static int merge_valid(lcmp_report *r,
                       const lcmp__statement *st,
                       const char *source,
                       const lcmp_statement_info *info,
                       lcmp_error *err)
{
    lcmp__rpt_result *res = NULL, on_stack[MERGE_ON_STACK];
    lcmp__rpt_entry e;
    size_t i;
    int rc;

    memset(&e, 0, sizeof(e));
    e.source = source;
    e.info = info;
    e.status = LCMP_ORG_VALID;
    res = st->nresults <= MERGE_ON_STACK ? on_stack
                                         : calloc(st->nresults, sizeof(*res));
    if (res == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
        goto done;
    }
    for (i = 0; i < st->nresults; i++) {
        res[i].control = st->results[i].control;
        res[i].family = st->results[i].family;
        res[i].state = st->results[i].state_code;
    }
    e.results = res;
    e.nresults = st->nresults;
    rc = lcmp__report_merge(r, &e, err);

done:
    if (res != on_stack) {
        free(res);
    }
    return rc;
}

static int merge_refused(lcmp_report *r,
                         const char *source,
                         lcmp_org_status_t status,
                         const char *reason,
                         const lcmp_statement_info *info,
                         lcmp_error *err)
{
    lcmp__rpt_entry e;

    memset(&e, 0, sizeof(e));
    e.source = source;
    e.status = status;
    e.reason = reason;
    e.info = info;
    return lcmp__report_merge(r, &e, err);
}

/* Verify one envelope and merge the outcome. */
static int add_one(lcmp_report *r,
                   const uint8_t *buf,
                   size_t len,
                   const char *source,
                   lcmp_error *err)
{
    lcmp_verify_options vo = LCMP_VERIFY_OPTIONS_INIT;
    lcmp_verification *v = NULL;
    const lcmp_statement_info *info;
    char reason[1024], line[600];
    lcmp_error e;
    int rc, s, failed = -1, nfailed = 0;

    vo.keyring = r->opts.keyring;
    vo.release = r->opts.release;
    vo.release_payload = r->opts.release_payload;
    vo.envelope_source = source;
    lcmp_error_clear(&e);
    rc = lcmp__verify_terse(&v, buf, len, r->opts.at, &vo, &e);
    if (rc == LCMP_EPARSE || rc == LCMP_ELIMIT) {
        lcmp_error_format(line, sizeof(line), &e);
        snprintf(reason, sizeof(reason), "envelope: %s", line);
        return merge_refused(r, source, LCMP_ORG_INVALID, reason, NULL, err);
    }
    if (rc < 0) {
        if (err != NULL) {
            *err = e;
        }
        return rc;
    }
    info = lcmp_verification_statement(v);
    if (lcmp_verification_valid(v) && info != NULL) {
        const lcmp__statement *st = lcmp__verification_parsed(v);

        rc = 0;
        if (st == NULL) {
            rc = lcmp__error_set(err,
                                 LCMP_ERROR,
                                 source,
                                 NULL,
                                 "verified statement without its results");
        } else if (lcmp__report_wants(r, info, source)) {
            /* the results of the bytes lcmp_verify() accepted */
            rc = merge_valid(r, st, source, info, err);
        } else {
            /* counted, but superseded by a newer statement already merged */
            pthread_mutex_lock(&r->lock);
            r->statements++;
            pthread_mutex_unlock(&r->lock);
        }
        lcmp_verification_free(v);
        return rc;
    }
    reason[0] = '\0';
    for (s = 0; s < LCMP_VSTEP_COUNT; s++) {
        const lcmp_verify_step *st = lcmp_verification_step(v, (lcmp_vstep_t)s);
        if (st->status == LCMP_VSTATUS_FAILED) {
            if (failed < 0) {
                failed = s;
                snprintf(
                    reason, sizeof(reason), "%s: %s", st->name, st->reason);
            }
            nfailed++;
        }
    }
    rc = merge_refused(r,
                       source,
                       nfailed == 1 && failed == LCMP_VSTEP_FRESHNESS
                           ? LCMP_ORG_EXPIRED
                           : LCMP_ORG_INVALID,
                       reason,
                       info,
                       err);
    lcmp_verification_free(v);
    return rc;
}

int lcmp_report_add(lcmp_report *r,
                    const uint8_t *envelope,
                    size_t len,
                    const char *source,
                    lcmp_error *err)
{
    if (r == NULL || envelope == NULL || source == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no report, statement or source given");
    }
    return add_one(r, envelope, len, source, err);
}

static unsigned int thread_count(const lcmp_report *r, size_t work)
{
    unsigned int n = r->opts.threads;

    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus > 0 ? (unsigned int)cpus : 1u;
    }
    if (n > MAX_THREADS) {
        n = MAX_THREADS;
    }
    if (work < n) {
        n = work > 0 ? (unsigned int)work : 1u;
    }
    return n;
}

/*
 * Statements in a directory tree: one pool of workers shares a stack of
 * work, each item a directory to list or a file to verify. A worker that
 * lists a directory pushes its subdirectories and its *.json files as it
 * reads them, so listing and verifying overlap and every core stays busy
 * whether the tree is one flat directory or a directory per organisation.
 * The stack is popped from the top (depth first), so it holds about one
 * directory listing per level, not the whole tree. Files are taken in no
 * particular order: the outcome does not depend on it (merging is
 * order-independent and refusals are sorted at the end).
 *
 * An entry is opened relative to its directory, which stays open while
 * items from it wait on the stack (a walk_dir, shared by counting): a path
 * is not looked up from the start again for every file, and a symbolic
 * link below the directory given is never followed, not even one put in
 * place of an entry after the listing (O_NOFOLLOW). The last few files of
 * a listing are read by the worker that listed them, while the directory
 * is open, rather than pushed, and verified with its batch (below).
 */
#define MAX_DEPTH      8
#define WALK_CHUNK     32 /* entries pushed at a time while listing */
#define WALK_INLINE    16 /* the most files a lister reads itself */
#define WALK_OPEN_DIRS 64 /* directories kept open for their items */

typedef struct walk_dir {
    int fd;
    unsigned refs; /* its lister and its items; under the walk's lock */
} walk_dir;

typedef struct walk_item {
    char *path;       /* as shown, and opened when there is no parent */
    walk_dir *parent; /* the open directory it is in, or NULL */
    size_t name;      /* where its name starts in path */
    unsigned depth;   /* 0: given by the caller, who may name a link */
    bool dir;
    uint8_t *bytes; /* a statement in memory (a feed's, a caller's), or NULL */
    size_t len;
    bool borrowed; /* bytes and path are the caller's: not freed */
} walk_item;

typedef struct walk {
    lcmp_report *r;
    walk_item *items;
    size_t n, alloc;
    unsigned busy;      /* workers holding an item, and a feed's producer */
    unsigned open_dirs; /* walk_dirs alive */
    unsigned max_open;  /* and at most */
    size_t queued;      /* bytes handed over by a feed, not yet verified */
    int rc;             /* first fatal error */
    lcmp_error err;
    pthread_mutex_t lock;
    pthread_cond_t more; /* items pushed, or the walk ended */
    pthread_t tids[MAX_THREADS];
    unsigned started; /* workers started besides the caller */
    unsigned workers; /* asked for, the caller included: set before any
                       * starts, read by them */
} walk;

/*
 * A worker's statements read but not verified yet. Going from the kernel
 * (listing, opening, reading) to OpenSSL (the signature check) and back
 * for every statement costs more than a run of reads followed by a run of
 * verifications, each finding its code and data still in the caches: up
 * to 8% of a report's time (0-8% in paired runs on the machine measured in
 * bench/README.md, where one statement per directory is the worst case). So a
 * worker reads up to WALK_BATCH statements (or WALK_BATCH_BYTES) before it
 * verifies them, while the stack holds enough work for the other workers;
 * near the end of a walk it verifies each one as soon as it is read, so
 * that no worker idles while another holds a batch. The bytes held are
 * bounded by the batch, never by the number of statements.
 */
#define WALK_BATCH       16
#define WALK_BATCH_BYTES ((size_t)1 << 20)
#define WALK_SLOT_KEEP   ((size_t)64 * 1024) /* a slot's buffer kept */

typedef struct walk_slot {
    char *path;   /* as shown; owned */
    lcmp_buf buf; /* the bytes read */
    int rc;       /* of the read: 0 or LCMP_E* */
    lcmp_error e; /* why the read failed */
} walk_slot;

typedef struct walk_batch {
    walk_slot slot[WALK_BATCH];
    size_t n;     /* slots in use */
    size_t bytes; /* read into them */
    bool now;     /* verify each statement as soon as it is read */
} walk_batch;

/* Open an item with `flags` added: relative to its directory when that
 * is open, and without following a link unless the caller named it. */
static int item_open(const walk_item *it, int flags)
{
    int fd;

    flags |= O_RDONLY | O_CLOEXEC | (it->depth > 0 ? O_NOFOLLOW : 0);
    do {
        fd = it->parent != NULL
                 ? openat(it->parent->fd, it->path + it->name, flags)
                 : open(it->path, flags);
    } while (fd < 0 && errno == EINTR);
    return fd;
}

/* Drop a reference to `dir` (under the walk's lock); the descriptor to
 * close (outside the lock) when it was the last, else -1. */
static int walk_unref(walk *w, walk_dir *dir)
{
    int fd;

    if (dir == NULL || --dir->refs > 0) {
        return -1;
    }
    fd = dir->fd;
    free(dir);
    w->open_dirs--;
    return fd;
}

/* Verify what one slot holds (or say why it could not be read), then let
 * go of it. 0 or a fatal LCMP_E*. */
static int slot_verify(lcmp_report *r, walk_slot *sl, lcmp_error *err)
{
    char line[600];
    int rc;

    if (sl->rc == LCMP_ENOMEM) {
        rc = sl->rc;
        if (err != NULL) {
            *err = sl->e;
        }
    } else if (sl->rc < 0) {
        snprintf(line, sizeof(line), "unreadable: %s", sl->e.message);
        rc = merge_refused(r, sl->path, LCMP_ORG_INVALID, line, NULL, err);
    } else {
        rc = add_one(
            r, (const uint8_t *)sl->buf.ptr, sl->buf.size, sl->path, err);
    }
    free(sl->path);
    sl->path = NULL;
    if (sl->buf.asize > WALK_SLOT_KEEP) {
        lcmp_buf_dispose(&sl->buf); /* one large file does not stay held */
    }
    return rc;
}

/* Verify the statements of `b`, in the order they were read; 0 or the
 * first fatal error, after which the rest are let go of unverified. */
static int batch_flush(lcmp_report *r, walk_batch *b, lcmp_error *err)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < b->n; i++) {
        if (rc == 0) {
            rc = slot_verify(r, &b->slot[i], err);
        } else {
            free(b->slot[i].path);
            b->slot[i].path = NULL;
        }
    }
    b->n = 0;
    b->bytes = 0;
    return rc;
}

static void batch_dispose(walk_batch *b)
{
    size_t i;

    for (i = 0; i < b->n; i++) {
        free(b->slot[i].path);
    }
    for (i = 0; i < WALK_BATCH; i++) {
        lcmp_buf_dispose(&b->slot[i].buf);
    }
    b->n = 0;
}

/* Read one file into the batch (the item's path goes with it), and verify
 * the batch when it is full or the walk wants statements verified now. */
static int
batch_read(lcmp_report *r, walk_batch *b, walk_item *it, lcmp_error *err)
{
    walk_slot *sl = &b->slot[b->n++];

    lcmp_error_clear(&sl->e);
    sl->rc =
        lcmp__file_readat(&sl->buf,
                          it->parent != NULL ? it->parent->fd : AT_FDCWD,
                          it->parent != NULL ? it->path + it->name : it->path,
                          it->path,
                          it->depth > 0 ? LCMP__READ_REGULAR : 0,
                          MAX_ENVELOPE,
                          &sl->e);
    sl->path = it->path;
    it->path = NULL;
    b->bytes += sl->buf.size;
    if (b->now || b->n == WALK_BATCH || b->bytes >= WALK_BATCH_BYTES) {
        return batch_flush(r, b, err);
    }
    return 0;
}

/* Whether an entry is one the walk reads: 1 a *.json regular file, 2 a
 * directory, 0 anything else (symbolic links included, never followed). */
static int entry_kind(int dir, const char *name, int type)
{
    struct stat sb;
    int kind;
    size_t n;

#ifdef DT_UNKNOWN
    kind = type == DT_REG       ? 1
           : type == DT_DIR     ? 2
           : type == DT_UNKNOWN ? -1
                                : 0;
#else
    (void)type;
    kind = -1;
#endif
    if (kind < 0) {
        if (fstatat(dir, name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            return 0;
        }
        kind = S_ISREG(sb.st_mode) ? 1 : S_ISDIR(sb.st_mode) ? 2 : 0;
    }
    n = strlen(name);
    if (kind == 1 && !(n > 5 && strcmp(name + n - 5, ".json") == 0)) {
        return 0;
    }
    return kind;
}

/* Move `n` items onto the shared stack and wake idle workers. */
static int walk_push(walk *w, walk_item *items, size_t n, walk_dir *parent)
{
    size_t i;
    int rc = 0;

    if (n == 0) {
        return 0;
    }
    pthread_mutex_lock(&w->lock);
    if (w->n + n > w->alloc) {
        size_t na = w->alloc != 0 ? w->alloc : 64;
        walk_item *p;
        while (na < w->n + n) {
            na *= 2;
        }
        p = realloc(w->items, na * sizeof(*p));
        if (p == NULL) {
            rc = LCMP_ENOMEM;
            goto done;
        }
        w->items = p;
        w->alloc = na;
    }
    memcpy(w->items + w->n, items, n * sizeof(*items));
    w->n += n;
    for (i = 0; i < n; i++) {
        w->queued += items[i].len; /* 0 but for a feed's */
    }
    if (parent != NULL) {
        parent->refs += (unsigned)n;
    }
    if (n > 1) {
        pthread_cond_broadcast(&w->more);
    } else {
        pthread_cond_signal(&w->more);
    }
done:
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/*
 * List `item`'s directory onto the stack, a few entries at a time so
 * that idle workers start on a large directory before it is all read,
 * and verify its last few files here. 0 or LCMP_E*.
 */
static int
walk_expand(walk *w, const walk_item *item, walk_batch *b, lcmp_error *err)
{
    walk_item chunk[WALK_CHUNK];
    size_t n = 0, i, k, dirlen = strlen(item->path);
    walk_dir *self = NULL, here;
    lcmp__dir dr;
    const char *name;
    int fd, type, got, rc = 0;

    fd = item_open(item, O_DIRECTORY);
    if (fd < 0 || lcmp__dir_begin(&dr, fd) != 0) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
        }
        return lcmp__error_set(err,
                               item->depth == 0 ? LCMP_ENOTFOUND : LCMP_EIO,
                               item->path,
                               NULL,
                               "cannot read the directory: %s",
                               strerror(e));
    }
    /* its items open their entries through it, up to a number of
     * directories open at once; past that, by path */
    pthread_mutex_lock(&w->lock);
    if (w->open_dirs < w->max_open && (self = malloc(sizeof(*self)))) {
        self->fd = fd;
        self->refs = 1;
        w->open_dirs++;
    }
    pthread_mutex_unlock(&w->lock);

    while (rc == 0 && (got = lcmp__dir_next(&dr, &name, &type)) != 0) {
        size_t namelen;
        char *path;
        int kind;

        if (got < 0) {
            rc = lcmp__error_set(err,
                                 LCMP_EIO,
                                 item->path,
                                 NULL,
                                 "cannot read the directory: %s",
                                 strerror(errno));
            break;
        }
        if (name[0] == '.') {
            continue; /* ., .., hidden files and .git */
        }
        kind = entry_kind(fd, name, type);
        if (kind == 0 || (kind == 2 && item->depth >= MAX_DEPTH)) {
            continue;
        }
        namelen = strlen(name);
        path = malloc(dirlen + namelen + 2);
        if (path == NULL) {
            rc = LCMP_ENOMEM;
            break;
        }
        memcpy(path, item->path, dirlen);
        path[dirlen] = '/';
        memcpy(path + dirlen + 1, name, namelen + 1);
        chunk[n] = (walk_item){.path = path,
                               .parent = self,
                               .name = dirlen + 1,
                               .depth = item->depth + 1,
                               .dir = kind == 2};
        if (++n == WALK_CHUNK) {
            rc = walk_push(w, chunk, n, self);
            n = rc == 0 ? 0 : n;
        }
    }
    lcmp__dir_end(&dr);
    if (rc == 0) {
        /* directories to the stack, a few files verified here */
        for (i = k = 0; i < n; i++) {
            if (chunk[i].dir) {
                walk_item t = chunk[k];
                chunk[k++] = chunk[i];
                chunk[i] = t;
            }
        }
        rc = walk_push(w, chunk, k, self);
        if (rc == 0) {
            memmove(chunk, chunk + k, (n - k) * sizeof(*chunk));
            n -= k;
        }
        if (rc == 0 && n > WALK_INLINE) {
            rc = walk_push(w, chunk, n, self);
            n = rc == 0 ? 0 : n;
        }
        here.fd = fd;
        here.refs = 1;
        for (i = 0; rc == 0 && i < n; i++) {
            chunk[i].parent = &here; /* open until this loop ends */
            rc = batch_read(w->r, b, &chunk[i], err);
        }
    }
    for (i = 0; i < n; i++) {
        free(chunk[i].path);
    }
    if (self != NULL) {
        pthread_mutex_lock(&w->lock);
        fd = walk_unref(w, self);
        pthread_mutex_unlock(&w->lock);
    }
    if (fd >= 0) {
        close(fd);
    }
    if (rc == LCMP_ENOMEM) {
        return lcmp__error_set(err, rc, item->path, NULL, "out of memory");
    }
    return rc;
}

/* Do one item (taken off the stack): list it, read it into the batch,
 * or verify the bytes it carries (`b` may be NULL for those); frees what
 * it owns. */
static int walk_do(walk *w, walk_item *item, walk_batch *b, lcmp_error *e)
{
    int rc;

    lcmp_error_clear(e);
    if (item->bytes != NULL) {
        rc = add_one(w->r, item->bytes, item->len, item->path, e);
    } else if (item->dir) {
        rc = walk_expand(w, item, b, e);
    } else {
        rc = batch_read(w->r, b, item, e);
    }
    if (!item->borrowed) {
        free(item->bytes);
        free(item->path);
    }
    return rc;
}

/* Verify a worker's batch (under the walk's lock when called, released
 * meanwhile); a fatal error becomes the walk's. */
static void walk_flush(walk *w, walk_batch *b)
{
    lcmp_error e;
    int rc;

    pthread_mutex_unlock(&w->lock);
    rc = batch_flush(w->r, b, &e);
    pthread_mutex_lock(&w->lock);
    if (rc < 0 && w->rc == 0) {
        w->rc = rc;
        w->err = e;
        pthread_cond_broadcast(&w->more);
    }
}

static void *walk_worker(void *arg)
{
    walk *w = arg;
    walk_batch *b = calloc(1, sizeof(*b));
    lcmp_error e;

    pthread_mutex_lock(&w->lock);
    if (b == NULL) {
        if (w->rc == 0) {
            w->rc = lcmp__error_set(
                &w->err, LCMP_ENOMEM, NULL, NULL, "out of memory");
            pthread_cond_broadcast(&w->more);
        }
        pthread_mutex_unlock(&w->lock);
        return NULL;
    }
    for (;;) {
        walk_item item;
        int rc, done;

        if (w->rc == 0 && w->n == 0 && b->n > 0) {
            walk_flush(w, b); /* before waiting, or before the end */
            continue;
        }
        while (w->rc == 0 && w->n == 0 && w->busy > 0) {
            pthread_cond_wait(&w->more, &w->lock);
        }
        if (w->rc < 0 || w->n == 0) {
            break; /* a fatal error, or nothing left and nobody listing */
        }
        item = w->items[--w->n];
        w->queued -= item.len;
        w->busy++;
        /* batches while the other workers have enough to do */
        b->now = w->n < WALK_BATCH * (size_t)w->workers;
        pthread_mutex_unlock(&w->lock);

        rc = walk_do(w, &item, b, &e);

        pthread_mutex_lock(&w->lock);
        w->busy--;
        done = walk_unref(w, item.parent);
        if (rc < 0 && w->rc == 0) {
            w->rc = rc;
            w->err = e;
        }
        if (w->rc < 0 || (w->n == 0 && w->busy == 0)) {
            pthread_cond_broadcast(&w->more); /* the walk is over */
        }
        if (done >= 0) {
            pthread_mutex_unlock(&w->lock);
            close(done);
            pthread_mutex_lock(&w->lock);
        }
    }
    pthread_mutex_unlock(&w->lock);
    batch_dispose(b); /* after a fatal error, what was read is let go */
    free(b);
    return NULL;
}

/* Free the items never taken (after a fatal error) and the stack. */
static void walk_dispose(walk *w)
{
    while (w->n > 0) {
        walk_item *it = &w->items[--w->n];
        int fd = walk_unref(w, it->parent);
        if (fd >= 0) {
            close(fd);
        }
        if (!it->borrowed) {
            free(it->path);
            free(it->bytes);
        }
    }
    free(w->items);
    w->items = NULL;
}

/* Start workers (the caller makes `threads`) on the walk; 0 or an error,
 * and then nothing is left to undo but walk_dispose(). */
static int walk_start(walk *w, unsigned int threads, lcmp_error *err)
{
    unsigned int i;

    lcmp_error_clear(&w->err);
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        return lcmp__error_set(
            err, LCMP_ERROR, NULL, NULL, "cannot create a mutex");
    }
    if (pthread_cond_init(&w->more, NULL) != 0) {
        pthread_mutex_destroy(&w->lock);
        return lcmp__error_set(
            err, LCMP_ERROR, NULL, NULL, "cannot create a condition variable");
    }
    w->started = 0;
    w->workers = threads;
    for (i = 1; i < threads; i++) {
        if (pthread_create(&w->tids[w->started], NULL, walk_worker, w) != 0) {
            break; /* fewer threads: the work still gets done */
        }
        w->started++;
    }
    return 0;
}

/* Work on the walk with its workers until it is done, then join them and
 * free it; 0 or the first fatal error. */
static int walk_end(walk *w, lcmp_error *err)
{
    unsigned int i;
    int rc;

    walk_worker(w);
    for (i = 0; i < w->started; i++) {
        pthread_join(w->tids[i], NULL);
    }
    pthread_cond_destroy(&w->more);
    pthread_mutex_destroy(&w->lock);
    rc = w->rc;
    if (rc < 0 && err != NULL) {
        *err = w->err;
    }
    walk_dispose(w);
    return rc;
}

/*
 * Run the walk over the `w->n` items already on its stack (owned by it)
 * on up to `threads` threads; 0 or the first fatal error.
 */
static int walk_run(walk *w, unsigned int threads, lcmp_error *err)
{
    int rc = walk_start(w, threads, err);

    if (rc < 0) {
        walk_dispose(w);
        return rc;
    }
    return walk_end(w, err);
}

int lcmp_report_add_dir(lcmp_report *r, const char *dir, lcmp_error *err)
{
    return lcmp__report_add_dir(r, dir, WALK_OPEN_DIRS, err);
}

int lcmp__report_add_dir(lcmp_report *r,
                         const char *dir,
                         unsigned open_dirs,
                         lcmp_error *err)
{
    char *root;
    walk w;

    if (r == NULL || dir == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no report or directory given");
    }
    memset(&w, 0, sizeof(w));
    w.r = r;
    w.max_open = open_dirs;
    w.items = malloc(64 * sizeof(*w.items));
    root = lcmp__strdup(dir);
    if (w.items == NULL || root == NULL) {
        free(w.items);
        free(root);
        return lcmp__error_set(err, LCMP_ENOMEM, dir, NULL, "out of memory");
    }
    w.alloc = 64;
    w.items[0] = (walk_item){.path = root, .dir = true};
    w.n = 1;
    return walk_run(&w, thread_count(r, SIZE_MAX), err);
}

int lcmp_report_add_files(lcmp_report *r,
                          const char *const *paths,
                          size_t count,
                          lcmp_error *err)
{
    size_t k;
    walk w;

    if (r == NULL || (paths == NULL && count != 0)) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no report or paths given");
    }
    for (k = 0; k < count; k++) {
        if (paths[k] == NULL) {
            return lcmp__error_set(
                err, LCMP_EINVALID, NULL, NULL, "path %zu is NULL", k);
        }
    }
    memset(&w, 0, sizeof(w));
    w.r = r;
    w.items = calloc(count != 0 ? count : 1, sizeof(*w.items));
    if (w.items == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    w.alloc = count != 0 ? count : 1;
    /* the stack is popped from the top: the first path goes last */
    for (k = count; k-- > 0;) {
        w.items[w.n].path = lcmp__strdup(paths[k]);
        if (w.items[w.n].path == NULL) {
            walk_dispose(&w);
            return lcmp__error_set(
                err, LCMP_ENOMEM, paths[k], NULL, "out of memory");
        }
        w.n++;
    }
    return walk_run(&w, thread_count(r, count), err);
}

/* Statements in memory (e.g. blobs): the walk's pool, over items that
 * borrow the caller's bytes and sources. */
int lcmp_report_add_buffers(lcmp_report *r,
                            const uint8_t *const *bufs,
                            const size_t *lens,
                            const char *const *sources,
                            size_t count,
                            lcmp_error *err)
{
    size_t k;
    walk w;

    if (r == NULL ||
        (count != 0 && (bufs == NULL || lens == NULL || sources == NULL)))
    {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no report or statements given");
    }
    for (k = 0; k < count; k++) {
        if (bufs[k] == NULL || sources[k] == NULL) {
            return lcmp__error_set(err,
                                   LCMP_EINVALID,
                                   NULL,
                                   NULL,
                                   "statement %zu has no bytes or source",
                                   k);
        }
    }
    memset(&w, 0, sizeof(w));
    w.r = r;
    w.items = calloc(count != 0 ? count : 1, sizeof(*w.items));
    if (w.items == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    w.alloc = count != 0 ? count : 1;
    /* the stack is popped from the top: the first statement goes last */
    for (k = count; k-- > 0; w.n++) {
        w.items[w.n].path = (char *)sources[k];
        w.items[w.n].bytes = (uint8_t *)bufs[k];
        w.items[w.n].len = lens[k];
        w.items[w.n].borrowed = true;
        w.queued += lens[k];
    }
    return walk_run(&w, thread_count(r, count), err);
}

/*
 * A feed: statements handed over one at a time by a producer on the
 * calling thread (report_repo.c, reading Git objects), verified by the
 * walk's workers as they come. The producer counts as busy until it
 * finishes, so workers wait for more instead of ending; when much is
 * waiting (FEED_ITEMS per thread, or FEED_BYTES) it verifies some itself,
 * so every core works and the memory held stays bounded.
 */
#define FEED_ITEMS 4
#define FEED_BYTES ((size_t)64 * 1024 * 1024)

struct lcmp__report_feed {
    walk w;
    unsigned int threads;
};

int lcmp__report_feed_start(lcmp__report_feed **out,
                            lcmp_report *r,
                            lcmp_error *err)
{
    lcmp__report_feed *f;
    int rc;

    *out = NULL;
    f = calloc(1, sizeof(*f));
    if (f == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    f->w.r = r;
    f->w.busy = 1; /* the producer */
    f->threads = thread_count(r, SIZE_MAX);
    if ((rc = walk_start(&f->w, f->threads, err)) < 0) {
        free(f);
        return rc;
    }
    *out = f;
    return 0;
}

int lcmp__report_feed_add(lcmp__report_feed *f,
                          uint8_t *bytes,
                          size_t len,
                          char *source,
                          lcmp_error *err)
{
    walk *w = &f->w;
    walk_item item;
    int rc;

    if (bytes == NULL || source == NULL) {
        free(bytes);
        free(source);
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no statement or source given");
    }
    memset(&item, 0, sizeof(item));
    item.path = source;
    item.bytes = bytes;
    item.len = len;
    pthread_mutex_lock(&w->lock);
    rc = w->rc;
    pthread_mutex_unlock(&w->lock);
    if (rc == 0 && (rc = walk_push(w, &item, 1, NULL)) < 0) {
        pthread_mutex_lock(&w->lock);
        if (w->rc == 0) {
            w->rc = rc;
            lcmp__error_set(&w->err, rc, NULL, NULL, "out of memory");
            pthread_cond_broadcast(&w->more);
        }
        pthread_mutex_unlock(&w->lock);
    }
    if (rc < 0) {
        free(bytes);
        free(source);
    }
    pthread_mutex_lock(&w->lock);
    /* too much waiting: verify from the top of the stack here */
    while (w->rc == 0 && w->n > 0 &&
           (w->n > FEED_ITEMS * (size_t)f->threads || w->queued > FEED_BYTES))
    {
        lcmp_error e;
        item = w->items[--w->n];
        w->queued -= item.len;
        pthread_mutex_unlock(&w->lock);
        rc = walk_do(w, &item, NULL, &e); /* in memory: no batch */
        pthread_mutex_lock(&w->lock);
        if (rc < 0 && w->rc == 0) {
            w->rc = rc;
            w->err = e;
            pthread_cond_broadcast(&w->more);
        }
    }
    rc = w->rc;
    if (rc < 0 && err != NULL) {
        *err = w->err;
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

size_t lcmp__report_feed_waiting(lcmp__report_feed *f)
{
    size_t n;

    pthread_mutex_lock(&f->w.lock);
    n = f->w.n;
    pthread_mutex_unlock(&f->w.lock);
    return n;
}

int lcmp__report_feed_finish(lcmp__report_feed *f, lcmp_error *err)
{
    int rc;

    if (f == NULL) {
        return 0;
    }
    pthread_mutex_lock(&f->w.lock);
    f->w.busy--; /* the producer is done: it works through what is left */
    pthread_cond_broadcast(&f->w.more);
    pthread_mutex_unlock(&f->w.lock);
    rc = walk_end(&f->w, err);
    free(f);
    return rc;
}

/*
 * Aggregation
 *//*
 * Aggregation
 */

static int cmp_org(const void *a, const void *b)
{
    return strcmp((*(lcmp__rpt_org *const *)a)->id,
                  (*(lcmp__rpt_org *const *)b)->id);
}

static int cmp_row(const void *a, const void *b)
{
    const lcmp_report_row *x = a, *y = b;
    int c;

    if (x->headline != y->headline) {
        return x->headline ? -1 : 1;
    }
    if (x->headline) {
        return 0; /* kept in manifest order (stable pass below) */
    }
    c = strcmp(x->family, y->family);
    return c != 0 ? c : strcmp(x->id, y->id);
}

static int cmp_refused(const void *a, const void *b)
{
    const lcmp__rpt_refused *x = a, *y = b;
    int c = strcmp(x->source, y->source);

    return c != 0 ? c : strcmp(x->reason, y->reason);
}

int lcmp_report_finish(lcmp_report *r, lcmp_error *err)
{
    const lcmp_baseline *b;
    size_t i, j, nhead = 0;
    int rc = LCMP_ENOMEM;

    if (r == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no report given");
    }
    b = r->opts.baseline;
    rows_free(r);
    /* statements are verified in parallel, so refusals arrive in any
     * order: sort them for the same output on every run */
    if (r->nrefused > 1) {
        qsort(r->refused, r->nrefused, sizeof(*r->refused), cmp_refused);
    }
    if (r->norgs != 0) {
        qsort(r->orgs, r->norgs, sizeof(*r->orgs), cmp_org);
        if (index_rebuild(
                &r->org_index, &r->org_slots, r->norgs, org_key, r, r->norgs) !=
            0)
        {
            goto fail;
        }
    }
    /* headline controls exist in the table even when no statement has
     * them, so that they are always shown */
    if (b != NULL) {
        nhead = lcmp_baseline_headline_count(b);
        for (i = 0; i < nhead; i++) {
            if (control_get(r, lcmp_baseline_headline(b, i), "") == (size_t)-1)
            {
                goto fail;
            }
        }
    }
    r->rows = calloc(r->ncontrols + 1, sizeof(*r->rows));
    r->families = calloc(r->ncontrols + 1, sizeof(*r->families));
    r->family_ids = calloc(r->ncontrols + 1, sizeof(*r->family_ids));
    if (r->rows == NULL || r->families == NULL || r->family_ids == NULL) {
        goto fail;
    }
    for (i = 0; i < r->ncontrols; i++) {
        r->rows[i].id = r->controls[i].id;
        r->rows[i].family = r->controls[i].family;
    }
    /* one pass over the organisations, each one's states in a row (not
     * one pass per control: a sector's organisations do not fit in a
     * cache) */
    for (j = 0; j < r->norgs; j++) {
        const lcmp__rpt_org *o = r->orgs[j];
        size_t n = o->nstates < r->ncontrols ? o->nstates : r->ncontrols;
        if (o->pub.status != LCMP_ORG_VALID) {
            continue;
        }
        for (i = 0; i < n; i++) {
            if (o->states[i] != LCMP__RPT_ABSENT) {
                r->rows[i].counts[o->states[i]]++;
                r->rows[i].total++;
            }
        }
    }
    r->nrows = r->ncontrols;
    /* headline flag in manifest order: move them to the front in order */
    for (i = 0; i < nhead; i++) {
        const char *id = lcmp_baseline_headline(b, i);
        for (j = i; j < r->nrows; j++) {
            if (strcmp(r->rows[j].id, id) == 0 && !r->rows[j].headline) {
                lcmp_report_row t = r->rows[j];
                memmove(
                    &r->rows[i + 1], &r->rows[i], (j - i) * sizeof(*r->rows));
                t.headline = true;
                r->rows[i] = t;
                break;
            }
        }
    }
    if (r->nrows > nhead) {
        qsort(r->rows + nhead, r->nrows - nhead, sizeof(*r->rows), cmp_row);
    }
    /* families */
    for (i = 0; i < r->nrows; i++) {
        const lcmp_report_row *row = &r->rows[i];
        size_t s;
        if (row->family[0] == '\0') {
            continue;
        }
        for (j = 0; j < r->nfamilies; j++) {
            if (strcmp(r->family_ids[j], row->family) == 0) {
                break;
            }
        }
        if (j == r->nfamilies) {
            r->family_ids[j] = lcmp__strdup(row->family);
            if (r->family_ids[j] == NULL) {
                goto fail;
            }
            r->nfamilies++;
        }
        for (s = 0; s < 5; s++) {
            r->families[j].counts[s] += row->counts[s];
        }
        r->families[j].total += row->total;
    }
    for (j = 0; j < r->nfamilies; j++) {
        r->families[j].id = r->family_ids[j];
        r->families[j].family = r->family_ids[j];
    }
    /* sort families by id; family_ids are sorted with them */
    for (i = 1; i < r->nfamilies; i++) {
        for (j = i;
             j > 0 && strcmp(r->families[j - 1].id, r->families[j].id) > 0;
             j--) {
            lcmp_report_row t = r->families[j];
            char *ts = r->family_ids[j];
            r->families[j] = r->families[j - 1];
            r->family_ids[j] = r->family_ids[j - 1];
            r->families[j - 1] = t;
            r->family_ids[j - 1] = ts;
        }
    }
    return 0;

fail:
    rows_free(r);
    return lcmp__error_set(err, rc, NULL, NULL, "out of memory");
}

size_t lcmp_report_statement_count(const lcmp_report *r)
{
    return r != NULL ? r->statements : 0;
}

size_t lcmp_report_org_count(const lcmp_report *r)
{
    return r != NULL ? r->norgs : 0;
}

const lcmp_report_org *lcmp_report_org_at(const lcmp_report *r, size_t i)
{
    return r != NULL && i < r->norgs ? &r->orgs[i]->pub : NULL;
}

size_t lcmp_report_control_count(const lcmp_report *r)
{
    return r != NULL ? r->nrows : 0;
}

const lcmp_report_row *lcmp_report_control_at(const lcmp_report *r, size_t i)
{
    return r != NULL && i < r->nrows ? &r->rows[i] : NULL;
}

size_t lcmp_report_family_count(const lcmp_report *r)
{
    return r != NULL ? r->nfamilies : 0;
}

const lcmp_report_row *lcmp_report_family_at(const lcmp_report *r, size_t i)
{
    return r != NULL && i < r->nfamilies ? &r->families[i] : NULL;
}

size_t lcmp_report_unattributed_count(const lcmp_report *r)
{
    return r != NULL ? r->nrefused : 0;
}
