/* redact.c - masks secrets in text before it reaches a log line, an error
 * message or the catalog.
 *
 * One forward scan over the input. At each position we look for (a) a
 * registered literal secret and (b) a pattern (URL password, key=value
 * secret, Authorization header). Each hit yields a byte interval to mask;
 * intervals arrive in non-decreasing start order, so they are merged on the
 * fly and the output is written lazily: verbatim bytes up to the interval,
 * then "***". No allocation except growing the output buffer.
 *
 * The logger redacts finished JSON lines too, so the scanner understands
 * JSON escapes: a mask never splits an escape sequence (which would make the
 * line invalid JSON) and escaped quotes (\") delimit values like quotes do.
 */
#include "security/redact.h"

#include "core/error.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MASK "***"
#define MIN_SECRET_LEN 4

/* ---- registry of literal secrets ---- */

/* A read-write lock rather than a plain mutex: every log line reads the
 * registry, registration is rare, and readers must not serialize. */
static pthread_rwlock_t g_lock = PTHREAD_RWLOCK_INITIALIZER;
static char **g_secrets; /* sorted by length, longest first */
static size_t *g_lens;
static size_t g_n, g_cap;
/* Bit set of the first two bytes of every secret: most positions of a line
 * are rejected with one bit test (secrets are at least 4 bytes long). */
static uint8_t g_sec_bigram[65536 / 8];

static inline unsigned bigram_at(const char *in, size_t i)
{
    return ((unsigned)(uint8_t)in[i] << 8) | (uint8_t)in[i + 1];
}

static inline bool bit_test(const uint8_t *set, unsigned b)
{
    return (set[b >> 3] >> (b & 7)) & 1;
}

static inline void bit_set(uint8_t *set, unsigned b)
{
    set[b >> 3] |= (uint8_t)(1u << (b & 7));
}

/* Caller holds the write lock. Keeps the list sorted longest first so that a
 * secret containing another one is masked as a whole, not in pieces. */
static int registry_add(const char *s, size_t len)
{
    for (size_t i = 0; i < g_n; i++)
        if (g_lens[i] == len && memcmp(g_secrets[i], s, len) == 0)
            return AF_OK;
    if (g_n == g_cap) {
        size_t cap = g_cap ? g_cap * 2 : 8;
        char **ns = realloc(g_secrets, cap * sizeof *ns);
        if (!ns)
            return AF_ENOMEM;
        g_secrets = ns;
        size_t *nl = realloc(g_lens, cap * sizeof *nl);
        if (!nl)
            return AF_ENOMEM;
        g_lens = nl;
        g_cap = cap;
    }
    char *copy = af_strndup(s, len);
    if (!copy)
        return AF_ENOMEM;
    size_t pos = 0;
    while (pos < g_n && g_lens[pos] >= len)
        pos++;
    memmove(g_secrets + pos + 1, g_secrets + pos, (g_n - pos) * sizeof *g_secrets);
    memmove(g_lens + pos + 1, g_lens + pos, (g_n - pos) * sizeof *g_lens);
    g_secrets[pos] = copy;
    g_lens[pos] = len;
    g_n++;
    bit_set(g_sec_bigram, bigram_at(s, 0));
    return AF_OK;
}

static bool url_unreserved(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int af_redact_register(const char *secret)
{
    if (!secret)
        return AF_EINVAL;
    size_t len = strlen(secret);
    /* Masking very short values would mangle ordinary text ("abc" everywhere)
     * without protecting much; they are accepted and ignored. */
    if (len < MIN_SECRET_LEN)
        return AF_OK;

    /* The same secret also travels percent-encoded in URLs and JSON-escaped in
     * JSON log lines; register those spellings too when they differ. */
    af_buf pct, js;
    af_buf_init(&pct);
    af_buf_init(&js);
    int rc = AF_OK;
    bool pct_differs = false;
    for (size_t i = 0; i < len && !rc; i++) {
        uint8_t c = (uint8_t)secret[i];
        if (url_unreserved(c)) {
            rc = af_buf_append_byte(&pct, c);
        } else {
            pct_differs = true;
            rc = af_buf_printf(&pct, "%%%02X", c);
        }
    }
    if (!rc)
        rc = af_buf_append_json_string(&js, secret, len);

    pthread_rwlock_wrlock(&g_lock);
    if (!rc)
        rc = registry_add(secret, len);
    if (!rc && pct_differs)
        rc = registry_add((const char *)pct.data, pct.len);
    /* js holds the quoted literal; compare its inside with the raw secret. */
    if (!rc && js.len >= 2 && (js.len - 2 != len || memcmp(js.data + 1, secret, len) != 0))
        rc = registry_add((const char *)js.data + 1, js.len - 2);
    pthread_rwlock_unlock(&g_lock);

    af_buf_free(&pct);
    af_buf_free(&js);
    return rc;
}

void af_redact_clear(void)
{
    pthread_rwlock_wrlock(&g_lock);
    for (size_t i = 0; i < g_n; i++)
        free(g_secrets[i]);
    free(g_secrets);
    free(g_lens);
    g_secrets = NULL;
    g_lens = NULL;
    g_n = g_cap = 0;
    memset(g_sec_bigram, 0, sizeof g_sec_bigram);
    pthread_rwlock_unlock(&g_lock);
}

/* ---- lazy output with merged mask intervals ---- */

typedef struct emitter {
    const char *in;
    size_t n;
    af_buf *out;
    size_t emitted; /* input consumed into out (copied or masked) */
    size_t ms, me;  /* current pending mask [ms, me) */
    bool have;
    bool quoted; /* the pending mask replaces a bare JSON literal: write "***" */
    int rc;
} emitter;

/* True if in[k] is a backslash that starts an escape sequence (preceded by an
 * even number of backslashes). */
static bool esc_start(const char *in, size_t k)
{
    if (in[k] != '\\')
        return false;
    size_t c = 0;
    while (c < k && in[k - 1 - c] == '\\')
        c++;
    return c % 2 == 0;
}

/* The escape sequence (if any) that contains byte `pos`, as [*es, *ee). */
static bool escape_around(const char *in, size_t n, size_t pos, size_t *es, size_t *ee)
{
    size_t lo = pos >= 5 ? pos - 5 : 0;
    for (size_t k = pos + 1; k-- > lo;) {
        if (in[k] != '\\')
            continue;
        size_t s = esc_start(in, k) ? k : k - 1; /* k >= 1 when not a start */
        size_t len = (s + 1 < n && in[s + 1] == 'u') ? 6 : 2;
        size_t e = s + len < n ? s + len : n;
        if (s <= pos && pos < e) {
            *es = s;
            *ee = e;
            return true;
        }
        return false;
    }
    return false;
}

static void flush_mask(emitter *em)
{
    if (!em->rc)
        em->rc = af_buf_append(em->out, em->in + em->emitted, em->ms - em->emitted);
    if (!em->rc && em->quoted)
        em->rc = af_buf_append(em->out, "\"" MASK "\"", sizeof MASK + 1);
    else if (!em->rc)
        em->rc = af_buf_append(em->out, MASK, sizeof MASK - 1);
    em->emitted = em->me;
    em->quoted = false;
    em->have = false;
}

static void add_mask(emitter *em, size_t s, size_t e, bool quoted)
{
    if (e <= s)
        return;
    size_t es, ee;
    /* Never cut an escape sequence in half: widen to cover it. */
    if (escape_around(em->in, em->n, s, &es, &ee))
        s = es;
    if (escape_around(em->in, em->n, e - 1, &es, &ee) && ee > e)
        e = ee;
    if (s < em->emitted)
        s = em->emitted;
    if (e <= s)
        return;
    if (em->have && s <= em->me) {
        if (s < em->ms)
            em->ms = s;
        if (e > em->me)
            em->me = e;
        em->quoted |= quoted;
        return;
    }
    if (em->have)
        flush_mask(em);
    em->ms = s;
    em->me = e;
    em->have = true;
    em->quoted = quoted;
}

/* ---- pattern matching helpers ---- */

static uint8_t lc(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

static bool is_alnum(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Case-insensitive prefix match of the lowercase word w at in[i..n). */
static bool match_word(const char *in, size_t n, size_t i, const char *w, size_t wl)
{
    if (n - i < wl)
        return false;
    for (size_t k = 0; k < wl; k++)
        if (lc((uint8_t)in[i + k]) != (uint8_t)w[k])
            return false;
    return true;
}

typedef enum { VAL_PARAM, VAL_SEMI, VAL_AUTH } val_rule;

typedef struct keyword {
    const char *w;
    size_t len;
    val_rule rule;
    bool whole; /* must not be the tail of a longer name (key= but not monkey=) */
} keyword;

#define KW(s, r, b)                                                                                \
    {                                                                                              \
        s, sizeof s - 1, r, b                                                                      \
    }
/* Longer names first where one is a prefix of another at the same position. */
static const keyword g_keywords[] = {
    KW("sharedaccesssignature", VAL_SEMI, false),
    KW("secret_access_key", VAL_PARAM, false),
    KW("secret", VAL_PARAM, false),
    KW("sig", VAL_PARAM, false),
    KW("accountkey", VAL_SEMI, false),
    KW("access_token", VAL_PARAM, false),
    KW("api_key", VAL_PARAM, false),
    KW("apikey", VAL_PARAM, false),
    KW("authorization", VAL_AUTH, false),
    KW("password", VAL_PARAM, false),
    KW("passwd", VAL_PARAM, false),
    KW("passphrase", VAL_PARAM, false),
    KW("pwd", VAL_PARAM, false),
    KW("private_key", VAL_PARAM, false),
    KW("token", VAL_PARAM, false),
    KW("key", VAL_PARAM, true),
    KW("x-amz-signature", VAL_PARAM, false),
    KW("x-amz-credential", VAL_PARAM, false),
    KW("x-amz-security-token", VAL_PARAM, false),
};
#define N_KEYWORDS (sizeof g_keywords / sizeof g_keywords[0])

/* Authorization schemes whose name stays visible; only the credentials after
 * them are masked. */
static const char *const g_schemes[] = {"bearer",           "basic",  "sharedkey", "sharedkeylite",
                                        "aws4-hmac-sha256", "digest", "token",     "negotiate"};

/* Scans a quoted value starting after the opening quote; returns the index of
 * the closing delimiter (or n). `escaped` means the delimiter is \" (JSON text
 * inside a JSON string). */
static size_t scan_quoted(const char *in, size_t n, size_t i, char q, bool escaped)
{
    while (i < n) {
        if (in[i] == '\\') {
            if (escaped && i + 1 < n && in[i + 1] == '"')
                return i;
            i += 2;
            continue;
        }
        /* A raw '"' always ends the value: inside a JSON line it closes the
         * string the value sits in, whatever quote opened the value. */
        if (in[i] == q || in[i] == '"')
            return i;
        i++;
    }
    return n;
}

/* Unquoted value: ends at & ; whitespace quote or end (VAL_SEMI: & allowed,
 * since connection-string values such as SAS tokens contain it; json_like:
 * also , } ] which end a member in JSON/YAML flow syntax). A JSON escape is
 * consumed whole, except \" which ends the value. */
static size_t scan_plain(const char *in, size_t n, size_t i, val_rule rule, bool json_like)
{
    while (i < n) {
        uint8_t c = (uint8_t)in[i];
        if (c == '\\') {
            if (i + 1 < n && in[i + 1] == '"')
                return i;
            i += (i + 1 < n && in[i + 1] == 'u') ? 6 : 2;
            continue;
        }
        if (c == ';' || c == '"' || c == '\'' || is_space(c))
            return i;
        if (c == '&' && rule == VAL_PARAM)
            return i;
        if (json_like && (c == ',' || c == '}' || c == ']'))
            return i;
        i++;
    }
    return n;
}

/* Authorization values run to the end of the line: a newline, a \n or \r
 * escape, or the quote that closes the string they sit in. */
static size_t scan_to_eol(const char *in, size_t n, size_t i, char q)
{
    while (i < n) {
        char c = in[i];
        if (c == '\\' && i + 1 < n) {
            char d = in[i + 1];
            if (d == '"' || d == 'n' || d == 'r')
                return i;
            i += d == 'u' ? 6 : 2;
            continue;
        }
        if (c == '\n' || c == '\r' || c == '"' || (q && c == q))
            return i;
        i++;
    }
    return n;
}

static size_t skip_blanks(const char *in, size_t n, size_t i)
{
    while (i < n && (in[i] == ' ' || in[i] == '\t'))
        i++;
    return i;
}

/* A value found after a keyword: [vs, ve), and whether the mask must be
 * written as a JSON string because it replaces a bare literal. */
typedef struct vmatch {
    size_t vs, ve;
    bool quoted;
} vmatch;

/* After a keyword ending at p: optional closing quote, separator (= or :),
 * the value. Returns true when a non-empty value follows. */
static bool match_value(const char *in, size_t n, size_t p, val_rule rule, vmatch *m)
{
    size_t q = p;
    char keyq = 0; /* quote closing the key: '"', '\'', or 'e' for \" */
    if (q < n && (in[q] == '"' || in[q] == '\'')) {
        keyq = in[q++];
    } else if (q + 1 < n && in[q] == '\\' && in[q + 1] == '"') {
        keyq = 'e';
        q += 2;
    }
    q = skip_blanks(in, n, q);
    if (q >= n || (in[q] != '=' && in[q] != ':'))
        return false;
    q = skip_blanks(in, n, q + 1);
    if (q >= n)
        return false;

    char quote = 0;
    bool escaped = false;
    if (in[q] == '"' || in[q] == '\'') {
        /* Unless a raw '"' closed the key (a real JSON member), a raw quote
         * here may be the one that closes the string the key sits in
         * ('"msg":"bad key:","x":1' in a JSON line), not one opening a value:
         * an opening quote is followed by the value, not by structure or
         * blanks. */
        static const char closing[] = ",:}] \t\r\n";
        if (keyq != '"' && (q + 1 >= n || memchr(closing, in[q + 1], sizeof closing - 1)))
            return false;
        quote = in[q++];
    } else if (q + 1 < n && in[q] == '\\' && in[q + 1] == '"') {
        quote = '"';
        escaped = true;
        q += 2;
    }

    size_t s = q, e;
    m->quoted = false;
    if (!quote && keyq == '"') {
        /* A member of real JSON ("token": 5): mask a bare literal as the
         * string "***" so the document stays valid; leave arrays and objects
         * alone rather than cut them in half. */
        if (in[q] == '[' || in[q] == '{')
            return false;
        e = scan_plain(in, n, q, VAL_PARAM, true);
        m->quoted = true;
    } else if (rule == VAL_AUTH) {
        /* Keep a known scheme name readable, mask everything after it. */
        size_t w = q;
        while (w < n && (is_alnum((uint8_t)in[w]) || in[w] == '-'))
            w++;
        for (size_t k = 0; k < sizeof g_schemes / sizeof g_schemes[0]; k++) {
            size_t sl = strlen(g_schemes[k]);
            if (w - q == sl && match_word(in, n, q, g_schemes[k], sl)) {
                s = skip_blanks(in, n, w);
                break;
            }
        }
        e = scan_to_eol(in, n, s, escaped ? 0 : quote);
    } else if (quote) {
        e = scan_quoted(in, n, q, quote, escaped);
    } else {
        e = scan_plain(in, n, q, rule, keyq != 0);
    }
    if (e <= s)
        return false;
    m->vs = s;
    m->ve = e;
    return true;
}

/* scheme://user:SECRET@host (also ://:SECRET@host); i points at ':'. */
static bool match_url(const char *in, size_t n, size_t i, vmatch *m)
{
    if (n - i < 3 || in[i + 1] != '/' || in[i + 2] != '/')
        return false;
    size_t a = i + 3, end = a, at = 0;
    bool have_at = false;
    while (end < n) {
        uint8_t c = (uint8_t)in[end];
        if (c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '\\' || c == '<' ||
            c == '>' || is_space(c))
            break;
        if (c == '@') {
            at = end; /* the last @ wins: passwords may contain a raw @ */
            have_at = true;
        }
        end++;
    }
    if (!have_at)
        return false;
    const char *colon = memchr(in + a, ':', at - a);
    if (!colon)
        return false;
    size_t c = (size_t)(colon - in) + 1;
    if (c >= at)
        return false;
    m->vs = c;
    m->ve = at;
    m->quoted = false;
    return true;
}

/* First two bytes of every keyword in any case, and ":/" for URLs. */
static uint8_t g_kw_bigram[65536 / 8];
static pthread_once_t g_init_once = PTHREAD_ONCE_INIT;

static void init_tables(void)
{
    for (size_t k = 0; k < N_KEYWORDS; k++) {
        uint8_t a = (uint8_t)g_keywords[k].w[0], b = (uint8_t)g_keywords[k].w[1];
        for (int ua = 0; ua < 2; ua++)
            for (int ub = 0; ub < 2; ub++) {
                unsigned x = (ua && a >= 'a' && a <= 'z') ? a - 32u : a;
                unsigned y = (ub && b >= 'a' && b <= 'z') ? b - 32u : b;
                bit_set(g_kw_bigram, (x << 8) | y);
            }
    }
    bit_set(g_kw_bigram, ((unsigned)':' << 8) | '/');
}

/* Registered secrets at position i (caller holds the read lock). */
static void check_secrets(emitter *em, size_t i)
{
    size_t left = em->n - i;
    if (left < MIN_SECRET_LEN || !bit_test(g_sec_bigram, bigram_at(em->in, i)))
        return;
    uint8_t c = (uint8_t)em->in[i];
    for (size_t k = 0; k < g_n; k++) {
        if (g_lens[k] <= left && (uint8_t)g_secrets[k][0] == c &&
            memcmp(em->in + i, g_secrets[k], g_lens[k]) == 0) {
            add_mask(em, i, i + g_lens[k], false); /* longest first: first hit is best */
            return;
        }
    }
}

/* A pattern starting at i: returns true and the value interval. */
static bool check_patterns(const char *in, size_t n, size_t i, vmatch *m)
{
    uint8_t c = (uint8_t)in[i];
    if (c == ':')
        return match_url(in, n, i, m);
    uint8_t l = lc(c);
    for (size_t k = 0; k < N_KEYWORDS; k++) {
        const keyword *kw = &g_keywords[k];
        if ((uint8_t)kw->w[0] != l || !match_word(in, n, i, kw->w, kw->len))
            continue;
        if (kw->whole && i > 0 && (is_alnum((uint8_t)in[i - 1]) || in[i - 1] == '_'))
            continue;
        if (match_value(in, n, i + kw->len, kw->rule, m))
            return true;
    }
    return false;
}

int af_redact(const char *in, size_t n, af_buf *out)
{
    if (!out)
        return AF_EINVAL;
    if (!in || n == 0)
        return AF_OK;
    pthread_once(&g_init_once, init_tables);
    int rc = af_buf_reserve(out, n + 1);
    if (rc)
        return rc;

    emitter em = {.in = in, .n = n, .out = out};
    pthread_rwlock_rdlock(&g_lock);
    bool secrets = g_n > 0;
    size_t i = 0;
    /* Every keyword and secret is at least 3 bytes: the last byte cannot
     * start one. */
    while (i + 1 < n) {
        unsigned bg = bigram_at(in, i);
        bool kw = bit_test(g_kw_bigram, bg);
        if (!kw && !(secrets && bit_test(g_sec_bigram, bg))) {
            i++;
            continue;
        }
        if (secrets)
            check_secrets(&em, i);
        vmatch m;
        if (kw && check_patterns(in, n, i, &m)) {
            /* The key text before the value is still copied verbatim, so a
             * secret starting inside it must be found before the value's
             * mask is added (masks arrive in start order). */
            if (secrets)
                for (size_t j = i + 1; j < m.vs; j++)
                    check_secrets(&em, j);
            add_mask(&em, m.vs, m.ve, m.quoted);
            i = m.vs;
            continue;
        }
        i++;
    }
    pthread_rwlock_unlock(&g_lock);

    if (em.have)
        flush_mask(&em);
    if (!em.rc && em.emitted < n)
        em.rc = af_buf_append(out, in + em.emitted, n - em.emitted);
    return em.rc;
}

char *af_redact_str(const char *in)
{
    if (!in)
        return NULL;
    af_buf b;
    af_buf_init(&b);
    if (af_redact(in, strlen(in), &b) != AF_OK || !af_buf_cstr(&b)) {
        af_buf_free(&b);
        return NULL;
    }
    return (char *)b.data; /* ownership passes to the caller */
}
