"""State every part of `StiggServer` works on: configuration, the API, the store, listeners."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, get_args

from stigg_client.core.graphql import credits as credit_documents
from stigg_client.core.graphql import server as documents
from stigg_client.core.settings import DEFAULT_BASE_URI, parse_fallbacks
from stigg_client.errors import ValidationError
from stigg_client.events import Emitter
from stigg_client.models.entitlements import (
    BooleanEntitlement,
    Entitlement,
    EntitlementFallback,
    EnumEntitlement,
    MeteredEntitlement,
    NumericEntitlement,
)
from stigg_client.models.enums import SourceType
from stigg_client.server.reporting import ReportingApi
from stigg_client.server.store import (
    CustomerEntitlements,
    EntitlementsStore,
    InMemoryEntitlementsStore,
    Scope,
)
from stigg_client.transport.api import ApiCredentials, StiggApi
from stigg_client.transport.base import Transport
from stigg_client.transport.graphql_ws import (
    INSTALL_HINT,
    Operation,
    RealtimeConnection,
    websockets_installed,
    ws_url,
)
from stigg_client.transport.retry import Backoff, RetryPolicy

logger = logging.getLogger("stigg_client")

SOURCE = SourceType.NODE_SERVER_SDK.value
_PROCESS_TIMESTAMP = str(int(time.time() * 1000))

ServerEvent = Literal[
    "initialize_successfully",
    "initialize_failed",
    "entitlements_updated",
    "usage_updated",
    "package_published",
    "credit_balance_updated",
    "api_key_invalid",
    "network_request_failed",
]
SERVER_EVENTS: frozenset[str] = frozenset(get_args(ServerEvent))
Listener = Callable[[Any], Any]

SERVER_RECONNECT = Backoff(initial_delay_s=0.5, max_delay_s=5.0)
"""Default reconnect delays of the server SDK."""

_E = TypeVar("_E", BooleanEntitlement, NumericEntitlement, MeteredEntitlement, EnumEntitlement)
_KINDS: dict[type[Entitlement], str] = {
    BooleanEntitlement: "boolean",
    NumericEntitlement: "numeric",
    MeteredEntitlement: "metered",
    EnumEntitlement: "enum",
}


class _Unset:
    """Marker for "argument not given" where None has a meaning of its own."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _sdk_headers() -> dict[str, str]:
    """Process identification headers the node SDK sends (docs/protocol.md §1.3)."""
    host = socket.gethostname()
    pid = str(os.getpid())
    return {
        "X-SDK-INSTANCE-ID": uuid.uuid4().hex[:21],
        "X-SDK-OS-PROCESS-HOSTNAME": host,
        "X-SDK-OS-PROCESS-ID": pid,
        "X-SDK-OS-PROCESS-TIMESTAMP": _PROCESS_TIMESTAMP,
        "X-SDK-OS-PROCESS-FINGERPRINT": hashlib.md5(
            (host + pid + _PROCESS_TIMESTAMP).encode(), usedforsecurity=False
        ).hexdigest(),
    }


def _now_ms() -> int:
    return int(time.time() * 1000)


def _denied(result: Entitlement, reason: str) -> Entitlement:
    return result.model_copy(update={"has_access": False, "access_denied_reason": reason})


class ServerState(ABC):
    """What every part of `StiggServer` works on."""

    def __init__(
        self,
        *,
        api_key: str,
        base_uri: str = DEFAULT_BASE_URI,
        offline: bool = False,
        entitlements_fallback: Mapping[str, EntitlementFallback | Mapping[str, Any]] | None = None,
        realtime_updates: bool = True,
        realtime_url: str | None = None,
        reconnect_backoff: Backoff | None = None,
        store: EntitlementsStore | None = None,
        request_timeout_s: float = 60.0,
        entitlements_timeout_s: float = 10.0,
        realtime_connect_timeout_s: float = 10.0,
        retry: RetryPolicy | None = None,
        transport: Transport | None = None,
    ) -> None:
        if not api_key and not offline:
            raise ValidationError("You must configure the client with an API key")
        self.api_key = api_key
        self.base_uri = base_uri.rstrip("/")
        self.offline = offline
        self.fallbacks = parse_fallbacks(entitlements_fallback)
        self.store: EntitlementsStore = store or InMemoryEntitlementsStore()
        self.entitlements_timeout_s = entitlements_timeout_s
        self.realtime_connect_timeout_s = realtime_connect_timeout_s
        self._headers = _sdk_headers()
        self._transport = transport
        self._api: StiggApi | None = None
        self._retry = retry
        self._request_timeout_s = request_timeout_s
        self._emitter = Emitter(SERVER_EVENTS)
        self._inflight: dict[Scope, asyncio.Task[CustomerEntitlements]] = {}
        self._init_task: asyncio.Task[None] | None = None
        self.realtime: RealtimeConnection | None = None
        if realtime_updates and not offline and not websockets_installed():
            logger.warning(
                "live updates are off: the websockets package is not installed; "
                "enable them with %s",
                INSTALL_HINT,
            )
        elif realtime_updates and not offline:
            credentials = {"X-API-KEY": api_key, "source": SOURCE, **self._headers}
            self.realtime = RealtimeConnection(
                realtime_url or ws_url(self.base_uri),
                credentials,
                [
                    Operation("OnEntitlementsUpdatedV2", documents.ON_ENTITLEMENTS_UPDATED),
                    Operation("OnUsageUpdatedV2", documents.ON_USAGE_UPDATED),
                    Operation("OnPackagePublished", documents.ON_PACKAGE_PUBLISHED),
                    Operation("OnCreditBalanceUpdated", credit_documents.ON_CREDIT_BALANCE_UPDATED),
                ],
                on_message=self._on_realtime_message,
                on_connected=self._on_connected,
                on_disconnected=self._on_disconnected,
                backoff=reconnect_backoff or SERVER_RECONNECT,
            )

    @property
    def api(self) -> StiggApi:
        """The GraphQL client (created on first use, inside the running loop)."""
        if self._api is None:
            transport = self._transport
            if transport is None:
                from stigg_client.transport.httpx_transport import HttpxTransport

                transport = HttpxTransport()
            self._api = ReportingApi(
                transport,
                ApiCredentials(self.api_key, SOURCE, extra_headers=self._headers),
                base_uri=self.base_uri,
                edge_uri=None,
                timeout_s=self._request_timeout_s,
                retry=self._retry,
                on_failure=self._emit,
            )
        return self._api

    def _emit(self, event: ServerEvent, *payload: Any) -> None:
        self._emitter.emit(event, *payload)

    @property
    def realtime_connected(self) -> bool:
        """True while live updates are connected (the cache is then trusted)."""
        return self.realtime is not None and self.realtime.connected

    @abstractmethod
    async def _on_realtime_message(self, name: str, data: dict[str, Any]) -> None:
        """Apply one pushed message; see `RealtimePart`."""

    @abstractmethod
    async def _on_connected(self) -> None:
        """The live connection opened; see `RealtimePart`."""

    @abstractmethod
    async def _on_disconnected(self) -> None:
        """The live connection dropped; see `RealtimePart`."""

    @abstractmethod
    async def _credit_balance_updated(self, payload: dict[str, Any]) -> None:
        """Apply a pushed credit balance; see `CreditsPart`."""

    @abstractmethod
    def _clear_credits(self) -> None:
        """Forget the kept credit entitlements; see `CreditsPart`."""

    @abstractmethod
    def _result_for(
        self, raw: dict[str, Any] | None, kind: str, requested_usage: float, now_ts: float
    ) -> Entitlement:
        """The check result of one wire entitlement; see `EntitlementsPart`."""

    @abstractmethod
    async def _fetch_state(self, scope: Scope) -> CustomerEntitlements:
        """Load and store the entitlements of `scope`; see `EntitlementsPart`."""

    @abstractmethod
    async def _store_state(
        self, scope: Scope, union: Any, reason: str | None
    ) -> CustomerEntitlements:
        """Store wire entitlements of `scope`; see `EntitlementsPart`."""
