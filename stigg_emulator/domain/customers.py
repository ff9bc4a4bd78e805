"""Customers: provision (upsert), update, archive / unarchive, experiments, billing records."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from stigg_emulator.catalog.model import Catalog, Experiment, Package
from stigg_emulator.domain import promotions, subscriptions
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.errors import StiggError, bad_input, not_found
from stigg_emulator.domain.lookups import require_customer
from stigg_emulator.storage import repositories as repo


def customer_ref_of(data: dict[str, Any]) -> str | None:
    """`refId` or its alias `customerId` from an input."""
    value = data.get("refId") or data.get("customerId")
    if value is not None and not str(value).strip():
        raise bad_input("customerId must not be empty")
    return value


def _billing_values(info: dict[str, Any], now_ms: int) -> dict[str, Any]:
    currency = info.get("currency")
    return {
        "billing_info": info,
        "payment_method_id": info.get("paymentMethodId"),
        "currency": str(currency).upper() if currency else None,
        "updated_at": now_ms,
    }


def assign_experiment(
    catalog: Catalog, customer_ref: str, product_ref: str
) -> tuple[Experiment, str] | None:
    """The experiment group of a customer for a product: deterministic by customer id."""
    for experiment in catalog.experiments.values():
        if experiment.product_ref != product_ref:
            continue
        bucket = int(hashlib.sha256(f"{experiment.ref_id}:{customer_ref}".encode()).hexdigest(), 16)
        variant = bucket % 100 < experiment.variant_percentage
        return experiment, "VARIANT" if variant else "CONTROL"
    return None


def experiment_info(experiment: Experiment, group: str) -> dict[str, Any]:
    """The stored `experimentInfo` of a group."""
    return {
        "id": experiment.ref_id,
        "name": experiment.name,
        "groupType": group,
        "groupName": experiment.variant_group_name
        if group == "VARIANT"
        else experiment.control_group_name,
    }


def journey_plans(
    domain: Domain, customer_ref: str, excluded: bool
) -> list[tuple[Package, dict[str, Any] | None]]:
    """Initial plans the products' customer journeys give a new customer (with experiment info)."""
    result: list[tuple[Package, dict[str, Any] | None]] = []
    catalog = domain.catalog
    for product in catalog.products.values():
        assignment = None if excluded else assign_experiment(catalog, customer_ref, product.ref_id)
        if assignment is not None:
            experiment, group = assignment
            plan_ref = experiment.variant_plan if group == "VARIANT" else experiment.control_plan
            result.append((catalog.plans[plan_ref], experiment_info(experiment, group)))
        elif product.initial_plan:
            result.append((catalog.plans[product.initial_plan], None))
    return result


def provision(domain: Domain, tx: Tx, data: dict[str, Any], base_url: str) -> dict[str, Any]:
    """`provisionCustomer`: create or update a customer, then its initial subscription."""
    now = domain.clock.now_ms(customer_ref_of(data))
    ref_id = customer_ref_of(data) or f"customer-{secrets.token_hex(6)}"
    existing = repo.get_customer(tx.conn, ref_id)
    if existing is not None and existing.get("archived_at") is not None:
        raise StiggError(
            "DuplicatedEntityNotAllowed",
            f"Customer {ref_id} was archived; an archived customer id cannot be reused",
        )
    coupon_ref = data.get("couponRefId")
    if coupon_ref is not None:
        _check_coupon(domain.catalog, coupon_ref)
    excluded = bool(data.get("excludeFromExperiment"))
    created = existing is None
    if created:
        experiment = None
        plans = journey_plans(domain, ref_id, excluded) if "subscriptionParams" not in data else []
        experiment = next((info for _, info in plans if info), None)
        stamp = domain.clock.stamp(ref_id)
        repo.insert_customer(
            tx.conn,
            {
                "ref_id": ref_id,
                "uuid": str(uuid.uuid4()),
                "name": data.get("name"),
                "email": data.get("email"),
                "metadata": data.get("additionalMetaData"),
                "coupon_ref": coupon_ref,
                "billing_id": data.get("billingId"),
                "crm_id": data.get("crmId"),
                "salesforce_id": data.get("salesforceId"),
                "aws_marketplace_customer_id": data.get("awsMarketplaceCustomerId"),
                "exclude_from_experiment": excluded,
                "experiment": experiment,
                "created_at": now,
                "updated_at": now,
                "archived_at": None,
                "entitlements_updated_at": stamp,
            },
        )
    else:
        plans = []
        _apply_update(domain, tx, ref_id, data, now)
    if data.get("billingInformation") is not None:
        repo.put_billing(tx.conn, ref_id, _billing_values(data["billingInformation"], now))
    strategy = "SKIPPED_SUBSCRIPTION_CREATION"
    result_subscription: str | None = None
    params = data.get("subscriptionParams")
    if params is not None:
        params = dict(params)
        experiment = None
        requested = domain.catalog.plans.get(str(params.get("planId")))
        assignment = (
            assign_experiment(domain.catalog, ref_id, requested.product_ref)
            if requested is not None and created and not excluded
            else None
        )
        if assignment is not None:
            chosen, group = assignment
            params["planId"] = chosen.variant_plan if group == "VARIANT" else chosen.control_plan
            experiment = experiment_info(chosen, group)
            repo.update_customer(tx.conn, ref_id, {"experiment": experiment})
        outcome = subscriptions.provision(
            domain,
            tx,
            {**params, "customerId": ref_id},
            base_url,
            skip_payment_check=True,
            experiment=experiment,
        )
        result_subscription = outcome.subscription_ref
        strategy = "REQUESTED_PLAN"
    elif created:
        for index, (plan, info) in enumerate(plans):
            trial = plan.default_trial is not None
            outcome = subscriptions.provision(
                domain,
                tx,
                {"customerId": ref_id, "planId": plan.ref_id},
                base_url,
                skip_payment_check=True,
                experiment=info,
            )
            if index == 0:
                result_subscription = outcome.subscription_ref
                strategy = "PREDEFINED_TRIAL_PLAN" if trial else "PREDEFINED_FREE_PLAN"
    tx.entitlements_changed(ref_id)
    return {"customer_ref": ref_id, "strategy": strategy, "subscription_ref": result_subscription}


def _check_coupon(catalog: Catalog, coupon_ref: str) -> None:
    coupon = catalog.coupons.get(coupon_ref)
    if coupon is None:
        raise not_found("CouponNotFound", "Coupon", coupon_ref)
    if coupon.status != "ACTIVE":
        raise StiggError("ArchivedCouponCantBeApplied", f"Coupon {coupon_ref} is archived")


def _apply_update(domain: Domain, tx: Tx, ref_id: str, data: dict[str, Any], now: int) -> None:
    values: dict[str, Any] = {"updated_at": now}
    mapping = {
        "name": "name",
        "email": "email",
        "additionalMetaData": "metadata",
        "billingId": "billing_id",
        "crmId": "crm_id",
        "salesforceId": "salesforce_id",
        "awsMarketplaceCustomerId": "aws_marketplace_customer_id",
    }
    for key, column in mapping.items():
        if key in data:
            values[column] = data[key]
    if "couponRefId" in data:
        if data["couponRefId"]:
            _check_coupon(domain.catalog, data["couponRefId"])
        values["coupon_ref"] = data["couponRefId"] or None
    repo.update_customer(tx.conn, ref_id, values)


def update(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`updateOneCustomer`: change the given fields (billing info replaces the billing record)."""
    ref_id = customer_ref_of(data)
    if ref_id is None:
        raise bad_input("refId (customer id) is required")
    require_customer(tx.conn, ref_id)
    now = domain.clock.now_ms(ref_id)
    _apply_update(domain, tx, ref_id, data, now)
    if data.get("billingInformation") is not None:
        repo.put_billing(tx.conn, ref_id, _billing_values(data["billingInformation"], now))
    return ref_id


def archive(domain: Domain, tx: Tx, ref_id: str) -> str:
    """`archiveCustomer`: cancel subscriptions, null PII, drop billing data; the id stays taken."""
    require_customer(tx.conn, ref_id)
    now = domain.clock.now_ms(ref_id)
    for row in repo.customer_subscriptions(
        tx.conn, ref_id, statuses=("ACTIVE", "IN_TRIAL", "NOT_STARTED", "PAYMENT_PENDING")
    ):
        subscriptions.end_now(domain, tx, row, "CustomerArchived", downgrade=False)
    for promo in repo.customer_promotions(tx.conn, ref_id):
        repo.update_promotion(tx.conn, promo["uuid"], {"status": "Expired", "updated_at": now})
    repo.update_customer(
        tx.conn,
        ref_id,
        {
            "name": None,
            "email": None,
            "metadata": None,
            "billing_id": None,
            "crm_id": None,
            "salesforce_id": None,
            "aws_marketplace_customer_id": None,
            "coupon_ref": None,
            "archived_at": now,
            "updated_at": now,
            "entitlements_updated_at": domain.clock.stamp(ref_id),
        },
    )
    repo.delete_billing(tx.conn, ref_id)
    tx.entitlements_changed(ref_id)
    return ref_id


def unarchive(domain: Domain, tx: Tx, ref_id: str) -> str:
    """`unarchiveCustomer`: make an archived customer usable again (PII stays erased)."""
    row = require_customer(tx.conn, ref_id, allow_archived=True)
    if row.get("archived_at") is None:
        return ref_id
    repo.update_customer(
        tx.conn,
        ref_id,
        {
            "archived_at": None,
            "updated_at": domain.clock.now_ms(ref_id),
            "entitlements_updated_at": domain.clock.stamp(ref_id),
        },
    )
    tx.entitlements_changed(ref_id)
    return ref_id


def detach_payment_method(domain: Domain, tx: Tx, ref_id: str) -> str:
    """`detachCustomerPaymentMethod`."""
    require_customer(tx.conn, ref_id)
    billing = repo.get_billing(tx.conn, ref_id)
    if billing is not None:
        info = dict(billing.get("billing_info") or {})
        info.pop("paymentMethodId", None)
        repo.put_billing(
            tx.conn,
            ref_id,
            {
                "billing_info": info,
                "payment_method_id": None,
                "updated_at": domain.clock.now_ms(ref_id),
            },
        )
    return ref_id


def seed(domain: Domain) -> None:
    """Create the catalog's `customers:` on first start (existing ones are left alone)."""
    for customer in domain.catalog.customers:
        with domain.write() as tx:
            if repo.get_customer(tx.conn, customer.ref_id) is not None:
                continue
            data: dict[str, Any] = {
                "refId": customer.ref_id,
                "name": customer.name,
                "email": customer.email,
                "additionalMetaData": customer.metadata,
                "subscriptionParams": None,
            }
            if customer.payment_method_id:
                data["billingInformation"] = {"paymentMethodId": customer.payment_method_id}
            provision(domain, tx, data, "")
            for sub in customer.subscriptions:
                subscriptions.provision(
                    domain,
                    tx,
                    {
                        "customerId": customer.ref_id,
                        "planId": sub.plan_ref,
                        "resourceId": sub.resource_id,
                        "billingPeriod": sub.billing_period,
                        "addons": [{"addonId": ref, "quantity": qty} for ref, qty in sub.addons],
                        "billableFeatures": [
                            {"featureId": ref, "quantity": qty}
                            for ref, qty in sub.billable_features
                        ],
                        "skipTrial": True,
                    },
                    "",
                    skip_payment_check=True,
                )
            if customer.promotional_entitlements:
                promotions.grant(
                    domain,
                    tx,
                    customer.ref_id,
                    [
                        {
                            "featureId": promo.feature_ref,
                            "period": promo.period,
                            "usageLimit": promo.usage_limit,
                            "hasUnlimitedUsage": promo.unlimited,
                        }
                        for promo in customer.promotional_entitlements
                    ],
                )
