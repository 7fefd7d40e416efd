#!/usr/bin/env bash
# Builds local stand-ins for the upstream images that docker-compose.yml, the Dockerfile and the container tests
# use, for machines where no image registry answers. Each image is built from what such a machine reaches:
# Debian's packages (a root filesystem made with debootstrap) and Maven Central (the Keycloak server distribution).
#
#   docker/standin/build.sh            # builds only the images `docker image inspect` does not find
#
# The stand-ins go by their own local names (printed at the end); nothing is tagged as an upstream image:
#   sms-login-standin/keycloak:<version>    Keycloak's server distribution laid out as the official image lays it
#                                           out (/opt/keycloak, user 1000, entrypoint kc.sh), on Debian's OpenJDK 17
#   sms-login-standin/redis:7               Debian's redis-server (7.0), no persistence, protected mode off
#   sms-login-standin/mariadb:10.11         Debian's MariaDB with the mysql image's variables and
#                                           /docker-entrypoint-initdb.d (MySQL 8 is not in Debian)
#
# The three share one Debian root filesystem (debootstrap --variant=minbase with openjdk-17-jre-headless,
# redis-server and mariadb-server: one debootstrap instead of three, a third of the time), imported as
# sms-login-standin/debian:<suite>, and differ in user, entrypoint and command. The root filesystem is kept in
# $SMS_LOGIN_STANDIN_CACHE (default /var/cache/sms-login-standin) between runs, with the .deb files it was made from.
set -euo pipefail
cd "$(dirname "$0")"

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.0}"
SUITE="${DEBIAN_SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
CACHE="${SMS_LOGIN_STANDIN_CACHE:-/var/cache/sms-login-standin}"

KEYCLOAK_IMAGE="sms-login-standin/keycloak:${KEYCLOAK_VERSION}"
REDIS_IMAGE="sms-login-standin/redis:7"
MARIADB_IMAGE="sms-login-standin/mariadb:10.11"

log() { echo "== docker/standin: $*"; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

# A Debian root filesystem with the given packages, imported as image $1 (a base for the images below).
rootfs_image() {
  local image="$1" name="$2" packages="$3"
  have_image "$image" && return 0
  local tarball="$CACHE/rootfs-$SUITE-$name.tar"
  if [ ! -s "$tarball" ]; then
    log "debootstrap $SUITE ($packages) into $tarball"
    mkdir -p "$CACHE/debs"
    local dir
    dir="$(mktemp -d "$CACHE/rootfs-$name.XXXXXX")"
    debootstrap --variant=minbase --include="$packages" --cache-dir="$CACHE/debs" "$SUITE" "$dir" "$MIRROR" \
      > "$CACHE/debootstrap-$name.log" 2>&1 || { tail -30 "$CACHE/debootstrap-$name.log"; rm -rf "$dir"; return 1; }
    chroot "$dir" apt-get clean
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/log/*.log
    tar -C "$dir" --numeric-owner -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf "$dir"
  fi
  log "importing $tarball as $image"
  docker import --change 'CMD ["/bin/bash"]' "$tarball" "$image" >/dev/null
}

# The server distribution of Keycloak $KEYCLOAK_VERSION from the local Maven repository (Maven Central if missing).
keycloak_dist() {
  local repo
  repo="$(mvn -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null || true)"
  [ -d "$repo" ] || repo="$HOME/.m2/repository"
  local tgz="$repo/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
  if [ ! -s "$tgz" ]; then
    mvn -B -q dependency:get -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" -Dtransitive=false >&2
  fi
  echo "$tgz"
}

build() {
  local image="$1" dockerfile="$2" context="$3"; shift 3
  log "building $image"
  local start=$SECONDS
  docker build -q -t "$image" -f "$dockerfile" "$@" "$context" >/dev/null
  log "built $image in $((SECONDS - start)) s"
}

BASE_IMAGE="sms-login-standin/debian:$SUITE"
PACKAGES="openjdk-17-jre-headless,redis-server,mariadb-server"

if ! have_image "$KEYCLOAK_IMAGE"; then
  rootfs_image "$BASE_IMAGE" jre17-redis-mariadb "$PACKAGES"
  context="$(mktemp -d)"
  trap 'rm -rf "$context"' EXIT
  cp "$(keycloak_dist)" "$context/keycloak.tar.gz"
  build "$KEYCLOAK_IMAGE" keycloak.Dockerfile "$context" \
    --build-arg BASE="$BASE_IMAGE" --build-arg KEYCLOAK_VERSION="$KEYCLOAK_VERSION"
fi

if ! have_image "$REDIS_IMAGE"; then
  rootfs_image "$BASE_IMAGE" jre17-redis-mariadb "$PACKAGES"
  build "$REDIS_IMAGE" redis.Dockerfile . --build-arg BASE="$BASE_IMAGE"
fi

if ! have_image "$MARIADB_IMAGE"; then
  rootfs_image "$BASE_IMAGE" jre17-redis-mariadb "$PACKAGES"
  build "$MARIADB_IMAGE" mariadb.Dockerfile . --build-arg BASE="$BASE_IMAGE"
fi

log "images: $KEYCLOAK_IMAGE $REDIS_IMAGE $MARIADB_IMAGE"
