#!/usr/bin/env python3
"""Print what the worst queries we know of cost, as ratios to a normal query, with and without
the bounds in index/query.py (corrections, prefix scans, postings read).

Cost is measured twice: function calls (deterministic, what tests/test_query_cost.py asserts)
and time (median of --repeat runs in this process). Nothing is asserted here.

Examples:
    python scripts/bench_query_cost.py                      # synthetic 2,000-passage index
    python scripts/bench_query_cost.py --corpus ../shared/corpus/debian-descriptions.jsonl.gz \\
        --docs 64000 --queries ../shared/corpus/debian-queries.json
    python scripts/bench_query_cost.py --index index_data
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import query as query_module  # noqa: E402
from index.build import write_index  # noqa: E402
from index.content import parse_article  # noqa: E402
from index.errors import BadContent  # noqa: E402
from index.search import search  # noqa: E402
from index.store import IndexProvider, SearchIndex  # noqa: E402
from tests.costly import (  # noqa: E402
    build_synthetic_index,
    costly_queries,
    count_calls,
    normal_queries,
)

UNBOUNDED = {
    "MAX_CORRECTIONS": 10**9,
    "MAX_CORRECTION_LETTERS": 10**9,
    "MAX_CORRECTABLE_CHARS": 10**9,
    "MAX_PREFIX_SCAN": 10**9,
    "MIN_POSTINGS": 10**9,
    "MAX_POSTINGS": 10**9,
}


@contextmanager
def bounds_lifted():
    """Run with every cost bound of index/query.py lifted (to show what they save)."""
    saved = {name: getattr(query_module, name) for name in UNBOUNDED}
    for name, value in UNBOUNDED.items():
        setattr(query_module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(query_module, name, value)


def build_from_corpus(path: Path, docs: int, out: Path) -> None:
    """Index the first docs {id, title, body} lines of a JSONL(.gz) corpus into out."""
    opener = gzip.open if path.suffix == ".gz" else open
    articles = []
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= docs:
                break
            doc = json.loads(line)
            try:
                articles.append(parse_article(f"{doc['title']}\n\n{doc['body']}\n", doc["id"]))
            except BadContent:
                continue  # a description with no body: nothing to search
    write_index(articles, out, f"corpus-{docs}")


def frequent_words(index: SearchIndex, count: int = 4000) -> list[str]:
    """Return the index's surface words, the most frequent first."""
    found = sorted(((df, word) for word, df in index.vocabulary()), reverse=True)
    return [word for _, word in found[:count] if word.isalpha()]


def measure(index: SearchIndex, text: str, repeat: int, **page) -> tuple[int, float]:
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


def report(index: SearchIndex, normal: list[str], worst: dict[str, str], repeat: int) -> None:
    """Print the table of ratios, bounded and unbounded."""
    rows = []
    for label, context in (("bounded", None), ("unbounded", bounds_lifted)):
        with context() if context else _nothing():
            base = [measure(index, q, repeat) for q in normal]
            calls0 = statistics.median(c for c, _ in base)
            time0 = statistics.median(t for _, t in base)
            cases = [*worst.items(), ("deepest page (offset 500)", worst["many common words"])]
            for name, text in cases:
                page = {"limit": 50, "offset": 500} if name.startswith("deepest") else {}
                calls, seconds = measure(index, text, repeat, **page)
                rows.append((label, name, calls / calls0, seconds / time0, seconds * 1000))
            print(
                f"{label}: normal query median {calls0:,.0f} calls, {time0 * 1000:.1f} ms "
                f"over {len(normal)} queries"
            )
    print("\n| query | bounds | calls ÷ normal | time ÷ normal | ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for label, name, call_ratio, time_ratio, ms in sorted(rows, key=lambda r: (r[1], r[0])):
        print(f"| {name} | {label} | {call_ratio:.1f}× | {time_ratio:.1f}× | {ms:.1f} |")


@contextmanager
def _nothing():
    yield


def main(argv: list[str] | None = None) -> int:
    """Build or open an index, then print the cost table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, help="an index folder built by build_index.py")
    parser.add_argument("--corpus", type=Path, help="JSONL(.gz) of {id, title, body} to index")
    parser.add_argument("--docs", type=int, default=10_000, help="documents of --corpus to index")
    parser.add_argument("--queries", type=Path, help='normal queries: JSON list of {"q": ...}')
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (median)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as tmp:
        if args.index:
            root = args.index
        elif args.corpus:
            root = Path(tmp)
            print(f"indexing {args.docs} documents of {args.corpus}…", file=sys.stderr)
            build_from_corpus(args.corpus, args.docs, root)
        else:
            root = Path(tmp)
            build_synthetic_index(root)
        index = IndexProvider(root).get()
        vocab = frequent_words(index)
        if args.queries:
            normal = [item["q"] for item in json.loads(args.queries.read_text())][:60]
        else:
            normal = normal_queries(vocab)
        print(f"index: {index.doc_count:,} passages, {len(vocab):,} frequent words")
        search(index, "warm up")
        report(index, normal, costly_queries(vocab), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
