"""Serve files with the right type, precompressed variants and cache headers.

`/runtime/...` paths carry a version or a content hash in a folder name, so those files are
immutable; only the lock (it names the current SDK wheel) and the manifest are revalidated.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

CONTENT_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".py": "text/x-python; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}
# Preferred first: brotli is smaller, gzip is the fallback every client has.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
MUTABLE_NAMES = frozenset({"pyodide-lock.json", "manifest.json"})
HIDDEN_SUFFIXES = (".br", ".gz", ".skip", ".part")


def accepted_encodings(header: str) -> set[str]:
    """Codings an `Accept-Encoding` header allows (q > 0), lower-cased."""
    accepted: set[str] = set()
    for item in header.split(","):
        coding, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding and quality > 0:
            accepted.add(coding.strip().lower())
    return accepted


def choose_variant(path: Path, header: str) -> tuple[Path, str | None]:
    """The stored file to send for `path` and its Content-Encoding (None for identity)."""
    accepted = accepted_encodings(header)
    for coding, suffix in ENCODINGS:
        variant = path.with_name(path.name + suffix)
        if (coding in accepted or "*" in accepted) and variant.is_file():
            return variant, coding
    return path, None


def safe_file(root: Path, relative: str) -> Path | None:
    """`root/relative` if it is a servable file inside `root`, else None."""
    if not relative or relative.endswith(HIDDEN_SUFFIXES):
        return None
    if any(part.startswith(".") for part in relative.split("/")):
        return None
    base = root.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate


def etag_for(path: Path, encoding: str | None) -> str:
    """A strong validator from the stored file's identity and its encoding."""
    stat = path.stat()
    token = f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}:{encoding}".encode()
    return '"' + hashlib.sha256(token).hexdigest()[:24] + '"'


def file_response(request: Request, path: Path, cache_control: str) -> Response:
    """Send `path` (or its best precompressed variant) with type, encoding and cache headers."""
    media_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    stored, encoding = choose_variant(path, request.headers.get("accept-encoding", ""))
    etag = etag_for(stored, encoding)
    headers = {"Cache-Control": cache_control, "ETag": etag, "Vary": "Accept-Encoding"}
    if encoding:
        headers["Content-Encoding"] = encoding
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return FileResponse(stored, media_type=media_type, headers=headers, stat_result=stored.stat())


def serve_from(root: Path, request: Request, relative: str, *, immutable: bool) -> Response:
    """Serve `relative` under `root`; 404 for anything outside or hidden."""
    path = safe_file(root, relative)
    if path is None:
        return PlainTextResponse("not found", status_code=404)
    cache = IMMUTABLE if immutable and path.name not in MUTABLE_NAMES else REVALIDATE
    return file_response(request, path, cache)
