"""Promotional entitlements: grant (with period / custom end) and revoke, one by one or by
feature group (docs/protocol.md §2.2, "Promotional entitlement groups")."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from stigg_emulator.catalog.model import Feature, FeatureGroup
from stigg_emulator.clock import from_ms, to_ms
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.errors import StiggError, bad_input, not_found
from stigg_emulator.domain.lookups import parse_time, require_customer
from stigg_emulator.domain.periods import add_months
from stigg_emulator.domain.subscription_rules import touch_customer
from stigg_emulator.storage import repositories as repo

PERIOD_MONTHS = {"ONE_MONTH": 1, "SIX_MONTH": 6, "ONE_YEAR": 12}


def end_of_period(start_ms: int, period: str, custom_end: Any) -> int | None:
    """When a promotion granted at `start_ms` for `period` ends (None = lifetime)."""
    if period == "LIFETIME":
        return None
    if period == "ONE_WEEK":
        return to_ms(from_ms(start_ms) + timedelta(weeks=1))
    if period in PERIOD_MONTHS:
        return to_ms(add_months(from_ms(start_ms), PERIOD_MONTHS[period]))
    if period == "CUSTOM":
        end = parse_time(custom_end, "customEndDate")
        if end is None:
            raise bad_input("customEndDate is required for a CUSTOM period")
        if end <= start_ms:
            raise bad_input("customEndDate must be in the future")
        return end
    raise bad_input(f"unknown promotional entitlement period {period}")


def _enum_values(feature: Feature, item: dict[str, Any]) -> list[str] | None:
    """The values an ENUM grant allows: the given ones (each a value of the feature), else all."""
    given = item.get("enumValues")
    if feature.feature_type != "ENUM":
        if given:
            raise bad_input(f"enumValues apply to ENUM features only, not {feature.ref_id}")
        return None
    if given is None:
        return list(feature.enum_values)
    unknown = [value for value in given if value not in feature.enum_values]
    if unknown:
        raise bad_input(f"{feature.ref_id} has no value(s) {', '.join(map(str, unknown))}")
    return [value for value in feature.enum_values if value in given]


def grant(
    domain: Domain,
    tx: Tx,
    customer_ref: str,
    items: list[dict[str, Any]],
    feature_group: str | None = None,
) -> list[str]:
    """Grant (or replace) promotional entitlements, as part of `feature_group` when given;
    returns their ids."""
    require_customer(tx.conn, customer_ref)
    if not items:
        raise bad_input("promotionalEntitlements must not be empty")
    now = domain.clock.now_ms(customer_ref)
    active = {row["feature_ref"]: row for row in repo.customer_promotions(tx.conn, customer_ref)}
    ids: list[str] = []
    for item in items:
        feature_ref = str(item.get("featureId"))
        feature = domain.catalog.features.get(feature_ref)
        if feature is None:
            raise not_found("FeatureNotFound", "Feature", feature_ref)
        limit = item.get("usageLimit")
        if limit is not None and float(limit) < 0:
            raise StiggError("InvalidQuantity", "usageLimit must not be negative")
        period = item.get("period") or "LIFETIME"
        reset = item.get("resetPeriod")
        config: dict[str, Any] = {}
        if reset == "MONTH":
            config["monthlyAccordingTo"] = (item.get("monthlyResetPeriodConfiguration") or {}).get(
                "accordingTo", "SubscriptionStart"
            )
        if reset == "WEEK":
            config["weeklyAccordingTo"] = (item.get("weeklyResetPeriodConfiguration") or {}).get(
                "accordingTo", "SubscriptionStart"
            )
        if feature_ref in active:
            repo.update_promotion(
                tx.conn, active[feature_ref]["uuid"], {"status": "Revoked", "updated_at": now}
            )
        promo_id = str(uuid.uuid4())
        repo.insert_promotion(
            tx.conn,
            {
                "uuid": promo_id,
                "customer_ref": customer_ref,
                "feature_ref": feature_ref,
                "usage_limit": float(limit) if limit is not None else None,
                "unlimited": bool(item.get("hasUnlimitedUsage")),
                "soft_limit": bool(item.get("hasSoftLimit")),
                "reset_period": reset,
                "reset_config": config or None,
                "period": period,
                "start_date": now,
                "end_date": end_of_period(now, period, item.get("customEndDate")),
                "status": "Active",
                "is_visible": item.get("isVisible", True) is not False,
                "description": None,
                "created_at": now,
                "updated_at": now,
                "enum_values": _enum_values(feature, item),
                "feature_group_refs": [feature_group] if feature_group else [],
            },
        )
        ids.append(promo_id)
    touch_customer(domain, tx, customer_ref)
    return ids


def revoke(domain: Domain, tx: Tx, customer_ref: str, feature_ref: str) -> dict[str, Any]:
    """Revoke the active promotion of a feature; returns the revoked row."""
    require_customer(tx.conn, customer_ref)
    for row in repo.customer_promotions(tx.conn, customer_ref):
        if row["feature_ref"] == feature_ref:
            now = domain.clock.now_ms(customer_ref)
            repo.update_promotion(
                tx.conn, row["uuid"], {"status": "Revoked", "updated_at": now, "end_date": now}
            )
            touch_customer(domain, tx, customer_ref)
            return {**row, "status": "Revoked", "end_date": now}
    raise StiggError(
        "PromotionalEntitlementNotFoundError",
        f"Customer {customer_ref} has no promotional entitlement for {feature_ref}",
    )


def _group(domain: Domain, group_ref: str) -> FeatureGroup:
    group = domain.catalog.feature_groups.get(group_ref)
    if group is None:
        raise not_found("FeatureGroupNotFound", "Feature group", group_ref)
    return group


def grant_group(
    domain: Domain, tx: Tx, customer_ref: str, group_ref: str, items: list[dict[str, Any]]
) -> list[str]:
    """Grant promotional entitlements for features of a feature group, linked to the group."""
    group = _group(domain, group_ref)
    outside = [
        str(i.get("featureId")) for i in items if i.get("featureId") not in group.feature_refs
    ]
    if outside:
        raise bad_input(f"feature group {group_ref} has no feature(s) {', '.join(outside)}")
    return grant(domain, tx, customer_ref, items, feature_group=group_ref)


def _linked(tx: Tx, customer_ref: str, group_ref: str) -> list[dict[str, Any]]:
    require_customer(tx.conn, customer_ref)
    rows = [
        row
        for row in repo.customer_promotions(tx.conn, customer_ref)
        if group_ref in row["feature_group_refs"]
    ]
    if not rows:
        raise StiggError(
            "PromotionalEntitlementNotFoundError",
            f"Customer {customer_ref} has no promotional entitlements of feature group {group_ref}",
        )
    return rows


def revoke_group(domain: Domain, tx: Tx, customer_ref: str, group_ref: str) -> list[dict[str, Any]]:
    """Revoke every active promotional entitlement granted with a feature group."""
    _group(domain, group_ref)
    now = domain.clock.now_ms(customer_ref)
    revoked = []
    for row in _linked(tx, customer_ref, group_ref):
        repo.update_promotion(
            tx.conn, row["uuid"], {"status": "Revoked", "updated_at": now, "end_date": now}
        )
        revoked.append({**row, "status": "Revoked", "end_date": now, "updated_at": now})
    touch_customer(domain, tx, customer_ref)
    return revoked


def unlink_group(domain: Domain, tx: Tx, customer_ref: str, group_ref: str) -> list[dict[str, Any]]:
    """Detach a feature group's promotional entitlements from it: they stay granted, each on
    its own (revoked one by one from now on)."""
    _group(domain, group_ref)
    unlinked = []
    for row in _linked(tx, customer_ref, group_ref):
        groups = [ref for ref in row["feature_group_refs"] if ref != group_ref]
        repo.set_promotion_groups(tx.conn, row, groups)
        unlinked.append({**row, "feature_group_refs": groups})
    touch_customer(domain, tx, customer_ref)
    return unlinked
