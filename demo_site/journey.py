"""The customer journey: sign-in, pricing, app, portal, checkout — pages and the demo backend.

The backend is what a real SaaS would run: it holds the server key in a `StiggServer`, provisions
customers and subscriptions, reports usage, and hands the browser only the client key and, when
the emulator checks them, the signed-in customer's token.
"""

from __future__ import annotations

import html
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from demo_site.formatting import COUNTRIES, server_formatters
from demo_site.pages import Layout, render_layout
from demo_site.session import COOKIE, CUSTOMER_ID, SessionSigner, customer_token
from demo_site.settings import (
    DEMO_CUSTOMERS,
    EXPORT_EVENT,
    EXPORTS_FEATURE,
    FREE_PLAN,
    PRODUCT_ID,
    TEMPLATES_FEATURE,
    SiteSettings,
)
from stigg_client import NotFoundError, StiggError, StiggServer
from stigg_client.models.paywall import Plan
from widgets.render import PaywallOptions, render_paywall, ssr_element
from widgets.texts import Texts

logger = logging.getLogger("demo_site")
NO_STORE = {"Cache-Control": "no-store"}
PERIODS = frozenset({"MONTHLY", "ANNUALLY"})
PAID_INTENTIONS = frozenset({"UPGRADE_PLAN", "DOWNGRADE_PLAN", "CHANGE_UNIT_QUANTITY"})
MAX_FORM_BYTES = 16 * 1024
COUNTRY_LINKS = (
    ("US", "United States · USD"),
    ("DE", "Deutschland · EUR"),
    ("GB", "United Kingdom · GBP"),
)


class Backend:
    """The demo backend's state: the server-key SDK and the session signer."""

    def __init__(self, settings: SiteSettings) -> None:
        self.settings = settings
        self.signer = SessionSigner()
        self.server: StiggServer | None = None

    async def start(self) -> None:
        if self.settings.server_key:
            self.server = StiggServer(
                api_key=self.settings.server_key,
                base_uri=self.settings.emulator_url,
                realtime_updates=False,
                request_timeout_s=15.0,
            )

    async def stop(self) -> None:
        if self.server is not None:
            await self.server.close()
            self.server = None

    def customer_of(self, request: Request) -> str | None:
        """The signed-in customer, from the session cookie."""
        return self.signer.loads(request.cookies.get(COOKIE))

    def token_for(self, customer_id: str) -> str | None:
        """The customer token the client SDK sends, when the emulator checks tokens."""
        secret = self.settings.signing_secret
        return customer_token(secret, customer_id) if secret else None

    def client_config(self, customer_id: str | None) -> dict[str, Any]:
        """What the page's Python gets besides the emulator URLs and the client key."""
        config: dict[str, Any] = {"product_id": PRODUCT_ID, "customer_id": customer_id}
        if customer_id is not None:
            config["customer_token"] = self.token_for(customer_id)
        return config


def _page(body: str) -> HTMLResponse:
    return HTMLResponse(body, headers=NO_STORE)


def _same_origin(request: Request) -> bool:
    """POSTs must come from our own pages (the cookie is SameSite=Lax; this closes the rest)."""
    origin = request.headers.get("origin")
    if origin is None:
        return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
    own = urlsplit(str(request.url))
    return origin == f"{own.scheme}://{own.netloc}"


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form body (the only kind our pages send)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    parsed = parse_qs(body.decode(errors="replace"), keep_blank_values=True)
    return {key: values[0].strip() for key, values in parsed.items() if values}


def _safe_next(value: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/app"


def _unavailable(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=503, headers=NO_STORE)


def routes(settings: SiteSettings, backend: Backend) -> list[Route]:
    """The journey's pages and backend endpoints."""

    def layout(request: Request, page_id: str, title: str, body: str, **extra: Any) -> str:
        return render_layout(
            settings,
            Layout(
                page_id=page_id,
                path=request.url.path,
                title=title,
                body=body,
                customer_id=backend.customer_of(request),
                **extra,
            ),
        )

    def require_customer(request: Request) -> str | Response:
        customer_id = backend.customer_of(request)
        if customer_id is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/signin?" + urlencode({"next": target}), status_code=303)
        return customer_id

    def api_caller(request: Request) -> tuple[str, StiggServer] | Response:
        """Who calls a backend API (the signed-in customer, from our own pages) and the server
        SDK to serve them with; else the answer that refuses the call."""
        if not _same_origin(request):
            return JSONResponse({"error": "cross-site request"}, status_code=403)
        customer_id = backend.customer_of(request)
        if customer_id is None:
            return JSONResponse({"error": "sign in first"}, status_code=401, headers=NO_STORE)
        if backend.server is None:
            return _unavailable("the demo backend has no server key")
        return customer_id, backend.server

    # ------------------------------------------------------------------ sign-in

    async def signin_page(request: Request) -> Response:
        next_path = _safe_next(request.query_params.get("next"))
        error = request.query_params.get("error")
        items = []
        for customer_id in DEMO_CUSTOMERS:
            name = email = ""
            if backend.server is not None:
                try:
                    customer = await backend.server.get_customer(customer_id)
                except StiggError as failure:
                    logger.warning("demo customer %s unavailable: %s", customer_id, failure)
                    continue
                name, email = customer.name or customer_id, customer.email or ""
            items.append(
                f"<li><span><strong>{html.escape(name or customer_id)}</strong> "
                f'<span class="muted">{html.escape(email)} · {html.escape(customer_id)}</span>'
                f'</span><form method="post" action="/signin">'
                f'<input type="hidden" name="customer_id" value="{html.escape(customer_id)}">'
                f'<input type="hidden" name="next" value="{html.escape(next_path)}">'
                f'<button type="submit" data-customer="{html.escape(customer_id)}">'
                f"Continue as {html.escape(name or customer_id)}</button></form></li>"
            )
        notice = ""
        if error:
            notice = f'<p class="status" data-state="error" role="alert">{html.escape(error)}</p>'
        body = f"""
<h1>Sign in to Inkwell</h1>
{notice}
<div class="grid">
  <section class="card"><h2>Create an account</h2>
    <p class="muted">Starts on the Free plan.</p>
    <form method="post" action="/signin" id="signup-form">
      <input type="hidden" name="next" value="{html.escape(next_path)}">
      <label for="signup-name">Name</label>
      <input type="text" id="signup-name" name="name" required maxlength="80">
      <label for="signup-email">Email</label>
      <input type="email" id="signup-email" name="email" required maxlength="120">
      <p><button type="submit" id="signup">Create account</button></p>
    </form>
  </section>
  <section class="card"><h2>Demo customers</h2>
    <ul class="customers">{"".join(items) or "<li>No demo customers found.</li>"}</ul>
  </section>
</div>"""
        return _page(layout(request, "signin", "Sign in", body))

    async def signin(request: Request) -> Response:
        if not _same_origin(request):
            return JSONResponse({"error": "cross-site request"}, status_code=403)
        server = backend.server
        if server is None:
            return _unavailable("the demo backend has no server key")
        form = await _form(request)
        next_path = _safe_next(form.get("next"))
        existing = form.get("customer_id")
        try:
            if existing:
                if existing not in DEMO_CUSTOMERS or not CUSTOMER_ID.match(existing):
                    return JSONResponse({"error": "unknown demo customer"}, status_code=400)
                customer = await server.get_customer(existing)
                customer_id = customer.id
            else:
                name, email = form.get("name", ""), form.get("email", "")
                if not name or "@" not in email or len(name) > 80 or len(email) > 120:
                    query = urlencode({"next": next_path, "error": "Enter a name and an email."})
                    return RedirectResponse(f"/signin?{query}", status_code=303)
                customer_id = "customer-" + secrets.token_hex(6)
                await server.provision_customer(
                    customer_id,
                    name=name,
                    email=email,
                    subscription_params={"plan_id": FREE_PLAN},
                )
        except NotFoundError:
            return JSONResponse({"error": "unknown demo customer"}, status_code=400)
        except StiggError as failure:
            logger.warning("sign-in failed: %s", failure)
            query = urlencode({"next": next_path, "error": f"Sign-in failed: {failure}"})
            return RedirectResponse(f"/signin?{query}", status_code=303)
        response = RedirectResponse(next_path, status_code=303)
        response.set_cookie(
            COOKIE, backend.signer.dumps(customer_id), httponly=True, samesite="lax", path="/"
        )
        return response

    async def signout(request: Request) -> Response:
        if not _same_origin(request):
            return JSONResponse({"error": "cross-site request"}, status_code=403)
        response = RedirectResponse("/pricing", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def session(request: Request) -> Response:
        customer_id = backend.customer_of(request)
        if customer_id is None:
            return JSONResponse({"customerId": None}, status_code=401, headers=NO_STORE)
        token = backend.token_for(customer_id)
        return JSONResponse({"customerId": customer_id, "customerToken": token}, headers=NO_STORE)

    # ------------------------------------------------------------------ pricing

    async def server_paywall(country: str | None, locale: str) -> str:
        """The pricing page's paywall, rendered here for the first paint (hydrated later)."""
        attributes: dict[str, object] = {
            "id": "paywall",
            "product-id": PRODUCT_ID,
            "billing-period": "MONTHLY",
            "highlighted-plan-id": "plan-pro",
            "locale": locale,
            "billing-country-code": country,
        }
        if backend.server is None:
            return ssr_free(attributes)
        try:
            paywall = await backend.server.get_paywall(
                product_id=PRODUCT_ID, billing_country_code=country
            )
        except StiggError as failure:
            logger.warning("server-side paywall failed, the browser will load it: %s", failure)
            return ssr_free(attributes)
        options = PaywallOptions(
            texts=Texts(locale),
            formatters=server_formatters(locale),
            billing_period="MONTHLY",
            highlighted_plan_id="plan-pro",
            billing_country_code=country,
        )
        return ssr_element(
            "stigg-paywall",
            attributes,
            render_paywall(paywall, options),
            css_href="/static/stigg-widgets.css",
        )

    def ssr_free(attributes: dict[str, object]) -> str:
        rendered = "".join(
            f' {name}="{html.escape(str(value))}"'
            for name, value in attributes.items()
            if value is not None
        )
        return f"<stigg-paywall{rendered}></stigg-paywall>"

    async def pricing(request: Request) -> Response:
        requested = (request.query_params.get("country") or "US").upper()
        country = requested if requested in COUNTRIES else "US"
        locale = COUNTRIES[country]
        links = "".join(
            f'<a href="/pricing?country={code}" aria-current="{str(code == country).lower()}">'
            f"{label}</a>"
            for code, label in COUNTRY_LINKS
        )
        paywall = await server_paywall(None if country == "US" else country, locale)
        body = f"""
<h1>Plans for every writer</h1>
<p class="muted">Start free, upgrade when your team grows. Pro comes with a 14-day trial.</p>
<p class="countries" id="countries">{links}</p>
{paywall}
<p class="muted">Coupon <code>LAUNCH20</code>: 20% off your first three months at checkout.</p>"""
        config = backend.client_config(None)
        config.update({"locale": locale, "country": country})
        return _page(
            layout(
                request,
                "pricing",
                "Pricing",
                body,
                script="pricing.py",
                config=config,
                widgets=True,
                lang=locale,
            )
        )

    # ------------------------------------------------------------------ app and portal

    async def app_page(request: Request) -> Response:
        customer = require_customer(request)
        if isinstance(customer, Response):
            return customer
        templates = _metered_card(
            MeteredCard(
                "templates",
                "Templates",
                TEMPLATES_FEATURE,
                ("create-template", "Create a template"),
                "template-status",
                "You have created all the templates your plan includes this month.",
            )
        )
        exports = _metered_card(
            MeteredCard(
                "exports",
                "PDF exports",
                EXPORTS_FEATURE,
                ("export-pdf", "Export as PDF"),
                "export-status",
                "You have used all the PDF exports your plan includes this month.",
                f"Each export sends an <code>{EXPORT_EVENT}</code> event; the plan's meter "
                "counts them.",
            )
        )
        body = f"""
<h1>Your workspace</h1>
<p id="offline-notice" class="notice" role="status" hidden>Billing is unreachable right now:
  showing your last known plan and usage; this page reconnects by itself.</p>
<p class="muted">Signed in as <strong id="customer-id">{html.escape(customer)}</strong>.</p>
<div class="grid">
{templates}
{exports}
  <section class="card" id="history">
    <h2>Version history</h2>
    <stigg-gate id="history-gate" feature-id="feature-version-history">
      <p id="history-content">Every revision of every document, restorable in one click.</p>
      <div slot="denied">
        <p>Version history is not included in your plan.</p>
        <stigg-upgrade-prompt id="history-upgrade" feature-id="feature-version-history">
        </stigg-upgrade-prompt>
      </div>
    </stigg-gate>
  </section>
  <section class="card" id="sso">
    <h2>Single sign-on</h2>
    <stigg-gate id="sso-gate" feature-id="feature-sso">
      <p>SAML single sign-on is configured for your workspace.</p>
      <stigg-upgrade-prompt slot="denied" id="sso-upgrade" feature-id="feature-sso">
      </stigg-upgrade-prompt>
    </stigg-gate>
  </section>
</div>
<section class="card" id="plans">
  <h2>Change plan</h2>
  <stigg-paywall id="app-paywall" product-id="{PRODUCT_ID}" billing-period="MONTHLY">
  </stigg-paywall>
  <p id="plans-status" class="status" role="status"></p>
</section>"""
        return _page(
            layout(
                request,
                "app",
                "App",
                body,
                script="app_page.py",
                config=backend.client_config(customer),
                widgets=True,
            )
        )

    async def portal(request: Request) -> Response:
        customer = require_customer(request)
        if isinstance(customer, Response):
            return customer
        body = f"""
<h1>Billing</h1>
<stigg-customer-portal id="portal" product-id="{PRODUCT_ID}" paywall-href="/app#plans">
</stigg-customer-portal>
<p id="portal-status" class="status" role="status"></p>"""
        return _page(
            layout(
                request,
                "portal",
                "Billing",
                body,
                script="portal.py",
                config=backend.client_config(customer),
                widgets=True,
            )
        )

    # ------------------------------------------------------------------ usage

    async def metered_action(
        request: Request, feature_id: str, report: Callable[[StiggServer, str], Awaitable[object]]
    ) -> Response:
        """A metered action: check the customer's quota of `feature_id`, then `report` one unit
        (usage or a raw event); 402 at the limit."""
        caller = api_caller(request)
        if isinstance(caller, Response):
            return caller
        customer_id, server = caller
        try:
            check = await server.get_metered_entitlement(customer_id, feature_id, requested_usage=1)
            if not check.has_access:
                return JSONResponse(
                    {
                        "error": "limit reached",
                        "usage": check.current_usage,
                        "limit": check.usage_limit,
                    },
                    status_code=402,
                    headers=NO_STORE,
                )
            await report(server, customer_id)
        except StiggError as failure:
            logger.warning("reporting %s of %s failed: %s", feature_id, customer_id, failure)
            return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
        usage = (check.current_usage or 0) + 1
        return JSONResponse({"usage": usage, "limit": check.usage_limit}, headers=NO_STORE)

    async def create_template(request: Request) -> Response:
        """Templates are metered by reported usage: one unit per template."""
        return await metered_action(
            request,
            TEMPLATES_FEATURE,
            lambda server, customer_id: server.report_usage(customer_id, TEMPLATES_FEATURE, 1),
        )

    async def export_pdf(request: Request) -> Response:
        """Exports are metered from raw events: the emulator's meter counts `export_created`."""
        return await metered_action(
            request,
            EXPORTS_FEATURE,
            lambda server, customer_id: server.report_event(
                {
                    "customer_id": customer_id,
                    "event_name": EXPORT_EVENT,
                    "idempotency_key": secrets.token_hex(12),
                    "dimensions": {"format": "pdf"},
                }
            ),
        )

    async def cancel_scheduled(request: Request) -> Response:
        """The portal's "cancel scheduled change", for one of the customer's own subscriptions."""
        caller = api_caller(request)
        if isinstance(caller, Response):
            return caller
        customer_id, server = caller
        subscription_id = (await _form(request)).get("subscription_id", "")
        try:
            owned = await server.get_active_subscriptions_list(customer_id)
            if subscription_id not in {s.subscription_id for s in owned}:
                return JSONResponse({"error": "no such subscription"}, status_code=404)
            await server.cancel_subscription_scheduled_updates(subscription_id)
        except StiggError as failure:
            return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
        return JSONResponse({"subscriptionId": subscription_id}, headers=NO_STORE)

    async def change_seats(request: Request) -> Response:
        """Seats of the customer's per-seat subscription: more now, fewer at the end of the
        billing period (a scheduled downgrade the portal lists and can cancel)."""
        caller = api_caller(request)
        if isinstance(caller, Response):
            return caller
        customer_id, server = caller
        try:
            seats = int((await _form(request)).get("seats", ""))
        except ValueError:
            return JSONResponse({"error": "seats must be a whole number"}, status_code=400)
        try:
            owned = await server.get_active_subscriptions_list(customer_id)
            per_seat = [
                full
                for slim in owned
                if (full := await server.get_subscription(slim.subscription_id)).unit_quantities
            ]
            if not per_seat:
                return JSONResponse({"error": "no per-seat subscription"}, status_code=404)
            subscription = per_seat[0]
            feature_id, current = next(iter(subscription.unit_quantities.items()))
            unit = next(p.price for p in subscription.prices if p.price and p.price.feature_id)
            low, high = unit.min_unit_quantity or 1, unit.max_unit_quantity or seats
            if not low <= seats <= high:
                return JSONResponse(
                    {"error": f"seats must be between {low:g} and {high:g}"}, status_code=400
                )
            later = seats < current
            await server.update_subscription(
                subscription.id,
                billable_features=[{"feature_id": feature_id, "quantity": seats}],
                schedule_strategy="END_OF_BILLING_PERIOD" if later else None,
            )
        except StiggError as failure:
            logger.warning("changing seats of %s failed: %s", customer_id, failure)
            return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
        return JSONResponse(
            {"subscriptionId": subscription.id, "seats": seats, "scheduled": later},
            headers=NO_STORE,
        )

    async def downgrade_plan(request: Request) -> Response:
        """The in-app paywall's downgrade: the lower plan from the end of the billing period (a
        scheduled update of the current subscription that the portal lists and can cancel)."""
        caller = api_caller(request)
        if isinstance(caller, Response):
            return caller
        customer_id, server = caller
        fields = await _form(request)
        plan_id = fields.get("plan_id", "")
        period = (fields.get("period") or "MONTHLY").upper()
        if period not in PERIODS:
            return JSONResponse({"error": "unknown billing period"}, status_code=400)
        try:
            paywall = await server.get_paywall(product_id=PRODUCT_ID)
            plan = next((p for p in paywall.plans if p.id == plan_id), None)
            if plan is None or _pricing_type(plan) == "CUSTOM":
                return JSONResponse({"error": "unknown plan"}, status_code=400)
            result = await server.provision_subscription(
                customer_id,
                plan_id,
                billing_period=period if _pricing_type(plan) == "PAID" else None,
                billable_features=_billable_features(plan, period, fields.get("seats")),
                skip_trial=True,
                schedule_strategy="END_OF_BILLING_PERIOD",
            )
        except StiggError as failure:
            logger.warning("downgrading %s to %s failed: %s", customer_id, plan_id, failure)
            return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
        subscription = result.subscription
        if result.checkout_url or subscription is None:
            return JSONResponse({"error": "this change needs a payment"}, status_code=409)
        return JSONResponse(
            {
                "subscriptionId": subscription.id,
                "planId": plan_id,
                "planName": plan.display_name,
                # Stigg keeps the current plan until the period ends when the change is scheduled.
                "scheduled": subscription.plan_id != plan_id,
            },
            headers=NO_STORE,
        )

    # ------------------------------------------------------------------ checkout

    async def checkout(request: Request) -> Response:
        """Subscribe to the chosen plan: hosted checkout when payment is due, else straight on."""
        customer = require_customer(request)
        if isinstance(customer, Response):
            return customer
        server = backend.server
        if server is None:
            return _unavailable("the demo backend has no server key")
        params = request.query_params
        plan_id = params.get("plan") or ""
        period = (params.get("period") or "MONTHLY").upper()
        intention = params.get("intention") or "UPGRADE_PLAN"
        if period not in PERIODS:
            return JSONResponse({"error": "unknown billing period"}, status_code=400)
        try:
            paywall = await server.get_paywall(product_id=PRODUCT_ID)
        except StiggError as failure:
            return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
        plan = next((p for p in paywall.plans if p.id == plan_id), None)
        if plan is None:
            return JSONResponse({"error": "unknown plan"}, status_code=400)
        if _pricing_type(plan) == "CUSTOM":
            return _page(layout(request, "contact", "Contact sales", _contact_body(plan)))
        origin = f"{request.url.scheme}://{request.url.netloc}"
        country = params.get("country")
        try:
            result = await server.provision_subscription(
                customer,
                plan_id,
                billing_period=period,
                billable_features=_billable_features(plan, period, params.get("seats")),
                addons=[{"addon_id": a} for a in params.getlist("addon") if _has_addon(plan, a)]
                or None,
                billing_country_code=country if country in COUNTRIES else None,
                skip_trial=intention in PAID_INTENTIONS,
                checkout_options={
                    "success_url": f"{origin}/checkout/success",
                    "cancel_url": f"{origin}/pricing",
                    "allow_promo_codes": True,
                },
            )
        except StiggError as failure:
            logger.warning("provisioning %s for %s failed: %s", plan_id, customer, failure)
            return JSONResponse({"error": str(failure)}, status_code=502, headers=NO_STORE)
        if result.checkout_url:
            return RedirectResponse(result.checkout_url, status_code=303)
        subscription_id = result.subscription.id if result.subscription else None
        query = urlencode({"subscriptionId": subscription_id or "", "checkoutCompleted": "true"})
        return RedirectResponse(f"/checkout/success?{query}", status_code=303)

    async def checkout_success(request: Request) -> Response:
        customer = require_customer(request)
        if isinstance(customer, Response):
            return customer
        body = f"""
<h1>Welcome aboard</h1>
<section class="card progress" id="checkout-progress" data-state="waiting" aria-live="polite">
  <progress id="checkout-bar" aria-label="Activating your subscription"></progress>
  <p id="checkout-message">Confirming your payment…</p>
</section>
<section class="card" id="checkout-plan">
  <h2>Your plan</h2>
  <p id="checkout-result" hidden>You are now on <strong id="new-plan"></strong>.</p>
  <p class="muted" id="checkout-live">What your plan includes right now; this updates by itself
    as soon as your new subscription is active.</p>
  <stigg-usage-meter id="success-meter" feature-id="{TEMPLATES_FEATURE}"></stigg-usage-meter>
  <stigg-gate id="success-history-gate" feature-id="feature-version-history">
    <p>Version history is unlocked.</p><p slot="denied">Version history is not included.</p>
  </stigg-gate>
  <p><a class="button" href="/app">Go to your workspace</a></p>
</section>"""
        return _page(
            layout(
                request,
                "checkout-success",
                "Checkout complete",
                body,
                script="checkout_success.py",
                config=backend.client_config(customer),
                widgets=True,
            )
        )

    return [
        Route("/signin", signin_page, methods=["GET", "HEAD"]),
        Route("/signin", signin, methods=["POST"]),
        Route("/signout", signout, methods=["POST"]),
        Route("/api/session", session, methods=["GET"]),
        Route("/api/templates", create_template, methods=["POST"]),
        Route("/api/exports", export_pdf, methods=["POST"]),
        Route("/api/scheduled-updates/cancel", cancel_scheduled, methods=["POST"]),
        Route("/api/subscription/seats", change_seats, methods=["POST"]),
        Route("/api/subscription/downgrade", downgrade_plan, methods=["POST"]),
        Route("/pricing", pricing, methods=["GET", "HEAD"]),
        Route("/app", app_page, methods=["GET", "HEAD"]),
        Route("/portal", portal, methods=["GET", "HEAD"]),
        Route("/checkout", checkout, methods=["GET"]),
        Route("/checkout/success", checkout_success, methods=["GET", "HEAD"]),
    ]


@dataclass(frozen=True)
class MeteredCard:
    """An app card for a metered action: meter, gated button, upgrade prompt at the limit."""

    prefix: str  # ids: {prefix}, {prefix}-meter, {prefix}-gate, {prefix}-upgrade
    title: str
    feature_id: str
    button: tuple[str, str]  # id, label
    status_id: str
    denied: str
    intro_html: str = ""


def _metered_card(card: MeteredCard) -> str:
    button_id, label = card.button
    intro = f'<p class="muted">{card.intro_html}</p>' if card.intro_html else ""
    return f"""  <section class="card" id="{card.prefix}">
    <h2>{html.escape(card.title)}</h2>{intro}
    <stigg-usage-meter id="{card.prefix}-meter" feature-id="{card.feature_id}"></stigg-usage-meter>
    <stigg-gate id="{card.prefix}-gate" feature-id="{card.feature_id}" requested-usage="1">
      <p><button type="button" id="{button_id}" disabled>{html.escape(label)}</button></p>
      <div slot="denied">
        <p>{html.escape(card.denied)}</p>
        <stigg-upgrade-prompt id="{card.prefix}-upgrade" feature-id="{card.feature_id}"
          requested-usage="1"></stigg-upgrade-prompt>
      </div>
    </stigg-gate>
    <p id="{card.status_id}" class="status" role="status"></p>
  </section>"""


def _pricing_type(plan: Plan) -> str:
    return str(getattr(plan.pricing_type, "value", plan.pricing_type) or "")


def _billable_features(plan: Plan, period: str, seats: str | None) -> list[dict[str, Any]] | None:
    """Quantities of a per-unit plan: the chosen seats within the price's bounds."""
    for point in plan.price_points:
        billed = str(getattr(point.billing_period, "value", point.billing_period) or "")
        if point.feature_id and billed == period:
            low = point.min_unit_quantity or 1
            high = point.max_unit_quantity or low
            try:
                quantity = float(seats) if seats else low
            except ValueError:
                quantity = low
            bounded = int(min(max(quantity, low), high))
            return [{"feature_id": point.feature_id, "quantity": bounded}]
    return None


def _has_addon(plan: Plan, addon_id: str) -> bool:
    return any(addon.id == addon_id for addon in plan.compatible_addons)


def _contact_body(plan: Plan) -> str:
    name = html.escape(plan.display_name or plan.id)
    return (
        f"<h1>{name}</h1><section class='card' id='contact-sales'><p>{name} is tailored to your "
        "organisation. Our sales team will get in touch within one business day.</p>"
        "<p><a class='button' href='/app'>Back to your workspace</a></p></section>"
    )
