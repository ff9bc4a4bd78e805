"""Property-based tests (hypothesis): entitlement decisions (SDK and emulator agree), usage-period
roll-over (SDK and emulator agree, periods tile time), and money math (rounding, proration bounds,
discounts never below zero)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stigg_client.core import decisions
from stigg_client.core.entries import entry_from_wire
from stigg_client.core.periods import current_period
from stigg_emulator.billing.money import minor_units, round_money
from stigg_emulator.billing.quote import Figures, coupon_off, prorated
from stigg_emulator.catalog.model import Coupon, Feature
from stigg_emulator.clock import from_ms, to_ms
from stigg_emulator.domain import entitlements as emulator_entitlements
from stigg_emulator.domain.periods import period_at
from stigg_emulator.domain.pricing import cents, discount_amount, prorate

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=(moment.microsecond // 1000) * 1000))
reset_periods = st.sampled_from(["HOUR", "DAY", "WEEK", "MONTH", "YEAR"])
money = st.decimals(min_value=0, max_value=Decimal("1e9"), places=4, allow_nan=False)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
currencies = st.sampled_from(["USD", "EUR", "DKK", "JPY", "KWD", "CLP", "BHD"])


def wire_entitlement(
    feature_type: str,
    meter_type: str | None,
    limit: float | None,
    usage: float,
    unlimited: bool,
    soft: bool,
    reason: str | None,
) -> dict[str, object]:
    return {
        "feature": {"refId": "f", "featureType": feature_type, "meterType": meter_type},
        "usageLimit": limit,
        "currentUsage": usage,
        "hasUnlimitedUsage": unlimited,
        "hasSoftLimit": soft,
        "accessDeniedReason": reason,
    }


@PROPERTY_SETTINGS
@given(
    limit=st.one_of(st.none(), amounts),
    usage=amounts,
    requested=amounts,
    smaller=st.floats(min_value=0, max_value=1),
    unlimited=st.booleans(),
    soft=st.booleans(),
    meter_type=st.sampled_from(["Incremental", "Fluctuating", "None"]),
)
def test_metered_decision_rules_and_agreement_with_the_emulator(
    limit: float | None,
    usage: float,
    requested: float,
    smaller: float,
    unlimited: bool,
    soft: bool,
    meter_type: str,
) -> None:
    entry = entry_from_wire(
        wire_entitlement("NUMBER", meter_type, limit, usage, unlimited, soft, None)
    )
    granted, reason = decisions.decide(entry, requested)
    # Monotone: asking for less never turns a grant into a denial.
    assert decisions.decide(entry, requested * smaller)[0] or not granted
    # A denial of a metered feature is always "usage exceeded", and only when over the limit.
    if not granted:
        assert reason == decisions.USAGE_EXCEEDED
        assert meter_type != "None" and not unlimited and not soft
        assert usage + requested > (limit or 0)
    else:
        assert reason is None
    # The emulator's server-side rule gives the same answer for the same numbers.
    feature = Feature("f", "F", "NUMBER", meter_type)
    grant = emulator_entitlements.Grant(
        feature, usage_limit=limit, unlimited=unlimited, soft_limit=soft
    )
    server_reason = emulator_entitlements.decide(
        grant, emulator_entitlements.Usage(value=usage), requested
    )
    assert (server_reason is None) == granted


@PROPERTY_SETTINGS
@given(
    feature_type=st.one_of(st.none(), st.sampled_from(["BOOLEAN", "NUMBER", "ENUM"]), st.text()),
    meter_type=st.one_of(st.none(), st.text(max_size=12)),
    limit=st.one_of(st.none(), st.floats(allow_nan=True)),
    usage=st.floats(allow_nan=True),
    requested=st.floats(allow_nan=True),
    reason=st.one_of(st.none(), st.sampled_from(["BudgetExceeded", "Revoked", "Unknown"])),
)
def test_decisions_never_raise_and_budget_exceeded_always_denies(
    feature_type: str | None,
    meter_type: str | None,
    limit: float | None,
    usage: float,
    requested: float,
    reason: str | None,
) -> None:
    raw = wire_entitlement(feature_type or "", meter_type, limit, usage, False, False, reason)
    if feature_type is None:
        raw["feature"] = None
    entry = entry_from_wire(raw)
    granted, denied_reason = decisions.decide(entry, requested)
    now = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    metered = decisions.metered_result(entry, requested, now)
    boolean = decisions.boolean_result(entry)
    assert metered.is_fallback is False and boolean.is_fallback is False
    if reason == "BudgetExceeded" and feature_type:
        assert (granted, denied_reason) == (False, "BudgetExceeded")
    if granted and feature_type == "NUMBER" and meter_type in ("Incremental", "Fluctuating"):
        assert not math.isnan(usage + requested)  # NaN arithmetic never grants a quota


@PROPERTY_SETTINGS
@given(anchor=moments, now=moments, reset_period=reset_periods)
def test_usage_periods_roll_over_identically_in_sdk_and_emulator(
    anchor: datetime, now: datetime, reset_period: str
) -> None:
    if now < anchor:
        anchor, now = now, anchor
    start, end = current_period(anchor, reset_period, now)
    assert start <= now < end
    server = period_at(to_ms(anchor), reset_period, now)
    assert (from_ms(server.start), from_ms(server.end)) == (start, end)
    # Roll-over: the instant the period ends belongs to the next one, which starts there.
    next_start, next_end = current_period(anchor, reset_period, end)
    assert next_start == end and next_end > end
    assert from_ms(period_at(to_ms(anchor), reset_period, end).start) == end
    # The instant before the end still belongs to this period.
    assert current_period(anchor, reset_period, end - timedelta(milliseconds=1)) == (start, end)
    if reset_period in ("MONTH", "YEAR"):
        # The anchor's day of month is kept (clamped to short months) and time of day too.
        assert start.time() == anchor.time()
        assert start.day == anchor.day or start.day < anchor.day


@PROPERTY_SETTINGS
@given(
    anchor=moments,
    now=moments,
    reset_period=reset_periods,
    usage=amounts,
    limit=amounts,
)
def test_cached_usage_resets_to_zero_after_its_period_ends(
    anchor: datetime, now: datetime, reset_period: str, usage: float, limit: float
) -> None:
    if now < anchor:
        anchor, now = now, anchor
    start, end = current_period(anchor, reset_period, anchor)
    raw = wire_entitlement("NUMBER", "Incremental", limit, usage, False, False, None)
    raw.update(
        resetPeriod=reset_period,
        usagePeriodAnchor=anchor.isoformat(),
        usagePeriodStart=start.isoformat(),
        usagePeriodEnd=end.isoformat(),
    )
    entry = entry_from_wire(raw)
    result = decisions.metered_result(entry, 0, now.timestamp())
    if now <= end:
        assert result.current_usage == usage
    else:
        assert result.current_usage == 0 and result.has_access
        assert result.usage_period_start is not None and result.usage_period_end is not None
        assert result.usage_period_start <= now < result.usage_period_end


@PROPERTY_SETTINGS
@given(
    amount=st.decimals(min_value=-1e9, max_value=1e9, places=6, allow_nan=False),
    currency=currencies,
)
def test_rounding_is_half_up_to_the_minor_unit(amount: Decimal, currency: str) -> None:
    rounded = round_money(amount, currency)
    unit = Decimal(1).scaleb(-minor_units(currency))
    assert abs(rounded - amount) <= unit / 2
    assert rounded == rounded.quantize(unit)
    assert round_money(rounded, currency) == rounded  # idempotent
    assert round_money(-amount, currency) == -rounded  # symmetric (half away from zero)
    if currency not in ("JPY", "CLP", "KWD", "BHD"):
        assert cents(amount) == rounded


@PROPERTY_SETTINGS
@given(
    amount=money,
    period_ms=st.integers(min_value=1, max_value=400 * 86_400_000),
    remaining_a=st.integers(min_value=-(10**12), max_value=10**12),
    remaining_b=st.integers(min_value=-(10**12), max_value=10**12),
    currency=currencies,
)
def test_proration_stays_within_zero_and_the_full_amount_and_is_monotone(
    amount: Decimal, period_ms: int, remaining_a: int, remaining_b: int, currency: str
) -> None:
    assert 0 <= prorated(amount, remaining_a, period_ms, currency) <= round_money(amount, currency)
    assert 0 <= prorate(amount, remaining_a, period_ms) <= cents(amount)
    low, high = sorted((remaining_a, remaining_b))
    assert prorated(amount, low, period_ms, currency) <= prorated(amount, high, period_ms, currency)
    assert prorated(amount, period_ms, period_ms, currency) == round_money(amount, currency)
    assert prorated(amount, 0, period_ms, currency) == 0
    assert prorated(amount, remaining_a, 0, currency) == 0


def coupon(kind: str, percent_off: Decimal, fixed: Decimal, currency: str) -> Coupon:
    return Coupon(
        ref_id="c",
        name="c",
        discount_type=kind,
        percent_off=percent_off if kind == "PERCENTAGE" else None,
        amounts_off=((fixed, currency),) if kind == "FIXED" else (),
    )


@PROPERTY_SETTINGS
@given(
    subtotal=money,
    kind=st.sampled_from(["PERCENTAGE", "FIXED"]),
    percent_off=percent,
    fixed=money,
    tax=st.decimals(min_value=0, max_value=50, places=2, allow_nan=False),
    currency=currencies,
    same_currency=st.booleans(),
)
def test_discounts_never_take_a_charge_below_zero(
    subtotal: Decimal,
    kind: str,
    percent_off: Decimal,
    fixed: Decimal,
    tax: Decimal,
    currency: str,
    same_currency: bool,
) -> None:
    chosen = coupon(kind, percent_off, fixed, currency if same_currency else "XTS")
    off = coupon_off(chosen, subtotal, currency)
    assert 0 <= off <= subtotal
    assert 0 <= discount_amount(chosen, subtotal, currency) <= subtotal
    figures = Figures(currency, subtotal, chosen, 0, tax)
    assert figures.total_excluding_tax >= 0
    assert figures.tax >= 0 and figures.total >= figures.total_excluding_tax
    assert figures.total_rounded >= 0
    if kind == "FIXED" and not same_currency:
        assert off == 0  # a fixed amount in another currency does not apply
    if kind == "PERCENTAGE" and percent_off == 100:
        assert figures.total == 0
    # The wire figures are rounded and still consistent: no negative amount is ever shown.
    shown = figures.json()
    for key in ("subTotal", "totalExcludingTax", "tax", "total"):
        assert shown[key]["amount"] >= 0, (key, shown)
