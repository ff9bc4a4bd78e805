"""Fixtures for the interop tests: one Node process per scenario, shared by the tests reading it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from stigg_client import StiggServer
from tests.interop.scenarios import InteropSetupError, check_sdk_packages, node_binary
from tests.support.processes import EmulatorProcess


@pytest.fixture(scope="session")
def interop_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where scenario inputs/outputs go; fails (never skips) when Node or the SDKs are missing."""
    try:
        node_binary()
        check_sdk_packages()
    except InteropSetupError as error:
        pytest.fail(str(error))
    return tmp_path_factory.mktemp("interop")


@pytest.fixture(scope="session")
def run_prefix() -> str:
    """A fresh id prefix so customers written by this run never collide with other tests."""
    return f"interop-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def server(emulator: EmulatorProcess) -> AsyncIterator[StiggServer]:
    """Our StiggServer against the session emulator, live updates off (as the node scripts)."""
    stigg = StiggServer.initialize(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_updates=False
    )
    await stigg.wait_for_initialization()
    yield stigg
    await stigg.close()
