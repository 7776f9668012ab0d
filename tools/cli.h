/*
 * The `compliance` program: helpers shared by the subcommands.
 *
 * The program uses only the public API (<libcompliance.h>). Every
 * subcommand is `int cmd_<name>(cli_ctx *ctx, int argc, char **argv)` with
 * argv[0] the subcommand's name; it returns the process exit status:
 *
 *   0  success (check: no gaps; validate: no problems)
 *   1  the answer is "no" (check: gaps; validate: problems)
 *   2  usage error, or missing/malformed input
 *   3  environment failure (I/O, out of memory, ...)
 *
 * Refusals are one line on stderr: "compliance: <what>: <why>".
 */
#ifndef COMPLIANCE_CLI_H
#define COMPLIANCE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <libcompliance.h>

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

enum { CLI_EXIT_OK = 0, CLI_EXIT_NO = 1, CLI_EXIT_USAGE = 2, CLI_EXIT_ENV = 3 };

/** Settings shared by every subcommand (global options, terminal). */
typedef struct cli_ctx {
    int verbosity; /**< -1 with -q, 0 by default, 1 with -v */
    bool color;    /**< colour on stdout: a terminal and NO_COLOR unset */
    /** compliance.json (--config FILE or ./compliance.json), or NULL */
    const lcmp_config *config;
} cli_ctx;

/** A value from compliance.json (borrowed), or NULL when not set. */
const char *cli_config(const cli_ctx *ctx, const char *key);

/*
 * Option parsing.
 *
 * A subcommand lists its options in a table ending with a zeroed entry.
 * Long options take their value as `--name VALUE` or `--name=VALUE`, short
 * ones as `-x VALUE`; `--` ends the options. Options and operands may come
 * in any order. --help/-h, --quiet/-q and --verbose/-v are always known
 * (ids CLI_OPT_*).
 */
typedef struct cli_option {
    const char *name; /**< long name without "--", or NULL */
    char short_name;  /**< short letter, or 0 */
    bool has_value;
    int id; /**< returned by cli_next(); > 0 */
} cli_option;

/** Ids of the options every table accepts implicitly: -h, -q, -v. */
enum { CLI_OPT_HELP = 1000, CLI_OPT_QUIET, CLI_OPT_VERBOSE };

typedef struct cli_parser {
    int argc;
    char **argv;
    int index;           /**< next argv element to look at */
    bool only_operands;  /**< after "--" */
    const char *command; /**< for messages, e.g. "check" */
} cli_parser;

/** What cli_next() found. */
enum {
    CLI_NEXT_END = 0,     /**< no more arguments */
    CLI_NEXT_OPTION = 1,  /**< an option: *id and *value are set */
    CLI_NEXT_OPERAND = 2, /**< an operand: *value is set, *id is 0 */
    CLI_NEXT_ERROR = -1   /**< a usage error, already printed */
};

/** Start parsing argv[1..argc-1]; `command` names the subcommand. */
void cli_parser_init(cli_parser *p, const char *command, int argc, char **argv);

/** The next option or operand; see CLI_NEXT_*. */
int cli_next(cli_parser *p,
             const cli_option *options,
             int *id,
             const char **value);

/**
 * Handle one of the options every command has: -q/-v adjust ctx, --help prints
 * `usage` on stdout. Returns true when the program should stop (help).
 */
bool cli_common_option(cli_ctx *ctx, int id, const char *usage);

/*
 * Messages.
 */

/** Print "compliance: " + the formatted text + newline on stderr. */
void cli_errorf(const char *fmt, ...) CLI_PRINTF(1, 2);

/**
 * Print the error of a failed library call as one line on stderr
 * ("compliance: file:line:col: pointer: message") and return the exit code
 * for `code` (see cli_exit_code()). An unfilled `err` prints the code's
 * text.
 */
int cli_fail(int code, const lcmp_error *err);

/** A note on stderr, unless -q. */
void cli_notef(const cli_ctx *ctx, const char *fmt, ...) CLI_PRINTF(2, 3);

/** Print `s` to `f`, replacing control characters (never escapes). */
void cli_put(FILE *f, const char *s);

/** printf to `f`, replacing control characters in the result. */
void cli_printf(FILE *f, const char *fmt, ...) CLI_PRINTF(2, 3);

/** ANSI colours; cli_color() returns "" when colour is off. */
typedef enum {
    CLI_RESET,
    CLI_BOLD,
    CLI_RED,
    CLI_GREEN,
    CLI_YELLOW,
    CLI_DIM
} cli_color_t;

const char *cli_color(const cli_ctx *ctx, cli_color_t c);

/*
 * The evaluation or verification time of a command: `text` (--at, RFC 3339
 * or a date) or, when NULL, the clock, read here at the program's edge and
 * never inside the library. Returns 0, or CLI_EXIT_USAGE after a one-line
 * message naming `command`.
 */
int cli_time_option(int64_t *out, const char *command, const char *text);

/*
 * Mapping library errors to exit codes: missing, malformed, inconsistent
 * or oversized input is a usage-class failure (2); a failed signature,
 * trust or freshness check is the answer "no" (1); everything else (I/O,
 * memory, Git, backends) is an environment failure (3).
 */
int cli_exit_code(int lcmp_code);

/* Input checks with one-line refusals; return 0 or an exit code. */
int cli_require_dir(const char *path, const char *what);
int cli_require_file(const char *path, const char *what);

/*
 * The baseline directory for commands that read one: `given` (--baseline),
 * else $LCMP_BASELINE, else a usage error. Directories only: commands that
 * also take --release use cli_load_baseline_any().
 * Sets *out and returns 0, or returns an exit code after a message.
 */
int cli_baseline_dir(const char **out, const char *given, const char *release);

/*
 * Load the baseline in `dir`, or print the error and return an exit code.
 */
int cli_load_baseline(lcmp_baseline **out, const char *dir);

/*
 * The baseline for commands that read one, loaded, in this order: `dir`
 * (--baseline DIR); release `release` (--release TAG) of the sync cache
 * `cache` (--cache DIR, else compliance.json "cache", else .compliance);
 * $LCMP_BASELINE; compliance.json "baseline"; the cache's current
 * verified release. `what` names the command in messages. Writes what was
 * loaded ("DIR" or "release TAG") to name_buf. Returns 0, or prints why
 * not and returns an exit code.
 */
int cli_load_baseline_any(lcmp_baseline **out,
                          char *name_buf,
                          size_t name_size,
                          const cli_ctx *ctx,
                          const char *what,
                          const char *dir,
                          const char *release,
                          const char *cache);

/*
 * Resolve profile `id`, or print why not (naming the profiles the baseline
 * has when `id` is unknown) and return an exit code.
 */
int cli_resolve_profile(lcmp_profile **out,
                        const lcmp_baseline *baseline,
                        const char *id);

/*
 * Write `len` bytes to `path` atomically: a temporary file in the same
 * directory, fsync, mode 0644, then rename (or link, which refuses an
 * existing file, unless `force`). Returns 0 or an exit code after a
 * message.
 */
int cli_write_file_atomic(const char *path,
                          const char *data,
                          size_t len,
                          bool force);

/* Subcommands. */
int cmd_validate(cli_ctx *ctx, int argc, char **argv);
int cmd_template(cli_ctx *ctx, int argc, char **argv);
int cmd_check(cli_ctx *ctx, int argc, char **argv);
int cmd_sync(cli_ctx *ctx, int argc, char **argv);
int cmd_releases(cli_ctx *ctx, int argc, char **argv);
int cmd_oscal(cli_ctx *ctx, int argc, char **argv);
int cmd_keygen(cli_ctx *ctx, int argc, char **argv);
int cmd_attest(cli_ctx *ctx, int argc, char **argv);
int cmd_verify(cli_ctx *ctx, int argc, char **argv);
int cmd_countersign(cli_ctx *ctx, int argc, char **argv);
int cmd_diff(cli_ctx *ctx, int argc, char **argv);
int cmd_report(cli_ctx *ctx, int argc, char **argv);
int cmd_publish(cli_ctx *ctx, int argc, char **argv);
/* The impact of release NEW over OLD on a declaration, printed after a sync
 * (tools/cmd_diff.c); 0 or an exit code after a message. */
int diff_sync_impact(const cli_ctx *ctx,
                     const char *cache_dir,
                     const char *old_tag,
                     const char *new_tag,
                     const char *declaration,
                     const char *profile);

#endif
