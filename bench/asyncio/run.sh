#!/usr/bin/env bash
# Builds and runs the braid::asyncio benchmarks and their peers in one go -- braid and Boost.Asio
# awaitables (bench_asyncio, Google Benchmark), memory per sleeping task in fresh processes
# (bench_asyncio_memory), Python asyncio and uvloop (python_bench.py), Go goroutines (go/main.go)
# -- then prints one markdown table with the ratios peer / braid.
#
# usage: bench/asyncio/run.sh [--quick]
#   --quick   100,000 operations instead of 1,000,000 (Python: 20,000 instead of 200,000)
# environment:
#   BUILD_DIR   build directory (default build/bench-asyncio, `default` preset: g++, which is
#               where Boost 1.74's Asio awaitables compile)
#   PYTHON      interpreter for the Python peers (default /usr/bin/python3)
#   OUT_DIR     raw results (default $BUILD_DIR/results-asyncio)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
build_dir="${BUILD_DIR:-build/bench-asyncio}"
out_dir="${OUT_DIR:-$build_dir/results-asyncio}"
python="${PYTHON:-/usr/bin/python3}"
n=1000000
py_n=200000   # Python is 20-100 times slower per operation; ns per op does not depend on n
if [[ "${1:-}" == "--quick" ]]; then
  n=100000
  py_n=20000
fi

cmake --preset default -B "$build_dir" -DBRAID_BUILD_BENCH=ON -DBRAID_BUILD_TESTS=OFF \
  -DBRAID_BUILD_EXAMPLES=OFF -DBRAID_BUILD_TOOLS=OFF >/dev/null
cmake --build "$build_dir" -j2 --target bench_asyncio bench_asyncio_memory >/dev/null
mkdir -p "$out_dir"
gobin="$root/$build_dir/go/asyncio_bench"
(cd bench/asyncio/go && GO111MODULE=off GOFLAGS= GOCACHE="$root/$build_dir/go/cache" \
   GOPATH="$root/$build_dir/go/path" go build -o "$gobin" .)

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "== braid and Boost.Asio (n=$n)" >&2
"$build_dir/bench/asyncio/bench_asyncio" --n="$n" --benchmark_format=console \
  --benchmark_out_format=json --benchmark_out="$out_dir/cpp.json" >&2
echo "== memory per sleeping task ($n tasks, one fresh process each)" >&2
: >"$out_dir/memory.jsonl"
for runtime in braid asio; do
  "$build_dir/bench/asyncio/bench_asyncio_memory" "$runtime" "$n" | tee -a "$out_dir/memory.jsonl" >&2
done
echo "== Go (GOMAXPROCS=1, n=$n)" >&2
"$gobin" -n "$n" | tee "$out_dir/go.jsonl" >&2
echo "== Python ($python, n=$py_n)" >&2
"$python" bench/asyncio/python_bench.py --n "$py_n" | tee "$out_dir/python.jsonl" >&2
echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$python" bench/asyncio/report.py "$out_dir/cpp.json" "$out_dir/memory.jsonl" \
  "$out_dir/go.jsonl" "$out_dir/python.jsonl" | tee "$out_dir/report.md"
