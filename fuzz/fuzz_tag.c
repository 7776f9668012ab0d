/*
 * libFuzzer target for libcompliance/tag.c: the raw tag parser and the
 * release name parser.
 *
 * Besides the sanitizers, it checks the contract: on success the payload
 * and the signature tile the input exactly, the signature starts with an
 * armour header and the message lies inside the payload; on failure the
 * returned code is the stored one. A release name that parses compares
 * equal to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tag.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp__tag t;
    lcmp_error err;
    char name[80];
    uint32_t parts[3];
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp__tag_parse(&t, data, size, "fuzz", &err);
    if (rc < 0) {
        if (err.code != rc) {
            abort();
        }
    } else {
        if (t.payload != data || t.payload_len > size) {
            abort();
        }
        if (t.sig_kind == LCMP__TAG_SIG_NONE) {
            if (t.signature != NULL || t.payload_len != size) {
                abort();
            }
        } else if ((const uint8_t *)t.signature != data + t.payload_len ||
                   t.payload_len + t.signature_len != size ||
                   t.signature_len < 5 || memcmp(t.signature, "-----", 5) != 0)
        {
            abort();
        }
        if ((const uint8_t *)t.message < data ||
            (const uint8_t *)t.message + t.message_len > data + t.payload_len)
        {
            abort();
        }
        if (strlen(t.object) != 40 || strlen(t.name) == 0) {
            abort();
        }
    }

    if (size < sizeof(name)) {
        memcpy(name, data, size);
        name[size] = '\0';
        if (lcmp__release_name_parse(parts, name) &&
            lcmp__release_name_cmp(name, name) != 0)
        {
            abort();
        }
    }
    return 0;
}
