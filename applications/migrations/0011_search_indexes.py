"""Indexes for the free-text search of the inbox and the portfolio (``applications.search``),
on PostgreSQL only: on the embedded SQLite the search is a plain filter and this migration
does nothing.

- trigram GIN indexes (pg_trgm) over ``UPPER(field)``, which is what ``icontains`` compares,
  so that a part of a word or a diarienummer is found without reading every row;
- GIN indexes over the Swedish text vectors that full-text search matches, one for the
  inbox's fields and one for the portfolio's. They must stay the same expressions as
  ``applications.search.INBOX`` and ``PORTFOLIO``.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations
from django.db.models.functions import Upper


def search_indexes():
    trigram = [
        GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"application_{name}_trgm")
        for field, name in (
            ("title", "title"),
            ("reference_number", "reference"),
            ("purpose", "purpose"),
            ("content", "content"),
        )
    ]
    documents = [
        GinIndex(SearchVector("title", "purpose", config="swedish"), name="application_inbox_text"),
        GinIndex(SearchVector("title", "purpose", "content", config="swedish"), name="application_portfolio_text"),
    ]
    return trigram + documents


def indexes_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    application = apps.get_model("applications", "Application")
    for index in search_indexes():
        schema_editor.add_index(application, index)


def indexes_remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    application = apps.get_model("applications", "Application")
    for index in search_indexes():
        schema_editor.remove_index(application, index)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_principals_signatures"),
    ]

    operations = [
        # A no-op on any database but PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(indexes_add, indexes_remove),
    ]
