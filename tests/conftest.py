"""Fixtures shared by the whole suite: the emulator process and the Chromium launch settings."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tests.support.processes import REPO_ROOT, EmulatorProcess
from tests.support.scheduling import BrowserModulesTogether

# CI (CI=true) replays the same generated examples on every run so that a green main stays
# green; developers' runs draw new ones each time, which is where new cases are found.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI", "").lower() in ("1", "true"):
    settings.load_profile("ci")

TEST_CATALOG = REPO_ROOT / "tests" / "fixtures" / "catalog.yaml"
CREDITS_CATALOG = REPO_ROOT / "tests" / "fixtures" / "credits.yaml"
DEMO_CATALOG = REPO_ROOT / "demo_site" / "catalog.yaml"  # the demo's (and default) catalog
ARTIFACTS = REPO_ROOT / "test-artifacts"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Drive Debian's Chromium (a Playwright browser download cannot work here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def database_url_for(tmp: Path) -> str:
    """SQLite in `tmp` unless STIGG_TEST_DATABASE_URL points the suite at PostgreSQL."""
    return os.environ.get("STIGG_TEST_DATABASE_URL") or f"sqlite:///{tmp / 'emulator.db'}"


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """One emulator for the session, on free ports, with the test catalog and a fresh database."""
    tmp = tmp_path_factory.mktemp("emulator")
    process = EmulatorProcess(
        database_url=database_url_for(tmp), catalog=TEST_CATALOG, log_path=tmp / "emulator.log"
    ).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def credits_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    """One emulator for the session on the credits catalog, with its own fresh database."""
    from tests.support.emulators import new_emulator  # imports this module: not at the top

    process = new_emulator(tmp_path_factory.mktemp("credits"), catalog=CREDITS_CATALOG).start()
    yield process
    process.stop()


def uses_playwright(item: pytest.Item) -> bool:
    return "playwright" in getattr(item, "fixturenames", ())


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> BrowserModulesTogether:
    """Under `-n`, keep each module's browser tests together (tests/support/scheduling.py)."""
    return BrowserModulesTogether(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run Playwright tests last, each module's together, the modules with most tests first.

    pytest-playwright's sync API keeps an event loop running in the main thread for the rest of
    the session once a browser has started, after which pytest-asyncio cannot run a test's loop.
    Ordering every test that uses Playwright after all others keeps both kinds in one run (and in
    each pytest-xdist worker, which takes work in this order).

    Under pytest-xdist each module's browser tests run together on one worker (see
    `pytest_xdist_make_scheduler`); the larger modules start first so that none is left to run
    alone at the end.
    """
    counts = Counter(item.module.__name__ for item in items if uses_playwright(item))
    items.sort(
        key=lambda item: (
            (True, -counts[item.module.__name__], item.module.__name__)
            if uses_playwright(item)
            else (False, 0, "")
        )
    )
