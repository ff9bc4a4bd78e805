"""Escaping helpers: every catalog string goes through these before it reaches HTML."""

from __future__ import annotations

import html
from collections.abc import Mapping


def text(value: object) -> str:
    """`value` as HTML text (escaped)."""
    return html.escape("" if value is None else str(value), quote=True)


def attrs(values: Mapping[str, object]) -> str:
    """` name="value"` pairs; `True` gives a bare attribute, `None`/`False` leaves it out."""
    parts: list[str] = []
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{html.escape(str(value), quote=True)}"')
    return "".join(parts)
