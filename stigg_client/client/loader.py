"""Loading: the first load, loads per scope, the SDK configuration and the connection state."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from typing import Any

from stigg_client.client.cache import Scope
from stigg_client.client.state import ClientState, InitializationState, log_background_failure
from stigg_client.core import edge_paths
from stigg_client.core.entries import entry_from_wire
from stigg_client.core.graphql.entitlements import (
    GET_ENTITLEMENTS,
    GET_SDK_CONFIGURATION,
    entitlements_variables,
)
from stigg_client.errors import AuthenticationError, NetworkError, StiggError
from stigg_client.events import ConnectionState

logger = logging.getLogger("stigg_client")

_MIN_RETRY_INTERVAL_S = 5.0


class LoaderPart(ClientState):
    """Loading: the first load, loads per scope, the SDK configuration and the connection state."""

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
    def is_customer_loaded(self) -> bool:
        """True once the current customer's entitlements are in the cache."""
        state = self._state_for(None)
        return state is not None and state.loaded

    @property
    def is_resource_loaded(self) -> bool:
        """True once the current resource's entitlements are in the cache (False without one)."""
        scope = self._scope
        if scope is None or scope[1] is None:
            return False
        state = self._state_for(scope[1])
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
        if asyncio._get_running_loop() is None:  # a check from sync code: nothing can run
            return
        failed_at = self._last_failure.get(scope)
        if failed_at is not None and time.monotonic() - failed_at < min(
            self.config.cache_ttl_s, _MIN_RETRY_INTERVAL_S
        ):
            return
        task = self._load(scope, skip_edge=False)
        task.add_done_callback(log_background_failure)

    async def refresh(self) -> None:
        """Reload the current context's entitlements now over GraphQL (bypassing the edge)."""
        if self._customer_id is None:
            return
        try:
            await asyncio.gather(
                *(self._load(scope, skip_edge=True) for scope in self._active_scopes())
            )
            await self._refresh_credits()
        except StiggError as error:
            raise type(error)(
                f"Failed to refresh entitlements. Error: {error.message}",
                code=error.code,
                trace_id=error.trace_id,
                status=error.status,
            ) from error
