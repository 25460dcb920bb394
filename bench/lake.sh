#!/usr/bin/env bash
# lake.sh - side-by-side benchmark of lake writes, in one run, on the generated
# `sales` table (bench/gen_tables.c: ints, decimals, timestamps, uuids, text):
#   plain        `affluent run` into a lake table (append, one version)
#                vs the Parquet sink on the same pipeline (what the lake adds:
#                Delta log, statistics, catalog, raw copy off)
#                vs DuckDB `COPY (SELECT * FROM read_csv(..)) TO 'x.parquet'`;
#   partitioned  a lake table partitioned by `channel` (6 folders), then by
#                month of `ordered_at` and channel (72 folders, all open at
#                once: the memory case) vs DuckDB `COPY ... TO dir
#                (PARTITION_BY (..))`;
#   merge        upserting every row again into the table (1M keys found)
#                (no DuckDB line: it has no lake table to merge into).
# Every affluent table is read back with `affluent lake cat` and its row count
# checked; DuckDB's with read_parquet. Writes bench/results/lake.md.
#
# Usage: bash bench/lake.sh [ROWS]   (default 1000000)
# Environment: RUNS=3, SKIP_BUILD=1, AFFLUENT=PATH, RESULT=FILE (as bench/run.sh)
set -euo pipefail

cd "$(dirname "$0")/.."
. bench/lib.sh
rows=${1:-1000000}
runs=${RUNS:-3}
result=${RESULT:-$bench/results/lake.md}
bench_check_positive ROWS "$rows"
bench_check_positive RUNS "$runs"
bench_tools
bench_affluent
bench_compile_gen gen_tables
csv=$bench/data/sales_$rows.csv
if [ ! -f "$csv" ] || [ "$gen" -nt "$csv" ]; then
    note "generating $rows sales rows into ${csv#"$root"/}"
    "$gen" sales "$rows" "$csv.tmp" && mv "$csv.tmp" "$csv"
fi
bench_tmp

cat >"$tmp/p.yml" <<YML
version: 1
defaults: {lake: $tmp/lake, raw: false}
streams:
  plain: {source: {type: csv, path: $csv}, targets: [{type: lake}]}
  parquet: {source: {type: csv, path: $csv}, targets: [{type: parquet, path: $tmp/sink.parquet}]}
  part: {source: {type: csv, path: $csv}, targets: [{type: lake, partition_by: [channel]}]}
  part72: {source: {type: csv, path: $csv}, targets: [{type: lake, partition_by: ["month=ordered_at:month", channel]}]}
  merge: {source: {type: csv, path: $csv}, targets: [{type: lake, table: plain, mode: merge, key: [order_id]}]}
YML
marker() { echo "$tmp/lake/processed/$1/_delta_log/0000000000000000000$2.json"; }
declare -A out_of cmd_of
out_of[lake_plain]=$(marker plain 0)
cmd_of[lake_plain]="rm -rf $tmp/lake/processed/plain && exec $affluent run $tmp/p.yml --stream plain -q --no-progress"
out_of[sink_parquet]=$tmp/sink.parquet
cmd_of[sink_parquet]="exec $affluent run $tmp/p.yml --stream parquet -q --no-progress"
out_of[duck_plain]=$tmp/duck_plain.done
cmd_of[duck_plain]="rm -rf $tmp/duck_plain && exec node $bench/duckdb_lake.mjs $csv $tmp/duck_plain"
out_of[lake_part]=$(marker part 0)
cmd_of[lake_part]="rm -rf $tmp/lake/processed/part && exec $affluent run $tmp/p.yml --stream part -q --no-progress"
out_of[duck_part]=$tmp/duck_part.done
cmd_of[duck_part]="rm -rf $tmp/duck_part && exec node $bench/duckdb_lake.mjs $csv $tmp/duck_part channel"
out_of[lake_part72]=$(marker part72 0)
cmd_of[lake_part72]="rm -rf $tmp/lake/processed/part72 && exec $affluent run $tmp/p.yml --stream part72 -q --no-progress"
out_of[duck_part72]=$tmp/duck_part72.done
cmd_of[duck_part72]="rm -rf $tmp/duck_part72 && exec node $bench/duckdb_lake.mjs $csv $tmp/duck_part72 month,channel"
# merge: version 1 of a table whose version 0 holds every row
out_of[lake_merge]=$(marker plain 1)
cmd_of[lake_merge]="exec $affluent run $tmp/p.yml --stream merge -q --no-progress"

lines=(lake_plain sink_parquet duck_plain lake_part duck_part lake_part72 duck_part72)
for l in "${lines[@]}"; do bench_time "$l" warmup "${out_of[$l]}" bash -c "${cmd_of[$l]}"; done
for ((i = 1; i <= runs; i++)); do
    for l in "${lines[@]}"; do
        bench_time "$l" "$i" "${out_of[$l]}" bash -c "${cmd_of[$l]}"
        note "run $i/$runs $l: $(tail -1 "$tmp/$l.wall") s, $(tail -1 "$tmp/$l.rss") MiB"
    done
done
# merge runs on a fresh version 0 each time (the plain table), so each upserts all rows
for ((i = 1; i <= runs; i++)); do
    bash -c "${cmd_of[lake_plain]}" >/dev/null
    bench_time lake_merge "$i" "${out_of[lake_merge]}" bash -c "${cmd_of[lake_merge]}"
    note "run $i/$runs lake_merge: $(tail -1 "$tmp/lake_merge.wall") s, $(tail -1 "$tmp/lake_merge.rss") MiB"
done
bench_noise

# ---- checks: every output holds every row
count_lake() { "$affluent" lake cat "$1" --lake "$tmp/lake" --columns order_id --format csv | tail -n +2 | wc -l; }
count_duck() {
    node -e "
const { createRequire } = require('node:module');
const r = createRequire('$bench/.node/package.json');
(async () => { const { DuckDBInstance } = await import(r.resolve('@duckdb/node-api'));
const c = await (await DuckDBInstance.create(':memory:')).connect();
const x = await c.runAndReadAll(\"SELECT count(*) FROM read_parquet('$1/**/*.parquet', hive_partitioning = true)\");
console.log(String(x.getRows()[0][0])); })();"
}
bash -c "${cmd_of[lake_plain]}" >/dev/null
bash -c "${cmd_of[lake_merge]}" >/dev/null
[ "$(count_lake plain)" = "$rows" ] || die "the merged table does not hold $rows rows"
[ "$(count_lake part)" = "$rows" ] || die "the partitioned table does not hold $rows rows"
[ "$(count_lake part72)" = "$rows" ] || die "the 72-partition table does not hold $rows rows"
[ "$(count_duck "$tmp/duck_part")" = "$rows" ] || die "DuckDB's partitioned output does not hold $rows rows"
[ "$(count_duck "$tmp/duck_part72")" = "$rows" ] || die "DuckDB's 72-partition output does not hold $rows rows"
files_part=$(find "$tmp/lake/processed/part" -name '*.parquet' | wc -l)
files_duck=$(find "$tmp/duck_part" -name '*.parquet' | wc -l)
files_part72=$(find "$tmp/lake/processed/part72" -name '*.parquet' | wc -l)
files_duck72=$(find "$tmp/duck_part72" -name '*.parquet' | wc -l)

# ---- report
med() { median <"$tmp/$1.wall"; }
rss() { median <"$tmp/$1.rss"; }
{
    echo "# Lake writes: affluent vs DuckDB"
    echo
    echo "\`bash bench/lake.sh $rows\` on $(nproc) cores, $(date -u +%Y-%m-%d); $affluent_version, DuckDB (node) $duck_api_installed; $rows rows of \`sales\` ($(mb "$(stat -c %s "$csv")") MB of CSV)."
    echo "Median of $runs runs after a warm-up, whole process under \`/usr/bin/time -v\`; other processes used $other_s CPU s ($other_pct% of the machine) during the ${span_s} s of timed runs."
    echo
    echo "| job | engine | wall s (median) | × affluent lake | peak RSS MiB |"
    echo "| --- | --- | --- | --- | --- |"
    echo "| CSV -> table | affluent lake (Delta, stats, catalog) | $(med lake_plain) | 1.00 | $(rss lake_plain) |"
    echo "| CSV -> table | affluent parquet sink (one file) | $(med sink_parquet) | $(ratio "$(med sink_parquet)" "$(med lake_plain)") | $(rss sink_parquet) |"
    echo "| CSV -> table | DuckDB COPY to Parquet | $(med duck_plain) | $(ratio "$(med duck_plain)" "$(med lake_plain)") | $(rss duck_plain) |"
    echo "| CSV -> partitioned by channel | affluent lake ($files_part files) | $(med lake_part) | 1.00 | $(rss lake_part) |"
    echo "| CSV -> partitioned by channel | DuckDB COPY PARTITION_BY ($files_duck files) | $(med duck_part) | $(ratio "$(med duck_part)" "$(med lake_part)") | $(rss duck_part) |"
    echo "| CSV -> partitioned by month and channel | affluent lake ($files_part72 files) | $(med lake_part72) | 1.00 | $(rss lake_part72) |"
    echo "| CSV -> partitioned by month and channel | DuckDB COPY PARTITION_BY ($files_duck72 files) | $(med duck_part72) | $(ratio "$(med duck_part72)" "$(med lake_part72)") | $(rss duck_part72) |"
    echo "| upsert every row (merge on order_id) | affluent lake | $(med lake_merge) | - | $(rss lake_merge) |"
    echo
    echo "× affluent: the engine's time over affluent's (above 1: affluent is faster)."
} >"$result"
cat "$result"
