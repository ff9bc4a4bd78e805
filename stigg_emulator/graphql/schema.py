"""Build the executable schema: Stigg's SDL plus the resolvers of every area."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from ariadne import MutationType, QueryType, SubscriptionType
from graphql import GraphQLEnumType, GraphQLSchema
from graphql import build_schema as build_sdl_schema

from stigg_emulator.graphql.resolvers import (
    catalog,
    credits,
    customers,
    entitlements,
    estimates,
    imports,
    portal,
    promotions,
    realtime,
    subscription_query,
    subscriptions,
    usage,
)

SDL_PATH = Path(__file__).with_name("stigg.graphql")


@cache
def build_schema() -> GraphQLSchema:
    """The executable schema (built once per process)."""
    query, mutation, subscription = QueryType(), MutationType(), SubscriptionType()
    areas = (
        catalog,
        credits,
        customers,
        entitlements,
        estimates,
        imports,
        portal,
        promotions,
        subscription_query,
        subscriptions,
        usage,
    )
    for area in areas:
        area.register(query, mutation)
    realtime.register(subscription)
    # Bind directly: ariadne's enum patching breaks enum defaults in argument values.
    schema = build_sdl_schema(SDL_PATH.read_text())
    for bindable in (query, mutation, subscription):
        bindable.bind_to_schema(schema)
    _case_insensitive_currency(schema)
    return schema


def _case_insensitive_currency(schema: GraphQLSchema) -> None:
    """Stigg's SDK guides send ISO currency codes in lower case (`currency: 'usd'`)."""
    currency = schema.get_type("Currency")
    if not isinstance(currency, GraphQLEnumType):
        return
    parse_value = GraphQLEnumType.parse_value

    def parse_any_case(value: Any, *rest: Any) -> Any:
        return parse_value(currency, value.upper() if isinstance(value, str) else value, *rest)

    currency.parse_value = parse_any_case  # type: ignore[method-assign,assignment]
