"""README "Use it on your own site", run exactly as documented: `make dist`'s folder served from one
origin with the headers the README lists, a static page holding the README's snippet served from
another origin with COOP/COEP and the README's CSP, in Chromium."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.processes import REPO_ROOT, EmulatorProcess

sys.path.insert(0, str(REPO_ROOT / "tools"))
from runtime_dist import write_dist

README = REPO_ROOT / "README.md"
EXAMPLE = REPO_ROOT / "examples" / "static-site" / "index.html"
PRODUCT_ID = "product-stigg"
PLAN_NAME = "Starter"  # a plan of PRODUCT_ID in tests/fixtures/catalog.yaml


def readme_block(marker: str, language: str) -> str:
    """The fenced block after `<!-- snippet: marker -->` (or, for `csp`, the text block that
    follows the CSP sentence) in README.md."""
    text = README.read_text()
    found = re.search(rf"<!-- snippet: {marker} -->\n```{language}\n(.*?)```", text, re.S)
    assert found, f"README.md has no {marker} snippet"
    return found.group(1)


def readme_csp() -> str:
    text = README.read_text()
    found = re.search(r"With a Content Security Policy.*?```text\n(.*?)```", text, re.S)
    assert found, "README.md has no CSP block"
    return " ".join(found.group(1).split())


class Handler(SimpleHTTPRequestHandler):
    """Static files plus fixed extra headers (what a static host or CDN would be set up to send)."""

    extra_headers: dict[str, str] = {}
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(directory: Path, headers: dict[str, str]) -> ThreadingHTTPServer:
    handler = type("StaticHandler", (Handler,), {"extra_headers": headers})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def origin(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def runtime_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`make dist`'s folder on its own origin, with the README's runtime headers."""
    dist = write_dist(tmp_path_factory.mktemp("dist") / "stigg-runtime")
    server = serve(
        dist.parent,
        {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"},
    )
    yield origin(server) + "/stigg-runtime"
    server.shutdown()


def test_the_example_page_holds_the_readme_snippet() -> None:
    assert readme_block("static-page", "html") in EXAMPLE.read_text()


def test_the_readme_snippet_renders_the_paywall_from_another_origin(
    runtime_host: str,
    emulator: EmulatorProcess,
    page: Page,
    tmp_path: Path,
) -> None:
    snippet = readme_block("static-page", "html")
    for placeholder, value in {
        "https://cdn.example.com/stigg-runtime": runtime_host,
        "YOUR-CLIENT-KEY": emulator.client_key,
        "YOUR-PRODUCT-ID": PRODUCT_ID,
        "https://api.stigg.io": emulator.base_url,
        "https://edge.api.stigg.io": emulator.edge_url,
    }.items():
        assert placeholder in snippet
        snippet = snippet.replace(placeholder, value)
    runtime_origin = runtime_host.removesuffix("/stigg-runtime")
    csp = (
        readme_csp()
        .replace("https://cdn.example.com", runtime_origin)
        .replace("https://api.stigg.io", emulator.base_url)
        .replace("https://edge.api.stigg.io", emulator.edge_url)
    )
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<link rel='icon' href='data:,'></head><body>{snippet}</body></html>"
    )
    site = serve(
        tmp_path,
        {
            "Content-Security-Policy": csp,
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Embedder-Policy": "require-corp",
        },
    )
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    try:
        assert origin(site) != runtime_origin
        page.goto(origin(site) + "/index.html")
        page.wait_for_function(
            "document.getElementById('paywall')?.dataset.state === 'ready'", timeout=60_000
        )
        shown = page.evaluate("document.getElementById('paywall').shadowRoot.textContent")
        assert PLAN_NAME in shown
        assert page.evaluate(
            "getComputedStyle(document.getElementById('paywall').shadowRoot"
            ".querySelector('.root')).display"
        )
        assert problems == []
    finally:
        site.shutdown()
