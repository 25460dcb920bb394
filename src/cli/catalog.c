/* catalog.c - `affluent catalog list | show DATASET | search TEXT`: what the
 * lake holds, read from its catalog (lake/catalog.h). Text output is for
 * people (aligned columns, a readable block per dataset); --json prints the
 * stored entry (show) or an array of summaries (list, search) for scripts. */
#include "cli/cli.h"
#include "cli/common.h"

#include "core/config.h"
#include "lake/catalog.h"
#include "lake/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int fail(const af_error *err)
{
    fprintf(stderr, "affluent catalog: %s\n", err->msg);
    return AF_EXIT_FAILED;
}

/* A local lake must exist: listing a mistyped path must not create it. */
static int open_lake(const char *root, af_store **out)
{
    const char *local = strncmp(root, "file://", 7) == 0 ? root + 7 : root;
    struct stat st;
    if (!strstr(local, "://") && (stat(local, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "affluent catalog: no lake at %s\n", root);
        return AF_EXIT_FAILED;
    }
    af_error err = {0};
    if (af_store_open(root, out, &err))
        return fail(&err);
    return AF_EXIT_OK;
}

static void human_size(int64_t n, char *out, size_t cap)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    if (n < 0) {
        snprintf(out, cap, "-");
        return;
    }
    double v = (double)n;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, cap, "%lld B", (long long)n);
    else
        snprintf(out, cap, "%.1f %s", v, units[u]);
}

static void int_or_dash(int64_t n, char *out, size_t cap)
{
    if (n < 0)
        snprintf(out, cap, "-");
    else
        snprintf(out, cap, "%lld", (long long)n);
}

/* "2026-01-31 12:00:00" from "2026-01-31T12:00:00.000Z". */
static void short_time(const char *iso, char *out, size_t cap)
{
    if (!iso) {
        snprintf(out, cap, "-");
        return;
    }
    snprintf(out, cap, "%.19s", iso);
    char *t = strchr(out, 'T');
    if (t)
        *t = ' ';
}

static size_t maxz(size_t a, size_t b)
{
    return a > b ? a : b;
}

static int print_json(json_t *j)
{
    char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (!text) {
        fprintf(stderr, "affluent catalog: out of memory\n");
        return AF_EXIT_FAILED;
    }
    printf("%s\n", text);
    free(text);
    return AF_EXIT_OK;
}

static int print_summaries(const af_catalog_summary *v, size_t n, bool json, const char *empty)
{
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; a && i < n; i++)
            json_array_append_new(a, af_catalog_summary_json(&v[i]));
        int rc = print_json(a);
        json_decref(a);
        return rc;
    }
    if (n == 0) {
        printf("%s\n", empty);
        return AF_EXIT_OK;
    }
    typedef struct row {
        char rows[32], size[32], version[32], run[64];
    } row;
    row *r = calloc(n, sizeof *r);
    if (!r) {
        fprintf(stderr, "affluent catalog: out of memory\n");
        return AF_EXIT_FAILED;
    }
    size_t w[6] = {strlen("NAME"), strlen("ZONE"),    strlen("ROWS"),
                   strlen("SIZE"), strlen("VERSION"), strlen("OWNER")};
    for (size_t i = 0; i < n; i++) {
        int_or_dash(v[i].row_count, r[i].rows, sizeof r[i].rows);
        human_size(v[i].size_bytes, r[i].size, sizeof r[i].size);
        int_or_dash(v[i].version, r[i].version, sizeof r[i].version);
        char t[32];
        short_time(v[i].last_run_at, t, sizeof t);
        if (v[i].last_run_at)
            snprintf(r[i].run, sizeof r[i].run, "%s %s", t,
                     v[i].last_run_status ? v[i].last_run_status : "");
        else
            snprintf(r[i].run, sizeof r[i].run, "-");
        w[0] = maxz(w[0], strlen(v[i].name));
        w[1] = maxz(w[1], v[i].zone ? strlen(v[i].zone) : 1);
        w[2] = maxz(w[2], strlen(r[i].rows));
        w[3] = maxz(w[3], strlen(r[i].size));
        w[4] = maxz(w[4], strlen(r[i].version));
        w[5] = maxz(w[5], v[i].owner ? strlen(v[i].owner) : 1);
    }
    printf("%-*s  %-*s  %*s  %*s  %*s  %-*s  %s\n", (int)w[0], "NAME", (int)w[1], "ZONE", (int)w[2],
           "ROWS", (int)w[3], "SIZE", (int)w[4], "VERSION", (int)w[5], "OWNER", "LAST RUN");
    for (size_t i = 0; i < n; i++)
        printf("%-*s  %-*s  %*s  %*s  %*s  %-*s  %s\n", (int)w[0], v[i].name, (int)w[1],
               v[i].zone ? v[i].zone : "-", (int)w[2], r[i].rows, (int)w[3], r[i].size, (int)w[4],
               r[i].version, (int)w[5], v[i].owner ? v[i].owner : "-", r[i].run);
    free(r);
    return AF_EXIT_OK;
}

/* ---- show ---- */

static const char *js(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int64_t ji(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
}

static void line(const char *label, const char *value)
{
    if (value && *value)
        printf("  %-12s %s\n", label, value);
}

static void print_columns(const json_t *cols)
{
    size_t i, wn = 4, wt = 4;
    json_t *c;
    json_array_foreach(cols, i, c)
    {
        wn = maxz(wn, js(c, "name") ? strlen(js(c, "name")) : 0);
        wt = maxz(wt, js(c, "type") ? strlen(js(c, "type")) : 0);
    }
    printf("\nColumns:\n");
    af_buf b;
    af_buf_init(&b);
    json_array_foreach(cols, i, c)
    {
        const char *d = js(c, "description");
        bool nullable = !json_is_false(json_object_get(c, "nullable"));
        bool pii = json_is_true(json_object_get(c, "pii"));
        af_buf_reset(&b);
        af_buf_printf(&b, "  %-*s  %-*s  %-8s  %-3s  %s", (int)wn,
                      js(c, "name") ? js(c, "name") : "?", (int)wt,
                      js(c, "type") ? js(c, "type") : "?", nullable ? "nullable" : "not null",
                      pii ? "PII" : "", d ? d : "");
        while (b.len && b.data[b.len - 1] == ' ')
            b.len--; /* no trailing blanks when a column has no notes */
        printf("%s\n", af_buf_cstr(&b));
    }
    af_buf_free(&b);
}

static void print_history(const json_t *h)
{
    size_t n = json_array_size(h);
    if (n == 0)
        return;
    size_t first = n > 10 ? n - 10 : 0;
    printf("\nVersions (latest %zu of %zu):\n", n - first, n);
    printf("  %-7s  %-19s  %-9s  %12s  %12s  %8s  %8s  %s\n", "VERSION", "TIME", "OPERATION",
           "ROWS ADDED", "ROWS REMOVED", "FILES +", "FILES -", "RUN");
    for (size_t i = n; i-- > first;) {
        const json_t *e = json_array_get(h, i);
        char t[32];
        short_time(js(e, "timestamp"), t, sizeof t);
        printf("  %-7lld  %-19s  %-9s  %12lld  %12lld  %8lld  %8lld  %s\n",
               (long long)ji(e, "version"), t, js(e, "operation") ? js(e, "operation") : "?",
               (long long)ji(e, "rows_added"), (long long)ji(e, "rows_removed"),
               (long long)ji(e, "files_added"), (long long)ji(e, "files_removed"),
               js(e, "run_id") ? js(e, "run_id") : "-");
    }
}

static void print_entry(const json_t *e)
{
    const char *zone = js(e, "zone"), *format = js(e, "format");
    printf("%s", js(e, "name") ? js(e, "name") : "?");
    if (zone || format)
        printf(" (%s%s%s)", zone ? zone : "", zone && format ? ", " : "", format ? format : "");
    printf("\n");
    line("location", js(e, "location"));
    line("description", js(e, "description"));
    line("owner", js(e, "owner"));
    af_buf tags;
    af_buf_init(&tags);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(e, "tags"), i, v)
    {
        af_buf_printf(&tags, "%s%s", i ? ", " : "",
                      json_string_value(v) ? json_string_value(v) : "?");
    }
    line("tags", tags.len ? af_buf_cstr(&tags) : NULL);
    af_buf_free(&tags);
    char buf[96], size[48];
    int_or_dash(ji(e, "row_count"), buf, sizeof buf);
    line("rows", buf);
    human_size(ji(e, "size_bytes"), size, sizeof size);
    if (ji(e, "size_bytes") >= 1024)
        snprintf(buf, sizeof buf, "%s (%lld bytes)", size, (long long)ji(e, "size_bytes"));
    else
        snprintf(buf, sizeof buf, "%s", size);
    line("size", buf);
    int_or_dash(ji(e, "version"), buf, sizeof buf);
    line("version", buf);
    line("created", js(e, "created_at"));
    line("updated", js(e, "updated_at"));
    const json_t *run = json_object_get(e, "last_run");
    if (json_is_object(run)) {
        char t[32];
        short_time(js(run, "at"), t, sizeof t);
        af_buf r;
        af_buf_init(&r);
        af_buf_printf(&r, "%s %s", t, js(run, "status") ? js(run, "status") : "");
        if (js(run, "run_id"))
            af_buf_printf(&r, " (run %s)", js(run, "run_id"));
        line("last run", af_buf_cstr(&r));
        af_buf_free(&r);
    }
    const json_t *cols = json_object_get(e, "columns");
    if (json_array_size(cols))
        print_columns(cols);
    const json_t *lin = json_object_get(e, "lineage");
    if (json_is_object(lin) && json_object_size(lin)) {
        printf("\nLineage:\n");
        line("pipeline", js(lin, "pipeline"));
        line("stream", js(lin, "stream"));
        line("source type", js(lin, "source_type"));
        line("source", js(lin, "source_uri"));
    }
    print_history(json_object_get(e, "history"));
    const json_t *q = json_object_get(e, "quality");
    if (json_is_object(q)) {
        char *text = json_dumps(q, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("\nQuality:\n");
        for (const char *p = text; p && *p;) {
            const char *nl = strchr(p, '\n');
            int len = nl ? (int)(nl - p) : (int)strlen(p);
            printf("  %.*s\n", len, p);
            p = nl ? nl + 1 : p + len;
        }
        free(text);
    }
}

/* "no dataset 'x' in LAKE (did you mean 'y'?)": a name whose last segment
 * is the word (curated/orders for orders) first, else the closest name. */
static int unknown_dataset(af_store *lake, const char *name)
{
    af_catalog_summary *v = NULL;
    size_t n = 0;
    af_error err = {0};
    const char *hint = NULL;
    const char **names = NULL;
    if (af_catalog_list(lake, &v, &n, &err) == AF_OK && n) {
        for (size_t i = 0; i < n && !hint; i++) {
            const char *slash = strrchr(v[i].name, '/');
            if (slash && strcmp(slash + 1, name) == 0)
                hint = v[i].name;
        }
        names = calloc(n, sizeof *names);
        for (size_t i = 0; names && i < n; i++)
            names[i] = v[i].name;
        if (!hint && names)
            hint = af_did_you_mean(name, names, n);
    }
    fprintf(stderr, "affluent catalog: no dataset '%s' in %s", name, af_store_root(lake));
    if (hint)
        fprintf(stderr, " (did you mean '%s'?)", hint);
    fprintf(stderr, "\n");
    free(names);
    af_catalog_summaries_free(v, n);
    return AF_EXIT_FAILED;
}

static int cmd_show(af_store *lake, const char *name, bool json)
{
    af_error err = {0};
    if (json) {
        af_buf b;
        af_buf_init(&b);
        int rc = af_catalog_get_text(lake, name, &b, &err);
        if (rc == AF_ENOTFOUND) {
            af_buf_free(&b);
            return unknown_dataset(lake, name);
        }
        if (rc) {
            af_buf_free(&b);
            return fail(&err);
        }
        fwrite(b.data, 1, b.len, stdout);
        af_buf_free(&b);
        return AF_EXIT_OK;
    }
    json_t *e = NULL;
    int rc = af_catalog_get(lake, name, &e, &err);
    if (rc == AF_ENOTFOUND)
        return unknown_dataset(lake, name);
    if (rc)
        return fail(&err);
    print_entry(e);
    json_decref(e);
    return AF_EXIT_OK;
}

int af_cmd_catalog(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"lake", required_argument, NULL, 'l'},
        {"pipeline", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2)
        return af_cli_usage_error("catalog", "missing subcommand (list, show or search)");
    const char *sub = argv[1];
    if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "search") != 0)
        return af_cli_usage_error("catalog", "unknown subcommand '%s' (list, show or search)", sub);
    bool json = false;
    const char *lake_opt = NULL, *pipeline_opt = NULL;
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        switch (opt) {
        case 'j': json = true; break;
        case 'l': lake_opt = optarg; break;
        case 'p': pipeline_opt = optarg; break;
        default:
            return af_cli_usage_error("catalog", "unknown option '%s' for %s",
                                      argv[optind] ? argv[optind] : "?", sub);
        }
    }
    int npos = argc - 1 - optind;
    char **pos = argv + 1 + optind;
    if (strcmp(sub, "list") == 0 && npos != 0)
        return af_cli_usage_error("catalog", "list takes no arguments");
    if (strcmp(sub, "show") == 0 && npos != 1)
        return af_cli_usage_error("catalog", "show takes exactly one DATASET");
    if (strcmp(sub, "search") == 0 && npos < 1)
        return af_cli_usage_error("catalog", "search takes the TEXT to look for");
    char *root = NULL;
    int code = af_cli_lake_root("catalog", lake_opt, pipeline_opt, &root);
    if (code)
        return code;
    af_store *lake = NULL;
    code = open_lake(root, &lake);
    free(root);
    if (code)
        return code;
    af_error err = {0};
    if (strcmp(sub, "show") == 0) {
        code = cmd_show(lake, pos[0], json);
    } else {
        af_buf text;
        af_buf_init(&text);
        for (int i = 0; i < npos; i++)
            af_buf_printf(&text, "%s%s", i ? " " : "", pos[i]);
        af_catalog_summary *v = NULL;
        size_t n = 0;
        int rc = strcmp(sub, "list") == 0
                     ? af_catalog_list(lake, &v, &n, &err)
                     : af_catalog_search(lake, af_buf_cstr(&text), &v, &n, &err);
        code = rc ? fail(&err)
                  : print_summaries(v, n, json,
                                    strcmp(sub, "list") == 0 ? "no datasets in the catalog"
                                                             : "no dataset matches");
        af_catalog_summaries_free(v, n);
        af_buf_free(&text);
    }
    af_store_free(lake);
    return code;
}
