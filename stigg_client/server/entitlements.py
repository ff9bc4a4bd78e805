"""Entitlement checks of the server SDK: per-scope state from the store or the network."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from stigg_client.core.decisions import (
    FALLBACK_BUILDERS,
    NO_ENTITLEMENT,
    any_fallback,
    as_fallback,
    as_values,
    boolean_result,
    entitlement_result,
    enum_result,
    fallback_entitlements,
    fallback_kind,
    metered_result,
    numeric_result,
)
from stigg_client.core.entries import entry_from_wire
from stigg_client.core.graphql import server as documents
from stigg_client.core.graphql.entitlements import entitlements_variables
from stigg_client.errors import StiggError
from stigg_client.models.entitlements import (
    BooleanEntitlement,
    Entitlement,
    EntitlementFallback,
    EnumEntitlement,
    MeteredEntitlement,
    NumericEntitlement,
)
from stigg_client.models.enums import AccessDeniedReason
from stigg_client.server.state import _E, _KINDS, ServerState, _denied, _now_ms
from stigg_client.server.store import CustomerEntitlements, Scope, entitlements_timestamp, epoch_ms
from stigg_client.server.wire import feature_entitlements

logger = logging.getLogger("stigg_client")

FEATURE_TYPE_MISMATCH = AccessDeniedReason.FEATURE_TYPE_MISMATCH.value


class EntitlementsPart(ServerState):
    """Entitlement checks of the server SDK: per-scope state from the store or the network."""

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
        scope = (customer_id, resource_id)
        state = await self._fetch_state(scope)
        return state.access_denied_reason in (None, AccessDeniedReason.NO_ACTIVE_SUBSCRIPTION.value)

    def _result_for(
        self,
        raw: dict[str, Any] | None,
        kind: str,
        requested_usage: float,
        now_ts: float,
        requested_values: tuple[str, ...] = (),
    ) -> Entitlement:
        entry = entry_from_wire(raw) if raw is not None else None
        result: Entitlement
        if kind == "boolean":
            result = boolean_result(entry)
        elif kind == "numeric":
            result = numeric_result(entry, now_ts)
        elif kind == "metered":
            result = metered_result(entry, requested_usage, now_ts)
        elif kind == "enum":
            result = enum_result(entry, requested_values)
        elif entry is not None:
            result = entitlement_result(entry, now_ts, requested_usage, requested_values)
        else:
            result = boolean_result(None)
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
        requested_values: tuple[str, ...] = (),
    ) -> _E:
        """The `model` decision of one feature (the public getters differ only in `model`)."""
        result = await self._decide(
            _KINDS[model],
            customer_id,
            feature_id,
            resource_id,
            requested_usage,
            fallback,
            requested_values,
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
        requested_values: tuple[str, ...] = (),
        missing_kind: str | None = None,
    ) -> Entitlement:
        """Decide one feature; `missing_kind` is the result shape (and fallback kind) of a `kind`
        "any" check when the feature has no entitlement or the network fails."""
        chosen = as_fallback(fallback) or self.fallbacks.get(feature_id)
        try:
            state = await self._state(customer_id, resource_id)
        except StiggError as error:
            logger.warning("entitlement check for %s fell back: %s", feature_id, error)
            return _fallback(missing_kind or kind, chosen)
        raw = state.entitlements.get(feature_id)
        now_ts = time.time()
        if raw is None:
            reason = state.access_denied_reason or NO_ENTITLEMENT
            shape = missing_kind or kind
            empty = self._result_for(None, shape, requested_usage, now_ts, requested_values)
            return _denied(empty, reason)
        if kind == "enum" and (raw.get("feature") or {}).get("featureType") != "ENUM":
            mismatch = {"access_denied_reason": FEATURE_TYPE_MISMATCH}
            return _fallback(kind, chosen).model_copy(update=mismatch)
        return self._result_for(raw, kind, requested_usage, now_ts, requested_values)

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

    async def get_enum_entitlement(
        self,
        customer_id: str,
        feature_id: str,
        *,
        resource_id: str | None = None,
        requested_values: Iterable[str] | None = None,
        fallback: EntitlementFallback | Mapping[str, Any] | None = None,
    ) -> EnumEntitlement:
        """The values an ENUM feature allows the customer; denied (`RequestedValuesMismatch`)
        when one of `requested_values` is not among them."""
        return await self._check(
            EnumEntitlement,
            customer_id,
            feature_id,
            resource_id,
            0.0,
            fallback,
            as_values(requested_values),
        )

    async def get_entitlement(
        self,
        customer_id: str,
        feature_id: str,
        *,
        resource_id: str | None = None,
        requested_usage: float | None = None,
        requested_values: Iterable[str] | None = None,
        fallback: EntitlementFallback | Mapping[str, Any] | None = None,
    ) -> Entitlement:
        """The check that fits the feature's type (boolean, numeric, metered or enum), with
        `requested_usage` or `requested_values` applied.

        When the feature has no entitlement, or the network fails, the result has the shape
        the arguments ask for, like Stigg's: metered with `requested_usage`, enum with
        `requested_values`, else the kind the fallback's fields describe.
        """
        if requested_usage is not None:
            missing_kind = "metered"
        elif requested_values is not None:
            missing_kind = "enum"
        else:
            chosen = as_fallback(fallback) or self.fallbacks.get(feature_id)
            missing_kind = fallback_kind(chosen)
        return await self._decide(
            "any",
            customer_id,
            feature_id,
            resource_id,
            float(requested_usage or 0),
            fallback,
            as_values(requested_values),
            missing_kind,
        )

    async def get_entitlements(
        self, customer_id: str, resource_id: str | None = None
    ) -> list[Entitlement]:
        """Every entitlement of the customer (in the resource's scope when given)."""
        try:
            state = await self._state(customer_id, resource_id)
        except StiggError as error:
            logger.warning("get_entitlements fell back: %s", error)
            return fallback_entitlements(self.fallbacks)
        now_ts = time.time()
        return [self._result_for(raw, "any", 0.0, now_ts) for raw in state.entitlements.values()]


def _expired(state: CustomerEntitlements, now_ms: int) -> bool:
    """True when an entitlement's `validUntil` has passed (the scope must be refetched)."""
    for raw in state.entitlements.values():
        until = epoch_ms(raw.get("validUntil"))
        if until is not None and until <= now_ms:
            return True
    return False


def _fallback(kind: str, fallback: EntitlementFallback | None) -> Entitlement:
    build = FALLBACK_BUILDERS.get(kind, any_fallback)
    return build(fallback)
