"""/suggest's core on a large index: one build of the tables, then every keystroke.

Types each benchmark query one character at a time and times suggest() for every prefix.
Figures only: timings on a shared machine are noisy.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from index.store import SearchIndex
from index.suggest import suggest

from .corpus import Query

SAMPLES = ("g", "lib", "python3 lib", "git comm", "qt 6 virtual k")


def prefixes(queries: list[Query]) -> list[str]:
    """Return every prefix of every query, as typed one character at a time."""
    return [q.q[:i] for q in queries for i in range(1, len(q.q) + 1) if q.q[:i].strip()]


def _ms(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return 1000 * (time.perf_counter() - started), result


def run(index: SearchIndex, queries: list[Query], say: Callable[[str], None] = print) -> dict:
    """Time the first call (which builds the tables) and every keystroke; return the figures."""
    first, _ = _ms(lambda: suggest(index, "a"))
    say(f"first call (builds the per-version tables): {first:.0f} ms")
    typed = prefixes(queries)
    timings = sorted(_ms(lambda text=text: suggest(index, text))[0] for text in typed)
    figures = {
        "first_call_ms": round(first, 1),
        "keystrokes": len(typed),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * len(timings))], 2),
        "max_ms": round(timings[-1], 2),
    }
    say(
        f"{len(typed)} keystrokes: median {figures['median_ms']:.2f} ms, "
        f"p95 {figures['p95_ms']:.2f} ms, max {figures['max_ms']:.2f} ms"
    )
    for text in SAMPLES:
        took, found = _ms(lambda text=text: suggest(index, text))
        say(f"  {text!r:18} {took:6.2f} ms  {[s.text for s in found[:4]]}")
    return figures
