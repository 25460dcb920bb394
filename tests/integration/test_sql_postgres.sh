#!/usr/bin/env bash
# test_sql_postgres.sh - the sql source on a real PostgreSQL server
# (scripts/services.sh; scripts/test.sh starts it and exports AF_PG_URL):
# every mapped type with its values and nulls, a domain resolved to its
# base type, discovery, incremental reads with rows at the watermark's own
# value, and a password that never shows. Without AF_PG_URL: FAIL when CI is
# set, otherwise SKIP.
. "$(dirname "$0")/lib.sh"
if [ -z "${AF_PG_URL:-}" ]; then
  msg="AF_PG_URL is not set: start the test server with 'bash scripts/services.sh start postgres' and eval 'bash scripts/services.sh env postgres' (scripts/test.sh does)"
  if [ -n "${CI:-}" ]; then fail "$msg"; finish; fi
  echo "SKIP: $(basename "$0"): $msg"
  exit 0
fi
cd "$WORK" || exit 1
schema=af_it_$$
psql -X -q "$AF_PG_URL" >/dev/null <<SQL
CREATE SCHEMA $schema;
SET search_path = $schema;
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TABLE t(id serial PRIMARY KEY, b boolean, s smallint, i integer, l bigint, f real,
  d double precision, n numeric(12,3), nu numeric, dt date, tm time, ts timestamp, tz timestamptz,
  u uuid, j json, jb jsonb, by bytea, tx text, vc varchar(10), arr int[], pi posint,
  updated timestamp NOT NULL);
INSERT INTO t(b,s,i,l,f,d,n,nu,dt,tm,ts,tz,u,j,jb,by,tx,vc,arr,pi,updated) VALUES
 (true, -32768, 2147483647, -9223372036854775808, 1.5, 1e300, 123456789.123,
  1234567890123456789012345678901234567890.5, '2024-02-29', '23:59:59.999999',
  '2024-01-01 10:00:00.123456', '2024-01-01 10:00:00+02', '123e4567-e89b-12d3-a456-426614174000',
  '{"a":1}', '{"b":[1,2]}', '\x00ff10', 'Élodie "quoted"', 'abc', '{1,2,3}', 5,
  '2024-01-01 00:00:00'),
 (NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,
  '2024-01-02 00:00:00');
SQL
cat >p.yml <<EOF2
version: 1
defaults: {lake: ./lake, raw: false}
connections:
  pg: {url: "$AF_PG_URL"}
streams:
  types:
    source: {type: sql, connection: pg, table: $schema.t}
    targets: [{type: csv, path: types.csv}]
  inc:
    source: {type: sql, connection: pg, table: $schema.t, mode: incremental,
             incremental_key: updated, primary_key: [id]}
    targets: [{type: lake, mode: merge, key: [id]}]
EOF2
summary_row() { printf '%s\n' "$1" | awk -v s="$2" '$1 == s { print $3, $4, $5 }'; }
out=$("$AFFLUENT" run p.yml --no-progress 2>&1)
check_eq "run 1" "$?" "0"
check_eq "every type, exactly" "$(cat types.csv)" 'id,b,s,i,l,f,d,n,nu,dt,tm,ts,tz,u,j,jb,by,tx,vc,arr,pi,updated
1,true,-32768,2147483647,-9223372036854775808,1.5,1e+300,123456789.123,1234567890123456789012345678901234567890.5,2024-02-29,23:59:59.999999,2024-01-01T10:00:00.123456,2024-01-01T08:00:00.000000Z,123e4567-e89b-12d3-a456-426614174000,"{""a"":1}","{""b"": [1, 2]}",00ff10,"Élodie ""quoted""",abc,"{1,2,3}",5,2024-01-01T00:00:00.000000
2,,,,,,,,,,,,,,,,,,,,,2024-01-02T00:00:00.000000'
check_eq "the lake schema" "$("$AFFLUENT" catalog show inc --lake lake --json | grep -o '"type": "[^"]*"' | tr '\n' ' ')" \
  '"type": "int32" "type": "bool" "type": "int16" "type": "int32" "type": "int64" "type": "float32" "type": "float64" "type": "decimal(12,3)" "type": "string" "type": "date" "type": "string" "type": "timestamp[us]" "type": "timestamp[us, UTC]" "type": "string" "type": "json" "type": "json" "type": "binary" "type": "string" "type": "string" "type": "string" "type": "int32" "type": "timestamp[us]" '
d=$("$AFFLUENT" discover "$AF_PG_URL" --schema "$schema")
check_match "discover: a domain resolves to its base type" "$d" "pi +$schema\.posint +-> int32"
check_match "discover: primary key" "$d" "id +integer +-> int32 not null  primary key"
check_not_contains "discover: no password" "$d" "affluent-test"

psql -X -q "$AF_PG_URL" -c "SET search_path = $schema;
  INSERT INTO t(tx, updated) VALUES ('same', '2024-01-02 00:00:00'), ('later', '2024-01-03 00:00:00');
  UPDATE t SET tx = 'upd', updated = '2024-01-04' WHERE id = 1;" >/dev/null
out=$("$AFFLUENT" run p.yml --stream inc --no-progress 2>&1)
check_eq "run 2: the new row at the watermark, the later one and the update" "$(summary_row "$out" inc)" "3 3 0"
check_eq "run 2: merged" "$("$AFFLUENT" lake cat inc --lake lake --columns id,tx --format csv | tail -n +2 | sort | tr '\n' ' ')" \
  '1,upd 2, 3,same 4,later '
out=$("$AFFLUENT" run p.yml --stream inc --no-progress 2>&1)
check_eq "run 3: nothing new" "$(summary_row "$out" inc)" "0 0 0"

bad=$(printf '%s' "$AF_PG_URL" | sed -E 's#://([^:]+):[^@]*@#://\1:wrong-secret-42@#')
out=$("$AFFLUENT" discover "$bad" 2>&1)
check_eq "a wrong password: exit 1" "$?" "1"
check_contains "a wrong password: the server says why" "$out" "password authentication failed"
check_not_contains "a wrong password is never shown" "$out" "wrong-secret-42"
psql -X -q "$AF_PG_URL" -c "DROP SCHEMA $schema CASCADE" >/dev/null 2>&1
finish
