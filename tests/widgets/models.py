"""Paywall and portal models for the renderer tests, built through the SDK's own pydantic models."""

from __future__ import annotations

from typing import Any

from stigg_client.models.paywall import Paywall
from stigg_client.models.portal import CustomerPortal


def feature(fid: str, kind: str = "NUMBER", units: str = "call", name: str | None = None) -> dict:
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
                "compatibleAddons": [{"id": "extra", "displayName": n("Extra calls")}],
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
                {
                    "hasUnlimitedUsage": True,
                    "feature": {
                        "refId": "p",
                        "displayName": n("Promo"),
                        "featureUnitsPlural": n("tokens"),
                    },
                }
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
