/*
 * libFuzzer target for libcompliance/declaration.c: load a declaration
 * from the input and, when it loads, check the model's invariants (file
 * order, indices, lookups by id for every control and exception).
 *
 * Besides the sanitizers, it checks the error contract: a failure returns
 * the code it stores, leaves no object, and fills NUL-terminated, valid
 * UTF-8 text with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether `s` (within `cap` bytes) is NUL-terminated, well-formed UTF-8. */
static int utf8_valid(const char *s, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + cap;

    while (p < end && *p != '\0') {
        unsigned char lo = 0x80, hi = 0xbf;
        size_t n = 1, i;

        if (*p >= 0xc2 && *p <= 0xdf) {
            n = 2;
        } else if (*p >= 0xe0 && *p <= 0xef) {
            n = 3;
            lo = *p == 0xe0 ? 0xa0 : 0x80;
            hi = *p == 0xed ? 0x9f : 0xbf;
        } else if (*p >= 0xf0 && *p <= 0xf4) {
            n = 4;
            lo = *p == 0xf0 ? 0x90 : 0x80;
            hi = *p == 0xf4 ? 0x8f : 0xbf;
        } else if (*p >= 0x80) {
            return 0;
        }
        if (n > 1 && (p + n >= end || p[1] < lo || p[1] > hi)) {
            return 0;
        }
        for (i = 2; i < n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                return 0;
            }
        }
        p += n;
    }
    return p < end;
}

static void check(const lcmp_declaration *d)
{
    size_t i;

    if (lcmp_declaration_org_id(d) == NULL ||
        lcmp_declaration_org_name(d) == NULL) {
        abort();
    }
    for (i = 0; i < d->ncontrols; i++) {
        const lcmp__decl_control *c = &d->controls[i];

        if (c->index != i || lcmp__declaration_find(d, c->id) != c ||
            (c->status == LCMP__STATUS_PLANNED) != c->has_target_date ||
            (c->status == LCMP__STATUS_NOT_APPLICABLE) !=
                (c->justification != NULL))
        {
            abort();
        }
        if (i > 0 && strcmp(d->controls[d->by_id[i - 1]].id,
                            d->controls[d->by_id[i]].id) >= 0)
        {
            abort();
        }
    }
    for (i = 0; i < d->nexceptions; i++) {
        const lcmp__exception *e = &d->exceptions[i];

        if (e->index != i || lcmp__declaration_exception(d, e->control) != e) {
            abort();
        }
    }
    if (lcmp__declaration_find(d, "") != NULL ||
        lcmp__declaration_exception(d, "") != NULL)
    {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp_declaration *d = NULL;
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_declaration_load_buffer(&d, data, size, "fuzz.json", NULL, &err);
    if ((rc == 0) != (d != NULL)) {
        abort();
    }
    if (rc == 0) {
        check(d);
    } else if (err.code != rc || err.message[0] == '\0' ||
               !utf8_valid(err.source, sizeof(err.source)) ||
               !utf8_valid(err.pointer, sizeof(err.pointer)) ||
               !utf8_valid(err.message, sizeof(err.message)))
    {
        abort();
    }
    lcmp_declaration_free(d);
    return 0;
}
