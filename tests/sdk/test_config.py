"""Configuration validation and the edge URI derivation of protocol §1.1."""

from __future__ import annotations

import pytest

from stigg_client.client.config import ClientConfig, derive_edge_uri, validate
from stigg_client.errors import ValidationError


@pytest.mark.parametrize(
    ("base", "edge"),
    [
        ("https://api.stigg.io", "https://edge.api.stigg.io"),
        ("https://api.stigg.io/", "https://edge.api.stigg.io"),
        ("http://localhost:4100", "http://localhost:3060"),
        ("http://127.0.0.1:4100", "http://127.0.0.1:3060"),
        ("http://[::1]:4100", "http://[::1]:3060"),
        ("http://stigg.internal:8080", "http://edge.stigg.internal:8080"),
    ],
)
def test_edge_uri_derivation(base: str, edge: str) -> None:
    assert derive_edge_uri(base) == edge


def test_explicit_edge_wins_and_disabled_edge_is_none() -> None:
    config = ClientConfig(api_key="k", base_uri="http://127.0.0.1:1", base_edge_uri="http://e:2")
    assert config.edge_uri == "http://e:2"
    assert ClientConfig(api_key="k", enable_edge=False).edge_uri is None


def test_key_required_unless_offline() -> None:
    with pytest.raises(ValidationError, match="SDK key"):
        validate(ClientConfig(api_key=""))
    assert validate(ClientConfig(api_key="", offline=True)).offline
