"""Server-key SDK: `StiggServer` (async), `StiggServerSync`, entitlement stores and enums."""

from __future__ import annotations

from stigg_client.server.admin_models import CustomerStatistics, SubscriptionsPage
from stigg_client.server.client import UNSET, StiggServer
from stigg_client.server.event_models import (
    EntitlementsUpdatedEvent,
    NetworkRequestFailedEvent,
    UpdatedEntitlement,
)
from stigg_client.server.models import (
    NextInvoicePreview,
    PackagePublishedEvent,
    PromotionalEntitlementPeriod,
    ReportEventAck,
    SubscriptionCancellationAction,
    SubscriptionCancellationTime,
    SubscriptionMigrationTime,
    SubscriptionScheduleStatus,
    UsageUpdateBehavior,
    UsageUpdatedEvent,
)
from stigg_client.server.offline import OfflineStiggServer
from stigg_client.server.redis_store import RedisEntitlementsStore
from stigg_client.server.store import EntitlementsStore, InMemoryEntitlementsStore
from stigg_client.server.sync import StiggServerSync
from stigg_client.transport.retry import Backoff

__all__ = [
    "UNSET",
    "Backoff",
    "CustomerStatistics",
    "EntitlementsStore",
    "EntitlementsUpdatedEvent",
    "InMemoryEntitlementsStore",
    "NetworkRequestFailedEvent",
    "NextInvoicePreview",
    "OfflineStiggServer",
    "PackagePublishedEvent",
    "PromotionalEntitlementPeriod",
    "RedisEntitlementsStore",
    "ReportEventAck",
    "StiggServer",
    "StiggServerSync",
    "SubscriptionCancellationAction",
    "SubscriptionCancellationTime",
    "SubscriptionMigrationTime",
    "SubscriptionScheduleStatus",
    "SubscriptionsPage",
    "UpdatedEntitlement",
    "UsageUpdateBehavior",
    "UsageUpdatedEvent",
]
