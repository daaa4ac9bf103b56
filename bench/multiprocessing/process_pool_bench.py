"""Python's peers of bench/multiprocessing/process_pool_bench.cpp: ProcessPoolExecutor and
multiprocessing.Pool, same workloads. Prints "name value unit" lines."""
import concurrent.futures as cf
import multiprocessing as mp
import os
import sys
import time


def tiny(x):
    return x + 1


def echo(s):
    return s


def burn(n):
    x = 1
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
    return x >> 33


def ppe_tiny_round_trip(rounds):
    with cf.ProcessPoolExecutor(1) as ex:
        for i in range(200):
            ex.submit(tiny, i).result()
        start = time.perf_counter()
        for i in range(rounds):
            ex.submit(tiny, i).result()
        print(f"ppe_tiny_round_trip {(time.perf_counter() - start) * 1e6 / rounds:.2f} us")


def pool_tiny_round_trip(rounds):
    with mp.Pool(1) as p:
        for i in range(200):
            p.apply(tiny, (i,))
        start = time.perf_counter()
        for i in range(rounds):
            p.apply(tiny, (i,))
        print(f"pool_tiny_round_trip {(time.perf_counter() - start) * 1e6 / rounds:.2f} us")


def ppe_map(chunksize, n):
    with cf.ProcessPoolExecutor() as ex:
        list(ex.map(tiny, range(1000), chunksize=chunksize))
        start = time.perf_counter()
        sum(ex.map(tiny, range(n), chunksize=chunksize))
        print(f"ppe_map_chunksize_{chunksize} {n / (time.perf_counter() - start):.0f} tasks/s")


def pool_map(chunksize, n):
    with mp.Pool() as p:
        p.map(tiny, range(1000), chunksize=chunksize)
        start = time.perf_counter()
        sum(p.map(tiny, range(n), chunksize=chunksize))
        print(f"pool_map_chunksize_{chunksize} {n / (time.perf_counter() - start):.0f} tasks/s")


def ppe_mib(rounds):
    data = b"x" * (1 << 20)
    with cf.ProcessPoolExecutor(1) as ex:
        ex.submit(echo, data).result()
        start = time.perf_counter()
        for _ in range(rounds):
            ex.submit(echo, data).result()
        print(f"ppe_mib_round_trip {(time.perf_counter() - start) * 1e6 / rounds:.1f} us")


def ppe_start(method, rounds):
    ctx = mp.get_context(method)
    total = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        with cf.ProcessPoolExecutor(1, mp_context=ctx) as ex:
            ex.submit(tiny, 1).result()
        total += time.perf_counter() - start
    print(f"ppe_start_{method} {total * 1e3 / rounds:.2f} ms")


def ppe_cpu(workers, tasks, work):
    with cf.ProcessPoolExecutor(workers) as ex:
        list(ex.map(burn, [10] * workers))
        start = time.perf_counter()
        list(ex.map(burn, [work] * tasks))
        return time.perf_counter() - start


if __name__ == "__main__":
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    if only in ("", "start"):
        for m in ("fork", "forkserver", "spawn"):
            ppe_start(m, 5)
    if only in ("", "tiny"):
        ppe_tiny_round_trip(2000)
        pool_tiny_round_trip(2000)
    if only in ("", "map"):
        ppe_map(1, 20000)
        pool_map(1, 20000)
        ppe_map(1000, 1000000)
        pool_map(1000, 1000000)
    if only in ("", "mib"):
        ppe_mib(100)
    if only in ("", "cpu"):
        cores = os.cpu_count()
        work = 200000
        one = ppe_cpu(1, 4 * cores, work)
        all_ = ppe_cpu(cores, 4 * cores, work)
        print(f"ppe_cpu_bound_speedup {one / all_:.2f} x")
