"""Sign-in: create an account (on Free) or continue as a seeded demo customer; sign-out; the
session endpoint the browser reads its customer and token from."""

from __future__ import annotations

import html
import logging
import secrets
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from demo_site.handlers.site import NO_STORE, Site, read_form, safe_next, same_origin, unavailable
from demo_site.pages import render_template
from demo_site.session import COOKIE, CUSTOMER_ID
from demo_site.settings import DEMO_CUSTOMERS, FREE_PLAN
from stigg_client import NotFoundError, StiggError

logger = logging.getLogger("demo_site")


async def signin_page(site: Site, request: Request) -> Response:
    """The sign-in page: a sign-up form and one button per demo customer the backend can read."""
    next_path = safe_next(request.query_params.get("next"))
    error = request.query_params.get("error")
    server = site.backend.server
    items = []
    for customer_id in DEMO_CUSTOMERS:
        name = email = ""
        if server is not None:
            try:
                customer = await server.get_customer(customer_id)
            except StiggError as failure:
                logger.warning("demo customer %s unavailable: %s", customer_id, failure)
                continue
            name, email = customer.name or customer_id, customer.email or ""
        items.append(
            render_template(
                "signin_customer.html",
                name=html.escape(name or customer_id),
                email=html.escape(email),
                customer_id=html.escape(customer_id),
                next_path=html.escape(next_path),
            )
        )
    notice = ""
    if error:
        notice = f'<p class="status" data-state="error" role="alert">{html.escape(error)}</p>'
    body = render_template(
        "signin.html",
        notice=notice,
        next_path=html.escape(next_path),
        customers="".join(items) or "<li>No demo customers found.</li>",
    )
    return site.page(request, "signin", "Sign in", body)


async def signin(site: Site, request: Request) -> Response:
    """Sign in as a demo customer, or provision a new one on Free; then go to `next`."""
    if not same_origin(request):
        return JSONResponse({"error": "cross-site request"}, status_code=403)
    server = site.backend.server
    if server is None:
        return unavailable("the demo backend has no server key")
    form = await read_form(request)
    next_path = safe_next(form.get("next"))
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
        COOKIE, site.backend.signer.dumps(customer_id), httponly=True, samesite="lax", path="/"
    )
    return response


async def signout(site: Site, request: Request) -> Response:
    """Drop the session cookie and go back to the pricing page."""
    if not same_origin(request):
        return JSONResponse({"error": "cross-site request"}, status_code=403)
    response = RedirectResponse("/pricing", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


async def session(site: Site, request: Request) -> Response:
    """The signed-in customer and its token (401 when nobody is signed in)."""
    customer_id = site.backend.customer_of(request)
    if customer_id is None:
        return JSONResponse({"customerId": None}, status_code=401, headers=NO_STORE)
    token = site.backend.token_for(customer_id)
    return JSONResponse({"customerId": customer_id, "customerToken": token}, headers=NO_STORE)


def routes(site: Site) -> list[Route]:
    """Sign-in, sign-out and the session endpoint."""
    return [
        Route("/signin", site.endpoint(signin_page), methods=["GET", "HEAD"]),
        Route("/signin", site.endpoint(signin), methods=["POST"]),
        Route("/signout", site.endpoint(signout), methods=["POST"]),
        Route("/api/session", site.endpoint(session), methods=["GET"]),
    ]
