#!/usr/bin/env python3
"""Python's side of the braid::asyncio benchmarks: asyncio, and uvloop if importable.

usage: python_bench.py [--n N] [--loops asyncio,uvloop]
       python_bench.py --memory N --loop asyncio|uvloop   (one fresh process per measurement)

Prints one JSON line per measurement, with the scenarios of bench/asyncio/asyncio_bench.cpp:
create_await, sleep0_switch, queue_ping_pong, timers (ns_per_op), and sleeping_task_memory
(bytes_per_task: resident-set growth while N tasks sleep). bench/asyncio/run.sh runs it.
"""

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time


def new_loop(kind):
    if kind == "uvloop":
        import uvloop
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


async def trivial():
    return 1


async def create_await(n):
    total = 0
    for _ in range(n):
        total += await asyncio.create_task(trivial())
    assert total == n


async def yielder(n):
    for _ in range(n):
        await asyncio.sleep(0)


async def sleep0_switch(n):
    a = asyncio.create_task(yielder(n // 2))
    b = asyncio.create_task(yielder(n // 2))
    await a
    await b


async def pinger(inq, outq, n):
    for i in range(n):
        await outq.put(i)
        await inq.get()


async def ponger(inq, outq, n):
    for _ in range(n):
        v = await inq.get()
        await outq.put(v)


async def queue_ping_pong(n):
    a, b = asyncio.Queue(), asyncio.Queue()
    p = asyncio.create_task(pinger(b, a, n))
    q = asyncio.create_task(ponger(a, b, n))
    await p
    await q


async def timers(n):
    loop = asyncio.get_running_loop()
    handles = [loop.call_later(1 + i % 1000, lambda: None) for i in range(n)]
    for h in handles:
        h.cancel()


SCENARIOS = {
    "create_await": create_await,
    "sleep0_switch": sleep0_switch,
    "queue_ping_pong": queue_ping_pong,
    "timers": timers,
}


def run_scenario(kind, fn, n, repetitions=3):
    best = None
    for _ in range(repetitions):
        loop = new_loop(kind)
        gc.collect()
        t0 = time.perf_counter_ns()
        loop.run_until_complete(fn(n))
        elapsed = time.perf_counter_ns() - t0
        loop.close()
        best = elapsed if best is None else min(best, elapsed)
    return best / n


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return 0


async def sleeper():
    await asyncio.sleep(3600)


async def memory_main(n):
    before = status_kb("VmRSS:")
    tasks = [asyncio.create_task(sleeper()) for _ in range(n)]
    await asyncio.sleep(0)
    after = status_kb("VmRSS:")
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return (after - before) * 1024 / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--loops", default="asyncio,uvloop")
    ap.add_argument("--memory", type=int, default=0)
    ap.add_argument("--loop", default="asyncio")
    args = ap.parse_args()
    if args.memory:
        loop = new_loop(args.loop)
        bytes_per_task = loop.run_until_complete(memory_main(args.memory))
        loop.close()
        print(json.dumps({"runtime": "python_" + args.loop, "scenario": "sleeping_task_memory",
                          "tasks": args.memory, "bytes_per_task": round(bytes_per_task, 1)}))
        return
    for kind in args.loops.split(","):
        try:
            new_loop(kind).close()
        except ImportError:
            print(f"{kind} is not importable; skipped", file=sys.stderr)
            continue
        for name, fn in SCENARIOS.items():
            ns = run_scenario(kind, fn, args.n)
            print(json.dumps({"runtime": "python_" + kind, "scenario": name, "n": args.n,
                              "ns_per_op": round(ns, 1)}), flush=True)
        out = subprocess.run([sys.executable, __file__, "--memory", str(args.n), "--loop", kind],
                             check=True, capture_output=True, text=True).stdout
        print(out.strip(), flush=True)


if __name__ == "__main__":
    main()
