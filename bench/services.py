"""Processes benchmarks need, started on first use and stopped at the end of the run."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import TracebackType

from bench.static_site import StaticSite
from demo_site.process import SiteProcess, ensure_runtime
from demo_site.settings import REPO
from tests.support.processes import EmulatorProcess

DEMO_CATALOG = REPO / "demo_site" / "catalog.yaml"
TEST_CATALOG = REPO / "tests" / "fixtures" / "catalog.yaml"


class Services:
    """Lazily started emulator and demo site on free loopback ports."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="stigg-bench-")
        self.tmp = Path(self._tmp.name)
        self._emulator: EmulatorProcess | None = None
        self._site: SiteProcess | None = None
        self._bare_site: SiteProcess | None = None
        self._static_sites: dict[str, StaticSite] = {}

    @property
    def emulator(self) -> EmulatorProcess:
        if self._emulator is None:
            catalog = DEMO_CATALOG if DEMO_CATALOG.is_file() else TEST_CATALOG
            self._emulator = EmulatorProcess(
                database_url=f"sqlite:///{self.tmp / 'emulator.db'}",
                catalog=catalog,
                log_path=self.tmp / "emulator.log",
            ).start()
        return self._emulator

    @property
    def site(self) -> SiteProcess:
        if self._site is None:
            ensure_runtime()
            emulator = self.emulator
            self._site = SiteProcess(
                emulator_url=emulator.base_url,
                edge_url=emulator.edge_url,
                client_key=emulator.client_key,
                server_key=emulator.server_key,  # the pricing page renders its paywall (SSR)
                log_path=self.tmp / "site.log",
            ).start()
        return self._site

    @property
    def bare_site(self) -> SiteProcess:
        """A demo site pointed at no emulator (for pages that do not call it)."""
        if self._bare_site is None:
            ensure_runtime()
            self._bare_site = SiteProcess(
                emulator_url="http://127.0.0.1:9",
                client_key="unused",
                log_path=self.tmp / "bare-site.log",
            ).start()
        return self._bare_site

    def static_site(self, product_id: str) -> StaticSite:
        """README "Use it on your own site" for `product_id`: the snippet page on one origin, the
        runtime folder `make dist` writes on another, reading the emulator."""
        if product_id not in self._static_sites:
            emulator = self.emulator
            self._static_sites[product_id] = StaticSite(
                self.tmp / f"static-{product_id}",
                client_key=emulator.client_key,
                product_id=product_id,
                api_url=emulator.base_url,
                edge_url=emulator.edge_url,
            ).start()
        return self._static_sites[product_id]

    def __enter__(self) -> Services:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for site in (self._site, self._bare_site):
            if site is not None:
                site.stop()
        for static in self._static_sites.values():
            static.stop()
        if self._emulator is not None:
            self._emulator.stop()
        self._tmp.cleanup()
