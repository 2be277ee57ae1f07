"""Fast retrieval: impact postings, AND-first candidates, Whoosh-equal spelling, old indexes."""

import json
import random
import shutil
from pathlib import Path

from whoosh.index import open_dir

from bench.corpus import as_articles, read_docs, read_queries
from index.build import CURRENT_FILE, MANIFEST_FILE, write_index
from index.caches import Ranked
from index.impacts import POSTINGS_FILE, TERMS_FILE
from index.search import search
from index.spelling import MAX_KEPT_WORDS, Speller
from index.store import IndexProvider, SearcherVocabulary, StoredColumn
from index.text import stem
from service.app import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _version_dir(root: Path) -> Path:
    return root / (root / CURRENT_FILE).read_text().strip()


def _app(index_dir: Path):
    return create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(index_dir)}).test_client()


def _corpus_index(tmp_path: Path) -> Path:
    docs = read_docs(FIXTURES / "bench" / "corpus.jsonl")
    out = tmp_path / "corpus-index"
    write_index(list(as_articles(docs)), out, "corpus")
    return out


def test_the_build_writes_impact_postings_for_every_passage(index_dir):
    folder = _version_dir(index_dir)
    assert (folder / POSTINGS_FILE).stat().st_size > 0
    index = IndexProvider(index_dir).get()
    assert index.impacts is not None
    # Terms are the analyzer's stems: "legs" and "leg" are one term, found in some passages.
    assert 0 < index.impacts.df(stem("legs")) == index.impacts.df(stem("leg")) <= index.doc_count
    assert index.impacts.df("chocolate") == 0


def test_a_passage_with_every_word_comes_before_one_with_some(tmp_path):
    client = _app(_corpus_index(tmp_path))
    body = client.get("/search?q=library for loading xdf files").get_json()
    top = body["results"][0]
    assert top["id"] == "libxdf0/intro"
    assert body["total"] >= len(body["results"])


def test_corpus_queries_find_their_source_in_the_top_ten(tmp_path):
    index = IndexProvider(_corpus_index(tmp_path)).get()
    queries = read_queries(FIXTURES / "bench" / "queries.json")
    found = sum(q.src in [h.article_slug for h in search(index, q.q).hits] for q in queries)
    assert found >= 0.9 * len(queries)


def test_an_index_built_before_impact_postings_is_a_503_that_says_rebuild(tmp_path, index_dir):
    old = tmp_path / "old"
    shutil.copytree(index_dir, old)
    for name in (POSTINGS_FILE, TERMS_FILE):
        (_version_dir(old) / name).unlink()
    # Such an index also predates the manifest's list of files (checked at open).
    manifest_path = _version_dir(old) / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    del manifest["files"]
    manifest_path.write_text(json.dumps(manifest))
    for route in ("/search?q=iron deficiency and dopamine", "/health"):
        response = _app(old).get(route)
        assert response.status_code == 503, route
        assert response.get_json()["error"]["code"] == "index_unreadable"
    # /health tells ops what to do (the public routes keep paths and causes to themselves).
    assert "rebuild" in _app(old).get("/health").get_json()["error"]["message"]


def test_damaged_impact_postings_are_a_503_not_a_500(tmp_path, index_dir):
    broken = tmp_path / "broken"
    shutil.copytree(index_dir, broken)
    (_version_dir(broken) / TERMS_FILE).write_bytes(b"not a pickle")
    response = _app(broken).get("/search?q=iron")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "index_unreadable"


def test_impact_postings_of_another_index_are_refused(tmp_path, index_dir):
    other = _corpus_index(tmp_path)
    mixed = tmp_path / "mixed"
    shutil.copytree(index_dir, mixed)
    for name in (POSTINGS_FILE, TERMS_FILE):
        shutil.copyfile(_version_dir(other) / name, _version_dir(mixed) / name)
    response = _app(mixed).get("/health")
    assert response.status_code == 503


def test_spelling_suggestions_equal_whoosh_s_own(tmp_path):
    ix = open_dir(str(_version_dir(_corpus_index(tmp_path))), readonly=True)
    with ix.searcher() as searcher:
        vocabulary = [t.decode() for t in searcher.reader().lexicon("spell")]
        words = SearcherVocabulary(searcher)
        rng = random.Random(8)
        speller = Speller()
        for word in rng.sample(vocabulary, 80):
            typos = {
                word,
                word[:-1],
                word + "e",
                word[0] + word[2:],
                word[0] + word[2:3] + word[1:2],
            }
            for typo in typos:
                for distance in (1, 2):
                    whoosh = searcher.corrector("spell").suggest(
                        typo, limit=5, maxdist=distance, prefix=1
                    )
                    assert speller.suggest(words, typo, 5, distance, 1) == whoosh, (typo, distance)


def test_a_typo_is_still_corrected(client):
    body = client.get("/search?q=perihperal neuropathy").get_json()
    assert body["corrected"] == "peripheral neuropathy"
    assert body["results"][0]["section"] == "Peripheral Neuropathy"


def test_manifest_and_postings_agree_on_the_passage_count(index_dir):
    folder = _version_dir(index_dir)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert IndexProvider(index_dir).get().impacts.doc_count == manifest["passage_count"]


class _EveryPrefixVocabulary:
    """A vocabulary with a few words under every prefix: each new first letter is a new bucket."""

    def words(self, prefix: str):
        return [prefix + tail for tail in ("an", "ba", "co")]

    def frequency(self, word: str) -> int:
        return 1

    def automaton(self, text: str, limit: int, maxdist: int, prefix: int) -> list[str]:
        return []


def test_the_speller_stays_bounded_whatever_first_letters_users_send():
    """10k queries of distinct CJK first letters grew one bucket each, for ever."""
    speller = Speller()
    vocabulary = _EveryPrefixVocabulary()
    for code in range(0x4E00, 0x4E00 + 20_000):
        speller.suggest(vocabulary, chr(code) + "xy", 5, 2, 1)
    kept_words = sum(len(bucket or ()) for bucket in speller._buckets._data.values())
    assert kept_words <= MAX_KEPT_WORDS
    # The bound drops the least recent buckets, not the corrections: a fresh typo still works.
    assert speller.suggest(vocabulary, "zan", 5, 1, 1) == ["zan"]


def test_the_common_word_cache_keeps_the_commonest_words_not_the_latest():
    kept = Ranked(2)
    kept.put("packag", 40_000, "a")
    kept.put("system", 9_000, "b")
    kept.put("tool", 5_000, "c")  # rarer than both: turned away
    kept.put("librari", 26_000, "d")  # evicts the rarest kept, system
    assert (kept.get("packag"), kept.get("librari"), kept.get("system"), kept.get("tool")) == (
        "a",
        "d",
        None,
        None,
    )


def test_dense_weights_give_the_postings_weights_and_zero_elsewhere(index_dir):
    impacts = IndexProvider(index_dir).get().impacts
    term = max(impacts._terms, key=impacts.df)
    docs, weights = impacts.postings(term)
    dense = impacts.dense_weights(term, docs, weights)
    assert len(dense) == impacts.doc_count
    assert [dense[d] for d in docs] == list(weights)
    assert sum(map(bool, dense)) == len(docs)


def test_stored_fields_read_directly_equal_whoosh_s_own(index_dir):
    index = IndexProvider(index_dir).get()
    with index._reading("a test") as searcher:
        column = StoredColumn.of(searcher, index._open_file)
        assert column is not None  # the layout of the pinned Whoosh: no fallback to its path
        for n in range(index.doc_count):
            assert column.get(n) == searcher.stored_fields(n)["passage"]


def test_a_stored_layout_not_known_is_read_by_whoosh(index_dir):
    index = IndexProvider(index_dir).get()
    # Opened with mmap (Whoosh's default), the column is a buffer, not a part of the file.
    with open_dir(str(_version_dir(index_dir)), readonly=True).searcher() as searcher:
        assert StoredColumn.of(searcher, index._open_file) is None
