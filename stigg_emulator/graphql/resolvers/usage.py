"""Usage root fields: `reportUsage`, `reportUsageBulk`, `reportEvent`."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain import usage
from stigg_emulator.graphql.context import ctx, input_arg, write
from stigg_emulator.wire.usage_json import measurement_json


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


def register(_query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    mutation.set_field("reportUsage", resolve_report_usage)
    mutation.set_field("reportUsageBulk", resolve_report_usage_bulk)
    mutation.set_field("reportEvent", resolve_report_event)
