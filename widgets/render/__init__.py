"""Pure renderers: SDK models + options → HTML strings (no browser API)."""

from widgets.render.common import (
    RenderOptions,
    render_connection_notice,
    render_state,
    ssr_element,
)
from widgets.render.paywall import PaywallOptions, render_paywall
from widgets.render.portal import PortalOptions, render_customer_portal
from widgets.render.usage import (
    UsageInfo,
    render_gate,
    render_upgrade_prompt,
    render_usage_meter,
    usage_from_metered,
)

__all__ = [
    "PaywallOptions",
    "PortalOptions",
    "RenderOptions",
    "UsageInfo",
    "render_connection_notice",
    "render_customer_portal",
    "render_gate",
    "render_paywall",
    "render_state",
    "render_upgrade_prompt",
    "render_usage_meter",
    "ssr_element",
    "usage_from_metered",
]
