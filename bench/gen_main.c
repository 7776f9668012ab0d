/*
 * lcmp_gen: write a synthetic baseline or declaration (bench/gen.h).
 *
 *   lcmp_gen baseline DIR M
 *   lcmp_gen declaration FILE DIR M [SEED]
 *
 * Exit status: 0 written, 1 bad arguments, 2 generation failed.
 *
 * The command is lcmp_gen_main(), reachable as `bench_check gen ...`; a
 * standalone program gets main() too when built with LCMP_GEN_STANDALONE
 * (cc -DLCMP_GEN_STANDALONE bench/gen.c bench/gen_main.c -o lcmp_gen),
 * so that this file can also be compiled into every benchmark as a helper.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: lcmp_gen baseline DIR M\n"
            "       lcmp_gen declaration FILE DIR M [SEED]\n"
            "\n"
            "Writes a synthetic baseline with M controls into DIR, or a "
            "declaration\n"
            "(profile '%s') for the baseline generated in DIR with the "
            "same M.\n"
            "Dates are relative to %s.\n",
            LCMP_GEN_PROFILE,
            LCMP_GEN_REFERENCE_DATE);
}

/* A whole decimal number, no sign, no trailing characters. */
static int parse_u64(uint64_t *out, const char *s)
{
    unsigned long long v;
    char *end = NULL;

    if (s[0] < '0' || s[0] > '9') {
        return -1;
    }
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0') {
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int lcmp_gen_main(int argc, char **argv)
{
    char err[512] = "";
    uint64_t m = 0;
    uint64_t seed = 1;

    if (argc == 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "baseline") == 0) {
        if (parse_u64(&m, argv[3]) != 0 || m == 0 || m > LCMP_GEN_MAX_CONTROLS)
        {
            fprintf(stderr,
                    "lcmp_gen: M must be 1 to %zu, not '%s'\n",
                    LCMP_GEN_MAX_CONTROLS,
                    argv[3]);
            return 1;
        }
        if (lcmp_gen_baseline(argv[2], (size_t)m, err, sizeof(err)) != 0) {
            fprintf(stderr, "lcmp_gen: %s\n", err);
            return 2;
        }
        return 0;
    }
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "declaration") == 0) {
        if (parse_u64(&m, argv[4]) != 0 || m == 0 || m > LCMP_GEN_MAX_CONTROLS)
        {
            fprintf(stderr,
                    "lcmp_gen: M must be 1 to %zu, not '%s'\n",
                    LCMP_GEN_MAX_CONTROLS,
                    argv[4]);
            return 1;
        }
        if (argc == 6 && parse_u64(&seed, argv[5]) != 0) {
            fprintf(
                stderr, "lcmp_gen: SEED must be a number, not '%s'\n", argv[5]);
            return 1;
        }
        if (lcmp_gen_declaration(
                argv[2], argv[3], (size_t)m, seed, err, sizeof(err)) != 0)
        {
            fprintf(stderr, "lcmp_gen: %s\n", err);
            return 2;
        }
        return 0;
    }
    usage(stderr);
    return 1;
}

#ifdef LCMP_GEN_STANDALONE
int main(int argc, char **argv)
{
    return lcmp_gen_main(argc, argv);
}
#endif
