"""Our GraphQL documents are valid against Stigg's schema (the emulator's copy of it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_schema, parse, validate

from stigg_client.core.graphql import checkout, entitlements, reads, server, server_admin

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "stigg_emulator" / "graphql" / "stigg.graphql"
DOCUMENTS = {
    name: value
    for module in (checkout, entitlements, reads, server, server_admin)
    for name, value in vars(module).items()
    if name.isupper() and isinstance(value, str) and value.startswith(("query", "mutation"))
}


def test_every_operation_is_listed() -> None:
    assert {
        "GET_ENTITLEMENTS",
        "GET_PAYWALL",
        "GET_CUSTOMER_PORTAL",
        "ESTIMATE_SUBSCRIPTION",
        "GET_CHECKOUT_STATE",
        "PREVIEW_SUBSCRIPTION",
        "APPLY_SUBSCRIPTION",
    } <= set(DOCUMENTS)


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SCHEMA_PATH.read_text())


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_validates_against_the_schema(schema: GraphQLSchema, name: str) -> None:
    errors = validate(schema, parse(DOCUMENTS[name]))
    assert [error.message for error in errors] == []


def test_operation_name_matches_stigg() -> None:
    assert "query GetEntitlements(" in entitlements.GET_ENTITLEMENTS
    assert "entitlements: cachedEntitlements(query: $query)" in entitlements.GET_ENTITLEMENTS
