/*
 * `compliance attest --declaration F --key K --out S`: evaluate a
 * declaration against a synced, verified baseline release (the same engine
 * as `check`) and write the signed statement: an in-toto Statement v1 in a
 * DSSE envelope (docs/formats.md "Compliance statements"). With --sshsig
 * FILE, also an OpenSSH signature of the payload for `ssh-keygen -Y
 * verify`.
 *
 * Nothing is written unless everything succeeded: an invalid declaration,
 * an unknown release or a refused key writes nothing, and each output file
 * is written atomically. Gaps in the results are not an error: the
 * statement records them (exit 0).
 */
#include "cli.h"
#include "cli_statement.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_DECLARATION ((size_t)16 * 1024 * 1024)

static const char usage[] =
    "usage: compliance attest --declaration F --key KEY --out S\n"
    "                         [--release TAG] [--cache DIR] [--profile P]\n"
    "                         [--at TIME] [--valid-days N] [--sshsig FILE]\n"
    "                         [--passphrase-env VAR | --passphrase-prompt]\n"
    "                         [--force]\n"
    "\n"
    "Evaluate declaration F against a synced baseline release and write the\n"
    "signed compliance statement S (DSSE envelope, in-toto Statement v1).\n"
    "The statement holds the results, never the declaration's facts or\n"
    "evidence; it pins the declaration's sha256 and the release's commit\n"
    "and tag.\n"
    "\n"
    "options:\n"
    "  --declaration F        the declaration (lcmp.declaration/v1 JSON;\n"
    "                         default: \"declaration\" in compliance.json)\n"
    "  --key KEY              the organisation's private key (keygen;\n"
    "                         default: \"key\" in compliance.json)\n"
    "  --out S                where to write the statement\n"
    "  --release TAG          the synced release (default: the current one)\n"
    "  --cache DIR            the sync cache (default: \"cache\" in\n"
    "                         compliance.json, else .compliance)\n"
    "  --profile P            the profile (default: the declaration's)\n"
    "  --at TIME              evaluation time: 2026-11-27T09:00:00Z or\n"
    "                         2026-11-27 (00:00 UTC); default: now\n"
    "  --valid-days N         days the statement stays valid (default 365,\n   "
    "                      at most 3660)\n"
    "  --sshsig FILE          also write an OpenSSH signature of the payload\n"
    "                         (namespace compliance-statement)\n"
    "  --passphrase-env VAR   the key's passphrase is in variable VAR\n"
    "  --passphrase-prompt    ask for the key's passphrase on the terminal\n"
    "  --force                replace existing output files\n"
    "  -q, --quiet            print nothing on success\n"
    "  -h, --help             print this help\n"
    "\n"
    "exit codes: 0 written, 1 the release is not a verified release,\n"
    "2 usage error or missing/malformed input (declaration, key, unknown\n"
    "release), 3 environment failure.\n";

enum {
    OPT_DECLARATION = 1,
    OPT_KEY,
    OPT_OUT,
    OPT_RELEASE,
    OPT_CACHE,
    OPT_PROFILE,
    OPT_AT,
    OPT_VALID_DAYS,
    OPT_SSHSIG,
    OPT_PASS_ENV,
    OPT_PASS_PROMPT,
    OPT_FORCE
};

static const cli_option options[] = {
    {"declaration", 'd', true, OPT_DECLARATION},
    {"key", 'k', true, OPT_KEY},
    {"out", 'o', true, OPT_OUT},
    {"release", 0, true, OPT_RELEASE},
    {"cache", 0, true, OPT_CACHE},
    {"profile", 'p', true, OPT_PROFILE},
    {"at", 0, true, OPT_AT},
    {"valid-days", 0, true, OPT_VALID_DAYS},
    {"sshsig", 0, true, OPT_SSHSIG},
    {"passphrase-env", 0, true, OPT_PASS_ENV},
    {"passphrase-prompt", 0, false, OPT_PASS_PROMPT},
    {"force", 'f', false, OPT_FORCE},
    {NULL, 0, false, 0},
};

typedef struct args {
    const char *declaration, *key, *out, *release, *cache, *profile;
    const char *at_text, *sshsig;
    cli_passphrase pass;
    unsigned int valid_days;
    bool force;
    int64_t at;
} args;

static int parse_days(unsigned int *out, const char *value)
{
    char *end = NULL;
    unsigned long n;

    n = strtoul(value, &end, 10);
    if (value[0] < '0' || value[0] > '9' || *end != '\0' || n < 1 ||
        n > LCMP_ATTEST_MAX_VALID_DAYS)
    {
        cli_errorf("attest: --valid-days: '%s' is not a number of days "
                   "from 1 to %u",
                   value,
                   LCMP_ATTEST_MAX_VALID_DAYS);
        return CLI_EXIT_USAGE;
    }
    *out = (unsigned int)n;
    return 0;
}

/* Returns -1 to go on, or the exit code. */
static int parse(args *a, cli_ctx *ctx, int argc, char **argv)
{
    cli_parser p;
    const char *value;
    int id, next;

    cli_parser_init(&p, "attest", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            cli_errorf("attest: unexpected argument '%s' (the declaration "
                       "is given with --declaration F)",
                       value);
            return CLI_EXIT_USAGE;
        }
        switch (id) {
        case OPT_DECLARATION:
            a->declaration = value;
            break;
        case OPT_KEY:
            a->key = value;
            break;
        case OPT_OUT:
            a->out = value;
            break;
        case OPT_RELEASE:
            a->release = value;
            break;
        case OPT_CACHE:
            a->cache = value;
            break;
        case OPT_PROFILE:
            a->profile = value;
            break;
        case OPT_AT:
            a->at_text = value;
            break;
        case OPT_VALID_DAYS:
            if (parse_days(&a->valid_days, value) != 0) {
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_SSHSIG:
            a->sshsig = value;
            break;
        case OPT_PASS_ENV:
            a->pass.env = value;
            break;
        case OPT_PASS_PROMPT:
            a->pass.prompt = true;
            break;
        case OPT_FORCE:
            a->force = true;
            break;
        default:
            if (cli_common_option(ctx, id, usage)) {
                return CLI_EXIT_OK;
            }
            break;
        }
    }
    /* compliance.json fills what the command line leaves out */
    if (a->declaration == NULL) {
        a->declaration = cli_config(ctx, "declaration");
    }
    if (a->key == NULL) {
        a->key = cli_config(ctx, "key");
    }
    if (a->cache == NULL) {
        a->cache = cli_config(ctx, "cache");
    }
    if (a->declaration == NULL || a->key == NULL || a->out == NULL) {
        cli_errorf("attest: missing %s (see 'compliance attest --help')",
                   a->declaration == NULL ? "--declaration F"
                   : a->key == NULL       ? "--key KEY"
                                          : "--out S");
        return CLI_EXIT_USAGE;
    }
    if (a->pass.env != NULL && a->pass.prompt) {
        cli_errorf("attest: give --passphrase-env or --passphrase-prompt, "
                   "not both");
        return CLI_EXIT_USAGE;
    }
    if (cli_time_option(&a->at, "attest", a->at_text) != 0) {
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/* Refuse an existing output before any work is done (unless --force). */
static int refuse_existing(const char *path, bool force)
{
    struct stat st;

    if (path != NULL && !force && lstat(path, &st) == 0) {
        cli_errorf("%s: already exists (use --force to overwrite)", path);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cmd_attest(cli_ctx *ctx, int argc, char **argv)
{
    args a;
    lcmp_attest_options aopts = LCMP_ATTEST_OPTIONS_INIT;
    lcmp_buf envelope = LCMP_BUF_INIT, payload = LCMP_BUF_INIT;
    lcmp_buf sshsig = LCMP_BUF_INIT;
    lcmp_release_info release;
    lcmp_declaration *decl = NULL;
    lcmp_baseline *baseline = NULL;
    lcmp_profile *profile = NULL;
    lcmp_result *result = NULL;
    lcmp_cache *cache = NULL;
    lcmp_key *key = NULL;
    const char *profile_id;
    char *bytes = NULL, until[21];
    size_t len = 0;
    lcmp_error err;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse(&a, ctx, argc, argv);
    if (rc >= 0) {
        return rc;
    }
    if ((rc = refuse_existing(a.out, a.force)) != 0 ||
        (rc = refuse_existing(a.sshsig, a.force)) != 0)
    {
        return rc;
    }

    /* The key first: a key file others can read is refused before
     * anything else happens. */
    rc = cli_load_key(&key, a.key, &a.pass);
    if (rc != 0) {
        goto done;
    }
    rc = cli_read_file(
        &bytes, &len, a.declaration, MAX_DECLARATION, "declaration");
    if (rc != 0) {
        goto done;
    }
    lcmp_error_clear(&err);
    rc = lcmp_declaration_load_buffer(
        &decl, (const uint8_t *)bytes, len, a.declaration, NULL, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    rc = cli_cache_release(&cache, &release, &baseline, a.cache, a.release);
    if (rc != 0) {
        goto done;
    }
    profile_id = a.profile != NULL ? a.profile : lcmp_declaration_profile(decl);
    if (profile_id == NULL) {
        cli_errorf("%s: no profile: give --profile P or name one in the "
                   "declaration (\"profile\")",
                   a.declaration);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    rc = cli_resolve_profile(&profile, baseline, profile_id);
    if (rc != 0) {
        goto done;
    }
    lcmp_error_clear(&err);
    rc = lcmp_evaluate(&result, profile, decl, a.at, NULL, &err);
    if (rc < 0) {
        if (err.source[0] == '\0' && err.pointer[0] != '\0') {
            snprintf(err.source, sizeof(err.source), "%s", a.declaration);
        }
        rc = cli_fail(rc, &err);
        goto done;
    }

    aopts.valid_days = a.valid_days;
    lcmp_error_clear(&err);
    rc = lcmp_attest(&envelope,
                     &payload,
                     result,
                     (const uint8_t *)bytes,
                     len,
                     &release,
                     key,
                     &aopts,
                     &err);
    if (rc == 0 && a.sshsig != NULL) {
        rc = lcmp_key_sshsig(&sshsig,
                             key,
                             (const uint8_t *)payload.ptr,
                             payload.size,
                             LCMP_STATEMENT_NAMESPACE,
                             &err);
    }
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    rc = cli_write_file_atomic(a.out, envelope.ptr, envelope.size, a.force);
    if (rc == 0 && a.sshsig != NULL) {
        rc = cli_write_file_atomic(a.sshsig, sshsig.ptr, sshsig.size, a.force);
    }
    if (rc != 0) {
        goto done;
    }
    if (ctx->verbosity >= 0) {
        const lcmp_counts *n = lcmp_result_summary(result);
        unsigned int days =
            a.valid_days != 0 ? a.valid_days : LCMP_ATTEST_DEFAULT_VALID_DAYS;
        lcmp_time_format(until, a.at + (int64_t)days * 86400);
        cli_printf(stdout,
                   "%s: statement of %s (%s) on baseline %s %s, profile "
                   "%s: %zu of %zu compliant, score %u%%; signed with %s; "
                   "valid until %s\n",
                   a.out,
                   lcmp_declaration_org_name(decl),
                   lcmp_declaration_org_id(decl),
                   lcmp_baseline_id(baseline),
                   release.tag,
                   lcmp_profile_id(profile),
                   n->compliant,
                   n->controls,
                   n->score,
                   lcmp_key_fingerprint(key),
                   until);
        if (a.sshsig != NULL) {
            cli_printf(stdout,
                       "%s: OpenSSH signature of the payload (namespace "
                       "%s)\n",
                       a.sshsig,
                       LCMP_STATEMENT_NAMESPACE);
        }
    }
    rc = CLI_EXIT_OK;

done:
    lcmp_buf_dispose(&envelope);
    lcmp_buf_dispose(&payload);
    lcmp_buf_dispose(&sshsig);
    lcmp_result_free(result);
    lcmp_profile_free(profile);
    lcmp_baseline_free(baseline);
    lcmp_cache_free(cache);
    lcmp_declaration_free(decl);
    lcmp_key_free(key);
    free(bytes);
    return rc;
}
