"""Fixtures: a content folder (the real articles plus test articles) built into a tmp index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.build import build_index
from service.app import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def make_content(target: Path, *fixture_articles: str) -> Path:
    """Copy the project's content plus the named fixture articles into target."""
    shutil.copytree(ROOT / "content", target)
    for name in fixture_articles:
        shutil.copy(FIXTURES / "articles" / name, target / "articles" / name)
    return target


@pytest.fixture(scope="session")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's content (seed article, synonyms) as shipped."""
    return make_content(tmp_path_factory.mktemp("content") / "content")


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory: pytest.TempPathFactory, content_dir: Path) -> Path:
    """An index built from the project's content."""
    out = tmp_path_factory.mktemp("index")
    build_index(content_dir, out)
    return out


@pytest.fixture(scope="session")
def multi_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the seed plus every test article (several subjects, an FAQ block)."""
    content = tmp_path_factory.mktemp("multi") / "content"
    make_content(content, *(p.name for p in (FIXTURES / "articles").glob("*.txt")))
    out = tmp_path_factory.mktemp("multi-index")
    build_index(content, out)
    return out


FUZZ_SECRET = "fuzz-webhook-secret"


@pytest.fixture(scope="session")
def fuzz_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every article plus one full of markup, entities and quotes (as scraped) for the fuzzers."""
    content = make_content(
        tmp_path_factory.mktemp("fuzz") / "content",
        *(p.name for p in (FIXTURES / "articles").glob("*.txt")),
    )
    shutil.copy(FIXTURES / "hostile" / "markup-in-content.txt", content / "articles")
    out = tmp_path_factory.mktemp("fuzz-index")
    build_index(content, out)
    return out


def fuzz_app(index: Path):
    """A production-like app (not TESTING) with the voice checks relaxed so hostile bodies
    reach the search: Alexa signatures off (local mode), a Dialogflow secret set."""
    return create_app(
        {
            "SEARCH_INDEX_DIR": str(index),
            "ALEXA_VERIFY_SIGNATURES": False,
            "DIALOGFLOW_WEBHOOK_SECRET": FUZZ_SECRET,
        }
    )


@pytest.fixture()
def app(index_dir: Path):
    """The app serving the project's content."""
    return create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(index_dir)})


@pytest.fixture()
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture()
def multi_client(multi_index_dir: Path):
    """A test client over the multi-article index."""
    return create_app({"TESTING": True, "SEARCH_INDEX_DIR": str(multi_index_dir)}).test_client()


def pytest_terminal_summary(terminalreporter) -> None:
    """Print how many requests the fuzzers generated (.ci/run checks CI sends >= 10,000)."""
    from .invariants import GENERATED

    if GENERATED:
        parts = ", ".join(f"{name} {count}" for name, count in sorted(GENERATED.items()))
        terminalreporter.write_line(f"fuzz: {sum(GENERATED.values())} generated requests ({parts})")
