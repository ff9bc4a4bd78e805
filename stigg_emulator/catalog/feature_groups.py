"""The catalog's `featureGroups:` section (see stigg_emulator/CATALOG.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from stigg_emulator.catalog.model import Catalog, FeatureGroup, stable_uuid
from stigg_emulator.catalog.yaml_lines import CatalogError


class CatalogNode(Protocol):
    """The loader's line-aware accessors of one YAML mapping."""

    def text(self, key: str, default: Any = ...) -> Any:
        """A string field."""

    def strings(self, key: str, choices: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """A list-of-strings field."""

    def error(self, key: str | None, message: str) -> CatalogError:
        """An error pointing at the line of `key`."""

    def check_unknown(self) -> None:
        """Fail on keys no accessor read."""


def feature_groups(nodes: Sequence[CatalogNode], catalog: Catalog) -> dict[str, FeatureGroup]:
    """Every feature group, by id; each names at least one known feature, once."""
    groups: dict[str, FeatureGroup] = {}
    for node in nodes:
        ref_id = node.text("id")
        if ref_id in groups:
            raise node.error("id", f"duplicate id {ref_id!r}")
        features = node.strings("features")
        if not features:
            raise node.error("features", "a feature group needs at least one feature")
        for feature_ref in features:
            if feature_ref not in catalog.features:
                raise node.error("features", f"unknown feature {feature_ref!r}")
        if len(set(features)) != len(features):
            raise node.error("features", "a feature is listed twice")
        groups[ref_id] = FeatureGroup(
            ref_id=ref_id,
            display_name=node.text("displayName", ref_id),
            feature_refs=features,
            description=node.text("description", None),
            uuid=stable_uuid("feature-group", ref_id),
        )
        node.check_unknown()
    return groups
