"""The signed-in pages: the app (gates, metered actions, in-app paywall) and the billing portal."""

from __future__ import annotations

import html
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from demo_site.handlers.site import Site
from demo_site.pages import render_template
from demo_site.settings import (
    AI_CURRENCY,
    EXPORT_EVENT,
    EXPORTS_FEATURE,
    PRODUCT_ID,
    TEMPLATES_FEATURE,
)


@dataclass(frozen=True)
class MeteredCard:
    """An app card for a metered action: meter, gated button, upgrade prompt at the limit."""

    prefix: str  # ids: {prefix}, {prefix}-meter, {prefix}-gate, {prefix}-upgrade
    title: str
    feature_id: str
    button: tuple[str, str]  # id, label
    status_id: str
    denied: str
    intro_html: str = ""

    def render(self) -> str:
        """The card's markup (`intro_html` is trusted markup of ours; the rest is escaped)."""
        button_id, label = self.button
        return render_template(
            "metered_card.html",
            prefix=html.escape(self.prefix),
            title=html.escape(self.title),
            intro=f'<p class="muted">{self.intro_html}</p>' if self.intro_html else "",
            feature_id=html.escape(self.feature_id),
            button_id=html.escape(button_id),
            label=html.escape(label),
            denied=html.escape(self.denied),
            status_id=html.escape(self.status_id),
        )


TEMPLATES_CARD = MeteredCard(
    "templates",
    "Templates",
    TEMPLATES_FEATURE,
    ("create-template", "Create a template"),
    "template-status",
    "You have created all the templates your plan includes this month.",
)
EXPORTS_CARD = MeteredCard(
    "exports",
    "PDF exports",
    EXPORTS_FEATURE,
    ("export-pdf", "Export as PDF"),
    "export-status",
    "You have used all the PDF exports your plan includes this month.",
    f"Each export sends an <code>{html.escape(EXPORT_EVENT)}</code> event; the plan's meter "
    "counts them.",
)


async def app_page(site: Site, request: Request) -> Response:
    """The workspace: what the customer's plan opens, meters, and the in-app paywall."""
    customer = site.require_customer(request)
    if isinstance(customer, Response):
        return customer
    body = render_template(
        "app.html",
        customer_id=html.escape(customer),
        templates_card=TEMPLATES_CARD.render(),
        exports_card=EXPORTS_CARD.render(),
        currency_id=html.escape(AI_CURRENCY),
        product_id=html.escape(PRODUCT_ID),
    )
    return site.customer_page(request, customer, "app", "App", body, "app_page.py")


async def portal(site: Site, request: Request) -> Response:
    """The customer portal."""
    customer = site.require_customer(request)
    if isinstance(customer, Response):
        return customer
    body = render_template(
        "portal.html", product_id=html.escape(PRODUCT_ID), currency_id=html.escape(AI_CURRENCY)
    )
    return site.customer_page(request, customer, "portal", "Billing", body, "portal.py")


def routes(site: Site) -> list[Route]:
    """The app and the billing portal."""
    return [
        Route("/app", site.endpoint(app_page), methods=["GET", "HEAD"]),
        Route("/portal", site.endpoint(portal), methods=["GET", "HEAD"]),
    ]
