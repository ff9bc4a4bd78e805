"""Checkout: subscribe the signed-in customer to a plan (hosted checkout when payment is due),
and the page that waits for the new subscription to activate."""

from __future__ import annotations

import html
import logging
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from demo_site.formatting import COUNTRIES
from demo_site.handlers.plans import billable_features, has_addon, pricing_type
from demo_site.handlers.site import NO_STORE, PERIODS, Site, unavailable
from demo_site.pages import render_template
from demo_site.settings import DEMO_PRODUCTS, PRODUCT_ID, TEMPLATES_FEATURE
from stigg_client import StiggError
from widgets.markup import attrs

logger = logging.getLogger("demo_site")
PAID_INTENTIONS = frozenset({"UPGRADE_PLAN", "DOWNGRADE_PLAN", "CHANGE_UNIT_QUANTITY"})
# What the in-app paywall does through the backend (scheduled downgrades, seat changes, and
# cancelling a scheduled change) happens there, on /app.
IN_APP_INTENTIONS = frozenset(
    {"DOWNGRADE_PLAN", "CHANGE_UNIT_QUANTITY", "CANCEL_SCHEDULED_UPDATES"}
)


def chosen_addons(values: list[str]) -> list[str]:
    """`addon=` values, repeated or comma-separated (a paywall's `{addons}`), blanks dropped."""
    return [addon for value in values for addon in value.split(",") if addon]


async def checkout(site: Site, request: Request) -> Response:
    """Subscribe to the chosen plan: hosted checkout when payment is due, else straight on to
    the success page, whose query says which subscription to wait for (docs/protocol.md §4)."""
    customer = site.require_customer(request)
    if isinstance(customer, Response):
        return customer
    server = site.backend.server
    if server is None:
        return unavailable("the demo backend has no server key")
    params = request.query_params
    plan_id = params.get("plan") or ""
    period = (params.get("period") or "MONTHLY").upper()
    intention = params.get("intention") or "UPGRADE_PLAN"
    if intention in IN_APP_INTENTIONS:
        return RedirectResponse("/app#plans", status_code=303)
    if period not in PERIODS:
        return JSONResponse({"error": "unknown billing period"}, status_code=400)
    try:
        product_id = params.get("product") or PRODUCT_ID
        paywall = await server.get_paywall(
            product_id=product_id if product_id in DEMO_PRODUCTS else PRODUCT_ID
        )
    except StiggError as failure:
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    plan = next((p for p in paywall.plans if p.id == plan_id), None)
    if plan is None:
        return JSONResponse({"error": "unknown plan"}, status_code=400)
    if pricing_type(plan) == "CUSTOM":
        body = render_template("contact.html", name=html.escape(plan.display_name or plan.id))
        return site.page(request, "contact", "Contact sales", body)
    country = params.get("country")
    addons = [a for a in chosen_addons(params.getlist("addon")) if has_addon(plan, a)]
    paid_now = plan.default_trial_config is None or intention in PAID_INTENTIONS
    if params.get("hosted") != "1" and pricing_type(plan) == "PAID" and paid_now:
        return embedded_checkout(site, request, customer, plan_id, period, addons)
    origin = f"{request.url.scheme}://{request.url.netloc}"
    try:
        result = await server.provision_subscription(
            customer,
            plan_id,
            billing_period=period,
            billable_features=billable_features(plan, period, params.get("seats")),
            addons=[{"addon_id": a} for a in addons] or None,
            promotion_code=params.get("promotionCode") or None,  # the element's hand-off
            billing_country_code=country if country in COUNTRIES else None,
            skip_trial=intention in PAID_INTENTIONS,
            checkout_options={
                "success_url": f"{origin}/checkout/success",
                "cancel_url": f"{origin}/pricing",
                "allow_promo_codes": True,
            },
        )
    except StiggError as failure:
        logger.warning("provisioning %s for %s failed: %s", plan_id, customer, failure)
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    if result.checkout_url:
        return RedirectResponse(result.checkout_url, status_code=303)
    subscription_id = result.subscription.id if result.subscription else None
    query = urlencode({"subscriptionId": subscription_id or "", "checkoutCompleted": "true"})
    return RedirectResponse(f"/checkout/success?{query}", status_code=303)


def embedded_checkout(
    site: Site, request: Request, customer: str, plan_id: str, period: str, addons: list[str]
) -> Response:
    """`<stigg-checkout>` in the page; the element hands off to the hosted checkout (this route
    with `hosted=1`) when the backend has no payment-method API (widgets/README.md)."""
    params = request.query_params
    seats = params.get("seats") or ""
    country = params.get("country")
    intention = params.get("intention") or "UPGRADE_PLAN"
    element = {
        "id": "checkout",
        "plan-id": plan_id,
        "billing-period": period,
        "seats": seats if seats.isdigit() else None,
        "addon": addons[0] if addons else None,
        "billing-country-code": country if country in COUNTRIES else None,
        "skip-trial": intention in PAID_INTENTIONS,
        "handoff-url": "/checkout?" + urlencode({"hosted": "1", "intention": intention}),
    }
    hosted = urlencode([*params.multi_items(), ("hosted", "1")])
    body = render_template(
        "checkout.html",
        element=f"<stigg-checkout{attrs(element)}></stigg-checkout>",
        hosted_href=html.escape(f"/checkout?{hosted}"),
    )
    return site.customer_page(request, customer, "checkout", "Checkout", body, "checkout.py")


async def checkout_success(site: Site, request: Request) -> Response:
    """Waits for the new subscription, with live gates and meters below."""
    customer = site.require_customer(request)
    if isinstance(customer, Response):
        return customer
    body = render_template(
        "checkout_success.html", templates_feature=html.escape(TEMPLATES_FEATURE)
    )
    return site.customer_page(
        request, customer, "checkout-success", "Checkout complete", body, "checkout_success.py"
    )


def routes(site: Site) -> list[Route]:
    """Checkout and its success page."""
    return [
        Route("/checkout", site.endpoint(checkout), methods=["GET"]),
        Route("/checkout/success", site.endpoint(checkout_success), methods=["GET", "HEAD"]),
    ]
