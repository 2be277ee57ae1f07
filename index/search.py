"""Rank passages for a parsed query and pick the best answer.

Whoosh (BM25F over body, section heading, title and keywords) finds the candidates; a rerank
over those few candidates then applies what plain BM25F gets wrong on article-shaped content:
words that name an article's topic count less inside that article, headings and FAQ questions
count more, and a passage must cover the query's concepts, weighted by rarity, to answer it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from whoosh.searching import Searcher

from .errors import IndexUnreadable
from .query import Concept, ParsedQuery, parse_query, whoosh_query
from .snippets import best_sentences, highlight
from .store import SearchIndex

CANDIDATES = 50
K1, B = 1.2, 0.75
HEADING_WEIGHT = 1.2
FAQ_WEIGHT = 1.5
TOPIC_DAMPING = 0.3
ARTICLE_WEIGHT = 0.5
TITLE_ONLY_CREDIT = 0.5
# Below this confidence there is no answer: less than about half of what was asked is covered.
ANSWER_THRESHOLD = 0.55
ANSWER_MAX_WORDS = 60


@dataclass(frozen=True)
class Hit:
    """One ranked passage."""

    id: str
    article: str
    article_slug: str
    section: str
    kind: str
    text: str
    snippet: str
    url: str
    date: str
    score: float
    confidence: float


@dataclass(frozen=True)
class SearchResults:
    """A page of ranked passages plus what was searched."""

    query: str
    corrected: str | None
    total: int
    hits: list[Hit]
    index_version: str
    took_ms: float


@dataclass(frozen=True)
class Answer:
    """The best passage, trimmed to a short whole-sentence answer."""

    id: str
    article: str
    section: str
    text: str
    url: str
    confidence: float


def _phrase_in(alt: tuple[str, ...], terms) -> bool:
    return all(t in terms for t in alt)


def _score(
    index: SearchIndex, fields: dict, concepts: tuple[Concept, ...], idfs: list[float]
) -> tuple[float, float, set[str]]:
    """Return (rank score, confidence, matched terms) of one candidate passage."""
    stats = fields["stats"]
    tf, length = stats["tf"], stats["len"]
    heading = set(stats.get("sec", ()))
    article = index.articles.get(fields["article"])
    topic = article.topic_terms if article else frozenset()
    norm = K1 * (1 - B + B * length / max(index.avg_body_length, 1.0))
    faq = fields["kind"] == "faq"
    score = covered = total_weight = 0.0
    matched_terms: set[str] = set()
    for concept, idf in zip(concepts, idfs, strict=True):
        total_weight += idf
        best_body = 0.0
        in_heading = in_topic = False
        for alt in concept.alternatives:
            if _phrase_in(alt, tf):
                f = min(tf[t] for t in alt)
                best_body = max(best_body, f * (K1 + 1) / (f + norm))
                matched_terms.update(alt)
            if _phrase_in(alt, heading):
                in_heading = True
                matched_terms.update(alt)
            if _phrase_in(alt, topic):
                in_topic = True
        local = best_body + (HEADING_WEIGHT * (FAQ_WEIGHT if faq else 1.0) if in_heading else 0.0)
        damping = TOPIC_DAMPING if in_topic else 1.0
        score += idf * (damping * local + (ARTICLE_WEIGHT if in_topic else 0.0))
        if local:
            covered += idf
        elif in_topic:
            covered += idf * TITLE_ONLY_CREDIT
    coverage = covered / total_weight if total_weight else 0.0
    # Matching more of the query is worth more than matching one word often.
    return score * (0.5 + coverage), coverage, matched_terms


def _concept_idf(index: SearchIndex, concept: Concept) -> float:
    best = 0.0
    for alt in concept.alternatives:
        # A phrase is as specific as its rarest word.
        best = max(best, max(index.idf("body", t) for t in alt))
    return best


def rank(index: SearchIndex, parsed: ParsedQuery, limit: int, offset: int = 0) -> SearchResults:
    """Return the requested page of passages for an already parsed query."""
    started = time.perf_counter()
    if not parsed.concepts:
        return SearchResults(parsed.text, parsed.corrected, 0, [], index.version, 0.0)
    searcher: Searcher = index.searcher()
    candidate_query = whoosh_query(parsed)
    try:
        results = searcher.search(candidate_query, limit=max(CANDIDATES, offset + limit))
        total = len(results)
        candidates = [hit.fields() for hit in results]
    except Exception as exc:  # a damaged segment surfaces only when read
        raise IndexUnreadable(f"{index.path}: search failed: {exc}") from exc
    idfs = [_concept_idf(index, c) for c in parsed.concepts]
    scored = []
    for fields in candidates:
        score, confidence, matched = _score(index, fields, parsed.concepts, idfs)
        scored.append((score, confidence, fields, matched))
    scored.sort(key=lambda item: (-item[0], item[2]["article"], item[2]["position"]))
    hits = []
    for score, confidence, fields, matched in scored[offset : offset + limit]:
        article = index.articles.get(fields["article"])
        hits.append(
            Hit(
                id=fields["id"],
                article=article.title if article else fields["title"],
                article_slug=fields["article"],
                section=fields["section"],
                kind=fields["kind"],
                text=fields["body"],
                snippet=highlight(fields["body"], matched),
                url=fields["url"],
                date=fields.get("date", ""),
                score=round(score, 4),
                confidence=round(min(1.0, confidence), 3),
            )
        )
    took = (time.perf_counter() - started) * 1000
    return SearchResults(parsed.text, parsed.corrected, total, hits, index.version, took)


def search(index: SearchIndex, text: str, limit: int = 10, offset: int = 0) -> SearchResults:
    """Search the index for what the user typed."""
    return rank(index, parse_query(index, text), limit, offset)


def answer_from(results: SearchResults, parsed: ParsedQuery) -> Answer | None:
    """Return the best answer among ranked results, or None when none is confident enough."""
    if not results.hits or results.hits[0].confidence < ANSWER_THRESHOLD:
        return None
    top = results.hits[0]
    terms = parsed.terms
    return Answer(
        id=top.id,
        article=top.article,
        section=top.section,
        text=best_sentences(top.text, terms, ANSWER_MAX_WORDS),
        url=top.url,
        confidence=top.confidence,
    )


def answer(index: SearchIndex, text: str) -> Answer | None:
    """Return the single best answer for what the user asked, or None."""
    parsed = parse_query(index, text)
    return answer_from(rank(index, parsed, limit=1), parsed)


__all__ = ["Answer", "Hit", "SearchResults", "answer", "answer_from", "rank", "search"]
