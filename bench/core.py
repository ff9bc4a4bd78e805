"""What every benchmark shares: metrics with medians, results, the registry, and services."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Metric:
    """One measured quantity over several runs; `target` is the DESIGN.md goal, if any."""

    name: str
    unit: str
    values: list[float]
    target: float | None = None
    lower_is_better: bool = True

    @property
    def median(self) -> float:
        return float(statistics.median(self.values))

    def meets_target(self) -> bool | None:
        if self.target is None:
            return None
        return self.median <= self.target if self.lower_is_better else self.median >= self.target

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "median": round(self.median, 3),
            "min": round(min(self.values), 3),
            "max": round(max(self.values), 3),
            "values": [round(v, 3) for v in self.values],
            "target": self.target,
            "meets_target": self.meets_target(),
        }


@dataclass
class BenchResult:
    """What one benchmark produced: metrics plus free-form details (e.g. bytes by asset type),
    and `failures`: why the run failed a pass/fail benchmark (`python -m bench` then exits 1)."""

    benchmark: str
    metrics: list[Metric]
    details: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """Command-line options every benchmark may read."""

    runs: int
    page: str


Runner = Callable[["Options", Any], BenchResult]
REGISTRY: dict[str, Runner] = {}


def benchmark(name: str) -> Callable[[Runner], Runner]:
    """Register a benchmark under `name` (later benchmarks plug in the same way)."""

    def register(runner: Runner) -> Runner:
        REGISTRY[name] = runner
        return runner

    return register
