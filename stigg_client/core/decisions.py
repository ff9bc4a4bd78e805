"""Pure entitlement decisions: a cached entitlement (or none) in, a check result out.

Implements docs/protocol.md §5.1 (browser decision, result shapes, fallbacks, usage-period
roll-over) and §5.5/§5.6 (unknown features, offline). No I/O and no clock of its own: `now` is a
parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from stigg_client.core.entries import METERED_TYPES, CachedEntitlement
from stigg_client.core.periods import current_period, is_reset_period
from stigg_client.models.base import Builder
from stigg_client.models.credits import CreditCurrency, CreditEntitlement
from stigg_client.models.entitlements import (
    BooleanEntitlement,
    Entitlement,
    EntitlementFallback,
    EntitlementFeature,
    EnumEntitlement,
    MeteredEntitlement,
    NumericEntitlement,
    ResetSettings,
)
from stigg_client.models.enums import AccessDeniedReason

NO_ENTITLEMENT = AccessDeniedReason.NO_FEATURE_ENTITLEMENT_IN_SUBSCRIPTION.value
USAGE_EXCEEDED = AccessDeniedReason.REQUESTED_USAGE_EXCEEDING_LIMIT.value
BUDGET_EXCEEDED = AccessDeniedReason.BUDGET_EXCEEDED.value
UNKNOWN = AccessDeniedReason.UNKNOWN.value
VALUES_MISMATCH = AccessDeniedReason.REQUESTED_VALUES_MISMATCH.value

_BOOLEAN_FIELDS = {"is_fallback", "has_access", "access_denied_reason", "feature"}
_NUMERIC_FIELDS = _BOOLEAN_FIELDS | {"is_unlimited", "value"}
_METERED_FIELDS = _BOOLEAN_FIELDS | {
    "is_unlimited",
    "usage_limit",
    "current_usage",
    "requested_usage",
    "reset_period",
    "usage_period_anchor",
    "usage_period_start",
    "usage_period_end",
}
_ENUM_FIELDS = _BOOLEAN_FIELDS | {"enum_values", "requested_values"}
_build_boolean = Builder(BooleanEntitlement, _BOOLEAN_FIELDS)
_build_enum = Builder(EnumEntitlement, _ENUM_FIELDS)
_build_numeric = Builder(NumericEntitlement, _NUMERIC_FIELDS)
_build_metered = Builder(MeteredEntitlement, _METERED_FIELDS)
_build_metered_with_reset = Builder(MeteredEntitlement, _METERED_FIELDS | {"reset_settings"})

_UNKNOWN_BOOLEAN = _build_boolean(
    {"is_fallback": False, "has_access": False, "access_denied_reason": NO_ENTITLEMENT}
)
_UNKNOWN_NUMERIC = _build_numeric(
    {
        "is_fallback": False,
        "has_access": False,
        "access_denied_reason": NO_ENTITLEMENT,
        "is_unlimited": False,
    }
)


def decide(
    entry: CachedEntitlement | None,
    requested_usage: float = 0.0,
    current_usage: float | None = None,
    requested_values: tuple[str, ...] | None = None,
) -> tuple[bool, str | None]:
    """`decideEntitlementPolicy`: (has_access, access_denied_reason) for a cached entitlement.

    `current_usage` overrides the cached usage (after a usage-period roll-over it is 0). An ENUM
    feature grants access when every requested value is among its allowed values.
    """
    if entry is None or entry.feature_type is None:
        return False, NO_ENTITLEMENT
    if entry.access_denied_reason == BUDGET_EXCEEDED:
        return False, BUDGET_EXCEEDED
    feature_type = entry.feature_type
    if feature_type == "BOOLEAN":
        return True, None
    if feature_type == "ENUM":
        if requested_values is None or entry.enum_values.issuperset(requested_values):
            return True, None
        return False, VALUES_MISMATCH
    if feature_type == "NUMBER":
        if entry.meter_type == "None":
            return True, None
        if entry.has_unlimited_usage or entry.has_soft_limit:
            return True, None
        usage = entry.current_usage if current_usage is None else current_usage
        if usage + requested_usage <= (entry.usage_limit or 0):
            return True, None
        return False, USAGE_EXCEEDED
    return False, None


def rolled_usage(
    entry: CachedEntitlement, now: datetime
) -> tuple[float, datetime | None, datetime | None]:
    """Usage and period as of `now`: when the cached period has ended, usage is 0 and the period
    is recomputed from the anchor (when anchor and reset period are known)."""
    end = entry.usage_period_end
    if end is None or end >= now:
        return entry.current_usage, entry.usage_period_start, end
    anchor = entry.usage_period_anchor
    if anchor is not None and is_reset_period(entry.reset_period):
        start, end = current_period(anchor, str(entry.reset_period), now)
        return 0.0, start, end
    return 0.0, entry.usage_period_start, end


def boolean_result(entry: CachedEntitlement | None) -> BooleanEntitlement:
    """Result of a boolean check on a loaded cache (`entry` None = feature not entitled)."""
    if entry is None:
        return _UNKNOWN_BOOLEAN  # type: ignore[no-any-return]
    result = entry.memo.get("boolean")
    if result is None:
        has_access, reason = decide(entry)
        result = entry.memo["boolean"] = _build_boolean(
            {
                "is_fallback": False,
                "has_access": has_access,
                "access_denied_reason": reason,
                "feature": entry.plain_feature,
            }
        )
    return result  # type: ignore[no-any-return]


def numeric_result(entry: CachedEntitlement | None, now_ts: float) -> NumericEntitlement:
    """Result of a numeric check on a loaded cache."""
    if entry is None:
        return _UNKNOWN_NUMERIC  # type: ignore[no-any-return]
    if now_ts > entry.usage_period_end_ts:
        return _numeric(entry, now_ts)
    result = entry.memo.get("numeric")
    if result is None:
        result = entry.memo["numeric"] = _numeric(entry, now_ts)
    return result


def _numeric(entry: CachedEntitlement, now_ts: float) -> NumericEntitlement:
    usage, _, _ = rolled_usage(entry, datetime.fromtimestamp(now_ts, UTC))
    has_access, reason = decide(entry, 0.0, usage)
    return _build_numeric(  # type: ignore[no-any-return]
        {
            "is_fallback": False,
            "has_access": has_access,
            "access_denied_reason": reason,
            "feature": entry.plain_feature,
            "is_unlimited": entry.has_unlimited_usage,
            "value": entry.usage_limit,
        }
    )


def metered_result(
    entry: CachedEntitlement | None, requested_usage: float, now_ts: float
) -> MeteredEntitlement:
    """Result of a metered check on a loaded cache, with client-side usage-period roll-over."""
    if entry is None:
        return _build_metered(  # type: ignore[no-any-return]
            {
                "is_fallback": False,
                "has_access": False,
                "access_denied_reason": NO_ENTITLEMENT,
                "is_unlimited": False,
                "current_usage": 0.0,
                "requested_usage": requested_usage,
            }
        )
    if now_ts > entry.usage_period_end_ts:
        return _metered(entry, requested_usage, now_ts)
    memo = entry.memo
    result = memo.get(requested_usage)
    if result is None:
        result = _metered(entry, requested_usage, now_ts)
        if len(memo) < 64:
            memo[requested_usage] = result
    return result


def _metered(entry: CachedEntitlement, requested_usage: float, now_ts: float) -> MeteredEntitlement:
    usage, start, end = rolled_usage(entry, datetime.fromtimestamp(now_ts, UTC))
    has_access, reason = decide(entry, requested_usage, usage)
    values: dict[str, Any] = {
        "is_fallback": False,
        "has_access": has_access,
        "access_denied_reason": reason,
        "feature": entry.metered_feature,
        "is_unlimited": entry.has_unlimited_usage,
        "usage_limit": entry.usage_limit,
        "current_usage": usage,
        "requested_usage": requested_usage,
        "reset_period": entry.reset_period,
        "usage_period_anchor": entry.usage_period_anchor,
        "usage_period_start": start,
        "usage_period_end": end,
    }
    if entry.meter_type == "Incremental" and entry.reset_period is not None and end is not None:
        values["reset_settings"] = ResetSettings(
            next_reset_date=end, reset_period=entry.reset_period
        )
        return _build_metered_with_reset(values)  # type: ignore[no-any-return]
    return _build_metered(values)  # type: ignore[no-any-return]


def enum_result(
    entry: CachedEntitlement | None, requested_values: tuple[str, ...] | None
) -> EnumEntitlement:
    """Result of an enum check: the allowed values, denied if a requested one is not among them."""
    if entry is None:
        return _build_enum(  # type: ignore[no-any-return]
            {
                "is_fallback": False,
                "has_access": False,
                "access_denied_reason": NO_ENTITLEMENT,
                "enum_values": (),
                "requested_values": requested_values,
            }
        )
    memo = entry.memo
    key = ("enum", requested_values)
    result = memo.get(key)
    if result is None:
        has_access, reason = decide(entry, 0.0, None, requested_values)
        result = _build_enum(
            {
                "is_fallback": False,
                "has_access": has_access,
                "access_denied_reason": reason,
                "feature": entry.plain_feature,
                "enum_values": entry.enum_values_list,
                "requested_values": requested_values,
            }
        )
        if len(memo) < 64:
            memo[key] = result
    return result  # type: ignore[no-any-return]


def entitlement_result(
    entry: CachedEntitlement,
    now_ts: float,
    requested_usage: float = 0.0,
    requested_values: tuple[str, ...] | None = None,
) -> Entitlement:
    """`getEntitlement(s)` mapping by the feature's type: boolean, enum, metered (a metered
    NUMBER) or numeric; the requested usage or values apply to the metered or enum shape."""
    feature_type = entry.feature_type
    if feature_type == "NUMBER":
        if entry.meter_type in METERED_TYPES:
            return metered_result(entry, requested_usage, now_ts)
        return numeric_result(entry, now_ts)
    if feature_type == "ENUM":
        return enum_result(entry, requested_values)
    return boolean_result(entry)


def as_values(requested_values: Iterable[str] | None) -> tuple[str, ...] | None:
    """Requested enum values as a tuple (a single string is one value, not its characters);
    None when none were requested (results then carry no `requestedValues`, as in Stigg's)."""
    if requested_values is None:
        return None
    if isinstance(requested_values, str):
        return (requested_values,)
    if isinstance(requested_values, tuple):
        return requested_values
    return tuple(requested_values)


def as_fallback(
    value: EntitlementFallback | Mapping[str, Any] | None,
) -> EntitlementFallback | None:
    """Accept a fallback as a model or a dict with camelCase or snake_case keys."""
    if value is None or isinstance(value, EntitlementFallback):
        return value
    return EntitlementFallback.model_validate(dict(value))


def _spread(fallback: EntitlementFallback | None, allowed: set[str]) -> dict[str, Any]:
    if fallback is None:
        return {}
    return {name: getattr(fallback, name) for name in fallback.model_fields_set & allowed}


def boolean_fallback(fallback: EntitlementFallback | None) -> BooleanEntitlement:
    """Default boolean fallback (`hasAccess: false`, reason `Unknown`) + overrides."""
    values: dict[str, Any] = {
        "is_fallback": True,
        "has_access": False,
        "access_denied_reason": UNKNOWN,
    }
    values.update(_spread(fallback, {"has_access", "access_denied_reason"}))
    return Builder(BooleanEntitlement, set(values))(values)  # type: ignore[no-any-return]


def numeric_fallback(fallback: EntitlementFallback | None) -> NumericEntitlement:
    """Default numeric fallback (adds `isUnlimited: false`) + overrides."""
    values: dict[str, Any] = {
        "is_fallback": True,
        "has_access": False,
        "access_denied_reason": UNKNOWN,
        "is_unlimited": False,
    }
    values.update(
        _spread(fallback, {"has_access", "access_denied_reason", "value", "is_unlimited"})
    )
    return Builder(NumericEntitlement, set(values))(values)  # type: ignore[no-any-return]


def metered_fallback(fallback: EntitlementFallback | None) -> MeteredEntitlement:
    """Default metered fallback (`currentUsage: 0, requestedUsage: 1`) + overrides."""
    values: dict[str, Any] = {
        "is_fallback": True,
        "has_access": False,
        "access_denied_reason": UNKNOWN,
        "is_unlimited": False,
        "current_usage": 0.0,
        "requested_usage": 1.0,
    }
    allowed = {
        "has_access",
        "access_denied_reason",
        "usage_limit",
        "is_unlimited",
        "current_usage",
        "requested_usage",
    }
    values.update(_spread(fallback, allowed))
    return Builder(MeteredEntitlement, set(values))(values)  # type: ignore[no-any-return]


def enum_fallback(fallback: EntitlementFallback | None) -> EnumEntitlement:
    """Default enum fallback (no allowed values) + overrides."""
    values: dict[str, Any] = {
        "is_fallback": True,
        "has_access": False,
        "access_denied_reason": UNKNOWN,
        "enum_values": (),
    }
    values.update(_spread(fallback, {"has_access", "access_denied_reason", "enum_values"}))
    return Builder(EnumEntitlement, set(values))(values)  # type: ignore[no-any-return]


def credit_fallback(currency_id: str, fallback: EntitlementFallback | None) -> CreditEntitlement:
    """Default credit fallback of `currency_id` (not granted, reason `Unknown`) + the
    fallback's `has_access`, `usage_limit`, `current_usage` and `access_denied_reason`."""
    values: dict[str, Any] = {"access_denied_reason": UNKNOWN}
    values.update(_spread(fallback, {"usage_limit", "current_usage", "access_denied_reason"}))
    return CreditEntitlement(
        currency=CreditCurrency(currency_id=currency_id, display_name=currency_id),
        is_granted=bool(fallback and fallback.has_access),
        is_fallback=True,
        **values,
    )


def fallback_kind(fallback: EntitlementFallback | None) -> str:
    """The kind of result a fallback describes, by the fields it sets (boolean by default)."""
    fields = fallback.model_fields_set if fallback is not None else set()
    if fields & {"usage_limit", "current_usage", "requested_usage"}:
        return "metered"
    if "enum_values" in fields:
        return "enum"
    if fields & {"value", "is_unlimited"}:
        return "numeric"
    return "boolean"


def any_fallback(fallback: EntitlementFallback | None) -> Entitlement:
    """The fallback result of the kind `fallback_kind` reads from the fallback's fields."""
    return FALLBACK_BUILDERS[fallback_kind(fallback)](fallback)


def fallback_entitlements(fallbacks: Mapping[str, EntitlementFallback]) -> list[Entitlement]:
    """`getEntitlements` when nothing is loaded: one fallback result per configured feature."""
    results: list[Entitlement] = []
    for feature_id, fallback in fallbacks.items():
        feature = EntitlementFeature(id=feature_id)
        result = any_fallback(fallback)
        results.append(result.model_copy(update={"feature": feature}))
    return results


DEFAULT_BOOLEAN_FALLBACK = boolean_fallback(None)
DEFAULT_NUMERIC_FALLBACK = numeric_fallback(None)
DEFAULT_METERED_FALLBACK = metered_fallback(None)
DEFAULT_ENUM_FALLBACK = enum_fallback(None)
FALLBACK_BUILDERS: dict[str, Callable[[EntitlementFallback | None], Entitlement]] = {
    "boolean": boolean_fallback,
    "numeric": numeric_fallback,
    "metered": metered_fallback,
    "enum": enum_fallback,
}

Result = TypeVar(
    "Result", BooleanEntitlement, NumericEntitlement, MeteredEntitlement, EnumEntitlement
)
FallbackArg = EntitlementFallback | Mapping[str, Any] | None


class FallbackAnswers:
    """The fallback results of one client, each built once and then reused (results are frozen).

    A check that cannot answer from the cache (before the first load, offline, or a type
    mismatch) costs a dictionary look-up instead of building a result. Results for fallbacks
    given per call are kept too, up to `MAX_GIVEN` distinct ones.
    """

    MAX_GIVEN = 256

    def __init__(self, configured: Mapping[str, EntitlementFallback]) -> None:
        self._configured = configured
        self._answers: dict[Hashable, Any] = {}
        self._given = 0

    def boolean(self, feature_id: str, given: FallbackArg = None) -> BooleanEntitlement:
        """The boolean fallback of `feature_id` (`given` overrides the configured one)."""
        return self._answer(boolean_fallback, DEFAULT_BOOLEAN_FALLBACK, feature_id, given)

    def numeric(self, feature_id: str, given: FallbackArg = None) -> NumericEntitlement:
        """The numeric fallback of `feature_id` (`given` overrides the configured one)."""
        return self._answer(numeric_fallback, DEFAULT_NUMERIC_FALLBACK, feature_id, given)

    def metered(self, feature_id: str, given: FallbackArg = None) -> MeteredEntitlement:
        """The metered fallback of `feature_id` (`given` overrides the configured one)."""
        return self._answer(metered_fallback, DEFAULT_METERED_FALLBACK, feature_id, given)

    def enum(self, feature_id: str, given: FallbackArg = None) -> EnumEntitlement:
        """The enum fallback of `feature_id` (`given` overrides the configured one)."""
        return self._answer(enum_fallback, DEFAULT_ENUM_FALLBACK, feature_id, given)

    def credit(self, currency_id: str, given: FallbackArg = None) -> CreditEntitlement:
        """The credit fallback of `currency_id` (`given` overrides the configured one)."""
        given_key = None if given is None else _given_key(given)
        key: Hashable = ("credit", currency_id, given_key)
        answer: CreditEntitlement | None = self._answers.get(key)
        if answer is None:
            answer = credit_fallback(
                currency_id, as_fallback(given) or self._configured.get(currency_id)
            )
            if given is None or (given_key is not None and self._given < self.MAX_GIVEN):
                self._given += given is not None
                self._answers[key] = answer
        return answer

    def any(self, feature_id: str, given: FallbackArg = None) -> Entitlement:
        """The fallback of `feature_id` of the kind its fields describe (boolean by default)."""
        answer: Entitlement = self._answer(
            any_fallback,
            DEFAULT_BOOLEAN_FALLBACK,
            feature_id,
            given,
        )
        return answer

    def _answer(
        self,
        build: Callable[[EntitlementFallback | None], Result],
        default: Result,
        feature_id: str,
        given: FallbackArg,
    ) -> Result:
        if given is None:
            if feature_id not in self._configured:
                return default
            key: Hashable = (build, feature_id)
            keep = True
        else:
            given_key = _given_key(given)
            key = (build, given_key)
            keep = given_key is not None and self._given < self.MAX_GIVEN
        answer: Result | None = self._answers.get(key)
        if answer is None:
            answer = build(as_fallback(given) or self._configured.get(feature_id))
            if keep:
                self._given += given is not None
                self._answers[key] = answer
        return answer


def _given_key(given: EntitlementFallback | Mapping[str, Any]) -> Hashable | None:
    """A key for a per-call fallback mapping with hashable values, else None (not kept)."""
    if isinstance(given, EntitlementFallback):
        return None
    try:
        key = tuple(given.items())
        hash(key)
    except TypeError:
        return None
    return key
