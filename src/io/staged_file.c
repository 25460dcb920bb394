/* staged_file.c - write under a temporary name, rename on commit. */
#include "io/staged_file.h"

#include "core/buf.h"
#include "core/state.h"

#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int af_staged_file_open(af_staged_file *f, const char *path, const char *run_id, af_error *err)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    f->path = af_strdup(path);
    if (!f->path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    /* the staging file lives in the target directory so rename() is atomic */
    char *dir = af_strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    int rc = dir ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc && slash && slash != dir) {
        *slash = '\0';
        rc = af_mkdirs(dir, err);
    }
    free(dir);
    af_buf tmp;
    af_buf_init(&tmp);
    /* unique per process and per writer: two processes (or two writers of
     * one run) staging the same path must never share a temporary file */
    static atomic_uint seq;
    if (!rc && af_buf_printf(&tmp, "%.*s.%s.affluent-%s-%ld-%u.tmp", (int)(base - path), path, base,
                             run_id ? run_id : "run", (long)getpid(), atomic_fetch_add(&seq, 1)))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (rc) {
        af_buf_free(&tmp);
        return rc;
    }
    af_buf_cstr(&tmp);
    f->tmp_path = (char *)tmp.data;
    f->fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (f->fd < 0)
        return af_error_set(err, AF_EIO, "%s: cannot create: %s", f->tmp_path, strerror(errno));
    return AF_OK;
}

int af_staged_file_write(af_staged_file *f, const void *p, size_t n, af_error *err)
{
    const char *b = p;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(f->fd, b + done, n - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return af_error_set(err, AF_EIO, "%s: write failed: %s", f->tmp_path, strerror(errno));
        }
        done += (size_t)w;
    }
    return AF_OK;
}

/* fsync of the directory holding path: makes a rename or link durable */
static void sync_parent_dir(const char *path)
{
    char *dir = af_strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash) {
        *slash = '\0';
        int dfd = open(slash == dir ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    free(dir);
}

static int flush_and_close(af_staged_file *f, af_error *err)
{
    if (fsync(f->fd) != 0)
        return af_error_set(err, AF_EIO, "%s: fsync failed: %s", f->tmp_path, strerror(errno));
    if (close(f->fd) != 0) {
        f->fd = -1;
        return af_error_set(err, AF_EIO, "%s: close failed: %s", f->tmp_path, strerror(errno));
    }
    f->fd = -1;
    return AF_OK;
}

int af_staged_file_commit(af_staged_file *f, af_error *err)
{
    int rc = flush_and_close(f, err);
    if (rc)
        return rc;
    if (rename(f->tmp_path, f->path) != 0)
        return af_error_set(err, AF_EIO, "%s: cannot move the staged file into place: %s", f->path,
                            strerror(errno));
    sync_parent_dir(f->path);
    free(f->tmp_path);
    f->tmp_path = NULL;
    return AF_OK;
}

int af_staged_file_commit_if_absent(af_staged_file *f, af_error *err)
{
    int rc = flush_and_close(f, err);
    if (rc)
        return rc;
    /* link(2) fails with EEXIST instead of replacing: of two writers racing
     * for the same name, exactly one wins */
    if (link(f->tmp_path, f->path) != 0) {
        int e = errno;
        if (e == EEXIST)
            return af_error_set(err, AF_EEXIST, "%s: already exists", f->path);
        return af_error_set(err, AF_EIO, "%s: cannot publish the staged file: %s", f->path,
                            strerror(e));
    }
    unlink(f->tmp_path);
    sync_parent_dir(f->path);
    free(f->tmp_path);
    f->tmp_path = NULL;
    return AF_OK;
}

void af_staged_file_abort(af_staged_file *f)
{
    if (f->fd >= 0) {
        close(f->fd);
        f->fd = -1;
    }
    if (f->tmp_path)
        unlink(f->tmp_path);
    free(f->tmp_path);
    f->tmp_path = NULL;
}

void af_staged_file_free(af_staged_file *f)
{
    af_staged_file_abort(f);
    free(f->path);
    f->path = NULL;
}
