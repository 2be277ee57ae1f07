#!/usr/bin/env python3
"""Time /suggest's core on a large index: one build of the tables, then every keystroke
(bench/keystrokes.py). Builds an index from the first N documents of the benchmark corpus (one
article each), then types each benchmark query one character at a time. Prints figures;
asserts nothing (timings on a shared machine are noisy).

Examples:
    python scripts/bench_suggest.py --docs 20000
    python scripts/bench_suggest.py --corpus corpus.jsonl.gz --queries queries.json \\
        --docs 5000 --index /tmp/bench-suggest
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import keystrokes  # noqa: E402
from bench.corpus import (  # noqa: E402
    CORPUS_NAME,
    QUERIES_NAME,
    as_articles,
    read_docs,
    read_queries,
    shared_corpus,
)
from index.build import write_index  # noqa: E402
from index.store import IndexProvider  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the index, time the table build and each keystroke, print figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        default=shared_corpus(CORPUS_NAME),
        help=f"JSONL of {{id, title, body}}, .gz ok (default: ../shared/corpus/{CORPUS_NAME})",
    )
    parser.add_argument(
        "--queries",
        type=Path,
        default=shared_corpus(QUERIES_NAME),
        help=f"JSON list of {{q, src}} to type (default: ../shared/corpus/{QUERIES_NAME})",
    )
    parser.add_argument(
        "--docs", type=int, default=20000, help="documents to index (default: %(default)s)"
    )
    parser.add_argument(
        "--index",
        type=Path,
        help="index folder to build into or reuse, e.g. /tmp/bench (default: a temp folder)",
    )
    args = parser.parse_args(argv)
    for name in ("corpus", "queries"):
        path = getattr(args, name)
        if path is None or not path.is_file():
            parser.error(f"no benchmark {name} ({path or 'none found'}); pass --{name} FILE")
    out = args.index or Path(tempfile.mkdtemp(prefix="bench-suggest-"))
    if (out / "CURRENT").is_file():
        print(f"reusing the index in {out} (delete it to rebuild)")
    else:
        started = time.perf_counter()
        articles = list(as_articles(read_docs(args.corpus, args.docs)))
        write_index(articles, out, f"bench{len(articles)}")
        print(f"indexed {len(articles)} documents in {time.perf_counter() - started:.1f} s")
    keystrokes.run(IndexProvider(out).get(), read_queries(args.queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
