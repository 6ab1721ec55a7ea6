#!/usr/bin/env bash
# Runs the same JMH benchmarks on several builds of gmp4j in alternation, on one quiet machine,
# and prints each configuration's median per run: the way to compare two commits (or an
# experiment) when the machine's noise is as large as the difference sought.
#
# usage: benchmarks/alternate.sh ROUNDS OUT_DIR LABEL=JAR [LABEL=JAR ...] -- JMH_ARGS...
# e.g.:  benchmarks/alternate.sh 3 /tmp/ab before=/tmp/before.jar after=benchmarks/target/gmp4j-benchmarks.jar \
#          -- -f 1 -wi 5 -i 10 -w 1s -r 1s -p impl=gmp -p capacity=16,128 ChanThroughputBenchmark
# Build each JAR with `mvn -B -ntp package -pl benchmarks -am -DskipTests` in a worktree of the
# commit, and copy benchmarks/target/gmp4j-benchmarks.jar away before building the next.
set -euo pipefail
rounds=$1; out=$2; shift 2
jars=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do jars+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#jars[@]} -gt 0 ] || { echo "alternate.sh: no LABEL=JAR given" >&2; exit 2; }
java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for lj in "${jars[@]}"; do
    label=${lj%%=*}; jar=${lj#*=}
    [ -f "$jar" ] || { echo "alternate.sh: $jar: no such jar" >&2; exit 2; }
    "$java_bin" --add-opens java.base/java.lang=ALL-UNNAMED -jar "$jar" "$@" \
      -rf json -rff "$out/$label-$r.json" > "$out/$label-$r.log" 2>&1
    echo "$label round $r done $(date +%T)"
  done
done
python3 - "$out" <<'PY'
import glob, json, statistics, sys
res = {}
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    run = f.rsplit("/", 1)[1][:-5]
    for b in json.load(open(f)):
        params = ",".join(f"{k}={v}" for k, v in sorted(b.get("params", {}).items()))
        key = ".".join(b["benchmark"].rsplit(".", 2)[-2:]) + " " + params
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        res.setdefault(key, {})[run] = (statistics.median(raw), b["primaryMetric"]["scoreUnit"])
for key in sorted(res):
    print(key)
    for run in sorted(res[key]):
        m, unit = res[key][run]
        print(f"  {run:16} median {m:10.1f} {unit}")
PY
