/*
 * libcompliance: the project configuration file `compliance.json`.
 *
 * A flat JSON object of string values (and one integer) giving defaults
 * for the command-line options: remote, cache, release_signers,
 * organisation, profile, declaration, key, baseline, ca_file, ssh_key,
 * host_key, max_fetch_bytes. Unknown keys, duplicate keys and wrong types
 * are refused with a JSON pointer. Format: docs/formats.md.
 */
#ifndef LIBCOMPLIANCE_CONFIG_H
#define LIBCOMPLIANCE_CONFIG_H

#include "common.h"
#include "baseline.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A loaded configuration; immutable, safe to read from many threads. */
typedef struct lcmp_config lcmp_config;

/** The configuration file looked for in the current directory. */
#define LCMP_CONFIG_DEFAULT_FILE "compliance.json"

/**
 * Load a configuration file.
 *
 * Relative paths inside the file are kept as written (the caller decides
 * what they are relative to). `max_fetch_bytes` may be a JSON integer or
 * a string of decimal digits; lcmp_config_get() returns it as decimal
 * text.
 *
 * @param[out] out the configuration; free with lcmp_config_free()
 * @param path the file
 * @param opts limits, or NULL for the defaults
 * @param err optional error (file, JSON pointer, message)
 * @return 0, LCMP_ENOTFOUND (no such file), LCMP_EPARSE (malformed,
 *         unknown key, wrong type), LCMP_ELIMIT or LCMP_EIO
 */
LCMP_EXTERN int lcmp_config_load(lcmp_config **out,
                                 const char *path,
                                 const lcmp_load_options *opts,
                                 lcmp_error *err);

/** Free a configuration; NULL-safe. */
LCMP_EXTERN void lcmp_config_free(lcmp_config *cfg);

/**
 * The value of a key (borrowed from `cfg`), or NULL when the key is not
 * set or not a known key. NULL-safe for `cfg`.
 */
LCMP_EXTERN const char *lcmp_config_get(const lcmp_config *cfg,
                                        const char *key);

/** The path the configuration was loaded from (borrowed). */
LCMP_EXTERN const char *lcmp_config_path(const lcmp_config *cfg);

#ifdef __cplusplus
}
#endif

#endif
