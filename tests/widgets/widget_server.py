"""A minimal site for the widget browser tests: the runtime, widgets/static and one test page.

Run as `python tests/widgets/widget_server.py --port P --config JSON`; the page optionally
includes a server-rendered paywall (`--ssr`) made by the same renderers, from the emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import sys
from pathlib import Path
from string import Template

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import uvicorn  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import HTMLResponse, PlainTextResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from demo_site.assets import serve_from  # noqa: E402
from demo_site.settings import DEFAULT_RUNTIME  # noqa: E402
from widgets.browser.app import EVENTS  # noqa: E402

PAGE = Path(__file__).with_name("page")
STATIC = REPO / "widgets" / "static"


async def server_render(config: dict[str, str]) -> tuple[str, str]:
    """Markup rendered in CPython from the emulator, marked for hydration: the paywall of the
    main page, and the `/early` page's paywall (with `cta-href`) and customer portal."""
    from stigg_client import Stigg
    from widgets.render import (
        PaywallOptions,
        PortalOptions,
        render_customer_portal,
        render_paywall,
        render_period_alternatives,
        ssr_element,
    )

    client = Stigg.initialize(
        api_key=config["api_key"],
        base_uri=config["base_uri"],
        base_edge_uri=config["edge_uri"],
        customer_id=config.get("customer_id"),
    )
    try:
        paywall = await client.get_paywall(product_id="product-stigg")
        portal = await client.get_customer_portal() if config.get("customer_id") else None
    finally:
        await client.close()
    css = "/static/stigg-widgets.css"
    options = PaywallOptions(billing_period="MONTHLY")
    inner = render_paywall(paywall, options)
    attributes = {"id": "ssr", "product-id": "product-stigg", "billing-period": "MONTHLY"}
    main = "<h2>Server-rendered</h2>" + ssr_element(
        "stigg-paywall", attributes, inner, css_href=css
    )
    early_paywall = {**attributes, "id": "early-paywall", "cta-href": "#chosen-{planId}"}
    # As the demo's /pricing: with the other period's rendering, for the shim's period toggle.
    alternatives = render_period_alternatives(paywall, options)
    early = ssr_element(
        "stigg-paywall", early_paywall, inner, css_href=css, alternatives=alternatives
    )
    if portal is not None:
        portal_html = render_customer_portal(portal, PortalOptions())
        early += ssr_element(
            "stigg-customer-portal", {"id": "early-portal"}, portal_html, css_href=css
        )
    return main, early + '<pre id="py-events" hidden>[]</pre>'


async def credits_ssr(config: dict[str, str]) -> str:
    """A `<stigg-credit-balance>` rendered in CPython from the emulator's credit entitlements
    of the configured customer (what a backend renders from its SDK), marked for hydration."""
    from stigg_client import Stigg
    from stigg_client.core.credits import not_entitled
    from widgets.render import ssr_element
    from widgets.render.credits import render_credit_balance

    currency = "currency-ai-credits"
    client = Stigg.initialize(
        api_key=config["api_key"],
        base_uri=config["base_uri"],
        base_edge_uri=config["edge_uri"],
        customer_id=config.get("customer_id"),
        background_refresh=False,
        live_updates=False,
    )
    try:
        loaded = await client.get_credit_entitlements()
    finally:
        await client.close()
    ids = [item.currency.currency_id if item.currency else None for item in loaded]
    balance = loaded[ids.index(currency)] if currency in ids else not_entitled(currency)
    return ssr_element(
        "stigg-credit-balance",
        {"id": "balance-ssr", "currency-id": currency},
        render_credit_balance(currency, balance),
        css_href="/static/stigg-widgets.css",
    )


async def history_meter(config: dict[str, str], customer_id: str) -> str:
    """`<stigg-usage-meter history>` of feature-demo-03 rendered in CPython for `customer_id`,
    marked for hydration (the `/history` page)."""
    from datetime import UTC, datetime

    from stigg_client import Stigg
    from widgets.render import RenderOptions, render_usage_meter, ssr_element, usage_from_metered
    from widgets.render.usage_chart import history_start, render_usage_history

    client = Stigg.initialize(
        api_key=config["api_key"],
        base_uri=config["base_uri"],
        base_edge_uri=config["edge_uri"],
        customer_id=customer_id,
        live_updates=False,
        background_refresh=False,
    )
    try:
        await client.wait_for_initialization()
        feature_id = "feature-demo-03"
        info = usage_from_metered(feature_id, client.get_metered_entitlement(feature_id))
        start = history_start(info, datetime.now(UTC))
        history = await client.get_usage_history(feature_id, start)
    finally:
        await client.close()
    options = RenderOptions()
    inner = render_usage_meter(info, options, history=render_usage_history(info, history, options))
    attributes = {"id": "ssr-meter", "feature-id": feature_id, "history": True}
    return ssr_element("stigg-usage-meter", attributes, inner, css_href="/static/stigg-widgets.css")


def create_app(
    config: dict[str, str], ssr: str, early: str = "", prerendered: str = ""
) -> Starlette:
    manifest = json.loads((DEFAULT_RUNTIME / "manifest.json").read_text())
    pyscript_config = {
        "interpreter": "/runtime/" + manifest["pyodide_mjs"],
        "packages": list(manifest["main_packages"]),
        "packages_cache": "passthrough",
    }
    shell = Template((PAGE / "index.html").read_text())

    def wrap(main: str, page_config: dict[str, str] = config) -> str:
        """The test page (SDK config, declared customer, event recorder, PyScript) around
        `main`."""
        return shell.substitute(
            main=main,
            customer=html.escape(page_config.get("customer_id") or "", quote=True),
            pyscript_js="/runtime/" + manifest["pyscript_js"],
            config=json.dumps(page_config).replace("<", "\\u003c"),
            pyscript_config=html.escape(json.dumps(pyscript_config), quote=True),
            event_names=json.dumps(EVENTS),
        )

    def page(body: str, page_config: dict[str, str] = config, credits_markup: str = "") -> str:
        """The test page around `page/<body>.html`."""
        main = Template((PAGE / f"{body}.html").read_text()).substitute(
            ssr=ssr, early=early, credits_ssr=credits_markup
        )
        return wrap(main, page_config)

    widgets_page, pricing_page, early_page = page("widgets"), page("pricing"), page("early")
    prerendered_page = wrap(prerendered + '<pre id="py-events" hidden>[]</pre>')

    async def index(request: Request) -> Response:
        """The widgets page; `?customer=ID` signs another customer in (SDK and page)."""
        customer = request.query_params.get("customer")
        body = (
            widgets_page
            if customer is None
            else page("widgets", {**config, "customer_id": customer})
        )
        return HTMLResponse(body, headers={"Cache-Control": "no-store"})

    async def checkout(request: Request) -> Response:
        """`<stigg-checkout>` of Team for `?customer=ID` (the checkout needs a customer)."""
        customer = request.query_params.get("customer") or config.get("customer_id") or ""
        body = page("checkout", {**config, "customer_id": customer})
        return HTMLResponse(body, headers={"Cache-Control": "no-store"})

    async def credits(request: Request) -> Response:
        """The credit elements and a portal, with a balance server-rendered now."""
        body = page("credits", credits_markup=await credits_ssr(config))
        return HTMLResponse(body, headers={"Cache-Control": "no-store"})

    async def pricing(request: Request) -> Response:
        """Only paywalls (English, German, Danish prices) and a table: the public pricing page."""
        return HTMLResponse(pricing_page, headers={"Cache-Control": "no-store"})

    async def early_input(request: Request) -> Response:
        """Server-rendered widgets only (run with `--ssr`): input before Python is live."""
        return HTMLResponse(early_page, headers={"Cache-Control": "no-store"})

    async def prerendered_markup(request: Request) -> Response:
        """The `--prerendered` file (`python -m widgets.prerender` output) in the test page."""
        return HTMLResponse(prerendered_page, headers={"Cache-Control": "no-store"})

    async def history(request: Request) -> Response:
        """Usage history charts for `?customer=ID`: a server-rendered meter (hydrated), a German
        meter and the portal."""
        customer = request.query_params.get("customer") or config.get("customer_id") or ""
        meter = await history_meter(config, customer)
        main = Template((PAGE / "history.html").read_text()).substitute(ssr_meter=meter)
        body = wrap(
            main + '<pre id="py-events" hidden>[]</pre>', {**config, "customer_id": customer}
        )
        return HTMLResponse(body, headers={"Cache-Control": "no-store"})

    async def app_py(request: Request) -> Response:
        return serve_from(PAGE, request, "app.py", immutable=False)

    async def runtime(request: Request) -> Response:
        return serve_from(
            DEFAULT_RUNTIME, request, str(request.path_params["path"]), immutable=True
        )

    async def static(request: Request) -> Response:
        return serve_from(STATIC, request, str(request.path_params["path"]), immutable=False)

    async def bare(request: Request) -> Response:
        """The elements without Python: what a visitor sees before Pyodide starts."""
        body = (
            '<!doctype html><html lang="en"><title>bare</title>'
            '<script type="module" src="/static/stigg-elements.js"></script>'
            '<stigg-paywall id="p"></stigg-paywall><stigg-gate id="g"><p>x</p></stigg-gate>'
            '<stigg-usage-meter id="m" locale="de-DE"></stigg-usage-meter>'
            '<script type="application/json" id="t">{"loading": "One moment"}</script>'
            '<stigg-customer-portal id="c" texts="t"></stigg-customer-portal>'
        )
        return HTMLResponse(body)

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[
            Route("/", index),
            Route("/pricing", pricing),
            Route("/credits", credits),
            Route("/checkout", checkout),
            Route("/early", early_input),
            Route("/prerendered", prerendered_markup),
            Route("/history", history),
            Route("/app.py", app_py),
            Route("/runtime/{path:path}", runtime),
            Route("/static/{path:path}", static),
            Route("/bare", bare),
            Route("/healthz", healthz),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--ssr", action="store_true")
    parser.add_argument("--prerendered", type=Path, help="markup to serve in /prerendered")
    args = parser.parse_args()
    config = json.loads(args.config)
    ssr, early = asyncio.run(server_render(config)) if args.ssr else ("", "")
    prerendered = args.prerendered.read_text() if args.prerendered else ""
    app = create_app(config, ssr, early, prerendered)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
