/* convert.c - `affluent convert INPUT OUTPUT`: a one-stream pipeline built
 * from the file extensions, run through the same runner as pipelines. */
#include "cli/cli.h"
#include "cli/common.h"

#include "core/cancel.h"
#include "core/config.h"
#include "core/quarantine.h"
#include "core/runner.h"
#include "core/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

typedef struct file_format {
    const char *name;
    const char *const *exts;
    const char *source; /* plugin names, NULL if it cannot be read/written */
    const char *sink;
    const char *in_delimiter;  /* forced on the source; NULL = detected */
    const char *out_delimiter; /* for the sink */
} file_format;

static const char *const csv_exts[] = {".csv", ".txt", NULL};
static const char *const tsv_exts[] = {".tsv", ".tab", NULL};
static const char *const parquet_exts[] = {".parquet", NULL};
static const char *const json_exts[] = {".json", ".ndjson", ".jsonl", NULL};
/* archives hold CSV members (the csv source reads every *.csv, *.tsv) */
static const char *const archive_exts[] = {".zip", ".tar", ".tgz", ".tbz2", ".txz", NULL};

static const file_format formats[] = {
    {"csv", csv_exts, "csv", "csv", NULL, ","},
    {"tsv", tsv_exts, "csv", "csv", "tab", "tab"},
    {"parquet", parquet_exts, "parquet", "parquet", NULL, NULL},
    {"json", json_exts, "json", NULL, NULL, NULL},
    {"archive", archive_exts, "csv", NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL},
};

/* Compression suffixes a text input may carry ("orders.csv.gz"): the
 * source detects the codec from the bytes, the suffix only hides the
 * format's extension. Brotli has no magic number, so ".br" also forces it. */
static const char *const compressed_suffixes[] = {".gz",  ".zst", ".zstd", ".lz4",
                                                  ".bz2", ".xz",  ".br",   NULL};

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static bool ends_with_at(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && strncasecmp(s + n - m, suffix, m) == 0;
}

static const file_format *format_by_name(const char *name)
{
    for (const file_format *f = formats; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static const file_format *format_of_length(const char *path, size_t n)
{
    for (const file_format *f = formats; f->name; f++)
        for (const char *const *e = f->exts; *e; e++)
            if (ends_with_at(path, n, *e))
                return f;
    return NULL;
}

/* The format of an input path: its extension, under a compression suffix
 * if there is one; a folder or a glob is read as CSV files. */
static const file_format *format_of_input(const char *path, bool *brotli)
{
    *brotli = false;
    const file_format *f = format_of_length(path, strlen(path));
    if (f)
        return f;
    for (const char *const *z = compressed_suffixes; *z; z++) {
        if (!ends_with(path, *z))
            continue;
        *brotli = strcmp(*z, ".br") == 0;
        /* text formats and archives may be compressed; Parquet compresses
         * its pages itself */
        f = format_of_length(path, strlen(path) - strlen(*z));
        return f && strcmp(f->name, "parquet") != 0 ? f : NULL;
    }
    struct stat st;
    if (strpbrk(path, "*?[") || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return format_by_name("csv");
    return NULL;
}

/* The format of an output path; CSV and TSV outputs may carry a
 * compression suffix (the sink then compresses as it writes). */
static const file_format *format_of_output(const char *path)
{
    const file_format *f = format_of_length(path, strlen(path));
    for (const char *const *z = compressed_suffixes; !f && *z; z++)
        if (ends_with(path, *z)) {
            f = format_of_length(path, strlen(path) - strlen(*z));
            if (f && !f->out_delimiter)
                f = NULL;
        }
    return f && f->sink ? f : NULL;
}

/* --row-group-size: a bare number counts rows, a size with a unit
 * ("64MB", "1GiB") bounds the memory the rows hold. */
static bool is_row_count(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static int set_option(const af_config_map *map, void *config, const char *name, const char *value,
                      af_error *err)
{
    for (const af_config_map *e = map; e->name; e++)
        if (strcmp(e->name, name) == 0)
            return af_config_set_text(e, config, value, err);
    return af_error_set(err, AF_ECONFIG, "option '%s' does not exist for this format", name);
}

static int prepare(af_plugin_config *pc, af_plugin_kind kind, const char *type, const void *plugin,
                   const af_config_map *map, size_t size, af_error *err)
{
    pc->kind = kind;
    pc->type = (char *)type;
    pc->plugin = plugin;
    pc->config = calloc(1, size ? size : 1);
    if (!pc->config)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return af_config_struct_defaults(map, pc->config, err);
}

int af_cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"compression", required_argument, NULL, 'c'},
        {"on-error", required_argument, NULL, 'e'},
        {"delimiter", required_argument, NULL, 'd'},
        {"row-group-size", required_argument, NULL, 'r'},
        {"members", required_argument, NULL, 'm'},
        {"encoding", required_argument, NULL, 'E'},
        AF_CLI_LOG_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    af_cli_log_flags lf;
    af_cli_log_flags_default(&lf);
    lf.level = AF_LOG_WARN; /* a one-shot conversion is quiet unless asked */
    const char *out_format = NULL, *compression = NULL, *on_error = "fail", *delimiter = NULL;
    const char *row_group_size = NULL, *encoding = NULL;
    af_strlist members = {0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qv", longopts, NULL)) != -1) {
        int l = af_cli_log_option(&lf, opt, optarg);
        if (l < 0)
            return AF_EXIT_USAGE;
        if (l)
            continue;
        switch (opt) {
        case 'f': out_format = optarg; break;
        case 'c': compression = optarg; break;
        case 'e': on_error = optarg; break;
        case 'd': delimiter = optarg; break;
        case 'r': row_group_size = optarg; break;
        case 'm':
            if (af_strlist_push(&members, optarg))
                return AF_EXIT_FAILED;
            break;
        case 'E': encoding = optarg; break;
        default: return af_cli_usage_error("convert", "unknown option");
        }
    }
    if (argc - optind != 2)
        return af_cli_usage_error("convert", "INPUT and OUTPUT are required");
    const char *in_path = argv[optind], *out_path = argv[optind + 1];
    bool brotli = false;
    const file_format *in_fmt = format_of_input(in_path, &brotli);
    if (!in_fmt || !af_registry_source(in_fmt->source)) {
        af_strlist_free(&members);
        return af_cli_usage_error(
            "convert",
            "cannot tell the format of '%s' from its extension (supported: .csv, .tsv, .txt, "
            ".json, .ndjson, .parquet, archives .zip, .tar, .tgz holding CSV files, a folder or a "
            "glob of CSV files; text inputs may end in .gz, .zst, .lz4, .bz2, .xz, .br)",
            in_path);
    }
    const file_format *out_fmt =
        out_format ? format_by_name(out_format) : format_of_output(out_path);
    if (out_fmt && !out_fmt->sink)
        out_fmt = NULL;
    if (!out_fmt) {
        af_strlist_free(&members);
        return af_cli_usage_error("convert",
                                  "unknown output format for '%s' (supported: csv, tsv, parquet)",
                                  out_format ? out_format : out_path);
    }
    bool csv_input = strcmp(in_fmt->source, "csv") == 0;
    if ((members.len && !csv_input) || (encoding && strcmp(in_fmt->source, "parquet") == 0)) {
        af_strlist_free(&members);
        return af_cli_usage_error("convert", "--%s applies to CSV, archive%s inputs only",
                                  members.len ? "members" : "encoding",
                                  members.len ? "" : " and JSON");
    }
    bool to_parquet = strcmp(out_fmt->sink, "parquet") == 0;
    if (row_group_size && !to_parquet)
        return af_cli_usage_error("convert", "--row-group-size applies to parquet output only");
    int policy;
    if (strcmp(on_error, "fail") == 0)
        policy = AF_ON_ERROR_FAIL;
    else if (strcmp(on_error, "quarantine") == 0)
        policy = AF_ON_ERROR_QUARANTINE;
    else if (strcmp(on_error, "skip_with_count") == 0)
        policy = AF_ON_ERROR_SKIP;
    else
        return af_cli_usage_error("convert",
                                  "--on-error takes fail, quarantine or skip_with_count");
    if (!af_cli_log_start(&lf))
        return AF_EXIT_USAGE;

    af_error err = {0};
    const af_source_plugin *src = af_registry_source(in_fmt->source);
    const af_sink_plugin *snk = af_registry_sink(out_fmt->sink);
    af_stream_config sc = {.name = "convert", .opts = {.on_error = policy, .queue_depth = 4}};
    af_plugin_config target = {0};
    sc.targets = &target;
    sc.n_targets = 1;
    int rc =
        prepare(&sc.source, AF_PLUGIN_SOURCE, src->name, src, src->options, src->config_size, &err);
    rc = rc ? rc : set_option(src->options, sc.source.config, "path", in_path, &err);
    if (csv_input && (delimiter || in_fmt->in_delimiter))
        rc = rc ? rc
                : set_option(src->options, sc.source.config, "delimiter",
                             delimiter ? delimiter : in_fmt->in_delimiter, &err);
    if (brotli)
        rc = rc ? rc : set_option(src->options, sc.source.config, "compression", "brotli", &err);
    if (encoding)
        rc = rc ? rc : set_option(src->options, sc.source.config, "encoding", encoding, &err);
    if (members.len) {
        af_strlist *m = NULL;
        for (const af_config_map *e = src->options; e->name; e++)
            if (strcmp(e->name, "members") == 0)
                m = (af_strlist *)((char *)sc.source.config + e->offset);
        if (m) {
            af_strlist_free(m);
            *m = members;
            members = (af_strlist){0};
        }
    }
    rc =
        rc ? rc
           : prepare(&target, AF_PLUGIN_SINK, snk->name, snk, snk->options, snk->config_size, &err);
    rc = rc ? rc : set_option(snk->options, target.config, "path", out_path, &err);
    if (out_fmt->out_delimiter)
        rc =
            rc ? rc
               : set_option(snk->options, target.config, "delimiter", out_fmt->out_delimiter, &err);
    if (compression) /* a Parquet page codec, or the codec of a CSV file */
        rc = rc ? rc : set_option(snk->options, target.config, "compression", compression, &err);
    if (row_group_size)
        rc = rc ? rc
                : set_option(snk->options, target.config,
                             is_row_count(row_group_size) ? "row_group_rows" : "row_group_size",
                             row_group_size, &err);
    char *run_id = af_run_id_new();
    af_buf qpath;
    af_buf_init(&qpath);
    af_buf_printf(&qpath, "%s.quarantine.ndjson", out_path);
    atomic_bool cancel = false;
    af_stream_ctx ctx = {
        .stream_name = "convert",
        .run_id = run_id,
        .limits = AF_BATCH_DEFAULT_LIMITS,
        .on_error = (af_on_error)policy,
        .quarantine = af_quarantine_new(af_buf_cstr(&qpath), "convert", run_id),
        .cancel = &cancel,
    };
    af_stream_report rep = {0};
    if (!rc && (!run_id || !ctx.quarantine))
        rc = af_error_set(&err, AF_ENOMEM, "out of memory");
    if (!rc) {
        af_cancel_install_signal_handlers();
        rc = af_stream_execute(&sc, &ctx, false, &rep, NULL, &err);
    }
    if (ctx.quarantine)
        af_quarantine_close(ctx.quarantine, NULL);
    int exit_code = AF_EXIT_OK;
    if (rc) {
        fprintf(stderr, "affluent convert: %s\n", err.msg);
        exit_code = rc == AF_ECONFIG ? AF_EXIT_USAGE : AF_EXIT_FAILED;
    } else {
        fprintf(stderr, "%s -> %s: %lld rows written", in_path, out_path,
                (long long)rep.rows_written);
        if (rep.rows_quarantined)
            fprintf(stderr, ", %lld quarantined in %s", (long long)rep.rows_quarantined,
                    af_quarantine_file(ctx.quarantine));
        if (rep.rows_skipped)
            fprintf(stderr, ", %lld skipped", (long long)rep.rows_skipped);
        fprintf(stderr, "\n");
    }
    af_stream_report_free(&rep);
    af_quarantine_free(ctx.quarantine);
    if (sc.source.config)
        af_config_struct_free(src->options, sc.source.config);
    if (target.config)
        af_config_struct_free(snk->options, target.config);
    free(sc.source.config);
    free(target.config);
    af_buf_free(&qpath);
    af_strlist_free(&members);
    free(run_id);
    af_log_shutdown();
    return exit_code;
}
