"""`initialize_successfully` / `initialize_failed`: Stigg's Node server SDK 3.95.0
(js/node_initialize_events.mjs) and our StiggServer call them alike, with a valid and a rejected
server key."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from stigg_client import StiggServer
from stigg_client.errors import AuthenticationError, StiggError
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess


@pytest.fixture(scope="module")
def run(emulator: EmulatorProcess, interop_workdir: Path, run_prefix: str) -> ScenarioRun:
    return run_script(
        "node_initialize_events.mjs", emulator_params(emulator, run_prefix), interop_workdir
    )


async def _ours(emulator: EmulatorProcess, api_key: str) -> dict[str, list[Any]]:
    """What our listeners saw, keyed like the node script's notes."""
    seen: dict[str, list[Any]] = {}
    server = StiggServer(api_key=api_key, base_uri=emulator.base_url, realtime_updates=False)
    server.add_listener(
        "initialize_successfully",
        lambda: seen.setdefault("initializeSuccessfully", []).append("called"),
    )
    server.add_listener(
        "initialize_failed", lambda error: seen.setdefault("initializeFailed", []).append(error)
    )
    with contextlib.suppress(StiggError):
        await server.wait_for_initialization()
    await server.close()
    return seen


def _theirs(run: ScenarioRun, label: str) -> dict[str, list[Any]]:
    prefix = f"{label}."
    return {
        name.removeprefix(prefix): notes
        for name, notes in run.events.items()
        if name.startswith(prefix)
    }


async def test_a_valid_key_calls_initialize_successfully_in_both(
    run: ScenarioRun, emulator: EmulatorProcess
) -> None:
    assert run.value("waitForInitialization.valid") == "ready"
    theirs = _theirs(run, "valid")
    assert theirs == {"initializeSuccessfully": ["called"]}
    assert await _ours(emulator, emulator.server_key) == theirs


async def test_a_rejected_key_calls_initialize_failed_in_both(
    run: ScenarioRun, emulator: EmulatorProcess
) -> None:
    run.error("waitForInitialization.invalid")
    theirs = _theirs(run, "invalid")
    ours = await _ours(emulator, "server-not-a-key")
    assert set(ours) == set(theirs) == {"initializeFailed"}
    assert len(ours["initializeFailed"]) == len(theirs["initializeFailed"]) == 1
    [their_message] = theirs["initializeFailed"]
    [our_error] = ours["initializeFailed"]
    assert "Authentication failed" in their_message
    assert isinstance(our_error, AuthenticationError)
