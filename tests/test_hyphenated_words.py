"""A hyphenated word is found however it is typed: "timeout" finds "time-out" and back."""

from pathlib import Path

import pytest

from index.build import build_index
from service.app import create_app

_TRANSFERS = """Transfer Questions

Jan 5, 2025

How do I set a different time-out for slow transfers?

Give the transfer a time-out in seconds: a transfer slower than that is stopped.

How long do transfers take?

A transfer takes as long as the network needs; large files take more time.
"""

_MAIL = """Mail Questions

Jan 5, 2025

How do I send an email to the list?

Write to the list address; every subscriber gets a copy.

How long does delivery take?

Delivery takes a few minutes, more time when the list is busy.
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    content = tmp_path_factory.mktemp("hyphens") / "content"
    (content / "articles").mkdir(parents=True)
    (content / "articles" / "transfers.txt").write_text(_TRANSFERS, encoding="utf-8")
    (content / "articles" / "mail.txt").write_text(_MAIL, encoding="utf-8")
    out = tmp_path_factory.mktemp("hyphens-index")
    build_index(content, out)
    return create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(Path(out))}).test_client()


@pytest.mark.parametrize(
    ("query", "section"),
    [
        ("timeout", "How do I set a different time-out for slow transfers?"),
        ("time-out", "How do I set a different time-out for slow transfers?"),
        ("e-mail the list", "How do I send an email to the list?"),
        ("email the list", "How do I send an email to the list?"),
    ],
)
def test_either_spelling_of_a_hyphenated_word_finds_the_passage(client, query, section):
    body = client.get("/search", query_string={"q": query}).get_json()
    assert body["results"][0]["section"] == section
    assert body["corrected"] is None


def test_a_word_of_the_compound_alone_still_finds_both(client):
    body = client.get("/search", query_string={"q": "time"}).get_json()
    sections = {r["section"] for r in body["results"]}
    assert "How long do transfers take?" in sections
    assert "How do I set a different time-out for slow transfers?" in sections
