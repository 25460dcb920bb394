#!/usr/bin/env bash
# Compressed CSV input: .gz (single and multi-member), .zst, .lz4, .bz2 and .xz
# (single and multi-stream) files read through the csv source give exactly
# what the plain file gives; the codec is found by magic bytes, not by the
# name; brotli (no magic) is read when `compression: brotli` says so;
# quarantine keeps decompressed line numbers; a truncated or corrupt file
# fails naming the file and the codec.
source "$(dirname "$0")/lib.sh"

{ echo "id,price,day,name"
  for i in $(seq 1 3000); do echo "$i,$i.25,2024-01-0$((i % 9 + 1)),\"name, $i\""; done; } > "$WORK/in.csv"
gzip -c "$WORK/in.csv" > "$WORK/in.csv.gz"

# one stream per input file, all written to CSV in the same lake
pipeline() { # FILE.yml SOURCE-PATH [extra source options]
  cat > "$1" <<YML
version: 1
defaults: {lake: $WORK/lake}
streams:
  s:
    source: {type: csv, path: $2${3:+, $3}}
    targets:
      - {type: csv, name: out, path: $WORK/out/$(basename "$1" .yml).csv}
YML
}
run_pipeline() { # NAME SOURCE-PATH [extra]  -> sets rc, out file is $WORK/out/NAME.csv
  pipeline "$WORK/$1.yml" "$2" "${3:-}"
  "$AFFLUENT" run "$WORK/$1.yml" --no-progress >"$WORK/$1.out" 2>"$WORK/$1.err"; rc=$?
}

run_pipeline plain "$WORK/in.csv"
check_eq "plain exit" "$rc" 0
check_eq "plain output is the input" "$(cmp "$WORK/out/plain.csv" "$WORK/in.csv" && echo same)" same

run_pipeline gz "$WORK/in.csv.gz"
check_eq "gz exit" "$rc" 0
check_eq "gz output equals plain" "$(cmp "$WORK/out/gz.csv" "$WORK/out/plain.csv" && echo same)" same
check_contains "gz rows" "$(cat "$WORK/gz.out")" "3000"

# cat a.gz b.gz: both members are read (header only in the first part)
head -n 1001 "$WORK/in.csv" | gzip -c > "$WORK/multi.csv.gz"
tail -n +1002 "$WORK/in.csv" | gzip -1 -c >> "$WORK/multi.csv.gz"
run_pipeline multi "$WORK/multi.csv.gz"
check_eq "multi-member exit" "$rc" 0
check_eq "multi-member output equals plain" \
  "$(cmp "$WORK/out/multi.csv" "$WORK/out/plain.csv" && echo same)" same

# detection is by content: a gzip file named .csv, and `compression: none` reads raw bytes
cp "$WORK/in.csv.gz" "$WORK/disguised.csv"
run_pipeline disguised "$WORK/disguised.csv"
check_eq "gzip named .csv exit" "$rc" 0
check_eq "gzip named .csv output" "$(cmp "$WORK/out/disguised.csv" "$WORK/out/plain.csv" && echo same)" same
run_pipeline forced_none "$WORK/in.csv.gz" "compression: none"
# (only the first byte is compared: 8b is not UTF-8, and the text-encoding
# layer may rewrite it; what matters is that nothing was decompressed)
check_eq "compression none reads the raw bytes" \
  "$(head -c 1 "$WORK/out/forced_none.csv" | od -An -tx1 | tr -d ' ')" 1f
check_eq "compression none does not decompress" \
  "$(cmp -s "$WORK/out/forced_none.csv" "$WORK/out/plain.csv" || echo differs)" differs
run_pipeline bad_option "$WORK/in.csv.gz" "compression: rar"
check_eq "unknown compression is a config error" "$rc" 2
check_contains "unknown compression names the choices" "$(cat "$WORK/bad_option.err" "$WORK/bad_option.out")" "bzip2"


for tool in zstd lz4; do
  if command -v $tool >/dev/null; then
    $tool -q -c "$WORK/in.csv" > "$WORK/in.csv.$tool"
    run_pipeline "$tool" "$WORK/in.csv.$tool" "compression: $tool"
    check_eq "$tool exit" "$rc" 0
    check_eq "$tool output equals plain" "$(cmp "$WORK/out/$tool.csv" "$WORK/out/plain.csv" && echo same)" same
    run_pipeline "${tool}_auto" "$WORK/in.csv.$tool"
    check_eq "$tool auto output equals plain" \
      "$(cmp "$WORK/out/${tool}_auto.csv" "$WORK/out/plain.csv" && echo same)" same
  else
    echo "note: $tool command not installed, .$tool input not checked" >&2
  fi
done

# bzip2 and xz, made by their CLIs, found by magic (also under a .csv name),
# single and multi-stream (`cat a.bz2 b.bz2`, pbzip2), forced or not
for tool in bzip2 xz; do
  ext=$([ $tool = bzip2 ] && echo bz2 || echo xz)
  $tool -c "$WORK/in.csv" > "$WORK/in.csv.$ext"
  run_pipeline "$ext" "$WORK/in.csv.$ext"
  check_eq "$ext exit" "$rc" 0
  check_eq "$ext output equals plain" "$(cmp "$WORK/out/$ext.csv" "$WORK/out/plain.csv" && echo same)" same
  check_contains "$ext rows" "$(cat "$WORK/$ext.out")" "3000"
  run_pipeline "${ext}_forced" "$WORK/in.csv.$ext" "compression: $tool"
  check_eq "$ext forced output equals plain" \
    "$(cmp "$WORK/out/${ext}_forced.csv" "$WORK/out/plain.csv" && echo same)" same
  cp "$WORK/in.csv.$ext" "$WORK/disguised_$ext.csv"
  run_pipeline "disguised_$ext" "$WORK/disguised_$ext.csv"
  check_eq "$ext named .csv output equals plain" \
    "$(cmp "$WORK/out/disguised_$ext.csv" "$WORK/out/plain.csv" && echo same)" same
  head -n 1001 "$WORK/in.csv" | $tool -c > "$WORK/multi.csv.$ext"
  tail -n +1002 "$WORK/in.csv" | $tool -1 -c >> "$WORK/multi.csv.$ext"
  run_pipeline "multi_$ext" "$WORK/multi.csv.$ext"
  check_eq "multi-stream $ext exit" "$rc" 0
  check_eq "multi-stream $ext output equals plain" \
    "$(cmp "$WORK/out/multi_$ext.csv" "$WORK/out/plain.csv" && echo same)" same
  # cut short: fails naming file, codec and offset; nothing written
  csize=$(stat -c %s "$WORK/in.csv.$ext")
  head -c $((csize - 7)) "$WORK/in.csv.$ext" > "$WORK/cut.csv.$ext"
  run_pipeline "cut_$ext" "$WORK/cut.csv.$ext"
  check_eq "truncated $ext exit" "$rc" 1
  check_contains "truncated $ext message" "$(cat "$WORK/cut_$ext.err" "$WORK/cut_$ext.out")" \
    "cut.csv.$ext: $tool data is truncated: the input ends at compressed byte $((csize - 7)) inside the stream starting at byte 0"
  check_no_file "nothing written on a truncated $ext" "$WORK/out/cut_$ext.csv"
  # a flipped byte in the middle: the codec's CRC or structure catches it
  cp "$WORK/in.csv.$ext" "$WORK/bad.csv.$ext"
  printf '\x55' | dd of="$WORK/bad.csv.$ext" bs=1 seek=$((csize / 2)) conv=notrunc 2>/dev/null
  run_pipeline "bad_$ext" "$WORK/bad.csv.$ext"
  check_eq "corrupt $ext exit" "$rc" 1
  check_match "corrupt $ext names file and codec" "$(cat "$WORK/bad_$ext.err" "$WORK/bad_$ext.out")" \
    "bad.csv.$ext: $tool data is corrupt at compressed byte [0-9]+, in the stream starting at byte 0"
done

# (the xz memory bound is checked by tests/unit/test_decompress.c: writing such
# a stream with the xz CLI would need ~16 GiB)

# brotli has no magic bytes: read when forced, passed through untouched when not
if command -v brotli >/dev/null; then
  brotli -c "$WORK/in.csv" > "$WORK/in.csv.br"
  run_pipeline br "$WORK/in.csv.br" "compression: brotli"
  check_eq "brotli forced exit" "$rc" 0
  check_eq "brotli forced output equals plain" "$(cmp "$WORK/out/br.csv" "$WORK/out/plain.csv" && echo same)" same
else
  echo "note: brotli command not installed, .br input not checked" >&2
fi

# a truncated .gz fails, naming the file, the codec and where it ended; nothing is written
size=$(stat -c %s "$WORK/in.csv.gz")
head -c $((size / 2)) "$WORK/in.csv.gz" > "$WORK/cut.csv.gz"
run_pipeline cut "$WORK/cut.csv.gz"
check_eq "truncated exit" "$rc" 1
err=$(cat "$WORK/cut.err" "$WORK/cut.out")
check_contains "truncated names the file" "$err" "cut.csv.gz: gzip data is truncated"
check_contains "truncated names the offset" "$err" "compressed byte $((size / 2))"
check_no_file "nothing written on a truncated input" "$WORK/out/cut.csv"

# a flipped byte: corrupt (or caught by the CRC), never silently accepted
cp "$WORK/in.csv.gz" "$WORK/bad.csv.gz"
printf '\xff' | dd of="$WORK/bad.csv.gz" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
run_pipeline bad "$WORK/bad.csv.gz"
check_eq "corrupt exit" "$rc" 1
check_match "corrupt names file and codec" "$(cat "$WORK/bad.err" "$WORK/bad.out")" \
  "bad.csv.gz: gzip data is (corrupt|truncated) at compressed byte [0-9]+"

# quarantine refers to decompressed line numbers
{ echo "id,price"; for i in $(seq 1 2000); do echo "$i,$i.5"; done; echo "2001,oops"
  for i in $(seq 2002 2100); do echo "$i,$i.5"; done; } | gzip -c > "$WORK/q.csv.gz"
cat > "$WORK/q.yml" <<YML
version: 1
defaults: {lake: $WORK/lake, on_error: quarantine}
streams:
  q:
    source: {type: csv, path: q.csv.gz}
    targets:
      - {type: csv, name: out, path: out/q.csv}
YML
"$AFFLUENT" run "$WORK/q.yml" --no-progress >"$WORK/q.out" 2>&1; rc=$?
check_eq "quarantine run exit" "$rc" 0
check_eq "quarantine kept rows" "$(($(wc -l < "$WORK/out/q.csv") - 1))" 2099
qrec=$(cat "$WORK"/lake/quarantine/q/*.ndjson 2>/dev/null)
check_match "quarantined row has its decompressed line" "$qrec" '"line": *2002'
check_contains "quarantined row names the .gz file" "$qrec" "q.csv.gz"

# stdin: the codec is sniffed from a pipe too
cat > "$WORK/stdin.yml" <<YML
version: 1
defaults: {lake: $WORK/lake}
streams:
  s:
    source: {type: csv, path: "-"}
    targets:
      - {type: csv, name: out, path: $WORK/out/stdin.csv}
YML
"$AFFLUENT" run "$WORK/stdin.yml" --no-progress <"$WORK/in.csv.gz" >/dev/null 2>&1; rc=$?
check_eq "stdin gz exit" "$rc" 0
check_eq "stdin gz output equals plain" "$(cmp "$WORK/out/stdin.csv" "$WORK/out/plain.csv" && echo same)" same

# convert: until it knows .csv.gz by name, a .csv name with gzip content works
cp "$WORK/in.csv.gz" "$WORK/conv.csv"
"$AFFLUENT" convert "$WORK/conv.csv" "$WORK/conv_out.tsv" 2>/dev/null; rc=$?
"$AFFLUENT" convert "$WORK/in.csv" "$WORK/plain_out.tsv" 2>/dev/null
check_eq "convert gz content exit" "$rc" 0
check_eq "convert gz content equals plain" "$(cmp "$WORK/conv_out.tsv" "$WORK/plain_out.tsv" && echo same)" same
# and once convert strips compression suffixes, the real names must work as well
if "$AFFLUENT" convert "$WORK/in.csv.gz" "$WORK/named_out.tsv" 2>/dev/null; then
  check_eq "convert in.csv.gz equals plain" \
    "$(cmp "$WORK/named_out.tsv" "$WORK/plain_out.tsv" && echo same)" same
  "$AFFLUENT" convert "$WORK/cut.csv.gz" "$WORK/cut_out.tsv" 2>"$WORK/cut_conv.err"; rc=$?
  check_eq "convert truncated exit" "$rc" 1
  check_contains "convert truncated names the file" "$(cat "$WORK/cut_conv.err")" "cut.csv.gz: gzip data is truncated"
else
  echo "note: convert does not accept .csv.gz names yet (format from extension)" >&2
fi

# convert with .bz2 / .xz names, once convert strips compression suffixes
for ext in bz2 xz; do
  if "$AFFLUENT" convert "$WORK/in.csv.$ext" "$WORK/named_$ext.tsv" 2>/dev/null; then
    check_eq "convert in.csv.$ext equals plain" \
      "$(cmp "$WORK/named_$ext.tsv" "$WORK/plain_out.tsv" && echo same)" same
  else
    echo "note: convert does not accept .csv.$ext names yet (format from extension)" >&2
  fi
done

# SIGTERM while the decompressor waits on a pipe that stays open: no hang
mkfifo "$WORK/fifo.csv.gz"
cat > "$WORK/fifo.yml" <<YML
version: 1
defaults: {lake: $WORK/lake, batch_rows: 10}
streams:
  f:
    source: {type: csv, path: fifo.csv.gz, infer_rows: 5}
    targets:
      - {type: csv, name: out, path: out/fifo.csv}
YML
"$AFFLUENT" run "$WORK/fifo.yml" --no-progress >/dev/null 2>&1 &
pid=$!
exec 3<>"$WORK/fifo.csv.gz"
( sleep 60; kill -9 "$pid" ) >/dev/null 2>&1 &
watchdog=$!
head -c $((size / 3)) "$WORK/in.csv.gz" >&3
sleep 1
kill -TERM "$pid"
wait "$pid"; rc=$?
kill "$watchdog" 2>/dev/null
exec 3>&-
check_eq "SIGTERM on a blocked compressed pipe exits 1 (not killed by the watchdog)" "$rc" 1
check_no_file "no output after SIGTERM" "$WORK/out/fifo.csv"
finish
