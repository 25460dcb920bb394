#!/usr/bin/env bash
# test_lake.sh - lake tables end to end: pipelines with lake targets in
# every write mode, `affluent lake list|history|cat|rollback|vacuum|compact`,
# and two independent readers that must see exactly the rows of the
# version `lake cat` prints:
#   - DuckDB over the table folder (Parquet glob, hive partitioning), for
#     tables whose folder holds only live files (appends; after a vacuum);
#   - tests/interop/lake_read.mjs, a Delta log reader written in JavaScript
#     (checkpoints read by DuckDB), giving DuckDB the live file list.
# Clocks are fixed with AFFLUENT_NOW so history and retention are exact.
. "$(dirname "$0")/lib.sh"
oracle=$AF_SOURCE_DIR/tests/interop/lake_read.mjs

duck_dir=${AF_DUCKDB_NODE_DIR:-$AF_SOURCE_DIR/tests/.node}
have_duck=1
if ! command -v node >/dev/null || [ ! -f "$duck_dir/node_modules/@duckdb/node-api/package.json" ]; then
  msg="node and @duckdb/node-api (in $duck_dir) are needed: install them with 'bash scripts/setup-test-tools.sh'"
  if [ -n "${CI:-}" ]; then fail "$msg"; fi
  echo "SKIP (DuckDB checks): $msg"
  have_duck=0
fi

cd "$WORK" || exit 1
export AFFLUENT_LAKE=$WORK/lake
run() { # run AFFLUENT_NOW PIPELINE [args]
  local now=$1
  shift
  AFFLUENT_NOW=$now "$AFFLUENT" run "$@" -q --no-progress >"$WORK/run.out" 2>&1
}
# cat_sorted TABLE COLUMNS [lake cat options]: rows as sorted CSV lines
cat_sorted() {
  local table=$1 cols=$2
  shift 2
  "$AFFLUENT" lake cat "$table" --columns "$cols" --format csv "$@" | tail -n +2 | LC_ALL=C sort
}
# agree WHAT TABLE COLUMNS MODE [VERSION]: the oracle sees what lake cat prints
agree() {
  [ "$have_duck" = 1 ] || return 0
  local what=$1 table=$2 cols=$3 mode=$4 version=${5:-}
  local ours theirs
  if [ -n "$version" ]; then ours=$(cat_sorted "$table" "$cols" --version "$version"); else ours=$(cat_sorted "$table" "$cols"); fi
  theirs=$(node "$oracle" "$mode" "$WORK/lake/processed/$table" "$cols" $version 2>&1 | LC_ALL=C sort)
  check_eq "$what ($mode reader)" "$theirs" "$ours"
}

# ---- append, partitioned by a date part of a timestamp, raw copies on
mkdir -p in
printf 'id,user,amount,at\n1,ann,1.50,2024-01-30T10:00:00Z\n2,bob,2.25,2024-01-31T23:59:59Z\n' >in/a.csv
printf 'id,user,amount,at\n3,cid,3.00,2024-01-31T08:00:00Z\n' >in/b.csv
cat >events.yml <<'EOF'
version: 1
defaults:
  lake: ./lake
streams:
  events:
    description: Shop events
    source: {type: csv, path: in/}
    targets:
      - type: lake
        partition_by: [day=at:day]
        retention_days: 3
EOF
run 2024-02-01T00:00:00Z events.yml
check_eq "first append runs" "$?" "0"
check_eq "first append: rows" "$(cat_sorted events id,user,amount,at,day)" \
  "1,ann,1.50,2024-01-30T10:00:00.000000Z,2024-01-30
2,bob,2.25,2024-01-31T23:59:59.000000Z,2024-01-31
3,cid,3.00,2024-01-31T08:00:00.000000Z,2024-01-31"
check_eq "hive folders" "$(cd lake/processed/events && ls -d day=*)" "day=2024-01-30
day=2024-01-31"
agree "append v0" events id,user,amount,day glob
agree "append v0" events id,user,amount,day log
printf 'id,user,amount,at\n4,dan,4.00,2024-02-02T09:00:00Z\n' >in/c.csv
run 2024-02-02T00:00:00Z events.yml
check_eq "second append: only the new file is read (raw zone skips the others)" \
  "$(cat_sorted events id)" "1
2
3
4"
agree "append v1" events id,user,amount,day glob
agree "append v1" events id,user,amount,day log
# retention: at 2024-02-04 12:00, 3 days keep 2024-02-01 on: the January partitions go
printf 'id,user,amount,at\n5,eve,5.00,2024-02-04T01:00:00Z\n' >in/d.csv
run 2024-02-04T12:00:00Z events.yml
check_eq "retention dropped the January partitions" "$(cat_sorted events id,day)" "4,2024-02-02
5,2024-02-04"
agree "after retention" events id,user,amount,day log

# ---- history, time travel
hist=$("$AFFLUENT" lake history events --format csv | cut -d, -f1-8)
check_eq "history" "$hist" "version,timestamp,operation,mode,rows_added,rows_removed,files_added,files_removed
0,2024-02-01T00:00:00.000Z,WRITE,Append,3,0,2,0
1,2024-02-02T00:00:00.000Z,WRITE,Append,1,0,1,0
2,2024-02-04T12:00:00.000Z,WRITE,Append,1,3,1,2"
check_eq "cat --version 0" "$(cat_sorted events id --version 0)" "1
2
3"
check_eq "cat --as-of between versions 1 and 2" "$(cat_sorted events id --as-of 2024-02-04T00:00:00Z)" "1
2
3
4"
agree "time travel to version 1" events id,user,amount,day log 1
out=$("$AFFLUENT" lake cat events --as-of 2024-01-01T00:00:00Z 2>&1)
check_eq "as-of before the table: exit 1" "$?" "1"
check_eq "as-of before the table: message" "$out" "affluent lake: processed/events: no version was committed at or before that time"
check_eq "cat --where --limit" "$("$AFFLUENT" lake cat events --where "amount > 2" --columns id --limit 1 --format ndjson --version 0)" '{"id":2}'

# ---- overwrite of partitions, snapshot, rollback, vacuum
cat >daily.yml <<'EOF'
version: 1
defaults:
  lake: ./lake
  raw: false
streams:
  daily:
    source: {type: csv, path: daily.csv}
    targets:
      - {type: lake, mode: overwrite, overwrite_scope: partitions, partition_by: [day]}
  totals:
    source: {type: csv, path: daily.csv}
    targets:
      - {type: lake, mode: snapshot}
EOF
printf 'day,product,total\n2024-01-01,a,10\n2024-01-02,a,20\n' >daily.csv
run 2024-03-01T00:00:00Z daily.yml
printf 'day,product,total\n2024-01-02,a,25\n2024-01-03,a,30\n' >daily.csv
run 2024-03-02T00:00:00Z daily.yml
check_eq "overwrite of partitions keeps the others" "$(cat_sorted daily day,total)" "2024-01-01,10
2024-01-02,25
2024-01-03,30"
agree "partition overwrite" daily day,product,total log
check_eq "snapshot replaces the table" "$(cat_sorted totals day,total)" "2024-01-02,25
2024-01-03,30"
check_eq "snapshot keeps the earlier run" "$(cat_sorted totals day,total --version 0)" "2024-01-01,10
2024-01-02,20"
out=$(AFFLUENT_NOW=2024-03-03T00:00:00Z "$AFFLUENT" lake rollback totals --version 0)
check_eq "rollback" "$out" "totals: version 2 restores version 0 (1 file(s) added, 1 removed)"
check_eq "rolled back rows" "$(cat_sorted totals day,total)" "2024-01-01,10
2024-01-02,20"
check_eq "rollback in the history" "$("$AFFLUENT" lake history totals --format csv | tail -1 | cut -d, -f3)" "RESTORE"
out=$(AFFLUENT_NOW=2024-03-03T12:00:00Z "$AFFLUENT" lake vacuum totals --retain 7 2>&1)
check_eq "vacuum within retention deletes nothing" "$out" "totals: deleted 0 file(s), 0 bytes"
out=$(AFFLUENT_NOW=2024-03-20T00:00:00Z "$AFFLUENT" lake vacuum totals --retain 7 2>&1)
check_match "vacuum past retention deletes version 1's file" "$out" "^deleted processed/totals/part-[0-9]{5}-[0-9a-f-]{36}\.c000\.zstd\.parquet
totals: deleted 1 file\(s\), [0-9]+ bytes$"
agree "after vacuum, the folder is the table" totals day,product,total glob
out=$("$AFFLUENT" lake cat totals --version 1 2>&1)
check_contains "time travel to a vacuumed version fails clearly" "$out" "no such object"

# ---- merge with deletes, and a checkpoint after 10 commits
cat >cust.yml <<'EOF'
version: 1
defaults:
  lake: ./lake
  raw: false
streams:
  customers:
    source: {type: csv, path: cust.csv}
    targets:
      - {type: lake, mode: merge, key: [id], delete_column: deleted}
EOF
printf 'id,name,deleted\n1,ann,false\n2,bob,false\n3,cid,false\n' >cust.csv
run 2024-04-01T00:00:00Z cust.yml
for i in $(seq 4 14); do
  printf 'id,name,deleted\n%d,n%d,false\n2,bob%d,false\n' "$i" "$i" "$i" >cust.csv
  run 2024-04-01T00:00:00Z cust.yml
done
printf 'id,name,deleted\n3,,true\n' >cust.csv
run 2024-04-02T00:00:00Z cust.yml
check_file "checkpoint at version 10" lake/processed/customers/_delta_log/00000000000000000010.checkpoint.parquet
check_match "_last_checkpoint" "$(cat lake/processed/customers/_delta_log/_last_checkpoint)" '^\{"version":10,"size":[0-9]+\}$'
check_eq "merged rows" "$(cat_sorted customers id,name | tr '\n' ' ')" "1,ann 10,n10 11,n11 12,n12 13,n13 14,n14 2,bob14 4,n4 5,n5 6,n6 7,n7 8,n8 9,n9 "
agree "merge, read from the checkpoint and 2 commits" customers id,name log
agree "merge at version 5" customers id,name log 5

# ---- compaction keeps the rows
out=$(AFFLUENT_NOW=2024-04-03T00:00:00Z "$AFFLUENT" lake compact customers)
check_match "compact" "$out" "^customers: version 13 rewrote [0-9]+ small file\(s\) into 1$"
check_eq "compacted rows" "$(cat_sorted customers id,name | tr '\n' ' ')" "1,ann 10,n10 11,n11 12,n12 13,n13 14,n14 2,bob14 4,n4 5,n5 6,n6 7,n7 8,n8 9,n9 "
check_eq "one live file left" "$("$AFFLUENT" lake list --format csv | grep '^customers,' | cut -d, -f3)" "1"

# ---- schema evolution through a pipeline
cat >evo.yml <<'EOF'
version: 1
defaults:
  lake: ./lake
  raw: false
streams:
  evo:
    source: {type: csv, path: evo.csv}
    targets: [{type: lake}]
EOF
printf 'id\n1\n' >evo.csv
run 2024-05-01T00:00:00Z evo.yml
printf 'id,note\n2,new\n' >evo.csv
run 2024-05-02T00:00:00Z evo.yml
check_eq "a new column is added" "$("$AFFLUENT" lake cat evo --format csv | LC_ALL=C sort)" "1,
2,new
id,note"
printf 'id\nx\n' >evo.csv
run 2024-05-03T00:00:00Z evo.yml
check_eq "an incompatible type fails the run" "$?" "1"
check_contains "and says why" "$(cat "$WORK/run.out")" "column id is int64 in the table but the stream gives string"

# ---- the catalog follows every commit
cj=$("$AFFLUENT" catalog show events --json)
check_contains "catalog: description from the pipeline" "$cj" '"description": "Shop events"'
check_contains "catalog: rows of the latest version" "$cj" '"row_count": 2'
check_eq "catalog: one history entry per append" "$(printf '%s' "$cj" | grep -c '"operation": "append"')" "3"
check_contains "catalog: the partition column is in the schema" "$cj" '"name": "day"'
check_eq "catalog: rollback recorded" "$("$AFFLUENT" catalog show totals --json | grep -c '"operation": "rollback"')" "1"
check_eq "catalog: compaction recorded" "$("$AFFLUENT" catalog show customers --json | grep -c '"operation": "compact"')" "1"

# ---- concurrent writers: four processes append to one table at once
cat >conc.yml <<'EOF2'
version: 1
defaults:
  lake: ./lake
  raw: false
streams:
  w1: {source: {type: csv, path: w1.csv}, targets: [{type: lake, table: shared}]}
  w2: {source: {type: csv, path: w2.csv}, targets: [{type: lake, table: shared}]}
  w3: {source: {type: csv, path: w3.csv}, targets: [{type: lake, table: shared}]}
  w4: {source: {type: csv, path: w4.csv}, targets: [{type: lake, table: shared}]}
EOF2
for w in 1 2 3 4; do
  { echo id; seq $((w * 1000)) $((w * 1000 + 499)); } >w$w.csv
done
pids=()
for w in 1 2 3 4; do
  "$AFFLUENT" run conc.yml --stream w$w -q --no-progress --state-dir "$WORK/state-w$w" >"$WORK/conc$w.out" 2>&1 &
  pids+=($!)
done
statuses=""
for p in "${pids[@]}"; do wait "$p"; statuses="$statuses$?"; done
check_eq "four concurrent appends all succeed" "$statuses" "0000"
check_eq "no row lost or doubled" "$("$AFFLUENT" lake cat shared --format csv | tail -n +2 | sort -n | uniq | wc -l):$("$AFFLUENT" lake cat shared --format csv | tail -n +2 | wc -l)" "2000:2000"
check_eq "four versions" "$("$AFFLUENT" lake history shared --format csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')" "0 1 2 3 "

# ---- pipeline checks catch rules between lake options before anything runs
printf 'version: 1\nstreams:\n  s:\n    source: {type: csv, path: x.csv}\n    targets:\n      - type: lake\n        mode: merge\n' >bad.yml
out=$("$AFFLUENT" check bad.yml 2>&1)
check_eq "check: merge without key exits 2" "$?" "2"
check_eq "check: merge without key" "$out" "bad.yml:6:9: lake target: mode merge needs key columns (key: [id])"
printf 'version: 1\nstreams:\n  s:\n    source: {type: csv, path: x.csv}\n    targets:\n      - {type: lake, partition_by: [at:week]}\n' >bad.yml
check_eq "check: a bad partition part" "$("$AFFLUENT" check bad.yml 2>&1)" \
  "bad.yml:6:10: lake target: partition_by 'at:week': unknown part 'week' (year, month, day or hour)"

# ---- usage errors
out=$("$AFFLUENT" lake history nosuch 2>&1)
check_eq "unknown table: exit" "$?" "1"
check_eq "unknown table: message" "$out" "affluent lake: processed/nosuch: not a table (no _delta_log/ commits)"
out=$(env -u AFFLUENT_LAKE "$AFFLUENT" lake list 2>&1)
check_eq "no lake: exit" "$?" "2"
check_contains "no lake: message" "$out" "no lake given: use --lake DIR|URL, --pipeline FILE or set AFFLUENT_LAKE"
out=$("$AFFLUENT" lake cat events --columns nope 2>&1)
check_eq "unknown column: exit" "$?" "2"
out=$("$AFFLUENT" lake list --pipeline events.yml --format csv | cut -d, -f1,2)
check_eq "lake list through --pipeline" "$out" "table,version
customers,13
daily,1
events,2
evo,1
shared,3
totals,2"

finish
