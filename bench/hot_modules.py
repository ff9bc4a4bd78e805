"""Record which modules the demo pages import up to interactive, for the browser runtime.

`python -m bench.hot_modules` opens `/pricing`, `/` and `/worker` of a demo site in Chromium,
appends a line to each page's Python that logs `sys.modules`, and writes
`tools/browser-hot-modules.json`: `tools/browser_runtime.py` ships those modules as bytecode
and the rest as source. Stdlib modules come from main-thread pages only (the stdlib zip is
downloaded by every page, so the worker's extra imports would cost every page bytes); wheel
modules come from all three (a wheel is downloaded only by the pages that use it).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Route, sync_playwright

from bench.services import Services
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

OUTPUT = Path(__file__).resolve().parents[1] / "tools" / "browser-hot-modules.json"
PAGES = {"/pricing": True, "/": True, "/worker": False}  # path → main thread
STDLIB = "/lib/python314.zip/"
SITE = "/lib/python3.14/site-packages/"
ALWAYS_COMPILED = ("stigg_client/", "widgets/")  # the SDK wheel is compiled whole
MARKER = "HOT-MODULES "
REPORT = f"""

import json as _json, sys as _sys
import js as _js
_js.console.log({MARKER!r} + _json.dumps(sorted(
    str(getattr(getattr(_m, "__spec__", None), "origin", None) or "")
    for _m in list(_sys.modules.values())
)))
"""
TIMEOUT_MS = 120_000


def loaded_modules(base_url: str, path: str) -> list[str]:
    """Origins of the modules in `sys.modules` once the page's script has finished."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.text.startswith(MARKER):
            found.extend(json.loads(message.text[len(MARKER) :]))

    def append_report(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + REPORT)

    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        context.route("**/browser/*.py*", append_report)
        page = context.new_page()
        page.on("console", on_console)
        page.on("worker", lambda worker: worker.on("console", on_console))
        page.goto(base_url + path)
        waited = 0
        while not found and waited < TIMEOUT_MS:
            page.wait_for_timeout(250)
            waited += 250
        context.close()
    if not found:
        raise RuntimeError(f"{path}: the page's Python did not report its modules")
    return found


def members(origins: list[str], prefix: str) -> set[str]:
    """Archive member names (`pkg/mod.py`) of the module origins under `prefix`."""
    out = set()
    for origin in origins:
        if origin.startswith(prefix):
            name = origin[len(prefix) :]
            out.add(name[:-1] if name.endswith(".pyc") else name)
    return out


def main() -> int:
    """Record and write the list."""
    stdlib: set[str] = set()
    site: set[str] = set()
    with Services() as services:
        base_url = services.site.base_url
        for path, main_thread in PAGES.items():
            origins = loaded_modules(base_url, path)
            if main_thread:
                stdlib |= members(origins, STDLIB)
            site |= members(origins, SITE)
    document = {
        "about": "Modules the demo pages import up to interactive (python -m bench.hot_modules):"
        " tools/browser_runtime.py ships them as bytecode, the rest as source (smaller on the"
        " wire). A missing entry costs start-up time only.",
        "stdlib": sorted(stdlib),
        "site-packages": sorted(m for m in site if not m.startswith(ALWAYS_COMPILED)),
    }
    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(f"{OUTPUT}: {len(document['stdlib'])} stdlib, {len(document['site-packages'])} wheel")
    return 0


if __name__ == "__main__":
    sys.exit(main())
