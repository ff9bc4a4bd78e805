"""GraphQL subscription fields, fed by the realtime hub."""

from __future__ import annotations

from typing import Any

from ariadne import SubscriptionType
from graphql import GraphQLResolveInfo

from stigg_emulator.realtime.hub import KINDS, Event, Listening


def _source(kind: str) -> Any:
    def listen(_obj: Any, info: GraphQLResolveInfo, **_kwargs: Any) -> Listening:
        # Not a generator: the hub listens from this call on, before the first event is read.
        listening: Listening = info.context.hub.stream((kind,))
        return listening

    return listen


def _payload(event: Event, _info: GraphQLResolveInfo, **_kwargs: Any) -> Any:
    return event.payload


def register(subscription: SubscriptionType) -> None:
    """Bind every subscription field."""
    for kind in KINDS:
        subscription.set_source(kind, _source(kind))
        subscription.set_field(kind, _payload)
