"""Decision rules of protocol §5.1: access, denial reasons, result shapes, fallbacks, roll-over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from stigg_client.core import decisions
from stigg_client.core.entries import CachedEntitlement, entry_from_wire
from stigg_client.models.entitlements import EntitlementFallback
from tests.sdk.wire import wire_entitlement

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC).timestamp()
usage = st.integers(min_value=0, max_value=10_000)


def test_missing_entitlement_is_no_feature_entitlement() -> None:
    assert decisions.decide(None) == (False, "NoFeatureEntitlementInSubscription")


def test_boolean_feature_grants() -> None:
    entry = entry_from_wire(wire_entitlement("b", feature_type="BOOLEAN", meter_type="None"))
    assert decisions.decide(entry) == (True, None)


def test_budget_exceeded_is_the_only_server_reason_honoured() -> None:
    budget = entry_from_wire(wire_entitlement(access_denied_reason="BudgetExceeded"))
    assert decisions.decide(budget) == (False, "BudgetExceeded")
    other = entry_from_wire(
        wire_entitlement("b", feature_type="BOOLEAN", access_denied_reason="Revoked")
    )
    assert decisions.decide(other) == (True, None)


def test_numeric_config_feature_always_grants() -> None:
    entry = entry_from_wire(wire_entitlement(meter_type="None", usage_limit=0, current_usage=50))
    assert decisions.decide(entry, 1000) == (True, None)


def test_unlimited_and_soft_limit_grant() -> None:
    unlimited = entry_from_wire(wire_entitlement(usage_limit=None, has_unlimited_usage=True))
    soft = entry_from_wire(wire_entitlement(usage_limit=1, current_usage=5, has_soft_limit=True))
    assert decisions.decide(unlimited, 10**9) == (True, None)
    assert decisions.decide(soft, 10) == (True, None)


@given(limit=usage, current=usage, requested=usage)
def test_metered_access_is_current_plus_requested_at_most_limit(
    limit: int, current: int, requested: int
) -> None:
    entry = entry_from_wire(wire_entitlement(usage_limit=limit, current_usage=current))
    has_access, reason = decisions.decide(entry, requested)
    assert has_access == (current + requested <= limit)
    assert reason == (None if has_access else "RequestedUsageExceedingLimit")


@given(limit=usage)
def test_reaching_the_limit_exactly_still_grants(limit: int) -> None:
    entry = entry_from_wire(wire_entitlement(usage_limit=limit, current_usage=0))
    assert decisions.decide(entry, limit)[0] is True
    assert decisions.decide(entry, limit + 1)[0] is False


def test_null_meter_type_on_number_runs_the_limit_check() -> None:
    entry = entry_from_wire(wire_entitlement(meter_type=None, usage_limit=None, current_usage=3))
    assert decisions.decide(entry) == (False, "RequestedUsageExceedingLimit")


def test_metered_result_shape_matches_the_seed() -> None:
    entry = entry_from_wire(
        wire_entitlement(
            reset_period="MONTH",
            anchor="2026-04-01T00:00:00.000Z",
            start="2026-06-01T00:00:00.000Z",
            end="2026-07-01T00:00:00.000Z",
        )
    )
    result = decisions.metered_result(entry, 0, NOW)
    assert result.model_dump(mode="json", by_alias=True, exclude_none=True) == {
        "isFallback": False,
        "hasAccess": True,
        "isUnlimited": False,
        "usageLimit": 2,
        "currentUsage": 0,
        "requestedUsage": 0,
        "resetPeriod": "MONTH",
        "usagePeriodAnchor": "2026-04-01T00:00:00.000Z",
        "usagePeriodStart": "2026-06-01T00:00:00.000Z",
        "usagePeriodEnd": "2026-07-01T00:00:00.000Z",
        "resetSettings": {"nextResetDate": "2026-07-01T00:00:00.000Z", "resetPeriod": "MONTH"},
        "feature": {
            "id": "feature-demo-03",
            "featureType": "NUMBER",
            "meterType": "Incremental",
            "units": "request",
            "unitsPlural": "requests",
            "displayName": "Feature",
            "description": "",
            "isMetered": True,
        },
    }
    denied = decisions.metered_result(entry, 3, NOW)
    assert (denied.has_access, denied.access_denied_reason) == (
        False,
        "RequestedUsageExceedingLimit",
    )
    assert denied.requested_usage == 3


def test_results_are_memoised_per_entry_and_requested_usage() -> None:
    entry = entry_from_wire(wire_entitlement())
    assert decisions.metered_result(entry, 1, NOW) is decisions.metered_result(entry, 1, NOW)
    assert decisions.metered_result(entry, 1, NOW) is not decisions.metered_result(entry, 2, NOW)


def test_unknown_feature_results_are_not_fallbacks() -> None:
    assert decisions.boolean_result(None).model_dump(by_alias=True, exclude_none=True) == {
        "isFallback": False,
        "hasAccess": False,
        "accessDeniedReason": "NoFeatureEntitlementInSubscription",
    }
    assert decisions.numeric_result(None, NOW).model_dump(by_alias=True, exclude_none=True) == {
        "isFallback": False,
        "hasAccess": False,
        "accessDeniedReason": "NoFeatureEntitlementInSubscription",
        "isUnlimited": False,
    }
    metered = decisions.metered_result(None, 4, NOW)
    assert metered.model_dump(by_alias=True, exclude_none=True) == {
        "isFallback": False,
        "hasAccess": False,
        "accessDeniedReason": "NoFeatureEntitlementInSubscription",
        "isUnlimited": False,
        "currentUsage": 0,
        "requestedUsage": 4,
    }


def test_default_fallbacks() -> None:
    assert decisions.boolean_fallback(None).model_dump(by_alias=True, exclude_none=True) == {
        "isFallback": True,
        "hasAccess": False,
        "accessDeniedReason": "Unknown",
    }
    assert decisions.metered_fallback(None).model_dump(by_alias=True, exclude_none=True) == {
        "isFallback": True,
        "hasAccess": False,
        "accessDeniedReason": "Unknown",
        "isUnlimited": False,
        "currentUsage": 0,
        "requestedUsage": 1,
    }


def test_configured_fallback_is_spread_over_the_default() -> None:
    fallback = EntitlementFallback.model_validate({"hasAccess": True, "usageLimit": 10})
    result = decisions.metered_fallback(fallback)
    assert (result.is_fallback, result.has_access, result.usage_limit) == (True, True, 10)
    assert result.access_denied_reason == "Unknown"
    numeric = decisions.numeric_fallback(EntitlementFallback(has_access=True, value=7))
    assert (numeric.has_access, numeric.value, numeric.is_unlimited) == (True, 7, False)


def test_fallback_answers_are_built_once_and_equal_freshly_built_ones() -> None:
    configured = {"f": EntitlementFallback(has_access=True, value=5)}
    answers = decisions.FallbackAnswers(configured)
    assert answers.numeric("f") == decisions.numeric_fallback(configured["f"])
    assert answers.numeric("f") is answers.numeric("f")
    assert answers.boolean("other") is decisions.DEFAULT_BOOLEAN_FALLBACK
    assert answers.metered("other") == decisions.metered_fallback(None)
    given = {"hasAccess": True, "usageLimit": 9}
    metered = answers.metered("f", given)
    assert metered == decisions.metered_fallback(decisions.as_fallback(given))
    assert answers.metered("f", dict(given)) is metered
    assert answers.boolean("f", {"hasAccess": False}).has_access is False  # given beats configured
    assert answers.boolean("f", {"hasAccess": True}) is not answers.boolean("f")


def test_fallback_entitlements_list_one_entry_per_feature() -> None:
    results = decisions.fallback_entitlements(
        {
            "seats": EntitlementFallback.model_validate({"hasAccess": True}),
            "templates": EntitlementFallback.model_validate({"hasAccess": True, "usageLimit": 10}),
        }
    )
    dumped = [r.model_dump(by_alias=True, exclude_none=True) for r in results]
    assert dumped[0] == {
        "isFallback": True,
        "hasAccess": True,
        "accessDeniedReason": "Unknown",
        "feature": {"id": "seats"},
    }
    assert dumped[1]["feature"] == {"id": "templates"} and dumped[1]["usageLimit"] == 10


def test_roll_over_zeroes_usage_and_moves_the_period_forward() -> None:
    entry = entry_from_wire(
        wire_entitlement(
            usage_limit=2,
            current_usage=2,
            reset_period="MONTH",
            anchor="2026-01-31T10:00:00.000Z",
            start="2026-03-31T10:00:00.000Z",
            end="2026-04-30T10:00:00.000Z",
        )
    )
    before = decisions.metered_result(entry, 1, datetime(2026, 4, 20, tzinfo=UTC).timestamp())
    assert (before.has_access, before.current_usage) == (False, 2)
    after = decisions.metered_result(entry, 1, NOW)
    assert (after.has_access, after.current_usage) == (True, 0)
    assert after.usage_period_start == datetime(2026, 5, 31, 10, tzinfo=UTC)
    assert after.usage_period_end == datetime(2026, 6, 30, 10, tzinfo=UTC)
    assert entry.current_usage == 2  # the cached entry itself is not modified


def test_roll_over_without_anchor_keeps_the_period_but_zeroes_usage() -> None:
    entry = entry_from_wire(
        wire_entitlement(current_usage=2, end="2026-01-01T00:00:00.000Z", reset_period=None)
    )
    result = decisions.metered_result(entry, 0, NOW)
    assert result.current_usage == 0
    assert result.usage_period_end == datetime(2026, 1, 1, tzinfo=UTC)


@given(
    anchor=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
    ),
    offset=st.timedeltas(min_value=timedelta(hours=1), max_value=timedelta(days=3000)),
    period=st.sampled_from(["YEAR", "MONTH", "WEEK", "DAY", "HOUR"]),
    current=usage,
)
def test_rolled_period_contains_now_and_usage_is_zero(
    anchor: datetime, offset: timedelta, period: str, current: int
) -> None:
    now = anchor + offset
    stale_end = anchor  # the cached period ended at the anchor, long before now
    entry = entry_from_wire(
        wire_entitlement(
            usage_limit=current,
            current_usage=current,
            reset_period=period,
            anchor=anchor.isoformat(),
            start=(anchor - timedelta(days=1)).isoformat(),
            end=stale_end.isoformat(),
        )
    )
    result = decisions.metered_result(entry, 0, now.timestamp())
    assert result.current_usage == 0
    assert result.has_access is True
    assert result.usage_period_start is not None and result.usage_period_end is not None
    assert result.usage_period_start <= now < result.usage_period_end
    assert result.usage_period_start >= anchor


def enum_entry(values: list[str] | None) -> CachedEntitlement:
    raw = wire_entitlement("formats", feature_type="ENUM", meter_type="None", usage_limit=None)
    raw["enumValues"] = values
    return entry_from_wire(raw)


def test_enum_grants_only_when_every_requested_value_is_allowed() -> None:
    entry = enum_entry(["csv", "pdf"])
    assert decisions.decide(entry) == (True, None)
    assert decisions.decide(entry, requested_values=("pdf", "csv")) == (True, None)
    assert decisions.decide(entry, requested_values=("csv", "xlsx")) == (
        False,
        "RequestedValuesMismatch",
    )
    assert decisions.decide(enum_entry(None), requested_values=("csv",))[0] is False


def test_enum_result_shape_and_memo() -> None:
    entry = enum_entry(["csv", "pdf"])
    result = decisions.enum_result(entry, ("xlsx",))
    dumped = result.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"feature"})
    assert result.feature is not None and result.feature.id == "formats"
    assert dumped == {
        "isFallback": False,
        "hasAccess": False,
        "accessDeniedReason": "RequestedValuesMismatch",
        "enumValues": ["csv", "pdf"],
        "requestedValues": ["xlsx"],
    }
    assert decisions.enum_result(entry, ("xlsx",)) is result
    assert decisions.entitlement_result(entry, NOW, 0.0, ("csv",)).has_access is True
    missing = decisions.enum_result(None, ("a",))
    assert (missing.has_access, missing.enum_values) == (False, ())


def test_enum_fallbacks_and_requested_values() -> None:
    assert decisions.DEFAULT_ENUM_FALLBACK.enum_values == ()
    configured = EntitlementFallback.model_validate({"hasAccess": True, "enumValues": ["a"]})
    answers = decisions.FallbackAnswers({"f": configured})
    assert (answers.enum("f").has_access, answers.enum("f").enum_values) == (True, ("a",))
    assert answers.any("f") is answers.any("f")
    assert decisions.fallback_kind(configured) == "enum"
    listed = decisions.fallback_entitlements({"f": configured})
    assert type(listed[0]).__name__ == "EnumEntitlement"
    assert decisions.as_values("csv") == ("csv",)
    assert decisions.as_values(["a", "b"]) == ("a", "b")
    assert decisions.as_values(None) == ()
