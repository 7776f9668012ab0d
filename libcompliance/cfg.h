/*
 * compliance.json from memory (internal; the public loader is
 * lcmp_config_load in include/libcompliance/config.h).
 */
#ifndef LCMP_CFG_H
#define LCMP_CFG_H

#include "libcompliance/config.h"

/* Parse configuration text; `source` names it in errors. Same codes as
 * lcmp_config_load(). */
int lcmp__config_parse(lcmp_config **out,
                       const uint8_t *buf,
                       size_t len,
                       const char *source,
                       const lcmp_load_options *opts,
                       lcmp_error *err);

#endif
