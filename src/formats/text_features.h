/* text_features.h - cheap features of a piece of natural-language text
 * (a review, a message): decoding to UTF-8, NFC normalisation with control
 * characters removed, length in code points, word count and a guess of the
 * writing system.
 *
 * The language guess is a *script* guess: it counts letters per Unicode
 * script and names the dominant one ("latin", "cyrillic", "cjk", "ja",
 * "ko", ...). It cannot tell English from French; it is a cheap column to
 * route or filter text, not a language model.
 */
#ifndef AF_TEXT_FEATURES_H
#define AF_TEXT_FEATURES_H

#include "core/buf.h"
#include "core/error.h"
#include "io/transcode.h"

#include <stddef.h>
#include <stdint.h>

typedef struct af_text_features {
    int64_t length;       /* code points of the normalised text */
    int64_t word_count;   /* runs of letters/digits (marks continue a run) */
    const char *language; /* static: see af_text_script_guess */
} af_text_features;

/* Decodes one document's raw bytes into UTF-8, appending to out. `e` AUTO
 * detects (BOM, UTF-16 heuristics, UTF-8, else Windows-1252/Latin-1, see
 * transcode.h); *detected receives the encoding read. Invalid input (bad
 * UTF-8 under a forced utf-8, odd UTF-16) is AF_EPARSE naming `name` and the
 * byte offset. */
int af_text_decode(const uint8_t *p, size_t n, af_text_encoding e, af_buf *out,
                   af_text_encoding *detected, const char *name, af_error *err);

/* Normalises UTF-8 text to NFC and removes control characters (C0 and C1,
 * DEL and NUL; tab and line feed stay), appending to out. Invalid UTF-8 is
 * AF_EPARSE with "invalid UTF-8 at byte N" (N relative to s); nothing is
 * appended then. */
int af_text_normalize(const char *s, size_t n, af_buf *out, af_error *err);

/* Features of text that is already valid, normalised UTF-8. */
void af_text_features_compute(const char *s, size_t n, af_text_features *f);

/* "latin", "cyrillic", "greek", "arabic", "hebrew", "devanagari", "thai",
 * "cjk" (Han without kana), "ja" (kana, with or without Han), "ko"
 * (Hangul), or "unknown" when no script holds at least 60% of the letters
 * or there are no letters. Invalid UTF-8 bytes are skipped. */
const char *af_text_script_guess(const char *s, size_t n);

#endif
