"""What a browser can get from the demo site: never the server key nor the token signing secret
(crawled: every page, signed in or not, each JSON endpoint, each served asset and runtime file,
and every answer a real Chromium receives on the journey pages), and a hostile sign-up name is
rendered as text, never as markup."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Response, expect
from starlette.routing import Route

from demo_site import app as site_app
from demo_site.launcher import SERVER_KEY as DEMO_SERVER_KEY
from demo_site.process import SiteProcess, ensure_runtime
from demo_site.settings import DEFAULT_RUNTIME, SiteSettings
from tests.e2e.conftest import DEMO_CATALOG, PYODIDE_START_TIMEOUT_MS
from tests.support.emulators import new_emulator
from tests.support.processes import EmulatorProcess

# As `make demo` runs it: the launcher's server key, a fresh random signing secret.
SIGNING_SECRET = secrets.token_hex(16)
SECRETS = {"server key": DEMO_SERVER_KEY, "signing secret": SIGNING_SECRET}
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">"><script>window.__pwned=2</script>&amp;'
MAX_URLS = 400
ARCHIVES = (".whl", ".zip", ".tar")


@dataclass
class Demo:
    emulator: EmulatorProcess
    site: SiteProcess

    @property
    def origin(self) -> str:
        return self.site.base_url


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo site with its backend, configured as the launcher does, on its own emulator."""
    ensure_runtime()
    tmp = tmp_path_factory.mktemp("exposure")
    emulator = new_emulator(
        tmp, catalog=DEMO_CATALOG, server_key=DEMO_SERVER_KEY, signing_secret=SIGNING_SECRET
    ).start()
    site = SiteProcess(
        emulator_url=emulator.base_url,
        edge_url=emulator.edge_url,
        client_key=emulator.client_key,
        server_key=DEMO_SERVER_KEY,
        signing_secret=SIGNING_SECRET,
        log_path=tmp / "site.log",
    )
    try:
        site.start()
        yield Demo(emulator, site)
    finally:
        site.stop()
        emulator.stop()


class Links(HTMLParser):
    """The URLs a page makes a browser fetch or offer: href, src, and PyScript's interpreter."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.found.append(str(values[name]))
        if (
            tag == "form"
            and (values.get("method") or "get").lower() == "get"
            and values.get("action")
        ):
            self.found.append(str(values["action"]))
        if tag == "script" and values.get("config"):
            config = json.loads(str(values["config"]))
            self.found += [str(config[key]) for key in ("interpreter",) if key in config]
            self.found += [str(path) for path in (config.get("files") or {})]


def texts_of(body: bytes, url: str) -> Iterator[bytes]:
    """The body, and each member of an archive (wheels, the stdlib zip) uncompressed."""
    yield body
    if urlsplit(url).path.endswith(ARCHIVES) and zipfile.is_zipfile(io.BytesIO(body)):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for member in archive.namelist():
                yield archive.read(member)


def leaks(body: bytes, url: str) -> list[str]:
    """`"{secret name} in {url}"` for each secret found in the body (or its archive members)."""
    return [
        f"{name} in {url}"
        for name, value in SECRETS.items()
        if any(value.encode() in text for text in texts_of(body, url))
    ]


def answer_leaks(answer: httpx.Response, label: str) -> list[str]:
    """What leaked from one answer: its body (archives opened) and its headers."""
    return leaks(answer.content, label) + [
        f"{name} in a header of {label}"
        for name, value in SECRETS.items()
        if any(value in header for header in answer.headers.values())
    ]


def site_routes(demo: Demo) -> list[Route]:
    """The demo app's routes, built from the same settings as the running site."""
    settings = SiteSettings(
        emulator_url=demo.emulator.base_url,
        edge_url=demo.emulator.edge_url,
        client_key=demo.emulator.client_key,
        server_key=DEMO_SERVER_KEY,
        signing_secret=SIGNING_SECRET,
    )
    return [route for route in site_app.create_app(settings).routes if isinstance(route, Route)]


def served_files() -> list[str]:
    """Every file the asset routes serve (the browser runtime's compressed twins aside)."""
    folders = {
        "/runtime/": DEFAULT_RUNTIME,
        "/browser/": site_app.BROWSER_SCRIPTS,
        "/static/": site_app.WIDGET_ASSETS,
        "/assets/": site_app.SITE_ASSETS,
    }
    paths: list[str] = []
    for prefix, folder in folders.items():
        for path in sorted(folder.rglob("*")):
            if (
                path.is_file()
                and path.suffix not in (".br", ".gz")
                and "__pycache__" not in path.parts
            ):
                paths.append(prefix + path.relative_to(folder).as_posix())
    return paths


def sign_up(demo: Demo, name: str) -> httpx.Client:
    """A client with a new customer's session (signed up through the sign-in form)."""
    client = httpx.Client(base_url=demo.origin, timeout=60)
    answer = client.post(
        "/signin",
        data={"name": name, "email": f"x-{secrets.token_hex(3)}@example.com", "next": "/portal"},
        headers={"Origin": demo.origin},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/portal", answer.text
    return client


def crawl(client: httpx.Client, demo: Demo, seeds: list[str]) -> dict[str, list[str]]:
    """GET every seed and every link found on the way (site and emulator origins, bounded);
    returns each fetched URL with what leaked from it."""
    allowed = {demo.origin, demo.emulator.base_url, demo.emulator.edge_url}
    queue = deque(urljoin(demo.origin + "/", seed) for seed in seeds)
    fetched: dict[str, list[str]] = {}
    while queue and len(fetched) < MAX_URLS:
        url = urldefrag(queue.popleft()).url
        parts = urlsplit(url)
        if url in fetched or f"{parts.scheme}://{parts.netloc}" not in allowed:
            continue
        answer = client.get(url)
        fetched[url] = answer_leaks(answer, url)
        if answer.is_redirect:
            queue.append(urljoin(url, answer.headers["location"]))
        elif answer.headers.get("content-type", "").startswith("text/html"):
            links = Links()
            links.feed(answer.text)
            queue.extend(urljoin(url, link) for link in links.found)
    assert len(fetched) < MAX_URLS, "crawl bound reached: raise MAX_URLS"
    return fetched


def test_no_server_key_or_signing_secret_reaches_the_browser(demo: Demo) -> None:
    routes = site_routes(demo)
    pages = [r.path for r in routes if "GET" in (r.methods or ()) and "{" not in r.path]
    posts = [r.path for r in routes if "POST" in (r.methods or ())]
    assert {"/", "/pricing", "/app", "/portal", "/signin", "/api/session"} <= set(pages)
    assert {"/api/templates", "/api/subscription/seats", "/signin"} <= set(posts)

    clients = ExitStack()
    anonymous = clients.enter_context(httpx.Client(base_url=demo.origin, timeout=60))
    signed_in = clients.enter_context(closing(sign_up(demo, "Crawler")))
    poster = clients.enter_context(closing(sign_up(demo, "Poster")))  # the one that signs out
    fetched = crawl(anonymous, demo, pages + served_files())
    signed_in_pages = crawl(
        signed_in,
        demo,
        [
            *pages,
            "/pricing?country=DE",
            "/checkout?plan=plan-pro",
            "/checkout?plan=plan-pro&hosted=1",
        ],
    )
    assert any(url.endswith(".whl") for url in fetched)  # the SDK wheel, opened
    assert any(url.startswith(demo.emulator.base_url + "/checkout/") for url in signed_in_pages)
    found = [
        leak
        for crawled in (fetched, signed_in_pages)
        for leaked in crawled.values()
        for leak in leaked
    ]
    # Every endpoint a page can POST to, with the forms a browser could send (good or bad).
    bodies = [{}, {"seats": "2", "plan_id": "plan-free", "subscription_id": "x"}, {"seats": "x"}]
    for path in posts:
        for client in (anonymous, poster if path == "/signout" else signed_in):
            for body in bodies:
                answer = client.post(path, data=body, headers={"Origin": demo.origin})
                assert answer.status_code < 500 or answer.status_code in (502, 503), answer.text
                found += answer_leaks(answer, f"POST {path}")
    clients.close()
    assert found == [], found
    assert len(fetched) + len(signed_in_pages) > 100


@pytest.mark.browser
def test_hostile_sign_up_name_renders_as_text_and_no_secret_reaches_chromium(
    demo: Demo, browser: Browser
) -> None:
    with closing(sign_up(demo, HOSTILE_NAME)) as client:
        session = client.cookies["inkwell_session"]
    signin_page = httpx.get(f"{demo.origin}/signin", params={"error": HOSTILE_NAME}).text
    assert "<script>window.__pwned" not in signin_page and "&lt;script&gt;" in signin_page

    context = browser.new_context()
    context.add_cookies([{"name": "inkwell_session", "value": session, "url": demo.origin}])
    page = context.new_page()
    page.set_default_timeout(PYODIDE_START_TIMEOUT_MS)
    errors: list[str] = []
    leaked: list[str] = []

    def inspect(response: Response) -> None:
        try:
            body = response.body()
        except Exception:  # redirects and event streams have no body to read
            return
        leaked.extend(leaks(body, response.url))

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", inspect)
    try:
        for path in ("/portal", "/app", "/pricing"):
            page.goto(demo.origin + path)
            page.wait_for_function(
                "[...document.querySelectorAll('main [id]')]"
                ".filter(e => e.localName.startsWith('stigg-'))"
                ".every(e => e.dataset.state && e.dataset.state !== 'loading')"
            )
            if path == "/portal":
                portal = page.locator("#portal")
                expect(portal).to_have_attribute("data-state", "ready")
                billed = portal.locator("text=Billed to")
                expect(billed).to_have_text(f"Billed to {HOSTILE_NAME}")
                assert portal.locator("img[src=x], script").count() == 0
            assert page.evaluate("window.__pwned") is None
        assert errors == []
        assert leaked == []
    finally:
        context.close()
