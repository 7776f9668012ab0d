/*
 * libFuzzer target for the OSCAL loader: documents, profile resolution
 * (imports by href and "#uuid", selection, merge, modify) and baselines
 * from an OSCAL manifest.
 *
 * The input replaces one file of a small OSCAL baseline tree held in
 * memory: its first byte chooses the file (modulo the number of files), the
 * rest is the file's content. Then the manifest is loaded (which resolves
 * both profiles) and each profile, and the catalog, is resolved to JSON
 * twice. Nothing may crash, leak or read out of bounds; a failure must come
 * with a message; a resolution's output is JSON that parses and is the
 * same both times; a loaded baseline resolves every profile.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oscal.h"

#include "memtree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define META(t)                                            \
    "\"metadata\":{\"title\":\"" t "\",\"last-modified\":" \
    "\"2025-01-01T00:00:00Z\",\"version\":\"1\",\"oscal-version\":\"1.1.2\"}"

static const file tree[] = {
    {"baseline.json",
     "{\"schema\":\"lcmp.baseline/v1\",\"id\":\"f\",\"title\":\"T\","
     "\"publisher\":\"P\",\"headline\":[\"a-1\"],"
     "\"oscal\":{\"catalog\":\"oscal/cat.json\","
     "\"profiles\":{\"low\":\"oscal/low.json\",\"high\":\"oscal/high.json\"},"
     "\"hrefs\":{\"https://x/cat.json\":\"oscal/cat.json\"}}}"},
    {"oscal/cat.json",
     "{\"catalog\":{\"uuid\":\"00000000-0000-4000-8000-000000000001\"," META(
         "C") ",\"params\":[{\"id\":\"l-1\",\"values\":[\"v\"]}],"
              "\"groups\":[{\"id\":\"a\",\"title\":\"A\",\"controls\":["
              "{\"id\":\"a-1\",\"title\":\"t\",\"params\":[{\"id\":\"a-1_p\","
              "\"label\":\"x\",\"select\":{\"how-many\":\"one-or-more\","
              "\"choice\":[\"p\",\"{{ insert: param, l-1 }}\"]}}],"
              "\"links\":[{\"href\":\"#00000000-0000-4000-8000-0000000000r1\","
              "\"rel\":\"reference\"}],"
              "\"parts\":[{\"id\":\"a-1_smt\",\"name\":\"statement\","
              "\"prose\":\"do {{ insert: param, a-1_p }}\",\"parts\":[{\"id\":"
              "\"a-1_smt.a\",\"name\":\"item\",\"props\":[{\"name\":\"label\","
              "\"value\":\"a.\"}],\"prose\":\"x\"}]}],"
              "\"controls\":[{\"id\":\"a-1.1\",\"title\":\"e\"},"
              "{\"id\":\"a-1.2\",\"title\":\"w\",\"props\":[{\"name\":"
              "\"status\",\"value\":\"withdrawn\"}]}]}]},"
              "{\"title\":\"B\",\"props\":[{\"name\":\"keep\",\"value\":"
              "\"always\"}],\"groups\":[{\"id\":\"b1\",\"title\":\"B1\","
              "\"controls\":[{\"id\":\"b-1\",\"title\":\"b\"}]}]}],"
              "\"back-matter\":{\"resources\":[{\"uuid\":"
              "\"00000000-0000-4000-8000-0000000000r1\"},{\"uuid\":"
              "\"00000000-0000-4000-8000-0000000000r2\",\"props\":[{\"name\":"
              "\"keep\",\"value\":\"always\"}]}]}}}"},
    {"oscal/low.json",
     "{\"profile\":{\"uuid\":\"00000000-0000-4000-8000-000000000002\"," META(
         "L") ",\"imports\":[{\"href\":\"#00000000-0000-4000-8000-"
              "000000000009\","
              "\"include-controls\":[{\"with-ids\":[\"a-1.1\"]},"
              "{\"matching\":[{\"pattern\":\"b-*\"}],"
              "\"with-child-controls\":\"yes\"}]}],"
              "\"merge\":{\"combine\":{\"method\":\"use-first\"},"
              "\"as-is\":true},"
              "\"modify\":{\"set-parameters\":[{\"param-id\":\"a-1_p\","
              "\"values\":[\"q\"],\"props\":[{\"name\":\"n\",\"value\":\"v\"}]}"
              "],"
              "\"alters\":[{\"control-id\":\"a-1\",\"removes\":[{\"by-item-"
              "name\":"
              "\"link\"}],\"adds\":[{\"position\":\"before\",\"by-id\":"
              "\"a-1_smt.a\",\"parts\":[{\"name\":\"item\",\"prose\":\"y\"}]},"
              "{\"props\":[{\"name\":\"p\",\"value\":\"1\"}]}]}]},"
              "\"back-matter\":{\"resources\":[{\"uuid\":"
              "\"00000000-0000-4000-8000-000000000009\",\"rlinks\":[{\"href\":"
              "\"cat.xml\"}]}]}}}"},
    {"oscal/high.json",
     "{\"profile\":{\"uuid\":\"00000000-0000-4000-8000-000000000003\"," META(
         "H") ",\"imports\":[{\"href\":\"low.json\",\"include-all\":{}},"
              "{\"href\":\"https://x/cat.json\",\"include-all\":{},"
              "\"exclude-controls\":[{\"with-ids\":[\"a-1.2\"]}]}],"
              "\"merge\":{\"combine\":{\"method\":\"use-first\"},\"flat\":{}}}"
              "}"},
};

#define NFILES (sizeof(tree) / sizeof(tree[0]))

static void check_error(const lcmp_error *err)
{
    if (err->code >= 0 || err->message[0] == '\0') {
        abort();
    }
}

static void ignore_warning(const lcmp_error *w, void *payload)
{
    (void)payload;
    if (w->message[0] == '\0') {
        abort();
    }
}

/* Resolve `path` twice: the same outcome, JSON that parses. */
static void resolve(const lcmp_reader *reader, const char *path)
{
    lcmp_oscal_options opts = LCMP_OSCAL_OPTIONS_INIT;
    lcmp_buf a = LCMP_BUF_INIT, b = LCMP_BUF_INIT;
    lcmp_error err;
    json_error_t jerr;
    json_t *doc;
    int ra, rb;

    opts.max_file_size = 1 << 20;
    opts.warn = ignore_warning;
    ra = lcmp__oscal_resolve_reader(&a, reader, path, &opts, 0, &err);
    if (ra != 0) {
        check_error(&err);
    }
    rb = lcmp__oscal_resolve_reader(&b, reader, path, &opts, 0, &err);
    if (ra != rb ||
        (ra == 0 && (a.size != b.size || memcmp(a.ptr, b.ptr, a.size) != 0)))
    {
        abort();
    }
    if (ra == 0) {
        doc = json_loadb(a.ptr, a.size, JSON_REJECT_DUPLICATES, &jerr);
        if (doc == NULL) {
            abort();
        }
        json_decref(doc);
    }
    lcmp_buf_dispose(&a);
    lcmp_buf_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp_load_options opts = LCMP_LOAD_OPTIONS_INIT;
    lcmp_baseline *b = NULL;
    lcmp_reader reader;
    lcmp_error err;
    input in;
    size_t i;
    int rc;

    if (size < 1) {
        return 0;
    }
    in.files = tree;
    in.nfiles = NFILES;
    in.replaced = data[0] % NFILES;
    in.data = data + 1;
    in.size = size - 1;
    reader.read = mem_read;
    reader.source = mem_source;
    reader.payload = &in;
    opts.max_file_size = 1 << 20;

    rc = lcmp__oscal_baseline_probe(&b, &reader, &opts, &err);
    if (rc < 0) {
        check_error(&err);
    } else if (rc == 1) {
        for (i = 0; i < lcmp_baseline_profile_count(b); i++) {
            lcmp_profile *p = NULL;

            /* a loaded baseline always resolves */
            if (lcmp_profile_resolve(
                    &p, b, lcmp_baseline_profile_id(b, i), &err) != 0) {
                abort();
            }
            lcmp_profile_free(p);
        }
        lcmp_baseline_free(b);
    } else if (b != NULL) {
        abort();
    }
    resolve(&reader, "oscal/low.json");
    resolve(&reader, "oscal/high.json");
    resolve(&reader, "oscal/cat.json");
    return 0;
}
