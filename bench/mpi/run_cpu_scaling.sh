#!/usr/bin/env bash
# CPU-bound scaling, braid::mpi's pool against braid's process pool on the same cores: the same
# prime-counting tasks (bench/mpi/cpu_task.hpp) through map with chunksize 1, with 1..N workers.
# The MPI pool runs as `mpirun -n <workers + 1>` (rank 0 and the workers); the process pool is
# one parent and <workers> processes. Each round runs every configuration once, alternating the
# two pools; the best and median of the rounds are kept. Prints the load average before and
# after, and a table: wall time, speedup over the same pool's 1 worker and over a serial loop,
# and the MPI pool's time against the process pool's.
#   bench/mpi/run_cpu_scaling.sh [build-dir] [rounds] [tasks] [max-workers]
#   (default: build/default, 5 rounds, 120 tasks, nproc workers)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build/default}"
rounds="${2:-5}"
tasks="${3:-120}"
max_workers="${4:-$(nproc)}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake --preset default -B "$build" >/dev/null
fi
cmake --build "$build" -j2 --target bench_mpi_pool bench_mpi_cpu_process_pool >/dev/null
export OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_base_warn_component_unused=0
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$build/bench/mpi" "$rounds" "$tasks" "$max_workers" <<'PY'
import resource, statistics, subprocess, sys
bench, rounds, tasks, max_workers = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])

def run(cmd):
    """The wall time the program reports, and the CPU time of the whole job (every process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.split()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return float(out[1]), (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

def mpi(k):
    return run(["mpirun", "--oversubscribe", "--allow-run-as-root", "-n", str(k + 1),
                f"{bench}/bench_mpi_pool", "cpu", tasks])

def pool(k):
    return run([f"{bench}/bench_mpi_cpu_process_pool", str(k), tasks])

wall, cpu = {}, {}
for _ in range(rounds):
    configs = [("serial", 0, pool)]
    configs += [(name, k, f) for k in range(1, max_workers + 1)
                for name, f in (("mpi", mpi), ("pool", pool))]
    for name, k, f in configs:
        w, c = f(k)
        wall.setdefault((name, k), []).append(w)
        cpu.setdefault((name, k), []).append(c)

best = {key: min(v) for key, v in wall.items()}
median = {key: statistics.median(v) for key, v in wall.items()}
serial = best[("serial", 0)]
print(f"{tasks} tasks, {rounds} rounds; serial loop in one process: best {serial:.3f} s, "
      f"median {median[('serial', 0)]:.3f} s")
print("| workers | mpi_pool_executor (best / median) | speedup vs 1 worker / vs serial "
      "| process_pool_executor (best / median) | speedup vs 1 worker / vs serial "
      "| MPI time / pool time (best / median) |")
print("|---|---|---|---|---|---|")
for k in range(1, max_workers + 1):
    row = [str(k)]
    for name in ("mpi", "pool"):
        b, m = best[(name, k)], median[(name, k)]
        row.append(f"{b:.3f} s / {m:.3f} s")
        row.append(f"{best[(name, 1)] / b:.2f}x / {serial / b:.2f}x")
    row.append(f"{best[('mpi', k)] / best[('pool', k)]:.3f} / "
               f"{median[('mpi', k)] / median[('pool', k)]:.3f}")
    print("| " + " | ".join(row) + " |")
# What each whole job spent on the CPU (start, warm-up and end included): beyond the serial
# loop's, it is the pool's own cost (polling, messages, starting processes) on these cores.
print()
print("| workers | job CPU, median: MPI pool | process pool | serial loop |")
print("|---|---|---|---|")
serial_cpu = statistics.median(cpu[("serial", 0)])
for k in range(1, max_workers + 1):
    print(f"| {k} | {statistics.median(cpu[('mpi', k)]):.3f} s "
          f"| {statistics.median(cpu[('pool', k)]):.3f} s | {serial_cpu:.3f} s |")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
