"""The `<stigg-checkout>` price breakdown, from `preview_subscription`'s `SubscriptionPreviewV2`."""

from __future__ import annotations

from decimal import Decimal

from stigg_client.models.checkout import SubscriptionPreviewInvoice, SubscriptionPreviewV2
from stigg_client.models.common import Money
from stigg_client.models.paywall import Plan
from widgets.markup import text
from widgets.render.common import RenderOptions

MINUS = "\u2212"


def _line(
    label: str, money: Money | None, options: RenderOptions, part: str, sign: str = ""
) -> str:
    if money is None:
        return ""
    amount = options.formatters.exact_money(Decimal(money.amount), money.currency)
    return (
        f'<div class="summary-line" part="summary-line {part}" data-line="{part}">'
        f"<dt>{text(label)}</dt><dd>{text(sign + amount)}</dd></div>"
    )


def _invoice_lines(invoice: SubscriptionPreviewInvoice, options: RenderOptions) -> str:
    texts = options.texts
    lines = [_line(texts("subtotal"), invoice.sub_total, options, "subtotal")]
    details = invoice.discount_details
    if invoice.discount is not None and Decimal(invoice.discount.amount) != 0:
        name = details.name if details and details.name else texts("discount")
        lines.append(
            _line(texts("discount_line", name=name), invoice.discount, options, "discount", MINUS)
        )
    if invoice.tax is not None and Decimal(invoice.tax.amount) != 0:
        tax_name = invoice.tax_details.display_name if invoice.tax_details else texts("tax_line")
        lines.append(_line(tax_name, invoice.tax, options, "tax"))
    return "".join(lines)


def is_changing_subscription(preview: SubscriptionPreviewV2) -> bool:
    """True when the preview prorates an existing subscription (credit for the unused time)."""
    proration = preview.immediate_invoice.proration
    return proration is not None and Decimal(proration.credit.amount) != 0


def _credit_grants(plan: Plan, options: RenderOptions) -> str:
    """What the plan grants in credits, e.g. "Includes 1,000 AI credits every month"."""
    texts, number = options.texts, options.formatters.number
    notes = [
        texts(
            f"credit_grant_{grant.cadence}",
            amount=number(grant.amount),
            name=grant.display_name or grant.unit_plural or grant.currency_id,
        )
        for grant in plan.credit_grants
        if grant.cadence in ("MONTH", "YEAR")
    ]
    return "".join(
        f'<p class="credit-grant" part="credit-grant">{text(note)}</p>' for note in notes
    )


def render_summary(
    preview: SubscriptionPreviewV2 | None, options: RenderOptions, plan: Plan | None = None
) -> str:
    """Subtotal, each discount, tax and total; today's prorated charge and the next invoice
    when a subscription changes; credits applied, and the credits `plan` grants. Busy while no
    preview is known."""
    texts = options.texts
    heading = f'<h3 id="stigg-checkout-summary">{text(texts("summary_title"))}</h3>'
    if preview is None:
        return (
            f'<section class="summary" part="summary" aria-labelledby="stigg-checkout-summary" '
            f'aria-busy="true">{heading}<p role="status">{text(texts("loading"))}</p></section>'
        )
    immediate = preview.immediate_invoice
    lines = [_invoice_lines(immediate, options)]
    if is_changing_subscription(preview) and immediate.proration is not None:
        proration = immediate.proration
        # Stigg answers the credit as a negative or a positive amount: shown as a minus either way.
        credit = proration.credit.model_copy(update={"amount": abs(proration.credit.amount)})
        lines.append(_line(texts("proration_credit"), credit, options, "credit", MINUS))
        lines.append(_line(texts("proration_debit"), proration.debit, options, "debit"))
    credits = immediate.credits
    if credits is not None and Decimal(credits.used.amount) != 0:
        lines.append(_line(texts("credits_line"), credits.used, options, "credits", MINUS))
    changing = is_changing_subscription(preview)
    total_label = texts("due_today") if changing else texts("total")
    lines.append(_line(total_label, immediate.total, options, "total"))
    recurring = preview.recurring_invoice
    if changing and recurring is not None:
        lines.append(_line(texts("next_invoice_total"), recurring.total, options, "next-invoice"))
    return (
        f'<section class="summary" part="summary" aria-labelledby="stigg-checkout-summary" '
        f'aria-live="polite">{heading}<dl>{"".join(lines)}</dl>'
        f"{_credit_grants(plan, options) if plan else ''}</section>"
    )


def final_action(preview: SubscriptionPreviewV2 | None) -> str:
    """The text key of the last button: pay when something is due now, else subscribe/confirm."""
    if preview is not None and Decimal(preview.immediate_invoice.total.amount) > 0:
        return "pay"
    return "confirm" if preview is not None and is_changing_subscription(preview) else "subscribe"
