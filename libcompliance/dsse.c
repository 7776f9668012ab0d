/*
 * DSSE envelopes: strict parsing, PAE, signing and countersigning.
 *
 * Invariants: the payload is signed and verified as the exact decoded
 * bytes, through PAE(payloadType, payload), never re-serialised; an
 * envelope is rewritten only by appending a signature, keeping the
 * payload's and the other signatures' base64 text as found. Base64 is
 * accepted in the standard and the URL-safe alphabet, as DSSE requires of
 * verifiers, and written in the standard one.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dsse.h"
#include "jscan.h"
#include "keys.h"
#include "util.h"

/*
 * Base64 in both alphabets (RFC 4648 §4 and §5), in one pass. B64(c) is
 * the value of character c (6 bits) with flags above: B64_STD for the
 * characters of the standard alphabet only ('+' '/'), B64_URL for the
 * URL-safe only ('-' '_'), B64_BAD for any other character: a text mixing
 * both alphabets is refused. Only the canonical form is accepted (the bits
 * the last character leaves over are zero), so one byte string has one
 * text per alphabet.
 *
 * The four tables hold B64(c) already shifted to its place in a 24-bit
 * group of 4 characters, so a group is 4 loads and 3 ORs, its flags
 * coming along in the top byte.
 */
#define B64_STD 0x01000000u
#define B64_URL 0x02000000u
#define B64_BAD 0x80000000u

#define B64(c)                                               \
    ((c) >= 'A' && (c) <= 'Z'   ? (uint32_t)((c) - 'A')      \
     : (c) >= 'a' && (c) <= 'z' ? (uint32_t)((c) - 'a' + 26) \
     : (c) >= '0' && (c) <= '9' ? (uint32_t)((c) - '0' + 52) \
     : (c) == '+'               ? 62u | B64_STD              \
     : (c) == '/'               ? 63u | B64_STD              \
     : (c) == '-'               ? 62u | B64_URL              \
     : (c) == '_'               ? 63u | B64_URL              \
                                : B64_BAD)
#define B64_AT(c, shift) ((B64(c) & 63u) << (shift) | (B64(c) & ~63u))
#define B64_4(c, s) \
    B64_AT(c, s), B64_AT((c) + 1, s), B64_AT((c) + 2, s), B64_AT((c) + 3, s)
#define B64_16(c, s) \
    B64_4(c, s), B64_4((c) + 4, s), B64_4((c) + 8, s), B64_4((c) + 12, s)
#define B64_64(c, s) \
    B64_16(c, s), B64_16((c) + 16, s), B64_16((c) + 32, s), B64_16((c) + 48, s)
#define B64_TABLE(s)                                                \
    {                                                               \
        B64_64(0, s), B64_64(64, s), B64_64(128, s), B64_64(192, s) \
    }

static const uint32_t b64_at18[256] = B64_TABLE(18);
static const uint32_t b64_at12[256] = B64_TABLE(12);
static const uint32_t b64_at6[256] = B64_TABLE(6);
static const uint32_t b64_at0[256] = B64_TABLE(0);

/*
 * Sixteen characters at a time with SSSE3, where the compiler can build a
 * function for it and the CPU runs it (x86-64 has had SSSE3 since 2006).
 * Only the standard alphabet, the one written here and by most signers, is
 * decoded in blocks: the first block with any other character (URL-safe,
 * padding, a quote, anything) goes to the scalar loop with the rest, which
 * decodes or refuses it, so that both ways give the same bytes and the
 * same refusals (test_dsse and fuzz_dsse compare them). A character is
 * classed by its two nibbles, ok_hi[high] & ok_lo[low] being 0 exactly
 * for the characters outside the alphabet, one bit per group of them:
 *   1: 0x2_ with low nibble B or F ('+' '/')
 *   2: 0x3_ with 0-9              ('0'-'9')
 *   4: 0x4_ and 0x6_ with 1-F     ('A'-'O', 'a'-'o')
 *   8: 0x5_ and 0x7_ with 0-A     ('P'-'Z', 'p'-'z')
 * Its value is the character plus shift[high], less 3 for '/' (shift[2]
 * is the one of '+').
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define B64_SSSE3 1
#include <tmmintrin.h>

__attribute__((target("ssse3"))) static size_t
b64_blocks(const uint8_t *s, size_t full, uint8_t **dp, uint32_t *seen)
{
    const __m128i ok_hi =
        _mm_setr_epi8(0, 0, 1, 2, 4, 8, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m128i ok_lo = _mm_setr_epi8(2 | 8,
                                        2 | 4 | 8,
                                        2 | 4 | 8,
                                        2 | 4 | 8,
                                        2 | 4 | 8,
                                        2 | 4 | 8,
                                        2 | 4 | 8,
                                        2 | 4 | 8,
                                        2 | 4 | 8,
                                        2 | 4 | 8,
                                        4 | 8,
                                        1 | 4,
                                        4,
                                        4,
                                        4,
                                        1 | 4);
    const __m128i shift =
        _mm_setr_epi8(0, 0, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m128i nib = _mm_set1_epi8(0x0F);
    const __m128i pack =
        _mm_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    __m128i classes = _mm_setzero_si128();
    uint8_t *d = *dp;
    size_t i;

    for (i = 0; i + 16 <= full; i += 16) {
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hi = _mm_and_si128(_mm_srli_epi16(c, 4), nib);
        __m128i cls = _mm_and_si128(_mm_shuffle_epi8(ok_hi, hi),
                                    _mm_shuffle_epi8(ok_lo, c));
        __m128i v;

        /* (pshufb reads the low nibble, and 0 where the top bit is set:
         * such a byte is out of the alphabet anyway) */
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(cls, _mm_setzero_si128())) != 0) {
            break; /* the scalar loop takes it from this block */
        }
        classes = _mm_or_si128(classes, cls);
        v = _mm_add_epi8(c, _mm_shuffle_epi8(shift, hi));
        v = _mm_add_epi8(v,
                         _mm_and_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8('/')),
                                       _mm_set1_epi8(-3)));
        /* 4 x 6 bits -> 24 bits in each 32-bit lane, then 3 bytes each */
        v = _mm_maddubs_epi16(v, _mm_set1_epi32(0x01400140));
        v = _mm_madd_epi16(v, _mm_set1_epi32(0x00011000));
        _mm_storeu_si128((__m128i *)(void *)d, _mm_shuffle_epi8(v, pack));
        d += 12;
    }
    /* a '+' or '/' was seen when class 1 was */
    if (_mm_movemask_epi8(_mm_slli_epi16(classes, 7)) != 0) {
        *seen |= B64_STD;
    }
    *dp = d;
    return i;
}
#endif

static int base64_decode(lcmp_buf *out, const char *in, size_t len, int blocks)
{
    const uint8_t *s = (const uint8_t *)in;
    size_t i = 0, n = len, full, rest;
    uint32_t a, seen = 0;
    uint8_t *d;

    lcmp__buf_clear(out);
    /* padding: none, or exactly what completes the last quantum */
    if (n % 4 == 0 && n > 0 && s[n - 1] == '=') {
        n -= s[n - 2] == '=' ? 2 : 1;
    }
    rest = n % 4;
    if (rest == 1) {
        return LCMP_EPARSE;
    }
    full = n - rest;
    /* 16 spare bytes: a block stores 16 bytes to give 12 */
    if (lcmp__buf_grow(out, n / 4 * 3 + 16) < 0) {
        return LCMP_ENOMEM;
    }
    d = (uint8_t *)out->ptr;
#ifdef B64_SSSE3
    if (blocks && full >= 16 && __builtin_cpu_supports("ssse3")) {
        i = b64_blocks(s, full, &d, &seen);
    }
#else
    (void)blocks;
#endif
    for (; i < full; i += 4) {
        a = b64_at18[s[i]] | b64_at12[s[i + 1]] | b64_at6[s[i + 2]] |
            b64_at0[s[i + 3]];
        seen |= a;
        d[0] = (uint8_t)(a >> 16);
        d[1] = (uint8_t)(a >> 8);
        d[2] = (uint8_t)a;
        d += 3;
    }
    if (rest > 0) {
        a = b64_at18[s[full]] | b64_at12[s[full + 1]] |
            (rest == 3 ? b64_at6[s[full + 2]] : 0);
        seen |= a;
        if ((rest == 2 && (a & 0xFFFF) != 0) || (rest == 3 && (a & 0xFF) != 0))
        {
            seen |= B64_BAD; /* not canonical */
        }
        *d++ = (uint8_t)(a >> 16);
        if (rest == 3) {
            *d++ = (uint8_t)(a >> 8);
        }
    }
    if ((seen & B64_BAD) != 0 ||
        (seen & (B64_STD | B64_URL)) == (B64_STD | B64_URL))
    {
        lcmp__buf_clear(out);
        return LCMP_EPARSE;
    }
    out->size = (size_t)(d - (uint8_t *)out->ptr);
    out->ptr[out->size] = '\0';
    return 0;
}

int lcmp__base64_decode_any(lcmp_buf *out, const char *in, size_t len)
{
    return base64_decode(out, in, len, 1);
}

int lcmp__base64_decode_scalar(lcmp_buf *out, const char *in, size_t len)
{
    return base64_decode(out, in, len, 0);
}

/* `v` in decimal at `p`; the number of digits (at most 20). */
static size_t put_decimal(char *p, size_t v)
{
    char tmp[20];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (i = 0; i < n; i++) {
        p[i] = tmp[n - 1 - i];
    }
    return n;
}

int lcmp__dsse_pae(lcmp_buf *out,
                   const char *type,
                   size_t typelen,
                   const uint8_t *body,
                   size_t len)
{
    char *p;

    /* a report builds one per statement: no printf, one allocation */
    lcmp__buf_clear(out);
    if (len > SIZE_MAX - 64 || typelen > SIZE_MAX - 64 - len ||
        lcmp__buf_grow(out, typelen + len + 64) < 0)
    {
        return LCMP_ENOMEM;
    }
    p = out->ptr;
    memcpy(p, "DSSEv1 ", 7);
    p += 7;
    p += put_decimal(p, typelen);
    *p++ = ' ';
    if (typelen > 0) {
        memcpy(p, type, typelen);
        p += typelen;
    }
    *p++ = ' ';
    p += put_decimal(p, len);
    *p++ = ' ';
    if (len > 0) {
        memcpy(p, body, len);
        p += len;
    }
    *p = '\0';
    out->size = (size_t)(p - out->ptr);
    return 0;
}

void lcmp__dsse_free(lcmp__dsse *env)
{
    size_t i;

    if (env == NULL) {
        return;
    }
    for (i = 0; i < env->nsigs; i++) {
        free(env->sigs[i].sig);
    }
    free(env->payload);
    free(env->strings);
    free(env);
}

/* Decode the base64 string just read (at the reader's pointer). */
static int decode(uint8_t **out,
                  size_t *outlen,
                  const char *text,
                  size_t len,
                  size_t max,
                  lcmp__jscan *js)
{
    lcmp_buf buf = LCMP_BUF_INIT;
    int rc;

    rc = lcmp__base64_decode_any(&buf, text, len);
    if (rc < 0) {
        lcmp_buf_dispose(&buf);
        return rc == LCMP_ENOMEM
                   ? lcmp__jscan_error(js, rc, "out of memory")
                   : lcmp__jscan_error(
                         js, LCMP_EPARSE, "not base64 (standard or URL-safe)");
    }
    if (buf.size > max) {
        lcmp_buf_dispose(&buf);
        return lcmp__jscan_error(js, LCMP_ELIMIT, "larger than %zu bytes", max);
    }
    if (buf.ptr == NULL && lcmp__buf_grow(&buf, 1) < 0) {
        return lcmp__jscan_error(js, LCMP_ENOMEM, "out of memory");
    }
    *out = (uint8_t *)buf.ptr;
    *outlen = buf.size;
    return 0;
}

/*
 * Members we do not know are ignored (DSSE asks verifiers to), but must
 * not repeat: `keys` remembers them, at most MAX_UNKNOWN per object.
 */
#define MAX_UNKNOWN 32

static int
unknown_member(const char **keys, size_t *n, const char *key, lcmp__jscan *js)
{
    size_t i;

    for (i = 0; i < *n; i++) {
        if (strcmp(keys[i], key) == 0) {
            return lcmp__jscan_error(
                js, LCMP_EPARSE, "duplicate object key '%s'", key);
        }
    }
    if (*n == MAX_UNKNOWN) {
        return lcmp__jscan_error(
            js, LCMP_ELIMIT, "more than %d unknown members", MAX_UNKNOWN);
    }
    keys[(*n)++] = key;
    return lcmp__jscan_skip(js);
}

static int parse_signature(lcmp__dsse_sig *s, lcmp__jscan *js)
{
    const char *unknown[MAX_UNKNOWN], *key, *text;
    size_t nunknown = 0, len;
    uint32_t seen = 0;
    int rc;

    s->keyid = "";
    if ((rc = lcmp__jscan_object(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_member(js, &key)) == 1) {
        if (strcmp(key, "keyid") == 0) {
            if ((rc = lcmp__jscan_seen(js, &seen, 1, key)) < 0 ||
                (rc = lcmp__jscan_string(js, &s->keyid, &len)) < 0)
            {
                return rc;
            }
            if (len > LCMP__DSSE_MAX_KEYID) {
                return lcmp__jscan_error(js,
                                         LCMP_ELIMIT,
                                         "longer than %d bytes",
                                         LCMP__DSSE_MAX_KEYID);
            }
        } else if (strcmp(key, "sig") == 0) {
            if ((rc = lcmp__jscan_seen(js, &seen, 2, key)) < 0 ||
                (rc = lcmp__jscan_string(js, &text, &len)) < 0)
            {
                return rc;
            }
            if (len > LCMP__DSSE_MAX_SIG) {
                return lcmp__jscan_error(js,
                                         LCMP_ELIMIT,
                                         "longer than %d bytes",
                                         LCMP__DSSE_MAX_SIG);
            }
            s->sig_b64 = text;
            rc = decode(&s->sig, &s->siglen, text, len, LCMP__DSSE_MAX_SIG, js);
            if (rc == 0 && s->siglen == 0) {
                rc = lcmp__jscan_error(js, LCMP_EPARSE, "empty signature");
            }
            if (rc < 0) {
                return rc;
            }
        } else if ((rc = unknown_member(unknown, &nunknown, key, js)) < 0) {
            return rc;
        }
    }
    if (rc == 0 && s->sig == NULL) {
        rc = lcmp__jscan_error(js, LCMP_EPARSE, "missing member 'sig'");
    }
    return rc;
}

static int parse_signatures(lcmp__dsse *env, lcmp__jscan *js)
{
    int rc;

    if ((rc = lcmp__jscan_array(js)) < 0) {
        return rc;
    }
    while ((rc = lcmp__jscan_element(js)) == 1) {
        if (env->nsigs == LCMP__DSSE_MAX_SIGNATURES) {
            return lcmp__jscan_error(js,
                                     LCMP_ELIMIT,
                                     "more than %d signatures",
                                     LCMP__DSSE_MAX_SIGNATURES);
        }
        rc = parse_signature(&env->sigs[env->nsigs], js);
        if (env->sigs[env->nsigs].sig != NULL) {
            env->nsigs++;
        }
        if (rc < 0) {
            return rc;
        }
    }
    if (rc == 0 && env->nsigs == 0) {
        rc = lcmp__jscan_error(js, LCMP_EPARSE, "no signatures");
    }
    return rc;
}

/*
 * The payload read in one go: the text up to the closing quote decoded as
 * it is, since base64 has no character JSON escapes or refuses. 1 when
 * that worked; 0 with nothing read, and the payload is then read the
 * general way (escapes, and every refusal with its message).
 */
static int quick_payload(lcmp__dsse *env, lcmp__jscan *js)
{
    lcmp__jscan_mark at = lcmp__jscan_here(js);
    lcmp_buf buf = LCMP_BUF_INIT;
    const char *text;
    size_t len;

    if (lcmp__jscan_quoted(js, &text, &len) &&
        lcmp__base64_decode_any(&buf, text, len) == 0 &&
        buf.size <= LCMP__DSSE_MAX_PAYLOAD &&
        (buf.ptr != NULL || lcmp__buf_grow(&buf, 1) == 0))
    {
        env->payload_b64 = text;
        env->payload = (uint8_t *)buf.ptr;
        env->payload_len = buf.size;
        return 1;
    }
    lcmp_buf_dispose(&buf);
    lcmp__jscan_back(js, at);
    return 0;
}

int lcmp__dsse_parse(lcmp__dsse **out,
                     const uint8_t *buf,
                     size_t len,
                     const char *source,
                     lcmp_error *err)
{
    const char *unknown[MAX_UNKNOWN], *key, *missing = NULL, *payload = NULL;
    size_t nunknown = 0, plen = 0;
    lcmp__dsse *env = NULL;
    uint32_t seen = 0;
    lcmp__jscan js;
    int rc;

    *out = NULL;
    if (source == NULL) {
        source = "<envelope>";
    }
    if (len > LCMP__DSSE_MAX_ENVELOPE) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               source,
                               NULL,
                               "file is larger than %zu bytes",
                               LCMP__DSSE_MAX_ENVELOPE);
    }
    rc = lcmp__jscan_init(&js, buf, len, source, 8, err);
    if (rc < 0) {
        return rc;
    }
    env = calloc(1, sizeof(*env));
    if (env == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
        goto done;
    }
    if ((rc = lcmp__jscan_object(&js)) < 0) {
        goto done;
    }
    while ((rc = lcmp__jscan_member(&js, &key)) == 1) {
        if (strcmp(key, "payload") == 0) {
            rc = lcmp__jscan_seen(&js, &seen, 1, key);
            if (rc == 0 && !quick_payload(env, &js)) {
                rc = lcmp__jscan_string(&js, &payload, &plen);
                if (rc == 0) {
                    env->payload_b64 = payload;
                    rc = decode(&env->payload,
                                &env->payload_len,
                                payload,
                                plen,
                                LCMP__DSSE_MAX_PAYLOAD,
                                &js);
                }
            }
        } else if (strcmp(key, "payloadType") == 0) {
            rc = lcmp__jscan_seen(&js, &seen, 2, key);
            if (rc == 0) {
                rc = lcmp__jscan_string(
                    &js, &env->payload_type, &env->payload_type_len);
            }
        } else if (strcmp(key, "signatures") == 0) {
            rc = lcmp__jscan_seen(&js, &seen, 4, key);
            if (rc == 0) {
                rc = parse_signatures(env, &js);
            }
        } else {
            rc = unknown_member(unknown, &nunknown, key, &js);
        }
        if (rc < 0) {
            goto done;
        }
    }
    if (rc < 0 || (rc = lcmp__jscan_finish(&js)) < 0) {
        goto done;
    }
    missing = (seen & 1) == 0   ? "payload"
              : (seen & 2) == 0 ? "payloadType"
              : (seen & 4) == 0 ? "signatures"
                                : NULL;
    if (missing != NULL) {
        rc =
            lcmp__jscan_error(&js, LCMP_EPARSE, "missing member '%s'", missing);
        goto done;
    }
    env->strings = lcmp__jscan_take_strings(&js);
    *out = env;
    env = NULL;

done:
    lcmp__dsse_free(env);
    lcmp__jscan_dispose(&js);
    return rc;
}

int lcmp__dsse_write(lcmp_buf *out,
                     const char *payload_b64,
                     const char *payload_type,
                     size_t payload_type_len,
                     const char *const *keyids,
                     const char *const *sigs,
                     size_t n,
                     lcmp_error *err)
{
    json_t *doc = NULL, *arr = NULL;
    char *text = NULL;
    size_t i;
    int rc = LCMP_ENOMEM;

    lcmp__buf_clear(out);
    doc = json_object();
    arr = json_array();
    if (doc == NULL || arr == NULL ||
        json_object_set_new(doc, "payload", json_string(payload_b64)) != 0 ||
        json_object_set_new(doc,
                            "payloadType",
                            json_stringn(payload_type, payload_type_len)) != 0)
    {
        goto done;
    }
    for (i = 0; i < n; i++) {
        json_t *s = json_pack("{s:s, s:s}", "keyid", keyids[i], "sig", sigs[i]);
        if (s == NULL || json_array_append_new(arr, s) != 0) {
            goto done;
        }
    }
    if (json_object_set(doc, "signatures", arr) != 0) {
        goto done;
    }
    text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
    if (text == NULL || lcmp__buf_puts(out, text) < 0 ||
        lcmp__buf_put(out, "\n", 1) < 0)
    {
        goto done;
    }
    rc = 0;

done:
    free(text);
    json_decref(arr);
    json_decref(doc);
    if (rc < 0) {
        lcmp__buf_clear(out);
        return lcmp__error_set(err, rc, NULL, NULL, "out of memory");
    }
    return 0;
}

/* A signature by `key` over PAE(type, payload), as base64 text. */
static int sign_pae(lcmp_buf *sig_b64,
                    const lcmp_key *key,
                    const char *type,
                    size_t typelen,
                    const uint8_t *payload,
                    size_t len,
                    lcmp_error *err)
{
    lcmp_buf pae = LCMP_BUF_INIT, sig = LCMP_BUF_INIT;
    int rc;

    rc = lcmp__dsse_pae(&pae, type, typelen, payload, len);
    if (rc < 0) {
        rc = lcmp__error_set(err, rc, NULL, NULL, "out of memory");
        goto done;
    }
    rc = lcmp__key_sign(&sig, key, (const uint8_t *)pae.ptr, pae.size, err);
    if (rc < 0) {
        goto done;
    }
    rc = lcmp__base64_encode(sig_b64, (const uint8_t *)sig.ptr, sig.size);
    if (rc < 0) {
        rc = lcmp__error_set(err, rc, NULL, NULL, "out of memory");
    }

done:
    lcmp_buf_dispose(&pae);
    lcmp_buf_dispose(&sig);
    return rc;
}

int lcmp_envelope_sign(lcmp_buf *out,
                       const uint8_t *payload,
                       size_t len,
                       const char *payload_type,
                       const lcmp_key *key,
                       lcmp_error *err)
{
    lcmp_buf b64 = LCMP_BUF_INIT, sig = LCMP_BUF_INIT;
    const char *keyid, *sigtext;
    int rc;

    if (out == NULL || (payload == NULL && len > 0) || payload_type == NULL ||
        key == NULL)
    {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "signing needs a payload, a type and a key");
    }
    if (len > LCMP__DSSE_MAX_PAYLOAD) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               NULL,
                               NULL,
                               "payload larger than %zu bytes",
                               LCMP__DSSE_MAX_PAYLOAD);
    }
    rc = sign_pae(
        &sig, key, payload_type, strlen(payload_type), payload, len, err);
    if (rc < 0) {
        goto done;
    }
    if (lcmp__base64_encode(
            &b64, payload != NULL ? payload : (const uint8_t *)"", len) < 0)
    {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    keyid = key->fingerprint;
    sigtext = sig.ptr;
    rc = lcmp__dsse_write(out,
                          b64.ptr != NULL ? b64.ptr : "",
                          payload_type,
                          strlen(payload_type),
                          &keyid,
                          &sigtext,
                          1,
                          err);

done:
    lcmp_buf_dispose(&b64);
    lcmp_buf_dispose(&sig);
    return rc;
}

int lcmp_countersign(lcmp_buf *out,
                     const uint8_t *envelope,
                     size_t len,
                     const lcmp_key *key,
                     lcmp_error *err)
{
    const char *keyids[LCMP__DSSE_MAX_SIGNATURES];
    const char *sigs[LCMP__DSSE_MAX_SIGNATURES];
    lcmp_buf pae = LCMP_BUF_INIT, sig = LCMP_BUF_INIT;
    lcmp__dsse *env = NULL;
    size_t i;
    int rc;

    if (out == NULL || envelope == NULL || key == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "countersigning needs an envelope and a key");
    }
    rc = lcmp__dsse_parse(&env, envelope, len, NULL, err);
    if (rc < 0) {
        goto done;
    }
    if (env->nsigs == LCMP__DSSE_MAX_SIGNATURES) {
        rc = lcmp__error_set(err,
                             LCMP_ELIMIT,
                             NULL,
                             "/signatures",
                             "already %d signatures",
                             LCMP__DSSE_MAX_SIGNATURES);
        goto done;
    }
    rc = lcmp__dsse_pae(&pae,
                        env->payload_type,
                        env->payload_type_len,
                        env->payload,
                        env->payload_len);
    if (rc < 0) {
        rc = lcmp__error_set(err, rc, NULL, NULL, "out of memory");
        goto done;
    }
    for (i = 0; i < env->nsigs; i++) {
        rc = lcmp__sshkey_verify(key->pub,
                                 env->sigs[i].sig,
                                 env->sigs[i].siglen,
                                 (const uint8_t *)pae.ptr,
                                 pae.size);
        if (rc < 0) {
            rc = lcmp__error_set(
                err, rc, NULL, NULL, "cannot check signature %zu", i);
            goto done;
        }
        if (rc == 1) {
            rc = lcmp__error_set(err,
                                 LCMP_EINVALID,
                                 NULL,
                                 NULL,
                                 "already signed by this key (%s)",
                                 key->fingerprint);
            goto done;
        }
        keyids[i] = env->sigs[i].keyid;
        sigs[i] = env->sigs[i].sig_b64;
    }
    rc = sign_pae(&sig,
                  key,
                  env->payload_type,
                  env->payload_type_len,
                  env->payload,
                  env->payload_len,
                  err);
    if (rc < 0) {
        goto done;
    }
    keyids[env->nsigs] = key->fingerprint;
    sigs[env->nsigs] = sig.ptr;
    rc = lcmp__dsse_write(out,
                          env->payload_b64,
                          env->payload_type,
                          env->payload_type_len,
                          keyids,
                          sigs,
                          env->nsigs + 1,
                          err);

done:
    lcmp_buf_dispose(&pae);
    lcmp_buf_dispose(&sig);
    lcmp__dsse_free(env);
    return rc;
}
