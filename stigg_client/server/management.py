"""Management calls: customers, subscriptions and promotional entitlements."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from stigg_client.core import queries
from stigg_client.core.graphql import server as documents
from stigg_client.core.wire import to_wire
from stigg_client.errors import StiggError, ValidationError
from stigg_client.models.customer import Customer
from stigg_client.models.subscriptions import SlimSubscriptionV2, Subscription
from stigg_client.server.models import (
    ArchiveCustomerResult,
    NextInvoicePreview,
    PromotionalEntitlement,
    ProvisionCustomerResult,
    ProvisionSubscriptionResult,
    RevokedPromotionalEntitlement,
    SlimCustomer,
    SlimSubscription,
    SubscriptionIdResult,
    SubscriptionMigrationTime,
    SubscriptionScheduleStatus,
)
from stigg_client.server.state import UNSET, ServerState
from stigg_client.server.wire import billing_info, slim_subscription

logger = logging.getLogger("stigg_client")


class ManagementPart(ServerState):
    """Management calls: customers, subscriptions and promotional entitlements."""

    async def provision_customer(
        self,
        customer_id: str,
        *,
        name: str | None = None,
        email: str | None = None,
        coupon_id: str | None = None,
        subscription_params: Mapping[str, Any] | None = UNSET,
        billing_info: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        billing_id: str | None = None,
        exclude_from_experiment: bool | None = None,
        salesforce_id: str | None = None,
    ) -> ProvisionCustomerResult:
        """Create (or re-provision) a customer, optionally with its first subscription.

        `subscription_params=None` skips the initial subscription; leaving it out lets the
        product's customer journey decide.
        """
        payload = _customer_input(
            customer_id,
            name=name,
            email=email,
            coupon_id=coupon_id,
            billing_id=billing_id,
            metadata=metadata,
            billing_info=billing_info,
            exclude_from_experiment=exclude_from_experiment,
            salesforce_id=salesforce_id,
        )
        if subscription_params is None:
            payload["subscriptionParams"] = None
        elif subscription_params is not UNSET:
            payload["subscriptionParams"] = _subscription_params(subscription_params)
        data = await self.api.graphql(
            "ProvisionCustomer", documents.PROVISION_CUSTOMER, {"input": payload}
        )
        raw = data.get("provisionCustomer") or {}
        if raw.get("entitlementsV2") is not None:
            params = subscription_params if isinstance(subscription_params, Mapping) else {}
            resource_id = params.get("resource_id")
            await self._store_state((customer_id, resource_id), raw["entitlementsV2"], None)
        return ProvisionCustomerResult.model_validate(
            {
                "customer": raw.get("customer"),
                "subscriptionDecisionStrategy": raw.get("subscriptionDecisionStrategy"),
                "subscription": slim_subscription(raw.get("subscription")),
            }
        )

    async def update_customer(
        self,
        customer_id: str,
        *,
        name: str | None = None,
        email: str | None = None,
        coupon_id: str | None = None,
        billing_info: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        billing_id: str | None = None,
    ) -> SlimCustomer:
        """Update the given fields of a customer (billing info must be passed whole)."""
        payload = _customer_input(
            customer_id,
            name=name,
            email=email,
            coupon_id=coupon_id,
            billing_id=billing_id,
            metadata=metadata,
            billing_info=billing_info,
        )
        data = await self.api.graphql(
            "UpdateCustomer", documents.UPDATE_CUSTOMER, {"input": payload}
        )
        return SlimCustomer.model_validate(data.get("updateCustomer") or {})

    async def get_customer(self, customer_id: str) -> Customer:
        """A customer with its subscriptions; `NotFoundError` when it does not exist."""
        return await queries.fetch_customer(self.api, customer_id)

    async def archive_customer(self, customer_id: str) -> ArchiveCustomerResult:
        """Archive a customer (its PII is cleared and it can no longer be read)."""
        data = await self.api.graphql(
            "ArchiveCustomer",
            documents.ARCHIVE_CUSTOMER,
            {"input": {"customerId": customer_id}},
        )
        raw = data.get("archiveCustomer")
        if raw is None:
            raise queries.customer_not_found()
        await self.store.purge((customer_id, None))
        return ArchiveCustomerResult(customer_id=str(raw.get("customerId") or customer_id))

    async def unarchive_customer(self, customer_id: str) -> SlimCustomer:
        """Bring an archived customer back; `NotFoundError` when there is none to restore."""
        return await self._customer_mutation(
            "UnarchiveCustomer", documents.UNARCHIVE_CUSTOMER, customer_id
        )

    async def detach_customer_payment_method(self, customer_id: str) -> SlimCustomer:
        """Remove the customer's default payment method."""
        return await self._customer_mutation(
            "DetachCustomerPaymentMethod", documents.DETACH_CUSTOMER_PAYMENT_METHOD, customer_id
        )

    async def _customer_mutation(
        self, operation: str, document: str, customer_id: str
    ) -> SlimCustomer:
        if not customer_id:
            raise ValidationError("customer_id is required")
        data = await self.api.graphql(operation, document, {"input": {"customerId": customer_id}})
        field = operation[0].lower() + operation[1:]
        raw = data.get(field)
        if raw is None:
            raise queries.customer_not_found()
        return SlimCustomer.model_validate(raw)

    async def provision_subscription(
        self,
        customer_id: str,
        plan_id: str,
        *,
        billing_period: str | None = None,
        resource_id: str | None = None,
        billable_features: Sequence[Mapping[str, Any]] | None = None,
        addons: Sequence[Mapping[str, Any]] | None = None,
        promotion_code: str | None = None,
        billing_country_code: str | None = None,
        billing_information: Mapping[str, Any] | None = None,
        checkout_options: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        skip_trial: bool | None = None,
        start_date: datetime | None = None,
        unit_quantity: float | None = None,
        paying_customer_id: str | None = None,
        subscription_id: str | None = None,
        await_payment_confirmation: bool | None = None,
        schedule_strategy: str | None = None,
    ) -> ProvisionSubscriptionResult:
        """Create a subscription; `status` is `PAYMENT_REQUIRED` with a `checkout_url` when the
        customer must pay first, else `SUCCESS` with the subscription."""
        payload = to_wire(
            {
                "customer_id": customer_id,
                "plan_id": plan_id,
                "billing_period": billing_period,
                "resource_id": resource_id,
                "billable_features": billable_features,
                "addons": addons,
                "promotion_code": promotion_code,
                "billing_country_code": billing_country_code,
                "billing_information": billing_information,
                "checkout_options": checkout_options,
                "additional_meta_data": metadata,
                "skip_trial": skip_trial,
                "start_date": start_date,
                "unit_quantity": unit_quantity,
                "paying_customer_id": paying_customer_id,
                "ref_id": subscription_id,
                "await_payment_confirmation": await_payment_confirmation,
                "schedule_strategy": schedule_strategy,
            }
        )
        data = await self.api.graphql(
            "ProvisionSubscription", documents.PROVISION_SUBSCRIPTION, {"input": payload}
        )
        raw = data.get("provisionSubscription") or {}
        if raw.get("entitlementsV2") is not None:
            await self._store_state((customer_id, resource_id), raw["entitlementsV2"], None)
        return ProvisionSubscriptionResult.model_validate(
            {
                "status": raw.get("status"),
                "checkoutUrl": raw.get("checkoutUrl"),
                "subscription": slim_subscription(raw.get("subscription")),
            }
        )

    async def _refresh_after(self, subscription: SlimSubscription) -> None:
        if subscription.customer_id is None:
            return
        resource = subscription.resource.id if subscription.resource is not None else None
        try:
            await self._fetch_state((subscription.customer_id, resource))
        except StiggError as error:
            logger.warning("refetching entitlements after a subscription change failed: %s", error)

    async def update_subscription(
        self,
        subscription_id: str,
        *,
        billable_features: Sequence[Mapping[str, Any]] | None = None,
        addons: Sequence[Mapping[str, Any]] | None = None,
        promotion_code: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        billing_information: Mapping[str, Any] | None = None,
        billing_period: str | None = None,
        unit_quantity: float | None = None,
        schedule_strategy: str | None = None,
        trial_end_date: datetime | None = None,
        await_payment_confirmation: bool | None = None,
    ) -> SlimSubscription:
        """Change a subscription in place (keeps its start date and billing cycle)."""
        payload = to_wire(
            {
                "ref_id": subscription_id,
                "billable_features": billable_features,
                "addons": addons,
                "promotion_code": promotion_code,
                "additional_meta_data": metadata,
                "billing_information": billing_information,
                "billing_period": billing_period,
                "unit_quantity": unit_quantity,
                "schedule_strategy": schedule_strategy,
                "trial_end_date": trial_end_date,
                "await_payment_confirmation": await_payment_confirmation,
            }
        )
        return await self._change_subscription(
            "UpdateSubscription", documents.UPDATE_SUBSCRIPTION, "updateSubscription", payload
        )

    async def cancel_subscription(
        self,
        subscription_id: str,
        *,
        subscription_cancellation_time: str | None = None,
        subscription_cancellation_action: str | None = None,
        end_date: datetime | None = None,
        prorate: bool | None = None,
    ) -> SlimSubscription:
        """Cancel a subscription according to the product's behaviour (or the given time)."""
        payload = to_wire(
            {
                "subscription_ref_id": subscription_id,
                "subscription_cancellation_time": subscription_cancellation_time,
                "subscription_cancellation_action": subscription_cancellation_action,
                "end_date": end_date,
                "prorate": prorate,
            }
        )
        return await self._change_subscription(
            "CancelSubscription", documents.CANCEL_SUBSCRIPTION, "cancelSubscription", payload
        )

    async def _change_subscription(
        self, operation: str, document: str, field: str, payload: Any
    ) -> SlimSubscription:
        """Run a subscription mutation, then refetch the customer's entitlements."""
        data = await self.api.graphql(operation, document, {"input": payload})
        result = SlimSubscription.model_validate(slim_subscription(data.get(field)))
        await self._refresh_after(result)
        return result

    async def cancel_subscription_scheduled_updates(
        self,
        subscription_id: str,
        status: SubscriptionScheduleStatus | str = SubscriptionScheduleStatus.SCHEDULED,
    ) -> SubscriptionIdResult:
        """Cancel the subscription's scheduled (or pending-payment) updates."""
        data = await self.api.graphql(
            "CancelSubscriptionUpdates",
            documents.CANCEL_SUBSCRIPTION_UPDATES,
            {"input": to_wire({"subscription_id": subscription_id, "status": status})},
        )
        return SubscriptionIdResult(subscription_id=str(data.get("cancelSchedule")))

    async def preview_next_invoice(self, subscription_id: str) -> NextInvoicePreview:
        """The invoice the subscription produces at its next renewal (lines, discount, tax),
        scheduled updates due by then (e.g. a downgrade) included."""
        if not subscription_id:
            raise ValidationError("subscription_id is required")
        data = await self.api.graphql(
            "PreviewNextInvoice",
            documents.PREVIEW_NEXT_INVOICE,
            {"input": {"subscriptionId": subscription_id}},
        )
        return NextInvoicePreview.model_validate(data.get("previewNextInvoice"))

    async def migrate_subscription_to_latest(
        self,
        subscription_id: str,
        subscription_migration_time: SubscriptionMigrationTime | str | None = None,
    ) -> SubscriptionIdResult:
        """Move a grandfathered subscription to the latest plan and add-on versions."""
        data = await self.api.graphql(
            "MigrateSubscriptionToLatest",
            documents.MIGRATE_SUBSCRIPTION_TO_LATEST,
            {
                "input": to_wire(
                    {
                        "subscription_id": subscription_id,
                        "subscription_migration_time": subscription_migration_time,
                    }
                )
            },
        )
        raw = data.get("migrateSubscriptionToLatest") or {}
        return SubscriptionIdResult(subscription_id=str(raw.get("subscriptionId")))

    async def get_active_subscriptions_list(
        self, customer_id: str, resource_id: str | Sequence[str] | None = None
    ) -> list[SlimSubscriptionV2]:
        """Slim active subscriptions; `resource_id` may be one id or a list of up to 100."""
        query: dict[str, Any] = {"customerId": customer_id}
        if isinstance(resource_id, str):
            query["resourceId"] = resource_id
        elif resource_id is not None:
            query["resourceIds"] = queries.checked_resource_ids(resource_id)
        return await queries.fetch_active_subscriptions_list(self.api, query)

    async def get_subscription(self, subscription_id: str) -> Subscription:
        """One subscription with its plan, prices and add-ons."""
        return await queries.fetch_subscription(self.api, subscription_id)

    async def grant_promotional_entitlements(
        self, customer_id: str, promotional_entitlements: Sequence[Mapping[str, Any]]
    ) -> list[PromotionalEntitlement]:
        """Grant features beyond the customer's plan (`feature_id`, `period`, limits...)."""
        data = await self.api.graphql(
            "GrantPromotionalEntitlements",
            documents.GRANT_PROMOTIONAL_ENTITLEMENTS,
            {
                "input": to_wire(
                    {
                        "customer_id": customer_id,
                        "promotional_entitlements": list(promotional_entitlements),
                    }
                )
            },
        )
        granted = [
            promotional_entitlement(raw) for raw in data.get("grantPromotionalEntitlements") or []
        ]
        await self._refresh_customer(customer_id)
        return granted

    async def revoke_promotional_entitlements(
        self, customer_id: str, feature_id: str
    ) -> RevokedPromotionalEntitlement:
        """Revoke a promotional entitlement of one feature."""
        data = await self.api.graphql(
            "RevokePromotionalEntitlement",
            documents.REVOKE_PROMOTIONAL_ENTITLEMENT,
            {"input": {"customerId": customer_id, "featureId": feature_id}},
        )
        raw = data.get("revokePromotionalEntitlement") or {}
        await self._refresh_customer(customer_id)
        return RevokedPromotionalEntitlement(id=str(raw.get("id")))

    async def _refresh_customer(self, customer_id: str) -> None:
        try:
            await self._fetch_state((customer_id, None))
        except StiggError as error:
            logger.warning("refetching entitlements of %s failed: %s", customer_id, error)


def _customer_input(
    customer_id: str,
    *,
    coupon_id: str | None,
    metadata: Mapping[str, Any] | None,
    billing_info: Mapping[str, Any] | None,
    **fields: Any,
) -> dict[str, Any]:
    """The customer input of `provision_customer` and `update_customer`."""
    payload: dict[str, Any] = to_wire(
        {
            "ref_id": customer_id,
            "coupon_ref_id": coupon_id,
            "additional_meta_data": metadata,
            **fields,
        }
    )
    info = billing_info_of(billing_info)
    if info is not None:
        payload["billingInformation"] = info
    return payload


def billing_info_of(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Customer billing info on the wire (see `wire.billing_info`)."""
    return billing_info(value)


def _subscription_params(params: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(params)
    if "metadata" in values:
        values["additional_meta_data"] = values.pop("metadata")
    if "unit_quantity" in values:
        values["price_unit_amount"] = values.pop("unit_quantity")
    if "plan_id" not in values:
        raise ValidationError("subscription_params needs plan_id")
    wire: dict[str, Any] = to_wire(values)
    return wire


def promotional_entitlement(raw: Mapping[str, Any]) -> PromotionalEntitlement:
    """A `PromotionalEntitlement` from its wire shape (the feature by its id)."""
    feature = raw.get("feature") or None
    values = dict(raw)
    values["feature"] = (
        {
            "id": feature.get("refId"),
            "featureType": feature.get("featureType"),
            "meterType": feature.get("meterType"),
            "displayName": feature.get("displayName"),
        }
        if feature
        else None
    )
    return PromotionalEntitlement.model_validate(values)
