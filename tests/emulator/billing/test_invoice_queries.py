"""Reading many subscriptions reads their latest invoices in one query, not one per subscription.

In-process (no server): statements sent to the database are counted with a SQLAlchemy hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, MetaData, Table, create_engine, event, inspect

from stigg_emulator.billing import ledger
from stigg_emulator.domain import customers, subscriptions
from stigg_emulator.domain.context import Domain
from stigg_emulator.graphql.documents import read_active_subscriptions_json, read_customer_json
from stigg_emulator.http.state import AppState
from stigg_emulator.server import build_state
from stigg_emulator.settings import Settings
from stigg_emulator.storage import Database
from stigg_emulator.storage import billing_tables as bt
from stigg_emulator.storage import repositories as repo
from tests.emulator.billing.helpers import BILLING_CATALOG
from tests.support.emulators import fresh_database_url

RESOURCES = 6


@pytest.fixture
def state(tmp_path: Path) -> Iterator[AppState]:
    """An in-process emulator state on the billing catalog, one customer with 6 paid resources."""
    built = build_state(
        Settings(catalog=BILLING_CATALOG, database_url=fresh_database_url(tmp_path))
    )
    domain = built.domain
    with domain.write() as tx:
        customers.provision(
            domain,
            tx,
            {"customerId": "many", "billingInformation": {"paymentMethodId": "pm_card_visa"}},
            "http://local",
        )
    for index in range(RESOURCES):
        with domain.write() as tx:
            subscriptions.provision(
                domain,
                tx,
                {
                    "customerId": "many",
                    "planId": "plan-b-basic",
                    "billingPeriod": "MONTHLY",
                    "resourceId": f"site-{index}",
                },
                "http://local",
            )
    yield built
    built.domain.db.dispose()


def _invoice_statements(domain: Domain, read: Any) -> tuple[Any, int]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if "billing_invoices" in statement:
            seen.append(statement)

    event.listen(domain.db.engine, "before_cursor_execute", count)
    try:
        with domain.read() as connection:
            result = read(connection)
    finally:
        event.remove(domain.db.engine, "before_cursor_execute", count)
    return result, len(seen)


def test_active_subscriptions_read_invoices_once(state: AppState) -> None:
    domain = state.domain
    subs, statements = _invoice_statements(
        domain,
        lambda conn: read_active_subscriptions_json(
            conn, domain.catalog, "many", None, domain.clock.now("many")
        ),
    )
    assert len(subs) == RESOURCES
    assert statements == 1
    # Each subscription still gets its own (creation) invoice of 30.
    invoices = {sub["latestInvoice"]["billingId"] for sub in subs}
    assert len(invoices) == RESOURCES
    assert {sub["latestInvoice"]["total"] for sub in subs} == {30}


def test_customer_with_subscriptions_reads_invoices_once(state: AppState) -> None:
    domain = state.domain

    def read(conn: Any) -> Any:
        row = repo.get_customer(conn, "many")
        assert row is not None
        return read_customer_json(conn, domain.catalog, row, domain.clock.now("many"))

    customer, statements = _invoice_statements(domain, read)
    assert len(customer["subscriptions"]) == RESOURCES
    assert all(sub["latestInvoice"]["status"] == "PAID" for sub in customer["subscriptions"])
    assert statements == 1


def test_invoice_table_of_an_older_database_gains_the_newer_columns(tmp_path: Path) -> None:
    newer = {"lines", "pdf_url", "customer_details"}
    url = fresh_database_url(tmp_path)
    old = MetaData()
    Table(
        bt.invoices.name,
        old,
        *[
            Column(column.name, column.type, primary_key=column.primary_key)
            for column in bt.invoices.columns
            if column.name not in newer
        ],
    )
    engine = create_engine(url)
    old.create_all(engine)  # the database as an older emulator left it
    engine.dispose()
    database = Database(url)
    try:
        before = {c["name"] for c in inspect(database.engine).get_columns("billing_invoices")}
        assert not newer & before
        ledger.ensure_tables(database)
        columns = {c["name"] for c in inspect(database.engine).get_columns("billing_invoices")}
        assert newer <= columns
        ledger.ensure_tables(database)  # idempotent
    finally:
        database.dispose()
