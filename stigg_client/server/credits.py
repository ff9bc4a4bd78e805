"""Credits for the server SDK (docs/protocol.md §5.7): the credit entitlement check, grants,
consumption, balances, the ledger, usage, cost estimates and auto-recharge settings.

Credit entitlements are kept per (customer, resource, currency) while live updates are
connected; a consumption's answer updates the kept entitlement at once (optimistically) and a
pushed `creditBalanceUpdated` drops it, and the scope's stored feature entitlements, so the next
check reads the new balance.
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
    AutoRechargeSettings,
    CreditBalance,
    CreditBalanceUpdatedEvent,
    CreditConsumption,
    CreditCostEstimation,
    CreditCurrency,
    CreditEntitlement,
    CreditGrant,
    CreditGrantsPage,
    CreditLedgerPage,
    CreditUsage,
)
from stigg_client.models.enums import AccessDeniedReason
from stigg_client.server.state import ServerState
from stigg_client.server.wire import check_dimensions

logger = logging.getLogger("stigg_client")

CreditKey = tuple[str, str | None, str]


def _page_of(connection: Json) -> tuple[list[Json], int, bool, str | None]:
    info = connection.get("pageInfo") or {}
    nodes = [edge["node"] for edge in connection.get("edges") or []]
    return (
        nodes,
        int(connection.get("totalCount") or 0),
        bool(info.get("hasNextPage")),
        info.get("endCursor"),
    )


def _paging(first: int | None, after: str | None) -> Json | None:
    paging = to_wire({"first": first, "after": after})
    return paging or None


def _required(**values: Any) -> None:
    for name, value in values.items():
        if value is None or value == "":
            raise ValidationError(f"{name} is required")


class CreditsPart(ServerState):
    """Credits: the entitlement check, grants, consumption and the credit reads."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._credit_cache: dict[CreditKey, CreditEntitlement] = {}

    async def get_credit_entitlement(
        self, customer_id: str, currency_id: str, resource_id: str | None = None
    ) -> CreditEntitlement:
        """The customer's credits of one currency. Kept while live updates are connected; on a
        network failure the last known entitlement, else a denied one (`Unknown`)."""
        _required(customer_id=customer_id, currency_id=currency_id)
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
        """Grant credits (`PROMOTIONAL` by default, or `PAID` with a cost)."""
        _required(customer_id=customer_id, currency_id=currency_id, display_name=display_name)
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
        data = await self.api.graphql(
            "GrantCredits", documents.GRANT_CREDITS, {"input": to_wire(values)}
        )
        await self._forget_credits(customer_id, resource_id, currency_id)
        return CreditGrant.model_validate(data["createCreditGrant"])

    async def void_credit_grant(self, grant_id: str) -> CreditGrant:
        """Void a grant: what is left of it leaves the balance."""
        _required(grant_id=grant_id)
        data = await self.api.graphql(
            "VoidCreditGrant", documents.VOID_CREDIT_GRANT, {"input": {"id": grant_id}}
        )
        grant = CreditGrant.model_validate(data["voidCreditGrant"])
        await self._forget_credits(grant.customer_id, grant.resource_id, grant.currency_id)
        return grant

    async def get_credit_grants(
        self,
        customer_id: str,
        *,
        currency_id: str | None = None,
        resource_id: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> CreditGrantsPage:
        """One page of the customer's grants, newest first (`after`: the previous `end_cursor`)."""
        _required(customer_id=customer_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "resource_id": resource_id,
        }
        variables = {"input": {**to_wire(values), "paging": _paging(first, after)}}
        data = await self.api.graphql("GetCreditGrants", documents.GET_CREDIT_GRANTS, variables)
        nodes, total, more, cursor = _page_of(data["creditGrants"])
        return CreditGrantsPage(
            grants=[CreditGrant.model_validate(node) for node in nodes],
            total_count=total,
            has_next_page=more,
            end_cursor=cursor,
        )

    async def get_credit_ledger(
        self,
        customer_id: str,
        *,
        currency_id: str | None = None,
        resource_id: str | None = None,
        event_types: Sequence[str] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> CreditLedgerPage:
        """One page of the credit ledger, newest first."""
        _required(customer_id=customer_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "resource_id": resource_id,
            "event_type": list(event_types) if event_types else None,
        }
        variables = {"input": {**to_wire(values), "paging": _paging(first, after)}}
        data = await self.api.graphql("GetCreditLedger", documents.GET_CREDIT_LEDGER, variables)
        nodes, total, more, cursor = _page_of(data["creditsLedger"])
        return CreditLedgerPage.model_validate(
            {"events": nodes, "totalCount": total, "hasNextPage": more, "endCursor": cursor}
        )

    async def get_credit_usage(
        self,
        customer_id: str,
        *,
        currency_id: str | None = None,
        resource_id: str | None = None,
        time_range: str | None = None,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
    ) -> CreditUsage:
        """Credits burned by feature over a time range (default the last month)."""
        _required(customer_id=customer_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "resource_id": resource_id,
            "time_range": time_range,
            "start_date": start_date,
            "end_date": end_date,
        }
        data = await self.api.graphql(
            "GetCreditUsage", documents.GET_CREDIT_USAGE, {"input": to_wire(values)}
        )
        return CreditUsage.model_validate(data["creditUsage"])

    async def get_credit_balance(
        self, customer_id: str, *, currency_id: str | None = None, resource_id: str | None = None
    ) -> list[CreditBalance]:
        """The balance of each currency (Stigg deprecates it for `get_credit_entitlement`)."""
        _required(customer_id=customer_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "resource_id": resource_id,
        }
        data = await self.api.graphql(
            "GetCreditBalance", documents.GET_CREDIT_BALANCE, {"input": to_wire(values)}
        )
        balances = (data.get("creditBalanceSummary") or {}).get("balances") or []
        return [CreditBalance.model_validate(item) for item in balances]

    def _consumption(self, values: Mapping[str, Any]) -> Json:
        _required(
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
        data = await self.api.graphql("ConsumeCredits", documents.CONSUME_CREDITS, {"input": wire})
        consumption = CreditConsumption.model_validate(data["consumeCredits"])
        await self._purge_scope(consumption.customer_id, consumption.resource_id)
        self._apply_consumption(consumption)
        return consumption

    def _apply_consumption(self, consumption: CreditConsumption) -> None:
        key = (consumption.customer_id, consumption.resource_id, consumption.currency_id)
        cached = self._credit_cache.get(key)
        credit = consumption.credit
        if cached is None or credit is None:
            return
        current = cached.current_usage or 0.0
        if credit.current_usage < current:
            return  # an older answer than what is kept
        balance = credit.usage_limit - credit.current_usage
        denied = balance <= 0 and not cached.has_soft_limit
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

    async def estimate_event_cost(
        self,
        customer_id: str,
        event_name: str,
        *,
        dimensions: Mapping[str, str | int | float | bool] | None = None,
        resource_id: str | None = None,
    ) -> CreditCostEstimation:
        """What one event would cost in credits (per currency), and the balance it would leave."""
        _required(customer_id=customer_id, event_name=event_name)
        check_dimensions(dimensions)
        values = {
            "customer_id": customer_id,
            "event_name": event_name,
            "dimensions": dimensions,
            "resource_id": resource_id,
        }
        data = await self.api.graphql(
            "EstimateEventCost", documents.ESTIMATE_EVENT_COST, {"input": to_wire(values)}
        )
        return CreditCostEstimation.model_validate(data["estimateEventCost"])

    async def estimate_usage_cost(
        self,
        customer_id: str,
        feature_id: str,
        value: float,
        *,
        resource_id: str | None = None,
        dimensions: Mapping[str, str | int | float | bool] | None = None,
    ) -> CreditCostEstimation:
        """What `value` units of a feature would cost in credits."""
        _required(customer_id=customer_id, feature_id=feature_id, value=value)
        values = {
            "customer_id": customer_id,
            "feature_id": feature_id,
            "value": value,
            "resource_id": resource_id,
            "dimensions": dimensions,
        }
        data = await self.api.graphql(
            "EstimateUsageCost", documents.ESTIMATE_USAGE_COST, {"input": to_wire(values)}
        )
        return CreditCostEstimation.model_validate(data["estimateUsageCost"])

    async def get_auto_recharge_settings(
        self, customer_id: str, currency_id: str
    ) -> AutoRechargeSettings:
        """Auto-recharge settings of a currency (Stigg's `getAutomaticRechargeConfiguration`)."""
        _required(customer_id=customer_id, currency_id=currency_id)
        data = await self.api.graphql(
            "GetAutomaticRechargeConfiguration",
            documents.GET_AUTO_RECHARGE_SETTINGS,
            {"input": {"customerId": customer_id, "currencyId": currency_id}},
        )
        return AutoRechargeSettings.model_validate(data["getAutoRechargeSettings"])

    async def save_auto_recharge_settings(
        self,
        customer_id: str,
        currency_id: str,
        *,
        is_enabled: bool,
        threshold_type: str | None = None,
        threshold_value: float | None = None,
        target_balance: float | None = None,
        max_spend_limit: float | None = None,
        grant_expiration_period: str | None = None,
    ) -> AutoRechargeSettings:
        """Save auto-recharge settings (Stigg's `saveAutomaticRechargeConfiguration`)."""
        _required(customer_id=customer_id, currency_id=currency_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "is_enabled": is_enabled,
            "threshold_type": threshold_type,
            "threshold_value": threshold_value,
            "target_balance": target_balance,
            "max_spend_limit": max_spend_limit,
            "grant_expiration_period": grant_expiration_period,
        }
        data = await self.api.graphql(
            "SaveAutomaticRechargeConfiguration",
            documents.SAVE_AUTO_RECHARGE_SETTINGS,
            {"input": to_wire(values)},
        )
        await self._forget_credits(customer_id, None, currency_id)
        return AutoRechargeSettings.model_validate(data["saveAutoRechargeSettings"])

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


def denied_credits(currency_id: str, reason: str) -> CreditEntitlement:
    """A denied entitlement of a currency nothing is known about."""
    return CreditEntitlement(
        currency=CreditCurrency(currency_id=currency_id, display_name=currency_id),
        is_granted=False,
        access_denied_reason=reason,
    )
