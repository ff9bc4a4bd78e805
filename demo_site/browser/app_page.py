"""App page: gated features, the metered "create a template" action, AI assists that burn
credits, in-app paywall."""

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from pyodide.ffi import create_proxy
from pyodide.http import pyfetch
from pyscript import document, window

from stigg_client import StiggError
from widgets.browser import mount, page_client, page_config

config = page_config()
client = page_client(
    config,
    # A returning visitor's gates answer from the last load at once (and without a network);
    # a load in one tab (e.g. after a metered action) reaches the other tabs with no request.
    persist_entitlements=True,
    share_across_tabs=True,
)
pending: set[asyncio.Task[None]] = set()
offline = document.getElementById("offline-notice")


def checkout(plan_id: str, period: str, intention: str, detail: dict[str, Any]) -> None:
    params = window.URLSearchParams.new()
    params.set("plan", plan_id)
    params.set("period", period)
    params.set("intention", intention)
    for quantity in (detail.get("quantities") or {}).values():
        params.set("seats", str(int(quantity)))
    for addon in detail.get("addons") or []:
        params.append("addon", str(addon))
    window.location.assign("/checkout?" + str(params.toString()))


plans_status = document.getElementById("plans-status")


async def post_form(path: str, fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST an urlencoded form to the demo backend; (status, JSON answer)."""
    body = window.URLSearchParams.new()
    for key, value in fields.items():
        body.set(key, str(value))
    response = await pyfetch(
        path,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=str(body.toString()),
        credentials="same-origin",
    )
    return response.status, await response.json()


async def change_seats(detail: dict[str, Any]) -> None:
    """Fewer seats take effect at the end of the billing period, more seats at once."""
    seats = int(next(iter((detail.get("quantities") or {}).values()), 0))
    status, answer = await post_form("/api/subscription/seats", {"seats": seats})
    if status != 200:
        plans_status.textContent = f"Could not change seats: {answer.get('error')}"
        return
    if answer.get("scheduled"):
        plans_status.textContent = (
            f"Scheduled: {seats} seats from your next billing date (see Billing to cancel)."
        )
    else:
        plans_status.textContent = f"You now have {seats} seats."
        await client.refresh()
    app.reload()


async def downgrade(plan_id: str, period: str, detail: dict[str, Any]) -> None:
    """A lower plan starts at the end of the billing period: the backend schedules it."""
    fields = {"plan_id": plan_id, "period": period}
    for quantity in (detail.get("quantities") or {}).values():
        fields["seats"] = str(int(quantity))
    status, answer = await post_form("/api/subscription/downgrade", fields)
    if status != 200:
        plans_status.textContent = f"Could not change the plan: {answer.get('error')}"
        return
    name = answer.get("planName") or plan_id
    if answer.get("scheduled"):
        plans_status.textContent = (
            f"Scheduled: {name} from your next billing date (see Billing to cancel)."
        )
    else:
        plans_status.textContent = f"You are now on {name}."
        await client.refresh()
    app.reload()


async def cancel_scheduled(plan_id: str) -> None:
    """The paywall's "cancel scheduled change" on a plan: cancel its subscription's changes."""
    subscriptions = await client.get_active_subscriptions()
    owned = [s.id for s in subscriptions if s.plan and s.plan.id == plan_id]
    owned = owned or [s.id for s in subscriptions if s.scheduled_updates]
    if not owned:
        plans_status.textContent = "There is no scheduled change to cancel."
        return
    status, answer = await post_form("/api/scheduled-updates/cancel", {"subscription_id": owned[0]})
    if status == 200:
        plans_status.textContent = "The scheduled change was cancelled."
        app.reload()
    else:
        plans_status.textContent = f"Could not cancel the scheduled change: {answer.get('error')}"


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    task = asyncio.ensure_future(coroutine)
    pending.add(task)
    task.add_done_callback(pending.discard)


def on_plan_selected(element: object, detail: dict[str, Any]) -> None:
    intention = str(detail.get("intention") or "UPGRADE_PLAN")
    if intention == "CHANGE_UNIT_QUANTITY":
        run(change_seats(detail))
    elif intention == "CANCEL_SCHEDULED_UPDATES":
        run(cancel_scheduled(str(detail["planId"])))
    elif intention == "DOWNGRADE_PLAN":
        period = str(detail.get("billingPeriod") or "MONTHLY")
        run(downgrade(str(detail["planId"]), period, detail))
    else:
        checkout(
            str(detail["planId"]), str(detail.get("billingPeriod") or "MONTHLY"), intention, detail
        )


def on_upgrade(element: object, detail: dict[str, Any]) -> None:
    """An upgrade prompt's button: straight to checkout for the plan it names."""
    if detail.get("planId"):
        checkout(str(detail["planId"]), "MONTHLY", "UPGRADE_PLAN", detail)


class MeteredAction:
    """A button whose action the backend meters: it checks the quota and reports one unit."""

    def __init__(self, button_id: str, status_id: str, path: str, noun: str) -> None:
        self.button = document.getElementById(button_id)
        self.status = document.getElementById(status_id)
        self.path = path
        self.noun = noun
        self.listener = create_proxy(self.run)
        self.button.addEventListener("click", self.listener)

    def show(self, state: str, message: str) -> None:
        self.status.dataset.state = state
        self.status.textContent = message

    async def run(self, event: object) -> None:
        """Ask the backend to do it, then refresh entitlements (the other tabs get them too)."""
        self.button.disabled = True
        self.show("busy", "Working…")
        try:
            response = await pyfetch(
                self.path,
                method="POST",
                headers={"Accept": "application/json"},
                credentials="same-origin",
            )
            answer = await response.json()
            if response.status == 200:
                used, limit = answer.get("usage"), answer.get("limit")
                of = f" of {limit:g}" if isinstance(limit, int | float) else ""
                self.show("created", f"{self.noun.capitalize()} created ({used:g}{of} this month).")
            elif response.status == 402:
                self.show("limit", f"Your plan's {self.noun} limit is reached.")
            else:
                self.show("error", f"Could not create {self.noun}: {answer.get('error')}")
            await client.refresh()
        except Exception as error:
            self.show("error", f"Could not create {self.noun}: {error}")
        finally:
            self.button.disabled = False


AI_CURRENCY = "currency-ai-credits"


class AiAssists:
    """The AI assists card: the button follows the credit balance (SDK check, live); out of
    credits it shows the prompt to buy 100 credits (the backend grants them) or upgrade."""

    def __init__(self) -> None:
        self.button = document.getElementById("use-assist")
        self.status = document.getElementById("assist-status")
        self.out = document.getElementById("assists-out")
        self.listeners = [create_proxy(self.use), create_proxy(self.buy)]
        self.button.addEventListener("click", self.listeners[0])
        document.getElementById("buy-credits").addEventListener("click", self.listeners[1])

    def follow_balance(self, *_: object) -> None:
        """Enable the button while credits are left; else the out-of-credits prompt."""
        check = client.get_credit_entitlement(AI_CURRENCY)
        empty = check.access_denied_reason == "InsufficientCredits"
        self.out.hidden = not empty
        self.button.disabled = not check.has_access

    async def use(self, event: object) -> None:
        self.button.disabled = True
        status, answer = await post_form("/api/assists", {})
        if status == 200:
            self.status.textContent = "Paragraph rewritten."
        elif status == 402:
            self.status.textContent = "No AI credits left."
        else:
            self.status.textContent = f"Could not rewrite: {answer.get('error')}"
        await client.refresh()
        self.follow_balance()

    async def buy(self, event: object = None) -> None:
        status, answer = await post_form("/api/credits/buy", {})
        if status == 200:
            self.status.textContent = f"Added {answer['amount']:g} AI credits."
        else:
            self.status.textContent = f"Could not buy credits: {answer.get('error')}"
        await client.refresh()
        self.follow_balance()


def show_connection(state: str) -> None:
    """Say so while Stigg is unreachable; checks keep answering from the SDK's cache, and the
    SDK reconnects by itself (its live stream, then retries with backoff)."""
    offline.hidden = state != "offline"


app = await mount(client)  # noqa: F704 - PyScript top-level await
app.on("stigg-plan-selected", on_plan_selected)
app.on("stigg-manage-subscription", on_upgrade)
assists = AiAssists()
app.on("stigg-add-credits", lambda element, detail: run(assists.buy()))
client.add_listener("credit_balance_updated", assists.follow_balance)
actions = [
    MeteredAction("create-template", "template-status", "/api/templates", "template"),
    MeteredAction("export-pdf", "export-status", "/api/exports", "export"),
]
client.add_listener("connection_state_changed", show_connection)
# Offline at start: the notice shows and gates answer from the saved entitlements.
with contextlib.suppress(StiggError):
    await client.wait_for_initialization()  # noqa: F704
show_connection(client.connection_state)
for action in actions:
    action.button.disabled = False
await client.get_credit_entitlements()  # noqa: F704
assists.follow_balance()
document.body.dataset.python = "ready"
