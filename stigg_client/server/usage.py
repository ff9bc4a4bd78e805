"""Usage reports and events; an acknowledged report updates the stored usage at once."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from stigg_client.core.graphql import server as documents
from stigg_client.core.wire import to_wire
from stigg_client.errors import ValidationError
from stigg_client.server.models import ReportEventAck, ReportUsageAck
from stigg_client.server.state import ServerState, _now_ms
from stigg_client.server.store import UsageRecord, epoch_ms
from stigg_client.server.wire import check_dimensions

logger = logging.getLogger("stigg_client")


class UsagePart(ServerState):
    """Usage reports and events; an acknowledged report updates the stored usage at once."""

    def _usage_input(self, usage: Mapping[str, Any]) -> dict[str, Any]:
        values = dict(usage)
        for required in ("customer_id", "feature_id", "value"):
            if values.get(required) is None:
                raise ValidationError(f"report_usage needs {required}")
        check_dimensions(values.get("dimensions"))
        if not values.get("idempotency_key"):
            # Requests are retried after timeouts and dropped connections, when the server may
            # already have applied the report: a key per call makes those retries count once.
            values["idempotency_key"] = str(uuid.uuid4())
        wire: dict[str, Any] = to_wire(values)
        return wire

    async def _apply_ack(self, ack: ReportUsageAck, fallback_ms: int) -> None:
        if ack.customer_id is None or ack.feature_id is None or ack.current_usage is None:
            return
        record = UsageRecord(
            current_usage=ack.current_usage,
            usage_period_start=ack.model_dump(mode="json").get("usage_period_start"),
            usage_period_end=ack.model_dump(mode="json").get("usage_period_end"),
        )
        try:
            await self.store.update_usage(
                (ack.customer_id, ack.resource_id), ack.feature_id, record, fallback_ms
            )
        except Exception as error:
            logger.warning("entitlement store usage write failed: %r", error)

    @staticmethod
    def _ack(raw: Mapping[str, Any]) -> ReportUsageAck:
        return ReportUsageAck.model_validate(
            {
                "measurementId": raw.get("id"),
                "customerId": raw.get("customerId"),
                "resourceId": raw.get("resourceId"),
                "featureId": raw.get("featureId"),
                "currentUsage": raw.get("currentUsage"),
                "usagePeriodStart": raw.get("usagePeriodStart"),
                "usagePeriodEnd": raw.get("usagePeriodEnd"),
                "nextResetDate": raw.get("nextResetDate") or raw.get("usagePeriodEnd"),
            }
        )

    async def report_usage(
        self,
        customer_id: str,
        feature_id: str,
        value: float,
        *,
        resource_id: str | None = None,
        update_behavior: str | None = None,
        created_at: datetime | None = None,
        dimensions: Mapping[str, str | int | float | bool] | None = None,
        idempotency_key: str | None = None,
    ) -> ReportUsageAck:
        """Report a usage change (`DELTA`, default) or the new usage (`UsageUpdateBehavior.SET`)."""
        usage = {
            "customer_id": customer_id,
            "feature_id": feature_id,
            "value": value,
            "resource_id": resource_id,
            "update_behavior": update_behavior,
            "created_at": created_at,
            "dimensions": dimensions,
            "idempotency_key": idempotency_key,
        }
        return (await self._submit_usage([self._usage_input(usage)], single=True))[0]

    async def report_usage_bulk(self, usages: Sequence[Mapping[str, Any]]) -> list[ReportUsageAck]:
        """Report several usage measurements in one request (snake_case keys per item)."""
        return await self._submit_usage([self._usage_input(usage) for usage in usages])

    async def _submit_usage(
        self, wires: list[dict[str, Any]], *, single: bool = False
    ) -> list[ReportUsageAck]:
        """Send checked usage inputs (`ReportUsage` for one, else `ReportUsageBulk`) and apply
        each acknowledgement to the stored usage."""
        if single:
            data = await self.api.graphql(
                "ReportUsage", documents.REPORT_USAGE, {"input": wires[0]}
            )
            raws = [data.get("reportUsage") or {}]
        else:
            data = await self.api.graphql(
                "ReportUsageBulk", documents.REPORT_USAGE_BULK, {"input": {"usages": wires}}
            )
            raws = data.get("reportUsageBulk") or []
        acks: list[ReportUsageAck] = []
        for raw in raws:
            ack = self._ack(raw)
            await self._apply_ack(ack, epoch_ms(raw.get("timestamp")) or _now_ms())
            acks.append(ack)
        return acks

    async def report_event(
        self, events: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> ReportEventAck:
        """Report one raw event or a batch (snake_case keys: customer_id, event_name,
        idempotency_key, dimensions, resource_id, timestamp)."""
        batch = [events] if isinstance(events, Mapping) else list(events)
        wires: list[dict[str, Any]] = []
        for event in batch:
            for required in ("customer_id", "event_name", "idempotency_key"):
                if not event.get(required):
                    raise ValidationError(f"report_event needs {required}")
            check_dimensions(event.get("dimensions"))
            wires.append(to_wire(event))
        return await self._submit_events(wires)

    async def _submit_events(self, wires: list[dict[str, Any]]) -> ReportEventAck:
        """Send checked events."""
        await self.api.graphql(
            "ReportEvent", documents.REPORT_EVENT, {"input": {"usageEvents": wires}}
        )
        return ReportEventAck(accepted=len(wires))
