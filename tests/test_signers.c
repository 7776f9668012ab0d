/*
 * Tests for libcompliance/signers.c: the allowed_signers syntax (options,
 * refusals with their line, limits) and lcmp__signers_find() (patterns,
 * namespaces, inclusive UTC validity bounds, the reason given when no
 * entry vouches for a key). Keys are static public keys made by
 * ssh-keygen (tests/data/sshsig/keys/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sshsig.h"
#include "util.h"

#define KEYS "data/sshsig/keys/"

/* 2026-01-01T00:00:00Z (day 20454 since the epoch) */
#define T_2026 ((int64_t)20454 * 86400)

/*
 * Helpers
 */

/* "type base64" of a static public key (comment dropped). */
static const char *pub(const char *name)
{
    static char lines[8][1024];
    static int next;
    char path[256], *line = lines[next++ % 8];
    lcmp_buf b = LCMP_BUF_INIT;
    lcmp_error err;
    char *sp;

    snprintf(path, sizeof(path), KEYS "%s.pub", name);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp__file_read(&b, path, 1 << 16, &err), 0);
    sp = strchr(strchr(b.ptr, ' ') + 1, ' ');
    assert_non_null(sp);
    *sp = '\0';
    assert_true(strlen(b.ptr) < 1024);
    memcpy(line, b.ptr, strlen(b.ptr) + 1);
    lcmp_buf_dispose(&b);
    return line;
}

static lcmp__sshkey *key(const char *name)
{
    char text[1024];
    lcmp__sshkey *k = NULL;
    lcmp_error err;
    char *sp;

    memcpy(text, pub(name), 1024);
    sp = strchr(text, ' ');
    *sp = '\0';
    lcmp_error_clear(&err);
    if (lcmp__sshkey_from_text(&k, text, sp + 1, &err) != 0) {
        fail_msg("%s: %s", name, err.message);
    }
    return k;
}

static int load(lcmp_signers **out, lcmp_error *err, const char *fmt, ...)
    LCMP__PRINTF(3, 4);

/* Load text built with printf; asserts the error contract. */
static int load(lcmp_signers **out, lcmp_error *err, const char *fmt, ...)
{
    lcmp_buf text = LCMP_BUF_INIT;
    va_list ap;
    int n, rc;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    assert_int_equal(lcmp__buf_grow(&text, (size_t)n + 1), 0);
    va_start(ap, fmt);
    vsnprintf(text.ptr, (size_t)n + 1, fmt, ap);
    va_end(ap);
    text.size = (size_t)n;
    lcmp_error_clear(err);
    rc = lcmp_signers_load_buffer(
        out, (const uint8_t *)text.ptr, text.size, "trust/signers", err);
    if (rc == 0) {
        assert_non_null(*out);
    } else {
        assert_null(*out);
        assert_int_equal(err->code, rc);
    }
    lcmp_buf_dispose(&text);
    return rc;
}

/* Expect loading to fail with `code` at `line` with `msg`. */
static void refused(int code, int line, const char *msg, const char *text)
{
    lcmp_signers *s = NULL;
    lcmp_error err;

    if (load(&s, &err, "%s", text) != code) {
        fail_msg("not refused (%d): %s", code, text);
    }
    assert_int_equal(err.line, line);
    assert_string_equal(err.source, "trust/signers");
    assert_string_equal(err.message, msg);
}

static int find(const char **principal_out,
                lcmp_error *err,
                const lcmp_signers *s,
                const char *keyname,
                const char *principal,
                const char *ns,
                int64_t at)
{
    lcmp__sshkey *k = key(keyname);
    int rc;

    lcmp_error_clear(err);
    rc = lcmp__signers_find(principal_out, s, k, principal, ns, at, err);
    assert_true(rc == 0 ? *principal_out != NULL
                        : *principal_out == NULL && err->code == rc);
    lcmp__sshkey_free(k);
    return rc;
}

static void fingerprint_of(char out[64], const char *keyname)
{
    lcmp__sshkey *k = key(keyname);

    lcmp__sshkey_fingerprint(out, k);
    lcmp__sshkey_free(k);
}

/*
 * Syntax
 */

static void test_signers__load_all_key_types(void **state)
{
    lcmp_signers *s = NULL;
    const char *p;
    lcmp_error err;

    (void)state;
    assert_int_equal(load(&s,
                          &err,
                          "# release keys of the association\n"
                          "\n"
                          "   \t\n"
                          "alice@assoc.example %s alice's laptop\r\n"
                          "  # indented comment\n"
                          "bob@assoc.example,carol@assoc.example "
                          "namespaces=\"git\" %s\n"
                          "gem-zonnedaal %s",
                          pub("ed25519"),
                          pub("ecdsa"),
                          pub("rsa3072")),
                     0);
    assert_int_equal(lcmp_signers_count(s), 3);
    {
        lcmp__sshkey *k = key("ecdsa");

        assert_true(lcmp__sshkey_equal(lcmp__signers_key(s, 1), k));
        assert_int_equal(lcmp__signers_key(s, 2)->type, LCMP__SSHKEY_RSA);
        assert_null(lcmp__signers_key(s, 3));
        assert_null(lcmp__signers_key(NULL, 0));
        lcmp__sshkey_free(k);
    }
    assert_int_equal(
        find(&p, &err, s, "ed25519", "alice@assoc.example", "git", T_2026), 0);
    assert_string_equal(p, "alice@assoc.example");
    assert_int_equal(
        find(&p, &err, s, "ecdsa", "carol@assoc.example", "git", T_2026), 0);
    assert_string_equal(p, "bob@assoc.example,carol@assoc.example");
    assert_int_equal(find(&p,
                          &err,
                          s,
                          "rsa3072",
                          "gem-zonnedaal",
                          "compliance-statement",
                          T_2026),
                     0);
    lcmp_signers_free(s);

    /* empty and comment-only files have no entries */
    assert_int_equal(load(&s, &err, "%s", ""), 0);
    assert_int_equal(lcmp_signers_count(s), 0);
    lcmp_signers_free(s);
    assert_int_equal(load(&s, &err, "%s", "# nothing\n\n"), 0);
    assert_int_equal(lcmp_signers_count(s), 0);
    lcmp_signers_free(s);
    assert_int_equal(lcmp_signers_count(NULL), 0);
    lcmp_signers_free(NULL);
}

static void test_signers__options(void **state)
{
    lcmp_signers *s = NULL;
    const char *p;
    lcmp_error err;

    (void)state;
    /* case-insensitive names, any order, an escaped quote in a value */
    assert_int_equal(load(&s,
                          &err,
                          "a VALID-BEFORE=\"20270101\",Namespaces=\"git,"
                          "x\\\"y\",valid-after=\"20260101\" %s\n",
                          pub("ed25519")),
                     0);
    assert_int_equal(find(&p, &err, s, "ed25519", "a", "git", T_2026), 0);
    assert_int_equal(find(&p, &err, s, "ed25519", "a", "x\"y", T_2026), 0);
    assert_int_equal(find(&p, &err, s, "ed25519", "a", "file", T_2026),
                     LCMP_EVERIFY);
    lcmp_signers_free(s);
}

static void test_signers__unsupported_options_refused(void **state)
{
    char text[2048];

    (void)state;
    snprintf(text,
             sizeof(text),
             "# CA line\n\nca@x cert-authority %s\n",
             pub("ed25519"));
    refused(LCMP_EPARSE, 3, "unsupported option 'cert-authority'", text);
    snprintf(text,
             sizeof(text),
             "a namespaces=\"git\",cert-authority %s\n",
             pub("ed25519"));
    refused(LCMP_EPARSE, 1, "unsupported option 'cert-authority'", text);
    snprintf(text,
             sizeof(text),
             "a %s\nb no-touch-required=\"x\" %s\n",
             pub("ed25519"),
             pub("ed25519"));
    refused(LCMP_EPARSE, 2, "unsupported option 'no-touch-required'", text);
    snprintf(text, sizeof(text), "a verify-required %s\n", pub("ed25519"));
    refused(LCMP_EPARSE, 1, "unsupported option 'verify-required'", text);
}

static void test_signers__malformed_options_refused(void **state)
{
    static const struct {
        const char *opts, *msg;
    } cases[] = {
        {"namespaces=\"git\",namespaces=\"file\"",
         "repeated option 'namespaces'"},
        {"valid-after=\"20260101\",Valid-After=\"20260102\"",
         "repeated option 'valid-after'"},
        {"valid-after=\"20260101\",valid-before=\"20260101\"",
         "valid-before is not later than valid-after"},
        {"valid-after=\"20260102\",valid-before=\"20260101235959\"",
         "valid-before is not later than valid-after"},
        {"namespaces=git", "option 'namespaces' needs a quoted value"},
        {"namespaces", "option 'namespaces' needs a quoted value"},
        {"namespaces=\"\"", "empty pattern in namespaces \"\""},
        {"namespaces=\"git,\"", "empty pattern in namespaces \"git,\""},
        {"namespaces=\"git\",", "empty option"},
        {"namespaces=\"git\"x", "unexpected text after option 'namespaces'"},
        {"valid-after=\"2026010\"",
         "invalid valid-after time '2026010' (want YYYYMMDD[HHMM[SS]][Z])"},
        {"valid-after=\"20261301\"",
         "invalid valid-after time '20261301' (want YYYYMMDD[HHMM[SS]][Z])"},
        {"valid-after=\"20250229\"",
         "invalid valid-after time '20250229' (want YYYYMMDD[HHMM[SS]][Z])"},
        {"valid-before=\"202601011260\"",
         "invalid valid-before time '202601011260' (want "
         "YYYYMMDD[HHMM[SS]][Z])"},
        {"valid-before=\"2026-01-01\"",
         "invalid valid-before time '2026-01-01' (want "
         "YYYYMMDD[HHMM[SS]][Z])"},
        {"valid-before=\"20260101z\"",
         "invalid valid-before time '20260101z' (want "
         "YYYYMMDD[HHMM[SS]][Z])"},
    };
    char text[2048];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(text,
                 sizeof(text),
                 "# c\na %s %s\n",
                 cases[i].opts,
                 pub("ed25519"));
        refused(LCMP_EPARSE, 2, cases[i].msg, text);
    }
    snprintf(text, sizeof(text), "a namespaces=\"git %s\n", pub("ed25519"));
    refused(LCMP_EPARSE, 1, "unterminated quote in options", text);
}

static void test_signers__bad_keys_refused(void **state)
{
    char text[4096];

    (void)state;
    snprintf(text, sizeof(text), "a %s\nb %s\n", pub("ed25519"), pub("dsa"));
    refused(LCMP_EPARSE, 2, "unsupported key type 'ssh-dss'", text);
    snprintf(text, sizeof(text), "a namespaces=\"git\" %s\n", pub("ecdsa384"));
    refused(LCMP_EPARSE, 1, "unsupported key type 'ecdsa-sha2-nistp384'", text);
    refused(LCMP_EPARSE,
            1,
            "unsupported key type 'sk-ssh-ed25519@openssh.com'",
            "a sk-ssh-ed25519@openssh.com AAAA\n");
    refused(LCMP_EPARSE,
            1,
            "unsupported key type 'ssh-ed25519-cert-v01@openssh.com'",
            "a ssh-ed25519-cert-v01@openssh.com AAAA\n");
    snprintf(text, sizeof(text), "a %s", pub("rsa1024"));
    refused(LCMP_EPARSE, 1, "RSA key has 1024 bits, fewer than 2048", text);
    refused(LCMP_EPARSE,
            1,
            "malformed base64 in the ssh-ed25519 key",
            "a ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI*damAGCsQq31Uv+08lkBz"
            "oO4XLz2qYjJa8CGmj3B1Ea\n");
    refused(LCMP_EPARSE,
            1,
            "malformed base64 in the ssh-ed25519 key",
            "a ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBz"
            "oO4XLz2qYjJa8CGmj3B1E\n");
    refused(LCMP_EPARSE,
            1,
            "key type 'ecdsa-sha2-nistp256' does not match its ssh-ed25519 "
            "blob",
            "a ecdsa-sha2-nistp256 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv"
            "+08lkBzoO4XLz2qYjJa8CGmj3B1Ea\n");
    refused(LCMP_EPARSE, 1, "missing key", "alice@x\n");
    refused(LCMP_EPARSE,
            1,
            "missing ssh-ed25519 key data",
            "alice@x ssh-ed25519\n");
    refused(LCMP_EPARSE, 1, "missing key", "alice@x namespaces=\"git\"\n");
}

static void test_signers__principals_syntax(void **state)
{
    char text[2048];

    (void)state;
    snprintf(text, sizeof(text), "\"alice smith\" %s\n", pub("ed25519"));
    refused(LCMP_EPARSE, 1, "quoted principals are not supported", text);
    snprintf(text, sizeof(text), "a,,b %s\n", pub("ed25519"));
    refused(LCMP_EPARSE, 1, "empty pattern in principals 'a,,b'", text);
    snprintf(text, sizeof(text), "a,! %s\n", pub("ed25519"));
    refused(LCMP_EPARSE, 1, "empty pattern in principals 'a,!'", text);
}

static void test_signers__text_checks(void **state)
{
    char text[2048];

    (void)state;
    snprintf(text, sizeof(text), "a %s caf\xc3\n", pub("ed25519"));
    refused(LCMP_EPARSE, 1, "invalid UTF-8", text);
    snprintf(text, sizeof(text), "# ok\na %s \x1b[31m\n", pub("ed25519"));
    refused(LCMP_EPARSE, 2, "control character 0x1b", text);
    /* UTF-8 in principals and comments is fine */
    {
        lcmp_signers *s = NULL;
        const char *p;
        lcmp_error err;

        assert_int_equal(
            load(&s, &err, "gem-\xc3\xa9 %s Z\xc3\xbcrich\n", pub("ed25519")),
            0);
        assert_int_equal(
            find(&p, &err, s, "ed25519", "gem-\xc3\xa9", "git", T_2026), 0);
        lcmp_signers_free(s);
    }
}

static void test_signers__nul_byte_refused(void **state)
{
    static const char text[] = "a ssh-ed25519 AAAA\0\n";
    lcmp_signers *s = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(
        lcmp_signers_load_buffer(
            &s, (const uint8_t *)text, sizeof(text) - 1, NULL, &err),
        LCMP_EPARSE);
    assert_null(s);
    assert_string_equal(err.message, "control character 0x00");
    assert_string_equal(err.source, "<string>");
    assert_int_equal(err.line, 1);
}

/*
 * Limits
 */

static void test_signers__limits(void **state)
{
    lcmp_buf text = LCMP_BUF_INIT;
    lcmp_signers *s = NULL;
    const char *line = pub("ed25519"), *p;
    lcmp_error err;
    size_t i;

    (void)state;
    /* 10,000 entries load, and the last one is found */
    for (i = 0; i < 10000; i++) {
        assert_int_equal(lcmp__buf_printf(&text, "p%zu %s\n", i, line), 0);
    }
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_signers_load_buffer(
                         &s, (const uint8_t *)text.ptr, text.size, "big", &err),
                     0);
    assert_int_equal(lcmp_signers_count(s), 10000);
    assert_int_equal(find(&p, &err, s, "ed25519", "p9999", "git", T_2026), 0);
    assert_string_equal(p, "p9999");
    assert_int_equal(find(&p, &err, s, "ed25519", "p10000", "git", T_2026),
                     LCMP_EVERIFY);
    lcmp_signers_free(s);
    s = NULL;

    /* one more is refused, naming its line */
    assert_int_equal(lcmp__buf_printf(&text, "# c\np %s\n", line), 0);
    assert_int_equal(lcmp_signers_load_buffer(
                         &s, (const uint8_t *)text.ptr, text.size, "big", &err),
                     LCMP_ELIMIT);
    assert_null(s);
    assert_int_equal(err.line, 10002);
    assert_string_equal(err.message, "more than 10000 allowed signers");

    /* more than 1 MiB */
    lcmp__buf_clear(&text);
    while (text.size <= 1024 * 1024) {
        assert_int_equal(lcmp__buf_puts(&text, "# padding padding\n"), 0);
    }
    assert_int_equal(lcmp_signers_load_buffer(
                         &s, (const uint8_t *)text.ptr, text.size, "big", &err),
                     LCMP_ELIMIT);
    assert_string_equal(err.message,
                        "allowed signers file is larger than 1048576 bytes");
    /* exactly 1 MiB is fine */
    text.size = 1024 * 1024;
    text.ptr[text.size - 1] = '\n';
    assert_int_equal(lcmp_signers_load_buffer(
                         &s, (const uint8_t *)text.ptr, text.size, "big", &err),
                     0);
    lcmp_signers_free(s);
    s = NULL;

    /* a line of 8 KiB is fine, one byte more is not */
    lcmp__buf_clear(&text);
    assert_int_equal(lcmp__buf_printf(&text, "a %s ", line), 0);
    while (text.size < 8192) {
        assert_int_equal(lcmp__buf_puts(&text, "c"), 0);
    }
    assert_int_equal(lcmp__buf_puts(&text, "\r\n"), 0);
    assert_int_equal(lcmp_signers_load_buffer(
                         &s, (const uint8_t *)text.ptr, text.size, "big", &err),
                     0);
    lcmp_signers_free(s);
    s = NULL;
    text.size -= 2;
    assert_int_equal(lcmp__buf_puts(&text, "c\n"), 0);
    assert_int_equal(lcmp_signers_load_buffer(
                         &s, (const uint8_t *)text.ptr, text.size, "big", &err),
                     LCMP_ELIMIT);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.message, "line is longer than 8192 bytes");
    lcmp_buf_dispose(&text);
}

/*
 * Lookup
 */

static void test_signers__find_reasons(void **state)
{
    lcmp_signers *s = NULL;
    char fp[64], want[256];
    const char *p;
    lcmp_error err;

    (void)state;
    assert_int_equal(load(&s,
                          &err,
                          "gem-a namespaces=\"compliance-statement\" %s\n"
                          "gem-b namespaces=\"compliance-statement\","
                          "valid-after=\"20260101\" %s\n"
                          "gem-c %s\n",
                          pub("ed25519"),
                          pub("ecdsa"),
                          pub("rsa3072")),
                     0);

    fingerprint_of(fp, "ed25519b");
    assert_int_equal(
        find(&p, &err, s, "ed25519b", "gem-a", "compliance-statement", T_2026),
        LCMP_EVERIFY);
    snprintf(want, sizeof(want), "key %s is not in allowed signers", fp);
    assert_string_equal(err.message, want);
    assert_string_equal(err.source, "trust/signers");

    fingerprint_of(fp, "ed25519");
    assert_int_equal(
        find(&p, &err, s, "ed25519", "gem-x", "compliance-statement", T_2026),
        LCMP_EVERIFY);
    snprintf(want,
             sizeof(want),
             "key %s is not registered for principal 'gem-x'",
             fp);
    assert_string_equal(err.message, want);

    assert_int_equal(find(&p, &err, s, "ed25519", "gem-a", "git", T_2026),
                     LCMP_EVERIFY);
    snprintf(
        want, sizeof(want), "key %s is not allowed for namespace 'git'", fp);
    assert_string_equal(err.message, want);

    fingerprint_of(fp, "ecdsa");
    assert_int_equal(
        find(&p, &err, s, "ecdsa", "gem-b", "compliance-statement", T_2026 - 1),
        LCMP_EVERIFY);
    snprintf(want,
             sizeof(want),
             "key %s is not valid before 2026-01-01T00:00:00Z for principal "
             "'gem-b'",
             fp);
    assert_string_equal(err.message, want);
    /* no principal asked: any entry, the reason names its principals */
    assert_int_equal(
        find(&p, &err, s, "ecdsa", NULL, "compliance-statement", T_2026 - 1),
        LCMP_EVERIFY);
    assert_string_equal(err.message, want);
    assert_int_equal(
        find(&p, &err, s, "ecdsa", NULL, "compliance-statement", T_2026), 0);
    assert_string_equal(p, "gem-b");
    lcmp_signers_free(s);
}

static void test_signers__most_specific_reason(void **state)
{
    lcmp_signers *s = NULL;
    char fp[64], want[256];
    const char *p;
    lcmp_error err;

    (void)state;
    /* the same key three times; the entry that got furthest explains */
    assert_int_equal(load(&s,
                          &err,
                          "other %s\n"
                          "gem-a namespaces=\"file\" %s\n"
                          "gem-a valid-before=\"20251231\" %s\n",
                          pub("ed25519"),
                          pub("ed25519"),
                          pub("ed25519")),
                     0);
    fingerprint_of(fp, "ed25519");
    assert_int_equal(find(&p, &err, s, "ed25519", "gem-a", "git", T_2026),
                     LCMP_EVERIFY);
    snprintf(want,
             sizeof(want),
             "key %s is not valid after 2025-12-31T00:00:00Z for principal "
             "'gem-a'",
             fp);
    assert_string_equal(err.message, want);
    /* and the first entry that passes every check wins */
    assert_int_equal(find(&p, &err, s, "ed25519", "gem-a", "file", T_2026), 0);
    assert_string_equal(p, "gem-a");
    assert_int_equal(find(&p, &err, s, "ed25519", NULL, "file", T_2026), 0);
    assert_string_equal(p, "other");
    lcmp_signers_free(s);
}

/* Lookups go through an index by key: keys listed out of order, each
 * several times, still find their own entries in the file's order. */
static void test_signers__many_keys_in_any_order(void **state)
{
    static const char *const names[] = {"rsa3072", "ed25519", "ecdsa"};
    lcmp_signers *s = NULL;
    char want[32];
    const char *p;
    lcmp_error err;
    size_t i;

    (void)state;
    assert_int_equal(load(&s,
                          &err,
                          "k0-first %s\n"
                          "k1-first %s\n"
                          "k2-first valid-before=\"20251231\" %s\n"
                          "k0-second %s\n"
                          "k2-second %s\n"
                          "k1-second %s\n",
                          pub(names[0]),
                          pub(names[1]),
                          pub(names[2]),
                          pub(names[0]),
                          pub(names[2]),
                          pub(names[1])),
                     0);
    for (i = 0; i < 3; i++) {
        snprintf(want, sizeof(want), "k%zu-second", i);
        assert_int_equal(find(&p, &err, s, names[i], want, "git", T_2026), 0);
        assert_string_equal(p, want);
        /* no principal asked: the first entry that passes, in file order */
        snprintf(want, sizeof(want), "k%zu-%s", i, i == 2 ? "second" : "first");
        assert_int_equal(find(&p, &err, s, names[i], NULL, "git", T_2026), 0);
        assert_string_equal(p, want);
    }
    /* a key sorted between the listed ones is still not found */
    assert_int_equal(find(&p, &err, s, "ed25519b", NULL, "git", T_2026),
                     LCMP_EVERIFY);
    lcmp_signers_free(s);
}

static void test_signers__validity_bounds_inclusive_utc(void **state)
{
    static const struct {
        const char *after, *before;
        int64_t lo, hi; /* first and last valid second */
    } cases[] = {
        {"20260101", "20261231", T_2026, T_2026 + 364 * 86400},
        {"20260101Z", "20261231Z", T_2026, T_2026 + 364 * 86400},
        {"202601011230", "202601011231Z", T_2026 + 45000, T_2026 + 45060},
        {"20260101123045Z", "20260101123046", T_2026 + 45045, T_2026 + 45046},
        {"20240229",
         "20240301",
         (int64_t)19782 * 86400,
         (int64_t)19783 * 86400},
    };
    const char *tz = getenv("TZ");
    char *saved = tz != NULL ? lcmp__strdup(tz) : NULL;
    lcmp_signers *s = NULL;
    const char *p;
    lcmp_error err;
    size_t i;
    int pass;

    (void)state;
    /* the process time zone must not matter: a time without Z is UTC */
    for (pass = 0; pass < 2; pass++) {
        setenv("TZ", pass == 0 ? "UTC" : "America/St_Johns", 1);
        tzset();
        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            assert_int_equal(load(&s,
                                  &err,
                                  "a valid-after=\"%s\",valid-before=\"%s\" "
                                  "%s\n",
                                  cases[i].after,
                                  cases[i].before,
                                  pub("ecdsa")),
                             0);
            assert_int_equal(
                find(&p, &err, s, "ecdsa", "a", "git", cases[i].lo), 0);
            assert_int_equal(
                find(&p, &err, s, "ecdsa", "a", "git", cases[i].hi), 0);
            assert_int_equal(
                find(&p, &err, s, "ecdsa", "a", "git", cases[i].lo - 1),
                LCMP_EVERIFY);
            assert_int_equal(
                find(&p, &err, s, "ecdsa", "a", "git", cases[i].hi + 1),
                LCMP_EVERIFY);
            lcmp_signers_free(s);
        }
    }
    if (saved != NULL) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
    tzset();
}

static void test_signers__patterns(void **state)
{
    static const struct {
        const char *principals, *principal;
        int ok;
    } cases[] = {
        {"alice@x", "alice@x", 1},
        {"alice@x", "alice@X", 0}, /* case-sensitive, as ssh-keygen */
        {"alice@x", "alice@xy", 0},
        {"*@assoc.example", "bob@assoc.example", 1},
        {"*@assoc.example", "bob@assoc.example.evil", 0},
        {"gem-??", "gem-ab", 1},
        {"gem-??", "gem-abc", 0},
        {"gem-*,!gem-test*", "gem-zonnedaal", 1},
        {"gem-*,!gem-test*", "gem-test1", 0},
        {"!gem-test*,gem-*", "gem-test1", 0}, /* negation wins anywhere */
        {"!gem-a", "gem-a", 0},
        {"!gem-a", "gem-b", 0}, /* only negations: nothing positive */
        {"*", "anything", 1},
        {"a*b*c", "aXbYbZc", 1},
        {"a*b*c", "aXbYbZ", 0},
        {"*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
        {"x,y,z", "y", 1},
    };
    lcmp_signers *s = NULL;
    const char *p;
    lcmp_error err;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc;

        assert_int_equal(load(&s,
                              &err,
                              "%s namespaces=\"git,!gitx\" %s\n",
                              cases[i].principals,
                              pub("ed25519")),
                         0);
        rc = find(&p, &err, s, "ed25519", cases[i].principal, "git", T_2026);
        if ((rc == 0) != cases[i].ok) {
            fail_msg("'%s' against '%s': %d",
                     cases[i].principal,
                     cases[i].principals,
                     rc);
        }
        lcmp_signers_free(s);
    }
}

static void test_signers__load_file(void **state)
{
    const char *t = getenv("LCMP_TMPDIR");
    char path[1024];
    lcmp_signers *s = NULL;
    lcmp_error err;
    FILE *f;

    (void)state;
    assert_non_null(t);
    snprintf(path, sizeof(path), "%s/allowed_signers", t);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "a %s\nb cert-authority %s\n", pub("ed25519"), pub("ed25519"));
    assert_int_equal(fclose(f), 0);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_signers_load_file(&s, path, &err), LCMP_EPARSE);
    assert_null(s);
    assert_string_equal(err.source, path);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.message, "unsupported option 'cert-authority'");

    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "a %s\n", pub("ed25519"));
    assert_int_equal(fclose(f), 0);
    assert_int_equal(lcmp_signers_load_file(&s, path, &err), 0);
    assert_int_equal(lcmp_signers_count(s), 1);
    lcmp_signers_free(s);
    s = NULL;

    snprintf(path, sizeof(path), "%s/absent", t);
    assert_int_equal(lcmp_signers_load_file(&s, path, &err), LCMP_ENOTFOUND);
    assert_null(s);
    assert_int_equal(lcmp_signers_load_file(&s, NULL, &err), LCMP_EINVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signers__load_all_key_types),
        cmocka_unit_test(test_signers__options),
        cmocka_unit_test(test_signers__unsupported_options_refused),
        cmocka_unit_test(test_signers__malformed_options_refused),
        cmocka_unit_test(test_signers__bad_keys_refused),
        cmocka_unit_test(test_signers__principals_syntax),
        cmocka_unit_test(test_signers__text_checks),
        cmocka_unit_test(test_signers__nul_byte_refused),
        cmocka_unit_test(test_signers__limits),
        cmocka_unit_test(test_signers__find_reasons),
        cmocka_unit_test(test_signers__most_specific_reason),
        cmocka_unit_test(test_signers__many_keys_in_any_order),
        cmocka_unit_test(test_signers__validity_bounds_inclusive_utc),
        cmocka_unit_test(test_signers__patterns),
        cmocka_unit_test(test_signers__load_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
