#!/usr/bin/env python3
"""The HTTP client benchmark: keep-alive GETs to a local nginx (started here with a temporary
config, worker_processes 1, `return 200 "Hello, World!"`, pinned to core 0) from each client pinned
to core 1: braid (client_session), a minimal Boost.Asio coroutine client, libcurl multi, Go
net/http and aiohttp, over 1, 64 and 1,000 connections, side by side in one run. Then the memory
of 10,000 idle braid client connections. Prints a markdown table.

  python3 bench/http/run_client.py --build build/default [--requests 100000]
"""
import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def start_nginx(tmp, port):
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off; master_process off; worker_processes 1;
worker_rlimit_nofile 65536;
error_log stderr error; pid {tmp}/nginx.pid;
events {{ worker_connections 30000; multi_accept on; }}
http {{
  access_log off; default_type text/plain;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
  keepalive_requests 1000000; keepalive_timeout 300s;
  server {{ listen 127.0.0.1:{port} backlog=4096; location / {{ return 200 "Hello, World!"; }} }}
}}
""")
    p = subprocess.Popen(["taskset", "-c", "0", "/usr/sbin/nginx", "-p", tmp + "/", "-c", conf],
                         preexec_fn=raise_nofile)
    for _ in range(500):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return p
        except OSError:
            time.sleep(0.01)
    p.kill()
    raise SystemExit("nginx did not start")


def run_client(cmd, cwd=None, env=None):
    p = subprocess.run(["taskset", "-c", "1"] + cmd, capture_output=True, text=True, cwd=cwd,
                       env=env, preexec_fn=raise_nofile, timeout=900)
    if p.returncode != 0:
        return {"error": (p.stderr or p.stdout).strip()[-300:]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build/default")
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--connections", default="1,64,1000")
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--skip", default="", help="comma-separated clients to leave out")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    tmp = tempfile.mkdtemp(prefix="braid-bench-nginx-")
    port = free_port()
    nginx = start_nginx(tmp, port)
    url = f"http://127.0.0.1:{port}/"
    gobin = os.path.join(tmp, "go_client")
    subprocess.run(["go", "build", "-o", gobin, "."], cwd=os.path.join(HERE, "go_client"),
                   check=True, env=dict(os.environ, GOFLAGS="-mod=mod", GOCACHE=os.path.join(tmp, "gocache")))
    bench = os.path.join(build, "bench", "http", "client")
    clients = {
        "braid": lambda n, c: [os.path.join(bench, "braid_http_client"), "127.0.0.1", str(port), str(n), str(c)],
        "asio": lambda n, c: [os.path.join(bench, "asio_http_client"), "127.0.0.1", str(port), str(n), str(c)],
        "libcurl multi": lambda n, c: [os.path.join(bench, "curl_multi_http_client"), url, str(n), str(c)],
        "go net/http": lambda n, c: [gobin, url, str(n), str(c)],
        "aiohttp": lambda n, c: ["/usr/bin/python3", os.path.join(HERE, "aiohttp_client.py"), url, str(n), str(c)],
    }
    skip = set(filter(None, args.skip.split(",")))
    results = {}
    try:
        for conns in [int(c) for c in args.connections.split(",")]:
            for name, make in clients.items():
                if name in skip:
                    continue
                cmd = make(args.requests, conns)
                if not os.path.exists(cmd[0]):
                    results[(name, conns)] = {"error": "not built"}
                    continue
                r = run_client(cmd)
                results[(name, conns)] = r
                print(f"# {name} x{conns}: {r}", file=sys.stderr)
        idle = run_client(clients["braid"](0, args.idle)[:3] + ["idle", str(args.idle)])
    finally:
        nginx.terminate()
        nginx.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"Keep-alive GETs to local nginx, {args.requests} requests per cell; client pinned to "
          f"core 1, nginx to core 0. req/s is wall-clock; req/CPU-s divides by the client's own "
          f"CPU time (user+system).\n")
    print("| connections | client | req/s | req/CPU-s | ok | vs asio (CPU) | braid vs it (CPU) |")
    print("|---|---|---|---|---|---|---|")
    for conns in [int(c) for c in args.connections.split(",")]:
        asio = results.get(("asio", conns), {})
        braid = results.get(("braid", conns), {})
        for name in clients:
            r = results.get((name, conns))
            if r is None:
                continue
            if "error" in r:
                print(f"| {conns} | {name} | error: {r['error'][:60]} | | | | |")
                continue
            rps = r["requests"] / r["seconds"]
            cps = r["requests"] / r["cpu_seconds"] if r["cpu_seconds"] > 0 else float("inf")
            va = ""
            if "cpu_seconds" in asio and asio.get("cpu_seconds"):
                va = f"{cps / (asio['requests'] / asio['cpu_seconds']):.2f}"
            vb = ""
            if "cpu_seconds" in braid and name != "braid" and r["cpu_seconds"] > 0:
                vb = f"{(braid['requests'] / braid['cpu_seconds']) / cps:.2f}x"
            print(f"| {conns} | {name} | {rps:,.0f} | {cps:,.0f} | {r['ok']} | {va} | {vb} |")
    print()
    if "error" in idle:
        print(f"Idle connections: error: {idle['error']}")
    else:
        print(f"Memory per idle braid client connection at {idle['idle_connections']} pooled "
              f"connections: {idle['rss_per_connection_bytes'] / 1024:.1f} KiB of RSS "
              f"(before {idle['rss_before'] / 2**20:.1f} MiB, after {idle['rss_after'] / 2**20:.1f} MiB).")


if __name__ == "__main__":
    main()
