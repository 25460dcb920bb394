/* lake.c - `affluent lake list|history|cat|rollback|vacuum|compact`: the
 * versions of lake tables, time travel, and their upkeep (lake/table.h,
 * lake/delta_log.h). Tables are named as in the catalog: `orders` is
 * LAKE/processed/orders. */
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/rows_out.h"

#include "core/clock.h"
#include "core/configmap.h"
#include "core/state.h"
#include "core/values.h"
#include "core/where.h"
#include "lake/table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lake_args {
    const char *lake, *pipeline, *format, *columns, *where, *as_of, *target;
    int64_t version; /* -1 = unset */
    int64_t limit;   /* -1 = all */
    double retain_days;
    bool has_retain, dry_run;
    af_cli_log_flags log;
    const char *table; /* the positional TABLE */
} lake_args;

static int fail(const af_error *err)
{
    fprintf(stderr, "affluent lake: %s\n", err->msg);
    return AF_EXIT_FAILED;
}

static int parse_args(int argc, char **argv, lake_args *a, bool wants_table)
{
    static const struct option longopts[] = {
        {"lake", required_argument, NULL, 'L'},
        {"pipeline", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, 'f'},
        {"columns", required_argument, NULL, 'c'},
        {"where", required_argument, NULL, 'w'},
        {"limit", required_argument, NULL, 'n'},
        {"version", required_argument, NULL, 'V'},
        {"as-of", required_argument, NULL, 'a'},
        {"retain", required_argument, NULL, 'r'},
        {"dry-run", no_argument, NULL, 'd'},
        {"target-file-size", required_argument, NULL, 't'},
        AF_CLI_LOG_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    memset(a, 0, sizeof *a);
    a->version = -1;
    a->limit = -1;
    af_cli_log_flags_default(&a->log);
    a->log.level = AF_LOG_WARN; /* commands print their result; log lines only on trouble */
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qv", longopts, NULL)) != -1) {
        int handled = af_cli_log_option(&a->log, opt, optarg);
        if (handled < 0)
            return AF_EXIT_USAGE;
        if (handled)
            continue;
        char *end = NULL;
        errno = 0;
        switch (opt) {
        case 'L': a->lake = optarg; break;
        case 'p': a->pipeline = optarg; break;
        case 'f': a->format = optarg; break;
        case 'c': a->columns = optarg; break;
        case 'w': a->where = optarg; break;
        case 'a': a->as_of = optarg; break;
        case 't': a->target = optarg; break;
        case 'd': a->dry_run = true; break;
        case 'n':
        case 'V': {
            long long v = strtoll(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 0)
                return af_cli_usage_error("lake", "--%s wants a number >= 0, not '%s'",
                                          opt == 'n' ? "limit" : "version", optarg);
            *(opt == 'n' ? &a->limit : &a->version) = v;
            break;
        }
        case 'r': {
            double d = strtod(optarg, &end);
            if (errno || end == optarg || *end || d < 0)
                return af_cli_usage_error("lake", "--retain wants a number of days >= 0, not '%s'",
                                          optarg);
            a->retain_days = d;
            a->has_retain = true;
            break;
        }
        default: return af_cli_usage_error("lake", "unknown option");
        }
    }
    if (wants_table) {
        if (argc - optind != 1)
            return af_cli_usage_error("lake", "%s takes exactly one TABLE", argv[0]);
        a->table = argv[optind];
    } else if (argc - optind != 0) {
        return af_cli_usage_error("lake", "%s takes no TABLE", argv[0]);
    }
    return af_cli_log_start(&a->log) ? AF_EXIT_OK : AF_EXIT_FAILED;
}

/* Opens the lake's store and names the table's folder. */
static int open_table(const lake_args *a, af_store **st, af_buf *table)
{
    char *root = NULL;
    int code = af_cli_lake_root("lake", a->lake, a->pipeline, &root);
    if (code)
        return code;
    af_error err;
    af_error_clear(&err);
    int rc = a->table ? af_table_path(a->table, table, &err) : AF_OK;
    if (rc) {
        free(root);
        fprintf(stderr, "affluent lake: %s\n", err.msg);
        return AF_EXIT_USAGE;
    }
    rc = af_store_open(root, st, &err);
    free(root);
    return rc ? fail(&err) : AF_EXIT_OK;
}

static int out_format(const lake_args *a, af_rows_format *f)
{
    if (af_rows_format_parse(a->format, f) != 0)
        return af_cli_usage_error("lake", "unknown --format '%s' (csv, ndjson or table)",
                                  a->format);
    return AF_EXIT_OK;
}

/* ---- history ---- */

static int history_batch(const af_delta_version *v, size_t n, af_batch **out, af_error *err)
{
    af_schema *s = af_schema_new();
    const char *ints[] = {"rows_added", "rows_removed", "files_added", "files_removed"};
    int rc = !s || af_schema_add_simple(s, "version", af_type_make(AF_TYPE_INT64), false) ||
             af_schema_add_simple(s, "timestamp", af_type_timestamp(AF_UNIT_MILLI, "UTC"), false) ||
             af_schema_add_simple(s, "operation", af_type_make(AF_TYPE_STRING), true) ||
             af_schema_add_simple(s, "mode", af_type_make(AF_TYPE_STRING), true);
    for (size_t i = 0; i < 4 && !rc; i++)
        rc = af_schema_add_simple(s, ints[i], af_type_make(AF_TYPE_INT64), true);
    if (!rc)
        rc = af_schema_add_simple(s, "run_id", af_type_make(AF_TYPE_STRING), true);
    af_batch *b = rc ? NULL : af_batch_new(s);
    af_schema_free(s);
    if (!b)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        const af_delta_commit_info *c = &v[i].info;
        af_array *col = b->columns;
        rc = af_array_append_int(&col[0], v[i].version) ||
             af_array_append_int(&col[1], c->timestamp_ms);
        const char *texts[] = {c->operation, c->mode};
        for (size_t k = 0; k < 2 && !rc; k++)
            rc = texts[k] ? af_array_append_bytes(&col[2 + k], texts[k], strlen(texts[k]))
                          : af_array_append_null(&col[2 + k]);
        /* commits of other engines may lack metrics: then count actions */
        int64_t fa = c->files_added ? c->files_added : v[i].n_adds;
        int64_t fr = c->files_removed ? c->files_removed : v[i].n_removes;
        int64_t nums[] = {c->rows_added, c->rows_removed, fa, fr};
        for (size_t k = 0; k < 4 && !rc; k++)
            rc = af_array_append_int(&col[4 + k], nums[k]);
        if (!rc)
            rc = c->run_id ? af_array_append_bytes(&col[8], c->run_id, strlen(c->run_id))
                           : af_array_append_null(&col[8]);
    }
    if (!rc)
        rc = af_batch_seal(b, err);
    if (rc) {
        af_batch_release(b);
        return err->code ? err->code : af_error_set(err, AF_ENOMEM, "out of memory");
    }
    *out = b;
    return AF_OK;
}

static int print_batch(const lake_args *a, const af_batch *b)
{
    af_rows_format f;
    int code = out_format(a, &f);
    if (code)
        return code;
    af_error err;
    af_error_clear(&err);
    af_rows_out *o = af_rows_out_new(f, stdout);
    int rc = o ? af_rows_out_batch(o, b, -1, &err) : af_error_set(&err, AF_ENOMEM, "out of memory");
    if (!rc)
        rc = af_rows_out_finish(o, b->schema, &err);
    af_rows_out_free(o);
    return rc ? fail(&err) : AF_EXIT_OK;
}

static int cmd_history(int argc, char **argv)
{
    lake_args a;
    int code = parse_args(argc, argv, &a, true);
    af_store *st = NULL;
    af_buf table;
    af_buf_init(&table);
    if (!code)
        code = open_table(&a, &st, &table);
    af_delta_version *v = NULL;
    size_t n = 0;
    af_error err;
    af_error_clear(&err);
    af_batch *b = NULL;
    if (!code &&
        (af_delta_history(st, af_buf_cstr(&table), &v, &n, &err) || history_batch(v, n, &b, &err)))
        code = fail(&err);
    if (!code)
        code = print_batch(&a, b);
    af_batch_release(b);
    af_delta_history_free(v, n);
    af_store_free(st);
    af_buf_free(&table);
    return code;
}

/* ---- list ---- */

static int cmd_list(int argc, char **argv)
{
    lake_args a;
    int code = parse_args(argc, argv, &a, false);
    af_store *st = NULL;
    af_buf none;
    af_buf_init(&none);
    if (!code)
        code = open_table(&a, &st, &none);
    af_buf_free(&none);
    if (code)
        return code;
    af_error err;
    af_error_clear(&err);
    af_store_entry *e = NULL;
    size_t n = 0;
    int rc = af_store_list(st, "processed/", &e, &n, &err);
    af_schema *s = rc ? NULL : af_schema_new();
    if (!rc && (!s || af_schema_add_simple(s, "table", af_type_make(AF_TYPE_STRING), false) ||
                af_schema_add_simple(s, "version", af_type_make(AF_TYPE_INT64), false) ||
                af_schema_add_simple(s, "files", af_type_make(AF_TYPE_INT64), false) ||
                af_schema_add_simple(s, "rows", af_type_make(AF_TYPE_INT64), true) ||
                af_schema_add_simple(s, "bytes", af_type_make(AF_TYPE_INT64), false)))
        rc = af_error_set(&err, AF_ENOMEM, "out of memory");
    af_batch *b = rc ? NULL : af_batch_new(s);
    af_schema_free(s);
    const char *marker = "/_delta_log/00000000000000000000.json";
    for (size_t i = 0; b && !rc && i < n; i++) {
        const char *p = e[i].path + strlen("processed/");
        const char *m = strstr(p, marker);
        if (!m || strchr(p, '/') != m || m[strlen(marker)] != '\0')
            continue;
        char *name = af_strndup(p, (size_t)(m - p));
        af_buf t;
        af_buf_init(&t);
        af_delta_snapshot *snap = NULL;
        rc = !name || af_buf_printf(&t, "processed/%s", name)
                 ? af_error_set(&err, AF_ENOMEM, "out of memory")
                 : af_delta_snapshot_load(st, af_buf_cstr(&t), -1, &snap, &err);
        if (!rc) {
            int64_t rows = 0, bytes = 0;
            bool rows_known = true;
            for (size_t k = 0; k < snap->n_files; k++) {
                bytes += snap->files[k].size;
                if (snap->files[k].num_records < 0)
                    rows_known = false;
                else
                    rows += snap->files[k].num_records;
            }
            rc = af_array_append_bytes(&b->columns[0], name, strlen(name)) ||
                 af_array_append_int(&b->columns[1], snap->version) ||
                 af_array_append_int(&b->columns[2], (int64_t)snap->n_files) ||
                 (rows_known ? af_array_append_int(&b->columns[3], rows)
                             : af_array_append_null(&b->columns[3])) ||
                 af_array_append_int(&b->columns[4], bytes);
            if (rc)
                rc = af_error_set(&err, AF_ENOMEM, "out of memory");
        }
        af_delta_snapshot_free(snap);
        af_buf_free(&t);
        free(name);
    }
    if (!rc && b)
        rc = af_batch_seal(b, &err);
    af_store_entries_free(e, n);
    code = rc ? fail(&err) : print_batch(&a, b);
    af_batch_release(b);
    af_store_free(st);
    return code;
}

/* ---- cat ---- */

static int split_list(const char *s, af_strlist *out)
{
    for (const char *p = s;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char *name = af_strndup(p, n);
        int rc = !name || af_strlist_push(out, name);
        free(name);
        if (rc)
            return AF_ENOMEM;
        if (!comma)
            return AF_OK;
        p = comma + 1;
    }
}

static int load_version(const lake_args *a, af_store *st, const char *table,
                        af_delta_snapshot **snap, af_error *err)
{
    if (!a->as_of)
        return af_delta_snapshot_load(st, table, a->version, snap, err);
    /* ISO-8601 (naive = UTC) or milliseconds since the epoch */
    char *end = NULL;
    long long ms = strtoll(a->as_of, &end, 10);
    if (end == a->as_of || *end) {
        af_parse_options po;
        af_parse_options_default(&po);
        int64_t v;
        if (af_parse_timestamp(a->as_of, strlen(a->as_of), &po, AF_UNIT_MILLI, "UTC", &v, err))
            return af_error_wrap(err, "--as-of");
        ms = v;
    }
    return af_delta_snapshot_as_of(st, table, ms, snap, err);
}

static int cmd_cat(int argc, char **argv)
{
    lake_args a;
    int code = parse_args(argc, argv, &a, true);
    if (code)
        return code;
    if (a.as_of && a.version >= 0)
        return af_cli_usage_error("lake", "give --version or --as-of, not both");
    af_rows_format fmt;
    if ((code = out_format(&a, &fmt)))
        return code;
    af_error err;
    af_error_clear(&err);
    af_where *where = NULL;
    if (a.where && af_where_parse(a.where, &where, &err)) {
        fprintf(stderr, "affluent lake: %s\n", err.msg);
        return AF_EXIT_USAGE;
    }
    af_strlist cols = {0};
    if (a.columns && split_list(a.columns, &cols)) {
        af_where_free(where);
        return fail(&(af_error){AF_ENOMEM, "out of memory"});
    }
    af_store *st = NULL;
    af_buf table;
    af_buf_init(&table);
    code = open_table(&a, &st, &table);
    af_delta_snapshot *snap = NULL;
    af_table_reader *r = NULL;
    af_rows_out *o = NULL;
    int rc = AF_OK;
    if (!code) {
        rc = load_version(&a, st, af_buf_cstr(&table), &snap, &err);
        if (!rc && where && af_where_bind(where, snap->schema, &err)) {
            fprintf(stderr, "affluent lake: %s\n", err.msg);
            code = AF_EXIT_USAGE;
        }
        /* columns: unknown names are a usage error before any row is read */
        for (size_t i = 0; !rc && !code && i < cols.len; i++)
            if (af_schema_find(snap->schema, cols.items[i]) < 0)
                code = af_cli_usage_error("lake", "%s has no column '%s'", a.table, cols.items[i]);
        if (!rc && !code)
            rc = af_table_reader_open(st, af_buf_cstr(&table), snap, NULL, 0, NULL, &r, &err);
        if (!rc && !code && !(o = af_rows_out_new(fmt, stdout)))
            rc = af_error_set(&err, AF_ENOMEM, "out of memory");
    }
    size_t *proj = calloc(cols.len + 1, sizeof *proj);
    for (size_t i = 0; proj && snap && i < cols.len; i++)
        proj[i] = (size_t)af_schema_find(snap->schema, cols.items[i]);
    int64_t left = a.limit;
    af_schema *printed = NULL;
    while (!rc && !code && r && left != 0) {
        af_batch *b = NULL;
        rc = af_table_reader_next(r, &b, NULL, &err);
        if (rc || !b)
            break;
        af_batch *kept = b;
        if (where && (rc = af_where_filter(where, b, &kept, &err)) == AF_OK)
            af_batch_release(b);
        else if (where)
            kept = b;
        af_batch *shown = kept;
        if (!rc && cols.len && !(shown = af_batch_project(kept, proj, NULL, cols.len, &err)))
            rc = err.code ? err.code : AF_ENOMEM;
        if (!rc) {
            if (!printed)
                printed = af_schema_copy(shown->schema);
            rc = af_rows_out_batch(o, shown, left < 0 ? shown->n_rows : left, &err);
            if (left > 0)
                left -= left < shown->n_rows ? left : shown->n_rows;
        }
        if (shown != kept)
            af_batch_release(shown);
        af_batch_release(kept);
    }
    if (!rc && !code && o) {
        af_schema *empty = NULL;
        if (!printed && cols.len) {
            empty = af_schema_new();
            for (size_t i = 0; empty && i < cols.len; i++)
                af_schema_add(empty, &snap->schema->fields[proj[i]]);
        }
        rc = af_rows_out_finish(o, printed ? printed : empty ? empty : snap->schema, &err);
        af_schema_free(empty);
    }
    if (rc && !code)
        code = fail(&err);
    af_schema_free(printed);
    free(proj);
    af_rows_out_free(o);
    af_table_reader_free(r);
    af_delta_snapshot_free(snap);
    af_store_free(st);
    af_buf_free(&table);
    af_strlist_free(&cols);
    af_where_free(where);
    return code;
}

/* ---- rollback, vacuum, compact ---- */

static int cmd_rollback(int argc, char **argv)
{
    lake_args a;
    int code = parse_args(argc, argv, &a, true);
    if (code)
        return code;
    if (a.version < 0)
        return af_cli_usage_error("lake", "rollback needs --version N");
    af_store *st = NULL;
    af_buf table;
    af_buf_init(&table);
    code = open_table(&a, &st, &table);
    af_error err;
    af_error_clear(&err);
    af_table_result res;
    char *run_id = af_run_id_new();
    if (!code) {
        if (af_table_rollback(st, af_buf_cstr(&table), a.version, run_id, &res, &err))
            code = fail(&err);
        else {
            af_table_catalog_record(st, a.table, &res, "rollback", NULL, run_id);
            printf("%s: version %lld restores version %lld (%lld file(s) added, %lld removed)\n",
                   a.table, (long long)res.version, (long long)a.version,
                   (long long)res.files_added, (long long)res.files_removed);
        }
    }
    free(run_id);
    af_store_free(st);
    af_buf_free(&table);
    return code;
}

static int cmd_vacuum(int argc, char **argv)
{
    lake_args a;
    int code = parse_args(argc, argv, &a, true);
    if (code)
        return code;
    if (!a.has_retain)
        return af_cli_usage_error("lake", "vacuum needs --retain DAYS (files older versions "
                                          "still need are kept for that long)");
    af_store *st = NULL;
    af_buf table;
    af_buf_init(&table);
    code = open_table(&a, &st, &table);
    af_error err;
    af_error_clear(&err);
    af_strlist deleted = {0};
    int64_t bytes = 0;
    if (!code) {
        int64_t retain_ms = (int64_t)(a.retain_days * 86400000.0);
        if (af_table_vacuum(st, af_buf_cstr(&table), retain_ms, a.dry_run, &deleted, &bytes, &err))
            code = fail(&err);
    }
    if (!code) {
        for (size_t i = 0; i < deleted.len; i++)
            printf("%s%s\n", a.dry_run ? "would delete " : "deleted ", deleted.items[i]);
        printf("%s: %s %zu file(s), %lld bytes\n", a.table, a.dry_run ? "would delete" : "deleted",
               deleted.len, (long long)bytes);
    }
    af_strlist_free(&deleted);
    af_store_free(st);
    af_buf_free(&table);
    return code;
}

static int cmd_compact(int argc, char **argv)
{
    lake_args a;
    int code = parse_args(argc, argv, &a, true);
    if (code)
        return code;
    int64_t target = 0;
    if (a.target && af_config_parse_size(a.target, &target))
        return af_cli_usage_error("lake",
                                  "--target-file-size wants a size such as 128MiB, not "
                                  "'%s'",
                                  a.target);
    af_store *st = NULL;
    af_buf table;
    af_buf_init(&table);
    code = open_table(&a, &st, &table);
    af_error err;
    af_error_clear(&err);
    af_table_result res;
    char *run_id = af_run_id_new();
    if (!code) {
        if (af_table_compact(st, af_buf_cstr(&table), target, run_id, &res, &err))
            code = fail(&err);
        else if (res.version < 0)
            printf("%s: nothing to compact\n", a.table);
        else {
            af_table_catalog_record(st, a.table, &res, "compact", NULL, run_id);
            printf("%s: version %lld rewrote %lld small file(s) into %lld\n", a.table,
                   (long long)res.version, (long long)res.files_removed,
                   (long long)res.files_added);
        }
    }
    free(run_id);
    af_store_free(st);
    af_buf_free(&table);
    return code;
}

int af_cmd_lake(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } subs[] = {
        {"list", cmd_list},         {"history", cmd_history}, {"cat", cmd_cat},
        {"rollback", cmd_rollback}, {"vacuum", cmd_vacuum},   {"compact", cmd_compact},
    };
    if (argc < 2)
        return af_cli_usage_error("lake", "missing subcommand (list, history, cat, rollback, "
                                          "vacuum or compact)");
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].fn(argc - 1, argv + 1);
    return af_cli_usage_error("lake", "unknown subcommand '%s'", argv[1]);
}
