/* transcode.c - encoding detection, UTF-8 validation, and conversion of
 * UTF-16 and Latin-1/Windows-1252 text to UTF-8 (see transcode.h).
 *
 * The reader layer converts in chunks: a UTF-16 code unit or surrogate pair
 * split across two reads is carried over, so the output never depends on
 * where the input was cut.
 */
#include "io/transcode.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SNIFF_BYTES 65536
#define CHUNK_BYTES 65536

static const char *const names[] = {"auto",     "utf-8",   "utf-16le",
                                    "utf-16be", "latin-1", "windows-1252"};

const char *af_text_encoding_name(af_text_encoding e)
{
    return (unsigned)e < sizeof names / sizeof *names ? names[e] : "?";
}

int af_text_encoding_parse(const char *s, af_text_encoding *out, af_error *err)
{
    static const struct {
        const char *alias;
        af_text_encoding e;
    } aliases[] = {
        {"auto", AF_ENC_AUTO},        {"utf-8", AF_ENC_UTF8},
        {"utf8", AF_ENC_UTF8},        {"utf-16le", AF_ENC_UTF16LE},
        {"utf16le", AF_ENC_UTF16LE},  {"utf-16be", AF_ENC_UTF16BE},
        {"utf16be", AF_ENC_UTF16BE},  {"latin-1", AF_ENC_LATIN1},
        {"latin1", AF_ENC_LATIN1},    {"iso-8859-1", AF_ENC_LATIN1},
        {"iso8859-1", AF_ENC_LATIN1}, {"windows-1252", AF_ENC_CP1252},
        {"cp1252", AF_ENC_CP1252},    {"win1252", AF_ENC_CP1252},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (strcasecmp(s, aliases[i].alias) == 0) {
            *out = aliases[i].e;
            return AF_OK;
        }
    return af_error_set(err, AF_EINVAL, "unknown text encoding '%s' (expected one of %s)", s,
                        AF_TEXT_ENCODING_CHOICES);
}

/* Length of the UTF-8 sequence a lead byte starts (0 if it cannot start one)
 * and whether p[0..len) is a valid, shortest-form sequence. */
static size_t utf8_seq_ok(const uint8_t *p, size_t avail, bool *truncated)
{
    uint8_t c = p[0];
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else
        return 0;
    for (size_t i = 1; i < len; i++) {
        if (i >= avail) {
            *truncated = true;
            return 0;
        }
        uint8_t b = p[i];
        if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
            return 0;
    }
    return len;
}

size_t af_utf8_valid_prefix(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII runs are the common case: test 8 bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        bool truncated = false;
        size_t k = utf8_seq_ok(p + i, n - i, &truncated);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

/* Windows-1252 code points for bytes 0x80..0x9F; 0 where the byte is unused
 * (those five stay C1 controls, as in Latin-1). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

/* UTF-16 without a BOM: text that is mostly ASCII has a zero in every other
 * byte. Requiring most code units to look like that keeps binary data and
 * ordinary 8-bit text out. */
static af_text_encoding guess_utf16(const uint8_t *p, size_t n)
{
    size_t pairs = n / 2, zero_hi_le = 0, zero_hi_be = 0;
    if (pairs < 4)
        return AF_ENC_AUTO;
    for (size_t i = 0; i + 1 < n; i += 2) {
        if (p[i] != 0 && p[i + 1] == 0)
            zero_hi_le++;
        else if (p[i] == 0 && p[i + 1] != 0)
            zero_hi_be++;
    }
    if (zero_hi_le * 10 >= pairs * 7)
        return AF_ENC_UTF16LE;
    if (zero_hi_be * 10 >= pairs * 7)
        return AF_ENC_UTF16BE;
    return AF_ENC_AUTO;
}

/* `cut`: p is the head of a longer stream, so a sequence cut at its end is
 * no evidence against UTF-8. */
static af_text_encoding detect(const uint8_t *p, size_t n, bool cut, size_t *bom_len)
{
    size_t bom = 0;
    af_text_encoding e = AF_ENC_AUTO;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        bom = 3;
        e = AF_ENC_UTF8;
    } else if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        bom = 2;
        e = AF_ENC_UTF16LE;
    } else if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        bom = 2;
        e = AF_ENC_UTF16BE;
    }
    if (bom_len)
        *bom_len = bom;
    if (e != AF_ENC_AUTO)
        return e;
    e = guess_utf16(p, n);
    if (e != AF_ENC_AUTO)
        return e;
    size_t valid = af_utf8_valid_prefix(p, n);
    if (valid == n)
        return AF_ENC_UTF8;
    /* a sample cut inside the last sequence is still UTF-8 */
    bool truncated = false;
    if (cut && utf8_seq_ok(p + valid, n - valid, &truncated) == 0 && truncated)
        return AF_ENC_UTF8;
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0x80 && p[i] <= 0x9F && cp1252_high[p[i] - 0x80])
            return AF_ENC_CP1252;
    return AF_ENC_LATIN1;
}

af_text_encoding af_text_encoding_detect(const uint8_t *p, size_t n, size_t *bom_len)
{
    return detect(p, n, false, bom_len);
}

af_text_encoding af_text_encoding_detect_head(const uint8_t *p, size_t n, size_t *bom_len)
{
    return detect(p, n, true, bom_len);
}

static void put_utf8(uint32_t cp, uint8_t *out, size_t *pos)
{
    size_t k = *pos;
    if (cp < 0x80) {
        out[k++] = (uint8_t)cp;
    } else if (cp < 0x800) {
        out[k++] = (uint8_t)(0xC0 | (cp >> 6));
        out[k++] = (uint8_t)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out[k++] = (uint8_t)(0xE0 | (cp >> 12));
        out[k++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[k++] = (uint8_t)(0x80 | (cp & 0x3F));
    } else {
        out[k++] = (uint8_t)(0xF0 | (cp >> 18));
        out[k++] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        out[k++] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[k++] = (uint8_t)(0x80 | (cp & 0x3F));
    }
    *pos = k;
}

/* Converts 8-bit text; out must hold 3 bytes per input byte. */
static size_t single_byte_to_utf8(af_text_encoding e, const uint8_t *in, size_t n, uint8_t *out)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = in[i];
        if (cp >= 0x80 && cp <= 0x9F && e == AF_ENC_CP1252 && cp1252_high[cp - 0x80])
            cp = cp1252_high[cp - 0x80];
        put_utf8(cp, out, &pos);
    }
    return pos;
}

/* The state of a UTF-16 conversion across chunks. */
typedef struct utf16_state {
    bool big_endian;
    uint8_t carry[3]; /* an odd byte, or a high surrogate waiting for its pair */
    size_t n_carry;
    int64_t offset; /* input bytes converted so far (for messages) */
} utf16_state;

/* Converts as much of in as forms whole code points; the rest is carried.
 * out must hold 2 bytes per input byte + 4. Returns the bytes written, or
 * a negative code on a lone surrogate. */
static ssize_t utf16_to_utf8(utf16_state *st, const uint8_t *in, size_t n, uint8_t *out,
                             const char *name, af_error *err)
{
    size_t pos = 0, i = 0;
    uint8_t unit[4];
    for (;;) {
        /* gather 2 bytes (or 4 for a surrogate pair) from carry + input */
        size_t have = st->n_carry;
        memcpy(unit, st->carry, have);
        while (have < 2 && i < n)
            unit[have++] = in[i++];
        if (have < 2) {
            memcpy(st->carry, unit, have);
            st->n_carry = have;
            return (ssize_t)pos;
        }
        uint32_t u = st->big_endian ? (uint32_t)(unit[0] << 8 | unit[1])
                                    : (uint32_t)(unit[1] << 8 | unit[0]);
        if (u >= 0xD800 && u <= 0xDBFF) {
            while (have < 4 && i < n)
                unit[have++] = in[i++];
            if (have < 4) {
                memcpy(st->carry, unit, have);
                st->n_carry = have;
                return (ssize_t)pos;
            }
            uint32_t lo = st->big_endian ? (uint32_t)(unit[2] << 8 | unit[3])
                                         : (uint32_t)(unit[3] << 8 | unit[2]);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return af_error_set(err, AF_EPARSE,
                                    "%s: invalid UTF-16 at byte %lld: a high surrogate is not "
                                    "followed by a low one",
                                    name, (long long)st->offset);
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            return af_error_set(err, AF_EPARSE,
                                "%s: invalid UTF-16 at byte %lld: a lone low surrogate", name,
                                (long long)st->offset);
        }
        st->n_carry = 0;
        st->offset += u >= 0x10000 ? 4 : 2;
        put_utf8(u, out, &pos);
    }
}

int af_text_to_utf8(af_text_encoding e, const uint8_t *p, size_t n, af_buf *out, const char *name,
                    af_error *err)
{
    size_t bom = 0;
    if (e == AF_ENC_AUTO)
        e = af_text_encoding_detect(p, n, &bom);
    else if (e == AF_ENC_UTF8 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        bom = 3;
    else if ((e == AF_ENC_UTF16LE && n >= 2 && p[0] == 0xFF && p[1] == 0xFE) ||
             (e == AF_ENC_UTF16BE && n >= 2 && p[0] == 0xFE && p[1] == 0xFF))
        bom = 2;
    p += bom;
    n -= bom;
    if (e == AF_ENC_UTF8) {
        size_t valid = af_utf8_valid_prefix(p, n);
        if (valid != n)
            return af_error_set(err, AF_EPARSE, "%s: invalid UTF-8 at byte %zu", name, valid + bom);
        return af_buf_append(out, p, n) ? af_error_set(err, AF_ENOMEM, "out of memory") : AF_OK;
    }
    if (af_buf_reserve(out, 3 * n + 8))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    uint8_t *dst = (uint8_t *)out->data + out->len;
    if (e == AF_ENC_LATIN1 || e == AF_ENC_CP1252) {
        out->len += single_byte_to_utf8(e, p, n, dst);
        return AF_OK;
    }
    utf16_state st = {.big_endian = e == AF_ENC_UTF16BE, .offset = (int64_t)bom};
    ssize_t k = utf16_to_utf8(&st, p, n, dst, name, err);
    if (k < 0)
        return (int)k;
    if (st.n_carry)
        return af_error_set(err, AF_EPARSE, "%s: invalid UTF-16 at byte %lld: the text ends %s",
                            name, (long long)st.offset,
                            st.n_carry == 1 ? "in the middle of a code unit"
                                            : "after a high surrogate");
    out->len += (size_t)k;
    return AF_OK;
}

/* ---- the reader layer ---- */

typedef struct transcode_priv {
    af_reader *inner;
    af_text_encoding enc;
    utf16_state u16;
    uint8_t *in;  /* raw chunk */
    uint8_t *out; /* converted bytes waiting to be delivered */
    size_t out_len, out_pos;
    bool eof;
} transcode_priv;

static ssize_t transcode_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    transcode_priv *t = r->priv;
    while (t->out_pos == t->out_len && !t->eof) {
        ssize_t got = af_reader_read(t->inner, t->in, CHUNK_BYTES, err);
        if (got < 0)
            return got;
        t->out_pos = t->out_len = 0;
        if (got == 0) {
            t->eof = true;
            if (t->u16.n_carry)
                return af_error_set(err, AF_EPARSE,
                                    "%s: invalid UTF-16 at byte %lld: the text ends %s", r->name,
                                    (long long)t->u16.offset,
                                    t->u16.n_carry == 1 ? "in the middle of a code unit"
                                                        : "after a high surrogate");
            break;
        }
        if (t->enc == AF_ENC_LATIN1 || t->enc == AF_ENC_CP1252) {
            t->out_len = single_byte_to_utf8(t->enc, t->in, (size_t)got, t->out);
        } else {
            ssize_t k = utf16_to_utf8(&t->u16, t->in, (size_t)got, t->out, r->name, err);
            if (k < 0)
                return k;
            t->out_len = (size_t)k;
        }
    }
    size_t k = t->out_len - t->out_pos;
    if (k > n)
        k = n;
    if (k)
        memcpy(buf, t->out + t->out_pos, k);
    t->out_pos += k;
    r->offset += (int64_t)k;
    return (ssize_t)k;
}

static void transcode_close(af_reader *r)
{
    transcode_priv *t = r->priv;
    af_reader_close(t->inner);
    free(t->in);
    free(t->out);
    free(t);
    free(r);
}

int af_reader_open_transcode(af_reader *inner, af_text_encoding e, af_reader **out,
                             af_text_encoding *detected, af_error *err)
{
    af_reader *peek = NULL;
    int rc = af_reader_open_peek(inner, SNIFF_BYTES, &peek, err); /* owns inner */
    if (rc)
        return rc;
    size_t head_len = 0, bom = 0;
    const uint8_t *head = af_reader_peeked(peek, &head_len);
    /* the head may be cut anywhere (a short read from a pipe stops it early) */
    af_text_encoding found = af_text_encoding_detect_head(head, head_len, &bom);
    if (e == AF_ENC_AUTO)
        e = found;
    else if (found != e && !((e == AF_ENC_UTF8 && found == AF_ENC_UTF8) ||
                             ((e == AF_ENC_UTF16LE || e == AF_ENC_UTF16BE) && found == e)))
        bom = 0; /* a declared encoding wins; only its own BOM is dropped */
    if (e == AF_ENC_UTF8 && bom != 3)
        bom = 0;
    if (detected)
        *detected = e;
    uint8_t skipped[3];
    ssize_t k = bom ? af_reader_read_full(peek, skipped, bom, err) : 0; /* already buffered */
    if (k < 0) {
        af_reader_close(peek);
        return (int)k;
    }
    if (e == AF_ENC_UTF8) {
        *out = peek;
        return AF_OK;
    }
    af_reader *r = calloc(1, sizeof *r);
    transcode_priv *t = calloc(1, sizeof *t);
    uint8_t *in = malloc(CHUNK_BYTES);
    uint8_t *o = malloc(3 * CHUNK_BYTES + 8);
    if (!r || !t || !in || !o) {
        free(r);
        free(t);
        free(in);
        free(o);
        af_reader_close(peek);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    t->inner = peek;
    t->enc = e;
    t->u16.big_endian = e == AF_ENC_UTF16BE;
    t->u16.offset = (int64_t)bom;
    t->in = in;
    t->out = o;
    r->read = transcode_read;
    r->close = transcode_close;
    r->name = peek->name;
    r->size = -1;
    r->priv = t;
    *out = r;
    return AF_OK;
}
