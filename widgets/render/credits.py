"""Credit widgets: balance, utilization meter, usage chart (a line chart per feature) and grants
table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from stigg_client.models.credits import (
    CreditEntitlement,
    CreditGrant,
    CreditUsage,
    CreditUsagePoint,
)
from widgets.markup import text
from widgets.render.chart import (
    SERIES_CLASSES,
    ChartPoint,
    ChartSeries,
    ChartSpec,
    render_line_chart,
)
from widgets.render.common import RenderOptions
from widgets.render.usage import UsageInfo, render_usage_meter

LOW_AT = 0.2
"""A balance below this share of what was granted is shown as running low."""


def _units(entitlement: CreditEntitlement, amount: float) -> str:
    currency = entitlement.currency
    singular = currency.unit_singular or currency.display_name
    return singular if amount == 1 else (currency.unit_plural or currency.display_name)


def _currency_name(entitlement: CreditEntitlement) -> str:
    return entitlement.currency.display_name or entitlement.currency.currency_id


def _key(value: str) -> str:
    """`value` as a piece of an element id (letters, digits and dashes)."""
    return "".join(char if char.isalnum() else "-" for char in value)


def credit_level(entitlement: CreditEntitlement) -> str:
    """none (no credits of this currency), empty, low (below 20 % of granted) or ok."""
    if entitlement.is_fallback and not entitlement.has_access:
        return "none"
    if entitlement.usage_limit is None and not entitlement.has_access:
        return "none"
    if entitlement.balance <= 0:
        return "empty"
    granted = entitlement.usage_limit or 0
    return "low" if granted and entitlement.balance < granted * LOW_AT else "ok"


def render_credit_balance(
    currency_id: str,
    entitlement: CreditEntitlement,
    options: RenderOptions | None = None,
    *,
    add_credits: bool = False,
) -> str:
    """The balance in big type, a low/empty notice, and an optional "Add credits" button
    (`data-action="add-credits"`)."""
    options = options or RenderOptions()
    texts, number = options.texts, options.formatters.number
    level = credit_level(entitlement)
    name = _currency_name(entitlement)
    label_id = f"credit-label-{_key(currency_id)}"
    if level == "none":
        amount = text(texts("credit_not_granted", currency=name))
    else:
        balance = max(entitlement.balance, 0.0)  # an overdraft shows as none left
        amount = text(
            texts(
                "credit_balance_value",
                amount=number(balance),
                units=_units(entitlement, balance),
            )
        )
    notice = ""
    if level in ("low", "empty"):
        key = "credit_balance_low" if level == "low" else "credit_balance_empty"
        notice = f'<p class="credit-alert" part="credit-alert">{text(texts(key))}</p>'
    button = ""
    if add_credits:
        button = (
            f'<button type="button" class="cta secondary" part="add-credits" '
            f'data-action="add-credits">{text(texts("credit_add"))}</button>'
        )
    return (
        f'<div class="credit-balance" part="credit-balance" data-currency-id="{text(currency_id)}"'
        f' data-level="{level}"><p class="credit-label" id="{label_id}" part="credit-label">'
        f"{text(texts('credit_balance_label', currency=name))}</p>"
        f'<p class="credit-amount" part="credit-amount" aria-live="polite">{amount}</p>'
        f"{notice}{button}</div>"
    )


def credit_usage_info(currency_id: str, entitlement: CreditEntitlement) -> UsageInfo:
    """The credits consumed of those granted in the current period, as a usage meter shows
    usage (a currency without credits reads "not included")."""
    granted = entitlement.usage_limit or 0.0
    used = entitlement.current_usage or 0.0
    return UsageInfo(
        feature_id=currency_id,
        name=_currency_name(entitlement),
        used=min(used, granted) if granted else used,
        limit=granted,
        units=_units(entitlement, granted),
        resets_at=entitlement.usage_period_end,
        has_access=credit_level(entitlement) != "none",
    )


def render_credit_utilization(
    currency_id: str, entitlement: CreditEntitlement, options: RenderOptions | None = None
) -> str:
    """A labelled `<meter>` of the credits consumed of those granted in the current period,
    warning from 80 % consumed (below 20 % left)."""
    info = credit_usage_info(currency_id, entitlement)
    return render_usage_meter(info, options, warning_at=1 - LOW_AT)


def _used_so_far(
    points: Sequence[CreditUsagePoint], start: datetime | None
) -> tuple[ChartPoint, ...]:
    """Each bucket's credits added up: the credits used so far at each moment (from 0 at
    `start`, when given)."""
    total = 0.0
    line = [ChartPoint(start, 0.0)] if start is not None else []
    for point in sorted(points, key=lambda item: item.timestamp):
        total += point.value
        line.append(ChartPoint(point.timestamp, total))
    return tuple(line)


def render_credit_usage_chart(
    currency_id: str,
    usage: CreditUsage,
    options: RenderOptions | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> str:
    """The credits used so far over the range (`start`..`end`), one line per feature
    (`render_line_chart`: an SVG described for screen readers, with the numbers in a table),
    under a heading and with a legend."""
    options = options or RenderOptions()
    texts = options.texts
    currency = usage.currency.display_name if usage.currency else currency_id
    units = usage.currency.units.plural if usage.currency and usage.currency.units else None
    title = texts("credit_usage_title", currency=currency)
    heading = f'<h3 part="chart-title">{text(title)}</h3>'
    series = tuple(
        ChartSeries(
            item.feature_name or item.feature_id or texts("credit_usage_other"),
            _used_so_far(item.points, start),
        )
        for item in usage.series
        if item.points
    )
    opening = (
        f'<section class="credit-chart" part="credit-chart" data-currency-id="{text(currency_id)}"'
    )
    if not any(point.value for item in usage.series for point in item.points):
        return (
            f'{opening} data-empty="true">{heading}<p class="chart-empty" part="chart-empty">'
            f"{text(texts('credit_usage_empty'))}</p></section>"
        )
    spec = ChartSpec(
        chart_id=f"credit-usage-{_key(currency_id)}",
        title=title,
        series=series,
        units=units or currency,
        start=start,
        end=end,
    )
    legend = "".join(
        f'<li><span class="swatch series-{index % SERIES_CLASSES + 1}" aria-hidden="true"></span>'
        f"{text(line.name)}</li>"
        for index, line in enumerate(series)
    )
    return (
        f"{opening}>{heading}{render_line_chart(spec, options)}"
        f'<ul class="chart-legend" part="chart-legend" aria-hidden="true">{legend}</ul></section>'
    )


def render_credit_grants(
    grants: Sequence[CreditGrant], options: RenderOptions | None = None
) -> str:
    """A table of grants: source, amount, used, expiry and status."""
    options = options or RenderOptions()
    texts, number, date = options.texts, options.formatters.number, options.formatters.date
    title = (
        f'<h3 class="grants-title" id="grants-title" part="grants-title">'
        f"{text(texts('credit_grants_title'))}</h3>"
    )
    if not grants:
        return (
            f'<section class="credit-grants" part="credit-grants" aria-labelledby="grants-title">'
            f'{title}<p class="grants-empty">{text(texts("credit_grants_empty"))}</p></section>'
        )
    columns = ("credit_grant_source", "credit_grant_amount", "credit_grant_used")
    head = "".join(f'<th scope="col">{text(texts(column))}</th>' for column in columns)
    head += f'<th scope="col">{text(texts("credit_grant_expiry"))}</th>'
    rows = []
    for grant in grants:
        kind = texts(f"credit_grant_{grant.grant_type}")
        status = str(grant.status or "")
        badge = (
            f'<span class="badge" data-status="{text(status)}">'
            f"{text(texts(f'credit_status_{status}'))}</span>"
            if status
            else ""
        )
        expiry = date(grant.expire_at) if grant.expire_at else texts("credit_grant_never")
        rows.append(
            f'<tr data-grant-id="{text(grant.grant_id)}" data-status="{text(status)}">'
            f'<th scope="row"><span class="grant-name">{text(grant.display_name or kind)}</span>'
            f' <span class="grant-kind">{text(kind)}</span>{badge}</th>'
            f'<td class="num">{text(number(grant.amount))}</td>'
            f'<td class="num">{text(number(grant.consumed_amount))}</td>'
            f"<td>{text(expiry)}</td></tr>"
        )
    return (
        f'<section class="credit-grants" part="credit-grants" aria-labelledby="grants-title">'
        f'{title}<table part="grants-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )
