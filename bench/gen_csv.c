/*
 * gen_csv.c - deterministic generator of a realistic "orders" CSV for bench/.
 *
 * Usage: gen_csv ROWS [OUTPUT] [SEED]
 *   ROWS    number of data rows (a header line is written first)
 *   OUTPUT  output path, "-" or absent for stdout
 *   SEED    PRNG seed (default 20240601); same ROWS + SEED => same bytes
 *
 * Columns:
 *   order_id   int, 10000001..10000000+ROWS (ascending)
 *   customer   "First Last"; ~1% of rows hold a comma and/or embedded
 *              double quotes, quoted per RFC 4180 ("" inside quotes)
 *   country    2 upper-case letters (ISO 3166 codes)
 *   order_date ISO date 2019-01-01 .. 2024-12-31
 *   amount     decimal with exactly 2 fraction digits, 0.50 .. 4999.99
 *   paid       true / false
 *   note       free text (1-10 words), empty in ~35% of rows; ~1% contain a comma (quoted)
 *
 * About 73 bytes per row: 1M rows is ~73 MB.
 * Line endings are LF. No locale, no floating point: output is the same
 * on every machine.
 */
#include "gen_common.h"

static const char *first_names[] = {
    "James",   "Mary",      "John",    "Patricia", "Robert",      "Jennifer", "Michael", "Linda",
    "William", "Elizabeth", "David",   "Barbara",  "Richard",     "Susan",    "Joseph",  "Jessica",
    "Thomas",  "Sarah",     "Charles", "Karen",    "Christopher", "Nancy",    "Daniel",  "Lisa",
    "Matthew", "Betty",     "Anthony", "Margaret", "Mark",        "Sandra",   "Sofia",   "Lucas",
    "Emma",    "Noah",      "Olivia",  "Liam",     "Mia",         "Hugo",     "Chloe",   "Mateo",
    "Léa",     "Jürgen",    "Zoë",     "Björn",    "Ana",         "Pedro",    "Yuki",    "Wei",
    "Amara",   "Kofi",      "Ingrid",  "Lars",
};
static const char *last_names[] = {
    "Smith",        "Johnson",   "Williams",  "Brown",     "Jones",   "Garcia",   "Miller",
    "Davis",        "Rodriguez", "Martinez",  "Hernandez", "Lopez",   "Gonzalez", "Wilson",
    "Anderson",     "Thomas",    "Taylor",    "Moore",     "Jackson", "Martin",   "Lee",
    "Perez",        "Thompson",  "White",     "Harris",    "Sanchez", "Clark",    "Ramirez",
    "Lewis",        "Robinson",  "Walker",    "Young",     "Allen",   "King",     "Wright",
    "Scott",        "Torres",    "Nguyen",    "Hill",      "Flores",  "Müller",   "Schmidt",
    "Dubois",       "Rossi",     "Kowalski",  "Novak",     "Tanaka",  "Silva",    "O'Brien",
    "van der Berg", "Okafor",    "Johansson",
};
static const char *countries[] = {
    "US", "US", "US", "US", "GB", "GB", "DE", "DE", "FR", "FR", "IT", "ES", "NL", "BE",
    "SE", "NO", "DK", "FI", "PL", "CZ", "AT", "CH", "IE", "PT", "CA", "CA", "MX", "BR",
    "AR", "JP", "KR", "CN", "IN", "AU", "NZ", "ZA", "NG", "KE", "EG", "SG",
};
static const char *note_words[] = {
    "please",  "deliver",  "before",    "noon",      "gift",    "wrap",    "leave",     "at",
    "door",    "call",     "on",        "arrival",   "fragile", "handle",  "with",      "care",
    "express", "shipping", "requested", "customer",  "asked",   "for",     "invoice",   "no",
    "plastic", "bag",      "backorder", "partial",   "refund",  "pending", "loyalty",   "discount",
    "applied", "second",   "attempt",   "neighbour", "signed",  "by",      "reception", "weekend",
};
static const char *company_suffixes[] = {"Inc.", "Ltd", "GmbH", "LLC", "S.A."};
static const char *nicknames[] = {"Bob", "Ace", "Doc", "Red", "Max", "Sunny"};

/* writes a field, quoting per RFC 4180 when it holds , " CR or LF */
static void put_field(const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        puts_(s);
        return;
    }
    putc_('"');
    for (; *s; s++) {
        if (*s == '"')
            putc_('"');
        putc_(*s);
    }
    putc_('"');
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return d[m - 1];
}

int main(int argc, char **argv)
{
    unsigned long long rows;
    int status = gen_args(argc, argv, "gen_csv", &rows);
    if (status)
        return status;

    puts_("order_id,customer,country,order_date,amount,paid,note\n");
    char field[256];
    for (unsigned long long id = 1; id <= rows; id++) {
        /* order_id */
        put_uint(10000000ULL + id, 1);
        putc_(',');

        /* customer */
        const char *fn = first_names[rnd_below(COUNT(first_names))];
        const char *ln = last_names[rnd_below(COUNT(last_names))];
        uint32_t special = rnd_below(1000);
        if (special < 4) /* "Last, First" */
            snprintf(field, sizeof field, "%s, %s", ln, fn);
        else if (special < 7) /* embedded quotes */
            snprintf(field, sizeof field, "%s \"%s\" %s", fn,
                     nicknames[rnd_below(COUNT(nicknames))], ln);
        else if (special < 10) /* company: comma and quotes */
            snprintf(field, sizeof field, "\"%s & %s\", %s", ln,
                     last_names[rnd_below(COUNT(last_names))],
                     company_suffixes[rnd_below(COUNT(company_suffixes))]);
        else
            snprintf(field, sizeof field, "%s %s", fn, ln);
        put_field(field);
        putc_(',');

        /* country */
        puts_(countries[rnd_below(COUNT(countries))]);
        putc_(',');

        /* order_date 2019-01-01 .. 2024-12-31 */
        int y = 2019 + (int)rnd_below(6);
        int m = 1 + (int)rnd_below(12);
        int d = 1 + (int)rnd_below((uint32_t)days_in_month(y, m));
        put_uint((uint64_t)y, 4);
        putc_('-');
        put_uint((uint64_t)m, 2);
        putc_('-');
        put_uint((uint64_t)d, 2);
        putc_(',');

        /* amount: skewed toward small orders, 0.50 .. 4999.99, 2 decimals */
        uint64_t cents;
        uint32_t bucket = rnd_below(100);
        if (bucket < 60)
            cents = 50 + rnd_below(10000); /* 0.50 .. 100.49 */
        else if (bucket < 95)
            cents = 50 + rnd_below(100000); /* .. 1000.49 */
        else
            cents = 50 + rnd_below(499950); /* .. 4999.99 */
        put_uint(cents / 100, 1);
        putc_('.');
        put_uint(cents % 100, 2);
        putc_(',');

        /* paid */
        puts_(rnd_below(100) < 85 ? "true" : "false");
        putc_(',');

        /* note: empty ~35%, else 1-10 words; ~1% of rows get a comma clause */
        if (rnd_below(100) >= 35) {
            size_t n = 0;
            int words = 1 + (int)rnd_below(10);
            for (int w = 0; w < words; w++) {
                const char *word = note_words[rnd_below(COUNT(note_words))];
                size_t wl = strlen(word);
                if (n + wl + 2 >= sizeof field)
                    break;
                if (w)
                    field[n++] = ' ';
                memcpy(field + n, word, wl);
                n += wl;
            }
            field[n] = '\0';
            if (rnd_below(100) == 0 && n + 20 < sizeof field)
                snprintf(field + n, sizeof field - n, ", ref #%05u", (unsigned)rnd_below(100000));
            put_field(field);
        }
        putc_('\n');
    }
    flush_out();
    if (gen_out != stdout ? fclose(gen_out) != 0 : fflush(gen_out) != 0) {
        perror("gen_csv: close");
        return 1;
    }
    return 0;
}
