#!/usr/bin/env bash
# Builds and runs the thread-pool benchmarks (C++: braid, oneTBB, Boost.Asio, std::async; and
# Python's ThreadPoolExecutor) in one go, then prints a markdown table of braid against each peer.
#
# usage: bench/run_thread_pool.sh [--quick]
#   --quick   small task counts and sample sizes, for checking that everything runs
# environment:
#   BUILD_DIR   build directory (default build/bench, configured with the `default` preset)
#   PYTHON      Python interpreter for the Python peer (default /usr/bin/python3, else python3)
#   OUT_DIR     where the raw results go (default $BUILD_DIR/results)
# Extra arguments after --quick go to bench_futures_thread_pool (e.g. --benchmark_filter=...).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build_dir="${BUILD_DIR:-build/bench}"
out_dir="${OUT_DIR:-$build_dir/results}"
if [[ -z "${PYTHON:-}" ]]; then
  if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi

cpp_args=(--tasks=1000000 --async_tasks=10000 --samples=20000)
py_args=(--tasks 100000 --samples 20000)
if [[ "${1:-}" == "--quick" ]]; then
  shift
  cpp_args=(--tasks=20000 --async_tasks=1000 --samples=1000)
  py_args=(--tasks 5000 --samples 1000 --repetitions 1)
fi

# Only the library and the benchmark: tests, examples and tools are not needed here.
cmake --preset default -B "$build_dir" -DBRAID_BUILD_BENCH=ON -DBRAID_BUILD_TESTS=OFF \
  -DBRAID_BUILD_EXAMPLES=OFF -DBRAID_BUILD_TOOLS=OFF >/dev/null
cmake --build "$build_dir" -j2 --target bench_futures_thread_pool >/dev/null
mkdir -p "$out_dir"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)," \
     "kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "== C++ benchmarks" >&2
"$build_dir/bench/bench_futures_thread_pool" "${cpp_args[@]}" "$@" \
  --benchmark_format=console --benchmark_out_format=json \
  --benchmark_out="$out_dir/cpp.json" >&2
echo "== Python ($PYTHON)" >&2
"$PYTHON" bench/python/thread_pool_bench.py "${py_args[@]}" | tee "$out_dir/python.jsonl" >&2
echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$PYTHON" bench/report.py "$out_dir/cpp.json" "$out_dir/python.jsonl" | tee "$out_dir/report.md"
