"""Build-time prerender of a paywall or pricing table for static sites.

    python -m widgets.prerender --base-uri https://api.stigg.io --api-key CLIENT_KEY \\
        --element stigg-paywall --product-id product-x [--locale de-DE] > paywall.html

writes the element as declarative shadow DOM (what `ssr_element` makes) from a Stigg-compatible
API, for a static site generator to include in a page that also loads `stigg-elements.js` and
the runtime: the browser paints it at once and Python hydrates it (see the README).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from stigg_client import Stigg, StiggError
from widgets.render import PaywallOptions, render_paywall, render_period_alternatives, ssr_element
from widgets.texts import Texts

ELEMENTS = ("stigg-paywall", "stigg-pricing-table")
LAYOUTS = ("cards", "table")
DEFAULT_CSS_HREF = "/static/stigg-widgets.css"


@dataclass(frozen=True)
class Prerender:
    """What to render, and where from."""

    base_uri: str
    api_key: str
    element: str = "stigg-paywall"
    edge_uri: str | None = None
    product_id: str | None = None
    locale: str | None = None
    billing_period: str = "MONTHLY"
    billing_country_code: str | None = None
    highlighted_plan_id: str | None = None
    layout: str | None = None
    cta_href: str | None = None
    element_id: str | None = None
    css_href: str = DEFAULT_CSS_HREF

    def attributes(self) -> dict[str, object]:
        """The element's attributes: the browser side reads the same configuration from them."""
        return {
            "id": self.element_id,
            "product-id": self.product_id,
            "billing-period": self.billing_period,
            "billing-country-code": self.billing_country_code,
            "highlighted-plan-id": self.highlighted_plan_id,
            "layout": self.layout,
            "locale": self.locale,
            "cta-href": self.cta_href,
        }


async def prerender(job: Prerender) -> str:
    """The element's markup for an anonymous visitor, read from the API now."""
    client = Stigg.initialize(
        api_key=job.api_key, base_uri=job.base_uri, base_edge_uri=job.edge_uri
    )
    try:
        paywall = await client.get_paywall(
            product_id=job.product_id, billing_country_code=job.billing_country_code
        )
    finally:
        await client.close()
    options = PaywallOptions(
        texts=Texts(job.locale or "en"),
        billing_period=job.billing_period,
        layout=job.layout or ("table" if job.element == "stigg-pricing-table" else "cards"),
        highlighted_plan_id=job.highlighted_plan_id,
        billing_country_code=job.billing_country_code,
    )
    attributes = {k: v for k, v in job.attributes().items() if v is not None}
    return ssr_element(
        job.element,
        attributes,
        render_paywall(paywall, options),
        css_href=job.css_href,
        alternatives=render_period_alternatives(paywall, options),
    )


def parse_args(argv: Sequence[str] | None = None) -> Prerender:
    parser = argparse.ArgumentParser(
        prog="python -m widgets.prerender",
        description="Write a paywall or pricing table as declarative shadow DOM to stdout.",
    )
    parser.add_argument("--base-uri", required=True, help="the Stigg-compatible API")
    parser.add_argument("--edge-uri", help="its edge (default: derived by the SDK)")
    parser.add_argument("--api-key", required=True, help="a client (publishable) key")
    parser.add_argument("--element", choices=ELEMENTS, default="stigg-paywall")
    parser.add_argument("--product-id")
    parser.add_argument("--locale", help="e.g. de-DE (texts; default English)")
    parser.add_argument("--billing-period", choices=("MONTHLY", "ANNUALLY"), default="MONTHLY")
    parser.add_argument("--billing-country-code", help="ISO country for localized prices")
    parser.add_argument("--highlighted-plan-id")
    parser.add_argument("--layout", choices=LAYOUTS)
    parser.add_argument("--cta-href", help="e.g. /signup?plan={planId}&period={billingPeriod}")
    parser.add_argument("--id", dest="element_id", help="the element's id attribute")
    parser.add_argument("--css-href", default=DEFAULT_CSS_HREF, help="URL of stigg-widgets.css")
    return Prerender(**vars(parser.parse_args(argv)))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; exit status 1 with the reason on stderr when the API cannot be read."""
    job = parse_args(argv)
    try:
        markup = asyncio.run(prerender(job))
    except StiggError as error:
        print(f"prerender failed: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(markup + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
