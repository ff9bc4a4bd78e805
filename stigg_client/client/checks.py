"""Entitlement checks: synchronous answers from the cache (or fallbacks), never raising."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from stigg_client.client.cache import Scope, ScopeState
from stigg_client.client.state import ClientState
from stigg_client.core import decisions
from stigg_client.core.check_reports import check_report_variables
from stigg_client.core.entries import METERED_TYPES
from stigg_client.core.graphql.entitlements import REPORT_ENTITLEMENT_CHECK
from stigg_client.errors import StiggError
from stigg_client.models.credits import AnyEntitlement
from stigg_client.models.entitlements import (
    BooleanEntitlement,
    Entitlement,
    EnumEntitlement,
    MeteredEntitlement,
    NumericEntitlement,
)

logger = logging.getLogger("stigg_client")

FallbackArg = decisions.FallbackArg
CheckResult = TypeVar(
    "CheckResult",
    BooleanEntitlement,
    NumericEntitlement,
    MeteredEntitlement,
    EnumEntitlement,
    Entitlement,
)


class ChecksPart(ClientState):
    """Entitlement checks: synchronous answers from the cache (or fallbacks), never raising."""

    def _state_for(self, resource_id: str | None) -> ScopeState | None:
        scope = self._scope
        if scope is None or (resource_id is not None and resource_id != scope[1]):
            return None
        state = self._cache.get(scope)
        if state is None or state.last_update is None:
            return None
        return state

    def _checked_state(self, resource_id: str | None) -> ScopeState | None:
        state = self._state_for(resource_id)
        scope = self._scope
        if scope is not None and (resource_id is None or resource_id == scope[1]):
            if state is None:
                if not self._loading_any(scope):
                    self._renew_in_background(scope)
            elif time.monotonic() - state.last_checked > self.config.cache_ttl_s:
                self._renew_in_background(scope)
        return state

    def _loading_any(self, scope: Scope) -> bool:
        return bool(self._loading) and any(key[1] == scope for key in self._loading)

    def get_boolean_entitlement(
        self,
        feature_id: str,
        *,
        fallback: FallbackArg = None,
        resource_id: str | None = None,
        should_track: bool = False,
    ) -> BooleanEntitlement:
        """Whether the customer may use a boolean feature (from cache; never raises).

        `should_track` reports the check to Stigg in the background (every check takes it).
        """
        if should_track:
            result = self.get_boolean_entitlement(
                feature_id, fallback=fallback, resource_id=resource_id
            )
            return self._track(feature_id, result)
        try:
            state = self._checked_state(resource_id)
            if state is not None:
                entry = state.entries.get(feature_id)
                if entry is None:
                    return decisions.boolean_result(None)
                if entry.feature_type == "BOOLEAN":
                    return decisions.boolean_result(entry)
            return self._fallback_answers.boolean(feature_id, fallback)
        except Exception:
            logger.exception("boolean entitlement check for %s failed", feature_id)
            return decisions.DEFAULT_BOOLEAN_FALLBACK

    def get_numeric_entitlement(
        self,
        feature_id: str,
        *,
        fallback: FallbackArg = None,
        resource_id: str | None = None,
        should_track: bool = False,
    ) -> NumericEntitlement:
        """The numeric configuration value of a feature (from cache; never raises)."""
        if should_track:
            result = self.get_numeric_entitlement(
                feature_id, fallback=fallback, resource_id=resource_id
            )
            return self._track(feature_id, result)
        try:
            state = self._checked_state(resource_id)
            if state is not None:
                entry = state.entries.get(feature_id)
                if entry is None:
                    return decisions.numeric_result(None, 0.0)
                if entry.feature_type == "NUMBER":
                    return decisions.numeric_result(entry, time.time())
            return self._fallback_answers.numeric(feature_id, fallback)
        except Exception:
            logger.exception("numeric entitlement check for %s failed", feature_id)
            return decisions.DEFAULT_NUMERIC_FALLBACK

    def get_metered_entitlement(
        self,
        feature_id: str,
        options: Mapping[str, Any] | None = None,
        *,
        requested_usage: float | None = None,
        fallback: FallbackArg = None,
        resource_id: str | None = None,
        should_track: bool = False,
    ) -> MeteredEntitlement:
        """Whether `requested_usage` more units fit the quota (from cache; never raises).

        `options` may carry `requested_usage`/`requestedUsage`, `fallback` and
        `should_track`/`shouldTrack` like Stigg's SDK.
        """
        if options:
            requested_usage, fallback, should_track = _with_options(
                options, "requested_usage", requested_usage, fallback, should_track
            )
        if should_track:
            result = self.get_metered_entitlement(
                feature_id,
                requested_usage=requested_usage,
                fallback=fallback,
                resource_id=resource_id,
            )
            return self._track(feature_id, result, requested_usage=result.requested_usage)
        try:
            usage = float(requested_usage or 0)
            state = self._checked_state(resource_id)
            if state is not None:
                entry = state.entries.get(feature_id)
                if entry is None:
                    return decisions.metered_result(None, usage, 0.0)
                if entry.meter_type in METERED_TYPES:
                    return decisions.metered_result(entry, usage, time.time())
            return self._fallback_answers.metered(feature_id, fallback)
        except Exception:
            logger.exception("metered entitlement check for %s failed", feature_id)
            return decisions.DEFAULT_METERED_FALLBACK

    def get_enum_entitlement(
        self,
        feature_id: str,
        options: Mapping[str, Any] | None = None,
        *,
        requested_values: Iterable[str] | None = None,
        fallback: FallbackArg = None,
        resource_id: str | None = None,
        should_track: bool = False,
    ) -> EnumEntitlement:
        """The values an ENUM feature allows; denied when a requested value is not among them
        (from cache; never raises). `options` may carry `requested_values`/`requestedValues`,
        `fallback` and `should_track`/`shouldTrack` like Stigg's SDK."""
        if options:
            requested_values, fallback, should_track = _with_options(
                options, "requested_values", requested_values, fallback, should_track
            )
        if should_track:
            result = self.get_enum_entitlement(
                feature_id,
                requested_values=requested_values,
                fallback=fallback,
                resource_id=resource_id,
            )
            return self._track(feature_id, result, requested_values=result.requested_values)
        try:
            values = decisions.as_values(requested_values)
            state = self._checked_state(resource_id)
            if state is not None:
                entry = state.entries.get(feature_id)
                if entry is None:
                    return decisions.enum_result(None, values)
                if entry.feature_type == "ENUM":
                    return decisions.enum_result(entry, values)
            return self._fallback_answers.enum(feature_id, fallback)
        except Exception:
            logger.exception("enum entitlement check for %s failed", feature_id)
            return decisions.DEFAULT_ENUM_FALLBACK

    def get_entitlement(
        self,
        feature_id: str,
        *,
        requested_usage: float | None = None,
        requested_values: Iterable[str] | None = None,
        fallback: FallbackArg = None,
        resource_id: str | None = None,
        should_track: bool = False,
    ) -> Entitlement:
        """The check that fits the feature's type (boolean, numeric, metered or enum), with the
        requested usage or values applied (from cache; never raises).

        Without a loaded entitlement the fallback answers, its kind chosen like Stigg's: metered
        when `requested_usage` is given, enum for `requested_values`, else by its fields.
        """
        if should_track:
            result = self.get_entitlement(
                feature_id,
                requested_usage=requested_usage,
                requested_values=requested_values,
                fallback=fallback,
                resource_id=resource_id,
            )
            values = decisions.as_values(requested_values)
            return self._track(feature_id, result, requested_usage, values)
        try:
            values = decisions.as_values(requested_values)
            state = self._checked_state(resource_id)
            if state is not None:
                entry = state.entries.get(feature_id)
                if entry is not None:
                    usage = float(requested_usage or 0)
                    return decisions.entitlement_result(entry, time.time(), usage, values)
            if requested_usage is not None:
                return self._fallback_answers.metered(feature_id, fallback)
            if requested_values is not None:
                return self._fallback_answers.enum(feature_id, fallback)
            return self._fallback_answers.any(feature_id, fallback)
        except Exception:
            logger.exception("entitlement check for %s failed", feature_id)
            return decisions.DEFAULT_BOOLEAN_FALLBACK

    def _track(
        self,
        feature_id: str,
        result: CheckResult,
        requested_usage: float | None = None,
        requested_values: tuple[str, ...] | None = None,
    ) -> CheckResult:
        """Report a check to Stigg in the background (nothing without a customer or event loop);
        a failed report is only logged. Returns `result`."""
        scope = self._scope
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if scope is None or loop is None:
            logger.debug("check of %s not reported: no customer or event loop", feature_id)
            return result
        variables = check_report_variables(
            scope[0], scope[1], feature_id, result, requested_usage, requested_values
        )
        task = loop.create_task(self._send_check_report(variables))
        self._check_reports.add(task)
        task.add_done_callback(self._check_reports.discard)
        return result

    async def _send_check_report(self, variables: dict[str, Any]) -> None:
        try:
            await self._api.graphql(
                "ReportEntitlementCheckRequested", REPORT_ENTITLEMENT_CHECK, variables
            )
        except StiggError as error:
            logger.debug("entitlement check report failed: %s", error)

    async def get_entitlements(self, resource_id: str | None = None) -> list[AnyEntitlement]:
        """Every entitlement of the current context, renewing a stale cache first, followed by
        its credit entitlements (`CreditEntitlement`, one per currency).

        Falls back to one result per configured fallback when nothing can be loaded.
        """
        scope = self._scope
        if scope is None or (resource_id is not None and resource_id != scope[1]):
            return list(decisions.fallback_entitlements(self._fallbacks))
        state = self._cache.get(scope)
        # The credit read (its own request when stale) runs alongside the feature renewal.
        credit_read = asyncio.ensure_future(self.get_credit_entitlements(resource_id))
        try:
            try:
                if (
                    state is None
                    or not state.loaded
                    or state.restored
                    or (time.monotonic() - state.last_checked > self.config.cache_ttl_s)
                ):
                    self._ensure_started()
                    await self._load(scope, skip_edge=False)
            except StiggError as error:
                logger.warning("could not renew entitlements: %s", error)
            state = self._state_for(resource_id)
            if state is None:
                return list(decisions.fallback_entitlements(self._fallbacks))
            now = time.time()
            features = [
                decisions.entitlement_result(entry, now) for entry in state.entries.values()
            ]
            return [*features, *await credit_read]
        finally:
            credit_read.cancel()  # no-op once done; the credit load itself is shielded


def _with_options(
    options: Mapping[str, Any],
    requested_name: str,
    requested: Any,
    fallback: FallbackArg,
    should_track: bool,
) -> tuple[Any, FallbackArg, bool]:
    """Stigg-style `options` (snake_case or camelCase keys) under the keywords given, which win:
    the requested usage or values named `requested_name`, the fallback and `should_track`."""
    if requested is None:
        camel = "requestedUsage" if requested_name == "requested_usage" else "requestedValues"
        requested = options.get(requested_name, options.get(camel))
    if fallback is None:
        fallback = options.get("fallback")
    track = should_track or bool(options.get("should_track", options.get("shouldTrack")))
    return requested, fallback, track
