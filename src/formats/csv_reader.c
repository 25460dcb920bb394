/* csv_reader.c - the streaming CSV tokenizer behind csv.h.
 *
 * Bytes are pulled from an af_reader into one growable buffer in large
 * chunks. A record is parsed in place: fields without escapes point straight
 * into the buffer, fields that need unescaping are rebuilt in a per-record
 * scratch buffer. When a record runs past the buffered bytes the parser
 * stops, the partial record is moved to the front, more bytes are read and
 * the record is parsed again from its start. Each refill at least doubles
 * what is buffered for that record, so re-parsing costs O(record) amortised
 * even when the input arrives a byte at a time.
 *
 * Dialect choices (documented here because csv.h leaves them open):
 *  - Line ends are LF, CRLF or a lone CR; CRLF counts as one line end.
 *  - Inside quotes a doubled quote is always a literal quote, also when an
 *    escape byte is configured. The escape byte followed by the quote or by
 *    itself yields that byte; followed by anything else both bytes are kept,
 *    so Windows paths like "C:\temp" survive.
 *  - Outside quotes the escape byte is literal unless the next byte is the
 *    delimiter or the quote, which it then makes literal (a\,b -> "a,b").
 *  - A quote in the middle of an unquoted field is literal (lenient).
 *  - Text after a closing quote marks the record malformed; the field keeps
 *    the unescaped content followed by that text (as Python's csv does) and
 *    the record ends at the next line end outside quotes.
 *  - With trim, spaces/tabs (never the delimiter itself) around unquoted
 *    fields are dropped, a quote after leading blanks still opens a quoted
 *    field, and blanks between a closing quote and the delimiter are ignored.
 *  - A quote still open at the end of the input makes its record malformed
 *    up to the end of the line where the quote opened; the next record
 *    starts on the following line.
 *  - A comment line is one whose first byte is the comment byte, at a point
 *    where a record could start (not inside a multi-line quoted field).
 *  - A read failure or a record over max_record_bytes ends the stream: the
 *    error is sticky, later calls return it again.
 */
#include "formats/csv.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define CSV_CHUNK ((size_t)256 * 1024)
/* Zeroed bytes kept after the data so 16-byte vector loads never leave the
 * allocation; zero is never a byte the scanners look for. */
#define CSV_PAD 16
#define CSV_DEFAULT_MAX ((size_t)64 << 20)

struct af_csv_reader {
    af_reader *in;
    uint8_t delim, quote, esc, comment;
    bool trim;
    size_t max_record;

    uint8_t *buf; /* cap + CSV_PAD bytes */
    size_t cap;
    size_t pos, end;    /* unconsumed bytes are buf[pos, end) */
    int64_t buf_offset; /* input offset of buf[0] */
    int64_t line;       /* line number at buf[pos] */
    bool eof;
    bool after_cr; /* the last consumed byte was a CR: a following LF belongs to it */

    af_buf scratch;
    af_csv_field *fields;
    size_t fields_cap;

    int failed; /* sticky: once the stream broke, later calls report the same error */
    af_error fail_err;
};

void af_csv_dialect_default(af_csv_dialect *d)
{
    d->delimiter = ',';
    d->quote = '"';
    d->escape = 0;
    d->comment = 0;
    d->trim = false;
    d->max_record_bytes = CSV_DEFAULT_MAX;
}

static bool is_line_byte(uint8_t c)
{
    return c == '\n' || c == '\r';
}

int af_csv_reader_new(af_reader *in, const af_csv_dialect *d, af_csv_reader **out, af_error *err)
{
    af_csv_dialect def;
    if (!d) {
        af_csv_dialect_default(&def);
        d = &def;
    }
    const char *name = in && in->name ? in->name : "<csv>";
    uint8_t delim = (uint8_t)d->delimiter, quote = (uint8_t)d->quote, esc = (uint8_t)d->escape,
            comment = (uint8_t)d->comment;
    if (!in)
        return af_error_set(err, AF_EINVAL, "csv reader needs an input stream");
    if (delim == 0 || is_line_byte(delim) || delim == quote || delim == esc)
        return af_error_set(err, AF_EINVAL,
                            "%s: csv delimiter must be one byte other than a line end, the "
                            "quote or the escape",
                            name);
    if (quote && is_line_byte(quote))
        return af_error_set(err, AF_EINVAL, "%s: csv quote cannot be a line end", name);
    if (esc && is_line_byte(esc))
        return af_error_set(err, AF_EINVAL, "%s: csv escape cannot be a line end", name);
    if (comment && (is_line_byte(comment) || comment == delim || comment == quote))
        return af_error_set(err, AF_EINVAL,
                            "%s: csv comment byte must differ from line ends, the delimiter "
                            "and the quote",
                            name);
    af_csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory for the csv reader", name);
    r->in = in;
    r->delim = delim;
    r->quote = quote;
    /* an escape equal to the quote is just the doubled-quote convention */
    r->esc = esc == quote ? 0 : esc;
    r->comment = comment;
    r->trim = d->trim;
    r->max_record = d->max_record_bytes ? d->max_record_bytes : CSV_DEFAULT_MAX;
    r->line = 1;
    af_buf_init(&r->scratch);
    *out = r;
    return AF_OK;
}

void af_csv_reader_free(af_csv_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->fields);
    af_buf_free(&r->scratch);
    free(r);
}

int64_t af_csv_reader_offset(const af_csv_reader *r)
{
    return r->buf_offset + (int64_t)r->pos;
}

static int fail(af_csv_reader *r, int code, af_error *err)
{
    r->failed = code;
    if (err)
        r->fail_err = *err;
    else
        af_error_set(&r->fail_err, code, "%s: csv read failed", r->in->name);
    return code;
}

/* Moves the unconsumed bytes to the front and reads until at least
 * `min_new` bytes arrived or the input ended. A fresh record needs just one
 * read (so a slow pipe is not waited on), but an unfinished record asks for
 * as many new bytes as it already holds: the record is parsed again from its
 * start after each refill, and doubling keeps that linear even when the
 * input arrives a byte per call. */
static int fill(af_csv_reader *r, size_t min_new, af_error *err)
{
    size_t have = r->end - r->pos;
    if (r->pos) {
        memmove(r->buf, r->buf + r->pos, have);
        r->buf_offset += (int64_t)r->pos;
        r->pos = 0;
        r->end = have;
    }
    /* Reads go into whatever room is free; the buffer only grows when less
     * than half a chunk (or less than min_new) is left. */
    size_t target = CSV_CHUNK;
    size_t need_free = min_new > CSV_CHUNK / 2 ? min_new : CSV_CHUNK / 2;
    const af_reader *in = r->in;
    if (in->size >= 0 && in->offset >= 0 && in->size >= in->offset &&
        (uint64_t)(in->size - in->offset) < CSV_CHUNK) {
        /* the input's size is known: one byte more than what is left is
         * enough to see its end, so small files get small buffers */
        size_t left = (size_t)(in->size - in->offset) + 1;
        target = left;
        if (need_free > left)
            need_free = left;
    }
    if (r->cap - r->end < need_free) {
        size_t need = r->end + (need_free > target ? need_free : target);
        size_t cap = r->cap ? r->cap : need;
        while (cap < need)
            cap *= 2;
        uint8_t *nb = realloc(r->buf, cap + CSV_PAD);
        if (!nb)
            return af_error_set(err, AF_ENOMEM, "%s: line %lld: out of memory buffering csv",
                                r->in->name, (long long)r->line);
        r->buf = nb;
        r->cap = cap;
    }
    size_t got = 0;
    do {
        ssize_t n = af_reader_read(r->in, r->buf + r->end, r->cap - r->end, err);
        if (n < 0)
            return (int)n;
        if (n == 0) {
            r->eof = true;
            break;
        }
        r->end += (size_t)n;
        got += (size_t)n;
    } while (got < min_new && r->end < r->cap);
    memset(r->buf + r->end, 0, CSV_PAD);
    return AF_OK;
}

static int grow_fields(af_csv_reader *r)
{
    size_t cap = r->fields_cap ? r->fields_cap * 2 : 64;
    af_csv_field *nf = realloc(r->fields, cap * sizeof *nf);
    if (!nf)
        return AF_ENOMEM;
    r->fields = nf;
    r->fields_cap = cap;
    return AF_OK;
}

/* First byte in [p, end) that can end or alter an unquoted field: the
 * delimiter, CR, LF or the escape byte. Returns end when there is none. */
static const uint8_t *scan_unquoted(const af_csv_reader *r, const uint8_t *p, const uint8_t *end)
{
#if defined(__SSE2__)
    const __m128i vd = _mm_set1_epi8((char)r->delim);
    const __m128i vl = _mm_set1_epi8('\n');
    const __m128i vc = _mm_set1_epi8('\r');
    const __m128i ve = _mm_set1_epi8((char)(r->esc ? r->esc : r->delim));
    while (p < end) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vl)),
                                 _mm_or_si128(_mm_cmpeq_epi8(v, vc), _mm_cmpeq_epi8(v, ve)));
        unsigned mask = (unsigned)_mm_movemask_epi8(m);
        if (mask) {
            const uint8_t *hit = p + __builtin_ctz(mask);
            return hit < end ? hit : end;
        }
        p += 16;
    }
    return end;
#else
    uint8_t d = r->delim, e = r->esc ? r->esc : r->delim;
    while (p < end && *p != d && *p != '\n' && *p != '\r' && *p != e)
        p++;
    return p;
#endif
}

/* First quote or escape byte in [p, end), or end. */
static const uint8_t *scan_quoted(const af_csv_reader *r, const uint8_t *p, const uint8_t *end)
{
    if (!r->esc) {
        const uint8_t *q = memchr(p, r->quote, (size_t)(end - p));
        return q ? q : end;
    }
#if defined(__SSE2__)
    const __m128i vq = _mm_set1_epi8((char)r->quote);
    const __m128i ve = _mm_set1_epi8((char)r->esc);
    while (p < end) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned mask =
            (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vq), _mm_cmpeq_epi8(v, ve)));
        if (mask) {
            const uint8_t *hit = p + __builtin_ctz(mask);
            return hit < end ? hit : end;
        }
        p += 16;
    }
    return end;
#else
    while (p < end && *p != r->quote && *p != r->esc)
        p++;
    return p;
#endif
}

/* Line ends inside a quoted field's bytes, CRLF counting once. */
static int64_t count_lines(const uint8_t *p, const uint8_t *end)
{
    size_t n = (size_t)(end - p);
    if (!memchr(p, '\n', n) && !memchr(p, '\r', n))
        return 0;
    int64_t lines = 0;
    for (; p < end; p++) {
        if (*p == '\n')
            lines++;
        else if (*p == '\r' && !(p + 1 < end && p[1] == '\n'))
            lines++;
    }
    return lines;
}

static bool is_blank(const af_csv_reader *r, uint8_t c)
{
    return (c == ' ' || c == '\t') && c != r->delim;
}

enum { NEED_MORE = 0, COMPLETE = 1 };

/* A record still growing past max_record_bytes: the stream stops here. */
static int record_too_long(const af_csv_reader *r, af_error *err)
{
    return af_error_set(err, AF_ELIMIT,
                        "%s: line %lld: csv record is longer than the limit of %zu bytes "
                        "(max_record_bytes)%s",
                        r->in->name, (long long)r->line, r->max_record,
                        r->quote ? "; is a quote left open?" : "");
}

static const char ERR_AFTER_QUOTE[] = "unexpected character after closing quote";
static const char ERR_UNTERMINATED[] = "unterminated quoted field";

/* Parses the record starting at buf[pos]. Returns COMPLETE (rec filled and
 * the bytes consumed), NEED_MORE when the buffered bytes end inside the
 * record before the end of input, or a negative AF_E* code. */
static int parse_record(af_csv_reader *r, af_csv_record *rec, af_error *err)
{
    const uint8_t *const start = r->buf + r->pos;
    const uint8_t *const end = r->buf + r->end;
    const uint8_t *p = start;
    const bool eof = r->eof;
    const uint8_t delim = r->delim, quote = r->quote, esc = r->esc;
    const char *error = NULL;
    int64_t lines = 0;
    size_t nf = 0;

    /* Unescaped text never exceeds the record's raw bytes (each raw byte is
     * copied at most once), so reserving that much keeps pointers into the
     * scratch buffer stable while this record is parsed. */
    r->scratch.len = 0;
    if (af_buf_reserve(&r->scratch, (size_t)(end - start)))
        return af_error_set(err, AF_ENOMEM, "%s: line %lld: out of memory parsing csv", r->in->name,
                            (long long)r->line);
    uint8_t *const sc = r->scratch.data;
    size_t sl = 0;

    for (;;) {
        if (nf == r->fields_cap && grow_fields(r))
            return af_error_set(err, AF_ENOMEM, "%s: line %lld: out of memory parsing csv",
                                r->in->name, (long long)r->line);
        af_csv_field *f = &r->fields[nf++];
        if (r->trim)
            while (p < end && is_blank(r, *p))
                p++;
        if (p == end && !eof)
            return NEED_MORE;

        if (quote && p < end && *p == quote) {
            const uint8_t *const q0 = p + 1;
            const uint8_t *seg = q0;
            bool in_sc = false;
            size_t soff = 0;
            bool closed = false;
            p = q0;
            for (;;) {
                const uint8_t *h = scan_quoted(r, p, end);
                if (h == end) {
                    if (!eof)
                        return NEED_MORE;
                    break; /* unterminated */
                }
                if (*h == quote) {
                    if (h + 1 == end && !eof)
                        return NEED_MORE;
                    if (h + 1 < end && h[1] == quote) {
                        if (!in_sc) {
                            in_sc = true;
                            soff = sl;
                        }
                        memcpy(sc + sl, seg, (size_t)(h + 1 - seg));
                        sl += (size_t)(h + 1 - seg);
                        p = seg = h + 2;
                        continue;
                    }
                    closed = true;
                    p = h;
                    break;
                }
                /* escape byte */
                if (h + 1 == end) {
                    if (!eof)
                        return NEED_MORE;
                    p = end;
                    continue; /* nothing can close the quote now */
                }
                if (h[1] == quote || h[1] == esc) {
                    if (!in_sc) {
                        in_sc = true;
                        soff = sl;
                    }
                    memcpy(sc + sl, seg, (size_t)(h - seg));
                    sl += (size_t)(h - seg);
                    sc[sl++] = h[1];
                    p = seg = h + 2;
                    continue;
                }
                p = h + 1;
            }
            if (!closed) {
                /* Still open at the end of input: the record is malformed up
                 * to the end of the line where the quote opened, and reading
                 * resumes on the next line, so one stray quote costs one
                 * row rather than the rest of the file. Past the record limit
                 * the stream stops, as it does when the end of input is not
                 * in sight yet, so the outcome does not depend on how the
                 * input was cut into reads. */
                if ((size_t)(end - start) > r->max_record)
                    return record_too_long(r, err);
                const uint8_t *le = q0;
                while (le < end && !is_line_byte(*le))
                    le++;
                f->data = (const char *)q0;
                f->len = (size_t)(le - q0);
                f->quoted = true;
                error = ERR_UNTERMINATED;
                p = le;
                break;
            }
            const uint8_t *cend = p;
            lines += count_lines(q0, cend);
            if (in_sc) {
                memcpy(sc + sl, seg, (size_t)(cend - seg));
                sl += (size_t)(cend - seg);
                f->data = (const char *)sc + soff;
                f->len = sl - soff;
            } else {
                f->data = (const char *)q0;
                f->len = (size_t)(cend - q0);
            }
            f->quoted = true;
            p++; /* past the closing quote */
            const uint8_t *after = p;
            if (r->trim)
                while (p < end && is_blank(r, *p))
                    p++;
            if (p == end) {
                if (!eof)
                    return NEED_MORE;
            } else if (*p != delim && !is_line_byte(*p)) {
                /* Stray text: keep it in the field and read on to the
                 * delimiter or line end as if the field were unquoted. */
                if (!error)
                    error = ERR_AFTER_QUOTE;
                const uint8_t *stop = after;
                while (stop < end && *stop != delim && !is_line_byte(*stop))
                    stop++;
                if (stop == end && !eof)
                    return NEED_MORE;
                if (!in_sc) {
                    soff = sl;
                    memcpy(sc + sl, f->data, f->len);
                    sl += f->len;
                }
                memcpy(sc + sl, after, (size_t)(stop - after));
                sl += (size_t)(stop - after);
                f->data = (const char *)sc + soff;
                f->len = sl - soff;
                p = stop;
            }
        } else {
            const uint8_t *const vs = p;
            const uint8_t *seg = p;
            bool in_sc = false;
            size_t soff = 0;
            for (;;) {
                p = scan_unquoted(r, p, end);
                if (p == end) {
                    if (!eof)
                        return NEED_MORE;
                    break;
                }
                if (esc && *p == esc) {
                    if (p + 1 == end) {
                        if (!eof)
                            return NEED_MORE;
                        p = end;
                        break;
                    }
                    if (p[1] == delim || (quote && p[1] == quote)) {
                        if (!in_sc) {
                            in_sc = true;
                            soff = sl;
                        }
                        memcpy(sc + sl, seg, (size_t)(p - seg));
                        sl += (size_t)(p - seg);
                        sc[sl++] = p[1];
                        p = seg = p + 2;
                        continue;
                    }
                    p++;
                    continue;
                }
                break; /* delimiter or line end */
            }
            const char *data;
            size_t len;
            if (in_sc) {
                memcpy(sc + sl, seg, (size_t)(p - seg));
                sl += (size_t)(p - seg);
                data = (const char *)sc + soff;
                len = sl - soff;
            } else {
                data = (const char *)vs;
                len = (size_t)(p - vs);
            }
            if (r->trim)
                while (len && is_blank(r, (uint8_t)data[len - 1]))
                    len--;
            f->data = data;
            f->len = len;
            f->quoted = false;
        }

        if (p < end && *p == delim) {
            p++;
            continue;
        }
        break; /* line end, or end of input */
    }

    size_t raw_len = (size_t)(p - start);
    if (raw_len > r->max_record)
        return af_error_set(err, AF_ELIMIT,
                            "%s: line %lld: csv record is longer than the limit of %zu bytes "
                            "(max_record_bytes)",
                            r->in->name, (long long)r->line, r->max_record);
    if (p < end) {
        lines++;
        if (*p++ == '\r') {
            if (p < end) {
                if (*p == '\n')
                    p++;
            } else {
                r->after_cr = true;
            }
        }
    }
    r->scratch.len = sl;
    rec->fields = r->fields;
    rec->n_fields = nf;
    rec->line = r->line;
    rec->offset = r->buf_offset + (int64_t)r->pos;
    rec->raw = (const char *)start;
    rec->raw_len = raw_len;
    rec->error = error;
    r->line += lines;
    r->pos = (size_t)(p - r->buf);
    return COMPLETE;
}

/* Consumes empty lines, comment lines and the LF of a CRLF split across
 * reads. Returns 1 when a record starts at buf[pos], 0 at end of input. */
static int skip_to_record(af_csv_reader *r, af_error *err)
{
    for (;;) {
        if (r->pos == r->end) {
            if (r->eof)
                return 0;
            int rc = fill(r, 1, err);
            if (rc)
                return rc;
            continue;
        }
        uint8_t c = r->buf[r->pos];
        if (r->after_cr) {
            r->after_cr = false;
            if (c == '\n') {
                r->pos++;
                continue;
            }
        }
        if (c == '\n' || c == '\r') {
            r->pos++;
            r->line++;
            if (c == '\r')
                r->after_cr = true;
            continue;
        }
        if (r->comment && c == r->comment) {
            /* Comment bytes are dropped as they are found, so a long comment
             * never counts against max_record_bytes. The line end itself is
             * left for the loop above to count. */
            for (;;) {
                const uint8_t *p = r->buf + r->pos, *e = r->buf + r->end;
                const uint8_t *lf = memchr(p, '\n', (size_t)(e - p));
                const uint8_t *cr = memchr(p, '\r', (size_t)((lf ? lf : e) - p));
                const uint8_t *hit = cr ? cr : lf;
                if (hit) {
                    r->pos = (size_t)(hit - r->buf);
                    break;
                }
                r->pos = r->end;
                if (r->eof)
                    return 0;
                int rc = fill(r, 1, err);
                if (rc)
                    return rc;
            }
            continue;
        }
        return 1;
    }
}

int af_csv_reader_next(af_csv_reader *r, af_csv_record *rec, af_error *err)
{
    if (r->failed) {
        if (err)
            *err = r->fail_err;
        return r->failed;
    }
    int rc = skip_to_record(r, err);
    if (rc <= 0)
        return rc < 0 ? fail(r, rc, err) : 0;
    for (;;) {
        rc = parse_record(r, rec, err);
        if (rc == COMPLETE)
            return 1;
        if (rc < 0)
            return fail(r, rc, err);
        size_t have = r->end - r->pos;
        if (have > r->max_record)
            return fail(r, record_too_long(r, err), err);
        rc = fill(r, have ? have : 1, err);
        if (rc)
            return fail(r, rc, err);
    }
}
