#!/usr/bin/env bash
# Runs Keycloak with the extension and the demo realm on this machine, on embedded defaults:
# codes in Keycloak's own store (no Redis needed), the `log` sender (codes appear in this console),
# Keycloak's dev-file database, and the MySQL login-method mirror when a MySQL/MariaDB server answers on
# DEMO_MYSQL_HOST:DEMO_MYSQL_PORT (default 127.0.0.1:3306; database DEMO_MYSQL_DATABASE, default sms_demo, created
# when missing; user DEMO_MYSQL_USER, default root, password DEMO_MYSQL_PASSWORD; DEMO_MYSQL=off to leave it out).
# Needs only Java 17+ and Maven.
set -euo pipefail
cd "$(dirname "$0")"

KC_VERSION="${KC_VERSION:-26.7.0}"
PORT="${PORT:-8080}"
DEMO_DIR="target/demo"
KC_HOME="$DEMO_DIR/keycloak-$KC_VERSION"

if [ ! -f target/keycloak-sms-login.jar ] || [ -n "$(find src pom.xml -newer target/keycloak-sms-login.jar -print -quit)" ]; then
  echo "== building target/keycloak-sms-login.jar"
  mvn -B -q -DskipTests package
fi

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  echo "== unpacking Keycloak $KC_VERSION"
  mkdir -p "$DEMO_DIR"
  mvn -B -q dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:tar.gz" \
    -DoutputDirectory="$DEMO_DIR" -Dmdep.overWriteIfNewer=true
  tar xzf "$DEMO_DIR/keycloak-quarkus-dist-$KC_VERSION.tar.gz" -C "$DEMO_DIR"
  rm "$DEMO_DIR/keycloak-quarkus-dist-$KC_VERSION.tar.gz"
fi

mkdir -p "$KC_HOME/providers" "$KC_HOME/data/import"
# copied only when changed: a new file in providers/ makes Keycloak rebuild itself at start
cmp -s target/keycloak-sms-login.jar "$KC_HOME/providers/keycloak-sms-login.jar" \
  || cp target/keycloak-sms-login.jar "$KC_HOME/providers/"
cp examples/realm-sms-demo.json "$KC_HOME/data/import/"

MYSQL_HOST="${DEMO_MYSQL_HOST:-127.0.0.1}"
MYSQL_PORT="${DEMO_MYSQL_PORT:-3306}"
MYSQL_DATABASE="${DEMO_MYSQL_DATABASE:-sms_demo}"
MIRROR_ARGS=()
if [ "${DEMO_MYSQL:-on}" != "off" ] && (exec 3<>"/dev/tcp/$MYSQL_HOST/$MYSQL_PORT") 2>/dev/null; then
  MIRROR="MySQL mirror on, database $MYSQL_DATABASE at $MYSQL_HOST:$MYSQL_PORT (tables user, user_login_method)"
  MIRROR_ARGS=(--db-kind-login-methods=mysql
    "--db-url-full-login-methods=jdbc:mysql://$MYSQL_HOST:$MYSQL_PORT/$MYSQL_DATABASE?createDatabaseIfNotExist=true&socketTimeout=10000"
    "--db-username-login-methods=${DEMO_MYSQL_USER:-root}"
    --transaction-xa-enabled-login-methods=true)
  if [ -n "${DEMO_MYSQL_PASSWORD:-}" ]; then
    MIRROR_ARGS+=("--db-password-login-methods=$DEMO_MYSQL_PASSWORD")
  fi
  # the login-methods pool checks connections that rested before it lends them (docs/operations.md: "The login-methods pool")
  cp docker/quarkus.properties "$KC_HOME/conf/quarkus.properties"
else
  MIRROR="MySQL mirror off (no MySQL answers on $MYSQL_HOST:$MYSQL_PORT)"
  rm -f "$KC_HOME/conf/quarkus.properties"   # it names the login-methods datasource, which is not configured now
fi

cat <<MSG

== Keycloak $KC_VERSION with keycloak-sms-login is starting (about 30 s on first start).
   Log in with a phone number:  http://localhost:$PORT/realms/sms-demo/account
   The SMS codes appear in this console, in lines like:
       INFO  [dev.smslogin.sms.log] SMS login code for +86139****5678: 123456
   Admin console:               http://localhost:$PORT/admin  (admin / admin)
   $MIRROR
   Stop with Ctrl+C.

MSG

export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}"
exec "$KC_HOME/bin/kc.sh" start-dev \
  --http-port="$PORT" \
  --import-realm \
  --spi-sms-sender--provider=log \
  --spi-sms-code-store--provider=keycloak \
  "${MIRROR_ARGS[@]}"
