/* table_catalog.c - records a lake table's new version in the catalog, for
 * the lake sink and the lake commands that commit (rollback, compact). The
 * commit stands whatever happens here: a catalog that cannot be written is
 * logged, never turned into a failure the caller could not undo. */
#include "lake/table.h"

#include "core/config.h"
#include "core/log.h"
#include "lake/catalog.h"

#include <stdlib.h>
#include <string.h>

void af_table_catalog_record(af_store *st, const char *name, const af_table_result *res,
                             const char *operation, const af_stream_ctx *ctx, const char *run_id)
{
    af_error err = {0};
    af_buf table;
    af_buf_init(&table);
    af_delta_snapshot *s = NULL;
    int rc = af_table_path(name, &table, &err);
    if (!rc)
        rc = af_delta_snapshot_load(st, af_buf_cstr(&table), -1, &s, &err);
    char *uri = ctx ? af_catalog_source_uri(ctx) : NULL;
    if (!rc) {
        int64_t rows = 0, bytes = 0;
        for (size_t i = 0; i < s->n_files; i++) {
            bytes += s->files[i].size;
            rows = rows < 0 || s->files[i].num_records < 0 ? -1 : rows + s->files[i].num_records;
        }
        af_catalog_version v = {
            .version = res->version,
            .at_us = s->timestamp_ms * 1000,
            .operation = operation,
            .rows_added = res->rows_written,
            .rows_removed = res->rows_deleted + res->rows_updated,
            .files_added = res->files_added,
            .files_removed = res->files_removed,
            .run_id = run_id,
        };
        af_catalog_run run = {.run_id = run_id, .status = "succeeded"};
        const af_stream_config *sc = ctx ? ctx->stream : NULL;
        af_catalog_update u = {
            .name = name,
            .zone = "processed",
            .location = af_buf_cstr(&table),
            .format = "delta",
            .schema = s->schema,
            .meta = sc ? &sc->opts : NULL,
            .lineage = {.pipeline = ctx ? ctx->pipeline_name : NULL,
                        .stream = ctx ? ctx->stream_name : NULL,
                        .source_type = sc ? sc->source.type : NULL,
                        .source_uri = uri},
            .row_count = rows,
            .size_bytes = bytes,
            .version = res->version >= 0 ? &v : NULL,
            .last_run = ctx ? &run : NULL,
        };
        rc = af_catalog_record(st, &u, &err);
    }
    if (rc)
        af_log(AF_LOG_ERROR, "catalog_record_failed", "%s: the catalog was not updated: %s", name,
               err.msg);
    free(uri);
    af_delta_snapshot_free(s);
    af_buf_free(&table);
}
