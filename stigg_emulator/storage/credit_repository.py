"""Row-level reads and writes of the credit tables (one function per query)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from stigg_emulator.storage import credit_tables as ct

Row = dict[str, Any]


def _all(connection: Connection, statement: Any) -> list[Row]:
    return [dict(row) for row in connection.execute(statement).mappings().all()]


def _one(connection: Connection, statement: Any) -> Row | None:
    row = connection.execute(statement).mappings().first()
    return dict(row) if row is not None else None


def customer_grants(connection: Connection, customer_ref: str) -> list[Row]:
    """Every stored grant of a customer (all resources, all states), oldest first."""
    table = ct.credit_grants
    statement = (
        select(table)
        .where(table.c.customer_ref == customer_ref)
        .order_by(table.c.created_at, table.c.id)
    )
    return _all(connection, statement)


def get_grant(connection: Connection, grant_id: str) -> Row | None:
    """One grant by id."""
    return _one(connection, select(ct.credit_grants).where(ct.credit_grants.c.id == grant_id))


def invoice_grants(connection: Connection, invoice_id: str) -> list[Row]:
    """The grants an invoice pays for."""
    table = ct.credit_grants
    return _all(connection, select(table).where(table.c.invoice_id == invoice_id))


def recurring_keys(connection: Connection, customer_ref: str) -> set[str]:
    """The recurring keys already issued to a customer."""
    table = ct.credit_grants
    statement = select(table.c.recurring_key).where(
        table.c.customer_ref == customer_ref, table.c.recurring_key.is_not(None)
    )
    return {str(key) for key in connection.execute(statement).scalars()}


def insert_grant(connection: Connection, values: Row) -> None:
    """Store a new grant."""
    connection.execute(insert(ct.credit_grants).values(**values))


def update_grant(connection: Connection, grant_id: str, values: Row) -> None:
    """Change a stored grant."""
    table = ct.credit_grants
    connection.execute(update(table).where(table.c.id == grant_id).values(**values))


def insert_ledger(connection: Connection, rows: list[Row]) -> None:
    """Append ledger entries."""
    if rows:
        connection.execute(insert(ct.credit_ledger), rows)


def customer_ledger(connection: Connection, customer_ref: str) -> list[Row]:
    """Every ledger entry of a customer, in the order they were written."""
    table = ct.credit_ledger
    statement = select(table).where(table.c.customer_ref == customer_ref).order_by(table.c.id)
    return _all(connection, statement)


def find_consumption(connection: Connection, customer_ref: str, key: str) -> Row | None:
    """A consumption previously recorded with this idempotency key."""
    table = ct.credit_consumptions
    statement = select(table).where(
        table.c.customer_ref == customer_ref, table.c.idempotency_key == key
    )
    return _one(connection, statement)


def insert_consumption(connection: Connection, values: Row) -> None:
    """Record a consumption's idempotency key."""
    connection.execute(insert(ct.credit_consumptions).values(**values))


def get_recharge(connection: Connection, customer_ref: str, currency_ref: str) -> Row | None:
    """The auto-recharge settings of a customer's currency."""
    table = ct.credit_recharges
    statement = select(table).where(
        table.c.customer_ref == customer_ref, table.c.currency_ref == currency_ref
    )
    return _one(connection, statement)


def put_recharge(connection: Connection, values: Row, exists: bool) -> None:
    """Create or replace the auto-recharge settings of a customer's currency."""
    table = ct.credit_recharges
    if exists:
        connection.execute(update(table).where(table.c.id == values["id"]).values(**values))
    else:
        connection.execute(insert(table).values(**values))
