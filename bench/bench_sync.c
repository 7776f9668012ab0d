/*
 * bench_sync: the `sync` performance target of DESIGN.md §6 (a first sync
 * within 1.2x of `git clone --bare`, a no-op sync within 1.2x of
 * `git fetch`), as ratios measured in one run.
 *
 * It builds an association repository in a temporary directory with the
 * real git command: a generated baseline (bench/gen.h, default 1,200
 * controls) released three times (three commits, three tags signed with
 * `git tag -s`, gpg.format=ssh), and compares, over file:// and git://
 * (a `git daemon` on a free loopback port):
 *   first:  `compliance sync` into an empty cache  vs  `git clone --bare`
 *   no-op:  `compliance sync` again                vs  `git fetch --tags`
 *           in that bare clone
 * Both sides are separate processes started the same way (fork + exec,
 * output to /dev/null), run alternately; each figure is the median of
 * --runs runs (default 7); CLOCK_MONOTONIC. The compliance program is
 * $LCMP_BUILD_DIR/compliance (`make bench` sets it) or --compliance PATH.
 *
 * Usage: bench_sync [--controls M] [--runs N] [--compliance PATH]
 * Exit status: 0 when every ratio meets the target, 1 when one misses it,
 * 2 on an error.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"

#define TARGET_RATIO 1.2
#define MAX_RUNS     101

static char tmp[512];

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(cmd)) {
        return -1;
    }
    return system(cmd);
}

/* Run argv with output discarded; the time it took in ms, or -1. */
static double timed(char *const argv[])
{
    double t0 = now_ms();
    pid_t pid = fork();
    int status = 0, fd;

    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
    {
        fprintf(stderr, "bench_sync: '%s %s' failed\n", argv[0], argv[1]);
        return -1;
    }
    return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return v[n / 2];
}

/* A free loopback port: bind port 0, read it back, close. */
static int free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd < 0) {
        return -1;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    {
        port = ntohs(a.sin_port);
    }
    close(fd);
    return port;
}

static int can_connect(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

    if (fd < 0) {
        return 0;
    }
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
    close(fd);
    return ok;
}

/* `git daemon` serving tmp/ on 127.0.0.1:port; its pid, or -1. */
static pid_t start_daemon(int port)
{
    char portarg[32], base[600];
    pid_t pid;
    int i;

    snprintf(portarg, sizeof(portarg), "--port=%d", port);
    snprintf(base, sizeof(base), "--base-path=%s", tmp);
    pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execlp("git",
               "git",
               "daemon",
               "--reuseaddr",
               "--listen=127.0.0.1",
               portarg,
               base,
               "--export-all",
               tmp,
               (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 100; i++) {
        struct timespec d = {0, 50 * 1000 * 1000};

        if (can_connect(port)) {
            return pid;
        }
        nanosleep(&d, NULL);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return -1;
}

typedef struct figures {
    double first_sync, clone, noop_sync, fetch;
} figures;

static int
measure(figures *f, const char *compliance, const char *url, int runs)
{
    double a[MAX_RUNS], b[MAX_RUNS], c[MAX_RUNS], d[MAX_RUNS];
    char cache[600], clone[600], signers[600], gitdir[700];
    char *sync_argv[] = {(char *)compliance,
                         "-q",
                         "sync",
                         "--remote",
                         (char *)url,
                         "--cache",
                         cache,
                         "--release-signers",
                         signers,
                         NULL};
    char *clone_argv[] = {
        "git", "clone", "-q", "--bare", (char *)url, clone, NULL};
    char *fetch_argv[] = {
        "git", gitdir, "fetch", "-q", "--tags", "origin", NULL};
    int i;

    snprintf(cache, sizeof(cache), "%s/cache", tmp);
    snprintf(clone, sizeof(clone), "%s/clone.git", tmp);
    snprintf(signers, sizeof(signers), "%s/signers", tmp);
    snprintf(gitdir, sizeof(gitdir), "--git-dir=%s", clone);
    for (i = 0; i < runs; i++) {
        if (sh("rm -rf '%s' '%s'", cache, clone) != 0) {
            return -1;
        }
        /* alternate which side goes first */
        if (i % 2 == 0) {
            a[i] = timed(sync_argv);
            b[i] = timed(clone_argv);
        } else {
            b[i] = timed(clone_argv);
            a[i] = timed(sync_argv);
        }
        if (i % 2 == 0) {
            c[i] = timed(sync_argv);
            d[i] = timed(fetch_argv);
        } else {
            d[i] = timed(fetch_argv);
            c[i] = timed(sync_argv);
        }
        if (a[i] < 0 || b[i] < 0 || c[i] < 0 || d[i] < 0) {
            return -1;
        }
    }
    f->first_sync = median(a, runs);
    f->clone = median(b, runs);
    f->noop_sync = median(c, runs);
    f->fetch = median(d, runs);
    return 0;
}

static int report(const char *transport, const figures *f)
{
    double r1 = f->first_sync / f->clone, r2 = f->noop_sync / f->fetch;
    int ok = r1 <= TARGET_RATIO && r2 <= TARGET_RATIO;

    printf("%-8s first sync %8.1f ms  git clone --bare %8.1f ms  ratio "
           "%.2f%s\n",
           transport,
           f->first_sync,
           f->clone,
           r1,
           r1 <= TARGET_RATIO ? "" : "  (MISSES the 1.2x target)");
    printf("%-8s no-op sync %8.1f ms  git fetch        %8.1f ms  ratio "
           "%.2f%s\n",
           transport,
           f->noop_sync,
           f->fetch,
           r2,
           r2 <= TARGET_RATIO ? "" : "  (MISSES the 1.2x target)");
    return ok;
}

static int make_repo(size_t controls)
{
    char repo[600], errbuf[256];
    int i;

    snprintf(repo, sizeof(repo), "%s/assoc", tmp);
    if (lcmp_gen_baseline(repo, controls, errbuf, sizeof(errbuf)) != 0) {
        fprintf(stderr, "bench_sync: %s\n", errbuf);
        return -1;
    }
    if (sh("set -e; cd '%s'; export HOME='%s' GIT_CONFIG_NOSYSTEM=1;"
           "ssh-keygen -q -t ed25519 -N '' -C release -f key;"
           "echo \"release@bench namespaces=\\\"git\\\" $(cut -d' ' -f1,2 "
           "key.pub)\" > signers;"
           "git init -q assoc; touch assoc/git-daemon-export-ok",
           tmp,
           tmp) != 0)
    {
        return -1;
    }
    for (i = 1; i <= 3; i++) {
        if (sh("set -e; cd '%s/assoc'; export HOME='%s' "
               "GIT_CONFIG_NOSYSTEM=1;"
               "echo 'release %d' > NEWS; git add -A;"
               "git -c user.name=B -c user.email=b@e commit -q -m r%d;"
               "git -c user.name=B -c user.email=b@e -c gpg.format=ssh "
               "-c user.signingkey='%s/key.pub' tag -s v2026.%d -m 'Release "
               "%d'",
               tmp,
               tmp,
               i,
               i,
               tmp,
               i,
               i) != 0)
        {
            return -1;
        }
    }
    return 0;
}

static int parse_count(size_t *out, const char *s)
{
    char *end = NULL;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v == 0) {
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *base = getenv("LCMP_TMPDIR");
    const char *build = getenv("LCMP_BUILD_DIR");
    char compliance[600] = "", url[700];
    size_t controls = 1200, runs = 7;
    figures f;
    pid_t daemon = -1;
    int i, port, ok = 1, status = 2;

    if (build != NULL) {
        snprintf(compliance, sizeof(compliance), "%s/compliance", build);
    }
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--controls") == 0 && i + 1 < argc) {
            if (parse_count(&controls, argv[++i]) != 0) {
                goto usage;
            }
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            if (parse_count(&runs, argv[++i]) != 0 || runs > MAX_RUNS) {
                goto usage;
            }
        } else if (strcmp(argv[i], "--compliance") == 0 && i + 1 < argc) {
            snprintf(compliance, sizeof(compliance), "%s", argv[++i]);
        } else {
            goto usage;
        }
    }
    if (compliance[0] == '\0' || access(compliance, X_OK) != 0) {
        fprintf(stderr,
                "bench_sync: no compliance program (set "
                "LCMP_BUILD_DIR or give --compliance PATH)\n");
        return 2;
    }
    snprintf(tmp,
             sizeof(tmp),
             "%s/bench_sync.XXXXXX",
             base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(tmp) == NULL) {
        perror("bench_sync: mkdtemp");
        return 2;
    }
    if (make_repo(controls) != 0) {
        goto done;
    }
    printf("bench_sync: %zu controls, 3 signed releases, median of %zu "
           "runs, target <= %.1fx\n",
           controls,
           runs,
           TARGET_RATIO);

    snprintf(url, sizeof(url), "file://%s/assoc", tmp);
    if (measure(&f, compliance, url, (int)runs) != 0) {
        goto done;
    }
    ok &= report("file://", &f);

    port = free_port();
    daemon = port > 0 ? start_daemon(port) : -1;
    if (daemon < 0) {
        fprintf(stderr, "bench_sync: cannot start git daemon\n");
        goto done;
    }
    snprintf(url, sizeof(url), "git://127.0.0.1:%d/assoc", port);
    if (measure(&f, compliance, url, (int)runs) != 0) {
        goto done;
    }
    ok &= report("git://", &f);
    status = ok ? 0 : 1;
done:
    if (daemon > 0) {
        kill(daemon, SIGTERM);
        waitpid(daemon, NULL, 0);
    }
    sh("rm -rf '%s'", tmp);
    return status;
usage:
    fprintf(
        stderr,
        "usage: bench_sync [--controls M] [--runs N] [--compliance PATH]\n");
    return 2;
}
