"""`CheckoutController`: `<stigg-checkout plan-id>` — the steps, a live price breakdown from
`preview_subscription`, promotion codes, the card form (or the hand-off to a hosted checkout,
docs/protocol.md §4.1), and `apply_subscription` at the end."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from stigg_client.errors import StiggError
from widgets.browser.controller import Controller, WidgetHost
from widgets.browser.ffi import navigate, nullable
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


# The card form's inputs and the payment-method fields they fill.
CARD_INPUTS = {"card_number": "card_number", "card_expiry": "expiry", "card_cvc": "cvc"}


def promotion_error_of(error: StiggError) -> str | None:
    """`invalid`, `expired` or `ineligible` for a promotion-code error, None for anything else."""
    return PROMOTION_ERROR_CODES.get(error.code or "")


def retryable(error: StiggError) -> bool:
    """Whether trying the same step again may work (network faults and server errors)."""
    return error.code is None or error.code in {"NetworkError", "RequestTimeout"}


class CheckoutController(Controller):
    """`<stigg-checkout plan-id [resource-id] [billing-period] [seats] [addon] [skip-trial]
    [payment] [handoff-url]>`.

    `payment`: `auto` (default: the card form when the backend has the payment-method API,
    else the hand-off), `card` or `handoff`. Fires `stigg-checkout-step {step}` (also
    `authenticate` for a card that needs confirming), `stigg-checkout-completed
    {subscriptionId, planId}` and `stigg-checkout-error {message, retryable}`.
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
        self.payment = {"card": "card", "handoff": "handoff"}.get(self.attr("payment") or "")
        self.probe: asyncio.Task[None] | None = None
        self.payment_method_id: str | None = None
        self.authenticating = False
        self.purchase_task: asyncio.Task[None] | None = None

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
            payment=self.payment or "checking",
            authenticating=self.authenticating,
        )
        return render_checkout(self.state, self.preview, options)

    def rerender(self) -> None:
        """Render the current step again, keeping what the visitor typed: billing fields go
        into the state, card fields are put back into the new inputs (as values only, never
        into markup, so a card never reaches a saved snapshot)."""
        if self.state is None:
            return
        self.take_billing()
        typed = {}
        for name in CARD_INPUTS:
            node = nullable(self.root.querySelector(f'[name="{name}"]'))
            if node is not None:
                typed[name] = str(node.value)
        self.show("ready", self.render())
        for name, value in typed.items():
            node = nullable(self.root.querySelector(f'[name="{name}"]'))
            if node is not None:
                node.value = value

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
                self.start_purchase(self.subscribe(self.card_fields()))
            else:
                self.go_to(STEPS[STEPS.index(self.step) + 1])
        elif action == "authenticate" and kind == "click":
            self.start_purchase(self.authenticate())
        elif action == "cancel-authentication" and kind == "click":
            self.authenticating = False
            self.rerender()

    def run(self, work: Coroutine[Any, Any, None]) -> None:
        """Start `work` (a new preview) after cancelling an earlier one still running."""
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

    def card_fields(self) -> dict[str, str]:
        """What the card form holds (read before any re-render clears it)."""
        card = {"cardholder_name": self.billing.get("name", "")}
        for name, key in CARD_INPUTS.items():
            node = nullable(self.root.querySelector(f'[name="{name}"]'))
            card[key] = str(node.value).strip() if node is not None else ""
        return card

    def go_to(self, step: str) -> None:
        self.step = step
        self.error = None
        if step == "payment" and self.payment is None and self.probe is None:
            self.probe = asyncio.ensure_future(self.find_payment_mode())
        self.rerender()
        self.emit("stigg-checkout-step", {"step": step, "planId": self.plan_id})

    async def find_payment_mode(self) -> None:
        """The card form when the backend takes cards, else the hand-off. A network fault keeps
        the card form: the purchase then reports it (and may be retried)."""
        try:
            available = await self.app.client.card_form_available()
        except StiggError:
            available = True
        self.payment = "card" if available else "handoff"
        self.rerender()

    def start_purchase(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` unless a purchase is already under way (a second click does nothing)."""
        if self.purchase_task is not None and not self.purchase_task.done():
            work.close()
            return
        self.purchase_task = asyncio.ensure_future(work)

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

    def hand_off(self) -> None:
        """Continue on the page `handoff-url` names, with the visitor's choices in its query
        (`plan period seats addon promotionCode`): there the app's backend provisions the
        subscription and sends the visitor to the hosted checkout URL."""
        url = self.attr("handoff-url")
        if not url:
            message = self.options()["texts"]("handoff_unavailable")
            self.error = message
            self.emit("stigg-checkout-error", {"message": message, "retryable": False})
            self.rerender()
            return
        params = self.change()
        query: list[tuple[str, str]] = [
            ("plan", params["plan_id"]),
            ("period", params["billing_period"]),
        ]
        for feature in params.get("billable_features", []):
            query.append(("seats", str(int(feature["quantity"]))))
        query += [("addon", str(addon["addon_id"])) for addon in params["addons"]]
        if self.applied_code:
            query.append(("promotionCode", self.applied_code))
        navigate(url + ("&" if "?" in url else "?") + urlencode(query))

    async def subscribe(self, card: dict[str, str]) -> None:
        """Store the card (when one was entered), confirm it if the bank asks, then buy."""
        if self.payment == "handoff":
            self.hand_off()
            return
        if card["card_number"]:
            self.payment_method_id = None
            try:
                method = await self.app.client.create_payment_method(
                    card["card_number"],
                    card["expiry"],
                    cvc=card["cvc"] or None,
                    cardholder_name=card["cardholder_name"] or None,
                )
            except StiggError as error:
                self.fail(error)
                self.rerender()
                return
            self.payment_method_id = method.payment_method_id
            if method.requires_action:
                self.authenticating = True
                self.error = None
                self.rerender()
                self.emit("stigg-checkout-step", {"step": "authenticate", "planId": self.plan_id})
                return
        await self.apply()

    async def authenticate(self) -> None:
        """The payer confirmed the card: tell the backend, then buy."""
        assert self.payment_method_id is not None
        try:
            await self.app.client.confirm_payment_method(self.payment_method_id)
        except StiggError as error:
            self.fail(error)
            self.rerender()
            return
        self.authenticating = False
        await self.apply()

    async def apply(self) -> None:
        params = self.change()
        info = self.billing_information()
        if info:
            params["billing_information"] = info
        if self.payment_method_id:
            params["payment_method_id"] = self.payment_method_id
        if self.element.hasAttribute("skip-trial"):
            params["skip_trial"] = True
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
