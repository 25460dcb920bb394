/* config.c - loads a pipeline file (YAML) into a validated af_pipeline.
 *
 * The YAML is parsed by libfyaml into a document tree, then walked section by
 * section. Every value goes through the same path: interpolation of ${VAR},
 * then typing through a config map (configmap.c). Plugin sections are checked
 * against the map of the plugin named by their `type`, looked up in the
 * registry. Every error names FILE:LINE:COL (1-based) so the user can jump to
 * it; unknown names come with a "did you mean" hint.
 *
 * Locations: libfyaml 0.7 only exposes marks for scalar tokens, so a mapping
 * or a sequence is located at its first key or item (which is where the eye
 * goes anyway), falling back to the key that introduced it when it is empty.
 *
 * Secrets: every SECRET value, and the password part of every connection URL,
 * is registered with the redactor before anything else can print it; error
 * messages never quote a secret value.
 */
#include "core/config.h"

#include "security/redact.h"

#include <ctype.h>
#include <errno.h>
#include <libfyaml.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* The `defaults:` section carries the stream options plus two pipeline-wide
 * paths; they are copied into af_pipeline once validated. */
typedef struct defaults_section {
    af_stream_options opts;
    char *lake;
    char *state_dir;
} defaults_section;

#define ON_ERROR_VALUES "fail|quarantine|skip_with_count"

const af_config_map af_defaults_config_map[] = {
    {"lake", AF_OPT_STRING, NULL, false, offsetof(defaults_section, lake),
     "Root of the lake: a local directory (relative to the pipeline file) or a URL (s3://, "
     "az://...); default <pipeline dir>/lake",
     NULL},
    {"state_dir", AF_OPT_STRING, NULL, false, offsetof(defaults_section, state_dir),
     "Where resume state is kept; default <lake>/_affluent (<pipeline dir>/_affluent for a "
     "remote lake)",
     NULL},
    {"on_error", AF_OPT_ENUM, "quarantine", false, offsetof(defaults_section, opts.on_error),
     "What to do with a row that cannot be used: stop, set it aside with its reason, or count it",
     ON_ERROR_VALUES},
    {"batch_rows", AF_OPT_INT, "65536", false, offsetof(defaults_section, opts.batch_rows),
     "Maximum rows per batch", NULL},
    {"batch_bytes", AF_OPT_SIZE, "16MiB", false, offsetof(defaults_section, opts.batch_bytes),
     "Maximum buffer bytes per batch", NULL},
    {"queue_depth", AF_OPT_INT, "4", false, offsetof(defaults_section, opts.queue_depth),
     "Batches in flight between pipeline stages", NULL},
    {"description", AF_OPT_STRING, NULL, false, offsetof(defaults_section, opts.description),
     "Free text shown in reports and the catalog", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};

/* No default_value here: a stream inherits the values of `defaults:`. */
const af_config_map af_stream_config_map[] = {
    {"on_error", AF_OPT_ENUM, NULL, false, offsetof(af_stream_options, on_error),
     "Overrides defaults.on_error for this stream", ON_ERROR_VALUES},
    {"batch_rows", AF_OPT_INT, NULL, false, offsetof(af_stream_options, batch_rows),
     "Overrides defaults.batch_rows", NULL},
    {"batch_bytes", AF_OPT_SIZE, NULL, false, offsetof(af_stream_options, batch_bytes),
     "Overrides defaults.batch_bytes", NULL},
    {"queue_depth", AF_OPT_INT, NULL, false, offsetof(af_stream_options, queue_depth),
     "Overrides defaults.queue_depth", NULL},
    {"description", AF_OPT_STRING, NULL, false, offsetof(af_stream_options, description),
     "Free text shown in reports and the catalog", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};

const af_config_map af_connection_config_map[] = {
    {"url", AF_OPT_SECRET, NULL, false, offsetof(af_connection, url),
     "Where to connect, e.g. postgres://user@host:5432/db; a password in it is redacted; "
     "{env: VAR} or {file: PATH} make the whole URL secret",
     NULL},
    {"user", AF_OPT_STRING, NULL, false, offsetof(af_connection, user), "User name", NULL},
    {"password", AF_OPT_SECRET, NULL, false, offsetof(af_connection, password),
     "Password: a string, {env: VAR} or {file: PATH}", NULL},
    {"options", AF_OPT_STRMAP, NULL, false, offsetof(af_connection, options),
     "Driver-specific settings (key: value)", NULL},
    {NULL, 0, NULL, false, 0, NULL, NULL},
};

/* ---- small helpers ---------------------------------------------------- */

static bool is_url(const char *s)
{
    if (!isalpha((unsigned char)s[0]))
        return false;
    const char *p = s + 1;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    return strncmp(p, "://", 3) == 0;
}

/* dir + "/" + rel, dropping leading "./" so paths stay readable; absolute
 * paths and URLs are returned as they are. */
static char *join_path(const char *dir, const char *rel)
{
    if (rel[0] == '/' || is_url(rel))
        return af_strdup(rel);
    while (rel[0] == '.' && rel[1] == '/') {
        rel += 2;
        while (*rel == '/')
            rel++;
    }
    if (rel[0] == '\0' || strcmp(rel, ".") == 0)
        return af_strdup(dir);
    af_buf b;
    af_buf_init(&b);
    if (af_buf_printf(&b, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", rel)) {
        af_buf_free(&b);
        return NULL;
    }
    af_buf_cstr(&b);
    return (char *)b.data;
}

static char *current_dir(void)
{
    char *cwd = getcwd(NULL, 0);
    return cwd ? cwd : af_strdup("/");
}

/* Absolute directory holding `path`. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *d;
    if (!slash)
        d = af_strdup(".");
    else if (slash == path)
        d = af_strdup("/");
    else
        d = af_strndup(path, (size_t)(slash - path));
    if (!d)
        return NULL;
    char *real = realpath(d, NULL);
    if (real) {
        free(d);
        return real;
    }
    if (d[0] == '/')
        return d;
    char *cwd = current_dir();
    char *abs = cwd ? join_path(cwd, d) : NULL;
    free(cwd);
    free(d);
    return abs;
}

/* Base name without its extension: "etc/orders.yml" -> "orders". */
static char *stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = (dot && dot != base) ? (size_t)(dot - base) : strlen(base);
    if (n == 0)
        return af_strdup("pipeline");
    return af_strndup(base, n);
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
            return false;
    return true;
}

/* ---- did you mean ----------------------------------------------------- */

#define DYM_MAX 64

/* Optimal string alignment distance (Levenshtein plus adjacent swaps, so
 * "cvs" is one edit from "csv"), ignoring case. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t rows[3][DYM_MAX + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca == cb ? 0 : 1;
            size_t v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *af_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
    if (!word)
        return NULL;
    size_t lw = strlen(word);
    if (lw == 0 || lw > DYM_MAX)
        return NULL;
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        size_t lc = strlen(candidates[i]);
        if (lc > DYM_MAX)
            continue;
        size_t d = edit_distance(word, lw, candidates[i], lc);
        size_t longer = lw > lc ? lw : lc;
        /* Close enough to be a typo, not a different word. */
        if (d <= 3 && 2 * d < longer && d < best_d) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}

/* ---- interpolation ------------------------------------------------------ */

#define INTERP_MAX_DEPTH 8

static int interp(const char *s, size_t n, af_buf *out, int depth, af_error *err)
{
    if (depth > INTERP_MAX_DEPTH)
        return af_error_set(err, AF_ECONFIG, "'${' defaults are nested too deeply");
    size_t i = 0;
    while (i < n) {
        const char *dollar = memchr(s + i, '$', n - i);
        size_t lit = dollar ? (size_t)(dollar - (s + i)) : n - i;
        if (af_buf_append(out, s + i, lit))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        i += lit;
        if (i >= n)
            break;
        /* s[i] == '$' */
        if (i + 1 < n && s[i + 1] == '$') {
            af_buf_append_byte(out, '$');
            i += 2;
            continue;
        }
        if (i + 1 >= n || s[i + 1] != '{') {
            af_buf_append_byte(out, '$');
            i++;
            continue;
        }
        size_t name_start = i + 2, j = name_start;
        while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
            j++;
        size_t name_len = j - name_start;
        /* Find the matching '}', allowing ${...} inside a default. */
        size_t k = j, open = 1;
        while (k < n) {
            if (s[k] == '$' && k + 1 < n && s[k + 1] == '{') {
                open++;
                k += 2;
                continue;
            }
            if (s[k] == '}' && --open == 0)
                break;
            k++;
        }
        if (k >= n)
            return af_error_set(err, AF_ECONFIG, "unclosed '${' (write '$$' for a literal '$')");
        if (name_len == 0 || isdigit((unsigned char)s[name_start]))
            return af_error_set(err, AF_ECONFIG,
                                "invalid variable reference: '${' must be followed by a name "
                                "of letters, digits and '_'");
        bool has_default = false, colon = false;
        size_t def_start = j;
        if (s[j] == ':' && j + 1 < k && s[j + 1] == '-') {
            has_default = colon = true;
            def_start = j + 2;
        } else if (s[j] == '-') {
            has_default = true;
            def_start = j + 1;
        } else if (j != k) {
            return af_error_set(err, AF_ECONFIG,
                                "invalid variable reference '${%.*s...}': expected '}' or ':-'",
                                (int)name_len, s + name_start);
        }
        char name[256];
        if (name_len >= sizeof name)
            return af_error_set(err, AF_ECONFIG, "variable name too long");
        memcpy(name, s + name_start, name_len);
        name[name_len] = '\0';
        const char *val = getenv(name);
        bool use_default = has_default && (!val || (colon && !*val));
        if (use_default) {
            int rc = interp(s + def_start, k - def_start, out, depth + 1, err);
            if (rc)
                return rc;
        } else if (val) {
            if (af_buf_append_str(out, val))
                return af_error_set(err, AF_ENOMEM, "out of memory");
        } else {
            return af_error_set(err, AF_ECONFIG,
                                "environment variable '%s' is not set (write ${%s:-default} to "
                                "give a default)",
                                name, name);
        }
        i = k + 1;
    }
    return AF_OK;
}

int af_config_interpolate(const char *text, char **out, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    int rc = interp(text, strlen(text), &b, 0, err);
    if (rc) {
        af_buf_free(&b);
        *out = NULL;
        return rc;
    }
    if (!af_buf_cstr(&b)) {
        af_buf_free(&b);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    *out = (char *)b.data;
    return AF_OK;
}

/* ---- the loader --------------------------------------------------------- */

typedef struct loader {
    const char *file; /* name used in messages */
    af_pipeline *p;
    af_error *err;
} loader;

static int fail_at(loader *L, af_src_loc loc, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail_at(loader *L, af_src_loc loc, int code, const char *fmt, ...)
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

static af_src_loc make_loc(loader *L, int line, int column)
{
    return (af_src_loc){L->file, line, column};
}

/* Where a node starts; see the note at the top about collections. */
static af_src_loc node_loc(loader *L, struct fy_node *n, af_src_loc fallback)
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
                return make_loc(L, m->line + 1, m->column + 1 - quoted);
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

static const char *node_kind(struct fy_node *n)
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
static bool is_null_scalar(struct fy_node *n)
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
static int key_text(loader *L, struct fy_node_pair *pair, af_src_loc ctx, char **out,
                    af_src_loc *loc)
{
    struct fy_node *k = fy_node_pair_key(pair);
    *loc = node_loc(L, k, ctx);
    if (!k || fy_node_get_type(k) != FYNT_SCALAR || fy_node_is_alias(k))
        return fail_at(L, *loc, AF_ECONFIG, "keys must be plain names, got %s", node_kind(k));
    size_t len;
    const char *s = fy_node_get_scalar(k, &len);
    if (!s || len == 0 || memchr(s, '\0', len))
        return fail_at(L, *loc, AF_ECONFIG, "keys must be non-empty names");
    *out = af_strndup(s, len);
    return *out ? AF_OK : fail_at(L, *loc, AF_ENOMEM, "out of memory");
}

/* Interpolated text of a scalar; *out = NULL for a null value. `what` names
 * the value in messages ("option 'path' of csv source"). */
static int scalar_text(loader *L, struct fy_node *n, af_src_loc ctx, const char *what, char **out)
{
    *out = NULL;
    af_src_loc loc = node_loc(L, n, ctx);
    if (n && fy_node_is_alias(n))
        return fail_at(L, loc, AF_ECONFIG, "%s: YAML aliases (*name) are not supported", what);
    if (n && fy_node_get_type(n) != FYNT_SCALAR)
        return fail_at(L, loc, AF_ECONFIG, "%s must be a scalar, got %s", what, node_kind(n));
    if (is_null_scalar(n))
        return AF_OK;
    size_t len;
    const char *s = fy_node_get_scalar(n, &len);
    if (!s)
        s = "";
    if (memchr(s, '\0', len))
        return fail_at(L, loc, AF_ECONFIG, "%s contains a NUL byte", what);
    char *raw = af_strndup(s, len);
    if (!raw)
        return fail_at(L, loc, AF_ENOMEM, "out of memory");
    af_error ierr;
    af_error_clear(&ierr);
    int rc = af_config_interpolate(raw, out, &ierr);
    free(raw);
    if (rc)
        return fail_at(L, loc, rc, "%s: %s", what, ierr.msg);
    return AF_OK;
}

/* Rejects a mapping that names the same key twice; `what` is "stream", "key"... */
static int check_duplicates(loader *L, struct fy_node *map, af_src_loc ctx, const char *what)
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
                af_src_loc first = node_loc(L, k2, ctx);
                return fail_at(L, node_loc(L, k, ctx), AF_ECONFIG,
                               "duplicate %s '%.*s' (first defined at line %d, column %d)", what,
                               (int)(len > 200 ? 200 : len), s, first.line, first.column);
            }
        }
    }
    return AF_OK;
}

static int expect_mapping(loader *L, struct fy_node *n, af_src_loc ctx, const char *what)
{
    if (n && fy_node_get_type(n) == FYNT_MAPPING && !fy_node_is_alias(n))
        return AF_OK;
    return fail_at(L, node_loc(L, n, ctx), AF_ECONFIG, "%s must be a mapping, got %s", what,
                   node_kind(n));
}

static const af_config_map *map_find(const af_config_map *map, const char *name)
{
    for (size_t i = 0; map && map[i].name; i++)
        if (strcmp(map[i].name, name) == 0)
            return &map[i];
    return NULL;
}

/* "unknown option 'x' for csv source; did you mean 'y'?" */
static int unknown_key(loader *L, af_src_loc loc, const char *key, const char *where,
                       const af_config_map *map, const char *const *extra, size_t n_extra)
{
    size_t n = af_config_map_count(map) + n_extra;
    const char **cands = calloc(n ? n : 1, sizeof *cands);
    if (!cands)
        return fail_at(L, loc, AF_ENOMEM, "out of memory");
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
        rc = fail_at(L, loc, AF_ECONFIG, "unknown key '%s' in %s; did you mean '%s'?", key, where,
                     hint);
    else
        rc = fail_at(L, loc, AF_ECONFIG, "unknown key '%s' in %s (known: %s)", key, where,
                     c ? af_buf_cstr(&known) : "none");
    af_buf_free(&known);
    free(cands);
    return rc;
}

/* Registers the password of "scheme://user:PASS@host/..." with the redactor. */
static int register_url_password(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return AF_OK;
    p += 3;
    size_t auth_len = strcspn(p, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (p[i] == '@')
            at = p + i;
    if (!at)
        return AF_OK;
    const char *colon = memchr(p, ':', (size_t)(at - p));
    if (!colon || colon + 1 >= at)
        return AF_OK;
    char *pw = af_strndup(colon + 1, (size_t)(at - colon - 1));
    if (!pw)
        return AF_ENOMEM;
    int rc = af_redact_register(pw);
    /* Drivers may log the decoded form; mask that too. */
    char *dec = af_strdup(pw);
    if (dec) {
        size_t o = 0;
        for (size_t i = 0; pw[i]; i++) {
            if (pw[i] == '%' && isxdigit((unsigned char)pw[i + 1]) &&
                isxdigit((unsigned char)pw[i + 2])) {
                char hex[3] = {pw[i + 1], pw[i + 2], 0};
                dec[o++] = (char)strtol(hex, NULL, 16);
                i += 2;
            } else {
                dec[o++] = pw[i];
            }
        }
        dec[o] = '\0';
        if (strcmp(dec, pw) != 0 && dec[0])
            rc = rc ? rc : af_redact_register(dec);
        free(dec);
    }
    free(pw);
    return rc;
}

static int register_secret(loader *L, af_src_loc loc, const char *value)
{
    if (!value || !*value)
        return AF_OK;
    int rc = af_redact_register(value);
    if (rc)
        return fail_at(L, loc, rc, "cannot register a secret with the redactor");
    return AF_OK;
}

#define SECRET_FILE_MAX (1 << 20)

/* Reads a secret file, stripping one trailing newline (editors add one). */
static int read_secret_file(loader *L, af_src_loc loc, const char *opt, const char *path,
                            char **out)
{
    char *full = join_path(L->p->dir, path);
    if (!full)
        return fail_at(L, loc, AF_ENOMEM, "out of memory");
    FILE *f = fopen(full, "rb");
    if (!f) {
        int e = errno;
        int rc = fail_at(L, loc, AF_ECONFIG, "cannot read secret file '%s' for option '%s': %s",
                         full, opt, strerror(e));
        free(full);
        return rc;
    }
    /* Only regular files: a FIFO or a device would block or never end. */
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        int rc = fail_at(L, loc, AF_ECONFIG,
                         "secret file '%s' for option '%s' is not a regular file", full, opt);
        free(full);
        return rc;
    }
    af_buf b;
    af_buf_init(&b);
    char chunk[4096];
    size_t got;
    int rc = AF_OK;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + got > SECRET_FILE_MAX) {
            rc = fail_at(L, loc, AF_ECONFIG,
                         "secret file '%s' for option '%s' is larger than 1 MiB", full, opt);
            break;
        }
        if (af_buf_append(&b, chunk, got)) {
            rc = fail_at(L, loc, AF_ENOMEM, "out of memory");
            break;
        }
    }
    if (!rc && ferror(f))
        rc = fail_at(L, loc, AF_ECONFIG, "cannot read secret file '%s' for option '%s'", full, opt);
    fclose(f);
    if (!rc && memchr(b.data ? (const char *)b.data : "", '\0', b.len))
        rc = fail_at(L, loc, AF_ECONFIG, "secret file '%s' for option '%s' contains a NUL byte",
                     full, opt);
    free(full);
    if (rc) {
        af_buf_free(&b);
        return rc;
    }
    if (b.len && b.data[b.len - 1] == '\n') {
        b.len--;
        if (b.len && b.data[b.len - 1] == '\r')
            b.len--;
    }
    if (!af_buf_cstr(&b)) {
        af_buf_free(&b);
        return fail_at(L, loc, AF_ENOMEM, "out of memory");
    }
    *out = (char *)b.data;
    return AF_OK;
}

/* {env: VAR} or {file: PATH}. */
static int secret_from_mapping(loader *L, struct fy_node *n, af_src_loc ctx, const char *opt,
                               char **out)
{
    *out = NULL;
    af_src_loc loc = node_loc(L, n, ctx);
    if (fy_node_mapping_item_count(n) != 1)
        return fail_at(L, loc, AF_ECONFIG,
                       "secret option '%s' must be a string, {env: VAR} or {file: PATH}", opt);
    void *it = NULL;
    struct fy_node_pair *pair = fy_node_mapping_iterate(n, &it);
    char *key = NULL;
    af_src_loc kloc;
    int rc = key_text(L, pair, ctx, &key, &kloc);
    if (rc)
        return rc;
    char what[300];
    snprintf(what, sizeof what, "'%s' of option '%s'", key, opt);
    char *arg = NULL;
    if (strcmp(key, "env") != 0 && strcmp(key, "file") != 0) {
        static const char *const kinds[] = {"env", "file"};
        const char *hint = af_did_you_mean(key, kinds, 2);
        rc = fail_at(L, kloc, AF_ECONFIG,
                     "unknown secret source '%s' for option '%s' (use env or file)%s%s%s", key, opt,
                     hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
        goto done;
    }
    rc = scalar_text(L, fy_node_pair_value(pair), kloc, what, &arg);
    if (rc)
        goto done;
    if (!arg || !*arg) {
        rc = fail_at(L, kloc, AF_ECONFIG, "%s needs a value", what);
        goto done;
    }
    if (strcmp(key, "env") == 0) {
        const char *v = getenv(arg);
        if (!v) {
            rc = fail_at(L, kloc, AF_ECONFIG,
                         "environment variable '%s' for option '%s' is not set", arg, opt);
            goto done;
        }
        *out = af_strdup(v);
        if (!*out)
            rc = fail_at(L, kloc, AF_ENOMEM, "out of memory");
    } else {
        rc = read_secret_file(L, kloc, opt, arg, out);
    }
done:
    free(arg);
    free(key);
    return rc;
}

/* Context of an option being set, for messages and special rules. */
typedef struct opt_ctx {
    const char *owner;     /* "csv source", "defaults", "connection 'dw'" */
    bool plugin;           /* plugin section: check `connection` references */
    bool url_partial;      /* connection url: only its password is secret unless indirect */
    bool positive_numbers; /* pipeline's own INT/SIZE options must be >= 1 */
} opt_ctx;

static int apply_option(loader *L, const af_config_map *e, void *config, struct fy_node *v,
                        af_src_loc kloc, const opt_ctx *oc)
{
    char what[256];
    snprintf(what, sizeof what, "option '%s' of %s", e->name, oc->owner);
    af_src_loc vloc = node_loc(L, v, kloc);
    void *f = (char *)config + e->offset;
    int rc = AF_OK;
    bool is_map = v && fy_node_get_type(v) == FYNT_MAPPING && !fy_node_is_alias(v);
    bool is_seq = v && fy_node_get_type(v) == FYNT_SEQUENCE && !fy_node_is_alias(v);

    if (e->type == AF_OPT_STRLIST) {
        af_strlist *l = f;
        if (is_map)
            return fail_at(L, vloc, AF_ECONFIG, "%s expects a list, got a mapping", what);
        af_strlist_free(l);
        if (!is_seq) {
            char *s = NULL;
            rc = scalar_text(L, v, kloc, what, &s);
            if (!rc && s && af_strlist_push(l, s))
                rc = fail_at(L, vloc, AF_ENOMEM, "out of memory");
            free(s);
            return rc;
        }
        void *it = NULL;
        struct fy_node *item;
        while (!rc && (item = fy_node_sequence_iterate(v, &it))) {
            char *s = NULL;
            rc = scalar_text(L, item, vloc, what, &s);
            if (!rc && af_strlist_push(l, s ? s : ""))
                rc = fail_at(L, vloc, AF_ENOMEM, "out of memory");
            free(s);
        }
        return rc;
    }
    if (e->type == AF_OPT_STRMAP) {
        af_strmap *m = f;
        if (is_null_scalar(v)) {
            af_strmap_free(m);
            return AF_OK;
        }
        if (!is_map)
            return fail_at(L, vloc, AF_ECONFIG, "%s expects a mapping (key: value), got %s", what,
                           node_kind(v));
        if ((rc = check_duplicates(L, v, kloc, "key")))
            return rc;
        af_strmap_free(m);
        void *it = NULL;
        struct fy_node_pair *pair;
        while (!rc && (pair = fy_node_mapping_iterate(v, &it))) {
            char *k = NULL, *s = NULL;
            af_src_loc iloc;
            rc = key_text(L, pair, vloc, &k, &iloc);
            if (!rc) {
                char iwhat[300];
                snprintf(iwhat, sizeof iwhat, "value of '%s' in %s", k, what);
                rc = scalar_text(L, fy_node_pair_value(pair), iloc, iwhat, &s);
            }
            if (!rc && af_strmap_put(m, k, s ? s : "", node_loc(L, fy_node_pair_value(pair), iloc)))
                rc = fail_at(L, iloc, AF_ENOMEM, "out of memory");
            free(k);
            free(s);
        }
        return rc;
    }
    if (e->type == AF_OPT_SECRET) {
        char *s = NULL;
        bool indirect = is_map;
        if (is_map)
            rc = secret_from_mapping(L, v, kloc, e->name, &s);
        else if (is_seq)
            return fail_at(L, vloc, AF_ECONFIG,
                           "%s expects a string, {env: VAR} or {file: PATH}, got a sequence", what);
        else
            rc = scalar_text(L, v, kloc, what, &s);
        if (rc)
            return rc;
        if (!s) /* null: keep the default */
            return e->required ? fail_at(L, vloc, AF_ECONFIG, "%s needs a value", what) : AF_OK;
        /* An inline connection URL stays readable in logs; only its
         * password is a secret. Anything else is secret as a whole. */
        if (!oc->url_partial || indirect)
            rc = register_secret(L, vloc, s);
        if (!rc && oc->url_partial && register_url_password(s))
            rc = fail_at(L, vloc, AF_ENOMEM, "out of memory");
        if (rc) {
            free(s);
            return rc;
        }
        free(*(char **)f);
        *(char **)f = s;
        return AF_OK;
    }
    if (is_map || is_seq)
        return fail_at(L, vloc, AF_ECONFIG, "%s expects %s %s, got %s", what,
                       e->type == AF_OPT_ENUM || e->type == AF_OPT_INT ? "an" : "a",
                       af_opt_type_name(e->type), node_kind(v));
    char *s = NULL;
    if ((rc = scalar_text(L, v, kloc, what, &s)))
        return rc;
    if (!s) {
        if (e->required)
            return fail_at(L, vloc, AF_ECONFIG, "%s needs a value", what);
        return AF_OK; /* null: keep the default */
    }
    af_error serr;
    af_error_clear(&serr);
    rc = af_config_set_text(e, config, s, &serr);
    free(s);
    if (rc)
        return fail_at(L, vloc, rc, "%s (%s)", serr.msg, oc->owner);
    if (oc->positive_numbers && (e->type == AF_OPT_INT || e->type == AF_OPT_SIZE) &&
        *(int64_t *)f < 1)
        return fail_at(L, vloc, AF_ECONFIG, "%s must be at least 1", what);
    if (oc->plugin && e->type == AF_OPT_STRING && strcmp(e->name, "connection") == 0) {
        const char *name = *(char **)f;
        if (!af_pipeline_find_connection(L->p, name)) {
            const char **names = calloc(L->p->n_connections + 1, sizeof *names);
            if (!names)
                return fail_at(L, vloc, AF_ENOMEM, "out of memory");
            for (size_t i = 0; i < L->p->n_connections; i++)
                names[i] = L->p->connections[i].name;
            const char *hint = af_did_you_mean(name, names, L->p->n_connections);
            free(names);
            if (hint)
                return fail_at(L, vloc, AF_ECONFIG,
                               "unknown connection '%s' in %s; did you mean '%s'?", name, what,
                               hint);
            return fail_at(L, vloc, AF_ECONFIG,
                           "unknown connection '%s' in %s (define it under 'connections:')", name,
                           what);
        }
    }
    return AF_OK;
}

/* Applies the keys of mapping `n` to `config` through `map`; keys in
 * `skip` are handled by the caller. `set` (may be NULL) records which
 * entries were given. */
static int apply_mapping(loader *L, struct fy_node *n, af_src_loc ctx, const af_config_map *map,
                         void *config, const opt_ctx *oc, const char *const *skip, size_t n_skip,
                         bool *set)
{
    int rc = check_duplicates(L, n, ctx, "key");
    if (rc)
        return rc;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &it))) {
        char *key = NULL;
        af_src_loc kloc;
        if ((rc = key_text(L, pair, ctx, &key, &kloc)))
            return rc;
        bool skipped = false;
        for (size_t i = 0; i < n_skip; i++)
            skipped = skipped || strcmp(key, skip[i]) == 0;
        if (!skipped) {
            const af_config_map *e = map_find(map, key);
            if (!e) {
                rc = unknown_key(L, kloc, key, oc->owner, map, skip, n_skip);
            } else {
                rc = apply_option(L, e, config, fy_node_pair_value(pair), kloc, oc);
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

static const char *kind_name(af_plugin_kind k, bool target)
{
    if (target)
        return "target";
    return k == AF_PLUGIN_SOURCE ? "source" : k == AF_PLUGIN_TRANSFORM ? "transform" : "sink";
}

static const af_config_map *plugin_options(const af_plugin_config *pc)
{
    if (!pc->plugin)
        return NULL;
    switch (pc->kind) {
    case AF_PLUGIN_SOURCE: return ((const af_source_plugin *)pc->plugin)->options;
    case AF_PLUGIN_TRANSFORM: return ((const af_transform_plugin *)pc->plugin)->options;
    case AF_PLUGIN_SINK: return ((const af_sink_plugin *)pc->plugin)->options;
    }
    return NULL;
}

static void plugin_config_free(af_plugin_config *pc)
{
    if (pc->config)
        af_config_struct_free(plugin_options(pc), pc->config);
    free(pc->config);
    free(pc->type);
    free(pc->name);
    memset(pc, 0, sizeof *pc);
}

/* Names of the registered plugins of a kind, NULL-terminated (borrowed). */
static size_t plugin_names(af_plugin_kind k, const char **names, size_t max)
{
    size_t n = 0;
    if (k == AF_PLUGIN_SOURCE) {
        const af_source_plugin *const *all = af_registry_sources();
        for (size_t i = 0; all && all[i] && n < max; i++)
            names[n++] = all[i]->name;
    } else if (k == AF_PLUGIN_TRANSFORM) {
        const af_transform_plugin *const *all = af_registry_transforms();
        for (size_t i = 0; all && all[i] && n < max; i++)
            names[n++] = all[i]->name;
    } else {
        const af_sink_plugin *const *all = af_registry_sinks();
        for (size_t i = 0; all && all[i] && n < max; i++)
            names[n++] = all[i]->name;
    }
    return n;
}

static int load_plugin(loader *L, struct fy_node *n, af_src_loc ctx, af_plugin_kind kind,
                       bool target, af_plugin_config *pc)
{
    const char *kname = kind_name(kind, target);
    char what[64];
    snprintf(what, sizeof what, "a %s", kname);
    int rc = expect_mapping(L, n, ctx, what);
    if (rc)
        return rc;
    pc->kind = kind;
    pc->loc = node_loc(L, n, ctx);
    if ((rc = check_duplicates(L, n, ctx, "key")))
        return rc;

    struct fy_node *type_node = NULL, *name_node = NULL;
    af_src_loc type_loc = pc->loc, name_loc = pc->loc;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(pair);
        if (!k || fy_node_get_type(k) != FYNT_SCALAR)
            continue;
        size_t klen;
        const char *ks = fy_node_get_scalar(k, &klen);
        if (ks && klen == 4 && memcmp(ks, "type", 4) == 0) {
            type_node = fy_node_pair_value(pair);
            type_loc = node_loc(L, k, pc->loc);
        } else if (target && ks && klen == 4 && memcmp(ks, "name", 4) == 0) {
            name_node = fy_node_pair_value(pair);
            name_loc = node_loc(L, k, pc->loc);
        }
    }
    if (!type_node)
        return fail_at(L, pc->loc, AF_ECONFIG, "%s section needs a 'type' key", kname);
    char twhat[64];
    snprintf(twhat, sizeof twhat, "the type of a %s", kname);
    if ((rc = scalar_text(L, type_node, type_loc, twhat, &pc->type)))
        return rc;
    af_src_loc tvloc = node_loc(L, type_node, type_loc);
    if (!pc->type)
        return fail_at(L, tvloc, AF_ECONFIG, "%s section needs a 'type' value", kname);

    const af_config_map *map = NULL;
    size_t config_size = 0;
    if (kind == AF_PLUGIN_SOURCE) {
        const af_source_plugin *sp = af_registry_source(pc->type);
        if (sp) {
            pc->plugin = sp;
            map = sp->options;
            config_size = sp->config_size;
        }
    } else if (kind == AF_PLUGIN_TRANSFORM) {
        const af_transform_plugin *tp = af_registry_transform(pc->type);
        if (tp) {
            pc->plugin = tp;
            map = tp->options;
            config_size = tp->config_size;
        }
    } else {
        const af_sink_plugin *kp = af_registry_sink(pc->type);
        if (kp) {
            pc->plugin = kp;
            map = kp->options;
            config_size = kp->config_size;
        }
    }
    if (!pc->plugin) {
        const char *names[256] = {0};
        size_t nn = plugin_names(kind, names, 256);
        const char *hint = af_did_you_mean(pc->type, names, nn);
        af_buf avail;
        af_buf_init(&avail);
        for (size_t i = 0; i < nn; i++)
            af_buf_printf(&avail, "%s%s", i ? ", " : "", names[i]);
        if (hint)
            rc = fail_at(L, tvloc, AF_ECONFIG,
                         "unknown %s type '%s'; did you mean '%s'? (available: %s)", kname,
                         pc->type, hint, af_buf_cstr(&avail));
        else
            rc = fail_at(L, tvloc, AF_ECONFIG, "unknown %s type '%s' (available: %s)", kname,
                         pc->type, nn ? af_buf_cstr(&avail) : "none");
        af_buf_free(&avail);
        return rc;
    }

    if (target) {
        char nwhat[64];
        snprintf(nwhat, sizeof nwhat, "the name of a %s", kname);
        if ((rc = scalar_text(L, name_node, name_loc, nwhat, &pc->name)))
            return rc;
        if (pc->name && !valid_name(pc->name))
            return fail_at(L, node_loc(L, name_node, name_loc), AF_ECONFIG,
                           "target name '%s' may only use letters, digits, '_', '.' and '-'",
                           pc->name);
    }
    if (!pc->name && !(pc->name = af_strdup(pc->type)))
        return fail_at(L, pc->loc, AF_ENOMEM, "out of memory");

    pc->config = calloc(1, config_size ? config_size : 1);
    if (!pc->config)
        return fail_at(L, pc->loc, AF_ENOMEM, "out of memory");
    af_error derr;
    af_error_clear(&derr);
    if ((rc = af_config_struct_defaults(map, pc->config, &derr)))
        return fail_at(L, pc->loc, rc, "%s %s: %s", pc->type, kname, derr.msg);

    size_t count = af_config_map_count(map);
    bool *set = calloc(count ? count : 1, sizeof *set);
    if (!set)
        return fail_at(L, pc->loc, AF_ENOMEM, "out of memory");
    char owner[128];
    snprintf(owner, sizeof owner, "%s %s", pc->type, kname);
    opt_ctx oc = {owner, true, false, false};
    static const char *const skip_source[] = {"type"};
    static const char *const skip_target[] = {"type", "name"};
    rc = apply_mapping(L, n, pc->loc, map, pc->config, &oc, target ? skip_target : skip_source,
                       target ? 2 : 1, set);
    for (size_t i = 0; !rc && i < count; i++)
        if (map[i].required && !set[i])
            rc = fail_at(L, pc->loc, AF_ECONFIG, "missing required option '%s' for %s", map[i].name,
                         owner);
    free(set);
    return rc;
}

/* A sequence of plugin sections, or a single mapping. */
static int load_plugin_list(loader *L, struct fy_node *n, af_src_loc ctx, af_plugin_kind kind,
                            bool target, af_plugin_config **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    if (is_null_scalar(n))
        return AF_OK;
    if (fy_node_is_alias(n) || fy_node_get_type(n) == FYNT_SCALAR)
        return fail_at(L, node_loc(L, n, ctx), AF_ECONFIG,
                       "%ss must be a list of mappings with a 'type', got %s",
                       kind_name(kind, target), node_kind(n));
    bool single = fy_node_get_type(n) == FYNT_MAPPING;
    size_t count = single ? 1 : (size_t)fy_node_sequence_item_count(n);
    if (count == 0)
        return AF_OK;
    *out = calloc(count, sizeof **out);
    if (!*out)
        return fail_at(L, ctx, AF_ENOMEM, "out of memory");
    if (single) {
        *n_out = 1;
        return load_plugin(L, n, ctx, kind, target, &(*out)[0]);
    }
    void *it = NULL;
    struct fy_node *item;
    while (*n_out < count && (item = fy_node_sequence_iterate(n, &it))) {
        int rc = load_plugin(L, item, node_loc(L, n, ctx), kind, target, &(*out)[(*n_out)++]);
        if (rc)
            return rc;
    }
    return AF_OK;
}

static int copy_options(af_stream_options *dst, const af_stream_options *src)
{
    *dst = *src;
    dst->description = NULL;
    if (src->description && !(dst->description = af_strdup(src->description)))
        return AF_ENOMEM;
    return AF_OK;
}

static int load_stream(loader *L, struct fy_node *n, af_src_loc nloc, af_stream_config *s)
{
    s->loc = nloc;
    if (!valid_name(s->name))
        return fail_at(L, nloc, AF_ECONFIG,
                       "stream name '%s' may only use letters, digits, '_', '.' and '-'", s->name);
    if (copy_options(&s->opts, &L->p->defaults))
        return fail_at(L, nloc, AF_ENOMEM, "out of memory");
    char where[300];
    snprintf(where, sizeof where, "stream '%s'", s->name);
    int rc = expect_mapping(L, n, nloc, where);
    if (rc)
        return rc;
    if ((rc = check_duplicates(L, n, nloc, "key")))
        return rc;
    static const char *const sections[] = {"source", "transforms", "targets"};
    bool have_source = false, have_targets = false;
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(n, &it))) {
        char *key = NULL;
        af_src_loc kloc;
        if ((rc = key_text(L, pair, nloc, &key, &kloc)))
            return rc;
        struct fy_node *v = fy_node_pair_value(pair);
        if (strcmp(key, "source") == 0) {
            have_source = true;
            if (is_null_scalar(v))
                rc = fail_at(L, kloc, AF_ECONFIG, "the source of stream '%s' is empty", s->name);
            else
                rc = load_plugin(L, v, kloc, AF_PLUGIN_SOURCE, false, &s->source);
        } else if (strcmp(key, "transforms") == 0) {
            rc = load_plugin_list(L, v, kloc, AF_PLUGIN_TRANSFORM, false, &s->transforms,
                                  &s->n_transforms);
        } else if (strcmp(key, "targets") == 0) {
            rc = load_plugin_list(L, v, kloc, AF_PLUGIN_SINK, true, &s->targets, &s->n_targets);
            have_targets = s->n_targets > 0;
            for (size_t i = 0; !rc && i < s->n_targets; i++)
                for (size_t j = 0; !rc && j < i; j++)
                    if (strcmp(s->targets[i].name, s->targets[j].name) == 0)
                        rc = fail_at(L, s->targets[i].loc, AF_ECONFIG,
                                     "two targets of stream '%s' are named '%s'; give them "
                                     "distinct 'name:' values",
                                     s->name, s->targets[i].name);
        } else {
            const af_config_map *e = map_find(af_stream_config_map, key);
            opt_ctx oc = {where, false, false, true};
            if (e)
                rc = apply_option(L, e, &s->opts, v, kloc, &oc);
            else
                rc = unknown_key(L, kloc, key, where, af_stream_config_map, sections, 3);
        }
        free(key);
        if (rc)
            return rc;
    }
    if (!have_source)
        return fail_at(L, nloc, AF_ECONFIG, "stream '%s' has no source (add 'source: {type: ...}')",
                       s->name);
    if (!have_targets)
        return fail_at(L, nloc, AF_ECONFIG,
                       "stream '%s' has no targets (add 'targets:' with at least one target)",
                       s->name);
    return AF_OK;
}

static int load_streams(loader *L, struct fy_node *n, af_src_loc ctx)
{
    int rc = expect_mapping(L, n, ctx, "'streams'");
    if (rc)
        return rc;
    if ((rc = check_duplicates(L, n, ctx, "stream")))
        return rc;
    size_t count = (size_t)fy_node_mapping_item_count(n);
    if (count == 0)
        return fail_at(L, ctx, AF_ECONFIG, "'streams' must define at least one stream");
    af_pipeline *p = L->p;
    p->streams = calloc(count, sizeof *p->streams);
    if (!p->streams)
        return fail_at(L, ctx, AF_ENOMEM, "out of memory");
    void *it = NULL;
    struct fy_node_pair *pair;
    while (p->n_streams < count && (pair = fy_node_mapping_iterate(n, &it))) {
        af_stream_config *s = &p->streams[p->n_streams++];
        af_src_loc kloc;
        if ((rc = key_text(L, pair, ctx, &s->name, &kloc)))
            return rc;
        if ((rc = load_stream(L, fy_node_pair_value(pair), kloc, s)))
            return rc;
    }
    return AF_OK;
}

static int load_connections(loader *L, struct fy_node *n, af_src_loc ctx)
{
    if (is_null_scalar(n))
        return AF_OK;
    int rc = expect_mapping(L, n, ctx, "'connections'");
    if (rc)
        return rc;
    if ((rc = check_duplicates(L, n, ctx, "connection")))
        return rc;
    size_t count = (size_t)fy_node_mapping_item_count(n);
    af_pipeline *p = L->p;
    p->connections = calloc(count ? count : 1, sizeof *p->connections);
    if (!p->connections)
        return fail_at(L, ctx, AF_ENOMEM, "out of memory");
    void *it = NULL;
    struct fy_node_pair *pair;
    while (p->n_connections < count && (pair = fy_node_mapping_iterate(n, &it))) {
        af_connection *c = &p->connections[p->n_connections++];
        if ((rc = key_text(L, pair, ctx, &c->name, &c->loc)))
            return rc;
        if (!valid_name(c->name))
            return fail_at(L, c->loc, AF_ECONFIG,
                           "connection name '%s' may only use letters, digits, '_', '.' and '-'",
                           c->name);
        char where[300];
        snprintf(where, sizeof where, "connection '%s'", c->name);
        struct fy_node *v = fy_node_pair_value(pair);
        if ((rc = expect_mapping(L, v, c->loc, where)))
            return rc;
        /* url is special (only its password is secret when written inline),
         * so it is applied on its own before the other keys. */
        static const char *const skip[] = {"url"};
        opt_ctx oc = {where, false, false, false};
        if ((rc = apply_mapping(L, v, c->loc, af_connection_config_map, c, &oc, skip, 1, NULL)))
            return rc;
        void *it2 = NULL;
        struct fy_node_pair *p2;
        while ((p2 = fy_node_mapping_iterate(v, &it2))) {
            struct fy_node *k = fy_node_pair_key(p2);
            size_t klen;
            const char *ks =
                k && fy_node_get_type(k) == FYNT_SCALAR ? fy_node_get_scalar(k, &klen) : NULL;
            if (ks && klen == 3 && memcmp(ks, "url", 3) == 0) {
                opt_ctx uoc = {where, false, true, false};
                rc = apply_option(L, &af_connection_config_map[0], c, fy_node_pair_value(p2),
                                  node_loc(L, k, c->loc), &uoc);
                if (rc)
                    return rc;
            }
        }
    }
    return AF_OK;
}

static int load_defaults(loader *L, struct fy_node *n, af_src_loc ctx, const char *dir)
{
    defaults_section d;
    memset(&d, 0, sizeof d);
    af_error derr;
    af_error_clear(&derr);
    int rc = af_config_struct_defaults(af_defaults_config_map, &d, &derr);
    if (rc)
        return fail_at(L, ctx, rc, "defaults: %s", derr.msg);
    if (n && !is_null_scalar(n)) {
        rc = expect_mapping(L, n, ctx, "'defaults'");
        opt_ctx oc = {"defaults", false, false, true};
        if (!rc)
            rc = apply_mapping(L, n, ctx, af_defaults_config_map, &d, &oc, NULL, 0, NULL);
    }
    af_pipeline *p = L->p;
    if (!rc) {
        p->lake = d.lake ? join_path(dir, d.lake) : join_path(dir, "lake");
        if (d.state_dir)
            p->state_dir = join_path(dir, d.state_dir);
        else if (p->lake && is_url(p->lake))
            /* Resume state needs atomic renames: keep it on local disk. */
            p->state_dir = join_path(dir, "_affluent");
        else if (p->lake)
            p->state_dir = join_path(p->lake, "_affluent");
        if (!p->lake || !p->state_dir)
            rc = fail_at(L, ctx, AF_ENOMEM, "out of memory");
    }
    free(d.lake);
    free(d.state_dir);
    p->defaults = d.opts; /* takes the description */
    return rc;
}

static void no_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

/* Turns the first collected libfyaml error into "FILE:LINE:COL: ...". */
static int yaml_error(loader *L, struct fy_diag *diag)
{
    void *it = NULL;
    struct fy_diag_error *e;
    while ((e = fy_diag_errors_iterate(diag, &it))) {
        if (e->type < FYET_ERROR)
            continue;
        return fail_at(L, make_loc(L, e->line > 0 ? e->line : 0, e->column > 0 ? e->column : 1),
                       AF_ECONFIG, "invalid YAML: %s", e->msg ? e->msg : "syntax error");
    }
    /* libfyaml reports nothing for an input without any document. */
    return fail_at(L, make_loc(L, 0, 0), AF_ECONFIG,
                   "the pipeline is empty (expected a mapping with 'streams')");
}

static int load_root(loader *L, struct fy_node *root, const char *path)
{
    af_src_loc top = make_loc(L, 1, 1);
    if (!root || is_null_scalar(root))
        return fail_at(L, make_loc(L, 0, 0), AF_ECONFIG,
                       "the pipeline is empty (expected a mapping with 'streams')");
    int rc = expect_mapping(L, root, top, "the pipeline file");
    if (rc)
        return rc;
    if ((rc = check_duplicates(L, root, top, "key")))
        return rc;
    static const char *const keys[] = {"version", "name", "defaults", "connections", "streams"};
    struct fy_node *vals[5] = {0};
    af_src_loc locs[5];
    bool present[5] = {0};
    void *it = NULL;
    struct fy_node_pair *pair;
    while ((pair = fy_node_mapping_iterate(root, &it))) {
        char *key = NULL;
        af_src_loc kloc;
        if ((rc = key_text(L, pair, top, &key, &kloc)))
            return rc;
        size_t i = 0;
        while (i < 5 && strcmp(keys[i], key) != 0)
            i++;
        if (i == 5) {
            rc = unknown_key(L, kloc, key, "the pipeline file", NULL, keys, 5);
            free(key);
            return rc;
        }
        free(key);
        vals[i] = fy_node_pair_value(pair);
        locs[i] = kloc;
        present[i] = true;
    }
    af_pipeline *p = L->p;
    if (present[0]) {
        char *v = NULL;
        if ((rc = scalar_text(L, vals[0], locs[0], "'version'", &v)))
            return rc;
        bool ok = v && strcmp(v, "1") == 0;
        if (!ok)
            rc =
                fail_at(L, node_loc(L, vals[0], locs[0]), AF_ECONFIG,
                        "unsupported version '%s' (this affluent reads version 1)", v ? v : "null");
        free(v);
        if (rc)
            return rc;
    }
    if (present[1]) {
        if ((rc = scalar_text(L, vals[1], locs[1], "'name'", &p->name)))
            return rc;
    }
    if (!p->name && !(p->name = stem_of(path)))
        return fail_at(L, top, AF_ENOMEM, "out of memory");
    if ((rc = load_defaults(L, present[2] ? vals[2] : NULL, present[2] ? locs[2] : top, p->dir)))
        return rc;
    if (present[3] && (rc = load_connections(L, vals[3], locs[3])))
        return rc;
    if (!present[4])
        return fail_at(L, make_loc(L, 0, 0), AF_ECONFIG,
                       "no 'streams' section: a pipeline needs at least one stream");
    return load_streams(L, vals[4], locs[4]);
}

/* YAML is Unicode text, and libfyaml 0.7 can spin forever on invalid UTF-8
 * (found by fuzzing: "%" directive followed by 0xff bytes), so the bytes are
 * checked first. Returns 0, or the 1-based line/column of the first bad byte. */
static int check_utf8(const unsigned char *s, size_t n, int *line, int *col)
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

static int load_common(const char *yaml, size_t len, const char *path, char *dir, af_pipeline **out,
                       af_error *err)
{
    *out = NULL;
    af_pipeline *p = calloc(1, sizeof *p);
    if (!p) {
        free(dir);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    p->dir = dir;
    p->path = af_strdup(path);
    loader L = {path, p, err};
    if (!p->path || !p->dir) {
        af_pipeline_free(p);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    L.file = p->path;
    int bad_line, bad_col;
    if (check_utf8((const unsigned char *)yaml, len, &bad_line, &bad_col)) {
        int rc = fail_at(&L, make_loc(&L, bad_line, bad_col), AF_ECONFIG,
                         "not valid UTF-8 text (or a NUL byte); is this a pipeline file?");
        af_pipeline_free(p);
        return rc;
    }

    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = no_output;
    dcfg.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dcfg);
    if (!diag) {
        af_pipeline_free(p);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pcfg;
    memset(&pcfg, 0, sizeof pcfg);
    /* Duplicate keys are reported by us, with both locations and in words
     * that fit the section ("duplicate stream 'orders'"). */
    pcfg.flags = FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS;
    pcfg.diag = diag;
    struct fy_document *doc = fy_document_build_from_string(&pcfg, len ? yaml : "", len);
    int rc;
    if (!doc)
        rc = yaml_error(&L, diag);
    else
        rc = load_root(&L, fy_document_root(doc), path);
    fy_document_destroy(doc);
    fy_diag_destroy(diag);
    if (rc) {
        if (err && err->code == AF_OK)
            af_error_set(err, rc, "%s: invalid pipeline", path);
        af_pipeline_free(p);
        return rc;
    }
    *out = p;
    return AF_OK;
}

#define PIPELINE_FILE_MAX (16u << 20)

int af_pipeline_load(const char *path, af_pipeline **out, af_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        return af_error_set(err, e == ENOENT ? AF_ENOTFOUND : AF_EIO, "%s: %s", path, strerror(e));
    }
    af_buf b;
    af_buf_init(&b);
    char chunk[65536];
    size_t got;
    int rc = AF_OK;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + got > PIPELINE_FILE_MAX) {
            rc = af_error_set(err, AF_ECONFIG, "%s: larger than 16 MiB; is this a pipeline?", path);
            break;
        }
        if (af_buf_append(&b, chunk, got)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
    }
    if (!rc && ferror(f))
        rc = af_error_set(err, AF_EIO, "%s: read error", path);
    fclose(f);
    if (!rc) {
        char *dir = dir_of(path);
        rc = load_common(b.data ? (const char *)b.data : "", b.len, path, dir, out, err);
    }
    af_buf_free(&b);
    return rc;
}

int af_pipeline_load_string(const char *yaml, size_t len, const char *name, af_pipeline **out,
                            af_error *err)
{
    /* No file: relative paths resolve against the working directory. */
    return load_common(yaml, len, name ? name : "<string>", current_dir(), out, err);
}

void af_pipeline_free(af_pipeline *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_streams; i++) {
        af_stream_config *s = &p->streams[i];
        free(s->name);
        af_config_struct_free(af_stream_config_map, &s->opts);
        plugin_config_free(&s->source);
        for (size_t j = 0; j < s->n_transforms; j++)
            plugin_config_free(&s->transforms[j]);
        free(s->transforms);
        for (size_t j = 0; j < s->n_targets; j++)
            plugin_config_free(&s->targets[j]);
        free(s->targets);
    }
    free(p->streams);
    for (size_t i = 0; i < p->n_connections; i++) {
        af_connection *c = &p->connections[i];
        free(c->name);
        af_config_struct_free(af_connection_config_map, c);
    }
    free(p->connections);
    af_config_struct_free(af_stream_config_map, &p->defaults);
    free(p->path);
    free(p->dir);
    free(p->name);
    free(p->lake);
    free(p->state_dir);
    free(p);
}

const af_stream_config *af_pipeline_find_stream(const af_pipeline *p, const char *name)
{
    for (size_t i = 0; p && name && i < p->n_streams; i++)
        if (p->streams[i].name && strcmp(p->streams[i].name, name) == 0)
            return &p->streams[i];
    return NULL;
}

const af_connection *af_pipeline_find_connection(const af_pipeline *p, const char *name)
{
    for (size_t i = 0; p && name && i < p->n_connections; i++)
        if (p->connections[i].name && strcmp(p->connections[i].name, name) == 0)
            return &p->connections[i];
    return NULL;
}

/* ---- reference documentation -------------------------------------------- */

static int doc_section(af_buf *out, const char *title, const char *intro, const af_config_map *map)
{
    af_buf_printf(out, "## %s\n\n%s\n\n", title, intro);
    int rc = af_config_map_print_markdown(map, out);
    return rc ? rc : af_buf_append_str(out, "\n");
}

static int doc_plugin(af_buf *out, const char *kind, const char *name, const char *summary,
                      const af_config_map *map)
{
    af_buf_printf(out, "### %s `%s`\n\n", kind, name);
    if (summary && *summary)
        af_buf_printf(out, "%s\n\n", summary);
    int rc;
    if (af_config_map_count(map) == 0)
        rc = af_buf_append_str(out, "No options.\n");
    else
        rc = af_config_map_print_markdown(map, out);
    return rc ? rc : af_buf_append_str(out, "\n");
}

int af_docs_pipeline_reference(af_buf *out)
{
    af_buf_append_str(out, "# Pipeline reference\n\n"
                           "Generated by `affluent plugins --markdown`; see docs/pipeline.md for "
                           "the file structure, interpolation and secrets.\n\n"
                           "Types: `size` takes 65536, 512k (k = 1000), 64MB, 16MiB (MiB = 1024²); "
                           "`duration` takes 250ms, 30s, 5m, 1h, 1d or a number of seconds; "
                           "`bool` takes true/false, yes/no, on/off; `char` takes one character or "
                           "tab, comma, semicolon, pipe, space, \\t; `secret` takes a string, "
                           "{env: VAR} or {file: PATH}.\n\n");
    doc_section(out, "defaults", "Pipeline-wide settings; streams may override the stream options.",
                af_defaults_config_map);
    doc_section(out, "streams.NAME",
                "Each stream has `source` (one section), `transforms` (a list, optional) and "
                "`targets` (a list, or one section; each may have a `name`), plus these options.",
                af_stream_config_map);
    doc_section(out, "connections.NAME",
                "Named connections; plugin options called `connection` refer to them.",
                af_connection_config_map);
    af_buf_append_str(out, "## Sources\n\n");
    const af_source_plugin *const *src = af_registry_sources();
    for (size_t i = 0; src && src[i]; i++)
        doc_plugin(out, "source", src[i]->name, src[i]->summary, src[i]->options);
    af_buf_append_str(out, "## Transforms\n\n");
    const af_transform_plugin *const *tr = af_registry_transforms();
    for (size_t i = 0; tr && tr[i]; i++)
        doc_plugin(out, "transform", tr[i]->name, tr[i]->summary, tr[i]->options);
    af_buf_append_str(out, "## Sinks (targets)\n\n");
    const af_sink_plugin *const *sk = af_registry_sinks();
    int rc = AF_OK;
    for (size_t i = 0; sk && sk[i]; i++)
        rc = doc_plugin(out, "sink", sk[i]->name, sk[i]->summary, sk[i]->options);
    return rc;
}
