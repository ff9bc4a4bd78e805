"""Promotional entitlements granted, revoked and unlinked by feature group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stigg_client.core.graphql import server_admin as documents
from stigg_client.core.wire import to_wire
from stigg_client.errors import ValidationError
from stigg_client.server.management import promotional_entitlement
from stigg_client.server.models import PromotionalEntitlement
from stigg_client.server.state import ServerState


class PromotionsPart(ServerState):
    """Feature-group promotional entitlements."""

    async def grant_promotional_entitlements_group(
        self,
        customer_id: str,
        feature_group_id: str,
        promotional_entitlements: Sequence[Mapping[str, Any]],
    ) -> list[PromotionalEntitlement]:
        """Grant promotional entitlements for features of a feature group (each a mapping of
        `feature_id`, `period` and optionally `usage_limit`, `enum_values`, ...); they are
        linked to the group and can be revoked together."""
        return await self._group_operation(
            "GrantPromotionalEntitlementsGroup",
            documents.GRANT_PROMOTIONAL_ENTITLEMENTS_GROUP,
            customer_id,
            feature_group_id,
            {"promotionalEntitlements": to_wire(list(promotional_entitlements))},
        )

    async def revoke_promotional_entitlements_group(
        self, customer_id: str, feature_group_id: str
    ) -> list[PromotionalEntitlement]:
        """Revoke every promotional entitlement the customer was granted with the group."""
        return await self._group_operation(
            "RevokePromotionalEntitlementsGroup",
            documents.REVOKE_PROMOTIONAL_ENTITLEMENTS_GROUP,
            customer_id,
            feature_group_id,
        )

    async def unlink_promotional_entitlements_group(
        self, customer_id: str, feature_group_id: str
    ) -> list[PromotionalEntitlement]:
        """Detach the group's promotional entitlements from it; they stay granted, each on
        its own."""
        return await self._group_operation(
            "UnlinkPromotionalEntitlementsGroup",
            documents.UNLINK_PROMOTIONAL_ENTITLEMENTS_GROUP,
            customer_id,
            feature_group_id,
        )

    async def _group_operation(
        self,
        operation: str,
        document: str,
        customer_id: str,
        feature_group_id: str,
        extra: Mapping[str, Any] | None = None,
    ) -> list[PromotionalEntitlement]:
        if not customer_id or not feature_group_id:
            raise ValidationError("customer_id and feature_group_id are required")
        payload = {"customerId": customer_id, "featureGroupId": feature_group_id, **(extra or {})}
        data = await self.api.graphql(operation, document, {"input": payload})
        field = operation[0].lower() + operation[1:]
        result = [promotional_entitlement(raw) for raw in data.get(field) or []]
        await self.store.purge((customer_id, None))
        return result
