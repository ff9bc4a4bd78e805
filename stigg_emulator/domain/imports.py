"""Imports from a billing system: customers (one or in bulk) and subscriptions in bulk.

An import records what already exists elsewhere: it runs no customer journey, charges nothing
and starts no trial (docs/protocol.md §2.2, "Imports").
"""

from __future__ import annotations

import uuid
from typing import Any

from stigg_emulator.domain import customers, subscriptions
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.errors import StiggError, bad_input
from stigg_emulator.domain.lookups import parse_time, require_customer
from stigg_emulator.storage import repositories as repo


def import_customer(domain: Domain, tx: Tx, data: dict[str, Any]) -> str:
    """`importOneCustomer`: create a customer without a subscription; returns its id."""
    ref_id = customers.customer_ref_of(data)
    if ref_id is None:
        raise bad_input("customerId is required to import a customer")
    if repo.get_customer(tx.conn, ref_id) is not None:
        raise StiggError("DuplicatedEntityNotAllowed", f"Customer {ref_id} already exists")
    provision_input: dict[str, Any] = {
        key: data[key]
        for key in ("name", "email", "billingId", "salesforceId", "additionalMetaData")
        if data.get(key) is not None
    }
    provision_input["refId"] = ref_id
    provision_input["subscriptionParams"] = None
    if data.get("paymentMethodId"):
        provision_input["billingInformation"] = {"paymentMethodId": data["paymentMethodId"]}
    customers.provision(domain, tx, provision_input, "")
    updated_at = parse_time(data.get("updatedAt"), "updatedAt")
    if updated_at is not None:
        repo.update_customer(tx.conn, ref_id, {"updated_at": updated_at})
    return ref_id


def import_customers(domain: Domain, tx: Tx, items: list[dict[str, Any]]) -> str:
    """`importCustomersBulk`: all or none; returns the import's id."""
    if not items:
        raise bad_input("customers must not be empty")
    seen: set[str] = set()
    for item in items:
        ref_id = customers.customer_ref_of(item)
        if ref_id in seen:
            raise bad_input(f"customer {ref_id} appears twice in the import")
        seen.add(str(ref_id))
        import_customer(domain, tx, item)
    return f"import-{uuid.uuid4().hex}"


def import_subscriptions(domain: Domain, tx: Tx, items: list[dict[str, Any]]) -> str:
    """`importSubscriptionsBulk`: all or none; returns the import's id."""
    if not items:
        raise bad_input("subscriptions must not be empty")
    for item in items:
        require_customer(tx.conn, str(item.get("customerId") or ""))
        provision_input = {
            key: item[key]
            for key in (
                "customerId",
                "planId",
                "resourceId",
                "billingPeriod",
                "addons",
                "billableFeatures",
                "unitQuantity",
                "startDate",
                "additionalMetaData",
            )
            if item.get(key) is not None
        }
        if item.get("subscriptionId"):
            provision_input["refId"] = item["subscriptionId"]
        provision_input["skipTrial"] = True
        outcome = subscriptions.provision(
            domain, tx, provision_input, "", skip_payment_check=True, charge_now=False
        )
        end = parse_time(item.get("endDate"), "endDate")
        if end is not None:
            start = parse_time(item.get("startDate"), "startDate")
            if start is not None and end <= start:
                raise bad_input("endDate must be after startDate")
            repo.update_subscription(tx.conn, outcome.subscription_ref, {"cancellation_date": end})
    return f"import-{uuid.uuid4().hex}"
