/* common.c - logging flags and usage errors shared by the commands. */
#include "cli/common.h"

#include "cli/cli.h"
#include "core/config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

int af_cli_lake_root(const char *command, const char *lake_opt, const char *pipeline_opt,
                     char **out)
{
    *out = NULL;
    if (lake_opt) {
        *out = af_strdup(lake_opt);
        return *out ? 0 : AF_EXIT_FAILED;
    }
    if (pipeline_opt) {
        af_pipeline *p = NULL;
        af_error err = {0};
        if (af_pipeline_load(pipeline_opt, &p, &err)) {
            fprintf(stderr, "affluent %s: %s\n", command, err.msg);
            return err.code == AF_ECONFIG ? AF_EXIT_USAGE : AF_EXIT_FAILED;
        }
        *out = af_strdup(p->lake);
        af_pipeline_free(p);
        return *out ? 0 : AF_EXIT_FAILED;
    }
    const char *env = getenv("AFFLUENT_LAKE");
    if (env && *env) {
        *out = af_strdup(env);
        return *out ? 0 : AF_EXIT_FAILED;
    }
    return af_cli_usage_error(command, "no lake given: use --lake DIR|URL, --pipeline FILE or set "
                                       "AFFLUENT_LAKE");
}
