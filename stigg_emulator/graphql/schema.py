"""Build the executable schema: Stigg's SDL plus the resolvers of every area."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ariadne import MutationType, QueryType, SubscriptionType, make_executable_schema
from graphql import GraphQLSchema

from stigg_emulator.graphql.resolvers import customers, entitlements, subscriptions

SDL_PATH = Path(__file__).with_name("stigg.graphql")


@cache
def build_schema() -> GraphQLSchema:
    """The executable schema (built once per process)."""
    query, mutation, subscription = QueryType(), MutationType(), SubscriptionType()
    for area in (customers, entitlements, subscriptions):
        area.register(query, mutation)
    return make_executable_schema(SDL_PATH.read_text(), query, mutation, subscription)
