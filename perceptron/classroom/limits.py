r"""Rate limits, per process and in memory, bounded in size.

A :class:`RateLimiter` is a token bucket per key (a client, a seat): ``burst`` attempts at once, then
``rate`` a second. It remembers at most ``max_keys`` keys, forgetting the least recently used first,
so a flood of new keys costs bounded memory (and a forgotten key starts with a full bucket again).

Being per process, the limits multiply with the replicas: with N replicas a client may try N times as
often. That is acceptable for what they guard (a class code of 31⁶ values, a 256-bit key, a seat's
reports): they slow a guesser down by orders of magnitude and keep one student from flooding the
database; they are not an account lockout. Standard library only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from .errors import RateLimited


class Bounded(OrderedDict):
    """A dict that keeps at most ``limit`` items, dropping the least recently used (``touch`` marks one used)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = int(limit)

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)

    def touch(self, key):
        """The value at ``key`` (None when absent), marked as the most recently used."""
        if key not in self:
            return None
        self.move_to_end(key)
        return self[key]


class RateLimiter:
    r"""A token bucket per key: ``burst`` at once, refilled at ``rate`` per second.

    ``check(key)`` raises :class:`~perceptron.classroom.errors.RateLimited` when the key's bucket is empty,
    ``spend(key)`` takes one token (a failure, a report), ``take(key)`` does both. The key None (a caller that
    named no client, as in a notebook) is not limited.
    """

    def __init__(self, what: str, rate: float, burst: int, clock: Callable[[], float], max_keys: int = 10_000):
        self.what, self.rate, self.burst, self.clock = what, float(rate), float(burst), clock
        self._buckets: Bounded = Bounded(max_keys)  # key -> (tokens, when)
        self._lock = threading.Lock()

    def _tokens(self, key, now: float) -> float:
        tokens, when = self._buckets.touch(key) or (self.burst, now)
        return min(self.burst, tokens + max(now - when, 0.0) * self.rate)

    def check(self, key) -> None:
        """RateLimited if ``key`` has no token left; spends none."""
        self._use(key, check=True, spend=False)

    def spend(self, key) -> None:
        """One of ``key``'s tokens spent, whether or not it had one left."""
        self._use(key, check=False, spend=True)

    def take(self, key) -> None:
        """:meth:`check` and :meth:`spend` at once, under one lock."""
        self._use(key, check=True, spend=True)

    def _use(self, key, check: bool, spend: bool) -> None:
        if key is None:
            return
        now = self.clock()
        with self._lock:
            tokens = self._tokens(key, now)
            if check and tokens < 1.0:
                raise RateLimited(self.what, (1.0 - tokens) / self.rate)
            if spend:
                self._buckets[key] = (tokens - 1.0, now)

    def __len__(self) -> int:
        return len(self._buckets)
