"""What offline mode returns instead of calling the network (protocol §5.6)."""

from __future__ import annotations

from decimal import Decimal

from stigg_client.models.common import Money
from stigg_client.models.customer import Customer
from stigg_client.models.estimates import SubscriptionPreview
from stigg_client.models.paywall import Paywall, PaywallCurrency
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
    return CustomerPortal(show_watermark=True, can_upgrade_subscription=False)


def _zero() -> Money:
    return Money(amount=Decimal(0), currency="USD")


def subscription_preview() -> SubscriptionPreview:
    """An estimate of zero USD."""
    return SubscriptionPreview(
        total=_zero(), total_excluding_tax=_zero(), sub_total=_zero(), tax=_zero()
    )
