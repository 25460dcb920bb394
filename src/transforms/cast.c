/* cast.c - change column types exactly; a value that does not fit its new
 * type sends the whole row to the quarantine instead of being altered. */
#include "core/plugin.h"
#include "core/values.h"

#include <stdlib.h>
#include <string.h>

typedef struct cast_config {
    af_strmap columns;
    char *timezone;
} cast_config;

#define OFF(f) offsetof(cast_config, f)
static const af_config_map cast_options[] = {
    {"columns", AF_OPT_STRMAP, NULL, true, OFF(columns),
     "new types, as {column: type}, e.g. {amount: decimal(12,2)}", NULL},
    {"timezone", AF_OPT_STRING, "UTC", false, OFF(timezone),
     "zone of naive timestamps cast to a zoned type", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct cast_state {
    af_schema *out;
    bool *cast; /* per output column: true if its type changes */
    af_parse_options popts;
    af_buf text;
    af_buf reason;
    af_buf raw;
} cast_state;

static int cast_open(af_transform *self, const af_schema *in, af_schema **out, af_error *err)
{
    const cast_config *c = self->config;
    cast_state *st = calloc(1, sizeof *st);
    if (!st)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = st;
    af_parse_options_default(&st->popts);
    st->popts.default_timezone = c->timezone;
    st->out = af_schema_copy(in);
    st->cast = calloc(in->n_fields ? in->n_fields : 1, sizeof *st->cast);
    if (!st->out || !st->cast)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t k = 0; k < c->columns.len; k++) {
        const af_strmap_entry *e = &c->columns.items[k];
        long idx = af_schema_find(in, e->key);
        if (idx < 0)
            return af_error_set(
                err, AF_ECONFIG, "%s:%d:%d: transform cast names '%s', which is not a column",
                e->loc.file ? e->loc.file : "pipeline", e->loc.line, e->loc.column, e->key);
        af_type t;
        char tz[64];
        int rc = af_type_parse(e->value, &t, tz, sizeof tz, err);
        if (rc)
            return af_error_wrap(err, "%s:%d:%d: transform cast, column '%s'",
                                 e->loc.file ? e->loc.file : "pipeline", e->loc.line, e->loc.column,
                                 e->key);
        if (af_type_is_nested(t.id) || af_type_is_nested(in->fields[idx].type.id))
            return af_error_set(err, AF_ECONFIG,
                                "transform cast: column '%s': nested types cannot be cast", e->key);
        rc = af_field_set_type(&st->out->fields[idx], t);
        if (rc)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        st->cast[idx] = true;
    }
    *out = af_schema_copy(st->out);
    return *out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

/* The row as a JSON object, for the quarantine record. */
static void row_as_json(const af_batch *b, int64_t r, af_buf *out)
{
    af_buf_reset(out);
    af_buf_append_byte(out, '{');
    for (size_t c = 0; c < b->schema->n_fields; c++) {
        if (c)
            af_buf_append_byte(out, ',');
        const char *name = b->schema->fields[c].name;
        af_buf_append_json_string(out, name, strlen(name));
        af_buf_append_byte(out, ':');
        af_array_format_json(&b->columns[c], r, out);
    }
    af_buf_append_byte(out, '}');
}

static int copy_value(const af_array *src, int64_t r, af_array *dst, af_buf *text,
                      const af_parse_options *popts, af_error *err)
{
    if (!af_array_is_valid(src, r))
        return af_array_append_null(dst);
    af_buf_reset(text);
    int rc = af_array_format_value(src, r, text);
    if (rc < 0)
        return af_error_set(err, rc, "out of memory");
    return af_array_append_text(dst, (const char *)text->data, text->len, popts, err);
}

static int cast_apply(af_transform *self, af_batch *in, af_batch **out, af_error *err)
{
    cast_state *st = self->priv;
    *out = NULL;
    af_batch *b = af_batch_new(st->out);
    bool *keep = calloc(in->n_rows ? (size_t)in->n_rows : 1, sizeof *keep);
    int rc = (b && keep) ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    int64_t rejected = 0;
    for (int64_t r = 0; !rc && r < in->n_rows; r++) {
        keep[r] = true;
        for (size_t c = 0; c < st->out->n_fields; c++) {
            af_error verr = {0};
            int vrc = copy_value(&in->columns[c], r, &b->columns[c], &st->text, &st->popts, &verr);
            if (vrc == AF_EPARSE || vrc == AF_EOVERFLOW) {
                /* keep the column lengths aligned; the row is filtered out below */
                af_array_append_null(&b->columns[c]);
                if (keep[r]) {
                    keep[r] = false;
                    rejected++;
                    af_buf_reset(&st->reason);
                    af_buf_printf(&st->reason, "cast of column '%s' to ", st->out->fields[c].name);
                    af_field_format_type(&st->out->fields[c], &st->reason);
                    af_buf_printf(&st->reason, " failed: %s", verr.msg);
                }
            } else if (vrc) {
                rc = af_error_set(err, vrc, "transform cast: %s", verr.msg);
                break;
            }
        }
        if (!rc && !keep[r]) {
            row_as_json(in, r, &st->raw);
            rc = af_quarantine_row(self->ctx, "transform cast", 0, (const char *)st->raw.data,
                                   st->raw.len, af_buf_cstr(&st->reason), err);
        }
    }
    if (!rc)
        rc = af_batch_seal(b, err);
    if (!rc && rejected) {
        af_batch *f = af_batch_filter(b, keep, err);
        af_batch_release(b);
        b = f;
        if (!b)
            rc = err->code ? err->code : AF_ENOMEM;
    }
    free(keep);
    af_batch_release(in);
    if (rc) {
        af_batch_release(b);
        return rc;
    }
    if (b->n_rows == 0) {
        af_batch_release(b);
        b = NULL;
    }
    *out = b;
    return AF_OK;
}

static void cast_close(af_transform *self)
{
    cast_state *st = self->priv;
    if (!st)
        return;
    af_schema_free(st->out);
    free(st->cast);
    af_buf_free(&st->text);
    af_buf_free(&st->reason);
    af_buf_free(&st->raw);
    free(st);
    self->priv = NULL;
}

const af_transform_plugin af_transform_cast = {
    .name = "cast",
    .summary = "Change column types exactly; rows whose values do not fit are quarantined",
    .options = cast_options,
    .config_size = sizeof(cast_config),
    .open = cast_open,
    .apply = cast_apply,
    .close = cast_close,
};
