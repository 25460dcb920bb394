#!/usr/bin/env bash
# `affluent catalog list | show | search` against a lake whose catalog holds
# a hand-written entry (a processed table with a long history and quality
# results) and one written by a curated export run: aligned text, --json,
# the lake from --lake, --pipeline or AFFLUENT_LAKE, unknown datasets with a
# suggestion, usage errors and exit codes.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/lake/_catalog/datasets"
{
  cat <<'JSON'
{
  "name": "orders",
  "zone": "processed",
  "location": "processed/orders",
  "format": "delta",
  "description": "Orders of the web shop, one row per order",
  "owner": "sales-data@example.com",
  "tags": ["sales", "gold"],
  "columns": [
    {"name": "order_id", "type": "int64", "nullable": false, "description": "Order number", "pii": false},
    {"name": "customer_email", "type": "string", "nullable": true, "description": "Where the receipt went", "pii": true},
    {"name": "total", "type": "decimal(10,2)", "nullable": true, "description": null, "pii": false}
  ],
  "lineage": {"pipeline": "shop", "stream": "orders", "source_type": "postgres", "source_uri": "postgres://etl:***@db/shop"},
  "row_count": 1250000,
  "size_bytes": 48234567,
  "version": 11,
  "created_at": "2026-01-20T00:00:00.000Z",
  "updated_at": "2026-01-31T02:00:00.000Z",
  "last_run": {"run_id": "r11", "at": "2026-01-31T02:00:00.000Z", "status": "succeeded"},
  "quality": {"checks": 4, "failed": 1, "failures": ["total >= 0"]},
  "history": [
JSON
  for v in 0 1 2 3 4 5 6 7 8 9 10 11; do
    sep=","; [ $v -eq 11 ] && sep=""
    printf '    {"version": %d, "timestamp": "2026-01-%02dT02:00:00.000Z", "operation": "append", "rows_added": %d, "rows_removed": 0, "files_added": 1, "files_removed": 0, "run_id": "r%d"}%s\n' \
      $v $((20 + v)) $((1000 + v)) $v "$sep"
  done
  printf '  ]\n}\n'
} >"$WORK/lake/_catalog/datasets/orders.json"

cat > "$WORK/reviews.csv" <<'CSV'
id,stars,text
1,5,great
2,2,meh
CSV
cat > "$WORK/p.yml" <<YML
version: 1
name: feedback
defaults: {lake: $WORK/lake}
streams:
  reviews:
    description: Product reviews for the marketing team
    owner: marketing@example.com
    tags: [marketing]
    column_descriptions: {stars: Rating from 1 to 5}
    source: {type: csv, path: reviews.csv}
    targets:
      - {type: curated}
YML
AFFLUENT_NOW=2026-01-31T12:00:00Z "$AFFLUENT" run "$WORK/p.yml" --no-progress -q >/dev/null 2>&1; rc=$?
check_eq "export run" "$rc" 0

out=$("$AFFLUENT" catalog list --lake "$WORK/lake"); rc=$?
check_eq "list exit" "$rc" 0
check_eq "list text" "$out" "NAME             ZONE          ROWS      SIZE  VERSION  OWNER                   LAST RUN
curated/reviews  curated          2      32 B        0  marketing@example.com   2026-01-31 12:00:00 succeeded
orders           processed  1250000  46.0 MiB       11  sales-data@example.com  2026-01-31 02:00:00 succeeded"

out=$(AFFLUENT_LAKE="$WORK/lake" "$AFFLUENT" catalog list --json); rc=$?
check_eq "list --json exit (lake from AFFLUENT_LAKE)" "$rc" 0
check_eq "list --json is an array of summaries" \
  "$(printf '%s' "$out" | python3 -c 'import json,sys; a=json.load(sys.stdin); print(len(a), a[0]["name"], a[1]["row_count"], a[1]["tags"], a[1]["last_run"]["status"])')" \
  "2 curated/reviews 1250000 ['sales', 'gold'] succeeded"

out=$("$AFFLUENT" catalog show orders --lake "$WORK/lake"); rc=$?
check_eq "show exit" "$rc" 0
check_contains "show header" "$out" "orders (processed, delta)"
check_contains "show size" "$out" "  size         46.0 MiB (48234567 bytes)"
check_contains "show tags" "$out" "  tags         sales, gold"
check_contains "show columns" "$out" "Columns:
  order_id        int64          not null       Order number
  customer_email  string         nullable  PII  Where the receipt went
  total           decimal(10,2)  nullable"
check_contains "show lineage" "$out" "  source type  postgres
  source       postgres://etl:***@db/shop"
check_contains "show versions" "$out" "Versions (latest 10 of 12):"
check_contains "latest version first" "$out" "  11       2026-01-31 02:00:00  append             1011             0         1         0  r11"
check_contains "tenth latest" "$out" "  2        2026-01-22 02:00:00  append"
check_not_contains "older versions left out" "$out" "2026-01-21 02:00:00"
check_contains "show quality" "$out" 'Quality:
  {
    "checks": 4,
    "failed": 1,'

out=$("$AFFLUENT" catalog show orders --json --lake "$WORK/lake")
check_eq "show --json prints the stored entry" "$out" "$(cat "$WORK/lake/_catalog/datasets/orders.json")"
out=$("$AFFLUENT" catalog show curated/reviews --pipeline "$WORK/p.yml")
check_contains "curated entry with pipeline notes" "$out" "  stars  int64   nullable       Rating from 1 to 5"
check_contains "curated description" "$out" "  description  Product reviews for the marketing team"

out=$("$AFFLUENT" catalog search receipt --lake "$WORK/lake")
check_match "search by column description" "$out" "orders +processed +1250000"
check_not_contains "search is selective" "$out" "curated/reviews"
out=$("$AFFLUENT" catalog search marketing --json --lake "$WORK/lake")
check_eq "search by tag (json)" "$(printf '%s' "$out" | python3 -c 'import json,sys; print([d["name"] for d in json.load(sys.stdin)])')" "['curated/reviews']"
out=$("$AFFLUENT" catalog search rev --lake "$WORK/lake")
check_contains "search by name prefix" "$out" "curated/reviews"
out=$("$AFFLUENT" catalog search nothing like this --lake "$WORK/lake"); rc=$?
check_eq "search without match exit" "$rc" 0
check_eq "search without match" "$out" "no dataset matches"

# The index is derived: deleted or stale, it is rebuilt from the JSON files.
rm "$WORK/lake/_catalog/index.sqlite"
sed -i 's/"Order number"/"Order number (Bestellnummer)"/' "$WORK/lake/_catalog/datasets/orders.json"
out=$("$AFFLUENT" catalog search bestellnummer --lake "$WORK/lake")
check_contains "rebuilt index finds the edit" "$out" "orders"
sed -i 's/"gold"/"platinum"/' "$WORK/lake/_catalog/datasets/orders.json"
out=$("$AFFLUENT" catalog search platinum --lake "$WORK/lake")
check_contains "hand edit re-indexed" "$out" "orders"

# Errors and exit codes.
"$AFFLUENT" catalog show order --lake "$WORK/lake" >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "unknown dataset exit" "$rc" 1
check_eq "unknown dataset message" "$(cat "$WORK/err.txt")" "affluent catalog: no dataset 'order' in $WORK/lake (did you mean 'orders'?)"
"$AFFLUENT" catalog show reviews --lake "$WORK/lake" >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "zone-less name exit" "$rc" 1
check_eq "zone-less name suggestion" "$(cat "$WORK/err.txt")" "affluent catalog: no dataset 'reviews' in $WORK/lake (did you mean 'curated/reviews'?)"
"$AFFLUENT" catalog show zzzzzzzz --lake "$WORK/lake" >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "no suggestion" "$(cat "$WORK/err.txt")" "affluent catalog: no dataset 'zzzzzzzz' in $WORK/lake"
env -u AFFLUENT_LAKE "$AFFLUENT" catalog list >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "no lake exit" "$rc" 2
check_contains "no lake message" "$(cat "$WORK/err.txt")" "affluent catalog: no lake given: use --lake DIR|URL, --pipeline FILE or set AFFLUENT_LAKE"
"$AFFLUENT" catalog list --lake "$WORK/missing" >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "missing lake exit" "$rc" 1
check_eq "missing lake message" "$(cat "$WORK/err.txt")" "affluent catalog: no lake at $WORK/missing"
check_no_file "missing lake not created" "$WORK/missing"
"$AFFLUENT" catalog >/dev/null 2>&1; rc=$?
check_eq "no subcommand exit" "$rc" 2
"$AFFLUENT" catalog drop orders --lake "$WORK/lake" >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "unknown subcommand exit" "$rc" 2
check_contains "unknown subcommand message" "$(cat "$WORK/err.txt")" "affluent catalog: unknown subcommand 'drop' (list, show or search)"
"$AFFLUENT" catalog show --lake "$WORK/lake" >/dev/null 2>&1; rc=$?
check_eq "show without dataset exit" "$rc" 2
"$AFFLUENT" catalog search --lake "$WORK/lake" >/dev/null 2>&1; rc=$?
check_eq "search without text exit" "$rc" 2
"$AFFLUENT" catalog list --lake "$WORK/lake" --color >/dev/null 2>&1; rc=$?
check_eq "unknown option exit" "$rc" 2
mkdir -p "$WORK/empty"
out=$("$AFFLUENT" catalog list --lake "$WORK/empty"); rc=$?
check_eq "empty lake exit" "$rc" 0
check_eq "empty lake" "$out" "no datasets in the catalog"
check_no_file "listing creates no catalog" "$WORK/empty/_catalog"
check_contains "help" "$("$AFFLUENT" catalog --help)" "affluent catalog list | show DATASET | search TEXT"
finish
