"""Time source for the domain: injectable, timezone-aware UTC, with monotonic update stamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Scope:
    """Customers sharing one "now": one customer with its own clock, or everyone else."""

    customer: str | None  # None: every customer except `others`
    others: tuple[str, ...] = ()


class Clock:
    """Wall-clock time until a test clock sets it; from then on "now" stands still where set.

    A customer may run ahead of the global clock by its own offset (a per-customer test clock):
    `now(customer)` is the global "now" plus that offset, so a global advance moves it too.
    """

    def __init__(self) -> None:
        self._last_stamp = 0
        self._stamps: dict[str, int] = {}
        self._frozen: datetime | None = None
        self._offsets: dict[str, int] = {}

    def now(self, customer: str | None = None) -> datetime:
        """The current time (UTC, timezone-aware), of `customer` when given."""
        base = self._frozen if self._frozen is not None else datetime.now(UTC)
        offset = self._offsets.get(customer, 0) if customer is not None else 0
        return base + timedelta(milliseconds=offset) if offset else base

    def offset_ms(self, customer: str) -> int:
        """How far (ms) `customer`'s clock runs ahead of the global one."""
        return self._offsets.get(customer, 0)

    @property
    def offsets(self) -> dict[str, int]:
        """Every customer clock's offset (ms ahead of the global clock)."""
        return dict(self._offsets)

    def set_offset(self, customer: str, offset_ms: int) -> None:
        """Run `customer`'s clock `offset_ms` ahead of the global one; never backwards."""
        if offset_ms < self.offset_ms(customer):
            raise ValueError("the clock cannot go back in time")
        if offset_ms:
            self._offsets[customer] = offset_ms

    def scopes(self, only: str | None = None) -> list[Scope]:
        """The clock scopes to process: `only` that customer, else everyone by own clock."""
        if only is not None:
            return [Scope(only)]
        others = tuple(sorted(self._offsets))
        return [Scope(None, others), *(Scope(customer) for customer in others)]

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

    def now_ms(self, customer: str | None = None) -> int:
        """The current time (of `customer` when given) as epoch milliseconds."""
        return to_ms(self.now(customer))

    def stamp(self, customer: str | None = None) -> int:
        """A strictly increasing epoch-ms stamp for `entitlementUpdatedAt` / `usageUpdatedAt`.

        Stamps increase per customer, on that customer's clock.
        """
        key = customer or ""
        stamp = max(self.now_ms(customer), self._stamps.get(key, self._last_stamp) + 1)
        self._stamps[key] = stamp
        return stamp

    def observe(self, stamp: int) -> None:
        """Make later stamps exceed `stamp` (e.g. one loaded from the database)."""
        self._last_stamp = max(self._last_stamp, stamp)
        for key, value in self._stamps.items():
            self._stamps[key] = max(value, stamp)


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
