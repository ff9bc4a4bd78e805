"""Every JSON result example in seeds/000 and seeds/004 parses into its model and dumps back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from stigg_client.models import (
    customer,
    entitlements,
    estimates,
    paywall,
    portal,
    subscriptions,
)
from stigg_client.server import models as server

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
MODULES = (customer, entitlements, estimates, paywall, portal, server, subscriptions)
RESULT_MODELS = {"BooleanEntitlement", "NumericEntitlement", "MeteredEntitlement"}


def model_named(name: str) -> type[BaseModel]:
    for module in MODULES:
        found = getattr(module, name, None)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    raise LookupError(name)


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def dump(instance: BaseModel, model_name: str) -> Any:
    # Check results carry no nulls, so exclude_none is the SDK's natural output; documents that
    # contain explicit nulls (paywall, portal, subscriptions) keep exactly what was set.
    if model_name in RESULT_MODELS:
        return instance.model_dump(mode="json", by_alias=True, exclude_none=True)
    return instance.model_dump(mode="json", by_alias=True, exclude_unset=True)


FIXTURES = sorted(SEEDS.glob("*.json"))


def test_both_seed_documents_are_covered() -> None:
    prefixes = {path.name.split("_", 1)[0] for path in FIXTURES}
    assert prefixes == {"000", "004"}
    assert len(FIXTURES) >= 40


@pytest.mark.parametrize("path", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_seed_example_round_trips(path: Path) -> None:
    fixture = load(path)
    example = fixture["example"]
    document = example
    for key in fixture.get("path", []):
        document = document[key]
    if "models" in fixture:
        assert isinstance(document, list) and len(document) == len(fixture["models"])
        for item, name in zip(document, fixture["models"], strict=True):
            parsed = model_named(name).model_validate(item)
            assert dump(parsed, name) == item
    else:
        name = fixture["model"]
        parsed = model_named(name).model_validate(document)
        assert dump(parsed, name) == document


def test_parsed_values_are_typed() -> None:
    from datetime import datetime
    from decimal import Decimal

    metered = model_named("MeteredEntitlement").model_validate(
        load(SEEDS / "004_metered_has_access.json")["example"]
    )
    assert isinstance(metered, entitlements.MeteredEntitlement)
    assert isinstance(metered.usage_period_end, datetime)
    assert metered.usage_period_end.tzinfo is not None
    preview = estimates.SubscriptionPreview.model_validate(
        load(SEEDS / "004_estimate_subscription_update.json")["example"]
    )
    assert preview.proration is not None and preview.proration.credit is not None
    assert preview.proration.credit.amount == Decimal("-9.99")


def test_wire_enum_values_become_enum_members_and_unknown_strings_are_kept() -> None:
    from stigg_client.models.enums import FeatureType, MeterType

    feature = entitlements.EntitlementFeature.model_validate(
        {"id": "f", "featureType": "NUMBER", "meterType": "Incremental"}
    )
    assert feature.feature_type is FeatureType.NUMBER
    assert feature.meter_type is MeterType.INCREMENTAL
    legacy = entitlements.EntitlementFeature.model_validate({"id": "f", "featureType": "Numeric"})
    assert legacy.feature_type == "Numeric"
    assert not isinstance(legacy.feature_type, FeatureType)


def test_snake_case_names_are_accepted_too() -> None:
    result = entitlements.NumericEntitlement.model_validate(
        {"is_fallback": True, "has_access": True, "value": 3}
    )
    assert result.model_dump(by_alias=True, exclude_unset=True) == {
        "isFallback": True,
        "hasAccess": True,
        "value": 3,
    }
