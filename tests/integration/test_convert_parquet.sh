#!/usr/bin/env bash
# affluent convert to and from Parquet: values survive CSV -> Parquet -> CSV
# byte for byte, --compression and --row-group-size reach the file, bad
# options and failed runs leave nothing behind; the parquet source and
# sink in a pipeline.
source "$(dirname "$0")/lib.sh"

# a mix of types: ids, text with quotes/commas/newlines, decimals with
# nulls, dates, timestamps, booleans
{ echo 'id,name,amount,day,at,ok'
  for i in $(seq 1 3000); do
    case $((i % 5)) in
      0) name='"Smith, ""Jr"""' ;;
      1) name="plain $((i % 17))" ;;
      2) name='"two
lines"' ;;
      3) name='' ;;
      4) name="ünïcødé $i" ;;
    esac
    amount=$((i * 37 % 10000)).$((i % 10))5
    [ $((i % 11)) = 0 ] && amount=''
    echo "$i,$name,$amount,2024-0$((i % 9 + 1))-1$((i % 9)),2024-03-0$((i % 9 + 1))T10:2$((i % 10)):00Z,$([ $((i % 3)) = 0 ] && echo true || echo false)"
  done; } > "$WORK/in.csv"

"$AFFLUENT" convert "$WORK/in.csv" "$WORK/out.parquet" 2>"$WORK/err.txt"; rc=$?
check_eq "csv -> parquet exit" "$rc" 0
check_contains "rows reported" "$(cat "$WORK/err.txt")" "3000 rows written"
"$AFFLUENT" convert "$WORK/out.parquet" "$WORK/back.csv" 2>/dev/null; rc=$?
check_eq "parquet -> csv exit" "$rc" 0
"$AFFLUENT" convert "$WORK/in.csv" "$WORK/direct.csv" 2>/dev/null
check_eq "csv -> parquet -> csv equals csv -> csv" "$(cmp "$WORK/direct.csv" "$WORK/back.csv" && echo same)" same

inspect=$("$AFFLUENT" parquet inspect "$WORK/out.parquet")
check_contains "default codec zstd" "$inspect" "ZSTD"
check_contains "dictionary used" "$inspect" "RLE_DICTIONARY"
check_contains "schema kept" "$inspect" "affluent.schema"

for codec in snappy gzip brotli lz4_raw none; do
  "$AFFLUENT" convert "$WORK/in.csv" "$WORK/c_$codec.parquet" --compression "$codec" 2>/dev/null
  check_eq "--compression $codec exit" $? 0
  "$AFFLUENT" convert "$WORK/c_$codec.parquet" "$WORK/c_$codec.csv" 2>/dev/null
  check_eq "--compression $codec values" "$(cmp "$WORK/direct.csv" "$WORK/c_$codec.csv" && echo same)" same
done
check_contains "snappy in the file" "$("$AFFLUENT" parquet inspect "$WORK/c_snappy.parquet")" "SNAPPY"
check_contains "none in the file" "$("$AFFLUENT" parquet inspect "$WORK/c_none.parquet")" "UNCOMPRESSED"

"$AFFLUENT" convert "$WORK/in.csv" "$WORK/rg.parquet" --row-group-size 1000 2>/dev/null
check_contains "row groups by rows" "$("$AFFLUENT" parquet inspect "$WORK/rg.parquet")" "row groups: 3"
"$AFFLUENT" convert "$WORK/in.csv" "$WORK/rgb.parquet" --row-group-size 64KiB 2>/dev/null
groups=$("$AFFLUENT" parquet inspect "$WORK/rgb.parquet" | sed -n 's/^row groups: //p')
check_match "row groups by bytes" "$groups" '^([2-9]|[1-9][0-9]+)$'
"$AFFLUENT" convert "$WORK/rgb.parquet" "$WORK/rgb.csv" 2>/dev/null
check_eq "many row groups read back" "$(cmp "$WORK/direct.csv" "$WORK/rgb.csv" && echo same)" same

# parquet -> parquet re-encodes
"$AFFLUENT" convert "$WORK/rg.parquet" "$WORK/again.parquet" --compression gzip 2>/dev/null
check_eq "parquet -> parquet exit" $? 0
check_eq "parquet -> parquet rows" "$("$AFFLUENT" parquet cat "$WORK/again.parquet" | wc -l)" \
  "$("$AFFLUENT" parquet cat "$WORK/out.parquet" | wc -l)"

"$AFFLUENT" convert "$WORK/in.csv" "$WORK/bad.parquet" --compression lzo 2>"$WORK/err.txt"
check_eq "unknown codec exit" $? 2
check_contains "codec choices listed" "$(cat "$WORK/err.txt")" "zstd"
check_no_file "no file for a bad codec" "$WORK/bad.parquet"
"$AFFLUENT" convert "$WORK/in.csv" "$WORK/x.csv" --row-group-size 10 >/dev/null 2>&1
check_eq "--row-group-size needs parquet output" $? 2

# a failing run leaves neither the file nor its staging file
{ echo 'id,amount'; for i in $(seq 1 1100); do echo "$i,$i.5"; done; echo '1101,abc'; } > "$WORK/broken.csv"
"$AFFLUENT" convert "$WORK/broken.csv" "$WORK/broken.parquet" 2>"$WORK/err.txt"; rc=$?
check_eq "bad row fails" "$rc" 1
check_contains "bad row named" "$(cat "$WORK/err.txt")" "broken.csv:1102"
check_no_file "no parquet on failure" "$WORK/broken.parquet"
check_eq "no staging file left" "$(ls -A "$WORK" | grep -c 'affluent-.*\.tmp')" 0

# not a parquet file
echo "not parquet at all" > "$WORK/fake.parquet"
"$AFFLUENT" convert "$WORK/fake.parquet" "$WORK/fake.csv" 2>"$WORK/err.txt"; rc=$?
check_eq "fake parquet exit" "$rc" 1
check_contains "fake parquet named" "$(cat "$WORK/err.txt")" "fake.parquet"

# the parquet sink and source in a pipeline, with options
cat > "$WORK/p.yml" <<YML
version: 1
defaults: {lake: $WORK/lake}
streams:
  to_parquet:
    source: {type: csv, path: in.csv}
    targets:
      - {type: parquet, path: out/items.parquet, compression: snappy, data_page_version: 2, row_group_rows: 500}
YML
"$AFFLUENT" run "$WORK/p.yml" --no-progress >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "pipeline to parquet exit" "$rc" 0
inspect=$("$AFFLUENT" parquet inspect "$WORK/out/items.parquet")
check_contains "pipeline row groups" "$inspect" "row groups: 6"
check_contains "pipeline codec" "$inspect" "SNAPPY"
cat > "$WORK/q.yml" <<YML
version: 1
defaults: {lake: $WORK/lake}
streams:
  from_parquet:
    source: {type: parquet, path: out/items.parquet, columns: [name, id]}
    targets:
      - {type: csv, path: out/names.csv}
YML
"$AFFLUENT" run "$WORK/q.yml" --no-progress >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "pipeline from parquet exit" "$rc" 0
check_eq "projected header" "$(head -n 1 "$WORK/out/names.csv")" "name,id"
check_eq "projected rows" "$(tail -n 1 "$WORK/out/names.csv")" '"Smith, ""Jr""",3000'
sed -i 's/columns: \[name, id\]/columns: [name, nope]/' "$WORK/q.yml"
"$AFFLUENT" run "$WORK/q.yml" --no-progress >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "unknown column fails" "$rc" 1
check_contains "unknown column named" "$(cat "$WORK/err.txt")" "nope"
finish
