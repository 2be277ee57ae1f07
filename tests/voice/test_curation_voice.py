"""Curation over voice: a blocked passage is never read aloud, not even by "tell me more"."""

from __future__ import annotations

from index.build import build_index
from index.content import load_article

from ..conftest import ROOT, make_content
from .conftest import Alexa, alexa_app
from .platforms import AlexaSession, said

ARTICLE = load_article(ROOT / "content" / "articles" / "restless-leg-syndrome.txt")
SECTIONS = {p.section: p.text for p in ARTICLE.passages}
GENETIC = "restless-leg-syndrome/genetic-predisposition"


def test_tell_me_more_reads_on_from_the_answer_not_from_a_blocked_first_result(
    tmp_path, authority, host, signing
):
    content = make_content(tmp_path / "content")
    (content / "curation.txt").write_text(f"block: {GENETIC}\n")
    build_index(content, tmp_path / "index")
    alexa = Alexa(alexa_app(tmp_path / "index", authority, host).test_client(), signing)
    first = alexa.client.get("/search?q=is restless leg syndrome genetic").get_json()
    assert first["results"][0]["id"] == GENETIC  # still the best match

    conversation = AlexaSession(alexa.post)
    conversation.launch()
    answer = conversation.intent("YesNoQuestionIntent", "restless leg syndrome genetic")
    section = answer.response.card.content.split("\n\n")[0]
    assert section != "Genetic Predisposition"
    more = said(conversation.intent("MoreIntent"))
    sentence = more.split(". ")[0]
    assert sentence in SECTIONS[section]
    assert sentence not in SECTIONS["Genetic Predisposition"]
