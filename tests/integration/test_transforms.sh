#!/usr/bin/env bash
# The select and cast transforms inside a pipeline: exact casts, rows whose
# values do not fit quarantined with the whole row, configuration errors.
source "$(dirname "$0")/lib.sh"

cat > "$WORK/in.csv" <<'CSV'
id,code,price,seen
1,007,10.5,2024-01-01T10:00:00+02:00
2,042,3,2024-01-02 00:00:00
3,x13,2.125,2024-01-03T00:00:00Z
4,100,123456.78,2024-01-04T23:59:59.5Z
CSV
cat > "$WORK/p.yml" <<YML
version: 1
defaults: {lake: $WORK/lake}
streams:
  items:
    source: {type: csv, path: in.csv}
    transforms:
      - type: cast
        columns: {code: int32, price: "decimal(7,2)", seen: "timestamp(ms, UTC)"}
      - type: select
        columns: [seen, id, price, code]
        rename: {seen: seen_at}
    targets:
      - {type: csv, path: out.csv}
YML
"$AFFLUENT" run "$WORK/p.yml" --no-progress >"$WORK/out.txt" 2>"$WORK/err.txt"; rc=$?
check_eq "exit code" "$rc" 0
expected='seen_at,id,price,code
2024-01-01T08:00:00.000Z,1,10.50,7
2024-01-02T00:00:00.000Z,2,3.00,42'
check_eq "cast output" "$(cat "$WORK/out.csv")" "$expected"
q=$(cat "$WORK"/lake/quarantine/items/*.ndjson)
check_eq "quarantined rows" "$(printf '%s\n' "$q" | grep -c .)" 2
check_contains "code reason" "$q" "cast of column 'code' to int32 failed"
check_contains "price reason" "$q" "cast of column 'price' to decimal(7,2) failed"
check_contains "whole row kept" "$q" '\"code\":\"x13\"'
check_contains "summary" "$(cat "$WORK/out.txt")" "succeeded"

sed -i 's/columns: \[seen, id, price, code\]/columns: [seen, idd]/' "$WORK/p.yml"
"$AFFLUENT" run "$WORK/p.yml" --no-progress >"$WORK/out.txt" 2>"$WORK/err.txt"; rc=$?
check_eq "unknown column exit" "$rc" 1
check_contains "unknown column message" "$(cat "$WORK/out.txt")" "columns names 'idd', which is not a column"
finish
