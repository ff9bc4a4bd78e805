"""Render the demo pages: PyScript config and the emulator settings are injected here."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

from demo_site.settings import SiteSettings

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class PageSpec:
    """One demo page: its Python script, whether it runs in a worker, and what it installs."""

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
        script="worker_demo.py",
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
RUNTIME_CHECK_PACKAGES = ["pydantic"]


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


def pyscript_config(manifest: dict[str, Any], spec: PageSpec) -> dict[str, Any]:
    """PyScript config: our local Pyodide, packages by name from our lock, no micropip."""
    packages = manifest[spec.packages_key] if spec.packages_key else RUNTIME_CHECK_PACKAGES
    return {
        "interpreter": "/runtime/" + manifest["pyodide_mjs"],
        "packages": list(packages),
        "packages_cache": "passthrough",
    }


def stigg_config(settings: SiteSettings) -> dict[str, Any]:
    """What the page's Python needs to reach the emulator."""
    return {
        "api_key": settings.client_key,
        "base_uri": settings.emulator_url,
        "edge_uri": settings.edge_url,
        "customer_id": settings.customer_id,
        "feature_id": settings.feature_id,
    }


def render_page(path: str, settings: SiteSettings) -> str:
    """The HTML of the demo page at `path`."""
    spec = PAGES[path]
    manifest = load_manifest(settings.runtime_dir)
    template = Template((TEMPLATES / "entitlement.html").read_text())
    return template.substitute(
        title=html.escape(spec.title),
        description=html.escape(spec.description),
        pyscript_css="/runtime/" + manifest["pyscript_css"],
        pyscript_js="/runtime/" + manifest["pyscript_js"],
        stigg_config=json_for_script(stigg_config(settings)),
        worker_attr="worker" if spec.worker else "",
        script_src="/browser/" + spec.script,
        pyscript_config=html.escape(json.dumps(pyscript_config(manifest, spec)), quote=True),
    )
