/* schema_from_parquet.c - Parquet SchemaElements -> af_schema for the reader
 * (see schema_map.h).
 *
 * Real files come from many writers over a decade, so besides what affluent
 * writes this accepts the legacy ConvertedType annotations and the LIST/MAP
 * backward-compatibility rules of the LogicalTypes specification. The af
 * tree is built so that af_pq_levels_init on it gives the same maximum
 * levels as the file's elements: a 2-level list becomes a list of a
 * non-nullable element, a bare repeated field a non-nullable list of a
 * non-nullable element, which is exactly what their repetitions say.
 */
#include "formats/parquet/schema_map.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

typedef struct from_ctx {
    const af_pq_file_meta *m;
    const char *name;
    af_error *err;
    af_pq_schema_map *out;
    size_t pos; /* next element to consume */
    const char *path[AF_PQ_MAX_SCHEMA_DEPTH + 2];
    size_t depth;
    size_t top;
} from_ctx;

static const char *path_text(const from_ctx *c, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < c->depth && used < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i ? "." : "", c->path[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

static int fail(from_ctx *c, int code, const char *why)
{
    char p[512];
    return af_error_set(c->err, code, "%s: column %s: %s", c->name, path_text(c, p, sizeof p), why);
}

static int oom(from_ctx *c)
{
    return af_error_set(c->err, AF_ENOMEM, "%s: out of memory mapping the Parquet schema", c->name);
}

static bool is_group(const af_pq_schema_element *e)
{
    return e->has_num_children && !e->has_type;
}

static int32_t repetition_of(const af_pq_schema_element *e)
{
    /* only the root may omit it; treat a missing one as the strictest */
    return e->has_repetition ? e->repetition : AF_PQ_REQUIRED;
}

/* Takes the next element, pushing its name on the path. */
static int consume(from_ctx *c, const af_pq_schema_element **out)
{
    if (c->pos >= c->m->n_schema)
        return af_error_set(c->err, AF_EPARSE, "%s: the schema list ends inside a group", c->name);
    if (c->depth >= AF_PQ_MAX_SCHEMA_DEPTH)
        return fail(c, AF_EUNSUPPORTED, "schema nests deeper than 100 levels");
    *out = &c->m->schema[c->pos++];
    c->path[c->depth++] = (*out)->name ? (*out)->name : "";
    return 0;
}

/* The element's annotation as a LogicalType: the LogicalType when present
 * and known, else the one its ConvertedType stands for (legacy TIME and
 * TIMESTAMP types are UTC-adjusted, as the specification says). INTERVAL
 * has no LogicalType; it stays NONE and reads as binary. */
static int annotation(from_ctx *c, const af_pq_schema_element *e, af_pq_logical_type *lt)
{
    memset(lt, 0, sizeof *lt);
    if (e->logical.kind != AF_PQ_LT_NONE && e->logical.kind != AF_PQ_LT_OTHER) {
        *lt = e->logical;
        return 0;
    }
    if (!e->has_converted_type)
        return 0;
    static const struct {
        int8_t bits;
        bool is_signed;
    } ints[] = {{8, false}, {16, false}, {32, false}, {64, false},
                {8, true},  {16, true},  {32, true},  {64, true}};
    int32_t ct = e->converted_type;
    switch (ct) {
    case AF_PQ_CT_UTF8: lt->kind = AF_PQ_LT_STRING; break;
    case AF_PQ_CT_ENUM: lt->kind = AF_PQ_LT_ENUM; break;
    case AF_PQ_CT_JSON: lt->kind = AF_PQ_LT_JSON; break;
    case AF_PQ_CT_BSON: lt->kind = AF_PQ_LT_BSON; break;
    case AF_PQ_CT_MAP:
    case AF_PQ_CT_MAP_KEY_VALUE: lt->kind = AF_PQ_LT_MAP; break;
    case AF_PQ_CT_LIST: lt->kind = AF_PQ_LT_LIST; break;
    case AF_PQ_CT_DATE: lt->kind = AF_PQ_LT_DATE; break;
    case AF_PQ_CT_DECIMAL:
        if (!e->has_precision)
            return fail(c, AF_EUNSUPPORTED, "DECIMAL annotation without a precision");
        lt->kind = AF_PQ_LT_DECIMAL;
        lt->decimal_precision = e->precision;
        lt->decimal_scale = e->has_scale ? e->scale : 0;
        break;
    case AF_PQ_CT_TIME_MILLIS:
    case AF_PQ_CT_TIME_MICROS:
    case AF_PQ_CT_TIMESTAMP_MILLIS:
    case AF_PQ_CT_TIMESTAMP_MICROS:
        lt->kind = ct <= AF_PQ_CT_TIME_MICROS ? AF_PQ_LT_TIME : AF_PQ_LT_TIMESTAMP;
        lt->unit = (ct == AF_PQ_CT_TIME_MILLIS || ct == AF_PQ_CT_TIMESTAMP_MILLIS)
                       ? AF_PQ_UNIT_MILLIS
                       : AF_PQ_UNIT_MICROS;
        lt->utc = true;
        break;
    case AF_PQ_CT_UINT_8:
    case AF_PQ_CT_UINT_16:
    case AF_PQ_CT_UINT_32:
    case AF_PQ_CT_UINT_64:
    case AF_PQ_CT_INT_8:
    case AF_PQ_CT_INT_16:
    case AF_PQ_CT_INT_32:
    case AF_PQ_CT_INT_64:
        lt->kind = AF_PQ_LT_INTEGER;
        lt->bit_width = ints[ct - AF_PQ_CT_UINT_8].bits;
        lt->is_signed = ints[ct - AF_PQ_CT_UINT_8].is_signed;
        break;
    default: break; /* INTERVAL, or a value newer than this build: physical type */
    }
    return 0;
}

static af_time_unit time_unit(int unit)
{
    return unit == AF_PQ_UNIT_MILLIS   ? AF_UNIT_MILLI
           : unit == AF_PQ_UNIT_MICROS ? AF_UNIT_MICRO
                                       : AF_UNIT_NANO;
}

static int bad_annotation(from_ctx *c, const af_pq_schema_element *e, const char *what)
{
    char p[512], why[160];
    snprintf(why, sizeof why, "%s annotation on a %s column is not supported", what,
             af_pq_type_name(e->type));
    return af_error_set(c->err, AF_EUNSUPPORTED, "%s: column %s: %s", c->name,
                        path_text(c, p, sizeof p), why);
}

static int decimal_type(from_ctx *c, const af_pq_logical_type *lt, af_type *t)
{
    if (lt->decimal_precision < 1 || lt->decimal_precision > AF_DECIMAL_MAX_PRECISION ||
        lt->decimal_scale < 0 || lt->decimal_scale > lt->decimal_precision)
        return fail(c, AF_EUNSUPPORTED,
                    "DECIMAL precision must be 1..38 and scale 0..precision to be read");
    *t = af_type_decimal(lt->decimal_precision, lt->decimal_scale);
    return 0;
}

/* The af type and value converter of a primitive element. */
static int leaf_type(from_ctx *c, const af_pq_schema_element *e, af_type *t, af_pq_conv *conv)
{
    af_pq_logical_type lt;
    int rc = annotation(c, e, &lt);
    if (rc)
        return rc;
    if (lt.kind == AF_PQ_LT_UNKNOWN) {
        *t = af_type_make(AF_TYPE_NULL);
        *conv = AF_PQ_CONV_NULL;
        return 0;
    }
    if ((lt.kind == AF_PQ_LT_TIME || lt.kind == AF_PQ_LT_TIMESTAMP) && lt.unit == 0)
        return fail(c, AF_EUNSUPPORTED, "TIME/TIMESTAMP with a unit this build does not know");
    switch (e->type) {
    case AF_PQ_BOOLEAN:
        *t = af_type_make(AF_TYPE_BOOL);
        *conv = AF_PQ_CONV_BOOL;
        return 0;
    case AF_PQ_INT32:
        switch (lt.kind) {
        case AF_PQ_LT_NONE:
            *t = af_type_make(AF_TYPE_INT32);
            *conv = AF_PQ_CONV_INT32;
            return 0;
        case AF_PQ_LT_INTEGER:
            if (lt.is_signed && lt.bit_width == 8) {
                *t = af_type_make(AF_TYPE_INT8);
                *conv = AF_PQ_CONV_INT8;
            } else if (lt.is_signed && lt.bit_width == 16) {
                *t = af_type_make(AF_TYPE_INT16);
                *conv = AF_PQ_CONV_INT16;
            } else if (lt.is_signed && lt.bit_width == 32) {
                *t = af_type_make(AF_TYPE_INT32);
                *conv = AF_PQ_CONV_INT32;
            } else if (!lt.is_signed && lt.bit_width == 8) {
                /* unsigned values widen to the next signed type so none overflows */
                *t = af_type_make(AF_TYPE_INT16);
                *conv = AF_PQ_CONV_UINT8;
            } else if (!lt.is_signed && lt.bit_width == 16) {
                *t = af_type_make(AF_TYPE_INT32);
                *conv = AF_PQ_CONV_UINT16;
            } else if (!lt.is_signed && lt.bit_width == 32) {
                *t = af_type_make(AF_TYPE_INT64);
                *conv = AF_PQ_CONV_UINT32;
            } else {
                return bad_annotation(c, e, "INTEGER bit width");
            }
            return 0;
        case AF_PQ_LT_DECIMAL: *conv = AF_PQ_CONV_DECIMAL_INT32; return decimal_type(c, &lt, t);
        case AF_PQ_LT_DATE:
            *t = af_type_make(AF_TYPE_DATE);
            *conv = AF_PQ_CONV_INT32;
            return 0;
        case AF_PQ_LT_TIME:
            if (lt.unit != AF_PQ_UNIT_MILLIS)
                return bad_annotation(c, e, "TIME(MICROS|NANOS)");
            *t = af_type_time(AF_UNIT_MILLI);
            *conv = AF_PQ_CONV_INT32;
            return 0;
        default: return bad_annotation(c, e, "this");
        }
    case AF_PQ_INT64:
        switch (lt.kind) {
        case AF_PQ_LT_NONE:
            *t = af_type_make(AF_TYPE_INT64);
            *conv = AF_PQ_CONV_INT64;
            return 0;
        case AF_PQ_LT_INTEGER:
            if (lt.bit_width != 64)
                return bad_annotation(c, e, "INTEGER bit width");
            if (lt.is_signed) {
                *t = af_type_make(AF_TYPE_INT64);
                *conv = AF_PQ_CONV_INT64;
            } else {
                /* every uint64 fits 20 digits; no af integer holds them */
                *t = af_type_decimal(20, 0);
                *conv = AF_PQ_CONV_UINT64;
            }
            return 0;
        case AF_PQ_LT_DECIMAL: *conv = AF_PQ_CONV_DECIMAL_INT64; return decimal_type(c, &lt, t);
        case AF_PQ_LT_TIME:
            if (lt.unit == AF_PQ_UNIT_MILLIS)
                return bad_annotation(c, e, "TIME(MILLIS)");
            *t = af_type_time(time_unit(lt.unit));
            *conv = AF_PQ_CONV_INT64;
            return 0;
        case AF_PQ_LT_TIMESTAMP:
            *t = af_type_timestamp(time_unit(lt.unit), lt.utc ? "UTC" : NULL);
            *conv = AF_PQ_CONV_INT64;
            return 0;
        default: return bad_annotation(c, e, "this");
        }
    case AF_PQ_INT96:
        /* Impala/Hive/old Spark timestamps: nanoseconds of a Julian day, UTC */
        *t = af_type_timestamp(AF_UNIT_NANO, "UTC");
        *conv = AF_PQ_CONV_INT96_NANOS;
        return 0;
    case AF_PQ_FLOAT:
        *t = af_type_make(AF_TYPE_FLOAT32);
        *conv = AF_PQ_CONV_FLOAT;
        return 0;
    case AF_PQ_DOUBLE:
        *t = af_type_make(AF_TYPE_FLOAT64);
        *conv = AF_PQ_CONV_DOUBLE;
        return 0;
    case AF_PQ_BYTE_ARRAY:
        *conv = AF_PQ_CONV_BYTES;
        switch (lt.kind) {
        case AF_PQ_LT_STRING:
        case AF_PQ_LT_ENUM: *t = af_type_make(AF_TYPE_STRING); return 0;
        case AF_PQ_LT_JSON: *t = af_type_make(AF_TYPE_JSON); return 0;
        case AF_PQ_LT_NONE:
        case AF_PQ_LT_BSON: *t = af_type_make(AF_TYPE_BINARY); return 0;
        case AF_PQ_LT_DECIMAL:
            *conv = AF_PQ_CONV_DECIMAL_BYTE_ARRAY;
            return decimal_type(c, &lt, t);
        default: return bad_annotation(c, e, "this");
        }
    case AF_PQ_FIXED_LEN_BYTE_ARRAY:
        if (!e->has_type_length || e->type_length < 0)
            return fail(c, AF_EUNSUPPORTED, "FIXED_LEN_BYTE_ARRAY without a valid type_length");
        switch (lt.kind) {
        case AF_PQ_LT_DECIMAL: *conv = AF_PQ_CONV_DECIMAL_FLBA; return decimal_type(c, &lt, t);
        case AF_PQ_LT_UUID:
            if (e->type_length != 16)
                return fail(c, AF_EUNSUPPORTED, "UUID annotation needs FIXED_LEN_BYTE_ARRAY(16)");
            *t = af_type_make(AF_TYPE_UUID);
            *conv = AF_PQ_CONV_UUID;
            return 0;
        case AF_PQ_LT_FLOAT16:
            if (e->type_length != 2)
                return fail(c, AF_EUNSUPPORTED, "FLOAT16 annotation needs FIXED_LEN_BYTE_ARRAY(2)");
            *t = af_type_make(AF_TYPE_FLOAT32);
            *conv = AF_PQ_CONV_FLOAT16;
            return 0;
        case AF_PQ_LT_STRING:
        case AF_PQ_LT_ENUM:
            *t = af_type_make(AF_TYPE_STRING);
            *conv = AF_PQ_CONV_FLBA_BYTES;
            return 0;
        case AF_PQ_LT_NONE: /* also INTERVAL: 12 raw bytes */
        case AF_PQ_LT_BSON:
            *t = af_type_make(AF_TYPE_BINARY);
            *conv = AF_PQ_CONV_FLBA_BYTES;
            return 0;
        default: return bad_annotation(c, e, "this");
        }
    default: return fail(c, AF_EUNSUPPORTED, "unknown physical type");
    }
}

static int add_leaf(from_ctx *c, const af_pq_schema_element *e, const af_field *f, af_pq_conv conv,
                    int16_t def, int16_t rep)
{
    af_pq_schema_map *o = c->out;
    af_pq_leaf_info *l = &o->leaves[o->n_leaves];
    l->column = o->n_leaves;
    l->schema_index = (size_t)(e - c->m->schema);
    l->top = c->top;
    l->field = f;
    l->physical_type = e->type;
    l->type_length = e->type == AF_PQ_FIXED_LEN_BYTE_ARRAY ? e->type_length : 0;
    l->max_def = def;
    l->max_rep = rep;
    l->conv = conv;
    if (c->m->leaves && (l->column >= c->m->n_leaves || c->m->leaves[l->column] != l->schema_index))
        return af_error_set(c->err, AF_EINTERNAL,
                            "%s: column %zu is not in the footer's column order", c->name,
                            l->column);
    l->path = af_arena_array(&o->arena, c->depth, sizeof *l->path);
    if (!l->path)
        return oom(c);
    l->n_path = c->depth;
    for (size_t i = 0; i < c->depth; i++)
        if (!(l->path[i] = af_arena_strndup(&o->arena, c->path[i], strlen(c->path[i]))))
            return oom(c);
    o->n_leaves++;
    return 0;
}

static int init_nested(from_ctx *c, af_field *f, const char *name, af_type_id id, bool nullable,
                       size_t n_children)
{
    if (af_field_init(f, name, af_type_make(id), nullable))
        return oom(c);
    f->children = calloc(n_children, sizeof *f->children);
    if (!f->children)
        return oom(c);
    f->n_children = n_children;
    return 0;
}

static int node(from_ctx *c, af_field *f, const char *name, int16_t def, int16_t rep);

/* e (consumed, its levels in def/rep) with its repetition already
 * accounted for by the caller: a struct, list, map or scalar. */
static int inner(from_ctx *c, const af_pq_schema_element *e, af_field *f, const char *name,
                 bool nullable, int16_t def, int16_t rep);

static bool names_equal(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Is `r`, the repeated child of list group `list`, the element itself
 * (a 2-level list) rather than the 3-level wrapper? The LogicalTypes
 * backward-compatibility rules. */
static bool repeated_is_element(const af_pq_schema_element *list, const af_pq_schema_element *r)
{
    if (!is_group(r) || r->num_children > 1 || names_equal(r->name, "array"))
        return true;
    if (r->name && list->name) {
        size_t n = strlen(list->name);
        if (strncmp(r->name, list->name, n) == 0 && strcmp(r->name + n, "_tuple") == 0)
            return true;
    }
    return false;
}

static int list_group(from_ctx *c, const af_pq_schema_element *e, af_field *f, const char *name,
                      bool nullable, int16_t def, int16_t rep)
{
    if (e->num_children != 1)
        return fail(c, AF_EUNSUPPORTED, "a LIST group must have exactly one child");
    const af_pq_schema_element *r = NULL;
    int rc = consume(c, &r);
    if (rc)
        return rc;
    if (repetition_of(r) != AF_PQ_REPEATED)
        return fail(c, AF_EUNSUPPORTED, "the child of a LIST group must be repeated");
    if (is_group(r) && r->num_children == 0)
        return fail(c, AF_EUNSUPPORTED, "an empty repeated group cannot be read");
    if ((rc = init_nested(c, f, name, AF_TYPE_LIST, nullable, 1)))
        return rc;
    int16_t d = (int16_t)(def + 1), rp = (int16_t)(rep + 1);
    if (repeated_is_element(e, r))
        rc = inner(c, r, &f->children[0], "item", false, d, rp);
    else
        rc = node(c, &f->children[0], "item", d, rp);
    c->depth--;
    return rc;
}

static int map_group(from_ctx *c, const af_pq_schema_element *e, af_field *f, const char *name,
                     bool nullable, int16_t def, int16_t rep)
{
    if (e->num_children != 1)
        return fail(c, AF_EUNSUPPORTED, "a MAP group must have exactly one child");
    const af_pq_schema_element *kv = NULL;
    int rc = consume(c, &kv);
    if (rc)
        return rc;
    if (!is_group(kv) || repetition_of(kv) != AF_PQ_REPEATED || kv->num_children < 1 ||
        kv->num_children > 2)
        return fail(c, AF_EUNSUPPORTED,
                    "a MAP group must hold one repeated group of a key and a value");
    int16_t d = (int16_t)(def + 1), rp = (int16_t)(rep + 1);
    if (kv->num_children == 1) {
        /* keys only (map_no_value.parquet): Arrow reads it as a list of keys */
        if ((rc = init_nested(c, f, name, AF_TYPE_LIST, nullable, 1)))
            return rc;
        rc = node(c, &f->children[0], "item", d, rp);
    } else {
        if ((rc = init_nested(c, f, name, AF_TYPE_MAP, nullable, 1)))
            return rc;
        if ((rc = init_nested(c, &f->children[0], "entries", AF_TYPE_STRUCT, false, 2)))
            return rc;
        /* a key the file declares optional stays nullable: the levels must
         * match the file's, whatever the specification demands of keys */
        rc = node(c, &f->children[0].children[0], "key", d, rp);
        if (!rc)
            rc = node(c, &f->children[0].children[1], "value", d, rp);
    }
    c->depth--;
    return rc;
}

/* True when the element's ConvertedType decides: no LogicalType, or one
 * this build does not know. */
static bool converted_is(const af_pq_schema_element *e, int32_t ct)
{
    return (e->logical.kind == AF_PQ_LT_NONE || e->logical.kind == AF_PQ_LT_OTHER) &&
           e->has_converted_type && e->converted_type == ct;
}

/* MAP, or MAP_KEY_VALUE misused on the outer group by old writers; but a
 * MAP_KEY_VALUE group that does not have the map shape is a plain struct. */
static bool is_map_group(const from_ctx *c, const af_pq_schema_element *e)
{
    if (e->logical.kind == AF_PQ_LT_MAP || converted_is(e, AF_PQ_CT_MAP))
        return true;
    if (!converted_is(e, AF_PQ_CT_MAP_KEY_VALUE) || e->num_children != 1 ||
        c->pos >= c->m->n_schema)
        return false;
    const af_pq_schema_element *kv = &c->m->schema[c->pos];
    return is_group(kv) && repetition_of(kv) == AF_PQ_REPEATED;
}

static bool is_list_group(const af_pq_schema_element *e)
{
    return e->logical.kind == AF_PQ_LT_LIST || converted_is(e, AF_PQ_CT_LIST);
}

static int inner(from_ctx *c, const af_pq_schema_element *e, af_field *f, const char *name,
                 bool nullable, int16_t def, int16_t rep)
{
    if (!is_group(e)) {
        af_type t;
        af_pq_conv conv = AF_PQ_CONV_NULL;
        int rc = leaf_type(c, e, &t, &conv);
        if (rc)
            return rc;
        if (af_field_init(f, name, t, nullable))
            return oom(c);
        return add_leaf(c, e, f, conv, def, rep);
    }
    if (e->num_children <= 0)
        return fail(c, AF_EUNSUPPORTED, "an empty group cannot be read");
    /* the count comes from the file: bound it before allocating by it */
    if ((size_t)e->num_children > c->m->n_schema - c->pos)
        return fail(c, AF_EPARSE, "the group has more children than the schema has elements");
    if (is_list_group(e))
        return list_group(c, e, f, name, nullable, def, rep);
    if (is_map_group(c, e))
        return map_group(c, e, f, name, nullable, def, rep);
    int rc = init_nested(c, f, name, AF_TYPE_STRUCT, nullable, (size_t)e->num_children);
    for (size_t i = 0; !rc && i < f->n_children; i++) {
        const af_pq_schema_element *ch = c->pos < c->m->n_schema ? &c->m->schema[c->pos] : NULL;
        rc = node(c, &f->children[i], ch && ch->name ? ch->name : "", def, rep);
    }
    return rc;
}

/* Consumes the next element into f. A repeated element outside a LIST or
 * MAP wrapper is a non-nullable list of non-nullable elements. */
static int node(from_ctx *c, af_field *f, const char *name, int16_t def, int16_t rep)
{
    const af_pq_schema_element *e = NULL;
    int rc = consume(c, &e);
    if (rc)
        return rc;
    int32_t r = repetition_of(e);
    if (r != AF_PQ_REQUIRED && r != AF_PQ_OPTIONAL && r != AF_PQ_REPEATED)
        return fail(c, AF_EUNSUPPORTED, "unknown repetition type");
    int16_t d = (int16_t)(def + (r != AF_PQ_REQUIRED));
    int16_t rp = (int16_t)(rep + (r == AF_PQ_REPEATED));
    if (r == AF_PQ_REPEATED) {
        if ((rc = init_nested(c, f, name, AF_TYPE_LIST, false, 1)) == 0)
            rc = inner(c, e, &f->children[0], "item", false, d, rp);
    } else {
        rc = inner(c, e, f, name, r == AF_PQ_OPTIONAL, d, rp);
    }
    c->depth--;
    return rc;
}

void af_pq_schema_map_free(af_pq_schema_map *sm)
{
    if (!sm)
        return;
    af_schema_free(sm->schema);
    af_arena_free(&sm->arena);
    memset(sm, 0, sizeof *sm);
}

int af_pq_schema_from_parquet(const af_pq_file_meta *m, const char *name, af_pq_schema_map *out,
                              af_error *err)
{
    memset(out, 0, sizeof *out);
    af_arena_init(&out->arena, 0);
    from_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.name = name ? name : "parquet";
    c.err = err;
    c.out = out;
    if (m->n_schema < 1 || !is_group(&m->schema[0]) || m->schema[0].num_children < 0)
        return af_error_set(err, AF_EPARSE, "%s: the schema has no root group", c.name);
    size_t n_top = (size_t)m->schema[0].num_children;
    if (n_top > m->n_schema - 1)
        return af_error_set(err, AF_EPARSE, "%s: the root has more children than the schema",
                            c.name);
    out->schema = af_schema_new();
    out->leaves = af_arena_array(&out->arena, m->n_schema, sizeof *out->leaves);
    if (!out->schema || !out->leaves ||
        (n_top && !(out->schema->fields = calloc(n_top, sizeof *out->schema->fields)))) {
        af_pq_schema_map_free(out);
        return oom(&c);
    }
    out->schema->n_fields = n_top;
    c.pos = 1;
    int rc = 0;
    for (size_t i = 0; !rc && i < n_top; i++) {
        c.top = i;
        const af_pq_schema_element *e = c.pos < m->n_schema ? &m->schema[c.pos] : NULL;
        rc = node(&c, &out->schema->fields[i], e && e->name ? e->name : "", 0, 0);
    }
    if (!rc && c.pos != m->n_schema)
        rc = af_error_set(err, AF_EPARSE, "%s: %zu schema elements lie outside the root group",
                          c.name, m->n_schema - c.pos);
    if (rc)
        af_pq_schema_map_free(out);
    return rc;
}
