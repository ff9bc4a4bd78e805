"""Time transitions: trials ending, cancellations and scheduled changes falling due."""

from __future__ import annotations

from typing import Any

from stigg_emulator.clock import Scope, from_ms
from stigg_emulator.domain.context import Domain, Tx
from stigg_emulator.domain.subscription_rules import (
    PLAN_CHANGES,
    touch_customer,
)
from stigg_emulator.domain.subscriptions import end_now, provision
from stigg_emulator.storage import repositories as repo


def schedule_values(
    domain: Domain, row: dict[str, Any], schedule: dict[str, Any]
) -> dict[str, Any]:
    """The subscription fields a scheduled update changes (pure: nothing is written)."""
    variables = schedule.get("variables") or {}
    values: dict[str, Any] = {}
    kind = schedule["schedule_type"]
    if kind == "UnitAmount":
        items = [
            i
            for i in row.get("billable_features") or []
            if i["featureId"] != variables.get("featureId")
        ]
        items.append(
            {"featureId": variables.get("featureId"), "quantity": variables.get("newUnitAmount")}
        )
        values["billable_features"] = items
    elif kind == "Addon":
        entries = [
            e for e in row.get("addons") or [] if e["addonId"] != variables.get("addonRefId")
        ]
        addon = domain.catalog.addons.get(variables.get("addonRefId", ""))
        if addon is not None and variables.get("newQuantity"):
            entries.append(
                {
                    "addonId": addon.ref_id,
                    "quantity": int(variables["newQuantity"]),
                    "version": addon.version,
                }
            )
        values["addons"] = entries
    elif kind == "BillingPeriod":
        values["billing_period"] = variables.get("billingPeriod")
    elif kind == "MigrateToLatest":
        plan = domain.catalog.plans.get(row["plan_ref"])
        if plan is not None:
            values["plan_version"] = plan.version
    elif kind in PLAN_CHANGES:
        target = domain.catalog.plans.get(
            str(variables.get("planRefId") or variables.get("downgradePlanRefId"))
        )
        if target is not None:
            paid = target.pricing_type == "PAID"
            values.update(
                {
                    "plan_ref": target.ref_id,
                    "plan_version": target.version,
                    "pricing_type": target.pricing_type,
                    "billing_period": variables.get("billingPeriod") if paid else None,
                    "billable_features": [
                        {"featureId": i["featureId"], "quantity": i["quantity"]}
                        for i in variables.get("billableFeatures") or []
                    ],
                    "unit_quantity": None,
                    "addons": [
                        {
                            "addonId": a["addonRefId"],
                            "quantity": int(a["quantity"]),
                            "version": domain.catalog.addons[a["addonRefId"]].version,
                        }
                        for a in variables.get("addons") or []
                        if a["addonRefId"] in domain.catalog.addons
                    ],
                    "coupon_ref": None,  # the plan's new subscription starts without the coupon
                    "promotion_code": None,
                    "start_date": int(schedule["scheduled_at"]),
                    "billing_anchor": int(schedule["scheduled_at"]),
                }
            )
    return values


def _apply_plan_change(
    domain: Domain, tx: Tx, row: dict[str, Any], schedule: dict[str, Any]
) -> None:
    """The scheduled plan change is due: `row` ends and a subscription to the plan begins."""
    target = schedule_values(domain, row, schedule)
    if "plan_ref" not in target:  # the plan left the catalog
        repo.set_schedule_status(tx.conn, [schedule["id"]], "Failed")
        return
    repo.set_schedule_status(tx.conn, [schedule["id"]], "Done")
    end_now(domain, tx, row, "UpgradeOrDowngrade", downgrade=False)
    provision(
        domain,
        tx,
        {
            "customerId": row["customer_ref"],
            "payingCustomerId": row.get("paying_customer_ref"),
            "resourceId": row.get("resource_id"),
            "planId": target["plan_ref"],
            "billingPeriod": target["billing_period"],
            "billableFeatures": target["billable_features"],
            "addons": [
                {"addonId": a["addonId"], "quantity": a["quantity"]} for a in target["addons"]
            ],
            "startDate": from_ms(int(schedule["scheduled_at"])).isoformat(),
            "skipTrial": True,
            "billingInformation": row.get("billing_info"),
            "billingCountryCode": row.get("billing_country_code"),
        },
        "",
        skip_payment_check=True,
        charge_now=False,  # the clock's renewal run invoices it (SUBSCRIPTION_CREATION)
    )


def _apply_schedule(domain: Domain, tx: Tx, schedule: dict[str, Any]) -> None:
    row = repo.get_subscription(tx.conn, schedule["subscription_ref"])
    if row is None or row["status"] not in ("ACTIVE", "IN_TRIAL"):
        repo.set_schedule_status(tx.conn, [schedule["id"]], "Canceled")
        return
    if schedule["schedule_type"] in PLAN_CHANGES:
        _apply_plan_change(domain, tx, row, schedule)
        return
    values = {
        **schedule_values(domain, row, schedule),
        "updated_at": domain.clock.now_ms(row["customer_ref"]),
    }
    repo.update_subscription(tx.conn, row["ref_id"], values)
    repo.set_schedule_status(tx.conn, [schedule["id"]], "Done")
    touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))


def process_due(domain: Domain, only: str | None = None) -> int:
    """Apply every time-based transition due by each customer's clock (or only `only`'s).

    Returns how many were applied.
    """
    applied = 0
    for scope in domain.clock.scopes(only):
        applied += _process_scope(domain, scope)
    return applied


def _process_scope(domain: Domain, scope: Scope) -> int:
    applied = 0
    now = domain.clock.now_ms(scope.customer)
    with domain.write() as tx:
        for row in repo.due_subscriptions(tx.conn, now, scope):
            applied += 1
            if row["status"] == "NOT_STARTED":
                repo.update_subscription(
                    tx.conn, row["ref_id"], {"status": "ACTIVE", "updated_at": now}
                )
                touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))
            elif row.get("cancellation_date") and int(row["cancellation_date"]) <= now:
                end_now(domain, tx, row, row.get("cancel_reason") or "ScheduledCancellation")
            elif row.get("end_date") and int(row["end_date"]) <= now:
                end_now(domain, tx, row, "Expired")
            elif row["status"] == "IN_TRIAL":
                _end_trial(domain, tx, row)
        for schedule in repo.due_schedules(tx.conn, now, scope):
            applied += 1
            _apply_schedule(domain, tx, schedule)
    return applied


def _end_trial(domain: Domain, tx: Tx, row: dict[str, Any]) -> None:
    plan = domain.catalog.package(row["plan_ref"], row["plan_version"])
    behavior = plan.default_trial.end_behavior if plan and plan.default_trial else "CONVERT_TO_PAID"
    billing = repo.get_billing(tx.conn, row.get("paying_customer_ref") or row["customer_ref"]) or {}
    if behavior == "CONVERT_TO_PAID" and (
        billing.get("payment_method_id") or row["pricing_type"] != "PAID"
    ):
        now = domain.clock.now_ms(row["customer_ref"])
        repo.update_subscription(tx.conn, row["ref_id"], {"status": "ACTIVE", "updated_at": now})
        touch_customer(domain, tx, row["customer_ref"], row.get("resource_id"))
    else:
        end_now(domain, tx, row, "TrialEnded")
