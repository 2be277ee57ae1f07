"""The expensive-query guard: no input costs more than a few times a normal query.

Cost is counted, not timed (bench/costly.py): the function calls one search makes, which is
deterministic and follows the work of retrieval, the spelling corrector, prefix expansion and
the rerank. The index is synthetic with Zipf-distributed words, big enough (2,000 passages)
that common words are expensive, and has a synonyms file of groups of the commonest words, so
every common word is searched as six. scripts/bench_query_cost.py prints the same
ratios, and times, on any index.
"""

from __future__ import annotations

import statistics

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from bench.costly import build_synthetic_index, costly_queries, count_calls, normal_queries
from index.query import MAX_QUERY_CHARS
from index.search import search
from index.store import IndexProvider
from service.schemas import MAX_OFFSET

# "A few times": the worst text may cost this many times the median normal query (10 results).
BOUND = 4.0
# The result window: the deepest page may cost this many times the first page of its size.
WINDOW_BOUND = 3.0
VOCAB_SIZE = 4000


@pytest.fixture(scope="module")
def costed(tmp_path_factory):
    """The synthetic index, its vocabulary and the median cost of a normal query."""
    out = tmp_path_factory.mktemp("synthetic-index")
    with pytest.MonkeyPatch.context() as patch:
        # Random words mean nothing to the sentence encoder, whose cost is one query embedding
        # whatever the words: the guard measures the lexical work, and the build stays quick.
        patch.setenv("SEARCH_ENCODER", "off")
        vocab = build_synthetic_index(out, passages=2000, vocab_size=VOCAB_SIZE)
    index = IndexProvider(out).get()
    # The synonyms file was built in: every common word is searched with its group.
    assert len(index.synonyms) >= 100
    search(index, "warm up the searcher")
    normal = statistics.median(_cost(index, q) for q in normal_queries(vocab))
    return index, vocab, normal


def _cost(index, text: str, **page) -> int:
    # Corrections are remembered per index: forget them so every query pays its full price.
    index.memo.clear()
    return count_calls(lambda: search(index, text, **page))


@pytest.mark.parametrize("family", list(costly_queries(["placeholder"] * 60)))
def test_worst_known_queries_cost_a_few_normal_queries(costed, family):
    index, vocab, normal = costed
    query = costly_queries(vocab)[family]
    assert len(query) <= MAX_QUERY_CHARS
    ratio = _cost(index, query) / normal
    assert ratio <= BOUND, f"{family}: {ratio:.1f}x a normal query ({query[:60]!r}…)"


def test_the_deepest_page_costs_a_few_first_pages(costed):
    """Pages are bounded (offset <= 500, limit <= 50): page 11 of 50 costs about 2x page 1."""
    index, vocab, _ = costed
    query = costly_queries(vocab)["many common words"]
    first = _cost(index, query, limit=50, offset=0)
    ratio = _cost(index, query, limit=50, offset=MAX_OFFSET) / first
    assert ratio <= WINDOW_BOUND, f"{ratio:.1f}x the first page"


@st.composite
def _pieces(draw: st.DrawFn, vocab: list[str]) -> str:
    """A query built from what makes searches expensive, for Hypothesis to combine."""
    common = st.sampled_from(vocab[:80])
    word = st.one_of(
        common,
        common.map(lambda w: w[:4]),  # a prefix to expand
        common.map(lambda w: w[0] + w[2] + w[1] + w[3:]),  # a typo to correct
        common.map(lambda w: w + "s"),
        st.text(st.sampled_from("aeioubcdfgklmnprst"), min_size=4, max_size=20),
        st.sampled_from(["*", "~2", "OR", "AND", "title:", "(", '"']),
    )
    words = draw(st.lists(word, min_size=1, max_size=40))
    return " ".join(words)[:MAX_QUERY_CHARS]


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_query_hypothesis_can_find_costs_more_than_a_few_normal_ones(costed, data):
    """Hypothesis steers towards the most expensive query it can build (target) and must not
    find one past the bound."""
    index, vocab, normal = costed
    query = data.draw(_pieces(vocab), label="query")
    ratio = _cost(index, query) / normal
    target(ratio, label="cost / normal query")
    assert ratio <= BOUND, f"{ratio:.1f}x a normal query: {query!r}"
