"""Write results as JSON under bench/results/ and print them as a table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.core import BenchResult, Metric

RESULTS = Path(__file__).with_name("results")


def write(result: BenchResult, machine: dict[str, Any], runs: int) -> Path:
    """bench/results/<benchmark>.json (the latest run; git keeps the history)."""
    RESULTS.mkdir(exist_ok=True)
    document = {
        "benchmark": result.benchmark,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "machine": machine,
        "metrics": [metric.to_json() for metric in result.metrics],
        "details": result.details,
    }
    path = RESULTS / f"{result.benchmark}.json"
    partial = path.with_suffix(".json.tmp")
    partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    partial.replace(path)
    return path


def human(value: float, unit: str) -> str:
    """`1234567 bytes` → `1.23 MB`; `2345 ms` → `2.35 s`."""
    if unit == "bytes":
        for scale, name in ((1e6, "MB"), (1e3, "KB")):
            if abs(value) >= scale:
                return f"{value / scale:.2f} {name}"
        return f"{value:.0f} B"
    if unit == "ratio":
        return f"{value:.2f}\u00d7"
    if unit == "ms" and abs(value) >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.3g} {unit}"


def row(metric: Metric) -> list[str]:
    verdict = {None: "", True: "yes", False: "no"}[metric.meets_target()]
    target = human(metric.target, metric.unit) if metric.target is not None else ""
    spread = f"{human(min(metric.values), metric.unit)} .. {human(max(metric.values), metric.unit)}"
    return [metric.name, human(metric.median, metric.unit), spread, target, verdict]


def table(result: BenchResult) -> str:
    """A plain-text table of one benchmark's metrics (medians)."""
    header = ["metric", "median", "range", "target", "met"]
    rows = [header] + [row(m) for m in result.metrics]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return f"== {result.benchmark} ==\n" + "\n".join(lines)
