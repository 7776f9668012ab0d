/*
 * libFuzzer target for libcompliance/config.c: compliance.json from
 * memory. Checks the contract besides the sanitizers: a failure returns
 * the code it stores and leaves no configuration; on success every known
 * key reads back as a non-empty string or NULL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"remote",
                                       "cache",
                                       "release_signers",
                                       "organisation",
                                       "profile",
                                       "declaration",
                                       "key",
                                       "baseline",
                                       "ca_file",
                                       "ssh_key",
                                       "host_key",
                                       "max_fetch_bytes"};
    lcmp_config *cfg = NULL;
    lcmp_error err;
    size_t i;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp__config_parse(&cfg, data, size, "fuzz", NULL, &err);
    if (rc < 0) {
        if (cfg != NULL || err.code != rc) {
            abort();
        }
        return 0;
    }
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = lcmp_config_get(cfg, keys[i]);

        if (v != NULL && v[0] == '\0') {
            abort();
        }
    }
    lcmp_config_free(cfg);
    return 0;
}
