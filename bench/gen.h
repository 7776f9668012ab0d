/*
 * Synthetic baselines and declarations of any size, for the benchmarks.
 *
 * Internal to bench/: used by bench_check (bench_check.c) and by the
 * lcmp_gen command (gen_main.c). It needs only the C library and POSIX
 * (no libcompliance, no jansson), and writes files that are valid per
 * docs/formats.md.
 *
 * Determinism: the baseline is a pure function of the number of controls M;
 * the declaration is a pure function of (M, seed). Dates are relative to
 * LCMP_GEN_REFERENCE_DATE, never to the clock, so a declaration evaluated
 * at LCMP_GEN_REFERENCE_TIME always gives the same results.
 */
#ifndef LCMP_BENCH_GEN_H
#define LCMP_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

/* The evaluation time the generated dates are chosen around. */
#define LCMP_GEN_REFERENCE_DATE "2026-11-27"
#define LCMP_GEN_REFERENCE_TIME "2026-11-27T09:00:00Z"

/* The profile the generated declaration names and is made for. */
#define LCMP_GEN_PROFILE "important"

/* Largest M accepted (20 families of at most 9,999 controls). */
#define LCMP_GEN_MAX_CONTROLS ((size_t)199980)

/*
 * Write a baseline tree with `controls` controls into `dir` (created if
 * missing; existing files are overwritten): baseline.json, one
 * controls/<family>.json per family (10-20 families) and the profiles
 * basic (~60%), important (~85%, extends basic, overrides parameters) and
 * essential (everything, extends important).
 *
 * @return 0, or -1 with a one-line message in `errbuf`
 */
int lcmp_gen_baseline(const char *dir,
                      size_t controls,
                      char *errbuf,
                      size_t errsize);

/*
 * Write a declaration (profile "important") for the baseline that
 * lcmp_gen_baseline() writes for the same `controls`: a mix of statuses,
 * facts (most good, some stale, out of range, in the future, invalid or
 * missing), evidence with sha256 digests, a few exceptions (valid and
 * expired) and a few ids that cause warnings. When `dir` is not NULL, its
 * baseline.json must be the manifest generated for `controls`.
 *
 * @return 0, or -1 with a one-line message in `errbuf`
 */
int lcmp_gen_declaration(const char *file,
                         const char *dir,
                         size_t controls,
                         uint64_t seed,
                         char *errbuf,
                         size_t errsize);

/*
 * The lcmp_gen command (gen_main.c): argv[1] is "baseline" or
 * "declaration". Returns the exit status: 0, 1 (usage) or 2 (failure).
 */
int lcmp_gen_main(int argc, char **argv);

/* The id of the generated baseline for `controls`, e.g. "synthetic-1200". */
void lcmp_gen_baseline_id(char *out, size_t size, size_t controls);

#endif
