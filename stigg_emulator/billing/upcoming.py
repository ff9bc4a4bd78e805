"""The next renewal invoice of a subscription, as the test clock would issue it (a preview).

It mirrors the clock step by step: at the next billing-period boundary (a trial's end for a trial
that converts), scheduled updates due by then apply first, a subscription that ends by then
issues nothing, and the renewal is priced by `simulated_clock.renewal_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.billing import ledger
from stigg_emulator.billing.estimates import current_period
from stigg_emulator.billing.quote import Figures
from stigg_emulator.billing.simulated_clock import renewal_figures
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.transitions import schedule_values
from stigg_emulator.storage import repositories as repo


@dataclass(frozen=True)
class Upcoming:
    """The next renewal: its figures and billing period."""

    figures: Figures
    period_start: int
    period_end: int


def _converts(domain: Domain, connection: Connection, row: dict[str, Any]) -> bool:
    plan = domain.catalog.package(row["plan_ref"], row["plan_version"])
    behavior = plan.default_trial.end_behavior if plan and plan.default_trial else "CONVERT_TO_PAID"
    payer = row.get("paying_customer_ref") or row["customer_ref"]
    return (
        behavior == "CONVERT_TO_PAID"
        and ledger.default_payment_method(connection, payer) is not None
    )


def next_renewal(domain: Domain, connection: Connection, row: dict[str, Any]) -> Upcoming | None:
    """The renewal invoice `row` gets at its next period boundary (None: nothing is issued)."""
    if row["pricing_type"] != "PAID" or not row.get("billing_period"):
        return None
    now = domain.clock.now_ms(row["customer_ref"])
    if row["status"] == "IN_TRIAL" and row.get("trial_end_date"):
        if not _converts(domain, connection, row):
            return None
        boundary = int(row["trial_end_date"])
    elif row["status"] == "ACTIVE":
        boundary = current_period(row["billing_period"], int(row["billing_anchor"]), now)[1]
    else:
        return None
    ends = [int(row[key]) for key in ("cancellation_date", "end_date") if row.get(key)]
    if ends and min(ends) <= boundary:
        return None
    state = dict(row)
    for schedule in repo.subscription_schedules(connection, row["ref_id"]):
        if int(schedule["scheduled_at"]) <= boundary:
            state.update(schedule_values(domain, state, schedule))
    if state["pricing_type"] != "PAID" or not state.get("billing_period"):
        return None  # a scheduled move to a free plan: nothing is billed at the boundary
    start, end = current_period(state["billing_period"], int(state["billing_anchor"]), boundary)
    if start != boundary:
        return None
    return Upcoming(renewal_figures(domain, connection, state, start), start, end)
