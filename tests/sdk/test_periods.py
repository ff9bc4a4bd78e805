"""Calendar arithmetic of usage periods."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from stigg_client.core.periods import add_months, current_period, whole_periods_since


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2024, 1, 31, tzinfo=UTC), 1) == datetime(2024, 2, 29, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 15, tzinfo=UTC), 3) == datetime(2027, 2, 15, tzinfo=UTC)


def test_leap_day_anchor_yearly() -> None:
    start, end = current_period(
        datetime(2024, 2, 29, tzinfo=UTC), "YEAR", datetime(2025, 6, 1, tzinfo=UTC)
    )
    assert (start, end) == (datetime(2025, 2, 28, tzinfo=UTC), datetime(2026, 2, 28, tzinfo=UTC))


def test_period_boundary_belongs_to_the_new_period() -> None:
    anchor = datetime(2026, 1, 1, tzinfo=UTC)
    assert whole_periods_since(anchor, datetime(2026, 3, 1, tzinfo=UTC), "MONTH") == 2
    assert whole_periods_since(anchor, datetime(2026, 1, 8, tzinfo=UTC), "WEEK") == 1
    assert whole_periods_since(anchor, datetime(2026, 1, 1, 5, 59, tzinfo=UTC), "HOUR") == 5


@given(
    anchor=st.datetimes(
        min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
    ),
    later=st.datetimes(
        min_value=datetime(2040, 1, 2), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)
    ),
    period=st.sampled_from(["YEAR", "MONTH"]),
)
def test_whole_periods_is_the_floor(anchor: datetime, later: datetime, period: str) -> None:
    count = whole_periods_since(anchor, later, period)
    step = 12 if period == "YEAR" else 1
    assert add_months(anchor, count * step) <= later < add_months(anchor, (count + 1) * step)
