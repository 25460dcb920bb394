#!/usr/bin/env bash
# The curated sink: CSV exports in LAKE/curated/, projected and filtered,
# byte-exact; compressed with custom names and formats; a failing run
# leaves neither a new file nor a staging leftover and keeps the previous
# export and its catalog entry; configuration mistakes named at open; the
# export recorded in the catalog.
source "$(dirname "$0")/lib.sh"

cat > "$WORK/orders.csv" <<'CSV'
id,email,amount,country,day
1,a@x.org,10.50,FR,2024-01-31
2,b@x.org,3.00,DE,2024-02-01
3,"c,d@x.org",25.00,FR,2024-02-02
4,,7.25,FR,
CSV
cat > "$WORK/p.yml" <<YML
version: 1
name: shop
defaults: {lake: $WORK/lake, batch_rows: 2}
streams:
  orders:
    description: Orders from the web shop
    owner: sales-data@example.com
    tags: [sales, daily]
    column_descriptions: {email: Customer email address, amount: Order total in euros}
    pii: [email]
    source: {type: csv, path: orders.csv}
    targets:
      - {type: curated, columns: [id, email, amount], where: "country = 'FR'"}
      - type: curated
        name: exports
        file: fr_orders.csv.gz
        columns: [day, id, email, amount]
        where: "country = 'FR' AND amount > 8"
        delimiter: ";"
        date_format: "%d/%m/%Y"
        "null": NA
YML
AFFLUENT_NOW=2026-01-31T12:00:00Z "$AFFLUENT" run "$WORK/p.yml" --no-progress -q >"$WORK/out.txt" 2>&1; rc=$?
check_eq "run exit" "$rc" 0
check_eq "projected and filtered export" "$(od -c "$WORK/lake/curated/orders/orders.csv")" \
  "$(printf 'id,email,amount\n1,a@x.org,10.50\n3,"c,d@x.org",25.00\n4,,7.25\n' | od -c)"
check_eq "compressed export" "$(gzip -dc "$WORK/lake/curated/exports/fr_orders.csv.gz")" \
  "day;id;email;amount
31/01/2024;1;a@x.org;10.50
02/02/2024;3;c,d@x.org;25.00"
check_eq "only the exports are in curated/" "$(cd "$WORK/lake/curated" && find . -type f | sort | tr '\n' ' ')" \
  "./exports/fr_orders.csv.gz ./orders/orders.csv "
check_file "catalog entry" "$WORK/lake/_catalog/datasets/curated/orders.json"
check_file "catalog entry of the named export" "$WORK/lake/_catalog/datasets/curated/exports/fr_orders.json"

show=$("$AFFLUENT" catalog show curated/orders --pipeline "$WORK/p.yml"); rc=$?
check_eq "show exit" "$rc" 0
check_contains "show header" "$show" "curated/orders (curated, csv)"
check_contains "show location" "$show" "  location     curated/orders/orders.csv"
check_contains "show rows" "$show" "  rows         3"
check_contains "show size" "$show" "  size         $(stat -c %s "$WORK/lake/curated/orders/orders.csv") B"
check_contains "show pii column" "$show" "  email   string         nullable  PII  Customer email address"
check_contains "show lineage" "$show" "  source       $WORK/orders.csv"
check_contains "show run time" "$show" "  last run     2026-01-31 12:00:00 succeeded"
json=$("$AFFLUENT" catalog show curated/exports/fr_orders --json --lake "$WORK/lake")
check_contains "json size is the compressed size" "$json" "\"size_bytes\": $(stat -c %s "$WORK/lake/curated/exports/fr_orders.csv.gz"),"
check_contains "json rows" "$json" '"row_count": 2,'
check_contains "json location" "$json" '"location": "curated/exports/fr_orders.csv.gz",'

# A run that fails after the exports got rows: nothing new is published,
# no staging file stays, the previous export and catalog entry are intact.
cp "$WORK/lake/curated/orders/orders.csv" "$WORK/before.csv"
cp "$WORK/lake/_catalog/datasets/curated/orders.json" "$WORK/before.json"
{ cat "$WORK/orders.csv"; printf '5,e@x.org,1.00,FR,2024-02-03\n6,f@x.org,2.00,FR,2024-02-04\nx7,g,1,FR,2024-02-05\n'; } >"$WORK/bad.csv"
sed -e 's/path: orders.csv/path: bad.csv, columns: {id: int64}/' -e 's/batch_rows: 2}/batch_rows: 2, on_error: fail}/' "$WORK/p.yml" >"$WORK/bad.yml"
"$AFFLUENT" run "$WORK/bad.yml" --no-progress -q >"$WORK/out.txt" 2>&1; rc=$?
check_eq "failing run exit" "$rc" 1
check_contains "failing run reason" "$(cat "$WORK/out.txt")" "column 'id': 'x7' is not an integer"
check_eq "previous export kept" "$(cmp "$WORK/before.csv" "$WORK/lake/curated/orders/orders.csv" && echo same)" "same"
check_eq "catalog entry kept" "$(cmp "$WORK/before.json" "$WORK/lake/_catalog/datasets/curated/orders.json" && echo same)" "same"
check_eq "no staging leftovers" "$(find "$WORK/lake" -name '.*' | wc -l)" "0"

# The same failure in a new lake leaves no file at all.
sed -e "s|lake: $WORK/lake|lake: $WORK/lake2|" "$WORK/bad.yml" >"$WORK/bad2.yml"
"$AFFLUENT" run "$WORK/bad2.yml" --no-progress -q >"$WORK/out.txt" 2>&1; rc=$?
check_eq "failing first run exit" "$rc" 1
check_eq "no export file" "$(find "$WORK/lake2" -path '*curated*' -type f | wc -l)" "0"
check_no_file "no catalog" "$WORK/lake2/_catalog"

# A second successful run is a new version of the export.
AFFLUENT_NOW=2026-02-01T06:00:00Z "$AFFLUENT" run "$WORK/p.yml" --no-progress -q >"$WORK/out.txt" 2>&1; rc=$?
check_eq "second run exit" "$rc" 0
json=$("$AFFLUENT" catalog show curated/orders --json --lake "$WORK/lake")
check_contains "version 1" "$json" '"version": 1,'
check_match "second history entry" "$(printf '%s' "$json" | tr -d ' \n')" '"version":1,"timestamp":"2026-02-01T06:00:00.000Z","operation":"overwrite","rows_added":3,"rows_removed":3,"files_added":1,"files_removed":1'

# Configuration mistakes are named when the target opens.
cfg() {
  cat > "$WORK/c.yml" <<YML
version: 1
defaults: {lake: $WORK/lake3}
streams:
  orders:
    source: {type: csv, path: orders.csv}
    targets:
      - {type: curated, $1}
YML
  "$AFFLUENT" run "$WORK/c.yml" --no-progress -q 2>/dev/null
}
out=$(cfg "columns: [id, emial]"); rc=$?
check_eq "unknown column exit" "$rc" 1
check_contains "unknown column message" "$out" "error: target curated: columns names 'emial', which is not a column (columns: id, email, amount, country, day); did you mean 'email'?"
out=$(cfg "where: \"amount > 'x'\"")
check_contains "where type message" "$out" "error: target curated: where: where expression 'amount > 'x'': at position 10: 'x' is not a value of column 'amount' of type decimal(18,2)"
out=$(cfg "where: \"nope = 1\"")
check_contains "where column message" "$out" "error: target curated: where: "
check_contains "where column named" "$out" "nope"
out=$(cfg "file: ../escape")
check_contains "file name message" "$out" "error: target curated: file '../escape' must be one plain name (letters, digits, '_', '-', '.'; not starting with '.')"
check_eq "nothing exported on config errors" "$(find "$WORK/lake3" -path '*curated*' -type f 2>/dev/null | wc -l)" "0"

# The option table is documented.
check_contains "plugins doc" "$("$AFFLUENT" plugins curated)" "where"
finish
