"""Package versions: each start publishes changed plans/add-ons as new versions in the database."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal
from typing import Any

from stigg_emulator.catalog.model import (
    EntitlementSpec,
    Package,
    PriceSpec,
    PriceTier,
    TrialSpec,
)
from stigg_emulator.domain.changes import PACKAGE, Change
from stigg_emulator.domain.context import Domain
from stigg_emulator.storage import repositories as repo


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    return value


# Fields added after packages were first stored: left out while empty, so a package that does
# not use them keeps its fingerprint (and is not republished as a new version).
_OPTIONAL_PRICE_FIELDS = ("tiers_mode", "tiers", "block_size")


def package_document(package: Package) -> dict[str, Any]:
    """JSON document of a package (without its version number)."""
    data: dict[str, Any] = _encode(dataclasses.asdict(package))
    data.pop("version", None)
    if not data.get("overage_prices"):
        data.pop("overage_prices", None)
    for price in [*data["prices"], *data.get("overage_prices", [])]:
        for key in _OPTIONAL_PRICE_FIELDS:
            if not price.get(key):
                price.pop(key, None)
    return data


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _price_from_document(item: dict[str, Any]) -> PriceSpec:
    return PriceSpec(
        **{
            **item,
            "amount": Decimal(item["amount"]),
            "country_overrides": tuple(
                (code, Decimal(amount), currency)
                for code, amount, currency in item["country_overrides"]
            ),
            "tiers": tuple(
                PriceTier(
                    _decimal(tier["up_to"]),
                    _decimal(tier["unit_price"]),
                    _decimal(tier["flat_price"]),
                )
                for tier in item.get("tiers") or ()
            ),
        }
    )


def fingerprint(document: dict[str, Any]) -> str:
    """Stable hash of a package document."""
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def package_from_document(document: dict[str, Any], version: int) -> Package:
    """Rebuild a stored package version."""
    entitlements = tuple(
        EntitlementSpec(**{**item, "hidden_from_widgets": tuple(item["hidden_from_widgets"])})
        for item in document["entitlements"]
    )
    prices = tuple(_price_from_document(item) for item in document["prices"])
    overage = tuple(_price_from_document(item) for item in document.get("overage_prices", ()))
    trial = TrialSpec(**document["default_trial"]) if document.get("default_trial") else None
    return Package(
        **{
            **document,
            "entitlements": entitlements,
            "prices": prices,
            "overage_prices": overage,
            "default_trial": trial,
            "hidden_from_widgets": tuple(document["hidden_from_widgets"]),
            "compatible_addons": tuple(document["compatible_addons"]),
            "version": version,
        }
    )


def sync_packages(domain: Domain) -> list[Change]:
    """Publish catalog packages whose content changed; load older versions into the catalog."""
    catalog = domain.catalog
    published: list[Change] = []
    now = domain.clock.now_ms()
    with domain.write() as tx:
        stored: dict[str, list[dict[str, Any]]] = {}
        for row in repo.package_versions(tx.conn):
            stored.setdefault(row["ref_id"], []).append(row)
        for registry in (catalog.plans, catalog.addons):
            for ref_id, package in list(registry.items()):
                document = package_document(package)
                digest = fingerprint(document)
                versions = stored.get(ref_id, [])
                latest = versions[-1] if versions else None
                version = int(latest["version"]) if latest else 0
                if latest is None or latest["fingerprint"] != digest:
                    version += 1
                    repo.insert_package(
                        tx.conn,
                        {
                            "ref_id": ref_id,
                            "version": version,
                            "kind": package.kind,
                            "fingerprint": digest,
                            "document": document,
                            "published_at": now,
                        },
                    )
                    change = Change(
                        PACKAGE,
                        package_ref=ref_id,
                        package_type=package.kind.upper(),
                        package_version=version,
                    )
                    tx.changes.append(change)
                    published.append(change)
                registry[ref_id] = dataclasses.replace(package, version=version)
                for row in versions:
                    if int(row["version"]) != version:
                        catalog.package_versions[(ref_id, int(row["version"]))] = (
                            package_from_document(row["document"], int(row["version"]))
                        )
    return published
