"""Helpers of the credit suites: the GraphQL documents they send and small calls.

`CREDITS_CATALOG` (tests/fixtures/credits.yaml) is served by the `credits_emulator` fixture."""

from __future__ import annotations

import uuid
from typing import Any

from tests.emulator.billing.helpers import new_customer as new_billing_customer
from tests.emulator.billing.helpers import set_clock
from tests.emulator.helpers import Api

CURRENCY = "currency-ai-credits"

GRANT = """
mutation G($input: CreditGrantInput!) {
  createCreditGrant(input: $input) {
    grantId amount consumedAmount grantType status priority effectiveAt expireAt
    cost { amount currency } displayName
  }
}
"""
VOID = (
    "mutation V($input: VoidCreditGrantInput!) "
    "{ voidCreditGrant(input: $input) { status voidedAt amount consumedAmount } }"
)
CONSUME = """
mutation C($input: ConsumeCreditInput!) {
  consumeCredits(input: $input) {
    amount currencyId customerId timestamp credit { currentUsage usageLimit usagePeriodEnd }
  }
}
"""
CONSUME_ASYNC = (
    "mutation CA($input: ConsumeCreditsAsyncInput!) { consumeCreditsAsync(input: $input) }"
)
BALANCE = """
query B($input: CreditBalanceSummaryInput!) {
  creditBalanceSummary(input: $input) {
    customerId balances { currencyId currentBalance totalGranted totalConsumed validUntil
      currency { currencyId displayName units { singular plural } } }
  }
}
"""
GRANTS = """
query GS($input: GetCreditGrantsInput!) {
  creditGrants(input: $input) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { grantId displayName amount consumedAmount grantType status sourceType
      expireAt priority invoiceId automaticRechargeConfigurationId paymentCollection
      cost { amount currency } } }
  }
}
"""
LEDGER = """
query L($input: CreditLedgerInput!) {
  creditsLedger(input: $input) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { eventType amount creditGrantId featureId eventId timestamp
      grant { displayName } } }
  }
}
"""
STATE = """
query S($input: FetchEntitlementsQuery!) {
  entitlementsState(query: $input) {
    entitlementsV2 {
      __typename
      ... on CreditEntitlement { isGranted accessDeniedReason usageLimit currentUsage hasSoftLimit
        usagePeriodEnd currency { currencyId displayName unitSingular unitPlural } }
      ... on FeatureEntitlement { isGranted accessDeniedReason feature { refId }
        creditRate { amount currencyId } }
    }
  }
}
"""


def new_customer(api: Api, plan: str | None = None, payment_method: str | None = None) -> str:
    """A fresh customer (optionally subscribed to `plan`, with a card on file)."""
    extra = {"subscriptionParams": {"planId": plan}} if plan else {}
    return new_billing_customer(api, payment_method, **extra)


def grant(api: Api, customer: str, amount: float, **extra: Any) -> dict[str, Any]:
    """A promotional grant (or what `extra` says) of the test currency."""
    data = {
        "customerId": customer,
        "currencyId": CURRENCY,
        "amount": amount,
        "displayName": extra.pop("displayName", f"{amount:g} credits"),
        "grantType": extra.pop("grantType", "PROMOTIONAL"),
        **extra,
    }
    result: dict[str, Any] = api.data(GRANT, {"input": data})["createCreditGrant"]
    return result


def consume(api: Api, customer: str, amount: float, key: str | None = None) -> dict[str, Any]:
    """Consume `amount` credits with an idempotency key (a fresh one by default)."""
    data = {
        "customerId": customer,
        "currencyId": CURRENCY,
        "amount": amount,
        "idempotencyKey": key or uuid.uuid4().hex,
    }
    result: dict[str, Any] = api.data(CONSUME, {"input": data})["consumeCredits"]
    return result


def balance(api: Api, customer: str) -> dict[str, Any]:
    """The test currency's `CreditBalance` ({} when the customer has none)."""
    summary = api.data(BALANCE, {"input": {"customerId": customer, "currencyId": CURRENCY}})
    balances = summary["creditBalanceSummary"]["balances"]
    return balances[0] if balances else {}


def ledger(api: Api, customer: str, **extra: Any) -> list[dict[str, Any]]:
    """Every ledger event of the test currency, newest first."""
    data = {"customerId": customer, "currencyId": CURRENCY, "paging": {"first": 100}, **extra}
    page = api.data(LEDGER, {"input": data})["creditsLedger"]
    return [edge["node"] for edge in page["edges"]]


def grants(api: Api, customer: str) -> list[dict[str, Any]]:
    """Every grant of the test currency, newest first."""
    data = {"customerId": customer, "currencyId": CURRENCY, "paging": {"first": 100}}
    page = api.data(GRANTS, {"input": data})["creditGrants"]
    return [edge["node"] for edge in page["edges"]]


def credit_entitlement(api: Api, customer: str) -> dict[str, Any] | None:
    """The test currency's `CreditEntitlement` in entitlementsState (None without one)."""
    state = api.data(STATE, {"input": {"customerId": customer}})["entitlementsState"]
    for item in state["entitlementsV2"]:
        if item["__typename"] == "CreditEntitlement" and item["currency"]["currencyId"] == CURRENCY:
            return item  # type: ignore[no-any-return]
    return None


def move_clock(api: Api, customer: str, by: str) -> None:
    """Advance one customer's test clock."""
    set_clock(api, by=by, customer=customer)
