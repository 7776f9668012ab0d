/*
 * `compliance countersign S --key K --out S2`: an auditor adds a signature
 * to a statement's envelope.
 *
 * S is verified first, with the same trust as `verify` (the cache's newest
 * verified release, or --signers/--auditors; an invalid
 * statement is refused); the new envelope keeps the payload and the other
 * signatures byte for byte, and is verified again before it is written,
 * so that the new signature counts in the auditor role (the key must be in
 * the auditors file, for namespace compliance-statement). S2 is written
 * atomically; nothing is written on any refusal.
 */
#include "cli.h"
#include "cli_statement.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: compliance countersign S --key KEY --out S2 [--declaration F]\n"
    "                              [--cache DIR] [--signers FILE]\n"
    "                              [--auditors FILE] [--at TIME]\n"
    "                              [--passphrase-env VAR |\n"
    "                               --passphrase-prompt] [--force]\n"
    "\n"
    "Add an auditor's signature to the signed statement S and write the\n"
    "result to S2. S must verify (as 'compliance verify' does, with the\n"
    "declaration when given), and KEY must be a registered auditor's key.\n"
    "Trust comes from the newest verified release in the cache unless\n"
    "--signers/--auditors name files.\n"
    "\n"
    "options:\n"
    "  --key KEY              the auditor's private key (keygen)\n"
    "  --out S2               where to write the countersigned statement\n"
    "  --declaration F        verify S against declaration F first\n"
    "  --cache DIR            the sync cache (default: \"cache\" in\n"
    "                         compliance.json, else .compliance)\n"
    "  --signers FILE         the municipalities' statement keys instead\n"
    "                         of the release's trust/statement_signers\n"
    "                         (then auditors only from --auditors)\n"
    "  --auditors FILE        the auditors' keys (KEY must be one) instead\n"
    "                         of the release's trust/auditors\n"
    "  --at TIME              verify as of TIME (default: now)\n"
    "  --passphrase-env VAR   the key's passphrase is in variable VAR\n"
    "  --passphrase-prompt    ask for the key's passphrase on the terminal\n"
    "  --force                replace an existing S2\n"
    "  -q, --quiet            print nothing on success\n"
    "  -h, --help             print this help\n"
    "\n"
    "exit codes: 0 written, 1 S is invalid or KEY is not a registered\n"
    "auditor's, 2 usage error or missing/malformed input, 3 environment\n"
    "failure.\n";

enum {
    OPT_KEY = 1,
    OPT_OUT,
    OPT_DECLARATION,
    OPT_CACHE,
    OPT_SIGNERS,
    OPT_AUDITORS,
    OPT_AT,
    OPT_PASS_ENV,
    OPT_PASS_PROMPT,
    OPT_FORCE
};

static const cli_option options[] = {
    {"key", 'k', true, OPT_KEY},
    {"out", 'o', true, OPT_OUT},
    {"declaration", 'd', true, OPT_DECLARATION},
    {"cache", 0, true, OPT_CACHE},
    {"signers", 0, true, OPT_SIGNERS},
    {"auditors", 0, true, OPT_AUDITORS},
    {"at", 0, true, OPT_AT},
    {"passphrase-env", 0, true, OPT_PASS_ENV},
    {"passphrase-prompt", 0, false, OPT_PASS_PROMPT},
    {"force", 'f', false, OPT_FORCE},
    {NULL, 0, false, 0},
};

typedef struct args {
    const char *path, *key, *out, *declaration, *at_text;
    cli_trust trust;
    cli_passphrase pass;
    bool force;
    int64_t at;
} args;

/* Returns -1 to go on, or the exit code. */
static int parse(args *a, cli_ctx *ctx, int argc, char **argv)
{
    cli_parser p;
    const char *value;
    int id, next;

    cli_parser_init(&p, "countersign", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            if (a->path != NULL) {
                cli_errorf("countersign: one statement at a time ('%s' and "
                           "'%s')",
                           a->path,
                           value);
                return CLI_EXIT_USAGE;
            }
            a->path = value;
            continue;
        }
        switch (id) {
        case OPT_KEY:
            a->key = value;
            break;
        case OPT_OUT:
            a->out = value;
            break;
        case OPT_DECLARATION:
            a->declaration = value;
            break;
        case OPT_CACHE:
            a->trust.cache = value;
            break;
        case OPT_SIGNERS:
            a->trust.signers = value;
            break;
        case OPT_AUDITORS:
            a->trust.auditors = value;
            break;
        case OPT_AT:
            a->at_text = value;
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
    if (a->trust.cache == NULL) {
        a->trust.cache = cli_config(ctx, "cache");
    }
    if (a->path == NULL || a->key == NULL || a->out == NULL) {
        cli_errorf("countersign: missing %s (see 'compliance countersign "
                   "--help')",
                   a->path == NULL  ? "the statement S"
                   : a->key == NULL ? "--key KEY"
                                    : "--out S2");
        return CLI_EXIT_USAGE;
    }
    if (a->pass.env != NULL && a->pass.prompt) {
        cli_errorf("countersign: give --passphrase-env or "
                   "--passphrase-prompt, not both");
        return CLI_EXIT_USAGE;
    }
    if (cli_time_option(&a->at, "countersign", a->at_text) != 0) {
        return CLI_EXIT_USAGE;
    }
    return -1;
}

int cmd_countersign(cli_ctx *ctx, int argc, char **argv)
{
    args a;
    lcmp_verification *before = NULL, *after = NULL;
    const lcmp_verify_signature *mine;
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_key *key = NULL;
    struct stat st;
    char *env = NULL;
    size_t len = 0, n;
    lcmp_error err;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse(&a, ctx, argc, argv);
    if (rc >= 0) {
        return rc;
    }
    if (!a.force && lstat(a.out, &st) == 0) {
        cli_errorf("%s: already exists (use --force to overwrite)", a.out);
        return CLI_EXIT_USAGE;
    }
    rc = cli_load_key(&key, a.key, &a.pass);
    if (rc != 0) {
        goto done;
    }
    rc = cli_read_file(&env, &len, a.path, CLI_MAX_ENVELOPE, "statement");
    if (rc != 0) {
        goto done;
    }
    rc =
        cli_verify(&before, a.path, env, len, &a.trust, a.declaration, a.at, 0);
    if (rc != 0) {
        goto done;
    }
    if (!lcmp_verification_valid(before)) {
        rc = cli_refuse_invalid(a.path, before);
        goto done;
    }

    lcmp_error_clear(&err);
    rc = lcmp_countersign(&out, (const uint8_t *)env, len, key, &err);
    if (rc == LCMP_EINVALID) {
        cli_errorf("%s: %s", a.path, err.message);
        rc = CLI_EXIT_NO;
        goto done;
    }
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    /* The new signature must count as an auditor's. */
    rc = cli_verify(&after,
                    a.out,
                    out.ptr,
                    out.size,
                    &a.trust,
                    a.declaration,
                    a.at,
                    LCMP_VERIFY_F_REQUIRE_AUDITOR);
    if (rc != 0) {
        goto done;
    }
    n = lcmp_verification_signature_count(after);
    mine = lcmp_verification_signature(after, n - 1);
    if (mine == NULL || mine->role != LCMP_ROLE_AUDITOR) {
        cli_errorf("%s: key %s is not a registered auditor's: %s",
                   a.key,
                   lcmp_key_fingerprint(key),
                   mine != NULL ? mine->reason : "no signature");
        rc = CLI_EXIT_NO;
        goto done;
    }
    rc = cli_write_file_atomic(a.out, out.ptr, out.size, a.force);
    if (rc != 0) {
        goto done;
    }
    if (ctx->verbosity >= 0) {
        cli_printf(stdout,
                   "%s: countersigned by auditor '%s' with %s (%zu "
                   "signatures)\n",
                   a.out,
                   mine->principal,
                   mine->fingerprint,
                   n);
    }
    rc = CLI_EXIT_OK;

done:
    lcmp_verification_free(before);
    lcmp_verification_free(after);
    lcmp_buf_dispose(&out);
    lcmp_key_free(key);
    free(env);
    return rc;
}
