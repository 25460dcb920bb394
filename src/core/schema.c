/* schema.c - logical types, fields and schemas: construction, deep copies,
 * the text forms used in pipeline files and messages ("decimal(19,4)",
 * "timestamp[us, UTC]") and the JSON form written to catalogs.
 */
#include "core/schema.h"

#include <ctype.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[AF_TYPE__COUNT] = {
    [AF_TYPE_NULL] = "null",       [AF_TYPE_BOOL] = "bool",           [AF_TYPE_INT8] = "int8",
    [AF_TYPE_INT16] = "int16",     [AF_TYPE_INT32] = "int32",         [AF_TYPE_INT64] = "int64",
    [AF_TYPE_FLOAT32] = "float32", [AF_TYPE_FLOAT64] = "float64",     [AF_TYPE_DECIMAL] = "decimal",
    [AF_TYPE_STRING] = "string",   [AF_TYPE_BINARY] = "binary",       [AF_TYPE_DATE] = "date",
    [AF_TYPE_TIME] = "time",       [AF_TYPE_TIMESTAMP] = "timestamp", [AF_TYPE_UUID] = "uuid",
    [AF_TYPE_JSON] = "json",       [AF_TYPE_STRUCT] = "struct",       [AF_TYPE_LIST] = "list",
    [AF_TYPE_MAP] = "map",
};

const char *af_type_name(af_type_id id)
{
    if ((unsigned)id >= AF_TYPE__COUNT)
        return "unknown";
    return type_names[id];
}

const char *af_time_unit_name(af_time_unit u)
{
    switch (u) {
    case AF_UNIT_SECOND: return "s";
    case AF_UNIT_MILLI: return "ms";
    case AF_UNIT_MICRO: return "us";
    case AF_UNIT_NANO: return "ns";
    }
    return "?";
}

bool af_type_is_nested(af_type_id id)
{
    return id == AF_TYPE_STRUCT || id == AF_TYPE_LIST || id == AF_TYPE_MAP;
}

af_type af_type_make(af_type_id id)
{
    af_type t;
    memset(&t, 0, sizeof t);
    t.id = id;
    /* Defaults chosen so a made type is always valid: the widest decimal and
     * the microsecond unit most databases use. */
    if (id == AF_TYPE_DECIMAL)
        t.precision = AF_DECIMAL_MAX_PRECISION;
    if (id == AF_TYPE_TIME || id == AF_TYPE_TIMESTAMP)
        t.unit = AF_UNIT_MICRO;
    return t;
}

af_type af_type_decimal(int precision, int scale)
{
    af_type t = af_type_make(AF_TYPE_DECIMAL);
    t.precision = (uint8_t)precision;
    t.scale = (uint8_t)scale;
    return t;
}

af_type af_type_timestamp(af_time_unit unit, const char *timezone)
{
    af_type t = af_type_make(AF_TYPE_TIMESTAMP);
    t.unit = unit;
    t.timezone = timezone;
    return t;
}

af_type af_type_time(af_time_unit unit)
{
    af_type t = af_type_make(AF_TYPE_TIME);
    t.unit = unit;
    return t;
}

bool af_type_equal(const af_type *a, const af_type *b)
{
    if (a->id != b->id)
        return false;
    switch (a->id) {
    case AF_TYPE_DECIMAL: return a->precision == b->precision && a->scale == b->scale;
    case AF_TYPE_TIME: return a->unit == b->unit;
    case AF_TYPE_TIMESTAMP:
        if (a->unit != b->unit)
            return false;
        if (!a->timezone || !b->timezone)
            return a->timezone == b->timezone;
        return strcmp(a->timezone, b->timezone) == 0;
    default: return true;
    }
}

int af_type_format(const af_type *t, af_buf *out)
{
    switch (t->id) {
    case AF_TYPE_DECIMAL: return af_buf_printf(out, "decimal(%u,%u)", t->precision, t->scale);
    case AF_TYPE_TIME: return af_buf_printf(out, "time[%s]", af_time_unit_name(t->unit));
    case AF_TYPE_TIMESTAMP:
        if (t->timezone)
            return af_buf_printf(out, "timestamp[%s, %s]", af_time_unit_name(t->unit), t->timezone);
        return af_buf_printf(out, "timestamp[%s]", af_time_unit_name(t->unit));
    default: return af_buf_append_str(out, af_type_name(t->id));
    }
}

int af_field_format_type(const af_field *f, af_buf *out)
{
    int rc;
    switch (f->type.id) {
    case AF_TYPE_STRUCT:
        rc = af_buf_append_str(out, "struct<");
        for (size_t i = 0; !rc && i < f->n_children; i++) {
            if (i)
                rc = af_buf_append_str(out, ", ");
            if (!rc)
                rc = af_buf_printf(out, "%s: ", f->children[i].name ? f->children[i].name : "");
            if (!rc)
                rc = af_field_format_type(&f->children[i], out);
        }
        return rc ? rc : af_buf_append_byte(out, '>');
    case AF_TYPE_LIST:
        rc = af_buf_append_str(out, "list<");
        if (!rc && f->n_children > 0)
            rc = af_field_format_type(&f->children[0], out);
        return rc ? rc : af_buf_append_byte(out, '>');
    case AF_TYPE_MAP: {
        /* map<K, V>: the key and value live in the "entries" struct child */
        rc = af_buf_append_str(out, "map<");
        const af_field *e = f->n_children > 0 ? &f->children[0] : NULL;
        for (size_t i = 0; !rc && e && i < e->n_children && i < 2; i++) {
            if (i)
                rc = af_buf_append_str(out, ", ");
            if (!rc)
                rc = af_field_format_type(&e->children[i], out);
        }
        return rc ? rc : af_buf_append_byte(out, '>');
    }
    default: return af_type_format(&f->type, out);
    }
}

/* ---- Parsing type names ---- */

static const char VALID_TYPES[] =
    "bool, boolean, int8, tinyint, int16, smallint, int32, int, integer, int64, bigint, "
    "float32, float, real, float64, double, decimal(p,s), numeric(p,s), string, text, utf8, "
    "binary, bytes, date, time[(unit)], timestamp[(unit[, tz])], timestamptz, uuid, json";

typedef struct {
    const char *name;
    af_type_id id;
} type_alias;

static const type_alias simple_types[] = {
    {"null", AF_TYPE_NULL},       {"bool", AF_TYPE_BOOL},      {"boolean", AF_TYPE_BOOL},
    {"int8", AF_TYPE_INT8},       {"tinyint", AF_TYPE_INT8},   {"int16", AF_TYPE_INT16},
    {"smallint", AF_TYPE_INT16},  {"int32", AF_TYPE_INT32},    {"int", AF_TYPE_INT32},
    {"integer", AF_TYPE_INT32},   {"int64", AF_TYPE_INT64},    {"bigint", AF_TYPE_INT64},
    {"float32", AF_TYPE_FLOAT32}, {"float", AF_TYPE_FLOAT32},  {"real", AF_TYPE_FLOAT32},
    {"float64", AF_TYPE_FLOAT64}, {"double", AF_TYPE_FLOAT64}, {"string", AF_TYPE_STRING},
    {"text", AF_TYPE_STRING},     {"utf8", AF_TYPE_STRING},    {"binary", AF_TYPE_BINARY},
    {"bytes", AF_TYPE_BINARY},    {"date", AF_TYPE_DATE},      {"uuid", AF_TYPE_UUID},
    {"json", AF_TYPE_JSON},
};

static bool word_eq(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

static int parse_unit(const char *s, size_t n, af_time_unit *u)
{
    trim(&s, &n);
    if (word_eq(s, n, "s") || word_eq(s, n, "sec") || word_eq(s, n, "second") ||
        word_eq(s, n, "seconds"))
        *u = AF_UNIT_SECOND;
    else if (word_eq(s, n, "ms") || word_eq(s, n, "milli") || word_eq(s, n, "millisecond") ||
             word_eq(s, n, "milliseconds"))
        *u = AF_UNIT_MILLI;
    else if (word_eq(s, n, "us") || word_eq(s, n, "micro") || word_eq(s, n, "microsecond") ||
             word_eq(s, n, "microseconds"))
        *u = AF_UNIT_MICRO;
    else if (word_eq(s, n, "ns") || word_eq(s, n, "nano") || word_eq(s, n, "nanosecond") ||
             word_eq(s, n, "nanoseconds"))
        *u = AF_UNIT_NANO;
    else
        return -1;
    return 0;
}

/* Parses a small non-negative decimal integer; -1 when not one. */
static int parse_small_int(const char *s, size_t n)
{
    trim(&s, &n);
    if (n == 0 || n > 3)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int af_type_parse(const char *text, af_type *out, char *tz_storage, size_t tz_storage_size,
                  af_error *err)
{
    if (!text)
        return af_error_set(err, AF_EINVAL, "missing type name (valid types: %s)", VALID_TYPES);
    const char *s = text;
    size_t n = strlen(text);
    trim(&s, &n);

    /* split "name(args)" or "name[args]" */
    size_t name_len = 0;
    while (name_len < n && s[name_len] != '(' && s[name_len] != '[')
        name_len++;
    const char *name = s;
    size_t nl = name_len;
    trim(&name, &nl);
    const char *args = NULL;
    size_t args_len = 0;
    if (name_len < n) {
        char close = s[name_len] == '(' ? ')' : ']';
        if (s[n - 1] != close)
            return af_error_set(err, AF_ECONFIG, "type '%s': missing '%c' at the end", text, close);
        args = s + name_len + 1;
        args_len = n - name_len - 2;
        if (memchr(args, '(', args_len) || memchr(args, '[', args_len) ||
            memchr(args, ')', args_len) || memchr(args, ']', args_len))
            return af_error_set(err, AF_ECONFIG, "type '%s': unbalanced brackets", text);
    }

    if (!args) {
        for (size_t i = 0; i < sizeof simple_types / sizeof simple_types[0]; i++) {
            if (word_eq(name, nl, simple_types[i].name)) {
                *out = af_type_make(simple_types[i].id);
                return AF_OK;
            }
        }
        if (word_eq(name, nl, "timestamptz")) {
            *out = af_type_timestamp(AF_UNIT_MICRO, "UTC");
            return AF_OK;
        }
        if (word_eq(name, nl, "time")) {
            *out = af_type_time(AF_UNIT_MICRO);
            return AF_OK;
        }
        if (word_eq(name, nl, "timestamp")) {
            *out = af_type_timestamp(AF_UNIT_MICRO, NULL);
            return AF_OK;
        }
        if (word_eq(name, nl, "decimal") || word_eq(name, nl, "numeric"))
            return af_error_set(err, AF_ECONFIG,
                                "type '%s': decimal needs a precision and scale, "
                                "e.g. decimal(19,4)",
                                text);
        if (word_eq(name, nl, "struct") || word_eq(name, nl, "list") || word_eq(name, nl, "map"))
            return af_error_set(err, AF_ECONFIG,
                                "type '%s': nested types cannot be written as text "
                                "(valid types: %s)",
                                text, VALID_TYPES);
        return af_error_set(err, AF_ECONFIG, "unknown type '%s' (valid types: %s)", text,
                            VALID_TYPES);
    }

    const char *comma = memchr(args, ',', args_len);
    if (word_eq(name, nl, "decimal") || word_eq(name, nl, "numeric")) {
        size_t plen = comma ? (size_t)(comma - args) : args_len;
        int p = parse_small_int(args, plen);
        int sc = comma ? parse_small_int(comma + 1, args_len - plen - 1) : 0;
        if (p < 0 || sc < 0)
            return af_error_set(err, AF_ECONFIG,
                                "type '%s': precision and scale must be integers, "
                                "e.g. decimal(19,4)",
                                text);
        if (p < 1 || p > AF_DECIMAL_MAX_PRECISION)
            return af_error_set(err, AF_ECONFIG,
                                "type '%s': decimal precision %d is out of range 1..%d", text, p,
                                AF_DECIMAL_MAX_PRECISION);
        if (sc > p)
            return af_error_set(err, AF_ECONFIG,
                                "type '%s': decimal scale %d must be between 0 and the "
                                "precision %d",
                                text, sc, p);
        *out = af_type_decimal(p, sc);
        return AF_OK;
    }
    if (word_eq(name, nl, "time")) {
        af_time_unit u;
        if (comma || parse_unit(args, args_len, &u))
            return af_error_set(err, AF_ECONFIG, "type '%s': time takes one unit: s, ms, us or ns",
                                text);
        *out = af_type_time(u);
        return AF_OK;
    }
    if (word_eq(name, nl, "timestamp") || word_eq(name, nl, "timestamptz")) {
        af_time_unit u;
        size_t ulen = comma ? (size_t)(comma - args) : args_len;
        if (parse_unit(args, ulen, &u))
            return af_error_set(err, AF_ECONFIG,
                                "type '%s': timestamp unit must be s, ms, us or ns", text);
        const char *tz = NULL;
        if (comma) {
            const char *z = comma + 1;
            size_t zn = args_len - ulen - 1;
            trim(&z, &zn);
            if (zn == 0)
                return af_error_set(err, AF_ECONFIG, "type '%s': empty time zone", text);
            for (size_t i = 0; i < zn; i++) {
                unsigned char c = (unsigned char)z[i];
                if (!(isalnum(c) || c == '/' || c == '_' || c == '-' || c == '+' || c == ':'))
                    return af_error_set(err, AF_ECONFIG,
                                        "type '%s': time zone has an invalid character", text);
            }
            if (word_eq(z, zn, "utc") || word_eq(z, zn, "z")) {
                tz = "UTC";
            } else {
                if (!tz_storage || zn >= tz_storage_size)
                    return af_error_set(err, AF_EINVAL,
                                        "type '%s': time zone name is too long (at most %zu "
                                        "characters)",
                                        text, tz_storage_size ? tz_storage_size - 1 : 0);
                memcpy(tz_storage, z, zn);
                tz_storage[zn] = '\0';
                tz = tz_storage;
            }
        } else if (word_eq(name, nl, "timestamptz")) {
            tz = "UTC";
        }
        *out = af_type_timestamp(u, tz);
        return AF_OK;
    }
    return af_error_set(err, AF_ECONFIG, "unknown type '%s' (valid types: %s)", text, VALID_TYPES);
}

/* ---- Fields ---- */

int af_field_init(af_field *f, const char *name, af_type type, bool nullable)
{
    memset(f, 0, sizeof *f);
    f->name = af_strdup(name ? name : "");
    if (!f->name)
        return AF_ENOMEM;
    f->nullable = nullable;
    int rc = af_field_set_type(f, type);
    if (rc) {
        free(f->name);
        memset(f, 0, sizeof *f);
    }
    return rc;
}

int af_field_set_type(af_field *f, af_type type)
{
    /* type.timezone may point at f->timezone_owned itself: copy before freeing */
    char *tz = NULL;
    if (type.timezone) {
        tz = af_strdup(type.timezone);
        if (!tz)
            return AF_ENOMEM;
    }
    free(f->timezone_owned);
    f->timezone_owned = tz;
    f->type = type;
    f->type.timezone = tz;
    return AF_OK;
}

int af_field_copy(af_field *dst, const af_field *src)
{
    int rc = af_field_init(dst, src->name, src->type, src->nullable);
    if (rc)
        return rc;
    if (src->n_children) {
        dst->children = calloc(src->n_children, sizeof *dst->children);
        if (!dst->children) {
            af_field_free(dst);
            return AF_ENOMEM;
        }
        for (size_t i = 0; i < src->n_children; i++) {
            rc = af_field_copy(&dst->children[i], &src->children[i]);
            if (rc) {
                af_field_free(dst);
                return rc;
            }
            dst->n_children = i + 1;
        }
    }
    return AF_OK;
}

int af_field_add_child(af_field *parent, const af_field *child)
{
    /* copy first: child may live inside parent->children, which realloc moves */
    af_field tmp;
    int rc = af_field_copy(&tmp, child);
    if (rc)
        return rc;
    af_field *p = realloc(parent->children, (parent->n_children + 1) * sizeof *p);
    if (!p) {
        af_field_free(&tmp);
        return AF_ENOMEM;
    }
    parent->children = p;
    parent->children[parent->n_children++] = tmp;
    return AF_OK;
}

void af_field_free(af_field *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_children; i++)
        af_field_free(&f->children[i]);
    free(f->children);
    free(f->name);
    free(f->timezone_owned);
    memset(f, 0, sizeof *f);
}

/* ---- Schemas ---- */

af_schema *af_schema_new(void)
{
    return calloc(1, sizeof(af_schema));
}

int af_schema_add(af_schema *s, const af_field *f)
{
    af_field tmp;
    int rc = af_field_copy(&tmp, f);
    if (rc)
        return rc;
    af_field *p = realloc(s->fields, (s->n_fields + 1) * sizeof *p);
    if (!p) {
        af_field_free(&tmp);
        return AF_ENOMEM;
    }
    s->fields = p;
    s->fields[s->n_fields++] = tmp;
    return AF_OK;
}

int af_schema_add_simple(af_schema *s, const char *name, af_type type, bool nullable)
{
    af_field f;
    int rc = af_field_init(&f, name, type, nullable);
    if (rc)
        return rc;
    af_field *p = realloc(s->fields, (s->n_fields + 1) * sizeof *p);
    if (!p) {
        af_field_free(&f);
        return AF_ENOMEM;
    }
    s->fields = p;
    s->fields[s->n_fields++] = f;
    return AF_OK;
}

af_schema *af_schema_copy(const af_schema *s)
{
    af_schema *c = af_schema_new();
    if (!c)
        return NULL;
    if (s->n_fields) {
        c->fields = calloc(s->n_fields, sizeof *c->fields);
        if (!c->fields) {
            free(c);
            return NULL;
        }
        for (size_t i = 0; i < s->n_fields; i++) {
            if (af_field_copy(&c->fields[i], &s->fields[i])) {
                af_schema_free(c);
                return NULL;
            }
            c->n_fields = i + 1;
        }
    }
    return c;
}

long af_schema_find(const af_schema *s, const char *name)
{
    if (!s || !name)
        return -1;
    for (size_t i = 0; i < s->n_fields; i++)
        if (s->fields[i].name && strcmp(s->fields[i].name, name) == 0)
            return (long)i;
    return -1;
}

void af_schema_free(af_schema *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_fields; i++)
        af_field_free(&s->fields[i]);
    free(s->fields);
    free(s);
}

static int field_to_json(const af_field *f, af_buf *out)
{
    const char *name = f->name ? f->name : "";
    int rc = af_buf_append_str(out, "{\"name\":");
    if (!rc)
        rc = af_buf_append_json_string(out, name, strlen(name));
    if (!rc)
        rc = af_buf_append_str(out, ",\"type\":");
    if (!rc) {
        af_buf t;
        af_buf_init(&t);
        rc = af_field_format_type(f, &t);
        if (!rc)
            rc = af_buf_append_json_string(out, (const char *)t.data, t.len);
        af_buf_free(&t);
    }
    if (!rc)
        rc = af_buf_append_str(out, f->nullable ? ",\"nullable\":true" : ",\"nullable\":false");
    /* children only where the type has them, so flat schemas stay compact */
    if (!rc && (af_type_is_nested(f->type.id) || f->n_children)) {
        rc = af_buf_append_str(out, ",\"children\":[");
        for (size_t i = 0; !rc && i < f->n_children; i++) {
            if (i)
                rc = af_buf_append_byte(out, ',');
            if (!rc)
                rc = field_to_json(&f->children[i], out);
        }
        if (!rc)
            rc = af_buf_append_byte(out, ']');
    }
    return rc ? rc : af_buf_append_byte(out, '}');
}

int af_schema_to_json(const af_schema *s, af_buf *out)
{
    int rc = af_buf_append_byte(out, '[');
    for (size_t i = 0; !rc && i < s->n_fields; i++) {
        if (i)
            rc = af_buf_append_byte(out, ',');
        if (!rc)
            rc = field_to_json(&s->fields[i], out);
    }
    return rc ? rc : af_buf_append_byte(out, ']');
}
