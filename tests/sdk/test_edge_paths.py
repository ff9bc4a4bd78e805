"""Edge and event-stream paths: every id is one percent-encoded path segment or query value."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from stigg_client.client.push import stream_url
from stigg_client.core import edge_paths

AWKWARD = "acme/eu?x=1#top 50%+more&co"


def test_customer_ids_become_one_segment_whatever_they_hold() -> None:
    path = edge_paths.entitlements_path(AWKWARD, None)
    assert path == "/v1/c/acme%2Feu%3Fx%3D1%23top%2050%25%2Bmore%26co/entitlements.json"


def test_resource_ids_are_encoded_query_values() -> None:
    path = edge_paths.entitlements_path("c-1", AWKWARD)
    parts = urlsplit(path)
    assert parts.path == "/v1/c/c-1/entitlements.json" and parts.fragment == ""
    assert parse_qsl(parts.query) == [("resourceId", AWKWARD)]


def test_subscriptions_path_lists_every_resource_id_or_the_single_one() -> None:
    many = urlsplit(edge_paths.subscriptions_path(AWKWARD, "ignored", ["r 1", "r/2"]))
    assert unquote(many.path.split("/")[3]) == AWKWARD
    assert parse_qsl(many.query) == [("resourceIds", "r 1"), ("resourceIds", "r/2")]
    one = urlsplit(edge_paths.subscriptions_path("c", "r#1", None))
    assert parse_qsl(one.query) == [("resourceId", "r#1")]
    assert edge_paths.subscriptions_path("c", None, None) == "/v1/c/c/subscriptions.json"


def test_paywall_paths_encode_the_product_and_skip_an_empty_query() -> None:
    assert edge_paths.paywall_path(None, None, False) == "/v1/paywall.json"
    path = urlsplit(edge_paths.paywall_path("p/1 2", "US", True))
    assert path.path == "/v1/p/p%2F1%202/paywall.json"
    assert parse_qsl(path.query) == [("billingCountryCode", "US"), ("includeHiddenPlans", "true")]


def test_the_event_stream_url_encodes_the_customer_and_credentials() -> None:
    url = urlsplit(stream_url("http://127.0.0.1:4100/", AWKWARD, "key+1", "token/2"))
    assert unquote(url.path) == f"/v1/c/{AWKWARD}/events"
    assert parse_qsl(url.query) == [("apiKey", "key+1"), ("customerKey", "token/2")]


@given(st.text(min_size=1))
def test_any_id_round_trips_through_its_segment(customer_id: str) -> None:
    path = edge_paths.entitlements_path(customer_id, customer_id)
    parts = urlsplit(path)
    (_, _, _, encoded, _) = parts.path.split("/")
    assert unquote(encoded) == customer_id
    assert parse_qsl(parts.query, keep_blank_values=True) == [("resourceId", customer_id)]
