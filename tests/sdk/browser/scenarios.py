"""SDK scenarios against the emulator that run unchanged in CPython and in Pyodide.

This module imports only the standard library and `stigg_client`, so the browser pages can load it
as a plain file next to the SDK wheel. `run_scenarios(config, backend)` runs every scenario in
order and returns a JSON-ready report: per scenario either the observed values or the error.
The expected values live in `tests/sdk/browser/expectations.py`, shared by all three runtimes.

`config` (a dict, as the page receives it as JSON) names the emulator, the transport and the
customers the test prepared with the server key (see `tests/sdk/browser/world.py`):

    api_key, base_uri, edge_uri, transport      where and how to talk to the emulator
    customer_id      a fresh Starter customer with 1 unit of feature-demo-03 used and a
                     plan-workspace-free subscription on resource `resource_id`
    other_customer_id     a fresh customer on the Team plan (trial)
    refresh_customer_id   a fresh Starter customer whose usage only the refresh scenario changes
    live_customer_id      a fresh Starter customer whose usage only live_updates changes

`backend.report_usage(...)` is what a customer's backend would do with the server key; the page
reaches it through the test server, CPython calls the emulator directly.
"""

from __future__ import annotations

import asyncio
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from stigg_client import AuthenticationError, NotFoundError, RetryPolicy, Stigg, StiggError
from stigg_client.transport.retry import Backoff

SCENARIO_TIMEOUT_S = 30.0
# Fields whose value depends on the day the test runs; reported as whether they are present.
DATE_FIELDS = frozenset(
    {"usagePeriodAnchor", "usagePeriodStart", "usagePeriodEnd", "nextResetDate"}
)
FAST_RETRY = RetryPolicy(attempts=3, initial_delay_s=0.01, max_delay_s=0.05)
FAST_RECONNECT = Backoff(initial_delay_s=0.1, max_delay_s=1.0)
LIVE_DEADLINE_S = 10.0
UNREACHABLE = "http://127.0.0.1:9"


class Backend(Protocol):
    """Server-side actions a scenario needs (the client key may not do them)."""

    async def report_usage(self, customer_id: str, feature_id: str, value: float) -> None:
        """Add `value` to the customer's usage of `feature_id`."""


Values = dict[str, Any]
Scenario = Callable[["Context"], Awaitable[Values]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    """Register a scenario; they run in registration order."""

    def register(function: Scenario) -> Scenario:
        SCENARIOS[name] = function
        return function

    return register


class Context:
    """What a scenario gets: the config, the backend, and a factory for clients it closes."""

    def __init__(self, config: dict[str, Any], backend: Backend) -> None:
        self.config = config
        self.backend = backend
        self.customer_id = str(config["customer_id"])
        self.other_customer_id = str(config["other_customer_id"])
        self.refresh_customer_id = str(config["refresh_customer_id"])
        self.live_customer_id = str(config["live_customer_id"])
        self.resource_id = str(config["resource_id"])
        self._clients: list[Stigg] = []

    def client(self, **options: Any) -> Stigg:
        """A client for the emulator with the configured transport (closed after the scenario)."""
        options.setdefault("api_key", self.config["api_key"])
        options.setdefault("base_uri", self.config["base_uri"])
        options.setdefault("base_edge_uri", self.config.get("edge_uri"))
        options.setdefault("transport", self.config["transport"])
        options.setdefault("retry", FAST_RETRY)
        options.setdefault("background_refresh", False)
        # Scenarios that change usage assert what the cache holds until refresh(): no push there.
        options.setdefault("live_updates", False)
        client = Stigg.initialize(**options)
        self._clients.append(client)
        return client

    async def ready_client(self, customer_id: str | None = None, **options: Any) -> Stigg:
        """A client for `customer_id` (default: the main one) that has finished loading."""
        client = self.client(customer_id=customer_id or self.customer_id, **options)
        await client.wait_for_initialization()
        return client

    async def close_clients(self) -> None:
        while self._clients:
            await self._clients.pop().close()


def stable(value: Any) -> Any:
    """A JSON dump of a result with day-dependent timestamps replaced by whether they are set."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, dict):
        return {
            key: (item is not None) if key in DATE_FIELDS else stable(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [stable(item) for item in value]
    return value


def check_summary(result: Any) -> Values:
    """The decision part of an entitlement result, without the feature description."""
    dumped = stable(result)
    dumped.pop("feature", None)
    dumped.pop("resetSettings", None)
    for key in DATE_FIELDS:
        dumped.pop(key, None)
    return dict(dumped)


def error_name(error: BaseException) -> str:
    return type(error).__name__


# ------------------------------------------------------------------------------ initialization


@scenario("initialize")
async def initialize(ctx: Context) -> Values:
    client = ctx.client(customer_id=ctx.customer_id)
    initialized: list[bool] = []
    updates: list[list[str]] = []
    client.add_listener("initialized", lambda: initialized.append(True))
    client.add_listener("entitlements_updated", lambda changed: updates.append(sorted(changed)))
    state_before = str(client.initialization_state)
    loaded_before = client.is_customer_loaded
    await client.wait_for_initialization()
    return {
        "state_before": state_before,
        "loaded_before": loaded_before,
        "state_after": str(client.initialization_state),
        "loaded_after": client.is_customer_loaded,
        "customer_id": client.customer_id,
        "initialized_calls": len(initialized),
        "entitlements_updated": updates,
        "widget_watermark": client.is_widget_watermark_enabled,
    }


# ------------------------------------------------------------------------------ checks


@scenario("boolean_check")
async def boolean_check(ctx: Context) -> Values:
    client = await ctx.ready_client()
    return {"feature-demo-02": stable(client.get_boolean_entitlement("feature-demo-02"))}


@scenario("numeric_check")
async def numeric_check(ctx: Context) -> Values:
    client = await ctx.ready_client()
    return {"feature-demo-01": stable(client.get_numeric_entitlement("feature-demo-01"))}


@scenario("metered_check")
async def metered_check(ctx: Context) -> Values:
    client = await ctx.ready_client()
    return {
        "default": stable(client.get_metered_entitlement("feature-demo-03")),
        "requested_1": check_summary(
            client.get_metered_entitlement("feature-demo-03", requested_usage=1)
        ),
        "requested_2": check_summary(
            client.get_metered_entitlement("feature-demo-03", requested_usage=2)
        ),
        "options_requestedUsage_5": check_summary(
            client.get_metered_entitlement("feature-demo-03", {"requestedUsage": 5})
        ),
    }


@scenario("unknown_feature")
async def unknown_feature(ctx: Context) -> Values:
    client = await ctx.ready_client()
    return {
        "boolean": stable(client.get_boolean_entitlement("feature-does-not-exist")),
        "numeric": stable(client.get_numeric_entitlement("feature-does-not-exist")),
        "metered": stable(client.get_metered_entitlement("feature-does-not-exist")),
        # In the catalog, but not in the Starter plan.
        "not_in_plan": check_summary(client.get_metered_entitlement("feature-api-calls")),
    }


@scenario("fallback_before_load")
async def fallback_before_load(ctx: Context) -> Values:
    client = ctx.client(
        customer_id=ctx.customer_id,
        entitlements_fallback={"feature-demo-02": {"hasAccess": False, "accessDeniedReason": None}},
    )
    early_boolean = client.get_boolean_entitlement("feature-demo-02")
    early_metered = client.get_metered_entitlement(
        "feature-demo-03", fallback={"hasAccess": True, "usageLimit": 7}
    )
    early_unconfigured = client.get_numeric_entitlement("feature-demo-01")
    loaded_early = client.is_customer_loaded
    await client.wait_for_initialization()
    return {
        "loaded_before_wait": loaded_early,
        "boolean_before": stable(early_boolean),
        "metered_before": stable(early_metered),
        "numeric_before_without_fallback": stable(early_unconfigured),
        "boolean_after": check_summary(client.get_boolean_entitlement("feature-demo-02")),
        "metered_after": check_summary(client.get_metered_entitlement("feature-demo-03")),
    }


@scenario("type_mismatch_fallback")
async def type_mismatch_fallback(ctx: Context) -> Values:
    client = await ctx.ready_client(
        entitlements_fallback={"feature-demo-02": {"hasAccess": True, "value": 9}}
    )
    return {
        # A metered feature asked for as a boolean, with the fallback given in the call.
        "boolean_of_metered": stable(
            client.get_boolean_entitlement("feature-demo-03", fallback={"hasAccess": True})
        ),
        # A boolean feature asked for as numeric: the configured fallback applies.
        "numeric_of_boolean": stable(client.get_numeric_entitlement("feature-demo-02")),
        # A numeric configuration value is not metered: default metered fallback.
        "metered_of_numeric": stable(client.get_metered_entitlement("feature-demo-01")),
    }


@scenario("get_entitlements")
async def get_entitlements(ctx: Context) -> Values:
    client = await ctx.ready_client()
    listed = await client.get_entitlements()
    by_feature = {e.feature.id: stable(e) for e in listed if e.feature is not None}
    return {"count": len(listed), "by_feature": by_feature}


# ------------------------------------------------------------------------------ context


@scenario("switch_customer")
async def switch_customer(ctx: Context) -> Values:
    client = await ctx.ready_client()

    def snapshot() -> Values:
        numeric = client.get_numeric_entitlement("feature-demo-01")
        metered = client.get_metered_entitlement("feature-demo-03")
        return {
            "customer_is": (
                "main"
                if client.customer_id == ctx.customer_id
                else "other"
                if client.customer_id == ctx.other_customer_id
                else repr(client.customer_id)
            ),
            "state": str(client.initialization_state),
            "feature-demo-01": check_summary(numeric),
            "feature-demo-03": check_summary(metered),
            "feature-seats": check_summary(client.get_metered_entitlement("feature-seats")),
        }

    first = snapshot()
    switching = client.set_customer_id(ctx.other_customer_id)
    during = client.get_metered_entitlement("feature-demo-03")
    await switching
    other = snapshot()
    await client.set_customer_id(ctx.customer_id)
    back = snapshot()
    client.clear_customer()
    cleared = {
        "customer_id": client.customer_id,
        "feature-demo-03": check_summary(client.get_metered_entitlement("feature-demo-03")),
    }
    return {
        "first": first,
        "during_switch_is_fallback": during.is_fallback,
        "other": other,
        "back": back,
        "cleared": cleared,
    }


@scenario("resource_context")
async def resource_context(ctx: Context) -> Values:
    client = await ctx.ready_client()
    before = check_summary(client.get_metered_entitlement("feature-projects"))
    await client.set_resource(ctx.resource_id)
    inside = {
        "resource_is_set": client.resource_id == ctx.resource_id,
        "projects_3": check_summary(
            client.get_metered_entitlement("feature-projects", requested_usage=3)
        ),
        "projects_4": check_summary(
            client.get_metered_entitlement("feature-projects", requested_usage=4)
        ),
        # The customer's global entitlements still answer inside the resource context.
        "feature-demo-02": check_summary(client.get_boolean_entitlement("feature-demo-02")),
    }
    slim = await client.get_active_subscriptions_list(resource_id=ctx.resource_id)
    inside["resource_subscription_plans"] = [s.plan.plan_id for s in slim if s.plan]
    client.clear_resource()
    after = check_summary(client.get_metered_entitlement("feature-projects"))
    return {
        "before": before,
        "inside": inside,
        "resource_id_after_clear": client.resource_id,
        "after_clear": after,
    }


@scenario("refresh")
async def refresh(ctx: Context) -> Values:
    client = await ctx.ready_client(ctx.refresh_customer_id)
    updates: list[list[str]] = []
    client.add_listener("entitlements_updated", lambda changed: updates.append(sorted(changed)))
    before = check_summary(client.get_metered_entitlement("feature-demo-03", requested_usage=1))
    await ctx.backend.report_usage(ctx.refresh_customer_id, "feature-demo-03", 2)
    cached = check_summary(client.get_metered_entitlement("feature-demo-03", requested_usage=1))
    await client.refresh()
    after = check_summary(client.get_metered_entitlement("feature-demo-03", requested_usage=1))
    await client.refresh()  # nothing changed: no event
    return {
        "before": before,
        "cached_until_refresh": cached,
        "after": after,
        "entitlements_updated": updates,
    }


async def wait_until(predicate: Callable[[], bool], timeout_s: float) -> bool:
    """Poll `predicate` every 20 ms for at most `timeout_s`; whether it came true."""
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@scenario("live_updates")
async def live_updates(ctx: Context) -> Values:
    """A usage report by the backend reaches the cache and listeners with no refresh() and no
    polling (the TTL is an hour): pushed over the customer's event stream."""
    client = await ctx.ready_client(
        ctx.live_customer_id, live_updates=True, reconnect=FAST_RECONNECT, cache_ttl_s=3600
    )
    updates: list[list[str]] = []
    client.add_listener("entitlements_updated", lambda changed: updates.append(sorted(changed)))
    connected = await wait_until(lambda: client.live_updates_status == "connected", LIVE_DEADLINE_S)
    before = check_summary(client.get_metered_entitlement("feature-demo-03", requested_usage=1))
    await ctx.backend.report_usage(ctx.live_customer_id, "feature-demo-03", 2)
    arrived = await wait_until(
        lambda: client.get_metered_entitlement("feature-demo-03").current_usage == 2,
        LIVE_DEADLINE_S,
    )
    return {
        "stream_client": type(client._push_connector).__name__,
        "connected": connected,
        "arrived_without_refresh": arrived,
        "connection_state": client.connection_state,
        "before": before,
        "after": check_summary(
            client.get_metered_entitlement("feature-demo-03", requested_usage=1)
        ),
        "entitlements_updated": updates,
    }


@scenario("listeners")
async def listeners(ctx: Context) -> Values:
    client = await ctx.ready_client()
    kept: list[list[str]] = []
    unsubscribed: list[list[str]] = []
    removed: list[list[str]] = []
    awaited: list[list[str]] = []
    initialized: list[bool] = []

    def failing(changed: list[str]) -> None:
        raise RuntimeError("a listener that fails must not stop the others")

    async def coroutine_listener(changed: list[str]) -> None:
        awaited.append(sorted(changed))

    def removed_listener(changed: list[str]) -> None:
        removed.append(sorted(changed))

    client.add_listener("entitlements_updated", failing)
    client.add_listener("entitlements_updated", lambda changed: kept.append(sorted(changed)))
    unsubscribe = client.add_listener(
        "entitlements_updated", lambda changed: unsubscribed.append(sorted(changed))
    )
    client.add_listener("entitlements_updated", removed_listener)
    client.add_listener("entitlements_updated", coroutine_listener)
    client.add_listener("initialized", lambda: initialized.append(True))
    unsubscribe()
    client.remove_listener("entitlements_updated", removed_listener)
    await client.set_customer_id(ctx.other_customer_id)
    for _ in range(10):  # the coroutine listener runs as a task on the loop
        if awaited:
            break
        await asyncio.sleep(0.01)
    unknown_event = ""
    try:
        client.add_listener("no_such_event", kept.append)  # type: ignore[arg-type]
    except ValueError as error:
        unknown_event = error_name(error)
    return {
        "kept": kept,
        "coroutine": awaited,
        "unsubscribed": unsubscribed,
        "removed": removed,
        "initialized_after_switch": len(initialized),
        "unknown_event_error": unknown_event,
    }


# ------------------------------------------------------------------------------ reads


@scenario("get_paywall")
async def get_paywall(ctx: Context) -> Values:
    customer = await ctx.ready_client()
    anonymous = ctx.client()
    await anonymous.wait_for_initialization()
    results: Values = {}
    for label, client in (("customer", customer), ("anonymous", anonymous)):
        paywall = await client.get_paywall(product_id="product-stigg")
        plans = {plan.id: plan for plan in paywall.plans}
        starter = plans["plan-stigg-starter"]
        pro = plans["plan-stigg-pro"]
        results[label] = {
            "plans": [plan.id for plan in paywall.plans],
            "orders": [plan.order for plan in paywall.plans],
            "currency": paywall.currency.code if paywall.currency else None,
            "starter": [starter.display_name, str(starter.pricing_type)],
            "starter_features": sorted(e.feature.id for e in starter.entitlements if e.feature),
            "pro_prices": sorted(
                f"{p.billing_period}:{p.amount}:{p.currency}" for p in pro.price_points
            ),
        }
    return results


@scenario("get_customer")
async def get_customer(ctx: Context) -> Values:
    client = await ctx.ready_client()
    customer = await client.get_customer()
    seed = await ctx.ready_client("customer-demo-01")
    seed_customer = await seed.get_customer()
    return {
        "id_is_main": customer.id == ctx.customer_id,
        "name": customer.name,
        "plans": sorted(s.plan.id for s in customer.subscriptions or [] if s.plan),
        "seed": [seed_customer.id, seed_customer.name, seed_customer.email],
        "seed_metadata": seed_customer.metadata,
    }


@scenario("get_customer_portal")
async def get_customer_portal(ctx: Context) -> Values:
    client = await ctx.ready_client()
    portal = await client.get_customer_portal()
    return {
        "plan_names": sorted(str(s.plan_name) for s in portal.subscriptions or []),
        "features": sorted(str(e.feature.ref_id) for e in portal.entitlements if e.feature),
        "show_watermark": portal.show_watermark,
    }


@scenario("subscriptions")
async def subscriptions(ctx: Context) -> Values:
    client = await ctx.ready_client()
    slim = await client.get_active_subscriptions_list()
    starter = [s for s in slim if s.plan and s.plan.plan_id == "plan-stigg-starter"]
    full = await client.get_subscription(starter[0].subscription_id)
    missing = ""
    try:
        await client.get_subscription("subscription-does-not-exist")
    except NotFoundError as error:
        missing = error_name(error)
    too_many = ""
    try:
        await client.get_active_subscriptions_list(resource_ids=[f"r{i}" for i in range(101)])
    except StiggError as error:
        too_many = error_name(error)
    return {
        "active_plans": sorted(s.plan.plan_id for s in slim if s.plan),
        "subscription_matches": full.id == starter[0].subscription_id,
        "subscription_plan": full.plan.id if full.plan else None,
        "subscription_status": str(full.status),
        "unknown_subscription_error": missing,
        "over_100_resources_error": too_many,
    }


@scenario("get_coupons")
async def get_coupons(ctx: Context) -> Values:
    client = await ctx.ready_client()
    coupons = await client.get_coupons()
    return {"ids": sorted(c.id for c in coupons)}


@scenario("estimate_subscription")
async def estimate_subscription(ctx: Context) -> Values:
    client = await ctx.ready_client()
    estimate = await client.estimate_subscription(
        plan_id="plan-stigg-pro", billing_period="MONTHLY"
    )
    total = estimate.total
    return {
        "total": [str(total.amount), total.currency] if total else None,
        "sub_total_currency": estimate.sub_total.currency if estimate.sub_total else None,
    }


# ------------------------------------------------------------------------------ failures, offline


@scenario("authentication_error")
async def authentication_error(ctx: Context) -> Values:
    client = ctx.client(api_key="wrong-key", customer_id=ctx.customer_id)
    failures: list[str] = []
    client.add_listener("initialize_failed", lambda error: failures.append(error_name(error)))
    raised = ""
    message_mentions_key = False
    try:
        await client.wait_for_initialization()
    except AuthenticationError as error:
        raised = error_name(error)
        message_mentions_key = "Double check your SDK key" in str(error)
    return {
        "raised": raised,
        "message_mentions_key": message_mentions_key,
        "state": str(client.initialization_state),
        "initialize_failed": failures,
        "check": check_summary(client.get_boolean_entitlement("feature-demo-02")),
    }


@scenario("offline")
async def offline(ctx: Context) -> Values:
    client = ctx.client(
        base_uri=UNREACHABLE,
        base_edge_uri=UNREACHABLE,
        customer_id=ctx.customer_id,
        offline=True,
        entitlements_fallback={
            "feature-demo-02": {"hasAccess": True},
            "feature-demo-03": {"hasAccess": True, "usageLimit": 10, "currentUsage": 3},
        },
    )
    # The URLs lead nowhere: any network attempt would fail the wait or the reads below.
    await client.wait_for_initialization()
    entitlements = await client.get_entitlements()
    paywall = await client.get_paywall()
    customer = await client.get_customer()
    estimate = await client.estimate_subscription(plan_id="plan-stigg-pro")
    portal = await client.get_customer_portal()
    missing = ""
    try:
        await client.get_subscription("any")
    except NotFoundError as error:
        missing = error_name(error)
    return {
        "state": str(client.initialization_state),
        "boolean": stable(client.get_boolean_entitlement("feature-demo-02")),
        "metered": stable(client.get_metered_entitlement("feature-demo-03", requested_usage=2)),
        "unconfigured": stable(client.get_numeric_entitlement("feature-demo-01")),
        "entitlements": sorted(
            [e.feature.id if e.feature else "", stable(e)] for e in entitlements
        ),
        "paywall": [len(paywall.plans), paywall.currency.code if paywall.currency else None],
        "customer": customer.id,
        "estimate_total": str(estimate.total.amount) if estimate.total else None,
        "portal_subscriptions": len(portal.subscriptions or []),
        "active_subscriptions": len(await client.get_active_subscriptions_list()),
        "coupons": len(await client.get_coupons()),
        "subscription_error": missing,
    }


# ------------------------------------------------------------------------------ runner


def environment() -> Values:
    """Where the scenarios ran (the tests check it, so a page cannot silently run elsewhere)."""
    return {
        "platform": sys.platform,
        "python": ".".join(str(part) for part in sys.version_info[:2]),
        "transport_modules": sorted(
            name
            for name in ("httpx", "pyodide.http", "requests", "pyodide_http")
            if name in sys.modules
        ),
    }


async def run_scenarios(
    config: dict[str, Any], backend: Backend, names: list[str] | None = None
) -> dict[str, Any]:
    """Run the scenarios (all, or `names`) in order; return the JSON-ready report."""
    ctx = Context(config, backend)
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for name, function in SCENARIOS.items():
        if names is not None and name not in names:
            continue
        started = time.monotonic()
        try:
            values = await asyncio.wait_for(function(ctx), SCENARIO_TIMEOUT_S)
        except Exception as error:
            results[name] = {
                "ok": False,
                "error": f"{error_name(error)}: {error}",
                "traceback": traceback.format_exc(),
            }
        else:
            results[name] = {"ok": True, "values": values}
        finally:
            await ctx.close_clients()
            timings[name] = round(time.monotonic() - started, 3)
    return {"environment": environment(), "results": results, "seconds": timings}
