/* partition.c - partition_by entries, derived date parts and the text of
 * partition values; see partition.h. */
#include "lake/partition.h"

#include "core/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const part_names[] = {"", "year", "month", "day", "hour"};

void af_partition_spec_free(af_partition_spec *s)
{
    free(s->name);
    free(s->source);
    memset(s, 0, sizeof *s);
}

static bool valid_column_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' || s[i] == '=' || s[i] == ':' || (unsigned char)s[i] < 0x20)
            return false;
    return true;
}

int af_partition_parse(const char *text, af_partition_spec *out, af_error *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(text, '=');
    const char *src = eq ? eq + 1 : text;
    const char *colon = strchr(src, ':');
    size_t src_len = colon ? (size_t)(colon - src) : strlen(src);
    if (!valid_column_name(src, src_len) || (eq && !valid_column_name(text, (size_t)(eq - text))))
        return af_error_set(err, AF_ECONFIG,
                            "partition_by '%s': expected COLUMN, COLUMN:PART or NAME=COLUMN:PART",
                            text);
    if (colon) {
        for (int p = AF_PART_YEAR; p <= AF_PART_HOUR; p++)
            if (strcmp(colon + 1, part_names[p]) == 0)
                out->part = (af_partition_part)p;
        if (out->part == AF_PART_VALUE)
            return af_error_set(err, AF_ECONFIG,
                                "partition_by '%s': unknown part '%s' (year, month, day or hour)",
                                text, colon + 1);
    } else if (eq) {
        return af_error_set(err, AF_ECONFIG,
                            "partition_by '%s': NAME= is only for derived parts (NAME=COLUMN:PART)",
                            text);
    }
    out->source = af_strndup(src, src_len);
    if (eq)
        out->name = af_strndup(text, (size_t)(eq - text));
    else if (colon) {
        af_buf b;
        af_buf_init(&b);
        if (af_buf_printf(&b, "%.*s_%s", (int)src_len, src, part_names[out->part]) == 0)
            out->name = af_strdup(af_buf_cstr(&b));
        af_buf_free(&b);
    } else
        out->name = af_strndup(src, src_len);
    if (!out->source || !out->name) {
        af_partition_spec_free(out);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

int af_partition_field(const af_partition_spec *s, const af_field *source, af_field *out,
                       af_error *err)
{
    af_type_id id = source->type.id;
    if (s->part == AF_PART_VALUE) {
        bool ok = id == AF_TYPE_STRING || id == AF_TYPE_BOOL || id == AF_TYPE_INT8 ||
                  id == AF_TYPE_INT16 || id == AF_TYPE_INT32 || id == AF_TYPE_INT64 ||
                  id == AF_TYPE_DECIMAL || id == AF_TYPE_DATE || id == AF_TYPE_TIMESTAMP;
        if (!ok) {
            af_buf t;
            af_buf_init(&t);
            af_field_format_type(source, &t);
            af_error_set(err, AF_ECONFIG,
                         "partition_by '%s': a %s column cannot name partition folders (use "
                         "string, bool, integer, decimal, date or timestamp columns)",
                         s->source, af_buf_cstr(&t) ? af_buf_cstr(&t) : "?");
            af_buf_free(&t);
            return AF_ECONFIG;
        }
        if (af_field_copy(out, source))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        free(out->name);
        out->name = af_strdup(s->name);
        return out->name ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (id != AF_TYPE_DATE && id != AF_TYPE_TIMESTAMP)
        return af_error_set(err, AF_ECONFIG,
                            "partition_by '%s:%s': column %s is %s; a %s can only be taken from a "
                            "date or timestamp (cast it first)",
                            s->source, part_names[s->part], s->source, af_type_name(id),
                            part_names[s->part]);
    if (s->part == AF_PART_HOUR && id == AF_TYPE_DATE)
        return af_error_set(err, AF_ECONFIG,
                            "partition_by '%s:hour': column %s is a date, which has no hour",
                            s->source, s->source);
    af_type t = af_type_make(s->part == AF_PART_DAY ? AF_TYPE_DATE : AF_TYPE_INT32);
    if (af_field_init(out, s->name, t, source->nullable))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return AF_OK;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t unit_per_second(af_time_unit u)
{
    static const int64_t k[] = {1, 1000, 1000000, 1000000000};
    return k[u];
}

int af_partition_derive(const af_partition_spec *s, const af_array *source, int64_t i,
                        af_array *dst)
{
    if (!af_array_is_valid(source, i))
        return af_array_append_null(dst);
    if (s->part == AF_PART_VALUE)
        return af_array_append_from(dst, source, i);
    int64_t v = af_array_get_int(source, i);
    int64_t days, secs_of_day = 0;
    if (source->field->type.id == AF_TYPE_DATE) {
        days = v;
    } else {
        int64_t secs = floor_div(v, unit_per_second(source->field->type.unit));
        days = floor_div(secs, 86400);
        secs_of_day = secs - days * 86400;
    }
    int64_t y;
    unsigned m, d;
    af_civil_from_days(days, &y, &m, &d);
    switch (s->part) {
    case AF_PART_YEAR: return af_array_append_int(dst, y);
    case AF_PART_MONTH: return af_array_append_int(dst, m);
    case AF_PART_DAY: return af_array_append_int(dst, days);
    case AF_PART_HOUR: return af_array_append_int(dst, secs_of_day / 3600);
    default: return AF_EINTERNAL;
    }
}

int af_partition_value_text(const af_array *a, int64_t i, af_buf *out)
{
    if (!af_array_is_valid(a, i))
        return 1;
    const af_type *t = &a->field->type;
    if (t->id == AF_TYPE_BOOL)
        return af_buf_append_str(out, af_array_get_bool(a, i) ? "true" : "false");
    if (t->id == AF_TYPE_TIMESTAMP) {
        /* Spark's partition value form: "YYYY-MM-DD HH:MM:SS[.ffffff]", in
         * UTC for zoned columns */
        int64_t per = unit_per_second(t->unit);
        int64_t v = af_array_get_int(a, i);
        int64_t secs = floor_div(v, per), frac = v - secs * per;
        int64_t days = floor_div(secs, 86400), sod = secs - days * 86400;
        int64_t y;
        unsigned m, d;
        af_civil_from_days(days, &y, &m, &d);
        int rc = af_buf_printf(out, "%04lld-%02u-%02u %02d:%02d:%02d", (long long)y, m, d,
                               (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
        if (!rc && frac) {
            int digits = t->unit == AF_UNIT_MILLI ? 3 : t->unit == AF_UNIT_MICRO ? 6 : 9;
            rc = af_buf_printf(out, ".%0*lld", digits, (long long)frac);
        }
        return rc;
    }
    int rc = af_array_format_value(a, i, out);
    return rc < 0 ? rc : AF_OK;
}
