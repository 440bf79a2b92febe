"""The local search index and the nearest-neighbour index, written for each database vendor.

SQLite: an FTS5 table kept in sync by triggers. PostgreSQL: a GIN index on a
tsvector expression and a GiST index on point(pos_valence, pos_energy).
"""

from django.db import migrations

from music.search import sql


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


class Migration(migrations.Migration):
    dependencies = [("music", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": sql.SQLITE_CREATE, "postgresql": sql.PG_CREATE}),
            _run({"sqlite": sql.SQLITE_DROP, "postgresql": sql.PG_DROP}),
        ),
    ]
