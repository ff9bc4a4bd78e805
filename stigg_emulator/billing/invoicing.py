"""Billing's side of provisioning: the first invoice of a new paid subscription."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from stigg_emulator.billing import credit_recharge, ledger
from stigg_emulator.billing.estimates import quote_new
from stigg_emulator.domain.context import ChargeFirst, Domain, Tx


class FirstInvoices:
    """The domain's `Invoicing`: prices a new subscription and charges it once it is stored;
    charges credit purchases."""

    def first_charge(
        self, domain: Domain, connection: Connection, data: dict[str, Any]
    ) -> ChargeFirst:
        """Quote `data` now (against the subscriptions it replaces); charge when called."""
        quote = quote_new(domain, connection, data)

        def charge(tx: Tx, subscription: dict[str, Any], base_url: str) -> None:
            ledger.charge(
                domain,
                tx,
                subscription,
                quote.immediate,
                "SUBSCRIPTION_CREATION",
                (quote.range_start, quote.range_end),
                base_url,
            )

        return charge

    def charge_credits(
        self,
        domain: Domain,
        tx: Tx,
        customer_ref: str,
        description: str,
        amount: Decimal,
        currency: str,
    ) -> tuple[str, str]:
        """Invoice and charge a credit purchase (auto-recharge)."""
        return credit_recharge.charge_credits(
            domain, tx, customer_ref, description, amount, currency
        )
