"""Every GraphQL document the two pinned SDKs send validates against the emulator's schema.

The documents come from the SDK packages themselves (js/dump_documents.mjs prints the exported
document objects; they are identical, apart from Apollo's added ``__typename``, to what the SDKs
were observed sending, README §6). The schema comes from introspecting the running emulator, so a
failure names exactly the type, field, argument or input the emulator is missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLSchema,
    build_client_schema,
    get_introspection_query,
    parse,
    validate,
)

from tests.interop.scenarios import ScenarioRun, run_script
from tests.support.processes import EmulatorProcess

# Operations used by the seed-guide methods of each SDK (README §2).
BROWSER_OPERATIONS = (
    "GetSdkConfiguration",
    "GetEntitlements",
    "ReportEntitlementCheckRequested",
    "GetPaywall",
    "GetCustomerPortalByRefId",
    "GetCustomerById",
    "GetActiveSubscriptions",
    "GetActiveSubscriptionsList",
    "GetSubscription",
    "GetCoupons",
    "EstimateSubscription",
    "EstimateSubscriptionUpdate",
)
NODE_OPERATIONS = (
    "GetSdkConfiguration",
    "ProvisionCustomer",
    "UpdateCustomer",
    "GetCustomerById",
    "ArchiveCustomer",
    "ProvisionSubscription",
    "UpdateSubscription",
    "CancelSubscription",
    "CancelSubscriptionUpdates",
    "MigrateSubscriptionToLatest",
    "GetActiveSubscriptionsList",
    "GetSubscription",
    "GetEntitlements",
    "GetPaywall",
    "ReportUsage",
    "ReportUsageBulk",
    "ReportEvent",
    "GrantPromotionalEntitlements",
    "RevokePromotionalEntitlement",
    "GetCoupons",
    "GetProducts",
    "EstimateSubscription",
    "EstimateSubscriptionUpdate",
    "OnEntitlementsUpdated",
    "OnUsageUpdated",
    "OnPackagePublished",
    "OnCreditBalanceUpdated",
)
CASES = [("browser", op) for op in BROWSER_OPERATIONS] + [("node", op) for op in NODE_OPERATIONS]


@pytest.fixture(scope="module")
def documents(interop_workdir: Path) -> ScenarioRun:
    params: dict[str, Any] = {"browser": BROWSER_OPERATIONS, "node": NODE_OPERATIONS}
    return run_script("dump_documents.mjs", params, interop_workdir)


@pytest.fixture(scope="module")
def emulator_schema(emulator: EmulatorProcess) -> GraphQLSchema:
    response = httpx.post(
        f"{emulator.base_url}/graphql",
        json={"operationName": "IntrospectionQuery", "query": get_introspection_query()},
        headers={"X-API-KEY": emulator.server_key},
        timeout=30,
    )
    assert response.status_code == 200, response.text[:2000]
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return build_client_schema(body["data"])


@pytest.mark.parametrize(("sdk", "operation"), CASES, ids=[f"{s}-{o}" for s, o in CASES])
def test_sdk_document_validates_against_emulator_schema(
    documents: ScenarioRun, emulator_schema: GraphQLSchema, sdk: str, operation: str
) -> None:
    document = documents.value(f"{sdk}.{operation}")
    errors = validate(emulator_schema, parse(document))
    assert not errors, f"{sdk} SDK {operation}:\n" + "\n".join(f"- {e.message}" for e in errors)
