"""GraphQL subscription fields, fed by the realtime hub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
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


async def _never(_obj: Any, _info: GraphQLResolveInfo, **_kwargs: Any) -> AsyncGenerator[Any, None]:
    """Credits are out of scope: the subscription is accepted but never pushes."""
    await asyncio.Event().wait()
    yield None


def register(subscription: SubscriptionType) -> None:
    """Bind every subscription field."""
    for kind in KINDS:
        subscription.set_source(kind, _source(kind))
        subscription.set_field(kind, _identity)
    subscription.set_source("creditBalanceUpdated", _never)
    subscription.set_field("creditBalanceUpdated", _identity)
