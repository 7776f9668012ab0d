/*
 * `compliance check --declaration F`: evaluate a declaration against a
 * profile of a baseline and print the findings.
 *
 * Text output, for a person reading at a glance:
 *
 *   header     organisation, baseline, profile, evaluation time
 *   summary    "<org> — <profile>: N of M compliant, ... — score S%"
 *   headline   the manifest's headline controls, whatever their state
 *   families   worst score first; under each, one line per finding
 *              (non-compliant, undeclared, excepted); families without
 *              findings share one line "Without findings: A, B"; -v lists
 *              every family and control
 *   warnings   "warning: POINTER: MESSAGE"
 *
 * With -q only the summary line is printed. `--format json` prints
 * lcmp_result_to_json() verbatim, `--format oscal` lcmp_result_to_oscal()
 * (an OSCAL assessment-results document). Exit 0 without gaps, 1 with gaps
 * (non-compliant or undeclared controls), 2 usage or malformed input, 3
 * environment failure.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: compliance check --declaration F [--baseline DIR | --release TAG]\n"
    "                        [--cache DIR] [--profile P]\n"
    "                        [--at TIME] [--format text|json|oscal]\n"
    "                        [--evidence-dir DIR]\n"
    "\n"
    "Evaluate declaration F against profile P of a baseline and print the\n"
    "findings: a summary line, then per family (worst first) every control\n"
    "that is not compliant, with the reasons.\n"
    "\n"
    "options:\n"
    "  --declaration F     the declaration (lcmp.declaration/v1 JSON)\n"
    "  --baseline DIR      the baseline tree (default: $LCMP_BASELINE, then\n"
    "                      compliance.json \"baseline\", then the current\n"
    "                      verified release of the sync cache)\n"
    "  --release TAG       a release synced with 'compliance sync'\n"
    "  --cache DIR         the sync cache (default: .compliance)\n"
    "  --profile P         the profile (default: the declaration's profile)\n"
    "  --at TIME           evaluate at TIME: 2026-11-27T09:00:00Z or\n"
    "                      2026-11-27 (00:00 UTC); default: now\n"
    "  --format FORMAT     text (default), json (lcmp.results/v1) or oscal\n"
    "                      (OSCAL assessment-results)\n"
    "  --evidence-dir DIR  check the sha256 of evidence files found in DIR\n"
    "  -q, --quiet         print only the summary line\n"
    "  -v, --verbose       list compliant and not applicable controls too\n"
    "  -h, --help          print this help\n"
    "\n"
    "exit codes: 0 no gaps, 1 gaps (non-compliant or undeclared controls),\n"
    "2 usage error or missing/malformed input, 3 environment failure.\n";

enum {
    OPT_DECLARATION = 1,
    OPT_BASELINE,
    OPT_RELEASE,
    OPT_PROFILE,
    OPT_AT,
    OPT_FORMAT,
    OPT_EVIDENCE_DIR,
    OPT_CACHE
};

static const cli_option options[] = {
    {"declaration", 'd', true, OPT_DECLARATION},
    {"baseline", 'b', true, OPT_BASELINE},
    {"release", 0, true, OPT_RELEASE},
    {"profile", 'p', true, OPT_PROFILE},
    {"at", 0, true, OPT_AT},
    {"format", 0, true, OPT_FORMAT},
    {"evidence-dir", 0, true, OPT_EVIDENCE_DIR},
    {"cache", 0, true, OPT_CACHE},
    {NULL, 0, false, 0},
};

typedef struct args {
    const char *declaration;
    const char *baseline;
    const char *release;
    const char *profile;
    const char *at_text;
    const char *evidence_dir;
    const char *cache;
    bool json;
    bool oscal; /* with json: OSCAL assessment-results */
    int64_t at;
} args;

static int parse_format(args *a, const char *value)
{
    a->oscal = strcmp(value, "oscal") == 0;
    if (strcmp(value, "text") == 0) {
        a->json = false;
    } else if (strcmp(value, "json") == 0 || a->oscal) {
        a->json = true;
    } else {
        cli_errorf("check: --format: unknown format '%s' (expected text, "
                   "json or oscal)",
                   value);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* Returns -1 to go on, or the exit code. */
static int parse(args *a, cli_ctx *ctx, int argc, char **argv)
{
    cli_parser p;
    const char *value;
    int id, next;

    cli_parser_init(&p, "check", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            cli_errorf("check: unexpected argument '%s' (the declaration is "
                       "given with --declaration F)",
                       value);
            return CLI_EXIT_USAGE;
        }
        switch (id) {
        case OPT_DECLARATION:
            a->declaration = value;
            break;
        case OPT_BASELINE:
            a->baseline = value;
            break;
        case OPT_RELEASE:
            a->release = value;
            break;
        case OPT_PROFILE:
            a->profile = value;
            break;
        case OPT_AT:
            a->at_text = value;
            break;
        case OPT_FORMAT:
            if (parse_format(a, value) != 0) {
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_EVIDENCE_DIR:
            a->evidence_dir = value;
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
    if (a->declaration == NULL) {
        a->declaration = cli_config(ctx, "declaration");
    }
    if (a->profile == NULL) {
        a->profile = cli_config(ctx, "profile");
    }
    if (a->declaration == NULL) {
        cli_errorf("check: missing --declaration F (see 'compliance check "
                   "--help')");
        return CLI_EXIT_USAGE;
    }
    if (cli_time_option(&a->at, "check", a->at_text) != 0) {
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/*
 * Text output.
 */

static const char *state_words(lcmp_state_t state)
{
    switch (state) {
    case LCMP_STATE_COMPLIANT:
        return "compliant";
    case LCMP_STATE_NON_COMPLIANT:
        return "non-compliant";
    case LCMP_STATE_EXCEPTED:
        return "excepted";
    case LCMP_STATE_NOT_APPLICABLE:
        return "not applicable";
    case LCMP_STATE_UNDECLARED:
        return "undeclared";
    default:
        return "unknown";
    }
}

static cli_color_t state_color(lcmp_state_t state)
{
    switch (state) {
    case LCMP_STATE_COMPLIANT:
        return CLI_GREEN;
    case LCMP_STATE_NON_COMPLIANT:
        return CLI_RED;
    case LCMP_STATE_EXCEPTED:
    case LCMP_STATE_UNDECLARED:
        return CLI_YELLOW;
    default:
        return CLI_DIM;
    }
}

static bool is_finding(lcmp_state_t state)
{
    return state == LCMP_STATE_NON_COMPLIANT ||
           state == LCMP_STATE_UNDECLARED || state == LCMP_STATE_EXCEPTED;
}

static void print_reasons(const lcmp_control_result *c)
{
    size_t i;

    for (i = 0; i < c->nreasons; i++) {
        const lcmp_reason *r = &c->reasons[i];
        fputs(i == 0 ? ": " : "; ", stdout);
        if (r->message != NULL && r->message[0] != '\0') {
            cli_put(stdout, r->message);
        } else {
            const char *name = lcmp_reason_name(r->code);
            cli_put(stdout, name != NULL ? name : "unknown reason");
        }
    }
}

/* "  GOV-04  ICT risk analysis — non-compliant: reason; reason" */
static void
print_control(const cli_ctx *ctx, const lcmp_control_result *c, int id_width)
{
    fputs("  ", stdout);
    cli_printf(stdout, "%-*s  ", id_width, c->control);
    cli_put(stdout, c->title);
    fputs(" — ", stdout);
    fputs(cli_color(ctx, state_color(c->state)), stdout);
    fputs(state_words(c->state), stdout);
    fputs(cli_color(ctx, CLI_RESET), stdout);
    if (c->state == LCMP_STATE_EXCEPTED) {
        if (c->exception_expires != NULL) {
            cli_printf(stdout, " until %s", c->exception_expires);
        }
        if (c->exception_approved_by != NULL) {
            cli_printf(stdout, " (approved by %s)", c->exception_approved_by);
        }
        if (c->original_state != c->state) {
            cli_printf(
                stdout, ", otherwise %s", state_words(c->original_state));
        }
    }
    print_reasons(c);
    putchar('\n');
}

static void print_counts(const lcmp_counts *n)
{
    cli_printf(stdout,
               "%zu of %zu compliant, %zu non-compliant, %zu excepted, "
               "%zu not applicable, %zu undeclared — score %u%%",
               n->compliant,
               n->controls,
               n->non_compliant,
               n->excepted,
               n->not_applicable,
               n->undeclared,
               n->score);
}

static void print_summary(const cli_ctx *ctx, const lcmp_result *result)
{
    const lcmp_declaration *decl = lcmp_result_declaration(result);
    const lcmp_profile *profile = lcmp_result_profile(result);
    bool gaps = lcmp_result_has_gaps(result);

    fputs(cli_color(ctx, gaps ? CLI_BOLD : CLI_GREEN), stdout);
    cli_put(stdout, lcmp_declaration_org_name(decl));
    fputs(" — ", stdout);
    cli_put(stdout, lcmp_profile_id(profile));
    fputs(": ", stdout);
    print_counts(lcmp_result_summary(result));
    fputs(cli_color(ctx, CLI_RESET), stdout);
    putchar('\n');
}

static void print_header(const lcmp_result *result)
{
    const lcmp_declaration *decl = lcmp_result_declaration(result);
    const lcmp_profile *profile = lcmp_result_profile(result);
    char when[21];

    lcmp_time_format(when, lcmp_result_evaluated_at(result));
    cli_printf(stdout,
               "%s (%s), baseline %s, profile %s, evaluated at %s\n",
               lcmp_declaration_org_name(decl),
               lcmp_declaration_org_id(decl),
               lcmp_baseline_id(lcmp_profile_baseline(profile)),
               lcmp_profile_id(profile),
               when);
}

/* Families by score, lowest first; equal scores keep manifest order. */
static size_t *families_worst_first(const lcmp_result *result, size_t n)
{
    size_t *order = malloc((n > 0 ? n : 1) * sizeof(*order));
    size_t i, j;

    if (order == NULL) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        size_t v = i;
        unsigned int score = lcmp_result_family(result, v)->counts.score;
        for (j = i; j > 0; j--) {
            if (lcmp_result_family(result, order[j - 1])->counts.score <= score)
            {
                break;
            }
            order[j] = order[j - 1];
        }
        order[j] = v;
    }
    return order;
}

static void print_family(const cli_ctx *ctx,
                         const lcmp_result *result,
                         const lcmp_family_result *f,
                         int id_width)
{
    size_t i, n = lcmp_result_control_count(result);

    fputs(cli_color(ctx, CLI_BOLD), stdout);
    cli_put(stdout, f->title != NULL ? f->title : f->id);
    cli_printf(stdout,
               " (%s): %zu of %zu compliant",
               f->id,
               f->counts.compliant,
               f->counts.controls);
    if (f->counts.excepted > 0) {
        printf(", %zu excepted", f->counts.excepted);
    }
    if (f->counts.not_applicable > 0) {
        printf(", %zu not applicable", f->counts.not_applicable);
    }
    printf(", score %u%%", f->counts.score);
    fputs(cli_color(ctx, CLI_RESET), stdout);
    putchar('\n');
    for (i = 0; i < n; i++) {
        const lcmp_control_result *c = lcmp_result_control(result, i);
        if (c == NULL || c->family == NULL || strcmp(c->family, f->id) != 0) {
            continue;
        }
        if (is_finding(c->state) || ctx->verbosity > 0) {
            print_control(ctx, c, id_width);
        }
    }
}

static bool has_findings(const lcmp_family_result *f)
{
    return f->counts.non_compliant + f->counts.undeclared + f->counts.excepted >
           0;
}

/* Families without findings share one line: "Without findings: A, B". */
static void
print_clean_families(const lcmp_result *result, const size_t *order, size_t n)
{
    size_t i, shown = 0;

    for (i = 0; i < n; i++) {
        const lcmp_family_result *f = lcmp_result_family(result, order[i]);
        if (has_findings(f)) {
            continue;
        }
        fputs(shown == 0 ? "\nWithout findings: " : ", ", stdout);
        cli_put(stdout, f->title != NULL ? f->title : f->id);
        shown++;
    }
    if (shown > 0) {
        putchar('\n');
    }
}

/*
 * The controls the manifest names as headline (action plan, risk analysis,
 * continuity plan): the questions an auditor asks first, so they come
 * right after the summary, whatever their state.
 */
static void
print_headline(const cli_ctx *ctx, const lcmp_result *result, int id_width)
{
    const lcmp_baseline *b = lcmp_profile_baseline(lcmp_result_profile(result));
    size_t i, j, shown = 0, n = lcmp_result_control_count(result);

    for (i = 0; i < lcmp_baseline_headline_count(b); i++) {
        const char *id = lcmp_baseline_headline(b, i);
        for (j = 0; j < n; j++) {
            const lcmp_control_result *c = lcmp_result_control(result, j);
            if (strcmp(c->control, id) == 0) {
                fputs(shown++ == 0 ? "\nHeadline controls:\n" : "", stdout);
                print_control(ctx, c, id_width);
                break;
            }
        }
    }
}

static void print_warnings(const cli_ctx *ctx, const lcmp_result *result)
{
    size_t i, n = lcmp_result_warning_count(result);

    if (n > 0) {
        putchar('\n');
    }
    for (i = 0; i < n; i++) {
        const lcmp_warning *w = lcmp_result_warning(result, i);
        fputs(cli_color(ctx, CLI_YELLOW), stdout);
        fputs("warning", stdout);
        fputs(cli_color(ctx, CLI_RESET), stdout);
        fputs(": ", stdout);
        if (w->pointer != NULL && w->pointer[0] != '\0') {
            cli_printf(stdout, "%s: ", w->pointer);
        }
        cli_put(stdout, w->message != NULL ? w->message : w->code);
        putchar('\n');
    }
}

static int print_text(const cli_ctx *ctx, const lcmp_result *result)
{
    size_t i, nfam = lcmp_result_family_count(result);
    size_t ncontrols = lcmp_result_control_count(result);
    size_t *order = NULL;
    int id_width = 0;

    if (ctx->verbosity < 0) {
        print_summary(ctx, result);
        return 0;
    }
    order = families_worst_first(result, nfam);
    if (order == NULL) {
        cli_errorf("out of memory");
        return CLI_EXIT_ENV;
    }
    for (i = 0; i < ncontrols; i++) {
        const lcmp_control_result *c = lcmp_result_control(result, i);
        size_t len = c != NULL ? strlen(c->control) : 0;
        if (len > (size_t)id_width && len < 64) {
            id_width = (int)len;
        }
    }

    print_header(result);
    print_summary(ctx, result);
    print_headline(ctx, result, id_width);
    for (i = 0; i < nfam; i++) {
        const lcmp_family_result *f = lcmp_result_family(result, order[i]);
        if (has_findings(f) || ctx->verbosity > 0) {
            putchar('\n');
            print_family(ctx, result, f, id_width);
        }
    }
    if (ctx->verbosity <= 0) {
        print_clean_families(result, order, nfam);
    }
    print_warnings(ctx, result);
    free(order);
    return 0;
}

static int print_json(const lcmp_result *result, bool oscal)
{
    lcmp_buf json = LCMP_BUF_INIT;
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = oscal ? lcmp_result_to_oscal(&json, result, 0, &err)
               : lcmp_result_to_json(&json, result, 0, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    fwrite(json.ptr, 1, json.size, stdout);
    rc = 0;

done:
    lcmp_buf_dispose(&json);
    return rc;
}

/*
 * The command.
 */

static int load_declaration(lcmp_declaration **out, const char *path)
{
    lcmp_error err;
    int rc;

    rc = cli_require_file(path, "declaration file");
    if (rc != 0) {
        return rc;
    }
    lcmp_error_clear(&err);
    rc = lcmp_declaration_load_file(out, path, NULL, &err);
    if (rc < 0) {
        return cli_fail(rc, &err);
    }
    return 0;
}

int cmd_check(cli_ctx *ctx, int argc, char **argv)
{
    args a;
    lcmp_declaration *decl = NULL;
    lcmp_baseline *baseline = NULL;
    lcmp_profile *profile = NULL;
    lcmp_result *result = NULL;
    lcmp_evaluate_options eopts = LCMP_EVALUATE_OPTIONS_INIT;
    lcmp_error err;
    const char *profile_id;
    char source[128];
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse(&a, ctx, argc, argv);
    if (rc >= 0) {
        return rc;
    }
    if (a.evidence_dir != NULL) {
        rc = cli_require_dir(a.evidence_dir, "evidence directory");
        if (rc != 0) {
            goto done;
        }
        eopts.evidence = lcmp_evidence_from_dir;
        /* lcmp_evidence_from_dir() only reads its payload. */
        eopts.evidence_payload = (void *)a.evidence_dir;
    }
    rc = load_declaration(&decl, a.declaration);
    if (rc != 0) {
        goto done;
    }
    rc = cli_load_baseline_any(&baseline,
                               source,
                               sizeof(source),
                               ctx,
                               "check",
                               a.baseline,
                               a.release,
                               a.cache);
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
    rc = lcmp_evaluate(&result, profile, decl, a.at, &eopts, &err);
    if (rc < 0) {
        /* Its pointers are into the declaration: name it if the library
         * did not. */
        if (err.source[0] == '\0' && err.pointer[0] != '\0') {
            snprintf(err.source, sizeof(err.source), "%s", a.declaration);
        }
        rc = cli_fail(rc, &err);
        goto done;
    }

    rc = a.json ? print_json(result, a.oscal) : print_text(ctx, result);
    if (rc == 0) {
        rc = lcmp_result_has_gaps(result) ? CLI_EXIT_NO : CLI_EXIT_OK;
    }

done:
    lcmp_result_free(result);
    lcmp_profile_free(profile);
    lcmp_baseline_free(baseline);
    lcmp_declaration_free(decl);
    return rc;
}
