"""Check a built index before it ships: its counts match the content it claims to be built from,
and the smoke queries of a golden file still find their expected sections.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .build import content_version
from .content import load_articles
from .errors import BuildError
from .search import answer, search
from .store import SearchIndex, resolve_version_dir

SMOKE_FILE = "smoke-queries.json"


@dataclass
class VerifyReport:
    """The outcome of a verification: what was checked and every problem found."""

    index_version: str
    articles: int
    passages: int
    queries: int
    problems: list[str] = field(default_factory=list)


def load_smoke(path: Path) -> dict:
    """Read a smoke file ({"queries": [{"q", "sections" | "none", "answer"?}]}); raise if bad."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BuildError(f"{path}: smoke query file not found") from exc
    except ValueError as exc:
        raise BuildError(f"{path}: not valid JSON: {exc}") from exc
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, list) or not queries:
        raise BuildError(f'{path}: expected {{"queries": [...]}} with at least one query')
    for number, item in enumerate(queries, 1):
        ok = isinstance(item, dict) and isinstance(item.get("q"), str) and item["q"].strip()
        ok = ok and (item.get("none") is True or bool(item.get("sections")))
        if not ok:
            raise BuildError(
                f"{path}: query {number} needs a 'q' and either 'sections' (a list of "
                f'acceptable top sections) or "none": true; got {item!r}'
            )
    return data


def smoke_item_problems(
    item: dict,
    top_section: str | None,
    answer_section: str | None,
    answered: bool,
    answer_items: list[str] | None = None,
) -> list[str]:
    """Return how one smoke query's outcome breaks its expectation (the rule scripts share).

    A list answer (answer_items: its items' titles) stands for the sections it lists: it meets
    the expectation when every one of them is an expected section.
    """
    query = item["q"]
    if item.get("none"):
        return (
            [f"{query!r}: expected no answer, got one from {answer_section!r}"] if answered else []
        )
    problems = []
    if top_section not in item["sections"]:
        problems.append(
            f"{query!r}: top section {top_section!r}, expected one of {item['sections']}"
        )
    expected = set(item["sections"])
    accepted = answer_section in expected or bool(answer_items and set(answer_items) <= expected)
    if item.get("answer") and (not answered or not accepted):
        got = repr(answer_section) if answered else "no answer"
        problems.append(f"{query!r}: expected an answer from {item['sections']}, got {got}")
    return problems


def count_problems(index: SearchIndex, content_dir: Path) -> list[str]:
    """Return every way the index's manifest disagrees with the content folder."""
    articles = load_articles(content_dir)
    version, _ = content_version(content_dir)
    manifest = index.manifest
    problems = []
    if manifest.get("index_version") != version:
        problems.append(
            f"index version {manifest.get('index_version')} was not built from this content "
            f"(its version is {version}); rebuild with scripts/build_index.py"
        )
    expected = {
        "article_count": len(articles),
        "passage_count": sum(len(a.passages) for a in articles),
    }
    for key, want in expected.items():
        if manifest.get(key) != want:
            problems.append(f"manifest {key} is {manifest.get(key)}, the content has {want}")
    in_index = index.passages_per_article()
    in_content = {a.slug: len(a.passages) for a in articles}
    for slug in sorted(set(in_index) | set(in_content)):
        if in_index.get(slug) != in_content.get(slug):
            problems.append(
                f"article {slug}: {in_index.get(slug)} passages in the index, "
                f"{in_content.get(slug)} in the content"
            )
    return problems


def smoke_problems(index: SearchIndex, smoke: dict) -> list[str]:
    """Run every smoke query against the index; return the ones that miss their sections, and
    every article that no passing smoke query finds (each article needs one)."""
    problems = []
    covered: set[str] = set()
    for item in smoke["queries"]:
        results = search(index, item["q"], limit=1)
        found = answer(index, item["q"])
        top = results.hits[0] if results.hits else None
        missed = smoke_item_problems(
            item,
            top.section if top else None,
            found.section if found else None,
            bool(found),
            [i.title for i in found.items] if found else None,
        )
        problems += missed
        if top and not missed and not item.get("none"):
            covered.add(top.article_slug)
    for slug in sorted(_article_slugs(index) - covered):
        problems.append(
            f"article {slug} has no smoke query: add one to {SMOKE_FILE} whose top section is "
            "in that article"
        )
    return problems


def _article_slugs(index: SearchIndex) -> set[str]:
    return set(index.passages_per_article())


def verify_index(index_root: Path, content_dir: Path, smoke_path: Path) -> VerifyReport:
    """Open the current index under index_root and check it against content and smoke queries."""
    smoke = load_smoke(smoke_path)
    index = SearchIndex(resolve_version_dir(index_root))
    try:
        problems = count_problems(index, content_dir) + smoke_problems(index, smoke)
    finally:
        index.close()
    return VerifyReport(
        index_version=index.version,
        articles=index.manifest["article_count"],
        passages=index.manifest["passage_count"],
        queries=len(smoke["queries"]),
        problems=problems,
    )
