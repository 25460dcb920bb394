#!/usr/bin/env bash
# Secrets never reach a log line, a log file or a run record: a password in a
# connection URL, a secret from the environment, and a secret from a file,
# even when an error message would quote them.
source "$(dirname "$0")/lib.sh"

export AF_TEST_TOKEN="tok-9f8e7d6c5b4a"
printf 'file-secret-31415\n' > "$WORK/secret.txt"
printf 'a,b\n1,2\n' > "$WORK/in.csv"
cat > "$WORK/p.yml" <<YML
version: 1
defaults: {lake: $WORK/lake}
connections:
  warehouse:
    url: postgres://etl:Url-Passw0rd-77@db.example:5432/dw
    password: {env: AF_TEST_TOKEN}
  api:
    url: https://api.example/v1?sig=SigValue123456&sv=2024
    password: {file: secret.txt}
streams:
  ok:
    source: {type: csv, path: in.csv}
    targets: [{type: csv, path: out.csv}]
  broken:
    # the error message names this path, secret and all
    source: {type: csv, path: "missing-\${AF_TEST_TOKEN}-file-secret-31415.csv"}
    targets: [{type: csv, path: out2.csv}]
YML
"$AFFLUENT" run "$WORK/p.yml" --no-progress --log-file "$WORK/run.log" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt"; rc=$?
check_eq "exit code (one stream failed)" "$rc" 1
"$AFFLUENT" run "$WORK/p.yml" --no-progress --log-format json >>"$WORK/stdout.txt" 2>>"$WORK/stderr.txt"
all=$(cat "$WORK/stdout.txt" "$WORK/stderr.txt" "$WORK/run.log" "$WORK"/lake/_affluent/runs/*.json)
check_contains "the failure is reported" "$all" "cannot open"
check_contains "masking is visible" "$all" "***"
for secret in tok-9f8e7d6c5b4a file-secret-31415 Url-Passw0rd-77 SigValue123456; do
  hits=$(printf '%s' "$all" | grep -c -- "$secret")
  check_eq "no trace of $secret" "$hits" 0
done
finish
