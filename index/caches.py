"""One bounded, thread-safe cache policy for everything a process keeps per index version.

Each cache lives on the SearchIndex that fills it and goes with it when a new version is
opened; none grows past its bound, whatever users send (a cache of look-ups keyed by user
words would otherwise grow with every distinct query).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_MISSING = object()


class Lru(Generic[V]):
    """A least-recently-used map of at most size entries (or of total weight, when weighed)."""

    def __init__(self, size: int, weigh: Callable[[V], int] | None = None):
        self.size = size
        self._weigh = weigh
        self._weight = 0
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: object = None) -> V | object:
        """Return the value kept for key (marking it recently used), or default."""
        with self._lock:
            found = self._data.get(key, _MISSING)
            if found is _MISSING:
                return default
            self._data.move_to_end(key)
            return found

    def put(self, key: Hashable, value: V) -> None:
        """Keep value under key, dropping the least recently used entries past the bound."""
        weigh = self._weigh
        with self._lock:
            data = self._data
            if key in data:
                self._weight -= weigh(data[key]) if weigh else 1
                del data[key]
            data[key] = value
            self._weight += weigh(value) if weigh else 1
            while self._weight > self.size and len(data) > 1:
                _, dropped = data.popitem(last=False)
                self._weight -= weigh(dropped) if weigh else 1

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()
            self._weight = 0

    def __len__(self) -> int:
        return len(self._data)


class Ranked(Generic[V]):
    """A map of at most size entries that keeps the highest-ranked keys, not the latest."""

    def __init__(self, size: int):
        self.size = size
        self._data: dict[Hashable, tuple[int, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: object = None) -> V | object:
        """Return the value kept for key, or default."""
        found = self._data.get(key)
        return default if found is None else found[1]

    def would_keep(self, rank: int) -> bool:
        """Return True when a new entry of this rank would be kept (put's test)."""
        data = self._data
        return self.size > 0 and (len(data) < self.size or rank > min(r for r, _ in data.values()))

    def put(self, key: Hashable, rank: int, value: V) -> None:
        """Keep value when the map has room or rank beats its lowest-ranked entry's."""
        with self._lock:
            data = self._data
            if key in data or self.size <= 0:
                return
            if len(data) >= self.size:
                lowest = min(data, key=lambda k: data[k][0])
                if data[lowest][0] >= rank:
                    return
                del data[lowest]
            data[key] = (rank, value)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        return len(self._data)
