"""Per-customer test clocks: each transition happens by the customer's own "now", others wait.

Every test starts the global clock at T0, moves only customer A's clock, and checks that B (same
plan, same history) is untouched; the last ones compose a customer clock with the global one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.emulator.billing.helpers import (
    entitlement,
    invoices,
    new_customer,
    plans,
    provision,
    report_usage,
    set_clock,
    subscription,
)
from tests.emulator.conftest import start_emulator
from tests.emulator.helpers import Api, server
from tests.support.processes import REPO_ROOT, SERVER_KEY, EmulatorProcess

T0 = "2030-01-01T00:00:00Z"
JAN1 = "2030-01-01T00:00:00.000Z"
FEB1 = "2030-02-01T00:00:00.000Z"
CATALOG = Path(__file__).parents[1] / "catalogs" / "billing.yaml"


def customer_clock(api: Api, customer: str, *, to: str | None = None, by: str | None = None) -> Any:
    """Advance only `customer`'s clock; returns the endpoint's report."""
    body: dict[str, str] = {"customerId": customer, **({"to": to} if to else {"by": by or ""})}
    response = api.http.post("/emulator/clock", json=body, headers={"X-API-KEY": SERVER_KEY})
    assert response.status_code == 200, response.text
    return response.json()


def _pair(api: Api, payment_method: str | None = "pm_card_visa") -> tuple[str, str]:
    return new_customer(api, payment_method), new_customer(api, payment_method)


def _periods(api: Api, ref: str) -> tuple[str, str]:
    row = api.data(
        "query A($input: GetActiveSubscriptionsInput!) { getActiveSubscriptions(input: $input)"
        " { currentBillingPeriodStart currentBillingPeriodEnd } }",
        {"input": {"customerId": ref}},
    )["getActiveSubscriptions"][0]
    return row["currentBillingPeriodStart"], row["currentBillingPeriodEnd"]


def test_usage_resets_and_renewal_follow_the_customer_clock(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    a, b = _pair(api)
    for ref in (a, b):
        provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
        report_usage(api, ref, "feature-b-calls", 7)
    report = customer_clock(api, a, by="P31D")
    assert report["customerId"] == a
    assert report["now"] == "2030-02-01T00:00:00.000Z"
    assert len(report["invoices"]) == 1
    assert entitlement(api, a, "feature-b-calls")["currentUsage"] == 0
    assert entitlement(api, a, "feature-b-calls")["usagePeriodStart"] == FEB1
    assert entitlement(api, b, "feature-b-calls")["currentUsage"] == 7
    assert entitlement(api, b, "feature-b-calls")["usagePeriodStart"] == JAN1
    assert _periods(api, a) == (FEB1, "2030-03-01T00:00:00.000Z")
    assert _periods(api, b) == (JAN1, FEB1)
    assert [row["billingReason"] for row in invoices(api, a)] == [
        "BILLING_CYCLE",
        "SUBSCRIPTION_CREATION",
    ]
    assert [row["billingReason"] for row in invoices(api, b)] == ["SUBSCRIPTION_CREATION"]
    # The global clock did not move; the customer's "now" is readable on its own.
    headers = {"X-API-KEY": SERVER_KEY}
    shown = api.http.get("/emulator/clock", headers=headers).json()
    assert shown["now"] == "2030-01-01T00:00:00.000Z"
    assert shown["customerClocks"] == {a: "2030-02-01T00:00:00.000Z"}
    own = api.http.get("/emulator/clock", params={"customerId": a}, headers=headers).json()
    assert (own["now"], own["offsetMs"]) == ("2030-02-01T00:00:00.000Z", 31 * 86_400_000)


def test_trial_conversion_and_portal_days_follow_the_customer_clock(
    billing: EmulatorProcess,
) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    a, b = _pair(api)
    subs = {
        ref: provision(api, customerId=ref, planId="plan-b-trial-convert")["subscription"]
        for ref in (a, b)
    }
    customer_clock(api, a, by="3d")

    def remaining(ref: str) -> Any:
        return api.data(
            "query P($input: CustomerPortalInput!) { customerPortal(input: $input) "
            "{ subscriptions { trialRemainingDays } } }",
            {"input": {"customerId": ref}},
        )["customerPortal"]["subscriptions"][0]["trialRemainingDays"]

    assert (remaining(a), remaining(b)) == (4, 7)
    customer_clock(api, a, to="2030-01-08T00:00:00Z")
    after_a = subscription(api, subs[a]["subscriptionId"])
    assert after_a["status"] == "ACTIVE"
    assert after_a["latestInvoice"]["billingReason"] == "BILLING_CYCLE"
    assert subscription(api, subs[b]["subscriptionId"])["status"] == "IN_TRIAL"
    assert invoices(api, b) == []


def test_trial_without_a_card_ends_only_for_that_customer(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    a, b = _pair(api, None)
    for ref in (a, b):
        provision(api, customerId=ref, planId="plan-b-trial-convert")
    customer_clock(api, a, by="8d")
    assert plans(api, a) == ["plan-b-free"]
    assert plans(api, b) == ["plan-b-trial-convert"]


def test_scheduled_seat_change_applies_at_the_customer_period_end(
    billing: EmulatorProcess,
) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    a, b = _pair(api)
    subs = {}
    for ref in (a, b):
        subs[ref] = provision(
            api,
            customerId=ref,
            planId="plan-b-seats",
            billingPeriod="MONTHLY",
            billableFeatures=[{"featureId": "feature-b-seats", "quantity": 5}],
        )["subscription"]["subscriptionId"]
        api.data(
            "mutation U($input: UpdateSubscriptionInput!) { updateOneSubscription(input: $input) "
            "{ subscriptionId } }",
            {
                "input": {
                    "refId": subs[ref],
                    "billableFeatures": [{"featureId": "feature-b-seats", "quantity": 2}],
                    "scheduleStrategy": "END_OF_BILLING_PERIOD",
                }
            },
        )
    customer_clock(api, a, to="2030-02-15T00:00:00Z")
    moved = subscription(api, subs[a])
    assert moved["prices"][0]["usageLimit"] == 2
    # 2 seats x 10 = 20 at the 2030-02-01 renewal.
    assert (moved["latestInvoice"]["billingReason"], moved["latestInvoice"]["total"]) == (
        "BILLING_CYCLE",
        20,
    )
    waiting = subscription(api, subs[b])
    assert waiting["prices"][0]["usageLimit"] == 5
    assert waiting["latestInvoice"]["billingReason"] == "SUBSCRIPTION_CREATION"


def test_cancel_at_period_end_by_the_customer_clock(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    a, b = _pair(api)
    for ref in (a, b):
        sub = provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
        api.data(
            "mutation C($input: SubscriptionCancellationInput!) { cancelSubscription(input: "
            "$input) { subscriptionId } }",
            {
                "input": {
                    "subscriptionRefId": sub["subscription"]["subscriptionId"],
                    "subscriptionCancellationTime": "END_OF_BILLING_PERIOD",
                }
            },
        )
    customer_clock(api, a, by="40d")
    assert plans(api, a) == ["plan-b-free"]
    assert plans(api, b) == ["plan-b-basic"]
    # A's subscription ended at A's period end; no renewal for the ended plan.
    assert [row["billingReason"] for row in invoices(api, a)] == ["SUBSCRIPTION_CREATION"]


def test_promotional_grant_expires_by_the_customer_clock(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    a, b = _pair(api, None)
    for ref in (a, b):
        provision(api, customerId=ref, planId="plan-b-free")
        api.data(
            "mutation G($input: GrantPromotionalEntitlementsInput!) { "
            "grantPromotionalEntitlements(input: $input) { id } }",
            {
                "input": {
                    "customerId": ref,
                    "promotionalEntitlements": [
                        {"featureId": "feature-b-flag", "period": "ONE_WEEK"}
                    ],
                }
            },
        )
    report = customer_clock(api, a, by="8d")
    assert report["expiredPromotions"] == 1
    assert entitlement(api, a, "feature-b-flag")["isGranted"] is False
    assert entitlement(api, b, "feature-b-flag")["isGranted"] is True


def test_global_advance_composes_with_customer_clocks(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    a, b = _pair(api)
    for ref in (a, b):
        provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
    customer_clock(api, a, by="40d")  # A: 2030-02-10 (renewed 2030-02-01)
    report = set_clock(api, by="31d")  # global 2030-02-01; A 2030-03-13
    assert report["now"] == FEB1
    assert len(report["invoices"]) == 2  # B's February and A's March renewal
    starts_a = [row["periodStart"] for row in invoices(api, a)]
    assert starts_a == ["2030-03-01T00:00:00.000Z", FEB1, JAN1]
    assert [row["periodStart"] for row in invoices(api, b)] == [FEB1, JAN1]
    own = api.http.get(
        "/emulator/clock", params={"customerId": a}, headers={"X-API-KEY": SERVER_KEY}
    ).json()
    assert own["now"] == "2030-03-13T00:00:00.000Z"


def test_customer_clock_rules_cli_and_restart(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path, CATALOG)
    try:
        api = server(emulator)
        set_clock(api, to=T0)
        a = new_customer(api, "pm_card_visa")
        provision(api, customerId=a, planId="plan-b-basic", billingPeriod="MONTHLY")
        url = f"{emulator.base_url}/emulator/clock"
        headers = {"X-API-KEY": SERVER_KEY}
        missing = httpx.post(url, json={"by": "1d", "customerId": "nobody"}, headers=headers)
        assert missing.status_code == 404 and "CustomerNotFound" in missing.text
        command = [sys.executable, "-m", "stigg_emulator", "clock"]
        target = ["--url", emulator.base_url, "--server-key", SERVER_KEY, "--customer", a]
        done = subprocess.run(
            [*command, "advance", "--by", "10d", *target],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(done.stdout)["now"] == "2030-01-11T00:00:00.000Z"
        back = httpx.post(
            url, json={"to": "2030-01-05T00:00:00Z", "customerId": a}, headers=headers
        )
        assert back.status_code == 400 and "cannot go back" in back.text
        emulator.restart()
        shown = subprocess.run(
            [*command, "show", *target], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        )
        assert json.loads(shown.stdout)["now"] == "2030-01-11T00:00:00.000Z"
        assert _periods(server(emulator), a) == (JAN1, FEB1)
        customer_clock(server(emulator), a, by="21d")
        assert _periods(server(emulator), a) == (FEB1, "2030-03-01T00:00:00.000Z")
    finally:
        emulator.stop()
