/* gen_ndjson.c - deterministic NDJSON input for bench/json.sh: N records
 * with integers, doubles, short and long strings, an ISO timestamp, a
 * boolean, a nested object (two levels) and an array of strings, the mix an
 * API dump or an event log holds.
 * Usage: gen_ndjson ROWS [OUTPUT|-] [SEED] */
#include "gen_common.h"

static const char *words[] = {"alpha", "bravo", "charlie", "delta",  "echo", "foxtrot",
                              "golf",  "hotel", "india",   "juliet", "kilo", "lima"};
static const char *cities[] = {"Paris", "Lyon", "Lille", "Nantes", "Nice", "Rennes"};

static void put_double2(uint64_t cents)
{
    put_uint(cents / 100, 1);
    putc_('.');
    put_uint(cents % 100, 2);
}

int main(int argc, char **argv)
{
    unsigned long long rows;
    int status = gen_args(argc, argv, "gen_ndjson", &rows);
    if (status)
        return status;
    for (unsigned long long i = 1; i <= rows; i++) {
        puts_("{\"id\":");
        put_uint(i, 1);
        puts_(",\"ts\":\"2024-");
        put_uint(1 + rnd_below(12), 2);
        putc_('-');
        put_uint(1 + rnd_below(28), 2);
        putc_('T');
        put_uint(rnd_below(24), 2);
        putc_(':');
        put_uint(rnd_below(60), 2);
        putc_(':');
        put_uint(rnd_below(60), 2);
        puts_("Z\",\"amount\":");
        put_double2(rnd_below(10000000));
        puts_(",\"qty\":");
        put_uint(rnd_below(1000), 1);
        puts_(",\"active\":");
        puts_(rnd_below(2) ? "true" : "false");
        puts_(",\"user\":{\"name\":\"");
        puts_(words[rnd_below(COUNT(words))]);
        putc_('_');
        put_uint(rnd_below(100000), 1);
        puts_("\",\"age\":");
        put_uint(18 + rnd_below(70), 1);
        puts_(",\"address\":{\"city\":\"");
        puts_(cities[rnd_below(COUNT(cities))]);
        puts_("\",\"zip\":\"");
        put_uint(rnd_below(100000), 5);
        puts_("\"}},\"tags\":[");
        unsigned nt = rnd_below(4);
        for (unsigned t = 0; t < nt; t++) {
            if (t)
                putc_(',');
            putc_('"');
            puts_(words[rnd_below(COUNT(words))]);
            putc_('"');
        }
        puts_("],\"comment\":\"");
        unsigned nw = 3 + rnd_below(20);
        for (unsigned w = 0; w < nw; w++) {
            if (w)
                putc_(' ');
            puts_(words[rnd_below(COUNT(words))]);
        }
        puts_("\"}\n");
    }
    flush_out();
    if (gen_out != stdout && fclose(gen_out) != 0) {
        perror("close");
        return 1;
    }
    return 0;
}
