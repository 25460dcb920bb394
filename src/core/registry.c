/* registry.c - the list of plugins compiled into affluent. Adding a
 * connector means adding its file and one line here. */
#include "core/plugin.h"

#include <string.h>

extern const af_source_plugin af_source_csv;
extern const af_source_plugin af_source_json;
extern const af_transform_plugin af_transform_select;
extern const af_transform_plugin af_transform_cast;
extern const af_sink_plugin af_sink_csv;
extern const af_sink_plugin af_sink_parquet;
extern const af_sink_plugin af_sink_curated;
extern const af_sink_plugin af_sink_lake;
extern const af_source_plugin af_source_parquet;
extern const af_source_plugin af_source_logs;
extern const af_source_plugin af_source_reviews;
extern const af_source_plugin af_source_sql;

static const af_source_plugin *const sources[] = {
    &af_source_csv,
    &af_source_json,
    &af_source_parquet,
    &af_source_logs,
    &af_source_reviews,
    &af_source_sql,
    NULL,
};

static const af_transform_plugin *const transforms[] = {
    &af_transform_cast,
    &af_transform_select,
    NULL,
};

static const af_sink_plugin *const sinks[] = {
    &af_sink_csv, &af_sink_parquet, &af_sink_curated, &af_sink_lake, NULL,
};

const af_source_plugin *const *af_registry_sources(void)
{
    return sources;
}
const af_transform_plugin *const *af_registry_transforms(void)
{
    return transforms;
}
const af_sink_plugin *const *af_registry_sinks(void)
{
    return sinks;
}

const af_source_plugin *af_registry_source(const char *name)
{
    for (size_t i = 0; name && sources[i]; i++)
        if (strcmp(sources[i]->name, name) == 0)
            return sources[i];
    return NULL;
}

const af_transform_plugin *af_registry_transform(const char *name)
{
    for (size_t i = 0; name && transforms[i]; i++)
        if (strcmp(transforms[i]->name, name) == 0)
            return transforms[i];
    return NULL;
}

const af_sink_plugin *af_registry_sink(const char *name)
{
    for (size_t i = 0; name && sinks[i]; i++)
        if (strcmp(sinks[i]->name, name) == 0)
            return sinks[i];
    return NULL;
}
