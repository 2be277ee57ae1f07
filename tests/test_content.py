"""Ingest: the scraped article shape becomes passages; comments and keyword lines do not."""

from pathlib import Path

import pytest

from index.content import load_article, load_articles, parse_article
from index.errors import BadContent

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "articles" / "restless-leg-syndrome.txt"
FAQ = Path(__file__).parent / "fixtures" / "articles" / "cast-iron-skillet-care.txt"


def test_seed_is_parsed_into_its_sections():
    article = load_article(SEED)
    assert article.slug == "restless-leg-syndrome"
    assert article.title == "Understanding the Reason for Restless Leg Syndrome"
    assert article.date == "Oct 31, 2023"
    assert [p.section for p in article.passages] == [
        "Introduction",
        "Genetic Predisposition",
        "Iron Deficiency",
        "Peripheral Neuropathy",
        "Pregnancy and Hormonal Changes",
        "Medications and Substance Use",
        "Managing Restless Leg Syndrome with Vascular Medicine",
        "Conclusion",
    ]
    managing = article.passages[6]
    assert managing.text.count("\n\n") == 1  # both of its paragraphs, in order
    assert (
        managing.id == "restless-leg-syndrome/managing-restless-leg-syndrome-with-vascular-medicine"
    )


def test_seed_keyword_line_and_comment_are_not_passages():
    article = load_article(SEED)
    assert article.keywords == ["reason for restless leg syndrome"]
    assert len(article.comments) == 1
    comment = article.comments[0]
    assert (comment.name, comment.date) == ("Diondrae Collier", "Nov 9, 2023")
    everything = " ".join(p.text for p in article.passages)
    assert "Diondrae" not in everything
    assert "Interesting read" not in everything
    assert "Nov 9, 2023" not in everything


def test_faq_questions_become_their_own_passages():
    article = load_article(FAQ)
    faqs = [p for p in article.passages if p.kind == "faq"]
    assert [p.section for p in faqs] == [
        "Can I cook tomatoes in cast iron?",
        "Is cast iron safe for glass cooktops?",
        "Why is my skillet sticky?",
    ]
    assert faqs[1].text.startswith("Yes, but lift the pan")
    assert "Frequently Asked Questions" not in [p.section for p in article.passages]
    assert [c.name for c in article.comments] == ["Margaret Oyelaran", "Tom B."]
    assert article.comments[1].text == "Never knew about baking it upside down. Thanks for sharing."
    assert article.keywords == ["cast iron skillet care", "seasoning cast iron"]


def test_mangled_characters_do_not_break_parsing():
    text = (
        "Title \ufffd\U0001f600\n\nJan 2, 2024\n\nPart\u00a0One\n\n"
        "Body with \u200bzero width and caf\u00e9.\n"
    )
    article = parse_article(text, "t")
    assert article.title == "Title"
    assert article.passages[0].section == "Part One"
    assert article.passages[0].text == "Body with zero width and café."


def test_text_before_the_first_heading_is_an_intro_passage():
    article = parse_article("A Title\n\nSome opening text without a heading.\n", "x")
    assert [(p.kind, p.section, p.id) for p in article.passages] == [
        ("intro", "A Title", "x/intro")
    ]


def test_duplicate_headings_get_distinct_ids():
    text = "T\n\nNotes\n\nFirst body text here.\n\nNotes\n\nSecond body text here.\n"
    ids = [p.id for p in parse_article(text, "t").passages]
    assert ids == ["t/notes", "t/notes-2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("Only A Title\n\nOct 1, 2023\n", "no body"),
        ("Oct 1, 2023\n\nBody text.\n", "title"),
    ],
)
def test_bad_content_is_refused_with_the_file_name(text, message):
    with pytest.raises(BadContent, match=message) as info:
        parse_article(text, "bad", source="articles/bad.txt")
    assert "articles/bad.txt" in str(info.value)


def test_non_utf8_file_is_refused_with_its_name(tmp_path):
    (tmp_path / "latin.txt").write_bytes("Caf\xe9 Title\n\nBody.\n".encode("latin-1"))
    with pytest.raises(BadContent, match="latin.txt.*UTF-8"):
        load_articles(tmp_path)


def test_article_without_blank_lines_still_finds_its_sections():
    text = (
        "Understanding Foo\nOct 31, 2023\nIntroduction\n"
        "Foo is a condition that affects many people around the world on every day of the week.\n"
        "Is foo dangerous?\n"
        "No, foo is not dangerous for most people, though it can be annoying at night.\n"
        "foo causes\n2 Comments\nJane Doe\nGreat read, thanks!\nNov 9, 2023\n"
    )
    article = parse_article(text, "foo")
    assert [(p.kind, p.section) for p in article.passages] == [
        ("section", "Introduction"),
        ("faq", "Is foo dangerous?"),
    ]
    assert article.passages[1].text.startswith("No, foo is not dangerous")
    assert article.keywords == ["foo causes"]
    assert [c.name for c in article.comments] == ["Jane Doe"]


def test_bullet_lines_are_text_not_headings():
    text = (
        "Foo Guide\n\nSymptoms\n\nThe most common signs are these:\n\n- tingling\n\n- itching\n\n"
        "Treatment\n\nRest helps most people recover within a week or two.\n"
    )
    article = parse_article(text, "foo")
    assert [p.section for p in article.passages] == ["Symptoms", "Treatment"]
    assert "- tingling" in article.passages[0].text
    assert "- itching" in article.passages[0].text


def test_a_file_of_an_unknown_format_stops_the_build_naming_it(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "good.txt").write_text("A Title\n\nSome body text here.\n")
    (articles / "notes.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(BadContent, match=r"notes\.docx: unknown article format '\.docx'"):
        load_articles(tmp_path)


EVAL = Path(__file__).parent / "fixtures" / "eval"


def _eval_article(name: str):
    """One FAQ page from a Debian documentation package, as the evaluation holds it."""
    found = sorted(EVAL.glob(f"*/articles/{name}.*"))
    return load_article(found[0])


@pytest.mark.parametrize(
    ("page", "question", "answer_starts"),
    [
        # Longer than a short heading: context sentence, then the question (sqlite3-doc).
        (
            "sqlite-faq",
            "I deleted a lot of data but the database file did not get any smaller. Is this a bug?",
            "No.",
        ),
        # 28 words, three sentences (debian-faq).
        (
            "debian-faq-choosing",
            "I am currently tracking testing (bookworm). What will happen when a release is made? "
            "Will I still be tracking testing or will my machine be running the new stable "
            "distribution?",
            "",
        ),
        # Ends in an aside in brackets after its "?" (zsh-doc).
        ("zsh-faq-2", "Why do my csh aliases not work? (Plus other alias pitfalls.)", ""),
        (
            "zsh-faq-6",
            "What bugs are currently known and unfixed? (Plus recent important changes)",
            "",
        ),
        # Asks, then exclaims (debian-faq).
        (
            "debian-faq-getting-debian",
            "Why does the official stable released CD-ROM contain symlinks for `frozen' and "
            "`unstable'? I thought this CD contains just `stable'!",
            "",
        ),
        ("debian-faq-basic-defs", "OK, now I know what Debian is... what is Linux?!", ""),
        # Two questions joined by a slash (fetchmail).
        (
            "fetchmail-faq-configuration",
            'Why is "NOMAIL" an error?/I frequently get messages from cron!',
            "",
        ),
    ],
)
def test_real_faq_questions_of_any_length_are_their_own_entries(page, question, answer_starts):
    article = _eval_article(page)
    entries = {p.section: p for p in article.passages}
    assert question in entries, [p.section for p in article.passages]
    entry = entries[question]
    assert entry.kind == "faq"
    assert entry.text.startswith(answer_starts)
    # The question is no longer folded into the answer of the entry before it.
    assert not any(question in p.text for p in article.passages)


def test_a_question_inside_an_answer_stays_in_that_answer():
    # zsh-doc: the answer opens by restating the problem as a question of its own.
    article = _eval_article("zsh-faq-3")
    heading = "How do I get a variable's value to be evaluated as another variable?"
    entry = next(p for p in article.passages if p.section == heading)
    assert entry.text.startswith("The problem is that you have a variable $E")
    assert "How do you get from $E to emacs in one easy stage?" in entry.text


def test_a_short_question_opening_an_answer_stays_in_that_answer():
    # xterm 379 FAQ, "Odd behavior": the answer opens by asking back.
    text = (
        "XTerm FAQ\n\nMay 1, 2024\n\nCan I improve the scrollbars?\n\n"
        "Is that a problem with the appearance, or the way they work?\n\n"
        "The appearance can be modified by linking with a variant of the Athena widget set.\n\n"
        "Why is the cursor hidden?\n\nIt blinks off while you type.\n"
    )
    article = parse_article(text, "xterm-faq")
    assert [(p.section, p.kind) for p in article.passages] == [
        ("Can I improve the scrollbars?", "faq"),
        ("Why is the cursor hidden?", "faq"),
    ]
    assert article.passages[0].text.startswith("Is that a problem with the appearance")
    # A list of questions before their entries stays questions, each with its own answer.
    listed = parse_article(
        "Bees\n\nMay 1, 2024\n\nWhy do bees swarm?\n\nDo bees sleep?\n\n"
        "Why do bees swarm?\n\nA crowded colony raises a new queen.\n\n"
        "Do bees sleep?\n\nYes, in short naps.\n",
        "bees",
    )
    entries = {p.section: p.text for p in listed.passages if p.kind == "faq"}
    assert entries["Do bees sleep?"] == "Yes, in short naps."
    assert entries["Why do bees swarm?"].endswith("A crowded colony raises a new queen.")


@pytest.mark.parametrize(
    "paragraph",
    [
        "Why does this happen? Nobody knows for sure, but iron seems to play a part.",
        "Is it serious? Usually not.",
        "- What should you do? Ask your doctor.",
    ],
)
def test_a_paragraph_that_asks_then_answers_is_not_a_question_heading(paragraph):
    text = f"Title\n\nOct 31, 2023\n\nBackground\n\n{paragraph}\n\nMore text follows here.\n"
    article = parse_article(text, "demo")
    assert [p.section for p in article.passages] == ["Background"]
    assert paragraph in article.passages[0].text


MC_FAQ = Path(__file__).parent / "fixtures" / "text" / "mc-faq.txt"


def test_one_line_answers_without_a_full_stop_answer_their_questions():
    # mc-data's FAQ: "The main site is https://www.midnight-commander.org" read as a heading
    # left its question without an answer, and neither was indexed. The chapter headings
    # ("Mouse") head no text of their own, so they are no passages, nor part of an answer.
    article = load_article(MC_FAQ)
    assert [(p.kind, p.section) for p in article.passages] == [
        ("faq", "Does it work with my terminal?"),
        ("faq", "I cannot compile MC. What should I do?"),
        ("faq", "Where can I get GNU Midnight Commander?"),
        ("faq", "How do I cut and paste text with mouse?"),
        ("faq", "Where should I look on the World Wide Web for MC stuff?"),
        ("faq", "Are the mailing lists archived anywhere?"),
    ]
    answers = {p.section: p.text for p in article.passages}
    assert answers["Where can I get GNU Midnight Commander?"] == (
        "The main site is https://www.midnight-commander.org"
    )
    assert answers["Where should I look on the World Wide Web for MC stuff?"] == (
        "There is a WWW page for Midnight Commander. The URL is: https://www.midnight-commander.org/"
    )
    assert answers["How do I cut and paste text with mouse?"] == (
        "Hold down shift key while using mouse to cut and paste."
    )
    assert answers["Does it work with my terminal?"].startswith("Yes, it does.\n\nBecause GNU")
    assert article.passages[-1].id == "mc-faq/are-the-mailing-lists-archived-anywhere"
    assert article.keywords == []


def test_a_one_line_answer_ending_the_article_is_not_a_keyword_line():
    text = "Bees\n\nMay 1, 2024\n\nWhere can I buy bees?\n\nAt any beekeepers' supply shop\n"
    article = parse_article(text, "bees")
    assert [(p.kind, p.section, p.text) for p in article.passages] == [
        ("faq", "Where can I buy bees?", "At any beekeepers' supply shop"),
    ]
    assert article.keywords == []


def test_a_heading_listed_before_its_entries_stays_a_heading():
    # A list of the questions and their chapters before the entries: each line comes again, so
    # the chapter under a listed question is a heading, not that question's answer.
    text = (
        "Bees\n\nMay 1, 2024\n\nWhy do bees swarm?\n\nBee biology\n\nDo bees sleep?\n\n"
        "Why do bees swarm?\n\nA crowded colony raises a new queen.\n\n"
        "Bee biology\n\nDo bees sleep?\n\nYes, in short naps.\n"
    )
    article = parse_article(text, "bees")
    entries = {p.section: p.text for p in article.passages if p.kind == "faq"}
    assert entries["Do bees sleep?"] == "Yes, in short naps."
    assert "Bee biology" not in " ".join(p.text for p in article.passages)
