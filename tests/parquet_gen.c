/* parquet_gen.c - seeded random schemas and data for the Parquet tests;
 * see parquet_gen.h. Included by its users: #include "parquet_gen.c". */
#include "parquet_gen.h"

#include "io/codec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG ---- */

void pg_seed(pg_rng *r, uint64_t seed)
{
    r->s = seed;
}

uint64_t pg_u64(pg_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t pg_below(pg_rng *r, uint64_t n)
{
    return n ? pg_u64(r) % n : 0;
}

int64_t pg_range(pg_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    if (span == UINT64_MAX)
        return (int64_t)pg_u64(r);
    return (int64_t)((uint64_t)lo + pg_below(r, span + 1));
}

bool pg_pct(pg_rng *r, int pct)
{
    return (int)pg_below(r, 100) < pct;
}

/* ---- schemas ---- */

int pg_field_scalar(af_field *f, const char *name, af_type t, bool nullable)
{
    return af_field_init(f, name, t, nullable);
}

int pg_field_list(af_field *f, const char *name, bool nullable, const af_field *item)
{
    int rc = af_field_init(f, name, af_type_make(AF_TYPE_LIST), nullable);
    if (rc)
        return rc;
    af_field it;
    rc = af_field_copy(&it, item);
    if (!rc) {
        free(it.name);
        it.name = af_strdup("item");
        rc = it.name ? af_field_add_child(f, &it) : AF_ENOMEM;
        af_field_free(&it);
    }
    if (rc)
        af_field_free(f);
    return rc;
}

int pg_field_map(af_field *f, const char *name, bool nullable, const af_field *key,
                 const af_field *value)
{
    int rc = af_field_init(f, name, af_type_make(AF_TYPE_MAP), nullable);
    if (rc)
        return rc;
    af_field en, k, v;
    memset(&k, 0, sizeof k);
    memset(&v, 0, sizeof v);
    rc = af_field_init(&en, "entries", af_type_make(AF_TYPE_STRUCT), false);
    if (rc) {
        af_field_free(f);
        return rc;
    }
    if (!(rc = af_field_copy(&k, key)) && !(rc = af_field_copy(&v, value))) {
        free(k.name);
        free(v.name);
        k.name = af_strdup("key");
        v.name = af_strdup("value");
        k.nullable = false;
        if (!k.name || !v.name)
            rc = AF_ENOMEM;
        if (!rc)
            rc = af_field_add_child(&en, &k);
        if (!rc)
            rc = af_field_add_child(&en, &v);
        if (!rc)
            rc = af_field_add_child(f, &en);
    }
    af_field_free(&k);
    af_field_free(&v);
    af_field_free(&en);
    if (rc)
        af_field_free(f);
    return rc;
}

int pg_field_struct(af_field *f, const char *name, bool nullable)
{
    return af_field_init(f, name, af_type_make(AF_TYPE_STRUCT), nullable);
}

af_type pg_random_scalar(pg_rng *r, bool seconds, bool null_type, bool map_key)
{
    static const af_type_id ids[] = {
        AF_TYPE_BOOL,      AF_TYPE_INT8,    AF_TYPE_INT16,   AF_TYPE_INT32,
        AF_TYPE_INT64,     AF_TYPE_FLOAT32, AF_TYPE_FLOAT64, AF_TYPE_DECIMAL,
        AF_TYPE_STRING,    AF_TYPE_BINARY,  AF_TYPE_DATE,    AF_TYPE_TIME,
        AF_TYPE_TIMESTAMP, AF_TYPE_UUID,    AF_TYPE_JSON,    AF_TYPE_NULL,
    };
    size_t n = sizeof ids / sizeof ids[0];
    for (;;) {
        af_type_id id = ids[pg_below(r, n)];
        if (id == AF_TYPE_NULL && (!null_type || map_key))
            continue;
        if (map_key && (id == AF_TYPE_FLOAT32 || id == AF_TYPE_FLOAT64))
            continue;
        af_time_unit lo = seconds ? AF_UNIT_SECOND : AF_UNIT_MILLI;
        af_time_unit unit = (af_time_unit)pg_range(r, lo, AF_UNIT_NANO);
        switch (id) {
        case AF_TYPE_DECIMAL: {
            int p = (int)pg_range(r, 1, AF_DECIMAL_MAX_PRECISION);
            return af_type_decimal(p, (int)pg_range(r, 0, p));
        }
        case AF_TYPE_TIME: return af_type_time(unit);
        case AF_TYPE_TIMESTAMP: return af_type_timestamp(unit, pg_pct(r, 50) ? "UTC" : NULL);
        default: return af_type_make(id);
        }
    }
}

int pg_random_field(pg_rng *r, const pg_schema_opts *o, int depth, const char *name, af_field *out)
{
    bool nullable = pg_pct(r, 60);
    if (depth < o->max_depth && pg_pct(r, o->nested_pct)) {
        int kind = (int)pg_below(r, 3);
        int rc;
        if (kind == 0) {
            if ((rc = pg_field_struct(out, name, nullable)))
                return rc;
            int n = (int)pg_range(r, 1, 4);
            for (int i = 0; i < n && !rc; i++) {
                char cn[16];
                snprintf(cn, sizeof cn, "f%d", i);
                af_field c;
                if ((rc = pg_random_field(r, o, depth + 1, cn, &c)))
                    break;
                rc = af_field_add_child(out, &c);
                af_field_free(&c);
            }
            if (rc)
                af_field_free(out);
            return rc;
        }
        af_field a, b;
        memset(&b, 0, sizeof b);
        if (kind == 1) {
            if ((rc = pg_random_field(r, o, depth + 1, "item", &a)))
                return rc;
            rc = pg_field_list(out, name, nullable, &a);
        } else {
            if ((rc = pg_field_scalar(&a, "key", pg_random_scalar(r, o->seconds, false, true),
                                      false)))
                return rc;
            if ((rc = pg_random_field(r, o, depth + 1, "value", &b))) {
                af_field_free(&a);
                return rc;
            }
            rc = pg_field_map(out, name, nullable, &a, &b);
        }
        af_field_free(&a);
        af_field_free(&b);
        return rc;
    }
    af_type t = pg_random_scalar(r, o->seconds, o->null_type, false);
    return pg_field_scalar(out, name, t, t.id == AF_TYPE_NULL ? true : nullable);
}

af_schema *pg_random_schema(pg_rng *r, const pg_schema_opts *o)
{
    af_schema *s = af_schema_new();
    if (!s)
        return NULL;
    int n = (int)pg_range(r, o->min_fields, o->max_fields);
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%d", i);
        af_field f;
        if (pg_random_field(r, o, 0, name, &f)) {
            af_schema_free(s);
            return NULL;
        }
        int rc = af_schema_add(s, &f);
        af_field_free(&f);
        if (rc) {
            af_schema_free(s);
            return NULL;
        }
    }
    return s;
}

static int normalise_field(af_field *f)
{
    if ((f->type.id == AF_TYPE_TIME || f->type.id == AF_TYPE_TIMESTAMP) &&
        f->type.unit == AF_UNIT_SECOND) {
        af_type t = f->type;
        t.unit = AF_UNIT_MILLI;
        int rc = af_field_set_type(f, t);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < f->n_children; i++) {
        int rc = normalise_field(&f->children[i]);
        if (rc)
            return rc;
    }
    return 0;
}

af_schema *pg_expected_schema(const af_schema *s)
{
    af_schema *e = af_schema_copy(s);
    for (size_t i = 0; e && i < e->n_fields; i++)
        if (normalise_field(&e->fields[i])) {
            af_schema_free(e);
            return NULL;
        }
    return e;
}

static void field_type_text(const af_field *f, af_buf *out)
{
    af_field_format_type(f, out);
    af_buf_append_str(out, f->nullable ? "" : " not null");
}

bool pg_field_equal(const af_field *a, const af_field *b, af_buf *why)
{
    bool eq = strcmp(a->name, b->name) == 0 && af_type_equal(&a->type, &b->type) &&
              a->nullable == b->nullable && a->n_children == b->n_children;
    for (size_t i = 0; eq && i < a->n_children; i++)
        eq = pg_field_equal(&a->children[i], &b->children[i], NULL);
    if (!eq && why) {
        af_buf_printf(why, "field '%s': expected ", a->name);
        field_type_text(a, why);
        af_buf_printf(why, ", got '%s' ", b->name);
        field_type_text(b, why);
    }
    return eq;
}

/* ---- data ---- */

void pg_random_profile(pg_rng *r, pg_profile *p)
{
    memset(p, 0, sizeof *p);
    static const int nulls[] = {0, 0, 10, 10, 50, 100};
    p->null_pct = nulls[pg_below(r, sizeof nulls / sizeof nulls[0])];
    p->card = pg_pct(r, 50) ? (int)pg_range(r, 1, 24) : 0;
    p->pool_seed = pg_u64(r);
    int s = (int)pg_below(r, 10);
    p->max_str = s < 5 ? 16 : s < 8 ? 200 : 4000;
    p->max_list = pg_pct(r, 80) ? (int)pg_range(r, 0, 6) : 40;
    p->specials = pg_pct(r, 50);
}

static af_int128 pow10_i128(int n)
{
    af_int128 v = 1;
    for (int i = 0; i < n; i++)
        v *= 10;
    return v;
}

static int64_t gen_int(pg_rng *r, const pg_profile *p, int bits)
{
    int64_t max = bits == 64 ? INT64_MAX : (int64_t)((1ull << (bits - 1)) - 1);
    int64_t min = -max - 1;
    if (p->specials && pg_pct(r, 15)) {
        const int64_t e[] = {min, max, 0, -1, 1, min + 1, max - 1};
        return e[pg_below(r, sizeof e / sizeof e[0])];
    }
    /* mixed magnitudes, so delta and bit widths vary */
    int w = (int)pg_range(r, 1, bits - 1);
    int64_t m = (int64_t)(pg_u64(r) & ((w >= 63 ? ~0ull >> 1 : (1ull << w) - 1)));
    return pg_pct(r, 30) ? -m - (m == max ? 0 : 1) : m;
}

static uint32_t gen_f32(pg_rng *r, const pg_profile *p)
{
    if (p->specials && pg_pct(r, 25)) {
        const uint32_t e[] = {0x7fc00000u, 0xffc00000u, 0x7f800001u, 0x7fc12345u, 0xffbfffffu,
                              0x7f800000u, 0xff800000u, 0x80000000u, 0x00000000u, 0x00000001u,
                              0x807fffffu, 0x7f7fffffu, 0xff7fffffu};
        uint32_t v = e[pg_below(r, sizeof e / sizeof e[0])];
        if (v == 0x7fc12345u) /* a random quiet NaN payload */
            v = 0x7fc00000u | (uint32_t)(pg_u64(r) & 0x3fffffu) | (uint32_t)(pg_u64(r) & 1) << 31;
        return v;
    }
    float f = (float)ldexp((double)pg_range(r, -(1 << 20), 1 << 20), (int)pg_range(r, -20, 10));
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t gen_f64(pg_rng *r, const pg_profile *p)
{
    if (p->specials && pg_pct(r, 25)) {
        const uint64_t e[] = {0x7ff8000000000000ull, 0xfff8000000000000ull, 0x7ff0000000000001ull,
                              0x7ff8123456789abcull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
                              0x8000000000000000ull, 0x0000000000000000ull, 0x0000000000000001ull,
                              0x7fefffffffffffffull, 0xffefffffffffffffull};
        uint64_t v = e[pg_below(r, sizeof e / sizeof e[0])];
        if (v == 0x7ff8123456789abcull)
            v = 0x7ff8000000000000ull | (pg_u64(r) & 0x0007ffffffffffffull) | (pg_u64(r) & 1) << 63;
        return v;
    }
    double d = ldexp((double)pg_range(r, -(1ll << 40), 1ll << 40), (int)pg_range(r, -40, 20));
    if (!p->tame && pg_pct(r, 20)) { /* any finite bit pattern */
        uint64_t u;
        do
            u = pg_u64(r);
        while (((u >> 52) & 0x7ff) == 0x7ff);
        return u;
    }
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static af_int128 gen_decimal(pg_rng *r, const pg_profile *p, int precision)
{
    af_int128 lim = pow10_i128(precision);
    if (p->specials && pg_pct(r, 15)) {
        af_int128 e[] = {lim - 1, -(lim - 1), 0, 1, -1};
        return e[pg_below(r, sizeof e / sizeof e[0])];
    }
    int digits = (int)pg_range(r, 1, precision);
    af_int128 m = pow10_i128(digits);
    unsigned __int128 u = ((unsigned __int128)pg_u64(r) << 64) | pg_u64(r);
    af_int128 v = (af_int128)(u % (unsigned __int128)m);
    return pg_pct(r, 40) ? -v : v;
}

static size_t gen_len(pg_rng *r, const pg_profile *p)
{
    int k = (int)pg_below(r, 100);
    if (k < 8)
        return 0;
    if (k < 88)
        return (size_t)pg_range(r, 1, p->max_str < 12 ? p->max_str : 12);
    return (size_t)pg_range(r, 1, p->max_str);
}

/* Valid UTF-8 of about `target` bytes: ASCII and 2-, 3- and 4-byte
 * characters; untamed text also has control characters, quotes and
 * backslashes. */
static void gen_text(pg_rng *r, const pg_profile *p, size_t target, af_buf *out)
{
    static const char *multi[] = {"\xc3\xa9",     "\xe2\x82\xac", "\xf0\x9d\x84\x9e",
                                  "\xe6\x97\xa5", "\xd0\x96",     "\xf0\x9f\x98\x80"};
    static const char *wild[] = {"\n", "\t", "\"", "\\", "\x01", "\x7f", "\r\n"};
    while (out->len < target) {
        int k = (int)pg_below(r, 100);
        if (k < 70)
            af_buf_append_byte(out, (uint8_t)pg_range(r, 0x20, 0x7e));
        else if (k < 95 || p->tame)
            af_buf_append_str(out, multi[pg_below(r, sizeof multi / sizeof multi[0])]);
        else
            af_buf_append_str(out, wild[pg_below(r, sizeof wild / sizeof wild[0])]);
    }
}

static void gen_json(pg_rng *r, af_buf *out)
{
    switch (pg_below(r, 5)) {
    case 0:
        af_buf_printf(out, "{\"id\":%lld,\"tag\":\"t%d\",\"ok\":%s}",
                      (long long)pg_range(r, -999, 999999), (int)pg_below(r, 50),
                      pg_pct(r, 50) ? "true" : "false");
        break;
    case 1: {
        af_buf_append_byte(out, '[');
        int n = (int)pg_below(r, 5);
        for (int i = 0; i < n; i++)
            af_buf_printf(out, "%s%d", i ? "," : "", (int)pg_range(r, -100, 100));
        af_buf_append_byte(out, ']');
        break;
    }
    case 2: af_buf_printf(out, "%lld", (long long)pg_range(r, -1000000, 1000000)); break;
    case 3: af_buf_printf(out, "\"s\\u00e9%d\"", (int)pg_below(r, 1000)); break;
    default: af_buf_append_str(out, pg_pct(r, 50) ? "null" : "{\"a\":{\"b\":[1,{\"c\":null}]}}");
    }
}

/* Replaces the last 4 or 8 data bytes (the value just appended). */
static void patch_last(af_array *a, const void *bits, size_t w)
{
    memcpy(a->data.data + a->data.len - w, bits, w);
}

static int gen_scalar(pg_rng *r, af_array *a, const pg_profile *p)
{
    const af_type *t = &a->field->type;
    int rc;
    switch (t->id) {
    case AF_TYPE_NULL: return af_array_append_null(a);
    case AF_TYPE_BOOL: return af_array_append_bool(a, (pg_u64(r) & 1) != 0);
    case AF_TYPE_INT8: return af_array_append_int(a, gen_int(r, p, 8));
    case AF_TYPE_INT16: return af_array_append_int(a, gen_int(r, p, 16));
    case AF_TYPE_INT32: return af_array_append_int(a, gen_int(r, p, 32));
    case AF_TYPE_INT64: return af_array_append_int(a, gen_int(r, p, 64));
    case AF_TYPE_FLOAT32: {
        uint32_t u = gen_f32(r, p);
        if ((rc = af_array_append_double(a, 0.0)))
            return rc;
        patch_last(a, &u, 4);
        return 0;
    }
    case AF_TYPE_FLOAT64: {
        uint64_t u = gen_f64(r, p);
        if ((rc = af_array_append_double(a, 0.0)))
            return rc;
        patch_last(a, &u, 8);
        return 0;
    }
    case AF_TYPE_DECIMAL: return af_array_append_decimal(a, gen_decimal(r, p, t->precision));
    case AF_TYPE_DATE:
        if (p->tame)
            return af_array_append_int(a, pg_range(r, -719162, 2932896)); /* 0001..9999 */
        if (p->specials && pg_pct(r, 10))
            return af_array_append_int(a, pg_pct(r, 50) ? INT32_MIN : INT32_MAX);
        return af_array_append_int(a, pg_range(r, -1000000, 1000000));
    case AF_TYPE_TIME: {
        static const int64_t day[] = {86400ll, 86400000ll, 86400000000ll, 86400000000000ll};
        int64_t v = pg_range(r, 0, day[t->unit] - 1);
        if (p->specials && pg_pct(r, 10))
            v = pg_pct(r, 50) ? 0 : day[t->unit] - 1;
        if (p->tame && t->unit == AF_UNIT_NANO)
            v -= v % 1000;
        return af_array_append_int(a, v);
    }
    case AF_TYPE_TIMESTAMP: {
        /* seconds of 0001-01-01 and 9999-12-31T23:59:59 */
        const int64_t lo_s = -62135596800ll, hi_s = 253402300799ll;
        static const int64_t mul[] = {1, 1000, 1000000, 1000000000};
        int64_t v;
        if (t->unit == AF_UNIT_NANO)
            v = p->tame ? pg_range(r, -8000000000000000000ll, 8000000000000000000ll)
                        : (int64_t)pg_u64(r);
        else if (p->tame)
            v = pg_range(r, lo_s, hi_s) * mul[t->unit] + pg_range(r, 0, mul[t->unit] - 1);
        else if (t->unit == AF_UNIT_SECOND) /* must survive * 1000 */
            v = pg_range(r, INT64_MIN / 1000, INT64_MAX / 1000);
        else
            v = (int64_t)pg_u64(r);
        if (!p->tame && p->specials && pg_pct(r, 10))
            v = t->unit == AF_UNIT_SECOND ? INT64_MAX / 1000
                : pg_pct(r, 50)           ? INT64_MIN
                                          : INT64_MAX;
        if (p->tame && t->unit == AF_UNIT_NANO && t->timezone)
            v -= v % 1000; /* DuckDB reads instants in microseconds */
        return af_array_append_int(a, v);
    }
    case AF_TYPE_UUID: {
        uint64_t u[2] = {pg_u64(r), pg_u64(r)};
        return af_array_append_bytes(a, u, 16);
    }
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
    case AF_TYPE_BINARY: {
        af_buf b;
        af_buf_init(&b);
        if (t->id == AF_TYPE_STRING)
            gen_text(r, p, gen_len(r, p), &b);
        else if (t->id == AF_TYPE_JSON)
            gen_json(r, &b);
        else {
            size_t n = gen_len(r, p);
            for (size_t i = 0; i < n; i++)
                af_buf_append_byte(&b, (uint8_t)pg_u64(r));
        }
        rc = af_buf_reserve(&b, 1); /* b.data is never NULL below */
        if (!rc)
            rc = af_array_append_bytes(a, b.data, b.len);
        af_buf_free(&b);
        return rc;
    }
    default: return AF_EINTERNAL;
    }
}

static int gen_value(pg_rng *r, af_array *a, const pg_profile *p);

/* Is key k of a map row a repeat of an earlier one (from index start)? */
static bool key_repeats(const af_array *keys, int64_t start, int64_t k)
{
    bool dup = false;
    af_buf x, y;
    af_buf_init(&x);
    af_buf_init(&y);
    af_array_format_json(keys, k, &x);
    for (int64_t i = start; !dup && i < k; i++) {
        af_buf_reset(&y);
        af_array_format_json(keys, i, &y);
        dup = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
    }
    af_buf_free(&x);
    af_buf_free(&y);
    return dup;
}

static int gen_entries(pg_rng *r, af_array *a, const pg_profile *p)
{
    int64_t n = pg_pct(r, 15) ? 0 : pg_range(r, 0, p->max_list);
    int64_t done = 0;
    int rc = 0;
    if (a->field->type.id == AF_TYPE_LIST) {
        for (; !rc && done < n; done++)
            rc = gen_value(r, &a->children[0], p);
        return rc ? rc : af_array_append_list_row(a, n);
    }
    /* map: unique, non-null keys; a key that keeps repeating ends the row */
    af_array *en = &a->children[0], *keys = &en->children[0], *vals = &en->children[1];
    int64_t start = keys->length;
    for (; !rc && done < n; done++) {
        int tries = 0;
        for (;;) {
            if ((rc = gen_scalar(r, keys, p)))
                return rc;
            if (!key_repeats(keys, start, keys->length - 1))
                break;
            if ((rc = af_array_truncate(keys, keys->length - 1)))
                return rc;
            if (++tries == 4)
                break;
        }
        if (tries == 4)
            break;
        if ((rc = gen_value(r, vals, p)) || (rc = af_array_append_struct_row(en)))
            return rc;
    }
    return rc ? rc : af_array_append_list_row(a, done);
}

static int gen_value(pg_rng *r, af_array *a, const pg_profile *p)
{
    if (a->field->nullable && (a->field->type.id == AF_TYPE_NULL || pg_pct(r, p->null_pct)))
        return af_array_append_null(a);
    switch (a->field->type.id) {
    case AF_TYPE_STRUCT:
        for (size_t i = 0; i < a->n_children; i++) {
            int rc = gen_value(r, &a->children[i], p);
            if (rc)
                return rc;
        }
        return af_array_append_struct_row(a);
    case AF_TYPE_LIST:
    case AF_TYPE_MAP: return gen_entries(r, a, p);
    default: return gen_scalar(r, a, p);
    }
}

int pg_append_value(pg_rng *r, af_array *a, const pg_profile *p)
{
    if (p->card > 0) {
        /* from the pool: value k always comes out the same (nulls too) */
        pg_rng sub;
        pg_seed(&sub, p->pool_seed ^ (pg_below(r, (uint64_t)p->card) * 0x9E3779B97F4A7C15ull));
        pg_profile q = *p;
        q.card = 0;
        return gen_value(&sub, a, &q);
    }
    return gen_value(r, a, p);
}

int pg_fill_batch(pg_rng *r, af_batch *b, int64_t rows, const pg_profile *profiles)
{
    for (int64_t i = 0; i < rows; i++)
        for (size_t c = 0; c < b->schema->n_fields; c++) {
            int rc = pg_append_value(r, &b->columns[c], &profiles[c]);
            if (rc)
                return rc;
        }
    af_error err;
    return af_batch_seal(b, &err);
}

/* ---- comparison ---- */

void pg_format_value(const af_array *a, int64_t i, af_buf *out)
{
    af_array_format_json(a, i, out);
    if (!af_array_is_valid(a, i))
        return;
    if (a->field->type.id == AF_TYPE_FLOAT32) {
        uint32_t u;
        memcpy(&u, a->data.data + 4 * i, 4);
        af_buf_printf(out, " (bits 0x%08x)", u);
    } else if (a->field->type.id == AF_TYPE_FLOAT64) {
        uint64_t u;
        memcpy(&u, a->data.data + 8 * i, 8);
        af_buf_printf(out, " (bits 0x%016llx)", (unsigned long long)u);
    }
}

static int32_t offset_at(const af_array *a, int64_t i)
{
    int32_t o;
    memcpy(&o, a->offsets.data + 4 * i, 4);
    return o;
}

static bool differ(const af_array *e, int64_t i, const af_array *g, int64_t j, const char *path,
                   const char *what, af_buf *why)
{
    if (why) {
        af_buf_printf(why, "%s: %s: expected ", path, what);
        pg_format_value(e, i, why);
        af_buf_append_str(why, ", got ");
        pg_format_value(g, j, why);
    }
    return false;
}

static bool veq(const af_array *e, int64_t i, const af_array *g, int64_t j, const char *path,
                af_buf *why)
{
    const af_type *te = &e->field->type, *tg = &g->field->type;
    if (te->id != tg->id)
        return differ(e, i, g, j, path, "types differ", why);
    if (i >= e->length || j >= g->length)
        return differ(e, 0, g, 0, path, "index past the end", why);
    bool ev = af_array_is_valid(e, i), gv = af_array_is_valid(g, j);
    if (ev != gv)
        return differ(e, i, g, j, path, "null differs", why);
    if (!ev)
        return true;
    bool eq = true;
    switch (te->id) {
    case AF_TYPE_NULL: break;
    case AF_TYPE_BOOL: eq = af_array_get_bool(e, i) == af_array_get_bool(g, j); break;
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64:
    case AF_TYPE_DATE: eq = af_array_get_int(e, i) == af_array_get_int(g, j); break;
    case AF_TYPE_TIME:
    case AF_TYPE_TIMESTAMP: {
        int64_t x = af_array_get_int(e, i), y = af_array_get_int(g, j);
        if (te->unit == AF_UNIT_SECOND && tg->unit == AF_UNIT_MILLI) {
            eq = (x < 0 ? -x : x) <= INT64_MAX / 1000 && x * 1000 == y;
        } else
            eq = te->unit == tg->unit && x == y;
        break;
    }
    case AF_TYPE_FLOAT32: eq = memcmp(e->data.data + 4 * i, g->data.data + 4 * j, 4) == 0; break;
    case AF_TYPE_FLOAT64: eq = memcmp(e->data.data + 8 * i, g->data.data + 8 * j, 8) == 0; break;
    case AF_TYPE_DECIMAL: eq = af_array_get_decimal(e, i) == af_array_get_decimal(g, j); break;
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
    case AF_TYPE_BINARY:
    case AF_TYPE_UUID: {
        size_t n1 = 0, n2 = 0;
        const uint8_t *p1 = af_array_get_bytes(e, i, &n1), *p2 = af_array_get_bytes(g, j, &n2);
        eq = n1 == n2 && (n1 == 0 || memcmp(p1, p2, n1) == 0);
        break;
    }
    case AF_TYPE_STRUCT:
        if (e->n_children != g->n_children)
            return differ(e, i, g, j, path, "member counts differ", why);
        for (size_t c = 0; c < e->n_children; c++) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s.%s", path, e->children[c].field->name);
            if (!veq(&e->children[c], i, &g->children[c], j, sub, why))
                return false;
        }
        return true;
    case AF_TYPE_LIST:
    case AF_TYPE_MAP: {
        int32_t eo = offset_at(e, i), en = offset_at(e, i + 1) - eo;
        int32_t go = offset_at(g, j), gn = offset_at(g, j + 1) - go;
        if (en != gn)
            return differ(e, i, g, j, path, "entry counts differ", why);
        for (int32_t k = 0; k < en; k++) {
            char sub[512];
            snprintf(sub, sizeof sub, "%s[%d]", path, (int)k);
            if (!veq(&e->children[0], eo + k, &g->children[0], go + k, sub, why))
                return false;
        }
        return true;
    }
    default: eq = false;
    }
    return eq ? true : differ(e, i, g, j, path, "values differ", why);
}

bool pg_value_equal(const af_array *exp, int64_t i, const af_array *got, int64_t j, af_buf *why)
{
    return veq(exp, i, got, j, exp->field->name, why);
}

/* ---- writing ---- */

int pg_buf_sink_write(void *ctx, const void *data, size_t n, af_error *err)
{
    if (af_buf_append(ctx, data, n))
        return af_error_set(err, AF_ENOMEM, "out of memory in the test sink");
    return 0;
}

af_byte_sink pg_buf_sink(af_buf *b)
{
    af_byte_sink s = {pg_buf_sink_write, b};
    return s;
}

const char *pg_codec_name(int codec)
{
    switch (codec) {
    case AF_CODEC_UNCOMPRESSED: return "uncompressed";
    case AF_CODEC_SNAPPY: return "snappy";
    case AF_CODEC_GZIP: return "gzip";
    case AF_CODEC_BROTLI: return "brotli";
    case AF_CODEC_LZ4: return "lz4";
    case AF_CODEC_ZSTD: return "zstd";
    case AF_CODEC_LZ4_RAW: return "lz4_raw";
    default: return "?";
    }
}
