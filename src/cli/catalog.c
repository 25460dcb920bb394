/* catalog.c - `affluent catalog`: being built for issue 5 (the lake); this first
 * cut only says so, so the command table can name it. */
#include "cli/cli.h"

#include <stdio.h>

int af_cmd_catalog(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "affluent catalog: not implemented yet\n");
    return AF_EXIT_FAILED;
}
