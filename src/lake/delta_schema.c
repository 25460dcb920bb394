/* delta_schema.c - affluent schemas <-> Delta Lake schemaString.
 *
 * A Delta table states its schema once, in metaData.schemaString, as a JSON
 * struct type that every engine reading the table (Spark, Trino, DuckDB,
 * delta-rs) understands. Affluent has a few types Delta cannot say exactly
 * (json, timestamps in s/ms/ns or in a zone other than UTC): they are
 * written as the nearest Delta type, and the exact affluent type is kept in
 * the field's metadata under "affluent.type", so other engines read the
 * table and affluent reads its own types back unchanged.
 *
 * Positions inside a field that are not fields themselves (an array's
 * element, a map's key and value) have no metadata of their own in Delta;
 * their exact type goes into the enclosing field's metadata under
 * "affluent.type.<path>", path being "element", "key", "value",
 * "element.value"... as it walks down.
 */
#include "lake/delta_log.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define META_KEY "affluent.type"
#define TZ_MAX 64

/* ---- encoding ---- */

typedef struct enc_ctx {
    af_error *err; /* never NULL: points at `local` when the caller gave none */
    af_error local;
    af_buf path; /* dotted column path, for messages */
} enc_ctx;

static const char *path_text(enc_ctx *c)
{
    return af_buf_cstr(&c->path);
}

static int oom(af_error *err)
{
    return af_error_set(err, AF_ENOMEM, "out of memory building the Delta schema");
}

/* Sets metadata[key] to the affluent type name when the Delta type alone
 * would lose it. */
static int note_type(json_t *meta, const char *key, const af_type *t, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    int rc = af_type_format(t, &b);
    if (!rc && json_object_set_new(meta, key, json_string(af_buf_cstr(&b))) != 0)
        rc = AF_ENOMEM;
    af_buf_free(&b);
    return rc ? oom(err) : AF_OK;
}

static json_t *encode_type(enc_ctx *c, const af_field *f, json_t *meta, const char *meta_path);

static json_t *encode_struct(enc_ctx *c, const af_field *f);

/* The metadata key of a position: "affluent.type" for the field itself,
 * "affluent.type.element"... for the positions inside it. */
static int meta_key(const char *meta_path, af_buf *out)
{
    af_buf_reset(out);
    int rc = af_buf_append_str(out, META_KEY);
    if (!rc && meta_path[0])
        rc = af_buf_printf(out, ".%s", meta_path);
    return rc;
}

/* Encodes one child position (array element, map key or value) of the
 * field whose metadata is `meta`. */
static json_t *encode_child(enc_ctx *c, const af_field *child, json_t *meta, const char *meta_path,
                            const char *step)
{
    af_buf sub;
    af_buf_init(&sub);
    size_t saved = c->path.len;
    json_t *t = NULL;
    if (af_buf_printf(&sub, meta_path[0] ? "%s.%s" : "%s%s", meta_path, step) == 0 &&
        af_buf_printf(&c->path, ".%s", step) == 0)
        t = encode_type(c, child, meta, af_buf_cstr(&sub));
    else
        oom(c->err);
    c->path.len = saved;
    af_buf_free(&sub);
    return t;
}

static json_t *unsupported(enc_ctx *c, const char *what, const char *advice)
{
    af_error_set(c->err, AF_EUNSUPPORTED, "column %s: Delta tables have no %s type; %s",
                 path_text(c), what, advice);
    return NULL;
}

/* The Delta type of f (a JSON string or object). meta is the metadata
 * object of the nearest enclosing field; meta_path the position of f
 * relative to that field ("" = the field itself). */
static json_t *encode_type(enc_ctx *c, const af_field *f, json_t *meta, const char *meta_path)
{
    const af_type *t = &f->type;
    const char *name = NULL;
    bool note = false;
    switch (t->id) {
    case AF_TYPE_BOOL: name = "boolean"; break;
    case AF_TYPE_INT8: name = "byte"; break;
    case AF_TYPE_INT16: name = "short"; break;
    case AF_TYPE_INT32: name = "integer"; break;
    case AF_TYPE_INT64: name = "long"; break;
    case AF_TYPE_FLOAT32: name = "float"; break;
    case AF_TYPE_FLOAT64: name = "double"; break;
    case AF_TYPE_STRING: name = "string"; break;
    case AF_TYPE_JSON:
        name = "string";
        note = true;
        break;
    case AF_TYPE_BINARY: name = "binary"; break;
    case AF_TYPE_DATE: name = "date"; break;
    case AF_TYPE_TIMESTAMP:
        if (t->timezone) {
            name = "timestamp";
            note = t->unit != AF_UNIT_MICRO || strcmp(t->timezone, "UTC") != 0;
        } else {
            name = "timestamp_ntz";
            note = t->unit != AF_UNIT_MICRO;
        }
        break;
    case AF_TYPE_DECIMAL: {
        if (t->precision < 1 || t->precision > AF_DECIMAL_MAX_PRECISION ||
            t->scale > t->precision) {
            af_error_set(c->err, AF_EUNSUPPORTED,
                         "column %s: decimal(%u,%u) does not fit a Delta decimal (precision "
                         "1..38, scale 0..precision)",
                         path_text(c), t->precision, t->scale);
            return NULL;
        }
        char text[32];
        snprintf(text, sizeof text, "decimal(%u,%u)", t->precision, t->scale);
        json_t *j = json_string(text);
        if (!j)
            oom(c->err);
        return j;
    }
    case AF_TYPE_TIME: return unsupported(c, "time", "cast it to string or timestamp");
    case AF_TYPE_UUID: return unsupported(c, "uuid", "cast it to string or binary");
    case AF_TYPE_NULL: return unsupported(c, "null", "declare the column's type (e.g. string)");
    case AF_TYPE_STRUCT: return encode_struct(c, f);
    case AF_TYPE_LIST: {
        if (f->n_children != 1) {
            af_error_set(c->err, AF_EINVAL, "column %s: a list needs exactly one element type",
                         path_text(c));
            return NULL;
        }
        json_t *el = encode_child(c, &f->children[0], meta, meta_path, "element");
        if (!el)
            return NULL;
        json_t *j = json_object();
        if (!j || json_object_set_new(j, "type", json_string("array")) ||
            json_object_set_new(j, "elementType", el) ||
            json_object_set_new(j, "containsNull", json_boolean(f->children[0].nullable))) {
            json_decref(j);
            oom(c->err);
            return NULL;
        }
        return j;
    }
    case AF_TYPE_MAP: {
        const af_field *en = f->n_children == 1 ? &f->children[0] : NULL;
        if (!en || en->type.id != AF_TYPE_STRUCT || en->n_children != 2) {
            af_error_set(c->err, AF_EINVAL,
                         "column %s: a map needs one entries struct of a key and a value",
                         path_text(c));
            return NULL;
        }
        json_t *k = encode_child(c, &en->children[0], meta, meta_path, "key");
        if (!k)
            return NULL;
        json_t *v = encode_child(c, &en->children[1], meta, meta_path, "value");
        if (!v) {
            json_decref(k);
            return NULL;
        }
        json_t *j = json_object();
        if (!j || json_object_set_new(j, "type", json_string("map")) ||
            json_object_set_new(j, "keyType", k) || json_object_set_new(j, "valueType", v) ||
            json_object_set_new(j, "valueContainsNull", json_boolean(en->children[1].nullable))) {
            json_decref(j);
            oom(c->err);
            return NULL;
        }
        return j;
    }
    default:
        af_error_set(c->err, AF_EINTERNAL, "column %s: unknown type id %d", path_text(c),
                     (int)t->id);
        return NULL;
    }
    if (note) {
        af_buf key;
        af_buf_init(&key);
        int rc = meta_key(meta_path, &key);
        if (rc)
            oom(c->err);
        else
            rc = note_type(meta, af_buf_cstr(&key), t, c->err);
        af_buf_free(&key);
        if (rc)
            return NULL;
    }
    json_t *j = json_string(name);
    if (!j)
        oom(c->err);
    return j;
}

/* {"name":..,"type":..,"nullable":..,"metadata":{..}} */
static json_t *encode_field(enc_ctx *c, const af_field *f)
{
    size_t saved = c->path.len;
    if ((saved && af_buf_append_byte(&c->path, '.')) || af_buf_append_str(&c->path, f->name)) {
        oom(c->err);
        return NULL;
    }
    json_t *meta = json_object();
    json_t *type = meta ? encode_type(c, f, meta, "") : NULL;
    json_t *j = NULL;
    if (!meta)
        oom(c->err);
    if (type) {
        j = json_object();
        if (!j || json_object_set_new(j, "name", json_string(f->name)) ||
            json_object_set_new(j, "type", type) ||
            json_object_set_new(j, "nullable", json_boolean(f->nullable)) ||
            json_object_set(j, "metadata", meta)) {
            json_decref(j);
            j = NULL;
            oom(c->err);
        }
    }
    json_decref(meta);
    c->path.len = saved;
    return j;
}

static json_t *encode_fields(enc_ctx *c, const af_field *fields, size_t n)
{
    json_t *st = json_object();
    json_t *arr = json_array();
    if (!st || !arr || json_object_set_new(st, "type", json_string("struct")) ||
        json_object_set(st, "fields", arr)) {
        json_decref(st);
        json_decref(arr);
        oom(c->err);
        return NULL;
    }
    json_decref(arr);
    for (size_t i = 0; i < n; i++) {
        json_t *f = encode_field(c, &fields[i]);
        if (!f || json_array_append_new(arr, f)) {
            if (f)
                oom(c->err);
            json_decref(st);
            return NULL;
        }
    }
    return st;
}

static json_t *encode_struct(enc_ctx *c, const af_field *f)
{
    return encode_fields(c, f->children, f->n_children);
}

int af_delta_schema_encode(const af_schema *s, af_buf *out, af_error *err)
{
    enc_ctx c;
    memset(&c, 0, sizeof c);
    c.err = err ? err : &c.local;
    c.err->code = AF_OK;
    af_buf_init(&c.path);
    json_t *root = encode_fields(&c, s->fields, s->n_fields);
    af_buf_free(&c.path);
    if (!root)
        return c.err->code ? c.err->code : AF_EINTERNAL;
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    if (!text)
        return oom(err);
    int rc = af_buf_append_str(out, text);
    free(text);
    return rc ? oom(err) : AF_OK;
}

/* ---- decoding ---- */

typedef struct dec_ctx {
    af_error *err;
    af_buf path;
} dec_ctx;

static const char *dpath(dec_ctx *c)
{
    return c->path.len ? af_buf_cstr(&c->path) : "(top level)";
}

static int dec_oom(dec_ctx *c)
{
    return af_error_set(c->err, AF_ENOMEM, "out of memory reading the Delta schema");
}

static int bad(dec_ctx *c, const char *what)
{
    return af_error_set(c->err, AF_EPARSE, "Delta schema: column %s: %s", dpath(c), what);
}

/* "decimal(p,s)" (spaces allowed) -> p, s; Spark writes plain "decimal"
 * for its default decimal(10,0). */
static bool parse_decimal(const char *s, int *p, int *sc)
{
    if (strcmp(s, "decimal") == 0) {
        *p = 10;
        *sc = 0;
        return true;
    }
    if (strncmp(s, "decimal(", 8) != 0)
        return false;
    const char *q = s + 8;
    int v[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        while (*q == ' ')
            q++;
        int digits = 0;
        while (*q >= '0' && *q <= '9') {
            if (++digits > 3)
                return false;
            v[k] = v[k] * 10 + (*q - '0');
            q++;
        }
        while (*q == ' ')
            q++;
        if (!digits || *q != (k == 0 ? ',' : ')'))
            return false;
        q++;
    }
    if (*q)
        return false;
    *p = v[0];
    *sc = v[1];
    return true;
}

static int decode_type(dec_ctx *c, const json_t *type, af_field *f, const char *name, bool nullable,
                       const json_t *meta, const char *meta_path);

/* The override noted for position meta_path of the enclosing field, if it
 * names a type the Delta type can carry (anything else was not written by
 * us, and the Delta type wins: it is what the data files hold). */
static void apply_override(af_field *f, const char *delta_name, const json_t *meta,
                           const char *meta_path)
{
    if (!json_is_object(meta))
        return;
    af_buf key;
    af_buf_init(&key);
    const json_t *v = NULL;
    if (meta_key(meta_path, &key) == 0)
        v = json_object_get(meta, af_buf_cstr(&key));
    af_buf_free(&key);
    if (!json_is_string(v))
        return;
    af_type t;
    char tz[TZ_MAX];
    af_error ignored;
    if (af_type_parse(json_string_value(v), &t, tz, sizeof tz, &ignored) != 0)
        return;
    bool ok = false;
    if (t.id == AF_TYPE_JSON)
        ok = strcmp(delta_name, "string") == 0;
    else if (t.id == AF_TYPE_TIMESTAMP)
        ok = strcmp(delta_name, t.timezone ? "timestamp" : "timestamp_ntz") == 0;
    if (ok)
        af_field_set_type(f, t);
}

static int decode_primitive(dec_ctx *c, const char *tn, af_field *f, const char *name,
                            bool nullable, const json_t *meta, const char *meta_path)
{
    static const struct {
        const char *delta;
        af_type_id id;
    } prims[] = {
        {"boolean", AF_TYPE_BOOL},   {"byte", AF_TYPE_INT8},     {"short", AF_TYPE_INT16},
        {"integer", AF_TYPE_INT32},  {"long", AF_TYPE_INT64},    {"float", AF_TYPE_FLOAT32},
        {"double", AF_TYPE_FLOAT64}, {"string", AF_TYPE_STRING}, {"binary", AF_TYPE_BINARY},
        {"date", AF_TYPE_DATE},
    };
    af_type t;
    bool found = false;
    for (size_t i = 0; i < sizeof prims / sizeof prims[0]; i++) {
        if (strcmp(tn, prims[i].delta) == 0) {
            t = af_type_make(prims[i].id);
            found = true;
            break;
        }
    }
    int p, sc;
    if (!found && strcmp(tn, "timestamp") == 0) {
        t = af_type_timestamp(AF_UNIT_MICRO, "UTC");
        found = true;
    } else if (!found && strcmp(tn, "timestamp_ntz") == 0) {
        t = af_type_timestamp(AF_UNIT_MICRO, NULL);
        found = true;
    } else if (!found && parse_decimal(tn, &p, &sc)) {
        if (p < 1 || p > AF_DECIMAL_MAX_PRECISION || sc > p)
            return af_error_set(c->err, AF_EUNSUPPORTED,
                                "Delta schema: column %s: %s is out of range (precision 1..38, "
                                "scale 0..precision)",
                                dpath(c), tn);
        t = af_type_decimal(p, sc);
        found = true;
    }
    if (!found)
        return af_error_set(c->err, AF_EUNSUPPORTED,
                            "Delta schema: column %s: type '%s' is not supported", dpath(c), tn);
    if (af_field_init(f, name, t, nullable))
        return dec_oom(c);
    apply_override(f, tn, meta, meta_path);
    return AF_OK;
}

/* Decodes a child position (element, key, value) and appends it to parent. */
static int decode_child(dec_ctx *c, const json_t *type, af_field *parent, const char *name,
                        bool nullable, const json_t *meta, const char *meta_path, const char *step)
{
    af_buf sub;
    af_buf_init(&sub);
    size_t saved = c->path.len;
    int rc = af_buf_printf(&sub, meta_path[0] ? "%s.%s" : "%s%s", meta_path, step);
    if (!rc)
        rc = af_buf_printf(&c->path, ".%s", step);
    if (rc) {
        af_buf_free(&sub);
        return dec_oom(c);
    }
    af_field child;
    memset(&child, 0, sizeof child);
    rc = decode_type(c, type, &child, name, nullable, meta, af_buf_cstr(&sub));
    if (!rc && af_field_add_child(parent, &child))
        rc = dec_oom(c);
    af_field_free(&child);
    af_buf_free(&sub);
    c->path.len = saved;
    return rc;
}

static int decode_fields(dec_ctx *c, const json_t *st, af_field *parent, af_schema *schema);

static int decode_type(dec_ctx *c, const json_t *type, af_field *f, const char *name, bool nullable,
                       const json_t *meta, const char *meta_path)
{
    if (json_is_string(type))
        return decode_primitive(c, json_string_value(type), f, name, nullable, meta, meta_path);
    if (!json_is_object(type))
        return bad(c, "\"type\" must be a type name or a type object");
    const char *kind = json_string_value(json_object_get(type, "type"));
    if (!kind)
        return bad(c, "a type object needs a \"type\" name");
    int rc;
    if (strcmp(kind, "struct") == 0) {
        if (af_field_init(f, name, af_type_make(AF_TYPE_STRUCT), nullable))
            return dec_oom(c);
        return decode_fields(c, type, f, NULL);
    }
    if (strcmp(kind, "array") == 0) {
        const json_t *el = json_object_get(type, "elementType");
        const json_t *cn = json_object_get(type, "containsNull");
        if (!el)
            return bad(c, "an array type needs \"elementType\"");
        if (cn && !json_is_boolean(cn))
            return bad(c, "\"containsNull\" must be true or false");
        if (af_field_init(f, name, af_type_make(AF_TYPE_LIST), nullable))
            return dec_oom(c);
        return decode_child(c, el, f, "item", cn ? json_is_true(cn) : true, meta, meta_path,
                            "element");
    }
    if (strcmp(kind, "map") == 0) {
        const json_t *kt = json_object_get(type, "keyType");
        const json_t *vt = json_object_get(type, "valueType");
        const json_t *vn = json_object_get(type, "valueContainsNull");
        if (!kt || !vt)
            return bad(c, "a map type needs \"keyType\" and \"valueType\"");
        if (vn && !json_is_boolean(vn))
            return bad(c, "\"valueContainsNull\" must be true or false");
        if (af_field_init(f, name, af_type_make(AF_TYPE_MAP), nullable))
            return dec_oom(c);
        af_field en;
        if (af_field_init(&en, "entries", af_type_make(AF_TYPE_STRUCT), false))
            return dec_oom(c);
        rc = decode_child(c, kt, &en, "key", false, meta, meta_path, "key");
        if (!rc)
            rc = decode_child(c, vt, &en, "value", vn ? json_is_true(vn) : true, meta, meta_path,
                              "value");
        if (!rc && af_field_add_child(f, &en))
            rc = dec_oom(c);
        af_field_free(&en);
        return rc;
    }
    return af_error_set(c->err, AF_EUNSUPPORTED,
                        "Delta schema: column %s: type '%s' is not supported", dpath(c), kind);
}

/* The fields of a struct type object, into parent's children or schema. */
static int decode_fields(dec_ctx *c, const json_t *st, af_field *parent, af_schema *schema)
{
    const json_t *fields = json_object_get(st, "fields");
    if (!json_is_array(fields))
        return bad(c, "a struct type needs a \"fields\" array");
    for (size_t i = 0; i < json_array_size(fields); i++) {
        const json_t *jf = json_array_get(fields, i);
        if (!json_is_object(jf))
            return bad(c, "every struct field must be an object");
        const char *name = json_string_value(json_object_get(jf, "name"));
        if (!name)
            return af_error_set(c->err, AF_EPARSE, "Delta schema: field %zu of %s has no \"name\"",
                                i + 1, dpath(c));
        size_t saved = c->path.len;
        if ((saved && af_buf_append_byte(&c->path, '.')) || af_buf_append_str(&c->path, name))
            return dec_oom(c);
        const json_t *nl = json_object_get(jf, "nullable");
        const json_t *meta = json_object_get(jf, "metadata");
        const json_t *type = json_object_get(jf, "type");
        int rc = AF_OK;
        if (!type)
            rc = bad(c, "the field has no \"type\"");
        else if (nl && !json_is_boolean(nl))
            rc = bad(c, "\"nullable\" must be true or false");
        else if (meta && !json_is_object(meta))
            rc = bad(c, "\"metadata\" must be an object");
        af_field f;
        memset(&f, 0, sizeof f);
        if (!rc)
            rc = decode_type(c, type, &f, name, nl ? json_is_true(nl) : true, meta, "");
        if (!rc) {
            if (parent ? af_field_add_child(parent, &f) : af_schema_add(schema, &f))
                rc = dec_oom(c);
        }
        af_field_free(&f);
        if (rc)
            return rc;
        c->path.len = saved;
    }
    return AF_OK;
}

int af_delta_schema_decode(const char *schema_string, af_schema **out, af_error *err)
{
    *out = NULL;
    if (!schema_string)
        return af_error_set(err, AF_EPARSE, "Delta schema: no schemaString");
    json_error_t je;
    json_t *root = json_loads(schema_string, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return af_error_set(err, AF_EPARSE, "Delta schema: line %d, column %d: %s", je.line,
                            je.column, je.text);
    dec_ctx c = {.err = err};
    af_buf_init(&c.path);
    int rc;
    af_schema *s = af_schema_new();
    if (!s)
        rc = dec_oom(&c);
    else if (!json_is_object(root) || !json_is_string(json_object_get(root, "type")) ||
             strcmp(json_string_value(json_object_get(root, "type")), "struct") != 0)
        rc = af_error_set(err, AF_EPARSE,
                          "Delta schema: the schemaString must be a JSON object of type "
                          "\"struct\"");
    else
        rc = decode_fields(&c, root, NULL, s);
    af_buf_free(&c.path);
    json_decref(root);
    if (rc) {
        af_schema_free(s);
        return rc;
    }
    *out = s;
    return AF_OK;
}

/* ---- protocol ---- */

static bool needs_ntz(const af_field *f)
{
    if (f->type.id == AF_TYPE_TIMESTAMP && !f->type.timezone)
        return true;
    for (size_t i = 0; i < f->n_children; i++)
        if (needs_ntz(&f->children[i]))
            return true;
    return false;
}

void af_delta_protocol_for(const af_schema *s, af_delta_protocol *p)
{
    memset(p, 0, sizeof *p);
    p->min_reader = 1;
    p->min_writer = 2;
    bool ntz = false;
    for (size_t i = 0; s && i < s->n_fields && !ntz; i++)
        ntz = needs_ntz(&s->fields[i]);
    if (!ntz)
        return;
    /* timestamp_ntz is a table feature: readers that do not know it must
     * refuse the table rather than misread wall-clock times as UTC */
    p->min_reader = 3;
    p->min_writer = 7;
    af_strlist_push(&p->reader_features, "timestampNtz");
    af_strlist_push(&p->writer_features, "timestampNtz");
}
