"""bench/http/run_client.py's aiohttp peer: one ClientSession, TCPConnector(limit=CONNECTIONS),
CONNECTIONS tasks. /usr/bin/python3 aiohttp_client.py URL REQUESTS CONNECTIONS"""
import asyncio
import json
import resource
import sys
import time

import aiohttp


def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


async def worker(session, url, n, counts):
    for _ in range(n):
        async with session.get(url) as r:
            body = await r.read()
            if r.status == 200 and body:
                counts[0] += 1


async def main():
    url, requests, conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    counts = [0]
    connector = aiohttp.TCPConnector(limit=conns)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as s:
        t0, c0 = time.monotonic(), cpu()
        await asyncio.gather(*(worker(s, url, requests // conns + (1 if c < requests % conns else 0), counts)
                               for c in range(conns)))
        secs, c = time.monotonic() - t0, cpu() - c0
    print(json.dumps({"requests": requests, "ok": counts[0], "seconds": secs, "cpu_seconds": c}))


asyncio.run(main())
