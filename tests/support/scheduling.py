"""How `make test` spreads the suite over pytest-xdist workers."""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

PLAYWRIGHT_ID = "[chromium"  # pytest-playwright parametrizes every browser test by browser


class BrowserModulesTogether(LoadScopeScheduling):
    """Each test on its own, except that a module's Playwright tests go to one worker together
    and in order: they often share one page that the module's first test hydrates or changes.

    (pytest-xdist's own `loadgroup` cannot do this under pytest 9: it renames `item._nodeid`,
    which pytest no longer reads.)
    """

    def schedule(self) -> None:
        # Hand out work in collection order (browser tests last, see tests/conftest.py), not
        # largest scope first: an asyncio test after a browser test in one worker cannot run.
        self.config.option.loadscopereorder = False
        super().schedule()

    def _split_scope(self, nodeid: str) -> str:
        if PLAYWRIGHT_ID in nodeid:
            return nodeid.split("::", 1)[0]
        return nodeid
