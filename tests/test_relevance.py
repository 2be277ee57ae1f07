"""Relevance: the development judgments for the seed article (a floor, not the whole measure)."""

import json
from pathlib import Path

import pytest

JUDGMENTS = json.loads((Path(__file__).parent / "fixtures" / "dev-queries.json").read_text())


@pytest.mark.parametrize("case", JUDGMENTS["queries"], ids=lambda c: c["q"])
@pytest.mark.parametrize("which", ["seed only", "with other articles"])
def test_dev_query(client, multi_client, which, case):
    if which == "with other articles":
        client = multi_client  # other subjects in the index must not change the seed's answers
    body = client.get("/search", query_string={"q": case["q"]}).get_json()
    answer = client.get("/answer", query_string={"q": case["q"]}).get_json()["answer"]
    if case.get("none"):
        assert answer is None
    else:
        assert body["results"], "no results"
        assert body["results"][0]["section"] in case["sections"]
        assert answer is not None
        if "items" in answer:  # a list answer: the top result's article, every item acceptable
            assert answer["article"] == body["results"][0]["article"]
            assert {item["title"] for item in answer["items"]} <= set(case["sections"])
        else:
            assert answer["section"] == body["results"][0]["section"]


def test_typo_is_corrected_and_reported(client):
    body = client.get("/search?q=iron defficiency").get_json()
    assert body["corrected"] == "iron deficiency"
    assert body["results"][0]["section"] == "Iron Deficiency"


def test_a_query_that_matches_is_never_corrected(client):
    assert client.get("/search?q=peripheral neuropathy").get_json()["corrected"] is None


def test_faq_question_finds_its_entry(multi_client):
    body = multi_client.get("/search?q=can you cook tomato sauce in cast iron").get_json()
    assert body["results"][0]["section"] == "Can I cook tomatoes in cast iron?"
    answer = multi_client.get("/answer?q=why is my cast iron pan sticky").get_json()["answer"]
    assert answer["section"] == "Why is my skillet sticky?"


def test_the_title_decides_the_article(multi_client):
    body = multi_client.get("/search?q=iron deficiency restless legs").get_json()
    assert body["results"][0]["id"] == "restless-leg-syndrome/iron-deficiency"
    body = multi_client.get("/search?q=cast iron rust").get_json()
    assert body["results"][0]["id"] == "cast-iron-skillet-care/removing-rust"


def test_everyday_word_finds_the_article_word_through_synonyms(client):
    body = client.get("/search?q=does coffee make restless legs worse").get_json()
    assert body["results"][0]["section"] == "Medications and Substance Use"
    assert "<mark>caffeine</mark>" in body["results"][0]["snippet"]
    assert client.get("/answer?q=coffee").get_json()["answer"]["section"] == (
        "Medications and Substance Use"
    )


def test_what_is_prefers_the_passage_that_introduces_it(client):
    answer = client.get("/answer?q=what is rls").get_json()["answer"]
    assert answer["section"] == "Introduction"
    assert answer["text"].startswith("Restless Leg Syndrome (RLS) is a neurological disorder")


@pytest.mark.parametrize("query", ["what is the", "how do you", "xkcd qwerty zzyzx"])
def test_only_stop_words_or_unknown_words_get_no_answer(client, query):
    assert client.get("/answer", query_string={"q": query}).get_json()["answer"] is None


@pytest.mark.parametrize("name", ["judgments.json", "heldout.json"])
def test_own_judgments_pass_with_every_unrelated_query_unanswered(name):
    from index.evaluate import built_index, evaluate, load_judgments
    from index.search import DEFAULT_RANKING

    from .conftest import ROOT

    judgments, content = load_judgments(ROOT / "tests/fixtures/relevance" / name)
    assert len(judgments) >= 20
    assert sum(j.none for j in judgments) >= 3
    with built_index([ROOT / p for p in content]) as index:
        assert index.manifest["article_count"] >= 4
        metrics = evaluate(index, judgments, DEFAULT_RANKING)
    assert metrics.success_at_1 >= 0.9, metrics.failures
    assert not [f for f in metrics.failures if "expected no answer" in f]


def test_eval_script_prints_each_feature_against_plain_bm25f():
    import subprocess
    import sys

    from .conftest import ROOT

    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/eval_relevance.py"),
            "--judgments",
            str(ROOT / "tests/fixtures/dev-queries.json"),
            "--min-pass",
            "1.0",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    for row in (
        "all features",
        "no synonyms",
        "no typo correction",
        "no topic weighting",
        "no question/FAQ handling",
        "plain BM25F",
    ):
        assert f"| {row} |" in run.stdout
    assert "| all features | 100.0% | 1.000 | 100.0% | 100.0% | 100.0% | 0 |" in run.stdout
    assert "| confidence | answers | right |" in run.stdout
    assert "| kind of query | queries | success@1 |" in run.stdout


# The evaluation over text nobody on the team wrote (tests/fixtures/eval/): articles split into
# a tuning half and a test half, each built into its own index once per session.
EVAL = Path(__file__).parent / "fixtures" / "eval"
# Floors at the figures measured when they were last raised (docs/relevance.md): a change that
# loses ground on either half fails here.
FLOORS = {
    # Raised with the fitted fusion (scripts/fit_fusion.py) and passage windows.
    "tuning": {"success_at_1": 0.92, "mrr_at_5": 0.95, "answers_right": 0.94, "wrong_confident": 3},
    "test": {"success_at_1": 0.91, "mrr_at_5": 0.94, "answers_right": 0.93, "wrong_confident": 1},
}
# The lexical ranking's wrong answers at >= 0.9 on the test half, when last refitted (6 of 166:
# its answers there are right 96.4 % of the time, so the rate holds and the count is a floor).
LEXICAL_WRONG_CONFIDENT = 6
# Answers given at confidence 0.9 or more are right at least this often, on either half.
CONFIDENT_RIGHT = 0.95


@pytest.fixture(scope="session")
def eval_halves(tmp_path_factory: pytest.TempPathFactory):
    """Each half's judgments and its built index, keyed by half."""
    from index.build import build_index
    from index.evaluate import load_judgments, merge_content
    from index.store import IndexProvider

    from .conftest import ROOT

    halves = {}
    for half in ("tuning", "test"):
        judgments, content = load_judgments(EVAL / f"{half}.json")
        root = tmp_path_factory.mktemp(f"eval-{half}")
        merged = merge_content([ROOT / p for p in content], root / "content")
        build_index(merged, root / "index")
        halves[half] = (judgments, root / "index", IndexProvider(root / "index").get())
    return halves


@pytest.fixture(scope="session")
def eval_metrics(eval_halves):
    """The full ranking's metrics on each half."""
    from index.evaluate import evaluate
    from index.search import DEFAULT_RANKING

    return {h: evaluate(index, j, DEFAULT_RANKING) for h, (j, _, index) in eval_halves.items()}


def test_eval_sets_are_large_split_by_article_and_judge_passages_that_exist(eval_halves):
    slugs = {}
    for half, (judgments, _, index) in eval_halves.items():
        meta = json.loads((EVAL / f"{half}.json").read_text())
        slugs[half] = set(meta["articles"])
        assert slugs[half] <= set(index.articles)
        ids = {index.stored_fields(doc)["id"] for doc in range(index.doc_count)}
        judged = {i for j in judgments for i in j.ids}
        assert judged <= ids, judged - ids
        # Every article of the half is asked about, and no query is judged on the other half.
        assert {i.split("/")[0] for i in judged} == slugs[half]
        kinds = {j.kind for j in judgments}
        assert {"keyword", "paraphrase", "typo", "list", "oneword", "unrelated"} <= kinds
        assert sum(j.none for j in judgments) >= 10
    assert not slugs["tuning"] & slugs["test"]
    assert len(slugs["tuning"] | slugs["test"]) >= 30
    assert sum(len(j) for j, _, _ in eval_halves.values()) >= 300


@pytest.mark.parametrize("half", ["tuning", "test"])
def test_eval_half_holds_its_floor_and_refuses_every_unrelated_query(eval_metrics, half):
    m, floor = eval_metrics[half], FLOORS[half]
    assert m.success_at_1 >= floor["success_at_1"], m.failures
    assert m.mrr_at_5 >= floor["mrr_at_5"]
    assert m.answers_right >= floor["answers_right"]
    assert m.wrong_confident <= floor["wrong_confident"]
    refused, unrelated = m.unrelated
    assert refused == unrelated, [f for f in m.failures if "expected no answer" in f]


@pytest.mark.parametrize("half", ["tuning", "test"])
def test_confident_answers_are_right_as_often_as_they_claim(eval_metrics, half):
    label, answers, right = eval_metrics[half].reliability()[-1]
    assert label == "0.9–1.0" and answers >= 50
    assert right >= CONFIDENT_RIGHT


def test_without_the_encoder_confidence_has_its_own_calibration(eval_halves):
    """Lambda serves the lexical ranking: its confidence is calibrated apart, and holds too."""
    from dataclasses import replace

    from index.evaluate import evaluate
    from index.search import DEFAULT_RANKING

    judgments, _, index = eval_halves["test"]
    m = evaluate(index, judgments, replace(DEFAULT_RANKING, semantic=False))
    assert not any(o.semantic for o in m.outcomes)
    assert m.answers_right >= 0.90
    assert m.reliability()[-1][0] == "0.9–1.0" and m.reliability()[-1][2] >= CONFIDENT_RIGHT
    assert m.wrong_confident <= LEXICAL_WRONG_CONFIDENT
    assert m.unrelated[0] == m.unrelated[1]


def test_every_confidence_given_is_a_rate_the_judgments_back(eval_metrics):
    """A confidence is one of the fitted steps' right-rates (or 1.0 for a curated pin)."""
    from index.confidence import model_for

    rates = {s: [rate for _, rate in model_for(s).steps] for s in (True, False)}
    given = {o.confidence for m in eval_metrics.values() for o in m.answered}
    assert given <= {round(r, 3) for r in rates[True]}
    for step_rates in rates.values():
        # Lower bounds: no step claims certainty, and a higher one never less.
        assert all(0 < r < 1 for r in step_rates)
        assert step_rates == sorted(step_rates)


def test_the_confidence_models_are_fitted_to_the_ranking_as_it_is(eval_halves):
    """A ranking change that alters the tuning half's would-be answers needs a refit
    (scripts/fit_confidence.py), or every confidence describes answers the service no longer
    gives: the answers and right answers each model was fitted on are those of today."""
    from index import confidence
    from scripts.fit_confidence import observations

    fitted = json.loads(confidence.MODEL_FILE.read_text(encoding="utf-8"))["models"]
    judgments, _, index = eval_halves["tuning"]
    model_file = confidence.MODEL_FILE
    confidence.use_model_file(model_file.with_suffix(".none"))  # as the fit sees them
    try:
        for name, semantic in (("semantic", True), ("lexical", False)):
            _, labels, _ = observations(index, judgments, semantic)
            fitted_on = (fitted[name]["answers"], fitted[name]["right"])
            assert (len(labels), sum(labels)) == fitted_on, name
    finally:
        confidence.use_model_file(model_file)


def test_eval_answers_are_what_the_service_answers(eval_halves, eval_metrics):
    """The evaluation runs the /answer pipeline: the same query gets the same answer there."""
    from service.app import create_app

    judgments, index_dir, _ = eval_halves["test"]
    client = create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(index_dir)}).test_client()
    outcomes = eval_metrics["test"].outcomes
    for outcome in outcomes[::9]:
        body = client.get("/answer", query_string={"q": outcome.judgment.q}).get_json()
        assert (body["answer"] is not None) == outcome.answered, outcome.judgment.q
        if outcome.answered:
            assert body["answer"]["confidence"] == outcome.confidence


def test_reliability_table_counts_answers_by_confidence():
    from index.evaluate import Judgment, Metrics, Outcome

    def outcome(ok: bool, confidence: float | None, none: bool = False) -> Outcome:
        judgment = Judgment(q="q", ids=frozenset({"a/b"}), none=none)
        answered = confidence is not None
        return Outcome(judgment, ok, 1.0 if ok else 0.0, answered, ok and answered, confidence, "")

    m = Metrics(
        1.0,
        1.0,
        1.0,
        1.0,
        outcomes=[
            outcome(True, 0.95),
            outcome(True, 1.0),
            outcome(False, 0.92),
            outcome(True, 0.65),
            outcome(False, None),
            outcome(False, 0.99, none=True),
            outcome(False, None, none=True),
        ],
    )
    assert m.reliability() == [("0.6–0.7", 1, 1.0), ("0.9–1.0", 4, 0.5)]
    assert m.wrong_confident == 2
    assert m.answers_right == 3 / 5
    assert m.unrelated == (1, 2)


DOC_PAGE = """<html><head><title>t</title></head><body>
<div class="navheader"><a href="prev.html">Prev</a></div>
<h1>Chapter 3. Keeping it current</h1>
<div class="toc"><p><b>Table of Contents</b></p><dl><dt><a href="#a">3.1. Why?</a></dt></dl></div>
<h2>3.1. How do I upgrade my packages?</h2>
<p>Run the upgrade as root:</p><pre>apt-get update
apt-get upgrade</pre><p>which fetches the new versions first.</p>
<ul><li><p>Read the release notes.</p></li><li>Keep a backup</li></ul>
<h2>3.2. Configuration files</h2><p>They are kept.</p>
</body></html>"""


def test_conversion_keeps_headings_text_and_code_in_the_site_shape():
    from index.content import parse_article
    from scripts.convert_doc_faqs import Source, extract, render

    source = Source("demo", "demo-doc", "demo.html", "tuning")
    title, sections = extract(DOC_PAGE, source)
    text = render(title, "May 31, 2022", sections)
    article = parse_article(text, "demo")
    assert article.title == "Keeping it current"
    assert [(p.section, p.kind) for p in article.passages] == [
        ("How do I upgrade my packages?", "faq"),
        ("Configuration files", "section"),
    ]
    body = article.passages[0].text
    # The code joins the sentence around it, so no line of code is read as a heading.
    assert "Run the upgrade as root: apt-get update apt-get upgrade which fetches" in body
    assert "- Read the release notes." in body and "Keep a backup" in body
    assert "Prev" not in text and "Table of Contents" not in text


CHAPTERS_PAGE = """<html><body>
<DIV CLASS="NAVHEADER"><A HREF="index.html">Prev</A></DIV>
<h1>1. General</h1><h3>1.1. What is it?</h3><p>An editor.</p>
<h1>2. Where to get it.</h1><h3>2.1. Can I build it myself?</h3><p>Yes, from source.</p>
<h1>3. Running</h1><h3>3.1. How do I quit?</h3><p>Press Ctrl+X.</p>
</body></html>"""


def test_conversion_merges_small_chapters_into_one_article():
    from index.content import parse_article
    from scripts.convert_doc_faqs import Source, extract, render

    source = Source(
        "demo",
        "demo-doc",
        "demo.html",
        "tuning",
        ("h3",),
        section_id="General",
        merge=("Where to get it.",),
    )
    title, sections = extract(CHAPTERS_PAGE, source)
    text = render(title, "May 31, 2022", sections)
    article = parse_article(text, "demo")
    # The chapters are matched without their numbers; the merged one's heading joins the title.
    assert article.title == "General; Where to get it"
    assert [p.section for p in article.passages] == ["What is it?", "Can I build it myself?"]
    # A capitalised DocBook navigation bar is furniture too; the next chapter is left out.
    assert "Prev" not in text and "Ctrl+X" not in text


DOC_TEXT = """FAQ

 1. Basics
  1.1 What is it?

1. Basics

  Intro text.

  1.1 What is it?

  A tool. Run it like this:

      tool --all

  and it prints a report.

  1.2 It fails to start

  1. check the path

2. Other
  2.1 Not this chapter?
"""


def test_conversion_reads_a_plain_text_faq_chapter_by_its_numbered_headings():
    from index.content import parse_article
    from scripts.convert_doc_faqs import Source, extract_text, render

    source = Source("demo", "demo-doc", "FAQ", "tuning", section_id="Basics", title="Demo FAQ")
    title, sections = extract_text(DOC_TEXT, source)
    article = parse_article(render(title, "May 31, 2022", sections), "demo")
    assert article.title == "Demo FAQ: Basics"
    assert [(p.section, p.kind) for p in article.passages] == [
        ("Demo FAQ: Basics", "intro"),
        ("What is it?", "faq"),
        ("It fails to start", "section"),
    ]
    # The indented command joins the sentence that introduces it; the next chapter is left out.
    answer = article.passages[1].text
    assert answer == "A tool. Run it like this: tool --all and it prints a report."
    assert "Not this chapter" not in str(sections)


NUMBERED_TEXT = """
                Frequently Asked Questions about demo

An introduction.

 1. Is it fast?

    Yes.  Build it so:

        make fast

    and it is built.

 2. Can a long question wrap onto a second line and
    still be one question?

    It can.

 3. Out of range?

    Not in this article.
"""

QANDA_HTML = """<html><body>
<h3>1. Basics</h3><table>
<tr class="toc"><td><dl><dt>Q: <a href="#a">Is it fast?</a></dt></dl></td></tr>
<tr class="question"><td><p><b>Q:</b></p></td><td><p>Is it fast?</p></td></tr>
<tr class="answer"><td><p><b>A:</b></p></td><td><p>Yes, very.</p></td></tr>
</table><h3>2. Other</h3><p>Not this section.</p>
</body></html>"""


def test_conversion_reads_numbered_entries_of_a_faq_without_chapters():
    from index.content import parse_article
    from scripts.convert_doc_faqs import Source, extract_entries, render

    source = Source("demo", "demo-doc", "FAQ", "tuning", title="Demo FAQ", entries=(1, 2))
    title, sections = extract_entries(NUMBERED_TEXT, source)
    article = parse_article(render(title, "May 31, 2022", sections), "demo")
    assert article.title == "Demo FAQ (1-2)"
    assert [(p.section, p.kind) for p in article.passages] == [
        ("Demo FAQ (1-2)", "intro"),
        ("Is it fast?", "faq"),
        ("Can a long question wrap onto a second line and still be one question?", "faq"),
    ]
    # The deeper-indented command joins the sentence around it; entry 3 is the next article's.
    assert article.passages[1].text == "Yes. Build it so: make fast and it is built."
    assert "Out of range" not in str(sections)


QA_TEXT = """
Demo FAQ
========

Q:  Is it fast?

A:  Yes.  Build it so:

        make fast

    and it is built.

Q: Can a long question wrap onto a second line and
   still be one question?
A: It can, and its answer may follow without a blank line.
"""


def test_conversion_reads_a_faq_of_q_and_a_labels():
    from index.content import parse_article
    from scripts.convert_doc_faqs import Source, extract_qa, render

    source = Source("demo", "demo-doc", "faq.txt", "tuning", title="Demo FAQ", qa=True)
    title, sections = extract_qa(QA_TEXT, source)
    article = parse_article(render(title, "May 31, 2022", sections), "demo")
    assert article.title == "Demo FAQ"
    # The underlined title is the page's, not an entry; the labels are left out.
    assert [(p.section, p.kind, p.text) for p in article.passages] == [
        ("Is it fast?", "faq", "Yes. Build it so: make fast and it is built."),
        (
            "Can a long question wrap onto a second line and still be one question?",
            "faq",
            "It can, and its answer may follow without a blank line.",
        ),
    ]


def test_conversion_reads_a_docbook_question_set_without_its_labels_and_list():
    from index.content import parse_article
    from scripts.convert_doc_faqs import Source, extract, render

    source = Source(
        "demo", "demo-doc", "faq.html", "tuning", ("tr",), section_id="Basics", section_tag="h3"
    )
    title, sections = extract(QANDA_HTML, source)
    article = parse_article(render(title, "May 31, 2022", sections), "demo")
    assert article.title == "Basics"
    assert [(p.section, p.kind, p.text) for p in article.passages] == [
        ("Is it fast?", "faq", "Yes, very.")
    ]


def test_conversion_script_says_which_package_to_download_when_a_deb_is_missing(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    script = str(ROOT / "scripts/convert_doc_faqs.py")
    helped = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "Example" in helped.stdout
    run = subprocess.run(
        [sys.executable, script, "--debs", str(tmp_path), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "apt-get download debian-faq" in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("half", ["tuning", "test"])
def test_semantic_rerank_answers_what_the_words_alone_miss(eval_halves, eval_metrics, half):
    """The encoder's similarity closes the vocabulary gap; switched off, the ranking is lexical."""
    from dataclasses import replace

    from index.evaluate import evaluate
    from index.search import DEFAULT_RANKING
    from index.semantic import VECTORS_FILE

    judgments, _, index = eval_halves[half]
    assert index.manifest["semantic"]["dimensions"] == 384
    assert (index.path / VECTORS_FILE).is_file()
    lexical = evaluate(index, judgments, replace(DEFAULT_RANKING, semantic=False))
    assert eval_metrics[half].success_at_1 >= lexical.success_at_1 + 0.05
