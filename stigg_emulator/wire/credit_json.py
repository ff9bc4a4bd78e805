"""Credit JSON: currencies, `CreditEntitlement`, `CreditGrant`, balances, the ledger, usage,
estimates, auto-recharge settings and the `creditBalanceUpdated` push (docs/protocol.md §5.7)."""

from __future__ import annotations

from typing import Any

from stigg_emulator.catalog.model import (
    ACCOUNT_ID,
    ENVIRONMENT_ID,
    Catalog,
    CreditEntitlementSpec,
    CreditRate,
    CustomCurrency,
    Package,
    stable_uuid,
)
from stigg_emulator.clock import iso
from stigg_emulator.domain.credit_consumption import Consumed
from stigg_emulator.domain.credit_reads import UsageSeries
from stigg_emulator.domain.credits import CreditBalance


def units_json(currency: CustomCurrency) -> dict[str, Any]:
    """`Units` of a currency."""
    return {
        "__typename": "Units",
        "singular": currency.unit_singular,
        "plural": currency.unit_plural,
    }


def slim_currency_json(currency: CustomCurrency) -> dict[str, Any]:
    """`SlimCustomCurrency`."""
    return {
        "__typename": "SlimCustomCurrency",
        "currencyId": currency.ref_id,
        "displayName": currency.display_name,
        "symbol": currency.symbol,
        "units": units_json(currency),
    }


def custom_currency_json(currency: CustomCurrency) -> dict[str, Any]:
    """`CustomCurrency` (catalog objects have no creation date of their own: the epoch)."""
    return {
        **slim_currency_json(currency),
        "__typename": "CustomCurrency",
        "id": currency.uuid,
        "description": currency.description,
        "additionalMetaData": currency.metadata,
        "archivedAt": None,
        "createdAt": iso(0),
        "updatedAt": iso(0),
    }


def package_credit_entitlement_json(
    catalog: Catalog, package: Package, spec: CreditEntitlementSpec
) -> dict[str, Any]:
    """`PackageCreditEntitlement`: a plan's or add-on's recurring grant, as a member of its
    `packageEntitlements` (what a paywall or checkout shows as "includes N credits")."""
    currency = catalog.currencies[spec.currency_ref]
    return {
        "__typename": "PackageCreditEntitlement",
        "id": stable_uuid("package-credit-entitlement", f"{package.ref_id}:{currency.ref_id}"),
        "amount": spec.amount,
        "cadence": spec.cadence,
        "behavior": "Increment",
        "customCurrencyId": currency.ref_id,
        "customCurrency": custom_currency_json(currency),
        "hasSoftLimit": spec.soft_limit,
        "isGranted": True,
        "isCustom": False,
        "packageId": package.uuid,
        "package": None,
        "environmentId": ENVIRONMENT_ID,
        "hiddenFromWidgets": [],
        "description": None,
        "displayNameOverride": None,
        "order": None,
        "dependency": None,
        "dependencyFeature": None,
        "createdAt": iso(0),
        "updatedAt": iso(0),
    }


def entitlement_currency_json(currency: CustomCurrency) -> dict[str, Any]:
    """`EntitlementCurrency` of a credit entitlement."""
    return {
        "__typename": "EntitlementCurrency",
        "currencyId": currency.ref_id,
        "displayName": currency.display_name,
        "description": currency.description,
        "unitSingular": currency.unit_singular,
        "unitPlural": currency.unit_plural,
        "additionalMetaData": currency.metadata,
    }


def credit_rate_json(rate: CreditRate | None, currency: CustomCurrency | None = None) -> Any:
    """`CreditRate` of a feature (null without one)."""
    if rate is None:
        return None
    return {
        "__typename": "CreditRate",
        "amount": rate.amount,
        "currencyId": rate.currency_ref,
        "customCurrencyId": currency.uuid if currency else None,
        "costFormula": None,
    }


def credit_entitlement_json(credit: CreditBalance, updated_at: int | None) -> dict[str, Any]:
    """`CreditEntitlement`: granted = active grants, used = consumed on them."""
    denied = credit.insufficient
    return {
        "__typename": "CreditEntitlement",
        "currency": entitlement_currency_json(credit.currency),
        "isGranted": not denied,
        "accessDeniedReason": "InsufficientCredits" if denied else None,
        "usageLimit": credit.granted,
        "currentUsage": credit.consumed,
        "hasSoftLimit": credit.soft_limit,
        "validUntil": iso(credit.valid_until),
        "usagePeriodEnd": iso(credit.period_end),
        "usageUpdatedAt": iso(updated_at),
        "entitlementUpdatedAt": iso(updated_at),
    }


def grant_json(row: dict[str, Any]) -> dict[str, Any]:
    """`CreditGrant` of a grant row carrying its computed `status`."""
    return {
        "__typename": "CreditGrant",
        "id": row["id"],
        "grantId": row["id"],
        "customerId": row["customer_ref"],
        "resourceId": row["resource_key"] or None,
        "currencyId": row["currency_ref"],
        "displayName": row["display_name"],
        "amount": float(row["amount"]),
        "consumedAmount": float(row["consumed"]),
        "grantType": row["grant_type"],
        "status": row["status"],
        "sourceType": row["source_type"],
        "priority": float(row["priority"]),
        "effectiveAt": iso(int(row["effective_at"])),
        "expireAt": iso(row["expire_at"]),
        "voidedAt": iso(row["voided_at"]),
        "cost": {
            "__typename": "Money",
            "amount": float(row["cost_amount"]),
            "currency": row["cost_currency"],
        },
        "paymentCollection": row["payment_collection"],
        "invoiceId": row["invoice_id"],
        "latestInvoice": None,
        "automaticRechargeConfigurationId": row["recharge_id"],
        "comment": row["comment"],
        "additionalMetaData": row["metadata"],
        "createdAt": iso(int(row["created_at"])),
        "updatedAt": iso(int(row["updated_at"])),
    }


def balance_json(
    currency: CustomCurrency, credit: CreditBalance, customer_ref: str, resource_id: str | None
) -> dict[str, Any]:
    """`CreditBalance` (the fields `CreditBalanceUpdated` shares with it)."""
    return {
        "__typename": "CreditBalance",
        "currency": slim_currency_json(currency),
        "currencyId": currency.ref_id,
        "currentBalance": credit.balance,
        "totalGranted": credit.total_granted,
        "totalConsumed": credit.total_consumed,
        "validUntil": float(credit.valid_until) if credit.valid_until else None,
        "customerId": customer_ref,
        "resourceId": resource_id,
    }


def balance_updated_json(
    currency: CustomCurrency, credit: CreditBalance, customer_ref: str, resource_id: str | None
) -> dict[str, Any]:
    """The `creditBalanceUpdated` push."""
    return {
        **balance_json(currency, credit, customer_ref, resource_id),
        "__typename": "CreditBalanceUpdated",
        "accountId": ACCOUNT_ID,
        "environmentId": ENVIRONMENT_ID,
    }


def connection_json(
    typename: str, nodes: list[dict[str, Any]], offset: int, total: int
) -> dict[str, Any]:
    """A cursor connection over one page of `nodes` starting at `offset` (cursor = position)."""
    edges = [
        {"__typename": f"{typename}Edge", "cursor": str(offset + index), "node": node}
        for index, node in enumerate(nodes)
    ]
    return {
        "__typename": f"{typename}Connection",
        "edges": edges,
        "totalCount": total,
        "pageInfo": {
            "__typename": "PageInfo",
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
            "hasNextPage": offset + len(nodes) < total,
            "hasPreviousPage": offset > 0,
        },
    }


def ledger_event_json(row: dict[str, Any], grant: dict[str, Any] | None) -> dict[str, Any]:
    """`CreditLedgerEvent`."""
    return {
        "__typename": "CreditLedgerEvent",
        "timestamp": iso(int(row["timestamp"])),
        "eventType": row["event_type"],
        "amount": float(row["amount"]),
        "creditGrantId": row["grant_id"],
        "creditCurrencyId": row["currency_ref"],
        "customerId": row["customer_ref"],
        "resourceId": row["resource_key"] or None,
        "eventId": row["event_id"],
        "featureId": row["feature_ref"],
        "feature": None,
        "grant": grant_json(grant) if grant else None,
    }


def optimistic_json(currency_ref: str, credit: CreditBalance, timestamp: int) -> dict[str, Any]:
    """`OptimisticCreditBalance` of a consumption's answer."""
    return {
        "__typename": "OptimisticCreditBalance",
        "currencyId": currency_ref,
        "currentUsage": credit.consumed,
        "usageLimit": credit.granted,
        "usagePeriodEnd": iso(credit.period_end),
        "timestamp": iso(timestamp),
    }


def recharge_json(
    row: dict[str, Any], currency: CustomCurrency, customer: dict[str, Any], spend: float
) -> dict[str, Any]:
    """`AutoRechargeSettingsDTO` (`customer` is the already shaped `Customer`)."""
    return {
        "__typename": "AutoRechargeSettingsDTO",
        "id": row["id"],
        "customerId": row["customer_ref"],
        "currencyId": row["currency_ref"],
        "environmentId": ENVIRONMENT_ID,
        "isEnabled": bool(row["is_enabled"]),
        "thresholdType": row["threshold_type"],
        "thresholdValue": float(row["threshold_value"]),
        "targetBalance": float(row["target_balance"]),
        "maxSpendLimit": row["max_spend_limit"],
        "currentMonthlySpend": spend,
        "grantExpirationPeriod": row["grant_expiration_period"],
        "customCurrency": custom_currency_json(currency),
        "customer": customer,
        "validationConfig": {
            "__typename": "AutoRechargeValidationConfigDTO",
            "allowUnlimitedSpendLimit": True,
            "maxCreditPoolSize": None,
            "maxTargetBalance": None,
            "maxThresholdAmount": None,
            "minGrantAmount": None,
            "minTargetBalance": None,
        },
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
    }


def consumption_json(consumed: Consumed, now_ms: int) -> dict[str, Any]:
    """`CreditConsumptionResponse` with the optimistic balance after it."""
    return {
        "__typename": "CreditConsumptionResponse",
        "customerId": consumed.customer_ref,
        "currencyId": consumed.currency_ref,
        "resourceId": consumed.resource_id,
        "amount": consumed.amount,
        "timestamp": iso(consumed.timestamp),
        "credit": optimistic_json(consumed.currency_ref, consumed.balance, now_ms),
    }


def usage_json(
    series: list[UsageSeries], catalog: Catalog, currency: CustomCurrency | None
) -> dict[str, Any]:
    """`CreditUsage`: one series per feature, points per time bucket."""
    return {
        "__typename": "CreditUsage",
        "currency": slim_currency_json(currency) if currency else None,
        "pageInfo": {
            "__typename": "PageInfo",
            "startCursor": None,
            "endCursor": None,
            "hasNextPage": False,
            "hasPreviousPage": False,
        },
        "series": [
            {
                "__typename": "CreditUsageSeries",
                "featureId": item.feature_ref,
                "featureName": catalog.features[item.feature_ref].display_name
                if item.feature_ref in catalog.features
                else None,
                "totalCredits": item.total,
                "eventCount": item.count,
                "tags": [],
                "points": [
                    {
                        "__typename": "CreditUsagePoint",
                        "timestamp": iso(stamp),
                        "value": value,
                        "eventCount": int(count),
                    }
                    for stamp, (value, count) in sorted(item.points.items())
                ],
            }
            for item in series
        ],
    }


def estimation_json(
    costs: dict[str, list[tuple[str, float]]],
    balances: dict[str, CreditBalance],
    warnings: list[str],
) -> dict[str, Any]:
    """`CreditCostEstimation`: per currency, the cost and the balance it would leave."""
    estimates = []
    for currency_ref, items in costs.items():
        credit = balances.get(currency_ref)
        current = credit.balance if credit else 0.0
        cost = sum(amount for _feature, amount in items)
        estimates.append(
            {
                "__typename": "CurrencyEstimate",
                "currencyId": currency_ref,
                "currentBalance": current,
                "estimatedCost": cost,
                "balanceAfterEstimate": current - cost,
                "wouldOverdraft": current - cost < 0,
                "breakdown": [
                    {
                        "__typename": "EstimationBreakdownItem",
                        "featureId": feature,
                        "cost": amount,
                        "warningCode": None,
                    }
                    for feature, amount in items
                ],
            }
        )
    return {
        "__typename": "CreditCostEstimation",
        "estimates": estimates,
        "warnings": sorted(set(warnings)),
    }
