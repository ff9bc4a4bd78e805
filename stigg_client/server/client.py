"""`StiggServer`: the server-key SDK (protocol §2.2, §3.2, §3.3, §5.4, §5.6, §6.1; seeds/000).

Management calls go straight to Stigg's GraphQL API. Entitlement checks read a per-scope cache
(in memory by default, or a shared Redis store) that realtime updates keep fresh; while the live
connection is down, checks read from the network instead, and when the network fails they
answer the configured fallbacks.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from stigg_client.core import queries
from stigg_client.core.decisions import (
    NO_ENTITLEMENT,
    as_fallback,
    boolean_fallback,
    boolean_result,
    entitlement_result,
    fallback_entitlements,
    metered_fallback,
    metered_result,
    numeric_fallback,
    numeric_result,
)
from stigg_client.core.entries import entry_from_wire
from stigg_client.core.graphql import server as documents
from stigg_client.core.graphql.entitlements import GET_SDK_CONFIGURATION, entitlements_variables
from stigg_client.core.settings import DEFAULT_BASE_URI, parse_fallbacks
from stigg_client.core.wire import to_wire
from stigg_client.errors import (
    StiggError,
    ValidationError,
)
from stigg_client.events import Emitter
from stigg_client.models.customer import Customer
from stigg_client.models.entitlements import (
    BooleanEntitlement,
    Entitlement,
    EntitlementFallback,
    MeteredEntitlement,
    NumericEntitlement,
)
from stigg_client.models.enums import AccessDeniedReason, SourceType
from stigg_client.models.estimates import SubscriptionPreview
from stigg_client.models.paywall import Paywall
from stigg_client.models.subscriptions import Coupon, SlimSubscriptionV2, Subscription
from stigg_client.server.models import (
    ArchiveCustomerResult,
    EntitlementsUpdatedEvent,
    NextInvoicePreview,
    Product,
    PromotionalEntitlement,
    ProvisionCustomerResult,
    ProvisionSubscriptionResult,
    ReportEventAck,
    ReportUsageAck,
    RevokedPromotionalEntitlement,
    SlimCustomer,
    SlimSubscription,
    SubscriptionIdResult,
    SubscriptionMigrationTime,
    SubscriptionScheduleStatus,
    UsageMeasurementUpdated,
    UsageUpdatedEvent,
)
from stigg_client.server.realtime import Operation, RealtimeConnection, ws_url
from stigg_client.server.store import (
    CustomerEntitlements,
    EntitlementsStore,
    InMemoryEntitlementsStore,
    Scope,
    UsageRecord,
    entitlements_timestamp,
    epoch_ms,
)
from stigg_client.server.wire import (
    billing_info,
    check_dimensions,
    feature_entitlements,
    slim_subscription,
)
from stigg_client.transport.api import ApiCredentials, StiggApi
from stigg_client.transport.base import Transport
from stigg_client.transport.retry import Backoff, RetryPolicy

logger = logging.getLogger("stigg_client")

SOURCE = SourceType.NODE_SERVER_SDK.value
_PROCESS_TIMESTAMP = str(int(time.time() * 1000))

ServerEvent = Literal["entitlements_updated", "usage_updated"]
SERVER_EVENTS: frozenset[str] = frozenset({"entitlements_updated", "usage_updated"})
Listener = Callable[[Any], Any]

_E = TypeVar("_E", BooleanEntitlement, NumericEntitlement, MeteredEntitlement)
_KINDS: dict[type[Entitlement], str] = {
    BooleanEntitlement: "boolean",
    NumericEntitlement: "numeric",
    MeteredEntitlement: "metered",
}


class _Unset:
    """Marker for "argument not given" where None has a meaning of its own."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _sdk_headers() -> dict[str, str]:
    """Process identification headers the node SDK sends (protocol §1.3)."""
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


class StiggServer:
    """Async server-key SDK; create with `StiggServer.initialize(api_key=..., ...)`."""

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
        if realtime_updates and not offline:
            credentials = {"X-API-KEY": api_key, "source": SOURCE, **self._headers}
            self.realtime = RealtimeConnection(
                realtime_url or ws_url(self.base_uri),
                credentials,
                [
                    Operation("OnEntitlementsUpdatedV2", documents.ON_ENTITLEMENTS_UPDATED),
                    Operation("OnUsageUpdatedV2", documents.ON_USAGE_UPDATED),
                    Operation("OnPackagePublished", documents.ON_PACKAGE_PUBLISHED),
                ],
                on_message=self._on_realtime_message,
                on_connected=self._on_connected,
                on_disconnected=self._on_disconnected,
                backoff=reconnect_backoff,
            )

    # ------------------------------------------------------------------ lifecycle

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
        if self.offline:
            return
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

    @property
    def api(self) -> StiggApi:
        """The GraphQL client (created on first use, inside the running loop)."""
        if self._api is None:
            transport = self._transport
            if transport is None:
                from stigg_client.transport.httpx_transport import HttpxTransport

                transport = HttpxTransport()
            self._api = StiggApi(
                transport,
                ApiCredentials(self.api_key, SOURCE, extra_headers=self._headers),
                base_uri=self.base_uri,
                edge_uri=None,
                timeout_s=self._request_timeout_s,
                retry=self._retry,
            )
        return self._api

    @property
    def realtime_connected(self) -> bool:
        """True while live updates are connected (the cache is then trusted)."""
        return self.realtime is not None and self.realtime.connected

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

    # ------------------------------------------------------------------ listeners

    def add_listener(self, event: ServerEvent, listener: Listener) -> Callable[[], None]:
        """Call `listener(payload)` on `entitlements_updated` / `usage_updated`; returns remover."""
        return self._emitter.add(event, listener)

    def remove_listener(self, event: ServerEvent, listener: Listener) -> None:
        """Unregister a listener (no error when it was not registered)."""
        self._emitter.remove(event, listener)

    def _emit(self, event: ServerEvent, payload: Any) -> None:
        self._emitter.emit(event, payload)

    # ------------------------------------------------------------------ realtime handling

    async def _on_connected(self) -> None:
        if not self.store.persistent:
            await self.store.clear()

    async def _on_disconnected(self) -> None:
        if not self.store.persistent:
            await self.store.clear()

    async def _on_realtime_message(self, name: str, data: dict[str, Any]) -> None:
        if "entitlementsUpdatedV2" in data:
            await self._entitlements_updated(data["entitlementsUpdatedV2"] or {})
        elif "usageUpdatedV2" in data:
            await self._usage_updated(data["usageUpdatedV2"] or {})
        elif "packagePublished" in data:
            published = data["packagePublished"] or {}
            if published.get("migrationType") == "ALL_CUSTOMERS":
                await self.store.clear()

    async def _entitlements_updated(self, payload: dict[str, Any]) -> None:
        customer_id = str(payload.get("customerId") or "")
        resource_id = payload.get("resourceId")
        scope = (customer_id, resource_id)
        raw = feature_entitlements(payload.get("entitlements"))
        reason = payload.get("accessDeniedReason")
        if not raw and reason is None:
            await self.store.purge(scope)
        else:
            await self.store.set_customer(scope, raw, reason, entitlements_timestamp(raw))
        now_ts = time.time()
        results = [self._result_for(entry_raw, "any", 0.0, now_ts) for entry_raw in raw]
        self._emit(
            "entitlements_updated",
            EntitlementsUpdatedEvent(
                customer_id=customer_id,
                resource_id=resource_id,
                access_denied_reason=reason,
                entitlements=results,
            ),
        )

    async def _usage_updated(self, payload: dict[str, Any]) -> None:
        reference = payload.get("entitlementReference") or {}
        if reference.get("type", "FEATURE") != "FEATURE":
            return
        customer_id = str(payload.get("customerId") or "")
        resource_id = payload.get("resourceId")
        feature_id = str(reference.get("id") or "")
        usage = payload.get("usage") or {}
        record = UsageRecord(
            current_usage=float(usage.get("currentUsage") or 0),
            usage_period_start=usage.get("usagePeriodStart"),
            usage_period_end=usage.get("usagePeriodEnd"),
            usage_updated_at=usage.get("usageUpdatedAt"),
        )
        stamp = epoch_ms(usage.get("usageUpdatedAt")) or _now_ms()
        scope = (customer_id, resource_id)
        await self.store.update_usage(scope, feature_id, record, stamp)
        cached = await self.store.get(scope)
        entitlement: MeteredEntitlement | None = None
        if cached is not None and feature_id in cached.entitlements:
            result = self._result_for(cached.entitlements[feature_id], "metered", 0.0, time.time())
            if isinstance(result, MeteredEntitlement):
                entitlement = result
        self._emit(
            "usage_updated",
            UsageUpdatedEvent(
                usage=UsageMeasurementUpdated(
                    customer_id=customer_id,
                    resource_id=resource_id,
                    feature_id=feature_id,
                    current_usage=record.current_usage,
                    usage_period_start=usage.get("usagePeriodStart"),
                    usage_period_end=usage.get("usagePeriodEnd"),
                    next_reset_date=usage.get("usagePeriodEnd"),
                ),
                entitlement=entitlement,
            ),
        )

    # ------------------------------------------------------------------ entitlement state

    def _cache_trusted(self) -> bool:
        return self.store.persistent or self.realtime_connected

    async def _state(self, customer_id: str, resource_id: str | None) -> CustomerEntitlements:
        scope = (customer_id, resource_id)
        if self._cache_trusted():
            try:
                cached = await self.store.get(scope)
            except Exception as error:  # a broken store must not break checks
                logger.warning("entitlement store read failed: %r", error)
                cached = None
            if cached is not None and not _expired(cached, _now_ms()):
                return cached
        task = self._inflight.get(scope)
        if task is None:
            task = asyncio.ensure_future(self._fetch_state(scope))
            self._inflight[scope] = task
            task.add_done_callback(lambda _t: self._inflight.pop(scope, None))
        return await asyncio.shield(task)

    async def _fetch_state(self, scope: Scope) -> CustomerEntitlements:
        data = await self.api.graphql(
            "GetEntitlementsState",
            documents.GET_ENTITLEMENTS_STATE,
            entitlements_variables(*scope),
            timeout_s=self.entitlements_timeout_s,
        )
        state = data.get("entitlementsState") or {}
        return await self._store_state(
            scope, state.get("entitlementsV2"), state.get("accessDeniedReason")
        )

    async def _store_state(
        self, scope: Scope, union: Any, reason: str | None
    ) -> CustomerEntitlements:
        raw = feature_entitlements(union)
        stamp = entitlements_timestamp(raw)
        if self._cache_trusted():
            try:
                await self.store.set_customer(scope, raw, reason, stamp)
            except Exception as error:
                logger.warning("entitlement store write failed: %r", error)
        by_feature = {str(e["feature"]["refId"]): e for e in raw}
        return CustomerEntitlements(by_feature, reason, stamp)

    async def reload_entitlements(self, customer_id: str, resource_id: str | None = None) -> bool:
        """Refetch a scope over the network into the cache; True when the customer exists."""
        if self.offline:
            return True
        scope = (customer_id, resource_id)
        state = await self._fetch_state(scope)
        return state.access_denied_reason in (None, AccessDeniedReason.NO_ACTIVE_SUBSCRIPTION.value)

    def _result_for(
        self, raw: dict[str, Any] | None, kind: str, requested_usage: float, now_ts: float
    ) -> Entitlement:
        entry = entry_from_wire(raw) if raw is not None else None
        result: Entitlement
        if kind == "boolean":
            result = boolean_result(entry)
        elif kind == "numeric":
            result = numeric_result(entry, now_ts)
        elif kind == "metered":
            result = metered_result(entry, requested_usage, now_ts)
        else:
            result = (
                entitlement_result(entry, now_ts) if entry is not None else boolean_result(None)
            )
        reason = raw.get("accessDeniedReason") if raw is not None else None
        if reason and result.has_access:
            result = _denied(result, str(reason))
        return result

    async def _check(
        self,
        model: type[_E],
        customer_id: str,
        feature_id: str,
        resource_id: str | None,
        requested_usage: float,
        fallback: EntitlementFallback | Mapping[str, Any] | None,
    ) -> _E:
        """The `model` decision of one feature (the public getters differ only in `model`)."""
        result = await self._decide(
            _KINDS[model], customer_id, feature_id, resource_id, requested_usage, fallback
        )
        assert isinstance(result, model)
        return result

    async def _decide(
        self,
        kind: str,
        customer_id: str,
        feature_id: str,
        resource_id: str | None,
        requested_usage: float,
        fallback: EntitlementFallback | Mapping[str, Any] | None,
    ) -> Entitlement:
        chosen = as_fallback(fallback) or self.fallbacks.get(feature_id)
        if self.offline:
            return _fallback(kind, chosen)
        try:
            state = await self._state(customer_id, resource_id)
        except StiggError as error:
            logger.warning("entitlement check for %s fell back: %s", feature_id, error)
            return _fallback(kind, chosen)
        raw = state.entitlements.get(feature_id)
        if raw is None:
            reason = state.access_denied_reason or NO_ENTITLEMENT
            return _denied(self._result_for(None, kind, requested_usage, time.time()), reason)
        return self._result_for(raw, kind, requested_usage, time.time())

    async def get_boolean_entitlement(
        self,
        customer_id: str,
        feature_id: str,
        *,
        resource_id: str | None = None,
        fallback: EntitlementFallback | Mapping[str, Any] | None = None,
    ) -> BooleanEntitlement:
        """Whether the customer has access to a boolean feature."""
        return await self._check(
            BooleanEntitlement, customer_id, feature_id, resource_id, 0.0, fallback
        )

    async def get_numeric_entitlement(
        self,
        customer_id: str,
        feature_id: str,
        *,
        resource_id: str | None = None,
        fallback: EntitlementFallback | Mapping[str, Any] | None = None,
    ) -> NumericEntitlement:
        """The numeric configuration value of a feature for the customer."""
        return await self._check(
            NumericEntitlement, customer_id, feature_id, resource_id, 0.0, fallback
        )

    async def get_metered_entitlement(
        self,
        customer_id: str,
        feature_id: str,
        *,
        resource_id: str | None = None,
        requested_usage: float = 0.0,
        fallback: EntitlementFallback | Mapping[str, Any] | None = None,
    ) -> MeteredEntitlement:
        """Whether `requested_usage` more units fit in the customer's quota of a metered feature."""
        return await self._check(
            MeteredEntitlement, customer_id, feature_id, resource_id, requested_usage, fallback
        )

    async def get_entitlements(
        self, customer_id: str, resource_id: str | None = None
    ) -> list[Entitlement]:
        """Every entitlement of the customer (in the resource's scope when given)."""
        if self.offline:
            return fallback_entitlements(self.fallbacks)
        try:
            state = await self._state(customer_id, resource_id)
        except StiggError as error:
            logger.warning("get_entitlements fell back: %s", error)
            return fallback_entitlements(self.fallbacks)
        now_ts = time.time()
        return [self._result_for(raw, "any", 0.0, now_ts) for raw in state.entitlements.values()]

    # ------------------------------------------------------------------ customers

    async def provision_customer(
        self,
        customer_id: str,
        *,
        name: str | None = None,
        email: str | None = None,
        coupon_id: str | None = None,
        subscription_params: Mapping[str, Any] | None = UNSET,
        billing_info: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        billing_id: str | None = None,
        exclude_from_experiment: bool | None = None,
        salesforce_id: str | None = None,
    ) -> ProvisionCustomerResult:
        """Create (or re-provision) a customer, optionally with its first subscription.

        `subscription_params=None` skips the initial subscription; leaving it out lets the
        product's customer journey decide.
        """
        payload: dict[str, Any] = to_wire(
            {
                "ref_id": customer_id,
                "name": name,
                "email": email,
                "coupon_ref_id": coupon_id,
                "billing_id": billing_id,
                "additional_meta_data": metadata,
                "exclude_from_experiment": exclude_from_experiment,
                "salesforce_id": salesforce_id,
            }
        )
        info = billing_info_of(billing_info)
        if info is not None:
            payload["billingInformation"] = info
        if subscription_params is None:
            payload["subscriptionParams"] = None
        elif subscription_params is not UNSET:
            payload["subscriptionParams"] = _subscription_params(subscription_params)
        data = await self.api.graphql(
            "ProvisionCustomer", documents.PROVISION_CUSTOMER, {"input": payload}
        )
        raw = data.get("provisionCustomer") or {}
        if raw.get("entitlementsV2") is not None:
            params = subscription_params if isinstance(subscription_params, Mapping) else {}
            resource_id = params.get("resource_id")
            await self._store_state((customer_id, resource_id), raw["entitlementsV2"], None)
        return ProvisionCustomerResult.model_validate(
            {
                "customer": raw.get("customer"),
                "subscriptionDecisionStrategy": raw.get("subscriptionDecisionStrategy"),
                "subscription": slim_subscription(raw.get("subscription")),
            }
        )

    async def update_customer(
        self,
        customer_id: str,
        *,
        name: str | None = None,
        email: str | None = None,
        coupon_id: str | None = None,
        billing_info: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        billing_id: str | None = None,
    ) -> SlimCustomer:
        """Update the given fields of a customer (billing info must be passed whole)."""
        payload: dict[str, Any] = to_wire(
            {
                "ref_id": customer_id,
                "name": name,
                "email": email,
                "coupon_ref_id": coupon_id,
                "billing_id": billing_id,
                "additional_meta_data": metadata,
            }
        )
        info = billing_info_of(billing_info)
        if info is not None:
            payload["billingInformation"] = info
        data = await self.api.graphql(
            "UpdateCustomer", documents.UPDATE_CUSTOMER, {"input": payload}
        )
        return SlimCustomer.model_validate(data.get("updateCustomer") or {})

    async def get_customer(self, customer_id: str) -> Customer:
        """A customer with its subscriptions; `NotFoundError` when it does not exist."""
        return await queries.fetch_customer(self.api, customer_id)

    async def archive_customer(self, customer_id: str) -> ArchiveCustomerResult:
        """Archive a customer (its PII is cleared and it can no longer be read)."""
        data = await self.api.graphql(
            "ArchiveCustomer",
            documents.ARCHIVE_CUSTOMER,
            {"input": {"customerId": customer_id}},
        )
        raw = data.get("archiveCustomer")
        if raw is None:
            raise queries.customer_not_found()
        await self.store.purge((customer_id, None))
        return ArchiveCustomerResult(customer_id=str(raw.get("customerId") or customer_id))

    # ------------------------------------------------------------------ subscriptions

    async def provision_subscription(
        self,
        customer_id: str,
        plan_id: str,
        *,
        billing_period: str | None = None,
        resource_id: str | None = None,
        billable_features: Sequence[Mapping[str, Any]] | None = None,
        addons: Sequence[Mapping[str, Any]] | None = None,
        promotion_code: str | None = None,
        billing_country_code: str | None = None,
        billing_information: Mapping[str, Any] | None = None,
        checkout_options: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        skip_trial: bool | None = None,
        start_date: datetime | None = None,
        unit_quantity: float | None = None,
        paying_customer_id: str | None = None,
        subscription_id: str | None = None,
        await_payment_confirmation: bool | None = None,
        schedule_strategy: str | None = None,
    ) -> ProvisionSubscriptionResult:
        """Create a subscription; `status` is `PAYMENT_REQUIRED` with a `checkout_url` when the
        customer must pay first, else `SUCCESS` with the subscription."""
        payload = to_wire(
            {
                "customer_id": customer_id,
                "plan_id": plan_id,
                "billing_period": billing_period,
                "resource_id": resource_id,
                "billable_features": billable_features,
                "addons": addons,
                "promotion_code": promotion_code,
                "billing_country_code": billing_country_code,
                "billing_information": billing_information,
                "checkout_options": checkout_options,
                "additional_meta_data": metadata,
                "skip_trial": skip_trial,
                "start_date": start_date,
                "unit_quantity": unit_quantity,
                "paying_customer_id": paying_customer_id,
                "ref_id": subscription_id,
                "await_payment_confirmation": await_payment_confirmation,
                "schedule_strategy": schedule_strategy,
            }
        )
        data = await self.api.graphql(
            "ProvisionSubscription", documents.PROVISION_SUBSCRIPTION, {"input": payload}
        )
        raw = data.get("provisionSubscription") or {}
        if raw.get("entitlementsV2") is not None:
            await self._store_state((customer_id, resource_id), raw["entitlementsV2"], None)
        return ProvisionSubscriptionResult.model_validate(
            {
                "status": raw.get("status"),
                "checkoutUrl": raw.get("checkoutUrl"),
                "subscription": slim_subscription(raw.get("subscription")),
            }
        )

    async def _refresh_after(self, subscription: SlimSubscription) -> None:
        if subscription.customer_id is None or self.offline:
            return
        resource = subscription.resource.id if subscription.resource is not None else None
        try:
            await self._fetch_state((subscription.customer_id, resource))
        except StiggError as error:
            logger.warning("refetching entitlements after a subscription change failed: %s", error)

    async def update_subscription(
        self,
        subscription_id: str,
        *,
        billable_features: Sequence[Mapping[str, Any]] | None = None,
        addons: Sequence[Mapping[str, Any]] | None = None,
        promotion_code: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        billing_information: Mapping[str, Any] | None = None,
        billing_period: str | None = None,
        unit_quantity: float | None = None,
        schedule_strategy: str | None = None,
        trial_end_date: datetime | None = None,
        await_payment_confirmation: bool | None = None,
    ) -> SlimSubscription:
        """Change a subscription in place (keeps its start date and billing cycle)."""
        payload = to_wire(
            {
                "ref_id": subscription_id,
                "billable_features": billable_features,
                "addons": addons,
                "promotion_code": promotion_code,
                "additional_meta_data": metadata,
                "billing_information": billing_information,
                "billing_period": billing_period,
                "unit_quantity": unit_quantity,
                "schedule_strategy": schedule_strategy,
                "trial_end_date": trial_end_date,
                "await_payment_confirmation": await_payment_confirmation,
            }
        )
        data = await self.api.graphql(
            "UpdateSubscription", documents.UPDATE_SUBSCRIPTION, {"input": payload}
        )
        result = SlimSubscription.model_validate(slim_subscription(data.get("updateSubscription")))
        await self._refresh_after(result)
        return result

    async def cancel_subscription(
        self,
        subscription_id: str,
        *,
        subscription_cancellation_time: str | None = None,
        subscription_cancellation_action: str | None = None,
        end_date: datetime | None = None,
        prorate: bool | None = None,
    ) -> SlimSubscription:
        """Cancel a subscription according to the product's behaviour (or the given time)."""
        payload = to_wire(
            {
                "subscription_ref_id": subscription_id,
                "subscription_cancellation_time": subscription_cancellation_time,
                "subscription_cancellation_action": subscription_cancellation_action,
                "end_date": end_date,
                "prorate": prorate,
            }
        )
        data = await self.api.graphql(
            "CancelSubscription", documents.CANCEL_SUBSCRIPTION, {"input": payload}
        )
        result = SlimSubscription.model_validate(slim_subscription(data.get("cancelSubscription")))
        await self._refresh_after(result)
        return result

    async def cancel_subscription_scheduled_updates(
        self,
        subscription_id: str,
        status: SubscriptionScheduleStatus | str = SubscriptionScheduleStatus.SCHEDULED,
    ) -> SubscriptionIdResult:
        """Cancel the subscription's scheduled (or pending-payment) updates."""
        data = await self.api.graphql(
            "CancelSubscriptionUpdates",
            documents.CANCEL_SUBSCRIPTION_UPDATES,
            {"input": to_wire({"subscription_id": subscription_id, "status": status})},
        )
        return SubscriptionIdResult(subscription_id=str(data.get("cancelSchedule")))

    async def preview_next_invoice(self, subscription_id: str) -> NextInvoicePreview:
        """The invoice the subscription produces at its next renewal (lines, discount, tax),
        scheduled updates due by then (e.g. a downgrade) included."""
        if not subscription_id:
            raise ValidationError("subscription_id is required")
        data = await self.api.graphql(
            "PreviewNextInvoice",
            documents.PREVIEW_NEXT_INVOICE,
            {"input": {"subscriptionId": subscription_id}},
        )
        return NextInvoicePreview.model_validate(data.get("previewNextInvoice"))

    async def migrate_subscription_to_latest(
        self,
        subscription_id: str,
        subscription_migration_time: SubscriptionMigrationTime | str | None = None,
    ) -> SubscriptionIdResult:
        """Move a grandfathered subscription to the latest plan and add-on versions."""
        data = await self.api.graphql(
            "MigrateSubscriptionToLatest",
            documents.MIGRATE_SUBSCRIPTION_TO_LATEST,
            {
                "input": to_wire(
                    {
                        "subscription_id": subscription_id,
                        "subscription_migration_time": subscription_migration_time,
                    }
                )
            },
        )
        raw = data.get("migrateSubscriptionToLatest") or {}
        return SubscriptionIdResult(subscription_id=str(raw.get("subscriptionId")))

    async def get_active_subscriptions_list(
        self, customer_id: str, resource_id: str | Sequence[str] | None = None
    ) -> list[SlimSubscriptionV2]:
        """Slim active subscriptions; `resource_id` may be one id or a list of up to 100."""
        query: dict[str, Any] = {"customerId": customer_id}
        if isinstance(resource_id, str):
            query["resourceId"] = resource_id
        elif resource_id is not None:
            query["resourceIds"] = queries.checked_resource_ids(resource_id)
        return await queries.fetch_active_subscriptions_list(self.api, query)

    async def get_subscription(self, subscription_id: str) -> Subscription:
        """One subscription with its plan, prices and add-ons."""
        return await queries.fetch_subscription(self.api, subscription_id)

    # ------------------------------------------------------------------ catalog reads

    async def get_paywall(
        self,
        *,
        product_id: str | None = None,
        customer_id: str | None = None,
        resource_id: str | None = None,
        billing_country_code: str | None = None,
        include_hidden_plans: bool = False,
    ) -> Paywall:
        """Plans, prices and entitlements for a pricing page (or one customer's paywall)."""
        return await queries.fetch_paywall(
            self.api,
            product_id=product_id,
            customer_id=customer_id,
            resource_id=resource_id,
            billing_country_code=billing_country_code,
            include_hidden_plans=include_hidden_plans,
        )

    async def get_coupons(self) -> list[Coupon]:
        """Active coupons."""
        return await queries.fetch_coupons(self.api)

    async def get_products(self) -> list[Product]:
        """Every product with its downgrade plan."""
        data = await self.api.graphql("GetProducts", documents.GET_PRODUCTS)
        edges = (data.get("products") or {}).get("edges") or []
        return [Product.model_validate(edge["node"]) for edge in edges]

    async def estimate_subscription(
        self,
        customer_id: str,
        plan_id: str,
        *,
        billing_period: str | None = None,
        billable_features: Sequence[Mapping[str, Any]] | None = None,
        addons: Sequence[Mapping[str, Any]] | None = None,
        billing_information: Mapping[str, Any] | None = None,
        promotion_code: str | None = None,
        start_date: datetime | None = None,
        billing_country_code: str | None = None,
        resource_id: str | None = None,
        unit_quantity: float | None = None,
        skip_trial: bool | None = None,
    ) -> SubscriptionPreview:
        """What a new subscription would cost (totals, discount, tax, proration)."""
        payload = to_wire(
            {
                "customer_id": customer_id,
                "plan_id": plan_id,
                "billing_period": billing_period,
                "billable_features": billable_features,
                "addons": addons,
                "billing_information": billing_information,
                "promotion_code": promotion_code,
                "start_date": start_date,
                "billing_country_code": billing_country_code,
                "resource_id": resource_id,
                "unit_quantity": unit_quantity,
                "skip_trial": skip_trial,
            }
        )
        return await queries.fetch_estimate(self.api, payload)

    async def estimate_subscription_update(
        self,
        subscription_id: str,
        *,
        billable_features: Sequence[Mapping[str, Any]] | None = None,
        addons: Sequence[Mapping[str, Any]] | None = None,
        promotion_code: str | None = None,
        unit_quantity: float | None = None,
    ) -> SubscriptionPreview:
        """What changing a subscription would cost, with the proration breakdown."""
        payload = to_wire(
            {
                "subscription_id": subscription_id,
                "billable_features": billable_features,
                "addons": addons,
                "promotion_code": promotion_code,
                "unit_quantity": unit_quantity,
            }
        )
        return await queries.fetch_estimate_update(self.api, payload)

    # ------------------------------------------------------------------ usage and events

    def _usage_input(self, usage: Mapping[str, Any]) -> dict[str, Any]:
        values = dict(usage)
        for required in ("customer_id", "feature_id", "value"):
            if values.get(required) is None:
                raise ValidationError(f"report_usage needs {required}")
        check_dimensions(values.get("dimensions"))
        if not values.get("idempotency_key"):
            # Requests are retried after timeouts and dropped connections, when the server may
            # already have applied the report: a key per call makes those retries count once.
            values["idempotency_key"] = str(uuid.uuid4())
        wire: dict[str, Any] = to_wire(values)
        return wire

    async def _apply_ack(self, ack: ReportUsageAck, fallback_ms: int) -> None:
        if ack.customer_id is None or ack.feature_id is None or ack.current_usage is None:
            return
        record = UsageRecord(
            current_usage=ack.current_usage,
            usage_period_start=ack.model_dump(mode="json").get("usage_period_start"),
            usage_period_end=ack.model_dump(mode="json").get("usage_period_end"),
        )
        try:
            await self.store.update_usage(
                (ack.customer_id, ack.resource_id), ack.feature_id, record, fallback_ms
            )
        except Exception as error:
            logger.warning("entitlement store usage write failed: %r", error)

    @staticmethod
    def _ack(raw: Mapping[str, Any]) -> ReportUsageAck:
        return ReportUsageAck.model_validate(
            {
                "measurementId": raw.get("id"),
                "customerId": raw.get("customerId"),
                "resourceId": raw.get("resourceId"),
                "featureId": raw.get("featureId"),
                "currentUsage": raw.get("currentUsage"),
                "usagePeriodStart": raw.get("usagePeriodStart"),
                "usagePeriodEnd": raw.get("usagePeriodEnd"),
                "nextResetDate": raw.get("nextResetDate") or raw.get("usagePeriodEnd"),
            }
        )

    async def report_usage(
        self,
        customer_id: str,
        feature_id: str,
        value: float,
        *,
        resource_id: str | None = None,
        update_behavior: str | None = None,
        created_at: datetime | None = None,
        dimensions: Mapping[str, str | int | float | bool] | None = None,
        idempotency_key: str | None = None,
    ) -> ReportUsageAck:
        """Report a usage change (`DELTA`, default) or the new usage (`UsageUpdateBehavior.SET`)."""
        usage = {
            "customer_id": customer_id,
            "feature_id": feature_id,
            "value": value,
            "resource_id": resource_id,
            "update_behavior": update_behavior,
            "created_at": created_at,
            "dimensions": dimensions,
            "idempotency_key": idempotency_key,
        }
        wire = self._usage_input(usage)
        if self.offline:
            return ReportUsageAck(
                measurement_id=str(uuid.uuid4()),
                customer_id=customer_id,
                resource_id=resource_id,
                feature_id=feature_id,
            )
        data = await self.api.graphql("ReportUsage", documents.REPORT_USAGE, {"input": wire})
        raw = data.get("reportUsage") or {}
        ack = self._ack(raw)
        await self._apply_ack(ack, epoch_ms(raw.get("timestamp")) or _now_ms())
        return ack

    async def report_usage_bulk(self, usages: Sequence[Mapping[str, Any]]) -> list[ReportUsageAck]:
        """Report several usage measurements in one request (snake_case keys per item)."""
        wires = [self._usage_input(usage) for usage in usages]
        if self.offline:
            return [
                ReportUsageAck(
                    measurement_id=str(uuid.uuid4()),
                    customer_id=wire["customerId"],
                    resource_id=wire.get("resourceId"),
                    feature_id=wire["featureId"],
                )
                for wire in wires
            ]
        data = await self.api.graphql(
            "ReportUsageBulk", documents.REPORT_USAGE_BULK, {"input": {"usages": wires}}
        )
        acks: list[ReportUsageAck] = []
        for raw in data.get("reportUsageBulk") or []:
            ack = self._ack(raw)
            await self._apply_ack(ack, epoch_ms(raw.get("timestamp")) or _now_ms())
            acks.append(ack)
        return acks

    async def report_event(
        self, events: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> ReportEventAck:
        """Report one raw event or a batch (snake_case keys: customer_id, event_name,
        idempotency_key, dimensions, resource_id, timestamp)."""
        batch = [events] if isinstance(events, Mapping) else list(events)
        wires: list[dict[str, Any]] = []
        for event in batch:
            for required in ("customer_id", "event_name", "idempotency_key"):
                if not event.get(required):
                    raise ValidationError(f"report_event needs {required}")
            check_dimensions(event.get("dimensions"))
            wires.append(to_wire(event))
        if self.offline:
            return ReportEventAck(accepted=0, offline=True)
        await self.api.graphql(
            "ReportEvent", documents.REPORT_EVENT, {"input": {"usageEvents": wires}}
        )
        return ReportEventAck(accepted=len(wires))

    # ------------------------------------------------------------------ promotions

    async def grant_promotional_entitlements(
        self, customer_id: str, promotional_entitlements: Sequence[Mapping[str, Any]]
    ) -> list[PromotionalEntitlement]:
        """Grant features beyond the customer's plan (`feature_id`, `period`, limits...)."""
        data = await self.api.graphql(
            "GrantPromotionalEntitlements",
            documents.GRANT_PROMOTIONAL_ENTITLEMENTS,
            {
                "input": to_wire(
                    {
                        "customer_id": customer_id,
                        "promotional_entitlements": list(promotional_entitlements),
                    }
                )
            },
        )
        granted = [_promotional(raw) for raw in data.get("grantPromotionalEntitlements") or []]
        await self._refresh_customer(customer_id)
        return granted

    async def revoke_promotional_entitlements(
        self, customer_id: str, feature_id: str
    ) -> RevokedPromotionalEntitlement:
        """Revoke a promotional entitlement of one feature."""
        data = await self.api.graphql(
            "RevokePromotionalEntitlement",
            documents.REVOKE_PROMOTIONAL_ENTITLEMENT,
            {"input": {"customerId": customer_id, "featureId": feature_id}},
        )
        raw = data.get("revokePromotionalEntitlement") or {}
        await self._refresh_customer(customer_id)
        return RevokedPromotionalEntitlement(id=str(raw.get("id")))

    async def _refresh_customer(self, customer_id: str) -> None:
        try:
            await self._fetch_state((customer_id, None))
        except StiggError as error:
            logger.warning("refetching entitlements of %s failed: %s", customer_id, error)


def billing_info_of(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Customer billing info on the wire (see `wire.billing_info`)."""
    return billing_info(value)


def _subscription_params(params: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(params)
    if "metadata" in values:
        values["additional_meta_data"] = values.pop("metadata")
    if "unit_quantity" in values:
        values["price_unit_amount"] = values.pop("unit_quantity")
    if "plan_id" not in values:
        raise ValidationError("subscription_params needs plan_id")
    wire: dict[str, Any] = to_wire(values)
    return wire


def _promotional(raw: Mapping[str, Any]) -> PromotionalEntitlement:
    feature = raw.get("feature") or None
    values = dict(raw)
    values["feature"] = (
        {
            "id": feature.get("refId"),
            "featureType": feature.get("featureType"),
            "meterType": feature.get("meterType"),
            "displayName": feature.get("displayName"),
        }
        if feature
        else None
    )
    return PromotionalEntitlement.model_validate(values)


def _expired(state: CustomerEntitlements, now_ms: int) -> bool:
    """True when an entitlement's `validUntil` has passed (the scope must be refetched)."""
    for raw in state.entitlements.values():
        until = epoch_ms(raw.get("validUntil"))
        if until is not None and until <= now_ms:
            return True
    return False


def _fallback(kind: str, fallback: EntitlementFallback | None) -> Entitlement:
    if kind == "numeric":
        return numeric_fallback(fallback)
    if kind == "metered":
        return metered_fallback(fallback)
    return boolean_fallback(fallback)
