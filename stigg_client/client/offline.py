"""Offline mode (docs/protocol.md §5.6) as its own client: `OfflineStigg` never reaches the
network; checks answer fallbacks and reads answer the mock results below.

Like Stigg's JavaScript SDK, which has a separate offline client, the online `Stigg` carries no
offline branches: `Stigg.initialize(offline=True)` builds this subclass instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn

from stigg_client.client.cache import CreditScopeState, ScopeState
from stigg_client.client.config import ClientConfig
from stigg_client.client.state import InitializationState, completed
from stigg_client.client.stigg import Stigg
from stigg_client.core import decisions
from stigg_client.errors import ApiError, NetworkError, NotFoundError
from stigg_client.models.common import Money
from stigg_client.models.credits import (
    AnyEntitlement,
    AutoRechargeSettings,
    CreditEntitlement,
    CreditGrant,
    CreditUsage,
    ThresholdType,
)
from stigg_client.models.customer import Customer
from stigg_client.models.paywall import Paywall, PaywallCurrency
from stigg_client.models.subscriptions import Coupon, SlimSubscriptionV2, Subscription
from stigg_client.models.usage import UsageHistoryPoint, UsageHistoryV2
from stigg_client.platform import Platform
from stigg_client.visibility import ManualVisibility, VisibilitySource

if TYPE_CHECKING:
    from stigg_client.models.checkout import (
        ApplySubscriptionResult,
        CheckoutState,
        PaymentMethodResult,
        SubscriptionPreviewV2,
    )
    from stigg_client.models.estimates import SubscriptionPreview
    from stigg_client.models.portal import CustomerPortal

OFFLINE_CUSTOMER_ID = "offline-customer-id"
OFFLINE_CUSTOMER_EMAIL = "offline-customer@example.com"


def paywall() -> Paywall:
    """An empty paywall priced in USD."""
    return Paywall(plans=[], currency=PaywallCurrency(code="USD", symbol="$"))


def customer() -> Customer:
    """The mock offline customer."""
    return Customer(id=OFFLINE_CUSTOMER_ID, email=OFFLINE_CUSTOMER_EMAIL, subscriptions=[])


def customer_portal() -> CustomerPortal:
    """An empty portal."""
    from stigg_client.models.portal import CustomerPortal  # first use: not at start-up

    return CustomerPortal(show_watermark=True, can_upgrade_subscription=False)


def _zero() -> Money:
    return Money(amount=Decimal(0), currency="USD")


def subscription_preview() -> SubscriptionPreview:
    """An estimate of zero USD."""
    from stigg_client.models.estimates import SubscriptionPreview  # first use: not at start-up

    return SubscriptionPreview(
        total=_zero(), total_excluding_tax=_zero(), sub_total=_zero(), tax=_zero()
    )


def _no_purchase(call: str) -> ApiError:
    return ApiError(f"{call} is not available in offline mode", code="OfflineMode")


class NoTransport:
    """Offline mode: any attempt to reach the network is a bug."""

    async def request(self, method: str, url: str, **_: Any) -> NoReturn:
        """Refuse."""
        raise NetworkError(f"offline mode: refusing {method} {url}")

    async def aclose(self) -> None:
        """Nothing to release."""


class OfflineStigg(Stigg, offline=True):
    """The client of `Stigg.initialize(offline=True)`: READY at once, fallbacks, mock reads.

    The customer given to `initialize` is kept; changing the context does nothing.
    """

    @classmethod
    def offline(
        cls,
        config: ClientConfig,
        platform: Platform,
        visibility: VisibilitySource | None,
        customer_id: str | None,
        resource_id: str | None,
    ) -> OfflineStigg:
        """The offline client of `config` (no transport, no storage, no tabs, no streams)."""
        return cls(
            config,
            platform=platform,
            transport=NoTransport(),
            visibility=visibility or ManualVisibility(True),
            customer_id=customer_id,
            resource_id=resource_id,
        )

    def __init__(self, config: ClientConfig, **parts: Any) -> None:
        super().__init__(config, **parts)
        self._state = InitializationState.READY
        self._connection = "online"

    def _ensure_started(self) -> None:
        return None

    async def wait_for_initialization(self) -> None:
        """Nothing to wait for."""

    def set_customer_id(
        self, customer_id: str, token: str | None = None, resource_id: str | None = None
    ) -> Awaitable[None]:
        """Ignored offline."""
        return completed()

    def clear_customer(self) -> None:
        """Ignored offline."""

    def set_resource(self, resource_id: str) -> Awaitable[None]:
        """Ignored offline."""
        return completed()

    def clear_resource(self) -> None:
        """Ignored offline."""

    async def refresh(self) -> None:
        """Nothing to reload."""

    def _sync_live_updates(self) -> None:
        return None

    def _checked_state(self, resource_id: str | None) -> ScopeState | None:
        return None

    async def get_entitlements(self, resource_id: str | None = None) -> list[AnyEntitlement]:
        """One fallback result per configured fallback."""
        return list(decisions.fallback_entitlements(self._fallbacks))

    def _checked_credits(self, resource_id: str | None) -> CreditScopeState | None:
        return None

    async def get_credit_entitlements(
        self, resource_id: str | None = None
    ) -> list[CreditEntitlement]:
        """None offline (`get_credit_entitlement` answers fallbacks)."""
        return []

    async def get_credit_grants(
        self, currency_id: str | None = None, resource_id: str | None = None
    ) -> list[CreditGrant]:
        """None offline."""
        return []

    async def get_credit_usage(self, currency_id: str | None = None, **_: Any) -> CreditUsage:
        """No usage offline."""
        return CreditUsage(series=[])

    async def get_auto_recharge_settings(self, currency_id: str) -> AutoRechargeSettings:
        """Disabled offline."""
        return AutoRechargeSettings(
            customer_id=self._customer_id or OFFLINE_CUSTOMER_ID,
            currency_id=currency_id,
            is_enabled=False,
            threshold_type=ThresholdType.CREDIT_AMOUNT,
            threshold_value=0.0,
            target_balance=0.0,
        )

    async def get_paywall(self, *args: Any, **kwargs: Any) -> Paywall:
        """An empty paywall priced in USD."""
        return paywall()

    async def get_customer_portal(self, *args: Any, **kwargs: Any) -> CustomerPortal:
        """An empty portal."""
        return customer_portal()

    async def get_customer(self) -> Customer:
        """The mock offline customer."""
        return customer()

    async def get_active_subscriptions_list(
        self, resource_id: str | None = None, resource_ids: Sequence[str] | None = None
    ) -> list[SlimSubscriptionV2]:
        """None offline."""
        return []

    async def get_active_subscriptions(self, resource_id: str | None = None) -> list[Subscription]:
        """None offline."""
        return []

    async def get_subscription(self, subscription_id: str) -> Subscription:
        """Always `NotFoundError` offline."""
        raise NotFoundError(f"Subscription {subscription_id} not found (offline mode)")

    async def get_coupons(self) -> list[Coupon]:
        """None offline."""
        return []

    async def estimate_subscription(self, **params: Any) -> SubscriptionPreview:
        """An estimate of zero USD."""
        return subscription_preview()

    async def estimate_subscription_update(self, **params: Any) -> SubscriptionPreview:
        """An estimate of zero USD."""
        return subscription_preview()

    async def get_checkout_state(self, plan_id: str, *args: Any, **kwargs: Any) -> CheckoutState:
        """Always `NotFoundError` offline: there is no catalog to check out from."""
        raise NotFoundError(f"Plan {plan_id} not found (offline mode)", code="PlanNotFound")

    async def preview_subscription(self, **params: Any) -> SubscriptionPreviewV2:
        """A preview of zero USD, like the offline estimates."""
        from stigg_client.models.checkout import SubscriptionPreviewV2  # first use

        now = datetime.now(UTC)
        invoice = {"total": _zero(), "sub_total": _zero(), "total_excluding_tax": _zero()}
        return SubscriptionPreviewV2.model_validate(
            {
                "immediate_invoice": invoice,
                "recurring_invoice": invoice,
                "billing_period_range": {"start": now, "end": now},
            }
        )

    async def apply_subscription(self, **params: Any) -> ApplySubscriptionResult:
        """Always `ApiError` (code `OfflineMode`): nothing can be bought offline."""
        raise _no_purchase("apply_subscription")

    async def card_form_available(self) -> bool:
        """No card form offline (a checkout then hands off, or reports the error)."""
        return False

    async def create_payment_method(self, *args: Any, **kwargs: Any) -> PaymentMethodResult:
        """Always `ApiError` (code `OfflineMode`)."""
        raise _no_purchase("create_payment_method")

    async def confirm_payment_method(self, payment_method_id: str) -> PaymentMethodResult:
        """Always `ApiError` (code `OfflineMode`)."""
        raise _no_purchase("confirm_payment_method")

    async def fetch_usage_history(self, *args: Any, **kwargs: Any) -> list[UsageHistoryPoint]:
        """No usage recorded offline."""
        return []

    async def get_usage_history(self, *args: Any, **kwargs: Any) -> UsageHistoryV2:
        """No usage recorded offline: no markers, no series."""
        return UsageHistoryV2(markers=[], series=[])

    async def wait_for_checkout_completed(self, *args: Any, **kwargs: Any) -> None:
        """Nothing to wait for offline."""
        return None
