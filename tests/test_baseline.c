/*
 * Tests of baseline loading and validation (libcompliance/baseline.c).
 *
 * Trees: tests/data/baseline/valid (every part of the format, five
 * profiles), tests/data/baseline/broken (six independent problems) and the
 * sample baselines/municipal. Refusals are written as small JSON texts that
 * replace one file of the valid tree (an in-memory overlay); single quotes
 * in them stand for double quotes. Every refusal is checked twice: loading
 * stops at it, and validation reports it as its first problem.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

#define MAX_FILES 4

/* The valid tree with some files replaced or removed. */
typedef struct overlay {
    char dir[1024];
    const char *paths[MAX_FILES];
    const char *texts[MAX_FILES]; /* NULL: the file does not exist */
    size_t n;
} overlay;

static const char *source_dir(void)
{
    const char *dir = getenv("LCMP_SOURCE_DIR");

    return dir != NULL && dir[0] != '\0' ? dir : "..";
}

static void data_path(char *out, size_t size, const char *rel)
{
    snprintf(out, size, "%s/%s", source_dir(), rel);
}

static void
overlay_source(char *out, size_t size, const char *path, void *payload)
{
    const overlay *o = payload;

    snprintf(out, size, "%s/%s", o->dir, path);
}

static int overlay_read(lcmp_buf *out,
                        const char *path,
                        size_t max_size,
                        void *payload,
                        lcmp_error *err)
{
    const overlay *o = payload;
    char full[2048];
    size_t i;
    char *c;

    overlay_source(full, sizeof(full), path, payload);
    for (i = 0; i < o->n; i++) {
        if (strcmp(o->paths[i], path) != 0) {
            continue;
        }
        if (o->texts[i] == NULL) {
            return lcmp__error_set(
                err, LCMP_ENOTFOUND, full, NULL, "no such file");
        }
        lcmp__buf_clear(out);
        if (lcmp__buf_puts(out, o->texts[i]) < 0) {
            return lcmp__error_set(
                err, LCMP_ENOMEM, full, NULL, "out of memory");
        }
        for (c = out->ptr; *c != '\0'; c++) {
            if (*c == '\'') {
                *c = '"';
            }
        }
        if (out->size > max_size) {
            return lcmp__error_set(
                err, LCMP_ELIMIT, full, NULL, "file is too large");
        }
        return 0;
    }
    return lcmp__file_read(out, full, max_size, err);
}

static void overlay_init(overlay *o)
{
    memset(o, 0, sizeof(*o));
    data_path(o->dir, sizeof(o->dir), "tests/data/baseline/valid");
}

static void overlay_set(overlay *o, const char *path, const char *text)
{
    assert_true(o->n < MAX_FILES);
    o->paths[o->n] = path;
    o->texts[o->n] = text;
    o->n++;
}

static lcmp_reader overlay_reader(overlay *o)
{
    lcmp_reader reader;

    reader.read = overlay_read;
    reader.source = overlay_source;
    reader.payload = o;
    return reader;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* An error with this code, source suffix, pointer and message part, in the
 * house style: one line, lower case, no final period. */
static void check_error(const lcmp_error *e,
                        int code,
                        const char *source,
                        const char *pointer,
                        const char *message)
{
    size_t len;

    assert_non_null(e);
    len = strlen(e->message);
    if (e->code != code || !ends_with(e->source, source) ||
        strcmp(e->pointer, pointer) != 0 || strstr(e->message, message) == NULL)
    {
        fail_msg("got %d %s: %s: %s; expected %d *%s: %s: *%s*",
                 e->code,
                 e->source,
                 e->pointer,
                 e->message,
                 code,
                 source,
                 pointer,
                 message);
    }
    assert_true(len > 0);
    assert_false(e->message[0] >= 'A' && e->message[0] <= 'Z');
    assert_true(e->message[len - 1] != '.');
    assert_null(strchr(e->message, '\n'));
}

/* Loading stops at the refusal; validation reports it first. */
static void check_overlay(overlay *o,
                          int code,
                          const char *source,
                          const char *pointer,
                          const char *message)
{
    lcmp_reader reader = overlay_reader(o);
    lcmp_baseline *b = NULL;
    lcmp_problems *problems = NULL;
    lcmp_error err;

    lcmp_error_clear(&err);
    assert_int_equal(lcmp_baseline_load(&b, &reader, NULL, &err), code);
    assert_null(b);
    check_error(&err, code, source, pointer, message);

    assert_int_equal(lcmp_baseline_validate(&problems, &reader, NULL, &err), 0);
    assert_true(lcmp_problems_count(problems) >= 1);
    check_error(lcmp_problems_get(problems, 0), code, source, pointer, message);
    lcmp_problems_free(problems);
}

/* Replace one file of the valid tree; expect the refusal. */
static void refuse(const char *path,
                   const char *text,
                   int code,
                   const char *pointer,
                   const char *message)
{
    overlay o;
    char source[256];

    overlay_init(&o);
    overlay_set(&o, path, text);
    snprintf(source, sizeof(source), "/%s", path);
    check_overlay(&o, code, source, pointer, message);
}

/* A gamma.json whose first control is `control`, followed by G-02. */
static void gamma_with(char *out, size_t size, const char *control)
{
    snprintf(out,
             size,
             "{'schema':'lcmp.controls/v1','family':'gamma','controls':[%s,"
             "{'id':'G-02','title':'t','description':'d'}]}",
             control);
}

static void refuse_control(const char *control,
                           int code,
                           const char *pointer,
                           const char *message)
{
    char text[4096];

    gamma_with(text, sizeof(text), control);
    refuse("controls/gamma.json", text, code, pointer, message);
}

static void accept_control(const char *control)
{
    lcmp_baseline *b = NULL;
    lcmp_problems *problems = NULL;
    lcmp_error err;
    lcmp_reader reader;
    overlay o;
    char text[4096];

    gamma_with(text, sizeof(text), control);
    overlay_init(&o);
    overlay_set(&o, "controls/gamma.json", text);
    reader = overlay_reader(&o);
    if (lcmp_baseline_load(&b, &reader, NULL, &err) != 0) {
        fail_msg("refused: %s: %s: %s", err.source, err.pointer, err.message);
    }
    lcmp_baseline_free(b);
    assert_int_equal(lcmp_baseline_validate(&problems, &reader, NULL, &err), 0);
    assert_int_equal(lcmp_problems_count(problems), 0);
    lcmp_problems_free(problems);
}

/* A control G-01 with these members after id, title and description. */
#define CONTROL(members) \
    "{'id':'G-01','title':'t','description':'d'," members "}"

/* A control G-01 with facts and parameters of every type, and one rule. */
#define RULE(rule)                                                    \
    CONTROL("'params':{'pi':{'type':'integer','default':5,'min':1},"  \
            "'pp':{'type':'percent','default':50},"                   \
            "'pb':{'type':'boolean','default':true},"                 \
            "'pe':{'type':'enum','values':['x','y'],'default':'x'},"  \
            "'ps':{'type':'string','default':'a'},"                   \
            "'pdays':{'type':'integer','default':30,'unit':'days'}}," \
            "'facts':{'d':{'type':'date'},'n':{'type':'integer'},"    \
            "'pc':{'type':'percent'},'b':{'type':'boolean'},"         \
            "'e':{'type':'enum','values':['x','y']},"                 \
            "'s':{'type':'string'}},"                                 \
            "'rules':[" rule "]")

#define FAMILIES                                             \
    "[{'id':'alpha','title':'A'},{'id':'beta','title':'B'}," \
    "{'id':'gamma','title':'G'}]"
#define PROFILES "['low','mid','high','side','combo']"
#define HEAD     "'id':'t','title':'T','publisher':'P',"
#define MANIFEST(head, families, profiles, tail)                \
    "{'schema':'lcmp.baseline/v1'," head "'families':" families \
    ",'profiles':" profiles tail "}"

/* A profile file with this id and members after schema, id and title. */
#define PROFILE(id, members) \
    "{'schema':'lcmp.profile/v1','id':'" id "','title':'T'" members "}"

static void test_baseline__loads_municipal(void **state)
{
    lcmp_baseline *b = NULL;
    lcmp_error err;
    char dir[1024];
    size_t i, total = 0;

    (void)state;
    data_path(dir, sizeof(dir), "baselines/municipal");
    if (lcmp_baseline_load_dir(&b, dir, NULL, &err) != 0) {
        fail_msg("%s: %s: %s", err.source, err.pointer, err.message);
    }
    assert_string_equal(lcmp_baseline_id(b), "interlokaal-basis");
    assert_int_equal(lcmp_baseline_control_count(b), 54);
    assert_int_equal(b->nfamilies, 10);
    assert_int_equal(lcmp_baseline_profile_count(b), 3);
    assert_string_equal(lcmp_baseline_profile_id(b, 0), "basic");
    assert_string_equal(lcmp_baseline_profile_id(b, 1), "important");
    assert_string_equal(lcmp_baseline_profile_id(b, 2), "essential");
    for (i = 0; i < b->nfamilies; i++) {
        assert_int_equal(b->families[i].first, total);
        total += b->families[i].count;
    }
    assert_int_equal(total, 54);
    for (i = 0; i < lcmp_baseline_headline_count(b); i++) {
        assert_int_not_equal(
            lcmp__baseline_find(b, lcmp_baseline_headline(b, i)), SIZE_MAX);
    }
    i = lcmp__baseline_find(b, "GOV-04");
    assert_int_not_equal(i, SIZE_MAX);
    assert_string_equal(b->families[b->controls[i].family].id, "governance");
    lcmp_baseline_free(b);
}

static void test_baseline__loads_every_part_of_the_format(void **state)
{
    lcmp_baseline *b = NULL;
    const lcmp__control *c;
    lcmp_error err;
    char dir[1024];

    (void)state;
    data_path(dir, sizeof(dir), "tests/data/baseline/valid");
    assert_int_equal(lcmp_baseline_load_dir(&b, dir, NULL, &err), 0);
    assert_string_equal(lcmp_baseline_id(b), "test-basis");
    assert_string_equal(lcmp_baseline_title(b), "Test baseline");
    assert_string_equal(lcmp_baseline_publisher(b), "libcompliance tests");
    assert_non_null(b->description);
    assert_int_equal(lcmp_baseline_control_count(b), 8);
    assert_int_equal(b->nfamilies, 3);
    assert_int_equal(b->families[1].first, 3);
    assert_int_equal(b->families[1].count, 3);
    assert_string_equal(b->families[2].title, "Gamma");
    assert_int_equal(lcmp_baseline_profile_count(b), 5);
    assert_string_equal(lcmp_baseline_profile_id(b, 4), "combo");
    assert_null(lcmp_baseline_profile_id(b, 5));
    assert_int_equal(lcmp_baseline_headline_count(b), 2);
    assert_string_equal(lcmp_baseline_headline(b, 1), "B-01");
    assert_null(lcmp_baseline_headline(b, 2));

    c = &b->controls[lcmp__baseline_find(b, "A-02")];
    assert_string_equal(c->id, "A-02");
    assert_int_equal(c->family, 0);
    assert_int_equal(c->nparams, 3);
    assert_string_equal(c->params[0].name, "max_age_months");
    assert_int_equal(c->params[0].type, LCMP__T_INTEGER);
    assert_int_equal(c->params[0].def.u.i, 24);
    assert_true(c->params[0].has_min && c->params[0].has_max);
    assert_true(c->params[0].min == 1 && c->params[0].max == 60);
    assert_string_equal(c->params[0].unit, "months");
    assert_int_equal(c->params[1].type, LCMP__T_PERCENT);
    assert_true(c->params[1].def.u.num == 80);
    assert_int_equal(c->params[2].type, LCMP__T_ENUM);
    assert_int_equal(c->params[2].nvalues, 3);
    assert_string_equal(c->params[2].def.u.s, "a");
    assert_int_equal(c->nfacts, 4);
    assert_int_equal(c->facts[0].type, LCMP__T_DATE);
    assert_int_equal(c->facts[2].nvalues, 4);
    assert_true(c->facts[3].has_min && !c->facts[3].has_max);
    assert_int_equal(c->nrules, 6);
    assert_int_equal(c->rules[0].op, LCMP__OP_MAX_AGE);
    assert_int_equal(c->rules[0].fact, 0);
    assert_true(c->rules[0].has_param);
    assert_int_equal(c->rules[0].param, 0);
    assert_int_equal(c->rules[0].unit, LCMP__UNIT_MONTHS);
    assert_int_equal(c->rules[1].op, LCMP__OP_GE);
    assert_int_equal(c->rules[1].param, 1);
    assert_int_equal(c->rules[2].op, LCMP__OP_IN);
    assert_int_equal(c->rules[2].nvalues, 2);
    assert_string_equal(c->rules[2].values[1], "b");
    assert_int_equal(c->rules[3].param, 2);
    assert_false(c->rules[4].has_param);
    assert_int_equal(c->rules[4].value.type, LCMP__T_INTEGER);
    assert_int_equal(c->rules[4].value.u.i, 10);
    assert_int_equal(c->rules[5].value.type, LCMP__T_PERCENT);
    assert_true(c->rules[5].value.u.num == 12.5);
    assert_int_equal(c->evidence_min, 1);
    assert_true(c->evidence_sha256);
    assert_false(c->allow_na);
    assert_int_equal(c->nmappings, 2);
    assert_string_equal(c->mappings[1].framework, "bio2");
    assert_int_equal(c->mappings[1].nids, 2);
    assert_string_equal(c->mappings[1].ids[1], "5.08.02");

    c = &b->controls[lcmp__baseline_find(b, "A-03")];
    assert_int_equal(c->rules[0].value.u.i, 90);
    assert_int_equal(c->rules[0].unit, LCMP__UNIT_DAYS);
    assert_false(c->rules[0].has_param);

    c = &b->controls[lcmp__baseline_find(b, "B-01")];
    assert_true(c->allow_na);
    assert_int_equal(c->params[0].type, LCMP__T_BOOLEAN);
    assert_true(c->params[0].def.u.b);
    assert_int_equal(c->rules[1].value.type, LCMP__T_STRING);
    assert_string_equal(c->rules[1].value.u.s, "none");

    c = &b->controls[lcmp__baseline_find(b, "A-01")];
    assert_int_equal(c->nparams + c->nfacts + c->nrules + c->nmappings, 0);
    assert_int_equal(c->evidence_min, 0);
    lcmp_baseline_free(b);
}

static void test_baseline__finds_controls_and_profiles_by_id(void **state)
{
    static const char *const ids[] = {
        "A-01", "A-02", "A-03", "B-01", "B-02", "B-03", "G-01", "G-02"};
    lcmp_baseline *b = NULL;
    char dir[1024];
    size_t i;

    (void)state;
    data_path(dir, sizeof(dir), "tests/data/baseline/valid");
    assert_int_equal(lcmp_baseline_load_dir(&b, dir, NULL, NULL), 0);
    for (i = 0; i < 8; i++) {
        assert_int_equal(lcmp__baseline_find(b, ids[i]), i);
        assert_string_equal(b->controls[b->by_id[i]].id, ids[i]);
    }
    assert_int_equal(lcmp__baseline_find(b, "A-00"), SIZE_MAX);
    assert_int_equal(lcmp__baseline_find(b, "Z-99"), SIZE_MAX);
    assert_int_equal(lcmp__baseline_find(b, NULL), SIZE_MAX);
    assert_int_equal(lcmp__baseline_find(NULL, "A-01"), SIZE_MAX);
    assert_int_equal(lcmp__baseline_find_profile(b, "low"), 0);
    assert_int_equal(lcmp__baseline_find_profile(b, "combo"), 4);
    assert_int_equal(lcmp__baseline_find_profile(b, "none"), SIZE_MAX);
    lcmp_baseline_free(b);
}

static void test_baseline__names_types(void **state)
{
    int t;

    (void)state;
    for (t = LCMP__T_DATE; t <= LCMP__T_STRING; t++) {
        assert_int_equal(lcmp__type_from_name(lcmp__type_name((lcmp__type)t)),
                         t);
    }
    assert_string_equal(lcmp__type_name(LCMP__T_PERCENT), "percent");
    assert_int_equal(lcmp__type_from_name("float"), -1);
    assert_int_equal(lcmp__type_from_name(NULL), -1);
}

static void test_baseline__refuses_bad_arguments(void **state)
{
    lcmp_load_options opts = LCMP_LOAD_OPTIONS_INIT;
    lcmp_reader reader = {NULL, NULL, NULL};
    lcmp_baseline *b = NULL;
    lcmp_problems *problems = NULL;
    lcmp_error err;
    char dir[1024];

    (void)state;
    data_path(dir, sizeof(dir), "tests/data/baseline/valid");
    assert_int_equal(lcmp_baseline_load(NULL, &reader, NULL, &err),
                     LCMP_EINVALID);
    assert_int_equal(lcmp_baseline_load(&b, NULL, NULL, &err), LCMP_EINVALID);
    assert_int_equal(lcmp_baseline_load(&b, &reader, NULL, &err),
                     LCMP_EINVALID);
    assert_string_equal(err.message, "no reader given");
    assert_int_equal(lcmp_baseline_load_dir(&b, NULL, NULL, &err),
                     LCMP_EINVALID);
    assert_int_equal(lcmp_baseline_validate(NULL, &reader, NULL, &err),
                     LCMP_EINVALID);
    assert_int_equal(lcmp_baseline_validate_dir(&problems, NULL, NULL, &err),
                     LCMP_EINVALID);
    assert_null(b);
    assert_null(problems);
    opts.version = 99;
    assert_int_equal(lcmp_baseline_load_dir(&b, dir, &opts, &err),
                     LCMP_EINVALID);
    assert_string_equal(err.message, "unknown load options version 99");
    assert_int_equal(lcmp_baseline_validate_dir(&problems, dir, &opts, &err),
                     LCMP_EINVALID);
    assert_null(problems);
    assert_int_equal(lcmp_baseline_load_dir(&b, "/nonexistent", NULL, NULL),
                     LCMP_ENOTFOUND);

    lcmp_baseline_free(NULL);
    lcmp_problems_free(NULL);
    assert_null(lcmp_baseline_id(NULL));
    assert_null(lcmp_baseline_title(NULL));
    assert_null(lcmp_baseline_publisher(NULL));
    assert_int_equal(lcmp_baseline_control_count(NULL), 0);
    assert_int_equal(lcmp_baseline_profile_count(NULL), 0);
    assert_null(lcmp_baseline_profile_id(NULL, 0));
    assert_int_equal(lcmp_baseline_headline_count(NULL), 0);
    assert_null(lcmp_baseline_headline(NULL, 0));
    assert_int_equal(lcmp_problems_count(NULL), 0);
    assert_null(lcmp_problems_get(NULL, 0));
}

static void test_baseline__names_files_of_a_directory(void **state)
{
    lcmp_baseline *b = NULL;
    lcmp_error err;
    char dir[1024], path[1200], want[sizeof(err.source)];

    (void)state;
    /* "DIR/path", with no second slash after a DIR that ends in one */
    data_path(dir, sizeof(dir), "tests/data/baseline/broken/");
    assert_int_equal(lcmp_baseline_load_dir(&b, dir, NULL, &err),
                     LCMP_EINVALID);
    snprintf(path, sizeof(path), "%scontrols/alpha.json", dir);
    lcmp__strlcpy_left(want, sizeof(want), path);
    assert_string_equal(err.source, want);
    assert_string_equal(err.pointer, "/controls/1/rules/0/fact");
    assert_int_equal(err.line, -1);

    assert_int_equal(lcmp_baseline_load_dir(&b, "data/no/such/dir", NULL, &err),
                     LCMP_ENOTFOUND);
    assert_string_equal(err.source, "data/no/such/dir/baseline.json");
    assert_non_null(strstr(err.message, "cannot open"));
    assert_null(b);
}

static void test_baseline__reports_missing_files(void **state)
{
    overlay o;

    (void)state;
    overlay_init(&o);
    overlay_set(&o, "baseline.json", NULL);
    check_overlay(&o, LCMP_ENOTFOUND, "/baseline.json", "", "no such file");

    overlay_init(&o);
    overlay_set(&o, "controls/beta.json", NULL);
    check_overlay(&o,
                  LCMP_ENOTFOUND,
                  "/baseline.json",
                  "/families/1/id",
                  "controls file 'controls/beta.json' not found");

    overlay_init(&o);
    overlay_set(&o, "profiles/side.json", NULL);
    check_overlay(&o,
                  LCMP_ENOTFOUND,
                  "/baseline.json",
                  "/profiles/3",
                  "profile file 'profiles/side.json' not found");
}

static void test_baseline__refuses_malformed_json(void **state)
{
    lcmp_load_options opts = LCMP_LOAD_OPTIONS_INIT;
    lcmp_baseline *b = NULL;
    lcmp_error err;
    char dir[1024];

    (void)state;
    refuse("baseline.json",
           "{'schema': }",
           LCMP_EPARSE,
           "",
           "unexpected token near '}'");
    refuse("controls/alpha.json",
           "{'schema':'a','schema':'b'}",
           LCMP_EPARSE,
           "",
           "duplicate object key");
    refuse("profiles/low.json",
           "",
           LCMP_EPARSE,
           "",
           "'[' or '{' expected near end of file");

    data_path(dir, sizeof(dir), "tests/data/baseline/valid");
    {
        overlay o;
        lcmp_reader reader;

        overlay_init(&o);
        overlay_set(&o, "controls/beta.json", "{'schema':\n  nope}");
        reader = overlay_reader(&o);
        assert_int_equal(lcmp_baseline_load(&b, &reader, NULL, &err),
                         LCMP_EPARSE);
        assert_int_equal(err.line, 2);
        assert_int_equal(err.column, 6);
        assert_string_equal(err.message, "invalid token near 'nope'");
    }

    opts.max_file_size = 64;
    assert_int_equal(lcmp_baseline_load_dir(&b, dir, &opts, &err), LCMP_ELIMIT);
    assert_true(ends_with(err.source, "/baseline.json"));
    assert_non_null(strstr(err.message, "larger than 64 bytes"));

    opts.max_file_size = 0;
    opts.max_depth = 2;
    assert_int_equal(lcmp_baseline_load_dir(&b, dir, &opts, &err), LCMP_ELIMIT);
    assert_string_equal(err.message, "nesting deeper than 2 levels");
    assert_null(b);
}

static void test_baseline__refuses_bad_manifests(void **state)
{
    (void)state;
    refuse("baseline.json",
           "[]",
           LCMP_EPARSE,
           "",
           "expected an object, got an array");
    refuse("baseline.json",
           "{'schema':'lcmp.controls/v1'}",
           LCMP_EPARSE,
           "/schema",
           "unsupported schema 'lcmp.controls/v1', expected "
           "'lcmp.baseline/v1'");
    refuse("baseline.json",
           "{'id':'t'}",
           LCMP_EPARSE,
           "",
           "missing member 'schema'");
    refuse("baseline.json",
           MANIFEST(HEAD, FAMILIES, PROFILES, ",'colour':1"),
           LCMP_EPARSE,
           "/colour",
           "unknown member 'colour'");
    refuse("baseline.json",
           "{'schema':'lcmp.baseline/v1'}",
           LCMP_EPARSE,
           "",
           "missing member 'families'");
    refuse("baseline.json",
           MANIFEST(HEAD, "[]", PROFILES, ""),
           LCMP_EPARSE,
           "/families",
           "expected at least 1 family");
    refuse("baseline.json",
           MANIFEST(HEAD, "{}", PROFILES, ""),
           LCMP_EPARSE,
           "/families",
           "expected an array, got an object");
    refuse("baseline.json",
           MANIFEST(HEAD, "[{'id':'alpha','title':'A','x':1}]", PROFILES, ""),
           LCMP_EPARSE,
           "/families/0/x",
           "unknown member 'x'");
    refuse("baseline.json",
           MANIFEST(HEAD, "[{'id':'al pha','title':'A'}]", PROFILES, ""),
           LCMP_EPARSE,
           "/families/0/id",
           "invalid identifier 'al pha'");
    refuse("baseline.json",
           MANIFEST(HEAD, "[{'id':'alpha'}]", PROFILES, ""),
           LCMP_EPARSE,
           "/families/0",
           "missing member 'title'");
    refuse("baseline.json",
           MANIFEST(HEAD, "['alpha']", PROFILES, ""),
           LCMP_EPARSE,
           "/families/0",
           "expected an object, got a string");
    refuse("baseline.json",
           MANIFEST(HEAD,
                    "[{'id':'alpha','title':'A'},{'id':'alpha','title':'B'}]",
                    PROFILES,
                    ""),
           LCMP_EINVALID,
           "/families/1/id",
           "duplicate family 'alpha'");
    refuse("baseline.json",
           MANIFEST(HEAD, FAMILIES, "[]", ""),
           LCMP_EPARSE,
           "/profiles",
           "expected at least 1 entry");
    refuse("baseline.json",
           MANIFEST(HEAD, FAMILIES, "'low'", ""),
           LCMP_EPARSE,
           "/profiles",
           "expected an array, got a string");
    refuse("baseline.json",
           MANIFEST(HEAD, FAMILIES, "['low','low']", ""),
           LCMP_EPARSE,
           "/profiles/1",
           "duplicate entry 'low'");
    refuse("baseline.json",
           MANIFEST(HEAD, FAMILIES, "['../low']", ""),
           LCMP_EPARSE,
           "/profiles/0",
           "invalid identifier '../low'");
    refuse(
        "baseline.json",
        MANIFEST(
            "'id':'t t','title':'T','publisher':'P',", FAMILIES, PROFILES, ""),
        LCMP_EPARSE,
        "/id",
        "invalid identifier 't t'");
    refuse("baseline.json",
           MANIFEST("'id':'t','publisher':'P',", FAMILIES, PROFILES, ""),
           LCMP_EPARSE,
           "",
           "missing member 'title'");
    refuse(
        "baseline.json",
        MANIFEST("'id':'t','title':'T','publisher':7,", FAMILIES, PROFILES, ""),
        LCMP_EPARSE,
        "/publisher",
        "expected a string, got an integer");
    refuse("baseline.json",
           MANIFEST(HEAD, FAMILIES, PROFILES, ",'description':false"),
           LCMP_EPARSE,
           "/description",
           "expected a string, got a boolean");
    refuse("baseline.json",
           MANIFEST(HEAD, FAMILIES, PROFILES, ",'headline':['A-01','Z-99']"),
           LCMP_EINVALID,
           "/headline/1",
           "unknown control 'Z-99'");
    refuse("baseline.json",
           MANIFEST(HEAD, FAMILIES, PROFILES, ",'headline':['A-01','A-01']"),
           LCMP_EPARSE,
           "/headline/1",
           "duplicate entry 'A-01'");
}

static void test_baseline__refuses_bad_controls_files(void **state)
{
    (void)state;
    refuse("controls/beta.json",
           "{'schema':'lcmp.baseline/v1','family':'beta','controls':[]}",
           LCMP_EPARSE,
           "/schema",
           "unsupported schema 'lcmp.baseline/v1'");
    refuse("controls/beta.json",
           "{'schema':'lcmp.controls/v1','family':'alpha','controls':[]}",
           LCMP_EINVALID,
           "/family",
           "family 'alpha' does not match file name 'beta.json'");
    refuse("controls/beta.json",
           "{'schema':'lcmp.controls/v1','controls':[]}",
           LCMP_EPARSE,
           "",
           "missing member 'family'");
    refuse("controls/beta.json",
           "{'schema':'lcmp.controls/v1','family':'beta','controls':[],"
           "'extra':1}",
           LCMP_EPARSE,
           "/extra",
           "unknown member 'extra'");
    refuse("controls/beta.json",
           "{'schema':'lcmp.controls/v1','family':'beta','controls':{}}",
           LCMP_EPARSE,
           "/controls",
           "expected an array, got an object");
    refuse("controls/beta.json",
           "{'schema':'lcmp.controls/v1','family':'beta','controls':['B-01']}",
           LCMP_EPARSE,
           "/controls/0",
           "expected an object, got a string");
}

static void test_baseline__refuses_bad_controls(void **state)
{
    (void)state;
    refuse_control(CONTROL("'colour':'red'"),
                   LCMP_EPARSE,
                   "/controls/0/colour",
                   "unknown member 'colour'");
    refuse_control("{'id':'G 01','title':'t','description':'d'}",
                   LCMP_EPARSE,
                   "/controls/0/id",
                   "invalid identifier 'G 01'");
    refuse_control("{'id':7,'title':'t','description':'d'}",
                   LCMP_EPARSE,
                   "/controls/0/id",
                   "expected a string, got an integer");
    refuse_control("{'title':'t','description':'d'}",
                   LCMP_EPARSE,
                   "/controls/0",
                   "missing member 'id'");
    refuse_control("{'id':'G-01','title':'t'}",
                   LCMP_EPARSE,
                   "/controls/0",
                   "missing member 'description'");
    refuse_control("{'id':'G-01','title':1,'description':'d'}",
                   LCMP_EPARSE,
                   "/controls/0/title",
                   "expected a string, got an integer");
    refuse_control(CONTROL("'not_applicable':'yes'"),
                   LCMP_EPARSE,
                   "/controls/0/not_applicable",
                   "expected a boolean, got a string");
    refuse_control(CONTROL("'params':[]"),
                   LCMP_EPARSE,
                   "/controls/0/params",
                   "expected an object, got an array");
    refuse_control(CONTROL("'facts':null"),
                   LCMP_EPARSE,
                   "/controls/0/facts",
                   "expected an object, got null");
    refuse_control(CONTROL("'rules':{}"),
                   LCMP_EPARSE,
                   "/controls/0/rules",
                   "expected an array, got an object");
}

static void test_baseline__refuses_duplicate_control_ids(void **state)
{
    (void)state;
    /* across files: the second one, in baseline order, is refused */
    refuse_control("{'id':'A-01','title':'t','description':'d'}",
                   LCMP_EINVALID,
                   "/controls/0/id",
                   "duplicate control id 'A-01'");
    /* in one file */
    refuse_control("{'id':'G-02','title':'t','description':'d'}",
                   LCMP_EINVALID,
                   "/controls/1/id",
                   "duplicate control id 'G-02'");
}

static void test_baseline__refuses_bad_params(void **state)
{
    (void)state;
    refuse_control(CONTROL("'params':{'p':3}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p",
                   "expected an object, got an integer");
    refuse_control(CONTROL("'params':{'p':{'default':1}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p",
                   "missing member 'type'");
    refuse_control(CONTROL("'params':{'p':{'type':'float','default':1}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/type",
                   "unknown type 'float'");
    refuse_control(
        CONTROL("'params':{'p':{'type':'date','default':'2026-01-01'}}"),
        LCMP_EPARSE,
        "/controls/0/params/p/type",
        "a parameter cannot be of type 'date'");
    refuse_control(CONTROL("'params':{'p':{'type':'integer'}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p",
                   "missing member 'default'");
    refuse_control(CONTROL("'params':{'p':{'type':'integer','default':'x'}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/default",
                   "expected an integer, got a string");
    refuse_control(CONTROL("'params':{'p':{'type':'integer','default':1.5}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/default",
                   "expected an integer, got a number");
    refuse_control(CONTROL("'params':{'p':{'type':'boolean','default':1}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/default",
                   "expected a boolean, got an integer");
    refuse_control(CONTROL("'params':{'p':{'type':'string','default':null}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/default",
                   "expected a string, got null");
    refuse_control(
        CONTROL("'params':{'p':{'type':'integer','default':0,'min':1}}"),
        LCMP_EINVALID,
        "/controls/0/params/p/default",
        "0 is below the minimum 1");
    refuse_control(CONTROL("'params':{'p':{'type':'integer','default':61,"
                           "'min':1,'max':60}}"),
                   LCMP_EINVALID,
                   "/controls/0/params/p/default",
                   "61 is above the maximum 60");
    refuse_control(
        CONTROL("'params':{'p':{'type':'integer','default':5,'min':5,"
                "'max':1}}"),
        LCMP_EINVALID,
        "/controls/0/params/p/max",
        "maximum 1 is below the minimum 5");
    refuse_control(
        CONTROL("'params':{'p':{'type':'integer','default':5,'min':1.5}}"),
        LCMP_EPARSE,
        "/controls/0/params/p/min",
        "expected an integer, got a number");
    refuse_control(
        CONTROL("'params':{'p':{'type':'boolean','default':true,'min':1}}"),
        LCMP_EPARSE,
        "/controls/0/params/p/min",
        "'min' is only allowed for integer and percent");
    refuse_control(
        CONTROL("'params':{'p':{'type':'string','default':'a','max':1}}"),
        LCMP_EPARSE,
        "/controls/0/params/p/max",
        "'max' is only allowed for integer and percent");
    refuse_control(CONTROL("'params':{'p':{'type':'percent','default':120}}"),
                   LCMP_EINVALID,
                   "/controls/0/params/p/default",
                   "percent 120 is not between 0 and 100");
    refuse_control(
        CONTROL("'params':{'p':{'type':'percent','default':12.5,'max':150}}"),
        LCMP_EINVALID,
        "/controls/0/params/p/max",
        "percent 150 is not between 0 and 100");
    refuse_control(
        CONTROL("'params':{'p':{'type':'percent','default':12.5,'min':20}}"),
        LCMP_EINVALID,
        "/controls/0/params/p/default",
        "12.5 is below the minimum 20");
    refuse_control(CONTROL("'params':{'p':{'type':'enum','default':'a'}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p",
                   "missing member 'values'");
    refuse_control(
        CONTROL("'params':{'p':{'type':'enum','values':[],'default':'a'}}"),
        LCMP_EPARSE,
        "/controls/0/params/p/values",
        "expected at least 1 entry");
    refuse_control(CONTROL("'params':{'p':{'type':'enum','values':['a','a'],"
                           "'default':'a'}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/values/1",
                   "duplicate entry 'a'");
    refuse_control(CONTROL("'params':{'p':{'type':'enum','values':['a',1],"
                           "'default':'a'}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/values/1",
                   "expected a string, got an integer");
    refuse_control(CONTROL("'params':{'p':{'type':'enum','values':['a','b'],"
                           "'default':'z'}}"),
                   LCMP_EINVALID,
                   "/controls/0/params/p/default",
                   "'z' is not one of the allowed values");
    refuse_control(CONTROL("'params':{'p':{'type':'string','values':['a'],"
                           "'default':'a'}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/values",
                   "'values' is only allowed for enum");
    refuse_control(CONTROL("'params':{'p':{'type':'integer','default':1,"
                           "'unit':'weeks'}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/unit",
                   "unknown unit 'weeks'");
    refuse_control(CONTROL("'params':{'p':{'type':'integer','default':1,"
                           "'colour':'red'}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/colour",
                   "unknown member 'colour'");
    refuse_control(
        CONTROL("'params':{'bad name':{'type':'integer','default':1}}"),
        LCMP_EPARSE,
        "/controls/0/params/bad name",
        "invalid parameter name 'bad name'");
    refuse_control(CONTROL("'params':{'p':{'type':'integer','default':1,"
                           "'description':2}}"),
                   LCMP_EPARSE,
                   "/controls/0/params/p/description",
                   "expected a string, got an integer");
}

static void test_baseline__refuses_bad_facts(void **state)
{
    (void)state;
    refuse_control(CONTROL("'facts':{'f':{'type':'time'}}"),
                   LCMP_EPARSE,
                   "/controls/0/facts/f/type",
                   "unknown type 'time'");
    refuse_control(CONTROL("'facts':{'f':{'type':'enum'}}"),
                   LCMP_EPARSE,
                   "/controls/0/facts/f",
                   "missing member 'values'");
    refuse_control(CONTROL("'facts':{'f':{'type':'string','values':['a']}}"),
                   LCMP_EPARSE,
                   "/controls/0/facts/f/values",
                   "'values' is only allowed for enum");
    refuse_control(CONTROL("'facts':{'f':{'type':'date','min':1}}"),
                   LCMP_EPARSE,
                   "/controls/0/facts/f/min",
                   "'min' is only allowed for integer and percent");
    refuse_control(CONTROL("'facts':{'f':{'type':'percent','max':101}}"),
                   LCMP_EINVALID,
                   "/controls/0/facts/f/max",
                   "percent 101 is not between 0 and 100");
    refuse_control(CONTROL("'facts':{'f':{'type':'integer','default':1}}"),
                   LCMP_EPARSE,
                   "/controls/0/facts/f/default",
                   "unknown member 'default'");
    refuse_control(CONTROL("'facts':{'f g':{'type':'integer'}}"),
                   LCMP_EPARSE,
                   "/controls/0/facts/f g",
                   "invalid fact name 'f g'");
    refuse_control(CONTROL("'facts':{'f':'integer'}"),
                   LCMP_EPARSE,
                   "/controls/0/facts/f",
                   "expected an object, got a string");
}

static void test_baseline__refuses_bad_rules(void **state)
{
    (void)state;
    refuse_control(RULE("['n']"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0",
                   "expected an object, got an array");
    refuse_control(RULE("{'op':'eq','value':1}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0",
                   "missing member 'fact'");
    refuse_control(RULE("{'fact':'n','value':1}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0",
                   "missing member 'op'");
    refuse_control(RULE("{'fact':'n','op':'eq','value':1,'colour':1}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/colour",
                   "unknown member 'colour'");
    refuse_control(RULE("{'fact':'zz','op':'eq','value':1}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/fact",
                   "unknown fact 'zz' in rule");
    refuse_control(RULE("{'fact':'n','op':'approx','value':1}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/op",
                   "unknown operator 'approx'");
    refuse_control(RULE("{'fact':'n','op':'eq','param':'zz'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/param",
                   "unknown parameter 'zz' in rule");
    /* operand types */
    refuse_control(RULE("{'fact':'b','op':'eq','value':3}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/value",
                   "expected a boolean, got an integer");
    refuse_control(RULE("{'fact':'n','op':'ge','value':2.5}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/value",
                   "expected an integer, got a number");
    refuse_control(RULE("{'fact':'s','op':'eq','value':1}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/value",
                   "expected a string, got an integer");
    refuse_control(RULE("{'fact':'pc','op':'le','value':101}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/value",
                   "percent 101 is not between 0 and 100");
    refuse_control(RULE("{'fact':'e','op':'eq','value':'q'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/value",
                   "'q' is not one of the allowed values");
    refuse_control(RULE("{'fact':'b','op':'eq','param':'pi'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/param",
                   "parameter 'pi' is integer, which does not fit boolean "
                   "fact 'b'");
    refuse_control(RULE("{'fact':'e','op':'eq','param':'ps'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/param",
                   "parameter 'ps' is string, which does not fit enum fact "
                   "'e'");
    refuse_control(RULE("{'fact':'n','op':'ne','param':'pb'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/param",
                   "parameter 'pb' is boolean");
    /* operators and fact types */
    refuse_control(RULE("{'fact':'d','op':'eq','value':'2026-01-01'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/op",
                   "operator 'eq' does not apply to date fact 'd'");
    refuse_control(RULE("{'fact':'s','op':'lt','value':'a'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/op",
                   "operator 'lt' does not apply to string fact 's'");
    refuse_control(RULE("{'fact':'b','op':'ge','value':true}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/op",
                   "operator 'ge' does not apply to boolean fact 'b'");
    refuse_control(RULE("{'fact':'n','op':'in','values':['1']}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/op",
                   "operator 'in' does not apply to integer fact 'n'");
    refuse_control(RULE("{'fact':'n','op':'max_age','value':3,'unit':'days'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/op",
                   "operator 'max_age' does not apply to integer fact 'n'");
    /* in */
    refuse_control(RULE("{'fact':'e','op':'in'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0",
                   "missing member 'values'");
    refuse_control(RULE("{'fact':'e','op':'in','values':[]}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/values",
                   "expected at least 1 entry");
    refuse_control(RULE("{'fact':'e','op':'in','values':'x'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/values",
                   "expected an array, got a string");
    refuse_control(RULE("{'fact':'e','op':'in','values':['x','q']}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/values/1",
                   "'q' is not a value of fact 'e'");
    refuse_control(RULE("{'fact':'e','op':'in','values':['x'],'value':'x'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/value",
                   "'value' is not allowed with operator 'in'");
    refuse_control(RULE("{'fact':'s','op':'in','values':['x'],'param':'ps'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/param",
                   "'param' is not allowed with operator 'in'");
    /* max_age */
    refuse_control(RULE("{'fact':'d','op':'max_age','value':3}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0",
                   "missing member 'unit'");
    refuse_control(RULE("{'fact':'d','op':'max_age','value':3,'unit':'weeks'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/unit",
                   "unknown unit 'weeks'");
    refuse_control(RULE("{'fact':'d','op':'max_age','value':0,'unit':'days'}"),
                   LCMP_EINVALID,
                   "/controls/0/rules/0/value",
                   "expected a positive number of days, got 0");
    refuse_control(
        RULE("{'fact':'d','op':'max_age','value':-2,'unit':'months'}"),
        LCMP_EINVALID,
        "/controls/0/rules/0/value",
        "expected a positive number of months, got -2");
    refuse_control(
        RULE("{'fact':'d','op':'max_age','value':'3','unit':'days'}"),
        LCMP_EPARSE,
        "/controls/0/rules/0/value",
        "expected an integer, got a string");
    refuse_control(
        RULE("{'fact':'d','op':'max_age','param':'pp','unit':'days'}"),
        LCMP_EINVALID,
        "/controls/0/rules/0/param",
        "parameter 'pp' is percent, which does not fit date fact 'd'");
    refuse_control(
        RULE("{'fact':'d','op':'max_age','param':'pdays','unit':'months'}"),
        LCMP_EINVALID,
        "/controls/0/rules/0/unit",
        "rule unit differs from unit 'days' of parameter 'pdays'");
    /* operands */
    refuse_control(RULE("{'fact':'n','op':'eq','value':1,'param':'pi'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0",
                   "a rule takes 'value' or 'param', not both");
    refuse_control(RULE("{'fact':'n','op':'eq'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0",
                   "a rule with operator 'eq' needs 'value' or 'param'");
    refuse_control(RULE("{'fact':'n','op':'eq','param':3}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/param",
                   "expected a string, got an integer");
    refuse_control(RULE("{'fact':'n','op':'eq','value':1,'unit':'days'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/unit",
                   "'unit' is not allowed with operator 'eq'");
    refuse_control(RULE("{'fact':'e','op':'ne','value':'x','values':['x']}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/0/values",
                   "'values' is not allowed with operator 'ne'");
    /* the first problem is reported: rule 1 of 2 */
    refuse_control(RULE("{'fact':'n','op':'eq','value':1},"
                        "{'fact':'n','op':'eq','value':'1'}"),
                   LCMP_EPARSE,
                   "/controls/0/rules/1/value",
                   "expected an integer, got a string");
}

static void test_baseline__accepts_every_operand_that_fits(void **state)
{
    (void)state;
    /* integer and percent mix, as parameters and as literals */
    accept_control(RULE("{'fact':'pc','op':'ge','param':'pi'},"
                        "{'fact':'n','op':'le','param':'pp'},"
                        "{'fact':'pc','op':'gt','value':12.5},"
                        "{'fact':'pc','op':'lt','value':100},"
                        "{'fact':'n','op':'ne','value':-3}"));
    accept_control(RULE("{'fact':'e','op':'eq','param':'pe'},"
                        "{'fact':'e','op':'ne','value':'y'},"
                        "{'fact':'s','op':'eq','param':'ps'},"
                        "{'fact':'s','op':'in','values':['any','thing']},"
                        "{'fact':'b','op':'ne','value':false},"
                        "{'fact':'b','op':'eq','param':'pb'}"));
    accept_control(
        RULE("{'fact':'d','op':'max_age','param':'pdays','unit':'days'},"
             "{'fact':'d','op':'max_age','param':'pi','unit':'months'},"
             "{'fact':'d','op':'max_age','value':1,'unit':'months'}"));
    accept_control(CONTROL("'params':{},'facts':{},'rules':[],"
                           "'mappings':{},'evidence':{},"
                           "'not_applicable':false"));
}

static void test_baseline__refuses_bad_evidence_and_mappings(void **state)
{
    (void)state;
    refuse_control(CONTROL("'evidence':{'min':-1}"),
                   LCMP_EINVALID,
                   "/controls/0/evidence/min",
                   "expected a number >= 0, got -1");
    refuse_control(CONTROL("'evidence':{'min':'1'}"),
                   LCMP_EPARSE,
                   "/controls/0/evidence/min",
                   "expected an integer, got a string");
    refuse_control(CONTROL("'evidence':{'sha256':1}"),
                   LCMP_EPARSE,
                   "/controls/0/evidence/sha256",
                   "expected a boolean, got an integer");
    refuse_control(CONTROL("'evidence':{'max':1}"),
                   LCMP_EPARSE,
                   "/controls/0/evidence/max",
                   "unknown member 'max'");
    refuse_control(CONTROL("'evidence':1"),
                   LCMP_EPARSE,
                   "/controls/0/evidence",
                   "expected an object, got an integer");
    refuse_control(CONTROL("'mappings':{'bad key':['1']}"),
                   LCMP_EPARSE,
                   "/controls/0/mappings/bad key",
                   "invalid framework name 'bad key'");
    refuse_control(CONTROL("'mappings':{'bio2':[]}"),
                   LCMP_EPARSE,
                   "/controls/0/mappings/bio2",
                   "expected at least 1 entry");
    refuse_control(CONTROL("'mappings':{'bio2':['5.1','5.1']}"),
                   LCMP_EPARSE,
                   "/controls/0/mappings/bio2/1",
                   "duplicate entry '5.1'");
    refuse_control(CONTROL("'mappings':{'bio2':[5]}"),
                   LCMP_EPARSE,
                   "/controls/0/mappings/bio2/0",
                   "expected a string, got an integer");
    refuse_control(CONTROL("'mappings':{'bio2':'5.1'}"),
                   LCMP_EPARSE,
                   "/controls/0/mappings/bio2",
                   "expected an array, got a string");
    refuse_control(CONTROL("'mappings':['bio2']"),
                   LCMP_EPARSE,
                   "/controls/0/mappings",
                   "expected an object, got an array");
}

static void test_baseline__refuses_bad_profiles(void **state)
{
    (void)state;
    refuse("profiles/low.json",
           "{'schema':'lcmp.profile/v2','id':'low'}",
           LCMP_EPARSE,
           "/schema",
           "unsupported schema 'lcmp.profile/v2'");
    refuse("profiles/low.json",
           PROFILE("low", ",'colour':1"),
           LCMP_EPARSE,
           "/colour",
           "unknown member 'colour'");
    refuse("profiles/low.json",
           PROFILE("lower", ""),
           LCMP_EINVALID,
           "/id",
           "profile id 'lower' does not match file name 'low.json'");
    refuse("profiles/low.json",
           "{'schema':'lcmp.profile/v1','id':'low'}",
           LCMP_EPARSE,
           "",
           "missing member 'title'");
    refuse("profiles/low.json",
           PROFILE("low", ",'extends':['nope']"),
           LCMP_EINVALID,
           "/extends/0",
           "unknown profile 'nope'");
    refuse("profiles/high.json",
           PROFILE("high", ",'extends':['mid','mid']"),
           LCMP_EPARSE,
           "/extends/1",
           "duplicate entry 'mid'");
    refuse("profiles/low.json",
           PROFILE("low", ",'extends':'mid'"),
           LCMP_EPARSE,
           "/extends",
           "expected an array, got a string");
    refuse("profiles/low.json",
           PROFILE("low", ",'include':[]"),
           LCMP_EPARSE,
           "/include",
           "expected an object, got an array");
    refuse("profiles/low.json",
           PROFILE("low", ",'include':{'ids':['A-01','Z-99']}"),
           LCMP_EINVALID,
           "/include/ids/1",
           "unknown control 'Z-99'");
    refuse("profiles/low.json",
           PROFILE("low", ",'include':{'families':['alpha','delta']}"),
           LCMP_EINVALID,
           "/include/families/1",
           "unknown family 'delta'");
    refuse("profiles/low.json",
           PROFILE("low", ",'include':{'colour':1}"),
           LCMP_EPARSE,
           "/include/colour",
           "unknown member 'colour'");
    refuse("profiles/low.json",
           PROFILE("low", ",'exclude':{'families':['alpha']}"),
           LCMP_EPARSE,
           "/exclude/families",
           "unknown member 'families'");
    refuse("profiles/low.json",
           PROFILE("low", ",'exclude':{'ids':['Z-99']}"),
           LCMP_EINVALID,
           "/exclude/ids/0",
           "unknown control 'Z-99'");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'Z-99':{'p':1}}"),
           LCMP_EINVALID,
           "/params/Z-99",
           "unknown control 'Z-99'");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'A-02':12}"),
           LCMP_EPARSE,
           "/params/A-02",
           "expected an object, got an integer");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'A-02':{'x':1}}"),
           LCMP_EINVALID,
           "/params/A-02/x",
           "unknown parameter 'x' of control 'A-02'");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'A-02':{'max_age_months':'12'}}"),
           LCMP_EPARSE,
           "/params/A-02/max_age_months",
           "expected an integer, got a string");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'A-02':{'max_age_months':61}}"),
           LCMP_EINVALID,
           "/params/A-02/max_age_months",
           "61 is above the maximum 60");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'A-02':{'coverage':40}}"),
           LCMP_EINVALID,
           "/params/A-02/coverage",
           "40 is below the minimum 50");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'A-02':{'coverage':100.5}}"),
           LCMP_EINVALID,
           "/params/A-02/coverage",
           "percent 100.5 is not between 0 and 100");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'A-02':{'level':'z'}}"),
           LCMP_EINVALID,
           "/params/A-02/level",
           "'z' is not one of the allowed values");
    refuse("profiles/low.json",
           PROFILE("low", ",'params':{'B-01':{'enforce':'yes'}}"),
           LCMP_EPARSE,
           "/params/B-01/enforce",
           "expected a boolean, got a string");
}

static void test_baseline__refuses_profile_cycles(void **state)
{
    overlay o;

    (void)state;
    overlay_init(&o);
    overlay_set(&o, "profiles/low.json", PROFILE("low", ",'extends':['low']"));
    check_overlay(&o,
                  LCMP_EINVALID,
                  "/profiles/low.json",
                  "/extends/0",
                  "profile 'low' extends itself");

    /* low -> high -> mid -> low */
    overlay_init(&o);
    overlay_set(
        &o, "profiles/low.json", PROFILE("low", ",'extends':['side','high']"));
    check_overlay(&o,
                  LCMP_EINVALID,
                  "/profiles/low.json",
                  "/extends/1",
                  "profile 'low' extends itself through 'high', 'mid'");

    /* side -> combo -> side, away from the first profile of the manifest
     * and behind combo's other, acyclic branch (high -> mid -> low) */
    overlay_init(&o);
    overlay_set(
        &o, "profiles/side.json", PROFILE("side", ",'extends':['combo']"));
    check_overlay(&o,
                  LCMP_EINVALID,
                  "/profiles/side.json",
                  "/extends/0",
                  "profile 'side' extends itself through 'combo'");
}

static void test_baseline__validates_valid_trees_without_problems(void **state)
{
    lcmp_problems *problems = NULL;
    lcmp_error err;
    char dir[1024];

    (void)state;
    data_path(dir, sizeof(dir), "tests/data/baseline/valid");
    assert_int_equal(lcmp_baseline_validate_dir(&problems, dir, NULL, &err), 0);
    assert_int_equal(lcmp_problems_count(problems), 0);
    assert_null(lcmp_problems_get(problems, 0));
    lcmp_problems_free(problems);

    data_path(dir, sizeof(dir), "baselines/municipal");
    assert_int_equal(lcmp_baseline_validate_dir(&problems, dir, NULL, &err), 0);
    assert_int_equal(lcmp_problems_count(problems), 0);
    lcmp_problems_free(problems);
}

static void test_baseline__validates_every_broken_control(void **state)
{
    static const struct {
        const char *source, *pointer, *message;
        int code;
    } want[] = {
        {"/controls/alpha.json",
         "/controls/1/rules/0/fact",
         "unknown fact 'approved' in rule",
         LCMP_EINVALID},
        {"/controls/alpha.json",
         "/controls/2/params/limit/default",
         "130 is above the maximum 100",
         LCMP_EINVALID},
        {"/controls/beta.json",
         "/controls/1/colour",
         "unknown member 'colour'",
         LCMP_EPARSE},
        {"/controls/gamma.json",
         "/controls/1/evidence/min",
         "expected a number >= 0, got -1",
         LCMP_EINVALID},
        {"/controls/beta.json",
         "/controls/3/id",
         "duplicate control id 'B-01'",
         LCMP_EINVALID},
        {"/profiles/side.json",
         "/params/G-01/nope",
         "unknown parameter 'nope' of control 'G-01'",
         LCMP_EINVALID},
    };
    lcmp_problems *problems = NULL;
    lcmp_error err;
    char dir[1024];
    size_t i;

    (void)state;
    /* five controls in three files and one profile are broken; the
     * headline and the profiles name the broken controls and
     * B-02 too, which is not reported again */
    data_path(dir, sizeof(dir), "tests/data/baseline/broken");
    assert_int_equal(lcmp_baseline_validate_dir(&problems, dir, NULL, &err), 0);
    assert_int_equal(lcmp_problems_count(problems),
                     sizeof(want) / sizeof(want[0]));
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        check_error(lcmp_problems_get(problems, i),
                    want[i].code,
                    want[i].source,
                    want[i].pointer,
                    want[i].message);
    }
    assert_null(lcmp_problems_get(problems, i));
    lcmp_problems_free(problems);
}

/* Validate the valid tree with some files replaced; expect `n` problems. */
static lcmp_problems *validate_overlay(overlay *o, size_t n)
{
    lcmp_reader reader = overlay_reader(o);
    lcmp_problems *problems = NULL;
    lcmp_error err;

    assert_int_equal(lcmp_baseline_validate(&problems, &reader, NULL, &err), 0);
    if (lcmp_problems_count(problems) != n) {
        size_t i;

        for (i = 0; i < lcmp_problems_count(problems); i++) {
            char line[1024];

            lcmp_error_format(
                line, sizeof(line), lcmp_problems_get(problems, i));
            print_message("%s\n", line);
        }
        fail_msg(
            "%zu problems, expected %zu", lcmp_problems_count(problems), n);
    }
    return problems;
}

static void test_baseline__validates_file_by_file(void **state)
{
    lcmp_problems *problems;
    overlay o;

    (void)state;
    /* a missing manifest or directory is one problem */
    problems = NULL;
    assert_int_equal(
        lcmp_baseline_validate_dir(&problems, "data/no/such/dir", NULL, NULL),
        0);
    assert_int_equal(lcmp_problems_count(problems), 1);
    check_error(lcmp_problems_get(problems, 0),
                LCMP_ENOTFOUND,
                "data/no/such/dir/baseline.json",
                "",
                "cannot open");
    lcmp_problems_free(problems);

    /* a manifest that names no families stops validation */
    overlay_init(&o);
    overlay_set(&o, "baseline.json", MANIFEST(HEAD, "[]", PROFILES, ""));
    lcmp_problems_free(validate_overlay(&o, 1));

    /* a problem in the rest of the manifest does not */
    overlay_init(&o);
    overlay_set(&o,
                "baseline.json",
                MANIFEST("'id':'t','title':'T','publisher':1,",
                         FAMILIES,
                         PROFILES,
                         ",'headline':['Z-99']"));
    overlay_set(&o,
                "controls/gamma.json",
                "{'schema':'lcmp.controls/v1','family':'gamma','controls':["
                "{'id':'G-01','title':'t'},{'id':'G-02','title':'t',"
                "'description':'d','colour':1}]}");
    problems = validate_overlay(&o, 3);
    check_error(lcmp_problems_get(problems, 0),
                LCMP_EPARSE,
                "/baseline.json",
                "/publisher",
                "expected a string");
    check_error(lcmp_problems_get(problems, 1),
                LCMP_EPARSE,
                "/controls/gamma.json",
                "/controls/0",
                "missing member 'description'");
    check_error(lcmp_problems_get(problems, 2),
                LCMP_EPARSE,
                "/controls/gamma.json",
                "/controls/1/colour",
                "unknown member 'colour'");
    lcmp_problems_free(problems);

    /* a controls file that cannot be read hides its controls: the
     * references to them are not reported as well */
    overlay_init(&o);
    overlay_set(&o,
                "controls/beta.json",
                "{'schema':'lcmp.controls/v1','family':'alpha','controls':[]}");
    overlay_set(&o, "profiles/side.json", PROFILE("side", ",'include':5"));
    problems = validate_overlay(&o, 2);
    check_error(lcmp_problems_get(problems, 0),
                LCMP_EINVALID,
                "/controls/beta.json",
                "/family",
                "does not match");
    check_error(lcmp_problems_get(problems, 1),
                LCMP_EPARSE,
                "/profiles/side.json",
                "/include",
                "expected an object");
    lcmp_problems_free(problems);

    /* a missing profile file, and a profile that extends a broken one */
    overlay_init(&o);
    overlay_set(&o, "profiles/low.json", NULL);
    overlay_set(&o, "profiles/mid.json", PROFILE("mid", ",'extends':['mid']"));
    problems = validate_overlay(&o, 2);
    check_error(lcmp_problems_get(problems, 0),
                LCMP_ENOTFOUND,
                "/baseline.json",
                "/profiles/0",
                "not found");
    check_error(lcmp_problems_get(problems, 1),
                LCMP_EINVALID,
                "/profiles/mid.json",
                "/extends/0",
                "profile 'mid' extends itself");
    lcmp_problems_free(problems);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_baseline__loads_municipal),
        cmocka_unit_test(test_baseline__loads_every_part_of_the_format),
        cmocka_unit_test(test_baseline__finds_controls_and_profiles_by_id),
        cmocka_unit_test(test_baseline__names_types),
        cmocka_unit_test(test_baseline__refuses_bad_arguments),
        cmocka_unit_test(test_baseline__names_files_of_a_directory),
        cmocka_unit_test(test_baseline__reports_missing_files),
        cmocka_unit_test(test_baseline__refuses_malformed_json),
        cmocka_unit_test(test_baseline__refuses_bad_manifests),
        cmocka_unit_test(test_baseline__refuses_bad_controls_files),
        cmocka_unit_test(test_baseline__refuses_bad_controls),
        cmocka_unit_test(test_baseline__refuses_duplicate_control_ids),
        cmocka_unit_test(test_baseline__refuses_bad_params),
        cmocka_unit_test(test_baseline__refuses_bad_facts),
        cmocka_unit_test(test_baseline__refuses_bad_rules),
        cmocka_unit_test(test_baseline__accepts_every_operand_that_fits),
        cmocka_unit_test(test_baseline__refuses_bad_evidence_and_mappings),
        cmocka_unit_test(test_baseline__refuses_bad_profiles),
        cmocka_unit_test(test_baseline__refuses_profile_cycles),
        cmocka_unit_test(test_baseline__validates_valid_trees_without_problems),
        cmocka_unit_test(test_baseline__validates_every_broken_control),
        cmocka_unit_test(test_baseline__validates_file_by_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
