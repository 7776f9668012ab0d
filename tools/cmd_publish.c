/*
 * `compliance publish S --remote URL`: verify the signed statement S and
 * commit it as statements/<org>/<release>.json on the main branch of the
 * statements repository URL, then push (lcmp_publish()). The path comes
 * from the verified organisation id only: a statement of organisation A can
 * only ever touch statements/A/. A concurrent push by another publisher is
 * retried on the new tip. An invalid statement is refused (exit 1) with
 * its first failed step; nothing is pushed.
 *
 * Trust as in `compliance verify`: the keys come from the cache's newest
 * verified release (trust/statement_signers, trust/auditors) unless
 * --signers/--auditors name files; releases are looked up in the cache.
 */
#include "cli.h"
#include "cli_statement.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: compliance publish S --remote URL [--cache DIR]\n"
    "                            [--signers FILE] [--auditors FILE]\n"
    "                            [--at TIME] [--ca-file FILE]\n"
    "                            [--ssh-key FILE] [--host-key SHA256:...]\n"
    "\n"
    "Verify the signed statement S and publish it as\n"
    "statements/<org>/<release>.json on the main branch of the statements\n"
    "repository URL (a path, file://, git://, https:// or ssh://). The path\n"
    "is built from the verified organisation id; a newer statement of the\n"
    "same organisation and release replaces the file; nothing else changes.\n"
    "A push that loses a race with another publisher is rebuilt on the new\n"
    "tip and retried. The work happens in DIR/publish.git.\n"
    "\n"
    "options:\n"
    "  --remote URL       the statements repository (required)\n"
    "  --cache DIR        the sync cache (default: \"cache\" in\n"
    "                     compliance.json, else .compliance)\n"
    "  --signers FILE     the municipalities' statement keys instead of the\n"
    "                     cache's newest verified release's\n"
    "                     trust/statement_signers\n"
    "  --auditors FILE    the auditors' keys instead of the release's\n"
    "                     trust/auditors\n"
    "  --at TIME          verify (and date the commit) as of TIME\n"
    "                     (default: now)\n"
    "  --ca-file FILE     https: trust only the CAs in FILE\n"
    "  --ssh-key FILE     ssh: authenticate with this private key\n"
    "  --host-key FP      ssh: the server's pinned host key fingerprint\n"
    "  -q, --quiet        print nothing on success\n"
    "  -h, --help         print this help\n"
    "\n"
    "exit codes: 0 published (or already there), 1 the statement is\n"
    "invalid, 2 usage error or missing/malformed input, 3 environment\n"
    "failure (network, Git, I/O, the push refused every time).\n";

enum {
    OPT_REMOTE = 1,
    OPT_CACHE,
    OPT_SIGNERS,
    OPT_AUDITORS,
    OPT_AT,
    OPT_CA_FILE,
    OPT_SSH_KEY,
    OPT_HOST_KEY
};

static const cli_option options[] = {
    {"remote", 0, true, OPT_REMOTE},
    {"cache", 0, true, OPT_CACHE},
    {"signers", 0, true, OPT_SIGNERS},
    {"auditors", 0, true, OPT_AUDITORS},
    {"at", 0, true, OPT_AT},
    {"ca-file", 0, true, OPT_CA_FILE},
    {"ssh-key", 0, true, OPT_SSH_KEY},
    {"host-key", 0, true, OPT_HOST_KEY},
    {NULL, 0, false, 0},
};

/* One trust file of the cache's current release into `buf` (empty when
 * the release has none and `optional`). 0 or an exit code. */
static int release_trust(lcmp_buf *buf,
                         const lcmp_cache *cache,
                         const char *dir,
                         const char *path,
                         const char *flag,
                         bool optional)
{
    lcmp_error err;
    int rc;

    if (lcmp_cache_current(cache) == NULL) {
        cli_errorf("%s: no current release (run 'compliance sync', or give "
                   "%s FILE)",
                   dir,
                   flag);
        return CLI_EXIT_USAGE;
    }
    lcmp_error_clear(&err);
    rc = lcmp_cache_read_file(buf, cache, NULL, path, CLI_MAX_INPUT, &err);
    if (rc == LCMP_ENOTFOUND && optional) {
        return 0;
    }
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("%s: release %s has no %s (give %s FILE to name it)",
                   dir,
                   lcmp_cache_current(cache),
                   path,
                   flag);
        return CLI_EXIT_USAGE;
    }
    if (rc < 0) {
        return cli_fail(rc, &err);
    }
    return 0;
}

/* The keyring: files named by flags, else the cache's current release.
 * --signers alone means no auditors unless --auditors. */
static int load_keyring(lcmp_keyring **out,
                        const char *signers,
                        const char *auditors,
                        const lcmp_cache *cache,
                        const char *dir)
{
    lcmp_buf sbuf = LCMP_BUF_INIT, abuf = LCMP_BUF_INIT;
    char *sfile = NULL, *afile = NULL;
    const char *sdata, *adata = NULL;
    size_t slen, alen = 0;
    lcmp_error err;
    int rc;

    *out = NULL;
    if (signers != NULL) {
        rc = cli_read_file(
            &sfile, &slen, signers, CLI_MAX_INPUT, "signers file");
        sdata = sfile;
    } else {
        rc = release_trust(&sbuf,
                           cache,
                           dir,
                           LCMP_TRUST_STATEMENT_SIGNERS,
                           "--signers",
                           false);
        sdata = sbuf.ptr != NULL ? sbuf.ptr : "";
        slen = sbuf.size;
        signers = "<git:" LCMP_TRUST_STATEMENT_SIGNERS ">";
    }
    if (rc == 0 && auditors != NULL) {
        rc = cli_read_file(
            &afile, &alen, auditors, CLI_MAX_INPUT, "auditors file");
        adata = afile;
    } else if (rc == 0 && sfile == NULL) {
        rc = release_trust(
            &abuf, cache, dir, LCMP_TRUST_AUDITORS, "--auditors", true);
        if (abuf.size > 0) {
            adata = abuf.ptr;
            alen = abuf.size;
            auditors = "<git:" LCMP_TRUST_AUDITORS ">";
        }
    }
    if (rc == 0) {
        lcmp_error_clear(&err);
        rc = lcmp_keyring_load(out,
                               (const uint8_t *)sdata,
                               slen,
                               signers,
                               (const uint8_t *)adata,
                               alen,
                               auditors,
                               &err);
        if (rc < 0) {
            rc = cli_fail(rc, &err);
        }
    }
    lcmp_buf_dispose(&sbuf);
    lcmp_buf_dispose(&abuf);
    free(sfile);
    free(afile);
    return rc;
}

int cmd_publish(cli_ctx *ctx, int argc, char **argv)
{
    lcmp_publish_options opts = LCMP_PUBLISH_OPTIONS_INIT;
    lcmp_verify_options vopts = LCMP_VERIFY_OPTIONS_INIT;
    lcmp_sync_options net = LCMP_SYNC_OPTIONS_INIT;
    lcmp_publish_summary sum;
    lcmp_keyring *keyring = NULL;
    lcmp_cache *cache = NULL;
    const char *path = NULL, *remote = NULL, *cache_dir = NULL;
    const char *signers = NULL, *auditors = NULL, *at_text = NULL, *value;
    char *env = NULL;
    size_t len = 0;
    lcmp_error err;
    cli_parser p;
    int64_t at;
    int id, next, rc;

    cli_parser_init(&p, "publish", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            if (path != NULL) {
                cli_errorf("publish: one statement at a time ('%s' and "
                           "'%s')",
                           path,
                           value);
                return CLI_EXIT_USAGE;
            }
            path = value;
            continue;
        }
        switch (id) {
        case OPT_REMOTE:
            remote = value;
            break;
        case OPT_CACHE:
            cache_dir = value;
            break;
        case OPT_SIGNERS:
            signers = value;
            break;
        case OPT_AUDITORS:
            auditors = value;
            break;
        case OPT_AT:
            at_text = value;
            break;
        case OPT_CA_FILE:
            net.ca_file = value;
            break;
        case OPT_SSH_KEY:
            net.ssh_key = value;
            break;
        case OPT_HOST_KEY:
            net.host_key = value;
            break;
        default:
            if (cli_common_option(ctx, id, usage)) {
                return CLI_EXIT_OK;
            }
            break;
        }
    }
    if (cache_dir == NULL) {
        cache_dir = cli_config(ctx, "cache");
    }
    if (cache_dir == NULL) {
        cache_dir = LCMP_SYNC_DEFAULT_CACHE;
    }
    if (path == NULL) {
        cli_errorf("publish: missing the statement S (see 'compliance "
                   "publish --help')");
        return CLI_EXIT_USAGE;
    }
    if (remote == NULL || remote[0] == '\0') {
        cli_errorf("publish: missing --remote URL (the statements "
                   "repository)");
        return CLI_EXIT_USAGE;
    }
    if (cli_time_option(&at, "publish", at_text) != 0) {
        return CLI_EXIT_USAGE;
    }

    rc = cli_read_file(&env, &len, path, CLI_MAX_ENVELOPE, "statement");
    if (rc != 0) {
        goto done;
    }
    lcmp_error_clear(&err);
    rc = lcmp_cache_open(&cache, cache_dir, &err);
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("%s: no synced baseline here (run 'compliance sync' "
                   "first)",
                   cache_dir);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    rc = load_keyring(&keyring, signers, auditors, cache, cache_dir);
    if (rc != 0) {
        goto done;
    }
    vopts.keyring = keyring;
    vopts.release = lcmp_release_from_cache;
    vopts.release_payload = cache;
    vopts.envelope_source = path;
    opts.remote = remote;
    opts.cache_dir = cache_dir;
    opts.verify = &vopts;
    opts.now = at;
    opts.network = &net;

    lcmp_error_clear(&err);
    rc = lcmp_publish(&sum, (const uint8_t *)env, len, &opts, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    if (ctx->verbosity >= 0) {
        if (sum.unchanged) {
            cli_printf(stdout,
                       "%s: already published as %s (main at %s)\n",
                       path,
                       sum.path,
                       sum.commit);
        } else {
            cli_printf(stdout,
                       "%s: published as %s%s (main at %s, %u attempt%s)\n",
                       path,
                       sum.path,
                       sum.replaced ? ", replacing the earlier statement" : "",
                       sum.commit,
                       sum.attempts,
                       sum.attempts == 1 ? "" : "s");
        }
    }
    rc = CLI_EXIT_OK;

done:
    lcmp_keyring_free(keyring);
    lcmp_cache_free(cache);
    free(env);
    return rc;
}
