/* text_lines.c - line splitting over an af_reader (see text_lines.h).
 *
 * One buffer holds the unconsumed bytes; it is compacted before each refill
 * so it only grows when a single line is longer than what it holds. */
#include "formats/text_lines.h"

#include "core/buf.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK 65536

struct af_line_reader {
    af_reader *in;
    size_t max_line;
    af_buf buf;
    size_t start; /* first unconsumed byte of buf */
    size_t scan;  /* bytes from start already searched for a line end */
    int64_t lineno;
    int64_t consumed;
    int eof;
};

int af_line_reader_new(af_reader *in, size_t max_line, af_line_reader **out, af_error *err)
{
    af_line_reader *r = calloc(1, sizeof *r);
    if (!r)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    r->in = in;
    r->max_line = max_line ? max_line : (size_t)16 << 20;
    af_buf_init(&r->buf);
    *out = r;
    return AF_OK;
}

static int refill(af_line_reader *r, af_error *err)
{
    if (r->start > 0) {
        memmove(r->buf.data, r->buf.data + r->start, r->buf.len - r->start);
        r->buf.len -= r->start;
        r->start = 0;
    }
    if (af_buf_reserve(&r->buf, CHUNK))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    ssize_t k = af_reader_read(r->in, r->buf.data + r->buf.len, CHUNK, err);
    if (k < 0)
        return (int)k;
    if (k == 0)
        r->eof = 1;
    r->buf.len += (size_t)k;
    return AF_OK;
}

int af_line_reader_next(af_line_reader *r, const char **line, size_t *len, int64_t *lineno,
                        af_error *err)
{
    for (;;) {
        size_t avail = r->buf.len - r->start;
        const uint8_t *base = r->buf.data ? r->buf.data + r->start : NULL; /* NULL before a read */
        const uint8_t *nl = avail > r->scan ? memchr(base + r->scan, '\n', avail - r->scan) : NULL;
        size_t n;
        size_t step;
        if (nl) {
            n = (size_t)(nl - base);
            step = n + 1;
        } else if (r->eof) {
            if (avail == 0)
                return 0;
            n = avail;
            step = avail;
        } else {
            if (avail > r->max_line)
                return af_error_set(
                    err, AF_ELIMIT, "%s: line %lld is longer than %zu bytes (is this a text file?)",
                    r->in->name ? r->in->name : "input", (long long)r->lineno + 1, r->max_line);
            r->scan = avail;
            int rc = refill(r, err);
            if (rc)
                return rc;
            continue;
        }
        if (n > r->max_line)
            return af_error_set(
                err, AF_ELIMIT, "%s: line %lld is longer than %zu bytes (is this a text file?)",
                r->in->name ? r->in->name : "input", (long long)r->lineno + 1, r->max_line);
        size_t keep = n;
        if (keep > 0 && base[keep - 1] == '\r')
            keep--;
        *line = (const char *)base;
        *len = keep;
        *lineno = ++r->lineno;
        r->start += step;
        r->scan = 0;
        r->consumed += (int64_t)step;
        return 1;
    }
}

int64_t af_line_reader_offset(const af_line_reader *r)
{
    return r->consumed;
}

void af_line_reader_free(af_line_reader *r)
{
    if (!r)
        return;
    af_buf_free(&r->buf);
    free(r);
}
