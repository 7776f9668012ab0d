/*
 * libcompliance: a municipality's declaration of its controls, and the
 * ready-to-fill template. Format: docs/formats.md §2.
 */
#ifndef LIBCOMPLIANCE_DECLARATION_H
#define LIBCOMPLIANCE_DECLARATION_H

#include "common.h"
#include "baseline.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A loaded, immutable declaration; safe to read from many threads. */
typedef struct lcmp_declaration lcmp_declaration;

/**
 * Parse a declaration from memory.
 *
 * Facts are kept as declared; they are judged against a baseline only at
 * evaluation.
 *
 * @param[out] out the declaration; free with lcmp_declaration_free()
 * @param buf the exact bytes
 * @param len their length
 * @param source the name used in errors (e.g. the path), or NULL
 * @param opts limits, or NULL for the defaults
 * @return 0, LCMP_EPARSE, LCMP_ELIMIT or LCMP_EINVALID
 */
LCMP_EXTERN int lcmp_declaration_load_buffer(lcmp_declaration **out,
                                             const uint8_t *buf,
                                             size_t len,
                                             const char *source,
                                             const lcmp_load_options *opts,
                                             lcmp_error *err);

/** lcmp_declaration_load_buffer() on a file; LCMP_EIO if unreadable. */
LCMP_EXTERN int lcmp_declaration_load_file(lcmp_declaration **out,
                                           const char *path,
                                           const lcmp_load_options *opts,
                                           lcmp_error *err);

/** Free a declaration; NULL-safe. */
LCMP_EXTERN void lcmp_declaration_free(lcmp_declaration *declaration);

/** Organisation id (borrowed). */
LCMP_EXTERN const char *
lcmp_declaration_org_id(const lcmp_declaration *declaration);
/** Organisation name (borrowed). */
LCMP_EXTERN const char *
lcmp_declaration_org_name(const lcmp_declaration *declaration);
/** The declared profile (borrowed), NULL if the declaration names none. */
LCMP_EXTERN const char *
lcmp_declaration_profile(const lcmp_declaration *declaration);
/** The declared baseline id (borrowed), NULL if the declaration names none. */
LCMP_EXTERN const char *
lcmp_declaration_baseline(const lcmp_declaration *declaration);
/** Number of declared controls. */
LCMP_EXTERN size_t
lcmp_declaration_control_count(const lcmp_declaration *declaration);

/**
 * Write a ready-to-fill declaration for a resolved profile: every selected
 * control with status "not_implemented", every fact with a placeholder of
 * its type, and an evidence list when evidence is required. The output is
 * a valid declaration.
 *
 * @param[out] out JSON text, ending with a newline
 * @param profile the resolved profile
 * @param org_id organisation id to fill in, or NULL for a placeholder
 * @param org_name organisation name, or NULL for a placeholder
 * @return 0 or LCMP_ENOMEM
 */
LCMP_EXTERN int lcmp_template_write(lcmp_buf *out,
                                    const lcmp_profile *profile,
                                    const char *org_id,
                                    const char *org_name,
                                    lcmp_error *err);

#ifdef __cplusplus
}
#endif

#endif
