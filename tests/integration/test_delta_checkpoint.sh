#!/usr/bin/env bash
# test_delta_checkpoint.sh - Delta checkpoints checked by an independent
# reader. $AF_TEST_TOOLS/delta_checkpoint_demo writes a checkpoint of a
# hand-made table state (3 live files, one with a null partition value and
# one with a space in it, 1 tombstone, 1 app transaction, protocol (3, 7)
# with timestampNtz) and prints what our own checkpoint reader reads back;
# then DuckDB (@duckdb/node-api) reads the same Parquet file with
# read_parquet and must see exactly the same values: adds with their
# partition values and sizes, the remove, the txn, metaData (schemaString,
# partition columns, configuration) and protocol.
# Needs node and @duckdb/node-api in tests/.node (bash scripts/setup-test-tools.sh).
# Without them: FAIL when CI is set, otherwise SKIP (exit 0).
. "$(dirname "$0")/lib.sh"

demo=${AF_TEST_TOOLS:-$AF_SOURCE_DIR/build/tests}/delta_checkpoint_demo
if [ ! -x "$demo" ]; then
  fail "$demo is not built (tests/tools/delta_checkpoint_demo.c)"
  finish
fi

lake=$WORK/lake
log=$lake/processed/demo/_delta_log
ours=$("$demo" "$lake" 2>&1)
check_eq "delta_checkpoint_demo exit status" "$?" "0"
check_file "checkpoint written" "$log/00000000000000000010.checkpoint.parquet"
check_eq "_last_checkpoint" "$(cat "$log/_last_checkpoint")" '{"version":10,"size":7}'
# no staging leftovers next to them
check_eq "log folder holds only the two objects" "$(ls -A "$log" | tr '\n' ' ')" \
  "00000000000000000010.checkpoint.parquet _last_checkpoint "

schema='{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}},{"name":"amount","type":"decimal(19,4)","nullable":true,"metadata":{}},{"name":"seen","type":"timestamp_ntz","nullable":true,"metadata":{}},{"name":"region","type":"string","nullable":true,"metadata":{}},{"name":"day","type":"date","nullable":true,"metadata":{}}]}'
adds='region=__HIVE_DEFAULT_PARTITION__/day=2026-01-30/part-00000-a.parquet 1000 {"region":null,"day":"2026-01-30"}
region=eu%20west/day=2026-01-30/part-00000-b.parquet 1001 {"region":"eu west","day":"2026-01-30"}
region=us/day=2026-01-31/part-00000-c.parquet 1002 {"region":"us","day":"2026-01-31"}'

# ---- what our reader reads
check_eq "ours: protocol" "$(grep '^protocol ' <<<"$ours")" "protocol 3 7 timestampNtz timestampNtz"
check_eq "ours: partition columns" "$(grep '^partitionColumns ' <<<"$ours")" "partitionColumns region,day"
check_eq "ours: adds" "$(grep '^add ' <<<"$ours" | sed 's/^add //')" "$adds"
check_eq "ours: remove" "$(grep '^remove ' <<<"$ours")" "remove region=us/day=2026-01-29/part-00000-old.parquet"
check_eq "ours: txn" "$(grep '^txn ' <<<"$ours")" "txn affluent:demo 7"
check_eq "ours: schemaString" "$(grep '^schema ' <<<"$ours" | sed 's/^schema //')" "$schema"

# ---- what DuckDB reads
duck_dir=${AF_DUCKDB_NODE_DIR:-$AF_SOURCE_DIR/tests/.node}
if ! command -v node >/dev/null || [ ! -f "$duck_dir/node_modules/@duckdb/node-api/package.json" ]; then
  msg="node and @duckdb/node-api (in $duck_dir) are needed: install them with 'bash scripts/setup-test-tools.sh' (scripts/test.sh does)"
  if [ -n "${CI:-}" ]; then
    fail "$msg"
    finish
  fi
  echo "SKIP (DuckDB part): $(basename "$0"): $msg"
  finish
fi

cat >"$WORK/query.mjs" <<'JS'
// Runs each SQL argument after the first (the module URL of duckdb.mjs) and
// prints the rows, values joined by spaces, NULL for null.
const { connect } = await import(process.argv[2]);
const { conn } = await connect();
for (const sql of process.argv.slice(3)) {
  const reader = await conn.runAndReadAll(sql);
  for (const row of reader.getRows())
    console.log(row.map((v) => (v === null ? 'NULL' : String(v))).join(' '));
  console.log('--');
}
JS
f=$log/00000000000000000010.checkpoint.parquet
src="read_parquet('$f')"
duck=$(node "$WORK/query.mjs" "file://$AF_SOURCE_DIR/tests/interop/duckdb.mjs" \
  "SELECT add.path, add.size::VARCHAR, to_json(add.partitionValues)::VARCHAR FROM $src WHERE add IS NOT NULL ORDER BY 1" \
  "SELECT metaData.schemaString FROM $src WHERE metaData IS NOT NULL" \
  "SELECT protocol.minReaderVersion::VARCHAR, protocol.minWriterVersion::VARCHAR, array_to_string(protocol.readerFeatures, ','), array_to_string(protocol.writerFeatures, ',') FROM $src WHERE protocol IS NOT NULL" \
  "SELECT remove.path, remove.size::VARCHAR, remove.deletionTimestamp::VARCHAR, remove.dataChange::VARCHAR, to_json(remove.partitionValues)::VARCHAR FROM $src WHERE remove IS NOT NULL" \
  "SELECT txn.appId, txn.version::VARCHAR, txn.lastUpdated::VARCHAR FROM $src WHERE txn IS NOT NULL" \
  "SELECT metaData.id, metaData.name, coalesce(metaData.description, 'NULL'), metaData.format.provider, array_to_string(metaData.partitionColumns, ','), to_json(metaData.configuration)::VARCHAR, metaData.createdTime::VARCHAR FROM $src WHERE metaData IS NOT NULL" \
  "SELECT count(*)::VARCHAR, count(add)::VARCHAR, count(remove)::VARCHAR, count(txn)::VARCHAR, count(metaData)::VARCHAR, count(protocol)::VARCHAR FROM $src" \
  "SELECT add.path, add.stats, add.modificationTime::VARCHAR, add.dataChange::VARCHAR FROM $src WHERE add IS NOT NULL ORDER BY 1 LIMIT 1" \
  2>&1)
check_eq "node exit status" "$?" "0"
answer() { awk -v n="$1" 'BEGIN{RS="--\n"} NR==n {sub(/\n$/, ""); print}' <<<"$duck"; }
check_eq "duckdb: adds (path, size, partition values)" "$(answer 1)" "$(sed -E 's/^([^ ]+) ([0-9]+) (.*)$/\1 \2 \3/' <<<"$adds")"
check_eq "duckdb: schemaString" "$(answer 2)" "$schema"
check_eq "duckdb: protocol" "$(answer 3)" "3 7 timestampNtz timestampNtz"
check_eq "duckdb: remove" "$(answer 4)" 'region=us/day=2026-01-29/part-00000-old.parquet 777 1769860900000 true {"region":"us","day":"2026-01-29"}'
check_eq "duckdb: txn" "$(answer 5)" "affluent:demo 7 1769860801000"
check_eq "duckdb: metaData" "$(answer 6)" '00000000-0000-4000-8000-000000000010 demo NULL parquet region,day {"delta.checkpointInterval":"10"} 1769860800000'
check_eq "duckdb: one action per row" "$(answer 7)" "7 3 1 1 1 1"
check_eq "duckdb: add stats" "$(answer 8)" 'region=__HIVE_DEFAULT_PARTITION__/day=2026-01-30/part-00000-a.parquet {"numRecords":10} 1769860000000 true'
finish
