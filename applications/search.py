"""Free-text search over applications, for the inbox and the public portfolio.

Every word of the text must be found in one of the fields. On PostgreSQL a word is found
either by Swedish full-text search over the fields that hold prose (stemmed, so that
"förskolor" finds "förskola") or as a part of any field, as the plain filter finds it (a
diarienummer, the start of a word): whatever the plain filter finds is found. Both go through
indexes (migration ``0011_search_indexes``: GIN over the Swedish text vectors below and trigram
GIN over ``UPPER(field)``, which is what ``icontains`` compares). Elsewhere (the embedded
SQLite) the plain filter is the search.

The text vectors here and the indexes in the migration must be the same expressions, or the
index is not used; ``tests/applications/test_search.py`` asks PostgreSQL's planner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections
from django.db.models import Q, QuerySet

from .models import Application

# PostgreSQL's built-in Swedish configuration: Snowball stemming and Swedish stop words.
SEARCH_CONFIG = "swedish"


@dataclass(frozen=True)
class Searched:
    """What a search reads: ``fields`` are matched as parts of their text (every one of them),
    ``prose`` (a subset) are also read as Swedish words by full-text search."""

    fields: tuple[str, ...]
    prose: tuple[str, ...]

    def document(self) -> SearchVector:
        return SearchVector(*self.prose, config=SEARCH_CONFIG)


# The inbox: the intervention's name, its diarienummer and its purpose.
INBOX = Searched(fields=("title", "reference_number", "purpose"), prose=("title", "purpose"))
# The public portfolio: the investment's name, purpose and content.
PORTFOLIO = Searched(fields=("title", "purpose", "content"), prose=("title", "purpose", "content"))


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
    queryset = queryset.alias(search_document=searched.document())
    for word in words:
        stemmed = SearchQuery(word, config=SEARCH_CONFIG, search_type="plain")
        queryset = queryset.filter(Q(search_document=stemmed) | _contains(word, searched.fields))
    return queryset
