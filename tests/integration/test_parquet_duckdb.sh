#!/usr/bin/env bash
# test_parquet_duckdb.sh - Parquet interop with DuckDB as an independent oracle
# (ARCHITECTURE.md section 7). Values are compared one by one by
# tests/interop/compare.mjs (see its header for the normalisation, which
# touches representation only, never the value).
#   1. DuckDB writes files with every type it can put in Parquet, nulls
#      everywhere and edge values, once per codec (uncompressed, snappy, gzip,
#      zstd, lz4_raw, brotli) and writer version (V1, V2: delta and
#      byte-stream-split encodings, v2 pages) - tests/interop/write_samples.mjs;
#      affluent reads each (`parquet cat --format ndjson`) and must see what
#      DuckDB sees in the same file.
#   2. affluent writes files and DuckDB must read the values affluent reads
#      back: the files of $AF_TEST_TOOLS/pq_write_samples (every type,
#      encoding, codec, page version, dictionary on/off, through the writer
#      API) when that tool is built; otherwise `affluent convert` of a CSV
#      with many column types, once per --compression.
# Needs node and @duckdb/node-api in tests/.node (bash scripts/setup-test-tools.sh).
# Without them: FAIL when CI is set, otherwise SKIP (exit 0).
. "$(dirname "$0")/lib.sh"
interop=$AF_SOURCE_DIR/tests/interop

# ---- DuckDB available?
duck_dir=${AF_DUCKDB_NODE_DIR:-$AF_SOURCE_DIR/tests/.node}
if ! command -v node >/dev/null || [ ! -f "$duck_dir/node_modules/@duckdb/node-api/package.json" ]; then
  msg="node and @duckdb/node-api (in $duck_dir) are needed: install them with 'bash scripts/setup-test-tools.sh' (scripts/test.sh does)"
  if [ -n "${CI:-}" ]; then
    fail "$msg"
    finish
  fi
  echo "SKIP: $(basename "$0"): $msg"
  exit 0
fi

# compare FILE...: one check per file, named by the file, failing with compare.mjs's reason
compare() {
  local out line status file what
  out=$(node "$interop/compare.mjs" "$AFFLUENT" "$@" 2>&1)
  [ -n "$out" ] || fail "compare.mjs printed nothing for: $*"
  while IFS= read -r line; do
    IFS=$'\t' read -r status file what <<<"$line"
    case $status in
    OK) pass ;;
    FAIL) fail "$(basename "$file"): $what" ;;
    *) fail "compare.mjs: $line" ;;
    esac
  done <<<"$out"
}

# ---- 1. DuckDB writes, affluent reads
mkdir -p "$WORK/duck"
node "$interop/write_samples.mjs" "$WORK/duck" >"$WORK/duck.list" 2>"$WORK/duck.err"
check_eq "DuckDB wrote the sample files" "$?:$(wc -l <"$WORK/duck.list")" "0:12"
[ -s "$WORK/duck.err" ] && cat "$WORK/duck.err" >&2
# the files cover what they claim: V2 files use delta / byte-stream-split encodings
v2_encodings=$("$AFFLUENT" parquet inspect "$WORK/duck/duckdb_zstd_v2.parquet" 2>&1)
check_contains "V2 file has DELTA_BINARY_PACKED" "$v2_encodings" "DELTA_BINARY_PACKED"
check_contains "V2 file has BYTE_STREAM_SPLIT" "$v2_encodings" "BYTE_STREAM_SPLIT"
check_contains "V2 file has RLE_DICTIONARY" "$v2_encodings" "RLE_DICTIONARY"
check_contains "files have several row groups" "$v2_encodings" "row group 2:"
mapfile -t duck_files < <(ls "$WORK"/duck/*.parquet)
compare "${duck_files[@]}"

# ---- 2. affluent writes, DuckDB reads
if ! "$AFFLUENT" plugins 2>/dev/null | grep -Eq '^ +parquet +'; then
  echo "note: $(basename "$0"): this build has no parquet sink; part 2 (affluent writes) not run"
elif [ -x "${AF_TEST_TOOLS:-}/pq_write_samples" ]; then
  # HOOK: the writer-API sample files (tests/tools/pq_write_samples.c)
  mkdir -p "$WORK/af"
  "$AF_TEST_TOOLS/pq_write_samples" "$WORK/af" >"$WORK/af.out" 2>&1
  check_eq "pq_write_samples exit status" "$?" "0"
  mapfile -t af_files < <(ls "$WORK"/af/*.parquet 2>/dev/null)
  check_match "pq_write_samples wrote files" "${#af_files[@]}" '^[1-9][0-9]*$'
  [ "${#af_files[@]}" -gt 0 ] && compare "${af_files[@]}"
else
  # until pq_write_samples exists: affluent convert of a CSV with many column
  # types (inferred: int64, decimals, bool, date, timestamps naive (us, ns) and
  # zoned, uuid-like and unicode text with quotes and commas; empty = null),
  # once per codec, in row groups of 128 rows
  csv=$WORK/types.csv
  {
    echo 'id,small,big,price,ratio,flag,day,at,at_utc,at_ns,uid,name,note'
    for i in $(seq 1 300); do
      printf '%d,%d,%d,%d.%02d,%s,%s,2024-%02d-%02d,2024-01-%02dT%02d:%02d:%02d.%06d,2023-06-%02dT10:00:00.%03dZ,2020-02-29T23:59:59.%09d,%08x-1234-4abc-8def-%012x,%s,%s\n' \
        "$i" $((i % 200 - 100)) $((i * 1000000007 - 5000000000)) $((i * 37 % 10000)) $((i % 100)) \
        "$(awk -v i="$i" 'BEGIN { printf "%.6g", (i - 150) / 7 }')" \
        "$([ $((i % 3)) = 0 ] && echo true || echo false)" $((i % 12 + 1)) $((i % 28 + 1)) \
        $((i % 28 + 1)) $((i % 24)) $((i % 60)) $((i * 7 % 60)) $((i * 12345 % 1000000)) \
        $((i % 28 + 1)) $((i % 1000)) $((i * 987654321 % 1000000000)) \
        $((i * 2654435761 % 4294967296)) $((i * 97)) \
        "$([ $((i % 5)) = 0 ] && echo '"Zoë, ""quoted"" 😀"' || echo "name $i")" \
        "$([ $((i % 4)) = 0 ] && echo "" || echo "note ü $i")"
    done
  } >"$csv"
  for codec in none snappy gzip zstd lz4_raw brotli; do
    out=$WORK/af_$codec.parquet
    msg=$("$AFFLUENT" convert "$csv" "$out" --compression "$codec" --row-group-size 128 2>&1)
    check_eq "convert --compression $codec exit status ($msg)" "$?" "0"
    compare "$out"
  done
  # the inferred types are the ones meant (otherwise this part tests less than it claims)
  schema=$("$AFFLUENT" parquet inspect "$WORK/af_zstd.parquet" 2>&1 | sed -n '/^schema:/,/^row group/p' | tr -s ' \n' ' ')
  check_match "convert inferred a decimal" "$schema" 'price: decimal\(18,2\)'
  check_match "convert inferred a zoned timestamp" "$schema" 'at_utc: timestamp\[[a-z]+, UTC\]'
  check_match "convert inferred a nanosecond timestamp" "$schema" 'at_ns: timestamp\[ns\]'
  check_match "convert inferred a date" "$schema" 'day: date'
fi

finish
