/*
 * libFuzzer target for libcompliance/json.c: strict parsing under the
 * default and under tight limits, then the typed getters and
 * lcmp__json_expect_object() on whatever object comes out.
 *
 * Besides the sanitizers, it checks the error contract: a failure returns
 * the code it stores, leaves no tree, and fills NUL-terminated, valid UTF-8
 * text (errors end up in JSON output).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

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

static void check_error(int rc, const lcmp_error *err)
{
    if (rc == 0) {
        return;
    }
    if (err->code != rc || !utf8_valid(err->source, sizeof(err->source)) ||
        !utf8_valid(err->pointer, sizeof(err->pointer)) ||
        !utf8_valid(err->message, sizeof(err->message)) ||
        err->message[0] == '\0')
    {
        abort();
    }
}

/* Call every getter on every member of `obj`, as each type. */
static void walk(const json_t *obj)
{
    static const char *const allowed[] = {"schema", "id", "controls", NULL};
    const char *key;
    json_t *value;
    lcmp__jpath p;
    lcmp_error err;
    int rc;

    lcmp__jpath_init(&p, "fuzz.json", &err);
    lcmp__jpath_push(&p, "root");
    rc = lcmp__json_expect_object(obj, allowed, &p);
    check_error(rc, &err);
    json_object_foreach ((json_t *)obj, key, value) {
        const char *s = NULL, **list = NULL;
        json_t *v = NULL;
        int64_t i;
        int32_t d;
        double num;
        int b;
        size_t n;

        (void)lcmp__is_identifier(key);
        check_error(lcmp__json_get_string(&s, obj, key, 1, &p), &err);
        check_error(lcmp__json_get_id(&s, obj, key, 1, &p), &err);
        check_error(lcmp__json_get_bool(&b, obj, key, 1, &p), &err);
        check_error(lcmp__json_get_int(&i, obj, key, 1, &p), &err);
        check_error(lcmp__json_get_number(&num, obj, key, 1, &p), &err);
        check_error(lcmp__json_get_date(&d, obj, key, 1, &p), &err);
        check_error(lcmp__json_get_array(&v, obj, key, 1, &p), &err);
        check_error(lcmp__json_get_object(&v, obj, key, 1, &p), &err);
        rc = lcmp__json_get_strings(&list, &n, obj, key, 1, 1, &p);
        check_error(rc, &err);
        if (rc == 0) {
            free(list);
        }
        list = NULL;
        rc = lcmp__json_get_strings(&list, &n, obj, key, 1, 0, &p);
        check_error(rc, &err);
        if (rc == 0) {
            free(list);
        }
        if (strcmp(p.ptr, "/root") != 0) {
            abort();
        }
    }
    check_error(lcmp__json_get_string(
                    &(const char *){NULL}, obj, "absent \xc3\xa9", 1, &p),
                &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp__json_limits tight = {4096, 4};
    json_t *root = NULL;
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp__json_parse(&root, data, size, "fuzz.json", NULL, &err);
    check_error(rc, &err);
    if ((rc == 0) != (root != NULL)) {
        abort();
    }
    if (root != NULL && json_is_object(root)) {
        walk(root);
    }
    json_decref(root);
    root = NULL;

    lcmp_error_clear(&err);
    rc = lcmp__json_parse(&root, data, size, NULL, &tight, &err);
    check_error(rc, &err);
    if (rc == LCMP_ELIMIT && size <= tight.max_size &&
        (err.line < 1 || err.column < 1))
    {
        abort();
    }
    json_decref(root);
    return 0;
}
