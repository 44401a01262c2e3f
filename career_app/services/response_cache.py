"""Ready-to-send JSON for hot public reads, kept in each backend process.

Keys start with the jobs cache version (jobs.cache_version, a Redis counter bumped on every job
change), so a change made through any process is seen by every process at its next request. It is
only a copy of what PostgreSQL holds: nothing another process needs lives here."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class JsonCache:
    """A small thread-safe LRU of serialized responses (handlers run in a thread pool)."""

    def __init__(self, max_entries: int = 1024):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        with self._lock:
            self._entries[key] = body
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def get_or_build(self, key: Hashable, build: Callable[[], bytes | None]) -> bytes | None:
        """The cached body for `key`, else build() (not cached when it returns None). Built outside
        the lock: two threads may build the same entry, which is harmless."""
        body = self.get(key)
        if body is None and (body := build()) is not None:
            self.put(key, body)
        return body

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
