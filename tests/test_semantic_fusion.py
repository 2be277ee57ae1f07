"""The semantic rerank weighs the passage and its heading; an index made before headings were
embedded is still served, with the lexical ranking and its own confidence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from index.build import index_files
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
