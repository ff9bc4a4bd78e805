"""Fixtures for the browser tests: the built runtime and demo site processes on free ports."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from demo_site.process import SiteProcess, ensure_runtime, free_port
from demo_site.settings import DEFAULT_RUNTIME
from tests.support.processes import REPO_ROOT, EmulatorProcess

PYODIDE_START_TIMEOUT_MS = 90_000
NON_NETWORK_SCHEMES = frozenset({"data", "blob"})
TEARDOWN_SCREENSHOT_TIMEOUT_MS = 5_000


def artifact_name(test_id: str) -> str:
    """A file name for a test id (`tests/e2e/x.py::test_y[chromium]` -> `x.py-test_y-chromium`)."""
    local = test_id.removeprefix("tests/e2e/")
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", local).strip("-")


def screenshot_pages(pages: Sequence[Page], folder: Path, test_id: str) -> list[Path]:
    """A full-page screenshot of every page, named by the test id (then `-tab2`, `-tab3`...);
    a page that cannot be captured (crashed, closing) is skipped. Returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for index, page in enumerate(pages, start=1):
        suffix = "" if index == 1 else f"-tab{index}"
        path = folder / f"{artifact_name(test_id)}{suffix}.png"
        try:
            page.screenshot(path=str(path), full_page=True, timeout=TEARDOWN_SCREENSHOT_TIMEOUT_MS)
        except PlaywrightError:
            continue
        written.append(path)
    return written


@pytest.fixture(autouse=True)
def screenshot_at_teardown(request: pytest.FixtureRequest, artifacts_dir: Path) -> Iterator[None]:
    """Every browser test leaves screenshots of its open pages in test-artifacts/e2e/, passed or
    failed (taken at teardown, before Playwright closes the test's browser contexts)."""
    if "new_context" not in request.fixturenames:
        yield
        return
    # Requested here so that they are torn down after this fixture: the pages are still open.
    request.getfixturevalue("new_context")
    browser: Browser = request.getfixturevalue("browser")
    yield
    pages = [page for context in browser.contexts for page in context.pages]
    screenshot_pages(pages, artifacts_dir / "e2e", request.node.nodeid)


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


def journey_emulator_process(tmp: Path, extra_args: tuple[str, ...] = ()) -> EmulatorProcess:
    """An emulator (not started) with the demo catalog that checks customer tokens, as `make demo`
    runs it, keeping its data in `tmp`."""
    return EmulatorProcess(
        # Its own SQLite file even when the suite runs on PostgreSQL: the demo catalog seeds
        # customers that must not meet the test catalog's.
        database_url=f"sqlite:///{tmp / 'emulator.db'}",
        catalog=DEMO_CATALOG,
        log_path=tmp / "emulator.log",
        signing_secret=JOURNEY_SIGNING_SECRET,
        extra_args=extra_args,
    )


def journey_site_process(emulator: EmulatorProcess, log_path: Path) -> SiteProcess:
    """The demo site (not started) with its backend (server key, token signing) on `emulator`."""
    return SiteProcess(
        emulator_url=emulator.base_url,
        edge_url=emulator.edge_url,
        client_key=emulator.client_key,
        server_key=emulator.server_key,
        signing_secret=JOURNEY_SIGNING_SECRET,
        log_path=log_path,
    )


@pytest.fixture(scope="session")
def journey_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """The journey tests' shared emulator; paid checkouts activate a second after payment."""
    tmp = tmp_path_factory.mktemp("journey-emulator")
    process = journey_emulator_process(tmp, ("--checkout-activation-delay", "1")).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def journey_site(
    built_runtime: Path,
    journey_emulator: EmulatorProcess,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SiteProcess]:
    """The demo site on the journey emulator."""
    log = tmp_path_factory.mktemp("journey-site") / "site.log"
    site = journey_site_process(journey_emulator, log).start()
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
