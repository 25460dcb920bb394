#!/usr/bin/env bash
# The JSON source through `affluent run`: NDJSON with a bad line, arrays,
# record_path documents, flatten/struct/json, child tables, inference
# widening, schema evolution after the sample, fatal errors in arrays,
# infer_rows: 0, compressed input and lineage.
source "$(dirname "$0")/lib.sh"

run() { # run PIPELINE: sets rc, out (stdout+stderr)
  "$AFFLUENT" run "$1" --no-progress >"$WORK/out.txt" 2>&1
  rc=$?
  out=$(cat "$WORK/out.txt")
}
quar() { cat "$WORK"/lake/quarantine/"$1"/*.ndjson 2>/dev/null; }
stream() { # stream NAME SOURCE-FLOW-MAP OUTPUT
  cat >"$WORK/p.yml" <<YML
version: 1
defaults: {lake: $WORK/lake, on_error: quarantine}
streams:
  $1:
    source: $2
    targets:
      - {type: csv, path: $3}
YML
  rm -rf "$WORK/lake"
  run "$WORK/p.yml"
}

# ---- NDJSON: blank lines skipped, a bad line quarantined, reading goes on ----
cat >"$WORK/a.ndjson" <<'EOF'
{"id": 1, "name": "a\u00e9", "price": 1, "addr": {"city": "Paris", "geo": {"lat": 48.8}}, "tags": ["x", "y"]}

{"id": 2, "name": "b", "price": 2.5, "addr": {"city": "Lyon"}, "tags": []}
{"id": 3, "name": "c", "price": 3 "oops": 1}
{"id": 4, "name": "d\ud83d\ude00", "price": "n/a", "addr": null}
EOF
stream nd "{type: json, path: a.ndjson}" nd.csv
check_eq "ndjson exit" "$rc" 0
check_eq "ndjson rows" "$(cat "$WORK/nd.csv")" 'id,name,price,addr__city,addr__geo__lat,tags
1,aé,1,Paris,48.8,"[""x"",""y""]"
2,b,2.5,Lyon,,[]
4,d😀,n/a,,,'
check_contains "ndjson counts" "$out" "rows_read=4 rows_written=3 rows_quarantined=1"
q=$(quar nd)
check_contains "bad line reason" "$q" '"reason":"malformed JSON at 4:35 (byte 220): expected '"','"' or '"'}'"' after an object member, found '"'\\\"'"'"'
check_contains "bad line number" "$q" '"line":4'
check_contains "bad line raw" "$q" '"raw":"{\"id\": 3, \"name\": \"c\", \"price\": 3 \"oops\": 1}"'
# widening is logged once per change, with the field and both types
check_contains "widen int->float64" "$out" "field 'price' widened from int64 to float64 (record 2)"
check_contains "widen float64->string" "$out" "field 'price' widened from float64 to string (record 4)"
check_contains "schema" "$out" "schema: id int64, name string, price string, addr__city string, addr__geo__lat float64, tags list<string>"

# under on_error: fail the first bad line stops the run
sed -i 's/on_error: quarantine/on_error: fail/' "$WORK/p.yml"
run "$WORK/p.yml"
check_eq "ndjson fail exit" "$rc" 1
check_contains "ndjson fail message" "$out" "a.ndjson:4: malformed JSON at 4:35 (byte 220): expected ',' or '}' after an object member"

# ---- a JSON array, lineage, a scalar record quarantined ----
printf '[\n  {"id": 1, "ok": true},\n  {"id": 2, "ok": false},\n  42,\n  {"id": 3}\n]\n' >"$WORK/arr.json"
stream arr "{type: json, path: arr.json, lineage: true}" arr.csv
check_eq "array exit" "$rc" 0
check_match "array rows + lineage" "$(cat "$WORK/arr.csv")" '^id,ok,_source_file,_source_line,_ingested_at
1,true,[^,]*/arr.json,2,20[0-9-]+T[0-9:.]+Z
2,false,[^,]*/arr.json,3,20[0-9-]+T[0-9:.]+Z
3,,[^,]*/arr.json,5,20[0-9-]+T[0-9:.]+Z$'
check_eq "one ingested_at for the run" "$(cut -d, -f5 "$WORK/arr.csv" | tail -n +2 | sort -u | wc -l)" 1
check_contains "scalar record reason" "$(quar arr)" '"line":4,"reason":"a record must be a JSON object, found an integer","raw":"42"'

# ---- invalid JSON inside an array is fatal: no resync point ----
printf '[{"id": 1},\n {"id": 2,, "x": 1},\n {"id": 3}]\n' >"$WORK/badarr.json"
stream badarr "{type: json, path: badarr.json}" badarr.csv
check_eq "bad array exit" "$rc" 1
check_contains "bad array message" "$out" "badarr.json:2:11 (byte 22): expected a string key in an object, found ','"
printf '[{"id": 1},\n' >"$WORK/cut.json"
stream cut "{type: json, path: cut.json}" cut.csv
check_eq "truncated array exit" "$rc" 1
check_contains "truncated array message" "$out" "cut.json:2:1 (byte 12): the input ends inside the array of records"
printf '[{"id": 1}] x\n' >"$WORK/trail.json"
stream trail "{type: json, path: trail.json}" trail.csv
check_contains "data after array" "$out" "trail.json:1:13 (byte 12): unexpected data after the closing ']' of the array"

# ---- a document with record_path; the rest of it is not read ----
cat >"$WORK/doc.json" <<'EOF'
{"meta": {"count": 2, "skip": [1, {"a": [true]}]},
 "data": {"page": 1,
          "items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]},
 "ignored": [this is not even JSON
EOF
stream doc "{type: json, path: doc.json, record_path: 'data.items[*]', lineage: true}" doc.csv
check_eq "document exit" "$rc" 0
check_match "document rows" "$(cut -d, -f1,2,4 "$WORK/doc.csv")" '^sku,qty,_source_line
A,1,3
B,2,3$'
stream doc2 "{type: json, path: doc.json, record_path: 'data.rows[*]'}" doc2.csv
check_eq "missing record_path exit" "$rc" 1
check_contains "missing record_path message" "$out" "doc.json:3:68 (byte 139): record_path 'data.rows[*]': the object has no member 'rows'"

# ---- nested: struct and json ----
stream st "{type: json, path: a.ndjson, nested: struct}" st.csv
check_contains "struct schema" "$out" "addr struct<city: string, geo: struct<lat: float64>>"
check_eq "struct row" "$(sed -n 2p "$WORK/st.csv")" '1,aé,1,"{""city"":""Paris"",""geo"":{""lat"":48.8}}","[""x"",""y""]"'
stream js "{type: json, path: a.ndjson, nested: json}" js.csv
check_contains "json schema" "$out" "addr string, tags list<string>"
check_eq "json row" "$(sed -n 2p "$WORK/js.csv")" '1,aé,1,"{""city"":""Paris"",""geo"":{""lat"":48.8}}","[""x"",""y""]"'

# ---- child tables: explode with and without parent_key ----
cat >"$WORK/orders.ndjson" <<'EOF'
{"id": "o-1", "items": [{"sku": "A", "qty": 2, "opt": {"gift": true}}, {"sku": "B", "qty": 1}]}
{"id": "o-2", "items": []}
{"id": "o-3"}
{"id": "o-4", "items": [{"sku": "C", "qty": 5}]}
{"id": "o-5", "items": {"sku": "D"}}
EOF
stream items "{type: json, path: orders.ndjson, explode: items, parent_key: id}" items.csv
check_eq "child exit" "$rc" 0
check_eq "child rows" "$(cat "$WORK/items.csv")" '_parent_id,_index,sku,qty,opt__gift
o-1,0,A,2,true
o-1,1,B,1,
o-4,0,C,5,'
check_contains "child not an array" "$(quar items)" "field 'items' (explode) is an object, not an array"
stream items2 "{type: json, path: orders.ndjson, explode: items}" items2.csv
check_eq "child rows by record number" "$(cut -d, -f1-3 "$WORK/items2.csv")" '_parent_id,_index,sku
1,0,A
1,1,B
4,0,C'
stream parents "{type: json, path: orders.ndjson}" parents.csv
check_eq "parent rows (same file)" "$(cut -d, -f1 "$WORK/parents.csv" | tr '\n' ' ')" "id o-1 o-2 o-3 o-4 o-5 "

# ---- schema evolution after the sample; infer_rows: 0 ----
cat >"$WORK/evo.ndjson" <<'EOF'
{"id": 1, "v": 10}
{"id": 2, "v": 20}
{"id": 3, "v": 30, "late": "x"}
{"id": 4, "v": "forty"}
EOF
stream evo "{type: json, path: evo.ndjson, infer_rows: 2}" evo.csv
check_eq "evolution rows" "$(cat "$WORK/evo.csv")" 'id,v
1,10
2,20'
q=$(quar evo)
check_contains "late field reason" "$q" "\"line\":3,\"reason\":\"field 'late' is not in the schema inferred from the first 2 records (set infer_rows: 0 to scan the whole input)\""
check_contains "type mismatch reason" "$q" "\"line\":4,\"reason\":\"field 'v': \\\"forty\\\" (a string) does not fit column type int64\""
check_contains "evolution counts" "$out" "rows_read=4 rows_written=2 rows_quarantined=2"
stream evo0 "{type: json, path: evo.ndjson, infer_rows: 0}" evo0.csv
check_eq "whole-input inference" "$(cat "$WORK/evo0.csv")" 'id,v,late
1,10,
2,20,
3,30,x
4,forty,'
stream evoi "{type: json, path: evo.ndjson, infer_rows: 2, unknown_fields: ignore, columns: {v: string}}" evoi.csv
check_eq "ignore unknown + declared type" "$(cat "$WORK/evoi.csv")" 'id,v
1,10
2,20
3,30
4,forty'
stream evoe "{type: json, path: evo.ndjson, infer_rows: 2, unknown_fields: error}" evoe.csv
check_eq "unknown error exit" "$rc" 1
check_contains "unknown error message" "$out" "evo.ndjson:3: field 'late' is not in the schema inferred from the first 2 records"

# ---- declared decimal; big integers ----
printf '{"p": 12.5, "big": 123456789012345678901234}\n{"p": "0.0001", "big": 1}\n' >"$WORK/dec.ndjson"
stream dec "{type: json, path: dec.ndjson, columns: {p: 'decimal(19,4)', big: 'decimal(38,0)'}}" dec.csv
check_eq "decimals exact" "$(cat "$WORK/dec.csv")" 'p,big
12.5000,123456789012345678901234
0.0001,1'
stream dec2 "{type: json, path: dec.ndjson}" dec2.csv
check_contains "bigint inferred as float64" "$out" "p string, big float64"

# ---- ISO dates and timestamps in strings ----
printf '{"d": "2024-01-02", "t": "2024-01-02T03:04:05+02:00", "s": "2024-01-02"}\n{"d": "2024-02-29", "t": "2024-03-01 00:00:00Z", "s": "soon"}\n' >"$WORK/dates.ndjson"
stream dates "{type: json, path: dates.ndjson}" dates.csv
check_contains "date inference" "$out" "schema: d date, t timestamp[us, UTC], s string"
check_eq "date values" "$(cat "$WORK/dates.csv")" 'd,t,s
2024-01-02,2024-01-02T01:04:05.000000Z,2024-01-02
2024-02-29,2024-03-01T00:00:00.000000Z,soon'
stream dates2 "{type: json, path: dates.ndjson, infer_dates: false}" dates2.csv
check_contains "no date inference" "$out" "schema: d string, t string, s string"

# ---- compressed input; stdin refuses infer_rows: 0 ----
gzip -c "$WORK/evo.ndjson" >"$WORK/evo.ndjson.gz"
stream gz "{type: json, path: evo.ndjson.gz, infer_rows: 0}" gz.csv
check_eq "gzip input" "$(cat "$WORK/gz.csv")" "$(cat "$WORK/evo0.csv")"
stream stdin "{type: json, path: '-', infer_rows: 0}" stdin.csv
check_eq "stdin infer_rows 0 exit" "$rc" 1
check_contains "stdin infer_rows 0 message" "$out" "infer_rows: 0 reads the input twice, which standard input cannot do"

# ---- repeated keys; configuration errors ----
printf '{"a": 1, "b": 2}\n{"a": 1, "a": 2}\n' >"$WORK/dup.ndjson"
stream dup "{type: json, path: dup.ndjson}" dup.csv
check_eq "duplicate key rows" "$(cat "$WORK/dup.csv")" 'a,b
1,2'
check_contains "duplicate key reason" "$(quar dup)" "\"line\":2,\"reason\":\"field 'a' appears twice in the record\""
stream cfg "{type: json, path: dup.ndjson, format: document}" cfg.csv
check_eq "document without record_path exit" "$rc" 1
check_contains "document without record_path" "$out" "format: document needs record_path (e.g. results[*])"
stream cfg2 "{type: json, path: dup.ndjson, record_path: 'a[*].b'}" cfg2.csv
check_contains "bad record_path" "$out" "path 'a[*].b': expected names separated by '.', ending in [*] (e.g. data.items[*]); [*] is only allowed at the end"

# ---- struct + list of structs into Parquet, read back ----
grep -v o-5 "$WORK/orders.ndjson" >"$WORK/orders4.ndjson"
cat >"$WORK/pq.yml" <<YML
version: 1
defaults: {lake: $WORK/lake, on_error: quarantine}
streams:
  pq:
    source: {type: json, path: orders4.ndjson, nested: struct, arrays: list}
    targets:
      - {type: parquet, path: orders.parquet}
YML
rm -rf "$WORK/lake"
run "$WORK/pq.yml"
check_eq "parquet exit" "$rc" 0
check_contains "parquet rows" "$out" "rows_read=4 rows_written=4 rows_quarantined=0"
check_contains "list of struct schema" "$out" "items list<struct<sku: string, qty: int64, opt: struct<gift: bool>>>"
check_eq "parquet read back" "$("$AFFLUENT" parquet cat "$WORK/orders.parquet" --format ndjson 2>&1 | head -2)" '{"id":"o-1","items":[{"sku":"A","qty":2,"opt":{"gift":true}},{"sku":"B","qty":1,"opt":null}]}
{"id":"o-2","items":[]}'

stream fl "{type: json, path: orders4.ndjson, arrays: list}" fl.csv
check_contains "flatten + arrays: list keeps element objects as structs" "$out" "schema: id string, items list<struct<sku: string, qty: int64, opt: struct<gift: bool>>>"

# ---- an empty array: an error unless columns are declared ----
printf '[]\n' >"$WORK/empty.json"
stream empty "{type: json, path: empty.json}" empty.csv
check_eq "empty exit" "$rc" 1
check_contains "empty message" "$out" "empty.json: no columns: the input holds no JSON object records (declare them with the option columns to accept an empty input)"
stream empty2 "{type: json, path: empty.json, columns: {id: int64}}" empty2.csv
check_eq "empty declared exit" "$rc" 0
check_eq "empty declared output" "$(cat "$WORK/empty2.csv")" "id"

# ---- options are documented ----
"$AFFLUENT" plugins json >"$WORK/plug.txt" 2>&1
check_contains "plugin options" "$(cat "$WORK/plug.txt")" "record_path"
# ---- a folder of files and a zip of them: one table, the sample spans files ----
mkdir -p "$WORK/jd/sub"
printf '{"a":1}\n' > "$WORK/jd/1.ndjson"
printf '{"a":2,"b":"x"}\n' > "$WORK/jd/sub/2.ndjson"
cat > "$WORK/folder.yml" <<YML
version: 1
defaults: {lake: $WORK/lake}
streams:
  folder:
    source: {type: json, path: $WORK/jd, lineage: true}
    targets: [{type: csv, path: $WORK/out/folder.csv}]
YML
"$AFFLUENT" run "$WORK/folder.yml" --no-progress >"$WORK/folder.out" 2>&1
check_eq "folder of NDJSON files" "$(cut -d, -f1-4 "$WORK/out/folder.csv")" \
  "a,b,_source_file,_source_line
1,,$WORK/jd/1.ndjson,1
2,x,$WORK/jd/sub/2.ndjson,1"
(cd "$WORK/jd" && bsdtar -a -cf "$WORK/events.zip" 1.ndjson sub/2.ndjson)
sed -i "s|path: $WORK/jd,|path: $WORK/events.zip,|" "$WORK/folder.yml"
"$AFFLUENT" run "$WORK/folder.yml" --no-progress >"$WORK/folder.out" 2>&1
check_eq "the members of a zip" "$(cut -d, -f1-4 "$WORK/out/folder.csv")" \
  "a,b,_source_file,_source_line
1,,$WORK/events.zip!1.ndjson,1
2,x,$WORK/events.zip!sub/2.ndjson,1"
finish
