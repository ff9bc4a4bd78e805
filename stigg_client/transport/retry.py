"""Retry policy (exponential backoff with jitter on network errors and 5xx, never on 4xx) and
the one reconnect `Backoff` of both SDKs."""

from __future__ import annotations

import random
import warnings
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts (including the first) and how long to wait between them."""

    attempts: int = 4
    initial_delay_s: float = 0.3
    max_delay_s: float = 2.0

    def delay(self, retry_index: int, rng: random.Random | None = None) -> float:
        """Seconds to sleep before retry number `retry_index` (0-based): jittered in [d/2, d]."""
        return jittered(min(self.max_delay_s, self.initial_delay_s * (2.0**retry_index)), rng)

    @staticmethod
    def should_retry_status(status: int) -> bool:
        """Retry server errors (5xx) only; 4xx answers are final."""
        return status >= 500


NO_RETRY = RetryPolicy(attempts=1)


@dataclass(frozen=True, slots=True, init=False)
class Backoff:
    """Delays between reconnection attempts that continue until one succeeds (both SDKs).

    Exponential from `initial_delay_s`, capped at `max_delay_s`, each jittered in [d/2, d] so that
    many clients that lost the same server do not come back in lockstep. `initial_s`/`max_s` are
    the server SDK's former spellings, still accepted (with a DeprecationWarning).
    """

    initial_delay_s: float
    max_delay_s: float

    def __init__(
        self,
        initial_delay_s: float = 0.5,
        max_delay_s: float = 10.0,
        *,
        initial_s: float | None = None,
        max_s: float | None = None,
    ) -> None:
        if initial_s is not None or max_s is not None:
            warnings.warn(
                "Backoff(initial_s=, max_s=) is now Backoff(initial_delay_s=, max_delay_s=)",
                DeprecationWarning,
                stacklevel=2,
            )
        initial = initial_delay_s if initial_s is None else initial_s
        object.__setattr__(self, "initial_delay_s", initial)
        object.__setattr__(self, "max_delay_s", max_delay_s if max_s is None else max_s)

    @property
    def initial_s(self) -> float:
        """The former name of `initial_delay_s`."""
        return self.initial_delay_s

    @property
    def max_s(self) -> float:
        """The former name of `max_delay_s`."""
        return self.max_delay_s

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before attempt number `attempt` (0-based) after a failure."""
        base = min(self.max_delay_s, self.initial_delay_s * (2.0 ** min(attempt, 30)))
        return jittered(base, rng)


def jittered(delay_s: float, rng: random.Random | None) -> float:
    """`delay_s` jittered uniformly in [delay_s/2, delay_s]."""
    draw = rng.random() if rng is not None else random.random()
    return delay_s / 2 + draw * delay_s / 2
