"""`<stigg-customer-portal>`: subscriptions, usage, add-ons, promotions, billing, invoices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from stigg_client.models.portal import CustomerPortal, PortalSubscription, WireEntitlement
from stigg_client.models.subscriptions import Invoice
from widgets.markup import attrs, text
from widgets.render.common import RenderOptions, render_state
from widgets.render.usage import UsageInfo, render_usage_meter


@dataclass(frozen=True)
class ScheduledUpdate:
    """A change that takes effect later (e.g. a downgrade at period end)."""

    subscription_id: str
    target_plan_name: str
    effective_at: datetime | None = None


@dataclass(frozen=True)
class PortalOptions(RenderOptions):
    """How to render a customer portal."""

    hidden_sections: frozenset[str] = frozenset()
    scheduled_updates: list[ScheduledUpdate] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    paywall_href: str | None = None
    warning_at: float = 0.7


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
    )


def render_customer_portal(
    portal: CustomerPortal | None, options: PortalOptions | None = None
) -> str:
    """The portal's inner HTML (state markup when there is nothing to show)."""
    options = options or PortalOptions()
    if portal is None:
        return render_state("loading", options.texts)
    texts = options.texts
    sections = [
        ("subscriptions", _subscriptions(portal, options)),
        ("scheduled", _scheduled(options)),
        ("usage", _usage(portal, options)),
        ("addons", _addons(portal, options)),
        ("promotions", _promotions(portal, options)),
        ("billing", _billing(portal, options)),
        ("payment", _payment(portal, options)),
        ("invoices", _invoices(portal, options)),
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


def _price_text(subscription: PortalSubscription, options: PortalOptions) -> str:
    pricing = subscription.pricing
    items = pricing if isinstance(pricing, list) else [pricing] if pricing else []
    parts = []
    for item in items:
        if item.price is None:
            continue
        amount = options.formatters.money(item.price.amount, item.price.currency)
        period = str(getattr(item.billing_period, "value", item.billing_period) or "")
        suffix = options.texts("per_year") if period == "ANNUALLY" else options.texts("per_month")
        parts.append(f"{amount} {suffix}")
    return " + ".join(parts)


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
        items.append(
            f'<li class="subscription" part="subscription" '
            f'data-subscription-id="{text(sub.subscription_id)}" data-status="{text(status)}">'
            f'<h4 part="plan-name">{text(sub.plan_name or sub.plan_id)}</h4>'
            f'<span class="badge" part="badge badge-status">{text(status_text)}</span>'
            f"{price_html}{trial}</li>"
        )
    return _section("subscriptions", texts("subscriptions_title"), f"<ul>{''.join(items)}</ul>")


def _scheduled(options: PortalOptions) -> str:
    if not options.scheduled_updates:
        return ""
    texts = options.texts
    items = []
    for update in options.scheduled_updates:
        date = options.formatters.date(update.effective_at) if update.effective_at else ""
        line = texts("scheduled_change", plan=update.target_plan_name, date=date)
        button = attrs(
            {
                "type": "button",
                "part": "cancel-scheduled",
                "data-action": "cancel-scheduled",
                "data-subscription-id": update.subscription_id,
                "aria-label": f"{texts('cancel')}: {line}",
            }
        )
        items.append(
            f'<li part="scheduled-update"><span>{text(line)}</span> '
            f"<button{button}>{text(texts('cancel'))}</button></li>"
        )
    return _section("scheduled", texts("scheduled_title"), f"<ul>{''.join(items)}</ul>")


def _usage(portal: CustomerPortal, options: PortalOptions) -> str:
    infos = [info for e in portal.entitlements if (info := usage_from_wire(e)) is not None]
    if not infos:
        return ""
    meters = "".join(
        f"<li>{render_usage_meter(i, options, options.warning_at)}</li>" for i in infos
    )
    return _section("usage", options.texts("usage_title"), f'<ul class="meters">{meters}</ul>')


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
    items = []
    for promo in portal.promotional_entitlements:
        feature = promo.get("feature") if isinstance(promo.get("feature"), dict) else {}
        name = feature.get("displayName") or feature.get("refId") or promo.get("featureId") or ""
        units = feature.get("featureUnitsPlural") or ""
        if promo.get("hasUnlimitedUsage"):
            line = options.texts("unlimited", units=units or name)
        elif promo.get("usageLimit") is not None:
            count = options.formatters.number(float(promo["usageLimit"]))
            line = options.texts("promotion_limit", name=name, count=count, units=units).strip()
        else:
            line = str(name)
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


def _invoices(portal: CustomerPortal, options: PortalOptions) -> str:
    texts = options.texts
    rows = []
    for invoice in options.invoices:
        status = str(getattr(invoice.status, "value", invoice.status) or "")
        date = options.formatters.date(invoice.created_at) if invoice.created_at else ""
        link = (
            f' <a href="{text(invoice.payment_url)}" rel="noopener">'
            f"{text(invoice.billing_id or '')}</a>"
            if invoice.payment_url and invoice.payment_url.startswith("https://")
            else f" {text(invoice.billing_id or '')}"
        )
        rows.append(
            f'<li part="invoice" data-status="{text(status)}">'
            f"{text(date)} · {text(status)}{link}</li>"
        )
    history = ""
    url = portal.billing_portal_url
    if url and url.startswith(("https://", "http://")):
        history = (
            f'<p><a href="{text(url)}" rel="noopener" part="invoice-history">'
            f"{text(texts('view_invoices'))}</a></p>"
        )
    if not rows and not history:
        return ""
    listing = f"<ul>{''.join(rows)}</ul>" if rows else ""
    return _section("invoices", texts("invoices_title"), listing + history)
