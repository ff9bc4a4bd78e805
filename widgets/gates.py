"""What `<stigg-gate>` decides: the check that fits the feature's type, from its attributes.

The gate asks the SDK's unified `get_entitlement`, which answers in the shape of the feature's
type: a metered feature with `requested-usage` applied, an ENUM feature with
`requested-values`, a numeric one that `min-value` then compares with its value, or a boolean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stigg_client.models.entitlements import NumericEntitlement

if TYPE_CHECKING:
    from widgets.client import StiggClient


class GateAttributeError(ValueError):
    """A gate attribute that is not what it should be (a number, or a list of values)."""


@dataclass(frozen=True)
class GateRequest:
    """A gate's question: its feature and, per feature type, what it asks for."""

    feature_id: str
    requested_usage: float | None = None
    requested_values: tuple[str, ...] | None = None
    min_value: float | None = None

    @classmethod
    def from_attributes(
        cls,
        feature_id: str | None,
        requested_usage: str | None = None,
        requested_values: str | None = None,
        min_value: str | None = None,
    ) -> GateRequest:
        """Parse the element's attributes; `requested-values` is separated by commas or spaces.

        Raises `GateAttributeError` for a number attribute that is not a finite number >= 0.
        """
        values = None
        if requested_values is not None:
            values = tuple(requested_values.replace(",", " ").split())
        return cls(
            feature_id=feature_id or "",
            requested_usage=_number("requested-usage", requested_usage),
            requested_values=values,
            min_value=_number("min-value", min_value),
        )


def _number(name: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise GateAttributeError(f"{name} must be a number, not {text!r}") from None
    if not 0 <= value < float("inf"):
        raise GateAttributeError(f"{name} must be a finite number >= 0, not {text!r}")
    return value


def gate_grants(client: StiggClient, request: GateRequest) -> bool:
    """Whether the gate shows its content: the fitting check grants access and, for a numeric
    feature with `min_value`, its value is unlimited or at least `min_value`."""
    result = client.get_entitlement(
        request.feature_id,
        requested_usage=request.requested_usage,
        requested_values=request.requested_values,
    )
    if not result.has_access:
        return False
    if request.min_value is not None and isinstance(result, NumericEntitlement):
        return bool(result.is_unlimited) or (result.value or 0.0) >= request.min_value
    return True
