"""The more specific of two entries wins: a heading that asks exactly what the query asks.

Neighbouring entries share the key term ("What is a Debian package?", "What is the format of
a Debian binary package?"); body statistics favour the longer, more general passage. A heading
whose words are all the query's, and that covers all of the query, is the entry that answers
exactly; one with words the query never used answers something narrower or broader.

Words naming the article's own topic are in many of its headings and tell them apart only when
the query asks nothing else ("what is a debian package" in a chapter on Debian packages): when
it does ("season a cast iron pan" in an article on cast iron), they are left out on both sides.
"""

from __future__ import annotations

from collections.abc import Collection

from .query import Concept, ParsedQuery

# Score multiplier for a heading that is exactly the query's concepts: 1 + this.
SPECIFIC_BONUS = 0.6


def _finds(concept: Concept, terms: Collection[str]) -> tuple[str, ...] | None:
    for alt in concept.alternatives:
        if all(t in terms for t in alt):
            return alt
    return None


def heading_overlap(
    parsed: ParsedQuery, heading: Collection[str], topic: Collection[str] = ()
) -> float:
    """Return the F-measure of the heading's terms against the query's concepts (0-1)."""
    concepts = [c for c in parsed.concepts if _finds(c, topic) is None]
    terms = set(heading) - set(topic)
    if not concepts:  # the query is all topic: every word tells this article's headings apart
        concepts, terms = list(parsed.concepts), set(heading)
    if not terms or not concepts:
        return 0.0
    matched: set[str] = set()
    found = 0
    for concept in concepts:
        alt = _finds(concept, terms)
        if alt is not None:
            matched.update(alt)
            found += 1
    if not found:
        return 0.0
    recall, precision = found / len(concepts), len(matched) / len(terms)
    return 2 * recall * precision / (recall + precision)


def specificity_factor(
    parsed: ParsedQuery, heading: Collection[str], topic: Collection[str] = ()
) -> float:
    """Return the score multiplier for how exactly a heading asks what the query asks."""
    return 1.0 + SPECIFIC_BONUS * heading_overlap(parsed, heading, topic) ** 2
