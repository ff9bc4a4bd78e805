"""`wait_for_checkout_completed`: poll until a hosted checkout's subscription is active (§4)."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from stigg_client.errors import StiggTimeoutError
from stigg_client.models.subscriptions import Subscription

if TYPE_CHECKING:
    from stigg_client.client import Stigg

logger = logging.getLogger("stigg_client")

POLL_INTERVAL_S = 1.0


def page_query() -> dict[str, str]:
    """The current page's query parameters in a browser (`js.location.search`), else empty."""
    if sys.platform != "emscripten":
        return {}
    import js

    search = str(js.location.search or "")
    return {key: values[0] for key, values in parse_qs(search.lstrip("?")).items() if values}


def is_completed(flag: bool | str | None) -> bool:
    """`checkoutCompleted`: missing or `false` (any case) means the user cancelled."""
    if flag is None:
        return False
    if isinstance(flag, bool):
        return flag
    return flag.strip().lower() != "false" and flag.strip() != ""


async def wait_for_checkout_completed(
    client: Stigg,
    *,
    timeout_s: float,
    refresh_on_complete: bool,
    subscription_id: str | None,
    checkout_completed: bool | str | None,
    resource_id: str | None,
    poll_interval_s: float = POLL_INTERVAL_S,
) -> Subscription | None:
    """Poll active subscriptions until `subscription_id` appears; None if nothing to wait for."""
    query = page_query()
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
