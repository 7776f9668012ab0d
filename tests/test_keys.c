/*
 * Tests for libcompliance/keys.c and sshsig_sign.c: generating, saving and
 * loading keys (modes, encryption, refusals), their OpenSSH public form
 * and fingerprint, raw signatures, and SSHSIG signatures checked by the
 * real ssh-keygen. Files go to $LCMP_TMPDIR.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keys.h"
#include "sshsig.h"
#include "util.h"

/* RFC 8032 §7.1 TEST 1 as a PKCS#8 PEM, and what OpenSSH makes of it. */
static const char test1_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
    "-----END PRIVATE KEY-----\n";
#define TEST1_PUB                                                             \
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8" \
    "CGmj3B1Ea"
#define TEST1_FP "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8"

static char tmpdir[512];

static int setup(void **state)
{
    const char *t = getenv("LCMP_TMPDIR");

    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "%s", t != NULL ? t : "/tmp");
    return 0;
}

/* A fresh path in the scratch directory. */
static const char *path(const char *name)
{
    static char buf[4][640];
    static int next;
    char *p = buf[next++ % 4];

    snprintf(p, sizeof(buf[0]), "%s/%s", tmpdir, name);
    unlink(p);
    return p;
}

static void write_file(const char *p, const char *text, mode_t mode)
{
    FILE *f = fopen(p, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(p, mode), 0);
}

/* Run a shell command and return its first output line (no newline). */
static int run(char *out, size_t size, const char *cmd)
{
    FILE *f = popen(cmd, "r");
    size_t n;

    assert_non_null(f);
    out[0] = '\0';
    if (fgets(out, (int)size, f) != NULL) {
        n = strlen(out);
        if (n > 0 && out[n - 1] == '\n') {
            out[n - 1] = '\0';
        }
    }
    while (fgetc(f) != EOF) {
    }
    return pclose(f);
}

static int passphrase_cb(char *buf, size_t size, void *payload)
{
    const char *pass = payload;
    size_t n = strlen(pass);

    if (n > size) {
        return -1;
    }
    memcpy(buf, pass, n);
    return (int)n;
}

/* Whether a signature by `key` over `msg` verifies with `pub`. */
static int signs_for(const lcmp_key *key, const lcmp__sshkey *pub)
{
    lcmp_buf sig = LCMP_BUF_INIT;
    lcmp_error err;
    int rc;

    assert_int_equal(lcmp__key_sign(&sig, key, (const uint8_t *)"msg", 3, &err),
                     0);
    rc = lcmp__sshkey_verify(
        pub, (const uint8_t *)sig.ptr, sig.size, (const uint8_t *)"msg", 3);
    lcmp_buf_dispose(&sig);
    return rc;
}

static void test_keys__known_key_public_form_and_fingerprint(void **state)
{
    const char *p = path("test1.pem");
    lcmp_buf pub = LCMP_BUF_INIT;
    lcmp_key *key = NULL;
    lcmp_error err;

    (void)state;
    write_file(p, test1_pem, 0600);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_key_load(&key, p, NULL, NULL, &err), 0);
    assert_int_equal(lcmp_key_type(key), LCMP_KEY_ED25519);
    assert_int_equal(lcmp_key_public_openssh(&pub, key, &err), 0);
    assert_string_equal(pub.ptr, TEST1_PUB);
    assert_string_equal(lcmp_key_fingerprint(key), TEST1_FP);
    lcmp_buf_dispose(&pub);
    lcmp_key_free(key);
}

/* ssh-keygen -l agrees with our fingerprint for both key types. */
static void test_keys__fingerprint_matches_ssh_keygen(void **state)
{
    static const lcmp_key_type_t types[] = {LCMP_KEY_ED25519,
                                            LCMP_KEY_ECDSA_P256};
    const char *pubpath = path("gen.pub");
    char cmd[1024], line[512];
    lcmp_buf pub = LCMP_BUF_INIT;
    lcmp_error err;
    size_t i;

    (void)state;
    for (i = 0; i < 2; i++) {
        lcmp_key *key = NULL;

        assert_int_equal(lcmp_key_generate(&key, types[i], &err), 0);
        assert_int_equal(lcmp_key_public_openssh(&pub, key, &err), 0);
        assert_memory_equal(pub.ptr,
                            i == 0 ? "ssh-ed25519 AAAA"
                                   : "ecdsa-sha2-nistp256 AAAA",
                            i == 0 ? 16 : 24);
        unlink(pubpath);
        write_file(pubpath, pub.ptr, 0644);
        snprintf(cmd,
                 sizeof(cmd),
                 "ssh-keygen -lf '%s' | awk '{print $2}'",
                 pubpath);
        assert_int_equal(run(line, sizeof(line), cmd), 0);
        assert_string_equal(line, lcmp_key_fingerprint(key));
        lcmp_key_free(key);
    }
    lcmp_buf_dispose(&pub);
}

static void test_keys__save_and_load_round_trip(void **state)
{
    const char *p = path("plain.pem");
    lcmp_key *key = NULL, *back = NULL;
    lcmp_buf text = LCMP_BUF_INIT;
    struct stat st;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_key_generate(&key, LCMP_KEY_ECDSA_P256, &err), 0);
    assert_int_equal(lcmp_key_save(key, p, NULL, &err), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(lcmp__file_read(&text, p, 65536, &err), 0);
    assert_non_null(strstr(text.ptr, "-----BEGIN PRIVATE KEY-----\n"));
    assert_int_equal(lcmp_key_load(&back, p, NULL, NULL, &err), 0);
    assert_int_equal(lcmp_key_type(back), LCMP_KEY_ECDSA_P256);
    assert_string_equal(lcmp_key_fingerprint(back), lcmp_key_fingerprint(key));
    assert_int_equal(signs_for(back, key->pub), 1);
    lcmp_buf_dispose(&text);
    lcmp_key_free(key);
    lcmp_key_free(back);
}

static void test_keys__save_never_overwrites(void **state)
{
    const char *p = path("exists.pem");
    lcmp_key *key = NULL;
    lcmp_buf text = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    write_file(p, "precious\n", 0600);
    assert_int_equal(lcmp_key_generate(&key, LCMP_KEY_ED25519, &err), 0);
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_key_save(key, p, NULL, &err), LCMP_EINVALID);
    assert_string_equal(err.source, p);
    assert_string_equal(err.message,
                        "already exists (a key is never overwritten)");
    assert_int_equal(lcmp__file_read(&text, p, 100, &err), 0);
    assert_string_equal(text.ptr, "precious\n");
    lcmp_buf_dispose(&text);
    lcmp_key_free(key);
}

static void test_keys__load_refuses_open_modes(void **state)
{
    static const struct {
        mode_t mode;
        const char *message;
    } cases[] = {
        {0644, "key file is readable by others (mode 0644): chmod 600"},
        {0640, "key file is readable by others (mode 0640): chmod 600"},
        {0604, "key file is readable by others (mode 0604): chmod 600"},
        {0620, "key file is writable by others (mode 0620): chmod 600"},
    };
    const char *p = path("open.pem");
    lcmp_key *key = NULL;
    lcmp_error err;
    size_t i;

    (void)state;
    write_file(p, test1_pem, 0600);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(chmod(p, cases[i].mode), 0);
        lcmp_error_clear(&err);
        assert_int_equal(lcmp_key_load(&key, p, NULL, NULL, &err),
                         LCMP_EINVALID);
        assert_null(key);
        assert_string_equal(err.source, p);
        assert_string_equal(err.message, cases[i].message);
    }
    assert_int_equal(chmod(p, 0400), 0);
    assert_int_equal(lcmp_key_load(&key, p, NULL, NULL, &err), 0);
    lcmp_key_free(key);
}

static void test_keys__encrypted_round_trip(void **state)
{
    const char *p = path("enc.pem");
    lcmp_key *key = NULL, *back = NULL;
    lcmp_buf text = LCMP_BUF_INIT;
    char secret[] = "correct horse battery staple";
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_key_generate(&key, LCMP_KEY_ED25519, &err), 0);
    assert_int_equal(lcmp_key_save(key, p, secret, &err), 0);
    assert_int_equal(lcmp__file_read(&text, p, 65536, &err), 0);
    assert_non_null(strstr(text.ptr, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));

    assert_int_equal(lcmp_key_load(&back, p, NULL, NULL, &err), LCMP_EINVALID);
    assert_string_equal(err.message,
                        "the key is encrypted: a passphrase is needed");
    assert_int_equal(lcmp_key_load(&back, p, passphrase_cb, "wrong", &err),
                     LCMP_EINVALID);
    assert_string_equal(err.message, "wrong passphrase, or a damaged key");
    assert_null(back);
    assert_int_equal(lcmp_key_load(&back, p, passphrase_cb, secret, &err), 0);
    assert_string_equal(lcmp_key_fingerprint(back), lcmp_key_fingerprint(key));
    assert_int_equal(signs_for(back, key->pub), 1);
    /* the real openssl command reads it with the same passphrase */
    {
        char cmd[1024], line[256];
        snprintf(cmd,
                 sizeof(cmd),
                 "openssl pkey -in '%s' -passin 'pass:%s' -noout "
                 "2>&1 && echo ok",
                 p,
                 secret);
        assert_int_equal(run(line, sizeof(line), cmd), 0);
        assert_string_equal(line, "ok");
    }
    lcmp_buf_dispose(&text);
    lcmp_key_free(key);
    lcmp_key_free(back);
}

static void test_keys__empty_passphrase_refused(void **state)
{
    const char *p = path("empty-pass.pem");
    lcmp_key *key = NULL;
    lcmp_error err;

    (void)state;
    assert_int_equal(lcmp_key_generate(&key, LCMP_KEY_ED25519, &err), 0);
    assert_int_equal(lcmp_key_save(key, p, "", &err), LCMP_EINVALID);
    assert_int_equal(access(p, F_OK), -1);
    lcmp_key_free(key);
}

static void test_keys__load_refuses_what_is_not_our_key(void **state)
{
    const char *missing = path("missing.pem");
    const char *junk = path("junk.pem");
    const char *openssh = path("openssh.key");
    const char *rsa = path("rsa.pem");
    char cmd[1024], line[256];
    lcmp_key *key = NULL;
    lcmp_error err;

    (void)state;
    lcmp_error_clear(&err);
    assert_int_equal(lcmp_key_load(&key, missing, NULL, NULL, &err),
                     LCMP_ENOTFOUND);

    write_file(junk, "hello\n", 0600);
    assert_int_equal(lcmp_key_load(&key, junk, NULL, NULL, &err), LCMP_EPARSE);
    assert_string_equal(err.message, "not a PEM private key");

    snprintf(cmd,
             sizeof(cmd),
             "ssh-keygen -q -t ed25519 -N '' -f '%s' >/dev/null && echo ok",
             openssh);
    assert_int_equal(run(line, sizeof(line), cmd), 0);
    assert_int_equal(lcmp_key_load(&key, openssh, NULL, NULL, &err),
                     LCMP_EPARSE);
    assert_non_null(strstr(err.message, "an OpenSSH private key"));

    snprintf(cmd,
             sizeof(cmd),
             "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 "
             "-out '%s' 2>/dev/null && chmod 600 '%s' && echo ok",
             rsa,
             rsa);
    assert_int_equal(run(line, sizeof(line), cmd), 0);
    assert_int_equal(lcmp_key_load(&key, rsa, NULL, NULL, &err), LCMP_EINVALID);
    assert_string_equal(err.message,
                        "unsupported key type (expected Ed25519 or ECDSA "
                        "P-256)");
    assert_null(key);
}

static void test_keys__signatures_are_bound_to_key_and_message(void **state)
{
    lcmp_key *a = NULL, *b = NULL;
    lcmp_buf sig = LCMP_BUF_INIT;
    lcmp_error err;

    (void)state;
    assert_int_equal(lcmp_key_generate(&a, LCMP_KEY_ED25519, &err), 0);
    assert_int_equal(lcmp_key_generate(&b, LCMP_KEY_ECDSA_P256, &err), 0);
    assert_int_equal(signs_for(a, a->pub), 1);
    assert_int_equal(signs_for(b, b->pub), 1);
    assert_int_equal(signs_for(a, b->pub), 0);
    assert_int_equal(signs_for(b, a->pub), 0);
    assert_int_equal(lcmp__key_sign(&sig, b, (const uint8_t *)"msg", 3, &err),
                     0);
    /* ECDSA signatures are DER: a SEQUENCE of two INTEGERs */
    assert_int_equal((unsigned char)sig.ptr[0], 0x30);
    assert_int_equal(lcmp__sshkey_verify(b->pub,
                                         (const uint8_t *)sig.ptr,
                                         sig.size,
                                         (const uint8_t *)"msh",
                                         3),
                     0);
    lcmp_buf_dispose(&sig);
    lcmp_key_free(a);
    lcmp_key_free(b);
}

static void test_keys__mpint_encoding(void **state)
{
    static const uint8_t high[] = {0x00, 0x00, 0x80, 0x01};
    static const uint8_t low[] = {0x7f};
    static const uint8_t zero[] = {0x00, 0x00};
    lcmp_buf b = LCMP_BUF_INIT;

    (void)state;
    assert_int_equal(lcmp__wire_put_mpint(&b, high, sizeof(high)), 0);
    assert_int_equal(b.size, 7);
    assert_memory_equal(b.ptr, "\0\0\0\x03\0\x80\x01", 7);
    lcmp__buf_clear(&b);
    assert_int_equal(lcmp__wire_put_mpint(&b, low, sizeof(low)), 0);
    assert_memory_equal(b.ptr, "\0\0\0\x01\x7f", 5);
    lcmp__buf_clear(&b);
    assert_int_equal(lcmp__wire_put_mpint(&b, zero, sizeof(zero)), 0);
    assert_int_equal(b.size, 4);
    assert_memory_equal(b.ptr, "\0\0\0\0", 4);
    lcmp_buf_dispose(&b);
}

/* Our SSHSIG, for both key types, passes `ssh-keygen -Y check-novalidate`
 * and the project's own SSHSIG parser, and fails for another namespace. */
static void test_keys__sshsig_checked_by_ssh_keygen(void **state)
{
    static const lcmp_key_type_t types[] = {LCMP_KEY_ED25519,
                                            LCMP_KEY_ECDSA_P256};
    static const char msg[] = "{\"payload\":\"statement\"}";
    const char *sigpath = path("msg.sig");
    const char *msgpath = path("msg");
    char cmd[2048], line[512];
    lcmp_buf armored = LCMP_BUF_INIT;
    lcmp_error err;
    size_t i;

    (void)state;
    write_file(msgpath, msg, 0644);
    for (i = 0; i < 2; i++) {
        lcmp__sshsig *parsed = NULL;
        lcmp_key *key = NULL;
        char fp[64];

        assert_int_equal(lcmp_key_generate(&key, types[i], &err), 0);
        assert_int_equal(lcmp_key_sshsig(&armored,
                                         key,
                                         (const uint8_t *)msg,
                                         strlen(msg),
                                         "compliance-statement",
                                         &err),
                         0);
        assert_memory_equal(armored.ptr, "-----BEGIN SSH SIGNATURE-----\n", 30);
        unlink(sigpath);
        write_file(sigpath, armored.ptr, 0644);
        snprintf(cmd,
                 sizeof(cmd),
                 "ssh-keygen -Y check-novalidate -n compliance-statement "
                 "-s '%s' < '%s' 2>&1",
                 sigpath,
                 msgpath);
        assert_int_equal(run(line, sizeof(line), cmd), 0);
        assert_non_null(strstr(line, "Good \"compliance-statement\""));
        snprintf(cmd,
                 sizeof(cmd),
                 "ssh-keygen -Y check-novalidate -n git -s '%s' < '%s' 2>&1",
                 sigpath,
                 msgpath);
        assert_int_not_equal(run(line, sizeof(line), cmd), 0);

        assert_int_equal(
            lcmp__sshsig_parse(&parsed, armored.ptr, armored.size, &err), 0);
        assert_true(lcmp__sshkey_equal(parsed->key, key->pub));
        lcmp__sshkey_fingerprint(fp, parsed->key);
        assert_string_equal(fp, lcmp_key_fingerprint(key));
        assert_int_equal(lcmp__sshsig_check(parsed,
                                            (const uint8_t *)msg,
                                            strlen(msg),
                                            "compliance-statement",
                                            &err),
                         0);
        lcmp__sshsig_free(parsed);
        lcmp_key_free(key);
    }
    assert_int_equal(
        lcmp_key_sshsig(&armored, NULL, (const uint8_t *)msg, 1, "x", &err),
        LCMP_EINVALID);
    lcmp_buf_dispose(&armored);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys__known_key_public_form_and_fingerprint),
        cmocka_unit_test(test_keys__fingerprint_matches_ssh_keygen),
        cmocka_unit_test(test_keys__save_and_load_round_trip),
        cmocka_unit_test(test_keys__save_never_overwrites),
        cmocka_unit_test(test_keys__load_refuses_open_modes),
        cmocka_unit_test(test_keys__encrypted_round_trip),
        cmocka_unit_test(test_keys__empty_passphrase_refused),
        cmocka_unit_test(test_keys__load_refuses_what_is_not_our_key),
        cmocka_unit_test(test_keys__signatures_are_bound_to_key_and_message),
        cmocka_unit_test(test_keys__mpint_encoding),
        cmocka_unit_test(test_keys__sshsig_checked_by_ssh_keygen),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
