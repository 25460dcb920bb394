/*
 * gen_tables.c - deterministic generators of the two tables bench/parquet.sh
 * converts: a wide text table and a numeric sales table.
 *
 * Usage: gen_tables reviews|sales ROWS [OUTPUT] [SEED]
 *   ROWS    number of data rows (a header line is written first)
 *   OUTPUT  output path, "-" or absent for stdout
 *   SEED    PRNG seed (default 20240601); same table + ROWS + SEED => same bytes
 *
 * reviews (review-like text, ~915 bytes per row; 1M rows is ~0.92 GB):
 *   label  int 1..5 (skewed towards 4 and 5, like product reviews)
 *   title  30..80 characters of words; ~3% hold a comma, ~1% "quoted" words
 *   text   200..1500 characters (uniform) of word-like text in sentences:
 *          commas in most rows, ~10% hold "quoted" words (doubled inside the
 *          quoted field, RFC 4180), ~8% hold a line break (inside quotes)
 * sales (~139 bytes per row; 1M rows is ~0.14 GB):
 *   order_id     bigint, 5000000001 upward
 *   customer_id  int 1..2000000
 *   quantity     small int 1..20, mostly 1..3
 *   unit_price   decimal(10,2), 0.99 .. 9999.99, always two fraction digits
 *   discount     decimal(4,3), 0.000 .. 0.500 (0.000 in half the rows)
 *   amount       decimal(12,2) = round(quantity * unit_price * (1 - discount), 2)
 *   ordered_at   timestamp with microseconds, 2019-01-01 .. 2024-12-31,
 *                "YYYY-MM-DD HH:MM:SS.ffffff"
 *   shipped_on   date, ordered_at's date + 0..7 days
 *   order_uuid   UUID (version 4 layout) as lower-case text
 *   channel      one of 6 values (low cardinality)
 *   coupon       empty (null) in ~90% of rows, else one of 12 codes
 *   note         empty (null) in ~70% of rows, else 1..12 words, ~5% with a comma (quoted)
 *
 * Line endings are LF. No locale, no floating point: output is the same on
 * every machine.
 */
#include "gen_common.h"

/* index in [0, n) skewed towards 0 (roughly Zipf-like word frequencies) */
static uint32_t rnd_skewed(uint32_t n)
{
    uint64_t a = rnd_below(n), b = rnd_below(n);
    return (uint32_t)(a * b / n);
}

static const char *words[] = {
    "the",       "and",        "a",           "to",        "it",       "is",
    "of",        "this",       "for",         "I",         "was",      "in",
    "that",      "my",         "with",        "not",       "but",      "on",
    "very",      "have",       "you",         "product",   "great",    "good",
    "one",       "as",         "so",          "are",       "they",     "like",
    "would",     "be",         "just",        "after",     "all",      "use",
    "quality",   "works",      "well",        "price",     "bought",   "really",
    "time",      "if",         "than",        "only",      "had",      "from",
    "love",      "easy",       "will",        "when",      "out",      "recommend",
    "nice",      "little",     "does",        "its",       "can",      "more",
    "your",      "buy",        "them",        "do",        "about",    "battery",
    "screen",    "size",       "fit",         "first",     "bad",      "cheap",
    "broke",     "returned",   "days",        "weeks",     "months",   "perfect",
    "color",     "sound",      "light",       "small",     "large",    "box",
    "arrived",   "quickly",    "shipping",    "seller",    "item",     "described",
    "excellent", "better",     "worse",       "expected",  "happy",    "disappointed",
    "money",     "worth",      "comfortable", "sturdy",    "flimsy",   "instructions",
    "assembly",  "cable",      "charger",     "Bluetooth", "kitchen",  "coffee",
    "water",     "bottle",     "shoes",       "jacket",    "kids",     "gift",
    "daughter",  "husband",    "wife",        "son",       "friend",   "again",
    "never",     "always",     "still",       "even",      "though",   "however",
    "overall",   "definitely", "probably",    "maybe",     "honestly", "absolutely",
    "Müller",    "café",       "naïve",       "résumé",    "ok",       "five",
    "stars",     "zero",
};
static const char *title_openers[] = {
    "Great",
    "Not worth it",
    "Works as described",
    "Disappointed",
    "Love it",
    "Five stars",
    "Terrible",
    "Good value",
    "Broke after a week",
    "Exactly what I needed",
};
static const char *channels[] = {"web",    "web",   "web",   "web",   "mobile",  "mobile",
                                 "mobile", "store", "store", "phone", "partner", "marketplace"};
static const char *coupons[] = {"SAVE10",      "SAVE20",   "WELCOME5", "SPRING24",
                                "BLACKFRIDAY", "FREESHIP", "VIP15",    "LOYALTY",
                                "STUDENT",     "EMPLOYEE", "BUNDLE3",  "FLASH50"};
static const char *note_words[] = {
    "please",  "deliver",  "before",    "noon",     "gift",    "wrap",    "leave",   "at",
    "door",    "call",     "on",        "arrival",  "fragile", "handle",  "with",    "care",
    "express", "shipping", "requested", "customer", "asked",   "for",     "invoice", "no",
    "plastic", "bag",      "backorder", "partial",  "refund",  "pending", "loyalty", "discount",
};

/* a field built in a scratch buffer, then written quoted when needed */
static char field[4096];
static size_t flen;
static void f_add(const char *s)
{
    size_t n = strlen(s);
    if (flen + n < sizeof field) {
        memcpy(field + flen, s, n);
        flen += n;
    }
}
static void f_addc(char c)
{
    if (flen + 1 < sizeof field)
        field[flen++] = c;
}
static void put_field(void)
{
    if (!memchr(field, ',', flen) && !memchr(field, '"', flen) && !memchr(field, '\n', flen)) {
        put(field, flen);
        return;
    }
    putc_('"');
    for (size_t i = 0; i < flen; i++) {
        if (field[i] == '"')
            putc_('"');
        putc_(field[i]);
    }
    putc_('"');
}

/* sentences of words until the field holds at least `len` bytes; `quotes`:
 * some words in double quotes; `newline`: one line break between sentences */
static void f_text(size_t len, int quotes, int newline)
{
    int sentence_start = 1, in_quote = 0, first = 1;
    size_t newline_at = newline ? len / 3 + rnd_below((uint32_t)(len / 3 + 1)) : (size_t)-1;
    while (flen < len) {
        const char *w = words[rnd_skewed(COUNT(words))];
        if (!first && field[flen - 1] != '\n')
            f_addc(' ');
        first = 0;
        if (quotes && !in_quote && rnd_below(40) == 0) {
            f_addc('"');
            in_quote = 1;
        }
        if (sentence_start && w[0] >= 'a' && w[0] <= 'z') {
            f_addc((char)(w[0] - 'a' + 'A'));
            f_add(w + 1);
        } else {
            f_add(w);
        }
        sentence_start = 0;
        if (in_quote && rnd_below(3) == 0) {
            f_addc('"');
            in_quote = 0;
        }
        uint32_t r = rnd_below(100);
        if (r < 8) {
            f_addc(',');
        } else if (r < 16) {
            if (in_quote) {
                f_addc('"');
                in_quote = 0;
            }
            f_addc(r < 14 ? '.' : r < 15 ? '!' : '?');
            sentence_start = 1;
            if (flen >= newline_at) {
                f_addc('\n');
                newline_at = (size_t)-1;
            }
        }
    }
    if (in_quote)
        f_addc('"');
    if (field[flen - 1] == ',')
        flen--;
    if (field[flen - 1] != '.' && field[flen - 1] != '!' && field[flen - 1] != '?' &&
        field[flen - 1] != '"')
        f_addc('.');
}

static void gen_reviews(uint64_t rows)
{
    puts_("label,title,text\n");
    for (uint64_t i = 0; i < rows; i++) {
        static const uint8_t labels[] = {1, 1, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5};
        put_uint(labels[rnd_below(COUNT(labels))], 1);
        putc_(',');

        flen = 0;
        uint32_t tlen = 30 + rnd_below(51); /* 30..80 */
        f_add(title_openers[rnd_below(COUNT(title_openers))]);
        if (rnd_below(100) < 3)
            f_addc(',');
        int tq = rnd_below(100) == 0;
        while (flen < tlen) {
            f_addc(' ');
            if (tq && flen > tlen / 2) {
                f_addc('"');
                f_add(words[rnd_skewed(COUNT(words))]);
                f_addc('"');
                tq = 0;
            } else {
                f_add(words[rnd_skewed(COUNT(words))]);
            }
        }
        if (flen > 80) { /* cut at the last space before 80 characters */
            while (flen > 30 && (flen > 80 || field[flen] != ' '))
                flen--;
        }
        put_field();
        putc_(',');

        flen = 0;
        uint32_t len = 200 + rnd_below(1301); /* 200..1500 */
        f_text(len, rnd_below(100) < 10, rnd_below(100) < 8);
        put_field();
        putc_('\n');
    }
}

/* civil date from days since 1970-01-01 (Howard Hinnant's algorithm) */
static void civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}
static void put_date(int64_t days)
{
    int y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    put_uint((uint64_t)y, 4);
    putc_('-');
    put_uint(m, 2);
    putc_('-');
    put_uint(d, 2);
}
static void put_cents(uint64_t v, int frac_digits)
{
    uint64_t p = frac_digits == 3 ? 1000 : 100;
    put_uint(v / p, 1);
    putc_('.');
    put_uint(v % p, frac_digits);
}

static void gen_sales(uint64_t rows)
{
    static const char hex[] = "0123456789abcdef";
    const int64_t day0 = 17897;  /* 2019-01-01 */
    const uint32_t ndays = 2192; /* .. 2024-12-31 */
    puts_("order_id,customer_id,quantity,unit_price,discount,amount,ordered_at,shipped_on,"
          "order_uuid,channel,coupon,note\n");
    for (uint64_t i = 0; i < rows; i++) {
        put_uint(5000000001ULL + i, 1);
        putc_(',');
        put_uint(1 + rnd_below(2000000), 1);
        putc_(',');
        static const uint8_t qty[] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 10, 12, 20};
        uint64_t q = qty[rnd_below(COUNT(qty))];
        put_uint(q, 1);
        putc_(',');
        /* cents: 99 .. 999999, log-ish spread: most prices are small */
        uint64_t price = 99 + (uint64_t)rnd_below(1000) * (1 + rnd_below(1000)) % 999901;
        put_cents(price, 2);
        putc_(',');
        uint64_t disc = rnd_below(2) ? 0 : 5 * rnd_below(101); /* 0.000 .. 0.500 */
        put_cents(disc, 3);
        putc_(',');
        /* amount in cents, rounded half up: q * price * (1000 - disc) / 1000 */
        uint64_t amt = (q * price * (1000 - disc) + 500) / 1000;
        put_cents(amt, 2);
        putc_(',');
        int64_t day = day0 + rnd_below(ndays);
        uint32_t sod = rnd_below(86400);
        put_date(day);
        putc_(' ');
        put_uint(sod / 3600, 2);
        putc_(':');
        put_uint(sod / 60 % 60, 2);
        putc_(':');
        put_uint(sod % 60, 2);
        putc_('.');
        put_uint(rnd_below(1000000), 6);
        putc_(',');
        put_date(day + rnd_below(8));
        putc_(',');
        uint64_t u1 = rnd(), u2 = rnd();
        u1 = (u1 & ~0xF000ULL) | 0x4000ULL;                        /* version 4 */
        u2 = (u2 & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL; /* variant 10 */
        for (int k = 0; k < 32; k++) {
            if (k == 8 || k == 12 || k == 16 || k == 20)
                putc_('-');
            uint64_t w = k < 16 ? u1 : u2;
            putc_(hex[(w >> (60 - 4 * (k % 16))) & 15]);
        }
        putc_(',');
        puts_(channels[rnd_below(COUNT(channels))]);
        putc_(',');
        if (rnd_below(10) == 0)
            puts_(coupons[rnd_below(COUNT(coupons))]);
        putc_(',');
        if (rnd_below(10) < 3) {
            flen = 0;
            uint32_t nw = 1 + rnd_below(12);
            for (uint32_t k = 0; k < nw; k++) {
                if (k)
                    f_addc(' ');
                f_add(note_words[rnd_below(COUNT(note_words))]);
                if (k + 1 < nw && rnd_below(100) < 5)
                    f_addc(',');
            }
            put_field();
        }
        putc_('\n');
    }
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5 || (strcmp(argv[1], "reviews") && strcmp(argv[1], "sales"))) {
        fprintf(stderr, "usage: gen_tables reviews|sales ROWS [OUTPUT|-] [SEED]\n");
        return 2;
    }
    char *end;
    unsigned long long rows = strtoull(argv[2], &end, 10);
    if (*end || argv[2][0] == '-') {
        fprintf(stderr, "gen_tables: bad ROWS '%s'\n", argv[2]);
        return 2;
    }
    rng_state = 20240601;
    if (argc == 5) {
        rng_state = strtoull(argv[4], &end, 10);
        if (*end) {
            fprintf(stderr, "gen_tables: bad SEED '%s'\n", argv[4]);
            return 2;
        }
    }
    gen_out = stdout;
    if (argc >= 4 && strcmp(argv[3], "-") != 0) {
        gen_out = fopen(argv[3], "wb");
        if (!gen_out) {
            perror(argv[3]);
            return 1;
        }
    }
    if (!strcmp(argv[1], "reviews"))
        gen_reviews(rows);
    else
        gen_sales(rows);
    flush_out();
    if (fclose(gen_out) != 0) {
        perror("gen_tables: close");
        return 1;
    }
    return 0;
}
