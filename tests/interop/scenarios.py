"""Run Stigg's published JS SDKs (Node scripts in js/) and hand their results to the tests.

Each scenario script runs many SDK calls in one Node process (to keep the suite fast) and records
every call as a named step: ``{"ok": true, "value": ...}`` or ``{"ok": false, "error": "..."}``.
Tests then assert on the steps they care about, so one missing emulator feature fails only the
tests that depend on it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.support.processes import REPO_ROOT, EmulatorProcess, free_port

JS_DIR = Path(__file__).parent / "js"
SDK_PACKAGES = ("@stigg/js-client-sdk", "@stigg/node-server-sdk")


class InteropSetupError(RuntimeError):
    """Node or the pinned SDK packages are missing."""


@dataclass
class ScenarioRun:
    """The recorded outcome of one scenario script."""

    script: str
    steps: dict[str, dict[str, Any]]
    events: dict[str, list[Any]] = field(default_factory=dict)
    stderr: str = ""

    def value(self, name: str) -> Any:
        """The value a step returned; fails the test with the SDK's error if the step failed."""
        if name not in self.steps:
            raise AssertionError(
                f"{self.script}: step {name!r} never ran (the script stopped early)\n{self.stderr}"
            )
        outcome = self.steps[name]
        if not outcome["ok"]:
            raise AssertionError(f"{self.script}: step {name!r} failed: {outcome['error']}")
        return outcome["value"]

    def error(self, name: str) -> str:
        """The error message of a step that is expected to fail."""
        outcome = self.steps.get(name)
        assert outcome is not None, f"{self.script}: step {name!r} never ran"
        assert not outcome["ok"], f"{self.script}: step {name!r} should have failed, got {outcome}"
        return str(outcome["error"])


def node_binary() -> str:
    found = shutil.which("node") or "/usr/bin/node"
    if not Path(found).exists():
        raise InteropSetupError("Node.js is required for the interop tests (install Node 20)")
    return found


def check_sdk_packages() -> None:
    for package in SDK_PACKAGES:
        if not (REPO_ROOT / "node_modules" / package / "package.json").exists():
            raise InteropSetupError(f"{package} is not installed: run `make node` first")


def run_script(
    script: str, params: dict[str, Any], workdir: Path, timeout_s: float = 100.0
) -> ScenarioRun:
    """Run ``js/<script>`` under Node with ``params`` as its JSON input; return its steps."""
    token = uuid.uuid4().hex[:8]
    input_path = workdir / f"{script}.{token}.input.json"
    output_path = workdir / f"{script}.{token}.output.json"
    input_path.write_text(json.dumps({**params, "output": str(output_path)}))
    completed = subprocess.run(
        [node_binary(), str(JS_DIR / script), str(input_path)],
        cwd=REPO_ROOT,
        env={**os.environ, "NODE_ENV": "test"},
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if not output_path.exists():
        raise AssertionError(
            f"{script} exited with {completed.returncode} without results\n"
            f"stdout:\n{completed.stdout[-3000:]}\nstderr:\n{completed.stderr[-3000:]}"
        )
    data = json.loads(output_path.read_text())
    return ScenarioRun(script, data["steps"], data.get("events", {}), completed.stderr[-3000:])


def emulator_params(emulator: EmulatorProcess, prefix: str) -> dict[str, Any]:
    """What every scenario needs to reach the emulator (explicit edge URL: tests use free ports)."""
    return {
        "baseUri": emulator.base_url,
        "edgeUri": emulator.edge_url,
        "clientKey": emulator.client_key,
        "serverKey": emulator.server_key,
        "prefix": prefix,
        "stepTimeoutMs": 10000,
    }


def dead_uri() -> str:
    """A loopback URL nobody listens on, proving offline mode makes no requests."""
    return f"http://127.0.0.1:{free_port()}"


def when(value: str) -> datetime:
    """An SDK's ISO-8601 timestamp (`Z` or an offset) as an aware datetime."""
    return datetime.fromisoformat(value)


def by_feature(entitlements: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Index SDK entitlement results by feature id."""
    return {e["feature"]["id"]: e for e in entitlements if e.get("feature")}


def approx(value: Any, expected: float, tolerance: float = 0.01) -> bool:
    return isinstance(value, int | float) and abs(float(value) - expected) <= tolerance
