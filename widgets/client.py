"""`StiggClient`: the part of the SDK's `Stigg` client the widgets use, as a Protocol.

The widgets are typed against this subset rather than the whole client, so that they depend on
what they call and a test can stand in for the client with a small object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol, Unpack

if TYPE_CHECKING:  # annotations only: nothing more to import on the browser's start-up path
    from collections.abc import Iterable
    from datetime import datetime

    from stigg_client import (
        AppliedSubscription,
        BooleanEntitlement,
        InitializationState,
        MeteredEntitlement,
        SubscriptionChange,
        UsageHistoryOptions,
    )
    from stigg_client.models.checkout import (
        ApplySubscriptionResult,
        CheckoutState,
        PaymentMethodResult,
        SubscriptionPreviewV2,
    )
    from stigg_client.models.credits import (
        CreditEntitlement,
        CreditGrant,
        CreditUsage,
        CreditUsageTimeRange,
    )
    from stigg_client.models.entitlements import Entitlement
    from stigg_client.models.paywall import Paywall
    from stigg_client.models.portal import CustomerPortal
    from stigg_client.models.subscriptions import Subscription
    from stigg_client.models.usage import UsageHistoryV2

ClientEvent = Literal[
    "initialized", "entitlements_updated", "credit_balance_updated", "connection_state_changed"
]
"""The SDK events the widgets listen to."""


class StiggClient(Protocol):
    """What the widgets read from the SDK's client: context, state, listeners, reads, checks."""

    @property
    def customer_id(self) -> str | None:
        """The current customer (None for an anonymous visitor)."""

    @property
    def initialization_state(self) -> InitializationState:
        """Where the client's (first or current customer's) load stands."""

    @property
    def is_customer_loaded(self) -> bool:
        """Whether checks answer from the customer's entitlements (loaded or persisted)."""

    @property
    def connection_state(self) -> str:
        """ "connecting", "online" or "offline"."""

    def add_listener(self, event: ClientEvent, listener: Callable[..., Any]) -> Callable[[], None]:
        """Call `listener` on `event`; returns a function that removes it."""

    async def wait_for_initialization(self) -> None:
        """Wait until the current load is done."""

    async def get_paywall(
        self,
        product_id: str | None = None,
        resource_id: str | None = None,
        billing_country_code: str | None = None,
    ) -> Paywall:
        """Plans and prices for a pricing page."""

    async def get_customer_portal(
        self, resource_id: str | None = None, product_id: str | None = None
    ) -> CustomerPortal:
        """The customer's subscriptions, usage and billing for a portal."""

    async def get_active_subscriptions(self, resource_id: str | None = None) -> list[Subscription]:
        """The customer's active subscriptions."""

    async def get_usage_history(
        self,
        feature_id: str,
        start_date: datetime,
        *,
        customer_id: str | None = None,
        **options: Unpack[UsageHistoryOptions],
    ) -> UsageHistoryV2:
        """The (current) customer's usage of a metered feature from `start_date` on."""

    async def get_checkout_state(
        self,
        plan_id: str,
        resource_id: str | None = None,
        billing_country_code: str | None = None,
    ) -> CheckoutState:
        """What a checkout of `plan_id` starts from."""

    async def preview_subscription(
        self, **params: Unpack[SubscriptionChange]
    ) -> SubscriptionPreviewV2:
        """The price of a new or changed subscription, now and on the next invoice."""

    async def apply_subscription(
        self, **params: Unpack[AppliedSubscription]
    ) -> ApplySubscriptionResult:
        """Create or change the customer's subscription."""

    async def card_form_available(self) -> bool:
        """Whether the backend takes card details in the page (docs/protocol.md §4.1)."""

    async def create_payment_method(
        self,
        card_number: str,
        expiry: str,
        *,
        cvc: str | None = None,
        cardholder_name: str | None = None,
        tax_id_type: str | None = None,
        tax_id: str | None = None,
    ) -> PaymentMethodResult:
        """Store a test card as the customer's payment method."""

    async def confirm_payment_method(self, payment_method_id: str) -> PaymentMethodResult:
        """Complete the authentication a stored card asked for."""

    def get_boolean_entitlement(self, feature_id: str) -> BooleanEntitlement:
        """Whether the customer may use a boolean feature (from cache)."""

    def get_metered_entitlement(
        self, feature_id: str, *, requested_usage: float | None = None
    ) -> MeteredEntitlement:
        """Usage and whether `requested_usage` more units fit (from cache)."""

    def get_entitlement(
        self,
        feature_id: str,
        *,
        requested_usage: float | None = None,
        requested_values: Iterable[str] | None = None,
    ) -> Entitlement:
        """The check that fits the feature's type, with the requested usage or values applied."""

    def get_credit_entitlement(self, currency_id: str) -> CreditEntitlement:
        """The balance of `currency_id` (from cache)."""

    async def get_credit_entitlements(
        self, resource_id: str | None = None
    ) -> list[CreditEntitlement]:
        """Every credit entitlement, loading them when the cache has none (or stale ones)."""

    async def get_credit_grants(
        self, currency_id: str | None = None, resource_id: str | None = None
    ) -> list[CreditGrant]:
        """The customer's credit grants."""

    async def get_credit_usage(
        self, currency_id: str | None = None, *, time_range: CreditUsageTimeRange | str = ...
    ) -> CreditUsage:
        """Credits burnt over a time range, by feature."""
