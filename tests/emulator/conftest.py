"""Emulator-suite fixtures: with STIGG_TEST_DATABASE_URL, every emulator gets a fresh database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import TEST_CATALOG
from tests.support.processes import EmulatorProcess


def fresh_database_url(tmp: Path) -> str:
    """SQLite in `tmp`, or a newly created PostgreSQL database on the test server."""
    base = os.environ.get("STIGG_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp / 'emulator.db'}"
    url = make_url(base)
    name = f"stigg_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def start_emulator(tmp: Path, catalog: Path = TEST_CATALOG, **kwargs: object) -> EmulatorProcess:
    """An emulator on free ports with its own fresh database."""
    return EmulatorProcess(
        database_url=fresh_database_url(tmp),
        catalog=catalog,
        log_path=tmp / "emulator.log",
        **kwargs,  # type: ignore[arg-type]
    ).start()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """The session emulator of this suite (fresh database, SQLite or PostgreSQL)."""
    process = start_emulator(tmp_path_factory.mktemp("emulator"))
    yield process
    process.stop()
