/* common.h - what the commands share: logging flags and usage errors. */
#ifndef AF_CLI_COMMON_H
#define AF_CLI_COMMON_H

#include "core/log.h"

#include <getopt.h>
#include <stdbool.h>

/* Logging flags every command accepts, parsed by af_cli_log_option(). */
typedef struct af_cli_log_flags {
    af_log_format format;
    af_log_level level;
    const char *file;
} af_cli_log_flags;

#define AF_CLI_LOG_LONG_OPTIONS                                                                    \
    {"log-format", required_argument, NULL, 1001}, {"log-file", required_argument, NULL, 1002},    \
        {"quiet", no_argument, NULL, 'q'},                                                         \
    {                                                                                              \
        "verbose", no_argument, NULL, 'v'                                                          \
    }

void af_cli_log_flags_default(af_cli_log_flags *f);
/* Handles one getopt result if it is a logging flag: 1 handled, 0 not a
 * logging flag, -1 bad value (message printed). */
int af_cli_log_option(af_cli_log_flags *f, int opt, const char *arg);
/* Starts the logger; prints the error and returns false on failure. */
bool af_cli_log_start(const af_cli_log_flags *f);

/* Prints "affluent COMMAND: message" and a hint to stderr; returns AF_EXIT_USAGE. */
int af_cli_usage_error(const char *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The lake a lake/catalog command works on: --lake if given, else the
 * `defaults.lake` of --pipeline FILE, else $AFFLUENT_LAKE. Prints
 * "affluent COMMAND: ..." and returns AF_EXIT_USAGE (or AF_EXIT_FAILED when
 * the pipeline cannot be loaded) if none applies; 0 with *out (caller
 * frees) otherwise. */
int af_cli_lake_root(const char *command, const char *lake_opt, const char *pipeline_opt,
                     char **out);

/* Prints the help of one command to stdout; returns false if unknown. */
bool af_cli_print_command_help(const char *command);

#endif
