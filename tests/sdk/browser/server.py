"""A small test server for the scenario and check-cost pages, run in a thread of the test process.

It serves the built browser runtime (build/runtime, as the demo site does: precompressed variants,
cache headers, COOP/COEP so PyScript workers can reach the DOM), the scenario files, Stigg's
@stigg/js-client-sdk UMD bundle, and one page per registered run. A run is a config dict the test
registers; the page embeds it as JSON. `POST /backend/report-usage` reports usage with the server
key, which the page must not hold.
"""

from __future__ import annotations

import html
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
from playwright.sync_api import Page
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from demo_site.assets import REVALIDATE, file_response, serve_from
from demo_site.pages import json_for_script, load_manifest
from demo_site.process import AppThread
from demo_site.process import ensure_runtime as build_runtime
from tests.sdk.backend import new_customer, report_usage
from tests.support.processes import REPO_ROOT, EmulatorProcess, free_port

HERE = Path(__file__).resolve().parent
SCENARIO_FILES = {"scenarios.py": HERE / "scenarios.py", "page_runner.py": HERE / "page_runner.py"}
RUNTIME_DIR = REPO_ROOT / "build" / "runtime"
JS_CLIENT_SDK = REPO_ROOT / "node_modules" / "@stigg" / "js-client-sdk" / "dist" / "index.js"

ISOLATION_HEADERS = [
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-embedder-policy", b"require-corp"),
    (b"cross-origin-resource-policy", b"same-origin"),
]

PYODIDE_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>stigg-client {title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{pyscript_css}">
  <script type="module" src="{pyscript_js}"></script>
  {head}
</head>
<body>
  <pre id="report" data-state="loading"></pre>
  <script type="application/json" id="scenario-config">{config}</script>
  <script type="py" {worker} src="/files/page_runner.py" config="{pyscript_config}"></script>
</body>
</html>
"""

# Stigg's browser SDK in the same page: `window.stiggJs` initializes it against the emulator and
# `measureStiggJs(rounds, calls)` times cached getMeteredEntitlement calls with performance.now()
# (5 µs resolution in an isolated page, so each round times many calls).
STIGG_JS_HEAD = """<script src="/js-sdk/index.js"></script>
  <script type="module">
    const config = JSON.parse(document.getElementById('scenario-config').textContent);
    window.stiggJs = (async () => {
      const client = await window.Stigg.default.initialize({
        apiKey: config.api_key,
        baseUri: config.base_uri,
        baseEdgeUri: config.edge_uri,
        customerId: config.customer_id,
      });
      await client.waitForInitialization();
      const first = client.getMeteredEntitlement({ featureId: config.feature_id });
      if (first.isFallback) throw new Error(`${config.feature_id} is not cached`);
      return { client, first: { hasAccess: first.hasAccess, usageLimit: first.usageLimit } };
    })();
    window.measureStiggJs = async (rounds, calls) => {
      const { client, first } = await window.stiggJs;
      const request = { featureId: config.feature_id };
      const perCall = [];
      for (let round = 0; round < rounds; round++) {
        const start = performance.now();
        for (let i = 0; i < calls; i++) client.getMeteredEntitlement(request);
        perCall.push(((performance.now() - start) * 1e6) / calls);
      }
      const sorted = [...perCall].sort((a, b) => a - b);
      const middle = sorted.length >> 1;
      const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
      return { median_ns: median, min_ns: sorted[0], first };
    };
  </script>"""


# Change propagation (mode "propagation"): the page reads Stigg's SDK every 100 ms like an app
# rendering gates (its cache renews on reads after the TTL). `measurePropagation(value, timeoutMs)`
# reports usage through the test server's backend, then polls both SDKs' cached checks every 10 ms
# until each shows the new usage: ms from sending the report until visible (null: not in time);
# ours to the ms through its entitlements_updated listener (`window.stiggPyChangedAt`).
PROPAGATION_HEAD = """<script type="module">
    const config = JSON.parse(document.getElementById('scenario-config').textContent);
    // Like an app that keeps rendering its gates: Stigg's SDK renews a stale cache on reads.
    window.stiggJs.then(({ client }) => {
      setInterval(() => client.getMeteredEntitlement({ featureId: config.feature_id }), 100);
    });
    window.measurePropagation = async (value, timeoutMs) => {
      const { client } = await window.stiggJs;
      const request = { featureId: config.feature_id };
      const theirsBefore = client.getMeteredEntitlement(request).currentUsage;
      const oursBefore = window.stiggPyUsage();
      window.stiggPyChangedAt = null;
      const start = performance.now();
      const response = await fetch(config.backend_url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          customer_id: config.customer_id, feature_id: config.feature_id, value,
        }),
      });
      if (!response.ok) throw new Error(`report-usage answered ${response.status}`);
      const reportMs = performance.now() - start;
      let ours = null;
      let theirs = null;
      while ((ours === null || theirs === null) && performance.now() - start < timeoutMs) {
        const now = performance.now() - start;
        if (ours === null && window.stiggPyUsage() !== oursBefore) ours = now;
        const seen = client.getMeteredEntitlement(request).currentUsage;
        if (theirs === null && seen !== theirsBefore) theirs = now;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // Ours is timed by its entitlements_updated listener (to the ms), seen by polling too.
      const changedAt = window.stiggPyChangedAt;
      if (ours !== null && changedAt !== null) ours = Math.min(ours, changedAt - start);
      return { ours_ms: ours, theirs_ms: theirs, report_ms: reportMs };
    };
  </script>"""


def ensure_runtime() -> Path:
    """Build (or refresh: fast when nothing changed) build/runtime with the current SDK wheel."""
    build_runtime()
    return RUNTIME_DIR


class CrossOriginIsolation:
    """COOP/COEP/CORP on every response: a PyScript worker reaches the DOM only when isolated."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + ISOLATION_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


@dataclass
class ScenarioServer:
    """The test server; `register(config)` returns the URL of a page that runs `config`."""

    emulator: EmulatorProcess
    runtime_dir: Path = RUNTIME_DIR
    port: int = field(default_factory=free_port)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    _running: AppThread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def register(self, config: dict[str, Any], page: str) -> str:
        """Remember `config`; `page` is "main" or "worker" (where Pyodide runs the script).

        With `"mode": "bench"` the page also loads Stigg's JS SDK (see `STIGG_JS_HEAD`); with
        `"mode": "propagation"` also the change-propagation probe (see `PROPAGATION_HEAD`)."""
        run_id = uuid.uuid4().hex[:12]
        # Absolute: a worker's relative URLs would resolve against its own (blob:) script URL.
        self.runs[run_id] = {**config, "backend_url": f"{self.base_url}/backend/report-usage"}
        return f"{self.base_url}/run/{page}/{run_id}"

    def render(self, page: str, config: dict[str, Any]) -> str:
        manifest = load_manifest(self.runtime_dir)
        worker = page == "worker"
        packages = manifest["worker_packages" if worker else "main_packages"]
        pyscript_config = {
            "interpreter": "/runtime/" + manifest["pyodide_mjs"],
            "packages": list(packages),
            "packages_cache": "passthrough",
            "files": {"/files/scenarios.py": "./scenarios.py"},
        }
        mode = config.get("mode")
        title = {"bench": "check cost", "propagation": "change propagation"}.get(
            str(mode), "scenarios"
        )
        head = {"bench": STIGG_JS_HEAD, "propagation": STIGG_JS_HEAD + PROPAGATION_HEAD}
        return PYODIDE_PAGE.format(
            title=title + (" (PyScript worker)" * worker),
            pyscript_css="/runtime/" + manifest["pyscript_css"],
            pyscript_js="/runtime/" + manifest["pyscript_js"],
            head=head.get(str(mode), ""),
            config=json_for_script(config),
            worker="worker" if worker else "",
            pyscript_config=html.escape(json.dumps(pyscript_config), quote=True),
        )

    def app(self) -> Starlette:
        async def run_page(request: Request) -> Response:
            page = str(request.path_params["page"])
            config = self.runs.get(str(request.path_params["run_id"]))
            if config is None or page not in ("main", "worker"):
                return PlainTextResponse("no such run", status_code=404)
            return HTMLResponse(self.render(page, config), headers={"Cache-Control": "no-store"})

        async def runtime(request: Request) -> Response:
            path = str(request.path_params["path"])
            return serve_from(self.runtime_dir, request, path, immutable=True)

        async def scenario_file(request: Request) -> Response:
            path = SCENARIO_FILES.get(str(request.path_params["name"]))
            if path is None:
                return PlainTextResponse("not found", status_code=404)
            return file_response(request, path, REVALIDATE)

        async def js_sdk(request: Request) -> Response:
            return file_response(request, JS_CLIENT_SDK, REVALIDATE)

        def backend_report_usage(request_body: dict[str, Any]) -> None:
            report_usage(
                self.emulator,
                str(request_body["customer_id"]),
                str(request_body["feature_id"]),
                float(request_body["value"]),
            )

        async def report_usage_endpoint(request: Request) -> Response:
            body = await request.json()
            # report_usage blocks on HTTP: keep it off the server's event loop.
            await anyio.to_thread.run_sync(backend_report_usage, body)
            return JSONResponse({"ok": True})

        async def healthz(request: Request) -> Response:
            return PlainTextResponse("ok")

        routes = [
            Route("/run/{page:str}/{run_id:str}", run_page),
            Route("/runtime/{path:path}", runtime, methods=["GET", "HEAD"]),
            Route("/files/{name:str}", scenario_file, methods=["GET", "HEAD"]),
            Route("/js-sdk/index.js", js_sdk, methods=["GET", "HEAD"]),
            Route("/backend/report-usage", report_usage_endpoint, methods=["POST"]),
            Route("/healthz", healthz),
        ]
        return Starlette(routes=routes, middleware=[Middleware(CrossOriginIsolation)])

    def start(self, timeout_s: float = 15.0) -> ScenarioServer:
        """Serve in a daemon thread; return once the port accepts requests."""
        self._running = AppThread.start(self.app(), self.port, "scenario server", timeout_s)
        return self

    def stop(self) -> None:
        if self._running is not None:
            self._running.stop()
        self._running = None


def page_config(
    emulator: EmulatorProcess, mode: str, customer_id: str | None = None, **overrides: Any
) -> dict[str, Any]:
    """A page run of `mode` (see page_runner) checking feature-demo-03 through pyfetch, for
    `customer_id` or else a fresh customer on Starter (where feature-demo-03 allows 2 a month)."""
    config = {
        "api_key": emulator.client_key,
        "base_uri": emulator.base_url,
        "edge_uri": emulator.edge_url,
        "customer_id": customer_id or new_customer(emulator),
        "feature_id": "feature-demo-03",
        "transport": "pyfetch",
        "mode": mode,
    }
    return {**config, **overrides}


def read_report(page: Page, url: str, timeout_ms: float) -> dict[str, Any]:
    """Open `url`, wait until the page wrote its `#report`, and return it (raise with its error)."""
    page.goto(url)
    page.wait_for_function(
        "document.getElementById('report').dataset.state !== 'loading'", timeout=timeout_ms
    )
    text = page.inner_text("#report")
    if page.get_attribute("#report", "data-state") != "done":
        raise RuntimeError(f"{url} failed:\n{text}")
    report: dict[str, Any] = json.loads(text)
    return report


def measure_python_in_page(page: Page, rounds: int, calls: int) -> dict[str, float]:
    """One run of `measure_cached_check` in a bench page's Pyodide (median/min ns per call)."""
    text = page.evaluate("([r, c]) => window.measureStiggPython(r, c)", [rounds, calls])
    stats: dict[str, float] = json.loads(text)
    return stats


def measure_stigg_js_in_page(page: Page, rounds: int, calls: int) -> dict[str, Any]:
    """One run of Stigg's JS SDK getMeteredEntitlement in a bench page (median/min ns per call)."""
    stats: dict[str, Any] = page.evaluate(
        "([r, c]) => window.measureStiggJs(r, c)", [rounds, calls]
    )
    return stats


def measure_propagation_in_page(page: Page, value: float, timeout_s: float) -> dict[str, Any]:
    """One change in a propagation page: ms until each SDK shows it (None: not within timeout)."""
    result: dict[str, Any] = page.evaluate(
        "([value, ms]) => window.measurePropagation(value, ms)", [value, timeout_s * 1000]
    )
    return result
