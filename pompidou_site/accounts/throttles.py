"""Counters in the cache that limit how often something may be tried from one place.

A fixed window: the first hit starts it, and it ends `window` later. The cache is Redis in
production (shared by every process) when REDIS_URL is set, and each process's memory otherwise.
"""

import hashlib
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone


class Throttle:
    def __init__(self, name, limit, window: timedelta):
        self.name = name
        self.limit = limit
        self.window = window

    def _key(self, parts):
        # Hashed: user input (an e-mail address) never becomes a raw cache key.
        digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
        return f"throttle:{self.name}:{digest}"

    def is_exceeded(self, *parts):
        return cache.get(self._key(parts), 0) >= self.limit

    def hit(self, *parts):
        key = self._key(parts)
        timeout = int(self.window.total_seconds())
        if cache.add(key, 1, timeout):
            cache.set(f"{key}:ends", timezone.now() + self.window, timeout)
            return
        try:
            cache.incr(key)
        except ValueError:  # Expired between add and incr: a new window.
            cache.set(key, 1, timeout)

    def ends_at(self, *parts):
        """When the current window ends (and the limit is lifted)."""
        return cache.get(f"{self._key(parts)}:ends") or timezone.now() + self.window
