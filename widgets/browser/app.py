"""`mount(client)`: the Python side of the `<stigg-*>` elements — a `WidgetApp` that owns the
SDK client, one controller per connected element, and the Python event subscribers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from stigg_client import InitializationState
from widgets.browser.checkout import CheckoutController
from widgets.browser.controller import FAILED_STATES, Controller
from widgets.browser.controllers import (
    GateController,
    MeterController,
    PortalController,
    UpgradePromptController,
)
from widgets.browser.credits import (
    CreditBalanceController,
    CreditController,
    CreditGrantsController,
    CreditUsageChartController,
    CreditUtilizationController,
)
from widgets.browser.ffi import clear_snapshots, intl_formatters, nullable, register_with_shim
from widgets.browser.paywall import PaywallController
from widgets.client import StiggClient
from widgets.formatting import Formatters
from widgets.pricing import CustomerState, customer_state_of
from widgets.texts import Texts

logger = logging.getLogger("widgets")
Subscriber = Callable[[Any, dict[str, Any]], Any]
# Every event the elements fire; each one goes with the same payload to the DOM and to
# Python subscribers (`Controller.emit`).
EVENTS = (
    "stigg-plan-selected",
    "stigg-billing-period-change",
    "stigg-manage-subscription",
    "stigg-error",
    "stigg-ready",
    "stigg-checkout-step",
    "stigg-checkout-completed",
    "stigg-checkout-error",
    "stigg-add-credits",
)

CONTROLLERS: dict[str, type[Controller]] = {
    "stigg-paywall": PaywallController,
    "stigg-pricing-table": PaywallController,
    "stigg-customer-portal": PortalController,
    "stigg-usage-meter": MeterController,
    "stigg-gate": GateController,
    "stigg-upgrade-prompt": UpgradePromptController,
    "stigg-checkout": CheckoutController,
    "stigg-credit-balance": CreditBalanceController,
    "stigg-credit-utilization": CreditUtilizationController,
    "stigg-credit-usage-chart": CreditUsageChartController,
    "stigg-credit-grants": CreditGrantsController,
}

_keys = iter(range(1, 1 << 62))


def element_key(element: Any) -> int:
    """A stable key per DOM element (each FFI call hands Python a new proxy object)."""
    try:
        return int(element.stiggKey)
    except (AttributeError, TypeError):
        key = next(_keys)
        element.stiggKey = key
        return key


class WidgetApp:
    """Owns the SDK client, the controllers of connected elements, and Python subscribers."""

    def __init__(
        self, client: StiggClient, locale: str = "en", text_overrides: dict[str, str] | None = None
    ) -> None:
        self.client, self.locale = client, locale
        self.text_overrides = dict(text_overrides or {})
        self.controllers: dict[int, Controller] = {}
        self.subscribers: dict[str, list[Subscriber]] = {}
        self._formatters: dict[str, Formatters] = {}
        self._hydrated: set[int] = set()
        # Until the SDK's first initialization is done, its cache filling up is no change:
        # every widget's first load reads the data after it (the paywall from the API) anyway.
        self._initialized = client.initialization_state != InitializationState.IN_PROGRESS
        self._customer_id = client.customer_id
        client.add_listener("initialized", self._on_initialized)
        client.add_listener("entitlements_updated", self._entitlements_updated)
        client.add_listener("credit_balance_updated", self._credits_updated)
        client.add_listener("connection_state_changed", self._connection_changed)

    def texts_for(self, locale: str, overrides: dict[str, str] | None = None) -> Texts:
        """Texts for `locale`: shipped catalog, then app-wide, then per-element overrides."""
        return Texts(locale, {**self.text_overrides, **(overrides or {})})

    def formatters_for(self, locale: str) -> Formatters:
        if locale not in self._formatters:
            self._formatters[locale] = intl_formatters(locale)
        return self._formatters[locale]

    def hydrated(self, controller: Controller) -> bool:
        key = element_key(controller.element)
        seen = key in self._hydrated
        self._hydrated.add(key)
        return seen

    def on(self, event: str, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber(element, detail)` for a `stigg-*` event (one of `EVENTS`, with the
        same `detail` as the DOM event); returns an unsubscribe."""
        if event not in EVENTS:
            raise ValueError(f"unknown event {event!r}; one of {', '.join(EVENTS)}")
        self.subscribers.setdefault(event, []).append(subscriber)
        return lambda: self.subscribers[event].remove(subscriber)

    def notify(self, event: str, element: Any, detail: dict[str, Any]) -> None:
        for subscriber in list(self.subscribers.get(event, [])):
            try:
                subscriber(element, detail)
            except Exception:
                logger.exception("subscriber for %s failed", event)

    async def customer_state(self, resource_id: str | None) -> CustomerState | None:
        """The current customer's plan, period and trial, when a customer is set."""
        customer_id = self.client.customer_id
        if not customer_id:
            return None
        subscriptions = await self.client.get_active_subscriptions(resource_id)
        return customer_state_of(customer_id, resource_id, subscriptions, datetime.now(UTC))

    def reload(self, element: Any = None) -> None:
        """Load every connected widget's data again (or only `element`'s), e.g. after the host
        changed the subscription through its backend; quantities and add-ons picked in a
        paywall start again from what the customer now has."""
        key = None if element is None else element_key(element)
        for controller_key, controller in list(self.controllers.items()):
            if key is None or controller_key == key:
                controller.forget_choices()
                controller.reload(render=True)

    def lifecycle(self, kind: str, element: Any, name: Any, old: Any, new: Any) -> None:
        """Entry point the JS shim calls (queued calls replay on register)."""
        key = element_key(element)
        name = nullable(name)
        try:
            if kind == "connected":
                controller = CONTROLLERS[str(element.localName)](self, element)
                self.controllers[key] = controller
                controller.start()
            elif kind == "disconnected":
                stopped = self.controllers.pop(key, None)
                if stopped is not None:
                    stopped.stop()
            elif kind == "attribute" and key in self.controllers:
                controller = self.controllers[key]
                if isinstance(controller, PaywallController) and name == "billing-period":
                    controller.period = None
                controller.reload(render=True)
        except Exception:
            logger.exception("lifecycle %s failed", kind)

    def connection_state(self) -> str:
        """The SDK's connection state ("connecting", "online" or "offline")."""
        return str(self.client.connection_state)

    def _connection_changed(self, state: Any = None, *_: Any) -> None:
        """SDK listener: show or clear the offline notice; on recovery, load again what failed."""
        current = str(state) if state is not None else self.connection_state()
        for controller in list(self.controllers.values()):
            try:
                controller.show_connection(current)
                if current == "online" and controller.element.dataset.state in FAILED_STATES:
                    controller.reload(render=True)
            except Exception:
                logger.exception("connection state %s not shown", current)

    def _on_initialized(self, *_: Any) -> None:
        self._initialized = True
        self._follow_customer()

    def _follow_customer(self) -> bool:
        """When the SDK's customer changed (sign-in, switch, sign-out): drop every saved markup
        snapshot and load every widget again for the new customer. True when it did."""
        customer_id = self.client.customer_id
        if customer_id == self._customer_id:
            return False
        self._customer_id = customer_id
        clear_snapshots()
        self.reload()
        return True

    def _entitlements_updated(self, changed: Any = None, *_: Any) -> None:
        """SDK listener: re-render live widgets whose feature changed (all when unknown); during
        the SDK's first initialization (a later one, for another customer, counts) only those
        shown ahead of it from saved entitlements: the others read its data when they load."""
        if self._follow_customer():
            return
        features = None if changed is None else {str(f) for f in changed}
        if features is not None and not features:
            return
        for controller in list(self.controllers.values()):
            if not controller.live or not (self._initialized or controller.ahead_of_load):
                continue
            feature_id = controller.attr("feature-id")
            if features is None or feature_id is None or feature_id in features:
                controller.reload(render=True)

    def _credits_updated(self, changed: Any = None, *_: Any) -> None:
        """SDK listener: re-render the credit elements of a currency whose balance changed, and
        the portals (which list every currency). One still loading reads the change when its
        load is done (a server-rendered one keeps hydrating)."""
        currencies = None if changed is None else {str(c) for c in changed}
        for controller in list(self.controllers.values()):
            if controller.task is not None and not controller.task.done():
                continue
            if isinstance(controller, CreditController):
                if currencies is None or controller.currency_id in currencies:
                    controller.reload(render=True)
            elif isinstance(controller, PortalController) and self._initialized:
                controller.reload(render=True)


async def mount(
    client: StiggClient, *, locale: str = "en", texts: dict[str, str] | None = None
) -> WidgetApp:
    """Register the Python side with the element shim; returns the app (for `app.on(...)`)."""
    app = WidgetApp(client, locale, texts)
    await register_with_shim(app.lifecycle)
    return app
