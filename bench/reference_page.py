"""The JS reference for the paywall benchmark, served by the bench harness (never by the demo).

A page that loads Stigg's own `@stigg/js-client-sdk` UMD bundle (the npm devDependency) and
renders the paywall's plans into plain HTML (`bench/reference/`). The bundle is served the way a
CDN serves a versioned file: brotli/gzip-compressed, `immutable`; the page revalidates by ETag.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from string import Template
from typing import Any

import brotli
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from demo_site.assets import IMMUTABLE, REVALIDATE, file_response
from demo_site.pages import json_for_script
from demo_site.process import AppThread, free_port
from demo_site.settings import REPO

HERE = Path(__file__).with_name("reference")
SDK_PACKAGE = REPO / "node_modules" / "@stigg" / "js-client-sdk"


def sdk_version() -> str:
    """The installed @stigg/js-client-sdk version (pinned in package.json)."""
    return str(json.loads((SDK_PACKAGE / "package.json").read_text())["version"])


def stage_bundle(target_dir: Path) -> Path:
    """Copy the SDK bundle under `target_dir` with `.br` and `.gz` beside it; return its path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    data = (SDK_PACKAGE / "dist" / "index.js").read_bytes()
    target = target_dir / "index.js"
    target.write_bytes(data)
    target.with_name("index.js.br").write_bytes(brotli.compress(data, quality=11))
    target.with_name("index.js.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return target


class ReferenceServer:
    """The reference page on a free loopback port, in a daemon thread of the bench process."""

    def __init__(self, config: dict[str, Any], work_dir: Path) -> None:
        self.config = config
        self.version = sdk_version()
        self.bundle = stage_bundle(work_dir / "js-client-sdk" / self.version)
        self.port = free_port()
        self._running: AppThread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def page(self) -> str:
        template = Template((HERE / "index.html").read_text())
        return template.substitute(sdk_version=self.version, config=json_for_script(self.config))

    def app(self) -> Starlette:
        body = self.page()

        async def index(request: Request) -> Response:
            return HTMLResponse(body, headers={"Cache-Control": REVALIDATE})

        async def bundle(request: Request) -> Response:
            if request.path_params["version"] != self.version:
                return PlainTextResponse("not found", status_code=404)
            return file_response(request, self.bundle, IMMUTABLE)

        async def script(request: Request) -> Response:
            return file_response(request, HERE / "reference.js", REVALIDATE)

        return Starlette(
            routes=[
                Route("/", index, methods=["GET", "HEAD"]),
                Route("/js-client-sdk/{version:str}/index.js", bundle, methods=["GET", "HEAD"]),
                Route("/reference.js", script, methods=["GET", "HEAD"]),
            ]
        )

    def start(self, timeout_s: float = 15.0) -> ReferenceServer:
        """Serve; return once the port accepts requests."""
        self._running = AppThread.start(self.app(), self.port, "reference page", timeout_s)
        return self

    def stop(self) -> None:
        if self._running is not None:
            self._running.stop()
        self._running = None
