"""List answers: a question asking for reasons, causes, types, ways or symptoms, answered by the
headings of the one article that enumerates them, with a link to each."""

import pytest

from index.build import build_index
from service.app import create_app

from .conftest import make_content

SEED_LIST = [
    "Genetic Predisposition",
    "Iron Deficiency",
    "Peripheral Neuropathy",
    "Pregnancy and Hormonal Changes",
    "Medications and Substance Use",
]


def _answer(client, q: str) -> dict | None:
    response = client.get("/answer", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()["answer"]


@pytest.mark.parametrize(
    "q",
    [
        "reason for restless leg syndrome",
        "what are the reasons for restless legs",
        "causes of rls",
    ],
)
def test_the_seed_s_reasons_are_its_headings_each_with_its_link(client, q):
    answer = _answer(client, q)
    assert [item["title"] for item in answer["items"]] == SEED_LIST
    for item in answer["items"]:
        # Each link is the passage's own: /search for the heading finds it at that address.
        top = client.get("/search", query_string={"q": item["title"]}).get_json()["results"][0]
        assert (top["section"], top["url"]) == (item["title"], item["url"])
    assert answer["article"] == "Understanding the Reason for Restless Leg Syndrome"
    assert answer["url"] == "/articles/restless-leg-syndrome"
    # One readable sentence that names every item, in order.
    text = answer["text"]
    assert text.startswith("There are several possible ")
    assert text.endswith(", and medications and substance use.")
    positions = [text.index(t.lower()) for t in SEED_LIST]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "q",
    [
        "what causes restless legs during pregnancy",  # asks about one of the items
        "is rls genetic",  # asks for no list
        "what kind of doctor treats restless legs",  # "kind", but not of what the article lists
    ],
)
def test_a_question_that_asks_about_one_thing_gets_one_passage(client, q):
    answer = _answer(client, q)
    assert answer is None or "items" not in answer


@pytest.mark.parametrize(
    "q",
    [
        "causes of iron deficiency anemia",  # the article has a "Causes of Low Iron" section
        "signs of overwatering houseplants",  # "Signs of Overwatering" answers it
    ],
)
def test_an_article_with_a_section_on_it_answers_with_no_list(multi_client, q):
    # The ranking picks the passage ("Causes of Low Iron" or another): never a list of headings.
    answer = _answer(multi_client, q)
    assert answer is not None and "items" not in answer


def test_types_and_ways_get_their_own_words(tmp_path):
    content = make_content(tmp_path / "content")
    (content / "articles" / "sleep-disorders.txt").write_text(
        "Common Types of Sleep Disorders\n\nMar 3, 2024\n\n"
        "Sleep disorders are conditions that disturb how much and how well you sleep.\n\n"
        "Insomnia\n\nInsomnia means trouble falling or staying asleep on most nights.\n\n"
        "Sleep Apnea\n\nSleep apnea stops and starts breathing many times during sleep.\n\n"
        "Narcolepsy\n\nNarcolepsy brings sudden sleep attacks during the day.\n\n"
        "Conclusion\n\nMost sleep disorders can be treated once they are diagnosed.\n",
        encoding="utf-8",
    )
    build_index(content, tmp_path / "index")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()
    answer = _answer(client, "types of sleep disorders")
    assert [i["title"] for i in answer["items"]] == ["Insomnia", "Sleep Apnea", "Narcolepsy"]
    assert answer["text"] == "There are several types: insomnia, sleep apnea, and narcolepsy."


def test_the_api_description_declares_the_list_items(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    items = schemas["Answer"]["properties"]["items"]
    assert items["items"] == {"$ref": "#/components/schemas/ListItem"}
    assert "items" not in schemas["Answer"]["required"]
    assert schemas["ListItem"]["required"] == ["title", "url"]


@pytest.mark.parametrize("encoder", ["on", "off"])
def test_an_unrelated_article_does_not_cost_the_seed_its_list(tmp_path, monkeypatch, encoder):
    # The list stands for its article: what decides is how far that article leads the others,
    # not how far its first passage leads the next one of the same article.
    monkeypatch.setenv("SEARCH_ENCODER", encoder)
    content = make_content(tmp_path / "content", "cast-iron-skillet-care.txt")
    build_index(content, tmp_path / "index")
    client = create_app({"SEARCH_INDEX_DIR": str(tmp_path / "index")}).test_client()
    answer = _answer(client, "reason for restless leg syndrome")
    assert answer is not None
    assert [item["title"] for item in answer["items"]] == SEED_LIST
