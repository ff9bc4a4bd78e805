"""Describe the machine a benchmark ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo (or the platform's guess)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def chromium_version() -> str:
    """`chromium --version`, first line."""
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "unknown"


def describe() -> dict[str, Any]:
    """Cores, CPU model, memory, OS, Python and Chromium versions."""
    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        first = meminfo.read_text().splitlines()[0]
        memory_kb = int(first.split()[1])
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "chromium": chromium_version(),
        # Other work on the machine skews timings: note how busy it was when the run started.
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
