"""`CheckoutController`: `<stigg-checkout plan-id>` — the steps, a live price breakdown from
`preview_subscription`, promotion codes, and `apply_subscription` at the end."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from stigg_client.errors import StiggError
from widgets.browser.controller import Controller, WidgetHost
from widgets.browser.ffi import nullable
from widgets.render.checkout import (
    BILLING_FIELDS,
    STEPS,
    CheckoutOptions,
    checkout_period,
    render_checkout,
)

if TYPE_CHECKING:
    from stigg_client.models.checkout import CheckoutState, SubscriptionPreviewV2

PROMOTION_ERROR_CODES = {
    "PromotionCodeNotFound": "invalid",
    "PromotionCodeNotActive": "expired",
    "PromotionCodeNotForCustomer": "ineligible",
    "PromotionCodeCustomerNotFirstPurchase": "ineligible",
    "PromotionCodeMinimumAmountNotReached": "ineligible",
    "PromotionCodeMaxRedemptionsReached": "ineligible",
}
"""Stigg's promotion-code error codes → the message the promotion field shows."""


def promotion_error_of(error: StiggError) -> str | None:
    """`invalid`, `expired` or `ineligible` for a promotion-code error, None for anything else."""
    return PROMOTION_ERROR_CODES.get(error.code or "")


def retryable(error: StiggError) -> bool:
    """Whether trying the same step again may work (network faults and server errors)."""
    return error.code is None or error.code in {"NetworkError", "RequestTimeout"}


class CheckoutController(Controller):
    """`<stigg-checkout plan-id [resource-id] [billing-period] [seats] [addon]>`.

    Fires `stigg-checkout-step {step}`, `stigg-checkout-completed {subscriptionId, planId}` and
    `stigg-checkout-error {message, retryable}`.
    """

    state: CheckoutState | None = None
    preview: SubscriptionPreviewV2 | None = None

    def __init__(self, app: WidgetHost, element: Any) -> None:
        super().__init__(app, element)
        self.step = STEPS[0]
        self.period: str | None = None
        self.quantity: float | None = None
        self.addons: dict[str, int] = {}
        self.billing: dict[str, str] = {}
        self.promotion_code = ""
        self.applied_code: str | None = None
        self.promotion_error: str | None = None
        self.error: str | None = None
        self.pending: asyncio.Task[None] | None = None

    @property
    def plan_id(self) -> str:
        return self.attr("plan-id") or ""

    async def load(self) -> None:
        self.state = await self.app.client.get_checkout_state(
            self.plan_id,
            resource_id=self.attr("resource-id"),
            billing_country_code=self.attr("billing-country-code"),
        )
        self.period = self.period or self.attr("billing-period")
        seats = self.attr("seats")
        if self.quantity is None and seats and seats.isdigit():
            self.quantity = float(seats)
        addon = self.attr("addon")
        if addon and addon not in self.addons:
            self.addons[addon] = 1
        self.preview = await self.app.client.preview_subscription(**self.change())

    def change(self, promotion_code: str | None = None) -> dict[str, Any]:
        """The subscription the visitor has put together, as preview/apply arguments."""
        assert self.state is not None
        plan = self.state.plan
        params: dict[str, Any] = {
            "plan_id": plan.id,
            "billing_period": checkout_period(plan, CheckoutOptions(billing_period=self.period)),
            "addons": [{"addon_id": a, "quantity": q} for a, q in self.addons.items() if q > 0],
        }
        unit = next((p for p in plan.price_points if p.feature), None)
        if unit is not None and unit.feature is not None:
            quantity = self.quantity or unit.min_unit_quantity or 1
            params["billable_features"] = [
                {"feature_id": unit.feature.feature_id, "quantity": quantity}
            ]
        code = promotion_code if promotion_code is not None else self.applied_code
        if code:
            params["promotion_code"] = code
        if self.attr("resource-id"):
            params["resource_id"] = self.attr("resource-id")
        return params

    def render(self) -> str:
        options = CheckoutOptions(
            **self.options(),
            step=self.step,
            billing_period=self.period,
            quantity=self.quantity,
            addons=dict(self.addons),
            billing=dict(self.billing),
            promotion_code=self.promotion_code,
            promotion_error=self.promotion_error,
            applied_promotion_code=self.applied_code,
            error=self.error,
        )
        return render_checkout(self.state, self.preview, options)

    def rerender(self) -> None:
        if self.state is not None:
            self.show("ready", self.render())

    def handle(self, action: str, target: Any, kind: str) -> None:
        if action == "period" and kind == "change":
            self.period = str(target.value)
            self.run(self.reprice())
        elif action == "quantity" and kind == "change":
            self.take_quantity(str(target.name), str(target.value))
            self.run(self.reprice())
        elif action == "apply-promotion" and kind == "click":
            field = nullable(self.root.querySelector('input[name="promotion_code"]'))
            self.promotion_code = str(field.value).strip() if field is not None else ""
            self.run(self.reprice(self.promotion_code))
        elif action == "back" and kind == "click":
            self.go_to(STEPS[max(STEPS.index(self.step) - 1, 0)])
        elif action == "continue" and kind == "click":
            self.take_billing()
            if self.step == "payment":
                self.run(self.subscribe())
            else:
                self.go_to(STEPS[STEPS.index(self.step) + 1])

    def run(self, work: Coroutine[Any, Any, None]) -> None:
        """Start `work` (a new preview, the purchase) after any earlier one still running."""
        if self.pending is not None and not self.pending.done():
            self.pending.cancel()
        self.pending = asyncio.ensure_future(work)

    def take_quantity(self, name: str, value: str) -> None:
        try:
            amount = int(float(value))
        except ValueError:
            return
        if name == "seats":
            self.quantity = float(amount)
        elif name.startswith("addon:"):
            self.addons[name.removeprefix("addon:")] = max(amount, 0)

    def take_billing(self) -> None:
        names = [name for name, _, _ in BILLING_FIELDS] + ["tax_id_type", "tax_id"]
        for name in names:
            node = nullable(self.root.querySelector(f'[name="{name}"]'))
            if node is not None:
                self.billing[name] = str(node.value)

    def go_to(self, step: str) -> None:
        self.step = step
        self.error = None
        self.rerender()
        self.emit("stigg-checkout-step", {"step": step, "planId": self.plan_id})

    async def reprice(self, promotion_code: str | None = None) -> None:
        """A new preview for the changed choice; a bad promotion code keeps the old prices."""
        try:
            self.preview = await self.app.client.preview_subscription(**self.change(promotion_code))
        except StiggError as error:
            kind = promotion_error_of(error)
            if kind is not None:
                self.promotion_error = kind
            else:
                self.fail(error)
            self.rerender()
            return
        if promotion_code is not None:
            self.applied_code = promotion_code or None
            self.promotion_error = None
        self.rerender()

    def billing_information(self) -> dict[str, Any]:
        billing = self.billing
        address = {
            key: billing[key]
            for key in ("line1", "city", "postal_code", "country")
            if billing.get(key)
        }
        info: dict[str, Any] = {}
        if address:
            info["billing_address"] = address
        if billing.get("tax_id") and billing.get("tax_id_type"):
            info["tax_ids"] = [{"type": billing["tax_id_type"], "value": billing["tax_id"]}]
        return info

    async def subscribe(self) -> None:
        params = self.change()
        info = self.billing_information()
        if info:
            params["billing_information"] = info
        try:
            result = await self.app.client.apply_subscription(**params)
        except StiggError as error:
            self.fail(error)
            self.rerender()
            return
        subscription_id = result.subscription.id if result.subscription else None
        self.go_to("done")
        self.emit(
            "stigg-checkout-completed", {"subscriptionId": subscription_id, "planId": self.plan_id}
        )

    def fail(self, error: StiggError) -> None:
        self.error = error.message
        self.emit("stigg-checkout-error", {"message": error.message, "retryable": retryable(error)})
