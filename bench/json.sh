#!/usr/bin/env bash
# json.sh - NDJSON -> Parquet (zstd): affluent's json source vs DuckDB's read_json,
# side by side on the same generated input (bench/gen_ndjson.c: ints, doubles,
# strings, an ISO timestamp, a bool, a two-level nested object, an array).
#   affluent: `affluent run` of a pipeline json source -> parquet sink (flattened
#             columns user__address__city..., tags list<string>)
#   DuckDB:   COPY (SELECT * FROM read_json(IN, format = 'newline_delimited'))
#             TO OUT (FORMAT parquet, COMPRESSION zstd)   (nested struct columns)
# Both outputs are checked by DuckDB: row count, sum(id), sum(qty), total tags.
#
# Usage: bash bench/json.sh [ROWS]      (default ROWS=1000000)
# Environment: RUNS=3, SKIP_BUILD=1, AFFLUENT=PATH, AFFLUENT_DESC, DUCKDB_NODE_API (bench/lib.sh)
# Writes bench/results/json.md and prints it.
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh
rows=${1:-1000000}
runs=${RUNS:-3}
bench_check_positive ROWS "$rows"
bench_check_positive RUNS "$runs"
bench_tools
bench_affluent
bench_compile_gen gen_ndjson
duck=(node "$bench/duckdb_json.mjs")

input=$bench/data/events_$rows.ndjson
if [ ! -f "$input" ] || [ "$gen" -nt "$input" ]; then
    note "generating $rows records into ${input#"$root"/}"
    "$gen" "$rows" "$input.tmp" || die "gen_ndjson failed"
    mv "$input.tmp" "$input"
fi
bench_tmp
out_af=$bench/data/out_events.affluent.parquet
out_duck=$bench/data/out_events.duck.parquet
out_duck1=$bench/data/out_events.duck1.parquet
cat >"$tmp/p.yml" <<YML
version: 1
defaults: {lake: $tmp/lake}
streams:
  events:
    source: {type: json, path: $input}
    targets:
      - {type: parquet, path: $out_af, compression: zstd}
YML

line_cmd() {
    case $1 in
    affluent) cmd=("$affluent" run "$tmp/p.yml" --no-progress) out=$out_af ;;
    duck) cmd=("${duck[@]}" to-parquet "$input" "$out_duck") out=$out_duck ;;
    duck1) cmd=("${duck[@]}" to-parquet "$input" "$out_duck1" 1) out=$out_duck1 ;;
    esac
}
engines=(affluent duck duck1)
for e in "${engines[@]}"; do
    line_cmd "$e"
    rm -rf "$tmp/lake"
    bench_time "$e" warmup "$out" "${cmd[@]}"
done
for ((i = 1; i <= runs; i++)); do
    for e in "${engines[@]}"; do
        line_cmd "$e"
        rm -rf "$tmp/lake"
        bench_time "$e" "$i" "$out" "${cmd[@]}"
        note "run $i/$runs $e: $(tail -1 "$tmp/$e.wall") s wall, $(tail -1 "$tmp/$e.cpu") CPU s, $(tail -1 "$tmp/$e.rss") MiB peak RSS"
    done
done
bench_noise

ref=$("${duck[@]}" count "$out_duck")
for f in "$out_af" "$out_duck1"; do
    got=$("${duck[@]}" count "$f")
    [ "$got" = "$ref" ] || die "${f#"$root"/}: DuckDB sees '$got', expected '$ref' (rows, sum(id), sum(qty), tags)"
done
[ "${ref%%$'\t'*}" = "$rows" ] || die "DuckDB's output has ${ref%%$'\t'*} rows, expected $rows"

declare -A wall rss cpu
for e in "${engines[@]}"; do
    wall[$e]=$(median <"$tmp/$e.wall")
    rss[$e]=$(median <"$tmp/$e.rss")
    cpu[$e]=$(median <"$tmp/$e.cpu")
done
duck_version=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).duckdb_version)' <"$tmp/duck.1.out")
duck_threads=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).threads)' <"$tmp/duck.1.out")
result=$bench/results/json.md
{
    echo "# NDJSON -> Parquet: affluent vs DuckDB"
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |"
    echo "| machine | $(machine_desc) |"
    echo "| input | \`bench/data/events_$rows.ndjson\` from \`bench/gen_ndjson.c\`: $rows records, $(stat -c %s "$input") bytes ($(mb "$(stat -c %s "$input")") MB) |"
    echo "| affluent | \`$affluent_version\` ($affluent_source): \`affluent run\` json source -> parquet sink (zstd) |"
    echo "| duckdb | $duck_version: \`COPY (SELECT * FROM read_json(in, format = 'newline_delimited')) TO out (FORMAT parquet, COMPRESSION zstd)\` |"
    echo "| method | one warm-up, then $runs timed runs interleaved; median; \`/usr/bin/time -v\` of the whole process; other processes used $other_s CPU s ($other_pct% of the machine) during the ${span_s} s of timed runs |"
    echo "| verified | DuckDB reads every output: same rows, sum(id), sum(qty) and number of tags |"
    echo
    echo "| engine | wall s (median) | runs | DuckDB / affluent | CPU s | peak RSS MiB | output bytes |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for e in "${engines[@]}"; do
        case $e in affluent) name=affluent ;; duck) name="DuckDB ($duck_threads threads)" ;; duck1) name="DuckDB (1 thread)" ;; esac
        line_cmd "$e"
        echo "| $name | ${wall[$e]} | $(runs_of "$e") | $(ratio "${wall[$e]}" "${wall[affluent]}") | ${cpu[$e]} | ${rss[$e]} | $(stat -c %s "$out") |"
    done
} >"$result"
cat "$result"
