/*
 * OSCAL documents and baselines (docs/oscal.md): reading and caching OSCAL
 * JSON catalogs and profiles, following import hrefs, indexing catalogs,
 * the public resolution entry points, and OSCAL catalogs and profiles
 * loaded as baselines, directly or through a baseline manifest with an
 * "oscal" member (docs/formats.md §4).
 *
 * A baseline from OSCAL goes through the native loader: the catalog and
 * the resolved profiles are translated into the native documents of
 * docs/formats.md §1 (a manifest, a controls file per family, a profile
 * file per profile), served from memory by an lcmp_reader, and loaded by
 * lcmp_baseline_load(). The baseline thus has exactly the invariants of a
 * native one (and lcmp_baseline_free() frees it); its strings are borrowed
 * from the translated documents, which it keeps. The mapping: a group is a
 * family (nested groups are families of their own, in document order;
 * controls outside any group form the family "ungrouped"), a control (an
 * enhancement too, after its parent) is a control without facts or rules
 * whose description is its statement's prose, flattened, and whose
 * parameters are string parameters (default: the values, joined by ", ");
 * every control allows not_applicable; a profile selects the ids of its
 * resolved catalog and sets the parameters whose resolved values differ.
 *
 * Invariants: documents are parsed once per context and never modified;
 * an index borrows its catalog; ids are looked up by bsearch.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "oscal.h"

#define DEFAULT_MAX_IMPORTS 32u

#define SCHEMA_BASELINE "lcmp.baseline/v1"
#define SCHEMA_CONTROLS "lcmp.controls/v1"
#define SCHEMA_PROFILE  "lcmp.profile/v1"

/* RFC 4122 namespace of our name-based uuids (itself a random uuid). */
static const uint8_t uuid_namespace[16] = {0x2a,
                                           0xde,
                                           0xd3,
                                           0x49,
                                           0xcf,
                                           0x9b,
                                           0x4f,
                                           0xe8,
                                           0x85,
                                           0x45,
                                           0xfc,
                                           0x45,
                                           0xfd,
                                           0xab,
                                           0x23,
                                           0x78};

static const char *get_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/*
 * Options, context, warnings.
 */

int lcmp_oscal_options_init(lcmp_oscal_options *opts, unsigned int version)
{
    if (opts == NULL || version != LCMP_OSCAL_OPTIONS_VERSION) {
        return LCMP_EINVALID;
    }
    memset(opts, 0, sizeof(*opts));
    opts->version = version;
    return 0;
}

int lcmp__oscal_ctx_init(lcmp__oscal_ctx *ctx,
                         const lcmp_reader *reader,
                         const lcmp_oscal_options *opts,
                         lcmp_error *err)
{
    size_t i;

    memset(ctx, 0, sizeof(*ctx));
    ctx->reader = reader;
    ctx->err = err;
    ctx->lim.max_size = LCMP__DEFAULT_MAX_FILE_SIZE;
    ctx->lim.max_depth = LCMP__DEFAULT_MAX_DEPTH;
    ctx->max_imports = DEFAULT_MAX_IMPORTS;
    if (opts != NULL) {
        if (opts->version != LCMP_OSCAL_OPTIONS_VERSION) {
            return lcmp__error_set(err,
                                   LCMP_EINVALID,
                                   NULL,
                                   NULL,
                                   "unknown OSCAL options version %u",
                                   opts->version);
        }
        if (opts->nhrefs > 0 && opts->hrefs == NULL) {
            return lcmp__error_set(
                err, LCMP_EINVALID, NULL, NULL, "no href map given");
        }
        for (i = 0; i < opts->nhrefs; i++) {
            if (opts->hrefs[i].href == NULL || opts->hrefs[i].path == NULL) {
                return lcmp__error_set(err,
                                       LCMP_EINVALID,
                                       NULL,
                                       NULL,
                                       "href map entry %zu is incomplete",
                                       i);
            }
        }
        if (opts->max_file_size != 0) {
            ctx->lim.max_size = opts->max_file_size;
        }
        if (opts->max_depth != 0) {
            ctx->lim.max_depth = opts->max_depth;
        }
        if (opts->max_imports != 0) {
            ctx->max_imports = opts->max_imports;
        }
        ctx->hrefs = opts->hrefs;
        ctx->nhrefs = opts->nhrefs;
        ctx->last_modified = opts->last_modified;
        ctx->warn = opts->warn;
        ctx->warn_payload = opts->warn_payload;
    }
    ctx->chain = calloc((size_t)ctx->max_imports + 1, sizeof(*ctx->chain));
    if (ctx->chain == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    return 0;
}

void lcmp__oscal_ctx_dispose(lcmp__oscal_ctx *ctx)
{
    size_t i;

    for (i = 0; i < ctx->ndocs; i++) {
        lcmp__oscal_doc *d = ctx->docs[i];

        lcmp__oscal_index_free(d->index);
        json_decref(d->resolved);
        json_decref(d->root);
        free(d->path);
        free(d->source);
        free(d);
    }
    free(ctx->docs);
    free(ctx->chain);
    memset(ctx, 0, sizeof(*ctx));
}

void lcmp__oscal_warn(lcmp__oscal_ctx *ctx,
                      const char *source,
                      const char *pointer,
                      const char *fmt,
                      ...)
{
    lcmp_error w;
    va_list ap;

    if (ctx->warn == NULL) {
        return;
    }
    va_start(ap, fmt);
    lcmp__error_vset(&w, 0, source, pointer, fmt, ap);
    va_end(ap);
    ctx->warn(&w, ctx->warn_payload);
}

/*
 * Paths and hrefs.
 */

char *lcmp__oscal_normalise(const char *path, int in_tree)
{
    size_t len = strlen(path), nseg = 0, i, *starts = NULL, *lens = NULL;
    int absolute = path[0] == '/';
    const char *s = path;
    lcmp_buf out = LCMP_BUF_INIT;
    char *result = NULL;

    if (len == 0 || (absolute && in_tree)) {
        return NULL;
    }
    starts = malloc((len + 1) * sizeof(*starts));
    lens = malloc((len + 1) * sizeof(*lens));
    if (starts == NULL || lens == NULL) {
        goto done;
    }
    while (*s != '\0') {
        size_t n = strcspn(s, "/");

        if (n == 0 || (n == 1 && s[0] == '.')) {
            /* "//" and "." */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (nseg > 0 &&
                !(lens[nseg - 1] == 2 && path[starts[nseg - 1]] == '.' &&
                  path[starts[nseg - 1] + 1] == '.'))
            {
                nseg--;
            } else if (in_tree) {
                goto done;
            } else if (!absolute) {
                starts[nseg] = (size_t)(s - path);
                lens[nseg++] = 2;
            }
        } else {
            starts[nseg] = (size_t)(s - path);
            lens[nseg++] = n;
        }
        s += n;
        if (*s == '/') {
            s++;
        }
    }
    if (lcmp__buf_puts(&out, absolute ? "/" : "") != 0) {
        goto done;
    }
    for (i = 0; i < nseg; i++) {
        if ((i > 0 && lcmp__buf_puts(&out, "/") != 0) ||
            lcmp__buf_put(&out, path + starts[i], lens[i]) != 0)
        {
            goto done;
        }
    }
    if (out.size == 0 && lcmp__buf_puts(&out, ".") != 0) {
        goto done;
    }
    result = out.ptr;
    out.ptr = NULL;
done:
    lcmp_buf_dispose(&out);
    free(starts);
    free(lens);
    return result;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Percent-decode a URI path into a new string; NULL when malformed (or
 * when it would decode to a NUL byte). */
static char *uri_decode(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    size_t i, n = 0;

    if (out == NULL) {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        int hi, lo;

        if (s[i] != '%') {
            out[n++] = s[i];
            continue;
        }
        hi = i + 2 < len ? hex_digit(s[i + 1]) : -1;
        lo = i + 2 < len ? hex_digit(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            return NULL;
        }
        out[n++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[n] = '\0';
    return out;
}

static const char *mapped(const lcmp__oscal_ctx *ctx, const char *href)
{
    size_t i;

    for (i = 0; i < ctx->nhrefs; i++) {
        if (strcmp(ctx->hrefs[i].href, href) == 0) {
            return ctx->hrefs[i].path;
        }
    }
    return NULL;
}

static int has_scheme(const char *s)
{
    size_t i = 0;

    if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
        return 0;
    }
    while ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
           (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
           s[i] == '.')
    {
        i++;
    }
    return s[i] == ':';
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The rlink of back-matter resource "#uuid" in `doc` to read (p at the
 * href); *mapped_out when the href map redirects one of its rlinks. */
static int follow_resource(const char **out,
                           const char **mapped_out,
                           lcmp__oscal_ctx *ctx,
                           const lcmp__oscal_doc *doc,
                           const char *uuid,
                           lcmp__jpath *p)
{
    const json_t *res = NULL, *v, *rlinks, *pick = NULL;
    size_t k;

    json_array_foreach (
        json_object_get(json_object_get(doc->body, "back-matter"), "resources"),
        k,
        v)
    {
        if (strcmp(get_str(v, "uuid") != NULL ? get_str(v, "uuid") : "",
                   uuid) == 0) {
            res = v;
            break;
        }
    }
    if (res == NULL) {
        return lcmp__jpath_error(
            p, LCMP_EINVALID, "no back-matter resource with uuid '%s'", uuid);
    }
    rlinks = json_object_get(res, "rlinks");
    if (json_array_size(rlinks) == 0) {
        return lcmp__jpath_error(p,
                                 LCMP_EINVALID,
                                 "back-matter resource '%s' has no rlinks "
                                 "(embedded base64 content is not read)",
                                 uuid);
    }
    json_array_foreach (rlinks, k, v) {
        const char *href = get_str(v, "href");

        if (href != NULL && mapped(ctx, href) != NULL) {
            *mapped_out = mapped(ctx, href);
            return 0;
        }
    }
    /* a JSON rlink first, by media type, then by name, then the first */
    json_array_foreach (rlinks, k, v) {
        const char *mt = get_str(v, "media-type");

        if (pick == NULL && get_str(v, "href") != NULL && mt != NULL &&
            strstr(mt, "json") != NULL)
        {
            pick = v;
        }
    }
    json_array_foreach (rlinks, k, v) {
        const char *href = get_str(v, "href");

        if (pick == NULL && href != NULL && ends_with(href, ".json")) {
            pick = v;
        }
    }
    json_array_foreach (rlinks, k, v) {
        if (pick == NULL && get_str(v, "href") != NULL) {
            pick = v;
        }
    }
    if (pick == NULL) {
        return lcmp__jpath_error(p,
                                 LCMP_EINVALID,
                                 "back-matter resource '%s' has no rlink "
                                 "with an href",
                                 uuid);
    }
    *out = get_str(pick, "href");
    return 0;
}

int lcmp__oscal_import_path(char **out,
                            lcmp__oscal_ctx *ctx,
                            const lcmp__oscal_doc *doc,
                            const char *href,
                            lcmp__jpath *p)
{
    const char *target = href, *map = mapped(ctx, href), *slash;
    char *decoded = NULL, *joined = NULL, *norm = NULL;
    size_t len, dirlen;
    int rc = LCMP_ENOMEM;

    *out = NULL;
    if (map == NULL && href[0] == '#') {
        rc = follow_resource(&target, &map, ctx, doc, href + 1, p);
        if (rc < 0) {
            return rc;
        }
    }
    if (map != NULL) {
        norm = lcmp__oscal_normalise(map, ctx->reader != NULL);
        if (norm == NULL) {
            return lcmp__jpath_error(p,
                                     LCMP_EINVALID,
                                     "import '%s' is mapped to '%s', which "
                                     "is outside the baseline tree",
                                     href,
                                     map);
        }
        *out = norm;
        return 0;
    }
    if (has_scheme(target)) {
        return lcmp__jpath_error(p,
                                 LCMP_EINVALID,
                                 "import '%s' is a URL: only local files are "
                                 "read (map it to a file)",
                                 target);
    }
    len = strcspn(target, "?#");
    if (len == 0) {
        return lcmp__jpath_error(
            p, LCMP_EINVALID, "import href '%s' names no document", target);
    }
    decoded = uri_decode(target, len);
    if (decoded == NULL) {
        return lcmp__jpath_error(p,
                                 LCMP_EINVALID,
                                 "import href '%s' is not a valid URI "
                                 "reference",
                                 target);
    }
    slash = strrchr(doc->path, '/');
    dirlen = slash != NULL ? (size_t)(slash - doc->path) + 1 : 0;
    if (decoded[0] == '/') {
        dirlen = 0;
    }
    joined = malloc(dirlen + strlen(decoded) + 6);
    if (joined == NULL) {
        goto done;
    }
    memcpy(joined, doc->path, dirlen);
    memcpy(joined + dirlen, decoded, strlen(decoded) + 1);
    /* JSON is the one serialisation read: an XML or YAML name stands for
     * the JSON document beside it */
    {
        static const char *const exts[] = {".xml", ".yaml", ".yml"};
        size_t i;

        for (i = 0; i < 3; i++) {
            if (ends_with(joined, exts[i])) {
                memcpy(joined + strlen(joined) - strlen(exts[i]), ".json", 6);
                break;
            }
        }
    }
    norm = lcmp__oscal_normalise(joined, ctx->reader != NULL);
    if (norm == NULL) {
        rc = lcmp__jpath_error(p,
                               LCMP_EINVALID,
                               ctx->reader != NULL
                                   ? "import '%s' leads outside the baseline "
                                     "tree"
                                   : "import '%s' names no file",
                               target);
        goto done;
    }
    *out = norm;
    rc = 0;
done:
    free(decoded);
    free(joined);
    return rc == LCMP_ENOMEM
               ? lcmp__jpath_error(p, LCMP_ENOMEM, "out of memory")
               : rc;
}

/*
 * Documents.
 */

/* Check what every OSCAL document needs here (p at the root). */
static int check_document(lcmp__oscal_doc *d, lcmp__jpath *p)
{
    static const char *const meta_required[] = {
        "title", "last-modified", "version", "oscal-version"};
    const char *key, *uuid = NULL, *s = NULL;
    json_t *v, *meta = NULL;
    size_t i, old;
    int rc;

    if (!json_is_object(d->root)) {
        return lcmp__jpath_error(p,
                                 LCMP_EPARSE,
                                 "expected an object, got %s",
                                 lcmp__json_type_name(d->root));
    }
    json_object_foreach (d->root, key, v) {
        if (strcmp(key, "catalog") == 0 || strcmp(key, "profile") == 0) {
            if (d->body != NULL) {
                return lcmp__jpath_error(
                    p, LCMP_EPARSE, "both a catalog and a profile");
            }
            d->body = v;
            d->profile = key[0] == 'p';
        } else if (strcmp(key, "$schema") != 0) {
            return lcmp__jpath_error_at(p,
                                        key,
                                        LCMP_EPARSE,
                                        "not an OSCAL catalog or profile "
                                        "(found '%s')",
                                        key);
        }
    }
    if (d->body == NULL) {
        return lcmp__jpath_error(p,
                                 LCMP_EPARSE,
                                 "not an OSCAL catalog or profile: expected "
                                 "a member 'catalog' or 'profile'");
    }
    old = lcmp__jpath_push(p, d->profile ? "profile" : "catalog");
    if (!json_is_object(d->body)) {
        rc = lcmp__jpath_error(p,
                               LCMP_EPARSE,
                               "expected an object, got %s",
                               lcmp__json_type_name(d->body));
        goto done;
    }
    rc = lcmp__json_get_string(&uuid, d->body, "uuid", 1, p);
    if (rc == 0) {
        rc = lcmp__json_get_object(&meta, d->body, "metadata", 1, p);
    }
    if (rc < 0) {
        goto done;
    }
    lcmp__jpath_push(p, "metadata");
    for (i = 0; i < 4 && rc == 0; i++) {
        rc = lcmp__json_get_string(&s, meta, meta_required[i], 1, p);
    }
    if (rc == 0 && strncmp(s, "1.", 2) != 0) {
        rc = lcmp__jpath_error_at(p,
                                  "oscal-version",
                                  LCMP_EINVALID,
                                  "unsupported oscal-version '%s' (expected "
                                  "1.x)",
                                  s);
    }
done:
    lcmp__jpath_pop(p, old);
    return rc;
}

int lcmp__oscal_sha256(uint8_t out[32],
                       const void *data,
                       size_t len,
                       lcmp_error *err)
{
    unsigned int n = 0;

    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1 || n != 32) {
        return lcmp__error_set(
            err, LCMP_ECRYPTO, NULL, NULL, "SHA-256 failed in OpenSSL");
    }
    return 0;
}

int lcmp__oscal_uuid(char out[37],
                     const char *name,
                     size_t len,
                     lcmp_error *err)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char hex[33];

    if (md == NULL || EVP_DigestInit_ex(md, EVP_sha1(), NULL) != 1 ||
        EVP_DigestUpdate(md, uuid_namespace, sizeof(uuid_namespace)) != 1 ||
        EVP_DigestUpdate(md, name, len) != 1 ||
        EVP_DigestFinal_ex(md, h, &n) != 1 || n < 16)
    {
        EVP_MD_CTX_free(md);
        return lcmp__error_set(
            err, LCMP_ECRYPTO, NULL, NULL, "SHA-1 failed in OpenSSL");
    }
    EVP_MD_CTX_free(md);
    h[6] = (uint8_t)((h[6] & 0x0f) | 0x50);
    h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
    lcmp__hex(hex, h, 16);
    snprintf(out,
             37,
             "%.8s-%.4s-%.4s-%.4s-%.12s",
             hex,
             hex + 8,
             hex + 12,
             hex + 16,
             hex + 20);
    return 0;
}

/*
 * A whole file, in a buffer of its exact size when it is a regular file
 * (catalogs are megabytes: growing a buffer by doubling would copy them
 * several times); otherwise as lcmp__file_read() does it.
 */
static int
read_file(lcmp_buf *out, const char *path, size_t max_size, lcmp_error *err)
{
    struct stat st;
    FILE *f;
    size_t n;

    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uintmax_t)st.st_size > (uintmax_t)max_size)
    {
        return lcmp__file_read(out, path, max_size, err);
    }
    if (lcmp__buf_grow(out, (size_t)st.st_size + 1) != 0) {
        return lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        return lcmp__file_read(out, path, max_size, err);
    }
    n = fread(out->ptr, 1, (size_t)st.st_size, f);
    if (n != (size_t)st.st_size || fgetc(f) != EOF) {
        /* it changed under us: read it the general way */
        fclose(f);
        return lcmp__file_read(out, path, max_size, err);
    }
    fclose(f);
    out->size = n;
    out->ptr[n] = '\0';
    return 0;
}

int lcmp__oscal_open(lcmp__oscal_doc **out,
                     lcmp__oscal_ctx *ctx,
                     const char *path)
{
    lcmp__oscal_doc *d = NULL, **grown;
    lcmp_buf buf = LCMP_BUF_INIT;
    char name[256];
    lcmp__jpath p;
    size_t i;
    int rc;

    *out = NULL;
    for (i = 0; i < ctx->ndocs; i++) {
        if (strcmp(ctx->docs[i]->path, path) == 0) {
            *out = ctx->docs[i];
            return 0;
        }
    }
    if (ctx->reader != NULL && ctx->reader->source != NULL) {
        ctx->reader->source(name, sizeof(name), path, ctx->reader->payload);
    } else {
        lcmp__strlcpy_left(name, sizeof(name), path);
    }
    d = calloc(1, sizeof(*d));
    grown = realloc(ctx->docs, (ctx->ndocs + 1) * sizeof(*grown));
    if (grown != NULL) {
        ctx->docs = grown;
    }
    if (d == NULL || grown == NULL || (d->path = lcmp__strdup(path)) == NULL ||
        (d->source = lcmp__strdup(name)) == NULL)
    {
        rc =
            lcmp__error_set(ctx->err, LCMP_ENOMEM, name, NULL, "out of memory");
        goto done;
    }
    if (ctx->reader != NULL) {
        rc = ctx->reader->read(
            &buf, path, ctx->lim.max_size, ctx->reader->payload, ctx->err);
    } else {
        rc = read_file(&buf, path, ctx->lim.max_size, ctx->err);
    }
    if (rc == 0) {
        d->size = buf.size;
        rc = lcmp__oscal_sha256(d->sha256, buf.ptr, buf.size, ctx->err);
    }
    if (rc == 0) {
        rc = lcmp__json_parse(&d->root,
                              (const uint8_t *)buf.ptr,
                              buf.size,
                              d->source,
                              &ctx->lim,
                              ctx->err);
    }
    if (rc == 0) {
        lcmp__jpath_init(&p, d->source, ctx->err);
        rc = check_document(d, &p);
    }
    if (rc < 0) {
        goto done;
    }
    ctx->docs[ctx->ndocs++] = d;
    *out = d;
    d = NULL;
done:
    if (d != NULL) {
        json_decref(d->root);
        free(d->path);
        free(d->source);
        free(d);
    }
    lcmp_buf_dispose(&buf);
    return rc;
}

int lcmp__oscal_catalog_of(json_t **catalog,
                           lcmp__oscal_index **index,
                           lcmp__oscal_ctx *ctx,
                           lcmp__oscal_doc *doc)
{
    json_t *cat = doc->body;
    char src[256];
    int rc;

    if (doc->index == NULL) {
        if (doc->profile) {
            if (doc->resolved == NULL) {
                rc = lcmp__oscal_resolve_profile(ctx, doc);
                if (rc < 0) {
                    return rc;
                }
            }
            cat = json_object_get(doc->resolved, "catalog");
        }
        snprintf(src,
                 sizeof(src),
                 "%s%s",
                 doc->profile ? "resolved " : "",
                 doc->source);
        rc = lcmp__oscal_index_build(&doc->index, cat, src, ctx->err);
        if (rc < 0) {
            return rc;
        }
    }
    *catalog = doc->index->catalog;
    *index = doc->index;
    return 0;
}

/*
 * Catalog index.
 */

typedef struct builder {
    lcmp__oscal_index *ix;
    size_t actls, agrps, aprms;
    lcmp__jpath p;
} builder;

static int builder_oom(builder *b)
{
    return lcmp__jpath_error(&b->p, LCMP_ENOMEM, "out of memory");
}

/* The loose or control parameters in obj["params"] (p at obj). */
static int walk_params(builder *b, const json_t *obj, size_t ctl)
{
    json_t *params = NULL, *v;
    size_t k, old;
    int rc;

    rc = lcmp__json_get_array(&params, obj, "params", 0, &b->p);
    if (rc < 0 || params == NULL) {
        return rc;
    }
    old = lcmp__jpath_push(&b->p, "params");
    json_array_foreach (params, k, v) {
        lcmp__oscal_prm *pr;
        const char *id = NULL;
        size_t kold = lcmp__jpath_push_index(&b->p, k);

        if (!json_is_object(v)) {
            return lcmp__jpath_error(&b->p,
                                     LCMP_EPARSE,
                                     "expected an object, got %s",
                                     lcmp__json_type_name(v));
        }
        rc = lcmp__json_get_string(&id, v, "id", 1, &b->p);
        if (rc < 0) {
            return rc;
        }
        if (b->ix->nprms == b->aprms) {
            size_t n = b->aprms ? 2 * b->aprms : 256;

            pr = realloc(b->ix->prms, n * sizeof(*pr));
            if (pr == NULL) {
                return builder_oom(b);
            }
            b->ix->prms = pr;
            b->aprms = n;
        }
        pr = &b->ix->prms[b->ix->nprms++];
        pr->id = id;
        pr->obj = v;
        pr->ctl = ctl;
        lcmp__jpath_pop(&b->p, kold);
    }
    lcmp__jpath_pop(&b->p, old);
    return 0;
}

static int
walk_controls(builder *b, const json_t *obj, size_t parent, size_t group)
{
    json_t *controls = NULL, *c;
    size_t k, old;
    int rc;

    rc = lcmp__json_get_array(&controls, obj, "controls", 0, &b->p);
    if (rc < 0 || controls == NULL) {
        return rc;
    }
    old = lcmp__jpath_push(&b->p, "controls");
    json_array_foreach (controls, k, c) {
        lcmp__oscal_index *ix = b->ix;
        const char *id = NULL, *title = NULL;
        size_t i, kold = lcmp__jpath_push_index(&b->p, k);

        if (!json_is_object(c)) {
            return lcmp__jpath_error(&b->p,
                                     LCMP_EPARSE,
                                     "expected an object, got %s",
                                     lcmp__json_type_name(c));
        }
        rc = lcmp__json_get_string(&id, c, "id", 1, &b->p);
        if (rc == 0) {
            rc = lcmp__json_get_string(&title, c, "title", 1, &b->p);
        }
        if (rc < 0) {
            return rc;
        }
        if (ix->nctls == b->actls) {
            size_t n = b->actls ? 2 * b->actls : 512;
            lcmp__oscal_ctl *g = realloc(ix->ctls, n * sizeof(*g));

            if (g == NULL) {
                return builder_oom(b);
            }
            ix->ctls = g;
            b->actls = n;
        }
        i = ix->nctls++;
        ix->ctls[i].obj = c;
        ix->ctls[i].id = id;
        ix->ctls[i].parent = parent;
        ix->ctls[i].group = group;
        ix->ctls[i].pos = k;
        rc = walk_params(b, c, i);
        if (rc == 0) {
            rc = walk_controls(b, c, i, group);
        }
        if (rc < 0) {
            return rc;
        }
        b->ix->ctls[i].end = b->ix->nctls;
        lcmp__jpath_pop(&b->p, kold);
    }
    lcmp__jpath_pop(&b->p, old);
    return 0;
}

static int walk_groups(builder *b, const json_t *obj, size_t parent)
{
    json_t *groups = NULL, *g;
    size_t k, old;
    int rc;

    rc = lcmp__json_get_array(&groups, obj, "groups", 0, &b->p);
    if (rc < 0 || groups == NULL) {
        return rc;
    }
    old = lcmp__jpath_push(&b->p, "groups");
    json_array_foreach (groups, k, g) {
        lcmp__oscal_index *ix = b->ix;
        const char *id = NULL, *title = NULL;
        size_t gi, kold = lcmp__jpath_push_index(&b->p, k);

        if (!json_is_object(g)) {
            return lcmp__jpath_error(&b->p,
                                     LCMP_EPARSE,
                                     "expected an object, got %s",
                                     lcmp__json_type_name(g));
        }
        rc = lcmp__json_get_string(&id, g, "id", 0, &b->p);
        if (rc == 0) {
            rc = lcmp__json_get_string(&title, g, "title", 1, &b->p);
        }
        if (rc < 0) {
            return rc;
        }
        if (ix->ngrps == b->agrps) {
            size_t n = b->agrps ? 2 * b->agrps : 32;
            lcmp__oscal_grp *gg = realloc(ix->grps, n * sizeof(*gg));

            if (gg == NULL) {
                return builder_oom(b);
            }
            ix->grps = gg;
            b->agrps = n;
        }
        gi = ix->ngrps++;
        ix->grps[gi].obj = g;
        ix->grps[gi].id = id;
        ix->grps[gi].title = title;
        ix->grps[gi].parent = parent;
        ix->grps[gi].pos = k;
        rc = walk_params(b, g, SIZE_MAX);
        if (rc == 0) {
            rc = walk_controls(b, g, SIZE_MAX, gi);
        }
        if (rc == 0) {
            rc = walk_groups(b, g, gi);
        }
        if (rc < 0) {
            return rc;
        }
        lcmp__jpath_pop(&b->p, kold);
    }
    lcmp__jpath_pop(&b->p, old);
    return 0;
}

/* Sort keys: an id and the index it belongs to (stable on equal ids). */
typedef struct keyed {
    const char *s;
    size_t i;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->s, y->s);

    if (c != 0) {
        return c;
    }
    return x->i < y->i ? -1 : x->i > y->i;
}

static int prm_cmp(const void *a, const void *b)
{
    const lcmp__oscal_prm *x = a, *y = b;
    int c = strcmp(x->id, y->id);

    if (c != 0) {
        return c;
    }
    return x->obj < y->obj ? -1 : x->obj > y->obj;
}

int lcmp__oscal_index_build(lcmp__oscal_index **out,
                            json_t *catalog,
                            const char *source,
                            lcmp_error *err)
{
    builder b;
    keyed *keys = NULL;
    size_t i;
    int rc;

    *out = NULL;
    memset(&b, 0, sizeof(b));
    lcmp__jpath_init(&b.p, source, err);
    lcmp__jpath_push(&b.p, "catalog");
    b.ix = calloc(1, sizeof(*b.ix));
    if (b.ix == NULL) {
        return lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
    }
    b.ix->catalog = catalog;
    rc = walk_params(&b, catalog, SIZE_MAX);
    if (rc == 0) {
        rc = walk_controls(&b, catalog, SIZE_MAX, SIZE_MAX);
    }
    if (rc == 0) {
        rc = walk_groups(&b, catalog, SIZE_MAX);
    }
    if (rc < 0) {
        goto done;
    }
    b.ix->by_id = malloc((b.ix->nctls + 1) * sizeof(*b.ix->by_id));
    keys = malloc((b.ix->nctls + 1) * sizeof(*keys));
    if (b.ix->by_id == NULL || keys == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
        goto done;
    }
    for (i = 0; i < b.ix->nctls; i++) {
        keys[i].s = b.ix->ctls[i].id;
        keys[i].i = i;
    }
    qsort(keys, b.ix->nctls, sizeof(*keys), keyed_cmp);
    for (i = 0; i < b.ix->nctls; i++) {
        b.ix->by_id[i] = keys[i].i;
        if (i > 0 && strcmp(keys[i - 1].s, keys[i].s) == 0) {
            char ptr[256];
            size_t n;

            lcmp__oscal_control_pointer(ptr, sizeof(ptr), b.ix, keys[i].i);
            n = strlen(ptr);
            snprintf(ptr + n, sizeof(ptr) - n, "/id");
            rc = lcmp__error_set(err,
                                 LCMP_EINVALID,
                                 source,
                                 ptr,
                                 "duplicate control id '%s'",
                                 keys[i].s);
            goto done;
        }
    }
    if (b.ix->nprms > 1) {
        qsort(b.ix->prms, b.ix->nprms, sizeof(*b.ix->prms), prm_cmp);
    }
    *out = b.ix;
    b.ix = NULL;
    rc = 0;
done:
    free(keys);
    lcmp__oscal_index_free(b.ix);
    return rc;
}

void lcmp__oscal_index_free(lcmp__oscal_index *ix)
{
    if (ix == NULL) {
        return;
    }
    free(ix->ctls);
    free(ix->grps);
    free(ix->by_id);
    free(ix->prms);
    free(ix);
}

size_t lcmp__oscal_find_control(const lcmp__oscal_index *ix, const char *id)
{
    size_t lo = 0, hi = ix->nctls;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(id, ix->ctls[ix->by_id[mid]].id);

        if (c == 0) {
            return ix->by_id[mid];
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return SIZE_MAX;
}

const lcmp__oscal_prm *lcmp__oscal_find_param(const lcmp__oscal_index *ix,
                                              const char *id)
{
    size_t lo = 0, hi = ix->nprms;

    /* the first of equal ids */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(ix->prms[mid].id, id) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < ix->nprms && strcmp(ix->prms[lo].id, id) == 0) {
        return &ix->prms[lo];
    }
    return NULL;
}

/* Steps from the root down to a control or group, reversed. */
typedef struct step {
    const char *key;
    size_t pos;
} step;

static void write_steps(char *out, size_t size, const step *steps, size_t n)
{
    size_t len = (size_t)snprintf(out, size, "/catalog");

    while (n-- > 0 && len < size) {
        len += (size_t)snprintf(
            out + len, size - len, "/%s/%zu", steps[n].key, steps[n].pos);
    }
}

static size_t group_steps(step *steps,
                          size_t n,
                          size_t max,
                          const lcmp__oscal_index *ix,
                          size_t g)
{
    while (g != SIZE_MAX && n < max) {
        steps[n].key = "groups";
        steps[n].pos = ix->grps[g].pos;
        n++;
        g = ix->grps[g].parent;
    }
    return n;
}

void lcmp__oscal_control_pointer(char *out,
                                 size_t size,
                                 const lcmp__oscal_index *ix,
                                 size_t i)
{
    step steps[128];
    size_t n = 0, g = ix->ctls[i].group;

    while (i != SIZE_MAX && n < 128) {
        steps[n].key = "controls";
        steps[n].pos = ix->ctls[i].pos;
        n++;
        i = ix->ctls[i].parent;
    }
    n = group_steps(steps, n, 128, ix, g);
    write_steps(out, size, steps, n);
}

static void
group_pointer(char *out, size_t size, const lcmp__oscal_index *ix, size_t g)
{
    step steps[128];

    write_steps(out, size, steps, group_steps(steps, 0, 128, ix, g));
}

int lcmp__oscal_has_prop(const json_t *obj, const char *name, const char *value)
{
    json_t *v;
    size_t k;

    json_array_foreach (json_object_get(obj, "props"), k, v) {
        const char *ns = get_str(v, "ns");

        if (get_str(v, "name") != NULL && get_str(v, "value") != NULL &&
            strcmp(get_str(v, "name"), name) == 0 &&
            strcmp(get_str(v, "value"), value) == 0 &&
            (ns == NULL || strcmp(ns, LCMP__OSCAL_NIST_NS) == 0))
        {
            return 1;
        }
    }
    return 0;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return lcmp__buf_put(data, buffer, size) == 0 ? 0 : -1;
}

int lcmp__oscal_dump(lcmp_buf *out,
                     const json_t *doc,
                     uint32_t flags,
                     lcmp_error *err)
{
    size_t jflags =
        (flags & LCMP_OSCAL_F_COMPACT) ? JSON_COMPACT : JSON_INDENT(2);

    lcmp__buf_clear(out);
    if (json_dump_callback(doc, dump_cb, out, jflags) != 0 ||
        lcmp__buf_puts(out, "\n") != 0)
    {
        lcmp_buf_dispose(out);
        return lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
    }
    return 0;
}

/*
 * Resolution entry points.
 */

static int resolve_top(lcmp_buf *out,
                       lcmp__oscal_ctx *ctx,
                       const char *path,
                       uint32_t flags)
{
    lcmp__oscal_doc *doc = NULL;
    lcmp__oscal_index *ix;
    json_t *cat;
    char *norm = lcmp__oscal_normalise(path, ctx->reader != NULL);
    int rc;

    if (norm == NULL) {
        return lcmp__error_set(
            ctx->err, LCMP_EINVALID, path, NULL, "invalid path '%s'", path);
    }
    rc = lcmp__oscal_open(&doc, ctx, norm);
    free(norm);
    if (rc == 0 && doc->profile) {
        rc = lcmp__oscal_catalog_of(&cat, &ix, ctx, doc);
    }
    if (rc == 0) {
        size_t i, in = 0;

        /* room for the output: about half the inputs for a baseline of a
         * large catalog, so that the buffer is rarely copied */
        for (i = 0; i < ctx->ndocs; i++) {
            in += ctx->docs[i]->size;
        }
        lcmp__buf_clear(out);
        if (lcmp__buf_grow(out, in / 2 + 65536) != 0) {
            return lcmp__error_set(
                ctx->err, LCMP_ENOMEM, path, NULL, "out of memory");
        }
        rc = lcmp__oscal_dump(
            out, doc->profile ? doc->resolved : doc->root, flags, ctx->err);
    }
    return rc;
}

int lcmp_oscal_resolve(lcmp_buf *out,
                       const char *profile_path,
                       const lcmp_oscal_options *opts,
                       uint32_t flags,
                       lcmp_error *err)
{
    lcmp__oscal_ctx ctx;
    int rc;

    if (out == NULL || profile_path == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no %s given",
                               out == NULL ? "output" : "profile");
    }
    rc = lcmp__oscal_ctx_init(&ctx, NULL, opts, err);
    if (rc == 0) {
        rc = resolve_top(out, &ctx, profile_path, flags);
    }
    lcmp__oscal_ctx_dispose(&ctx);
    return rc;
}

int lcmp__oscal_resolve_reader(lcmp_buf *out,
                               const lcmp_reader *reader,
                               const char *path,
                               const lcmp_oscal_options *opts,
                               uint32_t flags,
                               lcmp_error *err)
{
    lcmp__oscal_ctx ctx;
    int rc;

    if (out == NULL || reader == NULL || reader->read == NULL || path == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no output, reader or path given");
    }
    rc = lcmp__oscal_ctx_init(&ctx, reader, opts, err);
    if (rc == 0) {
        rc = resolve_top(out, &ctx, path, flags);
    }
    lcmp__oscal_ctx_dispose(&ctx);
    return rc;
}

/*
 * Baselines from OSCAL: translation into native documents.
 */

/* What a translated profile selects. */
typedef struct prof_spec {
    const char *id;
    const char *title;
    json_t *ids;     /* control ids, resolved order */
    json_t *params;  /* control id -> parameter -> value, or NULL */
    char where[256]; /* pointer of its definition, for errors */
} prof_spec;

/* The translated files, served by an lcmp_reader. */
typedef struct synth_file {
    char *path;
    char *text;
    size_t len;
} synth_file;

typedef struct synth {
    synth_file *files;
    size_t n;
    char label[200];
} synth;

static int synth_read(lcmp_buf *out,
                      const char *path,
                      size_t max_size,
                      void *payload,
                      lcmp_error *err)
{
    const synth *s = payload;
    size_t i;

    for (i = 0; i < s->n; i++) {
        if (strcmp(s->files[i].path, path) != 0) {
            continue;
        }
        if (s->files[i].len > max_size) {
            return lcmp__error_set(err,
                                   LCMP_ELIMIT,
                                   path,
                                   NULL,
                                   "file is larger than %zu bytes",
                                   max_size);
        }
        lcmp__buf_clear(out);
        if (lcmp__buf_put(out, s->files[i].text, s->files[i].len) != 0 ||
            lcmp__buf_grow(out, 1) != 0)
        {
            return lcmp__error_set(
                err, LCMP_ENOMEM, path, NULL, "out of memory");
        }
        return 0;
    }
    return lcmp__error_set(err, LCMP_ENOTFOUND, path, NULL, "no such file");
}

static void
synth_source(char *out, size_t size, const char *path, void *payload)
{
    const synth *s = payload;
    char name[512];

    snprintf(name, sizeof(name), "<oscal:%s>/%s", s->label, path);
    lcmp__strlcpy_left(out, size, name);
}

static void synth_free(synth *s)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        free(s->files[i].path);
        free(s->files[i].text);
    }
    free(s->files);
    s->files = NULL;
    s->n = 0;
}

/* Add a translated document (taken: decref'd here). */
static int synth_add(synth *s, const char *path, json_t *doc)
{
    synth_file *grown;
    char *text = NULL, *p = NULL;

    if (doc != NULL) {
        text = json_dumps(doc, JSON_COMPACT);
    }
    json_decref(doc);
    p = lcmp__strdup(path);
    grown = realloc(s->files, (s->n + 1) * sizeof(*grown));
    if (grown != NULL) {
        s->files = grown;
    }
    if (text == NULL || p == NULL || grown == NULL) {
        free(text);
        free(p);
        return LCMP_ENOMEM;
    }
    s->files[s->n].path = p;
    s->files[s->n].text = text;
    s->files[s->n].len = strlen(text);
    s->n++;
    return 0;
}

/* A name for the baseline or profile from a file name: the identifier
 * characters of its base name without ".json". */
static void derive_id(char out[65], const char *path)
{
    const char *base = strrchr(path, '/');
    size_t n = 0, len;

    base = base != NULL ? base + 1 : path;
    len = strlen(base);
    if (ends_with(base, ".json")) {
        len -= 5;
    }
    for (; len > 0 && n < 64; base++, len--) {
        char c = *base;
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9');

        if (n == 0 && !alnum) {
            continue;
        }
        out[n++] = alnum || c == '.' || c == '_' || c == '-' ? c : '-';
    }
    if (n == 0) {
        memcpy(out, "oscal", 6);
        return;
    }
    out[n] = '\0';
}

/* The name of the party that created a document: the creator's, else the
 * first party's, else NULL. */
static const char *publisher_of(const json_t *meta)
{
    const json_t *rp, *party;
    size_t k, j;

    json_array_foreach (json_object_get(meta, "responsible-parties"), k, rp) {
        const char *uuid = json_string_value(
            json_array_get(json_object_get(rp, "party-uuids"), 0));

        if (uuid == NULL || get_str(rp, "role-id") == NULL ||
            strcmp(get_str(rp, "role-id"), "creator") != 0)
        {
            continue;
        }
        json_array_foreach (json_object_get(meta, "parties"), j, party) {
            if (get_str(party, "uuid") != NULL &&
                strcmp(get_str(party, "uuid"), uuid) == 0 &&
                get_str(party, "name") != NULL)
            {
                return get_str(party, "name");
            }
        }
    }
    return get_str(json_array_get(json_object_get(meta, "parties"), 0), "name");
}

static int render_prose(lcmp_buf *b,
                        const lcmp__oscal_index *ix,
                        const json_t *ctl,
                        const char *prose,
                        int depth);

/* A parameter's values joined by ", " (empty when it has none). */
static int param_value(lcmp_buf *b, const json_t *prm)
{
    json_t *v;
    size_t k;

    json_array_foreach (json_object_get(prm, "values"), k, v) {
        if (json_string_value(v) == NULL) {
            continue;
        }
        if ((b->size > 0 && lcmp__buf_puts(b, ", ") != 0) ||
            lcmp__buf_puts(b, json_string_value(v)) != 0)
        {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* "select one of: a; b" with the choices rendered. */
static int render_select(lcmp_buf *b,
                         const lcmp__oscal_index *ix,
                         const json_t *ctl,
                         const json_t *sel,
                         int depth)
{
    const char *how = get_str(sel, "how-many");
    json_t *v;
    size_t k;

    if (lcmp__buf_puts(b,
                       how != NULL && strcmp(how, "one-or-more") == 0
                           ? "select one or more of: "
                           : "select one of: ") != 0)
    {
        return LCMP_ENOMEM;
    }
    json_array_foreach (json_object_get(sel, "choice"), k, v) {
        if (json_string_value(v) == NULL) {
            continue;
        }
        if ((k > 0 && lcmp__buf_puts(b, "; ") != 0) ||
            render_prose(b, ix, ctl, json_string_value(v), depth + 1) != 0)
        {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* An inserted parameter as a reader of the catalog sees it: its values,
 * else "[Selection: ...]", else "[Assignment: label]". */
static int render_param(lcmp_buf *b,
                        const lcmp__oscal_index *ix,
                        const json_t *ctl,
                        const char *id,
                        size_t idlen,
                        int depth)
{
    const json_t *prm = NULL, *v;
    char key[128];
    size_t k;

    if (idlen >= sizeof(key) || depth > 4) {
        return lcmp__buf_puts(b, "[...]");
    }
    memcpy(key, id, idlen);
    key[idlen] = '\0';
    json_array_foreach (json_object_get(ctl, "params"), k, v) {
        if (get_str(v, "id") != NULL && strcmp(get_str(v, "id"), key) == 0) {
            prm = v;
            break;
        }
    }
    if (prm == NULL && lcmp__oscal_find_param(ix, key) != NULL) {
        prm = lcmp__oscal_find_param(ix, key)->obj;
    }
    if (prm == NULL) {
        return lcmp__buf_printf(b, "[%s]", key);
    }
    if (json_array_size(json_object_get(prm, "values")) > 0) {
        lcmp_buf val = LCMP_BUF_INIT;
        int rc = param_value(&val, prm);

        if (rc == 0 && val.size > 0) {
            rc = lcmp__buf_put(b, val.ptr, val.size);
        }
        lcmp_buf_dispose(&val);
        return rc;
    }
    if (json_object_get(prm, "select") != NULL) {
        if (lcmp__buf_puts(b, "[") != 0 ||
            render_select(b, ix, ctl, json_object_get(prm, "select"), depth) !=
                0 ||
            lcmp__buf_puts(b, "]") != 0)
        {
            return LCMP_ENOMEM;
        }
        return 0;
    }
    if (get_str(prm, "label") != NULL) {
        return lcmp__buf_printf(b, "[Assignment: %s]", get_str(prm, "label"));
    }
    return lcmp__buf_printf(b, "[%s]", key);
}

/* Prose with "{{ insert: param, id }}" replaced. */
static int render_prose(lcmp_buf *b,
                        const lcmp__oscal_index *ix,
                        const json_t *ctl,
                        const char *prose,
                        int depth)
{
    const char *s = prose, *open, *close;

    while ((open = strstr(s, "{{")) != NULL &&
           (close = strstr(open, "}}")) != NULL) {
        const char *q = open + 2;

        while (*q == ' ') {
            q++;
        }
        if (lcmp__buf_put(b, s, (size_t)(open - s)) != 0) {
            return LCMP_ENOMEM;
        }
        if (strncmp(q, "insert: param,", 14) == 0) {
            const char *id = q + 14;
            size_t n;

            while (*id == ' ') {
                id++;
            }
            n = (size_t)(close - id);
            while (n > 0 && id[n - 1] == ' ') {
                n--;
            }
            if (render_param(b, ix, ctl, id, n, depth) != 0) {
                return LCMP_ENOMEM;
            }
        } else if (lcmp__buf_put(b, open, (size_t)(close + 2 - open)) != 0) {
            return LCMP_ENOMEM;
        }
        s = close + 2;
    }
    return lcmp__buf_puts(b, s);
}

/* A statement part and its items, one per line, with their labels. */
static int render_part(lcmp_buf *b,
                       const lcmp__oscal_index *ix,
                       const json_t *ctl,
                       const json_t *part,
                       int level)
{
    const char *prose = get_str(part, "prose"), *label = NULL;
    json_t *v;
    size_t k;
    int i;

    json_array_foreach (json_object_get(part, "props"), k, v) {
        if (get_str(v, "name") != NULL &&
            strcmp(get_str(v, "name"), "label") == 0) {
            label = get_str(v, "value");
        }
    }
    if (prose != NULL || label != NULL) {
        if (b->size > 0 && lcmp__buf_puts(b, "\n") != 0) {
            return LCMP_ENOMEM;
        }
        for (i = 1; i < level; i++) {
            if (lcmp__buf_puts(b, "  ") != 0) {
                return LCMP_ENOMEM;
            }
        }
        if (label != NULL &&
            lcmp__buf_printf(b, "%s%s", label, prose != NULL ? " " : "") != 0)
        {
            return LCMP_ENOMEM;
        }
        if (prose != NULL && render_prose(b, ix, ctl, prose, 0) != 0) {
            return LCMP_ENOMEM;
        }
    }
    json_array_foreach (json_object_get(part, "parts"), k, v) {
        if (render_part(b, ix, ctl, v, level + 1) != 0) {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* A control's description: its statement, or for a withdrawn control
 * where it went. */
static int describe(lcmp_buf *b, const lcmp__oscal_index *ix, const json_t *ctl)
{
    json_t *v;
    size_t k, n = 0;

    json_array_foreach (json_object_get(ctl, "parts"), k, v) {
        if (get_str(v, "name") != NULL &&
            strcmp(get_str(v, "name"), "statement") == 0 &&
            render_part(b, ix, ctl, v, 0) != 0)
        {
            return LCMP_ENOMEM;
        }
    }
    if (b->size > 0 || !lcmp__oscal_has_prop(ctl, "status", "withdrawn")) {
        return 0;
    }
    if (lcmp__buf_puts(b, "Withdrawn") != 0) {
        return LCMP_ENOMEM;
    }
    json_array_foreach (json_object_get(ctl, "links"), k, v) {
        const char *rel = get_str(v, "rel"), *href = get_str(v, "href");

        if (rel == NULL || href == NULL ||
            (strcmp(rel, "incorporated-into") != 0 &&
             strcmp(rel, "moved-to") != 0))
        {
            continue;
        }
        if (lcmp__buf_printf(b,
                             "%s%s",
                             n++ == 0 ? (rel[0] == 'm' ? ": moved to "
                                                       : ": incorporated into ")
                                      : ", ",
                             href[0] == '#' ? href + 1 : href) != 0)
        {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

/* A parameter's description: its label and what may be selected. */
static int describe_param(lcmp_buf *b,
                          const lcmp__oscal_index *ix,
                          const json_t *ctl,
                          const json_t *prm)
{
    const char *label = get_str(prm, "label");
    const json_t *sel = json_object_get(prm, "select");

    if (label != NULL && lcmp__buf_puts(b, label) != 0) {
        return LCMP_ENOMEM;
    }
    if (sel != NULL) {
        if ((label != NULL && lcmp__buf_puts(b, " (") != 0) ||
            render_select(b, ix, ctl, sel, 0) != 0 ||
            (label != NULL && lcmp__buf_puts(b, ")") != 0))
        {
            return LCMP_ENOMEM;
        }
    }
    return 0;
}

static int set_new(json_t *obj, const char *key, json_t *v)
{
    return v != NULL && json_object_set_new(obj, key, v) == 0 ? 0 : LCMP_ENOMEM;
}

/* Translate control i (error location: `source` and its pointer). */
static int translate_control(json_t **out,
                             const lcmp__oscal_index *ix,
                             size_t i,
                             const char *source,
                             lcmp_error *err)
{
    const json_t *ctl = ix->ctls[i].obj, *prm;
    json_t *c = NULL, *params = NULL;
    lcmp_buf text = LCMP_BUF_INIT;
    char ptr[256];
    size_t k, n;
    int rc = LCMP_ENOMEM;

    lcmp__oscal_control_pointer(ptr, sizeof(ptr), ix, i);
    n = strlen(ptr);
    if (!lcmp__is_identifier(ix->ctls[i].id)) {
        snprintf(ptr + n, sizeof(ptr) - n, "/id");
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               source,
                               ptr,
                               "control id '%s' is not a libcompliance "
                               "identifier ([A-Za-z0-9][A-Za-z0-9._-]{0,63})",
                               ix->ctls[i].id);
    }
    c = json_object();
    params = json_object();
    if (c == NULL || params == NULL || lcmp__buf_puts(&text, "") != 0 ||
        describe(&text, ix, ctl) != 0 ||
        set_new(c, "id", json_string(ix->ctls[i].id)) != 0 ||
        set_new(c, "title", json_string(get_str(ctl, "title"))) != 0 ||
        set_new(c, "description", json_string(text.ptr)) != 0)
    {
        goto done;
    }
    json_array_foreach (json_object_get(ctl, "params"), k, prm) {
        const char *id = get_str(prm, "id");
        json_t *p = NULL;

        if (!lcmp__is_identifier(id) || json_object_get(params, id) != NULL) {
            snprintf(ptr + n, sizeof(ptr) - n, "/params/%zu/id", k);
            rc = lcmp__error_set(err,
                                 LCMP_EINVALID,
                                 source,
                                 ptr,
                                 lcmp__is_identifier(id)
                                     ? "duplicate parameter '%s'"
                                     : "parameter id '%s' is not a "
                                       "libcompliance identifier",
                                 id);
            goto done;
        }
        lcmp__buf_clear(&text);
        if (lcmp__buf_puts(&text, "") != 0 || param_value(&text, prm) != 0) {
            goto done;
        }
        p = json_pack("{ssss}", "type", "string", "default", text.ptr);
        if (p == NULL || json_object_set_new(params, id, p) != 0) {
            goto done;
        }
        lcmp__buf_clear(&text);
        if (lcmp__buf_puts(&text, "") != 0 ||
            describe_param(&text, ix, ctl, prm) != 0) {
            goto done;
        }
        if (text.size > 0 &&
            set_new(p, "description", json_string(text.ptr)) != 0) {
            goto done;
        }
    }
    if ((json_object_size(params) > 0 &&
         json_object_set(c, "params", params) != 0) ||
        json_object_set_new(c, "not_applicable", json_true()) != 0)
    {
        goto done;
    }
    *out = c;
    c = NULL;
    rc = 0;
done:
    json_decref(c);
    json_decref(params);
    lcmp_buf_dispose(&text);
    return rc == LCMP_ENOMEM
               ? lcmp__error_set(
                     err, LCMP_ENOMEM, source, NULL, "out of memory")
               : rc;
}

/* What a translated baseline says about itself. */
typedef struct head {
    const char *id;
    const char *title;
    const char *publisher;
    const char *description;
    const json_t *headline;
} head;

static const char ungrouped_id[] = "ungrouped";

/*
 * Translate catalog `ix` (named `source` in errors) and the profiles into
 * native documents and load them as a baseline.
 */
static int build_baseline(lcmp_baseline **out,
                          const lcmp__oscal_index *ix,
                          const char *source,
                          const head *h,
                          const prof_spec *specs,
                          size_t nspecs,
                          const lcmp_load_options *lopts,
                          lcmp_error *err)
{
    synth s;
    lcmp_reader reader;
    size_t *fam = NULL, nfam = 0, i, g, ungrouped = SIZE_MAX;
    json_t **lists = NULL, *families = NULL, *profiles = NULL, *doc = NULL;
    const char **fam_ids = NULL;
    char path[128], gen[32];
    int rc = LCMP_ENOMEM;

    memset(&s, 0, sizeof(s));
    lcmp__strlcpy_left(s.label, sizeof(s.label), source);
    /* families: "ungrouped" (if needed), then groups with controls */
    fam = malloc((ix->ngrps + 1) * sizeof(*fam));
    lists = calloc(ix->ngrps + 1, sizeof(*lists));
    fam_ids = calloc(ix->ngrps + 1, sizeof(*fam_ids));
    families = json_array();
    if (fam == NULL || lists == NULL || fam_ids == NULL || families == NULL) {
        goto done;
    }
    for (g = 0; g < ix->ngrps; g++) {
        fam[g] = SIZE_MAX;
    }
    for (i = 0; i < ix->nctls; i++) {
        if (ix->ctls[i].group == SIZE_MAX && ungrouped == SIZE_MAX) {
            ungrouped = nfam++;
        }
    }
    for (g = 0; g < ix->ngrps; g++) {
        for (i = 0; i < ix->nctls && fam[g] == SIZE_MAX; i++) {
            if (ix->ctls[i].group == g) {
                fam[g] = nfam++;
            }
        }
    }
    for (i = 0; i < nfam; i++) {
        lists[i] = json_array();
        if (lists[i] == NULL) {
            goto done;
        }
    }
    if (ungrouped != SIZE_MAX) {
        fam_ids[ungrouped] = ungrouped_id;
        if (json_array_append_new(families,
                                  json_pack("{ssss}",
                                            "id",
                                            ungrouped_id,
                                            "title",
                                            "Controls outside any group")) != 0)
        {
            goto done;
        }
    }
    for (g = 0; g < ix->ngrps; g++) {
        const char *id = ix->grps[g].id;
        char ptr[256];
        size_t j;

        if (fam[g] == SIZE_MAX) {
            continue;
        }
        if (id == NULL) {
            snprintf(gen, sizeof(gen), "group-%zu", g + 1);
            id = gen;
        }
        group_pointer(ptr, sizeof(ptr), ix, g);
        if (!lcmp__is_identifier(id)) {
            rc = lcmp__error_set(err,
                                 LCMP_EINVALID,
                                 source,
                                 ptr,
                                 "group id '%s' is not a libcompliance "
                                 "identifier ([A-Za-z0-9][A-Za-z0-9._-]"
                                 "{0,63})",
                                 id);
            goto done;
        }
        for (j = 0; j < nfam; j++) {
            if (fam_ids[j] != NULL && strcmp(fam_ids[j], id) == 0) {
                rc = lcmp__error_set(err,
                                     LCMP_EINVALID,
                                     source,
                                     ptr,
                                     "duplicate group id '%s'",
                                     id);
                goto done;
            }
        }
        if (json_array_append_new(
                families,
                json_pack("{ssss}", "id", id, "title", ix->grps[g].title)) != 0)
        {
            goto done;
        }
        /* the family's id, borrowed from the families array */
        fam_ids[fam[g]] = get_str(json_array_get(families, fam[g]), "id");
    }
    for (i = 0; i < ix->nctls; i++) {
        json_t *c = NULL;
        size_t f =
            ix->ctls[i].group == SIZE_MAX ? ungrouped : fam[ix->ctls[i].group];

        rc = translate_control(&c, ix, i, source, err);
        if (rc < 0) {
            goto done;
        }
        if (json_array_append_new(lists[f], c) != 0) {
            rc = LCMP_ENOMEM;
            goto done;
        }
    }
    rc = LCMP_ENOMEM;
    for (i = 0; i < nfam; i++) {
        snprintf(path, sizeof(path), "controls/%s.json", fam_ids[i]);
        doc = json_pack("{sssssO}",
                        "schema",
                        SCHEMA_CONTROLS,
                        "family",
                        fam_ids[i],
                        "controls",
                        lists[i]);
        if (doc == NULL || synth_add(&s, path, doc) != 0) {
            doc = NULL;
            goto done;
        }
        doc = NULL;
    }
    profiles = json_array();
    if (profiles == NULL) {
        goto done;
    }
    for (i = 0; i < nspecs; i++) {
        json_t *inc = json_pack("{sO}", "ids", specs[i].ids);

        doc = json_pack("{sssssssO}",
                        "schema",
                        SCHEMA_PROFILE,
                        "id",
                        specs[i].id,
                        "title",
                        specs[i].title,
                        "include",
                        inc);
        json_decref(inc);
        if (doc == NULL || inc == NULL ||
            (specs[i].params != NULL && json_object_size(specs[i].params) > 0 &&
             json_object_set(doc, "params", specs[i].params) != 0) ||
            json_array_append_new(profiles, json_string(specs[i].id)) != 0)
        {
            goto done;
        }
        snprintf(path, sizeof(path), "profiles/%s.json", specs[i].id);
        rc = synth_add(&s, path, doc);
        doc = NULL;
        if (rc != 0) {
            rc = LCMP_ENOMEM;
            goto done;
        }
    }
    rc = LCMP_ENOMEM;
    doc = json_pack("{sssssssssOsO}",
                    "schema",
                    SCHEMA_BASELINE,
                    "id",
                    h->id,
                    "title",
                    h->title,
                    "publisher",
                    h->publisher,
                    "families",
                    families,
                    "profiles",
                    profiles);
    if (doc == NULL ||
        (h->description != NULL &&
         set_new(doc, "description", json_string(h->description)) != 0) ||
        (h->headline != NULL &&
         json_object_set(doc, "headline", (json_t *)h->headline) != 0))
    {
        goto done;
    }
    rc = synth_add(&s, "baseline.json", doc);
    doc = NULL;
    if (rc != 0) {
        rc = LCMP_ENOMEM;
        goto done;
    }
    reader.read = synth_read;
    reader.source = synth_source;
    reader.payload = &s;
    rc = lcmp_baseline_load(out, &reader, lopts, err);
done:
    if (rc == LCMP_ENOMEM && (err == NULL || err->code != LCMP_ENOMEM)) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, source, NULL, "out of memory");
    }
    for (i = 0; lists != NULL && i < nfam; i++) {
        json_decref(lists[i]);
    }
    free(lists);
    free(fam);
    free(fam_ids);
    json_decref(families);
    json_decref(profiles);
    json_decref(doc);
    synth_free(&s);
    return rc;
}

/* Load options for the native loader from OSCAL options. */
static void load_options_of(lcmp_load_options *lo,
                            const lcmp_oscal_options *opts)
{
    lcmp_load_options_init(lo, LCMP_LOAD_OPTIONS_VERSION);
    if (opts != NULL && opts->version == LCMP_OSCAL_OPTIONS_VERSION) {
        lo->max_file_size = opts->max_file_size;
        lo->max_depth = opts->max_depth;
    }
}

/* Open the document at a path given by the caller. */
static int
open_top(lcmp__oscal_doc **doc, lcmp__oscal_ctx *ctx, const char *path)
{
    char *norm = lcmp__oscal_normalise(path, ctx->reader != NULL);
    int rc;

    if (norm == NULL) {
        return lcmp__error_set(
            ctx->err, LCMP_EINVALID, path, NULL, "invalid path '%s'", path);
    }
    rc = lcmp__oscal_open(doc, ctx, norm);
    free(norm);
    return rc;
}

static int load_common(lcmp_baseline **out,
                       const char *path,
                       const lcmp_oscal_options *opts,
                       int want_profile,
                       lcmp_error *err)
{
    lcmp__oscal_ctx ctx;
    lcmp__oscal_doc *doc = NULL;
    lcmp__oscal_index *ix = NULL;
    lcmp_load_options lo;
    prof_spec spec;
    json_t *cat, *meta;
    char bid[65], pid[65];
    head h;
    size_t i;
    int rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || path == NULL) {
        return lcmp__error_set(err,
                               LCMP_EINVALID,
                               NULL,
                               NULL,
                               "no %s given",
                               out == NULL ? "output" : "path");
    }
    memset(&spec, 0, sizeof(spec));
    rc = lcmp__oscal_ctx_init(&ctx, NULL, opts, err);
    if (rc == 0) {
        rc = open_top(&doc, &ctx, path);
    }
    if (rc == 0 && doc->profile != want_profile) {
        rc = lcmp__error_set(err,
                             LCMP_EINVALID,
                             doc->source,
                             NULL,
                             want_profile ? "not an OSCAL profile (a catalog)"
                                          : "not an OSCAL catalog (a "
                                            "profile: load it as one)");
    }
    if (rc == 0) {
        rc = lcmp__oscal_catalog_of(&cat, &ix, &ctx, doc);
    }
    if (rc < 0) {
        goto done;
    }
    meta = json_object_get(doc->body, "metadata");
    derive_id(bid, path);
    memset(&h, 0, sizeof(h));
    h.id = opts != NULL && opts->baseline_id != NULL ? opts->baseline_id : bid;
    h.title = get_str(meta, "title");
    h.publisher = publisher_of(meta);
    if (h.publisher == NULL) {
        h.publisher = h.title;
    }
    spec.ids = json_array();
    if (spec.ids == NULL) {
        rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
        goto done;
    }
    if (want_profile) {
        derive_id(pid, path);
        spec.id = pid;
        spec.title = h.title;
    } else {
        spec.id = "all";
        spec.title = "All controls that are not withdrawn";
    }
    if (opts != NULL && opts->profile_id != NULL) {
        spec.id = opts->profile_id;
    }
    for (i = 0; i < ix->nctls; i++) {
        if ((want_profile ||
             !lcmp__oscal_has_prop(ix->ctls[i].obj, "status", "withdrawn")) &&
            json_array_append_new(spec.ids, json_string(ix->ctls[i].id)) != 0)
        {
            rc = lcmp__error_set(err, LCMP_ENOMEM, NULL, NULL, "out of memory");
            goto done;
        }
    }
    load_options_of(&lo, opts);
    rc = build_baseline(out, ix, doc->source, &h, &spec, 1, &lo, err);
done:
    json_decref(spec.ids);
    lcmp__oscal_ctx_dispose(&ctx);
    return rc;
}

int lcmp_oscal_load_catalog(lcmp_baseline **out,
                            const char *catalog_path,
                            const lcmp_oscal_options *opts,
                            lcmp_error *err)
{
    return load_common(out, catalog_path, opts, 0, err);
}

int lcmp_oscal_load_profile(lcmp_baseline **out,
                            const char *profile_path,
                            const lcmp_oscal_options *opts,
                            lcmp_error *err)
{
    return load_common(out, profile_path, opts, 1, err);
}

/*
 * Baseline manifests with an "oscal" member.
 */

/* The selection and parameter values of a resolved profile against the
 * manifest's catalog (p at the profile's entry in the manifest). */
static int profile_spec(prof_spec *spec,
                        const lcmp__oscal_index *base,
                        const char *base_path,
                        const lcmp__oscal_index *res,
                        lcmp__jpath *p)
{
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT;
    size_t i, k;
    json_t *prm;
    int rc = LCMP_ENOMEM;

    spec->ids = json_array();
    spec->params = json_object();
    if (spec->ids == NULL || spec->params == NULL) {
        goto done;
    }
    for (i = 0; i < res->nctls; i++) {
        const char *id = res->ctls[i].id;
        size_t c = lcmp__oscal_find_control(base, id);

        if (c == SIZE_MAX) {
            rc = lcmp__jpath_error(p,
                                   LCMP_EINVALID,
                                   "the profile selects control '%s', which "
                                   "is not in the catalog '%s'",
                                   id,
                                   base_path);
            goto done;
        }
        if (json_array_append_new(spec->ids, json_string(id)) != 0) {
            goto done;
        }
        json_array_foreach (json_object_get(res->ctls[i].obj, "params"), k, prm)
        {
            const char *pid = get_str(prm, "id");
            const json_t *bp = NULL, *v;
            size_t j;

            json_array_foreach (
                json_object_get(base->ctls[c].obj, "params"), j, v) {
                if (pid != NULL && get_str(v, "id") != NULL &&
                    strcmp(get_str(v, "id"), pid) == 0)
                {
                    bp = v;
                    break;
                }
            }
            if (bp == NULL) {
                continue; /* added by the profile: not in the baseline */
            }
            lcmp__buf_clear(&a);
            lcmp__buf_clear(&b);
            if (lcmp__buf_puts(&a, "") != 0 || lcmp__buf_puts(&b, "") != 0 ||
                param_value(&a, prm) != 0 || param_value(&b, bp) != 0)
            {
                goto done;
            }
            if (strcmp(a.ptr, b.ptr) != 0) {
                json_t *set = json_object_get(spec->params, id);

                if (set == NULL) {
                    set = json_object();
                    if (set == NULL ||
                        json_object_set_new(spec->params, id, set) != 0) {
                        goto done;
                    }
                }
                if (set_new(set, pid, json_string(a.ptr)) != 0) {
                    goto done;
                }
            }
        }
    }
    rc = 0;
done:
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
    return rc == LCMP_ENOMEM ? lcmp__jpath_error(p, rc, "out of memory") : rc;
}

/* Open a document named by the manifest (p at the member naming it). */
static int open_named(lcmp__oscal_doc **doc,
                      lcmp__oscal_ctx *ctx,
                      const char *path,
                      int want_profile,
                      lcmp__jpath *p)
{
    char *norm = lcmp__oscal_normalise(path, 1);
    int rc;

    if (norm == NULL) {
        return lcmp__jpath_error(p,
                                 LCMP_EINVALID,
                                 "path '%s' is not inside the baseline tree",
                                 path);
    }
    rc = lcmp__oscal_open(doc, ctx, norm);
    free(norm);
    if (rc == LCMP_ENOTFOUND || rc == LCMP_EIO) {
        char why[256] = "cannot read";

        if (ctx->err != NULL) {
            snprintf(why, sizeof(why), "%s", ctx->err->message);
        }
        return lcmp__jpath_error(p, rc, "'%s': %s", path, why);
    }
    if (rc == 0 && (*doc)->profile != want_profile) {
        rc = lcmp__jpath_error(p,
                               LCMP_EINVALID,
                               "'%s' is an OSCAL %s, expected %s",
                               path,
                               (*doc)->profile ? "profile" : "catalog",
                               want_profile ? "a profile" : "a catalog");
    }
    return rc;
}

int lcmp__oscal_baseline_from_manifest(lcmp_baseline **out,
                                       const lcmp_reader *reader,
                                       const json_t *manifest,
                                       const char *source,
                                       const lcmp_load_options *opts,
                                       lcmp_error *err)
{
    static const char *const allowed[] = {"schema",
                                          "id",
                                          "title",
                                          "publisher",
                                          "description",
                                          "headline",
                                          "oscal",
                                          NULL};
    static const char *const oscal_allowed[] = {
        "catalog", "profiles", "hrefs", NULL};
    lcmp__oscal_ctx ctx;
    lcmp_oscal_options oo;
    lcmp__oscal_doc *cdoc = NULL, *pdoc = NULL;
    lcmp__oscal_index *base = NULL, *res = NULL;
    lcmp_oscal_href *hrefs = NULL;
    prof_spec *specs = NULL;
    size_t nspecs = 0, n, old, pold;
    const char *schema = NULL, *cpath = NULL, *key;
    json_t *oscal = NULL, *profs = NULL, *map = NULL, *headline = NULL, *v;
    json_t *cat;
    lcmp__jpath p;
    head h;
    int rc;

    if (out != NULL) {
        *out = NULL;
    }
    memset(&ctx, 0, sizeof(ctx));
    memset(&h, 0, sizeof(h));
    lcmp__jpath_init(&p, source, err);
    if (out == NULL || reader == NULL || reader->read == NULL ||
        manifest == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no output, reader or manifest");
    }
    if (!json_is_object(manifest)) {
        return lcmp__jpath_error(&p,
                                 LCMP_EPARSE,
                                 "expected an object, got %s",
                                 lcmp__json_type_name(manifest));
    }
    rc = lcmp__json_get_string(&schema, manifest, "schema", 1, &p);
    if (rc == 0 && strcmp(schema, SCHEMA_BASELINE) != 0) {
        rc = lcmp__jpath_error_at(&p,
                                  "schema",
                                  LCMP_EPARSE,
                                  "unsupported schema '%s', expected '%s'",
                                  schema,
                                  SCHEMA_BASELINE);
    }
    if (rc == 0) {
        rc = lcmp__json_expect_object(manifest, allowed, &p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_id(&h.id, manifest, "id", 1, &p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_string(&h.title, manifest, "title", 1, &p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_string(&h.publisher, manifest, "publisher", 1, &p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_string(
            &h.description, manifest, "description", 0, &p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_array(&headline, manifest, "headline", 0, &p);
        h.headline = headline;
    }
    if (rc == 0) {
        rc = lcmp__json_get_object(&oscal, manifest, "oscal", 1, &p);
    }
    if (rc < 0) {
        return rc;
    }
    old = lcmp__jpath_push(&p, "oscal");
    rc = lcmp__json_expect_object(oscal, oscal_allowed, &p);
    if (rc == 0) {
        rc = lcmp__json_get_string(&cpath, oscal, "catalog", 1, &p);
    }
    if (rc == 0) {
        rc = lcmp__json_get_object(&profs, oscal, "profiles", 1, &p);
    }
    if (rc == 0 && json_object_size(profs) == 0) {
        rc = lcmp__jpath_error_at(
            &p, "profiles", LCMP_EPARSE, "expected at least 1 profile");
    }
    if (rc == 0) {
        rc = lcmp__json_get_object(&map, oscal, "hrefs", 0, &p);
    }
    if (rc < 0) {
        goto done;
    }
    n = json_object_size(map);
    hrefs = calloc(n + 1, sizeof(*hrefs));
    specs = calloc(json_object_size(profs), sizeof(*specs));
    if (hrefs == NULL || specs == NULL) {
        rc = lcmp__jpath_error(&p, LCMP_ENOMEM, "out of memory");
        goto done;
    }
    n = 0;
    json_object_foreach (map, key, v) {
        if (!json_is_string(v)) {
            pold = lcmp__jpath_push(&p, "hrefs");
            rc = lcmp__jpath_error_at(&p,
                                      key,
                                      LCMP_EPARSE,
                                      "expected a string, got %s",
                                      lcmp__json_type_name(v));
            lcmp__jpath_pop(&p, pold);
            goto done;
        }
        hrefs[n].href = key;
        hrefs[n].path = json_string_value(v);
        n++;
    }
    lcmp_oscal_options_init(&oo, LCMP_OSCAL_OPTIONS_VERSION);
    if (opts != NULL && opts->version == LCMP_LOAD_OPTIONS_VERSION) {
        oo.max_file_size = opts->max_file_size;
        oo.max_depth = opts->max_depth;
    }
    oo.hrefs = hrefs;
    oo.nhrefs = n;
    rc = lcmp__oscal_ctx_init(&ctx, reader, &oo, err);
    if (rc < 0) {
        goto done;
    }
    pold = lcmp__jpath_push(&p, "catalog");
    rc = open_named(&cdoc, &ctx, cpath, 0, &p);
    lcmp__jpath_pop(&p, pold);
    if (rc == 0) {
        rc = lcmp__oscal_catalog_of(&cat, &base, &ctx, cdoc);
    }
    if (rc < 0) {
        goto done;
    }
    /* the headline names controls of the catalog (checked here, so that
     * the error points into the manifest) */
    lcmp__jpath_pop(&p, old);
    json_array_foreach (headline, n, v) {
        const char *id = json_string_value(v);

        if (id == NULL || lcmp__oscal_find_control(base, id) == SIZE_MAX) {
            pold = lcmp__jpath_push(&p, "headline");
            lcmp__jpath_push_index(&p, n);
            rc = id == NULL
                     ? lcmp__jpath_error(&p,
                                         LCMP_EPARSE,
                                         "expected a string, got %s",
                                         lcmp__json_type_name(v))
                     : lcmp__jpath_error(
                           &p, LCMP_EINVALID, "unknown control '%s'", id);
            lcmp__jpath_pop(&p, pold);
            goto done;
        }
    }
    old = lcmp__jpath_push(&p, "oscal");
    pold = lcmp__jpath_push(&p, "profiles");
    json_object_foreach (profs, key, v) {
        size_t kold = lcmp__jpath_push(&p, key);
        prof_spec *sp = &specs[nspecs++];

        sp->id = key;
        if (!lcmp__is_identifier(key)) {
            rc = lcmp__jpath_error(
                &p, LCMP_EPARSE, "invalid profile id '%s'", key);
        } else if (!json_is_string(v)) {
            rc = lcmp__jpath_error(&p,
                                   LCMP_EPARSE,
                                   "expected a string, got %s",
                                   lcmp__json_type_name(v));
        } else {
            rc = open_named(&pdoc, &ctx, json_string_value(v), 1, &p);
        }
        if (rc == 0) {
            rc = lcmp__oscal_catalog_of(&cat, &res, &ctx, pdoc);
        }
        if (rc == 0) {
            sp->title =
                get_str(json_object_get(pdoc->body, "metadata"), "title");
            rc = profile_spec(sp, base, cdoc->path, res, &p);
        }
        lcmp__jpath_pop(&p, kold);
        if (rc < 0) {
            break;
        }
    }
    lcmp__jpath_pop(&p, pold);
    if (rc == 0) {
        rc = build_baseline(
            out, base, cdoc->source, &h, specs, nspecs, opts, err);
    }
done:
    lcmp__jpath_pop(&p, old);
    while (nspecs > 0) {
        nspecs--;
        json_decref(specs[nspecs].ids);
        json_decref(specs[nspecs].params);
    }
    free(specs);
    free(hrefs);
    lcmp__oscal_ctx_dispose(&ctx);
    return rc;
}

int lcmp__oscal_baseline_probe(lcmp_baseline **out,
                               const lcmp_reader *reader,
                               const lcmp_load_options *opts,
                               lcmp_error *err)
{
    lcmp__json_limits lim;
    lcmp_buf buf = LCMP_BUF_INIT;
    json_t *doc = NULL;
    char name[256];
    int rc;

    if (out != NULL) {
        *out = NULL;
    }
    if (out == NULL || reader == NULL || reader->read == NULL) {
        return lcmp__error_set(
            err, LCMP_EINVALID, NULL, NULL, "no output or reader given");
    }
    /* bad options too are the native loader's to report */
    if (lcmp__json_limits_from(&lim, opts, NULL) != 0) {
        return 0;
    }
    if (reader->source != NULL) {
        reader->source(name, sizeof(name), "baseline.json", reader->payload);
    } else {
        snprintf(name, sizeof(name), "baseline.json");
    }
    /* a manifest that cannot be read or parsed is the native loader's to
     * report, in its own words: not OSCAL as far as we are concerned */
    if (reader->read(
            &buf, "baseline.json", lim.max_size, reader->payload, NULL) != 0 ||
        lcmp__json_parse(
            &doc, (const uint8_t *)buf.ptr, buf.size, name, &lim, NULL) != 0 ||
        json_object_get(doc, "oscal") == NULL)
    {
        rc = 0;
    } else {
        rc = lcmp__oscal_baseline_from_manifest(
            out, reader, doc, name, opts, err);
        if (rc == 0) {
            rc = 1;
        }
    }
    json_decref(doc);
    lcmp_buf_dispose(&buf);
    return rc;
}
