"""mpi4py.futures' MPIPoolExecutor, the peer of bench_mpi_pool, one scenario a run:
    mpirun -n 3 python3 -m mpi4py.futures bench/mpi/mpi4py_pool_bench.py <startup|tiny|map1|map1000|mib>
Prints "<name> <value> <unit> <count>" lines like bench_mpi_pool."""
import sys
import time

from mpi4py.futures import MPIPoolExecutor


def nothing(x):
    return x


def echo(s):
    return s


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "tiny"
    with MPIPoolExecutor() as pool:
        pool.submit(nothing, 0).result()
        if what == "startup":
            return
        if what == "tiny":
            n = 2000
            for i in range(100):
                pool.submit(nothing, i).result()
            start = time.perf_counter()
            for i in range(n):
                pool.submit(nothing, i).result()
            print(f"tiny_round_trip {(time.perf_counter() - start) * 1e6 / n:.2f} us {n}")
        elif what in ("map1", "map1000"):
            big = what == "map1000"
            n = 2_000_000 if big else 20_000
            start = time.perf_counter()
            total = sum(pool.map(nothing, range(n), chunksize=1000 if big else 1))
            t = time.perf_counter() - start
            assert total == n * (n - 1) // 2
            name = "map_chunksize_1000" if big else "map_chunksize_1"
            print(f"{name} {n / t:.0f} tasks/s {n}")
        elif what == "mib":
            arg = b"x" * (1 << 20)
            n = 300
            for _ in range(20):
                pool.submit(echo, arg).result()
            start = time.perf_counter()
            for _ in range(n):
                assert len(pool.submit(echo, arg).result()) == len(arg)
            print(f"mib_round_trip {(time.perf_counter() - start) * 1e6 / n:.1f} us {n}")


if __name__ == "__main__":
    main()
