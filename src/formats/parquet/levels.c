/* levels.c - shredding nested arrays into definition/repetition levels and
 * assembling them back (see levels.h for the layout). */
#include "formats/parquet/levels.h"

#include <stdlib.h>
#include <string.h>

static int32_t offset_at(const af_array *a, int64_t i)
{
    int32_t v;
    memcpy(&v, a->offsets.data + (size_t)i * sizeof v, sizeof v);
    return v;
}

static bool is_repeated(const af_field *f)
{
    return f->type.id == AF_TYPE_LIST || f->type.id == AF_TYPE_MAP;
}

size_t af_pq_leaf_count(const af_field *f)
{
    if (f->type.id == AF_TYPE_STRUCT) {
        size_t n = 0;
        for (size_t i = 0; i < f->n_children; i++)
            n += af_pq_leaf_count(&f->children[i]);
        return n;
    }
    if (is_repeated(f))
        return f->n_children ? af_pq_leaf_count(&f->children[0]) : 0;
    return 1;
}

static size_t init_rec(const af_field *f, int16_t def, int16_t rep, af_pq_levels *out)
{
    if (f->nullable)
        def++;
    if (f->type.id == AF_TYPE_STRUCT) {
        size_t n = 0;
        for (size_t i = 0; i < f->n_children; i++)
            n += init_rec(&f->children[i], def, rep, out + n);
        return n;
    }
    if (is_repeated(f))
        return f->n_children
                   ? init_rec(&f->children[0], (int16_t)(def + 1), (int16_t)(rep + 1), out)
                   : 0;
    memset(out, 0, sizeof *out);
    out->leaf = f;
    out->max_def = def;
    out->max_rep = rep;
    return 1;
}

void af_pq_levels_init(const af_field *f, af_pq_levels *leaves)
{
    init_rec(f, 0, 0, leaves);
}

void af_pq_levels_clear(af_pq_levels *leaves, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        leaves[i].n = 0;
        leaves[i].n_values = 0;
        leaves[i].values = NULL;
    }
}

void af_pq_levels_free(af_pq_levels *leaves, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(leaves[i].def);
        free(leaves[i].rep);
        free(leaves[i].value_index);
        leaves[i].def = leaves[i].rep = NULL;
        leaves[i].value_index = NULL;
        leaves[i].n = leaves[i].cap = leaves[i].n_values = leaves[i].value_cap = 0;
    }
}

static int push_level(af_pq_levels *l, int16_t def, int16_t rep)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        int16_t *d = realloc(l->def, cap * sizeof *d);
        if (!d)
            return AF_ENOMEM;
        l->def = d;
        int16_t *r = realloc(l->rep, cap * sizeof *r);
        if (!r)
            return AF_ENOMEM;
        l->rep = r;
        l->cap = cap;
    }
    l->def[l->n] = def;
    l->rep[l->n] = rep;
    l->n++;
    return AF_OK;
}

static int push_value(af_pq_levels *l, const af_array *a, int64_t i)
{
    if (l->n_values == l->value_cap) {
        size_t cap = l->value_cap ? l->value_cap * 2 : 1024;
        int64_t *v = realloc(l->value_index, cap * sizeof *v);
        if (!v)
            return AF_ENOMEM;
        l->value_index = v;
        l->value_cap = cap;
    }
    l->values = a;
    l->value_index[l->n_values++] = i;
    return AF_OK;
}

/* Every leaf under f gets one entry saying "absent at this depth". */
static int emit_absent(const af_field *f, af_pq_levels *leaves, int16_t def, int16_t rep)
{
    size_t n = af_pq_leaf_count(f);
    for (size_t i = 0; i < n; i++) {
        int rc = push_level(&leaves[i], def, rep);
        if (rc)
            return rc;
    }
    return AF_OK;
}

static int shred_value(const af_field *f, const af_array *a, int64_t i, int16_t def, int16_t rep,
                       int16_t depth, af_pq_levels *leaves, af_error *err)
{
    if (!af_array_is_valid(a, i)) {
        if (!f->nullable)
            return af_error_set(err, AF_EINVAL,
                                "field '%s' is declared not nullable but holds a null", f->name);
        return emit_absent(f, leaves, def, rep);
    }
    if (f->nullable)
        def++;
    int rc = AF_OK;
    switch (f->type.id) {
    case AF_TYPE_STRUCT: {
        size_t off = 0;
        for (size_t c = 0; !rc && c < f->n_children; c++) {
            rc = shred_value(&f->children[c], &a->children[c], i, def, rep, depth, leaves + off,
                             err);
            off += af_pq_leaf_count(&f->children[c]);
        }
        return rc;
    }
    case AF_TYPE_LIST:
    case AF_TYPE_MAP: {
        int32_t s = offset_at(a, i), e = offset_at(a, i + 1);
        if (s == e || !f->n_children)
            return emit_absent(f, leaves, def, rep);
        for (int32_t j = s; !rc && j < e; j++)
            rc =
                shred_value(&f->children[0], &a->children[0], j, (int16_t)(def + 1),
                            j == s ? rep : (int16_t)(depth + 1), (int16_t)(depth + 1), leaves, err);
        return rc;
    }
    default: rc = push_level(&leaves[0], def, rep); return rc ? rc : push_value(&leaves[0], a, i);
    }
}

int af_pq_shred(const af_field *f, const af_array *a, int64_t row_start, int64_t row_end,
                af_pq_levels *leaves, af_error *err)
{
    if (row_start < 0 || row_end > a->length || row_start > row_end)
        return af_error_set(err, AF_EINVAL, "shred of rows %lld..%lld of a %lld-row column '%s'",
                            (long long)row_start, (long long)row_end, (long long)a->length,
                            f->name);
    for (int64_t i = row_start; i < row_end; i++) {
        int rc = shred_value(f, a, i, 0, 0, 0, leaves, err);
        if (rc) {
            if (rc == AF_ENOMEM)
                af_error_set(err, rc, "out of memory shredding column '%s'", f->name);
            return rc;
        }
    }
    return AF_OK;
}

/* ---- assembly ---- */

typedef struct assembler {
    const af_field *top;
    af_error *err;
} assembler;

static int corrupt(assembler *as, const char *what)
{
    return af_error_set(as->err, AF_EPARSE, "column '%s': %s", as->top->name, what);
}

static int16_t def_at(const af_pq_leaf_stream *s)
{
    return s->def ? s->def[s->pos] : s->max_def;
}

static int16_t rep_at(const af_pq_leaf_stream *s)
{
    return s->rep ? s->rep[s->pos] : 0;
}

/* Consumes the single entry each leaf under f has for an absent slot. */
static int skip_absent(assembler *as, const af_field *f, af_pq_leaf_stream *leaves,
                       int16_t def_limit)
{
    size_t n = af_pq_leaf_count(f);
    for (size_t i = 0; i < n; i++) {
        if (leaves[i].pos >= leaves[i].n)
            return corrupt(as, "levels end before the rows do");
        if (def_at(&leaves[i]) >= def_limit)
            return corrupt(as, "leaves disagree on where a value is absent");
        leaves[i].pos++;
    }
    return AF_OK;
}

/* Reads one slot of field f. `def` is the definition level at which the
 * slot exists, `depth` the number of repeated ancestors. */
static int read_slot(assembler *as, const af_field *f, af_array *out, int16_t def, int16_t depth,
                     af_pq_leaf_stream *leaves)
{
    af_pq_leaf_stream *first = &leaves[0];
    if (first->pos >= first->n)
        return corrupt(as, "levels end before the rows do");
    int16_t d = def_at(first);
    int16_t valid_def = (int16_t)(def + (f->nullable ? 1 : 0));
    int rc;
    if (d < valid_def) {
        if (!f->nullable)
            return corrupt(as, "a definition level is below the one its required field needs");
        rc = skip_absent(as, f, leaves, valid_def);
        return rc ? rc : af_array_append_null(out);
    }
    switch (f->type.id) {
    case AF_TYPE_STRUCT: {
        size_t off = 0;
        for (size_t c = 0; c < f->n_children; c++) {
            rc = read_slot(as, &f->children[c], &out->children[c], valid_def, depth, leaves + off);
            if (rc)
                return rc;
            off += af_pq_leaf_count(&f->children[c]);
        }
        return af_array_append_struct_row(out);
    }
    case AF_TYPE_LIST:
    case AF_TYPE_MAP: {
        if (!f->n_children)
            return corrupt(as, "a list without an element field");
        if (d == valid_def) { /* present and empty */
            rc = skip_absent(as, f, leaves, (int16_t)(valid_def + 1));
            return rc ? rc : af_array_append_list_row(out, 0);
        }
        int64_t count = 0;
        int16_t item_depth = (int16_t)(depth + 1);
        do {
            rc = read_slot(as, &f->children[0], &out->children[0], (int16_t)(valid_def + 1),
                           item_depth, leaves);
            if (rc)
                return rc;
            count++;
        } while (first->pos < first->n && rep_at(first) == item_depth);
        if (first->pos < first->n && rep_at(first) > item_depth)
            return corrupt(as, "a repetition level is deeper than the schema allows");
        return af_array_append_list_row(out, count);
    }
    default:
        if (d != first->max_def)
            return corrupt(as, "a definition level is above its leaf's maximum");
        if (first->value_pos >= first->values->length)
            return corrupt(as, "fewer values than non-null definition levels");
        first->pos++;
        return af_array_append_from(out, first->values, first->value_pos++);
    }
}

/* A top-level scalar column: runs of present values are copied in bulk
 * (the common case, and the one worth making fast). */
/* True when the stream's values are exactly the next `rows` rows of an
 * empty output, none null: the buffers can move instead of being copied. */
static bool whole_and_dense(const af_array *out, const af_pq_leaf_stream *s, int64_t rows)
{
    if (out->length != 0 || s->pos != 0 || s->value_pos != 0 || s->n != (size_t)rows ||
        s->values->length != rows || out->field->type.id != s->values->field->type.id ||
        s->values->null_count != 0 || out->n_children || s->values->n_children)
        return false;
    for (size_t i = 0; s->def && i < s->n; i++)
        if (s->def[i] != s->max_def)
            return false;
    return true;
}

static void swap_buf(af_buf *a, af_buf *b)
{
    af_buf t = *a;
    *a = *b;
    *b = t;
}

static int assemble_flat(assembler *as, af_array *out, af_pq_leaf_stream *s, int64_t rows)
{
    if (s->n - s->pos < (size_t)rows)
        return corrupt(as, "levels end before the rows do");
    if (rows > 0 && whole_and_dense(out, s, rows)) {
        /* the decoded chunk is freed right after assembly, so its buffers
         * move into the column: one copy of the data fewer */
        af_array *v = (af_array *)s->values;
        swap_buf(&out->data, &v->data);
        swap_buf(&out->offsets, &v->offsets);
        out->length = rows;
        v->length = 0; /* what is left of it: nothing */
        s->pos = s->n;
        s->value_pos = 0;
        return AF_OK;
    }
    int rc = AF_OK;
    int64_t r = 0;
    while (!rc && r < rows) {
        int16_t d = def_at(s);
        if (d > s->max_def)
            return corrupt(as, "a definition level is above its leaf's maximum");
        if (d < s->max_def) {
            if (!as->top->nullable)
                return corrupt(as, "a definition level is below the one its required field "
                                   "needs");
            s->pos++;
            r++;
            rc = af_array_append_null(out);
            continue;
        }
        int64_t run = 1;
        while (r + run < rows && (!s->def || s->def[s->pos + (size_t)run] == s->max_def))
            run++;
        if (s->values->length - s->value_pos < run)
            return corrupt(as, "fewer values than non-null definition levels");
        rc = af_array_append_range(out, s->values, s->value_pos, run);
        s->value_pos += run;
        s->pos += (size_t)run;
        r += run;
    }
    if (rc && !as->err->msg[0])
        af_error_set(as->err, rc, "column '%s': cannot append its values", as->top->name);
    return rc;
}

int af_pq_assemble(const af_field *f, af_array *out, af_pq_leaf_stream *leaves, int64_t rows,
                   af_error *err)
{
    assembler as = {f, err};
    size_t n = af_pq_leaf_count(f);
    if (!af_type_is_nested(f->type.id) && !leaves[0].rep) {
        int rc = assemble_flat(&as, out, &leaves[0], rows);
        if (rc)
            return rc;
        rows = 0; /* the leftover check below still applies */
    }
    for (int64_t r = 0; r < rows; r++) {
        for (size_t i = 0; i < n; i++)
            if (leaves[i].pos < leaves[i].n && rep_at(&leaves[i]) != 0)
                return corrupt(&as, "a row starts with a non-zero repetition level");
        int rc = read_slot(&as, f, out, 0, 0, leaves);
        if (rc) {
            if (rc != AF_EPARSE && !err->msg[0])
                af_error_set(err, rc, "column '%s': cannot append row %lld", f->name, (long long)r);
            return rc;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (leaves[i].pos != leaves[i].n || leaves[i].value_pos != leaves[i].values->length)
            return corrupt(&as, "levels or values are left over after the last row");
    return AF_OK;
}
