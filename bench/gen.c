/*
 * Synthetic baselines and declarations (see gen.h).
 *
 * A baseline is first built as an in-memory model (one gen_control per
 * control) from a fixed seed and M, then written as JSON by a tiny
 * hand-rolled writer; the declaration rebuilds the same model and draws its
 * statuses and values from a second generator seeded by the caller.
 *
 * Invariants: every control has one date fact checked by a max_age rule on
 * a parameter, plus one or two facts of other kinds, each checked by one
 * rule, so facts and rules are 2-3 and parameters 1-2. "Good" declared
 * values satisfy the rules under every profile's parameter overrides, so a
 * control's state depends only on the defects the declaration injects.
 * All strings written are plain ASCII or fixed UTF-8, so JSON escaping is
 * only a safety net.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "gen.h"

#define MODEL_SEED UINT64_C(0x6c636d7062656e63) /* "lcmpbenc" */
#define MAX_DEPTH  16

/*
 * Pseudo-random numbers: splitmix64 (Steele, Lea, Flood 2014), small and
 * good enough; the sequence never depends on the platform.
 */
typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A number in [0, n); n > 0. The modulo bias is irrelevant here. */
static unsigned rng_below(rng *r, unsigned n)
{
    return (unsigned)(rng_next(r) % n);
}

/*
 * Calendar dates as days since 1970-01-01 (Howard Hinnant's algorithms),
 * so that no clock or time zone is involved.
 */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

#define DATE_SIZE 40 /* room for any long year, though years are 4 digits */

static void date_format(char out[DATE_SIZE], long z)
{
    long era, y;
    unsigned doe, yoe, doy, mp, d, m;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = (long)yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    snprintf(out, DATE_SIZE, "%04ld-%02u-%02u", y, m, d);
}

static long reference_day(void)
{
    /* LCMP_GEN_REFERENCE_DATE */
    return days_from_civil(2026, 11, 27);
}

/*
 * Output buffer. A failed allocation sets `failed` and later writes are
 * dropped, so callers check once at the end.
 */
typedef struct gen_buf {
    char *ptr;
    size_t len;
    size_t cap;
    int failed;
} gen_buf;

static void buf_put(gen_buf *b, const char *s, size_t n)
{
    if (b->failed) {
        return;
    }
    if (b->cap - b->len <= n) {
        size_t cap = b->cap ? b->cap : 4096;
        char *p;

        while (cap - b->len <= n) {
            cap *= 2;
        }
        p = realloc(b->ptr, cap);
        if (p == NULL) {
            b->failed = 1;
            return;
        }
        b->ptr = p;
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, s, n);
    b->len += n;
    b->ptr[b->len] = '\0';
}

static void buf_puts(gen_buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

#if defined(__GNUC__)
#define GEN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define GEN_PRINTF(f, a)
#endif

static void buf_printf(gen_buf *b, const char *fmt, ...) GEN_PRINTF(2, 3);

static void buf_printf(gen_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        b->failed = 1;
        return;
    }
    buf_put(b, tmp, (size_t)n);
}

static void buf_free(gen_buf *b)
{
    free(b->ptr);
    memset(b, 0, sizeof(*b));
}

/*
 * A JSON writer with two layouts per container: one member per line, or
 * all on one line ("inline", like the hand-written baselines use for small
 * objects). Children of an inline container are inline.
 */
typedef struct jw {
    gen_buf *b;
    int depth;
    int count[MAX_DEPTH];
    int inl[MAX_DEPTH];
} jw;

static void jw_init(jw *w, gen_buf *b)
{
    memset(w, 0, sizeof(*w));
    w->b = b;
}

static void jw_string(jw *w, const char *s)
{
    const char *p;

    buf_put(w->b, "\"", 1);
    for (p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c == '"' || c == '\\') {
            buf_put(w->b, "\\", 1);
            buf_put(w->b, p, 1);
        } else if (c < 0x20) {
            buf_printf(w->b, "\\u%04x", c);
        } else {
            buf_put(w->b, p, 1);
        }
    }
    buf_put(w->b, "\"", 1);
}

/* Separator and key before a new value in the current container. */
static void jw_member(jw *w, const char *key)
{
    if (w->depth > 0) {
        if (w->count[w->depth] > 0) {
            buf_put(w->b, ",", 1);
        }
        if (w->inl[w->depth]) {
            if (w->count[w->depth] > 0) {
                buf_put(w->b, " ", 1);
            }
        } else {
            int i;

            buf_put(w->b, "\n", 1);
            for (i = 0; i < w->depth; i++) {
                buf_put(w->b, "  ", 2);
            }
        }
        w->count[w->depth]++;
    }
    if (key != NULL) {
        jw_string(w, key);
        buf_put(w->b, ": ", 2);
    }
}

static void jw_open(jw *w, const char *key, char c, int inl)
{
    jw_member(w, key);
    buf_put(w->b, &c, 1);
    if (w->depth + 1 >= MAX_DEPTH) {
        w->b->failed = 1;
        return;
    }
    w->depth++;
    w->count[w->depth] = 0;
    w->inl[w->depth] = inl || w->inl[w->depth - 1];
}

static void jw_close(jw *w, char c)
{
    if (!w->inl[w->depth] && w->count[w->depth] > 0) {
        int i;

        buf_put(w->b, "\n", 1);
        for (i = 0; i < w->depth - 1; i++) {
            buf_put(w->b, "  ", 2);
        }
    }
    buf_put(w->b, &c, 1);
    w->depth--;
    if (w->depth == 0) {
        buf_put(w->b, "\n", 1);
    }
}

static void jw_str(jw *w, const char *key, const char *s)
{
    jw_member(w, key);
    jw_string(w, s);
}

static void jw_int(jw *w, const char *key, long v)
{
    jw_member(w, key);
    buf_printf(w->b, "%ld", v);
}

static void jw_num(jw *w, const char *key, double v)
{
    jw_member(w, key);
    buf_printf(w->b, "%g", v);
}

static void jw_bool(jw *w, const char *key, int v)
{
    jw_member(w, key);
    buf_puts(w->b, v ? "true" : "false");
}

/*
 * The baseline model.
 */
typedef struct family_def {
    const char *id;
    const char *prefix;
    const char *title;
} family_def;

static const family_def families[] = {
    {"governance", "GOV", "Governance and risk"},
    {"assets", "AST", "Asset management"},
    {"identity", "IAM", "Identity and access"},
    {"network", "NET", "Network security"},
    {"vulnerabilities", "VUL", "Vulnerability management"},
    {"logging", "LOG", "Logging and monitoring"},
    {"continuity", "BCM", "Business continuity"},
    {"incidents", "INC", "Incident response"},
    {"suppliers", "SUP", "Suppliers and cloud services"},
    {"awareness", "AWA", "Awareness and training"},
    {"backups", "BAK", "Backups and restore"},
    {"cryptography", "CRY", "Cryptography"},
    {"physical", "PHY", "Physical security"},
    {"development", "DEV", "Secure development"},
    {"endpoints", "END", "Endpoints and mobile devices"},
    {"privacy", "PRV", "Privacy and data protection"},
    {"cloud", "CLD", "Cloud configuration"},
    {"operations", "OPS", "Operations and change"},
    {"personnel", "HRS", "Personnel security"},
    {"email", "MAL", "E-mail and web filtering"},
};

#define NFAMILIES_MAX (sizeof(families) / sizeof(families[0]))

static const char *const date_facts[] = {"reviewed_on",
                                         "tested_on",
                                         "approved_on",
                                         "audited_on",
                                         "updated_on"};

typedef enum { FT_INTEGER, FT_PERCENT, FT_BOOLEAN, FT_ENUM } fact_type;

/*
 * The non-date fact kinds. Numbers: a good value lies in [good_lo,
 * good_hi] and satisfies the rule under the default and the override; `bad`
 * breaks the rule within the fact's bounds; `outside` breaks the bounds.
 * Booleans use good_lo/bad; enums use values[good_lo]/values[bad], and the
 * operand of "in" is `in_values`.
 */
typedef struct fact_kind {
    const char *fact;
    fact_type type;
    const char *description;
    const char *op;
    const char *title;
    const char *text;
    double fmin, fmax;
    const char *param; /* NULL: literal operand only */
    const char *param_description;
    double pdef, pmin, pmax, pover;
    double good_lo, good_hi, bad, outside;
    const char *const *values;
    size_t nvalues;
    const char *const *in_values;
    size_t nin_values;
    const char *invalid; /* an invalid enum value */
} fact_kind;

static const char *const method_values[] = {"none",
                                            "manual",
                                            "scheduled",
                                            "automated",
                                            "continuous"};
static const char *const method_good[] = {"scheduled",
                                          "automated",
                                          "continuous"};
static const char *const auth_values[] = {"password_only",
                                          "otp",
                                          "smartcard",
                                          "fido2"};
static const char *const state_values[] = {"none", "draft", "adopted"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const fact_kind kinds[] = {
    {
        .fact = "retention_days",
        .type = FT_INTEGER,
        .description = "how long copies are kept, in days",
        .op = "ge",
        .title = "Retention period",
        .text = "Copies and records are kept at least as long as the "
                "municipality needs them to restore services and to account "
                "for decisions.",
        .fmin = 0,
        .fmax = 3650,
        .param = "min_retention_days",
        .param_description = "shortest acceptable retention",
        .pdef = 90,
        .pmin = 1,
        .pmax = 3650,
        .pover = 180,
        .good_lo = 365,
        .good_hi = 999,
        .bad = 10,
        .outside = 5000,
    },
    {
        .fact = "restore_hours",
        .type = FT_INTEGER,
        .description = "measured time to restore, in hours",
        .op = "le",
        .title = "Restore time",
        .text = "A critical service can be restored within the agreed time, "
                "and the time is measured in an actual restore test.",
        .fmin = 0,
        .fmax = 720,
        .param = "max_restore_hours",
        .param_description = "longest acceptable restore time",
        .pdef = 24,
        .pmin = 1,
        .pmax = 168,
        .pover = 12,
        .good_lo = 1,
        .good_hi = 8,
        .bad = 48,
        .outside = 1000,
    },
    {
        .fact = "open_critical_findings",
        .type = FT_INTEGER,
        .description = "critical findings older than the deadline",
        .op = "lt",
        .title = "Critical findings",
        .text = "Critical findings from scans and audits are resolved or "
                "formally accepted before their deadline.",
        .fmin = 0,
        .fmax = 100000,
        .param = "max_open_findings",
        .param_description = "findings tolerated at any time",
        .pdef = 5,
        .pmin = 1,
        .pmax = 100,
        .pover = 3,
        .good_lo = 0,
        .good_hi = 2,
        .bad = 40,
        .outside = -1,
    },
    {
        .fact = "trained_staff",
        .type = FT_INTEGER,
        .description = "staff who completed the training",
        .op = "gt",
        .title = "Trained staff",
        .text = "The people who run the process have been trained for it, and "
                "the training is repeated when the process changes.",
        .fmin = 0,
        .fmax = 100000,
        .param = "min_trained_staff",
        .param_description = "fewest trained people",
        .pdef = 1,
        .pmin = 0,
        .pmax = 1000,
        .pover = 2,
        .good_lo = 5,
        .good_hi = 60,
        .bad = 0,
        .outside = 200000,
    },
    {
        .fact = "coverage_pct",
        .type = FT_PERCENT,
        .description = "share of systems covered",
        .op = "ge",
        .title = "Coverage",
        .text = "The measure covers the systems that support critical "
                "services, and systems that are not covered are listed with "
                "a reason.",
        .fmin = 0,
        .fmax = 100,
        .param = "min_coverage_pct",
        .param_description = "least acceptable coverage",
        .pdef = 90,
        .pmin = 50,
        .pmax = 100,
        .pover = 95,
        .good_lo = 95,
        .good_hi = 100,
        .bad = 40,
        .outside = 120,
    },
    {
        .fact = "unpatched_pct",
        .type = FT_PERCENT,
        .description = "share of systems missing patches",
        .op = "le",
        .title = "Patch level",
        .text = "Security updates are installed within the agreed period on "
                "servers, workstations and network equipment.",
        .fmin = 0,
        .fmax = 100,
        .param = "max_unpatched_pct",
        .param_description = "largest acceptable share unpatched",
        .pdef = 5,
        .pmin = 0,
        .pmax = 20,
        .pover = 2,
        .good_lo = 0,
        .good_hi = 2,
        .bad = 30,
        .outside = -5,
    },
    {
        .fact = "tested",
        .type = FT_BOOLEAN,
        .description = "whether the arrangement was tested",
        .op = "eq",
        .title = "Tested arrangement",
        .text = "The arrangement is tested in practice, the results are "
                "recorded and the improvements are followed up.",
        .good_lo = 1,
        .bad = 0,
    },
    {
        .fact = "shared_accounts_used",
        .type = FT_BOOLEAN,
        .description = "whether accounts are shared",
        .op = "ne",
        .title = "Personal accounts",
        .text = "Every account belongs to one person or one service, so that "
                "every action can be traced to whoever did it.",
        .good_lo = 0,
        .bad = 1,
    },
    {
        .fact = "method",
        .type = FT_ENUM,
        .description = "how the task is carried out",
        .op = "in",
        .title = "Way of working",
        .text = "The task is carried out in a repeatable way, preferably "
                "automated, and deviations are noticed and handled.",
        .bad = 1,
        .values = method_values,
        .nvalues = COUNT(method_values),
        .in_values = method_good,
        .nin_values = COUNT(method_good),
        .invalid = "sometimes",
    },
    {
        .fact = "auth_method",
        .type = FT_ENUM,
        .description = "strongest login method required",
        .op = "ne",
        .title = "Strong authentication",
        .text = "Access to the service from outside the municipal network "
                "requires more than a password.",
        .param = "forbidden_method",
        .param_description = "login method that is not enough",
        .pdef = 0,
        .bad = 0,
        .values = auth_values,
        .nvalues = COUNT(auth_values),
        .invalid = "retina",
    },
    {
        .fact = "policy_state",
        .type = FT_ENUM,
        .description = "state of the written policy",
        .op = "eq",
        .title = "Written policy",
        .text = "A written policy sets out the rules, is adopted by "
                "management and is known to the people it applies to.",
        .good_lo = 2,
        .bad = 1,
        .values = state_values,
        .nvalues = COUNT(state_values),
        .invalid = "approved-ish",
    },
};

#define NKINDS COUNT(kinds)

typedef struct gen_control {
    char id[16];
    size_t family;
    unsigned bucket;    /* 0-99: basic < 60 <= important < 85 <= all */
    unsigned date_fact; /* index into date_facts */
    int date_days;      /* max_age in days (else months) */
    long date_default;  /* the max_age parameter's default */
    unsigned nother;    /* 1 or 2 other facts */
    unsigned other[2];  /* indexes into kinds */
    int other_param;    /* which other fact's rule uses a param, or -1 */
    unsigned evidence_min;
    int sha256;
    int allow_na;
    unsigned mappings; /* bit i: framework i */
    unsigned map_a, map_b;
    int override_imp; /* 0 none, 1 the date param, 2 the other param */
    int override_ess;
} gen_control;

typedef struct gen_model {
    size_t ncontrols;
    size_t nfamilies;
    size_t first[NFAMILIES_MAX + 1]; /* family f: [first[f], first[f+1]) */
    gen_control *controls;
} gen_model;

static int has_param(const gen_control *c, unsigned i)
{
    return c->other_param == (int)i && kinds[c->other[i]].param != NULL;
}

static int model_build(gen_model *m, size_t ncontrols)
{
    rng r = {MODEL_SEED ^ (uint64_t)ncontrols};
    size_t f, i;

    memset(m, 0, sizeof(*m));
    m->ncontrols = ncontrols;
    m->nfamilies = ncontrols / 50;
    if (m->nfamilies < 10) {
        m->nfamilies = 10;
    }
    if (m->nfamilies > NFAMILIES_MAX) {
        m->nfamilies = NFAMILIES_MAX;
    }
    if (m->nfamilies > ncontrols) {
        m->nfamilies = ncontrols;
    }
    m->controls = calloc(ncontrols, sizeof(*m->controls));
    if (m->controls == NULL) {
        return -1;
    }
    for (f = 0; f <= m->nfamilies; f++) {
        m->first[f] = f * ncontrols / m->nfamilies;
    }
    for (f = 0; f < m->nfamilies; f++) {
        for (i = m->first[f]; i < m->first[f + 1]; i++) {
            gen_control *c = &m->controls[i];
            unsigned a, b;

            snprintf(c->id,
                     sizeof(c->id),
                     "%s-%04u",
                     families[f].prefix,
                     (unsigned)(i - m->first[f] + 1));
            c->family = f;
            c->bucket = rng_below(&r, 100);
            c->date_fact = rng_below(&r, COUNT(date_facts));
            c->date_days = rng_below(&r, 3) == 0;
            c->date_default = c->date_days ? 90 + 90 * rng_below(&r, 3)
                                           : 12 + 12 * rng_below(&r, 3);
            c->nother = 1 + rng_below(&r, 2);
            a = rng_below(&r, NKINDS);
            b = (a + 1 + rng_below(&r, NKINDS - 1)) % NKINDS;
            c->other[0] = a;
            c->other[1] = b;
            c->other_param = (int)rng_below(&r, 3) - 1;
            if (c->other_param >= (int)c->nother) {
                c->other_param = -1;
            }
            c->evidence_min = rng_below(&r, 3);
            c->sha256 = rng_below(&r, 2);
            c->allow_na = rng_below(&r, 100) < 15;
            c->mappings = 1 | (rng_below(&r, 10) < 7 ? 2u : 0u) |
                          (rng_below(&r, 10) < 6 ? 4u : 0u) |
                          (rng_below(&r, 10) < 3 ? 8u : 0u);
            c->map_a = 1 + rng_below(&r, 30);
            c->map_b = 1 + rng_below(&r, 9);
            c->override_imp = 0;
            c->override_ess = 0;
            if (rng_below(&r, 8) == 0) {
                /* Enum parameters are never overridden. */
                int other = c->other_param >= 0 &&
                            has_param(c, (unsigned)c->other_param) &&
                            kinds[c->other[c->other_param]].type != FT_ENUM &&
                            rng_below(&r, 2) == 0;

                if (c->bucket < 85) {
                    c->override_imp = other ? 2 : 1;
                } else {
                    c->override_ess = other ? 2 : 1;
                }
            }
        }
    }
    return 0;
}

static void model_free(gen_model *m)
{
    free(m->controls);
    memset(m, 0, sizeof(*m));
}

/*
 * Writing the baseline.
 */
static int set_error(char *errbuf, size_t errsize, const char *fmt, ...)
    GEN_PRINTF(3, 4);

static int set_error(char *errbuf, size_t errsize, const char *fmt, ...)
{
    va_list ap;

    if (errbuf != NULL && errsize > 0) {
        va_start(ap, fmt);
        vsnprintf(errbuf, errsize, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int
write_file(const char *path, const gen_buf *b, char *errbuf, size_t errsize)
{
    FILE *fp = NULL;
    int rc = -1;

    if (b->failed) {
        rc = set_error(errbuf, errsize, "%s: out of memory", path);
        goto done;
    }
    fp = fopen(path, "wb");
    if (fp == NULL) {
        rc = set_error(errbuf, errsize, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (fwrite(b->ptr, 1, b->len, fp) != b->len) {
        rc = set_error(errbuf, errsize, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (fclose(fp) != 0) {
        fp = NULL;
        rc = set_error(errbuf, errsize, "%s: %s", path, strerror(errno));
        goto done;
    }
    fp = NULL;
    rc = 0;
done:
    if (fp != NULL) {
        fclose(fp);
    }
    return rc;
}

static int make_dir(const char *path, char *errbuf, size_t errsize)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        return set_error(errbuf, errsize, "%s: %s", path, strerror(errno));
    }
    return 0;
}

static int join(char *out,
                size_t size,
                const char *a,
                const char *b,
                const char *c,
                char *errbuf,
                size_t errsize)
{
    int n = snprintf(out, size, "%s%s%s", a, b, c);

    if (n < 0 || (size_t)n >= size) {
        return set_error(errbuf, errsize, "%s%s%s: path too long", a, b, c);
    }
    return 0;
}

void lcmp_gen_baseline_id(char *out, size_t size, size_t controls)
{
    snprintf(out, size, "synthetic-%zu", controls);
}

static void write_manifest(jw *w, const gen_model *m)
{
    char id[64];
    size_t f;

    lcmp_gen_baseline_id(id, sizeof(id), m->ncontrols);
    jw_open(w, NULL, '{', 0);
    jw_str(w, "schema", "lcmp.baseline/v1");
    jw_str(w, "id", id);
    jw_str(w, "title", "Synthetic baseline for benchmarks");
    /* One non-ASCII character, so that UTF-8 validation has work. */
    jw_str(w,
           "publisher",
           "libcompliance benchmark generator \xe2\x80\x94 not a real "
           "publisher");
    jw_str(w,
           "description",
           "Generated by bench/gen.c; the same number of controls always "
           "gives the same files.");
    jw_open(w, "families", '[', 0);
    for (f = 0; f < m->nfamilies; f++) {
        jw_open(w, NULL, '{', 1);
        jw_str(w, "id", families[f].id);
        jw_str(w, "title", families[f].title);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    jw_open(w, "profiles", '[', 1);
    jw_str(w, NULL, "basic");
    jw_str(w, NULL, "important");
    jw_str(w, NULL, "essential");
    jw_close(w, ']');
    jw_open(w, "headline", '[', 1);
    for (f = 0; f < m->nfamilies && f < 3; f++) {
        jw_str(w, NULL, m->controls[m->first[f]].id);
    }
    jw_close(w, ']');
    jw_close(w, '}');
}

static void write_number(jw *w, const char *key, fact_type t, double v)
{
    if (t == FT_PERCENT && v != (double)(long)v) {
        jw_num(w, key, v);
    } else {
        jw_int(w, key, (long)v);
    }
}

static const char *date_param(const gen_control *c)
{
    return c->date_days ? "max_age_days" : "max_age_months";
}

static void write_control(jw *w, const gen_control *c)
{
    static const char *const frameworks[] = {
        "cyfun2025", "bio2", "iso27002-2022", "nis2-art21"};
    const fact_kind *k0 = &kinds[c->other[0]];
    char text[512];
    char id[32];
    unsigned i;

    jw_open(w, NULL, '{', 0);
    jw_str(w, "id", c->id);
    snprintf(
        text, sizeof(text), "%s (%s)", k0->title, families[c->family].title);
    jw_str(w, "title", text);
    snprintf(text,
             sizeof(text),
             "%s The declaration records %s, and the date of the latest "
             "check.",
             k0->text,
             k0->description);
    jw_str(w, "description", text);

    jw_open(w, "params", '{', 0);
    jw_open(w, date_param(c), '{', 1);
    jw_str(w, "type", "integer");
    jw_int(w, "default", c->date_default);
    jw_int(w, "min", c->date_days ? 7 : 1);
    jw_int(w, "max", c->date_days ? 3650 : 60);
    jw_str(w, "unit", c->date_days ? "days" : "months");
    jw_str(w, "description", "how old the evidence may be");
    jw_close(w, '}');
    for (i = 0; i < c->nother; i++) {
        const fact_kind *k = &kinds[c->other[i]];

        if (!has_param(c, i)) {
            continue;
        }
        jw_open(w, k->param, '{', 1);
        if (k->type == FT_ENUM) {
            size_t v;

            jw_str(w, "type", "enum");
            jw_str(w, "default", k->values[(size_t)k->pdef]);
            jw_open(w, "values", '[', 1);
            for (v = 0; v < k->nvalues; v++) {
                jw_str(w, NULL, k->values[v]);
            }
            jw_close(w, ']');
        } else {
            jw_str(w, "type", k->type == FT_PERCENT ? "percent" : "integer");
            write_number(w, "default", k->type, k->pdef);
            write_number(w, "min", k->type, k->pmin);
            write_number(w, "max", k->type, k->pmax);
        }
        jw_str(w, "description", k->param_description);
        jw_close(w, '}');
    }
    jw_close(w, '}');

    jw_open(w, "facts", '{', 0);
    jw_open(w, date_facts[c->date_fact], '{', 1);
    jw_str(w, "type", "date");
    jw_str(w, "description", "date of the latest check");
    jw_close(w, '}');
    for (i = 0; i < c->nother; i++) {
        const fact_kind *k = &kinds[c->other[i]];
        static const char *const type_names[] = {
            "integer", "percent", "boolean", "enum"};

        jw_open(w, k->fact, '{', 1);
        jw_str(w, "type", type_names[k->type]);
        if (k->type == FT_ENUM) {
            size_t v;

            jw_open(w, "values", '[', 1);
            for (v = 0; v < k->nvalues; v++) {
                jw_str(w, NULL, k->values[v]);
            }
            jw_close(w, ']');
        } else if (k->type != FT_BOOLEAN) {
            write_number(w, "min", k->type, k->fmin);
            write_number(w, "max", k->type, k->fmax);
        }
        jw_str(w, "description", k->description);
        jw_close(w, '}');
    }
    jw_close(w, '}');

    jw_open(w, "rules", '[', 0);
    jw_open(w, NULL, '{', 1);
    jw_str(w, "fact", date_facts[c->date_fact]);
    jw_str(w, "op", "max_age");
    jw_str(w, "param", date_param(c));
    jw_str(w, "unit", c->date_days ? "days" : "months");
    jw_close(w, '}');
    for (i = 0; i < c->nother; i++) {
        const fact_kind *k = &kinds[c->other[i]];

        jw_open(w, NULL, '{', 1);
        jw_str(w, "fact", k->fact);
        jw_str(w, "op", k->op);
        if (k->in_values != NULL) {
            size_t v;

            jw_open(w, "values", '[', 1);
            for (v = 0; v < k->nin_values; v++) {
                jw_str(w, NULL, k->in_values[v]);
            }
            jw_close(w, ']');
        } else if (has_param(c, i)) {
            jw_str(w, "param", k->param);
        } else if (k->type == FT_BOOLEAN) {
            /* eq true / ne true */
            jw_bool(w, "value", 1);
        } else if (k->type == FT_ENUM) {
            jw_str(
                w,
                "value",
                k->values[(size_t)(k->param != NULL ? k->pdef : k->good_lo)]);
        } else {
            write_number(w, "value", k->type, k->pdef);
        }
        jw_close(w, '}');
    }
    jw_close(w, ']');

    jw_open(w, "evidence", '{', 1);
    jw_int(w, "min", (long)c->evidence_min);
    jw_bool(w, "sha256", c->sha256);
    jw_close(w, '}');
    if (c->allow_na) {
        jw_bool(w, "not_applicable", 1);
    }
    jw_open(w, "mappings", '{', 0);
    for (i = 0; i < COUNT(frameworks); i++) {
        if (!(c->mappings & (1u << i))) {
            continue;
        }
        jw_open(w, frameworks[i], '[', 1);
        switch (i) {
        case 0:
            snprintf(id, sizeof(id), "PR.AA-%02u.%u", c->map_a, c->map_b);
            jw_str(w, NULL, id);
            snprintf(id, sizeof(id), "ID.RA-%02u.%u", c->map_b, c->map_a);
            jw_str(w, NULL, id);
            break;
        case 1:
            snprintf(id, sizeof(id), "5.%02u.%02u", c->map_a, c->map_b);
            jw_str(w, NULL, id);
            break;
        case 2:
            snprintf(id, sizeof(id), "5.%u", c->map_a);
            jw_str(w, NULL, id);
            break;
        default:
            snprintf(id, sizeof(id), "21.2.%c", 'a' + (int)(c->map_b % 10));
            jw_str(w, NULL, id);
            break;
        }
        jw_close(w, ']');
    }
    jw_close(w, '}');
    jw_close(w, '}');
}

static void write_controls(jw *w, const gen_model *m, size_t f)
{
    size_t i;

    jw_open(w, NULL, '{', 0);
    jw_str(w, "schema", "lcmp.controls/v1");
    jw_str(w, "family", families[f].id);
    jw_open(w, "controls", '[', 0);
    for (i = m->first[f]; i < m->first[f + 1]; i++) {
        write_control(w, &m->controls[i]);
    }
    jw_close(w, ']');
    jw_close(w, '}');
}

/* A parameter override: the date parameter, or the other one. */
static void write_override(jw *w, const gen_control *c, int which)
{
    jw_open(w, c->id, '{', 1);
    if (which == 1) {
        jw_int(w, date_param(c), c->date_days ? 30 : 6);
    } else {
        const fact_kind *k = &kinds[c->other[c->other_param]];

        write_number(w, k->param, k->type, k->pover);
    }
    jw_close(w, '}');
}

/*
 * basic: include.ids of bucket < 60.
 * important: extends basic; include.ids of bucket [60, 85) outside the
 * first family, include.families the first family, exclude.ids the first
 * family's controls of bucket >= 85 (so the result is bucket < 85);
 * parameter overrides.
 * essential: extends important; include.families all; more overrides.
 */
static void write_profile(jw *w, const gen_model *m, int which)
{
    static const char *const ids[] = {"basic", "important", "essential"};
    static const char *const titles[] = {"Basic", "Important", "Essential"};
    size_t i, f;

    jw_open(w, NULL, '{', 0);
    jw_str(w, "schema", "lcmp.profile/v1");
    jw_str(w, "id", ids[which]);
    jw_str(w, "title", titles[which]);
    if (which > 0) {
        jw_open(w, "extends", '[', 1);
        jw_str(w, NULL, ids[which - 1]);
        jw_close(w, ']');
    }

    jw_open(w, "include", '{', 0);
    jw_open(w, "ids", '[', 0);
    for (i = 0; which < 2 && i < m->ncontrols; i++) {
        const gen_control *c = &m->controls[i];

        if ((which == 0 && c->bucket < 60) ||
            (which == 1 && c->family != 0 && c->bucket >= 60 && c->bucket < 85))
        {
            jw_str(w, NULL, c->id);
        }
    }
    jw_close(w, ']');
    jw_open(w, "families", '[', 1);
    if (which == 1) {
        jw_str(w, NULL, families[0].id);
    } else if (which == 2) {
        for (f = 0; f < m->nfamilies; f++) {
            jw_str(w, NULL, families[f].id);
        }
    }
    jw_close(w, ']');
    jw_close(w, '}');

    jw_open(w, "exclude", '{', 0);
    jw_open(w, "ids", '[', 0);
    for (i = m->first[0]; which == 1 && i < m->first[1]; i++) {
        if (m->controls[i].bucket >= 85) {
            jw_str(w, NULL, m->controls[i].id);
        }
    }
    jw_close(w, ']');
    jw_close(w, '}');

    jw_open(w, "params", '{', 0);
    for (i = 0; which > 0 && i < m->ncontrols; i++) {
        const gen_control *c = &m->controls[i];

        if (which == 1 && c->override_imp) {
            write_override(w, c, c->override_imp);
        } else if (which == 2 && c->override_ess) {
            write_override(w, c, c->override_ess);
        }
    }
    jw_close(w, '}');
    jw_close(w, '}');
}

int lcmp_gen_baseline(const char *dir,
                      size_t controls,
                      char *errbuf,
                      size_t errsize)
{
    static const char *const profiles[] = {"basic", "important", "essential"};
    gen_model m = {0};
    gen_buf b = {0};
    jw w;
    char path[4096];
    char sub[4096];
    size_t f;
    int p;
    int rc = -1;

    if (dir == NULL || controls == 0 || controls > LCMP_GEN_MAX_CONTROLS) {
        rc = set_error(errbuf,
                       errsize,
                       "need a directory and 1 to %zu controls",
                       LCMP_GEN_MAX_CONTROLS);
        goto done;
    }
    if (model_build(&m, controls) != 0) {
        rc = set_error(errbuf, errsize, "out of memory");
        goto done;
    }
    if (make_dir(dir, errbuf, errsize) != 0 ||
        join(sub, sizeof(sub), dir, "/controls", "", errbuf, errsize) != 0 ||
        make_dir(sub, errbuf, errsize) != 0 ||
        join(sub, sizeof(sub), dir, "/profiles", "", errbuf, errsize) != 0 ||
        make_dir(sub, errbuf, errsize) != 0)
    {
        goto done;
    }

    jw_init(&w, &b);
    write_manifest(&w, &m);
    if (join(path, sizeof(path), dir, "/baseline.json", "", errbuf, errsize) !=
            0 ||
        write_file(path, &b, errbuf, errsize) != 0)
    {
        goto done;
    }
    for (f = 0; f < m.nfamilies; f++) {
        b.len = 0;
        jw_init(&w, &b);
        write_controls(&w, &m, f);
        if (join(sub,
                 sizeof(sub),
                 dir,
                 "/controls/",
                 families[f].id,
                 errbuf,
                 errsize) != 0 ||
            join(path, sizeof(path), sub, ".json", "", errbuf, errsize) != 0 ||
            write_file(path, &b, errbuf, errsize) != 0)
        {
            goto done;
        }
    }
    for (p = 0; p < 3; p++) {
        b.len = 0;
        jw_init(&w, &b);
        write_profile(&w, &m, p);
        if (join(sub,
                 sizeof(sub),
                 dir,
                 "/profiles/",
                 profiles[p],
                 errbuf,
                 errsize) != 0 ||
            join(path, sizeof(path), sub, ".json", "", errbuf, errsize) != 0 ||
            write_file(path, &b, errbuf, errsize) != 0)
        {
            goto done;
        }
    }
    rc = 0;
done:
    buf_free(&b);
    model_free(&m);
    return rc;
}

/*
 * Writing the declaration.
 */

/* The manifest in `dir` must be the one generated for `controls`. */
static int
check_manifest(const char *dir, size_t controls, char *errbuf, size_t errsize)
{
    char path[4096];
    char head[1024];
    char want[128];
    char id[64];
    FILE *fp = NULL;
    size_t n;
    int rc = -1;

    if (join(path, sizeof(path), dir, "/baseline.json", "", errbuf, errsize) !=
        0) {
        goto done;
    }
    fp = fopen(path, "rb");
    if (fp == NULL) {
        rc = set_error(errbuf, errsize, "%s: %s", path, strerror(errno));
        goto done;
    }
    n = fread(head, 1, sizeof(head) - 1, fp);
    head[n] = '\0';
    lcmp_gen_baseline_id(id, sizeof(id), controls);
    snprintf(want, sizeof(want), "\"id\": \"%s\"", id);
    if (strstr(head, want) == NULL) {
        rc = set_error(errbuf,
                       errsize,
                       "%s: not the baseline generated for %zu controls "
                       "(expected id '%s')",
                       path,
                       controls,
                       id);
        goto done;
    }
    rc = 0;
done:
    if (fp != NULL) {
        fclose(fp);
    }
    return rc;
}

static void write_date(jw *w, const char *key, long day)
{
    char text[DATE_SIZE];

    date_format(text, day);
    jw_str(w, key, text);
}

static void write_sha256(jw *w, rng *r)
{
    static const char hex[] = "0123456789abcdef";
    char text[65];
    int i;

    for (i = 0; i < 64; i += 16) {
        uint64_t x = rng_next(r);
        int j;

        for (j = 0; j < 16; j++) {
            text[i + j] = hex[(x >> (4 * j)) & 15];
        }
    }
    text[64] = '\0';
    jw_str(w, "sha256", text);
}

/* The date fact: 88% fresh; else stale, in the future, invalid, absent. */
static void write_date_fact(jw *w, rng *r, const gen_control *c, long ref)
{
    unsigned q = rng_below(r, 100);
    const char *name = date_facts[c->date_fact];

    if (q < 88) {
        write_date(w, name, ref - (long)rng_below(r, 26));
    } else if (q < 94) {
        write_date(w, name, ref - 4000 - (long)rng_below(r, 1000));
    } else if (q < 96) {
        write_date(w, name, ref + 1 + (long)rng_below(r, 60));
    } else if (q < 98) {
        jw_str(w, name, rng_below(r, 2) ? "2025-02-30" : "last spring");
    }
}

/*
 * Another fact: 90% good; else breaking the rule or the bounds, of the
 * wrong type, or absent.
 */
static void write_other_fact(jw *w, rng *r, const fact_kind *k)
{
    unsigned q = rng_below(r, 100);

    if (q >= 99) {
        return;
    }
    if (q >= 97) {
        if (k->type == FT_BOOLEAN || k->type == FT_ENUM) {
            jw_int(w, k->fact, 1);
        } else {
            jw_str(w, k->fact, "many");
        }
        return;
    }
    switch (k->type) {
    case FT_BOOLEAN:
        jw_bool(w, k->fact, q < 90 ? (int)k->good_lo : (int)k->bad);
        break;
    case FT_ENUM:
        if (q < 90) {
            size_t i = (size_t)k->good_lo;

            if (k->in_values != NULL) {
                jw_str(w,
                       k->fact,
                       k->in_values[rng_below(r, (unsigned)k->nin_values)]);
                break;
            }
            if (k->param != NULL) {
                /* ne: anything but the forbidden value */
                i = 1 + rng_below(r, (unsigned)k->nvalues - 1);
            }
            jw_str(w, k->fact, k->values[i]);
        } else if (q < 95) {
            jw_str(w, k->fact, k->values[(size_t)k->bad]);
        } else {
            jw_str(w, k->fact, k->invalid);
        }
        break;
    default:
        if (q < 90) {
            double span = k->good_hi - k->good_lo;
            double v = k->good_lo + (double)rng_below(r, (unsigned)span + 1);

            if (k->type == FT_PERCENT && v < k->good_hi && rng_below(r, 2) == 0)
            {
                v += 0.5;
            }
            write_number(w, k->fact, k->type, v);
        } else if (q < 95) {
            write_number(w, k->fact, k->type, k->bad);
        } else {
            write_number(w, k->fact, k->type, k->outside);
        }
        break;
    }
}

static void write_evidence(jw *w, rng *r, const gen_control *c, long ref)
{
    unsigned n, i;
    char uri[128];

    if (c->evidence_min > 0) {
        n = rng_below(r, 20) == 0 ? c->evidence_min - 1
                                  : c->evidence_min + rng_below(r, 2);
    } else {
        n = rng_below(r, 2);
    }
    if (n == 0 && rng_below(r, 2) == 0) {
        return;
    }
    jw_open(w, "evidence", '[', 0);
    for (i = 0; i < n; i++) {
        jw_open(w, NULL, '{', 1);
        snprintf(
            uri, sizeof(uri), "dms://evidence/%s/report-%u.pdf", c->id, i + 1);
        jw_str(w, "uri", uri);
        if (rng_below(r, 100) < (c->sha256 ? 95u : 70u)) {
            write_sha256(w, r);
        }
        write_date(w, "date", ref - (long)rng_below(r, 60));
        jw_close(w, '}');
    }
    jw_close(w, ']');
}

/* Declared states, chosen per control of the profile. */
enum {
    D_UNDECLARED,
    D_NOT_IMPLEMENTED,
    D_PARTIAL,
    D_PLANNED,
    D_NOT_APPLICABLE,
    D_IMPLEMENTED
};

static int pick_status(rng *r)
{
    unsigned q = rng_below(r, 100);

    if (q < 5) {
        return D_UNDECLARED;
    }
    if (q < 10) {
        return D_NOT_IMPLEMENTED;
    }
    if (q < 17) {
        return D_PARTIAL;
    }
    if (q < 24) {
        return D_PLANNED;
    }
    if (q < 29) {
        return D_NOT_APPLICABLE;
    }
    return D_IMPLEMENTED;
}

static void
write_declared(jw *w, rng *r, const gen_control *c, int status, long ref)
{
    static const char *const owners[] = {
        "ICT coordinator", "CISO", "privacy officer", "head of operations"};
    unsigned i;

    jw_open(w, c->id, '{', 0);
    switch (status) {
    case D_NOT_IMPLEMENTED:
        jw_str(w, "status", "not_implemented");
        break;
    case D_PARTIAL:
        jw_str(w, "status", "partial");
        break;
    case D_PLANNED:
        jw_str(w, "status", "planned");
        if (rng_below(r, 10) < 7) {
            write_date(w, "target_date", ref + 30 + (long)rng_below(r, 400));
        } else {
            write_date(w, "target_date", ref - 1 - (long)rng_below(r, 200));
        }
        break;
    case D_NOT_APPLICABLE:
        jw_str(w, "status", "not_applicable");
        jw_str(w,
               "justification",
               "the municipality does not run this kind of system itself");
        break;
    default:
        jw_str(w, "status", "implemented");
        jw_open(w, "facts", '{', 0);
        write_date_fact(w, r, c, ref);
        for (i = 0; i < c->nother; i++) {
            write_other_fact(w, r, &kinds[c->other[i]]);
        }
        jw_close(w, '}');
        write_evidence(w, r, c, ref);
        break;
    }
    if (rng_below(r, 2) == 0) {
        jw_str(w, "owner", owners[rng_below(r, COUNT(owners))]);
    }
    if (rng_below(r, 4) == 0) {
        jw_str(w, "note", "reviewed in the quarterly security meeting");
    }
    jw_close(w, '}');
}

static void write_exception(jw *w, rng *r, const char *control, long ref)
{
    jw_open(w, NULL, '{', 0);
    jw_str(w, "control", control);
    jw_str(w,
           "justification",
           "legacy system until the migration to the new platform");
    jw_str(
        w, "approved_by", "college of mayor and aldermen, decision 2026/114");
    if (rng_below(r, 4) == 0) {
        write_date(w, "expires", ref - 1 - (long)rng_below(r, 200));
    } else {
        write_date(w, "expires", ref + 30 + (long)rng_below(r, 400));
    }
    if (rng_below(r, 2) == 0) {
        jw_str(w, "compensating", "isolated VLAN, no internet access");
    }
    jw_close(w, '}');
}

int lcmp_gen_declaration(const char *file,
                         const char *dir,
                         size_t controls,
                         uint64_t seed,
                         char *errbuf,
                         size_t errsize)
{
    gen_model m = {0};
    gen_buf b = {0};
    unsigned char *excepted = NULL;
    rng r = {seed ^ UINT64_C(0x6465636c61726564)};
    long ref = reference_day();
    char id[64];
    char text[128];
    size_t i;
    jw w;
    int outside_done = 0;
    int rc = -1;

    if (file == NULL || controls == 0 || controls > LCMP_GEN_MAX_CONTROLS) {
        rc = set_error(errbuf,
                       errsize,
                       "need a file and 1 to %zu controls",
                       LCMP_GEN_MAX_CONTROLS);
        goto done;
    }
    if (dir != NULL && check_manifest(dir, controls, errbuf, errsize) != 0) {
        goto done;
    }
    if (model_build(&m, controls) != 0) {
        rc = set_error(errbuf, errsize, "out of memory");
        goto done;
    }
    excepted = calloc(controls, 1);
    if (excepted == NULL) {
        rc = set_error(errbuf, errsize, "out of memory");
        goto done;
    }

    jw_init(&w, &b);
    jw_open(&w, NULL, '{', 0);
    jw_str(&w, "schema", "lcmp.declaration/v1");
    jw_open(&w, "organisation", '{', 1);
    snprintf(
        text, sizeof(text), "gem-synthetic-%llu", (unsigned long long)seed);
    jw_str(&w, "id", text);
    jw_str(&w, "name", "Gemeente Synthetisch");
    jw_close(&w, '}');
    lcmp_gen_baseline_id(id, sizeof(id), controls);
    jw_str(&w, "baseline", id);
    jw_str(&w, "profile", LCMP_GEN_PROFILE);

    jw_open(&w, "controls", '{', 0);
    for (i = 0; i < m.ncontrols; i++) {
        const gen_control *c = &m.controls[i];
        int status;

        if (c->bucket >= 85) {
            /* One control outside the profile: a not_in_profile warning. */
            if (!outside_done) {
                outside_done = 1;
                write_declared(&w, &r, c, D_IMPLEMENTED, ref);
            }
            continue;
        }
        status = pick_status(&r);
        if (status != D_UNDECLARED) {
            write_declared(&w, &r, c, status, ref);
        }
        /* Exceptions: mostly for gaps, rarely for an implemented control. */
        if ((status != D_IMPLEMENTED && status != D_NOT_APPLICABLE &&
             rng_below(&r, 100) < 15) ||
            (status == D_IMPLEMENTED && rng_below(&r, 200) == 0))
        {
            excepted[i] = 1;
        }
    }
    /* An id the baseline does not know: an unknown_control warning. */
    jw_open(&w, "ZZZ-9999", '{', 0);
    jw_str(&w, "status", "not_implemented");
    jw_close(&w, '}');
    jw_close(&w, '}');

    jw_open(&w, "exceptions", '[', 0);
    for (i = 0; i < m.ncontrols; i++) {
        if (excepted[i]) {
            write_exception(&w, &r, m.controls[i].id, ref);
        }
    }
    write_exception(&w, &r, "ZZZ-9998", ref);
    jw_close(&w, ']');
    jw_close(&w, '}');

    rc = write_file(file, &b, errbuf, errsize);
done:
    free(excepted);
    buf_free(&b);
    model_free(&m);
    return rc;
}
