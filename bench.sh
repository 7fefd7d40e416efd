#!/usr/bin/env bash
# Runs the login benchmark (LoginBenchmark) against a Keycloak started with the built jar, the local Redis and
# MariaDB and the fake Aliyun. Usage: ./bench.sh [seconds per phase] [warm-up seconds] [clients] [open-arrival rate/s]
# Prints a table and writes target/benchmark.md. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")"
exec mvn -B verify -Dkeycloak.direct=true \
  -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=LoginBenchmark \
  -Dbench.seconds="${1:-30}" -Dbench.warmup="${2:-10}" -Dbench.clients="${3:-6}" -Dbench.rate="${4:-5}"
