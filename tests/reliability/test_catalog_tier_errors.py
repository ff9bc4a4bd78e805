"""Mistakes in tiered, block, usage-based and overage prices are one `file:line: reason`
CatalogError at the line of the mistake (stigg_emulator/CATALOG.md, "Tiered, block and
usage-based prices")."""

from __future__ import annotations

from pathlib import Path

import pytest

from stigg_emulator.catalog.loader import load_catalog
from stigg_emulator.catalog.yaml_lines import CatalogError

HEAD = """products:
  - id: product-x
features:
  - {id: feature-seats, type: NUMBER, meterType: Fluctuating}
  - {id: feature-calls, type: NUMBER, meterType: Incremental}
  - {id: feature-docs, type: NUMBER, meterType: Incremental}
plans:
  - id: plan-x
    product: product-x
    entitlements:
      - {feature: feature-seats}
      - {feature: feature-calls, usageLimit: 100, resetPeriod: MONTH}
"""
SEATS = "      - {billingModel: PER_UNIT, feature: feature-seats, billingPeriod: MONTHLY, "
CALLS = "      - {billingModel: USAGE_BASED, feature: feature-calls, billingPeriod: MONTHLY, "
OPEN = "{unitPrice: 1}"

CASES = [
    ("prices", SEATS + "tiers: [{upTo: 5, unitPrice: 2}, " + OPEN + "]}", "need a 'tiersMode'"),
    ("prices", SEATS + "tiersMode: VOLUME, tiers: [" + OPEN + "]}", "at least two"),
    (
        "prices",
        SEATS
        + "tiersMode: VOLUME, tiers: [{upTo: 5, unitPrice: 2}, {upTo: 5, unitPrice: 1}, "
        + OPEN
        + "]}",
        "must be above the previous",
    ),
    (
        "prices",
        SEATS + "tiersMode: GRADUATED, tiers: [{upTo: 5, unitPrice: 2}, {upTo: 9, unitPrice: 1}]}",
        "the last tier is open",
    ),
    (
        "prices",
        SEATS + "tiersMode: VOLUME, tiers: [{upTo: 5}, " + OPEN + "]}",
        "a 'flatPrice' or both",
    ),
    ("prices", SEATS + "tiersMode: SLIDING, tiers: []}", "VOLUME, GRADUATED"),
    (
        "prices",
        SEATS + "amount: 3, tiersMode: VOLUME, tiers: [{upTo: 5, unitPrice: 2}, " + OPEN + "]}",
        "not 'amount'",
    ),
    (
        "prices",
        "      - {billingPeriod: MONTHLY, tiersMode: VOLUME, tiers: [{upTo: 5, unitPrice: 2}, "
        + OPEN
        + "]}",
        "FLAT_FEE price cannot be tiered",
    ),
    ("prices", SEATS + "amount: 2, blockSize: 0}", "at least 1"),
    (
        "prices",
        "      - {billingModel: USAGE_BASED, feature: feature-seats, billingPeriod: MONTHLY,"
        " amount: 1}",
        "needs a metered (Incremental) feature",
    ),
    ("prices", CALLS.replace("MONTHLY", "ANNUALLY") + "amount: 1}", "bills MONTHLY"),
    ("overagePrices", CALLS.replace("feature-calls", "feature-docs") + "amount: 1}", "usageLimit"),
    (
        "overagePrices",
        SEATS.replace("feature-seats", "feature-calls") + "amount: 1}",
        "USAGE_BASED",
    ),
]


@pytest.mark.parametrize(("section", "line", "reason"), CASES)
def test_pricing_model_mistakes_are_reported_at_their_line(
    tmp_path: Path, section: str, line: str, reason: str
) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(HEAD + f"    {section}:\n" + line + "\n")
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    message = raised.value.message
    assert reason in message, message
    assert str(raised.value).startswith(f"{path}:"), str(raised.value)


def test_a_valid_tiered_and_usage_based_package_loads(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(
        HEAD
        + "    prices:\n"
        + SEATS
        + "tiersMode: GRADUATED, tiers: [{upTo: 5, unitPrice: 2, flatPrice: 1}, "
        + OPEN
        + "]}\n"
        + CALLS
        + "amount: 1, blockSize: 100}\n"
        + "    overagePrices:\n"
        + CALLS
        + "amount: 0.5}\n"
    )
    plan = load_catalog(path).plans["plan-x"]
    assert [p.tiers_mode for p in plan.prices] == ["GRADUATED", None]
    assert plan.prices[1].block_size == 100 and len(plan.overage_prices) == 1
