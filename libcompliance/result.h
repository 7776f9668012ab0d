/*
 * The internal layout of an evaluation result, shared by the rule engine
 * (evaluate.c), which fills it, and result.c, which reads, serialises and
 * frees it. Never exported.
 *
 * Invariants: every string a result holds is either borrowed from the
 * profile, its baseline or the declaration (which outlive the result), or
 * lives in the result's arena. Arena blocks never move, so pointers into
 * them stay valid until lcmp_result_free(). The reasons of control i are
 * the slice of `reasons` that follows the reasons of controls 0..i-1.
 */
#ifndef LCMP_RESULT_H
#define LCMP_RESULT_H

#include <stdarg.h>

#include "libcompliance/evaluate.h"
#include "util.h"

/*
 * A bump allocator for strings: blocks of at least 64 KiB, freed all at
 * once. Allocation never moves earlier strings.
 */
typedef struct lcmp__arena_block lcmp__arena_block;

typedef struct lcmp__arena {
    lcmp__arena_block *head; /* the block being filled, newest first */
} lcmp__arena;

/* A NUL-terminated copy of `len` bytes of `s`; NULL when out of memory. */
char *lcmp__arena_strndup(lcmp__arena *a, const char *s, size_t len);
/* printf into the arena; NULL when out of memory. */
char *lcmp__arena_printf(lcmp__arena *a, const char *fmt, ...)
    LCMP__PRINTF(2, 3);
char *lcmp__arena_vprintf(lcmp__arena *a, const char *fmt, va_list ap)
    LCMP__PRINTF(2, 0);
void lcmp__arena_dispose(lcmp__arena *a);

struct lcmp_result {
    const lcmp_profile *profile;
    const lcmp_declaration *declaration;
    int64_t evaluated_at;
    lcmp_control_result *controls; /* the profile's controls, same order */
    size_t ncontrols;
    lcmp_reason *reasons; /* all reasons, control after control */
    size_t nreasons;
    lcmp_family_result *families; /* manifest order, non-empty only */
    size_t nfamilies;
    lcmp_warning *warnings;
    size_t nwarnings;
    lcmp_counts summary;
    lcmp__arena arena;
};

/* Score per docs/formats.md §3: 100 when nothing is applicable. */
unsigned int lcmp__counts_score(const lcmp_counts *c);

#endif
