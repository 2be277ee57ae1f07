"""Rank passages for a parsed query and pick the best answer.

The impact postings (BM25F over body, section heading, title and keywords; retrieve.py) find
the candidates; a rerank
over those few candidates then applies what plain BM25F gets wrong on article-shaped content:
words that name an article's topic count less inside that article, headings and FAQ questions
count more, "what is X" prefers the passage that defines X, and a passage must cover the
query's concepts, weighted by rarity, to answer it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from . import bm25
from .aboutness import article_weights
from .confidence import Signals, answer_confidence
from .curation import curation_of, normalise
from .lexicon import is_english
from .lists import ListItem, asks_for_list, find_list
from .query import Concept, ParsedQuery, QueryText, parse_query
from .retrieve import retrieve
from .semantic import fuse, passage_vectors
from .snippets import best_sentences, highlight
from .specificity import specificity_factor
from .store import SearchIndex

CANDIDATES = 50
# The rerank is multiplied by (candidate score / best candidate score) ** this: on article
# content it changes nothing measurable, while on 64k short documents it keeps BM25F's length
# signal (a short title that is all query words), which lifts top-10 from 0.80 to 0.84.
CANDIDATE_WEIGHT = 0.2
HEADING_WEIGHT = 1.2
# A question matched by an FAQ entry's own question is the best answer a site can give.
FAQ_WEIGHT = 1.6
# Words of an article's title or keywords name what every passage of it is about: in the body
# they count this much; in a heading, by how few of the article's headings contain them.
TOPIC_DAMPING = 0.3
# Matching an article's title or keywords: decides between articles, not between passages.
ARTICLE_WEIGHT = 1.0
# Coverage credit for a concept found only in the article's title or keywords.
TITLE_ONLY_CREDIT = 1.0
DEFINITION_BONUS = 0.6
# A query that is mostly the article's own topic is best answered by its opening passage.
OVERVIEW_BONUS = 0.3
# "why …" finds "Why is …?" headings, "can …" finds "Can I …?".
OPENER_BONUS = 0.4
# What the question words ask for ("who" -> risk), found in a heading or the body.
HINT_HEADING_BONUS = 0.7
HINT_BODY_BONUS = 0.1
# A recap restates the sections before it: the section that develops a point answers better.
RECAP_PENALTY = 0.8
RECAP_HEADINGS = frozenset(
    (
        "conclusion",
        "conclusions",
        "summary",
        "in summary",
        "in conclusion",
        "final thoughts",
        "the bottom line",
        "bottom line",
        "takeaways",
        "key takeaways",
        "wrapping up",
    )
)
# A passage that covers less than about half of what was asked never answers.
MIN_COVERAGE = 0.55
# Below this calibrated confidence (confidence.py) there is no answer: the lowest threshold at
# which both configurations' answers on the tuning half are right at least 94 % of the time.
# Confidences are lower bounds at 95 % certainty; 0.45 let the lexical model's step backed at
# 0.49 answer once the tuning half grew (its answers there right 88 %).
ANSWER_THRESHOLD = 0.5
# Below this an answer is a guess (right three to four times in five on the evaluation's halves,
# docs/voice.md): a voice says it is unsure, and the query log report lists the question.
LOW_CONFIDENCE = 0.7
# An answer at this confidence or above is one the service stands behind (fit_confidence.py
# checks that such answers are right at least 95 % of the time).
HIGH_CONFIDENCE = 0.9
ANSWER_MAX_WORDS = 60
# How far past the first result an answer is looked for when curated blocks skip passages.
MAX_BLOCKED_LOOKAHEAD = 10
# How many passages a list question looks through for the best one of another article.
LIST_LOOKAHEAD = 20


_WH_OPENERS = frozenset(("why", "how", "what", "who", "when", "where", "which", "can"))


@dataclass(frozen=True)
class Ranking:
    """Switches for each relevance feature, so the evaluation can measure each one."""

    synonyms: bool = True
    typos: bool = True
    topic: bool = True
    questions: bool = True
    # The entry whose heading asks exactly what the query asks wins (specificity.py). Off: with
    # the semantic rerank it loses on the tuning half (docs/relevance.md).
    specific: bool = False
    # The article whose subject the query names decides before the passage does (aboutness.py).
    aboutness: bool = True
    # A sentence encoder's similarity joins the lexical score, where it is set up (semantic.py).
    semantic: bool = True
    # False: the candidates' plain BM25F order, and any match counts as an answer (the
    # baseline).
    rerank: bool = True


DEFAULT_RANKING = Ranking()


@dataclass(frozen=True)
class Hit:
    """One ranked passage."""

    id: str
    article: str
    article_slug: str
    section: str
    text: str
    snippet: str
    url: str
    score: float
    # The idf-weighted share of the query's concepts the passage covers.
    coverage: float


@dataclass(frozen=True)
class SearchResults:
    """A page of ranked passages plus what was searched."""

    query: str
    corrected: str | None
    total: int
    hits: list[Hit]
    index_version: str
    took_ms: float
    # What the ranking knows about the first result (first page only), for its confidence.
    signals: Signals | None = None
    # Whether the sentence encoder took part (its confidence model is another).
    semantic: bool = False
    # A curated pin is first: the site owner stands behind it.
    pinned: bool = False

    @property
    def confidence(self) -> float | None:
        """Return the calibrated chance that the first result answers (first page only)."""
        if self.pinned:
            return 1.0
        return answer_confidence(self.signals, self.semantic) if self.signals else None


@dataclass(frozen=True)
class Answer:
    """The best passage, trimmed to a short whole-sentence answer, or an article's list."""

    id: str
    article: str
    section: str
    text: str
    url: str
    confidence: float
    # A list answer ("reasons for X"): the items the text names, each with its link. Its id
    # and url are then the article's, its section the article's title (index/lists.py).
    items: tuple[ListItem, ...] = ()


def _phrase_in(alt: tuple[str, ...], terms) -> bool:
    if len(alt) == 1:  # nearly every alternative: skip the generator, it is the rerank's hot spot
        return alt[0] in terms
    return all(t in terms for t in alt)


@dataclass(frozen=True)
class _Scored:
    score: float
    coverage: float
    matched: frozenset[str]


def _score(
    index: SearchIndex,
    fields: dict,
    parsed: ParsedQuery,
    idfs: list[float],
    ranking: Ranking,
) -> _Scored:
    """Score one candidate passage and measure how much of the query it covers."""
    stats = fields["stats"]
    tf, length = stats["tf"], stats["len"]
    heading = stats.get("sec", ())
    defined = stats.get("def", ())
    article = index.article(fields)
    topic = article.topic_terms if article else frozenset()
    spread = article.topic_spread if article else {}
    heading_spread = article.topic_heading_spread if article else {}
    norm = bm25.length_norm(length, max(index.avg_body_length, 1.0))
    heading_weight = HEADING_WEIGHT
    # A curated alternate question ("ask") is matched as an FAQ question is.
    faq = fields["kind"] == "faq" or stats.get("ask", False)
    if ranking.questions and faq and parsed.question:
        heading_weight *= FAQ_WEIGHT
    score = covered = total_weight = defined_weight = topic_weight = 0.0
    matched: set[str] = set()
    for concept, idf in zip(parsed.concepts, idfs, strict=True):
        total_weight += idf
        body_credit = heading_credit = topic_spread = 0.0
        found = in_topic = in_definition = False
        # One term (nearly every alternative): plain membership tests, no call per test; this
        # loop runs for every alternative of every candidate.
        for alt, one in concept.shaped:
            alt_spread = 0.0
            alt_in_topic = one in topic if one is not None else _phrase_in(alt, topic)
            if alt_in_topic:
                in_topic = True
                if one is not None:
                    alt_spread = spread[one] if one in spread else 1.0
                else:
                    alt_spread = max(spread.get(t, 1.0) for t in alt)
                if alt_spread > topic_spread:
                    topic_spread = alt_spread
            damp = ranking.topic and alt_in_topic
            if one in tf if one is not None else _phrase_in(alt, tf):
                f = tf[one] if one is not None else min(tf[t] for t in alt)
                weight = bm25.saturate(f, norm) * (TOPIC_DAMPING if damp else 1.0)
                if weight > body_credit:
                    body_credit = weight
                matched.update(alt)
                found = True
            if one in heading if one is not None else _phrase_in(alt, heading):
                credit = heading_weight
                if damp:
                    # A heading that repeats the article's topic says little about its section,
                    # and an FAQ question is matched by what it asks, not by the subject.
                    headings_with = max(heading_spread.get(t, 1.0) for t in alt)
                    credit = HEADING_WEIGHT * (1.0 - max(headings_with, alt_spread))
                if credit > heading_credit:
                    heading_credit = credit
                matched.update(alt)
                found = True
            if not in_definition:
                in_definition = one in defined if one is not None else _phrase_in(alt, defined)
        score += idf * (body_credit + heading_credit + (ARTICLE_WEIGHT if in_topic else 0.0))
        if in_topic:
            topic_weight += idf * topic_spread
        if found:
            covered += idf * concept.trust
        elif in_topic:
            covered += idf * concept.trust * TITLE_ONLY_CREDIT
        if in_definition:
            defined_weight += idf
    coverage = covered / total_weight if total_weight else 0.0
    # Matching more of the query is worth more than matching one word often.
    score *= 0.5 + coverage
    if ranking.questions and parsed.question == "definition" and total_weight:
        score *= 1 + DEFINITION_BONUS * defined_weight / total_weight
    if ranking.questions and parsed.opener in _WH_OPENERS and parsed.opener == stats.get("open"):
        score *= 1 + OPENER_BONUS
    if ranking.questions and parsed.hints:
        if parsed.hints & set(heading):
            score *= 1 + HINT_HEADING_BONUS
        elif any(h in tf for h in parsed.hints):
            score *= 1 + HINT_BODY_BONUS
    if ranking.specific:
        score *= specificity_factor(parsed, heading, topic)
    if fields["section"].lower().strip(" :.!") in RECAP_HEADINGS:
        score *= RECAP_PENALTY
    # Overview: the query names what the whole article is about (words spread over it) and
    # asks nothing narrower ("who gets X" wants the section on risk, not the overview).
    overview = ranking.topic and fields["position"] == 0 and not parsed.hints
    if overview and topic_weight >= 0.6 * total_weight:
        score *= 1 + OVERVIEW_BONUS
    return _Scored(score, min(1.0, coverage), frozenset(matched))


def _concept_idfs(index: SearchIndex, concepts: tuple[Concept, ...]) -> list[float]:
    """Weigh each concept by rarity; a word the index lacks weighs as much as a typical one.

    An unknown word is either noise ("lots", "bad") or a sign the query is about something
    else ("chocolate"): weighing it like the query's average known word lets one filler word
    lower confidence a little, while a query of mostly unknown words still gets no answer.
    """
    # A phrase is as specific as its rarest word; the best alternative decides.
    idfs = [max(max(index.idf(t) for t in alt) for alt in c.alternatives) for c in concepts]
    known = [idf for idf, c in zip(idfs, concepts, strict=True) if c.known]
    if not known:
        return idfs
    typical = sum(known) / len(known)
    return [idf if c.known else typical for idf, c in zip(idfs, concepts, strict=True)]


def _candidates(index: SearchIndex, parsed: ParsedQuery, limit: int) -> tuple[int, list]:
    """Return (total matches, [(candidate score, stored fields)]) of the best candidates.

    The impact postings (retrieve.py) find them in a bounded time whatever the words.
    """
    concepts = [c.alternatives for c in parsed.concepts]
    total, found = retrieve(index.impacts, concepts, limit)
    # The rerank reads the body counts of the query's terms and of its hints.
    passages = index.passages([doc for _, doc in found], parsed.terms | parsed.hints)
    return total, [(score, fields) for (score, _), fields in zip(found, passages, strict=True)]


def rank(
    index: SearchIndex,
    parsed: ParsedQuery,
    limit: int,
    offset: int = 0,
    ranking: Ranking = DEFAULT_RANKING,
) -> SearchResults:
    """Return the requested page of passages for an already parsed query."""
    started = time.perf_counter()
    pinned = curation_of(index).pins.get(normalise(parsed.text))
    if not parsed.concepts and not pinned:
        return SearchResults(parsed.text, parsed.corrected, 0, [], index.version, 0.0)
    total, candidates = 0, []
    if parsed.concepts:
        total, candidates = _candidates(index, parsed, max(CANDIDATES, offset + limit))
    idfs = _concept_idfs(index, parsed.concepts)
    scored: list[tuple[_Scored, dict]] = []
    best = max((c[0] for c in candidates), default=0.0) or 1.0
    about = (
        article_weights(index, parsed, {f["article"]: f for _, f in candidates})
        if ranking.rerank and ranking.aboutness
        else {}
    )
    for candidate_score, fields in candidates:
        s = _score(index, fields, parsed, idfs, ranking)
        if not ranking.rerank:
            s = replace(s, score=candidate_score, coverage=1.0)
        elif candidate_score > 0:
            factor = (candidate_score / best) ** CANDIDATE_WEIGHT
            factor *= about.get(fields["article"], 1.0)
            # Built directly: dataclasses.replace costs ~5 µs, once per candidate.
            s = _Scored(s.score * factor, s.coverage, s.matched)
        scored.append((s, fields))
    order = lambda item: (-item[0].score, item[1]["article"], item[1]["position"])  # noqa: E731
    scored.sort(key=order)
    vectors = passage_vectors(index) if ranking.rerank and ranking.semantic else None
    lexical = scored
    similarity: dict[str, float] = {}
    if vectors is not None and scored:
        # The encoder reranks the best lexical candidates; a deep page's tail stays below them.
        head, tail = scored[:CANDIDATES], scored[CANDIDATES:]
        ids = [f["id"] for _, f in head]
        found = vectors.similarities(encoder_text(parsed), ids)
        similarity = dict(zip(ids, found.passage, strict=True))
        fused = fuse([s.score for s, _ in head], [s.coverage for s, _ in head], found)
        head = [(replace(s, score=f), fields) for f, (s, fields) in zip(fused, head, strict=True)]
        head.sort(key=order)
        scored = head + tail
    if pinned:
        scored, total = _pin_first(index, parsed, scored, pinned, total)
    signals = (
        _signals(parsed, scored, lexical, similarity)
        if offset == 0 and scored and not pinned
        else None
    )
    hits = []
    for s, fields in scored[offset : offset + limit]:
        article = index.article(fields)
        hits.append(
            Hit(
                id=fields["id"],
                article=article.title if article else fields["title"],
                article_slug=fields["article"],
                section=fields["section"],
                text=fields["body"],
                snippet=highlight(fields["body"], s.matched),
                url=fields["url"],
                score=round(s.score, 4),
                coverage=round(s.coverage, 3),
            )
        )
    took = (time.perf_counter() - started) * 1000
    return SearchResults(
        parsed.text,
        parsed.corrected,
        total,
        hits,
        index.version,
        took,
        signals,
        vectors is not None,
        bool(pinned) and offset == 0,
    )


def encoder_text(parsed: ParsedQuery) -> str:
    """Return the query as the encoder reads it: an abbreviation with what it stands for.

    The encoder knows English, not a site's abbreviations ("rls"): the site's synonyms say.
    """
    text = parsed.corrected or parsed.text
    extra = []
    for concept in parsed.concepts:
        word = concept.surface
        if " " in word or is_english(word) or len(concept.alternatives) < 2:
            continue
        longest = max(concept.alternatives[1:], key=len)
        extra.append(" ".join(longest))
    return " ".join([text, *extra])


def _lead(scores: list[float]) -> float:
    """Return how far the first score leads the second: 1 - second / first."""
    if not scores or scores[0] <= 0:
        return 0.0
    return 1.0 - (scores[1] / scores[0] if len(scores) > 1 else 0.0)


def _signals(
    parsed: ParsedQuery, scored: list, lexical: list, similarity: dict[str, float]
) -> Signals:
    """Return what the ranking knows about its first result (confidence.py weighs it)."""
    (top, fields), rest = scored[0], scored[1:]
    concepts = parsed.concepts
    cosine = similarity.get(fields["id"], 0.0)
    others = [v for k, v in similarity.items() if k != fields["id"]]
    return Signals(
        coverage=min(1.0, top.coverage),
        margin=_lead([s.score for s, _ in scored[:2]]),
        lexical_margin=_lead([s.score for s, _ in lexical[:2]]),
        known=sum(c.known for c in concepts) / len(concepts) if concepts else 0.0,
        single=float(len(concepts) == 1),
        same_article=float(bool(rest) and rest[0][1]["article"] == fields["article"]),
        similarity=max(0.0, cosine),
        similarity_lead=max(0.0, cosine - max(others, default=0.0)),
        agreement=float(not similarity or fields["id"] == lexical[0][1]["id"]),
    )


def _pin_first(
    index: SearchIndex, parsed: ParsedQuery, scored: list, pinned: str, total: int
) -> tuple[list, int]:
    """Put a curated pin first with full confidence, fetching it when it was no candidate."""
    rest = [item for item in scored if item[1]["id"] != pinned]
    if len(rest) < len(scored):
        fields = next(item[1] for item in scored if item[1]["id"] == pinned)
    else:
        fields = index.passage(pinned, parsed.terms)
        if fields is None:  # the build checked every pin: only a hand-edited index gets here
            return scored, total
        total += 1
    top = scored[0][0].score if scored else 1.0
    matched = frozenset(t for t in parsed.terms if t in fields["stats"]["tf"])
    return [(_Scored(top, 1.0, matched), fields), *rest], total


def parse(index: SearchIndex, text: QueryText, ranking: Ranking = DEFAULT_RANKING) -> ParsedQuery:
    """Parse what the user typed with the ranking's synonym and typo switches."""
    return parse_query(index, text, correct=ranking.typos, synonyms=ranking.synonyms)


def search(
    index: SearchIndex,
    text: QueryText,
    limit: int = 10,
    offset: int = 0,
    ranking: Ranking = DEFAULT_RANKING,
) -> SearchResults:
    """Search the index for what the user typed."""
    return rank(index, parse(index, text, ranking), limit, offset, ranking)


def answer_from(
    results: SearchResults,
    parsed: ParsedQuery,
    blocked: frozenset[str] | set[str] = frozenset(),
    min_confidence: float = ANSWER_THRESHOLD,
) -> Answer | None:
    """Return the best answer among ranked results, or None when none is confident enough.

    A curated blocked passage is never the answer: the best passage after it answers instead.
    """
    top = next((hit for hit in results.hits if hit.id not in blocked), None)
    if top is None or top.coverage < MIN_COVERAGE:
        return None
    confidence = results.confidence
    if top is not results.hits[0] and results.signals is not None:
        # Past a blocked passage: what the ranking knew of the first result does not carry over.
        signals = replace(results.signals, coverage=top.coverage, margin=0.0, agreement=0.0)
        confidence = answer_confidence(signals, results.semantic)
    if confidence is None or confidence < min_confidence:
        return None
    return Answer(
        id=top.id,
        article=top.article,
        section=top.section,
        text=best_sentences(top.text, parsed.terms, ANSWER_MAX_WORDS),
        url=top.url,
        confidence=confidence,
    )


@dataclass(frozen=True)
class Answered:
    """What a question got: the query as parsed, a page of results and the best answer."""

    parsed: ParsedQuery
    results: SearchResults
    answer: Answer | None
    # The answering passage's whole text ("tell me more" reads on from the answer); not
    # always the first result's, since a curated block may skip it.
    passage: str = ""


def _list_answer(
    index: SearchIndex, parsed: ParsedQuery, results: SearchResults, min_confidence: float
) -> Answer | None:
    """Return the first result's article's list, confident as far as that article leads the
    best passage of any other article, or None."""
    top = results.hits[0]
    listed = find_list(index, parsed, top.article_slug)
    if listed is None or results.signals is None or top.coverage < MIN_COVERAGE:
        return None
    other = next((h.score for h in results.hits if h.article_slug != top.article_slug), 0.0)
    lead = 1.0 - other / top.score if top.score > 0 else 0.0
    signals = replace(results.signals, margin=lead, lexical_margin=lead, same_article=0.0)
    confidence = answer_confidence(signals, results.semantic)
    if confidence < min_confidence:
        return None
    return Answer(
        id=listed.article_id,
        article=top.article,
        section=top.article,
        text=listed.text,
        url=listed.article_url,
        confidence=confidence,
        items=listed.items,
    )


def search_and_answer(
    index: SearchIndex,
    text: QueryText,
    limit: int = 1,
    offset: int = 0,
    ranking: Ranking = DEFAULT_RANKING,
    min_confidence: float = ANSWER_THRESHOLD,
) -> Answered:
    """Rank a page for what the user asked and pick the best answer (first page only).

    min_confidence lower than the service's lets the calibration see every would-be answer.
    """
    parsed = parse(index, text, ranking)
    blocked = curation_of(index).blocked
    # Enough passages past the page that one may answer when the best ones are blocked, and,
    # for a question asking for a list, enough to see the best passage of another article.
    lookahead = min(len(blocked), MAX_BLOCKED_LOOKAHEAD)
    pinned = normalise(parsed.text) in curation_of(index).pins
    asks_list = ranking.questions and not pinned and offset == 0 and asks_for_list(parsed)
    depth = max(limit + lookahead, LIST_LOOKAHEAD if asks_list else 0)
    results = rank(index, parsed, depth, offset, ranking)
    found = answer_from(results, parsed, blocked, min_confidence) if offset == 0 else None
    # A list stands for its article's sections, so its article must lead, not one passage;
    # a curated pin names the one answer wanted.
    if asks_list and results.hits and results.hits[0].id not in blocked:
        listed = _list_answer(index, parsed, results, min_confidence)
        found = listed if listed is not None else found
    passage = next((h.text for h in results.hits if found and h.id == found.id), "")
    results = replace(results, hits=results.hits[:limit])
    if found is not None and found.items:
        passage = found.text  # "tell me more" after a list goes on with the items not yet said
    return Answered(parsed, results, found, passage)


def answer(index: SearchIndex, text: str, ranking: Ranking = DEFAULT_RANKING) -> Answer | None:
    """Return the single best answer for what the user asked, or None."""
    return search_and_answer(index, text, ranking=ranking).answer
