/*
 * bench_check: the `check` performance target of DESIGN.md §6, as ratios
 * measured in one run.
 *
 * For each size M (default 50, 1,200 and 10,000 controls) it generates a
 * baseline and a declaration (bench/gen.h) into a temporary directory and
 * compares
 *   floor: read and parse every file (manifest, controls, profiles,
 *          declaration) with jansson alone (JSON_REJECT_DUPLICATES), then
 *          json_decref them;
 *   check: lcmp_baseline_load_dir + lcmp_profile_resolve("important") +
 *          lcmp_declaration_load_file + lcmp_evaluate, then free them.
 * lcmp_result_to_json is timed on its own.
 *
 * Warm figures: two forked workers, one running the floor and one running
 * check, are asked in turn for one run each, so that the runs alternate
 * and share the machine's noise while each kind keeps its own heap (in one
 * process, glibc's allocator made each check pay for consolidating the
 * floor's freed nodes, which moved the ratio from ~1.3x to ~2.0x). Each
 * figure is the median of at least 5 runs and of at least --min-time ms of
 * runs; CLOCK_MONOTONIC.
 *
 * Cold figures and peak memory: this program re-executed with --child runs
 * the floor or check once in a fresh process and reports its time and its
 * peak RSS (VmHWM, else getrusage); an empty child gives the process's
 * own size.
 *
 * `bench_check gen ...` is the generator's command line (gen_main.c).
 *
 * Exit status: 0 when every warm check/floor ratio meets the target, 1 when
 * one misses it, 2 on an error (bad arguments, generation, library or
 * child failure).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "libcompliance.h"

#include "gen.h"

#define TARGET_RATIO     2.0
#define DEFAULT_MIN_MS   200.0
#define MIN_RUNS         5
#define MAX_RUNS         100000
#define COLD_RUNS        3
#define MAX_SIZES        16
#define DECLARATION_SEED 1

static const size_t default_sizes[] = {50, 1200, 10000};

/* Everything measured for one size. */
typedef struct bench_row {
    size_t m;
    size_t files;
    size_t bytes;
    size_t runs;
    double floor_ms; /* warm medians */
    double check_ms;
    double json_ms;
    double floor_min; /* warm minimums */
    double check_min;
    double pair_ratio;    /* median of check/floor over adjacent runs */
    double cold_floor_ms; /* cold medians */
    double cold_check_ms;
    long rss_empty_kib;
    long rss_floor_kib;
    long rss_check_kib;
    lcmp_counts summary;
    size_t warnings;
} bench_row;

/* The files the floor reads: manifest, controls, profiles, declaration. */
typedef struct file_list {
    char **paths;
    size_t n;
    size_t bytes;
} file_list;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Median of n > 0 samples (sorts them). */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_lcmp_error(const char *what, int rc, const lcmp_error *err)
{
    char line[1024];

    if (err->code != 0 || err->message[0] != '\0') {
        lcmp_error_format(line, sizeof(line), err);
    } else {
        snprintf(line, sizeof(line), "%s", lcmp_strerror(rc));
    }
    fprintf(stderr, "bench_check: %s: %s (%d)\n", what, line, rc);
}

/*
 * The floor: jansson alone.
 */
static void file_list_free(file_list *fl)
{
    size_t i;

    for (i = 0; i < fl->n; i++) {
        free(fl->paths[i]);
    }
    free(fl->paths);
    memset(fl, 0, sizeof(*fl));
}

/* Append a + b; adds the file's size to fl->bytes. */
static int file_list_add(file_list *fl, const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 1;
    char **paths = realloc(fl->paths, (fl->n + 1) * sizeof(*fl->paths));
    struct stat st;

    if (paths == NULL) {
        return -1;
    }
    fl->paths = paths;
    fl->paths[fl->n] = malloc(len);
    if (fl->paths[fl->n] == NULL) {
        return -1;
    }
    snprintf(fl->paths[fl->n], len, "%s%s", a, b);
    if (stat(fl->paths[fl->n], &st) == 0) {
        fl->bytes += (size_t)st.st_size;
    }
    fl->n++;
    return 0;
}

/* Read a whole file into a new buffer. */
static int read_file(char **out, size_t *len, const char *path)
{
    FILE *fp = NULL;
    char *buf = NULL;
    long size;
    int rc = -1;

    fp = fopen(path, "rb");
    if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
        fseek(fp, 0, SEEK_SET) != 0)
    {
        goto done;
    }
    buf = malloc((size_t)size + 1);
    if (buf == NULL || fread(buf, 1, (size_t)size, fp) != (size_t)size) {
        goto done;
    }
    buf[size] = '\0';
    *out = buf;
    *len = (size_t)size;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    if (fp != NULL) {
        fclose(fp);
    }
    return rc;
}

/* The list of files from the manifest in `dir`, plus the declaration. */
static int file_list_build(file_list *fl, const char *dir, const char *decl)
{
    json_error_t jerr;
    json_t *man = NULL;
    json_t *v;
    size_t i;
    char path[4096];
    char sub[256];
    int rc = -1;

    memset(fl, 0, sizeof(*fl));
    if ((size_t)snprintf(path, sizeof(path), "%s/baseline.json", dir) >=
        sizeof(path))
    {
        goto fail;
    }
    man = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (man == NULL) {
        fprintf(stderr,
                "bench_check: %s:%d:%d: %s\n",
                path,
                jerr.line,
                jerr.column,
                jerr.text);
        goto done;
    }
    if (file_list_add(fl, path, "") != 0) {
        goto fail;
    }
    json_array_foreach (json_object_get(man, "families"), i, v) {
        const char *id = json_string_value(json_object_get(v, "id"));

        if (id == NULL) {
            goto fail;
        }
        snprintf(sub, sizeof(sub), "/controls/%s.json", id);
        if (file_list_add(fl, dir, sub) != 0) {
            goto fail;
        }
    }
    json_array_foreach (json_object_get(man, "profiles"), i, v) {
        const char *id = json_string_value(v);

        if (id == NULL) {
            goto fail;
        }
        snprintf(sub, sizeof(sub), "/profiles/%s.json", id);
        if (file_list_add(fl, dir, sub) != 0) {
            goto fail;
        }
    }
    if (file_list_add(fl, decl, "") != 0) {
        goto fail;
    }
    rc = 0;
    goto done;
fail:
    fprintf(stderr, "bench_check: %s: cannot list the baseline's files\n", dir);
done:
    json_decref(man);
    if (rc != 0) {
        file_list_free(fl);
    }
    return rc;
}

/* One floor run: read and parse every file, keep all, then free all. */
static int floor_run(const file_list *fl, json_t **docs)
{
    json_error_t jerr;
    size_t i, k;
    int rc = -1;

    for (i = 0; i < fl->n; i++) {
        char *buf = NULL;
        size_t len = 0;

        docs[i] = NULL;
        if (read_file(&buf, &len, fl->paths[i]) != 0) {
            fprintf(
                stderr, "bench_check: %s: %s\n", fl->paths[i], strerror(errno));
            goto done;
        }
        docs[i] = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
        free(buf);
        if (docs[i] == NULL) {
            fprintf(stderr,
                    "bench_check: %s:%d:%d: %s\n",
                    fl->paths[i],
                    jerr.line,
                    jerr.column,
                    jerr.text);
            goto done;
        }
    }
    rc = 0;
done:
    for (k = 0; k < fl->n && k <= i; k++) {
        json_decref(docs[k]);
        docs[k] = NULL;
    }
    return rc;
}

/*
 * check: the library.
 */
typedef struct check_state {
    lcmp_baseline *baseline;
    lcmp_profile *profile;
    lcmp_declaration *declaration;
    lcmp_result *result;
} check_state;

static void check_state_free(check_state *s)
{
    lcmp_result_free(s->result);
    lcmp_declaration_free(s->declaration);
    lcmp_profile_free(s->profile);
    lcmp_baseline_free(s->baseline);
    memset(s, 0, sizeof(*s));
}

static int
check_load(check_state *s, const char *dir, const char *decl, int64_t at)
{
    lcmp_error err;
    int rc;

    memset(s, 0, sizeof(*s));
    lcmp_error_clear(&err);
    rc = lcmp_baseline_load_dir(&s->baseline, dir, NULL, &err);
    if (rc != 0) {
        print_lcmp_error("lcmp_baseline_load_dir", rc, &err);
        goto done;
    }
    rc = lcmp_profile_resolve(&s->profile, s->baseline, LCMP_GEN_PROFILE, &err);
    if (rc != 0) {
        print_lcmp_error("lcmp_profile_resolve", rc, &err);
        goto done;
    }
    rc = lcmp_declaration_load_file(&s->declaration, decl, NULL, &err);
    if (rc != 0) {
        print_lcmp_error("lcmp_declaration_load_file", rc, &err);
        goto done;
    }
    rc = lcmp_evaluate(&s->result, s->profile, s->declaration, at, NULL, &err);
    if (rc != 0) {
        print_lcmp_error("lcmp_evaluate", rc, &err);
        goto done;
    }
done:
    if (rc != 0) {
        check_state_free(s);
    }
    return rc;
}

/* One check run: everything loaded, evaluated and freed. */
static int check_run(const char *dir, const char *decl, int64_t at)
{
    check_state s;
    int rc = check_load(&s, dir, decl, at);

    check_state_free(&s);
    return rc;
}

static int json_run(const lcmp_result *result)
{
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_result_to_json(&out, result, 0, &err);
    if (rc != 0) {
        print_lcmp_error("lcmp_result_to_json", rc, &err);
    }
    lcmp_buf_dispose(&out);
    return rc;
}

/*
 * A runner: what a worker or a cold child runs, kept between runs.
 */
typedef struct runner {
    const char *dir;
    const char *decl;
    int64_t at;
    file_list fl;
    json_t **docs;
    check_state st; /* for to_json */
} runner;

static int runner_init(runner *r, const char *dir, const char *decl)
{
    memset(r, 0, sizeof(*r));
    r->dir = dir;
    r->decl = decl;
    if (lcmp_time_parse(&r->at, LCMP_GEN_REFERENCE_TIME, NULL) != 0) {
        fprintf(stderr, "bench_check: cannot parse the evaluation time\n");
        return -1;
    }
    return 0;
}

static void runner_free(runner *r)
{
    free(r->docs);
    file_list_free(&r->fl);
    check_state_free(&r->st);
}

/*
 * Run one command, returning its time in ms, or -1 on failure:
 * 'f' floor, 'c' check, 'j' to_json (of a result loaded, untimed, on first
 * use), 'e' nothing.
 */
static double runner_run(runner *r, char cmd)
{
    double t0;
    int rc = -1;

    if (cmd == 'f' && r->docs == NULL) {
        if (file_list_build(&r->fl, r->dir, r->decl) != 0) {
            return -1;
        }
        r->docs = calloc(r->fl.n, sizeof(*r->docs));
        if (r->docs == NULL) {
            return -1;
        }
    }
    if (cmd == 'j' && r->st.result == NULL &&
        check_load(&r->st, r->dir, r->decl, r->at) != 0)
    {
        return -1;
    }
    t0 = now_ms();
    switch (cmd) {
    case 'f':
        rc = floor_run(&r->fl, r->docs);
        break;
    case 'c':
        rc = check_run(r->dir, r->decl, r->at);
        break;
    case 'j':
        rc = json_run(r->st.result);
        break;
    case 'e':
        rc = 0;
        break;
    default:
        break;
    }
    return rc == 0 ? now_ms() - t0 : -1;
}

/*
 * Cold runs: this program re-executed as
 *   bench_check --child f|c|e DIR DECLARATION
 * runs once and prints "<peak RSS in KiB> <ms>" on stdout.
 */
static long peak_rss_kib(void)
{
    struct rusage ru;
    char line[256];
    long kib = -1;
    FILE *fp;

    /*
     * Linux: VmHWM is the peak of this process image only, while
     * ru_maxrss also counts the parent's memory copied by fork() before
     * the exec.
     */
    fp = fopen("/proc/self/status", "r");
    if (fp != NULL) {
        while (fgets(line, sizeof(line), fp) != NULL) {
            if (strncmp(line, "VmHWM:", 6) == 0) {
                kib = strtol(line + 6, NULL, 10);
                break;
            }
        }
        fclose(fp);
    }
    if (kib > 0) {
        return kib;
    }
    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        return -1;
    }
    return (long)ru.ru_maxrss; /* KiB on Linux */
}

static int child_main(const char *cmd, const char *dir, const char *decl)
{
    runner r;
    double ms = -1;

    if (strlen(cmd) == 1 && runner_init(&r, dir, decl) == 0) {
        ms = runner_run(&r, cmd[0]);
        runner_free(&r);
    }
    if (ms < 0) {
        return 2;
    }
    printf("%ld %.6f\n", peak_rss_kib(), ms);
    return fflush(stdout) == 0 ? 0 : 2;
}

/* Read until EOF or `size` - 1 bytes; NUL-terminates. */
static size_t read_all(int fd, char *out, size_t size)
{
    size_t got = 0;

    while (got + 1 < size) {
        ssize_t n = read(fd, out + got, size - 1 - got);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    out[got] = '\0';
    return got;
}

static int wait_ok(pid_t pid)
{
    int status = 0;

    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int cold_run(const char *self,
                    const char *cmd,
                    const char *dir,
                    const char *decl,
                    long *kib,
                    double *ms)
{
    char out[128];
    char *end = NULL;
    int fds[2];
    pid_t pid;

    if (pipe(fds) != 0) {
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        char *args[6];

        args[0] = (char *)self;
        args[1] = (char *)"--child";
        args[2] = (char *)cmd;
        args[3] = (char *)dir;
        args[4] = (char *)decl;
        args[5] = NULL;
        close(fds[0]);
        if (dup2(fds[1], STDOUT_FILENO) < 0) {
            _exit(127);
        }
        close(fds[1]);
        /* argv[0] when it is a path (also right under valgrind), else
         * the running executable. */
        if (strchr(self, '/') != NULL) {
            execv(self, args);
        } else {
            execv("/proc/self/exe", args);
            execvp(self, args);
        }
        _exit(127);
    }
    close(fds[1]);
    read_all(fds[0], out, sizeof(out));
    close(fds[0]);
    if (wait_ok(pid) != 0) {
        return -1;
    }
    errno = 0;
    *kib = strtol(out, &end, 10);
    if (errno != 0 || end == out || *kib <= 0) {
        return -1;
    }
    *ms = strtod(end, NULL);
    return 0;
}

/*
 * Warm runs: a forked worker reads one command byte at a time, runs it
 * and answers with the time as a double (-1 on failure); EOF ends it.
 */
typedef struct worker {
    pid_t pid;
    int to;
    int from;
} worker;

static void worker_main(int in, int out, const char *dir, const char *decl)
{
    runner r;
    int ok = runner_init(&r, dir, decl) == 0;

    for (;;) {
        char cmd;
        double ms;
        ssize_t n = read(in, &cmd, 1);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n != 1) {
            break;
        }
        ms = ok ? runner_run(&r, cmd) : -1;
        if (write(out, &ms, sizeof(ms)) != (ssize_t)sizeof(ms)) {
            break;
        }
    }
    if (ok) {
        runner_free(&r);
    }
}

/* Start a worker; `other` is a running worker whose pipes it must not keep
 * open (else `other` would never see EOF), or NULL. */
static int
worker_start(worker *w, const worker *other, const char *dir, const char *decl)
{
    int down[2] = {-1, -1}, up[2] = {-1, -1};

    w->pid = -1;
    w->to = w->from = -1;
    if (pipe(down) != 0 || pipe(up) != 0) {
        goto fail;
    }
    fflush(stdout);
    fflush(stderr);
    w->pid = fork();
    if (w->pid < 0) {
        goto fail;
    }
    if (w->pid == 0) {
        close(down[1]);
        close(up[0]);
        if (other != NULL) {
            close(other->to);
            close(other->from);
        }
        worker_main(down[0], up[1], dir, decl);
        fflush(stderr);
        _exit(0);
    }
    close(down[0]);
    close(up[1]);
    /* Children exec'd later must not keep them either. */
    fcntl(down[1], F_SETFD, FD_CLOEXEC);
    fcntl(up[0], F_SETFD, FD_CLOEXEC);
    w->to = down[1];
    w->from = up[0];
    return 0;
fail:
    if (down[0] >= 0) {
        close(down[0]);
        close(down[1]);
    }
    if (up[0] >= 0) {
        close(up[0]);
        close(up[1]);
    }
    return -1;
}

static double worker_run(worker *w, char cmd)
{
    double ms = -1;
    size_t got = 0;

    if (write(w->to, &cmd, 1) != 1) {
        return -1;
    }
    while (got < sizeof(ms)) {
        ssize_t n = read(w->from, (char *)&ms + got, sizeof(ms) - got);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        got += (size_t)n;
    }
    return ms;
}

static void worker_stop(worker *w)
{
    if (w->to >= 0) {
        close(w->to);
    }
    if (w->from >= 0) {
        close(w->from);
    }
    if (w->pid > 0) {
        wait_ok(w->pid);
    }
    w->pid = -1;
    w->to = w->from = -1;
}

/*
 * The benchmark of one size.
 */
typedef struct samples {
    double *v;
    size_t n;
    double total;
} samples;

static int samples_add(samples *s, double x)
{
    double *v;

    if ((s->n & (s->n - 1)) == 0) {
        v = realloc(s->v, (s->n ? 2 * s->n : 64) * sizeof(*v));
        if (v == NULL) {
            return -1;
        }
        s->v = v;
    }
    s->v[s->n++] = x;
    s->total += x;
    return 0;
}

static double samples_min(const samples *s)
{
    double m = s->v[0];
    size_t i;

    for (i = 1; i < s->n; i++) {
        if (s->v[i] < m) {
            m = s->v[i];
        }
    }
    return m;
}

/* Run `cmd` on `w` and record the time; -1 on failure. */
static int timed(samples *s, worker *w, char cmd)
{
    double ms = worker_run(w, cmd);

    if (ms < 0) {
        fprintf(stderr, "bench_check: a '%c' run failed\n", cmd);
        return -1;
    }
    if (samples_add(s, ms) != 0) {
        fprintf(stderr, "bench_check: out of memory\n");
        return -1;
    }
    return 0;
}

static int cold_figures(bench_row *row,
                        const char *self,
                        const char *dir,
                        const char *decl)
{
    double fms[COLD_RUNS], cms[COLD_RUNS], ms;
    long kib;
    int i;

    if (cold_run(self, "e", dir, decl, &row->rss_empty_kib, &ms) != 0) {
        return -1;
    }
    for (i = 0; i < COLD_RUNS; i++) {
        if (cold_run(self, "f", dir, decl, &kib, &fms[i]) != 0) {
            return -1;
        }
        if (kib > row->rss_floor_kib) {
            row->rss_floor_kib = kib;
        }
        if (cold_run(self, "c", dir, decl, &kib, &cms[i]) != 0) {
            return -1;
        }
        if (kib > row->rss_check_kib) {
            row->rss_check_kib = kib;
        }
    }
    row->cold_floor_ms = median(fms, COLD_RUNS);
    row->cold_check_ms = median(cms, COLD_RUNS);
    return 0;
}

static int bench_size(bench_row *row,
                      const char *self,
                      const char *tmp,
                      size_t m,
                      double min_ms)
{
    char dir[4096];
    char decl[4096];
    char errbuf[512];
    runner r;
    int have_runner = 0;
    worker wf = {-1, -1, -1}, wc = {-1, -1, -1};
    samples sf = {0}, sc = {0}, sj = {0}, sr = {0};
    size_t i;
    int rc = 2;

    memset(row, 0, sizeof(*row));
    row->m = m;
    snprintf(dir, sizeof(dir), "%s/baseline-%zu", tmp, m);
    snprintf(decl, sizeof(decl), "%s/declaration-%zu.json", tmp, m);
    if (lcmp_gen_baseline(dir, m, errbuf, sizeof(errbuf)) != 0 ||
        lcmp_gen_declaration(
            decl, dir, m, DECLARATION_SEED, errbuf, sizeof(errbuf)) != 0)
    {
        fprintf(stderr, "bench_check: generating M=%zu: %s\n", m, errbuf);
        goto done;
    }

    /* What is being measured: the files, and the result (once, here). */
    if (runner_init(&r, dir, decl) != 0) {
        goto done;
    }
    have_runner = 1;
    if (file_list_build(&r.fl, dir, decl) != 0 ||
        check_load(&r.st, dir, decl, r.at) != 0)
    {
        goto done;
    }
    row->files = r.fl.n;
    row->bytes = r.fl.bytes;
    row->summary = *lcmp_result_summary(r.st.result);
    row->warnings = lcmp_result_warning_count(r.st.result);
    runner_free(&r);
    have_runner = 0;

    if (cold_figures(row, self, dir, decl) != 0) {
        fprintf(stderr, "bench_check: M=%zu: a --child run failed\n", m);
        goto done;
    }

    if (worker_start(&wf, NULL, dir, decl) != 0 ||
        worker_start(&wc, &wf, dir, decl) != 0)
    {
        fprintf(stderr, "bench_check: cannot start workers\n");
        goto done;
    }
    /* Warm-up: page cache, allocator, the result for to_json. */
    if (worker_run(&wf, 'f') < 0 || worker_run(&wc, 'c') < 0 ||
        worker_run(&wc, 'j') < 0)
    {
        fprintf(stderr, "bench_check: M=%zu: a warm-up run failed\n", m);
        goto done;
    }
    for (i = 0; i < MAX_RUNS; i++) {
        if (i >= MIN_RUNS && sf.total >= min_ms && sc.total >= min_ms) {
            break;
        }
        if (timed(&sf, &wf, 'f') != 0 || timed(&sc, &wc, 'c') != 0) {
            goto done;
        }
    }
    for (i = 0; i < MAX_RUNS; i++) {
        if (i >= MIN_RUNS && sj.total >= min_ms / 4) {
            break;
        }
        if (timed(&sj, &wc, 'j') != 0) {
            goto done;
        }
    }
    /* Ratios of adjacent runs, before median() sorts the samples. */
    for (i = 0; i < sf.n; i++) {
        if (samples_add(&sr, sc.v[i] / sf.v[i]) != 0) {
            fprintf(stderr, "bench_check: out of memory\n");
            goto done;
        }
    }
    row->pair_ratio = median(sr.v, sr.n);
    row->runs = sf.n;
    row->floor_min = samples_min(&sf);
    row->check_min = samples_min(&sc);
    row->floor_ms = median(sf.v, sf.n);
    row->check_ms = median(sc.v, sc.n);
    row->json_ms = median(sj.v, sj.n);
    rc = 0;
done:
    worker_stop(&wf);
    worker_stop(&wc);
    if (have_runner) {
        runner_free(&r);
    }
    free(sf.v);
    free(sc.v);
    free(sj.v);
    free(sr.v);
    return rc;
}

static double mib(long kib)
{
    return (double)kib / 1024.0;
}

/* Peak memory above an empty run of this program, as a ratio. */
static double mem_ratio(const bench_row *r)
{
    double floor_net = (double)(r->rss_floor_kib - r->rss_empty_kib);
    double check_net = (double)(r->rss_check_kib - r->rss_empty_kib);

    return floor_net > 0 ? check_net / floor_net : 0.0;
}

static void print_row(const bench_row *r)
{
    const lcmp_counts *c = &r->summary;

    printf("check M=%zu: %.2f ms vs jansson parse %.2f ms  ratio %.2fx "
           "(target <= %.2fx)  peak RSS %.1f MiB\n",
           r->m,
           r->check_ms,
           r->floor_ms,
           r->check_ms / r->floor_ms,
           TARGET_RATIO,
           mib(r->rss_check_kib));
    printf("  %zu files, %.2f MiB; %zu warm runs each: ratio of minimums "
           "%.2fx, median ratio of adjacent runs %.2fx\n",
           r->files,
           (double)r->bytes / (1024.0 * 1024.0),
           r->runs,
           r->check_min / r->floor_min,
           r->pair_ratio);
    printf("  cold (a fresh process each, median of %d): %.2f ms vs %.2f ms, "
           "ratio %.2fx\n",
           COLD_RUNS,
           r->cold_check_ms,
           r->cold_floor_ms,
           r->cold_check_ms / r->cold_floor_ms);
    printf("  to_json %.2f ms (%.2fx the parse); peak RSS check %.1f MiB, "
           "jansson %.1f MiB, empty process %.1f MiB: net ratio %.2fx\n",
           r->json_ms,
           r->json_ms / r->floor_ms,
           mib(r->rss_check_kib),
           mib(r->rss_floor_kib),
           mib(r->rss_empty_kib),
           mem_ratio(r));
    printf("  result: %zu controls, %zu compliant, %zu non_compliant, "
           "%zu excepted, %zu not_applicable, %zu undeclared, score %u, "
           "%zu warnings\n",
           c->controls,
           c->compliant,
           c->non_compliant,
           c->excepted,
           c->not_applicable,
           c->undeclared,
           c->score,
           r->warnings);
    fflush(stdout);
}

static void print_summary(const bench_row *rows, size_t n)
{
    size_t i;

    printf("\nsummary: check = load baseline + resolve '%s' + load "
           "declaration + evaluate; parse = jansson alone on the same files\n",
           LCMP_GEN_PROFILE);
    printf("%6s %6s %9s %9s %6s %4s %6s %8s %9s %9s %6s\n",
           "M",
           "MiB",
           "parse ms",
           "check ms",
           "ratio",
           "ok",
           "cold",
           "json ms",
           "RSS parse",
           "RSS check",
           "mem");
    for (i = 0; i < n; i++) {
        const bench_row *r = &rows[i];
        double ratio = r->check_ms / r->floor_ms;

        printf("%6zu %6.2f %9.3f %9.3f %5.2fx %4s %5.2fx %8.3f %8.1fM "
               "%8.1fM %5.2fx\n",
               r->m,
               (double)r->bytes / (1024.0 * 1024.0),
               r->floor_ms,
               r->check_ms,
               ratio,
               ratio <= TARGET_RATIO ? "yes" : "NO",
               r->cold_check_ms / r->cold_floor_ms,
               r->json_ms,
               mib(r->rss_floor_kib),
               mib(r->rss_check_kib),
               mem_ratio(r));
    }
    printf("ratio: warm medians, target <= %.2fx (DESIGN.md 6); cold: one "
           "run in a fresh process; mem: peak RSS above an empty process, "
           "check / parse (no target)\n",
           TARGET_RATIO);
}

/*
 * Removing the temporary directory.
 */
static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0) {
        fprintf(stderr,
                "bench_check: cannot remove %s: %s\n",
                path,
                strerror(errno));
    }
    return 0;
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: bench_check [--sizes M[,M...]] [--min-time MS] [--keep]\n"
            "       bench_check gen baseline DIR M\n"
            "       bench_check gen declaration FILE DIR M [SEED]\n"
            "\n"
            "Measures `check` against a jansson-only parse of the same "
            "files for\n"
            "synthetic baselines of M controls (default 50,1200,10000).\n"
            "  --sizes     the sizes to measure\n"
            "  --min-time  least time each warm measurement accumulates, in "
            "ms (default %.0f)\n"
            "  --keep      keep the generated files and print where they "
            "are\n"
            "Exit status: 0 all ratios meet the target, 1 one does not, "
            "2 error.\n",
            DEFAULT_MIN_MS);
}

static int parse_sizes(size_t *sizes, size_t *n, const char *s)
{
    const char *p = s;

    *n = 0;
    while (*p != '\0') {
        unsigned long long v;
        char *end = NULL;

        if (*p < '0' || *p > '9' || *n == MAX_SIZES) {
            return -1;
        }
        errno = 0;
        v = strtoull(p, &end, 10);
        if (errno != 0 || v == 0 || v > LCMP_GEN_MAX_CONTROLS) {
            return -1;
        }
        sizes[(*n)++] = (size_t)v;
        p = end;
        if (*p == ',') {
            p++;
            if (*p == '\0') {
                return -1;
            }
        } else if (*p != '\0') {
            return -1;
        }
    }
    return *n > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    size_t sizes[MAX_SIZES];
    size_t nsizes = 0;
    bench_row rows[MAX_SIZES];
    double min_ms = DEFAULT_MIN_MS;
    int keep = 0;
    char tmp[2048];
    const char *tmpdir;
    int made_tmp = 0;
    int misses = 0;
    size_t i;
    int a, n;
    int rc = 2;

    if (argc == 5 && strcmp(argv[1], "--child") == 0) {
        return child_main(argv[2], argv[3], argv[4]);
    }
    if (argc >= 2 && strcmp(argv[1], "gen") == 0) {
        return lcmp_gen_main(argc - 1, argv + 1);
    }
    for (i = 0; i < sizeof(default_sizes) / sizeof(default_sizes[0]); i++) {
        sizes[nsizes++] = default_sizes[i];
    }
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[a], "--keep") == 0) {
            keep = 1;
        } else if (strcmp(argv[a], "--sizes") == 0 && a + 1 < argc) {
            if (parse_sizes(sizes, &nsizes, argv[++a]) != 0) {
                fprintf(stderr, "bench_check: bad --sizes '%s'\n", argv[a]);
                return 2;
            }
        } else if (strcmp(argv[a], "--min-time") == 0 && a + 1 < argc) {
            char *end = NULL;

            errno = 0;
            min_ms = strtod(argv[++a], &end);
            if (errno != 0 || end == argv[a] || *end != '\0' || !(min_ms >= 0))
            {
                fprintf(stderr, "bench_check: bad --min-time '%s'\n", argv[a]);
                return 2;
            }
        } else {
            usage(stderr);
            return 2;
        }
    }
    /* A worker that dies must give an error here, not a SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);

    tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || tmpdir[0] == '\0') {
        tmpdir = "/tmp";
    }
    n = snprintf(tmp, sizeof(tmp), "%s/lcmp-bench-XXXXXX", tmpdir);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        fprintf(stderr, "bench_check: TMPDIR is too long\n");
        goto done;
    }
    if (mkdtemp(tmp) == NULL) {
        fprintf(stderr, "bench_check: mkdtemp %s: %s\n", tmp, strerror(errno));
        goto done;
    }
    made_tmp = 1;

    printf("bench_check: libcompliance %s, jansson %s; evaluation at %s; "
           "profile '%s'\n",
           LCMP_VERSION,
           JANSSON_VERSION,
           LCMP_GEN_REFERENCE_TIME,
           LCMP_GEN_PROFILE);
    fflush(stdout);
    for (i = 0; i < nsizes; i++) {
        if (bench_size(&rows[i], argv[0], tmp, sizes[i], min_ms) != 0) {
            goto done;
        }
        print_row(&rows[i]);
        if (rows[i].check_ms / rows[i].floor_ms > TARGET_RATIO) {
            misses++;
        }
    }
    print_summary(rows, nsizes);
    rc = misses > 0 ? 1 : 0;
done:
    if (made_tmp) {
        if (keep) {
            printf("generated files kept in %s\n", tmp);
        } else {
            nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        }
    }
    return rc;
}
