"""Realtime handling: entitlement, usage and credit changes pushed over the live connection."""

from __future__ import annotations

import logging
import time
from typing import Any

from stigg_client.models.entitlements import MeteredEntitlement
from stigg_client.server.event_models import EntitlementsUpdatedEvent, updated_entitlement
from stigg_client.server.models import (
    PackagePublishedEvent,
    UsageMeasurementUpdated,
    UsageUpdatedEvent,
)
from stigg_client.server.state import SERVER_RECONNECT, ServerState, _now_ms
from stigg_client.server.store import UsageRecord, entitlements_timestamp, epoch_ms
from stigg_client.server.wire import feature_entitlements
from stigg_client.transport.graphql_ws import ws_url
from stigg_client.transport.retry import Backoff

logger = logging.getLogger("stigg_client")


class RealtimePart(ServerState):
    """Realtime handling: entitlement, usage and credit changes pushed over the live connection."""

    async def _on_connected(self) -> None:
        self._clear_credits()
        if not self.store.persistent:
            await self.store.clear()

    async def _on_disconnected(self) -> None:
        self._clear_credits()
        if not self.store.persistent:
            await self.store.clear()

    async def _on_realtime_message(self, name: str, data: dict[str, Any]) -> None:
        if "entitlementsUpdatedV2" in data:
            await self._entitlements_updated(data["entitlementsUpdatedV2"] or {})
        elif "usageUpdatedV2" in data:
            await self._usage_updated(data["usageUpdatedV2"] or {})
        elif "creditBalanceUpdated" in data:
            await self._credit_balance_updated(data["creditBalanceUpdated"] or {})
        elif "packagePublished" in data:
            published = data["packagePublished"] or {}
            if published.get("migrationType") == "ALL_CUSTOMERS":
                await self.store.clear()
            self._emit("package_published", PackagePublishedEvent.model_validate(published))

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
        self._emit(
            "entitlements_updated",
            EntitlementsUpdatedEvent(
                customer_id=customer_id,
                resource_id=resource_id,
                access_denied_reason=reason,
                entitlements=[updated_entitlement(item, customer_id, resource_id) for item in raw],
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


__all__ = ["SERVER_RECONNECT", "Backoff", "RealtimePart", "ws_url"]
