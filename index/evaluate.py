"""Relevance evaluation: run judged queries and measure success@1, MRR@5 and no-answer accuracy."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .build import CURATED_FILES, build_index
from .search import DEFAULT_RANKING, Ranking, search_and_answer
from .store import IndexProvider, SearchIndex

# Each row switches one feature off, so its effect shows against "all features".
CONFIGURATIONS: dict[str, Ranking] = {
    "all features": DEFAULT_RANKING,
    "no synonyms": replace(DEFAULT_RANKING, synonyms=False),
    "no typo correction": replace(DEFAULT_RANKING, typos=False),
    "no topic weighting": replace(DEFAULT_RANKING, topic=False),
    "no question/FAQ handling": replace(DEFAULT_RANKING, questions=False),
    "plain BM25F": Ranking(synonyms=False, typos=False, topic=False, questions=False, rerank=False),
}


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


@dataclass
class Metrics:
    """Scores of one configuration over one judgment set."""

    success_at_1: float
    mrr_at_5: float
    no_answer_accuracy: float
    passed: float
    failures: list[str] = field(default_factory=list)


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


@contextmanager
def built_index(content_dirs: list[Path]) -> Iterator[SearchIndex]:
    """Merge content folders into a temporary one, build it, and yield the opened index."""
    with tempfile.TemporaryDirectory(prefix="eval-") as tmp:
        merged = Path(tmp) / "content"
        (merged / "articles").mkdir(parents=True)
        for folder in content_dirs:
            articles = folder / "articles" if (folder / "articles").is_dir() else folder
            for article in articles.glob("*.txt"):
                shutil.copy(article, merged / "articles" / article.name)
            for name in CURATED_FILES:
                if (folder / name).is_file() and not (merged / name).exists():
                    shutil.copy(folder / name, merged / name)
        build_index(merged, Path(tmp) / "index")
        yield IndexProvider(Path(tmp) / "index").get()


def evaluate(index: SearchIndex, judgments: list[Judgment], ranking: Ranking) -> Metrics:
    """Run every judgment with one ranking configuration and score the results."""
    answerable = [j for j in judgments if not j.none]
    hits_at_1 = reciprocal = answer_right = passed = 0.0
    failures: list[str] = []
    for judgment in judgments:
        answered = search_and_answer(index, judgment.q, 5, 0, ranking)
        results, found = answered.results, answered.answer
        top = results.hits[0] if results.hits else None
        if judgment.none:
            ok = found is None
            answer_right += ok
            passed += ok
            if not ok:
                failures.append(f"{judgment.q!r}: expected no answer, got {found.id}")
            continue
        answer_right += found is not None
        first_ok = top is not None and judgment.accepts(top.id, top.section)
        hits_at_1 += first_ok
        passed += first_ok and found is not None
        for rank_no, hit in enumerate(results.hits[:5], 1):
            if judgment.accepts(hit.id, hit.section):
                reciprocal += 1 / rank_no
                break
        if not first_ok or found is None:
            got = f"{top.id} ({top.confidence})" if top else "nothing"
            failures.append(f"{judgment.q!r}: got {got}, answer={'yes' if found else 'no'}")
    n = max(len(answerable), 1)
    return Metrics(
        success_at_1=hits_at_1 / n,
        mrr_at_5=reciprocal / n,
        no_answer_accuracy=answer_right / max(len(judgments), 1),
        passed=passed / max(len(judgments), 1),
        failures=failures,
    )
