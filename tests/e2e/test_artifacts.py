"""The screenshots every browser test leaves under test-artifacts/e2e/."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.conftest import ARTIFACTS
from tests.e2e.conftest import artifact_name, screenshot_pages
from tests.support.processes import REPO_ROOT

pytestmark = pytest.mark.browser
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_artifact_names_are_plain_file_names() -> None:
    name = artifact_name("tests/e2e/test_journey.py::test_upgrade[chromium]")
    assert name == "test_journey.py-test_upgrade-chromium"
    assert artifact_name("tests/e2e/a.py::test_b[x/../y]") == "a.py-test_b-x-..-y"


def test_every_open_page_is_captured_under_the_test_id(
    page: Page, context: BrowserContext, tmp_path: Path
) -> None:
    page.set_content("<h1>first tab</h1>")
    other = context.new_page()
    other.set_content("<h1 style='height:3000px'>second tab, taller than the window</h1>")
    written = screenshot_pages(context.pages, tmp_path / "e2e", "tests/e2e/x.py::test_y[chromium]")
    assert written == [
        tmp_path / "e2e" / "x.py-test_y-chromium.png",
        tmp_path / "e2e" / "x.py-test_y-chromium-tab2.png",
    ]
    first, second = (path.read_bytes() for path in written)
    assert first.startswith(PNG_SIGNATURE) and second.startswith(PNG_SIGNATURE)
    # Full page: the second tab's image is as tall as its content (PNG height at bytes 20-24).
    assert int.from_bytes(second[20:24], "big") >= 3000
    assert int.from_bytes(first[20:24], "big") < 3000


def test_a_page_that_cannot_be_captured_is_skipped(
    page: Page, context: BrowserContext, tmp_path: Path
) -> None:
    page.set_content("<p>still here</p>")
    closed = context.new_page()
    closed.close()
    written = screenshot_pages([closed, page], tmp_path, "tests/e2e/x.py::test_z")
    assert written == [tmp_path / "x.py-test_z-tab2.png"]


def test_the_artifacts_folder_is_ignored_by_git() -> None:
    probe = ARTIFACTS / "e2e" / "probe.png"
    answer = subprocess.run(
        ["git", "check-ignore", "--no-index", str(probe.relative_to(REPO_ROOT))],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr


def test_a_failing_browser_test_leaves_its_screenshot_too(tmp_path: Path) -> None:
    """A browser test of its own, run by pytest in a subprocess, fails: its page is captured."""
    name = f"test_fails_{secrets.token_hex(4)}"
    (tmp_path / f"{name}.py").write_text(
        "from playwright.sync_api import Page\n\n\n"
        "def test_fails(page: Page) -> None:\n"
        "    page.set_content('<h1>the state at the failure</h1>')\n"
        "    assert False, 'fails on purpose'\n"
    )
    # The fixtures of this suite, as a conftest of that test's own (they override Playwright's).
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import artifacts_dir, browser_type_launch_args\n"
        "from tests.e2e.conftest import screenshot_at_teardown\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
         str(tmp_path), "-c", "/dev/null", str(tmp_path / f"{name}.py")],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )  # fmt: skip
    assert "1 failed" in run.stdout, run.stdout + run.stderr
    shot = ARTIFACTS / "e2e" / f"{name}.py-test_fails-chromium.png"
    try:
        assert shot.read_bytes().startswith(PNG_SIGNATURE)
    finally:
        shot.unlink(missing_ok=True)
