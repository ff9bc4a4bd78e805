"""The demo site serves the local runtime with the right types, encodings and cache headers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from demo_site.process import SiteProcess
from demo_site.settings import REPO

PYODIDE_NPM = REPO / "node_modules" / "pyodide"
PINS = json.loads((REPO / "tools" / "browser-wheels.json").read_text())


@pytest.fixture(scope="module")
def http(runtime_site: SiteProcess) -> httpx.Client:
    return httpx.Client(base_url=runtime_site.base_url, timeout=30)


@pytest.fixture(scope="module")
def manifest(built_runtime: Path) -> dict[str, Any]:
    return dict(json.loads((built_runtime / "manifest.json").read_text()))


def runtime_url(manifest: dict[str, Any], key: str) -> str:
    return "/runtime/" + str(manifest[key])


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_wasm_prefers_brotli_and_is_immutable(http: httpx.Client, manifest: dict[str, Any]) -> None:
    wasm = runtime_url(manifest, "pyodide_mjs").replace("pyodide.mjs", "pyodide.asm.wasm")
    response = http.get(wasm, headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/wasm"
    assert response.headers["content-encoding"] == "br"
    assert "Accept-Encoding" in response.headers["vary"]
    assert "immutable" in response.headers["cache-control"]
    assert "max-age=31536000" in response.headers["cache-control"]
    original = (PYODIDE_NPM / "pyodide.asm.wasm").read_bytes()
    assert response.num_bytes_downloaded < len(original) * 0.5
    assert sha256(response.content) == sha256(original)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("identity", None), ("", None), ("*", "br")],
)
def test_encoding_negotiation(
    http: httpx.Client, manifest: dict[str, Any], accept: str, expected: str | None
) -> None:
    response = http.get(runtime_url(manifest, "pyodide_mjs"), headers={"Accept-Encoding": accept})
    assert response.headers.get("content-encoding") == expected
    assert response.content == (PYODIDE_NPM / "pyodide.mjs").read_bytes()


def test_content_types(http: httpx.Client, manifest: dict[str, Any]) -> None:
    base = runtime_url(manifest, "pyodide_mjs").rsplit("/", 1)[0]
    expected = {
        runtime_url(manifest, "pyodide_mjs"): "text/javascript",
        runtime_url(manifest, "pyscript_js"): "text/javascript",
        runtime_url(manifest, "pyscript_css"): "text/css",
        f"{base}/python_stdlib.zip": "application/zip",
        runtime_url(manifest, "sdk_wheel"): "application/zip",
        runtime_url(manifest, "pyodide_lock"): "application/json",
        "/browser/entitlement_demo.py": "text/x-python",
    }
    for path, media_type in expected.items():
        response = http.head(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].split(";")[0] == media_type, path


def test_lock_revalidates_with_etag(http: httpx.Client, manifest: dict[str, Any]) -> None:
    lock = runtime_url(manifest, "pyodide_lock")
    first = http.get(lock)
    assert first.headers["cache-control"] == "no-cache"
    again = http.get(lock, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_lock_lists_exactly_the_served_wheels(http: httpx.Client, manifest: dict[str, Any]) -> None:
    lock_url = runtime_url(manifest, "pyodide_lock")
    lock = http.get(lock_url).json()
    assert lock["info"] == json.loads((PYODIDE_NPM / "pyodide-lock.json").read_text())["info"]
    pinned = {pin["filename"]: pin["sha256"] for pin in PINS["wheels"]}
    served_names = {entry["file_name"].rsplit("/", 1)[-1] for entry in lock["packages"].values()}
    assert set(pinned) <= served_names
    assert len(served_names) == len(pinned) + 1  # the pinned wheels plus our SDK wheel
    for key, entry in lock["packages"].items():
        body = http.get(urljoin(lock_url, entry["file_name"])).content
        assert sha256(body) == entry["sha256"], key
        assert entry["install_dir"] == "site"
        for dep in entry["depends"]:
            assert dep in lock["packages"], (key, dep)
    assert lock["packages"]["pydantic"]["depends"] == [
        "annotated-types",
        "pydantic-core",
        "typing-extensions",
        "typing-inspection",
    ]
    sdk_depends = lock["packages"]["stigg-client"]["depends"]
    assert "pydantic" in sdk_depends
    assert "httpx" not in sdk_depends  # its marker excludes emscripten
    assert "stigg_client" in lock["packages"]["stigg-client"]["imports"]


def test_sdk_wheel_url_carries_its_content_hash(
    http: httpx.Client, manifest: dict[str, Any]
) -> None:
    url = runtime_url(manifest, "sdk_wheel")
    response = http.get(url)
    digest = sha256(response.content)
    assert url.split("/")[-2] == digest[:16]
    assert digest == manifest["sdk_sha256"]
    assert "immutable" in response.headers["cache-control"]


def test_page_is_isolated_uncached_and_local(http: httpx.Client) -> None:
    response = http.get("/")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert response.headers["cross-origin-embedder-policy"] == "require-corp"
    assert "cdn" not in response.text.lower()
    assert "&quot;packages_cache&quot;: &quot;passthrough&quot;" in response.text
    again = http.get("/", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/runtime/%2e%2e/%2e%2e/pyproject.toml",
        "/runtime/pyodide/..%2F..%2F..%2Fpyproject.toml",
        "/runtime/manifest.json.br",
        "/runtime/no-such-file.js",
        "/browser/__init__.py",
    ],
)
def test_nothing_outside_the_runtime_is_served(http: httpx.Client, path: str) -> None:
    assert http.get(path).status_code == 404
