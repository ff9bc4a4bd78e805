"""`Controller`: one `<stigg-*>` element's behaviour — load through the SDK, render into the
shadow root, take input (replaying what the shim noted before Python was live), fire events."""

from __future__ import annotations

import asyncio
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from stigg_client import InitializationState
from widgets.browser.ffi import (
    browser_online,
    dispatch,
    element_by_id,
    listen,
    nullable,
    recorded_input,
    save_snapshot,
)
from widgets.client import StiggClient
from widgets.render import render_connection_notice, render_state
from widgets.render.common import ALTERNATIVE_MARKER

if TYPE_CHECKING:
    from widgets.formatting import Formatters
    from widgets.pricing import CustomerState
    from widgets.texts import Texts

logger = logging.getLogger("widgets")
FAILED_STATES = frozenset({"error", "offline"})
FOCUS_KEYS = ("data-action", "data-plan-id", "data-feature-id", "data-subscription-id")


class WidgetHost(Protocol):
    """What a controller needs from the app that owns it (`WidgetApp`)."""

    client: StiggClient
    locale: str

    def texts_for(self, locale: str, overrides: dict[str, str] | None = None) -> Texts: ...

    def formatters_for(self, locale: str) -> Formatters: ...

    def hydrated(self, controller: Controller) -> bool: ...

    def notify(self, event: str, element: Any, detail: dict[str, Any]) -> None: ...

    def connection_state(self) -> str: ...

    async def customer_state(self, resource_id: str | None) -> CustomerState | None: ...


class Controller(ABC):
    """One element's behaviour; subclasses load data and render."""

    live = False
    notice_while_offline = True

    def __init__(self, app: WidgetHost, element: Any) -> None:
        self.app, self.element = app, element
        self.unlisteners: list[Callable[[], None]] = []
        self.task: asyncio.Task[None] | None = None
        self.input_live = False
        """Python handles the element's input itself; until then the shim notes it for replay."""
        self.replaying_announced = False
        """Replaying input whose DOM event the shim already fired (`emit` skips the DOM)."""
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
        node = element_by_id(script_id)
        if node is None:
            return {}
        data = json.loads(str(node.textContent) or "{}")
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def start(self) -> None:
        for kind in ("click", "change"):
            self.unlisteners.append(listen(self.element.shadowRoot, kind, self.on_event))
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
        for unlisten in self.unlisteners:
            unlisten()
        self.unlisteners.clear()
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
        customer_id = self.app.client.customer_id
        try:
            await self.load()
            if render:
                self.show("ready", self.render())
            else:
                self.element.dataset.hydrated = "true"
                self.mark_state(self.content_state())
            self.element.removeAttribute("data-stigg-snapshot")  # fresh data replaced it
            for pending in self.root.querySelectorAll("[data-pending]"):
                pending.removeAttribute("data-pending")  # noted clicks: `go_live` acts on them
            if self.app.client.customer_id == customer_id:  # else not this customer's markup
                self.keep_snapshot(customer_id, server_sent=not render)
            self.mark_ready()
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.exception("widget load failed")
            state = "error" if browser_online() else "offline"
            self.show(state, render_state(state, texts))
            self.emit("stigg-error", {"message": str(error), "retryable": True})
        self.go_live()

    def keep_snapshot(self, customer_id: str | None, *, server_sent: bool = False) -> None:
        """Save the freshly loaded markup for the shim to paint on the next visit, keyed by the
        element's configuration and `customer_id` (whose data it shows), with its spare
        renderings (`spare_renderings`)."""
        state = str(self.element.dataset.state)
        if state in ("ready", "empty"):
            html = str(self.root.innerHTML)
            save_snapshot(
                self.element, customer_id, html, state, self.spare_renderings(server_sent)
            )

    def spare_renderings(self, server_sent: bool) -> dict[str, str]:
        """Renderings the shim may swap in before Python is live on the next visit, by
        `ssr_element` alternative key; `server_sent`: the markup shown is the server's, whose
        spares are in the shadow root. None by default."""
        return {}

    def spare_templates(self) -> dict[str, Any]:
        """The spare renderings in the shadow root by key (`ssr_element` alternatives, a
        snapshot's spares, or the one the shim kept when it swapped): the shim's until live."""
        spares = self.element.shadowRoot.querySelectorAll(f"template[{ALTERNATIVE_MARKER}]")
        return {str(spare.getAttribute(ALTERNATIVE_MARKER)): spare for spare in spares}

    def go_live(self) -> None:
        """Handle input from now on, after replaying, in order, what the visitor did while the
        element showed markup Python was not yet behind (server-rendered or a snapshot)."""
        if self.input_live:
            return
        self.input_live = True
        self.element.stiggInputLive = True
        for spare in self.spare_templates().values():
            spare.remove()  # from now on Python renders
        for note in recorded_input(self.element):
            control = nullable(self.root.querySelector(note["selector"]))
            if control is None:
                continue  # the control is gone from the fresh markup: nothing to act on
            if note["type"] == "change":
                if str(control.getAttribute("type") or "") in ("radio", "checkbox"):
                    control.checked = bool(note["checked"])
                elif note["value"] is not None:
                    control.value = str(note["value"])
            self.replaying_announced = note.get("announced") is True
            try:
                self.act(control, str(note["type"]))
            finally:
                self.replaying_announced = False

    def emit(self, name: str, detail: dict[str, Any]) -> bool:
        """Fire `name` with one payload both as the DOM CustomEvent (bubbling, composed,
        cancelable) and to Python subscribers; False when a DOM listener cancelled it. For
        input the shim already acted on and announced in the DOM, only the subscribers hear it."""
        proceed = self.replaying_announced or dispatch(self.element, name, detail)
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


async def entitlements_loaded(client: StiggClient) -> bool:
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
