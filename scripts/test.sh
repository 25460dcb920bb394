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
#   AF_SKIP_SERVICES=1 do not start the PostgreSQL and MariaDB test servers
#                     (scripts/services.sh); tests then use AF_PG_URL / AF_MYSQL_URL
#                     from the environment, or SKIP (FAIL when CI is set)
# The database servers run in a private temp dir on free loopback ports for
# both test stages, and are stopped and removed on exit (see docs/testing.md).
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

# Real PostgreSQL and MariaDB for the SQL tests, one pair for both stages.
if [ "${AF_SKIP_SERVICES:-0}" != 1 ]; then
  echo "== database test servers"
  svc_dir=$(mktemp -d "${TMPDIR:-/tmp}/affluent-services-XXXXXX")
  trap 'bash "$root/scripts/services.sh" stop all --clean --dir "$svc_dir" >/dev/null || true' EXIT
  trap 'exit 130' INT # so that the EXIT trap stops the servers on Ctrl-C and kill too
  trap 'exit 143' TERM
  if ! bash scripts/services.sh start all --dir "$svc_dir"; then
    if [ -n "${CI:-}" ]; then
      echo "test.sh: the database test servers did not start (see above)" >&2
      exit 1
    fi
    echo "test.sh: warning: not every database test server started; tests that need one SKIP" >&2
  fi
  # Whatever runs; the URLs reach the tests through ctest's environment.
  eval "$(bash scripts/services.sh env all --dir "$svc_dir" 2>/dev/null || true)"
fi

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
