/* gen_common.h - what the benchmark input generators share: a
 * deterministic random source and a buffered writer (big writes, no stdio
 * per field). Header-only: each generator is one translation unit compiled
 * by bench/lib.sh. */
#ifndef BENCH_GEN_COMMON_H
#define BENCH_GEN_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state;

/* splitmix64: small, fast, fully deterministic */
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
    return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

static char gen_buf[1 << 20];
static size_t gen_len;
static FILE *gen_out; /* set by main */

static void flush_out(void)
{
    if (gen_len && fwrite(gen_buf, 1, gen_len, gen_out) != gen_len) {
        perror("write");
        exit(1);
    }
    gen_len = 0;
}

static void put(const char *s, size_t n)
{
    if (gen_len + n > sizeof gen_buf)
        flush_out();
    if (n > sizeof gen_buf) { /* larger than the buffer: straight through */
        if (fwrite(s, 1, n, gen_out) != n) {
            perror("write");
            exit(1);
        }
        return;
    }
    memcpy(gen_buf + gen_len, s, n);
    gen_len += n;
}

static void puts_(const char *s)
{
    put(s, strlen(s));
}

static void putc_(char c)
{
    if (gen_len + 1 > sizeof gen_buf)
        flush_out();
    gen_buf[gen_len++] = c;
}

/* v in decimal, zero-padded to at least min_digits */
static void put_uint(uint64_t v, int min_digits)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v || n < min_digits);
    while (n)
        putc_(tmp[--n]);
}

/* The `NAME ROWS [OUTPUT|-] [SEED]` command line of the one-table
 * generators: sets *rows, the seed and gen_out. Returns 0, or the exit
 * status after printing why (2 usage, 1 output not writable). */
static inline int gen_args(int argc, char **argv, const char *name, unsigned long long *rows)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s ROWS [OUTPUT|-] [SEED]\n", name);
        return 2;
    }
    char *end;
    *rows = strtoull(argv[1], &end, 10);
    if (*end || *rows == 0) {
        fprintf(stderr, "%s: bad ROWS '%s'\n", name, argv[1]);
        return 2;
    }
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 20240601ULL;
    gen_out = stdout;
    if (argc > 2 && strcmp(argv[2], "-") != 0) {
        gen_out = fopen(argv[2], "wb");
        if (!gen_out) {
            perror(argv[2]);
            return 1;
        }
    }
    return 0;
}

#endif
