"""Tiered and usage-based prices in the client SDK's paywall (demo catalog, product-inkwell-org):
the same `PricePoint` from the edge (anonymous visitor) and from GraphQL (a customer)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from stigg_client.models.paywall import Paywall
from tests.conftest import DEMO_CATALOG
from tests.emulator.conftest import start_emulator
from tests.sdk.test_client_emulator import make_client
from tests.support.processes import EmulatorProcess


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    process = start_emulator(tmp_path_factory.mktemp("tiers-sdk"), DEMO_CATALOG)
    yield process
    process.stop()


async def _paywall(demo: EmulatorProcess, customer_id: str | None) -> Paywall:
    stigg = make_client(demo, customer_id=customer_id, background_refresh=False)
    try:
        await stigg.wait_for_initialization()
        return await stigg.get_paywall(product_id="product-inkwell-org")
    finally:
        await stigg.close()


@pytest.mark.parametrize("customer_id", [None, "customer-demo-01"], ids=["edge", "graphql"])
async def test_tiered_and_usage_based_price_points_parse(
    demo: EmulatorProcess, customer_id: str | None
) -> None:
    plans = {plan.id: plan for plan in (await _paywall(demo, customer_id)).plans}
    (volume,) = plans["plan-org-volume"].price_points
    assert volume.is_tiered_price and volume.tiers_mode == "VOLUME" and volume.amount is None
    assert volume.tiers is not None
    assert [(t.up_to, t.unit_price and t.unit_price.amount) for t in volume.tiers] == [
        (10, Decimal(10)),
        (50, Decimal(8)),
        (None, Decimal(6)),
    ]
    seats, assists = plans["plan-org-graduated"].price_points
    assert seats.tiers_mode == "GRADUATED" and seats.feature_id == "feature-seats"
    assert assists.pricing_model == "USAGE_BASED" and assists.feature_id == "feature-ai-credits"
    assert assists.tiers is not None and assists.tiers[0].flat_price is not None
    assert assists.tiers[0].flat_price.amount == Decimal(50)
    flat, blocks = plans["plan-org-payg"].price_points
    assert (flat.amount, flat.is_tiered_price) == (Decimal(5), False)
    assert (blocks.pricing_model, blocks.block_size, blocks.amount) == (
        "USAGE_BASED",
        1000,
        Decimal(1),
    )
