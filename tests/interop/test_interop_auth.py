"""API keys and per-customer tokens as Stigg's published SDKs send them (README §1).

Runs its own emulator with a signing secret (the shared one has none): the browser SDK's
``customerToken`` travels as ``X-CUSTOMER-KEY`` and must be the hex HMAC-SHA256 of the customer id.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.interop.scenarios import ScenarioRun, emulator_params, run_script
from tests.support.emulators import customer_token, new_emulator

SECRET = "interop-signing-secret"


def token(customer_id: str) -> str:
    return customer_token(SECRET, customer_id)


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory, interop_workdir: Path, run_prefix: str
) -> Iterator[ScenarioRun]:
    tmp = tmp_path_factory.mktemp("auth")
    emulator = new_emulator(tmp, signing_secret=SECRET).start()
    customer_id = f"{run_prefix}-auth"
    try:
        params = {
            **emulator_params(emulator, run_prefix),
            "customerId": customer_id,
            "goodToken": token(customer_id),
            "otherToken": token("customer-demo-01"),
        }
        yield run_script("browser_auth.mjs", params, interop_workdir)
    finally:
        emulator.stop()


def test_matching_customer_token_grants_reads(run: ScenarioRun) -> None:
    assert run.value("setup.provisionCustomer")["customer"]["id"]
    assert run.value("goodToken.waitForInitialization") == {"isCustomerLoaded": True}
    entitlement = run.value("goodToken.getBooleanEntitlement")
    assert (entitlement["hasAccess"], entitlement["isFallback"]) == (True, False)
    assert (
        run.value("goodToken.getCustomer")["id"]
        == run.value("setup.provisionCustomer")["customer"]["id"]
    )
    assert run.value("goodToken.refresh") == "refreshed"


def test_token_of_another_customer_is_rejected(run: ScenarioRun) -> None:
    run.error("otherToken.waitForInitialization")
    entitlement = run.value("otherToken.getBooleanEntitlement")
    assert entitlement["isFallback"] is True
    run.error("otherToken.getCustomer")


def test_missing_customer_token_is_rejected(run: ScenarioRun) -> None:
    run.error("noToken.waitForInitialization")


def test_unknown_client_key_fails_initialization(run: ScenarioRun) -> None:
    assert "Authentication failed" in run.error("badKey.waitForInitialization")


def test_unknown_server_key_fails_initialization(run: ScenarioRun) -> None:
    assert "Double check your API key" in run.error("badServerKey.waitForInitialization")


def test_client_key_cannot_manage_customers(run: ScenarioRun) -> None:
    error = run.error("clientKey.provisionCustomer")
    assert "errorCode=Unauthenticated" in error or "errorCode=IdentityForbidden" in error
