/* batch_format.c - values of a batch as text: the plain form used by CSV and
 * messages (af_array_format_value) and JSON for nested values
 * (af_array_format_json).
 */
#include "core/batch.h"

#include "core/batch_internal.h"
#include "core/values.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Formatting helpers ----
 * Calendar and decimal arithmetic come from values.c, shared with parsing. */

/* Floor division that cannot overflow (no multiplication back). */
static void floor_divmod(int64_t v, int64_t d, int64_t *q, int64_t *r)
{
    *q = v / d;
    *r = v % d;
    if (*r < 0) {
        *r += d;
        *q -= 1;
    }
}

static int format_date(int64_t days, af_buf *out)
{
    int64_t y;
    unsigned m, d;
    af_civil_from_days(days, &y, &m, &d);
    /* ISO 8601 expanded years: a sign outside 0000..9999 (year 0 = 1 BC) */
    if (y >= 0 && y <= 9999) {
        /* the common case, on the hot path of every CSV export: no printf */
        char t[10] = {(char)('0' + y / 1000),
                      (char)('0' + y / 100 % 10),
                      (char)('0' + y / 10 % 10),
                      (char)('0' + y % 10),
                      '-',
                      (char)('0' + m / 10),
                      (char)('0' + m % 10),
                      '-',
                      (char)('0' + d / 10),
                      (char)('0' + d % 10)};
        return af_buf_append(out, t, sizeof t);
    }
    if (y > 9999)
        return af_buf_printf(out, "+%lld-%02u-%02u", (long long)y, m, d);
    return af_buf_printf(out, "-%04llu-%02u-%02u", 0ull - (unsigned long long)y, m, d);
}

static int64_t unit_per_second(af_time_unit u)
{
    switch (u) {
    case AF_UNIT_SECOND: return 1;
    case AF_UNIT_MILLI: return 1000;
    case AF_UNIT_MICRO: return 1000000;
    case AF_UNIT_NANO: return 1000000000;
    }
    return 1;
}

static int unit_digits(af_time_unit u)
{
    switch (u) {
    case AF_UNIT_SECOND: return 0;
    case AF_UNIT_MILLI: return 3;
    case AF_UNIT_MICRO: return 6;
    case AF_UNIT_NANO: return 9;
    }
    return 0;
}

/* HH:MM:SS[.frac] for a non-negative second count and fraction. Hours may
 * exceed 23 for out-of-range time values; they are printed, not wrapped. */
static int format_hms(uint64_t secs, uint64_t frac, af_time_unit u, af_buf *out)
{
    int rc = af_buf_printf(out, "%02llu:%02llu:%02llu", (unsigned long long)(secs / 3600),
                           (unsigned long long)(secs / 60 % 60), (unsigned long long)(secs % 60));
    int digits = unit_digits(u);
    if (!rc && digits)
        rc = af_buf_printf(out, ".%0*llu", digits, (unsigned long long)frac);
    return rc;
}

static int format_time(int64_t v, af_time_unit u, af_buf *out)
{
    int rc = AF_OK;
    uint64_t mag = (uint64_t)v;
    if (v < 0) {
        /* not a time of day; shown as a negative duration rather than hidden */
        rc = af_buf_append_byte(out, '-');
        mag = 0 - (uint64_t)v;
    }
    uint64_t per = (uint64_t)unit_per_second(u);
    return rc ? rc : format_hms(mag / per, mag % per, u, out);
}

/* Timestamps print the stored instant. Zoned columns store UTC, so every
 * zoned value (whatever its zone: "UTC", "+02:00", "Europe/Paris") prints as
 * UTC with 'Z' - unambiguous and independent of the zone database; naive
 * columns print wall-clock time without a suffix. */
static int format_timestamp(int64_t v, const af_type *t, af_buf *out)
{
    int64_t secs, frac, days, sod;
    floor_divmod(v, unit_per_second(t->unit), &secs, &frac);
    floor_divmod(secs, 86400, &days, &sod);
    int rc = format_date(days, out);
    if (!rc)
        rc = af_buf_append_byte(out, 'T');
    if (!rc)
        rc = format_hms((uint64_t)sod, (uint64_t)frac, t->unit, out);
    if (!rc && t->timezone)
        rc = af_buf_append_byte(out, 'Z');
    return rc;
}

static int format_double(double v, bool single, af_buf *out)
{
    if (isnan(v))
        return af_buf_append_str(out, "NaN");
    if (isinf(v))
        return af_buf_append_str(out, v < 0 ? "-inf" : "inf");
    char tmp[40];
    /* shortest precision that reads back to the same value */
    int lo = single ? 6 : 15, hi = single ? 9 : 17;
    for (int p = lo; p <= hi; p++) {
        snprintf(tmp, sizeof tmp, "%.*g", p, v);
        if (p == hi)
            break;
        if (single ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v)
            break;
    }
    return af_buf_append_str(out, tmp);
}

static const char HEX[] = "0123456789abcdef";

static int format_hex(const uint8_t *p, size_t n, af_buf *out)
{
    int rc = af_buf_reserve(out, n * 2);
    for (size_t i = 0; !rc && i < n; i++) {
        out->data[out->len++] = (uint8_t)HEX[p[i] >> 4];
        out->data[out->len++] = (uint8_t)HEX[p[i] & 15];
    }
    return rc;
}

static int format_uuid(const uint8_t *p, af_buf *out)
{
    int rc = AF_OK;
    for (int i = 0; !rc && i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            rc = af_buf_append_byte(out, '-');
        if (!rc)
            rc = format_hex(p + i, 1, out);
    }
    return rc;
}

static int format_scalar(const af_array *a, int64_t i, af_buf *out)
{
    const af_type *t = &a->field->type;
    size_t n;
    const uint8_t *p;
    switch (t->id) {
    case AF_TYPE_BOOL: return af_buf_append_str(out, af_array_get_bool(a, i) ? "true" : "false");
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64: return af_buf_append_int(out, af_array_get_int(a, i));
    case AF_TYPE_FLOAT32: return format_double(af_array_get_double(a, i), true, out);
    case AF_TYPE_FLOAT64: return format_double(af_array_get_double(a, i), false, out);
    case AF_TYPE_DECIMAL: return af_decimal_format(af_array_get_decimal(a, i), t->scale, out);
    case AF_TYPE_DATE: return format_date(af_array_get_int(a, i), out);
    case AF_TYPE_TIME: return format_time(af_array_get_int(a, i), t->unit, out);
    case AF_TYPE_TIMESTAMP: return format_timestamp(af_array_get_int(a, i), t, out);
    case AF_TYPE_UUID:
        p = af_array_get_bytes(a, i, &n);
        return p ? format_uuid(p, out) : AF_EINTERNAL;
    case AF_TYPE_BINARY:
        p = af_array_get_bytes(a, i, &n);
        return p ? format_hex(p, n, out) : AF_EINTERNAL;
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
        p = af_array_get_bytes(a, i, &n);
        return p ? af_buf_append(out, p, n) : AF_EINTERNAL;
    default: return AF_EINTERNAL;
    }
}

int af_array_format_value(const af_array *a, int64_t i, af_buf *out)
{
    if (i < 0 || i >= a->length)
        return AF_EINVAL;
    if (!af_array_is_valid(a, i))
        return 1;
    if (af_type_is_nested(a->field->type.id))
        return af_array_format_json(a, i, out);
    return format_scalar(a, i, out);
}

static int json_string_of_scalar(const af_array *a, int64_t i, af_buf *out)
{
    af_buf tmp;
    af_buf_init(&tmp);
    int rc = format_scalar(a, i, &tmp);
    if (!rc)
        rc = af_buf_append_json_string(out, (const char *)tmp.data, tmp.len);
    af_buf_free(&tmp);
    return rc;
}

int af_array_format_json(const af_array *a, int64_t i, af_buf *out)
{
    if (i < 0 || i >= a->length)
        return AF_EINVAL;
    if (!af_array_is_valid(a, i))
        return af_buf_append_str(out, "null");
    const af_type *t = &a->field->type;
    size_t n;
    const uint8_t *p;
    int rc = AF_OK;
    switch (t->id) {
    case AF_TYPE_BOOL:
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64:
    case AF_TYPE_DECIMAL: return format_scalar(a, i, out);
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64: {
        /* JSON has no NaN or infinity: strings keep the value (null would lose it) */
        double v = af_array_get_double(a, i);
        if (isnan(v))
            return af_buf_append_str(out, "\"NaN\"");
        if (isinf(v))
            return af_buf_append_str(out, v < 0 ? "\"-Infinity\"" : "\"Infinity\"");
        return format_scalar(a, i, out);
    }
    case AF_TYPE_DATE:
    case AF_TYPE_TIME:
    case AF_TYPE_TIMESTAMP:
    case AF_TYPE_UUID:
    case AF_TYPE_STRING: return json_string_of_scalar(a, i, out);
    case AF_TYPE_BINARY:
        p = af_array_get_bytes(a, i, &n);
        if (!p)
            return AF_EINTERNAL;
        rc = af_buf_append_byte(out, '"');
        if (!rc)
            rc = af_buf_append_base64(out, p, n);
        return rc ? rc : af_buf_append_byte(out, '"');
    case AF_TYPE_JSON:
        p = af_array_get_bytes(a, i, &n);
        if (!p)
            return AF_EINTERNAL;
        return n ? af_buf_append(out, p, n) : af_buf_append_str(out, "null");
    case AF_TYPE_STRUCT:
        rc = af_buf_append_byte(out, '{');
        for (size_t c = 0; !rc && c < a->n_children; c++) {
            const char *name = a->children[c].field->name ? a->children[c].field->name : "";
            if (c)
                rc = af_buf_append_byte(out, ',');
            if (!rc)
                rc = af_buf_append_json_string(out, name, strlen(name));
            if (!rc)
                rc = af_buf_append_byte(out, ':');
            if (!rc)
                rc = af_array_format_json(&a->children[c], i, out);
        }
        return rc ? rc : af_buf_append_byte(out, '}');
    case AF_TYPE_LIST: {
        int32_t s = af_array_offset_at(a, i), e = af_array_offset_at(a, i + 1);
        rc = af_buf_append_byte(out, '[');
        for (int32_t k = s; !rc && a->n_children && k < e; k++) {
            if (k > s)
                rc = af_buf_append_byte(out, ',');
            if (!rc)
                rc = af_array_format_json(&a->children[0], k, out);
        }
        return rc ? rc : af_buf_append_byte(out, ']');
    }
    case AF_TYPE_MAP: {
        /* a JSON object keyed by the key's text form (JSON keys are strings) */
        int32_t s = af_array_offset_at(a, i), e = af_array_offset_at(a, i + 1);
        const af_array *entries = a->n_children ? &a->children[0] : NULL;
        rc = af_buf_append_byte(out, '{');
        for (int32_t k = s; !rc && entries && entries->n_children >= 2 && k < e; k++) {
            if (k > s)
                rc = af_buf_append_byte(out, ',');
            af_buf key;
            af_buf_init(&key);
            if (!rc && af_array_format_value(&entries->children[0], k, &key) < 0)
                rc = AF_EINTERNAL;
            if (!rc)
                rc = af_buf_append_json_string(out, (const char *)key.data, key.len);
            af_buf_free(&key);
            if (!rc)
                rc = af_buf_append_byte(out, ':');
            if (!rc)
                rc = af_array_format_json(&entries->children[1], k, out);
        }
        return rc ? rc : af_buf_append_byte(out, '}');
    }
    default: return af_buf_append_str(out, "null");
    }
}
