"""Row-level reads and writes used by the domain services (one function per query)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, true, update

from stigg_emulator.clock import Scope
from stigg_emulator.storage import tables as t

Row = dict[str, Any]
ACTIVE_STATUSES = ("ACTIVE", "IN_TRIAL")


def _one(connection: Connection, statement: Any) -> Row | None:
    row = connection.execute(statement).mappings().first()
    return dict(row) if row is not None else None


def in_scope(column: Any, scope: Scope | None) -> Any:
    """SQL condition: the customer in `column` keeps time by `scope`'s clock (None: anyone)."""
    if scope is None:
        return true()
    if scope.customer is not None:
        return column == scope.customer
    return column.not_in(list(scope.others)) if scope.others else true()


def scope_subscription_refs(scope: Scope | None) -> Any:
    """Sub-select of the ref ids of subscriptions whose customer keeps `scope`'s time."""
    table = t.subscriptions
    return select(table.c.ref_id).where(in_scope(table.c.customer_ref, scope))


def _all(connection: Connection, statement: Any) -> list[Row]:
    return [dict(row) for row in connection.execute(statement).mappings().all()]


# customers -----------------------------------------------------------------------------------


def get_customer(connection: Connection, ref_id: str) -> Row | None:
    """The customer row (archived ones included)."""
    return _one(connection, select(t.customers).where(t.customers.c.ref_id == ref_id))


def insert_customer(connection: Connection, values: Row) -> None:
    """Create a customer row."""
    connection.execute(insert(t.customers).values(**values))


def update_customer(connection: Connection, ref_id: str, values: Row) -> None:
    """Change fields of a customer row."""
    connection.execute(update(t.customers).where(t.customers.c.ref_id == ref_id).values(**values))


def get_billing(connection: Connection, customer_ref: str) -> Row | None:
    """The billing-side record of a customer."""
    table = t.billing_records
    return _one(connection, select(table).where(table.c.customer_ref == customer_ref))


def put_billing(connection: Connection, customer_ref: str, values: Row) -> None:
    """Create or replace the billing-side record of a customer."""
    table = t.billing_records
    if get_billing(connection, customer_ref) is None:
        connection.execute(insert(table).values(customer_ref=customer_ref, **values))
    else:
        connection.execute(
            update(table).where(table.c.customer_ref == customer_ref).values(**values)
        )


def delete_billing(connection: Connection, customer_ref: str) -> None:
    """Remove the billing-side record (archive)."""
    table = t.billing_records
    connection.execute(delete(table).where(table.c.customer_ref == customer_ref))


# subscriptions -------------------------------------------------------------------------------


def get_subscription(connection: Connection, ref_id: str) -> Row | None:
    """One subscription by its ref id."""
    table = t.subscriptions
    return _one(connection, select(table).where(table.c.ref_id == ref_id))


def customer_subscriptions(
    connection: Connection,
    customer_ref: str,
    statuses: Sequence[str] | None = ACTIVE_STATUSES,
) -> list[Row]:
    """Subscriptions of a customer (by default the active ones), newest first."""
    table = t.subscriptions
    statement = select(table).where(table.c.customer_ref == customer_ref)
    if statuses is not None:
        statement = statement.where(table.c.status.in_(statuses))
    return _all(connection, statement.order_by(table.c.created_at.desc(), table.c.ref_id))


def all_subscriptions(connection: Connection) -> list[Row]:
    """Every subscription of the environment, oldest first."""
    table = t.subscriptions
    return _all(connection, select(table).order_by(table.c.created_at, table.c.ref_id))


def insert_subscription(connection: Connection, values: Row) -> None:
    """Create a subscription row."""
    connection.execute(insert(t.subscriptions).values(**values))


def update_subscription(connection: Connection, ref_id: str, values: Row) -> None:
    """Change fields of a subscription row."""
    table = t.subscriptions
    connection.execute(update(table).where(table.c.ref_id == ref_id).values(**values))


def due_subscriptions(connection: Connection, now_ms: int, scope: Scope | None = None) -> list[Row]:
    """Subscriptions (of `scope`'s customers) with a time-based transition due at `now_ms`."""
    table = t.subscriptions
    statement = (
        select(table)
        .where(in_scope(table.c.customer_ref, scope))
        .where(
            (
                table.c.status.in_(ACTIVE_STATUSES)
                & (
                    and_(table.c.status == "IN_TRIAL", table.c.trial_end_date <= now_ms)
                    | (table.c.cancellation_date <= now_ms)
                    | (table.c.end_date <= now_ms)
                )
            )
            | and_(table.c.status == "NOT_STARTED", table.c.start_date <= now_ms)
        )
    )
    return _all(connection, statement)


# scheduled updates ---------------------------------------------------------------------------


def subscription_schedules(
    connection: Connection, subscription_ref: str, statuses: Iterable[str] = ("Scheduled",)
) -> list[Row]:
    """Scheduled updates of a subscription with one of `statuses`, oldest first."""
    table = t.scheduled_updates
    statement = (
        select(table)
        .where(table.c.subscription_ref == subscription_ref, table.c.status.in_(list(statuses)))
        .order_by(table.c.scheduled_at, table.c.id)
    )
    return _all(connection, statement)


def schedules_of(
    connection: Connection, subscription_refs: Sequence[str], statuses: Iterable[str]
) -> dict[str, list[Row]]:
    """Scheduled updates of several subscriptions (one query), oldest first per subscription."""
    if not subscription_refs:
        return {}
    table = t.scheduled_updates
    statement = (
        select(table)
        .where(
            table.c.subscription_ref.in_(sorted(set(subscription_refs))),
            table.c.status.in_(list(statuses)),
        )
        .order_by(table.c.scheduled_at, table.c.id)
    )
    found: dict[str, list[Row]] = {}
    for row in _all(connection, statement):
        found.setdefault(row["subscription_ref"], []).append(row)
    return found


def due_schedules(connection: Connection, now_ms: int, scope: Scope | None = None) -> list[Row]:
    """Scheduled updates (of `scope`'s customers) whose time has come."""
    table = t.scheduled_updates
    statement = (
        select(table)
        .where(table.c.status == "Scheduled", table.c.scheduled_at <= now_ms)
        .where(
            table.c.subscription_ref.in_(scope_subscription_refs(scope))
            if scope is not None
            else true()
        )
        .order_by(table.c.scheduled_at, table.c.id)
    )
    return _all(connection, statement)


def insert_schedule(connection: Connection, values: Row) -> None:
    """Record a scheduled update."""
    connection.execute(insert(t.scheduled_updates).values(**values))


def set_schedule_status(connection: Connection, ids: Sequence[int], status: str) -> None:
    """Change the status of scheduled updates."""
    table = t.scheduled_updates
    connection.execute(update(table).where(table.c.id.in_(list(ids))).values(status=status))


# checkout ------------------------------------------------------------------------------------


def insert_checkout(connection: Connection, values: Row) -> None:
    """Persist a pending checkout session."""
    connection.execute(insert(t.checkout_sessions).values(**values))


def get_checkout(connection: Connection, session_id: str) -> Row | None:
    """A checkout session by id."""
    table = t.checkout_sessions
    return _one(connection, select(table).where(table.c.id == session_id))


# promotional entitlements --------------------------------------------------------------------


def customer_promotions(
    connection: Connection, customer_ref: str, statuses: Sequence[str] | None = ("Active",)
) -> list[Row]:
    """Promotional entitlements of a customer, with their `enum_values` and
    `feature_group_refs` (from `promotion_extras`)."""
    table, extras = t.promotional_entitlements, t.promotion_extras
    statement = (
        select(table, extras.c.enum_values, extras.c.feature_group_refs)
        .select_from(table.outerjoin(extras, extras.c.promotion_uuid == table.c.uuid))
        .where(table.c.customer_ref == customer_ref)
    )
    if statuses is not None:
        statement = statement.where(table.c.status.in_(statuses))
    rows = _all(connection, statement.order_by(table.c.created_at.desc()))
    for row in rows:
        row["feature_group_refs"] = list(row["feature_group_refs"] or [])
    return rows


def insert_promotion(connection: Connection, values: Row) -> None:
    """Grant a promotional entitlement; `enum_values` and `feature_group_refs`, when given, go
    to `promotion_extras`."""
    values = dict(values)
    enum_values = values.pop("enum_values", None)
    groups = list(values.pop("feature_group_refs", None) or [])
    connection.execute(insert(t.promotional_entitlements).values(**values))
    if enum_values is not None or groups:
        connection.execute(
            insert(t.promotion_extras).values(
                promotion_uuid=values["uuid"],
                customer_ref=values["customer_ref"],
                enum_values=enum_values,
                feature_group_refs=groups,
            )
        )


def set_promotion_groups(connection: Connection, row: Row, groups: Sequence[str]) -> None:
    """Replace the feature groups a promotional entitlement belongs to."""
    extras = t.promotion_extras
    connection.execute(
        update(extras)
        .where(extras.c.promotion_uuid == row["uuid"])
        .values(feature_group_refs=list(groups))
    )


def update_promotion(connection: Connection, uuid: str, values: Row) -> None:
    """Change a promotional entitlement."""
    table = t.promotional_entitlements
    connection.execute(update(table).where(table.c.uuid == uuid).values(**values))


# usage ---------------------------------------------------------------------------------------


def customer_usage(connection: Connection, customer_ref: str, resource_key: str) -> list[Row]:
    """Current usage rows of one customer scope."""
    table = t.usage
    statement = select(table).where(
        table.c.customer_ref == customer_ref, table.c.resource_key == resource_key
    )
    return _all(connection, statement)


def get_usage(
    connection: Connection, customer_ref: str, resource_key: str, feature_ref: str
) -> Row | None:
    """The usage row of one feature."""
    table = t.usage
    statement = select(table).where(
        table.c.customer_ref == customer_ref,
        table.c.resource_key == resource_key,
        table.c.feature_ref == feature_ref,
    )
    return _one(connection, statement)


def put_usage(
    connection: Connection,
    customer_ref: str,
    resource_key: str,
    feature_ref: str,
    values: Row,
    exists: bool,
) -> None:
    """Create or update the usage row of one feature."""
    table = t.usage
    if exists:
        connection.execute(
            update(table)
            .where(
                table.c.customer_ref == customer_ref,
                table.c.resource_key == resource_key,
                table.c.feature_ref == feature_ref,
            )
            .values(**values)
        )
    else:
        connection.execute(
            insert(table).values(
                customer_ref=customer_ref,
                resource_key=resource_key,
                feature_ref=feature_ref,
                **values,
            )
        )


def find_measurement(connection: Connection, customer_ref: str, idempotency_key: str) -> Row | None:
    """A usage measurement previously reported with this idempotency key."""
    table = t.usage_measurements
    statement = select(table).where(
        table.c.customer_ref == customer_ref, table.c.idempotency_key == idempotency_key
    )
    return _one(connection, statement)


def insert_measurement(connection: Connection, values: Row) -> None:
    """Record one usage measurement."""
    connection.execute(insert(t.usage_measurements).values(**values))


def insert_usage_history(connection: Connection, rows: list[Row]) -> None:
    """Record changes of usage counters (see `tables.usage_history`)."""
    if rows:
        connection.execute(insert(t.usage_history), rows)


def usage_history(
    connection: Connection,
    customer_ref: str,
    resource_key: str,
    feature_ref: str,
    since_ms: int,
    until_ms: int,
) -> list[Row]:
    """One scope's usage changes with `since_ms <= at <= until_ms`, oldest first."""
    table = t.usage_history
    statement = (
        select(table)
        .where(
            table.c.customer_ref == customer_ref,
            table.c.feature_ref == feature_ref,
            table.c.resource_key == resource_key,
            table.c.at >= since_ms,
            table.c.at <= until_ms,
        )
        .order_by(table.c.at, table.c.id)
    )
    return _all(connection, statement)


def existing_event_keys(connection: Connection, keys: Sequence[str]) -> set[str]:
    """Which of these event idempotency keys were already ingested."""
    table = t.usage_events
    found: set[str] = set()
    for offset in range(0, len(keys), 500):
        chunk = list(keys[offset : offset + 500])
        statement = select(table.c.idempotency_key).where(table.c.idempotency_key.in_(chunk))
        found.update(connection.execute(statement).scalars().all())
    return found


def insert_events(connection: Connection, rows: list[Row]) -> None:
    """Store raw usage events (keys already de-duplicated)."""
    if rows:
        connection.execute(insert(t.usage_events), rows)


def existing_unique_values(
    connection: Connection,
    customer_ref: str,
    resource_key: str,
    feature_ref: str,
    period_start: int,
    values: Sequence[str],
) -> set[str]:
    """Which dimension values a COUNT_UNIQUE meter has already counted in this period."""
    table = t.meter_unique_values
    statement = select(table.c.value).where(
        table.c.customer_ref == customer_ref,
        table.c.resource_key == resource_key,
        table.c.feature_ref == feature_ref,
        table.c.period_start == period_start,
        table.c.value.in_(list(values)),
    )
    return set(connection.execute(statement).scalars().all())


def insert_unique_values(connection: Connection, rows: list[Row]) -> None:
    """Remember newly counted COUNT_UNIQUE dimension values."""
    if rows:
        connection.execute(insert(t.meter_unique_values), rows)


def insert_entitlement_check(connection: Connection, values: Row) -> None:
    """Record an entitlement check reported by a client SDK."""
    connection.execute(insert(t.entitlement_checks).values(**values))


def entitlement_checks(connection: Connection, customer_ref: str) -> list[Row]:
    """The checks reported for a customer, oldest first."""
    table = t.entitlement_checks
    statement = select(table).where(table.c.customer_ref == customer_ref).order_by(table.c.id)
    return _all(connection, statement)


# catalog packages ----------------------------------------------------------------------------


def package_versions(connection: Connection) -> list[Row]:
    """Every stored package version."""
    table = t.packages
    return _all(connection, select(table).order_by(table.c.ref_id, table.c.version))


def insert_package(connection: Connection, values: Row) -> None:
    """Store a newly published package version."""
    connection.execute(insert(t.packages).values(**values))


def latest_stamp(connection: Connection) -> int:
    """The newest entitlement/usage update stamp stored (0 when empty)."""
    values = [
        connection.execute(select(func.max(t.customers.c.entitlements_updated_at))).scalar(),
        connection.execute(select(func.max(t.usage.c.updated_at))).scalar(),
    ]
    return max((int(value) for value in values if value is not None), default=0)
