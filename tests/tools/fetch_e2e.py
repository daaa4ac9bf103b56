"""End to end: runs the `braid` binary's fetch command against a small local HTTP server (loopback
only) and checks the JSON summary's exact fields, the exit codes, the -o files and that retries
went to the server. Usage: fetch_e2e.py PATH/TO/braid"""
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

BRAID = sys.argv[1]
hits = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        with lock:
            hits[self.path] = hits.get(self.path, 0) + 1
        if self.path.startswith("/ok/"):
            body = ("body of " + self.path).encode()
            status = 200
        elif self.path == "/unavailable":
            body, status = b"try later", 503
        elif self.path == "/missing":
            body, status = b"no", 404
        elif self.path == "/flaky":
            # fails twice, then works: the retries must reach the server
            status = 200 if hits[self.path] > 2 else 500
            body = b"finally" if status == 200 else b"oops"
        elif self.path == "/slow":
            time.sleep(1.5)  # longer than the client's --timeout
            body, status = b"late", 200
        else:
            body, status = b"?", 400
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its --timeout): expected for /slow


def run(args):
    p = subprocess.run([BRAID, "fetch"] + args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % srv.server_address[1]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, not listening: connecting is refused
    refused = "http://127.0.0.1:%d/x" % closed.getsockname()[1]
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL:", what)

    with tempfile.TemporaryDirectory() as out:
        urls = [base + "/ok/a.txt", base + "/ok/a.txt", base + "/ok/..%2F..%2Fescape",
                base + "/flaky", base + "/unavailable", base + "/missing", refused, base + "/slow"]
        code, stdout, stderr = run(["--json", "-c", "3", "--retries", "2", "--timeout", "0.3",
                                    "-o", out] + urls)
        check(code == 1, "exit status 1 when a request failed (got %d: %s)" % (code, stderr))
        doc = json.loads(stdout)
        check(sorted(doc) == sorted(["requests", "succeeded", "failed", "status_counts", "errors",
                                     "bytes", "seconds", "requests_per_second", "latency_ms"]),
              "exact JSON fields: %s" % sorted(doc))
        check(sorted(doc["latency_ms"]) == ["p50", "p90", "p99"], "latency_ms fields")
        check(doc["requests"] == 8, "requests")
        check(doc["succeeded"] == 4, "succeeded: %s" % doc)
        check(doc["failed"] == 4, "failed")
        check(doc["status_counts"] == {"200": 4, "503": 1, "404": 1}, "status_counts %s" % doc)
        check(doc["errors"] == {"status": 2, "connect": 1, "timeout": 1},
              "errors %s" % doc["errors"])
        check(hits.get("/slow") == 3, "a timeout is retried: %s" % hits)
        check(hits.get("/unavailable") == 3, "503 retried twice: %s" % hits)
        check(hits.get("/missing") == 1, "404 not retried")
        check(hits.get("/flaky") == 3, "flaky retried until it worked")
        names = sorted(os.listdir(out))
        check(names == ["_.._escape", "a-1.txt", "a.txt", "flaky"], "files %s" % names)
        check(not os.path.exists(os.path.join(os.path.dirname(out), "escape")), "no escape")
        with open(os.path.join(out, "a.txt")) as f:
            check(f.read() == "body of /ok/a.txt", "saved body")
        # (a sanitizer build may warn of a slow loop on stderr; a bar would draw with \r)
        check("\r" not in stderr and "req/s" not in stderr,
              "no progress bar when stderr is not a terminal: %r" % stderr)

        listfile = os.path.join(out, "urls.txt")
        with open(listfile, "w") as f:
            f.write("# comment\n\n%s/ok/1\n%s/ok/2\n" % (base, base))
        code, stdout, _ = run(["--json", "-i", listfile])
        check(code == 0, "exit status 0 when all succeeded")
        check(json.loads(stdout)["succeeded"] == 2, "URLs from -i FILE")
        code, stdout, _ = run([base + "/ok/text"])
        check(code == 0 and "requests: 1" in stdout and "latency ms:" in stdout, "text summary")
        code, _, _ = run([])
        check(code != 0, "no URLs is an error")
    srv.shutdown()
    print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
