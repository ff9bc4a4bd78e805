"""Emulator-suite fixtures: with STIGG_TEST_DATABASE_URL, every emulator gets a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_CATALOG
from tests.support.emulators import new_emulator
from tests.support.processes import EmulatorProcess


def start_emulator(tmp: Path, catalog: Path = TEST_CATALOG, **kwargs: Any) -> EmulatorProcess:
    """An emulator on free ports with its own fresh database."""
    return new_emulator(tmp, catalog=catalog, **kwargs).start()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """The session emulator of this suite (fresh database, SQLite or PostgreSQL)."""
    process = start_emulator(tmp_path_factory.mktemp("emulator"))
    yield process
    process.stop()
