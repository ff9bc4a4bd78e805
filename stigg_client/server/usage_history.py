"""Usage history of a customer's metered feature (docs/protocol.md §2.3)."""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from stigg_client.core import usage_history
from stigg_client.core.usage_history import FetchUsageHistoryOptions, UsageHistoryOptions
from stigg_client.models.usage import UsageHistoryPoint, UsageHistoryV2
from stigg_client.server.state import ServerState


class UsageHistoryPart(ServerState):
    """`fetch_usage_history` (Stigg's first shape) and `get_usage_history` (its V2, grouped)."""

    async def fetch_usage_history(
        self,
        customer_id: str,
        feature_id: str,
        start_date: datetime,
        **options: Unpack[FetchUsageHistoryOptions],
    ) -> list[UsageHistoryPoint]:
        """The feature's usage from `start_date` to `end_date` (default now) as points, at the
        customer level or in `resource_id`. Stigg deprecated this shape for `get_usage_history`.
        """
        return await usage_history.fetch_usage_history(
            self.api, customer_id, feature_id, start_date, **options
        )

    async def get_usage_history(
        self,
        customer_id: str,
        feature_id: str,
        start_date: datetime,
        **options: Unpack[UsageHistoryOptions],
    ) -> UsageHistoryV2:
        """The feature's usage over time: reset markers and one series per combination of the
        `group_by` dimensions' values (one untagged series when not grouped); see
        `UsageHistoryOptions` for `end_date`, `resource_id`, `include_inactive_subscriptions`
        and `paging`."""
        return await usage_history.get_usage_history(
            self.api, customer_id, feature_id, start_date, **options
        )
