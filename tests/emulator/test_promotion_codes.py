"""Promotion-code outcomes (test catalog, coupon-stigg30): unknown, inactive or expired
(`expiresAt`), used up (`maxRedemptions`) and first purchase only (`firstPurchaseOnly`), through
previewSubscription and provisionSubscription."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stigg_emulator.catalog.loader import load_catalog
from stigg_emulator.catalog.yaml_lines import CatalogError
from tests.emulator.helpers import client, server
from tests.sdk.backend import new_customer
from tests.support.processes import EmulatorProcess

PREVIEW = """mutation P($input: PreviewSubscriptionInput!) {
  previewSubscription(input: $input) { immediateInvoice { total { amount } } }
}"""
PROVISION = """mutation V($input: ProvisionSubscriptionInput!) {
  provisionSubscriptionV2(input: $input) { status }
}"""
TWO_SEATS = {
    "planId": "plan-stigg-team",
    "billingPeriod": "MONTHLY",
    "billableFeatures": [{"featureId": "feature-seats", "quantity": 2}],
}


def preview(emulator: EmulatorProcess, customer_id: str, code: str) -> dict[str, Any]:
    variables = {"input": {"customerId": customer_id, "promotionCode": code, **TWO_SEATS}}
    return client(emulator).gql(PREVIEW, variables)


def code_of(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or [{}]
    return errors[0].get("extensions", {}).get("code")


def test_unknown_inactive_and_expired_codes(emulator: EmulatorProcess) -> None:
    customer_id = new_customer(emulator, None)
    assert code_of(preview(emulator, customer_id, "NOPE")) == "PromotionCodeNotFound"
    assert code_of(preview(emulator, customer_id, "EXPIRED30")) == "PromotionCodeNotActive"
    assert code_of(preview(emulator, customer_id, "OVER30")) == "PromotionCodeNotActive"
    valid = preview(emulator, customer_id, "STIGG30")
    assert valid["data"]["previewSubscription"]["immediateInvoice"]["total"]["amount"] == 14


def test_a_first_purchase_code_is_refused_once_the_customer_has_paid(
    emulator: EmulatorProcess,
) -> None:
    newcomer = new_customer(emulator, None)
    assert code_of(preview(emulator, newcomer, "WELCOME30")) is None
    payer = new_customer(emulator, None, payment_method_id="pm_card_visa")
    provision = {"customerId": payer, "skipTrial": True, **TWO_SEATS}
    server(emulator).data(PROVISION, {"input": provision})
    assert code_of(preview(emulator, payer, "WELCOME30")) == "PromotionCodeCustomerNotFirstPurchase"


def test_a_code_with_max_redemptions_is_used_up(emulator: EmulatorProcess) -> None:
    first = new_customer(emulator, None, payment_method_id="pm_card_visa")
    second = new_customer(emulator, None)
    provision = {"customerId": first, "skipTrial": True, "promotionCode": "SINGLE30", **TWO_SEATS}
    api = server(emulator)
    assert api.data(PROVISION, {"input": provision})["provisionSubscriptionV2"]["status"] == (
        "SUCCESS"
    )
    assert code_of(preview(emulator, second, "SINGLE30")) == "PromotionCodeMaxRedemptionsReached"
    again = {**provision, "customerId": second, "skipTrial": True}
    assert api.error_code(PROVISION, {"input": again}) == "PromotionCodeMaxRedemptionsReached"


COUPON = """products:
  - id: p
coupons:
  - id: c
    type: PERCENTAGE
    percentOff: 10
    promotionCodes:
      - {code: A, expiresAt: EXPIRES}
"""


@pytest.mark.parametrize(
    ("expires", "stamp"),
    [("2027-01-01T00:00:00Z", 1798761600000), ("2027-01-01", 1798761600000), ('"1/1/27"', None)],
)
def test_expires_at_in_the_catalog(tmp_path: Path, expires: str, stamp: int | None) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(COUPON.replace("EXPIRES", expires))
    if stamp is None:
        with pytest.raises(CatalogError, match="'expiresAt' must be an ISO 8601 date-time"):
            load_catalog(path)
        return
    found = load_catalog(path).promotion_code("a")
    assert found is not None and found[1].expires_at == stamp
