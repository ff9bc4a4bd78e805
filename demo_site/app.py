"""The demo site's ASGI app: journey pages and backend, runtime pages, the browser runtime."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import widgets
from demo_site import handlers
from demo_site.assets import REVALIDATE, serve_from
from demo_site.backend import Backend
from demo_site.pages import PAGES, render_page
from demo_site.session import customer_token
from demo_site.settings import SiteSettings

BROWSER_SCRIPTS = Path(__file__).with_name("browser")
SITE_ASSETS = Path(__file__).with_name("static")
WIDGET_ASSETS = Path(widgets.__file__).with_name("static")
ISOLATION_HEADERS = [
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-embedder-policy", b"require-corp"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def origin_of(url: str | None) -> str | None:
    """`scheme://host:port` of `url`, or None."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def content_security_policy(settings: SiteSettings) -> str:
    """What PyScript and the widgets need, nothing more.

    Pyodide compiles WebAssembly ('wasm-unsafe-eval') and builds JavaScript glue functions from
    strings at start-up, which Chromium refuses without 'unsafe-eval' (verified by the e2e tests;
    no inline script is allowed either way); Python, wheels and the stdlib come from this site
    ('self'); the SDK talks to the emulator and its edge (connect-src); the widgets'
    styles are linked stylesheets; PyScript adds a few inline styles ('unsafe-inline' for styles
    only, never for scripts).
    """
    api = " ".join(o for o in (origin_of(settings.emulator_url), origin_of(settings.edge_url)) if o)
    directives = [
        "default-src 'none'",
        "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        f"connect-src 'self' {api}".strip(),
        "img-src 'self' data:",
        "font-src 'self'",
        "worker-src 'self' blob:",
        "manifest-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
    return "; ".join(directives)


class SecurityHeaders:
    """COOP/COEP on every response (PyScript workers reach the page's DOM); CSP on pages."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.csp = csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + ISOLATION_HEADERS
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    headers.append((b"content-security-policy", self.csp))
                    headers.append((b"x-content-type-options", b"nosniff"))
                    headers.append((b"referrer-policy", b"same-origin"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: SiteSettings) -> Starlette:
    """Build the app for `settings`."""
    backend = Backend(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await backend.start()
        try:
            yield
        finally:
            await backend.stop()

    async def page(request: Request) -> Response:
        token = None
        if settings.signing_secret:
            token = customer_token(settings.signing_secret, settings.customer_id)
        body = render_page(request.url.path, settings, token)
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

    async def widget_asset(request: Request) -> Response:
        return serve_from(WIDGET_ASSETS, request, str(request.path_params["path"]), immutable=False)

    async def site_asset(request: Request) -> Response:
        return serve_from(SITE_ASSETS, request, str(request.path_params["path"]), immutable=False)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok", headers={"Cache-Control": "no-store"})

    routes = [Route(path, page) for path in PAGES]
    routes += handlers.routes(settings, backend)
    routes += [
        Route("/runtime/{path:path}", runtime, methods=["GET", "HEAD"]),
        Route("/browser/{name:str}", browser_script, methods=["GET", "HEAD"]),
        Route("/static/{path:path}", widget_asset, methods=["GET", "HEAD"]),
        Route("/assets/{path:path}", site_asset, methods=["GET", "HEAD"]),
        Route("/healthz", healthz),
    ]
    middleware = [Middleware(SecurityHeaders, csp=content_security_policy(settings))]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
