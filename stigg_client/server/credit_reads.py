"""Credit reads for the server SDK (docs/protocol.md §5.7): grants and ledger pages, usage,
balances, cost estimates and auto-recharge settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from stigg_client.core.graphql import credits as documents
from stigg_client.core.wire import Json
from stigg_client.models.credits import (
    AutoRechargeSettings,
    CreditBalance,
    CreditCostEstimation,
    CreditGrantsPage,
    CreditLedgerPage,
    CreditUsage,
)
from stigg_client.server.credits import CreditsPart, required
from stigg_client.server.wire import check_dimensions


def _page_of(connection: Json, items: str) -> Json:
    """A cursor connection as a `CreditPage`: its nodes under `items`, and where it stands."""
    info = connection.get("pageInfo") or {}
    return {
        items: [edge["node"] for edge in connection.get("edges") or []],
        "totalCount": connection.get("totalCount") or 0,
        "hasNextPage": bool(info.get("hasNextPage")),
        "endCursor": info.get("endCursor"),
    }


class CreditReadsPart(CreditsPart):
    """Grants and ledger pages, usage, balances, estimates and auto-recharge settings."""

    async def _page(
        self,
        operation: str,
        document: str,
        field: str,
        values: Mapping[str, Any],
        paging: tuple[int | None, str | None],
        items: str,
    ) -> Json:
        first, after = paging
        paged = {**values, "paging": {"first": first, "after": after} if first or after else None}
        return _page_of(await self._call(operation, document, field, paged), items)

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
        required(customer_id=customer_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "resource_id": resource_id,
        }
        page = await self._page(
            "GetCreditGrants",
            documents.GET_CREDIT_GRANTS,
            "creditGrants",
            values,
            (first, after),
            "grants",
        )
        return CreditGrantsPage.model_validate(page)

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
        required(customer_id=customer_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "resource_id": resource_id,
            "event_type": list(event_types) if event_types else None,
        }
        page = await self._page(
            "GetCreditLedger",
            documents.GET_CREDIT_LEDGER,
            "creditsLedger",
            values,
            (first, after),
            "events",
        )
        return CreditLedgerPage.model_validate(page)

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
        required(customer_id=customer_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "resource_id": resource_id,
            "time_range": time_range,
            "start_date": start_date,
            "end_date": end_date,
        }
        raw = await self._call("GetCreditUsage", documents.GET_CREDIT_USAGE, "creditUsage", values)
        return CreditUsage.model_validate(raw)

    async def get_credit_balance(
        self, customer_id: str, *, currency_id: str | None = None, resource_id: str | None = None
    ) -> list[CreditBalance]:
        """The balance of each currency (Stigg deprecates it for `get_credit_entitlement`)."""
        required(customer_id=customer_id)
        values = {
            "customer_id": customer_id,
            "currency_id": currency_id,
            "resource_id": resource_id,
        }
        raw = await self._call(
            "GetCreditBalance", documents.GET_CREDIT_BALANCE, "creditBalanceSummary", values
        )
        return [CreditBalance.model_validate(item) for item in raw.get("balances") or []]

    async def estimate_event_cost(
        self,
        customer_id: str,
        event_name: str,
        *,
        dimensions: Mapping[str, str | int | float | bool] | None = None,
        resource_id: str | None = None,
    ) -> CreditCostEstimation:
        """What one event would cost in credits (per currency), and the balance it would leave."""
        required(customer_id=customer_id, event_name=event_name)
        check_dimensions(dimensions)
        values = {
            "customer_id": customer_id,
            "event_name": event_name,
            "dimensions": dimensions,
            "resource_id": resource_id,
        }
        raw = await self._call(
            "EstimateEventCost", documents.ESTIMATE_EVENT_COST, "estimateEventCost", values
        )
        return CreditCostEstimation.model_validate(raw)

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
        required(customer_id=customer_id, feature_id=feature_id, value=value)
        check_dimensions(dimensions)
        values = {
            "customer_id": customer_id,
            "feature_id": feature_id,
            "value": value,
            "resource_id": resource_id,
            "dimensions": dimensions,
        }
        raw = await self._call(
            "EstimateUsageCost", documents.ESTIMATE_USAGE_COST, "estimateUsageCost", values
        )
        return CreditCostEstimation.model_validate(raw)

    async def get_auto_recharge_settings(
        self, customer_id: str, currency_id: str
    ) -> AutoRechargeSettings:
        """Auto-recharge settings of a currency (Stigg's `getAutomaticRechargeConfiguration`)."""
        required(customer_id=customer_id, currency_id=currency_id)
        raw = await self._call(
            "GetAutomaticRechargeConfiguration",
            documents.GET_AUTO_RECHARGE_SETTINGS,
            "getAutoRechargeSettings",
            {"customer_id": customer_id, "currency_id": currency_id},
        )
        return AutoRechargeSettings.model_validate(raw)

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
        """Save auto-recharge settings (Stigg's `saveAutomaticRechargeConfiguration`); enabled
        below its threshold, it buys credits at once."""
        required(customer_id=customer_id, currency_id=currency_id)
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
        raw = await self._call(
            "SaveAutomaticRechargeConfiguration",
            documents.SAVE_AUTO_RECHARGE_SETTINGS,
            "saveAutoRechargeSettings",
            values,
        )
        await self._forget_credits(customer_id, None, currency_id)
        return AutoRechargeSettings.model_validate(raw)
