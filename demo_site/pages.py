"""Render the demo pages: one shared layout; PyScript config and emulator settings injected here."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

import widgets
from demo_site.assets import versioned_url
from demo_site.settings import SiteSettings

TEMPLATES = Path(__file__).with_name("templates")
SITE_STATIC = Path(__file__).with_name("static")
BROWSER_SCRIPTS = Path(__file__).with_name("browser")
WIDGET_STATIC = Path(widgets.__file__).with_name("static")
MAIN_NAV = (("/pricing", "Pricing"), ("/app", "App"), ("/portal", "Billing"))
RUNTIME_NAV = (("/", "Entitlement check"), ("/worker", "Worker"), ("/runtime-check", "Runtime"))
RUNTIME_CHECK_PACKAGES = ["pydantic"]


@dataclass(frozen=True)
class PageSpec:
    """One runtime demo page: its Python script, whether it runs in a worker, what it installs."""

    title: str
    description: str
    script: str
    worker: bool
    packages_key: str | None


PAGES: dict[str, PageSpec] = {
    "/": PageSpec(
        title="Entitlement check (main thread)",
        description="Python in the page imports stigg_client, loads the customer's entitlements "
        "from the local emulator and shows whether it has access to the feature.",
        script="entitlement_demo.py",
        worker=False,
        packages_key="main_packages",
    ),
    "/worker": PageSpec(
        title="Entitlement check (PyScript worker)",
        description="The same check from a PyScript worker, which reaches the page's DOM "
        "through the cross-origin-isolated page (COOP/COEP).",
        script="entitlement_demo.py",
        worker=True,
        packages_key="worker_packages",
    ),
    "/runtime-check": PageSpec(
        title="Runtime check",
        description="Loads pydantic and its wasm core from the local runtime, nothing else.",
        script="runtime_check.py",
        worker=False,
        packages_key=None,
    ),
}


@dataclass(frozen=True)
class Layout:
    """What one page puts into the shared layout."""

    page_id: str
    path: str
    title: str
    body: str
    script: str | None = None
    worker: bool = False
    packages_key: str | None = "main_packages"
    config: dict[str, Any] = field(default_factory=dict)
    widgets: bool = False
    customer_id: str | None = None
    lang: str = "en"


def json_for_script(value: Any) -> str:
    """JSON safe to embed in a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def load_manifest(runtime_dir: Path) -> dict[str, Any]:
    """The manifest `tools/browser_runtime.py` wrote (read per request: rebuilds apply at once)."""
    path = runtime_dir / "manifest.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make runtime` first")
    manifest: dict[str, Any] = json.loads(path.read_text())
    return manifest


def pyscript_config(manifest: dict[str, Any], packages_key: str | None) -> dict[str, Any]:
    """PyScript config: our local Pyodide, packages by name from our lock, no micropip."""
    packages = manifest[packages_key] if packages_key else RUNTIME_CHECK_PACKAGES
    return {
        "interpreter": "/runtime/" + manifest["pyodide_mjs"],
        "packages": list(packages),
        "packages_cache": "passthrough",
    }


def stigg_config(settings: SiteSettings) -> dict[str, Any]:
    """What a page's Python needs to reach the emulator (never the server key)."""
    return {
        "api_key": settings.client_key,
        "base_uri": settings.emulator_url,
        "edge_uri": settings.edge_url,
    }


def _links(items: tuple[tuple[str, str], ...], current: str) -> str:
    out = []
    for href, label in items:
        here = ' aria-current="page"' if href == current else ""
        out.append(f'<a href="{href}"{here}>{html.escape(label)}</a>')
    return "".join(out)


def _account(customer_id: str | None) -> str:
    if customer_id is None:
        return '<a class="button" id="sign-in-link" href="/signin">Sign in</a>'
    return (
        f'<span id="signed-in-as">{html.escape(customer_id)}</span>'
        '<form method="post" action="/signout"><button class="secondary" type="submit">'
        "Sign out</button></form>"
    )


def render_layout(settings: SiteSettings, page: Layout) -> str:
    """A whole page: shared header, nav and footer around `page.body`, plus its Python."""
    head: list[str] = []
    scripts: list[str] = []
    tail: list[str] = []
    if page.widgets:
        shim = versioned_url("/static/stigg-elements.js", WIDGET_STATIC / "stigg-elements.js")
        head.append(f'  <script type="module" src="{shim}"></script>')
        # Whose rendered-markup snapshots the shim may paint before Python starts (none: the
        # anonymous visitor's), so a signed-in page repaints its own customer's last widgets.
        customer = html.escape(page.customer_id or "", quote=True)
        head.append(f'  <meta name="stigg-customer-id" content="{customer}">')
    if page.script is not None:
        manifest = load_manifest(settings.runtime_dir)
        config = pyscript_config(manifest, page.packages_key)
        # PyScript's stylesheet styles only its own widgets: linked at the end of the body, it
        # does not hold back the first paint as a stylesheet in the head would.
        tail.append(f'  <link rel="stylesheet" href="/runtime/{manifest["pyscript_css"]}">')
        head.append(f'  <script type="module" src="/runtime/{manifest["pyscript_js"]}"></script>')
        stigg = {**stigg_config(settings), **page.config}
        scripts.append(
            f'  <script type="application/json" id="stigg-config">{json_for_script(stigg)}</script>'
        )
        worker = " worker" if page.worker else ""
        script_url = versioned_url(f"/browser/{page.script}", BROWSER_SCRIPTS / page.script)
        scripts.append(
            f'  <script type="py"{worker} src="{script_url}" '
            f"config='{html.escape(json.dumps(config), quote=True)}'></script>"
        )
    template = Template((TEMPLATES / "layout.html").read_text())
    return template.substitute(
        lang=html.escape(page.lang),
        title=html.escape(page.title),
        head="\n".join(head),
        page_id=html.escape(page.page_id),
        nav=_links(MAIN_NAV, page.path),
        runtime_nav=_links(RUNTIME_NAV, page.path),
        account=_account(page.customer_id),
        body=page.body,
        scripts="\n".join(scripts + tail),
        site_css=versioned_url("/assets/demo.css", SITE_STATIC / "demo.css"),
    )


def render_template(template: str, /, **values: str) -> str:
    """`templates/<template>` (less the file's final newline) with `$values` substituted as they
    are: escape them first."""
    text = (TEMPLATES / template).read_text().removesuffix("\n")
    return Template(text).substitute(values)


def render_page(path: str, settings: SiteSettings, customer_token: str | None = None) -> str:
    """The HTML of the runtime demo page at `path` (`customer_token` for the default customer)."""
    spec = PAGES[path]
    body = (
        f"<h1>{html.escape(spec.title)}</h1>\n<p>{html.escape(spec.description)}</p>\n"
        '<p id="answer" class="answer" data-state="loading">Starting Python…</p>'
    )
    config = {"customer_id": settings.customer_id, "feature_id": settings.feature_id}
    if customer_token is not None:
        config["customer_token"] = customer_token
    return render_layout(
        settings,
        Layout(
            page_id=spec.script.removesuffix(".py"),
            path=path,
            title=spec.title,
            body=body,
            script=spec.script,
            worker=spec.worker,
            packages_key=spec.packages_key,
            config=config,
        ),
    )
