#!/usr/bin/env bash
# affluent parquet inspect|cat on the shared parquet-testing files: exact
# CSV, nested NDJSON, inspect text and JSON, and clear errors.
source "$(dirname "$0")/lib.sh"

D="$AF_SOURCE_DIR/../shared/data/parquet-testing"

"$AFFLUENT" parquet >/dev/null 2>&1; check_eq "no subcommand" $? 2
"$AFFLUENT" parquet cat x.parquet --where 'id >' 2>"$WORK/err.txt"; rc=$?
check_eq "bad --where exit" "$rc" 2
check_contains "bad --where names the position" "$(cat "$WORK/err.txt")" "at position"
check_contains "help lists parquet" "$("$AFFLUENT" help)" "parquet"

printf 'id,name\n1,a\n' > "$WORK/not.parquet"
"$AFFLUENT" parquet cat "$WORK/not.parquet" 2>"$WORK/err.txt"; rc=$?
check_eq "non-parquet exit" "$rc" 1
check_contains "non-parquet message" "$(cat "$WORK/err.txt")" "not.parquet: not a Parquet file"

if [ ! -f "$D/alltypes_plain.parquet" ]; then
  echo "note: $D not found, parquet file checks skipped"
  finish
fi

out=$("$AFFLUENT" parquet cat "$D/alltypes_plain.parquet" --columns id,bool_col --limit 3); rc=$?
check_eq "cat exit" "$rc" 0
check_eq "cat csv" "$out" "$(printf 'id,bool_col\n4,true\n5,false\n6,true')"
check_eq "cat all rows" "$("$AFFLUENT" parquet cat "$D/alltypes_plain.parquet" | wc -l)" 9
check_eq "limit 0" "$("$AFFLUENT" parquet cat "$D/alltypes_plain.parquet" --columns id --limit 0)" "id"

out=$("$AFFLUENT" parquet cat "$D/list_columns.parquet" --format ndjson); rc=$?
check_eq "ndjson exit" "$rc" 0
check_contains "ndjson list" "$out" '{"int64_list":[1,2,3],"utf8_list":["abc","efg","hij"]}'
check_contains "ndjson nulls" "$out" '{"int64_list":[null,1],"utf8_list":null}'
check_eq "ndjson rows" "$(printf '%s\n' "$out" | wc -l)" 3

out=$("$AFFLUENT" parquet inspect "$D/alltypes_plain.snappy.parquet"); rc=$?
check_eq "inspect exit" "$rc" 0
check_contains "inspect rows" "$out" "rows: 2"
check_contains "inspect codec" "$out" "SNAPPY"
check_contains "inspect column" "$out" "timestamp_col: timestamp[ns, UTC]"
check_contains "inspect chunk" "$out" "bool_col: BOOLEAN SNAPPY"

"$AFFLUENT" parquet inspect "$D/nulls.snappy.parquet" --json > "$WORK/i.json"; rc=$?
check_eq "inspect json exit" "$rc" 0
if command -v node >/dev/null 2>&1; then
  rows=$(node -e 'const j = JSON.parse(require("fs").readFileSync(0)); console.log(j.num_rows, j.row_groups[0].columns[0].codec, j.row_groups[0].columns[0].null_count)' < "$WORK/i.json")
  check_eq "inspect json parses" "$rows" "8 SNAPPY 8"
else
  check_contains "inspect json" "$(cat "$WORK/i.json")" '"num_rows":8'
fi

"$AFFLUENT" parquet cat "$D/alltypes_plain.parquet" --columns id,nope 2>"$WORK/err.txt"; rc=$?
check_eq "unknown column exit" "$rc" 2
check_contains "unknown column named" "$(cat "$WORK/err.txt")" "no column 'nope'"
check_contains "columns listed" "$(cat "$WORK/err.txt")" "bool_col"

size=$(wc -c < "$D/alltypes_plain.parquet")
head -c $((size / 2)) "$D/alltypes_plain.parquet" > "$WORK/trunc.parquet"
"$AFFLUENT" parquet cat "$WORK/trunc.parquet" >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "truncated exit" "$rc" 1
check_contains "truncated names file" "$(cat "$WORK/err.txt")" "trunc.parquet"
finish
