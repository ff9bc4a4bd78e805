"""usageHistory / usageHistoryV2: usage kept over time on the customer's clock, resets, groups."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from tests.emulator.helpers import Api, server
from tests.emulator.test_usage import EVENTS, REPORT, pro_customer
from tests.support.processes import SERVER_KEY, EmulatorProcess

V1 = """
query H($input: UsageHistoryInput!) {
  usageHistory(usageHistoryInput: $input) {
    startDate endDate markers { type timestamp }
    usageMeasurements { date value isResetPoint }
    groups { groupInfo { key value } usageMeasurements { date value isResetPoint } }
  }
}
"""
V2 = """
query H($input: UsageHistoryV2Input!) {
  usageHistoryV2(input: $input) {
    markers { type timestamp }
    series { tags { key value } points { timestamp value isResetPoint } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def _now(api: Api, ref: str) -> datetime:
    answer = api.http.get(
        "/emulator/clock", params={"customerId": ref}, headers={"X-API-KEY": SERVER_KEY}
    ).json()
    return datetime.fromisoformat(answer["now"])


def _advance(api: Api, ref: str, by: str) -> None:
    response = api.http.post(
        "/emulator/clock", json={"by": by, "customerId": ref}, headers={"X-API-KEY": SERVER_KEY}
    )
    assert response.status_code == 200, response.text


def _report(api: Api, ref: str, value: float, behavior: str = "DELTA") -> None:
    payload = {"customerId": ref, "featureId": "feature-demo-03", "value": value}
    api.data(REPORT, {"input": {**payload, "updateBehavior": behavior}})


def _values(points: list[dict[str, Any]], key: str = "date") -> list[tuple[str, float, bool]]:
    return [(point[key], point["value"], point["isResetPoint"]) for point in points]


def test_usage_over_time_on_the_customer_clock(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = pro_customer(api)
    start = _now(api, ref)
    _report(api, ref, 5)
    _advance(api, ref, "1d")
    _report(api, ref, 3)
    _advance(api, ref, "1d")
    _report(api, ref, 2, "SET")
    _advance(api, ref, "1h")
    end = _now(api, ref)
    variables = {
        "customerRefId": ref,
        "featureRefId": "feature-demo-03",
        "startDate": start.isoformat(),
    }
    history = api.data(V1, {"input": variables})["usageHistory"]
    points = history["usageMeasurements"]
    assert history["groups"] is None and history["markers"] == []
    # Hourly steps from the start (just before the first report), then the customer's "now".
    assert [p["value"] for p in points] == [0] + [5] * 24 + [8] * 24 + [2, 2]
    assert datetime.fromisoformat(points[-1]["date"]) >= end
    assert datetime.fromisoformat(points[1]["date"]) - start == timedelta(hours=1)
    assert not any(p["isResetPoint"] for p in points[1:])
    # V2 answers the same points as one untagged series.
    same = {"startDate": start.isoformat(), "endDate": end.isoformat()}
    v1 = api.data(V1, {"input": {**variables, **same}})["usageHistory"]
    assert v1["endDate"] == end.isoformat().replace("+00:00", "Z").replace("000Z", "Z")
    v2 = api.data(V2, {"input": {"customerId": ref, "featureId": "feature-demo-03", **same}})[
        "usageHistoryV2"
    ]
    (series,) = v2["series"]
    assert series["tags"] == [] and v2["pageInfo"] is None
    assert _values(series["points"], "timestamp") == _values(v1["usageMeasurements"])
    # The month's reset: a marker and a reset point back at 0.
    _advance(api, ref, "31d")
    _report(api, ref, 4)
    after = api.data(V1, {"input": variables})["usageHistory"]
    (marker,) = after["markers"]
    assert marker["type"] == "PERIODIC_RESET"
    reset = next(p for p in after["usageMeasurements"] if p["isResetPoint"])
    assert reset["date"] == marker["timestamp"] and reset["value"] == 0
    assert after["usageMeasurements"][-1]["value"] == 4
    # Daily steps for a month-long range.
    assert len(after["usageMeasurements"]) <= 36


def test_events_grouped_by_dimension_with_daily_resets(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = pro_customer(api)
    start = _now(api, ref)

    def event(region: str, tokens: int, model: str = "big") -> dict[str, Any]:
        return {
            "customerId": ref,
            "eventName": "llm_call",
            "idempotencyKey": uuid.uuid4().hex,
            "dimensions": {"model": model, "region": region, "tokens": tokens},
        }

    api.data(EVENTS, {"input": {"usageEvents": [event("eu", 10), event("us", 5), event("eu", 1)]}})
    api.data(EVENTS, {"input": {"usageEvents": [event("us", 100, model="small")]}})
    _advance(api, ref, "2h")
    api.data(EVENTS, {"input": {"usageEvents": [event("us", 7)]}})
    query = {
        "customerId": ref,
        "featureId": "feature-tokens",
        "startDate": start.isoformat(),
        "groupBy": ["region"],
    }
    v2 = api.data(V2, {"input": query})["usageHistoryV2"]
    by_region = {s["tags"][0]["value"]: s["points"] for s in v2["series"]}
    assert [s["tags"] for s in v2["series"]] == [
        [{"key": "region", "value": "eu"}],
        [{"key": "region", "value": "us"}],
    ]
    assert by_region["eu"][-1]["value"] == 11 and by_region["us"][-1]["value"] == 12
    assert by_region["us"][1]["value"] == 5
    # The daily reset of feature-tokens: both series drop to 0 there.
    _advance(api, ref, "1d")
    api.data(EVENTS, {"input": {"usageEvents": [event("eu", 3)]}})
    later = api.data(V2, {"input": query})["usageHistoryV2"]
    assert [m["type"] for m in later["markers"]] == ["PERIODIC_RESET"]
    last = {s["tags"][0]["value"]: s["points"][-1]["value"] for s in later["series"]}
    assert last == {"eu": 3, "us": 0}
    eu = next(s["points"] for s in later["series"] if s["tags"][0]["value"] == "eu")
    reset = next(p for p in eu if p["isResetPoint"])
    assert reset["timestamp"] == later["markers"][0]["timestamp"] and reset["value"] == 0
    v1 = api.data(
        V1,
        {
            "input": {
                "customerRefId": ref,
                "featureRefId": "feature-tokens",
                "startDate": start.isoformat(),
                "groupBy": ["region"],
            }
        },
    )["usageHistory"]
    assert [g["groupInfo"] for g in v1["groups"]] == [s["tags"] for s in later["series"]]
    assert v1["usageMeasurements"][-1]["value"] == 3
    # Paging walks the groups.
    first = api.data(V2, {"input": {**query, "paging": {"first": 1}}})["usageHistoryV2"]
    assert len(first["series"]) == 1 and first["pageInfo"]["hasNextPage"] is True
    rest = api.data(
        V2, {"input": {**query, "paging": {"first": 1, "after": first["pageInfo"]["endCursor"]}}}
    )["usageHistoryV2"]
    assert rest["series"][0]["tags"][0]["value"] == "us"
    assert rest["pageInfo"]["hasNextPage"] is False


def test_bad_input_is_a_typed_error(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = pro_customer(api)
    start = _now(api, ref)
    base = {"customerId": ref, "featureId": "feature-demo-03", "startDate": start.isoformat()}
    cases = [
        ({**base, "featureId": "feature-nope"}, "FeatureNotFound"),
        ({**base, "featureId": "feature-demo-01"}, "MeteringNotAvailableForFeatureType"),
        ({**base, "customerId": "nobody-here"}, "CustomerNotFound"),
        ({**base, "endDate": (start - timedelta(days=1)).isoformat()}, "BadUserInput"),
        ({**base, "startDate": (start - timedelta(days=400)).isoformat()}, "BadUserInput"),
        ({**base, "startDate": "yesterday"}, "BadUserInput"),
    ]
    for variables, code in cases:
        assert api.error_code(V2, {"input": variables}) == code, variables


def test_a_subscription_change_resets_usage(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = pro_customer(api)
    start = _now(api, ref)
    _report(api, ref, 6)
    _advance(api, ref, "2h")
    subscription = api.data(
        "query S($input: GetActiveSubscriptionsInput!) { getActiveSubscriptions(input: $input) "
        "{ subscriptionId } }",
        {"input": {"customerId": ref}},
    )["getActiveSubscriptions"][0]["subscriptionId"]
    api.data(
        "mutation C($input: SubscriptionCancellationInput!) { cancelSubscription(input: $input) "
        "{ id } }",
        {"input": {"subscriptionRefId": subscription, "subscriptionCancellationTime": "IMMEDIATE"}},
    )
    query = {"customerId": ref, "featureId": "feature-demo-03", "startDate": start.isoformat()}
    history = api.data(V2, {"input": query})["usageHistoryV2"]
    # The product's free plan follows the cancelled one, with a usage period of its own.
    (marker,) = history["markers"]
    assert marker["type"] == "SUBSCRIPTION_CHANGE_RESET"
    values = _values(history["series"][0]["points"], "timestamp")
    assert [value for _, value, _ in values] == [0, 6, 6, 0, 0]
    assert values[3] == (marker["timestamp"], 0, True)


def test_no_subscription_needs_include_inactive(emulator: EmulatorProcess) -> None:
    api = server(emulator)
    ref = f"bare-{uuid.uuid4().hex[:10]}"
    api.data(
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {"input": {"refId": ref, "subscriptionParams": None}},
    )
    start = _now(api, ref)
    payload = {"customerId": ref, "featureId": "feature-demo-03"}
    api.data(REPORT, {"input": {**payload, "value": 6}})
    query = {**payload, "startDate": start.isoformat()}
    assert api.data(V2, {"input": query})["usageHistoryV2"]["series"] == []
    kept = api.data(V2, {"input": {**query, "includeInactiveSubscriptions": True}})
    assert kept["usageHistoryV2"]["series"][0]["points"][-1]["value"] == 6
