"""Names that moved keep their old import paths, each with a DeprecationWarning naming the new
one, and resolve to the very same object."""

from __future__ import annotations

from importlib import import_module

import pytest

MOVED = [
    ("stigg_client.decisions", "FallbackAnswers", "stigg_client.core.decisions"),
    ("stigg_client.periods", "current_period", "stigg_client.core.periods"),
    ("stigg_client.cache", "entry_from_wire", "stigg_client.core.entries"),
    ("stigg_client.cache", "parse_datetime", "stigg_client.core.entries"),
    ("stigg_client.cache", "METERED_TYPES", "stigg_client.core.entries"),
    ("stigg_client.reads", "to_wire", "stigg_client.core.wire"),
    ("stigg_client.server.wire", "plain", "stigg_client.core.wire"),
    (
        "stigg_client.graphql.entitlements",
        "GET_ENTITLEMENTS",
        "stigg_client.core.graphql.entitlements",
    ),
    ("stigg_client.graphql.reads", "GET_PAYWALL", "stigg_client.core.graphql.reads"),
    ("stigg_client.graphql.fragments", "FEATURE", "stigg_client.core.graphql.fragments"),
    (
        "stigg_client.server.documents",
        "FEATURE_ENTITLEMENT_FIELDS",
        "stigg_client.core.graphql.server",
    ),
    ("stigg_client.models.server", "SlimCustomer", "stigg_client.server.models"),
    ("stigg_client.config", "ClientConfig", "stigg_client.client.config"),
    ("stigg_client.push", "LiveUpdates", "stigg_client.client.push"),
    ("stigg_client.push", "SseParser", "stigg_client.transport.sse"),
    ("stigg_client.snapshots", "encode", "stigg_client.client.snapshots"),
    ("stigg_client.tabs", "SharedLoad", "stigg_client.client.tabs"),
    ("stigg_client.checkout", "is_completed", "stigg_client.client.checkout"),
    ("stigg_client.offline", "OfflineStigg", "stigg_client.client.offline"),
    ("stigg_client.transport", "create_transport", "stigg_client.platform"),
    ("stigg_client.visibility", "DocumentVisibility", "stigg_client.platform.browser"),
    ("stigg_client.mapping", "paywall", "stigg_client.core.mapping"),
]


@pytest.mark.parametrize(("old", "name", "new"), MOVED)
def test_an_old_path_still_works_with_a_deprecation_warning(old: str, name: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
        value = getattr(import_module(old), name)
    assert value is getattr(import_module(new), name)


def test_an_unknown_name_of_a_moved_module_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        import_module("stigg_client.cache").no_such_name  # noqa: B018


def test_the_two_backoffs_are_one_class() -> None:
    from stigg_client.server import Backoff as ServerBackoff
    from stigg_client.server.realtime import Backoff as RealtimeBackoff
    from stigg_client.transport.retry import Backoff

    assert ServerBackoff is Backoff is RealtimeBackoff
