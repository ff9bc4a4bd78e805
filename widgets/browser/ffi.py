"""Thin FFI helpers: `Intl` formatters and DOM events (imports `js` lazily, Pyodide only)."""

from __future__ import annotations

import json
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

    def number(value: float) -> str:
        return str(numbers.format(value))

    def date(value: datetime) -> str:
        return str(dates.format(js.Date.new(value.timestamp() * 1000)))

    return Formatters(money=money, number=number, date=date)


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
    import js

    shim = nullable(getattr(js.window, "stiggElements", None))
    if shim is None:
        return []
    notes = json.loads(str(shim.takeInput(element)))
    return [note for note in notes if isinstance(note, dict)] if isinstance(notes, list) else []
