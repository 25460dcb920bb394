#!/usr/bin/env bash
# test.sh - the full test suite: installs what is needed, builds the release
# and the sanitizer (ASan+UBSan) configurations, runs every unit and
# integration test under both with ctest, then a short libFuzzer run of each
# harness. Exits non-zero on the first failing stage.
#   AF_SKIP_SETUP=1   do not run scripts/setup.sh nor scripts/setup-test-tools.sh
#                     (node, npm and @duckdb/node-api in tests/.node for the DuckDB interop test)
#   AF_FUZZ_SECONDS=N at most N seconds per fuzz harness (default 30; 0 skips fuzzing)
#   AF_FUZZ_RUNS=N    inputs per harness, fixed seed (default 60000), so CI is repeatable;
#                     explore longer with scripts/fuzz.sh directly
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "${AF_SKIP_SETUP:-0}" != 1 ]; then
  bash scripts/setup.sh
  bash scripts/setup-test-tools.sh
fi

jobs=$(nproc)
echo "== release build"
bash scripts/build.sh build
echo "== release tests"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== sanitizer build (ASan+UBSan)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DAF_SANITIZE=ON
echo "== sanitizer tests"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j"$jobs")

fuzz_seconds=${AF_FUZZ_SECONDS:-30}
export AF_FUZZ_RUNS=${AF_FUZZ_RUNS:-60000}
if [ "$fuzz_seconds" != 0 ]; then
  echo "== fuzz build (clang, libFuzzer)"
  CC=clang bash scripts/build.sh build-fuzz -DCMAKE_C_COMPILER=clang -DAF_FUZZ=ON -DAF_TESTS=OFF \
    -DAF_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  bash scripts/fuzz.sh build-fuzz "$fuzz_seconds"
fi
echo "== all test stages passed"
