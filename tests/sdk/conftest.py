"""Fixtures shared by the SDK tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.fault_proxy import FaultProxy, proxied
from tests.support.processes import EmulatorProcess


@pytest.fixture
def proxy(emulator: EmulatorProcess) -> Iterator[FaultProxy]:
    """A fault proxy in front of the session emulator's GraphQL port (starts in `pass` mode)."""
    with proxied("127.0.0.1", emulator.port) as started:
        yield started
