"""Concurrent scripted conversations against one REST webhook, timed turn by turn.

`concurrency` conversations run at once; each says its script from the first line to the last
(a new sender id per conversation), and a finished one is replaced by a new one until the level's
number of turns is reached. A turn is an error when the request fails, times out, answers non-200
or answers without any bot message: a person would have seen nothing.
"""
from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
from tqdm import tqdm

TURN_TIMEOUT_S = 60


@dataclass
class LevelResult:
    concurrency: int
    latencies: list[float] = field(default_factory=list)  # seconds, answered turns only
    errors: int = 0
    wall_seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)
    by_step: dict[int, list[float]] = field(default_factory=dict)  # script line -> its latencies

    @property
    def turns(self) -> int:
        return len(self.latencies) + self.errors


async def _turn(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple[float, str | None]:
    start = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None)
            if response.status != 200:
                return time.perf_counter() - start, f"HTTP {response.status}"
            if not any(m.get("text") or m.get("buttons") or m.get("custom") for m in body or []):
                return time.perf_counter() - start, f"no bot message after {text!r}"
    except (TimeoutError, aiohttp.ClientError, ValueError) as error:
        return time.perf_counter() - start, f"{type(error).__name__}: {error}"
    return time.perf_counter() - start, None


async def run_level(url: str | list[str], script: list[str], concurrency: int, turns: int, label: str,
                    prefix: str = "bench") -> LevelResult:
    """`url`: one webhook, or several that conversations take in turn (conversation n goes to
    url n mod len, and stays there: a load balancer that keeps each conversation on one server)."""
    urls = [url] if isinstance(url, str) else list(url)
    result = LevelResult(concurrency)
    conversations = max(concurrency, -(-turns // len(script)))  # every worker says at least one
    numbers = iter(range(conversations))
    run_id = uuid.uuid4().hex[:6]
    timeout = aiohttp.ClientTimeout(total=TURN_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=concurrency)
    progress = tqdm(total=conversations * len(script), desc=label, unit="turn", leave=False, ncols=90)

    async def worker(session: aiohttp.ClientSession) -> None:
        for number in numbers:  # a shared iterator: each conversation is taken by one worker
            sender = f"{prefix}-{run_id}-{number}"
            target = urls[number % len(urls)]
            for step, text in enumerate(script):
                seconds, error = await _turn(session, target, sender, text)
                if error:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(error)
                else:
                    result.latencies.append(seconds)
                    result.by_step.setdefault(step, []).append(seconds)
                progress.update(1)

    start = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in itertools.repeat(None, concurrency)))
    result.wall_seconds = time.perf_counter() - start
    progress.close()
    return result


async def one_conversation(url: str, script: list[str], sender: str) -> list[tuple[float, list[dict]]]:
    """One conversation, sequentially, with each turn's seconds and replies (for warm-up and checks)."""
    out = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=300)) as session:
        for text in script:
            start = time.perf_counter()
            async with session.post(url, json={"sender": sender, "message": text}) as response:
                response.raise_for_status()
                out.append((time.perf_counter() - start, await response.json(content_type=None)))
    return out
