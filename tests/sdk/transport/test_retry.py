"""Backoff delays and which statuses are retried."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from stigg_client.transport.retry import RetryPolicy


@given(index=st.integers(min_value=0, max_value=20), seed=st.integers())
def test_delay_is_jittered_within_half_and_full_capped_backoff(index: int, seed: int) -> None:
    policy = RetryPolicy(attempts=5, initial_delay_s=0.5, max_delay_s=2.0)
    cap = min(2.0, 0.5 * 2**index)
    delay = policy.delay(index, random.Random(seed))
    assert cap / 2 <= delay <= cap


def test_jitter_varies() -> None:
    policy = RetryPolicy()
    rng = random.Random(1)
    assert len({policy.delay(2, rng) for _ in range(20)}) > 1


def test_only_5xx_is_retried() -> None:
    assert RetryPolicy.should_retry_status(500) and RetryPolicy.should_retry_status(503)
    assert not any(RetryPolicy.should_retry_status(s) for s in (200, 400, 401, 404, 429))
