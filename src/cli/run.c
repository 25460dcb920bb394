/* run.c - `affluent run PIPELINE.yml`: load, run, print a summary, exit code. */
#include "cli/cli.h"
#include "cli/common.h"

#include "core/cancel.h"
#include "core/config.h"
#include "core/runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print_summary(const af_run_result *res, FILE *out)
{
    fprintf(out, "\nrun %s: %s\n", res->run_id, af_run_status_name(res->status));
    fprintf(out, "  %-20s %-10s %12s %12s %12s %9s\n", "stream", "status", "read", "written",
            "quarantined", "seconds");
    for (size_t i = 0; i < res->n_streams; i++) {
        const af_stream_report *r = &res->streams[i];
        fprintf(out, "  %-20s %-10s %12lld %12lld %12lld %9.2f\n", r->name,
                af_run_status_name(r->status), (long long)r->rows_read, (long long)r->rows_written,
                (long long)(r->rows_quarantined + r->rows_skipped), r->duration_s);
        for (size_t k = 0; k < r->n_sinks; k++)
            if (r->sinks[k].output && r->status == AF_RUN_SUCCEEDED)
                fprintf(out, "      -> %s\n", r->sinks[k].output);
        if (r->quarantine_file)
            fprintf(out, "      quarantine: %s\n", r->quarantine_file);
        if (r->error)
            fprintf(out, "      error: %s\n", r->error);
    }
    if (res->state_dir && res->status != AF_RUN_SKIPPED)
        fprintf(out, "  record: %s/runs/%s.json\n", res->state_dir, res->run_id);
}

int af_cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"stream", required_argument, NULL, 's'},
        {"dry-run", no_argument, NULL, 'n'},
        {"lake", required_argument, NULL, 'l'},
        {"state-dir", required_argument, NULL, 'd'},
        {"strict", no_argument, NULL, 'S'},
        {"no-progress", no_argument, NULL, 'P'},
        AF_CLI_LOG_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    af_cli_log_flags lf;
    af_cli_log_flags_default(&lf);
    af_run_options o = {.progress = true};
    const char **streams = calloc((size_t)argc + 1, sizeof *streams);
    if (!streams)
        return AF_EXIT_FAILED;
    bool strict = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qv", longopts, NULL)) != -1) {
        int l = af_cli_log_option(&lf, opt, optarg);
        if (l < 0) {
            free(streams);
            return AF_EXIT_USAGE;
        }
        if (l)
            continue;
        switch (opt) {
        case 's': streams[o.n_streams++] = optarg; break;
        case 'n': o.dry_run = true; break;
        case 'l': o.lake = optarg; break;
        case 'd': o.state_dir = optarg; break;
        case 'S': strict = true; break;
        case 'P': o.progress = false; break;
        default: free(streams); return af_cli_usage_error("run", "unknown option");
        }
    }
    o.streams = streams;
    if (optind != argc - 1) {
        free(streams);
        return af_cli_usage_error("run", optind >= argc ? "a pipeline file is required"
                                                        : "exactly one pipeline file is expected");
    }
    if (!af_cli_log_start(&lf)) {
        free(streams);
        return AF_EXIT_USAGE;
    }
    const char *path = argv[optind];
    af_error err = {0};
    af_pipeline *p = NULL;
    if (af_pipeline_load(path, &p, &err) != AF_OK) {
        af_log(AF_LOG_ERROR, "config.invalid", "%s", err.msg);
        free(streams);
        af_log_shutdown();
        return AF_EXIT_USAGE;
    }
    af_cancel_install_signal_handlers();
    af_run_result res;
    int rc = af_runner_run(p, &o, &res, &err);
    int exit_code;
    if (rc != AF_OK) {
        af_log(AF_LOG_ERROR, "run.error", "%s", err.msg);
        exit_code = rc == AF_ENOTFOUND || rc == AF_ECONFIG ? AF_EXIT_USAGE : AF_EXIT_FAILED;
    } else {
        print_summary(&res, stdout);
        int64_t rejected = 0;
        for (size_t i = 0; i < res.n_streams; i++)
            rejected += res.streams[i].rows_quarantined + res.streams[i].rows_skipped;
        if (res.status == AF_RUN_SUCCEEDED || res.status == AF_RUN_SKIPPED)
            exit_code = strict && rejected ? AF_EXIT_PARTIAL : AF_EXIT_OK;
        else
            exit_code = AF_EXIT_FAILED;
    }
    af_run_result_free(&res);
    af_pipeline_free(p);
    free(streams);
    af_log_shutdown();
    return exit_code;
}
