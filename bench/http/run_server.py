#!/usr/bin/python3
"""HTTP server benchmark: braid against nginx, h2o, Go net/http, aiohttp+uvloop and a Boost.Asio
coroutine server, side by side in one run on this machine.

Each server is pinned to CPU 0 (taskset -c 0), wrk to CPU 1, 64 connections, /plaintext and
/json, without and with pipelining (16 requests per write, pipeline.lua). Reported: requests per
second (wall) and requests per server CPU-second (utime+stime of the server's processes from
/proc/PID/stat, before and after each run), and both as ratios to nginx. Then the memory of
10,000 idle keep-alive connections (each made one request; a separate client process holds
them): the server's RSS growth divided by the connection count.

Run from the repository root after building `braid` (cmake --build build/default --target braid):

    /usr/bin/python3 bench/http/run_server.py [--duration 5] [--rounds 3] [--only braid,nginx]
                                              [--conns 10000]
"""
import argparse
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def descendants(pid):
    """pid and every process below it."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(name))
        except OSError:
            pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid):
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (threads included)
        except OSError:
            pass
    return total / CLK


def rss_bytes(pid):
    total = 0
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def wait_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


class Server:
    def __init__(self, name, argv, port, env=None, cwd=None, note=""):
        self.name, self.argv, self.port, self.env, self.cwd, self.note = name, argv, port, env, cwd, note
        self.proc = None

    def start(self):
        env = dict(os.environ, **(self.env or {}))
        # stderr to a file: an unread pipe fills up and blocks a server that logs (aiohttp does)
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{self.name.split()[0]}-", suffix=".err",
                                               delete=False)
        self.proc = subprocess.Popen(["taskset", "-c", "0"] + self.argv, env=env, cwd=self.cwd,
                                     stdout=subprocess.DEVNULL, stderr=self.log,
                                     preexec_fn=raise_nofile)
        if not wait_port(self.port):
            self.stop()
            with open(self.log.name, errors="replace") as f:
                err = f.read(4000)
            raise RuntimeError(f"{self.name} did not listen on {self.port}: {err}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()
            os.unlink(self.log.name)


def make_servers(tmp, braid, only):
    servers = []

    def want(name):
        return not only or name in only

    if want("braid"):
        p = free_port()
        servers.append(Server("braid", [braid, "serve", "--bind", f"127.0.0.1:{p}"], p))
    if want("nginx") and shutil.which("nginx"):
        p = free_port()
        d = os.path.join(tmp, "nginx")
        os.makedirs(os.path.join(d, "logs"))
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""worker_processes 1; daemon off; pid {d}/nginx.pid; error_log {d}/error.log;
worker_rlimit_nofile 20000;
events {{ worker_connections 20000; }}
http {{
  access_log off; keepalive_requests 100000000; keepalive_timeout 60s;
  client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
  server {{
    listen 127.0.0.1:{p};
    location /plaintext {{ default_type "text/plain; charset=utf-8"; return 200 "Hello, World!"; }}
    location /json {{ default_type application/json; return 200 '{{"message":"Hello, World!"}}'; }}
  }}
}}
""")
        servers.append(Server("nginx", ["nginx", "-p", d, "-c", conf], p))
    if want("h2o") and shutil.which("h2o"):
        p = free_port()
        d = os.path.join(tmp, "h2o")
        www = os.path.join(d, "www")
        os.makedirs(www)
        os.chmod(tmp, 0o755)
        os.chmod(d, 0o755)
        with open(os.path.join(www, "plaintext"), "w") as f:
            f.write("Hello, World!")
        with open(os.path.join(www, "json"), "w") as f:
            f.write('{"message":"Hello, World!"}')
        conf = os.path.join(d, "h2o.conf")
        with open(conf, "w") as f:
            f.write(f"""listen:
  host: 127.0.0.1
  port: {p}
num-threads: 1
max-connections: 20000
hosts:
  default:
    paths:
      /:
        file.dir: {www}
""")
        servers.append(Server("h2o", ["h2o", "-c", conf], p,
                              note="serves two small files (file.dir): no fixed-string handler without mruby"))
    if want("go") and shutil.which("go"):
        p = free_port()
        exe = os.path.join(tmp, "go_server")
        subprocess.run(["go", "build", "-o", exe, "."], cwd=os.path.join(HERE, "go"), check=True,
                       env=dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off",
                                GOCACHE=os.path.join(tmp, "gocache")))
        servers.append(Server("go net/http", [exe, "-addr", f"127.0.0.1:{p}"], p,
                              env={"GOMAXPROCS": "1"}))
    if want("aiohttp"):
        p = free_port()
        # aiohttp_server.py binds port 0 itself; pass the port through a tiny wrapper instead
        servers.append(Server("aiohttp+uvloop", ["/usr/bin/python3", "-c",
                                                 AIOHTTP_WRAPPER.format(port=p, here=HERE)], p))
    if want("asio") and shutil.which("g++"):
        p = free_port()
        exe = os.path.join(tmp, "asio_server")
        subprocess.run(["g++", "-O2", "-std=c++20", os.path.join(HERE, "asio_server.cpp"), "-o", exe,
                        "-pthread"], check=True)
        servers.append(Server("asio", [exe, str(p)], p))
    return servers


AIOHTTP_WRAPPER = """
import sys; sys.path.insert(0, {here!r})
import socket, uvloop
from aiohttp import web
import aiohttp_server as s
app = web.Application()
app.router.add_get("/plaintext", s.plaintext)
app.router.add_get("/json", s.json_handler)
uvloop.install()
web.run_app(app, host="127.0.0.1", port={port}, access_log=None, print=None)
"""


def wrk(port, path, duration, pipeline, server_pid, connections):
    argv = ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{duration}s"]
    if pipeline:
        argv += ["-s", os.path.join(HERE, "pipeline.lua")]
    argv.append(f"http://127.0.0.1:{port}{path}")
    before = cpu_seconds(server_pid)
    out = subprocess.run(argv, capture_output=True, text=True).stdout
    cpu = cpu_seconds(server_pid) - before
    m_rps, m_total = re.search(r"Requests/sec:\s+([\d.]+)", out), re.search(r"(\d+) requests in", out)
    if not m_rps or not m_total:
        return {"rps": float("nan"), "per_cpu": float("nan"), "cpu": cpu, "bad": 0, "sockerr": out[-200:]}
    rps, total = float(m_rps.group(1)), int(m_total.group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockerr = re.search(r"Socket errors: (.*)", out)
    bad = (int(errors.group(1)) if errors else 0)
    return {"rps": rps, "per_cpu": total / cpu if cpu > 0 else float("nan"), "cpu": cpu,
            "bad": bad, "sockerr": sockerr.group(1) if sockerr else ""}


CLIENT = r"""
import resource, socket, struct, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
port, n = int(sys.argv[1]), int(sys.argv[2])
socks = []
req = b"GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.sendall(req)
    socks.append(s)
for s in socks:
    data = b""
    while b"Hello, World!" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
print("ready", flush=True)
sys.stdin.readline()
for s in socks:
    s.close()
"""


def idle_memory(server, conns):
    time.sleep(0.5)
    before = rss_bytes(server.proc.pid)
    client = subprocess.Popen(["taskset", "-c", "1", sys.executable, "-c", CLIENT, str(server.port),
                               str(conns)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = client.stdout.readline()
    time.sleep(0.5)
    after = rss_bytes(server.proc.pid)
    client.stdin.write("\n")
    client.stdin.flush()
    client.wait(60)
    if line.strip() != "ready":
        return float("nan")
    return (after - before) / conns


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--braid", default=os.path.join(ROOT, "build/default/tools/braid/braid"))
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds; the median of each figure is reported")
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--conns", type=int, default=10000, help="idle connections for the memory test")
    ap.add_argument("--only", default="", help="comma-separated: braid,nginx,h2o,go,aiohttp,asio")
    args = ap.parse_args()
    raise_nofile()
    only = set(x for x in args.only.split(",") if x)
    tmp = tempfile.mkdtemp(prefix="braid-http-bench-")
    results = {}
    notes = []
    servers = []
    cases = [(path, pipeline) for path in ("/plaintext", "/json") for pipeline in (False, True)]
    try:
        servers = make_servers(tmp, args.braid, only)
        for server in servers:  # all listen at once (idle ones cost nothing): runs interleave
            server.start()
            if server.note:
                notes.append(f"{server.name}: {server.note}")
        runs = {(srv.name, c): [] for srv in servers for c in cases}
        # Each round runs every case on every server in turn, so a noisy minute on this shared
        # machine hits every server alike; the median of the rounds is reported.
        for rnd in range(args.rounds):
            for c in cases:
                for server in servers:
                    if rnd == 0:
                        wrk(server.port, c[0], 1, c[1], server.proc.pid, args.connections)  # warm-up
                    r = wrk(server.port, c[0], args.duration, c[1], server.proc.pid, args.connections)
                    runs[(server.name, c)].append(r)
                    print(f"round {rnd} {server.name} {c}: {r}", file=sys.stderr, flush=True)
        for server in servers:
            r = {}
            for c in cases:
                rs = runs[(server.name, c)]
                r[c] = {"rps": median([x["rps"] for x in rs]), "per_cpu": median([x["per_cpu"] for x in rs]),
                        "bad": sum(x["bad"] for x in rs)}
            r["mem"] = idle_memory(server, args.conns)
            print(f"{server.name} idle memory: {r['mem']:.0f} B/conn", file=sys.stderr, flush=True)
            results[server.name] = r
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    report(results, notes, args)


def median(xs):
    xs = sorted(x for x in xs if x == x)  # runs that failed (NaN) left out
    n = len(xs)
    if n == 0:
        return float("nan")
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def report(results, notes, args):
    base = results.get("nginx")
    print(f"wrk -t1 -c{args.connections} -d{args.duration}s, server on CPU 0, wrk on CPU 1; "
          "pipelined: 16 requests per write. req/CPU-s: requests per second of server CPU time "
          f"(utime+stime). Medians of {args.rounds} interleaved rounds; (x nginx) in brackets. "
          f"Idle connection memory: server RSS growth / {args.conns} keep-alive connections.\n")
    cols = [("/plaintext", False), ("/json", False), ("/plaintext", True), ("/json", True)]
    head = "| server | " + " | ".join(
        f"{p}{' pipelined' if pl else ''} req/s | req/CPU-s" for p, pl in cols) + " | idle conn memory |"
    print(head)
    print("|" + "---|" * (2 + 2 * len(cols)))
    for name, r in results.items():
        cells = []
        for c in cols:
            v = r[c]
            ratio = ratio_cpu = ""
            if base:
                ratio = f" ({v['rps'] / base[c]['rps']:.2f}x)"
                ratio_cpu = f" ({v['per_cpu'] / base[c]['per_cpu']:.2f}x)"
            flag = f" [{v['bad']} bad]" if v["bad"] else ""
            cells.append(f"{v['rps']:,.0f}{ratio}{flag} | {v['per_cpu']:,.0f}{ratio_cpu}")
        print(f"| {name} | " + " | ".join(cells) + f" | {r['mem']:,.0f} B |")
    for n in notes:
        print(f"\n{n}")


if __name__ == "__main__":
    main()
