"""Ids carried in a URL path segment, read from the raw (still percent-encoded) path.

ASGI servers put the decoded path in `scope["path"]`, where an id holding an encoded `/` (`%2F`)
can no longer be told from a segment boundary. Edge routes therefore match with a `path`
convertor and take the id from `scope["raw_path"]`, split on real slashes and decoded per segment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote


def raw_path_of(scope: Mapping[str, Any]) -> str:
    """The request path as sent (percent-encoded, without the query string)."""
    raw = scope.get("raw_path")
    if raw:
        return bytes(raw).decode("latin-1").split("?", 1)[0]
    return quote(str(scope["path"]), safe="/")


def path_segment(scope: Mapping[str, Any], index: int) -> str:
    """The decoded path segment at `index` (0 is the part before the first `/`, i.e. empty)."""
    segments = raw_path_of(scope).split("/")
    return unquote(segments[index]) if index < len(segments) else ""
