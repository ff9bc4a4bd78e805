"""Entitlement reads (`cachedEntitlements`, `entitlementsState`, `entitlement`), check reports."""

from __future__ import annotations

from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from stigg_emulator.domain.errors import StiggError, bad_input
from stigg_emulator.graphql.context import ctx, write
from stigg_emulator.storage import repositories as repo
from stigg_emulator.wire.entitlement_json import single_entitlement_json


def _scope(query: dict[str, Any]) -> tuple[str, str | None]:
    customer_id = query.get("customerId")
    if not customer_id:
        raise bad_input("customerId is required")
    return str(customer_id), query.get("resourceId") or None


def resolve_cached_entitlements(_obj: Any, info: GraphQLResolveInfo, query: dict[str, Any]) -> Any:
    """`cachedEntitlements(query)`: every entitlement of the customer scope."""
    customer_id, resource_id = _scope(query)
    ctx(info).caller.check_customer(customer_id)
    return ctx(info).reads.entitlements(customer_id, resource_id)


def resolve_entitlements_state(_obj: Any, info: GraphQLResolveInfo, query: dict[str, Any]) -> Any:
    """`entitlementsState(query)`: V1 + V2 lists and the customer-level denial reason."""
    customer_id, resource_id = _scope(query)
    ctx(info).caller.check_customer(customer_id)
    return ctx(info).reads.entitlements_state(customer_id, resource_id)


def resolve_entitlement(_obj: Any, info: GraphQLResolveInfo, query: dict[str, Any]) -> Any:
    """`entitlement(query)`: one feature with `requestedUsage` / `requestedValues` applied."""
    customer_id, resource_id = _scope(query)
    ctx(info).caller.check_customer(customer_id)
    feature_id = query.get("featureId")
    if not feature_id:
        raise bad_input("featureId is required")
    options = query.get("options") or {}
    requested = options.get("requestedUsage")
    if requested is not None and float(requested) < 0:
        raise StiggError("InvalidQuantity", "requestedUsage must not be negative")
    values = options.get("requestedValues")
    state = ctx(info).reads.state(customer_id, resource_id)
    return single_entitlement_json(
        state,
        ctx(info).domain.catalog,
        str(feature_id),
        float(requested) if requested is not None else None,
        tuple(str(value) for value in values) if values is not None else None,
    )


def resolve_report_check(
    _obj: Any,
    info: GraphQLResolveInfo,
    entitlementCheckRequested: dict[str, Any],
) -> bool:
    """`reportEntitlementCheckRequested`: store the check the client SDK made."""
    data = entitlementCheckRequested
    customer_id = str(data.get("customerId"))
    ctx(info).caller.check_customer(customer_id)
    now = ctx(info).domain.clock.now_ms(customer_id)

    def record(tx: Any) -> bool:
        repo.insert_entitlement_check(
            tx.conn,
            {
                "customer_ref": customer_id,
                "resource_id": data.get("resourceId"),
                "feature_ref": str(data.get("featureId")),
                "requested_usage": data.get("requestedUsage"),
                "result": _jsonable(data.get("entitlementCheckResult") or {}),
                "created_at": now,
            },
        )
        return True

    return write(info, record)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def resolve_sdk_configuration(_obj: Any, info: GraphQLResolveInfo) -> dict[str, Any]:
    """`sdkConfiguration`."""
    return sdk_configuration(ctx(info).domain.catalog.sdk)


def sdk_configuration(settings: Any) -> dict[str, Any]:
    """The SdkConfiguration object from catalog settings."""
    return {
        "sentryDsn": settings.sentry_dsn,
        "isWidgetWatermarkEnabled": settings.is_widget_watermark_enabled,
        "showWatermark": settings.is_widget_watermark_enabled,
    }


def register(query: QueryType, mutation: MutationType) -> None:
    """Bind this area's root fields."""
    query.set_field("cachedEntitlements", resolve_cached_entitlements)
    query.set_field("entitlementsState", resolve_entitlements_state)
    query.set_field("entitlement", resolve_entitlement)
    query.set_field("sdkConfiguration", resolve_sdk_configuration)
    mutation.set_field("reportEntitlementCheckRequested", resolve_report_check)
