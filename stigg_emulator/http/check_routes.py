"""`GET /emulator/entitlement-checks?customerId=` (server key): the entitlement checks client
SDKs reported for a customer (`reportEntitlementCheckRequested`), counted per feature."""

from __future__ import annotations

from collections import Counter
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stigg_emulator.domain.errors import StiggError
from stigg_emulator.domain.lookups import require_customer
from stigg_emulator.http.state import AppState, caller_of, unauthorized
from stigg_emulator.storage import repositories as repo


async def entitlement_checks_get(request: Request) -> Response:
    """Totals per feature (granted and denied) and the reported checks, oldest first."""
    state: AppState = request.app.state.emulator
    caller = caller_of(request, state)
    if caller is None or not caller.is_server:
        return unauthorized()
    customer = request.query_params.get("customerId") or ""
    try:
        with state.domain.read() as connection:
            require_customer(connection, customer)
            rows = repo.entitlement_checks(connection, customer)
    except StiggError as error:
        return JSONResponse({"error": {"code": error.code, "message": error.message}}, 404)
    granted: Counter[str] = Counter()
    denied: Counter[str] = Counter()
    checks: list[dict[str, Any]] = []
    for row in rows:
        result = row["result"] or {}
        (granted if result.get("hasAccess") else denied)[row["feature_ref"]] += 1
        checks.append(
            {
                "featureId": row["feature_ref"],
                "resourceId": row["resource_id"],
                "requestedUsage": row["requested_usage"],
                "result": result,
            }
        )
    features = sorted(set(granted) | set(denied))
    return JSONResponse(
        {
            "customerId": customer,
            "total": len(rows),
            "byFeature": {
                feature: {
                    "count": granted[feature] + denied[feature],
                    "granted": granted[feature],
                    "denied": denied[feature],
                }
                for feature in features
            },
            "checks": checks,
        }
    )


def routes() -> list[Route]:
    """Routes of the reported entitlement checks."""
    return [Route("/emulator/entitlement-checks", entitlement_checks_get, methods=["GET"])]
