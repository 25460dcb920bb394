# lib.sh - shared machinery of the bench/ scripts (run.sh, parquet.sh): tool
# installation, the affluent binary, compiling input generators, timed runs
# under /usr/bin/time -v with the machine-load sample, medians and formatting.
#
# Source it from a script whose working directory is the project root, after
# `set -euo pipefail`:   . "$(dirname "$0")/lib.sh"
# It sets: root, bench, duck_api_version; call the functions below in order:
#   bench_check_positive NAME VALUE     die unless VALUE is a positive integer
#   bench_tools                         /usr/bin/time, node, npm, cc, @duckdb/node-api
#   bench_affluent                      sets affluent, affluent_source, affluent_version
#   bench_compile_gen NAME              bench/NAME.c -> bench/.build/NAME (sets gen)
#   bench_tmp                           sets tmp (removed at exit)
#   bench_time ENGINE LABEL OUT CMD...  one timed run (see below)
#   bench_noise                         sets other_s, span_s, other_pct; warns above 10%
# Environment read here: AFFLUENT, AFFLUENT_DESC, SKIP_BUILD, DUCKDB_NODE_API.

root=$PWD
bench=$root/bench
duck_api_version=${DUCKDB_NODE_API:-1.5.6-r.1}

die() { echo "bench: FAIL: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

bench_check_positive() { # NAME VALUE
    [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, got '$2'"
}

# ---------------------------------------------------------------- tools
apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        apt-get update -qq >/dev/null || die "apt-get update failed"
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
        die "apt-get install $* failed"
}

# installs what is missing: Debian packages time, nodejs, npm; @duckdb/node-api
# (pinned) into bench/.node; sets duck_api_installed
bench_tools() {
    if [ ! -x /usr/bin/time ]; then
        note "installing Debian package 'time' for /usr/bin/time"
        apt_install time
    fi
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        note "installing node and npm (Debian packages)"
        apt_install nodejs npm
    fi
    command -v cc >/dev/null || die "no C compiler (cc) found"

    if [ ! -f "$bench/.node/node_modules/@duckdb/node-api/package.json" ] ||
        [ "$(node -p "require('$bench/.node/node_modules/@duckdb/node-api/package.json').version")" != "$duck_api_version" ]; then
        note "installing @duckdb/node-api@$duck_api_version into bench/.node"
        mkdir -p "$bench/.node"
        npm install --prefix "$bench/.node" --no-audit --no-fund --loglevel=error \
            "@duckdb/node-api@$duck_api_version" >&2 || die "npm install @duckdb/node-api failed"
    fi
    duck_api_installed=$(node -p "require('$bench/.node/node_modules/@duckdb/node-api/package.json').version")
}

# the binary under test: AFFLUENT=PATH, or build/affluent (built unless SKIP_BUILD=1)
bench_affluent() {
    if [ -n "${AFFLUENT:-}" ]; then
        affluent=$(realpath "$AFFLUENT")
        affluent_source=${AFFLUENT_DESC:-"binary from AFFLUENT=$AFFLUENT"}
    else
        if [ "${SKIP_BUILD:-0}" != 1 ]; then
            note "building affluent (scripts/build.sh)"
            bash scripts/build.sh >/dev/null || die "scripts/build.sh failed"
        fi
        affluent=$root/build/affluent
        affluent_source="build/affluent of work tree at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
        if [ -n "$(git status --porcelain -- src CMakeLists.txt 2>/dev/null)" ]; then
            affluent_source+=" with uncommitted changes under src/"
        fi
    fi
    [ -x "$affluent" ] || die "$affluent not found (run: bash scripts/build.sh)"
    affluent_version=$("$affluent" --version)
}

# bench/NAME.c (+ gen_common.h) -> bench/.build/NAME, when missing or older than
# the sources; sets gen
bench_compile_gen() { # NAME
    mkdir -p "$bench/.build" "$bench/data" "$bench/results"
    gen=$bench/.build/$1
    if [ ! -x "$gen" ] || [ "$bench/$1.c" -nt "$gen" ] || [ "$bench/gen_common.h" -nt "$gen" ]; then
        note "compiling bench/$1.c"
        cc -O2 -Wall -Wextra -std=c11 -o "$gen" "$bench/$1.c" || die "$1.c did not compile"
    fi
}

# ---------------------------------------------------------------- measuring
# data rows of an RFC 4180 CSV with a header: a record ends at a newline
# outside quotes (an even count of '"' since the record began)
csv_data_rows() {
    awk '{ q += gsub(/"/, "&"); if (q % 2 == 0) { n++; q = 0 } } END { print n - 1 }' "$1"
}

# seconds from /usr/bin/time -v's "Elapsed (wall clock) time (h:mm:ss or m:ss): X"
elapsed_s() {
    sed -n 's/.*Elapsed (wall clock) time[^)]*): //p' "$1" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f\n", s }'
}
field_of() { sed -n "s/.*$2: //p" "$1" | head -1; }

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# busy CPU seconds of the whole machine so far (user nice system irq softirq steal)
hz=$(getconf CLK_TCK)
machine_busy_s() { awk -v hz="$hz" '/^cpu / { printf "%.2f\n", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }

bench_tmp() {
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
}

# bench_time ENGINE LABEL OUT CMD...: removes OUT, syncs, runs CMD under
# /usr/bin/time -v (stdout to $tmp/ENGINE.LABEL.out, stderr to .err), dies if
# it fails or writes no OUT. Unless LABEL is "warmup", appends to
# $tmp/ENGINE.wall (s), .rss (MiB), .cpu (user+sys s) and $tmp/busy (machine
# busy CPU before/after, the run's CPU and wall).
bench_time() {
    local e=$1 label=$2 out=$3
    shift 3
    local tfile=$tmp/$e.$label.time
    rm -f "$out"
    sync # earlier runs' dirty pages are written back before the clock starts
    local busy0 busy1
    busy0=$(machine_busy_s)
    if ! /usr/bin/time -v -o "$tfile" "$@" >"$tmp/$e.$label.out" 2>"$tmp/$e.$label.err"; then
        cat "$tmp/$e.$label.err" >&2
        die "$e run $label exited non-zero: $*"
    fi
    busy1=$(machine_busy_s)
    [ -s "$out" ] || die "$e run $label wrote no output at $out"
    if [ "$label" != warmup ]; then
        elapsed_s "$tfile" >>"$tmp/$e.wall"
        awk -v k="$(field_of "$tfile" 'Maximum resident set size (kbytes)')" 'BEGIN { printf "%.1f\n", k / 1024 }' >>"$tmp/$e.rss"
        awk -v u="$(field_of "$tfile" 'User time (seconds)')" -v s="$(field_of "$tfile" 'System time (seconds)')" \
            'BEGIN { printf "%.2f\n", u + s }' >>"$tmp/$e.cpu"
        # machine-wide busy CPU while the command ran, and its wall time
        echo "$busy0 $busy1 $(tail -1 "$tmp/$e.cpu") $(tail -1 "$tmp/$e.wall")" >>"$tmp/busy"
    fi
}

# CPU used by anything but the timed engine while it ran, summed over the timed
# runs: the noise indicator (includes a little kernel write-back of their output)
bench_noise() {
    read -r other_s span_s < <(awk '{ x = $2 - $1 - $3; o += x < 0 ? 0 : x; w += $4 } END { printf "%.1f %.1f\n", o, w }' "$tmp/busy")
    other_pct=$(awk -v x="$other_s" -v s="$span_s" -v n="$(nproc)" 'BEGIN { printf "%.0f", 100 * x / (s * n) }')
    if [ "$other_pct" -gt 10 ]; then
        note "warning: other processes used ${other_s} CPU s (${other_pct}% of the machine) during the timed runs; timings are disturbed, rerun on a quiet machine"
    fi
}

# ---------------------------------------------------------------- formatting
runs_of() { paste -sd' ' "$tmp/$1.wall" | sed 's/ /, /g'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
machine_desc() {
    echo "\`nproc\` = $(nproc), $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(awk '/MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
}
