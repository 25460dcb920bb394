/* discover.c - `affluent discover URL [--schema S] [--json]`: what a database
 * holds - tables, columns with their database and core types, primary and
 * foreign keys, row estimates - before a pipeline is written for it. */
#include "cli/cli.h"
#include "cli/common.h"

#include "db/db.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *table_json(const af_db_table *t)
{
    json_t *cols = json_array(), *pk = json_array(), *fk = json_array();
    for (size_t c = 0; c < t->n_columns; c++) {
        af_buf type;
        af_buf_init(&type);
        af_field_format_type(&t->columns[c].field, &type);
        json_array_append_new(cols, json_pack("{s:s, s:s, s:s, s:b}", "name", t->columns[c].name,
                                              "db_type", t->columns[c].db_type, "type",
                                              af_buf_cstr(&type) ? af_buf_cstr(&type) : "",
                                              "nullable", t->columns[c].field.nullable));
        af_buf_free(&type);
    }
    for (size_t i = 0; i < t->primary_key.len; i++)
        json_array_append_new(pk, json_string(t->primary_key.items[i]));
    for (size_t i = 0; i < t->foreign_keys.len; i++)
        json_array_append_new(fk, json_string(t->foreign_keys.items[i]));
    json_t *o = json_pack("{s:o, s:s, s:o, s:o, s:o}", "schema",
                          t->schema ? json_string(t->schema) : json_null(), "name", t->name,
                          "columns", cols, "primary_key", pk, "foreign_keys", fk);
    if (o)
        json_object_set_new(o, "row_estimate",
                            t->row_estimate >= 0 ? json_integer(t->row_estimate) : json_null());
    return o;
}

static void print_text(const af_db_table *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf("%s%s%s", i ? "\n" : "", t[i].schema ? t[i].schema : "", t[i].schema ? "." : "");
        printf("%s", t[i].name);
        if (t[i].row_estimate >= 0)
            printf("  (~%lld rows)", (long long)t[i].row_estimate);
        printf("\n");
        size_t w = 0;
        for (size_t c = 0; c < t[i].n_columns; c++)
            if (strlen(t[i].columns[c].name) > w)
                w = strlen(t[i].columns[c].name);
        for (size_t c = 0; c < t[i].n_columns; c++) {
            const af_db_column *col = &t[i].columns[c];
            af_buf type;
            af_buf_init(&type);
            af_field_format_type(&col->field, &type);
            bool pk = af_strlist_find(&t[i].primary_key, col->name) >= 0;
            printf("  %-*s  %-20s -> %s%s%s\n", (int)w, col->name,
                   *col->db_type ? col->db_type : "(none)", af_buf_cstr(&type),
                   col->field.nullable ? "" : " not null", pk ? "  primary key" : "");
            af_buf_free(&type);
        }
        for (size_t k = 0; k < t[i].foreign_keys.len; k++)
            printf("  foreign key %s\n", t[i].foreign_keys.items[k]);
    }
}

int af_cmd_discover(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"schema", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    const char *schema = NULL;
    bool json = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == 's')
            schema = optarg;
        else if (opt == 'j')
            json = true;
        else
            return af_cli_usage_error("discover", "unknown option");
    }
    if (argc - optind != 1)
        return af_cli_usage_error("discover", "give exactly one database URL");
    af_error err = {0};
    af_db_url url;
    if (af_db_url_parse(argv[optind], NULL, getenv("AFFLUENT_DB_PASSWORD"), &url, &err)) {
        fprintf(stderr, "affluent discover: %s\n", err.msg);
        return err.code == AF_ECONFIG ? AF_EXIT_USAGE : AF_EXIT_FAILED;
    }
    af_db_session s = {.application_name = "affluent", .read_only = true};
    af_db *db = NULL;
    af_db_table *t = NULL;
    size_t n = 0;
    int rc = af_db_open(&url, &s, &db, &err);
    if (!rc)
        rc = af_db_discover(db, schema, &t, &n, &err);
    int code = AF_EXIT_OK;
    if (rc) {
        fprintf(stderr, "affluent discover: %s\n", err.msg);
        code = AF_EXIT_FAILED;
    } else if (json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, table_json(&t[i]));
        char *text = json_dumps(arr, JSON_INDENT(2));
        json_decref(arr);
        if (text)
            printf("%s\n", text);
        free(text);
    } else {
        print_text(t, n);
    }
    af_db_tables_free(t, n);
    af_db_close(db);
    af_db_url_free(&url);
    return code;
}
