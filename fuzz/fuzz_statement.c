/*
 * libFuzzer target for libcompliance/statement.c: read the input as a
 * statement payload with the strict schema and, when it is accepted, check
 * what it says (every string set, times canonical and ordered, object ids
 * well formed, every result complete). Both readings — the fast one-pass
 * and the careful two-pass one — run on every input that the fast one
 * refuses.
 *
 * Besides the sanitizers it checks the error contract: a failure returns
 * the code it stores, leaves no object, and fills a message. And it reads
 * the input again with a space after every ':' and ',' outside strings,
 * which the short way for results (compact text only) never takes: both
 * readings must accept the same results, or refuse at the same pointer
 * with the same message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stmt.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const lcmp_statement_info *in)
{
    uint8_t md[32];

    if (in->organisation_id == NULL || in->organisation_name == NULL ||
        in->baseline_id == NULL || in->release == NULL ||
        in->release[0] == '\0' || in->profile == NULL ||
        in->tool_name == NULL || in->tool_version == NULL ||
        !lcmp__is_git_oid(in->tag_id) || !lcmp__is_git_oid(in->commit_id) ||
        lcmp__sha256_parse(md, in->declaration_sha256) != 0 ||
        in->valid_until < in->evaluated_at || in->summary.score > 100)
    {
        abort();
    }
}

/* `in` with a space after each ':' and ',' outside strings (malloc'd). */
static uint8_t *spaced(const uint8_t *in, size_t len, size_t *outlen)
{
    uint8_t *out = malloc(2 * len + 1);
    size_t i, n = 0;
    int str = 0, esc = 0;

    if (out == NULL) {
        abort();
    }
    for (i = 0; i < len; i++) {
        out[n++] = in[i];
        if (str) {
            str = esc || in[i] != '"';
            esc = !esc && in[i] == '\\';
        } else if (in[i] == '"') {
            str = 1;
        } else if (in[i] == ':' || in[i] == ',') {
            out[n++] = ' ';
        }
    }
    *outlen = n;
    return out;
}

static int same(const char *a, const char *b)
{
    return (a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0);
}

/* The two readings of one input agree. */
static void compare(const lcmp__statement *st,
                    int rc,
                    const lcmp_error *err,
                    const uint8_t *data,
                    size_t size)
{
    lcmp__statement *sp = NULL;
    lcmp_error e;
    size_t len, i, j;
    uint8_t *text = spaced(data, size, &len);
    int rc2;

    lcmp_error_clear(&e);
    rc2 = lcmp__statement_parse(&sp, text, len, "payload", &e);
    free(text);
    if (rc2 != rc) {
        abort();
    }
    if (rc != 0) {
        if (strcmp(e.pointer, err->pointer) != 0 ||
            strcmp(e.message, err->message) != 0)
        {
            abort();
        }
        return;
    }
    if (sp->nresults != st->nresults || sp->nreasons != st->nreasons) {
        abort();
    }
    for (i = 0; i < st->nresults; i++) {
        const lcmp__stmt_result *a = &st->results[i], *b = &sp->results[i];
        if (!same(a->control, b->control) || !same(a->family, b->family) ||
            !same(a->state, b->state) || a->state_code != b->state_code ||
            !same(a->original_state, b->original_state) ||
            a->nreasons != b->nreasons)
        {
            abort();
        }
        for (j = 0; j < a->nreasons; j++) {
            if (!same(a->reasons[j], b->reasons[j])) {
                abort();
            }
        }
    }
    lcmp__statement_free(sp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp__statement *st = NULL;
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp__statement_parse(&st, data, size, "payload", &err);
    if ((rc == 0) != (st != NULL)) {
        abort();
    }
    if (rc == 0) {
        size_t i, reasons = 0;

        check(&st->info);
        for (i = 0; i < st->nresults; i++) {
            const lcmp__stmt_result *r = &st->results[i];
            if (r->control == NULL || r->family == NULL || r->state == NULL ||
                strcmp(r->state, lcmp_state_name(r->state_code)) != 0 ||
                (r->original_state != NULL) !=
                    (strcmp(r->state, "excepted") == 0) ||
                (r->nreasons > 0) != (r->reasons != NULL))
            {
                abort();
            }
            reasons += r->nreasons;
        }
        if (reasons != st->nreasons) {
            abort();
        }
    } else if (err.code != rc || err.message[0] == '\0') {
        abort();
    }
    compare(st, rc, &err, data, size);
    lcmp__statement_free(st);
    return 0;
}
