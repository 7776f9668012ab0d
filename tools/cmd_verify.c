/*
 * `compliance verify S`: verify a signed compliance statement in the order
 * of DESIGN.md §3.6 and say, step by step, what holds and what does not,
 * and who signed in which role.
 *
 * Text output: a verdict line, one line per step ("✓", "✗", or "-" for a
 * step that did not run, with its reason), one line per signature, and
 * what the statement says once its signature and schema hold. `--format
 * json` prints the lcmp.verification/v1 document (docs/formats.md
 * "Verification output").
 * An invalid statement also gets the one-line refusal on stderr naming its
 * first failed step. There is no option to skip a step.
 */
#include "cli.h"
#include "cli_statement.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: compliance verify S [--declaration F] [--cache DIR]\n"
    "                           [--signers FILE] [--auditors FILE]\n"
    "                           [--require-auditor] [--at TIME]\n"
    "                           [--format text|json]\n"
    "\n"
    "Verify the signed compliance statement S: envelope, signatures,\n"
    "payload type, statement, the signer's key for the organisation, the\n"
    "auditor's countersignature, the baseline release in the sync cache,\n"
    "the declaration (its digest and a re-evaluation, when given) and the\n"
    "statement's validity. The trusted keys come from the newest verified\n"
    "release in the cache (trust/statement_signers, trust/auditors) unless\n"
    "--signers/--auditors name files.\n"
    "\n"
    "options:\n"
    "  --declaration F    also check declaration F: its sha256 and that\n"
    "                     re-evaluating it gives exactly the signed results\n"
    "  --cache DIR        the sync cache (default: \"cache\" in\n"
    "                     compliance.json, else .compliance)\n"
    "  --signers FILE     the municipalities' statement keys\n"
    "                     (allowed_signers) instead of the cache's newest\n"
    "                     verified release's trust/statement_signers; with\n"
    "                     --signers, auditors only from --auditors\n"
    "  --auditors FILE    the auditors' keys instead of the release's\n"
    "                     trust/auditors\n"
    "  --require-auditor  an auditor's countersignature is required\n"
    "  --at TIME          verify as of TIME (default: now)\n"
    "  --format FORMAT    text (default) or json (lcmp.verification/v1)\n"
    "  -q, --quiet        print only the verdict line\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit codes: 0 valid, 1 invalid (each failed step says why), 2 usage\n"
    "error or missing/malformed input (S, trust files, no cache),\n"
    "3 environment failure.\n";

enum {
    OPT_DECLARATION = 1,
    OPT_CACHE,
    OPT_SIGNERS,
    OPT_AUDITORS,
    OPT_REQUIRE_AUDITOR,
    OPT_AT,
    OPT_FORMAT
};

static const cli_option options[] = {
    {"declaration", 'd', true, OPT_DECLARATION},
    {"cache", 0, true, OPT_CACHE},
    {"signers", 0, true, OPT_SIGNERS},
    {"auditors", 0, true, OPT_AUDITORS},
    {"require-auditor", 0, false, OPT_REQUIRE_AUDITOR},
    {"at", 0, true, OPT_AT},
    {"format", 0, true, OPT_FORMAT},
    {NULL, 0, false, 0},
};

static const char *mark(const cli_ctx *ctx, lcmp_vstatus_t s)
{
    (void)ctx;
    switch (s) {
    case LCMP_VSTATUS_OK:
        return "✓";
    case LCMP_VSTATUS_FAILED:
        return "✗";
    default:
        return "-";
    }
}

static cli_color_t mark_color(lcmp_vstatus_t s)
{
    switch (s) {
    case LCMP_VSTATUS_OK:
        return CLI_GREEN;
    case LCMP_VSTATUS_FAILED:
        return CLI_RED;
    default:
        return CLI_DIM;
    }
}

static const char *role_words(lcmp_role_t r)
{
    switch (r) {
    case LCMP_ROLE_ORGANISATION:
        return "organisation";
    case LCMP_ROLE_AUDITOR:
        return "auditor";
    default:
        return "not counted";
    }
}

static void
print_verdict(const cli_ctx *ctx, const char *path, const lcmp_verification *v)
{
    bool valid = lcmp_verification_valid(v);

    fputs(cli_color(ctx, valid ? CLI_GREEN : CLI_RED), stdout);
    fputs(cli_color(ctx, CLI_BOLD), stdout);
    cli_printf(stdout, "%s: %s", path, valid ? "valid" : "INVALID");
    fputs(cli_color(ctx, CLI_RESET), stdout);
    putchar('\n');
}

static void
print_text(const cli_ctx *ctx, const char *path, const lcmp_verification *v)
{
    const lcmp_statement_info *in = lcmp_verification_statement(v);
    char evaluated[21], until[21];
    size_t i;
    int s;

    print_verdict(ctx, path, v);
    if (ctx->verbosity < 0) {
        return;
    }
    for (s = 0; s < LCMP_VSTEP_COUNT; s++) {
        const lcmp_verify_step *step =
            lcmp_verification_step(v, (lcmp_vstep_t)s);
        fputs("  ", stdout);
        fputs(cli_color(ctx, mark_color(step->status)), stdout);
        fputs(mark(ctx, step->status), stdout);
        fputs(cli_color(ctx, CLI_RESET), stdout);
        cli_printf(stdout, " %-12s %s\n", step->name, step->reason);
    }
    putchar('\n');
    for (i = 0; i < lcmp_verification_signature_count(v); i++) {
        const lcmp_verify_signature *sig = lcmp_verification_signature(v, i);
        cli_printf(stdout,
                   "signature %zu: %s%s%s%s — %s\n",
                   i,
                   sig->verified ? sig->fingerprint : "unverified",
                   sig->principal[0] != '\0' ? " (" : "",
                   sig->principal,
                   sig->principal[0] != '\0' ? ")" : "",
                   sig->role != LCMP_ROLE_NONE ? role_words(sig->role)
                                               : sig->reason);
    }
    if (in == NULL) {
        return;
    }
    lcmp_time_format(evaluated, in->evaluated_at);
    lcmp_time_format(until, in->valid_until);
    putchar('\n');
    cli_printf(stdout,
               "%s (%s), baseline %s release %s, profile %s, evaluated at "
               "%s, valid until %s: %zu of %zu compliant, score %u%%\n",
               in->organisation_name,
               in->organisation_id,
               in->baseline_id,
               in->release,
               in->profile,
               evaluated,
               until,
               in->summary.compliant,
               in->summary.controls,
               in->summary.score);
}

int cmd_verify(cli_ctx *ctx, int argc, char **argv)
{
    cli_trust trust = {NULL, NULL, NULL};
    const char *path = NULL, *declaration = NULL, *at_text = NULL, *value;
    lcmp_verification *v = NULL;
    lcmp_buf json = LCMP_BUF_INIT;
    uint32_t flags = 0;
    bool as_json = false;
    char *env = NULL;
    size_t len = 0;
    lcmp_error err;
    cli_parser p;
    int64_t at;
    int id, next, rc;

    cli_parser_init(&p, "verify", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            if (path != NULL) {
                cli_errorf("verify: one statement at a time ('%s' and "
                           "'%s')",
                           path,
                           value);
                return CLI_EXIT_USAGE;
            }
            path = value;
            continue;
        }
        switch (id) {
        case OPT_DECLARATION:
            declaration = value;
            break;
        case OPT_CACHE:
            trust.cache = value;
            break;
        case OPT_SIGNERS:
            trust.signers = value;
            break;
        case OPT_AUDITORS:
            trust.auditors = value;
            break;
        case OPT_REQUIRE_AUDITOR:
            flags |= LCMP_VERIFY_F_REQUIRE_AUDITOR;
            break;
        case OPT_AT:
            at_text = value;
            break;
        case OPT_FORMAT:
            if (strcmp(value, "json") == 0 || strcmp(value, "text") == 0) {
                as_json = strcmp(value, "json") == 0;
                break;
            }
            cli_errorf("verify: --format: unknown format '%s' (expected "
                       "text or json)",
                       value);
            return CLI_EXIT_USAGE;
        default:
            if (cli_common_option(ctx, id, usage)) {
                return CLI_EXIT_OK;
            }
            break;
        }
    }
    if (trust.cache == NULL) {
        trust.cache = cli_config(ctx, "cache");
    }
    if (path == NULL) {
        cli_errorf("verify: missing the statement S (see 'compliance verify "
                   "--help')");
        return CLI_EXIT_USAGE;
    }
    if (cli_time_option(&at, "verify", at_text) != 0) {
        return CLI_EXIT_USAGE;
    }

    rc = cli_read_file(&env, &len, path, CLI_MAX_ENVELOPE, "statement");
    if (rc != 0) {
        goto done;
    }
    rc = cli_verify(&v, path, env, len, &trust, declaration, at, flags);
    if (rc != 0) {
        goto done;
    }
    if (as_json) {
        lcmp_error_clear(&err);
        rc = lcmp_verification_to_json(&json, v, &err);
        if (rc < 0) {
            rc = cli_fail(rc, &err);
            goto done;
        }
        fwrite(json.ptr, 1, json.size, stdout);
    } else {
        print_text(ctx, path, v);
    }
    rc = lcmp_verification_valid(v) ? CLI_EXIT_OK : cli_refuse_invalid(path, v);

done:
    lcmp_buf_dispose(&json);
    lcmp_verification_free(v);
    free(env);
    return rc;
}
