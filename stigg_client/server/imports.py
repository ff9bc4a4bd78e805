"""Imports from a billing system and customer statistics."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from stigg_client.core import queries
from stigg_client.core.graphql import server_admin as documents
from stigg_client.core.wire import to_wire
from stigg_client.errors import ValidationError
from stigg_client.server.admin_models import CustomerStatistics
from stigg_client.server.models import SlimCustomer
from stigg_client.server.state import ServerState


class ImportsPart(ServerState):
    """Imports of customers and subscriptions; customer statistics."""

    async def import_customer(
        self,
        customer_id: str,
        *,
        billing_id: str | None = None,
        name: str | None = None,
        email: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        payment_method_id: str | None = None,
        updated_at: datetime | None = None,
    ) -> SlimCustomer:
        """Record a customer that already exists in the billing system (no subscription is
        created); fails when the customer id is taken."""
        item = _customer_item(
            {
                "customer_id": customer_id,
                "billing_id": billing_id,
                "name": name,
                "email": email,
                "metadata": metadata,
                "payment_method_id": payment_method_id,
                "updated_at": updated_at,
            }
        )
        data = await self.api.graphql("ImportCustomer", documents.IMPORT_CUSTOMER, {"input": item})
        return SlimCustomer.model_validate(data.get("importOneCustomer") or {})

    async def import_customer_bulk(self, customers: Sequence[Mapping[str, Any]]) -> None:
        """Import many customers at once (each a mapping of `import_customer`'s arguments);
        all are imported or, on an error, none."""
        items = [_customer_item(customer) for customer in customers]
        await self.api.graphql(
            "ImportCustomerBulk", documents.IMPORT_CUSTOMER_BULK, {"input": {"customers": items}}
        )

    async def import_subscription_bulk(self, subscriptions: Sequence[Mapping[str, Any]]) -> None:
        """Import subscriptions that already run in the billing system: each a mapping with
        `customer_id`, `plan_id` and optionally `subscription_id`, `resource_id`,
        `billing_period`, `start_date`, `end_date`, `unit_quantity`, `addons`,
        `billable_features`, `metadata`. Nothing is charged and no trial starts."""
        items = []
        for subscription in subscriptions:
            values = dict(subscription)
            for required in ("customer_id", "plan_id"):
                if not values.get(required):
                    raise ValidationError(f"every subscription needs {required}")
            values["additional_meta_data"] = values.pop("metadata", None)
            items.append(to_wire(values))
        await self.api.graphql(
            "ImportSubscriptionsBulk",
            documents.IMPORT_SUBSCRIPTIONS_BULK,
            {"input": {"subscriptions": items}},
        )

    async def get_customer_statistics(self, customer_id: str) -> CustomerStatistics:
        """How many active subscriptions the customer has, by pricing type; `NotFoundError`
        when the customer does not exist."""
        if not customer_id:
            raise ValidationError("customer_id is required")
        data = await self.api.graphql(
            "GetCustomerStatistics",
            documents.GET_CUSTOMER_STATISTICS,
            {"input": {"customerId": customer_id}},
        )
        customer = data.get("getCustomerByRefId")
        if customer is None:
            raise queries.customer_not_found()
        statistics = customer.get("statistics") or {}
        return CustomerStatistics.model_validate(
            {
                "statistics": {
                    "activeSubscriptionsByPricingType": statistics.get(
                        "activeSubscriptionsByPricingType"
                    )
                    or []
                }
            }
        )


def _customer_item(customer: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(customer)
    if not values.get("customer_id"):
        raise ValidationError("customer_id is required to import a customer")
    values["additional_meta_data"] = values.pop("metadata", None)
    item: dict[str, Any] = to_wire(values)
    return item
