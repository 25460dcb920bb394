/* glob.c - glob patterns: matching a path (member filters) and expanding a
 * pattern over the file system (what a file source reads).
 *
 * Our own, rather than glob(3): we need `**` across directories, a bytewise
 * sorted result whatever the locale, hidden entries skipped while walking,
 * and errors (an unreadable directory) reported rather than ignored, since
 * a silently skipped folder is silently lost data.
 */
#include "io/input_set.h"

#include "core/buf.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- matching ---- */

/* A `[...]` byte class at p[0] == '['. Returns 1 or 0 for a match of c and
 * sets *len to the class length, or -1 when the class is not closed (the
 * '[' is then an ordinary byte). */
static int class_match(const char *p, size_t n, unsigned char c, size_t *len)
{
    size_t i = 1;
    bool neg = false, hit = false;
    if (i < n && (p[i] == '!' || p[i] == '^')) {
        neg = true;
        i++;
    }
    bool first = true;
    while (i < n) {
        if (p[i] == ']' && !first) {
            *len = i + 1;
            return hit != neg;
        }
        unsigned char lo = (unsigned char)p[i], hi = lo;
        if (i + 2 < n && p[i + 1] == '-' && p[i + 2] != ']') {
            hi = (unsigned char)p[i + 2];
            i += 3;
        } else {
            i++;
        }
        if (c >= lo && c <= hi)
            hit = true;
        first = false;
    }
    return -1;
}

/* One path component: `*`, `?` and classes never cross a '/', because
 * components are matched one by one. Iterative with a single backtrack
 * point for the last `*`, so it is linear-ish, never exponential. */
static bool match_seg(const char *p, size_t pn, const char *s, size_t sn)
{
    size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;
    while (si < sn) {
        if (pi < pn) {
            char c = p[pi];
            if (c == '*') {
                star_p = ++pi;
                star_s = si;
                continue;
            }
            if (c == '?') {
                pi++;
                si++;
                continue;
            }
            size_t len = 0;
            int r = c == '[' ? class_match(p + pi, pn - pi, (unsigned char)s[si], &len) : -1;
            if (r == 1) {
                pi += len;
                si++;
                continue;
            }
            if (r < 0 && c == s[si]) {
                pi++;
                si++;
                continue;
            }
        }
        if (star_p == SIZE_MAX)
            return false;
        pi = star_p;
        si = ++star_s;
    }
    while (pi < pn && p[pi] == '*')
        pi++;
    return pi == pn;
}

static const char *comp_end(const char *s)
{
    const char *e = strchr(s, '/');
    return e ? e : s + strlen(s);
}

static bool is_starstar(const char *p, const char *pe)
{
    return pe - p == 2 && p[0] == '*' && p[1] == '*';
}

/* A whole path, component by component; `**` stands for zero or more
 * directories, and at the end of the pattern for everything below. */
static bool match_path(const char *p, const char *s)
{
    for (;;) {
        const char *pe = comp_end(p);
        if (is_starstar(p, pe)) {
            if (!*pe)
                return *s != 0;
            const char *t = s;
            for (;;) {
                if (match_path(pe + 1, t))
                    return true;
                const char *te = strchr(t, '/');
                if (!te)
                    return false;
                t = te + 1;
            }
        }
        const char *se = comp_end(s);
        if (!match_seg(p, (size_t)(pe - p), s, (size_t)(se - s)))
            return false;
        if (!*pe || !*se)
            return !*pe && !*se;
        p = pe + 1;
        s = se + 1;
    }
}

bool af_glob_match(const char *pattern, const char *path)
{
    if (!pattern || !path)
        return false;
    if (!strchr(pattern, '/')) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (match_seg(pattern, strlen(pattern), base, strlen(base)))
            return true;
    }
    return match_path(pattern, path);
}

/* ---- expansion ---- */

typedef struct flist {
    af_glob_file *v;
    size_t n, cap;
    const char *pattern;
} flist;

static bool has_meta(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '*' || s[i] == '?' || s[i] == '[')
            return true;
    return false;
}

static int add_file(flist *l, const char *path, int64_t size, af_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        af_glob_file *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return af_error_set(err, AF_ENOMEM, "%s: out of memory expanding", l->pattern);
        l->v = v;
        l->cap = cap;
    }
    char *p = af_strdup(path);
    if (!p)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory expanding", l->pattern);
    l->v[l->n].path = p;
    l->v[l->n].size = size;
    l->n++;
    return AF_OK;
}

/* prefix + '/' + name into b ("" prefix: name alone; "/" prefix: "/name") */
static int join(af_buf *b, const char *prefix, const char *name, size_t name_len)
{
    af_buf_reset(b);
    size_t pl = strlen(prefix);
    if (af_buf_append(b, prefix, pl))
        return AF_ENOMEM;
    if (pl && prefix[pl - 1] != '/' && af_buf_append_byte(b, '/'))
        return AF_ENOMEM;
    if (af_buf_append(b, name, name_len) || !af_buf_cstr(b))
        return AF_ENOMEM;
    return AF_OK;
}

/* Reads a directory's entry names (without "." and ".."). ENOENT and
 * ENOTDIR are "nothing here" (*names left empty); other failures are
 * errors naming the directory. */
static int list_dir(const char *dir, af_strlist *names, af_error *err)
{
    DIR *d = opendir(*dir ? dir : ".");
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return AF_OK;
        return af_error_set(err, AF_EIO, "%s: cannot read directory: %s", *dir ? dir : ".",
                            strerror(errno));
    }
    int rc = AF_OK;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno)
                rc = af_error_set(err, AF_EIO, "%s: cannot read directory: %s", *dir ? dir : ".",
                                  strerror(errno));
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (af_strlist_push(names, de->d_name)) {
            rc = af_error_set(err, AF_ENOMEM, "%s: out of memory listing", dir);
            break;
        }
    }
    closedir(d);
    return rc;
}

/* Every regular file below dir, hidden entries skipped. Symbolic links to
 * files are read; links to directories are not followed (a link cycle
 * would never end). */
static int walk_all(flist *l, const char *dir, af_error *err)
{
    af_strlist names = {0};
    af_buf path;
    af_buf_init(&path);
    int rc = list_dir(dir, &names, err);
    for (size_t i = 0; rc == AF_OK && i < names.len; i++) {
        const char *nm = names.items[i];
        if (nm[0] == '.')
            continue;
        if (join(&path, dir, nm, strlen(nm))) {
            rc = af_error_set(err, AF_ENOMEM, "%s: out of memory expanding", l->pattern);
            break;
        }
        const char *p = (const char *)path.data;
        struct stat st;
        if (lstat(p, &st) != 0)
            continue; /* removed while we walk */
        if (S_ISDIR(st.st_mode)) {
            char *sub = af_strdup(p);
            if (!sub) {
                rc = af_error_set(err, AF_ENOMEM, "%s: out of memory expanding", l->pattern);
                break;
            }
            rc = walk_all(l, sub, err);
            free(sub);
        } else if (S_ISLNK(st.st_mode)) {
            if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
                rc = add_file(l, p, (int64_t)st.st_size, err);
        } else if (S_ISREG(st.st_mode)) {
            rc = add_file(l, p, (int64_t)st.st_size, err);
        }
    }
    af_strlist_free(&names);
    af_buf_free(&path);
    return rc;
}

/* A path the whole pattern matched: a file is taken, a directory means
 * every file below it, anything else (missing, a device) is no match. */
static int add_match(flist *l, const char *path, af_error *err)
{
    struct stat st;
    if (stat(*path ? path : ".", &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
            return AF_OK;
        return af_error_set(err, AF_EIO, "%s: cannot access: %s", path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return walk_all(l, path, err);
    if (S_ISREG(st.st_mode))
        return add_file(l, path, (int64_t)st.st_size, err);
    return AF_OK;
}

/* Matches the pattern components in `rest` below the directory `prefix`. */
static int expand(flist *l, const char *prefix, const char *rest, af_error *err)
{
    while (*rest == '/')
        rest++;
    if (!*rest)
        return add_match(l, prefix, err);
    const char *ce = comp_end(rest);
    size_t cl = (size_t)(ce - rest);
    const char *next = ce;
    while (*next == '/')
        next++;
    bool last = *next == 0;
    af_buf path;
    af_buf_init(&path);
    int rc = AF_OK;

    if (is_starstar(rest, ce)) {
        if (last)
            return walk_all(l, prefix, err);
        rc = expand(l, prefix, next, err); /* zero directories */
        af_strlist names = {0};
        if (rc == AF_OK)
            rc = list_dir(prefix, &names, err);
        for (size_t i = 0; rc == AF_OK && i < names.len; i++) {
            const char *nm = names.items[i];
            struct stat st;
            if (nm[0] == '.')
                continue;
            if (join(&path, prefix, nm, strlen(nm))) {
                rc = af_error_set(err, AF_ENOMEM, "%s: out of memory expanding", l->pattern);
                break;
            }
            /* lstat: `**` does not follow directory links (cycles) */
            if (lstat((const char *)path.data, &st) == 0 && S_ISDIR(st.st_mode)) {
                char *sub = af_strdup((const char *)path.data);
                rc = sub ? expand(l, sub, rest, err)
                         : af_error_set(err, AF_ENOMEM, "%s: out of memory", l->pattern);
                free(sub);
            }
        }
        af_strlist_free(&names);
        af_buf_free(&path);
        return rc;
    }

    if (!has_meta(rest, cl)) {
        if (join(&path, prefix, rest, cl))
            rc = af_error_set(err, AF_ENOMEM, "%s: out of memory expanding", l->pattern);
        else
            rc = expand(l, (const char *)path.data, next, err);
        af_buf_free(&path);
        return rc;
    }

    af_strlist names = {0};
    rc = list_dir(prefix, &names, err);
    for (size_t i = 0; rc == AF_OK && i < names.len; i++) {
        const char *nm = names.items[i];
        if (nm[0] == '.' && rest[0] != '.')
            continue;
        if (!match_seg(rest, cl, nm, strlen(nm)))
            continue;
        if (join(&path, prefix, nm, strlen(nm))) {
            rc = af_error_set(err, AF_ENOMEM, "%s: out of memory expanding", l->pattern);
            break;
        }
        char *sub = af_strdup((const char *)path.data);
        if (!sub) {
            rc = af_error_set(err, AF_ENOMEM, "%s: out of memory expanding", l->pattern);
            break;
        }
        rc = last ? add_match(l, sub, err) : expand(l, sub, next, err);
        free(sub);
    }
    af_strlist_free(&names);
    af_buf_free(&path);
    return rc;
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp(((const af_glob_file *)a)->path, ((const af_glob_file *)b)->path);
}

void af_glob_files_free(af_glob_file *files, size_t n)
{
    for (size_t i = 0; files && i < n; i++)
        free(files[i].path);
    free(files);
}

int af_glob_expand(const char *pattern, af_glob_file **out, size_t *n_out, af_error *err)
{
    *out = NULL;
    *n_out = 0;
    if (!pattern || !*pattern)
        return af_error_set(err, AF_EINVAL, "empty file pattern");
    flist l = {.pattern = pattern};
    int rc;
    if (strcmp(pattern, "-") == 0) {
        rc = add_file(&l, "-", -1, err);
    } else if (!has_meta(pattern, strlen(pattern))) {
        struct stat st;
        if (stat(pattern, &st) != 0) {
            /* a plain path names one file: say so as opening it would */
            if (errno == ENOENT || errno == ENOTDIR)
                return af_error_set(err, AF_ENOTFOUND, "%s: cannot open: %s", pattern,
                                    strerror(errno));
            return af_error_set(err, AF_EIO, "%s: cannot access: %s", pattern, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            /* "data/" and "data" walk the same tree and name files alike */
            size_t len = strlen(pattern);
            while (len > 1 && pattern[len - 1] == '/')
                len--;
            char *dir = af_strndup(pattern, len);
            rc = dir ? walk_all(&l, dir, err)
                     : af_error_set(err, AF_ENOMEM, "%s: out of memory", pattern);
            free(dir);
        } else {
            /* a FIFO or a device named on purpose is read too */
            rc = add_file(&l, pattern, S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1, err);
        }
    } else {
        rc = expand(&l, pattern[0] == '/' ? "/" : "", pattern, err);
    }
    if (rc) {
        af_glob_files_free(l.v, l.n);
        return rc;
    }
    if (l.n == 0) {
        free(l.v);
        return af_error_set(err, AF_ENOTFOUND, "%s: no file matches", pattern);
    }
    qsort(l.v, l.n, sizeof *l.v, cmp_file);
    size_t k = 0; /* `**` may reach a file twice */
    for (size_t i = 0; i < l.n; i++) {
        if (k > 0 && strcmp(l.v[k - 1].path, l.v[i].path) == 0)
            free(l.v[i].path);
        else
            l.v[k++] = l.v[i];
    }
    *out = l.v;
    *n_out = k;
    return AF_OK;
}
