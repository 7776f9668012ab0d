/*
 * `compliance sync`: fetch the association's repository into the cache,
 * verify every release tag against the pinned release-signers file and
 * make the newest verified release current; then one summary line.
 *
 * Options come from the command line, else from compliance.json (remote,
 * cache, release_signers, ca_file, ssh_key, host_key, max_fetch_bytes).
 * The release-signers file is required: it is pinned out of band and never
 * taken from the repository. The program reads the clock; the library
 * does not.
 *
 * Exit codes: 0 synced, 1 a release was refused (rollback, moved tag,
 * expired, unsigned, unknown key, key outside its validity window, ...),
 * 2 usage error or bad input (options, config, signers file, release
 * content, size caps), 3 environment failure (network, Git, I/O).
 */
#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: compliance sync [--remote URL] [--cache DIR]\n"
    "                       [--release-signers FILE] [--allow-downgrade]\n"
    "                       [--max-bytes N] [--ca-file FILE]\n"
    "                       [--ssh-key FILE] [--ssh-user USER]\n"
    "                       [--host-key SHA256:...] [--declaration F]\n"
    "\n"
    "Fetch the release tags (vYYYY.N or vMAJOR.MINOR.PATCH) of the\n"
    "association's repository into the cache, verify each one's SSH\n"
    "signature against the pinned release-signers file, and make the\n"
    "newest release current. Refused: unsigned or lightweight tags, keys\n"
    "the signers file does not vouch for, tags that moved since first\n"
    "seen, expired releases and rollbacks to an older release.\n"
    "\n"
    "options (defaults from compliance.json):\n"
    "  --remote URL            the repository: a path, file://, git://,\n"
    "                          https:// or ssh:// URL (\"remote\")\n"
    "  --cache DIR             the cache directory (\"cache\"; default\n"
    "                          .compliance)\n"
    "  --release-signers FILE  allowed_signers file with the association's\n"
    "                          release keys, pinned out of band (required;\n"
    "                          \"release_signers\")\n"
    "  --allow-downgrade       accept a release older than the current one\n"
    "  --max-bytes N           refuse transfers above N bytes\n"
    "                          (\"max_fetch_bytes\"; default 536870912)\n"
    "  --ca-file FILE          https: trust the CA certificates in FILE\n"
    "                          (\"ca_file\")\n"
    "  --ssh-key FILE          ssh: private key for authentication, mode\n"
    "                          0600 (\"ssh_key\")\n"
    "  --ssh-user USER         ssh: user name when the URL has none\n"
    "  --host-key SHA256:...   ssh: the server's pinned host key\n"
    "                          fingerprint (\"host_key\")\n"
    "  --declaration F         after a new release, show its impact on\n"
    "                          declaration F (\"declaration\")\n"
    "  -q, --quiet             print nothing on success\n"
    "  -h, --help              print this help\n"
    "\n"
    "exit codes: 0 synced, 1 a release was refused, 2 usage error or bad\n"
    "input, 3 environment failure (network, Git, I/O).\n";

enum {
    OPT_REMOTE = 1,
    OPT_CACHE,
    OPT_SIGNERS,
    OPT_DOWNGRADE,
    OPT_MAX_BYTES,
    OPT_CA_FILE,
    OPT_SSH_KEY,
    OPT_SSH_USER,
    OPT_HOST_KEY,
    OPT_DECLARATION
};

static const cli_option options[] = {
    {"remote", 0, true, OPT_REMOTE},
    {"cache", 0, true, OPT_CACHE},
    {"release-signers", 0, true, OPT_SIGNERS},
    {"allow-downgrade", 0, false, OPT_DOWNGRADE},
    {"max-bytes", 0, true, OPT_MAX_BYTES},
    {"ca-file", 0, true, OPT_CA_FILE},
    {"ssh-key", 0, true, OPT_SSH_KEY},
    {"ssh-user", 0, true, OPT_SSH_USER},
    {"host-key", 0, true, OPT_HOST_KEY},
    {"declaration", 0, true, OPT_DECLARATION},
    {NULL, 0, false, 0},
};

/* A positive decimal byte count; 0 when malformed. */
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

typedef struct progress_state {
    bool shown;
} progress_state;

/* Progress on a terminal only: one line, rewritten in place. */
static void
progress(uint64_t bytes, size_t received, size_t total, void *payload)
{
    progress_state *ps = payload;

    fprintf(stderr,
            "\rreceiving objects: %zu/%zu, %" PRIu64 " KiB",
            received,
            total,
            bytes / 1024);
    ps->shown = true;
}

/*
 * Whether libgit2 will use SSH for `remote`: an ssh:// (ssh+git://,
 * git+ssh://) URL or scp-like "[user@]host:path" (no "://", and no '/'
 * before the first ':'). (transport engineer's lines)
 */
static bool is_ssh_remote(const char *remote)
{
    const char *colon = strchr(remote, ':');

    if (strncmp(remote, "ssh://", 6) == 0 ||
        strncmp(remote, "ssh+git://", 10) == 0 ||
        strncmp(remote, "git+ssh://", 10) == 0)
    {
        return true;
    }
    if (colon == NULL || strncmp(colon, "://", 3) == 0 || colon == remote) {
        return false;
    }
    return memchr(remote, '/', (size_t)(colon - remote)) == NULL &&
           access(remote, F_OK) != 0;
}

static const char *pick(const char *given, const cli_ctx *ctx, const char *key)
{
    return given != NULL ? given : cli_config(ctx, key);
}

static void print_summary(const cli_ctx *ctx, const lcmp_sync_summary *s)
{
    if (ctx->verbosity < 0) {
        return;
    }
    if (s->previous[0] == '\0') {
        cli_printf(stdout,
                   "current release: %s (first sync; %zu release%s "
                   "verified)\n",
                   s->current,
                   s->new_releases,
                   s->new_releases == 1 ? "" : "s");
    } else if (strcmp(s->previous, s->current) == 0) {
        if (s->new_releases > 0) {
            cli_printf(stdout,
                       "current release: %s (unchanged; %zu older "
                       "release%s recorded)\n",
                       s->current,
                       s->new_releases,
                       s->new_releases == 1 ? "" : "s");
        } else {
            cli_printf(
                stdout, "current release: %s (up to date)\n", s->current);
        }
    } else {
        cli_printf(stdout,
                   "current release: %s (was %s): %zu control%s added, "
                   "%zu changed, %zu removed\n",
                   s->current,
                   s->previous,
                   s->controls_added,
                   s->controls_added == 1 ? "" : "s",
                   s->controls_changed,
                   s->controls_removed);
    }
    if (ctx->verbosity > 0) {
        cli_printf(stdout,
                   "commit %s, %zu releases known, %" PRIu64
                   " bytes received\n",
                   s->current_commit,
                   s->releases,
                   s->received_bytes);
    }
}

int cmd_sync(cli_ctx *ctx, int argc, char **argv)
{
    lcmp_sync_options opts = LCMP_SYNC_OPTIONS_INIT;
    lcmp_sync_summary summary;
    progress_state ps = {false};
    const char *remote = NULL, *cache = NULL, *signers = NULL, *max = NULL;
    const char *ca_file = NULL, *ssh_key = NULL, *ssh_user = NULL;
    const char *host_key = NULL, *value, *declaration = NULL;
    bool downgrade = false;
    cli_parser p;
    lcmp_error err;
    int id, next, rc;

    cli_parser_init(&p, "sync", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            cli_errorf("sync: unexpected argument '%s' (the remote is given "
                       "with --remote URL)",
                       value);
            return CLI_EXIT_USAGE;
        }
        switch (id) {
        case OPT_REMOTE:
            remote = value;
            break;
        case OPT_CACHE:
            cache = value;
            break;
        case OPT_SIGNERS:
            signers = value;
            break;
        case OPT_DOWNGRADE:
            downgrade = true;
            break;
        case OPT_MAX_BYTES:
            max = value;
            break;
        case OPT_CA_FILE:
            ca_file = value;
            break;
        case OPT_SSH_KEY:
            ssh_key = value;
            break;
        case OPT_SSH_USER:
            ssh_user = value;
            break;
        case OPT_HOST_KEY:
            host_key = value;
            break;
        case OPT_DECLARATION:
            declaration = value;
            break;
        default:
            if (cli_common_option(ctx, id, usage)) {
                return CLI_EXIT_OK;
            }
            break;
        }
    }

    remote = pick(remote, ctx, "remote");
    cache = pick(cache, ctx, "cache");
    signers = pick(signers, ctx, "release_signers");
    ca_file = pick(ca_file, ctx, "ca_file");
    ssh_key = pick(ssh_key, ctx, "ssh_key");
    host_key = pick(host_key, ctx, "host_key");
    max = pick(max, ctx, "max_fetch_bytes");
    declaration = pick(declaration, ctx, "declaration");

    if (remote == NULL) {
        cli_errorf("sync: no remote: give --remote URL (or \"remote\" in "
                   "compliance.json)");
        return CLI_EXIT_USAGE;
    }
    if (signers == NULL) {
        cli_errorf("sync: no release-signers file: give --release-signers "
                   "FILE (pinned out of band, never taken from the "
                   "repository)");
        return CLI_EXIT_USAGE;
    }
    rc = cli_require_file(signers, "release-signers file");
    if (rc != 0) {
        return rc;
    }
    if (max != NULL && (opts.max_bytes = parse_bytes(max)) == 0) {
        cli_errorf("sync: --max-bytes: '%s' is not a positive number of "
                   "bytes",
                   max);
        return CLI_EXIT_USAGE;
    }

    /* libssh2 (libgit2 1.5) reads $HOME/.ssh/known_hosts even with a
     * pinned host key and fails without HOME; the library never sets it
     * (transport engineer's lines) */
    if (is_ssh_remote(remote) &&
        (getenv("HOME") == NULL || getenv("HOME")[0] == '\0'))
    {
        cli_errorf("sync: %s: HOME is not set: SSH needs it to read "
                   "~/.ssh/known_hosts (an empty directory will do)",
                   remote);
        return CLI_EXIT_ENV;
    }

    opts.remote = remote;
    opts.cache_dir = cache;
    opts.release_signers = signers;
    opts.allow_downgrade = downgrade;
    opts.now = (int64_t)time(NULL);
    opts.ca_file = ca_file;
    opts.ssh_key = ssh_key;
    opts.ssh_user = ssh_user;
    opts.host_key = host_key;
    if (ctx->verbosity >= 0 && isatty(STDERR_FILENO) == 1) {
        opts.progress = progress;
        opts.progress_payload = &ps;
    }

    lcmp_error_clear(&err);
    rc = lcmp_sync(&summary, &opts, &err);
    if (ps.shown) {
        fputc('\n', stderr);
    }
    if (rc == LCMP_EVERIFY) {
        cli_fail(rc, &err);
        return CLI_EXIT_NO;
    }
    if (rc < 0) {
        return cli_fail(rc, &err);
    }
    print_summary(ctx, &summary);
    /* a new current release: its impact on the declaration (diff owner's
     * lines) */
    if (declaration != NULL && summary.previous[0] != '\0' &&
        strcmp(summary.previous, summary.current) != 0)
    {
        return diff_sync_impact(ctx,
                                cache,
                                summary.previous,
                                summary.current,
                                declaration,
                                cli_config(ctx, "profile"));
    }
    return CLI_EXIT_OK;
}
