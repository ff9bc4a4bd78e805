"""`<stigg-checkout>`: plan and period, seats and add-ons, billing details, payment, done.

The price breakdown next to the steps comes from `widgets.render.checkout_summary`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from stigg_client.models.checkout import CheckoutState, SubscriptionPreviewV2
from stigg_client.models.paywall import Plan
from widgets import pricing
from widgets.markup import attrs, text
from widgets.pricing import ANNUALLY, MONTHLY
from widgets.render.checkout_summary import final_action, render_summary
from widgets.render.common import RenderOptions, render_state

STEPS = ("plan", "addons", "billing", "payment", "done")
PROMOTION_ERRORS = ("invalid", "expired", "ineligible")
PAYMENT_MODES = ("card", "checking", "handoff")
TAX_ID_TYPES = ("eu_vat", "gb_vat", "us_ein", "ch_vat", "au_abn", "ca_bn")
"""Tax id types offered (Stripe's names, as `TaxExempt.type` takes them)."""
BILLING_FIELDS = (
    ("name", "billing_name", "name"),
    ("line1", "billing_line1", "address-line1"),
    ("city", "billing_city", "address-level2"),
    ("postal_code", "billing_postal_code", "postal-code"),
    ("country", "billing_country", "country"),
)


@dataclass(frozen=True)
class CheckoutOptions(RenderOptions):
    """What the visitor has chosen and entered so far."""

    step: str = "plan"
    billing_period: str | None = None
    quantity: float | None = None
    addons: Mapping[str, int] = field(default_factory=dict)
    billing: Mapping[str, str] = field(default_factory=dict)
    promotion_code: str = ""
    promotion_error: str | None = None
    applied_promotion_code: str | None = None
    error: str | None = None
    busy: bool = False
    payment: str = "card"
    """How the payment step pays: `card` (the in-page card form), `checking` (finding out
    whether the backend takes cards) or `handoff` (continue on the hosted checkout page)."""
    authenticating: bool = False
    """The card needs the payer's confirmation (3-D Secure) before the purchase."""


def checkout_period(plan: Plan, options: CheckoutOptions) -> str:
    """The chosen billing period if the plan offers it, else monthly, else annual."""
    offered = pricing.periods([plan])
    for candidate in (options.billing_period, MONTHLY, ANNUALLY):
        if candidate in offered:
            return candidate
    return MONTHLY


def render_checkout(
    state: CheckoutState | None,
    preview: SubscriptionPreviewV2 | None,
    options: CheckoutOptions | None = None,
) -> str:
    """The checkout's inner HTML for the current step (a loading state before the state)."""
    options = options or CheckoutOptions()
    if options.step not in STEPS:
        raise ValueError(f"unknown checkout step {options.step!r}")
    if state is None:
        return render_state("loading", options.texts)
    texts = options.texts
    body = _step_body(state, preview, options)
    error = (
        f'<p class="checkout-error" part="checkout-error" role="alert">{text(options.error)}</p>'
        if options.error
        else ""
    )
    aside = "" if options.step == "done" else render_summary(preview, options, state.plan)
    busy = attrs({"aria-busy": "true" if options.busy else None})
    return (
        f'<section class="checkout" part="checkout" data-step="{options.step}" '
        f'aria-labelledby="stigg-checkout-title"{busy}>'
        f'<h2 id="stigg-checkout-title" part="title">{text(texts("checkout_title"))}: '
        f"{text(state.plan.display_name or state.plan.id)}</h2>"
        f"{_steps_nav(options)}{error}"
        f'<div class="checkout-body"><div class="checkout-step" part="step">{body}</div>'
        f"{aside}</div></section>"
    )


def _steps_nav(options: CheckoutOptions) -> str:
    texts = options.texts
    current = STEPS.index(options.step)
    items = []
    for index, step in enumerate(STEPS):
        marker = {"aria-current": "step" if index == current else None}
        state = "done" if index < current else ("current" if index == current else "todo")
        items.append(
            f'<li part="step-item" data-step-state="{state}"{attrs(marker)}>'
            f"{text(texts('step_' + step))}</li>"
        )
    return (
        f'<nav part="steps" aria-label="{text(texts("checkout_steps"))}">'
        f'<ol class="steps">{"".join(items)}</ol></nav>'
    )


def _step_body(
    state: CheckoutState, preview: SubscriptionPreviewV2 | None, options: CheckoutOptions
) -> str:
    texts = options.texts
    step = options.step
    if step == "done":
        done = texts("checkout_done", plan=state.plan.display_name or state.plan.id)
        return f'<p class="checkout-done" part="done" role="status">{text(done)}</p>'
    if step == "plan":
        inner = _period_choice(state.plan, options)
    elif step == "addons":
        inner = _quantities(state.plan, options)
    elif step == "billing":
        inner = _billing_details(options)
    else:
        inner = _payment(options)
    heading = f'<h3 part="step-title">{text(texts("step_" + step))}</h3>'
    if step == "payment" and options.authenticating:
        return heading + _authentication(options)
    return heading + inner + _promotion(options) + _step_buttons(preview, options)


def _period_choice(plan: Plan, options: CheckoutOptions) -> str:
    texts = options.texts
    period = checkout_period(plan, options)
    radios = []
    for value, key in ((MONTHLY, "monthly"), (ANNUALLY, "annual")):
        if value not in pricing.periods([plan]):
            continue
        radio = attrs(
            {
                "type": "radio",
                "name": "billing-period",
                "value": value,
                "checked": value == period,
                "data-action": "period",
            }
        )
        radios.append(f'<label part="period-option"><input{radio}> {text(texts(key))}</label>')
    return (
        f'<fieldset part="period-toggle"><legend>{text(texts("billing_period"))}</legend>'
        f"{''.join(radios)}</fieldset>"
    )


def _number_input(
    name: str, label: str, value: float, minimum: float, maximum: float | None
) -> str:
    field_id = f"stigg-checkout-{name}"
    values = {
        "id": field_id,
        "type": "number",
        "name": name,
        "inputmode": "numeric",
        "min": int(minimum),
        "max": None if maximum is None else int(maximum),
        "step": 1,
        "value": int(value),
        "data-action": "quantity",
    }
    return (
        f'<div class="field" part="field"><label for="{field_id}">{text(label)}</label>'
        f'<input{attrs(values)} part="input"></div>'
    )


def _quantities(plan: Plan, options: CheckoutOptions) -> str:
    texts = options.texts
    period = checkout_period(plan, options)
    parts = []
    unit = pricing.unit_price(plan, period)
    if unit is not None and unit.feature is not None:
        minimum = unit.min_unit_quantity or 1
        quantity = options.quantity if options.quantity is not None else minimum
        units = unit.feature.units_plural or unit.feature.units or texts("unit")
        parts.append(
            _number_input(
                "seats",
                texts("quantity_label", units=units),
                quantity,
                minimum,
                unit.max_unit_quantity,
            )
        )
    for addon in plan.compatible_addons:
        parts.append(
            _number_input(
                f"addon:{addon.id}",
                texts("addon_quantity_label", name=addon.display_name or addon.id),
                options.addons.get(addon.id, 0),
                0,
                addon.max_quantity,
            )
        )
    return "".join(parts)


def _text_input(name: str, label: str, value: str, autocomplete: str | None) -> str:
    field_id = f"stigg-checkout-{name}"
    values = {
        "id": field_id,
        "type": "text",
        "name": name,
        "value": value,
        "autocomplete": autocomplete,
    }
    return (
        f'<div class="field" part="field"><label for="{field_id}">{text(label)}</label>'
        f'<input{attrs(values)} part="input"></div>'
    )


def _billing_details(options: CheckoutOptions) -> str:
    texts, billing = options.texts, options.billing
    fields = [
        _text_input(name, texts(key), billing.get(name, ""), autocomplete)
        for name, key, autocomplete in BILLING_FIELDS
    ]
    chosen = billing.get("tax_id_type", "")
    choices = [
        f'<option value=""{attrs({"selected": not chosen})}>{text(texts("tax_id_none"))}</option>'
    ]
    choices += [
        f'<option value="{kind}"{attrs({"selected": kind == chosen})}>{kind}</option>'
        for kind in TAX_ID_TYPES
    ]
    fields.append(
        f'<div class="field" part="field"><label for="stigg-checkout-tax_id_type">'
        f'{text(texts("tax_id_type"))}</label><select id="stigg-checkout-tax_id_type" '
        f'name="tax_id_type" part="input">{"".join(choices)}</select></div>'
    )
    fields.append(_text_input("tax_id", texts("tax_id"), billing.get("tax_id", ""), None))
    return "".join(fields)


def _payment(options: CheckoutOptions) -> str:
    texts = options.texts
    if options.payment not in PAYMENT_MODES:
        raise ValueError(f"unknown payment mode {options.payment!r}")
    if options.payment != "card":
        note = "payment_checking" if options.payment == "checking" else "payment_handoff"
        return f'<p class="payment-note" part="payment-note" role="status">{text(texts(note))}</p>'
    return (
        _text_input("card_number", texts("card_number"), "", "cc-number")
        + _text_input("card_expiry", texts("card_expiry"), "", "cc-exp")
        + _text_input("card_cvc", texts("card_cvc"), "", "cc-csc")
    )


def _authentication(options: CheckoutOptions) -> str:
    """The confirm step of a card that needs the payer's authentication."""
    texts = options.texts
    return (
        '<div class="authenticate" part="authenticate" role="group" '
        'aria-labelledby="stigg-checkout-authenticate">'
        f'<p id="stigg-checkout-authenticate">{text(texts("authenticate_prompt"))}</p>'
        '<div class="step-buttons" part="step-buttons">'
        '<button type="button" part="back" data-action="cancel-authentication">'
        f"{text(texts('checkout_back'))}</button>"
        '<button type="button" part="continue" data-action="authenticate">'
        f"{text(texts('authenticate_confirm'))}</button></div></div>"
    )


def _promotion(options: CheckoutOptions) -> str:
    texts = options.texts
    error = options.promotion_error
    if error is not None and error not in PROMOTION_ERRORS:
        raise ValueError(f"unknown promotion code error {error!r}")
    message = ""
    if error is not None:
        message = (
            f'<p id="stigg-checkout-promotion-error" part="promotion-error" role="alert">'
            f"{text(texts('promotion_' + error))}</p>"
        )
    elif options.applied_promotion_code:
        applied = texts("promotion_applied", code=options.applied_promotion_code)
        message = f'<p part="promotion-applied" role="status">{text(applied)}</p>'
    values = {
        "id": "stigg-checkout-promotion",
        "type": "text",
        "name": "promotion_code",
        "value": options.promotion_code,
        "autocomplete": "off",
        "aria-invalid": "true" if error else None,
        "aria-describedby": "stigg-checkout-promotion-error" if error else None,
    }
    return (
        f'<div class="field promotion" part="promotion"><label for="stigg-checkout-promotion">'
        f'{text(texts("promotion_code"))}</label><input{attrs(values)} part="input">'
        f'<button type="button" part="promotion-apply" data-action="apply-promotion">'
        f"{text(texts('promotion_apply'))}</button>{message}</div>"
    )


def _step_buttons(preview: SubscriptionPreviewV2 | None, options: CheckoutOptions) -> str:
    texts = options.texts
    index = STEPS.index(options.step)
    back = (
        f'<button type="button" part="back" data-action="back">'
        f"{text(texts('checkout_back'))}</button>"
        if index > 0
        else ""
    )
    label = texts("checkout_continue")
    if options.step == "payment":
        handoff = options.payment == "handoff"
        label = texts("continue_to_payment") if handoff else texts(final_action(preview))
    busy = options.busy or (options.step == "payment" and options.payment == "checking")
    disabled = {"disabled": busy, "aria-disabled": "true" if busy else None}
    forward = (
        f'<button type="button" part="continue" data-action="continue"{attrs(disabled)}>'
        f"{text(label)}</button>"
    )
    return f'<div class="step-buttons" part="step-buttons">{back}{forward}</div>'
