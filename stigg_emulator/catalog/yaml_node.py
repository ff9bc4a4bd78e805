"""A YAML mapping of the catalog with typed, line-aware accessors (used by the loaders)."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from stigg_emulator.catalog.yaml_lines import CatalogError, LineDict, LineList

_MISSING = object()


class Node:
    """A mapping from the YAML with typed, line-aware accessors."""

    def __init__(self, path: Path, data: Any, line: int, where: str) -> None:
        self.path = path
        self.where = where
        if not isinstance(data, LineDict):
            raise CatalogError(path, line, f"{where} must be a mapping")
        self.data = data
        self.used: set[str] = set()

    def error(self, key: str | None, message: str) -> CatalogError:
        line = self.data.key_lines.get(key, self.data.line) if key else self.data.line
        return CatalogError(self.path, line, f"{self.where}: {message}")

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        self.used.add(key)
        if key in self.data and self.data[key] is not None:
            return self.data[key]
        if default is _MISSING:
            raise self.error(None, f"missing required field {key!r}")
        return default

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool | dict | list):
            raise self.error(key, f"{key!r} must be a string")
        return str(value)

    def choice(self, key: str, choices: tuple[str, ...], default: Any = _MISSING) -> Any:
        value = self.text(key, default)
        if value is not default and value not in choices:
            raise self.error(key, f"{key!r} must be one of {', '.join(choices)} (got {value!r})")
        return value

    def bool(self, key: str, default: bool = False) -> bool:
        value = self.raw(key, default)
        if not isinstance(value, bool):
            raise self.error(key, f"{key!r} must be true or false")
        return value

    def int(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"{key!r} must be an integer")
        return value

    def number(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"{key!r} must be a number")
        if not math.isfinite(value):
            raise self.error(key, f"{key!r} must be a finite number (got {value!r})")
        if value < 0:
            raise self.error(key, f"{key!r} must not be negative")
        return float(value)

    def decimal(self, key: str) -> Decimal:
        value = self.raw(key)
        if isinstance(value, bool):
            raise self.error(key, f"{key!r} must be a number")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise self.error(key, f"{key!r} must be a number (got {value!r})") from None
        if not amount.is_finite():
            raise self.error(key, f"{key!r} must be a finite number (got {value!r})")
        if amount < 0:
            raise self.error(key, f"{key!r} must not be negative")
        return amount

    def mapping(self, key: str) -> dict[str, Any] | None:
        value = self.raw(key, None)
        if value is not None and not isinstance(value, dict):
            raise self.error(key, f"{key!r} must be a mapping")
        return plain(value) if value is not None else None

    def items(self, key: str, where: str) -> list[Node]:
        value = self.raw(key, None)
        if value is None:
            return []
        if not isinstance(value, LineList):
            raise self.error(key, f"{key!r} must be a list")
        return [
            Node(self.path, item, line, f"{where} #{index + 1}")
            for index, (item, line) in enumerate(zip(value, value.item_lines, strict=True))
        ]

    def strings(self, key: str, choices: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.raw(key, None)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(key, f"{key!r} must be a list of strings")
        for item in value:
            if choices and item not in choices:
                raise self.error(key, f"{key!r}: {item!r} is not one of {', '.join(choices)}")
        return tuple(value)

    def check_unknown(self) -> None:
        for key in self.data:
            if key not in self.used:
                raise self.error(key, f"unknown field {key!r}")


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
