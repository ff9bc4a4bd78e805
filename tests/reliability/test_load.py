"""A short, bounded load run (the full 200 clients / 20 reporters / 60 s is `make bench`):
browser clients refreshing entitlements and reporters sending events and usage, with zero errors
and every acknowledged event and usage report counted exactly once. The same verdict
(`LoadResult.failures()`) makes `python -m bench reliability_load` exit non-zero."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

import bench.__main__
import bench.report
from bench.core import REGISTRY, BenchResult, Metric, Options
from tests.reliability.load import EVENT_FEATURE, USAGE_FEATURE, LoadConfig, LoadResult, run_load
from tests.support.processes import EmulatorProcess


async def test_clients_and_reporters_under_load_see_zero_errors(emulator: EmulatorProcess) -> None:
    config = LoadConfig(
        clients=int(os.environ.get("STIGG_LOAD_CLIENTS", "40")),
        reporters=int(os.environ.get("STIGG_LOAD_REPORTERS", "6")),
        duration_s=float(os.environ.get("STIGG_LOAD_SECONDS", "4")),
        customers=5,
    )
    result = await run_load(emulator.base_url, emulator.edge_url, config)
    summary = result.summary()
    print(f"load: {summary}")
    assert result.failures() == []
    assert summary["events_acked"] > 0 and summary["usage_acked"] > 0  # both paths were loaded
    assert summary["events_stored"] == summary["events_acked"]
    assert summary["usage_stored"] == summary["usage_acked"]
    assert summary["read_p99_ms"] < 10_000 and summary["write_p99_ms"] < 10_000


def passing_result() -> LoadResult:
    """A result as a clean run leaves it: reads and writes, totals that match."""
    result = LoadResult(LoadConfig(clients=2, reporters=1, duration_s=1))
    result.read_latencies += [0.01, 0.02, 0.03]
    result.write_latencies += [0.02]
    result.acked_events = Counter({"c1": 20})
    result.stored_events = {"c1": 20.0, "c2": 0.0}
    result.acked_usage = Counter({"c2": 4})
    result.stored_usage = {"c1": 0.0, "c2": 4.0}
    return result


def test_the_verdict_fails_on_errors_lost_or_double_counted_writes() -> None:
    assert passing_result().failures() == []

    errored = passing_result()
    errored.errors.append("client 1: NetworkError('boom')")
    assert errored.failures() == ["error: client 1: NetworkError('boom')"]

    lost = passing_result()
    lost.stored_events["c1"] = 19.0  # an acknowledged event missing
    assert lost.failures() == [f"{EVENT_FEATURE} of c1: 20 acknowledged, 19 stored"]

    doubled = passing_result()
    doubled.stored_usage["c1"] = 3.0  # usage nobody got acknowledged (a retry counted twice)
    assert doubled.failures() == [f"{USAGE_FEATURE} of c1: 0 acknowledged, 3 stored"]
    assert doubled.summary()["miscounted"] == 1

    idle = passing_result()
    idle.read_latencies.clear()
    idle.stored_usage.clear()
    assert idle.failures() == [
        "only 0 reads from 2 clients",
        "the emulator's totals were not read back",
        f"{USAGE_FEATURE} of c2: 4 acknowledged, 0 stored",
    ]


def test_bench_exits_non_zero_when_a_benchmark_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    verdicts: list[list[str]] = [[], ["error: reporter 3: ApiError('no')"]]

    def fake(options: Options, services: object) -> BenchResult:
        failures = verdicts.pop(0)
        metric = Metric("errors", "count", [float(len(failures))], 0.0)
        return BenchResult("fake_load", [metric], {"runs": []}, failures)

    monkeypatch.setitem(REGISTRY, "fake_load", fake)
    monkeypatch.setattr(bench.report, "RESULTS", tmp_path / "results")
    assert bench.__main__.main(["fake_load", "--runs", "1"]) == 0
    assert bench.__main__.main(["fake_load", "--runs", "1"]) == 1
    assert "FAILED fake_load: error: reporter 3: ApiError('no')" in capsys.readouterr().err
