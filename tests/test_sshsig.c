/*
 * Tests for libcompliance/sshsig.c: OpenSSH signatures made by the real
 * ssh-keygen (ed25519, ecdsa-sha2-nistp256, rsa-3072 with sha256 and
 * sha512) verified by our code, rsa-sha2-256 signatures made with OpenSSL
 * (ssh-keygen -Y sign always uses rsa-sha2-512) and cross-checked with
 * ssh-keygen -Y verify, the deterministic vector of
 * research/signing-and-sync.md §2.8, and the refusals: tampered message
 * or signature, namespaces, allowed_signers checks, malformed blobs.
 *
 * Keys and signatures are generated at test time in LCMP_TMPDIR; only the
 * §2.8 vector is static (tests/data/sshsig/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "sshsig.h"
#include "util.h"

/* 2026-06-01T00:00:00Z: 2026-01-01 is day 20454, plus 151 days */
#define AT_2026_06_01 ((int64_t)20605 * 86400)

static const char MSG[] = "release v2026.1\nsigned tag payload\n";

/*
 * Helpers
 */

static const char *tmpdir(void)
{
    const char *t = getenv("LCMP_TMPDIR");

    assert_non_null(t);
    return t;
}

/* Run a shell command; assert it exits 0. */
static void sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof(cmd));
    if (system(cmd) != 0) {
        fail_msg("command failed: %s", cmd);
    }
}

/* Exit status of a shell command. */
static int sh_status(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    int n, st;

    va_start(ap, fmt);
    n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    assert_true(n > 0 && (size_t)n < sizeof(cmd));
    st = system(cmd);
    return st;
}

static void path_of(char *out, size_t size, const char *name)
{
    int n = snprintf(out, size, "%s/%s", tmpdir(), name);

    assert_true(n > 0 && (size_t)n < size);
}

static void slurp(lcmp_buf *out, const char *path)
{
    lcmp_error err;

    lcmp_error_clear(&err);
    if (lcmp__file_read(out, path, 1 << 20, &err) != 0) {
        fail_msg("cannot read %s: %s", path, err.message);
    }
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* The public key line of key `name` without its line end. */
static void pubkey_line(lcmp_buf *out, const char *name)
{
    char path[1024], file[64];

    snprintf(file, sizeof(file), "%s.pub", name);
    path_of(path, sizeof(path), file);
    slurp(out, path);
    while (out->size > 0 && out->ptr[out->size - 1] == '\n') {
        out->ptr[--out->size] = '\0';
    }
}

/* ssh-keygen -lf: "256 SHA256:… comment (ED25519)" -> "SHA256:…" */
static void keygen_fingerprint(char out[64], const char *pubpath)
{
    char path[1024], *sp;
    lcmp_buf b = LCMP_BUF_INIT;

    path_of(path, sizeof(path), "fp.txt");
    sh("ssh-keygen -lf '%s' > '%s'", pubpath, path);
    slurp(&b, path);
    sp = strchr(b.ptr, ' ');
    assert_non_null(sp);
    sp++;
    assert_true(strncmp(sp, "SHA256:", 7) == 0);
    assert_true(strcspn(sp, " ") < 64);
    memcpy(out, sp, strcspn(sp, " "));
    out[strcspn(sp, " ")] = '\0';
    lcmp_buf_dispose(&b);
}

/* Sign MSG with key `name` in namespace `ns` using ssh-keygen. */
static void keygen_sign(lcmp_buf *sig,
                        const char *name,
                        const char *ns,
                        const char *hashalg)
{
    char key[1024], msg[1024], out[1024];

    path_of(key, sizeof(key), name);
    path_of(msg, sizeof(msg), "msg.txt");
    path_of(out, sizeof(out), "out.sig");
    spit(msg, MSG, strlen(MSG));
    sh("ssh-keygen -Y sign -f '%s' -n '%s' %s%s < '%s' > '%s' 2>/dev/null",
       key,
       ns,
       hashalg != NULL ? "-O hashalg=" : "",
       hashalg != NULL ? hashalg : "",
       msg,
       out);
    slurp(sig, out);
}

/* Whether ssh-keygen -Y verify accepts `sig` over MSG. */
static int keygen_verifies(const lcmp_buf *sig,
                           const char *signers,
                           const char *principal,
                           const char *ns)
{
    char s[1024], a[1024], m[1024];

    path_of(s, sizeof(s), "check.sig");
    path_of(a, sizeof(a), "check_signers");
    path_of(m, sizeof(m), "msg.txt");
    spit(s, sig->ptr, sig->size);
    spit(a, signers, strlen(signers));
    spit(m, MSG, strlen(MSG));
    return sh_status("ssh-keygen -Y verify -f '%s' -I '%s' -n '%s' -s '%s' "
                     "< '%s' > /dev/null 2>&1",
                     a,
                     principal,
                     ns,
                     s,
                     m) == 0;
}

/* "principal[ options] <key name>.pub" as one allowed_signers line. */
static void signers_line(lcmp_buf *out,
                         const char *principals,
                         const char *opts,
                         const char *key)
{
    lcmp_buf pub = LCMP_BUF_INIT;

    pubkey_line(&pub, key);
    assert_int_equal(lcmp__buf_printf(out,
                                      "%s%s%s %s\n",
                                      principals,
                                      opts != NULL ? " " : "",
                                      opts != NULL ? opts : "",
                                      pub.ptr),
                     0);
    lcmp_buf_dispose(&pub);
}

static lcmp_signers *load_signers(const char *text)
{
    lcmp_signers *s = NULL;
    lcmp_error err;

    lcmp_error_clear(&err);
    if (lcmp_signers_load_buffer(
            &s, (const uint8_t *)text, strlen(text), "allowed_signers", &err) !=
        0)
    {
        fail_msg("allowed_signers: %s", err.message);
    }
    return s;
}

/* lcmp_sshsig_verify of `sig` over MSG. */
static int verify(lcmp_error *err,
                  lcmp_buf *principal_out,
                  lcmp_buf *fp_out,
                  const lcmp_buf *sig,
                  const char *signers_text,
                  const char *ns,
                  const char *principal,
                  int64_t at)
{
    lcmp_signers *s = load_signers(signers_text);
    int rc;

    lcmp_error_clear(err);
    rc = lcmp_sshsig_verify(principal_out,
                            fp_out,
                            s,
                            sig->ptr,
                            sig->size,
                            (const uint8_t *)MSG,
                            strlen(MSG),
                            ns,
                            principal,
                            at,
                            err);
    assert_true(rc == 0 || err->code == rc);
    lcmp_signers_free(s);
    return rc;
}

static void assert_contains(const char *s, const char *part)
{
    if (strstr(s, part) == NULL) {
        fail_msg("'%s' does not contain '%s'", s, part);
    }
}

/* An independent SSHSIG blob writer for crafted signatures. */
static void put_u32(lcmp_buf *b, uint32_t v)
{
    char c[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};

    assert_int_equal(lcmp__buf_put(b, c, 4), 0);
}

static void put_str(lcmp_buf *b, const void *s, size_t n)
{
    put_u32(b, (uint32_t)n);
    assert_int_equal(lcmp__buf_put(b, s, n), 0);
}

static void put_cstr(lcmp_buf *b, const char *s)
{
    put_str(b, s, strlen(s));
}

typedef struct blob_parts {
    uint32_t version;
    const uint8_t *pub;
    size_t publen;
    const char *ns;
    const char *reserved;
    const char *hash;
    const char *sigtype;
    const uint8_t *sigbytes;
    size_t siglen;
    const char *sig_trailer; /* appended inside the signature string */
    const char *trailer;     /* appended after the signature string */
} blob_parts;

static void build_blob(lcmp_buf *out, const blob_parts *p)
{
    lcmp_buf inner = LCMP_BUF_INIT;

    lcmp__buf_clear(out);
    assert_int_equal(lcmp__buf_put(out, "SSHSIG", 6), 0);
    put_u32(out, p->version);
    put_str(out, p->pub, p->publen);
    put_cstr(out, p->ns);
    put_cstr(out, p->reserved);
    put_cstr(out, p->hash);
    put_cstr(&inner, p->sigtype);
    put_str(&inner, p->sigbytes, p->siglen);
    if (p->sig_trailer != NULL) {
        assert_int_equal(lcmp__buf_puts(&inner, p->sig_trailer), 0);
    }
    put_str(out, inner.ptr, inner.size);
    if (p->trailer != NULL) {
        assert_int_equal(lcmp__buf_puts(out, p->trailer), 0);
    }
    lcmp_buf_dispose(&inner);
}

/* Armour as ssh-keygen does: base64 wrapped at `wrap`, LF or CRLF. */
static void armor(lcmp_buf *out,
                  const uint8_t *blob,
                  size_t len,
                  size_t wrap,
                  const char *eol)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    size_t i;

    assert_int_equal(lcmp__base64_encode(&b64, blob, len), 0);
    lcmp__buf_clear(out);
    assert_int_equal(
        lcmp__buf_printf(out, "-----BEGIN SSH SIGNATURE-----%s", eol), 0);
    for (i = 0; i < b64.size; i += wrap) {
        size_t n = b64.size - i < wrap ? b64.size - i : wrap;

        assert_int_equal(lcmp__buf_put(out, b64.ptr + i, n), 0);
        assert_int_equal(lcmp__buf_puts(out, eol), 0);
    }
    assert_int_equal(
        lcmp__buf_printf(out, "-----END SSH SIGNATURE-----%s", eol), 0);
    lcmp_buf_dispose(&b64);
}

/* The raw blob of an armoured signature (whitespace stripped). */
static void dearmor(lcmp_buf *blob, const lcmp_buf *sig)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    const char *p = strstr(sig->ptr, "-----\n") + 6;
    const char *end = strstr(p, "-----END");

    assert_non_null(end);
    for (; p < end; p++) {
        if (*p != '\n' && *p != '\r') {
            assert_int_equal(lcmp__buf_put(&b64, p, 1), 0);
        }
    }
    assert_int_equal(lcmp__base64_decode(blob, b64.ptr, b64.size), 0);
    lcmp_buf_dispose(&b64);
}

static int parse_armored(lcmp_error *err, const lcmp_buf *a)
{
    lcmp__sshsig *sig = NULL;
    int rc;

    lcmp_error_clear(err);
    rc = lcmp__sshsig_parse(&sig, a->ptr, a->size, err);
    if (rc == 0) {
        assert_non_null(sig);
    } else {
        assert_null(sig);
        assert_int_equal(err->code, rc);
    }
    lcmp__sshsig_free(sig);
    return rc;
}

static int parse_blob(lcmp_error *err, const lcmp_buf *blob)
{
    lcmp_buf a = LCMP_BUF_INIT;
    int rc;

    armor(&a, (const uint8_t *)blob->ptr, blob->size, 70, "\n");
    rc = parse_armored(err, &a);
    lcmp_buf_dispose(&a);
    return rc;
}

/*
 * Fixture: keys made by ssh-keygen once for the whole group
 */

static int setup_keys(void **state)
{
    const char *t = getenv("LCMP_TMPDIR");
    char cmd[4096];

    (void)state;
    if (t == NULL) {
        fprintf(stderr, "LCMP_TMPDIR is not set\n");
        return -1;
    }
    snprintf(cmd,
             sizeof(cmd),
             "cd '%s' && rm -f ed ed.pub ec ec.pub rsa rsa.pub other "
             "other.pub && "
             "ssh-keygen -q -t ed25519 -N '' -C ed@test -f ed && "
             "ssh-keygen -q -t ecdsa -b 256 -N '' -C ec@test -f ec && "
             "ssh-keygen -q -t rsa -b 3072 -N '' -C rsa@test -f rsa && "
             "ssh-keygen -q -t ed25519 -N '' -C other@test -f other && "
             "cp rsa rsa.pem && ssh-keygen -q -p -N '' -m PEM -f rsa.pem "
             "> /dev/null",
             t);
    return system(cmd) == 0 ? 0 : -1;
}

/*
 * Interoperability with ssh-keygen
 */

static void
check_interop(const char *key, const char *hashalg, const char *sigtype)
{
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp_buf principal = LCMP_BUF_INIT, fp = LCMP_BUF_INIT;
    lcmp__sshsig *parsed = NULL;
    char pubpath[1024], file[64], want_fp[64];
    lcmp_error err;

    keygen_sign(&sig, key, "git", hashalg);
    signers_line(&line, "release@assoc.example", "namespaces=\"git\"", key);
    assert_true(
        keygen_verifies(&sig, line.ptr, "release@assoc.example", "git"));

    lcmp_error_clear(&err);
    assert_int_equal(lcmp__sshsig_parse(&parsed, sig.ptr, sig.size, &err), 0);
    assert_string_equal(parsed->ns, "git");
    assert_string_equal(parsed->sigtype, sigtype);
    assert_int_equal(parsed->sha512,
                     hashalg == NULL || strcmp(hashalg, "sha512") == 0);
    assert_int_equal(
        lcmp__sshsig_check(
            parsed, (const uint8_t *)MSG, strlen(MSG), "git", &err),
        0);
    lcmp__sshsig_free(parsed);

    assert_int_equal(verify(&err,
                            &principal,
                            &fp,
                            &sig,
                            line.ptr,
                            "git",
                            "release@assoc.example",
                            AT_2026_06_01),
                     0);
    assert_string_equal(principal.ptr, "release@assoc.example");
    snprintf(file, sizeof(file), "%s.pub", key);
    path_of(pubpath, sizeof(pubpath), file);
    keygen_fingerprint(want_fp, pubpath);
    assert_string_equal(fp.ptr, want_fp);

    /* no principal asked: the entry's principals field */
    assert_int_equal(
        verify(
            &err, &principal, NULL, &sig, line.ptr, "git", NULL, AT_2026_06_01),
        0);
    assert_string_equal(principal.ptr, "release@assoc.example");

    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
    lcmp_buf_dispose(&principal);
    lcmp_buf_dispose(&fp);
}

static void test_sshsig__ed25519_from_ssh_keygen(void **state)
{
    (void)state;
    check_interop("ed", NULL, "ssh-ed25519");
    check_interop("ed", "sha256", "ssh-ed25519");
}

static void test_sshsig__ecdsa_p256_from_ssh_keygen(void **state)
{
    (void)state;
    check_interop("ec", "sha512", "ecdsa-sha2-nistp256");
    check_interop("ec", "sha256", "ecdsa-sha2-nistp256");
}

static void test_sshsig__rsa_from_ssh_keygen(void **state)
{
    (void)state;
    check_interop("rsa", "sha256", "rsa-sha2-512");
    check_interop("rsa", "sha512", "rsa-sha2-512");
}

/* Sign `msg` for `ns` as SSHSIG with `sigtype` using the PEM RSA key:
 * built here from PROTOCOL.sshsig, independently of sshsig.c. */
static void openssl_rsa_sign_ex(lcmp_buf *armored,
                                const char *sigtype,
                                const char *mdname,
                                const char *hash,
                                const char *ns,
                                int shorten)
{
    lcmp_buf pub = LCMP_BUF_INIT, blob = LCMP_BUF_INIT;
    lcmp_buf data = LCMP_BUF_INIT, out = LCMP_BUF_INIT;
    uint8_t md[EVP_MAX_MD_SIZE], sigbytes[1024];
    unsigned int mdlen = 0;
    size_t siglen = sizeof(sigbytes);
    char path[1024];
    EVP_PKEY *pkey;
    EVP_MD_CTX *ctx;
    EVP_PKEY_CTX *pctx = NULL;
    blob_parts parts;
    FILE *f;

    path_of(path, sizeof(path), "rsa.pem");
    f = fopen(path, "r");
    assert_non_null(f);
    pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(pkey);

    assert_int_equal(
        EVP_Digest(
            MSG, strlen(MSG), md, &mdlen, EVP_get_digestbyname(hash), NULL),
        1);
    assert_int_equal(lcmp__buf_put(&data, "SSHSIG", 6), 0);
    put_cstr(&data, ns);
    put_cstr(&data, "");
    put_cstr(&data, hash);
    put_str(&data, md, mdlen);

    ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    assert_int_equal(
        EVP_DigestSignInit_ex(ctx, &pctx, mdname, NULL, NULL, pkey, NULL), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING), 1);
    assert_int_equal(
        EVP_DigestSign(
            ctx, sigbytes, &siglen, (const uint8_t *)data.ptr, data.size),
        1);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    /* shorten < 0: drop a leading zero byte (when there is one; else
     * return an empty signature); shorten > 0: append bytes */
    if (shorten < 0) {
        if (sigbytes[0] != 0) {
            lcmp__buf_clear(armored);
            goto done;
        }
        memmove(sigbytes, sigbytes + 1, --siglen);
    } else if (shorten > 0) {
        memset(sigbytes + siglen, 0, (size_t)shorten);
        siglen += (size_t)shorten;
    }

    pubkey_line(&pub, "rsa");
    *strrchr(pub.ptr, ' ') = '\0'; /* drop the comment */
    assert_int_equal(lcmp__base64_decode(&blob,
                                         strchr(pub.ptr, ' ') + 1,
                                         strlen(strchr(pub.ptr, ' ') + 1)),
                     0);
    parts = (blob_parts){1,
                         (const uint8_t *)blob.ptr,
                         blob.size,
                         ns,
                         "",
                         hash,
                         sigtype,
                         sigbytes,
                         siglen,
                         NULL,
                         NULL};
    build_blob(&out, &parts);
    armor(armored, (const uint8_t *)out.ptr, out.size, 70, "\n");
done:
    lcmp_buf_dispose(&pub);
    lcmp_buf_dispose(&blob);
    lcmp_buf_dispose(&data);
    lcmp_buf_dispose(&out);
}

static void openssl_rsa_sign(lcmp_buf *armored,
                             const char *sigtype,
                             const char *mdname,
                             const char *hash,
                             const char *ns)
{
    openssl_rsa_sign_ex(armored, sigtype, mdname, hash, ns, 0);
}

static void test_sshsig__rsa_short_and_long_signatures(void **state)
{
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp_error err;
    char ns[32];
    int i;

    (void)state;
    signers_line(&line, "p", NULL, "rsa");
    /* a signature one byte shorter than the modulus (its first byte was
     * zero): OpenSSH left-pads it, and so do we */
    for (i = 0; i < 4000; i++) {
        snprintf(ns, sizeof(ns), "ns%d", i);
        openssl_rsa_sign_ex(&sig, "rsa-sha2-256", "SHA256", "sha256", ns, -1);
        if (sig.size > 0) {
            break;
        }
    }
    assert_true(sig.size > 0);
    assert_true(keygen_verifies(&sig, line.ptr, "p", ns));
    assert_int_equal(
        verify(&err, NULL, NULL, &sig, line.ptr, ns, "p", AT_2026_06_01), 0);
    /* one byte longer than the modulus: malformed */
    openssl_rsa_sign_ex(&sig, "rsa-sha2-256", "SHA256", "sha256", "git", 1);
    assert_int_equal(parse_armored(&err, &sig), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "malformed SSH signature: RSA "
                        "signature empty or longer than the "
                        "key");
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
}

static void test_sshsig__rsa_sha2_256_and_512(void **state)
{
    static const struct {
        const char *sigtype, *md, *hash;
    } cases[] = {
        {"rsa-sha2-256", "SHA256", "sha256"},
        {"rsa-sha2-256", "SHA256", "sha512"},
        {"rsa-sha2-512", "SHA512", "sha256"},
    };
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp_error err;
    size_t i;

    (void)state;
    signers_line(&line, "release@assoc.example", NULL, "rsa");
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        openssl_rsa_sign(
            &sig, cases[i].sigtype, cases[i].md, cases[i].hash, "git");
        /* ssh-keygen agrees that the crafted signature is genuine */
        assert_true(
            keygen_verifies(&sig, line.ptr, "release@assoc.example", "git"));
        assert_int_equal(verify(&err,
                                NULL,
                                NULL,
                                &sig,
                                line.ptr,
                                "git",
                                "release@assoc.example",
                                AT_2026_06_01),
                         0);
    }
    /* a signature made with SHA-256 but labelled rsa-sha2-512 */
    openssl_rsa_sign(&sig, "rsa-sha2-512", "SHA256", "sha512", "git");
    assert_false(
        keygen_verifies(&sig, line.ptr, "release@assoc.example", "git"));
    assert_int_equal(verify(&err,
                            NULL,
                            NULL,
                            &sig,
                            line.ptr,
                            "git",
                            "release@assoc.example",
                            AT_2026_06_01),
                     LCMP_EVERIFY);
    assert_contains(err.message, "bad signature by ssh-rsa key SHA256:");
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
}

static void test_sshsig__legacy_ssh_rsa_refused(void **state)
{
    lcmp_buf sig = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    /* a genuine RSA PKCS#1 v1.5 SHA-1 signature, labelled ssh-rsa */
    openssl_rsa_sign(&sig, "ssh-rsa", "SHA1", "sha512", "git");
    assert_int_equal(parse_armored(&err, &sig), LCMP_EPARSE);
    assert_contains(err.message,
                    "legacy ssh-rsa (SHA-1) signatures are "
                    "refused");
    lcmp_buf_dispose(&sig);
}

/*
 * The deterministic vector (research/signing-and-sync.md §2.8)
 */

static void test_sshsig__rfc8032_vector(void **state)
{
    lcmp_buf sig = LCMP_BUF_INIT, pub = LCMP_BUF_INIT, msg = LCMP_BUF_INIT;
    lcmp_buf line = LCMP_BUF_INIT, fp = LCMP_BUF_INIT;
    lcmp__sshsig *parsed = NULL;
    lcmp_signers *signers = NULL;
    char want_fp[64];
    lcmp_error err;

    (void)state;
    slurp(&sig, "data/sshsig/rfc8032.sig");
    slurp(&pub, "data/sshsig/rfc8032.pub");
    slurp(&msg, "data/sshsig/hello.txt");
    assert_int_equal(msg.size, 12);
    assert_int_equal(lcmp__buf_printf(&line, "rfc8032@test %s", pub.ptr), 0);
    signers = load_signers(line.ptr);

    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sshsig_verify(NULL,
                                        &fp,
                                        signers,
                                        sig.ptr,
                                        sig.size,
                                        (const uint8_t *)msg.ptr,
                                        msg.size,
                                        "file",
                                        "rfc8032@test",
                                        AT_2026_06_01,
                                        &err),
                     0);
    keygen_fingerprint(want_fp, "data/sshsig/rfc8032.pub");
    assert_string_equal(fp.ptr, want_fp);

    /* namespace "git": refused */
    assert_int_equal(lcmp_sshsig_verify(NULL,
                                        NULL,
                                        signers,
                                        sig.ptr,
                                        sig.size,
                                        (const uint8_t *)msg.ptr,
                                        msg.size,
                                        "git",
                                        "rfc8032@test",
                                        AT_2026_06_01,
                                        &err),
                     LCMP_EVERIFY);
    assert_string_equal(err.message,
                        "signature is for namespace 'file', not 'git'");

    /* and the namespace is bound by the signature itself: relabelled as
     * "git", the signed data changes and the signature no longer holds */
    assert_int_equal(lcmp__sshsig_parse(&parsed, sig.ptr, sig.size, &err), 0);
    assert_int_equal(parsed->sha512, 1);
    memcpy(parsed->ns, "git", 4);
    assert_int_equal(
        lcmp__sshsig_check(
            parsed, (const uint8_t *)msg.ptr, msg.size, "git", &err),
        LCMP_EVERIFY);
    assert_contains(err.message, "bad signature by ssh-ed25519 key");
    memcpy(parsed->ns, "file", 5);
    assert_int_equal(
        lcmp__sshsig_check(
            parsed, (const uint8_t *)msg.ptr, msg.size, "file", &err),
        0);
    /* one byte less of the message */
    assert_int_equal(
        lcmp__sshsig_check(
            parsed, (const uint8_t *)msg.ptr, msg.size - 1, "file", &err),
        LCMP_EVERIFY);
    lcmp__sshsig_free(parsed);

    lcmp_signers_free(signers);
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&pub);
    lcmp_buf_dispose(&msg);
    lcmp_buf_dispose(&line);
    lcmp_buf_dispose(&fp);
}

/*
 * Tampering
 */

static void test_sshsig__flipped_message_byte(void **state)
{
    const char *keys[] = {"ed", "ec", "rsa"};
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp__sshsig *parsed = NULL;
    lcmp_error err;
    char msg[sizeof(MSG)];
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        keygen_sign(&sig, keys[i], "git", NULL);
        lcmp__buf_clear(&line);
        signers_line(&line, "p", NULL, keys[i]);
        assert_int_equal(lcmp__sshsig_parse(&parsed, sig.ptr, sig.size, &err),
                         0);
        memcpy(msg, MSG, sizeof(MSG));
        assert_int_equal(
            lcmp__sshsig_check(
                parsed, (const uint8_t *)msg, strlen(msg), "git", &err),
            0);
        msg[3] ^= 0x01;
        assert_int_equal(
            lcmp__sshsig_check(
                parsed, (const uint8_t *)msg, strlen(msg), "git", &err),
            LCMP_EVERIFY);
        assert_contains(err.message, "bad signature by ");
        lcmp__sshsig_free(parsed);
        parsed = NULL;
    }
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
}

static void test_sshsig__flipped_signature_byte(void **state)
{
    const char *keys[] = {"ed", "ec", "rsa"};
    lcmp_buf sig = LCMP_BUF_INIT, blob = LCMP_BUF_INIT, bad = LCMP_BUF_INIT;
    lcmp_buf line = LCMP_BUF_INIT;
    lcmp_error err;
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        keygen_sign(&sig, keys[i], "git", NULL);
        lcmp__buf_clear(&line);
        signers_line(&line, "p", NULL, keys[i]);
        dearmor(&blob, &sig);
        /* the blob ends with the signature bytes */
        blob.ptr[blob.size - 1] ^= 0x01;
        armor(&bad, (const uint8_t *)blob.ptr, blob.size, 70, "\n");
        assert_int_equal(
            verify(&err, NULL, NULL, &bad, line.ptr, "git", "p", AT_2026_06_01),
            LCMP_EVERIFY);
        assert_contains(err.message, "bad signature by ");
        assert_false(keygen_verifies(&bad, line.ptr, "p", "git"));
    }
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&blob);
    lcmp_buf_dispose(&bad);
    lcmp_buf_dispose(&line);
}

static void test_sshsig__wrong_namespace(void **state)
{
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    keygen_sign(&sig, "ed", "file", NULL);
    signers_line(&line, "p", NULL, "ed");
    assert_int_equal(
        verify(&err, NULL, NULL, &sig, line.ptr, "git", "p", AT_2026_06_01),
        LCMP_EVERIFY);
    assert_string_equal(err.message,
                        "signature is for namespace 'file', not 'git'");
    /* a prefix is not the namespace */
    keygen_sign(&sig, "ed", "gitx", NULL);
    assert_int_equal(
        verify(&err, NULL, NULL, &sig, line.ptr, "git", "p", AT_2026_06_01),
        LCMP_EVERIFY);
    assert_string_equal(err.message,
                        "signature is for namespace 'gitx', not 'git'");
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
}

/*
 * allowed_signers checks through lcmp_sshsig_verify()
 */

static void test_sshsig__key_not_in_signers(void **state)
{
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT, fp = LCMP_BUF_INIT;
    char want[128], pubpath[1024], want_fp[64];
    lcmp_error err;

    (void)state;
    keygen_sign(&sig, "other", "git", NULL);
    signers_line(&line, "p", NULL, "ed");
    signers_line(&line, "q", NULL, "ec");
    assert_false(keygen_verifies(&sig, line.ptr, "p", "git"));
    assert_int_equal(
        verify(&err, NULL, &fp, &sig, line.ptr, "git", "p", AT_2026_06_01),
        LCMP_EVERIFY);
    path_of(pubpath, sizeof(pubpath), "other.pub");
    keygen_fingerprint(want_fp, pubpath);
    snprintf(want, sizeof(want), "key %s is not in allowed signers", want_fp);
    assert_string_equal(err.message, want);
    assert_string_equal(err.source, "allowed_signers");
    /* the fingerprint is reported even for an unknown key */
    assert_string_equal(fp.ptr, want_fp);
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
    lcmp_buf_dispose(&fp);
}

static void test_sshsig__principal_mismatch(void **state)
{
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    keygen_sign(&sig, "ed", "compliance-statement", NULL);
    signers_line(&line, "gem-a,gem-b*,!gem-bx", NULL, "ed");
    assert_int_equal(verify(&err,
                            NULL,
                            NULL,
                            &sig,
                            line.ptr,
                            "compliance-statement",
                            "gem-x",
                            AT_2026_06_01),
                     LCMP_EVERIFY);
    assert_contains(err.message, "is not registered for principal 'gem-x'");
    assert_false(
        keygen_verifies(&sig, line.ptr, "gem-x", "compliance-statement"));
    /* negation wins over a positive match, as in ssh-keygen */
    assert_int_equal(verify(&err,
                            NULL,
                            NULL,
                            &sig,
                            line.ptr,
                            "compliance-statement",
                            "gem-bx",
                            AT_2026_06_01),
                     LCMP_EVERIFY);
    assert_false(
        keygen_verifies(&sig, line.ptr, "gem-bx", "compliance-statement"));
    assert_int_equal(verify(&err,
                            NULL,
                            NULL,
                            &sig,
                            line.ptr,
                            "compliance-statement",
                            "gem-b2",
                            AT_2026_06_01),
                     0);
    assert_true(
        keygen_verifies(&sig, line.ptr, "gem-b2", "compliance-statement"));
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
}

static void test_sshsig__namespaces_not_matching(void **state)
{
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    keygen_sign(&sig, "ed", "git", NULL);
    signers_line(&line, "p", "namespaces=\"file,compliance-*\"", "ed");
    assert_int_equal(
        verify(&err, NULL, NULL, &sig, line.ptr, "git", "p", AT_2026_06_01),
        LCMP_EVERIFY);
    assert_contains(err.message, "is not allowed for namespace 'git'");
    assert_false(keygen_verifies(&sig, line.ptr, "p", "git"));
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
}

static void test_sshsig__outside_validity(void **state)
{
    lcmp_buf sig = LCMP_BUF_INIT, line = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    keygen_sign(&sig, "ec", "git", NULL);
    signers_line(&line,
                 "release",
                 "valid-after=\"20260101\",valid-before=\"20261231235959Z\"",
                 "ec");
    /* inclusive bounds */
    assert_int_equal(verify(&err,
                            NULL,
                            NULL,
                            &sig,
                            line.ptr,
                            "git",
                            "release",
                            (int64_t)20454 * 86400),
                     0);
    assert_int_equal(verify(&err,
                            NULL,
                            NULL,
                            &sig,
                            line.ptr,
                            "git",
                            "release",
                            (int64_t)20819 * 86400 - 1),
                     0);
    assert_int_equal(verify(&err,
                            NULL,
                            NULL,
                            &sig,
                            line.ptr,
                            "git",
                            "release",
                            (int64_t)20454 * 86400 - 1),
                     LCMP_EVERIFY);
    assert_contains(err.message,
                    "is not valid before 2026-01-01T00:00:00Z "
                    "for principal 'release'");
    assert_int_equal(verify(&err,
                            NULL,
                            NULL,
                            &sig,
                            line.ptr,
                            "git",
                            "release",
                            (int64_t)20819 * 86400),
                     LCMP_EVERIFY);
    assert_contains(err.message,
                    "is not valid after 2026-12-31T23:59:59Z "
                    "for principal 'release'");
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&line);
}

/*
 * Malformed signatures
 */

/* The parts of a real ed25519 signature, for crafting variants. */
typedef struct real_sig {
    lcmp_buf armored;
    lcmp__sshsig *sig;
} real_sig;

static void real_ed25519(real_sig *r, blob_parts *p)
{
    lcmp_error err;

    memset(r, 0, sizeof(*r));
    keygen_sign(&r->armored, "ed", "git", "sha512");
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp__sshsig_parse(&r->sig, r->armored.ptr, r->armored.size, &err), 0);
    *p = (blob_parts){1,
                      r->sig->key->blob,
                      r->sig->key->bloblen,
                      "git",
                      "",
                      "sha512",
                      "ssh-ed25519",
                      r->sig->sig,
                      r->sig->siglen,
                      NULL,
                      NULL};
}

static void real_free(real_sig *r)
{
    lcmp_buf_dispose(&r->armored);
    lcmp__sshsig_free(r->sig);
}

static void test_sshsig__rebuilt_blob_still_verifies(void **state)
{
    lcmp_buf blob = LCMP_BUF_INIT, orig = LCMP_BUF_INIT, a = LCMP_BUF_INIT;
    lcmp_buf line = LCMP_BUF_INIT;
    lcmp_error err;
    blob_parts p;
    real_sig r;

    (void)state;
    /* the crafting helpers rebuild a real signature byte for byte, so the
     * refusals below come from the one change each makes */
    real_ed25519(&r, &p);
    build_blob(&blob, &p);
    dearmor(&orig, &r.armored);
    assert_int_equal(blob.size, orig.size);
    assert_memory_equal(blob.ptr, orig.ptr, blob.size);
    signers_line(&line, "p", NULL, "ed");
    /* CRLF and other wrappings are accepted */
    armor(&a, (const uint8_t *)blob.ptr, blob.size, 76, "\r\n");
    assert_int_equal(
        verify(&err, NULL, NULL, &a, line.ptr, "git", "p", AT_2026_06_01), 0);
    armor(&a, (const uint8_t *)blob.ptr, blob.size, 4, "\n");
    assert_int_equal(
        verify(&err, NULL, NULL, &a, line.ptr, "git", "p", AT_2026_06_01), 0);
    /* a non-empty reserved field is ignored (PROTOCOL.sshsig) */
    p.reserved = "x";
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), 0);
    real_free(&r);
    lcmp_buf_dispose(&blob);
    lcmp_buf_dispose(&orig);
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&line);
}

static void test_sshsig__trailing_data(void **state)
{
    lcmp_buf blob = LCMP_BUF_INIT, a = LCMP_BUF_INIT;
    lcmp_error err;
    blob_parts p;
    real_sig r;

    (void)state;
    real_ed25519(&r, &p);
    p.trailer = "X";
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "malformed SSH signature: trailing "
                        "data after the signature");
    p.trailer = NULL;
    p.sig_trailer = "Y";
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "malformed SSH signature: trailing "
                        "data after the signature bytes");

    /* text after the END line */
    assert_int_equal(lcmp__buf_put(&a, r.armored.ptr, r.armored.size), 0);
    assert_int_equal(lcmp__buf_puts(&a, "\nmore\n"), 0);
    assert_int_equal(parse_armored(&err, &a), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "malformed SSH signature: text after the END line");
    /* whitespace after it is fine */
    lcmp__buf_clear(&a);
    assert_int_equal(lcmp__buf_put(&a, r.armored.ptr, r.armored.size), 0);
    assert_int_equal(lcmp__buf_puts(&a, "\r\n \n"), 0);
    assert_int_equal(parse_armored(&err, &a), 0);
    real_free(&r);
    lcmp_buf_dispose(&blob);
    lcmp_buf_dispose(&a);
}

static void test_sshsig__version_2(void **state)
{
    lcmp_buf blob = LCMP_BUF_INIT;
    lcmp_error err;
    blob_parts p;
    real_sig r;

    (void)state;
    real_ed25519(&r, &p);
    p.version = 2;
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_string_equal(err.message, "unsupported SSH signature version 2");
    p.version = 0;
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_string_equal(err.message, "unsupported SSH signature version 0");
    real_free(&r);
    lcmp_buf_dispose(&blob);
}

static void test_sshsig__truncated_blobs(void **state)
{
    const char *keys[] = {"ed", "ec", "rsa"};
    lcmp_buf sig = LCMP_BUF_INIT, blob = LCMP_BUF_INIT;
    lcmp_error err;
    size_t i, n, full;

    (void)state;
    for (i = 0; i < 3; i++) {
        keygen_sign(&sig, keys[i], "git", NULL);
        dearmor(&blob, &sig);
        full = blob.size;
        assert_int_equal(parse_blob(&err, &blob), 0);
        for (n = full; n-- > 0;) {
            blob.size = n;
            assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
            assert_contains(err.message, "SSH signature");
        }
    }
    lcmp_buf_dispose(&sig);
    lcmp_buf_dispose(&blob);
}

static void test_sshsig__malformed_fields(void **state)
{
    static const uint8_t sk_pub[] = {
        0,   0,   0,   26,  's', 'k', '-', 's', 's', 'h', '-', 'e', 'd', '2',
        '5', '5', '1', '9', '@', 'o', 'p', 'e', 'n', 's', 's', 'h', '.', 'c',
        'o', 'm', 0,   0,   0,   32,  1,   2,   3,   4,   5,   6,   7,   8,
        9,   10,  11,  12,  13,  14,  15,  16,  17,  18,  19,  20,  21,  22,
        23,  24,  25,  26,  27,  28,  29,  30,  31,  32,  0,   0,   0,   14,
        's', 's', 'h', ':', '/', '/', 'e', 'x', 'a', 'm', 'p', 'l', 'e', 's'};
    lcmp_buf blob = LCMP_BUF_INIT;
    lcmp_error err;
    blob_parts p, orig;
    real_sig r;
    char longns[300];

    (void)state;
    real_ed25519(&r, &orig);

    p = orig;
    p.ns = "";
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "malformed SSH signature: empty namespace");

    memset(longns, 'n', 256);
    longns[256] = '\0';
    p = orig;
    p.ns = longns;
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_contains(err.message, "namespace too long");

    p = orig;
    p.hash = "sha1";
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_contains(err.message, "neither sha256 nor sha512");

    p = orig;
    p.sigtype = "ecdsa-sha2-nistp256";
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_contains(err.message,
                    "signature type does not match the "
                    "ssh-ed25519 key");

    p = orig;
    p.siglen = 63;
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_contains(err.message, "64 bytes");

    p = orig;
    p.pub = sk_pub;
    p.publen = sizeof(sk_pub);
    p.sigtype = "sk-ssh-ed25519@openssh.com";
    build_blob(&blob, &p);
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "FIDO security-key (sk-*) signatures "
                        "are not supported");

    /* no preamble */
    p = orig;
    build_blob(&blob, &p);
    blob.ptr[0] = 'X';
    assert_int_equal(parse_blob(&err, &blob), LCMP_EPARSE);
    assert_string_equal(err.message,
                        "malformed SSH signature: no SSHSIG preamble");
    real_free(&r);
    lcmp_buf_dispose(&blob);
}

static void test_sshsig__malformed_armour(void **state)
{
    static const char *const cases[][2] = {
        {"", "no '-----BEGIN SSH SIGNATURE-----' line"},
        {" -----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH "
         "SIGNATURE-----\n",
         "no '-----BEGIN SSH SIGNATURE-----' line"},
        {"-----BEGIN SSH SIGNATURE----- U1NIU0lH\n-----END SSH "
         "SIGNATURE-----\n",
         "no line end after the BEGIN line"},
        {"-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n",
         "no '-----END SSH SIGNATURE-----' line"},
        {"-----BEGIN SSH SIGNATURE-----\nU1NIU0l*\n-----END SSH "
         "SIGNATURE-----\n",
         "invalid base64"},
        {"-----BEGIN SSH SIGNATURE-----\nU1NIU0lHA\n-----END SSH "
         "SIGNATURE-----\n",
         "invalid base64"},
    };
    lcmp__sshsig *sig = NULL;
    lcmp_error err;
    char want[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lcmp_error_clear(&err);
        assert_int_equal(
            lcmp__sshsig_parse(&sig, cases[i][0], strlen(cases[i][0]), &err),
            LCMP_EPARSE);
        assert_null(sig);
        snprintf(
            want, sizeof(want), "malformed SSH signature: %s", cases[i][1]);
        assert_string_equal(err.message, want);
    }
}

static void test_sshsig__null_arguments(void **state)
{
    lcmp_signers *s = load_signers("");
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_sshsig_verify(NULL,
                                        NULL,
                                        NULL,
                                        "x",
                                        1,
                                        (const uint8_t *)"",
                                        0,
                                        "git",
                                        NULL,
                                        0,
                                        &err),
                     LCMP_EINVALID);
    assert_int_equal(
        lcmp_sshsig_verify(
            NULL, NULL, s, "x", 1, (const uint8_t *)"", 0, NULL, NULL, 0, &err),
        LCMP_EINVALID);
    assert_int_equal(lcmp_sshsig_verify(NULL,
                                        NULL,
                                        s,
                                        "x",
                                        1,
                                        (const uint8_t *)"",
                                        0,
                                        "git",
                                        NULL,
                                        0,
                                        NULL),
                     LCMP_EPARSE);
    lcmp_signers_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sshsig__ed25519_from_ssh_keygen),
        cmocka_unit_test(test_sshsig__ecdsa_p256_from_ssh_keygen),
        cmocka_unit_test(test_sshsig__rsa_from_ssh_keygen),
        cmocka_unit_test(test_sshsig__rsa_sha2_256_and_512),
        cmocka_unit_test(test_sshsig__rsa_short_and_long_signatures),
        cmocka_unit_test(test_sshsig__legacy_ssh_rsa_refused),
        cmocka_unit_test(test_sshsig__rfc8032_vector),
        cmocka_unit_test(test_sshsig__flipped_message_byte),
        cmocka_unit_test(test_sshsig__flipped_signature_byte),
        cmocka_unit_test(test_sshsig__wrong_namespace),
        cmocka_unit_test(test_sshsig__key_not_in_signers),
        cmocka_unit_test(test_sshsig__principal_mismatch),
        cmocka_unit_test(test_sshsig__namespaces_not_matching),
        cmocka_unit_test(test_sshsig__outside_validity),
        cmocka_unit_test(test_sshsig__rebuilt_blob_still_verifies),
        cmocka_unit_test(test_sshsig__trailing_data),
        cmocka_unit_test(test_sshsig__version_2),
        cmocka_unit_test(test_sshsig__truncated_blobs),
        cmocka_unit_test(test_sshsig__malformed_fields),
        cmocka_unit_test(test_sshsig__malformed_armour),
        cmocka_unit_test(test_sshsig__null_arguments),
    };

    return cmocka_run_group_tests(tests, setup_keys, NULL);
}
