"""Usage meters, gates and upgrade prompts."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from stigg_client.models.entitlements import MeteredEntitlement
from stigg_client.models.paywall import Paywall
from widgets import pricing
from widgets.markup import attrs, text
from widgets.render.common import RenderOptions

WARNING_AT = 0.7


@dataclass(frozen=True)
class UsageInfo:
    """One metered feature's usage, whatever model it came from."""

    feature_id: str
    name: str
    used: float
    limit: float | None
    unlimited: bool = False
    units: str = ""
    resets_at: datetime | None = None
    has_access: bool = True
    period_start: datetime | None = None


def usage_from_metered(feature_id: str, result: MeteredEntitlement) -> UsageInfo:
    """Adapt the SDK's `get_metered_entitlement` result."""
    feature = result.feature
    name = (feature.display_name if feature else None) or feature_id
    units = (feature.units_plural or feature.units or "") if feature else ""
    return UsageInfo(
        feature_id=feature_id,
        name=name,
        used=float(result.current_usage or 0),
        limit=result.usage_limit,
        unlimited=bool(result.is_unlimited),
        units=units,
        resets_at=result.usage_period_end,
        period_start=result.usage_period_start,
        # No entitlement: denied with neither a limit nor unlimited usage (at the limit keeps one).
        has_access=bool(result.has_access or result.is_unlimited or result.usage_limit is not None),
    )


def usage_level(info: UsageInfo, warning_at: float = WARNING_AT) -> str:
    """ok, warning (≥ 70 % by default) or exceeded (≥ 100 %)."""
    if info.unlimited or not info.limit:
        return "ok"
    ratio = info.used / info.limit
    if ratio >= 1:
        return "exceeded"
    return "warning" if ratio >= warning_at else "ok"


def render_usage_meter(
    info: UsageInfo,
    options: RenderOptions | None = None,
    warning_at: float = WARNING_AT,
    history: str = "",
) -> str:
    """A labelled `<meter>` with value text, reset date and warning/exceeded text; `history`
    is the chart markup to show under it (`widgets.render.usage_chart`)."""
    options = options or RenderOptions()
    texts, number = options.texts, options.formatters.number
    level = usage_level(info, warning_at)
    if not info.has_access:
        value_text = texts("usage_not_included")
        meter = ""
    elif info.unlimited or not info.limit:
        value_text = texts("usage_value_unlimited", used=number(info.used), units=info.units)
        meter = ""
    else:
        value_text = texts(
            "usage_value", used=number(info.used), limit=number(info.limit), units=info.units
        )
        meter_attrs = attrs(
            {
                "part": "meter",
                "min": "0",
                "max": _plain(info.limit),
                "value": _plain(min(info.used, info.limit)),
                "low": _plain(info.limit * warning_at),
                "high": _plain(info.limit * 0.999),
                "optimum": "0",
                "aria-labelledby": f"usage-name-{info.feature_id}",
                "aria-valuetext": value_text,
            }
        )
        meter = f"<meter{meter_attrs}></meter>"
    reset = ""
    if info.resets_at is not None:
        date = options.formatters.date(info.resets_at)
        reset = f'<p class="reset" part="meter-reset">{text(texts("resets_on", date=date))}</p>'
    alert = ""
    if level != "ok":
        key = "usage_warning" if level == "warning" else "usage_exceeded"
        icon = "!" if level == "warning" else "\u00d7"  # multiplication sign
        alert = (
            f'<p class="usage-alert" part="meter-alert"><span class="usage-icon" '
            f'aria-hidden="true">{icon}</span> {text(texts(key))}</p>'
        )
    footer = f'<div class="usage-footer">{reset}{alert}</div>' if reset or alert else ""
    return (
        f'<div class="usage-meter" part="usage" data-feature-id="{text(info.feature_id)}" '
        f'data-usage-level="{level}"><div class="usage-header" part="meter-header">'
        f'<p class="usage-name" id="usage-name-{text(info.feature_id)}" part="meter-name">'
        f"{text(info.name)}</p>"
        f'<p class="usage-value" part="meter-value">{text(value_text)}</p></div>'
        f"{meter}{footer}{history}</div>"
    )


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")


def render_gate(has_access: bool, options: RenderOptions | None = None) -> str:
    """The gate's shadow content: its default slot when granted, else the `denied` slot."""
    options = options or RenderOptions()
    if has_access:
        return '<div class="gate" part="gate" data-access="granted"><slot></slot></div>'
    return (
        f'<div class="gate" part="gate" data-access="denied"><slot name="denied">'
        f'<p class="denied" part="denied">{text(options.texts("access_denied"))}</p></slot></div>'
    )


def render_upgrade_prompt(
    paywall: Paywall,
    feature_id: str,
    requested: float | None = None,
    options: RenderOptions | None = None,
    href: str | None = None,
    current_usage: float = 0,
    current_plan_ids: Collection[str] = (),
) -> str:
    """'Upgrade to {cheapest plan that unlocks the feature} to unlock {feature}.'

    A plan qualifies when it grants current usage + requested (default 1) and ranks above the
    customer's current plan(s) (see `pricing.cheapest_unlocking`).
    """
    options = options or RenderOptions()
    texts = options.texts
    needed = current_usage + (1 if requested is None else requested)
    plan = pricing.cheapest_unlocking(paywall.plans, feature_id, needed, current_plan_ids)
    feature_name = feature_id
    for candidate in paywall.plans:
        for entitlement in pricing.effective_entitlements(candidate):
            if entitlement.feature.id == feature_id and entitlement.feature.display_name:
                feature_name = entitlement.feature.display_name
    if plan is None:
        message = texts("upgrade_prompt_none", feature=feature_name)
        return (
            f'<div class="upgrade-prompt" part="upgrade-prompt" data-plan-id="">'
            f"<p>{text(message)}</p></div>"
        )
    message = texts("upgrade_prompt", plan=plan.display_name or plan.id, feature=feature_name)
    label = texts("upgrade_prompt_cta")
    if href:
        action = f'<a part="cta" class="cta" href="{text(href)}">{text(label)}</a>'
    else:
        action = (
            f'<button type="button" part="cta" class="cta" data-action="upgrade" '
            f'data-plan-id="{text(plan.id)}">{text(label)}</button>'
        )
    return (
        f'<div class="upgrade-prompt" part="upgrade-prompt" data-plan-id="{text(plan.id)}">'
        f"<p>{text(message)}</p>{action}</div>"
    )
