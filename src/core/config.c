/* config.c - loads a pipeline file (YAML) into a validated af_pipeline: the
 * pipeline model (defaults, connections, streams and their plugin sections)
 * and the af_pipeline_* API.
 *
 * The YAML is parsed by libfyaml into a document tree, then walked section by
 * section. Every value goes through the same path (config_yaml.c):
 * interpolation of ${VAR}, then typing through a config map (configmap.c).
 * Plugin sections are checked against the map of the plugin named by their
 * `type`, looked up in the registry. Every error names FILE:LINE:COL (1-based)
 * so the user can jump to it; unknown names come with a "did you mean" hint.
 */
#include "core/config.h"

#include "core/config_internal.h"

#include <ctype.h>
#include <errno.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The `defaults:` section carries the stream options plus two pipeline-wide
 * paths; they are copied into af_pipeline once validated. */
typedef struct defaults_section {
    af_stream_options opts;
    char *lake;
    char *state_dir;
} defaults_section;

#define ON_ERROR_VALUES "fail|quarantine|skip_with_count"
#define RAW_VALUES "auto|true|false"

const af_config_map af_defaults_config_map[] = {
    {"lake", AF_OPT_STRING, NULL, false, offsetof(defaults_section, lake),
     "Root of the lake: a local directory (relative to the pipeline file) or a URL (s3://, "
     "az://...); default <pipeline dir>/lake",
     NULL},
    {"state_dir", AF_OPT_STRING, NULL, false, offsetof(defaults_section, state_dir),
     "Where resume state is kept; default <lake>/_affluent (<pipeline dir>/_affluent for a "
     "remote lake)",
     NULL},
    {"on_error", AF_OPT_ENUM, "quarantine", false, offsetof(defaults_section, opts.on_error),
     "What to do with a row that cannot be used: stop, set it aside with its reason, or count it",
     ON_ERROR_VALUES},
    {"batch_rows", AF_OPT_INT, "65536", false, offsetof(defaults_section, opts.batch_rows),
     "Maximum rows per batch", NULL},
    {"batch_bytes", AF_OPT_SIZE, "16MiB", false, offsetof(defaults_section, opts.batch_bytes),
     "Maximum buffer bytes per batch", NULL},
    {"queue_depth", AF_OPT_INT, "4", false, offsetof(defaults_section, opts.queue_depth),
     "Batches in flight between pipeline stages", NULL},
    {"description", AF_OPT_STRING, NULL, false, offsetof(defaults_section, opts.description),
     "Free text shown in reports and the catalog", NULL},
    {"owner", AF_OPT_STRING, NULL, false, offsetof(defaults_section, opts.owner),
     "Who answers for the data (team or person), shown in the catalog", NULL},
    {"raw", AF_OPT_ENUM, "auto", false, offsetof(defaults_section, opts.raw),
     "Keep byte-identical copies of input files in LAKE/raw/ (auto: when the source reads "
     "files and a target writes to the lake)",
     RAW_VALUES},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};

/* No default_value here: a stream inherits the values of `defaults:`. */
const af_config_map af_stream_config_map[] = {
    {"on_error", AF_OPT_ENUM, NULL, false, offsetof(af_stream_options, on_error),
     "Overrides defaults.on_error for this stream", ON_ERROR_VALUES},
    {"batch_rows", AF_OPT_INT, NULL, false, offsetof(af_stream_options, batch_rows),
     "Overrides defaults.batch_rows", NULL},
    {"batch_bytes", AF_OPT_SIZE, NULL, false, offsetof(af_stream_options, batch_bytes),
     "Overrides defaults.batch_bytes", NULL},
    {"queue_depth", AF_OPT_INT, NULL, false, offsetof(af_stream_options, queue_depth),
     "Overrides defaults.queue_depth", NULL},
    {"description", AF_OPT_STRING, NULL, false, offsetof(af_stream_options, description),
     "Free text shown in reports and the catalog", NULL},
    {"owner", AF_OPT_STRING, NULL, false, offsetof(af_stream_options, owner),
     "Overrides defaults.owner", NULL},
    {"tags", AF_OPT_STRLIST, NULL, false, offsetof(af_stream_options, tags),
     "Catalog tags, e.g. [sales, daily]", NULL},
    {"column_descriptions", AF_OPT_STRMAP, NULL, false,
     offsetof(af_stream_options, column_descriptions),
     "Catalog description of each column (column: text)", NULL},
    {"pii", AF_OPT_STRLIST, NULL, false, offsetof(af_stream_options, pii),
     "Columns holding personal data, flagged in the catalog", NULL},
    {"raw", AF_OPT_ENUM, NULL, false, offsetof(af_stream_options, raw), "Overrides defaults.raw",
     RAW_VALUES},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};

const af_config_map af_connection_config_map[] = {
    {"url", AF_OPT_SECRET, NULL, false, offsetof(af_connection, url),
     "Where to connect, e.g. postgres://user@host:5432/db; a password in it is redacted; "
     "{env: VAR} or {file: PATH} make the whole URL secret",
     NULL},
    {"user", AF_OPT_STRING, NULL, false, offsetof(af_connection, user), "User name", NULL},
    {"password", AF_OPT_SECRET, NULL, false, offsetof(af_connection, password),
     "Password: a string, {env: VAR} or {file: PATH}", NULL},
    {"options", AF_OPT_STRMAP, NULL, false, offsetof(af_connection, options),
     "Driver-specific settings (key: value)", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
            return false;
    return true;
}

static const char *kind_name(af_plugin_kind k, bool target)
{
    if (target)
        return "target";
    return k == AF_PLUGIN_SOURCE ? "source" : k == AF_PLUGIN_TRANSFORM ? "transform" : "sink";
}

static const af_config_map *plugin_options(const af_plugin_config *pc)
{
    if (!pc->plugin)
        return NULL;
    switch (pc->kind) {
    case AF_PLUGIN_SOURCE: return ((const af_source_plugin *)pc->plugin)->options;
    case AF_PLUGIN_TRANSFORM: return ((const af_transform_plugin *)pc->plugin)->options;
    case AF_PLUGIN_SINK: return ((const af_sink_plugin *)pc->plugin)->options;
    }
    return NULL;
}

static void plugin_config_free(af_plugin_config *pc)
{
    if (pc->config)
        af_config_struct_free(plugin_options(pc), pc->config);
    free(pc->config);
    free(pc->type);
    free(pc->name);
    memset(pc, 0, sizeof *pc);
}

/* Names of the registered plugins of a kind, NULL-terminated (borrowed). */
static size_t plugin_names(af_plugin_kind k, const char **names, size_t max)
{
    size_t n = 0;
    if (k == AF_PLUGIN_SOURCE) {
        const af_source_plugin *const *all = af_registry_sources();
        for (size_t i = 0; all && all[i] && n < max; i++)
            names[n++] = all[i]->name;
    } else if (k == AF_PLUGIN_TRANSFORM) {
        const af_transform_plugin *const *all = af_registry_transforms();
        for (size_t i = 0; all && all[i] && n < max; i++)
            names[n++] = all[i]->name;
    } else {
        const af_sink_plugin *const *all = af_registry_sinks();
        for (size_t i = 0; all && all[i] && n < max; i++)
            names[n++] = all[i]->name;
    }
    return n;
}

static int load_plugin(af_config_loader *L, struct fy_node *n, af_src_loc ctx, af_plugin_kind kind,
                       bool target, af_plugin_config *pc)
{
    const char *kname = kind_name(kind, target);
    char what[64];
    snprintf(what, sizeof what, "a %s", kname);
    int rc = af_yaml_expect_mapping(L, n, ctx, what);
    if (rc)
        return rc;
    pc->kind = kind;
    pc->loc = af_yaml_node_loc(L, n, ctx);
    if ((rc = af_yaml_check_duplicates(L, n, ctx, "key")))
        return rc;

    struct fy_node *type_node = NULL, *name_node = NULL;
    af_src_loc type_loc = pc->loc, name_loc = pc->loc;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(pair);
        if (!k || fy_node_get_type(k) != FYNT_SCALAR)
            continue;
        size_t klen;
        const char *ks = fy_node_get_scalar(k, &klen);
        if (ks && klen == 4 && memcmp(ks, "type", 4) == 0) {
            type_node = fy_node_pair_value(pair);
            type_loc = af_yaml_node_loc(L, k, pc->loc);
        } else if (target && ks && klen == 4 && memcmp(ks, "name", 4) == 0) {
            name_node = fy_node_pair_value(pair);
            name_loc = af_yaml_node_loc(L, k, pc->loc);
        }
    }
    if (!type_node)
        return af_config_fail_at(L, pc->loc, AF_ECONFIG, "%s section needs a 'type' key", kname);
    char twhat[64];
    snprintf(twhat, sizeof twhat, "the type of a %s", kname);
    if ((rc = af_yaml_scalar_text(L, type_node, type_loc, twhat, &pc->type)))
        return rc;
    af_src_loc tvloc = af_yaml_node_loc(L, type_node, type_loc);
    if (!pc->type)
        return af_config_fail_at(L, tvloc, AF_ECONFIG, "%s section needs a 'type' value", kname);

    const af_config_map *map = NULL;
    size_t config_size = 0;
    if (kind == AF_PLUGIN_SOURCE) {
        const af_source_plugin *sp = af_registry_source(pc->type);
        if (sp) {
            pc->plugin = sp;
            map = sp->options;
            config_size = sp->config_size;
        }
    } else if (kind == AF_PLUGIN_TRANSFORM) {
        const af_transform_plugin *tp = af_registry_transform(pc->type);
        if (tp) {
            pc->plugin = tp;
            map = tp->options;
            config_size = tp->config_size;
        }
    } else {
        const af_sink_plugin *kp = af_registry_sink(pc->type);
        if (kp) {
            pc->plugin = kp;
            map = kp->options;
            config_size = kp->config_size;
        }
    }
    if (!pc->plugin) {
        const char *names[256] = {0};
        size_t nn = plugin_names(kind, names, 256);
        const char *hint = af_did_you_mean(pc->type, names, nn);
        af_buf avail;
        af_buf_init(&avail);
        for (size_t i = 0; i < nn; i++)
            af_buf_printf(&avail, "%s%s", i ? ", " : "", names[i]);
        if (hint)
            rc = af_config_fail_at(L, tvloc, AF_ECONFIG,
                                   "unknown %s type '%s'; did you mean '%s'? (available: %s)",
                                   kname, pc->type, hint, af_buf_cstr(&avail));
        else
            rc = af_config_fail_at(L, tvloc, AF_ECONFIG, "unknown %s type '%s' (available: %s)",
                                   kname, pc->type, nn ? af_buf_cstr(&avail) : "none");
        af_buf_free(&avail);
        return rc;
    }

    if (target) {
        char nwhat[64];
        snprintf(nwhat, sizeof nwhat, "the name of a %s", kname);
        if ((rc = af_yaml_scalar_text(L, name_node, name_loc, nwhat, &pc->name)))
            return rc;
        if (pc->name && !valid_name(pc->name))
            return af_config_fail_at(
                L, af_yaml_node_loc(L, name_node, name_loc), AF_ECONFIG,
                "target name '%s' may only use letters, digits, '_', '.' and '-'", pc->name);
    }
    if (!pc->name && !(pc->name = af_strdup(pc->type)))
        return af_config_fail_at(L, pc->loc, AF_ENOMEM, "out of memory");

    pc->config = calloc(1, config_size ? config_size : 1);
    if (!pc->config)
        return af_config_fail_at(L, pc->loc, AF_ENOMEM, "out of memory");
    af_error derr;
    af_error_clear(&derr);
    if ((rc = af_config_struct_defaults(map, pc->config, &derr)))
        return af_config_fail_at(L, pc->loc, rc, "%s %s: %s", pc->type, kname, derr.msg);

    size_t count = af_config_map_count(map);
    bool *set = calloc(count ? count : 1, sizeof *set);
    if (!set)
        return af_config_fail_at(L, pc->loc, AF_ENOMEM, "out of memory");
    char owner[128];
    snprintf(owner, sizeof owner, "%s %s", pc->type, kname);
    af_config_opt_ctx oc = {owner, true, false, false};
    static const char *const skip_source[] = {"type"};
    static const char *const skip_target[] = {"type", "name"};
    rc = af_config_apply_mapping(L, n, pc->loc, map, pc->config, &oc,
                                 target ? skip_target : skip_source, target ? 2 : 1, set);
    for (size_t i = 0; !rc && i < count; i++)
        if (map[i].required && !set[i])
            rc = af_config_fail_at(L, pc->loc, AF_ECONFIG, "missing required option '%s' for %s",
                                   map[i].name, owner);
    free(set);
    const af_sink_plugin *sink = kind == AF_PLUGIN_SINK ? pc->plugin : NULL;
    if (!rc && sink && sink->check && (rc = sink->check(pc->config, &derr)) != AF_OK)
        rc = af_config_fail_at(L, pc->loc, rc, "%s: %s", owner, derr.msg);
    return rc;
}

/* A sequence of plugin sections, or a single mapping. */
static int load_plugin_list(af_config_loader *L, struct fy_node *n, af_src_loc ctx,
                            af_plugin_kind kind, bool target, af_plugin_config **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (af_yaml_is_null(n))
        return AF_OK;
    if (fy_node_is_alias(n) || fy_node_get_type(n) == FYNT_SCALAR)
        return af_config_fail_at(L, af_yaml_node_loc(L, n, ctx), AF_ECONFIG,
                                 "%ss must be a list of mappings with a 'type', got %s",
                                 kind_name(kind, target), af_yaml_node_kind(n));
    bool single = fy_node_get_type(n) == FYNT_MAPPING;
    size_t count = single ? 1 : (size_t)fy_node_sequence_item_count(n);
    if (count == 0)
        return AF_OK;
    *out = calloc(count, sizeof **out);
    if (!*out)
        return af_config_fail_at(L, ctx, AF_ENOMEM, "out of memory");
    if (single) {
        *n_out = 1;
        return load_plugin(L, n, ctx, kind, target, &(*out)[0]);
    }
    void *it = NULL;
    struct fy_node *item;
    while (*n_out < count && (item = fy_node_sequence_iterate(n, &it))) {
        int rc =
            load_plugin(L, item, af_yaml_node_loc(L, n, ctx), kind, target, &(*out)[(*n_out)++]);
        if (rc)
            return rc;
    }
    return AF_OK;
}

static int copy_options(af_stream_options *dst, const af_stream_options *src)
{
    /* Only scalars and the strings below are pipeline-wide; the lists and
     * maps exist on streams alone, so a stream starts with them empty. */
    *dst = *src;
    dst->description = NULL;
    dst->owner = NULL;
    memset(&dst->tags, 0, sizeof dst->tags);
    memset(&dst->column_descriptions, 0, sizeof dst->column_descriptions);
    memset(&dst->pii, 0, sizeof dst->pii);
    if (src->description && !(dst->description = af_strdup(src->description)))
        return AF_ENOMEM;
    if (src->owner && !(dst->owner = af_strdup(src->owner)))
        return AF_ENOMEM;
    return AF_OK;
}

static int load_stream(af_config_loader *L, struct fy_node *n, af_src_loc nloc, af_stream_config *s)
{
    s->loc = nloc;
    if (!valid_name(s->name))
        return af_config_fail_at(L, nloc, AF_ECONFIG,
                                 "stream name '%s' may only use letters, digits, '_', '.' and '-'",
                                 s->name);
    if (copy_options(&s->opts, &L->p->defaults))
        return af_config_fail_at(L, nloc, AF_ENOMEM, "out of memory");
    char where[300];
    snprintf(where, sizeof where, "stream '%s'", s->name);
    int rc = af_yaml_expect_mapping(L, n, nloc, where);
    if (rc)
        return rc;
    if ((rc = af_yaml_check_duplicates(L, n, nloc, "key")))
        return rc;
    static const char *const sections[] = {"source", "transforms", "targets"};
    bool have_source = false, have_targets = false;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &it))) {
        char *key = NULL;
        af_src_loc kloc;
        if ((rc = af_yaml_key_text(L, pair, nloc, &key, &kloc)))
            return rc;
        struct fy_node *v = fy_node_pair_value(pair);
        if (strcmp(key, "source") == 0) {
            have_source = true;
            if (af_yaml_is_null(v))
                rc = af_config_fail_at(L, kloc, AF_ECONFIG, "the source of stream '%s' is empty",
                                       s->name);
            else
                rc = load_plugin(L, v, kloc, AF_PLUGIN_SOURCE, false, &s->source);
        } else if (strcmp(key, "transforms") == 0) {
            rc = load_plugin_list(L, v, kloc, AF_PLUGIN_TRANSFORM, false, &s->transforms,
                                  &s->n_transforms);
        } else if (strcmp(key, "targets") == 0) {
            rc = load_plugin_list(L, v, kloc, AF_PLUGIN_SINK, true, &s->targets, &s->n_targets);
            have_targets = s->n_targets > 0;
            for (size_t i = 0; !rc && i < s->n_targets; i++)
                for (size_t j = 0; !rc && j < i; j++)
                    if (strcmp(s->targets[i].name, s->targets[j].name) == 0)
                        rc = af_config_fail_at(
                            L, s->targets[i].loc, AF_ECONFIG,
                            "two targets of stream '%s' are named '%s'; give them "
                            "distinct 'name:' values",
                            s->name, s->targets[i].name);
        } else {
            const af_config_map *e = af_config_map_find(af_stream_config_map, key);
            af_config_opt_ctx oc = {where, false, false, true};
            if (e)
                rc = af_config_apply_option(L, e, &s->opts, v, kloc, &oc);
            else
                rc = af_config_unknown_key(L, kloc, key, where, af_stream_config_map, sections, 3);
        }
        free(key);
        if (rc)
            return rc;
    }
    if (!have_source)
        return af_config_fail_at(L, nloc, AF_ECONFIG,
                                 "stream '%s' has no source (add 'source: {type: ...}')", s->name);
    if (!have_targets)
        return af_config_fail_at(
            L, nloc, AF_ECONFIG,
            "stream '%s' has no targets (add 'targets:' with at least one target)", s->name);
    return AF_OK;
}

static int load_streams(af_config_loader *L, struct fy_node *n, af_src_loc ctx)
{
    int rc = af_yaml_expect_mapping(L, n, ctx, "'streams'");
    if (rc)
        return rc;
    if ((rc = af_yaml_check_duplicates(L, n, ctx, "stream")))
        return rc;
    size_t count = (size_t)fy_node_mapping_item_count(n);
    if (count == 0)
        return af_config_fail_at(L, ctx, AF_ECONFIG, "'streams' must define at least one stream");
    af_pipeline *p = L->p;
    p->streams = calloc(count, sizeof *p->streams);
    if (!p->streams)
        return af_config_fail_at(L, ctx, AF_ENOMEM, "out of memory");
    void *it = NULL;
    struct fy_node_pair *pair;
    while (p->n_streams < count && (pair = fy_node_mapping_iterate(n, &it))) {
        af_stream_config *s = &p->streams[p->n_streams++];
        af_src_loc kloc;
        if ((rc = af_yaml_key_text(L, pair, ctx, &s->name, &kloc)))
            return rc;
        if ((rc = load_stream(L, fy_node_pair_value(pair), kloc, s)))
            return rc;
    }
    return AF_OK;
}

static int load_connections(af_config_loader *L, struct fy_node *n, af_src_loc ctx)
{
    if (af_yaml_is_null(n))
        return AF_OK;
    int rc = af_yaml_expect_mapping(L, n, ctx, "'connections'");
    if (rc)
        return rc;
    if ((rc = af_yaml_check_duplicates(L, n, ctx, "connection")))
        return rc;
    size_t count = (size_t)fy_node_mapping_item_count(n);
    af_pipeline *p = L->p;
    p->connections = calloc(count ? count : 1, sizeof *p->connections);
    if (!p->connections)
        return af_config_fail_at(L, ctx, AF_ENOMEM, "out of memory");
    void *it = NULL;
    struct fy_node_pair *pair;
    while (p->n_connections < count && (pair = fy_node_mapping_iterate(n, &it))) {
        af_connection *c = &p->connections[p->n_connections++];
        if ((rc = af_yaml_key_text(L, pair, ctx, &c->name, &c->loc)))
            return rc;
        if (!valid_name(c->name))
            return af_config_fail_at(
                L, c->loc, AF_ECONFIG,
                "connection name '%s' may only use letters, digits, '_', '.' and '-'", c->name);
        char where[300];
        snprintf(where, sizeof where, "connection '%s'", c->name);
        struct fy_node *v = fy_node_pair_value(pair);
        if ((rc = af_yaml_expect_mapping(L, v, c->loc, where)))
            return rc;
        /* url is special (only its password is secret when written inline),
         * so it is applied on its own before the other keys. */
        static const char *const skip[] = {"url"};
        af_config_opt_ctx oc = {where, false, false, false};
        if ((rc = af_config_apply_mapping(L, v, c->loc, af_connection_config_map, c, &oc, skip, 1,
                                          NULL)))
            return rc;
        void *it2 = NULL;
        struct fy_node_pair *p2;
        while ((p2 = fy_node_mapping_iterate(v, &it2))) {
            struct fy_node *k = fy_node_pair_key(p2);
            size_t klen;
            const char *ks =
                k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar(k, &klen) : NULL;
            if (ks && klen == 3 && memcmp(ks, "url", 3) == 0) {
                af_config_opt_ctx uoc = {where, false, true, false};
                rc = af_config_apply_option(L, &af_connection_config_map[0], c,
                                            fy_node_pair_value(p2), af_yaml_node_loc(L, k, c->loc),
                                            &uoc);
                if (rc)
                    return rc;
            }
        }
    }
    return AF_OK;
}

static int load_defaults(af_config_loader *L, struct fy_node *n, af_src_loc ctx, const char *dir)
{
    defaults_section d;
    memset(&d, 0, sizeof d);
    af_error derr;
    af_error_clear(&derr);
    int rc = af_config_struct_defaults(af_defaults_config_map, &d, &derr);
    if (rc)
        return af_config_fail_at(L, ctx, rc, "defaults: %s", derr.msg);
    if (n && !af_yaml_is_null(n)) {
        rc = af_yaml_expect_mapping(L, n, ctx, "'defaults'");
        af_config_opt_ctx oc = {"defaults", false, false, true};
        if (!rc)
            rc = af_config_apply_mapping(L, n, ctx, af_defaults_config_map, &d, &oc, NULL, 0, NULL);
    }
    af_pipeline *p = L->p;
    if (!rc) {
        p->lake = d.lake ? af_config_join_path(dir, d.lake) : af_config_join_path(dir, "lake");
        if (d.state_dir)
            p->state_dir = af_config_join_path(dir, d.state_dir);
        else if (p->lake && af_config_is_url(p->lake))
            /* Resume state needs atomic renames: keep it on local disk. */
            p->state_dir = af_config_join_path(dir, "_affluent");
        else if (p->lake)
            p->state_dir = af_config_join_path(p->lake, "_affluent");
        if (!p->lake || !p->state_dir)
            rc = af_config_fail_at(L, ctx, AF_ENOMEM, "out of memory");
    }
    free(d.lake);
    free(d.state_dir);
    p->defaults = d.opts; /* takes the description */
    return rc;
}

static int load_root(af_config_loader *L, struct fy_node *root, const char *path)
{
    af_src_loc top = af_config_loc(L, 1, 1);
    if (!root || af_yaml_is_null(root))
        return af_config_fail_at(L, af_config_loc(L, 0, 0), AF_ECONFIG,
                                 "the pipeline is empty (expected a mapping with 'streams')");
    int rc = af_yaml_expect_mapping(L, root, top, "the pipeline file");
    if (rc)
        return rc;
    if ((rc = af_yaml_check_duplicates(L, root, top, "key")))
        return rc;
    static const char *const keys[] = {"version", "name", "defaults", "connections", "streams"};
    struct fy_node *vals[5] = {0};
    af_src_loc locs[5];
    bool present[5] = {0};
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(root, &it))) {
        char *key = NULL;
        af_src_loc kloc;
        if ((rc = af_yaml_key_text(L, pair, top, &key, &kloc)))
            return rc;
        size_t i = 0;
        while (i < 5 && strcmp(keys[i], key) != 0)
            i++;
        if (i == 5) {
            rc = af_config_unknown_key(L, kloc, key, "the pipeline file", NULL, keys, 5);
            free(key);
            return rc;
        }
        free(key);
        vals[i] = fy_node_pair_value(pair);
        locs[i] = kloc;
        present[i] = true;
    }
    af_pipeline *p = L->p;
    if (present[0]) {
        char *v = NULL;
        if ((rc = af_yaml_scalar_text(L, vals[0], locs[0], "'version'", &v)))
            return rc;
        bool ok = v && strcmp(v, "1") == 0;
        if (!ok)
            rc = af_config_fail_at(L, af_yaml_node_loc(L, vals[0], locs[0]), AF_ECONFIG,
                                   "unsupported version '%s' (this affluent reads version 1)",
                                   v ? v : "null");
        free(v);
        if (rc)
            return rc;
    }
    if (present[1]) {
        if ((rc = af_yaml_scalar_text(L, vals[1], locs[1], "'name'", &p->name)))
            return rc;
    }
    if (!p->name && !(p->name = af_config_stem_of(path)))
        return af_config_fail_at(L, top, AF_ENOMEM, "out of memory");
    if ((rc = load_defaults(L, present[2] ? vals[2] : NULL, present[2] ? locs[2] : top, p->dir)))
        return rc;
    if (present[3] && (rc = load_connections(L, vals[3], locs[3])))
        return rc;
    if (!present[4])
        return af_config_fail_at(L, af_config_loc(L, 0, 0), AF_ECONFIG,
                                 "no 'streams' section: a pipeline needs at least one stream");
    return load_streams(L, vals[4], locs[4]);
}

static int load_common(const char *yaml, size_t len, const char *path, char *dir, af_pipeline **out,
                       af_error *err)
{
    *out = NULL;
    af_pipeline *p = calloc(1, sizeof *p);
    if (!p) {
        free(dir);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    p->dir = dir;
    p->path = af_strdup(path);
    af_config_loader L = {path, p, err};
    if (!p->path || !p->dir) {
        af_pipeline_free(p);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    L.file = p->path;
    int bad_line, bad_col;
    if (af_config_check_utf8((const unsigned char *)yaml, len, &bad_line, &bad_col)) {
        int rc =
            af_config_fail_at(&L, af_config_loc(&L, bad_line, bad_col), AF_ECONFIG,
                              "not valid UTF-8 text (or a NUL byte); is this a pipeline file?");
        af_pipeline_free(p);
        return rc;
    }
    if (af_config_check_explicit_keys(yaml, len, &bad_line, &bad_col)) {
        int rc = af_config_fail_at(&L, af_config_loc(&L, bad_line, bad_col), AF_ECONFIG,
                                   "explicit mapping keys ('? key') are not accepted in "
                                   "pipeline files; write 'key: value'");
        af_pipeline_free(p);
        return rc;
    }

    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = af_yaml_no_output;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag) {
        af_pipeline_free(p);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    /* Duplicate keys are reported by us, with both locations and in words
     * that fit the section ("duplicate stream 'orders'"). */
    pcfg.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS;
    pcfg.diag = diag;
    struct fy_document *doc = fy_document_build_from_string(&pcfg, len ? yaml : "", len);
    int rc;
    if (!doc)
        rc = af_yaml_error(&L, diag);
    else
        rc = load_root(&L, fy_document_root(doc), path);
    fy_document_destroy(doc);
    fy_diag_destroy(diag);
    if (rc) {
        if (err && err->code == AF_OK)
            af_error_set(err, rc, "%s: invalid pipeline", path);
        af_pipeline_free(p);
        return rc;
    }
    *out = p;
    return AF_OK;
}

#define PIPELINE_FILE_MAX (16u << 20)

int af_pipeline_load(const char *path, af_pipeline **out, af_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return af_error_set(err, e == ENOENT ? AF_ENOTFOUND : AF_EIO, "%s: %s", path, strerror(e));
    }
    af_buf b;
    af_buf_init(&b);
    char chunk[65536];
    size_t got;
    int rc = AF_OK;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + got > PIPELINE_FILE_MAX) {
            rc = af_error_set(err, AF_ECONFIG, "%s: larger than 16 MiB; is this a pipeline?", path);
            break;
        }
        if (af_buf_append(&b, chunk, got)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
    }
    if (!rc && ferror(f))
        rc = af_error_set(err, AF_EIO, "%s: read error", path);
    fclose(f);
    if (!rc) {
        char *dir = af_config_dir_of(path);
        rc = load_common(b.data ? (const char *)b.data : "", b.len, path, dir, out, err);
    }
    af_buf_free(&b);
    return rc;
}

int af_pipeline_load_string(const char *yaml, size_t len, const char *name, af_pipeline **out,
                            af_error *err)
{
    /* No file: relative paths resolve against the working directory. */
    return load_common(yaml, len, name ? name : "<string>", af_config_current_dir(), out, err);
}

void af_pipeline_free(af_pipeline *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_streams; i++) {
        af_stream_config *s = &p->streams[i];
        free(s->name);
        af_config_struct_free(af_stream_config_map, &s->opts);
        plugin_config_free(&s->source);
        for (size_t j = 0; j < s->n_transforms; j++)
            plugin_config_free(&s->transforms[j]);
        free(s->transforms);
        for (size_t j = 0; j < s->n_targets; j++)
            plugin_config_free(&s->targets[j]);
        free(s->targets);
    }
    free(p->streams);
    for (size_t i = 0; i < p->n_connections; i++) {
        af_connection *c = &p->connections[i];
        free(c->name);
        af_config_struct_free(af_connection_config_map, c);
    }
    free(p->connections);
    af_config_struct_free(af_stream_config_map, &p->defaults);
    free(p->path);
    free(p->dir);
    free(p->name);
    free(p->lake);
    free(p->state_dir);
    free(p);
}

const af_stream_config *af_pipeline_find_stream(const af_pipeline *p, const char *name)
{
    for (size_t i = 0; p && name && i < p->n_streams; i++)
        if (p->streams[i].name && strcmp(p->streams[i].name, name) == 0)
            return &p->streams[i];
    return NULL;
}

const af_connection *af_pipeline_find_connection(const af_pipeline *p, const char *name)
{
    for (size_t i = 0; p && name && i < p->n_connections; i++)
        if (p->connections[i].name && strcmp(p->connections[i].name, name) == 0)
            return &p->connections[i];
    return NULL;
}
