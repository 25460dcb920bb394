/* rows_out.c - CSV, NDJSON and text-table output of batches; see rows_out.h. */
#include "cli/rows_out.h"

#include "formats/csv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct af_rows_out {
    af_rows_format format;
    FILE *fp;
    af_buf buf;
    bool header_done;
    af_csv_write_options csv;
    /* table: cells row by row (NULL = null), and column widths */
    af_strlist cells;
    size_t n_cols;
    size_t *width;
    af_strlist names;
};

int af_rows_format_parse(const char *name, af_rows_format *out)
{
    if (!name)
        *out = isatty(STDOUT_FILENO) ? AF_ROWS_TABLE : AF_ROWS_CSV;
    else if (strcmp(name, "csv") == 0)
        *out = AF_ROWS_CSV;
    else if (strcmp(name, "ndjson") == 0)
        *out = AF_ROWS_NDJSON;
    else if (strcmp(name, "table") == 0)
        *out = AF_ROWS_TABLE;
    else
        return -1;
    return 0;
}

af_rows_out *af_rows_out_new(af_rows_format format, FILE *fp)
{
    af_rows_out *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->format = format;
    o->fp = fp;
    af_buf_init(&o->buf);
    af_csv_write_options_default(&o->csv);
    return o;
}

void af_rows_out_free(af_rows_out *o)
{
    if (!o)
        return;
    af_buf_free(&o->buf);
    af_strlist_free(&o->cells);
    af_strlist_free(&o->names);
    free(o->width);
    free(o);
}

static int flush(af_rows_out *o, af_error *err)
{
    if (o->buf.len && fwrite(o->buf.data, 1, o->buf.len, o->fp) != o->buf.len)
        return af_error_set(err, AF_EIO, "cannot write to standard output");
    af_buf_reset(&o->buf);
    return AF_OK;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static int table_start(af_rows_out *o, const af_schema *s)
{
    if (o->width)
        return AF_OK;
    o->n_cols = s->n_fields;
    o->width = calloc(o->n_cols + 1, sizeof *o->width);
    if (!o->width)
        return AF_ENOMEM;
    for (size_t c = 0; c < o->n_cols; c++) {
        if (af_strlist_push(&o->names, s->fields[c].name))
            return AF_ENOMEM;
        o->width[c] = text_width(s->fields[c].name);
    }
    return AF_OK;
}

static int table_rows(af_rows_out *o, const af_batch *b, int64_t rows)
{
    af_buf cell;
    af_buf_init(&cell);
    int rc = table_start(o, b->schema);
    for (int64_t r = 0; r < rows && !rc; r++)
        for (size_t c = 0; c < o->n_cols && !rc; c++) {
            af_buf_reset(&cell);
            int f = af_array_format_value(&b->columns[c], r, &cell);
            if (f < 0) {
                rc = f;
                break;
            }
            /* one line per row: control characters shown as spaces */
            for (size_t i = 0; i < cell.len; i++)
                if (cell.data[i] < 0x20)
                    cell.data[i] = ' ';
            const char *text = f == 1 ? "" : af_buf_cstr(&cell);
            if (!text || af_strlist_push(&o->cells, text)) {
                rc = AF_ENOMEM;
                break;
            }
            size_t w = text_width(text);
            if (w > o->width[c])
                o->width[c] = w;
        }
    af_buf_free(&cell);
    return rc;
}

int af_rows_out_batch(af_rows_out *o, const af_batch *b, int64_t rows, af_error *err)
{
    if (rows > b->n_rows || rows < 0)
        rows = b->n_rows;
    int rc = AF_OK;
    switch (o->format) {
    case AF_ROWS_TABLE:
        rc = table_rows(o, b, rows);
        return rc ? af_error_set(err, AF_ENOMEM, "out of memory") : AF_OK;
    case AF_ROWS_NDJSON:
        for (int64_t r = 0; r < rows && !rc; r++) {
            af_buf_append_byte(&o->buf, '{');
            for (size_t c = 0; c < b->schema->n_fields; c++) {
                const char *name = b->schema->fields[c].name;
                if (c)
                    af_buf_append_byte(&o->buf, ',');
                af_buf_append_json_string(&o->buf, name, strlen(name));
                af_buf_append_byte(&o->buf, ':');
                af_array_format_json(&b->columns[c], r, &o->buf);
            }
            af_buf_append_str(&o->buf, "}\n");
            if (o->buf.len >= (1u << 20))
                rc = flush(o, err);
        }
        return rc ? rc : flush(o, err);
    case AF_ROWS_CSV:
        if (!o->header_done) {
            o->header_done = true;
            if (af_csv_write_header(&o->buf, b->schema, &o->csv))
                return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        if (rows == b->n_rows) {
            rc = af_csv_write_batch(&o->buf, b, &o->csv, err);
        } else {
            bool *keep = calloc((size_t)b->n_rows + 1, sizeof *keep);
            if (!keep)
                return af_error_set(err, AF_ENOMEM, "out of memory");
            for (int64_t i = 0; i < rows; i++)
                keep[i] = true;
            af_batch *head = af_batch_filter(b, keep, err);
            free(keep);
            if (!head)
                return err->code ? err->code : AF_ENOMEM;
            rc = af_csv_write_batch(&o->buf, head, &o->csv, err);
            af_batch_release(head);
        }
        return rc ? rc : flush(o, err);
    }
    return AF_OK;
}

static int table_line(af_rows_out *o, const char *const *cells)
{
    for (size_t c = 0; c < o->n_cols; c++) {
        const char *t = cells[c];
        size_t pad = o->width[c] - text_width(t);
        if ((c && af_buf_append_str(&o->buf, "  ")) || af_buf_append_str(&o->buf, t))
            return AF_ENOMEM;
        if (c + 1 < o->n_cols)
            for (size_t i = 0; i < pad; i++)
                if (af_buf_append_byte(&o->buf, ' '))
                    return AF_ENOMEM;
    }
    return af_buf_append_byte(&o->buf, '\n');
}

int af_rows_out_finish(af_rows_out *o, const af_schema *schema, af_error *err)
{
    if (o->format == AF_ROWS_CSV && !o->header_done && schema) {
        o->header_done = true;
        if (af_csv_write_header(&o->buf, schema, &o->csv))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        return flush(o, err);
    }
    if (o->format != AF_ROWS_TABLE)
        return AF_OK;
    if (!o->width && schema && table_start(o, schema))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    if (!o->n_cols)
        return AF_OK;
    int rc = table_line(o, (const char *const *)o->names.items);
    for (size_t c = 0; c < o->n_cols && !rc; c++) {
        if (c && af_buf_append_str(&o->buf, "  "))
            rc = AF_ENOMEM;
        for (size_t i = 0; i < o->width[c] && !rc; i++)
            rc = af_buf_append_byte(&o->buf, '-');
    }
    if (!rc)
        rc = af_buf_append_byte(&o->buf, '\n');
    for (size_t r = 0; !rc && r + o->n_cols <= o->cells.len; r += o->n_cols) {
        rc = table_line(o, (const char *const *)o->cells.items + r);
        if (!rc && o->buf.len >= (1u << 20))
            rc = flush(o, err);
    }
    if (rc == AF_ENOMEM)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return rc ? rc : flush(o, err);
}
