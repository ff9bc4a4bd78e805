"""`python -m demo_site` (`make demo`): both processes up, URL printed, Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from demo_site.process import free_port
from demo_site.settings import REPO


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(200 <= response.status < 300)
    except OSError:
        return False


def port_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_demo_runs_emulator_and_site_and_stops_both_on_ctrl_c(built_runtime: Path) -> None:
    ports = {"DEMO_PORT": free_port(), "EMULATOR_PORT": free_port(), "EDGE_PORT": free_port()}
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_site"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout
    reader = threading.Thread(
        target=lambda: lines.extend(raw.decode(errors="replace") for raw in stdout), daemon=True
    )
    reader.start()
    site = f"http://127.0.0.1:{ports['DEMO_PORT']}"
    emulator = f"http://127.0.0.1:{ports['EMULATOR_PORT']}"
    try:
        deadline = time.monotonic() + 90
        while not any(f"Demo: {site}/" in line for line in lines):
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        assert answers(f"{site}/healthz")
        assert answers(f"{emulator}/healthz")
        assert answers(f"http://127.0.0.1:{ports['EDGE_PORT']}/healthz")
        with urllib.request.urlopen(f"{site}/", timeout=5) as response:
            assert emulator in response.read().decode()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(timeout=5)
    output = "".join(lines)
    assert "[emulator] " in output
    assert "[demo] " in output
    assert "[launcher] stopped" in output
    assert all(port_closed(port) for port in ports.values()), output
