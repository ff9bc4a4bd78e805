"""Credit widgets: balance, utilization meter, usage chart (SVG with a table) and grants table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from stigg_client.models.credits import CreditEntitlement, CreditGrant, CreditUsage
from widgets.markup import text
from widgets.render.common import RenderOptions
from widgets.render.usage import UsageInfo, render_usage_meter

LOW_AT = 0.2
"""A balance below this share of what was granted is shown as running low."""
SERIES_COLORS = 6
"""Chart series cycle through this many `--stigg-color-chart-N` colours."""
CHART_WIDTH, CHART_HEIGHT = 600, 160


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


def _series_name(name: str | None, feature_id: str | None, options: RenderOptions) -> str:
    return name or feature_id or options.texts("credit_usage_other")


def render_credit_usage_chart(
    currency_id: str, usage: CreditUsage, options: RenderOptions | None = None
) -> str:
    """Stacked bars of the credits burnt per day and feature: an SVG described for screen
    readers, a legend, and the same numbers as a table."""
    options = options or RenderOptions()
    texts, number, date = options.texts, options.formatters.number, options.formatters.date
    currency = usage.currency.display_name if usage.currency else currency_id
    key = _key(currency_id)
    title = texts("credit_usage_title", currency=currency)
    heading = (
        f'<h3 class="chart-title" id="chart-title-{key}" part="chart-title">{text(title)}</h3>'
    )
    series = [item for item in usage.series if item.points]
    if not series or not any(point.value for item in series for point in item.points):
        return (
            f'<figure class="credit-chart" part="credit-chart" data-currency-id="'
            f'{text(currency_id)}" data-empty="true">{heading}'
            f'<p class="chart-empty" part="chart-empty">{text(texts("credit_usage_empty"))}'
            f"</p></figure>"
        )
    days: list[datetime] = sorted({point.timestamp for item in series for point in item.points})
    values = [
        {point.timestamp: point.value for point in item.points} for item in series
    ]  # per series: day -> credits
    totals = [sum(row.get(day, 0.0) for row in values) for day in days]
    peak = max(totals) or 1.0
    names = [_series_name(item.feature_name, item.feature_id, options) for item in series]
    units = usage.currency.units.plural if usage.currency and usage.currency.units else None
    units = units or currency
    step = CHART_WIDTH / len(days)
    bar = min(max(step * 0.7, 1.0), 48.0)
    rects: list[str] = []
    for column, day in enumerate(days):
        bottom = float(CHART_HEIGHT)
        for index, row in enumerate(values):
            value = row.get(day, 0.0)
            if not value:
                continue
            height = value / peak * (CHART_HEIGHT - 4)
            bottom -= height
            tip = f"{date(day)} \u00b7 {names[index]}: {number(value)}"
            left = column * step + (step - bar) / 2
            rects.append(
                f'<rect class="series-{index % SERIES_COLORS}" x="{left:.1f}"'
                f' y="{bottom:.1f}" width="{bar:.1f}" height="{height:.1f}">'
                f"<title>{text(tip)}</title></rect>"
            )
    features = ", ".join(
        texts("credit_usage_feature", feature=name, amount=number(item.total_credits))
        for name, item in zip(names, series, strict=True)
    )
    summary = texts(
        "credit_usage_summary",
        total=number(sum(totals)),
        units=units,
        start=date(days[0]),
        end=date(days[-1]),
        features=features,
    )
    svg = (
        f'<svg class="chart" part="chart" role="img" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'preserveAspectRatio="none" aria-labelledby="chart-title-{key} chart-desc-{key}">'
        f'<desc id="chart-desc-{key}">{text(summary)}</desc>'
        f'<line class="baseline" x1="0" y1="{CHART_HEIGHT}" x2="{CHART_WIDTH}" '
        f'y2="{CHART_HEIGHT}"></line>{"".join(rects)}</svg>'
    )
    axis = (
        f'<div class="chart-axis" part="chart-axis" aria-hidden="true">'
        f"<span>{text(date(days[0]))}</span><span>{text(date(days[-1]))}</span></div>"
    )
    legend = "".join(
        f'<li><span class="swatch series-{index % SERIES_COLORS}" aria-hidden="true"></span>'
        f"{text(name)}</li>"
        for index, name in enumerate(names)
    )
    return (
        f'<figure class="credit-chart" part="credit-chart" data-currency-id="{text(currency_id)}">'
        f'{heading}<p class="chart-peak" aria-hidden="true">{text(number(peak))}</p>{svg}{axis}'
        f'<ul class="chart-legend" part="chart-legend" aria-hidden="true">{legend}</ul>'
        f"{_usage_table(days, values, names, totals, options)}</figure>"
    )


def _usage_table(
    days: Sequence[datetime],
    values: Sequence[dict[datetime, float]],
    names: Sequence[str],
    totals: Sequence[float],
    options: RenderOptions,
) -> str:
    texts, number = options.texts, options.formatters.number
    head = "".join(f'<th scope="col">{text(name)}</th>' for name in names)
    rows = "".join(
        f'<tr><th scope="row">{text(options.formatters.date(day))}</th>'
        + "".join(f"<td>{text(number(row.get(day, 0.0)))}</td>" for row in values)
        + f"<td>{text(number(total))}</td></tr>"
        for day, total in zip(days, totals, strict=True)
    )
    return (
        f'<details class="chart-table" part="chart-table"><summary>'
        f"{text(texts('credit_usage_table'))}</summary><table><thead><tr>"
        f'<th scope="col">{text(texts("credit_usage_date"))}</th>{head}'
        f'<th scope="col">{text(texts("credit_usage_total"))}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></details>"
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
