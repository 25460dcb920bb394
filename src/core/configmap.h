/* configmap.h - the declarative option tables of plugins and pipeline sections.
 *
 * Every plugin (and the pipeline's own sections) declares a static array of
 * af_config_map entries, terminated by an entry with name == NULL. The config
 * loader validates YAML against it (unknown keys with a "did you mean" hint,
 * wrong types, missing required options, all with file:line:column) and
 * writes typed values into the plugin's config struct at `offset`.
 * `affluent plugins NAME` and docs/pipeline-reference.md print the same table.
 *
 * Storage per type (the field at `offset` in the struct):
 *   AF_OPT_STRING, AF_OPT_SECRET  char *        (owned; NULL when unset)
 *   AF_OPT_INT, AF_OPT_SIZE       int64_t       (SIZE accepts "64MB", "1GiB")
 *   AF_OPT_DURATION               int64_t ms    ("30s", "5m", "1h", "250ms", plain = seconds)
 *   AF_OPT_BOOL                   bool
 *   AF_OPT_DOUBLE                 double
 *   AF_OPT_ENUM                   int           (index into enum_values "a|b|c")
 *   AF_OPT_CHAR                   char          (one byte; also "\t", "tab", "\\t")
 *   AF_OPT_STRLIST                af_strlist    (a YAML sequence, or one scalar)
 *   AF_OPT_STRMAP                 af_strmap     (a YAML mapping of scalars)
 * A SECRET is a string or a mapping {env: VAR} or {file: PATH}; its value is
 * registered with the redactor so it never reaches a log line.
 */
#ifndef AF_CONFIGMAP_H
#define AF_CONFIGMAP_H

#include "core/buf.h"
#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum af_opt_type {
    AF_OPT_STRING,
    AF_OPT_SECRET,
    AF_OPT_INT,
    AF_OPT_SIZE,
    AF_OPT_DURATION,
    AF_OPT_BOOL,
    AF_OPT_DOUBLE,
    AF_OPT_ENUM,
    AF_OPT_CHAR,
    AF_OPT_STRLIST,
    AF_OPT_STRMAP,
} af_opt_type;

typedef struct af_config_map {
    const char *name;
    af_opt_type type;
    const char *default_value; /* as text, parsed like YAML input; NULL = none */
    bool required;
    size_t offset;
    const char *doc;         /* one line */
    const char *enum_values; /* AF_OPT_ENUM: "fail|quarantine|skip_with_count" */
} af_config_map;

/* Source location of a YAML node, for messages. */
typedef struct af_src_loc {
    const char *file; /* borrowed from the pipeline */
    int line;         /* 1-based; 0 = unknown */
    int column;       /* 1-based */
} af_src_loc;

typedef struct af_strmap_entry {
    char *key;
    char *value;
    af_src_loc loc; /* where the value was written */
} af_strmap_entry;

typedef struct af_strmap {
    af_strmap_entry *items;
    size_t len;
    size_t cap;
} af_strmap;

int af_strmap_put(af_strmap *m, const char *key, const char *value, af_src_loc loc);
const char *af_strmap_get(const af_strmap *m, const char *key);
void af_strmap_free(af_strmap *m);

const char *af_opt_type_name(af_opt_type t); /* "string", "size", ... */
/* A size as options take it ("64MiB", "1GB", "4096"); 0 or an AF_E* code. */
int af_config_parse_size(const char *text, int64_t *out);

/* Number of entries before the terminator. */
size_t af_config_map_count(const af_config_map *map);
/* Frees the owned values (strings, lists, maps) of a config struct. */
void af_config_struct_free(const af_config_map *map, void *config);
/* Applies every default_value to a zeroed config struct. */
int af_config_struct_defaults(const af_config_map *map, void *config, af_error *err);
/* Sets one option from text (used for defaults and CLI overrides). */
int af_config_set_text(const af_config_map *entry, void *config, const char *text, af_error *err);

/* Human-readable table of a map for `affluent plugins NAME`, and a Markdown
 * table for docs. */
int af_config_map_print_text(const af_config_map *map, af_buf *out);
int af_config_map_print_markdown(const af_config_map *map, af_buf *out);

#endif
