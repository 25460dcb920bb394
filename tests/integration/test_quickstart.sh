#!/usr/bin/env bash
# The quickstart example end to end: typed CSV in, two exports out, three
# bad rows quarantined with their reasons, a run record, exit codes.
source "$(dirname "$0")/lib.sh"

cp -r "$AF_SOURCE_DIR/examples/quickstart" "$WORK/qs"
cd "$WORK/qs"
out=$("$AFFLUENT" run pipeline.yml --no-progress 2>"$WORK/log.txt"); rc=$?
check_eq "exit code" "$rc" 0
check_contains "summary" "$out" "succeeded"
line=$(printf '%s\n' "$out" | grep -E '^\s+orders ')
check_eq "summary row" "$(echo $line | awk '{print $2, $3, $4, $5}')" "succeeded 12 9 3"

expected='order_id,customer_name,country,order_date,amount,paid
1001,Alice Martin,FR,2024-01-03,129.90,true
1002,Bob Dupont,FR,2024-01-03,15.00,false
1003,"Chen, Wei",DE,2024-01-04,1999.99,true
1004,Dana Smith,US,2024-01-05,0.99,true
1005,Élodie Roux,FR,2024-01-07,42.00,true
1007,Grace Kim,KR,2024-02-29,310.50,true
1010,Jon Snow,GB,2024-03-02,8.10,true
1011,Kofi Mensah,GH,2024-03-03,,false
1012,Lena Novak,CZ,2024-03-04,1200.00,true'
check_eq "curated export" "$(cat out/orders.csv)" "$expected"
check_eq "french export header" "$(head -n 1 out/orders_fr.csv)" \
  '"order_id";"customer_name";"country";"order_date";"amount";"paid"'
check_eq "french export rows" "$(wc -l < out/orders_fr.csv)" 10
check_eq "no staging files left" "$(ls -a out | grep -c affluent)" 0

qfile=$(ls lake/quarantine/orders/*.ndjson 2>/dev/null | head -n 1)
check_file "quarantine file" "$qfile"
q=$(cat "$qfile" 2>/dev/null)
check_eq "quarantined rows" "$(printf '%s\n' "$q" | grep -c .)" 3
check_contains "bad amount reason" "$q" "column 'amount'"
check_contains "bad amount raw" "$q" '"raw":"1006,Farid Benali,MA,2024-01-08,abc,no,amount typed by hand"'
check_contains "bad date line" "$q" '"line":10'
check_contains "short row reason" "$q" "expected 7 fields, found 6"

# the lake table: the 9 good rows, merged on order_id, partitioned by year
check_eq "lake table rows" "$("$AFFLUENT" lake cat orders --lake lake --columns order_id --format csv | tail -n +2 | sort | tr '\n' ' ')" \
  "1001 1002 1003 1004 1005 1007 1010 1011 1012 "
check_eq "lake table partition" "$(ls -d lake/processed/orders/order_date_year=*)" "lake/processed/orders/order_date_year=2024"
check_contains "catalog: owner and PII" "$("$AFFLUENT" catalog show orders --lake lake)" "sales-data"
check_eq "raw copy" "$(cmp data/orders.csv lake/raw/csv/orders/ingest_date=*/orders.csv && echo same)" "same"

run_id=$(ls lake/_affluent/runs/ | head -n 1 | sed 's/\.json$//')
rec=$(cat "lake/_affluent/runs/$run_id.json")
check_match "run record status" "$rec" '"status": *"succeeded"'
check_match "run record quarantined" "$rec" '"rows_quarantined": *3'
check_file "resume state" lake/_affluent/streams/orders.json

# a second run reads nothing: the file is in the raw zone already
out=$("$AFFLUENT" run pipeline.yml --no-progress 2>&1)
check_contains "second run: nothing new" "$out" "every input file was ingested by an earlier run; nothing to read"
check_eq "second run: no new version" "$("$AFFLUENT" lake history orders --lake lake --format csv | tail -n +2 | wc -l)" 1

# --strict turns quarantined rows into exit code 3 (a fresh lake: the rows are read)
"$AFFLUENT" run pipeline.yml --strict --lake "$WORK/strictlake" --no-progress >/dev/null 2>&1; rc=$?
check_eq "strict exit code" "$rc" 3

# JSON logs: every line is an object with the run id; step figures are there
"$AFFLUENT" run pipeline.yml --log-format json --lake "$WORK/jsonlake" --no-progress >/dev/null 2>"$WORK/json.log"
check_eq "json lines" "$(grep -vc '^{' "$WORK/json.log")" 0
check_contains "step figures" "$(cat "$WORK/json.log")" '"event":"step.sink"'
check_contains "run id in logs" "$(head -n 1 "$WORK/json.log")" '"run_id":"'

# --lake moves the lake and the state with it
"$AFFLUENT" run pipeline.yml --lake "$WORK/otherlake" --no-progress >/dev/null 2>&1
check_eq "runs in --lake" "$(ls "$WORK/otherlake/_affluent/runs" | wc -l)" 1

# --dry-run writes nothing
rm -rf out
"$AFFLUENT" run pipeline.yml --dry-run --no-progress >/dev/null 2>"$WORK/dry.log"; rc=$?
check_eq "dry run exit" "$rc" 0
check_no_file "dry run output" out/orders.csv
check_contains "dry run schema" "$(cat "$WORK/dry.log")" "amount decimal(12,2)"
finish
