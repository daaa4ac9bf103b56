#!/usr/bin/env python3
"""Python's concurrent.futures.ThreadPoolExecutor on the scenarios of
bench/futures_thread_pool_bench.cpp, printed as one JSON object per line:

  {"name": "submit_result/python_2", "tasks": N, "ns_per_task": ...}
  {"name": "round_trip/python_1", "samples": S, "p50_ns": ..., "p99_ns": ..., "mean_ns": ...}

submit_result: submit N empty tasks, keep the futures, then result() each one (best of
--repetitions runs, like the C++ side reports each of its repetitions).
round_trip: one submit -> result() at a time, back to back; round_trip_cold pauses 1 ms before
each sample so the workers are asleep.
"""

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def noop():
    pass


def submit_result(pool, n):
    futures = [pool.submit(noop) for _ in range(n)]
    for f in futures:
        f.result()


def throughput(name, workers, n, repetitions):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        submit_result(pool, 1000)  # start the workers
        times = []
        for _ in range(repetitions):
            start = time.perf_counter_ns()
            submit_result(pool, n)
            times.append(time.perf_counter_ns() - start)
    return {"name": name, "workers": workers, "tasks": n,
            "ns_per_task": sum(times) / (len(times) * n),
            "best_ns_per_task": min(times) / n}


def latency(name, workers, samples, pause_s):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in range(100):
            pool.submit(noop).result()
        out = []
        for _ in range(samples):
            if pause_s:
                time.sleep(pause_s)
            start = time.perf_counter_ns()
            pool.submit(noop).result()
            out.append(time.perf_counter_ns() - start)
    out.sort()
    at = lambda q: out[min(len(out) - 1, int(q * len(out)))]
    return {"name": name, "workers": workers, "samples": samples,
            "p50_ns": at(0.50), "p99_ns": at(0.99), "mean_ns": sum(out) / len(out)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    default_workers = min(32, cores + 4)  # what ThreadPoolExecutor() picks
    print(json.dumps({"name": "context", "python": sys.version.split()[0],
                      "implementation": platform.python_implementation(),
                      "executable": sys.executable, "cores": cores}), flush=True)
    for workers, label in ((cores, f"python_{cores}"), (None, "python_default")):
        print(json.dumps(throughput(f"submit_result/{label}", workers or default_workers,
                                    args.tasks, args.repetitions)), flush=True)
    for scenario, pause, samples in (("round_trip", 0, args.samples),
                                     ("round_trip_cold", 0.001, max(1, args.samples // 10))):
        for workers, label in ((1, "python_1"), (cores, f"python_{cores}")):
            print(json.dumps(latency(f"{scenario}/{label}", workers, samples, pause)), flush=True)


if __name__ == "__main__":
    main()
