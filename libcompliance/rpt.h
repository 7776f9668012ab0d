/*
 * The report (internal): the structure shared by report.c (verification
 * and aggregation) and report_render.c (outputs), and the merge entry
 * point the unit tests drive with hand-made verified results.
 */
#ifndef LCMP_RPT_H
#define LCMP_RPT_H

#include <pthread.h>

#include "libcompliance/report.h"

/* One organisation: its summary, never its statements. */
typedef struct lcmp__rpt_org {
    lcmp_report_org pub; /* strings point to those below */
    char *id;            /* owned: the index's key */
    char *text;          /* owned (or NULL): the strings below, one block */
    const char *name, *reason, *source, *release, *profile;
    uint8_t *states; /* per control index: lcmp_state_t, or RPT_ABSENT */
    size_t nstates;
    bool expected;
} lcmp__rpt_org;

#define LCMP__RPT_ABSENT 0xffu

/* A refused statement no organisation can be named for. */
typedef struct lcmp__rpt_refused {
    char *source;
    char *reason;
} lcmp__rpt_refused;

typedef struct lcmp__rpt_control {
    char *id;
    char *family;
} lcmp__rpt_control;

struct lcmp_report {
    lcmp_report_options opts;
    pthread_mutex_t lock; /* guards everything below during adds */
    size_t statements;

    lcmp__rpt_org **orgs; /* insertion order; sorted by finish */
    size_t norgs, aorgs;
    size_t *org_index; /* open addressing: index + 1, 0 = empty */
    size_t org_slots;

    lcmp__rpt_control *controls; /* control table, first seen order */
    size_t ncontrols, acontrols;
    size_t *control_index;
    size_t control_slots;
    size_t *last; /* the control of each result of the last statement
                   * merged: statements of a release list the same
                   * controls in the same order, so it is tried first */
    size_t nlast, alast;

    lcmp__rpt_refused *refused;
    size_t nrefused, arefused;

    /* computed by lcmp_report_finish() */
    lcmp_report_row *rows;
    size_t nrows;
    lcmp_report_row *families;
    size_t nfamilies;
    char **family_ids;
};

/* One control result of a verified statement. */
typedef struct lcmp__rpt_result {
    const char *control;
    const char *family;
    lcmp_state_t state;
} lcmp__rpt_result;

/* What one statement contributes, after verification. */
typedef struct lcmp__rpt_entry {
    const char *source;
    lcmp_org_status_t status;        /* VALID, INVALID or EXPIRED */
    const char *reason;              /* INVALID/EXPIRED: the failed step */
    const lcmp_statement_info *info; /* NULL: nothing can be attributed */
    const lcmp__rpt_result *results; /* VALID only */
    size_t nresults;
} lcmp__rpt_entry;

/* lcmp_report_add_dir() keeping at most `open_dirs` directories open for
 * the entries of theirs still to be read (it passes 64); past that,
 * entries are opened by their whole path. For the tests, which walk with
 * 0 and 1 too. */
int lcmp__report_add_dir(lcmp_report *r,
                         const char *dir,
                         unsigned open_dirs,
                         lcmp_error *err);

/*
 * Statements handed over one at a time (report_repo.c reads them from Git
 * objects) and verified as they come on the report's threads, the calling
 * thread included when many are waiting. _add() takes `bytes` and
 * `source` (both malloc'd, neither NULL: LCMP_EINVALID) in every case; it
 * and _finish() return 0 or the first fatal error (after which the rest
 * is not verified). _finish() waits for everything handed over and frees
 * the feed; it must be called once _start() succeeded.
 */
typedef struct lcmp__report_feed lcmp__report_feed;

int lcmp__report_feed_start(lcmp__report_feed **out,
                            lcmp_report *r,
                            lcmp_error *err);
int lcmp__report_feed_add(lcmp__report_feed *f,
                          uint8_t *bytes,
                          size_t len,
                          char *source,
                          lcmp_error *err);
int lcmp__report_feed_finish(lcmp__report_feed *f, lcmp_error *err);
/* How many statements wait (for the tests: at most 4 per thread after an
 * add, 64 MiB aside). */
size_t lcmp__report_feed_waiting(lcmp__report_feed *f);

/* Merge one statement's outcome (takes the lock). 0 or LCMP_ENOMEM. */
int lcmp__report_merge(lcmp_report *r,
                       const lcmp__rpt_entry *e,
                       lcmp_error *err);

/* Whether `e` (valid) would replace the organisation's current summary:
 * newer evaluated_at, or the same with a smaller source name. Takes the
 * lock. */
bool lcmp__report_wants(lcmp_report *r,
                        const lcmp_statement_info *info,
                        const char *source);

#endif
