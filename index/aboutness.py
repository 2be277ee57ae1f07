"""Which article a query is about: the article decides before the passage does.

An article's subject is what its title and keyword line name. A query word that names the
subject of few articles ("varicose", "fetchmail") says which article should answer; one that
names most of them ("debian" on a Debian FAQ) says little. Each candidate passage is weighed
by how much of the query's subject its article names, against the article that names most:
another article's FAQ question that merely mentions the subject ("Is a varicose vein a blood
clot?" in a thrombosis article) no longer outranks the subject's own article.
"""

from __future__ import annotations

import math

from .query import ParsedQuery, Phrase
from .store import SearchIndex

# A passage whose article names none of the query's subject (while another article names all
# of it) keeps this share of its score; partial naming is in proportion.
ABOUT_PENALTY = 0.3


def _names(topic: frozenset[str], alternatives: tuple[Phrase, ...]) -> bool:
    for alt in alternatives:
        # One word (nearly every alternative): a plain membership test, no generator.
        if alt[0] in topic if len(alt) == 1 else all(t in topic for t in alt):
            return True
    return False


def article_weights(
    index: SearchIndex, parsed: ParsedQuery, passages: dict[str, dict]
) -> dict[str, float]:
    """Return {article slug: score factor in (0, 1]} over the candidates' articles.

    passages: {article slug: the stored fields of one of its candidate passages}.

    Only the candidates' articles compete (one without a candidate cannot answer), and a
    word's rarity is counted among them, so the cost follows the candidates, not the site.
    """
    topics = {}
    for slug, fields in passages.items():
        article = index.article(fields)
        topics[slug] = article.topic_terms if article else frozenset()
    if len(topics) < 2:
        return {}
    # Whether each candidate article names each concept, worked out once for both sums below.
    weighted: list[tuple[list[bool], float]] = []
    for concept in parsed.concepts:
        named = [_names(topic, concept.alternatives) for topic in topics.values()]
        naming = sum(named)
        if naming:
            # Rarer among the competing articles' subjects: says more about which one answers.
            weighted.append((named, math.log(len(topics) / naming)))
    total = sum(w for _, w in weighted)
    if total <= 0:
        return {}
    about = {
        slug: sum(w for named, w in weighted if named[i]) / total for i, slug in enumerate(topics)
    }
    best = max(about.values(), default=0.0)
    if best <= 0:
        return {}
    return {slug: 1.0 - ABOUT_PENALTY * (best - share) / best for slug, share in about.items()}
