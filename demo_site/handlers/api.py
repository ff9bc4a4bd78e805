"""The backend APIs the signed-in pages call: metered actions and subscription changes.

Every call must come from our own pages and a signed-in customer (`Site.api_caller`), and acts
on that customer's own subscriptions only.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from demo_site.handlers.plans import billable_features, pricing_type
from demo_site.handlers.site import NO_STORE, PERIODS, Site, read_form
from demo_site.settings import EXPORT_EVENT, EXPORTS_FEATURE, PRODUCT_ID, TEMPLATES_FEATURE
from stigg_client import StiggError, StiggServer

logger = logging.getLogger("demo_site")


async def metered_action(
    site: Site,
    request: Request,
    feature_id: str,
    report: Callable[[StiggServer, str], Awaitable[object]],
) -> Response:
    """A metered action: check the customer's quota of `feature_id`, then `report` one unit
    (usage or a raw event); 402 at the limit."""
    caller = site.api_caller(request)
    if isinstance(caller, Response):
        return caller
    customer_id, server = caller
    try:
        check = await server.get_metered_entitlement(customer_id, feature_id, requested_usage=1)
        if not check.has_access:
            return JSONResponse(
                {
                    "error": "limit reached",
                    "usage": check.current_usage,
                    "limit": check.usage_limit,
                },
                status_code=402,
                headers=NO_STORE,
            )
        await report(server, customer_id)
    except StiggError as failure:
        logger.warning("reporting %s of %s failed: %s", feature_id, customer_id, failure)
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    usage = (check.current_usage or 0) + 1
    return JSONResponse({"usage": usage, "limit": check.usage_limit}, headers=NO_STORE)


async def create_template(site: Site, request: Request) -> Response:
    """Templates are metered by reported usage: one unit per template."""
    return await metered_action(
        site,
        request,
        TEMPLATES_FEATURE,
        lambda server, customer_id: server.report_usage(customer_id, TEMPLATES_FEATURE, 1),
    )


async def export_pdf(site: Site, request: Request) -> Response:
    """Exports are metered from raw events: the emulator's meter counts `export_created`."""
    return await metered_action(
        site,
        request,
        EXPORTS_FEATURE,
        lambda server, customer_id: server.report_event(
            {
                "customer_id": customer_id,
                "event_name": EXPORT_EVENT,
                "idempotency_key": secrets.token_hex(12),
                "dimensions": {"format": "pdf"},
            }
        ),
    )


async def cancel_scheduled(site: Site, request: Request) -> Response:
    """The portal's "cancel scheduled change", for one of the customer's own subscriptions."""
    caller = site.api_caller(request)
    if isinstance(caller, Response):
        return caller
    customer_id, server = caller
    subscription_id = (await read_form(request)).get("subscription_id", "")
    try:
        owned = await server.get_active_subscriptions_list(customer_id)
        if subscription_id not in {s.subscription_id for s in owned}:
            return JSONResponse({"error": "no such subscription"}, status_code=404)
        await server.cancel_subscription_scheduled_updates(subscription_id)
    except StiggError as failure:
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    return JSONResponse({"subscriptionId": subscription_id}, headers=NO_STORE)


async def change_seats(site: Site, request: Request) -> Response:
    """Seats of the customer's per-seat subscription: more now, fewer at the end of the
    billing period (a scheduled downgrade the portal lists and can cancel)."""
    caller = site.api_caller(request)
    if isinstance(caller, Response):
        return caller
    customer_id, server = caller
    try:
        seats = int((await read_form(request)).get("seats", ""))
    except ValueError:
        return JSONResponse({"error": "seats must be a whole number"}, status_code=400)
    try:
        owned = await server.get_active_subscriptions_list(customer_id)
        per_seat = [
            full
            for slim in owned
            if (full := await server.get_subscription(slim.subscription_id)).unit_quantities
        ]
        if not per_seat:
            return JSONResponse({"error": "no per-seat subscription"}, status_code=404)
        subscription = per_seat[0]
        feature_id, current = next(iter(subscription.unit_quantities.items()))
        unit = next(p.price for p in subscription.prices if p.price and p.price.feature_id)
        low, high = unit.min_unit_quantity or 1, unit.max_unit_quantity or seats
        if not low <= seats <= high:
            return JSONResponse(
                {"error": f"seats must be between {low:g} and {high:g}"}, status_code=400
            )
        later = seats < current
        await server.update_subscription(
            subscription.id,
            billable_features=[{"feature_id": feature_id, "quantity": seats}],
            schedule_strategy="END_OF_BILLING_PERIOD" if later else None,
        )
    except StiggError as failure:
        logger.warning("changing seats of %s failed: %s", customer_id, failure)
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    return JSONResponse(
        {"subscriptionId": subscription.id, "seats": seats, "scheduled": later},
        headers=NO_STORE,
    )


async def downgrade_plan(site: Site, request: Request) -> Response:
    """The in-app paywall's downgrade: the lower plan from the end of the billing period (a
    scheduled update of the current subscription that the portal lists and can cancel)."""
    caller = site.api_caller(request)
    if isinstance(caller, Response):
        return caller
    customer_id, server = caller
    fields = await read_form(request)
    plan_id = fields.get("plan_id", "")
    period = (fields.get("period") or "MONTHLY").upper()
    if period not in PERIODS:
        return JSONResponse({"error": "unknown billing period"}, status_code=400)
    try:
        paywall = await server.get_paywall(product_id=PRODUCT_ID)
        plan = next((p for p in paywall.plans if p.id == plan_id), None)
        if plan is None or pricing_type(plan) == "CUSTOM":
            return JSONResponse({"error": "unknown plan"}, status_code=400)
        result = await server.provision_subscription(
            customer_id,
            plan_id,
            billing_period=period if pricing_type(plan) == "PAID" else None,
            billable_features=billable_features(plan, period, fields.get("seats")),
            skip_trial=True,
            schedule_strategy="END_OF_BILLING_PERIOD",
        )
    except StiggError as failure:
        logger.warning("downgrading %s to %s failed: %s", customer_id, plan_id, failure)
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    subscription = result.subscription
    if result.checkout_url or subscription is None:
        return JSONResponse({"error": "this change needs a payment"}, status_code=409)
    return JSONResponse(
        {
            "subscriptionId": subscription.id,
            "planId": plan_id,
            "planName": plan.display_name,
            # Stigg keeps the current plan until the period ends when the change is scheduled.
            "scheduled": subscription.plan_id != plan_id,
        },
        headers=NO_STORE,
    )


def routes(site: Site) -> list[Route]:
    """The backend APIs."""
    return [
        Route("/api/templates", site.endpoint(create_template), methods=["POST"]),
        Route("/api/exports", site.endpoint(export_pdf), methods=["POST"]),
        Route("/api/scheduled-updates/cancel", site.endpoint(cancel_scheduled), methods=["POST"]),
        Route("/api/subscription/seats", site.endpoint(change_seats), methods=["POST"]),
        Route("/api/subscription/downgrade", site.endpoint(downgrade_plan), methods=["POST"]),
    ]
