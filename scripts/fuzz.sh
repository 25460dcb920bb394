#!/usr/bin/env bash
# fuzz.sh - runs every libFuzzer harness in BUILD_DIR/fuzz for at most SECONDS
# each, starting from its seed corpus in tests/fuzz/corpus/NAME. New inputs go
# to a scratch copy, so the checked-in corpus only changes on purpose.
# Usage: scripts/fuzz.sh [BUILD_DIR] [SECONDS]
#   AF_FUZZ_RUNS=N  stop each harness after N inputs with a fixed seed, so a
#                   CI run is repeatable (set by scripts/test.sh); long
#                   exploratory runs leave it unset and use time only.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${1:-build-fuzz}"
seconds="${2:-60}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for fuzzer in "$dir"/fuzz/fuzz_*; do
  [ -x "$fuzzer" ] || continue
  name=$(basename "$fuzzer"); name=${name#fuzz_}
  mkdir -p "$work/$name"
  [ -d "tests/fuzz/corpus/$name" ] && cp -r "tests/fuzz/corpus/$name/." "$work/$name/"
  echo "fuzz: $name for ${seconds}s"
  limits=(-max_total_time="$seconds")
  if [ -n "${AF_FUZZ_RUNS:-}" ]; then limits+=(-runs="$AF_FUZZ_RUNS" -seed=1); fi
  if ! ASAN_OPTIONS=detect_leaks=1 "$fuzzer" "${limits[@]}" -rss_limit_mb=2048 \
       -timeout=10 -print_final_stats=0 "$work/$name" >"$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -n 40 "$work/$name.log"; status=1
  else
    grep -E "^(#[0-9]+|Done)" "$work/$name.log" | tail -n 1 || true
  fi
done
exit $status
