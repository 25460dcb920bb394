/* thrift.c - Thrift compact protocol reader and writer (see thrift.h).
 *
 * Wire format, from the Thrift compact protocol specification:
 *  - integers: i8 is one raw byte; i16/i32/i64 are zigzag LEB128 varints;
 *  - double: 8 bytes little endian; binary/string: varint length + bytes;
 *  - field header: one byte (id delta << 4 | type) when the id grows by
 *    1..15, else the type byte followed by the id as a zigzag varint i16;
 *    a bool field's value is its type (1 true, 2 false); 0 ends a struct;
 *  - list/set header: (size << 4 | elem type) for sizes up to 14, else
 *    (0xF0 | elem type) followed by the size as a varint;
 *  - map header: size as a varint, then (key type << 4 | value type) unless
 *    the size is 0.
 */
#include "formats/parquet/thrift.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void af_thrift_reader_init(af_thrift_reader *r, const void *p, size_t n, const char *what,
                           af_error *err)
{
    memset(r, 0, sizeof *r);
    r->base = p;
    r->len = p ? n : 0;
    r->what = what;
    r->err = err;
}

const char *af_thrift_type_name(int type)
{
    switch (type) {
    case AF_THRIFT_STOP: return "stop";
    case AF_THRIFT_BOOL:
    case AF_THRIFT_BOOL_FALSE: return "bool";
    case AF_THRIFT_I8: return "i8";
    case AF_THRIFT_I16: return "i16";
    case AF_THRIFT_I32: return "i32";
    case AF_THRIFT_I64: return "i64";
    case AF_THRIFT_DOUBLE: return "double";
    case AF_THRIFT_BINARY: return "binary";
    case AF_THRIFT_LIST: return "list";
    case AF_THRIFT_SET: return "set";
    case AF_THRIFT_MAP: return "map";
    case AF_THRIFT_STRUCT: return "struct";
    default: return "invalid type";
    }
}

int af_thrift_fail(af_thrift_reader *r, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->what)
        return af_error_set(r->err, AF_EPARSE, "%s: %s (at byte %zu of %zu)", r->what, msg, r->pos,
                            r->len);
    return af_error_set(r->err, AF_EPARSE, "%s (at byte %zu of %zu)", msg, r->pos, r->len);
}

static int truncated(af_thrift_reader *r, const char *what, size_t need)
{
    r->truncated = true;
    return af_thrift_fail(r, "input ends inside a %s (%zu more bytes needed, %zu left)", what, need,
                          af_thrift_remaining(r));
}

int af_thrift_read_varint(af_thrift_reader *r, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0;; i++) {
        if (r->pos >= r->len)
            return truncated(r, "varint", 1);
        uint8_t b = r->base[r->pos++];
        /* the 10th byte holds bit 63 only: anything more would overflow or
         * continue past the longest valid encoding */
        if (i == 9 && b > 1)
            return af_thrift_fail(r, "varint longer than 10 bytes or over 64 bits");
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80))
            break;
    }
    *v = x;
    return AF_OK;
}

static uint64_t unzigzag(uint64_t u)
{
    return (u >> 1) ^ (~(u & 1) + 1);
}

int af_thrift_read_i8(af_thrift_reader *r, int8_t *v)
{
    if (r->pos >= r->len)
        return truncated(r, "i8", 1);
    *v = (int8_t)r->base[r->pos++];
    return AF_OK;
}

int af_thrift_read_i16(af_thrift_reader *r, int16_t *v)
{
    uint64_t u = 0;
    int rc = af_thrift_read_varint(r, &u);
    if (rc)
        return rc;
    if (u > UINT16_MAX)
        return af_thrift_fail(r, "i16 value out of range");
    *v = (int16_t)unzigzag(u);
    return AF_OK;
}

int af_thrift_read_i32(af_thrift_reader *r, int32_t *v)
{
    uint64_t u = 0;
    int rc = af_thrift_read_varint(r, &u);
    if (rc)
        return rc;
    if (u > UINT32_MAX)
        return af_thrift_fail(r, "i32 value out of range");
    *v = (int32_t)unzigzag(u);
    return AF_OK;
}

int af_thrift_read_i64(af_thrift_reader *r, int64_t *v)
{
    uint64_t u = 0;
    int rc = af_thrift_read_varint(r, &u);
    if (rc)
        return rc;
    *v = (int64_t)unzigzag(u);
    return AF_OK;
}

int af_thrift_read_double(af_thrift_reader *r, double *v)
{
    if (af_thrift_remaining(r) < 8)
        return truncated(r, "double", 8);
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | r->base[r->pos + (size_t)i];
    r->pos += 8;
    memcpy(v, &u, sizeof *v);
    return AF_OK;
}

int af_thrift_read_binary(af_thrift_reader *r, const uint8_t **p, size_t *n)
{
    uint64_t u = 0;
    int rc = af_thrift_read_varint(r, &u);
    if (rc)
        return rc;
    if (u > af_thrift_remaining(r))
        return truncated(r, "binary value", (size_t)(u > SIZE_MAX ? SIZE_MAX : u));
    *p = r->base + r->pos;
    *n = (size_t)u;
    r->pos += (size_t)u;
    return AF_OK;
}

int af_thrift_read_bool_elem(af_thrift_reader *r, bool *v)
{
    if (r->pos >= r->len)
        return truncated(r, "bool", 1);
    /* Java and C++ write 1/2, the protocol document says 1/0: accept both */
    *v = r->base[r->pos++] == 1;
    return AF_OK;
}

int af_thrift_struct_begin(af_thrift_reader *r)
{
    if (r->depth >= AF_THRIFT_MAX_DEPTH)
        return af_thrift_fail(r, "structures nested deeper than %d levels", AF_THRIFT_MAX_DEPTH);
    r->depth++;
    r->last_id[r->depth] = 0;
    return AF_OK;
}

int af_thrift_struct_end(af_thrift_reader *r)
{
    if (r->depth > 0)
        r->depth--;
    return AF_OK;
}

static bool valid_type(int t)
{
    return t >= AF_THRIFT_BOOL && t <= AF_THRIFT_STRUCT;
}

int af_thrift_field_begin(af_thrift_reader *r, int16_t *id, int *type)
{
    if (r->pos >= r->len)
        return truncated(r, "struct (no stop byte)", 1);
    uint8_t b = r->base[r->pos++];
    if (b == 0) {
        *type = AF_THRIFT_STOP;
        *id = 0;
        return AF_OK;
    }
    int t = b & 0x0f, delta = b >> 4;
    if (!valid_type(t))
        return af_thrift_fail(r, "field header with invalid type id %d", t);
    int16_t fid = 0;
    if (delta) {
        int32_t x = (int32_t)r->last_id[r->depth] + delta;
        if (x > INT16_MAX)
            return af_thrift_fail(r, "field id over 32767");
        fid = (int16_t)x;
    } else {
        int rc = af_thrift_read_i16(r, &fid);
        if (rc)
            return rc;
    }
    r->last_id[r->depth] = fid;
    if (t == AF_THRIFT_BOOL || t == AF_THRIFT_BOOL_FALSE) {
        r->bool_value = t == AF_THRIFT_BOOL;
        t = AF_THRIFT_BOOL;
    }
    *id = fid;
    *type = t;
    return AF_OK;
}

/* Smallest encoding of one element, to bound counts by the bytes left. */
static size_t min_size(int t)
{
    return t == AF_THRIFT_DOUBLE ? 8 : 1;
}

static int read_size(af_thrift_reader *r, uint32_t *n)
{
    uint64_t u = 0;
    int rc = af_thrift_read_varint(r, &u);
    if (rc)
        return rc;
    if (u > INT32_MAX)
        return af_thrift_fail(r, "container size %" PRIu64 " is over the i32 range", u);
    *n = (uint32_t)u;
    return AF_OK;
}

int af_thrift_list_begin(af_thrift_reader *r, int *elem_type, uint32_t *n)
{
    if (r->pos >= r->len)
        return truncated(r, "list header", 1);
    uint8_t b = r->base[r->pos++];
    int t = b & 0x0f;
    uint32_t size = b >> 4;
    if (size == 15) {
        int rc = read_size(r, &size);
        if (rc)
            return rc;
    }
    if (size && !valid_type(t))
        return af_thrift_fail(r, "list with invalid element type id %d", t);
    if (t == AF_THRIFT_BOOL_FALSE)
        t = AF_THRIFT_BOOL;
    if (size > af_thrift_remaining(r) / min_size(t))
        return truncated(r, "list", (size_t)size * min_size(t));
    *elem_type = t;
    *n = size;
    return AF_OK;
}

int af_thrift_map_begin(af_thrift_reader *r, int *key_type, int *val_type, uint32_t *n)
{
    uint32_t size = 0;
    int rc = read_size(r, &size);
    if (rc)
        return rc;
    int kt = 0, vt = 0;
    if (size) {
        if (r->pos >= r->len)
            return truncated(r, "map header", 1);
        uint8_t b = r->base[r->pos++];
        kt = b >> 4;
        vt = b & 0x0f;
        if (!valid_type(kt) || !valid_type(vt))
            return af_thrift_fail(r, "map with invalid key or value type id (%d, %d)", kt, vt);
        if (kt == AF_THRIFT_BOOL_FALSE)
            kt = AF_THRIFT_BOOL;
        if (vt == AF_THRIFT_BOOL_FALSE)
            vt = AF_THRIFT_BOOL;
        if (size > af_thrift_remaining(r) / (min_size(kt) + min_size(vt)))
            return truncated(r, "map", (size_t)size * (min_size(kt) + min_size(vt)));
    }
    *key_type = kt;
    *val_type = vt;
    *n = size;
    return AF_OK;
}

/* `elem` says whether the value is a container element (a bool then takes
 * a byte) or a field (its value was in the header). `level` counts the
 * containers opened by this skip, which nest just like structs do. */
static int skip_value(af_thrift_reader *r, int type, bool elem, int level)
{
    if (r->depth + level >= AF_THRIFT_MAX_DEPTH)
        return af_thrift_fail(r, "values nested deeper than %d levels", AF_THRIFT_MAX_DEPTH);
    int rc = AF_OK;
    switch (type) {
    case AF_THRIFT_BOOL:
    case AF_THRIFT_BOOL_FALSE:
        if (elem) {
            bool b;
            rc = af_thrift_read_bool_elem(r, &b);
        }
        return rc;
    case AF_THRIFT_I8: {
        int8_t v;
        return af_thrift_read_i8(r, &v);
    }
    case AF_THRIFT_I16:
    case AF_THRIFT_I32:
    case AF_THRIFT_I64: {
        uint64_t v;
        return af_thrift_read_varint(r, &v);
    }
    case AF_THRIFT_DOUBLE: {
        double v;
        return af_thrift_read_double(r, &v);
    }
    case AF_THRIFT_BINARY: {
        const uint8_t *p;
        size_t n;
        return af_thrift_read_binary(r, &p, &n);
    }
    case AF_THRIFT_LIST:
    case AF_THRIFT_SET: {
        int et;
        uint32_t n;
        if ((rc = af_thrift_list_begin(r, &et, &n)))
            return rc;
        for (uint32_t i = 0; i < n && !rc; i++)
            rc = skip_value(r, et, true, level + 1);
        return rc;
    }
    case AF_THRIFT_MAP: {
        int kt, vt;
        uint32_t n;
        if ((rc = af_thrift_map_begin(r, &kt, &vt, &n)))
            return rc;
        for (uint32_t i = 0; i < n && !rc; i++) {
            rc = skip_value(r, kt, true, level + 1);
            if (!rc)
                rc = skip_value(r, vt, true, level + 1);
        }
        return rc;
    }
    case AF_THRIFT_STRUCT: {
        /* the struct's own depth is counted by struct_begin; the containers
         * around it are counted by `level`, so both enter the limit */
        if (r->depth + level + 1 >= AF_THRIFT_MAX_DEPTH)
            return af_thrift_fail(r, "values nested deeper than %d levels", AF_THRIFT_MAX_DEPTH);
        if ((rc = af_thrift_struct_begin(r)))
            return rc;
        for (;;) {
            int16_t id;
            int t;
            if ((rc = af_thrift_field_begin(r, &id, &t)))
                return rc;
            if (t == AF_THRIFT_STOP)
                break;
            if ((rc = skip_value(r, t, false, level)))
                return rc;
        }
        return af_thrift_struct_end(r);
    }
    default: return af_thrift_fail(r, "cannot skip a value of invalid type id %d", type);
    }
}

int af_thrift_skip(af_thrift_reader *r, int type)
{
    return skip_value(r, type, false, 0);
}

/* ---- writer ---- */

void af_thrift_writer_init(af_thrift_writer *w, af_buf *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

static int wstatus(af_thrift_writer *w, int rc)
{
    if (rc && !w->status)
        w->status = rc;
    return w->status;
}

static int put_byte(af_thrift_writer *w, uint8_t b)
{
    if (w->status)
        return w->status;
    return wstatus(w, af_buf_append_byte(w->out, b));
}

int af_thrift_write_varint(af_thrift_writer *w, uint64_t v)
{
    if (w->status)
        return w->status;
    uint8_t tmp[10];
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        tmp[n++] = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v);
    return wstatus(w, af_buf_append(w->out, tmp, n));
}

static uint64_t zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

int af_thrift_write_struct_begin(af_thrift_writer *w)
{
    if (w->depth >= AF_THRIFT_MAX_DEPTH)
        return wstatus(w, AF_EINTERNAL);
    w->depth++;
    w->last_id[w->depth] = 0;
    return w->status;
}

int af_thrift_write_struct_end(af_thrift_writer *w)
{
    if (w->depth <= 0)
        return wstatus(w, AF_EINTERNAL);
    w->depth--;
    return put_byte(w, AF_THRIFT_STOP);
}

int af_thrift_write_field(af_thrift_writer *w, int16_t id, int type)
{
    int32_t delta = (int32_t)id - w->last_id[w->depth];
    w->last_id[w->depth] = id;
    if (delta > 0 && delta <= 15)
        return put_byte(w, (uint8_t)(delta << 4 | type));
    put_byte(w, (uint8_t)type);
    return af_thrift_write_varint(w, zigzag(id));
}

int af_thrift_write_field_bool(af_thrift_writer *w, int16_t id, bool v)
{
    return af_thrift_write_field(w, id, v ? AF_THRIFT_BOOL : AF_THRIFT_BOOL_FALSE);
}

int af_thrift_write_i8(af_thrift_writer *w, int8_t v)
{
    return put_byte(w, (uint8_t)v);
}

int af_thrift_write_i16(af_thrift_writer *w, int16_t v)
{
    return af_thrift_write_varint(w, zigzag(v));
}

int af_thrift_write_i32(af_thrift_writer *w, int32_t v)
{
    /* zigzag of an i32 must stay within 32 bits on the wire */
    return af_thrift_write_varint(w, (uint32_t)(((uint32_t)v << 1) ^ (uint32_t)(v >> 31)));
}

int af_thrift_write_i64(af_thrift_writer *w, int64_t v)
{
    return af_thrift_write_varint(w, zigzag(v));
}

int af_thrift_write_double(af_thrift_writer *w, double v)
{
    if (w->status)
        return w->status;
    uint64_t u = 0;
    memcpy(&u, &v, sizeof u);
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(u >> (8 * i));
    return wstatus(w, af_buf_append(w->out, b, 8));
}

int af_thrift_write_binary(af_thrift_writer *w, const void *p, size_t n)
{
    af_thrift_write_varint(w, n);
    if (w->status)
        return w->status;
    return wstatus(w, af_buf_append(w->out, p, n));
}

int af_thrift_write_string(af_thrift_writer *w, const char *s)
{
    return af_thrift_write_binary(w, s ? s : "", s ? strlen(s) : 0);
}

int af_thrift_write_bool_elem(af_thrift_writer *w, bool v)
{
    return put_byte(w, v ? 1 : 2);
}

int af_thrift_write_list_begin(af_thrift_writer *w, int elem_type, size_t n)
{
    if (n > INT32_MAX)
        return wstatus(w, AF_EOVERFLOW);
    if (n < 15)
        return put_byte(w, (uint8_t)(n << 4 | (size_t)elem_type));
    put_byte(w, (uint8_t)(0xf0 | elem_type));
    return af_thrift_write_varint(w, n);
}

int af_thrift_write_map_begin(af_thrift_writer *w, int key_type, int val_type, size_t n)
{
    if (n > INT32_MAX)
        return wstatus(w, AF_EOVERFLOW);
    af_thrift_write_varint(w, n);
    if (n)
        put_byte(w, (uint8_t)(key_type << 4 | val_type));
    return w->status;
}

int af_thrift_write_field_i32(af_thrift_writer *w, int16_t id, int32_t v)
{
    af_thrift_write_field(w, id, AF_THRIFT_I32);
    return af_thrift_write_i32(w, v);
}

int af_thrift_write_field_i64(af_thrift_writer *w, int16_t id, int64_t v)
{
    af_thrift_write_field(w, id, AF_THRIFT_I64);
    return af_thrift_write_i64(w, v);
}

int af_thrift_write_field_binary(af_thrift_writer *w, int16_t id, const void *p, size_t n)
{
    af_thrift_write_field(w, id, AF_THRIFT_BINARY);
    return af_thrift_write_binary(w, p, n);
}
