"""Free-text search over applications, for the inbox and the public portfolio.

Every word of the text must be found in one of the fields. On PostgreSQL a word is found
either by Swedish full-text search over the fields that hold prose (stemmed, so that
"förskolor" finds "förskola") or as a part of any field, as the plain filter finds it (a
diarienummer, the start of a word): whatever the plain filter finds is found. Both go through
indexes (migration ``0011_search_indexes``: the Swedish text vectors are stored generated
columns with a GIN index each, and trigram GIN indexes cover ``UPPER(field)``, which is what
``icontains`` compares). Elsewhere (the embedded SQLite) the plain filter is the search.

``tests/applications/test_search.py`` asks PostgreSQL's planner whether the indexes are used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections
from django.db.models import Expression, Q, QuerySet

from .models import Application

# PostgreSQL's built-in Swedish configuration: Snowball stemming and Swedish stop words.
SEARCH_CONFIG = "swedish"


class StoredDocument(Expression):
    """A text vector column PostgreSQL keeps on the applications' table, which the model does
    not know (see the migration), read from the query's own table."""

    output_field = SearchVectorField()

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    # A list of parameters, as Django's own expressions return (the stubs say a tuple).
    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(self.column)}", []


@dataclass(frozen=True)
class Searched:
    """What a search reads: ``fields`` are matched as parts of their text; ``document`` is the
    stored Swedish text vector of the fields that hold prose (``to_tsvector('swedish', …)``)."""

    fields: tuple[str, ...]
    document: str

    def stored_document(self) -> StoredDocument:
        return StoredDocument(self.document)


# The inbox: the intervention's name, its diarienummer and its purpose (the vector: name and purpose).
INBOX = Searched(fields=("title", "reference_number", "purpose"), document="search_inbox")
# The public portfolio: the investment's name, purpose and content.
PORTFOLIO = Searched(fields=("title", "purpose", "content"), document="search_portfolio")


def search_words(text: str) -> list[str]:
    return text.split()


def _contains(word: str, fields: Sequence[str]) -> Q:
    found = Q()
    for field in fields:
        found |= Q(**{f"{field}__icontains": word})
    return found


def plain_filter(queryset: QuerySet[Application], text: str, searched: Searched) -> QuerySet[Application]:
    """The applications in which every word is a part of one of the fields, in any case."""
    for word in search_words(text):
        queryset = queryset.filter(_contains(word, searched.fields))
    return queryset


def applications_matching(queryset: QuerySet[Application], text: str, searched: Searched) -> QuerySet[Application]:
    """The applications of ``queryset`` in which every word of ``text`` is found (see the
    module's text); no words: ``queryset`` as it is."""
    words = search_words(text)
    if not words or connections[queryset.db].vendor != "postgresql":
        return plain_filter(queryset, text, searched)
    queryset = queryset.alias(search_document=searched.stored_document())
    for word in words:
        stemmed = SearchQuery(word, config=SEARCH_CONFIG, search_type="plain")
        queryset = queryset.filter(Q(search_document=stemmed) | _contains(word, searched.fields))
    return queryset
