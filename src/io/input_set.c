/* input_set.c - FIRST CUT: one file (or stdin) through the decompression
 * layer. Folders, globs and archive members are not expanded yet; see
 * input_set.h for the contract the full version implements. */
#include "io/input_set.h"

#include "core/buf.h"

#include <stdlib.h>
#include <string.h>

struct af_input_set {
    af_input_options opts;
    char *path;
    bool done;
    af_reader *current;
    af_reader *file; /* the top-level file reader (owned by current) */
    int64_t total;
};

void af_input_options_default(af_input_options *o)
{
    memset(o, 0, sizeof *o);
    o->compression = AF_COMPRESSION_AUTO;
    o->archives = true;
    o->max_depth = 8;
    o->threaded = true;
}

int af_input_set_open(const char *pattern, const af_input_options *o, af_input_set **out,
                      af_error *err)
{
    af_input_set *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    if (o)
        s->opts = *o;
    else
        af_input_options_default(&s->opts);
    s->path = af_strdup(pattern);
    if (!s->path) {
        free(s);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    *out = s;
    return AF_OK;
}

int af_input_set_next(af_input_set *s, af_input *in, af_error *err)
{
    af_reader_close(s->current);
    s->current = NULL;
    s->file = NULL;
    memset(in, 0, sizeof *in);
    if (s->done)
        return 0;
    s->done = true;
    af_reader *file = NULL;
    int rc = af_reader_open_file(s->path, &file, err);
    if (rc)
        return rc;
    s->total = file->size > 0 ? file->size : 0;
    s->file = file;
    af_decompress_options d;
    af_decompress_options_default(&d);
    d.compression = s->opts.compression;
    d.threaded = s->opts.threaded;
    d.cancel = s->opts.cancel;
    rc = af_reader_open_decompress(file, &d, &s->current, err);
    if (rc) {
        s->file = NULL;
        return rc;
    }
    in->reader = s->current;
    in->name = s->path;
    in->path = s->path;
    in->member = NULL;
    in->compression = af_reader_compression(s->current);
    in->size = in->compression == AF_COMPRESSION_NONE ? s->total : -1;
    return 1;
}

size_t af_input_set_file_count(const af_input_set *s)
{
    (void)s;
    return 1;
}

int64_t af_input_set_bytes_total(const af_input_set *s)
{
    return s->total;
}

int64_t af_input_set_bytes_read(const af_input_set *s)
{
    return s->current ? af_reader_input_offset(s->current) : s->total;
}

void af_input_set_free(af_input_set *s)
{
    if (!s)
        return;
    af_reader_close(s->current);
    free(s->path);
    free(s);
}

bool af_glob_match(const char *pattern, const char *path)
{
    return strcmp(pattern, path) == 0;
}
