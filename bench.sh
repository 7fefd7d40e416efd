#!/usr/bin/env bash
# Runs the login benchmark (LoginBenchmark) against a Keycloak started with the built jar, the local Redis and
# MariaDB and the fake Aliyun. Usage: ./bench.sh [seconds per phase] [warm-up seconds] [clients] [open-arrival rate/s]
# Prints a table and writes target/benchmark.md. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")"
# Keycloak runs as in production for what a login costs: INFO logging, and themes and templates cached (start-dev
# turns that cache off, which makes every page parse its FreeMarker templates again: see docs/benchmarks.md).
exec mvn -B verify -Dkeycloak.direct=true -Dkeycloak.log-level=INFO \
  "-Dkeycloak.args=--spi-theme--cache-themes=true --spi-theme--cache-templates=true" \
  -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LoginBenchmark \
  -Dbench.seconds="${1:-30}" -Dbench.warmup="${2:-10}" -Dbench.clients="${3:-6}" -Dbench.rate="${4:-5}" -Dbench.jfr="${BENCH_JFR:-false}"
