"""One parser per content format, chosen by the file's suffix; all parse into formats.model.

Each format module has parse_article(text, slug, source) -> Article. The HTML and Markdown ones
need build-time libraries (requirements-build.txt) that the Lambda package does not carry, so a
module is imported only when a file of its format is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..errors import BadContent
from .model import Article

FORMATS = {
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
}

Parser = Callable[[str, str, str], Article]


def is_article_file(path: Path) -> bool:
    """Return True when the file's suffix names a format the build reads."""
    return path.suffix.lower() in FORMATS


def parser_for(path: Path) -> Parser:
    """Return the parser of path's format; raise BadContent naming the file when none fits."""
    name = FORMATS.get(path.suffix.lower())
    if name is None:
        known = ", ".join(sorted(FORMATS))
        raise BadContent(
            f"{path}: unknown article format {path.suffix or '(no suffix)'!r}; "
            f"the build reads {known}"
        )
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ImportError as exc:
        raise BadContent(
            f"{path}: reading {name} needs {exc.name}: pip install -r requirements-build.txt"
        ) from exc
    return module.parse_article
