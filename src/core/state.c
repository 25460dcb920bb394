/* state.c - the state directory: run records (runs/RUN_ID.json) and the
 * committed resume state of each stream (streams/STREAM.json).
 *
 * Every write goes through af_write_file_atomic (temp file in the same
 * directory, fsync, rename, fsync of the directory), so a crash leaves either
 * the old or the new file. Names that become file names are validated so a
 * stream called "../x" cannot write outside the state directory. Free-text
 * fields (paths, outputs, errors) are redacted again before they are stored:
 * the run history is as public as the log.
 */
#include "core/state.h"

#include "core/failpoint.h"

#include "core/clock.h"

#include "core/buf.h"
#include "security/redact.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_MAX_LEN 200

struct af_state {
    char *dir;
    pthread_mutex_t lock; /* guards the remembered run below */
    char *run_id;         /* the run begun last, to keep started_at if its file is lost */
    char *started_at;
};

/* ---- small helpers ---- */

static void random_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, GRND_NONBLOCK);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            break;
        }
        got += (size_t)r;
    }
    if (got < n) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            while (got < n) {
                ssize_t r = read(fd, p + got, n - got);
                if (r <= 0) {
                    if (r < 0 && errno == EINTR)
                        continue;
                    break;
                }
                got += (size_t)r;
            }
            close(fd);
        }
    }
    /* Last resort: uniqueness, not secrecy, is what callers need. */
    if (got < n) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
        for (; got < n; got++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            p[got] = (uint8_t)x;
        }
    }
}

/* Stream and run names become file names: letters, digits, '.', '-', '_';
 * no "..", no leading '.', nothing that could leave the directory. */
static int check_name(const char *what, const char *name, af_error *err)
{
    if (!name || !name[0])
        return af_error_set(err, AF_EINVAL, "%s name is empty", what);
    size_t len = strlen(name);
    if (len > NAME_MAX_LEN)
        return af_error_set(err, AF_EINVAL, "%s name is %zu bytes long; at most %d are allowed",
                            what, len, NAME_MAX_LEN);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_';
        if (!ok) {
            if (c >= 0x20 && c < 0x7f)
                return af_error_set(err, AF_EINVAL,
                                    "invalid %s name '%s': character '%c' is not allowed "
                                    "(only letters, digits, '.', '-' and '_')",
                                    what, name, c);
            return af_error_set(err, AF_EINVAL,
                                "invalid %s name: byte 0x%02x at offset %zu is not allowed "
                                "(only letters, digits, '.', '-' and '_')",
                                what, c, i);
        }
    }
    if (name[0] == '.' || strstr(name, ".."))
        return af_error_set(err, AF_EINVAL,
                            "invalid %s name '%s': it must not start with '.' or contain '..'",
                            what, name);
    return AF_OK;
}

static char *path_join3(const char *a, const char *b, const char *c, const char *ext)
{
    af_buf p;
    af_buf_init(&p);
    if (af_buf_printf(&p, "%s/%s/%s%s", a, b, c, ext) || !af_buf_cstr(&p)) {
        af_buf_free(&p);
        return NULL;
    }
    return (char *)p.data;
}

/* ---- files ---- */

int af_mkdirs(const char *path, af_error *err)
{
    if (!path || !path[0])
        return af_error_set(err, AF_EINVAL, "cannot create a directory with an empty path");
    char *p = af_strdup(path);
    if (!p)
        return af_error_set(err, AF_ENOMEM, "out of memory creating directory %s", path);
    int rc = AF_OK;
    size_t len = strlen(p);
    for (size_t i = 1; i <= len && !rc; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        if (p[i - 1] == '/') /* "a//b" or a trailing slash: nothing new to create */
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0) {
            int e = errno;
            struct stat sb;
            if (e == EEXIST || e == EISDIR) {
                if (stat(p, &sb) != 0 || !S_ISDIR(sb.st_mode))
                    rc = af_error_set(err, AF_EIO,
                                      "cannot create directory %s: %s exists and is not a "
                                      "directory",
                                      path, p);
            } else if (!(stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))) {
                /* EACCES on an existing parent we cannot write is fine. */
                rc = af_error_set(err, AF_EIO, "cannot create directory %s (at %s): %s", path, p,
                                  strerror(e));
            }
        }
        p[i] = saved;
    }
    free(p);
    return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int af_write_file_atomic(const char *path, const void *data, size_t len, af_error *err)
{
    if (!path || !path[0])
        return af_error_set(err, AF_EINVAL, "cannot write a file with an empty path");
    af_failpoint("state.write");
    if (!data && len)
        return af_error_set(err, AF_EINVAL, "cannot write %s: no data", path);

    /* The temp file must be in the same directory: rename is only atomic
     * within one file system. */
    const char *slash = strrchr(path, '/');
    char *dir =
        slash ? af_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : af_strdup(".");
    uint8_t rnd[4];
    random_bytes(rnd, sizeof rnd);
    af_buf tmp;
    af_buf_init(&tmp);
    if (!dir ||
        af_buf_printf(&tmp, "%s.tmp.%ld.%02x%02x%02x%02x", path, (long)getpid(), rnd[0], rnd[1],
                      rnd[2], rnd[3]) ||
        !af_buf_cstr(&tmp)) {
        free(dir);
        af_buf_free(&tmp);
        return af_error_set(err, AF_ENOMEM, "out of memory writing %s", path);
    }
    const char *tmp_path = (const char *)tmp.data;

    int rc = AF_OK;
    int fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        rc = af_error_set(err, AF_EIO, "cannot write %s: cannot create temporary file %s: %s", path,
                          tmp_path, strerror(errno));
        goto out;
    }
    if (write_all(fd, data, len) != 0) {
        rc = af_error_set(err, AF_EIO, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        goto fail;
    }
    if (fsync(fd) != 0) {
        rc = af_error_set(err, AF_EIO, "cannot write %s: fsync failed: %s", path, strerror(errno));
        close(fd);
        goto fail;
    }
    if (close(fd) != 0) {
        rc = af_error_set(err, AF_EIO, "cannot write %s: close failed: %s", path, strerror(errno));
        goto fail;
    }
    if (rename(tmp_path, path) != 0) {
        rc = af_error_set(err, AF_EIO, "cannot write %s: rename from %s failed: %s", path, tmp_path,
                          strerror(errno));
        goto fail;
    }
    /* Make the rename itself durable. Some file systems cannot fsync a
     * directory (EINVAL); the data is still safely in place there. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        rc = af_error_set(err, AF_EIO, "wrote %s but cannot open its directory %s to sync: %s",
                          path, dir, strerror(errno));
        goto out;
    }
    if (fsync(dfd) != 0 && errno != EINVAL && errno != ENOTSUP)
        rc = af_error_set(err, AF_EIO, "wrote %s but cannot sync its directory %s: %s", path, dir,
                          strerror(errno));
    close(dfd);
    goto out;
fail:
    unlink(tmp_path);
out:
    free(dir);
    af_buf_free(&tmp);
    return rc;
}

/* Reads a whole file; AF_ENOTFOUND when it does not exist. */
static int read_file(const char *path, af_buf *out, af_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return AF_ENOTFOUND;
        return af_error_set(err, AF_EIO, "cannot open %s: %s", path, strerror(errno));
    }
    int rc = AF_OK;
    for (;;) {
        if (af_buf_reserve(out, 4096)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory reading %s", path);
            break;
        }
        ssize_t r = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = af_error_set(err, AF_EIO, "cannot read %s: %s", path, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        out->len += (size_t)r;
    }
    close(fd);
    return rc;
}

/* ---- JSON helpers ---- */

/* A JSON string for s (NULL -> null). Bytes that are not UTF-8 (a Latin-1
 * file name) become U+FFFD instead of making jansson refuse the record. */
static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    af_buf b;
    af_buf_init(&b);
    if (!af_buf_append_json_string(&b, s, strlen(s)))
        j = json_loadb((const char *)b.data, b.len, JSON_DECODE_ANY, NULL);
    af_buf_free(&b);
    return j;
}

/* Redacted string (NULL -> null). */
static json_t *jredacted(const char *s)
{
    if (!s)
        return json_null();
    char *r = af_redact_str(s);
    if (!r)
        return NULL;
    json_t *j = jstr(r);
    free(r);
    return j;
}

/* json_object_set_new that also fails on a NULL value (allocation failure). */
static bool put(json_t *o, const char *key, json_t *v)
{
    if (!v)
        return false;
    return json_object_set_new(o, key, v) == 0;
}

static json_t *jdouble(double d)
{
    return isfinite(d) ? json_real(d) : json_null();
}

static int write_json(const char *path, json_t *root, af_error *err)
{
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        return af_error_set(err, AF_ENOMEM, "out of memory serializing %s", path);
    af_buf b;
    af_buf_init(&b);
    int rc = af_buf_append_str(&b, text);
    if (!rc)
        rc = af_buf_append_byte(&b, '\n');
    free(text);
    if (rc)
        rc = af_error_set(err, AF_ENOMEM, "out of memory serializing %s", path);
    else
        rc = af_write_file_atomic(path, b.data, b.len, err);
    af_buf_free(&b);
    return rc;
}

/* ---- state directory ---- */

int af_state_open(const char *state_dir, af_state **out, af_error *err)
{
    if (!out)
        return af_error_set(err, AF_EINVAL, "af_state_open: no output pointer");
    *out = NULL;
    if (!state_dir || !state_dir[0])
        return af_error_set(err, AF_EINVAL, "the state directory path is empty");
    af_state *st = calloc(1, sizeof *st);
    if (!st || !(st->dir = af_strdup(state_dir))) {
        free(st);
        return af_error_set(err, AF_ENOMEM, "out of memory opening state directory %s", state_dir);
    }
    /* Drop trailing slashes so paths read "dir/runs/x.json". */
    size_t n = strlen(st->dir);
    while (n > 1 && st->dir[n - 1] == '/')
        st->dir[--n] = '\0';
    pthread_mutex_init(&st->lock, NULL);

    static const char *const subdirs[] = {"", "/runs", "/streams"};
    for (size_t i = 0; i < 3; i++) {
        af_buf p;
        af_buf_init(&p);
        int rc = af_buf_printf(&p, "%s%s", st->dir, subdirs[i]) || !af_buf_cstr(&p)
                     ? af_error_set(err, AF_ENOMEM, "out of memory")
                     : af_mkdirs((const char *)p.data, err);
        af_buf_free(&p);
        if (rc) {
            af_error_wrap(err, "cannot open state directory %s", state_dir);
            af_state_close(st);
            return rc;
        }
    }
    *out = st;
    return AF_OK;
}

void af_state_close(af_state *st)
{
    if (!st)
        return;
    pthread_mutex_destroy(&st->lock);
    free(st->dir);
    free(st->run_id);
    free(st->started_at);
    free(st);
}

const char *af_state_dir(const af_state *st)
{
    return st ? st->dir : NULL;
}

char *af_run_id_new(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char stamp[17];
    if (strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) == 0)
        af_strlcpy(stamp, "00000000T000000Z", sizeof stamp); /* year beyond 9999 */
    uint8_t r[3];
    random_bytes(r, sizeof r);
    char *id = malloc(24);
    if (id)
        snprintf(id, 24, "%.16s-%02x%02x%02x", stamp, r[0], r[1], r[2]);
    return id;
}

int af_state_run_begin(af_state *st, const char *run_id, const char *pipeline_path,
                       const char *pipeline_name, af_error *err)
{
    if (!st)
        return af_error_set(err, AF_EINVAL, "af_state_run_begin: no state");
    int rc = check_name("run", run_id, err);
    if (rc)
        return rc;
    char *path = path_join3(st->dir, "runs", run_id, ".json");
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory recording run %s", run_id);

    char started[AF_ISO_NOW_LEN];
    af_clock_iso_now(started);
    json_t *root = json_object();
    bool ok = root && put(root, "run_id", jstr(run_id)) &&
              put(root, "pipeline", jredacted(pipeline_path)) &&
              put(root, "pipeline_name", jstr(pipeline_name)) &&
              put(root, "started_at", jstr(started)) && put(root, "ended_at", json_null()) &&
              put(root, "status", jstr(af_run_status_name(AF_RUN_RUNNING))) &&
              put(root, "error", json_null()) && put(root, "streams", json_array());
    if (!ok)
        rc = af_error_set(err, AF_ENOMEM, "out of memory recording run %s", run_id);
    else
        rc = write_json(path, root, err);
    json_decref(root);
    free(path);
    if (rc)
        return rc;

    pthread_mutex_lock(&st->lock);
    free(st->run_id);
    free(st->started_at);
    st->run_id = af_strdup(run_id);
    st->started_at = af_strdup(started);
    pthread_mutex_unlock(&st->lock);
    return AF_OK;
}

static json_t *stream_json(const af_stream_report *r)
{
    json_t *o = json_object();
    json_t *sinks = json_array();
    bool ok = o && sinks;
    for (size_t i = 0; ok && i < r->n_sinks; i++) {
        const af_sink_report *s = &r->sinks[i];
        json_t *so = json_object();
        ok = so && put(so, "name", jstr(s->name)) && put(so, "output", jredacted(s->output)) &&
             put(so, "rows_written", json_integer(s->rows_written));
        if (!ok)
            json_decref(so);
        else /* steals so, also on failure */
            ok = json_array_append_new(sinks, so) == 0;
    }
    ok = ok && put(o, "name", jstr(r->name)) &&
         put(o, "status", jstr(af_run_status_name(r->status))) &&
         put(o, "rows_read", json_integer(r->rows_read)) &&
         put(o, "rows_written", json_integer(r->rows_written)) &&
         put(o, "rows_quarantined", json_integer(r->rows_quarantined)) &&
         put(o, "rows_skipped", json_integer(r->rows_skipped)) &&
         put(o, "bytes_read", json_integer(r->bytes_read)) &&
         put(o, "batches", json_integer(r->batches)) &&
         put(o, "duration_s", jdouble(r->duration_s)) &&
         put(o, "quarantine_file", jredacted(r->quarantine_file)) &&
         put(o, "error", jredacted(r->error));
    if (ok) {
        ok = put(o, "sinks", sinks);
        sinks = NULL;
    }
    json_decref(sinks);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int af_state_run_end(af_state *st, const char *run_id, af_run_status status,
                     const af_stream_report *streams, size_t n_streams, const char *error,
                     af_error *err)
{
    if (!st)
        return af_error_set(err, AF_EINVAL, "af_state_run_end: no state");
    int rc = check_name("run", run_id, err);
    if (rc)
        return rc;
    if (!streams && n_streams)
        return af_error_set(err, AF_EINVAL, "run %s: %zu stream reports but no array", run_id,
                            n_streams);
    char *path = path_join3(st->dir, "runs", run_id, ".json");
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory recording run %s", run_id);

    /* The begin record is the source of started_at and the pipeline, so the
     * record is right even if another process (or af_state) began the run. */
    json_t *old = json_load_file(path, 0, NULL);
    json_t *started = NULL, *pipeline = NULL, *pipeline_name = NULL;
    if (json_is_object(old)) {
        started = json_incref(json_object_get(old, "started_at"));
        pipeline = json_incref(json_object_get(old, "pipeline"));
        pipeline_name = json_incref(json_object_get(old, "pipeline_name"));
    }
    if (!started) {
        pthread_mutex_lock(&st->lock);
        if (st->run_id && strcmp(st->run_id, run_id) == 0)
            started = jstr(st->started_at);
        pthread_mutex_unlock(&st->lock);
    }
    json_decref(old);

    char ended[AF_ISO_NOW_LEN];
    af_clock_iso_now(ended);
    json_t *root = json_object();
    json_t *arr = json_array();
    bool ok = root && arr;
    for (size_t i = 0; ok && i < n_streams; i++) {
        json_t *s = stream_json(&streams[i]);
        ok = s && json_array_append_new(arr, s) == 0;
    }
    /* Non-short-circuit '&': every put() runs and so takes ownership of its
     * value (jansson releases it even when the insert fails). */
    ok = put(root, "run_id", jstr(run_id)) & ok;
    ok = put(root, "pipeline", pipeline ? pipeline : json_null()) & ok;
    ok = put(root, "pipeline_name", pipeline_name ? pipeline_name : json_null()) & ok;
    ok = put(root, "started_at", started ? started : json_null()) & ok;
    ok = put(root, "ended_at", jstr(ended)) & ok;
    ok = put(root, "status", jstr(af_run_status_name(status))) & ok;
    ok = put(root, "error", jredacted(error)) & ok;
    ok = put(root, "streams", arr) & ok;
    if (!ok)
        rc = af_error_set(err, AF_ENOMEM, "out of memory recording run %s", run_id);
    else
        rc = write_json(path, root, err);
    json_decref(root);
    free(path);
    return rc;
}

int af_state_stream_get(af_state *st, const char *stream, char **json_out, af_error *err)
{
    if (!json_out)
        return af_error_set(err, AF_EINVAL, "af_state_stream_get: no output pointer");
    *json_out = NULL;
    if (!st)
        return af_error_set(err, AF_EINVAL, "af_state_stream_get: no state");
    int rc = check_name("stream", stream, err);
    if (rc)
        return rc;
    char *path = path_join3(st->dir, "streams", stream, ".json");
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory reading state of stream %s", stream);
    af_buf b;
    af_buf_init(&b);
    rc = read_file(path, &b, err);
    if (rc == AF_ENOTFOUND) {
        rc = AF_OK; /* never committed: not an error */
    } else if (!rc) {
        json_error_t je;
        json_t *j = json_loadb((const char *)b.data, b.len, JSON_DECODE_ANY, &je);
        if (!j) {
            rc = af_error_set(err, AF_EPARSE,
                              "state file %s is not valid JSON (line %d, column %d: %s)", path,
                              je.line, je.column, je.text);
        } else {
            json_decref(j);
            if (!af_buf_cstr(&b))
                rc = af_error_set(err, AF_ENOMEM, "out of memory reading %s", path);
            else {
                *json_out = (char *)b.data;
                af_buf_init(&b); /* ownership passed to the caller */
            }
        }
    }
    af_buf_free(&b);
    free(path);
    return rc;
}

int af_state_stream_put(af_state *st, const char *stream, const char *json, af_error *err)
{
    if (!st)
        return af_error_set(err, AF_EINVAL, "af_state_stream_put: no state");
    int rc = check_name("stream", stream, err);
    if (rc)
        return rc;
    if (!json)
        return af_error_set(err, AF_EINVAL, "resume state for stream %s is missing", stream);
    /* Refuse what the next run could not read back. */
    json_error_t je;
    json_t *j = json_loads(json, JSON_DECODE_ANY, &je);
    if (!j)
        return af_error_set(err, AF_EINVAL,
                            "resume state for stream %s is not valid JSON (column %d: %s)", stream,
                            je.column, je.text);
    json_decref(j);
    char *path = path_join3(st->dir, "streams", stream, ".json");
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory writing state of stream %s", stream);
    rc = af_write_file_atomic(path, json, strlen(json), err);
    free(path);
    return rc;
}
