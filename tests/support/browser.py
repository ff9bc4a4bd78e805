"""Browser test helpers shared by the widget and e2e tests: errors a page logs, and holding a
page's Python back (Pyodide's wasm) to see what it shows and does without it."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, Route


def collect_errors(page: Page) -> list[str]:
    """A list that fills with the page's uncaught errors and console errors, as they come."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    return errors


class HeldPython:
    """Holds Pyodide's wasm back in `context` while `holding`, so that a page's Python cannot
    start: what the page shows and does meanwhile is the shim's alone."""

    def __init__(self, context: BrowserContext, *, holding: bool = True) -> None:
        self.holding = holding
        self.held: list[Route] = []
        context.route("**/pyodide.asm.wasm", self.hold)

    def hold(self, route: Route) -> None:
        """Keep the request waiting until `release()` (it may come only after that)."""
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def wait_until_held(self, page: Page) -> None:
        """Proof that Python is held: its wasm request is waiting."""
        for _ in range(300):
            if self.held:
                return
            page.wait_for_timeout(100)
        raise AssertionError("the runtime never asked for pyodide.asm.wasm")

    def release(self) -> None:
        self.holding = False
        for route in self.held:
            route.continue_()
        self.held.clear()
