"""The semantic rerank weighs the passage (its closest window when long) and its heading; an index
made before headings and windows were embedded is still served, lexically."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.build import build_index, index_files
from index.layout import MANIFEST_FILE
from index.search import search
from index.semantic import VECTORS_FILE, passage_vectors
from index.store import IndexProvider


@pytest.fixture
def encoded_index(index_dir: Path) -> Path:
    if passage_vectors(IndexProvider(index_dir).get()) is None:
        pytest.skip("the sentence encoder is not set up")
    return index_dir


def test_each_candidate_is_compared_with_its_passage_and_its_heading(encoded_index):
    index = IndexProvider(encoded_index).get()
    vectors = passage_vectors(index)
    found = vectors.similarities(
        "is restless legs genetic",
        ["restless-leg-syndrome/genetic-predisposition", "restless-leg-syndrome/iron-deficiency"],
    )
    assert len(found.passage) == len(found.heading) == 2
    # The heading alone ("Genetic Predisposition") is another text than the whole passage.
    assert found.heading[0] != pytest.approx(found.passage[0], abs=1e-3)
    assert found.heading[0] > found.heading[1]


def test_an_index_built_before_heading_vectors_is_served_lexically(encoded_index, tmp_path):
    old = tmp_path / "old-index"
    shutil.copytree(encoded_index, old)
    release = IndexProvider(old).get().path
    with np.load(release / VECTORS_FILE) as data:
        vectors, ids = data["vectors"], data["ids"]
    np.savez(release / VECTORS_FILE, vectors=vectors, ids=ids)
    # As the build before recorded it: the manifest lists each file it wrote.
    manifest = json.loads((release / MANIFEST_FILE).read_text())
    manifest["files"] = index_files(release)
    (release / MANIFEST_FILE).write_text(json.dumps(manifest))

    results = search(IndexProvider(old).get(), "is rls genetic", 3)
    assert results.hits[0].id == "restless-leg-syndrome/genetic-predisposition"
    assert results.semantic is False
    fresh = search(IndexProvider(encoded_index).get(), "is rls genetic", 3)
    assert fresh.semantic is True


WATERING = (
    "Most beds want a deep soak once or twice a week rather than a sprinkle every evening. "
    "Water early in the morning so the leaves dry before the sun is strong, and aim at the "
    "soil, not the foliage, since wet leaves invite mildew. Sandy soil drains fast and needs "
    "water more often than clay soil, which holds moisture for days. A layer of mulch keeps "
    "the ground cool and cuts evaporation in half during a dry spell. Seedlings and plants in "
    "their first season need more care than established shrubs with deep roots. "
    "A rain gauge tells you how much the sky has already given, and a finger pushed into the "
    "soil tells you more than any schedule. Drip lines save water on long rows of vegetables, "
    "and a watering can is enough for a balcony. Collect rain in a butt under the downpipe: "
    "plants prefer it to hard tap water, and it costs nothing. "
    "Frost splits terracotta pots, so bring them indoors before the first cold night of winter."
)


def test_a_long_passage_is_found_by_what_its_end_says(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "garden.txt").write_text(
        "Looking After a Small Garden\n\nWatering\n\n"
        + WATERING
        + "\n\nPruning\n\nCut roses back by a third in early spring, just above an outward bud.\n"
    )
    build_index(content, tmp_path / "index")
    index = IndexProvider(tmp_path / "index").get()
    vectors = passage_vectors(index)
    if vectors is None:
        pytest.skip("the sentence encoder is not set up")
    watering, pruning = "garden/watering", "garden/pruning"
    question = "keep clay flower pots from cracking in freezing weather"
    found = vectors.similarities(question, [watering, pruning])
    whole = float(vectors.vectors[vectors.rows[watering]] @ vectors.encoder.encode([question])[0])
    # The encoder reads 128 tokens of the whole passage: its last sentence is seen in a window.
    assert found.passage[0] > whole + 0.05
    assert found.passage[0] > found.passage[1]
