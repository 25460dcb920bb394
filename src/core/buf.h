/* buf.h - growable byte buffers and small string helpers.
 *
 * af_buf is the one growable buffer of the project: column buffers, line
 * buffers and JSON output all use it. Growth is geometric; every append
 * checks for size overflow and reports AF_ENOMEM instead of wrapping.
 */
#ifndef AF_BUF_H
#define AF_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct af_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
} af_buf;

void af_buf_init(af_buf *b);
void af_buf_free(af_buf *b);
/* Keeps capacity, forgets content. */
void af_buf_reset(af_buf *b);
/* Ensures room for `extra` more bytes; 0 or AF_ENOMEM. */
int af_buf_reserve(af_buf *b, size_t extra);
int af_buf_append(af_buf *b, const void *p, size_t n);
int af_buf_append_byte(af_buf *b, uint8_t c);
int af_buf_append_str(af_buf *b, const char *s);
int af_buf_printf(af_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int af_buf_vprintf(af_buf *b, const char *fmt, va_list ap);
/* Appends n zero bytes. */
int af_buf_append_zeros(af_buf *b, size_t n);
/* Makes data NUL-terminated without counting the NUL in len; returns data as char*. */
const char *af_buf_cstr(af_buf *b);
/* Appends s as a JSON string literal with quotes and escapes (control
 * characters as \u00XX; invalid UTF-8 bytes as \ufffd so output stays valid). */
int af_buf_append_json_string(af_buf *b, const char *s, size_t n);

/* Appends v in decimal (no printf: this is on the export hot path). */
int af_buf_append_int(af_buf *b, int64_t v);
/* Appends p[0..n) as standard base64 with padding. */
int af_buf_append_base64(af_buf *b, const void *p, size_t n);

/* A list of owned strings. */
typedef struct af_strlist {
    char **items;
    size_t len;
    size_t cap;
} af_strlist;

int af_strlist_push(af_strlist *l, const char *s);
void af_strlist_free(af_strlist *l);
/* Index of s in l, or -1. */
long af_strlist_find(const af_strlist *l, const char *s);

/* strdup that reports failure through NULL (like strdup) but accepts NULL input. */
char *af_strdup(const char *s);
char *af_strndup(const char *s, size_t n);
/* Bounded copy that always terminates; returns strlen(src) like strlcpy. */
size_t af_strlcpy(char *dst, const char *src, size_t size);

#endif
