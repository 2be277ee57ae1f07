#!/usr/bin/env python3
"""Print what the worst queries we know of cost, as ratios to a normal query, with and without
the bounds in index/query.py (bench/query_cost.py). Nothing is asserted.

Examples:
    python scripts/bench_query_cost.py                      # synthetic 2,000-passage index
    python scripts/bench_query_cost.py --corpus ../shared/corpus/debian-descriptions.jsonl.gz \\
        --docs 64000 --queries ../shared/corpus/debian-queries.json
    python scripts/bench_query_cost.py --index index_data
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import read_queries  # noqa: E402
from bench.costly import normal_queries  # noqa: E402
from bench.query_cost import frequent_words, markdown, prepare, table  # noqa: E402
from index.search import search  # noqa: E402
from index.store import IndexProvider  # noqa: E402


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
        if args.corpus and not args.index:
            print(f"indexing {args.docs} documents of {args.corpus}…", file=sys.stderr)
        index = IndexProvider(prepare(args.index, args.corpus, args.docs, Path(tmp))).get()
        vocab = frequent_words(index)
        if args.queries:
            normal = [query.q for query in read_queries(args.queries)][:60]
        else:
            normal = normal_queries(vocab)
        print(f"index: {index.doc_count:,} passages, {len(vocab):,} frequent words")
        search(index, "warm up")
        rows = table(index, normal, args.repeat)
        print("\n" + markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
