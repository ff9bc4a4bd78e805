"""Shared rendering pieces: options, loading/empty/error/offline states, SSR wrapper."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from widgets.formatting import Formatters
from widgets.markup import attrs, text
from widgets.texts import Texts

SSR_MARKER = "data-stigg-ssr"
ALTERNATIVE_MARKER = (
    "data-stigg-alternative"  # a spare rendering the shim may swap in (ssr_element)
)


@dataclass(frozen=True)
class RenderOptions:
    """Locale texts and formatters common to every widget."""

    texts: Texts = field(default_factory=Texts)
    formatters: Formatters = field(default_factory=Formatters)


def render_state(state: str, texts: Texts, message: str | None = None) -> str:
    """Markup for the loading, empty, error (with Retry) and offline states."""
    if state == "loading":
        cards = "".join('<div class="skeleton-card" part="skeleton"></div>' for _ in range(3))
        return (
            f'<div class="state state-loading" role="status" aria-busy="true" '
            f'data-state="loading"><span class="visually-hidden">{text(texts("loading"))}'
            f'</span><div class="skeleton" aria-hidden="true">{cards}</div></div>'
        )
    if state == "empty":
        return (
            f'<div class="state state-empty" part="empty" data-state="empty">'
            f'<slot name="empty"><p>{text(message or texts("empty"))}</p></slot></div>'
        )
    if state in ("error", "offline"):
        role = "alert" if state == "error" else "status"
        default = texts("error") if state == "error" else texts("offline")
        return (
            f'<div class="state state-{state}" part="{state}" role="{role}" '
            f'data-state="{state}"><p>{text(message or default)}</p>'
            f'<button type="button" part="retry" data-action="retry">'
            f"{text(texts('retry'))}</button></div>"
        )
    raise ValueError(f"unknown state {state!r}")


def render_connection_notice(texts: Texts) -> str:
    """The small "offline — showing saved data" notice a widget shows while the SDK is offline."""
    return (
        f'<p class="connection-notice" part="offline-notice" role="status">'
        f"{text(texts('stale_offline'))}</p>"
    )


def ssr_element(
    tag: str,
    attributes: Mapping[str, object],
    inner: str,
    *,
    css_href: str,
    light_dom: str = "",
    state: str = "ready",
    alternatives: Mapping[str, str] | None = None,
) -> str:
    """The whole element for server-side rendering: declarative shadow root marked for hydration.

    `inner` must come from a renderer (already escaped); `light_dom` is trusted page markup.
    `alternatives` (from a renderer too, e.g. `render_period_alternatives`) are inert
    `<template data-stigg-alternative=key>`s the element shim swaps in on input before Python is
    live; Python drops them when it takes over.
    """
    if not tag.startswith("stigg-") or not tag.replace("-", "").isalnum():
        raise ValueError(f"not a stigg element: {tag!r}")
    all_attrs = {**attributes, SSR_MARKER: True, "data-state": state}
    spare = "".join(
        f"<template{attrs({ALTERNATIVE_MARKER: key})}>{markup}</template>"
        for key, markup in (alternatives or {}).items()
    )
    return (
        f'<{tag}{attrs(all_attrs)}><template shadowrootmode="open">'
        f'<link rel="stylesheet" href="{text(css_href)}">'
        f'<div class="root" part="root" {SSR_MARKER}>{inner}</div>{spare}</template>'
        f"{light_dom}</{tag}>"
    )
