#!/usr/bin/env bash
# The README's test command: installs (Debian's packages) and starts what the tests need when it is missing, then
# runs `mvn -B verify` with this script's arguments (e.g. ./test.sh -Dit.test=SmsLoginFlowIT). Safe to run twice;
# it never stops or reconfigures a service it did not start or install.
#   Redis on 127.0.0.1:6379 (the tests use database 14 and keys of their own; redis-server also runs the Sentinel,
#     Cluster and TLS tests' own servers), MariaDB on 127.0.0.1:3306 (root, no password: a throw-away server; each
#     test makes a database of its own and drops it), Chromium and ChromeDriver (the browser tests), the Noto CJK fonts
#     (Chinese text in the screenshots). Java 17+ and Maven as for the build.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '== test.sh: %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "needs root for: $*"
    exit 1
  fi
}

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; }
mariadb_up() { (exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null; }   # answers, whether root may log in or not
mariadb_login() { mysql -h 127.0.0.1 -P 3306 -uroot --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; }

# 1. Debian's packages of what is missing
missing=()
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/mariadbd ] && command -v mysql >/dev/null 2>&1 || missing+=(mariadb-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# grep reads all of fc-list's output: with -q it would stop early, and pipefail would take fc-list's SIGPIPE for a miss
fc-list : family 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || missing+=(fonts-noto-cjk)
INSTALLED_MARIADB=""
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian's ${missing[*]}"
  command -v apt-get >/dev/null 2>&1 || { log "no apt-get here: install ${missing[*]} (or your system's equivalents)"; exit 1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  if [[ " ${missing[*]} " == *" mariadb-server "* ]]; then
    INSTALLED_MARIADB=yes
  fi
fi

# 2. the services, started where none answers
if ! redis_up; then
  log "starting Redis on 127.0.0.1:6379 (keeps nothing on disk)"
  REDIS_DIR=/var/lib/redis
  mkdir -p "$REDIS_DIR" 2>/dev/null && [ -w "$REDIS_DIR" ] || REDIS_DIR="${TMPDIR:-/tmp}"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir "$REDIS_DIR" --logfile "$REDIS_DIR/test-sh-redis.log"
fi
if ! mariadb_up; then
  log "starting MariaDB on 127.0.0.1:3306"
  as_root install -d -o mysql -g mysql /run/mysqld
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
fi
for i in $(seq 1 60); do
  redis_up && mariadb_up && break
  sleep 1
done
redis_up || { log "Redis does not answer on 127.0.0.1:6379"; exit 1; }
mariadb_up || { log "MariaDB does not answer on 127.0.0.1:3306 (its log: /var/log/mysql/)"; exit 1; }

# 3. root without a password over TCP: Debian's fresh MariaDB lets root in through the socket only
ROOT_WITHOUT_PASSWORD="ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
  CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO root@'127.0.0.1' WITH GRANT OPTION"
if ! mariadb_login; then
  if [ -n "$INSTALLED_MARIADB" ]; then
    log "MariaDB installed just now: root may log in from 127.0.0.1 without a password (the tests' server)"
    as_root mysql -uroot -e "$ROOT_WITHOUT_PASSWORD"
  fi
  mariadb_login || {
    log "MariaDB on 127.0.0.1:3306 answers, but root cannot log in from 127.0.0.1 without a password. The tests need a"
    log "throw-away server where it can; to make this one so: sudo mysql -uroot -e \"$ROOT_WITHOUT_PASSWORD\""
    exit 1
  }
fi

log "mvn -B verify $*"
exec mvn -B verify "$@"
