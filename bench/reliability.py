"""Reliability under load: 200 simulated browser clients (client-key SDK) refreshing entitlements
and 20 reporters (server-key SDK) sending events and usage for 60 s against one emulator (test
catalog, SQLite), loopback only. p50/p99 latencies and throughput are reported; the run is a
pass/fail check: any request error, or any customer whose stored event/usage total differs from
what the reporters got acknowledged, fails it (`verdict` in the results JSON, and `python -m
bench` exits 1).
"""

from __future__ import annotations

import asyncio
import os

from bench.core import BenchResult, Metric, Options, benchmark
from bench.services import TEST_CATALOG, Services
from tests.reliability.load import LoadConfig, run_load
from tests.support.processes import EmulatorProcess

FULL = LoadConfig(
    clients=int(os.environ.get("STIGG_LOAD_CLIENTS", "200")),
    reporters=int(os.environ.get("STIGG_LOAD_REPORTERS", "20")),
    duration_s=float(os.environ.get("STIGG_LOAD_SECONDS", "60")),
    customers=20,
    think_s=0.25,
)


@benchmark("reliability_load")
def run(options: Options, services: Services) -> BenchResult:
    """One full-length load run per `--runs` (each on a fresh emulator and database)."""
    metrics = {
        name: Metric(name, unit, [], target, lower)
        for name, unit, target, lower in (
            ("errors", "count", 0.0, True),
            ("read_p99_ms", "ms", None, True),
            ("write_p99_ms", "ms", None, True),
            ("reads_per_s", "req/s", None, False),
            ("events_per_s", "events/s", None, False),
        )
    }
    runs: list[dict[str, object]] = []
    failures: list[str] = []
    for run_index in range(max(1, min(options.runs, 3))):
        tmp = services.tmp / f"reliability-{run_index}"
        tmp.mkdir(exist_ok=True)
        emulator = EmulatorProcess(
            database_url=f"sqlite:///{tmp / 'emulator.db'}",
            catalog=TEST_CATALOG,
            log_path=tmp / "emulator.log",
        ).start()
        try:
            result = asyncio.run(run_load(emulator.base_url, emulator.edge_url, FULL))
        finally:
            emulator.stop()
        summary = result.summary()
        reasons = result.failures()
        failures += [f"run {run_index + 1}: {reason}" for reason in reasons]
        runs.append({**summary, "passed": not reasons, "failures": reasons})
        for name, metric in metrics.items():
            # A miscounted total is an error too: the verdict is "errors == 0".
            value = summary[name] + (summary["miscounted"] if name == "errors" else 0)
            metric.values.append(float(value))
    details = {
        "verdict": {"passed": not failures, "failures": failures},
        "config": FULL.__dict__,
        "runs": runs,
    }
    return BenchResult("reliability_load", list(metrics.values()), details, failures)
