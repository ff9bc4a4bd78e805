"""The client-key SDK: customer context, cached entitlement checks, refresh, reads, checkout."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, Unpack

from stigg_client.client import tabs
from stigg_client.client.checkout_calls import CheckoutCalls
from stigg_client.client.checks import ChecksPart
from stigg_client.client.config import ClientConfig, ClientSettings, validate
from stigg_client.client.credits import CreditsPart
from stigg_client.client.live import LiveUpdatesPart
from stigg_client.client.loader import LoaderPart
from stigg_client.client.refresh import RefreshLoopPart
from stigg_client.client.sharing import SharingPart
from stigg_client.client.snapshots import SnapshotStore
from stigg_client.client.state import InitializationState, completed, observed
from stigg_client.core import usage_history
from stigg_client.core.checkout import AppliedSubscription, SubscriptionChange
from stigg_client.core.usage_history import FetchUsageHistoryOptions, UsageHistoryOptions
from stigg_client.errors import ValidationError
from stigg_client.events import EventName, Listener
from stigg_client.models.checkout import (
    ApplySubscriptionResult,
    CheckoutState,
    PaymentMethodResult,
    SubscriptionPreviewV2,
)
from stigg_client.models.customer import Customer
from stigg_client.models.paywall import Paywall
from stigg_client.models.subscriptions import Coupon, SlimSubscriptionV2, Subscription
from stigg_client.models.usage import UsageHistoryPoint, UsageHistoryV2
from stigg_client.platform import Platform, TransportName, current_platform
from stigg_client.transport import Transport
from stigg_client.visibility import VisibilitySource

if TYPE_CHECKING:
    from stigg_client.models.estimates import SubscriptionPreview
    from stigg_client.models.portal import CustomerPortal

logger = logging.getLogger("stigg_client")

Part = TypeVar("Part")
OfflineFactory = Callable[
    [ClientConfig, Platform, VisibilitySource | None, str | None, str | None], "Stigg"
]


class Stigg(LoaderPart, ChecksPart, CreditsPart, LiveUpdatesPart, RefreshLoopPart, SharingPart):
    """Client-key Stigg SDK. Create it with `Stigg.initialize(...)`.

    Entitlement checks are synchronous and served from an in-memory cache: they never raise and
    never wait for the network (before the first load they return the fallback). Everything else
    is async.
    """

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
        `background_refresh`, `live_updates`, `reconnect`, `snapshot_max_age_s`, `lazy_load`,
        `client_name`, `client_version`), with the
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
        `lazy_load` leaves the customer (and resource) given here unloaded, as Stigg's JS SDK
        does: the client starts without a customer and loads one at `set_customer_id`.
        `client_name` / `client_version` name the application in the headers of GraphQL
        requests (docs/protocol.md §1.3).
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
            customer_id=None if config.lazy_load else customer_id,
            customer_token=customer_token,
            resource_id=None if config.lazy_load else resource_id,
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
            return observed(self._ready)
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
            return observed(self._ready)
        self._resource_id = resource_id
        return self._restart_context(keep_customer=True)

    def clear_resource(self) -> None:
        """Leave the resource context; checks use the customer's global entitlements again."""
        if self._resource_id is None:
            return
        self._resource_id = None
        self._update_scope()
        self._retain_scopes()

    def _restart_context(self, *, keep_customer: bool = False) -> Awaitable[None]:
        self._context_version += 1
        if not keep_customer:
            self._generation += 1
        self._update_scope()
        self._retain_scopes()
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
            return observed(self._ready)
        if self._ready.done():
            self._ready = loop.create_future()
        self._context_task = loop.create_task(self._initialize(self._context_version))
        self._sync_live_updates()
        return observed(self._ready)

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

    def add_listener(self, event: EventName, listener: Listener) -> Callable[[], None]:
        """Call `listener` on `initialized()`, `initialize_failed(error)`,
        `entitlements_updated(changed_feature_ids)`,
        `credit_balance_updated(changed_currency_ids)` or `connection_state_changed(state)`
        (state: "connecting" | "online" | "offline"); returns a function that removes it."""
        return self._emitter.add(event, listener)

    def remove_listener(self, event: EventName, listener: Listener) -> None:
        """Stop calling `listener` for `event`."""
        self._emitter.remove(event, listener)

    async def get_paywall(
        self,
        product_id: str | None = None,
        resource_id: str | None = None,
        billing_country_code: str | None = None,
        include_hidden_plans: bool = False,
        context: str | None = None,
        fetch_all_countries_prices: bool = False,
    ) -> Paywall:
        """Plans, prices and entitlements for a pricing page (edge when no customer is set).

        `fetch_all_countries_prices` lists each plan's prices in every billing country (each
        price names its `billing_country_code`) instead of those of one country.
        """
        return await self._reads.paywall(
            product_id=product_id,
            resource_id=resource_id,
            billing_country_code=billing_country_code,
            include_hidden_plans=include_hidden_plans,
            context=context,
            fetch_all_countries_prices=fetch_all_countries_prices,
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

    async def fetch_usage_history(
        self,
        feature_id: str,
        start_date: datetime,
        *,
        customer_id: str | None = None,
        **options: Unpack[FetchUsageHistoryOptions],
    ) -> list[UsageHistoryPoint]:
        """The feature's usage from `start_date` to `end_date` (default now) as points, for
        `customer_id` (default: the current customer). Stigg deprecated this shape."""
        customer = customer_id or self.require_customer()
        return await usage_history.fetch_usage_history(
            self._api, customer, feature_id, start_date, **options
        )

    async def get_usage_history(
        self,
        feature_id: str,
        start_date: datetime,
        *,
        customer_id: str | None = None,
        **options: Unpack[UsageHistoryOptions],
    ) -> UsageHistoryV2:
        """The feature's usage over time (Stigg's V2: markers and a series per group of the
        `group_by` dimensions), for `customer_id` (default: the current customer)."""
        customer = customer_id or self.require_customer()
        return await usage_history.get_usage_history(
            self._api, customer, feature_id, start_date, **options
        )

    async def get_checkout_state(
        self,
        plan_id: str,
        resource_id: str | None = None,
        billing_country_code: str | None = None,
    ) -> CheckoutState:
        """What an embedded checkout of `plan_id` starts from: plan, customer, subscription."""
        calls = CheckoutCalls(self._api, self)
        return await calls.checkout_state(plan_id, resource_id, billing_country_code)

    async def preview_subscription(
        self, **params: Unpack[SubscriptionChange]
    ) -> SubscriptionPreviewV2:
        """Price a new or changed subscription: what is charged now and on the next invoice."""
        return await CheckoutCalls(self._api, self).preview(params)

    async def apply_subscription(
        self, **params: Unpack[AppliedSubscription]
    ) -> ApplySubscriptionResult:
        """Create or change the customer's subscription, paid with `payment_method_id`."""
        return await CheckoutCalls(self._api, self).apply(params)

    async def card_form_available(self) -> bool:
        """Whether the backend takes card details in the page (the emulator's payment-method
        API, docs/protocol.md §4.1); False against Stigg's cloud, which hands off instead."""
        return await CheckoutCalls(self._api, self).card_form_available()

    async def create_payment_method(
        self,
        card_number: str,
        expiry: str,
        *,
        cvc: str | None = None,
        cardholder_name: str | None = None,
        tax_id_type: str | None = None,
        tax_id: str | None = None,
    ) -> PaymentMethodResult:
        """Store a test card as the customer's payment method (emulator only); pass its
        `payment_method_id` to `apply_subscription`. Declined: `ApiError` code `CardDeclined`."""
        card = {
            "card_number": card_number,
            "expiry": expiry,
            "cvc": cvc,
            "cardholder_name": cardholder_name,
            "tax_id_type": tax_id_type,
            "tax_id": tax_id,
        }
        return await CheckoutCalls(self._api, self).create_payment_method(card)

    async def confirm_payment_method(self, payment_method_id: str) -> PaymentMethodResult:
        """Complete the authentication a stored card asked for (`requires_action`)."""
        return await CheckoutCalls(self._api, self).confirm_payment_method(payment_method_id)

    async def wait_for_checkout_completed(
        self,
        timeout_s: float = 15.0,
        refresh_on_complete: bool = True,
        subscription_id: str | None = None,
        checkout_completed: bool | str | None = None,
        resource_id: str | None = None,
    ) -> Subscription | None:
        """After a hosted checkout, wait until its subscription is active (docs/protocol.md §4).

        The parameters come from the page URL in a browser, or are given explicitly. Returns None
        when there is nothing to wait for; raises `StiggTimeoutError` after `timeout_s`.
        """
        from stigg_client.client.checkout import wait_for_checkout_completed

        return await wait_for_checkout_completed(
            self,
            self._platform.page_query(),
            timeout_s=timeout_s,
            refresh_on_complete=refresh_on_complete,
            subscription_id=subscription_id,
            checkout_completed=checkout_completed,
            resource_id=resource_id,
        )


def _chosen(option: bool | Part, platform_part: Callable[[], Part | None]) -> Part | None:
    """An option that is False (none), True (the platform's own) or a given implementation."""
    if option is True:
        return platform_part()
    return option or None
