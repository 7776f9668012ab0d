/*
 * A baseline tree held in memory for fuzz targets: a fixed set of files,
 * one of which is replaced by the fuzzer's input, read through an
 * lcmp_reader. Included by fuzz_baseline.c and fuzz_oscal.c only.
 */
#ifndef LCMP_FUZZ_MEMTREE_H
#define LCMP_FUZZ_MEMTREE_H

#include <stdio.h>
#include <string.h>

#include "util.h"

typedef struct file {
    const char *path;
    const char *text;
} file;

typedef struct input {
    const file *files;
    size_t nfiles;
    size_t replaced; /* index into files */
    const uint8_t *data;
    size_t size;
} input;

static int mem_read(lcmp_buf *out,
                    const char *path,
                    size_t max_size,
                    void *payload,
                    lcmp_error *err)
{
    const input *in = payload;
    const char *text = NULL;
    size_t i, len = 0;

    for (i = 0; i < in->nfiles; i++) {
        if (strcmp(in->files[i].path, path) == 0) {
            text =
                i == in->replaced ? (const char *)in->data : in->files[i].text;
            len = i == in->replaced ? in->size : strlen(in->files[i].text);
            break;
        }
    }
    if (text == NULL) {
        return lcmp__error_set(err, LCMP_ENOTFOUND, path, NULL, "no such file");
    }
    if (len > max_size) {
        return lcmp__error_set(err,
                               LCMP_ELIMIT,
                               path,
                               NULL,
                               "file is larger than %zu bytes",
                               max_size);
    }
    lcmp__buf_clear(out);
    if (lcmp__buf_put(out, text, len) < 0) {
        return lcmp__error_set(err, LCMP_ENOMEM, path, NULL, "out of memory");
    }
    return 0;
}

static void mem_source(char *out, size_t size, const char *path, void *payload)
{
    (void)payload;
    snprintf(out, size, "mem/%s", path);
}

#endif
