"""A flood of staff logins while the rest of the gateway works (issue 18, point 6).

usage: .venv/bin/python -m bench.login_flood [--logins 60] [--probes 200]

The gateway from `init_app` on a localhost port, on a fresh SQLite file, with the production
argon2 parameters (64 MiB a hash). A probe is a request that needs the default thread pool the
database calls share: `GET /bronnen` (the policy page; no Rasa needed) and `GET /health` (the
database's ping). First the probes alone (quiet), then the same probes while `--logins` wrong
passwords arrive at once from many addresses' worth of requests. Prints the probes' p50 and p95
in both states and the ratio of the p95s, the figure the issue asks for (target: under 2×).
Logins run in their own two-thread pool (gateway/staff/auth.py), so the flood queues there;
`--shared-pool` runs them in the default pool as before, for the comparison.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.conversation.stack import free_port
from verwijzing.config import settings
from verwijzing.gateway import init_app
from verwijzing.staff.accounts import add_user
from verwijzing.store import make_engine, make_sessionmaker, upgrade

PROBES = ("/bronnen", "/health")


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def probe_times(session: aiohttp.ClientSession, base: str, count: int) -> list[float]:
    times = []
    for n in range(count):
        started = time.perf_counter()
        async with session.get(base + PROBES[n % len(PROBES)]) as response:
            await response.read()
        times.append(time.perf_counter() - started)
    return times


async def one_login(session: aiohttp.ClientSession, base: str, n: int) -> int:
    async with session.get(f"{base}/staff/login") as page:
        csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    form = {"csrf": csrf.group(1) if csrf else "", "login": f"gok{n}", "wachtwoord": "fout wachtwoord 1234"}
    async with session.post(f"{base}/staff/login", data=form, allow_redirects=False) as response:
        return response.status


async def run(logins: int, probes: int, shared_pool: bool = False) -> dict[str, float]:
    if shared_pool:
        import verwijzing.gateway.staff.auth as auth
        auth.LOGINS = None  # type: ignore[assignment]  # asyncio's default pool, as before issue 18
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'flood.db'}"
        engine = make_engine(url)
        upgrade(engine)
        import datetime as dt
        with make_sessionmaker(engine).begin() as session:
            add_user(session, "an.peeters", "consulent", "correct horse battery staple", dt.datetime.now(dt.UTC))
        engine.dispose()
        # Rasa is not needed: the probes do not reach it (/health reports it down, quickly).
        config = dataclasses.replace(settings(), database_url=url, rasa_url="http://127.0.0.1:9",
                                     action_server_url="http://127.0.0.1:9/webhook", rate_limits=False,
                                     channel_secret=b"flood", insz_pepper=b"flood")
        runner = web.AppRunner(init_app(config))
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        base = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession() as warm:
                await probe_times(warm, base, 20)
            async with aiohttp.ClientSession() as quiet_session:
                quiet = await probe_times(quiet_session, base, probes)
            # unsafe: cookies for an IP address (127.0.0.1), the login form's CSRF cookie among them.
            sessions = [aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) for _ in range(logins)]
            try:
                flood = asyncio.gather(*(one_login(s, base, n) for n, s in enumerate(sessions)))
                async with aiohttp.ClientSession() as busy_session:
                    busy = await probe_times(busy_session, base, probes)
                statuses = await flood
            finally:
                for s in sessions:
                    await s.close()
        finally:
            await runner.cleanup()
    return {"quiet_p50_ms": p(quiet, 50) * 1000, "quiet_p95_ms": p(quiet, 95) * 1000,
            "flood_p50_ms": p(busy, 50) * 1000, "flood_p95_ms": p(busy, 95) * 1000,
            "ratio_p95": p(busy, 95) / p(quiet, 95), "logins": float(len(statuses)),
            "refused": float(sum(1 for s in statuses if s == 401))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=60)
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--shared-pool", action="store_true", help="logins in the default thread pool (before)")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.logins, args.probes, args.shared_pool))
    print(f"probes (GET /bronnen, /health) quiet: p50 {result['quiet_p50_ms']:.1f} ms, "
          f"p95 {result['quiet_p95_ms']:.1f} ms")
    print(f"during {int(result['logins'])} logins ({int(result['refused'])} refused as wrong): "
          f"p50 {result['flood_p50_ms']:.1f} ms, p95 {result['flood_p95_ms']:.1f} ms")
    print(f"p95 ratio flood/quiet: {result['ratio_p95']:.2f}x (target under 2x)")
    return 0 if result["ratio_p95"] < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
