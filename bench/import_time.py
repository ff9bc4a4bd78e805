"""Python start-up in the browser runtime, measured in Node.js (`bench/import_time.mjs`): Pyodide's
boot, the package load, `from stigg_client import Stigg`, `from widgets.browser import mount` and
the first validation of the emulator's paywall answer, each in a fresh process per run, plus the
modules with the largest self import time. Faster and steadier than a page load, so it is the
figure to compare start-up cuts by (the README's benchmark section lists them).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

from bench.core import BenchResult, Metric, Options, benchmark
from bench.services import Services
from tests.sdk.browser.server import ensure_runtime

SCRIPT = Path(__file__).with_suffix(".mjs")
TOP_MODULES = 12


def paywall_answer(services: Services) -> Path:
    """The emulator's edge paywall answer, as a page's first fetch gets it, saved to a file."""
    emulator = services.emulator
    request = urllib.request.Request(
        f"{emulator.edge_url}/v1/paywall.json", headers={"X-API-KEY": emulator.client_key}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    path = services.tmp / "paywall.json"
    path.write_bytes(body)
    return path


@benchmark("import_time")
def run(options: Options, services: Services) -> BenchResult:
    """Median start-up phases over `options.runs` fresh Node.js processes."""
    runtime = ensure_runtime()
    command = ["node", str(SCRIPT), "--json", "--runs", str(options.runs)]
    command += ["--paywall", str(paywall_answer(services)), str(runtime)]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=1800)
    runs: list[dict[str, Any]] = json.loads(output.stdout.strip().splitlines()[-1])
    metrics = [
        Metric(f"node: {phase}", "ms", [float(one["phases"][phase]) for one in runs])
        for phase in runs[0]["phases"]
    ]
    modules = {name for one in runs for name in one["self"]}
    self_ms = {
        name: statistics.median(one["self"].get(name, 0.0) for one in runs) for name in modules
    }
    largest = sorted(self_ms.items(), key=lambda item: -item[1])[:TOP_MODULES]
    details = {
        "modules_imported": len(modules),
        "largest_self_import_ms": {name: round(ms, 1) for name, ms in largest},
    }
    return BenchResult("import_time", metrics, details)
