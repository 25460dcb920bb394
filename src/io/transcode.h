/* transcode.h - text encodings: detection, UTF-8 validation, and a reader
 * layer that turns UTF-16 and Latin-1/Windows-1252 into UTF-8.
 *
 * Everything past this layer is UTF-8: formats (CSV, JSON, text) never deal
 * with other encodings. Detection looks at a byte order mark first (UTF-8,
 * UTF-16 LE/BE), then at a sample: valid UTF-8 stays UTF-8 (ASCII is UTF-8);
 * otherwise bytes 0x80-0x9F that Windows-1252 maps to printable characters
 * mean Windows-1252, and Latin-1 is the rest. A BOM is removed.
 */
#ifndef AF_TRANSCODE_H
#define AF_TRANSCODE_H

#include "core/buf.h"
#include "core/error.h"
#include "io/reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The order matches the `encoding` enum option of the file sources. */
typedef enum af_text_encoding {
    AF_ENC_AUTO = 0,
    AF_ENC_UTF8,
    AF_ENC_UTF16LE,
    AF_ENC_UTF16BE,
    AF_ENC_LATIN1,
    AF_ENC_CP1252,
} af_text_encoding;

#define AF_TEXT_ENCODING_CHOICES "auto|utf-8|utf-16le|utf-16be|latin-1|windows-1252"

/* "auto", "utf-8", "utf-16le", "utf-16be", "latin-1", "windows-1252". */
const char *af_text_encoding_name(af_text_encoding e);
/* Accepts the names above and common aliases (utf8, iso-8859-1, cp1252,
 * ...), case-insensitively; AF_EINVAL otherwise. */
int af_text_encoding_parse(const char *s, af_text_encoding *out, af_error *err);

/* The encoding of a whole text and the length of its byte order mark (0
 * without one). */
af_text_encoding af_text_encoding_detect(const uint8_t *p, size_t n, size_t *bom_len);
/* The same for the head of a longer stream: a UTF-8 sequence cut at the
 * end of the sample still counts as UTF-8. */
af_text_encoding af_text_encoding_detect_head(const uint8_t *p, size_t n, size_t *bom_len);

/* Length of the valid UTF-8 prefix of p: n when all of it is valid, else the
 * offset of the first byte of the first invalid sequence (overlong forms,
 * surrogates and code points above U+10FFFF are invalid). */
size_t af_utf8_valid_prefix(const uint8_t *p, size_t n);

/* Converts a whole buffer to UTF-8, appending to out (a BOM is dropped).
 * Invalid input (an odd UTF-16 byte count, a lone surrogate) is AF_EPARSE
 * naming `name` and the byte offset. UTF-8 input is validated, not changed. */
int af_text_to_utf8(af_text_encoding e, const uint8_t *p, size_t n, af_buf *out, const char *name,
                    af_error *err);

/* Stacks a decoding reader on inner (taking ownership; closed with *out or
 * at once on failure). AUTO detects from the first 64 KiB. UTF-8 input is
 * passed through without its BOM and without validation (validation is the
 * format's job, per value, so a bad row can be quarantined with its line);
 * other encodings are converted. *detected (may be NULL) receives the
 * encoding in use. */
int af_reader_open_transcode(af_reader *inner, af_text_encoding e, af_reader **out,
                             af_text_encoding *detected, af_error *err);

#endif
