#!/usr/bin/env python3
"""Median, min and max of the measured iterations in a JMH JSON result file (-rf json).

JMH's mean and 99.9 % interval are easily dominated by one GC-heavy iteration on these
small, noisy machines; the median of all iterations over all forks is printed next to them.
Secondary results (JMH aux counters, e.g. SyscallMixBenchmark's cpuMillis) follow their
benchmark, indented, with the mean, median, min and max of their per-iteration values: JMH's
own score for an EVENTS counter is the sum over all iterations, not a mean.
Usage: python3 benchmarks/medians.py result.json
"""
import json
import math
import statistics
import sys


def num(x):
    """JMH writes "NaN" (a string) for the error of a single iteration."""
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


for b in json.load(open(sys.argv[1])):
    params = ",".join(f"{k}={v}" for k, v in sorted(b.get("params", {}).items()))
    name = ".".join(b["benchmark"].rsplit(".", 2)[-2:])
    m = b["primaryMetric"]
    raw = [x for fork in m["rawData"] for x in fork]
    print(f"{name:34} {params:30} mean {num(m['score']):9.1f} ± {num(m['scoreError']):8.1f}  "
          f"median {statistics.median(raw):9.1f}  min {min(raw):9.1f}  max {max(raw):9.1f}  {m['scoreUnit']}  (n={len(raw)})")
    for label, s in sorted(b.get("secondaryMetrics", {}).items()):
        raw = [x for fork in s.get("rawData", []) for x in fork]
        if not raw:
            continue
        print(f"  :{label:32} {'':30} mean {statistics.mean(raw):9.1f}             "
              f"median {statistics.median(raw):9.1f}  min {min(raw):9.1f}  max {max(raw):9.1f}  {s['scoreUnit']}  (n={len(raw)})")
