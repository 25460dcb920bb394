/* config_internal.h - what the pipeline af_config_loader's files share (config.c,
 * config_yaml.c, config_secrets.c, config_paths.c); not engine API.
 */
#ifndef AF_CONFIG_INTERNAL_H
#define AF_CONFIG_INTERNAL_H

#include "core/config.h"

#include <libfyaml.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- paths (config_paths.c) ---- */

/* "scheme://..." */
bool af_config_is_url(const char *s);
/* dir + "/" + rel, dropping leading "./" so paths stay readable; absolute
 * paths and URLs are returned as they are. */
char *af_config_join_path(const char *dir, const char *rel);
char *af_config_current_dir(void);
/* Absolute directory holding `path`. */
char *af_config_dir_of(const char *path);
/* Base name without its extension: "etc/orders.yml" -> "orders". */
char *af_config_stem_of(const char *path);

/* ---- reading the YAML document (config_yaml.c) ---- */

typedef struct af_config_loader {
    const char *file; /* name used in messages */
    af_pipeline *p;
    af_error *err;
} af_config_loader;

/* Sets L->err to "FILE:LINE:COL: message" (or "FILE: message" without a
 * line) and returns code. */
int af_config_fail_at(af_config_loader *L, af_src_loc loc, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
af_src_loc af_config_loc(af_config_loader *L, int line, int column);
/* Where a node starts (a collection: its first key or item), else fallback. */
af_src_loc af_yaml_node_loc(af_config_loader *L, struct fy_node *n, af_src_loc fallback);
/* "a scalar", "a mapping"... for messages. */
const char *af_yaml_node_kind(struct fy_node *n);
/* A scalar that means "no value": empty, ~ or null, written plain. */
bool af_yaml_is_null(struct fy_node *n);
/* Raw text of a key. Keys are names, so they must be plain scalars. */
int af_yaml_key_text(af_config_loader *L, struct fy_node_pair *pair, af_src_loc ctx, char **out,
                     af_src_loc *loc);
/* Interpolated text of a scalar; *out = NULL for a null value. `what` names
 * the value in messages ("option 'path' of csv source"). */
int af_yaml_scalar_text(af_config_loader *L, struct fy_node *n, af_src_loc ctx, const char *what,
                        char **out);
/* Rejects a mapping that names the same key twice; `what` is "stream", "key"... */
int af_yaml_check_duplicates(af_config_loader *L, struct fy_node *map, af_src_loc ctx,
                             const char *what);
int af_yaml_expect_mapping(af_config_loader *L, struct fy_node *n, af_src_loc ctx,
                           const char *what);
const af_config_map *af_config_map_find(const af_config_map *map, const char *name);
/* "unknown key 'x' in csv source; did you mean 'y'?" */
int af_config_unknown_key(af_config_loader *L, af_src_loc loc, const char *key, const char *where,
                          const af_config_map *map, const char *const *extra, size_t n_extra);

/* Context of an option being set, for messages and special rules. */
typedef struct af_config_opt_ctx {
    const char *owner;     /* "csv source", "defaults", "connection 'dw'" */
    bool plugin;           /* plugin section: check `connection` references */
    bool url_partial;      /* connection url: only its password is secret unless indirect */
    bool positive_numbers; /* pipeline's own INT/SIZE options must be >= 1 */
} af_config_opt_ctx;

/* Types the value node v into the field of `config` that map entry e names. */
int af_config_apply_option(af_config_loader *L, const af_config_map *e, void *config,
                           struct fy_node *v, af_src_loc kloc, const af_config_opt_ctx *oc);
/* Applies the keys of mapping `n` to `config` through `map`; keys in
 * `skip` are handled by the caller. `set` (may be NULL) records which
 * entries were given. */
int af_config_apply_mapping(af_config_loader *L, struct fy_node *n, af_src_loc ctx,
                            const af_config_map *map, void *config, const af_config_opt_ctx *oc,
                            const char *const *skip, size_t n_skip, bool *set);

/* libfyaml diagnostics sink that prints nothing (errors are collected). */
void af_yaml_no_output(struct fy_diag *diag, void *user, const char *buf, size_t len);
/* Turns the first collected libfyaml error into "FILE:LINE:COL: ...". */
int af_yaml_error(af_config_loader *L, struct fy_diag *diag);
/* Returns 0, or -1 with the 1-based line/column of the first byte that is not
 * valid UTF-8 (or is NUL). */
int af_config_check_explicit_keys(const char *s, size_t n, int *line, int *col);
int af_config_check_utf8(const unsigned char *s, size_t n, int *line, int *col);

/* ---- secrets (config_secrets.c) ---- */

/* Registers the password of "scheme://user:PASS@host/..." with the redactor. */
int af_config_register_url_password(const char *url);
int af_config_register_secret(af_config_loader *L, af_src_loc loc, const char *value);
/* {env: VAR} or {file: PATH}. */
int af_config_secret_from_mapping(af_config_loader *L, struct fy_node *n, af_src_loc ctx,
                                  const char *opt, char **out);

#endif
