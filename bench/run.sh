#!/usr/bin/env bash
# run.sh - side-by-side benchmark: `affluent convert` CSV -> CSV against DuckDB's
# `COPY (SELECT * FROM read_csv(...)) TO ... (HEADER)` on the same generated input.
#
# Usage: bash bench/run.sh [ROWS]          (default ROWS=1000000, ~73 MB of CSV)
# Environment:
#   RUNS=3                 timed runs per engine (the median is reported)
#   SKIP_BUILD=1           do not run scripts/build.sh first (use build/affluent as is)
#   AFFLUENT=PATH          benchmark this affluent binary instead (implies SKIP_BUILD=1),
#                          e.g. a build of a clean checkout while the work tree is mid-edit
#   AFFLUENT_DESC=TEXT     how the results describe that binary (e.g. "clean build of abc1234")
#   KEEP_OUTPUT=1          keep the engines' output files in bench/data/
#   DUCKDB_NODE_API=1.5.6-r.1   @duckdb/node-api version installed into bench/.node
#
# Installs what it needs when missing: /usr/bin/time (Debian package `time`),
# node + npm (Debian packages), @duckdb/node-api (npm, into bench/.node/).
# Writes bench/results/csv_convert.md and prints it. See bench/README.md.
# The shared machinery (tools, timed runs, medians) is in bench/lib.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh
rows=${1:-1000000}
runs=${RUNS:-3}

bench_check_positive ROWS "$rows"
bench_check_positive RUNS "$runs"

bench_tools
bench_affluent
bench_compile_gen gen_csv

# ---------------------------------------------------------------- input
input=$bench/data/orders_$rows.csv
if [ ! -f "$input" ] || [ "$gen" -nt "$input" ]; then
    note "generating $rows rows into ${input#"$root"/}"
    "$gen" "$rows" "$input.tmp" || die "gen_csv failed"
    mv "$input.tmp" "$input"
fi
in_bytes=$(stat -c %s "$input")

bench_tmp

# engines: name | output | command (input/output appended by run_one)
engines=(affluent duck duck1)
declare -A out_of
out_of[affluent]=$bench/data/out_affluent.csv
out_of[duck]=$bench/data/out_duck.csv
out_of[duck1]=$bench/data/out_duck_t1.csv

run_one() { # engine run_label
    local e=$1 label=$2 out=${out_of[$1]}
    local cmd
    case $e in
    affluent) cmd=("$affluent" convert "$input" "$out") ;;
    duck) cmd=(node "$bench/duckdb_copy.mjs" "$input" "$out") ;;
    duck1) cmd=(node "$bench/duckdb_copy.mjs" "$input" "$out" 1) ;;
    esac
    bench_time "$e" "$label" "$out" "${cmd[@]}"
}

# ---------------------------------------------------------------- runs
note "input: ${input#"$root"/} ($rows rows, $in_bytes bytes); $runs timed runs per engine, interleaved, after one warm-up each"
for e in "${engines[@]}"; do run_one "$e" warmup; done
for ((i = 1; i <= runs; i++)); do
    for e in "${engines[@]}"; do
        run_one "$e" "$i"
        note "run $i/$runs $e: $(tail -1 "$tmp/$e.wall") s wall, $(tail -1 "$tmp/$e.rss") MiB peak RSS"
    done
done
bench_noise

for e in duck duck1; do
    for ((i = 1; i <= runs; i++)); do
        node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
                 console.log(j.copy_s, j.in_process_s, j.threads, j.rows, j.duckdb_version)' \
            <"$tmp/$e.$i.out" >>"$tmp/$e.json" || die "$e run $i printed no JSON result"
    done
done

# ---------------------------------------------------------------- verify
declare -A data_rows out_bytes
for e in "${engines[@]}"; do
    data_rows[$e]=$(csv_data_rows "${out_of[$e]}")
    out_bytes[$e]=$(stat -c %s "${out_of[$e]}")
done
in_rows=$(csv_data_rows "$input")
[ "$in_rows" = "$rows" ] || die "input has $in_rows data rows, expected $rows"
for e in "${engines[@]}"; do
    [ "${data_rows[$e]}" = "$rows" ] ||
        die "row count mismatch: $e wrote ${data_rows[$e]} data rows, input has $rows (affluent ${data_rows[affluent]}, duckdb ${data_rows[duck]}, duckdb 1 thread ${data_rows[duck1]})"
done
for e in duck duck1; do
    while read -r _ _ _ r _; do
        [ "$r" = "$rows" ] || die "$e: DuckDB's COPY reported $r rows, expected $rows"
    done <"$tmp/$e.json"
done
note "verified: input and all outputs have $rows data rows"

# ---------------------------------------------------------------- report
declare -A wall rss cpu copy inproc threads
for e in "${engines[@]}"; do
    wall[$e]=$(median <"$tmp/$e.wall")
    rss[$e]=$(median <"$tmp/$e.rss")
    cpu[$e]=$(median <"$tmp/$e.cpu")
    if [ "$e" != affluent ]; then
        copy[$e]=$(awk '{ print $1 }' "$tmp/$e.json" | median)
        inproc[$e]=$(awk '{ print $2 }' "$tmp/$e.json" | median)
        threads[$e]=$(awk 'NR == 1 { print $3 }' "$tmp/$e.json")
    fi
done
duck_version=$(awk 'NR == 1 { print $5 }' "$tmp/duck.json")
mbps() { awk -v b="$in_bytes" -v s="$1" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }

result=$bench/results/csv_convert.md
{
    echo "# CSV -> CSV convert: affluent vs DuckDB"
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |"
    echo "| machine | $(machine_desc) |"
    echo "| input | \`bench/data/orders_$rows.csv\` from \`bench/gen_csv.c\`: $rows data rows, $in_bytes bytes ($(mb "$in_bytes") MB) |"
    echo "| affluent | \`$affluent_version\` ($affluent_source): \`affluent convert in.csv out.csv\` (parse and write threads) |"
    echo "| duckdb | $duck_version (@duckdb/node-api $duck_api_installed, node $(node --version)): \`COPY (SELECT * FROM read_csv('in.csv')) TO 'out.csv' (HEADER)\` in one node process |"
    echo "| method | $runs timed runs per engine after one warm-up, interleaved, \`sync\` before each; median shown; whole process measured by \`/usr/bin/time -v\`; other processes used $other_s CPU s ($other_pct% of the machine's capacity) during the ${span_s} s of timed runs (sampled around each run) |"
    echo
    echo "| engine | threads | wall s (median) | wall s (each run) | CPU s (user+sys) | peak RSS MiB | input MB/s | DuckDB in-process s (COPY only) | output MB | data rows out |"
    echo "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    echo "| affluent convert | 2 (parse \\| write) | ${wall[affluent]} | $(runs_of affluent) | ${cpu[affluent]} | ${rss[affluent]} | $(mbps "${wall[affluent]}") | n/a | $(mb "${out_bytes[affluent]}") | ${data_rows[affluent]} |"
    echo "| DuckDB COPY (default threads) | ${threads[duck]} | ${wall[duck]} | $(runs_of duck) | ${cpu[duck]} | ${rss[duck]} | $(mbps "${wall[duck]}") | ${inproc[duck]} (${copy[duck]}) | $(mb "${out_bytes[duck]}") | ${data_rows[duck]} |"
    echo "| DuckDB COPY (\`SET threads=1\`) | ${threads[duck1]} | ${wall[duck1]} | $(runs_of duck1) | ${cpu[duck1]} | ${rss[duck1]} | $(mbps "${wall[duck1]}") | ${inproc[duck1]} (${copy[duck1]}) | $(mb "${out_bytes[duck1]}") | ${data_rows[duck1]} |"
    echo
    echo "Ratios, affluent ÷ DuckDB (below 1.00: affluent is faster / uses less memory):"
    echo
    echo "| reference | wall time ratio | CPU time ratio | peak RSS ratio |"
    echo "| --- | ---: | ---: | ---: |"
    echo "| DuckDB, ${threads[duck]} threads | $(ratio "${wall[affluent]}" "${wall[duck]}") | $(ratio "${cpu[affluent]}" "${cpu[duck]}") | $(ratio "${rss[affluent]}" "${rss[duck]}") |"
    echo "| DuckDB, 1 thread | $(ratio "${wall[affluent]}" "${wall[duck1]}") | $(ratio "${cpu[affluent]}" "${cpu[duck1]}") | $(ratio "${rss[affluent]}" "${rss[duck1]}") |"
    echo
    echo "Notes: wall and RSS cover the whole process, so DuckDB's side includes starting node and"
    echo "loading the native module (the in-process column shows node-side time from process start, and"
    echo "the COPY statement alone in parentheses). Output sizes differ because DuckDB infers \`amount\`"
    echo "as DOUBLE and writes \`273.80\` as \`273.8\`; affluent keeps exact decimals. Timings are noisy;"
    echo "compare ratios. Reproduce with \`bash bench/run.sh $rows\`."
} >"$result"

if [ "${KEEP_OUTPUT:-0}" != 1 ]; then
    for e in "${engines[@]}"; do rm -f "${out_of[$e]}"; done
fi
note "wrote ${result#"$root"/}"
echo
cat "$result"
