#!/usr/bin/env bash
# services.sh - starts and stops the real database servers the SQL tests run
# against (ARCHITECTURE.md section 7): a PostgreSQL cluster and a MariaDB
# server, each in a directory of its own, listening on 127.0.0.1 only, on a
# free port, with a role/user `affluent` (password `affluent-test`) owning a
# database `affluent_test`. Real servers rather than mocks, because what the
# connectors must get right (auth, types, COPY, LOAD DATA LOCAL) is what the
# servers do. Usage:
#   services.sh start|stop|status|env [postgres|mariadb|all] [--dir DIR] [--clean]
# start is a no-op for a server that is running; stop keeps the data unless
# --clean; env prints `export AF_PG_URL=...` / `export AF_MYSQL_URL=...` lines to
# eval. DIR defaults to $AF_SERVICES_DIR, else ${TMPDIR:-/tmp}/affluent-services;
# ports and pids are kept in DIR/services.env. Both servers refuse to run as
# root, so as root they run as the system user affluent-test (created when
# missing). Readiness waits at most $AF_SERVICES_TIMEOUT seconds (default 30);
# on failure the server's log tail is printed. See docs/testing.md.
set -euo pipefail

usage() {
  echo "usage: services.sh start|stop|status|env [postgres|mariadb|all] [--dir DIR] [--clean]" >&2
  exit 2
}

cmd=${1:-}
case "$cmd" in start | stop | status | env) shift ;; -h | --help) usage ;; *) usage ;; esac
which=all
dir=${AF_SERVICES_DIR:-${TMPDIR:-/tmp}/affluent-services}
clean=0
while [ $# -gt 0 ]; do
  case "$1" in
    postgres | mariadb | all) which=$1 ;;
    --dir)
      [ $# -ge 2 ] || usage
      dir=$2
      shift
      ;;
    --dir=*) dir=${1#--dir=} ;;
    --clean) clean=1 ;;
    *)
      echo "services.sh: unknown argument '$1'" >&2
      usage
      ;;
  esac
  shift
done
dir=$(realpath -m -- "$dir")
timeout=${AF_SERVICES_TIMEOUT:-30}
state=$dir/services.env

# Credentials are fixed on purpose: the servers are loopback-only throwaways,
# and tests and docs can name them.
DB_USER=affluent
DB_PASSWORD=affluent-test
DB_NAME=affluent_test
SVC_USER=affluent-test

say() { echo "services: $*"; }
err() { echo "services: $*" >&2; }

# ---- who runs the servers: as root, an unprivileged system user
svc_user=""
if [ "$(id -u)" -eq 0 ]; then svc_user=$SVC_USER; fi
ensure_svc_user() {
  [ -n "$svc_user" ] || return 0
  id -u "$svc_user" >/dev/null 2>&1 && return 0
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$svc_user"
}
as_svc() {
  if [ -n "$svc_user" ]; then runuser -u "$svc_user" -- "$@"; else "$@"; fi
}

# ---- state file: KEY=number lines, parsed rather than sourced (DIR belongs to
# the service user, so root must not execute what is in it)
state_get() {
  [ -f "$state" ] || return 0
  sed -n "s/^$1=\([0-9]*\)\$/\1/p" "$state" | tail -n1
}
state_set() { # state_set KEY VALUE...: pairs; an empty VALUE removes the key
  local tmp=$state.tmp.$$ keys="" a=("$@") i
  for ((i = 0; i < ${#a[@]}; i += 2)); do keys+="${keys:+|}${a[i]}"; done
  {
    echo "# scripts/services.sh state: ports and pids of the test servers in $dir"
    if [ -f "$state" ]; then grep -E '^[A-Z_]+=' "$state" | grep -Ev "^($keys)=" || true; fi
    for ((i = 0; i + 1 < ${#a[@]}; i += 2)); do
      if [ -n "${a[i + 1]}" ]; then echo "${a[i]}=${a[i + 1]}"; fi
    done
  } >"$tmp"
  mv -f "$tmp" "$state"
}

ensure_dir() {
  ensure_svc_user
  mkdir -p "$dir"
  if [ -n "$svc_user" ]; then chown "$svc_user:" "$dir"; fi
  if ! as_svc test -w "$dir" -a -x "$dir"; then
    err "${svc_user:-$(id -un)} cannot write to $dir (is a parent directory private?); use --dir"
    return 1
  fi
}

# ---- free ports: nothing listening on them, on any address
port_free() {
  if command -v ss >/dev/null; then
    [ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 1; fi
  fi
}
find_port() {
  local p
  for ((p = $1; p < $1 + 200; p++)); do
    if port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  err "no free port in $1..$(($1 + 199))"
  return 1
}

log_tail() { # log_tail FILE [FROM_LINE]
  [ -f "$1" ] || return 0
  err "last lines of $1:"
  tail -n +"${2:-1}" "$1" | tail -n 25 >&2
}

# ================= PostgreSQL =================
pg_data=$dir/pg
pg_log=$dir/pg.log

pg_bin() { # the newest installed server version, or PG_BIN
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return 0
  fi
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n1)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    err "postgres: no server found (/usr/lib/postgresql/*/bin/initdb); install it with scripts/setup.sh"
    return 1
  fi
  echo "$d"
}

pg_running() {
  local bin
  [ -f "$pg_data/postmaster.pid" ] || return 1
  bin=$(pg_bin 2>/dev/null) || return 1
  as_svc "$bin/pg_ctl" status -D "$pg_data" >/dev/null 2>&1
}

pg_start() {
  local bin port from try
  bin=$(pg_bin) || return 1
  if pg_running; then
    say "postgres: already running on 127.0.0.1:$(state_get PG_PORT)"
    return 0
  fi
  ensure_dir || return 1
  if [ ! -f "$pg_data/PG_VERSION" ]; then
    as_svc rm -rf "$pg_data" # what an interrupted initdb left
    # -N: no fsync, these clusters are throwaways and speed matters in CI.
    if ! (cd "$dir" && as_svc "$bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 \
      --locale=C.UTF-8 -N) >"$dir/pg-initdb.log" 2>&1; then
      err "postgres: initdb failed"
      log_tail "$dir/pg-initdb.log"
      return 1
    fi
    # The admin (postgres) comes in through the socket in DIR without a
    # password; everybody else through 127.0.0.1 with a real password (SCRAM),
    # so connectors meet the authentication they will meet in production.
    as_svc tee "$pg_data/pg_hba.conf" >/dev/null <<'EOF'
# written by scripts/services.sh
local all all                trust
host  all all 127.0.0.1/32   scram-sha-256
EOF
    as_svc tee -a "$pg_data/postgresql.conf" >/dev/null <<EOF
# written by scripts/services.sh: loopback only, socket in the service dir,
# durability off (test data)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
  fi
  for try in 1 2 3; do
    port=$(find_port 5433) || return 1
    from=$(($(wc -l 2>/dev/null <"$pg_log" || echo 0) + 1))
    if (cd "$dir" && as_svc "$bin/pg_ctl" start -D "$pg_data" -l "$pg_log" -w -t "$timeout" \
      -o "-p $port") >/dev/null 2>&1; then
      break
    fi
    # Another process took the port between the check and the bind: next one.
    if [ "$try" -lt 3 ] && tail -n +"$from" "$pg_log" 2>/dev/null | grep -q "Address already in use"; then
      continue
    fi
    err "postgres: pg_ctl start failed (it waits at most ${timeout}s)"
    log_tail "$pg_log" "$from"
    return 1
  done
  if ! pg_isready -q -h 127.0.0.1 -p "$port" -t "$timeout"; then
    err "postgres: not ready on 127.0.0.1:$port within ${timeout}s"
    log_tail "$pg_log" "$from"
    return 1
  fi
  # Role and database, created when missing (a restarted cluster has them).
  if ! psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    >"$dir/pg-setup.log" 2>&1 <<EOF; then
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
EOF
    err "postgres: creating role $DB_USER and database $DB_NAME failed"
    log_tail "$dir/pg-setup.log"
    return 1
  fi
  state_set PG_PORT "$port" PG_PID "$(head -n1 "$pg_data/postmaster.pid")"
  say "postgres: running on 127.0.0.1:$port (data in $pg_data)"
}

pg_stop() {
  local bin
  if pg_running; then
    bin=$(pg_bin) || return 1
    if ! (cd "$dir" && as_svc "$bin/pg_ctl" stop -D "$pg_data" -m fast -w -t "$timeout") >/dev/null 2>&1; then
      err "postgres: pg_ctl stop failed"
      log_tail "$pg_log"
      return 1
    fi
    say "postgres: stopped"
  else
    say "postgres: not running"
  fi
  [ -d "$dir" ] && state_set PG_PORT "" PG_PID ""
  if [ "$clean" = 1 ]; then rm -rf "$pg_data" "$pg_log" "$dir/pg-initdb.log" "$dir/pg-setup.log"; fi
}

pg_url() { echo "postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$1/$DB_NAME"; }

# ================= MariaDB =================
my_data=$dir/mysql
my_sock=$dir/mysql.sock
my_pidf=$dir/mysql.pid
my_log=$dir/mysql.log

my_tools() {
  local t
  for t in mariadbd mariadb-install-db mariadb-admin mariadb; do
    if ! command -v "$t" >/dev/null && [ ! -x "/usr/sbin/$t" ]; then
      err "mariadb: $t not found; install mariadb-server and mariadb-client with scripts/setup.sh"
      return 1
    fi
  done
}
mariadbd_path() { command -v mariadbd || echo /usr/sbin/mariadbd; }

# root@localhost has no password and is reachable only through the socket
# file in DIR (my_start drops the other root accounts).
my_admin() { mariadb-admin --no-defaults --protocol=socket --socket="$my_sock" -uroot --connect-timeout=2 "$@"; }
my_sql() { mariadb --no-defaults --protocol=socket --socket="$my_sock" -uroot "$@"; }
my_running() { [ -S "$my_sock" ] && my_admin ping >/dev/null 2>&1; }

my_start() {
  local port from try launcher waited ok
  my_tools || return 1
  if my_running; then
    say "mariadb: already running on 127.0.0.1:$(state_get MYSQL_PORT)"
    return 0
  fi
  ensure_dir || return 1
  if [ ! -d "$my_data/mysql" ]; then
    as_svc rm -rf "$my_data" # what an interrupted install left
    if ! (cd "$dir" && as_svc mariadb-install-db --no-defaults --datadir="$my_data" \
      --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve) \
      >"$dir/mysql-install.log" 2>&1; then
      err "mariadb: mariadb-install-db failed"
      log_tail "$dir/mysql-install.log"
      return 1
    fi
  fi
  for try in 1 2 3; do
    port=$(find_port 3307) || return 1
    from=$(($(wc -l 2>/dev/null <"$my_log" || echo 0) + 1))
    rm -f "$my_sock"
    # setsid: the server outlives this script and a Ctrl-C in the terminal.
    # --local-infile: LOAD DATA LOCAL is how the MariaDB target loads rows.
    # --skip-name-resolve: accounts are matched by IP ('affluent'@'127.0.0.1').
    # InnoDB durability is off: throwaway test data, and start-up stays fast.
    (cd "$dir" && exec setsid ${svc_user:+runuser -u "$svc_user" --} "$(mariadbd_path)" --no-defaults \
      --datadir="$my_data" --bind-address=127.0.0.1 --port="$port" --socket="$my_sock" \
      --pid-file="$my_pidf" --log-error="$my_log" --tmpdir="$dir" --local-infile=1 \
      --skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=32M \
      --innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
      --max-connections=50) </dev/null >/dev/null 2>&1 &
    launcher=$!
    ok=0
    for ((waited = 0; waited < timeout * 5; waited++)); do
      if my_running; then
        ok=1
        break
      fi
      kill -0 "$launcher" 2>/dev/null || break
      sleep 0.2
    done
    [ "$ok" = 1 ] && break
    if [ "$try" -lt 3 ] && tail -n +"$from" "$my_log" 2>/dev/null | grep -q "Address already in use"; then
      wait "$launcher" 2>/dev/null || true
      continue
    fi
    if kill -0 "$launcher" 2>/dev/null; then
      err "mariadb: not ready on 127.0.0.1:$port within ${timeout}s"
      kill "$launcher" 2>/dev/null || true
    else
      err "mariadb: the server exited during start-up"
    fi
    log_tail "$my_log" "$from"
    return 1
  done
  # mariadb-install-db also makes root@127.0.0.1, root@::1 and root@HOSTNAME
  # without a password: drop them, root stays reachable through the socket only.
  local drops
  drops=$(my_sql -N -B -r -e "SELECT CONCAT('DROP USER ''root''@', QUOTE(host), ';')
    FROM mysql.user WHERE user = 'root' AND host <> 'localhost'" 2>"$dir/mysql-setup.log") || drops=""
  if ! my_sql >>"$dir/mysql-setup.log" 2>&1 <<EOF; then
$drops
CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON \`${DB_NAME//_/\\_}%\`.* TO '$DB_USER'@'127.0.0.1';
EOF
    err "mariadb: creating user $DB_USER and database $DB_NAME failed"
    log_tail "$dir/mysql-setup.log"
    return 1
  fi
  state_set MYSQL_PORT "$port" MYSQL_PID "$(cat "$my_pidf" 2>/dev/null || true)"
  say "mariadb: running on 127.0.0.1:$port (data in $my_data)"
}

my_stop() {
  local pid i
  if my_running; then
    pid=$(cat "$my_pidf" 2>/dev/null || true)
    my_admin shutdown >/dev/null 2>&1 || true
    # shutdown returns once the server has been asked; wait for it to go.
    for ((i = 0; i < timeout * 5; i++)); do
      if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
      sleep 0.2
    done
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      err "mariadb: still running after ${timeout}s; sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "mariadb: stopped"
  else
    say "mariadb: not running"
  fi
  [ -d "$dir" ] && state_set MYSQL_PORT "" MYSQL_PID ""
  if [ "$clean" = 1 ]; then
    rm -rf "$my_data" "$my_log" "$my_sock" "$my_pidf" "$dir/mysql-install.log" "$dir/mysql-setup.log"
  fi
}

my_url() { echo "mysql://$DB_USER:$DB_PASSWORD@127.0.0.1:$1/$DB_NAME"; }

# ================= commands =================
services=()
case "$which" in
  all) services=(postgres mariadb) ;;
  *) services=("$which") ;;
esac

rc=0
for s in "${services[@]}"; do
  case "$cmd:$s" in
    start:postgres) pg_start || rc=1 ;;
    start:mariadb) my_start || rc=1 ;;
    stop:postgres) pg_stop || rc=1 ;;
    stop:mariadb) my_stop || rc=1 ;;
    status:postgres)
      if pg_running; then
        say "postgres: running on 127.0.0.1:$(state_get PG_PORT) (pid $(state_get PG_PID), data in $pg_data)"
      else
        say "postgres: not running (dir $dir)"
        rc=1
      fi
      ;;
    status:mariadb)
      if my_running; then
        say "mariadb: running on 127.0.0.1:$(state_get MYSQL_PORT) (pid $(state_get MYSQL_PID), data in $my_data)"
      else
        say "mariadb: not running (dir $dir)"
        rc=1
      fi
      ;;
    env:postgres)
      if pg_running && [ -n "$(state_get PG_PORT)" ]; then
        echo "export AF_PG_URL=$(pg_url "$(state_get PG_PORT)")"
      else
        err "postgres: not running (dir $dir); start it with: scripts/services.sh start postgres --dir $dir"
        rc=1
      fi
      ;;
    env:mariadb)
      if my_running && [ -n "$(state_get MYSQL_PORT)" ]; then
        echo "export AF_MYSQL_URL=$(my_url "$(state_get MYSQL_PORT)")"
      else
        err "mariadb: not running (dir $dir); start it with: scripts/services.sh start mariadb --dir $dir"
        rc=1
      fi
      ;;
  esac
done
if [ "$cmd" = stop ] && [ "$clean" = 1 ] && [ "$which" = all ] && [ -d "$dir" ]; then
  rm -f "$state"
  rmdir "$dir" 2>/dev/null || true
fi
exit "$rc"
