"""The test clock: move the emulator's "now" forward and apply everything crossing it causes.

Events are applied in time order, stepping from one to the next: subscriptions starting, trials
ending (convert to paid or cancel, then the product's downgrade plan), cancellations at period end,
scheduled updates (downgrades, migrations), promotional grants expiring, renewal invoices at
each billing-period boundary, processing bank debits settling. Usage needs no job: a usage row
of an older period reads as zero.

The global clock moves every customer; a customer's own clock (an offset ahead of the global
one) moves only that customer. Each event is due by its customer's clock (`Clock.scopes`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from stigg_emulator.billing import ledger
from stigg_emulator.billing.arrears import arrears_lines
from stigg_emulator.billing.estimates import (
    current_period,
    stored_coupon,
    subscription_bill,
    tax_percentage,
)
from stigg_emulator.billing.quote import Figures, bill_items, coupon_applies
from stigg_emulator.clock import Scope, from_ms, iso, parse_iso, to_ms
from stigg_emulator.domain import transitions
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.domain.subscription_rules import LIVE_STATUSES, touch_customer
from stigg_emulator.storage import billing_tables as bt
from stigg_emulator.storage import repositories as repo
from stigg_emulator.storage import tables as t

DURATION = re.compile(r"^\s*(\d+)\s*(w|d|h|m|s)\s*$")
ISO_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$",
    re.IGNORECASE,
)
UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def parse_duration(text: str) -> timedelta:
    """`35d`, `12h`, `2w`, `90m`, `30s` or an ISO-8601 duration (`P40D`, `PT12H`) as a timedelta."""
    match = DURATION.match(text)
    if match is not None:
        return timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    iso_match = ISO_DURATION.match(text.strip())
    if (
        iso_match is not None
        and text.strip().upper() not in ("P", "PT")
        and any(iso_match.groupdict().values())
    ):
        parts = {key: int(value) for key, value in iso_match.groupdict().items() if value}
        return timedelta(**parts)
    raise bad_input(
        f"duration must look like 35d, 12h, 2w, 90m, 30s or P40D / PT12H (got {text!r})"
    )


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
    customer: str | None = None
    now: int = 0
    steps: int = 0
    transitions: int = 0
    expired_promotions: int = 0
    invoices: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        """JSON answer of the clock endpoint."""
        answer: dict[str, Any] = {
            "from": iso(self.start),
            "now": iso(self.now),
            "steps": self.steps,
            "transitions": self.transitions,
            "expiredPromotions": self.expired_promotions,
            "invoices": self.invoices,
            "settled": self.settled,
        }
        if self.customer is not None:
            answer["customerId"] = self.customer
        return answer


def _billed(row: dict[str, Any]) -> bool:
    return (
        row["status"] == "ACTIVE"
        and row["pricing_type"] == "PAID"
        and bool(row.get("billing_period"))
    )


def _paid_rows(connection: Connection, scope: Scope) -> list[dict[str, Any]]:
    table = t.subscriptions
    statement = select(table).where(
        and_(table.c.status == "ACTIVE", table.c.pricing_type == "PAID"),
        repo.in_scope(table.c.customer_ref, scope),
    )
    return [dict(row) for row in connection.execute(statement).mappings().all()]


def _next_boundary(row: dict[str, Any], after_ms: int) -> int:
    """The first billing-period start of `row` strictly after `after_ms`."""
    _, end = current_period(row["billing_period"], int(row["billing_anchor"]), after_ms)
    return end


def _next_promotion_end(connection: Connection, scope: Scope, after_ms: int) -> int | None:
    table = t.promotional_entitlements
    statement = select(func.min(table.c.end_date)).where(
        and_(
            table.c.status == "Active", table.c.end_date.is_not(None), table.c.end_date > after_ms
        ),
        repo.in_scope(table.c.customer_ref, scope),
    )
    value = connection.execute(statement).scalar()
    return int(value) if value is not None else None


def _due_times(connection: Connection, scope: Scope, after_ms: int) -> list[int]:
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
            select(func.min(column)).where(
                table.c.status.in_(statuses),
                column > after_ms,
                repo.in_scope(table.c.customer_ref, scope),
            )
        ).scalar()
        if value is not None:
            times.append(int(value))
    updates = t.scheduled_updates
    value = connection.execute(
        select(func.min(updates.c.scheduled_at)).where(
            updates.c.status == "Scheduled",
            updates.c.scheduled_at > after_ms,
            updates.c.subscription_ref.in_(repo.scope_subscription_refs(scope)),
        )
    ).scalar()
    if value is not None:
        times.append(int(value))
    return times


def _shift(domain: Domain, scope: Scope, frame: str | None) -> int:
    """How far `scope`'s clock runs ahead of the clock being advanced (`frame`)."""
    own = domain.clock.offset_ms(scope.customer) if scope.customer is not None else 0
    base = domain.clock.offset_ms(frame) if frame is not None else 0
    return own - base


def _next_event(domain: Domain, frame: str | None, cursor: int, target: int) -> int:
    """The earliest event after `cursor` on `frame`'s clock, or `target` when none comes first."""
    candidates = [target]
    with domain.read() as connection:
        for scope in domain.clock.scopes(frame):
            shift = _shift(domain, scope, frame)
            after = cursor + shift
            times = _due_times(connection, scope, after)
            ends = _next_promotion_end(connection, scope, after)
            if ends is not None:
                times.append(ends)
            times.extend(
                _next_boundary(row, after) for row in _paid_rows(connection, scope) if _billed(row)
            )
            candidates.extend(moment - shift for moment in times)
    return min(candidates)


def _expire_promotions(domain: Domain, scope: Scope, report: Report) -> None:
    now = domain.clock.now_ms(scope.customer)
    table = t.promotional_entitlements
    with domain.write() as tx:
        statement = select(table).where(
            and_(
                table.c.status == "Active", table.c.end_date.is_not(None), table.c.end_date <= now
            ),
            repo.in_scope(table.c.customer_ref, scope),
        )
        for row in tx.conn.execute(statement).mappings().all():
            repo.update_promotion(tx.conn, row["uuid"], {"status": "Expired", "updated_at": now})
            touch_customer(domain, tx, row["customer_ref"])
            report.expired_promotions += 1


def renewal_figures(
    domain: Domain,
    connection: Connection,
    row: dict[str, Any],
    at_ms: int,
    reason: str = "BILLING_CYCLE",
) -> Figures:
    """What the renewal invoice of `row` issued at `at_ms` charges (also its preview): the new
    period in advance and, on a billing cycle, the ending period's usage in arrears."""
    bill = subscription_bill(domain, row)
    if reason == "BILLING_CYCLE":
        bill.lines.extend(arrears_lines(domain, connection, row, at_ms))
    coupon = stored_coupon(domain, row)
    if coupon is not None and not coupon_applies(
        coupon, int(row["start_date"]), at_ms, first_invoice=reason != "BILLING_CYCLE"
    ):
        coupon = None
    return Figures(
        bill.currency,
        bill.subtotal,
        coupon,
        int(row["start_date"]),
        tax_percentage(row.get("billing_info")),
        bill_items(domain.catalog, bill),
    )


def _renew(
    domain: Domain, scope: Scope, since: int, now: int, base_url: str, report: Report
) -> None:
    """Invoice every paid subscription whose new billing period began in (since, now]."""
    with domain.write() as tx:
        for row in _paid_rows(tx.conn, scope):
            if not _billed(row):
                continue
            start, end = current_period(row["billing_period"], int(row["billing_anchor"]), now)
            if not since < start <= now:
                continue
            reason = "BILLING_CYCLE"
            if start <= int(row["start_date"]):
                if ledger.subscription_invoices(tx.conn, row["ref_id"]):
                    continue
                reason = "SUBSCRIPTION_CREATION"  # a future-dated subscription that began now
            figures = renewal_figures(domain, tx.conn, row, start, reason)
            invoice = ledger.charge(domain, tx, row, figures, reason, (start, end), base_url)
            report.invoices.append(invoice)
            touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))


def _touch_everyone(domain: Domain, frame: str | None) -> None:
    """Usage periods may have rolled over: drop cached reads and push fresh entitlements."""
    with domain.write() as tx:
        table = t.subscriptions
        statement = select(table.c.customer_ref, table.c.resource_id).where(
            table.c.status.in_(LIVE_STATUSES)
        )
        if frame is not None:
            statement = statement.where(table.c.customer_ref == frame)
        for customer_ref, resource_id in {
            (row[0], row[1]) for row in tx.conn.execute(statement).all()
        }:
            touch_customer(domain, tx, customer_ref, resource_id)


def restore(domain: Domain) -> None:
    """On start: freeze the clock where a test clock left it, and restore customer clocks."""
    with domain.read() as connection:
        stored = connection.execute(select(bt.simulated_now.c.now)).scalar()
        offsets = connection.execute(
            select(bt.customer_clocks.c.customer_ref, bt.customer_clocks.c.offset_ms)
        ).all()
    if stored is not None and int(stored) > domain.clock.now_ms():
        domain.clock.set(from_ms(int(stored)))
    for customer_ref, offset in offsets:
        domain.clock.set_offset(str(customer_ref), int(offset))


def _persist(domain: Domain, frame: str | None) -> None:
    with domain.write() as tx:
        if frame is not None:
            table = bt.customer_clocks
            tx.conn.execute(delete(table).where(table.c.customer_ref == frame))
            tx.conn.execute(
                insert(table).values(customer_ref=frame, offset_ms=domain.clock.offset_ms(frame))
            )
            return
        now = domain.clock.now_ms()
        table = bt.simulated_now
        if tx.conn.execute(select(table.c.id)).first() is None:
            tx.conn.execute(insert(table).values(id=1, now=now))
        else:
            tx.conn.execute(update(table).values(now=now))


def _move(domain: Domain, frame: str | None, moment: int) -> None:
    """Set the clock being advanced to `moment` (a customer's clock moves by its offset)."""
    if frame is None:
        domain.clock.set(from_ms(moment))
    else:
        offset = max(domain.clock.offset_ms(frame), moment - domain.clock.now_ms())
        domain.clock.set_offset(frame, offset)  # a running global clock: never step back


def advance(domain: Domain, target: datetime, base_url: str, customer: str | None = None) -> Report:
    """Move "now" (global, or only `customer`'s) to `target`, applying every event in time order."""
    goal = to_ms(target)
    report = Report(start=domain.clock.now_ms(customer), customer=customer)
    cursor = report.start
    while True:
        step = max(_next_event(domain, customer, cursor, goal), cursor)
        _move(domain, customer, step)
        previous, cursor = cursor, step
        report.steps += 1
        report.transitions += transitions.process_due(domain, customer)
        for scope in domain.clock.scopes(customer):
            shift = _shift(domain, scope, customer)
            _expire_promotions(domain, scope, report)
            with domain.write() as tx:
                report.settled.extend(ledger.settle_processing(domain, tx, scope))
            _renew(domain, scope, previous + shift, cursor + shift, base_url, report)
        if cursor >= goal:
            break
    _persist(domain, customer)
    _touch_everyone(domain, customer)
    report.now = domain.clock.now_ms(customer)
    return report
