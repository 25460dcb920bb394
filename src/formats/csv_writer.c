/* csv_writer.c - RFC 4180 output for csv.h: single fields, header rows and
 * whole batches.
 *
 * Quoting keeps the text readable back by csv_reader.c (and by other tools)
 * without loss: a field is quoted when it holds the delimiter, the quote, CR
 * or LF, when it starts or ends with a space or tab (trimming readers would
 * eat them), when it is empty (so "" stays distinct from a null, which is
 * written as the bare null token) and when it equals a non-empty null token
 * (so the string "NULL" is not read back as a null).
 */
#include "formats/csv.h"

#include <string.h>
#include <time.h>

void af_csv_write_options_default(af_csv_write_options *o)
{
    o->delimiter = ',';
    o->quote = '"';
    o->quoting = AF_CSV_QUOTE_MINIMAL;
    o->null_token = "";
    o->line_end = "\n";
    o->date_format = NULL;
    o->timestamp_format = NULL;
}

static bool needs_quotes(const char *s, size_t n, const af_csv_write_options *o)
{
    if (n == 0)
        return true;
    if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
        return true;
    const char *tok = o->null_token;
    if (tok && tok[0] && strlen(tok) == n && memcmp(tok, s, n) == 0)
        return true;
    const char d = o->delimiter, q = o->quote;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == d || c == '\n' || c == '\r' || (q && c == q))
            return true;
    }
    return false;
}

int af_csv_write_field(af_buf *out, const char *s, size_t n, bool numeric,
                       const af_csv_write_options *o)
{
    af_csv_write_options def;
    if (!o) {
        af_csv_write_options_default(&def);
        o = &def;
    }
    bool quote;
    switch (o->quoting) {
    case AF_CSV_QUOTE_ALL: quote = true; break;
    case AF_CSV_QUOTE_NONNUMERIC: quote = !numeric || needs_quotes(s, n, o); break;
    default: quote = needs_quotes(s, n, o); break;
    }
    if (!quote)
        return af_buf_append(out, s, n);
    const char q = o->quote;
    if (!q) /* quoting switched off, and this field cannot be written unquoted */
        return AF_EINVAL;
    int rc = af_buf_reserve(out, n + 2);
    if (rc)
        return rc;
    out->data[out->len++] = (uint8_t)q;
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *hit = memchr(p, q, (size_t)(end - p));
        if (!hit) {
            rc = af_buf_append(out, p, (size_t)(end - p));
            break;
        }
        /* the quote itself, then a second one to escape it */
        rc = af_buf_append(out, p, (size_t)(hit + 1 - p));
        if (!rc)
            rc = af_buf_append_byte(out, (uint8_t)q);
        if (rc)
            return rc;
        p = hit + 1;
    }
    if (rc)
        return rc;
    return af_buf_append_byte(out, (uint8_t)q);
}

static int append_delim(af_buf *out, size_t col, const af_csv_write_options *o)
{
    return col ? af_buf_append_byte(out, (uint8_t)o->delimiter) : AF_OK;
}

static const char *line_end(const af_csv_write_options *o)
{
    return o->line_end ? o->line_end : "\n";
}

int af_csv_write_header(af_buf *out, const af_schema *s, const af_csv_write_options *o)
{
    af_csv_write_options def;
    if (!o) {
        af_csv_write_options_default(&def);
        o = &def;
    }
    for (size_t i = 0; i < s->n_fields; i++) {
        const char *name = s->fields[i].name ? s->fields[i].name : "";
        int rc = append_delim(out, i, o);
        if (!rc)
            rc = af_csv_write_field(out, name, strlen(name), false, o);
        if (rc)
            return rc;
    }
    return af_buf_append_str(out, line_end(o));
}

static bool type_is_numeric(af_type_id id)
{
    switch (id) {
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64:
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64:
    case AF_TYPE_DECIMAL: return true;
    default: return false;
    }
}

/* A date or timestamp value through a strftime pattern, in UTC. Returns
 * AF_OK with val replaced, or 1 when the column keeps the ISO form. */
static int format_time_value(const af_array *a, int64_t row, const af_csv_write_options *o,
                             af_buf *val)
{
    const af_type *t = &a->field->type;
    const char *pattern = t->id == AF_TYPE_DATE        ? o->date_format
                          : t->id == AF_TYPE_TIMESTAMP ? o->timestamp_format
                                                       : NULL;
    if (!pattern || !*pattern)
        return 1;
    int64_t v = af_array_get_int(a, row), secs;
    if (t->id == AF_TYPE_DATE) {
        secs = v * 86400;
    } else {
        static const int64_t per_second[] = {1, 1000, 1000000, 1000000000};
        int64_t d = per_second[t->unit];
        secs = v / d - (v % d < 0); /* floor, so times before 1970 round down */
    }
    time_t tt = (time_t)secs;
    struct tm tm;
    char buf[256];
    if (!gmtime_r(&tt, &tm))
        return 1;
    size_t n = strftime(buf, sizeof buf, pattern, &tm);
    if (n == 0)
        return 1; /* empty or too long: keep the ISO form rather than lose the value */
    af_buf_reset(val);
    return af_buf_append(val, buf, n);
}

int af_csv_write_batch(af_buf *out, const af_batch *b, const af_csv_write_options *o, af_error *err)
{
    af_csv_write_options def;
    if (!o) {
        af_csv_write_options_default(&def);
        o = &def;
    }
    const size_t ncols = b->schema->n_fields;
    const char *null_token = o->null_token ? o->null_token : "";
    const char *le = line_end(o);
    af_buf val;
    af_buf_init(&val);
    int rc = AF_OK;
    for (int64_t row = 0; row < b->n_rows && !rc; row++) {
        for (size_t c = 0; c < ncols && !rc; c++) {
            const af_array *a = &b->columns[c];
            rc = append_delim(out, c, o);
            if (rc)
                break;
            af_buf_reset(&val);
            int fr = af_array_format_value(a, row, &val);
            if (fr < 0) {
                rc = af_error_set(err, fr, "csv output: row %lld, column '%s': cannot format value",
                                  (long long)row + 1, b->schema->fields[c].name);
                break;
            }
            if (fr == 1) {
                rc = af_buf_append_str(out, null_token);
            } else {
                if ((o->date_format || o->timestamp_format) &&
                    format_time_value(a, row, o, &val) == AF_ENOMEM) {
                    rc = AF_ENOMEM;
                    break;
                }
                rc = af_csv_write_field(out, (const char *)val.data, val.len,
                                        type_is_numeric(b->schema->fields[c].type.id), o);
                if (rc == AF_EINVAL)
                    rc = af_error_set(err, AF_EINVAL,
                                      "csv output: row %lld, column '%s': value needs quoting "
                                      "but quoting is switched off (quote is empty)",
                                      (long long)row + 1, b->schema->fields[c].name);
            }
        }
        if (!rc)
            rc = af_buf_append_str(out, le);
    }
    af_buf_free(&val);
    if (rc == AF_ENOMEM)
        af_error_set(err, AF_ENOMEM, "csv output: out of memory");
    return rc;
}
