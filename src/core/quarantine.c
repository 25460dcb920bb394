/* quarantine.c - NDJSON quarantine records and the on_error policy. */
#include "core/quarantine.h"

#include "core/buf.h"
#include "core/clock.h"
#include "core/state.h"
#include "core/values.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct af_quarantine {
    pthread_mutex_t lock;
    char *path;
    char *stream;
    char *run_id;
    FILE *file;
    bool file_created;
    int64_t rows;
    int64_t skipped;
    af_buf line;
};

af_quarantine *af_quarantine_new(const char *path, const char *stream, const char *run_id)
{
    af_quarantine *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    pthread_mutex_init(&q->lock, NULL);
    q->path = af_strdup(path);
    q->stream = af_strdup(stream ? stream : "");
    q->run_id = af_strdup(run_id ? run_id : "");
    if ((path && !q->path) || !q->stream || !q->run_id) {
        af_quarantine_free(q);
        return NULL;
    }
    af_buf_init(&q->line);
    return q;
}

static int format_record(af_quarantine *q, const char *origin, int64_t line, const char *raw,
                         size_t raw_len, const char *reason)
{
    af_buf *b = &q->line;
    af_buf_reset(b);
    char ts[AF_ISO_NOW_LEN];
    af_clock_iso_now(ts);
    int rc = af_buf_append_str(b, "{\"stream\":");
    rc = rc ? rc : af_buf_append_json_string(b, q->stream, strlen(q->stream));
    rc = rc ? rc : af_buf_append_str(b, ",\"run_id\":");
    rc = rc ? rc : af_buf_append_json_string(b, q->run_id, strlen(q->run_id));
    rc = rc ? rc : af_buf_append_str(b, ",\"origin\":");
    rc = rc ? rc : af_buf_append_json_string(b, origin ? origin : "", origin ? strlen(origin) : 0);
    rc = rc ? rc : af_buf_printf(b, ",\"line\":%lld,\"reason\":", (long long)line);
    rc = rc ? rc : af_buf_append_json_string(b, reason ? reason : "", reason ? strlen(reason) : 0);
    rc = rc ? rc : af_buf_append_str(b, ",\"raw\":");
    rc = rc ? rc : af_buf_append_json_string(b, raw ? raw : "", raw ? raw_len : 0);
    if (!rc && raw && af_utf8_invalid_offset(raw, raw_len) >= 0) {
        /* "raw" above had to replace invalid bytes; keep the exact bytes too */
        rc = af_buf_append_str(b, ",\"raw_base64\":\"");
        rc = rc ? rc : af_buf_append_base64(b, raw, raw_len);
        rc = rc ? rc : af_buf_append_byte(b, '"');
    }
    rc = rc ? rc : af_buf_printf(b, ",\"quarantined_at\":\"%s\"}\n", ts);
    return rc;
}

int af_quarantine_add(af_quarantine *q, const char *origin, int64_t line, const char *raw,
                      size_t raw_len, const char *reason, af_error *err)
{
    pthread_mutex_lock(&q->lock);
    int rc = AF_OK;
    if (!q->path) {
        rc = af_error_set(err, AF_EINTERNAL, "quarantine has no file for stream %s", q->stream);
        goto out;
    }
    if (!q->file) {
        char *dir = af_strdup(q->path);
        char *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash) {
            *slash = '\0';
            rc = af_mkdirs(dir, err);
        }
        free(dir);
        if (rc)
            goto out;
        q->file = fopen(q->path, "ae");
        if (!q->file) {
            rc = af_error_set(err, AF_EIO, "%s: cannot create quarantine file: %s", q->path,
                              strerror(errno));
            goto out;
        }
        q->file_created = true;
    }
    rc = format_record(q, origin, line, raw, raw_len, reason);
    if (rc) {
        af_error_set(err, rc, "out of memory formatting a quarantine record");
        goto out;
    }
    if (fwrite(q->line.data, 1, q->line.len, q->file) != q->line.len) {
        rc = af_error_set(err, AF_EIO, "%s: write failed: %s", q->path, strerror(errno));
        goto out;
    }
    q->rows++;
out:
    pthread_mutex_unlock(&q->lock);
    return rc;
}

void af_quarantine_count_skip(af_quarantine *q)
{
    pthread_mutex_lock(&q->lock);
    q->skipped++;
    pthread_mutex_unlock(&q->lock);
}

int64_t af_quarantine_rows(const af_quarantine *q)
{
    return q->rows;
}
int64_t af_quarantine_skipped(const af_quarantine *q)
{
    return q->skipped;
}
const char *af_quarantine_file(const af_quarantine *q)
{
    return q->file_created ? q->path : NULL;
}

int af_quarantine_close(af_quarantine *q, af_error *err)
{
    int rc = AF_OK;
    pthread_mutex_lock(&q->lock);
    if (q->file) {
        if (fflush(q->file) != 0 || fsync(fileno(q->file)) != 0)
            rc = af_error_set(err, AF_EIO, "%s: flush failed: %s", q->path, strerror(errno));
        if (fclose(q->file) != 0 && !rc)
            rc = af_error_set(err, AF_EIO, "%s: close failed: %s", q->path, strerror(errno));
        q->file = NULL;
    }
    pthread_mutex_unlock(&q->lock);
    return rc;
}

void af_quarantine_free(af_quarantine *q)
{
    if (!q)
        return;
    af_quarantine_close(q, NULL);
    pthread_mutex_destroy(&q->lock);
    free(q->path);
    free(q->stream);
    free(q->run_id);
    af_buf_free(&q->line);
    free(q);
}

int af_quarantine_row(af_stream_ctx *ctx, const char *origin, int64_t line, const char *raw,
                      size_t raw_len, const char *reason, af_error *err)
{
    switch (ctx->on_error) {
    case AF_ON_ERROR_QUARANTINE:
        return af_quarantine_add(ctx->quarantine, origin, line, raw, raw_len, reason, err);
    case AF_ON_ERROR_SKIP: af_quarantine_count_skip(ctx->quarantine); return AF_OK;
    case AF_ON_ERROR_FAIL:
    default:
        if (line > 0)
            return af_error_set(err, AF_EPARSE, "%s:%lld: %s (on_error: fail)", origin,
                                (long long)line, reason);
        return af_error_set(err, AF_EPARSE, "%s: %s (on_error: fail)", origin, reason);
    }
}

char *af_stream_resolve_path(const af_stream_ctx *ctx, const char *path)
{
    if (!path)
        return NULL;
    if (path[0] == '/' || strcmp(path, "-") == 0 || strstr(path, "://") || !ctx->pipeline_dir)
        return af_strdup(path);
    af_buf b;
    af_buf_init(&b);
    if (af_buf_printf(&b, "%s/%s", ctx->pipeline_dir, path)) {
        af_buf_free(&b);
        return NULL;
    }
    af_buf_cstr(&b);
    return (char *)b.data;
}
