"""Relevance evaluation: run judged queries and measure ranking, answers and their confidence."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .build import CURATED_FILES, build_index
from .confidence import Signals
from .content import article_files
from .search import (
    ANSWER_THRESHOLD,
    DEFAULT_RANKING,
    HIGH_CONFIDENCE,
    Answer,
    Ranking,
    search_and_answer,
)
from .store import IndexProvider, SearchIndex

# Each row switches one feature off, so its effect shows against "all features".
CONFIGURATIONS: dict[str, Ranking] = {
    "all features": DEFAULT_RANKING,
    "no synonyms": replace(DEFAULT_RANKING, synonyms=False),
    "no typo correction": replace(DEFAULT_RANKING, typos=False),
    "no topic weighting": replace(DEFAULT_RANKING, topic=False),
    "no question/FAQ handling": replace(DEFAULT_RANKING, questions=False),
    "no aboutness": replace(DEFAULT_RANKING, aboutness=False),
    "with heading specificity": replace(DEFAULT_RANKING, specific=True),
    "no semantic rerank": replace(DEFAULT_RANKING, semantic=False),
    "plain BM25F": Ranking(synonyms=False, typos=False, topic=False, questions=False, rerank=False),
}
# Lower edges of the reliability table's confidence buckets.
BUCKETS = tuple(sorted({0.0, ANSWER_THRESHOLD, 0.6, 0.7, 0.8, 0.9}))


def _edge(value: float) -> str:
    """Return a bucket edge as the table prints it: 0.6, 0.45, 1.0."""
    return f"{value:.1f}" if round(value, 1) == value else f"{value:.2f}"


@dataclass(frozen=True)
class Judgment:
    """One judged query: acceptable top passages (by id or section), or no answer at all."""

    q: str
    ids: frozenset[str] = frozenset()
    sections: frozenset[str] = frozenset()
    none: bool = False
    kind: str = ""

    def accepts(self, passage_id: str, section: str) -> bool:
        """Return True when a passage is an acceptable top result."""
        return passage_id in self.ids or section in self.sections


@dataclass(frozen=True)
class Outcome:
    """What one judged query got: whether the first result and the answer were right."""

    judgment: Judgment
    first_ok: bool
    reciprocal_rank: float
    answered: bool
    answer_ok: bool
    confidence: float | None
    got: str
    # What the ranking knew of its first result (None without one), and with which model.
    signals: Signals | None = None
    semantic: bool = False
    # The first result's passage id (None without one).
    top_id: str | None = None


@dataclass
class Metrics:
    """Scores of one configuration over one judgment set."""

    success_at_1: float
    mrr_at_5: float
    no_answer_accuracy: float
    passed: float
    failures: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def answered(self) -> list[Outcome]:
        """Return the outcomes where the service gave an answer."""
        return [o for o in self.outcomes if o.answered]

    @property
    def answers_right(self) -> float:
        """Return the share of answers given that are right (1.0 when none was given)."""
        given = self.answered
        return sum(o.answer_ok for o in given) / len(given) if given else 1.0

    @property
    def wrong_confident(self) -> int:
        """Return how many wrong answers were given at HIGH_CONFIDENCE or above."""
        return sum(
            1 for o in self.answered if not o.answer_ok and (o.confidence or 0) >= HIGH_CONFIDENCE
        )

    @property
    def unrelated(self) -> tuple[int, int]:
        """Return (refused, total) over the queries that must get no answer."""
        none = [o for o in self.outcomes if o.judgment.none]
        return sum(not o.answered for o in none), len(none)

    def reliability(self) -> list[tuple[str, int, float]]:
        """Return (confidence bucket, answers in it, share right) for each non-empty bucket."""
        rows = []
        edges = (*BUCKETS, 1.01)
        for low, high in zip(edges, edges[1:], strict=False):
            inside = [o for o in self.answered if low <= (o.confidence or 0) < high]
            if inside:
                label = f"{_edge(low)}–{_edge(min(high, 1.0))}"
                rows.append((label, len(inside), sum(o.answer_ok for o in inside) / len(inside)))
        return rows

    def by_kind(self) -> dict[str, tuple[int, float]]:
        """Return {kind: (queries, success@1)} over the answerable queries."""
        kinds: dict[str, list[Outcome]] = {}
        for o in self.outcomes:
            if not o.judgment.none:
                kinds.setdefault(o.judgment.kind or "plain", []).append(o)
        return {k: (len(v), sum(o.first_ok for o in v) / len(v)) for k, v in sorted(kinds.items())}


def load_judgments(path: Path) -> tuple[list[Judgment], list[Path]]:
    """Read a judgments file; return the judgments and the content folders it names."""
    data = json.loads(path.read_text())
    judgments = [
        Judgment(
            q=item["q"],
            ids=frozenset(item.get("ids", ())),
            sections=frozenset(item.get("sections", ())),
            none=bool(item.get("none")),
            kind=item.get("kind", ""),
        )
        for item in data["queries"]
    ]
    return judgments, [Path(p) for p in data.get("content", [])]


def merge_content(content_dirs: list[Path], target: Path) -> Path:
    """Copy the articles of several content folders (and the first synonyms file) into target."""
    (target / "articles").mkdir(parents=True, exist_ok=True)
    for folder in content_dirs:
        for article in article_files(folder):
            shutil.copy(article, target / "articles" / article.name)
        for name in CURATED_FILES:
            if (folder / name).is_file() and not (target / name).exists():
                shutil.copy(folder / name, target / name)
    return target


@contextmanager
def built_index(content_dirs: list[Path]) -> Iterator[SearchIndex]:
    """Merge content folders into a temporary one, build it, and yield the opened index."""
    with tempfile.TemporaryDirectory(prefix="eval-") as tmp:
        build_index(merge_content(content_dirs, Path(tmp) / "content"), Path(tmp) / "index")
        yield IndexProvider(Path(tmp) / "index").get()


def _answer_accepted(judgment: Judgment, found: Answer) -> bool:
    """Return True when the answer's passage is acceptable, or, for a list, every listed one."""
    if judgment.accepts(found.id, found.section):
        return True
    slug = found.id.split("/")[0]
    return bool(found.items) and all(
        judgment.accepts(f"{slug}/{item.url.partition('#')[2]}", item.title) for item in found.items
    )


def judge(
    index: SearchIndex,
    judgment: Judgment,
    ranking: Ranking,
    min_confidence: float = ANSWER_THRESHOLD,
) -> Outcome:
    """Run one judged query and record what its first results and its answer were."""
    answered = search_and_answer(index, judgment.q, 5, 0, ranking, min_confidence)
    hits, found = answered.results.hits, answered.answer
    top = hits[0] if hits else None
    reciprocal = 0.0
    if not judgment.none:
        for rank_no, hit in enumerate(hits[:5], 1):
            if judgment.accepts(hit.id, hit.section):
                reciprocal = 1 / rank_no
                break
    first_ok = not judgment.none and top is not None and judgment.accepts(top.id, top.section)
    answer_ok = found is not None and not judgment.none and _answer_accepted(judgment, found)
    got = f"{top.id} ({answered.results.confidence})" if top else "nothing"
    return Outcome(
        judgment,
        first_ok,
        reciprocal,
        found is not None,
        answer_ok,
        found.confidence if found else None,
        got,
        answered.results.signals,
        answered.results.semantic,
        top.id if top else None,
    )


def evaluate(
    index: SearchIndex,
    judgments: list[Judgment],
    ranking: Ranking,
    min_confidence: float = ANSWER_THRESHOLD,
) -> Metrics:
    """Run every judgment with one ranking configuration and score the results."""
    outcomes = [judge(index, j, ranking, min_confidence) for j in judgments]
    answerable = [o for o in outcomes if not o.judgment.none]
    failures: list[str] = []
    for o in outcomes:
        if o.judgment.none and o.answered:
            failures.append(f"{o.judgment.q!r}: expected no answer, got {o.got}")
        elif not o.judgment.none and not (o.first_ok and o.answered):
            answer = "yes" if o.answered else "no"
            failures.append(f"{o.judgment.q!r}: got {o.got}, answer={answer}")
    # An answer is given exactly when one is expected.
    expected = sum(o.answered != o.judgment.none for o in outcomes)
    passed = sum(o.first_ok and o.answered or o.judgment.none and not o.answered for o in outcomes)
    n = max(len(answerable), 1)
    return Metrics(
        success_at_1=sum(o.first_ok for o in answerable) / n,
        mrr_at_5=sum(o.reciprocal_rank for o in answerable) / n,
        no_answer_accuracy=expected / max(len(outcomes), 1),
        passed=passed / max(len(outcomes), 1),
        failures=failures,
        outcomes=outcomes,
    )
