#!/usr/bin/env bash
# The logs source through the real binary: combined access logs with
# quarantine of unmatched lines (counts and reasons), on_error: fail, a
# compressed log, syslog 3164 with year and timezone, syslog 5424, a custom
# regex with typed groups from YAML, JSON lines, a Latin-1 log, and the
# option checks.
source "$(dirname "$0")/lib.sh"

run_logs() { # NAME ON_ERROR SOURCE-OPTIONS -> rc, $WORK/out/NAME.csv, $WORK/NAME.log
  cat > "$WORK/$1.yml" <<YML
version: 1
defaults: {lake: $WORK/lake-$1, on_error: $2}
streams:
  l:
    source: {type: logs, $3}
    targets:
      - {type: csv, name: out, path: $WORK/out/$1.csv}
YML
  "$AFFLUENT" run "$WORK/$1.yml" --no-progress >"$WORK/$1.log" 2>&1; rc=$?
}
quarantine() { cat "$WORK"/lake-$1/quarantine/l/*.ndjson 2>/dev/null; }

out=$("$AFFLUENT" plugins logs)
check_contains "plugins logs lists the formats" "$out" \
  "one of: combined, common, nginx, syslog3164, syslog5424, json, regex"
check_contains "plugins logs documents types" "$out" "types        map"

cat > "$WORK/access.log" <<'LOG'
127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"
2001:db8::17 - - [01/Jan/2024:00:30:00 +0100] "POST /login?next=\"home\" HTTP/1.1" 302 - "-" "Mozilla/5.0 \"quoted\" agent"
this is not an access log line

192.0.2.1 - - [31/Dec/1999:23:59:59 +0000] "-" 408 0 "-" "-"
10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 12
LOG
run_logs combined quarantine "path: $WORK/access.log, lineage: true"
check_eq "combined exit" "$rc" 0
check_eq "combined output (without _ingested_at)" "$(sed 's/,[^,]*$//' "$WORK/out/combined.csv")" \
"host,ident,user,time,request,method,path,protocol,status,bytes,referer,user_agent,_source_file,_source_line
127.0.0.1,,frank,2000-10-10T20:55:36.000000Z,GET /apache_pb.gif HTTP/1.0,GET,/apache_pb.gif,HTTP/1.0,200,2326,http://www.example.com/start.html,Mozilla/4.08 [en] (Win98; I ;Nav),$WORK/access.log,1
2001:db8::17,,,2023-12-31T23:30:00.000000Z,\"POST /login?next=\"\"home\"\" HTTP/1.1\",POST,\"/login?next=\"\"home\"\"\",HTTP/1.1,302,,,\"Mozilla/5.0 \"\"quoted\"\" agent\",$WORK/access.log,2
192.0.2.1,,,1999-12-31T23:59:59.000000Z,,,,,408,0,,,$WORK/access.log,5"
check_match "rows in = written + quarantined (5 = 3 + 2; the blank line is no row)" \
  "$(cat "$WORK/combined.log")" 'l +succeeded +5 +3 +2'
q=$(quarantine combined)
check_contains "unmatched line quarantined with its number and reason" "$q" \
  '"line":3,"reason":"line does not match the combined log format","raw":"this is not an access log line"'
check_contains "common-format line quarantined by combined" "$q" '"line":6,'
check_contains "quarantine names the file" "$q" "\"origin\":\"$WORK/access.log\""

# on_error: fail stops at the first unmatched line, naming file and line
run_logs failing fail "path: $WORK/access.log"
check_eq "on_error fail exit" "$rc" 1
check_contains "on_error fail message" "$(cat "$WORK/failing.log")" \
  "$WORK/access.log:3: line does not match the combined log format"
check_no_file "nothing written on failure" "$WORK/out/failing.csv"

# common format, gzip-compressed input
grep -E '^10\.0\.0\.1 ' "$WORK/access.log" | gzip -c > "$WORK/common.log.gz"
run_logs common fail "path: $WORK/common.log.gz, format: common"
check_eq "common gz exit" "$rc" 0
check_eq "common gz output" "$(cat "$WORK/out/common.csv")" \
'host,ident,user,time,request,method,path,protocol,status,bytes
10.0.0.1,,,2000-10-10T20:55:36.000000Z,GET / HTTP/1.0,GET,/,HTTP/1.0,200,12'

# a folder of logs (one plain, one compressed): every file, in name order, each row naming its file
mkdir -p "$WORK/logdir"
head -n 1 "$WORK/access.log" > "$WORK/logdir/a.log"
cp "$WORK/common.log.gz" "$WORK/logdir/b.log.gz"
run_logs folder fail "path: $WORK/logdir, format: common, lineage: true"
check_eq "folder exit" "$rc" 1
check_contains "combined line in a common-format folder fails naming the file" \
  "$(cat "$WORK/folder.log")" "$WORK/logdir/a.log:1: line does not match the common log format"
run_logs folder2 fail "path: $WORK/logdir, format: combined, lineage: true"
check_eq "folder of logs exit" "$rc" 1
check_contains "second file line names the gz file" "$(cat "$WORK/folder2.log")" \
  "$WORK/logdir/b.log.gz:1: line does not match the combined log format"
run_logs folder3 quarantine "path: $WORK/logdir, format: combined, lineage: true"
check_eq "folder with quarantine exit" "$rc" 0
check_eq "folder rows name their file" "$(cut -d, -f13-14 "$WORK/out/folder3.csv")" \
"_source_file,_source_line
$WORK/logdir/a.log,1"
check_contains "folder quarantine names the compressed file" "$(quarantine folder3)" \
  "\"origin\":\"$WORK/logdir/b.log.gz\",\"line\":1"

# syslog RFC 3164: no year and no zone in the line
printf '%s\n' "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8" \
  '<13>Feb  5 17:32:18 10.0.0.99 sshd[4123]: Accepted publickey for alice' > "$WORK/messages"
run_logs s3164 fail "path: $WORK/messages, format: syslog3164, year: 2003, timezone: Europe/Paris"
check_eq "syslog3164 exit" "$rc" 0
check_eq "syslog3164 output" "$(cat "$WORK/out/s3164.csv")" \
"priority,facility,severity,time,host,app,procid,message
34,4,2,2003-10-11T20:14:15.000000Z,mymachine,su,,'su root' failed for lonvick on /dev/pts/8
13,1,5,2003-02-05T16:32:18.000000Z,10.0.0.99,sshd,4123,Accepted publickey for alice"

# syslog RFC 5424
printf '%s\n' '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event' > "$WORK/5424.log"
run_logs s5424 fail "path: $WORK/5424.log, format: syslog5424"
check_eq "syslog5424 exit" "$rc" 0
check_eq "syslog5424 output" "$(cat "$WORK/out/s5424.csv")" \
'priority,facility,severity,version,time,host,app,procid,msgid,structured_data,message
165,20,5,1,2003-10-11T22:14:15.003000Z,mymachine.example.com,evntslog,,ID47,"[exampleSDID@32473 iut=""3"" eventSource=""Application""]",An application event'

# a custom regex with typed groups
printf '%s\n' '2024-03-01 12:00:00.250 WARN 42ms cache miss' '2024-03-01 12:00:01 INFO 99999999999ms slow' \
  'garbage' > "$WORK/app.log"
run_logs regex quarantine "path: $WORK/app.log, format: regex, pattern: '^(?<time>\\S+ \\S+) (?<level>[A-Z]+) (?<ms>[0-9]+)ms (?<msg>.*)\$', types: {time: timestamp, ms: int32}, timezone: '+01:00'"
check_eq "regex exit" "$rc" 0
check_eq "regex output" "$(cat "$WORK/out/regex.csv")" \
'time,level,ms,msg
2024-03-01T11:00:00.250000Z,WARN,42,cache miss'
q=$(quarantine regex)
check_contains "regex value out of range quarantined" "$q" "\"line\":2,\"reason\":\"column 'ms': "
check_contains "regex unmatched quarantined" "$q" '"line":3,"reason":"line does not match the pattern"'
check_match "regex counts" "$(cat "$WORK/regex.log")" 'l +succeeded +3 +1 +2'

# JSON lines: columns from the first lines, unseen keys in _extra
printf '%s\n' '{"ts":"2024-01-01T00:00:00Z","status":200,"path":"/a"}' \
  '{"ts":"2024-01-01T00:00:01Z","status":404,"path":"/b","late":true}' 'not json' > "$WORK/app.ndjson"
run_logs json quarantine "path: $WORK/app.ndjson, format: json, infer_rows: 1, types: {ts: timestamp}"
check_eq "json exit" "$rc" 0
check_eq "json output" "$(cat "$WORK/out/json.csv")" \
'ts,status,path,_extra
2024-01-01T00:00:00.000000Z,200,/a,
2024-01-01T00:00:01.000000Z,404,/b,"{""late"":true}"'
check_contains "json invalid line quarantined" "$(quarantine json)" '"line":3,"reason":"line is not valid JSON'

# a Latin-1 log is decoded to UTF-8 (encoding: auto)
printf '<13>Oct 11 22:14:15 h app: caf\xe9 cr\xe8me\n' > "$WORK/latin1.log"
run_logs latin fail "path: $WORK/latin1.log, format: syslog3164, year: 2020"
check_eq "latin-1 log exit" "$rc" 0
check_eq "latin-1 message" "$(sed -n 2p "$WORK/out/latin.csv" | cut -d, -f8)" "café crème"

# option checks
run_logs badpat fail "path: $WORK/app.log, format: combined, pattern: '(?<x>a)'"
check_contains "pattern needs format regex" "$(cat "$WORK/badpat.log")" \
  "option pattern needs format: regex (format is combined)"
run_logs badre fail "path: $WORK/app.log, format: regex, pattern: '(?<x>a'"
check_contains "bad regex names the offset" "$(cat "$WORK/badre.log")" \
  "the log pattern does not compile at offset 6"

finish
