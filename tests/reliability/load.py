"""A bounded load run against one emulator: simulated browser clients (the client-key SDK)
refreshing entitlements (3 of 4 over the edge, 1 over GraphQL), and reporters (the server-key
SDK) sending raw events and usage reports (idempotent DELTAs).

Used at small scale by tests/reliability/test_load.py and at full scale (200 clients, 20
reporters, 60 s) by `python -m bench reliability_load`; both fail unless `LoadResult.failures()`
is empty: no request error, and the emulator holds exactly what the reporters got acknowledged.
Loopback only; every loop is bounded by the duration and by a maximum number of iterations.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from stigg_client import RetryPolicy, Stigg, StiggServer
from tests.reliability.conftest import current_usage, provision
from tests.support.processes import CLIENT_KEY, SERVER_KEY

EVENT_FEATURE = "feature-api-calls"  # COUNT of `api_call` events (Pro plan)
USAGE_FEATURE = "feature-demo-03"  # reported directly (DELTA); Pro allows 50, not enforced


class _Collect(logging.Handler):
    """Appends every SDK warning or error to a list."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(f"sdk log: {record.getMessage()}")


@dataclass(frozen=True)
class LoadConfig:
    """How much load, for how long."""

    clients: int
    reporters: int
    duration_s: float
    customers: int = 10
    think_s: float = 0.05
    events_per_batch: int = 10
    max_iterations: int = 100_000
    seed: int = 1


@dataclass
class LoadResult:
    """Latencies (seconds), errors and what the emulator acknowledged."""

    config: LoadConfig
    read_latencies: list[float] = field(default_factory=list)
    write_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acked_events: Counter[str] = field(default_factory=Counter)
    stored_events: dict[str, float] = field(default_factory=dict)
    acked_usage: Counter[str] = field(default_factory=Counter)
    stored_usage: dict[str, float] = field(default_factory=dict)
    elapsed_s: float = 0.0

    @staticmethod
    def percentile(values: list[float], q: float) -> float:
        """The `q`-quantile (0..1) by nearest rank; 0 for no values."""
        if not values:
            return 0.0
        ordered = sorted(values)
        index = min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))
        return ordered[index]

    def miscounted(self) -> dict[str, tuple[float, float]]:
        """`"{feature} of {customer}"` → (acknowledged, stored) wherever the two differ."""
        wrong: dict[str, tuple[float, float]] = {}
        for feature, acked, stored in (
            (EVENT_FEATURE, self.acked_events, self.stored_events),
            (USAGE_FEATURE, self.acked_usage, self.stored_usage),
        ):
            for customer in sorted(set(acked) | set(stored)):
                if stored.get(customer, 0.0) != acked[customer]:
                    wrong[f"{feature} of {customer}"] = (acked[customer], stored.get(customer, 0.0))
        return wrong

    def failures(self) -> list[str]:
        """Why this run fails; empty when it passes. A run passes when no request errored,
        every client and reporter did work, and the emulator's stored totals equal what the
        reporters got acknowledged (events and usage, customer by customer)."""
        reasons = [f"error: {error}" for error in self.errors[:20]]
        if len(self.errors) > 20:
            reasons.append(f"... and {len(self.errors) - 20} more errors")
        if len(self.read_latencies) < self.config.clients:
            reasons.append(
                f"only {len(self.read_latencies)} reads from {self.config.clients} clients"
            )
        if len(self.write_latencies) < self.config.reporters:
            reasons.append(
                f"only {len(self.write_latencies)} writes from {self.config.reporters} reporters"
            )
        if not self.stored_events or not self.stored_usage:
            reasons.append("the emulator's totals were not read back")
        for what, (acked, stored) in self.miscounted().items():
            reasons.append(f"{what}: {acked:g} acknowledged, {stored:g} stored")
        return reasons

    def summary(self) -> dict[str, float]:
        """Counts, throughput and p50/p99 latencies in milliseconds."""
        seconds = self.elapsed_s or 1.0
        return {
            "reads": len(self.read_latencies),
            "writes": len(self.write_latencies),
            "errors": len(self.errors),
            "reads_per_s": round(len(self.read_latencies) / seconds, 1),
            "events_per_s": round(sum(self.acked_events.values()) / seconds, 1),
            "events_acked": sum(self.acked_events.values()),
            "events_stored": sum(self.stored_events.values()),
            "usage_acked": sum(self.acked_usage.values()),
            "usage_stored": sum(self.stored_usage.values()),
            "miscounted": len(self.miscounted()),
            "read_p50_ms": round(1000 * self.percentile(self.read_latencies, 0.5), 2),
            "read_p99_ms": round(1000 * self.percentile(self.read_latencies, 0.99), 2),
            "write_p50_ms": round(1000 * self.percentile(self.write_latencies, 0.5), 2),
            "write_p99_ms": round(1000 * self.percentile(self.write_latencies, 0.99), 2),
        }


async def run_load(base_url: str, edge_url: str, config: LoadConfig) -> LoadResult:
    """Provision customers, run clients and reporters for `config.duration_s`, then read back
    every customer's event-metered and reported usage (`LoadResult.failures()` compares them
    with what was acknowledged)."""
    result = LoadResult(config)
    customers = await asyncio.gather(
        *(
            asyncio.to_thread(provision, base_url, "plan-stigg-pro", "load")
            for _ in range(config.customers)
        )
    )
    rng = random.Random(config.seed)
    retry = RetryPolicy(attempts=3, initial_delay_s=0.2, max_delay_s=1.0)
    started = time.monotonic()
    deadline = started + config.duration_s

    async def browser(index: int) -> None:
        customer = customers[index % len(customers)]
        sdk = Stigg.initialize(
            CLIENT_KEY,
            customer_id=customer,
            base_uri=base_url,
            base_edge_uri=edge_url,
            request_timeout_s=30,
            retry=retry,
            background_refresh=False,
            cache_ttl_s=0.001,  # every get_entitlements() renews through the edge
        )
        think = random.Random(config.seed + index)
        try:
            await sdk.wait_for_initialization()
            for iteration in range(config.max_iterations):
                # At least one read each, even when start-up under load outlasts the duration.
                if iteration >= 1 and time.monotonic() >= deadline:
                    return
                began = time.monotonic()
                if iteration % 4 == 3:
                    await sdk.refresh()  # GraphQL, as after a plan change
                else:
                    await sdk.get_entitlements()  # edge read, as the periodic refresh does
                result.read_latencies.append(time.monotonic() - began)
                check = sdk.get_metered_entitlement(EVENT_FEATURE)
                if check.is_fallback or check.usage_limit != 1000:
                    result.errors.append(f"client {index}: unexpected check {check!r}")
                await asyncio.sleep(think.uniform(0, 2 * config.think_s))
        except Exception as error:  # every failure counts; none may happen
            result.errors.append(f"client {index}: {error!r}")
        finally:
            await sdk.close()

    async def reporter(index: int) -> None:
        think = random.Random(config.seed * 1000 + index)
        try:
            async with StiggServer(
                api_key=SERVER_KEY,
                base_uri=base_url,
                realtime_updates=False,
                request_timeout_s=30,
                retry=retry,
            ) as sdk:
                for batch in range(config.max_iterations):
                    if batch >= 2 and time.monotonic() >= deadline:  # one of each write, at least
                        return
                    customer = customers[think.randrange(len(customers))]
                    key = f"{index}-{batch}-{uuid.uuid4().hex[:8]}"
                    began = time.monotonic()
                    if batch % 2 == 0:
                        events = [
                            {
                                "customer_id": customer,
                                "event_name": "api_call",
                                "idempotency_key": f"{key}-{n}",
                            }
                            for n in range(config.events_per_batch)
                        ]
                        ack = await sdk.report_event(events)
                        result.acked_events[customer] += ack.accepted
                    else:
                        value = think.randint(1, 5)
                        await sdk.report_usage(customer, USAGE_FEATURE, value, idempotency_key=key)
                        result.acked_usage[customer] += value
                    result.write_latencies.append(time.monotonic() - began)
                    await asyncio.sleep(think.uniform(0, 2 * config.think_s))
        except Exception as error:
            result.errors.append(f"reporter {index}: {error!r}")

    rng.shuffle(customers)
    # Some SDK paths log a failure and serve the cache (e.g. get_entitlements): count those too.
    sdk_logger = logging.getLogger("stigg_client")
    warnings = _Collect(result.errors)
    sdk_logger.addHandler(warnings)
    try:
        await asyncio.gather(
            *(browser(i) for i in range(config.clients)),
            *(reporter(i) for i in range(config.reporters)),
        )
    finally:
        sdk_logger.removeHandler(warnings)
    result.elapsed_s = time.monotonic() - started
    for customer in customers:
        result.stored_events[customer] = await asyncio.to_thread(
            current_usage, base_url, customer, EVENT_FEATURE
        )
        result.stored_usage[customer] = await asyncio.to_thread(
            current_usage, base_url, customer, USAGE_FEATURE
        )
    return result
