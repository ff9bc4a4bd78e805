"""`PaywallController`: `<stigg-paywall>` and `<stigg-pricing-table>`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from widgets.browser.controller import Controller, WidgetHost
from widgets.browser.ffi import encode_uri_component, navigate, nullable
from widgets.pricing import CustomerState
from widgets.render import PaywallOptions, render_paywall

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
        values = {k: encode_uri_component(str(v or "")) for k, v in detail.items()}
        url = template
        for key in ("planId", "intention", "billingPeriod", "customerId", "resourceId"):
            url = url.replace("{" + key + "}", str(values.get(key, "")))
        navigate(url)
