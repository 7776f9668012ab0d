/*
 * libFuzzer target for baseline loading, validation and profile resolution.
 *
 * The input replaces one file of a small valid baseline tree held in
 * memory: its first byte chooses the file (modulo the number of files), the
 * rest is the file's content. The tree is then loaded (and, when that
 * succeeds, every profile resolved) and validated; nothing may crash, leak
 * or read out of bounds, a failure must always come with a message, and
 * validation must agree with loading.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

#include "memtree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const file tree[] = {
    {"baseline.json",
     "{\"schema\":\"lcmp.baseline/v1\",\"id\":\"f\",\"title\":\"T\","
     "\"publisher\":\"P\",\"families\":[{\"id\":\"alpha\",\"title\":\"A\"},"
     "{\"id\":\"beta\",\"title\":\"B\"}],\"profiles\":[\"low\",\"high\"],"
     "\"headline\":[\"A-02\"]}"},
    {"controls/alpha.json",
     "{\"schema\":\"lcmp.controls/v1\",\"family\":\"alpha\",\"controls\":["
     "{\"id\":\"A-01\",\"title\":\"t\",\"description\":\"d\"},"
     "{\"id\":\"A-02\",\"title\":\"t\",\"description\":\"d\","
     "\"params\":{\"age\":{\"type\":\"integer\",\"default\":24,\"min\":1,"
     "\"max\":60,\"unit\":\"months\"},\"cov\":{\"type\":\"percent\","
     "\"default\":80},\"lvl\":{\"type\":\"enum\",\"values\":[\"a\",\"b\"],"
     "\"default\":\"a\"}},"
     "\"facts\":{\"on\":{\"type\":\"date\"},\"pct\":{\"type\":\"percent\"},"
     "\"lvl\":{\"type\":\"enum\",\"values\":[\"a\",\"b\",\"c\"]},"
     "\"n\":{\"type\":\"integer\",\"min\":0}},"
     "\"rules\":[{\"fact\":\"on\",\"op\":\"max_age\",\"param\":\"age\","
     "\"unit\":\"months\"},{\"fact\":\"pct\",\"op\":\"ge\",\"param\":\"cov\"},"
     "{\"fact\":\"lvl\",\"op\":\"in\",\"values\":[\"a\",\"b\"]},"
     "{\"fact\":\"n\",\"op\":\"le\",\"value\":10}],"
     "\"evidence\":{\"min\":1,\"sha256\":true},\"not_applicable\":true,"
     "\"mappings\":{\"bio2\":[\"5.08.01\"]}}]}"},
    {"controls/beta.json",
     "{\"schema\":\"lcmp.controls/v1\",\"family\":\"beta\",\"controls\":["
     "{\"id\":\"B-01\",\"title\":\"t\",\"description\":\"d\","
     "\"params\":{\"on\":{\"type\":\"boolean\",\"default\":true}},"
     "\"facts\":{\"on\":{\"type\":\"boolean\"},\"v\":{\"type\":\"string\"}},"
     "\"rules\":[{\"fact\":\"on\",\"op\":\"eq\",\"param\":\"on\"},"
     "{\"fact\":\"v\",\"op\":\"ne\",\"value\":\"x\"}]},"
     "{\"id\":\"B-02\",\"title\":\"t\",\"description\":\"d\"}]}"},
    {"profiles/low.json",
     "{\"schema\":\"lcmp.profile/v1\",\"id\":\"low\",\"title\":\"L\","
     "\"include\":{\"ids\":[\"A-01\",\"A-02\"],\"families\":[]},"
     "\"exclude\":{\"ids\":[]},\"params\":{\"A-02\":{\"age\":12}}}"},
    {"profiles/high.json",
     "{\"schema\":\"lcmp.profile/v1\",\"id\":\"high\",\"title\":\"H\","
     "\"extends\":[\"low\"],\"include\":{\"families\":[\"beta\"]},"
     "\"exclude\":{\"ids\":[\"A-01\"]},"
     "\"params\":{\"A-02\":{\"cov\":90,\"lvl\":\"b\"},"
     "\"B-01\":{\"on\":false}}}"},
};

#define NFILES (sizeof(tree) / sizeof(tree[0]))

static void check_error(const lcmp_error *err)
{
    char line[1024];

    if (err->code >= 0 || err->message[0] == '\0') {
        abort();
    }
    lcmp_error_format(line, sizeof(line), err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lcmp_load_options opts = LCMP_LOAD_OPTIONS_INIT;
    lcmp_baseline *b = NULL;
    lcmp_problems *problems = NULL;
    lcmp_reader reader;
    lcmp_error err, verr;
    input in;
    size_t i, k;
    int loaded;

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

    loaded = lcmp_baseline_load(&b, &reader, &opts, &err) == 0;
    if (loaded) {
        for (i = 0; i < lcmp_baseline_profile_count(b); i++) {
            lcmp_profile *p = NULL;

            /* a loaded baseline always resolves */
            if (lcmp_profile_resolve(
                    &p, b, lcmp_baseline_profile_id(b, i), &err) != 0) {
                abort();
            }
            for (k = 0; k < lcmp_profile_control_count(p); k++) {
                const lcmp__control *c = &b->controls[p->controls[k]];
                size_t j;

                for (j = 0; j < c->nparams; j++) {
                    if (lcmp__profile_param(p, k, j) == NULL) {
                        abort();
                    }
                }
            }
            lcmp_profile_free(p);
        }
        lcmp_baseline_free(b);
    } else {
        check_error(&err);
    }

    /* validation finds no problem exactly when loading succeeds, and
     * otherwise first the problem that loading stopped at */
    if (lcmp_baseline_validate(&problems, &reader, &opts, &verr) != 0 ||
        (lcmp_problems_count(problems) == 0) != loaded)
    {
        abort();
    }
    for (i = 0; i < lcmp_problems_count(problems); i++) {
        check_error(lcmp_problems_get(problems, i));
    }
    if (!loaded) {
        const lcmp_error *first = lcmp_problems_get(problems, 0);

        if (first->code != err.code || strcmp(first->source, err.source) ||
            strcmp(first->pointer, err.pointer) ||
            strcmp(first->message, err.message))
        {
            abort();
        }
    }
    lcmp_problems_free(problems);
    return 0;
}
