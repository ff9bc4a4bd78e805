"""Time source for the domain: injectable, timezone-aware UTC, with monotonic update stamps."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """Wall-clock time until a test clock sets it; from then on "now" stands still where set."""

    def __init__(self) -> None:
        self._last_stamp = 0
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        """The current time (UTC, timezone-aware)."""
        return self._frozen if self._frozen is not None else datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        """Freeze "now" at `moment` (test clock); time never goes back."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if moment < self.now():
            raise ValueError("the clock cannot go back in time")
        self._frozen = moment

    @property
    def is_frozen(self) -> bool:
        """True once a test clock has set the time."""
        return self._frozen is not None

    def now_ms(self) -> int:
        """The current time as epoch milliseconds."""
        return to_ms(self.now())

    def stamp(self) -> int:
        """A strictly increasing epoch-ms stamp for `entitlementUpdatedAt` / `usageUpdatedAt`."""
        stamp = max(self.now_ms(), self._last_stamp + 1)
        self._last_stamp = stamp
        return stamp

    def observe(self, stamp: int) -> None:
        """Make later stamps exceed `stamp` (e.g. one loaded from the database)."""
        self._last_stamp = max(self._last_stamp, stamp)


def to_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def from_ms(stamp: int) -> datetime:
    """Aware UTC datetime of epoch milliseconds."""
    return datetime.fromtimestamp(stamp / 1000, tz=UTC)


def iso(stamp: int | None) -> str | None:
    """ISO-8601 UTC text with milliseconds and `Z`, as Stigg's API returns."""
    if stamp is None:
        return None
    return from_ms(stamp).strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp % 1000:03d}Z"


def parse_iso(text: str) -> datetime:
    """Parse an ISO-8601 timestamp (accepts a trailing `Z`); naive values are UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
