"""The database cache table behind CACHES["fallback"], which the Redis cache fails over to (cloudscendo.cache)."""

from django.core.management import call_command
from django.db import migrations


def _cache_table_create(apps, schema_editor) -> None:
    # createcachetable makes the table of every DatabaseCache in CACHES, and skips one that exists.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):

    dependencies = [("cloudscendo", "0001_initial")]

    operations = [migrations.RunPython(_cache_table_create, migrations.RunPython.noop)]
