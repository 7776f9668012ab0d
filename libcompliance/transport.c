/*
 * Network transports: the libgit2 remote callbacks of a sync (see
 * transport.h) and the translation of their refusals into lcmp_errors.
 *
 * Invariants:
 *  - certificate_check returns 0 (accept) only after a check of our own
 *    succeeded: OpenSSL verified the leaf against the caller's CA file
 *    (purpose TLS server, the host's IP address or name, the caller's
 *    clock), or the SSH host key's SHA-256 equals the pinned fingerprint.
 *    Without a CA file or pinned key it returns GIT_PASSTHROUGH, which keeps
 *    libgit2's own verdict (mbedTLS with the system CAs, known_hosts); the
 *    `valid` flag that libgit2 passes in never decides anything by itself.
 *  - credentials hands out the SSH key once per transport; a second request
 *    means the server refused it, and the transfer stops there.
 *  - transfer_progress cancels a transfer whose received bytes exceed the
 *    cap. libgit2 reports progress after each object it indexes and every
 *    100 KiB from the network, so a transfer overshoots the cap by at most
 *    about that much before it stops.
 *  - The first refusal recorded wins; nothing secret is recorded (key file
 *    paths and host names only, and URLs lose their password).
 *
 * libgit2 calls certificate_check once per connection (HTTPS keep-alive
 * makes that once per fetch in practice): everything here is repeatable.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <arpa/inet.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "transport.h"
#include "util.h"

/* Length of an unpadded base64 SHA-256 fingerprint (32 bytes). */
#define FINGERPRINT_B64_LEN 43

static void record(lcmp__transport *t, int code, const char *fmt, ...)
    LCMP__PRINTF(3, 4);

/* Remember why a callback refused, unless a reason is already known. */
static void record(lcmp__transport *t, int code, const char *fmt, ...)
{
    va_list ap;

    if (t->code != 0) {
        return;
    }
    t->code = code;
    va_start(ap, fmt);
    vsnprintf(t->message, sizeof(t->message), fmt, ap);
    va_end(ap);
}

void lcmp__transport_init(lcmp__transport *t, const lcmp_sync_options *opts)
{
    /* NULL: the defaults (system CAs, known_hosts, no key, default cap) */
    static const lcmp_sync_options defaults = LCMP_SYNC_OPTIONS_INIT;

    memset(t, 0, sizeof(*t));
    t->opts = opts != NULL ? opts : &defaults;
    t->max_bytes = t->opts->max_bytes != 0 ? t->opts->max_bytes
                                           : LCMP_SYNC_DEFAULT_MAX_BYTES;
}

void lcmp__transport_dispose(lcmp__transport *t)
{
    if (t == NULL) {
        return;
    }
    X509_STORE_free(t->ca_store);
    memset(t, 0, sizeof(*t));
}

/*
 * HTTPS certificates
 */

/* The reason of the newest OpenSSL error, "" if none; clears the queue. */
static const char *openssl_reason(char *buf, size_t size)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;

    snprintf(buf, size, "%s", reason != NULL ? reason : "unknown error");
    ERR_clear_error();
    return buf;
}

/* The CA file's store, loaded on first use; NULL after a recorded error. */
static X509_STORE *ca_store(lcmp__transport *t)
{
    const char *path = t->opts->ca_file;
    X509_STORE *st = NULL;
    struct stat sb;
    char why[160];

    if (t->ca_store != NULL) {
        return t->ca_store;
    }
    if (stat(path, &sb) != 0) {
        record(t,
               LCMP_EINVALID,
               "cannot read CA file %s: %s",
               path,
               strerror(errno));
        return NULL;
    }
    st = X509_STORE_new();
    if (st == NULL) {
        record(t, LCMP_ENOMEM, "out of memory");
        return NULL;
    }
    if (X509_STORE_load_file(st, path) != 1) {
        record(t,
               LCMP_EINVALID,
               "CA file %s holds no usable certificate: %s",
               path,
               openssl_reason(why, sizeof(why)));
        X509_STORE_free(st);
        return NULL;
    }
    t->ca_store = st;
    return st;
}

/* Append the DNS and IP names of the leaf's subjectAltName to `out`. */
static void leaf_names(char *out, size_t size, X509 *leaf)
{
    GENERAL_NAMES *names;
    size_t used = 0;
    int i, n;

    out[0] = '\0';
    names = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    if (names == NULL) {
        snprintf(out, size, "no subjectAltName");
        return;
    }
    n = sk_GENERAL_NAME_num(names);
    for (i = 0; i < n && used + 1 < size; i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        char ip[INET6_ADDRSTRLEN] = "";
        const char *name = NULL;
        int w;

        if (gn->type == GEN_DNS) {
            name = (const char *)ASN1_STRING_get0_data(gn->d.dNSName);
        } else if (gn->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *a = gn->d.iPAddress;
            int len = ASN1_STRING_length(a);
            const unsigned char *d = ASN1_STRING_get0_data(a);

            if (len == 4 && inet_ntop(AF_INET, d, ip, sizeof(ip)) != NULL) {
                name = ip;
            } else if (len == 16 &&
                       inet_ntop(AF_INET6, d, ip, sizeof(ip)) != NULL) {
                name = ip;
            }
        }
        if (name == NULL) {
            continue;
        }
        w = snprintf(
            out + used, size - used, "%s%s", used > 0 ? ", " : "", name);
        if (w < 0 || (size_t)w >= size - used) {
            break;
        }
        used += (size_t)w;
    }
    GENERAL_NAMES_free(names);
    if (out[0] == '\0') {
        snprintf(out, size, "no DNS or IP name");
    }
}

/*
 * Verify the DER leaf `der` for `host` against `store` at the caller's
 * time. Returns 1 when it verifies, 0 when it does not (with the reason
 * recorded; `anchor` names the trusted CAs in the message), -1 when the
 * check itself failed (recorded).
 */
static int verify_leaf(lcmp__transport *t,
                       X509_STORE *store,
                       const unsigned char *der,
                       size_t len,
                       const char *host,
                       const char *anchor)
{
    const unsigned char *p = der;
    X509 *leaf = NULL;
    X509_STORE_CTX *ctx = NULL;
    X509_VERIFY_PARAM *vp;
    char name[256];
    char names[160];
    size_t hlen;
    int verr, rc = -1;

    /* libgit2 passes the bracket-less host of an IPv6 URL; be lenient */
    hlen = strlen(host);
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']' &&
        hlen - 2 < sizeof(name))
    {
        memcpy(name, host + 1, hlen - 2);
        name[hlen - 2] = '\0';
    } else {
        snprintf(name, sizeof(name), "%s", host);
    }

    if (len > (size_t)LONG_MAX) {
        record(t, LCMP_EGIT, "certificate for %s is too large", host);
        goto done;
    }
    leaf = d2i_X509(NULL, &p, (long)len);
    if (leaf == NULL || p != der + len) {
        ERR_clear_error();
        record(t, LCMP_EGIT, "certificate for %s cannot be parsed", host);
        goto done;
    }
    ctx = X509_STORE_CTX_new();
    if (ctx == NULL || X509_STORE_CTX_init(ctx, store, leaf, NULL) != 1) {
        ERR_clear_error();
        record(t,
               LCMP_ECRYPTO,
               "cannot set up the check of the certificate "
               "for %s",
               host);
        goto done;
    }
    vp = X509_STORE_CTX_get0_param(ctx);
    if (X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_SSL_SERVER) != 1) {
        ERR_clear_error();
        record(t,
               LCMP_ECRYPTO,
               "cannot set up the check of the certificate "
               "for %s",
               host);
        goto done;
    }
    /* an IP literal must match an iPAddress name, anything else a DNS
     * name (wildcards only as a whole left-most label) */
    if (X509_VERIFY_PARAM_set1_ip_asc(vp, name) != 1) {
        ERR_clear_error();
        X509_VERIFY_PARAM_set_hostflags(vp,
                                        X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (X509_VERIFY_PARAM_set1_host(vp, name, 0) != 1) {
            ERR_clear_error();
            record(t, LCMP_EGIT, "certificate for %s: invalid host name", host);
            goto done;
        }
    }
    /* the caller's clock: the library never reads it */
    if (t->opts->now > 0) {
        X509_VERIFY_PARAM_set_time(vp, (time_t)t->opts->now);
    }

    if (X509_verify_cert(ctx) == 1) {
        rc = 1;
        goto done;
    }
    ERR_clear_error();
    rc = 0;
    verr = X509_STORE_CTX_get_error(ctx);
    switch (verr) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        leaf_names(names, sizeof(names), leaf);
        record(t,
               LCMP_EGIT,
               "certificate for %s is issued to %s (name mismatch)",
               host,
               names);
        break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        record(t,
               LCMP_EGIT,
               "certificate for %s is not signed by %s",
               host,
               anchor);
        break;
    default:
        record(t,
               LCMP_EGIT,
               "certificate for %s is invalid: %s",
               host,
               X509_verify_cert_error_string(verr));
        break;
    }

done:
    X509_STORE_CTX_free(ctx);
    X509_free(leaf);
    return rc;
}

static int check_x509(lcmp__transport *t,
                      const git_cert_x509 *cert,
                      int valid,
                      const char *host)
{
    X509_STORE *store = NULL;
    char anchor[300];
    int v;

    if (t->opts->ca_file == NULL) {
        /* libgit2's verdict with the system CAs stands. When it refused,
         * find out why with OpenSSL and the system CAs, for the message;
         * this never turns a refusal into an acceptance. */
        if (!valid) {
            store = X509_STORE_new();
            if (store != NULL && X509_STORE_set_default_paths(store) == 1) {
                (void)verify_leaf(t,
                                  store,
                                  cert->data,
                                  cert->len,
                                  host,
                                  "a CA this system trusts (a private CA "
                                  "needs a CA file)");
            }
            ERR_clear_error();
            X509_STORE_free(store);
        }
        return GIT_PASSTHROUGH;
    }

    store = ca_store(t);
    if (store == NULL) {
        return -1;
    }
    snprintf(anchor, sizeof(anchor), "the CA in %s", t->opts->ca_file);
    v = verify_leaf(t, store, cert->data, cert->len, host, anchor);
    return v == 1 ? 0 : -1;
}

/*
 * SSH host keys
 */

/* "SHA256:" + unpadded base64 of 32 bytes, as ssh-keygen -l prints. */
static void fingerprint_text(char out[7 + FINGERPRINT_B64_LEN + 2],
                             const unsigned char hash[32])
{
    unsigned char b64[48];

    EVP_EncodeBlock(b64, hash, 32); /* 44 characters, one '=' */
    memcpy(out, "SHA256:", 7);
    memcpy(out + 7, b64, FINGERPRINT_B64_LEN);
    out[7 + FINGERPRINT_B64_LEN] = '\0';
}

/*
 * Parse a pinned fingerprint "SHA256:<43 base64 characters>" (a final '='
 * is tolerated). Only the canonical encoding is accepted, so that one key
 * has one text form. Returns 0 or -1.
 */
static int fingerprint_parse(unsigned char out[32], const char *text)
{
    unsigned char in[FINGERPRINT_B64_LEN + 1];
    unsigned char raw[36];
    unsigned char again[48];
    size_t len, i;

    if (strncmp(text, "SHA256:", 7) != 0) {
        return -1;
    }
    text += 7;
    len = strlen(text);
    if (len == FINGERPRINT_B64_LEN + 1 && text[FINGERPRINT_B64_LEN] == '=') {
        len--;
    }
    if (len != FINGERPRINT_B64_LEN) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '+' || c == '/'))
        {
            return -1;
        }
        in[i] = c;
    }
    in[FINGERPRINT_B64_LEN] = '=';
    if (EVP_DecodeBlock(raw, in, FINGERPRINT_B64_LEN + 1) != 33) {
        return -1;
    }
    EVP_EncodeBlock(again, raw, 32);
    if (memcmp(again, in, FINGERPRINT_B64_LEN) != 0) {
        return -1; /* unused low bits set: not canonical */
    }
    memcpy(out, raw, 32);
    OPENSSL_cleanse(raw, sizeof(raw));
    return 0;
}

static int check_hostkey(lcmp__transport *t,
                         const git_cert_hostkey *cert,
                         int valid,
                         const char *host)
{
    unsigned char pinned[32];
    char got[64];

    if ((cert->type & GIT_CERT_SSH_SHA256) == 0) {
        if (t->opts->host_key != NULL) {
            record(t,
                   LCMP_EGIT,
                   "host key of %s has no SHA-256 fingerprint to compare",
                   host);
            return -1;
        }
        return GIT_PASSTHROUGH;
    }
    fingerprint_text(got, cert->hash_sha256);

    if (t->opts->host_key == NULL) {
        /* known_hosts decides (libgit2 read it); say what to pin */
        if (!valid) {
            record(t,
                   LCMP_EGIT,
                   "host key %s of %s is unknown (not pinned, not in "
                   "~/.ssh/known_hosts)",
                   got,
                   host);
        }
        return GIT_PASSTHROUGH;
    }
    if (fingerprint_parse(pinned, t->opts->host_key) != 0) {
        record(t,
               LCMP_EINVALID,
               "pinned host key '%s' is not a fingerprint like "
               "SHA256:<43 base64 characters>",
               t->opts->host_key);
        return -1;
    }
    if (CRYPTO_memcmp(pinned, cert->hash_sha256, 32) != 0) {
        record(t,
               LCMP_EGIT,
               "host key %s of %s does not match the pinned %s",
               got,
               host,
               t->opts->host_key);
        return -1;
    }
    return 0;
}

static int
certificate_check(git_cert *cert, int valid, const char *host, void *payload)
{
    lcmp__transport *t = payload;

    if (host == NULL) {
        host = "(unknown host)";
    }
    switch (cert->cert_type) {
    case GIT_CERT_X509:
        return check_x509(t, (const git_cert_x509 *)cert, valid, host);
    case GIT_CERT_HOSTKEY_LIBSSH2:
        return check_hostkey(t, (const git_cert_hostkey *)cert, valid, host);
    default:
        /* a TLS backend that does not hand out the certificate: a CA file
         * cannot be honoured, so refuse rather than trust blindly */
        if (t->opts->ca_file != NULL) {
            record(t,
                   LCMP_EGIT,
                   "certificate for %s cannot be checked against %s: the "
                   "TLS backend does not provide it",
                   host,
                   t->opts->ca_file);
            return -1;
        }
        return GIT_PASSTHROUGH;
    }
}

/*
 * SSH credentials
 */

/* Refuse a private key file that others may read, as OpenSSH does. */
static int check_key_file(lcmp__transport *t, const char *path)
{
    struct stat sb;

    if (stat(path, &sb) != 0) {
        record(t,
               LCMP_EINVALID,
               "cannot read key file %s: %s",
               path,
               strerror(errno));
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        record(t, LCMP_EINVALID, "key file %s is not a regular file", path);
        return -1;
    }
    if ((sb.st_mode & 077) != 0) {
        record(t,
               LCMP_EINVALID,
               "key file %s is readable by others (mode %04o): chmod 600",
               path,
               (unsigned int)(sb.st_mode & 07777));
        return -1;
    }
    return 0;
}

static int credentials(git_credential **out,
                       const char *url,
                       const char *user_from_url,
                       unsigned int allowed,
                       void *payload)
{
    lcmp__transport *t = payload;
    const lcmp_sync_options *opts = t->opts;
    const char *user;

    (void)url;
    *out = NULL;
    if (user_from_url != NULL && user_from_url[0] != '\0') {
        user = user_from_url;
    } else if (opts->ssh_user != NULL && opts->ssh_user[0] != '\0') {
        user = opts->ssh_user;
    } else {
        user = "git";
    }

    /* ssh:// without a user: libgit2 asks for the name first */
    if (allowed & GIT_CREDENTIAL_USERNAME) {
        if (git_credential_username_new(out, user) < 0) {
            record(t, LCMP_ENOMEM, "out of memory");
            return -1;
        }
        return 0;
    }
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) == 0) {
        if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
            record(t,
                   LCMP_EGIT,
                   "the server asks for a user name and password, which "
                   "are not supported (use an SSH key or a public remote)");
        } else {
            record(t, LCMP_EGIT, "the server offers no SSH key authentication");
        }
        return -1;
    }
    if (opts->ssh_key == NULL) {
        record(t,
               LCMP_EINVALID,
               "the server wants an SSH key for user '%s' and none is given",
               user);
        return -1;
    }
    if (t->key_attempts > 0) {
        record(t,
               LCMP_EGIT,
               "ssh authentication failed for user '%s' with key '%s'",
               user,
               opts->ssh_key);
        return -1;
    }
    if (check_key_file(t, opts->ssh_key) != 0) {
        return -1;
    }
    t->key_attempts++;
    snprintf(t->ssh_user, sizeof(t->ssh_user), "%s", user);
    /* no passphrase: an encrypted key fails to load and says so */
    if (git_credential_ssh_key_new(out, user, NULL, opts->ssh_key, NULL) < 0) {
        record(t, LCMP_ENOMEM, "out of memory");
        return -1;
    }
    return 0;
}

/*
 * Transfer progress and the byte cap
 */

static int transfer_progress(const git_indexer_progress *stats, void *payload)
{
    lcmp__transport *t = payload;
    const lcmp_sync_options *opts = t->opts;

    t->received_bytes = (uint64_t)stats->received_bytes;
    if (t->received_bytes > t->max_bytes) {
        record(t,
               LCMP_ELIMIT,
               "transfer exceeded the limit of %" PRIu64 " bytes (--max-bytes)",
               t->max_bytes);
        return -1;
    }
    if (opts->progress != NULL) {
        opts->progress(t->received_bytes,
                       (size_t)stats->received_objects,
                       (size_t)stats->total_objects,
                       opts->progress_payload);
    }
    return 0;
}

void lcmp__transport_callbacks(git_remote_callbacks *cbs, lcmp__transport *t)
{
    cbs->certificate_check = certificate_check;
    cbs->credentials = credentials;
    cbs->transfer_progress = transfer_progress;
    cbs->payload = t;
}

/*
 * Errors
 */

/* `url` without the password of "scheme://user:password@host/...". */
static void redact_url(char *out, size_t size, const char *url)
{
    const char *auth, *end, *at, *colon;

    if (url == NULL) {
        snprintf(out, size, "%s", "");
        return;
    }
    auth = strstr(url, "://");
    if (auth == NULL) {
        snprintf(out, size, "%s", url);
        return;
    }
    auth += 3;
    end = auth + strcspn(auth, "/?#");
    at = NULL;
    for (const char *c = auth; c < end; c++) {
        if (*c == '@') {
            at = c;
        }
    }
    colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon == NULL) {
        snprintf(out, size, "%s", url);
        return;
    }
    snprintf(out, size, "%.*s%s", (int)(colon - url), url, at);
}

int lcmp__transport_error(lcmp__transport *t,
                          int gitrc,
                          const char *url,
                          lcmp_error *err)
{
    const git_error *e = git_error_last();
    const char *msg = NULL;
    const char *home = getenv("HOME");
    char source[256];
    char text[256];

    redact_url(source, sizeof(source), url);
    if (t != NULL && t->code != 0) {
        return lcmp__error_set(err, t->code, source, NULL, "%s", t->message);
    }
    if (e != NULL && e->message != NULL && e->message[0] != '\0') {
        /* libgit2 capitalises some messages; ours are lower case */
        snprintf(text, sizeof(text), "%s", e->message);
        if (text[0] >= 'A' && text[0] <= 'Z' && text[1] >= 'a' &&
            text[1] <= 'z') {
            text[0] = (char)(text[0] - 'A' + 'a');
        }
        msg = text;
    }
    if (t != NULL && t->key_attempts > 0 && t->opts != NULL &&
        (gitrc == GIT_EAUTH ||
         (msg != NULL && strstr(msg, "authenticat") != NULL)))
    {
        /* libssh2's text after a refused key is misleading ("failed to
         * retrieve list of SSH authentication methods"); a key file it
         * cannot load says so, and then that text helps */
        if (gitrc != GIT_EAUTH && msg != NULL) {
            return lcmp__error_set(
                err,
                LCMP_EGIT,
                source,
                NULL,
                "ssh authentication failed for user '%s' with key '%s': %s",
                t->ssh_user,
                t->opts->ssh_key,
                msg);
        }
        return lcmp__error_set(
            err,
            LCMP_EGIT,
            source,
            NULL,
            "ssh authentication failed for user '%s' with key '%s'",
            t->ssh_user,
            t->opts->ssh_key);
    }
    if ((home == NULL || home[0] == '\0') && msg != NULL &&
        strstr(msg, "known_hosts") != NULL)
    {
        return lcmp__error_set(err,
                               LCMP_EGIT,
                               source,
                               NULL,
                               "HOME is not set: SSH needs it to read "
                               "~/.ssh/known_hosts (an empty directory "
                               "will do)");
    }
    if (msg != NULL) {
        return lcmp__error_set(err, LCMP_EGIT, source, NULL, "%s", msg);
    }
    return lcmp__error_set(err,
                           LCMP_EGIT,
                           source,
                           NULL,
                           "git operation failed (libgit2 error %d)",
                           gitrc);
}
