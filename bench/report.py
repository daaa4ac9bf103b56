#!/usr/bin/env python3
"""Turns the thread-pool benchmark results into markdown tables with ratios.

usage: report.py CPP_JSON PYTHON_JSONL

CPP_JSON is bench_futures_thread_pool's --benchmark_format=json output; PYTHON_JSONL holds the
JSON lines of bench/python/thread_pool_bench.py. Ratios are "peer / braid" for times, so a ratio
above 1 means braid is faster by that factor and below 1 means the peer is faster.
"""

import json
import statistics
import sys
from collections import defaultdict

COUNTERS = ("ns_per_task", "p50_ns", "p99_ns", "mean_ns")


def load_cpp(path):
    with open(path) as f:
        data = json.load(f)
    runs = defaultdict(list)
    medians = {}
    for b in data["benchmarks"]:
        parts = b.get("run_name", b["name"]).split("/")
        key = "/".join(parts[:2])
        fields = {c: b[c] for c in COUNTERS if c in b}
        if len(parts) > 2 and parts[2].isdigit():
            fields["tasks"] = int(parts[2])
        if b.get("error_occurred"):
            fields["error"] = b.get("error_message", "error")
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[key] = fields
        else:
            runs[key].append(fields)
    results = {}
    for key, reps in runs.items():
        if key in medians:
            results[key] = {**reps[0], **medians[key]}
        else:  # one repetition per benchmark (the default): take it as is, or the median
            merged = dict(reps[0])
            for c in COUNTERS:
                if c in merged:
                    merged[c] = statistics.median(r[c] for r in reps)
            results[key] = merged
    return results, data.get("context", {})


def load_python(path):
    results, context = {}, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            if row["name"] == "context":
                context = row
            else:
                results[row["name"]] = row
    return results, context


def fmt_ns(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def ratio(peer, braid):
    if peer is None or braid is None or braid == 0:
        return "n/a"
    return f"{peer / braid:.2f}×"


def impls(results, scenario):
    return [k.split("/", 1)[1] for k in results if k.startswith(scenario + "/")]


def throughput_table(results, scenario, refs):
    names = impls(results, scenario)
    if not names:
        return []
    head = "| implementation | tasks | ns per task | " + " | ".join(
        f"÷ {r}" for r in refs) + " |"
    lines = [head, "|" + "---|" * (3 + len(refs))]
    for name in names:
        row = results[f"{scenario}/{name}"]
        ns = row.get("ns_per_task")
        cells = [ratio(ns, results.get(f"{scenario}/{r}", {}).get("ns_per_task")) for r in refs]
        err = f" ({row['error']})" if "error" in row else ""
        lines.append(f"| {name}{err} | {row.get('tasks', 'n/a'):,} | {ns:.1f} | "
                     + " | ".join(cells) + " |")
    return lines


def latency_table(results, scenario, refs):
    names = impls(results, scenario)
    if not names:
        return []
    head = "| implementation | p50 | p99 | mean | " + " | ".join(
        f"p50 ÷ {r} | p99 ÷ {r}" for r in refs) + " |"
    lines = [head, "|" + "---|" * (4 + 2 * len(refs))]
    for name in names:
        row = results[f"{scenario}/{name}"]
        cells = []
        for r in refs:
            ref = results.get(f"{scenario}/{r}", {})
            cells += [ratio(row.get("p50_ns"), ref.get("p50_ns")),
                      ratio(row.get("p99_ns"), ref.get("p99_ns"))]
        lines.append(f"| {name} | {fmt_ns(row.get('p50_ns'))} | {fmt_ns(row.get('p99_ns'))} | "
                     f"{fmt_ns(row.get('mean_ns'))} | " + " | ".join(cells) + " |")
    return lines


def verdict(ok):
    return "**met**" if ok else "**not met**"


def targets(results, cores):
    lines = ["| target | braid configuration | measured | verdict |", "|---|---|---|---|"]
    braids = [f"braid_{cores}", "braid_default"]
    for scenario in ("submit_result", "fan_out_fan_in"):
        tbb = results.get(f"{scenario}/tbb", {}).get("ns_per_task")
        for b in braids:
            ns = results.get(f"{scenario}/{b}", {}).get("ns_per_task")
            if ns is None or tbb is None:
                continue
            lines.append(f"| {scenario}: throughput ≥ oneTBB | {b} | {ns:.1f} vs {tbb:.1f} ns/task "
                         f"(braid at {tbb / ns:.2f}× oneTBB's throughput) | {verdict(ns <= tbb)} |")
    py = results.get(f"submit_result/python_{cores}", {}).get("ns_per_task")
    for b in braids:
        ns = results.get(f"submit_result/{b}", {}).get("ns_per_task")
        if ns is None or py is None:
            continue
        lines.append(f"| submit_result: ≥ 50× Python's throughput | {b} | {py:.0f} vs {ns:.1f} "
                     f"ns/task ({py / ns:.1f}×) | {verdict(py / ns >= 50)} |")
    for scenario in ("round_trip", "round_trip_cold"):
        for b in ["braid_1"] + braids:
            p50 = results.get(f"{scenario}/{b}", {}).get("p50_ns")
            if p50 is None:
                continue
            lines.append(f"| {scenario}: p50 < 5 µs | {b} | {fmt_ns(p50)} | {verdict(p50 < 5000)} |")
    return lines


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    cpp, cpp_context = load_cpp(sys.argv[1])
    py, py_context = load_python(sys.argv[2])
    results = {**cpp, **py}
    cores = int(cpp_context.get("cores", py_context.get("cores", 2)))
    refs = [f"braid_{cores}", "braid_default"]
    out = []
    sections = [
        ("(1) submit_result: submit N empty tasks, then result() each", "submit_result", "t"),
        ("(2) fan_out_fan_in: main thread submits N tiny tasks, futures::wait, sum", "fan_out_fan_in", "t"),
        ("(2b) fan_out_nested: the same, with the parent running as a pool task", "fan_out_nested", "t"),
        ("(3) round_trip: one submit -> result() at a time, back to back", "round_trip", "l"),
        ("(3b) round_trip_cold: the same after a 1 ms pause (workers asleep)", "round_trip_cold", "l"),
    ]
    for title, scenario, kind in sections:
        table = (throughput_table if kind == "t" else latency_table)(results, scenario, refs)
        if table:
            out += [f"### {title}", ""] + table + [""]
    out += ["### Targets", ""] + targets(results, cores) + [""]
    out.append("Ratios are peer ÷ braid (time): above 1 braid is faster, below 1 the peer is.")
    if py_context:
        out.append(f"Python: {py_context.get('implementation')} {py_context.get('python')} "
                   f"({py_context.get('executable')}).")
    print("\n".join(out))


if __name__ == "__main__":
    main()
