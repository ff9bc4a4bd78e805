"""Per-request GraphQL context and helpers shared by the resolver modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import GraphQLResolveInfo
from sqlalchemy import Connection

from stigg_emulator.auth import Caller
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.realtime.read_model import EntitlementReads

T = TypeVar("T")


@dataclass
class RequestContext:
    """What resolvers need: the domain, cached reads, the caller and our public base URL."""

    domain: Domain
    reads: EntitlementReads
    caller: Caller
    base_url: str
    hub: Any = None  # realtime hub (set for WebSocket subscriptions)


def ctx(info: GraphQLResolveInfo) -> RequestContext:
    """The request context of a resolver call."""
    context: RequestContext = info.context
    return context


def write(info: GraphQLResolveInfo, operation: Callable[[Tx], T]) -> T:
    """Run `operation` in one transaction (changes are published after commit)."""
    with ctx(info).domain.write() as tx:
        return operation(tx)


def read(info: GraphQLResolveInfo, operation: Callable[[Connection], T]) -> T:
    """Run `operation` with a read connection."""
    with ctx(info).domain.read() as connection:
        return operation(connection)


def input_arg(kwargs: dict[str, Any], name: str = "input") -> dict[str, Any]:
    """The input object argument of a root field."""
    value = kwargs.get(name)
    return dict(value) if isinstance(value, dict) else {}
