"""Synonyms: Solr format parsing, query-time expansion, build errors."""

import pytest

from index.build import build_index
from index.errors import BadContent, BuildError
from index.synonyms import parse_synonyms
from index.text import stems

from .conftest import make_content


def test_equivalent_and_one_way_rules():
    rules = parse_synonyms(
        "# comment\ncoffee, caffeine\n\nrls => restless legs syndrome\nsocks, stockings # tail\n"
    )
    assert rules.rules[("coffe",)] == (("coffe",), ("caffein",))
    assert rules.rules[("caffein",)] == (("caffein",), ("coffe",))
    assert rules.rules[("rl",)] == (tuple(stems("restless legs syndrome")),)
    assert ("restless", "leg", "syndrome") not in rules.rules  # one-way
    assert rules.rules[("sock",)] == (("sock",), ("stock",))


def test_expansion_prefers_the_longest_phrase():
    rules = parse_synonyms("nerve damage, neuropathy\nnerve, nerves")
    pieces = rules.expand(stems("peripheral nerve damage legs"))
    assert [p[0] for p in pieces] == [("peripher",), ("nerv", "damag"), ("leg",)]
    assert pieces[1][1] == (("nerv", "damag"), ("neuropathi",))


@pytest.mark.parametrize("line", ["coffee", "a => ", "=> b", "a => b => c"])
def test_malformed_lines_name_the_line(line):
    with pytest.raises(BadContent, match=r"synonyms.txt:2"):
        parse_synonyms(f"tea, chai\n{line}\n", "synonyms.txt")


def test_bad_synonyms_file_stops_the_build(tmp_path):
    content = make_content(tmp_path / "content")
    (content / "synonyms.txt").write_text("coffee => \n")
    with pytest.raises(BuildError, match="synonyms.txt:1"):
        build_index(content, tmp_path / "out")


def test_synonyms_change_the_index_version(tmp_path):
    content = make_content(tmp_path / "content")
    first = build_index(content, tmp_path / "out").manifest["index_version"]
    (content / "synonyms.txt").write_text("tea, chai\n")
    assert build_index(content, tmp_path / "out").manifest["index_version"] != first
