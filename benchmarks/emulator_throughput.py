"""Throughput of the Fireworks emulator on loopback: GET and create, 1 and 16 clients.

    python benchmarks/emulator_throughput.py [--requests N] [--db PATH]

Starts ``python -m pulumi_fireworks.emulator --port 0`` in a subprocess (so client and
server do not share a GIL), sends a bounded number of requests per scenario with httpx
(async, one connection per client), prints requests/s, and stops the server.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import subprocess
import sys
import time

import httpx

KEY = "bench-key"
ACCOUNT = "bench"
BASE = "accounts/fireworks/models/llama-v3p1-8b-instruct"
DEPLOYMENTS = f"/v1/accounts/{ACCOUNT}/deployments"


async def scenario(url: str, op: str, clients: int, total: int, ids: itertools.count) -> float:
    remaining = iter(range(total))

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {KEY}"},
                                     limits=httpx.Limits(max_connections=1)) as client:
            for _ in remaining:
                if op == "GET":
                    response = await client.get(f"{DEPLOYMENTS}/target")
                else:
                    response = await client.post(DEPLOYMENTS, params={"deploymentId": f"d{next(ids)}"},
                                                 json={"baseModel": BASE})
                response.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return total / (time.perf_counter() - started)


async def run(url: str, total: int) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {KEY}"}) as client:
        (await client.post(DEPLOYMENTS, params={"deploymentId": "target"}, json={"baseModel": BASE})).raise_for_status()
    ids = itertools.count()
    print(f"{'operation':<10}{'clients':>8}{'requests':>10}{'req/s':>10}")
    for op in ("GET", "create"):
        for clients in (1, 16):
            rate = await scenario(url, op, clients, total, ids)
            print(f"{op:<10}{clients:>8}{total:>10}{rate:>10.0f}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--db", default=":memory:", help="emulator database (a file measures SQLite on disk)")
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "pulumi_fireworks.emulator", "--port", "0", "--db", args.db,
         "--api-key", KEY, "--account-id", ACCOUNT],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line.startswith("Fireworks emulator listening on "):
            print(f"emulator did not start: {line!r}", file=sys.stderr)
            return 1
        url = line.strip().rsplit(" ", 1)[1]
        print(f"emulator {url}, db {args.db}")
        asyncio.run(run(url, args.requests))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
