"""Indexes for the free-text search of the inbox and the portfolio (``applications.search``),
on PostgreSQL only: on the embedded SQLite the search is a plain filter and this migration
does nothing.

- trigram GIN indexes (pg_trgm) over ``UPPER(field)``, which is what ``icontains`` compares,
  so that a part of a word or a diarienummer is found without reading every row;
- the Swedish text vectors that full-text search matches, one over the inbox's fields and one
  over the portfolio's, as stored generated columns (``applications.search.INBOX`` and
  ``PORTFOLIO`` name them) with a GIN index each. Stored, because a vector computed from the
  text for each row the search looks at costs more than the search saves. The model does not
  know these columns: PostgreSQL fills them in on every insert and update.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models.functions import Upper


TABLE = "applications_application"
# column: (index, the fields it reads)
DOCUMENTS = {
    "search_inbox": ("application_inbox_text", ("title", "purpose")),
    "search_portfolio": ("application_portfolio_text", ("title", "purpose", "content")),
}


def trigram_indexes():
    return [
        GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=f"application_{name}_trgm")
        for field, name in (
            ("title", "title"),
            ("reference_number", "reference"),
            ("purpose", "purpose"),
            ("content", "content"),
        )
    ]


def indexes_add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    application = apps.get_model("applications", "Application")
    for index in trigram_indexes():
        schema_editor.add_index(application, index)
    for column, (index, fields) in DOCUMENTS.items():
        text = " || ' ' || ".join(f"coalesce({field}, '')" for field in fields)
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN {column} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('swedish'::regconfig, {text})) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {index} ON {TABLE} USING gin ({column})")


def indexes_remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    application = apps.get_model("applications", "Application")
    for index in trigram_indexes():
        schema_editor.remove_index(application, index)
    for column in DOCUMENTS:
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN {column}")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_principals_signatures"),
    ]

    operations = [
        # Back, the extension stays: something else in the database may use it.
        migrations.RunPython(indexes_add, indexes_remove),
    ]
