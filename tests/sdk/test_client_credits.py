"""The client's credits against recorded GraphQL answers (tests/sdk/fixtures/credits): the cached
balance check and its fallback, live balance pushes, `get_entitlements`, the reads, offline."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from stigg_client import Stigg
from stigg_client.models.credits import CreditEntitlement, CreditGrantType
from stigg_client.transport.base import HttpResponse

RECORDED = Path(__file__).parent / "fixtures" / "credits"
CURRENCY = "currency-ai-credits"
OTHER_ANSWERS: dict[str, Any] = {
    "GetSdkConfiguration": {"data": {"sdkConfiguration": {"isWidgetWatermarkEnabled": False}}},
    "GetEntitlements": {"data": {"entitlements": []}},
}


class RecordedApi:
    """A transport answering each GraphQL operation with its recorded JSON."""

    def __init__(self) -> None:
        self.operations: list[tuple[str, dict[str, Any]]] = []

    async def request(self, method: str, url: str, *, json_body: Any = None, **_: Any) -> Any:
        name = json_body["operationName"]
        self.operations.append((name, json_body.get("variables") or {}))
        path = RECORDED / f"{name}.json"
        body = json.loads(path.read_text()) if path.exists() else OTHER_ANSWERS[name]
        return HttpResponse(status=200, reason="OK", body=body)

    def sent(self, name: str) -> list[dict[str, Any]]:
        return [variables for operation, variables in self.operations if operation == name]

    async def aclose(self) -> None:
        return None


def client_on(api: RecordedApi, **settings: Any) -> Stigg:
    return Stigg.initialize(
        "client-key",
        customer_id="customer-credits",
        transport=api,  # type: ignore[arg-type]  # duck-typed Transport
        enable_edge=False,
        background_refresh=False,
        live_updates=False,
        **settings,
    )


async def loaded_client(api: RecordedApi) -> Stigg:
    client = client_on(api)
    await client.wait_for_initialization()
    await client.get_credit_entitlements()
    return client


async def test_balance_check_answers_the_fallback_then_the_loaded_balance() -> None:
    api = RecordedApi()
    client = client_on(api, entitlements_fallback={CURRENCY: {"hasAccess": True, "usageLimit": 5}})
    await client.wait_for_initialization()
    seen: list[list[str]] = []
    client.add_listener("credit_balance_updated", seen.append)
    first = client.get_credit_entitlement(CURRENCY)
    assert (first.is_fallback, first.has_access, first.usage_limit) == (True, True, 5)
    await asyncio.gather(*client._credit_loads.values())  # the check started the load
    assert seen == [[CURRENCY, "currency-tokens"]]
    result = client.get_credit_entitlement(CURRENCY, requested_usage=80)
    assert (result.is_fallback, result.has_access, result.balance) == (False, True, 80)
    assert result.currency is not None and result.currency.unit_plural == "credits"
    assert client.get_credit_entitlement(CURRENCY, requested_usage=81).access_denied_reason == (
        "InsufficientCredits"
    )
    assert api.sent("GetCreditEntitlements") == [{"query": {"customerId": "customer-credits"}}]
    await client.close()


async def test_an_empty_balance_and_an_unknown_currency_are_denied() -> None:
    client = await loaded_client(RecordedApi())
    empty = client.get_credit_entitlement("currency-tokens")
    assert (empty.has_access, empty.access_denied_reason, empty.balance) == (
        False,
        "InsufficientCredits",
        0,
    )
    unknown = client.get_credit_entitlement("currency-none")
    assert (unknown.is_fallback, unknown.has_access) == (False, False)
    assert unknown.access_denied_reason == "NoFeatureEntitlementInSubscription"
    await client.close()


async def test_a_pushed_balance_replaces_the_cached_one_and_notifies() -> None:
    client = await loaded_client(RecordedApi())
    seen: list[list[str]] = []
    client.add_listener("credit_balance_updated", seen.append)
    push = {
        "customerId": "customer-credits",
        "resourceId": None,
        "currencyId": CURRENCY,
        "currentBalance": 0,
        "totalGranted": 100,
        "totalConsumed": 100,
        "currency": {"currencyId": CURRENCY, "displayName": "AI credits"},
    }
    client._on_pushed("creditBalanceUpdated", push)
    client._on_pushed("creditBalanceUpdated", {**push, "customerId": "someone-else"})
    assert seen == [[CURRENCY]]
    spent = client.get_credit_entitlement(CURRENCY)
    assert (spent.has_access, spent.access_denied_reason, spent.balance) == (
        False,
        "InsufficientCredits",
        0,
    )
    assert spent.currency is not None and spent.currency.unit_plural == "credits"  # kept
    client._on_pushed("creditBalanceUpdated", {**push, "currentBalance": 100, "totalGranted": 200})
    assert client.get_credit_entitlement(CURRENCY, requested_usage=100).has_access is True
    await client.close()


async def test_get_entitlements_lists_credit_entitlements_after_the_features() -> None:
    client = client_on(RecordedApi())
    await client.wait_for_initialization()
    listed = await client.get_entitlements()
    credits = [item for item in listed if isinstance(item, CreditEntitlement)]
    assert [item.currency.currency_id for item in credits if item.currency] == [
        CURRENCY,
        "currency-tokens",
    ]
    assert [item.has_access for item in credits] == [True, False]
    await client.close()


class OverlapCheckingApi(RecordedApi):
    """Holds the feature and credit reads until both are in flight: sequential reads time out."""

    def __init__(self) -> None:
        super().__init__()
        self.held = {"GetEntitlements": asyncio.Event(), "GetCreditEntitlements": asyncio.Event()}

    async def request(self, method: str, url: str, *, json_body: Any = None, **_: Any) -> Any:
        name = json_body["operationName"]
        if name in self.held:
            self.held[name].set()
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in self.held.values())), 2)
        return await super().request(method, url, json_body=json_body)


async def test_get_entitlements_renews_features_and_credits_at_the_same_time() -> None:
    api = OverlapCheckingApi()
    client = client_on(api, cache_ttl_s=0.001)
    for event in api.held.values():
        event.set()  # start-up loads the features alone
    await client.wait_for_initialization()
    for event in api.held.values():
        event.clear()
    await asyncio.sleep(0.01)  # both caches stale
    listed = await client.get_entitlements()
    assert sum(isinstance(item, CreditEntitlement) for item in listed) == 2
    assert [name for name, _ in api.operations[-2:]] in (
        ["GetEntitlements", "GetCreditEntitlements"],
        ["GetCreditEntitlements", "GetEntitlements"],
    )
    await client.close()


async def test_reads_send_the_context_and_validate_the_answers() -> None:
    api = RecordedApi()
    client = client_on(api, resource_id=None)
    await client.wait_for_initialization()
    grants = await client.get_credit_grants(CURRENCY)
    assert [(g.grant_id, g.grant_type, g.amount - g.consumed_amount) for g in grants] == [
        ("grant-1", CreditGrantType.PROMOTIONAL, 30),
        ("grant-2", CreditGrantType.PAID, 100),
    ]
    assert api.sent("GetCreditGrants") == [
        {
            "input": {
                "customerId": "customer-credits",
                "currencyId": CURRENCY,
                "paging": {"first": 100},
            }
        }
    ]
    usage = await client.get_credit_usage(CURRENCY, time_range="LAST_WEEK")
    (series,) = usage.series
    assert (series.feature_name, [p.value for p in series.points]) == ("AI assists", [5, 15])
    assert api.sent("GetCreditUsage")[0]["input"]["timeRange"] == "LAST_WEEK"
    settings = await client.get_auto_recharge_settings(CURRENCY)
    assert (settings.is_enabled, settings.threshold_value, settings.target_balance) == (
        True,
        10,
        100,
    )
    with pytest.raises(ValueError):
        await client.get_credit_usage(CURRENCY, time_range="LAST_CENTURY")
    await client.close()


async def test_offline_client_answers_fallbacks_and_empty_reads() -> None:
    client = Stigg.initialize(
        offline=True,
        customer_id="customer-credits",
        entitlements_fallback={CURRENCY: {"hasAccess": True, "usageLimit": 3}},
    )
    result = client.get_credit_entitlement(CURRENCY)
    assert (result.is_fallback, result.has_access, result.balance) == (True, True, 3)
    assert client.get_credit_entitlement("other").is_fallback is True
    assert await client.get_credit_grants() == []
    assert (await client.get_credit_usage(CURRENCY)).series == []
    assert (await client.get_auto_recharge_settings(CURRENCY)).is_enabled is False
    assert await client.get_credit_entitlements() == []
    await client.close()


async def test_a_cancelled_caller_does_not_cancel_the_load_another_awaits() -> None:
    client = client_on(RecordedApi())
    await client.wait_for_initialization()
    first = asyncio.ensure_future(client.get_credit_entitlements())
    second = asyncio.ensure_future(client.get_credit_entitlements())
    await asyncio.sleep(0)  # both wait on the one load now
    first.cancel()
    assert len(await second) == 2
    await client.close()
