"""Serve files with the right type, precompressed variants and cache headers.

`/runtime/...` paths carry a version or a content hash in a folder name, so those files are
immutable; only the lock (it names the current SDK wheel) and the manifest are revalidated.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
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
# Small text files without stored variants (site and widget assets, page scripts) are gzipped
# once per file version in memory; `make runtime` precompresses the big ones with brotli.
TEXT_SUFFIXES = frozenset({".mjs", ".js", ".json", ".css", ".py", ".html", ".svg", ".txt"})
MIN_COMPRESS = 512
MAX_COMPRESS = 1 << 20


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


@lru_cache(maxsize=256)
def _gzipped(path: Path, mtime_ns: int, size: int) -> bytes | None:
    """`path` gzipped, or None when that saves nothing (cached per file version)."""
    data = path.read_bytes()
    packed = gzip.compress(data, compresslevel=9, mtime=0)
    return packed if len(packed) < len(data) else None


def compressed_on_the_fly(path: Path, header: str) -> tuple[bytes, str] | None:
    """A gzipped body for a small text file without stored variants, if worthwhile."""
    stat = path.stat()
    if path.suffix not in TEXT_SUFFIXES or not MIN_COMPRESS <= stat.st_size <= MAX_COMPRESS:
        return None
    accepted = accepted_encodings(header)
    if "gzip" not in accepted and "*" not in accepted:
        return None
    packed = _gzipped(path, stat.st_mtime_ns, stat.st_size)
    return None if packed is None else (packed, "gzip")


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
    header = request.headers.get("accept-encoding", "")
    stored, encoding = choose_variant(path, header)
    body: bytes | None = None
    if encoding is None:
        on_the_fly = compressed_on_the_fly(path, header)
        if on_the_fly is not None:
            body, encoding = on_the_fly
    etag = etag_for(stored, encoding)
    headers = {"Cache-Control": cache_control, "ETag": etag, "Vary": "Accept-Encoding"}
    if encoding:
        headers["Content-Encoding"] = encoding
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    if body is not None:
        return Response(body, media_type=media_type, headers=headers)
    return FileResponse(stored, media_type=media_type, headers=headers, stat_result=stored.stat())


@lru_cache(maxsize=256)
def _digest(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def content_version(path: Path) -> str:
    """A short hash of the file's content, for `?v=` URLs that can be cached for good."""
    stat = path.stat()
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def versioned_url(url: str, path: Path) -> str:
    """`url?v=<content hash of path>`: served `immutable` while the content stays the same."""
    return f"{url}?v={content_version(path)}"


def serve_from(root: Path, request: Request, relative: str, *, immutable: bool) -> Response:
    """Serve `relative` under `root`; 404 for anything outside or hidden. A request carrying the
    file's current `?v=` content hash gets an `immutable` answer (a page links it that way)."""
    path = safe_file(root, relative)
    if path is None:
        return PlainTextResponse("not found", status_code=404)
    immutable = immutable or request.query_params.get("v") == content_version(path)
    cache = IMMUTABLE if immutable and path.name not in MUTABLE_NAMES else REVALIDATE
    return file_response(request, path, cache)
