#!/usr/bin/env bash
# The lake's raw zone through `affluent run`: byte-identical copies of a csv
# source's files under raw/csv/<stream>/ingest_date=.../, a manifest per run
# whose sha256 agree with sha256sum, files already ingested skipped (logged,
# not read again), a failing stream that writes no manifest so a later run
# ingests its files again, and the raw option's auto/false/stdin cases.
source "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export AFFLUENT_NOW=2026-01-31T12:00:00Z
DAY=lake/raw/csv/orders/ingest_date=2026-01-31
MAN=lake/raw/csv/orders/_manifests

mkdir in
printf 'id,name\n1,ann\n2,bob\n' > in/a.csv
printf 'id,name\n3,cy\n' > in/b.csv
cat > p.yml <<'YML'
version: 1
defaults: {lake: lake}
streams:
  orders:
    raw: true
    source: {type: csv, path: in}
    targets: [{type: csv, path: out/orders.csv}]
YML

# manifest field of file I (0-based) in manifest M, via python's json
mf() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d["files"][int(sys.argv[2])] if sys.argv[2] != "-" else d; print(f.get(sys.argv[3], "<none>"))' "$@"; }

# ---- run 1: both files copied, byte for byte ----
"$AFFLUENT" run p.yml --no-progress >run1.out 2>run1.log
check_eq "run 1 exit status" "$?" 0
check_eq "run 1 output" "$(cat out/orders.csv)" $'id,name\n1,ann\n2,bob\n3,cy'
cmp -s in/a.csv "$DAY/a.csv" && pass || fail "a.csv copy differs"
cmp -s in/b.csv "$DAY/b.csv" && pass || fail "b.csv copy differs"
check_eq "one manifest after run 1" "$(ls $MAN | wc -l)" 1
m1=$(ls $MAN/*.json)
run1=$(mf "$m1" - run_id)
check_eq "manifest named by its run id" "$m1" "$MAN/$run1.json"
check_contains "run id is the run's" "$(cat run1.out)" "run $run1: succeeded"
check_eq "manifest stream" "$(mf "$m1" - stream)" orders
check_eq "manifest source" "$(mf "$m1" - source)" csv
check_eq "manifest pipeline" "$(mf "$m1" - pipeline)" p
check_eq "manifest ingested_at (AFFLUENT_NOW)" "$(mf "$m1" - ingested_at)" 2026-01-31T12:00:00.000Z
check_eq "file 0 uri" "$(mf "$m1" 0 source_uri)" "$WORK/in/a.csv"
check_eq "file 0 raw_path" "$(mf "$m1" 0 raw_path)" raw/csv/orders/ingest_date=2026-01-31/a.csv
check_eq "file 0 size" "$(mf "$m1" 0 size)" "$(stat -c %s in/a.csv)"
check_eq "file 0 sha256" "$(mf "$m1" 0 sha256)" "$(sha256sum in/a.csv | cut -d' ' -f1)"
check_eq "file 0 status" "$(mf "$m1" 0 status)" copied
check_eq "file 1 sha256" "$(mf "$m1" 1 sha256)" "$(sha256sum in/b.csv | cut -d' ' -f1)"
check_eq "file 1 raw_path" "$(mf "$m1" 1 raw_path)" raw/csv/orders/ingest_date=2026-01-31/b.csv
check_contains "copy logged" "$(cat run1.log)" "raw.copy raw: $WORK/in/a.csv copied to raw/csv/orders/ingest_date=2026-01-31/a.csv (sha256 $(sha256sum in/a.csv | cut -d' ' -f1))"

# ---- run 2: one new file; the old ones are skipped and not read ----
printf 'id,name\n4,dee\n' > in/c.csv
"$AFFLUENT" run p.yml --no-progress >run2.out 2>run2.log
check_eq "run 2 exit status" "$?" 0
check_eq "run 2 output: only the new file's rows" "$(cat out/orders.csv)" $'id,name\n4,dee'
check_contains "a.csv skip logged" "$(cat run2.log)" "raw.skip raw: $WORK/in/a.csv skipped: same sha256 $(sha256sum in/a.csv | cut -d' ' -f1) ingested by run $run1"
check_contains "b.csv skip logged" "$(cat run2.log)" "raw: $WORK/in/b.csv skipped"
check_contains "summary logged" "$(cat run2.log)" "raw: 1 file(s) copied (14 bytes), 2 already ingested"
check_contains "source read only the new file" "$(cat run2.log)" "source csv read 1 rows"
check_match "run 2 report" "$(cat run2.out)" "orders +succeeded +1 +1 +0"
m2=$(ls $MAN/*.json | grep -v "$run1")
check_eq "run 2 file 0 status" "$(mf "$m2" 0 status)" skipped
check_eq "run 2 file 0 previous_run" "$(mf "$m2" 0 previous_run)" "$run1"
check_eq "run 2 file 0 points at the first copy" "$(mf "$m2" 0 raw_path)" raw/csv/orders/ingest_date=2026-01-31/a.csv
check_eq "run 2 file 2 copied" "$(mf "$m2" 2 status)" copied
cmp -s in/c.csv "$DAY/c.csv" && pass || fail "c.csv copy differs"
check_eq "no second copy of a.csv" "$(ls $DAY | tr '\n' ' ')" "a.csv b.csv c.csv "

# ---- nothing new: the stream succeeds without reading ----
"$AFFLUENT" run p.yml --no-progress >run3.out 2>run3.log
check_eq "run 3 exit status" "$?" 0
check_contains "run 3 says why" "$(cat run3.log)" "stream orders: every input file was ingested by an earlier run; nothing to read"
check_match "run 3 report" "$(cat run3.out)" "orders +succeeded +0 +0 +0"
check_eq "three manifests" "$(ls $MAN | wc -l)" 3

# ---- a failing target: no manifest, the copy is removed, a later run ingests ----
printf 'id,name\n5,eve\n' > in/d.csv
sed -i 's#out/orders.csv#blocked/orders.csv#' p.yml
: > blocked   # a file where the target's folder should be
"$AFFLUENT" run p.yml --no-progress >run4.out 2>run4.log
check_eq "run 4 fails" "$?" 1
check_contains "run 4 fails at the target" "$(cat run4.log)" "target csv: cannot create directory $WORK/blocked"
check_eq "run 4 wrote no manifest" "$(ls $MAN | wc -l)" 3
check_no_file "run 4 copy removed" "$DAY/d.csv"
check_contains "run 4 abort logged" "$(cat run4.log)" "raw: stream orders failed: this run's copies removed, no manifest"
rm blocked
"$AFFLUENT" run p.yml --no-progress >run5.out 2>run5.log
check_eq "run 5 exit status" "$?" 0
check_eq "run 5 ingests d.csv" "$(cat blocked/orders.csv)" $'id,name\n5,eve'
cmp -s in/d.csv "$DAY/d.csv" && pass || fail "d.csv copy differs"

# ---- a bad row with on_error fail: the same bytes are ingested by a later run ----
printf 'id,name\n6,fay\nseven,gus\n' > in/e.csv
cat > bad.yml <<'YML'
version: 1
defaults: {lake: lake}
streams:
  orders:
    raw: true
    on_error: fail
    source: {type: csv, path: in, columns: {id: int64}}
    targets: [{type: csv, path: out/bad.csv}]
YML
"$AFFLUENT" run bad.yml --no-progress >run6.out 2>run6.log
check_eq "run 6 fails on the bad row" "$?" 1
check_contains "run 6 error" "$(cat run6.log)" "$WORK/in/e.csv:3: column 'id': 'seven' is not an integer (on_error: fail)"
check_eq "run 6 wrote no manifest" "$(ls $MAN | wc -l)" 4
check_no_file "run 6 copy removed" "$DAY/e.csv"
sed -i 's/on_error: fail/on_error: skip_with_count/' bad.yml
"$AFFLUENT" run bad.yml --no-progress >run7.out 2>run7.log
check_eq "run 7 exit status" "$?" 0
check_eq "run 7 ingests e.csv again" "$(cat out/bad.csv)" $'id,name\n6,fay'
check_contains "run 7 copies e.csv" "$(cat run7.log)" "raw: $WORK/in/e.csv copied to raw/csv/orders/ingest_date=2026-01-31/e.csv"

# ---- same name, other bytes, same day: both copies kept ----
printf 'id,name\n8,hal\n' > in/a.csv
"$AFFLUENT" run p.yml --no-progress >run8.out 2>run8.log
run8=$(grep -o 'run [0-9TZ]*-[0-9a-f]*: succeeded' run8.out | cut -d' ' -f2 | tr -d :)
cmp -s in/a.csv "$DAY/a.$run8.csv" && pass || fail "new a.csv kept under the run id: $(ls $DAY)"
check_eq "first a.csv untouched" "$(cat $DAY/a.csv)" $'id,name\n1,ann\n2,bob'

# ---- raw: false and auto without a lake target keep no copies; stdin warns ----
cat > off.yml <<'YML'
version: 1
defaults: {lake: lake2}
streams:
  off:
    raw: false
    source: {type: csv, path: in}
    targets: [{type: csv, path: out/off.csv}]
  auto:
    source: {type: csv, path: in}
    targets: [{type: csv, path: out/auto.csv}]
  piped:
    raw: true
    source: {type: csv, path: '-'}
    targets: [{type: csv, path: out/piped.csv}]
YML
printf 'id\n1\n' | "$AFFLUENT" run off.yml --no-progress >off.out 2>off.log
check_eq "off/auto/stdin run succeeds" "$?" 0
check_no_file "no raw zone for raw: false or auto" lake2/raw
check_contains "stdin with raw: true warns" "$(cat off.log)" "stream piped: raw: true, but source csv names no input file to copy (standard input, a URL or a database): no raw copy"
check_eq "stdin still read" "$(cat out/piped.csv)" $'id\n1'

# ---- other file sources list their inputs too (json, parquet) ----
mkdir -p ev
printf '{"id":1}\n{"id":2}\n' > ev/1.ndjson
"$AFFLUENT" convert in/b.csv b.parquet 2>/dev/null
cat > more.yml <<'YML'
version: 1
defaults: {lake: lake4}
streams:
  events:
    raw: true
    source: {type: json, path: ev}
    targets: [{type: csv, path: out/events.csv}]
  pq:
    raw: true
    source: {type: parquet, path: b.parquet}
    targets: [{type: csv, path: out/pq.csv}]
YML
"$AFFLUENT" run more.yml --no-progress >more1.out 2>more1.log
check_eq "json/parquet run 1" "$?" 0
cmp -s ev/1.ndjson lake4/raw/json/events/ingest_date=2026-01-31/1.ndjson && pass || fail "json copy"
cmp -s b.parquet lake4/raw/parquet/pq/ingest_date=2026-01-31/b.parquet && pass || fail "parquet copy"
check_eq "parquet rows" "$(cat out/pq.csv)" $'id,name\n3,cy'
printf '{"id":3}\n' > ev/2.ndjson
"$AFFLUENT" run more.yml --no-progress >more2.out 2>more2.log
check_eq "json/parquet run 2" "$?" 0
check_eq "json: only the new file" "$(cat out/events.csv)" $'id\n3'
check_contains "parquet: nothing new" "$(cat more2.log)" "stream pq: every input file was ingested by an earlier run; nothing to read"

# ---- secrets in a path are masked in the manifest and the log ----
mkdir -p 'sec/token=s3cr3tvalue'
printf 'id\n1\n' > 'sec/token=s3cr3tvalue/x.csv'
cat > sec.yml <<'YML'
version: 1
defaults: {lake: lake3}
streams:
  sec:
    raw: true
    source: {type: csv, path: sec}
    targets: [{type: csv, path: out/sec.csv}]
YML
"$AFFLUENT" run sec.yml --no-progress >sec.out 2>sec.log
check_eq "secret path run" "$?" 0
msec=$(ls lake3/raw/csv/sec/_manifests/*.json)
check_not_contains "manifest has no secret" "$(cat "$msec")" s3cr3tvalue
check_not_contains "log has no secret" "$(cat sec.log)" s3cr3tvalue
check_contains "manifest masks it" "$(mf "$msec" 0 source_uri)" "token=***"

finish
