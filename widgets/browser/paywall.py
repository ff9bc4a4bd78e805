"""`PaywallController`: `<stigg-paywall>` and `<stigg-pricing-table>`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from widgets.browser.controller import Controller, WidgetHost
from widgets.browser.ffi import nullable, select_plan
from widgets.pricing import CustomerState
from widgets.render import PaywallOptions, render_paywall, render_period_alternatives

if TYPE_CHECKING:
    from stigg_client.models.paywall import Paywall


class PaywallController(Controller):
    """`<stigg-paywall>` / `<stigg-pricing-table>`. Live: when the SDK's entitlements change
    (e.g. the backend provisioned another plan) it loads the customer's subscriptions again, so
    badges and CTAs follow, keeping the visitor's period, quantities and add-ons."""

    live = True
    paywall: Paywall | None = None
    customer: CustomerState | None = None

    def __init__(self, app: WidgetHost, element: Any) -> None:
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

    def spare_renderings(self, server_sent: bool) -> dict[str, str]:
        """The other billing periods' renderings, so a period toggle on the next visit's
        snapshot is shown at once: the server's when it sent them, else rendered here."""
        if self.paywall is None:
            return {}
        if server_sent:
            shown = nullable(self.root.querySelector("[data-billing-period]"))
            key = "" if shown is None else f"period:{shown.dataset.billingPeriod}"
            kept = {k: str(t.innerHTML) for k, t in self.spare_templates().items() if k != key}
            if kept:
                return kept
        return render_period_alternatives(self.paywall, self.paywall_options())

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
        """A CTA: the shim's one plan-selection routine (the event, then `cta-href` unless a
        listener cancelled it), then the Python subscribers with the same detail."""
        customer = self.customer
        customer_id = customer.customer_id if customer else self.app.client.customer_id
        detail = select_plan(self.element, button, customer_id)
        self.app.notify("stigg-plan-selected", self.element, detail)
