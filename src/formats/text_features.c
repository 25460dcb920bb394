/* text_features.c - decoding, NFC normalisation and cheap features of text
 * (see text_features.h).
 *
 * Control characters are removed before composition, so a stray control
 * byte between a base letter and its combining accent does not stop them
 * from composing. utf8proc does the Unicode work (composition and general
 * categories); scripts are told by code point blocks, which is all a guess
 * of the writing system needs.
 */
#include "formats/text_features.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int af_text_decode(const uint8_t *p, size_t n, af_text_encoding e, af_buf *out,
                   af_text_encoding *detected, const char *name, af_error *err)
{
    if (e == AF_ENC_AUTO)
        e = af_text_encoding_detect(p, n, NULL);
    if (detected)
        *detected = e;
    return af_text_to_utf8(e, p, n, out, name, err);
}

static bool is_control(utf8proc_int32_t c)
{
    if (c == '\t' || c == '\n')
        return false;
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

int af_text_normalize(const char *s, size_t n, af_buf *out, af_error *err)
{
    size_t valid = af_utf8_valid_prefix((const uint8_t *)s, n);
    if (valid != n)
        return af_error_set(err, AF_EPARSE, "invalid UTF-8 at byte %zu", valid);
    /* fast path: printable ASCII without controls is already NFC */
    bool ascii = true;
    for (size_t i = 0; i < n && ascii; i++) {
        unsigned char c = (unsigned char)s[i];
        ascii = c < 0x80 && !is_control(c);
    }
    if (ascii)
        return af_buf_append(out, s, n) ? af_error_set(err, AF_ENOMEM, "out of memory") : AF_OK;

    af_buf clean;
    af_buf_init(&clean);
    if (af_buf_reserve(&clean, n + 1))
        return af_error_set(err, AF_ENOMEM, "out of memory");
    utf8proc_int32_t max_cp = 0;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp = 0;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { /* cannot happen after validation; stay safe */
            af_buf_free(&clean);
            return af_error_set(err, AF_EPARSE, "invalid UTF-8 at byte %zu", i);
        }
        if (!is_control(cp))
            af_buf_append(&clean, s + i, (size_t)k); /* reserved above */
        if (cp > max_cp)
            max_cp = cp;
        i += (size_t)k;
    }
    int rc = AF_OK;
    if (max_cp < 0x300) {
        /* nothing below U+0300 decomposes or combines (NFC_Quick_Check is
         * Yes for all of it), so Latin-1 and Latin Extended text is NFC */
        if (af_buf_append(out, clean.data, clean.len))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    } else if (clean.len) {
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t m = utf8proc_map(clean.data, (utf8proc_ssize_t)clean.len, &nfc,
                                          UTF8PROC_COMPOSE | UTF8PROC_STABLE);
        if (m < 0)
            rc = af_error_set(err, m == UTF8PROC_ERROR_NOMEM ? AF_ENOMEM : AF_EPARSE,
                              "cannot normalise the text: %s", utf8proc_errmsg(m));
        else if (af_buf_append(out, nfc, (size_t)m))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        free(nfc);
    }
    af_buf_free(&clean);
    return rc;
}

enum script {
    SC_LATIN,
    SC_CYRILLIC,
    SC_GREEK,
    SC_ARABIC,
    SC_HEBREW,
    SC_DEVANAGARI,
    SC_THAI,
    SC_HAN,
    SC_KANA,
    SC_HANGUL,
    SC_OTHER,
    SC__COUNT
};

static const struct {
    utf8proc_int32_t lo, hi;
    enum script sc;
} blocks[] = {
    {0x0041, 0x024F, SC_LATIN},  {0x0370, 0x03FF, SC_GREEK},      {0x0400, 0x052F, SC_CYRILLIC},
    {0x0590, 0x05FF, SC_HEBREW}, {0x0600, 0x06FF, SC_ARABIC},     {0x0750, 0x077F, SC_ARABIC},
    {0x08A0, 0x08FF, SC_ARABIC}, {0x0900, 0x097F, SC_DEVANAGARI}, {0x0E00, 0x0E7F, SC_THAI},
    {0x1100, 0x11FF, SC_HANGUL}, {0x1C80, 0x1C8F, SC_CYRILLIC},   {0x1E00, 0x1EFF, SC_LATIN},
    {0x1F00, 0x1FFF, SC_GREEK},  {0x2C60, 0x2C7F, SC_LATIN},      {0x2DE0, 0x2DFF, SC_CYRILLIC},
    {0x3040, 0x30FF, SC_KANA},   {0x3130, 0x318F, SC_HANGUL},     {0x31F0, 0x31FF, SC_KANA},
    {0x3400, 0x4DBF, SC_HAN},    {0x4E00, 0x9FFF, SC_HAN},        {0xA640, 0xA69F, SC_CYRILLIC},
    {0xA720, 0xA7FF, SC_LATIN},  {0xA8E0, 0xA8FF, SC_DEVANAGARI}, {0xA960, 0xA97F, SC_HANGUL},
    {0xAC00, 0xD7FF, SC_HANGUL}, {0xF900, 0xFAFF, SC_HAN},        {0xFB1D, 0xFB4F, SC_HEBREW},
    {0xFB50, 0xFDFF, SC_ARABIC}, {0xFE70, 0xFEFF, SC_ARABIC},     {0xFF21, 0xFF5A, SC_LATIN},
    {0xFF66, 0xFF9F, SC_KANA},   {0x20000, 0x3134F, SC_HAN},
};

static enum script script_of(utf8proc_int32_t c)
{
    size_t lo = 0, hi = sizeof blocks / sizeof *blocks;
    while (lo < hi) { /* blocks are sorted and disjoint */
        size_t mid = (lo + hi) / 2;
        if (c < blocks[mid].lo)
            hi = mid;
        else if (c > blocks[mid].hi)
            lo = mid + 1;
        else
            return blocks[mid].sc;
    }
    return SC_OTHER;
}

static bool is_letter(utf8proc_category_t cat)
{
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static bool is_word_char(utf8proc_category_t cat)
{
    return is_letter(cat) || cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL ||
           cat == UTF8PROC_CATEGORY_NO;
}

static bool is_mark(utf8proc_category_t cat)
{
    return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
           cat == UTF8PROC_CATEGORY_ME;
}

/* One pass over the text: code points, words and letters per script. */
static void scan(const char *s, size_t n, int64_t *length, int64_t *words, int64_t counts[])
{
    bool in_word = false;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) { /* ASCII without a table lookup: most text is mostly ASCII */
            bool alpha = (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
            bool word = alpha || (b >= '0' && b <= '9');
            if (word && !in_word)
                (*words)++;
            in_word = word;
            counts[SC_LATIN] += alpha;
            (*length)++;
            i++;
            continue;
        }
        utf8proc_int32_t cp = 0;
        utf8proc_ssize_t k =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { /* invalid byte: skip it, it ends a word */
            i++;
            in_word = false;
            continue;
        }
        i += (size_t)k;
        (*length)++;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (is_word_char(cat)) {
            if (!in_word)
                (*words)++;
            in_word = true;
            if (is_letter(cat))
                counts[script_of(cp)]++;
        } else if (!(in_word && is_mark(cat))) {
            in_word = false; /* a combining mark continues the word it follows */
        }
    }
}

static const char *guess(int64_t counts[])
{
    static const char *const names[SC__COUNT] = {
        [SC_LATIN] = "latin",   [SC_CYRILLIC] = "cyrillic", [SC_GREEK] = "greek",
        [SC_ARABIC] = "arabic", [SC_HEBREW] = "hebrew",     [SC_DEVANAGARI] = "devanagari",
        [SC_THAI] = "thai",     [SC_HAN] = "cjk",           [SC_KANA] = "ja",
        [SC_HANGUL] = "ko",     [SC_OTHER] = "unknown",
    };
    int64_t total = 0;
    for (int i = 0; i < SC__COUNT; i++)
        total += counts[i];
    if (total == 0)
        return "unknown";
    /* Japanese mixes kana and kanji: any kana makes the Han letters Japanese */
    if (counts[SC_KANA] > 0) {
        counts[SC_KANA] += counts[SC_HAN];
        counts[SC_HAN] = 0;
    }
    int best = 0;
    for (int i = 1; i < SC__COUNT; i++)
        if (counts[i] > counts[best])
            best = i;
    if (best == SC_OTHER || counts[best] * 10 < total * 6)
        return "unknown";
    return names[best];
}

void af_text_features_compute(const char *s, size_t n, af_text_features *f)
{
    int64_t counts[SC__COUNT] = {0};
    f->length = 0;
    f->word_count = 0;
    scan(s, n, &f->length, &f->word_count, counts);
    f->language = guess(counts);
}

const char *af_text_script_guess(const char *s, size_t n)
{
    af_text_features f;
    af_text_features_compute(s, n, &f);
    return f.language;
}
