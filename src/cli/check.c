/* check.c - `affluent check PIPELINE.yml`: validate without running. */
#include "cli/cli.h"
#include "cli/common.h"

#include "core/config.h"

#include <stdio.h>

int af_cmd_check(int argc, char **argv)
{
    if (argc != 2)
        return af_cli_usage_error("check", "exactly one pipeline file is expected");
    af_error err = {0};
    af_pipeline *p = NULL;
    if (af_pipeline_load(argv[1], &p, &err) != AF_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return AF_EXIT_USAGE;
    }
    printf("%s: ok (%zu stream%s", argv[1], p->n_streams, p->n_streams == 1 ? "" : "s");
    if (p->n_connections)
        printf(", %zu connection%s", p->n_connections, p->n_connections == 1 ? "" : "s");
    printf(")\n");
    for (size_t i = 0; i < p->n_streams; i++) {
        const af_stream_config *s = &p->streams[i];
        printf("  %s: %s", s->name, s->source.type);
        for (size_t k = 0; k < s->n_transforms; k++)
            printf(" | %s", s->transforms[k].type);
        printf(" ->");
        for (size_t k = 0; k < s->n_targets; k++)
            printf(" %s%s", s->targets[k].name ? s->targets[k].name : s->targets[k].type,
                   k + 1 < s->n_targets ? "," : "");
        printf("\n");
    }
    af_pipeline_free(p);
    return AF_EXIT_OK;
}
