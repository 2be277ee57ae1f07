"""Answer confidence: the chance that the first result is a right answer, learnt from judgments.

A ranking score says which passage is best, not whether it answers. What the ranking knows about
its first result (how much of the query it covers, how far it leads the next one, whether the
encoder agrees) goes into a logistic model, and the model's output into a step table of how
often answers at that level were right. Both are fitted on the tuning half of the evaluation by
scripts/fit_confidence.py into data/confidence.json, one model per configuration (with and
without the sentence encoder), and checked on the test half (docs/relevance.md). A step's rate
is the lower bound of its share right (scripts/fit_confidence.py), so a confidence is never higher
than its judgments back.
"""

from __future__ import annotations

import json
import math
from dataclasses import astuple, dataclass, fields
from functools import cache
from pathlib import Path

MODEL_FILE = Path(__file__).parent / "data" / "confidence.json"


@dataclass(frozen=True)
class Signals:
    """What the ranking knows about its first result, each in [0, 1]."""

    # The idf-weighted share of the query's concepts the passage (or its article) covers.
    coverage: float
    # How far the first result leads the second: 1 - second score / first score.
    margin: float
    # The same lead in the lexical ranking, before the encoder reranks (equal without it).
    lexical_margin: float
    # The share of the query's concepts the index knows at all.
    known: float
    # 1 when the query is one concept: one word says little about which passage is meant.
    single: float
    # 1 when the second result is another passage of the first one's article.
    same_article: float
    # The encoder's cosine of query and passage (0 without the encoder).
    similarity: float
    # How far that cosine is above the best other candidate's (0 below it, or without encoder).
    similarity_lead: float
    # 1 when the lexical ranking put the same passage first (1 without the encoder).
    agreement: float


SIGNAL_NAMES = tuple(f.name for f in fields(Signals))


@dataclass(frozen=True)
class Model:
    """A fitted logistic model and the step table that turns its output into a right-rate."""

    weights: tuple[float, ...]
    intercept: float
    # (lowest model output of the step, share right there), ascending.
    steps: tuple[tuple[float, float], ...]

    @classmethod
    def from_entry(cls, entry: dict) -> Model:
        """Return the model of one entry of the model file (what the fit writes)."""
        steps = tuple((low, rate) for low, rate in entry["steps"])
        return cls(tuple(entry["weights"]), entry["intercept"], steps)

    def confidence(self, signals: Signals) -> float:
        """Return the calibrated chance that the answer with these signals is right."""
        z = self.intercept + sum(w * x for w, x in zip(self.weights, astuple(signals), strict=True))
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        rate = self.steps[0][1] if self.steps else p
        for low, step_rate in self.steps:
            if p < low:
                break
            rate = step_rate
        return round(rate, 3)


@cache
def _models() -> dict[str, Model]:
    """Return the fitted models by configuration, read once; none when no file is fitted."""
    if not MODEL_FILE.is_file():
        return {}
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    models = {}
    for name, entry in data["models"].items():
        if tuple(entry["signals"]) != SIGNAL_NAMES:
            raise ValueError(f"{MODEL_FILE}: other signals; run scripts/fit_confidence.py")
        models[name] = Model.from_entry(entry)
    return models


def use_model_file(path: Path) -> None:
    """Read the models from path from now on (the fit must not use the file it replaces)."""
    global MODEL_FILE
    MODEL_FILE = path
    _models.cache_clear()


def model_for(semantic: bool) -> Model | None:
    """Return the model fitted for the configuration (with or without the encoder), if any."""
    return _models().get("semantic" if semantic else "lexical")


def answer_confidence(signals: Signals, semantic: bool) -> float:
    """Return the calibrated confidence of an answer; its coverage when no model is fitted."""
    model = model_for(semantic)
    return model.confidence(signals) if model is not None else round(signals.coverage, 3)
