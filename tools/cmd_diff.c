/*
 * `compliance diff OLD NEW`: what changed between two baselines (release
 * tags of the sync cache, or baseline directories), what that means for
 * one declaration (--declaration F), or what changed between two signed
 * statements of the same organisation.
 *
 * An operand that is a directory is a baseline tree; a regular file is a
 * statement (DSSE envelope); anything else is a release tag of the cache,
 * which must be a verified release. Both operands must be baselines, or
 * both statements. Statements are verified first, as `compliance verify`
 * does (trust from the cache's newest verified release, or --signers and
 * --auditors) and must name the same organisation.
 *
 * Text output, for a person scanning it in seconds:
 *
 *   summary    "BASELINE OLD -> NEW: A added, R removed, C changed"
 *   controls   "+ ID title", "- ID title", "~ ID title: title, rules"
 *   profiles   one block per profile that changed: newly required
 *              (moved from P), no longer required (moved to P), effective
 *              parameter values "~ GOV-04 max_age_months 24 -> 12";
 *              unchanged profiles share one line
 *   impact     with --declaration: a to-do list (newly failing with the
 *              new reasons, newly required, changed), then what got
 *              better (newly passing, no longer required)
 *
 * `--format json` prints lcmp.diff/v1 (statements: lcmp.statement-diff/v1).
 * Exit codes like diff(1): 0 no differences, 1 differences, 2 usage error
 * or bad input (unknown tag, unverified release, malformed tree, invalid
 * statement), 3 environment failure.
 */
#include "cli.h"
#include "cli_statement.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char usage[] =
    "usage: compliance diff OLD NEW [--declaration F] [--profile P]\n"
    "                       [--at TIME] [--cache DIR] [--format text|json]\n"
    "       compliance diff S1 S2 [--signers FILE] [--auditors FILE]\n"
    "                       [--cache DIR] [--at TIME] [--format text|json]\n"
    "\n"
    "Show what changed between two baselines: OLD and NEW are release tags\n"
    "of the sync cache (verified releases only) or baseline directories.\n"
    "Controls added, removed and changed (title, description, family,\n"
    "params, facts, rules, evidence, mappings), and per profile the\n"
    "controls newly required or no longer required and the effective\n"
    "parameter values that changed.\n"
    "\n"
    "With --declaration F: the impact on that declaration, evaluated\n"
    "against the same profile of OLD and NEW at the same time: every\n"
    "control whose result changes, as a to-do list.\n"
    "\n"
    "With two statement files: both are verified first and must be for\n"
    "the same organisation; shows the controls improved, regressed and\n"
    "unchanged, and the score change.\n"
    "\n"
    "options:\n"
    "  --declaration F  show the impact on declaration F\n"
    "  --profile P      the profile for the impact (default: the\n"
    "                   declaration's)\n"
    "  --at TIME        evaluation (and verification) time:\n"
    "                   2026-11-27T09:00:00Z or 2026-11-27; default: now\n"
    "  --cache DIR      the sync cache (default: compliance.json \"cache\",\n"
    "                   else .compliance)\n"
    "  --signers FILE   statements: the statement signers (allowed_signers)\n"
    "                   instead of trust/statement_signers of the cache's\n"
    "                   newest verified release (then auditors only from\n"
    "                   --auditors)\n"
    "  --auditors FILE  statements: the auditors' keys instead of the\n"
    "                   release's trust/auditors\n"
    "  --format FORMAT  text (default) or json (lcmp.diff/v1;\n"
    "                   statements: lcmp.statement-diff/v1)\n"
    "  -q, --quiet      print only the summary line\n"
    "  -h, --help       print this help\n"
    "\n"
    "exit codes: 0 no differences, 1 differences, 2 usage error or bad\n"
    "input (unknown tag, malformed tree, invalid statement), 3 environment\n"
    "failure.\n";

enum {
    OPT_DECLARATION = 1,
    OPT_PROFILE,
    OPT_AT,
    OPT_CACHE,
    OPT_FORMAT,
    OPT_SIGNERS,
    OPT_AUDITORS
};

static const cli_option options[] = {
    {"declaration", 'd', true, OPT_DECLARATION},
    {"profile", 'p', true, OPT_PROFILE},
    {"at", 0, true, OPT_AT},
    {"cache", 0, true, OPT_CACHE},
    {"format", 0, true, OPT_FORMAT},
    {"signers", 0, true, OPT_SIGNERS},
    {"auditors", 0, true, OPT_AUDITORS},
    {NULL, 0, false, 0},
};

typedef struct args {
    const char *operands[2];
    size_t noperands;
    const char *declaration;
    const char *profile;
    const char *at_text;
    const char *cache;
    const char *signers;
    const char *auditors;
    bool json;
    int64_t at;
} args;

/* Returns -1 to go on, or the exit code. */
static int parse(args *a, cli_ctx *ctx, int argc, char **argv)
{
    cli_parser p;
    const char *value;
    int id, next;

    cli_parser_init(&p, "diff", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            if (a->noperands == 2) {
                cli_errorf("diff: unexpected argument '%s' (give exactly "
                           "OLD and NEW)",
                           value);
                return CLI_EXIT_USAGE;
            }
            a->operands[a->noperands++] = value;
            continue;
        }
        switch (id) {
        case OPT_DECLARATION:
            a->declaration = value;
            break;
        case OPT_PROFILE:
            a->profile = value;
            break;
        case OPT_AT:
            a->at_text = value;
            break;
        case OPT_CACHE:
            a->cache = value;
            break;
        case OPT_SIGNERS:
            a->signers = value;
            break;
        case OPT_AUDITORS:
            a->auditors = value;
            break;
        case OPT_FORMAT:
            if (strcmp(value, "text") == 0) {
                a->json = false;
            } else if (strcmp(value, "json") == 0) {
                a->json = true;
            } else {
                cli_errorf("diff: --format: unknown format '%s' (expected "
                           "text or json)",
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
    if (a->noperands != 2) {
        cli_errorf("diff: give OLD and NEW (see 'compliance diff --help')");
        return CLI_EXIT_USAGE;
    }
    if (a->cache == NULL) {
        a->cache = cli_config(ctx, "cache");
    }
    if (cli_time_option(&a->at, "diff", a->at_text) != 0) {
        return CLI_EXIT_USAGE;
    }
    return -1;
}

/*
 * Loading the operands
 */

typedef enum { KIND_DIR, KIND_FILE, KIND_TAG } operand_kind;

static operand_kind operand_kind_of(const char *s)
{
    struct stat st;

    if (stat(s, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            return KIND_DIR;
        }
        return KIND_FILE;
    }
    return KIND_TAG;
}

/* The cache, opened once for both operands; 0 or an exit code. */
static int open_cache(lcmp_cache **cache, const char *dir, const char *tag)
{
    lcmp_error err;
    int rc;

    if (*cache != NULL) {
        return 0;
    }
    lcmp_error_clear(&err);
    rc = lcmp_cache_open(cache, dir, &err);
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("%s: not a baseline directory, a statement file or a "
                   "release: no synced releases in %s (run 'compliance "
                   "sync' first)",
                   tag,
                   dir != NULL ? dir : LCMP_SYNC_DEFAULT_CACHE);
        return CLI_EXIT_USAGE;
    }
    return rc < 0 ? cli_fail(rc, &err) : 0;
}

/* A verified release of the cache, or a baseline directory. */
static int load_baseline(lcmp_baseline **out,
                         lcmp_cache **cache,
                         const char *operand,
                         const char *cache_dir)
{
    lcmp_release_info info;
    lcmp_error err;
    size_t i, n;
    bool found = false;
    int rc;

    if (operand_kind_of(operand) == KIND_DIR) {
        return cli_load_baseline(out, operand);
    }
    rc = open_cache(cache, cache_dir, operand);
    if (rc != 0) {
        return rc;
    }
    n = lcmp_cache_release_count(*cache);
    for (i = 0; i < n && !found; i++) {
        if (lcmp_cache_release(&info, *cache, i) == 0 &&
            strcmp(info.tag, operand) == 0) {
            found = true;
        }
    }
    if (!found) {
        cli_errorf("%s: not a baseline directory, a statement file or a "
                   "release in the cache (see 'compliance releases')",
                   operand);
        return CLI_EXIT_USAGE;
    }
    if (!info.verified) {
        cli_errorf("%s: not a verified release", operand);
        return CLI_EXIT_USAGE;
    }
    lcmp_error_clear(&err);
    rc = lcmp_cache_load_baseline(out, *cache, operand, NULL, &err);
    if (rc == LCMP_EVERIFY) {
        (void)cli_fail(rc, &err);
        return CLI_EXIT_USAGE; /* the cache no longer matches its state */
    }
    return rc < 0 ? cli_fail(rc, &err) : 0;
}

/*
 * Text output of a baseline diff
 */

static size_t count_change(const lcmp_diff *d, lcmp_change_t kind)
{
    size_t i, n = 0;

    for (i = 0; i < lcmp_diff_control_count(d); i++) {
        if (lcmp_diff_control(d, i)->change == kind) {
            n++;
        }
    }
    return n;
}

static void print_summary(const lcmp_baseline *nb,
                          const char *old_name,
                          const char *new_name,
                          const lcmp_diff *d)
{
    size_t added = count_change(d, LCMP_CHANGE_ADDED);

    cli_printf(
        stdout, "%s %s -> %s: ", lcmp_baseline_id(nb), old_name, new_name);
    if (!lcmp_diff_has_changes(d)) {
        fputs("no differences\n", stdout);
        return;
    }
    cli_printf(stdout,
               "%zu control%s added, %zu removed, %zu changed",
               added,
               added == 1 ? "" : "s",
               count_change(d, LCMP_CHANGE_REMOVED),
               count_change(d, LCMP_CHANGE_CHANGED));
    if (lcmp_diff_control_count(d) == 0) {
        fputs("; profiles changed", stdout);
    }
    putchar('\n');
}

static void print_aspects(const lcmp_control_change *c)
{
    uint32_t bit;
    bool first = true;

    for (bit = 1; bit < (1u << LCMP_ASPECT_COUNT); bit <<= 1) {
        if ((c->aspects & bit) == 0) {
            continue;
        }
        fputs(first ? ": " : ", ", stdout);
        first = false;
        fputs(lcmp_aspect_name(bit), stdout);
        if (bit == LCMP_ASPECT_TITLE) {
            fputs(" (was \"", stdout);
            cli_put(stdout, c->old_title);
            fputs("\")", stdout);
        } else if (bit == LCMP_ASPECT_FAMILY) {
            cli_printf(stdout, " %s -> %s", c->old_family, c->new_family);
        }
    }
}

static void print_controls(const cli_ctx *ctx, const lcmp_diff *d)
{
    size_t i, n = lcmp_diff_control_count(d);

    if (n == 0) {
        return;
    }
    fputs("\n", stdout);
    fputs(cli_color(ctx, CLI_BOLD), stdout);
    fputs("Controls", stdout);
    fputs(cli_color(ctx, CLI_RESET), stdout);
    putchar('\n');
    for (i = 0; i < n; i++) {
        const lcmp_control_change *c = lcmp_diff_control(d, i);
        switch (c->change) {
        case LCMP_CHANGE_ADDED:
            fputs(cli_color(ctx, CLI_GREEN), stdout);
            cli_printf(stdout, "  + %s  ", c->control);
            cli_put(stdout, c->new_title);
            cli_printf(stdout, " (added, %s)", c->new_family);
            break;
        case LCMP_CHANGE_REMOVED:
            fputs(cli_color(ctx, CLI_RED), stdout);
            cli_printf(stdout, "  - %s  ", c->control);
            cli_put(stdout, c->old_title);
            cli_printf(stdout, " (removed, was in %s)", c->old_family);
            break;
        default:
            fputs(cli_color(ctx, CLI_YELLOW), stdout);
            cli_printf(stdout, "  ~ %s  ", c->control);
            cli_put(stdout, c->new_title);
            print_aspects(c);
            break;
        }
        fputs(cli_color(ctx, CLI_RESET), stdout);
        putchar('\n');
    }
}

/* Whether profile `pid` has changes; sets the three counts. */
static bool
profile_counts(const lcmp_diff *d, const char *pid, size_t n[3], int *whole)
{
    size_t i;
    bool any = false;

    n[0] = n[1] = n[2] = 0;
    *whole = -1;
    for (i = 0; i < lcmp_diff_profile_change_count(d); i++) {
        const lcmp_profile_change *pc = lcmp_diff_profile_change(d, i);
        if (strcmp(pc->profile, pid) != 0) {
            continue;
        }
        any = true;
        if (pc->change <= LCMP_PCHANGE_PARAM) {
            n[pc->change]++;
        } else {
            *whole = (int)pc->change;
        }
    }
    return any;
}

static bool is_removed(const lcmp_diff *d, const char *control)
{
    size_t i;

    for (i = 0; i < lcmp_diff_control_count(d); i++) {
        const lcmp_control_change *c = lcmp_diff_control(d, i);
        if (c->change == LCMP_CHANGE_REMOVED &&
            strcmp(c->control, control) == 0) {
            return true;
        }
    }
    return false;
}

static void
print_profile(const cli_ctx *ctx, const lcmp_diff *d, const char *pid)
{
    size_t i, n[3];
    int whole;

    (void)profile_counts(d, pid, n, &whole);
    putchar('\n');
    fputs(cli_color(ctx, CLI_BOLD), stdout);
    cli_printf(stdout, "Profile %s: ", pid);
    if (whole == LCMP_PCHANGE_PROFILE_ADDED) {
        fputs("new profile", stdout);
    } else if (whole == LCMP_PCHANGE_PROFILE_REMOVED) {
        fputs("removed", stdout);
    } else {
        const char *sep = "";
        if (n[0] > 0) {
            printf("%zu newly required", n[0]);
            sep = ", ";
        }
        if (n[1] > 0) {
            printf("%s%zu no longer required", sep, n[1]);
            sep = ", ";
        }
        if (n[2] > 0) {
            printf("%s%zu parameter value%s changed",
                   sep,
                   n[2],
                   n[2] == 1 ? "" : "s");
        }
    }
    fputs(cli_color(ctx, CLI_RESET), stdout);
    putchar('\n');
    for (i = 0; i < lcmp_diff_profile_change_count(d); i++) {
        const lcmp_profile_change *pc = lcmp_diff_profile_change(d, i);
        if (strcmp(pc->profile, pid) != 0) {
            continue;
        }
        switch (pc->change) {
        case LCMP_PCHANGE_REQUIRED:
            cli_printf(stdout, "  + %s  newly required", pc->control);
            if (pc->other_profile != NULL) {
                cli_printf(stdout, " (moved from %s)", pc->other_profile);
            }
            putchar('\n');
            break;
        case LCMP_PCHANGE_NOT_REQUIRED:
            cli_printf(stdout, "  - %s  no longer required", pc->control);
            if (pc->other_profile != NULL) {
                cli_printf(stdout, " (moved to %s)", pc->other_profile);
            } else if (is_removed(d, pc->control)) {
                fputs(" (control removed)", stdout);
            }
            putchar('\n');
            break;
        case LCMP_PCHANGE_PARAM:
            cli_printf(stdout,
                       "  ~ %s  %s %s -> %s\n",
                       pc->control,
                       pc->param,
                       pc->old_value != NULL ? pc->old_value : "(none)",
                       pc->new_value != NULL ? pc->new_value : "(none)");
            break;
        default:
            break;
        }
    }
}

static void print_profiles(const cli_ctx *ctx,
                           const lcmp_diff *d,
                           const lcmp_baseline *ob,
                           const lcmp_baseline *nb)
{
    size_t i, n[3], shown = 0;
    int whole;

    for (i = 0; i < lcmp_baseline_profile_count(nb); i++) {
        const char *pid = lcmp_baseline_profile_id(nb, i);
        if (profile_counts(d, pid, n, &whole)) {
            print_profile(ctx, d, pid);
        }
    }
    for (i = 0; i < lcmp_baseline_profile_count(ob); i++) {
        const char *pid = lcmp_baseline_profile_id(ob, i);
        size_t j;
        bool in_new = false;
        for (j = 0; j < lcmp_baseline_profile_count(nb); j++) {
            in_new =
                in_new || strcmp(pid, lcmp_baseline_profile_id(nb, j)) == 0;
        }
        if (!in_new && profile_counts(d, pid, n, &whole)) {
            print_profile(ctx, d, pid);
        }
    }
    for (i = 0; i < lcmp_baseline_profile_count(nb); i++) {
        const char *pid = lcmp_baseline_profile_id(nb, i);
        if (!profile_counts(d, pid, n, &whole)) {
            fputs(shown++ == 0 ? "\nUnchanged profiles: " : ", ", stdout);
            cli_put(stdout, pid);
        }
    }
    if (shown > 0) {
        putchar('\n');
    }
}

/*
 * Text output of an impact
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

static void print_item(const cli_ctx *ctx, const lcmp_impact_item *it)
{
    size_t i;

    switch (it->kind) {
    case LCMP_IMPACT_NEWLY_FAILING:
        fputs(cli_color(ctx, CLI_RED), stdout);
        cli_printf(stdout, "  ! %s  ", it->control);
        cli_put(stdout, it->title);
        cli_printf(
            stdout, " — newly failing (was %s)", state_words(it->old_state));
        break;
    case LCMP_IMPACT_NEWLY_REQUIRED:
        fputs(cli_color(ctx, CLI_YELLOW), stdout);
        cli_printf(stdout, "  + %s  ", it->control);
        cli_put(stdout, it->title);
        cli_printf(stdout, " — newly required, %s", state_words(it->new_state));
        break;
    case LCMP_IMPACT_CHANGED:
        fputs(cli_color(ctx, CLI_YELLOW), stdout);
        cli_printf(stdout, "  ~ %s  ", it->control);
        cli_put(stdout, it->title);
        cli_printf(stdout,
                   " — %s (was %s)",
                   state_words(it->new_state),
                   state_words(it->old_state));
        break;
    case LCMP_IMPACT_NEWLY_PASSING:
        fputs(cli_color(ctx, CLI_GREEN), stdout);
        cli_printf(stdout, "  ✓ %s  ", it->control);
        cli_put(stdout, it->title);
        cli_printf(stdout,
                   " — newly passing: %s (was %s)",
                   state_words(it->new_state),
                   state_words(it->old_state));
        break;
    default:
        fputs(cli_color(ctx, CLI_DIM), stdout);
        cli_printf(stdout, "  - %s  ", it->control);
        cli_put(stdout, it->title);
        cli_printf(stdout,
                   " — no longer required (was %s)",
                   state_words(it->old_state));
        break;
    }
    fputs(cli_color(ctx, CLI_RESET), stdout);
    for (i = 0; i < it->nreasons; i++) {
        const lcmp_reason *r = &it->reasons[i];
        fputs(i == 0 ? ": " : "; ", stdout);
        if (r->message != NULL && r->message[0] != '\0') {
            cli_put(stdout, r->message);
        } else {
            const char *name = lcmp_reason_name(r->code);
            cli_put(stdout, name != NULL ? name : "unknown reason");
        }
    }
    putchar('\n');
}

static bool is_todo(lcmp_impact_t kind)
{
    return kind == LCMP_IMPACT_NEWLY_FAILING ||
           kind == LCMP_IMPACT_NEWLY_REQUIRED || kind == LCMP_IMPACT_CHANGED;
}

/* The impact: header, to-do list, then what no longer needs work. */
static void print_impact(const cli_ctx *ctx,
                         const lcmp_impact *im,
                         const lcmp_declaration *decl)
{
    const lcmp_counts *o = lcmp_result_summary(lcmp_impact_old(im));
    const lcmp_counts *n = lcmp_result_summary(lcmp_impact_new(im));
    size_t i, todo = 0, better = 0, count = lcmp_impact_count(im);
    char when[21];

    for (i = 0; i < count; i++) {
        if (is_todo(lcmp_impact_get(im, i)->kind)) {
            todo++;
        } else {
            better++;
        }
    }
    lcmp_time_format(when, lcmp_impact_evaluated_at(im));
    putchar('\n');
    fputs(cli_color(ctx, CLI_BOLD), stdout);
    fputs("Impact on ", stdout);
    cli_put(stdout, lcmp_declaration_org_name(decl));
    cli_printf(stdout,
               " (%s), profile %s, at %s: score %u%% -> %u%%, %zu to do, "
               "%zu better",
               lcmp_declaration_org_id(decl),
               lcmp_impact_profile(im),
               when,
               o->score,
               n->score,
               todo,
               better);
    fputs(cli_color(ctx, CLI_RESET), stdout);
    putchar('\n');
    if (todo > 0) {
        fputs("To do for the new release:\n", stdout);
        for (i = 0; i < count; i++) {
            if (is_todo(lcmp_impact_get(im, i)->kind)) {
                print_item(ctx, lcmp_impact_get(im, i));
            }
        }
    }
    if (better > 0) {
        fputs("No longer needed or now met:\n", stdout);
        for (i = 0; i < count; i++) {
            if (!is_todo(lcmp_impact_get(im, i)->kind)) {
                print_item(ctx, lcmp_impact_get(im, i));
            }
        }
    }
    if (count == 0) {
        fputs("No control changes its result.\n", stdout);
    }
}

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
    return rc < 0 ? cli_fail(rc, &err) : 0;
}

static int compute_impact(lcmp_impact **out,
                          const lcmp_baseline *ob,
                          const lcmp_baseline *nb,
                          const lcmp_declaration *decl,
                          const char *path,
                          const char *profile,
                          int64_t at)
{
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_impact_evaluate(out, ob, nb, decl, profile, at, NULL, &err);
    if (rc < 0) {
        if (err.source[0] == '\0') {
            snprintf(err.source, sizeof(err.source), "%s", path);
        }
        return cli_fail(rc, &err);
    }
    return 0;
}

int diff_sync_impact(const cli_ctx *ctx,
                     const char *cache_dir,
                     const char *old_tag,
                     const char *new_tag,
                     const char *declaration,
                     const char *profile)
{
    lcmp_cache *cache = NULL;
    lcmp_baseline *ob = NULL, *nb = NULL;
    lcmp_declaration *decl = NULL;
    lcmp_impact *im = NULL;
    int rc;

    if ((rc = load_declaration(&decl, declaration)) != 0 ||
        (rc = load_baseline(&ob, &cache, old_tag, cache_dir)) != 0 ||
        (rc = load_baseline(&nb, &cache, new_tag, cache_dir)) != 0 ||
        (rc = compute_impact(
             &im, ob, nb, decl, declaration, profile, (int64_t)time(NULL))) !=
            0)
    {
        goto done;
    }
    if (ctx->verbosity >= 0) {
        print_impact(ctx, im, decl);
    }
    rc = 0;

done:
    lcmp_impact_free(im);
    lcmp_baseline_free(ob);
    lcmp_baseline_free(nb);
    lcmp_declaration_free(decl);
    lcmp_cache_free(cache);
    return rc;
}

static int print_json(const lcmp_diff *d,
                      const lcmp_impact *im,
                      const char *old_name,
                      const char *new_name)
{
    lcmp_buf json = LCMP_BUF_INIT;
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_diff_to_json(&json, d, im, old_name, new_name, 0, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
    } else {
        fwrite(json.ptr, 1, json.size, stdout);
    }
    lcmp_buf_dispose(&json);
    return rc;
}

static int diff_baselines(cli_ctx *ctx, const args *a)
{
    lcmp_cache *cache = NULL;
    lcmp_baseline *ob = NULL, *nb = NULL;
    lcmp_declaration *decl = NULL;
    lcmp_diff *d = NULL;
    lcmp_impact *im = NULL;
    lcmp_error err;
    int rc;

    if (a->signers != NULL || a->auditors != NULL) {
        cli_errorf("diff: --signers and --auditors are for two statements");
        return CLI_EXIT_USAGE;
    }
    if (a->declaration != NULL) {
        rc = load_declaration(&decl, a->declaration);
        if (rc != 0) {
            goto done;
        }
    }
    if ((rc = load_baseline(&ob, &cache, a->operands[0], a->cache)) != 0 ||
        (rc = load_baseline(&nb, &cache, a->operands[1], a->cache)) != 0)
    {
        goto done;
    }
    lcmp_error_clear(&err);
    rc = lcmp_diff_baselines(&d, ob, nb, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    if (decl != NULL) {
        rc = compute_impact(
            &im, ob, nb, decl, a->declaration, a->profile, a->at);
        if (rc != 0) {
            goto done;
        }
    }
    if (a->json) {
        rc = print_json(d, im, a->operands[0], a->operands[1]);
        if (rc != 0) {
            goto done;
        }
    } else {
        print_summary(nb, a->operands[0], a->operands[1], d);
        if (ctx->verbosity >= 0) {
            print_controls(ctx, d);
            if (lcmp_diff_has_changes(d)) {
                print_profiles(ctx, d, ob, nb);
            }
            if (im != NULL) {
                print_impact(ctx, im, decl);
            }
        }
    }
    rc = lcmp_diff_has_changes(d) ? CLI_EXIT_NO : CLI_EXIT_OK;

done:
    lcmp_impact_free(im);
    lcmp_diff_free(d);
    lcmp_baseline_free(ob);
    lcmp_baseline_free(nb);
    lcmp_declaration_free(decl);
    lcmp_cache_free(cache);
    return rc;
}

/*
 * Two statements
 */

static void
print_moves(const lcmp_statement_diff *sd, lcmp_move_t move, const char *title)
{
    size_t i, n = lcmp_statement_diff_count(sd);

    if (lcmp_statement_diff_tally(sd, move) == 0) {
        return;
    }
    printf("%s:\n", title);
    for (i = 0; i < n; i++) {
        const lcmp_statement_move *m = lcmp_statement_diff_get(sd, i);
        if (m->move != move) {
            continue;
        }
        cli_printf(stdout,
                   "  %s  (%s) %s -> %s\n",
                   m->control,
                   m->family,
                   m->old_state != NULL ? m->old_state : "(not assessed)",
                   m->new_state != NULL ? m->new_state : "(not assessed)");
    }
}

static void print_statement_text(const cli_ctx *ctx,
                                 const lcmp_statement_diff *sd)
{
    const lcmp_statement_info *a = lcmp_statement_diff_old(sd);
    const lcmp_statement_info *b = lcmp_statement_diff_new_info(sd);
    char wa[21], wb[21];

    lcmp_time_format(wa, a->evaluated_at);
    lcmp_time_format(wb, b->evaluated_at);
    cli_put(stdout, b->organisation_name);
    cli_printf(stdout,
               " (%s): score %u%% -> %u%% (%+d), %zu improved, %zu "
               "regressed, %zu unchanged",
               b->organisation_id,
               a->summary.score,
               b->summary.score,
               (int)b->summary.score - (int)a->summary.score,
               lcmp_statement_diff_tally(sd, LCMP_MOVE_IMPROVED),
               lcmp_statement_diff_tally(sd, LCMP_MOVE_REGRESSED),
               lcmp_statement_diff_tally(sd, LCMP_MOVE_UNCHANGED));
    if (lcmp_statement_diff_tally(sd, LCMP_MOVE_ADDED) +
            lcmp_statement_diff_tally(sd, LCMP_MOVE_REMOVED) >
        0)
    {
        printf(", %zu added, %zu removed",
               lcmp_statement_diff_tally(sd, LCMP_MOVE_ADDED),
               lcmp_statement_diff_tally(sd, LCMP_MOVE_REMOVED));
    }
    putchar('\n');
    if (ctx->verbosity < 0) {
        return;
    }
    cli_printf(stdout,
               "old: %s, profile %s, evaluated at %s",
               a->release,
               a->profile,
               wa);
    putchar('\n');
    cli_printf(stdout,
               "new: %s, profile %s, evaluated at %s",
               b->release,
               b->profile,
               wb);
    putchar('\n');
    print_moves(sd, LCMP_MOVE_REGRESSED, "Regressed");
    print_moves(sd, LCMP_MOVE_IMPROVED, "Improved");
    print_moves(sd, LCMP_MOVE_ADDED, "Only in the new statement");
    print_moves(sd, LCMP_MOVE_REMOVED, "Only in the old statement");
    if (ctx->verbosity > 0) {
        print_moves(sd, LCMP_MOVE_UNCHANGED, "Unchanged");
    }
}

static int verify_one(lcmp_verification **v,
                      char **env,
                      size_t *len,
                      const char *path,
                      const args *a)
{
    cli_trust t;
    int rc;

    t.cache = a->cache;
    t.signers = a->signers;
    t.auditors = a->auditors;
    rc = cli_read_file(env, len, path, CLI_MAX_ENVELOPE, "statement");
    if (rc != 0) {
        return rc;
    }
    rc = cli_verify(v, path, *env, *len, &t, NULL, a->at, 0);
    if (rc != 0) {
        return rc;
    }
    if (!lcmp_verification_valid(*v)) {
        (void)cli_refuse_invalid(path, *v);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static int diff_statements(cli_ctx *ctx, const args *a)
{
    lcmp_verification *va = NULL, *vb = NULL;
    lcmp_statement_diff *sd = NULL;
    lcmp_buf json = LCMP_BUF_INIT;
    char *ea = NULL, *eb = NULL;
    size_t la = 0, lb = 0;
    lcmp_error err;
    int rc;

    if (a->declaration != NULL || a->profile != NULL) {
        cli_errorf("diff: --declaration and --profile are for two "
                   "baselines, not two statements");
        return CLI_EXIT_USAGE;
    }
    if ((rc = verify_one(&va, &ea, &la, a->operands[0], a)) != 0 ||
        (rc = verify_one(&vb, &eb, &lb, a->operands[1], a)) != 0)
    {
        goto done;
    }
    lcmp_error_clear(&err);
    rc = lcmp_statement_diff_new(
        &sd, va, (const uint8_t *)ea, la, vb, (const uint8_t *)eb, lb, &err);
    if (rc == LCMP_EINVALID) {
        cli_errorf("diff: %s", err.message);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    if (a->json) {
        lcmp_error_clear(&err);
        rc = lcmp_statement_diff_to_json(&json, sd, 0, &err);
        if (rc < 0) {
            rc = cli_fail(rc, &err);
            goto done;
        }
        fwrite(json.ptr, 1, json.size, stdout);
    } else {
        print_statement_text(ctx, sd);
    }
    rc = lcmp_statement_diff_tally(sd, LCMP_MOVE_UNCHANGED) ==
                     lcmp_statement_diff_count(sd) &&
                 lcmp_statement_diff_old(sd)->summary.score ==
                     lcmp_statement_diff_new_info(sd)->summary.score
             ? CLI_EXIT_OK
             : CLI_EXIT_NO;

done:
    lcmp_buf_dispose(&json);
    lcmp_statement_diff_free(sd);
    lcmp_verification_free(va);
    lcmp_verification_free(vb);
    free(ea);
    free(eb);
    return rc;
}

int cmd_diff(cli_ctx *ctx, int argc, char **argv)
{
    args a;
    operand_kind ka, kb;
    int rc;

    memset(&a, 0, sizeof(a));
    rc = parse(&a, ctx, argc, argv);
    if (rc >= 0) {
        return rc;
    }
    ka = operand_kind_of(a.operands[0]);
    kb = operand_kind_of(a.operands[1]);
    if (ka == KIND_FILE && kb == KIND_FILE) {
        return diff_statements(ctx, &a);
    }
    if (ka == KIND_FILE || kb == KIND_FILE) {
        cli_errorf("diff: %s: compare two statements or two baselines, "
                   "not one of each",
                   ka == KIND_FILE ? a.operands[0] : a.operands[1]);
        return CLI_EXIT_USAGE;
    }
    return diff_baselines(ctx, &a);
}
