"""The client-key SDK: customer context, cached entitlement checks, refresh, reads, checkout."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any, ClassVar, TypeVar, Unpack

from stigg_client import tabs
from stigg_client.cache import EntitlementsCache, Scope, ScopeState
from stigg_client.client.reads import Reads
from stigg_client.config import ClientConfig, ClientSettings, validate
from stigg_client.core import decisions, edge_paths
from stigg_client.core.entries import METERED_TYPES, CachedEntitlement, entry_from_wire
from stigg_client.core.graphql.entitlements import (
    GET_ENTITLEMENTS,
    GET_SDK_CONFIGURATION,
    entitlements_variables,
)
from stigg_client.errors import (
    AuthenticationError,
    NetworkError,
    StiggError,
    ValidationError,
)
from stigg_client.events import ConnectionState, Emitter, EventName, Listener
from stigg_client.models.customer import Customer
from stigg_client.models.entitlements import (
    BooleanEntitlement,
    Entitlement,
    MeteredEntitlement,
    NumericEntitlement,
)
from stigg_client.models.enums import SourceType
from stigg_client.models.estimates import SubscriptionPreview
from stigg_client.models.paywall import Paywall
from stigg_client.models.portal import CustomerPortal
from stigg_client.models.subscriptions import Coupon, SlimSubscriptionV2, Subscription
from stigg_client.platform import Platform, TransportName, current_platform
from stigg_client.push import LiveUpdates, LiveUpdatesStatus, stream_url
from stigg_client.snapshots import (
    Snapshot,
    SnapshotStore,
    decode,
    encode,
    snapshot_key,
)
from stigg_client.transport import Transport
from stigg_client.transport.api import ApiCredentials, StiggApi
from stigg_client.transport.sse import Connector
from stigg_client.visibility import VisibilitySource

logger = logging.getLogger("stigg_client")

FallbackArg = decisions.FallbackArg
Part = TypeVar("Part")
OfflineFactory = Callable[
    [ClientConfig, Platform, VisibilitySource | None, str | None, str | None], "Stigg"
]
_MIN_RETRY_INTERVAL_S = 5.0


class InitializationState(StrEnum):
    """Where `wait_for_initialization` stands for the current customer context."""

    IN_PROGRESS = "IN_PROGRESS"
    READY = "READY"
    FAILED = "FAILED"


class Stigg:
    """Client-key Stigg SDK. Create it with `Stigg.initialize(...)`.

    Entitlement checks are synchronous and served from an in-memory cache: they never raise and
    never wait for the network (before the first load they return the fallback). Everything else
    is async.
    """

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
            api_key=config.api_key, source=source, customer_token=customer_token
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
        self._fallbacks = config.entitlements_fallback
        self._fallback_answers = decisions.FallbackAnswers(self._fallbacks)
        self._customer_id = customer_id
        self._resource_id = resource_id if customer_id else None
        self._scope: Scope | None = None
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

    # ------------------------------------------------------------------ construction

    _offline_variant: ClassVar[OfflineFactory | None] = None

    def __init_subclass__(cls, *, offline: bool = False, **kwargs: Any) -> None:
        """`class OfflineStigg(Stigg, offline=True)` is what `initialize(offline=True)` makes
        (declared so because the offline client is built on this one, not the reverse)."""
        super().__init_subclass__(**kwargs)
        if offline:
            Stigg._offline_variant = getattr(cls, "offline")  # noqa: B009 - set by the subclass

    @classmethod
    def initialize(
        cls,
        api_key: str = "",
        *,
        customer_id: str | None = None,
        customer_token: str | None = None,
        resource_id: str | None = None,
        transport: TransportName | Transport = "auto",
        visibility: VisibilitySource | None = None,
        persist_entitlements: bool | SnapshotStore = False,
        share_across_tabs: bool | tabs.TabChannel = False,
        platform: Platform | None = None,
        **settings: Unpack[ClientSettings],
    ) -> Stigg:
        """Create the client and start loading on the running event loop (if any).

        `settings` are the `ClientConfig` fields (`base_uri`, `base_edge_uri`, `enable_edge`,
        `offline`, `entitlements_fallback`, `cache_ttl_s`, `request_timeout_s`, `retry`,
        `background_refresh`, `live_updates`, `reconnect`, `snapshot_max_age_s`), with the
        defaults `ClientConfig` documents. Without a running loop, loading starts on the first
        `await wait_for_initialization()`.
        `live_updates` subscribes to the server's change stream for the current customer (where
        the server offers one; polling every `cache_ttl_s` stays as the fallback). `reconnect` is
        the backoff of stream reconnects and of retries while offline.
        `persist_entitlements` keeps each load as a snapshot (True: the page's localStorage,
        where there is one; or any `SnapshotStore`) that the next start answers checks from
        until its own load arrives, or while the network is down; snapshots older than
        `snapshot_max_age_s` are ignored. `share_across_tabs` posts each load to the other tabs
        of the site for the same environment and customer, which take it without a request
        (True: a `BroadcastChannel`, where there is one; or any `tabs.TabChannel`).
        `platform` replaces the detected runtime (`stigg_client.platform`), e.g. in tests.
        With `offline=True` the client is an `OfflineStigg`: no network, fallbacks and mock reads.
        Raises `ValidationError` when no key is given and `offline` is false.
        """
        config = validate(ClientConfig.from_settings(api_key, settings))
        runtime = platform or current_platform()
        if config.offline:
            if Stigg._offline_variant is None:
                raise RuntimeError("stigg_client.client.offline was not imported")
            return Stigg._offline_variant(config, runtime, visibility, customer_id, resource_id)
        client = cls(
            config,
            platform=runtime,
            transport=transport if not isinstance(transport, str) else runtime.transport(transport),
            visibility=visibility or runtime.visibility(),
            customer_id=customer_id,
            customer_token=customer_token,
            resource_id=resource_id,
            snapshots=_chosen(persist_entitlements, runtime.storage),
            tab_channel=_chosen(
                share_across_tabs,
                lambda: runtime.tab_channel(tabs.channel_name(config.base_uri, api_key)),
            ),
        )
        client._start_if_possible()
        return client

    def _start_if_possible(self) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._ensure_started()

    def _ensure_started(self) -> None:
        if self._ready is not None:
            return
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        self._context_task = loop.create_task(self._initialize(self._context_version))
        self._sync_live_updates()
        if self.config.background_refresh and self._refresh_task is None:
            self._unsubscribe_visibility = self._visibility.subscribe(self._on_visibility)
            self._refresh_task = loop.create_task(self._refresh_loop())

    # ------------------------------------------------------------------ initialization

    @property
    def initialization_state(self) -> InitializationState:
        """IN_PROGRESS, READY or FAILED for the current customer context."""
        return self._state

    @property
    def connection_state(self) -> ConnectionState:
        """Whether the client reaches Stigg: `connecting`, `online` or `offline`.

        "connecting" until Stigg first answers, "online" while it answers, "offline" after a
        network fault (checks keep answering from the cache). Offline mode reports "online".

        Every change is announced to `connection_state_changed` listeners with the new value.
        """
        return self._connection

    def _set_connection(self, state: ConnectionState) -> None:
        if state == self._connection or self._closed:
            return
        self._connection = state
        logger.info("Stigg connection is %s", state)
        self._emitter.emit("connection_state_changed", state)

    def _note_reachable(self) -> None:
        """Stigg answered (successfully or with a non-network error)."""
        self._failed_attempts = 0
        self._set_connection("online")

    def _note_network_failure(self) -> None:
        """A load failed on the network: go offline and bring the next retry forward."""
        self._set_connection("offline")
        delay = self.config.reconnect.delay(self._failed_attempts)
        self._failed_attempts += 1
        try:
            now = asyncio.get_running_loop().time()
        except RuntimeError:
            return
        if self._due_at is None or now + delay < self._due_at:
            self._due_at = now + delay
            self._wakeup.set()

    @property
    def customer_id(self) -> str | None:
        """The current customer, if any."""
        return self._customer_id

    @property
    def resource_id(self) -> str | None:
        """The current resource, if any."""
        return self._resource_id

    @property
    def is_customer_loaded(self) -> bool:
        """True once the current customer's entitlements are in the cache."""
        state = self._state_for(None)
        return state is not None and state.loaded

    async def wait_for_initialization(self) -> None:
        """Wait until the current context has loaded; raise the typed error if it failed."""
        self._ensure_started()
        assert self._ready is not None
        await asyncio.shield(self._ready)

    async def _initialize(self, version: int) -> None:
        try:
            if not self._sdk_configured:
                await self._fetch_sdk_configuration()
                self._sdk_configured = True
            await self._load_context(self._generation)
        except Exception as error:
            if version == self._context_version:
                self._fail(error)
        else:
            if version == self._context_version:
                self._succeed()

    async def _fetch_sdk_configuration(self) -> None:
        try:
            data = await self._read_with_edge_fallback(
                edge_paths.SDK_CONFIGURATION_PATH,
                "GetSdkConfiguration",
                GET_SDK_CONFIGURATION,
                None,
            )
        except NetworkError:
            self._note_network_failure()
            raise
        except AuthenticationError as error:
            self._note_reachable()
            raise AuthenticationError(
                "Authentication failed. Double check your SDK key.",
                code=error.code or "Unauthenticated",
                trace_id=error.trace_id,
                status=error.status,
            ) from error
        self._note_reachable()
        configuration = data.get("sdkConfiguration") or {}
        enabled = configuration.get("isWidgetWatermarkEnabled")
        self.is_widget_watermark_enabled = True if enabled is None else bool(enabled)

    async def _load_context(self, generation: int) -> None:
        scopes = self._active_scopes()
        await asyncio.gather(
            *(self._load(scope, skip_edge=False, generation=generation) for scope in scopes)
        )

    def _succeed(self) -> None:
        self._state = InitializationState.READY
        self._error = None
        if self._ready is not None and self._ready.done():
            self._ready = asyncio.get_running_loop().create_future()
        if self._ready is not None:
            self._ready.set_result(None)
        self._emitter.emit("initialized")

    def _recover_if_loaded(self) -> None:
        """A failed initialization becomes READY once a later load brought every scope in."""
        if self._state is not InitializationState.FAILED or not self._sdk_configured:
            return
        states = [self._cache.get(scope) for scope in self._active_scopes()]
        if all(state is not None and state.loaded and not state.restored for state in states):
            logger.info("Stigg entitlements loaded after an initialization failure")
            self._succeed()

    def _fail(self, error: BaseException) -> None:
        self._state = InitializationState.FAILED
        self._error = error
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(error)
            self._ready.exception()  # mark retrieved: a failure nobody awaits is not an error
        logger.error("Stigg initialization failed: %s", error)
        self._emitter.emit("initialize_failed", error)

    # ------------------------------------------------------------------ context

    def set_customer_id(
        self, customer_id: str, token: str | None = None, resource_id: str | None = None
    ) -> Awaitable[None]:
        """Switch to another customer (and optionally token and resource) and reload.

        Returns an awaitable that completes when the new context has loaded (or raises why not);
        it is safe to ignore. Data of the previous customer is dropped and late responses for it
        are discarded.
        """
        if (
            customer_id == self._customer_id
            and token == self._credentials.customer_token
            and resource_id == self._resource_id
            and self._ready is not None
        ):
            return _observed(self._ready)
        self._customer_id = customer_id
        self._credentials.customer_token = token
        self._resource_id = resource_id
        return self._restart_context()

    def clear_customer(self) -> None:
        """Forget the customer, token and resource; checks return fallbacks afterwards."""
        self._customer_id = None
        self._resource_id = None
        self._credentials.customer_token = None
        self._restart_context()

    def set_resource(self, resource_id: str) -> Awaitable[None]:
        """Enter a resource context of the current customer and load its entitlements."""
        if self._customer_id is None:
            raise ValidationError(
                "You must set customer ID first, use set_customer_id or pass it to initialize"
            )
        if resource_id == self._resource_id and self._ready is not None:
            return _observed(self._ready)
        self._resource_id = resource_id
        return self._restart_context(keep_customer=True)

    def clear_resource(self) -> None:
        """Leave the resource context; checks use the customer's global entitlements again."""
        if self._resource_id is None:
            return
        self._resource_id = None
        self._update_scope()
        self._cache.retain(set(self._active_scopes()))

    def _restart_context(self, *, keep_customer: bool = False) -> Awaitable[None]:
        self._context_version += 1
        if not keep_customer:
            self._generation += 1
        self._update_scope()
        self._cache.retain(set(self._active_scopes()))
        self._restore_snapshots()
        self._last_failure.clear()
        self._state = InitializationState.IN_PROGRESS
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._ready = None  # started by the next wait_for_initialization()
            return completed()
        if self._ready is None:
            self._ensure_started()
            assert self._ready is not None
            return _observed(self._ready)
        if self._ready.done():
            self._ready = loop.create_future()
        self._context_task = loop.create_task(self._initialize(self._context_version))
        self._sync_live_updates()
        return _observed(self._ready)

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

    # ------------------------------------------------------------------ loading

    def _load(
        self, scope: Scope, *, skip_edge: bool, generation: int | None = None
    ) -> asyncio.Task[None]:
        generation = self._generation if generation is None else generation
        key = (generation, scope, skip_edge)
        task = self._loading.get(key)
        if task is None or task.done():
            task = asyncio.get_running_loop().create_task(
                self._fetch_and_store(scope, skip_edge, generation)
            )
            self._loading[key] = task
            task.add_done_callback(functools.partial(self._forget_load, key))
        return task

    def _forget_load(self, key: tuple[int, Scope, bool], task: asyncio.Task[None]) -> None:
        if self._loading.get(key) is task:
            del self._loading[key]
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            self._last_failure[key[1]] = time.monotonic()
            if isinstance(error, NetworkError):
                self._note_network_failure()
            elif isinstance(error, StiggError):
                self._note_reachable()  # the server answered, with a refusal

    async def _fetch_and_store(self, scope: Scope, skip_edge: bool, generation: int) -> None:
        customer_id, resource_id = scope
        if skip_edge:
            data = await self._graphql_entitlements(customer_id, resource_id)
        else:
            data = await self._read_with_edge_fallback(
                edge_paths.entitlements_path(customer_id, resource_id),
                "GetEntitlements",
                GET_ENTITLEMENTS,
                entitlements_variables(customer_id, resource_id),
            )
        self._note_reachable()
        if generation != self._generation or scope not in self._active_scopes():
            logger.debug("dropping entitlements of %s: the context changed meanwhile", scope)
            return
        raw = data.get("entitlements")
        if not isinstance(raw, list):
            raise StiggError("the entitlements response has no entitlements list")
        self._last_failure.pop(scope, None)
        self.store_entitlements(raw, resource_id)
        self._publish_load(scope, raw)
        if self._state is InitializationState.FAILED and not self._sdk_configured:
            # Initialization failed at its first step; the API answers again, so finish it.
            try:
                await self._fetch_sdk_configuration()
            except StiggError as error:
                logger.warning("SDK configuration still unavailable: %s", error)
            else:
                self._sdk_configured = True
        self._recover_if_loaded()

    def store_entitlements(
        self, entitlements: list[dict[str, Any]], resource_id: str | None = None
    ) -> list[str] | None:
        """Put GraphQL `Entitlement` objects (e.g. a persisted snapshot) into the current
        customer's cache, under the usual replace rule. Returns the changed feature ids, or None
        when the data is older than what is cached."""
        customer_id = self.require_customer()
        scope: Scope = (customer_id, resource_id)
        entries = [entry_from_wire(item) for item in entitlements if isinstance(item, dict)]
        changed = self._cache.store(scope, entries)
        if changed:
            self._emitter.emit("entitlements_updated", changed)
        return changed

    def _snapshot_key(self, scope: Scope) -> str:
        return snapshot_key(self.config.base_uri, self.config.api_key, *scope)

    def _restore_snapshots(self) -> None:
        """Answer checks of scopes not loaded yet from their persisted snapshots, if fresh."""
        if self._snapshots is None:
            return
        now = time.time()
        for scope in self._active_scopes():
            if self._cache.get(scope) is not None:
                continue
            text = self._snapshots.read(self._snapshot_key(scope))
            snapshot = decode(text, now=now, max_age_s=self.config.snapshot_max_age_s)
            entries = None if snapshot is None else _parsed(snapshot.entitlements, "a snapshot's")
            if snapshot is None or entries is None:
                continue
            self._cache.store(scope, entries, now=snapshot.saved_at, restored=True)
            logger.debug("answering %s from a snapshot saved at %s", scope, snapshot.saved_at)

    def _publish_load(self, scope: Scope, entitlements: list[Any]) -> None:
        """Keep a fresh load as the scope's snapshot and hand it to the other tabs."""
        if self._snapshots is None and self._tabs is None:
            return
        items = [item for item in entitlements if isinstance(item, dict)]
        if self._snapshots is not None:
            self._snapshots.write(self._snapshot_key(scope), encode(Snapshot(time.time(), items)))
        if self._tabs is not None:
            self._tabs.post(tabs.encode(tabs.SharedLoad(scope[0], scope[1], items)))

    def _on_tab_load(self, message: str) -> None:
        """Take another tab's load of one of our scopes (under the usual replace rule)."""
        load = tabs.decode(message)
        if load is None or self._closed:
            return
        scope: Scope = (load.customer_id, load.resource_id)
        if scope not in self._active_scopes():
            return
        entries = _parsed(load.entitlements, "another tab's")
        if entries is None:
            return
        changed = self._cache.store(scope, entries)
        if changed:
            self._emitter.emit("entitlements_updated", changed)

    async def _graphql_entitlements(
        self, customer_id: str, resource_id: str | None
    ) -> dict[str, Any]:
        return await self._api.graphql(
            "GetEntitlements", GET_ENTITLEMENTS, entitlements_variables(customer_id, resource_id)
        )

    async def _read_with_edge_fallback(
        self, path: str, operation: str, document: str, variables: dict[str, Any] | None
    ) -> dict[str, Any]:
        if self._api.edge_uri is not None:
            try:
                return await self._api.edge(path)
            except NetworkError as error:
                logger.warning("edge read %s failed (%s); using GraphQL", path, error)
        return await self._api.graphql(operation, document, variables)

    def _renew_in_background(self, scope: Scope) -> None:
        """Stale-while-revalidate: start a load for `scope` unless one runs or one just failed."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        failed_at = self._last_failure.get(scope)
        if failed_at is not None and time.monotonic() - failed_at < min(
            self.config.cache_ttl_s, _MIN_RETRY_INTERVAL_S
        ):
            return
        task = self._load(scope, skip_edge=False)
        task.add_done_callback(_log_background_failure)

    async def refresh(self) -> None:
        """Reload the current context's entitlements now over GraphQL (bypassing the edge)."""
        if self._customer_id is None:
            return
        try:
            await asyncio.gather(
                *(self._load(scope, skip_edge=True) for scope in self._active_scopes())
            )
        except StiggError as error:
            raise type(error)(
                f"Failed to refresh entitlements. Error: {error.message}",
                code=error.code,
                trace_id=error.trace_id,
                status=error.status,
            ) from error

    # ------------------------------------------------------------------ live updates

    @property
    def live_updates_status(self) -> LiveUpdatesStatus:
        """The change stream of the current customer: `off`, `connecting`, `connected`, or
        `unavailable` (the server does not offer it: polling every `cache_ttl_s` only)."""
        return self._push.status if self._push is not None else "off"

    def _sync_live_updates(self) -> None:
        """Subscribe to the current customer's stream (once per customer and token)."""
        if not self.config.live_updates or self._closed:
            return
        customer_id = self._customer_id
        key = (customer_id, self._credentials.customer_token) if customer_id else None
        if key == self._push_key:
            return
        self._push_key = key
        if self._push is not None:
            task = self._push.stop()
            self._push = None
            if task is not None:
                self._stopping.add(task)
                task.add_done_callback(self._stopping.discard)
        if key is None:
            return
        if not self._push_connector_made:
            self._push_connector = self._platform.stream_connector()
            self._push_connector_made = True
        if self._push_connector is None:
            return
        url = stream_url(self.config.base_uri, key[0], self.config.api_key, key[1])
        self._push = LiveUpdates(
            url,
            self._push_connector,
            backoff=self.config.reconnect,
            on_event=self._on_pushed,
            on_connected=self._on_push_connected,
            on_dropped=self._on_push_dropped,
        )
        self._push.start()

    def _on_push_connected(self, reconnected: bool) -> None:
        self._note_reachable()
        # Catch up on changes that may have come while disconnected, or between a finished
        # initial load and the stream's start (a load still in flight reads after it).
        if reconnected or self.initialization_state is InitializationState.READY:
            self._reload_in_background(skip_edge=True)

    def _on_push_dropped(self) -> None:
        # A load tells whether Stigg is still there (offline if not) while the stream reconnects.
        self._reload_in_background(skip_edge=False)

    def _reload_in_background(self, *, skip_edge: bool, scopes: list[Scope] | None = None) -> None:
        for scope in self._active_scopes() if scopes is None else scopes:
            self._load(scope, skip_edge=skip_edge).add_done_callback(_log_background_failure)

    def _on_pushed(self, kind: str, payload: dict[str, Any]) -> None:
        """Apply a pushed change to the cache, or reload the scope it names."""
        usage = payload.get("usage")
        source = usage if kind == "usageUpdated" and isinstance(usage, dict) else payload
        customer_id = source.get("customerId")
        resource_id = source.get("resourceId") or None
        scope: Scope = (str(customer_id), None if resource_id is None else str(resource_id))
        if customer_id != self._customer_id or scope not in self._active_scopes():
            return
        changed: list[str] | None
        if kind == "entitlementsUpdated" and isinstance(payload.get("entitlements"), list):
            raw = payload["entitlements"]
            entries = [entry_from_wire(item) for item in raw if isinstance(item, dict)]
            changed = self._cache.store(scope, entries)
        elif kind == "usageUpdated" and isinstance(payload.get("entitlement"), dict):
            entry = entry_from_wire(payload["entitlement"])
            if not entry.feature_id:
                self._reload_in_background(skip_edge=True, scopes=[scope])
                return
            # None when the scope is not loaded yet (the load under way brings the change) or the
            # pushed entry is older than the cached one.
            changed = self._cache.patch(scope, entry)
        else:
            self._reload_in_background(skip_edge=True, scopes=[scope])
            return
        if changed:
            self._emitter.emit("entitlements_updated", changed)

    # ------------------------------------------------------------------ background refresh

    def _on_visibility(self, visible: bool) -> None:
        (self._became_visible if visible else self._wakeup).set()

    async def _refresh_loop(self) -> None:
        """Reload every `cache_ttl_s` while visible; while offline, sooner (backoff + jitter)."""
        loop = asyncio.get_running_loop()
        while not self._closed:
            await self._wait_until_due()
            if self._closed:
                return
            self._due_at = loop.time() + self.config.cache_ttl_s
            try:
                if self._customer_id is None:
                    if self._connection == "offline":
                        await self._fetch_sdk_configuration()
                        self._sdk_configured = True
                        self._recover_if_loaded()
                    continue
                await asyncio.gather(
                    *(self._load(scope, skip_edge=False) for scope in self._active_scopes())
                )
            except StiggError as error:
                logger.warning("background refresh failed: %s", error)

    async def _wait_until_due(self) -> None:
        loop = asyncio.get_running_loop()
        if self._due_at is None:
            self._due_at = loop.time() + self.config.cache_ttl_s
        while True:
            if not self._visibility.is_visible():
                self._became_visible.clear()
                await self._became_visible.wait()
                return
            remaining = self._due_at - loop.time()
            if remaining <= 0:
                return
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except TimeoutError:
                return

    async def close(self) -> None:
        """Stop background work and live updates, and release the transport."""
        self._closed = True
        if self._unsubscribe_visibility is not None:
            self._unsubscribe_visibility()
        push_task = self._push.stop() if self._push is not None else None
        tasks = [t for t in (self._refresh_task, self._context_task, *self._loading.values()) if t]
        for task in tasks:
            task.cancel()
        tasks += [t for t in (push_task, *self._stopping) if t is not None]
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._push_connector is not None:
            await self._push_connector.aclose()
        if self._tabs is not None:
            self._tabs.close()
        await self._api.transport.aclose()

    # ------------------------------------------------------------------ listeners

    def add_listener(self, event: EventName, listener: Listener) -> Callable[[], None]:
        """Call `listener` on `initialized()`, `initialize_failed(error)`,
        `entitlements_updated(changed_feature_ids)` or `connection_state_changed(state)`
        (state: "connecting" | "online" | "offline"); returns a function that removes it."""
        return self._emitter.add(event, listener)

    def remove_listener(self, event: EventName, listener: Listener) -> None:
        """Stop calling `listener` for `event`."""
        self._emitter.remove(event, listener)

    # ------------------------------------------------------------------ entitlement checks

    def _state_for(self, resource_id: str | None) -> ScopeState | None:
        scope = self._scope
        if scope is None or (resource_id is not None and resource_id != scope[1]):
            return None
        state = self._cache.get(scope)
        if state is None or state.last_update is None:
            return None
        return state

    def _checked_state(self, resource_id: str | None) -> ScopeState | None:
        state = self._state_for(resource_id)
        scope = self._scope
        if scope is not None and (resource_id is None or resource_id == scope[1]):
            if state is None:
                if not self._loading_any(scope):
                    self._renew_in_background(scope)
            elif time.monotonic() - state.last_checked > self.config.cache_ttl_s:
                self._renew_in_background(scope)
        return state

    def _loading_any(self, scope: Scope) -> bool:
        return any(key[1] == scope for key in self._loading)

    def get_boolean_entitlement(
        self, feature_id: str, *, fallback: FallbackArg = None, resource_id: str | None = None
    ) -> BooleanEntitlement:
        """Whether the customer may use a boolean feature (from cache; never raises)."""
        try:
            state = self._checked_state(resource_id)
            if state is not None:
                entry = state.entries.get(feature_id)
                if entry is None:
                    return decisions.boolean_result(None)
                if entry.feature_type == "BOOLEAN":
                    return decisions.boolean_result(entry)
            return self._fallback_answers.boolean(feature_id, fallback)
        except Exception:
            logger.exception("boolean entitlement check for %s failed", feature_id)
            return decisions.DEFAULT_BOOLEAN_FALLBACK

    def get_numeric_entitlement(
        self, feature_id: str, *, fallback: FallbackArg = None, resource_id: str | None = None
    ) -> NumericEntitlement:
        """The numeric configuration value of a feature (from cache; never raises)."""
        try:
            state = self._checked_state(resource_id)
            if state is not None:
                entry = state.entries.get(feature_id)
                if entry is None:
                    return decisions.numeric_result(None, 0.0)
                if entry.feature_type == "NUMBER":
                    return decisions.numeric_result(entry, time.time())
            return self._fallback_answers.numeric(feature_id, fallback)
        except Exception:
            logger.exception("numeric entitlement check for %s failed", feature_id)
            return decisions.DEFAULT_NUMERIC_FALLBACK

    def get_metered_entitlement(
        self,
        feature_id: str,
        options: Mapping[str, Any] | None = None,
        *,
        requested_usage: float | None = None,
        fallback: FallbackArg = None,
        resource_id: str | None = None,
    ) -> MeteredEntitlement:
        """Whether `requested_usage` more units fit the quota (from cache; never raises).

        `options` may carry `requested_usage`/`requestedUsage` and `fallback` like Stigg's SDK.
        """
        try:
            if options:
                if requested_usage is None:
                    requested_usage = options.get("requested_usage", options.get("requestedUsage"))
                if fallback is None:
                    fallback = options.get("fallback")
            usage = float(requested_usage or 0)
            state = self._checked_state(resource_id)
            if state is not None:
                entry = state.entries.get(feature_id)
                if entry is None:
                    return decisions.metered_result(None, usage, 0.0)
                if entry.meter_type in METERED_TYPES:
                    return decisions.metered_result(entry, usage, time.time())
            return self._fallback_answers.metered(feature_id, fallback)
        except Exception:
            logger.exception("metered entitlement check for %s failed", feature_id)
            return decisions.DEFAULT_METERED_FALLBACK

    async def get_entitlements(self, resource_id: str | None = None) -> list[Entitlement]:
        """Every entitlement of the current context, renewing a stale cache first.

        Falls back to one result per configured fallback when nothing can be loaded.
        """
        scope = self._scope
        if scope is None or (resource_id is not None and resource_id != scope[1]):
            return decisions.fallback_entitlements(self._fallbacks)
        state = self._cache.get(scope)
        try:
            if (
                state is None
                or not state.loaded
                or state.restored
                or (time.monotonic() - state.last_checked > self.config.cache_ttl_s)
            ):
                self._ensure_started()
                await self._load(scope, skip_edge=False)
        except StiggError as error:
            logger.warning("could not renew entitlements: %s", error)
        state = self._state_for(resource_id)
        if state is None:
            return decisions.fallback_entitlements(self._fallbacks)
        now = time.time()
        return [decisions.entitlement_result(entry, now) for entry in state.entries.values()]

    # ------------------------------------------------------------------ reads

    async def get_paywall(
        self,
        product_id: str | None = None,
        resource_id: str | None = None,
        billing_country_code: str | None = None,
        include_hidden_plans: bool = False,
        context: str | None = None,
    ) -> Paywall:
        """Plans, prices and entitlements for a pricing page (edge when no customer is set)."""
        return await self._reads.paywall(
            product_id=product_id,
            resource_id=resource_id,
            billing_country_code=billing_country_code,
            include_hidden_plans=include_hidden_plans,
            context=context,
        )

    async def get_customer_portal(
        self, resource_id: str | None = None, product_id: str | None = None
    ) -> CustomerPortal:
        """Subscriptions, usage and billing info for a customer portal."""
        return await self._reads.customer_portal(resource_id=resource_id, product_id=product_id)

    async def get_customer(self) -> Customer:
        """The current customer with its subscriptions; `NotFoundError` when it does not exist."""
        return await self._reads.customer()

    async def get_active_subscriptions_list(
        self, resource_id: str | None = None, resource_ids: Sequence[str] | None = None
    ) -> list[SlimSubscriptionV2]:
        """Slim active subscriptions of the customer, optionally of one or up to 100 resources."""
        return await self._reads.active_subscriptions_list(
            resource_id=resource_id, resource_ids=resource_ids
        )

    async def get_active_subscriptions(self, resource_id: str | None = None) -> list[Subscription]:
        """Full active subscriptions of the customer (always over GraphQL)."""
        return await self._reads.active_subscriptions(resource_id=resource_id)

    async def get_subscription(self, subscription_id: str) -> Subscription:
        """One subscription with plan, prices, addons and latest invoice."""
        return await self._reads.subscription(subscription_id)

    async def get_coupons(self) -> list[Coupon]:
        """Active coupons of the environment."""
        return await self._reads.coupons()

    async def estimate_subscription(self, **params: Any) -> SubscriptionPreview:
        """Estimate the cost of a new subscription (`plan_id`, `billing_period`, `addons`, ...)."""
        return await self._reads.estimate_subscription(params)

    async def estimate_subscription_update(self, **params: Any) -> SubscriptionPreview:
        """Estimate the cost of changing a subscription (`subscription_id`, `addons`, ...)."""
        return await self._reads.estimate_subscription_update(params)

    async def wait_for_checkout_completed(
        self,
        timeout_s: float = 15.0,
        refresh_on_complete: bool = True,
        subscription_id: str | None = None,
        checkout_completed: bool | str | None = None,
        resource_id: str | None = None,
    ) -> Subscription | None:
        """After a hosted checkout, wait until its subscription is active (protocol §4).

        The parameters come from the page URL in a browser, or are given explicitly. Returns None
        when there is nothing to wait for; raises `StiggTimeoutError` after `timeout_s`.
        """
        from stigg_client.checkout import wait_for_checkout_completed

        return await wait_for_checkout_completed(
            self,
            self._platform.page_query(),
            timeout_s=timeout_s,
            refresh_on_complete=refresh_on_complete,
            subscription_id=subscription_id,
            checkout_completed=checkout_completed,
            resource_id=resource_id,
        )

    def require_customer(self) -> str:
        """The current customer id, or `ValidationError` when none is set."""
        if self._customer_id is None:
            raise ValidationError(
                "You must set customer ID first, use set_customer_id or pass it to initialize"
            )
        return self._customer_id


def _chosen(option: bool | Part, platform_part: Callable[[], Part | None]) -> Part | None:
    """An option that is False (none), True (the platform's own) or a given implementation."""
    if option is True:
        return platform_part()
    return option or None


def _parsed(items: list[dict[str, Any]], source: str) -> list[CachedEntitlement] | None:
    """Cache entries from stored or shared wire entitlements; None (logged) when they do not
    parse, so that a corrupt snapshot or message never reaches a check or the page."""
    try:
        return [entry_from_wire(item) for item in items]
    except (AttributeError, TypeError, ValueError) as error:
        logger.warning("ignoring %s entitlements: %r", source, error)
        return None


def _log_background_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("background entitlements renewal failed: %s", task.exception())


def _observed(future: asyncio.Future[None]) -> asyncio.Future[None]:
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
