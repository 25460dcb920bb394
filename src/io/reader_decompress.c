/* reader_decompress.c - decompressing readers stacked on any af_reader
 * (see decompress.h): codec detection, a pass-through that replays the
 * sniffed bytes, and a synchronous decoder. The threaded decoder, which is
 * the default, lives in reader_decompress_thread.c.
 */
#include "io/reader_decompress_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* In enum order (AF_COMPRESSION_CHOICES). */
static const char *const names[] = {"auto", "none", "gzip", "zstd", "lz4", "bzip2", "xz", "brotli"};
_Static_assert(sizeof names / sizeof names[0] == AF_COMPRESSION_BROTLI + 1,
               "one name per af_compression value");

/* Other spellings users write, from the file suffixes. */
static const struct {
    const char *alias;
    af_compression c;
} aliases[] = {{"bz2", AF_COMPRESSION_BZIP2}, {"br", AF_COMPRESSION_BROTLI}};

/* Suffixes af_compression_from_extension() knows (with the dot). */
static const struct {
    const char *ext;
    af_compression c;
} extensions[] = {
    {".gz", AF_COMPRESSION_GZIP},   {".zst", AF_COMPRESSION_ZSTD},  {".zstd", AF_COMPRESSION_ZSTD},
    {".lz4", AF_COMPRESSION_LZ4},   {".bz2", AF_COMPRESSION_BZIP2}, {".xz", AF_COMPRESSION_XZ},
    {".br", AF_COMPRESSION_BROTLI},
};

const char *af_compression_name(af_compression c)
{
    return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "unknown";
}

int af_compression_parse(const char *s, af_compression *out, af_error *err)
{
    for (unsigned i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i]) == 0) {
            *out = (af_compression)i;
            return AF_OK;
        }
    for (unsigned i = 0; s && i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(s, aliases[i].alias) == 0) {
            *out = aliases[i].c;
            return AF_OK;
        }
    return af_error_set(err, AF_EINVAL, "unknown compression '%s' (choices: %s)", s ? s : "",
                        AF_COMPRESSION_CHOICES);
}

af_compression af_compression_detect(const void *head, size_t n)
{
    const uint8_t *p = head;
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return AF_COMPRESSION_GZIP;
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
        return AF_COMPRESSION_ZSTD;
    if (n >= 4 && p[0] == 0x04 && p[1] == 0x22 && p[2] == 0x4d && p[3] == 0x18)
        return AF_COMPRESSION_LZ4;
    if (n >= 6 && memcmp(p,
                         "\xfd"
                         "7zXZ\0",
                         6) == 0)
        return AF_COMPRESSION_XZ;
    /* "BZh9" alone is plausible text: also ask for the first block's magic
     * (pi) or, for an empty stream, the end-of-stream magic (sqrt(pi)) */
    if (n >= 10 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9' &&
        (memcmp(p + 4, "1AY&SY", 6) == 0 || memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0))
        return AF_COMPRESSION_BZIP2;
    return AF_COMPRESSION_NONE;
}

af_compression af_compression_from_extension(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    /* a dot in a directory name is not a suffix */
    if (!dot || strchr(dot, '/'))
        return AF_COMPRESSION_NONE;
    for (unsigned i = 0; i < sizeof extensions / sizeof extensions[0]; i++)
        if (strcasecmp(dot, extensions[i].ext) == 0)
            return extensions[i].c;
    return AF_COMPRESSION_NONE;
}

void af_decompress_options_default(af_decompress_options *o)
{
    memset(o, 0, sizeof *o);
    o->compression = AF_COMPRESSION_AUTO;
    o->threaded = true;
}

/* ---- input feeding, shared with the threaded reader ---- */

int af_dfeed_init(af_dfeed *f, af_reader *inner, const uint8_t *head, size_t head_len,
                  af_error *err)
{
    memset(f, 0, sizeof *f);
    f->inner = inner;
    f->cap = AF_DFEED_SIZE;
    /* a small file gets a small buffer (one byte more than is left shows the end) */
    if (inner->size >= 0 && inner->offset >= 0 && inner->size >= inner->offset &&
        (uint64_t)(inner->size - inner->offset) < AF_DFEED_SIZE)
        f->cap = (size_t)(inner->size - inner->offset) + head_len + 1;
    f->buf = malloc(f->cap);
    if (!f->buf)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory for a decompressor", inner->name);
    memcpy(f->buf, head, head_len);
    f->len = head_len;
    return AF_OK;
}

void af_dfeed_free(af_dfeed *f)
{
    free(f->buf);
    f->buf = NULL;
}

int af_decode_some(af_dstream *ds, af_dfeed *f, uint8_t *out, size_t cap, size_t *pos,
                   af_error *err)
{
    for (;;) {
        if (f->pos == f->len && !f->eof) {
            /* a short read means a pipe or socket: hand over what is decoded
             * rather than block on input while holding it */
            if (*pos > 0 && f->last_short)
                return AF_OK;
            ssize_t n = af_reader_read(f->inner, f->buf, f->cap, err);
            if (n < 0)
                return (int)n;
            f->pos = 0;
            f->len = (size_t)n;
            f->eof = n == 0;
            f->last_short = (size_t)n < f->cap;
        }
        int rc = af_dstream_step(ds, f->buf, f->len, &f->pos, out, cap, pos, f->eof, err);
        if (rc)
            return rc;
        if (*pos == cap)
            return AF_OK;
    }
}

/* ---- pass-through: auto found no magic, replay the sniffed bytes ---- */

typedef struct pass_priv {
    af_reader *inner;
    uint8_t head[AF_SNIFF_BYTES];
    size_t head_len, head_pos;
} pass_priv;

static ssize_t pass_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    pass_priv *p = r->priv;
    ssize_t got;
    if (p->head_pos < p->head_len) {
        size_t k = p->head_len - p->head_pos;
        if (k > n)
            k = n;
        memcpy(buf, p->head + p->head_pos, k);
        p->head_pos += k;
        got = (ssize_t)k;
    } else {
        got = af_reader_read(p->inner, buf, n, err);
    }
    if (got > 0)
        r->offset += got;
    return got;
}

static void pass_close(af_reader *r)
{
    pass_priv *p = r->priv;
    af_reader_close(p->inner);
    free(p);
    free(r);
}

static int open_pass(af_reader *inner, const uint8_t *head, size_t head_len, af_reader **out,
                     af_error *err)
{
    af_reader *r = calloc(1, sizeof *r);
    pass_priv *p = calloc(1, sizeof *p);
    if (!r || !p) {
        free(r);
        free(p);
        af_reader_close(inner);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    p->inner = inner;
    memcpy(p->head, head, head_len);
    p->head_len = head_len;
    r->read = pass_read;
    r->close = pass_close;
    r->name = inner->name;
    r->size = inner->size;
    r->priv = p;
    *out = r;
    return AF_OK;
}

/* ---- synchronous decoder: decodes straight into the caller's buffer ---- */

typedef struct sync_priv {
    af_compression codec;
    af_dstream *ds;
    af_dfeed feed;
    int rc; /* sticky: 1 at the end, <0 after an error */
    af_error err;
} sync_priv;

static ssize_t sync_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    sync_priv *s = r->priv;
    if (s->rc < 0) {
        if (err)
            *err = s->err;
        return s->rc;
    }
    if (s->rc == 1 || n == 0)
        return 0;
    size_t pos = 0;
    int rc = af_decode_some(s->ds, &s->feed, buf, n, &pos, &s->err);
    if (rc)
        s->rc = rc;
    if (pos == 0 && rc < 0) {
        if (err)
            *err = s->err;
        return rc;
    }
    /* bytes decoded before an error are delivered; the error comes next */
    r->offset += (int64_t)pos;
    return (ssize_t)pos;
}

static void sync_close(af_reader *r)
{
    sync_priv *s = r->priv;
    af_dstream_free(s->ds);
    af_dfeed_free(&s->feed);
    af_reader_close(s->feed.inner);
    free(s);
    free(r);
}

static int open_sync(af_reader *inner, af_compression c, const uint8_t *head, size_t head_len,
                     af_reader **out, af_error *err)
{
    af_reader *r = calloc(1, sizeof *r);
    sync_priv *s = calloc(1, sizeof *s);
    int rc = r && s ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
    rc = rc ? rc : af_dfeed_init(&s->feed, inner, head, head_len, err);
    rc = rc ? rc : af_dstream_new(c, inner->name, &s->ds, err);
    if (rc) {
        if (s) {
            af_dstream_free(s->ds);
            af_dfeed_free(&s->feed);
        }
        free(s);
        free(r);
        af_reader_close(inner);
        return rc;
    }
    s->codec = c;
    r->read = sync_read;
    r->close = sync_close;
    r->name = inner->name;
    r->size = -1;
    r->priv = s;
    *out = r;
    return AF_OK;
}

/* ---- entry points ---- */

int af_reader_open_decompress(af_reader *inner, const af_decompress_options *o, af_reader **out,
                              af_error *err)
{
    af_decompress_options def;
    if (!o) {
        af_decompress_options_default(&def);
        o = &def;
    }
    *out = NULL;
    af_compression c = o->compression;
    if (c == AF_COMPRESSION_NONE) {
        *out = inner;
        return AF_OK;
    }
    uint8_t head[AF_SNIFF_BYTES];
    size_t head_len = 0;
    if (c == AF_COMPRESSION_AUTO) {
        /* a pipe may hand out fewer bytes per read than the magic needs */
        ssize_t n = af_reader_read_full(inner, head, sizeof head, err);
        if (n < 0) {
            af_reader_close(inner);
            return (int)n;
        }
        head_len = (size_t)n;
        c = af_compression_detect(head, head_len);
        if (c == AF_COMPRESSION_NONE)
            return open_pass(inner, head, head_len, out, err);
    }
    if (!af_dstream_supports(c)) {
        const char *name = af_compression_name(c);
        af_reader_close(inner);
        return af_error_set(err, AF_EINVAL, "unknown compression %s", name);
    }
    if (o->threaded)
        return af_open_decompress_thread(inner, c, head, head_len, o, out, err);
    return open_sync(inner, c, head, head_len, out, err);
}

af_compression af_reader_compression(const af_reader *r)
{
    if (r && r->read == sync_read)
        return ((const sync_priv *)r->priv)->codec;
    if (r && af_is_decompress_thread(r))
        return af_decompress_thread_codec(r);
    return AF_COMPRESSION_NONE;
}

int64_t af_reader_input_offset(const af_reader *r)
{
    if (r && r->read == sync_read)
        return af_dstream_consumed(((const sync_priv *)r->priv)->ds);
    if (r && af_is_decompress_thread(r))
        return af_decompress_thread_input_offset(r);
    return r ? r->offset : 0;
}
