"""Charges billed in arrears: usage-based and overage prices of the billing period that ends.

A renewal invoice issued at a period boundary bills the new period in advance and the period that
just ended from its usage (its preview uses the usage so far). The usage of a feature is its
stored usage row when that row counts in the ending billing period (the catalog requires these
features to reset monthly, so one usage period is one billing period).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.billing.estimates import current_period
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.entitlements import NO_RESOURCE
from stigg_emulator.domain.pricing import PriceLine, usage_lines
from stigg_emulator.storage import repositories as repo


def period_usage(
    connection: Connection, row: dict[str, Any], features: set[str], start: int, end: int
) -> dict[str, Decimal]:
    """Usage of each of `features` counted in the billing period [start, end) of `row`."""
    resource_key = row.get("resource_id") or NO_RESOURCE
    usage: dict[str, Decimal] = {}
    for feature_ref in features:
        stored = repo.get_usage(connection, row["customer_ref"], resource_key, feature_ref)
        if stored is not None and start <= int(stored["period_start"]) < end:
            usage[feature_ref] = Decimal(str(stored["value"]))
    return usage


def arrears_lines(
    domain: Domain, connection: Connection, row: dict[str, Any], boundary_ms: int
) -> list[PriceLine]:
    """The usage-based and overage lines of the billing period of `row` ending at `boundary_ms`."""
    plan = domain.catalog.package(row["plan_ref"], row["plan_version"])
    billing_period = row.get("billing_period")
    if plan is None or not billing_period:
        return []
    metered = {
        price.feature_ref
        for price in (*plan.prices, *plan.overage_prices)
        if price.billing_model == "USAGE_BASED" and price.feature_ref
    }
    if not metered:
        return []
    start, _ = current_period(billing_period, int(row["billing_anchor"]), boundary_ms - 1)
    usage = period_usage(connection, row, metered, max(start, int(row["start_date"])), boundary_ms)
    return usage_lines(plan, billing_period, usage)
