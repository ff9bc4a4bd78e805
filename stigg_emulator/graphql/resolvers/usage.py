"""Usage root fields: `reportUsage`, `reportUsageBulk`, `reportEvent`, `usageHistory`,
`usageHistoryV2`."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain import usage
from stigg_emulator.domain.errors import bad_input
from stigg_emulator.domain.lookups import parse_time
from stigg_emulator.domain.usage_history import HistoryQuery, group_keys, read_usage_history
from stigg_emulator.graphql.context import ctx, input_arg, read, write
from stigg_emulator.graphql.resolvers.catalog import connection
from stigg_emulator.wire.usage_json import (
    measurement_json,
    usage_history_json,
    usage_history_v2_json,
    usage_series_json,
)


def resolve_report_usage(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`reportUsage(input)`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    return measurement_json(write(info, lambda tx: usage.report(domain, tx, data)))


def resolve_report_usage_bulk(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> list[Any]:
    """`reportUsageBulk(input)`."""
    data = input_arg(kwargs)
    domain = ctx(info).domain
    items = list(data.get("usages") or [])
    return [
        measurement_json(m) for m in write(info, lambda tx: usage.report_bulk(domain, tx, items))
    ]


def resolve_report_event(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> str | None:
    """`reportEvent(events)`: returns null like Stigg (the count is logged)."""
    data = input_arg(kwargs, "events")
    domain = ctx(info).domain
    write(info, lambda tx: usage.report_events(domain, tx, list(data.get("usageEvents") or [])))
    return None


def _history_query(
    info: GraphQLResolveInfo, data: dict[str, Any], customer: str, feature: str, resource: str
) -> HistoryQuery:
    customer_ref = str(data.get(customer) or "")
    ctx(info).caller.check_customer(customer_ref)
    start = parse_time(data.get("startDate"), "startDate")
    if start is None:
        raise bad_input("startDate is required")
    return HistoryQuery(
        customer_ref=customer_ref,
        feature_ref=str(data.get(feature) or ""),
        start_ms=start,
        end_ms=parse_time(data.get("endDate"), "endDate"),
        resource_id=data.get(resource) or None,
        group_by=group_keys(data.get("groupBy")),
        include_inactive=bool(data.get("includeInactiveSubscriptions")),
    )


def resolve_usage_history(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`usageHistory(usageHistoryInput)`: Stigg's first (deprecated) usage history shape."""
    data = input_arg(kwargs, "usageHistoryInput")
    query = _history_query(info, data, "customerRefId", "featureRefId", "resourceRefId")
    domain = ctx(info).domain
    history = read(info, lambda conn: read_usage_history(domain, conn, query))
    return usage_history_json(history, grouped=bool(query.group_by))


def resolve_usage_history_v2(_obj: Any, info: GraphQLResolveInfo, **kwargs: Any) -> dict[str, Any]:
    """`usageHistoryV2(input)`: one series per group (`groupBy`), paged when `paging` is given."""
    data = input_arg(kwargs)
    query = _history_query(info, data, "customerId", "featureId", "resourceId")
    domain = ctx(info).domain
    history = read(info, lambda conn: read_usage_history(domain, conn, query))
    chosen = history.groups if query.group_by else [history.total] if history.total.points else []
    series = [usage_series_json(item) for item in chosen]
    paging = data.get("paging")
    if paging is None:
        return usage_history_v2_json(history, series, None)
    page = connection(series, dict(paging))
    return usage_history_v2_json(
        history, [edge["node"] for edge in page["edges"]], page["pageInfo"]
    )


def register(query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    query.set_field("usageHistory", resolve_usage_history)
    query.set_field("usageHistoryV2", resolve_usage_history_v2)
    mutation.set_field("reportUsage", resolve_report_usage)
    mutation.set_field("reportUsageBulk", resolve_report_usage_bulk)
    mutation.set_field("reportEvent", resolve_report_event)
