"""Helpers of the billing suites: the billing catalog, the test clock, GraphQL documents."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.emulator.helpers import Api, server
from tests.support.processes import SERVER_KEY

BILLING_CATALOG = Path(__file__).parents[1] / "catalogs" / "billing.yaml"
ACTIVATION_DELAY_S = 0.4

PREVIEW = """
fragment Preview on SubscriptionPreview {
  subTotal { amount currency } totalExcludingTax { amount currency } tax { amount currency }
  total { amount currency } discountAmount { amount currency }
  taxDetails { displayName inclusive percentage }
  discount { type value durationType durationInMonths start end }
  billingPeriodRange { start end }
  proration { prorationDate credit { amount currency } debit { amount currency }
    netAmount { amount currency } hasProrations }
  subscription { subTotal { amount currency } totalExcludingTax { amount currency }
    tax { amount currency } total { amount currency } discount { type durationType } }
  isPlanDowngrade
}
"""
SUBSCRIPTION = """
fragment Sub on CustomerSubscription {
  subscriptionId status billingPeriod paymentCollection startDate cancellationDate
  plan { refId } addons { quantity addon { refId } } prices { usageLimit }
  latestInvoice { billingId status billingReason total subTotal tax currency requiresAction
    paymentUrl paymentSecret errorMessage pdfUrl }
  customer { hasPaymentMethod defaultPaymentMethodId defaultPaymentMethodLast4Digits
    defaultPaymentMethodCardBrand defaultPaymentExpirationMonth defaultPaymentExpirationYear }
}
"""


def wait_for(condition: Callable[[], Any], timeout_s: float = 8.0) -> Any:
    """The first truthy value of `condition` (polled), e.g. a delayed checkout activation."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def set_clock(
    api: Api, *, to: str | None = None, by: str | None = None, customer: str | None = None
) -> dict[str, Any]:
    """Advance the test clock (only `customer`'s own clock when given); returns the report."""
    body: dict[str, Any] = {"to": to} if to else {"by": by}
    if customer is not None:
        body["customerId"] = customer
    response = api.http.post(
        "/emulator/clock",
        json=body,
        headers={"X-API-KEY": SERVER_KEY},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def new_customer(api: Api, payment_method: str | None = None, **extra: Any) -> str:
    """Provision a customer (optionally with a card on file); returns its id."""
    ref = f"bill-{uuid.uuid4().hex[:10]}"
    data: dict[str, Any] = {"customerId": ref, **extra}
    if payment_method:
        data["billingInformation"] = {"paymentMethodId": payment_method}
    api.data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {"input": data},
    )
    return ref


def provision(api: Api, **fields: Any) -> dict[str, Any]:
    """provisionSubscriptionV2 (errors fail the test)."""
    result: dict[str, Any] = api.data(
        "mutation P($input: ProvisionSubscriptionInput!) { provisionSubscriptionV2(input: $input)"
        " { status checkoutUrl checkoutBillingId subscription { ...Sub } } }" + SUBSCRIPTION,
        {"input": fields},
    )["provisionSubscriptionV2"]
    return result


def subscription(api: Api, ref_id: str) -> dict[str, Any]:
    """getSubscription."""
    result: dict[str, Any] = api.data(
        "query G($input: GetSubscriptionInput!) { getSubscription(input: $input) { ...Sub } }"
        + SUBSCRIPTION,
        {"input": {"subscriptionId": ref_id}},
    )["getSubscription"]
    return result


def active(api: Api, customer_ref: str) -> list[dict[str, Any]]:
    """getActiveSubscriptions."""
    result: list[dict[str, Any]] = api.data(
        "query A($input: GetActiveSubscriptionsInput!) { getActiveSubscriptions(input: $input)"
        " { ...Sub } }" + SUBSCRIPTION,
        {"input": {"customerId": customer_ref}},
    )["getActiveSubscriptions"]
    return result


def plans(api: Api, customer_ref: str) -> list[str]:
    """Plan ids of the customer's active subscriptions."""
    return [row["plan"]["refId"] for row in active(api, customer_ref)]


def estimate(api: Api, **fields: Any) -> dict[str, Any]:
    """estimateSubscription."""
    result: dict[str, Any] = api.data(
        "mutation E($input: EstimateSubscriptionInput!) { estimateSubscription(input: $input)"
        " { ...Preview } }" + PREVIEW,
        {"input": fields},
    )["estimateSubscription"]
    return result


def estimate_update(api: Api, **fields: Any) -> dict[str, Any]:
    """estimateSubscriptionUpdate."""
    result: dict[str, Any] = api.data(
        "mutation E($input: EstimateSubscriptionUpdateInput!) {"
        " estimateSubscriptionUpdate(input: $input) { ...Preview } }" + PREVIEW,
        {"input": fields},
    )["estimateSubscriptionUpdate"]
    return result


def invoices(api: Api, customer_ref: str) -> list[dict[str, Any]]:
    """The customer's invoices (billing portal JSON), newest first."""
    response = api.http.get(
        f"/billing/{customer_ref}/invoices", headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()["data"]
    return result


def report_usage(api: Api, customer_ref: str, feature: str, value: int) -> None:
    """reportUsage (errors fail the test)."""
    api.data(
        "mutation R($input: ReportUsageInput!) { reportUsage(input: $input) { currentUsage } }",
        {"input": {"customerId": customer_ref, "featureId": feature, "value": value}},
    )


def entitlement(api: Api, customer_ref: str, feature: str) -> dict[str, Any]:
    """The customer's entitlement to `feature` (cachedEntitlements), or `{isGranted: False}`."""
    rows = api.data(
        "query E($query: FetchEntitlementsQuery!) { cachedEntitlements(query: $query) "
        "{ isGranted currentUsage usageLimit usagePeriodStart usagePeriodEnd feature { refId } } }",
        {"query": {"customerId": customer_ref}},
    )["cachedEntitlements"]
    found: list[dict[str, Any]] = [row for row in rows if row["feature"]["refId"] == feature]
    return found[0] if found else {"isGranted": False}


def usd(amount: float) -> dict[str, Any]:
    """Money in USD."""
    return {"amount": amount, "currency": "USD"}


__all__ = ["Api", "server"]
