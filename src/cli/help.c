/* help.c - `affluent help [COMMAND]`, `--version`, and the command table. */
#include "cli/cli.h"
#include "cli/common.h"

#include "af_version.h"

#include <stdio.h>
#include <string.h>

typedef struct command_help {
    const char *name;
    const char *usage;
    const char *summary;
    const char *details;
} command_help;

#define LOG_FLAGS                                                                                  \
    "  --log-format text|json   log lines as readable text (default) or JSON lines\n"              \
    "  --log-file FILE          also append log lines to FILE (same format)\n"                     \
    "  -q, --quiet              warnings and errors only\n"                                        \
    "  -v, --verbose            debug lines too\n"

static const command_help commands[] = {
    {"run",
     "affluent run PIPELINE.yml [--stream NAME]... [--dry-run] [--lake DIR] [--state-dir DIR] "
     "[--strict]",
     "Run the streams of a pipeline",
     "Runs every stream of the pipeline (or only those named with --stream), each\n"
     "from its source through its transforms into its targets. Targets commit\n"
     "atomically: a failed or interrupted stream leaves no partial output. Rejected\n"
     "rows go to LAKE/quarantine/STREAM/RUN_ID.ndjson. The run is recorded in the\n"
     "state directory (default LAKE/_affluent/runs/RUN_ID.json).\n\n"
     "Options:\n"
     "  --stream NAME            run only this stream (repeatable)\n"
     "  --dry-run                open sources and transforms, print schemas, write nothing\n"
     "  --lake DIR               lake directory (overrides defaults.lake; state follows)\n"
     "  --state-dir DIR          where run records and resume states live\n"
     "  --strict                 exit 3 if any row was quarantined or skipped\n"
     "  --no-progress            never draw progress bars\n" LOG_FLAGS "\n"
     "Exit codes: 0 success, 1 a stream failed or the run was interrupted,\n"
     "2 usage or configuration error, 3 rows quarantined with --strict.\n"},
    {"check", "affluent check PIPELINE.yml", "Validate a pipeline file without running it",
     "Loads the pipeline, checks every option against the plugins' option tables\n"
     "and reports the first problem as FILE:LINE:COLUMN. Exit 0 if valid, 2 if not.\n"},
    {"plugins", "affluent plugins [NAME] [--markdown]",
     "List plugins, or show one plugin's options",
     "Without NAME, lists sources, transforms and sinks. With NAME, prints the\n"
     "plugin's options (name, type, default, required, description).\n"
     "  --markdown               print the full pipeline reference as Markdown\n"},
    {"convert",
     "affluent convert INPUT OUTPUT [--format F] [--compression C] [--row-group-size N|SIZE] "
     "[--members GLOB] [--encoding E] [--delimiter C] [--on-error P]",
     "Convert files into another format",
     "Formats are chosen from the file extensions. Inputs: .csv, .txt, .tsv, .json,\n"
     ".ndjson, .jsonl, .parquet; archives .zip, .tar, .tgz (their CSV members, nested\n"
     "archives included, read as one table); a folder or a glob (dir/**/*.csv) of CSV\n"
     "files. Text inputs may be compressed (.gz, .zst, .lz4, .bz2, .xz: detected from\n"
     "the bytes; .br by name). Delimiter, header, encoding and column types are\n"
     "detected; options override. Outputs: .csv, .tsv (optionally .gz, .zst, ...),\n"
     ".parquet. Values keep their types.\n"
     "  --format csv|tsv|parquet output format\n"
     "  --compression C          Parquet page codec: zstd (default), snappy, gzip, brotli,\n"
     "                           lz4_raw, lz4, none; CSV output: none, gzip, zstd, lz4,\n"
     "                           bzip2, xz, brotli (default from the name)\n"
     "  --row-group-size N|SIZE  Parquet row groups: N rows, or a size such as 64MiB of\n"
     "                           rows in memory (default 64MiB)\n"
     "  --members GLOB           archive members to read (repeatable; default *.csv, *.tsv)\n"
     "  --encoding E             input encoding: utf-8, utf-16le, utf-16be, latin-1,\n"
     "                           windows-1252 (default: detected)\n"
     "  --delimiter C            input delimiter (default: detected; tab for .tsv)\n"
     "  --on-error fail|quarantine|skip_with_count   bad rows policy (default fail)\n" LOG_FLAGS},
    {"parquet",
     "affluent parquet inspect FILE [--json] | affluent parquet cat FILE [--format csv|ndjson] "
     "[--columns a,b] [--where EXPR] [--limit N] [--stats]",
     "Inspect a Parquet file or print its rows",
     "inspect prints the schema, row count, writer, row groups with each column\n"
     "chunk's codec, encodings, sizes, null count and min/max, and the key-value\n"
     "metadata; --json prints the same as one JSON object.\n"
     "cat prints the rows as CSV (default) or NDJSON, one row group at a time.\n"
     "  --json                   inspect: machine-readable output\n"
     "  --format csv|ndjson      cat: output format (default csv)\n"
     "  --columns a,b            cat: only these top-level columns, in this order\n"
     "  --where EXPR             cat: only rows where EXPR is true, e.g.\n"
     "                           \"amount > 12.5 AND (country = 'FR' OR day IS NULL)\"\n"
     "                           (=, !=, <>, <, <=, >, >=, [NOT] BETWEEN a AND b,\n"
     "                           IS [NOT] NULL, AND, OR, NOT, parentheses; 'text',\n"
     "                           numbers, true/false, \"quoted column\"). Literals are\n"
     "                           read with the column's type (decimals exactly, dates\n"
     "                           and timestamps as ISO text); NULL never compares.\n"
     "                           Row groups whose statistics rule EXPR out are skipped\n"
     "  --limit N                cat: at most N rows (counted after --where)\n"
     "  --stats                  cat: print \"row groups: read N of M\" and row counts\n"
     "                           to standard error\n"
     "Exit codes: 0 success, 1 the file cannot be read, 2 usage error, unknown column\n"
     "or invalid --where expression.\n"},
    {"lake", "affluent lake history|cat|rollback|vacuum|compact TABLE [--lake DIR|URL] [options]",
     "Versions, time travel, rollback, vacuum and compaction of lake tables",
     "TABLE is a processed/ table as named in the catalog.\n"
     "  history TABLE            one line per version: time, operation, files and rows\n"
     "                           added and removed\n"
     "  cat TABLE                the rows of the latest version, or of --version N or\n"
     "                           --as-of TIMESTAMP (the last version committed then)\n"
     "  rollback TABLE --version N   a new version whose rows are those of version N\n"
     "  vacuum TABLE --retain DAYS   delete data files no version newer than DAYS ago\n"
     "                           still references (--dry-run lists them)\n"
     "  compact TABLE            rewrite small files of each partition into files near\n"
     "                           the target size (a new version with the same rows)\n"
     "Options:\n"
     "  --lake DIR|URL           the lake (default: --pipeline's lake, or $AFFLUENT_LAKE)\n"
     "  --pipeline FILE          take the lake from this pipeline file\n"
     "  --format csv|ndjson|table   how cat and history print rows (default table on a\n"
     "                           terminal, csv otherwise)\n"},
    {"catalog",
     "affluent catalog list | show DATASET | search TEXT [--json] [--lake DIR|URL] [--pipeline "
     "FILE]",
     "List, show and search the datasets of the lake's catalog",
     "  list                     every dataset: zone, rows, size, version, last run\n"
     "  show DATASET             schema with column descriptions and PII flags, owner,\n"
     "                           tags, lineage, versions, quality results\n"
     "  search TEXT              datasets whose name, description, owner, tags, column names\n"
     "                           or column descriptions hold every word of TEXT\n"
     "Options:\n"
     "  --json                   machine-readable output\n"
     "  --lake DIR|URL           the lake (default: --pipeline's lake, or $AFFLUENT_LAKE)\n"
     "  --pipeline FILE          take the lake from this pipeline file\n"},
    {"discover", "affluent discover URL [--schema S] [--json]",
     "List the tables, columns, types and keys of a database",
     "Connects read-only to URL (sqlite:///path.db; postgres://, mysql:// as their\n"
     "drivers land) and prints each table with its row count or estimate, each\n"
     "column with its database type, the core type affluent maps it to and\n"
     "nullability, primary and foreign keys. The password comes from the URL or\n"
     "$AFFLUENT_DB_PASSWORD and is never printed.\n"
     "  --schema S               only this schema\n"
     "  --json                   machine-readable output\n"},
    {"help", "affluent help [COMMAND]", "Show help for affluent or one command", ""},
    {NULL, NULL, NULL, NULL},
};

bool af_cli_print_command_help(const char *command)
{
    for (const command_help *c = commands; c->name; c++) {
        if (strcmp(c->name, command) == 0) {
            printf("usage: %s\n\n%s.\n\n%s", c->usage, c->summary, c->details);
            return true;
        }
    }
    return false;
}

static void print_overview(void)
{
    printf("affluent %s - multi-source data-lake ingestion engine\n\n"
           "usage: affluent COMMAND [ARGS]\n\nCommands:\n",
           AF_VERSION);
    for (const command_help *c = commands; c->name; c++)
        printf("  %-10s %s\n", c->name, c->summary);
    printf("\nRun 'affluent help COMMAND' for the options of a command.\n"
           "Documentation: docs/ (cli.md, pipeline.md, pipeline-reference.md).\n");
}

int af_cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        print_overview();
        return AF_EXIT_OK;
    }
    if (!af_cli_print_command_help(argv[1])) {
        fprintf(stderr, "affluent help: unknown command '%s'\n", argv[1]);
        print_overview();
        return AF_EXIT_USAGE;
    }
    return AF_EXIT_OK;
}

typedef int (*command_fn)(int, char **);

int af_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        print_overview();
        return AF_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("affluent %s\n", AF_VERSION);
        return AF_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return af_cmd_help(1, argv);
    static const struct {
        const char *name;
        command_fn fn;
    } table[] = {
        {"run", af_cmd_run},         {"check", af_cmd_check},       {"plugins", af_cmd_plugins},
        {"convert", af_cmd_convert}, {"parquet", af_cmd_parquet},   {"lake", af_cmd_lake},
        {"catalog", af_cmd_catalog}, {"discover", af_cmd_discover}, {"help", af_cmd_help},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(cmd, table[i].name) == 0) {
            /* `affluent CMD --help` is the same as `affluent help CMD` */
            for (int k = 2; k < argc; k++)
                if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
                    char *hargv[] = {"help", (char *)cmd, NULL};
                    return af_cmd_help(2, hargv);
                }
            return table[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "affluent: unknown command '%s'\n\n", cmd);
    print_overview();
    return AF_EXIT_USAGE;
}
