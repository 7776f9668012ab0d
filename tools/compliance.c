/*
 * The `compliance` program: global options and git-style dispatch to the
 * subcommands (one file each, tools/cmd_<name>.c).
 *
 *   compliance [--config FILE] [-q|-v] <command> [options]
 *
 * Exit codes are a contract (docs/cli.md): 0 success, 1 the answer is
 * "no", 2 usage error or missing/malformed input, 3 environment failure.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*command_fn)(cli_ctx *ctx, int argc, char **argv);

static const struct {
    const char *name;
    command_fn fn;
} commands[] = {
    {"validate", cmd_validate},
    {"template", cmd_template},
    {"check", cmd_check},
    {"sync", cmd_sync},
    {"releases", cmd_releases},
    {"oscal", cmd_oscal},
    {"keygen", cmd_keygen},
    {"attest", cmd_attest},
    {"verify", cmd_verify},
    {"countersign", cmd_countersign},
    {"diff", cmd_diff},
    {"report", cmd_report},
    {"publish", cmd_publish},
};

static const char usage[] =
    "usage: compliance [--config FILE] [-q|-v] <command> [options]\n"
    "\n"
    "commands:\n"
    "  validate [DIR]           lint a baseline tree\n"
    "  template --profile P     print a ready-to-fill declaration\n"
    "  check --declaration F    check a declaration against a baseline\n"
    "  sync                     fetch and verify signed baseline releases\n"
    "  releases                 list the synced releases\n"
    "  keygen --out KEY         make a statement signing key\n"
    "  attest --declaration F   sign a compliance statement\n"
    "  verify S                 verify a signed statement\n"
    "  countersign S            add an auditor's signature to a statement\n"
    "  diff OLD NEW             what changed between two releases or "
    "statements\n"
    "  oscal resolve PROFILE    resolve an OSCAL profile into a catalog\n"
    "  report S...|DIR          the sector-wide picture from verified "
    "statements\n"
    "  publish S --remote URL   push a verified statement to a statements "
    "repo\n"
    "  help [COMMAND]           show help for a command\n"
    "\n"
    "global options:\n"
    "  --config FILE            read option defaults from FILE (default:\n"
    "                           ./compliance.json when present)\n"
    "  -q, --quiet              print only the essentials\n"
    "  -v, --verbose            print more detail\n"
    "  --version                print the version and exit\n"
    "  -h, --help               print this help and exit\n"
    "\n"
    "exit codes: 0 success, 1 the answer is \"no\" (gaps or problems found),\n"
    "2 usage error or missing/malformed input, 3 environment failure.\n"
    "Run 'compliance <command> --help' for the options of a command.\n";

enum { OPT_CONFIG = 1, OPT_VERSION };

static const cli_option global_options[] = {
    {"config", 0, true, OPT_CONFIG},
    {"version", 0, false, OPT_VERSION},
    {NULL, 0, false, 0},
};

static command_fn find_command(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return commands[i].fn;
        }
    }
    return NULL;
}

static int unknown_command(const char *name)
{
    cli_errorf("'%s' is not a compliance command", name);
    fputs(usage, stderr);
    return CLI_EXIT_USAGE;
}

/* `compliance help [COMMAND]`: the command's own --help. */
static int help(cli_ctx *ctx, int argc, char **argv)
{
    char *args[3];
    command_fn fn;

    if (argc < 2) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    if (argc > 2) {
        cli_errorf("help: too many arguments");
        return CLI_EXIT_USAGE;
    }
    fn = find_command(argv[1]);
    if (fn == NULL) {
        return unknown_command(argv[1]);
    }
    args[0] = argv[1];
    args[1] = "--help";
    args[2] = NULL;
    return fn(ctx, 2, args);
}

/* A terminal that wants colour: see https://no-color.org. */
static bool want_color(int fd)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    if (no_color != NULL && no_color[0] != '\0') {
        return false;
    }
    if (term != NULL && strcmp(term, "dumb") == 0) {
        return false;
    }
    return isatty(fd) == 1;
}

/*
 * Option defaults from compliance.json: the file named by --config (which
 * must exist), else ./compliance.json when present. Malformed files are
 * refused, never ignored.
 */
static int load_config(lcmp_config **out, const char *config)
{
    const char *path = config != NULL ? config : LCMP_CONFIG_DEFAULT_FILE;
    lcmp_error err;
    int rc;

    *out = NULL;
    lcmp_error_clear(&err);
    rc = lcmp_config_load(out, path, NULL, &err);
    if (rc == LCMP_ENOTFOUND && config == NULL) {
        return 0;
    }
    if (rc < 0) {
        if (rc == LCMP_ENOTFOUND) {
            cli_errorf("--config: %s: no such file", config);
            return CLI_EXIT_USAGE;
        }
        return cli_fail(rc, &err);
    }
    return 0;
}

int main(int argc, char **argv)
{
    cli_ctx ctx = {0, false, NULL};
    lcmp_config *cfg = NULL;
    cli_parser p;
    const char *config = NULL, *value;
    command_fn fn;
    int id, next, first, rc;

    ctx.color = want_color(STDOUT_FILENO);

    cli_parser_init(&p, NULL, argc, argv);
    while ((next = cli_next(&p, global_options, &id, &value)) ==
           CLI_NEXT_OPTION) {
        switch (id) {
        case OPT_CONFIG:
            config = value;
            break;
        case OPT_VERSION:
            printf("compliance %s\n", LCMP_VERSION);
            return CLI_EXIT_OK;
        default:
            if (cli_common_option(&ctx, id, usage)) {
                return CLI_EXIT_OK;
            }
            break;
        }
    }
    if (next == CLI_NEXT_ERROR) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    if (next == CLI_NEXT_END) {
        cli_errorf("no command given");
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }

    /* argv[first] is the command; it becomes the subcommand's argv[0]. */
    first = p.index - 1;
    if (strcmp(argv[first], "help") == 0) {
        rc = help(&ctx, argc - first, argv + first);
    } else if ((fn = find_command(argv[first])) == NULL) {
        rc = unknown_command(argv[first]);
    } else if ((rc = load_config(&cfg, config)) == 0) {
        ctx.config = cfg;
        rc = fn(&ctx, argc - first, argv + first);
    }
    lcmp_config_free(cfg);

    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("standard output: write error");
        if (rc != CLI_EXIT_USAGE) {
            rc = CLI_EXIT_ENV;
        }
    }
    return rc;
}
