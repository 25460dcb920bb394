/* json_infer.c - schema inference for the JSON source.
 *
 * Every path seen in the sampled records gets a node recording which kinds
 * of JSON values appeared there (null, bool, int, double, string, object,
 * array), its members in first-seen order and a summary of its array
 * elements. The schema follows from the kinds: bool only if all bools,
 * int64 -> float64 when doubles appear, and any other mixture is a string
 * column holding each value as text (objects/arrays as JSON). Each widening
 * is logged once, with the field and both types, so a surprising column
 * type can be traced back to the record that caused it.
 */
#include "core/log.h"
#include "sources/file_common.h"
#include "sources/json_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jnode_free(jnode *n)
{
    for (size_t i = 0; i < n->n_kids; i++)
        jnode_free(&n->kids[i]);
    free(n->kids);
    if (n->elem) {
        jnode_free(n->elem);
        free(n->elem);
    }
    free(n->name);
    memset(n, 0, sizeof *n);
}

static jnode *kid(jnode *n, const char *key, size_t len, size_t hint)
{
    if (hint < n->n_kids && strlen(n->kids[hint].name) == len &&
        memcmp(n->kids[hint].name, key, len) == 0)
        return &n->kids[hint];
    for (size_t i = 0; i < n->n_kids; i++)
        if (strlen(n->kids[i].name) == len && memcmp(n->kids[i].name, key, len) == 0)
            return &n->kids[i];
    if (n->n_kids == n->cap_kids) {
        size_t nc = n->cap_kids ? n->cap_kids * 2 : 8;
        jnode *nk = realloc(n->kids, nc * sizeof *nk);
        if (!nk)
            return NULL;
        n->kids = nk;
        n->cap_kids = nc;
    }
    jnode *k = &n->kids[n->n_kids];
    memset(k, 0, sizeof *k);
    k->name = af_strndup(key, len);
    if (!k->name)
        return NULL;
    af_infer_init(&k->strings);
    n->n_kids++;
    return k;
}

/* The type a set of kinds resolves to, as a word for messages. */
static const char *kinds_word(unsigned k, bool bigint)
{
    k &= ~(unsigned)K_NULL;
    if (k == 0)
        return "null";
    if (k == K_BOOL)
        return "bool";
    if (k == K_INT)
        return bigint ? "float64" : "int64";
    if (k == K_DOUBLE || k == (K_INT | K_DOUBLE))
        return "float64";
    if (k == K_STRING)
        return "string";
    if (k == K_OBJECT)
        return "object";
    if (k == K_ARRAY)
        return "array";
    return "string";
}

static unsigned kind_of(const af_json_node *nd)
{
    switch ((af_json_type)nd->type) {
    case AF_JSON_NULL: return K_NULL;
    case AF_JSON_FALSE:
    case AF_JSON_TRUE: return K_BOOL;
    case AF_JSON_INT: return K_INT;
    case AF_JSON_DOUBLE: return K_DOUBLE;
    case AF_JSON_STRING: return K_STRING;
    case AF_JSON_ARRAY: return K_ARRAY;
    case AF_JSON_OBJECT: return K_OBJECT;
    }
    return K_STRING;
}

static int observe(json_source *s, jnode *n, const af_json_doc *d, uint32_t i, af_buf *path,
                   int64_t rec_index)
{
    const af_json_node *nd = &d->nodes[i];
    unsigned k = kind_of(nd);
    bool big = n->bigint || (nd->flags & AF_JSON_BIGINT);
    const char *before = kinds_word(n->kinds, n->bigint);
    const char *after = kinds_word(n->kinds | k, big);
    if ((n->kinds & ~(unsigned)K_NULL) && strcmp(before, after) != 0)
        af_log(AF_LOG_INFO, "json.widen", "%s: field '%s' widened from %s to %s (record %lld)",
               s->path, af_buf_cstr(path), before, after, (long long)rec_index);
    n->kinds |= k;
    n->bigint = big;
    if (k == K_STRING && s->c->infer_dates) {
        size_t len;
        const char *t = af_json_doc_text(d, i, &len);
        af_infer_observe(&n->strings, t, len, false, &s->popts);
    }
    if (k == K_OBJECT) {
        uint32_t c = i + 1;
        size_t base = path->len;
        for (uint32_t m = 0; m < nd->count; m++) {
            size_t kl;
            const char *key = af_json_doc_key(d, c, &kl);
            jnode *kn = kid(n, key, kl, m);
            if (!kn)
                return AF_ENOMEM;
            path->len = base;
            if (base)
                af_buf_append_byte(path, '.');
            af_buf_append(path, key, kl);
            int rc = observe(s, kn, d, c, path, rec_index);
            if (rc)
                return rc;
            c = d->nodes[c].next;
        }
        path->len = base;
    } else if (k == K_ARRAY) {
        if (!n->elem) {
            n->elem = calloc(1, sizeof *n->elem);
            if (!n->elem || !(n->elem->name = af_strdup("item")))
                return AF_ENOMEM;
            af_infer_init(&n->elem->strings);
        }
        size_t base = path->len;
        af_buf_append_str(path, "[]");
        uint32_t c = i + 1;
        for (uint32_t m = 0; m < nd->count; m++) {
            int rc = observe(s, n->elem, d, c, path, rec_index);
            if (rc)
                return rc;
            c = d->nodes[c].next;
        }
        path->len = base;
    }
    return AF_OK;
}

uint32_t json_path_node(const af_json_doc *d, uint32_t obj, char **keys, size_t n)
{
    uint32_t cur = obj;
    for (size_t i = 0; i < n && cur != UINT32_MAX; i++)
        cur = af_json_doc_member(d, cur, keys[i], strlen(keys[i]));
    return cur;
}

int json_observe_record(json_source *s, const jrec *rec)
{
    const af_json_doc *d = rec->doc;
    const af_json_node *root = &d->nodes[rec->root];
    af_buf path;
    af_buf_init(&path);
    int rc = AF_OK;
    if (root->type != AF_JSON_OBJECT) {
        /* will be quarantined; must not steer types */
    } else if (s->n_ex) {
        uint32_t arr = json_path_node(d, rec->root, s->ex_keys, s->n_ex);
        if (arr != UINT32_MAX && d->nodes[arr].type == AF_JSON_ARRAY) {
            if (s->c->parent_key) {
                uint32_t pk =
                    af_json_doc_member(d, rec->root, s->c->parent_key, strlen(s->c->parent_key));
                if (pk != UINT32_MAX) {
                    af_buf_append_str(&path, s->c->parent_key);
                    rc = observe(s, &s->pid, d, pk, &path, rec->index);
                    path.len = 0;
                }
            }
            uint32_t c = arr + 1;
            for (uint32_t m = 0; !rc && m < d->nodes[arr].count; m++) {
                if (d->nodes[c].type == AF_JSON_OBJECT) {
                    s->root.kinds |= K_OBJECT;
                    rc = observe(s, &s->root, d, c, &path, rec->index);
                } else {
                    jnode *v = kid(&s->root, "value", 5, 0);
                    rc = v ? observe(s, v, d, c, &path, rec->index) : AF_ENOMEM;
                }
                c = d->nodes[c].next;
            }
        }
    } else {
        rc = observe(s, &s->root, d, rec->root, &path, rec->index);
    }
    af_buf_free(&path);
    return rc;
}

/* ---- the name map ---- */

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
    return h;
}

static int jmap_put(jmap *m, const char *key, long value)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        jmap_slot *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return AF_ENOMEM;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slots[i].key)
                continue;
            size_t j = m->slots[i].hash & (nc - 1);
            while (ns[j].key)
                j = (j + 1) & (nc - 1);
            ns[j] = m->slots[i];
        }
        free(m->slots);
        m->slots = ns;
        m->cap = nc;
    }
    size_t len = strlen(key);
    uint64_t h = hash_bytes(key, len);
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].len == len && memcmp(m->slots[j].key, key, len) == 0) {
            m->slots[j].value = value;
            return AF_OK;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j].key = af_strdup(key);
    if (!m->slots[j].key)
        return AF_ENOMEM;
    m->slots[j].len = len;
    m->slots[j].hash = h;
    m->slots[j].value = value;
    m->n++;
    return AF_OK;
}

long jmap_get(const jmap *m, const char *key, size_t len)
{
    if (!m->cap)
        return -1;
    uint64_t h = hash_bytes(key, len);
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key) {
        /* an empty key may come as a NULL pointer (an empty buffer) */
        if (m->slots[j].hash == h && m->slots[j].len == len &&
            (len == 0 || memcmp(m->slots[j].key, key, len) == 0))
            return m->slots[j].value;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

void jmap_free(jmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* ---- types ---- */

static int field_for(json_source *s, const jnode *n, const char *name, af_field *f, bool in_struct);

static af_type scalar_type(json_source *s, const jnode *n)
{
    unsigned k = n->kinds & ~(unsigned)K_NULL;
    if (k == K_BOOL)
        return af_type_make(AF_TYPE_BOOL);
    if (k == K_INT && !n->bigint)
        return af_type_make(AF_TYPE_INT64);
    if (k == K_INT || k == K_DOUBLE || k == (K_INT | K_DOUBLE))
        return af_type_make(AF_TYPE_FLOAT64);
    if (k == K_STRING && s->c->infer_dates) {
        af_type t = af_infer_result(&n->strings);
        if (t.id == AF_TYPE_DATE || t.id == AF_TYPE_TIMESTAMP)
            return t;
    }
    return af_type_make(AF_TYPE_STRING);
}

static int struct_field(json_source *s, const jnode *n, const char *name, af_field *f)
{
    int rc = af_field_init(f, name, af_type_make(AF_TYPE_STRUCT), true);
    for (size_t i = 0; !rc && i < n->n_kids; i++) {
        af_field ch;
        rc = field_for(s, &n->kids[i], n->kids[i].name, &ch, true);
        if (!rc) {
            rc = af_field_add_child(f, &ch);
            af_field_free(&ch);
        }
    }
    if (!rc && n->n_kids == 0) {
        /* Parquet cannot hold an empty group: keep such objects as text */
        af_field_free(f);
        rc = af_field_init(f, name, af_type_make(AF_TYPE_STRING), true);
    }
    return rc;
}

/* A column for the values at n (a leaf of the flattening, or a nested member).
 * Inside a struct (nested: struct, or the elements of arrays: list) objects
 * are structs too: a list element cannot be flattened into columns. */
static int field_for(json_source *s, const jnode *n, const char *name, af_field *f, bool in_struct)
{
    unsigned k = n->kinds & ~(unsigned)K_NULL;
    if (k == K_OBJECT && (in_struct || s->c->nested == JN_STRUCT))
        return struct_field(s, n, name, f);
    if (k == K_ARRAY && n->elem) {
        const jnode *e = n->elem;
        unsigned ek = e->kinds & ~(unsigned)K_NULL;
        af_field item;
        int rc = 1;
        if (ek && !(ek & (K_OBJECT | K_ARRAY)))
            rc = af_field_init(&item, "item", scalar_type(s, e), true);
        else if (ek == K_OBJECT && s->c->arrays == JA_LIST)
            rc = struct_field(s, e, "item", &item);
        else if (ek == 0)
            rc = af_field_init(&item, "item", af_type_make(AF_TYPE_STRING), true);
        if (rc == 0) {
            rc = af_field_init(f, name, af_type_make(AF_TYPE_LIST), true);
            if (!rc)
                rc = af_field_add_child(f, &item);
            af_field_free(&item);
            return rc;
        }
        if (rc < 0)
            return rc;
        /* arrays of objects (arrays: json), of arrays, or of mixed kinds: JSON text */
    }
    return af_field_init(f, name, scalar_type(s, n), true);
}

static int add_column(json_source *s, const af_field *f, int role)
{
    int rc = af_schema_add(s->schema, f);
    if (rc)
        return rc;
    size_t n = s->schema->n_fields;
    jcol *nc = realloc(s->cols, n * sizeof *nc);
    if (!nc)
        return AF_ENOMEM;
    s->cols = nc;
    memset(&nc[n - 1], 0, sizeof *nc);
    nc[n - 1].role = role;
    nc[n - 1].nested = af_type_is_nested(f->type.id);
    nc[n - 1].gen = -1;
    return role == ROLE_DATA || role == ROLE_PARENT_ID ? jmap_put(&s->map, f->name, (long)(n - 1))
                                                       : AF_OK;
}

static int declared_field(json_source *s, const char *name, const char *decl, af_field *f,
                          af_error *err)
{
    af_type t;
    char tz[64];
    int rc = af_type_parse(decl, &t, tz, sizeof tz, err);
    if (rc)
        return af_error_wrap(err, "column '%s' of %s", name, s->path);
    return af_field_init(f, name, t, true);
}

static int flatten(json_source *s, const jnode *n, const char *prefix, af_error *err)
{
    const json_source_config *c = s->c;
    af_buf name;
    af_buf_init(&name);
    int rc = AF_OK;
    for (size_t i = 0; !rc && i < n->n_kids; i++) {
        const jnode *k = &n->kids[i];
        af_buf_reset(&name);
        if (prefix[0]) {
            af_buf_append_str(&name, prefix);
            af_buf_append_str(&name, s->sep);
        }
        af_buf_append_str(&name, k->name);
        const char *nm = af_buf_cstr(&name);
        const char *decl = af_strmap_get(&c->columns, nm);
        if (jmap_get(&s->map, nm, strlen(nm)) != -1) {
            /* "a__b" written literally and reached by flattening {a:{b}}:
             * one column would get two values per row */
            rc = af_error_set(err, AF_EPARSE,
                              "%s: two fields flatten to the column name '%s'; set another "
                              "separator (option separator)",
                              s->path, nm);
            break;
        }
        if (!decl && c->nested == JN_FLATTEN && (k->kinds & ~(unsigned)K_NULL) == K_OBJECT) {
            rc = jmap_put(&s->map, nm, JMAP_PREFIX);
            if (!rc) {
                char *copy = af_strdup(nm);
                rc = copy ? flatten(s, k, copy, err) : AF_ENOMEM;
                free(copy);
            }
            continue;
        }
        af_field f;
        rc = decl ? declared_field(s, nm, decl, &f, err) : field_for(s, k, nm, &f, false);
        if (!rc) {
            rc = add_column(s, &f, ROLE_DATA);
            af_field_free(&f);
        }
    }
    af_buf_free(&name);
    return rc;
}

int json_build_schema(json_source *s, af_error *err)
{
    const json_source_config *c = s->c;
    s->schema = af_schema_new();
    if (!s->schema)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = AF_OK;
    if (s->n_ex) {
        af_field f;
        if (c->parent_key) {
            const char *decl = af_strmap_get(&c->columns, "_parent_id");
            rc = decl ? declared_field(s, "_parent_id", decl, &f, err)
                      : field_for(s, &s->pid, "_parent_id", &f, false);
        } else {
            rc = af_field_init(&f, "_parent_id", af_type_make(AF_TYPE_INT64), false);
        }
        if (!rc) {
            rc = add_column(s, &f, ROLE_PARENT_ID);
            af_field_free(&f);
        }
        if (!rc)
            rc = af_schema_add_simple(s->schema, "_index", af_type_make(AF_TYPE_INT64), false);
        if (!rc) {
            jcol *nc = realloc(s->cols, s->schema->n_fields * sizeof *nc);
            if (!nc)
                return af_error_set(err, AF_ENOMEM, "out of memory");
            s->cols = nc;
            memset(&nc[s->schema->n_fields - 1], 0, sizeof *nc);
            nc[s->schema->n_fields - 1].role = ROLE_INDEX;
        }
    }
    if (!rc)
        rc = flatten(s, &s->root, "", err);
    /* declared fields the sample never showed are added: declaring is how a
     * field that appears late gets into the schema without a full scan */
    for (size_t i = 0; !rc && i < c->columns.len; i++) {
        const char *nm = c->columns.items[i].key;
        if (!strcmp(nm, "_parent_id") && s->n_ex)
            continue;
        long e = jmap_get(&s->map, nm, strlen(nm));
        if (e == JMAP_PREFIX)
            continue; /* unreachable: a declared name is never a prefix */
        if (e >= 0)
            continue;
        af_field f;
        rc = declared_field(s, nm, c->columns.items[i].value, &f, err);
        if (!rc) {
            rc = add_column(s, &f, ROLE_DATA);
            af_field_free(&f);
        }
    }
    if (!rc && s->schema->n_fields == 0)
        rc = af_error_set(err, AF_EPARSE,
                          "%s: no columns: the input holds no JSON object records%s (declare "
                          "them with the option columns to accept an empty input)",
                          s->path, s->n_ex ? " with the array to explode" : "");
    if (!rc && c->lineage) {
        /* ROLE_FILE, ROLE_LINE, ROLE_INGESTED follow the lineage column order */
        for (size_t i = 0; !rc && i < AF_LINEAGE_N_COLUMNS; i++) {
            af_field f;
            rc = af_lineage_field(i, &f);
            if (!rc) {
                rc = add_column(s, &f, ROLE_FILE + (int)i);
                af_field_free(&f);
            }
        }
    }
    if (rc && !err->msg[0])
        af_error_set(err, rc, "out of memory building the schema of %s", s->path);
    return rc;
}
