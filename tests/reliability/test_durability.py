"""Usage writes survive SIGKILL and concurrency: every acknowledged report is stored exactly once,
retries with the same idempotency key never double-count, concurrent DELTAs sum exactly.

Runs on SQLite, and on PostgreSQL when STIGG_TEST_DATABASE_URL is set (`make test` reruns this
module against its private PostgreSQL cluster). Credit consumption keeps the same promises."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from stigg_client import StiggServer
from tests.conftest import CREDITS_CATALOG
from tests.emulator.credit_helpers import CURRENCY
from tests.reliability.conftest import current_usage, provision
from tests.support.emulators import new_emulator
from tests.support.processes import SERVER_KEY, EmulatorProcess

REPORT = (
    "mutation ReportUsage($input: ReportUsageInput!) "
    "{ reportUsage(input: $input) { id currentUsage } }"
)
EVENTS = "mutation ReportEvent($input: UsageEventsReportInput!) { reportEvent(events: $input) }"
USAGE_FEATURE = "feature-demo-03"  # Incremental, reported directly; Pro allows 50 (not enforced)
EVENT_FEATURE = "feature-api-calls"  # COUNT of `api_call` events
WORKERS = 16
MAX_PER_WORKER = 150
ACKS_BEFORE_KILL = 120


@pytest.fixture
def own_emulator(tmp_path: Path) -> Iterator[EmulatorProcess]:
    process = new_emulator(tmp_path).start()
    yield process
    process.stop(kill=True)


@dataclass
class Ledger:
    """What the burst sent and what the emulator acknowledged."""

    usage_sent: list[str] = field(default_factory=list)
    usage_acked: dict[str, str] = field(default_factory=dict)  # idempotency key → measurement id
    events_sent: list[str] = field(default_factory=list)
    events_acked: list[str] = field(default_factory=list)

    @property
    def acks(self) -> int:
        return len(self.usage_acked) + len(self.events_acked)


async def _post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    """The `data` of a successful answer, or None for any failure (not acknowledged)."""
    try:
        response = await http.post("/graphql", json={"query": query, "variables": variables})
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    body = response.json()
    return None if body.get("errors") else body.get("data")


def usage_input(customer: str, key: str) -> dict[str, Any]:
    return {
        "input": {
            "customerId": customer,
            "featureId": USAGE_FEATURE,
            "value": 1,
            "idempotencyKey": key,
        }
    }


def event_input(customer: str, keys: list[str]) -> dict[str, Any]:
    events = [{"customerId": customer, "eventName": "api_call", "idempotencyKey": k} for k in keys]
    return {"input": {"usageEvents": events}}


async def burst(emulator: EmulatorProcess, customer: str, ledger: Ledger) -> None:
    """Workers report usage and events until the emulator dies under them (bounded)."""
    killed = asyncio.Event()
    deadline = time.monotonic() + 30

    async def worker(index: int) -> None:
        async with httpx.AsyncClient(
            base_url=emulator.base_url, headers={"X-API-KEY": SERVER_KEY}, timeout=5
        ) as http:
            for n in range(MAX_PER_WORKER):
                if time.monotonic() > deadline:
                    return
                if index % 2 == 0:
                    key = f"u-{index}-{n}-{uuid.uuid4().hex[:6]}"
                    ledger.usage_sent.append(key)
                    data = await _post(http, REPORT, usage_input(customer, key))
                    if data is not None:
                        ledger.usage_acked[key] = data["reportUsage"]["id"]
                else:
                    keys = [f"e-{index}-{n}-{j}-{uuid.uuid4().hex[:6]}" for j in range(3)]
                    ledger.events_sent.extend(keys)
                    if await _post(http, EVENTS, event_input(customer, keys)) is not None:
                        ledger.events_acked.extend(keys)
                if killed.is_set() and n % 5 == 4:
                    return  # a few more attempts against the dead server, then stop

    async def killer() -> None:
        while ledger.acks < ACKS_BEFORE_KILL and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        await asyncio.to_thread(emulator.stop, kill=True)  # SIGKILL mid-burst
        killed.set()

    await asyncio.gather(killer(), *(worker(i) for i in range(WORKERS)))


async def test_sigkill_mid_burst_loses_no_acknowledged_report_and_retries_count_once(
    own_emulator: EmulatorProcess,
) -> None:
    customer = await asyncio.to_thread(provision, own_emulator.base_url)
    ledger = Ledger()
    await burst(own_emulator, customer, ledger)
    assert own_emulator.process is None  # it was killed, not stopped cleanly
    assert len(ledger.usage_acked) > 10 and len(ledger.events_acked) > 10
    unacked_usage = [k for k in ledger.usage_sent if k not in ledger.usage_acked]
    unacked_events = sorted(set(ledger.events_sent) - set(ledger.events_acked))
    assert unacked_usage or unacked_events  # the kill did interrupt the burst

    await asyncio.to_thread(own_emulator.start)  # same ports, same database
    base = own_emulator.base_url
    usage_after_restart = await asyncio.to_thread(current_usage, base, customer, USAGE_FEATURE)
    events_after_restart = await asyncio.to_thread(current_usage, base, customer, EVENT_FEATURE)
    assert len(ledger.usage_acked) <= usage_after_restart <= len(ledger.usage_sent)
    assert len(ledger.events_acked) <= events_after_restart <= len(ledger.events_sent)

    async with httpx.AsyncClient(
        base_url=base, headers={"X-API-KEY": SERVER_KEY}, timeout=10
    ) as http:
        # Replaying every acknowledged report changes nothing: each is stored, exactly once.
        for key, measurement in ledger.usage_acked.items():
            data = await _post(http, REPORT, usage_input(customer, key))
            assert data is not None and data["reportUsage"]["id"] == measurement
        acked = ledger.events_acked
        for start in range(0, len(acked), 500):
            assert await _post(http, EVENTS, event_input(customer, acked[start : start + 500]))
        assert await asyncio.to_thread(current_usage, base, customer, USAGE_FEATURE) == (
            usage_after_restart
        )
        assert await asyncio.to_thread(current_usage, base, customer, EVENT_FEATURE) == (
            events_after_restart
        )
        # Retrying the unacknowledged ones (as a client would) completes the set, once each.
        for key in unacked_usage:
            assert await _post(http, REPORT, usage_input(customer, key)) is not None
        for start in range(0, len(unacked_events), 500):
            chunk = unacked_events[start : start + 500]
            assert await _post(http, EVENTS, event_input(customer, chunk)) is not None
        for key in unacked_usage[:5] + list(ledger.usage_acked)[:5]:  # and once more
            assert await _post(http, REPORT, usage_input(customer, key)) is not None
    assert await asyncio.to_thread(current_usage, base, customer, USAGE_FEATURE) == len(
        ledger.usage_sent
    )
    assert await asyncio.to_thread(current_usage, base, customer, EVENT_FEATURE) == len(
        set(ledger.events_sent)
    )


async def test_fifty_concurrent_delta_reporters_sum_exactly(emulator: EmulatorProcess) -> None:
    customer = await asyncio.to_thread(provision, emulator.base_url)
    rng = random.Random(50)
    plan = [[rng.randint(1, 9) for _ in range(6)] for _ in range(50)]
    async with StiggServer(
        api_key=SERVER_KEY, base_uri=emulator.base_url, realtime_updates=False
    ) as sdk:

        async def reporter(values: list[int]) -> None:
            for value in values:
                await sdk.report_usage(customer, USAGE_FEATURE, value)

        await asyncio.wait_for(asyncio.gather(*(reporter(values) for values in plan)), 60)
        # The same report retried with one idempotency key counts once.
        first = await sdk.report_usage(customer, USAGE_FEATURE, 1000, idempotency_key="same")
        again = await asyncio.gather(
            *(
                sdk.report_usage(customer, USAGE_FEATURE, 1000, idempotency_key="same")
                for _ in range(10)
            )
        )
        assert {ack.measurement_id for ack in again} == {first.measurement_id}
    expected = sum(sum(values) for values in plan) + 1000
    assert await asyncio.to_thread(current_usage, emulator.base_url, customer, USAGE_FEATURE) == (
        expected
    )


async def test_concurrent_event_batches_with_overlapping_keys_count_each_key_once(
    emulator: EmulatorProcess,
) -> None:
    customer = await asyncio.to_thread(provision, emulator.base_url)
    keys = [f"k-{customer}-{i}" for i in range(300)]
    rng = random.Random(7)
    batches = [rng.sample(keys, 40) for _ in range(30)]  # every key sent by several batches
    async with httpx.AsyncClient(
        base_url=emulator.base_url, headers={"X-API-KEY": SERVER_KEY}, timeout=30
    ) as http:
        results = await asyncio.gather(
            *(_post(http, EVENTS, event_input(customer, batch)) for batch in batches)
        )
    assert all(result is not None for result in results)
    distinct = len({key for batch in batches for key in batch})
    assert await asyncio.to_thread(current_usage, emulator.base_url, customer, EVENT_FEATURE) == (
        distinct
    )


CONSUME = (
    "mutation C($input: ConsumeCreditInput!) "
    "{ consumeCredits(input: $input) { amount credit { currentUsage } } }"
)
BALANCE = (
    "query B($input: CreditBalanceSummaryInput!) "
    "{ creditBalanceSummary(input: $input) { balances { totalConsumed } } }"
)


@pytest.fixture
def credits_emulator(tmp_path: Path) -> Iterator[EmulatorProcess]:
    process = new_emulator(tmp_path, catalog=CREDITS_CATALOG).start()
    yield process
    process.stop(kill=True)


def _consume_input(customer: str, key: str) -> dict[str, Any]:
    return {
        "input": {
            "customerId": customer,
            "currencyId": CURRENCY,
            "amount": 1,
            "idempotencyKey": key,
        }
    }


async def _consumed(http: httpx.AsyncClient, customer: str) -> float:
    data = await _post(http, BALANCE, {"input": {"customerId": customer, "currencyId": CURRENCY}})
    assert data is not None
    return float(data["creditBalanceSummary"]["balances"][0]["totalConsumed"])


async def test_sigkill_mid_consumption_loses_no_acknowledged_credit_and_keys_count_once(
    credits_emulator: EmulatorProcess,
) -> None:
    emulator = credits_emulator
    customer = await asyncio.to_thread(provision, emulator.base_url, "plan-ai-free", "credits")
    headers = {"X-API-KEY": SERVER_KEY}
    sent: list[str] = []
    acked: list[str] = []
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=headers, timeout=5) as http:
        granted = await _post(
            http,
            "mutation G($input: CreditGrantInput!) { createCreditGrant(input: $input) { amount } }",
            {
                "input": {
                    "customerId": customer,
                    "currencyId": CURRENCY,
                    "amount": 100_000,
                    "displayName": "Burst budget",
                    "grantType": "PROMOTIONAL",
                }
            },
        )
        assert granted is not None
    killed = asyncio.Event()
    deadline = time.monotonic() + 20

    async def worker(index: int) -> None:
        async with httpx.AsyncClient(
            base_url=emulator.base_url, headers=headers, timeout=5
        ) as http:
            for n in range(MAX_PER_WORKER):
                if time.monotonic() > deadline or (killed.is_set() and n % 5 == 4):
                    return
                key = f"c-{index}-{n}-{uuid.uuid4().hex[:6]}"
                sent.append(key)
                if await _post(http, CONSUME, _consume_input(customer, key)) is not None:
                    acked.append(key)

    async def killer() -> None:
        while len(acked) < ACKS_BEFORE_KILL // 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        await asyncio.to_thread(emulator.stop, kill=True)
        killed.set()

    await asyncio.gather(killer(), *(worker(i) for i in range(WORKERS // 2)))
    assert emulator.process is None and len(acked) > 10
    await asyncio.to_thread(emulator.start)
    async with httpx.AsyncClient(base_url=emulator.base_url, headers=headers, timeout=10) as http:
        after_restart = await _consumed(http, customer)
        assert len(acked) <= after_restart <= len(sent)
        for key in acked:  # replaying what was acknowledged changes nothing
            assert await _post(http, CONSUME, _consume_input(customer, key)) is not None
        assert await _consumed(http, customer) == after_restart
        for key in sent:  # retrying everything completes the set, once each
            assert await _post(http, CONSUME, _consume_input(customer, key)) is not None
        assert await _consumed(http, customer) == len(sent)
