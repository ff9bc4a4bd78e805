"""Start and stop `python -m demo_site serve` on a free loopback port (tests and benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

from demo_site.settings import DEFAULT_RUNTIME, REPO


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_runtime() -> None:
    """Run the (idempotent, fast when done) runtime build, so the site serves current code."""
    subprocess.run([sys.executable, str(REPO / "tools" / "browser_runtime.py")], check=True)


def stop_process(process: subprocess.Popen[bytes], kill: bool = False) -> None:
    """End `process` if it still runs: terminate (or kill), and kill it after 10 s."""
    if process.poll() is not None:
        return
    if kill:
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class AppThread:
    """An ASGI app served by uvicorn in a daemon thread of this process (test and bench pages)."""

    server: uvicorn.Server
    thread: threading.Thread

    @classmethod
    def start(cls, app: ASGIApp, port: int, name: str, timeout_s: float = 15.0) -> AppThread:
        """Serve `app` on 127.0.0.1:`port`; return once the port accepts requests."""
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name=name, daemon=True)
        thread.start()
        deadline = time.monotonic() + timeout_s
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start on port {port}")
            time.sleep(0.02)
        return cls(server, thread)

    def stop(self) -> None:
        """Ask the server to exit and wait (up to 10 s) for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class SiteProcess:
    """A demo site subprocess pointed at an emulator."""

    emulator_url: str
    client_key: str
    log_path: Path
    edge_url: str | None = None
    server_key: str | None = None
    signing_secret: str | None = None
    runtime_dir: Path = DEFAULT_RUNTIME
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        args = [sys.executable, "-m", "demo_site", "serve", "--port", str(self.port)]
        args += ["--emulator-url", self.emulator_url, "--client-key", self.client_key]
        args += ["--runtime-dir", str(self.runtime_dir), "--log-level", "warning"]
        args += ["--edge-url", self.edge_url] if self.edge_url else []
        args += ["--server-key", self.server_key] if self.server_key else []
        return args + (["--signing-secret", self.signing_secret] if self.signing_secret else [])

    def start(self, timeout_s: float = 30.0) -> SiteProcess:
        """Start the process and wait until /healthz answers."""
        log = self.log_path.open("ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            self.command(), cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"demo site failed to start:\n{self.log_path.read_text()[-4000:]}")

    def stop(self) -> None:
        """Terminate (then kill) the process."""
        if self.process is not None:
            stop_process(self.process)
        self.process = None
