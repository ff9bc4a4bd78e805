"""The no-server page of README "Use it on your own site": `make dist`'s runtime folder on one
origin, a static page holding the README's snippet on another, both plain static file servers with
the headers the README lists. Used by the paywall benchmark and by tests/e2e/test_static_site.py.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
sys.path.insert(0, str(REPO / "tools"))

from runtime_dist import write_dist  # noqa: E402 - tools/ is not a package

# The README's placeholders.
RUNTIME_ORIGIN = "https://cdn.example.com"
RUNTIME_URL = RUNTIME_ORIGIN + "/stigg-runtime"
CLIENT_KEY = "YOUR-CLIENT-KEY"
PRODUCT = "YOUR-PRODUCT-ID"
API_URL = "https://api.stigg.io"
EDGE_URL = "https://edge.api.stigg.io"
# What the README tells a runtime host to send.
RUNTIME_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
}


def readme_snippet() -> str:
    """The html block between `<!-- snippet: static-page -->` and `<!-- /snippet -->`."""
    found = re.search(
        r"<!-- snippet: static-page -->\n```html\n(.*?)```\n<!-- /snippet -->",
        README.read_text(),
        re.S,
    )
    if found is None:
        raise ValueError("README.md has no static-page snippet")
    return found.group(1)


def readme_csp() -> str:
    """The CSP block of the README, on one line."""
    found = re.search(
        r"With a Content Security Policy.*?```text\n(.*?)```", README.read_text(), re.S
    )
    if found is None:
        raise ValueError("README.md has no CSP block")
    return " ".join(found.group(1).split())


IMMUTABLE = "public, max-age=31536000, immutable"
VERSIONED_DIRS = ("/pyodide/", "/pyscript/")  # their paths name a version: cached for a year


class StaticHandler(SimpleHTTPRequestHandler):
    """Files from a folder plus fixed extra headers, as a static host set up by the README: the
    precompressed `.br` variant when the browser takes brotli, versioned folders `immutable`."""

    extra_headers: dict[str, str] = {}
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        variant = path.with_name(path.name + ".br")
        if "br" not in self.headers.get("Accept-Encoding", "") or not variant.is_file():
            super().do_GET()
            return
        body = variant.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "br")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        if any(folder in self.path for folder in VERSIONED_DIRS):
            self.send_header("Cache-Control", IMMUTABLE)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(directory: Path, headers: dict[str, str]) -> ThreadingHTTPServer:
    """A static file server for `directory` on a free loopback port, in a daemon thread."""
    handler = type("Handler", (StaticHandler,), {"extra_headers": headers})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def origin(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


# The runtime's floor: Pyodide's own boot, with no package and no Python code of ours, timed by a
# module script from the page origin (the CSP allows 'self'); the benchmark reads `__floorTimes`.
FLOOR_PAGE = """<!doctype html><html lang='en'><head><meta charset='utf-8'>
<link rel='icon' href='data:,'><script type='module' src='floor.mjs'></script></head>
<body><p>Pyodide only</p></body></html>"""
FLOOR_SCRIPT = """const times = (window.__floorTimes = {});
const { loadPyodide } = await import(PYODIDE_MJS);
times.imported = performance.now();
const pyodide = await loadPyodide();
pyodide.runPython("1 + 1");
times.ready = performance.now();
"""


class StaticSite:
    """The runtime origin and the page origin; `url` is the snippet page, filled in for one
    Stigg-compatible API, served with COOP/COEP and the README's CSP; `floor_url` is a page on
    the same origin that only boots Pyodide from the same runtime folder."""

    def __init__(
        self, workdir: Path, *, client_key: str, product_id: str, api_url: str, edge_url: str
    ) -> None:
        self.workdir = workdir
        self.values = {CLIENT_KEY: client_key, PRODUCT: product_id, API_URL: api_url}
        self.values[EDGE_URL] = edge_url
        self.servers: list[ThreadingHTTPServer] = []
        self.url = ""
        self.floor_url = ""
        self.runtime_origin = ""

    def start(self) -> StaticSite:
        dist = write_dist(self.workdir / "runtime" / "stigg-runtime")
        runtime = serve(dist.parent, RUNTIME_HEADERS)
        self.servers.append(runtime)
        self.runtime_origin = origin(runtime)
        values = {RUNTIME_URL: self.runtime_origin + "/stigg-runtime", **self.values}
        snippet = readme_snippet()
        for placeholder, value in values.items():
            if placeholder not in snippet:
                raise ValueError(f"the README snippet lost its placeholder {placeholder}")
            snippet = snippet.replace(placeholder, value)
        csp = readme_csp().replace(RUNTIME_ORIGIN, self.runtime_origin)
        for placeholder in (API_URL, EDGE_URL):
            csp = csp.replace(placeholder, self.values[placeholder])
        pages = self.workdir / "pages"
        pages.mkdir(parents=True, exist_ok=True)
        (pages / "index.html").write_text(
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<link rel='icon' href='data:,'></head><body>{snippet}</body></html>"
        )
        manifest = json.loads((dist / "manifest.json").read_text())
        pyodide_mjs = f"{self.runtime_origin}/stigg-runtime/{manifest['pyodide_mjs']}"
        (pages / "floor.html").write_text(FLOOR_PAGE)
        (pages / "floor.mjs").write_text(
            FLOOR_SCRIPT.replace("PYODIDE_MJS", json.dumps(pyodide_mjs))
        )
        headers = {
            "Content-Security-Policy": csp,
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Embedder-Policy": "require-corp",
        }
        site = serve(pages, headers)
        self.servers.append(site)
        self.url = origin(site) + "/index.html"
        self.floor_url = origin(site) + "/floor.html"
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> StaticSite:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
