"""Immediate paid-subscription changes are invoiced prorated; migration to a new price version."""

from __future__ import annotations

from pathlib import Path

from tests.emulator.billing.helpers import (
    ACTIVATION_DELAY_S,
    BILLING_CATALOG,
    estimate_update,
    invoices,
    new_customer,
    provision,
    set_clock,
    subscription,
)
from tests.emulator.conftest import start_emulator
from tests.emulator.helpers import Api, server
from tests.support.processes import SERVER_KEY, EmulatorProcess

T0 = "2030-01-01T00:00:00Z"
T10 = "2030-01-11T00:00:00Z"  # 21 of January's 31 days remain
UPDATE = (
    "mutation U($input: UpdateSubscriptionInput!) { updateOneSubscription(input: $input) "
    "{ subscriptionId latestInvoice { billingReason status total subTotal tax } } }"
)
MIGRATE = (
    "mutation M($input: SubscriptionMigrationInput!) { migrateSubscriptionToLatest(input: $input)"
    " { subscriptionId plan { versionNumber } latestInvoice { billingReason total } } }"
)


def _seats(api: Api, quantity: int) -> tuple[str, str]:
    ref = new_customer(api, "pm_card_visa")
    sub = provision(
        api,
        customerId=ref,
        planId="plan-b-seats",
        billingPeriod="MONTHLY",
        billableFeatures=[{"featureId": "feature-b-seats", "quantity": quantity}],
        billingInformation={"taxPercentage": 10},
    )["subscription"]
    return ref, sub["subscriptionId"]


def test_quantity_increase_is_invoiced_as_estimated(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    _, sub_id = _seats(api, 3)
    set_clock(api, to=T10)
    seats = [{"featureId": "feature-b-seats", "quantity": 5}]
    estimated = estimate_update(api, subscriptionId=sub_id, billableFeatures=seats)
    updated = api.data(UPDATE, {"input": {"refId": sub_id, "billableFeatures": seats}})
    invoice = updated["updateOneSubscription"]["latestInvoice"]
    # -30 x 21/31 -> -20.32, +50 x 21/31 -> 33.87: 13.55 + 10% tax 1.355 -> total 14.905 -> 14.91.
    assert (invoice["billingReason"], invoice["status"]) == ("SUBSCRIPTION_UPDATE", "PAID")
    assert (invoice["subTotal"], invoice["tax"], invoice["total"]) == (13.55, 1.36, 14.91)
    assert invoice["total"] == estimated["total"]["amount"]


def test_quantity_decrease_issues_a_credit(billing: EmulatorProcess) -> None:
    api = server(billing)
    set_clock(api, to=T0)
    ref, sub_id = _seats(api, 3)
    set_clock(api, to=T10)
    seats = [{"featureId": "feature-b-seats", "quantity": 2}]
    invoice = api.data(UPDATE, {"input": {"refId": sub_id, "billableFeatures": seats}})[
        "updateOneSubscription"
    ]["latestInvoice"]
    # -20.32 + 20 x 21/31 (13.55) = -6.77; tax -0.677 -> -0.68; total -7.447 -> -7.45.
    assert (invoice["billingReason"], invoice["total"]) == ("SUBSCRIPTION_UPDATE", -7.45)
    # A scheduled change is not invoiced now.
    api.data(
        UPDATE,
        {
            "input": {
                "refId": sub_id,
                "billableFeatures": [{"featureId": "feature-b-seats", "quantity": 9}],
                "scheduleStrategy": "END_OF_BILLING_PERIOD",
            }
        },
    )
    assert len(invoices(api, ref)) == 2


def _on_catalog_copy(tmp_path: Path) -> tuple[EmulatorProcess, Path]:
    """An emulator on a copy of the billing catalog that the test may change and restart on."""
    catalog = tmp_path / "billing.yaml"
    catalog.write_text(BILLING_CATALOG.read_text())
    emulator = start_emulator(
        tmp_path,
        catalog=catalog,
        extra_args=("--checkout-activation-delay", str(ACTIVATION_DELAY_S)),
    )
    return emulator, catalog


def _reprice_basic_monthly(emulator: EmulatorProcess, catalog: Path, amount: int) -> None:
    """Publish a new version of Basic with another monthly price (a restart reloads it)."""
    emulator.stop()
    catalog.write_text(
        catalog.read_text().replace(
            "{billingPeriod: MONTHLY, amount: 30,", f"{{billingPeriod: MONTHLY, amount: {amount},"
        )
    )
    emulator.start()


def test_migration_to_a_new_price_version(tmp_path: Path) -> None:
    emulator, catalog = _on_catalog_copy(tmp_path)
    try:
        api = server(emulator)
        set_clock(api, to=T0)
        now_ref = new_customer(api, "pm_card_visa")
        later_ref = new_customer(api, "pm_card_visa")
        now_sub = provision(api, customerId=now_ref, planId="plan-b-basic", billingPeriod="MONTHLY")
        later_sub = provision(
            api, customerId=later_ref, planId="plan-b-basic", billingPeriod="MONTHLY"
        )
        _reprice_basic_monthly(emulator, catalog, 45)
        # The test clock's time survives the restart.
        clock = api.http.get("/emulator/clock", headers={"X-API-KEY": SERVER_KEY}).json()
        assert clock == {"now": "2030-01-01T00:00:00.000Z", "frozen": True}
        set_clock(api, to=T10)
        migrated = api.data(
            MIGRATE,
            {
                "input": {
                    "subscriptionId": now_sub["subscription"]["subscriptionId"],
                    "subscriptionMigrationTime": "IMMEDIATE",
                }
            },
        )["migrateSubscriptionToLatest"]
        assert migrated["plan"]["versionNumber"] == 2
        # -30 x 21/31 -> -20.32; +45 x 21/31 = 30.4838... -> 30.48; net 10.16.
        assert migrated["latestInvoice"] == {"billingReason": "SUBSCRIPTION_UPDATE", "total": 10.16}
        later_id = later_sub["subscription"]["subscriptionId"]
        scheduled = api.data(
            MIGRATE,
            {
                "input": {
                    "subscriptionId": later_id,
                    "subscriptionMigrationTime": "END_OF_BILLING_PERIOD",
                }
            },
        )["migrateSubscriptionToLatest"]
        assert scheduled["plan"]["versionNumber"] == 1
        assert scheduled["latestInvoice"]["billingReason"] == "SUBSCRIPTION_CREATION"
        set_clock(api, to="2030-02-01T00:00:00Z")
        renewed = subscription(api, later_id)
        # Migrated at the period end, then renewed at the new price: 45.
        assert (renewed["latestInvoice"]["billingReason"], renewed["latestInvoice"]["total"]) == (
            "BILLING_CYCLE",
            45,
        )
    finally:
        emulator.stop()


def test_immediate_migration_to_a_cheaper_version_issues_a_credit(tmp_path: Path) -> None:
    emulator, catalog = _on_catalog_copy(tmp_path)
    try:
        api = server(emulator)
        set_clock(api, to=T0)
        ref = new_customer(api, "pm_card_visa")
        sub_id = provision(
            api,
            customerId=ref,
            planId="plan-b-basic",
            billingPeriod="MONTHLY",
            billingInformation={"taxPercentage": 10},
        )["subscription"]["subscriptionId"]
        _reprice_basic_monthly(emulator, catalog, 20)
        set_clock(api, to=T10)
        migrated = api.data(
            "mutation M($input: SubscriptionMigrationInput!) { migrateSubscriptionToLatest("
            "input: $input) { plan { versionNumber } latestInvoice { billingReason status "
            "subTotal tax total lines { description amount proration } } } }",
            {"input": {"subscriptionId": sub_id, "subscriptionMigrationTime": "IMMEDIATE"}},
        )["migrateSubscriptionToLatest"]
        assert migrated["plan"]["versionNumber"] == 2
        invoice = migrated["latestInvoice"]
        # 21 of 31 days remain. Credit 30 x 21/31 = 20.3225... -> -20.32; debit 20 x 21/31 =
        # 13.5483... -> 13.55; net -6.77; tax 10% = -0.677 -> -0.68; total -7.45: a credit,
        # settled at once (PAID).
        assert (invoice["billingReason"], invoice["status"]) == ("SUBSCRIPTION_UPDATE", "PAID")
        assert (invoice["subTotal"], invoice["tax"], invoice["total"]) == (-6.77, -0.68, -7.45)
        assert [(line["amount"], line["proration"]) for line in invoice["lines"]] == [
            (-20.32, True),
            (13.55, True),
            (-0.68, False),
        ]
        assert invoice["lines"][0]["description"].startswith("Unused time on Basic")
        assert invoice["lines"][1]["description"].startswith("Remaining time on Basic")
        # From the next period the new, cheaper price: 20 + 10% tax = 22.
        set_clock(api, to="2030-02-01T00:00:00Z")
        renewed = subscription(api, sub_id)["latestInvoice"]
        assert (renewed["billingReason"], renewed["total"]) == ("BILLING_CYCLE", 22)
        assert [row["total"] for row in invoices(api, ref)] == [22, -7.45, 33]
    finally:
        emulator.stop()
