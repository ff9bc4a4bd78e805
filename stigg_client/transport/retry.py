"""Retry policy: exponential backoff with jitter on network errors and 5xx, never on 4xx."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts (including the first) and how long to wait between them."""

    attempts: int = 4
    initial_delay_s: float = 0.3
    max_delay_s: float = 2.0

    def delay(self, retry_index: int, rng: random.Random | None = None) -> float:
        """Seconds to sleep before retry number `retry_index` (0-based): jittered in [d/2, d]."""
        base = min(self.max_delay_s, self.initial_delay_s * (2.0**retry_index))
        draw = rng.random() if rng is not None else random.random()
        return base / 2 + draw * base / 2

    @staticmethod
    def should_retry_status(status: int) -> bool:
        """Retry server errors (5xx) only; 4xx answers are final."""
        return status >= 500


NO_RETRY = RetryPolicy(attempts=1)


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays between reconnection attempts that continue until one succeeds.

    Exponential from `initial_delay_s`, capped at `max_delay_s`, each jittered in [d/2, d] so that
    many clients that lost the same server do not come back in lockstep.
    """

    initial_delay_s: float = 0.5
    max_delay_s: float = 10.0

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before attempt number `attempt` (0-based) after a failure."""
        base = min(self.max_delay_s, self.initial_delay_s * (2.0 ** min(attempt, 30)))
        draw = rng.random() if rng is not None else random.random()
        return base / 2 + draw * base / 2
