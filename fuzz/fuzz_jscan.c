/*
 * libFuzzer target for libcompliance/jscan.c, differential: the scanner
 * must accept exactly the documents that the project's strict jansson
 * loader (lcmp__json_parse, same depth limit) accepts — except documents
 * with duplicate keys, which jansson refuses everywhere and the scanner
 * leaves to the schema code that knows the members (lcmp__jscan_skip()
 * does not look for them), and documents with a NUL byte outside strings,
 * which jansson 2.14 lets end a number. Any other disagreement aborts.
 *
 * It also checks the error contract: a refusal fills a message and, for
 * syntax errors, a line and column.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp__json_limits lim = {(size_t)1 << 20, 16};
    lcmp_error ours, theirs;
    json_t *doc = NULL;
    lcmp__jscan js;
    int a, b;

    if (size > lim.max_size) {
        return 0;
    }
    lcmp_error_clear(&ours);
    lcmp_error_clear(&theirs);
    if (lcmp__jscan_init(&js, data, size, "fuzz.json", 16, &ours) != 0) {
        return 0;
    }
    a = lcmp__jscan_skip(&js);
    if (a == 0) {
        a = lcmp__jscan_finish(&js);
    }
    lcmp__jscan_dispose(&js);
    b = lcmp__json_parse(&doc, data, size, "fuzz.json", &lim, &theirs);
    json_decref(doc);

    if (a != 0 && (ours.message[0] == '\0' || ours.code != a)) {
        abort();
    }
    if (a == LCMP_EPARSE && ours.line < 1) {
        abort(); /* a syntax error says where */
    }
    /* we accept: jansson must, unless it saw a duplicate key */
    if (a == 0 && b != 0 && strstr(theirs.message, "duplicate") == NULL) {
        abort();
    }
    /* jansson accepts: so must we, unless the text holds a NUL byte
     * (jansson 2.14 lets one end a number token: "[1\0]"; RFC 8259 does
     * not) */
    if (b == 0 && a != 0 && memchr(data, 0, size) == NULL) {
        abort();
    }
    return 0;
}
