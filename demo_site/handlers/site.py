"""What every journey handler shares: the site (settings + backend), page rendering, the
signed-in customer, and the checks on backend API calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from demo_site.backend import Backend
from demo_site.pages import Layout, render_layout
from demo_site.settings import SiteSettings
from stigg_client import StiggServer

NO_STORE = {"Cache-Control": "no-store"}
PERIODS = frozenset({"MONTHLY", "ANNUALLY"})
MAX_FORM_BYTES = 16 * 1024

Handler = Callable[["Site", Request], Awaitable[Response]]


@dataclass(frozen=True)
class Site:
    """The running demo site as its handlers see it."""

    settings: SiteSettings
    backend: Backend

    def endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """`handler` as a Starlette endpoint bound to this site."""

        async def endpoint(request: Request) -> Response:
            return await handler(self, request)

        endpoint.__name__ = handler.__name__
        return endpoint

    def page(self, request: Request, page_id: str, title: str, body: str, **extra: Any) -> Response:
        """A journey page: `body` in the shared layout, never cached."""
        layout = Layout(
            page_id=page_id,
            path=request.url.path,
            title=title,
            body=body,
            customer_id=self.backend.customer_of(request),
            **extra,
        )
        return HTMLResponse(render_layout(self.settings, layout), headers=NO_STORE)

    def customer_page(
        self, request: Request, customer_id: str, page_id: str, title: str, body: str, script: str
    ) -> Response:
        """A signed-in page whose Python `script` runs the widgets for `customer_id`."""
        config = self.backend.client_config(customer_id)
        return self.page(request, page_id, title, body, script=script, config=config, widgets=True)

    def require_customer(self, request: Request) -> str | Response:
        """The signed-in customer, else the redirect to sign-in (and back here)."""
        customer_id = self.backend.customer_of(request)
        if customer_id is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/signin?" + urlencode({"next": target}), status_code=303)
        return customer_id

    def api_caller(self, request: Request) -> tuple[str, StiggServer] | Response:
        """Who calls a backend API (the signed-in customer, from our own pages) and the server
        SDK to serve them with; else the answer that refuses the call."""
        if not same_origin(request):
            return JSONResponse({"error": "cross-site request"}, status_code=403)
        customer_id = self.backend.customer_of(request)
        if customer_id is None:
            return JSONResponse({"error": "sign in first"}, status_code=401, headers=NO_STORE)
        if self.backend.server is None:
            return unavailable("the demo backend has no server key")
        return customer_id, self.backend.server


def same_origin(request: Request) -> bool:
    """POSTs must come from our own pages (the cookie is SameSite=Lax; this closes the rest)."""
    origin = request.headers.get("origin")
    if origin is None:
        return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
    own = urlsplit(str(request.url))
    return origin == f"{own.scheme}://{own.netloc}"


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form body (the only kind our pages send)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    parsed = parse_qs(body.decode(errors="replace"), keep_blank_values=True)
    return {key: values[0].strip() for key, values in parsed.items() if values}


def safe_next(value: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/app"


def unavailable(message: str) -> JSONResponse:
    """503: the backend cannot serve this (no server key)."""
    return JSONResponse({"error": message}, status_code=503, headers=NO_STORE)
