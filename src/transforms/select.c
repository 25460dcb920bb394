/* select.c - keep, drop, reorder and rename columns. */
#include "core/plugin.h"

#include <stdlib.h>
#include <string.h>

typedef struct select_config {
    af_strlist columns;
    af_strlist drop;
    af_strmap rename;
} select_config;

#define OFF(f) offsetof(select_config, f)
static const af_config_map select_options[] = {
    {"columns", AF_OPT_STRLIST, NULL, false, OFF(columns),
     "columns to keep, in this order (default: all)", NULL},
    {"drop", AF_OPT_STRLIST, NULL, false, OFF(drop), "columns to remove", NULL},
    {"rename", AF_OPT_STRMAP, NULL, false, OFF(rename), "new names, as {old: new}", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

typedef struct select_state {
    af_schema *out; /* owned: the names below point into it */
    size_t *cols;
    const char **names;
    size_t n;
} select_state;

static int unknown_column(const af_schema *in, const char *name, const char *option, af_error *err)
{
    af_buf list;
    af_buf_init(&list);
    for (size_t i = 0; i < in->n_fields; i++)
        af_buf_printf(&list, "%s%s", i ? ", " : "", in->fields[i].name);
    af_error_set(err, AF_ECONFIG,
                 "transform select: %s names '%s', which is not a column (columns: %s)", option,
                 name, list.len ? af_buf_cstr(&list) : "none");
    af_buf_free(&list);
    return AF_ECONFIG;
}

static int select_open(af_transform *self, const af_schema *in, af_schema **out, af_error *err)
{
    const select_config *c = self->config;
    select_state *st = calloc(1, sizeof *st);
    if (!st)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = st;
    st->cols = calloc(in->n_fields ? in->n_fields : 1, sizeof *st->cols);
    st->names = calloc(in->n_fields ? in->n_fields : 1, sizeof *st->names);
    if (!st->cols || !st->names)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->drop.len; i++)
        if (af_schema_find(in, c->drop.items[i]) < 0)
            return unknown_column(in, c->drop.items[i], "drop", err);
    for (size_t i = 0; i < c->rename.len; i++)
        if (af_schema_find(in, c->rename.items[i].key) < 0)
            return unknown_column(in, c->rename.items[i].key, "rename", err);
    if (c->columns.len) {
        for (size_t i = 0; i < c->columns.len; i++) {
            long idx = af_schema_find(in, c->columns.items[i]);
            if (idx < 0)
                return unknown_column(in, c->columns.items[i], "columns", err);
            if (af_strlist_find(&c->drop, c->columns.items[i]) < 0)
                st->cols[st->n++] = (size_t)idx;
        }
    } else {
        for (size_t i = 0; i < in->n_fields; i++)
            if (af_strlist_find(&c->drop, in->fields[i].name) < 0)
                st->cols[st->n++] = i;
    }
    af_schema *s = af_schema_new();
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    for (size_t i = 0; i < st->n; i++) {
        const af_field *f = &in->fields[st->cols[i]];
        const char *nn = af_strmap_get(&c->rename, f->name);
        st->names[i] = nn ? nn : f->name;
        if (af_schema_find(s, st->names[i]) >= 0) {
            af_schema_free(s);
            return af_error_set(err, AF_ECONFIG,
                                "transform select: two output columns are named '%s'",
                                st->names[i]);
        }
        af_field copy;
        if (af_field_copy(&copy, f)) {
            af_schema_free(s);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
        free(copy.name);
        copy.name = af_strdup(st->names[i]);
        int rc = copy.name ? af_schema_add(s, &copy) : AF_ENOMEM;
        af_field_free(&copy);
        if (rc) {
            af_schema_free(s);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    /* the names must outlive both `in` and the schema handed to the runner */
    st->out = s;
    for (size_t i = 0; i < st->n; i++)
        st->names[i] = s->fields[i].name;
    *out = af_schema_copy(s);
    return *out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

static int select_apply(af_transform *self, af_batch *in, af_batch **out, af_error *err)
{
    select_state *st = self->priv;
    *out = af_batch_project(in, st->cols, st->names, st->n, err);
    af_batch_release(in);
    return *out ? AF_OK : (err->code ? err->code : AF_ENOMEM);
}

static void select_close(af_transform *self)
{
    select_state *st = self->priv;
    if (!st)
        return;
    af_schema_free(st->out);
    free(st->cols);
    free(st->names);
    free(st);
    self->priv = NULL;
}

const af_transform_plugin af_transform_select = {
    .name = "select",
    .summary = "Keep, drop, reorder and rename columns",
    .options = select_options,
    .config_size = sizeof(select_config),
    .open = select_open,
    .apply = select_apply,
    .close = select_close,
};
