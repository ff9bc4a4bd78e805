"""Every browser access of the widgets: `Intl` formatters, DOM events and listeners, the element
shim, navigation (imports `js` and `pyodide` lazily, so the package imports in CPython)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from widgets.formatting import Formatters


def js_object(value: dict[str, Any]) -> Any:
    """A plain JS object (not a Map) from a dict."""
    import js
    from pyodide.ffi import to_js

    return to_js(value, dict_converter=js.Object.fromEntries)


def intl_formatters(locale: str) -> Formatters:
    """Formatters built on the browser's `Intl` for `locale`."""
    import js

    numbers = js.Intl.NumberFormat.new(locale)
    dates = js.Intl.DateTimeFormat.new(locale, js_object({"dateStyle": "medium"}))
    money_cache: dict[str, Any] = {}

    def money(amount: Decimal, currency: str) -> str:
        fmt = money_cache.get(currency)
        if fmt is None:
            options = {"style": "currency", "currency": currency, "maximumFractionDigits": 2}
            fmt = money_cache[currency] = js.Intl.NumberFormat.new(locale, js_object(options))
        value = float(amount)
        if value.is_integer():
            fmt_whole = js.Intl.NumberFormat.new(
                locale,
                js_object({"style": "currency", "currency": currency, "maximumFractionDigits": 0}),
            )
            return str(fmt_whole.format(value))
        return str(fmt.format(value))

    def exact_money(amount: Decimal, currency: str) -> str:
        money(amount, currency)  # builds the currency's formatter (two fraction digits)
        return str(money_cache[currency].format(float(amount)))

    def number(value: float) -> str:
        return str(numbers.format(value))

    def date(value: datetime) -> str:
        return str(dates.format(js.Date.new(value.timestamp() * 1000)))

    return Formatters(money=money, exact_money=exact_money, number=number, date=date)


def dispatch(element: Any, name: str, detail: dict[str, Any]) -> bool:
    """Fire a bubbling, composed, cancelable CustomEvent; False when a listener cancelled it."""
    import js

    init = js_object({"detail": detail, "bubbles": True, "composed": True, "cancelable": True})
    return bool(element.dispatchEvent(js.CustomEvent.new(name, init)))


def nullable(value: Any) -> Any:
    """`value` with JS `null` (Pyodide's `jsnull`) turned into None."""
    if value is None:
        return None
    try:
        from pyodide.ffi import jsnull
    except ImportError:
        return value
    return None if value is jsnull else value


def recorded_input(element: Any) -> list[dict[str, Any]]:
    """What the element shim noted of the visitor's input on `element` before Python was live
    (oldest first: `type`, `selector`, `value`, `checked`), taking it from the shim."""
    shim = _shim()
    if shim is None:
        return []
    notes = json.loads(str(shim.takeInput(element)))
    return [note for note in notes if isinstance(note, dict)] if isinstance(notes, list) else []


def element_by_id(element_id: str) -> Any:
    """The document's element with `element_id`, or None."""
    import js

    return nullable(js.document.getElementById(element_id))


def listen(target: Any, kind: str, callback: Callable[[Any], None]) -> Callable[[], None]:
    """Call `callback(event)` on `kind` events at `target`; returns a function that stops it."""
    from pyodide.ffi import create_proxy

    proxy = create_proxy(callback)
    target.addEventListener(kind, proxy)

    def stop() -> None:
        target.removeEventListener(kind, proxy)
        proxy.destroy()

    return stop


def browser_online() -> bool:
    """`navigator.onLine`: False when the browser knows it has no network."""
    import js

    return bool(js.navigator.onLine)


def navigate(url: str) -> None:
    """Go to `url` (`location.assign`)."""
    import js

    js.window.location.assign(url)


async def register_with_shim(callback: Callable[[str, Any, Any, Any, Any], None]) -> None:
    """Hand the element shim (`stigg-elements.js`) the lifecycle `callback`; the shim replays
    the calls it queued. Waits for the shim when it has not run yet."""
    import js
    from pyodide.ffi import create_proxy

    if _shim() is None:
        await js.customElements.whenDefined("stigg-paywall")
    js.window.stiggElements.register(create_proxy(callback))


def _shim() -> Any:
    """The element shim's `window.stiggElements`, or None when the page has not loaded it."""
    import js

    return nullable(getattr(js.window, "stiggElements", None))


def save_snapshot(
    element: Any,
    customer_id: str | None,
    html: str,
    state: str,
    spares: Mapping[str, str] | None = None,
) -> None:
    """Keep `element`'s rendered markup (and its `spares`, by alternative key) for the shim to
    paint on the next visit of the same customer (None: anonymous); other customers' go."""
    shim = _shim()
    if shim is not None and nullable(getattr(shim, "saveSnapshot", None)) is not None:
        shim.saveSnapshot(element, customer_id or "", html, state, json.dumps(dict(spares or {})))


def clear_snapshots() -> None:
    """Drop every saved markup snapshot (e.g. when the visitor signs out)."""
    shim = _shim()
    if shim is not None and nullable(getattr(shim, "clearSnapshots", None)) is not None:
        shim.clearSnapshots()


def select_plan(element: Any, button: Any, customer_id: str | None) -> dict[str, Any]:
    """Run the shim's plan selection for `button` of paywall `element` (its cancelable
    `stigg-plan-selected`, then `cta-href`); returns the event's detail."""
    detail: dict[str, Any] = _shim().selectPlan(element, button, customer_id).to_py()
    return detail
