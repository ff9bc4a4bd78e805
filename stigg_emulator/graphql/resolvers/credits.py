"""Credit root fields (docs/protocol.md §5.7): grants, balances, the ledger, usage, consumption,
cost estimates and auto-recharge settings."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo
from sqlalchemy import Connection

from stigg_emulator.domain import credit_consumption, credit_reads, credits, recharge
from stigg_emulator.domain.context import Domain
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.graphql.context import ctx, input_arg, read, write
from stigg_emulator.graphql.documents import read_customer_json
from stigg_emulator.storage import repositories as repo
from stigg_emulator.wire import credit_json

MAX_PAGE = 100
DEFAULT_PAGE = 25


def _scope(info: GraphQLResolveInfo, data: dict[str, Any]) -> tuple[str, str]:
    """(customer, resource key) of a read, checked against the caller's customer token."""
    customer_ref = str(data.get("customerId") or "")
    if not customer_ref:
        raise bad_input("customerId is required")
    ctx(info).caller.check_customer(customer_ref)
    return customer_ref, str(data.get("resourceId") or "")


def _page(data: dict[str, Any], total: int) -> tuple[int, int]:
    """(offset, size) of `paging` (cursors are positions; `first` at most MAX_PAGE)."""
    paging = data.get("paging") or {}
    first = paging.get("first")
    size = DEFAULT_PAGE if first is None else int(first)
    if not 0 <= size <= MAX_PAGE:
        raise bad_input(f"paging.first must be between 0 and {MAX_PAGE}")
    after = paging.get("after")
    try:
        offset = int(after) + 1 if after is not None else 0
    except ValueError:
        raise bad_input(f"paging.after is not a cursor of this list: {after!r}") from None
    return min(max(offset, 0), total), size


def _balances(
    info: GraphQLResolveInfo, data: dict[str, Any]
) -> tuple[str, str, list[credits.CreditBalance]]:
    """(customer, resource key, the scope's balances of `currencyId`, or of every currency)."""
    customer_ref, resource_key = _scope(info, data)
    domain = ctx(info).domain
    currency = data.get("currencyId")

    def build(connection: Connection) -> dict[str, credits.CreditBalance]:
        credits.require_customer(connection, customer_ref)
        now_ms = domain.clock.now_ms(customer_ref)
        return credits.balances(connection, domain.catalog, customer_ref, resource_key, now_ms)

    found = read(info, build)
    return customer_ref, resource_key, [b for ref, b in found.items() if currency in (None, ref)]


def resolve_balance_summary(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`creditBalanceSummary`."""
    customer_ref, resource_key, found = _balances(info, input_arg(kwargs))
    resource_id = resource_key or None
    return {
        "__typename": "CreditBalanceSummary",
        "customerId": customer_ref,
        "resourceId": resource_id,
        "balances": [
            credit_json.balance_json(credit.currency, credit, customer_ref, resource_id)
            for credit in found
        ],
    }


def resolve_grants(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`creditGrants`: newest first."""
    data = input_arg(kwargs)
    _customer, _resource, found = _balances(info, data)
    rows = [
        row
        for credit in found
        for row in credit.grants
        if row["grant_type"] != "OVERDRAFT" or float(row["consumed"]) > 0
    ]
    rows.sort(key=lambda row: (int(row["created_at"]), str(row["id"])), reverse=True)
    offset, size = _page(data, len(rows))
    nodes = [credit_json.grant_json(row) for row in rows[offset : offset + size]]
    return credit_json.connection_json("CreditGrant", nodes, offset, len(rows))


def resolve_ledger(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`creditsLedger`: newest first, as a cursor connection."""
    data = input_arg(kwargs)
    customer_ref, resource_key = _scope(info, data)
    domain = ctx(info).domain

    def build(connection: Connection) -> list[credit_reads.LedgerEntry]:
        credits.require_customer(connection, customer_ref)
        return credit_reads.ledger(
            connection,
            domain,
            customer_ref,
            resource_key,
            data.get("currencyId"),
            list(data.get("eventType") or []),
        )

    entries = read(info, build)
    offset, size = _page(data, len(entries))
    nodes = [
        credit_json.ledger_event_json(entry.row, entry.grant)
        for entry in entries[offset : offset + size]
    ]
    return credit_json.connection_json("CreditLedger", nodes, offset, len(entries))


def resolve_usage(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`creditUsage`: one series per feature (null feature: direct `consumeCredits`)."""
    data = input_arg(kwargs)
    customer_ref, resource_key = _scope(info, data)
    domain = ctx(info).domain
    currency_ref = data.get("currencyId")

    def build(connection: Connection) -> list[credit_reads.UsageSeries]:
        credits.require_customer(connection, customer_ref)
        return credit_reads.usage(
            connection, domain, customer_ref, resource_key, currency_ref, data
        )

    series = read(info, build)
    currency = domain.catalog.currencies.get(str(currency_ref)) if currency_ref else None
    return credit_json.usage_json(series, domain.catalog, currency if currency else None)


def _estimation(estimate: credit_reads.Estimate) -> dict[str, Any]:
    return credit_json.estimation_json(estimate.costs, estimate.balances, estimate.warnings)


def resolve_estimate_event(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`estimateEventCost`."""
    data = input_arg(kwargs)
    _scope(info, data)
    domain = ctx(info).domain
    return _estimation(read(info, lambda c: credit_reads.estimate_event(c, domain, data)))


def resolve_estimate_usage(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`estimateUsageCost`."""
    data = input_arg(kwargs)
    _scope(info, data)
    domain = ctx(info).domain
    return _estimation(read(info, lambda c: credit_reads.estimate_usage(c, domain, data)))


def _recharge_document(
    connection: Connection, domain: Domain, row: dict[str, Any]
) -> dict[str, Any]:
    customer_ref, currency_ref = row["customer_ref"], row["currency_ref"]
    customer = repo.get_customer(connection, customer_ref) or {}
    now = domain.clock.now(customer_ref)
    spend = recharge.monthly_spend(connection, domain, customer_ref, currency_ref)
    return credit_json.recharge_json(
        row,
        domain.catalog.currencies[currency_ref],
        read_customer_json(connection, domain.catalog, customer, now, with_subscriptions=False),
        float(spend),
    )


def resolve_get_recharge(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`getAutoRechargeSettings` (disabled defaults when never saved)."""
    data = input_arg(kwargs)
    customer_ref, _resource = _scope(info, data)
    domain = ctx(info).domain
    currency_ref = str(data.get("currencyId") or "")

    def build(connection: Connection) -> dict[str, Any]:
        row = recharge.settings(connection, domain, customer_ref, currency_ref)
        return _recharge_document(connection, domain, row)

    return read(info, build)


def resolve_save_recharge(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`saveAutoRechargeSettings` (a client key only for the customer its token names)."""
    data = input_arg(kwargs)
    _scope(info, data)
    domain = ctx(info).domain
    saved = write(info, lambda tx: recharge.save(domain, tx, data))
    return read(info, lambda c: _recharge_document(c, domain, saved))


def resolve_create_grant(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`createCreditGrant`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    row = write(info, lambda tx: credits.create_grant(domain, tx, data))
    now_ms = domain.clock.now_ms(row["customer_ref"])
    return credit_json.grant_json({**row, "status": credits.grant_status(row, now_ms)})


def resolve_void_grant(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`voidCreditGrant`."""
    grant_id = str(input_arg(kwargs).get("id") or "")
    domain = ctx(info).domain
    row = write(info, lambda tx: credits.void_grant(domain, tx, grant_id))
    return credit_json.grant_json({**row, "status": credits.VOIDED})


def resolve_consume(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`consumeCredits`: the answer carries the balance after it (`credit`)."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    consumed = write(info, lambda tx: credit_consumption.consume(domain, tx, data))
    return credit_json.consumption_json(consumed, domain.clock.now_ms(consumed.customer_ref))


def resolve_consume_async(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> str:
    """`consumeCreditsAsync`: stored before the answer (so nothing acknowledged is lost)."""
    items = list(input_arg(kwargs).get("consumptions") or [])
    domain = ctx(info).domain
    count = write(info, lambda tx: credit_consumption.consume_async(domain, tx, items))
    return f"{count} consumptions accepted"


def register(query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    query.set_field("creditBalanceSummary", resolve_balance_summary)
    query.set_field("creditGrants", resolve_grants)
    query.set_field("creditsLedger", resolve_ledger)
    query.set_field("creditUsage", resolve_usage)
    query.set_field("estimateEventCost", resolve_estimate_event)
    query.set_field("estimateUsageCost", resolve_estimate_usage)
    query.set_field("getAutoRechargeSettings", resolve_get_recharge)
    mutation.set_field("createCreditGrant", resolve_create_grant)
    mutation.set_field("voidCreditGrant", resolve_void_grant)
    mutation.set_field("consumeCredits", resolve_consume)
    mutation.set_field("consumeCreditsAsync", resolve_consume_async)
    mutation.set_field("saveAutoRechargeSettings", resolve_save_recharge)
