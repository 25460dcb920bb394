/* fuzz_catalog.c - libFuzzer harness for catalog entries as found in a lake
 * (hand-edited or damaged JSON): parsing, then merging an update into them
 * with and without a schema and pipeline metadata, as af_catalog_record
 * does. Invariants:
 *  - no crash, leak or undefined behaviour (run under ASan/UBSan);
 *  - a merged entry is an object naming the dataset, its history is an
 *    array of at most AF_CATALOG_MAX_HISTORY entries ending with the new
 *    version, and it survives a dump and a re-parse.
 */
#include "lake/catalog_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_catalog: invariant failed: %s\n", #cond);                        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_merged(json_t *e)
{
    FUZZ_ASSERT(json_is_object(e));
    FUZZ_ASSERT(strcmp(json_string_value(json_object_get(e, "name")), "orders") == 0);
    json_t *h = json_object_get(e, "history");
    FUZZ_ASSERT(json_is_array(h));
    size_t n = json_array_size(h);
    FUZZ_ASSERT(n >= 1 && n <= AF_CATALOG_MAX_HISTORY);
    json_t *last = json_array_get(h, n - 1);
    FUZZ_ASSERT(strcmp(json_string_value(json_object_get(last, "operation")), "merge") == 0);
    char *text = json_dumps(e, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    FUZZ_ASSERT(text);
    json_t *back = NULL;
    af_error err = {0};
    FUZZ_ASSERT(af_catalog_parse("merged", text, strlen(text), &back, &err) == AF_OK);
    FUZZ_ASSERT(json_equal(back, e));
    json_decref(back);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    af_error err = {0};
    json_t *old = NULL;
    if (af_catalog_parse("fuzz.json", data, size, &old, &err) != AF_OK)
        return 0;
    af_schema *schema = af_schema_new();
    af_schema_add_simple(schema, "id", af_type_make(AF_TYPE_INT64), false);
    af_schema_add_simple(schema, "email", af_type_make(AF_TYPE_STRING), true);
    af_stream_options meta;
    memset(&meta, 0, sizeof meta);
    meta.owner = "owner@example.com";
    af_strlist_push(&meta.tags, "t");
    af_src_loc loc = {0};
    af_strmap_put(&meta.column_descriptions, "email", "Email", loc);
    af_strlist_push(&meta.pii, "email");
    af_catalog_version v = {.version = -1, .operation = "merge", .rows_added = 1};
    af_catalog_run run = {.run_id = "r"};
    for (int variant = 0; variant < 4; variant++) {
        af_catalog_update u = {
            .name = "orders",
            .schema = (variant & 1) ? schema : NULL,
            .meta = (variant & 2) ? &meta : NULL,
            .lineage = {.source_uri = (variant & 1) ? "postgres://u:pw@h/db" : NULL},
            .row_count = -1,
            .size_bytes = -1,
            .version = &v,
            .last_run = variant ? &run : NULL,
        };
        json_t *merged = NULL;
        if (af_catalog_merge(old, &u, &merged, &err) == AF_OK) {
            check_merged(merged);
            json_decref(merged);
        }
    }
    json_decref(old);
    af_schema_free(schema);
    af_strlist_free(&meta.tags);
    af_strmap_free(&meta.column_descriptions);
    af_strlist_free(&meta.pii);
    return 0;
}
