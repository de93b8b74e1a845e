"""Circuit breaker and rate limiter with fake clocks; their state is shared through the file."""

from __future__ import annotations

import pytest

from govkit.llm.breaker import CircuitBreaker
from govkit.llm.errors import LLMError
from govkit.llm.ratelimit import RateLimiter


class Clock:
    def __init__(self, t: float = 1000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.t += s

    slept: list


def breaker(tmp_path, clock, **kw):
    s = {"failure_threshold": 3, "window_seconds": 10, "cooldown_seconds": 30, **kw}
    return CircuitBreaker(tmp_path / "b.json", s, clock=clock)


def test_opens_after_threshold_in_window_and_refuses(tmp_path):
    c = Clock()
    b = breaker(tmp_path, c)
    for _ in range(3):
        b.before()
        b.failure(counts=True)
    assert b.state() == "open"
    with pytest.raises(LLMError) as ei:
        b.before()
    assert ei.value.kind == "breaker"
    # a second instance (another process) reads the same file
    with pytest.raises(LLMError):
        breaker(tmp_path, c).before()


def test_failures_outside_the_window_do_not_add_up(tmp_path):
    c = Clock()
    b = breaker(tmp_path, c)
    for _ in range(2):
        b.failure(counts=True)
    c.t += 11
    b.failure(counts=True)
    assert b.state() == "closed"
    b.before()


def test_permanent_errors_do_not_count(tmp_path):
    c = Clock()
    b = breaker(tmp_path, c, failure_threshold=1)
    b.failure(counts=False)
    assert b.state() == "closed"
    b.failure(counts=True)
    assert b.state() == "open"


def test_half_open_probe_success_closes(tmp_path):
    c = Clock()
    b = breaker(tmp_path, c, failure_threshold=1)
    b.failure(counts=True)
    c.t += 31
    assert b.state() == "half-open"
    b.before()  # the probe goes out
    with pytest.raises(LLMError, match="probe"):
        breaker(tmp_path, c).before()  # a second caller waits for the probe
    b.success()
    assert b.state() == "closed"
    b.before()


def test_half_open_probe_failure_reopens(tmp_path):
    c = Clock()
    b = breaker(tmp_path, c, failure_threshold=1)
    b.failure(counts=True)
    c.t += 31
    b.before()
    b.failure(counts=True)
    assert b.state() == "open"
    c.t += 29
    with pytest.raises(LLMError):
        b.before()


def limiter(tmp_path, c, **kw):
    c.slept = []
    s = {"rate_per_second": 2.0, "burst": 2, "jitter_seconds": 0.5, **kw}
    return RateLimiter(tmp_path / "r.json", s, clock=c, sleep=c.sleep, rand=lambda: 0.5)


def test_token_bucket_burst_then_waits_with_jitter(tmp_path):
    c = Clock()
    r = limiter(tmp_path, c)
    assert r.acquire() == 0.0 and r.acquire() == 0.0
    waited = r.acquire()
    # empty bucket: 1 token at 2/s = 0.5 s, plus jitter 0.5 * 0.5
    assert c.slept == [pytest.approx(0.75)]
    assert waited == pytest.approx(0.75)


def test_bucket_refills_over_time_and_is_shared(tmp_path):
    c = Clock()
    r = limiter(tmp_path, c)
    r.acquire()
    r.acquire()
    other = limiter(tmp_path, c)  # another process: same file, empty bucket
    c.t += 1.0
    assert other.acquire() == 0.0 and other.acquire() == 0.0
    assert c.slept == []


def test_wait_past_deadline_is_rate_error(tmp_path):
    c = Clock()
    r = limiter(tmp_path, c, burst=1, rate_per_second=0.1)
    r.acquire()
    with pytest.raises(LLMError) as ei:
        r.acquire(deadline=c.t + 1.0)
    assert ei.value.kind == "rate"
