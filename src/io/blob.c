/* blob.c - random-access reads from local files (pread) and memory. */
#include "io/blob.h"

#include "core/buf.h"
#include "core/cancel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_blob {
    int fd;
    char *path;
} file_blob;

static int check_range(af_blob *b, uint64_t offset, size_t n, af_error *err)
{
    if (offset > b->size || n > b->size - offset)
        return af_error_set(err, AF_EPARSE,
                            "%s: read of %zu bytes at offset %llu goes past the end of the "
                            "file (%llu bytes)",
                            b->name, n, (unsigned long long)offset, (unsigned long long)b->size);
    return AF_OK;
}

static int file_read_at(af_blob *b, uint64_t offset, void *buf, size_t n, af_error *err)
{
    file_blob *fb = b->priv;
    int rc = check_range(b, offset, n, err);
    if (rc)
        return rc;
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(fb->fd, (uint8_t *)buf + done, n - done, (off_t)(offset + done));
        if (got < 0) {
            if (errno == EINTR && !af_cancel_requested())
                continue;
            return af_error_set(err, errno == EINTR ? AF_ECANCELED : AF_EIO,
                                "%s: read at offset %llu failed: %s", b->name,
                                (unsigned long long)(offset + done), strerror(errno));
        }
        if (got == 0)
            return af_error_set(err, AF_EIO, "%s: file shrank while reading (offset %llu)", b->name,
                                (unsigned long long)(offset + done));
        done += (size_t)got;
    }
    b->bytes_read += n;
    return AF_OK;
}

static void file_close(af_blob *b)
{
    file_blob *fb = b->priv;
    close(fb->fd);
    free(fb->path);
    free(fb);
    free(b);
}

int af_blob_open_file(const char *path, af_blob **out, af_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return af_error_set(err, errno == ENOENT ? AF_ENOTFOUND : AF_EIO, "%s: cannot open: %s",
                            path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return af_error_set(err, AF_EINVAL, "%s: not a regular file", path);
    }
    af_blob *b = calloc(1, sizeof *b);
    file_blob *fb = calloc(1, sizeof *fb);
    char *p = af_strdup(path);
    if (!b || !fb || !p) {
        close(fd);
        free(b);
        free(fb);
        free(p);
        return af_error_set(err, AF_ENOMEM, "out of memory opening %s", path);
    }
    fb->fd = fd;
    fb->path = p;
    b->read_at = file_read_at;
    b->close = file_close;
    b->name = p;
    b->size = (uint64_t)st.st_size;
    b->priv = fb;
    *out = b;
    return AF_OK;
}

typedef struct mem_blob {
    const uint8_t *data;
    char *name;
} mem_blob;

static int mem_read_at(af_blob *b, uint64_t offset, void *buf, size_t n, af_error *err)
{
    mem_blob *mb = b->priv;
    int rc = check_range(b, offset, n, err);
    if (rc)
        return rc;
    if (n)
        memcpy(buf, mb->data + offset, n);
    b->bytes_read += n;
    return AF_OK;
}

static void mem_close(af_blob *b)
{
    mem_blob *mb = b->priv;
    free(mb->name);
    free(mb);
    free(b);
}

int af_blob_open_memory(const void *data, size_t len, const char *name, af_blob **out,
                        af_error *err)
{
    af_blob *b = calloc(1, sizeof *b);
    mem_blob *mb = calloc(1, sizeof *mb);
    char *nm = af_strdup(name ? name : "<memory>");
    if (!b || !mb || !nm) {
        free(b);
        free(mb);
        free(nm);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    mb->data = data;
    mb->name = nm;
    b->read_at = mem_read_at;
    b->close = mem_close;
    b->name = nm;
    b->size = len;
    b->priv = mb;
    *out = b;
    return AF_OK;
}

int af_blob_read_at(af_blob *b, uint64_t offset, void *buf, size_t n, af_error *err)
{
    return b->read_at(b, offset, buf, n, err);
}

void af_blob_close(af_blob *b)
{
    if (b)
        b->close(b);
}
