"""Tiered prices through Stigg's Node server SDK 3.95.0 (issue 16, "Done when"): on the demo
catalog, the estimates it gets for seat counts in the first and second tier (and the open third)
equal the totals worked here from the tiers its own paywall reports, for VOLUME and GRADUATED."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DEMO_CATALOG
from tests.emulator.conftest import start_emulator
from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.processes import EmulatorProcess

QUANTITIES = [3, 5, 6, 10, 11, 20]
PLANS = ("plan-org-volume", "plan-org-graduated")


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory, interop_workdir: Path, run_prefix: str
) -> Iterator[ScenarioRun]:
    emulator: EmulatorProcess = start_emulator(tmp_path_factory.mktemp("tiers"), DEMO_CATALOG)
    try:
        params = {**emulator_params(emulator, run_prefix), "quantities": QUANTITIES}
        yield run_script("node_tiers.mjs", params, interop_workdir)
    finally:
        emulator.stop()


def worked_total(price: dict[str, Any], quantity: int) -> float:
    """The total of `quantity` units at a price's tiers, as docs/design/pricing-and-parity.md §2
    defines VOLUME and GRADUATED (upTo inclusive, the last tier open)."""
    tiers = price["tiers"]

    def charge(tier: dict[str, Any], units: float) -> float:
        unit = (tier.get("unitPrice") or {}).get("amount") or 0
        flat = (tier.get("flatPrice") or {}).get("amount") or 0
        return float(units * unit + flat)

    if price["tiersMode"] == "VOLUME":
        tier = next(t for t in tiers if t.get("upTo") is None or quantity <= t["upTo"])
        return charge(tier, quantity)
    total, floor = 0.0, 0.0
    for tier in tiers:
        ceiling = quantity if tier.get("upTo") is None else min(quantity, tier["upTo"])
        if ceiling <= floor:
            break
        total += charge(tier, ceiling - floor)
        floor = tier.get("upTo") or ceiling
    return total


def _seat_price(run: ScenarioRun, plan_id: str) -> dict[str, Any]:
    plan = next(p for p in run.value("getPaywall")["plans"] if p["id"] == plan_id)
    price: dict[str, Any] = next(
        p
        for p in plan["pricePoints"]
        if (p.get("feature") or {}).get("featureId") == "feature-seats"
    )
    return price


def test_the_paywall_reports_both_tier_modes(run: ScenarioRun) -> None:
    volume, graduated = (_seat_price(run, plan) for plan in PLANS)
    assert (volume["tiersMode"], graduated["tiersMode"]) == ("VOLUME", "GRADUATED")
    assert [t.get("upTo") for t in volume["tiers"]] == [10, 50, None]
    assert [t["unitPrice"]["amount"] for t in graduated["tiers"]] == [20, 15, 10]


@pytest.mark.parametrize("plan_id", PLANS)
@pytest.mark.parametrize("quantity", QUANTITIES)
def test_node_sdk_estimates_equal_the_totals_worked_from_the_paywall(
    run: ScenarioRun, plan_id: str, quantity: int
) -> None:
    expected = worked_total(_seat_price(run, plan_id), quantity)
    estimate = run.value(f"estimate.{plan_id}.{quantity}")
    assert estimate["subTotal"]["amount"] == pytest.approx(expected)
    assert estimate["total"]["amount"] == pytest.approx(expected)
    preview = run.value(f"preview.{plan_id}.{quantity}")
    assert preview["immediateInvoice"]["total"]["amount"] == pytest.approx(expected)
    assert preview["recurringInvoice"]["total"]["amount"] == pytest.approx(expected)


def test_the_worked_totals_are_the_design_cases(run: ScenarioRun) -> None:
    # Cases 1, 2, 4 and 5 of the design doc, so the worked arithmetic itself is checked.
    volume, graduated = (_seat_price(run, plan) for plan in PLANS)
    assert (worked_total(volume, 10), worked_total(volume, 11)) == (100, 88)
    assert (worked_total(graduated, 5), worked_total(graduated, 6)) == (100, 115)
