"""Pure renderers: SDK models + options → HTML strings (no browser API).

The portal's renderer (and with it the SDK's portal models) is imported on first use, so that a
page without a portal never builds them.
"""

from typing import TYPE_CHECKING, Any

from widgets.render.common import (
    RenderOptions,
    render_connection_notice,
    render_state,
    ssr_element,
)
from widgets.render.paywall import PaywallOptions, render_paywall, render_period_alternatives
from widgets.render.usage import (
    UsageInfo,
    render_gate,
    render_upgrade_prompt,
    render_usage_meter,
    usage_from_metered,
)

if TYPE_CHECKING:
    from widgets.render.portal import PortalOptions, render_customer_portal

__all__ = [
    "PaywallOptions",
    "PortalOptions",
    "RenderOptions",
    "UsageInfo",
    "render_connection_notice",
    "render_customer_portal",
    "render_gate",
    "render_paywall",
    "render_period_alternatives",
    "render_state",
    "render_upgrade_prompt",
    "render_usage_meter",
    "ssr_element",
    "usage_from_metered",
]


def __getattr__(name: str) -> Any:
    if name in ("PortalOptions", "render_customer_portal"):
        from widgets.render import portal

        return getattr(portal, name)
    raise AttributeError(f"module 'widgets.render' has no attribute {name!r}")
