"""`<stigg-paywall>`: plan cards or a plans-by-features table, with the period toggle."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from stigg_client.models.paywall import Addon, Paywall, Plan, PricePoint
from widgets import pricing, tiers
from widgets.markup import attrs, text
from widgets.pricing import ANNUALLY, MONTHLY, CustomerState
from widgets.render import price_tiers
from widgets.render.common import RenderOptions, render_state

CTA_KEYS = {
    pricing.START_TRIAL: "cta_start_trial",
    pricing.UPGRADE_TRIAL_TO_PAID: "cta_upgrade_trial",
    pricing.REQUEST_CUSTOM_PLAN_ACCESS: "cta_contact",
    pricing.CHANGE_UNIT_QUANTITY: "cta_change_quantity",
    pricing.UPGRADE_PLAN: "cta_upgrade",
    pricing.DOWNGRADE_PLAN: "cta_downgrade",
    pricing.CANCEL_SCHEDULED_UPDATES: "cta_cancel_scheduled",
}


@dataclass(frozen=True)
class PaywallOptions(RenderOptions):
    """How to render a paywall."""

    billing_period: str | None = None
    layout: str = "cards"
    highlighted_plan_id: str | None = None
    hide_addons: bool = False
    show_only_eligible_plans: bool = False
    billing_country_code: str | None = None
    customer: CustomerState | None = None
    quantities: dict[str, float] = field(default_factory=dict)
    # (plan id, add-on id): an add-on ticked on one plan's card stays ticked there only.
    selected_addons: frozenset[tuple[str, str]] = frozenset()


def visible_plans(paywall: Paywall, options: PaywallOptions) -> list[Plan]:
    """Plans to show, in order: not hidden from the paywall, eligible ones only if asked."""
    plans = [p for p in paywall.plans if not pricing.is_hidden(p.hidden_from_widgets)]
    plans.sort(key=lambda p: p.order if p.order is not None else 0)
    customer = options.customer
    if options.show_only_eligible_plans and customer and customer.current_plan_id:
        current = next((p for p in plans if p.id == customer.current_plan_id), None)
        if current is not None:
            plans = [p for p in plans if (p.order or 0) >= (current.order or 0)]
    return plans


def selected_period(plans: list[Plan], options: PaywallOptions) -> str:
    """The period to show: the requested one if offered, else the customer's, else annual."""
    offered = pricing.periods(plans)
    customer_period = options.customer.current_billing_period if options.customer else None
    for candidate in (options.billing_period, customer_period, ANNUALLY, MONTHLY):
        if candidate in offered:
            return candidate
    return MONTHLY


def quantity_for(plan: Plan, period: str, options: PaywallOptions) -> float | None:
    """The unit quantity shown for a per-unit plan (chosen, current, or the minimum)."""
    unit = pricing.unit_price(plan, period, options.billing_country_code)
    if unit is None:
        return None
    if plan.id in options.quantities:
        return options.quantities[plan.id]
    customer = options.customer
    if customer and customer.current_plan_id == plan.id:
        current = customer.current_quantities.get(unit.feature.feature_id if unit.feature else "")
        if current is not None:
            return current
    return tiers.default_quantity(unit)


def render_paywall(paywall: Paywall | None, options: PaywallOptions | None = None) -> str:
    """The paywall's inner HTML (state markup when there is nothing to show)."""
    options = options or PaywallOptions()
    if paywall is None:
        return render_state("loading", options.texts)
    plans = visible_plans(paywall, options)
    if not plans:
        return render_state("empty", options.texts)
    period = selected_period(plans, options)
    body = (
        _table(paywall, plans, period, options)
        if options.layout == "table"
        else (_cards(paywall, plans, period, options))
    )
    return (
        f'<section class="paywall" part="paywall" data-layout="{text(options.layout)}" '
        f'data-billing-period="{period}" aria-label="{text(options.texts("plans_title"))}">'
        f"{_period_toggle(plans, period, options)}{body}</section>"
    )


def render_period_alternatives(paywall: Paywall, options: PaywallOptions) -> dict[str, str]:
    """The paywall rendered for each offered period other than the one `render_paywall` shows,
    keyed `period:<PERIOD>`: given to `ssr_element` as alternatives, they let the element shim
    switch periods at once on a server-rendered paywall, before Python is live."""
    plans = visible_plans(paywall, options)
    shown = selected_period(plans, options)
    return {
        f"period:{period}": render_paywall(paywall, replace(options, billing_period=period))
        for period in pricing.periods(plans)
        if period != shown
    }


def _period_toggle(plans: list[Plan], period: str, options: PaywallOptions) -> str:
    offered = pricing.periods(plans)
    if len(offered) < 2:
        return ""
    texts = options.texts
    save = pricing.savings_percent(plans, options.billing_country_code)
    items = []
    for value, key in ((MONTHLY, "monthly"), (ANNUALLY, "annual")):
        note = ""
        described = None
        if value == ANNUALLY and save > 0:
            described = "stigg-save-note"
            note = (
                f' <span class="save" part="save" id="stigg-save-note">'
                f"{text(texts('save_percent', percent=save))}</span>"
            )
        radio = attrs(
            {
                "type": "radio",
                "name": "billing-period",
                "value": value,
                "checked": value == period,
                "data-action": "period",
                "aria-describedby": described,
            }
        )
        items.append(
            f'<label class="period-option" part="period-option"'
            f"{attrs({'data-checked': value == period})}><input{radio}> "
            f"{text(texts(key))}{note}</label>"
        )
    return (
        f'<fieldset class="period-toggle" part="period-toggle" role="radiogroup" '
        f'aria-label="{text(texts("billing_period"))}"><legend class="visually-hidden">'
        f"{text(texts('billing_period'))}</legend>{''.join(items)}</fieldset>"
    )


def _price(plan: Plan, period: str, options: PaywallOptions, currency: str) -> str:
    texts, money = options.texts, options.formatters.money
    kind = str(getattr(plan.pricing_type, "value", plan.pricing_type) or "")
    if kind == "CUSTOM":
        return f'<p class="price" part="price">{text(texts("custom_price"))}</p>'
    if kind == "FREE" and not plan.price_points:
        return f'<p class="price" part="price">{text(texts("free"))}</p>'
    points = pricing.price_points(plan, period, options.billing_country_code)
    if not points:
        return f'<p class="price" part="price">{text(texts("price_not_set"))}</p>'
    code = points[0].currency or currency
    per = texts("per_month") if period == MONTHLY else texts("per_year")
    unit = pricing.unit_price(plan, period, options.billing_country_code)
    flat = sum((Decimal(p.amount or 0) for p in points if p.feature is None), Decimal(0))
    parts = []
    if flat or not unit:
        parts.append(f'<span class="amount" part="amount">{text(money(flat, code))}</span>')
    if unit is not None:
        singular, _ = _unit_names(plan, unit)
        units = singular or texts("unit")
        each = money(Decimal(unit.amount or 0), code)
        if unit.tiers:
            each = texts("from_price", amount=money(price_tiers.from_price(unit), code))
        parts.append(
            f'<span class="amount" part="amount">{text(each)}</span> '
            f'<span class="unit" part="price-unit">{text(texts("per_unit", unit=units))}</span>'
        )
    return (
        f'<p class="price" part="price">{" + ".join(parts)} '
        f'<span class="period" part="price-period">{text(per)}</span></p>'
    )


def _usage(plan: Plan, period: str, options: PaywallOptions, currency: str) -> str:
    """The plan's pay-as-you-go prices (billed later from usage, not in the price above)."""
    texts = options.texts
    return "".join(
        price_tiers.usage_price(
            point,
            _unit_names(plan, point),
            (point.feature.display_name if point.feature else None) or texts("unit"),
            point.currency or currency,
            texts,
            options.formatters,
        )
        for point in pricing.usage_prices(plan, period, options.billing_country_code)
    )


def _unit_names(plan: Plan, unit: PricePoint) -> tuple[str | None, str]:
    """(singular unit or None when unknown, plural/label) of a per-unit price's feature.

    The price's own `feature` (Stigg's `Price.feature`) names its units; a price without them
    falls back to the plan's entitlement to the same feature, then to the feature id.
    """
    priced = unit.feature
    feature_id = priced.feature_id if priced else ""
    if priced and (priced.units or priced.units_plural):
        return priced.units, priced.units_plural or priced.units or feature_id
    for entitlement in pricing.effective_entitlements(plan):
        feature = entitlement.feature
        if feature.id == feature_id:
            plural = feature.units_plural or feature.units or feature.display_name or feature_id
            return feature.units, plural
    fallback = priced.display_name if priced and priced.display_name else None
    return None, fallback or feature_id.removeprefix("feature-")


def _quantity(plan: Plan, period: str, options: PaywallOptions) -> str:
    unit = pricing.unit_price(plan, period, options.billing_country_code)
    if unit is None:
        return ""
    value = quantity_for(plan, period, options)
    _, units = _unit_names(plan, unit)
    input_attrs = attrs(
        {
            "type": "number",
            "inputmode": "numeric",
            "min": _num(unit.min_unit_quantity or 1),
            "max": _num(unit.max_unit_quantity) if unit.max_unit_quantity else None,
            "step": _num(unit.block_size or 1),
            "value": _num(value or 1),
            "data-action": "quantity",
            "data-plan-id": plan.id,
            "data-feature-id": unit.feature.feature_id if unit.feature else None,
            "part": "quantity-input",
        }
    )
    label = options.texts("quantity_label", units=units)
    picker = f'<label class="quantity" part="quantity">{text(label)} <input{input_attrs}></label>'
    if not unit.tiers:
        return picker
    texts, code = options.texts, unit.currency or "USD"
    per = texts("per_month") if period == MONTHLY else texts("per_year")
    names = _unit_names(plan, unit)
    chosen = value or 1
    return (
        picker
        + price_tiers.quantity_total(unit, chosen, names, code, per, texts, options.formatters)
        + price_tiers.tier_table(unit, names, chosen, code, texts, options.formatters)
    )


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _badges(plan: Plan, options: PaywallOptions) -> str:
    texts, customer = options.texts, options.customer
    badges = []
    if customer and customer.current_plan_id == plan.id:
        badges.append(("current", texts("current_plan_badge")))
        if customer.trial_plan_id == plan.id:
            badges.append(("trial", texts("trial_badge")))
    if customer and customer.scheduled_plan_id == plan.id:
        badges.append(("scheduled", texts("scheduled_badge")))
    if options.highlighted_plan_id == plan.id:
        badges.append(("recommended", texts("recommended")))
    return "".join(
        f'<span class="badge badge-{kind}" part="badge badge-{kind}">{text(label)}</span>'
        for kind, label in badges
    )


def cta(
    plan: Plan, plans: list[Plan], period: str, options: PaywallOptions
) -> tuple[str | None, str]:
    """(intention, label) of a plan's call to action."""
    texts = options.texts
    quantity = quantity_for(plan, period, options)
    action = pricing.intention(plan, plans, options.customer, period, quantity)
    if action is None:
        return None, texts("cta_current")
    if action == pricing.CHANGE_BILLING_PERIOD:
        key = "cta_switch_monthly" if period == MONTHLY else "cta_switch_annual"
        return action, texts(key)
    if action == pricing.UPGRADE_PLAN and not (options.customer and options.customer.customer_id):
        return action, texts("cta_get_started")
    days = _num(plan.default_trial_config.duration) if plan.default_trial_config else ""
    return action, texts(CTA_KEYS[action], days=days)


def _cta_button(plan: Plan, plans: list[Plan], period: str, options: PaywallOptions) -> str:
    action, label = cta(plan, plans, period, options)
    name = plan.display_name or plan.id
    button = attrs(
        {
            "type": "button",
            "part": "cta",
            "class": "cta",
            "data-action": "select" if action else None,
            "data-plan-id": plan.id,
            "data-intention": action,
            "disabled": action is None,
            "aria-label": options.texts("cta_label", action=label, plan=name),
        }
    )
    return f"<button{button}>{text(label)}</button>"


def _entitlement_items(plan: Plan, options: PaywallOptions) -> str:
    items = []
    for entitlement in plan.entitlements:
        line = pricing.entitlement_text(entitlement, options.texts, options.formatters)
        if line is not None:
            css = f"feature stigg-entitlement-{entitlement.feature.id}"
            items.append(f'<li class="{text(css)}" part="feature">{text(line)}</li>')
    return "".join(items)


def _addons(plan: Plan, options: PaywallOptions) -> str:
    addons: list[Addon] = [
        a
        for a in plan.compatible_addons
        if not pricing.is_hidden(getattr(a, "hidden_from_widgets", None))
    ]
    if options.hide_addons or not addons:
        return ""
    items = []
    for addon in addons:
        box = attrs(
            {
                "type": "checkbox",
                "value": addon.id,
                "data-action": "addon",
                "data-plan-id": plan.id,
                "checked": (plan.id, addon.id) in options.selected_addons,
            }
        )
        items.append(
            f'<li part="addon" class="addon stigg-compatible-addon-{text(addon.id)}"><label>'
            f"<input{box}> {text(addon.display_name or addon.id)}</label></li>"
        )
    return (
        f'<h4 class="addons-title">{text(options.texts("addons_title"))}</h4>'
        f'<ul class="addons" part="addons">{"".join(items)}</ul>'
    )


def _card(
    plan: Plan, plans: list[Plan], period: str, options: PaywallOptions, currency: str
) -> str:
    customer = options.customer
    action, _ = cta(plan, plans, period, options)
    heading_id = f"plan-{plan.id}"
    state = attrs(
        {
            "class": "plan",
            "part": "plan",
            "data-plan-id": plan.id,
            "data-current": customer is not None and customer.current_plan_id == plan.id,
            "data-highlighted": options.highlighted_plan_id == plan.id,
            "data-scheduled": customer is not None and customer.scheduled_plan_id == plan.id,
            "data-intention": action,
        }
    )
    current = customer is not None and customer.current_plan_id == plan.id
    trial = ""
    if customer and customer.trial_plan_id == plan.id and customer.trial_days_left is not None:
        trial = (
            f'<p class="trial" part="trial">'
            f"{text(options.texts('trial_days_left', days=customer.trial_days_left))}</p>"
        )
    description = (
        f'<p class="description" part="plan-description">{text(plan.description)}</p>'
        if plan.description
        else ""
    )
    base = ""
    if plan.base_plan and plan.base_plan.display_name:
        line = options.texts("everything_in", plan=plan.base_plan.display_name)
        base = f'<p class="base" part="base-plan">{text(line)}</p>'
    features = _entitlement_items(plan, options)
    features_block = (
        f'<h4 class="features-title">{text(options.texts("entitlements_title"))}</h4>'
        f'<ul class="features" part="features">{features}</ul>'
        if features
        else ""
    )
    return (
        f'<li{state}><article aria-labelledby="{text(heading_id)}"'
        f"{attrs({'aria-current': 'true' if current else None})}>"
        f'<header class="plan-header" part="plan-header"><h3 id="{text(heading_id)}" '
        f'part="plan-name">{text(plan.display_name or plan.id)}</h3>{_badges(plan, options)}'
        f"</header>{description}{_price(plan, period, options, currency)}"
        f"{_quantity(plan, period, options)}{_usage(plan, period, options, currency)}{trial}"
        f"{_cta_button(plan, plans, period, options)}"
        f"{base}{features_block}{_addons(plan, options)}</article></li>"
    )


def _cards(paywall: Paywall, plans: list[Plan], period: str, options: PaywallOptions) -> str:
    currency = paywall.currency.code if paywall.currency else "USD"
    cards = "".join(_card(p, plans, period, options, currency) for p in plans)
    return f'<ul class="plans" part="plans">{cards}</ul>'


def _table(paywall: Paywall, plans: list[Plan], period: str, options: PaywallOptions) -> str:
    texts = options.texts
    currency = paywall.currency.code if paywall.currency else "USD"
    features: dict[str, str] = {}
    cells: dict[tuple[str, str], str] = {}
    for plan in plans:
        for entitlement in pricing.effective_entitlements(plan):
            line = pricing.entitlement_text(entitlement, texts, options.formatters)
            if line is None:
                continue
            feature = entitlement.feature
            features.setdefault(feature.id, feature.display_name or feature.id)
            is_bool = str(getattr(feature.feature_type, "value", feature.feature_type)).upper()
            cells[(plan.id, feature.id)] = "" if is_bool == "BOOLEAN" else line
    current_id = options.customer.current_plan_id if options.customer else None
    highlighted = options.highlighted_plan_id
    head = "".join(
        f'<th scope="col" part="plan-name" data-plan-id="{text(p.id)}"'
        f"{attrs({'data-current': current_id == p.id, 'data-highlighted': highlighted == p.id})}>"
        f"{text(p.display_name or p.id)}{_badges(p, options)}</th>"
        for p in plans
    )
    price_row = "".join(
        f"<td>{_price(p, period, options, currency)}{_usage(p, period, options, currency)}</td>"
        for p in plans
    )
    rows = []
    for feature_id, name in features.items():
        row = []
        for plan in plans:
            if (plan.id, feature_id) not in cells:
                row.append(
                    f'<td data-included="false"><span aria-hidden="true">✗</span>'
                    f'<span class="visually-hidden">{text(texts("not_included"))}</span></td>'
                )
            elif cells[(plan.id, feature_id)]:
                row.append(f'<td data-included="true">{text(cells[(plan.id, feature_id)])}</td>')
            else:
                row.append(
                    f'<td data-included="true"><span aria-hidden="true">✓</span>'
                    f'<span class="visually-hidden">{text(texts("included"))}</span></td>'
                )
        rows.append(
            f'<tr class="stigg-entitlement-{text(feature_id)}" part="feature-row">'
            f'<th scope="row">{text(name)}</th>{"".join(row)}</tr>'
        )
    ctas = "".join(f"<td>{_cta_button(p, plans, period, options)}</td>" for p in plans)
    quantities = "".join(f"<td>{_quantity(p, period, options)}</td>" for p in plans)
    return (
        f'<div class="table-scroll"><table class="comparison" part="comparison">'
        f'<caption class="visually-hidden">{text(texts("plans_title"))}</caption>'
        f'<thead><tr><th scope="col">{text(texts("feature_column"))}</th>{head}</tr></thead>'
        f'<tbody><tr class="price-row"><th scope="row" class="visually-hidden-cell">'
        f'<span class="visually-hidden">{text(texts("plans_title"))}</span></th>{price_row}</tr>'
        f'<tr class="quantity-row"><td></td>{quantities}</tr>{"".join(rows)}</tbody>'
        f"<tfoot><tr><td></td>{ctas}</tr></tfoot></table></div>"
    )
