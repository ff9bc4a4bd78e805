"""Turns committed changes into subscription payloads and fans them out to live streams."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from stigg_emulator.catalog.model import ACCOUNT_ID, ENVIRONMENT_ID
from stigg_emulator.clock import parse_iso, to_ms
from stigg_emulator.domain.changes import CREDITS, ENTITLEMENTS, PACKAGE, USAGE, Change
from stigg_emulator.domain.context import Domain
from stigg_emulator.realtime.read_model import EntitlementReads
from stigg_emulator.storage import repositories as repo
from stigg_emulator.wire.credit_json import balance_updated_json
from stigg_emulator.wire.entitlement_json import entitlement_json, feature_entitlement_json

KINDS = (
    "entitlementsUpdated",
    "entitlementsUpdatedV2",
    "usageUpdated",
    "usageUpdatedV2",
    "packagePublished",
    "creditBalanceUpdated",
)
QUEUE_LIMIT = 1000


@dataclass(frozen=True)
class Event:
    """One push: which subscription field, for which customer, with what payload."""

    kind: str
    customer_ref: str | None
    payload: dict[str, Any]


class Listening:
    """An async iterator over the hub's events that is registered as soon as it exists, so a
    change committed between subscribing and the first read is not missed."""

    def __init__(
        self,
        queues: set[asyncio.Queue[Event]],
        kinds: tuple[str, ...],
        customer_ref: str | None,
    ) -> None:
        self._queues = queues
        self._queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_LIMIT)
        self._kinds = kinds
        self._customer_ref = customer_ref
        queues.add(self._queue)

    def __aiter__(self) -> Listening:
        return self

    async def __anext__(self) -> Event:
        while True:
            event = await self._queue.get()
            if event.kind in self._kinds and (
                self._customer_ref is None or event.customer_ref in (None, self._customer_ref)
            ):
                return event

    async def aclose(self) -> None:
        """Stop listening (idempotent)."""
        self._queues.discard(self._queue)


def _ms(text: str | None) -> float | None:
    if text is None:
        return None
    return float(to_ms(parse_iso(text)))


class Hub:
    """Builds payloads after each commit (only when someone listens) and queues them."""

    def __init__(self, domain: Domain, reads: EntitlementReads) -> None:
        self.domain = domain
        self.reads = reads
        self._queues: set[asyncio.Queue[Event]] = set()
        domain.bus.subscribe(self._on_changes)

    def stream(self, kinds: tuple[str, ...], customer_ref: str | None = None) -> Listening:
        """Future events of `kinds` (optionally for one customer), listened for from this call
        on, not from the first iteration; `aclose()` stops listening."""
        return Listening(self._queues, kinds, customer_ref)

    def _publish(self, event: Event) -> None:
        for queue in list(self._queues):
            if queue.full():
                continue
            queue.put_nowait(event)

    def _on_changes(self, changes: list[Change]) -> None:
        if not self._queues:
            return
        for change in changes:
            if change.kind == ENTITLEMENTS:
                for resource_id in self._scopes(change.customer_ref, change.resource_id):
                    self._entitlements(change.customer_ref, resource_id)
            elif change.kind == USAGE and change.feature_ref:
                self._usage(change.customer_ref, change.resource_id, change.feature_ref)
            elif change.kind == CREDITS and change.currency_ref:
                self._credits(change.customer_ref, change.resource_id, change.currency_ref)
            elif change.kind == PACKAGE:
                self._publish(
                    Event(
                        "packagePublished",
                        None,
                        {
                            "__typename": "PackagePublished",
                            "accountId": ACCOUNT_ID,
                            "environmentId": ENVIRONMENT_ID,
                            "packageRefId": change.package_ref,
                            "packageType": change.package_type,
                            "packageVersion": change.package_version,
                            "migrationType": "NEW_CUSTOMERS",
                        },
                    )
                )

    def _scopes(self, customer_ref: str, resource_id: str | None) -> list[str | None]:
        """Scopes a change reaches: the global one, the resource, and (for customer-level
        changes) every resource the customer has subscriptions in."""
        if resource_id is not None:
            return [None, resource_id]
        with self.domain.read() as connection:
            rows = repo.customer_subscriptions(connection, customer_ref, statuses=None)
        resources = sorted({row["resource_id"] for row in rows if row.get("resource_id")})
        return [None, *resources]

    def _entitlements(self, customer_ref: str, resource_id: str | None) -> None:
        state = self.reads.entitlements_state(customer_ref, resource_id)
        common = {
            "accountId": ACCOUNT_ID,
            "environmentId": ENVIRONMENT_ID,
            "customerId": customer_ref,
            "resourceId": resource_id,
            "accessDeniedReason": state["accessDeniedReason"],
        }
        self._publish(
            Event(
                "entitlementsUpdated",
                customer_ref,
                {
                    "__typename": "EntitlementsUpdated",
                    **common,
                    "entitlements": state["entitlements"],
                },
            )
        )
        self._publish(
            Event(
                "entitlementsUpdatedV2",
                customer_ref,
                {
                    "__typename": "EntitlementsUpdatedV2",
                    **common,
                    "entitlements": state["entitlementsV2"],
                },
            )
        )

    def _credits(self, customer_ref: str, resource_id: str | None, currency_ref: str) -> None:
        credit = self.reads.state(customer_ref, resource_id).credits.get(currency_ref)
        if credit is None:
            return
        self._publish(
            Event(
                "creditBalanceUpdated",
                customer_ref,
                balance_updated_json(credit.currency, credit, customer_ref, resource_id),
            )
        )

    def _usage(self, customer_ref: str, resource_id: str | None, feature_ref: str) -> None:
        scope = self.reads.state(customer_ref, resource_id)
        grant = scope.grants.get(feature_ref)
        if grant is None:
            return
        entitlement = entitlement_json(scope, grant)
        usage = scope.usage.get(feature_ref)
        self._publish(
            Event(
                "usageUpdated",
                customer_ref,
                {
                    "__typename": "UsageUpdated",
                    "entitlement": entitlement,
                    "usage": {
                        "__typename": "UsageMeasurementUpdated",
                        "accountId": ACCOUNT_ID,
                        "environmentId": ENVIRONMENT_ID,
                        "customerId": customer_ref,
                        "resourceId": resource_id,
                        "featureId": feature_ref,
                        "currentUsage": usage.value if usage else 0.0,
                        "usagePeriodStart": _ms(entitlement["usagePeriodStart"]),
                        "usagePeriodEnd": _ms(entitlement["usagePeriodEnd"]),
                        "nextResetDate": _ms(entitlement["nextResetDate"]),
                    },
                },
            )
        )
        self._publish(
            Event(
                "usageUpdatedV2",
                customer_ref,
                {
                    "__typename": "UsageUpdatedV2",
                    "accountId": ACCOUNT_ID,
                    "environmentId": ENVIRONMENT_ID,
                    "customerId": customer_ref,
                    "resourceId": resource_id,
                    "entitlementReference": {
                        "__typename": "EntitlementReference",
                        "id": feature_ref,
                        "type": "FEATURE",
                    },
                    "usage": {
                        "__typename": "UsageV2",
                        "currentUsage": usage.value if usage else 0.0,
                        "usagePeriodStart": entitlement["usagePeriodStart"],
                        "usagePeriodEnd": entitlement["usagePeriodEnd"],
                        "usageUpdatedAt": entitlement["usageUpdatedAt"],
                    },
                    "entitlement": feature_entitlement_json(entitlement),
                },
            )
        )
