"""Credits for the server SDK (docs/protocol.md §5.7): the credit entitlement check, grants and
consumption. The reads (ledger, usage, balances, estimates, auto-recharge) are in
`credit_reads`.

Credit entitlements are kept per (customer, resource, currency) while live updates are
connected. A consumption's answer updates the kept entitlement at once (optimistically); any
other change to a balance (a grant, a void, a pushed `creditBalanceUpdated`) drops it together
with the scope's stored feature entitlements, so the next check reads the new balance.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from stigg_client.core.graphql import credits as documents
from stigg_client.core.wire import Json, to_wire
from stigg_client.errors import StiggError, ValidationError
from stigg_client.models.common import Money
from stigg_client.models.credits import (
    CreditBalanceUpdatedEvent,
    CreditConsumption,
    CreditCurrency,
    CreditEntitlement,
    CreditGrant,
)
from stigg_client.models.enums import AccessDeniedReason
from stigg_client.server.state import ServerState
from stigg_client.server.wire import check_dimensions

logger = logging.getLogger("stigg_client")

CreditKey = tuple[str, str | None, str]


def required(**values: Any) -> None:
    """ValidationError naming the first argument that is None or empty."""
    for name, value in values.items():
        if value is None or value == "":
            raise ValidationError(f"{name} is required")


def denied_credits(currency_id: str, reason: str) -> CreditEntitlement:
    """A denied entitlement of a currency nothing is known about."""
    return CreditEntitlement(
        currency=CreditCurrency(currency_id=currency_id, display_name=currency_id),
        is_granted=False,
        access_denied_reason=reason,
    )


class CreditsPart(ServerState):
    """The credit entitlement check, grants and consumption."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._credit_cache: dict[CreditKey, CreditEntitlement] = {}

    async def _call(
        self, operation: str, document: str, field: str, values: Mapping[str, Any]
    ) -> Any:
        """Run one `$input` operation with `values` (snake_case) and return its root field."""
        data = await self.api.graphql(operation, document, {"input": to_wire(dict(values))})
        return data[field]

    async def get_credit_entitlement(
        self, customer_id: str, currency_id: str, resource_id: str | None = None
    ) -> CreditEntitlement:
        """The customer's credits of one currency. Kept while live updates are connected; on a
        network failure the last known entitlement, else a denied one (`Unknown`)."""
        required(customer_id=customer_id, currency_id=currency_id)
        key = (customer_id, resource_id, currency_id)
        cached = self._credit_cache.get(key)
        if cached is not None and self.realtime_connected:
            return cached
        try:
            found = await self._fetch_credit_entitlements(customer_id, resource_id)
        except StiggError as error:
            logger.warning("credit entitlement check for %s fell back: %s", currency_id, error)
            return cached or denied_credits(currency_id, AccessDeniedReason.UNKNOWN.value)
        entitlement = found.get(currency_id)
        if entitlement is None:
            return denied_credits(currency_id, AccessDeniedReason.ENTITLEMENT_NOT_FOUND.value)
        return entitlement

    async def _fetch_credit_entitlements(
        self, customer_id: str, resource_id: str | None
    ) -> dict[str, CreditEntitlement]:
        query = to_wire({"customer_id": customer_id, "resource_id": resource_id})
        data = await self.api.graphql(
            "GetCreditEntitlements", documents.GET_CREDIT_ENTITLEMENTS, {"query": query}
        )
        items = (data.get("entitlementsState") or {}).get("entitlementsV2") or []
        found = {
            entitlement.currency.currency_id: entitlement
            for entitlement in (
                CreditEntitlement.model_validate(item)
                for item in items
                if item.get("__typename") == "CreditEntitlement"
            )
        }
        if self.realtime_connected:
            for currency_id, entitlement in found.items():
                self._credit_cache[(customer_id, resource_id, currency_id)] = entitlement
        return found

    async def grant_credits(
        self,
        customer_id: str,
        currency_id: str,
        amount: float,
        display_name: str,
        *,
        grant_type: str = "PROMOTIONAL",
        resource_id: str | None = None,
        effective_at: datetime | None = None,
        expire_at: datetime | None = None,
        priority: float | None = None,
        cost: Money | Mapping[str, Any] | None = None,
        comment: str | None = None,
        additional_meta_data: Mapping[str, Any] | None = None,
        payment_collection_method: str | None = None,
    ) -> CreditGrant:
        """Grant credits (`PROMOTIONAL` by default, or `PAID` with a cost; a `PAID` grant with
        `payment_collection_method="CHARGE"` is charged to the card on file)."""
        required(customer_id=customer_id, currency_id=currency_id, display_name=display_name)
        if cost is not None and not isinstance(cost, Money):
            cost = Money.model_validate(cost)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "amount": amount,
            "display_name": display_name,
            "grant_type": grant_type,
            "resource_id": resource_id,
            "effective_at": effective_at,
            "expire_at": expire_at,
            "priority": priority,
            "cost": cost.model_dump(mode="json") if cost is not None else None,
            "comment": comment,
            "additional_meta_data": additional_meta_data,
            "payment_collection_method": payment_collection_method,
        }
        raw = await self._call("GrantCredits", documents.GRANT_CREDITS, "createCreditGrant", values)
        await self._forget_credits(customer_id, resource_id, currency_id)
        return CreditGrant.model_validate(raw)

    async def void_credit_grant(self, grant_id: str) -> CreditGrant:
        """Void a grant: what is left of it leaves the balance."""
        required(grant_id=grant_id)
        raw = await self._call(
            "VoidCreditGrant", documents.VOID_CREDIT_GRANT, "voidCreditGrant", {"id": grant_id}
        )
        grant = CreditGrant.model_validate(raw)
        await self._forget_credits(grant.customer_id, grant.resource_id, grant.currency_id)
        return grant

    @staticmethod
    def _consumption(values: Mapping[str, Any]) -> Json:
        required(
            customer_id=values.get("customer_id"),
            currency_id=values.get("currency_id"),
            amount=values.get("amount"),
            idempotency_key=values.get("idempotency_key"),
        )
        check_dimensions(values.get("dimensions"))
        wire: Json = to_wire(dict(values))
        return wire

    async def consume_credits(
        self,
        customer_id: str,
        currency_id: str,
        amount: float,
        idempotency_key: str,
        *,
        resource_id: str | None = None,
        created_at: datetime | None = None,
        dimensions: Mapping[str, str | int | float | bool] | None = None,
    ) -> CreditConsumption:
        """Consume credits; a retried idempotency key counts once. The kept entitlement takes
        the answer's balance at once."""
        wire = self._consumption(
            {
                "customer_id": customer_id,
                "currency_id": currency_id,
                "amount": amount,
                "idempotency_key": idempotency_key,
                "resource_id": resource_id,
                "created_at": created_at,
                "dimensions": dimensions,
            }
        )
        return await self._submit_consumption(wire)

    async def _submit_consumption(self, wire: Json) -> CreditConsumption:
        """Send one checked consumption and apply its answer."""
        data = await self.api.graphql("ConsumeCredits", documents.CONSUME_CREDITS, {"input": wire})
        consumption = CreditConsumption.model_validate(data["consumeCredits"])
        await self._purge_scope(consumption.customer_id, consumption.resource_id)
        self._apply_consumption(consumption)
        return consumption

    def _apply_consumption(self, consumption: CreditConsumption) -> None:
        key = (consumption.customer_id, consumption.resource_id, consumption.currency_id)
        cached = self._credit_cache.get(key)
        credit = consumption.credit
        if cached is None or credit is None or credit.current_usage < (cached.current_usage or 0):
            return  # nothing kept, or an older answer than what is kept
        denied = credit.usage_limit - credit.current_usage <= 0 and not cached.has_soft_limit
        self._credit_cache[key] = cached.model_copy(
            update={
                "usage_limit": credit.usage_limit,
                "current_usage": credit.current_usage,
                "is_granted": not denied,
                "access_denied_reason": AccessDeniedReason.INSUFFICIENT_CREDITS if denied else None,
            }
        )

    async def consume_credits_async(self, consumptions: Sequence[Mapping[str, Any]]) -> int:
        """Consume in one batch (snake_case keys per item; a key is made for items without
        one); returns how many were sent."""
        wires = [
            self._consumption({"idempotency_key": str(uuid.uuid4()), **item})
            for item in consumptions
        ]
        if not wires:
            raise ValidationError("consume_credits_async needs at least one consumption")
        return await self._submit_consumptions(wires)

    async def _submit_consumptions(self, wires: list[Json]) -> int:
        """Send a checked batch; the balances it touched are forgotten."""
        await self.api.graphql(
            "ConsumeCreditsAsync",
            documents.CONSUME_CREDITS_ASYNC,
            {"input": {"consumptions": wires}},
        )
        for wire in wires:
            await self._forget_credits(
                wire["customerId"], wire.get("resourceId"), wire["currencyId"]
            )
        return len(wires)

    async def _forget_credits(
        self, customer_id: str, resource_id: str | None, currency_id: str
    ) -> None:
        """A balance changed: drop the kept credit entitlement and the scope's stored feature
        entitlements (a feature burning the currency may have run out or come back)."""
        self._credit_cache.pop((customer_id, resource_id, currency_id), None)
        await self._purge_scope(customer_id, resource_id)

    async def _purge_scope(self, customer_id: str, resource_id: str | None) -> None:
        try:
            await self.store.purge((customer_id, resource_id))
        except Exception as error:  # a broken store must not break the call
            logger.warning("entitlement store purge failed: %r", error)

    async def _credit_balance_updated(self, payload: Json) -> None:
        """A pushed balance: forget what is kept about it, tell the listeners."""
        event = CreditBalanceUpdatedEvent.model_validate(payload)
        await self._forget_credits(event.customer_id, event.resource_id, event.currency_id)
        self._emit("credit_balance_updated", event)

    def _clear_credits(self) -> None:
        self._credit_cache.clear()
