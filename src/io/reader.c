/* reader.c - file and memory byte streams. */
#include "io/reader.h"

#include "core/buf.h"
#include "core/cancel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_priv {
    int fd;
    bool owned;
    char *path;
} file_priv;

static ssize_t file_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    file_priv *fp = r->priv;
    for (;;) {
        ssize_t got = read(fp->fd, buf, n);
        if (got >= 0) {
            r->offset += got;
            return got;
        }
        if (errno == EINTR) {
            /* interrupted on purpose by the runner when a stop was requested */
            if (af_cancel_requested())
                return af_error_set(err, AF_ECANCELED, "%s: read interrupted by a stop request",
                                    r->name);
            continue;
        }
        return af_error_set(err, AF_EIO, "%s: read failed at byte %lld: %s", r->name,
                            (long long)r->offset, strerror(errno));
    }
}

static void file_close(af_reader *r)
{
    file_priv *fp = r->priv;
    if (fp->owned)
        close(fp->fd);
    free(fp->path);
    free(fp);
    free(r);
}

int af_reader_open_file(const char *path, af_reader **out, af_error *err)
{
    int fd;
    bool owned = true;
    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
        owned = false;
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return af_error_set(err, errno == ENOENT ? AF_ENOTFOUND : AF_EIO, "%s: cannot open: %s",
                                path, strerror(errno));
    }
    struct stat st;
    int64_t size = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        size = st.st_size;
    else if (owned && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return af_error_set(err, AF_EINVAL, "%s: is a directory, not a file", path);
    }
    af_reader *r = calloc(1, sizeof *r);
    file_priv *fp = calloc(1, sizeof *fp);
    char *p = af_strdup(path);
    if (!r || !fp || !p) {
        if (owned)
            close(fd);
        free(r);
        free(fp);
        free(p);
        return af_error_set(err, AF_ENOMEM, "out of memory opening %s", path);
    }
    fp->fd = fd;
    fp->owned = owned;
    fp->path = p;
    r->read = file_read;
    r->close = file_close;
    r->name = fp->path;
    r->size = size;
    r->priv = fp;
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    *out = r;
    return AF_OK;
}

typedef struct mem_priv {
    const uint8_t *data;
    size_t len;
    size_t pos;
    char *name;
} mem_priv;

static ssize_t mem_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    (void)err;
    mem_priv *mp = r->priv;
    size_t left = mp->len - mp->pos;
    if (n > left)
        n = left;
    if (n) /* memcpy with a NULL source is undefined even for 0 bytes */
        memcpy(buf, mp->data + mp->pos, n);
    mp->pos += n;
    r->offset += (int64_t)n;
    return (ssize_t)n;
}

static void mem_close(af_reader *r)
{
    mem_priv *mp = r->priv;
    free(mp->name);
    free(mp);
    free(r);
}

int af_reader_open_memory(const void *data, size_t len, const char *name, af_reader **out,
                          af_error *err)
{
    af_reader *r = calloc(1, sizeof *r);
    mem_priv *mp = calloc(1, sizeof *mp);
    char *nm = af_strdup(name ? name : "<memory>");
    if (!r || !mp || !nm) {
        free(r);
        free(mp);
        free(nm);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    mp->data = data;
    mp->len = len;
    mp->name = nm;
    r->read = mem_read;
    r->close = mem_close;
    r->name = nm;
    r->size = (int64_t)len;
    r->priv = mp;
    *out = r;
    return AF_OK;
}

static ssize_t view_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    ssize_t got = af_reader_read(r->priv, buf, n, err);
    if (got > 0)
        r->offset += got;
    return got;
}

static void view_close(af_reader *r)
{
    free(r);
}

int af_reader_open_view(af_reader *inner, af_reader **out, af_error *err)
{
    af_reader *r = calloc(1, sizeof *r);
    if (!r)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    r->read = view_read;
    r->close = view_close;
    r->name = inner->name;
    r->size = inner->size;
    r->priv = inner;
    *out = r;
    return AF_OK;
}

ssize_t af_reader_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    return r->read(r, buf, n, err);
}

void af_reader_close(af_reader *r)
{
    if (r)
        r->close(r);
}
