"""From timings to the table on the terminal and build/bench/result.json."""
from __future__ import annotations

import statistics
from typing import Any

from bench.load import LevelResult


def percentile(values: list[float], q: int) -> float | None:
    """The q-th percentile (inclusive method, as a spreadsheet would compute it)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summary(result: LevelResult) -> dict[str, Any]:
    p50, p95 = percentile(result.latencies, 50), percentile(result.latencies, 95)
    return {
        "concurrency": result.concurrency,
        "turns": result.turns,
        "errors": result.errors,
        "p50_ms": round(p50 * 1000, 1) if p50 is not None else None,
        "p95_ms": round(p95 * 1000, 1) if p95 is not None else None,
        "throughput_turns_per_s": (round(len(result.latencies) / result.wall_seconds, 2)
                                   if result.wall_seconds else None),
        "wall_s": round(result.wall_seconds, 1),
        "error_samples": result.error_samples,
        # Which line of the script is slow: p95 per line (result.json only).
        "p95_ms_by_step": {step: round(percentile(values, 95) * 1000, 1)
                           for step, values in sorted(result.by_step.items())},
    }


def median_of(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One row from several rounds of a level: the median of each figure, the sums of counts."""
    def middle(key: str) -> float | None:
        values = [row[key] for row in rows if row[key] is not None]
        return round(statistics.median(values), 2) if values else None
    parts = rows[0].get("cpu_ms_per_turn", {})
    return {"concurrency": rows[0]["concurrency"], "turns": sum(r["turns"] for r in rows),
            "errors": sum(r["errors"] for r in rows), "p50_ms": middle("p50_ms"), "p95_ms": middle("p95_ms"),
            "throughput_turns_per_s": middle("throughput_turns_per_s"),
            "wall_s": round(sum(r["wall_s"] for r in rows), 1),
            "error_samples": [e for r in rows for e in r["error_samples"]][:5],
            "cpu_ms_per_turn": {part: round(statistics.median(r["cpu_ms_per_turn"][part] for r in rows), 1)
                                for part in parts}}


def ratio(ours: float | None, stock: float | None) -> float | None:
    return round(ours / stock, 2) if ours is not None and stock else None


def ratios(stock: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    return {"p50": ratio(ours["p50_ms"], stock["p50_ms"]), "p95": ratio(ours["p95_ms"], stock["p95_ms"]),
            "throughput": ratio(ours["throughput_turns_per_s"], stock["throughput_turns_per_s"])}


def _fmt(value: Any, width: int) -> str:
    text = "-" if value is None else (f"{value:.0f}" if isinstance(value, float) and value >= 100 else f"{value}")
    return text.rjust(width)


def table(result: dict[str, Any]) -> str:
    head = (f"{'conc':>4} | {'stack':<5} | {'turns':>5} | {'p50 ms':>7} | {'p95 ms':>7} | "
            f"{'turns/s':>7} | {'errors':>6} | CPU ms per turn")
    rounds = result.get("rounds", 1)
    lines = [f"medians of {rounds} rounds per level" if rounds > 1 else "one round per level", head, "-" * len(head)]
    for level in result["levels"]:
        for name in ("stock", "ours"):
            if name not in level:
                continue
            row = level[name]
            cpu = ", ".join(f"{part} {ms}" for part, ms in row.get("cpu_ms_per_turn", {}).items())
            lines.append(f"{level['concurrency']:>4} | {name:<5} | {_fmt(row['turns'], 5)} | "
                         f"{_fmt(row['p50_ms'], 7)} | {_fmt(row['p95_ms'], 7)} | "
                         f"{_fmt(row['throughput_turns_per_s'], 7)} | {_fmt(row['errors'], 6)} | {cpu}")
        r = level.get("ratio_ours_over_stock")
        if r:
            lines.append(f"{'':>4} | ratio ours/stock (medians): p50 {r['p50']}, p95 {r['p95']}, "
                         f"throughput {r['throughput']}")
            each = level.get("round_ratios", [])
            if len(each) > 1:
                lines.append(f"{'':>4} | each round: p95 " + " / ".join(str(x["p95"]) for x in each)
                             + "; throughput " + " / ".join(str(x["throughput"]) for x in each))
    memory = result["rss_mb"]
    cold = result["first_turn_ms"]
    lines += ["", f"resident memory (max over the run, process trees summed): stock {memory.get('stock')} MB, "
                  f"ours {memory['ours']} MB ({result['ours_processes']})",
              f"first turn after start: stock {cold.get('stock')} ms, ours {cold['ours']} ms"]
    return "\n".join(lines)
