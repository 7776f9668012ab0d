/*
 * bench_oscal: the OSCAL performance target of DESIGN.md §6, as a ratio
 * measured in one run: resolving NIST SP 800-53 rev5 MODERATE against the
 * 5.0.1 catalog costs at most 2x parsing that catalog with jansson.
 *
 *   floor:   read the catalog (3 MB) and json_loadb() it with
 *            JSON_REJECT_DUPLICATES, then json_decref() (as bench_check's
 *            floor reads and parses its files);
 *   resolve: lcmp_oscal_resolve() of the MODERATE profile: read and
 *            strictly parse the profile and the catalog, select, merge,
 *            prune, write the resolved catalog (1.3 MB of JSON), free.
 *
 * Each kind runs in a forked worker process of its own (in one process, the
 * garbage one kind leaves in the allocator is cleaned up during the other's
 * run); the workers are asked in turn for one run each, so that they share
 * the machine's noise; each figure is the median of at least 5 runs and of
 * at least --min-time ms of runs (CLOCK_MONOTONIC). Peak memory: this
 * program re-executed with --child KIND runs one kind once in a fresh
 * process and reports its peak RSS (getrusage); an empty child gives the
 * process's own size.
 *
 * Data: $LCMP_OSCAL_DIR (default ../shared/anchors/oscal); without it the
 * benchmark says "skipped: ..." and exits 0.
 *
 * Exit status: 0 when the ratio meets the target, 1 when it misses it, 2 on
 * an error.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "libcompliance.h"

#define TARGET_RATIO   2.0
#define DEFAULT_MIN_MS 500.0
#define MIN_RUNS       5
#define MAX_RUNS       10000

#define CATALOG "sp800-53-rev5.0.1/NIST_SP-800-53_rev5_catalog.json"
#define PROFILE \
    "sp800-53-rev5.0.1/NIST_SP-800-53_rev5_MODERATE-baseline_profile.json"

typedef struct input {
    char catalog[1024];
    char profile[1024];
    char *bytes; /* the catalog */
    size_t len;
    size_t out_len; /* size of the resolved catalog */
} input;

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int read_all(input *in)
{
    FILE *f = fopen(in->catalog, "rb");
    long size;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
    {
        if (f != NULL) {
            fclose(f);
        }
        return -1;
    }
    in->bytes = malloc((size_t)size + 1);
    if (in->bytes == NULL ||
        fread(in->bytes, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        return -1;
    }
    in->len = (size_t)size;
    fclose(f);
    return 0;
}

static int run_parse(input *in)
{
    json_error_t jerr;
    json_t *doc;

    if (read_all(in) != 0) {
        fprintf(stderr, "bench_oscal: %s: cannot read\n", in->catalog);
        return -1;
    }
    doc = json_loadb(in->bytes, in->len, JSON_REJECT_DUPLICATES, &jerr);
    free(in->bytes);
    in->bytes = NULL;
    if (doc == NULL) {
        fprintf(stderr, "bench_oscal: %s: %s\n", in->catalog, jerr.text);
        return -1;
    }
    json_decref(doc);
    return 0;
}

static int run_resolve(input *in)
{
    lcmp_buf out = LCMP_BUF_INIT;
    lcmp_error err;
    int rc;

    lcmp_error_clear(&err);
    rc = lcmp_oscal_resolve(&out, in->profile, NULL, 0, &err);
    if (rc < 0) {
        char line[1024];

        lcmp_error_format(line, sizeof(line), &err);
        fprintf(stderr, "bench_oscal: %s\n", line);
        return -1;
    }
    in->out_len = out.size;
    lcmp_buf_dispose(&out);
    return 0;
}

/*
 * Workers: a forked process per kind, so that each kind keeps its own heap
 * (freeing one kind's documents must not leave work for the other's
 * allocations); asked in turn, they alternate and share the machine's
 * noise. A worker reads a command byte ('r' run, 'q' quit) and answers
 * with the run's time in ms (a double; negative on failure).
 */
typedef struct worker {
    pid_t pid;
    int to, from;
} worker;

static void worker_loop(input *in, char kind, int rfd, int wfd)
{
    char c;

    while (read(rfd, &c, 1) == 1 && c == 'r') {
        double t0 = now_ms(), t;
        int rc = kind == 'p' ? run_parse(in) : run_resolve(in);

        t = rc == 0 ? now_ms() - t0 : -1;
        if (write(wfd, &t, sizeof(t)) != (ssize_t)sizeof(t)) {
            break;
        }
    }
    _exit(0);
}

static int worker_start(worker *w, input *in, char kind)
{
    int down[2], up[2];

    if (pipe(down) != 0 || pipe(up) != 0) {
        return -1;
    }
    fflush(stdout);
    w->pid = fork();
    if (w->pid < 0) {
        return -1;
    }
    if (w->pid == 0) {
        close(down[1]);
        close(up[0]);
        worker_loop(in, kind, down[0], up[1]);
    }
    close(down[0]);
    close(up[1]);
    w->to = down[1];
    w->from = up[0];
    return 0;
}

static double worker_run(worker *w)
{
    double t;

    if (write(w->to, "r", 1) != 1 ||
        read(w->from, &t, sizeof(t)) != (ssize_t)sizeof(t))
    {
        return -1;
    }
    return t;
}

static void worker_stop(worker *w)
{
    int status;

    if (w->pid > 0) {
        if (write(w->to, "q", 1) != 1) {
            kill(w->pid, SIGTERM);
        }
        close(w->to);
        close(w->from);
        waitpid(w->pid, &status, 0);
    }
}

/*
 * Peak RSS (MiB) of a fresh process (this program re-executed with
 * --child KIND) that runs `kind` once: 'p', 'r' or 'e' (nothing).
 */
static double child_peak(const char *self, char kind)
{
    char arg[2] = {kind, '\0'}, line[64];
    int fds[2], status;
    ssize_t n;
    pid_t pid;

    if (pipe(fds) != 0) {
        return -1;
    }
    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(self, self, "--child", arg, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    n = read(fds[0], line, sizeof(line) - 1);
    close(fds[0]);
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0 || n <= 0)
    {
        return -1;
    }
    line[n] = '\0';
    return strtod(line, NULL) / 1024.0;
}

/* --child KIND: run once, print the peak RSS in KiB. */
static int child_main(input *in, char kind)
{
    struct rusage ru;
    int rc = 0;

    if (kind == 'p') {
        rc = run_parse(in);
    } else if (kind == 'r') {
        rc = run_resolve(in);
    }
    if (rc != 0 || getrusage(RUSAGE_SELF, &ru) != 0) {
        return 1;
    }
    printf("%ld\n", ru.ru_maxrss);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("LCMP_OSCAL_DIR");
    double min_ms = DEFAULT_MIN_MS, *tp = NULL, *tr = NULL, spent_p = 0;
    double spent_r = 0, mp, mr, ratio, peak_r, peak_p, peak_e;
    char self[4096];
    worker wp, wr;
    size_t n = 0;
    ssize_t len;
    input in;
    int i, child = 0;

    memset(&in, 0, sizeof(in));
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--min-time") == 0 && i + 1 < argc) {
            min_ms = strtod(argv[++i], NULL);
        } else if (strcmp(argv[i], "--child") == 0 && i + 1 < argc) {
            child = argv[++i][0];
        } else {
            fprintf(stderr, "usage: bench_oscal [--min-time MS]\n");
            return 2;
        }
    }
    if (dir == NULL || dir[0] == '\0') {
        dir = "../shared/anchors/oscal";
    }
    snprintf(in.catalog, sizeof(in.catalog), "%s/%s", dir, CATALOG);
    snprintf(in.profile, sizeof(in.profile), "%s/%s", dir, PROFILE);
    if (child != 0) {
        return child_main(&in, (char)child);
    }
    if (access(in.catalog, R_OK) != 0 || access(in.profile, R_OK) != 0) {
        printf("bench_oscal: skipped: NIST SP 800-53 rev5 5.0.1 data not "
               "found in %s (set LCMP_OSCAL_DIR)\n",
               dir);
        return 0;
    }
    len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0) {
        snprintf(self, sizeof(self), "%s", argv[0]);
    } else {
        self[len] = '\0';
    }
    /* the sizes, and a first error before any timing */
    {
        struct stat st;

        if (stat(in.catalog, &st) != 0 || run_resolve(&in) != 0) {
            return 2;
        }
        in.len = (size_t)st.st_size;
    }
    tp = malloc(MAX_RUNS * sizeof(*tp));
    tr = malloc(MAX_RUNS * sizeof(*tr));
    memset(&wp, 0, sizeof(wp));
    memset(&wr, 0, sizeof(wr));
    if (tp == NULL || tr == NULL || worker_start(&wp, &in, 'p') != 0 ||
        worker_start(&wr, &in, 'r') != 0)
    {
        fprintf(stderr, "bench_oscal: cannot start the workers\n");
        worker_stop(&wp);
        return 2;
    }
    /* warm-up: page cache, allocator, lazy symbol binding */
    if (worker_run(&wp) < 0 || worker_run(&wr) < 0) {
        fprintf(stderr, "bench_oscal: a warm-up run failed\n");
        worker_stop(&wp);
        worker_stop(&wr);
        return 2;
    }
    while (n < MAX_RUNS &&
           (n < MIN_RUNS || spent_p < min_ms || spent_r < min_ms)) {
        tp[n] = worker_run(&wp);
        tr[n] = worker_run(&wr);
        if (tp[n] < 0 || tr[n] < 0) {
            fprintf(stderr, "bench_oscal: a run failed\n");
            worker_stop(&wp);
            worker_stop(&wr);
            return 2;
        }
        spent_p += tp[n];
        spent_r += tr[n];
        n++;
    }
    worker_stop(&wp);
    worker_stop(&wr);
    mp = median(tp, n);
    mr = median(tr, n);
    ratio = mr / mp;
    peak_r = child_peak(self, 'r');
    peak_p = child_peak(self, 'p');
    peak_e = child_peak(self, 'e');
    printf("oscal resolve MODERATE (5.0.1): %.2f ms vs jansson parse of the "
           "catalog %.2f ms  ratio %.2fx (target <= %.2fx) %s\n",
           mr,
           mp,
           ratio,
           TARGET_RATIO,
           ratio <= TARGET_RATIO ? "ok" : "MISSED");
    printf("  catalog %.2f MiB, resolved catalog %.2f MiB; %zu warm runs "
           "each (medians)\n",
           (double)in.len / (1024.0 * 1024.0),
           (double)in.out_len / (1024.0 * 1024.0),
           n);
    if (peak_r < 0 || peak_p < 0 || peak_e < 0) {
        fprintf(stderr, "bench_oscal: a --child run failed\n");
        return 2;
    }
    printf("  peak RSS (fresh process, one run): resolve %.1f MiB, parse "
           "%.1f MiB, empty process %.1f MiB\n",
           peak_r,
           peak_p,
           peak_e);
    free(tp);
    free(tr);
    return ratio <= TARGET_RATIO ? 0 : 1;
}
