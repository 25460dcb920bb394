/* schema_to_parquet.c - af_schema -> Parquet SchemaElements for the writer
 * (see schema_map.h for the layout and parquet.h for the type table).
 *
 * Every annotated type gets both the LogicalType and, where one exists, the
 * legacy ConvertedType, so readers that predate LogicalType (Hive, old
 * Spark, parquet-mr 1.10) still see decimals, strings and dates.
 */
#include "formats/parquet/schema_map.h"

#include <stdio.h>
#include <string.h>

const char *af_pq_conv_name(af_pq_conv c)
{
    static const char *const names[] = {
        "null",        "bool",    "int32",         "int64",         "float",        "double",
        "int8",        "int16",   "time_s_millis", "ts_s_millis",   "uint8",        "uint16",
        "uint32",      "uint64",  "decimal_int32", "decimal_int64", "decimal_flba", "decimal_bytes",
        "int96_nanos", "float16", "bytes",         "flba_bytes",    "uuid",
    };
    return (size_t)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

int32_t af_pq_decimal_flba_length(int precision)
{
    if (precision < 1 || precision > AF_DECIMAL_MAX_PRECISION)
        return 0;
    unsigned __int128 need = 1;
    for (int i = 0; i < precision; i++)
        need *= 10;
    need -= 1;
    /* n bytes hold up to 2^(8n-1) - 1 */
    for (int32_t n = 1; n <= 16; n++) {
        unsigned __int128 max = ((unsigned __int128)1 << (8 * n - 1)) - 1;
        if (max >= need)
            return n;
    }
    return 16;
}

typedef struct to_ctx {
    af_pq_file_meta *m;
    af_error *err;
    af_pq_schema_element *el;
    size_t n_el;
    af_pq_leaf_info *leaves;
    size_t n_leaves;
    const char *path[AF_PQ_MAX_SCHEMA_DEPTH + 2]; /* names from the top-level field down */
    size_t depth;
    size_t top;
} to_ctx;

/* Elements needed for f, so the list is allocated once. */
static int count_elements(const af_field *f, size_t depth, size_t *n)
{
    if (depth > AF_PQ_MAX_SCHEMA_DEPTH)
        return AF_EUNSUPPORTED;
    (*n)++;
    switch (f->type.id) {
    case AF_TYPE_STRUCT:
        for (size_t i = 0; i < f->n_children; i++)
            if (count_elements(&f->children[i], depth + 1, n))
                return AF_EUNSUPPORTED;
        return 0;
    case AF_TYPE_LIST:
        (*n)++; /* repeated group list */
        return f->n_children == 1 ? count_elements(&f->children[0], depth + 2, n) : 0;
    case AF_TYPE_MAP:
        (*n)++; /* repeated group key_value */
        if (f->n_children == 1)
            for (size_t i = 0; i < f->children[0].n_children; i++)
                if (count_elements(&f->children[0].children[i], depth + 2, n))
                    return AF_EUNSUPPORTED;
        return 0;
    default: return 0;
    }
}

/* The dotted path of the field being mapped, for messages. */
static const char *path_text(const to_ctx *c, char *buf, size_t n)
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

static int unsupported(to_ctx *c, const char *why)
{
    char p[512];
    return af_error_set(c->err, AF_EUNSUPPORTED, "column %s: %s", path_text(c, p, sizeof p), why);
}

static af_pq_schema_element *new_element(to_ctx *c, const char *name, int32_t repetition)
{
    af_pq_schema_element *e = &c->el[c->n_el++];
    memset(e, 0, sizeof *e);
    e->name = af_arena_strndup(&c->m->arena, name, strlen(name));
    if (!e->name)
        return NULL;
    e->has_repetition = true;
    e->repetition = repetition;
    return e;
}

static void set_converted(af_pq_schema_element *e, int32_t ct)
{
    e->has_converted_type = true;
    e->converted_type = ct;
}

static void set_integer(af_pq_schema_element *e, int bits, int32_t ct)
{
    e->logical.kind = AF_PQ_LT_INTEGER;
    e->logical.bit_width = (int8_t)bits;
    e->logical.is_signed = true;
    set_converted(e, ct);
}

/* Physical type, annotations and converter of a scalar type. */
static int scalar_element(to_ctx *c, const af_type *t, af_pq_schema_element *e, af_pq_conv *conv)
{
    e->has_type = true;
    switch (t->id) {
    case AF_TYPE_NULL:
        /* UNKNOWN: always null; INT32 is what Arrow writes for it */
        e->type = AF_PQ_INT32;
        e->logical.kind = AF_PQ_LT_UNKNOWN;
        *conv = AF_PQ_CONV_NULL;
        return 0;
    case AF_TYPE_BOOL:
        e->type = AF_PQ_BOOLEAN;
        *conv = AF_PQ_CONV_BOOL;
        return 0;
    case AF_TYPE_INT8:
        e->type = AF_PQ_INT32;
        set_integer(e, 8, AF_PQ_CT_INT_8);
        *conv = AF_PQ_CONV_INT8;
        return 0;
    case AF_TYPE_INT16:
        e->type = AF_PQ_INT32;
        set_integer(e, 16, AF_PQ_CT_INT_16);
        *conv = AF_PQ_CONV_INT16;
        return 0;
    case AF_TYPE_INT32:
        e->type = AF_PQ_INT32;
        *conv = AF_PQ_CONV_INT32;
        return 0;
    case AF_TYPE_INT64:
        e->type = AF_PQ_INT64;
        *conv = AF_PQ_CONV_INT64;
        return 0;
    case AF_TYPE_FLOAT32:
        e->type = AF_PQ_FLOAT;
        *conv = AF_PQ_CONV_FLOAT;
        return 0;
    case AF_TYPE_FLOAT64:
        e->type = AF_PQ_DOUBLE;
        *conv = AF_PQ_CONV_DOUBLE;
        return 0;
    case AF_TYPE_DECIMAL:
        if (t->precision < 1 || t->precision > AF_DECIMAL_MAX_PRECISION || t->scale > t->precision)
            return unsupported(c, "decimal precision must be 1..38 and scale 0..precision");
        if (t->precision <= 9) {
            e->type = AF_PQ_INT32;
            *conv = AF_PQ_CONV_DECIMAL_INT32;
        } else if (t->precision <= 18) {
            e->type = AF_PQ_INT64;
            *conv = AF_PQ_CONV_DECIMAL_INT64;
        } else {
            e->type = AF_PQ_FIXED_LEN_BYTE_ARRAY;
            e->has_type_length = true;
            e->type_length = af_pq_decimal_flba_length(t->precision);
            *conv = AF_PQ_CONV_DECIMAL_FLBA;
        }
        e->logical.kind = AF_PQ_LT_DECIMAL;
        e->logical.decimal_precision = t->precision;
        e->logical.decimal_scale = t->scale;
        set_converted(e, AF_PQ_CT_DECIMAL);
        e->has_precision = e->has_scale = true;
        e->precision = t->precision;
        e->scale = t->scale;
        return 0;
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
        e->type = AF_PQ_BYTE_ARRAY;
        e->logical.kind = t->id == AF_TYPE_STRING ? AF_PQ_LT_STRING : AF_PQ_LT_JSON;
        set_converted(e, t->id == AF_TYPE_STRING ? AF_PQ_CT_UTF8 : AF_PQ_CT_JSON);
        *conv = AF_PQ_CONV_BYTES;
        return 0;
    case AF_TYPE_BINARY:
        e->type = AF_PQ_BYTE_ARRAY;
        *conv = AF_PQ_CONV_BYTES;
        return 0;
    case AF_TYPE_DATE:
        e->type = AF_PQ_INT32;
        e->logical.kind = AF_PQ_LT_DATE;
        set_converted(e, AF_PQ_CT_DATE);
        *conv = AF_PQ_CONV_INT32;
        return 0;
    case AF_TYPE_TIME:
        /* af times are a time of day without zone; TIME_MILLIS/MICROS mean
         * isAdjustedToUTC = true, which old readers assume anyway, and
         * Arrow writes the same */
        e->logical.kind = AF_PQ_LT_TIME;
        e->logical.utc = true;
        if (t->unit == AF_UNIT_SECOND || t->unit == AF_UNIT_MILLI) {
            e->type = AF_PQ_INT32;
            e->logical.unit = AF_PQ_UNIT_MILLIS;
            set_converted(e, AF_PQ_CT_TIME_MILLIS);
            *conv = t->unit == AF_UNIT_SECOND ? AF_PQ_CONV_TIME_S_MILLIS : AF_PQ_CONV_INT32;
        } else {
            e->type = AF_PQ_INT64;
            e->logical.unit = t->unit == AF_UNIT_MICRO ? AF_PQ_UNIT_MICROS : AF_PQ_UNIT_NANOS;
            if (t->unit == AF_UNIT_MICRO)
                set_converted(e, AF_PQ_CT_TIME_MICROS);
            *conv = AF_PQ_CONV_INT64;
        }
        return 0;
    case AF_TYPE_TIMESTAMP:
        e->type = AF_PQ_INT64;
        e->logical.kind = AF_PQ_LT_TIMESTAMP;
        e->logical.utc = t->timezone != NULL;
        switch (t->unit) {
        case AF_UNIT_SECOND:
        case AF_UNIT_MILLI: e->logical.unit = AF_PQ_UNIT_MILLIS; break;
        case AF_UNIT_MICRO: e->logical.unit = AF_PQ_UNIT_MICROS; break;
        default: e->logical.unit = AF_PQ_UNIT_NANOS; break;
        }
        /* The ConvertedTypes mean UTC-adjusted instants: a naive wall-clock
         * timestamp must not carry one, or old readers shift it. */
        if (e->logical.utc && e->logical.unit == AF_PQ_UNIT_MILLIS)
            set_converted(e, AF_PQ_CT_TIMESTAMP_MILLIS);
        if (e->logical.utc && e->logical.unit == AF_PQ_UNIT_MICROS)
            set_converted(e, AF_PQ_CT_TIMESTAMP_MICROS);
        *conv = t->unit == AF_UNIT_SECOND ? AF_PQ_CONV_TIMESTAMP_S_MILLIS : AF_PQ_CONV_INT64;
        return 0;
    case AF_TYPE_UUID:
        e->type = AF_PQ_FIXED_LEN_BYTE_ARRAY;
        e->has_type_length = true;
        e->type_length = 16;
        e->logical.kind = AF_PQ_LT_UUID;
        *conv = AF_PQ_CONV_UUID;
        return 0;
    default: return unsupported(c, "type has no Parquet mapping");
    }
}

static int map_field(to_ctx *c, const af_field *f, const char *name, int32_t repetition);

static int push_path(to_ctx *c, const char *name)
{
    if (c->depth >= AF_PQ_MAX_SCHEMA_DEPTH)
        return unsupported(c, "schema nests deeper than 100 levels");
    c->path[c->depth++] = name;
    return 0;
}

static int add_leaf(to_ctx *c, const af_field *f, af_pq_schema_element *e, af_pq_conv conv)
{
    af_pq_leaf_info *l = &c->leaves[c->n_leaves];
    memset(l, 0, sizeof *l);
    l->column = c->n_leaves;
    l->schema_index = (size_t)(e - c->el);
    l->top = c->top;
    l->field = f;
    l->physical_type = e->type;
    l->type_length = e->has_type_length ? e->type_length : 0;
    l->conv = conv;
    l->path = af_arena_array(&c->m->arena, c->depth, sizeof *l->path);
    if (!l->path)
        return af_error_set(c->err, AF_ENOMEM, "out of memory mapping the Parquet schema");
    l->n_path = c->depth;
    for (size_t i = 0; i < c->depth; i++) {
        l->path[i] = af_arena_strndup(&c->m->arena, c->path[i], strlen(c->path[i]));
        if (!l->path[i])
            return af_error_set(c->err, AF_ENOMEM, "out of memory mapping the Parquet schema");
    }
    c->n_leaves++;
    return 0;
}

static int map_children(to_ctx *c, const af_field *f)
{
    for (size_t i = 0; i < f->n_children; i++) {
        const af_field *ch = &f->children[i];
        int rc = map_field(c, ch, ch->name, ch->nullable ? AF_PQ_OPTIONAL : AF_PQ_REQUIRED);
        if (rc)
            return rc;
    }
    return 0;
}

static int map_field(to_ctx *c, const af_field *f, const char *name, int32_t repetition)
{
    int rc = push_path(c, name ? name : "");
    if (rc)
        return rc;
    af_pq_schema_element *e = new_element(c, name ? name : "", repetition);
    if (!e)
        return af_error_set(c->err, AF_ENOMEM, "out of memory mapping the Parquet schema");
    switch (f->type.id) {
    case AF_TYPE_STRUCT:
        if (f->n_children == 0)
            return unsupported(c, "a struct with no fields cannot be stored in Parquet");
        e->has_num_children = true;
        e->num_children = (int32_t)f->n_children;
        rc = map_children(c, f);
        break;
    case AF_TYPE_LIST: {
        if (f->n_children != 1)
            return unsupported(c, "a list needs exactly one element field");
        e->has_num_children = true;
        e->num_children = 1;
        e->logical.kind = AF_PQ_LT_LIST;
        set_converted(e, AF_PQ_CT_LIST);
        if ((rc = push_path(c, "list")))
            return rc;
        af_pq_schema_element *g = new_element(c, "list", AF_PQ_REPEATED);
        if (!g)
            return af_error_set(c->err, AF_ENOMEM, "out of memory mapping the Parquet schema");
        g->has_num_children = true;
        g->num_children = 1;
        const af_field *item = &f->children[0];
        rc = map_field(c, item, "element", item->nullable ? AF_PQ_OPTIONAL : AF_PQ_REQUIRED);
        c->depth--;
        break;
    }
    case AF_TYPE_MAP: {
        const af_field *en = f->n_children == 1 ? &f->children[0] : NULL;
        if (!en || en->type.id != AF_TYPE_STRUCT || en->n_children != 2 || en->nullable)
            return unsupported(c, "a map needs one non-nullable entries struct {key, value}");
        if (en->children[0].nullable)
            return unsupported(c, "Parquet map keys cannot be null; declare the key not nullable");
        e->has_num_children = true;
        e->num_children = 1;
        e->logical.kind = AF_PQ_LT_MAP;
        set_converted(e, AF_PQ_CT_MAP);
        if ((rc = push_path(c, "key_value")))
            return rc;
        af_pq_schema_element *g = new_element(c, "key_value", AF_PQ_REPEATED);
        if (!g)
            return af_error_set(c->err, AF_ENOMEM, "out of memory mapping the Parquet schema");
        g->has_num_children = true;
        g->num_children = 2;
        const af_field *v = &en->children[1];
        rc = map_field(c, &en->children[0], "key", AF_PQ_REQUIRED);
        if (!rc)
            rc = map_field(c, v, "value", v->nullable ? AF_PQ_OPTIONAL : AF_PQ_REQUIRED);
        c->depth--;
        break;
    }
    default: {
        af_pq_conv conv = AF_PQ_CONV_NULL;
        rc = scalar_element(c, &f->type, e, &conv);
        if (!rc)
            rc = add_leaf(c, f, e, conv);
        break;
    }
    }
    c->depth--;
    return rc;
}

/* Maximum levels of each leaf, walking the element list as a reader would,
 * so what the writer announces is what the file says. */
static void compute_levels(to_ctx *c)
{
    int16_t def[AF_PQ_MAX_SCHEMA_DEPTH + 2], rep[AF_PQ_MAX_SCHEMA_DEPTH + 2];
    int32_t left[AF_PQ_MAX_SCHEMA_DEPTH + 2];
    size_t sp = 0, leaf = 0;
    def[0] = rep[0] = 0;
    left[0] = c->el[0].num_children;
    for (size_t i = 1; i < c->n_el; i++) {
        while (sp > 0 && left[sp] == 0)
            sp--;
        left[sp]--;
        const af_pq_schema_element *e = &c->el[i];
        int16_t d = (int16_t)(def[sp] + (e->repetition != AF_PQ_REQUIRED));
        int16_t r = (int16_t)(rep[sp] + (e->repetition == AF_PQ_REPEATED));
        if (e->has_num_children) {
            sp++;
            def[sp] = d;
            rep[sp] = r;
            left[sp] = e->num_children;
        } else if (leaf < c->n_leaves) {
            c->leaves[leaf].max_def = d;
            c->leaves[leaf].max_rep = r;
            leaf++;
        }
    }
}

int af_pq_schema_to_parquet(const af_schema *s, af_pq_file_meta *m, af_pq_leaf_info **leaves,
                            size_t *n_leaves, af_error *err)
{
    *leaves = NULL;
    *n_leaves = 0;
    if (s->n_fields == 0)
        return af_error_set(err, AF_EINVAL, "a Parquet file needs at least one column");
    size_t n = 1;
    for (size_t i = 0; i < s->n_fields; i++)
        if (count_elements(&s->fields[i], 1, &n))
            return af_error_set(err, AF_EUNSUPPORTED,
                                "column %s: schema nests deeper than 100 levels",
                                s->fields[i].name);
    to_ctx c;
    memset(&c, 0, sizeof c);
    c.m = m;
    c.err = err;
    c.el = af_arena_array(&m->arena, n, sizeof *c.el);
    /* every element could be a leaf at most */
    c.leaves = af_arena_array(&m->arena, n, sizeof *c.leaves);
    if (!c.el || !c.leaves)
        return af_error_set(err, AF_ENOMEM, "out of memory mapping the Parquet schema");
    af_pq_schema_element *root = &c.el[c.n_el++];
    root->name = af_arena_strndup(&m->arena, "schema", 6);
    if (!root->name)
        return af_error_set(err, AF_ENOMEM, "out of memory mapping the Parquet schema");
    root->has_num_children = true;
    root->num_children = (int32_t)s->n_fields;
    for (size_t i = 0; i < s->n_fields; i++) {
        const af_field *f = &s->fields[i];
        c.top = i;
        int rc = map_field(&c, f, f->name, f->nullable ? AF_PQ_OPTIONAL : AF_PQ_REQUIRED);
        if (rc)
            return rc;
    }
    if (c.n_el != n)
        return af_error_set(err, AF_EINTERNAL, "Parquet schema mapping: %zu elements, expected %zu",
                            c.n_el, n);
    compute_levels(&c);
    m->schema = c.el;
    m->n_schema = c.n_el;
    *leaves = c.leaves;
    *n_leaves = c.n_leaves;
    return 0;
}

size_t af_pq_leaf_plain_width(const af_pq_leaf_info *leaf)
{
    switch (leaf->physical_type) {
    case AF_PQ_INT32:
    case AF_PQ_FLOAT: return 4;
    case AF_PQ_INT64:
    case AF_PQ_DOUBLE: return 8;
    case AF_PQ_INT96: return 12;
    case AF_PQ_FIXED_LEN_BYTE_ARRAY: return leaf->type_length > 0 ? (size_t)leaf->type_length : 0;
    default: return 0;
    }
}
