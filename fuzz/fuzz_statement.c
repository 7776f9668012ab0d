/*
 * libFuzzer target for libcompliance/statement.c: read the input as a
 * statement payload with the strict schema and, when it is accepted, check
 * what it says (every string set, times canonical and ordered, object ids
 * well formed, every result complete). Both readings — the fast one-pass
 * and the careful two-pass one — run on every input that the fast one
 * refuses.
 *
 * Besides the sanitizers it checks the error contract: a failure returns
 * the code it stores, leaves no object, and fills a message.
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
    lcmp__statement_free(st);
    return 0;
}
