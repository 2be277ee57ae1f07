"""Spelling: a typo is corrected and reported; a real English word never is."""

import subprocess
import sys

import pytest

from index.lexicon import WORDS_FILE, is_english

from .conftest import ROOT


def test_a_correct_english_word_the_site_lacks_is_searched_as_typed(client):
    # "worse" is not in the seed article ("worsen", "worsening" are): it is no typo.
    body = client.get("/search", query_string={"q": "does coffee make rls worse"}).get_json()
    assert body["corrected"] is None
    assert body["results"], "the other words still find the article"
    answer = client.get("/answer", query_string={"q": "does coffee make rls worse"}).get_json()
    assert answer["corrected"] is None


def test_every_typo_of_a_query_is_corrected_and_the_search_says_so(client):
    body = client.get("/search", query_string={"q": "restles legs in pregnacy"}).get_json()
    assert body["corrected"] == "restless legs in pregnancy"
    assert body["results"][0]["section"] == "Pregnancy and Hormonal Changes"
    body = client.get("/search", query_string={"q": "medicaton causs restless legs"}).get_json()
    assert body["corrected"] == "medication cause restless legs"


def test_a_misspelt_question_word_is_corrected_and_understood(client):
    body = client.get("/answer", query_string={"q": "waht is rls"}).get_json()
    assert body["corrected"] == "what is rls"
    assert body["answer"]["section"] == "Introduction"


def test_a_typo_is_fixed_even_when_no_passage_has_it_beside_the_other_words(client):
    # No passage of the seed holds both "genes" and "symptoms": "symtoms" is still no word.
    body = client.get("/search", query_string={"q": "genes symtoms"}).get_json()
    assert body["corrected"] == "genes symptoms"


@pytest.mark.parametrize(
    ("word", "english"),
    [("worse", True), ("Pills", True), ("colour", True), ("restles", False), ("symtoms", False)],
)
def test_the_word_list_knows_american_and_british_english(word, english):
    assert is_english(word) is english


def test_the_word_list_names_the_packages_and_script_that_made_it():
    header, *words = WORDS_FILE.read_text(encoding="utf-8").splitlines()
    assert "wamerican" in header and "wbritish" in header
    assert "scripts/make_english_words.py" in header
    assert len(words) > 70_000 and words == sorted(words)


def test_the_word_list_script_says_which_package_to_download(tmp_path):
    run = subprocess.run(
        [sys.executable, "scripts/make_english_words.py", "--deb", str(tmp_path / "no.deb")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "apt-get download wamerican" in run.stderr
