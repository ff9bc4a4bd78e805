"""`StiggServer` from a plain `pip install` of the wheel (no `server` extra, so no websockets).

A new user who skips the extra must get a working SDK: initialization in one round trip, live
updates off from the start, and one log line saying how to turn them on. The test installs the
built wheel with only its base dependencies into a fresh virtualenv and runs a script there
against the session emulator.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.support.processes import REPO_ROOT, EmulatorProcess

sys.path.insert(0, str(REPO_ROOT / "tools"))

from browser_runtime import build_sdk_wheel

SCRIPT = textwrap.dedent(
    """
    import asyncio, importlib.util, json, logging, sys, time

    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append((record.levelname, record.getMessage()))

    logging.getLogger("stigg_client").addHandler(Keep())
    logging.getLogger("stigg_client").setLevel(logging.DEBUG)

    from stigg_client.server import StiggServer

    async def main():
        started = time.monotonic()
        server = StiggServer.initialize(api_key=sys.argv[1], base_uri=sys.argv[2])
        await server.wait_for_initialization()
        elapsed = time.monotonic() - started
        realtime = await server.wait_for_realtime(0.1)
        check = await server.get_boolean_entitlement(
            customer_id="no-such-customer", feature_id="feature-no-such"
        )
        await server.close()
        print(json.dumps({
            "websockets": importlib.util.find_spec("websockets") is not None,
            "elapsed": elapsed,
            "realtime": realtime,
            "has_access": check.has_access,
            "records": records,
        }))

    asyncio.run(main())
    """
)


@pytest.fixture(scope="module")
def base_only_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv holding the stigg-client wheel and its base dependencies, nothing else."""
    venv = tmp_path_factory.mktemp("base-only") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(build_sdk_wheel())],
        check=True,
        cwd=venv,
    )
    return python


def test_plain_install_initializes_in_one_round_trip_with_live_updates_off(
    base_only_python: Path, emulator: EmulatorProcess
) -> None:
    run = subprocess.run(
        [str(base_only_python), "-c", SCRIPT, emulator.server_key, emulator.base_url],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=base_only_python.parent,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["websockets"] is False
    assert outcome["elapsed"] < 3.0
    assert outcome["realtime"] is False
    assert outcome["has_access"] is False
    warnings = [message for level, message in outcome["records"] if level != "DEBUG"]
    assert len(warnings) == 1, warnings
    assert "websockets" in warnings[0]
    assert 'pip install "stigg-client[server]"' in warnings[0]
    assert not any("realtime" in message for _, message in outcome["records"])
