/* config_yaml.c - reading the libfyaml document of a pipeline: error
 * locations (FILE:LINE:COL), checks on nodes, and typing scalar values into
 * config structs through config maps.
 *
 * Locations: libfyaml 0.7 only exposes marks for scalar tokens, so a mapping
 * or a sequence is located at its first key or item (which is where the eye
 * goes anyway), falling back to the key that introduced it when it is empty.
 */
#include "core/config_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int af_config_fail_at(af_config_loader *L, af_src_loc loc, int code, const char *fmt, ...)
{
    char msg[AF_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (loc.line > 0)
        return af_error_set(L->err, code, "%s:%d:%d: %s", L->file, loc.line, loc.column, msg);
    return af_error_set(L->err, code, "%s: %s", L->file, msg);
}

af_src_loc af_config_loc(af_config_loader *L, int line, int column)
{
    return (af_src_loc){L->file, line, column};
}

/* Where a node starts; see the note at the top about collections. */
af_src_loc af_yaml_node_loc(af_config_loader *L, struct fy_node *n, af_src_loc fallback)
{
    for (int guard = 0; n && guard < 1000; guard++) {
        switch (fy_node_get_type(n)) {
        case FYNT_SCALAR: {
            struct fy_token *t = fy_node_get_scalar_token(n);
            const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
            if (m) {
                /* Quoted scalars are marked at their content; point at the quote. */
                enum fy_node_style st = fy_node_get_style(n);
                int quoted = (st == FYNS_SINGLE_QUOTED || st == FYNS_DOUBLE_QUOTED) && m->column;
                return af_config_loc(L, m->line + 1, m->column + 1 - quoted);
            }
            return fallback;
        }
        case FYNT_MAPPING: {
            void *it = NULL;
            struct fy_node_pair *pair = fy_node_mapping_iterate(n, &it);
            n = pair ? fy_node_pair_key(pair) : NULL;
            break;
        }
        case FYNT_SEQUENCE: {
            void *it = NULL;
            n = fy_node_sequence_iterate(n, &it);
            break;
        }
        default: return fallback;
        }
    }
    return fallback;
}

const char *af_yaml_node_kind(struct fy_node *n)
{
    if (!n)
        return "nothing";
    if (fy_node_is_alias(n))
        return "an alias (YAML aliases are not supported)";
    switch (fy_node_get_type(n)) {
    case FYNT_SCALAR: return "a scalar";
    case FYNT_SEQUENCE: return "a sequence";
    case FYNT_MAPPING: return "a mapping";
    }
    return "something else";
}

/* A scalar that means "no value": empty, ~ or null, written plain. */
bool af_yaml_is_null(struct fy_node *n)
{
    if (!n)
        return true;
    if (fy_node_get_type(n) != FYNT_SCALAR || fy_node_get_style(n) != FYNS_PLAIN)
        return false;
    size_t len;
    const char *s = fy_node_get_scalar(n, &len);
    if (!s || len == 0)
        return true;
    return (len == 1 && s[0] == '~') ||
           (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

/* Raw text of a key. Keys are names, so they must be plain scalars. */
int af_yaml_key_text(af_config_loader *L, struct fy_node_pair *pair, af_src_loc ctx, char **out,
                     af_src_loc *loc)
{
    struct fy_node *k = fy_node_pair_key(pair);
    *loc = af_yaml_node_loc(L, k, ctx);
    if (!k || fy_node_get_type(k) != FYNT_SCALAR || fy_node_is_alias(k))
        return af_config_fail_at(L, *loc, AF_ECONFIG, "keys must be plain names, got %s",
                                 af_yaml_node_kind(k));
    size_t len;
    const char *s = fy_node_get_scalar(k, &len);
    if (!s || len == 0 || memchr(s, '\0', len))
        return af_config_fail_at(L, *loc, AF_ECONFIG, "keys must be non-empty names");
    *out = af_strndup(s, len);
    return *out ? AF_OK : af_config_fail_at(L, *loc, AF_ENOMEM, "out of memory");
}

/* Interpolated text of a scalar; *out = NULL for a null value. `what` names
 * the value in messages ("option 'path' of csv source"). */
int af_yaml_scalar_text(af_config_loader *L, struct fy_node *n, af_src_loc ctx, const char *what,
                        char **out)
{
    *out = NULL;
    af_src_loc loc = af_yaml_node_loc(L, n, ctx);
    if (n && fy_node_is_alias(n))
        return af_config_fail_at(L, loc, AF_ECONFIG, "%s: YAML aliases (*name) are not supported",
                                 what);
    if (n && fy_node_get_type(n) != FYNT_SCALAR)
        return af_config_fail_at(L, loc, AF_ECONFIG, "%s must be a scalar, got %s", what,
                                 af_yaml_node_kind(n));
    if (af_yaml_is_null(n))
        return AF_OK;
    size_t len;
    const char *s = fy_node_get_scalar(n, &len);
    if (!s)
        s = "";
    if (memchr(s, '\0', len))
        return af_config_fail_at(L, loc, AF_ECONFIG, "%s contains a NUL byte", what);
    char *raw = af_strndup(s, len);
    if (!raw)
        return af_config_fail_at(L, loc, AF_ENOMEM, "out of memory");
    af_error ierr;
    af_error_clear(&ierr);
    int rc = af_config_interpolate(raw, out, &ierr);
    free(raw);
    if (rc)
        return af_config_fail_at(L, loc, rc, "%s: %s", what, ierr.msg);
    return AF_OK;
}

/* Rejects a mapping that names the same key twice; `what` is "stream", "key"... */
int af_yaml_check_duplicates(af_config_loader *L, struct fy_node *map, af_src_loc ctx,
                             const char *what)
{
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(map, &it))) {
        struct fy_node *k = fy_node_pair_key(pair);
        if (!k || fy_node_get_type(k) != FYNT_SCALAR)
            continue;
        size_t len;
        const char *s = fy_node_get_scalar(k, &len);
        void *it2 = NULL;
        struct fy_node_pair *other;
        while ((other = fy_node_mapping_iterate(map, &it2)) && other != pair) {
            struct fy_node *k2 = fy_node_pair_key(other);
            if (!k2 || fy_node_get_type(k2) != FYNT_SCALAR)
                continue;
            size_t len2;
            const char *s2 = fy_node_get_scalar(k2, &len2);
            if (len == len2 && s && s2 && memcmp(s, s2, len) == 0) {
                af_src_loc first = af_yaml_node_loc(L, k2, ctx);
                return af_config_fail_at(
                    L, af_yaml_node_loc(L, k, ctx), AF_ECONFIG,
                    "duplicate %s '%.*s' (first defined at line %d, column %d)", what,
                    (int)(len > 200 ? 200 : len), s, first.line, first.column);
            }
        }
    }
    return AF_OK;
}

int af_yaml_expect_mapping(af_config_loader *L, struct fy_node *n, af_src_loc ctx, const char *what)
{
    if (n && fy_node_get_type(n) == FYNT_MAPPING && !fy_node_is_alias(n))
        return AF_OK;
    return af_config_fail_at(L, af_yaml_node_loc(L, n, ctx), AF_ECONFIG,
                             "%s must be a mapping, got %s", what, af_yaml_node_kind(n));
}

const af_config_map *af_config_map_find(const af_config_map *map, const char *name)
{
    for (size_t i = 0; map && map[i].name; i++)
        if (strcmp(map[i].name, name) == 0)
            return &map[i];
    return NULL;
}

/* "unknown option 'x' for csv source; did you mean 'y'?" */
int af_config_unknown_key(af_config_loader *L, af_src_loc loc, const char *key, const char *where,
                          const af_config_map *map, const char *const *extra, size_t n_extra)
{
    size_t n = af_config_map_count(map) + n_extra;
    const char **cands = calloc(n ? n : 1, sizeof *cands);
    if (!cands)
        return af_config_fail_at(L, loc, AF_ENOMEM, "out of memory");
    size_t c = 0;
    for (size_t i = 0; i < n_extra; i++)
        cands[c++] = extra[i];
    for (size_t i = 0; map && map[i].name; i++)
        cands[c++] = map[i].name;
    const char *hint = af_did_you_mean(key, cands, c);
    af_buf known;
    af_buf_init(&known);
    for (size_t i = 0; i < c; i++)
        af_buf_printf(&known, "%s%s", i ? ", " : "", cands[i]);
    int rc;
    if (hint)
        rc = af_config_fail_at(L, loc, AF_ECONFIG, "unknown key '%s' in %s; did you mean '%s'?",
                               key, where, hint);
    else
        rc = af_config_fail_at(L, loc, AF_ECONFIG, "unknown key '%s' in %s (known: %s)", key, where,
                               c ? af_buf_cstr(&known) : "none");
    af_buf_free(&known);
    free(cands);
    return rc;
}

int af_config_apply_option(af_config_loader *L, const af_config_map *e, void *config,
                           struct fy_node *v, af_src_loc kloc, const af_config_opt_ctx *oc)
{
    char what[256];
    snprintf(what, sizeof what, "option '%s' of %s", e->name, oc->owner);
    af_src_loc vloc = af_yaml_node_loc(L, v, kloc);
    void *f = (char *)config + e->offset;
    int rc = AF_OK;
    bool is_map = v && fy_node_get_type(v) == FYNT_MAPPING && !fy_node_is_alias(v);
    bool is_seq = v && fy_node_get_type(v) == FYNT_SEQUENCE && !fy_node_is_alias(v);

    if (e->type == AF_OPT_STRLIST) {
        af_strlist *l = f;
        if (is_map)
            return af_config_fail_at(L, vloc, AF_ECONFIG, "%s expects a list, got a mapping", what);
        af_strlist_free(l);
        if (!is_seq) {
            char *s = NULL;
            rc = af_yaml_scalar_text(L, v, kloc, what, &s);
            if (!rc && s && af_strlist_push(l, s))
                rc = af_config_fail_at(L, vloc, AF_ENOMEM, "out of memory");
            free(s);
            return rc;
        }
        void *it = NULL;
        struct fy_node *item;
        while (!rc && (item = fy_node_sequence_iterate(v, &it))) {
            char *s = NULL;
            rc = af_yaml_scalar_text(L, item, vloc, what, &s);
            if (!rc && af_strlist_push(l, s ? s : ""))
                rc = af_config_fail_at(L, vloc, AF_ENOMEM, "out of memory");
            free(s);
        }
        return rc;
    }
    if (e->type == AF_OPT_STRMAP) {
        af_strmap *m = f;
        if (af_yaml_is_null(v)) {
            af_strmap_free(m);
            return AF_OK;
        }
        if (!is_map)
            return af_config_fail_at(L, vloc, AF_ECONFIG,
                                     "%s expects a mapping (key: value), got %s", what,
                                     af_yaml_node_kind(v));
        if ((rc = af_yaml_check_duplicates(L, v, kloc, "key")))
            return rc;
        af_strmap_free(m);
        void *it = NULL;
        struct fy_node_pair *pair;
        while (!rc && (pair = fy_node_mapping_iterate(v, &it))) {
            char *k = NULL, *s = NULL;
            af_src_loc iloc;
            rc = af_yaml_key_text(L, pair, vloc, &k, &iloc);
            if (!rc) {
                char iwhat[300];
                snprintf(iwhat, sizeof iwhat, "value of '%s' in %s", k, what);
                rc = af_yaml_scalar_text(L, fy_node_pair_value(pair), iloc, iwhat, &s);
            }
            if (!rc && af_strmap_put(m, k, s ? s : "",
                                     af_yaml_node_loc(L, fy_node_pair_value(pair), iloc)))
                rc = af_config_fail_at(L, iloc, AF_ENOMEM, "out of memory");
            free(k);
            free(s);
        }
        return rc;
    }
    if (e->type == AF_OPT_SECRET) {
        char *s = NULL;
        bool indirect = is_map;
        if (is_map)
            rc = af_config_secret_from_mapping(L, v, kloc, e->name, &s);
        else if (is_seq)
            return af_config_fail_at(
                L, vloc, AF_ECONFIG,
                "%s expects a string, {env: VAR} or {file: PATH}, got a sequence", what);
        else
            rc = af_yaml_scalar_text(L, v, kloc, what, &s);
        if (rc)
            return rc;
        if (!s) /* null: keep the default */
            return e->required ? af_config_fail_at(L, vloc, AF_ECONFIG, "%s needs a value", what)
                               : AF_OK;
        /* An inline connection URL stays readable in logs; only its
         * password is a secret. Anything else is secret as a whole. */
        if (!oc->url_partial || indirect)
            rc = af_config_register_secret(L, vloc, s);
        if (!rc && oc->url_partial && af_config_register_url_password(s))
            rc = af_config_fail_at(L, vloc, AF_ENOMEM, "out of memory");
        if (rc) {
            free(s);
            return rc;
        }
        free(*(char **)f);
        *(char **)f = s;
        return AF_OK;
    }
    if (is_map || is_seq)
        return af_config_fail_at(L, vloc, AF_ECONFIG, "%s expects %s %s, got %s", what,
                                 e->type == AF_OPT_ENUM || e->type == AF_OPT_INT ? "an" : "a",
                                 af_opt_type_name(e->type), af_yaml_node_kind(v));
    char *s = NULL;
    if ((rc = af_yaml_scalar_text(L, v, kloc, what, &s)))
        return rc;
    if (!s) {
        if (e->required)
            return af_config_fail_at(L, vloc, AF_ECONFIG, "%s needs a value", what);
        return AF_OK; /* null: keep the default */
    }
    af_error serr;
    af_error_clear(&serr);
    rc = af_config_set_text(e, config, s, &serr);
    free(s);
    if (rc)
        return af_config_fail_at(L, vloc, rc, "%s (%s)", serr.msg, oc->owner);
    if (oc->positive_numbers && (e->type == AF_OPT_INT || e->type == AF_OPT_SIZE) &&
        *(int64_t *)f < 1)
        return af_config_fail_at(L, vloc, AF_ECONFIG, "%s must be at least 1", what);
    if (oc->plugin && e->type == AF_OPT_STRING && strcmp(e->name, "connection") == 0) {
        const char *name = *(char **)f;
        if (!af_pipeline_find_connection(L->p, name)) {
            const char **names = calloc(L->p->n_connections + 1, sizeof *names);
            if (!names)
                return af_config_fail_at(L, vloc, AF_ENOMEM, "out of memory");
            for (size_t i = 0; i < L->p->n_connections; i++)
                names[i] = L->p->connections[i].name;
            const char *hint = af_did_you_mean(name, names, L->p->n_connections);
            free(names);
            if (hint)
                return af_config_fail_at(L, vloc, AF_ECONFIG,
                                         "unknown connection '%s' in %s; did you mean '%s'?", name,
                                         what, hint);
            return af_config_fail_at(
                L, vloc, AF_ECONFIG,
                "unknown connection '%s' in %s (define it under 'connections:')", name, what);
        }
    }
    return AF_OK;
}

/* Applies the keys of mapping `n` to `config` through `map`; keys in
 * `skip` are handled by the caller. `set` (may be NULL) records which
 * entries were given. */
int af_config_apply_mapping(af_config_loader *L, struct fy_node *n, af_src_loc ctx,
                            const af_config_map *map, void *config, const af_config_opt_ctx *oc,
                            const char *const *skip, size_t n_skip, bool *set)
{
    int rc = af_yaml_check_duplicates(L, n, ctx, "key");
    if (rc)
        return rc;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &it))) {
        char *key = NULL;
        af_src_loc kloc;
        if ((rc = af_yaml_key_text(L, pair, ctx, &key, &kloc)))
            return rc;
        bool skipped = false;
        for (size_t i = 0; i < n_skip; i++)
            skipped = skipped || strcmp(key, skip[i]) == 0;
        if (!skipped) {
            const af_config_map *e = af_config_map_find(map, key);
            if (!e) {
                rc = af_config_unknown_key(L, kloc, key, oc->owner, map, skip, n_skip);
            } else {
                rc = af_config_apply_option(L, e, config, fy_node_pair_value(pair), kloc, oc);
                if (!rc && set)
                    set[e - map] = true;
            }
        }
        free(key);
        if (rc)
            return rc;
    }
    return AF_OK;
}

void af_yaml_no_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

/* Turns the first collected libfyaml error into "FILE:LINE:COL: ...". */
int af_yaml_error(af_config_loader *L, struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *e;
    while ((e = fy_diag_errors_iterate(diag, &it))) {
        if (e->type < FYET_ERROR)
            continue;
        return af_config_fail_at(
            L, af_config_loc(L, e->line > 0 ? e->line : 0, e->column > 0 ? e->column : 1),
            AF_ECONFIG, "invalid YAML: %s", e->msg ? e->msg : "syntax error");
    }
    /* libfyaml reports nothing for an input without any document. */
    return af_config_fail_at(L, af_config_loc(L, 0, 0), AF_ECONFIG,
                             "the pipeline is empty (expected a mapping with 'streams')");
}

/* YAML is Unicode text, and libfyaml 0.7 can spin forever on invalid UTF-8
 * (found by fuzzing: "%" directive followed by 0xff bytes), so the bytes are
 * checked first. Returns 0, or the 1-based line/column of the first bad byte. */
int af_config_check_utf8(const unsigned char *s, size_t n, int *line, int *col)
{
    *line = 1;
    *col = 1;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xe0) == 0xc0 ? 2
                     : (c & 0xf0) == 0xe0 ? 3
                     : (c & 0xf8) == 0xf0 ? 4
                                          : 0;
        if (c == 0 || len == 0 || i + len > n)
            return -1;
        uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
        static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_cp[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return -1;
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
        i += len;
    }
    return 0;
}

/* libfyaml 0.7.12 crashes (a write through NULL while cleaning up indents)
 * on explicit block mapping keys ("? key") combined with tabs in the key's
 * content (found by fuzzing, in several shapes). Pipeline files never need
 * explicit keys, so a line that starts one is refused before the parser
 * sees it. Returns 0, or -1 with the 1-based line and column of the '?'. */
int af_config_check_explicit_keys(const char *s, size_t n, int *line, int *col)
{
    int ln = 1;
    size_t i = 0;
    while (i < n) {
        size_t start = i, end = i;
        while (end < n && s[end] != '\n')
            end++;
        /* skip indentation and sequence dashes: "  - - ? key" */
        size_t k = start;
        for (;;) {
            while (k < end && s[k] == ' ')
                k++;
            if (k + 1 < end && s[k] == '-' && (s[k + 1] == ' ' || s[k + 1] == '\t'))
                k += 2;
            else
                break;
        }
        bool explicit_key =
            k < end && s[k] == '?' && (k + 1 == end || s[k + 1] == ' ' || s[k + 1] == '\t');
        if (explicit_key) {
            *line = ln;
            *col = (int)(k - start) + 1;
            return -1;
        }
        ln++;
        i = end + 1;
    }
    return 0;
}
