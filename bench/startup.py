"""Where a page's Python start-up goes, read from inside the page: Resource Timing entries (when
Pyodide's core files, the wheels and the first API answers arrived) and PyScript's `py:ready`, plus
the probe's `interactive` frame. Each phase runs from the end of the one before it, so the phases
add up to the time to interactive; downloads that overlap an earlier phase count in that phase.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page

# Pyodide's own files, fetched before the interpreter can start.
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
PHASES = (
    ("runtime download", "core_fetched"),
    ("package download", "wheels_fetched"),
    ("interpreter + package load", "py:ready"),
    ("imports + client set-up", "first_api_start"),
    ("first fetch", "api_fetched"),
    ("first render", "interactive"),
)

RESOURCES = """
performance.getEntriesByType('resource').map(
  (e) => [e.name, e.startTime, e.responseEnd])
"""


def resource_marks(page: Page, api_ports: set[int], interactive: float) -> dict[str, float]:
    """The page's own timeline: when the core and the wheels were in, when its first API request
    left and when the API answers that came before `interactive` were in (ms from navigation)."""
    entries: list[list[Any]] = page.evaluate(RESOURCES)
    core = [end for name, _, end in entries if urlsplit(name).path.endswith(PYODIDE_CORE)]
    wheels = [end for name, _, end in entries if urlsplit(name).path.endswith(".whl")]
    api = [
        (start, end)
        for name, start, end in entries
        if urlsplit(name).port in api_ports and start < interactive
    ]
    marks: dict[str, float] = {}
    if core:
        marks["core_fetched"] = max(core)
    if wheels:
        marks["wheels_fetched"] = max(wheels)
    if api:
        marks["first_api_start"] = min(start for start, _ in api)
        marks["api_fetched"] = max(end for _, end in api)
    return {name: round(float(value), 1) for name, value in marks.items()}


def breakdown(times: dict[str, float]) -> dict[str, float]:
    """Phase durations (ms) from one visit's marks; a missing mark merges into the next phase."""
    out: dict[str, float] = {}
    before = 0.0
    for label, mark in PHASES:
        if mark not in times:
            continue
        at = max(before, times[mark])
        out[label] = round(at - before, 1)
        before = at
    return out
