#!/usr/bin/env bash
# Whole-program benchmarks side by side with Go: the workloads of io.gmp4j.benchmarks.SideBySide
# (gmp4j on the gmp scheduler, "gmp"; plain JDK virtual threads with java.util.concurrent, "jdk")
# and of their Go twin benchmarks/go/sidebyside/main.go ("go"), each run in a fresh process,
# the implementations interleaved, round after round; prints a table of medians (min–max over
# the rounds) with the gmp/Go and JDK/Go ratios, and keeps every RESULT line in
# benchmarks/target/vs-go-<date>.txt.
#
#   benchmarks/vs-go.sh [--rounds R] [--workloads a,b,...] [--impls go,gmp,jdk] [--quick]
#                       [--timeout SECONDS] [--out FILE]
#
#   --rounds R      processes per implementation and setting (default 3)
#   --workloads     any of pingpong,parkpingpong,fanout,spawn,wake,parkedmem,uneven,syscallmix
#                   (default: all)
#   --impls         any of go,gmp,jdk (default: all three)
#   --quick         small sizes, one or two passes (a smoke test of the whole chain, not figures)
#   --timeout S     per process (default 180 s; a process that stalls is killed 30 s later)
#
# Environment: VS_GO_NO_BUILD=1 skips building the jar and the Go program; JAVA_OPTS adds JVM
# flags to every Java process. Without Go (apt-get install golang-go) the Java sides still run
# and the Go columns show "—". Exits 1 if any run failed (wrong result, stall, crash).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3
workloads=pingpong,parkpingpong,fanout,spawn,wake,parkedmem,uneven,syscallmix
impls=go,gmp,jdk
quick=""
timeout_s=180
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --impls) impls="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "vs-go: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "vs-go: --rounds must be a positive integer" >&2; exit 2; }
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || { echo "vs-go: --timeout must be a positive integer" >&2; exit 2; }
for w in ${workloads//,/ }; do
  case "$w" in pingpong|parkpingpong|fanout|spawn|wake|parkedmem|uneven|syscallmix) ;;
    *) echo "vs-go: unknown workload '$w'" >&2; exit 2 ;; esac
done
for i in ${impls//,/ }; do
  case "$i" in go|gmp|jdk) ;; *) echo "vs-go: unknown implementation '$i'" >&2; exit 2 ;; esac
done

JAR=benchmarks/target/gmp4j-benchmarks.jar
GOBIN=benchmarks/target/go-sidebyside
have_go=""
command -v go >/dev/null 2>&1 && have_go=1
if [ -z "${VS_GO_NO_BUILD:-}" ]; then
  # ./gmp4j bench builds the shaded jar (mvn package -pl benchmarks -am); -h only prints JMH's help
  if ! build_log=$(./gmp4j bench -h 2>&1); then
    echo "$build_log" >&2
    exit 1
  fi
  if [ -n "$have_go" ]; then
    mkdir -p benchmarks/target
    go build -o "$GOBIN" benchmarks/go/sidebyside/main.go \
      || { echo "vs-go: building benchmarks/go/sidebyside/main.go failed" >&2; exit 1; }
  fi
fi
[ -f "$JAR" ] || { echo "vs-go: $JAR missing (build failed, or VS_GO_NO_BUILD set before a build)" >&2; exit 2; }
go_note=""
if [[ ",$impls," == *,go,* ]] && { [ -z "$have_go" ] || [ ! -x "$GOBIN" ]; }; then
  go_note="Go not found (or $GOBIN not built): the Go columns show —; install Go, e.g. 'apt-get install golang-go', to fill them"
  echo "vs-go: $go_note" >&2
  impls=$(echo ",$impls," | sed 's/,go,/,/; s/^,//; s/,$//')
  [ -n "$impls" ] || { echo "vs-go: nothing left to run" >&2; exit 2; }
fi

# the JDK 25 that ./gmp4j finds
JAVA_HOME_FOUND=$(./gmp4j java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p')
JAVA="$JAVA_HOME_FOUND/bin/java"
[ -x "$JAVA" ] || { echo "vs-go: no JDK 25 found by ./gmp4j" >&2; exit 2; }

# Each setting: workload, processors, options; the sizes are the programs' defaults (the same in
# Java and Go), or small ones for --quick.
quick_args() {
  case "$1" in
    pingpong|parkpingpong) echo "--n 20000 --warmup 1 --passes 2" ;;
    fanout) echo "--n 100000 --warmup 1 --passes 1" ;;
    spawn|wake) echo "--n 100000 --warmup 1 --passes 1" ;;
    parkedmem) echo "--n 20000" ;;
    uneven) echo "--n 2000 --warmup 1 --passes 2" ;;
    syscallmix) echo "--n 25000000 --calls 4 --warmup 1 --passes 1" ;;
  esac
}
settings=()
for w in ${workloads//,/ }; do
  case "$w" in
    pingpong|parkpingpong) settings+=("$w 1" "$w 2") ;;
    fanout) settings+=("$w 2 --capacity 0" "$w 2 --capacity 128") ;;
    *) settings+=("$w 2") ;;
  esac
done

mkdir -p benchmarks/target
[ -n "$out" ] || out="benchmarks/target/vs-go-$(date +%Y%m%d-%H%M%S).txt"
{
  echo "# benchmarks/vs-go.sh --rounds $rounds --workloads $workloads --impls $impls${quick:+ --quick} --timeout $timeout_s"
  echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(uname -srm), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# $("$JAVA" -version 2>&1 | head -1); $( [ -n "$have_go" ] && go version || echo 'no Go')"
  echo "# git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (uncommitted changes)')"
} > "$out"

# shellcheck disable=SC2206 # comma lists to arrays
impl_list=(${impls//,/ })
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for s in "${settings[@]}"; do
    read -r w procs extra <<< "$s"
    args="--procs $procs ${extra:-} $( [ -z "$quick" ] || quick_args "$w" ) --timeout $timeout_s"
    # interleaved: each round starts with the next implementation
    k=${#impl_list[@]}
    for ((j = 0; j < k; j++)); do
      impl=${impl_list[$(( (j + r - 1) % k ))]}
      if [ "$impl" = go ]; then
        [ "$w" = parkpingpong ] && continue # no Go twin: Go has no park/unpark
        # shellcheck disable=SC2086
        cmd=("$GOBIN" "$w" $args)
      else
        jflags=()
        [ "$impl" = jdk ] && jflags=("-Djdk.virtualThreadScheduler.parallelism=$procs"
                                     "-Djdk.virtualThreadScheduler.maxPoolSize=$procs")
        # shellcheck disable=SC2086
        cmd=("$JAVA" @benchmarks/gmp4j-bench.args --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-} "${jflags[@]}"
             -cp "$JAR" io.gmp4j.benchmarks.SideBySide "$w" --impl "$impl" $args)
      fi
      printf 'vs-go: round %d/%d %-12s procs=%s %-16s %-3s ' "$r" "$rounds" "$w" "$procs" "${extra:-}" "$impl" >&2
      start=$(date +%s%N)
      rc=0
      timeout -k 10 $((timeout_s + 30)) "${cmd[@]}" > "$log" 2>&1 || rc=$?
      ms=$(( ($(date +%s%N) - start) / 1000000 ))
      grep '^RESULT ' "$log" | sed "s/\$/ round=$r/" >> "$out" || true
      if [ "$rc" -ne 0 ] || ! grep -q '^RESULT ' "$log"; then
        failed=1
        echo "FAIL workload=$w procs=$procs impl=$impl round=$r exit=$rc ${extra:-}" >> "$out"
        echo "FAILED (exit $rc):" >&2
        tail -20 "$log" | sed 's/^/    /' >&2
      else
        printf '%s (%d.%d s)\n' "$(grep '^RESULT ' "$log" | head -1 | sed 's/.* metric=\([^ ]*\) value=\([^ ]*\).*/\2 \1/')" $((ms / 1000)) $((ms % 1000 / 100)) >&2
      fi
    done
  done
done

python3 - "$out" "$go_note" "$quick" <<'PY' | tee -a "$out"
import collections, statistics, sys

path, go_note, quick = sys.argv[1], sys.argv[2], sys.argv[3]
rows = collections.OrderedDict()   # (workload, procs, variant, metric) -> impl -> [values]
meta = collections.defaultdict(set)  # key -> {(n, check)}
fails = collections.Counter()
for line in open(path):
    if line.startswith("FAIL "):
        f = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
        fails[(f["workload"], f["procs"], f["impl"])] += 1
    if not line.startswith("RESULT "):
        continue
    f = dict(kv.split("=", 1) for kv in line.split()[1:])
    key = (f["workload"], f["procs"], f["variant"], f["metric"])
    rows.setdefault(key, collections.defaultdict(list))[f["impl"]].append(float(f["value"]))
    meta[key].add((f["n"], f.get("check", "")))

LOWER = ("ns_", "ms_", "bytes_", "cpu_delay", "blocking_ms", "makespan_ms", "seq_ms")

def fmt(v):
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e4:
        return f"{v:,.0f}"
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.2f}"

def cell(vals):
    if not vals:
        return "—"
    m = statistics.median(vals)
    return f"{fmt(m)} ({fmt(min(vals))}–{fmt(max(vals))})" if len(vals) > 1 else fmt(m)

def ratio(a, b):
    if not a or not b:
        return "—"
    mb = statistics.median(b)
    return f"{statistics.median(a) / mb:.2f}" if mb else "—"

head = ["workload", "procs", "metric", "Go median (min–max)", "gmp4j median (min–max)", "gmp/Go",
        "JDK median (min–max)", "JDK/Go", "gmp/JDK"]
table = []
warnings = []
for (w, procs, variant, metric), by in rows.items():
    name = w if variant == "-" else f"{w} {variant}"
    arrow = "↓" if metric.startswith(LOWER) else "↑"
    go, gmp, jdk = by.get("go", []), by.get("gmp", []), by.get("jdk", [])
    table.append([name, procs, f"{metric} {arrow}", cell(go) if w != "parkpingpong" else "—", cell(gmp),
                  ratio(gmp, go), cell(jdk), ratio(jdk, go), ratio(gmp, jdk)])
    ns = {n for n, _ in meta[(w, procs, variant, metric)]}
    checks = {c for _, c in meta[(w, procs, variant, metric)] if c}
    if len(ns) > 1:
        warnings.append(f"{name} procs={procs} {metric}: different sizes n={sorted(ns)}")
    if len(checks) > 1:
        warnings.append(f"{name} procs={procs} {metric}: checksums differ {sorted(checks)}")
widths = [max(len(str(r[i])) for r in table + [head]) for i in range(len(head))]
print()
print("| " + " | ".join(h.ljust(widths[i]) for i, h in enumerate(head)) + " |")
print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
for r in table:
    print("| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)) + " |")
print()
print("Medians over the rounds (min–max), each a fresh process; a process's value is the median of its")
print("measured passes. ↓ lower is better, ↑ higher is better; ratios are of the medians.")
if quick:
    print("--quick: small sizes and few passes, a check of the whole chain, not figures to quote.")
if go_note:
    print("Note: " + go_note)
for (w, procs, impl), k in fails.items():
    print(f"FAILED: {w} procs={procs} impl={impl}: {k} run(s) (see the FAIL lines in {path})")
for m in warnings:
    print("WARNING: " + m)
PY
echo "vs-go: raw results in $out" >&2
exit "$failed"
