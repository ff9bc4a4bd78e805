"""Refuse oversized request heads with HTTP 431 before the app sees the request.

uvicorn's httptools protocol keeps every header a client sends, however large. This subclass
counts the request line and header fields while they are parsed and, as soon as the head passes
`MAX_HEAD_BYTES` (or one field passes `MAX_FIELD_BYTES`), answers 431 with a Stigg-style JSON error
and closes the connection: no ASGI request is started, so no route, authentication or database
work happens. Bytes of a head that is still incomplete are counted as they arrive, so a client
cannot grow the buffer without bound by never finishing one enormous header. Both counts are
lower bounds of the head's real size, so a head within the limits is never refused.
Both ports (GraphQL and edge) and WebSocket upgrades go through it.
"""

from __future__ import annotations

import json

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 16 * 1024  # request line + all header fields, as Node.js's default
MAX_FIELD_BYTES = 8 * 1024  # one header field (name + value)
TOO_LARGE_BODY = json.dumps(
    {
        "errors": [
            {
                "message": "Request header fields too large",
                "extensions": {"code": "BadUserInput"},
            }
        ]
    }
).encode()
TOO_LARGE_RESPONSE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    b"content-type: application/json\r\n"
    b"content-length: " + str(len(TOO_LARGE_BODY)).encode() + b"\r\n"
    b"connection: close\r\n\r\n" + TOO_LARGE_BODY
)


class BoundedHeadProtocol(HttpToolsProtocol):
    """uvicorn's httptools HTTP/1.1 protocol with a bound on the request head's size."""

    _head_bytes = 0  # complete fields and request target of the current head
    _raw_bytes = 0  # chunks that arrived wholly inside the current head
    _in_head = False
    _in_body = False
    _too_large = False

    def data_received(self, data: bytes) -> None:
        """Feed the parser (as uvicorn does); answer 431 once the head being read is too large."""
        if self._too_large:
            return
        self._unset_keepalive_if_required()
        whole_chunk_is_head = not self._in_body  # it starts in a head or between requests
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            if self._too_large:
                self._refuse()
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        if whole_chunk_is_head and self._in_head:  # every byte of it belongs to the head
            self._raw_bytes += len(data)
            if self._raw_bytes > MAX_HEAD_BYTES:
                self._too_large = True
                self._refuse()

    def on_message_begin(self) -> None:
        """A new request: its head starts empty."""
        super().on_message_begin()
        self._head_bytes = self._raw_bytes = 0
        self._in_head = True

    def on_url(self, url: bytes) -> None:
        """Count the request target."""
        self._count(len(url), 0)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        """Count one complete header field (and its separators)."""
        self._count(len(name) + len(value) + 4, len(name) + len(value))
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        """The head is complete and within bounds: hand the request to the app."""
        self._in_head = False
        self._in_body = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        """The request's body has been read: the next bytes start a new request."""
        self._in_body = False
        super().on_message_complete()

    def _count(self, size: int, field: int) -> None:
        self._head_bytes += size
        if self._head_bytes > MAX_HEAD_BYTES or field > MAX_FIELD_BYTES:
            self._too_large = True
            raise ValueError("request head too large")  # aborts parsing: see data_received

    def _refuse(self) -> None:
        self._in_head = False
        if not self.transport.is_closing():
            self.transport.write(TOO_LARGE_RESPONSE)
            self.transport.close()
