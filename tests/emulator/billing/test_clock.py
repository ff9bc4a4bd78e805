"""The test clock: each transition that crossing time causes, and the clock's HTTP/CLI surface."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx

from tests.emulator.billing.helpers import (
    customer_at,
    entitlement,
    invoices,
    new_customer,
    plans,
    provision,
    report_usage,
    set_clock,
    subscription,
)
from tests.emulator.helpers import server
from tests.support.processes import CLIENT_KEY, REPO_ROOT, SERVER_KEY, EmulatorProcess

T0 = "2030-01-01T00:00:00Z"
FEB1 = "2030-02-01T00:00:00.000Z"


def test_usage_resets_when_its_period_ends(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
    report_usage(api, ref, "feature-b-calls", 7)
    assert entitlement(api, ref, "feature-b-calls")["currentUsage"] == 7
    set_clock(api, to="2030-01-31T23:59:59Z")
    assert entitlement(api, ref, "feature-b-calls")["currentUsage"] == 7
    set_clock(api, by="1s")
    after = entitlement(api, ref, "feature-b-calls")
    assert after["currentUsage"] == 0
    assert after["usagePeriodStart"] == FEB1


def test_daily_and_weekly_usage_reset_at_their_boundaries(billing: EmulatorProcess) -> None:
    # Basic: Exports reset DAY (periods from the subscription start), Reports reset WEEK on
    # Mondays 00:00 UTC. The subscription starts Tuesday 2030-01-01 06:00, so daily periods run
    # 06:00 .. 06:00 and the first weekly one Monday 2029-12-31 .. Monday 2030-01-07.
    api = server(billing)
    set_clock(api, to="2030-01-01T06:00:00Z")
    ref = new_customer(api, "pm_card_visa")
    provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")
    report_usage(api, ref, "feature-b-exports", 4)
    report_usage(api, ref, "feature-b-reports", 9)
    exports = entitlement(api, ref, "feature-b-exports")
    assert (exports["currentUsage"], exports["usageLimit"]) == (4, 5)
    assert exports["usagePeriodStart"] == "2030-01-01T06:00:00.000Z"
    assert exports["usagePeriodEnd"] == "2030-01-02T06:00:00.000Z"
    reports = entitlement(api, ref, "feature-b-reports")
    assert reports["usagePeriodStart"] == "2029-12-31T00:00:00.000Z"
    assert reports["usagePeriodEnd"] == "2030-01-07T00:00:00.000Z"
    # Midnight is not a boundary of the daily period; one second before 06:00 neither.
    set_clock(api, to="2030-01-02T05:59:59Z")
    assert entitlement(api, ref, "feature-b-exports")["currentUsage"] == 4
    set_clock(api, by="1s")
    exports = entitlement(api, ref, "feature-b-exports")
    assert exports["currentUsage"] == 0
    assert exports["usagePeriodStart"] == "2030-01-02T06:00:00.000Z"
    assert entitlement(api, ref, "feature-b-reports")["currentUsage"] == 9
    # Seven days after the start (2030-01-08 06:00) is not the weekly boundary: Monday is.
    report_usage(api, ref, "feature-b-reports", 1)
    set_clock(api, to="2030-01-06T23:59:59Z")
    assert entitlement(api, ref, "feature-b-reports")["currentUsage"] == 10
    set_clock(api, by="1s")
    reports = entitlement(api, ref, "feature-b-reports")
    assert reports["currentUsage"] == 0
    assert reports["usagePeriodStart"] == "2030-01-07T00:00:00.000Z"
    assert reports["usagePeriodEnd"] == "2030-01-14T00:00:00.000Z"


def test_trial_with_a_card_converts_to_paid_and_is_invoiced(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub = provision(api, customerId=ref, planId="plan-b-trial-convert")["subscription"]
    assert sub["status"] == "IN_TRIAL" and sub["latestInvoice"] is None
    report = set_clock(api, by="7d")
    assert report["transitions"] >= 1
    after = subscription(api, sub["subscriptionId"])
    assert after["status"] == "ACTIVE"
    assert after["latestInvoice"]["billingReason"] == "BILLING_CYCLE"
    assert after["latestInvoice"]["total"] == 50
    assert after["latestInvoice"]["status"] == "PAID"


def test_trial_without_a_card_ends_and_falls_back_to_the_downgrade_plan(
    billing: EmulatorProcess,
) -> None:
    api, ref = customer_at(billing, T0)
    sub = provision(api, customerId=ref, planId="plan-b-trial-convert")["subscription"]
    set_clock(api, to="2030-01-07T23:00:00Z")
    assert plans(api, ref) == ["plan-b-trial-convert"]
    set_clock(api, to="2030-01-08T00:00:00Z")
    assert subscription(api, sub["subscriptionId"])["status"] == "EXPIRED"
    assert plans(api, ref) == ["plan-b-free"]
    assert invoices(api, ref) == []


def test_trial_configured_to_cancel_ends_even_with_a_card(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub = provision(api, customerId=ref, planId="plan-b-trial-cancel")["subscription"]
    set_clock(api, by="8d")
    assert subscription(api, sub["subscriptionId"])["status"] == "EXPIRED"
    assert plans(api, ref) == ["plan-b-free"]
    assert invoices(api, ref) == []


def test_scheduled_downgrade_and_seat_change_apply_at_period_end(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    seats = provision(
        api,
        customerId=ref,
        planId="plan-b-seats",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": 5}],
    )["subscription"]
    api.data(
        "mutation U($input: UpdateSubscriptionInput!) { updateOneSubscription(input: $input) "
        "{ subscriptionId } }",
        {
            "input": {
                "refId": seats["subscriptionId"],
                "billableFeatures": [{"featureId": "feature-b-seats", "quantity": 2}],
                "scheduleStrategy": "END_OF_BILLING_PERIOD",
            }
        },
    )
    set_clock(api, to="2030-01-20T00:00:00Z")
    assert subscription(api, seats["subscriptionId"])["prices"][0]["usageLimit"] == 5
    set_clock(api, to="2030-02-15T00:00:00Z")
    # The seat change applied at 2030-02-01 before the renewal: 2 x 10 = 20.
    renewal = subscription(api, seats["subscriptionId"])
    assert renewal["prices"][0]["usageLimit"] == 2
    assert (renewal["latestInvoice"]["billingReason"], renewal["latestInvoice"]["total"]) == (
        "BILLING_CYCLE",
        20,
    )
    # A plan downgrade scheduled for the end of the period (2030-03-01).
    down = provision(
        api, customerId=ref, planId="plan-b-free", scheduleStrategy="END_OF_BILLING_PERIOD"
    )
    assert down["status"] == "SUCCESS"
    assert plans(api, ref) == ["plan-b-seats"]
    set_clock(api, to="2030-03-01T00:00:00Z")
    assert plans(api, ref) == ["plan-b-free"]
    assert subscription(api, seats["subscriptionId"])["status"] == "CANCELED"
    reasons = [(row["billingReason"], row["total"]) for row in invoices(api, ref)]
    # Creation (5 seats) and one renewal (2 seats); none on 2030-03-01 for the ended plan.
    assert reasons == [("BILLING_CYCLE", 20), ("SUBSCRIPTION_CREATION", 50)]


def test_cancel_at_period_end(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub = provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]
    api.data(
        "mutation C($input: SubscriptionCancellationInput!) { cancelSubscription(input: $input) "
        "{ subscriptionId } }",
        {
            "input": {
                "subscriptionRefId": sub["subscriptionId"],
                "subscriptionCancellationTime": "END_OF_BILLING_PERIOD",
            }
        },
    )
    assert subscription(api, sub["subscriptionId"])["cancellationDate"] == FEB1
    set_clock(api, to="2030-01-31T00:00:00Z")
    assert plans(api, ref) == ["plan-b-basic"]
    set_clock(api, to="2030-02-10T00:00:00Z")
    assert subscription(api, sub["subscriptionId"])["status"] == "CANCELED"
    assert plans(api, ref) == ["plan-b-free"]
    assert [row["billingReason"] for row in invoices(api, ref)] == ["SUBSCRIPTION_CREATION"]


def test_promotional_grant_expires(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0)
    provision(api, customerId=ref, planId="plan-b-free")
    api.data(
        "mutation G($input: GrantPromotionalEntitlementsInput!) { "
        "grantPromotionalEntitlements(input: $input) { id } }",
        {
            "input": {
                "customerId": ref,
                "promotionalEntitlements": [{"featureId": "feature-b-flag", "period": "ONE_WEEK"}],
            }
        },
    )
    assert entitlement(api, ref, "feature-b-flag")["isGranted"] is True
    report = set_clock(api, by="8d")
    assert report["expiredPromotions"] == 1
    assert entitlement(api, ref, "feature-b-flag")["isGranted"] is False
    status = api.data(
        "query C($input: GetCustomerByRefIdInput!) { getCustomerByRefId(input: $input) "
        "{ promotionalEntitlements { status } } }",
        {"input": {"customerId": ref}},
    )["getCustomerByRefId"]["promotionalEntitlements"]
    assert status == []  # only active grants are listed


def test_renewal_invoices_follow_the_coupon_duration(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    provision(
        api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY", promotionCode="HALF3"
    )
    report = set_clock(api, to="2030-05-15T00:00:00Z")
    assert len(report["invoices"]) == 4
    periods = [(row["periodStart"], row["periodEnd"]) for row in invoices(api, ref)]
    assert periods[0] == ("2030-05-01T00:00:00.000Z", "2030-06-01T00:00:00.000Z")
    assert periods[-1] == ("2030-01-01T00:00:00.000Z", "2030-02-01T00:00:00.000Z")
    page = api.http.get(f"/billing/{ref}/invoices").text
    assert "2030-04-01T00:00:00.000Z .. 2030-05-01T00:00:00.000Z" in page
    totals = [(row["billingReason"], row["total"]) for row in reversed(invoices(api, ref))]
    # HALF3 (50%, 3 months from 2030-01-01): Jan, Feb, Mar at 15; Apr and May at 30.
    assert totals == [
        ("SUBSCRIPTION_CREATION", 15),
        ("BILLING_CYCLE", 15),
        ("BILLING_CYCLE", 15),
        ("BILLING_CYCLE", 30),
        ("BILLING_CYCLE", 30),
    ]


def test_declined_renewal_marks_payment_failed(billing: EmulatorProcess) -> None:
    api, ref = customer_at(billing, T0, "pm_card_visa")
    sub = provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]
    api.data(
        "mutation U($input: UpdateCustomerInput!) { updateCustomer: updateOneCustomer(input: "
        "$input) { customerId } }",
        {
            "input": {
                "customerId": ref,
                "billingInformation": {"paymentMethodId": "pm_card_chargeDeclined"},
            }
        },
    )
    set_clock(api, by="31d")
    after = subscription(api, sub["subscriptionId"])
    assert after["paymentCollection"] == "FAILED"
    assert after["latestInvoice"]["status"] == "OPEN"


def test_clock_endpoint_rules_and_cli(billing: EmulatorProcess) -> None:
    api = server(billing)
    url = f"{billing.base_url}/emulator/clock"
    assert httpx.get(url, headers={"X-API-KEY": CLIENT_KEY}).status_code == 401
    assert httpx.get(url, headers={"X-API-KEY": SERVER_KEY}).json()["frozen"] is False
    set_clock(api, to=T0)
    back = httpx.post(url, json={"to": "2029-12-31T00:00:00Z"}, headers={"X-API-KEY": SERVER_KEY})
    assert back.status_code == 400 and "cannot go back" in back.text
    bad = httpx.post(url, json={"by": "soon"}, headers={"X-API-KEY": SERVER_KEY})
    assert bad.status_code == 400
    command = [sys.executable, "-m", "stigg_emulator", "clock"]
    target = ["--url", billing.base_url, "--server-key", SERVER_KEY]
    done = subprocess.run(
        [*command, "advance", "--by", "35d", *target],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout)["now"] == "2030-02-05T00:00:00.000Z"
    shown = subprocess.run(
        [*command, "show", *target], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(shown.stdout) == {"now": "2030-02-05T00:00:00.000Z", "frozen": True}
    refused = subprocess.run(
        [*command, "advance", "--to", "2030-01-01T00:00:00Z", *target],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and "cannot go back" in refused.stderr


def test_processing_bank_debit_settles_when_time_moves(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    ref = new_customer(api, "pm_local_processing")
    sub = provision(api, customerId=ref, planId="plan-b-basic", billingPeriod="MONTHLY")[
        "subscription"
    ]
    assert sub["paymentCollection"] == "PROCESSING"
    assert (sub["latestInvoice"]["status"], sub["latestInvoice"]["requiresAction"]) == (
        "OPEN",
        False,
    )
    report = set_clock(api, by="1d")
    assert report["settled"] == [sub["latestInvoice"]["billingId"]]
    after = subscription(api, sub["subscriptionId"])
    assert (after["paymentCollection"], after["latestInvoice"]["status"]) == (
        "NOT_REQUIRED",
        "PAID",
    )
