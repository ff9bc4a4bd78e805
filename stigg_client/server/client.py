"""`StiggServer`: the server-key SDK (docs/protocol.md §2.2, §3.2, §3.3, §5.4, §5.6, §6.1).

Management calls go straight to Stigg's GraphQL API. Entitlement checks read a per-scope cache
(in memory by default, or a shared Redis store) that realtime updates keep fresh; while the live
connection is down, checks read from the network instead, and when the network fails they
answer the configured fallbacks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, ClassVar, Unpack

from stigg_client.core import checkout
from stigg_client.core.checkout import AppliedSubscription, SubscriptionChange
from stigg_client.core.graphql.entitlements import GET_SDK_CONFIGURATION
from stigg_client.errors import StiggError
from stigg_client.models.checkout import ApplySubscriptionResult, SubscriptionPreviewV2
from stigg_client.server.catalog import CatalogPart
from stigg_client.server.credit_reads import CreditReadsPart
from stigg_client.server.entitlements import EntitlementsPart
from stigg_client.server.imports import ImportsPart
from stigg_client.server.management import ManagementPart
from stigg_client.server.promotions import PromotionsPart
from stigg_client.server.realtime import RealtimePart
from stigg_client.server.state import UNSET, Listener, ServerEvent
from stigg_client.server.subscriptions import SubscriptionsPart
from stigg_client.server.usage import UsagePart
from stigg_client.server.usage_history import UsageHistoryPart

logger = logging.getLogger("stigg_client")

__all__ = ["UNSET", "StiggServer"]


class StiggServer(
    EntitlementsPart,
    UsagePart,
    UsageHistoryPart,
    ManagementPart,
    ImportsPart,
    SubscriptionsPart,
    PromotionsPart,
    CatalogPart,
    RealtimePart,
    CreditReadsPart,
):
    """Async server-key SDK; create with `StiggServer.initialize(api_key=..., ...)`.

    With `offline=True` the instance is an `OfflineStiggServer` (stigg_client.server.offline):
    no network, fallbacks for checks, local acknowledgements for reports.
    """

    _offline_variant: ClassVar[type[StiggServer] | None] = None

    def __init_subclass__(cls, *, offline: bool = False, **kwargs: Any) -> None:
        """`class OfflineStiggServer(StiggServer, offline=True)` is what `offline=True` makes."""
        super().__init_subclass__(**kwargs)
        if offline:
            StiggServer._offline_variant = cls

    def __new__(cls, *args: Any, offline: bool = False, **kwargs: Any) -> StiggServer:
        """An `OfflineStiggServer` when `offline` is true."""
        if offline and cls is StiggServer and StiggServer._offline_variant is not None:
            return object.__new__(StiggServer._offline_variant)
        return object.__new__(cls)

    @classmethod
    def initialize(cls, *, api_key: str, **options: Any) -> StiggServer:
        """Create the SDK; initialization starts now if an event loop is running."""
        server = cls(api_key=api_key, **options)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return server
        server._start()
        return server

    def _start(self) -> asyncio.Task[None]:
        if self._init_task is None:
            self._init_task = asyncio.get_running_loop().create_task(self._initialize())
        return self._init_task

    async def wait_for_initialization(self) -> StiggServer:
        """Wait until the key is validated and live updates are connected (or given up on)."""
        await asyncio.shield(self._start())
        return self

    async def _initialize(self) -> None:
        try:
            await self._connect()
        except StiggError as error:
            self._emit("initialize_failed", error)
            raise
        self._emit("initialize_successfully")

    async def _connect(self) -> None:
        await self.api.graphql("GetSdkConfiguration", GET_SDK_CONFIGURATION)
        if self.realtime is not None:
            first = self.realtime.start()
            try:
                await asyncio.wait_for(asyncio.shield(first), self.realtime_connect_timeout_s)
            except TimeoutError:
                logger.warning(
                    "realtime updates not connected after %ss; checks read from the network "
                    "until they are",
                    self.realtime_connect_timeout_s,
                )

    async def wait_for_realtime(self, timeout_s: float = 10.0) -> bool:
        """Wait until live updates are connected; False on timeout or when they are disabled."""
        if self.realtime is None:
            return False
        self._start()
        return await self.realtime.wait_connected(timeout_s)

    async def close(self) -> None:
        """Stop live updates and release connections and the store."""
        if self.realtime is not None:
            await self.realtime.close()
        if self._init_task is not None and not self._init_task.done():
            self._init_task.cancel()
        if self._api is not None:
            await self._api.transport.aclose()
        await self.store.close()

    async def __aenter__(self) -> StiggServer:
        return await self.wait_for_initialization()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def add_listener(self, event: ServerEvent, listener: Listener) -> Callable[[], None]:
        """Register `listener` for an event; returns a function that removes it.

        `initialize_successfully` and `api_key_invalid` call it with no argument,
        `initialize_failed` with the error, `network_request_failed` with a
        `NetworkRequestFailedEvent`, `entitlements_updated` / `usage_updated` /
        `package_published` with the update.
        """
        return self._emitter.add(event, listener)

    def remove_listener(self, event: ServerEvent, listener: Listener) -> None:
        """Unregister a listener (no error when it was not registered)."""
        self._emitter.remove(event, listener)

    async def preview_subscription(
        self, **params: Unpack[SubscriptionChange]
    ) -> SubscriptionPreviewV2:
        """Price a new or changed subscription of `customer_id`: now and on the next invoice."""
        return await checkout.preview_subscription(self.api, params)

    async def apply_subscription(
        self, **params: Unpack[AppliedSubscription]
    ) -> ApplySubscriptionResult:
        """Create or change `customer_id`'s subscription, paid with `payment_method_id`."""
        result = await checkout.apply_subscription(self.api, params)
        scope = (params["customer_id"], params.get("resource_id"))
        try:
            await self._fetch_state(scope)
        except StiggError as error:
            logger.warning("refetching entitlements after apply_subscription failed: %s", error)
        return result
