/* table_layout.c - settles a lake table's schema when a write opens: the
 * stream's columns, the derived partition columns, and the table as it is
 * (schema evolution), and turns each input batch into rows of that schema.
 *
 * Types Delta cannot hold (time, uuid, the null type) are stored as
 * strings, exactly as affluent prints them, so nothing is lost and every
 * engine can read them.
 */
#include "lake/table_internal.h"

#include "core/log.h"
#include "core/values.h"

#include <stdlib.h>
#include <string.h>

void af_table_layout_free(af_table_layout *l)
{
    af_schema_free(l->schema);
    af_schema_free(l->data_schema);
    free(l->plan);
    for (size_t i = 0; i < l->n_specs; i++)
        af_partition_spec_free(&l->specs[i]);
    free(l->specs);
    af_strlist_free(&l->partition_columns);
    free(l->part_index);
    free(l->data_index);
    free(l->key_index);
    af_strlist_free(&l->changes);
    memset(l, 0, sizeof *l);
}

static int int_bits(af_type_id id)
{
    switch (id) {
    case AF_TYPE_INT8: return 8;
    case AF_TYPE_INT16: return 16;
    case AF_TYPE_INT32: return 32;
    case AF_TYPE_INT64: return 64;
    default: return 0;
    }
}

/* Decimal digits an integer type needs. */
static int int_digits(int bits)
{
    return bits == 8 ? 3 : bits == 16 ? 5 : bits == 32 ? 10 : 19;
}

bool af_type_widens_to(const af_type *from, const af_type *to)
{
    int fb = int_bits(from->id), tb = int_bits(to->id);
    if (fb && tb)
        return fb <= tb;
    if (fb && to->id == AF_TYPE_FLOAT64)
        return fb <= 32; /* int64 does not fit a double exactly */
    if (fb && to->id == AF_TYPE_DECIMAL)
        return to->precision - to->scale >= int_digits(fb);
    if (from->id == AF_TYPE_FLOAT32 && to->id == AF_TYPE_FLOAT64)
        return true;
    if (from->id == AF_TYPE_DECIMAL && to->id == AF_TYPE_DECIMAL)
        return to->scale >= from->scale &&
               to->precision - to->scale >= from->precision - from->scale;
    return false;
}

/* What a column of the input is stored as: Delta has no time or uuid. */
static int storage_field(const af_field *in, af_field *out)
{
    af_type_id id = in->type.id;
    if (id == AF_TYPE_TIME || id == AF_TYPE_UUID || id == AF_TYPE_NULL)
        return af_field_init(out, in->name, af_type_make(AF_TYPE_STRING),
                             id == AF_TYPE_NULL ? true : in->nullable);
    return af_field_copy(out, in);
}

static int note(af_table_layout *l, const char *table, const char *fmt, const char *col,
                const char *a, const char *b)
{
    af_buf t;
    af_buf_init(&t);
    int rc = af_buf_printf(&t, fmt, col, a ? a : "", b ? b : "");
    if (!rc)
        rc = af_strlist_push(&l->changes, af_buf_cstr(&t));
    if (!rc)
        af_log_fields(AF_LOG_INFO, "lake.schema", (af_log_field[]){AF_LF_S("table", table)}, 1,
                      "%s: %s", table, af_buf_cstr(&t));
    af_buf_free(&t);
    return rc;
}

static char *type_text(const af_field *f)
{
    af_buf t;
    af_buf_init(&t);
    char *s = af_field_format_type(f, &t) ? NULL : af_strdup(af_buf_cstr(&t));
    af_buf_free(&t);
    return s;
}

static int incompatible(const char *table, const af_field *have, const af_field *got, af_error *err)
{
    char *a = type_text(have), *b = type_text(got);
    af_error_set(err, AF_ECONFIG,
                 "%s: column %s is %s in the table but the stream gives %s; cast it in the "
                 "pipeline, or set on_schema_change: new_table_version to start a new version of "
                 "the table with the stream's schema",
                 table, have->name, a ? a : "?", b ? b : "?");
    free(a);
    free(b);
    return AF_ECONFIG;
}

/* The stream's own table schema: its columns (minus the delete column),
 * stored types, then the derived partition columns. */
static int schema_from_input(const af_schema *input, const af_table_options *o, af_table_layout *l,
                             af_schema *s, af_error *err)
{
    for (size_t i = 0; i < input->n_fields; i++) {
        if ((long)i == l->delete_input)
            continue;
        af_field f;
        if (storage_field(&input->fields[i], &f))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        int rc = af_schema_add(s, &f);
        af_field_free(&f);
        if (rc)
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < l->n_specs; i++) {
        const af_partition_spec *sp = &l->specs[i];
        long src = af_schema_find(input, sp->source);
        if (src < 0 || src == l->delete_input)
            return af_error_set(err, AF_ECONFIG, "partition_by '%s': the stream has no column %s",
                                o->partition_by[i], sp->source);
        af_field f;
        int rc;
        if (sp->part == AF_PART_VALUE) {
            /* checks the type can name folders */
            rc = af_partition_field(sp, &input->fields[src], &f, err);
            if (!rc)
                af_field_free(&f);
            if (rc)
                return rc;
            continue;
        }
        if (af_schema_find(s, sp->name) >= 0)
            return af_error_set(err, AF_ECONFIG,
                                "partition_by '%s': the stream already has a column %s; name the "
                                "partition column with NAME=%s",
                                o->partition_by[i], sp->name, o->partition_by[i]);
        rc = af_partition_field(sp, &input->fields[src], &f, err);
        if (rc)
            return rc;
        rc = af_schema_add(s, &f);
        af_field_free(&f);
        if (rc)
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

/* Reconciles the stream's schema `s` with the table's `cur` into `out`. */
static int evolve(af_table_layout *l, const char *table, const af_schema *cur, const af_schema *s,
                  af_schema *out, af_error *err)
{
    for (size_t i = 0; i < cur->n_fields; i++) {
        const af_field *have = &cur->fields[i];
        long j = af_schema_find(s, have->name);
        af_field f;
        if (af_field_copy(&f, have))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        int rc = AF_OK;
        if (j < 0) {
            if (!f.nullable) {
                f.nullable = true;
                rc = note(l, table, "column %s is no longer sent: now nullable%s%s", have->name,
                          NULL, NULL);
                l->metadata_changed = true;
            }
        } else {
            const af_field *got = &s->fields[j];
            bool nested = af_type_is_nested(have->type.id) || af_type_is_nested(got->type.id);
            if (nested) {
                af_buf a, b;
                af_buf_init(&a);
                af_buf_init(&b);
                bool same = !af_field_format_type(have, &a) && !af_field_format_type(got, &b) &&
                            strcmp(af_buf_cstr(&a), af_buf_cstr(&b)) == 0;
                af_buf_free(&a);
                af_buf_free(&b);
                if (!same)
                    rc = incompatible(table, have, got, err);
            } else if (af_type_equal(&have->type, &got->type) ||
                       af_type_widens_to(&got->type, &have->type)) {
                /* same, or the stream's values are cast up */
            } else if (af_type_widens_to(&have->type, &got->type)) {
                char *a = type_text(have), *b = type_text(got);
                rc = af_field_set_type(&f, got->type);
                if (!rc)
                    rc = note(l, table, "column %s widened from %s to %s", have->name, a, b);
                free(a);
                free(b);
                l->metadata_changed = l->widened = true;
            } else {
                rc = incompatible(table, have, got, err);
            }
            if (!rc && got->nullable && !f.nullable) {
                f.nullable = true;
                rc = note(l, table, "column %s is now nullable%s%s", have->name, NULL, NULL);
                l->metadata_changed = true;
            }
        }
        if (!rc && af_schema_add(out, &f))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        af_field_free(&f);
        if (rc)
            return rc == AF_ENOMEM ? af_error_set(err, AF_ENOMEM, "out of memory") : rc;
    }
    for (size_t j = 0; j < s->n_fields; j++) {
        if (af_schema_find(cur, s->fields[j].name) >= 0)
            continue;
        af_field f;
        if (af_field_copy(&f, &s->fields[j]))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        f.nullable = true; /* older rows have no value */
        char *t = type_text(&f);
        int rc = note(l, table, "column %s added (%s)", f.name, t, NULL);
        free(t);
        l->metadata_changed = true;
        if (!rc && af_schema_add(out, &f))
            rc = AF_ENOMEM;
        af_field_free(&f);
        if (rc)
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    return AF_OK;
}

static bool same_partitioning(const af_strlist *a, const af_strlist *b)
{
    if (a->len != b->len)
        return false;
    for (size_t i = 0; i < a->len; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return false;
    return true;
}

static int plan_columns(af_table_layout *l, const af_schema *input, af_error *err)
{
    size_t n = l->schema->n_fields;
    l->plan = calloc(n + 1, sizeof *l->plan);
    l->part_index = calloc(l->partition_columns.len + 1, sizeof *l->part_index);
    l->data_index = calloc(n + 1, sizeof *l->data_index);
    l->data_schema = af_schema_new();
    if (!l->plan || !l->part_index || !l->data_index || !l->data_schema)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t c = 0; c < n; c++) {
        const af_field *f = &l->schema->fields[c];
        af_col_plan *p = &l->plan[c];
        p->partition = -1;
        p->input = -1;
        for (size_t k = 0; k < l->n_specs; k++)
            if (l->specs[k].part != AF_PART_VALUE && strcmp(l->specs[k].name, f->name) == 0) {
                p->partition = (long)k;
                p->input = af_schema_find(input, l->specs[k].source);
            }
        if (p->partition < 0) {
            p->input = af_schema_find(input, f->name);
            if (p->input == l->delete_input)
                p->input = -1;
            p->convert = p->input >= 0 && !af_type_equal(&input->fields[p->input].type, &f->type);
        }
        long pc = af_strlist_find(&l->partition_columns, f->name);
        if (pc >= 0) {
            l->part_index[pc] = c;
        } else {
            l->data_index[l->data_schema->n_fields] = c;
            if (af_schema_add(l->data_schema, f))
                return af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    return AF_OK;
}

int af_table_layout_build(const af_schema *input, const af_table_options *o,
                          const af_delta_snapshot *current, const char *table, af_table_layout *l,
                          af_error *err)
{
    memset(l, 0, sizeof *l);
    l->delete_input = -1;
    int rc = AF_OK;
    if (o->delete_column) {
        l->delete_input = af_schema_find(input, o->delete_column);
        if (l->delete_input < 0)
            return af_error_set(err, AF_ECONFIG, "delete_column: the stream has no column %s",
                                o->delete_column);
        if (input->fields[l->delete_input].type.id != AF_TYPE_BOOL)
            return af_error_set(err, AF_ECONFIG, "delete_column %s must be a bool column, not %s",
                                o->delete_column,
                                af_type_name(input->fields[l->delete_input].type.id));
    }
    l->specs = calloc(o->n_partition_by + 1, sizeof *l->specs);
    if (!l->specs)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; i < o->n_partition_by && !rc; i++) {
        rc = af_partition_parse(o->partition_by[i], &l->specs[i], err);
        if (!rc) {
            l->n_specs = i + 1;
            if (af_strlist_find(&l->partition_columns, l->specs[i].name) >= 0)
                rc = af_error_set(err, AF_ECONFIG, "partition_by names %s twice", l->specs[i].name);
            else if (af_strlist_push(&l->partition_columns, l->specs[i].name))
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    af_schema *mine = rc ? NULL : af_schema_new();
    if (!rc && !mine)
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc)
        rc = schema_from_input(input, o, l, mine, err);
    if (!rc && current) {
        bool same_parts =
            same_partitioning(&current->metadata.partition_columns, &l->partition_columns);
        l->schema = af_schema_new();
        if (!l->schema)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        if (!rc && !same_parts)
            rc = af_error_set(err, AF_ECONFIG,
                              "%s: the table is partitioned by [%s%s] but the target asks for "
                              "a different partitioning; set on_schema_change: new_table_version "
                              "to start a new version of the table",
                              table,
                              current->metadata.partition_columns.len
                                  ? current->metadata.partition_columns.items[0]
                                  : "",
                              current->metadata.partition_columns.len > 1 ? ", ..." : "");
        if (!rc)
            rc = evolve(l, table, current->schema, mine, l->schema, err);
        if (rc == AF_ECONFIG && o->new_table_version) {
            af_log_fields(AF_LOG_WARN, "lake.schema", (af_log_field[]){AF_LF_S("table", table)}, 1,
                          "%s; on_schema_change is new_table_version: the new version "
                          "replaces the table's rows and schema",
                          err->msg);
            af_error_clear(err);
            af_schema_free(l->schema);
            l->schema = mine;
            mine = NULL;
            l->metadata_changed = l->replace_all = true;
            l->widened = false;
            rc = AF_OK;
        }
    } else if (!rc) {
        l->schema = mine;
        mine = NULL;
        l->metadata_changed = true;
    }
    af_schema_free(mine);
    if (!rc)
        rc = plan_columns(l, input, err);
    if (!rc && o->n_key) {
        l->key_index = calloc(o->n_key, sizeof *l->key_index);
        if (!l->key_index)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        for (size_t k = 0; !rc && k < o->n_key; k++) {
            long c = af_schema_find(l->schema, o->key[k]);
            if (c < 0 || l->plan[c].input < 0)
                rc = af_error_set(err, AF_ECONFIG, "key: the stream has no column %s", o->key[k]);
            else if (af_type_is_nested(l->schema->fields[c].type.id))
                rc = af_error_set(err, AF_ECONFIG, "key: column %s is nested; keys are scalars",
                                  o->key[k]);
            else
                l->key_index[l->n_key++] = (size_t)c;
        }
    }
    if (rc)
        af_table_layout_free(l);
    return rc;
}

int af_table_cast_column(const af_array *src, af_array *dst, af_error *err)
{
    if (af_type_equal(&src->field->type, &dst->field->type))
        return af_array_append_range(dst, src, 0, src->length)
                   ? af_error_set(err, AF_ENOMEM, "out of memory")
                   : AF_OK;
    af_parse_options popts;
    af_parse_options_default(&popts);
    af_buf text;
    af_buf_init(&text);
    int rc = AF_OK;
    for (int64_t r = 0; r < src->length && !rc; r++) {
        if (!af_array_is_valid(src, r)) {
            rc = af_array_append_null(dst) ? af_error_set(err, AF_ENOMEM, "out of memory") : AF_OK;
            continue;
        }
        af_buf_reset(&text);
        if (af_array_format_value(src, r, &text) < 0)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        else
            rc = af_array_append_text(dst, text.data ? (const char *)text.data : "", text.len,
                                      &popts, err);
    }
    af_buf_free(&text);
    return rc && rc != AF_ENOMEM ? af_error_wrap(err, "column %s", dst->field->name) : rc;
}

int af_table_layout_convert(const af_table_layout *l, const af_batch *in, af_batch **out,
                            af_error *err)
{
    *out = NULL;
    af_batch *b = af_batch_new(l->schema);
    if (!b)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = AF_OK;
    for (size_t c = 0; c < l->schema->n_fields && !rc; c++) {
        const af_col_plan *p = &l->plan[c];
        af_array *dst = &b->columns[c];
        if (p->input < 0) {
            for (int64_t r = 0; r < in->n_rows && !rc; r++)
                rc = af_array_append_null(dst);
            if (rc)
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
        } else if (p->partition >= 0) {
            const af_array *src = &in->columns[p->input];
            for (int64_t r = 0; r < in->n_rows && !rc; r++)
                rc = af_partition_derive(&l->specs[p->partition], src, r, dst);
            if (rc)
                rc = af_error_set(err, rc, "column %s: cannot derive the partition value",
                                  dst->field->name);
        } else {
            rc = af_table_cast_column(&in->columns[p->input], dst, err);
        }
    }
    if (!rc)
        rc = af_batch_seal(b, err);
    if (rc) {
        af_batch_release(b);
        return rc;
    }
    *out = b;
    return AF_OK;
}
