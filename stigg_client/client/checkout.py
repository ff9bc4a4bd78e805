"""Wait for a hosted checkout: poll until its subscription is active (docs/protocol.md §4)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Protocol

from stigg_client.errors import StiggTimeoutError
from stigg_client.models.subscriptions import Subscription

logger = logging.getLogger("stigg_client")

POLL_INTERVAL_S = 1.0


class CheckoutClient(Protocol):
    """What waiting for a checkout needs of the client."""

    async def get_active_subscriptions(self, resource_id: str | None = None) -> list[Subscription]:
        """The customer's active subscriptions."""
        ...

    async def refresh(self) -> None:
        """Reload the entitlements."""
        ...


def is_completed(flag: bool | str | None) -> bool:
    """`checkoutCompleted`: missing or `false` (any case) means the user cancelled."""
    if flag is None:
        return False
    if isinstance(flag, bool):
        return flag
    return flag.strip().lower() != "false" and flag.strip() != ""


async def wait_for_checkout_completed(
    client: CheckoutClient,
    page_query: Mapping[str, str],
    *,
    timeout_s: float,
    refresh_on_complete: bool,
    subscription_id: str | None,
    checkout_completed: bool | str | None,
    resource_id: str | None,
    poll_interval_s: float = POLL_INTERVAL_S,
) -> Subscription | None:
    """Poll active subscriptions until `subscription_id` appears; None if nothing to wait for.

    Arguments not given are taken from `page_query` (the page URL's query, in a browser).
    """
    query = page_query
    subscription_id = subscription_id or query.get("subscriptionId")
    if checkout_completed is None:
        checkout_completed = query.get("checkoutCompleted")
    resource_id = resource_id or query.get("resourceId")
    if not subscription_id:
        logger.info("wait_for_checkout_completed: no subscriptionId, nothing to wait for")
        return None
    if not is_completed(checkout_completed):
        logger.info("The checkout session was cancelled by the user")
        return None
    start = time.monotonic()
    while True:
        for subscription in await client.get_active_subscriptions(resource_id=resource_id):
            if subscription.id == subscription_id:
                if refresh_on_complete:
                    await client.refresh()
                return subscription
        if time.monotonic() - start + poll_interval_s > timeout_s:
            raise StiggTimeoutError(
                "Timeout while waiting for checkout to complete, "
                f"subscription {subscription_id} is not active",
                code="RequestTimeout",
            )
        await asyncio.sleep(poll_interval_s)
