"""The pricing page: a paywall rendered here for the first paint, hydrated in the browser; a
signed-in visitor sees their current plan on it."""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from demo_site.formatting import COUNTRIES, server_formatters
from demo_site.handlers.site import Site
from demo_site.pages import render_template
from demo_site.settings import PRODUCT_ID
from stigg_client import StiggError, StiggServer
from widgets.pricing import CustomerState, customer_state_of
from widgets.render import PaywallOptions, render_paywall, ssr_element
from widgets.texts import Texts

logger = logging.getLogger("demo_site")
COUNTRY_LINKS = (
    ("US", "United States · USD"),
    ("DE", "Deutschland · EUR"),
    ("GB", "United Kingdom · GBP"),
)


async def server_paywall(
    site: Site, country: str | None, locale: str, customer_id: str | None
) -> str:
    """The pricing page's paywall, rendered here for the first paint (hydrated later); for a
    signed-in customer, with their current plan, period and seats as the in-app paywall shows."""
    attributes: dict[str, object] = {
        "id": "paywall",
        "product-id": PRODUCT_ID,
        "billing-period": "MONTHLY",
        "highlighted-plan-id": "plan-pro",
        "locale": locale,
        "billing-country-code": country,
        "cta-href": checkout_href(country),
    }
    server = site.backend.server
    if server is None:
        return empty_paywall(attributes)
    try:
        plans = server.get_paywall(
            product_id=PRODUCT_ID, customer_id=customer_id, billing_country_code=country
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
        highlighted_plan_id="plan-pro",
        billing_country_code=country,
        customer=customer,
    )
    return ssr_element(
        "stigg-paywall",
        attributes,
        render_paywall(paywall, options),
        css_href="/static/stigg-widgets.css",
    )


def checkout_href(country: str | None) -> str:
    """Where a plan's CTA goes, as the paywall's `cta-href`: the shim follows it before Python
    is live, so a click at first paint is never dead (the checkout handler routes in-app
    intentions on to /app)."""
    href = (
        "/checkout?plan={planId}&period={billingPeriod}&intention={intention}"
        "&seats={quantity}&addon={addons}"
    )
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


async def pricing(site: Site, request: Request) -> Response:
    """`/pricing?country=`: plans in the country's currency and language."""
    requested = (request.query_params.get("country") or "US").upper()
    country = requested if requested in COUNTRIES else "US"
    locale = COUNTRIES[country]
    links = "".join(
        f'<a href="/pricing?country={code}" aria-current="{str(code == country).lower()}">'
        f"{label}</a>"
        for code, label in COUNTRY_LINKS
    )
    customer_id = site.backend.customer_of(request)
    paywall = await server_paywall(site, None if country == "US" else country, locale, customer_id)
    body = render_template("pricing.html", country_links=links, paywall=paywall)
    config = site.backend.client_config(customer_id)
    config.update({"locale": locale, "country": country})
    return site.page(
        request,
        "pricing",
        "Pricing",
        body,
        script="pricing.py",
        config=config,
        widgets=True,
        lang=locale,
    )


def routes(site: Site) -> list[Route]:
    """The pricing page."""
    return [Route("/pricing", site.endpoint(pricing), methods=["GET", "HEAD"])]
