"""One engine at one corpus size, in its own process so its memory and timings are its own.

    python -m bench.worker build ENGINE INDEX_DIR --corpus FILE --size N
    python -m bench.worker query ENGINE INDEX_DIR --queries FILE [--repeat R]
Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import read_docs, read_queries  # noqa: E402
from bench.engines import build, open_engine  # noqa: E402
from bench.measure import folder_bytes, rss_mb, summary, timed_ms  # noqa: E402


def run_build(engine: str, index_dir: Path, corpus: Path, size: int | None) -> dict:
    """Build the index; return build seconds, size on disk and the document count."""
    docs = read_docs(corpus, size)
    started = time.perf_counter()
    build(engine, docs, index_dir)
    seconds = time.perf_counter() - started
    return {"docs": len(docs), "build_s": round(seconds, 2), "index_bytes": folder_bytes(index_dir)}


def run_queries(
    engine: str, index_dir: Path, queries: Path, repeat: int, corpus: Path, size: int | None
) -> dict:
    """Open the index, then time every query: a first pass, then repeat warm passes."""
    qs = read_queries(queries)
    base = rss_mb()
    started = time.perf_counter()
    search = open_engine(engine, index_dir)
    open_ms = (time.perf_counter() - started) * 1000
    rss_open = rss_mb()
    first = [timed_ms(lambda q=q: search(q.q)) for q in qs]
    warm: list[float] = []
    answers: list[list[str]] = []
    for _ in range(repeat):
        answers = []
        for q in qs:
            started = time.perf_counter()
            answers.append(search(q.q))
            warm.append((time.perf_counter() - started) * 1000)
    # Quality counts the queries whose source document is in this subset of the corpus.
    present = {d.id for d in read_docs(corpus, size)}
    found = sum(q.src in present and q.src in ids for q, ids in zip(qs, answers, strict=True))
    judged = sum(q.src in present for q in qs)
    return {
        "open_ms": round(open_ms, 1),
        "rss_before_open_mb": base,
        "rss_after_open_mb": rss_open,
        "rss_after_queries_mb": rss_mb(),
        "first_pass": summary(first),
        "warm": summary(warm),
        "top10": round(found / judged, 4) if judged else None,
        "judged_queries": judged,
    }


def main(argv: list[str] | None = None) -> int:
    """Run one build or one query measurement and print its JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("build", "query"))
    parser.add_argument("engine")
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--size", type=int)
    parser.add_argument("--queries", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    if args.action == "build":
        out = run_build(args.engine, args.index_dir, args.corpus, args.size)
    else:
        out = run_queries(
            args.engine, args.index_dir, args.queries, args.repeat, args.corpus, args.size
        )
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
