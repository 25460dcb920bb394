/* delta_stats.c - the `stats` of a Delta add action: numRecords, and per
 * column minValues, maxValues and nullCount, taken from the statistics the
 * Parquet writer kept for the file (no second pass over the values).
 *
 * Engines prune files with these bounds, so a bound must never be tighter
 * than the data: timestamps are written at millisecond precision with the
 * minimum rounded down and the maximum rounded up; a shortened string
 * maximum is written only when it is valid UTF-8 (it is still an upper
 * bound); binary, nested and NaN-only columns get a nullCount only.
 */
#include "lake/table_internal.h"

#include "core/values.h"
#include "formats/parquet/meta.h"
#include "io/transcode.h"

#include <math.h>
#include <string.h>

static int64_t load_le(const af_buf *b, size_t width)
{
    uint64_t v = 0;
    for (size_t i = 0; i < width && i < b->len; i++)
        v |= (uint64_t)b->data[i] << (8 * i);
    if (width == 4)
        return (int64_t)(int32_t)(uint32_t)v;
    return (int64_t)v;
}

static af_int128 load_be_decimal(const af_buf *b)
{
    af_int128 v = (b->len && (b->data[0] & 0x80)) ? -1 : 0;
    for (size_t i = 0; i < b->len; i++)
        v = (af_int128)((unsigned __int128)v << 8) | b->data[i];
    return v;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* A timestamp at millisecond precision, rounded down (lower bound) or up. */
static int append_timestamp(af_buf *out, const af_type *t, int64_t v, bool round_up)
{
    static const int64_t per_ms[] = {0, 1, 1000, 1000000};
    int64_t ms;
    if (t->unit == AF_UNIT_SECOND) {
        if (v > INT64_MAX / 1000 || v < INT64_MIN / 1000)
            return 1;
        ms = v * 1000;
    } else {
        ms = floor_div(v, per_ms[t->unit]);
        if (round_up && ms * per_ms[t->unit] != v)
            ms++;
    }
    int64_t secs = floor_div(ms, 1000), days = floor_div(secs, 86400), sod = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    af_civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        return 1; /* outside what the stats format can say: leave it out */
    return af_buf_printf(out, "\"%04lld-%02u-%02uT%02d:%02d:%02d.%03d%s\"", (long long)y, m, d,
                         (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
                         (int)(ms - secs * 1000), t->timezone ? "Z" : "");
}

/* Appends one bound as a JSON value; 1 when the column gets no bound. */
static int append_bound(af_buf *out, const af_field *f, const af_parquet_column_stats *cs,
                        const af_buf *v, bool exact, bool is_max)
{
    const af_type *t = &f->type;
    switch (t->id) {
    case AF_TYPE_BOOL: return af_buf_append_str(out, v->len && v->data[0] ? "true" : "false");
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32: return af_buf_append_int(out, load_le(v, 4));
    case AF_TYPE_INT64: return af_buf_append_int(out, load_le(v, 8));
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64: {
        double d;
        if (t->id == AF_TYPE_FLOAT32) {
            float x;
            if (v->len != 4)
                return 1;
            memcpy(&x, v->data, 4);
            d = x;
        } else {
            if (v->len != 8)
                return 1;
            memcpy(&d, v->data, 8);
        }
        if (!isfinite(d))
            return 1;
        return af_buf_printf(out, "%.17g", d);
    }
    case AF_TYPE_DECIMAL: {
        af_int128 x;
        if (cs->physical_type == AF_PQ_INT32)
            x = load_le(v, 4);
        else if (cs->physical_type == AF_PQ_INT64)
            x = load_le(v, 8);
        else
            x = load_be_decimal(v);
        return af_decimal_format(x, t->scale, out);
    }
    case AF_TYPE_DATE: {
        int64_t y;
        unsigned m, d;
        af_civil_from_days(load_le(v, 4), &y, &m, &d);
        if (y < 0 || y > 9999)
            return 1;
        return af_buf_printf(out, "\"%04lld-%02u-%02u\"", (long long)y, m, d);
    }
    case AF_TYPE_TIMESTAMP: return append_timestamp(out, t, load_le(v, 8), is_max);
    case AF_TYPE_STRING:
        if (!exact && is_max && af_utf8_valid_prefix(v->data, v->len) != v->len)
            return 1;
        if (af_utf8_valid_prefix(v->data, v->len) != v->len) {
            /* a shortened minimum cut inside a character: keep the whole
             * characters, still a lower bound */
            size_t ok = af_utf8_valid_prefix(v->data, v->len);
            return af_buf_append_json_string(out, (const char *)v->data, ok);
        }
        return af_buf_append_json_string(out, (const char *)v->data, v->len);
    default: return 1;
    }
}

int af_delta_stats_json(const af_parquet_writer *pw, const af_schema *data_schema, int64_t rows,
                        af_buf *out, af_error *err)
{
    af_buf mins, maxs, nulls, val;
    af_buf_init(&mins);
    af_buf_init(&maxs);
    af_buf_init(&nulls);
    af_buf_init(&val);
    int rc = af_buf_printf(out, "{\"numRecords\":%lld", (long long)rows);
    bool first_min = true, first_max = true, first_null = true;
    for (size_t c = 0; c < data_schema->n_fields && !rc; c++) {
        const af_field *f = &data_schema->fields[c];
        af_parquet_column_stats cs;
        rc = af_parquet_writer_column_stats(pw, c, &cs, err);
        if (rc)
            break;
        if (!cs.available) {
            af_parquet_column_stats_free(&cs);
            continue;
        }
        rc = af_buf_append_str(&nulls, first_null ? "" : ",") ||
             af_buf_append_json_string(&nulls, f->name, strlen(f->name)) ||
             af_buf_printf(&nulls, ":%lld", (long long)cs.null_count);
        first_null = false;
        if (!rc && cs.has_min) {
            af_buf_reset(&val);
            int b = append_bound(&val, f, &cs, &cs.min, cs.min_exact, false);
            if (b == 0) {
                rc = af_buf_append_str(&mins, first_min ? "" : ",") ||
                     af_buf_append_json_string(&mins, f->name, strlen(f->name)) ||
                     af_buf_append_byte(&mins, ':') || af_buf_append(&mins, val.data, val.len);
                first_min = false;
            } else if (b < 0)
                rc = b;
        }
        if (!rc && cs.has_max) {
            af_buf_reset(&val);
            int b = append_bound(&val, f, &cs, &cs.max, cs.max_exact, true);
            if (b == 0) {
                rc = af_buf_append_str(&maxs, first_max ? "" : ",") ||
                     af_buf_append_json_string(&maxs, f->name, strlen(f->name)) ||
                     af_buf_append_byte(&maxs, ':') || af_buf_append(&maxs, val.data, val.len);
                first_max = false;
            } else if (b < 0)
                rc = b;
        }
        af_parquet_column_stats_free(&cs);
    }
    if (!rc)
        rc = af_buf_append_str(out, ",\"minValues\":{") ||
             af_buf_append(out, mins.data, mins.len) ||
             af_buf_append_str(out, "},\"maxValues\":{") ||
             af_buf_append(out, maxs.data, maxs.len) ||
             af_buf_append_str(out, "},\"nullCount\":{") ||
             af_buf_append(out, nulls.data, nulls.len) || af_buf_append_str(out, "}}");
    af_buf_free(&mins);
    af_buf_free(&maxs);
    af_buf_free(&nulls);
    af_buf_free(&val);
    if (rc && rc != AF_ENOMEM && err->code)
        return rc;
    return rc ? af_error_set(err, AF_ENOMEM, "out of memory") : AF_OK;
}
