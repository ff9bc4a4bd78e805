"""Small value types shared by several results: money, date ranges, experiments, features."""

from __future__ import annotations

from typing import Any

from stigg_client.models.base import Amount, StiggModel, UtcDateTime
from stigg_client.models.enums import ExperimentGroupTypeValue


class Money(StiggModel):
    """An amount in a currency (ISO-4217 code)."""

    amount: Amount
    currency: str


class DateRange(StiggModel):
    """A period with optional ends."""

    start: UtcDateTime | None = None
    end: UtcDateTime | None = None


class ExperimentInfo(StiggModel):
    """The experiment (A/B test) a customer or subscription takes part in."""

    id: str | None = None
    name: str | None = None
    group_name: str | None = None
    group_type: ExperimentGroupTypeValue | None = None


class ResourceRef(StiggModel):
    """A customer resource, by id."""

    id: str


Metadata = dict[str, Any]
