"""Paywall and portal models for the renderer tests, built through the SDK's own pydantic models."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from stigg_client.models.paywall import Paywall
from stigg_client.models.portal import CustomerPortal


def feature(
    fid: str, kind: str = "NUMBER", units: str = "call", name: str | None = None
) -> dict[str, Any]:
    return {
        "id": fid,
        "featureType": kind,
        "units": units,
        "unitsPlural": units + "s",
        "displayName": name or fid,
        "meterType": "Incremental",
    }


def paywall_data(name: str = "{}") -> dict[str, Any]:
    """Four plans like the test catalog; `name` is a template every catalog string goes through."""
    n = name.format
    return {
        "currency": {"code": "USD", "symbol": "$"},
        "plans": [
            {
                "id": "free",
                "order": 0,
                "displayName": n("Starter"),
                "description": n("For getting started"),
                "pricingType": "FREE",
                "entitlements": [
                    {
                        "feature": feature("calls", name=n("API calls")),
                        "usageLimit": 100,
                        "resetPeriod": "MONTH",
                    },
                    {
                        "feature": feature("sso", "BOOLEAN", name=n("SSO")),
                        "hiddenFromWidgets": ["PAYWALL"],
                    },
                    {
                        "feature": feature("f1", name=n("F1")),
                        "usageLimit": 5,
                        "displayNameOverride": n("Awesome feature"),
                    },
                ],
            },
            {
                "id": "pro",
                "order": 1,
                "displayName": n("Pro"),
                "description": n("For teams"),
                "pricingType": "PAID",
                "basePlan": {"id": "free", "displayName": n("Starter")},
                "pricePoints": [
                    {"billingPeriod": "MONTHLY", "amount": 10, "currency": "USD"},
                    {"billingPeriod": "ANNUALLY", "amount": 96, "currency": "USD"},
                ],
                "entitlements": [
                    {
                        "feature": feature("calls", name=n("API calls")),
                        "usageLimit": 1000,
                        "resetPeriod": "MONTH",
                    },
                    {"feature": feature("sso", "BOOLEAN", name=n("SSO"))},
                ],
                "metadata": {"tier": "pro"},
                "compatibleAddons": [
                    {
                        "id": "extra",
                        "displayName": n("Extra calls"),
                        "description": n("500 more calls"),
                        "metadata": {"badge": "popular"},
                    }
                ],
            },
            {
                "id": "team",
                "order": 2,
                "displayName": n("Team"),
                "pricingType": "PAID",
                "defaultTrialConfig": {"duration": 14, "units": "DAY"},
                "pricePoints": [
                    {
                        "billingPeriod": "MONTHLY",
                        "amount": 8,
                        "currency": "USD",
                        "feature": {
                            "featureId": "seats",
                            "units": "seat",
                            "unitsPlural": "seats",
                            "displayName": n("Seats"),
                        },
                        "minUnitQuantity": 2,
                        "maxUnitQuantity": 50,
                    },
                    {
                        "billingPeriod": "ANNUALLY",
                        "amount": 80,
                        "currency": "USD",
                        "feature": {
                            "featureId": "seats",
                            "units": "seat",
                            "unitsPlural": "seats",
                            "displayName": n("Seats"),
                        },
                        "minUnitQuantity": 2,
                        "maxUnitQuantity": 50,
                    },
                ],
                "entitlements": [
                    {"feature": feature("calls", name=n("API calls")), "hasUnlimitedUsage": True},
                    {"feature": feature("seats", units="seat", name=n("Seats")), "usageLimit": 50},
                ],
            },
            {
                "id": "enterprise",
                "order": 3,
                "displayName": n("Enterprise"),
                "pricingType": "CUSTOM",
                "entitlements": [],
            },
            {
                "id": "secret",
                "order": 4,
                "displayName": n("Secret"),
                "pricingType": "PAID",
                "hiddenFromWidgets": ["PAYWALL"],
            },
        ],
    }


# Catalog and customer strings that reach the widgets' markup (metadata values too).
CATALOG_TEXT_KEYS = frozenset(
    {
        "displayName",
        "description",
        "displayNameOverride",
        "name",
        "planName",
        "email",
        "units",
        "unitsPlural",
        "featureUnits",
        "featureUnitsPlural",
    }
)


def hostile(node: Any, payload: str) -> Any:
    """`node` (catalog YAML or API-shaped data) with every display string, unit name and
    metadata value put into `payload` (a template with one `{}`)."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            # A trial's `units` is an enum (DAY/MONTH); a feature's sits beside `unitsPlural`.
            is_enum = key == "units" and "unitsPlural" not in node
            if isinstance(value, str) and key in CATALOG_TEXT_KEYS and not is_enum:
                out[key] = payload.format(value)
            elif key == "metadata" and isinstance(value, dict):
                out[key] = {k: payload.format(v) for k, v in value.items()}
            else:
                out[key] = hostile(value, payload)
        return out
    if isinstance(node, list):
        return [hostile(item, payload) for item in node]
    return node


def paywall(name: str = "{}") -> Paywall:
    return Paywall.model_validate(paywall_data(name))


def portal(name: str = "{}", used: float = 750) -> CustomerPortal:
    n = name.format
    return CustomerPortal.model_validate(
        {
            "subscriptions": [
                {
                    "subscriptionId": "sub-1",
                    "planId": "pro",
                    "planName": n("Pro"),
                    "status": "IN_TRIAL",
                    "trialRemainingDays": 5,
                    "pricing": {
                        "billingPeriod": "MONTHLY",
                        "pricingType": "PAID",
                        "price": {"amount": 10, "currency": "USD"},
                    },
                    "billingPeriodRange": {
                        "start": "2026-11-01T00:00:00Z",
                        "end": "2026-12-01T00:00:00Z",
                    },
                    "addons": [
                        {"addonId": "extra", "displayName": n("Extra calls"), "quantity": 2}
                    ],
                    "scheduledUpdates": [
                        {
                            "subscriptionScheduleType": "Downgrade",
                            "scheduleStatus": "Scheduled",
                            "scheduledExecutionTime": "2026-12-01T00:00:00Z",
                            "targetPackage": {"refId": "free", "displayName": n("Starter")},
                            "scheduleVariables": {
                                "__typename": "DowngradeChangeVariables",
                                "downgradePlanRefId": "free",
                            },
                        },
                        {
                            "subscriptionScheduleType": "Addon",
                            "scheduleStatus": "Scheduled",
                            "scheduledExecutionTime": "2026-12-01T00:00:00Z",
                            "scheduleVariables": {
                                "__typename": "AddonChangeVariables",
                                "addonRefId": "extra",
                                "newQuantity": 0,
                            },
                        },
                        {
                            "subscriptionScheduleType": "BillingPeriod",
                            "scheduleStatus": "Canceled",
                            "scheduledExecutionTime": "2026-12-01T00:00:00Z",
                            "scheduleVariables": {
                                "__typename": "BillingPeriodChangeVariables",
                                "billingPeriod": "ANNUALLY",
                            },
                        },
                    ],
                    "previewNextInvoice": {
                        "total": {"amount": 10, "currency": "USD"},
                        "amountDue": {"amount": 10, "currency": "USD"},
                        "subTotal": {"amount": 10, "currency": "USD"},
                        "lastUpdatedAt": "2026-11-01T00:00:00Z",
                        "lines": [],
                    },
                },
                {
                    "subscriptionId": "sub-2",
                    "planId": "team",
                    "planName": n("Team"),
                    "status": "ACTIVE",
                    "pricing": {
                        "billingPeriod": "ANNUALLY",
                        "billingModel": "PER_UNIT",
                        "pricingType": "PAID",
                        "unitQuantity": 3,
                        "price": {"amount": 80, "currency": "USD"},
                        "feature": {
                            "refId": "seats",
                            "displayName": n("Seats"),
                            "featureUnits": n("seat"),
                            "featureUnitsPlural": n("seats"),
                        },
                    },
                    "scheduledUpdates": [
                        {
                            "subscriptionScheduleType": "UnitAmount",
                            "scheduleStatus": "Scheduled",
                            "scheduledExecutionTime": "2027-01-01T00:00:00Z",
                            "scheduleVariables": {
                                "__typename": "UnitAmountChangeVariables",
                                "featureId": "seats",
                                "newUnitAmount": 2,
                            },
                        }
                    ],
                },
            ],
            "entitlements": [
                {
                    "usageLimit": 1000,
                    "currentUsage": used,
                    "usagePeriodEnd": "2026-12-01T00:00:00Z",
                    "feature": {
                        "refId": "calls",
                        "meterType": "Incremental",
                        "featureUnitsPlural": n("calls"),
                        "displayName": n("API calls"),
                    },
                },
                {
                    "isGranted": True,
                    "feature": {"refId": "sso", "meterType": "None", "displayName": "SSO"},
                },
            ],
            "promotionalEntitlements": [
                {"displayName": n("Promo"), "hasUnlimitedUsage": True, "period": "ONE_MONTH"},
                {"displayName": n("Bonus calls"), "usageLimit": 5000, "period": "LIFETIME"},
            ],
            "billingInformation": {
                "name": n("Ada"),
                "email": "ada@example.com",
                "defaultPaymentMethodLast4Digits": "4242",
                "defaultPaymentExpirationMonth": 3,
                "defaultPaymentExpirationYear": 2030,
            },
            "billingPortalUrl": "https://billing.example.com/p",
            "canUpgradeSubscription": True,
        }
    )


class TagCollector(HTMLParser):
    """The start tags of some markup and its `on*` event-handler attributes (escaping tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
