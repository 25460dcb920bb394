#!/usr/bin/env bash
# test_services.sh - proves the database servers the SQL tests use
# (scripts/services.sh, started by scripts/test.sh) are what those tests
# assume: PostgreSQL >= 15 and MariaDB reachable at $AF_PG_URL / $AF_MYSQL_URL
# with the password in the URL (a wrong one is refused), listening on
# 127.0.0.1 only, and MariaDB accepting LOAD DATA LOCAL INFILE.
# A URL that is not set: FAIL when CI is set, otherwise that part is SKIPped
# (exit 0 when nothing could be checked).
# By hand: eval "$(bash scripts/services.sh env)"; bash tests/integration/test_services.sh
. "$(dirname "$0")/lib.sh"
me=$(basename "$0")

# needs VAR WHAT: 0 when $VAR is set; otherwise FAIL (CI) or print SKIP, and 1
needs() {
  local var=$1 what=$2 msg
  [ -n "${!var:-}" ] && return 0
  msg="$var is not set: start the $what test server with 'bash scripts/services.sh start' and eval the output of 'bash scripts/services.sh env' (scripts/test.sh does)"
  if [ -n "${CI:-}" ]; then fail "$msg"; else echo "SKIP ($what part): $me: $msg"; fi
  return 1
}

# listen_addrs PORT: the local addresses listening on PORT, sorted, one a line
listen_addrs() { ss -ltnH "sport = :$1" | awk '{print $4}' | sort -u; }

url_re='^[a-z]+://([^:@/]+):([^@/]*)@([^:/]+):([0-9]+)/([^?]+)$'

# ---------------- PostgreSQL ----------------
if needs AF_PG_URL PostgreSQL; then
  if [[ ! $AF_PG_URL =~ $url_re ]]; then
    fail "AF_PG_URL '$AF_PG_URL' is not postgres://USER:PASSWORD@HOST:PORT/DB"
  else
    pg_user=${BASH_REMATCH[1]} pg_host=${BASH_REMATCH[3]} pg_port=${BASH_REMATCH[4]}
    pg_db=${BASH_REMATCH[5]}
    check_eq "postgres: select 1" "$(psql -X -A -t "$AF_PG_URL" -c 'select 1' 2>&1)" "1"
    version=$(psql -X -A -t "$AF_PG_URL" -c 'SHOW server_version' 2>&1)
    check_match "postgres: SHOW server_version is a version" "$version" '^[0-9]+\.[0-9]+'
    if [[ $version =~ ^([0-9]+) ]] && [ "${BASH_REMATCH[1]}" -ge 15 ]; then
      pass
    else
      fail "postgres: server_version '$version' is not >= 15"
    fi
    check_eq "postgres: logged in as the URL's user, in its database" \
      "$(psql -X -A -t "$AF_PG_URL" -c 'select current_user, current_database()' 2>&1)" \
      "$pg_user|$pg_db"
    # COPY FROM STDIN is how the PostgreSQL target will load rows: a temp table
    # in one session, 3 rows in, the values back.
    out=$(printf '1\ta\n2\tb\n3\tc\n' | psql -X -A -t -q -v ON_ERROR_STOP=1 "$AF_PG_URL" \
      -c 'create temp table t (id int, name text)' \
      -c '\copy t from pstdin' \
      -c "select count(*), string_agg(name, ',' order by id) from t" 2>&1)
    check_eq "postgres: COPY FROM STDIN of 3 rows" "$out" "3|a,b,c"
    bad_url="postgres://$pg_user:wrong-password@$pg_host:$pg_port/$pg_db"
    check_contains "postgres: a wrong password is refused" \
      "$(psql -X -A -t "$bad_url" -c 'select 1' 2>&1)" \
      "FATAL:  password authentication failed for user \"$pg_user\""
    check_eq "postgres: listens on 127.0.0.1 only" "$(listen_addrs "$pg_port")" "127.0.0.1:$pg_port"
  fi
fi

# ---------------- MariaDB ----------------
if needs AF_MYSQL_URL MariaDB; then
  if [[ ! $AF_MYSQL_URL =~ $url_re ]]; then
    fail "AF_MYSQL_URL '$AF_MYSQL_URL' is not mysql://USER:PASSWORD@HOST:PORT/DB"
  else
    my_user=${BASH_REMATCH[1]} my_password=${BASH_REMATCH[2]} my_host=${BASH_REMATCH[3]}
    my_port=${BASH_REMATCH[4]} my_db=${BASH_REMATCH[5]}
    # my PASSWORD SQL: run SQL over TCP (never the socket), tab-separated, no headers
    my() {
      MYSQL_PWD=$1 mariadb --no-defaults --protocol=TCP -h "$my_host" -P "$my_port" \
        -u "$my_user" -D "$my_db" --local-infile=1 -N -B -e "$2" 2>&1
    }
    check_eq "mariadb: SELECT 1" "$(my "$my_password" 'SELECT 1')" "1"
    check_eq "mariadb: logged in as the URL's user, in its database" \
      "$(my "$my_password" 'SELECT CURRENT_USER(), DATABASE()')" "$my_user@127.0.0.1	$my_db"
    check_contains "mariadb: a wrong password is refused" "$(my wrong-password 'SELECT 1')" \
      "ERROR 1045 (28000): Access denied for user '$my_user'@'127.0.0.1' (using password: YES)"
    check_eq "mariadb: local_infile is on in the server" \
      "$(my "$my_password" 'SELECT @@GLOBAL.local_infile')" "1"
    printf '1\ta\n2\tb\n3\tc\n' >"$WORK/rows.tsv"
    check_eq "mariadb: LOAD DATA LOCAL INFILE of 3 rows" \
      "$(my "$my_password" "CREATE TEMPORARY TABLE t (id INT, name VARCHAR(20));
        LOAD DATA LOCAL INFILE '$WORK/rows.tsv' INTO TABLE t;
        SELECT COUNT(*), GROUP_CONCAT(name ORDER BY id) FROM t")" "3	a,b,c"
    check_eq "mariadb: listens on 127.0.0.1 only" "$(listen_addrs "$my_port")" "127.0.0.1:$my_port"
  fi
fi

if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "SKIP: $me: no database server to check"
  exit 0
fi
finish
