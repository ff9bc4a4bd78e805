"""Controllers for each `<stigg-*>` element: load data through the SDK, render, wire events."""

from __future__ import annotations

import asyncio
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from stigg_client import InitializationState
from widgets.browser.ffi import dispatch, intl_formatters, nullable, recorded_input
from widgets.formatting import Formatters
from widgets.pricing import CustomerState, customer_state_of
from widgets.render import (
    PaywallOptions,
    PortalOptions,
    RenderOptions,
    render_connection_notice,
    render_customer_portal,
    render_gate,
    render_paywall,
    render_state,
    render_upgrade_prompt,
    render_usage_meter,
    usage_from_metered,
)
from widgets.texts import Texts

logger = logging.getLogger("widgets")
FAILED_STATES = frozenset({"error", "offline"})
Subscriber = Callable[[Any, dict[str, Any]], Any]
# Every event the elements fire; each one goes with the same payload to the DOM and to
# Python subscribers (`Controller.emit`).
EVENTS = (
    "stigg-plan-selected",
    "stigg-billing-period-change",
    "stigg-manage-subscription",
    "stigg-error",
    "stigg-ready",
)


class Controller(ABC):
    """One element's behaviour; subclasses load data and render."""

    live = False
    notice_while_offline = True

    def __init__(self, app: WidgetApp, element: Any) -> None:
        self.app, self.element = app, element
        self.proxies: list[tuple[str, Any]] = []
        self.task: asyncio.Task[None] | None = None
        self.input_live = False
        """Python handles the element's input itself; until then the shim notes it for replay."""
        self.ahead_of_load = False
        """Rendered from entitlements the SDK had before its first load (a persisted snapshot),
        so that load's changes must reach it."""

    def attr(self, name: str) -> str | None:
        value = nullable(self.element.getAttribute(name))
        return None if value is None else str(value)

    @property
    def root(self) -> Any:
        return self.element.shadowRoot.querySelector(".root")

    def options(self) -> dict[str, Any]:
        locale = self.attr("locale") or self.app.locale
        texts = self.app.texts_for(locale, self.text_overrides())
        return {"texts": texts, "formatters": self.app.formatters_for(locale)}

    def text_overrides(self) -> dict[str, str]:
        """Overrides from the JSON `<script>` whose id the `texts` attribute names."""
        script_id = self.attr("texts")
        if not script_id:
            return {}
        import js

        node = nullable(js.document.getElementById(script_id))
        if node is None:
            return {}
        data = json.loads(str(node.textContent) or "{}")
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def start(self) -> None:
        from pyodide.ffi import create_proxy

        for kind in ("click", "change", "input"):
            proxy = create_proxy(self.on_event)
            self.element.shadowRoot.addEventListener(kind, proxy)
            self.proxies.append((kind, proxy))
        hydrating = self.element.hasAttribute("data-stigg-ssr") and not self.app.hydrated(self)
        self.show_connection(self.app.connection_state())
        self.reload(render=not hydrating)

    def show_connection(self, state: str) -> None:
        """Reflect the SDK's connection state: `data-connection` on the element and, while
        offline, an "offline — showing saved data" status notice (not inside gates, which wrap
        the page's own content)."""
        self.element.dataset.connection = state
        notice = nullable(self.element.shadowRoot.querySelector(".connection-notice"))
        # Only over saved data: the offline/error states say so themselves.
        wanted = (
            state == "offline"
            and self.notice_while_offline
            and self.element.dataset.state not in FAILED_STATES
        )
        if not wanted:
            if notice is not None:
                notice.remove()
        elif notice is None:
            html = render_connection_notice(self.options()["texts"])
            self.root.insertAdjacentHTML("beforebegin", html)

    def stop(self) -> None:
        self.input_live = False
        self.element.stiggInputLive = False
        for kind, proxy in self.proxies:
            self.element.shadowRoot.removeEventListener(kind, proxy)
            proxy.destroy()
        self.proxies.clear()
        if self.task:
            self.task.cancel()

    def reload(self, render: bool = True) -> None:
        if self.task and not self.task.done():
            self.task.cancel()
        self.task = asyncio.ensure_future(self._load(render))

    async def _load(self, render: bool) -> None:
        texts = self.options()["texts"]
        if render and self.element.dataset.state != "ready":
            self.show("loading", render_state("loading", texts))
        try:
            await self.load()
            if render:
                self.show("ready", self.render())
            else:
                self.element.dataset.hydrated = "true"
                self.mark_state(self.content_state())
            self.mark_ready()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.exception("widget load failed")
            import js

            state = "offline" if not js.navigator.onLine else "error"
            self.show(state, render_state(state, texts))
            self.emit("stigg-error", {"message": str(error), "retryable": True})
        self.go_live()

    def go_live(self) -> None:
        """Handle input from now on, after replaying, in order, what the visitor did while the
        element showed markup Python was not yet behind (server-rendered or a snapshot)."""
        if self.input_live:
            return
        self.input_live = True
        self.element.stiggInputLive = True
        for note in recorded_input(self.element):
            control = nullable(self.root.querySelector(note["selector"]))
            if control is None:
                continue  # the control is gone from the fresh markup: nothing to act on
            if note["type"] == "change":
                if str(control.getAttribute("type") or "") in ("radio", "checkbox"):
                    control.checked = bool(note["checked"])
                elif note["value"] is not None:
                    control.value = str(note["value"])
            self.act(control, str(note["type"]))

    def emit(self, name: str, detail: dict[str, Any]) -> bool:
        """Fire `name` with one payload both as the DOM CustomEvent (bubbling, composed,
        cancelable) and to Python subscribers; False when a DOM listener cancelled it."""
        proceed = dispatch(self.element, name, detail)
        self.app.notify(name, self.element, detail)
        return proceed

    def mark_ready(self) -> None:
        """The element shows its data: once per data load, not on re-renders of the same data
        (a period toggle, a quantity change), fire `stigg-ready`."""
        self.emit("stigg-ready", {"tag": str(self.element.localName)})

    def content_state(self) -> str:
        """`empty` when the loaded data left nothing to show (a paywall without plans), else
        `ready`: what `data-state` says once data is in."""
        return "empty" if nullable(self.root.querySelector(":scope > .state-empty")) else "ready"

    def mark_state(self, state: str) -> None:
        self.element.dataset.state = state
        if state == "loading":
            self.element.setAttribute("aria-busy", "true")
        else:
            self.element.removeAttribute("aria-busy")

    def show(self, state: str, html: str) -> None:
        """Put `html` in the shadow root, keeping keyboard focus on the same control."""
        focused = focus_selector(self.element.shadowRoot.activeElement)
        self.root.innerHTML = html
        self.mark_state(self.content_state() if state == "ready" else state)
        if focused:
            node = nullable(self.root.querySelector(focused))
            if node is not None:
                node.focus()
        self.show_connection(self.app.connection_state())

    def on_event(self, event: Any) -> None:
        if not self.input_live:
            return  # the shim noted it; `go_live` replays it
        target = event.target
        if nullable(target.getAttribute("data-action")) is None and event.type == "click":
            target = nullable(target.closest("[data-action]"))
        if target is not None:
            self.act(target, str(event.type))

    def act(self, control: Any, kind: str) -> None:
        """React to `kind` ("click" or "change") on a `data-action` control."""
        action = nullable(control.getAttribute("data-action"))
        if action == "retry" and kind == "click":
            self.reload()
        elif action:
            self.handle(str(action), control, kind)

    def handle(self, action: str, target: Any, kind: str) -> None:  # noqa: B027 - optional hook
        """React to a `data-action` element being clicked or changed (default: ignore)."""

    def forget_choices(self) -> None:  # noqa: B027 - optional hook
        """Drop what the visitor picked but did not buy (default: nothing to drop)."""

    @abstractmethod
    async def load(self) -> None:
        """Fetch what the element shows, through the SDK's public API."""

    @abstractmethod
    def render(self) -> str:
        """The element's HTML for its current state."""


class PaywallController(Controller):
    """`<stigg-paywall>` / `<stigg-pricing-table>`. Live: when the SDK's entitlements change
    (e.g. the backend provisioned another plan) it loads the customer's subscriptions again, so
    badges and CTAs follow, keeping the visitor's period, quantities and add-ons."""

    live = True
    paywall: Any = None
    customer: CustomerState | None = None

    def __init__(self, app: WidgetApp, element: Any) -> None:
        super().__init__(app, element)
        self.period: str | None = None
        self.quantities: dict[str, float] = {}
        self.addons: set[tuple[str, str]] = set()  # (plan id, add-on id) ticked on that card

    async def load(self) -> None:
        client = self.app.client
        self.paywall = await client.get_paywall(
            product_id=self.attr("product-id"),
            resource_id=self.attr("resource-id"),
            billing_country_code=self.attr("billing-country-code"),
        )
        self.customer = await self.app.customer_state(self.attr("resource-id"))
        current = self.customer.current_plan_id if self.customer else None
        self.element.dataset.currentPlan = current or ""

    def forget_choices(self) -> None:
        self.quantities.clear()
        self.addons.clear()

    def paywall_options(self) -> PaywallOptions:
        return PaywallOptions(
            **self.options(),
            billing_period=self.period or self.attr("billing-period"),
            layout=self.attr("layout") or "cards",
            highlighted_plan_id=self.attr("highlighted-plan-id"),
            hide_addons=self.element.hasAttribute("hide-addons"),
            show_only_eligible_plans=self.element.hasAttribute("show-only-eligible-plans"),
            billing_country_code=self.attr("billing-country-code"),
            customer=self.customer,
            quantities=dict(self.quantities),
            selected_addons=frozenset(self.addons),
        )

    def render(self) -> str:
        return render_paywall(self.paywall, self.paywall_options())

    def rerender(self) -> None:
        """Render the loaded data again for a changed choice (no new load, no `stigg-ready`)."""
        if self.paywall is not None:
            self.show("ready", self.render())

    def handle(self, action: str, target: Any, kind: str) -> None:
        if action == "period" and kind == "change":
            self.period = str(target.value)
            self.emit("stigg-billing-period-change", {"billingPeriod": self.period})
            self.rerender()
        elif action == "quantity" and kind == "change":
            try:
                self.quantities[str(target.dataset.planId)] = float(target.value)
            except ValueError:
                return
            self.rerender()
        elif action == "addon" and kind == "change":
            addon = (str(target.dataset.planId), str(target.value))
            (self.addons.add if target.checked else self.addons.discard)(addon)
        elif action == "select" and kind == "click":
            self.select(target)

    def select(self, button: Any) -> None:
        plan_id = str(button.dataset.planId)
        root = self.root
        checked = nullable(root.querySelector('input[data-action="period"]:checked'))
        section = root.querySelector("[data-billing-period]")
        period = str(checked.value) if checked else str(section.dataset.billingPeriod)
        quantities = {}
        for node in root.querySelectorAll(
            f'input[data-action="quantity"][data-plan-id="{plan_id}"]'
        ):
            quantities[str(node.dataset.featureId)] = float(node.value)
        addons = [
            str(node.value)
            for node in root.querySelectorAll(
                f'input[data-action="addon"][data-plan-id="{plan_id}"]'
            )
            if node.checked
        ]
        customer = self.customer
        detail = {
            "planId": plan_id,
            "intention": str(button.dataset.intention),
            "billingPeriod": period,
            "quantities": quantities,
            "addons": addons,
            "customerId": customer.customer_id if customer else self.app.client.customer_id,
            "resourceId": self.attr("resource-id"),
        }
        proceed = self.emit("stigg-plan-selected", detail)
        template = self.attr("cta-href")
        if proceed and template:
            self.follow(template, detail)

    def follow(self, template: str, detail: dict[str, Any]) -> None:
        """Default action of an uncancelled selection: go to `cta-href` with values filled in."""
        import js

        values = {k: js.encodeURIComponent(str(v or "")) for k, v in detail.items()}
        url = template
        for key in ("planId", "intention", "billingPeriod", "customerId", "resourceId"):
            url = url.replace("{" + key + "}", str(values.get(key, "")))
        js.window.location.assign(url)


class PortalController(Controller):
    """`<stigg-customer-portal>`."""

    live = True
    portal: Any = None

    def __init__(self, app: WidgetApp, element: Any) -> None:
        super().__init__(app, element)
        self.latest_invoices: dict[str, Any] = {}

    async def load(self) -> None:
        client = self.app.client
        resource_id = self.attr("resource-id")
        portal, subscriptions = await asyncio.gather(
            client.get_customer_portal(resource_id=resource_id, product_id=self.attr("product-id")),
            client.get_active_subscriptions(resource_id),
        )
        self.portal = portal
        self.latest_invoices = {
            str(sub.id): sub.latest_invoice for sub in subscriptions or [] if sub.latest_invoice
        }

    def render(self) -> str:
        hidden = frozenset((self.attr("hidden-sections") or "").replace(",", " ").split())
        options = PortalOptions(
            **self.options(), hidden_sections=hidden, paywall_href=self.attr("paywall-href")
        )
        return render_customer_portal(self.portal, options, self.latest_invoices)

    def handle(self, action: str, target: Any, kind: str) -> None:
        if kind != "click":
            return
        if action == "manage":
            detail = {"intention": "MANAGE_SUBSCRIPTION"}
        elif action == "cancel-scheduled":
            detail = {
                "intention": "CANCEL_SCHEDULED_UPDATES",
                "subscriptionId": str(target.dataset.subscriptionId),
                "scheduleStatus": str(target.dataset.scheduleStatus or "Scheduled"),
            }
        else:
            return
        self.emit("stigg-manage-subscription", detail)


class MeterController(Controller):
    """`<stigg-usage-meter feature-id>`: from the SDK's cached metered entitlement."""

    live = True

    async def load(self) -> None:
        self.ahead_of_load = await entitlements_loaded(self.app.client)

    def render(self) -> str:
        feature_id = self.attr("feature-id") or ""
        result = self.app.client.get_metered_entitlement(feature_id=feature_id)
        warning = float(self.attr("warning-at") or 70) / 100
        return render_usage_meter(
            usage_from_metered(feature_id, result), RenderOptions(**self.options()), warning
        )


class GateController(Controller):
    """`<stigg-gate feature-id [requested-usage]>`: content or the `denied` slot."""

    live = True
    notice_while_offline = False

    async def load(self) -> None:
        self.ahead_of_load = await entitlements_loaded(self.app.client)

    def render(self) -> str:
        feature_id = self.attr("feature-id") or ""
        requested = self.attr("requested-usage")
        client = self.app.client
        if requested is not None:
            result = client.get_metered_entitlement(
                feature_id=feature_id, requested_usage=float(requested)
            )
        else:
            result = client.get_boolean_entitlement(feature_id=feature_id)
        self.element.dataset.access = "granted" if result.has_access else "denied"
        return render_gate(result.has_access, RenderOptions(**self.options()))


class UpgradePromptController(Controller):
    """`<stigg-upgrade-prompt feature-id [requested-usage]>`: the cheapest other plan that grants
    current usage + requested usage (default 1); re-evaluated when entitlements change."""

    live = True
    paywall: Any = None
    current_plan_ids: frozenset[str] = frozenset()

    async def load(self) -> None:
        client = self.app.client
        self.paywall = await client.get_paywall()
        plan_ids: set[str] = set()
        if client.customer_id:
            await client.wait_for_initialization()
            for sub in await client.get_active_subscriptions(None) or []:
                if sub.plan:
                    plan_ids.add(str(sub.plan.id))
        self.current_plan_ids = frozenset(plan_ids)

    def render(self) -> str:
        requested = self.attr("requested-usage")
        feature_id = self.attr("feature-id") or ""
        usage = 0.0
        if self.app.client.customer_id:
            result = self.app.client.get_metered_entitlement(feature_id=feature_id)
            usage = float(result.current_usage or 0)
        return render_upgrade_prompt(
            self.paywall,
            self.attr("feature-id") or "",
            float(requested) if requested else None,
            RenderOptions(**self.options()),
            href=self.attr("paywall-href"),
            current_usage=usage,
            current_plan_ids=self.current_plan_ids,
        )

    def handle(self, action: str, target: Any, kind: str) -> None:
        if action == "upgrade" and kind == "click":
            detail = {"intention": "UPGRADE_PLAN", "planId": str(target.dataset.planId)}
            self.emit("stigg-manage-subscription", detail)


CONTROLLERS: dict[str, type[Controller]] = {
    "stigg-paywall": PaywallController,
    "stigg-pricing-table": PaywallController,
    "stigg-customer-portal": PortalController,
    "stigg-usage-meter": MeterController,
    "stigg-gate": GateController,
    "stigg-upgrade-prompt": UpgradePromptController,
}


_keys = iter(range(1, 1 << 62))
FOCUS_KEYS = ("data-action", "data-plan-id", "data-feature-id", "data-subscription-id")


async def entitlements_loaded(client: Any) -> bool:
    """Wait for the customer's first load unless checks answer already (a persisted snapshot):
    a gate or meter over saved entitlements renders at once, and follows the load live. True
    when it did not wait for a first load still under way."""
    if not client.is_customer_loaded:
        await client.wait_for_initialization()
        return False
    return bool(client.initialization_state != InitializationState.READY)


def focus_selector(node: Any) -> str | None:
    """A selector that finds the same control in freshly rendered markup (None when `node` is
    not one of the widget's own `data-action` controls). A radio or checkbox is also told by
    its value; a quantity is not (its value is what changed)."""
    node = nullable(node)
    if node is None or nullable(node.getAttribute("data-action")) is None:
        return None
    keys: tuple[str, ...] = FOCUS_KEYS
    if str(node.getAttribute("type") or "") in ("radio", "checkbox"):
        keys = (*FOCUS_KEYS, "value")
    parts = []
    for name in keys:
        value = nullable(node.getAttribute(name))
        if value is not None:
            parts.append(f'[{name}="{escape_selector(str(value))}"]')
    return str(node.localName) + "".join(parts)


def escape_selector(value: str) -> str:
    """`value` quoted for a CSS attribute selector."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


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
        self, client: Any, locale: str = "en", text_overrides: dict[str, str] | None = None
    ) -> None:
        self.client, self.locale = client, locale
        self.text_overrides = dict(text_overrides or {})
        self.controllers: dict[int, Controller] = {}
        self.subscribers: dict[str, list[Subscriber]] = {}
        self._formatters: dict[str, Formatters] = {}
        self._hydrated: set[int] = set()
        # Until the SDK's first initialization is done, its cache filling up is no change:
        # every widget's first load reads the data after it (the paywall from the API) anyway.
        self._initialized = getattr(client, "initialization_state", None) not in (
            InitializationState.IN_PROGRESS,
            None,
        )
        client.add_listener("initialized", self._first_initialized)
        client.add_listener("entitlements_updated", self._entitlements_updated)
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
        return str(getattr(self.client, "connection_state", "online"))

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

    def _first_initialized(self, *_: Any) -> None:
        self._initialized = True

    def _entitlements_updated(self, changed: Any = None, *_: Any) -> None:
        """SDK listener: re-render live widgets whose feature changed (all when unknown); during
        the SDK's first initialization (a later one, for another customer, counts) only those
        shown ahead of it from saved entitlements: the others read its data when they load."""
        features = None if changed is None else {str(f) for f in changed}
        if features is not None and not features:
            return
        for controller in list(self.controllers.values()):
            if not controller.live or not (self._initialized or controller.ahead_of_load):
                continue
            feature_id = controller.attr("feature-id")
            if features is None or feature_id is None or feature_id in features:
                controller.reload(render=True)


async def mount(
    client: Any, *, locale: str = "en", texts: dict[str, str] | None = None
) -> WidgetApp:
    """Register the Python side with the element shim; returns the app (for `app.on(...)`)."""
    import js
    from pyodide.ffi import create_proxy

    app = WidgetApp(client, locale, texts)
    if nullable(getattr(js.window, "stiggElements", None)) is None:
        await js.customElements.whenDefined("stigg-paywall")
    app._lifecycle_proxy = create_proxy(app.lifecycle)  # type: ignore[attr-defined]
    js.window.stiggElements.register(app._lifecycle_proxy)  # type: ignore[attr-defined]
    return app
