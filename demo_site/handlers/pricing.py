"""The pricing page: a paywall rendered here for the first paint, hydrated in the browser; a
signed-in visitor sees their current plan on it."""

from __future__ import annotations

import asyncio
import html
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from demo_site.formatting import COUNTRIES, server_formatters
from demo_site.handlers.site import Handler, Site
from demo_site.pages import render_template
from demo_site.settings import ORG_PRODUCT_ID, PRODUCT_ID
from stigg_client import StiggError, StiggServer
from widgets.pricing import CustomerState, customer_state_of
from widgets.render import PaywallOptions, render_paywall, render_period_alternatives, ssr_element
from widgets.texts import Texts

logger = logging.getLogger("demo_site")
COUNTRY_LINKS = (
    ("US", "United States · USD"),
    ("DE", "Deutschland · EUR"),
    ("GB", "United Kingdom · GBP"),
)


@dataclass(frozen=True)
class PricingPage:
    """One pricing page: its product's paywall and the template around it."""

    path: str
    title: str
    template: str
    product_id: str
    highlighted_plan_id: str


PAGES = (
    PricingPage("/pricing", "Pricing", "pricing.html", PRODUCT_ID, "plan-pro"),
    PricingPage(
        "/pricing/organisations",
        "Pricing for organisations",
        "pricing_org.html",
        ORG_PRODUCT_ID,
        "plan-org-graduated",
    ),
)


async def server_paywall(
    site: Site,
    country: str | None,
    locale: str,
    customer_id: str | None,
    shown: PricingPage = PAGES[0],
) -> str:
    """The pricing page's paywall, rendered here for the first paint (hydrated later); for a
    signed-in customer, with their current plan, period and seats as the in-app paywall shows."""
    attributes: dict[str, object] = {
        "id": "paywall",
        "product-id": shown.product_id,
        "billing-period": "MONTHLY",
        "highlighted-plan-id": shown.highlighted_plan_id,
        "locale": locale,
        "billing-country-code": country,
        "cta-href": checkout_href(country, shown.product_id),
    }
    server = site.backend.server
    if server is None:
        return empty_paywall(attributes)
    try:
        plans = server.get_paywall(
            product_id=shown.product_id, customer_id=customer_id, billing_country_code=country
        )
        if customer_id is None:
            paywall, customer = await plans, None
        else:  # both reads at once: the first paint waits for the slower one only
            paywall, customer = await asyncio.gather(plans, customer_state(server, customer_id))
    except StiggError as failure:
        logger.warning("server-side paywall failed, the browser will load it: %s", failure)
        return empty_paywall(attributes)
    options = PaywallOptions(
        texts=Texts(locale),
        formatters=server_formatters(locale),
        billing_period="MONTHLY",
        highlighted_plan_id=shown.highlighted_plan_id,
        billing_country_code=country,
        customer=customer,
    )
    return ssr_element(
        "stigg-paywall",
        attributes,
        render_paywall(paywall, options),
        css_href="/static/stigg-widgets.css",
        alternatives=render_period_alternatives(paywall, options),
    )


def checkout_href(country: str | None, product_id: str = PRODUCT_ID) -> str:
    """Where a plan's CTA goes, as the paywall's `cta-href`: the shim follows it before Python
    is live, so a click at first paint is never dead (the checkout handler routes in-app
    intentions on to /app)."""
    href = (
        "/checkout?plan={planId}&period={billingPeriod}&intention={intention}"
        "&seats={quantity}&addon={addons}"
    )
    if product_id != PRODUCT_ID:
        href += f"&product={product_id}"
    return f"{href}&country={country}" if country else href


async def customer_state(server: StiggServer, customer_id: str) -> CustomerState:
    """The paywall's view of the customer, from the same full active subscriptions that the
    browser's widgets read."""
    slim = await server.get_active_subscriptions_list(customer_id)
    subscriptions = [await server.get_subscription(s.subscription_id) for s in slim]
    return customer_state_of(customer_id, None, subscriptions, datetime.now(UTC))


def empty_paywall(attributes: dict[str, object]) -> str:
    """The paywall element without server-rendered content (the browser loads it)."""
    rendered = "".join(
        f' {name}="{html.escape(str(value))}"'
        for name, value in attributes.items()
        if value is not None
    )
    return f"<stigg-paywall{rendered}></stigg-paywall>"


async def pricing(site: Site, request: Request, shown: PricingPage = PAGES[0]) -> Response:
    """`/pricing?country=`: plans in the country's currency and language (`shown`: which
    pricing page)."""
    requested = (request.query_params.get("country") or "US").upper()
    country = requested if requested in COUNTRIES else "US"
    locale = COUNTRIES[country]
    links = "".join(
        f'<a href="{shown.path}?country={code}" aria-current="{str(code == country).lower()}">'
        f"{label}</a>"
        for code, label in COUNTRY_LINKS
    )
    customer_id = site.backend.customer_of(request)
    paywall = await server_paywall(
        site, None if country == "US" else country, locale, customer_id, shown
    )
    body = render_template(shown.template, country_links=links, paywall=paywall)
    config = site.backend.client_config(customer_id)
    config.update({"locale": locale, "country": country})
    return site.page(
        request,
        "pricing",
        shown.title,
        body,
        script="pricing.py",
        config=config,
        widgets=True,
        lang=locale,
    )


def routes(site: Site) -> list[Route]:
    """The pricing pages."""
    return [
        Route(page.path, site.endpoint(_handler(page)), methods=["GET", "HEAD"]) for page in PAGES
    ]


def _handler(shown: PricingPage) -> Handler:
    async def handler(site: Site, request: Request) -> Response:
        return await pricing(site, request, shown)

    handler.__name__ = "pricing_" + shown.product_id.replace("-", "_")
    return handler
