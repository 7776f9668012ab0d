/*
 * `compliance validate [DIR]`: lint a baseline tree and print every
 * problem, one per line, then a summary. The association runs it in its CI.
 *
 * Problems are the command's answer, so they go to stdout; exit 1 when
 * there are any. A DIR that is not a directory is a usage error (2).
 */
#include "cli.h"

#include <stdlib.h>

static const char usage[] =
    "usage: compliance validate [DIR]\n"
    "\n"
    "Lint the baseline tree in DIR (default: the current directory): the\n"
    "manifest, every controls file and every profile. Prints each problem\n"
    "as FILE[:LINE:COLUMN]: POINTER: MESSAGE, then a summary.\n"
    "\n"
    "options:\n"
    "  -q, --quiet     print only the summary\n"
    "  -h, --help      print this help\n"
    "\n"
    "exit codes: 0 valid, 1 problems found, 2 usage error (DIR is not a\n"
    "directory), 3 environment failure.\n";

static const cli_option options[] = {
    {NULL, 0, false, 0},
};

/* The summary of a valid tree names its id and size. */
static int print_valid(const cli_ctx *ctx, const char *dir)
{
    lcmp_baseline *baseline = NULL;
    lcmp_error err;
    size_t controls, profiles;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_baseline_load_dir(&baseline, dir, NULL, &err);
    if (rc < 0 && cli_exit_code(rc) == CLI_EXIT_ENV) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    if (rc < 0) {
        /* validate found nothing, load did: report it as a problem. */
        char line[1024];
        lcmp_error_format(line, sizeof(line), &err);
        cli_printf(stdout, "%s\n", line);
        fputs(cli_color(ctx, CLI_RED), stdout);
        cli_printf(stdout, "1 problem in %s", dir);
        fputs(cli_color(ctx, CLI_RESET), stdout);
        putchar('\n');
        rc = CLI_EXIT_NO;
        goto done;
    }
    controls = lcmp_baseline_control_count(baseline);
    profiles = lcmp_baseline_profile_count(baseline);
    fputs(cli_color(ctx, CLI_GREEN), stdout);
    cli_printf(stdout,
               "%s: valid baseline '%s' (%zu control%s, %zu profile%s)",
               dir,
               lcmp_baseline_id(baseline),
               controls,
               controls == 1 ? "" : "s",
               profiles,
               profiles == 1 ? "" : "s");
    fputs(cli_color(ctx, CLI_RESET), stdout);
    putchar('\n');
    rc = CLI_EXIT_OK;

done:
    lcmp_baseline_free(baseline);
    return rc;
}

int cmd_validate(cli_ctx *ctx, int argc, char **argv)
{
    lcmp_problems *problems = NULL;
    lcmp_error err;
    cli_parser p;
    const char *dir = NULL, *value;
    size_t i, n;
    int id, next, rc;

    cli_parser_init(&p, "validate", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            if (dir != NULL) {
                cli_errorf("validate: more than one directory given ('%s')",
                           value);
                return CLI_EXIT_USAGE;
            }
            dir = value;
        } else if (cli_common_option(ctx, id, usage)) {
            return CLI_EXIT_OK;
        }
    }
    if (dir == NULL) {
        dir = ".";
    }
    rc = cli_require_dir(dir, "directory");
    if (rc != 0) {
        return rc;
    }

    lcmp_error_clear(&err);
    rc = lcmp_baseline_validate_dir(&problems, dir, NULL, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    n = lcmp_problems_count(problems);
    if (n == 0) {
        rc = print_valid(ctx, dir);
        goto done;
    }
    if (ctx->verbosity >= 0) {
        for (i = 0; i < n; i++) {
            char line[1024];
            lcmp_error_format(
                line, sizeof(line), lcmp_problems_get(problems, i));
            cli_printf(stdout, "%s\n", line);
        }
    }
    fputs(cli_color(ctx, CLI_RED), stdout);
    cli_printf(stdout, "%zu problem%s in %s", n, n == 1 ? "" : "s", dir);
    fputs(cli_color(ctx, CLI_RESET), stdout);
    putchar('\n');
    rc = CLI_EXIT_NO;

done:
    lcmp_problems_free(problems);
    return rc;
}
