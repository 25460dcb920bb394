/* buf.c - growable buffers, string lists and JSON string escaping. */
#include "core/buf.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void af_buf_init(af_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void af_buf_free(af_buf *b)
{
    free(b->data);
    af_buf_init(b);
}

void af_buf_reset(af_buf *b)
{
    b->len = 0;
}

int af_buf_reserve(af_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return AF_ENOMEM;
    size_t need = b->len + extra + 1; /* +1 keeps room for af_buf_cstr's NUL */
    if (need <= b->cap)
        return AF_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return AF_ENOMEM;
    b->data = p;
    b->cap = cap;
    return AF_OK;
}

int af_buf_append(af_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return AF_OK;
    int rc = af_buf_reserve(b, n);
    if (rc)
        return rc;
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return AF_OK;
}

int af_buf_append_byte(af_buf *b, uint8_t c)
{
    if (b->len + 1 >= b->cap) {
        int rc = af_buf_reserve(b, 1);
        if (rc)
            return rc;
    }
    b->data[b->len++] = c;
    return AF_OK;
}

int af_buf_append_str(af_buf *b, const char *s)
{
    return af_buf_append(b, s, strlen(s));
}

int af_buf_vprintf(af_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return AF_EINVAL;
    int rc = af_buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return AF_OK;
}

int af_buf_printf(af_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = af_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int af_buf_append_zeros(af_buf *b, size_t n)
{
    int rc = af_buf_reserve(b, n);
    if (rc)
        return rc;
    memset(b->data + b->len, 0, n);
    b->len += n;
    return AF_OK;
}

const char *af_buf_cstr(af_buf *b)
{
    if (af_buf_reserve(b, 0))
        return NULL;
    b->data[b->len] = '\0';
    return (const char *)b->data;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t utf8_seq_len(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    /* reject overlong forms, surrogates and values past U+10FFFF */
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return len;
}

int af_buf_append_json_string(af_buf *b, const char *s, size_t n)
{
    const uint8_t *p = (const uint8_t *)s;
    int rc = af_buf_append_byte(b, '"');
    size_t i = 0;
    while (!rc && i < n) {
        uint8_t c = p[i];
        if (c == '"' || c == '\\') {
            rc = af_buf_append_byte(b, '\\');
            if (!rc)
                rc = af_buf_append_byte(b, c);
            i++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': rc = af_buf_append(b, "\\n", 2); break;
            case '\r': rc = af_buf_append(b, "\\r", 2); break;
            case '\t': rc = af_buf_append(b, "\\t", 2); break;
            default: rc = af_buf_printf(b, "\\u%04x", c); break;
            }
            i++;
        } else if (c < 0x80) {
            rc = af_buf_append_byte(b, c);
            i++;
        } else {
            size_t len = utf8_seq_len(p + i, n - i);
            if (len == 0) {
                rc = af_buf_append(b, "\\ufffd", 6);
                i++;
            } else {
                rc = af_buf_append(b, p + i, len);
                i += len;
            }
        }
    }
    if (!rc)
        rc = af_buf_append_byte(b, '"');
    return rc;
}

int af_buf_append_int(af_buf *b, int64_t v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--n] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag);
    if (v < 0)
        tmp[--n] = '-';
    return af_buf_append(b, tmp + n, sizeof tmp - n);
}

int af_buf_append_base64(af_buf *out, const void *data, size_t n)
{
    const uint8_t *p = data;
    static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int rc = af_buf_reserve(out, (n + 2) / 3 * 4);
    for (size_t i = 0; !rc && i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out->data[out->len++] = (uint8_t)T[(v >> 18) & 63];
        out->data[out->len++] = (uint8_t)T[(v >> 12) & 63];
        out->data[out->len++] = (uint8_t)(i + 1 < n ? T[(v >> 6) & 63] : '=');
        out->data[out->len++] = (uint8_t)(i + 2 < n ? T[v & 63] : '=');
    }
    return rc;
}

int af_strlist_push(af_strlist *l, const char *s)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **p = realloc(l->items, cap * sizeof *p);
        if (!p)
            return AF_ENOMEM;
        l->items = p;
        l->cap = cap;
    }
    char *d = af_strdup(s);
    if (!d)
        return AF_ENOMEM;
    l->items[l->len++] = d;
    return AF_OK;
}

void af_strlist_free(af_strlist *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = l->cap = 0;
}

long af_strlist_find(const af_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i], s) == 0)
            return (long)i;
    return -1;
}

char *af_strdup(const char *s)
{
    if (!s)
        return NULL;
    return af_strndup(s, strlen(s));
}

char *af_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

size_t af_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(dst, src, c);
        dst[c] = '\0';
    }
    return n;
}
