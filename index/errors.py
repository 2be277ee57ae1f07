"""The search core's exceptions; the web layer maps each to one HTTP status."""


class SearchError(Exception):
    """Base class for every error the search core raises on purpose."""


class BadContent(SearchError):
    """A content file cannot be turned into an article (names the file)."""


class BuildError(SearchError):
    """The index build or its verification failed; the previous index is untouched."""


class IndexMissing(SearchError):
    """No built index exists at the configured location."""


class IndexUnreadable(SearchError):
    """An index exists but cannot be opened (corrupt, truncated, other schema)."""


class BadQuery(SearchError):
    """The user's query cannot be searched (empty, too long, nothing searchable)."""


class EmptyQuery(BadQuery):
    """The query is empty once normalised."""


class QueryTooLong(BadQuery):
    """The query is longer than the core searches."""


class NoWords(BadQuery):
    """The query holds only punctuation or query syntax: no word to search for."""
