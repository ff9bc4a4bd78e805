"""Credits, hand-worked (docs/protocol.md §5.7): consumption order and expiring grants, recurring
grants at period reset, void, InsufficientCredits and soft limits, auto-recharge, idempotency,
event burn, usage and estimates, errors and the creditBalanceUpdated push."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import CREDITS_CATALOG
from tests.emulator.credit_helpers import (
    CONSUME,
    CONSUME_ASYNC,
    CURRENCY,
    VOID,
    balance,
    consume,
    credit_entitlement,
    grant,
    grants,
    ledger,
    move_clock,
    new_customer,
)
from tests.emulator.helpers import Api, client, server
from tests.support.processes import CLIENT_KEY, EmulatorProcess

ENTITLEMENT = """
query E($query: FetchEntitlementQuery!) {
  entitlement(query: $query) { isGranted accessDeniedReason }
}
"""
RECHARGE_FIELDS = (
    "isEnabled thresholdType thresholdValue targetBalance maxSpendLimit currentMonthlySpend "
    "grantExpirationPeriod customCurrency { currencyId displayName } customer { customerId }"
)
SAVE_RECHARGE = (
    "mutation S($input: SaveAutoRechargeSettingsInput!) "
    f"{{ saveAutoRechargeSettings(input: $input) {{ {RECHARGE_FIELDS} }} }}"
)
GET_RECHARGE = (
    "query G($input: GetAutoRechargeSettingsInput!) "
    f"{{ getAutoRechargeSettings(input: $input) {{ {RECHARGE_FIELDS} }} }}"
)
USAGE = """
query U($input: CreditUsageInput!) {
  creditUsage(input: $input) {
    currency { currencyId }
    series { featureId featureName totalCredits eventCount points { value eventCount } }
  }
}
"""
ESTIMATE_EVENT = """
query EE($input: EstimateEventCostInput!) {
  estimateEventCost(input: $input) {
    warnings estimates { currencyId currentBalance estimatedCost balanceAfterEstimate
      wouldOverdraft breakdown { featureId cost } }
  }
}
"""
ESTIMATE_USAGE = """
query EU($input: EstimateUsageCostInput!) {
  estimateUsageCost(input: $input) { warnings estimates { currencyId estimatedCost } }
}
"""
EVENTS = "mutation R($input: UsageEventsReportInput!) { reportEvent(events: $input) }"


@pytest.fixture
def api(credits_emulator: EmulatorProcess) -> Api:
    return server(credits_emulator)


def in_days(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def by_name(customer_grants: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["displayName"]: item for item in customer_grants}


def test_consumption_order_expiring_first_then_priority(api: Api) -> None:
    customer = new_customer(api)
    grant(api, customer, 10, displayName="A", priority=1)
    grant(api, customer, 10, displayName="B", expireAt=in_days(10))
    grant(api, customer, 10, displayName="C", expireAt=in_days(5))
    grant(api, customer, 10, displayName="D", priority=50)
    grant(api, customer, 10, displayName="Later", effectiveAt=in_days(3))
    # 12: all of C (expires first), then 2 of B (expires next).
    consume(api, customer, 12)
    found = by_name(grants(api, customer))
    assert {name: g["consumedAmount"] for name, g in found.items()} == {
        "A": 0,
        "B": 2,
        "C": 10,
        "D": 0,
        "Later": 0,
    }
    assert found["Later"]["status"] == "SCHEDULED"
    assert balance(api, customer)["currentBalance"] == 28  # the scheduled grant does not count
    # Eleven days on: C (spent) and B (8 left) have expired, Later has started.
    move_clock(api, customer, "11d")
    found = by_name(grants(api, customer))
    assert (found["B"]["status"], found["C"]["status"], found["Later"]["status"]) == (
        "EXPIRED",
        "EXPIRED",
        "ACTIVE",
    )
    summary = balance(api, customer)
    assert (summary["currentBalance"], summary["totalGranted"], summary["totalConsumed"]) == (
        30,
        50,
        12,
    )
    # 15: no expiry left among A, D, Later: priority 1 (A) first, then D and Later (100, older
    # first at equal priority: D at 50 before Later at 100).
    consume(api, customer, 15)
    found = by_name(grants(api, customer))
    assert (found["A"]["consumedAmount"], found["D"]["consumedAmount"]) == (10, 5)
    assert found["Later"]["consumedAmount"] == 0
    events = [(e["eventType"], e["amount"]) for e in ledger(api, customer)]
    assert events.count(("CREDITS_EXPIRED", -8)) == 1
    assert sorted(a for t, a in events if t == "CREDITS_CONSUMED") == [-10, -10, -5, -2]
    assert sorted(a for t, a in events if t == "CREDITS_GRANTED") == [10] * 5


def test_recurring_grant_is_issued_at_each_period_reset(api: Api) -> None:
    customer = new_customer(api, "plan-ai-pro")
    entitlement = credit_entitlement(api, customer)
    assert entitlement is not None
    assert (entitlement["usageLimit"], entitlement["currentUsage"]) == (50, 0)
    assert entitlement["currency"] == {
        "currencyId": CURRENCY,
        "displayName": "AI credits",
        "unitSingular": "credit",
        "unitPlural": "credits",
    }
    first_end = entitlement["usagePeriodEnd"]
    consume(api, customer, 20)
    assert balance(api, customer)["currentBalance"] == 30
    move_clock(api, customer, "32d")  # one monthly reset later
    entitlement = credit_entitlement(api, customer)
    assert entitlement is not None
    assert (entitlement["usageLimit"], entitlement["currentUsage"]) == (50, 0)
    assert entitlement["usagePeriodEnd"] > first_end
    recurring = [g for g in grants(api, customer) if g["grantType"] == "RECURRING"]
    assert [(g["status"], g["consumedAmount"]) for g in recurring] == [
        ("ACTIVE", 0),
        ("EXPIRED", 20),
    ]
    assert {g["sourceType"] for g in recurring} == {"PLAN_ENTITLEMENT"}
    assert recurring[1]["expireAt"] == first_end
    events = [(e["eventType"], e["amount"]) for e in ledger(api, customer)]
    assert sorted(events) == sorted(
        [
            ("CREDITS_GRANTED", 50),
            ("CREDITS_CONSUMED", -20),
            ("CREDITS_EXPIRED", -30),
            ("CREDITS_GRANTED", 50),
        ]
    )
    consume(api, customer, 5)  # the write stores the new period's grant, once
    assert balance(api, customer)["currentBalance"] == 45
    assert len([g for g in grants(api, customer) if g["grantType"] == "RECURRING"]) == 2


def test_add_on_credits_scale_with_quantity(api: Api) -> None:
    customer = new_customer(api, payment_method="pm_card_visa")
    provisioned = api.data(
        "mutation P($input: ProvisionSubscriptionInput!) "
        "{ provisionSubscriptionV2(input: $input) { status } }",
        {
            "input": {
                "customerId": customer,
                "planId": "plan-ai-pro",
                "addons": [{"addonId": "addon-ai-boost", "quantity": 2}],
            }
        },
    )
    assert provisioned["provisionSubscriptionV2"]["status"] == "SUCCESS"
    assert balance(api, customer)["currentBalance"] == 50 + 2 * 10


PLAN_CREDITS = """
query P($input: GetPaywallInput!) {
  paywall(input: $input) {
    plans {
      refId
      packageEntitlements {
        __typename
        ... on PackageCreditEntitlement {
          amount cadence hasSoftLimit customCurrency { currencyId displayName }
        }
      }
    }
  }
}
"""


def test_plans_carry_their_recurring_credit_grants(api: Api) -> None:
    """A paywall plan lists its credit grants as PackageCreditEntitlement members (what a
    pricing card or checkout shows as "includes N credits"), next to its feature members."""
    plans = api.data(PLAN_CREDITS, {"input": {"productId": "product-ai"}})["paywall"]["plans"]
    members = {plan["refId"]: plan["packageEntitlements"] for plan in plans}
    credit = "PackageCreditEntitlement"
    pro = [m for m in members["plan-ai-pro"] if m["__typename"] == credit]
    assert pro == [
        {
            "__typename": credit,
            "amount": 50,
            "cadence": "MONTH",
            "hasSoftLimit": False,
            "customCurrency": {"currencyId": CURRENCY, "displayName": "AI credits"},
        }
    ]
    assert any(m["__typename"] == "PackageFeatureEntitlement" for m in members["plan-ai-pro"])
    assert [m for m in members["plan-ai-free"] if m["__typename"] == credit] == []
    [soft] = [m for m in members["plan-ai-soft"] if m["__typename"] == credit]
    assert soft["hasSoftLimit"] is True and soft["amount"] == 5


def test_void_removes_the_unconsumed_rest(api: Api) -> None:
    customer = new_customer(api)
    voided = grant(api, customer, 30, displayName="Voided")
    grant(api, customer, 5, displayName="Kept", priority=500)
    consume(api, customer, 10)
    answer = api.data(VOID, {"input": {"id": voided["grantId"]}})["voidCreditGrant"]
    assert (answer["status"], answer["consumedAmount"]) == ("VOIDED", 10)
    assert answer["voidedAt"]
    summary = balance(api, customer)
    assert (summary["currentBalance"], summary["totalGranted"], summary["totalConsumed"]) == (
        5,
        5,
        0,
    )
    assert ("CREDITS_VOIDED", -20) in [(e["eventType"], e["amount"]) for e in ledger(api, customer)]
    assert api.error_code(VOID, {"input": {"id": voided["grantId"]}}) == "CreditGrantAlreadyVoided"
    assert api.error_code(VOID, {"input": {"id": str(uuid.uuid4())}}) == "CreditGrantNotFound"


def test_insufficient_credits_and_soft_limit(api: Api) -> None:
    customer = new_customer(api, "plan-ai-free")

    def summaries(requested: float | None = None) -> dict[str, Any]:
        query: dict[str, Any] = {"customerId": customer, "featureId": "feature-summaries"}
        if requested is not None:
            query["options"] = {"requestedUsage": requested}
        return api.data(ENTITLEMENT, {"query": query})["entitlement"]  # type: ignore[no-any-return]

    assert summaries() == {"isGranted": False, "accessDeniedReason": "InsufficientCredits"}
    grant(api, customer, 4)
    assert summaries(2)["isGranted"] is True  # costs 4 of 4
    assert summaries(3)["accessDeniedReason"] == "InsufficientCredits"  # costs 6
    consume(api, customer, 10)  # beyond the balance: the rest goes on an overdraft grant
    assert balance(api, customer)["currentBalance"] == -6
    entitlement = credit_entitlement(api, customer)
    assert entitlement is not None
    assert (entitlement["isGranted"], entitlement["accessDeniedReason"]) == (
        False,
        "InsufficientCredits",
    )
    assert "OVERDRAFT" in {g["grantType"] for g in grants(api, customer)}
    grant(api, customer, 10)
    assert balance(api, customer)["currentBalance"] == 4  # a new grant covers the overdraft first

    soft = new_customer(api, "plan-ai-soft")
    consume(api, soft, 8)
    entitlement = credit_entitlement(api, soft)
    assert entitlement is not None
    assert (entitlement["isGranted"], entitlement["hasSoftLimit"]) == (True, True)
    assert balance(api, soft)["currentBalance"] == -3


def test_auto_recharge_buys_up_to_the_target_within_the_spend_limit(api: Api) -> None:
    customer = new_customer(api, payment_method="pm_card_visa")
    grant(api, customer, 100)
    saved = api.data(
        SAVE_RECHARGE,
        {
            "input": {
                "customerId": customer,
                "currencyId": CURRENCY,
                "isEnabled": True,
                "thresholdType": "CreditAmount",
                "thresholdValue": 20,
                "targetBalance": 100,
                "maxSpendLimit": 1.5,
                "grantExpirationPeriod": "OneMonth",
            }
        },
    )["saveAutoRechargeSettings"]
    assert (saved["isEnabled"], saved["currentMonthlySpend"]) == (True, 0)
    consume(api, customer, 85)  # 15 left < 20: buy 85 credits at $0.01
    assert balance(api, customer)["currentBalance"] == 100
    paid = [g for g in grants(api, customer) if g["grantType"] == "PAID"]
    assert len(paid) == 1
    assert paid[0]["amount"] == 85
    assert paid[0]["cost"] == {"amount": 0.85, "currency": "USD"}
    assert paid[0]["invoiceId"].startswith("in_local_")
    assert paid[0]["automaticRechargeConfigurationId"]
    assert paid[0]["paymentCollection"] == "NOT_REQUIRED"
    settings = api.data(GET_RECHARGE, {"input": {"customerId": customer, "currencyId": CURRENCY}})
    assert settings["getAutoRechargeSettings"]["currentMonthlySpend"] == 0.85
    consume(api, customer, 85)  # another 0.85 would pass the 1.50 limit: no purchase
    assert balance(api, customer)["currentBalance"] == 15
    assert len([g for g in grants(api, customer) if g["grantType"] == "PAID"]) == 1
    fresh = new_customer(api)
    default = api.data(GET_RECHARGE, {"input": {"customerId": fresh, "currencyId": CURRENCY}})
    assert default["getAutoRechargeSettings"]["isEnabled"] is False


def test_idempotent_consumption_async_batches_and_event_burn(api: Api) -> None:
    customer = new_customer(api, "plan-ai-free")
    grant(api, customer, 100)
    first = consume(api, customer, 3, "key-1")
    again = consume(api, customer, 3, "key-1")
    assert first == again
    assert first["credit"]["currentUsage"] == 3
    items = [
        {"customerId": customer, "currencyId": CURRENCY, "amount": 1, "idempotencyKey": key}
        for key in ("a-1", "a-2", "key-1")
    ]
    assert api.data(CONSUME_ASYNC, {"input": {"consumptions": items}})["consumeCreditsAsync"]
    assert balance(api, customer)["currentBalance"] == 95  # key-1 counted once
    events = [
        {"customerId": customer, "eventName": "ai_assist", "idempotencyKey": key, "dimensions": dim}
        for key, dim in (("e-1", {"words": 10}), ("e-2", {"words": 4}), ("e-1", {"words": 10}))
    ]
    api.data(EVENTS, {"input": {"usageEvents": events}})
    api.data(EVENTS, {"input": {"usageEvents": events[:1]}})  # a retried event burns nothing
    assert balance(api, customer)["currentBalance"] == 95 - 14 * 0.5
    usage = api.data(USAGE, {"input": {"customerId": customer, "currencyId": CURRENCY}})
    series = {item["featureId"]: item for item in usage["creditUsage"]["series"]}
    assert series["feature-ai-assists"]["totalCredits"] == 7
    assert series["feature-ai-assists"]["featureName"] == "AI assists"
    assert series[None]["totalCredits"] == 5
    assert series[None]["eventCount"] == 3
    assert sum(p["value"] for p in series[None]["points"]) == 5
    estimate = api.data(
        ESTIMATE_EVENT,
        {"input": {"customerId": customer, "eventName": "ai_assist", "dimensions": {"words": 6}}},
    )["estimateEventCost"]
    assert estimate["warnings"] == ["FEATURE_NOT_CREDIT_BASED"]  # feature-plain counts it too
    assert estimate["estimates"] == [
        {
            "currencyId": CURRENCY,
            "currentBalance": 88,
            "estimatedCost": 3,
            "balanceAfterEstimate": 85,
            "wouldOverdraft": False,
            "breakdown": [{"featureId": "feature-ai-assists", "cost": 3}],
        }
    ]
    by_usage = api.data(
        ESTIMATE_USAGE,
        {"input": {"customerId": customer, "featureId": "feature-summaries", "value": 50}},
    )["estimateUsageCost"]
    assert by_usage == {
        "warnings": [],
        "estimates": [{"currencyId": CURRENCY, "estimatedCost": 100}],
    }
    unknown = api.data(
        ESTIMATE_USAGE, {"input": {"customerId": customer, "featureId": "nope", "value": 1}}
    )["estimateUsageCost"]
    assert unknown == {"warnings": ["FEATURE_NOT_FOUND"], "estimates": []}


def test_ledger_pages_newest_first(api: Api) -> None:
    customer = new_customer(api)
    grant(api, customer, 10)
    for _ in range(4):
        consume(api, customer, 1)
    query = (
        "query L($input: CreditLedgerInput!) { creditsLedger(input: $input) { totalCount "
        "pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { eventType } } } }"
    )
    seen: list[str] = []
    after = None
    while True:
        paging: dict[str, Any] = {"first": 2, **({"after": after} if after else {})}
        page = api.data(query, {"input": {"customerId": customer, "paging": paging}})
        page = page["creditsLedger"]
        assert page["totalCount"] == 5
        seen.extend(edge["node"]["eventType"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["CREDITS_CONSUMED"] * 4 + ["CREDITS_GRANTED"]
    granted_only = ledger(api, customer, eventType=["CREDITS_GRANTED"])
    assert [e["eventType"] for e in granted_only] == ["CREDITS_GRANTED"]


def test_bad_input_is_refused_with_stigg_codes(credits_emulator: EmulatorProcess) -> None:
    api = server(credits_emulator)
    customer = new_customer(api)
    base = {"customerId": customer, "currencyId": CURRENCY, "amount": 1, "idempotencyKey": "x"}
    assert api.error_code(CONSUME, {"input": {**base, "currencyId": "nope"}}) == (
        "CustomCurrencyNotFound"
    )
    assert api.error_code(CONSUME, {"input": {**base, "customerId": "nobody"}}) == (
        "CustomerNotFound"
    )
    assert api.error_code(CONSUME, {"input": {**base, "amount": -1}}) == "BadUserInput"
    assert api.error_code(CONSUME, {"input": {**base, "idempotencyKey": ""}}) == "BadUserInput"
    browser = client(credits_emulator)
    assert browser.error_code(CONSUME, {"input": base}) == "Unauthenticated"
    assert balance(api, customer) == {}


def test_balance_changes_are_pushed_over_sse(credits_emulator: EmulatorProcess) -> None:
    api = server(credits_emulator)
    customer = new_customer(api)
    url = f"{credits_emulator.base_url}/v1/c/{customer}/events"
    with httpx.stream("GET", url, params={"apiKey": CLIENT_KEY}, timeout=10) as response:
        kind = ""
        for line in response.iter_lines():
            if line.startswith("event: ready"):
                grant(api, customer, 7)
            elif line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: ") and kind == "creditBalanceUpdated":
                pushed = json.loads(line.removeprefix("data: "))
                break
    assert pushed["__typename"] == "CreditBalanceUpdated"
    assert (pushed["customerId"], pushed["currencyId"], pushed["currentBalance"]) == (
        customer,
        CURRENCY,
        7,
    )
    assert pushed["currency"]["displayName"] == "AI credits"


def test_catalog_rejects_bad_credit_config(tmp_path: Path) -> None:
    from stigg_emulator.catalog.loader import load_catalog
    from stigg_emulator.catalog.yaml_lines import CatalogError

    base = CREDITS_CATALOG.read_text()
    broken = base.replace(
        "creditRate: {currency: currency-ai-credits, amount: 2}",
        "creditRate: {currency: gold, amount: 2}",
    )
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    with pytest.raises(CatalogError, match="unknown currency 'gold'"):
        load_catalog(path)
    path.write_text(base.replace("cadence: MONTH}", "cadence: WEEK}", 1))
    with pytest.raises(CatalogError, match="cadence"):
        load_catalog(path)


def test_a_charged_paid_grant_counts_only_once_paid(api: Api) -> None:
    cost = {"amount": 2.5, "currency": "USD"}
    paying = new_customer(api, payment_method="pm_card_visa")
    paid = grant(api, paying, 250, grantType="PAID", cost=cost, paymentCollectionMethod="CHARGE")
    assert paid["status"] == "ACTIVE"
    [listed] = grants(api, paying)
    assert listed["invoiceId"].startswith("in_local_")
    assert balance(api, paying)["currentBalance"] == 250
    invoices = api.http.get(
        f"/billing/{paying}/invoices", headers={"accept": "application/json"}
    ).json()["data"]
    assert [(i["billingReason"], i["status"], i["total"]) for i in invoices] == [
        ("MANUAL", "PAID", 2.5)
    ]
    declined = new_customer(api, payment_method="pm_card_chargeDeclined")
    pending = grant(
        api, declined, 250, grantType="PAID", cost=cost, paymentCollectionMethod="CHARGE"
    )
    assert pending["status"] == "PAYMENT_PENDING"
    assert balance(api, declined)["currentBalance"] == 0


def test_a_client_key_reads_credits_and_saves_auto_recharge(
    credits_emulator: EmulatorProcess,
) -> None:
    api = server(credits_emulator)
    browser = client(credits_emulator)
    customer = new_customer(api)
    grant(api, customer, 12)
    assert balance(browser, customer)["currentBalance"] == 12
    assert [g["amount"] for g in grants(browser, customer)] == [12]
    saved = browser.data(
        SAVE_RECHARGE,
        {"input": {"customerId": customer, "currencyId": CURRENCY, "isEnabled": False}},
    )["saveAutoRechargeSettings"]
    assert saved["customer"] == {"customerId": customer}
    assert (
        browser.error_code(
            "mutation G($input: CreditGrantInput!) { createCreditGrant(input: $input) { amount } }",
            {
                "input": {
                    "customerId": customer,
                    "currencyId": CURRENCY,
                    "amount": 1,
                    "displayName": "x",
                    "grantType": "PROMOTIONAL",
                }
            },
        )
        == "Unauthenticated"
    )
