"""A short, bounded load run (the full 200 clients / 20 reporters / 60 s is `make bench`):
browser clients refreshing entitlements and reporters sending events, with zero errors and
every acknowledged event counted exactly once."""

from __future__ import annotations

import os

from tests.reliability.load import LoadConfig, run_load
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
    assert result.errors == []
    assert summary["reads"] >= config.clients and summary["writes"] >= config.reporters
    for customer, stored in result.stored_events.items():
        assert stored == result.acked_events[customer], customer  # each event counted once
    assert summary["read_p99_ms"] < 10_000 and summary["write_p99_ms"] < 10_000
