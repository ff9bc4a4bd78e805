"""The client's reads send their arguments through the one `to_wire` both SDKs share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from stigg_client.client.reads import Reads


class Context:
    """A ReadContext: customer c-1 in resource r-1."""

    customer_id = "c-1"
    resource_id = "r-1"

    def require_customer(self) -> str:
        return self.customer_id


class CapturingApi:
    """Keeps the variables of each GraphQL call and answers an empty estimate."""

    edge_uri = None

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    async def graphql(self, operation: str, document: str, variables: Any = None) -> Any:
        self.calls.append((operation, variables))
        return {}


async def test_estimate_variables_camelcase_arguments_but_keep_free_form_json_as_given() -> None:
    api = CapturingApi()
    reads = Reads(api, Context())  # type: ignore[arg-type]  # a duck-typed StiggApi
    await reads.estimate_subscription(
        {
            "plan_id": "p",
            "unit_quantity": 2,
            "start_date": datetime(2026, 1, 2, tzinfo=UTC),
            "metadata": {"order_ref": "x", "nested_key": {"keep_me": 1}},
            "promotion_code": None,
        }
    )
    ((operation, variables),) = api.calls
    assert operation == "EstimateSubscription"
    assert variables == {
        "input": {
            "planId": "p",
            "priceUnitAmount": 2,
            "startDate": "2026-01-02T00:00:00.000Z",
            "metadata": {"order_ref": "x", "nested_key": {"keep_me": 1}},
            "customerId": "c-1",
            "resourceId": "r-1",
        }
    }
