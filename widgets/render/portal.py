"""`<stigg-customer-portal>`: subscriptions, scheduled changes, usage, credits, add-ons,
promotions, billing, payment method and invoices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from stigg_client.models.credits import CreditEntitlement
from stigg_client.models.portal import CustomerPortal, PortalSubscription, WireEntitlement
from stigg_client.models.subscriptions import Invoice, SubscriptionScheduledUpdate
from stigg_client.models.usage import UsageHistoryV2
from widgets.markup import attrs, text
from widgets.pricing import PENDING_SCHEDULES
from widgets.render.common import RenderOptions, render_state
from widgets.render.credits import render_credit_utilization
from widgets.render.usage import UsageInfo, render_usage_meter
from widgets.render.usage_chart import render_usage_history


@dataclass(frozen=True)
class PortalOptions(RenderOptions):
    """How to render a customer portal."""

    hidden_sections: frozenset[str] = frozenset()
    paywall_href: str | None = None
    warning_at: float = 0.7
    usage_histories: Mapping[str, UsageHistoryV2] = field(default_factory=dict)
    """Per feature id, its usage this period, drawn as a chart under its meter."""


def usage_from_wire(entitlement: WireEntitlement) -> UsageInfo | None:
    """UsageInfo for a metered portal entitlement with a limit or unlimited usage, else None."""
    feature = entitlement.feature
    if feature is None:
        return None
    meter = str(getattr(feature.meter_type, "value", feature.meter_type) or "None")
    if meter == "None" or not (entitlement.usage_limit or entitlement.has_unlimited_usage):
        return None
    return UsageInfo(
        feature_id=feature.ref_id,
        name=feature.display_name or feature.ref_id,
        used=float(entitlement.current_usage or 0),
        limit=entitlement.usage_limit,
        unlimited=bool(entitlement.has_unlimited_usage),
        units=feature.feature_units_plural or feature.feature_units or "",
        resets_at=entitlement.usage_period_end,
        period_start=entitlement.usage_period_start,
    )


def render_customer_portal(
    portal: CustomerPortal | None,
    options: PortalOptions | None = None,
    latest_invoices: Mapping[str, Invoice] | None = None,
    credits: Sequence[CreditEntitlement] = (),
) -> str:
    """The portal's inner HTML (state markup when there is nothing to show).

    `latest_invoices` maps subscription ids to their latest invoice (the SDK's subscriptions
    carry it; the portal read does not); `credits` are the customer's credit entitlements.
    """
    options = options or PortalOptions()
    if portal is None:
        return render_state("loading", options.texts)
    texts = options.texts
    sections = [
        ("subscriptions", _subscriptions(portal, options)),
        ("scheduled", _scheduled(portal, options)),
        ("usage", _usage(portal, options)),
        ("credits", _credits(credits, options)),
        ("addons", _addons(portal, options)),
        ("promotions", _promotions(portal, options)),
        ("billing", _billing(portal, options)),
        ("payment", _payment(portal, options)),
        ("invoices", _invoices(portal, options, latest_invoices or {})),
    ]
    body = "".join(html for name, html in sections if html and name not in options.hidden_sections)
    upgrade = ""
    if options.paywall_href and portal.can_upgrade_subscription is not False:
        upgrade = (
            f'<a class="cta" part="upgrade-link" href="{text(options.paywall_href)}">'
            f"{text(texts('upgrade_link'))}</a>"
        )
    manage = (
        f'<button type="button" class="cta secondary" part="manage" data-action="manage">'
        f"{text(texts('manage'))}</button>"
    )
    return (
        f'<section class="portal" part="portal" aria-labelledby="portal-title">'
        f'<h2 id="portal-title" part="title">{text(texts("portal_title"))}</h2>'
        f'{body}<div class="portal-actions">{upgrade}{manage}</div></section>'
    )


def _section(name: str, title: str, content: str) -> str:
    return (
        f'<section class="portal-section section-{name}" part="section" '
        f'aria-labelledby="section-{name}"><h3 id="section-{name}" part="section-title">'
        f"{text(title)}</h3>{content}</section>"
    )


def _period_suffix(period: object, options: PortalOptions) -> str:
    value = str(getattr(period, "value", period) or "")
    return options.texts("per_year") if value == "ANNUALLY" else options.texts("per_month")


def _price_text(subscription: PortalSubscription, options: PortalOptions) -> str:
    """What the subscription costs per period: its total, else its price times its quantity."""
    pricing = subscription.pricing
    if pricing is None:
        return ""
    total = (subscription.total_price or {}).get("total")
    if isinstance(total, dict) and total.get("amount") is not None and total.get("currency"):
        amount = options.formatters.money(Decimal(str(total["amount"])), str(total["currency"]))
    elif pricing.price is not None:
        quantity = pricing.unit_quantity or 1
        amount = options.formatters.money(pricing.price.amount * quantity, pricing.price.currency)
    else:
        return ""
    return f"{amount} {_period_suffix(pricing.billing_period, options)}"


def _units(subscription: PortalSubscription, count: float, feature_id: str | None = None) -> str:
    """Units of the subscription's per-unit price feature (e.g. "seats"), else the feature id."""
    feature = (subscription.pricing.feature if subscription.pricing else None) or {}
    if feature_id is not None and feature.get("refId") not in (None, feature_id):
        return feature_id
    singular = feature.get("featureUnits") or feature.get("displayName")
    plural = feature.get("featureUnitsPlural") or singular
    chosen = singular if count == 1 else plural
    return str(chosen or feature_id or "")


def _quantity_text(subscription: PortalSubscription, options: PortalOptions) -> str:
    quantity = subscription.unit_quantity
    if quantity is None:
        return ""
    count = options.formatters.number(quantity)
    return options.texts("limit", count=count, units=_units(subscription, quantity)).strip()


def _subscriptions(portal: CustomerPortal, options: PortalOptions) -> str:
    texts = options.texts
    if not portal.subscriptions:
        return render_state("empty", texts, texts("empty_portal"))
    items = []
    for sub in portal.subscriptions:
        status = str(getattr(sub.status, "value", sub.status) or "")
        trial = ""
        if sub.trial_remaining_days is not None and status == "IN_TRIAL":
            days_left = texts("trial_days_left", days=sub.trial_remaining_days)
            trial = f'<p class="trial" part="trial">{text(days_left)}</p>'
        price = _price_text(sub, options)
        status_text = texts("status_" + status) if status else ""
        price_html = f'<p class="price" part="price">{text(price)}</p>' if price else ""
        quantity = _quantity_text(sub, options)
        if quantity:
            price_html += f'<p class="quantity" part="quantity">{text(quantity)}</p>'
        items.append(
            f'<li class="subscription" part="subscription" '
            f'data-subscription-id="{text(sub.subscription_id)}" data-status="{text(status)}">'
            f'<div class="subscription-header"><h4 part="plan-name">'
            f"{text(sub.plan_name or sub.plan_id)}</h4>"
            f'<span class="badge" part="badge badge-status">{text(status_text)}</span></div>'
            f"{price_html}{trial}</li>"
        )
    return _section("subscriptions", texts("subscriptions_title"), f"<ul>{''.join(items)}</ul>")


def _scheduled_line(
    subscription: PortalSubscription, update: SubscriptionScheduledUpdate, options: PortalOptions
) -> str:
    """One scheduled change in words, by its type and the variables of that type."""
    texts = options.texts
    date = options.formatters.date(update.scheduled_execution_time)
    variables = update.schedule_variables
    kind = update.subscription_schedule_type
    if kind == "UnitAmount" and variables and variables.new_unit_amount is not None:
        amount = variables.new_unit_amount
        units = _units(subscription, amount, variables.feature_id)
        count = options.formatters.number(amount)
        return texts("scheduled_quantity", count=count, units=units, date=date)
    if kind == "BillingPeriod" and variables and variables.billing_period:
        return texts("scheduled_period_" + variables.billing_period, date=date)
    if kind == "Addon" and variables and variables.addon_ref_id:
        name = next(
            (
                str(a.get("displayName") or a.get("addonId"))
                for a in subscription.addons
                if a.get("addonId") == variables.addon_ref_id
            ),
            variables.addon_ref_id,
        )
        if not variables.new_quantity:
            return texts("scheduled_addon_removed", name=name, date=date)
        count = options.formatters.number(variables.new_quantity)
        return texts("scheduled_addon", quantity=count, name=name, date=date)
    plan = update.target_package.display_name if update.target_package else None
    plan = plan or update.target_plan_id
    if plan:
        return texts("scheduled_change", plan=plan, date=date)
    return texts("scheduled_other", date=date)


def _scheduled(portal: CustomerPortal, options: PortalOptions) -> str:
    """Pending scheduled changes of every subscription, each with a Cancel button."""
    texts = options.texts
    items = []
    for sub in portal.subscriptions:
        for update in sub.scheduled_updates:
            if update.schedule_status not in PENDING_SCHEDULES:
                continue
            line = _scheduled_line(sub, update, options)
            button = attrs(
                {
                    "type": "button",
                    "part": "cancel-scheduled",
                    "data-action": "cancel-scheduled",
                    "data-subscription-id": sub.subscription_id,
                    "data-schedule-status": update.schedule_status,
                    "aria-label": f"{texts('cancel')}: {line}",
                }
            )
            items.append(
                f'<li part="scheduled-update" data-subscription-id="{text(sub.subscription_id)}" '
                f'data-schedule-type="{text(update.subscription_schedule_type)}">'
                f'<span class="scheduled-text">{text(line)}</span> '
                f"<button{button}>{text(texts('cancel'))}</button></li>"
            )
    if not items:
        return ""
    return _section("scheduled", texts("scheduled_title"), f"<ul>{''.join(items)}</ul>")


def _usage(portal: CustomerPortal, options: PortalOptions) -> str:
    infos = [info for e in portal.entitlements if (info := usage_from_wire(e)) is not None]
    if not infos:
        return ""
    meters = "".join(
        f"<li>{render_usage_meter(i, options, options.warning_at, _chart(i, options))}</li>"
        for i in infos
    )
    return _section("usage", options.texts("usage_title"), f'<ul class="meters">{meters}</ul>')


def _credits(credits: Sequence[CreditEntitlement], options: PortalOptions) -> str:
    meters = "".join(
        f"<li>{render_credit_utilization(item.currency.currency_id, item, options)}</li>"
        for item in credits
        if item.currency is not None
    )
    if not meters:
        return ""
    return _section("credits", options.texts("credits_title"), f'<ul class="meters">{meters}</ul>')


def _chart(info: UsageInfo, options: PortalOptions) -> str:
    history = options.usage_histories.get(info.feature_id)
    if history is None or "usage-history" in options.hidden_sections:
        return ""
    return render_usage_history(info, history, options)


def _addon_line(addon: dict[str, Any], options: PortalOptions) -> str:
    name = addon.get("addonName") or addon.get("displayName") or addon.get("addonId") or ""
    nested = addon.get("addon")
    if not name and isinstance(nested, dict):
        name = nested.get("displayName") or nested.get("id") or ""
    quantity = addon.get("quantity")
    if isinstance(quantity, int | float):
        count = options.formatters.number(quantity)
        return options.texts("addon_quantity", quantity=count, name=name)
    return str(name)


def _addons(portal: CustomerPortal, options: PortalOptions) -> str:
    lines = [_addon_line(a, options) for sub in portal.subscriptions for a in sub.addons]
    if not lines:
        return ""
    items = "".join(f'<li part="addon">{text(line)}</li>' for line in lines)
    return _section("addons", options.texts("addons_section_title"), f"<ul>{items}</ul>")


def _promotions(portal: CustomerPortal, options: PortalOptions) -> str:
    """Stigg's `CustomerPortalPromotionalEntitlement`s: the feature's `displayName` (top level,
    there is no nested feature) with its limit, "unlimited", or nothing for a boolean one."""
    items = []
    for promo in portal.promotional_entitlements:
        name = str(promo.get("displayName") or "")
        if promo.get("hasUnlimitedUsage"):
            line = options.texts("promotion_unlimited", name=name)
        elif promo.get("usageLimit") is not None:
            count = options.formatters.number(float(promo["usageLimit"]))
            line = options.texts("promotion_limit", name=name, count=count)
        else:
            line = name
        items.append(f'<li part="promotion">{text(line)}</li>')
    if not items:
        return ""
    return _section("promotions", options.texts("promotions_title"), f"<ul>{''.join(items)}</ul>")


def _billing(portal: CustomerPortal, options: PortalOptions) -> str:
    info = portal.billing_information
    if info is None or not (info.name or info.email):
        return ""
    lines = [options.texts("billed_to", name=info.name or info.email)]
    if info.name and info.email:
        lines.append(info.email)
    body = "".join(f"<p>{text(line)}</p>" for line in lines)
    return _section("billing", options.texts("billing_title"), body)


def _payment(portal: CustomerPortal, options: PortalOptions) -> str:
    info = portal.billing_information
    texts = options.texts
    if info is None or not info.default_payment_method_last4_digits:
        body = f"<p>{text(texts('no_payment_method'))}</p>"
    else:
        body = (
            f"<p>{text(texts('card_ending', last4=info.default_payment_method_last4_digits))}</p>"
        )
        if info.default_payment_expiration_month and info.default_payment_expiration_year:
            month = f"{info.default_payment_expiration_month:02d}"
            year = info.default_payment_expiration_year
            body += f"<p>{text(texts('card_expires', month=month, year=year))}</p>"
    return _section("payment", texts("payment_title"), body)


def _invoice_line(invoice: Invoice, options: PortalOptions) -> str:
    texts = options.texts
    status = str(getattr(invoice.status, "value", invoice.status) or "")
    date = options.formatters.date(invoice.created_at) if invoice.created_at else ""
    amount = (
        options.formatters.money(invoice.total, invoice.currency)
        if invoice.total is not None and invoice.currency
        else ""
    )
    line = texts("latest_invoice", date=date, amount=amount, status=texts("invoice_" + status))
    pay = ""
    if invoice.requires_action and invoice.payment_url and _web_url(invoice.payment_url):
        pay = (
            f' <a href="{text(invoice.payment_url)}" rel="noopener" part="invoice-pay">'
            f"{text(texts('pay_invoice'))}</a>"
        )
    return (
        f'<li part="invoice" data-status="{text(status)}" '
        f'data-billing-id="{text(invoice.billing_id or "")}">{text(line)}{pay}</li>'
    )


def _web_url(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _invoices(portal: CustomerPortal, options: PortalOptions, latest: Mapping[str, Invoice]) -> str:
    """The next invoice (preview) and the latest one of each subscription, and the history."""
    texts = options.texts
    rows = []
    for sub in portal.subscriptions:
        preview = sub.preview_next_invoice
        money = preview.amount_due or preview.total if preview else None
        if money is not None:
            amount = options.formatters.money(money.amount, money.currency)
            end = sub.billing_period_range.end if sub.billing_period_range else None
            key = "next_invoice" if end else "next_invoice_undated"
            date = options.formatters.date(end) if end else ""
            rows.append(
                f'<li part="invoice-next">{text(texts(key, amount=amount, date=date))}</li>'
            )
        invoice = latest.get(sub.subscription_id)
        if invoice is not None:
            rows.append(_invoice_line(invoice, options))
    history = ""
    url = portal.billing_portal_url
    if url and _web_url(url):
        history = (
            f'<p><a href="{text(url)}" rel="noopener" part="invoice-history">'
            f"{text(texts('view_invoices'))}</a></p>"
        )
    if not rows and not history:
        return ""
    listing = f"<ul>{''.join(rows)}</ul>" if rows else ""
    return _section("invoices", texts("invoices_title"), listing + history)
