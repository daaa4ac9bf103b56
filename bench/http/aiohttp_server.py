"""The aiohttp peer of bench/http/run_server.py: aiohttp.web on uvloop, no access log."""
import socket
import sys

import uvloop
from aiohttp import web


async def plaintext(request):
    return web.Response(text="Hello, World!")


async def json_handler(request):
    return web.json_response({"message": "Hello, World!"})


def main():
    app = web.Application()
    app.router.add_get("/plaintext", plaintext)
    app.router.add_get("/json", json_handler)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvloop.install()
    web.run_app(app, sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    sys.exit(main())
