"""Start and stop the external processes tests need (emulator, demo site) on free loopback ports."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from demo_site.process import free_port as free_port  # re-exported for the test helpers
from demo_site.process import stop_process

REPO_ROOT = Path(__file__).resolve().parents[2]
CLIENT_KEY = "client-local-key"
SERVER_KEY = "server-local-key"


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout_s: float = 30.0) -> None:
    """Poll `url` until it answers 2xx; fail early if `process` exits."""
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"process exited with code {process.returncode} before {url} answered"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if 200 <= response.status < 300:
                    return
        except (urllib.error.URLError, OSError) as error:
            last_error = error
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout_s}s: {last_error}")


@dataclass
class EmulatorProcess:
    """A `stigg-emulator serve` subprocess on free ports with its own database."""

    database_url: str
    catalog: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    edge_port: int = field(default_factory=free_port)
    client_key: str = CLIENT_KEY
    server_key: str = SERVER_KEY
    signing_secret: str | None = None
    extra_args: tuple[str, ...] = ()
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def edge_url(self) -> str:
        return f"http://127.0.0.1:{self.edge_port}"

    def command(self) -> list[str]:
        args = [
            sys.executable,
            "-m",
            "stigg_emulator",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--edge-port",
            str(self.edge_port),
            "--catalog",
            str(self.catalog),
            "--database-url",
            self.database_url,
            "--client-key",
            self.client_key,
            "--server-key",
            self.server_key,
        ]
        if self.signing_secret:
            args += ["--signing-secret", self.signing_secret]
        return args + list(self.extra_args)

    def start(self, bind_attempts: int = 3) -> EmulatorProcess:
        """Start and wait for health; a port taken since `free_port` chose it gets new ports.

        `free_port` can only say a port was free when asked: another test's process may bind
        it before the emulator does. That race is the environment's, not the emulator's, so the
        first start picks fresh ports and tries again (a restart keeps its ports on purpose).
        """
        for _ in range(bind_attempts - 1):
            log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
            try:
                return self._start_once()
            except RuntimeError:
                if b"Address already in use" not in self.log_path.read_bytes()[log_offset:]:
                    raise
                self.port, self.edge_port = free_port(), free_port()
        return self._start_once()

    def _start_once(self) -> EmulatorProcess:
        log = self.log_path.open("ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            self.command(), cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT, env=env
        )
        try:
            wait_for_http(f"{self.base_url}/healthz", self.process)
            wait_for_http(f"{self.edge_url}/healthz", self.process)
        except Exception as error:
            self.stop()
            log_tail = self.log_path.read_text()[-4000:]
            raise RuntimeError(f"emulator failed to start:\n{log_tail}") from error
        return self

    def stop(self, kill: bool = False) -> None:
        if self.process is not None:
            stop_process(self.process, kill)
        self.process = None

    def restart(self) -> EmulatorProcess:
        self.stop()
        return self.start(bind_attempts=1)
