"""What a customer or subscription document shows, as read: plain rows and values, no queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stigg_emulator.billing.ledger import PaymentMethod
from stigg_emulator.domain.pricing import Bill


@dataclass
class CustomerView:
    """A customer row with its billing record, live subscriptions, promotions and card."""

    row: dict[str, Any]
    billing: dict[str, Any]
    active: list[dict[str, Any]]
    promotions: list[dict[str, Any]]
    card: PaymentMethod | None
    every_subscription: list[dict[str, Any]]  # ended ones too (for trials already taken)


@dataclass
class SubscriptionsView:
    """Subscription rows with their latest invoice rows, open schedules, bills, current billing
    periods and customers."""

    rows: list[dict[str, Any]]
    bills: dict[str, Bill]  # full-period bill (coupon applied) by subscription ref
    periods: dict[str, tuple[int, int]]  # current billing period (epoch ms) by subscription ref
    invoices: dict[str, dict[str, Any]]  # latest invoice row by subscription ref
    schedules: dict[str, list[dict[str, Any]]]  # open schedules by subscription ref
    customers: dict[str, CustomerView] = field(default_factory=dict)  # by customer ref
