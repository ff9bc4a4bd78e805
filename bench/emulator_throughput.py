"""Emulator throughput: edge entitlement reads at 1/10/100 clients, batched raw-event ingest, and
GraphQL reads of a customer with many paid subscriptions (their latest invoices batched).

The load generator is a lean asyncio HTTP/1.1 keep-alive client (no HTTP library), run in its own
process so that it does not share an interpreter with the emulator it measures.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import urllib.request
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from bench.core import BenchResult, Metric, Options, benchmark

READ_CUSTOMER = "customer-demo-01"
READ_SECONDS = 2.0
CLIENT_LEVELS = (1, 10, 100)
EVENT_BATCH = 1_000
EVENT_BATCHES = 10
EVENT_SENDERS = 2

SUBSCRIPTIONS = 20
SUBSCRIPTION_READS = 200
ACTIVE_SUBSCRIPTIONS = (
    "query A($input: GetActiveSubscriptionsInput!) { getActiveSubscriptions(input: $input) "
    "{ subscriptionId status latestInvoice { billingId total lines { amount } } } }"
)
REPORT_EVENT = (
    "mutation ReportEvent($input: UsageEventsReportInput!) { reportEvent(events: $input) }"
)


@dataclass(frozen=True)
class ReadLoad:
    """One timed read run: `clients` connections hammering one edge path for `seconds`."""

    port: int
    path: str
    api_key: str
    clients: int
    seconds: float


async def _read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response with a Content-Length body; return its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def _one_client(load: ReadLoad, deadline: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", load.port)
    request = (
        f"GET {load.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: {load.api_key}\r\n"
        "X-API-VERSION: 1\r\nAccept-Encoding: identity\r\n\r\n"
    ).encode()
    errors = 0
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            latencies.append(time.perf_counter() - started)
            errors += status != 200
    finally:
        writer.close()
    return errors


async def _run_reads(load: ReadLoad) -> dict[str, float]:
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + load.seconds
    errors = await asyncio.gather(
        *(_one_client(load, deadline, latencies) for _ in range(load.clients))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "reads_per_s": len(ordered) / elapsed,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "errors": float(sum(errors)),
    }


def read_run(load: ReadLoad) -> dict[str, float]:
    """Run one read load in this (worker) process."""
    return asyncio.run(_run_reads(load))


def _event_batch(customer: str) -> bytes:
    events = [
        {
            "customerId": customer,
            "eventName": "bench_event",
            "idempotencyKey": uuid.uuid4().hex,
            "dimensions": {"user_id": f"user-{i % 97}"},
        }
        for i in range(EVENT_BATCH)
    ]
    body = {"query": REPORT_EVENT, "variables": {"input": {"usageEvents": events}}}
    return json.dumps(body).encode()


async def _send_batches(port: int, api_key: str, bodies: list[bytes]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors = 0
    try:
        for body in bodies:
            writer.write(
                (
                    f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: {api_key}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                ).encode()
                + body
            )
            errors += await _read_response(reader) != 200
    finally:
        writer.close()
    return errors


def event_run(port: int, api_key: str, customer: str) -> dict[str, float]:
    """Ingest EVENT_SENDERS x EVENT_BATCHES batches of EVENT_BATCH events; return events/s."""
    bodies = [[_event_batch(customer) for _ in range(EVENT_BATCHES)] for _ in range(EVENT_SENDERS)]

    async def run() -> tuple[float, int]:
        started = time.perf_counter()
        errors = await asyncio.gather(*(_send_batches(port, api_key, b) for b in bodies))
        return time.perf_counter() - started, sum(errors)

    elapsed, errors = asyncio.run(run())
    return {"events_per_s": EVENT_SENDERS * EVENT_BATCHES * EVENT_BATCH / elapsed, "errors": errors}


def _graphql(port: int, api_key: str, query: str, variables: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers={"X-API-KEY": api_key, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    if answer.get("errors"):
        raise RuntimeError(f"bench setup failed: {answer['errors']}")
    return answer["data"]


def seed_subscriptions(port: int, api_key: str) -> str:
    """A customer with a card and SUBSCRIPTIONS paid subscriptions (one per resource)."""
    customer = f"bench-subs-{uuid.uuid4().hex[:8]}"
    _graphql(
        port,
        api_key,
        "mutation P($input: ProvisionCustomerInput!) { provisionCustomer(input: $input) "
        "{ customer { customerId } } }",
        {
            "input": {
                "customerId": customer,
                "billingInformation": {"paymentMethodId": "pm_card_visa"},
            }
        },
    )
    for index in range(SUBSCRIPTIONS):
        _graphql(
            port,
            api_key,
            "mutation S($input: ProvisionSubscriptionInput!) { provisionSubscriptionV2(input: "
            "$input) { status } }",
            {
                "input": {
                    "customerId": customer,
                    "planId": "plan-pro",
                    "billingPeriod": "MONTHLY",
                    "resourceId": f"site-{index}",
                }
            },
        )
    return customer


def subscription_read_run(port: int, api_key: str, customer: str) -> dict[str, float]:
    """SUBSCRIPTION_READS sequential getActiveSubscriptions over one keep-alive connection."""
    body = json.dumps(
        {"query": ACTIVE_SUBSCRIPTIONS, "variables": {"input": {"customerId": customer}}}
    ).encode()
    request = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-KEY: {api_key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body

    async def run() -> tuple[list[float], int]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        latencies, errors = [], 0
        try:
            for _ in range(SUBSCRIPTION_READS):
                started = time.perf_counter()
                writer.write(request)
                errors += await _read_response(reader) != 200
                latencies.append((time.perf_counter() - started) * 1000)
        finally:
            writer.close()
        return latencies, errors

    latencies, errors = asyncio.run(run())
    return {
        "p50_ms": statistics.median(latencies),
        "reads_per_s": 1000 * len(latencies) / sum(latencies),
        "errors": errors,
    }


@benchmark("emulator")
def emulator_throughput(options: Options, services: Any) -> BenchResult:
    """Edge reads/s and p50/p99 at 1, 10 and 100 clients; batched raw events ingested per second;
    GraphQL reads of a customer with many paid subscriptions."""
    emulator = services.emulator
    path = f"/v1/c/{READ_CUSTOMER}/entitlements.json"
    metrics: list[Metric] = []
    details: dict[str, Any] = {"read_path": path, "read_seconds_per_run": READ_SECONDS}
    with ProcessPoolExecutor(max_workers=1) as pool:
        for clients in CLIENT_LEVELS:
            load = ReadLoad(emulator.edge_port, path, emulator.client_key, clients, READ_SECONDS)
            runs = [pool.submit(read_run, load).result() for _ in range(options.runs)]
            at_100 = clients == 100
            metrics += [
                Metric(
                    f"edge reads/s, {clients} clients",
                    "req/s",
                    [r["reads_per_s"] for r in runs],
                    target=3000 if at_100 else None,
                    lower_is_better=False,
                ),
                Metric(f"edge read p50, {clients} clients", "ms", [r["p50_ms"] for r in runs]),
                Metric(
                    f"edge read p99, {clients} clients",
                    "ms",
                    [r["p99_ms"] for r in runs],
                    target=50 if at_100 else None,
                ),
            ]
            details[f"read_errors_{clients}_clients"] = sum(r["errors"] for r in runs)
        events = [
            pool.submit(event_run, emulator.port, emulator.server_key, READ_CUSTOMER).result()
            for _ in range(options.runs)
        ]
        customer = seed_subscriptions(emulator.port, emulator.server_key)
        reads = [
            pool.submit(
                subscription_read_run, emulator.port, emulator.server_key, customer
            ).result()
            for _ in range(options.runs)
        ]
    metrics += [
        Metric(
            f"getActiveSubscriptions p50, {SUBSCRIPTIONS} paid subscriptions",
            "ms",
            [r["p50_ms"] for r in reads],
        ),
        Metric(
            f"getActiveSubscriptions reads/s, {SUBSCRIPTIONS} paid subscriptions",
            "req/s",
            [r["reads_per_s"] for r in reads],
            lower_is_better=False,
        ),
    ]
    details["subscription_read_errors"] = sum(r["errors"] for r in reads)
    metrics.append(
        Metric(
            f"raw events ingested/s (batches of {EVENT_BATCH}, idempotency keys)",
            "events/s",
            [e["events_per_s"] for e in events],
            target=20_000,
            lower_is_better=False,
        )
    )
    details["event_errors"] = sum(e["errors"] for e in events)
    details["event_batches_per_run"] = EVENT_SENDERS * EVENT_BATCHES
    details["median_events_per_s"] = statistics.median(e["events_per_s"] for e in events)
    return BenchResult("emulator", metrics, details)
