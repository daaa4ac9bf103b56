#!/usr/bin/env bash
# Runs braid's process-pool benchmarks beside Python's ProcessPoolExecutor and multiprocessing.Pool
# and the raw pipe floor, then prints a ratio table.
#   bench/multiprocessing/run.sh [build-dir]      (default: build/default; built if needed)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-$root/build/default}"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake --preset default -B "$build" >/dev/null
fi
cmake --build "$build" -j2 --target bench_multiprocessing_process_pool bench_multiprocessing_pipe_floor >/dev/null

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
"$build/bench/multiprocessing/bench_multiprocessing_pipe_floor" >>"$out"
"$build/bench/multiprocessing/bench_multiprocessing_process_pool" >>"$out"
python3 "$here/process_pool_bench.py" >>"$out"

python3 - "$out" <<'PY'
import sys
v = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) == 3:
        v[parts[0]] = (float(parts[1]), parts[2])
def g(k): return v[k][0]
cores = next((k.split("_")[2] for k in v if k.startswith("cpu_bound_") and k.endswith("_workers")), "?")
rows = [
  ("tiny round trip, submit(f).result()", f"{g('tiny_round_trip'):.1f} us",
   f"PPE {g('ppe_tiny_round_trip'):.0f} us, Pool.apply {g('pool_tiny_round_trip'):.0f} us",
   f"{g('ppe_tiny_round_trip') / g('tiny_round_trip'):.1f}x faster than PPE"),
  ("  vs raw pipe round trip (floor)", f"{g('tiny_round_trip'):.1f} us", f"pipe {g('raw_pipe_round_trip'):.1f} us, socketpair {g('raw_socketpair_round_trip'):.1f} us",
   f"{g('tiny_round_trip') / g('raw_pipe_round_trip'):.2f}x the floor"),
  ("map, chunksize 1", f"{g('map_chunksize_1'):.0f} tasks/s",
   f"PPE {g('ppe_map_chunksize_1'):.0f}, Pool {g('pool_map_chunksize_1'):.0f} tasks/s",
   f"{g('map_chunksize_1') / g('ppe_map_chunksize_1'):.1f}x PPE, {g('map_chunksize_1') / g('pool_map_chunksize_1'):.1f}x Pool"),
  ("map, chunksize 1000", f"{g('map_chunksize_1000'):.0f} tasks/s",
   f"PPE {g('ppe_map_chunksize_1000'):.0f}, Pool {g('pool_map_chunksize_1000'):.0f} tasks/s",
   f"{g('map_chunksize_1000') / g('ppe_map_chunksize_1000'):.1f}x PPE, {g('map_chunksize_1000') / g('pool_map_chunksize_1000'):.1f}x Pool"),
  ("1 MiB argument + result round trip", f"{g('mib_round_trip'):.0f} us", f"PPE {g('ppe_mib_round_trip'):.0f} us",
   f"{g('ppe_mib_round_trip') / g('mib_round_trip'):.1f}x faster"),
  (f"CPU-bound speedup, 1 -> {cores} workers", f"{g('cpu_bound_speedup'):.2f}x", f"PPE {g('ppe_cpu_bound_speedup'):.2f}x", ""),
  ("worker start + first task: spawn", f"{g('start_spawn'):.2f} ms", f"PPE spawn {g('ppe_start_spawn'):.1f} ms", f"{g('ppe_start_spawn') / g('start_spawn'):.1f}x faster"),
  ("worker start + first task: fork server", f"{g('start_fork_server'):.2f} ms",
   f"PPE fork {g('ppe_start_fork'):.1f} ms, forkserver {g('ppe_start_forkserver'):.1f} ms", f"{g('ppe_start_forkserver') / g('start_fork_server'):.1f}x vs forkserver"),
]
print("| benchmark | braid | Python | ratio |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
PY
