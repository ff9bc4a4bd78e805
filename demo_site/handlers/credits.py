"""Backend APIs of AI credits: an AI assist (which burns credits), buying 100 credits, and the
automatic recharge. Like the other APIs, only for the signed-in customer, from our own pages."""

from __future__ import annotations

import logging
import secrets

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from demo_site.handlers.site import NO_STORE, Site, read_form
from demo_site.settings import AI_CURRENCY, ASSIST_EVENT, CREDIT_PRICE_USD, TOP_UP_CREDITS
from stigg_client import StiggError

logger = logging.getLogger("demo_site")


async def use_assist(site: Site, request: Request) -> Response:
    """One AI assist: refused with 402 `InsufficientCredits` when no credit is left, else an
    `ai_assist` event, which the catalog's credit rate turns into consumed credits."""
    caller = site.api_caller(request)
    if isinstance(caller, Response):
        return caller
    customer_id, server = caller
    try:
        check = await server.get_credit_entitlement(customer_id, AI_CURRENCY)
        if not check.has_access:
            return JSONResponse(
                {"error": "no AI credits left", "reason": str(check.access_denied_reason)},
                status_code=402,
                headers=NO_STORE,
            )
        await server.report_event(
            {
                "customer_id": customer_id,
                "event_name": ASSIST_EVENT,
                "idempotency_key": secrets.token_hex(12),
            }
        )
    except StiggError as failure:
        logger.warning("an AI assist of %s failed: %s", customer_id, failure)
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    return JSONResponse({"balanceBefore": check.balance}, headers=NO_STORE)


async def buy_credits(site: Site, request: Request) -> Response:
    """ "Buy 100 credits": a paid grant of AI credits."""
    caller = site.api_caller(request)
    if isinstance(caller, Response):
        return caller
    customer_id, server = caller
    try:
        grant = await server.grant_credits(
            customer_id,
            AI_CURRENCY,
            TOP_UP_CREDITS,
            f"{TOP_UP_CREDITS:g} AI credits",
            grant_type="PAID",
            cost={"amount": TOP_UP_CREDITS * CREDIT_PRICE_USD, "currency": "USD"},
        )
    except StiggError as failure:
        logger.warning("buying credits for %s failed: %s", customer_id, failure)
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    return JSONResponse({"grantId": grant.grant_id, "amount": grant.amount}, headers=NO_STORE)


def _amount(fields: dict[str, str], name: str, *, optional: bool = False) -> float | None:
    """A non-negative amount from the form; ValueError naming the field otherwise."""
    value = fields.get(name, "")
    if not value and optional:
        return None
    try:
        amount = float(value)
    except ValueError:
        raise ValueError(f"{name.replace('_', ' ')} must be a number") from None
    if amount < 0:
        raise ValueError(f"{name.replace('_', ' ')} must not be negative")
    return amount


async def save_auto_recharge(site: Site, request: Request) -> Response:
    """The billing page's automatic recharge form."""
    caller = site.api_caller(request)
    if isinstance(caller, Response):
        return caller
    customer_id, server = caller
    fields = await read_form(request)
    enabled = fields.get("enabled") == "on"
    try:
        threshold = _amount(fields, "threshold") or 0.0
        target = _amount(fields, "target_balance") or 0.0
        limit = _amount(fields, "max_spend_limit", optional=True)
        if enabled and target <= threshold:
            raise ValueError("the target balance must be above the threshold")
    except ValueError as invalid:
        return JSONResponse({"error": str(invalid)}, status_code=400, headers=NO_STORE)
    try:
        settings = await server.save_auto_recharge_settings(
            customer_id,
            AI_CURRENCY,
            is_enabled=enabled,
            threshold_value=threshold,
            target_balance=target,
            max_spend_limit=limit,
        )
    except StiggError as failure:
        logger.warning("saving the recharge of %s failed: %s", customer_id, failure)
        return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
    return JSONResponse(settings.model_dump(mode="json", by_alias=True), headers=NO_STORE)


def routes(site: Site) -> list[Route]:
    """The credit APIs."""
    return [
        Route("/api/assists", site.endpoint(use_assist), methods=["POST"]),
        Route("/api/credits/buy", site.endpoint(buy_credits), methods=["POST"]),
        Route("/api/credits/auto-recharge", site.endpoint(save_auto_recharge), methods=["POST"]),
    ]
