/*
 * `compliance releases`: the releases recorded in the sync cache, newest
 * first, with their verification state.
 *
 * Text: one line per release, "*" marking the current one:
 *   * v2026.2  verified  first seen 2026-11-28T10:00:00Z  expires 2027-06-30
 *     signed by release@assoc
 * JSON (`--format json`, schema lcmp.releases/v1): {"schema", "cache",
 * "current" (string or null), "releases": [{"tag", "tag_id", "commit_id",
 * "first_seen", "expires" (date or null), "signer", "verified", "expired",
 * "current"}]}, newest first.
 *
 * Exit codes: 0 listed, 2 no cache or a malformed state file, 3 I/O or Git.
 */
#include "cli.h"

#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: compliance releases [--cache DIR] [--format text|json]\n"
    "\n"
    "List the releases that 'compliance sync' recorded, newest first, with\n"
    "their verification state; '*' marks the current release.\n"
    "\n"
    "options:\n"
    "  --cache DIR      the cache directory (default: compliance.json\n"
    "                   \"cache\", else .compliance)\n"
    "  --format FORMAT  text (default) or json (lcmp.releases/v1)\n"
    "  -h, --help       print this help\n"
    "\n"
    "exit codes: 0 listed, 2 no cache or malformed state, 3 environment\n"
    "failure.\n";

enum { OPT_CACHE = 1, OPT_FORMAT };

static const cli_option options[] = {
    {"cache", 0, true, OPT_CACHE},
    {"format", 0, true, OPT_FORMAT},
    {NULL, 0, false, 0},
};

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    fputc('"', f);
    for (; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p, f);
        } else if (*p < 0x20) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void print_json(const lcmp_cache *c, const char *cache, int64_t now)
{
    size_t n = lcmp_cache_release_count(c), i;
    const char *current = lcmp_cache_current(c);
    lcmp_release_info r;
    char when[21];

    fputs("{\n  \"schema\": \"lcmp.releases/v1\",\n  \"cache\": ", stdout);
    json_string(stdout, cache);
    fputs(",\n  \"current\": ", stdout);
    if (current != NULL) {
        json_string(stdout, current);
    } else {
        fputs("null", stdout);
    }
    fputs(",\n  \"releases\": [", stdout);
    for (i = n; i-- > 0;) {
        if (lcmp_cache_release(&r, c, i) < 0) {
            continue;
        }
        fputs(i + 1 == n ? "\n    {" : ",\n    {", stdout);
        fputs("\"tag\": ", stdout);
        json_string(stdout, r.tag);
        printf(", \"tag_id\": \"%s\", \"commit_id\": \"%s\"",
               r.tag_id,
               r.commit_id);
        lcmp_time_format(when, r.first_seen);
        printf(", \"first_seen\": \"%s\", \"expires\": ", when);
        if (r.expires != 0) {
            lcmp_time_format(when, r.expires);
            printf("\"%.10s\"", when);
        } else {
            fputs("null", stdout);
        }
        fputs(", \"signer\": ", stdout);
        json_string(stdout, r.signer);
        printf(", \"verified\": %s, \"expired\": %s, \"current\": %s}",
               r.verified ? "true" : "false",
               r.expires != 0 && now >= r.expires ? "true" : "false",
               r.current ? "true" : "false");
    }
    fputs(n > 0 ? "\n  ]\n}\n" : "]\n}\n", stdout);
}

static void print_text(const cli_ctx *ctx, const lcmp_cache *c, int64_t now)
{
    size_t n = lcmp_cache_release_count(c), i;
    lcmp_release_info r;
    char when[21], exp[21];

    if (n == 0) {
        cli_printf(stdout, "no releases recorded\n");
        return;
    }
    for (i = n; i-- > 0;) {
        const char *state;

        if (lcmp_cache_release(&r, c, i) < 0) {
            continue;
        }
        lcmp_time_format(when, r.first_seen);
        if (!r.verified) {
            state = "unverified";
        } else if (r.expires != 0 && now >= r.expires) {
            state = "expired";
        } else {
            state = "verified";
        }
        if (r.expires != 0) {
            lcmp_time_format(exp, r.expires);
            exp[10] = '\0';
        } else {
            memcpy(exp, "never", 6);
        }
        cli_printf(stdout,
                   "%s%-10s %s%-10s%s first seen %s  expires %s",
                   r.current ? "* " : "  ",
                   r.tag,
                   cli_color(ctx, r.current ? CLI_BOLD : CLI_RESET),
                   state,
                   cli_color(ctx, CLI_RESET),
                   when,
                   exp);
        if (r.signer[0] != '\0') {
            cli_printf(stdout, "  signed by %s", r.signer);
        }
        fputc('\n', stdout);
    }
}

int cmd_releases(cli_ctx *ctx, int argc, char **argv)
{
    lcmp_cache *c = NULL;
    lcmp_error err;
    const char *cache = NULL, *value;
    bool json = false;
    cli_parser p;
    int id, next, rc;

    cli_parser_init(&p, "releases", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            cli_errorf("releases: unexpected argument '%s'", value);
            return CLI_EXIT_USAGE;
        }
        switch (id) {
        case OPT_CACHE:
            cache = value;
            break;
        case OPT_FORMAT:
            if (strcmp(value, "json") == 0) {
                json = true;
            } else if (strcmp(value, "text") == 0) {
                json = false;
            } else {
                cli_errorf("releases: --format: unknown format '%s' "
                           "(expected text or json)",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        default:
            if (cli_common_option(ctx, id, usage)) {
                return CLI_EXIT_OK;
            }
            break;
        }
    }
    if (cache == NULL) {
        cache = cli_config(ctx, "cache");
    }
    if (cache == NULL) {
        cache = LCMP_SYNC_DEFAULT_CACHE;
    }
    lcmp_error_clear(&err);
    rc = lcmp_cache_open(&c, cache, &err);
    if (rc < 0) {
        return cli_fail(rc, &err);
    }
    if (json) {
        print_json(c, cache, (int64_t)time(NULL));
    } else {
        print_text(ctx, c, (int64_t)time(NULL));
    }
    lcmp_cache_free(c);
    return CLI_EXIT_OK;
}
