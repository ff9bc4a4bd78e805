"""Billing's side of provisioning: the first invoice of a new paid subscription."""

from __future__ import annotations

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

    # Invoice and charge a credit purchase (grants, auto-recharge).
    charge_credits = staticmethod(credit_recharge.charge_credits)
