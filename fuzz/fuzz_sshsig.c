/*
 * libFuzzer target for libcompliance/sshsig.c (and the key parser of
 * sshkey.c): an input starting with "-----BEGIN" is an armoured OpenSSH
 * signature, anything else is a raw SSHSIG blob that is armoured first, so
 * that mutations reach the blob parser directly. Whatever parses is then
 * checked against "hello world\n" (the message of the RFC 8032 seed),
 * looked up in a small allowed_signers list, and run through
 * lcmp_sshsig_verify().
 *
 * Besides the sanitizers, it checks the error contract: a failure returns
 * the code it stores with a non-empty, NUL-terminated message and leaves
 * no object; a parsed signature has a non-empty namespace and a
 * fingerprint of the form "SHA256:" + 43 characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sshsig.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SIGNERS[] =
    "rfc8032@test namespaces=\"file,git\" ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea\n"
    "gem-* valid-after=\"20260101\" ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea\n";

static const char MSG[] = "hello world\n";

static void check_error(int rc, const lcmp_error *err)
{
    if (rc == 0) {
        return;
    }
    if (err->code != rc || err->message[0] == '\0' ||
        memchr(err->message, '\0', sizeof(err->message)) == NULL)
    {
        abort();
    }
}

/* Armour a raw blob as ssh-keygen does (70 columns). */
static int armor(lcmp_buf *out, const uint8_t *blob, size_t len)
{
    lcmp_buf b64 = LCMP_BUF_INIT;
    size_t i;
    int rc = LCMP_ENOMEM;

    if (lcmp__base64_encode(&b64, blob, len) < 0 ||
        lcmp__buf_puts(out, "-----BEGIN SSH SIGNATURE-----\n") < 0)
    {
        goto done;
    }
    for (i = 0; i < b64.size; i += 70) {
        size_t n = b64.size - i < 70 ? b64.size - i : 70;

        if (lcmp__buf_put(out, b64.ptr + i, n) < 0 ||
            lcmp__buf_puts(out, "\n") < 0) {
            goto done;
        }
    }
    rc = lcmp__buf_puts(out, "-----END SSH SIGNATURE-----\n");
done:
    lcmp_buf_dispose(&b64);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp_buf text = LCMP_BUF_INIT, principal = LCMP_BUF_INIT;
    lcmp_buf fp = LCMP_BUF_INIT;
    lcmp_signers *signers = NULL;
    lcmp__sshsig *sig = NULL;
    const char *found = NULL;
    lcmp_error err;
    char fpr[64];
    int rc;

    if (size >= 10 && memcmp(data, "-----BEGIN", 10) == 0) {
        if (lcmp__buf_put(&text, (const char *)data, size) < 0) {
            goto done;
        }
    } else if (armor(&text, data, size) < 0) {
        goto done;
    }
    lcmp_error_clear(&err);
    if (lcmp_signers_load_buffer(&signers,
                                 (const uint8_t *)SIGNERS,
                                 sizeof(SIGNERS) - 1,
                                 "fuzz",
                                 &err) != 0)
    {
        abort();
    }

    lcmp_error_clear(&err);
    rc = lcmp__sshsig_parse(&sig, text.ptr, text.size, &err);
    check_error(rc, &err);
    if ((rc == 0) != (sig != NULL)) {
        abort();
    }
    if (sig != NULL) {
        if (sig->ns[0] == '\0' || sig->key == NULL || sig->key->pkey == NULL) {
            abort();
        }
        lcmp__sshkey_fingerprint(fpr, sig->key);
        if (strncmp(fpr, "SHA256:", 7) != 0 || strlen(fpr) != 50) {
            abort();
        }
        rc = lcmp__sshsig_check(
            sig, (const uint8_t *)MSG, strlen(MSG), sig->ns, &err);
        check_error(rc, &err);
        rc = lcmp__sshsig_check(
            sig, (const uint8_t *)MSG, strlen(MSG), "git", &err);
        check_error(rc, &err);
        rc = lcmp__signers_find(&found,
                                signers,
                                sig->key,
                                NULL,
                                sig->ns,
                                (int64_t)20454 * 86400,
                                &err);
        check_error(rc, &err);
        rc = lcmp__signers_find(
            &found, signers, sig->key, "gem-x", "file", 0, &err);
        check_error(rc, &err);
    }

    rc = lcmp_sshsig_verify(&principal,
                            &fp,
                            signers,
                            text.ptr,
                            text.size,
                            (const uint8_t *)MSG,
                            strlen(MSG),
                            sig != NULL ? sig->ns : "file",
                            NULL,
                            (int64_t)20454 * 86400,
                            &err);
    check_error(rc, &err);
    if (rc == 0 && (principal.ptr == NULL || fp.ptr == NULL)) {
        abort();
    }
done:
    lcmp__sshsig_free(sig);
    lcmp_signers_free(signers);
    lcmp_buf_dispose(&text);
    lcmp_buf_dispose(&principal);
    lcmp_buf_dispose(&fp);
    return 0;
}
