"""What the worst queries we know of cost, as ratios to a normal query, with and without the
bounds in index/query.py (corrections, prefix scans, postings read).

Cost is measured twice: function calls (deterministic, what tests/test_query_cost.py asserts)
and time (median of repeat runs in this process). Nothing is asserted here.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from index import query as query_module
from index.search import search
from index.store import SearchIndex

from .costly import costly_queries, count_calls

UNBOUNDED = {
    "MAX_CORRECTIONS": 10**9,
    "MAX_CORRECTION_LETTERS": 10**9,
    "MAX_CORRECTABLE_CHARS": 10**9,
    "MAX_PREFIX_SCAN": 10**9,
    "MIN_POSTINGS": 10**9,
    "MAX_POSTINGS": 10**9,
}


@contextmanager
def bounds_lifted() -> Iterator[None]:
    """Run with every cost bound of index/query.py lifted (to show what they save)."""
    saved = {name: getattr(query_module, name) for name in UNBOUNDED}
    for name, value in UNBOUNDED.items():
        setattr(query_module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(query_module, name, value)


def frequent_words(index: SearchIndex, count: int = 4000) -> list[str]:
    """Return the index's surface words, the most frequent first."""
    found = sorted(((df, word) for word, df in index.vocabulary()), reverse=True)
    return [word for _, word in found[:count] if word.isalpha()]


def measure(index: SearchIndex, text: str, repeat: int, **page: int) -> tuple[int, float]:
    """Return (function calls, median seconds) of one search, corrections not remembered."""
    index.memo.clear()
    calls = count_calls(lambda: search(index, text, **page))
    times = []
    for _ in range(repeat):
        index.memo.clear()
        started = time.perf_counter()
        search(index, text, **page)
        times.append(time.perf_counter() - started)
    return calls, statistics.median(times)


def table(
    index: SearchIndex, normal: list[str], repeat: int, say: Callable[[str], None] = print
) -> list[tuple[str, str, float, float, float]]:
    """Return rows (bounds, query family, calls ÷ normal, time ÷ normal, ms), bounded first."""
    worst = costly_queries(frequent_words(index))
    rows = []
    for label, context in (("bounded", nullcontext), ("unbounded", bounds_lifted)):
        with context():
            base = [measure(index, q, repeat) for q in normal]
            calls0 = statistics.median(c for c, _ in base)
            time0 = statistics.median(t for _, t in base)
            cases = [*worst.items(), ("deepest page (offset 500)", worst["many common words"])]
            for name, text in cases:
                page = {"limit": 50, "offset": 500} if name.startswith("deepest") else {}
                calls, seconds = measure(index, text, repeat, **page)
                rows.append((label, name, calls / calls0, seconds / time0, seconds * 1000))
            say(
                f"{label}: normal query median {calls0:,.0f} calls, {time0 * 1000:.1f} ms "
                f"over {len(normal)} queries"
            )
    return rows


def markdown(rows: list[tuple[str, str, float, float, float]]) -> str:
    """Return the rows as the Markdown table docs/reliability.md shows."""
    lines = [
        "| query | bounds | calls ÷ normal | time ÷ normal | ms |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for label, name, call_ratio, time_ratio, ms in sorted(rows, key=lambda r: (r[1], r[0])):
        lines.append(f"| {name} | {label} | {call_ratio:.1f}× | {time_ratio:.1f}× | {ms:.1f} |")
    return "\n".join(lines)


def prepare(index_dir: Path | None, corpus: Path | None, docs: int, tmp: Path) -> Path:
    """Return the index to measure: index_dir as built, or one built into tmp from the first
    docs documents of corpus, or the synthetic index of tests/test_query_cost.py."""
    from .corpus import as_articles, read_docs
    from .costly import build_synthetic_index

    if index_dir is not None:
        return index_dir
    if corpus is not None:
        from index.build import write_index

        write_index(list(as_articles(read_docs(corpus, docs))), tmp, f"corpus-{docs}")
    else:
        build_synthetic_index(tmp)
    return tmp
