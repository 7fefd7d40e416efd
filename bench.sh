#!/usr/bin/env bash
# Runs a benchmark against a Keycloak started with the built jar, the local Redis and MariaDB and the fake Aliyun.
#   ./bench.sh [seconds per phase] [warm-up seconds] [clients] [open-arrival rate/s] [returning users per scenario]
#       the login benchmark (LoginBenchmark): prints a table and writes target/benchmark.md
#   ./bench.sh isolation [seconds per phase] [warm-up seconds] [codes asked for/s] [password logins/s] [clients]
#       the isolation benchmark (IsolationBenchmark): a crowd asking for codes with Aliyun prompt, at 200 ms and at
#       4.5 s, password logins beside it; prints a table and writes target/isolation-benchmark.md
# See docs/benchmarks.md.
#   BENCH_PIN=false      let Keycloak share all CPUs with the load driver, Redis and MariaDB (default: Keycloak gets
#                        the first half of the CPUs, everything else the other half, as on separate machines)
#   BENCH_JFR=true       a JFR profile of each scenario's closed loop in target/jfr/
#   BENCH_JFR_SETTINGS   the recording's settings: profile (default), or a .jfc file
#   BENCH_WARMUP_ROUNDS  the login benchmark's shared warm-up rounds at most (default 12; the CI smoke uses 1)
#   BENCH_JAVA_HOME      the Java that runs Keycloak (default: the one running Maven)
#   BENCH_JAVA_OPTS      more options for Keycloak's JVM
#   BENCH_KEYCLOAK_ARGS  more options for Keycloak (kc.sh start-dev), such as
#                        --spi-sms-sender--aliyun--max-concurrent-sends=1000 to see the isolation benchmark without the bulkhead
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = isolation ]; then
  shift
  benchmark=(-Dit.test=IsolationBenchmark -Dbench.seconds="${1:-20}" -Dbench.warmup="${2:-10}" -Dbench.crowd-rate="${3:-15}"
    -Dbench.password-rate="${4:-2}" -Dbench.clients="${5:-32}")
else
  benchmark=(-Dit.test=LoginBenchmark -Dbench.seconds="${1:-30}" -Dbench.warmup="${2:-10}" -Dbench.clients="${3:-12}"
    -Dbench.rate="${4:-5}" -Dbench.users="${5:-200}" -Dbench.warmup-rounds="${BENCH_WARMUP_ROUNDS:-12}")
fi

args=(-B verify -Dkeycloak.direct=true -Dkeycloak.log-level=INFO
  # Keycloak runs as in production for what a login costs: INFO logging, and themes and templates cached (start-dev
  # turns that cache off, which makes every page parse its FreeMarker templates again: see docs/benchmarks.md).
  # Behind a proxy (X-Forwarded-For): each simulated person has an address, as the per-IP send limit expects.
  # Aliyun's read timeout back at the sender's default, 5 s (the tests' server waits 2 s).
  # Keycloak's own database (H2, the dev file store, user sa, password bench) counts its statements (QUERY_STATISTICS) and lets the benchmark's
  # JVM read the counts (AUTO_SERVER).
  "-Dkeycloak.args=--spi-theme--cache-themes=true --spi-theme--cache-templates=true --proxy-headers=xforwarded --spi-sms-sender--aliyun--read-timeout-ms=5000 --db-username=sa --db-password=bench --db-url-properties=;NON_KEYWORDS=VALUE;DB_CLOSE_ON_EXIT=TRUE;AUTO_SERVER=TRUE;QUERY_STATISTICS=TRUE;QUERY_STATISTICS_MAX_ENTRIES=100000 ${BENCH_KEYCLOAK_ARGS:-}"
  -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false "${benchmark[@]}"
  -Dbench.jfr="${BENCH_JFR:-false}" -Dbench.jfr-settings="${BENCH_JFR_SETTINGS:-profile}"
  -Dkeycloak.java-home="${BENCH_JAVA_HOME:-}" -Dkeycloak.java-opts="${BENCH_JAVA_OPTS:-}")

cpus=$(nproc)
if [ "${BENCH_PIN:-true}" != true ] || [ "$cpus" -lt 2 ] || ! command -v taskset >/dev/null; then
  exec mvn "${args[@]}"
fi

half=$((cpus / 2))
keycloak_cpus="0-$((half - 1))"
other_cpus="$half-$((cpus - 1))"
services=$(pidof redis-server mariadbd mysqld 2>/dev/null || true)
restore() {
  for pid in $services; do taskset -apc "0-$((cpus - 1))" "$pid" >/dev/null 2>&1 || true; done
}
trap restore EXIT
for pid in $services; do taskset -apc "$other_cpus" "$pid" >/dev/null 2>&1 || true; done
taskset -c "$other_cpus" mvn "${args[@]}" -Dkeycloak.cpus="$keycloak_cpus"
