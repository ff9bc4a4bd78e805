"""Pure pieces of the server SDK: argument mapping, dimension rules, backoff, URLs, listeners."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stigg_client.core.wire import to_wire
from stigg_client.errors import ValidationError
from stigg_client.server import Backoff, StiggServer, UsageUpdateBehavior
from stigg_client.server.realtime import SERVER_RECONNECT, ws_url
from stigg_client.server.store import CustomerEntitlements
from stigg_client.server.wire import billing_info, check_dimensions, slim_subscription


def test_to_wire_camelcases_arguments_but_not_free_form_json() -> None:
    wire = to_wire(
        {
            "customer_id": "c",
            "billing_address": {"address_line1": "x", "postal_code": "1"},
            "metadata": {"user_id": 1, "nested": {"snake_case": True}},
            "dimensions": {"user_email": "a"},
            "invoice_custom_fields": {"po_number": "7"},
            "update_behavior": UsageUpdateBehavior.SET,
            "created_at": datetime(2022, 10, 26, 15, 1, 55, 768000, tzinfo=UTC),
            "skipped": None,
            "addons": [{"addon_id": "a", "quantity": 1}],
        }
    )
    assert wire == {
        "customerId": "c",
        "billingAddress": {"addressLine1": "x", "postalCode": "1"},
        "metadata": {"user_id": 1, "nested": {"snake_case": True}},
        "dimensions": {"user_email": "a"},
        "invoiceCustomFields": {"po_number": "7"},
        "updateBehavior": "SET",
        "createdAt": "2022-10-26T15:01:55.768Z",
        "addons": [{"addonId": "a", "quantity": 1}],
    }


def test_billing_info_upper_cases_the_currency() -> None:
    assert billing_info({"currency": "usd", "customer_name": "n"}) == {
        "currency": "USD",
        "customerName": "n",
    }
    assert billing_info(None) is None


@given(
    st.dictionaries(
        st.text(min_size=1),
        st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.booleans()),
    )
)
def test_dimensions_accept_str_int_float_bool(dimensions: dict[str, object]) -> None:
    check_dimensions(dimensions)


@pytest.mark.parametrize("bad", [[1], {"a": 1}, None, b"x"])
def test_dimensions_reject_other_values(bad: object) -> None:
    with pytest.raises(ValidationError):
        check_dimensions({"key": bad})


def test_slim_subscription_mapping() -> None:
    mapped = slim_subscription(
        {
            "id": "s1",
            "status": "ACTIVE",
            "plan": {"refId": "plan-basic"},
            "customer": {"customerId": "c1"},
            "resource": {"resourceId": "r1"},
            "addons": [{"quantity": 2, "addon": {"refId": "addon-x"}}],
            "metadata": {"k": "v"},
            "prices": [],
        }
    )
    assert mapped is not None
    assert mapped["planId"] == "plan-basic" and mapped["customerId"] == "c1"
    assert mapped["resource"] == {"id": "r1"}
    assert mapped["addonIds"] == ["addon-x"]
    assert mapped["addons"] == [{"addonId": "addon-x", "quantity": 2}]
    assert mapped["price"] is None


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://127.0.0.1:4000", "ws://127.0.0.1:4000/graphql"),
        ("https://api.stigg.io", "wss://api.stigg.io/graphql"),
        ("https://api.stigg.io/", "wss://api.stigg.io/graphql"),
    ],
)
def test_ws_url(base: str, expected: str) -> None:
    assert ws_url(base) == expected


@given(st.integers(min_value=0, max_value=200))
def test_backoff_grows_and_is_capped(attempt: int) -> None:
    """The server SDK reconnects with the one `Backoff` of both SDKs: jittered in [d/2, d]."""
    backoff = Backoff(initial_delay_s=0.5, max_delay_s=5.0)
    delay = backoff.delay(attempt)
    base = min(5.0, 0.5 * 2.0**attempt)
    assert base / 2 <= delay <= base


def test_backoff_still_takes_the_server_sdks_former_argument_names() -> None:
    with pytest.warns(DeprecationWarning, match="initial_delay_s"):
        backoff = Backoff(initial_s=0.1, max_s=0.3)
    assert backoff == Backoff(initial_delay_s=0.1, max_delay_s=0.3)
    assert (backoff.initial_s, backoff.max_s) == (0.1, 0.3)
    assert Backoff(0.5, 5.0) == SERVER_RECONNECT


def test_listeners_validate_names_and_can_be_removed() -> None:
    server = StiggServer(api_key="k", offline=True)
    seen: list[object] = []
    remove = server.add_listener("usage_updated", seen.append)
    with pytest.raises(ValueError):
        server.add_listener("nope", seen.append)  # type: ignore[arg-type]
    server._emit("usage_updated", 1)
    remove()
    server._emit("usage_updated", 2)
    assert seen == [1]


def test_a_key_is_required_unless_offline() -> None:
    with pytest.raises(ValidationError):
        StiggServer(api_key="")
    StiggServer(api_key="", offline=True)


def test_expired_valid_until_forces_a_refetch() -> None:
    from stigg_client.server.entitlements import _expired

    state = CustomerEntitlements(
        {"f": {"validUntil": "2020-01-01T00:00:00.000Z", "feature": {"refId": "f"}}}
    )
    assert _expired(state, 1_700_000_000_000)
    fresh = CustomerEntitlements({"f": {"validUntil": None, "feature": {"refId": "f"}}})
    assert not _expired(fresh, 1_700_000_000_000)


async def test_offline_mode_is_its_own_server_class_that_never_calls_the_network() -> None:
    from stigg_client.server import OfflineStiggServer

    server = StiggServer(api_key="", offline=True, entitlements_fallback={"f": {"hasAccess": True}})
    assert isinstance(server, OfflineStiggServer) and server.realtime is None
    assert type(StiggServer(api_key="k", realtime_updates=False)) is StiggServer
    await server.wait_for_initialization()
    assert (await server.get_boolean_entitlement("c", "f")).has_access is True
    ack = await server.report_usage("c", "f", 1)
    assert (ack.customer_id, ack.feature_id) == ("c", "f")
    event = {"customer_id": "c", "event_name": "e", "idempotency_key": "k"}
    assert (await server.report_event(event)).offline is True
