/*
 * A synthetic sector for the benchmarks (sector.h).
 */
#include "sector.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "util.h"

#define SECTOR_CONTROLS 3

static const char *const sector_controls[SECTOR_CONTROLS] = {"GOV-03",
                                                             "GOV-04",
                                                             "BCM-01"};
/* Shares in per mille: 40%, 30%, 28%. */
static const size_t sector_permille[SECTOR_CONTROLS] = {400, 300, 280};

static int sector_fail(char *errbuf, size_t errsize, const char *fmt, ...)
    LCMP__PRINTF(3, 4);

static int sector_fail(char *errbuf, size_t errsize, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(errbuf, errsize, fmt, ap);
    va_end(ap);
    return -1;
}

/* splitmix64: a small deterministic generator. */
static uint64_t sector_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* have[c * n + i] = 1 for exactly round(share * n) municipalities i. */
static unsigned char *sector_draw(size_t n)
{
    unsigned char *have = calloc(SECTOR_CONTROLS * n + 1, 1);
    size_t *perm = malloc((n + 1) * sizeof(*perm));
    uint64_t state = 7;
    size_t c, i, k;

    if (have == NULL || perm == NULL) {
        free(have);
        free(perm);
        return NULL;
    }
    for (c = 0; c < SECTOR_CONTROLS; c++) {
        size_t want = (sector_permille[c] * n + 500) / 1000;
        for (i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (i = n; i > 1; i--) { /* Fisher-Yates */
            size_t j = (size_t)(sector_next(&state) % i), t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
        for (k = 0; k < want; k++) {
            have[c * n + perm[k]] = 1;
        }
    }
    free(perm);
    return have;
}

int sector_release(lcmp_release_info *out,
                   lcmp_baseline **baseline_out,
                   const char *tag,
                   void *payload,
                   lcmp_error *err)
{
    (void)baseline_out;
    (void)payload;
    if (strcmp(tag, SECTOR_RELEASE) != 0) {
        return lcmp__error_set(
            err, LCMP_ENOTFOUND, tag, NULL, "no such release");
    }
    memset(out, 0, sizeof(*out));
    out->tag = SECTOR_RELEASE;
    out->tag_id = SECTOR_TAG_ID;
    out->commit_id = SECTOR_COMMIT_ID;
    out->verified = true;
    out->current = true;
    return 0;
}

static int sector_write(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (f == NULL) {
        return -1;
    }
    ok = fwrite(data, 1, len, f) == len;
    ok = fclose(f) == 0 && ok;
    return ok ? 0 : -1;
}

/* One municipality: declaration, evaluation, key, statement. */
static int sector_one(const char *dir,
                      const json_t *base,
                      const lcmp_profile *profile,
                      const unsigned char *have,
                      size_t n,
                      size_t i,
                      size_t per_org,
                      lcmp_buf *signers,
                      char *errbuf,
                      size_t errsize)
{
    lcmp_release_info ri = {
        SECTOR_RELEASE, SECTOR_TAG_ID, SECTOR_COMMIT_ID, "", 0, 0, true, true};
    lcmp_declaration *decl = NULL;
    lcmp_result *result = NULL;
    lcmp_key *key = NULL;
    lcmp_buf env = LCMP_BUF_INIT, pub = LCMP_BUF_INIT;
    json_t *d = json_deep_copy(base), *controls;
    char org[32], name[48], path[4096], *text = NULL;
    lcmp_error err;
    size_t c, j;
    int rc = -1;

    lcmp_error_clear(&err);
    snprintf(org, sizeof(org), "gem-%05zu", i + 1);
    snprintf(name, sizeof(name), "Gemeente %05zu", i + 1);
    if (d == NULL ||
        json_object_set_new(d,
                            "organisation",
                            json_pack("{s:s, s:s}", "id", org, "name", name)) !=
            0 ||
        (controls = json_object_get(d, "controls")) == NULL)
    {
        rc = sector_fail(errbuf, errsize, "%s: cannot edit the example", org);
        goto done;
    }
    for (c = 0; c < SECTOR_CONTROLS; c++) {
        if (!have[c * n + i] &&
            json_object_set_new(controls,
                                sector_controls[c],
                                json_pack("{s:s, s:s}",
                                          "status",
                                          "not_implemented",
                                          "note",
                                          "synthetic: not in place")) != 0)
        {
            rc = sector_fail(errbuf, errsize, "%s: out of memory", org);
            goto done;
        }
    }
    text = json_dumps(d, JSON_INDENT(1));
    if (text == NULL ||
        lcmp_declaration_load_buffer(
            &decl, (const uint8_t *)text, strlen(text), org, NULL, &err) != 0 ||
        lcmp_key_generate(&key, LCMP_KEY_ED25519, &err) != 0 ||
        lcmp_key_public_openssh(&pub, key, &err) != 0 ||
        lcmp__buf_printf(signers,
                         "%s namespaces=\"compliance-statement\" %s\n",
                         org,
                         pub.ptr) != 0)
    {
        char line[512];
        lcmp_error_format(line, sizeof(line), &err);
        rc = sector_fail(errbuf, errsize, "%s: %s", org, line);
        goto done;
    }
    snprintf(path, sizeof(path), "%s/statements/%s", dir, org);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        rc = sector_fail(
            errbuf, errsize, "%s: cannot create: %s", path, strerror(errno));
        goto done;
    }
    /* statement j was made j days before the newest one */
    for (j = 0; j < per_org; j++) {
        lcmp_result_free(result);
        result = NULL;
        lcmp__buf_clear(&env);
        if (lcmp_evaluate(&result,
                          profile,
                          decl,
                          SECTOR_AT - (int64_t)j * 86400,
                          NULL,
                          &err) != 0 ||
            lcmp_attest(&env,
                        NULL,
                        result,
                        (const uint8_t *)text,
                        strlen(text),
                        &ri,
                        key,
                        NULL,
                        &err) != 0)
        {
            char line[512];
            lcmp_error_format(line, sizeof(line), &err);
            rc = sector_fail(errbuf, errsize, "%s: %s", org, line);
            goto done;
        }
        if (j == 0) {
            snprintf(path,
                     sizeof(path),
                     "%s/statements/%s/%s.json",
                     dir,
                     org,
                     SECTOR_RELEASE);
        } else {
            snprintf(path,
                     sizeof(path),
                     "%s/statements/%s/%s-%zu.json",
                     dir,
                     org,
                     SECTOR_RELEASE,
                     j);
        }
        if (sector_write(path, env.ptr, env.size) != 0) {
            rc = sector_fail(errbuf, errsize, "%s: cannot write", path);
            goto done;
        }
    }
    rc = 0;
done:
    lcmp_buf_dispose(&env);
    lcmp_buf_dispose(&pub);
    lcmp_key_free(key);
    lcmp_result_free(result);
    lcmp_declaration_free(decl);
    free(text);
    json_decref(d);
    return rc;
}

int sector_generate(const char *dir,
                    const char *src,
                    size_t n,
                    size_t per_org,
                    char *errbuf,
                    size_t errsize)
{
    lcmp_baseline *baseline = NULL;
    lcmp_profile *profile = NULL;
    lcmp_buf signers = LCMP_BUF_INIT;
    unsigned char *have = NULL;
    json_t *base = NULL, *prof;
    json_error_t jerr;
    char path[4096];
    lcmp_error err;
    size_t i;
    int rc = -1;

    lcmp_error_clear(&err);
    snprintf(path, sizeof(path), "%s/baselines/municipal", src);
    if (lcmp_baseline_load_dir(&baseline, path, NULL, &err) != 0) {
        char line[512];
        lcmp_error_format(line, sizeof(line), &err);
        rc = sector_fail(errbuf, errsize, "%s", line);
        goto done;
    }
    snprintf(path, sizeof(path), "%s/examples/medium-municipality.json", src);
    base = json_load_file(path, 0, &jerr);
    prof = base != NULL ? json_object_get(base, "profile") : NULL;
    if (prof == NULL || !json_is_string(prof) ||
        lcmp_profile_resolve(
            &profile, baseline, json_string_value(prof), &err) != 0)
    {
        rc = sector_fail(errbuf, errsize, "%s: cannot load the example", path);
        goto done;
    }
    snprintf(path, sizeof(path), "%s/statements", dir);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        rc = sector_fail(
            errbuf, errsize, "%s: cannot create: %s", path, strerror(errno));
        goto done;
    }
    if ((have = sector_draw(n)) == NULL) {
        rc = sector_fail(errbuf, errsize, "out of memory");
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (sector_one(dir,
                       base,
                       profile,
                       have,
                       n,
                       i,
                       per_org,
                       &signers,
                       errbuf,
                       errsize) != 0)
        {
            goto done;
        }
    }
    snprintf(path, sizeof(path), "%s/statement_signers", dir);
    if (sector_write(
            path, signers.ptr != NULL ? signers.ptr : "", signers.size) != 0)
    {
        rc = sector_fail(errbuf, errsize, "%s: cannot write", path);
        goto done;
    }
    rc = 0;
done:
    free(have);
    json_decref(base);
    lcmp_buf_dispose(&signers);
    lcmp_profile_free(profile);
    lcmp_baseline_free(baseline);
    return rc;
}
