/* csv_leaf.c - the csv source's inputs, one leaf (file or archive member) at
 * a time.
 *
 * For each leaf of the input set: the bytes are decoded to UTF-8 (encoding
 * declared or detected per leaf), the dialect is sniffed on the first leaf
 * when no delimiter is given, and the tokenizer reads from there. Every
 * leaf after the first must carry the same columns: a header in another
 * order is mapped by name, a header with other columns stops the run with
 * both lists, as reading it positionally would put values under the wrong
 * names.
 */
#include "core/log.h"
#include "formats/csv_sniff.h"
#include "sources/csv_source.h"
#include "sources/file_common.h"

#include <stdlib.h>
#include <string.h>

#define SNIFF_BYTES 65536

static const csv_source_config *cfg(af_source *self)
{
    return self->config;
}

void csv_leaf_close(csv_source *s)
{
    af_csv_reader_free(s->csv);
    s->csv = NULL;
    af_reader_close(s->text);
    s->text = NULL;
    free(s->col_map);
    s->col_map = NULL;
    s->leaf_open = false;
}

/* decoding and tokenizing layers on the input set's leaf (which the set owns) */
static int stack_layers(af_source *self, bool first, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    int rc = af_leaf_open_text(&s->leaf, NULL, (af_text_encoding)c->encoding, &s->text,
                               &s->encoding, err);
    if (rc)
        return rc;
    if (first && !c->delimiter) {
        /* UTF-8 input comes through the decoding layer's own peek reader,
         * whose head serves as the sample; converted text needs one */
        size_t n = 0;
        const uint8_t *head = af_reader_peeked(s->text, &n);
        if (!head) {
            af_reader *peek = NULL;
            rc = af_reader_open_peek(s->text, SNIFF_BYTES, &peek, err); /* owns text */
            s->text = peek;
            if (rc)
                return rc;
            head = af_reader_peeked(peek, &n);
        }
        s->dialect.delimiter =
            af_csv_sniff_delimiter(head, n, n == SNIFF_BYTES, &s->dialect, c->skip_rows);
        char shown[2] = {s->dialect.delimiter, 0};
        af_log(AF_LOG_DEBUG, "csv.dialect", "%s: delimiter detected as %s", s->leaf.name,
               s->dialect.delimiter == '\t' ? "tab" : shown);
    }
    return af_csv_reader_new(s->text, &s->dialect, &s->csv, err);
}

int csv_leaf_open_next(af_source *self, bool first, af_error *err)
{
    csv_source *s = self->priv;
    csv_leaf_close(s);
    int rc = af_input_set_next(s->inputs, &s->leaf, err);
    if (rc <= 0)
        return rc;
    s->n_leaves++;
    rc = stack_layers(self, first, err);
    if (rc)
        return rc;
    s->leaf_open = true;
    if (s->encoding != AF_ENC_UTF8)
        af_log(AF_LOG_INFO, "csv.encoding", "%s: decoding %s to UTF-8", s->leaf.name,
               af_text_encoding_name(s->encoding));
    return 1;
}

int csv_leaf_read(af_source *self, af_csv_record *rec, af_error *err)
{
    csv_source *s = self->priv;
    int rc = af_csv_reader_next(s->csv, rec, err);
    atomic_store(&self->ctx->bytes_read, (long long)af_input_set_bytes_read(s->inputs));
    return rc;
}

static void append_name_list(af_buf *b, const af_csv_field *f, size_t n)
{
    for (size_t i = 0; i < n && i < 20; i++)
        af_buf_printf(b, "%s%.*s", i ? "," : "", (int)(f[i].len < 60 ? f[i].len : 60), f[i].data);
    if (n > 20)
        af_buf_append_str(b, ",...");
}

/* Maps a later leaf's header onto the schema's columns. */
static int map_header(af_source *self, const af_csv_record *rec, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    if (c->column_names.len)
        return AF_OK; /* names are imposed: positions decide */
    size_t n = s->names.len;
    bool same = rec->n_fields == n;
    for (size_t i = 0; same && i < n; i++)
        same = strlen(s->names.items[i]) == rec->fields[i].len &&
               memcmp(s->names.items[i], rec->fields[i].data, rec->fields[i].len) == 0;
    if (same)
        return AF_OK;
    size_t *map = rec->n_fields == n ? calloc(n ? n : 1, sizeof *map) : NULL;
    bool ok = map != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        ok = false;
        for (size_t j = 0; j < rec->n_fields; j++)
            if (strlen(s->names.items[i]) == rec->fields[j].len &&
                memcmp(s->names.items[i], rec->fields[j].data, rec->fields[j].len) == 0) {
                map[i] = j;
                ok = true;
                break;
            }
    }
    if (ok) {
        s->col_map = map;
        af_log(AF_LOG_INFO, "csv.columns",
               "%s: columns are in another order than in the first file; mapped by name",
               s->leaf.name);
        return AF_OK;
    }
    free(map);
    af_buf b;
    af_buf_init(&b);
    append_name_list(&b, rec->fields, rec->n_fields);
    af_buf_append_str(&b, ") but the first file has (");
    for (size_t i = 0; i < n && i < 20; i++)
        af_buf_printf(&b, "%s%s", i ? "," : "", s->names.items[i]);
    int rc = af_error_set(err, AF_EPARSE,
                          "%s:%lld: the header has columns (%s); every file of %s must have the "
                          "same columns",
                          s->leaf.name, (long long)rec->line, af_buf_cstr(&b), s->path);
    af_buf_free(&b);
    return rc;
}

int csv_leaf_start(af_source *self, af_error *err)
{
    csv_source *s = self->priv;
    const csv_source_config *c = cfg(self);
    af_csv_record rec;
    for (int64_t i = 0; i < c->skip_rows; i++) {
        int rc = csv_leaf_read(self, &rec, err);
        if (rc <= 0)
            return rc;
    }
    if (!s->header)
        return AF_OK;
    int rc = csv_leaf_read(self, &rec, err);
    if (rc <= 0)
        return rc;
    if (rec.error)
        return af_error_set(err, AF_EPARSE, "%s:%lld: the header is malformed: %s", s->leaf.name,
                            (long long)rec.line, rec.error);
    return map_header(self, &rec, err);
}

const af_csv_field *csv_leaf_fields(csv_source *s, const af_csv_field *fields, size_t n,
                                    size_t *n_out)
{
    *n_out = n;
    if (!s->col_map || n != s->n_data_cols)
        return fields;
    for (size_t i = 0; i < n; i++)
        s->mapped[i] = fields[s->col_map[i]];
    return s->mapped;
}
