"""The demo site's ASGI app: pages, their browser scripts, and the local browser runtime."""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from demo_site.assets import REVALIDATE, serve_from
from demo_site.pages import PAGES, render_page
from demo_site.settings import SiteSettings

BROWSER_SCRIPTS = Path(__file__).with_name("browser")
ISOLATION_HEADERS = [
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-embedder-policy", b"require-corp"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class CrossOriginIsolation:
    """Send COOP/COEP on every response, so PyScript workers can reach the page's DOM."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + ISOLATION_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: SiteSettings) -> Starlette:
    """Build the app for `settings`."""

    async def page(request: Request) -> Response:
        body = render_page(request.url.path, settings)
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:24] + '"'
        headers = {"Cache-Control": REVALIDATE, "ETag": etag}
        if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        return HTMLResponse(body, headers=headers)

    async def runtime(request: Request) -> Response:
        path = str(request.path_params["path"])
        return serve_from(settings.runtime_dir, request, path, immutable=True)

    async def browser_script(request: Request) -> Response:
        name = str(request.path_params["name"])
        if not name.endswith(".py") or name.startswith("_"):
            return PlainTextResponse("not found", status_code=404)
        return serve_from(BROWSER_SCRIPTS, request, name, immutable=False)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})

    routes = [Route(path, page) for path in PAGES]
    routes += [
        Route("/runtime/{path:path}", runtime, methods=["GET", "HEAD"]),
        Route("/browser/{name:str}", browser_script, methods=["GET", "HEAD"]),
        Route("/healthz", healthz),
    ]
    return Starlette(routes=routes, middleware=[Middleware(CrossOriginIsolation)])
