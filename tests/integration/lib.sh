# lib.sh - assertions for integration tests that drive the real binary.
# Each test script sources it, calls the check_* functions, and ends with
# `finish`, which prints "N passed, N failed" and sets the exit status.
set -u
AFFLUENT=${AFFLUENT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/affluent}
AF_SOURCE_DIR=${AF_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
passed=0
failed=0
WORK=$(mktemp -d /tmp/af-it-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# check_eq WHAT ACTUAL EXPECTED
check_eq() {
  if [ "$2" == "$3" ]; then pass; else fail "$1: got '$2', expected '$3'"; fi
}
# check_contains WHAT HAYSTACK NEEDLE
check_contains() {
  case "$2" in *"$3"*) pass ;; *) fail "$1: '$3' not found in: $2" ;; esac
}
# check_match WHAT HAYSTACK EXTENDED_REGEX
check_match() {
  if printf '%s' "$2" | grep -Eq -- "$3"; then pass; else fail "$1: /$3/ does not match: $2"; fi
}
check_not_contains() {
  case "$2" in *"$3"*) fail "$1: '$3' unexpectedly found in: $2" ;; *) pass ;; esac
}
check_file() { if [ -f "$2" ]; then pass; else fail "$1: file $2 missing"; fi; }
check_no_file() { if [ -e "$2" ]; then fail "$1: $2 should not exist"; else pass; fi; }

finish() {
  echo "$(basename "$0"): $passed passed, $failed failed"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}
