"""Edge reads and the SSE stream take customer ids holding `/`, `?`, `#` or a space, sent
percent-encoded (as the SDKs send every id)."""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

import httpx
import pytest

from tests.emulator.helpers import server
from tests.support.processes import CLIENT_KEY, EmulatorProcess

ODD = ["a/b", "what?x=1", "tag#frag", "two words", "a/b?c#d e"]
ENTITLEMENT_KINDS = {
    "entitlements.json": "entitlements",
    "entitlements-state.json": "entitlementsState",
}


def _provision(emulator: EmulatorProcess, ref: str) -> None:
    server(emulator).data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {
            "input": {
                "refId": ref,
                "billingInformation": {"paymentMethodId": "pm_1"},
                "subscriptionParams": {"planId": "plan-stigg-pro"},
            }
        },
    )


@pytest.fixture(scope="module")
def odd_customers(emulator: EmulatorProcess) -> dict[str, str]:
    """Each odd id (with a unique prefix) provisioned on the Pro plan."""
    tag = uuid.uuid4().hex[:6]
    refs = {odd: f"{tag} {odd}" for odd in ODD}
    for ref in refs.values():
        _provision(emulator, ref)
    return refs


def _get(emulator: EmulatorProcess, base: str, path: str) -> httpx.Response:
    return httpx.get(base + path, headers={"X-API-KEY": CLIENT_KEY}, timeout=30)


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("port", ["edge", "main"])
@pytest.mark.parametrize("file", sorted(ENTITLEMENT_KINDS))
def test_entitlement_reads_take_encoded_ids(
    emulator: EmulatorProcess, odd_customers: dict[str, str], odd: str, port: str, file: str
) -> None:
    ref = odd_customers[odd]
    base = emulator.edge_url if port == "edge" else emulator.base_url
    response = _get(emulator, base, f"/v1/c/{quote(ref, safe='')}/{file}")
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    data = body["data"][ENTITLEMENT_KINDS[file]]
    items = data if file == "entitlements.json" else data["entitlementsV2"]
    assert {item["feature"]["refId"] for item in items} >= {"feature-demo-03"}, data


@pytest.mark.parametrize("odd", ODD)
def test_subscriptions_read_takes_encoded_ids(
    emulator: EmulatorProcess, odd_customers: dict[str, str], odd: str
) -> None:
    ref = odd_customers[odd]
    response = _get(emulator, emulator.edge_url, f"/v1/c/{quote(ref, safe='')}/subscriptions.json")
    body = response.json()
    assert "errors" not in body, body
    plans = [row["plan"]["refId"] for row in body["data"]["getActiveSubscriptions"]]
    assert plans == ["plan-stigg-pro"]


def test_encoded_id_of_an_unknown_customer_is_not_found(emulator: EmulatorProcess) -> None:
    response = _get(emulator, emulator.edge_url, "/v1/c/nobody%2Fhere/subscriptions.json")
    assert response.json()["errors"][0]["extensions"]["code"] == "CustomerNotFound"


def test_paywall_takes_an_encoded_product_id(emulator: EmulatorProcess) -> None:
    plain = _get(emulator, emulator.edge_url, "/v1/p/product-stigg/paywall.json").json()
    encoded = _get(emulator, emulator.edge_url, "/v1/p/product%2Dstigg/paywall.json").json()
    assert encoded == plain
    missing = _get(emulator, emulator.edge_url, "/v1/p/product-stigg%2Fx/paywall.json").json()
    assert missing != plain


@pytest.mark.parametrize("odd", ODD)
def test_sse_stream_takes_encoded_ids(
    emulator: EmulatorProcess, odd_customers: dict[str, str], odd: str
) -> None:
    ref = odd_customers[odd]
    url = f"{emulator.base_url}/v1/c/{quote(ref, safe='')}/events"
    with httpx.stream("GET", url, params={"apiKey": CLIENT_KEY}, timeout=10) as response:
        assert response.status_code == 200
        kind = ""
        for line in response.iter_lines():
            if line.startswith("event: ready"):
                server(emulator).data(
                    "mutation R($input: ReportUsageInput!) { reportUsage(input: $input) "
                    "{ currentUsage } }",
                    {"input": {"customerId": ref, "featureId": "feature-demo-03", "value": 1}},
                )
            elif line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: ") and kind == "usageUpdated":
                usage = json.loads(line.removeprefix("data: "))["usage"]
                assert usage["customerId"] == ref
                break
