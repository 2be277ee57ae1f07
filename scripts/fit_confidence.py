#!/usr/bin/env python3
"""Fit the answer-confidence models on the tuning half and write index/data/confidence.json.

For each configuration (the sentence encoder on, and off as on Lambda) every tuning query is run
with no confidence threshold; each would-be answer gives its signals (index/confidence.py) and
whether the judgments accept it. A logistic model (its regularisation chosen by 5-fold
cross-validation) weighs the signals; an isotonic fit of the out-of-fold outputs against right
and wrong gives the step table (at least MIN_STEP answers a step). Each step's rate is the
lower bound of its share right at CERTAINTY (the Beta posterior's quantile under a Jeffreys
prior): a step of few answers, or with a few wrong, cannot claim more than they back. The test
half is not read.

Needs scikit-learn (requirements-calibrate.txt); the service reads only the JSON it writes.

Example:
    .venv/bin/pip install -r requirements-calibrate.txt
    .venv/bin/python scripts/fit_confidence.py
    .venv/bin/python scripts/fit_confidence.py --held-out --out /tmp/confidence.json
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import astuple, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.confidence import (  # noqa: E402
    MODEL_FILE,
    SIGNAL_NAMES,
    Model,
    Signals,
    use_model_file,
)
from index.evaluate import built_index, evaluate, load_judgments  # noqa: E402
from index.search import DEFAULT_RANKING, HIGH_CONFIDENCE  # noqa: E402
from index.semantic import passage_vectors  # noqa: E402

TUNING = ROOT / "tests" / "fixtures" / "eval" / "tuning.json"
STRENGTHS = (0.3, 1.0, 3.0, 10.0, 30.0)
FOLDS = 5
# A step of the table holds at least this many answers.
MIN_STEP = 10
# A step's confidence is the share right its judgments show with this certainty: its lower
# bound, not its mean, so that a step of 38 answers with 2 wrong does not claim 0.9.
CERTAINTY = 0.95
# --held-out: the tuning articles in this many groups, each judged by a fit on the others.
HELD_OUT_FOLDS = 6


def observations(
    index, judgments, semantic: bool, without: frozenset[str] = frozenset()
) -> tuple[list[tuple[float, ...]], list[int], list[str]]:
    """Return the signals (those named in without as 0), the right (1) / wrong (0) label and
    the article of every would-be answer."""
    metrics = evaluate(index, judgments, replace(DEFAULT_RANKING, semantic=semantic), 0.0)
    given = [o for o in metrics.outcomes if o.answered and o.signals is not None]
    rows = [
        tuple(
            0.0 if name in without else value
            for name, value in zip(SIGNAL_NAMES, astuple(o.signals), strict=True)
        )
        for o in given
    ]
    articles = [o.top_id.partition("/")[0] for o in given]
    return rows, [int(o.answer_ok) for o in given], articles


def mean_rate(right: int, answers: int) -> float:
    """Return a step's share right smoothed toward one half (what the bound replaced)."""
    return (right + 1) / (answers + 2)


def backed_rate(right: int, answers: int) -> float:
    """Return the share right that a step's judgments back with CERTAINTY (Jeffreys prior)."""
    from scipy.stats import beta

    return float(beta.ppf(1 - CERTAINTY, right + 0.5, answers - right + 0.5))


def fit(x: list[tuple[float, ...]], y: list[int], rate=backed_rate) -> dict:
    """Return the fitted model entry: weights, intercept and isotonic steps (rate gives each
    step's confidence from its right answers and answers)."""
    import numpy as np
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    features, labels = np.array(x), np.array(y)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)

    def out_of_fold(strength: float):
        model = LogisticRegression(C=strength, max_iter=5000)
        return cross_val_predict(model, features, labels, cv=folds, method="predict_proba")[:, 1]

    losses = {c: log_loss(labels, out_of_fold(c)) for c in STRENGTHS}
    strength = min(STRENGTHS, key=losses.__getitem__)
    model = LogisticRegression(C=strength, max_iter=5000).fit(features, labels)
    held_out = out_of_fold(strength)
    isotonic = IsotonicRegression(out_of_bounds="clip").fit(held_out, labels)
    levels = isotonic.predict(held_out)
    blocks: list[list[float]] = []  # [lowest output, right, answers], ascending
    for level in sorted(set(levels.tolist())):
        inside = levels == level
        block = [float(held_out[inside].min()), int(labels[inside].sum()), int(inside.sum())]
        if blocks and (block[2] < MIN_STEP or blocks[-1][2] < MIN_STEP):
            # Too few answers to stand alone: join the step below (the cautious side).
            blocks[-1][1] += block[1]
            blocks[-1][2] += block[2]
        else:
            blocks.append(block)
    rates = [rate(right, count) for _, right, count in blocks]
    for i in range(len(rates) - 2, -1, -1):  # the bounds may undo the order: keep it, cautiously
        rates[i] = min(rates[i], rates[i + 1])
    steps = [
        [round(low, 6), round(rate, 4)] for (low, _, _), rate in zip(blocks, rates, strict=True)
    ]
    steps[0][0] = 0.0
    return {
        "signals": list(SIGNAL_NAMES),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "regularisation": strength,
        "cross_validated_log_loss": round(losses[strength], 4),
        "answers": len(labels),
        "right": int(labels.sum()),
        "steps": steps,
    }


def held_out(x: list, y: list[int], articles: list[str]) -> str:
    """Fit on all but one of HELD_OUT_FOLDS groups of articles and judge the answers of that
    group, in turn: answers at >= 0.9 and how many of them are wrong, with each step rate."""
    from sklearn.model_selection import GroupKFold

    out = []
    for name, rate in (("mean", mean_rate), ("bound", backed_rate)):
        confident = wrong = 0
        for train, test in GroupKFold(HELD_OUT_FOLDS).split(x, y, articles):
            model = Model.from_entry(fit([x[i] for i in train], [y[i] for i in train], rate))
            for i in test:
                if model.confidence(Signals(*x[i])) >= HIGH_CONFIDENCE:
                    confident += 1
                    wrong += not y[i]
        out.append(f"{name}: {confident} at >= {HIGH_CONFIDENCE}, {wrong} wrong")
    return "; ".join(out)


def main(argv: list[str] | None = None) -> int:
    """Fit both configurations and write the model file; print each step table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--judgments", type=Path, default=TUNING, help="the tuning half")
    parser.add_argument("--out", type=Path, default=MODEL_FILE, help="model file to write")
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        choices=SIGNAL_NAMES,
        help="leave a signal out (to measure what it adds); write --out elsewhere",
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="also judge each step rate on articles left out of the fit (mean and bound)",
    )
    args = parser.parse_args(argv)
    judgments, content = load_judgments(args.judgments)
    # The would-be answers must not depend on the model being replaced (it may not even read).
    use_model_file(args.out.with_suffix(".none"))
    models = {}
    with built_index([ROOT / p for p in content]) as index:
        if passage_vectors(index) is None:
            print("the sentence encoder is not set up (requirements-semantic.txt)", file=sys.stderr)
            return 1
        for name, semantic in (("semantic", True), ("lexical", False)):
            x, y, articles = observations(index, judgments, semantic, frozenset(args.without))
            models[name] = fit(x, y)
            steps = ", ".join(f"≥{low:.2f}→{rate:.2f}" for low, rate in models[name]["steps"])
            loss = models[name]["cross_validated_log_loss"]
            print(f"{name}: {len(y)} answers, {sum(y)} right, log loss {loss}; steps {steps}")
            if args.held_out:
                print(f"  held-out articles: {held_out(x, y, articles)}")
    source = args.judgments.resolve().relative_to(ROOT) if args.judgments.is_absolute() else None
    document = {
        "source": f"scripts/fit_confidence.py on {source or args.judgments}",
        "models": models,
    }
    args.out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
