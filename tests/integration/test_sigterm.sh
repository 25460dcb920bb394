#!/usr/bin/env bash
# SIGTERM in the middle of a run: the stream stops, staged output is removed,
# no final file appears, the resume state does not move, the run is recorded
# as canceled, and the exit code is 1.
source "$(dirname "$0")/lib.sh"

mkfifo "$WORK/in.csv"
cat > "$WORK/p.yml" <<YML
version: 1
defaults: {lake: $WORK/lake, batch_rows: 10}
streams:
  slow:
    source: {type: csv, path: in.csv, infer_rows: 5}
    targets:
      - {type: csv, name: a, path: out/a.csv}
      - {type: csv, name: b, path: out/b.csv}
YML
"$AFFLUENT" run "$WORK/p.yml" --no-progress >"$WORK/out.txt" 2>"$WORK/err.txt" &
pid=$!
# read-write open never blocks on a FIFO, and keeps a writer side open so
# the source waits for more input instead of seeing the end
exec 3<>"$WORK/in.csv"
# a watchdog so a bug can never hang the suite
( sleep 60; kill -9 "$pid" ) >/dev/null 2>&1 &
watchdog=$!
echo "id,name" >&3
for i in $(seq 1 100); do echo "$i,row$i" >&3; done
# wait until the sinks have staged something
for _ in $(seq 1 100); do
  ls -a "$WORK/out" 2>/dev/null | grep -q 'affluent.*tmp' && break
  sleep 0.1
done
check_eq "staging file exists mid-run" "$(ls -a "$WORK/out" | grep -c 'affluent.*tmp')" 2
kill -TERM "$pid"
wait "$pid"; rc=$?
kill "$watchdog" 2>/dev/null
exec 3>&-
check_eq "exit code" "$rc" 1
check_eq "no staging files" "$(ls -a "$WORK/out" | grep -c affluent)" 0
check_no_file "no final a.csv" "$WORK/out/a.csv"
check_no_file "no final b.csv" "$WORK/out/b.csv"
check_no_file "no resume state" "$WORK/lake/_affluent/streams/slow.json"
rec=$(cat "$WORK"/lake/_affluent/runs/*.json)
check_match "run canceled" "$rec" '"status": *"canceled"'
check_contains "summary says canceled" "$(cat "$WORK/out.txt")" "canceled"
finish
