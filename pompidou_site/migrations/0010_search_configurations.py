"""The full-text configurations of the site search on PostgreSQL (see pompidou_site/search_backend.py).

`pompidou_english` and `pompidou_french` are PostgreSQL's `english` and `french` with the `unaccent`
dictionary in front of the stemmer, so that accents are optional ("egypte" finds "Égypte"). The
`unaccent` extension is trusted since PostgreSQL 13: the database's owner may create it. On SQLite
the migration does nothing: the backend folds accents and stems in Python there.

After this migration, `manage.py update_index` rebuilds the index with the new configurations.
"""

from django.db import migrations

from pompidou_site.search_backend import CONFIG_PREFIX, DEFAULT_LANGUAGES

# The token types PostgreSQL's parser gives words with letters outside ASCII, which may carry accents.
ACCENTED_TOKEN_TYPES = "word, hword, hword_part"


def create_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for algorithm in sorted(set(DEFAULT_LANGUAGES.values())):
        name = CONFIG_PREFIX + algorithm
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{algorithm})")
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} ALTER MAPPING FOR {ACCENTED_TOKEN_TYPES} "
            f"WITH unaccent, {algorithm}_stem"
        )


def drop_configurations(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for algorithm in sorted(set(DEFAULT_LANGUAGES.values())):
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG_PREFIX + algorithm}")


class Migration(migrations.Migration):
    dependencies = [("pompidou_site", "0009_document_text")]

    operations = [migrations.RunPython(create_configurations, drop_configurations)]
