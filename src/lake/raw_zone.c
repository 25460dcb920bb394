/* raw_zone.c - byte-identical copies of ingested files and the manifests
 * that say which bytes were ingested by which run (see raw_zone.h).
 *
 * The set of already ingested checksums is rebuilt at each begin from the
 * manifests themselves: they are the only record, so it cannot drift from
 * what the lake holds. It is kept sorted by checksum (bsearch), with the
 * sizes beside it, sorted too: a file whose size no ingested file has
 * cannot be a duplicate, so it is copied and hashed in one read.
 */
#include "lake/raw_zone.h"

#include "core/buf.h"
#include "core/cancel.h"
#include "io/reader.h"
#include "security/redact.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK ((size_t)1 << 20)
#define MAX_NAME_TRIES 1000

typedef struct known {
    char sha256[65];
    int64_t size;
    char *run_id;
    char *raw_path;
} known;

struct af_raw_zone {
    af_store *store;
    char *run_id;
    char *source;
    char *dataset;
    char *pipeline;
    char *prefix;        /* "raw/<source>/<dataset>/" */
    char *manifest_path; /* prefix + "_manifests/<run id>.json" */
    char date[64];       /* YYYY-MM-DD (room for any int the compiler imagines) */
    char ingested_at[96];
    atomic_bool *cancel;
    known *known; /* sorted by sha256 */
    size_t n_known, cap_known;
    int64_t *sizes; /* sorted */
    size_t n_sizes, cap_sizes;
    af_raw_file *files;
    size_t n_files, cap_files;
    uint8_t *chunk;
    bool finished;
};

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...)
{
    af_buf b;
    af_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    int rc = af_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc) {
        af_buf_free(&b);
        return NULL;
    }
    af_buf_cstr(&b);
    return (char *)b.data;
}

/* A name that is one visible path component on every store. */
static bool component_ok(const char *s)
{
    return s && *s && s[0] != '.' && !strchr(s, '/') && !strchr(s, '\\');
}

static void hex32(const unsigned char md[32], char out[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[md[i] >> 4];
        out[2 * i + 1] = digits[md[i] & 15];
    }
    out[64] = '\0';
}

static bool is_sha256_hex(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* ---- the index of ingested checksums ---- */

static long find_known(const af_raw_zone *z, const char *sha, size_t *insert_at)
{
    size_t lo = 0, hi = z->n_known;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(z->known[mid].sha256, sha);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (insert_at)
        *insert_at = lo;
    return -1;
}

static bool size_known(const af_raw_zone *z, int64_t size)
{
    size_t lo = 0, hi = z->n_sizes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->sizes[mid] == size)
            return true;
        if (z->sizes[mid] < size)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static int add_size(af_raw_zone *z, int64_t size)
{
    if (size_known(z, size))
        return AF_OK;
    if (z->n_sizes == z->cap_sizes) {
        size_t cap = z->cap_sizes ? 2 * z->cap_sizes : 64;
        int64_t *v = realloc(z->sizes, cap * sizeof *v);
        if (!v)
            return AF_ENOMEM;
        z->sizes = v;
        z->cap_sizes = cap;
    }
    size_t i = z->n_sizes;
    while (i > 0 && z->sizes[i - 1] > size) {
        z->sizes[i] = z->sizes[i - 1];
        i--;
    }
    z->sizes[i] = size;
    z->n_sizes++;
    return AF_OK;
}

/* Records that `sha` was ingested by `run_id` as `raw_path`; the first
 * record of a checksum wins (manifests are read in run id order). */
static int add_known(af_raw_zone *z, const char *sha, int64_t size, const char *run_id,
                     const char *raw_path)
{
    size_t at = 0;
    if (find_known(z, sha, &at) >= 0)
        return AF_OK;
    if (z->n_known == z->cap_known) {
        size_t cap = z->cap_known ? 2 * z->cap_known : 64;
        known *v = realloc(z->known, cap * sizeof *v);
        if (!v)
            return AF_ENOMEM;
        z->known = v;
        z->cap_known = cap;
    }
    known k = {.size = size, .run_id = af_strdup(run_id), .raw_path = af_strdup(raw_path)};
    if (!k.run_id || !k.raw_path) {
        free(k.run_id);
        free(k.raw_path);
        return AF_ENOMEM;
    }
    af_strlcpy(k.sha256, sha, sizeof k.sha256);
    memmove(&z->known[at + 1], &z->known[at], (z->n_known - at) * sizeof *z->known);
    z->known[at] = k;
    z->n_known++;
    return add_size(z, size);
}

/* ---- earlier manifests ---- */

static int bad_manifest(af_raw_zone *z, const char *path, const char *why, af_error *err)
{
    return af_error_set(err, AF_EPARSE, "%s/%s: not a raw-zone manifest: %s",
                        af_store_root(z->store), path, why);
}

static int load_manifest(af_raw_zone *z, const af_store_entry *e, af_error *err)
{
    af_buf text;
    af_buf_init(&text);
    int rc =
        af_store_read_range(z->store, e->path, 0, (size_t)(e->size > 0 ? e->size : 0), &text, err);
    if (rc) {
        af_buf_free(&text);
        return rc;
    }
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)text.data, text.len, 0, &jerr);
    af_buf_free(&text);
    if (!doc) {
        char why[200];
        snprintf(why, sizeof why, "line %d: %s", jerr.line, jerr.text);
        return bad_manifest(z, e->path, why, err);
    }
    const char *run_id = json_string_value(json_object_get(doc, "run_id"));
    json_t *files = json_object_get(doc, "files");
    if (!json_is_object(doc) || !run_id || !json_is_array(files)) {
        json_decref(doc);
        return bad_manifest(z, e->path, "run_id (string) and files (array) are required", err);
    }
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f)
    {
        const char *status = json_string_value(json_object_get(f, "status"));
        if (!status) {
            rc = bad_manifest(z, e->path, "a file has no status", err);
            break;
        }
        if (strcmp(status, "copied") != 0)
            continue; /* a skip points at a copy another manifest lists */
        const char *sha = json_string_value(json_object_get(f, "sha256"));
        const char *raw_path = json_string_value(json_object_get(f, "raw_path"));
        json_t *size = json_object_get(f, "size");
        if (!is_sha256_hex(sha) || !raw_path || !json_is_integer(size)) {
            rc = bad_manifest(z, e->path,
                              "a copied file needs sha256 (64 hex digits), raw_path and size", err);
            break;
        }
        if (add_known(z, sha, (int64_t)json_integer_value(size), run_id, raw_path)) {
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
            break;
        }
    }
    json_decref(doc);
    return rc;
}

static int load_manifests(af_raw_zone *z, af_error *err)
{
    char *dir = str_printf("%s_manifests/", z->prefix);
    if (!dir)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_store_entry *e = NULL;
    size_t n = 0;
    int rc = af_store_list(z->store, dir, &e, &n, err);
    size_t dlen = strlen(dir);
    for (size_t i = 0; !rc && i < n; i++) {
        size_t len = strlen(e[i].path);
        /* only the manifests themselves, not whatever else was put there */
        if (len > 5 && strcmp(e[i].path + len - 5, ".json") == 0 && !strchr(e[i].path + dlen, '/'))
            rc = load_manifest(z, &e[i], err);
    }
    af_store_entries_free(e, n);
    free(dir);
    return rc;
}

/* ---- begin ---- */

static void format_times(af_raw_zone *z, int64_t now_us)
{
    time_t secs = (time_t)(now_us / 1000000);
    int64_t ms = (now_us % 1000000) / 1000;
    if (ms < 0) {
        secs--;
        ms += 1000;
    }
    struct tm tm;
    if (!gmtime_r(&secs, &tm))
        memset(&tm, 0, sizeof tm);
    snprintf(z->date, sizeof z->date, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday);
    snprintf(z->ingested_at, sizeof z->ingested_at, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)ms);
}

int af_raw_zone_begin(af_store *store, const af_raw_options *o, af_raw_zone **out, af_error *err)
{
    *out = NULL;
    if (!component_ok(o->source))
        return af_error_set(err, AF_EINVAL, "raw zone: source type '%s' cannot name a folder",
                            o->source ? o->source : "");
    if (!component_ok(o->dataset))
        return af_error_set(err, AF_EINVAL,
                            "raw zone: stream name '%s' cannot name a folder (no '/', no leading "
                            "'.')",
                            o->dataset ? o->dataset : "");
    if (!component_ok(o->run_id))
        return af_error_set(err, AF_EINVAL, "raw zone: run id '%s' cannot name a file",
                            o->run_id ? o->run_id : "");
    af_raw_zone *z = calloc(1, sizeof *z);
    if (!z)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    z->store = store;
    z->cancel = o->cancel;
    z->run_id = af_strdup(o->run_id);
    z->source = af_strdup(o->source);
    z->dataset = af_strdup(o->dataset);
    z->pipeline = af_strdup(o->pipeline);
    z->prefix = str_printf("raw/%s/%s/", o->source, o->dataset);
    z->manifest_path = z->prefix ? str_printf("%s_manifests/%s.json", z->prefix, o->run_id) : NULL;
    z->chunk = malloc(CHUNK);
    format_times(z, o->now_us);
    if (!z->run_id || !z->source || !z->dataset || (o->pipeline && !z->pipeline) || !z->prefix ||
        !z->manifest_path || !z->chunk) {
        af_raw_zone_free(z);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    int rc = load_manifests(z, err);
    if (rc) {
        af_raw_zone_free(z);
        return rc;
    }
    *out = z;
    return AF_OK;
}

/* ---- add ---- */

static bool stopped(const af_raw_zone *z)
{
    return af_cancel_requested() || (z->cancel && atomic_load(z->cancel));
}

/* Reads `r` to its end, hashing it and, when `w` is set, writing it there. */
static int pump(af_raw_zone *z, af_reader *r, af_store_writer *w, unsigned char md[32],
                int64_t *total, af_error *err)
{
    EVP_MD_CTX *h = EVP_MD_CTX_new();
    if (!h || EVP_DigestInit_ex(h, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(h);
        return af_error_set(err, AF_EINTERNAL, "SHA-256 is not available from libcrypto");
    }
    int rc = AF_OK;
    *total = 0;
    for (;;) {
        if (stopped(z)) {
            rc = af_error_set(err, AF_ECANCELED, "%s: copy to the raw zone stopped", r->name);
            break;
        }
        ssize_t got = af_reader_read(r, z->chunk, CHUNK, err);
        if (got < 0) {
            rc = (int)got;
            break;
        }
        if (got == 0)
            break;
        *total += got;
        if (EVP_DigestUpdate(h, z->chunk, (size_t)got) != 1) {
            rc = af_error_set(err, AF_EINTERNAL, "SHA-256 update failed");
            break;
        }
        if (w && (rc = af_store_writer_write(w, z->chunk, (size_t)got, err)) != 0)
            break;
    }
    unsigned int len = 0;
    if (!rc && EVP_DigestFinal_ex(h, md, &len) != 1)
        rc = af_error_set(err, AF_EINTERNAL, "SHA-256 final failed");
    EVP_MD_CTX_free(h);
    return rc;
}

static int hash_file(af_raw_zone *z, const char *path, af_store_writer *w, char sha[65],
                     int64_t *size, af_error *err)
{
    af_reader *r = NULL;
    int rc = af_reader_open_file(path, &r, err);
    if (rc)
        return rc;
    unsigned char md[32];
    rc = pump(z, r, w, md, size, err);
    af_reader_close(r);
    if (!rc)
        hex32(md, sha);
    return rc;
}

static int hash_object(af_raw_zone *z, const char *path, char sha[65], af_error *err)
{
    af_reader *r = NULL;
    int rc = af_store_open_read(z->store, path, &r, err);
    if (rc)
        return rc;
    unsigned char md[32];
    int64_t size = 0;
    rc = pump(z, r, NULL, md, &size, err);
    af_reader_close(r);
    if (!rc)
        hex32(md, sha);
    return rc;
}

/* The object name of a file: its base name, made visible if hidden. */
static char *object_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (!*base)
        base = "file";
    return str_printf("%s%s", base[0] == '.' ? "_" : "", base);
}

/* name with ".<run id>[-k]" before its first extension: "a.csv.gz" ->
 * "a.RUN.csv.gz" (k > 1: "a.RUN-2.csv.gz"). */
static char *unique_name(const char *name, const char *run_id, int k)
{
    const char *dot = strchr(name + 1, '.');
    size_t stem = dot ? (size_t)(dot - name) : strlen(name);
    char suffix[16] = "";
    if (k > 1)
        snprintf(suffix, sizeof suffix, "-%d", k);
    return str_printf("%.*s.%s%s%s", (int)stem, name, run_id, suffix, dot ? dot : "");
}

/* 1 when the object exists (its size in *size), 0 when not, or <0. */
static int object_exists(af_raw_zone *z, const char *path, int64_t *size, af_error *err)
{
    af_store_entry e = {0};
    int rc = af_store_stat(z->store, path, &e, err);
    free(e.path);
    if (rc == AF_ENOTFOUND) {
        af_error_clear(err);
        return 0;
    }
    if (rc)
        return rc;
    if (size)
        *size = e.size;
    return 1;
}

static af_raw_file *new_record(af_raw_zone *z, const char *path)
{
    if (z->n_files == z->cap_files) {
        size_t cap = z->cap_files ? 2 * z->cap_files : 16;
        af_raw_file *v = realloc(z->files, cap * sizeof *v);
        if (!v)
            return NULL;
        z->files = v;
        z->cap_files = cap;
    }
    af_raw_file *f = &z->files[z->n_files];
    memset(f, 0, sizeof *f);
    f->source_path = af_strdup(path);
    char *abs = NULL;
    if (path[0] == '/') {
        abs = af_strdup(path);
    } else {
        char cwd[4096];
        abs = getcwd(cwd, sizeof cwd)
                  ? str_printf("%s/%s", cwd, strncmp(path, "./", 2) == 0 ? path + 2 : path)
                  : af_strdup(path);
    }
    f->source_uri = abs ? af_redact_str(abs) : NULL;
    free(abs);
    if (!f->source_path || !f->source_uri) {
        free(f->source_path);
        free(f->source_uri);
        return NULL;
    }
    z->n_files++;
    return f;
}

static int mark_skipped(af_raw_file *f, const known *k)
{
    f->status = AF_RAW_SKIPPED;
    f->raw_path = af_strdup(k->raw_path);
    f->previous_run = af_strdup(k->run_id);
    return f->raw_path && f->previous_run ? AF_OK : AF_ENOMEM;
}

/* Picks the object the copy goes to: the file's own name in today's
 * partition, or, when another object holds that name, the run id variant. */
static int pick_target(af_raw_zone *z, const char *name, bool preferred_taken, char **target,
                       af_error *err)
{
    *target = NULL;
    for (int k = preferred_taken ? 1 : 0; k <= MAX_NAME_TRIES; k++) {
        char *leaf = k == 0 ? af_strdup(name) : unique_name(name, z->run_id, k);
        char *p = leaf ? str_printf("%singest_date=%s/%s", z->prefix, z->date, leaf) : NULL;
        free(leaf);
        if (!p)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        int ex = k == 0 ? 0 : object_exists(z, p, NULL, err);
        if (ex < 0) {
            free(p);
            return ex;
        }
        if (ex == 0) {
            *target = p;
            return AF_OK;
        }
        free(p);
    }
    return af_error_set(err, AF_ELIMIT, "%s/%singest_date=%s/%s: no free name after %d tries",
                        af_store_root(z->store), z->prefix, z->date, name, MAX_NAME_TRIES);
}

int af_raw_zone_add(af_raw_zone *z, const char *path, const af_raw_file **out, af_error *err)
{
    if (out)
        *out = NULL;
    if (z->finished)
        return af_error_set(err, AF_EINVAL, "raw zone: %s: the ingest is finished", path);
    struct stat st;
    if (stat(path, &st) != 0)
        return af_error_set(err, errno == ENOENT ? AF_ENOTFOUND : AF_EIO, "%s: cannot read: %s",
                            path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return af_error_set(err, AF_EINVAL, "%s: not a regular file; the raw zone copies files",
                            path);
    af_raw_file *f = new_record(z, path);
    if (!f)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    char *name = object_name(path);
    char *preferred = name ? str_printf("%singest_date=%s/%s", z->prefix, z->date, name) : NULL;
    char *target = NULL;
    af_store_writer *w = NULL;
    int rc = preferred ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    int64_t there_size = -1;
    int there = rc ? 0 : object_exists(z, preferred, &there_size, err);
    if (there < 0)
        rc = there;
    char sha[65] = "";
    int64_t size = 0;
    bool hashed = false;
    /* It may be a duplicate: hash it before writing anything. */
    if (!rc && (size_known(z, (int64_t)st.st_size) || (there && there_size == st.st_size))) {
        rc = hash_file(z, path, NULL, sha, &size, err);
        hashed = !rc;
        long k = rc ? -1 : find_known(z, sha, NULL);
        if (k >= 0) {
            f->size = size;
            af_strlcpy(f->sha256, sha, sizeof f->sha256);
            rc = mark_skipped(f, &z->known[k]);
            goto done;
        }
        if (!rc && there && there_size == size) {
            char osha[65];
            rc = hash_object(z, preferred, osha, err);
            if (!rc && strcmp(osha, sha) == 0) {
                /* left by a run that failed before its manifest: reuse it */
                f->status = AF_RAW_COPIED;
                f->size = size;
                af_strlcpy(f->sha256, sha, sizeof f->sha256);
                f->raw_path = af_strdup(preferred);
                rc = f->raw_path ? add_known(z, sha, size, z->run_id, preferred) : AF_ENOMEM;
                goto done;
            }
        }
    }
    if (!rc)
        rc = pick_target(z, name, there > 0, &target, err);
    if (!rc)
        rc = af_store_writer_begin(z->store, target, z->run_id, &w, err);
    char sha2[65] = "";
    int64_t size2 = 0;
    if (!rc)
        rc = hash_file(z, path, w, sha2, &size2, err);
    if (!rc && hashed && (strcmp(sha, sha2) != 0 || size != size2))
        rc = af_error_set(err, AF_EIO, "%s: the file changed while it was being copied", path);
    if (!rc) {
        long k = find_known(z, sha2, NULL);
        f->size = size2;
        af_strlcpy(f->sha256, sha2, sizeof f->sha256);
        if (k >= 0) {
            af_store_writer_abort(w);
            rc = mark_skipped(f, &z->known[k]);
            goto done;
        }
    }
    if (!rc)
        rc = af_store_writer_publish_if_absent(w, err);
    if (rc == AF_EEXIST)
        af_error_wrap(err, "raw copy of %s (another run wrote that name at the same time)", path);
    if (!rc) {
        f->status = AF_RAW_COPIED;
        f->published = true;
        f->raw_path = target;
        target = NULL;
        rc = add_known(z, f->sha256, f->size, z->run_id, f->raw_path);
    }
done:
    if (rc == AF_ENOMEM)
        af_error_set(err, AF_ENOMEM, "out of memory");
    af_store_writer_free(w); /* aborts it unless it was published */
    free(target);
    free(preferred);
    free(name);
    if (rc) {
        /* a record is kept only for a file that was handled; a published
         * copy stays listed so that abort deletes it */
        if (!f->published) {
            free(f->source_path);
            free(f->source_uri);
            free(f->raw_path);
            free(f->previous_run);
            z->n_files--;
        }
        return rc;
    }
    if (out)
        *out = f;
    return AF_OK;
}

size_t af_raw_zone_count(const af_raw_zone *z)
{
    return z->n_files;
}

const af_raw_file *af_raw_zone_file(const af_raw_zone *z, size_t i)
{
    return i < z->n_files ? &z->files[i] : NULL;
}

const char *af_raw_zone_manifest_path(const af_raw_zone *z)
{
    return z->manifest_path;
}

/* ---- finish / abort ---- */

/* jansson wants UTF-8; a path that is not gets '?' for its odd bytes. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    if (j)
        return j;
    char *copy = af_strdup(s);
    if (!copy)
        return NULL;
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

static int set(json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new(obj, key, v) == 0 ? AF_OK : AF_ENOMEM;
}

static json_t *manifest_doc(const af_raw_zone *z)
{
    json_t *doc = json_object();
    json_t *files = json_array();
    int rc = doc && files ? AF_OK : AF_ENOMEM;
    rc = rc ? rc : set(doc, "run_id", jstr(z->run_id));
    rc = rc ? rc : set(doc, "pipeline", z->pipeline ? jstr(z->pipeline) : json_null());
    rc = rc ? rc : set(doc, "stream", jstr(z->dataset));
    rc = rc ? rc : set(doc, "source", jstr(z->source));
    rc = rc ? rc : set(doc, "ingested_at", jstr(z->ingested_at));
    rc = rc ? rc : set(doc, "ingest_date", jstr(z->date));
    for (size_t i = 0; !rc && i < z->n_files; i++) {
        const af_raw_file *f = &z->files[i];
        json_t *o = json_object();
        rc = o ? AF_OK : AF_ENOMEM;
        rc = rc ? rc : set(o, "source_uri", jstr(f->source_uri));
        rc = rc ? rc : set(o, "raw_path", jstr(f->raw_path));
        rc = rc ? rc : set(o, "size", json_integer(f->size));
        rc = rc ? rc : set(o, "sha256", jstr(f->sha256));
        rc = rc ? rc : set(o, "status", jstr(f->status == AF_RAW_COPIED ? "copied" : "skipped"));
        if (!rc && f->previous_run)
            rc = set(o, "previous_run", jstr(f->previous_run));
        if (!rc && json_array_append_new(files, o) != 0)
            rc = AF_ENOMEM;
        else if (rc)
            json_decref(o);
    }
    if (!rc)
        rc = set(doc, "files", files);
    else
        json_decref(files);
    if (rc) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

int af_raw_zone_manifest_text(const af_raw_zone *z, af_buf *out, af_error *err)
{
    json_t *doc = manifest_doc(z);
    char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    if (!text)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = af_buf_append_str(out, text) || af_buf_append_byte(out, '\n') ? AF_ENOMEM : AF_OK;
    free(text);
    return rc ? af_error_set(err, AF_ENOMEM, "out of memory") : AF_OK;
}

int af_raw_zone_finish(af_raw_zone *z, af_error *err)
{
    if (z->finished)
        return af_error_set(err, AF_EINVAL, "%s: the manifest is written already",
                            z->manifest_path);
    af_buf b;
    af_buf_init(&b);
    int rc = af_raw_zone_manifest_text(z, &b, err);
    if (!rc)
        rc = af_store_put_if_absent(z->store, z->manifest_path, b.data, b.len, err);
    af_buf_free(&b);
    if (rc)
        return af_error_wrap(err, "raw zone manifest");
    z->finished = true;
    return AF_OK;
}

void af_raw_zone_abort(af_raw_zone *z)
{
    if (!z || z->finished)
        return;
    for (size_t i = 0; i < z->n_files; i++) {
        af_raw_file *f = &z->files[i];
        if (!f->published)
            continue;
        af_error e = {0};
        af_store_delete(z->store, f->raw_path, &e); /* a copy left behind is harmless */
        f->published = false;
    }
}

void af_raw_zone_free(af_raw_zone *z)
{
    if (!z)
        return;
    for (size_t i = 0; i < z->n_known; i++) {
        free(z->known[i].run_id);
        free(z->known[i].raw_path);
    }
    for (size_t i = 0; i < z->n_files; i++) {
        free(z->files[i].source_path);
        free(z->files[i].source_uri);
        free(z->files[i].raw_path);
        free(z->files[i].previous_run);
    }
    free(z->known);
    free(z->sizes);
    free(z->files);
    free(z->chunk);
    free(z->run_id);
    free(z->source);
    free(z->dataset);
    free(z->pipeline);
    free(z->prefix);
    free(z->manifest_path);
    free(z);
}
