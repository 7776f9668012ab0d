/*
 * Evaluation results: the string arena, the getters, lcmp_result_free()
 * and the `lcmp.results/v1` JSON of docs/formats.md §3.1.
 *
 * The JSON is written straight into the caller's buffer rather than built
 * as a jansson tree: a result of 10,000 controls is serialised in one pass
 * without a node per value. The output is byte for byte what jansson's
 * json_dumps() gives for the same document with JSON_INDENT(2) (or
 * JSON_COMPACT), so either can be used to check the other. Members come in
 * a fixed order and only the documented members are written.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "result.h"

struct lcmp__arena_block {
    lcmp__arena_block *next;
    size_t size;
    size_t used;
    char data[];
};

#define ARENA_BLOCK_SIZE ((size_t)64 * 1024)

/* Make sure the head block has `need` free bytes; NULL when out of memory. */
static lcmp__arena_block *arena_reserve(lcmp__arena *a, size_t need)
{
    lcmp__arena_block *b = a->head;
    size_t size;

    if (b != NULL && b->size - b->used >= need) {
        return b;
    }
    size = need > ARENA_BLOCK_SIZE ? need : ARENA_BLOCK_SIZE;
    if (size > SIZE_MAX - sizeof(*b)) {
        return NULL;
    }
    b = malloc(sizeof(*b) + size);
    if (b == NULL) {
        return NULL;
    }
    b->next = a->head;
    b->size = size;
    b->used = 0;
    a->head = b;
    return b;
}

char *lcmp__arena_strndup(lcmp__arena *a, const char *s, size_t len)
{
    lcmp__arena_block *b;
    char *d;

    if (len == SIZE_MAX || (b = arena_reserve(a, len + 1)) == NULL) {
        return NULL;
    }
    d = b->data + b->used;
    memcpy(d, s, len);
    d[len] = '\0';
    b->used += len + 1;
    return d;
}

char *lcmp__arena_vprintf(lcmp__arena *a, const char *fmt, va_list ap)
{
    lcmp__arena_block *b = a->head;
    size_t room = b != NULL ? b->size - b->used : 0;
    va_list again;
    char *d;
    int n;

    /* Format straight into the free space; only a string that does not fit
     * is formatted twice. */
    va_copy(again, ap);
    n = vsnprintf(b != NULL ? b->data + b->used : NULL, room, fmt, ap);
    if (n < 0) {
        d = NULL;
        goto done;
    }
    if ((size_t)n >= room) {
        b = arena_reserve(a, (size_t)n + 1);
        if (b == NULL) {
            d = NULL;
            goto done;
        }
        vsnprintf(b->data + b->used, (size_t)n + 1, fmt, again);
    }
    d = b->data + b->used;
    b->used += (size_t)n + 1;
done:
    va_end(again);
    return d;
}

char *lcmp__arena_printf(lcmp__arena *a, const char *fmt, ...)
{
    va_list ap;
    char *d;

    va_start(ap, fmt);
    d = lcmp__arena_vprintf(a, fmt, ap);
    va_end(ap);
    return d;
}

void lcmp__arena_dispose(lcmp__arena *a)
{
    lcmp__arena_block *b, *next;

    for (b = a->head; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
}

unsigned int lcmp__counts_score(const lcmp_counts *c)
{
    size_t applicable = c->controls - c->not_applicable;
    size_t ok = c->compliant + c->excepted;

    if (applicable == 0) {
        return 100;
    }
    if (ok <= SIZE_MAX / 100) {
        return (unsigned int)(ok * 100 / applicable);
    }
    /* only for counts no real profile reaches */
    return (unsigned int)(ok / (applicable / 100));
}

void lcmp_result_free(lcmp_result *result)
{
    if (result == NULL) {
        return;
    }
    free(result->controls);
    free(result->reasons);
    free(result->families);
    free(result->warnings);
    lcmp__arena_dispose(&result->arena);
    free(result);
}

const lcmp_counts *lcmp_result_summary(const lcmp_result *result)
{
    return result != NULL ? &result->summary : NULL;
}

bool lcmp_result_has_gaps(const lcmp_result *result)
{
    return result != NULL && (result->summary.non_compliant > 0 ||
                              result->summary.undeclared > 0);
}

int64_t lcmp_result_evaluated_at(const lcmp_result *result)
{
    return result != NULL ? result->evaluated_at : 0;
}

size_t lcmp_result_control_count(const lcmp_result *result)
{
    return result != NULL ? result->ncontrols : 0;
}

const lcmp_control_result *lcmp_result_control(const lcmp_result *result,
                                               size_t i)
{
    if (result == NULL || i >= result->ncontrols) {
        return NULL;
    }
    return &result->controls[i];
}

size_t lcmp_result_family_count(const lcmp_result *result)
{
    return result != NULL ? result->nfamilies : 0;
}

const lcmp_family_result *lcmp_result_family(const lcmp_result *result,
                                             size_t i)
{
    if (result == NULL || i >= result->nfamilies) {
        return NULL;
    }
    return &result->families[i];
}

size_t lcmp_result_warning_count(const lcmp_result *result)
{
    return result != NULL ? result->nwarnings : 0;
}

const lcmp_warning *lcmp_result_warning(const lcmp_result *result, size_t i)
{
    if (result == NULL || i >= result->nwarnings) {
        return NULL;
    }
    return &result->warnings[i];
}

const lcmp_profile *lcmp_result_profile(const lcmp_result *result)
{
    return result != NULL ? result->profile : NULL;
}

const lcmp_declaration *lcmp_result_declaration(const lcmp_result *result)
{
    return result != NULL ? result->declaration : NULL;
}

/*
 * A streaming JSON writer. `count[d]` is the number of members written so
 * far at nesting depth d; the first failure sticks in `rc` and makes every
 * later call a no-op, so callers check once at the end.
 */
#define JW_MAX_DEPTH 8

typedef struct jw {
    lcmp_buf *out;
    int pretty;
    int depth;
    size_t count[JW_MAX_DEPTH];
    int rc;
} jw;

static void jw_raw(jw *w, const char *s, size_t len)
{
    if (w->rc == 0 && lcmp__buf_put(w->out, s, len) < 0) {
        w->rc = LCMP_ENOMEM;
    }
}

static void jw_newline(jw *w, int depth)
{
    static const char spaces[] = "                ";
    int n = 2 * depth;

    jw_raw(w, "\n", 1);
    while (n > 0) {
        int k = n < (int)sizeof(spaces) - 1 ? n : (int)sizeof(spaces) - 1;
        jw_raw(w, spaces, (size_t)k);
        n -= k;
    }
}

/* Start a value inside the current container: separator and indentation. */
static void jw_item(jw *w)
{
    if (w->depth == 0) {
        return;
    }
    if (w->count[w->depth]++ > 0) {
        jw_raw(w, ",", 1);
    }
    if (w->pretty) {
        jw_newline(w, w->depth);
    }
}

static void jw_open(jw *w, char c)
{
    jw_raw(w, &c, 1);
    w->depth++;
    assert(w->depth < JW_MAX_DEPTH);
    w->count[w->depth] = 0;
}

static void jw_close(jw *w, char c)
{
    if (w->pretty && w->count[w->depth] > 0) {
        jw_newline(w, w->depth - 1);
    }
    w->depth--;
    jw_raw(w, &c, 1);
}

/* A JSON string, escaped as jansson escapes it (UTF-8 is kept as is). */
static void jw_string(jw *w, const char *s)
{
    const char *run = s;
    char esc[8];

    jw_raw(w, "\"", 1);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        const char *e = NULL;

        switch (c) {
        case '"':
            e = "\\\"";
            break;
        case '\\':
            e = "\\\\";
            break;
        case '\b':
            e = "\\b";
            break;
        case '\f':
            e = "\\f";
            break;
        case '\n':
            e = "\\n";
            break;
        case '\r':
            e = "\\r";
            break;
        case '\t':
            e = "\\t";
            break;
        default:
            if (c < 0x20) {
                snprintf(esc, sizeof(esc), "\\u%04X", (unsigned int)c);
                e = esc;
            }
            break;
        }
        if (e != NULL) {
            jw_raw(w, run, (size_t)(s - run));
            jw_raw(w, e, strlen(e));
            run = s + 1;
        }
    }
    jw_raw(w, run, (size_t)(s - run));
    jw_raw(w, "\"", 1);
}

static void jw_key(jw *w, const char *key)
{
    jw_item(w);
    jw_string(w, key);
    if (w->pretty) {
        jw_raw(w, ": ", 2);
    } else {
        jw_raw(w, ":", 1);
    }
}

static void jw_member_string(jw *w, const char *key, const char *value)
{
    jw_key(w, key);
    if (value == NULL) {
        jw_raw(w, "null", 4);
    } else {
        jw_string(w, value);
    }
}

static void jw_member_uint(jw *w, const char *key, unsigned long long v)
{
    char num[32];
    int n = snprintf(num, sizeof(num), "%llu", v);

    jw_key(w, key);
    jw_raw(w, num, (size_t)n);
}

static void jw_member_int(jw *w, const char *key, long long v)
{
    char num[32];
    int n = snprintf(num, sizeof(num), "%lld", v);

    jw_key(w, key);
    jw_raw(w, num, (size_t)n);
}

static void jw_member_bool(jw *w, const char *key, bool v)
{
    jw_key(w, key);
    if (v) {
        jw_raw(w, "true", 4);
    } else {
        jw_raw(w, "false", 5);
    }
}

static void write_counts(jw *w, const lcmp_counts *c)
{
    jw_member_uint(w, "controls", c->controls);
    jw_member_uint(w, "compliant", c->compliant);
    jw_member_uint(w, "non_compliant", c->non_compliant);
    jw_member_uint(w, "excepted", c->excepted);
    jw_member_uint(w, "not_applicable", c->not_applicable);
    jw_member_uint(w, "undeclared", c->undeclared);
    jw_member_uint(w, "score", c->score);
}

static void write_control(jw *w, const lcmp_control_result *cr)
{
    size_t i;

    jw_item(w);
    jw_open(w, '{');
    jw_member_string(w, "control", cr->control);
    jw_member_string(w, "family", cr->family);
    jw_member_string(w, "title", cr->title);
    jw_member_string(w, "state", lcmp_state_name(cr->state));
    if (cr->state == LCMP_STATE_EXCEPTED) {
        jw_member_string(
            w, "original_state", lcmp_state_name(cr->original_state));
    }
    jw_key(w, "reasons");
    jw_open(w, '[');
    for (i = 0; i < cr->nreasons; i++) {
        const lcmp_reason *r = &cr->reasons[i];

        jw_item(w);
        jw_open(w, '{');
        jw_member_string(w, "code", lcmp_reason_name(r->code));
        jw_member_string(w, "pointer", r->pointer);
        jw_member_string(w, "message", r->message);
        jw_close(w, '}');
    }
    jw_close(w, ']');
    if (cr->exception >= 0) {
        jw_key(w, "exception");
        jw_open(w, '{');
        jw_member_int(w, "index", cr->exception);
        jw_member_string(w, "approved_by", cr->exception_approved_by);
        jw_member_string(w, "expires", cr->exception_expires);
        jw_member_bool(w, "expired", cr->exception_expired);
        jw_close(w, '}');
    }
    jw_close(w, '}');
}

int lcmp_result_to_json(lcmp_buf *out,
                        const lcmp_result *result,
                        uint32_t flags,
                        lcmp_error *err)
{
    const lcmp_declaration *d;
    char when[21];
    jw w;
    size_t i;
    int rc = LCMP_ERROR;

    if (out == NULL || result == NULL) {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             NULL,
                             NULL,
                             "no %s given",
                             out == NULL ? "buffer" : "result");
        goto done;
    }
    d = result->declaration;
    memset(&w, 0, sizeof(w));
    w.out = out;
    w.pretty = (flags & LCMP_RESULT_JSON_F_COMPACT) == 0;
    lcmp__buf_clear(out);

    jw_open(&w, '{');
    jw_member_string(&w, "schema", "lcmp.results/v1");
    jw_key(&w, "tool");
    jw_open(&w, '{');
    jw_member_string(&w, "name", "libcompliance");
    jw_member_string(&w, "version", LCMP_VERSION);
    jw_close(&w, '}');
    jw_key(&w, "baseline");
    jw_open(&w, '{');
    jw_member_string(&w, "id", result->profile->baseline->id);
    jw_member_string(&w, "profile", result->profile->id);
    jw_close(&w, '}');
    jw_key(&w, "organisation");
    jw_open(&w, '{');
    jw_member_string(&w, "id", d->org_id);
    jw_member_string(&w, "name", d->org_name);
    jw_close(&w, '}');
    lcmp_time_format(when, result->evaluated_at);
    jw_member_string(&w, "evaluated_at", when);
    jw_key(&w, "summary");
    jw_open(&w, '{');
    write_counts(&w, &result->summary);
    jw_close(&w, '}');
    jw_key(&w, "families");
    jw_open(&w, '[');
    for (i = 0; i < result->nfamilies; i++) {
        jw_item(&w);
        jw_open(&w, '{');
        jw_member_string(&w, "id", result->families[i].id);
        jw_member_string(&w, "title", result->families[i].title);
        write_counts(&w, &result->families[i].counts);
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_key(&w, "results");
    jw_open(&w, '[');
    for (i = 0; i < result->ncontrols; i++) {
        write_control(&w, &result->controls[i]);
    }
    jw_close(&w, ']');
    jw_key(&w, "warnings");
    jw_open(&w, '[');
    for (i = 0; i < result->nwarnings; i++) {
        const lcmp_warning *wn = &result->warnings[i];

        jw_item(&w);
        jw_open(&w, '{');
        jw_member_string(&w, "code", wn->code);
        jw_member_string(&w, "pointer", wn->pointer);
        jw_member_string(&w, "message", wn->message);
        jw_close(&w, '}');
    }
    jw_close(&w, ']');
    jw_close(&w, '}');
    jw_raw(&w, "\n", 1);

    if (w.rc < 0) {
        rc = lcmp__error_set(err, w.rc, NULL, NULL, "out of memory");
        goto done;
    }
    rc = 0;
done:
    return rc;
}
