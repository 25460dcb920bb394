/* store_local.c - the lake store on a local filesystem (see store.h).
 *
 * Objects are files below the root directory. Staged writes go to hidden
 * files beside their target (io/staged_file.h) and are published by rename
 * (replace) or link (put-if-absent, which fails if the name exists), both
 * atomic on POSIX filesystems; the directory is fsynced afterwards.
 */
#include "lake/store.h"

#include "core/failpoint.h"

#include "core/state.h"
#include "io/staged_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct af_store {
    char *root; /* without a trailing slash */
};

struct af_store_writer {
    af_store *store;
    af_staged_file file;
    bool done;
};

bool af_store_path_valid(const char *path)
{
    if (!path || !*path || path[0] == '/' || path[strlen(path) - 1] == '/')
        return false;
    for (const char *p = path; *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        if (!slash)
            break;
        p = slash + 1;
    }
    return true;
}

static int check_path(const af_store *s, const char *path, af_error *err)
{
    if (af_store_path_valid(path))
        return AF_OK;
    return af_error_set(err, AF_EINVAL,
                        "%s: invalid object path '%s' (relative, '/'-separated, no '.' or '..')",
                        s->root, path ? path : "");
}

static char *full_path(const af_store *s, const char *path)
{
    af_buf b;
    af_buf_init(&b);
    if (af_buf_printf(&b, "%s/%s", s->root, path)) {
        af_buf_free(&b);
        return NULL;
    }
    af_buf_cstr(&b);
    return (char *)b.data;
}

/* Checks an object path and makes the file path it names. */
static int resolve(const af_store *s, const char *path, char **full, af_error *err)
{
    int rc = check_path(s, path, err);
    if (rc)
        return rc;
    *full = full_path(s, path);
    return *full ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

int af_store_open(const char *url, af_store **out, af_error *err)
{
    const char *path = url;
    if (strncmp(url, "file://", 7) == 0)
        path = url + 7;
    else if (strstr(url, "://"))
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: only local lakes are supported in this version (a directory or "
                            "file://PATH)",
                            url);
    if (!*path)
        return af_error_set(err, AF_EINVAL, "empty lake location");
    af_store *s = calloc(1, sizeof *s);
    char *root = af_strdup(path);
    if (!s || !root) {
        free(s);
        free(root);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    size_t n = strlen(root);
    while (n > 1 && root[n - 1] == '/')
        root[--n] = '\0';
    s->root = root;
    int rc = af_mkdirs(root, err);
    if (rc) {
        af_store_free(s);
        return rc;
    }
    *out = s;
    return AF_OK;
}

void af_store_free(af_store *s)
{
    if (!s)
        return;
    free(s->root);
    free(s);
}

const char *af_store_root(const af_store *s)
{
    return s->root;
}

/* ---- listing ---- */

typedef struct entry_list {
    af_store_entry *v;
    size_t n, cap;
} entry_list;

static int add_entry(entry_list *l, const char *rel, const struct stat *st)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        af_store_entry *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return AF_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    char *p = af_strdup(rel);
    if (!p)
        return AF_ENOMEM;
    l->v[l->n++] = (af_store_entry){
        .path = p,
        .size = (int64_t)st->st_size,
        .mtime_ms = (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000,
    };
    return AF_OK;
}

/* Walks dir (relative `rel`, "" for the root), adding files under prefix. */
static int walk(const af_store *s, const char *rel, const char *prefix, entry_list *l,
                af_error *err)
{
    char *dir = *rel ? full_path(s, rel) : af_strdup(s->root);
    if (!dir)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    DIR *d = opendir(dir);
    if (!d) {
        int e = errno;
        free(dir);
        if (e == ENOENT || e == ENOTDIR)
            return AF_OK; /* nothing under this prefix */
        return af_error_set(err, AF_EIO, "%s/%s: cannot list: %s", s->root, rel, strerror(e));
    }
    int rc = AF_OK;
    struct dirent *de;
    af_buf child;
    af_buf_init(&child);
    while (!rc && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue; /* ., .. and staging files */
        af_buf_reset(&child);
        if (af_buf_printf(&child, "%s%s%s", rel, *rel ? "/" : "", de->d_name)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
        const char *c = af_buf_cstr(&child);
        size_t clen = strlen(c), plen = strlen(prefix);
        /* descend only where the prefix can still match */
        if (strncmp(c, prefix, clen < plen ? clen : plen) != 0)
            continue;
        char *full = full_path(s, c);
        struct stat st;
        if (!full) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        } else if (lstat(full, &st) != 0) {
            if (errno != ENOENT) /* deleted while listing: not there */
                rc = af_error_set(err, AF_EIO, "%s: cannot stat: %s", full, strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            rc = walk(s, c, prefix, l, err);
        } else if (S_ISREG(st.st_mode) && clen >= plen) {
            if (add_entry(l, c, &st))
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
        }
        free(full);
    }
    af_buf_free(&child);
    closedir(d);
    free(dir);
    return rc;
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const af_store_entry *)a)->path, ((const af_store_entry *)b)->path);
}

int af_store_list(af_store *s, const char *prefix, af_store_entry **out, size_t *n, af_error *err)
{
    *out = NULL;
    *n = 0;
    entry_list l = {0};
    int rc = walk(s, "", prefix ? prefix : "", &l, err);
    if (rc) {
        af_store_entries_free(l.v, l.n);
        return rc;
    }
    if (l.n)
        qsort(l.v, l.n, sizeof *l.v, cmp_entry);
    *out = l.v;
    *n = l.n;
    return AF_OK;
}

void af_store_entries_free(af_store_entry *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++)
        free(e[i].path);
    free(e);
}

/* ---- reading ---- */

int af_store_stat(af_store *s, const char *path, af_store_entry *out, af_error *err)
{
    char *full = NULL;
    int rc = resolve(s, path, &full, err);
    if (rc)
        return rc;
    struct stat st;
    if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        rc = (e == ENOENT || e == ENOTDIR || e == 0)
                 ? af_error_set(err, AF_ENOTFOUND, "%s: no such object", full)
                 : af_error_set(err, AF_EIO, "%s: cannot stat: %s", full, strerror(e));
        free(full);
        return rc;
    }
    free(full);
    out->path = NULL;
    out->size = (int64_t)st.st_size;
    out->mtime_ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    return AF_OK;
}

int af_store_read_all(af_store *s, const char *path, af_buf *out, af_error *err)
{
    af_store_entry e;
    int rc = af_store_stat(s, path, &e, err);
    if (rc)
        return rc;
    free(e.path);
    return af_store_read_range(s, path, 0, (size_t)e.size, out, err);
}

int af_store_read_range(af_store *s, const char *path, int64_t offset, size_t len, af_buf *out,
                        af_error *err)
{
    if (offset < 0)
        return af_error_set(err, AF_EINVAL, "%s: negative read offset %lld", path,
                            (long long)offset);
    char *full = NULL;
    int rc = resolve(s, path, &full, err);
    if (rc)
        return rc;
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = errno == ENOENT
                 ? af_error_set(err, AF_ENOTFOUND, "%s: no such object", full)
                 : af_error_set(err, AF_EIO, "%s: cannot open: %s", full, strerror(errno));
        free(full);
        return rc;
    }
    if (af_buf_reserve(out, len)) {
        close(fd);
        free(full);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    size_t got = 0;
    while (got < len) {
        ssize_t k = pread(fd, (uint8_t *)out->data + out->len + got, len - got,
                          (off_t)(offset + (int64_t)got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            rc = af_error_set(err, AF_EIO, "%s: read failed at byte %lld: %s", full,
                              (long long)(offset + (int64_t)got), strerror(errno));
            break;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    if (!rc)
        out->len += got;
    close(fd);
    free(full);
    return rc;
}

int af_store_open_read(af_store *s, const char *path, af_reader **out, af_error *err)
{
    char *full = NULL;
    int rc = resolve(s, path, &full, err);
    if (rc)
        return rc;
    rc = af_reader_open_file(full, out, err);
    free(full);
    return rc;
}

/* ---- writing ---- */

int af_store_writer_begin(af_store *s, const char *path, const char *run_id, af_store_writer **out,
                          af_error *err)
{
    char *full = NULL;
    int rc = resolve(s, path, &full, err);
    if (rc)
        return rc;
    af_store_writer *w = calloc(1, sizeof *w);
    if (!w) {
        free(full);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    w->store = s;
    rc = af_staged_file_open(&w->file, full, run_id, err);
    free(full);
    if (rc) {
        af_staged_file_free(&w->file);
        free(w);
        return rc;
    }
    *out = w;
    return AF_OK;
}

int af_store_writer_write(af_store_writer *w, const void *p, size_t n, af_error *err)
{
    if (w->done)
        return af_error_set(err, AF_EINVAL, "%s: write after publish or abort", w->file.path);
    af_failpoint("store.write");
    return af_staged_file_write(&w->file, p, n, err);
}

int af_store_writer_publish(af_store_writer *w, af_error *err)
{
    if (w->done)
        return af_error_set(err, AF_EINVAL, "%s: published or aborted already", w->file.path);
    w->done = true;
    af_failpoint("store.publish");
    return af_staged_file_commit(&w->file, err);
}

int af_store_writer_publish_if_absent(af_store_writer *w, af_error *err)
{
    if (w->done)
        return af_error_set(err, AF_EINVAL, "%s: published or aborted already", w->file.path);
    w->done = true;
    af_failpoint("store.publish_if_absent");
    int rc = af_staged_file_commit_if_absent(&w->file, err);
    if (rc)
        af_staged_file_abort(&w->file); /* the loser leaves nothing behind */
    return rc;
}

void af_store_writer_abort(af_store_writer *w)
{
    if (!w)
        return;
    w->done = true;
    af_staged_file_abort(&w->file);
}

void af_store_writer_free(af_store_writer *w)
{
    if (!w)
        return;
    af_staged_file_free(&w->file);
    free(w);
}

static int put(af_store *s, const char *path, const void *p, size_t n, bool if_absent,
               af_error *err)
{
    af_store_writer *w = NULL;
    int rc = af_store_writer_begin(s, path, NULL, &w, err);
    if (rc)
        return rc;
    rc = af_store_writer_write(w, p, n, err);
    if (!rc)
        rc =
            if_absent ? af_store_writer_publish_if_absent(w, err) : af_store_writer_publish(w, err);
    af_store_writer_free(w);
    return rc;
}

int af_store_put(af_store *s, const char *path, const void *p, size_t n, af_error *err)
{
    return put(s, path, p, n, false, err);
}

int af_store_put_if_absent(af_store *s, const char *path, const void *p, size_t n, af_error *err)
{
    return put(s, path, p, n, true, err);
}

int af_store_delete(af_store *s, const char *path, af_error *err)
{
    char *full = NULL;
    int rc = resolve(s, path, &full, err);
    if (rc)
        return rc;
    af_failpoint("store.delete");
    if (unlink(full) != 0) {
        rc = errno == ENOENT
                 ? af_error_set(err, AF_ENOTFOUND, "%s: no such object", full)
                 : af_error_set(err, AF_EIO, "%s: cannot delete: %s", full, strerror(errno));
        free(full);
        return rc;
    }
    /* object stores have no directories: drop the ones this left empty */
    size_t root_len = strlen(s->root);
    for (char *slash = strrchr(full, '/'); slash && (size_t)(slash - full) > root_len;
         slash = strrchr(full, '/')) {
        *slash = '\0';
        if (rmdir(full) != 0)
            break;
    }
    free(full);
    return AF_OK;
}
