"""Curation (content/curation.txt): alternate questions, pinned answers and blocked passages
change what the service answers; every reference is checked at build, naming the line."""

from pathlib import Path

import pytest

from index.build import build_index
from index.errors import BuildError
from service.app import create_app

from .conftest import make_content

MEDICATIONS = "restless-leg-syndrome/medications-and-substance-use"
GENETIC = "restless-leg-syndrome/genetic-predisposition"
IRON = "restless-leg-syndrome/iron-deficiency"


def _client(tmp_path: Path, curation: str | None):
    content = make_content(tmp_path / "content")
    if curation is not None:
        (content / "curation.txt").write_text(curation)
    build_index(content, tmp_path / "index")
    return create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()


def _answer(client, q: str) -> dict | None:
    return client.get("/answer", query_string={"q": q}).get_json()["answer"]


def _ids(client, q: str) -> list[str]:
    results = client.get("/search", query_string={"q": q}).get_json()["results"]
    return [r["id"] for r in results]


def test_an_alternate_question_answers_like_an_faq_question(tmp_path):
    plain = _client(tmp_path / "plain", None)
    assert _answer(plain, "can I drink coffee") is None  # covered too little to answer
    curated = _client(
        tmp_path / "curated",
        "# the coffee question, asked of the substances section\n"
        "ask: can I drink coffee => restless-leg-syndrome#medications-and-substance-use\n",
    )
    answer = _answer(curated, "can I drink coffee")
    assert answer["id"] == MEDICATIONS
    assert answer["section"] == "Medications and Substance Use"  # its own heading is shown
    assert _answer(curated, "may I drink some coffee")["id"] == MEDICATIONS  # matched, not equal


def test_a_pinned_query_gets_its_passage_as_answer_and_first_result(tmp_path):
    client = _client(tmp_path, f"pin: Is RLS genetic? => {IRON}\n")
    for asked in ("is rls genetic", "Is RLS genetic?", "IS  rls, GENETIC!"):
        answer = _answer(client, asked)
        assert (answer["id"], answer["confidence"]) == (IRON, 1.0)
        ids = _ids(client, asked)
        assert ids[0] == IRON
        assert ids.count(IRON) == 1 and GENETIC in ids  # the rest keep their order after it
    # Other wordings are ranked as usual.
    assert _answer(client, "rls genetic risk")["id"] == GENETIC


def test_a_pin_on_a_passage_the_query_does_not_match_still_leads(tmp_path):
    client = _client(tmp_path, f"pin: who wrote this => {IRON}\n")
    assert _answer(client, "who wrote this")["id"] == IRON
    assert _ids(client, "who wrote this") == [IRON]


def test_a_blocked_passage_is_never_the_answer_and_the_next_best_answers(tmp_path):
    plain = _client(tmp_path / "plain", None)
    ranked = _ids(plain, "is rls genetic")
    assert _answer(plain, "is rls genetic")["id"] == ranked[0] == GENETIC
    client = _client(tmp_path / "curated", f"block: {GENETIC}\n")
    answer = _answer(client, "is rls genetic")
    assert answer["id"] == ranked[1]
    assert _ids(client, "is rls genetic")[0] == GENETIC  # still found by search
    page = client.get("/", query_string={"q": "is rls genetic"}).get_data(as_text=True)
    best = page.split('class="fs-answer-source"', 1)[1].split("</p>", 1)[0]
    assert f'href="{answer["url"]}"' in best and "genetic-predisposition" not in best


def test_a_blocked_passage_with_nothing_after_it_leaves_no_answer(tmp_path):
    client = _client(tmp_path, f"block: {MEDICATIONS}\n")
    assert _ids(client, "does coffee make it worse")[0] == MEDICATIONS
    assert _answer(client, "does coffee make it worse") is None


def test_curation_is_part_of_the_index_version(tmp_path):
    content = make_content(tmp_path / "content")
    first = build_index(content, tmp_path / "index").manifest["index_version"]
    (content / "curation.txt").write_text(f"block: {MEDICATIONS}\n")
    second = build_index(content, tmp_path / "index").manifest["index_version"]
    assert first != second


@pytest.mark.parametrize(
    ("curation", "message"),
    [
        (
            f"block: {GENETIC}\n\nask: can I drink tea => restless-leg-syndrome/coffee\n",
            r"curation\.txt:3: unknown passage 'restless-leg-syndrome/coffee'",
        ),
        ("pin: is rls genetic => nosuch/article\n", r"curation\.txt:1: unknown passage"),
        ("block restless-leg-syndrome/conclusion\n", r"curation\.txt:1: expected 'ask: "),
        (f"pin: is rls genetic {IRON}\n", r"curation\.txt:1: 'pin' needs 'TEXT => PASSAGE'"),
        (f"ask: ?? => {IRON}\n", r"curation\.txt:1: 'ask' has no words"),
        (
            f"pin: is rls genetic => {IRON}\npin: Is RLS genetic? => {GENETIC}\n",
            r"curation\.txt:2: the same query is already pinned to .*line 1",
        ),
        (
            f"pin: is rls genetic => {IRON}\nblock: {IRON}\n",
            r"curation\.txt:1: .* pinned as an answer and also blocked",
        ),
    ],
)
def test_bad_curation_stops_the_build_naming_the_line_and_the_old_index_serves(
    tmp_path, curation, message
):
    content = make_content(tmp_path / "content")
    good = build_index(content, tmp_path / "index").manifest["index_version"]
    (content / "curation.txt").write_text(curation)
    with pytest.raises(BuildError, match=message):
        build_index(content, tmp_path / "index")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()
    assert client.get("/health").get_json()["index_version"] == good
