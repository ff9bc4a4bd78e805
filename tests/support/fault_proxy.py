"""A controllable asyncio TCP/HTTP proxy for fault-injection tests, on a free loopback port.

Put it in front of an emulator port and switch its `mode` at any time:

- `pass`: forward bytes both ways unchanged;
- `delay`: wait `delay_s` before forwarding each request (slower than a client timeout);
- `error500`: answer every request with HTTP 500 and a JSON body, never reaching the upstream;
- `malformed`: answer HTTP 200 with a body that is not JSON;
- `truncate`: forward the request, then relay only the first bytes of the answer and close;
- `refuse`: close every new connection at once (as if nothing were listening).

`set_mode(mode, count=n)` injects the fault into the next `n` requests only, then passes again
(e.g. a first attempt that fails and a retry that gets through).

Browsers see the injected faults themselves rather than a CORS failure: the injected 500 and
malformed answers allow any origin, and CORS preflights (`OPTIONS`) pass in those two modes.

Requests are parsed just far enough (head + Content-Length body) to count them and to answer
them; one request per connection is served (`Connection: close`), which keeps the relay simple.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from tests.support.processes import free_port

Mode = Literal["pass", "delay", "error500", "malformed", "truncate", "refuse"]
MODES: tuple[Mode, ...] = ("pass", "delay", "error500", "malformed", "truncate", "refuse")
ANSWERED: tuple[Mode, ...] = ("error500", "malformed")  # the proxy answers in the upstream's place
MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 16 * 1024 * 1024


@dataclass
class Seen:
    """One request the proxy saw: when, which method and path, and the mode it met."""

    at: float
    method: str
    path: str
    mode: Mode


@dataclass
class FaultProxy:
    """A proxy running on its own thread's event loop; safe to drive from tests of any kind."""

    upstream_host: str
    upstream_port: int
    port: int = field(default_factory=free_port)
    mode: Mode = "pass"
    delay_s: float = 5.0
    truncate_after: int = 40
    seen: list[Seen] = field(default_factory=list)
    remaining: int | None = None
    """How many more requests meet `mode` before the proxy passes again (None: no limit)."""
    _loop: asyncio.AbstractEventLoop | None = None
    _server: asyncio.Server | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_mode(
        self, mode: Mode, *, delay_s: float | None = None, count: int | None = None
    ) -> None:
        """Switch the behaviour for requests that arrive from now on (for the next `count`
        requests only, when given; later ones pass)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1")
        if delay_s is not None:
            self.delay_s = delay_s
        with self._lock:
            self.mode = mode
            self.remaining = count

    def _take_mode(self) -> Mode:
        """The mode this request meets, counting it against `remaining`."""
        with self._lock:
            mode = self.mode
            if self.remaining is not None and mode != "pass":
                self.remaining -= 1
                if self.remaining <= 0:
                    self.mode, self.remaining = "pass", None
            return mode

    def requests(self, path_prefix: str = "") -> list[Seen]:
        """Requests seen so far whose path starts with `path_prefix`."""
        with self._lock:
            return [seen for seen in self.seen if seen.path.startswith(path_prefix)]

    def clear(self) -> None:
        """Forget the requests seen so far."""
        with self._lock:
            self.seen.clear()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FaultProxy:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._handle, "127.0.0.1", self.port)
                )
            except BaseException as error:  # reported to start()
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            # Stopped: end every connection still being served before closing the loop.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.wait(pending, timeout=5))
            loop.close()

        self._thread = threading.Thread(target=run, name=f"fault-proxy-{self.port}", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise TimeoutError("fault proxy did not start")
        if failure:
            raise RuntimeError("fault proxy could not listen") from failure[0]
        return self

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        def shutdown() -> None:
            server.close()
            loop.stop()

        loop.call_soon_threadsafe(shutdown)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = self._server = self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ serving

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # asyncio holds connection tasks weakly: keep each alive until it has finished.
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # the proxy is stopping: end quietly
        finally:
            if task is not None:
                self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        taken: Mode | None = None
        if self.mode == "refuse":
            taken = self._take_mode()
            if taken == "refuse":
                self._record("?", "?", taken)
                return
        head = await reader.readuntil(b"\r\n\r\n")
        if len(head) > MAX_HEAD_BYTES:
            return
        lines = head.decode("latin-1").split("\r\n")
        method, path = ([*lines[0].split(" "), "", ""])[:2]
        length = 0
        kept: list[str] = [lines[0]]
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            lowered = name.strip().lower()
            if lowered == "content-length":
                length = int(value.strip() or 0)
            if lowered in ("connection", "keep-alive"):
                continue
            kept.append(line)
        if length > MAX_BODY_BYTES:
            return
        body = await reader.readexactly(length) if length else b""
        if method == "OPTIONS" and taken is None and self.mode in ANSWERED:
            mode: Mode = "pass"  # a browser's preflight: let the request itself meet the fault
        else:
            mode = taken or self._take_mode()  # the mode when the request arrived decides
        self._record(method, path, mode)
        if mode == "delay":
            await asyncio.sleep(self.delay_s)
        if mode == "error500":
            await _answer(writer, 500, b'{"message":"injected failure"}', "application/json")
            return
        if mode == "malformed":
            await _answer(writer, 200, b"<html>not json {", "application/json")
            return
        request = ("\r\n".join([*kept, "Connection: close"]) + "\r\n\r\n").encode("latin-1")
        upstream_reader, upstream_writer = await asyncio.open_connection(
            self.upstream_host, self.upstream_port
        )
        try:
            upstream_writer.write(request + body)
            await upstream_writer.drain()
            if mode == "truncate":
                answer = await upstream_reader.read(self.truncate_after)
                writer.write(answer)
                await writer.drain()
                return
            while chunk := await upstream_reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:
            upstream_writer.close()
            with contextlib.suppress(Exception):
                await upstream_writer.wait_closed()

    def _record(self, method: str, path: str, mode: Mode) -> None:
        with self._lock:
            self.seen.append(Seen(time.monotonic(), method, path, mode))


async def _answer(writer: asyncio.StreamWriter, status: int, body: bytes, kind: str) -> None:
    reason = {200: "OK", 500: "Internal Server Error"}.get(status, "Status")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\n"
        f"Content-Length: {len(body)}\r\nAccess-Control-Allow-Origin: *\r\n"
        "Connection: close\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    await writer.drain()


@contextlib.contextmanager
def proxied(host: str, port: int) -> Iterator[FaultProxy]:
    """A started proxy in front of `host:port`, stopped on exit."""
    proxy = FaultProxy(host, port).start()
    try:
        yield proxy
    finally:
        proxy.stop()
