"""Emulators a test module starts for itself: a fresh database each (SQLite, or PostgreSQL when
STIGG_TEST_DATABASE_URL is set), the test catalog unless told otherwise, and customer tokens."""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from tests.conftest import TEST_CATALOG
from tests.support.processes import EmulatorProcess


def fresh_database_url(tmp: Path, name: str = "emulator") -> str:
    """SQLite `tmp/{name}.db`, or a newly created database on the PostgreSQL test server."""
    base = os.environ.get("STIGG_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp / f'{name}.db'}"
    url = make_url(base)
    database = f"stigg_rel_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    return url.set(database=database).render_as_string(hide_password=False)


def new_emulator(
    tmp: Path,
    name: str = "emulator",
    *,
    database_url: str | None = None,
    catalog: Path = TEST_CATALOG,
    **kwargs: Any,
) -> EmulatorProcess:
    """An emulator (not started) on free ports, logging to `tmp/{name}.log`, with a fresh
    database unless `database_url` names one (e.g. to restart on the same data)."""
    return EmulatorProcess(
        database_url=database_url or fresh_database_url(tmp, name),
        catalog=catalog,
        log_path=tmp / f"{name}.log",
        **kwargs,
    )


def customer_token(secret: str, customer_id: str) -> str:
    """The `X-CUSTOMER-KEY` for `customer_id`: hex HMAC-SHA256 with the signing secret."""
    return hmac.new(secret.encode(), customer_id.encode(), hashlib.sha256).hexdigest()
