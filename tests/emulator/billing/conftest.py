"""Billing suites: every test gets a fresh emulator on the billing catalog (own clock, database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.emulator.billing.helpers import ACTIVATION_DELAY_S, BILLING_CATALOG
from tests.emulator.conftest import start_emulator
from tests.support.processes import EmulatorProcess


@pytest.fixture
def billing(tmp_path: Path) -> Iterator[EmulatorProcess]:
    """A fresh emulator on the billing catalog with a short checkout activation delay."""
    process = start_emulator(
        tmp_path,
        BILLING_CATALOG,
        extra_args=("--checkout-activation-delay", str(ACTIVATION_DELAY_S)),
    )
    yield process
    process.stop()
