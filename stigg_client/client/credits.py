"""Credits on the client (docs/protocol.md §5.8): balances checked synchronously from a cache of
the scope's credit entitlements, kept live by `creditBalanceUpdated`; grants, usage and the
automatic recharge read over the network."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from stigg_client.client.cache import CreditScopeState, Scope
from stigg_client.client.state import ClientState
from stigg_client.core import credits, decisions
from stigg_client.core.graphql import credits as documents
from stigg_client.core.graphql.entitlements import entitlements_variables
from stigg_client.core.wire import to_wire
from stigg_client.errors import StiggError, ValidationError
from stigg_client.models.credits import (
    AutoRechargeSettings,
    CreditEntitlement,
    CreditGrant,
    CreditUsage,
    CreditUsageTimeRange,
)

logger = logging.getLogger("stigg_client")

GRANTS_PAGE_SIZE = 100


class CreditsPart(ClientState):
    """Credit balances from the cache (never raising) and the credit reads."""

    def get_credit_entitlement(
        self,
        currency_id: str,
        *,
        requested_usage: float | None = None,
        fallback: decisions.FallbackArg = None,
        resource_id: str | None = None,
    ) -> CreditEntitlement:
        """The customer's balance of `currency_id`, and whether it covers `requested_usage`
        credits (from cache; never raises). Before the credits are loaded, the fallback
        (`fallback`, else `entitlements_fallback[currency_id]`) answers and a load starts."""
        try:
            state = self._checked_credits(resource_id)
            if state is None:
                return self._fallback_answers.credit(currency_id, fallback)
            base = state.entries.get(currency_id)
            if base is None:
                return credits.not_entitled(currency_id)
            return credits.credit_result(base, float(requested_usage or 0))
        except Exception:
            logger.exception("credit entitlement check for %s failed", currency_id)
            return decisions.credit_fallback(currency_id, None)

    async def get_credit_entitlements(
        self, resource_id: str | None = None
    ) -> list[CreditEntitlement]:
        """Every credit entitlement of the current context, renewing a stale cache first
        (none when nothing can be loaded)."""
        scope = self._scope
        if scope is None or (resource_id is not None and resource_id != scope[1]):
            return []
        state = self._credit_states.get(scope)
        if state is None or time.monotonic() - state.last_checked > self.config.cache_ttl_s:
            try:  # shielded: a caller giving up must not cancel the load others share
                await asyncio.shield(self._load_credits(scope))
            except StiggError as error:
                logger.warning("could not load credit entitlements: %s", error)
        state = self._credit_states.get(scope)
        if state is None:
            return []
        return [credits.credit_result(base, 0.0) for base in state.entries.values()]

    async def get_credit_grants(
        self, currency_id: str | None = None, resource_id: str | None = None
    ) -> list[CreditGrant]:
        """The customer's grants (every page), of one currency or all."""
        query = self._credit_input(currency_id, resource_id)
        grants: list[CreditGrant] = []
        cursor: str | None = None
        while True:
            paging: dict[str, Any] = {"first": GRANTS_PAGE_SIZE}
            if cursor is not None:
                paging["after"] = cursor
            data = await self._api.graphql(
                "GetCreditGrants",
                documents.GET_CREDIT_GRANTS,
                {"input": {**query, "paging": paging}},
            )
            connection = data.get("creditGrants") or {}
            grants += [CreditGrant.model_validate(edge["node"]) for edge in connection["edges"]]
            page = connection.get("pageInfo") or {}
            cursor = page.get("endCursor")
            if not page.get("hasNextPage") or not cursor:
                return grants

    async def get_credit_usage(
        self,
        currency_id: str | None = None,
        *,
        time_range: CreditUsageTimeRange | str = CreditUsageTimeRange.LAST_MONTH,
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        resource_id: str | None = None,
    ) -> CreditUsage:
        """Credits burnt over `time_range` (or `start_date`..`end_date`), one series per
        feature."""
        query: dict[str, Any] = self._credit_input(currency_id, resource_id)
        if start_date is not None or end_date is not None:
            query.update(to_wire({"start_date": start_date, "end_date": end_date}))
        else:
            query["timeRange"] = CreditUsageTimeRange(time_range).value
        data = await self._api.graphql(
            "GetCreditUsage", documents.GET_CREDIT_USAGE, {"input": query}
        )
        return CreditUsage.model_validate(data.get("creditUsage") or {})

    async def get_auto_recharge_settings(self, currency_id: str) -> AutoRechargeSettings:
        """The automatic recharge of `currency_id` (Stigg's `getAutomaticRechargeConfiguration`)."""
        query = self._credit_input(currency_id, None)
        data = await self._api.graphql(
            "GetAutomaticRechargeConfiguration",
            documents.GET_AUTO_RECHARGE_SETTINGS,
            {"input": query},
        )
        return AutoRechargeSettings.model_validate(data.get("getAutoRechargeSettings") or {})

    def _credit_input(self, currency_id: str | None, resource_id: str | None) -> dict[str, Any]:
        if currency_id is not None and not currency_id:
            raise ValidationError("currency_id must not be empty")
        query: dict[str, Any] = {"customerId": self.require_customer()}
        if currency_id:
            query["currencyId"] = currency_id
        resource = resource_id if resource_id is not None else self._resource_id
        if resource is not None:
            query["resourceId"] = resource
        return query

    # ---- cache ----------------------------------------------------------------------------

    def _checked_credits(self, resource_id: str | None) -> CreditScopeState | None:
        """The loaded credits of the current scope, renewed in the background when missing or
        older than `cache_ttl_s` (stale-while-revalidate, like the other checks)."""
        scope = self._scope
        if scope is None or (resource_id is not None and resource_id != scope[1]):
            return None
        state = self._credit_states.get(scope)
        stale = state is None or time.monotonic() - state.last_checked > self.config.cache_ttl_s
        if stale and scope not in self._credit_loads:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return state
            self._load_credits(scope).add_done_callback(_log_failure)
        return state

    def _load_credits(self, scope: Scope) -> asyncio.Task[None]:
        """Load `scope`'s credit entitlements (joining a load already running)."""
        task = self._credit_loads.get(scope)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._fetch_credits(scope))
            self._credit_loads[scope] = task
            task.add_done_callback(lambda _: self._credit_loads.pop(scope, None))
        return task

    async def _fetch_credits(self, scope: Scope) -> None:
        generation = self._generation
        data = await self._api.graphql(
            "GetCreditEntitlements",
            documents.GET_CREDIT_ENTITLEMENTS,
            entitlements_variables(*scope),
        )
        if generation != self._generation or scope not in self._active_scopes():
            return
        members = (data.get("entitlementsState") or {}).get("entitlementsV2") or []
        loaded = [credits.credit_from_wire(raw) for raw in members if isinstance(raw, dict)]
        entries = {
            entry.currency.currency_id: entry
            for entry in loaded
            if entry is not None and entry.currency is not None
        }
        state = self._credit_states.setdefault(scope, CreditScopeState())
        changed = sorted(
            currency_id
            for currency_id in entries.keys() | state.entries.keys()
            if entries.get(currency_id) != state.entries.get(currency_id)
        )
        state.entries, state.last_checked = entries, time.monotonic()
        if changed:
            self._emitter.emit("credit_balance_updated", changed)

    async def _refresh_credits(self) -> None:
        """Reload the credits of every active scope that has loaded them before."""
        scopes = [scope for scope in self._active_scopes() if scope in self._credit_states]
        await asyncio.gather(*(asyncio.shield(self._load_credits(scope)) for scope in scopes))

    def _apply_credit_balance(self, scope: Scope, payload: Mapping[str, Any]) -> None:
        """A pushed `creditBalanceUpdated`: the new balance of one currency (ignored until the
        scope's credits are loaded, whose load brings it)."""
        state = self._credit_states.get(scope)
        currency_id = payload.get("currencyId")
        if state is None or not isinstance(currency_id, str):
            return
        entry = credits.credit_from_balance(payload, state.entries.get(currency_id))
        if entry != state.entries.get(currency_id):
            state.entries = {**state.entries, currency_id: entry}
            self._emitter.emit("credit_balance_updated", [currency_id])


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("credit entitlements load failed: %s", task.exception())
