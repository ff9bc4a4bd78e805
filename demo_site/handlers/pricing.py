"""The public pricing page: a paywall rendered here for the first paint, hydrated in the browser."""

from __future__ import annotations

import html
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from demo_site.formatting import COUNTRIES, server_formatters
from demo_site.handlers.site import Site
from demo_site.pages import render_template
from demo_site.settings import PRODUCT_ID
from stigg_client import StiggError
from widgets.render import PaywallOptions, render_paywall, ssr_element
from widgets.texts import Texts

logger = logging.getLogger("demo_site")
COUNTRY_LINKS = (
    ("US", "United States · USD"),
    ("DE", "Deutschland · EUR"),
    ("GB", "United Kingdom · GBP"),
)


async def server_paywall(site: Site, country: str | None, locale: str) -> str:
    """The pricing page's paywall, rendered here for the first paint (hydrated later)."""
    attributes: dict[str, object] = {
        "id": "paywall",
        "product-id": PRODUCT_ID,
        "billing-period": "MONTHLY",
        "highlighted-plan-id": "plan-pro",
        "locale": locale,
        "billing-country-code": country,
    }
    server = site.backend.server
    if server is None:
        return empty_paywall(attributes)
    try:
        paywall = await server.get_paywall(product_id=PRODUCT_ID, billing_country_code=country)
    except StiggError as failure:
        logger.warning("server-side paywall failed, the browser will load it: %s", failure)
        return empty_paywall(attributes)
    options = PaywallOptions(
        texts=Texts(locale),
        formatters=server_formatters(locale),
        billing_period="MONTHLY",
        highlighted_plan_id="plan-pro",
        billing_country_code=country,
    )
    return ssr_element(
        "stigg-paywall",
        attributes,
        render_paywall(paywall, options),
        css_href="/static/stigg-widgets.css",
    )


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
    paywall = await server_paywall(site, None if country == "US" else country, locale)
    body = render_template("pricing.html", country_links=links, paywall=paywall)
    config = site.backend.client_config(None)
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
