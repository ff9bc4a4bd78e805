"""The domain's shared state: database, catalog, clock, change bus and the billing port, plus
transaction scopes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Connection

from stigg_emulator.catalog.model import Catalog
from stigg_emulator.clock import Clock
from stigg_emulator.domain.changes import CREDITS, ENTITLEMENTS, USAGE, Change, ChangeBus
from stigg_emulator.storage.database import Database


@dataclass
class Tx:
    """A write transaction and the changes it will announce once committed."""

    conn: Connection
    changes: list[Change] = field(default_factory=list)

    def entitlements_changed(self, customer_ref: str, resource_id: str | None = None) -> None:
        """Record that a customer's entitlements changed."""
        self.changes.append(Change(ENTITLEMENTS, customer_ref, resource_id))

    def usage_changed(self, customer_ref: str, resource_id: str | None, feature_ref: str) -> None:
        """Record that a customer's usage of a feature changed."""
        self.changes.append(Change(USAGE, customer_ref, resource_id, feature_ref))

    def credits_changed(
        self, customer_ref: str, resource_id: str | None, currency_ref: str
    ) -> None:
        """Record that a customer's balance of a currency changed."""
        self.changes.append(Change(CREDITS, customer_ref, resource_id, currency_ref=currency_ref))


# Charges a quoted first invoice: (transaction, the new subscription's row, public base URL).
ChargeFirst = Callable[[Tx, dict[str, Any], str], None]


class Invoicing(Protocol):
    """What provisioning needs from billing, which sits above the domain and implements it."""

    def first_charge(
        self, domain: Domain, connection: Connection, data: dict[str, Any]
    ) -> ChargeFirst:
        """Quote a new subscription (before it is stored) and return how to charge the quote."""
        ...

    def charge_credits(
        self,
        domain: Domain,
        tx: Tx,
        customer_ref: str,
        description: str,
        amount: Decimal,
        currency: str,
    ) -> tuple[str, str]:
        """Invoice a credit purchase and charge the card on file: (invoice id, the grant's
        `PaymentCollection`)."""
        ...


class Domain:
    """Everything the services need; one instance per emulator process."""

    def __init__(
        self,
        db: Database,
        catalog: Catalog,
        clock: Clock | None = None,
        *,
        invoicing: Invoicing,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.clock = clock or Clock()
        self.bus = ChangeBus()
        self.invoicing = invoicing

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """One transaction; its recorded changes are published only after commit."""
        with self.db.transaction() as connection:
            tx = Tx(connection)
            yield tx
        self.bus.publish(_dedupe(tx.changes))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection."""
        with self.db.read() as connection:
            yield connection


def _dedupe(changes: list[Change]) -> list[Change]:
    seen: set[Change] = set()
    result = []
    for change in changes:
        if change not in seen:
            seen.add(change)
            result.append(change)
    return result
