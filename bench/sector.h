/*
 * A synthetic sector for the benchmarks: N municipalities, each with its
 * own Ed25519 statement key (lcmp_key_generate), a declaration derived from
 * examples/medium-municipality.json whose maturity is drawn so that the
 * sector resembles the audit (exactly round(share * N) municipalities have
 * GOV-03 (40%), GOV-04 (30%) and BCM-01 (28%) in place; the others declare
 * them not implemented), evaluated against baselines/municipal and signed
 * (lcmp_attest) against a release description made here (SECTOR_RELEASE,
 * SECTOR_TAG_ID, SECTOR_COMMIT_ID) rather than a synced cache.
 *
 * Internal to bench/ and compiled into every benchmark, so every symbol is
 * prefixed `sector_`. Deterministic draw (seed 7); keys are random.
 */
#ifndef LCMP_BENCH_SECTOR_H
#define LCMP_BENCH_SECTOR_H

#include <stddef.h>
#include <stdint.h>

#include <libcompliance.h>

#define SECTOR_RELEASE   "v2026.1"
#define SECTOR_TAG_ID    "1111111111111111111111111111111111111111"
#define SECTOR_COMMIT_ID "2222222222222222222222222222222222222222"
/* Evaluation time of every statement (2026-11-27T09:00:00Z). */
#define SECTOR_AT ((int64_t)1795770000)

/*
 * Write a sector of `n` municipalities into `dir` (which must exist), each
 * with `per_org` statements (>= 1) evaluated one day apart, the newest at
 * SECTOR_AT: dir/statements/gem-NNNNN/v2026.1.json (newest) and
 * v2026.1-J.json (J days older), and dir/statement_signers (the keys as
 * allowed_signers lines, principal = organisation id). `src` is the source
 * tree (for baselines/municipal and examples/).
 *
 * @return 0, or -1 with a one-line message in `errbuf`
 */
int sector_generate(const char *dir,
                    const char *src,
                    size_t n,
                    size_t per_org,
                    char *errbuf,
                    size_t errsize);

/*
 * The release lookup that matches the statements sector_generate() signs
 * (an lcmp_release_fn; `payload` is ignored).
 */
int sector_release(lcmp_release_info *out,
                   lcmp_baseline **baseline_out,
                   const char *tag,
                   void *payload,
                   lcmp_error *err);

#endif
