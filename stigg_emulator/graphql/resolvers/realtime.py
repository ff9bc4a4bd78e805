"""GraphQL subscription fields, fed by the realtime hub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from ariadne import SubscriptionType
from graphql import GraphQLResolveInfo

from stigg_emulator.realtime.hub import KINDS


def _source(kind: str) -> Any:
    async def generate(_obj: Any, info: GraphQLResolveInfo, **_kwargs: Any) -> AsyncIterator[Any]:
        hub = info.context.hub
        async for event in hub.stream((kind,)):
            yield event.payload

    return generate


def _identity(payload: Any, _info: GraphQLResolveInfo, **_kwargs: Any) -> Any:
    return payload


def register(subscription: SubscriptionType) -> None:
    """Bind every subscription field."""
    for kind in KINDS:
        subscription.set_source(kind, _source(kind))
        subscription.set_field(kind, _identity)
