/*
 * `compliance keygen --out KEY`: make a statement signing key.
 *
 * Writes KEY (PKCS#8 PEM, mode 0600, optionally encrypted) and KEY.pub
 * (OpenSSH public key, mode 0644), both atomically and never over an
 * existing file, and prints on stdout the allowed_signers line the
 * association registers in trust/statement_signers (or trust/auditors):
 *
 *   ORG namespaces="compliance-statement" ssh-ed25519 AAAA…
 */
#include "cli.h"
#include "cli_statement.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
    "usage: compliance keygen --out KEY [--type ed25519|ecdsa-p256]\n"
    "                         [--org ID]\n"
    "                         [--passphrase-env VAR | --passphrase-prompt]\n"
    "\n"
    "Make a key for signing compliance statements: KEY (private, PKCS#8\n"
    "PEM, mode 0600) and KEY.pub (OpenSSH public key). Prints the\n"
    "allowed_signers line to register in the baseline's\n"
    "trust/statement_signers (municipalities) or trust/auditors.\n"
    "\n"
    "options:\n"
    "  --out KEY              where to write the private key (never\n"
    "                         overwritten); the public key goes to KEY.pub\n"
    "  --type TYPE            ed25519 (default) or ecdsa-p256\n"
    "  --org ID               the organisation (or auditor) id: the\n"
    "                         principal of the allowed_signers line\n"
    "                         (default: \"organisation\" in compliance.json)\n"
    "  --passphrase-env VAR   encrypt the key with the passphrase in the\n"
    "                         environment variable VAR\n"
    "  --passphrase-prompt    encrypt the key with a passphrase typed on the\n"
    "                         terminal (asked twice, not echoed)\n"
    "  -q, --quiet            print only the allowed_signers line\n"
    "  -h, --help             print this help\n"
    "\n"
    "exit codes: 0 written, 2 usage error or KEY exists, 3 environment\n"
    "failure.\n";

enum { OPT_OUT = 1, OPT_TYPE, OPT_ORG, OPT_PASS_ENV, OPT_PASS_PROMPT };

static const cli_option options[] = {
    {"out", 'o', true, OPT_OUT},
    {"type", 't', true, OPT_TYPE},
    {"org", 0, true, OPT_ORG},
    {"passphrase-env", 0, true, OPT_PASS_ENV},
    {"passphrase-prompt", 0, false, OPT_PASS_PROMPT},
    {NULL, 0, false, 0},
};

/* An organisation id as docs/formats.md defines identifiers. */
static bool valid_id(const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9');
        if (i >= 64 ||
            (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))) {
            return false;
        }
    }
    return i > 0;
}

static int refuse_existing(const char *path)
{
    struct stat st;

    if (lstat(path, &st) == 0) {
        cli_errorf("%s: already exists (a key is never overwritten)", path);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cmd_keygen(cli_ctx *ctx, int argc, char **argv)
{
    const char *out = NULL, *org = NULL, *value;
    lcmp_key_type_t type = LCMP_KEY_ED25519;
    cli_passphrase pass = {NULL, false};
    char passphrase[CLI_PASSPHRASE_MAX + 1] = "";
    char *pubpath = NULL, *line = NULL;
    lcmp_buf pub = LCMP_BUF_INIT;
    size_t linelen;
    lcmp_key *key = NULL;
    lcmp_error err;
    cli_parser p;
    int id, next, rc;

    cli_parser_init(&p, "keygen", argc, argv);
    while ((next = cli_next(&p, options, &id, &value)) != CLI_NEXT_END) {
        if (next == CLI_NEXT_ERROR) {
            return CLI_EXIT_USAGE;
        }
        if (next == CLI_NEXT_OPERAND) {
            cli_errorf("keygen: unexpected argument '%s' (the key file is "
                       "given with --out KEY)",
                       value);
            return CLI_EXIT_USAGE;
        }
        switch (id) {
        case OPT_OUT:
            out = value;
            break;
        case OPT_TYPE:
            if (strcmp(value, "ed25519") == 0) {
                type = LCMP_KEY_ED25519;
            } else if (strcmp(value, "ecdsa-p256") == 0) {
                type = LCMP_KEY_ECDSA_P256;
            } else {
                cli_errorf("keygen: --type: unknown key type '%s' (expected "
                           "ed25519 or ecdsa-p256)",
                           value);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_ORG:
            org = value;
            break;
        case OPT_PASS_ENV:
            pass.env = value;
            break;
        case OPT_PASS_PROMPT:
            pass.prompt = true;
            break;
        default:
            if (cli_common_option(ctx, id, usage)) {
                return CLI_EXIT_OK;
            }
            break;
        }
    }
    if (org == NULL) {
        org = cli_config(ctx, "organisation");
    }
    if (out == NULL) {
        cli_errorf("keygen: missing --out KEY (see 'compliance keygen "
                   "--help')");
        return CLI_EXIT_USAGE;
    }
    if (pass.env != NULL && pass.prompt) {
        cli_errorf("keygen: give --passphrase-env or --passphrase-prompt, "
                   "not both");
        return CLI_EXIT_USAGE;
    }
    if (org != NULL && !valid_id(org)) {
        cli_errorf("keygen: --org: '%s' is not an organisation id (letters, "
                   "digits, '.', '_', '-'; at most 64)",
                   org);
        return CLI_EXIT_USAGE;
    }
    pubpath = malloc(strlen(out) + 5);
    if (pubpath == NULL) {
        cli_errorf("out of memory");
        return CLI_EXIT_ENV;
    }
    snprintf(pubpath, strlen(out) + 5, "%s.pub", out);
    if ((rc = refuse_existing(out)) != 0 ||
        (rc = refuse_existing(pubpath)) != 0) {
        goto done;
    }
    if ((pass.env != NULL || pass.prompt) &&
        (rc = cli_passphrase_read(passphrase, &pass, true)) != 0)
    {
        goto done;
    }

    lcmp_error_clear(&err);
    if ((rc = lcmp_key_generate(&key, type, &err)) < 0 ||
        (rc = lcmp_key_save(
             key, out, passphrase[0] != '\0' ? passphrase : NULL, &err)) < 0 ||
        (rc = lcmp_key_public_openssh(&pub, key, &err)) < 0)
    {
        rc = cli_fail(rc, &err);
        goto done;
    }
    /* the public key file carries the principal as its comment */
    linelen = strlen(pub.ptr) + (org != NULL ? strlen(org) + 1 : 0) + 2;
    line = malloc(linelen);
    if (line == NULL) {
        cli_errorf("out of memory");
        rc = CLI_EXIT_ENV;
        goto done;
    }
    snprintf(line,
             linelen,
             "%s%s%s\n",
             pub.ptr,
             org != NULL ? " " : "",
             org != NULL ? org : "");
    rc = cli_write_file_atomic(pubpath, line, strlen(line), false);
    if (rc != 0) {
        goto done;
    }
    printf("%s namespaces=\"compliance-statement\" %s\n",
           org != NULL ? org : "ORG-ID",
           pub.ptr);
    cli_notef(ctx,
              "wrote %s (private, mode 0600%s) and %s; key %s",
              out,
              passphrase[0] != '\0' ? ", encrypted" : "",
              pubpath,
              lcmp_key_fingerprint(key));
    if (org == NULL) {
        cli_notef(ctx,
                  "replace ORG-ID with the organisation id (or give --org "
                  "ID)");
    }
    rc = CLI_EXIT_OK;

done:
    lcmp_wipe(passphrase, sizeof(passphrase));
    lcmp_key_free(key);
    lcmp_buf_dispose(&pub);
    free(line);
    free(pubpath);
    return rc;
}
