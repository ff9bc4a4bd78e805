"""Shared pydantic base and field types: camelCase aliases, UTC datetimes, money, open enums."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel

E = TypeVar("E", bound=StrEnum)


class StiggModel(BaseModel):
    """Base of every SDK model: snake_case attributes, camelCase JSON, unknown fields ignored.

    Validators and serialisers are built on a model's first use (`defer_build`), not at import:
    a page pays only for the models it validates (see the README's start-up cuts).
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        extra="ignore",
        defer_build=True,
    )


def format_utc(value: datetime) -> str:
    """Render a datetime like JavaScript's `Date.toISOString()`: UTC, milliseconds, `Z`."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _as_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


UtcDateTime = Annotated[
    datetime,
    BeforeValidator(_as_utc),
    PlainSerializer(format_utc, return_type=str, when_used="json"),
]
"""A timezone-aware UTC datetime that serialises to JSON as `2022-09-01T00:00:00.000Z`."""

Amount = Annotated[Decimal, PlainSerializer(_number, return_type=float, when_used="json")]
"""Money amounts are `Decimal` in Python and plain JSON numbers on the wire."""


def open_enum(enum_cls: type[E]) -> BeforeValidator:
    """Validator for `Annotated[SomeEnum | str, open_enum(SomeEnum)]` fields.

    Known wire values become enum members; any other string is kept as-is (forward compatible,
    and it keeps the spellings used by Stigg's documentation examples).
    """

    def coerce(value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, enum_cls):
            try:
                return enum_cls(value)
            except ValueError:
                return value
        return value

    return BeforeValidator(coerce)


M = TypeVar("M", bound=BaseModel)


class Builder:
    """Builds instances of one frozen model class from trusted values without validation, fast.

    Equivalent to `model_construct(_fields_set=fields_set, **values)` for values that already have
    the right types, with the defaults precomputed. The class must be frozen, because every
    instance shares the `fields_set` object.
    """

    __slots__ = ("_cls", "_defaults", "_fields_set")

    def __init__(self, cls: type[BaseModel], fields_set: set[str]) -> None:
        if not cls.model_config.get("frozen"):
            raise TypeError(f"{cls.__name__} must be frozen to share its fields_set")
        self._cls = cls
        self._defaults = {
            name: info.get_default(call_default_factory=True)
            for name, info in cls.model_fields.items()
        }
        self._fields_set = fields_set

    def __call__(self, values: dict[str, Any]) -> Any:
        """A new instance with `values` over the defaults."""
        data = self._defaults.copy()
        data.update(values)
        instance = _new(self._cls)
        _set(instance, "__dict__", data)
        _set(instance, "__pydantic_fields_set__", self._fields_set)
        _set(instance, "__pydantic_extra__", None)
        _set(instance, "__pydantic_private__", None)
        return instance


_new = object.__new__
_set = object.__setattr__
