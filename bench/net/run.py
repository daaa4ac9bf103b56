#!/usr/bin/env python3
"""Runs the network benchmarks side by side and prints one markdown table.

Each server (braid on epoll and on io_uring, Boost.Asio, hand-written epoll and io_uring floors, Go with
GOMAXPROCS=1, Python asyncio and uvloop) runs in its own process on one thread and is driven by
the same client process (echo_client.cpp). For every row the table gives the wall-clock rate and
the server's CPU time per operation (user + system, from /proc/PID/stat), which moves far less
than wall-clock figures on a shared machine.

usage: bench/net/run.py [--quick] [--build DIR]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, name, argv, env=None):
        self.name, self.argv, self.env = name, argv, env

    def __enter__(self):
        self.port = free_port()
        argv = [a.replace("PORT", str(self.port)) for a in self.argv]
        env = dict(os.environ, **(self.env or {}))
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=env, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"{self.name} did not start: {line!r}")
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()


def run_client(client, port, *args):
    out = subprocess.run([client, str(port), *map(str, args)], capture_output=True, text=True,
                         check=True, timeout=600)
    return json.loads(out.stdout)


def measure(server, client, *args):
    before = cpu_seconds(server.proc.pid)
    result = run_client(client, server.port, *args)
    result["server_cpu"] = cpu_seconds(server.proc.pid) - before
    return result


def idle_memory(server, client, count):
    base = rss_kib(server.proc.pid)
    proc = subprocess.Popen([client, str(server.port), "idle", str(count)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if line.strip() != "idle":
        raise RuntimeError("idle client failed")
    time.sleep(0.2)  # let the server settle: a benchmark, not a test
    used = rss_kib(server.proc.pid) - base
    proc.stdin.close()
    proc.wait()
    return used * 1024 / count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--build", default=str(ROOT / "build/default"))
    args = ap.parse_args()
    build = pathlib.Path(args.build)
    b = build / "bench/net"
    client = str(b / "bench_net_echo_client")
    go_dir = build / "bench/net/go"
    go_dir.mkdir(parents=True, exist_ok=True)
    gobin = go_dir / "echo_go"
    subprocess.run(["go", "build", "-o", str(gobin), "main.go"], cwd=ROOT / "bench/net/go",
                   check=True, env=dict(os.environ, GO111MODULE="off", GOFLAGS="",
                                        GOCACHE=str(go_dir / "cache"), GOPATH=str(go_dir / "path")))
    py = "/usr/bin/python3"
    servers = [
        Server("braid epoll", [str(b / "bench_net_echo_braid"), "PORT", "epoll"]),
        Server("braid io_uring", [str(b / "bench_net_echo_braid"), "PORT", "io_uring"]),
        Server("hand-written epoll", [str(b / "bench_net_echo_floor_epoll"), "PORT"]),
        Server("hand-written io_uring", [str(b / "bench_net_echo_floor_uring"), "PORT"]),
        Server("Boost.Asio", [str(b / "bench_net_echo_asio"), "PORT"]),
        Server("Go", [str(gobin), "PORT"], {"GOMAXPROCS": "1"}),
        Server("uvloop", [py, str(ROOT / "bench/net/echo_python.py"), "PORT", "uvloop"]),
        Server("Python asyncio", [py, str(ROOT / "bench/net/echo_python.py"), "PORT", "asyncio"]),
    ]
    q = args.quick
    rounds = 20000 if q else 100000
    many = (1000, 20 if q else 100)
    bulk = (256 if q else 2048) * 1024 * 1024
    accepts = 2000 if q else 10000
    idle = 10000
    rows = {}
    print(f"== {os.cpu_count()} cores, load {open('/proc/loadavg').read().split()[:3]}", file=sys.stderr)
    for s in servers:
        with s:
            r = {}
            r["pingpong1"] = measure(s, client, "pingpong", 1, rounds, 64)
            r["pingpong1000"] = measure(s, client, "pingpong", many[0], many[1], 64)
            r["bulk"] = measure(s, client, "bulk", bulk)
            r["accept"] = measure(s, client, "accept", accepts)
            r["idle_bytes"] = idle_memory(s, client, idle)
            rows[s.name] = r
            print(f"{s.name}: done", file=sys.stderr)
    ref = rows["braid epoll"]

    def rate(r):
        return r["operations"] / r["seconds"]

    def cpu_ns(r):
        return r["server_cpu"] / r["operations"] * 1e9

    print("| server | ping-pong 1 conn (round trips/s, server CPU ns each) | ping-pong 1000 conns | "
          "bulk (GB/s, server CPU ns/KiB) | accept (conns/s, CPU µs each) | memory per idle conn |")
    print("|---|---|---|---|---|---|")
    for name, r in rows.items():
        def cell(key, unit_scale=1.0, cpu_scale=1.0, fmt="{:,.0f}"):
            x = rate(r[key]) * unit_scale
            c = cpu_ns(r[key]) * cpu_scale
            xr = x / (rate(ref[key]) * unit_scale)
            cr = c / (cpu_ns(ref[key]) * cpu_scale)
            return f"{fmt.format(x)} ({xr:.2f}×), {c:,.0f} ({cr:.2f}×)"
        print(f"| {name} | {cell('pingpong1')} | {cell('pingpong1000')} | "
              f"{cell('bulk', 1e-9, 1024, '{:.2f}')} | {cell('accept', 1, 1e-3)} | "
              f"{r['idle_bytes']:,.0f} B ({r['idle_bytes'] / ref['idle_bytes']:.2f}×) |")
    print("\nRatios are against braid on epoll: rate ratios above 1 and CPU or memory ratios below 1 "
          "mean the peer did better.")
    json.dump(rows, open(build / "bench/net/results.json", "w"), indent=1)


if __name__ == "__main__":
    main()
