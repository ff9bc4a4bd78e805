"""Fixtures for the scenario runs: the built runtime and the scenario test server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.sdk.browser.server import ScenarioServer, ensure_runtime
from tests.sdk.browser.server import read_report as read_page_report
from tests.support.processes import EmulatorProcess

PAGE_TIMEOUT_MS = 90_000


@pytest.fixture(scope="session")
def scenario_runtime() -> Path:
    """The browser runtime (with the current SDK wheel), rebuilt if anything changed."""
    return ensure_runtime()


@pytest.fixture(scope="session")
def scenario_server(scenario_runtime: Path, emulator: EmulatorProcess) -> Iterator[ScenarioServer]:
    server = ScenarioServer(emulator, runtime_dir=scenario_runtime).start()
    yield server
    server.stop()


def read_report(page: Page, url: str) -> dict[str, Any]:
    """Open `url`, wait until the page wrote its report, and return it (fail with its error)."""
    return read_page_report(page, url, PAGE_TIMEOUT_MS)


@pytest.fixture
def requested_urls(context: BrowserContext) -> list[str]:
    """Every URL the browser context requests, from the page and from its workers."""
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    return urls


def leaving_loopback(urls: list[str]) -> list[str]:
    """The URLs that are neither data:/blob: nor on 127.0.0.1."""
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).hostname != "127.0.0.1"
    ]
