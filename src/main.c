/* main.c - the affluent command line: parse the command word, dispatch to cli/. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return af_cli_main(argc, argv);
}
