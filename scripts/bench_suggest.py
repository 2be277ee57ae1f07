#!/usr/bin/env python3
"""Time /suggest's core on a large index: one build of the tables, then every keystroke.

Builds an index from the first N documents of the benchmark corpus (Debian package
descriptions, one article each, title = "package: short description"), then types each
benchmark query one character at a time and times suggest() for every prefix. Prints figures;
asserts nothing (timings on a shared machine are noisy).

Example:
    python scripts/bench_suggest.py --docs 20000
    python scripts/bench_suggest.py --corpus /work/shared/corpus --docs 5000 --index /tmp/bench
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.build import write_index  # noqa: E402
from index.content import Article, Passage  # noqa: E402
from index.store import IndexProvider  # noqa: E402
from index.suggest import suggest  # noqa: E402
from index.text import slugify  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus")


def load_articles(corpus: Path, count: int) -> list[Article]:
    """Return the first count corpus documents as one-passage articles."""
    articles: list[Article] = []
    seen: set[str] = set()
    with gzip.open(corpus / "debian-descriptions.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            slug = slugify(doc["id"])
            if slug in seen or not doc["body"].strip():
                continue
            seen.add(slug)
            article = Article(slug=slug, title=doc["title"], date="")
            article.passages.append(
                Passage(f"{slug}/intro", "intro", doc["title"], doc["body"], "intro", 0)
            )
            articles.append(article)
            if len(articles) == count:
                break
    return articles


def prefixes(corpus: Path) -> list[str]:
    """Return every prefix of every benchmark query, as typed one character at a time."""
    queries = json.loads((corpus / "debian-queries.json").read_text())
    texts = [q["q"] for q in queries]
    return [text[:i] for text in texts for i in range(1, len(text) + 1) if text[:i].strip()]


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the index, time the table build and each keystroke, print figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help="folder with debian-descriptions.jsonl.gz and debian-queries.json "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--docs",
        type=int,
        default=20000,
        help="documents to index, e.g. 64000 for all (default: %(default)s)",
    )
    parser.add_argument(
        "--index",
        type=Path,
        help="index folder to build into or reuse, e.g. /tmp/bench (default: a temp folder)",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "debian-descriptions.jsonl.gz").is_file():
        parser.error(f"{args.corpus}: no benchmark corpus there; pass --corpus FOLDER")
    out = args.index or Path(tempfile.mkdtemp(prefix="bench-suggest-"))
    if (out / "CURRENT").is_file():
        print(f"reusing the index in {out} (delete it to rebuild)")
    else:
        started = time.perf_counter()
        articles = load_articles(args.corpus, args.docs)
        write_index(articles, out, f"bench{len(articles)}")
        print(f"indexed {len(articles)} documents in {time.perf_counter() - started:.1f} s")

    index = IndexProvider(out).get()
    started = time.perf_counter()
    suggest(index, "a")
    took = 1000 * (time.perf_counter() - started)
    print(f"first call (builds the per-version tables): {took:.0f} ms")

    typed = prefixes(args.corpus)
    timings = []
    for text in typed:
        started = time.perf_counter()
        suggest(index, text)
        timings.append(1000 * (time.perf_counter() - started))
    timings.sort()
    print(
        f"{len(typed)} keystrokes: median {statistics.median(timings):.2f} ms, "
        f"p95 {timings[int(0.95 * len(timings))]:.2f} ms, max {timings[-1]:.2f} ms"
    )
    for text in ("g", "lib", "python3 lib", "git comm", "qt 6 virtual k"):
        started = time.perf_counter()
        found = suggest(index, text)
        took = 1000 * (time.perf_counter() - started)
        print(f"  {text!r:18} {took:6.2f} ms  {[s.text for s in found[:4]]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
