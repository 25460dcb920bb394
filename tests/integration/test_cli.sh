#!/usr/bin/env bash
# The command line contract: version, help, plugins, check, usage errors.
source "$(dirname "$0")/lib.sh"

check_contains "version" "$("$AFFLUENT" --version)" "affluent 0."
check_contains "help" "$("$AFFLUENT" help)" "convert"
check_contains "help run" "$("$AFFLUENT" help run)" "--stream NAME"
check_contains "run --help" "$("$AFFLUENT" run --help)" "--dry-run"
"$AFFLUENT" help nosuch >/dev/null 2>&1; check_eq "help unknown" $? 2
"$AFFLUENT" frobnicate >/dev/null 2>&1; check_eq "unknown command" $? 2

plugins=$("$AFFLUENT" plugins)
check_contains "plugins lists csv" "$plugins" "csv"
check_contains "plugins lists cast" "$plugins" "cast"
csvopts=$("$AFFLUENT" plugins csv)
check_contains "csv options" "$csvopts" "delimiter"
check_contains "csv options required" "$csvopts" "path"
err=$("$AFFLUENT" plugins cvs 2>&1); rc=$?
check_eq "unknown plugin exit" "$rc" 2
check_contains "unknown plugin hint" "$err" "did you mean 'csv'"
check_contains "markdown reference" "$("$AFFLUENT" plugins --markdown)" "| \`delimiter\` |"

# the committed reference must be what the option tables say today
"$AFFLUENT" plugins --markdown > "$WORK/ref.md"
if diff -q "$WORK/ref.md" "$AF_SOURCE_DIR/docs/pipeline-reference.md" >/dev/null; then pass
else fail "docs/pipeline-reference.md is stale: regenerate with 'affluent plugins --markdown'"; fi

check_contains "check ok" "$("$AFFLUENT" check "$AF_SOURCE_DIR/examples/quickstart/pipeline.yml")" "ok (1 stream)"

cat > "$WORK/bad.yml" <<'YML'
version: 1
streams:
  s:
    source:
      type: csv
      path: x.csv
      delimeter: ";"
    targets:
      - {type: csv, path: y.csv}
YML
err=$("$AFFLUENT" check "$WORK/bad.yml" 2>&1); rc=$?
check_eq "check invalid exit" "$rc" 2
check_contains "check location" "$err" "bad.yml:7:7"
check_contains "check hint" "$err" "did you mean 'delimiter'"
"$AFFLUENT" run "$WORK/bad.yml" >/dev/null 2>&1; check_eq "run invalid exit" $? 2
"$AFFLUENT" run >/dev/null 2>&1; check_eq "run without file" $? 2
"$AFFLUENT" run "$AF_SOURCE_DIR/examples/quickstart/pipeline.yml" --stream order \
  --lake "$WORK/lake" >/dev/null 2>"$WORK/err.txt"; rc=$?
check_eq "unknown stream exit" "$rc" 2
check_contains "unknown stream hint" "$(cat "$WORK/err.txt")" "did you mean 'orders'"
finish
