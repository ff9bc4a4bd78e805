"""Paywall markup of tiered and usage-based prices: the tier table (the chosen quantity's tier
marked), the total that follows the quantity, and pay-as-you-go lines."""

from __future__ import annotations

from decimal import Decimal

from stigg_client.models.paywall import PricePoint
from widgets import tiers
from widgets.formatting import Formatters
from widgets.markup import attrs, text
from widgets.texts import Texts


def _mode(point: PricePoint) -> str:
    return str(getattr(point.tiers_mode, "value", point.tiers_mode) or "")


def _range(span: tiers.TierRange, texts: Texts, formatters: Formatters) -> str:
    first = formatters.number(span.first)
    if span.last is None:
        return texts("tier_open", first=first)
    if span.last == span.first:
        return first
    return texts("tier_range", first=first, last=formatters.number(span.last))


def _rate(span: tiers.TierRange, unit: str, currency: str, texts: Texts, fmt: Formatters) -> str:
    parts = []
    if span.unit or not span.flat:
        parts.append(texts("tier_unit_price", amount=fmt.money(span.unit, currency), unit=unit))
    if span.flat:
        parts.append(texts("tier_flat_price", amount=fmt.money(span.flat, currency)))
    return " + ".join(parts)


def tier_table(
    point: PricePoint,
    units: tuple[str | None, str],
    quantity: float | None,
    currency: str,
    texts: Texts,
    formatters: Formatters,
) -> str:
    """A table of the price's tiers; the row of `quantity`'s tier is marked as the current one."""
    singular, plural = units[0] or texts("unit"), units[1]
    chosen = tiers.tier_at(point, quantity) if quantity is not None else None
    rows = []
    for index, span in enumerate(tiers.ranges(point)):
        current = index == chosen
        row = attrs({"data-selected": current, "aria-current": "true" if current else None})
        rows.append(
            f'<tr{row} part="tier-row"><th scope="row">{text(_range(span, texts, formatters))}</th>'
            f"<td>{text(_rate(span, singular, currency, texts, formatters))}</td></tr>"
        )
    mode = texts(f"tiers_mode_{_mode(point)}")
    return (
        f'<table class="tiers" part="tiers" data-tiers-mode="{text(_mode(point))}">'
        f"<caption>{text(texts('tiers_caption', mode=mode, units=plural))}</caption>"
        f'<thead><tr><th scope="col">{text(plural)}</th>'
        f'<th scope="col">{text(texts("tiers_price_column"))}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def from_price(point: PricePoint) -> Decimal:
    """The per-unit price at the smallest quantity the tiered price sells ("from $X")."""
    least = point.min_unit_quantity or 1
    return tiers.cost(point, least) / Decimal(str(least))


def quantity_total(
    point: PricePoint,
    quantity: float,
    units: tuple[str | None, str],
    currency: str,
    per: str,
    texts: Texts,
    formatters: Formatters,
) -> str:
    """'11 seats: $88 / month' for the chosen quantity, announced as it changes."""
    amount = formatters.money(tiers.cost(point, quantity), currency)
    singular, plural = units
    words = singular if quantity == 1 and singular else plural
    line = texts("tier_total", count=formatters.number(quantity), units=words, amount=amount)
    return (
        f'<p class="tier-total" part="tier-total" aria-live="polite">{text(line)} '
        f'<span class="period" part="price-period">{text(per)}</span></p>'
    )


def usage_price(
    point: PricePoint,
    units: tuple[str | None, str],
    feature_name: str,
    currency: str,
    texts: Texts,
    formatters: Formatters,
) -> str:
    """A pay-as-you-go price: its unit (or block) price, or its tier table."""
    singular, plural = units[0] or texts("unit"), units[1]
    title = texts("usage_price_title", feature=feature_name)
    if point.tiers:
        body = tier_table(point, units, None, currency, texts, formatters)
    else:
        amount = formatters.money(Decimal(point.amount or 0), currency)
        if point.block_size and point.block_size > 1:
            line = texts(
                "usage_block_price",
                amount=amount,
                count=formatters.number(point.block_size),
                units=plural,
            )
        else:
            line = texts("tier_unit_price", amount=amount, unit=singular)
        body = f'<p class="usage-rate" part="usage-rate">{text(line)}</p>'
    return (
        f'<div class="usage-price" part="usage-price"><p class="usage-title">{text(title)}</p>'
        f"{body}</div>"
    )
