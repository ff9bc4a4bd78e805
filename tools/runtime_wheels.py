"""Fetch the pinned browser wheels from PyPI into a local cache, verified by sha256.

Each wheel is pinned by exact file name, version and sha256 in `tools/browser-wheels.json`.
`pip` will not select the wasm `pydantic_core` wheel by platform tag, so every file is found by
name in PyPI's project-level JSON and its URL is resolved relative to that JSON's URL.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

PIN_FILE = Path(__file__).with_name("browser-wheels.json")
USER_AGENT = "stigg-client-browser-runtime/1"


@dataclass(frozen=True)
class WheelPin:
    """One wheel the browser runtime serves, as pinned in the pin file."""

    project: str
    version: str
    filename: str
    sha256: str


@dataclass(frozen=True)
class PinFile:
    """The parsed pin file: the index URL template and the pinned wheels."""

    index: str
    wheels: tuple[WheelPin, ...]


def load_pins(path: Path = PIN_FILE) -> PinFile:
    """Read and validate the pin file."""
    raw = json.loads(path.read_text())
    wheels = tuple(
        WheelPin(
            project=item["project"],
            version=item["version"],
            filename=item["filename"],
            sha256=item["sha256"].lower(),
        )
        for item in raw["wheels"]
    )
    for pin in wheels:
        if not pin.filename.endswith(".whl") or f"-{pin.version}-" not in pin.filename:
            raise ValueError(f"pin {pin.project}: {pin.filename} is not a {pin.version} wheel")
        if len(pin.sha256) != 64:
            raise ValueError(f"pin {pin.project}: sha256 must be 64 hex digits")
    return PinFile(index=str(raw["index"]), wheels=wheels)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _get(url: str, attempts: int = 3) -> bytes:
    """GET `url` with a few retries on transient errors."""
    last: Exception | None = None
    for attempt in range(attempts):
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return bytes(response.read())
        except OSError as error:
            last = error
            time.sleep(1.0 + attempt)
    raise RuntimeError(f"could not download {url}: {last}")


def file_url(index_url: str, project_json: dict[str, Any], pin: WheelPin) -> str:
    """Find `pin.filename` in a project JSON document and return its absolute URL."""
    candidates = list(project_json.get("releases", {}).get(pin.version, []))
    candidates += list(project_json.get("urls", []))
    for entry in candidates:
        if entry.get("filename") != pin.filename:
            continue
        listed = str(entry.get("digests", {}).get("sha256", "")).lower()
        if listed and listed != pin.sha256:
            raise RuntimeError(f"{pin.filename}: PyPI lists sha256 {listed}, pinned {pin.sha256}")
        return urljoin(index_url, str(entry["url"]))
    raise RuntimeError(f"{pin.filename} is not listed in {index_url}")


def ensure_wheel(pins: PinFile, pin: WheelPin, cache_dir: Path) -> Path:
    """Return the cached, verified wheel for `pin`, downloading it first if needed."""
    target = cache_dir / pin.filename
    if target.is_file() and sha256_of(target) == pin.sha256:
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    index_url = pins.index.format(project=pin.project)
    url = file_url(index_url, json.loads(_get(index_url)), pin)
    data = _get(url)
    actual = hashlib.sha256(data).hexdigest()
    if actual != pin.sha256:
        raise RuntimeError(f"{pin.filename}: downloaded sha256 {actual}, pinned {pin.sha256}")
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target
