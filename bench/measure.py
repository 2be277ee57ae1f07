"""Timing and memory helpers shared by the benchmark's parts."""

from __future__ import annotations

import os
import time
from collections.abc import Callable


def percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0-100) of values by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(samples_ms: list[float]) -> dict:
    """Return p50, p99, mean and the sample count of latencies in milliseconds."""
    return {
        "p50_ms": round(percentile(samples_ms, 50), 4),
        "p99_ms": round(percentile(samples_ms, 99), 4),
        "mean_ms": round(sum(samples_ms) / len(samples_ms), 4) if samples_ms else 0.0,
        "n": len(samples_ms),
    }


def timed_ms(call: Callable[..., object], *args: object) -> float:
    """Return how long call(*args) took, in milliseconds."""
    started = time.perf_counter()
    call(*args)
    return (time.perf_counter() - started) * 1000


def rss_mb() -> float:
    """Return this process's resident memory in MB (Linux /proc; 0.0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return 0.0
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def folder_bytes(path) -> int:
    """Return the total size of the files under path."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
