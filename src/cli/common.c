/* common.c - logging flags and usage errors shared by the commands. */
#include "cli/common.h"

#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void af_cli_log_flags_default(af_cli_log_flags *f)
{
    f->format = AF_LOG_FORMAT_TEXT;
    f->level = AF_LOG_INFO;
    f->file = NULL;
}

int af_cli_log_option(af_cli_log_flags *f, int opt, const char *arg)
{
    switch (opt) {
    case 1001:
        if (strcmp(arg, "text") == 0)
            f->format = AF_LOG_FORMAT_TEXT;
        else if (strcmp(arg, "json") == 0)
            f->format = AF_LOG_FORMAT_JSON;
        else {
            fprintf(stderr, "affluent: --log-format takes text or json, not '%s'\n", arg);
            return -1;
        }
        return 1;
    case 1002: f->file = arg; return 1;
    case 'q': f->level = AF_LOG_WARN; return 1;
    case 'v': f->level = AF_LOG_DEBUG; return 1;
    default: return 0;
    }
}

bool af_cli_log_start(const af_cli_log_flags *f)
{
    af_log_options o = {.format = f->format, .min_level = f->level, .file = f->file, .color = -1};
    af_error err = {0};
    if (af_log_init(&o, &err) != AF_OK) {
        fprintf(stderr, "affluent: %s\n", err.msg);
        return false;
    }
    return true;
}

int af_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "affluent %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'affluent help %s')\n", command);
    va_end(ap);
    return AF_EXIT_USAGE;
}
