#!/bin/bash
# The stand-in mysql image's entrypoint (docker/standin/mariadb.Dockerfile): on an empty data directory, creates
# the system tables, the root password, MYSQL_DATABASE and MYSQL_USER, and runs /docker-entrypoint-initdb.d/ with
# a server that listens on no port; then starts the real server on 0.0.0.0:3306. The mysql image works the same
# way, so a health check over TCP answers only once the init scripts have run.
set -euo pipefail
log() { echo "$(date -u +%FT%TZ) [entrypoint] $*"; }

if [ "${1:-mariadbd}" != mariadbd ]; then
  exec "$@"
fi
shift || true

DATADIR=/var/lib/mysql
SOCKET=/run/mysqld/init.sock

sql_string() { printf "'%s'" "$(printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g")"; }

if [ ! -d "$DATADIR/mysql" ]; then
  if [ -z "${MYSQL_ROOT_PASSWORD:-}" ] && [ -z "${MYSQL_ALLOW_EMPTY_PASSWORD:-}" ]; then
    log "error: database is uninitialized and neither MYSQL_ROOT_PASSWORD nor MYSQL_ALLOW_EMPTY_PASSWORD is set" >&2
    exit 1
  fi
  log "initializing $DATADIR"
  chown mysql:mysql "$DATADIR" /run/mysqld
  mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db --auth-root-authentication-method=normal \
    > /dev/null
  mariadbd --user=mysql --datadir="$DATADIR" --skip-networking --socket="$SOCKET" &
  pid=$!
  for _ in $(seq 1 60); do
    mariadb-admin --socket="$SOCKET" -uroot ping >/dev/null 2>&1 && break
    sleep 1
  done
  mariadb-admin --socket="$SOCKET" -uroot ping >/dev/null
  client=(mariadb --socket="$SOCKET" -uroot)
  {
    echo "DELETE FROM mysql.global_priv WHERE User='';"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "${MYSQL_ROOT_PASSWORD:-}");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "${MYSQL_ROOT_PASSWORD:-}");"
    if [ -n "${MYSQL_DATABASE:-}" ]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"
    fi
    if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
      echo "CREATE USER '$MYSQL_USER'@'%' IDENTIFIED BY $(sql_string "$MYSQL_PASSWORD");"
      if [ -n "${MYSQL_DATABASE:-}" ]; then
        echo "GRANT ALL ON \`$MYSQL_DATABASE\`.* TO '$MYSQL_USER'@'%';"
      fi
    fi
    echo "FLUSH PRIVILEGES;"
  } | "${client[@]}"
  client+=(-p"${MYSQL_ROOT_PASSWORD:-}")
  [ -n "${MYSQL_DATABASE:-}" ] && client+=(--database="$MYSQL_DATABASE")
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh)  log "running $f"; . "$f" ;;
      *.sql)
        log "running $f"
        # MySQL 8's dynamic privilege XA_RECOVER_ADMIN does not exist in MariaDB, where any user may run
        # XA RECOVER: such a grant is left out (and said so) instead of failing the whole init.
        if grep -qi 'XA_RECOVER_ADMIN' "$f"; then
          log "leaving out of $f (MariaDB lets every user run XA RECOVER): $(grep -i 'XA_RECOVER_ADMIN' "$f" | tr '\n' ' ')"
        fi
        grep -vi '^[[:space:]]*GRANT[[:space:]]\+XA_RECOVER_ADMIN[[:space:]]' "$f" | "${client[@]}" ;;
      *) [ -e "$f" ] && log "ignoring $f" ;;
    esac
  done
  mariadb-admin --socket="$SOCKET" -uroot -p"${MYSQL_ROOT_PASSWORD:-}" shutdown
  wait "$pid"
  log "init done"
fi

exec mariadbd --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --port=3306 "$@"
