"""The customer portal of a customer holding credits: its `entitlementsV2` keeps the credit
entitlement (it has no feature to hide from the portal)."""

from __future__ import annotations

from tests.emulator.credit_helpers import CURRENCY, grant, new_customer
from tests.emulator.helpers import client, server
from tests.support.processes import EmulatorProcess

PORTAL = """
query P($input: CustomerPortalInput!) {
  customerPortal(input: $input) {
    entitlementsV2 {
      __typename
      ... on CreditEntitlement { currency { currencyId } usageLimit }
      ... on FeatureEntitlement { feature { refId } }
    }
  }
}
"""


def test_portal_lists_credit_entitlements_beside_features(
    credits_emulator: EmulatorProcess,
) -> None:
    customer = new_customer(server(credits_emulator), "plan-ai-free")
    grant(server(credits_emulator), customer, 10)
    portal = client(credits_emulator).data(PORTAL, {"input": {"customerId": customer}})
    members = portal["customerPortal"]["entitlementsV2"]
    credits = [m for m in members if m["__typename"] == "CreditEntitlement"]
    assert credits == [
        {"__typename": "CreditEntitlement", "currency": {"currencyId": CURRENCY}, "usageLimit": 10}
    ]
    assert {m["feature"]["refId"] for m in members if "feature" in m} == {
        "feature-ai-assists",
        "feature-summaries",
    }
