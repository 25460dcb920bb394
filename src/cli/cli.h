/* cli.h - the commands of the affluent binary, one file each in cli/.
 *
 * Exit codes (documented in docs/cli.md):
 *   0  success
 *   1  the run failed (a stream failed, or it was interrupted)
 *   2  usage or configuration error (nothing ran)
 *   3  partial: the run succeeded but rows were quarantined or skipped and --strict was given
 */
#ifndef AF_CLI_H
#define AF_CLI_H

enum {
    AF_EXIT_OK = 0,
    AF_EXIT_FAILED = 1,
    AF_EXIT_USAGE = 2,
    AF_EXIT_PARTIAL = 3,
};

int af_cli_main(int argc, char **argv);

int af_cmd_run(int argc, char **argv);
int af_cmd_check(int argc, char **argv);
int af_cmd_plugins(int argc, char **argv);
int af_cmd_convert(int argc, char **argv);
int af_cmd_parquet(int argc, char **argv);
int af_cmd_lake(int argc, char **argv);
int af_cmd_discover(int argc, char **argv);
int af_cmd_catalog(int argc, char **argv);
int af_cmd_help(int argc, char **argv);

#endif
