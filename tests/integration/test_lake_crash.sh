#!/usr/bin/env bash
# test_lake_crash.sh - crash consistency of lake writes.
#
# For each write mode (append with raw copies, overwrite, merge), a run is
# killed with SIGKILL after each of its durable steps in turn
# (AFFLUENT_CRASH_AT=N, core/failpoint.h: every store write, publish,
# put-if-absent, delete and state file). After each kill:
#   - the table reads as the previous version or the new one, never a mix;
#   - re-running the pipeline converges: exactly the rows of a clean run,
#     no duplicate, no missing row.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export AFFLUENT_NOW=2024-06-01T00:00:00Z

rows() { "$AFFLUENT" lake cat "$1" --lake "$2" --format csv 2>/dev/null | tail -n +2 | LC_ALL=C sort; }

# crash_suite NAME PIPELINE TABLE PREPARE_SECOND_RUN
#   PREPARE_SECOND_RUN: a function that changes the inputs for the run that
#   is killed (the first run builds the starting version).
crash_suite() {
  local name=$1 pipeline=$2 table=$3 prepare=$4
  rm -rf base trace
  "$AFFLUENT" run "$pipeline" -q --no-progress >/dev/null 2>&1
  check_eq "$name: first run" "$?" "0"
  cp -a lake base
  local before after n
  before=$(rows "$table" base)
  $prepare
  # the clean outcome, and how many durable steps the run takes
  cp -a base trace
  n=$(AFFLUENT_CRASH_TRACE=1 "$AFFLUENT" run "$pipeline" --lake "$WORK/trace" -q --no-progress 2>&1 >/dev/null |
    grep -c '^failpoint ')
  after=$(rows "$table" trace)
  check_match "$name: the run has durable steps to crash at" "$n" '^[1-9][0-9]*$'
  [ "$before" != "$after" ] && pass || fail "$name: the second run changes nothing, the test proves nothing"
  local k bad_state=0 bad_converge=0 killed=0
  for k in $(seq 1 "$n"); do
    rm -rf lake
    cp -a base lake
    # in a child shell, so bash does not report each SIGKILL on stderr
    bash -c 'AFFLUENT_CRASH_AT=$1 "$2" run "$3" -q --no-progress >/dev/null 2>&1; exit $?' _ \
      "$k" "$AFFLUENT" "$pipeline" 2>/dev/null
    [ $? -eq 137 ] && killed=$((killed + 1))
    local now
    now=$(rows "$table" lake)
    if [ "$now" != "$before" ] && [ "$now" != "$after" ]; then
      bad_state=$((bad_state + 1))
      echo "$name: after a kill at step $k the table is neither version:" >&2
      printf '%s\n' "$now" | head -5 >&2
    fi
    "$AFFLUENT" run "$pipeline" -q --no-progress >/dev/null 2>&1
    now=$(rows "$table" lake)
    if [ "$now" != "$after" ]; then
      bad_converge=$((bad_converge + 1))
      echo "$name: after a kill at step $k and a re-run the rows differ from a clean run:" >&2
      diff <(printf '%s\n' "$after") <(printf '%s\n' "$now") | head -5 >&2
    fi
  done
  check_eq "$name: every step was a kill" "$killed" "$n"
  check_eq "$name: kills that left a mixed table" "$bad_state" "0"
  check_eq "$name: re-runs that did not converge" "$bad_converge" "0"
}

# ---- append, partitioned, with raw copies (the re-run must not ingest twice)
mkdir -p in
printf 'id,day\n1,2024-05-01\n2,2024-05-02\n' >in/a.csv
cat >append.yml <<'EOF'
version: 1
defaults: {lake: ./lake}
streams:
  ev:
    source: {type: csv, path: in/}
    targets: [{type: lake, partition_by: [day]}]
EOF
second_append() { printf 'id,day\n3,2024-05-02\n4,2024-05-03\n' >in/b.csv; }
crash_suite append append.yml ev second_append

# ---- overwrite of the whole table
printf 'k,v\na,1\nb,2\n' >ow.csv
cat >overwrite.yml <<'EOF'
version: 1
defaults: {lake: ./lake, raw: false}
streams:
  ow:
    source: {type: csv, path: ow.csv}
    targets: [{type: lake, mode: overwrite}]
EOF
second_overwrite() { printf 'k,v\nc,3\n' >ow.csv; }
crash_suite overwrite overwrite.yml ow second_overwrite

# ---- merge with a delete
printf 'id,name,gone\n1,a,false\n2,b,false\n3,c,false\n' >m.csv
cat >merge.yml <<'EOF'
version: 1
defaults: {lake: ./lake, raw: false}
streams:
  m:
    source: {type: csv, path: m.csv}
    targets: [{type: lake, mode: merge, key: [id], delete_column: gone, partition_by: [name]}]
EOF
second_merge() { printf 'id,name,gone\n2,B,false\n3,c,true\n4,d,false\n' >m.csv; }
crash_suite merge merge.yml m second_merge

finish
