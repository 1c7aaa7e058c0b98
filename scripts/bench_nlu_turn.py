"""Benchmark: the cost of understanding one message, our model against a stock `rasa init` model.

usage: .venv/bin/python scripts/bench_nlu_turn.py STOCK_MODEL [ROUNDS]

Starts both models as Rasa servers on localhost and sends the same Dutch messages to
/model/parse of each, alternating request by request so that noise on this shared machine hits
both alike. Reports medians and the ratio ours/stock, measured in the same run. This is a
benchmark, not a test: nothing fails on a number.
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conversation.stack import RASA, TOKEN, _stop, _wait_for, base_env, free_port  # noqa: E402

MESSAGES = ["hallo", "ik wil iets anders doen", "k ben poetsvrouw", "9000", "sinds 2005",
            "gestopt na het 4de middelbaar", "wat kost dat?", "ik wil een mens spreken",
            "ik ben 24 en werk sinds 2 jaar als bediende", "annuleer LK-7K3P"]


def serve(model: Path, tmp: Path):
    import subprocess

    port = free_port()
    log = tmp / f"bench-{port}.log"
    handle = log.open("w")
    endpoints = tmp / "endpoints.yml"  # NLU only: no action server, in-memory trackers
    endpoints.write_text("{}\n")
    process = subprocess.Popen([str(RASA), "run", "--model", str(model), "--endpoints", str(endpoints),
                                "--enable-api", "--auth-token", TOKEN,
                                "--interface", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, env=base_env(), stdout=handle, stderr=subprocess.STDOUT)
    _wait_for(f"http://127.0.0.1:{port}/status?token={TOKEN}", process, log, 240)
    return f"http://127.0.0.1:{port}", process, handle


def parse_seconds(base: str, text: str) -> float:
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(f"{base}/model/parse?token={TOKEN}", data=body,
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    return time.perf_counter() - start


def main() -> None:
    stock_model = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        ours = serve(ROOT / "models" / "verwijzing.tar.gz", tmp)
        stock = serve(stock_model, tmp)
        try:
            for base in (ours[0], stock[0]):  # warm up
                for text in MESSAGES:
                    parse_seconds(base, text)
            timings = {"ours": [], "stock": []}
            for _ in range(rounds):
                for text in MESSAGES:
                    timings["ours"].append(parse_seconds(ours[0], text))
                    timings["stock"].append(parse_seconds(stock[0], text))
        finally:
            for _, process, handle in (ours, stock):
                _stop(process, handle)
    median = {name: statistics.median(values) * 1000 for name, values in timings.items()}
    p95 = {name: statistics.quantiles(values, n=20)[18] * 1000 for name, values in timings.items()}
    print(f"{len(timings['ours'])} parses each, alternating")
    for name in ("stock", "ours"):
        print(f"{name:5}: median {median[name]:.1f} ms, p95 {p95[name]:.1f} ms")
    print(f"ratio ours/stock: median {median['ours'] / median['stock']:.2f}, p95 {p95['ours'] / p95['stock']:.2f}")


if __name__ == "__main__":
    main()
