"""Fixtures for the server SDK: a real redis-server on a free port, fresh ids, a StiggServer."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis

from stigg_client.server import StiggServer
from tests.support.processes import EmulatorProcess, free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server (loopback, free port, temp dir), stopped after the session."""
    workdir: Path = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(workdir),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=(workdir / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("redis-server did not start") from None
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def fresh_id(prefix: str = "customer") -> str:
    """A customer/subscription id no other test uses (the emulator is shared)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def server(emulator: EmulatorProcess) -> AsyncIterator[StiggServer]:
    """A StiggServer against the session emulator, live updates on."""
    client = StiggServer.initialize(
        api_key=emulator.server_key, base_uri=emulator.base_url, realtime_connect_timeout_s=3.0
    )
    await client.wait_for_initialization()
    yield client
    await client.close()
