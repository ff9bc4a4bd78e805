"""Paywall rules: which plans a widget context shows."""

from __future__ import annotations

from stigg_emulator.catalog.model import Catalog, Package
from stigg_emulator.domain.errors import StiggError


def visible_plans(
    catalog: Catalog, product_ref: str | None, context: str, include_hidden: bool
) -> list[Package]:
    """Plans shown in a widget context, ordered by product then plan order."""
    if product_ref is not None and product_ref not in catalog.products:
        raise StiggError("ProductNotFoundError", f"Product not found: {product_ref}")
    products = [product_ref] if product_ref else list(catalog.products)
    plans: list[Package] = []
    for ref in products:
        for plan in catalog.plans_of(ref):
            if include_hidden or context not in plan.hidden_from_widgets:
                plans.append(plan)
    return plans
