/*
 * libcompliance: prove cybersecurity compliance against a shared baseline.
 *
 * The public API. Every function, type and macro is prefixed `lcmp_` or
 * `LCMP_`. Fallible functions return 0 or a negative lcmp_error_code and
 * fill an optional caller-owned lcmp_error. Objects are opaque, made by
 * `_new`/`_load` functions and freed by NULL-safe `_free` functions. There
 * is no global state.
 */
#ifndef LIBCOMPLIANCE_H
#define LIBCOMPLIANCE_H

#include "libcompliance/common.h"
#include "libcompliance/baseline.h"
#include "libcompliance/declaration.h"
#include "libcompliance/evaluate.h"
#include "libcompliance/trust.h"
#include "libcompliance/sync.h"
#include "libcompliance/config.h"
#include "libcompliance/statement.h"
#include "libcompliance/oscal.h"
#include "libcompliance/diff.h"
#include "libcompliance/report.h"
#include "libcompliance/publish.h"

#endif
