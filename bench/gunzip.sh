#!/usr/bin/env bash
# gunzip.sh - how fast affluent inflates a gzip'd CSV (ISA-L, io/decompress.h)
# against a plain zlib inflate loop (what affluent used before) and zcat.
#
#   bash bench/gunzip.sh [ROWS]        default 2,800,000 rows (~205 MB of CSV)
#   BUILD=build-x bash bench/gunzip.sh (a build dir holding libaffluent_engine.a)
#
# The input is bench/gen_csv.c's orders CSV, gzip -6. Only decompression is
# timed (bytes are read and dropped): affluent's reader synchronously and
# with its decompression thread, zlib's inflate() with the same buffer sizes
# (256 KiB in, 1 MiB out), and `zcat > /dev/null`. Each line is the best of
# RUNS (default 3) runs. Files go to a temporary directory, removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2800000}
runs=${RUNS:-3}
build=${BUILD:-build}
lib=$build/libaffluent_engine.a
[[ -f $lib ]] || { echo "gunzip.sh: $lib not found: build first (cmake --build $build)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/af-gunzip-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cc -O2 -Ibench bench/gen_csv.c -o "$tmp/gen_csv"
cat > "$tmp/inflate_bench.c" <<'EOF'
#include "io/decompress.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}
static char out[1 << 20];
static long long run_zlib(const char *path)
{
    static unsigned char in[256 << 10];
    FILE *f = fopen(path, "rb");
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    inflateInit2(&zs, 15 + 32);
    long long total = 0;
    size_t n;
    while ((n = fread(in, 1, sizeof in, f)) > 0) {
        zs.next_in = in;
        zs.avail_in = (unsigned)n;
        while (zs.avail_in > 0) {
            zs.next_out = (unsigned char *)out;
            zs.avail_out = sizeof out;
            int r = inflate(&zs, Z_NO_FLUSH);
            total += sizeof out - zs.avail_out;
            if (r == Z_STREAM_END)
                inflateReset(&zs); /* next member */
            else if (r != Z_OK && r != Z_BUF_ERROR)
                exit(1);
        }
    }
    fclose(f);
    inflateEnd(&zs);
    return total;
}
static long long run_affluent(const char *path, int threaded)
{
    af_error err = {0};
    af_reader *in, *r;
    af_decompress_options o;
    af_decompress_options_default(&o);
    o.threaded = threaded;
    if (af_reader_open_file(path, &in, &err) || af_reader_open_decompress(in, &o, &r, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    long long total = 0;
    ssize_t n;
    while ((n = af_reader_read(r, out, sizeof out, &err)) > 0)
        total += n;
    if (n < 0) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    af_reader_close(r);
    return total;
}
int main(int argc, char **argv)
{
    const char *how = argv[1], *path = argv[2];
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    double best = 1e9;
    long long total = 0;
    for (int i = 0; i < runs; i++) {
        double t = now();
        total = strcmp(how, "zlib") == 0 ? run_zlib(path)
                                         : run_affluent(path, strcmp(how, "threaded") == 0);
        t = now() - t;
        if (t < best)
            best = t;
    }
    printf("| %-28s | %7.3f s | %6.0f MB/s |\n",
           strcmp(how, "zlib") == 0 ? "zlib inflate() loop" : strcmp(how, "threaded") == 0
                                                               ? "affluent, threaded (ISA-L)"
                                                               : "affluent, sync (ISA-L)",
           best, total / best / 1e6);
    return 0;
}
EOF
# shellcheck disable=SC2046
cc -O2 -Isrc "$tmp/inflate_bench.c" "$lib" \
  $(pkg-config --libs libisal zlib libzstd liblz4 liblzma libbrotlidec libbrotlienc) -lbz2 \
  -lpthread -lm -o "$tmp/inflate_bench"

"$tmp/gen_csv" "$rows" "$tmp/in.csv"
gzip -6 -c "$tmp/in.csv" > "$tmp/in.csv.gz"
echo "input: $(stat -c %s "$tmp/in.csv") bytes of CSV, $(stat -c %s "$tmp/in.csv.gz") gzip -6; best of $runs; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo
echo "| decoder                      |    time   | output rate |"
echo "| ---------------------------- | --------- | ----------- |"
for how in sync threaded zlib; do "$tmp/inflate_bench" $how "$tmp/in.csv.gz" "$runs"; done
best=1e9
for _ in $(seq "$runs"); do
  s=$(date +%s.%N); zcat "$tmp/in.csv.gz" > /dev/null; e=$(date +%s.%N)
  best=$(echo "$e - $s" | bc -l | awk -v b="$best" '{print ($1 < b) ? $1 : b}')
done
printf '| %-28s | %7.3f s | %6.0f MB/s |\n' "zcat > /dev/null" "$best" \
  "$(echo "$(stat -c %s "$tmp/in.csv") / $best / 1000000" | bc -l)"
