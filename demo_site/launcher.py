"""`make demo`: run the emulator and the demo site together, logs prefixed, until Ctrl-C."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import IO

from demo_site.settings import REPO

CLIENT_KEY = "client-local-key"
SERVER_KEY = "server-local-key"
DEMO_CATALOG = REPO / "demo_site" / "catalog.yaml"


@dataclass
class Child:
    """A child process whose output is copied to our stdout, each line prefixed."""

    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    pump: threading.Thread | None = field(default=None, repr=False)

    def start(self) -> Child:
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        # Own session: Ctrl-C reaches only the launcher, which stops children in order.
        self.process = subprocess.Popen(
            self.command,
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        self.pump = threading.Thread(target=self._copy, args=(self.process.stdout,), daemon=True)
        self.pump.start()
        return self

    def _copy(self, stream: IO[bytes]) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode(errors="replace").rstrip("\n")
            print(f"[{self.name}] {line}", flush=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it does not exit in time."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.pump is not None:
            self.pump.join(timeout=2)


def wait_until_up(url: str, child: Child, timeout_s: float = 60.0) -> None:
    """Poll `url` until it answers, failing early if `child` exits."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout_s}s")


def run(demo_port: int, emulator_port: int, edge_port: int) -> int:
    """Start both processes, print the URL, and stop both on Ctrl-C or when one dies."""
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    edge_url = f"http://127.0.0.1:{edge_port}"
    site_url = f"http://127.0.0.1:{demo_port}"
    python = sys.executable
    # Customer tokens on: pages get a token for their signed-in customer only. The demo site reads
    # the secret and the server key from its environment (the emulator only takes flags).
    signing_secret = os.environ.get("STIGG_SIGNING_SECRET") or secrets.token_hex(16)
    keys = {"STIGG_SIGNING_SECRET": signing_secret, "STIGG_SERVER_KEY": SERVER_KEY}
    emulator = Child(
        "emulator",
        [python, "-m", "stigg_emulator", "serve", "--port", str(emulator_port),
         "--edge-port", str(edge_port), "--catalog", str(DEMO_CATALOG),
         "--client-key", CLIENT_KEY, "--server-key", SERVER_KEY,
         "--signing-secret", signing_secret],
    )  # fmt: skip
    site = Child(
        "demo",
        [python, "-m", "demo_site", "serve", "--port", str(demo_port), "--emulator-url",
         emulator_url, "--edge-url", edge_url, "--client-key", CLIENT_KEY],
        env=keys,
    )  # fmt: skip
    # Ctrl-C even when started from a background job (which inherits SIGINT ignored); SIGTERM
    # stops cleanly too.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    children = [emulator.start(), site.start()]
    status = 0
    try:
        wait_until_up(f"{emulator_url}/healthz", emulator)
        wait_until_up(f"{site_url}/healthz", site)
        print(f"\n  Demo: {site_url}/pricing", flush=True)
        print(f"  Emulator: {emulator_url} (edge {edge_url})", flush=True)
        print(f"  Sign in: {site_url}/signin · runtime check: {site_url}/", flush=True)
        print("  Press Ctrl-C to stop.\n", flush=True)
        while all(child.alive() for child in children):
            time.sleep(0.5)
        dead = [child.name for child in children if not child.alive()]
        print(f"[launcher] {', '.join(dead)} stopped unexpectedly; shutting down", flush=True)
        status = 1
    except KeyboardInterrupt:
        print("\n[launcher] stopping", flush=True)
    except (RuntimeError, TimeoutError) as error:
        print(f"[launcher] {error}", flush=True)
        status = 1
    finally:
        for child in reversed(children):
            child.stop()
        print("[launcher] stopped", flush=True)
    return status
