"""Arguments in (snake_case Python) → GraphQL variables: the one `to_wire` both SDKs use."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from stigg_client.models.base import format_utc

Json = dict[str, Any]

OPAQUE_KEYS = frozenset({"metadata", "additional_meta_data", "invoice_custom_fields", "dimensions"})
"""Keys whose values are free-form JSON: their inner keys are sent exactly as given."""


def to_wire(value: Any) -> Any:
    """snake_case keys → camelCase (not inside opaque JSON), datetimes → ISO, enums → values.

    Keys whose value is None are dropped, so optional arguments that were not given are not
    sent. Pydantic models are dumped by alias first.
    """
    if isinstance(value, BaseModel):
        return to_wire(value.model_dump(by_alias=False, exclude_none=True))
    if isinstance(value, Mapping):
        result: Json = {}
        for key, item in value.items():
            if item is None:
                continue
            name = str(key)
            result[to_camel(name)] = plain(item) if name in OPAQUE_KEYS else to_wire(item)
        return result
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return plain(value)


def plain(value: Any) -> Any:
    """JSON-ready copy of a free-form value (datetimes and enums converted, keys untouched)."""
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
