/*
 * `compliance report S...|DIR|--repo URL`: verify many statements (on every
 * CPU; files, directories and the main branch of a statements repository) and
 * print the sector-wide picture: per control and per family the share of
 * organisations compliant, excepted and not compliant, the baseline's
 * headline controls first, and the organisations whose statement is
 * missing, invalid or expired, with the reason.
 *
 * Trust as for `compliance verify`: the statement signers (whose
 * principals are also the organisations expected to report), from
 * --signers or else trust/statement_signers of the cache's newest verified
 * release, and the releases of the sync cache. Output as text (default), JSON
 * (lcmp.report/v1), CSV, Markdown or one self-contained HTML page, on
 * stdout or written atomically to --out.
 */
#include "cli.h"
#include "cli_statement.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: compliance report [S...|DIR...] [--repo URL] [--signers FILE]\n"
    "                         [--cache DIR] [--format text|json|csv|md|html]\n"
    "                         [--out FILE] [--at TIME] [--max-bytes N]\n"
    "                         [--ca-file FILE] [--ssh-key FILE]\n"
    "                         [--ssh-user USER] [--host-key SHA256:...]\n"
    "\n"
    "Verify every statement S (and every *.json file under each directory\n"
    "DIR, such as a statements repository's work tree, and with --repo\n"
    "every statements/**/*.json of the main branch of the statements\n"
    "repository URL, read from Git objects without a checkout), keep the\n"
    "latest valid statement of each organisation and report, per control\n"
    "and per family, the share compliant, excepted and not compliant\n"
    "(headline controls first), and the organisations whose statement is\n"
    "missing, invalid or expired.\n"
    "\n"
    "options:\n"
    "  --signers FILE     the municipalities' statement keys instead of\n"
    "                     trust/statement_signers of the cache's newest\n"
    "                     verified release; its principals are the\n"
    "                     organisations expected to report\n"
    "  --cache DIR        the sync cache (default: \"cache\" in\n"
    "                     compliance.json, else .compliance)\n"
    "  --format FORMAT    text (default), json (lcmp.report/v1), csv, md or\n"
    "                     html\n"
    "  --out FILE         write the report to FILE (atomically) instead of\n"
    "                     stdout; an existing FILE is replaced\n"
    "  --at TIME          verify as of TIME (default: now)\n"
    "  --repo URL         also report on the statements of the main branch\n"
    "                     of the statements repository URL (local path,\n"
    "                     file://, git://, https:// or ssh://), fetched into\n"
    "                     <cache>/report.git; symbolic links, submodules\n"
    "                     and blobs over 16 MiB there are listed as refused\n"
    "  --max-bytes N      refuse transfers above N bytes (--repo)\n"
    "  --ca-file FILE     https: trust only the CAs in FILE (--repo)\n"
    "  --ssh-key FILE     ssh: authenticate with this private key (--repo)\n"
    "  --ssh-user USER    ssh: user name when the URL has none (--repo)\n"
    "  --host-key FP      ssh: the server's pinned host key fingerprint\n"
    "                     (--repo)\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit codes: 0 every expected organisation has a valid statement,\n"
    "1 some are missing, invalid or expired (the report is still written),\n"
    "2 usage error or missing/malformed input, 3 environment failure.\n";

enum {
    OPT_SIGNERS = 1,
    OPT_CACHE,
    OPT_FORMAT,
    OPT_OUT,
    OPT_AT,
    OPT_REPO,
    OPT_MAX_BYTES,
    OPT_CA_FILE,
    OPT_SSH_KEY,
    OPT_SSH_USER,
    OPT_HOST_KEY
};

static const cli_option options[] = {
    {"signers", 0, true, OPT_SIGNERS},
    {"cache", 0, true, OPT_CACHE},
    {"format", 0, true, OPT_FORMAT},
    {"out", 'o', true, OPT_OUT},
    {"at", 0, true, OPT_AT},
    {"repo", 0, true, OPT_REPO},
    {"max-bytes", 0, true, OPT_MAX_BYTES},
    {"ca-file", 0, true, OPT_CA_FILE},
    {"ssh-key", 0, true, OPT_SSH_KEY},
    {"ssh-user", 0, true, OPT_SSH_USER},
    {"host-key", 0, true, OPT_HOST_KEY},
    {NULL, 0, false, 0},
};

static const struct {
    const char *name;
    lcmp_report_format_t format;
} formats[] = {
    {"text", LCMP_REPORT_TEXT},
    {"json", LCMP_REPORT_JSON},
    {"csv", LCMP_REPORT_CSV},
    {"md", LCMP_REPORT_MARKDOWN},
    {"markdown", LCMP_REPORT_MARKDOWN},
    {"html", LCMP_REPORT_HTML},
};

/* The principals of an allowed_signers text: the first field of every
 * entry, split at commas; patterns (with *, ? or !) are skipped. Every
 * name points into `text`, which is modified. */
typedef struct principals {
    char **names;
    size_t count;
} principals;

static int add_name(principals *p, char *name)
{
    char **n;
    size_t i;

    if (name[0] == '\0' || strpbrk(name, "*?!") != NULL) {
        return 0;
    }
    for (i = 0; i < p->count; i++) {
        if (strcmp(p->names[i], name) == 0) {
            return 0;
        }
    }
    n = realloc(p->names, (p->count + 1) * sizeof(*n));
    if (n == NULL) {
        return -1;
    }
    p->names = n;
    p->names[p->count++] = name;
    return 0;
}

static int parse_principals(principals *p, char *text)
{
    char *line = text;

    while (line != NULL && *line != '\0') {
        char *end = strchr(line, '\n'), *s = line, *f;
        if (end != NULL) {
            *end = '\0';
        }
        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s != '#' && *s != '\0' && *s != '\r') {
            f = s;
            while (*f != '\0' && *f != ' ' && *f != '\t') {
                f++;
            }
            *f = '\0';
            while (s != NULL) {
                char *comma = strchr(s, ',');
                if (comma != NULL) {
                    *comma = '\0';
                }
                if (add_name(p, s) != 0) {
                    return -1;
                }
                s = comma != NULL ? comma + 1 : NULL;
            }
        }
        line = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

/* A positive decimal number of bytes, or 0. */
static uint64_t parse_bytes(const char *s)
{
    uint64_t v = 0;
    size_t i;

    if (s == NULL || s[0] == '\0' || strlen(s) > 19) {
        return 0;
    }
    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v;
}

static bool is_ssh_url(const char *url)
{
    return strncmp(url, "ssh://", 6) == 0 ||
           (strstr(url, "://") == NULL && strchr(url, ':') != NULL &&
            url[0] != '/' && url[0] != '.');
}

/*
 * trust/statement_signers of the cache's current (newest verified)
 * release, as a malloc'd NUL-terminated text; `source` names it. 0 or an
 * exit code after one line.
 */
static int release_signers(char **out,
                           size_t *len,
                           char *source,
                           size_t source_size,
                           const lcmp_cache *cache,
                           const char *dir)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    const char *tag = lcmp_cache_current(cache);
    lcmp_error err;
    int rc;

    *out = NULL;
    *len = 0;
    if (dir == NULL) {
        dir = LCMP_SYNC_DEFAULT_CACHE;
    }
    if (tag == NULL) {
        cli_errorf("%s: no current release (run 'compliance sync', or give "
                   "--signers FILE)",
                   dir);
        return CLI_EXIT_USAGE;
    }
    snprintf(
        source, source_size, "<git:%s:%s>", tag, LCMP_TRUST_STATEMENT_SIGNERS);
    lcmp_error_clear(&err);
    rc = lcmp_cache_read_file(
        &buf, cache, NULL, LCMP_TRUST_STATEMENT_SIGNERS, CLI_MAX_INPUT, &err);
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("%s: release %s has no %s (trust comes from the newest "
                   "verified release; give --signers FILE to name it)",
                   dir,
                   tag,
                   LCMP_TRUST_STATEMENT_SIGNERS);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (rc == LCMP_EVERIFY) {
        (void)cli_fail(rc, &err);
        rc = CLI_EXIT_NO; /* the cache no longer matches its state */
        goto done;
    }
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    *out = malloc(buf.size + 1);
    if (*out == NULL) {
        cli_errorf("report: out of memory");
        rc = CLI_EXIT_ENV;
        goto done;
    }
    memcpy(*out, buf.ptr != NULL ? buf.ptr : "", buf.size);
    (*out)[buf.size] = '\0';
    *len = buf.size;
    rc = 0;
done:
    lcmp_buf_dispose(&buf);
    return rc;
}

int cmd_report(cli_ctx *ctx, int argc, char **argv)
{
    lcmp_report_options ro = LCMP_REPORT_OPTIONS_INIT;
    lcmp_report_repo_options rro = LCMP_REPORT_REPO_OPTIONS_INIT;
    const char *repo = NULL, *max_text = NULL;
    char *work_dir = NULL;
    const char *signers = NULL, *cache_dir = NULL, *out = NULL;
    const char *at_text = NULL, *value;
    lcmp_report_format_t format = LCMP_REPORT_TEXT;
    const char **files = NULL, **operands = NULL;
    size_t nfiles = 0, noperands = 0, i;
    principals expected = {NULL, 0};
    lcmp_keyring *keyring = NULL;
    lcmp_cache *cache = NULL;
    lcmp_baseline *baseline = NULL;
    lcmp_report *report = NULL;
    lcmp_buf doc = LCMP_BUF_INIT;
    char *text = NULL, *names = NULL;
    char source[LCMP_TAG_NAME_MAX + 64];
    size_t len = 0;
    lcmp_error err;
    cli_parser p;
    int64_t at;
    int id, next, rc = CLI_EXIT_USAGE;

    operands = calloc((size_t)argc + 1, sizeof(*operands));
    files = calloc((size_t)argc + 1, sizeof(*files));
    if (operands == NULL || files == NULL) {
        cli_errorf("report: out of memory");
        rc = CLI_EXIT_ENV;
        goto done;
    }
    cli_parser_init(&p, "report", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            goto done;
        }
        if (next == CLI_NEXT_OPERAND) {
            operands[noperands++] = value;
            continue;
        }
        switch (id) {
        case OPT_SIGNERS:
            signers = value;
            break;
        case OPT_CACHE:
            cache_dir = value;
            break;
        case OPT_OUT:
            out = value;
            break;
        case OPT_AT:
            at_text = value;
            break;
        case OPT_REPO:
            if (repo != NULL) {
                cli_errorf("report: --repo given twice");
                goto done;
            }
            repo = value;
            break;
        case OPT_MAX_BYTES:
            max_text = value;
            break;
        case OPT_CA_FILE:
            rro.ca_file = value;
            break;
        case OPT_SSH_KEY:
            rro.ssh_key = value;
            break;
        case OPT_SSH_USER:
            rro.ssh_user = value;
            break;
        case OPT_HOST_KEY:
            rro.host_key = value;
            break;
        case OPT_FORMAT:
            for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
                if (strcmp(formats[i].name, value) == 0) {
                    format = formats[i].format;
                    break;
                }
            }
            if (i == sizeof(formats) / sizeof(formats[0])) {
                cli_errorf("report: --format: unknown format '%s' (expected "
                           "text, json, csv, md or html)",
                           value);
                goto done;
            }
            break;
        default:
            if (cli_common_option(ctx, id, usage)) {
                rc = CLI_EXIT_OK;
                goto done;
            }
            break;
        }
    }
    if (cache_dir == NULL) {
        cache_dir = cli_config(ctx, "cache");
    }
    if (noperands == 0 && repo == NULL) {
        cli_errorf("report: no statements given (see 'compliance report "
                   "--help')");
        goto done;
    }
    if (repo == NULL &&
        (max_text != NULL || rro.ca_file != NULL || rro.ssh_key != NULL ||
         rro.ssh_user != NULL || rro.host_key != NULL))
    {
        cli_errorf("report: --max-bytes, --ca-file, --ssh-key, --ssh-user "
                   "and --host-key need --repo URL");
        goto done;
    }
    if (max_text != NULL && (rro.max_bytes = parse_bytes(max_text)) == 0) {
        cli_errorf("report: --max-bytes: '%s' is not a positive number of "
                   "bytes",
                   max_text);
        goto done;
    }
    if (repo != NULL && repo[0] == '\0') {
        cli_errorf("report: --repo: empty URL");
        goto done;
    }
    /* libssh2 (libgit2 1.5) reads $HOME/.ssh/known_hosts even with a
     * pinned host key and fails without HOME; the library never sets it */
    if (repo != NULL && is_ssh_url(repo) &&
        (getenv("HOME") == NULL || getenv("HOME")[0] == '\0'))
    {
        cli_errorf("report: %s: HOME is not set: SSH needs it to read "
                   "known_hosts",
                   repo);
        rc = CLI_EXIT_ENV;
        goto done;
    }
    if (cli_time_option(&at, "report", at_text) != 0) {
        goto done;
    }
    for (i = 0; i < noperands; i++) {
        struct stat sb;
        if (stat(operands[i], &sb) != 0) {
            cli_errorf("%s: no such statement or directory", operands[i]);
            goto done;
        }
        if (!S_ISDIR(sb.st_mode)) {
            files[nfiles++] = operands[i];
        }
    }

    /* trust: the signers (and who is expected) from --signers, else from
     * the cache's newest verified release; the cache's releases */
    if (signers != NULL) {
        rc = cli_read_file(&text, &len, signers, CLI_MAX_INPUT, "signers file");
        if (rc != 0) {
            goto done;
        }
        lcmp_error_clear(&err);
        rc = lcmp_keyring_load(
            &keyring, (const uint8_t *)text, len, signers, NULL, 0, NULL, &err);
        if (rc < 0) {
            rc = cli_fail(rc, &err);
            goto done;
        }
    }
    lcmp_error_clear(&err);
    rc = lcmp_cache_open(&cache, cache_dir, &err);
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("%s: no synced baseline here (run 'compliance sync' "
                   "first)",
                   cache_dir != NULL ? cache_dir : LCMP_SYNC_DEFAULT_CACHE);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    if (signers == NULL) {
        rc = release_signers(
            &text, &len, source, sizeof(source), cache, cache_dir);
        if (rc != 0) {
            goto done;
        }
        lcmp_error_clear(&err);
        rc = lcmp_keyring_load(
            &keyring, (const uint8_t *)text, len, source, NULL, 0, NULL, &err);
        if (rc < 0) {
            rc = cli_fail(rc, &err);
            goto done;
        }
    }
    names = text;
    text = NULL;
    if (parse_principals(&expected, names) != 0) {
        cli_errorf("report: out of memory");
        rc = CLI_EXIT_ENV;
        goto done;
    }
    lcmp_error_clear(&err);
    rc = lcmp_cache_load_baseline(&baseline, cache, NULL, NULL, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }

    ro.keyring = keyring;
    ro.release = lcmp_release_from_cache;
    ro.release_payload = cache;
    ro.baseline = baseline;
    ro.expected = (const char *const *)expected.names;
    ro.expected_count = expected.count;
    ro.at = at;
    lcmp_error_clear(&err);
    rc = lcmp_report_new(&report, &ro, &err);
    if (rc == 0 && nfiles != 0) {
        rc = lcmp_report_add_files(report, files, nfiles, &err);
    }
    for (i = 0; rc == 0 && i < noperands; i++) {
        struct stat sb;
        if (stat(operands[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            rc = lcmp_report_add_dir(report, operands[i], &err);
        }
    }
    if (rc == 0 && repo != NULL) {
        /* a private bare repository in the cache, next to the releases */
        const char *cdir =
            cache_dir != NULL ? cache_dir : LCMP_SYNC_DEFAULT_CACHE;
        size_t wlen = strlen(cdir) + sizeof("/" LCMP_REPORT_REPO_DIR);

        work_dir = malloc(wlen);
        if (work_dir == NULL) {
            cli_errorf("report: out of memory");
            rc = CLI_EXIT_ENV;
            goto done;
        }
        snprintf(work_dir, wlen, "%s/%s", cdir, LCMP_REPORT_REPO_DIR);
        rc = lcmp_report_add_repo(report, repo, work_dir, &rro, &err);
    }
    if (rc == 0) {
        rc = lcmp_report_finish(report, &err);
    }
    if (rc == 0) {
        rc = lcmp_report_render(&doc, report, format, &err);
    }
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    if (out != NULL) {
        rc = cli_write_file_atomic(out, doc.ptr, doc.size, true);
        if (rc != 0) {
            goto done;
        }
    } else {
        fwrite(doc.ptr, 1, doc.size, stdout);
    }
    rc = CLI_EXIT_OK;
    for (i = 0; i < lcmp_report_org_count(report); i++) {
        if (lcmp_report_org_at(report, i)->status != LCMP_ORG_VALID) {
            rc = CLI_EXIT_NO;
        }
    }
    if (lcmp_report_unattributed_count(report) != 0) {
        rc = CLI_EXIT_NO;
    }
    if (rc == CLI_EXIT_NO) {
        size_t bad = 0;
        for (i = 0; i < lcmp_report_org_count(report); i++) {
            bad += lcmp_report_org_at(report, i)->status != LCMP_ORG_VALID;
        }
        cli_errorf("report: %zu organisation%s without a valid statement, "
                   "%zu statement%s refused without an organisation",
                   bad,
                   bad == 1 ? "" : "s",
                   lcmp_report_unattributed_count(report),
                   lcmp_report_unattributed_count(report) == 1 ? "" : "s");
    }

done:
    free(work_dir);
    lcmp_buf_dispose(&doc);
    lcmp_report_free(report);
    lcmp_baseline_free(baseline);
    lcmp_cache_free(cache);
    lcmp_keyring_free(keyring);
    free(expected.names);
    free(names);
    free(text);
    free(files);
    free(operands);
    return rc;
}
