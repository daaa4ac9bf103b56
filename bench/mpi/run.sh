#!/usr/bin/env bash
# Runs braid::mpi's pool beside mpi4py.futures' MPIPoolExecutor, the same 3 ranks (rank 0 and
# 2 workers) on this machine, one MPI job per scenario, alternating braid and mpi4py, and prints
# a table: wall-clock figures from the programs, and CPU per task of the whole job (every rank,
# from the job's rusage, less a run that only starts and stops the pool).
#   bench/mpi/run.sh [build-dir] [rounds]      (default: build/default, 3 rounds; best kept)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build/default}"
rounds="${2:-3}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake --preset default -B "$build" >/dev/null
fi
cmake --build "$build" -j2 --target bench_mpi_pool >/dev/null
export OMPI_MCA_btl=self,vader,tcp OMPI_MCA_btl_base_warn_component_unused=0
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Debian's python3-mpi4py belongs to the system's interpreter.
/usr/bin/python3 - "$build/bench/mpi/bench_mpi_pool" "$here/mpi4py_pool_bench.py" "$rounds" <<'PY'
import resource, subprocess, sys
braid_bin, py_bench, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
mpirun = ["mpirun", "--oversubscribe", "--allow-run-as-root", "-n", "3"]
peers = {"braid": mpirun + [braid_bin], "mpi4py": mpirun + ["/usr/bin/python3", "-m", "mpi4py.futures", py_bench]}

def job(cmd, scenario):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd + [scenario], check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    parts = out.split()
    return (float(parts[1]), parts[2], int(parts[3])) if parts else None, cpu

best = {}
for _ in range(rounds):
    for scenario in ["startup", "tiny", "map1", "map1000", "mib"]:
        for peer, cmd in peers.items():
            value, cpu = job(cmd, scenario)
            key = (peer, scenario)
            better = key not in best or (value and (value[1] == "tasks/s") == (value[0] > best[key][0][0]))
            if scenario == "startup":
                best[key] = ((cpu, "s", 1), cpu) if key not in best or cpu < best[key][1] else best[key]
            elif better:
                best[key] = (value, cpu)

names = {"tiny": "tiny round trip, submit(f).result()", "map1": "map, chunksize 1",
         "map1000": "map, chunksize 1000", "mib": "1 MiB argument + result round trip"}
print("| benchmark | braid | mpi4py.futures | ratio | CPU per task: braid | mpi4py | ratio |")
print("|---|---|---|---|---|---|---|")
for s, title in names.items():
    (bv, unit, n), bcpu = best[("braid", s)]
    (pv, _, pn), pcpu = best[("mpi4py", s)]
    ratio = bv / pv if unit == "tasks/s" else pv / bv
    bc = max(bcpu - best[("braid", "startup")][1], 1e-9) / n * 1e6
    pc = max(pcpu - best[("mpi4py", "startup")][1], 1e-9) / pn * 1e6
    fmt = (lambda v: f"{v:.0f} {unit}") if unit == "tasks/s" else (lambda v: f"{v:.1f} {unit}")
    print(f"| {title} | {fmt(bv)} | {fmt(pv)} | {ratio:.1f}x | {bc:.2f} us | {pc:.2f} us | {pc / bc:.1f}x |")
PY
