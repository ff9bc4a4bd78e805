"""Usage history of a customer's metered feature (docs/protocol.md §2.3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from stigg_client.core import usage_history
from stigg_client.models.usage import UsageHistoryPoint, UsageHistoryV2
from stigg_client.server.state import ServerState


class UsageHistoryPart(ServerState):
    """`fetch_usage_history` (Stigg's first shape) and `get_usage_history` (its V2, grouped)."""

    async def fetch_usage_history(
        self,
        customer_id: str,
        feature_id: str,
        start_date: datetime,
        *,
        end_date: datetime | None = None,
        resource_id: str | None = None,
    ) -> list[UsageHistoryPoint]:
        """The feature's usage from `start_date` to `end_date` (default now) as points.

        Stigg deprecated this shape in favour of `get_usage_history`.
        """
        return await usage_history.fetch_usage_history(
            self.api,
            customer_id=customer_id,
            feature_id=feature_id,
            start_date=start_date,
            end_date=end_date,
            resource_id=resource_id,
        )

    async def get_usage_history(
        self,
        customer_id: str,
        feature_id: str,
        start_date: datetime,
        *,
        end_date: datetime | None = None,
        resource_id: str | None = None,
        group_by: Sequence[str] | None = None,
        include_inactive_subscriptions: bool | None = None,
        paging: Mapping[str, Any] | None = None,
    ) -> UsageHistoryV2:
        """The feature's usage over time: reset markers and one series per combination of the
        `group_by` dimensions' values (one untagged series when not grouped).

        `paging` (`first`, `after`, `last`, `before`) pages through the series.
        """
        return await usage_history.get_usage_history(
            self.api,
            customer_id=customer_id,
            feature_id=feature_id,
            start_date=start_date,
            end_date=end_date,
            resource_id=resource_id,
            group_by=group_by,
            include_inactive_subscriptions=include_inactive_subscriptions,
            paging=paging,
        )
