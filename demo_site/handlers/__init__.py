"""The customer journey's pages and backend endpoints, one module per part of the journey:
sign-in, pricing, the signed-in app and portal, checkout, and the backend APIs."""

from __future__ import annotations

from starlette.routing import Route

from demo_site.backend import Backend
from demo_site.handlers import api, app, checkout, credits, pricing, signin
from demo_site.handlers.site import Site
from demo_site.settings import SiteSettings


def routes(settings: SiteSettings, backend: Backend) -> list[Route]:
    """Every journey route, served from `backend`."""
    site = Site(settings, backend)
    return [
        *signin.routes(site),
        *pricing.routes(site),
        *app.routes(site),
        *checkout.routes(site),
        *api.routes(site),
        *credits.routes(site),
    ]
