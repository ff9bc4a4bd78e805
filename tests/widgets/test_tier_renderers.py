"""CPython tests of the paywall's tiered and usage-based prices: "from $X", the tier table, a
quantity whose total follows the tier (Stigg's `selectDefaultTierIndex` for the start),
pay-as-you-go lines, escaping, German texts."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from stigg_client.models.paywall import Paywall
from tests.widgets.models import hostile
from widgets import pricing, tiers
from widgets.pricing import CustomerState
from widgets.render import PaywallOptions, render_paywall
from widgets.texts import Texts

SEATS = {"featureId": "seats", "units": "seat", "unitsPlural": "seats", "displayName": "Seats"}
CALLS = {"featureId": "calls", "units": "call", "unitsPlural": "calls", "displayName": "API calls"}


def _tier(up_to: float | None, unit: float | None = None, flat: float | None = None) -> Any:
    money = lambda value: None if value is None else {"amount": value, "currency": "USD"}  # noqa: E731
    return {"upTo": up_to, "unitPrice": money(unit), "flatPrice": money(flat)}


def _seat_price(mode: str, tier_rows: list[Any]) -> dict[str, Any]:
    return {
        "pricingModel": "PER_UNIT",
        "billingPeriod": "MONTHLY",
        "currency": "USD",
        "feature": SEATS,
        "minUnitQuantity": 1,
        "tiersMode": mode,
        "tiers": tier_rows,
        "isTieredPrice": True,
    }


def data() -> dict[str, Any]:
    """Three plans like the demo's product-inkwell-org (docs/design/pricing-and-parity.md §2)."""
    return {
        "currency": {"code": "USD", "symbol": "$"},
        "plans": [
            {
                "id": "volume",
                "order": 1,
                "displayName": "Volume",
                "pricingType": "PAID",
                "pricePoints": [
                    _seat_price("VOLUME", [_tier(10, 10), _tier(50, 8), _tier(None, 6)])
                ],
            },
            {
                "id": "graduated",
                "order": 2,
                "displayName": "Graduated",
                "pricingType": "PAID",
                "pricePoints": [
                    _seat_price("GRADUATED", [_tier(5, 20), _tier(10, 15), _tier(None, 10)]),
                    {
                        "pricingModel": "USAGE_BASED",
                        "billingPeriod": "MONTHLY",
                        "currency": "USD",
                        "feature": CALLS,
                        "tiersMode": "GRADUATED",
                        "tiers": [_tier(1000, 0, 50), _tier(None, 0.04)],
                    },
                ],
            },
            {
                "id": "payg",
                "order": 3,
                "displayName": "Pay as you go",
                "pricingType": "PAID",
                "pricePoints": [
                    {"pricingModel": "FLAT_FEE", "billingPeriod": "MONTHLY", "amount": 5},
                    {
                        "pricingModel": "USAGE_BASED",
                        "billingPeriod": "MONTHLY",
                        "amount": 1,
                        "currency": "USD",
                        "blockSize": 1000,
                        "feature": CALLS,
                    },
                ],
                "entitlements": [
                    {
                        "feature": {
                            "id": "calls",
                            "featureType": "NUMBER",
                            "units": "call",
                            "unitsPlural": "calls",
                            "displayName": "API calls",
                        },
                        "hasUnlimitedUsage": True,
                        "resetPeriod": "MONTH",
                    }
                ],
            },
        ],
    }


def card(html: str, plan_id: str) -> str:
    match = re.search(rf'<li class="plan"[^>]*data-plan-id="{plan_id}".*?</article></li>', html)
    assert match, plan_id
    return match.group(0)


def render(quantities: dict[str, float] | None = None, **options: Any) -> str:
    return render_paywall(
        Paywall.model_validate(data()),
        PaywallOptions(billing_period="MONTHLY", quantities=quantities or {}, **options),
    )


def selected_row(html: str) -> str:
    match = re.search(r'<tr data-selected aria-current="true" part="tier-row">(.*?)</tr>', html)
    assert match, html
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()[0]


def test_tiered_cards_show_from_price_tier_table_and_the_first_tier_chosen() -> None:
    html = render()
    volume, graduated = card(html, "volume"), card(html, "graduated")
    assert 'from $10</span> <span class="unit" part="price-unit">per seat' in volume
    assert "from $20" in graduated
    assert '<table class="tiers" part="tiers" data-tiers-mode="VOLUME">' in volume
    assert "<caption>Volume prices for seats</caption>" in volume
    rows = re.findall(r'<th scope="row">([^<]*)</th>', volume)
    assert rows == ["1\u201310", "11\u201350", "51+"]
    # selectDefaultTierIndex: per-unit tiers start at one unit, in the first tier.
    assert 'value="1"' in volume and selected_row(volume) == "1\u201310"
    assert "1 seat: $10" in volume


def test_the_total_follows_the_tier_of_the_chosen_quantity() -> None:
    # Design cases 1, 2, 3 (VOLUME) and 4, 5, 6 (GRADUATED).
    for plan_id, quantity, total, row in (
        ("volume", 10, "$100", "1\u201310"),
        ("volume", 11, "$88", "11\u201350"),
        ("volume", 51, "$306", "51+"),
        ("graduated", 5, "$100", "1\u20135"),
        ("graduated", 6, "$115", "6\u201310"),
        ("graduated", 20, "$275", "11+"),
    ):
        html = card(render({plan_id: quantity}), plan_id)
        assert f"{quantity} seats: {total}" in html, (plan_id, quantity)
        assert selected_row(html) == row, (plan_id, quantity)


def test_a_customer_on_the_plan_starts_from_their_quantity() -> None:
    customer = CustomerState(
        customer_id="c",
        current_plan_id="volume",
        current_billing_period="MONTHLY",
        current_quantities={"seats": 12.0},
    )
    html = card(render(customer=customer), "volume")
    assert 'value="12"' in html and "12 seats: $96" in html


def test_stair_step_tiers_start_at_the_first_tiers_bound() -> None:
    point = (
        Paywall.model_validate(data())
        .plans[0]
        .price_points[0]
        .model_copy(
            update={
                "tiers": Paywall.model_validate(
                    {
                        "plans": [
                            {
                                "id": "x",
                                "pricePoints": [
                                    _seat_price(
                                        "VOLUME", [_tier(10, None, 50), _tier(None, None, 90)]
                                    )
                                ],
                            }
                        ]
                    }
                )
                .plans[0]
                .price_points[0]
                .tiers
            }
        )
    )
    assert tiers.is_stair_step(point.tiers or [])
    assert tiers.default_quantity(point) == 10 and tiers.cost(point, 10) == Decimal(50)


def test_usage_based_prices_show_unit_price_and_what_is_included() -> None:
    html = render()
    payg = card(html, "payg")
    assert '<span class="amount" part="amount">$5</span>' in payg
    assert "API calls, billed by use" in payg and "$1 per 1,000 calls" in payg
    assert "Unlimited calls" in payg  # what is included
    assert 'data-action="quantity"' not in payg  # nothing to pick: billed from usage
    graduated = card(html, "graduated")
    assert "$50 flat" in graduated and "$0.04 per call" in graduated


def test_up_front_totals_skip_usage_and_apply_tiers() -> None:
    plans = {plan.id: plan for plan in Paywall.model_validate(data()).plans}
    assert pricing.total(plans["volume"], "MONTHLY", 11) == Decimal(88)
    assert pricing.total(plans["graduated"], "MONTHLY", 6) == Decimal(115)
    assert pricing.total(plans["payg"], "MONTHLY") == Decimal(5)
    assert pricing.unit_price(plans["payg"], "MONTHLY") is None


def test_tier_strings_are_escaped() -> None:
    payload = '<img src=x onerror="alert(1)">{}'
    html = render_paywall(
        Paywall.model_validate(hostile(data(), payload)),
        PaywallOptions(billing_period="MONTHLY"),
    )
    assert "<img" not in html and "&lt;img src=x onerror=" in html
    assert "Volume prices for &lt;img" in html  # the units in the tier table caption


def test_german_tier_texts() -> None:
    html = render(texts=Texts("de"))
    volume = card(html, "volume")
    assert "ab $10" in volume and "Mengenstaffel: Preise für seats" in volume
    assert "ab 51" in volume
    assert "nach Nutzung abgerechnet" in card(html, "payg")


def test_the_comparison_table_carries_the_same_tier_markup() -> None:
    html = render({"volume": 11}, layout="table")
    assert html.count('<table class="tiers"') == 3  # two seat tables, one usage table
    assert "11 seats: $88" in html and "$1 per 1,000 calls" in html
