/*
 * Passphrases and private keys for the `compliance` program (see
 * cli_statement.h). The terminal is read through /dev/tty with echo off and
 * restored afterwards, so a passphrase never shows and never comes from a
 * pipe by accident.
 */
#include "cli_statement.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <stdio.h>

/* Read one line from the terminal without echo; 0 or an exit code. */
static int read_tty(char *buf, size_t size, const char *prompt)
{
    struct termios old, quiet;
    size_t len = 0;
    int fd, rc = CLI_EXIT_USAGE;
    char c;

    fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        cli_errorf("--passphrase-prompt: no terminal to ask on (use "
                   "--passphrase-env VAR)");
        return CLI_EXIT_USAGE;
    }
    if (tcgetattr(fd, &old) != 0) {
        cli_errorf("--passphrase-prompt: cannot switch off echo: %s",
                   strerror(errno));
        close(fd);
        return CLI_EXIT_USAGE;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        cli_errorf("--passphrase-prompt: cannot switch off echo: %s",
                   strerror(errno));
        close(fd);
        return CLI_EXIT_USAGE;
    }
    if (write(fd, prompt, strlen(prompt)) < 0) {
        /* the prompt is a courtesy; reading still works */
    }
    for (;;) {
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || c == '\n' || c == '\r') {
            break;
        }
        if (len == size - 1) {
            cli_errorf("--passphrase-prompt: the passphrase is longer than "
                       "%d bytes",
                       CLI_PASSPHRASE_MAX);
            goto done;
        }
        buf[len++] = c;
    }
    buf[len] = '\0';
    rc = 0;

done:
    (void)tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0) {
        /* nothing to do */
    }
    close(fd);
    c = 0;
    return rc;
}

int cli_passphrase_read(char buf[CLI_PASSPHRASE_MAX + 1],
                        const cli_passphrase *from,
                        bool confirm)
{
    char again[CLI_PASSPHRASE_MAX + 1];
    size_t len;
    int rc;

    buf[0] = '\0';
    if (from->env != NULL) {
        const char *value = getenv(from->env);
        if (value == NULL || value[0] == '\0') {
            cli_errorf("--passphrase-env: the environment variable '%s' is "
                       "not set or empty",
                       from->env);
            return CLI_EXIT_USAGE;
        }
        len = strlen(value);
        if (len > CLI_PASSPHRASE_MAX) {
            cli_errorf("--passphrase-env: '%s' holds more than %d bytes",
                       from->env,
                       CLI_PASSPHRASE_MAX);
            return CLI_EXIT_USAGE;
        }
        memcpy(buf, value, len + 1);
        return 0;
    }
    rc = read_tty(buf, CLI_PASSPHRASE_MAX + 1, "passphrase: ");
    if (rc == 0 && buf[0] == '\0') {
        cli_errorf("--passphrase-prompt: the passphrase is empty");
        rc = CLI_EXIT_USAGE;
    }
    if (rc == 0 && confirm) {
        rc = read_tty(again, sizeof(again), "passphrase again: ");
        if (rc == 0 && strcmp(buf, again) != 0) {
            cli_errorf("--passphrase-prompt: the two passphrases differ");
            rc = CLI_EXIT_USAGE;
        }
        lcmp_wipe(again, sizeof(again));
    }
    if (rc != 0) {
        lcmp_wipe(buf, CLI_PASSPHRASE_MAX + 1);
    }
    return rc;
}

/* Asked by the library only for an encrypted key. */
typedef struct ask {
    const cli_passphrase *from;
    int rc;     /* exit code of a failed read */
    bool asked; /* whether the key wanted one */
} ask;

static int give_passphrase(char *buf, size_t size, void *payload)
{
    char pass[CLI_PASSPHRASE_MAX + 1];
    ask *a = payload;
    size_t len;

    a->asked = true;
    if (a->from->env == NULL && !a->from->prompt) {
        return -1;
    }
    a->rc = cli_passphrase_read(pass, a->from, false);
    if (a->rc != 0) {
        return -1;
    }
    len = strlen(pass);
    if (len > size) {
        lcmp_wipe(pass, sizeof(pass));
        return -1;
    }
    memcpy(buf, pass, len);
    lcmp_wipe(pass, sizeof(pass));
    return (int)len;
}

int cli_load_key(lcmp_key **out, const char *path, const cli_passphrase *from)
{
    ask a = {from, 0, false};
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_key_load(out, path, give_passphrase, &a, &err);
    if (rc == 0) {
        return 0;
    }
    if (a.rc != 0) {
        return a.rc; /* the passphrase read already said why */
    }
    if (a.asked && from->env == NULL && !from->prompt) {
        cli_errorf("%s: the key is encrypted: give --passphrase-env VAR or "
                   "--passphrase-prompt",
                   path);
        return CLI_EXIT_USAGE;
    }
    return cli_fail(rc, &err);
}

int cli_read_file(char **out,
                  size_t *len,
                  const char *path,
                  size_t max,
                  const char *what)
{
    char *buf = NULL, *grown;
    size_t used = 0, cap = 0;
    FILE *f;
    int rc;

    *out = NULL;
    *len = 0;
    rc = cli_require_file(path, what);
    if (rc != 0) {
        return rc;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        cli_errorf("%s: cannot open: %s", path, strerror(errno));
        return errno == EACCES ? CLI_EXIT_USAGE : CLI_EXIT_ENV;
    }
    for (;;) {
        size_t n;
        if (used == cap) {
            cap = cap == 0 ? 65536 : cap * 2;
            grown = realloc(buf, cap + 1);
            if (grown == NULL) {
                cli_errorf("%s: out of memory", path);
                rc = CLI_EXIT_ENV;
                goto done;
            }
            buf = grown;
        }
        n = fread(buf + used, 1, cap - used, f);
        used += n;
        if (used > max) {
            cli_errorf("%s: larger than %zu bytes", path, max);
            rc = CLI_EXIT_USAGE;
            goto done;
        }
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        cli_errorf("%s: cannot read: %s", path, strerror(errno));
        rc = CLI_EXIT_ENV;
        goto done;
    }
    buf[used] = '\0';
    *out = buf;
    *len = used;
    buf = NULL;
    rc = 0;

done:
    fclose(f);
    free(buf);
    return rc;
}

int cli_cache_release(lcmp_cache **cache_out,
                      lcmp_release_info *release_out,
                      lcmp_baseline **baseline_out,
                      const char *dir,
                      const char *tag)
{
    lcmp_error err;
    int rc;

    *cache_out = NULL;
    lcmp_error_clear(&err);
    rc = lcmp_cache_open(cache_out, dir, &err);
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("%s: no synced baseline here (run 'compliance sync' "
                   "first)",
                   dir != NULL ? dir : LCMP_SYNC_DEFAULT_CACHE);
        return CLI_EXIT_USAGE;
    }
    if (rc < 0) {
        return cli_fail(rc, &err);
    }
    if (tag == NULL) {
        tag = lcmp_cache_current(*cache_out);
        if (tag == NULL) {
            cli_errorf("%s: no current release (run 'compliance sync')",
                       dir != NULL ? dir : LCMP_SYNC_DEFAULT_CACHE);
            return CLI_EXIT_USAGE;
        }
    }
    lcmp_error_clear(&err);
    rc = lcmp_release_from_cache(release_out, NULL, tag, *cache_out, &err);
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("--release: %s", err.message);
        return CLI_EXIT_USAGE;
    }
    if (rc < 0) {
        return cli_fail(rc, &err);
    }
    if (!release_out->verified) {
        cli_errorf("release %s: not a verified release", tag);
        return CLI_EXIT_NO;
    }
    if (baseline_out != NULL) {
        lcmp_error_clear(&err);
        rc =
            lcmp_cache_load_baseline(baseline_out, *cache_out, tag, NULL, &err);
        if (rc == LCMP_EVERIFY) {
            (void)cli_fail(rc, &err);
            return CLI_EXIT_NO; /* the cache no longer matches its state */
        }
        if (rc < 0) {
            return cli_fail(rc, &err);
        }
    }
    return 0;
}

/*
 * One trust file of the cache's current (newest verified) release into a
 * malloc'd buffer; `source` gets its name for messages. A release without
 * the file is refused with one line saying which flag overrides it.
 */
static int read_release_trust(char **out,
                              size_t *len,
                              char *source,
                              size_t source_size,
                              lcmp_cache *cache,
                              const char *dir,
                              const char *path,
                              const char *flag)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    const char *tag = lcmp_cache_current(cache);
    lcmp_error err;
    int rc;

    *out = NULL;
    *len = 0;
    if (tag == NULL) {
        cli_errorf("%s: no current release (run 'compliance sync', or give "
                   "%s FILE)",
                   dir != NULL ? dir : LCMP_SYNC_DEFAULT_CACHE,
                   flag);
        return CLI_EXIT_USAGE;
    }
    snprintf(source, source_size, "<git:%s:%s>", tag, path);
    lcmp_error_clear(&err);
    rc = lcmp_cache_read_file(&buf, cache, NULL, path, CLI_MAX_INPUT, &err);
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("%s: release %s has no %s (trust comes from the newest "
                   "verified release; give %s FILE to name it)",
                   dir != NULL ? dir : LCMP_SYNC_DEFAULT_CACHE,
                   tag,
                   path,
                   flag);
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
    /* hand the bytes over as a plain malloc'd buffer */
    *out = malloc(buf.size + 1);
    if (*out == NULL) {
        cli_errorf("%s: out of memory", source);
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

/*
 * The keyring. Each trust file comes from its flag when given
 * (--signers, --auditors), else from the cache's current release
 * (trust/statement_signers, trust/auditors). --signers alone means the
 * command line names the whole trust: no auditors unless --auditors.
 * `cache` may be NULL only when --signers is given. 0 or an exit code.
 */
static int
load_keyring(lcmp_keyring **out, const cli_trust *t, lcmp_cache *cache)
{
    char *signers = NULL, *auditors = NULL;
    char ssrc[LCMP_TAG_NAME_MAX + 64], asrc[LCMP_TAG_NAME_MAX + 64];
    const char *sname = t->signers, *aname = t->auditors;
    size_t slen = 0, alen = 0;
    lcmp_error err;
    int rc;

    *out = NULL;
    if (t->signers != NULL) {
        rc = cli_read_file(
            &signers, &slen, t->signers, CLI_MAX_INPUT, "signers file");
    } else {
        rc = read_release_trust(&signers,
                                &slen,
                                ssrc,
                                sizeof(ssrc),
                                cache,
                                t->cache,
                                LCMP_TRUST_STATEMENT_SIGNERS,
                                "--signers");
        sname = ssrc;
    }
    if (rc == 0 && t->auditors != NULL) {
        rc = cli_read_file(
            &auditors, &alen, t->auditors, CLI_MAX_INPUT, "auditors file");
    } else if (rc == 0 && t->signers == NULL) {
        rc = read_release_trust(&auditors,
                                &alen,
                                asrc,
                                sizeof(asrc),
                                cache,
                                t->cache,
                                LCMP_TRUST_AUDITORS,
                                "--auditors");
        aname = asrc;
    }
    if (rc == 0) {
        lcmp_error_clear(&err);
        rc = lcmp_keyring_load(out,
                               (const uint8_t *)signers,
                               slen,
                               sname,
                               (const uint8_t *)auditors,
                               alen,
                               aname,
                               &err);
        if (rc < 0) {
            rc = cli_fail(rc, &err);
        }
    }
    free(signers);
    free(auditors);
    return rc;
}

int cli_verify(lcmp_verification **out,
               const char *path,
               const char *env,
               size_t len,
               const cli_trust *t,
               const char *declaration,
               int64_t at,
               uint32_t flags)
{
    lcmp_verify_options opts = LCMP_VERIFY_OPTIONS_INIT;
    lcmp_keyring *keyring = NULL;
    lcmp_cache *cache = NULL;
    char *decl = NULL;
    size_t decl_len = 0;
    lcmp_error err;
    int rc;

    *out = NULL;
    /* trust named on the command line is read first, as the other inputs;
     * otherwise it comes from the cache's newest verified release */
    if (t->signers != NULL) {
        rc = load_keyring(&keyring, t, NULL);
        if (rc != 0) {
            goto done;
        }
    }
    if (declaration != NULL) {
        rc = cli_read_file(
            &decl, &decl_len, declaration, CLI_MAX_INPUT, "declaration");
        if (rc != 0) {
            goto done;
        }
    }
    lcmp_error_clear(&err);
    rc = lcmp_cache_open(&cache, t->cache, &err);
    if (rc == LCMP_ENOTFOUND) {
        cli_errorf("%s: no synced baseline here (run 'compliance sync' "
                   "first)",
                   t->cache != NULL ? t->cache : LCMP_SYNC_DEFAULT_CACHE);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (rc < 0) {
        rc = cli_fail(rc, &err);
        goto done;
    }
    if (keyring == NULL) {
        rc = load_keyring(&keyring, t, cache);
        if (rc != 0) {
            goto done;
        }
    }
    opts.flags = flags;
    opts.keyring = keyring;
    opts.release = lcmp_release_from_cache;
    opts.release_payload = cache;
    opts.declaration = (const uint8_t *)decl;
    opts.declaration_len = decl_len;
    opts.declaration_source = declaration;
    opts.envelope_source = path;
    lcmp_error_clear(&err);
    rc = lcmp_verify(out, (const uint8_t *)env, len, at, &opts, &err);
    if (rc < 0) {
        rc = cli_fail(rc, &err);
    }

done:
    lcmp_cache_free(cache);
    lcmp_keyring_free(keyring);
    free(decl);
    return rc;
}

int cli_refuse_invalid(const char *path, const lcmp_verification *v)
{
    int s;

    for (s = 0; s < LCMP_VSTEP_COUNT; s++) {
        const lcmp_verify_step *step =
            lcmp_verification_step(v, (lcmp_vstep_t)s);
        if (step->status == LCMP_VSTATUS_FAILED) {
            cli_errorf("%s: invalid statement: %s: %s",
                       path,
                       step->name,
                       step->reason);
            return CLI_EXIT_NO;
        }
    }
    cli_errorf("%s: invalid statement", path);
    return CLI_EXIT_NO;
}
