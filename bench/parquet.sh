#!/usr/bin/env bash
# parquet.sh - side-by-side benchmark of Parquet jobs against DuckDB, in one run:
#   CSV -> Parquet (zstd): `affluent convert in.csv out.parquet --compression zstd`
#       vs `COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet, COMPRESSION zstd)`,
#       from plain .csv and from .csv.gz (gzip -6);
#   Parquet -> CSV: `affluent convert in.parquet out.csv` vs
#       `COPY (SELECT * FROM read_parquet(...)) TO ... (HEADER)`, both engines reading the
#       same file: DuckDB's Parquet output, then affluent's;
# on two generated tables (bench/gen_tables.c): `reviews` (wide text) and `sales`
# (ints, decimals, timestamps, uuids, nullable strings).
#
# Usage: bash bench/parquet.sh [ROWS]      (default ROWS=1000000 per table)
# Environment:
#   RUNS=3                 timed runs per line (the median is reported)
#   TABLES="reviews sales" which tables to run
#   SKIP_BUILD=1, AFFLUENT=PATH, AFFLUENT_DESC=TEXT, DUCKDB_NODE_API=...   as for run.sh
#   KEEP_OUTPUT=1          keep the engines' output files in bench/data/
#   JOBS="csv gz pq"       which jobs to run: csv and gz (CSV and .csv.gz -> Parquet,
#                          i.e. read_csv) and pq (Parquet -> CSV)
#   RESULT=FILE            where the report goes (default bench/results/parquet.md)
#
# Before affluent can write Parquet (`convert` to .parquet) its CSV -> Parquet lines
# show n/a and only DuckDB's file feeds the Parquet -> CSV lines; before `convert`
# reads .csv.gz the .csv.gz lines show n/a for affluent; before `convert` reads
# Parquet, affluent's Parquet -> CSV line runs `affluent parquet cat IN > OUT`.
# Every output is verified (rows, and per-column non-null counts and checksums
# computed by DuckDB, and affluent's own read of the Parquet files); the script
# fails on any difference. Writes bench/results/parquet.md and prints it.
# Shared machinery: bench/lib.sh. See bench/README.md.
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh
rows=${1:-1000000}
runs=${RUNS:-3}
tables=${TABLES:-reviews sales}
jobs=" ${JOBS:-csv gz pq} "

bench_check_positive ROWS "$rows"
bench_check_positive RUNS "$runs"
for t in $tables; do
    case $t in reviews | sales) ;; *) die "TABLES: unknown table '$t' (reviews, sales)" ;; esac
done

bench_tools
bench_affluent
bench_compile_gen gen_tables
duck=(node "$bench/duckdb_parquet.mjs")

# ---------------------------------------------------------------- inputs
# bench/data/TABLE_ROWS.csv and .csv.gz, regenerated when the generator is newer
declare -A csv_of gz_of
for t in $tables; do
    csv_of[$t]=$bench/data/${t}_$rows.csv
    gz_of[$t]=$bench/data/${t}_$rows.csv.gz
    if [ ! -f "${csv_of[$t]}" ] || [ "$gen" -nt "${csv_of[$t]}" ]; then
        note "generating $rows $t rows into ${csv_of[$t]#"$root"/}"
        "$gen" "$t" "$rows" "${csv_of[$t]}.tmp" || die "gen_tables $t failed"
        mv "${csv_of[$t]}.tmp" "${csv_of[$t]}"
    fi
    if [ ! -f "${gz_of[$t]}" ] || [ "${csv_of[$t]}" -nt "${gz_of[$t]}" ]; then
        note "compressing ${csv_of[$t]#"$root"/} with gzip -6"
        gzip -6 -c "${csv_of[$t]}" >"${gz_of[$t]}.tmp" || die "gzip failed"
        mv "${gz_of[$t]}.tmp" "${gz_of[$t]}"
    fi
done

bench_tmp

# ---------------------------------------------------------------- what affluent can do
# probed on a tiny file, so the benchmark runs (with n/a lines) before a feature lands
printf 'a,b,c\n1,x,2.50\n2,"y,z",3.25\n' >"$tmp/probe.csv"
gzip -6 -c "$tmp/probe.csv" >"$tmp/probe.csv.gz"
af_writes_parquet=0
if "$affluent" convert "$tmp/probe.csv" "$tmp/probe.parquet" --compression zstd >/dev/null 2>&1 &&
    [ "$(head -c 4 "$tmp/probe.parquet" 2>/dev/null)" = PAR1 ]; then
    af_writes_parquet=1
fi
af_reads_gz=0
if "$affluent" convert "$tmp/probe.csv.gz" "$tmp/probe_gz.csv" >/dev/null 2>&1 &&
    "$affluent" convert "$tmp/probe.csv" "$tmp/probe_plain.csv" >/dev/null 2>&1 &&
    cmp -s "$tmp/probe_plain.csv" "$tmp/probe_gz.csv"; then
    af_reads_gz=1
fi
"${duck[@]}" to-parquet "$tmp/probe.csv" "$tmp/probe_duck.parquet" >/dev/null || die "DuckDB could not write Parquet"
af_convert_reads_parquet=0
if "$affluent" convert "$tmp/probe_duck.parquet" "$tmp/probe_pq.csv" >/dev/null 2>&1 && [ -s "$tmp/probe_pq.csv" ]; then
    af_convert_reads_parquet=1
fi
note "affluent: writes Parquet: $af_writes_parquet, reads .csv.gz: $af_reads_gz, convert reads Parquet: $af_convert_reads_parquet"

# ---------------------------------------------------------------- lines
# a line is TABLE.JOB.ENGINE; JOB: csv / gz (-> Parquet), pqduck / pqaf (Parquet -> CSV
# from DuckDB's / affluent's Parquet file); ENGINE: affluent, duck, duck1
engines=(affluent duck duck1)
declare -A in_of out_of
line_cmd() { # LINE: sets cmd
    local t=${1%%.*} rest=${1#*.}
    local job=${rest%%.*} e=${rest#*.}
    local in=${in_of[$1]} out=${out_of[$1]}
    case $job.$e in
    csv.affluent | gz.affluent) cmd=("$affluent" convert "$in" "$out" --compression zstd) ;;
    csv.duck | gz.duck) cmd=("${duck[@]}" to-parquet "$in" "$out") ;;
    csv.duck1 | gz.duck1) cmd=("${duck[@]}" to-parquet "$in" "$out" 1) ;;
    pq*.affluent)
        if [ "$af_convert_reads_parquet" = 1 ]; then
            cmd=("$affluent" convert "$in" "$out")
        else
            cmd=(bash -c 'exec "$0" parquet cat "$1" >"$2"' "$affluent" "$in" "$out")
        fi
        ;;
    pq*.duck) cmd=("${duck[@]}" to-csv "$in" "$out") ;;
    pq*.duck1) cmd=("${duck[@]}" to-csv "$in" "$out" 1) ;;
    esac
}

# run_group LINE...: one warm-up each, then RUNS rounds, interleaved
run_group() {
    local l
    for l in "$@"; do
        line_cmd "$l"
        bench_time "$l" warmup "${out_of[$l]}" "${cmd[@]}"
    done
    for ((i = 1; i <= runs; i++)); do
        for l in "$@"; do
            line_cmd "$l"
            bench_time "$l" "$i" "${out_of[$l]}" "${cmd[@]}"
            note "run $i/$runs $l: $(tail -1 "$tmp/$l.wall") s wall, $(tail -1 "$tmp/$l.rss") MiB peak RSS"
        done
    done
}

# ---------------------------------------------------------------- verification
# DuckDB's fingerprint (rows; per column: non-null count and checksum) of FILE
fingerprint() { "${duck[@]}" fingerprint "$1" | cut -f2-4 || die "fingerprint of $1 failed"; }
declare -A fp_of # table -> fingerprint file of its input
verify_same() { # WHAT FILE TABLE
    fingerprint "$2" >"$tmp/fp.out"
    if ! diff "${fp_of[$3]}" "$tmp/fp.out" >"$tmp/fp.diff"; then
        cat "$tmp/fp.diff" >&2
        die "$1: ${2#"$root"/} differs from the input (DuckDB's rows, non-null counts and checksums per column; < input, > output)"
    fi
}
verify_af_reads() { # FILE: affluent parquet cat must see every row
    local n
    n=$("$affluent" parquet cat "$1" --format ndjson | wc -l) || die "affluent parquet cat ${1#"$root"/} failed"
    [ "$n" = "$rows" ] || die "affluent parquet cat ${1#"$root"/} printed $n rows, expected $rows"
}
declare -A copy_rows_ok
verify_copy_rows() { # LINE: DuckDB's COPY reported ROWS in every run
    local i r
    for ((i = 1; i <= runs; i++)); do
        r=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).rows)' <"$tmp/$1.$i.out") ||
            die "$1 run $i printed no JSON result"
        [ "$r" = "$rows" ] || die "$1: DuckDB's COPY reported $r rows, expected $rows"
    done
}

# ---------------------------------------------------------------- runs
declare -A active # lines that ran
for t in $tables; do
    note "$t: input ${csv_of[$t]#"$root"/} ($(stat -c %s "${csv_of[$t]}") bytes), ${gz_of[$t]#"$root"/} ($(stat -c %s "${gz_of[$t]}") bytes)"
    fp_of[$t]=$tmp/$t.input.fp
    fingerprint "${csv_of[$t]}" >"${fp_of[$t]}"
    [ "$(awk -F'\t' '$1 == "*" { print $2 }' "${fp_of[$t]}")" = "$rows" ] || die "$t input: DuckDB does not read $rows rows"
    [ "$(csv_data_rows "${csv_of[$t]}")" = "$rows" ] || die "$t input: not $rows RFC 4180 records"

    for job in csv gz; do
        [[ "$jobs" == *" $job "* ]] || [ "$job" = csv ] || continue # csv feeds the pq jobs
        lines=()
        for e in "${engines[@]}"; do
            l=$t.$job.$e
            [ "$e" = affluent ] && [ "$af_writes_parquet" = 0 ] && continue
            [ "$e.$job" = affluent.gz ] && [ "$af_reads_gz" = 0 ] && continue
            if [ "$job" = csv ]; then in_of[$l]=${csv_of[$t]}; else in_of[$l]=${gz_of[$t]}; fi
            out_of[$l]=$bench/data/out_${t}_$job.$e.parquet
            lines+=("$l")
            active[$l]=1
        done
        note "$t: CSV$([ "$job" = gz ] && echo .gz) -> Parquet: ${lines[*]}"
        run_group "${lines[@]}"
        for l in "${lines[@]}"; do
            verify_same "$l" "${out_of[$l]}" "$t"
            case $l in *.duck*) verify_copy_rows "$l" ;; esac
        done
    done
    verify_af_reads "${out_of[$t.csv.duck]}"
    [ "$af_writes_parquet" = 1 ] && verify_af_reads "${out_of[$t.csv.affluent]}"

    for src in duck affluent; do
        [[ "$jobs" == *" pq "* ]] || continue
        [ "$src" = affluent ] && [ "$af_writes_parquet" = 0 ] && continue
        job=pq$([ "$src" = duck ] && echo duck || echo af)
        lines=()
        for e in "${engines[@]}"; do
            l=$t.$job.$e
            in_of[$l]=${out_of[$t.csv.$src]}
            out_of[$l]=$bench/data/out_${t}_$job.$e.csv
            lines+=("$l")
            active[$l]=1
        done
        note "$t: Parquet ($src's file) -> CSV: ${lines[*]}"
        run_group "${lines[@]}"
        for l in "${lines[@]}"; do
            n=$(csv_data_rows "${out_of[$l]}")
            [ "$n" = "$rows" ] || die "$l: wrote $n RFC 4180 data rows, expected $rows"
            verify_same "$l" "${out_of[$l]}" "$t"
            case $l in *.duck*) verify_copy_rows "$l" ;; esac
        done
    done
    note "$t: verified: every output has $rows rows and the input's per-column non-null counts and checksums"
done
bench_noise

# ---------------------------------------------------------------- report
declare -A wall rss cpu bytes
for l in "${!active[@]}"; do
    wall[$l]=$(median <"$tmp/$l.wall")
    rss[$l]=$(median <"$tmp/$l.rss")
    cpu[$l]=$(median <"$tmp/$l.cpu")
    bytes[$l]=$(stat -c %s "${out_of[$l]}")
done
duck_version=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).duckdb_version)' \
    <"$tmp/${tables%% *}.csv.duck.1.out")
duck_threads=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0, "utf8")).threads)' \
    <"$tmp/${tables%% *}.csv.duck.1.out")
engine_name() {
    case $1 in
    affluent) echo "affluent" ;;
    duck) echo "DuckDB ($duck_threads threads)" ;;
    duck1) echo "DuckDB (1 thread)" ;;
    esac
}
# time of LINE divided by the affluent line of the same job: above 1.00 affluent is faster
vs_af() {
    local af=${1%.*}.affluent
    if [ -n "${active[$af]:-}" ]; then ratio "${wall[$1]}" "${wall[$af]}"; else echo "n/a"; fi
}
row() { # LINE TABLE_LABEL INPUT_LABEL
    local l=$1 e=${1##*.}
    if [ -z "${active[$l]:-}" ]; then
        echo "| $2 | $3 | $(engine_name "$e") | n/a | | | | | | |"
        return
    fi
    echo "| $2 | $3 | $(engine_name "$e") | ${wall[$l]} | $(runs_of "$l") | $(vs_af "$l") | ${cpu[$l]} | ${rss[$l]} | ${bytes[$l]} | $(mb "${bytes[$l]}") |"
}
met() { if awk -v x="$1" -v op="$2" -v y="$3" 'BEGIN { exit !(op == ">=" ? x >= y : op == "<" ? x < y : op == ">" ? x > y : 0) }'; then echo "met"; else echo "**not met**"; fi; }

result=${RESULT:-$bench/results/parquet.md}
{
    if [[ "$jobs" == *" pq "* ]]; then echo "# Parquet: affluent vs DuckDB"; else echo "# CSV and .csv.gz -> Parquet (DuckDB read_csv): affluent vs DuckDB"; fi
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |"
    echo "| machine | $(machine_desc) |"
    for t in $tables; do
        echo "| input \`$t\` | \`bench/data/${t}_$rows.csv\` from \`bench/gen_tables.c $t\`: $rows data rows, $(stat -c %s "${csv_of[$t]}") bytes ($(mb "$(stat -c %s "${csv_of[$t]}")") MB); \`.csv.gz\` (gzip -6): $(stat -c %s "${gz_of[$t]}") bytes |"
    done
    echo "| affluent | \`$affluent_version\` ($affluent_source): \`affluent convert in.csv[.gz] out.parquet --compression zstd\`; Parquet -> CSV: $([ "$af_convert_reads_parquet" = 1 ] && echo "\`affluent convert in.parquet out.csv\`" || echo "\`affluent parquet cat in.parquet > out.csv\` (\`convert\` does not read Parquet yet)") |"
    echo "| duckdb | $duck_version (@duckdb/node-api $duck_api_installed, node $(node --version)), one node process: \`COPY (SELECT * FROM read_csv('in')) TO 'out.parquet' (FORMAT parquet, COMPRESSION zstd)\`; \`COPY (SELECT * FROM read_parquet('in')) TO 'out.csv' (HEADER)\` |"
    echo "| method | per job, each line gets one warm-up, then $runs timed runs interleaved, \`sync\` before each; median shown; whole process measured by \`/usr/bin/time -v\`; other processes used $other_s CPU s ($other_pct% of the machine's capacity) during the ${span_s} s of timed runs |"
    echo "| verified | every output has $rows rows and, read back by DuckDB, the input's non-null count and checksum in every column (numbers summed exactly, timestamps as epoch µs, text by length); \`affluent parquet cat\` reads every row of the Parquet files fed to the Parquet -> CSV jobs |"
    echo
    echo "## CSV -> Parquet (zstd)"
    echo
    echo "\"× affluent\" is the line's wall time divided by affluent's on the same input: **above 1.00 affluent is faster**."
    echo
    echo "| table | input | engine | wall s (median) | wall s (each run) | × affluent | CPU s | peak RSS MiB | output bytes | output MB |"
    echo "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
    for t in $tables; do
        for job in csv gz; do
            for e in "${engines[@]}"; do
                row "$t.$job.$e" "$t" "$([ "$job" = csv ] && echo ".csv" || echo ".csv.gz")"
            done
        done
    done
    echo
    if [ "$af_writes_parquet" = 1 ]; then
        echo "Parquet size, affluent ÷ DuckDB ($duck_threads threads), from plain CSV:"
        for t in $tables; do
            echo "\`$t\` $(ratio "${bytes[$t.csv.affluent]}" "${bytes[$t.csv.duck]}") (${bytes[$t.csv.affluent]} / ${bytes[$t.csv.duck]} bytes)."
        done
    else
        echo "affluent cannot write Parquet in this build (\`convert\` to .parquet failed on a probe): its lines are n/a."
    fi
    if [[ "$jobs" == *" pq "* ]]; then
    echo
    echo "## Parquet -> CSV"
    echo
    echo "| table | Parquet file read | engine | wall s (median) | wall s (each run) | × affluent | CPU s | peak RSS MiB | output bytes | output MB |"
    echo "| --- | --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
    for t in $tables; do
        for job in pqduck pqaf; do
            for e in "${engines[@]}"; do
                row "$t.$job.$e" "$t" "$([ "$job" = pqduck ] && echo "DuckDB's ($(mb "$(stat -c %s "${out_of[$t.csv.duck]}")") MB)" || echo "affluent's ($(mb "$(stat -c %s "${out_of[$t.csv.affluent]}")") MB)")"
            done
        done
    done
    fi
    echo
    echo "## Targets"
    echo
    echo "| target | table | measured | status |"
    echo "| --- | --- | --- | --- |"
    for t in $tables; do
        if [ "$af_writes_parquet" = 1 ]; then
            x=$(vs_af "$t.csv.duck")
            echo "| CSV -> Parquet ≥ 1.5× faster than DuckDB ($duck_threads threads) | $t | ${x}× (1 thread: $(vs_af "$t.csv.duck1")×) | $(met "$x" ">=" 1.5) |"
            if [ -n "${active[$t.gz.affluent]:-}" ]; then
                x=$(vs_af "$t.gz.duck")
                echo "| .csv.gz -> Parquet ≥ 3× faster than DuckDB ($duck_threads threads) | $t | ${x}× (1 thread: $(vs_af "$t.gz.duck1")×) | $(met "$x" ">=" 3) |"
            else
                echo "| .csv.gz -> Parquet ≥ 3× faster than DuckDB | $t | n/a: affluent does not read .csv.gz yet | not measured |"
            fi
            x=$(ratio "${bytes[$t.csv.affluent]}" "${bytes[$t.csv.duck]}")
            y=$(awk -v r="$x" 'BEGIN { d = r - 1; if (d < 0) d = -d; print d }')
            echo "| Parquet size within 10% of DuckDB's | $t | ${x}× DuckDB's | $(met "$y" "<" 0.100001) |"
        else
            echo "| CSV -> Parquet targets (speed, size) | $t | n/a: affluent does not write Parquet yet | not measured |"
        fi
        x=0
        for l in "$t.csv.affluent" "$t.gz.affluent" "$t.pqduck.affluent" "$t.pqaf.affluent"; do
            [ -n "${active[$l]:-}" ] && x=$(awk -v a="$x" -v b="${rss[$l]}" 'BEGIN { print (b > a ? b : a) }')
        done
        echo "| affluent peak RSS < 200 MB (largest of its lines) | $t | $x MiB | $(met "$x" "<" 190.7) |"
        if [ -n "${active[$t.pqduck.affluent]:-}" ]; then
            x=$(vs_af "$t.pqduck.duck")
            echo "| Parquet -> CSV faster than DuckDB ($duck_threads threads), DuckDB's file | $t | ${x}× (1 thread: $(vs_af "$t.pqduck.duck1")×) | $(met "$x" ">" 1) |"
        fi
        if [ -n "${active[$t.pqaf.affluent]:-}" ]; then
            x=$(vs_af "$t.pqaf.duck")
            echo "| Parquet -> CSV faster than DuckDB ($duck_threads threads), affluent's file | $t | ${x}× (1 thread: $(vs_af "$t.pqaf.duck1")×) | $(met "$x" ">" 1) |"
        fi
    done
    echo
    echo "Notes: wall and RSS cover the whole process, so DuckDB's side includes starting node and"
    echo "loading the native module (~0.3 s). \`read_csv\` infers the decimal columns of \`sales\` as"
    echo "DOUBLE and its integers as BIGINT, while affluent infers exact decimals (decimal(18,s)), so the"
    echo "two Parquet files differ in column types (the checksums compare values, not types)."
    echo "200 MB is read as 200 × 10^6 bytes (190.7 MiB). Timings are noisy; compare ratios."
    echo "Reproduce with \`$([[ "$jobs" == " csv gz pq " ]] || echo "JOBS=\"${JOBS:-}\" ")bash bench/parquet.sh $rows\`."
} >"$result"

if [ "${KEEP_OUTPUT:-0}" != 1 ]; then
    for l in "${!active[@]}"; do rm -f "${out_of[$l]}"; done
fi
note "wrote ${result#"$root"/}"
echo
cat "$result"
