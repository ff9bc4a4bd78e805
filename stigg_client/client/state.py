"""The state every part of the client shares, and the context accessors.

`Stigg` is assembled from parts, each in its own module (loader, checks, live updates, refresh
loop, sharing); they all work on the attributes `ClientState.__init__` creates.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from stigg_client.client import tabs
from stigg_client.client.cache import CreditScopeState, EntitlementsCache, Scope, ScopeState
from stigg_client.client.config import ClientConfig
from stigg_client.client.push import LiveUpdates
from stigg_client.client.reads import Reads
from stigg_client.client.snapshots import SnapshotStore
from stigg_client.core import decisions
from stigg_client.errors import ValidationError
from stigg_client.events import ConnectionState, Emitter
from stigg_client.models.credits import CreditEntitlement
from stigg_client.models.enums import SourceType
from stigg_client.platform import Platform
from stigg_client.transport import Transport
from stigg_client.transport.api import ApiCredentials, StiggApi
from stigg_client.transport.sse import Connector
from stigg_client.visibility import VisibilitySource

logger = logging.getLogger("stigg_client")


class InitializationState(StrEnum):
    """Where `wait_for_initialization` stands for the current customer context."""

    IN_PROGRESS = "IN_PROGRESS"
    READY = "READY"
    FAILED = "FAILED"


class ClientState(ABC):
    """What every part of `Stigg` works on."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        platform: Platform,
        transport: Transport,
        visibility: VisibilitySource,
        customer_id: str | None = None,
        customer_token: str | None = None,
        resource_id: str | None = None,
        snapshots: SnapshotStore | None = None,
        tab_channel: tabs.TabChannel | None = None,
        source: str = SourceType.JS_CLIENT_SDK.value,
    ) -> None:
        """Use `Stigg.initialize`; this wires the parts it chose (nothing starts here)."""
        self.config = config
        self._platform = platform
        self._credentials = ApiCredentials(
            api_key=config.api_key,
            source=source,
            customer_token=customer_token,
            graphql_headers={
                "apollographql-client-name": config.client_name,
                "apollographql-client-version": config.client_version,
            },
        )
        self._api = StiggApi(
            transport,
            self._credentials,
            base_uri=config.base_uri,
            edge_uri=config.edge_uri,
            timeout_s=config.request_timeout_s,
            retry=config.retry,
        )
        self._reads = Reads(self._api, self)
        self._visibility = visibility
        self._emitter = Emitter()
        self._cache = EntitlementsCache()
        self._credit_states: dict[Scope, CreditScopeState] = {}
        self._credit_loads: dict[Scope, asyncio.Task[None]] = {}
        self._fallbacks = config.entitlements_fallback
        self._fallback_answers = decisions.FallbackAnswers(self._fallbacks)
        self._customer_id = customer_id
        self._resource_id = resource_id if customer_id else None
        self._scope: Scope | None = None
        self._check_reports: set[asyncio.Task[None]] = set()
        self._generation = 0
        self._context_version = 0
        self._loading: dict[tuple[int, Scope, bool], asyncio.Task[None]] = {}
        self._last_failure: dict[Scope, float] = {}
        self._sdk_configured = False
        self._state = InitializationState.IN_PROGRESS
        self._error: BaseException | None = None
        self._ready: asyncio.Future[None] | None = None
        self._context_task: asyncio.Task[None] | None = None
        self._refresh_task: asyncio.Task[None] | None = None
        self._became_visible = asyncio.Event()
        self._wakeup = asyncio.Event()
        """Set when the page is hidden or a retry was brought forward: the wait recomputes."""
        self._due_at: float | None = None
        self._connection: ConnectionState = "connecting"
        self._failed_attempts = 0
        self._push: LiveUpdates | None = None
        self._push_key: tuple[str, str | None] | None = None
        self._push_connector: Connector | None = None
        self._push_connector_made = False
        self._stopping: set[asyncio.Task[None]] = set()
        self._unsubscribe_visibility: Callable[[], None] | None = None
        self._snapshots = snapshots
        self._tabs = tab_channel
        self._closed = False
        self.is_widget_watermark_enabled = True

        self._update_scope()
        if snapshots is not None:
            self._restore_snapshots()
        if tab_channel is not None:
            tab_channel.listen(self._on_tab_load)

    @property
    def customer_id(self) -> str | None:
        """The current customer, if any."""
        return self._customer_id

    @property
    def resource_id(self) -> str | None:
        """The current resource, if any."""
        return self._resource_id

    def require_customer(self) -> str:
        """The current customer id, or `ValidationError` when none is set."""
        if self._customer_id is None:
            raise ValidationError(
                "You must set customer ID first, use set_customer_id or pass it to initialize"
            )
        return self._customer_id

    def _update_scope(self) -> None:
        self._scope = (
            (self._customer_id, self._resource_id) if self._customer_id is not None else None
        )

    def _active_scopes(self) -> list[Scope]:
        if self._customer_id is None:
            return []
        scopes: list[Scope] = [(self._customer_id, None)]
        if self._resource_id is not None:
            scopes.append((self._customer_id, self._resource_id))
        return scopes

    def _retain_scopes(self) -> None:
        """Forget the cached entitlements and credits of every scope no longer active."""
        active = set(self._active_scopes())
        self._cache.retain(active)
        for scope in [scope for scope in self._credit_states if scope not in active]:
            del self._credit_states[scope]

    @abstractmethod
    async def get_credit_entitlements(
        self, resource_id: str | None = None
    ) -> list[CreditEntitlement]:
        """The credit entitlements of the current context; see `CreditsPart`."""

    @abstractmethod
    async def _refresh_credits(self) -> None:
        """Reload the credits of the active scopes that have them; see `CreditsPart`."""

    @abstractmethod
    def _apply_credit_balance(self, scope: Scope, payload: dict[str, Any]) -> None:
        """Apply a pushed credit balance; see `CreditsPart`."""

    @abstractmethod
    def _load(self, scope: Scope, *, skip_edge: bool) -> asyncio.Task[None]:
        """Load `scope` (joining a load already running); see `LoaderPart`."""

    @abstractmethod
    def _renew_in_background(self, scope: Scope) -> None:
        """Start a load of `scope` unless one failed moments ago; see `LoaderPart`."""

    @abstractmethod
    def _ensure_started(self) -> None:
        """Start loading and the background tasks on the running loop; see `Stigg`."""

    @abstractmethod
    def _publish_load(self, scope: Scope, entitlements: list[Any]) -> None:
        """Persist and share a full load; see `SharingPart`."""

    @abstractmethod
    def _sync_live_updates(self) -> None:
        """Follow the current customer with the event stream; see `LiveUpdatesPart`."""

    @abstractmethod
    def _note_reachable(self) -> None:
        """Stigg answered; see `LoaderPart`."""

    @abstractmethod
    def _reload_in_background(self, *, skip_edge: bool, scopes: list[Scope] | None = None) -> None:
        """Reload the active scopes without waiting; see `LiveUpdatesPart`."""

    @abstractmethod
    async def _fetch_sdk_configuration(self) -> None:
        """Load the SDK configuration once; see `LoaderPart`."""

    @abstractmethod
    def _recover_if_loaded(self) -> None:
        """Leave a failed initialization once a load arrived; see `LoaderPart`."""

    @property
    @abstractmethod
    def initialization_state(self) -> InitializationState:
        """IN_PROGRESS, READY or FAILED; see `LoaderPart`."""

    @abstractmethod
    def _restore_snapshots(self) -> None:
        """Answer checks from persisted snapshots until a load arrives; see `SharingPart`."""

    @abstractmethod
    def _on_tab_load(self, message: str) -> None:
        """Take a load another tab posted; see `SharingPart`."""

    @abstractmethod
    def _state_for(self, resource_id: str | None) -> ScopeState | None:
        """The loaded state the checks read; see `ChecksPart`."""


def log_background_failure(task: asyncio.Task[None]) -> None:
    """Log the failure of a background load task (it is never awaited)."""
    if not task.cancelled() and task.exception() is not None:
        logger.warning("background entitlements renewal failed: %s", task.exception())


def observed(future: asyncio.Future[None]) -> asyncio.Future[None]:
    """A view of `future` that may be awaited or ignored (an ignored failure is not reported
    as "exception never retrieved"; it is logged and signalled through `initialize_failed`)."""
    view = asyncio.shield(future)
    view.add_done_callback(lambda done: None if done.cancelled() else done.exception())
    return view


class _Done:
    """An awaitable that is already complete (safe to ignore, unlike an unawaited coroutine)."""

    def __await__(self) -> Any:
        return iter(())


def completed() -> Awaitable[None]:
    return _Done()
