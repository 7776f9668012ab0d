/*
 * `compliance oscal resolve PROFILE [--out FILE]`: resolve an OSCAL profile
 * (JSON) into its resolved profile catalog, per NIST's profile resolution
 * specification, with deterministic bytes: the same inputs always give the
 * same output (docs/oscal.md).
 *
 * The catalog goes to stdout, or with --out to FILE, written atomically
 * (an existing FILE is refused unless --force, as `template` does). Conditions
 * the specification says must not stop resolution are warnings on stderr
 * ("compliance: warning: ...", not with -q). Exit 0 resolved, 2 usage error or
 * an unreadable, malformed or unresolvable input (one line on stderr: file,
 * JSON pointer, why), 3 environment failure.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: compliance oscal resolve PROFILE [--out FILE [--force]]\n"
    "                                [--map HREF=PATH] [--compact]\n"
    "\n"
    "Resolve the OSCAL profile PROFILE (JSON) into its resolved profile\n"
    "catalog: imports (relative hrefs, #uuid back-matter resources, XML or\n"
    "YAML names read as the JSON file beside them), selection, merge\n"
    "(as-is, flat), set-parameters and alters. The same inputs always give\n"
    "the same bytes.\n"
    "\n"
    "options:\n"
    "  --out FILE        write the catalog to FILE (atomically) instead of\n"
    "                    stdout\n"
    "  --force           with --out: replace an existing FILE\n"
    "  --map HREF=PATH   read the document that an import names HREF (an\n"
    "                    href, a #uuid or an rlink's href) from PATH;\n"
    "                    may be repeated\n"
    "  --compact         no indentation\n"
    "  -q, --quiet       no warnings\n"
    "  -h, --help        print this help\n"
    "\n"
    "exit codes: 0 resolved, 2 usage error, FILE exists, or an unreadable,\n"
    "malformed or unresolvable input, 3 environment failure.\n";

static const char top_usage[] =
    "usage: compliance oscal resolve PROFILE [--out FILE] [--map HREF=PATH]\n"
    "\n"
    "OSCAL interoperability. Subcommands:\n"
    "  resolve PROFILE   print the resolved profile catalog\n"
    "\n"
    "Run 'compliance oscal resolve --help' for its options. OSCAL results\n"
    "come from 'compliance check --format oscal'.\n";

enum { OPT_OUT = 1, OPT_FORCE, OPT_MAP, OPT_COMPACT };

static const cli_option options[] = {
    {"out", 'o', true, OPT_OUT},
    {"force", 'f', false, OPT_FORCE},
    {"map", 0, true, OPT_MAP},
    {"compact", 0, false, OPT_COMPACT},
    {NULL, 0, false, 0},
};

/* Warnings from the resolver, one line each on stderr. */
static void print_warning(const lcmp_error *w, void *payload)
{
    const cli_ctx *ctx = payload;
    lcmp_error copy = *w;
    char line[1024];

    if (ctx->verbosity < 0) {
        return;
    }
    copy.code = LCMP_ERROR; /* lcmp_error_format prints a filled error */
    lcmp_error_format(line, sizeof(line), &copy);
    cli_errorf("warning: %s", line);
}

static int resolve(cli_ctx *ctx, int argc, char **argv)
{
    lcmp_oscal_options opts = LCMP_OSCAL_OPTIONS_INIT;
    lcmp_oscal_href *maps = NULL;
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_error err;
    const char *profile = NULL, *out_path = NULL, *value;
    uint32_t flags = 0;
    size_t nmaps = 0;
    bool force = false;
    cli_parser p;
    int id, next, rc;

    maps = calloc((size_t)argc + 1, sizeof(*maps));
    if (maps == NULL) {
        cli_errorf("out of memory");
        return CLI_EXIT_ENV;
    }
    cli_parser_init(&p, "oscal resolve", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        if (next == CLI_NEXT_OPERAND) {
            if (profile != NULL) {
                cli_errorf("oscal resolve: unexpected argument '%s' (one "
                           "PROFILE only)",
                           value);
                rc = CLI_EXIT_USAGE;
                goto done;
            }
            profile = value;
            continue;
        }
        switch (id) {
        case OPT_OUT:
            out_path = value;
            break;
        case OPT_FORCE:
            force = true;
            break;
        case OPT_MAP: {
            const char *eq = strchr(value, '=');

            if (eq == NULL || eq == value || eq[1] == '\0') {
                cli_errorf("oscal resolve: --map: expected HREF=PATH, got "
                           "'%s'",
                           value);
                rc = CLI_EXIT_USAGE;
                goto done;
            }
            /* argv is ours to split: the href ends at the '=' */
            ((char *)eq)[0] = '\0';
            maps[nmaps].href = value;
            maps[nmaps].path = eq + 1;
            nmaps++;
            break;
        }
        case OPT_COMPACT:
            flags |= LCMP_OSCAL_F_COMPACT;
            break;
        default:
            if (cli_common_option(ctx, id, usage)) {
                rc = CLI_EXIT_OK;
                goto done;
            }
            break;
        }
    }
    if (profile == NULL) {
        cli_errorf("oscal resolve: missing PROFILE (see 'compliance oscal "
                   "resolve --help')");
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    rc = cli_require_file(profile, "OSCAL profile");
    if (rc != 0) {
        goto done;
    }
    opts.hrefs = maps;
    opts.nhrefs = nmaps;
    opts.warn = print_warning;
    opts.warn_payload = ctx;
    lcmp_error_clear(&err);
    rc = lcmp_oscal_resolve(&out, profile, &opts, flags, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    if (out_path != NULL) {
        rc = cli_write_file_atomic(out_path, out.ptr, out.size, force);
    } else if (fwrite(out.ptr, 1, out.size, stdout) != out.size ||
               fflush(stdout) != 0)
    {
        cli_errorf("stdout: cannot write");
        rc = CLI_EXIT_ENV;
    } else {
        rc = CLI_EXIT_OK;
    }
done:
    lcmp_buf_dispose(&out);
    free(maps);
    return rc;
}

int cmd_oscal(cli_ctx *ctx, int argc, char **argv)
{
    if (argc < 2) {
        cli_errorf("oscal: missing subcommand (see 'compliance oscal "
                   "--help')");
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "resolve") == 0) {
        return resolve(ctx, argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
    {
        fputs(top_usage, stdout);
        return CLI_EXIT_OK;
    }
    cli_errorf("oscal: unknown subcommand '%s' (expected 'resolve')", argv[1]);
    return CLI_EXIT_USAGE;
}
