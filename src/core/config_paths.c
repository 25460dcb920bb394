/* config_paths.c - file paths of a pipeline: its directory, its name, and
 * relative paths resolved against the pipeline's directory.
 */
#include "core/config_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool af_config_is_url(const char *s)
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
char *af_config_join_path(const char *dir, const char *rel)
{
    if (rel[0] == '/' || af_config_is_url(rel))
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

char *af_config_current_dir(void)
{
    char *cwd = getcwd(NULL, 0);
    return cwd ? cwd : af_strdup("/");
}

/* Absolute directory holding `path`. */
char *af_config_dir_of(const char *path)
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
    char *cwd = af_config_current_dir();
    char *abs = cwd ? af_config_join_path(cwd, d) : NULL;
    free(cwd);
    free(d);
    return abs;
}

/* Base name without its extension: "etc/orders.yml" -> "orders". */
char *af_config_stem_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = (dot && dot != base) ? (size_t)(dot - base) : strlen(base);
    if (n == 0)
        return af_strdup("pipeline");
    return af_strndup(base, n);
}
