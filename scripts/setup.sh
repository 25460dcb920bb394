#!/usr/bin/env bash
# setup.sh - installs every Debian package affluent needs to build, test and
# fuzz. Idempotent; run as root on Debian 12 (uses sudo when not root).
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libfyaml-dev libjansson-dev
  zlib1g-dev libsnappy-dev libzstd-dev liblz4-dev libbrotli-dev   # Parquet page codecs
  libbz2-dev liblzma-dev libisal-dev libarchive-dev   # stream codecs, fast inflate, zip/tar
  libpcre2-dev libutf8proc-dev                         # log patterns, text normalisation
  libssl-dev libsqlite3-dev sqlite3                    # lake: SHA-256 of raw copies, catalog index
  clang libclang-rt-14-dev   # libFuzzer harnesses and sanitizer runtimes
  gzip zstd lz4 bzip2 xz-utils brotli libarchive-tools   # command-line codecs and bsdtar: test fixtures
  postgresql libpq-dev                 # PostgreSQL server for the SQL tests (scripts/services.sh), client library
  mariadb-server mariadb-client libmariadb-dev   # MariaDB server and client for the SQL tests, client library
  unixodbc-dev odbc-postgresql libsqliteodbc     # ODBC driver manager; PostgreSQL and SQLite drivers to test it against
  freetds-dev tdsodbc                  # TDS (SQL Server) client library and its ODBC driver
  iproute2                             # ss: free ports for the test servers, loopback-only checks
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
