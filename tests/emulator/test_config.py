"""CLI behaviour: --help, bad catalogs (one-line errors), signing secret, demo catalog."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.emulator.conftest import start_emulator
from tests.support.processes import CLIENT_KEY, REPO_ROOT, SERVER_KEY

QUERY = (
    "query GetEntitlements($query: FetchEntitlementsQuery!) { entitlements: "
    "cachedEntitlements(query: $query) { feature { refId } } }"
)


def test_help_documents_every_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stigg_emulator", "serve", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=True,
    )
    for flag in (
        "--host",
        "--port",
        "--edge-port",
        "--catalog",
        "--database-url",
        "--client-key",
        "--server-key",
        "--signing-secret",
    ):
        assert flag in result.stdout
    flat = " ".join(result.stdout.split()).replace("- ", "-")
    assert "client-local-key" in flat and "server-local-key" in flat and "3060" in flat


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "products:\n  - id: p\nfeatures:\n  - id: f\n    type: STRING\n",
            5,
            "'type' must be one of",
        ),
        (
            "products:\n  - id: p\nplans:\n  - id: a\n    product: p\n    parent: zzz\n",
            6,
            "unknown parent plan 'zzz'",
        ),
        (
            "products:\n  - id: p\nplans:\n  - id: a\n    product: p\n    prices:\n"
            "      - {billingPeriod: MONTHLY, amount: -3}\n",
            7,
            "'amount' must not be negative",
        ),
        ("products:\n  - id: p\n  bad: [\n", 3, "invalid YAML"),
        ("products:\n  - id: p\n    colour: red\n", 3, "unknown field 'colour'"),
    ],
)
def test_bad_catalog_is_one_line_error(tmp_path: Path, text: str, line: int, message: str) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(text)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stigg_emulator",
            "serve",
            "--catalog",
            str(catalog),
            "--database-url",
            f"sqlite:///{tmp_path / 'db.sqlite'}",
            "--port",
            "0",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{catalog}:{line}:" in lines[0]
    assert message in lines[0]


def test_signing_secret_binds_client_key_to_customer(tmp_path: Path) -> None:
    secret = "s3cret"
    emulator = start_emulator(tmp_path, signing_secret=secret)
    try:
        token = hmac.new(secret.encode(), b"customer-demo-01", hashlib.sha256).hexdigest()
        url = f"{emulator.base_url}/graphql"
        body = {"query": QUERY, "variables": {"query": {"customerId": "customer-demo-01"}}}
        missing = httpx.post(url, json=body, headers={"X-API-KEY": CLIENT_KEY}).json()
        assert missing["errors"][0]["extensions"]["code"] == "AuthCustomerMismatch"
        wrong = httpx.post(
            url, json=body, headers={"X-API-KEY": CLIENT_KEY, "X-CUSTOMER-KEY": "0" * 64}
        ).json()
        assert wrong["errors"][0]["extensions"]["code"] == "AuthCustomerMismatch"
        good = httpx.post(
            url, json=body, headers={"X-API-KEY": CLIENT_KEY, "X-CUSTOMER-KEY": token}
        ).json()
        assert len(good["data"]["entitlements"]) == 3
        other = {"query": QUERY, "variables": {"query": {"customerId": "someone-else"}}}
        stolen = httpx.post(
            url, json=other, headers={"X-API-KEY": CLIENT_KEY, "X-CUSTOMER-KEY": token}
        ).json()
        assert stolen["errors"][0]["extensions"]["code"] == "AuthCustomerMismatch"
        assert "errors" not in httpx.post(url, json=other, headers={"X-API-KEY": SERVER_KEY}).json()
        edge = f"{emulator.edge_url}/v1/c/customer-demo-01/entitlements.json"
        denied = httpx.get(edge, headers={"X-API-KEY": CLIENT_KEY}).json()
        assert denied["errors"][0]["extensions"]["code"] == "AuthCustomerMismatch"
        allowed = httpx.get(edge, headers={"X-API-KEY": CLIENT_KEY, "X-CUSTOMER-KEY": token})
        assert len(allowed.json()["data"]["entitlements"]) == 3
    finally:
        emulator.stop()


def test_demo_catalog_serves_skeleton_customer(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path, catalog=REPO_ROOT / "demo_site" / "catalog.yaml")
    try:
        body = httpx.get(
            f"{emulator.edge_url}/v1/c/customer-demo-01/entitlements.json",
            headers={"X-API-KEY": CLIENT_KEY},
        ).json()
        refs = {e["feature"]["refId"] for e in body["data"]["entitlements"]}
        assert {
            "feature-demo-01",
            "feature-demo-02",
            "feature-demo-03",
            "feature-documents",
        } <= refs
        paywall = httpx.get(
            f"{emulator.edge_url}/v1/p/product-inkwell/paywall.json",
            headers={"X-API-KEY": CLIENT_KEY},
        ).json()["data"]["paywall"]
        assert [p["refId"] for p in paywall["plans"]] == [
            "plan-free",
            "plan-pro",
            "plan-team",
            "plan-enterprise",
        ]
    finally:
        emulator.stop()
