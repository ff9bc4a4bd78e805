"""Offline mode of the server SDK (docs/protocol.md §5.6) as its own class.

`OfflineStiggServer` never reaches the network: checks answer the configured fallbacks, usage
reports, events and credit consumptions are acknowledged locally, and there is no live
connection. `StiggServer` itself carries no offline branches.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from stigg_client.core.decisions import as_fallback, fallback_entitlements
from stigg_client.models.credits import CreditConsumption, CreditEntitlement
from stigg_client.models.entitlements import Entitlement, EntitlementFallback
from stigg_client.models.enums import AccessDeniedReason
from stigg_client.server.client import StiggServer
from stigg_client.server.credits import denied_credits
from stigg_client.server.entitlements import _fallback
from stigg_client.server.models import ReportEventAck, ReportUsageAck, SlimSubscription


class OfflineStiggServer(StiggServer, offline=True):
    """`StiggServer(offline=True)`: no network at all."""

    async def _initialize(self) -> None:
        return None

    async def reload_entitlements(self, customer_id: str, resource_id: str | None = None) -> bool:
        """Nothing to reload offline."""
        return True

    async def _decide(
        self,
        kind: str,
        customer_id: str,
        feature_id: str,
        resource_id: str | None,
        requested_usage: float,
        fallback: EntitlementFallback | Mapping[str, Any] | None,
        requested_values: tuple[str, ...] | None = None,
        missing_kind: str | None = None,
    ) -> Entitlement:
        chosen = as_fallback(fallback) or self.fallbacks.get(feature_id)
        return _fallback(missing_kind or kind, chosen)

    async def get_entitlements(
        self, customer_id: str, resource_id: str | None = None
    ) -> list[Entitlement]:
        """One fallback result per configured fallback."""
        return fallback_entitlements(self.fallbacks)

    async def _refresh_after(self, subscription: SlimSubscription) -> None:
        return None

    async def _submit_usage(
        self, wires: list[dict[str, Any]], *, single: bool = False
    ) -> list[ReportUsageAck]:
        return [
            ReportUsageAck(
                measurement_id=str(uuid.uuid4()),
                customer_id=wire["customerId"],
                resource_id=wire.get("resourceId"),
                feature_id=wire["featureId"],
            )
            for wire in wires
        ]

    async def _submit_events(self, wires: list[dict[str, Any]]) -> ReportEventAck:
        return ReportEventAck(accepted=0, offline=True)

    async def get_credit_entitlement(
        self, customer_id: str, currency_id: str, resource_id: str | None = None
    ) -> CreditEntitlement:
        """Nothing is known offline: a denied entitlement (`Unknown`)."""
        return denied_credits(currency_id, AccessDeniedReason.UNKNOWN.value)

    async def _submit_consumption(self, wire: dict[str, Any]) -> CreditConsumption:
        """Echoed locally, without a balance (as Stigg's SDK does offline)."""
        return CreditConsumption.model_validate(
            {"timestamp": wire.get("createdAt") or datetime.now(UTC), **wire}
        )

    async def _submit_consumptions(self, wires: list[dict[str, Any]]) -> int:
        """Nothing is sent offline."""
        return 0
