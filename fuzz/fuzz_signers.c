/*
 * libFuzzer target for libcompliance/signers.c: allowed_signers text is
 * loaded, and what loads is searched for the RFC 8032 TEST 1 key with and
 * without a principal, in two namespaces, at three times.
 *
 * Besides the sanitizers, it checks the contract: a failure returns the
 * code it stores with a message and leaves no object, a syntax error
 * (LCMP_EPARSE) names a line inside the input, a success has at most
 * 10,000 entries, and a lookup either borrows a principals field or says
 * why not (LCMP_EVERIFY).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshsig.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(int rc, const lcmp_error *err)
{
    if (rc == 0) {
        return;
    }
    if (err->code != rc || err->message[0] == '\0' ||
        memchr(err->message, '\0', sizeof(err->message)) == NULL)
    {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const principals[] = {NULL, "gem-a", "alice@x", ""};
    static const char *const namespaces[] = {"git", "file"};
    static const int64_t times[] = {0, (int64_t)20454 * 86400, INT64_MAX};
    lcmp_signers *signers = NULL;
    lcmp__sshkey *key = NULL;
    lcmp_error err;
    size_t i, j, k, lines = 1;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_signers_load_buffer(&signers, data, size, "fuzz", &err);
    check_error(rc, &err);
    if ((rc == 0) != (signers != NULL)) {
        abort();
    }
    for (i = 0; i < size; i++) {
        lines += data[i] == '\n';
    }
    if (rc == LCMP_EPARSE && (err.line < 1 || (size_t)err.line > lines)) {
        abort();
    }
    if (signers == NULL) {
        return 0;
    }
    if (lcmp_signers_count(signers) > 10000) {
        abort();
    }
    if (lcmp__sshkey_from_text(&key,
                               "ssh-ed25519",
                               "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lk"
                               "BzoO4XLz2qYjJa8CGmj3B1Ea",
                               &err) != 0)
    {
        abort();
    }
    for (i = 0; i < sizeof(principals) / sizeof(principals[0]); i++) {
        for (j = 0; j < 2; j++) {
            for (k = 0; k < 3; k++) {
                const char *found = NULL;

                rc = lcmp__signers_find(&found,
                                        signers,
                                        key,
                                        principals[i],
                                        namespaces[j],
                                        times[k],
                                        &err);
                check_error(rc, &err);
                if ((rc == 0) != (found != NULL) ||
                    (rc != 0 && rc != LCMP_EVERIFY)) {
                    abort();
                }
            }
        }
    }
    lcmp__sshkey_free(key);
    lcmp_signers_free(signers);
    return 0;
}
