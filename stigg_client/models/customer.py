"""The customer (`get_customer`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from stigg_client.models.base import StiggModel, UtcDateTime
from stigg_client.models.common import ExperimentInfo, Metadata
from stigg_client.models.subscriptions import Subscription


class Customer(StiggModel):
    """A customer with its subscriptions and promotional entitlements."""

    id: str
    name: str | None = None
    email: str | None = None
    created_at: UtcDateTime | None = None
    updated_at: UtcDateTime | None = None
    has_payment_method: bool | None = None
    promotional_entitlements: list[dict[str, Any]] = Field(default_factory=list)
    subscriptions: list[Subscription] | None = None
    metadata: Metadata | None = None
    experiment_info: ExperimentInfo | None = None
