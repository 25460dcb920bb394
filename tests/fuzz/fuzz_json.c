/* fuzz_json.c - libFuzzer harness for the streaming JSON reader and the
 * JSON source's record -> batch path.
 *
 * The first input byte picks the modes; the rest is the JSON text.
 * 1. Parser: the text is read as a sequence of values (NDJSON rules with
 *    line recovery when bit 0 is set, otherwise one value after another
 *    until the first error) from a memory reader in one piece and through
 *    readers handing out 1 and 7 bytes per call. Invariants: no crash, leak
 *    or UB; all three reads give the same values, errors and raw bytes; a
 *    value written back as JSON parses again to the same text.
 * 2. Source: the text is written to a file and read by the json source
 *    (layout auto, nested mode and infer_rows picked by the mode byte,
 *    optional explode/lineage) with on_error skip; every batch must seal.
 */
#include "../chunk_reader.h"
#include "core/plugin.h"
#include "core/quarantine.h"
#include "formats/json.h"
#include "sources/json_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const af_source_plugin af_source_json;

/* Reads everything; appends a transcript of values/errors/raw bytes to log. */
static void transcript(const uint8_t *data, size_t len, size_t k, bool ndjson, af_buf *log)
{
    chunk_priv cp = {data, len, 0, k};
    af_reader rd = {chunk_read, chunk_close, "f", -1, 0, &cp};
    af_json_options o;
    af_json_options_default(&o);
    o.one_per_line = ndjson;
    o.max_depth = 64;
    af_json_reader *r = NULL;
    af_error err = {0};
    if (af_json_reader_new(&rd, "f", &o, &r, &err))
        abort();
    af_json_doc doc;
    af_json_doc_init(&doc);
    for (int n = 0; n < 10000; n++) {
        int c = af_json_reader_peek(r, &err);
        if (c == AF_JSON_EOF || c < 0) {
            af_buf_printf(log, "end %d\n", c);
            break;
        }
        af_json_reader_mark(r);
        int rc = af_json_reader_value(r, &doc, &err);
        if (rc == 1 && ndjson)
            rc = af_json_reader_end_line(r, &err);
        if (rc == 1 || rc == AF_OK) {
            af_buf one;
            af_buf_init(&one);
            af_json_doc_write(&doc, 0, &one);
            af_buf_append(log, one.data, one.len);
            af_buf_printf(log, " @%lld\n", (long long)af_json_reader_value_line(r));
            /* round trip */
            af_json_doc again;
            af_json_doc_init(&again);
            af_error e2 = {0};
            if (af_json_parse((const char *)one.data, one.len, "rt", &again, &e2) != AF_OK)
                abort();
            af_buf two;
            af_buf_init(&two);
            af_json_doc_write(&again, 0, &two);
            if (two.len != one.len || memcmp(two.data, one.data, one.len) != 0)
                abort();
            af_buf_free(&two);
            af_buf_free(&one);
            af_json_doc_free(&again);
        } else {
            af_buf_printf(log, "error %d %s\n", rc, err.msg);
            if (!ndjson || rc != AF_EPARSE)
                break;
            if (af_json_reader_skip_line(r, &err))
                break;
        }
        size_t rl;
        const char *raw = af_json_reader_raw(r, &rl);
        af_buf_printf(log, "raw %zu ", rl);
        af_buf_append(log, raw, rl);
        af_buf_append_byte(log, '\n');
        af_json_reader_unmark(r);
    }
    af_json_doc_free(&doc);
    af_json_reader_free(r);
}

static void run_source(const uint8_t *data, size_t len, uint8_t mode)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_json_%d.json", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(data, 1, len, f);
    fclose(f);

    json_source_config cfg;
    memset(&cfg, 0, sizeof cfg);
    af_error err = {0};
    if (af_config_struct_defaults(af_source_json.options, &cfg, &err))
        abort();
    free(cfg.path);
    cfg.path = af_strdup(path);
    cfg.nested = (mode >> 1) % 3;
    cfg.arrays = (mode >> 3) & 1;
    static const int64_t infer[4] = {0, 1, 3, 10000};
    cfg.infer_rows = infer[(mode >> 4) & 3];
    cfg.lineage = (mode >> 6) & 1;
    if (mode & 0x80)
        cfg.explode = af_strdup("items");
    atomic_bool cancel = false;
    af_stream_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.pipeline_dir = "/tmp";
    ctx.stream_name = "fuzz";
    ctx.run_id = "r";
    ctx.limits = AF_BATCH_DEFAULT_LIMITS;
    ctx.limits.max_rows = 7;
    ctx.on_error = AF_ON_ERROR_SKIP;
    ctx.quarantine = af_quarantine_new("/tmp/fuzz_json_q.ndjson", "fuzz", "r");
    ctx.cancel = &cancel;
    af_source src = {&af_source_json, &cfg, &ctx, NULL};
    af_schema *schema = NULL;
    if (af_source_json.open(&src, &schema, &err) == AF_OK) {
        for (int i = 0; i < 100000; i++) {
            af_batch *b = NULL;
            if (af_source_json.next(&src, &b, &err) != AF_OK || !b)
                break;
            if (b->n_rows < 0)
                abort();
            af_batch_release(b);
        }
    }
    af_schema_free(schema);
    af_source_json.close(&src);
    af_quarantine_free(ctx.quarantine);
    af_config_struct_free(af_source_json.options, &cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    bool ndjson = mode & 1;
    af_buf a, b, c;
    af_buf_init(&a);
    af_buf_init(&b);
    af_buf_init(&c);
    transcript(data, size, size + 1, ndjson, &a);
    transcript(data, size, 1, ndjson, &b);
    transcript(data, size, 7, ndjson, &c);
    if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
        abort();
    if (a.len != c.len || memcmp(a.data, c.data, a.len) != 0)
        abort();
    af_buf_free(&a);
    af_buf_free(&b);
    af_buf_free(&c);
    run_source(data, size, mode);
    return 0;
}
