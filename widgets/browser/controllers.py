"""Controllers of the customer portal, usage meter, gate and upgrade prompt."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from widgets.browser.controller import Controller, WidgetHost, entitlements_loaded
from widgets.gates import GateAttributeError, GateRequest, gate_grants
from widgets.render import (
    RenderOptions,
    render_gate,
    render_state,
    render_upgrade_prompt,
    render_usage_meter,
    usage_from_metered,
)

if TYPE_CHECKING:
    from stigg_client.models.credits import CreditEntitlement
    from stigg_client.models.paywall import Paywall
    from stigg_client.models.portal import CustomerPortal
    from stigg_client.models.subscriptions import Invoice
    from stigg_client.models.usage import UsageHistoryV2
    from widgets.client import StiggClient
    from widgets.render.usage import UsageInfo

logger = logging.getLogger("widgets")


async def usage_history_of(
    client: StiggClient, info: UsageInfo, resource_id: str | None
) -> UsageHistoryV2 | None:
    """`info`'s usage this period for its chart; None (no chart, the meter stays) when the read
    fails."""
    from widgets.render.usage_chart import history_start  # pages with a chart only

    start = history_start(info, datetime.now(UTC))
    try:
        return await client.get_usage_history(info.feature_id, start, resource_id=resource_id)
    except Exception as error:
        logger.warning("usage history of %s not shown: %s", info.feature_id, error)
        return None


class PortalController(Controller):
    """`<stigg-customer-portal>`."""

    live = True
    portal: CustomerPortal | None = None

    def __init__(self, app: WidgetHost, element: Any) -> None:
        super().__init__(app, element)
        self.latest_invoices: dict[str, Invoice] = {}
        self.credits: list[CreditEntitlement] = []
        self.histories: dict[str, UsageHistoryV2] = {}

    async def load(self) -> None:
        client = self.app.client
        resource_id = self.attr("resource-id")
        portal, subscriptions, credits = await asyncio.gather(
            client.get_customer_portal(resource_id=resource_id, product_id=self.attr("product-id")),
            client.get_active_subscriptions(resource_id),
            client.get_credit_entitlements(resource_id),
        )
        self.portal = portal
        self.credits = credits
        self.latest_invoices = {
            str(sub.id): sub.latest_invoice for sub in subscriptions or [] if sub.latest_invoice
        }
        self.histories = await self.load_histories(portal, resource_id)

    async def load_histories(
        self, portal: CustomerPortal, resource_id: str | None
    ) -> dict[str, UsageHistoryV2]:
        """The usage history of each metered feature the portal shows (unless hidden)."""
        from widgets.render.portal import usage_from_wire  # portal pages only

        if {"usage", "usage-history"} & self.hidden_sections():
            return {}
        infos = [info for e in portal.entitlements if (info := usage_from_wire(e)) is not None]
        client = self.app.client
        found = await asyncio.gather(*(usage_history_of(client, i, resource_id) for i in infos))
        return {i.feature_id: h for i, h in zip(infos, found, strict=True) if h is not None}

    def hidden_sections(self) -> frozenset[str]:
        return frozenset((self.attr("hidden-sections") or "").replace(",", " ").split())

    def render(self) -> str:
        from widgets.render.portal import PortalOptions, render_customer_portal  # portal pages only

        options = PortalOptions(
            **self.options(),
            hidden_sections=self.hidden_sections(),
            paywall_href=self.attr("paywall-href"),
            usage_histories=self.histories,
        )
        return render_customer_portal(self.portal, options, self.latest_invoices, self.credits)

    def handle(self, action: str, target: Any, kind: str) -> None:
        if kind != "click":
            return
        if action == "manage":
            detail = {"intention": "MANAGE_SUBSCRIPTION"}
        elif action == "cancel-scheduled":
            detail = {
                "intention": "CANCEL_SCHEDULED_UPDATES",
                "subscriptionId": str(target.dataset.subscriptionId),
                "scheduleStatus": str(target.dataset.scheduleStatus or "Scheduled"),
            }
        else:
            return
        self.emit("stigg-manage-subscription", detail)


class MeterController(Controller):
    """`<stigg-usage-meter feature-id [history]>`: from the SDK's cached metered entitlement;
    with `history`, a chart of this period's usage under the meter."""

    live = True
    history: UsageHistoryV2 | None = None

    def info(self) -> UsageInfo:
        feature_id = self.attr("feature-id") or ""
        return usage_from_metered(
            feature_id, self.app.client.get_metered_entitlement(feature_id=feature_id)
        )

    async def load(self) -> None:
        self.ahead_of_load = await entitlements_loaded(self.app.client)
        self.history = None
        if self.element.hasAttribute("history"):
            self.history = await usage_history_of(self.app.client, self.info(), None)

    def render(self) -> str:
        info, options = self.info(), RenderOptions(**self.options())
        warning = float(self.attr("warning-at") or 70) / 100
        chart = ""
        if self.history is not None and self.element.hasAttribute("history"):
            from widgets.render.usage_chart import render_usage_history  # pages with a chart

            chart = render_usage_history(info, self.history, options)
        return render_usage_meter(info, options, warning, chart)


class GateController(Controller):
    """`<stigg-gate feature-id [requested-usage] [requested-values] [min-value]>`: content or
    the `denied` slot, by the check that fits the feature's type (`widgets.gates`)."""

    live = True
    notice_while_offline = False

    async def load(self) -> None:
        self.ahead_of_load = await entitlements_loaded(self.app.client)

    def render(self) -> str:
        try:
            request = GateRequest.from_attributes(
                self.attr("feature-id"),
                self.attr("requested-usage"),
                self.attr("requested-values"),
                self.attr("min-value"),
            )
            has_access = gate_grants(self.app.client, request)
        except GateAttributeError as error:
            logger.warning("<stigg-gate> denies: %s", error)
            has_access = False
        self.element.dataset.access = "granted" if has_access else "denied"
        return render_gate(has_access, RenderOptions(**self.options()))


class UpgradePromptController(Controller):
    """`<stigg-upgrade-prompt feature-id [requested-usage]>`: the cheapest other plan that grants
    current usage + requested usage (default 1); re-evaluated when entitlements change."""

    live = True
    paywall: Paywall | None = None
    current_plan_ids: frozenset[str] = frozenset()

    async def load(self) -> None:
        client = self.app.client
        self.paywall = await client.get_paywall()
        plan_ids: set[str] = set()
        if client.customer_id:
            await client.wait_for_initialization()
            for sub in await client.get_active_subscriptions(None) or []:
                if sub.plan:
                    plan_ids.add(str(sub.plan.id))
        self.current_plan_ids = frozenset(plan_ids)

    def render(self) -> str:
        options = RenderOptions(**self.options())
        if self.paywall is None:  # not loaded yet
            return render_state("loading", options.texts)
        requested = self.attr("requested-usage")
        feature_id = self.attr("feature-id") or ""
        usage = 0.0
        if self.app.client.customer_id:
            result = self.app.client.get_metered_entitlement(feature_id=feature_id)
            usage = float(result.current_usage or 0)
        return render_upgrade_prompt(
            self.paywall,
            self.attr("feature-id") or "",
            float(requested) if requested else None,
            options,
            href=self.attr("paywall-href"),
            current_usage=usage,
            current_plan_ids=self.current_plan_ids,
        )

    def handle(self, action: str, target: Any, kind: str) -> None:
        if action == "upgrade" and kind == "click":
            detail = {"intention": "UPGRADE_PLAN", "planId": str(target.dataset.planId)}
            self.emit("stigg-manage-subscription", detail)
