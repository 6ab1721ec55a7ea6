#!/usr/bin/env python3
"""Median, min and max of the measured iterations in a JMH JSON result file (-rf json).

JMH's mean and 99.9 % interval are easily dominated by one GC-heavy iteration on these
small, noisy machines; the median of all iterations over all forks is printed next to them.
Usage: python3 benchmarks/medians.py result.json
"""
import json
import statistics
import sys

for b in json.load(open(sys.argv[1])):
    raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
    params = ",".join(f"{k}={v}" for k, v in sorted(b.get("params", {}).items()))
    name = b["benchmark"].rsplit(".", 2)[-2]
    m = b["primaryMetric"]
    print(f"{name:22} {params:30} mean {m['score']:9.1f} ± {m['scoreError']:8.1f}  "
          f"median {statistics.median(raw):9.1f}  min {min(raw):9.1f}  max {max(raw):9.1f}  {m['scoreUnit']}  (n={len(raw)})")
