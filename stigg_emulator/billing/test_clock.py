"""The test clock: move the emulator's "now" forward and apply everything crossing it causes.

Events are applied in time order, stepping from one to the next: subscriptions starting, trials
ending (convert to paid or cancel, then the product's downgrade plan), cancellations at period end,
scheduled updates (downgrades, migrations), promotional grants expiring, renewal invoices at
each billing-period boundary, processing bank debits settling. Usage needs no job: a usage row
of an older period reads as zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from stigg_emulator.billing import ledger
from stigg_emulator.billing import tables as bt
from stigg_emulator.billing.quote import Figures, coupon_applies
from stigg_emulator.clock import from_ms, iso, parse_iso, to_ms
from stigg_emulator.domain import subscriptions
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.domain.estimates import (
    current_period,
    stored_coupon,
    subscription_bill,
    tax_percentage,
)
from stigg_emulator.storage import repositories as repo
from stigg_emulator.storage import tables as t

DURATION = re.compile(r"^\s*(\d+)\s*(w|d|h|m|s)\s*$")
UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """`35d`, `12h`, `2w`, `90m`, `30s` as a timedelta."""
    match = DURATION.match(text)
    if match is None:
        raise bad_input(f"duration must look like 35d, 12h, 2w, 90m or 30s (got {text!r})")
    return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})


def target_of(data: dict[str, Any], now: datetime) -> datetime:
    """The moment an advance request (`to` ISO time or `by` duration) names."""
    if data.get("to"):
        try:
            target = parse_iso(str(data["to"]))
        except ValueError:
            raise bad_input(f"'to' is not an ISO-8601 date-time: {data['to']!r}") from None
    elif data.get("by"):
        target = now + parse_duration(str(data["by"]))
    else:
        raise bad_input("give 'to' (ISO-8601 time) or 'by' (a duration such as 35d)")
    if target < now:
        raise bad_input(f"the clock is at {now.isoformat()} and cannot go back")
    return target


@dataclass
class Report:
    """What an advance did."""

    start: int
    now: int = 0
    steps: int = 0
    transitions: int = 0
    expired_promotions: int = 0
    invoices: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        """JSON answer of the clock endpoint."""
        return {
            "from": iso(self.start),
            "now": iso(self.now),
            "steps": self.steps,
            "transitions": self.transitions,
            "expiredPromotions": self.expired_promotions,
            "invoices": self.invoices,
            "settled": self.settled,
        }


def _billed(row: dict[str, Any]) -> bool:
    return (
        row["status"] == "ACTIVE"
        and row["pricing_type"] == "PAID"
        and bool(row.get("billing_period"))
    )


def _paid_rows(connection: Connection) -> list[dict[str, Any]]:
    table = t.subscriptions
    statement = select(table).where(
        and_(table.c.status == "ACTIVE", table.c.pricing_type == "PAID")
    )
    return [dict(row) for row in connection.execute(statement).mappings().all()]


def _next_boundary(row: dict[str, Any], after_ms: int) -> int:
    """The first billing-period start of `row` strictly after `after_ms`."""
    _, end = current_period(row["billing_period"], int(row["billing_anchor"]), after_ms)
    return end


def _next_promotion_end(connection: Connection, after_ms: int) -> int | None:
    table = t.promotional_entitlements
    statement = select(table.c.end_date).where(
        and_(table.c.status == "Active", table.c.end_date.is_not(None), table.c.end_date > after_ms)
    )
    ends = [int(value) for value in connection.execute(statement).scalars().all()]
    return min(ends) if ends else None


def _due_times(connection: Connection, after_ms: int) -> list[int]:
    """The earliest subscription / scheduled-update time of each kind after `after_ms`."""
    table = t.subscriptions
    times: list[int] = []
    for column, statuses in (
        (table.c.trial_end_date, ("IN_TRIAL",)),
        (table.c.cancellation_date, repo.ACTIVE_STATUSES),
        (table.c.end_date, repo.ACTIVE_STATUSES),
        (table.c.start_date, ("NOT_STARTED",)),
    ):
        value = connection.execute(
            select(func.min(column)).where(table.c.status.in_(statuses), column > after_ms)
        ).scalar()
        if value is not None:
            times.append(int(value))
    updates = t.scheduled_updates
    value = connection.execute(
        select(func.min(updates.c.scheduled_at)).where(
            updates.c.status == "Scheduled", updates.c.scheduled_at > after_ms
        )
    ).scalar()
    if value is not None:
        times.append(int(value))
    return times


def _next_event(domain: Domain, cursor: int, target: int) -> int:
    """The earliest event after `cursor`, or `target` when nothing happens before it."""
    candidates = [target]
    with domain.read() as connection:
        candidates.extend(_due_times(connection, cursor))
        ends = _next_promotion_end(connection, cursor)
        if ends is not None:
            candidates.append(ends)
        candidates.extend(
            _next_boundary(row, cursor) for row in _paid_rows(connection) if _billed(row)
        )
    return min(candidates)


def _expire_promotions(domain: Domain, report: Report) -> None:
    now = domain.clock.now_ms()
    table = t.promotional_entitlements
    with domain.write() as tx:
        statement = select(table).where(
            and_(table.c.status == "Active", table.c.end_date.is_not(None), table.c.end_date <= now)
        )
        for row in tx.conn.execute(statement).mappings().all():
            repo.update_promotion(tx.conn, row["uuid"], {"status": "Expired", "updated_at": now})
            subscriptions.touch_customer(domain, tx, row["customer_ref"])
            report.expired_promotions += 1


def _renew(domain: Domain, base_url: str, report: Report) -> None:
    """Issue the renewal invoice of every paid subscription whose new period starts now."""
    now = domain.clock.now_ms()
    with domain.write() as tx:
        for row in _paid_rows(tx.conn):
            if not _billed(row):
                continue
            start, end = current_period(row["billing_period"], int(row["billing_anchor"]), now)
            if start != now:
                continue
            reason = "BILLING_CYCLE"
            if start <= int(row["start_date"]):
                if ledger.subscription_invoices(tx.conn, row["ref_id"]):
                    continue
                reason = "SUBSCRIPTION_CREATION"  # a future-dated subscription that began now
            bill = subscription_bill(domain, row)
            coupon = stored_coupon(domain, row)
            if coupon is not None and not coupon_applies(
                coupon, int(row["start_date"]), now, first_invoice=reason != "BILLING_CYCLE"
            ):
                coupon = None
            figures = Figures(
                bill.currency,
                bill.subtotal,
                coupon,
                int(row["start_date"]),
                tax_percentage(row.get("billing_info")),
            )
            invoice = ledger.charge(domain, tx, row, figures, reason, (start, end), base_url)
            report.invoices.append(invoice)
            subscriptions.touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))


def _touch_everyone(domain: Domain) -> None:
    """Usage periods may have rolled over: drop cached reads and push fresh entitlements."""
    with domain.write() as tx:
        table = t.subscriptions
        statement = select(table.c.customer_ref, table.c.resource_id).where(
            table.c.status.in_(subscriptions.LIVE_STATUSES)
        )
        for customer_ref, resource_id in {
            (row[0], row[1]) for row in tx.conn.execute(statement).all()
        }:
            subscriptions.touch_customer(domain, tx, customer_ref, resource_id)


def restore(domain: Domain) -> None:
    """On start: freeze the clock where a test clock left it (if it did)."""
    with domain.read() as connection:
        stored = connection.execute(select(bt.test_clock.c.now)).scalar()
    if stored is not None and int(stored) > domain.clock.now_ms():
        domain.clock.set(from_ms(int(stored)))


def _persist(domain: Domain) -> None:
    now = domain.clock.now_ms()
    with domain.write() as tx:
        table = bt.test_clock
        if tx.conn.execute(select(table.c.id)).first() is None:
            tx.conn.execute(insert(table).values(id=1, now=now))
        else:
            tx.conn.execute(update(table).values(now=now))


def advance(domain: Domain, target: datetime, base_url: str) -> Report:
    """Move "now" to `target`, applying every event on the way in time order."""
    goal = to_ms(target)
    report = Report(start=domain.clock.now_ms())
    cursor = report.start
    while True:
        step = _next_event(domain, cursor, goal)
        domain.clock.set(from_ms(max(step, cursor)))
        cursor = domain.clock.now_ms()
        report.steps += 1
        report.transitions += subscriptions.process_due(domain)
        _expire_promotions(domain, report)
        with domain.write() as tx:
            report.settled.extend(ledger.settle_processing(domain, tx))
        _renew(domain, base_url, report)
        if cursor >= goal:
            break
    _persist(domain)
    _touch_everyone(domain)
    report.now = domain.clock.now_ms()
    return report
