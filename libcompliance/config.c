/*
 * The configuration file compliance.json: a flat object of known keys.
 *
 * Invariants: strict like every other input (lcmp__json_parse: size and
 * depth limits, duplicate keys, invalid UTF-8 and NUL refused); unknown
 * keys and wrong types are refused with their JSON pointer, never ignored;
 * values are copied, so the loaded configuration owns everything it
 * returns and is immutable.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "json.h"
#include "util.h"

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
                                   "max_fetch_bytes",
                                   NULL};

#define NKEYS           (sizeof(keys) / sizeof(keys[0]) - 1)
#define CONFIG_MAX_SIZE ((size_t)64 * 1024)

struct lcmp_config {
    char *path;
    char *values[NKEYS];
};

void lcmp_config_free(lcmp_config *cfg)
{
    size_t i;

    if (cfg == NULL) {
        return;
    }
    for (i = 0; i < NKEYS; i++) {
        free(cfg->values[i]);
    }
    free(cfg->path);
    free(cfg);
}

static size_t key_index(const char *key)
{
    size_t i;

    for (i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i], key) == 0) {
            return i;
        }
    }
    return NKEYS;
}

/* max_fetch_bytes: a positive integer, as a JSON integer or digits. */
static int byte_count(char **out, const json_t *v, lcmp__jpath *p)
{
    char text[32];
    const char *s;
    size_t i;

    if (json_is_integer(v)) {
        if (json_integer_value(v) <= 0) {
            return lcmp__jpath_error_at(p,
                                        "max_fetch_bytes",
                                        LCMP_EPARSE,
                                        "expected a positive number of "
                                        "bytes");
        }
        snprintf(
            text, sizeof(text), "%" PRId64, (int64_t)json_integer_value(v));
        s = text;
    } else if (json_is_string(v)) {
        s = json_string_value(v);
        if (s[0] == '\0' || s[0] == '0' || strlen(s) > 19) {
            return lcmp__jpath_error_at(p,
                                        "max_fetch_bytes",
                                        LCMP_EPARSE,
                                        "expected a positive number of "
                                        "bytes");
        }
        for (i = 0; s[i] != '\0'; i++) {
            if (s[i] < '0' || s[i] > '9') {
                return lcmp__jpath_error_at(p,
                                            "max_fetch_bytes",
                                            LCMP_EPARSE,
                                            "expected a positive number of "
                                            "bytes");
            }
        }
    } else {
        return lcmp__jpath_error_at(p,
                                    "max_fetch_bytes",
                                    LCMP_EPARSE,
                                    "expected an integer, got %s",
                                    lcmp__json_type_name(v));
    }
    *out = lcmp__strdup(s);
    return *out == NULL ? LCMP_ENOMEM : 0;
}

int lcmp__config_parse(lcmp_config **out,
                       const uint8_t *buf,
                       size_t len,
                       const char *path,
                       const lcmp_load_options *opts,
                       lcmp_error *err)
{
    lcmp_config *cfg = NULL;
    lcmp__json_limits lim;
    json_t *doc = NULL;
    lcmp__jpath p;
    const char *key;
    json_t *v;
    int rc = LCMP_ERROR;

    if (out == NULL || path == NULL || (buf == NULL && len > 0)) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "invalid argument");
    }
    *out = NULL;
    if ((rc = lcmp__json_limits_from(&lim, opts, err)) < 0) {
        return rc;
    }
    if (lim.max_size > CONFIG_MAX_SIZE) {
        lim.max_size = CONFIG_MAX_SIZE;
    }
    if ((rc = lcmp__json_parse(&doc, buf, len, path, &lim, err)) < 0) {
        goto done;
    }
    lcmp__jpath_init(&p, path, err);
    if ((rc = lcmp__json_expect_object(doc, keys, &p)) < 0) {
        goto done;
    }
    cfg = calloc(1, sizeof(*cfg));
    if (cfg == NULL || (cfg->path = lcmp__strdup(path)) == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
        goto done;
    }
    json_object_foreach (doc, key, v) {
        size_t i = key_index(key);

        if (strcmp(key, "max_fetch_bytes") == 0) {
            rc = byte_count(&cfg->values[i], v, &p);
            if (rc == LCMP_ENOMEM) {
                rc = lcmp__error_set(
                    err, LCMP_ENOMEM, path, NULL, "out of memory");
            }
            if (rc < 0) {
                goto done;
            }
            continue;
        }
        if (!json_is_string(v)) {
            rc = lcmp__jpath_error_at(&p,
                                      key,
                                      LCMP_EPARSE,
                                      "expected a string, got %s",
                                      lcmp__json_type_name(v));
            goto done;
        }
        if (json_string_length(v) == 0) {
            rc = lcmp__jpath_error_at(&p, key, LCMP_EPARSE, "empty value");
            goto done;
        }
        cfg->values[i] = lcmp__strdup(json_string_value(v));
        if (cfg->values[i] == NULL) {
            rc = lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
            goto done;
        }
    }
    *out = cfg;
    cfg = NULL;
    rc = 0;
done:
    json_decref(doc);
    lcmp_config_free(cfg);
    return rc;
}

int lcmp_config_load(lcmp_config **out,
                     const char *path,
                     const lcmp_load_options *opts,
                     lcmp_error *err)
{
    lcmp__json_limits lim;
    lcmp_buf buf = LCMP_BUF_INIT;
    int rc;

    if (out == NULL || path == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "invalid argument");
    }
    *out = NULL;
    if ((rc = lcmp__json_limits_from(&lim, opts, err)) < 0) {
        return rc;
    }
    if (lim.max_size > CONFIG_MAX_SIZE) {
        lim.max_size = CONFIG_MAX_SIZE;
    }
    rc = lcmp__file_read(&buf, path, lim.max_size, err);
    if (rc == 0) {
        rc = lcmp__config_parse(
            out, (const uint8_t *)buf.ptr, buf.size, path, opts, err);
    }
    lcmp_buf_dispose(&buf);
    return rc;
}

const char *lcmp_config_get(const lcmp_config *cfg, const char *key)
{
    size_t i;

    if (cfg == NULL || key == NULL) {
        return NULL;
    }
    i = key_index(key);
    return i < NKEYS ? cfg->values[i] : NULL;
}

const char *lcmp_config_path(const lcmp_config *cfg)
{
    return cfg != NULL ? cfg->path : NULL;
}
