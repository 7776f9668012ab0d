/*
 * Helpers shared by the subcommands of the `compliance` program: option
 * parsing, one-line messages, colour, exit codes, input checks and atomic
 * output files.
 *
 * Everything printed that may come from an input file (names, titles,
 * messages) goes through a filter that replaces control characters, so that
 * a declaration cannot move the cursor or recolour a terminal, and every
 * message stays on one line.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_parser_init(cli_parser *p, const char *command, int argc, char **argv)
{
    p->argc = argc;
    p->argv = argv;
    p->index = 1;
    p->only_operands = false;
    p->command = command;
}

static const cli_option common_options[] = {
    {"help", 'h', false, CLI_OPT_HELP},
    {"quiet", 'q', false, CLI_OPT_QUIET},
    {"verbose", 'v', false, CLI_OPT_VERBOSE},
    {NULL, 0, false, 0},
};

/* The option with long name `name` (length `len`) or short name `c`. */
static const cli_option *
find_option(const cli_option *options, const char *name, size_t len, char c)
{
    const cli_option *tables[2];
    const cli_option *o;
    size_t t;

    tables[0] = options;
    tables[1] = common_options;
    for (t = 0; t < 2; t++) {
        for (o = tables[t]; o->id != 0; o++) {
            if (name != NULL && o->name != NULL && strlen(o->name) == len &&
                strncmp(o->name, name, len) == 0)
            {
                return o;
            }
            if (name == NULL && c != 0 && o->short_name == c) {
                return o;
            }
        }
    }
    return NULL;
}

static const char *command_prefix(const cli_parser *p)
{
    return p->command != NULL ? p->command : "";
}

static const char *command_sep(const cli_parser *p)
{
    return p->command != NULL ? ": " : "";
}

static const char *help_hint(const cli_parser *p)
{
    return p->command != NULL ? " " : "";
}

static int parse_long(cli_parser *p,
                      const cli_option *options,
                      int *id,
                      const char **value)
{
    const char *arg = p->argv[p->index++] + 2;
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    const cli_option *o;

    o = find_option(options, arg, len, 0);
    if (o == NULL) {
        cli_errorf("%s%sunknown option '--%.*s' (see 'compliance%s%s --help')",
                   command_prefix(p),
                   command_sep(p),
                   (int)len,
                   arg,
                   help_hint(p),
                   command_prefix(p));
        return CLI_NEXT_ERROR;
    }
    *id = o->id;
    if (!o->has_value) {
        if (eq != NULL) {
            cli_errorf("%s%soption '--%s' takes no value",
                       command_prefix(p),
                       command_sep(p),
                       o->name);
            return CLI_NEXT_ERROR;
        }
        *value = NULL;
        return CLI_NEXT_OPTION;
    }
    if (eq != NULL) {
        *value = eq + 1;
    } else if (p->index < p->argc) {
        *value = p->argv[p->index++];
    } else {
        cli_errorf("%s%soption '--%s' needs a value",
                   command_prefix(p),
                   command_sep(p),
                   o->name);
        return CLI_NEXT_ERROR;
    }
    return CLI_NEXT_OPTION;
}

static int parse_short(cli_parser *p,
                       const cli_option *options,
                       int *id,
                       const char **value)
{
    const char *arg = p->argv[p->index++];
    const cli_option *o;

    o = find_option(options, NULL, 0, arg[1]);
    if (o == NULL || (!o->has_value && arg[2] != '\0')) {
        cli_errorf("%s%sunknown option '%s' (see 'compliance%s%s --help')",
                   command_prefix(p),
                   command_sep(p),
                   arg,
                   help_hint(p),
                   command_prefix(p));
        return CLI_NEXT_ERROR;
    }
    *id = o->id;
    *value = NULL;
    if (!o->has_value) {
        return CLI_NEXT_OPTION;
    }
    if (arg[2] != '\0') {
        *value = arg + 2;
    } else if (p->index < p->argc) {
        *value = p->argv[p->index++];
    } else {
        cli_errorf("%s%soption '-%c' needs a value",
                   command_prefix(p),
                   command_sep(p),
                   o->short_name);
        return CLI_NEXT_ERROR;
    }
    return CLI_NEXT_OPTION;
}

int cli_next(cli_parser *p,
             const cli_option *options,
             int *id,
             const char **value)
{
    const char *arg;

    *id = 0;
    *value = NULL;
    while (p->index < p->argc) {
        arg = p->argv[p->index];
        if (p->only_operands || arg[0] != '-' || arg[1] == '\0') {
            p->index++;
            *value = arg;
            return CLI_NEXT_OPERAND;
        }
        if (strcmp(arg, "--") == 0) {
            p->only_operands = true;
            p->index++;
            continue;
        }
        if (arg[1] == '-') {
            return parse_long(p, options, id, value);
        }
        return parse_short(p, options, id, value);
    }
    return CLI_NEXT_END;
}

bool cli_common_option(cli_ctx *ctx, int id, const char *usage)
{
    switch (id) {
    case CLI_OPT_QUIET:
        ctx->verbosity = -1;
        return false;
    case CLI_OPT_VERBOSE:
        ctx->verbosity = 1;
        return false;
    case CLI_OPT_HELP:
        fputs(usage, stdout);
        return true;
    default:
        return false;
    }
}

/*
 * Write `s` (length `len`) replacing control characters by '?', except a
 * final newline when `keep_final_newline`.
 */
static void
put_filtered(FILE *f, const char *s, size_t len, bool keep_final_newline)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' && keep_final_newline && i + 1 == len) {
            putc('\n', f);
        } else if (c == '\t') {
            putc(' ', f);
        } else if (c < 0x20 || c == 0x7f) {
            putc('?', f);
        } else {
            putc(c, f);
        }
    }
}

static void vprint_filtered(FILE *f,
                            const char *prefix,
                            const char *fmt,
                            va_list ap,
                            bool newline) CLI_PRINTF(3, 0);

static void vprint_filtered(FILE *f,
                            const char *prefix,
                            const char *fmt,
                            va_list ap,
                            bool newline)
{
    char small[1024];
    char *big = NULL;
    const char *text = small;
    va_list copy;
    int n;

    va_copy(copy, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        va_end(copy);
        return;
    }
    if ((size_t)n >= sizeof(small)) {
        big = malloc((size_t)n + 1);
        if (big != NULL) {
            vsnprintf(big, (size_t)n + 1, fmt, copy);
            text = big;
        } else {
            n = (int)sizeof(small) - 1;
        }
    }
    va_end(copy);
    if (prefix != NULL) {
        fputs(prefix, f);
    }
    put_filtered(f, text, (size_t)n, !newline);
    if (newline) {
        putc('\n', f);
    }
    free(big);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    va_start(ap, fmt);
    vprint_filtered(stderr, "compliance: ", fmt, ap, true);
    va_end(ap);
}

int cli_fail(int code, const lcmp_error *err)
{
    lcmp_error copy = *err;
    char line[1024];

    if (copy.code == 0) {
        copy.code = code;
    }
    lcmp_error_format(line, sizeof(line), &copy);
    cli_errorf("%s", line);
    return cli_exit_code(code);
}

void cli_notef(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    if (ctx->verbosity < 0) {
        return;
    }
    fflush(stdout);
    va_start(ap, fmt);
    vprint_filtered(stderr, "compliance: ", fmt, ap, true);
    va_end(ap);
}

void cli_put(FILE *f, const char *s)
{
    if (s != NULL) {
        put_filtered(f, s, strlen(s), false);
    }
}

void cli_printf(FILE *f, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprint_filtered(f, NULL, fmt, ap, false);
    va_end(ap);
}

const char *cli_color(const cli_ctx *ctx, cli_color_t c)
{
    if (!ctx->color) {
        return "";
    }
    switch (c) {
    case CLI_RESET:
        return "\033[0m";
    case CLI_BOLD:
        return "\033[1m";
    case CLI_RED:
        return "\033[31m";
    case CLI_GREEN:
        return "\033[32m";
    case CLI_YELLOW:
        return "\033[33m";
    case CLI_DIM:
        return "\033[2m";
    default:
        return "";
    }
}

int cli_time_option(int64_t *out, const char *command, const char *text)
{
    if (text == NULL) {
        *out = (int64_t)time(NULL);
        return 0;
    }
    if (lcmp_time_parse(out, text, NULL) != 0) {
        cli_errorf("%s: --at: invalid time '%s' (expected "
                   "2026-11-27T09:00:00Z or 2026-11-27)",
                   command,
                   text);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cli_exit_code(int lcmp_code)
{
    switch (lcmp_code) {
    case LCMP_OK:
        return CLI_EXIT_OK;
    case LCMP_EINVALID:
    case LCMP_ENOTFOUND:
    case LCMP_EPARSE:
    case LCMP_ELIMIT:
        return CLI_EXIT_USAGE;
    case LCMP_EVERIFY:
        /* a signature, trust or freshness check said no */
        return CLI_EXIT_NO;
    default:
        return CLI_EXIT_ENV;
    }
}

int cli_require_dir(const char *path, const char *what)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            cli_errorf("%s: no such %s", path, what);
            return CLI_EXIT_USAGE;
        }
        if (errno == EACCES) {
            /* an input the caller cannot read is unreadable input (2) */
            cli_errorf("%s: cannot access: %s", path, strerror(errno));
            return CLI_EXIT_USAGE;
        }
        cli_errorf("%s: cannot access: %s", path, strerror(errno));
        return CLI_EXIT_ENV;
    }
    if (!S_ISDIR(st.st_mode)) {
        cli_errorf("%s: not a directory", path);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cli_require_file(const char *path, const char *what)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            cli_errorf("%s: no such %s", path, what);
            return CLI_EXIT_USAGE;
        }
        if (errno == EACCES) {
            /* an input the caller cannot read is unreadable input (2) */
            cli_errorf("%s: cannot access: %s", path, strerror(errno));
            return CLI_EXIT_USAGE;
        }
        cli_errorf("%s: cannot access: %s", path, strerror(errno));
        return CLI_EXIT_ENV;
    }
    if (S_ISDIR(st.st_mode)) {
        cli_errorf("%s: is a directory, not a %s", path, what);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cli_baseline_dir(const char **out, const char *given, const char *release)
{
    const char *env = getenv("LCMP_BASELINE");

    *out = NULL;
    if (release != NULL) {
        cli_errorf("--release: this command reads a baseline directory "
                   "only; give --baseline DIR");
        return CLI_EXIT_USAGE;
    }
    if (given == NULL && env != NULL && env[0] != '\0') {
        given = env;
    }
    if (given == NULL) {
        cli_errorf("no baseline: give --baseline DIR");
        return CLI_EXIT_USAGE;
    }
    *out = given;
    return cli_require_dir(given, "baseline directory");
}

int cli_load_baseline(lcmp_baseline **out, const char *dir)
{
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_baseline_load_dir(out, dir, NULL, &err);
    if (rc < 0) {
        return cli_fail(rc, &err);
    }
    return 0;
}

int cli_resolve_profile(lcmp_profile **out,
                        const lcmp_baseline *baseline,
                        const char *id)
{
    lcmp_error err;
    char known[512] = "";
    size_t i, used = 0, n;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_profile_resolve(out, baseline, id, &err);
    if (rc == 0) {
        return 0;
    }
    n = lcmp_baseline_profile_count(baseline);
    for (i = 0; i < n; i++) {
        const char *known_id = lcmp_baseline_profile_id(baseline, i);
        if (known_id != NULL && strcmp(known_id, id) == 0) {
            break;
        }
    }
    if (rc != LCMP_ENOTFOUND || i < n) {
        /* A profile the manifest names that still cannot be resolved. */
        return cli_fail(rc, &err);
    }
    for (i = 0; i < n && used < sizeof(known); i++) {
        int w = snprintf(known + used,
                         sizeof(known) - used,
                         "%s%s",
                         i > 0 ? ", " : "",
                         lcmp_baseline_profile_id(baseline, i));
        if (w < 0) {
            break;
        }
        used += (size_t)w;
    }
    cli_errorf("baseline '%s' has no profile '%s' (profiles: %s)",
               lcmp_baseline_id(baseline),
               id,
               known);
    return CLI_EXIT_USAGE;
}

int cli_write_file_atomic(const char *path,
                          const char *data,
                          size_t len,
                          bool force)
{
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_file_write_atomic(
        path, data, len, 0644, force ? LCMP_WRITE_F_REPLACE : 0, &err);
    if (rc == LCMP_EINVALID && strcmp(err.message, "already exists") == 0) {
        cli_errorf("%s: already exists (use --force to overwrite)", path);
        return CLI_EXIT_USAGE;
    }
    return rc < 0 ? cli_fail(rc, &err) : 0;
}

const char *cli_config(const cli_ctx *ctx, const char *key)
{
    return ctx != NULL ? lcmp_config_get(ctx->config, key) : NULL;
}

/* A release from the sync cache; its verification state is re-checked. */
static int load_release(lcmp_baseline **out,
                        char *name_buf,
                        size_t name_size,
                        const char *cache,
                        const char *release)
{
    lcmp_cache *c = NULL;
    lcmp_error err;
    const char *tag;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_cache_open(&c, cache, &err);
    if (rc < 0) {
        return cli_fail(rc, &err);
    }
    tag = release != NULL ? release : lcmp_cache_current(c);
    if (tag == NULL) {
        cli_errorf("%s: no current release (run 'compliance sync')", cache);
        lcmp_cache_free(c);
        return CLI_EXIT_USAGE;
    }
    snprintf(name_buf, name_size, "release %s", tag);
    lcmp_error_clear(&err);
    rc = lcmp_cache_load_baseline(out, c, tag, NULL, &err);
    lcmp_cache_free(c);
    if (rc < 0) {
        /* a release that no longer matches its record is refused (1) */
        if (rc == LCMP_EVERIFY) {
            cli_fail(rc, &err);
            return CLI_EXIT_NO;
        }
        return cli_fail(rc, &err);
    }
    return 0;
}

int cli_load_baseline_any(lcmp_baseline **out,
                          char *name_buf,
                          size_t name_size,
                          const cli_ctx *ctx,
                          const char *what,
                          const char *dir,
                          const char *release,
                          const char *cache)
{
    const char *env = getenv("LCMP_BASELINE");
    struct stat st;
    int rc;

    *out = NULL;
    if (cache == NULL) {
        cache = cli_config(ctx, "cache");
    }
    if (cache == NULL) {
        cache = LCMP_SYNC_DEFAULT_CACHE;
    }
    if (dir != NULL && release != NULL) {
        cli_errorf("%s: give either --baseline DIR or --release TAG, not "
                   "both",
                   what);
        return CLI_EXIT_USAGE;
    }
    if (release != NULL) {
        return load_release(out, name_buf, name_size, cache, release);
    }
    if (dir == NULL && env != NULL && env[0] != '\0') {
        dir = env;
    }
    if (dir == NULL) {
        dir = cli_config(ctx, "baseline");
    }
    if (dir == NULL) {
        /* the current verified release, when this directory has a cache */
        if (stat(cache, &st) == 0) {
            return load_release(out, name_buf, name_size, cache, NULL);
        }
        cli_errorf("%s: no baseline: give --baseline DIR or --release TAG "
                   "(after 'compliance sync')",
                   what);
        return CLI_EXIT_USAGE;
    }
    rc = cli_require_dir(dir, "baseline directory");
    if (rc != 0) {
        return rc;
    }
    snprintf(name_buf, name_size, "%s", dir);
    return cli_load_baseline(out, dir);
}
