"""Controllers of the credit elements: balance, utilization, usage chart and grants. Each
follows the SDK's `credit_balance_updated` (see `WidgetApp`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from widgets.browser.controller import Controller
from widgets.render import RenderOptions, render_state
from widgets.render.credits import (
    render_credit_balance,
    render_credit_grants,
    render_credit_usage_chart,
    render_credit_utilization,
)

if TYPE_CHECKING:
    from stigg_client.models.credits import CreditGrant, CreditUsage

TIME_RANGES = {
    "LAST_DAY": timedelta(days=1),
    "LAST_WEEK": timedelta(days=7),
    "LAST_MONTH": timedelta(days=30),
    "LAST_YEAR": timedelta(days=365),
}


class CreditController(Controller):
    """An element about one currency (`currency-id`), re-rendered when its balance changes."""

    live = True

    @property
    def currency_id(self) -> str:
        return self.attr("currency-id") or ""

    async def load(self) -> None:
        await self.app.client.get_credit_entitlements()


class CreditBalanceController(CreditController):
    """`<stigg-credit-balance currency-id [add-credits]>`: fires `stigg-add-credits` from its
    button."""

    def render(self) -> str:
        entitlement = self.app.client.get_credit_entitlement(self.currency_id)
        return render_credit_balance(
            self.currency_id,
            entitlement,
            RenderOptions(**self.options()),
            add_credits=self.element.hasAttribute("add-credits"),
        )

    def handle(self, action: str, target: Any, kind: str) -> None:
        if action == "add-credits" and kind == "click":
            self.emit("stigg-add-credits", {"currencyId": self.currency_id})


class CreditUtilizationController(CreditController):
    """`<stigg-credit-utilization currency-id>`: a meter of the current grant period."""

    def render(self) -> str:
        entitlement = self.app.client.get_credit_entitlement(self.currency_id)
        return render_credit_utilization(
            self.currency_id, entitlement, RenderOptions(**self.options())
        )


class CreditUsageChartController(CreditController):
    """`<stigg-credit-usage-chart currency-id [time-range]>` (default LAST_MONTH)."""

    usage: CreditUsage | None = None
    loaded_at: datetime | None = None
    span = TIME_RANGES["LAST_MONTH"]

    async def load(self) -> None:
        time_range = (self.attr("time-range") or "LAST_MONTH").upper()
        if time_range not in TIME_RANGES:
            time_range = "LAST_MONTH"
        self.span = TIME_RANGES[time_range]
        self.usage = await self.app.client.get_credit_usage(self.currency_id, time_range=time_range)
        self.loaded_at = datetime.now(UTC)

    def render(self) -> str:
        options = RenderOptions(**self.options())
        if self.usage is None or self.loaded_at is None:
            return render_state("loading", options.texts)
        return render_credit_usage_chart(
            self.currency_id,
            self.usage,
            options,
            start=self.loaded_at - self.span,
            end=self.loaded_at,
        )


class CreditGrantsController(CreditController):
    """`<stigg-credit-grants [currency-id]>`: the customer's grants as a table."""

    grants: list[CreditGrant] | None = None

    async def load(self) -> None:
        self.grants = await self.app.client.get_credit_grants(self.currency_id or None)

    def render(self) -> str:
        options = RenderOptions(**self.options())
        if self.grants is None:
            return render_state("loading", options.texts)
        return render_credit_grants(self.grants, options)
