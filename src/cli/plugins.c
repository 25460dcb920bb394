/* plugins.c - `affluent plugins [NAME]`: what is built in, and each plugin's
 * options printed from the same table the config loader validates with. */
#include "cli/cli.h"
#include "cli/common.h"

#include "core/config.h"
#include "core/plugin.h"

#include <stdio.h>
#include <string.h>

static void print_map(const char *kind, const char *name, const char *summary,
                      const af_config_map *map)
{
    af_buf b;
    af_buf_init(&b);
    af_config_map_print_text(map, &b);
    printf("%s %s: %s\n\n%s\n", kind, name, summary, b.len ? af_buf_cstr(&b) : "(no options)\n");
    af_buf_free(&b);
}

int af_cmd_plugins(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--markdown") == 0) {
        af_buf b;
        af_buf_init(&b);
        int rc = af_docs_pipeline_reference(&b);
        if (rc == AF_OK)
            fwrite(b.data, 1, b.len, stdout);
        af_buf_free(&b);
        return rc == AF_OK ? AF_EXIT_OK : AF_EXIT_FAILED;
    }
    if (argc > 2)
        return af_cli_usage_error("plugins", "at most one plugin name is expected");
    if (argc == 1) {
        printf("sources:\n");
        for (const af_source_plugin *const *p = af_registry_sources(); *p; p++)
            printf("  %-12s %s\n", (*p)->name, (*p)->summary);
        printf("transforms:\n");
        for (const af_transform_plugin *const *p = af_registry_transforms(); *p; p++)
            printf("  %-12s %s\n", (*p)->name, (*p)->summary);
        printf("sinks (targets):\n");
        for (const af_sink_plugin *const *p = af_registry_sinks(); *p; p++)
            printf("  %-12s %s\n", (*p)->name, (*p)->summary);
        printf("\n'affluent plugins NAME' shows the options of one plugin.\n");
        return AF_EXIT_OK;
    }
    const char *name = argv[1];
    bool found = false;
    const af_source_plugin *s = af_registry_source(name);
    if (s) {
        print_map("source", s->name, s->summary, s->options);
        found = true;
    }
    const af_transform_plugin *t = af_registry_transform(name);
    if (t) {
        print_map("transform", t->name, t->summary, t->options);
        found = true;
    }
    const af_sink_plugin *k = af_registry_sink(name);
    if (k) {
        print_map("sink", k->name, k->summary, k->options);
        found = true;
    }
    if (!found) {
        const char *names[64];
        size_t n = 0;
        for (const af_source_plugin *const *p = af_registry_sources(); *p && n < 64; p++)
            names[n++] = (*p)->name;
        for (const af_transform_plugin *const *p = af_registry_transforms(); *p && n < 64; p++)
            names[n++] = (*p)->name;
        for (const af_sink_plugin *const *p = af_registry_sinks(); *p && n < 64; p++)
            names[n++] = (*p)->name;
        const char *hint = af_did_you_mean(name, names, n);
        fprintf(stderr, "affluent plugins: no plugin named '%s'%s%s%s\n", name,
                hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
        return AF_EXIT_USAGE;
    }
    return AF_EXIT_OK;
}
