/* json_reader.c - the streaming JSON tokenizer/parser behind formats/json.h.
 *
 * Bytes come from an af_reader into a window buffer. Nothing before the
 * current position is kept, except from a mark on (a record's raw text for
 * quarantine), so memory is bounded by the largest record, not the input.
 * Every token may span a read boundary: scanners work on indices relative
 * to `pos` and refill (which moves the window) when they run out.
 *
 * Values are parsed iteratively with an explicit stack (depth-limited), so
 * hostile nesting cannot overflow the C stack. Strings are scanned eight
 * bytes at a time for the only bytes that need attention (quote, backslash,
 * control characters, non-ASCII), so plain ASCII text costs about a memcpy.
 */
#include "formats/json.h"

#include "core/values.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (256 * 1024)
#define MAX_NUMBER 1024

struct af_json_reader {
    af_reader *in;
    char *name;
    af_json_options o;
    uint8_t *buf;
    size_t cap, len, pos;
    int64_t base;       /* stream offset of buf[0] */
    int64_t mark;       /* stream offset kept from, or -1 */
    int64_t line;       /* current line, 1-based */
    int64_t line_start; /* stream offset of the current line's first byte */
    int64_t value_line;
    bool eof, started;
    uint32_t *stack; /* node index (or 0 in skip mode) per open container */
    uint8_t *kind;   /* '{' or '[' per open container */
    af_buf scratch;
};

void af_json_options_default(af_json_options *o)
{
    o->max_depth = 512;
    o->one_per_line = false;
}

int af_json_reader_new(af_reader *in, const char *name, const af_json_options *o,
                       af_json_reader **out, af_error *err)
{
    af_json_reader *r = calloc(1, sizeof *r);
    if (!r)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    if (o)
        r->o = *o;
    else
        af_json_options_default(&r->o);
    if (r->o.max_depth <= 0)
        r->o.max_depth = 512;
    r->in = in;
    r->name = af_strdup(name ? name : (in && in->name ? in->name : "json"));
    r->cap = CHUNK;
    r->buf = malloc(r->cap);
    r->stack = calloc((size_t)r->o.max_depth + 1, sizeof *r->stack);
    r->kind = calloc((size_t)r->o.max_depth + 1, 1);
    r->mark = -1;
    r->line = 1;
    af_buf_init(&r->scratch);
    if (!r->name || !r->buf || !r->stack || !r->kind) {
        af_json_reader_free(r);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    *out = r;
    return AF_OK;
}

void af_json_reader_free(af_json_reader *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->buf);
    free(r->stack);
    free(r->kind);
    af_buf_free(&r->scratch);
    free(r);
}

void af_json_reader_set_one_per_line(af_json_reader *r, bool on)
{
    r->o.one_per_line = on;
}

int af_json_reader_error(const af_json_reader *r, af_error *err, int code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int64_t off = r->base + (int64_t)r->pos;
    return af_error_set(err, code, "%s:%lld:%lld (byte %lld): %s", r->name, (long long)r->line,
                        (long long)(off - r->line_start + 1), (long long)off, msg);
}

/* Reads more input, keeping bytes from the mark (or the current position).
 * Returns >0 bytes added, 0 at the end, <0 on error. */
static int refill(af_json_reader *r, af_error *err)
{
    if (r->eof)
        return 0;
    size_t keep = r->pos;
    if (r->mark >= 0 && r->mark - r->base < (int64_t)keep)
        keep = (size_t)(r->mark - r->base);
    if (keep > 0) {
        memmove(r->buf, r->buf + keep, r->len - keep);
        r->len -= keep;
        r->pos -= keep;
        r->base += (int64_t)keep;
    }
    if (r->cap - r->len < CHUNK / 4) {
        size_t ncap = r->cap * 2;
        uint8_t *nb = realloc(r->buf, ncap);
        if (!nb)
            return af_error_set(err, AF_ENOMEM, "%s: out of memory (a record of %zu bytes)",
                                r->name, r->len);
        r->buf = nb;
        r->cap = ncap;
    }
    if (!r->started) {
        /* a UTF-8 byte order mark may start the stream; it is not JSON */
        r->started = true;
        ssize_t n = af_reader_read_full(r->in, r->buf, 3, err);
        if (n < 0)
            return (int)n;
        r->len = (size_t)n;
        if (n == 0) {
            r->eof = true;
            return 0;
        }
        if (n == 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
            r->pos = 3;
            r->line_start = 3;
        }
        return 1;
    }
    ssize_t n = af_reader_read(r->in, r->buf + r->len, r->cap - r->len, err);
    if (n < 0)
        return (int)n;
    if (n == 0) {
        r->eof = true;
        return 0;
    }
    r->len += (size_t)n;
    return 1;
}

/* Makes n bytes available from pos if the input has them: 1, 0 or <0. */
static int ensure(af_json_reader *r, size_t n, af_error *err)
{
    while (r->len - r->pos < n) {
        int rc = refill(r, err);
        if (rc <= 0)
            return rc;
    }
    return 1;
}

static void newline(af_json_reader *r)
{
    r->line++;
    r->line_start = r->base + (int64_t)r->pos;
}

/* Skips whitespace; returns the next byte, AF_JSON_EOF or <0. With
 * stop_at_newline, a newline is returned instead of skipped. */
static int skip_ws(af_json_reader *r, bool stop_at_newline, af_error *err)
{
    for (;;) {
        while (r->pos < r->len) {
            uint8_t c = r->buf[r->pos];
            if (c == ' ' || c == '\t' || c == '\r') {
                r->pos++;
            } else if (c == '\n') {
                if (stop_at_newline)
                    return '\n';
                r->pos++;
                newline(r);
            } else {
                return c;
            }
        }
        int rc = refill(r, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return AF_JSON_EOF;
    }
}

static const char *show_byte(int c, char out[16])
{
    if (c == AF_JSON_EOF)
        snprintf(out, 16, "end of input");
    else if (c >= 0x20 && c < 0x7f)
        snprintf(out, 16, "'%c'", c);
    else
        snprintf(out, 16, "byte 0x%02X", (unsigned)c);
    return out;
}

/* ---- strings ---- */

static int hex4(const uint8_t *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static int put_utf8(af_buf *out, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | (cp >> 12));
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | (cp >> 18));
        b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return out ? af_buf_append(out, b, n) : AF_OK;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static size_t utf8_seq(const uint8_t *p, size_t avail)
{
    uint8_t c = p[0];
    size_t n;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* beyond U+10FFFF */
    } else {
        return 0;
    }
    if (avail < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
static inline uint64_t has_zero(uint64_t v)
{
    return (v - ONES) & ~v & HIGHS;
}

/* True if one of the 8 bytes may need attention (exact test follows). */
static inline bool word_special(uint64_t w)
{
    return (has_zero(w ^ (ONES * '"')) | has_zero(w ^ (ONES * '\\')) |
            ((w - ONES * 0x20) & ~w & HIGHS) | (w & HIGHS)) != 0;
}

/* Parses a string token at pos (which is the opening quote) into out
 * (NULL = validate only). */
static int parse_string(af_json_reader *r, af_buf *out, af_error *err)
{
    r->pos++; /* opening quote */
    for (;;) {
        const uint8_t *start = r->buf + r->pos, *p = start, *e = r->buf + r->len;
        while (e - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (word_special(w))
                break;
            p += 8;
        }
        while (p < e && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
            p++;
        if (out && p > start && af_buf_append(out, start, (size_t)(p - start)))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        r->pos = (size_t)(p - r->buf);
        if (p == e) {
            int rc = refill(r, err);
            if (rc < 0)
                return rc;
            if (rc == 0)
                return af_json_reader_error(r, err, AF_EPARSE,
                                            "unterminated string (the input ends inside it)");
            continue;
        }
        uint8_t c = *p;
        if (c == '"') {
            r->pos++;
            return AF_OK;
        }
        if (c < 0x20) {
            if (c == '\n' || c == '\r')
                return af_json_reader_error(r, err, AF_EPARSE,
                                            "unterminated string (a line break inside a string "
                                            "must be written \\n)");
            return af_json_reader_error(
                r, err, AF_EPARSE, "control character U+%04X inside a string must be escaped", c);
        }
        if (c >= 0x80) {
            int rc = ensure(r, 4, err);
            if (rc < 0)
                return rc;
            size_t n = utf8_seq(r->buf + r->pos, r->len - r->pos);
            if (!n)
                return af_json_reader_error(
                    r, err, AF_EPARSE, "invalid UTF-8 byte 0x%02X inside a string", r->buf[r->pos]);
            if (out && af_buf_append(out, r->buf + r->pos, n))
                return af_error_set(err, AF_ENOMEM, "out of memory");
            r->pos += n;
            continue;
        }
        /* backslash */
        int rc = ensure(r, 2, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return af_json_reader_error(r, err, AF_EPARSE,
                                        "unterminated string (the input ends inside it)");
        uint8_t e1 = r->buf[r->pos + 1];
        char ch = 0;
        switch (e1) {
        case '"': ch = '"'; break;
        case '\\': ch = '\\'; break;
        case '/': ch = '/'; break;
        case 'b': ch = '\b'; break;
        case 'f': ch = '\f'; break;
        case 'n': ch = '\n'; break;
        case 'r': ch = '\r'; break;
        case 't': ch = '\t'; break;
        case 'u': break;
        default: {
            char sb[16];
            return af_json_reader_error(r, err, AF_EPARSE,
                                        "invalid escape in a string: a backslash followed by %s",
                                        show_byte(e1, sb));
        }
        }
        if (ch) {
            if (out && af_buf_append_byte(out, (uint8_t)ch))
                return af_error_set(err, AF_ENOMEM, "out of memory");
            r->pos += 2;
            continue;
        }
        rc = ensure(r, 6, err);
        if (rc < 0)
            return rc;
        int u = rc ? hex4(r->buf + r->pos + 2) : -1;
        if (u < 0)
            return af_json_reader_error(r, err, AF_EPARSE,
                                        "invalid \\u escape: four hex digits must follow \\u");
        uint32_t cp = (uint32_t)u;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
            return af_json_reader_error(r, err, AF_EPARSE,
                                        "lone low surrogate \\u%04X (not preceded by a high "
                                        "surrogate)",
                                        cp);
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            rc = ensure(r, 12, err);
            if (rc < 0)
                return rc;
            const uint8_t *q = r->buf + r->pos + 6;
            int lo = (rc && q[0] == '\\' && q[1] == 'u') ? hex4(q + 2) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return af_json_reader_error(r, err, AF_EPARSE,
                                            "lone high surrogate \\u%04X (a \\uDC00-\\uDFFF "
                                            "escape must follow it)",
                                            cp);
            cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
            r->pos += 6;
        }
        r->pos += 6;
        if (put_utf8(out, cp))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
}

/* ---- numbers ---- */

/* Scans a number literal at pos into tok; validates the grammar. */
static int scan_number(af_json_reader *r, char *tok, size_t *tok_len, af_error *err)
{
    size_t j = 0;
    for (;;) {
        while (r->pos + j < r->len) {
            uint8_t c = r->buf[r->pos + j];
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' ||
                c == 'E') {
                if (j >= MAX_NUMBER)
                    return af_json_reader_error(r, err, AF_EPARSE,
                                                "number longer than %d characters", MAX_NUMBER);
                tok[j++] = (char)c;
            } else {
                goto done;
            }
        }
        int rc = refill(r, err); /* keeps buf[pos..] */
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
    }
done:
    tok[j] = 0;
    *tok_len = j;
    /* RFC 8259: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
    size_t i = 0;
    bool ok = true;
    if (tok[i] == '-')
        i++;
    if (tok[i] == '0') {
        i++;
    } else if (tok[i] >= '1' && tok[i] <= '9') {
        while (tok[i] >= '0' && tok[i] <= '9')
            i++;
    } else {
        ok = false;
    }
    if (ok && tok[i] == '.') {
        i++;
        if (!(tok[i] >= '0' && tok[i] <= '9'))
            ok = false;
        while (tok[i] >= '0' && tok[i] <= '9')
            i++;
    }
    if (ok && (tok[i] == 'e' || tok[i] == 'E')) {
        i++;
        if (tok[i] == '+' || tok[i] == '-')
            i++;
        if (!(tok[i] >= '0' && tok[i] <= '9'))
            ok = false;
        while (tok[i] >= '0' && tok[i] <= '9')
            i++;
    }
    if (!ok || i != j)
        return af_json_reader_error(r, err, AF_EPARSE, "invalid number '%s'", tok);
    return AF_OK;
}

/* Converts a validated literal: sets type, flags and value. */
static int convert_number(af_json_reader *r, const char *tok, size_t n, af_json_node *nd,
                          af_error *err)
{
    bool integer = true;
    for (size_t i = 0; i < n; i++)
        if (tok[i] == '.' || tok[i] == 'e' || tok[i] == 'E')
            integer = false;
    if (integer) {
        bool neg = tok[0] == '-';
        uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        bool over = false;
        for (size_t i = neg; i < n; i++) {
            unsigned d = (unsigned)(tok[i] - '0');
            if (v > (lim - d) / 10) {
                over = true;
                break;
            }
            v = v * 10 + d;
        }
        nd->type = AF_JSON_INT;
        if (!over) {
            nd->v.i = neg ? (int64_t)(0 - v) : (int64_t)v;
            return AF_OK;
        }
        nd->flags |= AF_JSON_BIGINT;
    } else {
        nd->type = AF_JSON_DOUBLE;
    }
    af_error perr = {0};
    double d;
    int rc = af_parse_double(tok, n, '.', &d, &perr);
    if (rc)
        return af_json_reader_error(r, err, AF_EPARSE, "number %s is out of the range of a double",
                                    tok);
    nd->v.d = d;
    return AF_OK;
}

/* ---- values ---- */

static int add_node(af_json_doc *d, af_json_node **out)
{
    if (d->n == d->cap) {
        uint32_t ncap = d->cap ? d->cap * 2 : 64;
        if (ncap < d->cap)
            return AF_ELIMIT;
        af_json_node *nn = realloc(d->nodes, (size_t)ncap * sizeof *nn);
        if (!nn)
            return AF_ENOMEM;
        d->nodes = nn;
        d->cap = ncap;
    }
    *out = &d->nodes[d->n++];
    memset(*out, 0, sizeof **out);
    return AF_OK;
}

static int expected_after(af_json_reader *r, int kind, int c, af_error *err)
{
    char sb[16];
    if (c == '\n')
        return af_json_reader_error(r, err, AF_EPARSE,
                                    "the line ends inside a value (NDJSON holds one value per "
                                    "line)");
    if (kind == '{')
        return af_json_reader_error(r, err, AF_EPARSE,
                                    "expected ',' or '}' after an object member, found %s",
                                    show_byte(c, sb));
    return af_json_reader_error(r, err, AF_EPARSE,
                                "expected ',' or ']' after an array element, found %s",
                                show_byte(c, sb));
}

int af_json_reader_value(af_json_reader *r, af_json_doc *doc, af_error *err)
{
    bool nl = r->o.one_per_line;
    if (doc)
        af_json_doc_reset(doc);
    int c = skip_ws(r, false, err);
    if (c < 0)
        return c;
    if (c == AF_JSON_EOF)
        return 0;
    r->value_line = r->line;
    int depth = 0;
    uint32_t key_off = 0, key_len = 0;
    bool have_key = false;
    char sb[16];
    for (;;) {
        /* a value starts at pos (c is its first byte) */
        af_json_node *nd = NULL;
        uint32_t idx = doc ? doc->n : 0;
        if (doc) {
            if (add_node(doc, &nd))
                return af_error_set(err, AF_ENOMEM, "out of memory");
            if (have_key) {
                nd->key_off = key_off;
                nd->key_len = key_len;
            }
            if (depth > 0)
                doc->nodes[r->stack[depth - 1]].count++;
        }
        have_key = false;
        bool closed_scalar = true;
        if (c == '{' || c == '[') {
            if (depth >= r->o.max_depth)
                return af_json_reader_error(r, err, AF_EPARSE, "nesting deeper than %d levels",
                                            r->o.max_depth);
            if (nd)
                nd->type = c == '{' ? AF_JSON_OBJECT : AF_JSON_ARRAY;
            r->stack[depth] = idx;
            r->kind[depth] = (uint8_t)c;
            depth++;
            r->pos++;
            closed_scalar = false;
            c = skip_ws(r, nl, err);
            if (c < 0)
                return c;
            int close = r->kind[depth - 1] == '{' ? '}' : ']';
            if (c == close) {
                r->pos++;
                depth--;
                if (nd)
                    doc->nodes[idx].next = doc->n;
                closed_scalar = true; /* an empty container is complete */
            } else if (r->kind[depth - 1] == '[') {
                if (c == '\n' || c == AF_JSON_EOF)
                    return expected_after(r, '[', c == AF_JSON_EOF ? c : '\n', err);
                continue; /* first element */
            } else {
                goto read_key;
            }
        } else if (c == '"') {
            size_t before = doc ? doc->text.len : 0;
            int rc = parse_string(r, doc ? &doc->text : NULL, err);
            if (rc)
                return rc;
            if (doc) {
                nd = &doc->nodes[idx];
                nd->type = AF_JSON_STRING;
                if (doc->text.len > UINT32_MAX)
                    return af_json_reader_error(r, err, AF_ELIMIT, "a value larger than 4 GiB");
                nd->text_off = (uint32_t)before;
                nd->text_len = (uint32_t)(doc->text.len - before);
            }
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            char tok[MAX_NUMBER + 1];
            size_t n = 0;
            int rc = scan_number(r, tok, &n, err);
            if (rc)
                return rc;
            af_json_node tmp = {0};
            rc = convert_number(r, tok, n, &tmp, err);
            if (rc)
                return rc;
            r->pos += n;
            if (doc) {
                nd = &doc->nodes[idx];
                nd->type = tmp.type;
                nd->flags = tmp.flags;
                nd->v = tmp.v;
                nd->text_off = (uint32_t)doc->text.len;
                nd->text_len = (uint32_t)n;
                if (af_buf_append(&doc->text, tok, n))
                    return af_error_set(err, AF_ENOMEM, "out of memory");
            }
        } else if (c == 't' || c == 'f' || c == 'n') {
            const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
            size_t n = strlen(lit);
            int rc = ensure(r, n, err);
            if (rc < 0)
                return rc;
            if (rc == 0 || memcmp(r->buf + r->pos, lit, n) != 0)
                return af_json_reader_error(r, err, AF_EPARSE,
                                            "invalid literal (expected %s, found %s)", lit,
                                            show_byte(c, sb));
            r->pos += n;
            if (nd)
                nd->type = c == 't' ? AF_JSON_TRUE : c == 'f' ? AF_JSON_FALSE : AF_JSON_NULL;
        } else {
            if (c == '\n')
                return expected_after(r, '[', '\n', err);
            return af_json_reader_error(r, err, AF_EPARSE, "expected a value, found %s",
                                        show_byte(c, sb));
        }
        if (doc && closed_scalar && (doc->nodes[idx].type < AF_JSON_ARRAY))
            doc->nodes[idx].next = idx + 1;
        /* after a complete value: close containers or move to the next one */
        for (;;) {
            if (depth == 0)
                return 1;
            c = skip_ws(r, nl, err);
            if (c < 0)
                return c;
            int kind = r->kind[depth - 1];
            int close = kind == '{' ? '}' : ']';
            if (c == close) {
                r->pos++;
                depth--;
                if (doc)
                    doc->nodes[r->stack[depth]].next = doc->n;
                continue;
            }
            if (c != ',')
                return expected_after(r, kind, c, err);
            r->pos++;
            c = skip_ws(r, nl, err);
            if (c < 0)
                return c;
            if (kind == '[') {
                if (c == '\n')
                    return expected_after(r, kind, '\n', err);
                break; /* next element */
            }
            goto read_key;
        }
        continue;
    read_key:
        /* c is the first byte of a member: a key string, ':' and a value */
        if (c != '"') {
            if (c == '\n')
                return expected_after(r, '{', '\n', err);
            return af_json_reader_error(r, err, AF_EPARSE,
                                        "expected a string key in an object, found %s",
                                        show_byte(c, sb));
        }
        {
            size_t before = doc ? doc->text.len : 0;
            int rc = parse_string(r, doc ? &doc->text : NULL, err);
            if (rc)
                return rc;
            key_off = (uint32_t)before;
            key_len = doc ? (uint32_t)(doc->text.len - before) : 0;
            have_key = true;
        }
        c = skip_ws(r, nl, err);
        if (c < 0)
            return c;
        if (c != ':') {
            if (c == '\n')
                return expected_after(r, '{', '\n', err);
            return af_json_reader_error(
                r, err, AF_EPARSE, "expected ':' after an object key, found %s", show_byte(c, sb));
        }
        r->pos++;
        c = skip_ws(r, nl, err);
        if (c < 0)
            return c;
        if (c == '\n' || c == AF_JSON_EOF)
            return c == '\n' ? expected_after(r, '{', '\n', err)
                             : af_json_reader_error(r, err, AF_EPARSE,
                                                    "expected a value, found end of input");
    }
}

int af_json_reader_peek(af_json_reader *r, af_error *err)
{
    return skip_ws(r, false, err);
}

int af_json_reader_expect(af_json_reader *r, char c, const char *what, af_error *err)
{
    int got = skip_ws(r, false, err);
    if (got < 0)
        return got;
    if (got != (unsigned char)c) {
        char sb[16];
        return af_json_reader_error(r, err, AF_EPARSE, "expected %s, found %s", what,
                                    show_byte(got, sb));
    }
    r->pos++;
    return AF_OK;
}

int af_json_reader_string(af_json_reader *r, af_buf *out, af_error *err)
{
    int c = skip_ws(r, false, err);
    if (c < 0)
        return c;
    if (c != '"') {
        char sb[16];
        return af_json_reader_error(r, err, AF_EPARSE, "expected a string, found %s",
                                    show_byte(c, sb));
    }
    af_buf_reset(out);
    return parse_string(r, out, err);
}

int af_json_reader_array_next(af_json_reader *r, bool *first, af_error *err)
{
    int c = skip_ws(r, false, err);
    if (c < 0)
        return c;
    if (c == ']') {
        r->pos++;
        *first = false;
        return 0;
    }
    if (*first) {
        *first = false;
        return 1;
    }
    if (c != ',')
        return expected_after(r, '[', c, err);
    r->pos++;
    c = skip_ws(r, false, err);
    if (c < 0)
        return c;
    if (c == ']') {
        char sb[16];
        return af_json_reader_error(r, err, AF_EPARSE,
                                    "expected a value after ',' in an array, found %s",
                                    show_byte(c, sb));
    }
    return 1;
}

int af_json_reader_end_line(af_json_reader *r, af_error *err)
{
    int c = skip_ws(r, true, err);
    if (c < 0)
        return c;
    if (c == AF_JSON_EOF)
        return AF_OK;
    if (c == '\n') {
        r->pos++;
        newline(r);
        return AF_OK;
    }
    char sb[16];
    return af_json_reader_error(r, err, AF_EPARSE,
                                "expected the end of the line after a value, found %s",
                                show_byte(c, sb));
}

int af_json_reader_skip_line(af_json_reader *r, af_error *err)
{
    for (;;) {
        uint8_t *p = memchr(r->buf + r->pos, '\n', r->len - r->pos);
        if (p) {
            r->pos = (size_t)(p - r->buf) + 1;
            newline(r);
            return AF_OK;
        }
        r->pos = r->len;
        int rc = refill(r, err);
        if (rc <= 0)
            return rc;
    }
}

void af_json_reader_mark(af_json_reader *r)
{
    r->mark = r->base + (int64_t)r->pos;
}

const char *af_json_reader_raw(const af_json_reader *r, size_t *len)
{
    if (r->mark < 0 || r->mark < r->base) {
        *len = 0;
        return "";
    }
    size_t from = (size_t)(r->mark - r->base);
    *len = r->pos - from;
    return (const char *)r->buf + from;
}

void af_json_reader_unmark(af_json_reader *r)
{
    r->mark = -1;
}

int64_t af_json_reader_value_line(const af_json_reader *r)
{
    return r->value_line;
}

int64_t af_json_reader_line(const af_json_reader *r)
{
    return r->line;
}

int64_t af_json_reader_offset(const af_json_reader *r)
{
    return r->base + (int64_t)r->pos;
}

int af_json_parse(const char *text, size_t len, const char *name, af_json_doc *doc, af_error *err)
{
    af_reader *mem = NULL;
    int rc = af_reader_open_memory(text, len, name, &mem, err);
    if (rc)
        return rc;
    af_json_reader *r = NULL;
    rc = af_json_reader_new(mem, name, NULL, &r, err);
    if (!rc) {
        rc = af_json_reader_value(r, doc, err);
        if (rc == 0)
            rc = af_json_reader_error(r, err, AF_EPARSE, "expected a value, found end of input");
        else if (rc == 1) {
            int c = af_json_reader_peek(r, err);
            char sb[16];
            rc = c < 0 ? c
                 : c == AF_JSON_EOF
                     ? AF_OK
                     : af_json_reader_error(r, err, AF_EPARSE, "unexpected %s after the JSON value",
                                            show_byte(c, sb));
        }
    }
    af_json_reader_free(r);
    af_reader_close(mem);
    return rc;
}
