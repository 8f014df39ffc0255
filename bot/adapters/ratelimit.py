"""Per-user question limit shared by the platform adapters (sliding window of one minute)."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable

WINDOW_SECONDS = 60.0


class RateLimiter:
    """`allow(key)` is False once a key asked `per_minute` times in the last minute; 0 disables it."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = per_minute
        self._clock = clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> bool:
        if self._limit <= 0:
            return True
        now = self._clock()
        stamps = self._seen[key]
        while stamps and stamps[0] <= now - WINDOW_SECONDS:
            stamps.popleft()
        if len(stamps) >= self._limit:
            return False
        stamps.append(now)
        if len(self._seen) > 100_000:  # forget idle users so memory stays bounded
            for idle in [k for k, v in self._seen.items() if not v or v[-1] <= now - WINDOW_SECONDS]:
                del self._seen[idle]
        return True
