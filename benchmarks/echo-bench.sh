#!/usr/bin/env bash
# TCP echo load test (io.gmp4j.benchmarks.EchoLoad; not JMH): builds the benchmark jar, then
# runs the driver, which starts each echo server in its own JVM and loads it with the same
# client (JDK virtual threads, blocking sockets) from this JVM.
#
#   benchmarks/echo-bench.sh [EchoLoad options]
#   benchmarks/echo-bench.sh --modes netpoll,vthreads,gmp-blocking --conns 100,1000 --warmup 2 --duration 8 --rounds 2
#   benchmarks/echo-bench.sh --modes netpoll,vthreads,go ...   (mode go: Go's net server; needs go, e.g. apt-get install golang-go)
#
# Options (see the Javadoc of EchoLoad): --modes, --conns, --warmup, --duration, --rounds,
# --size, --procs, --server-jvm "FLAGS", --timeout, --target host:port, --progress.
# Environment: ECHO_BENCH_NO_BUILD=1 skips the build; JAVA_OPTS adds JVM flags (the servers
# inherit them, e.g. JAVA_OPTS=-Xmx1g).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ECHO_BENCH_NO_BUILD:-}" ]; then
  # ./gmp4j bench builds the shaded jar (mvn package -pl benchmarks -am); -h only prints JMH's help
  if ! build_log=$(./gmp4j bench -h 2>&1); then
    echo "$build_log" >&2
    exit 1
  fi
fi
JAR=benchmarks/target/gmp4j-benchmarks.jar

# the Go reference server (mode "go": Go's net package on the same client), when Go is installed
if command -v go >/dev/null 2>&1; then
  mkdir -p benchmarks/target
  go build -o benchmarks/target/go-echoserver benchmarks/go/echoserver.go \
    || { echo "echo-bench: building benchmarks/go/echoserver.go failed" >&2; exit 1; }
fi
[ -f "$JAR" ] || { echo "echo-bench: $JAR missing (build failed?)" >&2; exit 2; }

# the JDK 25 that ./gmp4j finds
JAVA_HOME_FOUND=$(./gmp4j java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
JAVA="$JAVA_HOME_FOUND/bin/java"
[ -x "$JAVA" ] || { echo "echo-bench: no JDK 25 found by ./gmp4j" >&2; exit 2; }

# 1,000 connections need 2,000+ descriptors on each side: raise the soft limit to the hard one
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# shellcheck disable=SC2086
exec "$JAVA" @benchmarks/gmp4j-bench.args --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} \
  -cp "$JAR" io.gmp4j.benchmarks.EchoLoad "$@"
