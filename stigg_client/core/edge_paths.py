"""Every edge and event-stream path the SDKs request, built in one place (docs/protocol.md §1.1).

Each id is percent-encoded as one path segment (`/`, `?`, `#`, spaces and the rest included), and
query values are percent-encoded too, so any customer, resource or product id reads correctly.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode

SDK_CONFIGURATION_PATH = "/v1/config/client-sdk-configuration.json"


def segment(value: str) -> str:
    """`value` as one path segment: every reserved character percent-encoded."""
    return quote(value, safe="")


def with_query(path: str, params: Sequence[tuple[str, str]]) -> str:
    """`path` with `params` as its percent-encoded query (no `?` when there are none)."""
    return path + "?" + urlencode(params, quote_via=quote) if params else path


def entitlements_path(customer_id: str, resource_id: str | None) -> str:
    """`/v1/c/{customer}/entitlements.json[?resourceId=...]`."""
    params = [("resourceId", resource_id)] if resource_id is not None else []
    return with_query(f"/v1/c/{segment(customer_id)}/entitlements.json", params)


def subscriptions_path(
    customer_id: str, resource_id: str | None, resource_ids: Sequence[str] | None
) -> str:
    """`/v1/c/{customer}/subscriptions.json` filtered by `resource_ids` or else `resource_id`."""
    if resource_ids is not None:
        params = [("resourceIds", item) for item in resource_ids]
    else:
        params = [("resourceId", resource_id)] if resource_id is not None else []
    return with_query(f"/v1/c/{segment(customer_id)}/subscriptions.json", params)


def paywall_path(
    product_id: str | None,
    billing_country_code: str | None,
    include_hidden_plans: bool,
    fetch_all_countries_prices: bool = False,
) -> str:
    """`/v1/p/{product}/paywall.json`, or `/v1/paywall.json` without a product."""
    path = f"/v1/p/{segment(product_id)}/paywall.json" if product_id else "/v1/paywall.json"
    params = [("billingCountryCode", billing_country_code)] if billing_country_code else []
    if include_hidden_plans:
        params.append(("includeHiddenPlans", "true"))
    if fetch_all_countries_prices:
        params.append(("fetchAllCountriesPrices", "true"))
    return with_query(path, params)


def events_path(customer_id: str, params: Sequence[tuple[str, str]]) -> str:
    """`/v1/c/{customer}/events?...`: the customer's event stream."""
    return with_query(f"/v1/c/{segment(customer_id)}/events", params)
