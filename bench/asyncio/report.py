#!/usr/bin/env python3
"""Turns the asyncio benchmark results into one markdown table with ratios.

usage: report.py CPP_JSON JSONL...

CPP_JSON is bench_asyncio's --benchmark_format=json output (braid and Asio); each JSONL file
holds JSON lines {"runtime", "scenario", "ns_per_op" | "bytes_per_task"} from
bench_asyncio_memory, python_bench.py and go/main.go. Ratios are peer / braid: above 1 means
braid is faster (or smaller) by that factor.
"""

import json
import sys

SCENARIOS = [
    ("create_await", "create + await a trivial task (ns)"),
    ("sleep0_switch", "sleep(0) switch (ns)"),
    ("queue_ping_pong", "queue ping-pong round trip (ns)"),
    ("timers", "schedule + cancel a timer (ns)"),
    ("sleeping_task_memory", "memory per sleeping task (bytes)"),
]
PEERS = ["asio", "python_asyncio", "python_uvloop", "go"]
NAMES = {"braid": "braid", "asio": "Boost.Asio", "python_asyncio": "Python asyncio",
         "python_uvloop": "uvloop", "go": "Go"}


def main():
    values = {}
    with open(sys.argv[1]) as f:
        for b in json.load(f)["benchmarks"]:
            if b.get("run_type") == "aggregate" or "ns_per_op" not in b:
                continue
            scenario, runtime = b["run_name"].split("/")[:2]
            values[(scenario, runtime)] = b["ns_per_op"]
    for path in sys.argv[2:]:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line.startswith("{"):
                    continue
                r = json.loads(line)
                v = r.get("ns_per_op", r.get("bytes_per_task"))
                values[(r["scenario"], r["runtime"])] = v
    head = ["scenario", "braid"] + [NAMES[p] for p in PEERS] + [f"{NAMES[p]} / braid" for p in PEERS]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for key, label in SCENARIOS:
        braid = values.get((key, "braid"))
        row = [label, f"{braid:,.0f}" if braid is not None else "-"]
        for p in PEERS:
            v = values.get((key, p))
            row.append(f"{v:,.0f}" if v is not None else "-")
        for p in PEERS:
            v = values.get((key, p))
            row.append(f"{v / braid:.1f}x" if v is not None and braid else "-")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
