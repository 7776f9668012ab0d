/*
 * `compliance template --profile P`: print a ready-to-fill declaration for
 * a profile of a baseline: every control "not_implemented", every fact a
 * placeholder. With --out the file is written atomically and an existing
 * file is kept unless --force.
 */
#include "cli.h"

static const char usage[] =
    "usage: compliance template --profile P [--baseline DIR | --release TAG]\n"
    "                           [--cache DIR] [--org ID] [--name NAME]\n"
    "                           [--out FILE [--force]]\n"
    "\n"
    "Print a declaration for profile P that lists every control of the\n"
    "profile as \"not_implemented\", with a placeholder for every fact.\n"
    "\n"
    "options:\n"
    "  --profile P      the profile (e.g. basic, important, essential)\n"
    "  --baseline DIR   the baseline tree (default: $LCMP_BASELINE, then\n"
    "                   compliance.json \"baseline\", then the current\n"
    "                   verified release of the sync cache)\n"
    "  --release TAG    a release synced with 'compliance sync'\n"
    "  --cache DIR      the sync cache (default: .compliance)\n"
    "  --org ID         the organisation id to fill in\n"
    "  --name NAME      the organisation name to fill in\n"
    "  --out FILE       write FILE (atomically, mode 0644) instead of stdout\n"
    "  --force          overwrite FILE if it exists\n"
    "  -v, --verbose    say what was written\n"
    "  -h, --help       print this help\n"
    "\n"
    "exit codes: 0 written, 2 usage error or missing/malformed baseline,\n"
    "3 environment failure (e.g. cannot write FILE).\n";

enum {
    OPT_PROFILE = 1,
    OPT_BASELINE,
    OPT_RELEASE,
    OPT_ORG,
    OPT_NAME,
    OPT_OUT,
    OPT_FORCE,
    OPT_CACHE
};

static const cli_option options[] = {
    {"profile", 'p', true, OPT_PROFILE},
    {"baseline", 'b', true, OPT_BASELINE},
    {"release", 0, true, OPT_RELEASE},
    {"org", 0, true, OPT_ORG},
    {"name", 0, true, OPT_NAME},
    {"out", 'o', true, OPT_OUT},
    {"force", 'f', false, OPT_FORCE},
    {"cache", 0, true, OPT_CACHE},
    {NULL, 0, false, 0},
};

typedef struct args {
    const char *profile;
    const char *baseline;
    const char *release;
    const char *org;
    const char *name;
    const char *out;
    const char *cache;
    bool force;
} args;

/* Returns -1 to go on, or the exit code. */
static int parse(args *a, cli_ctx *ctx, int argc, char **argv)
{
    cli_parser p;
    const char *value;
    int id, next;

    cli_parser_init(&p, "template", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            cli_errorf("template: unexpected argument '%s'", value);
            return CLI_EXIT_USAGE;
        }
        switch (id) {
        case OPT_PROFILE:
            a->profile = value;
            break;
        case OPT_BASELINE:
            a->baseline = value;
            break;
        case OPT_RELEASE:
            a->release = value;
            break;
        case OPT_ORG:
            a->org = value;
            break;
        case OPT_NAME:
            a->name = value;
            break;
        case OPT_OUT:
            a->out = value;
            break;
        case OPT_FORCE:
            a->force = true;
            break;
        case OPT_CACHE:
            a->cache = value;
            break;
        default:
            if (cli_common_option(ctx, id, usage)) {
                return CLI_EXIT_OK;
            }
            break;
        }
    }
    if (a->profile == NULL) {
        a->profile = cli_config(ctx, "profile");
    }
    if (a->org == NULL) {
        a->org = cli_config(ctx, "organisation");
    }
    if (a->profile == NULL) {
        cli_errorf("template: missing --profile P (see 'compliance template "
                   "--help')");
        return CLI_EXIT_USAGE;
    }
    if (a->force && a->out == NULL) {
        cli_errorf("template: --force needs --out FILE");
        return CLI_EXIT_USAGE;
    }
    return -1;
}

int cmd_template(cli_ctx *ctx, int argc, char **argv)
{
    args a = {NULL, NULL, NULL, NULL, NULL, NULL, NULL, false};
    lcmp_baseline *baseline = NULL;
    lcmp_profile *profile = NULL;
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_error err;
    char source[128];
    int rc;

    rc = parse(&a, ctx, argc, argv);
    if (rc >= 0) {
        return rc;
    }
    rc = cli_load_baseline_any(&baseline,
                               source,
                               sizeof(source),
                               ctx,
                               "template",
                               a.baseline,
                               a.release,
                               a.cache);
    if (rc != 0) {
        goto done;
    }
    rc = cli_resolve_profile(&profile, baseline, a.profile);
    if (rc != 0) {
        goto done;
    }

    lcmp_error_clear(&err);
    rc = lcmp_template_write(&out, profile, a.org, a.name, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }

    if (a.out == NULL) {
        fwrite(out.ptr, 1, out.size, stdout);
        rc = CLI_EXIT_OK;
        goto done;
    }
    rc = cli_write_file_atomic(a.out, out.ptr, out.size, a.force);
    if (rc == 0 && ctx->verbosity > 0) {
        cli_notef(ctx,
                  "wrote %s: profile '%s' of baseline '%s', %zu controls",
                  a.out,
                  lcmp_profile_id(profile),
                  lcmp_baseline_id(baseline),
                  lcmp_profile_control_count(profile));
    }

done:
    lcmp_buf_dispose(&out);
    lcmp_profile_free(profile);
    lcmp_baseline_free(baseline);
    return rc;
}
