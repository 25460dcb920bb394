#!/usr/bin/env bash
# The reviews source: the three corpus layouts (label,title,text CSV; label
# folders of id_rating.txt files, also inside an archive; SNAP key: value
# blocks), layout detection, text features (NFC, script guess, source
# encoding for UTF-8, Latin-1 and UTF-16 files) and quarantine of unusable
# reviews with their file and line.
source "$(dirname "$0")/lib.sh"

run_reviews() { # NAME PATH [extra source options] -> rc, $WORK/out/NAME.csv, $WORK/NAME.log
  cat > "$WORK/$1.yml" <<YML
version: 1
defaults: {lake: $WORK/lake-$1, on_error: quarantine}
streams:
  r:
    source: {type: reviews, path: $2${3:+, $3}}
    targets:
      - {type: csv, name: out, path: $WORK/out/$1.csv}
YML
  "$AFFLUENT" run "$WORK/$1.yml" --no-progress >"$WORK/$1.log" 2>&1; rc=$?
}
quarantine() { cat "$WORK"/lake-$1/quarantine/r/*.ndjson 2>/dev/null; }

out=$("$AFFLUENT" plugins reviews)
check_contains "plugins reviews lists layout" "$out" "one of: auto, csv, files, blocks"
check_contains "plugins reviews lists file_name_pattern" "$out" 'file_name_pattern  string  no        ^(?<id>[^_]+)_(?<rating>[0-9]+)\.txt$'

# ---- (a) csv: Amazon review polarity (no header; label, title, text)
printf '%s\n' '"2","Great CD","My lovely Pat has one of the GREAT voices of her generation."' \
  '"1","Batteries died","Cafe'$'\xcc\x81'' terrible: they died within a year."' \
  '"x","bad label","text"' \
  '"1","two fields only"' \
  '"2","Отлично","Очень хорошая книга"' > "$WORK/polarity.csv"
run_reviews pol "$WORK/polarity.csv" "lineage: false"
check_eq "csv exit" "$rc" 0
check_eq "csv output" "$(cat "$WORK/out/pol.csv")" \
'id,label,rating,title,text,text_length,word_count,language,encoding
,2,,Great CD,My lovely Pat has one of the GREAT voices of her generation.,60,12,latin,utf-8
,1,,Batteries died,Café terrible: they died within a year.,39,7,latin,utf-8
,2,,Отлично,Очень хорошая книга,19,3,cyrillic,utf-8'
check_match "csv counts: read 5 = written 3 + quarantined 2" "$(cat "$WORK/pol.log")" \
  'r +succeeded +5 +3 +2'
q=$(quarantine pol)
check_contains "csv bad label quarantined with its line" "$q" \
  '"line":3,"reason":"column '"'"'label'"'"': '"'"'x'"'"' is not an integer"'
check_contains "csv short record quarantined" "$q" '"line":4,"reason":"expected 3 fields, found 2"'

# column_names maps other layouts of CSV (here with an id and a rating, and a header)
printf 'rid,stars,polarity,body\nr1,5,2,"Loved it"\nr2,,1,"Meh"\n' > "$WORK/custom.csv"
run_reviews custom "$WORK/custom.csv" "layout: csv, header: true, column_names: [id, rating, label, text]"
check_eq "csv column_names exit" "$rc" 0
check_eq "csv column_names output" "$(cat "$WORK/out/custom.csv")" \
'id,label,rating,title,text,text_length,word_count,language,encoding
r1,2,5,,Loved it,8,2,latin,utf-8
r2,1,,,Meh,3,1,latin,utf-8'

# a Latin-1 CSV file is transcoded; the encoding column says so
printf '1,"Tr\xe8s d\xe9\xe7u","Le produit est arriv\xe9 cass\xe9"\n' > "$WORK/latin1.csv"
run_reviews latin "$WORK/latin1.csv"
check_eq "latin-1 csv exit" "$rc" 0
check_eq "latin-1 csv row" "$(sed -n 2p "$WORK/out/latin.csv")" \
  ',1,,Très déçu,Le produit est arrivé cassé,27,5,latin,latin-1'

# ---- (b) files: IMDB layout, label = folder, id and rating from the name
mkdir -p "$WORK/imdb/train/pos" "$WORK/imdb/train/neg"
printf 'A wonderful film.' > "$WORK/imdb/train/pos/123_9.txt"
printf 'Caf\xe9 na\xefve, tr\xe8s bien' > "$WORK/imdb/train/pos/7_10.txt"        # Latin-1
printf '\xff\xfeB\x00a\x00d\x00 \x00\x3a\x04\x38\x04\x3d\x04\x3e\x04' > "$WORK/imdb/train/neg/5_2.txt" # UTF-16LE "Bad кино"
printf 'e\xcc\x81te\xcc\x81' > "$WORK/imdb/train/neg/6_1.txt"                 # NFD "été"
echo "not a review" > "$WORK/imdb/train/README"
run_reviews files "$WORK/imdb/train" "lineage: true"
check_eq "files exit" "$rc" 0
check_eq "files output (without _ingested_at)" "$(sed 's/,[^,]*$//' "$WORK/out/files.csv")" \
"id,label,rating,title,text,text_length,word_count,language,encoding,_source_file,_source_line
5,neg,2,,Bad кино,8,2,unknown,utf-16le,$WORK/imdb/train/neg/5_2.txt,1
6,neg,1,,été,3,1,latin,utf-8,$WORK/imdb/train/neg/6_1.txt,1
123,pos,9,,A wonderful film.,17,3,latin,utf-8,$WORK/imdb/train/pos/123_9.txt,1
7,pos,10,,\"Café naïve, très bien\",21,4,latin,latin-1,$WORK/imdb/train/pos/7_10.txt,1"
check_match "_ingested_at is a UTC timestamp" "$(sed -n 2p "$WORK/out/files.csv")" \
  ',[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$'
check_contains "README quarantined, not read as a review" "$(quarantine files)" \
  "\"reason\":\"file name 'README' does not match file_name_pattern"
check_match "files counts" "$(cat "$WORK/files.log")" 'r +succeeded +5 +4 +1'

# the same folder inside a .tar.gz reads the same reviews, named by member
(cd "$WORK/imdb" && tar czf "$WORK/imdb.tgz" train)
run_reviews tgz "$WORK/imdb.tgz" "layout: files, lineage: true"
check_eq "archive exit" "$rc" 0
check_eq "archive reviews equal the folder's" \
  "$(sed 's/,[^,]*,[^,]*,[^,]*$//' "$WORK/out/tgz.csv" | sort)" \
  "$(sed 's/,[^,]*,[^,]*,[^,]*$//' "$WORK/out/files.csv" | sort)"
check_contains "archive lineage names the member" "$(cat "$WORK/out/tgz.csv")" \
  "$WORK/imdb.tgz!train/pos/123_9.txt,1,"

# forcing utf-8 on a Latin-1 file quarantines it with the byte offset
run_reviews forced "$WORK/imdb/train/pos" "encoding: utf-8"
check_eq "forced utf-8 exit" "$rc" 0
check_contains "invalid UTF-8 reported with offset" "$(quarantine forced)" \
  "\"reason\":\"column 'text': $WORK/imdb/train/pos/7_10.txt: invalid UTF-8 at byte 3\""

# ---- (c) blocks: SNAP Amazon format
cat > "$WORK/snap.txt" <<'TXT'
product/productId: B000GKXY4S
review/userId: A1QA985ULVCQOB
review/profileName: Carleen M. Amadio "Lady Dragonfly"
review/helpfulness: 2/3
review/score: 4.0
review/time: 1182729600
review/summary: Fun for adults and kids alike
review/text: Really fun item, kids love it.

product/productId: B000GKXY4S
review/userId: unknown
this line has no key
review/text: lost

product/productId: B0001
review/score: 2.5
review/time: 0
review/text: Déjà vu
review/source: web


TXT
run_reviews snap "$WORK/snap.txt"
check_eq "blocks exit" "$rc" 0
check_eq "blocks output" "$(cat "$WORK/out/snap.csv")" \
'id,label,rating,title,text,text_length,word_count,language,encoding,product_id,user_id,profile_name,helpfulness,score,time,extra
,,4,Fun for adults and kids alike,"Really fun item, kids love it.",30,6,latin,utf-8,B000GKXY4S,A1QA985ULVCQOB,"Carleen M. Amadio ""Lady Dragonfly""",2/3,4,2007-06-25T00:00:00.000000Z,
,,,,Déjà vu,7,2,latin,utf-8,B0001,,,,2.5,1970-01-01T00:00:00.000000Z,"{""review/source"":""web""}"'
check_contains "malformed block quarantined at its first line" "$(quarantine snap)" \
  '"line":10,"reason":"malformed review block: line 12: expected a '"'"'key: value'"'"' line"'
check_match "blocks counts" "$(cat "$WORK/snap.log")" 'r +succeeded +3 +2 +1'

# ---- layout errors
printf 'just some prose\nwith lines\n' > "$WORK/prose.txt"
run_reviews prose "$WORK/prose.txt"
check_eq "undetectable layout fails" "$rc" 1
check_contains "undetectable layout says what to do" "$(cat "$WORK/prose.log")" \
  "prose.txt: cannot tell the review layout"
check_contains "undetectable layout suggests the option" "$(cat "$WORK/prose.log")" \
  "set layout: csv, files or blocks"

finish
