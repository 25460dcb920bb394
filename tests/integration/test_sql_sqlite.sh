#!/usr/bin/env bash
# test_sql_sqlite.sh - the sql source on a real SQLite database file:
# type mapping, a bad value quarantined with its row, full and incremental
# reads (rows sharing the watermark's value, a different date spelling,
# an update moving a row past the watermark), merged into a lake table.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
command -v sqlite3 >/dev/null || { fail "sqlite3 is needed (scripts/setup.sh installs it)"; finish; }

sqlite3 shop.db <<'SQL'
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT NOT NULL, amount DECIMAL(10,2),
                    updated_at DATETIME, paid BOOLEAN, day DATE, blob BLOB);
INSERT INTO orders VALUES
  (1, 'ann', 12.50, '2024-01-01 10:00:00', 1, '2024-01-01', x'00ff'),
  (2, 'bob',  3.10, '2024-01-01 10:00:00', 0, '2024-01-01', NULL),
  (3, 'Élodie', 0.99, '2024-01-01 09:00:00', 1, NULL, NULL);
SQL
cat >p.yml <<'EOF2'
version: 1
defaults: {lake: ./lake, raw: false}
connections:
  shop: {url: "sqlite:shop.db"}
streams:
  orders:
    source: {type: sql, connection: shop, table: orders, mode: incremental,
             incremental_key: updated_at, primary_key: [id]}
    targets: [{type: lake, mode: merge, key: [id]}]
  totals:
    source: {type: sql, url: "sqlite:shop.db", query: "SELECT customer, amount * 2 AS twice FROM orders WHERE id < 3"}
    targets: [{type: csv, path: totals.csv}]
EOF2
summary_row() { printf '%s\n' "$1" | awk -v s="$2" '$1 == s { print $3, $4, $5 }'; }

out=$("$AFFLUENT" run p.yml --no-progress 2>&1)
check_eq "run 1" "$?" "0"
check_eq "run 1: orders read, written, quarantined" "$(summary_row "$out" orders)" "3 3 0"
check_eq "types mapped" "$("$AFFLUENT" lake cat orders --lake lake --format csv --columns id,customer,amount,updated_at,paid,day,blob | sort)" \
  "1,ann,12.50,2024-01-01T10:00:00.000000,true,2024-01-01,00ff
2,bob,3.10,2024-01-01T10:00:00.000000,false,2024-01-01,
3,Élodie,0.99,2024-01-01T09:00:00.000000,true,,
id,customer,amount,updated_at,paid,day,blob"
check_eq "schema" "$("$AFFLUENT" catalog show orders --lake lake --json | grep -o '"type": "[^"]*"' | tr '\n' ' ')" \
  '"type": "int64" "type": "string" "type": "decimal(10,2)" "type": "timestamp[us]" "type": "bool" "type": "date" "type": "binary" '
check_eq "a query with an expression column" "$(cat totals.csv)" "customer,twice
ann,25
bob,6.2"
check_contains "watermark saved" "$(cat lake/_affluent/streams/orders.json)" '"watermark":"2024-01-01T10:00:00.000000","boundary":["[1]","[2]"]'

# new rows at the watermark's own value, another spelling, and an update
sqlite3 shop.db <<'SQL'
INSERT INTO orders VALUES (4, 'dan', 7.00, '2024-01-01 10:00:00', 0, NULL, NULL);
INSERT INTO orders VALUES (5, 'eve', 8.00, '2024-01-01T11:00:00', 1, NULL, NULL);
UPDATE orders SET amount = 13.00, updated_at = '2024-01-02 00:00:00' WHERE id = 1;
SQL
out=$("$AFFLUENT" run p.yml --stream orders --no-progress 2>&1)
check_eq "run 2: only new and changed rows are read" "$(summary_row "$out" orders)" "3 3 0"
check_eq "run 2: merged table" "$("$AFFLUENT" lake cat orders --lake lake --format csv --columns id,amount | tail -n +2 | sort | tr '\n' ' ')" \
  "1,13.00 2,3.10 3,0.99 4,7.00 5,8.00 "
out=$("$AFFLUENT" run p.yml --stream orders --no-progress 2>&1)
check_eq "run 3: nothing new, nothing read" "$(summary_row "$out" orders)" "0 0 0"

# a value that does not fit its declared type is quarantined with its row
sqlite3 shop.db "INSERT INTO orders VALUES (6, 'fay', 'abc', '2024-01-03 00:00:00', 1, NULL, NULL);"
out=$("$AFFLUENT" run p.yml --stream orders --no-progress 2>&1)
check_eq "run 4: the bad row is quarantined" "$(summary_row "$out" orders)" "1 0 1"
q=$(cat lake/quarantine/orders/*.ndjson)
check_contains "quarantine reason" "$q" "column 'amount': 'abc' is not a decimal number"
check_contains "quarantine raw row" "$q" '\"customer\":\"fay\"'

# discover: tables, columns with database and core types, keys, counts
check_eq "discover" "$("$AFFLUENT" discover sqlite:shop.db)" "orders  (~6 rows)
  id          INTEGER              -> int64  primary key
  customer    TEXT                 -> string not null
  amount      DECIMAL(10,2)        -> decimal(10,2)
  updated_at  DATETIME             -> timestamp[us]
  paid        BOOLEAN              -> bool
  day         DATE                 -> date
  blob        BLOB                 -> binary"
check_contains "discover --json" "$("$AFFLUENT" discover sqlite:shop.db --json)" '"db_type": "DECIMAL(10,2)",
        "type": "decimal(10,2)"'
out=$("$AFFLUENT" discover sqlite:missing.db 2>&1)
check_eq "discover: a missing file exits 1" "$?" "1"
check_contains "discover: and says so" "$out" "affluent discover: sqlite:missing.db: cannot open the database"

printf 'version: 1\nstreams:\n  s:\n    source: {type: sql, url: "sqlite:shop.db", table: orders, mode: incremental, incremental_key: id}\n    targets: [{type: csv, path: o.csv}]\n' >nopk.yml
check_contains "incremental without a primary key is refused" "$("$AFFLUENT" run nopk.yml --no-progress 2>&1)" \
  "sql source: mode incremental needs incremental_key and primary_key"

# errors name the input, never a password
printf 'version: 1\nstreams:\n  s:\n    source: {type: sql, url: "sqlite:nope/missing.db", table: t}\n    targets: [{type: csv, path: o.csv}]\n' >bad.yml
out=$("$AFFLUENT" run bad.yml --no-progress 2>&1)
check_eq "missing database: exit 1" "$?" "1"
check_contains "missing database: message" "$out" "cannot open the database"
printf 'version: 1\nstreams:\n  s:\n    source: {type: sql, url: "postgres://u:hunter2@127.0.0.1:1/db", table: t}\n    targets: [{type: csv, path: o.csv}]\n' >pg.yml
out=$("$AFFLUENT" run pg.yml --no-progress 2>&1)
check_not_contains "a password never shows" "$out" "hunter2"
check_contains "a server that is not there" "$out" "postgres://u:***@127.0.0.1:1/db: cannot connect"
finish
