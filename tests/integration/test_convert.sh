#!/usr/bin/env bash
# affluent convert: formats from extensions, types kept, bad rows policy.
source "$(dirname "$0")/lib.sh"

# types are inferred from the first 1000 rows; row 1201 then breaks them
{ echo "id,price,day"
  for i in $(seq 1 1200); do echo "$i,$i.25,2024-01-0$((i % 9 + 1))"; done
  echo '1201,"2,5",2024-13-01'
  echo '1202,3.50,2024-02-29'; } > "$WORK/in.csv"
"$AFFLUENT" convert "$WORK/in.csv" "$WORK/out.tsv" 2>"$WORK/err.txt"; rc=$?
check_eq "fail policy exit" "$rc" 1
check_contains "fail names the line" "$(cat "$WORK/err.txt")" "in.csv:1202"
check_contains "fail names the column" "$(cat "$WORK/err.txt")" "column 'price'"
check_no_file "nothing written on failure" "$WORK/out.tsv"

printf 'id,price,day\n1,1.50,2024-01-01\n2,2.75,2024-01-02\n' > "$WORK/ok.csv"
"$AFFLUENT" convert "$WORK/ok.csv" "$WORK/ok.tsv" 2>/dev/null; rc=$?
check_eq "convert exit" "$rc" 0
check_eq "tsv output" "$(cat "$WORK/ok.tsv")" "$(printf 'id\tprice\tday\n1\t1.50\t2024-01-01\n2\t2.75\t2024-01-02')"

"$AFFLUENT" convert "$WORK/in.csv" "$WORK/q.csv" --on-error quarantine 2>"$WORK/err.txt"; rc=$?
check_eq "quarantine exit" "$rc" 0
check_eq "quarantine kept rows" "$(wc -l < "$WORK/q.csv")" 1202
check_eq "last row kept" "$(tail -n 1 "$WORK/q.csv")" "1202,3.50,2024-02-29"
check_eq "quarantine records" "$(wc -l < "$WORK/q.csv.quarantine.ndjson")" 1
check_contains "quarantine summary" "$(cat "$WORK/err.txt")" "1 quarantined"

"$AFFLUENT" convert "$WORK/in.csv" "$WORK/x.unknown" >/dev/null 2>&1; check_eq "unknown ext" $? 2
"$AFFLUENT" convert "$WORK/in.csv" "$WORK/x.csv" --compression snappy 2>"$WORK/err.txt"
check_eq "a Parquet-only codec for CSV output" $? 2
check_contains "the CSV codecs are listed" "$(cat "$WORK/err.txt")" "expected one of auto, none, gzip, zstd"
"$AFFLUENT" convert "$WORK/missing.csv" "$WORK/x.csv" 2>"$WORK/err.txt"; rc=$?
check_eq "missing input exit" "$rc" 1
check_contains "missing input message" "$(cat "$WORK/err.txt")" "missing.csv: cannot open"

# JSON inputs need no options either: NDJSON (also compressed) and arrays
printf '{"id":1,"name":"a","tags":["x"],"user":{"city":"Paris"}}\n{"id":2,"name":"b","tags":[],"user":{"city":null}}\n' > "$WORK/e.ndjson"
gzip -c "$WORK/e.ndjson" > "$WORK/e.jsonl.gz"
"$AFFLUENT" convert "$WORK/e.jsonl.gz" "$WORK/e.csv" 2>/dev/null
check_eq "ndjson.gz -> csv, nested objects flattened" "$(cat "$WORK/e.csv")" \
  $'id,name,tags,user__city\n1,a,"[""x""]",Paris\n2,b,[],'
printf '[{"a":1.5},\n {"a":2}]' > "$WORK/arr.json"
"$AFFLUENT" convert "$WORK/arr.json" "$WORK/arr.parquet" 2>/dev/null
check_eq "json array -> parquet" "$("$AFFLUENT" parquet cat "$WORK/arr.parquet")" $'a\n1.5\n2'
finish
