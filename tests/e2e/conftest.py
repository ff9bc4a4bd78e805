"""Fixtures for the browser tests: the built runtime and demo site processes on free ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

from demo_site.process import SiteProcess, ensure_runtime, free_port
from demo_site.settings import DEFAULT_RUNTIME
from tests.support.processes import REPO_ROOT, EmulatorProcess

PYODIDE_START_TIMEOUT_MS = 90_000
NON_NETWORK_SCHEMES = frozenset({"data", "blob"})


@pytest.fixture(scope="session")
def built_runtime() -> Path:
    """The browser runtime, (re)built from the current tree; fast when nothing changed."""
    ensure_runtime()
    return DEFAULT_RUNTIME


@pytest.fixture(scope="session")
def runtime_site(
    built_runtime: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SiteProcess]:
    """A demo site whose pages point at no emulator: for runtime and asset tests."""
    log = tmp_path_factory.mktemp("runtime-site") / "site.log"
    site = SiteProcess(
        emulator_url=f"http://127.0.0.1:{free_port()}", client_key="unused", log_path=log
    ).start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def demo_site(
    built_runtime: Path, emulator: EmulatorProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SiteProcess]:
    """The demo site pointed at the session's emulator."""
    log = tmp_path_factory.mktemp("demo-site") / "site.log"
    site = SiteProcess(
        emulator_url=emulator.base_url,
        edge_url=emulator.edge_url,
        client_key=emulator.client_key,
        log_path=log,
    ).start()
    yield site
    site.stop()


@pytest.fixture
def requested_urls(context: BrowserContext) -> list[str]:
    """Every URL the browser context requests (pages and workers), in order."""
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    return urls


def off_loopback(urls: list[str]) -> list[str]:
    """The URLs that would leave this machine (anything but 127.0.0.1 over the network)."""
    leaving: list[str] = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in NON_NETWORK_SCHEMES:
            continue
        if parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname != "127.0.0.1":
            leaving.append(url)
    return leaving


DEMO_CATALOG = REPO_ROOT / "demo_site" / "catalog.yaml"
JOURNEY_SIGNING_SECRET = "journey-signing-secret"


@pytest.fixture(scope="session")
def journey_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """An emulator with the demo catalog that checks customer tokens (as `make demo` runs it)."""
    tmp = tmp_path_factory.mktemp("journey-emulator")
    process = EmulatorProcess(
        # Its own SQLite file even when the suite runs on PostgreSQL: the demo catalog seeds
        # customers that must not meet the test catalog's.
        database_url=f"sqlite:///{tmp / 'emulator.db'}",
        catalog=DEMO_CATALOG,
        log_path=tmp / "emulator.log",
        signing_secret=JOURNEY_SIGNING_SECRET,
        extra_args=("--checkout-activation-delay", "1"),
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def journey_site(
    built_runtime: Path,
    journey_emulator: EmulatorProcess,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SiteProcess]:
    """The demo site with its backend (server key, token signing) on the journey emulator."""
    log = tmp_path_factory.mktemp("journey-site") / "site.log"
    site = SiteProcess(
        emulator_url=journey_emulator.base_url,
        edge_url=journey_emulator.edge_url,
        client_key=journey_emulator.client_key,
        server_key=journey_emulator.server_key,
        signing_secret=JOURNEY_SIGNING_SECRET,
        log_path=log,
    ).start()
    yield site
    site.stop()


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    """Content-Security-Policy reports the page logs (console or uncaught errors), in order."""
    found: list[str] = []

    def record(text: str) -> None:
        if "Content Security Policy" in text:
            found.append(text)

    page.on("console", lambda message: record(message.text))
    page.on("pageerror", lambda error: record(str(error)))
    return found
