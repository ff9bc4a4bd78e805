"""Usage period arithmetic (pure functions): anchors, calendar months, roll-over."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stigg_emulator.clock import from_ms, to_ms
from stigg_emulator.domain.periods import add_months, period_at


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def window(start: str, reset: str, now: str, **kwargs: str) -> tuple[str, str]:
    period = period_at(to_ms(at(start)), reset, at(now), **kwargs)
    return from_ms(period.start).isoformat()[:19], from_ms(period.end).isoformat()[:19]


def test_month_end_anchor_clamps_and_recovers() -> None:
    assert add_months(at("2024-01-31T10:00:00"), 1) == at("2024-02-29T10:00:00")
    assert window("2024-01-31T10:00:00", "MONTH", "2024-03-05T00:00:00") == (
        "2024-02-29T10:00:00",
        "2024-03-31T10:00:00",
    )
    assert window("2024-01-31T10:00:00", "MONTH", "2024-04-30T10:00:00") == (
        "2024-04-30T10:00:00",
        "2024-05-31T10:00:00",
    )


@pytest.mark.parametrize(
    ("reset", "now", "expected"),
    [
        ("HOUR", "2024-01-01T05:30:00", ("2024-01-01T05:15:00", "2024-01-01T06:15:00")),
        ("DAY", "2024-01-03T00:00:00", ("2024-01-02T00:15:00", "2024-01-03T00:15:00")),
        ("WEEK", "2024-01-20T00:00:00", ("2024-01-15T00:15:00", "2024-01-22T00:15:00")),
        ("MONTH", "2024-01-01T00:15:00", ("2024-01-01T00:15:00", "2024-02-01T00:15:00")),
        ("YEAR", "2026-06-01T00:00:00", ("2026-01-01T00:15:00", "2027-01-01T00:15:00")),
    ],
)
def test_periods_roll_over_at_exact_boundaries(
    reset: str, now: str, expected: tuple[str, str]
) -> None:
    assert window("2024-01-01T00:15:00", reset, now) == expected


def test_start_of_month_and_weekday_anchors() -> None:
    assert window(
        "2024-01-17T08:00:00", "MONTH", "2024-03-02T00:00:00", monthly="StartOfTheMonth"
    ) == ("2024-03-01T00:00:00", "2024-04-01T00:00:00")
    # 2024-01-17 is a Wednesday; weekly periods every Monday 00:00 UTC.
    assert window("2024-01-17T08:00:00", "WEEK", "2024-01-28T12:00:00", weekly="EveryMonday") == (
        "2024-01-22T00:00:00",
        "2024-01-29T00:00:00",
    )


def test_before_anchor_is_first_period() -> None:
    assert window("2024-05-01T00:00:00", "MONTH", "2024-04-01T00:00:00") == (
        "2024-05-01T00:00:00",
        "2024-06-01T00:00:00",
    )
